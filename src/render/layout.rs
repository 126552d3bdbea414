//! What the build will write, checked before anything is rendered.
//!
//! [`check_layout`] lists every output path (pages, theme assets, media,
//! files of `content/static/`) without rendering a page, and reports:
//! - a static file at the path of a generated file, under a folder that is
//!   a generated file, named like a folder of the output (`modules`), or
//!   inside the search index (`assets/search/`): either would overwrite the
//!   other, and which one won used to depend on thread timing; also when the
//!   two paths differ only in letter case or Unicode normalisation, as they
//!   are the same file on Windows, macOS and IIS;
//! - a generated page inside a folder that has the name of another
//!   generated file (a module `id: index.html` against the module list
//!   `modules/index.html`, a page `404.html.md` against the theme's
//!   `404.html`): one of the two could not be written;
//! - an output path with a folder or file name longer than
//!   [`MAX_NAME_BYTES`] or longer as a whole than [`MAX_PATH_BYTES`], which
//!   file systems refuse ("File name too long").
//!
//! `check` and `build` both run it, so `check` passes only what `build` can write.

use super::{PageId, Renderer};
use crate::diagnostics::{Diagnostic, Location};
use crate::ids::fold;
use crate::messages::Message;
use crate::msg;
use crate::site::Site;
use crate::urls::{media_output_path, static_output_path};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Longest folder or file name in the output, in bytes (ext4, NTFS, APFS).
pub const MAX_NAME_BYTES: usize = 255;
/// Longest output path below the output folder, in bytes: leaves room for
/// the output folder's own path within Linux's 4,096.
pub const MAX_PATH_BYTES: usize = 1024;

/// The search index's folder: its file names depend on the index's size.
const SEARCH_DIR: &str = "assets/search/";

/// Where a generated file comes from, as an author would name it.
struct Origin {
    /// A catalogue code naming the kind of file, and its detail (a path).
    what: (&'static str, String),
    path: PathBuf,
    /// Text to point at in `path` (`id: …`), found only when reporting.
    needle: Option<String>,
}

impl Origin {
    fn at(what: (&'static str, String), path: PathBuf) -> Origin {
        Origin {
            what,
            path,
            needle: None,
        }
    }

    /// Where in its file the problem is: reads the file, so only called
    /// for a problem.
    fn location(&self, site: &Site) -> Location {
        let Some(needle) = &self.needle else {
            return Location::START;
        };
        let text = std::fs::read_to_string(site.root.join(&self.path)).unwrap_or_default();
        text.lines()
            .enumerate()
            .find_map(|(index, line)| {
                line.find(needle.as_str())
                    .map(|byte| Location::new(index + 1, line[..byte].chars().count() + 1))
            })
            .unwrap_or(Location::START)
    }
}

/// Every problem with the paths the build will write.
pub fn check_layout(site: &Site, renderer: &Renderer) -> Vec<Diagnostic> {
    let generated = generated_files(site, renderer);
    let mut problems = Vec::new();
    for (output, origin) in &generated {
        problems.extend(length_problem(site, output, origin));
    }
    let folders: BTreeMap<&str, &Origin> = generated
        .iter()
        .flat_map(|(output, origin)| ancestors(output).map(move |folder| (folder, origin)))
        .collect();
    for (folder, origin) in &folders {
        if let Some(file) = generated.get(*folder) {
            let message = with_origin(msg!("layout.folder-is-file", folder = folder), file);
            let (path, at) = (&origin.path, origin.location(site));
            problems.push(Diagnostic::error(path, at, message));
        }
    }
    let folded: BTreeMap<String, (&str, &Origin)> = generated
        .iter()
        .map(|(output, origin)| (output.as_str(), origin))
        .chain(folders.iter().map(|(folder, origin)| (*folder, *origin)))
        .map(|(path, origin)| (fold(path), (path, origin)))
        .collect();
    for source in &site.statics {
        let output = static_output_path(source);
        let origin = Origin::at(
            ("layout.what-media", source.display().to_string()),
            source.clone(),
        );
        problems.extend(length_problem(site, &output, &origin));
        let collision = static_collision(&output, source, &generated, &folders)
            .or_else(|| folded_collision(&output, source, &folded));
        problems.extend(collision);
    }
    problems
}

/// The static file at `output` against a generated file or folder whose
/// path differs only in letter case or Unicode normalisation.
fn folded_collision(
    output: &str,
    source: &PathBuf,
    folded: &BTreeMap<String, (&str, &Origin)>,
) -> Option<Diagnostic> {
    let clash = std::iter::once(output)
        .chain(ancestors(output))
        .find_map(|path| folded.get(&fold(path)).filter(|(other, _)| *other != path));
    let message = match clash {
        Some((other, origin)) => with_origin(
            msg!("layout.folded", output = output, other = other),
            origin,
        ),
        None if fold(output).starts_with(SEARCH_DIR) => search_collision(output),
        None => return None,
    };
    Some(Diagnostic::error(source, Location::START, message))
}

/// The static file at `output` against what kenshu generates.
fn static_collision(
    output: &str,
    source: &PathBuf,
    generated: &BTreeMap<String, Origin>,
    folders: &BTreeMap<&str, &Origin>,
) -> Option<Diagnostic> {
    let message = if output.starts_with(SEARCH_DIR) {
        search_collision(output)
    } else if let Some(origin) = generated.get(output) {
        with_origin(msg!("layout.collides", output = output), origin)
    } else if let Some(origin) = folders.get(output) {
        with_origin(msg!("layout.folder", output = output), origin)
    } else {
        let (file, origin) = ancestors(output).find_map(|a| generated.get_key_value(a))?;
        with_origin(
            msg!("layout.under-file", output = output, file = file),
            origin,
        )
    };
    Some(Diagnostic::error(source, Location::START, message))
}

/// Names what the other file is (`{@what}` with `{what_path}`).
fn with_origin(message: Message, origin: &Origin) -> Message {
    message
        .arg("@what", origin.what.0)
        .arg("what_path", &origin.what.1)
}

fn search_collision(output: &str) -> Message {
    let message = msg!("layout.collides", output = output);
    message
        .arg("@what", "layout.what-search")
        .arg("what_path", "")
}

/// `a/b/c.html` → `a/b`, `a`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices()
        .rev()
        .filter(|&(_, c)| c == '/')
        .map(move |(at, _)| &path[..at])
}

fn length_problem(site: &Site, output: &str, origin: &Origin) -> Option<Diagnostic> {
    let longest = output.split('/').map(str::len).max().unwrap_or(0);
    let message = if longest > MAX_NAME_BYTES {
        msg!(
            "layout.name-too-long",
            output = output,
            bytes = longest,
            max = MAX_NAME_BYTES
        )
    } else if output.len() > MAX_PATH_BYTES {
        msg!(
            "layout.path-too-long",
            output = output,
            bytes = output.len(),
            max = MAX_PATH_BYTES
        )
    } else {
        return None;
    };
    Some(Diagnostic::error(
        &origin.path,
        origin.location(site),
        message,
    ))
}

/// Every file kenshu makes, by output path, except the search index
/// (whose folder is reserved whole).
fn generated_files(site: &Site, renderer: &Renderer) -> BTreeMap<String, Origin> {
    let mut files = BTreeMap::new();
    for page in super::all_pages(site) {
        files.insert(page.output_path(), page_origin(site, &page));
    }
    let theme = renderer.theme();
    let assets = theme.assets.keys().map(|name| format!("assets/{name}"));
    for asset in assets.chain([super::SITE_CONFIG.to_string()]) {
        let origin = Origin::at(
            ("layout.what-theme", asset.clone()),
            theme.strings_path.clone(),
        );
        files.insert(asset, origin);
    }
    for source in &site.media {
        let what = ("layout.what-media", source.display().to_string());
        let origin = Origin::at(what, source.clone());
        files.insert(media_output_path(source), origin);
    }
    files
}

fn page_origin(site: &Site, page: &PageId) -> Origin {
    let (path, id) = match page {
        PageId::Module(id) => (site.module(id).map(|m| m.path.clone()), id),
        PageId::Page(slug) => (
            site.pages
                .iter()
                .find(|p| &p.slug == slug)
                .map(|p| p.path.clone()),
            slug,
        ),
        PageId::Role(id) | PageId::Skill(id) => {
            (Some(PathBuf::from(crate::framework::SKILLS_FILE)), id)
        }
        _ => {
            let path = PathBuf::from(crate::config::SITE_FILE);
            return Origin::at(("layout.what-page", String::new()), path);
        }
    };
    let path = path.unwrap_or_else(|| PathBuf::from(crate::config::SITE_FILE));
    Origin {
        what: ("layout.what-source-page", path.display().to_string()),
        needle: (!matches!(page, PageId::Page(_))).then(|| format!("id: {id}")),
        path,
    }
}
