//! A module page made fit for a SCORM package: its links and the files it needs.
//!
//! Every `href` and `src` of a rendered page is resolved against the page's
//! place in the package. Links to pages or files inside the package stay as
//! they are; links to anything else the portal has (a module outside the
//! role's curriculum, the home page, a skill page) point at the portal's
//! `base_url` in a new window, or become plain text when the site has none.
//! The files the page loads or links to are collected, so the package holds
//! exactly what its pages reference.

use lol_html::{element, rewrite_str, RewriteStrSettings};
use percent_encoding::percent_decode_str;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet};

/// What a page may point at inside the package.
pub(crate) struct Targets<'a> {
    /// Output paths of the pages in the package.
    pub pages: &'a HashSet<String>,
    /// Output paths of the files that can be copied into the package.
    pub files: &'a HashSet<String>,
    /// The portal's URL with a trailing slash, if site.yaml gives one.
    pub portal: Option<&'a str>,
}

/// A page after [`rewrite_page`].
#[derive(Debug)]
pub(crate) struct PackagedPage {
    pub html: String,
    /// Package paths of the files the page loads or links to.
    pub files: BTreeSet<String>,
    /// References to files the package cannot have (not made by the build).
    pub missing: BTreeSet<String>,
}

/// Where a URL in a page leads.
#[derive(Debug, PartialEq)]
enum Target {
    /// `#fragment`, an absolute URL, `mailto:` and the like: left alone.
    Outside,
    /// A path in the output, decoded, relative to the package root.
    Path(String),
}

/// Rewrites the links of the page at `page_path` and lists what it needs.
pub(crate) fn rewrite_page(
    html: &str,
    page_path: &str,
    targets: &Targets,
) -> Result<PackagedPage, String> {
    let files = RefCell::new(BTreeSet::new());
    let missing = RefCell::new(BTreeSet::new());
    let need = |path: String| {
        if targets.files.contains(&path) {
            files.borrow_mut().insert(path);
        } else if !targets.pages.contains(&path) {
            missing.borrow_mut().insert(path);
        }
    };
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("a[href]", |el| {
            let href = attribute(el, "href");
            let Target::Path(path) = classify(page_path, &href) else {
                return Ok(());
            };
            if targets.pages.contains(&path) || targets.files.contains(&path) {
                need(path);
            } else if let Some(portal) = targets.portal {
                el.set_attribute("href", &portal_href(portal, page_path, &href))?;
                el.set_attribute("target", "_blank")?;
                el.set_attribute("rel", "noopener")?;
            } else {
                el.set_tag_name("span")?;
                for name in ["href", "rel", "target", "hreflang", "download"] {
                    el.remove_attribute(name);
                }
            }
            Ok(())
        }))
        .append_element_content_handler(element!("[src], link[href]", |el| {
            let name = if el.has_attribute("src") {
                "src"
            } else {
                "href"
            };
            let value = attribute(el, name);
            if let Target::Path(path) = classify(page_path, &value) {
                need(path);
            }
            Ok(())
        }));
    let html = rewrite_str(html, settings).map_err(|e| e.to_string())?;
    Ok(PackagedPage {
        html,
        files: files.into_inner(),
        missing: missing.into_inner(),
    })
}

/// An attribute's value as the browser reads it: lol_html gives it as
/// written, with character references (`&amp;`, `&#39;`) still in it.
fn attribute(el: &lol_html::html_content::Element, name: &str) -> String {
    let raw = el.get_attribute(name).unwrap_or_default();
    html_escape::decode_html_entities(&raw).into_owned()
}

/// Resolves `url` as written in the page at `page_path`.
fn classify(page_path: &str, url: &str) -> Target {
    let url = url.trim();
    if url.is_empty() || url.starts_with('#') || url.starts_with("//") || has_scheme(url) {
        return Target::Outside;
    }
    let path = url.split(['#', '?']).next().unwrap_or_default();
    match resolve(page_path, path) {
        Some(path) if !path.is_empty() => Target::Path(path),
        _ => Target::Outside,
    }
}

/// `scheme:` at the start of a URL (RFC 3986: a letter, then letters, digits, `+-.`).
fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// The decoded package path of a relative `path` seen from `page_path`;
/// None when it climbs out of the package.
fn resolve(page_path: &str, path: &str) -> Option<String> {
    let mut segments: Vec<String> = page_path.split('/').map(String::from).collect();
    segments.pop();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            other => segments.push(percent_decode_str(other).decode_utf8_lossy().into_owned()),
        }
    }
    if path.ends_with('/') {
        segments.push("index.html".into());
    }
    Some(segments.join("/"))
}

/// The portal's URL for a relative `href` of the page at `page_path`,
/// keeping its query and fragment and its percent-encoding.
fn portal_href(portal: &str, page_path: &str, href: &str) -> String {
    let cut = href.find(['#', '?']).unwrap_or(href.len());
    let (path, rest) = href.split_at(cut);
    let mut segments: Vec<&str> = page_path.split('/').collect();
    segments.pop();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    format!("{portal}{}{rest}", segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> HashSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    const PAGE: &str = "modules/a/index.html";

    #[test]
    fn urls_resolve_against_the_page_and_decode() {
        assert_eq!(
            classify(PAGE, "../../assets/js/quiz.js"),
            Target::Path("assets/js/quiz.js".into())
        );
        assert_eq!(
            classify(PAGE, "../../media/m/%E5%9B%B3.png?x#y"),
            Target::Path("media/m/図.png".into())
        );
        assert_eq!(
            classify(PAGE, "../b/"),
            Target::Path("modules/b/index.html".into())
        );
        assert_eq!(classify(PAGE, "#top"), Target::Outside);
        assert_eq!(classify(PAGE, "https://example.jp/"), Target::Outside);
        assert_eq!(classify(PAGE, "mailto:a@example.jp"), Target::Outside);
        assert_eq!(classify(PAGE, "../../../x"), Target::Outside);
    }

    #[test]
    fn links_inside_stay_links_outside_go_to_the_portal_or_become_text() {
        let pages = set(&["modules/a/index.html", "modules/b/index.html"]);
        let files = set(&["assets/css/kenshu.css", "media/m/x.png"]);
        let html = "<link rel=\"stylesheet\" href=\"../../assets/css/kenshu.css\">\
            <a href=\"../b/index.html#q\">B</a><a class=\"tag\" href=\"../../skills/s/index.html\">S</a>\
            <img src=\"../../media/m/x.png\" alt=\"\"><a href=\"https://example.jp/\">E</a>\
            <script src=\"../../assets/js/gone.js\"></script>";
        let plain = Targets {
            pages: &pages,
            files: &files,
            portal: None,
        };
        let page = rewrite_page(html, PAGE, &plain).expect("rewrite");
        assert!(page.html.contains("<a href=\"../b/index.html#q\">B</a>"));
        assert!(page.html.contains("<span class=\"tag\">S</span>"));
        assert!(page.html.contains("<a href=\"https://example.jp/\">E</a>"));
        assert_eq!(
            page.files,
            ["assets/css/kenshu.css", "media/m/x.png"]
                .map(String::from)
                .into()
        );
        assert_eq!(page.missing, ["assets/js/gone.js".to_string()].into());

        let linked = Targets {
            portal: Some("https://portal.example.jp/kenshu/"),
            ..plain
        };
        let page = rewrite_page(html, PAGE, &linked).expect("rewrite");
        assert!(page.html.contains(
            "<a class=\"tag\" href=\"https://portal.example.jp/kenshu/skills/s/index.html\" target=\"_blank\" rel=\"noopener\">S</a>"
        ));
    }
}
