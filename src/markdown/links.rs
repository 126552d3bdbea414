//! Links and images in a body: relative links to other `.md` files become
//! links to their pages, links to files beside a module become links to the
//! copied media, and every link that leads nowhere — or would run code, or
//! climbs out of the site — is reported where it is written, with the fix.

use super::BodyState;
use crate::diagnostics::Location;
use crate::messages::Message;
use crate::msg;
use crate::urls;
use pulldown_cmark::{CowStr, Tag};
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Component, Path, PathBuf};

/// Where relative links may lead: pages made from `.md` files, and media files.
#[derive(Debug, Default, Clone)]
pub struct LinkTargets {
    /// Source path (`content/modules/a.md`) → link relative to the site root.
    pub pages: FxHashMap<PathBuf, String>,
    /// Non-Markdown files under content/ that are copied to `media/`.
    pub media: FxHashSet<PathBuf>,
    /// Files under content/static, published at the same path under the root.
    pub statics: FxHashSet<PathBuf>,
    /// Modules left out because they are drafts.
    pub drafts: FxHashSet<PathBuf>,
    /// The site root, to tell a file that exists but is not published.
    pub root: PathBuf,
    /// The NFC form of each source path above that is not in NFC (a file
    /// saved on a Mac, or unpacked from a zip) → the path as it is.
    pub nfc_aliases: FxHashMap<PathBuf, PathBuf>,
}

impl LinkTargets {
    /// Notes the NFC form of every path that is not NFC, so a link typed
    /// in NFC finds a file named in NFD (and the other way round).
    pub fn with_nfc_aliases(mut self) -> LinkTargets {
        let paths = self
            .pages
            .keys()
            .chain(&self.media)
            .chain(&self.statics)
            .chain(&self.drafts);
        self.nfc_aliases = paths
            .filter_map(|path| {
                let text = path.to_str()?;
                let nfc = crate::ids::normalize(text);
                (nfc != text).then(|| (PathBuf::from(nfc), path.clone()))
            })
            .collect();
        self
    }

    /// A resolved link path as the targets spell it: as it is when they
    /// hold it, else its NFC form or the file whose name has that form.
    fn spelt(&self, path: PathBuf) -> PathBuf {
        let held = |p: &Path| {
            self.pages.contains_key(p)
                || self.media.contains(p)
                || self.statics.contains(p)
                || self.drafts.contains(p)
        };
        if held(&path) {
            return path;
        }
        let Some(nfc) = path
            .to_str()
            .map(|t| PathBuf::from(crate::ids::normalize(t)))
        else {
            return path;
        };
        if held(&nfc) {
            return nfc;
        }
        self.nfc_aliases.get(&nfc).cloned().unwrap_or(path)
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

impl<'b> BodyState<'_, 'b> {
    /// A link or image tag with its destination rewritten.
    pub(super) fn link(&mut self, tag: Tag<'b>, offset: usize) -> Tag<'b> {
        match tag {
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => Tag::Link {
                link_type,
                dest_url: self.resolve(dest_url, offset, false),
                title,
                id,
            },
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => Tag::Image {
                link_type,
                dest_url: self.resolve(dest_url, offset, true),
                title,
                id,
            },
            other => other,
        }
    }

    /// Rewrites a relative link; reports it when its target does not exist.
    fn resolve(&mut self, dest: CowStr<'b>, offset: usize, is_image: bool) -> CowStr<'b> {
        let location = self.lines.locate(offset);
        if let Some(scheme) = script_scheme(&dest) {
            self.report(location, msg!("link.script", scheme = scheme));
            return "#".into();
        }
        if is_external(&dest) || dest.is_empty() {
            return dest;
        }
        if let Some(fragment) = dest.strip_prefix('#') {
            let fragment = urls::decode(fragment);
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
        let target = urls::decode(target);
        let resolved = match self.source_path(&target, &dest) {
            Ok(resolved) => resolved,
            Err(message) => {
                self.report(location, message);
                return dest;
            }
        };
        // Most links name a published file as written; only the others are
        // looked up again in NFC (a file named in NFD, or the other way).
        let mut href = self.published_href(&resolved);
        let resolved = if href.is_none() {
            let spelt = self.input.targets.spelt(resolved);
            href = self.published_href(&spelt);
            spelt
        } else {
            resolved
        };
        if let Some(fragment) = fragment {
            if self.input.targets.pages.contains_key(&resolved) {
                self.out.fragments.push(FragmentLink {
                    target: Some(resolved.clone()),
                    fragment: urls::decode(fragment),
                    location,
                });
            }
        }
        match href {
            Some(href) => {
                let suffix = fragment.map(|f| format!("#{f}")).unwrap_or_default();
                format!("{}{href}{suffix}", self.input.root_prefix).into()
            }
            None => {
                let message = self.missing(&dest, &target, &resolved, is_image);
                self.report(location, message);
                dest
            }
        }
    }

    /// The source file a relative link names, or why it cannot be one.
    fn source_path(&self, target: &str, dest: &str) -> Result<PathBuf, Message> {
        if target.contains('\\') {
            let fixed = target.replace('\\', "/");
            return Err(msg!("link.backslash", dest = dest, fixed = fixed));
        }
        if target.starts_with('/') {
            return Err(msg!("link.absolute", dest = dest));
        }
        let base = self.input.path.parent().unwrap_or(Path::new(""));
        let joined = base.join(target);
        if escapes(&joined) {
            return Err(msg!("link.outside", dest = dest));
        }
        Ok(normalize(&joined))
    }

    /// The link, relative to the site root, of a source file that is published.
    fn published_href(&self, source: &Path) -> Option<String> {
        let targets = self.input.targets;
        if let Some(href) = targets.pages.get(source) {
            Some(href.clone())
        } else if targets.media.contains(source) {
            Some(urls::media_href(source))
        } else if targets.statics.contains(source) {
            Some(urls::static_href(source))
        } else {
            None
        }
    }

    /// What is wrong with a link to a file that is not published.
    fn missing(&self, dest: &str, target: &str, resolved: &Path, is_image: bool) -> Message {
        let targets = self.input.targets;
        let path = resolved.display().to_string();
        if targets.drafts.contains(resolved) {
            msg!("link.draft", dest = dest)
        } else if targets.root.join(resolved).exists() {
            msg!("link.not-published", dest = dest, path = path)
        } else if is_image {
            msg!("link.missing-image", dest = dest, path = path)
        } else if target.ends_with(".md") {
            msg!("link.missing-page", dest = dest, path = path)
        } else {
            msg!("link.missing-file", dest = dest, path = path)
        }
    }

    /// `![図](構成図 (1).png)`: a destination with spaces is not a link in
    /// Markdown and would be printed as text; say how to write it.
    pub(super) fn check_unparsed_link(&mut self, offset: usize) {
        let (line_no, range) = self.lines.line_of(offset);
        // Line numbers count from 0 here; `checked_line` 0 means none yet.
        if line_no + 1 == self.checked_line {
            return;
        }
        self.checked_line = line_no + 1;
        // Most lines hold no `](` at all: the body's are found once.
        let first = self.link_openings.partition_point(|&at| at < range.start);
        let count = self.link_openings[first..].partition_point(|&at| at < range.end);
        for index in first..first + count {
            let open = self.link_openings[index];
            let dest = balanced_destination(&self.input.body[open + 2..range.end]);
            let title = dest
                .split_once(' ')
                .is_some_and(|(_, rest)| rest.starts_with(['"', '\'']));
            if dest.contains(' ') && !dest.starts_with('<') && !title {
                let location = self.lines.locate(open);
                let fixed = dest.replace(' ', "%20");
                self.report(location, msg!("link.spaces", dest = dest, fixed = fixed));
            }
        }
    }
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
pub(super) fn normalize(path: &Path) -> PathBuf {
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
