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

/// Cuts a body's plain text at its headings. The Markdown stage writes each
/// heading's text into the plain text where the heading stands, so each is
/// found after the one before; a heading not found (no text, or past the
/// plain text's size limit) joins the section before it.
pub(crate) fn sections(body: &Body) -> Vec<Section<'_>> {
    let text = body.plain_text.as_str();
    let mut out = Vec::with_capacity(body.headings.len() + 1);
    let (mut start, mut anchor, mut heading) = (0, "", "");
    for h in &body.headings {
        let Some(found) = (!h.text.is_empty())
            .then(|| text[start..].find(h.text.as_str()))
            .flatten()
            .map(|at| start + at)
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
    use crate::markdown::Heading;

    fn heading(id: &str, text: &str) -> Heading {
        Heading {
            level: 2,
            id: id.into(),
            text: text.into(),
        }
    }

    #[test]
    fn sections_are_cut_at_headings_in_order() {
        let body = Body {
            plain_text: "前置き 概要 本文一 手順 概要は上 手順二 ".into(),
            headings: vec![
                heading("gaiyou", "概要"),
                heading("tejun", "手順"),
                heading("x", ""),
            ],
            ..Body::default()
        };
        let found = sections(&body);
        let cut: Vec<(&str, &str)> = found.iter().map(|s| (s.anchor, s.text)).collect();
        assert_eq!(
            cut,
            [
                ("", "前置き"),
                ("gaiyou", "概要 本文一"),
                ("tejun", "手順 概要は上 手順二")
            ]
        );
    }

    #[test]
    fn a_body_without_headings_is_one_section() {
        let body = Body {
            plain_text: "ただの本文".into(),
            ..Body::default()
        };
        assert_eq!(sections(&body), [whole("ただの本文")]);
    }
}
