//! Markdown to HTML, with the adapters the portal needs.
//!
//! pulldown-cmark does the parsing; small adapters over its event stream:
//! - take ```` ```quiz ```` blocks out of the flow, as text for the quiz
//!   reader (src/content/quiz.rs) — they become quiz forms,
//! - rewrite and check links ([`links`]),
//! - give headings ids and keep one `h1` per page ([`headings`]),
//! - escape raw HTML unless the site allows it,
//! - collect plain text for the search index.
//!
//! [`render_body`] makes a page's HTML; [`check_body`] walks the same events
//! for `kenshu check`, which wants the problems and nothing else.

mod headings;
mod inline;
mod lines;
mod links;

pub(crate) use headings::{slugify, Heading};
pub(crate) use inline::render_inline;
pub(crate) use links::{FragmentLink, LinkTargets};

use crate::diagnostics::{Diagnostic, Location};
use crate::messages::Message;
use lines::LineIndex;
use pulldown_cmark::{html, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::ops::Range;
use std::path::Path;

/// Plain text kept of one body for the search index: past this many bytes,
/// a body's text is not indexed.
const PLAIN_TEXT_LIMIT: usize = 200_000;

/// Everything the renderer needs to know about the file being rendered.
pub(crate) struct MarkdownInput<'a> {
    pub path: &'a Path,
    pub body: &'a str,
    pub first_line: usize,
    pub allow_html: bool,
    /// Relative path from the output page to the site root, e.g. `../../`.
    pub root_prefix: &'a str,
    pub targets: &'a LinkTargets,
}

/// A piece of a rendered body: HTML, or the place of a quiz block.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyPart {
    Html(String),
    Quiz(usize),
}

/// A ```` ```quiz ```` block as written, for the quiz reader.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QuizBlock {
    pub text: String,
    /// The file line of the block's first line (after the fence).
    pub first_line: usize,
}

/// A body as HTML, with what the page and the search index need of it.
#[derive(Debug, Default)]
pub(crate) struct RenderedBody {
    pub parts: Vec<BodyPart>,
    pub quizzes: Vec<QuizBlock>,
    pub headings: Vec<Heading>,
    pub plain_text: String,
    /// Links to headings, checked when every page's headings are known.
    pub fragments: Vec<FragmentLink>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What checking a body finds: its problems, and what later checks need.
#[derive(Debug, Default)]
pub(crate) struct CheckedBody {
    pub quizzes: Vec<QuizBlock>,
    pub headings: Vec<Heading>,
    pub fragments: Vec<FragmentLink>,
    pub diagnostics: Vec<Diagnostic>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Renders a module or page body.
pub(crate) fn render_body(input: &MarkdownInput) -> RenderedBody {
    let mut out = walk(input, true);
    // The site keeps every body until the end of the build: drop the slack
    // the strings grew with.
    out.plain_text.shrink_to_fit();
    for part in &mut out.parts {
        if let BodyPart::Html(html) = part {
            html.shrink_to_fit();
        }
    }
    out
}

/// Finds a body's problems without writing its HTML or collecting its text.
pub(crate) fn check_body(input: &MarkdownInput) -> CheckedBody {
    let out = walk(input, false);
    CheckedBody {
        quizzes: out.quizzes,
        headings: out.headings,
        fragments: out.fragments,
        diagnostics: out.diagnostics,
    }
}

/// The parser's events with their byte ranges in the body.
trait Events<'b>: Iterator<Item = (Event<'b>, Range<usize>)> {}
impl<'b, T: Iterator<Item = (Event<'b>, Range<usize>)>> Events<'b> for T {}

fn walk(input: &MarkdownInput, write: bool) -> RenderedBody {
    let parser = Parser::new_ext(input.body, options()).into_offset_iter();
    if !may_have_h1(input.body) {
        return run(BodyState::new(input, write, false), parser);
    }
    // Whether headings move down a level depends on an `h1` anywhere, so
    // the events are kept until that is known. Sized from the body (an
    // event per 20 bytes or so), so the vector does not grow copy by copy.
    let mut events: Vec<(Event, Range<usize>)> = Vec::with_capacity(input.body.len() / 16);
    events.extend(parser);
    let demote = events.iter().any(|(e, _)| {
        matches!(
            e,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })
        )
    });
    run(BodyState::new(input, write, demote), events.into_iter())
}

/// Walks the events: the HTML of each stretch between quiz blocks is
/// written by one HTML writer as the events come (a body of a million table
/// cells never holds them all), and each quiz block becomes a part of its own.
fn run<'b>(mut state: BodyState<'_, 'b>, mut events: impl Events<'b>) -> RenderedBody {
    loop {
        let stretch = Stretch {
            state: &mut state,
            events: &mut events,
        };
        let mut html = String::new();
        if stretch.state.write {
            html::push_html(&mut html, stretch);
        } else {
            stretch.for_each(drop);
        }
        if !html.is_empty() {
            state.out.parts.push(BodyPart::Html(html));
        }
        match state.quiz_at.take() {
            Some(index) => state.out.parts.push(BodyPart::Quiz(index)),
            None => return state.out,
        }
    }
}

/// The events of a body up to its next quiz block, as HTML is to be
/// written of them: the parser's, through the adapters.
struct Stretch<'s, 'a, 'b, I> {
    state: &'s mut BodyState<'a, 'b>,
    events: &'s mut I,
}

impl<'b, I: Events<'b>> Iterator for Stretch<'_, '_, 'b, I> {
    type Item = Event<'b>;

    fn next(&mut self) -> Option<Event<'b>> {
        loop {
            if let Some(event) = self.state.html_events.pop_front() {
                return Some(event);
            }
            if self.state.quiz_at.is_some() {
                return None;
            }
            let (event, range) = self.events.next()?;
            self.state.handle(event, range, self.events);
        }
    }
}

/// Whether a body may hold an `h1`: a lone `#` (not in `##`) followed by
/// a space, a tab or a line end, or a line (inside quotes and lists too) that starts with `=`
/// (a setext underline). A sure "no" lets the events stream through
/// without being kept; a "maybe" is settled by the parser.
fn may_have_h1(body: &str) -> bool {
    let bytes = body.as_bytes();
    let atx = memchr::memchr_iter(b'#', bytes).any(|at| {
        let alone = at == 0 || bytes[at - 1] != b'#';
        alone && matches!(bytes.get(at + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
    });
    // A setext underline needs a `=`; most bodies have none at all.
    atx || memchr::memchr(b'=', bytes).is_some()
        && body.lines().any(|line| {
            line.trim_start_matches([' ', '\t', '>', '-', '*', '+'])
                .starts_with('=')
        })
}

struct BodyState<'a, 'b> {
    input: &'b MarkdownInput<'a>,
    lines: LineIndex<'b>,
    out: RenderedBody,
    /// Events adapted and not yet written out.
    html_events: VecDeque<Event<'b>>,
    /// The quiz block just taken out of the flow, whose part comes next.
    quiz_at: Option<usize>,
    slugs: FxHashMap<String, usize>,
    demote: bool,
    /// Write HTML and collect plain text (false: find problems only).
    write: bool,
    /// Inside a code block, where `](` is code, not a broken link.
    in_code: bool,
    /// The last source line checked for an unparsed link (1-based; 0: none).
    checked_line: usize,
    /// The byte offsets of every `](` in the body, in order.
    link_openings: Vec<usize>,
}

/// Whether a fenced block's info string opens a quiz: `quiz` in any
/// letter case, so a ```` ```Quiz ```` block is not published as code with
/// its answers showing.
fn is_quiz_fence(info: &str) -> bool {
    info.split_whitespace()
        .next()
        .is_some_and(|word| word.eq_ignore_ascii_case("quiz"))
}

/// Whether a fenced block (its source, from the opening fence on) ends
/// with a closing fence: Markdown closes an unclosed one at the end of the
/// document instead.
fn is_closed_fence(block: &str) -> bool {
    let opening = block.trim_start();
    let mark = opening.chars().next().unwrap_or('`');
    let width = opening.chars().take_while(|&c| c == mark).count();
    let mut lines = block.trim_end().lines();
    lines.next();
    lines.next_back().is_some_and(|last| {
        let last = last.trim();
        last.chars().take_while(|&c| c == mark).count() >= width
            && last.trim_start_matches(mark).is_empty()
    })
}

impl<'a, 'b> BodyState<'a, 'b> {
    fn new(input: &'b MarkdownInput<'a>, write: bool, demote: bool) -> Self {
        BodyState {
            input,
            lines: LineIndex::new(input.body, input.first_line),
            out: RenderedBody {
                plain_text: String::with_capacity(if write { input.body.len() } else { 0 }),
                ..RenderedBody::default()
            },
            html_events: VecDeque::new(),
            quiz_at: None,
            slugs: FxHashMap::default(),
            demote,
            write,
            in_code: false,
            checked_line: 0,
            link_openings: memchr::memmem::find_iter(input.body.as_bytes(), b"](").collect(),
        }
    }
}

impl<'b> BodyState<'_, 'b> {
    fn handle(&mut self, event: Event<'b>, range: Range<usize>, rest: &mut impl Events<'b>) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if is_quiz_fence(&info) => {
                self.take_quiz(range, rest);
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => self.heading(level, id, classes, attrs, rest),
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                let tag = self.link(tag, range.start);
                self.html_events.push_back(Event::Start(tag));
            }
            Event::Html(text) | Event::InlineHtml(text) if !self.input.allow_html => {
                self.html_events.push_back(Event::Text(text));
            }
            Event::Text(ref text) => {
                if !self.in_code {
                    self.check_unparsed_link(range.start);
                }
                self.push_text(text);
                self.html_events.push_back(event);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                self.in_code = true;
                self.html_events.push_back(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code = false;
                self.html_events.push_back(event);
            }
            Event::Code(ref text) => {
                self.push_text(text);
                self.html_events.push_back(event);
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Item) => {
                self.out.plain_text.push(' ');
                self.html_events.push_back(event);
            }
            other => self.html_events.push_back(other),
        }
    }

    /// Appends `text` to the plain text, up to its size limit; returns
    /// where it starts there, if it was kept.
    fn push_text(&mut self, text: &str) -> Option<usize> {
        let start = self.out.plain_text.len();
        let kept = start < PLAIN_TEXT_LIMIT && self.write;
        if kept {
            self.out.plain_text.push_str(text);
        }
        kept.then_some(start)
    }

    /// Takes a quiz block's text out of the flow and marks its place.
    fn take_quiz(&mut self, range: Range<usize>, rest: &mut impl Events<'b>) {
        let mut text = String::new();
        for (event, _) in rest.by_ref() {
            match event {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(t) => text.push_str(&t),
                _ => {}
            }
        }
        let fence = self.lines.locate(range.start);
        let fence_line = fence.line;
        if !is_closed_fence(&self.input.body[range]) {
            // Everything after it would be read as questions.
            self.report(fence, crate::msg!("quiz.unclosed"));
            return;
        }
        self.out.quizzes.push(QuizBlock {
            text,
            first_line: fence_line + 1,
        });
        self.quiz_at = Some(self.out.quizzes.len() - 1);
    }

    fn report(&mut self, location: Location, message: Message) {
        self.out
            .diagnostics
            .push(Diagnostic::error(self.input.path, location, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn render(body: &str, targets: &LinkTargets) -> RenderedBody {
        render_body(&MarkdownInput {
            path: Path::new("content/modules/a/x.md"),
            body,
            first_line: 5,
            allow_html: false,
            root_prefix: "../../",
            targets,
        })
    }

    #[test]
    fn rewrites_module_links_and_reports_broken_ones() {
        let mut targets = LinkTargets::default();
        targets.pages.insert(
            PathBuf::from("content/modules/b/y.md"),
            "modules/y/index.html".into(),
        );
        let out = render("[ok](../b/y.md#s)\n\n[bad](../b/z.md)\n", &targets);
        let BodyPart::Html(html) = &out.parts[0] else {
            panic!()
        };
        assert!(
            html.contains("href=\"../../modules/y/index.html#s\""),
            "{html}"
        );
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(out.diagnostics[0].location, Location::new(7, 1));
    }

    #[test]
    fn a_quiz_fence_in_any_letter_case_is_a_quiz() {
        for fence in ["Quiz", "QUIZ", "quiz title"] {
            let body = format!("```{fence}\n- question: q\n  answer: true\n```\n");
            let out = render(&body, &LinkTargets::default());
            assert_eq!(out.parts, [BodyPart::Quiz(0)], "{fence}");
        }
        let out = render("```quizzes\nx\n```\n", &LinkTargets::default());
        assert!(out.quizzes.is_empty());
    }

    #[test]
    fn escapes_raw_html_and_splits_out_quizzes() {
        let out = render(
            "<b>x</b>\n\n```quiz\n- question: q\n  answer: true\n```\nafter\n",
            &LinkTargets::default(),
        );
        assert_eq!(out.parts.len(), 3);
        assert_eq!(out.parts[1], BodyPart::Quiz(0));
        assert_eq!(
            out.quizzes,
            [QuizBlock {
                text: "- question: q\n  answer: true\n".into(),
                first_line: 8
            }]
        );
        let BodyPart::Html(html) = &out.parts[0] else {
            panic!()
        };
        assert!(html.contains("&lt;b&gt;"), "{html}");
    }

    #[test]
    fn an_h1_is_seen_wherever_it_may_be() {
        for body in [
            "# a",
            "x\n> # a",
            "- # a",
            "#",
            "a\n===",
            "> a\n> ===",
            "C# と #\tx",
        ] {
            assert!(may_have_h1(body), "{body:?}");
        }
        for body in ["## a", "C#の基本", "a = b", "###\tx", "a\n---"] {
            assert!(!may_have_h1(body), "{body:?}");
        }
        let out = render("> # 引用の見出し\n\n## 次\n", &LinkTargets::default());
        let levels: Vec<_> = out.headings.iter().map(|h| h.level).collect();
        assert_eq!(levels, [2, 3], "an h1 in a quote demotes too");
    }

    #[test]
    fn a_long_body_streamed_through_is_the_html_of_the_whole() {
        let body = "段落 *強調* と `code`[^1]\n\n- 項目\n- 項目\n\n".repeat(5000) + "[^1]: 注\n";
        let out = render(&body, &LinkTargets::default());
        let mut whole = String::new();
        html::push_html(&mut whole, Parser::new_ext(&body, options()));
        assert_eq!(out.parts, [BodyPart::Html(whole)]);
    }

    #[test]
    fn headings_get_ids_and_h1_is_demoted() {
        let out = render("# 概要\n\n## 概要\n", &LinkTargets::default());
        let ids: Vec<_> = out
            .headings
            .iter()
            .map(|h| (h.level, h.id.as_str()))
            .collect();
        assert_eq!(ids, [(2, "概要"), (3, "概要-2")]);
    }
}
