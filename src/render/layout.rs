//! What the build will write, checked before anything is rendered.
//!
//! [`check_layout`] lists every output path (pages, theme assets, media,
//! files of `content/static/`) without rendering a page, and reports:
//! - a static file at the path of a generated file, under a folder that is
//!   a generated file, named like a folder of the output (`modules`), or
//!   inside the search index (`assets/search/`): either would overwrite the
//!   other, and which one won used to depend on thread timing;
//! - an output path with a folder or file name longer than
//!   [`MAX_NAME_BYTES`] or longer as a whole than [`MAX_PATH_BYTES`], which
//!   file systems refuse ("File name too long").
//!
//! `check` and `build` both run it, so `check` passes only what `build` can write.

use super::{media_output_path, static_output_path, PageId, Renderer};
use crate::diagnostics::{Diagnostic, Location};
use crate::site::Site;
use crate::source::SourceText;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Longest folder or file name in the output, in bytes (ext4, NTFS, APFS).
pub const MAX_NAME_BYTES: usize = 255;
/// Longest output path below the output folder, in bytes: leaves room for
/// the output folder's own path within Linux's 4,096.
pub const MAX_PATH_BYTES: usize = 1024;

/// The search index's folder: its file names depend on the index's size.
const SEARCH_DIR: &str = "assets/search/";

/// Messages to authors, in one place.
mod message {
    pub(super) fn collides(output: &str, other: &str) -> String {
        format!("この静的ファイルは出力の {output} に書き出されますが、そこには {other} が書き出されます。どちらかが上書きされるため、ビルドできません")
    }
    pub(super) fn folder(output: &str, other: &str) -> String {
        format!("この静的ファイルは出力の {output} に書き出されますが、同じ名前のフォルダーに {other} が書き出されます")
    }
    pub(super) fn under_file(output: &str, file: &str, other: &str) -> String {
        format!("この静的ファイルは出力の {output} に書き出されますが、{file} は {other} が書き出すファイルのため、フォルダーにできません")
    }
    pub(super) const SEARCH: &str = "検索インデックス（assets/search/）";
    pub(super) const COLLIDES_HINT: &str =
        "content/static/ の中でファイル名かフォルダー名を変えてください";
    pub(super) fn name_too_long(output: &str, bytes: usize, max: usize) -> String {
        format!("出力のパス {output} に {bytes} バイトの名前があり、ファイルシステムの上限 {max} バイトを超えます")
    }
    pub(super) fn path_too_long(output: &str, bytes: usize, max: usize) -> String {
        format!("出力のパス {output} は {bytes} バイトで、上限 {max} バイトを超えます")
    }
    pub(super) const TOO_LONG_HINT: &str = "id やファイル名を短くしてください";
}

/// Where a generated file comes from, as an author would name it.
struct Origin {
    what: String,
    path: PathBuf,
    location: Location,
}

/// Every problem with the paths the build will write.
pub fn check_layout(site: &Site, renderer: &Renderer) -> Vec<Diagnostic> {
    let generated = generated_files(site, renderer);
    let mut problems = Vec::new();
    for (output, origin) in &generated {
        problems.extend(length_problem(output, origin));
    }
    let folders: BTreeMap<&str, &Origin> = generated
        .iter()
        .flat_map(|(output, origin)| ancestors(output).map(move |folder| (folder, origin)))
        .collect();
    for source in &site.statics {
        let output = static_output_path(source);
        let origin = Origin {
            what: source.display().to_string(),
            path: source.clone(),
            location: Location::START,
        };
        problems.extend(length_problem(&output, &origin));
        problems.extend(static_collision(&output, source, &generated, &folders));
    }
    problems
}

/// The static file at `output` against what kenshu generates.
fn static_collision(
    output: &str,
    source: &PathBuf,
    generated: &BTreeMap<String, Origin>,
    folders: &BTreeMap<&str, &Origin>,
) -> Option<Diagnostic> {
    let message = if output.starts_with(SEARCH_DIR) {
        message::collides(output, message::SEARCH)
    } else if let Some(origin) = generated.get(output) {
        message::collides(output, &origin.what)
    } else if let Some(origin) = folders.get(output) {
        message::folder(output, &origin.what)
    } else {
        let (file, origin) = ancestors(output).find_map(|a| generated.get_key_value(a))?;
        message::under_file(output, file, &origin.what)
    };
    Some(Diagnostic::error(source, Location::START, message).with_hint(message::COLLIDES_HINT))
}

/// `a/b/c.html` → `a/b`, `a`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices()
        .rev()
        .filter(|&(_, c)| c == '/')
        .map(move |(at, _)| &path[..at])
}

fn length_problem(output: &str, origin: &Origin) -> Option<Diagnostic> {
    let longest = output.split('/').map(str::len).max().unwrap_or(0);
    let message = if longest > MAX_NAME_BYTES {
        message::name_too_long(output, longest, MAX_NAME_BYTES)
    } else if output.len() > MAX_PATH_BYTES {
        message::path_too_long(output, output.len(), MAX_PATH_BYTES)
    } else {
        return None;
    };
    Some(
        Diagnostic::error(&origin.path, origin.location, message).with_hint(message::TOO_LONG_HINT),
    )
}

/// Every file kenshu makes, by output path, except the search index
/// (whose folder is reserved whole).
fn generated_files(site: &Site, renderer: &Renderer) -> BTreeMap<String, Origin> {
    let mut files = BTreeMap::new();
    let skills_text = std::fs::read_to_string(site.root.join(crate::framework::SKILLS_FILE));
    let skills_text = skills_text.unwrap_or_default();
    for page in super::all_pages(site) {
        files.insert(page.output_path(), page_origin(site, &page, &skills_text));
    }
    let theme = renderer.theme();
    let assets = theme.assets.keys().map(|name| format!("assets/{name}"));
    for asset in assets.chain([super::SITE_CONFIG.to_string()]) {
        let origin = Origin {
            what: format!("テーマのファイル {asset}"),
            path: theme.strings_path.clone(),
            location: Location::START,
        };
        files.insert(asset, origin);
    }
    for source in &site.media {
        let origin = Origin {
            what: format!("画像などのファイル {}", source.display()),
            path: source.clone(),
            location: Location::START,
        };
        files.insert(media_output_path(source), origin);
    }
    files
}

fn page_origin(site: &Site, page: &PageId, skills_text: &str) -> Origin {
    let in_skills = |id: &str| {
        let path = PathBuf::from(crate::framework::SKILLS_FILE);
        let location = SourceText::new(&path, skills_text).find(&format!("id: {id}"));
        (path, location)
    };
    let fallback = || (PathBuf::from(crate::config::SITE_FILE), Location::START);
    let (path, location) = match page {
        PageId::Module(id) => site.module(id).map_or_else(fallback, |m| {
            let text = std::fs::read_to_string(site.root.join(&m.path)).unwrap_or_default();
            let location = SourceText::new(&m.path, &text).find(&format!("id: {id}"));
            (m.path.clone(), location)
        }),
        PageId::Page(slug) => site
            .pages
            .iter()
            .find(|p| &p.slug == slug)
            .map_or_else(fallback, |p| (p.path.clone(), Location::START)),
        PageId::Role(id) | PageId::Skill(id) => in_skills(id),
        _ => {
            let (path, location) = fallback();
            return Origin {
                what: "kenshu が生成するページ".into(),
                path,
                location,
            };
        }
    };
    Origin {
        what: format!("{} から生成されるページ", path.display()),
        path,
        location,
    }
}
