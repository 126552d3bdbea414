//! Training modules and standalone pages: finding them and parsing them.
//!
//! Loading runs in two passes. [`discover`] walks `content/` and reads every
//! Markdown file; [`parse_headers`] reads the front matter of each, which is
//! all that is needed to know every module's id and URL. Only then can
//! [`render_bodies`] turn bodies into HTML, because links between modules
//! need those URLs. Both passes run in parallel over files.

mod frontmatter;
pub mod quiz;

pub use frontmatter::{ModuleFrontMatter, PageFrontMatter};
pub use quiz::{Choice, Question, QuestionKind};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::framework::{is_reserved_id, is_valid_id, reserved_id_hint, reserved_id_message};
use crate::markdown::{self, BodyPart, Heading, LinkTargets, MarkdownInput};
use crate::source::{self, parse_yaml, SourceText};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

pub const MODULES_DIR: &str = "content/modules";
pub const PAGES_DIR: &str = "content/pages";
pub const STATIC_DIR: &str = "content/static";

/// A Markdown file as read from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, e.g. `content/modules/common/a.md`.
    pub path: PathBuf,
    pub text: String,
}

/// The files under `content/` that kenshu reads or copies.
#[derive(Debug, Default, Clone)]
pub struct ContentFiles {
    pub modules: Vec<SourceFile>,
    pub pages: Vec<SourceFile>,
    /// Non-Markdown files beside modules and pages (images, PDFs).
    pub media: Vec<PathBuf>,
    /// Files under content/static, copied as they are.
    pub statics: Vec<PathBuf>,
}

/// Walks content/ and reads every Markdown file, in a stable order.
pub fn discover(root: &Path, diagnostics: &mut Diagnostics) -> ContentFiles {
    let mut files = ContentFiles::default();
    let (module_paths, module_media) = walk(root, MODULES_DIR, diagnostics);
    let (page_paths, page_media) = walk(root, PAGES_DIR, diagnostics);
    files.media = module_media.into_iter().chain(page_media).collect();
    files.statics = walk_all(root, STATIC_DIR, diagnostics);
    files.modules = read_all(root, module_paths, diagnostics);
    files.pages = read_all(root, page_paths, diagnostics);
    files
}

fn walk(root: &Path, dir: &str, diagnostics: &mut Diagnostics) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (markdown, other) = walk_all(root, dir, diagnostics)
        .into_iter()
        .partition(|p| p.extension().is_some_and(|e| e == "md"));
    (markdown, other)
}

/// Every regular file below `root/dir`, relative to root, skipping hidden and editor temp files.
pub fn walk_all(root: &Path, dir: &str, diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let walker = WalkDir::new(&base)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    for entry in walker
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name().to_string_lossy().as_ref()))
    {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                found.push(source::relative_path(root, entry.path()))
            }
            Ok(_) => {}
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| source::relative_path(root, p))
                    .unwrap_or_else(|| PathBuf::from(dir));
                diagnostics.push(Diagnostic::error(
                    path,
                    Location::START,
                    format!("cannot read: {err}"),
                ));
            }
        }
    }
    found
}

/// Hidden files and the temporary files editors write while saving.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('~')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name.starts_with("#")
}

fn read_all(root: &Path, paths: Vec<PathBuf>, diagnostics: &mut Diagnostics) -> Vec<SourceFile> {
    let results: Vec<_> = paths
        .into_par_iter()
        .map(|path| source::load_text(root, &path).map(|text| SourceFile { path, text }))
        .collect();
    let mut files = Vec::new();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(d) => diagnostics.push(d),
        }
    }
    files
}

/// A module's header, parsed and with its id settled.
#[derive(Debug, Clone)]
pub struct ModuleHeader {
    pub id: String,
    pub path: PathBuf,
    pub front: ModuleFrontMatter,
    pub body_first_line: usize,
    /// Front matter text, kept to locate values in later diagnostics.
    pub front_text: String,
}

/// A standalone page's header.
#[derive(Debug, Clone)]
pub struct PageHeader {
    pub slug: String,
    pub path: PathBuf,
    pub front: PageFrontMatter,
    pub body_first_line: usize,
}

impl ModuleHeader {
    /// Where a value is written in this module's front matter.
    pub fn locate(&self, needle: &str) -> Location {
        SourceText::starting_at(&self.path, &self.front_text, 2).find(needle)
    }
}

/// Parses every module's front matter. Also returns the files that failed,
/// so that links to them are not reported a second time as broken.
pub fn parse_module_headers(
    files: &[SourceFile],
    diagnostics: &mut Diagnostics,
) -> (Vec<ModuleHeader>, Vec<PathBuf>) {
    let results: Vec<_> = files.par_iter().map(parse_module_header).collect();
    let failed = files
        .iter()
        .zip(&results)
        .filter(|(_, result)| result.is_err())
        .map(|(file, _)| file.path.clone())
        .collect();
    (collect(results, diagnostics), failed)
}

fn parse_module_header(file: &SourceFile) -> Result<ModuleHeader, Vec<Diagnostic>> {
    let split = frontmatter::split(&file.path, &file.text).map_err(|d| vec![d])?;
    let source = SourceText::starting_at(&file.path, split.front, split.front_first_line);
    let front: ModuleFrontMatter = parse_yaml(&source).map_err(|d| vec![d])?;
    let id = front.id.clone().unwrap_or_else(|| file_stem(&file.path));
    let mut problems = Vec::new();
    if !is_valid_id(&id) {
        let at = if front.id.is_some() {
            source.find("id:")
        } else {
            Location::START
        };
        let (message, hint) = if is_reserved_id(&id) {
            (
                reserved_id_message("モジュール", &id),
                reserved_id_hint(&id),
            )
        } else {
            (format!("module id \"{id}\" is not valid"), "ids become URLs: use lowercase ASCII letters, digits and hyphens; for a Japanese file name set `id:` in the front matter".into())
        };
        problems.push(Diagnostic::error(&file.path, at, message).with_hint(hint));
    }
    if front.title.trim().is_empty() {
        problems.push(Diagnostic::error(
            &file.path,
            source.find("title"),
            "`title` must not be empty",
        ));
    }
    if front.skills.is_empty() {
        problems.push(
            Diagnostic::error(
                &file.path,
                source.find("skills"),
                "a module needs at least one skill",
            )
            .with_hint("list the skill ids it trains, e.g. skills: [security-literacy]"),
        );
    }
    if !(1..=3).contains(&front.level) {
        problems.push(Diagnostic::error(
            &file.path,
            source.find("level"),
            format!("`level` must be 1, 2 or 3, not {}", front.level),
        ));
    }
    if let Some(score) = front.pass_score.filter(|s| !(1..=100).contains(s)) {
        problems.push(Diagnostic::error(
            &file.path,
            source.find("pass_score"),
            format!("`pass_score` must be between 1 and 100, not {score}"),
        ));
    }
    if let Some(date) = front.updated.as_deref().filter(|d| !is_date(d)) {
        problems.push(
            Diagnostic::error(
                &file.path,
                source.find("updated"),
                format!("`updated` \"{date}\" is not a date"),
            )
            .with_hint("write the date as YYYY-MM-DD, e.g. updated: 2026-04-01"),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ModuleHeader {
        id,
        path: file.path.clone(),
        front,
        body_first_line: split.body_first_line,
        front_text: split.front.to_string(),
    })
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && [4, 2, 2]
            .iter()
            .zip(&parts)
            .all(|(len, p)| p.len() == *len && p.chars().all(|c| c.is_ascii_digit()))
        && (1..=12).contains(&parts[1].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&parts[2].parse::<u8>().unwrap_or(0))
}

/// Parses every page's front matter.
pub fn parse_page_headers(files: &[SourceFile], diagnostics: &mut Diagnostics) -> Vec<PageHeader> {
    let results: Vec<_> = files.iter().map(parse_page_header).collect();
    collect(results, diagnostics)
}

fn parse_page_header(file: &SourceFile) -> Result<PageHeader, Vec<Diagnostic>> {
    let split = frontmatter::split(&file.path, &file.text).map_err(|d| vec![d])?;
    let source = SourceText::starting_at(&file.path, split.front, split.front_first_line);
    let front: PageFrontMatter = parse_yaml(&source).map_err(|d| vec![d])?;
    let slug = file_stem(&file.path);
    if !is_valid_id(&slug) || RESERVED_SLUGS.contains(&slug.as_str()) {
        return Err(vec![Diagnostic::error(
            &file.path,
            Location::START,
            format!("page file name \"{slug}\" cannot be used as a URL"),
        )
        .with_hint(format!(
            "name page files with lowercase ASCII letters, digits and hyphens, other than {}",
            RESERVED_SLUGS.join(", ")
        ))]);
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

/// A rendered body with its quizzes, ready for templates.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub parts: Vec<BodyPart>,
    /// Quiz blocks in order; question texts are rendered to HTML.
    pub quizzes: Vec<Vec<Question>>,
    pub headings: Vec<Heading>,
    pub plain_text: String,
    pub media: Vec<PathBuf>,
}

impl Body {
    pub fn question_count(&self) -> usize {
        self.quizzes.iter().map(Vec::len).sum()
    }
}

/// How a body is rendered.
#[derive(Debug, Clone, Copy)]
pub struct BodyOptions<'a> {
    /// Leads from the body's page back to the site root.
    pub root_prefix: &'a str,
    pub allow_html: bool,
    /// Find the body's problems only: no HTML, no search text, quiz texts
    /// left as written.
    pub check_only: bool,
}

/// Renders one body.
pub fn render_body(
    file: &SourceFile,
    first_line: usize,
    options: BodyOptions,
    targets: &LinkTargets,
) -> (Body, Vec<Diagnostic>) {
    let body_text = body_of(&file.text, first_line);
    let rendered = markdown::render_body(&MarkdownInput {
        path: &file.path,
        body: body_text,
        first_line,
        allow_html: options.allow_html,
        root_prefix: options.root_prefix,
        targets,
        check_only: options.check_only,
    });
    let quizzes = if options.check_only {
        rendered.quizzes
    } else {
        rendered
            .quizzes
            .into_iter()
            .map(|block| {
                block
                    .into_iter()
                    .map(|q| render_question(q, options.allow_html))
                    .collect()
            })
            .collect()
    };
    let body = Body {
        parts: rendered.parts,
        quizzes,
        headings: rendered.headings,
        plain_text: rendered.plain_text,
        media: rendered.media,
    };
    (body, rendered.diagnostics)
}

/// The text from the given file line on.
fn body_of(text: &str, first_line: usize) -> &str {
    let mut offset = 0;
    for _ in 1..first_line {
        match text[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => return "",
        }
    }
    &text[offset..]
}

fn render_question(mut q: Question, allow_html: bool) -> Question {
    let render = |text: &mut String| {
        *text = markdown::render_inline_owned(std::mem::take(text), allow_html);
    };
    render(&mut q.prompt);
    render(&mut q.explanation);
    for choice in &mut q.choices {
        render(&mut choice.text);
        render(&mut choice.feedback);
    }
    q
}
