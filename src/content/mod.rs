//! Training modules and standalone pages: finding them and parsing them.
//!
//! Loading runs in two passes. [`discover`] walks `content/` and reads every
//! Markdown file (in parallel); [`parse_module_headers`] and
//! [`parse_page_headers`] read the front matter of each, which is all that
//! is needed to know every module's id and URL. Only then can a body be read
//! ([`BodyKind::read`]: HTML for a build, an outline for a check), because
//! links between modules need those URLs (src/site/mod.rs reads the bodies
//! of the modules in parallel).

mod body;
mod frontmatter;
mod patch;
pub mod quiz;

pub(crate) use crate::yaml::Spots;
pub use body::{Body, BodyKind, BodyOptions, Outline};
pub use frontmatter::{split, ModuleFrontMatter, PageFrontMatter};
pub use patch::{Patched, Uncertain};
pub use quiz::{Choice, Question, QuestionKind};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::ids;
use crate::msg;
use crate::source::{self, SourceText};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

pub const MODULES_DIR: &str = "content/modules";
pub const PAGES_DIR: &str = "content/pages";
/// Files published as they are, at the same path under the output root.
pub const STATIC_DIR: &str = crate::urls::STATIC_DIR;

/// A Markdown file as read from disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Relative to the site root, e.g. `content/modules/common/a.md`.
    pub path: PathBuf,
    pub text: String,
}

/// Where `path` is in `files` (sorted by path, as every list of
/// [`ContentFiles`] is), or where it would go.
pub(crate) fn find_file(files: &[SourceFile], path: &Path) -> Result<usize, usize> {
    files.binary_search_by(|f| f.path.as_path().cmp(path))
}

/// The files under `content/` that kenshu reads or copies, each list in
/// path order (the order of the walk).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ContentFiles {
    pub modules: Vec<SourceFile>,
    pub pages: Vec<SourceFile>,
    /// Non-Markdown files beside modules and pages (images, PDFs).
    pub media: Vec<PathBuf>,
    /// Files under content/static, copied as they are.
    pub statics: Vec<PathBuf>,
    /// The site root they were found in.
    pub root: PathBuf,
    /// Module files that could not be read (already reported).
    pub unreadable: Vec<PathBuf>,
}

/// Walks content/ and reads every Markdown file, in a stable order.
pub fn discover(root: &Path, diagnostics: &mut Diagnostics) -> ContentFiles {
    let mut files = ContentFiles {
        root: root.to_path_buf(),
        ..ContentFiles::default()
    };
    let (module_paths, module_media) = walk(root, MODULES_DIR, diagnostics);
    let (page_paths, page_media) = walk(root, PAGES_DIR, diagnostics);
    files.media = module_media.into_iter().chain(page_media).collect();
    files.statics = walk_all(root, STATIC_DIR, diagnostics);
    let (modules, unreadable) = read_all(root, module_paths, diagnostics);
    files.modules = modules;
    files.unreadable = unreadable;
    files.pages = read_all(root, page_paths, diagnostics).0;
    files
}

fn walk(root: &Path, dir: &str, diagnostics: &mut Diagnostics) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (markdown, other) = walk_all(root, dir, diagnostics)
        .into_iter()
        .partition(|p| p.extension().is_some_and(|e| e == "md"));
    (markdown, other)
}

/// Every regular file below `root/dir`, relative to root, skipping hidden
/// and editor temp files. Symbolic links are not followed out of the site:
/// a link to a file inside the site is read as that file, any other link is
/// an error naming it (a link in content/static must not publish
/// `/etc/passwd`).
pub fn walk_all(root: &Path, dir: &str, diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let site = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut found = Vec::new();
    let mut not_utf8 = Vec::new();
    let walker = WalkDir::new(&base).sort_by_file_name().into_iter();
    let wanted = |e: &walkdir::DirEntry| {
        if e.depth() == 0 {
            return true;
        }
        match e.file_name().to_str() {
            Some(name) => !is_ignored(name),
            None => {
                not_utf8.push(source::relative_path(root, e.path()));
                false
            }
        }
    };
    for entry in walker.filter_entry(wanted) {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                found.push(source::relative_path(root, entry.path()))
            }
            Ok(entry) if entry.path_is_symlink() => {
                let relative = source::relative_path(root, entry.path());
                match std::fs::canonicalize(entry.path()) {
                    Ok(target) if target.starts_with(&site) && target.is_file() => {
                        found.push(relative)
                    }
                    Ok(target) if target.starts_with(&site) => diagnostics.push(Diagnostic::error(
                        relative,
                        Location::WHOLE,
                        msg!("content.symlink-folder"),
                    )),
                    _ => diagnostics.push(Diagnostic::error(
                        relative,
                        Location::WHOLE,
                        msg!("content.symlink-outside"),
                    )),
                }
            }
            Ok(_) => {}
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| source::relative_path(root, p))
                    .unwrap_or_else(|| PathBuf::from(dir));
                diagnostics.push(Diagnostic::error(
                    path,
                    Location::WHOLE,
                    msg!(
                        "file.unreadable",
                        detail = err
                            .io_error()
                            .map_or_else(|| err.to_string(), crate::messages::io_detail)
                    ),
                ));
            }
        }
    }
    for path in not_utf8 {
        let message = name_not_utf8(&path);
        diagnostics.push(Diagnostic::error(path, Location::WHOLE, message));
    }
    found
}

/// A file or folder name that is not UTF-8 (a zip from an older Windows
/// keeps Shift_JIS names): it cannot be published as it is. Says what the
/// name reads as in Shift_JIS, when it does.
fn name_not_utf8(path: &Path) -> crate::messages::Message {
    let name = path.file_name().unwrap_or_default();
    let shift_jis = encoding_rs::SHIFT_JIS
        .decode_without_bom_handling_and_without_replacement(name.as_encoded_bytes());
    match shift_jis {
        Some(text) if !text.chars().any(char::is_control) => {
            msg!("content.name-shift-jis", name = text)
        }
        _ => msg!("content.name-not-utf8", name = name.to_string_lossy()),
    }
}

/// Hidden files, and the temporary and backup files editors write while
/// saving (vim's swap files and `4913` write test, Emacs' `#…#` and `…~`,
/// Office's `~$…`, JetBrains' safe-write copies, Kate's swap files, backup
/// copies): never read, published or watched.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('~')
        || name.ends_with('~')
        || name.starts_with('#')
        || name == "4913"
        || name.contains("___jb_")
        || [".swp", ".swx", ".tmp", ".kate-swp", ".bak", ".bck"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}

/// Reads every file; returns those read and the paths of those that failed.
fn read_all(
    root: &Path,
    paths: Vec<PathBuf>,
    diagnostics: &mut Diagnostics,
) -> (Vec<SourceFile>, Vec<PathBuf>) {
    let results: Vec<_> = paths
        .into_par_iter()
        .map(|path| match source::load_text(root, &path) {
            Ok(text) => {
                let problem = source::control_character(&path, &text);
                Ok((SourceFile { path, text }, problem))
            }
            Err(d) => Err((path, d)),
        })
        .collect();
    let mut files = Vec::new();
    let mut failed = Vec::new();
    for result in results {
        match result {
            Ok((file, problem)) => {
                if let Some(problem) = problem {
                    diagnostics.push(problem);
                }
                files.push(file);
            }
            Err((path, d)) => {
                failed.push(path);
                diagnostics.push(d);
            }
        }
    }
    (files, failed)
}

/// A module's header, parsed and with its id settled. The front matter and
/// its spots are shared, so that a copy (the preview's cache hands out one
/// per module at each reload) costs little.
#[derive(Debug, Clone)]
pub struct ModuleHeader {
    pub id: String,
    pub path: PathBuf,
    pub front: Arc<ModuleFrontMatter>,
    pub body_first_line: usize,
    /// Where each value was written, for later diagnostics.
    pub spots: Arc<Spots>,
}

/// A standalone page's header.
#[derive(Debug, Clone)]
pub struct PageHeader {
    pub slug: String,
    pub path: PathBuf,
    pub front: PageFrontMatter,
    pub body_first_line: usize,
}

/// Parses every module's front matter. Also returns the files that failed,
/// so that links to them are not reported a second time as broken.
pub fn parse_module_headers(
    files: &[SourceFile],
    diagnostics: &mut Diagnostics,
) -> (Vec<ModuleHeader>, Vec<Unparsed>) {
    let results: Vec<_> = files.par_iter().map(parse_module_header).collect();
    let mut headers = Vec::new();
    let mut failed = Vec::new();
    for (file, result) in files.iter().zip(results) {
        match result {
            Ok(header) => headers.push(header),
            Err((problems, partial)) => {
                problems.into_iter().for_each(|d| diagnostics.push(d));
                failed.push(Unparsed {
                    path: file.path.clone(),
                    partial,
                });
            }
        }
    }
    (headers, failed)
}

/// A module file whose header has problems (already reported).
#[derive(Debug, Clone)]
pub struct Unparsed {
    pub path: PathBuf,
    /// What could be read of the header when its YAML could be read, so
    /// the ids it names are still checked against the framework.
    pub partial: Option<ModuleHeader>,
}

type HeaderProblems = (Vec<Diagnostic>, Option<ModuleHeader>);

fn parse_module_header(file: &SourceFile) -> Result<ModuleHeader, HeaderProblems> {
    let split = frontmatter::split(&file.path, &file.text).map_err(|d| (vec![d], None))?;
    let source = SourceText::starting_at(&file.path, split.front, split.front_first_line);
    let (front, spots, mut problems) =
        frontmatter::read_module(&source).map_err(|problems| (problems, None))?;
    let id = module_id(file, &front, &spots, &mut problems);
    check_module_values(&file.path, &front, &spots, &mut problems);
    let header = ModuleHeader {
        id,
        path: file.path.clone(),
        front: Arc::new(front),
        body_first_line: split.body_first_line,
        spots: Arc::new(spots),
    };
    if !problems.is_empty() {
        return Err((problems, Some(header)));
    }
    Ok(header)
}

/// The module's id: `id:`, else the file stem; NFC, and checked.
fn module_id(
    file: &SourceFile,
    front: &ModuleFrontMatter,
    spots: &Spots,
    problems: &mut Vec<Diagnostic>,
) -> String {
    let id = ids::normalize(&front.id.clone().unwrap_or_else(|| file_stem(&file.path)));
    if let Err(problem) = ids::check(&id) {
        let (at, message) = if front.id.is_some() {
            (spots.value("id"), msg!("module.bad-id", id = &id))
        } else {
            (Location::WHOLE, msg!("module.bad-file-name", id = &id))
        };
        problems.push(Diagnostic::error(&file.path, at, problem.explain(message)));
    }
    id
}

fn check_module_values(
    path: &Path,
    front: &ModuleFrontMatter,
    spots: &Spots,
    problems: &mut Vec<Diagnostic>,
) {
    let mut error =
        |key: &str, message| problems.push(Diagnostic::error(path, spots.value(key), message));
    if front.title.trim().is_empty() && spots.has("title") {
        error("title", msg!("module.empty-title"));
    }
    if front.skills.is_empty() {
        error("skills", msg!("module.no-skill"));
    }
    if !(1..=3).contains(&front.level) {
        error("level", msg!("module.bad-level", level = front.level));
    }
    if let Some(score) = front.pass_score.filter(|s| !(1..=100).contains(s)) {
        error("pass_score", msg!("module.bad-pass-score", score = score));
    }
    if let Some(date) = front.updated.as_deref().filter(|d| !is_date(d)) {
        error("updated", msg!("module.bad-date", date = date));
    }
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && [4, 2, 2]
            .iter()
            .zip(&parts)
            .all(|(len, p)| p.len() == *len && p.chars().all(|c| c.is_ascii_digit()))
        && is_real_day(
            parts[0].parse().unwrap_or(0),
            parts[1].parse().unwrap_or(0),
            parts[2].parse().unwrap_or(0),
        )
}

/// Whether a day exists in the Gregorian calendar (no 2024-02-30).
fn is_real_day(year: u32, month: u32, day: u32) -> bool {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Parses every page's front matter.
pub fn parse_page_headers(files: &[SourceFile], diagnostics: &mut Diagnostics) -> Vec<PageHeader> {
    let results: Vec<_> = files.iter().map(parse_page_header).collect();
    collect(results, diagnostics)
}

fn parse_page_header(file: &SourceFile) -> Result<PageHeader, Vec<Diagnostic>> {
    let split = frontmatter::split(&file.path, &file.text).map_err(|d| vec![d])?;
    let source = SourceText::starting_at(&file.path, split.front, split.front_first_line);
    let (front, mut problems) = frontmatter::read_page(&source);
    let slug = ids::normalize(&file_stem(&file.path));
    let refused = ids::check(&slug).err();
    if refused.is_some() || RESERVED_SLUGS.contains(&slug.as_str()) {
        let problem = refused.unwrap_or(ids::IdProblem::ReservedByPortal);
        let message = msg!("page.bad-file-name", slug = &slug).list_arg("reserved", RESERVED_SLUGS);
        problems.push(Diagnostic::error(
            &file.path,
            Location::WHOLE,
            problem.explain(message),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(PageHeader {
        slug,
        path: file.path.clone(),
        front,
        body_first_line: split.body_first_line,
    })
}

/// Top-level URL segments the portal itself uses.
pub const RESERVED_SLUGS: &[&str] = &[
    "roles",
    "modules",
    "skills",
    "resources",
    "search",
    "progress",
    "assets",
    "media",
    "index",
    "404",
];

fn collect<T>(results: Vec<Result<T, Vec<Diagnostic>>>, diagnostics: &mut Diagnostics) -> Vec<T> {
    let mut items = Vec::new();
    for result in results {
        match result {
            Ok(item) => items.push(item),
            Err(problems) => problems.into_iter().for_each(|d| diagnostics.push(d)),
        }
    }
    items
}

pub fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `kenshu serve` does not watch, a build does not publish either.
    #[test]
    fn editor_temp_files_are_neither_read_nor_published() {
        let dir = tempfile::tempdir().unwrap();
        let modules = dir.path().join(MODULES_DIR);
        std::fs::create_dir_all(&modules).unwrap();
        let names = [
            "a.md",
            "図.png",
            "4913",
            "図.png.bak",
            "a.md~",
            ".a.md.swp",
            "a.md___jb_tmp___",
            "~$資料.docx",
            "#a.md#",
        ];
        for name in names {
            std::fs::write(modules.join(name), "x").unwrap();
        }
        let mut diagnostics = Diagnostics::new();
        let files = discover(dir.path(), &mut diagnostics);
        let read: Vec<_> = files.modules.iter().map(|f| f.path.clone()).collect();
        assert_eq!(read, [PathBuf::from("content/modules/a.md")]);
        assert_eq!(files.media, [PathBuf::from("content/modules/図.png")]);
        assert!(diagnostics.is_empty());
    }
}
