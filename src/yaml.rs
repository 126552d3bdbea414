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

use crate::diagnostics::{did_you_mean, Diagnostic, Location};
use crate::messages::Message;
use crate::msg;
use crate::source::SourceText;
use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode};
use marked_yaml::{LoaderOptions, Marker, Node, Span};
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// Deepest nesting of lists and mappings accepted: far beyond any real
/// file, and a bound on the parser's recursion.
pub const MAX_DEPTH: usize = 64;

/// The file position of a parser marker.
pub fn location(source: &SourceText, marker: Option<&Marker>) -> Location {
    match marker {
        Some(m) => Location::new(source.first_line + m.line() - 1, m.column()),
        None => Location::new(source.first_line, 1),
    }
}

/// The file position where a node starts.
pub fn at(source: &SourceText, span: &Span) -> Location {
    location(source, span.start())
}

/// Parses YAML text into nodes. The text must be a mapping (or, with
/// `list`, a sequence); empty text is an empty mapping or sequence.
pub fn parse(source: &SourceText, list: bool) -> Result<Node, Vec<Diagnostic>> {
    if let Some(problem) = too_deep(source) {
        return Err(vec![problem]);
    }
    if source.text.trim().is_empty() {
        let span = Span::new_start(Marker::new(0, 0, 1, 1));
        return Ok(if list {
            Node::Sequence(marked_yaml::types::MarkedSequenceNode::new_empty(span))
        } else {
            Node::Mapping(MarkedMappingNode::new_empty(span))
        });
    }
    let options = LoaderOptions::default().error_on_duplicate_keys(true);
    let options = if list {
        options.toplevel_sequence()
    } else {
        options.toplevel_mapping()
    };
    marked_yaml::parse_yaml_with_options(0, source.text, options).map_err(|err| {
        let error = load_error(source, err);
        // The parser notices a keyboard slip a line late, or not as such:
        // name the slips up to where it stopped instead.
        let slips: Vec<Diagnostic> = keyboard_mistakes(source)
            .into_iter()
            .filter(|slip| slip.location.line <= error.location.line)
            .collect();
        if slips.is_empty() {
            vec![error]
        } else {
            slips
        }
    })
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
    if info.contains("mapping values are not allowed") {
        msg!("yaml.colon-in-value")
    } else if info.contains("could not find expected ':'") {
        msg!("yaml.missing-colon")
    } else if info.contains("did not find expected key")
        || info.contains("did not find expected '-'")
        || info.contains("block sequence entries are not allowed")
    {
        msg!("yaml.indentation")
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

/// Full-width colons and spaces, tabs, and a missing space after a key's
/// colon: each reported at its own character.
pub fn keyboard_mistakes(source: &SourceText) -> Vec<Diagnostic> {
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
fn too_deep(source: &SourceText) -> Option<Diagnostic> {
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

/// Reads a node into `T`, with an author-facing message at the failing value.
pub fn read<T: DeserializeOwned>(source: &SourceText, node: &Node) -> Result<T, Diagnostic> {
    marked_yaml::from_node::<T>(node).map_err(|err| {
        let err = err.into_inner();
        let at = location(source, err.start_mark().as_ref());
        let at = if at == Location::new(source.first_line, 1) {
            self::at(source, node.span())
        } else {
            at
        };
        Diagnostic::error(source.path, at, serde_message(&err))
    })
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
    let message = msg!("yaml.unknown-key", key = key, allowed = allowed.join(", "));
    match did_you_mean(key, allowed.iter().copied()) {
        Some(close) => message.arg("suggestion", close),
        None => message,
    }
}

/// serde's own messages ("missing field `x`", "invalid type: …, expected …").
fn other_message(text: &str) -> Message {
    if let Some(rest) = text.strip_prefix("missing field `") {
        return msg!("yaml.missing-key", key = rest.trim_end_matches('`'));
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

/// A mapping read key by key: each value is read on its own, unknown keys
/// are reported (with the closest allowed key), and every problem is kept.
pub struct Fields<'n, 's> {
    source: &'s SourceText<'s>,
    map: &'n MarkedMappingNode,
    problems: Vec<Diagnostic>,
}

impl<'n, 's> Fields<'n, 's> {
    /// Reads `node` as a mapping with the given keys.
    pub fn new(
        source: &'s SourceText<'s>,
        node: &'n Node,
        allowed: &[&'static str],
    ) -> Result<Self, Diagnostic> {
        let Some(map) = node.as_mapping() else {
            return Err(Diagnostic::error(
                source.path,
                at(source, node.span()),
                msg!("yaml.expected-mapping"),
            ));
        };
        let mut fields = Fields {
            source,
            map,
            problems: Vec::new(),
        };
        for key in map.keys() {
            let name = key.as_str();
            if !allowed.contains(&name) {
                let message = if name.starts_with('\u{3000}') {
                    msg!("yaml.full-width-space")
                } else if let Some((word, _)) = name.split_once('：') {
                    msg!("yaml.full-width-colon", key = word)
                } else {
                    unknown_key(name, allowed)
                };
                let location = at(source, key.span());
                fields
                    .problems
                    .push(Diagnostic::error(source.path, location, message));
            }
        }
        Ok(fields)
    }

    /// The value node of `key`, unless absent or null.
    pub fn node(&self, key: &str) -> Option<&'n Node> {
        self.map.get_node(key).filter(|node| !is_null(node))
    }

    /// The value node of `key`, null or not.
    pub fn raw(&self, key: &str) -> Option<&'n Node> {
        self.map.get_node(key)
    }

    /// Where the value of `key` starts, or the mapping itself without one.
    pub fn location(&self, key: &str) -> Location {
        match self.map.get_node(key) {
            Some(node) => at(self.source, node.span()),
            None => self.start(),
        }
    }

    /// Where the key `key` itself is written, or the mapping's start.
    pub fn key_location(&self, key: &str) -> Location {
        self.map
            .keys()
            .find(|k| k.as_str() == key)
            .map(|k| at(self.source, k.span()))
            .unwrap_or_else(|| self.start())
    }

    /// Where the mapping starts.
    pub fn start(&self) -> Location {
        mapping_start(self.source, self.map)
    }

    /// The value of an optional key; a wrong type is reported and skipped.
    pub fn get<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let node = self.node(key)?;
        match read(self.source, node) {
            Ok(value) => Some(value),
            Err(problem) => {
                self.problems.push(problem);
                None
            }
        }
    }

    /// The value of a key that must be there.
    pub fn required<T: DeserializeOwned>(&mut self, key: &'static str) -> Option<T> {
        if self.node(key).is_none() {
            let location = self.start();
            self.problems.push(Diagnostic::error(
                self.source.path,
                location,
                msg!("yaml.missing-key", key = key),
            ));
            return None;
        }
        self.get(key)
    }

    /// The scalar text of a key, as written.
    pub fn scalar(&self, key: &str) -> Option<&'n MarkedScalarNode> {
        self.node(key).and_then(Node::as_scalar)
    }

    /// Adds a problem found by the caller.
    pub fn report(&mut self, problem: Diagnostic) {
        self.problems.push(problem);
    }

    pub fn source(&self) -> &'s SourceText<'s> {
        self.source
    }

    /// Every problem found while reading.
    pub fn finish(self) -> Vec<Diagnostic> {
        self.problems
    }
}

/// Where a mapping starts: its first key (the parser marks a block
/// mapping at the first colon).
fn mapping_start(source: &SourceText, map: &MarkedMappingNode) -> Location {
    match map.keys().next() {
        Some(key) => at(source, key.span()),
        None => at(source, map.span()),
    }
}

/// Where a node starts as an author sees it (a mapping at its first key).
pub fn node_start(source: &SourceText, node: &Node) -> Location {
    match node.as_mapping() {
        Some(map) => mapping_start(source, map),
        None => at(source, node.span()),
    }
}

/// `~`, `null` or nothing after the colon.
pub fn is_null(node: &Node) -> bool {
    node.as_scalar()
        .is_some_and(|s| matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL"))
}

/// Where each value of a mapping and each item of its lists was written,
/// for problems found later (an unknown skill is reported at that skill).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spots {
    start: Location,
    values: HashMap<String, Location>,
    items: HashMap<String, Vec<Location>>,
}

impl Spots {
    /// The positions inside a mapping node, one level deep.
    pub fn of(source: &SourceText, node: &Node) -> Spots {
        let Some(map) = node.as_mapping() else {
            return Spots {
                start: at(source, node.span()),
                ..Spots::default()
            };
        };
        let mut spots = Spots {
            start: mapping_start(source, map),
            ..Spots::default()
        };
        for (key, value) in map.iter() {
            spots
                .values
                .insert(key.as_str().to_string(), at(source, value.span()));
            if let Some(list) = value.as_sequence() {
                let items = list.iter().map(|n| node_start(source, n)).collect();
                spots.items.insert(key.as_str().to_string(), items);
            }
        }
        spots
    }

    /// Where the mapping starts.
    pub fn start(&self) -> Location {
        self.start
    }

    /// Where the value of `key` is written (the mapping's start without one).
    pub fn value(&self, key: &str) -> Location {
        self.values.get(key).copied().unwrap_or(self.start)
    }

    /// Whether `key` was written.
    pub fn has(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// Where item `index` of the list under `key` is written.
    pub fn item(&self, key: &str, index: usize) -> Location {
        self.items
            .get(key)
            .and_then(|items| items.get(index).copied())
            .unwrap_or_else(|| self.value(key))
    }
}

/// Each item of a list read on its own, with where its values are; items
/// that fail are reported and left out.
pub fn entries<T: DeserializeOwned>(
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
        match read::<T>(source, item) {
            Ok(value) => out.push((value, Spots::of(source, item))),
            Err(problem) => problems.push(problem),
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
