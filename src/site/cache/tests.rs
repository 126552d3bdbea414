//! A cached load must give the site and the diagnostics a fresh
//! [`load_site`] gives, whichever way it was made: bodies alone read again,
//! headers checked again over patched files, or content/ walked again.

use super::*;
use crate::site::{load_site, load_site_cached};
use std::collections::BTreeMap;
use std::fs;

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    cache: LoadCache,
    site: Option<Site>,
}

/// How a cached load was made.
#[derive(Debug, PartialEq)]
enum Made {
    /// Only the bodies of these module files were read again.
    Bodies(Vec<String>),
    /// Headers were parsed and checked again.
    Headers,
}

impl Fixture {
    fn new() -> Fixture {
        let (dir, root) = crate::test_support::copy_fixture("basic");
        let mut fixture = Fixture {
            _dir: dir,
            root,
            cache: LoadCache::default(),
            site: None,
        };
        assert_eq!(fixture.load_matches_fresh("first load"), Made::Headers);
        fixture
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn edit(&self, relative: &str, from: &str, to: &str) {
        let text = fs::read_to_string(self.root.join(relative)).unwrap();
        assert!(text.contains(from), "{relative} has no {from:?}");
        self.write(relative, &text.replacen(from, to, 1));
    }

    /// Loads after `changed` (as the server reports them) and asserts that
    /// the site and diagnostics are those of a fresh load.
    #[track_caller]
    fn reload(&mut self, changed: &[&str], step: &str) -> Made {
        self.cache.changed(changed.iter().map(Path::new));
        self.load_matches_fresh(step)
    }

    #[track_caller]
    fn load_matches_fresh(&mut self, step: &str) -> Made {
        if let Some(site) = self.site.take() {
            self.cache.recycle(site);
        }
        let options = LoadOptions::default();
        let (cached, said) = load_site_cached(&self.root, options, &mut self.cache);
        let (fresh, expected) = load_site(&self.root, options);
        assert_eq!(
            format!("{said:?}"),
            format!("{expected:?}"),
            "{step}: diagnostics"
        );
        assert_eq!(
            cached.as_ref().map(snapshot),
            fresh.as_ref().map(snapshot),
            "{step}: site"
        );
        self.site = cached;
        match self.cache.bodies_only() {
            Some(paths) => Made::Bodies(paths.iter().map(|p| p.display().to_string()).collect()),
            None => Made::Headers,
        }
    }
}

/// Everything a site holds, in a stable order.
fn snapshot(site: &Site) -> String {
    let skill_modules: BTreeMap<_, _> = site.skill_modules.iter().collect();
    let index: BTreeMap<_, _> = site
        .modules
        .iter()
        .map(|m| (&m.id, site.module_position(&m.id)))
        .collect();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{index:?}",
        site.root,
        site.config,
        site.modules,
        site.pages,
        site.curricula,
        skill_modules,
        site.module_roles,
        site.media,
        site.statics,
        (site.framework.roles.len(), site.catalogue.resources.len()),
    )
}

fn bodies(paths: &[&str]) -> Made {
    Made::Bodies(paths.iter().map(|p| p.to_string()).collect())
}

const BASICS: &str = "content/modules/security/basics.md";
const PRIVACY: &str = "content/modules/security/privacy.md";
const DRAFT: &str = "content/modules/tools/draft-module.md";

#[test]
fn body_edits_read_only_those_bodies_and_equal_a_fresh_load() {
    let mut site = Fixture::new();
    site.edit(
        PRIVACY,
        "個人情報保護法を学びます。",
        "個人情報保護法と条例を学びます。",
    );
    assert_eq!(site.reload(&[PRIVACY], "body edit"), bodies(&[PRIVACY]));

    // basics.md links to privacy.md#概要: the heading goes, the link breaks.
    site.edit(PRIVACY, "## 概要", "## あらまし");
    assert_eq!(
        site.reload(&[PRIVACY], "heading removed"),
        bodies(&[PRIVACY])
    );
    let problems = load_site(&site.root, LoadOptions::default()).1;
    assert!(
        problems.has_errors(),
        "the broken fragment link is reported"
    );
    site.edit(PRIVACY, "## あらまし", "## 概要");
    site.edit(BASICS, "自治体の", "市町村の");
    assert_eq!(
        site.reload(&[BASICS, PRIVACY], "two bodies, the link fixed"),
        bodies(&[BASICS, PRIVACY])
    );

    // A new question changes the body only; an unchanged text, nothing.
    site.edit(
        PRIVACY,
        "```quiz\n",
        "```quiz\n- question: 追加の問い\n  answer: true\n  explanation: はい。\n",
    );
    assert_eq!(
        site.reload(&[PRIVACY], "question added"),
        bodies(&[PRIVACY])
    );
    assert_eq!(site.reload(&[PRIVACY], "saved unchanged"), bodies(&[]));
}

#[test]
fn header_page_and_file_changes_check_the_headers_again() {
    let mut site = Fixture::new();
    site.edit(
        BASICS,
        "title: 情報セキュリティの基本",
        "title: セキュリティの基本",
    );
    assert_eq!(site.reload(&[BASICS], "title edit"), Made::Headers);
    // A body edit that moves the front matter's lines is a header change.
    site.edit(BASICS, "---\ntitle:", "---\n\ntitle:");
    assert_eq!(site.reload(&[BASICS], "front matter moved"), Made::Headers);

    // Level and prerequisites place modules in the curricula.
    site.edit(BASICS, "level: 1", "level: 3");
    assert_eq!(site.reload(&[BASICS], "level edit"), Made::Headers);
    site.edit(PRIVACY, "prerequisites: [basics]", "prerequisites: []");
    assert_eq!(
        site.reload(&[PRIVACY], "prerequisite dropped"),
        Made::Headers
    );

    site.edit(PRIVACY, "level: 1", "level: 9");
    assert_eq!(site.reload(&[PRIVACY], "header error"), Made::Headers);
    site.edit(
        PRIVACY,
        "個人情報保護法を学びます。",
        "個人情報保護法を一から学びます。",
    );
    assert_eq!(
        site.reload(&[PRIVACY], "body of a broken header"),
        Made::Headers
    );
    site.edit(PRIVACY, "level: 9", "level: 1");
    assert_eq!(site.reload(&[PRIVACY], "header fixed"), Made::Headers);

    site.edit(DRAFT, "まだ書きかけです。", "もう少しです。");
    assert_eq!(site.reload(&[DRAFT], "draft body"), Made::Headers);

    site.edit("content/pages/guide.md", "から始めます。", "から学びます。");
    assert_eq!(
        site.reload(&["content/pages/guide.md"], "page edit"),
        Made::Headers
    );

    let media = "content/modules/tools/chart.png";
    site.write(media, "png");
    assert_eq!(site.reload(&[media], "media added"), Made::Headers);
    let robots = "content/static/robots.txt";
    fs::remove_file(site.root.join(robots)).unwrap();
    assert_eq!(site.reload(&[robots], "static file removed"), Made::Headers);
}

#[test]
fn added_removed_and_renamed_modules_equal_a_fresh_load() {
    let mut site = Fixture::new();
    let added = "content/modules/tools/new-one.md";
    site.write(
        added,
        "---\ntitle: 新しいモジュール\nskills: [privacy]\nlevel: 1\n---\n\n本文です。\n",
    );
    site.reload(&[added], "module added");
    let renamed = "content/modules/tools/renamed.md";
    fs::rename(site.root.join(added), site.root.join(renamed)).unwrap();
    site.reload(&[added, renamed], "module renamed");
    // A folder moved in: the walk of content/ is done again.
    let folder = "content/modules/extra";
    site.write(
        "content/moved/extra/more.md",
        "---\ntitle: 追加\nskills: [privacy]\nlevel: 1\n---\n",
    );
    fs::rename(
        site.root.join("content/moved/extra"),
        site.root.join(folder),
    )
    .unwrap();
    site.reload(&[folder], "folder moved in");
    fs::remove_file(site.root.join(renamed)).unwrap();
    site.reload(&[renamed], "module removed");
}

#[test]
fn unreported_changes_are_found_after_a_rescan() {
    let mut site = Fixture::new();
    site.edit(
        BASICS,
        "title: 情報セキュリティの基本",
        "title: 見落とされた題名",
    );
    site.edit(PRIVACY, "個人情報保護法を学びます。", "報告されない本文。");
    // Only privacy.md is reported; the watcher lost the rest.
    site.cache.rescan();
    assert_eq!(site.reload(&[PRIVACY], "after a rescan"), Made::Headers);
    let title = &site.site.as_ref().unwrap().module("basics").unwrap().title;
    assert_eq!(title, "見落とされた題名");
}

#[test]
fn the_cache_knows_the_files_of_the_last_load_and_their_folders() {
    let site = Fixture::new();
    for known in [
        BASICS,
        "content/modules/security",
        "content/modules",
        "content/static/robots.txt",
    ] {
        assert!(site.cache.knows(Path::new(known)), "{known}");
    }
    for unknown in [
        "content/modules/security/gone.md",
        "content/modules/sec",
        "themes",
    ] {
        assert!(!site.cache.knows(Path::new(unknown)), "{unknown}");
    }
}
