//! Reading a mapping field by field ([`Fields`]), so that one bad value
//! does not hide the others, and remembering where each value was written
//! ([`Spots`]) for problems found later.

use super::{at, is_null, mapping_start, node_start, read_all, unknown_key};
use crate::diagnostics::{Diagnostic, Location};
use crate::msg;
use crate::source::SourceText;
use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode};
use marked_yaml::Node;
use rustc_hash::FxHashMap;
use serde::de::DeserializeOwned;

/// A mapping read key by key: each value is read on its own, unknown keys
/// are reported (with the closest allowed key), and every problem is kept.
pub(crate) struct Fields<'n, 's> {
    source: &'s SourceText<'s>,
    map: &'n MarkedMappingNode,
    problems: Vec<Diagnostic>,
}

impl<'n, 's> Fields<'n, 's> {
    /// Reads `node` as a mapping with the given keys.
    pub(crate) fn new(
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
    pub(crate) fn node(&self, key: &str) -> Option<&'n Node> {
        self.map.get_node(key).filter(|node| !is_null(node))
    }

    /// The value node of `key`, null or not.
    pub(crate) fn raw(&self, key: &str) -> Option<&'n Node> {
        self.map.get_node(key)
    }

    /// Where the value of `key` starts, or the mapping itself without one.
    pub(crate) fn location(&self, key: &str) -> Location {
        match self.map.get_node(key) {
            Some(node) => at(self.source, node.span()),
            None => self.start(),
        }
    }

    /// Where the mapping starts.
    pub(crate) fn start(&self) -> Location {
        mapping_start(self.source, self.map)
    }

    /// The value of an optional key; a wrong type is reported and skipped.
    pub(crate) fn get<T: DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let node = self.node(key)?;
        let (value, problems) = read_all(self.source, node);
        let written = node.as_scalar().map(|s| s.as_str());
        self.problems
            .extend(problems.into_iter().map(|mut problem| {
                // "true or false" alone does not say which key wants it.
                if let (Some(written), "yaml.expected-bool") = (written, problem.code()) {
                    problem.message = msg!("yaml.expected-bool-for", key = key, value = written);
                }
                problem
            }));
        value
    }

    /// The value of a key that must be there.
    pub(crate) fn required<T: DeserializeOwned>(&mut self, key: &'static str) -> Option<T> {
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
    pub(crate) fn scalar(&self, key: &str) -> Option<&'n MarkedScalarNode> {
        self.node(key).and_then(Node::as_scalar)
    }

    /// Adds a problem found by the caller.
    pub(crate) fn report(&mut self, problem: Diagnostic) {
        self.problems.push(problem);
    }

    pub(crate) fn source(&self) -> &'s SourceText<'s> {
        self.source
    }

    /// Every problem found while reading.
    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        self.problems
    }
}

/// Where each value of a mapping and each item of its lists was written,
/// for problems found later (an unknown skill is reported at that skill).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spots {
    start: Location,
    values: FxHashMap<String, Location>,
    items: FxHashMap<String, Vec<Location>>,
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
