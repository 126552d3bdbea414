//! Self-check questions: the YAML inside ```` ```quiz ```` blocks.
//!
//! A question has `choices` (one or more correct: radio buttons or
//! checkboxes) or an `answer` (true/false, or accepted text answers).
//! Parsing checks the shape; the text is Markdown rendered later.

use crate::diagnostics::{Diagnostic, Location};
use crate::source::{parse_yaml, SourceText};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    question: String,
    #[serde(default)]
    choices: Option<Vec<RawChoice>>,
    #[serde(default)]
    answer: Option<RawAnswer>,
    #[serde(default)]
    explanation: String,
    /// Choice order shuffled per attempt (default); `false` pins it.
    #[serde(default)]
    shuffle: Option<bool>,
    /// Characters a text answer may leave out or add (e.g. "・ー").
    #[serde(default)]
    ignore: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    text: String,
    #[serde(default)]
    correct: bool,
    #[serde(default)]
    feedback: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum RawAnswer {
    Bool(bool),
    Text(String),
    List(Vec<String>),
}

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
}

/// Parses one quiz block whose content starts at `first_line` of the file.
pub fn parse_block(
    path: &Path,
    text: &str,
    first_line: usize,
) -> Result<Vec<Question>, Vec<Diagnostic>> {
    let source = SourceText::starting_at(path, text, first_line);
    let raw: Vec<RawQuestion> = parse_yaml(&source).map_err(|d| vec![quiz_hint(d)])?;
    let starts = question_lines(text, first_line);
    let mut problems = Vec::new();
    let mut questions = Vec::new();
    for (index, question) in raw.into_iter().enumerate() {
        let at = starts
            .get(index)
            .copied()
            .unwrap_or(Location::new(first_line, 1));
        match check(question) {
            Ok(q) => questions.push(q),
            Err((message, hint)) => {
                problems.push(Diagnostic::error(path, at, message).with_hint(hint))
            }
        }
    }
    let ids = question_ids(questions.iter().map(|q| q.prompt.as_str()));
    for (question, id) in questions.iter_mut().zip(ids) {
        question.id = id;
    }
    if raw_is_empty(&questions, &problems) {
        problems.push(
            Diagnostic::error(
                path,
                Location::new(first_line, 1),
                "quiz block has no questions",
            )
            .with_hint("write a YAML list: `- question: …`"),
        );
    }
    if problems.is_empty() {
        Ok(questions)
    } else {
        Err(problems)
    }
}

/// Stable question ids for learning records: `q` and eight hex digits of
/// FNV-1a over the prompt as written (NFC, trimmed); a prompt that repeats
/// in one module gets `-2`, `-3`… They stay the same across builds while the
/// question text is unchanged (docs/progress-format.md).
pub fn question_ids<'a>(prompts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    use unicode_normalization::UnicodeNormalization;
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    prompts
        .into_iter()
        .map(|prompt| {
            let normal: String = prompt.trim().nfc().collect();
            let base = format!("q{:08x}", crate::config::fnv1a(normal.as_bytes()));
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            match *count {
                1 => base,
                n => format!("{base}-{n}"),
            }
        })
        .collect()
}

fn raw_is_empty(questions: &[Question], problems: &[Diagnostic]) -> bool {
    questions.is_empty() && problems.is_empty()
}

fn quiz_hint(mut diagnostic: Diagnostic) -> Diagnostic {
    diagnostic.message =
        diagnostic
            .message
            .replacen("invalid YAML: item ", "invalid YAML: question ", 1);
    if diagnostic.message.contains("did not match any variant") {
        diagnostic.with_hint("`answer` is true/false, a text, or a list of accepted texts")
    } else if diagnostic.hint.is_none() {
        diagnostic.with_hint("a quiz block holds a YAML list of questions: `- question: …`")
    } else {
        diagnostic
    }
}

/// Line and column of each `- question:` item, in order.
fn question_lines(text: &str, first_line: usize) -> Vec<Location> {
    text.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let trimmed = line.trim_start();
            trimmed
                .starts_with("- question:")
                .then(|| Location::new(first_line + index, line.len() - trimmed.len() + 1))
        })
        .collect()
}

type Problem = (String, String);

fn check(raw: RawQuestion) -> Result<Question, Problem> {
    if raw.question.trim().is_empty() {
        return Err((
            "question text is empty".into(),
            "write the question after `question:`".into(),
        ));
    }
    let shuffle = raw.shuffle.unwrap_or(true);
    let ignore = raw.ignore.unwrap_or_default();
    let is_text = matches!(raw.answer, Some(RawAnswer::Text(_) | RawAnswer::List(_)));
    if !ignore.is_empty() && !is_text {
        return Err(ignore_not_text());
    }
    let question = match (raw.choices, raw.answer) {
        (Some(_), Some(_)) => Err((
            "question has both `choices` and `answer`".into(),
            "use `choices` for a choice question, or `answer` for true/false and text questions, not both".into(),
        )),
        (None, None) => Err((
            "question has neither `choices` nor `answer`".into(),
            "add `choices:` (with `correct: true` on the right ones) or `answer:`".into(),
        )),
        (Some(choices), None) => choice_question(raw.question, choices, raw.explanation),
        (None, Some(answer)) => answer_question(raw.question, answer, raw.explanation),
    }?;
    Ok(Question {
        shuffle,
        ignore,
        ..question
    })
}

/// `ignore:` on a question that has no text answer (Japanese, for authors).
fn ignore_not_text() -> Problem {
    (
        "`ignore` は記述式（answer に文字列を書く問題）にだけ指定できます".into(),
        "選択式・正誤式の問題からは `ignore:` を削除してください".into(),
    )
}

fn choice_question(
    prompt: String,
    raw: Vec<RawChoice>,
    explanation: String,
) -> Result<Question, Problem> {
    let correct = raw.iter().filter(|c| c.correct).count();
    if raw.len() < 2 {
        return Err((
            "a choice question needs at least two choices".into(),
            "add more `- text:` items under `choices:`".into(),
        ));
    }
    if correct == 0 {
        return Err((
            "question has no correct choice".into(),
            "mark the right choice(s) with `correct: true`".into(),
        ));
    }
    let choices = raw
        .into_iter()
        .map(|c| Choice {
            text: c.text,
            correct: c.correct,
            feedback: c.feedback,
        })
        .collect();
    let kind = if correct == 1 {
        QuestionKind::Single
    } else {
        QuestionKind::Multiple
    };
    Ok(Question {
        id: String::new(),
        kind,
        prompt,
        choices,
        truth: None,
        accepted: Vec::new(),
        explanation,
        shuffle: true,
        ignore: String::new(),
    })
}

fn answer_question(
    prompt: String,
    answer: RawAnswer,
    explanation: String,
) -> Result<Question, Problem> {
    let (kind, truth, accepted) = match answer {
        RawAnswer::Bool(value) => (QuestionKind::TrueFalse, Some(value), Vec::new()),
        RawAnswer::Text(text) => (QuestionKind::Text, None, vec![text]),
        RawAnswer::List(list) => (QuestionKind::Text, None, list),
    };
    if kind == QuestionKind::Text && accepted.iter().all(|a| a.trim().is_empty()) {
        return Err((
            "text question has no accepted answer".into(),
            "write the accepted answers, e.g. answer: [デジタル庁]".into(),
        ));
    }
    Ok(Question {
        id: String::new(),
        kind,
        prompt,
        choices: Vec::new(),
        truth,
        accepted,
        explanation,
        shuffle: true,
        ignore: String::new(),
    })
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
        assert_eq!(errs[0].location, Location::new(12, 1));
        assert!(errs[0].message.contains("no correct choice"));
    }

    #[test]
    fn shuffle_and_ignore_are_read() {
        let qs = parse("- question: a\n  shuffle: false\n  choices:\n    - text: x\n      correct: true\n    - text: y\n- question: b\n  ignore: \"・ー\"\n  answer: [データ・ベース]\n").unwrap();
        assert!(!qs[0].shuffle);
        assert!(qs[1].shuffle, "shuffled unless pinned");
        assert_eq!(qs[1].ignore, "・ー");
    }

    #[test]
    fn ignore_on_a_choice_question_is_located() {
        let errs = parse("- question: a\n  ignore: ー\n  answer: true\n").unwrap_err();
        assert_eq!(errs[0].location, Location::new(10, 1));
        assert!(errs[0].message.contains("記述式"), "{}", errs[0].message);
    }

    #[test]
    fn question_ids_are_stable_hashes_of_the_prompt() {
        let ids = question_ids([" 税とは？", "税とは？", "別の問い"]);
        // FNV-1a 32 of "税とは？" in UTF-8, computed independently.
        let expected = format!("q{:08x}", crate::config::fnv1a("税とは？".as_bytes()));
        assert_eq!(ids[0], expected);
        assert_eq!(ids[1], format!("{expected}-2"));
        assert_ne!(ids[2], ids[0]);
        assert_eq!(question_ids(["e\u{301}"]), question_ids(["\u{e9}"]), "NFC");
    }
}
