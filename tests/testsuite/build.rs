//! Building fixture sites: which pages are written and what they contain.

use crate::common::TestSite;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn built() -> TestSite {
    let site = TestSite::fixture("basic");
    site.build().assert_success();
    site
}

#[test]
fn writes_every_page_at_its_stable_url() {
    let site = built();
    for page in [
        "public/index.html",
        "public/404.html",
        "public/roles/general-staff/index.html",
        "public/roles/dx-promoter/index.html",
        "public/modules/basics/index.html",
        "public/modules/privacy/index.html",
        "public/modules/spreadsheet/index.html",
        "public/skills/index.html",
        "public/skills/security-literacy/index.html",
        "public/resources/index.html",
        "public/search/index.html",
        "public/progress/index.html",
        "public/guide/index.html",
        "public/assets/site-config.js",
        "public/assets/search/meta.js",
        "public/robots.txt",
        "public/media/modules/security/diagram.png",
    ] {
        assert!(site.path(page).is_file(), "{page} was not written");
    }
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = built();
    assert!(!site.path("public/modules/draft-module").exists());
    site.run(&["build", "--drafts"]).assert_success();
    assert!(site
        .path("public/modules/draft-module/index.html")
        .is_file());
}

#[test]
fn module_page_has_its_parts() {
    let site = built();
    let html = site.read("public/modules/basics/index.html");
    assert!(html.contains("<html lang=\"ja\">"));
    assert_eq!(html.matches("<h1").count(), 1, "one h1 per page");
    assert!(html.contains("<h1>情報セキュリティの基本</h1>"));
    // Links between modules point to module pages, relative to this page.
    assert!(
        html.contains("href=\"../../modules/privacy/index.html#%E6%A6%82%E8%A6%81\""),
        "module link not rewritten"
    );
    // Images beside the module are copied and linked relatively.
    assert!(html.contains("src=\"../../media/modules/security/diagram.png\""));
    // Quiz questions as accessible form controls, answers carried as data.
    // Each question carries its stable id (q + 8 hex digits) for the learning records.
    let single = "<fieldset class=\"question\" id=\"q1\" data-kind=\"single\" data-question-id=\"q";
    let at = html.find(single).expect("q1 with its question id") + single.len();
    let id = &html[at..at + 8];
    assert!(
        id.chars().all(|c| c.is_ascii_hexdigit()) && html[at + 8..].starts_with("\">"),
        "question id q{id}"
    );
    assert!(html.contains("data-kind=\"true-false\" data-question-id=\"q"));
    assert!(html.contains(" data-truth=\"false\">"));
    assert!(html.contains("<label for=\"q1-c1\">LGWAN接続系</label>"));
    assert!(html.contains("data-pass-score=\"80\""));
    // Its resources, skills and the curricula that use it.
    assert!(html.contains("https://manabi-dx.ipa.go.jp/"));
    assert!(html.contains("href=\"../../skills/security-literacy/index.html\""));
    assert!(
        html.contains("href=\"../../roles/dx-promoter/index.html\""),
        "inherited curricula listed"
    );
}

#[test]
fn role_pages_show_inherited_skills_and_study_order() {
    let site = built();
    let html = site.read("public/roles/dx-promoter/index.html");
    for skill in [
        "セキュリティリテラシー",
        "プライバシー保護理解",
        "ツール活用（表計算）",
    ] {
        assert!(
            html.contains(skill),
            "skill {skill} missing from the role page"
        );
    }
    let order: Vec<usize> = [
        "modules/basics/",
        "modules/privacy/",
        "modules/spreadsheet/",
    ]
    .iter()
    .map(|m| {
        html.find(&format!("href=\"../../{m}index.html\">"))
            .unwrap_or_else(|| panic!("{m} missing"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "curriculum not in study order: {order:?}"
    );
    // Each module is linked once: the steps count their modules instead of
    // listing them again, so a large curriculum stays one list long.
    for m in [
        "modules/basics/",
        "modules/privacy/",
        "modules/spreadsheet/",
    ] {
        let links = html
            .matches(&format!("href=\"../../{m}index.html\""))
            .count();
        assert_eq!(links, 1, "{m} linked {links} times on the role page");
    }
    assert!(html.contains("90分"), "total study time");
    let general = site.read("public/roles/general-staff/index.html");
    // Step1 has a level: it lists the modules that make it; Step2 is an experience goal.
    assert!(general.contains("data-step-level=\"1\" data-step-modules=\"basics privacy\""));
    assert!(general.contains("実務経験（OJT）で到達する目標です"));
    assert!(
        !general.contains("modules/spreadsheet/"),
        "a parent role must not get the child's modules"
    );
}

#[test]
fn skill_matrix_marks_own_inherited_and_gaps() {
    let site = TestSite::fixture("basic");
    // A skill with no module is a gap (and a warning, not an error).
    let skills = site.read("content/skills.yaml").replace(
        "roles:",
        "  - id: bi\n    name: ツール活用（BIツール）\n    category: efficiency\nroles:",
    );
    site.write("content/skills.yaml", &skills);
    let result = site.build();
    result
        .assert_success()
        .assert_diagnostic("警告: content/skills.yaml:");
    let html = site.read("public/skills/index.html");
    assert!(html.contains("matrix__cell--own"));
    assert!(html.contains("matrix__cell--inherited"));
    assert!(html.contains("class=\"matrix__gap\""));
}

#[test]
fn every_internal_url_is_relative_and_nothing_leaves_the_site() {
    let site = built();
    for (path, html) in html_files(&site.path("public")) {
        for attr in ["href=\"", "src=\""] {
            for url in html
                .split(attr)
                .skip(1)
                .map(|rest| &rest[..rest.find('"').unwrap()])
            {
                let allowed_external = attr == "href=\"" && url.starts_with("https://");
                assert!(!url.starts_with('/'), "{path}: root-absolute URL {url}");
                assert!(
                    allowed_external || !url.contains("://"),
                    "{path}: external {attr}{url}"
                );
            }
        }
        assert!(
            !html.contains("<script>") && !html.contains("style=\""),
            "{path}: inline script or style"
        );
    }
}

#[test]
fn same_input_gives_byte_identical_output() {
    let site = built();
    let first = snapshot(&site.path("public"));
    site.build().assert_success();
    assert_eq!(first, snapshot(&site.path("public")));
}

#[test]
fn search_index_holds_japanese_bigrams() {
    let site = built();
    let index: String = fs::read_dir(site.path("public/assets/search"))
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    for bigram in ["\"三層\"", "\"層分\"", "\"分離\"", "\"bp\"", "\"pr\""] {
        assert!(index.contains(bigram), "bigram {bigram} not indexed");
    }
    // A resource found by search leads to its own card in the catalogue.
    assert!(index.contains("resources/index.html#resource-manabi-dx"));
}

/// The index's meta file as JSON (the script assigns one object).
fn search_meta(site: &TestSite) -> serde_json::Value {
    let script = site.read("public/assets/search/meta.js");
    let json = script
        .split_once("]=")
        .map_or("", |(_, rest)| rest.trim_end());
    serde_json::from_str(json.trim_end_matches(';')).expect("meta.js holds JSON")
}

#[test]
fn search_synonyms_come_from_site_yaml_or_the_defaults() {
    let site = built();
    let defaults = search_meta(&site)["synonyms"].to_string();
    assert!(defaults.contains(r#"["えくせる","excel"]"#), "{defaults}");

    let config = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        &format!("{config}search:\n  synonyms:\n    - [申請書, フォーム]\n"),
    );
    site.build().assert_success();
    let groups = search_meta(&site)["synonyms"].clone();
    assert_eq!(groups, serde_json::json!([["申請書", "ふぉーむ"]]));
}

#[test]
fn search_index_has_a_file_per_document_with_its_sections() {
    let site = built();
    let meta = search_meta(&site);
    let count = meta["docCount"].as_u64().unwrap();
    for number in 0..count {
        let path = format!("public/assets/search/doc-{number}.js");
        assert!(site.path(&path).is_file(), "{path} missing");
    }
    assert!(!site
        .path(&format!("public/assets/search/doc-{count}.js"))
        .exists());
    // Modules come first; their sections carry the headings' anchors.
    assert_eq!(meta["kinds"][0][0], "module");
    let first = site.read("public/assets/search/doc-0.js");
    assert!(first.contains("modules/"), "{first}");
}

#[test]
fn a_theme_strings_file_changes_only_the_strings_it_holds() {
    let site = TestSite::fixture("basic");
    site.theme_file(
        "i18n/ja.yaml",
        "common:\n  home: はじめに\nquiz:\n  check: 答え合わせ\n",
    );
    site.build().assert_success();
    let html = site.read("public/modules/basics/index.html");
    assert!(html.contains(">はじめに</a>"), "the theme's word");
    assert!(!html.contains(">ホーム</a>"));
    assert!(
        html.contains(">答え合わせ</button>"),
        "the theme's quiz word"
    );
    // Everything else is the built-in theme's.
    assert!(html.contains(">本文へ移動</a>"));
    assert!(html.contains(">検索</button>"));
    assert!(html.contains("<span class=\"question__number\">問1</span>"));
}

#[test]
fn out_flag_and_root_flag_choose_folders() {
    let site = TestSite::fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("site");
    let other = TestSite::empty();
    other
        .run(&[
            "build",
            "--root",
            site.root().to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ])
        .assert_success();
    assert!(out_dir.join("index.html").is_file());
    assert!(!site.path("public").exists());
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = built();
    let before = snapshot(&site.path("public"));
    site.write(
        "content/modules/security/basics.md",
        "---\ntitle: x\nskills: [nope]\n---\n",
    );
    site.build().assert_failure();
    assert_eq!(
        before,
        snapshot(&site.path("public")),
        "previous output changed"
    );
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "only content/ and public/ expected: {leftovers:?}"
    );
}

#[test]
fn a_build_over_the_spare_tree_equals_a_fresh_build() {
    let site = built();
    site.build().assert_success();
    let spares: Vec<_> = fs::read_dir(site.path(".kenshu/spare"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        spares.len() == 1 && spares[0].join(".kenshu-output").is_file(),
        "the previous output is kept as the spare tree: {spares:?}"
    );
    let privacy = site.read("content/modules/security/privacy.md");
    site.write(
        "content/modules/security/privacy.md",
        &privacy.replacen("\n\n", "\n\n追記した段落です。\n\n", 1),
    );
    fs::remove_file(site.path("content/modules/tools/spreadsheet.md")).unwrap();
    fs::write(
        site.path("content/modules/security/diagram.png"),
        b"new image",
    )
    .unwrap();
    site.build().assert_success();
    site.run(&["build", "--out", "fresh"]).assert_success();
    assert_eq!(
        snapshot(&site.path("public")),
        snapshot(&site.path("fresh")),
        "recycling the spare tree must give what a fresh build gives"
    );
    assert!(!site.path("public/modules/spreadsheet").exists());
}

#[test]
fn init_creates_a_site_that_builds_cleanly() {
    let site = TestSite::empty();
    site.run(&["init", "portal"]).assert_success();
    let result = site.run(&["check", "--root", "portal"]);
    result.assert_success();
    assert!(
        result.stderr.is_empty(),
        "init site has diagnostics: {}",
        result.stderr
    );
    site.run(&["build", "--root", "portal"]).assert_success();
    assert!(site
        .path("portal/public/modules/security-literacy/index.html")
        .is_file());
    site.run(&["init", "portal"]).assert_failure();
}

#[test]
fn new_module_is_created_and_builds() {
    let site = TestSite::fixture("basic");
    site.run(&[
        "new",
        "module",
        "security/passwords.md",
        "--skill",
        "security-literacy",
        "--title",
        "パスワード",
    ])
    .assert_success();
    assert!(site
        .read("content/modules/security/passwords.md")
        .contains("title: \"パスワード\""));
    site.check().assert_success();
    site.run(&["new", "module", "x.md", "--skill", "securty-literacy"])
        .assert_failure()
        .assert_diagnostic("エラー: content/skills.yaml: スキル「securty-literacy」は skills.yaml にありません（「security-literacy」の書き間違いではありませんか？）");
    site.run(&[
        "new",
        "module",
        "security/passwords.md",
        "--skill",
        "privacy",
    ])
    .assert_failure();
}

#[test]
fn help_and_version_work() {
    let site = TestSite::empty();
    let version = site.run(&["--version"]);
    version.assert_success();
    assert!(version.stdout.starts_with("kenshu "));
    for command in ["build", "check", "serve", "init"] {
        let help = site.run(&[command, "--help"]);
        help.assert_success();
        assert!(
            help.stdout.contains(&format!("使い方: kenshu {command}")),
            "{command} --help: {}",
            help.stdout
        );
        assert!(help.stdout.contains("オプション:"), "{}", help.stdout);
        assert!(!help.stdout.contains("[default:"), "{}", help.stdout);
        // `kenshu help X` is `kenshu X --help`.
        assert_eq!(site.run(&["help", command]).stdout, help.stdout);
        let english = site.run(&["--lang", "en", command, "--help"]);
        assert!(english.stdout.contains(&format!("Usage: kenshu {command}")));
        // The global option may come before `help`.
        for spelling in [&["--lang", "en", "help"][..], &["--lang=en", "help"][..]] {
            let args: Vec<&str> = spelling.iter().copied().chain([command]).collect();
            let run = site.run(&args);
            run.assert_success();
            assert_eq!(run.stdout, english.stdout, "{args:?}");
        }
    }
    let top = site.run(&["--help"]);
    top.assert_success();
    assert!(
        top.stdout.contains("コマンド:") && top.stdout.contains("ポータルを"),
        "{}",
        top.stdout
    );
}

#[test]
fn usage_errors_say_what_is_wrong_in_japanese_and_exit_2() {
    let site = TestSite::empty();
    let cases: &[(&[&str], &str, &str)] = &[
        (&["build", "--bogus"], "エラー: 「--bogus」という指定はありません", "使い方: kenshu build"),
        (&["biuld"], "エラー: 「biuld」というコマンドはありません（「build」の書き間違いではありませんか？）", "ヒント: kenshu --help"),
        (&["check", "--format", "xml"], "エラー: --format <FORMAT> に「xml」は使えません", "ヒント: 使える値: text, json"),
        (&["serve", "--port", "abc"], "エラー: --port <PORT> に「abc」は使えません", "ヒント: --help"),
        (&["report"], "エラー: --out <OUT> を指定してください", "使い方: kenshu report"),
        (&["--lang", "en", "build", "--bogus"], "error: there is no option --bogus", "Usage: kenshu build"),
    ];
    for (args, first, later) in cases {
        let run = site.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.starts_with(first), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(later), "{args:?}: {}", run.stderr);
        assert!(
            !run.stderr.contains("Usage:") || args[0] == "--lang",
            "{}",
            run.stderr
        );
    }
}

fn html_files(dir: &Path) -> Vec<(String, String)> {
    snapshot(dir)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn not_found_page_uses_base_path_when_given() {
    let site = built();
    assert!(site
        .read("public/404.html")
        .contains("href=\"assets/css/kenshu.css\""));
    let config = site.read("content/site.yaml") + "base_path: /kenshu/\n";
    site.write("content/site.yaml", &config);
    site.build().assert_success();
    assert!(site
        .read("public/404.html")
        .contains("href=\"/kenshu/assets/css/kenshu.css\""));
    assert!(
        site.read("public/index.html")
            .contains("href=\"assets/css/kenshu.css\""),
        "other pages stay relative"
    );
    site.write("content/site.yaml", "title: T\nbase_path: kenshu\n");
    site.check().assert_failure().assert_diagnostic(
        "エラー: content/site.yaml:2:12: base_path の「kenshu」は / で始まるURLのパスではありません",
    );
}

#[test]
fn a_theme_partial_changes_the_resource_card_on_every_page_that_shows_it() {
    let site = TestSite::fixture("basic");
    site.theme_file(
        "templates/partials/resource-card.html",
        "<article class=\"mine\" id=\"resource-{{ r.id }}\"><{{ heading }}>{{ r.title }}</{{ heading }}><a href=\"{{ root }}resources/index.html\">一覧</a></article>\n",
    );
    site.build().assert_success();
    // The module page (root ../../) and the catalogue (root ../) both use
    // the theme's card, each with its own relative link.
    let module = site.read("public/modules/basics/index.html");
    assert!(
        module.contains("<article class=\"mine\" id=\"resource-manabi-dx\"><h3>マナビDX</h3><a href=\"../../resources/index.html\">"),
        "{module}"
    );
    assert!(!module.contains("resource-card__url"));
    let catalogue = site.read("public/resources/index.html");
    assert!(
        catalogue.contains("<article class=\"mine\" id=\"resource-manabi-dx\"><h3>マナビDX</h3><a href=\"../resources/index.html\">"),
        "{catalogue}"
    );
}
