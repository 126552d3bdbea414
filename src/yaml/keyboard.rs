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
    for (index, line) in source.text.lines().enumerate() {
        let line_no = source.first_line + index;
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

/// Flow collections nested deeper than [`MAX_DEPTH`] (block nesting is
/// bounded by the line length of indentation, flow nesting is not).
pub(super) fn too_deep(source: &SourceText) -> Option<Diagnostic> {
    let mut depth = 0usize;
    for (index, line) in source.text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let mut deepest = None;
        // Brackets are ASCII, so bytes are enough; the column is counted
        // in characters only for a report.
        for (byte, b) in line.bytes().enumerate() {
            match b {
                b'[' | b'{' => depth += 1,
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => continue,
            }
            if depth > MAX_DEPTH {
                deepest = Some(line[..byte].chars().count() + 1);
                break;
            }
        }
        let col = match (deepest, indent > MAX_DEPTH * 4) {
            (Some(col), _) => col,
            (None, true) => 1,
            (None, false) => continue,
        };
        let at = Location::new(source.first_line + index, col);
        return Some(Diagnostic::error(
            source.path,
            at,
            msg!("yaml.too-deep", max = MAX_DEPTH),
        ));
    }
    None
}
