//! Problems found in a site's input, as data.
//!
//! Every stage (loading, parsing, validation) reports what it finds into a
//! [`Diagnostics`] list instead of stopping at the first problem, so one run of
//! `kenshu check` shows an author everything that needs fixing. Each
//! [`Diagnostic`] carries the file, line and column it is about, and an
//! optional hint that says how to fix it.

use crate::messages::{word, Lang, Message};
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a problem is: errors stop a build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Location {
    pub line: usize,
    pub col: usize,
}

impl Location {
    pub const fn new(line: usize, col: usize) -> Self {
        Location { line, col }
    }

    /// The start of a file.
    pub const START: Location = Location { line: 1, col: 1 };

    /// No place inside: the problem is the file or folder itself (missing,
    /// unreadable, in the way) or a command-line value. Printed without a
    /// line and column.
    pub const WHOLE: Location = Location { line: 0, col: 0 };

    /// Whether this is [`Location::WHOLE`].
    pub fn is_whole(&self) -> bool {
        self.line == 0
    }
}

/// One problem in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub path: PathBuf,
    pub location: Location,
    /// What is wrong, as a catalogue code and arguments ([`crate::messages`]).
    pub message: Message,
}

impl Diagnostic {
    pub fn error(path: impl AsRef<Path>, location: Location, message: Message) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.as_ref().to_path_buf(),
            location,
            message,
        }
    }

    pub fn warning(path: impl AsRef<Path>, location: Location, message: Message) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, location, message)
        }
    }

    /// The catalogue code, e.g. `module.unknown-skill`.
    pub fn code(&self) -> &'static str {
        self.message.code
    }

    /// The message in words.
    pub fn text(&self, lang: Lang) -> String {
        self.message.text(lang)
    }

    /// How to fix it, in words, when the catalogue says.
    pub fn hint(&self, lang: Lang) -> Option<String> {
        self.message.hint(lang)
    }

    /// The path as printed: `/` separators, control characters (a newline
    /// in a file name) escaped so that one diagnostic stays one line.
    pub fn shown_path(&self) -> String {
        crate::messages::one_line(&self.path.to_string_lossy().replace('\\', "/"))
    }

    /// `エラー: path:line:col: message` and an indented hint line.
    pub fn render(&self, lang: Lang) -> String {
        let label = match self.severity {
            Severity::Error => word(lang, "label.error"),
            Severity::Warning => word(lang, "label.warning"),
        };
        let out = if self.location.is_whole() {
            format!("{label}: {}: {}", self.shown_path(), self.text(lang))
        } else {
            format!(
                "{label}: {}:{}:{}: {}",
                self.shown_path(),
                self.location.line,
                self.location.col,
                self.text(lang)
            )
        };
        crate::messages::with_hint(out, self.hint(lang), lang)
    }

    /// One JSON object: path, line, column, severity, code, message, hint;
    /// line and column are null for a whole file or folder.
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        let (line, column) = if self.location.is_whole() {
            (None, None)
        } else {
            (Some(self.location.line), Some(self.location.col))
        };
        serde_json::json!({
            "path": self.path.to_string_lossy().replace('\\', "/"),
            "line": line,
            "column": column,
            "severity": match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            "code": self.code(),
            "message": self.text(lang),
            "hint": self.hint(lang),
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::default()))
    }
}

/// The problems collected over one run, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(items: I) -> Self {
        Diagnostics {
            items: items.into_iter().collect(),
        }
    }
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorts by file, then position, so output is stable across parallel runs.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.path, a.location, a.severity, &a.message)
                .cmp(&(&b.path, b.location, b.severity, &b.message))
        });
        self.items.dedup();
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Suggests the closest known name for a misspelt one, for "did you mean" hints.
/// The field of serde's "missing field `x`" message, which serde gives
/// only as text (YAML and JSON readers both turn it into their own words).
pub(crate) fn missing_field(serde_text: &str) -> Option<&str> {
    serde_text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
}

pub fn did_you_mean<'a>(
    unknown: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    known
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// `unknown-…` messages name the id and, when a close name exists, the
/// name the author probably meant (`suggestion`, empty otherwise).
pub fn unknown_id<'a>(
    code: &'static str,
    id: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Message {
    let message = Message::new(code).arg("id", id);
    match did_you_mean(id, known) {
        Some(close) => message.arg("suggestion", close),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_path_line_column_and_hint() {
        let d = Diagnostic::error(
            "content/a.md",
            Location::new(3, 5),
            crate::msg!("front-matter.missing"),
        );
        let text = d.render(Lang::En);
        assert!(text.starts_with("error: content/a.md:3:5: "), "{text}");
        assert!(text.contains("\n  hint: "), "{text}");
        assert!(d.render(Lang::Ja).starts_with("エラー: content/a.md:3:5: "));
    }

    #[test]
    fn suggests_close_names_only() {
        let known = ["security-literacy", "digital-basics"];
        assert_eq!(
            did_you_mean("securty-literacy", known),
            Some("security-literacy")
        );
        assert_eq!(did_you_mean("zzz", known), None);
    }
}
