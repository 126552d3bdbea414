//! Each module's self-check questions as a Moodle XML question file.
//!
//! One file per module with questions, `<module-id>.xml`: a `category`
//! question first (`$course$/top/<site title>/<module title>`, so an import
//! puts each module's questions in a category of its own), then one question
//! per self-check question, its texts as HTML:
//! - one correct choice → `multichoice` with `<single>true</single>`, the
//!   right answer 100 %, the others 0;
//! - several → `multichoice` with `<single>false</single>`, each right answer
//!   100 / n % and each wrong one −100 %: any wrong choice gives 0, as on the
//!   portal, but (unlike the portal) some of the right ones alone give part
//!   of the mark, the nearest core Moodle's question types come;
//! - true/false → `truefalse`; text → `shortanswer`, each accepted answer
//!   100 % (also without its `ignore:` characters, which Moodle cannot
//!   leave out itself: a warning says so).
//!
//! A question with more than ten right choices is refused: Moodle grades
//! each right choice 100 / n % only from a fixed list of grades.
//!
//! Choice feedback goes to each answer's `<feedback>`, the explanation to
//! `<generalfeedback>`. Choices keep the author's order (`shuffleanswers` 0).

use super::{checked_site, write_file, ExportError};
use crate::content::{Question, QuestionKind};
use crate::diagnostics::Diagnostics;
use crate::package::xml_escape as escape;
use crate::site::{Module, Site};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Writes one file per module with questions into `out` (default
/// `<root>/moodle/questions`); returns the folder, the files written and
/// the number of questions.
pub fn export_questions(
    root: &Path,
    out: Option<PathBuf>,
) -> Result<(PathBuf, usize, usize, Diagnostics), ExportError> {
    let (site, mut diagnostics) = checked_site(root)?;
    check_for_moodle(&site, &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(ExportError::Invalid(diagnostics));
    }
    let dir = out.unwrap_or_else(|| root.join("moodle/questions"));
    crate::output::check_outside_sources(root, &dir).map_err(ExportError::Write)?;
    let mut files = 0;
    let mut questions = 0;
    for module in &site.modules {
        let count: usize = module.body.quizzes.iter().map(Vec::len).sum();
        if count == 0 {
            continue;
        }
        let xml = module_xml(&site, module);
        let path = dir.join(format!("{}.xml", module.id));
        write_file(&path, xml.as_bytes(), QUIZ_START.as_bytes())?;
        files += 1;
        questions += count;
    }
    Ok((dir, files, questions, diagnostics))
}

/// Most right choices of a question Moodle can grade: each gets 100 / n %,
/// and Moodle takes only the grades of its list (1/2 … 1/10 of 100 %).
const MOST_RIGHT_CHOICES: usize = 10;

/// What Moodle cannot take as the portal has it: a question with more
/// than [`MOST_RIGHT_CHOICES`] right choices (an error), and `ignore:`,
/// which Moodle's short answers do not have (a warning: the answers are
/// written also without the ignored characters).
fn check_for_moodle(site: &Site, diagnostics: &mut Diagnostics) {
    use crate::diagnostics::{Diagnostic, Location};
    use crate::msg;
    for module in &site.modules {
        for q in module.body.quizzes.iter().flatten() {
            let at = Location::new(q.line, 1);
            let right = q.choices.iter().filter(|c| c.correct).count();
            if right > MOST_RIGHT_CHOICES {
                let message = msg!(
                    "export.too-many-right",
                    count = right,
                    max = MOST_RIGHT_CHOICES
                );
                diagnostics.push(Diagnostic::error(&module.path, at, message));
            }
            if !q.ignore.is_empty() {
                let message = msg!("export.ignore-approximated", ignore = &q.ignore);
                diagnostics.push(Diagnostic::warning(&module.path, at, message));
            }
        }
    }
}

/// A text question's answers for Moodle: each as written and, when it
/// holds characters of `ignore:`, also without them.
fn moodle_answers(q: &Question) -> Vec<String> {
    let mut answers: Vec<String> = Vec::new();
    for accepted in &q.accepted {
        let stripped: String = accepted
            .chars()
            .filter(|c| !q.ignore.contains(*c))
            .collect();
        for answer in [accepted.clone(), stripped] {
            if !answer.trim().is_empty() && !answers.contains(&answer) {
                answers.push(answer);
            }
        }
    }
    answers
}

/// How every question file kenshu writes begins.
const QUIZ_START: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n  <question type=\"category\">";

pub(crate) fn module_xml(site: &Site, module: &Module) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let category = format!(
        "$course$/top/{}/{}",
        category_name(&site.config.title),
        category_name(&module.title)
    );
    let _ = writeln!(
        out,
        "  <question type=\"category\">\n    <category><text>{}</text></category>\n    \
         <info format=\"html\"><text>{}</text></info>\n  </question>",
        escape(&category),
        escape(&module.summary)
    );
    let all = module.body.quizzes.iter().flatten();
    for (index, question) in all.enumerate() {
        write_question(&mut out, &module.id, index + 1, question);
    }
    out.push_str("</quiz>\n");
    out
}

/// A category path segment: Moodle reads `/` as a separator and `//` as a slash.
fn category_name(name: &str) -> String {
    name.replace('/', "//")
}

fn write_question(out: &mut String, module_id: &str, number: usize, q: &Question) {
    let kind = match q.kind {
        QuestionKind::Single | QuestionKind::Multiple => "multichoice",
        QuestionKind::TrueFalse => "truefalse",
        QuestionKind::Text => "shortanswer",
    };
    let _ = writeln!(
        out,
        "  <question type=\"{kind}\">\n    <name><text>{id} 問{number}</text></name>\n    \
         <questiontext format=\"html\"><text>{}</text></questiontext>\n    \
         <generalfeedback format=\"html\"><text>{}</text></generalfeedback>\n    \
         <defaultgrade>1</defaultgrade>\n    <penalty>0</penalty>\n    <hidden>0</hidden>\n    \
         <idnumber>{id}-q{number}</idnumber>",
        escape(&q.prompt),
        escape(&q.explanation),
        id = escape(module_id)
    );
    match q.kind {
        QuestionKind::Single | QuestionKind::Multiple => write_choices(out, q),
        QuestionKind::TrueFalse => {
            let truth = q.truth == Some(true);
            for (text, value) in [("true", true), ("false", false)] {
                let fraction = if value == truth { 100 } else { 0 };
                let _ = writeln!(out, "    <answer fraction=\"{fraction}\" format=\"moodle_auto_format\"><text>{text}</text><feedback format=\"html\"><text></text></feedback></answer>");
            }
        }
        QuestionKind::Text => {
            out.push_str("    <usecase>0</usecase>\n");
            for accepted in &moodle_answers(q) {
                // Moodle reads `*` in a short answer as "anything".
                let literal = accepted.replace('*', "\\*");
                let _ = writeln!(out, "    <answer fraction=\"100\" format=\"moodle_auto_format\"><text>{}</text><feedback format=\"html\"><text></text></feedback></answer>", escape(&literal));
            }
        }
    }
    out.push_str("  </question>\n");
}

fn write_choices(out: &mut String, q: &Question) {
    let right = q.choices.iter().filter(|c| c.correct).count().max(1);
    let single = right == 1 && q.kind == QuestionKind::Single;
    let _ = writeln!(
        out,
        "    <single>{single}</single>\n    <shuffleanswers>{}</shuffleanswers>\n    <answernumbering>abc</answernumbering>",
        u8::from(q.shuffle)
    );
    for choice in &q.choices {
        let fraction = match (choice.correct, single) {
            (true, _) => fraction_text(100.0 / right as f64),
            (false, true) => "0".to_string(),
            (false, false) => "-100".to_string(),
        };
        let _ = writeln!(
            out,
            "    <answer fraction=\"{fraction}\" format=\"html\"><text>{}</text><feedback format=\"html\"><text>{}</text></feedback></answer>",
            escape(&choice.text),
            escape(&choice.feedback)
        );
    }
}

/// A percentage as Moodle lists its grades: up to five decimals, no trailing zeros.
fn fraction_text(percent: f64) -> String {
    let text = format!("{percent:.5}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_are_written_like_moodles_grade_list() {
        assert_eq!(fraction_text(100.0), "100");
        assert_eq!(fraction_text(50.0), "50");
        assert_eq!(fraction_text(100.0 / 3.0), "33.33333");
        assert_eq!(fraction_text(100.0 / 7.0), "14.28571");
    }

    #[test]
    fn slashes_in_category_names_are_doubled() {
        assert_eq!(category_name("AI/データ"), "AI//データ");
    }
}
