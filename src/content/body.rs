//! Bodies: the Markdown after a file's front matter, read for a build
//! ([`Body`]: HTML, quizzes with rendered texts, search text) or for a
//! check ([`Outline`]: problems, questions as written, headings).

use super::quiz::{self, Question, QuestionKind};
use super::SourceFile;
use crate::diagnostics::{Diagnostic, Location};
use crate::markdown::{
    self, BodyPart, FragmentLink, Heading, LinkTargets, MarkdownInput, QuizBlock,
};
use crate::msg;
use std::path::Path;

/// A body as a build keeps it: HTML with its quizzes, ready for templates.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub parts: Vec<BodyPart>,
    /// Quiz blocks in order; question texts are rendered to HTML.
    pub quizzes: Vec<Vec<Question>>,
    pub headings: Vec<Heading>,
    pub plain_text: String,
    /// Links to headings, checked once all bodies are rendered.
    pub fragments: Vec<FragmentLink>,
}

/// A body as `kenshu check` keeps it: no HTML and no search text, only
/// what the site-wide checks and the records need — the questions as
/// written (their ids are the same as a build's) and the headings.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    pub quizzes: Vec<Vec<Question>>,
    pub headings: Vec<Heading>,
    pub fragments: Vec<FragmentLink>,
}

/// What a loaded site keeps of each body: a [`Body`] for a build, an
/// [`Outline`] for a check.
pub trait BodyKind: Sized + Send {
    /// Reads the body of `file` from its line `first_line` on.
    fn read(
        file: &SourceFile,
        first_line: usize,
        options: BodyOptions,
        targets: &LinkTargets,
    ) -> (Self, Vec<Diagnostic>);
    fn headings(&self) -> &[Heading];
    fn fragments(&self) -> &[FragmentLink];
    fn quizzes(&self) -> &[Vec<Question>];

    fn question_count(&self) -> usize {
        self.quizzes().iter().map(Vec::len).sum()
    }
}

/// How a body is read.
#[derive(Debug, Clone, Copy)]
pub struct BodyOptions<'a> {
    /// Leads from the body's page back to the site root.
    pub root_prefix: &'a str,
    pub allow_html: bool,
}

impl<'a> BodyOptions<'a> {
    fn markdown(
        &self,
        file: &'a SourceFile,
        first_line: usize,
        targets: &'a LinkTargets,
    ) -> MarkdownInput<'a> {
        MarkdownInput {
            path: &file.path,
            body: body_of(&file.text, first_line),
            first_line,
            allow_html: self.allow_html,
            root_prefix: self.root_prefix,
            targets,
        }
    }
}

impl BodyKind for Body {
    fn read(
        file: &SourceFile,
        first_line: usize,
        options: BodyOptions,
        targets: &LinkTargets,
    ) -> (Body, Vec<Diagnostic>) {
        let rendered = markdown::render_body(&options.markdown(file, first_line, targets));
        let mut diagnostics = rendered.diagnostics;
        let quizzes = read_quizzes(&file.path, rendered.quizzes, &mut diagnostics)
            .into_iter()
            .map(|block| {
                block
                    .into_iter()
                    .map(|q| render_question(q, options.allow_html))
                    .collect()
            })
            .collect();
        let body = Body {
            parts: rendered.parts,
            quizzes,
            headings: rendered.headings,
            plain_text: rendered.plain_text,
            fragments: rendered.fragments,
        };
        (body, diagnostics)
    }

    fn headings(&self) -> &[Heading] {
        &self.headings
    }

    fn fragments(&self) -> &[FragmentLink] {
        &self.fragments
    }

    fn quizzes(&self) -> &[Vec<Question>] {
        &self.quizzes
    }
}

impl BodyKind for Outline {
    fn read(
        file: &SourceFile,
        first_line: usize,
        options: BodyOptions,
        targets: &LinkTargets,
    ) -> (Outline, Vec<Diagnostic>) {
        let checked = markdown::check_body(&options.markdown(file, first_line, targets));
        let mut diagnostics = checked.diagnostics;
        let outline = Outline {
            quizzes: read_quizzes(&file.path, checked.quizzes, &mut diagnostics),
            headings: checked.headings,
            fragments: checked.fragments,
        };
        (outline, diagnostics)
    }

    fn headings(&self) -> &[Heading] {
        &self.headings
    }

    fn fragments(&self) -> &[FragmentLink] {
        &self.fragments
    }

    fn quizzes(&self) -> &[Vec<Question>] {
        &self.quizzes
    }
}

/// The questions of each quiz block; a block with errors has none.
/// Question ids are given over the whole module, so that a question in
/// one block never shares the id of one in another.
fn read_quizzes(
    path: &Path,
    blocks: Vec<QuizBlock>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Vec<Question>> {
    let mut quizzes: Vec<Vec<Question>> = blocks
        .into_iter()
        .map(
            |block| match quiz::parse_block(path, &block.text, block.first_line) {
                Ok(questions) => questions,
                Err(problems) => {
                    diagnostics.extend(problems);
                    Vec::new()
                }
            },
        )
        .collect();
    let prompts: Vec<&str> = quizzes
        .iter()
        .flatten()
        .map(|q| q.prompt.as_str())
        .collect();
    let ids = quiz::question_ids(prompts);
    for (question, id) in quizzes.iter_mut().flatten().zip(ids) {
        question.id = id;
    }
    check_module_questions(path, quizzes.iter().flatten(), diagnostics);
    quizzes
}

/// A question asked twice in one module (the second is an error: a copy
/// left behind), and one whose choices are all right (a warning: choosing
/// everything passes it).
fn check_module_questions<'q>(
    path: &Path,
    questions: impl Iterator<Item = &'q Question>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // Prompts as their ids see them (trimmed; NFC is checked on reading).
    let mut seen: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    for question in questions {
        let at = Location::new(question.line, 1);
        match seen.get(question.prompt.trim()) {
            Some(&first) => {
                let message = msg!("quiz.duplicate-question", line = first);
                diagnostics.push(Diagnostic::error(path, at, message));
            }
            None => {
                seen.insert(question.prompt.trim(), question.line);
            }
        }
        let all_right = question.choices.iter().all(|c| c.correct);
        if question.kind == QuestionKind::Multiple && all_right {
            diagnostics.push(Diagnostic::warning(path, at, msg!("quiz.all-correct")));
        }
    }
}

/// The text from the given file line on.
fn body_of(text: &str, first_line: usize) -> &str {
    let mut offset = 0;
    for _ in 1..first_line {
        match text[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => return "",
        }
    }
    &text[offset..]
}

fn render_question(mut q: Question, allow_html: bool) -> Question {
    let render = |text: &mut String| {
        *text = markdown::render_inline(std::mem::take(text), allow_html);
    };
    render(&mut q.prompt);
    render(&mut q.explanation);
    for choice in &mut q.choices {
        render(&mut choice.text);
        render(&mut choice.feedback);
    }
    q
}
