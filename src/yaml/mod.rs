//! YAML with positions: every value an author wrote keeps its line and column.
//!
//! All YAML (site.yaml, skills.yaml, resources.yaml, front matter, quiz
//! blocks) is parsed here with `marked-yaml` (built on the maintained
//! `yaml-rust2`), into nodes that carry their position. Typed values are
//! then read field by field through [`Fields`], so one bad field does not
//! hide the others and each problem points at its own key or value.
//! Before parsing, [`keyboard_mistakes`] names the slips a Japanese
//! keyboard makes easy (a full-width colon or space, a tab), at their own
//! line — the parser would report them a line late, in jargon.

mod duplicates;
mod fields;
mod keyboard;
mod recover;

pub(crate) use fields::{Fields, Spots};
pub(crate) use keyboard::keyboard_mistakes;
use keyboard::too_deep;
pub(crate) use recover::read_all;

use crate::diagnostics::{did_you_mean, Diagnostic, Location};
use crate::messages::Message;
use crate::msg;
use crate::source::SourceText;
use marked_yaml::types::MarkedMappingNode;
use marked_yaml::{LoaderOptions, Marker, Node, Span};
use serde::de::DeserializeOwned;

/// Deepest nesting of lists and mappings accepted: far beyond any real
/// file, and a bound on the parser's recursion.
pub(crate) const MAX_DEPTH: usize = 64;

/// The file position of a line and column (1-based) of `source`'s text.
fn location_of(source: &SourceText, line: usize, column: usize) -> Location {
    Location::new(source.first_line + line - 1, column)
}

/// The file position of a parser marker.
pub(crate) fn location(source: &SourceText, marker: Option<&Marker>) -> Location {
    match marker {
        Some(m) => Location::new(source.first_line + m.line() - 1, m.column()),
        None => Location::new(source.first_line, 1),
    }
}

/// The file position where a node starts.
pub(crate) fn at(source: &SourceText, span: &Span) -> Location {
    location(source, span.start())
}

/// Parses YAML text into nodes. The text must be a mapping (or, with
/// `list`, a sequence); empty text is an empty mapping or sequence. A key
/// written twice is an error (see [`parse_with_duplicates`] to read on).
pub(crate) fn parse(source: &SourceText, list: bool) -> Result<Node, Vec<Diagnostic>> {
    let (node, duplicates) = parse_with_duplicates(source, list)?;
    match duplicates.is_empty() {
        true => Ok(node),
        false => Err(duplicates),
    }
}

/// As [`parse`], but a key written twice does not stop the reading: the
/// node comes with every duplicate key's error, so that the file's other
/// problems are found in the same run.
pub(crate) fn parse_with_duplicates(
    source: &SourceText,
    list: bool,
) -> Result<(Node, Vec<Diagnostic>), Vec<Diagnostic>> {
    if let Some(problem) = too_deep(source) {
        return Err(vec![problem]);
    }
    if source.text.trim().is_empty() {
        let span = Span::new_start(Marker::new(0, 0, 1, 1));
        return Ok((
            if list {
                Node::Sequence(marked_yaml::types::MarkedSequenceNode::new_empty(span))
            } else {
                Node::Mapping(MarkedMappingNode::new_empty(span))
            },
            Vec::new(),
        ));
    }
    // Duplicates are looked for only when the parser meets one: reading
    // the events a second time is not for every file.
    let (node, duplicates) = match load(source, list, true) {
        Err(marked_yaml::LoadError::DuplicateKey(_)) => {
            let node = load(source, list, false);
            (node, duplicates::duplicate_keys(source))
        }
        other => (other, Vec::new()),
    };
    let node = node.map_err(|err| syntax_problems(source, load_error(source, err)))?;
    // A tab before a key can parse as something else entirely.
    let tabs = keyboard::tab_indents(source);
    if tabs.is_empty() {
        Ok((node, duplicates))
    } else {
        Err(tabs)
    }
}

fn load(
    source: &SourceText,
    list: bool,
    refuse_duplicates: bool,
) -> Result<Node, marked_yaml::LoadError> {
    let options = LoaderOptions::default().error_on_duplicate_keys(refuse_duplicates);
    let options = if list {
        options.toplevel_sequence()
    } else {
        options.toplevel_mapping()
    };
    marked_yaml::parse_yaml_with_options(0, source.text, options)
}

/// What to report for a file the parser stopped on: the keyboard slips
/// when one explains where it stopped (the parser notices a slip a line
/// late, or not as such), with those after it; else its own error and the
/// slips after it.
fn syntax_problems(source: &SourceText, error: Diagnostic) -> Vec<Diagnostic> {
    let slips = keyboard_mistakes(source);
    let explained = slips
        .iter()
        .any(|slip| slip.location.line <= error.location.line + 1);
    if explained {
        slips
    } else {
        std::iter::once(error).chain(slips).collect()
    }
}

fn load_error(source: &SourceText, err: marked_yaml::LoadError) -> Diagnostic {
    use marked_yaml::LoadError as E;
    let (marker, message) = match &err {
        E::TopLevelMustBeMapping(m) => (*m, msg!("yaml.not-a-mapping")),
        E::TopLevelMustBeSequence(m) => (*m, msg!("yaml.not-a-list")),
        E::UnexpectedAnchor(m) => (*m, msg!("yaml.anchor")),
        E::MappingKeyMustBeScalar(m) => (*m, msg!("yaml.complex-key")),
        E::UnexpectedTag(m) => (*m, msg!("yaml.tag")),
        E::ScanError(m, scan) => (*m, scan_message(scan.info())),
        E::DuplicateKey(inner) => {
            let first = location(source, inner.prev_key.span().start());
            let message = msg!(
                "yaml.duplicate-key",
                key = inner.key.as_str(),
                line = first.line
            );
            return Diagnostic::error(source.path, at(source, inner.key.span()), message);
        }
    };
    Diagnostic::error(source.path, location(source, Some(&marker)), message)
}

/// The scanner's reason in an author's words.
fn scan_message(info: &str) -> Message {
    if info.contains("found a tab") || info.contains("found character '\\t'") {
        msg!("yaml.tab")
    } else if info.contains("mapping values are not allowed") {
        msg!("yaml.colon-in-value")
    } else if info.contains("could not find expected ':'") {
        msg!("yaml.missing-colon")
    } else if info.contains("did not find expected key")
        || info.contains("did not find expected '-'")
        || info.contains("block sequence entries are not allowed")
    {
        msg!("yaml.indentation")
    } else if let Some(c) = info.strip_prefix("unexpected character: `") {
        // `%`, `@` and `` ` `` cannot start a value.
        let character = c.trim_end_matches('\'');
        msg!("yaml.reserved-character", character = character)
    } else if info.contains("found character that cannot start any token") {
        msg!("yaml.bad-character")
    } else if info.contains("illegal placement of ':'") || info.contains("flow") {
        msg!("yaml.unclosed-bracket")
    } else if info.contains("unclosed quoted") || info.contains("quoted scalar") {
        msg!("yaml.unclosed-quote")
    } else {
        msg!("yaml.syntax", detail = info)
    }
}

/// Reads a node into `T`, with an author-facing message at the first
/// failing key or value (see [`read_all`] for every one of them).
pub(crate) fn read<T: DeserializeOwned>(source: &SourceText, node: &Node) -> Result<T, Diagnostic> {
    match read_all(source, node) {
        (Some(value), problems) if problems.is_empty() => Ok(value),
        (_, problems) => Err(problems.into_iter().next().unwrap_or_else(|| {
            Diagnostic::error(
                source.path,
                node_start(source, node),
                msg!("yaml.invalid-value"),
            )
        })),
    }
}

fn serde_message(err: &marked_yaml::Error) -> Message {
    use marked_yaml::Error as E;
    match err {
        E::NotBoolean(_) => msg!("yaml.expected-bool"),
        E::IntegerParseFailure(..) | E::FloatParseFailure(..) => msg!("yaml.expected-number"),
        E::UnknownFieldError(field, allowed, _) => unknown_key(field, allowed),
        E::Other(text, _) => other_message(text),
    }
}

fn unknown_key(key: &str, allowed: &[&str]) -> Message {
    let message = msg!("yaml.unknown-key", key = key).list_arg("allowed", allowed);
    match did_you_mean(key, allowed.iter().copied()) {
        Some(close) => message.arg("suggestion", close),
        None => message,
    }
}

/// serde's own messages ("missing field `x`", "invalid type: …, expected …").
fn other_message(text: &str) -> Message {
    if let Some(key) = crate::diagnostics::missing_field(text) {
        return msg!("yaml.missing-key", key = key);
    }
    if let Some((_, expected)) = text.split_once("expected ") {
        return expected_message(expected);
    }
    if text.contains("unknown variant") {
        return msg!("yaml.unknown-value", detail = text);
    }
    msg!("yaml.invalid-value")
}

fn expected_message(expected: &str) -> Message {
    if expected.contains("sequence") || expected.starts_with("a list") {
        msg!("yaml.expected-list")
    } else if expected.contains("struct") || expected.contains("map") {
        msg!("yaml.expected-mapping")
    } else if expected.starts_with('u') || expected.starts_with('i') || expected.contains("integer")
    {
        msg!("yaml.expected-number")
    } else if expected.contains("bool") {
        msg!("yaml.expected-bool")
    } else {
        msg!("yaml.expected-text")
    }
}

/// Where a mapping starts: its first key (the parser marks a block
/// mapping at the first colon).
pub(super) fn mapping_start(source: &SourceText, map: &MarkedMappingNode) -> Location {
    match map.keys().next() {
        Some(key) => at(source, key.span()),
        None => at(source, map.span()),
    }
}

/// Where a node starts as an author sees it (a mapping at its first key).
pub(crate) fn node_start(source: &SourceText, node: &Node) -> Location {
    match node.as_mapping() {
        Some(map) => mapping_start(source, map),
        None => at(source, node.span()),
    }
}

/// `~`, `null` or nothing after the colon.
pub(crate) fn is_null(node: &Node) -> bool {
    node.as_scalar()
        .is_some_and(|s| matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL"))
}

/// Each item of a list read on its own, with where its values are; items
/// that fail are reported and left out.
pub(crate) fn entries<T: DeserializeOwned>(
    source: &SourceText,
    node: &Node,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(T, Spots)> {
    let Some(list) = node.as_sequence() else {
        problems.push(Diagnostic::error(
            source.path,
            at(source, node.span()),
            msg!("yaml.expected-list"),
        ));
        return Vec::new();
    };
    let mut out = Vec::with_capacity(list.len());
    for item in list.iter() {
        let (value, found) = read_all::<T>(source, item);
        problems.extend(found);
        if let Some(value) = value {
            out.push((value, Spots::of(source, item)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn src(text: &str) -> SourceText<'_> {
        SourceText::starting_at(Path::new("a.md"), text, 2)
    }

    #[test]
    fn full_width_colon_is_reported_on_its_own_line() {
        let text = "title: a\nlevel：2\nskills: [x]\n";
        let errs = parse(&src(text), false).unwrap_err();
        assert_eq!(errs[0].code(), "yaml.full-width-colon");
        assert_eq!(errs[0].location, Location::new(3, 6));
    }

    #[test]
    fn a_tab_before_a_key_is_refused_and_one_inside_a_block_scalar_is_text() {
        let errs = parse(&src("title: a\n\tlevel: 1\n"), false).unwrap_err();
        assert_eq!(errs[0].code(), "yaml.tab");
        assert_eq!(errs[0].location, Location::new(3, 1));
        let text = "explanation: |\n  \tcode\n\n  more\nlevel: 1\n";
        assert!(parse(&src(text), false).is_ok());
    }

    #[test]
    fn duplicate_keys_point_at_the_second_key() {
        let errs = parse(&src("title: a\nlevel: 1\ntitle: b\n"), false).unwrap_err();
        assert_eq!(errs[0].code(), "yaml.duplicate-key");
        assert_eq!(errs[0].location, Location::new(4, 1));
        assert_eq!(errs[0].message.get("line"), Some("2"));
    }

    #[test]
    fn deep_flow_nesting_is_refused_quickly() {
        let text = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let errs = parse(&src(&text), false).unwrap_err();
        assert_eq!(errs[0].code(), "yaml.too-deep");
    }

    #[test]
    fn flow_nesting_at_the_limit_passes_and_one_more_is_refused_at_its_bracket() {
        let nested = |depth: usize| format!("a: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
        assert!(parse(&src(&nested(MAX_DEPTH)), false).is_ok());
        // Spread over lines: the 65th bracket is the third of line 3.
        let text = format!("x: 1\na: {}\n  [[[1]]]{}\n", "[".repeat(62), "]".repeat(62));
        let errs = parse(&src(&text), false).unwrap_err();
        assert_eq!(errs[0].code(), "yaml.too-deep");
        assert_eq!(errs[0].location, Location::new(4, 5));
    }

    #[test]
    fn many_shallow_flow_lists_are_not_too_deep() {
        let text: String = (0..200)
            .map(|i| format!("k{i}: [a, {{b: [c]}}]\n"))
            .collect();
        assert!(parse(&src(&text), false).is_ok());
    }

    #[test]
    fn deep_block_nesting_is_refused_by_its_indentation() {
        let text: String = (0..300)
            .map(|depth| format!("{}a:\n", " ".repeat(depth)))
            .collect();
        let errs = parse(&src(&text), false).unwrap_err();
        assert_eq!(errs[0].code(), "yaml.too-indented");
        assert_eq!(errs[0].message.get("max"), Some("256"));
        // The 258th line (257 spaces) of a block that starts on line 2.
        assert_eq!(errs[0].location, Location::new(259, 1));
    }

    #[test]
    fn fields_report_every_bad_value_at_the_value() {
        let text = "level: high\nduration: 20分\ntitel: x\n";
        let source = src(text);
        let node = parse(&source, false).unwrap();
        let mut fields = Fields::new(&source, &node, &["title", "level", "duration"]).unwrap();
        assert_eq!(fields.get::<u8>("level"), None);
        assert_eq!(fields.get::<u32>("duration"), None);
        let _ = fields.required::<String>("title");
        let problems = fields.finish();
        let found: Vec<_> = problems.iter().map(|d| (d.code(), d.location)).collect();
        assert!(
            found.contains(&("yaml.unknown-key", Location::new(4, 1))),
            "{found:?}"
        );
        assert!(
            found.contains(&("yaml.expected-number", Location::new(2, 8))),
            "{found:?}"
        );
        assert!(
            found.contains(&("yaml.expected-number", Location::new(3, 11))),
            "{found:?}"
        );
        assert!(
            found.contains(&("yaml.missing-key", Location::new(2, 1))),
            "{found:?}"
        );
        let unknown = problems
            .iter()
            .find(|d| d.code() == "yaml.unknown-key")
            .unwrap();
        assert_eq!(unknown.message.get("suggestion"), Some("title"));
    }
}
