//! The HTML of a body with its quiz blocks, written in Rust.
//!
//! A quiz block's markup is a contract with `quiz.js` (ids, `data-kind`,
//! `data-correct`, `data-accepted`, hidden feedback and explanations), so it
//! is written here once instead of in a template: a module page's five
//! questions cost a few microseconds instead of a third of the page's
//! template time. Its words come from the theme's `quiz:` strings.

use super::write_escaped;
use crate::content::{Body, Choice, Question, QuestionKind};
use crate::markdown::BodyPart;
use serde::Deserialize;
use std::fmt::Write;

/// The theme's words for quizzes (`quiz:` in `i18n/<lang>.yaml`).
#[derive(Debug, Clone, Deserialize)]
pub struct QuizStrings {
    pub question: String,
    pub check: String,
    pub answer_label: String,
    pub true_label: String,
    pub false_label: String,
    pub choose_one: String,
    pub choose_all: String,
    pub explanation: String,
}

/// The whole body as HTML: its Markdown parts as rendered, each quiz block
/// as questions numbered across the body.
pub fn body_html(body: &Body, strings: &QuizStrings) -> String {
    // About 1.5 kB of markup a question.
    let capacity: usize = body
        .parts
        .iter()
        .map(|part| match part {
            BodyPart::Html(html) => html.len(),
            BodyPart::Quiz(index) => 1500 * body.quizzes[*index].len(),
        })
        .sum();
    let mut out = String::with_capacity(capacity);
    let mut numbers = Vec::with_capacity(body.quizzes.len());
    let mut next = 1;
    for block in &body.quizzes {
        numbers.push(next);
        next += block.len();
    }
    for part in &body.parts {
        match part {
            BodyPart::Html(html) => out.push_str(html),
            BodyPart::Quiz(index) => {
                write_block(&mut out, &body.quizzes[*index], numbers[*index], strings)
            }
        }
    }
    out
}

fn write_block(out: &mut String, questions: &[Question], first: usize, strings: &QuizStrings) {
    out.push_str("<div class=\"quiz-block\">\n");
    for (offset, question) in questions.iter().enumerate() {
        write_question(out, question, first + offset, strings);
    }
    out.push_str("</div>\n");
}

/// Writes `text` escaped for HTML text or a quoted attribute.
fn text(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = write_escaped(out, text);
}

fn write_question(out: &mut String, q: &Question, number: usize, strings: &QuizStrings) {
    let qid = format!("q{number}");
    let kind = match q.kind {
        QuestionKind::Single => "single",
        QuestionKind::Multiple => "multiple",
        QuestionKind::TrueFalse => "true-false",
        QuestionKind::Text => "text",
    };
    let _ = write!(
        out,
        "<fieldset class=\"question\" id=\"{qid}\" data-kind=\"{kind}\" data-question-id=\""
    );
    text(out, &q.id);
    out.push('"');
    if !q.shuffle && matches!(q.kind, QuestionKind::Single | QuestionKind::Multiple) {
        out.push_str(" data-shuffle=\"false\"");
    }
    match q.kind {
        QuestionKind::Text => {
            out.push_str(" data-accepted=\"");
            text(out, &serde_json::to_string(&q.accepted).unwrap_or_default());
            out.push('"');
            if !q.ignore.is_empty() {
                out.push_str(" data-ignore=\"");
                text(out, &q.ignore);
                out.push('"');
            }
        }
        QuestionKind::TrueFalse => {
            let truth = if q.truth == Some(true) {
                "true"
            } else {
                "false"
            };
            let _ = write!(out, " data-truth=\"{truth}\"");
        }
        _ => {}
    }
    out.push_str(">\n  <legend class=\"question__prompt\"><span class=\"question__number\">");
    text(out, &strings.question);
    let _ = writeln!(out, "{number}</span> {}</legend>", q.prompt);
    match q.kind {
        QuestionKind::Single | QuestionKind::Multiple => write_choices(out, q, &qid, strings),
        QuestionKind::TrueFalse => write_true_false(out, &qid, strings),
        QuestionKind::Text => {
            let _ = write!(
                out,
                "  <p class=\"question__text-answer\"><label for=\"{qid}-input\">"
            );
            text(out, &strings.answer_label);
            let _ = writeln!(out, "</label> <input type=\"text\" id=\"{qid}-input\" name=\"{qid}\" autocomplete=\"off\" spellcheck=\"false\"></p>");
        }
    }
    let _ = write!(out, "  <p class=\"question__actions\"><button type=\"button\" class=\"button question__check\" data-question=\"{qid}\" hidden>");
    text(out, &strings.check);
    let _ = write!(
        out,
        "</button></p>\n  <div class=\"question__result\" id=\"{qid}-result\" role=\"status\"></div>\n"
    );
    if !q.explanation.is_empty() {
        let _ = write!(
            out,
            "  <div class=\"question__explanation\" id=\"{qid}-explanation\" hidden><p><strong>"
        );
        text(out, &strings.explanation);
        let _ = writeln!(out, "</strong> {}</p></div>", q.explanation);
    }
    out.push_str("</fieldset>\n");
}

fn write_choices(out: &mut String, q: &Question, qid: &str, strings: &QuizStrings) {
    let (hint, input) = match q.kind {
        QuestionKind::Single => (&strings.choose_one, "radio"),
        _ => (&strings.choose_all, "checkbox"),
    };
    let _ = write!(out, "  <p class=\"question__hint\" id=\"{qid}-hint\">");
    text(out, hint);
    out.push_str("</p>\n  <ul class=\"choices\">\n");
    for (index, choice) in page_order(q) {
        let n = index + 1;
        let _ = write!(
            out,
            "    <li class=\"choice\">\n      <input type=\"{input}\" id=\"{qid}-c{n}\" name=\"{qid}\" value=\"{index}\" data-correct=\"{}\" aria-describedby=\"{qid}-hint\">\n      <label for=\"{qid}-c{n}\">{}</label>\n",
            choice.correct, choice.text
        );
        if !choice.feedback.is_empty() {
            let _ = writeln!(
                out,
                "      <div class=\"choice__feedback\" id=\"{qid}-c{n}-feedback\" hidden>{}</div>",
                choice.feedback
            );
        }
        out.push_str("    </li>\n");
    }
    out.push_str("  </ul>\n");
}

/// The choices in the order the page lists them: the author's when pinned
/// (`shuffle: false`), else an order fixed by the question (each choice
/// sorted by a hash of the question id and its position), so the source of a
/// page does not give the author's order away (authors tend to write the
/// right answer first). quiz.js shuffles again for each attempt; the
/// inputs' values stay the author's positions.
fn page_order(q: &Question) -> Vec<(usize, &Choice)> {
    let mut order: Vec<(usize, &Choice)> = q.choices.iter().enumerate().collect();
    if q.shuffle {
        let seed = crate::ids::fnv1a(q.id.bytes().map(u32::from));
        order.sort_by_key(|(index, _)| crate::ids::fnv1a([seed, *index as u32]));
    }
    order
}

fn write_true_false(out: &mut String, qid: &str, strings: &QuizStrings) {
    out.push_str("  <ul class=\"choices choices--true-false\">\n");
    for (value, label) in [
        ("true", &strings.true_label),
        ("false", &strings.false_label),
    ] {
        let _ = write!(
            out,
            "    <li class=\"choice\"><input type=\"radio\" id=\"{qid}-{value}\" name=\"{qid}\" value=\"{value}\"><label for=\"{qid}-{value}\">"
        );
        text(out, label);
        out.push_str("</label></li>\n");
    }
    out.push_str("  </ul>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Choice;

    #[test]
    fn the_page_does_not_list_choices_in_the_authors_order_unless_pinned() {
        let mut firsts = 0;
        for n in 0..40 {
            let mut q = question(QuestionKind::Single);
            q.id = format!("q{n:08x}");
            q.choices.push(Choice {
                text: "C".into(),
                correct: false,
                feedback: String::new(),
            });
            let order: Vec<usize> = page_order(&q).iter().map(|(i, _)| *i).collect();
            assert_eq!(
                order,
                page_order(&q).iter().map(|(i, _)| *i).collect::<Vec<_>>()
            );
            firsts += usize::from(order[0] == 0);
            q.shuffle = false;
            let pinned: Vec<usize> = page_order(&q).iter().map(|(i, _)| *i).collect();
            assert_eq!(pinned, [0, 1, 2], "pinned: the author's order");
        }
        // About a third of 40 questions list the author's first choice first.
        assert!((4..=24).contains(&firsts), "{firsts} of 40 first");
    }

    fn strings() -> QuizStrings {
        QuizStrings {
            question: "問".into(),
            check: "回答する".into(),
            answer_label: "回答".into(),
            true_label: "正しい".into(),
            false_label: "誤り".into(),
            choose_one: "一つ".into(),
            choose_all: "すべて".into(),
            explanation: "解説".into(),
        }
    }

    fn question(kind: QuestionKind) -> Question {
        Question {
            id: "q00000000".into(),
            kind,
            prompt: "<em>P</em>".into(),
            choices: vec![
                Choice {
                    text: "A".into(),
                    correct: true,
                    feedback: "good".into(),
                },
                Choice {
                    text: "B".into(),
                    correct: false,
                    feedback: String::new(),
                },
            ],
            truth: Some(false),
            accepted: vec!["x\"y".into()],
            explanation: "because".into(),
            shuffle: true,
            ignore: String::new(),
            line: 0,
        }
    }

    fn body(quizzes: Vec<Vec<Question>>) -> Body {
        Body {
            parts: vec![
                BodyPart::Html("<p>one</p>\n".into()),
                BodyPart::Quiz(0),
                BodyPart::Html("<p>two</p>\n".into()),
                BodyPart::Quiz(1),
            ],
            quizzes,
            headings: Vec::new(),
            plain_text: String::new(),
            fragments: Vec::new(),
        }
    }

    #[test]
    fn questions_are_numbered_across_blocks_between_the_html_parts() {
        let html = body_html(
            &body(vec![
                vec![question(QuestionKind::Single), question(QuestionKind::Text)],
                vec![question(QuestionKind::TrueFalse)],
            ]),
            &strings(),
        );
        let one = html.find("<p>one</p>").expect("first part");
        let q1 = html.find("id=\"q1\"").expect("q1");
        let q2 = html.find("id=\"q2\"").expect("q2");
        let two = html.find("<p>two</p>").expect("second part");
        let q3 = html.find(
            "id=\"q3\" data-kind=\"true-false\" data-question-id=\"q00000000\" data-truth=\"false\"",
        );
        assert!(one < q1 && q1 < q2 && q2 < two && two < q3.expect("q3"));
        assert_eq!(html.matches("<fieldset").count(), 3);
        assert_eq!(html.matches("</fieldset>").count(), 3);
    }

    #[test]
    fn choices_carry_what_the_quiz_script_reads() {
        let html = body_html(
            &body(vec![vec![question(QuestionKind::Multiple)], Vec::new()]),
            &strings(),
        );
        assert!(html.contains("<input type=\"checkbox\" id=\"q1-c1\" name=\"q1\" value=\"0\" data-correct=\"true\" aria-describedby=\"q1-hint\">"));
        assert!(html.contains("data-correct=\"false\""));
        assert!(html.contains("id=\"q1-c1-feedback\" hidden>good</div>"));
        assert!(!html.contains("q1-c2-feedback"), "no empty feedback");
        assert!(html.contains("<p class=\"question__hint\" id=\"q1-hint\">すべて</p>"));
        assert!(html.contains("<legend class=\"question__prompt\"><span class=\"question__number\">問1</span> <em>P</em></legend>"));
        assert!(html.contains("id=\"q1-explanation\" hidden><p><strong>解説</strong> because</p>"));
    }

    #[test]
    fn accepted_answers_are_json_escaped_into_the_attribute() {
        let html = body_html(
            &body(vec![vec![question(QuestionKind::Text)], Vec::new()]),
            &strings(),
        );
        assert!(html.contains("data-accepted=\"[&quot;x\\&quot;y&quot;]\""));
        assert!(html.contains("<input type=\"text\" id=\"q1-input\" name=\"q1\""));
    }

    #[test]
    fn pinned_order_and_ignored_characters_become_attributes() {
        let mut pinned = question(QuestionKind::Single);
        pinned.shuffle = false;
        let mut loose = question(QuestionKind::Text);
        loose.ignore = "・ー".into();
        let html = body_html(&body(vec![vec![pinned, loose], Vec::new()]), &strings());
        assert!(html.contains("data-question-id=\"q00000000\" data-shuffle=\"false\">"));
        assert!(html.contains("data-ignore=\"・ー\""));
        let plain = body_html(
            &body(vec![vec![question(QuestionKind::Single)], Vec::new()]),
            &strings(),
        );
        assert!(!plain.contains("data-shuffle"), "shuffled by default");
    }

    #[test]
    fn ui_words_are_escaped() {
        let mut words = strings();
        words.check = "<b>&".into();
        let html = body_html(
            &body(vec![vec![question(QuestionKind::Single)], Vec::new()]),
            &words,
        );
        assert!(html.contains(">&lt;b&gt;&amp;</button>"));
        assert!(html.contains("type=\"radio\""));
    }
}
