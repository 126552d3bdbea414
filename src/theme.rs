//! Themes: templates, static assets and UI strings.
//!
//! The default theme (`themes/default/`) is compiled into the binary, so any
//! site builds without a copy of it. A site may have its own
//! `themes/<name>/`; each of its templates, assets and string files replaces
//! the built-in one of the same name, and anything it lacks falls back to the
//! built-in theme (the way mdBook lets a book override single templates).

use crate::config::{SiteConfig, SITE_FILE};
use crate::diagnostics::{Diagnostic, Location};
use crate::messages::Message;
use crate::msg;
use crate::source::{self, SourceText};
use crate::yaml;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A loaded theme: template sources, static files and the UI strings.
#[derive(Debug, Clone)]
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    /// Output path under `assets/` → contents.
    pub assets: BTreeMap<String, Vec<u8>>,
    /// UI strings for the site's language (`i18n/<lang>.yaml`).
    pub strings: serde_json::Value,
    /// The file the strings came from, for diagnostics.
    pub strings_path: PathBuf,
    /// Files the theme was read from on disk (for watching).
    pub dir: Option<PathBuf>,
    /// Template name → the file it came from, for diagnostics: the site's own
    /// theme file, or the built-in default theme's.
    pub template_paths: BTreeMap<String, PathBuf>,
    /// What loading found that does not stop a build (no words for the
    /// site's language).
    pub warnings: Vec<Diagnostic>,
}

/// Loads the theme named in site.yaml (`theme:`) for its `language:`.
pub(crate) fn load_theme(root: &Path, config: &SiteConfig) -> Result<Theme, Vec<Diagnostic>> {
    let (name, language) = (config.theme.as_str(), config.language.as_str());
    let dir = root.join("themes").join(name);
    let on_disk = dir.is_dir().then_some(dir);
    if on_disk.is_none() && name != "default" {
        return Err(vec![Diagnostic::error(
            SITE_FILE,
            config.theme_at,
            msg!("theme.missing", name = name),
        )]);
    }
    let mut templates = builtin_files("templates")
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8_lossy(&bytes).into_owned()))
        .collect::<BTreeMap<_, _>>();
    let mut assets: BTreeMap<String, Vec<u8>> = builtin_files("static").into_iter().collect();
    let mut problems = Vec::new();
    if let Some(dir) = &on_disk {
        overlay_disk(root, dir, &mut templates, &mut assets, &mut problems);
    }
    let strings = load_strings(root, on_disk.as_deref(), language).map_err(|d| vec![d]);
    let warnings = no_words_for(language, on_disk.as_deref())
        .map(|message| Diagnostic::warning(SITE_FILE, config.language_at, message))
        .into_iter()
        .collect();
    match strings {
        Ok((strings, strings_path)) if problems.is_empty() => Ok(Theme {
            template_paths: template_paths(root, on_disk.as_deref(), &templates),
            templates,
            assets,
            strings,
            strings_path,
            dir: on_disk,
            warnings,
        }),
        Ok(_) => Err(problems),
        Err(mut more) => {
            problems.append(&mut more);
            Err(problems)
        }
    }
}

fn template_paths(
    root: &Path,
    dir: Option<&Path>,
    templates: &BTreeMap<String, String>,
) -> BTreeMap<String, PathBuf> {
    let builtin = Path::new("themes/default/templates");
    templates
        .keys()
        .map(|name| {
            let on_disk = dir
                .map(|d| d.join("templates").join(name))
                .filter(|p| p.is_file());
            let path = match on_disk {
                Some(path) => source::relative_path(root, &path),
                None => builtin.join(name),
            };
            (name.clone(), path)
        })
        .collect()
}

fn builtin_files(folder: &str) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    if let Some(dir) = BUILTIN.get_dir(folder) {
        collect_builtin(dir, folder, &mut files);
    }
    files
}

fn collect_builtin(dir: &Dir<'static>, folder: &str, out: &mut Vec<(String, Vec<u8>)>) {
    for file in dir.files() {
        let name = file.path().strip_prefix(folder).unwrap_or(file.path());
        out.push((
            name.to_string_lossy().replace('\\', "/"),
            file.contents().to_vec(),
        ));
    }
    for sub in dir.dirs() {
        collect_builtin(sub, folder, out);
    }
}

fn overlay_disk(
    root: &Path,
    dir: &Path,
    templates: &mut BTreeMap<String, String>,
    assets: &mut BTreeMap<String, Vec<u8>>,
    problems: &mut Vec<Diagnostic>,
) {
    let theme_dir = source::relative_path(root, dir);
    let mut walk_problems = crate::diagnostics::Diagnostics::new();
    for path in crate::content::walk_all(
        root,
        &format!("{}/templates", theme_dir.display()),
        &mut walk_problems,
    ) {
        match source::load_text(root, &path) {
            Ok(text) => {
                let name = path
                    .strip_prefix(theme_dir.join("templates"))
                    .unwrap_or(&path);
                templates.insert(name.to_string_lossy().replace('\\', "/"), text);
            }
            Err(d) => problems.push(d),
        }
    }
    for path in crate::content::walk_all(
        root,
        &format!("{}/static", theme_dir.display()),
        &mut walk_problems,
    ) {
        match std::fs::read(root.join(&path)) {
            Ok(bytes) => {
                let name = path.strip_prefix(theme_dir.join("static")).unwrap_or(&path);
                assets.insert(name.to_string_lossy().replace('\\', "/"), bytes);
            }
            Err(err) => problems.push(Diagnostic::error(
                &path,
                Location::WHOLE,
                msg!("file.unreadable", detail = crate::messages::io_detail(&err)),
            )),
        }
    }
    problems.extend(walk_problems);
}

/// A warning for a language that neither kenshu nor the theme has UI
/// strings for (`language: fr`): the portal's words stay Japanese while
/// its pages say they are in that language.
fn no_words_for(language: &str, dir: Option<&Path>) -> Option<Message> {
    // The built-in words are Japanese: `ja-JP` has them too.
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    let file = format!("i18n/{language}.yaml");
    let known = primary.eq_ignore_ascii_case("ja")
        || BUILTIN.get_file(&file).is_some()
        || dir.is_some_and(|d| d.join(&file).is_file());
    (!known).then(|| msg!("theme.no-strings", language = language, file = file))
}

/// UI strings: the built-in ones for the language (else the built-in
/// Japanese ones), with the theme's file for the language laid over them
/// key by key, as Hugo merges a site's translations over its theme's: a
/// theme's file need hold only the strings it changes, and strings added
/// in a later version of kenshu do not break it. Diagnostics about the
/// strings name the theme's file when there is one.
fn load_strings(
    root: &Path,
    dir: Option<&Path>,
    language: &str,
) -> Result<(serde_json::Value, PathBuf), Diagnostic> {
    let file = format!("i18n/{language}.yaml");
    let builtin = BUILTIN
        .get_file(&file)
        .or_else(|| BUILTIN.get_file("i18n/ja.yaml"));
    let text = builtin.and_then(|f| f.contents_utf8()).unwrap_or("{}");
    let path = Path::new("themes/default").join(builtin.map_or(Path::new(&file), |f| f.path()));
    let mut strings = parse_strings(&SourceText::new(&path, text))?;
    if let Some(dir) = dir {
        let own = source::relative_path(root, &dir.join(&file));
        if root.join(&own).is_file() {
            let text = source::load_text(root, &own)?;
            lay_over(&mut strings, parse_strings(&SourceText::new(&own, &text))?);
            return Ok((strings, own));
        }
    }
    Ok((strings, path))
}

/// Lays `over` onto `base`: mappings are merged key by key, any other
/// value replaces the one below it.
fn lay_over(base: &mut serde_json::Value, over: serde_json::Value) {
    match (base, over) {
        (serde_json::Value::Object(base), serde_json::Value::Object(over)) => {
            for (key, value) in over {
                match base.get_mut(&key) {
                    Some(below) => lay_over(below, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, over) => *base = over,
    }
}

fn parse_strings(source: &SourceText) -> Result<serde_json::Value, Diagnostic> {
    let node = yaml::parse(source, false).map_err(|mut problems| problems.remove(0))?;
    yaml::read(source, &node)
}
