//! Front matter: the YAML header between `---` lines at the top of a file.

use crate::diagnostics::{Diagnostic, Location};
use serde::Deserialize;
use std::path::Path;

/// A file split into its front matter and body, with the line each starts on.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub front: &'a str,
    pub front_first_line: usize,
    pub body_first_line: usize,
}

/// Separates the front matter from the body.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let Some(rest) = text.strip_prefix("---\n") else {
        return Err(Diagnostic::error(path, Location::START, "missing front matter")
            .with_hint("start the file with a line `---`, the YAML header (title, skills…), and another `---`"));
    };
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
    Err(
        Diagnostic::error(path, Location::START, "front matter is not closed")
            .with_hint("end the YAML header with a line containing only `---`"),
    )
}

/// The header of a training module.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleFrontMatter {
    pub title: String,
    pub skills: Vec<String>,
    #[serde(default = "one")]
    pub level: u8,
    /// Study time in minutes.
    #[serde(default)]
    pub duration: Option<u32>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub resources: Vec<String>,
    #[serde(default)]
    pub prerequisites: Vec<String>,
    #[serde(default)]
    pub pass_score: Option<u8>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub draft: bool,
    /// Date of the last substantial change (YYYY-MM-DD); the home page lists the newest.
    #[serde(default)]
    pub updated: Option<String>,
    /// Questions drawn from the module's pool for each attempt (`draw: N`).
    #[serde(default)]
    pub draw: Option<usize>,
}

/// The header of a standalone page (content/pages/*.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// Order in the navigation; lower first.
    #[serde(default)]
    pub weight: i32,
}

fn one() -> u8 {
    1
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
        assert!(err.message.contains("not closed"));
    }
}
