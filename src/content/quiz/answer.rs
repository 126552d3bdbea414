//! Answers: the words for true and false, `answer:` read as a true/false
//! or a typed answer, and how a typed answer is compared.

use super::{blank, Question, QuestionKind};
use crate::diagnostics::Diagnostic;
use crate::msg;
use crate::source::SourceText;
use crate::yaml;
use marked_yaml::Node;
use unicode_normalization::UnicodeNormalization;

/// How authors write "true" and "false" for a true/false question.
const TRUE_WORDS: &[&str] = &[
    "true",
    "True",
    "TRUE",
    "yes",
    "○",
    "〇",
    "◯",
    "はい",
    "正",
    "正しい",
    "まる",
    "マル",
];
const FALSE_WORDS: &[&str] = &[
    "false",
    "False",
    "FALSE",
    "no",
    "×",
    "✕",
    "✗",
    "いいえ",
    "誤",
    "誤り",
    "ばつ",
    "バツ",
];

/// Letters that look like ○ and × (Ｘ, ｏ): a slip for the marks, unless
/// written as a list (`answer: [X]`) for a typed answer.
const MARK_LOOK_ALIKES: &[&str] = &["x", "o"];

/// Whether `written` is a word for true or false: the words above, also
/// typed with the IME on (ｔｒｕｅ, Ｆａｌｓｅ) or in half-width kana.
pub(super) fn truth_word(written: &str) -> Option<bool> {
    let written = written.trim();
    // Most are written as they are listed: fold only the others.
    listed_truth(written).or_else(|| listed_truth(&fold(written)))
}

/// Which list `word` is in, as it is.
fn listed_truth(word: &str) -> Option<bool> {
    match (TRUE_WORDS.contains(&word), FALSE_WORDS.contains(&word)) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    }
}

/// NFKC and lower case: how a truth word or a slip is recognised.
fn fold(written: &str) -> String {
    written.nfkc().collect::<String>().to_lowercase()
}

/// How a typed answer is compared, as the portal's script compares it
/// (quiz.js `normalizeAnswer`): NFKC, lower case, without white space and
/// without the question's `ignore:` characters.
pub fn answer_key(text: &str, ignore: &str) -> String {
    let skip: String = ignore.nfkc().collect();
    text.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace() && !skip.contains(*c))
        .collect()
}

/// `answer:` is true/false (also ○/×, はい/いいえ, 正/誤), one text, or a
/// list of accepted texts.
pub(super) fn read_answer(
    source: &SourceText,
    node: &Node,
    problems: &mut Vec<Diagnostic>,
) -> Option<Question> {
    let at = yaml::at(source, node.span());
    let accepted: Vec<String> = if let Some(scalar) = node.as_scalar() {
        let written = scalar.as_str().trim();
        if let Some(truth) = truth_word(written) {
            return Some(true_false(truth));
        }
        let folded = fold(written);
        if MARK_LOOK_ALIKES.contains(&folded.as_str()) {
            let meant = if folded == "o" { "true" } else { "false" };
            let message = msg!("quiz.mark-look-alike", written = written, meant = meant);
            problems.push(Diagnostic::error(source.path, at, message));
            return None;
        }
        // One text is a typed answer, but `ture` or `flase` is a slip.
        let to = |word: &str| strsim::levenshtein(&folded, word);
        let meant = if to("true") <= to("false") {
            "true"
        } else {
            "false"
        };
        let slip =
            folded.len() >= 3 && folded.chars().all(|c| c.is_ascii_alphabetic()) && to(meant) <= 2;
        if slip {
            problems.push(Diagnostic::error(
                source.path,
                at,
                msg!("quiz.true-false-slip", written = written, meant = meant),
            ));
            return None;
        }
        vec![written.to_string()]
    } else {
        match yaml::read::<Vec<String>>(source, node) {
            Ok(list) => list,
            Err(problem) => {
                problems.push(problem);
                return None;
            }
        }
    };
    if accepted.iter().all(|a| a.trim().is_empty()) {
        problems.push(Diagnostic::error(
            source.path,
            at,
            msg!("quiz.no-accepted-answer"),
        ));
        return None;
    }
    Some(Question {
        kind: QuestionKind::Text,
        accepted,
        ..blank()
    })
}

fn true_false(truth: bool) -> Question {
    Question {
        kind: QuestionKind::TrueFalse,
        truth: Some(truth),
        ..blank()
    }
}
