//! What is searchable: the site's modules, skills, resources and pages as
//! [`SearchDoc`]s, each with its fields (title, headings, body) and its
//! sections, the stretches of text under each heading that a result can
//! link to and quote from.

use super::Target;
use crate::content::Body;
use crate::site::Site;
use std::borrow::Cow;

/// A searchable document. Texts are borrowed from the site.
pub(crate) struct SearchDoc<'a> {
    pub target: Target<'a>,
    pub title: &'a str,
    pub kind: &'static str,
    pub summary: Cow<'a, str>,
    /// Section headings: their tokens weigh more than the body's.
    pub headings: Vec<&'a str>,
    /// Indexed as if joined with spaces; holds the headings' text too.
    pub body: Vec<&'a str>,
    /// Shown as snippets in the browser; together they are the body text.
    pub sections: Vec<Section<'a>>,
}

/// Text under one heading; `anchor` is the heading's id (empty for the
/// text before the first heading).
#[derive(Debug, PartialEq)]
pub(crate) struct Section<'a> {
    pub anchor: &'a str,
    pub heading: &'a str,
    pub text: &'a str,
}

/// Every searchable document, in a fixed order: modules, skills,
/// resources, pages (the browser ranks by that order last).
pub(crate) fn documents(site: &Site) -> Vec<SearchDoc<'_>> {
    let mut docs = Vec::with_capacity(
        site.modules.len()
            + site.framework.skills.len()
            + site.catalogue.resources.len()
            + site.pages.len(),
    );
    docs.extend(site.modules.iter().map(|module| {
        let mut body = Vec::with_capacity(module.skills.len() + 2);
        body.push(module.summary.as_str());
        body.extend(
            module
                .skills
                .iter()
                .filter_map(|s| site.framework.skill(s))
                .map(|s| s.name.as_str()),
        );
        body.push(module.body.plain_text.as_str());
        SearchDoc {
            target: Target::Module(&module.id),
            title: &module.title,
            kind: "module",
            summary: Cow::Borrowed(&module.summary),
            headings: heading_texts(&module.body),
            body,
            sections: sections(&module.body),
        }
    }));
    docs.extend(site.framework.skills.iter().map(|skill| {
        let category = site
            .framework
            .category(&skill.category)
            .map(|c| c.name.as_str())
            .unwrap_or("");
        SearchDoc {
            target: Target::Skill(&skill.id),
            title: &skill.name,
            kind: "skill",
            summary: Cow::Borrowed(&skill.description),
            headings: Vec::new(),
            body: vec![&skill.description, category],
            sections: vec![whole(&skill.description)],
        }
    }));
    docs.extend(site.catalogue.resources.iter().map(|resource| SearchDoc {
        target: Target::Resource(&resource.id),
        title: &resource.title,
        kind: "resource",
        summary: Cow::Owned(format!("{} — {}", resource.provider, resource.description)),
        headings: Vec::new(),
        body: vec![&resource.provider, &resource.kind, &resource.description],
        sections: vec![whole(&resource.description)],
    }));
    docs.extend(site.pages.iter().map(|page| SearchDoc {
        target: Target::Page(&page.slug),
        title: &page.title,
        kind: "page",
        summary: Cow::Borrowed(&page.summary),
        headings: heading_texts(&page.body),
        body: vec![&page.body.plain_text],
        sections: sections(&page.body),
    }));
    docs
}

fn whole(text: &str) -> Section<'_> {
    Section {
        anchor: "",
        heading: "",
        text,
    }
}

fn heading_texts(body: &Body) -> Vec<&str> {
    body.headings.iter().map(|h| h.text.as_str()).collect()
}

/// Cuts a body's plain text at its headings, where the Markdown stage wrote
/// each heading's text; a heading with no text, or past the plain text's
/// size limit, joins the section before it.
pub(crate) fn sections(body: &Body) -> Vec<Section<'_>> {
    let text = body.plain_text.as_str();
    let mut out = Vec::with_capacity(body.headings.len() + 1);
    let (mut start, mut anchor, mut heading) = (0, "", "");
    for h in &body.headings {
        let Some(found) = h
            .plain_offset
            .filter(|&at| !h.text.is_empty() && at >= start && text.is_char_boundary(at))
        else {
            continue;
        };
        push_section(&mut out, anchor, heading, &text[start..found]);
        (start, anchor, heading) = (found, h.id.as_str(), h.text.as_str());
    }
    push_section(&mut out, anchor, heading, &text[start..]);
    out
}

fn push_section<'a>(out: &mut Vec<Section<'a>>, anchor: &'a str, heading: &'a str, text: &'a str) {
    let text = text.trim();
    if !text.is_empty() || !anchor.is_empty() {
        out.push(Section {
            anchor,
            heading,
            text,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{render_body, LinkTargets, MarkdownInput};
    use std::path::Path;

    /// A body through the Markdown stage, as a build reads it.
    fn body(markdown: &str) -> Body {
        let rendered = render_body(&MarkdownInput {
            path: Path::new("content/modules/a/x.md"),
            body: markdown,
            first_line: 1,
            allow_html: false,
            root_prefix: "../../",
            targets: &LinkTargets::default(),
        });
        Body {
            plain_text: rendered.plain_text,
            headings: rendered.headings,
            ..Body::default()
        }
    }

    fn cut(body: &Body) -> Vec<(&str, &str)> {
        sections(body).iter().map(|s| (s.anchor, s.text)).collect()
    }

    #[test]
    fn sections_are_cut_at_headings_in_order() {
        let body = body("前置き\n\n## 概要\n\n本文一\n\n## 手順\n\n概要は上\n");
        assert_eq!(
            cut(&body),
            [
                ("", "前置き"),
                ("概要", "概要 本文一"),
                ("手順", "手順 概要は上")
            ]
        );
    }

    #[test]
    fn a_heading_s_words_earlier_in_the_text_do_not_cut_there() {
        // "手順" occurs in the first section before the heading 手順.
        let body = body("## 概要\n\n手順は次のとおり\n\n## 手順\n\n一つ目\n");
        assert_eq!(
            cut(&body),
            [("概要", "概要 手順は次のとおり"), ("手順", "手順 一つ目")]
        );
    }

    #[test]
    fn a_heading_without_text_joins_the_section_before_it() {
        let body = body("## 概要\n\n本文\n\n##\n\n続き\n");
        assert_eq!(cut(&body), [("概要", "概要 本文  続き")]);
    }

    #[test]
    fn a_body_without_headings_is_one_section() {
        let body = body("ただの本文\n");
        assert_eq!(sections(&body), [whole("ただの本文")]);
    }
}
