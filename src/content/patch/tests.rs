//! A patched [`ContentFiles`] must equal what a fresh walk finds, after
//! every kind of change; and patching must give up whenever it cannot be sure.

use super::*;
use crate::content::discover;
use crate::diagnostics::Diagnostics;
use std::fs;

/// A site folder with a few modules, pages, media and static files.
struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        let site = Site { _dir: dir, root };
        for (path, text) in [
            ("content/site.yaml", "title: t\n"),
            ("content/modules/common/a.md", "---\ntitle: A\n---\nA\n"),
            ("content/modules/common/b.md", "---\ntitle: B\n---\nB\n"),
            ("content/modules/common/図.png", "png"),
            ("content/modules/tools/c.md", "---\ntitle: C\n---\nC\n"),
            ("content/pages/guide.md", "---\ntitle: G\n---\nG\n"),
            ("content/pages/map.pdf", "pdf"),
            ("content/static/logo.svg", "<svg/>"),
            ("content/static/docs/notes.md", "static markdown"),
        ] {
            site.write(path, text);
        }
        site
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn remove(&self, relative: &str) {
        fs::remove_file(self.root.join(relative)).unwrap();
    }

    fn rename(&self, from: &str, to: &str) {
        fs::rename(self.root.join(from), self.root.join(to)).unwrap();
    }

    fn discover(&self) -> ContentFiles {
        let mut diagnostics = Diagnostics::new();
        let files = discover(&self.root, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        files
    }

    /// Patches `files` with `changed`; asserts it now equals a fresh walk
    /// and returns what the patch reported.
    #[track_caller]
    fn patch_matches(&self, files: &mut ContentFiles, changed: &[&str]) -> Vec<PathBuf> {
        let patched = files
            .patch(changed.iter().map(Path::new))
            .unwrap_or_else(|_| panic!("patching {changed:?} was uncertain"));
        assert_eq!(*files, self.discover(), "after {changed:?}");
        patched.into_iter().map(|p| p.path).collect()
    }

    /// Asserts that patching `changed` gives up and leaves `files` as they were.
    #[track_caller]
    fn patch_gives_up(&self, files: &mut ContentFiles, changed: &[&str]) {
        let before = files.clone();
        assert_eq!(files.patch(changed.iter().map(Path::new)), Err(Uncertain));
        assert_eq!(*files, before, "a failed patch changes nothing");
    }
}

fn paths(list: &[&str]) -> Vec<PathBuf> {
    list.iter().map(PathBuf::from).collect()
}

#[test]
fn module_edits_additions_removals_and_renames_match_a_fresh_walk() {
    let site = Site::new();
    let mut files = site.discover();
    let b = "content/modules/common/b.md";

    site.write(b, "---\ntitle: B2\n---\nB\n");
    assert_eq!(site.patch_matches(&mut files, &[b]), paths(&[b]));

    let added = "content/modules/common/aa.md";
    site.write(added, "---\ntitle: AA\n---\n");
    assert_eq!(site.patch_matches(&mut files, &[added]), paths(&[added]));

    site.remove(b);
    assert_eq!(site.patch_matches(&mut files, &[b]), paths(&[b]));

    let renamed = "content/modules/tools/z.md";
    site.rename(added, renamed);
    assert_eq!(
        site.patch_matches(&mut files, &[added, renamed]),
        paths(&[added, renamed])
    );
    // In a folder that did not exist, named by its file alone.
    let deep = "content/modules/new/deeper/d.md";
    site.write(deep, "---\ntitle: D\n---\n");
    assert_eq!(site.patch_matches(&mut files, &[deep]), paths(&[deep]));
}

#[test]
fn page_media_and_static_changes_match_a_fresh_walk() {
    let site = Site::new();
    let mut files = site.discover();

    let page = "content/pages/guide.md";
    site.write(page, "---\ntitle: G2\n---\n");
    assert_eq!(site.patch_matches(&mut files, &[page]), paths(&[page]));
    let new_page = "content/pages/about.md";
    site.write(new_page, "---\ntitle: About\n---\n");
    site.patch_matches(&mut files, &[new_page]);
    site.rename(new_page, "content/pages/faq.md");
    site.patch_matches(&mut files, &[new_page, "content/pages/faq.md"]);

    let media = "content/modules/tools/diagram.png";
    site.write(media, "png");
    assert_eq!(site.patch_matches(&mut files, &[media]), paths(&[media]));
    // New bytes in a known media file change no list.
    site.write(media, "other png");
    assert!(site.patch_matches(&mut files, &[media]).is_empty());
    site.rename("content/pages/map.pdf", "content/pages/地図.pdf");
    site.patch_matches(
        &mut files,
        &["content/pages/map.pdf", "content/pages/地図.pdf"],
    );
    site.remove(media);
    site.patch_matches(&mut files, &[media]);

    // Markdown under static/ is a static file, not a page.
    let markdown = "content/static/docs/more.md";
    site.write(markdown, "# more");
    site.patch_matches(&mut files, &[markdown]);
    assert!(files.statics.contains(&PathBuf::from(markdown)));
    site.remove("content/static/logo.svg");
    site.patch_matches(&mut files, &["content/static/logo.svg"]);
}

#[test]
fn unchanged_ignored_and_unwalked_paths_change_nothing() {
    let site = Site::new();
    let mut files = site.discover();
    let a = "content/modules/common/a.md";
    site.write(a, "---\ntitle: A\n---\nA\n");
    site.write("content/modules/common/.a.md.swp", "swap");
    site.write("content/modules/.hidden/x.md", "x");
    site.write("content/notes.md", "not walked");
    site.write("themes/default/templates/page.html", "x");
    let changed = site.patch_matches(
        &mut files,
        &[
            a,
            "content/modules/common/.a.md.swp",
            "content/modules/.hidden/x.md",
            "content/notes.md",
            "content/site.yaml",
            "themes/default/templates/page.html",
            // Created and deleted again within the batch.
            "content/modules/common/4913.md",
        ],
    );
    assert!(changed.is_empty(), "{changed:?}");
}

#[test]
fn folders_links_and_unreadable_files_give_up() {
    let site = Site::new();
    let mut files = site.discover();
    // A new folder, and a folder of known files that went.
    site.write("content/modules/extra/e.md", "---\ntitle: E\n---\n");
    site.patch_gives_up(&mut files, &["content/modules/extra"]);
    site.rename("content/modules/tools", "content/tools-old");
    site.patch_gives_up(&mut files, &["content/modules/tools"]);
    site.rename("content/tools-old", "content/modules/tools");
    // The walked folders themselves, and content/.
    for folder in [
        "content",
        "content/modules",
        "content/pages",
        "content/static",
    ] {
        site.patch_gives_up(&mut files, &[folder]);
    }
    // A file that is not UTF-8: only the walk reports it.
    let bad = "content/modules/common/bad.md";
    fs::write(site.root.join(bad), b"\xff\xfe").unwrap();
    site.patch_gives_up(&mut files, &[bad]);
    site.remove(bad);
    #[cfg(unix)]
    {
        let link = site.root.join("content/modules/common/link.md");
        std::os::unix::fs::symlink(site.root.join("content/modules/common/a.md"), &link).unwrap();
        site.patch_gives_up(&mut files, &["content/modules/common/link.md"]);
        fs::remove_file(&link).unwrap();
        // A file below a linked folder.
        let folder = site.root.join("content/modules/linked");
        std::os::unix::fs::symlink(site.root.join("content/modules/common"), &folder).unwrap();
        site.patch_gives_up(&mut files, &["content/modules/linked/a.md"]);
    }
}

#[test]
fn files_with_unreadable_ones_are_not_patched() {
    let site = Site::new();
    let mut files = site.discover();
    files
        .unreadable
        .push(PathBuf::from("content/modules/common/x.md"));
    site.patch_gives_up(&mut files, &["content/modules/common/a.md"]);
}

/// Many random changes, each batch patched and compared with a fresh walk.
#[test]
fn random_batches_of_changes_match_a_fresh_walk() {
    let site = Site::new();
    let mut files = site.discover();
    let names = [
        "content/modules/common/a.md",
        "content/modules/common/b.md",
        "content/modules/common/b.md.png",
        "content/modules/common/b",
        "content/modules/tools/c.md",
        "content/modules/tools/x/y.md",
        "content/modules/a.md",
        "content/pages/guide.md",
        "content/pages/guide.png",
        "content/static/a.md",
        "content/static/docs/notes.md",
    ];
    let mut seed: u64 = 0x6b65_6e73;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as usize % n
    };
    for step in 0..200 {
        let mut batch = Vec::new();
        for _ in 0..1 + next(3) {
            let name = names[next(names.len())];
            let path = site.root.join(name);
            if path.exists() && next(2) == 0 {
                site.remove(name);
            } else {
                site.write(name, &format!("---\ntitle: {step}\n---\n"));
            }
            batch.push(name);
        }
        let patched = files.patch(batch.iter().map(Path::new));
        assert!(patched.is_ok(), "step {step}: {batch:?} was uncertain");
        assert_eq!(files, site.discover(), "step {step}: {batch:?}");
    }
}

#[test]
fn a_patch_says_what_markdown_files_held_before() {
    let site = Site::new();
    let mut files = site.discover();
    let a = "content/modules/common/a.md";
    let added = "content/modules/common/new.md";
    let media = "content/modules/common/new.png";
    site.write(a, "---\ntitle: A2\n---\n");
    site.write(added, "---\ntitle: N\n---\n");
    site.write(media, "png");
    site.remove("content/pages/guide.md");
    let patched = files
        .patch([a, added, media, "content/pages/guide.md"].map(Path::new))
        .unwrap();
    let was: Vec<(&str, Option<&str>)> = patched
        .iter()
        .map(|p| (p.path.to_str().unwrap(), p.was.as_deref()))
        .collect();
    assert_eq!(
        was,
        [
            (a, Some("---\ntitle: A\n---\nA\n")),
            (added, None),
            (media, None),
            ("content/pages/guide.md", Some("---\ntitle: G\n---\nG\n")),
        ]
    );
}
