//! The portal's one URL scheme: where every page and copied file is written
//! in the output folder, and the relative URL other pages link to it with.
//!
//! Output paths are file names as written on disk (a Japanese id stays
//! Japanese: `modules/税の基礎/index.html`); links are the same path
//! percent-encoded segment by segment, so an `href` holds ASCII only and
//! means the same file under any web server, sub-path or `file://`.
//! Every link is relative to the site root; a page puts its
//! [`PageId::root_prefix`] in front to reach the root from where it is.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use std::borrow::Cow;
use std::path::Path;

/// Where the files under `content/static` come from; they are published at
/// the same path under the output root.
pub(crate) const STATIC_DIR: &str = "content/static";
/// The folder media files beside modules and pages are copied to.
const MEDIA_DIR: &str = "media";

/// One page of the portal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageId {
    Home,
    Role(String),
    Module(String),
    SkillMatrix,
    Skill(String),
    Resources,
    Search,
    Progress,
    Page(String),
    NotFound,
    /// Every module, with filters (modules/index.html).
    Modules,
    /// The printable certificate (修了証) of a role's curriculum.
    Certificate(String),
}

impl PageId {
    /// Where the page is written, relative to the output folder.
    pub fn output_path(&self) -> String {
        match self {
            PageId::Home => "index.html".into(),
            PageId::Role(id) => item_path(ROLES, id),
            PageId::Module(id) => item_path(MODULES, id),
            PageId::SkillMatrix => format!("{SKILLS}/index.html"),
            PageId::Skill(id) => item_path(SKILLS, id),
            PageId::Resources => format!("{RESOURCES}/index.html"),
            PageId::Search => "search/index.html".into(),
            PageId::Progress => "progress/index.html".into(),
            PageId::Page(slug) => item_path("", slug),
            PageId::NotFound => "404.html".into(),
            PageId::Modules => format!("{MODULES}/index.html"),
            PageId::Certificate(id) => format!("{ROLES}/{id}/certificate/index.html"),
        }
    }

    /// The link to the page, relative to the site root.
    pub fn href(&self) -> String {
        encoded(self.output_path())
    }

    /// Relative path from the page back to the site root.
    pub fn root_prefix(&self) -> &'static str {
        match self {
            PageId::Home | PageId::NotFound => "",
            PageId::SkillMatrix
            | PageId::Resources
            | PageId::Search
            | PageId::Progress
            | PageId::Modules
            | PageId::Page(_) => "../",
            PageId::Role(_) | PageId::Module(_) | PageId::Skill(_) => "../../",
            PageId::Certificate(_) => "../../../",
        }
    }
}

/// The link to a module's page.
pub(crate) fn module_href(id: &str) -> String {
    encoded(item_path(MODULES, id))
}

/// The link to a role's page.
pub(crate) fn role_href(id: &str) -> String {
    encoded(item_path(ROLES, id))
}

/// The link to a skill's page.
pub(crate) fn skill_href(id: &str) -> String {
    encoded(item_path(SKILLS, id))
}

/// The link to a standalone page (content/pages/<slug>.md).
pub(crate) fn page_href(slug: &str) -> String {
    encoded(item_path("", slug))
}

/// The link to a role's certificate.
pub(crate) fn certificate_href(role: &str) -> String {
    encoded(PageId::Certificate(role.to_string()).output_path())
}

/// The link to a resource's card in the catalogue (ids hold no character
/// a fragment must escape).
pub(crate) fn resource_href(id: &str) -> String {
    format!("{RESOURCES}/index.html#resource-{id}")
}

const MODULES: &str = "modules";
const ROLES: &str = "roles";
const SKILLS: &str = "skills";
const RESOURCES: &str = "resources";

/// `section/id/index.html`, or `id/index.html` for a page at the top.
fn item_path(section: &str, id: &str) -> String {
    if section.is_empty() {
        format!("{id}/index.html")
    } else {
        format!("{section}/{id}/index.html")
    }
}

/// Where a media file beside a module or page (`content/modules/a/図.png`)
/// is copied to: `media/modules/a/図.png`.
pub(crate) fn media_output_path(source: &Path) -> String {
    let inner = source.strip_prefix("content").unwrap_or(source);
    format!("{MEDIA_DIR}/{}", slash_path(inner))
}

/// Where a file of content/static is published.
pub(crate) fn static_output_path(source: &Path) -> String {
    slash_path(source.strip_prefix(STATIC_DIR).unwrap_or(source))
}

/// The link to a copied media file.
pub(crate) fn media_href(source: &Path) -> String {
    encoded(media_output_path(source))
}

/// The link to a file of content/static.
pub(crate) fn static_href(source: &Path) -> String {
    encoded(static_output_path(source))
}

/// A path with `/` between its components, whatever the platform.
fn slash_path(path: &Path) -> String {
    let parts: Vec<_> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// Characters escaped in a URL path segment (non-ASCII is always escaped).
const SEGMENT: &AsciiSet = &CONTROLS
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

/// A `/`-separated path, each segment percent-encoded (`/` is not in
/// [`SEGMENT`], so the path is encoded whole).
pub(crate) fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, SEGMENT).to_string()
}

/// [`encode_path`] of a path made for the purpose: kept as it is when
/// nothing in it needs escaping, as with most ids.
fn encoded(path: String) -> String {
    match Cow::from(utf8_percent_encode(&path, SEGMENT)) {
        Cow::Borrowed(_) => path,
        Cow::Owned(encoded) => encoded,
    }
}

/// A percent-encoded URL part as text.
pub(crate) fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_ids_are_written_as_they_are_and_linked_encoded() {
        let page = PageId::Module("税の基礎".into());
        assert_eq!(page.output_path(), "modules/税の基礎/index.html");
        assert_eq!(
            page.href(),
            "modules/%E7%A8%8E%E3%81%AE%E5%9F%BA%E7%A4%8E/index.html"
        );
        assert_eq!(decode(&page.href()), page.output_path());
        assert_eq!(module_href("税の基礎"), page.href());
        assert_eq!(page_href("案内"), PageId::Page("案内".into()).href());
        assert_eq!(role_href("dx"), PageId::Role("dx".into()).href());
        assert_eq!(skill_href("s"), PageId::Skill("s".into()).href());
        assert_eq!(
            certificate_href("dx"),
            PageId::Certificate("dx".into()).href()
        );
        assert_eq!(
            PageId::Module("security-basics".into()).href(),
            "modules/security-basics/index.html"
        );
    }

    #[test]
    fn media_and_static_files_keep_their_folders() {
        let media = Path::new("content/modules/a/構成図 (1).png");
        assert_eq!(media_output_path(media), "media/modules/a/構成図 (1).png");
        assert_eq!(
            media_href(media),
            "media/modules/a/%E6%A7%8B%E6%88%90%E5%9B%B3%20(1).png"
        );
        let file = Path::new("content/static/files/a#b.pdf");
        assert_eq!(static_output_path(file), "files/a#b.pdf");
        assert_eq!(static_href(file), "files/a%23b.pdf");
    }

    #[test]
    fn every_page_reaches_the_root_from_its_depth() {
        let pages = [
            PageId::Home,
            PageId::NotFound,
            PageId::Modules,
            PageId::Page("guide".into()),
            PageId::Role("dx".into()),
            PageId::Certificate("dx".into()),
        ];
        for page in pages {
            let depth = page.output_path().matches('/').count();
            assert_eq!(page.root_prefix(), "../".repeat(depth), "{page:?}");
        }
    }

    #[test]
    fn resource_links_point_at_the_card() {
        assert_eq!(
            resource_href("マナビDX"),
            "resources/index.html#resource-マナビDX"
        );
    }
}
