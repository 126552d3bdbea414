//! Self-check questions: the YAML inside ```` ```quiz ```` blocks.
//!
//! A question has `choices` (one or more correct: radio buttons or
//! checkboxes) or an `answer` (true/false, or accepted text answers).
//! Parsing checks the shape; the text is Markdown rendered later.

mod answer;

pub use answer::answer_key;

use crate::diagnostics::{Diagnostic, Location};
use crate::ids;
use crate::messages::Message;
use crate::msg;
use crate::source::SourceText;
use crate::yaml::{self, Fields};
use answer::{read_answer, truth_word};
use marked_yaml::Node;
use serde::Serialize;
use std::path::Path;

const QUESTION_KEYS: &[&str] = &[
    "question",
    "choices",
    "answer",
    "explanation",
    "shuffle",
    "ignore",
];
const CHOICE_KEYS: &[&str] = &["text", "correct", "feedback"];

/// What kind of control a question is answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuestionKind {
    Single,
    Multiple,
    TrueFalse,
    Text,
}

#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub text: String,
    pub correct: bool,
    pub feedback: String,
}

/// One checked question, its texts still in Markdown.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    /// Stable id (see [`question_ids`]), kept in learning records.
    pub id: String,
    pub kind: QuestionKind,
    pub prompt: String,
    pub choices: Vec<Choice>,
    /// The right answer of a true/false question.
    pub truth: Option<bool>,
    /// Accepted answers of a text question.
    pub accepted: Vec<String>,
    pub explanation: String,
    /// Whether the page's script may shuffle the choices (`shuffle:`).
    pub shuffle: bool,
    /// Characters ignored when a text answer is compared (`ignore:`).
    pub ignore: String,
    /// The file line where the question starts, for later checks.
    #[serde(skip)]
    pub line: usize,
}

/// Parses one quiz block whose content starts at `first_line` of the file.
/// Every question is checked; all problems of the block are returned.
pub fn parse_block(
    path: &Path,
    text: &str,
    first_line: usize,
) -> Result<Vec<Question>, Vec<Diagnostic>> {
    let source = SourceText::starting_at(path, text, first_line);
    let (node, mut problems) = yaml::parse_with_duplicates(&source, true)?;
    let mut questions = Vec::new();
    let items = node.as_sequence().map(|s| s.as_slice()).unwrap_or_default();
    for item in items {
        if let Some(question) = read_question(&source, item, &mut problems) {
            questions.push(question);
        }
    }
    let ids = question_ids(questions.iter().map(|q| q.prompt.as_str()));
    for (question, id) in questions.iter_mut().zip(ids) {
        question.id = id;
    }
    if questions.is_empty() && problems.is_empty() {
        problems.push(Diagnostic::error(
            path,
            Location::new(first_line, 1),
            msg!("quiz.empty"),
        ));
    }
    if problems.is_empty() {
        Ok(questions)
    } else {
        Err(problems)
    }
}

fn read_question(
    source: &SourceText,
    node: &Node,
    problems: &mut Vec<Diagnostic>,
) -> Option<Question> {
    let mut fields = match Fields::new(source, node, QUESTION_KEYS) {
        Ok(fields) => fields,
        Err(problem) => {
            problems.push(problem);
            return None;
        }
    };
    let start = fields.start();
    let prompt: String = fields.required("question").unwrap_or_default();
    let explanation = fields.get("explanation").unwrap_or_default();
    let choices = fields
        .node("choices")
        .map(|n| read_choices(source, n, problems));
    let answer = fields
        .raw("answer")
        .map(|n| read_answer(source, n, problems));
    let mut problem = |message| problems.push(Diagnostic::error(source.path, start, message));
    let question = match (choices, answer) {
        (Some(_), Some(_)) => {
            problem(msg!("quiz.both-choices-and-answer"));
            None
        }
        (None, None) => {
            problem(msg!("quiz.no-answer"));
            None
        }
        (Some(choices), None) => {
            choices.and_then(|c| choice_question(c).map_err(&mut problem).ok())
        }
        (None, Some(answer)) => answer,
    };
    if prompt.trim().is_empty() && fields.node("question").is_some() {
        let at = fields.location("question");
        problems.push(Diagnostic::error(
            source.path,
            at,
            msg!("quiz.empty-question"),
        ));
    }
    let Some(mut question) = question else {
        problems.extend(fields.finish());
        return None;
    };
    question.prompt = prompt;
    question.explanation = explanation;
    question.shuffle = fields.get("shuffle").unwrap_or(true);
    question.ignore = fields.get("ignore").unwrap_or_default();
    question.line = start.line;
    check_ignore(source, &fields, &question, problems);
    problems.extend(fields.finish());
    Some(question)
}

/// `ignore:` is for text answers, and must leave something of each answer.
fn check_ignore(
    source: &SourceText,
    fields: &Fields,
    question: &Question,
    problems: &mut Vec<Diagnostic>,
) {
    if !question.ignore.is_empty() && question.kind != QuestionKind::Text {
        let at = fields.location("ignore");
        problems.push(Diagnostic::error(
            source.path,
            at,
            msg!("quiz.ignore-not-text"),
        ));
    }
    // Without ignore:, only a blank answer is empty, and that is reported apart.
    let emptied = match question.ignore.as_str() {
        "" => None,
        ignore => question
            .accepted
            .iter()
            .find(|a| !a.trim().is_empty() && answer_key(a, ignore).is_empty()),
    };
    if let (Some(answer), QuestionKind::Text) = (emptied, question.kind) {
        let message = msg!(
            "quiz.ignore-empties-answer",
            answer = answer,
            ignore = &question.ignore
        );
        problems.push(Diagnostic::error(
            source.path,
            fields.location("ignore"),
            message,
        ));
    }
}

fn read_choices(
    source: &SourceText,
    node: &Node,
    problems: &mut Vec<Diagnostic>,
) -> Option<Vec<Choice>> {
    let Some(list) = node.as_sequence() else {
        let at = yaml::at(source, node.span());
        problems.push(Diagnostic::error(
            source.path,
            at,
            msg!("quiz.choices-not-a-list"),
        ));
        return None;
    };
    let before = problems.len();
    let mut choices = Vec::new();
    // The line of each choice's text, beside `choices`.
    let mut lines: Vec<usize> = Vec::new();
    for item in list.iter() {
        let mut fields = match Fields::new(source, item, CHOICE_KEYS) {
            Ok(fields) => fields,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        // `correct:` takes the words `answer:` takes (はい, ○…).
        let said = fields
            .scalar("correct")
            .and_then(|s| truth_word(s.as_str()));
        let text: String = fields.required("text").unwrap_or_default();
        let at = fields.location("text");
        let trimmed = text.trim();
        let twin = match trimmed {
            "" => None,
            _ => choices
                .iter()
                .position(|c: &Choice| c.text.trim() == trimmed),
        };
        if let Some(first) = twin {
            let message = msg!("quiz.duplicate-choice", text = trimmed, line = lines[first]);
            problems.push(Diagnostic::error(source.path, at, message));
        }
        lines.push(at.line);
        choices.push(Choice {
            text,
            correct: said.or_else(|| fields.get("correct")).unwrap_or(false),
            feedback: fields.get("feedback").unwrap_or_default(),
        });
        problems.extend(fields.finish());
    }
    (problems.len() == before).then_some(choices)
}

fn blank() -> Question {
    Question {
        id: String::new(),
        kind: QuestionKind::Text,
        prompt: String::new(),
        choices: Vec::new(),
        truth: None,
        accepted: Vec::new(),
        explanation: String::new(),
        shuffle: true,
        ignore: String::new(),
        line: 0,
    }
}

fn choice_question(choices: Vec<Choice>) -> Result<Question, Message> {
    let correct = choices.iter().filter(|c| c.correct).count();
    if choices.len() < 2 {
        return Err(msg!("quiz.too-few-choices"));
    }
    if correct == 0 {
        return Err(msg!("quiz.no-correct-choice"));
    }
    let kind = if correct == 1 {
        QuestionKind::Single
    } else {
        QuestionKind::Multiple
    };
    Ok(Question {
        kind,
        choices,
        ..blank()
    })
}

/// Stable question ids for learning records: `q` and eight hex digits of
/// FNV-1a over the prompt as written (NFC, trimmed); a prompt that repeats
/// in one module gets `-2`, `-3`… They stay the same across builds while the
/// question text is unchanged (docs/progress-format.md).
pub fn question_ids<'a>(prompts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let mut seen: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    prompts
        .into_iter()
        .map(|prompt| {
            let trimmed = prompt.trim();
            // Most prompts are NFC already; the quick check skips the copy.
            let hash = if ids::is_nfc(trimmed) {
                ids::fnv1a(trimmed.bytes().map(u32::from))
            } else {
                ids::fnv1a(trimmed.nfc().collect::<String>().bytes().map(u32::from))
            };
            let base = format!("q{hash:08x}");
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            match *count {
                1 => base,
                n => format!("{base}-{n}"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Question>, Vec<Diagnostic>> {
        parse_block(Path::new("m.md"), text, 10)
    }

    #[test]
    fn recognises_each_kind() {
        let qs = parse("- question: a\n  choices:\n    - text: x\n      correct: true\n    - text: y\n- question: b\n  answer: false\n- question: c\n  answer: [デジタル庁]\n").unwrap();
        let kinds: Vec<_> = qs.iter().map(|q| q.kind).collect();
        assert_eq!(
            kinds,
            [
                QuestionKind::Single,
                QuestionKind::TrueFalse,
                QuestionKind::Text
            ]
        );
    }

    #[test]
    fn no_correct_choice_points_at_the_question() {
        let errs = parse("- question: ok\n  answer: true\n- question: a\n  choices:\n    - text: x\n    - text: y\n").unwrap_err();
        assert_eq!(errs[0].location, Location::new(12, 3));
        assert_eq!(errs[0].code(), "quiz.no-correct-choice");
    }

    #[test]
    fn shuffle_and_ignore_are_read() {
        let qs = parse("- question: a\n  shuffle: false\n  choices:\n    - text: x\n      correct: true\n    - text: y\n- question: b\n  ignore: \"・ー\"\n  answer: [データ・ベース]\n").unwrap();
        assert!(!qs[0].shuffle);
        assert!(qs[1].shuffle, "shuffled unless pinned");
        assert_eq!(qs[1].ignore, "・ー");
    }

    #[test]
    fn an_answer_emptied_by_ignore_is_found_after_a_blank_one() {
        let errs =
            parse("- question: a\n  ignore: ー\n  answer: [\"\", ー, データ]\n").unwrap_err();
        let codes: Vec<&str> = errs.iter().map(|e| e.code()).collect();
        assert_eq!(codes, ["quiz.ignore-empties-answer"]);
    }

    #[test]
    fn ignore_on_a_choice_question_is_located() {
        let errs = parse("- question: a\n  ignore: ー\n  answer: true\n").unwrap_err();
        assert_eq!(errs[0].location, Location::new(11, 11));
        assert_eq!(errs[0].code(), "quiz.ignore-not-text");
    }

    #[test]
    fn question_ids_are_stable_hashes_of_the_prompt() {
        let ids = question_ids([" 税とは？", "税とは？", "別の問い"]);
        // FNV-1a 32 of "税とは？" in UTF-8, computed independently.
        let expected = format!("q{:08x}", ids::fnv1a("税とは？".bytes().map(u32::from)));
        assert_eq!(ids[0], expected);
        assert_eq!(ids[1], format!("{expected}-2"));
        assert_ne!(ids[2], ids[0]);
        assert_eq!(question_ids(["e\u{301}"]), question_ids(["\u{e9}"]), "NFC");
    }
}
