//! Headings: each gets an id (the slug of its text unless the author gave
//! one, unique within the page) and goes one level down when the body has
//! its own `h1`, so the page title stays the only `h1`.

use super::{BodyState, Events};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

/// A heading of a body, for the page's table of contents and the search
/// index's section links.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    /// Where the heading's text starts in the body's plain text; `None`
    /// when it is not there (past the plain text's size limit, or no
    /// plain text kept).
    #[serde(skip)]
    pub plain_offset: Option<usize>,
}

impl<'b> BodyState<'_, 'b> {
    /// Renders a heading with an id, one level lower when the body has an `h1`.
    pub(super) fn heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'b>>,
        classes: Vec<CowStr<'b>>,
        attrs: Vec<(CowStr<'b>, Option<CowStr<'b>>)>,
        rest: &mut impl Events<'b>,
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
        let plain_offset = self.push_text(&text);
        self.out.plain_text.push(' ');
        self.out.headings.push(Heading {
            level: level as u8,
            id: id.clone(),
            text,
            plain_offset,
        });
        self.html_events.push_back(Event::Start(Tag::Heading {
            level,
            id: Some(id.into()),
            classes,
            attrs,
        }));
        self.html_events.extend(inner);
        self.html_events
            .push_back(Event::End(TagEnd::Heading(level)));
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
pub(crate) fn slugify(text: &str) -> String {
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
