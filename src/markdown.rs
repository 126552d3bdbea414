//! Markdown to HTML, with the adapters the portal needs.
//!
//! pulldown-cmark does the parsing; small adapters over its event stream:
//! - take ```` ```quiz ```` blocks out of the flow (they become quiz forms),
//! - rewrite relative links to other `.md` files into links to their pages,
//!   and links to files beside a module into links to the copied media,
//!   reporting the ones that lead nowhere,
//! - give headings ids and keep one `h1` per page (the page title),
//! - escape raw HTML unless the site allows it,
//! - collect plain text for the search index.

use crate::content::quiz::{self, Question};
use crate::diagnostics::{Diagnostic, Location};
use crate::messages::Message;
use crate::msg;
use pulldown_cmark::{
    html, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// Where relative links may lead: pages made from `.md` files, and media files.
#[derive(Debug, Default, Clone)]
pub struct LinkTargets {
    /// Source path (`content/modules/a.md`) → URL relative to the site root.
    pub pages: HashMap<PathBuf, String>,
    /// Non-Markdown files under content/ that are copied to `media/`.
    pub media: HashSet<PathBuf>,
    /// Files under content/static, published at the same path under the root.
    pub statics: HashSet<PathBuf>,
    /// Modules left out because they are drafts.
    pub drafts: HashSet<PathBuf>,
    /// The site root, to tell a file that exists but is not published.
    pub root: PathBuf,
}

/// Everything the renderer needs to know about the file being rendered.
pub struct MarkdownInput<'a> {
    pub path: &'a Path,
    pub body: &'a str,
    pub first_line: usize,
    pub allow_html: bool,
    /// Relative path from the output page to the site root, e.g. `../../`.
    pub root_prefix: &'a str,
    pub targets: &'a LinkTargets,
    /// Report problems only: write no HTML and collect no plain text.
    pub check_only: bool,
}

/// A piece of a rendered body: HTML, or the place of a quiz block.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyPart {
    Html(String),
    Quiz(usize),
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct RenderedBody {
    pub parts: Vec<BodyPart>,
    pub quizzes: Vec<Vec<Question>>,
    pub headings: Vec<Heading>,
    pub plain_text: String,
    pub media: Vec<PathBuf>,
    /// Links to headings, checked when every page's headings are known.
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
pub fn render_body(input: &MarkdownInput) -> RenderedBody {
    let lines = LineIndex::new(input.body, input.first_line);
    let events: Vec<(Event, std::ops::Range<usize>)> = Parser::new_ext(input.body, options())
        .into_offset_iter()
        .collect();
    let demote = events.iter().any(|(e, _)| {
        matches!(
            e,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })
        )
    });
    let mut state = BodyState {
        input,
        lines,
        out: RenderedBody::default(),
        html_events: Vec::new(),
        slugs: HashMap::new(),
        demote,
        in_code: false,
        checked_line: 0,
    };
    let mut iter = events.into_iter();
    while let Some((event, range)) = iter.next() {
        state.handle(event, range, &mut iter);
    }
    state.flush();
    // The site keeps every body until the end of the build: drop the slack
    // the strings grew with.
    state.out.plain_text.shrink_to_fit();
    state.out
}

struct BodyState<'a, 'b> {
    input: &'b MarkdownInput<'a>,
    lines: LineIndex<'b>,
    out: RenderedBody,
    html_events: Vec<Event<'b>>,
    slugs: HashMap<String, usize>,
    demote: bool,
    /// Inside a code block, where `](` is code, not a broken link.
    in_code: bool,
    /// The last source line checked for an unparsed link.
    checked_line: usize,
}

impl<'a, 'b> BodyState<'a, 'b> {
    fn handle(
        &mut self,
        event: Event<'b>,
        range: std::ops::Range<usize>,
        rest: &mut impl Iterator<Item = (Event<'b>, std::ops::Range<usize>)>,
    ) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("quiz") =>
            {
                self.take_quiz(range, rest);
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => self.heading(level, id, classes, attrs, rest),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.resolve(dest_url, range.start, false);
                self.html_events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.resolve(dest_url, range.start, true);
                self.html_events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Html(text) | Event::InlineHtml(text) if !self.input.allow_html => {
                self.html_events.push(Event::Text(text));
            }
            Event::Text(ref text) => {
                if !self.in_code {
                    self.check_unparsed_link(range.start);
                }
                self.push_text(text);
                self.html_events.push(event);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                self.in_code = true;
                self.html_events.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code = false;
                self.html_events.push(event);
            }
            Event::Code(ref text) => {
                self.push_text(text);
                self.html_events.push(event);
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph)
            | Event::End(TagEnd::Item) => {
                self.out.plain_text.push(' ');
                self.html_events.push(event);
            }
            other => self.html_events.push(other),
        }
    }

    fn push_text(&mut self, text: &str) {
        if self.out.plain_text.len() < 200_000 && !self.input.check_only {
            self.out.plain_text.push_str(text);
        }
    }

    /// Renders a heading with an id, one level lower when the body has an `h1`.
    fn heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'b>>,
        classes: Vec<CowStr<'b>>,
        attrs: Vec<(CowStr<'b>, Option<CowStr<'b>>)>,
        rest: &mut impl Iterator<Item = (Event<'b>, std::ops::Range<usize>)>,
    ) {
        let mut inner = Vec::new();
        let mut text = String::new();
        for (event, _) in rest.by_ref() {
            match event {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(ref t) | Event::Code(ref t) => {
                    text.push_str(t);
                    inner.push(event);
                }
                Event::Html(t) | Event::InlineHtml(t) if !self.input.allow_html => {
                    inner.push(Event::Text(t))
                }
                other => inner.push(other),
            }
        }
        let level = if self.demote { demote(level) } else { level };
        let id = id
            .map(|i| i.to_string())
            .unwrap_or_else(|| self.unique_slug(&text));
        self.out.headings.push(Heading {
            level: level as u8,
            id: id.clone(),
            text: text.clone(),
        });
        self.push_text(&text);
        self.out.plain_text.push(' ');
        self.html_events.push(Event::Start(Tag::Heading {
            level,
            id: Some(id.into()),
            classes,
            attrs,
        }));
        self.html_events.extend(inner);
        self.html_events.push(Event::End(TagEnd::Heading(level)));
    }

    fn unique_slug(&mut self, text: &str) -> String {
        let base = slugify(text);
        let count = self.slugs.entry(base.clone()).or_insert(0);
        *count += 1;
        if *count == 1 {
            base
        } else {
            format!("{base}-{count}")
        }
    }

    fn take_quiz(
        &mut self,
        range: std::ops::Range<usize>,
        rest: &mut impl Iterator<Item = (Event<'b>, std::ops::Range<usize>)>,
    ) {
        let mut text = String::new();
        for (event, _) in rest.by_ref() {
            match event {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(t) => text.push_str(&t),
                _ => {}
            }
        }
        let fence_line = self.lines.locate(range.start).line;
        let blank_index = self.out.quizzes.len();
        match quiz::parse_block(self.input.path, &text, fence_line + 1) {
            Ok(questions) => self.out.quizzes.push(questions),
            Err(problems) => {
                self.out.diagnostics.extend(problems);
                self.out.quizzes.push(Vec::new());
            }
        }
        self.flush();
        self.out.parts.push(BodyPart::Quiz(blank_index));
    }

    fn flush(&mut self) {
        if self.html_events.is_empty() {
            return;
        }
        if self.input.check_only {
            self.html_events.clear();
            return;
        }
        let mut html = String::new();
        html::push_html(&mut html, self.html_events.drain(..));
        html.shrink_to_fit();
        self.out.parts.push(BodyPart::Html(html));
    }

    /// Rewrites a relative link; reports it when its target does not exist.
    fn resolve(&mut self, dest: CowStr<'b>, offset: usize, is_image: bool) -> CowStr<'b> {
        let location = self.lines.locate(offset);
        if let Some(scheme) = script_scheme(&dest) {
            let message = msg!("link.script", scheme = scheme);
            self.report(location, message);
            return "#".into();
        }
        if is_external(&dest) || dest.is_empty() {
            return dest;
        }
        if let Some(fragment) = dest.strip_prefix('#') {
            let fragment = decode(fragment);
            self.out.fragments.push(FragmentLink {
                target: None,
                fragment,
                location,
            });
            return dest;
        }
        let (target, fragment) = match dest.split_once('#') {
            Some((t, f)) => (t, Some(f)),
            None => (&*dest, None),
        };
        let target = decode(target);
        if target.contains('\\') {
            self.report(
                location,
                msg!(
                    "link.backslash",
                    dest = &*dest,
                    fixed = target.replace('\\', "/")
                ),
            );
            return dest;
        }
        if target.starts_with('/') {
            self.report(location, msg!("link.absolute", dest = &*dest));
            return dest;
        }
        let base = self.input.path.parent().unwrap_or(Path::new(""));
        let joined = base.join(&target);
        if escapes(&joined) {
            self.report(location, msg!("link.outside", dest = &*dest));
            return dest;
        }
        let resolved = normalize(&joined);
        let suffix = fragment.map(|f| format!("#{f}")).unwrap_or_default();
        let targets = self.input.targets;
        if let Some(url) = targets.pages.get(&resolved) {
            if let Some(fragment) = fragment {
                self.out.fragments.push(FragmentLink {
                    target: Some(resolved.clone()),
                    fragment: decode(fragment),
                    location,
                });
            }
            return format!("{}{}{}", self.input.root_prefix, url, suffix).into();
        }
        let url = if targets.media.contains(&resolved) {
            self.out.media.push(resolved.clone());
            Some(media_url(&resolved))
        } else if targets.statics.contains(&resolved) {
            Some(static_url(&resolved))
        } else {
            None
        };
        if let Some(url) = url {
            return format!("{}{}{}", self.input.root_prefix, url, suffix).into();
        }
        let looked_for = resolved.display().to_string();
        let message = if targets.drafts.contains(&resolved) {
            msg!("link.draft", dest = &*dest)
        } else if targets.root.join(&resolved).exists() {
            msg!("link.not-published", dest = &*dest, path = looked_for)
        } else if is_image {
            msg!("link.missing-image", dest = &*dest, path = looked_for)
        } else if target.ends_with(".md") {
            msg!("link.missing-page", dest = &*dest, path = looked_for)
        } else {
            msg!("link.missing-file", dest = &*dest, path = looked_for)
        };
        self.report(location, message);
        dest
    }

    /// `![図](構成図 (1).png)`: a destination with spaces is not a link in
    /// Markdown and would be printed as text; say how to write it.
    fn check_unparsed_link(&mut self, offset: usize) {
        let line_no = self.lines.locate(offset).line;
        if line_no == self.checked_line {
            return;
        }
        self.checked_line = line_no;
        let line_start = self.input.body[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.input.body[offset..]
            .find('\n')
            .map_or(self.input.body.len(), |i| offset + i);
        let line = &self.input.body[line_start..line_end];
        let mut search = 0;
        while let Some(found) = line[search..].find("](") {
            let open = search + found;
            let dest = balanced_destination(&line[open + 2..]);
            search = open + 2;
            let title = dest
                .split_once(' ')
                .is_some_and(|(_, rest)| rest.starts_with(['"', '\'']));
            if dest.contains(' ') && !dest.starts_with('<') && !title {
                let location = self.lines.locate(line_start + open);
                let fixed = dest.replace(' ', "%20");
                self.report(location, msg!("link.spaces", dest = dest, fixed = fixed));
            }
        }
    }

    fn report(&mut self, location: Location, message: Message) {
        self.out
            .diagnostics
            .push(Diagnostic::error(self.input.path, location, message));
    }
}

/// A link to a heading (`#見出し`, `page.md#見出し`), checked once every
/// page's headings are known.
#[derive(Debug, Clone)]
pub struct FragmentLink {
    /// The linked source file, or `None` for this file.
    pub target: Option<PathBuf>,
    pub fragment: String,
    pub location: Location,
}

/// The text up to the `)` that closes a link destination (parentheses
/// inside it balanced, as in `構成図 (1).png`).
fn balanced_destination(text: &str) -> &str {
    let mut depth = 1;
    for (index, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[..index];
                }
            }
            _ => {}
        }
    }
    text
}

/// `javascript:`, `vbscript:` or `data:` (any case, spaces and control
/// characters ignored as browsers do): links that run code or hide content
/// when the portal is opened from a shared folder, where no CSP applies.
fn script_scheme(dest: &str) -> Option<String> {
    let cleaned: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .into_iter()
        .find(|scheme| cleaned.starts_with(scheme))
        .map(|scheme| scheme.trim_end_matches(':').to_string())
}

/// A percent-encoded URL part as text.
pub(crate) fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .to_string()
}

/// Whether `..` leads above the site root.
fn escapes(path: &Path) -> bool {
    let mut depth: i64 = 0;
    for component in path.components() {
        match component {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// URL (relative to the site root) of a file under content/static.
pub fn static_url(source: &Path) -> String {
    let inner = source
        .strip_prefix(crate::content::STATIC_DIR)
        .unwrap_or(source);
    encode_path(inner)
}

fn encode_path(path: &Path) -> String {
    let encoded: Vec<String> = path
        .components()
        .map(|c| {
            let segment = c.as_os_str().to_string_lossy();
            percent_encoding::utf8_percent_encode(&segment, URL_SEGMENT).to_string()
        })
        .collect();
    encoded.join("/")
}

/// Characters escaped in a URL path segment (non-ASCII is always escaped).
const URL_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// URL (relative to the site root) of a media file copied from content/.
pub fn media_url(source: &Path) -> String {
    let inner = source.strip_prefix("content").unwrap_or(source);
    format!("media/{}", encode_path(inner))
}

fn is_external(dest: &str) -> bool {
    let scheme_end = dest.find(':');
    let slash = dest.find('/');
    match (scheme_end, slash) {
        (Some(colon), Some(slash)) => colon < slash,
        (Some(_), None) => true,
        _ => dest.starts_with("//"),
    }
}

/// Resolves `.` and `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// A heading id: lowercased, spaces to hyphens, punctuation dropped; Japanese kept.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() {
        "section".into()
    } else {
        slug
    }
}

/// Renders a short Markdown text (a question, a choice) without a wrapping `<p>`.
pub fn render_inline(text: &str, allow_html: bool) -> String {
    if text.is_empty() || is_plain_inline(text) {
        return text.to_string();
    }
    render_inline_markdown(text, allow_html)
}

/// [`render_inline`] for a text the caller owns: plain text (most quiz
/// texts) is returned as it is, without running the parser.
pub fn render_inline_owned(text: String, allow_html: bool) -> String {
    if text.is_empty() || is_plain_inline(&text) {
        return text;
    }
    render_inline_markdown(&text, allow_html)
}

/// Whether pulldown-cmark would render `text` as one paragraph holding
/// exactly the text: it starts with a letter (no list, heading or code
/// marker), has no character that starts inline syntax or needs escaping in
/// HTML body text (`&`, `<`, `>`), no line break or tab, and no whitespace at
/// either end (which the parser trims).
fn is_plain_inline(text: &str) -> bool {
    let starts_plain = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || (!c.is_ascii() && !c.is_whitespace()));
    let ends_plain = text.chars().next_back().is_some_and(|c| !c.is_whitespace());
    starts_plain
        && ends_plain
        && text.chars().all(|c| {
            if c.is_ascii() {
                c.is_ascii_alphanumeric()
                    || matches!(
                        c,
                        ' ' | ','
                            | '.'
                            | '?'
                            | ':'
                            | ';'
                            | '\''
                            | '"'
                            | '/'
                            | '('
                            | ')'
                            | '%'
                            | '@'
                            | '='
                            | '+'
                            | '-'
                    )
            } else {
                !c.is_control()
            }
        })
}

fn render_inline_markdown(text: &str, allow_html: bool) -> String {
    let parser = Parser::new_ext(text, options()).map(|event| match event {
        Event::Html(t) | Event::InlineHtml(t) if !allow_html => Event::Text(t),
        other => other,
    });
    let mut html = String::new();
    html::push_html(&mut html, parser);
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

/// Maps byte offsets in a body to file lines and columns.
struct LineIndex<'t> {
    starts: Vec<usize>,
    text: &'t str,
    first_line: usize,
}

impl<'t> LineIndex<'t> {
    fn new(text: &'t str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex {
            starts,
            text,
            first_line,
        }
    }

    fn locate(&self, offset: usize) -> Location {
        let line = self
            .starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let start = self.starts[line];
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        Location::new(self.first_line + line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(body: &str, targets: &LinkTargets) -> RenderedBody {
        render_body(&MarkdownInput {
            path: Path::new("content/modules/a/x.md"),
            body,
            first_line: 5,
            allow_html: false,
            root_prefix: "../../",
            targets,
            check_only: false,
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
    fn escapes_raw_html_and_splits_out_quizzes() {
        let out = render(
            "<b>x</b>\n\n```quiz\n- question: q\n  answer: true\n```\nafter\n",
            &LinkTargets::default(),
        );
        assert_eq!(out.parts.len(), 3);
        assert_eq!(out.parts[1], BodyPart::Quiz(0));
        let BodyPart::Html(html) = &out.parts[0] else {
            panic!()
        };
        assert!(html.contains("&lt;b&gt;"), "{html}");
    }

    #[test]
    fn plain_inline_fast_path_matches_the_parser() {
        let samples = [
            "LGWAN接続系",
            "三層分離で、インターネット接続系と分離されるものはどれか。",
            "Security is everyone's job, not only the \"IT\" department.",
            "a  b (c) 50% x@y.z a/b: c; d = e + f - g?",
            "Ａ全角　スペース",
            "x 1. y",
            "é",
        ];
        for text in samples {
            assert!(is_plain_inline(text), "{text}");
            assert_eq!(
                render_inline(text, false),
                render_inline_markdown(text, false)
            );
        }
        assert_eq!(render_inline_markdown("", false), "");
        let not_plain = [
            "",
            " a",
            "a ",
            "1. a",
            "- a",
            "# a",
            "*a*",
            "a_b_",
            "[a](b)",
            "a & b",
            "a <b>",
            "`a`",
            "a\nb",
            "a\tb",
            "~~a~~",
            "a | b",
            "\u{3000}a",
            "a\\",
        ];
        for text in not_plain {
            assert!(!is_plain_inline(text), "{text:?}");
        }
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
