//! Front matter: the YAML header between `---` lines at the top of a file.

use crate::diagnostics::{Diagnostic, Location};
use crate::msg;
use crate::source::SourceText;
use crate::yaml::{self, Fields, Spots};
use std::path::Path;

/// A file split into its front matter and body, with the line each starts on.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub front: &'a str,
    pub front_first_line: usize,
    pub body_first_line: usize,
}

/// Separates the front matter from the body. Line endings are already
/// `\n` (lone `\r` included: see [`crate::source::read_text`]).
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first = text.split('\n').next().unwrap_or_default();
    if first.trim_end() != "---" {
        return Err(Diagnostic::error(
            path,
            Location::START,
            msg!("front-matter.missing"),
        ));
    }
    let rest = &text[(first.len() + 1).min(text.len())..];
    let mut offset = 0;
    for (index, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            return Ok(Split {
                front: &rest[..offset],
                front_first_line: 2,
                body_first_line: index + 3,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        path,
        Location::START,
        msg!("front-matter.not-closed"),
    ))
}

/// The header of a training module.
#[derive(Debug, Clone, Default)]
pub struct ModuleFrontMatter {
    pub title: String,
    pub skills: Vec<String>,
    pub level: u8,
    /// Study time in minutes.
    pub duration: Option<u32>,
    pub summary: String,
    pub resources: Vec<String>,
    pub prerequisites: Vec<String>,
    pub pass_score: Option<u8>,
    pub id: Option<String>,
    pub draft: bool,
    /// Date of the last substantial change (YYYY-MM-DD); the home page lists the newest.
    pub updated: Option<String>,
    /// Questions drawn from the module's pool for each attempt (`draw: N`).
    pub draw: Option<usize>,
}

/// The keys a module's front matter may have.
pub(super) const MODULE_KEYS: &[&str] = &[
    "title",
    "skills",
    "level",
    "duration",
    "summary",
    "resources",
    "prerequisites",
    "pass_score",
    "id",
    "draft",
    "updated",
    "draw",
];

/// Reads a module header, reporting every problem it has; the header is
/// returned with what could be read even when some fields are wrong, and
/// not at all when the YAML itself cannot be read.
pub(super) fn read_module(
    source: &SourceText,
) -> Result<(ModuleFrontMatter, Spots, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (node, duplicates) = yaml::parse_with_duplicates(source, false)?;
    let mut fields = Fields::new(source, &node, MODULE_KEYS).map_err(|d| vec![d])?;
    let front = ModuleFrontMatter {
        title: fields.required("title").unwrap_or_default(),
        skills: id_list(&mut fields, "skills"),
        level: fields.get("level").unwrap_or(1),
        duration: minutes(&mut fields),
        summary: fields.get("summary").unwrap_or_default(),
        resources: id_list(&mut fields, "resources"),
        prerequisites: id_list(&mut fields, "prerequisites"),
        pass_score: fields.get("pass_score"),
        id: fields.get("id"),
        draft: fields.get("draft").unwrap_or(false),
        updated: fields.get("updated"),
        draw: fields.get("draw"),
    };
    let spots = Spots::of(source, &node);
    let mut problems = duplicates;
    problems.extend(fields.finish());
    Ok((front, spots, problems))
}

/// A list of ids; a single id written without brackets is accepted too.
/// A list of ids (or one id), each in NFC as ids are.
fn id_list(fields: &mut Fields, key: &'static str) -> Vec<String> {
    let ids: Vec<String> = match fields.node(key) {
        Some(node) if node.as_scalar().is_some() => fields.get::<String>(key).into_iter().collect(),
        Some(_) => fields.get(key).unwrap_or_default(),
        None => Vec::new(),
    };
    ids.iter().map(|id| crate::ids::normalize(id)).collect()
}

/// `duration:` in minutes; `20分` or `20 min` gets its own message.
fn minutes(fields: &mut Fields) -> Option<u32> {
    let written = fields
        .scalar("duration")
        .map(|s| s.as_str().trim().to_string());
    if let Some(text) = written {
        let digits = text.trim_end_matches(['分', 'm', 'i', 'n', 's', ' ']);
        if digits != text && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            let at = fields.location("duration");
            let path = fields.source().path;
            fields.report(Diagnostic::error(
                path,
                at,
                msg!("module.duration-unit", written = text, minutes = digits),
            ));
            return digits.parse().ok();
        }
    }
    fields.get("duration")
}

/// The header of a standalone page (content/pages/*.md).
#[derive(Debug, Clone, Default)]
pub struct PageFrontMatter {
    pub title: String,
    pub summary: String,
    /// Order in the navigation; lower first.
    pub weight: i32,
}

/// Reads a page header, reporting every problem it has.
pub(super) fn read_page(source: &SourceText) -> (PageFrontMatter, Vec<Diagnostic>) {
    let (node, mut problems) = match yaml::parse_with_duplicates(source, false) {
        Ok(parsed) => parsed,
        Err(problems) => return (PageFrontMatter::default(), problems),
    };
    let mut fields = match Fields::new(source, &node, &["title", "summary", "weight"]) {
        Ok(fields) => fields,
        Err(problem) => return (PageFrontMatter::default(), vec![problem]),
    };
    let front = PageFrontMatter {
        title: fields.required("title").unwrap_or_default(),
        summary: fields.get("summary").unwrap_or_default(),
        weight: fields.get("weight").unwrap_or(0),
    };
    problems.extend(fields.finish());
    (front, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split(Path::new("a.md"), "---\ntitle: x\n---\nbody\n").unwrap();
        assert_eq!(s.front, "title: x\n");
        assert_eq!(s.body_first_line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split(Path::new("a.md"), "---\ntitle: x\n").unwrap_err();
        assert_eq!(err.code(), "front-matter.not-closed");
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn an_opening_line_with_trailing_spaces_still_opens() {
        let s = split(Path::new("a.md"), "---  \ntitle: x\n---\nbody\n").unwrap();
        assert_eq!(s.front, "title: x\n");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let text = "title: t\nlevel: high\nduration: 20分\nskils: [a]\n";
        let source = SourceText::starting_at(Path::new("a.md"), text, 2);
        let (front, _, problems) = read_module(&source).unwrap();
        let codes: Vec<_> = problems.iter().map(|d| d.code()).collect();
        assert_eq!(front.title, "t");
        assert_eq!(front.duration, Some(20));
        assert!(codes.contains(&"yaml.expected-number"), "{codes:?}");
        assert!(codes.contains(&"module.duration-unit"), "{codes:?}");
        assert!(codes.contains(&"yaml.unknown-key"), "{codes:?}");
    }
}
