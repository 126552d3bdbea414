//! Short Markdown texts — a question, a choice, an explanation — rendered
//! without the `<p>` a body paragraph gets, with a fast path for the plain
//! text most of them are.

use super::options;
use pulldown_cmark::{html, Event, Parser};

/// Renders a short Markdown text (a question, a choice) without a wrapping
/// `<p>`. Plain text (most quiz texts) is returned as it is, without
/// running the parser.
pub(crate) fn render_inline(text: String, allow_html: bool) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
                render_inline(text.to_string(), false),
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
}
