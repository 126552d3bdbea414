//! An incremental rebuild must leave the output exactly as a full build of
//! the same sources would: every edit below is followed by a comparison of
//! the whole output folder with a fresh `build_site`.

use super::*;
use crate::build::{build_site, BuildOptions};
use std::collections::BTreeMap;
use std::fs;

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let (dir, root) = crate::test_support::copy_fixture("basic");
        let out = dir.path().join("preview");
        Fixture {
            _dir: dir,
            root,
            out,
        }
    }

    fn write(&self, relative: &str, text: &str) -> Changes {
        let path = self.root.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        Changes::of(&self.root, [path.as_path()])
    }

    fn edit(&self, relative: &str, from: &str, to: &str) -> Changes {
        let text = fs::read_to_string(self.root.join(relative)).unwrap();
        assert!(text.contains(from), "{relative} has no {from:?}");
        self.write(relative, &text.replacen(from, to, 1))
    }

    fn remove(&self, relative: &str) -> Changes {
        let path = self.root.join(relative);
        fs::remove_file(&path).unwrap();
        Changes::of(&self.root, [path.as_path()])
    }

    /// Asserts that the preview output equals a fresh full build.
    #[track_caller]
    fn assert_matches_full_build(&self, step: &str) {
        let full = self.root.parent().unwrap().join("full");
        let options = BuildOptions {
            root: self.root.clone(),
            out: Some(full.clone()),
            drafts: false,
        };
        build_site(&options).unwrap_or_else(|e| panic!("{step}: full build failed: {e:?}"));
        let expected = files_of(&full);
        let actual = files_of(&self.out);
        let missing: Vec<_> = expected
            .keys()
            .filter(|k| !actual.contains_key(*k))
            .collect();
        let extra: Vec<_> = actual
            .keys()
            .filter(|k| !expected.contains_key(*k))
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{step}: missing {missing:?}, extra {extra:?}"
        );
        for (path, bytes) in &expected {
            assert!(
                actual[path] == *bytes,
                "{step}: {path} differs from a full build"
            );
        }
    }
}

fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap();
            let name = relative.to_string_lossy().replace('\\', "/");
            (name, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Rebuilds as the server does: the pages of the changed files, then those
/// listing them, then the search index; `pages` counts both steps.
fn rebuild(preview: &mut Preview, changes: &Changes) -> Rebuilt {
    let mut rebuilt = preview
        .rebuild(changes)
        .unwrap_or_else(|e| panic!("rebuild failed: {e:?}"));
    let later = preview
        .write_later()
        .unwrap_or_else(|e| panic!("the second step failed: {e:?}"));
    assert!(later.pages <= rebuilt.later.len());
    rebuilt.pages += later.pages;
    preview.write_search_index().unwrap();
    rebuilt
}

#[test]
fn incremental_rebuilds_match_full_builds() {
    let site = Fixture::new();
    let mut preview = Preview::new(&site.root, false, &site.out, None);
    rebuild(&mut preview, &Changes::default());
    site.assert_matches_full_build("first build");

    let body = site.edit(
        "content/modules/security/privacy.md",
        "個人情報保護法を学びます。",
        "個人情報保護法と条例を学びます。",
    );
    let rebuilt = rebuild(&mut preview, &body);
    assert_eq!(rebuilt.pages, 1, "a body edit renders its own page only");
    site.assert_matches_full_build("body edit");

    let title = site.edit(
        "content/modules/security/basics.md",
        "title: 情報セキュリティの基本",
        "title: セキュリティの基本",
    );
    let rebuilt = rebuild(&mut preview, &title);
    assert!(
        rebuilt.pages > 1,
        "a title edit renders the pages that list the module"
    );
    site.assert_matches_full_build("title edit");

    let level = site.edit(
        "content/modules/security/privacy.md",
        "level: 1",
        "level: 2",
    );
    rebuild(&mut preview, &level);
    site.assert_matches_full_build("level edit");

    let skills = site.edit(
        "content/modules/tools/spreadsheet.md",
        "skills: [tool-spreadsheet]",
        "skills: [tool-spreadsheet, privacy]",
    );
    rebuild(&mut preview, &skills);
    site.assert_matches_full_build("skills edit");

    let added = site.write(
        "content/modules/tools/new-one.md",
        "---\ntitle: 新しいモジュール\nskills: [privacy]\nlevel: 1\n---\n\n本文です。\n",
    );
    rebuild(&mut preview, &added);
    site.assert_matches_full_build("module added");

    let removed = site.remove("content/modules/tools/new-one.md");
    rebuild(&mut preview, &removed);
    site.assert_matches_full_build("module removed");

    let page = site.edit(
        "content/pages/guide.md",
        "title: 使い方",
        "title: ポータルの使い方",
    );
    rebuild(&mut preview, &page);
    site.assert_matches_full_build("page title edit");

    let media = site.write("content/modules/security/diagram.png", "not really a png");
    rebuild(&mut preview, &media);
    site.assert_matches_full_build("media edit");
}

#[test]
fn media_static_and_renamed_files_match_full_builds() {
    let site = Fixture::new();
    let mut preview = Preview::new(&site.root, false, &site.out, None);
    rebuild(&mut preview, &Changes::default());

    // A body edit and new bytes of a media file in one batch.
    let mut both = site.edit(
        "content/modules/security/privacy.md",
        "個人情報保護法を学びます。",
        "個人情報保護法と条例を学びます。",
    );
    both.paths.extend(
        site.write("content/modules/security/diagram.png", "another png")
            .paths,
    );
    rebuild(&mut preview, &both);
    site.assert_matches_full_build("body and media edit");

    let robots = site.write("content/static/humans.txt", "kenshu");
    rebuild(&mut preview, &robots);
    site.assert_matches_full_build("static file added");

    let from = site.root.join("content/modules/tools/spreadsheet.md");
    let to = site.root.join("content/modules/tools/sheets.md");
    fs::rename(&from, &to).unwrap();
    let renamed = Changes::of(&site.root, [from.as_path(), to.as_path()]);
    rebuild(&mut preview, &renamed);
    site.assert_matches_full_build("module file renamed");
}

#[test]
fn body_edits_render_the_pages_that_show_what_changed() {
    let site = Fixture::new();
    let mut preview = Preview::new(&site.root, false, &site.out, None);
    rebuild(&mut preview, &Changes::default());

    let question = site.edit(
        "content/modules/security/privacy.md",
        "```quiz\n",
        "```quiz\n- question: 追加の問い\n  answer: true\n  explanation: はい。\n",
    );
    let rebuilt = rebuild(&mut preview, &question);
    assert!(
        rebuilt.pages > 1,
        "a new question changes the count that listing pages show"
    );
    site.assert_matches_full_build("question added");

    let body = site.edit(
        "content/modules/security/privacy.md",
        "個人情報保護法を学びます。",
        "個人情報保護法を一から学びます。",
    );
    assert_eq!(rebuild(&mut preview, &body).pages, 1);
    site.assert_matches_full_build("body edit after a new question");

    // The heading basics.md links to goes: no build, as a full build fails.
    let heading = site.edit(
        "content/modules/security/privacy.md",
        "## 概要",
        "## あらまし",
    );
    assert!(preview.rebuild(&heading).is_err());
    let fixed = site.edit(
        "content/modules/security/privacy.md",
        "## あらまし",
        "## 概要",
    );
    rebuild(&mut preview, &fixed);
    site.assert_matches_full_build("heading back");
}

#[test]
fn a_rescan_finds_the_changes_the_watcher_missed() {
    let site = Fixture::new();
    let mut preview = Preview::new(&site.root, false, &site.out, None);
    rebuild(&mut preview, &Changes::default());

    // Not reported: the watcher lost it.
    site.edit(
        "content/modules/security/basics.md",
        "title: 情報セキュリティの基本",
        "title: 報告されなかった題名",
    );
    preview.rescan();
    let body = site.edit(
        "content/modules/security/privacy.md",
        "個人情報保護法を学びます。",
        "個人情報保護法を一から学びます。",
    );
    rebuild(&mut preview, &body);
    site.assert_matches_full_build("after a rescan");
}

#[test]
fn errors_keep_the_last_good_output_until_fixed() {
    let site = Fixture::new();
    let mut preview = Preview::new(&site.root, false, &site.out, None);
    rebuild(&mut preview, &Changes::default());
    let before = files_of(&site.out);

    // An edit to one module, then an error in another: nothing is written.
    let good = site.edit(
        "content/modules/security/privacy.md",
        "個人情報保護法を学びます。",
        "個人情報保護法を詳しく学びます。",
    );
    let bad = site.edit("content/modules/security/basics.md", "level: 1", "level: 9");
    let mut both = good.clone();
    both.paths.extend(bad.paths);
    match preview.rebuild(&both) {
        Err(BuildError::Invalid(d)) => assert!(d.has_errors()),
        other => panic!("expected errors, got {other:?}"),
    }
    assert_eq!(
        files_of(&site.out),
        before,
        "a failed rebuild writes nothing"
    );

    // The fix builds both edits, the earlier one included.
    let fixed = site.edit("content/modules/security/basics.md", "level: 9", "level: 1");
    rebuild(&mut preview, &fixed);
    site.assert_matches_full_build("fixed");
}

#[test]
fn theme_and_config_changes_rebuild_everything() {
    let site = Fixture::new();
    let mut preview = Preview::new(&site.root, false, &site.out, None);
    rebuild(&mut preview, &Changes::default());

    let builtin = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/page.html"),
    )
    .unwrap();
    let template = site.write(
        "themes/default/templates/page.html",
        &builtin.replacen("{% block content %}", "{% block content %}<p>custom</p>", 1),
    );
    rebuild(&mut preview, &template);
    site.assert_matches_full_build("template edit");
    assert!(fs::read_to_string(site.out.join("guide/index.html"))
        .unwrap()
        .contains("<p>custom</p>"));

    let config = site.edit("content/site.yaml", "title: ", "title: 新");
    let rebuilt = rebuild(&mut preview, &config);
    assert!(rebuilt.pages > 5);
    site.assert_matches_full_build("site.yaml edit");
}

#[test]
fn a_broken_template_fails_every_rebuild_until_fixed() {
    let site = Fixture::new();
    let mut preview = Preview::new(&site.root, false, &site.out, None);
    rebuild(&mut preview, &Changes::default());
    let before = files_of(&site.out);

    let broken = site.write("themes/default/templates/page.html", "{% block content %");
    assert!(preview.rebuild(&broken).is_err());
    // A content edit alone must not build with the old, good theme.
    let body = site.edit(
        "content/modules/security/privacy.md",
        "個人情報保護法を学びます。",
        "個人情報保護法を一から学びます。",
    );
    assert!(preview.rebuild(&body).is_err(), "the theme is still broken");
    assert_eq!(files_of(&site.out), before);

    std::fs::remove_file(site.root.join("themes/default/templates/page.html")).unwrap();
    let fixed = Changes::of(
        &site.root,
        [site
            .root
            .join("themes/default/templates/page.html")
            .as_path()],
    );
    rebuild(&mut preview, &fixed);
    site.assert_matches_full_build("theme fixed");
}

#[test]
fn a_layout_problem_fails_every_rebuild_until_fixed() {
    let site = Fixture::new();
    let mut preview = Preview::new(&site.root, false, &site.out, None);
    rebuild(&mut preview, &Changes::default());
    let before = files_of(&site.out);

    // A static file at the path of the home page.
    let clash = site.write("content/static/index.html", "<p>mine</p>");
    assert!(preview.rebuild(&clash).is_err());
    let options = BuildOptions {
        root: site.root.clone(),
        out: Some(site.root.parent().unwrap().join("full")),
        drafts: false,
    };
    assert!(build_site(&options).is_err(), "a full build fails too");
    // Edits that change no output path do not hide it.
    let title = site.edit(
        "content/modules/security/basics.md",
        "title: 情報セキュリティの基本",
        "title: セキュリティの基本",
    );
    assert!(preview.rebuild(&title).is_err());
    let body = site.edit(
        "content/modules/security/privacy.md",
        "個人情報保護法を学びます。",
        "個人情報保護法を一から学びます。",
    );
    assert!(preview.rebuild(&body).is_err());
    assert_eq!(files_of(&site.out), before);

    let fixed = site.remove("content/static/index.html");
    rebuild(&mut preview, &fixed);
    site.assert_matches_full_build("clash removed");
}

fn page_text(site: &Fixture, path: &str) -> String {
    fs::read_to_string(site.out.join(path)).unwrap()
}

#[test]
fn the_page_of_an_edited_module_is_written_before_the_pages_listing_it() {
    let site = Fixture::new();
    let mut preview = Preview::new(&site.root, false, &site.out, None);
    rebuild(&mut preview, &Changes::default());
    let role = "roles/general-staff/index.html";
    assert!(page_text(&site, role).contains("情報セキュリティの基本"));

    let title = site.edit(
        "content/modules/security/basics.md",
        "title: 情報セキュリティの基本",
        "title: セキュリティの基本を学ぶ",
    );
    let rebuilt = preview.rebuild(&title).unwrap();
    assert_eq!(rebuilt.pages, 1, "only the module's own page comes first");
    assert!(page_text(&site, "modules/basics/index.html").contains("セキュリティの基本を学ぶ"));
    assert!(
        rebuilt.later.iter().any(|p| p == role),
        "the role page is left for later: {:?}",
        rebuilt.later
    );
    assert!(!rebuilt
        .later
        .iter()
        .any(|p| p.starts_with("modules/basics/")));
    assert!(
        !page_text(&site, role).contains("セキュリティの基本を学ぶ"),
        "the role page is written in the second step"
    );

    // The pages, and what the site's assets say of the module.
    assert!(rebuilt.later.iter().any(|p| p == "assets/curricula.js"));
    let later = preview.write_later().unwrap();
    assert!(later.pages >= 2 && later.pages < rebuilt.later.len());
    assert!(later.written >= 2);
    assert!(page_text(&site, role).contains("セキュリティの基本を学ぶ"));
    assert_eq!(preview.write_later().unwrap(), WrittenLater::default());
    preview.write_search_index().unwrap();
    site.assert_matches_full_build("title edit in two steps");
}

#[test]
fn a_listing_page_that_fails_leaves_every_listing_page_as_it_was() {
    let site = Fixture::new();
    // A role page that cannot be rendered once a module's title has 壊.
    let role_template = fs::read_to_string("themes/default/templates/role.html").unwrap();
    let failing = role_template.replacen(
        "{% if curriculum %}",
        "{% for c in curriculum %}{% if \"壊\" in c.title %}{{ 1 // 0 }}{% endif %}{% endfor %}{% if curriculum %}",
        1,
    );
    assert_ne!(failing, role_template);
    site.write("themes/default/templates/role.html", &failing);
    let mut preview = Preview::new(&site.root, false, &site.out, None);
    rebuild(&mut preview, &Changes::default());
    let before = files_of(&site.out);

    let title = site.edit(
        "content/modules/security/basics.md",
        "title: 情報セキュリティの基本",
        "title: 壊れた題名",
    );
    let rebuilt = preview.rebuild(&title).unwrap();
    assert!(!rebuilt.later.is_empty());
    match preview.write_later() {
        Err(BuildError::Invalid(d)) => assert!(d.has_errors()),
        other => panic!("expected a template error, got {other:?}"),
    }
    let after = files_of(&site.out);
    for path in &rebuilt.later {
        assert_eq!(after.get(path), before.get(path), "{path} was written");
    }

    // Fixed: the next rebuild renders every page again.
    let fixed = site.edit(
        "content/modules/security/basics.md",
        "title: 壊れた題名",
        "title: 直した題名",
    );
    let rebuilt = rebuild(&mut preview, &fixed);
    assert!(
        rebuilt.later.is_empty()
            && rebuilt.pages == all_pages(preview.site.as_ref().unwrap()).len(),
        "every page is rendered again, in one step"
    );
    site.assert_matches_full_build("after the failed second step");
}
