//! The slips a Japanese keyboard makes easy — a full-width colon or space,
//! a tab, no space after a key's colon — found before parsing and named at
//! their own character, and nesting too deep to parse safely.

use super::MAX_DEPTH;
use crate::diagnostics::{Diagnostic, Location};
use crate::msg;
use crate::source::SourceText;

/// Full-width colons and spaces, tabs, and a missing space after a key's
/// colon: each reported at its own character.
pub(crate) fn keyboard_mistakes(source: &SourceText) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut block = BlockScalar::default();
    for (index, line) in source.text.lines().enumerate() {
        let line_no = source.first_line + index;
        if block.holds(line) {
            continue;
        }
        let indent: String = line
            .chars()
            .take_while(|c| matches!(c, ' ' | '\t' | '\u{3000}'))
            .collect();
        let here = |col: usize| Location::new(line_no, col);
        if let Some(pos) = indent.chars().position(|c| c == '\t') {
            problems.push(Diagnostic::error(
                source.path,
                here(pos + 1),
                msg!("yaml.tab"),
            ));
            continue;
        }
        if let Some(pos) = indent.chars().position(|c| c == '\u{3000}') {
            problems.push(Diagnostic::error(
                source.path,
                here(pos + 1),
                msg!("yaml.full-width-space"),
            ));
            continue;
        }
        let rest = &line[indent.len()..];
        let item = rest.strip_prefix("- ").unwrap_or(rest);
        let offset = indent.chars().count() + rest.chars().count() - item.chars().count();
        let key_len = item
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .count();
        if key_len == 0 {
            continue;
        }
        let after: Vec<char> = item.chars().skip(key_len).take(2).collect();
        let col = offset + key_len + 1;
        match after.as_slice() {
            ['：', ..] => problems.push(Diagnostic::error(
                source.path,
                here(col),
                msg!("yaml.full-width-colon", key = &item[..key_len]),
            )),
            [':', '\u{3000}'] => problems.push(Diagnostic::error(
                source.path,
                here(col + 1),
                msg!("yaml.full-width-space-after-colon", key = &item[..key_len]),
            )),
            [':', next] if !next.is_whitespace() && *next != '/' && !item.contains("://") => {
                problems.push(Diagnostic::error(
                    source.path,
                    here(col),
                    msg!("yaml.space-after-colon", key = &item[..key_len]),
                ))
            }
            _ => {}
        }
    }
    problems
}

/// Tabs in the indentation of lines outside block scalars: YAML does not
/// allow them, though the parser reads some of them as something else.
pub(super) fn tab_indents(source: &SourceText) -> Vec<Diagnostic> {
    if !source.text.contains('\t') {
        return Vec::new();
    }
    keyboard_mistakes(source)
        .into_iter()
        .filter(|slip| slip.message.code == "yaml.tab")
        .collect()
}

/// Tracks block scalars (`key: |`, `- >-`): their lines are text, where a
/// tab or a colon is the author's.
#[derive(Default)]
struct BlockScalar {
    /// The indentation of the line that opened the block being read.
    opened_at: Option<usize>,
}

impl BlockScalar {
    /// Whether `line` is inside a block scalar; notes one that it opens.
    fn holds(&mut self, line: &str) -> bool {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(opened_at) = self.opened_at {
            if line.trim().is_empty() || indent > opened_at {
                return true;
            }
            self.opened_at = None;
        }
        let body = line.split(" #").next().unwrap_or_default().trim_end();
        let indicator = body
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
            .to_string();
        let opens = indicator.ends_with(": |")
            || indicator.ends_with(": >")
            || matches!(indicator.trim_start(), "- |" | "- >" | "|" | ">");
        if opens {
            self.opened_at = Some(indent);
        }
        false
    }
}

/// The deepest indentation of a line, in columns: it bounds block nesting.
const MAX_INDENT: usize = MAX_DEPTH * 4;

/// Flow collections nested deeper than [`MAX_DEPTH`], or lines indented
/// deeper than [`MAX_INDENT`] (block nesting is bounded by indentation,
/// flow nesting is not).
pub(super) fn too_deep(source: &SourceText) -> Option<Diagnostic> {
    // Flow nesting cannot pass the limit with no more opening brackets
    // than that in the whole text (nearly every file): then only the
    // indentation is looked at.
    let openers = memchr::memchr2_iter(b'[', b'{', source.text.as_bytes());
    let brackets = openers.take(MAX_DEPTH + 1).count() > MAX_DEPTH;
    let mut depth = 0usize;
    for (index, line) in source.text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let deepest = if brackets {
            too_deep_at(line, &mut depth)
        } else {
            None
        };
        let (col, message) = match (deepest, indent > MAX_INDENT) {
            (Some(col), _) => (col, msg!("yaml.too-deep", max = MAX_DEPTH)),
            (None, true) => (1, msg!("yaml.too-indented", max = MAX_INDENT)),
            (None, false) => continue,
        };
        let at = Location::new(source.first_line + index, col);
        return Some(Diagnostic::error(source.path, at, message));
    }
    None
}

/// Follows the flow nesting `depth` through `line`: the column (in
/// characters) of the bracket that takes it past [`MAX_DEPTH`], if one does.
fn too_deep_at(line: &str, depth: &mut usize) -> Option<usize> {
    // Brackets are ASCII, so bytes are enough; the column is counted in
    // characters only for a report.
    for (byte, b) in line.bytes().enumerate() {
        match b {
            b'[' | b'{' => *depth += 1,
            b']' | b'}' => *depth = depth.saturating_sub(1),
            _ => continue,
        }
        if *depth > MAX_DEPTH {
            return Some(line[..byte].chars().count() + 1);
        }
    }
    None
}
