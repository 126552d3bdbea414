//! Reading a whole node into a typed value without stopping at its first
//! bad entry.
//!
//! serde stops at the first problem, and for an unknown key it only knows
//! the key's name. [`read_all`] finds the entry that failed in the node
//! tree, reports it at its own key or value, leaves it out and reads
//! again, so every unknown key and wrong value of a file is reported in one
//! run, and the value is still returned when what remains is complete
//! (site.yaml with a misspelt key still loads, so its other values are
//! checked too).

use super::{location, node_start, serde_message, unknown_key};
use crate::diagnostics::{Diagnostic, Location};
use crate::messages::Message;
use crate::msg;
use crate::source::SourceText;
use marked_yaml::{Marker, Node};
use serde::de::{DeserializeOwned, IntoDeserializer};

/// Most problems reported for one node before reading gives up on it.
const MAX_PROBLEMS: usize = 64;

/// One step from a node to an entry below it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Item(usize),
}

/// Reads `node` into `T`, reporting every unknown key and wrong value at
/// its place. The value is `None` when a required entry is missing or
/// wrong; the problems are never empty then.
pub(crate) fn read_all<T: DeserializeOwned>(
    source: &SourceText,
    node: &Node,
) -> (Option<T>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut left_out: Vec<String> = Vec::new();
    // Missing keys given a stand-in value, to read on to the next problem.
    let mut filled: Vec<(Vec<Step>, usize)> = Vec::new();
    let mut trimmed: Option<Node> = None;
    while problems.len() < MAX_PROBLEMS {
        let current = trimmed.as_ref().unwrap_or(node);
        let err = match marked_yaml::from_node::<T>(current) {
            Ok(_) if !filled.is_empty() => break,
            Ok(value) => return (Some(value), problems),
            Err(err) => err.into_inner(),
        };
        let mut next = current.clone();
        if let Some(key) = missing_key(&err) {
            if left_out.iter().any(|k| k == key) {
                // Already reported as the wrong value it was.
                break;
            }
            let key = key.to_string();
            problems.push(diagnose::<T>(source, current, &err).0);
            let Some(mut path) = failing_path::<T>(current) else {
                break;
            };
            path.push(Step::Key(key));
            if !stand_in(&mut next, &path, 0) {
                break;
            }
            filled.push((path, 0));
            trimmed = Some(next);
            continue;
        }
        // A stand-in of the wrong kind: try the next kind, silently.
        let failing = failing_path::<T>(current);
        if let Some(entry) = filled
            .iter_mut()
            .find(|(path, _)| Some(path) == failing.as_ref())
        {
            entry.1 += 1;
            if !stand_in(&mut next, &entry.0, entry.1) {
                break;
            }
            trimmed = Some(next);
            continue;
        }
        let (problem, culprit) = diagnose::<T>(source, current, &err);
        problems.push(problem);
        let Some(path) = culprit else { break };
        match remove(&mut next, &path) {
            Some(key) => left_out.push(key),
            None => break,
        }
        trimmed = Some(next);
    }
    (None, problems)
}

/// The diagnostic for one failed read, and the path of the entry to leave
/// out before reading again (none when the problem is not one entry's).
fn diagnose<T: DeserializeOwned>(
    source: &SourceText,
    node: &Node,
    err: &marked_yaml::Error,
) -> (Diagnostic, Option<Vec<Step>>) {
    let message = number_message(node, err).unwrap_or_else(|| serde_message(err));
    let problem = |at: Location| Diagnostic::error(source.path, at, message.clone());
    if let marked_yaml::Error::UnknownFieldError(field, allowed, _) = err {
        if let Some((path, key_at)) = find_key(node, field, allowed) {
            let key_at = location(source, Some(&key_at));
            let message = unknown_key(field, allowed);
            return (Diagnostic::error(source.path, key_at, message), Some(path));
        }
    }
    let mark = err.start_mark();
    if let Some(path) = mark.as_ref().and_then(|mark| find_value(node, mark)) {
        return (problem(location(source, mark.as_ref())), Some(path));
    }
    // The mark, if any, is the mapping being read, not the value of the
    // wrong kind: read again, following the path, to find it.
    let path = failing_path::<T>(node);
    match path
        .as_deref()
        .and_then(|path| Some((node_at(node, path)?, path)))
    {
        Some((found, path)) if missing_key(err).is_none() => {
            (problem(node_start(source, found)), trim_to_entry(path))
        }
        Some((found, _)) => (problem(node_start(source, found)), None),
        None => match mark {
            Some(mark) => (problem(location(source, Some(&mark))), None),
            None => (problem(node_start(source, node)), None),
        },
    }
}

/// The path to the value that fails to read as `T`, by reading it again
/// with serde_path_to_error (only when it failed: the plain read is faster).
fn failing_path<T: DeserializeOwned>(node: &Node) -> Option<Vec<Step>> {
    use serde_path_to_error::Segment;
    let err = serde_path_to_error::deserialize::<_, T>(node.into_deserializer()).err()?;
    err.path()
        .iter()
        .map(|segment| match segment {
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Seq { index } => Some(Step::Item(*index)),
            _ => None,
        })
        .collect()
}

/// The node at `path` below `node`.
fn node_at<'n>(node: &'n Node, path: &[Step]) -> Option<&'n Node> {
    path.iter().try_fold(node, |at, step| match (step, at) {
        (Step::Key(key), Node::Mapping(map)) => map.get(key.as_str()),
        (Step::Item(index), Node::Sequence(list)) => list.get(*index),
        _ => None,
    })
}

/// A number that is not the whole number asked for, said as what it is: a
/// decimal (`80.5`), below zero (`-1`) or too large. serde says only that
/// it is not a number of the type.
fn number_message(node: &Node, err: &marked_yaml::Error) -> Option<Message> {
    let marked_yaml::Error::IntegerParseFailure(_, span) = err else {
        return None;
    };
    let mark = span.start()?;
    let text = scalar_at(node, mark)?.trim();
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if text.parse::<f64>().is_ok_and(f64::is_finite) && text.contains('.') {
        Some(msg!("yaml.expected-whole-number", value = text))
    } else if text.strip_prefix('-').is_some_and(digits) {
        Some(msg!("yaml.expected-not-negative", value = text))
    } else if digits(text) {
        Some(msg!("yaml.number-too-large", value = text))
    } else {
        None
    }
}

/// The text of the scalar starting at `mark`.
fn scalar_at<'n>(node: &'n Node, mark: &Marker) -> Option<&'n str> {
    match node {
        Node::Scalar(scalar) => node_starts_at(node, mark).then(|| scalar.as_str()),
        Node::Mapping(map) => map.values().find_map(|value| scalar_at(value, mark)),
        Node::Sequence(list) => list.iter().find_map(|item| scalar_at(item, mark)),
    }
}

fn node_starts_at(node: &Node, mark: &Marker) -> bool {
    node.span().start() == Some(mark)
}

/// The key of a "missing field" error.
fn missing_key(err: &marked_yaml::Error) -> Option<&str> {
    match err {
        marked_yaml::Error::Other(text, _) => crate::diagnostics::missing_field(text),
        _ => None,
    }
}

/// The path to the first entry (in the order written) whose key is
/// `field`, preferring a mapping whose other keys are all `allowed` (the
/// mapping serde was reading), with where the key is.
fn find_key(node: &Node, field: &str, allowed: &[&str]) -> Option<(Vec<Step>, Marker)> {
    let mut found = Vec::new();
    collect_keys(node, field, &mut Vec::new(), &mut found, allowed);
    found.sort_by_key(|(_, _, fits)| !fits);
    found.into_iter().next().map(|(path, mark, _)| (path, mark))
}

type KeyFind = (Vec<Step>, Marker, bool);

fn collect_keys(
    node: &Node,
    field: &str,
    path: &mut Vec<Step>,
    found: &mut Vec<KeyFind>,
    allowed: &[&str],
) {
    match node {
        Node::Mapping(map) => {
            for (key, value) in map.iter() {
                path.push(Step::Key(key.as_str().to_string()));
                if key.as_str() == field {
                    if let Some(mark) = key.span().start() {
                        let fits = map
                            .keys()
                            .all(|k| k.as_str() == field || allowed.contains(&k.as_str()));
                        found.push((path.clone(), *mark, fits));
                    }
                }
                collect_keys(value, field, path, found, allowed);
                path.pop();
            }
        }
        Node::Sequence(list) => {
            for (index, item) in list.iter().enumerate() {
                path.push(Step::Item(index));
                collect_keys(item, field, path, found, allowed);
                path.pop();
            }
        }
        Node::Scalar(_) => {}
    }
}

/// The path to the innermost mapping entry whose value holds the node
/// starting at `mark`.
fn find_value(node: &Node, mark: &Marker) -> Option<Vec<Step>> {
    let mut path = Vec::new();
    let mut best = None;
    walk_values(node, mark, &mut path, &mut best);
    best
}

fn walk_values(node: &Node, mark: &Marker, path: &mut Vec<Step>, best: &mut Option<Vec<Step>>) {
    let ends_in_key = matches!(path.last(), Some(Step::Key(_)));
    if ends_in_key && node_starts_at(node, mark) {
        *best = Some(path.clone());
    }
    match node {
        Node::Mapping(map) => {
            for (key, value) in map.iter() {
                path.push(Step::Key(key.as_str().to_string()));
                walk_values(value, mark, path, best);
                path.pop();
            }
        }
        Node::Sequence(list) => {
            for (index, item) in list.iter().enumerate() {
                path.push(Step::Item(index));
                let before = best.is_some();
                walk_values(item, mark, path, best);
                path.pop();
                // An item of a list inside a mapping entry: the entry goes.
                if !before && best.is_none() && node_starts_at(item, mark) {
                    *best = trim_to_entry(path);
                }
            }
        }
        Node::Scalar(_) => {}
    }
}

/// `path` up to its last mapping key (the entry that holds it).
fn trim_to_entry(path: &[Step]) -> Option<Vec<Step>> {
    let end = path.iter().rposition(|step| matches!(step, Step::Key(_)))?;
    Some(path[..=end].to_vec())
}

/// Puts stand-in value number `kind` (text, list, number, true/false) at
/// `path`, whose last step is a missing key; false when there is no such
/// kind or place.
fn stand_in(node: &mut Node, path: &[Step], kind: usize) -> bool {
    use marked_yaml::types::{MarkedScalarNode, MarkedSequenceNode};
    let Some((Step::Key(key), way)) = path.split_last() else {
        return false;
    };
    let Some(Node::Mapping(map)) = node_at_mut(node, way) else {
        return false;
    };
    let span = *map.span();
    let value = match kind {
        0 => Node::Scalar(MarkedScalarNode::new(span, "")),
        1 => Node::Sequence(MarkedSequenceNode::new_empty(span)),
        2 => Node::Scalar(MarkedScalarNode::new(span, "0")),
        3 => Node::Scalar(MarkedScalarNode::new(span, "false")),
        _ => return false,
    };
    map.insert(MarkedScalarNode::new(span, key.as_str()), value);
    true
}

fn node_at_mut<'n>(node: &'n mut Node, path: &[Step]) -> Option<&'n mut Node> {
    path.iter().try_fold(node, |at, step| match (step, at) {
        (Step::Key(key), Node::Mapping(map)) => map.get_mut(key.as_str()),
        (Step::Item(index), Node::Sequence(list)) => list.get_mut(*index),
        _ => None,
    })
}

/// Removes the mapping entry at `path` (which ends in a key); its key.
fn remove(node: &mut Node, path: &[Step]) -> Option<String> {
    let (last, way) = path.split_last()?;
    match (last, node_at_mut(node, way)?) {
        (Step::Key(key), Node::Mapping(map)) => map.remove(key.as_str()).map(|_| key.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // read only to be checked
    struct Inner {
        #[serde(default)]
        allow_html: bool,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // read only to be checked
    struct Config {
        title: String,
        #[serde(default)]
        pass_score: u8,
        #[serde(default)]
        markdown: Option<Inner>,
    }

    fn read(text: &str) -> (Option<Config>, Vec<String>) {
        let source = SourceText::new(Path::new("site.yaml"), text);
        let node = super::super::parse(&source, false).unwrap();
        let (value, problems) = read_all::<Config>(&source, &node);
        let problems = problems
            .iter()
            .map(|d| format!("{}:{} {}", d.location.line, d.location.col, d.message.code))
            .collect();
        (value, problems)
    }

    #[test]
    fn every_unknown_key_is_reported_at_the_key_and_the_rest_is_read() {
        let (value, problems) = read("title: T\ntitel: x\nmarkdown:\n  allow_htm: true\n");
        assert_eq!(problems, ["2:1 yaml.unknown-key", "4:3 yaml.unknown-key"]);
        assert_eq!(value.expect("the rest is complete").title, "T");
    }

    #[test]
    fn a_wrong_value_is_reported_with_the_unknown_keys_after_it() {
        let (value, problems) = read("title: T\npass_score: many\nnmae: x\n");
        assert_eq!(
            problems,
            ["2:13 yaml.expected-number", "3:1 yaml.unknown-key"]
        );
        assert!(value.is_some(), "pass_score has a default");
    }

    #[test]
    fn a_wrong_required_value_is_reported_once() {
        let (value, problems) = read("title: [a, b]\nextra: 1\n");
        assert!(value.is_none());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|p| !p.contains("missing-key")));
    }
}
