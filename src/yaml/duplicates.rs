//! Every key written twice in one mapping, found in the parser's events.
//!
//! marked-yaml stops at the first duplicate key and gives no node, which
//! would hide every other problem of the file; the events of its parser
//! (yaml-rust2) show all of them, each with the line of its first use.

use super::location_of;
use crate::diagnostics::Diagnostic;
use crate::msg;
use crate::source::SourceText;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

/// Where the parser is: in a mapping (the keys seen, and whether the next
/// node is a key) or in a sequence.
enum Frame {
    Mapping {
        keys: HashMap<String, usize>,
        key_next: bool,
    },
    Sequence,
}

/// The duplicate keys of `source`, each reported at the second key.
pub(super) fn duplicate_keys(source: &SourceText) -> Vec<Diagnostic> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut problems = Vec::new();
    let mut parser = Parser::new_from_str(source.text);
    while let Ok((event, mark)) = parser.next_token() {
        match event {
            Event::Scalar(text, ..) => node(&mut stack, Some(text), mark, source, &mut problems),
            Event::Alias(_) => node(&mut stack, None, mark, source, &mut problems),
            Event::MappingStart(..) => {
                node(&mut stack, None, mark, source, &mut problems);
                stack.push(Frame::Mapping {
                    keys: HashMap::new(),
                    key_next: true,
                });
            }
            Event::SequenceStart(..) => {
                node(&mut stack, None, mark, source, &mut problems);
                stack.push(Frame::Sequence);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            Event::StreamEnd => break,
            _ => {}
        }
    }
    problems
}

/// One node (a scalar's `text`, or a collection): a key or a value when
/// the parser is in a mapping.
fn node(
    stack: &mut [Frame],
    text: Option<String>,
    mark: Marker,
    source: &SourceText,
    problems: &mut Vec<Diagnostic>,
) {
    let Some(Frame::Mapping { keys, key_next }) = stack.last_mut() else {
        return;
    };
    if *key_next {
        if let Some(key) = text {
            // yaml-rust2 counts columns from 0.
            let at = location_of(source, mark.line(), mark.col() + 1);
            match keys.get(&key) {
                Some(&line) => {
                    let message = msg!("yaml.duplicate-key", key = key, line = line);
                    problems.push(Diagnostic::error(source.path, at, message));
                }
                None => {
                    keys.insert(key, at.line);
                }
            }
        }
    }
    *key_next = !*key_next;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn every_duplicate_at_every_level_is_found_and_nothing_else() {
        let text = "- question: a\n  question: b\n  choices:\n    - text: x\n      text: y\n- question: a\n  hint: {k: 1, k: 2}\n";
        let source = SourceText::starting_at(Path::new("q.md"), text, 10);
        let found: Vec<_> = duplicate_keys(&source)
            .iter()
            .map(|d| {
                (
                    d.location.line,
                    d.location.col,
                    d.message.get("line").unwrap().to_string(),
                )
            })
            .collect();
        let expected = [(11, 3, "10"), (14, 7, "13"), (16, 16, "16")];
        let expected: Vec<_> = expected
            .iter()
            .map(|&(l, c, f)| (l, c, f.to_string()))
            .collect();
        assert_eq!(
            found, expected,
            "the same key in two questions is no duplicate"
        );
    }
}
