//! Rendering: the checked [`Site`] to output files, without touching the disk.
//!
//! Every page of the portal is a [`PageId`]. [`Renderer::render_page`] turns
//! one into an [`OutputFile`], so a full build renders all of them in
//! parallel and the preview server renders only the ones an edit touches.
//! Templates are compiled once, when the [`Renderer`] is made.

mod pages;
pub mod views;

use crate::diagnostics::{Diagnostic, Location};
use crate::markdown::media_url;
use crate::search;
use crate::site::Site;
use crate::theme::Theme;
use minijinja::{Environment, UndefinedBehavior, Value};
use rayon::prelude::*;
use std::path::PathBuf;

/// A file of the built site.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// Relative to the output folder, with `/` separators.
    pub path: String,
    pub contents: Contents,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// A file copied as it is from the site folder (absolute path).
    Copy(PathBuf),
}

/// One page of the portal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageId {
    Home,
    Role(String),
    Module(String),
    SkillMatrix,
    Skill(String),
    Resources,
    Search,
    Progress,
    Page(String),
    NotFound,
}

impl PageId {
    /// Output path of the page.
    pub fn output_path(&self) -> String {
        match self {
            PageId::Home => "index.html".into(),
            PageId::Role(id) => format!("roles/{id}/index.html"),
            PageId::Module(id) => format!("modules/{id}/index.html"),
            PageId::SkillMatrix => "skills/index.html".into(),
            PageId::Skill(id) => format!("skills/{id}/index.html"),
            PageId::Resources => "resources/index.html".into(),
            PageId::Search => "search/index.html".into(),
            PageId::Progress => "progress/index.html".into(),
            PageId::Page(slug) => format!("{slug}/index.html"),
            PageId::NotFound => "404.html".into(),
        }
    }

    /// Relative path from the page back to the site root.
    pub fn root_prefix(&self) -> &'static str {
        match self {
            PageId::Home | PageId::NotFound => "",
            PageId::SkillMatrix
            | PageId::Resources
            | PageId::Search
            | PageId::Progress
            | PageId::Page(_) => "../",
            PageId::Role(_) | PageId::Module(_) | PageId::Skill(_) => "../../",
        }
    }
}

/// Every page of a site.
pub fn all_pages(site: &Site) -> Vec<PageId> {
    let mut pages = vec![
        PageId::Home,
        PageId::SkillMatrix,
        PageId::Resources,
        PageId::Search,
        PageId::Progress,
        PageId::NotFound,
    ];
    pages.extend(
        site.framework
            .roles
            .iter()
            .map(|r| PageId::Role(r.id.clone())),
    );
    pages.extend(site.modules.iter().map(|m| PageId::Module(m.id.clone())));
    pages.extend(
        site.framework
            .skills
            .iter()
            .map(|s| PageId::Skill(s.id.clone())),
    );
    pages.extend(site.pages.iter().map(|p| PageId::Page(p.slug.clone())));
    pages
}

/// Compiled templates and the theme's strings.
pub struct Renderer {
    env: Environment<'static>,
    theme: Theme,
}

impl Renderer {
    /// Compiles every template of the theme; reports template syntax errors.
    pub fn new(theme: Theme) -> Result<Renderer, Vec<Diagnostic>> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_debug(true);
        env.set_formatter(escape_html);
        let mut problems = Vec::new();
        for (name, source) in &theme.templates {
            if let Err(err) = env.add_template_owned(name.clone(), source.clone()) {
                problems.push(template_error(&err));
            }
        }
        if problems.is_empty() {
            Ok(Renderer { env, theme })
        } else {
            Err(problems)
        }
    }

    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// Renders every page and collects every other output file.
    pub fn render_site(&self, site: &Site) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let results: Vec<Result<OutputFile, Diagnostic>> = all_pages(site)
            .par_iter()
            .map(|page| self.render_page(site, page))
            .collect();
        let mut files = Vec::with_capacity(results.len() + 64);
        let mut problems = Vec::new();
        for result in results {
            match result {
                Ok(file) => files.push(file),
                Err(d) => problems.push(d),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        files.extend(self.asset_files(site));
        files.extend(search::index_files(site));
        files.extend(copied_files(site));
        Ok(files)
    }

    /// Renders one page.
    pub fn render_page(&self, site: &Site, page: &PageId) -> Result<OutputFile, Diagnostic> {
        let (template, context) = pages::context(site, page, &self.theme.strings);
        let html = self
            .env
            .get_template(template)
            .and_then(|t| t.render(context))
            .map_err(|err| template_error(&err))?;
        Ok(OutputFile {
            path: page.output_path(),
            contents: Contents::Bytes(html.into_bytes()),
        })
    }

    /// Theme assets, plus the script holding the UI strings for the browser.
    pub fn asset_files(&self, site: &Site) -> Vec<OutputFile> {
        let mut files: Vec<OutputFile> = self
            .theme
            .assets
            .iter()
            .map(|(name, bytes)| OutputFile {
                path: format!("assets/{name}"),
                contents: Contents::Bytes(bytes.clone()),
            })
            .collect();
        let strings = self
            .theme
            .strings
            .get("js")
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        let config = serde_json::json!({
            "progressKey": site.config.progress_key(),
            "siteTitle": site.config.title,
            "organization": site.config.organization,
            "strings": strings,
        });
        let script = format!(
            "window.KENSHU = {};\n",
            serde_json::to_string(&config).unwrap_or_default()
        );
        files.push(OutputFile {
            path: "assets/site-config.js".into(),
            contents: Contents::Bytes(script.into_bytes()),
        });
        files
    }
}

/// Media beside modules and pages, and content/static, copied as they are.
pub fn copied_files(site: &Site) -> Vec<OutputFile> {
    let media = site.media.iter().map(|path| OutputFile {
        path: decoded(&media_url(path)),
        contents: Contents::Copy(site.root.join(path)),
    });
    let statics = site.statics.iter().map(|path| {
        let inner = path
            .strip_prefix(crate::content::STATIC_DIR)
            .unwrap_or(path);
        OutputFile {
            path: inner.to_string_lossy().replace('\\', "/"),
            contents: Contents::Copy(site.root.join(path)),
        }
    });
    media.chain(statics).collect()
}

fn decoded(url: &str) -> String {
    percent_encoding::percent_decode_str(url)
        .decode_utf8_lossy()
        .into_owned()
}

fn template_error(err: &minijinja::Error) -> Diagnostic {
    let name = err.name().unwrap_or("template");
    let line = err.line().unwrap_or(1);
    let mut message = format!("template error: {}", err.kind());
    if let Some(detail) = err.detail() {
        message.push_str(": ");
        message.push_str(detail);
    }
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        message.push_str(&format!(" ({inner})"));
        source = inner.source();
    }
    Diagnostic::error(
        format!("themes/default/templates/{name}"),
        Location::new(line, 1),
        message,
    )
}

/// Escapes text for HTML, leaving `/` alone (minijinja's default escapes it,
/// which is valid but makes every URL in the output hard to read).
fn escape_html(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    match value.as_str() {
        Some(text) if !value.is_safe() && *state.auto_escape() != minijinja::AutoEscape::None => {
            let mut escaped = String::with_capacity(text.len() + 16);
            for c in text.chars() {
                match c {
                    '&' => escaped.push_str("&amp;"),
                    '<' => escaped.push_str("&lt;"),
                    '>' => escaped.push_str("&gt;"),
                    '"' => escaped.push_str("&quot;"),
                    '\'' => escaped.push_str("&#39;"),
                    other => escaped.push(other),
                }
            }
            out.write_str(&escaped).map_err(minijinja::Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Marks HTML produced by kenshu itself as safe for templates.
pub fn safe(html: &str) -> Value {
    Value::from_safe_string(html.to_string())
}
