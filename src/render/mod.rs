//! Rendering: the checked [`Site`] to output files, without touching the disk.
//!
//! Every page of the portal is a [`PageId`]. [`Renderer::render_page`] turns
//! one into an [`OutputFile`], so a full build renders all of them in
//! parallel and the preview server renders only the ones an edit touches.
//! Templates are compiled once, when the [`Renderer`] is made.

mod layout;
mod learning;
mod pages;
mod partials;
mod quiz;
pub mod views;

pub use layout::{check_layout, MAX_NAME_BYTES, MAX_PATH_BYTES};
pub use pages::SiteValues;
pub use quiz::{body_html, QuizStrings};

use crate::aside::drop_aside;
use crate::diagnostics::{Diagnostic, Location};
use crate::output::{Contents, OutputFile};
use crate::site::Site;
use crate::theme::Theme;
use crate::urls;
pub use crate::urls::PageId;
use minijinja::{Environment, UndefinedBehavior, Value};
use rayon::prelude::*;
use std::path::PathBuf;

/// Every page of a site.
pub fn all_pages(site: &Site) -> Vec<PageId> {
    let mut pages = vec![
        PageId::Home,
        PageId::SkillMatrix,
        PageId::Resources,
        PageId::Search,
        PageId::Progress,
        PageId::NotFound,
        PageId::Modules,
    ];
    for role in &site.framework.roles {
        pages.push(PageId::Role(role.id.clone()));
        pages.push(PageId::Certificate(role.id.clone()));
    }
    // Skill pages before module pages: each lists many modules, and the
    // build renders in this order, so the last pages left are small ones
    // that both threads share, not a few long ones that one thread ends.
    pages.extend(
        site.framework
            .skills
            .iter()
            .map(|s| PageId::Skill(s.id.clone())),
    );
    pages.extend(site.modules.iter().map(|m| PageId::Module(m.id.clone())));
    pages.extend(site.pages.iter().map(|p| PageId::Page(p.slug.clone())));
    pages
}

/// Why [`Renderer::render_site_with`] stopped.
#[derive(Debug)]
pub enum RenderFailure<E> {
    /// Every page that could not be rendered.
    Pages(Vec<Diagnostic>),
    /// The sink refused a file.
    Sink(E),
}

/// The first size of a page's output buffer.
const PAGE_BUFFER_BYTES: usize = 32 * 1024;

/// The script with the site's settings and UI strings for the browser.
const SITE_CONFIG: &str = "assets/site-config.js";
/// The assets made from the site rather than copied from the theme.
pub const MADE_ASSETS: [&str; 2] = [SITE_CONFIG, learning::CURRICULA_SCRIPT];

/// Compiled templates and the theme's strings.
pub struct Renderer {
    env: Environment<'static>,
    theme: Theme,
    /// The theme's UI strings as a template value, converted once: pages
    /// share it instead of converting the strings for every page.
    ui: Value,
    /// The quiz words, for the quiz blocks written in Rust.
    quiz: QuizStrings,
}

impl Renderer {
    /// Compiles every template of the theme; reports template syntax errors.
    pub fn new(theme: Theme) -> Result<Renderer, Vec<Diagnostic>> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_debug(true);
        env.set_formatter(escape_html);
        env.add_function("partial", partials::partial);
        env.add_function("partial_cached", partials::partial_cached);
        env.add_function("partial_cached_each", partials::partial_cached_each);
        env.add_filter("fill", fill);
        let mut problems = Vec::new();
        for (name, source) in &theme.templates {
            if let Err(err) = env.add_template_owned(name.clone(), source.clone()) {
                problems.push(template_error(&err, &theme.template_paths));
            }
        }
        let quiz = quiz_strings(&theme).map_err(|d| problems.push(d)).ok();
        match quiz {
            Some(quiz) if problems.is_empty() => {
                let ui = ui_value(&theme.strings);
                Ok(Renderer {
                    env,
                    theme,
                    ui,
                    quiz,
                })
            }
            _ => Err(problems),
        }
    }

    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// Renders every page and hands each file, and every other output file
    /// (assets, media; the search index is made beside it by
    /// `build::search_index`), to `sink` from several threads as soon as it
    /// is made, so memory does not grow with the size of the output.
    /// Returns how many files were handed over.
    pub fn render_site_with<E: Send>(
        &self,
        site: &Site,
        sink: impl Fn(OutputFile) -> Result<(), E> + Sync,
    ) -> Result<usize, RenderFailure<E>> {
        let problems = std::sync::Mutex::new(Vec::new());
        let pages = all_pages(site);
        let values = SiteValues::new(site);
        let render = || {
            // Pieces of at most 16 pages, so that neither thread is left
            // with a long run of them while the other has nothing to do.
            pages.par_iter().with_max_len(16).try_for_each(|page| {
                match self.render_page(site, &values, page) {
                    Ok(file) => sink(file),
                    Err(d) => {
                        problems.lock().unwrap_or_else(|e| e.into_inner()).push(d);
                        Ok(())
                    }
                }
            })
        };
        // The other files (assets, curricula.js, media) are made beside the
        // pages, not after them, where one thread alone made them while the
        // other had nothing left to do (a failed build drops them unused).
        let others = || {
            let mut rest = self.asset_files(site);
            rest.extend(copied_files(site));
            let count = rest.len();
            rest.into_par_iter().try_for_each(&sink).map(|()| count)
        };
        let (rendered, others) = rayon::join(render, others);
        let page_count = pages.len();
        // The caches hold a row of every module: freed here, they would be
        // the render's last stretch, on one thread.
        drop_aside((values, pages));
        rendered.map_err(RenderFailure::Sink)?;
        let others = others.map_err(RenderFailure::Sink)?;
        let problems = problems.into_inner().unwrap_or_else(|e| e.into_inner());
        if !problems.is_empty() {
            return Err(RenderFailure::Pages(problems));
        }
        Ok(page_count + others)
    }

    /// Renders the given pages in parallel (the preview server renders only
    /// the pages an edit touches); reports every page that fails.
    pub fn render_pages(
        &self,
        site: &Site,
        pages: &[PageId],
    ) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let values = SiteValues::new(site);
        let results: Vec<Result<OutputFile, Diagnostic>> = pages
            .par_iter()
            .map(|page| self.render_page(site, &values, page))
            .collect();
        let mut files = Vec::with_capacity(results.len() + 64);
        let mut problems = Vec::new();
        for result in results {
            match result {
                Ok(file) => files.push(file),
                Err(d) => problems.push(d),
            }
        }
        if problems.is_empty() {
            Ok(files)
        } else {
            Err(problems)
        }
    }

    /// Renders one page, with the template values every page of `site`
    /// shares (made once by the caller: `SiteValues::new(site)`).
    pub fn render_page(
        &self,
        site: &Site,
        values: &SiteValues,
        page: &PageId,
    ) -> Result<OutputFile, Diagnostic> {
        let shared = pages::Shared {
            ui: &self.ui,
            quiz: &self.quiz,
            site: values,
        };
        let (template, context) = pages::context(site, page, &shared);
        // Room for a module page (about 25 kB) from the start: growing the
        // buffer step by step copied each page several times.
        let mut html = Vec::with_capacity(PAGE_BUFFER_BYTES);
        self.env
            .get_template(template)
            .and_then(|t| t.render_captured_to(context, &mut html))
            .map_err(|err| template_error(&err, &self.theme.template_paths))?;
        Ok(OutputFile::bytes(page.output_path(), html))
    }

    /// Renders a theme template that is not a page of the portal (the page
    /// of `kenshu report`), with the theme's UI strings as `ui` beside
    /// `context`, through the same environment and escaper as the portal.
    pub fn render_template(&self, name: &str, context: Value) -> Result<String, Diagnostic> {
        let context = minijinja::context! { ui => self.ui.clone(), ..context };
        self.env
            .get_template(name)
            .and_then(|t| t.render(context))
            .map_err(|err| template_error(&err, &self.theme.template_paths))
    }

    /// Theme assets, plus the script holding the UI strings for the browser.
    pub fn asset_files(&self, site: &Site) -> Vec<OutputFile> {
        let mut files: Vec<OutputFile> = self
            .theme
            .assets
            .iter()
            .map(|(name, bytes)| OutputFile::bytes(format!("assets/{name}"), bytes.clone()))
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
            "assessmentScale": site.framework.assessment_scale,
        });
        let script = format!(
            "window.KENSHU = {};\n",
            serde_json::to_string(&config).unwrap_or_default()
        );
        files.push(OutputFile::bytes(SITE_CONFIG, script));
        files.push(learning::curricula_script(site));
        files
    }
}

/// The theme's `quiz:` strings, or an error at its strings file.
fn quiz_strings(theme: &Theme) -> Result<QuizStrings, Diagnostic> {
    let quiz = theme
        .strings
        .get("quiz")
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    serde_json::from_value(quiz).map_err(|err| {
        Diagnostic::error(
            &theme.strings_path,
            Location::START,
            crate::msg!("theme.quiz-strings", detail = err),
        )
    })
}

/// Media beside modules and pages, and content/static, copied as they are.
pub fn copied_files(site: &Site) -> Vec<OutputFile> {
    let media = site.media.iter().map(|path| OutputFile {
        path: urls::media_output_path(path),
        contents: Contents::Copy(site.root.join(path)),
    });
    let statics = site.statics.iter().map(|path| OutputFile {
        path: urls::static_output_path(path),
        contents: Contents::Copy(site.root.join(path)),
    });
    media.chain(statics).collect()
}

/// A template error at the template's file (the site's theme or the built-in one).
fn template_error(
    err: &minijinja::Error,
    paths: &std::collections::BTreeMap<String, PathBuf>,
) -> Diagnostic {
    let name = err.name().unwrap_or("template");
    let line = err.line().unwrap_or(1);
    let mut detail = err.kind().to_string();
    if let Some(more) = err.detail() {
        detail.push_str(": ");
        detail.push_str(more);
    }
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        detail.push_str(&format!(" ({inner})"));
        source = inner.source();
    }
    let path = paths
        .get(name)
        .cloned()
        .unwrap_or_else(|| PathBuf::from("themes/default/templates").join(name));
    let (col, excerpt) = template_excerpt(err, line);
    let message = crate::msg!("template.error", detail = detail, excerpt = excerpt);
    Diagnostic::error(path, Location::new(line, col), message)
}

/// The column of the failing range and the line it is on, from the
/// template source minijinja keeps in debug mode.
fn template_excerpt(err: &minijinja::Error, line: usize) -> (usize, String) {
    let Some(source) = err.template_source() else {
        return (1, String::new());
    };
    let text = source
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or_default();
    let col = err
        .range()
        .and_then(|range| {
            let line_start: usize = source.lines().take(line - 1).map(|l| l.len() + 1).sum();
            range.start.checked_sub(line_start)
        })
        .map(|byte| text.get(..byte).map_or(1, |t| t.chars().count() + 1))
        .unwrap_or(1);
    (col, text.trim().to_string())
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
            write_escaped(out, text).map_err(minijinja::Error::from)
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Writes `text` with `& < > " '` escaped, as pulldown-cmark escapes the
/// Markdown it renders: the one HTML escaper of kenshu's own markup
/// (templates, quiz forms, the report).
pub(crate) fn write_escaped(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    pulldown_cmark_escape::escape_html(pulldown_cmark_escape::FmtWriter(out), text)
}

/// The UI strings as template values. Tables become maps keyed by `str`
/// (in key order, as serialising would give): every page looks up dozens
/// of `ui.group.key`s, and a map keyed by template values compares keys
/// as values, several times slower.
fn ui_value(strings: &serde_json::Value) -> Value {
    match strings {
        serde_json::Value::Object(table) => Value::from_object(
            table
                .iter()
                .map(|(key, value)| (std::sync::Arc::<str>::from(key.as_str()), ui_value(value)))
                .collect::<std::collections::BTreeMap<_, _>>(),
        ),
        serde_json::Value::Array(items) => {
            Value::from(items.iter().map(ui_value).collect::<Vec<_>>())
        }
        serde_json::Value::String(text) => Value::from(text.as_str()),
        other => Value::from(minijinja::value::Serde(other)),
    }
}

/// The `fill` filter: `ui.x|fill(count=n, total=m)` puts each argument in
/// for its `{name}` in one pass, as messages are filled; an unknown
/// `{name}` stays as written. The text is escaped on output as any other.
fn fill(text: &str, kwargs: minijinja::value::Kwargs) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len() + 16);
    crate::messages::fill_with(text, &mut out, |name, out| {
        match kwargs.peek::<Value>(name) {
            Ok(value) if !value.is_undefined() => write!(out, "{value}").is_ok(),
            _ => false,
        }
    });
    out
}

/// Marks HTML produced by kenshu itself as safe for templates.
fn safe(html: String) -> Value {
    Value::from_safe_string(html)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{load_site, LoadOptions};
    use std::path::Path;
    use std::sync::Mutex;

    #[test]
    fn streaming_render_gives_the_same_files_as_collecting() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (site, diagnostics) = load_site(root, LoadOptions::default());
        let site = site.unwrap_or_else(|| panic!("shipped site: {diagnostics:?}"));
        let theme = crate::theme::load_theme(root, &site.config).expect("theme");
        let renderer = Renderer::new(theme).expect("templates");
        // The reference: every page rendered in one go, then the other files.
        let mut collected = renderer
            .render_pages(&site, &all_pages(&site))
            .expect("render");
        collected.extend(renderer.asset_files(&site));
        collected.extend(copied_files(&site));
        let streamed = Mutex::new(Vec::new());
        let count = renderer
            .render_site_with(&site, |file| {
                streamed.lock().expect("lock").push(file);
                Ok::<(), ()>(())
            })
            .expect("render");
        let mut streamed = streamed.into_inner().expect("lock");
        collected.sort_by(|a, b| a.path.cmp(&b.path));
        streamed.sort_by(|a, b| a.path.cmp(&b.path));
        assert_eq!(count, collected.len());
        assert!(collected.len() > 40);
        assert!(
            collected == streamed,
            "streamed files differ from collected ones"
        );
    }

    #[test]
    fn escaping_keeps_slashes_and_escapes_the_five_characters() {
        let mut env = Environment::new();
        env.set_formatter(escape_html);
        env.add_template("t.html", "{{ v }}").expect("template");
        let html = env
            .get_template("t.html")
            .and_then(|t| t.render(minijinja::context! { v => "a/b <c> & \"d\" 'e' 日本" }))
            .expect("render");
        assert_eq!(html, "a/b &lt;c&gt; &amp; &quot;d&quot; &#39;e&#39; 日本");
    }

    #[test]
    fn fill_puts_each_argument_in_once_and_leaves_unknown_names() {
        let mut env = Environment::new();
        env.set_formatter(escape_html);
        env.add_filter("fill", fill);
        env.add_template("t.html", "{{ text|fill(position=3, total=n, who=who) }}")
            .expect("template");
        let context = minijinja::context! {
            text => "{position}/{total}（{who}・{other}）",
            n => 12,
            // What an argument holds is not read for placeholders again.
            who => "<{total}>",
        };
        let html = env
            .get_template("t.html")
            .and_then(|t| t.render(context))
            .expect("render");
        assert_eq!(html, "3/12（&lt;{total}&gt;・{other}）");
    }
}
