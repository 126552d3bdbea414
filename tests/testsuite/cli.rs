//! The command line as authors and tools use it: message language,
//! machine-readable output, new modules with Japanese names, and commands
//! started where there is no site.

use crate::common::TestSite;
use std::process::Command;

const MODULE: &str = "content/modules/security/basics.md";

fn with_unknown_skill() -> TestSite {
    let site = TestSite::fixture("basic");
    let text = site
        .read(MODULE)
        .replacen("skills: [", "skills: [securty-literacy, ", 1);
    site.write(MODULE, &text);
    site
}

#[test]
fn check_format_json_prints_one_object_per_problem() {
    let site = with_unknown_skill();
    let result = site.run(&["check", "--format", "json"]);
    result.assert_failure();
    let objects: Vec<serde_json::Value> = result
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let unknown = objects
        .iter()
        .find(|o| o["code"] == "module.unknown-skill")
        .unwrap_or_else(|| panic!("{}", result.stdout));
    assert_eq!(unknown["path"], MODULE);
    assert_eq!(unknown["severity"], "error");
    assert!(unknown["line"].as_u64().unwrap() >= 2);
    assert!(unknown["column"].as_u64().unwrap() >= 1);
    assert!(unknown["message"]
        .as_str()
        .unwrap()
        .contains("securty-literacy"));
    assert!(unknown["hint"].as_str().unwrap().contains("skills.yaml"));
}

#[test]
fn lang_en_and_language_en_speak_english() {
    let site = with_unknown_skill();
    site.run(&["check", "--lang", "en"])
        .assert_failure()
        .assert_diagnostic(&format!("error: {MODULE}:"));
    let result = site.run(&["check", "--lang", "en"]);
    assert!(
        result
            .stderr
            .contains("unknown skill \"securty-literacy\" (did you mean \"security-literacy\"?)"),
        "{}",
        result.stderr
    );
    assert!(result.stderr.contains("  hint: "), "{}", result.stderr);
    let config = site.read("content/site.yaml");
    site.write("content/site.yaml", &format!("{config}language: en\n"));
    site.check()
        .assert_failure()
        .assert_diagnostic(&format!("error: {MODULE}:"));
    site.run(&["check", "--lang", "ja"])
        .assert_failure()
        .assert_diagnostic(&format!("エラー: {MODULE}:"));
}

#[test]
fn new_module_with_a_japanese_name_and_an_id() {
    let site = TestSite::fixture("basic");
    site.run(&[
        "new",
        "module",
        "基礎/個人情報の基本.md",
        "--skill",
        "privacy",
    ])
    .assert_success();
    let text = site.read("content/modules/基礎/個人情報の基本.md");
    assert!(text.contains("\nupdated: 20"), "{text}");
    site.run(&[
        "new",
        "module",
        "基礎/パスワード.md",
        "--skill",
        "security-literacy",
        "--id",
        "password-basics",
    ])
    .assert_success();
    assert!(site
        .read("content/modules/基礎/パスワード.md")
        .starts_with("---\nid: \"password-basics\"\n"));
    site.build().assert_success();
    assert!(site
        .path("public/modules/個人情報の基本/index.html")
        .is_file());
    assert!(site
        .path("public/modules/password-basics/index.html")
        .is_file());
    site.run(&["new", "module", "構成図 (1).md", "--skill", "privacy"])
        .assert_failure()
        .assert_diagnostic("エラー: ");
}

#[test]
fn new_module_refuses_an_id_that_differs_only_in_case_or_normalisation() {
    let site = TestSite::fixture("basic");
    let new = |path: &str, id: Option<&str>| {
        let mut args = vec!["new", "module", path, "--skill", "privacy"];
        args.extend(id.map(|id| ["--id", id]).into_iter().flatten());
        site.run(&args)
    };
    new("tools/Basics.md", None)
        .assert_failure()
        .assert_diagnostic("エラー: content/modules/tools/Basics.md: モジュールID「Basics」は content/modules/security/basics.md のID「basics」と大文字・小文字か Unicode の正規化だけが違います");
    new("other.md", Some("basics"))
        .assert_failure()
        .assert_diagnostic(
            "エラー: content/modules/other.md: モジュールID「basics」は content/modules/security/basics.md がすでに使っています",
        );
    assert!(!site.path("content/modules/tools/Basics.md").exists());
    assert!(!site.path("content/modules/other.md").exists());
    let nfc = "ガイド";
    let nfd: String = unicode_normalization::UnicodeNormalization::nfd(nfc).collect();
    assert_ne!(nfc, nfd);
    new(&format!("{nfd}.md"), None).assert_success();
    assert!(
        site.path(&format!("content/modules/{nfc}.md")).is_file(),
        "the name is written in NFC"
    );
    new(&format!("{nfc}.md"), None)
        .assert_failure()
        .assert_diagnostic(&format!("エラー: content/modules/{nfc}.md: モジュールID「{nfc}」は content/modules/{nfc}.md がすでに使っています"));
    site.check().assert_success();
}

#[test]
fn new_module_quotes_any_title_and_id_it_is_given() {
    let site = TestSite::fixture("basic");
    let title = "a\"b: c # d\ne \\ f";
    site.run(&[
        "new", "module", "yes.md", "--skill", "privacy", "--title", title, "--id", "2026",
    ])
    .assert_success();
    site.check().assert_success();
    site.build().assert_success();
    let page = site.read("public/modules/2026/index.html");
    assert!(
        page.contains("a&quot;b: c # d e \\ f") || page.contains("a\"b: c # d e \\ f"),
        "the title as given, on one line"
    );
}

#[test]
fn serve_where_there_is_no_site_says_so_and_fails() {
    let empty = TestSite::empty();
    let output = Command::new(crate::common::kenshu_bin())
        .args(["serve", "--port", "0"])
        .current_dir(empty.root())
        .output()
        .expect("run kenshu serve");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("content/ フォルダーがありません"),
        "{stderr}"
    );
}

#[test]
fn init_suggests_serve_after_the_files_it_made() {
    let empty = TestSite::empty();
    let result = empty.run(&["init", "新しいサイト"]);
    result.assert_success();
    let last = result.stdout.lines().last().unwrap_or_default();
    assert!(
        last.contains("kenshu serve --root 新しいサイト"),
        "{}",
        result.stdout
    );
    empty
        .run(&["check", "--root", "新しいサイト"])
        .assert_success();
}

#[test]
fn a_new_site_whose_only_module_has_an_error_reports_it() {
    let empty = TestSite::empty();
    empty.run(&["init", "s"]).assert_success();
    let module = "s/content/modules/security-literacy.md";
    let text = empty.read(module).replacen("level: 1", "level: 9", 1);
    empty.write(module, &text);
    let result = empty.run(&["check", "--root", "s"]);
    assert_eq!(result.code, 1, "{}", result.stderr);
    assert!(
        result
            .stderr
            .contains("content/modules/security-literacy.md:4:8: level は"),
        "{}",
        result.stderr
    );
    assert!(!result.stderr.contains("panicked"), "{}", result.stderr);
}

#[test]
fn links_and_prerequisites_in_nfc_find_a_module_named_in_nfd() {
    let site = TestSite::fixture("basic");
    // ガイド as a Mac or a zip writes it: カ + combining dakuten.
    let nfd = "\u{30ab}\u{3099}イド";
    site.write(
        &format!("content/modules/tools/{nfd}.md"),
        "---\ntitle: ガイド\nskills: [privacy]\n---\n## 概要\n本文\n",
    );
    let text =
        site.read(MODULE)
            .replacen("skills: [", "prerequisites: [\u{30ac}イド]\nskills: [", 1)
            + "\n[ガイド](../tools/\u{30ac}イド.md#概要)\n";
    site.write(MODULE, &text);
    let result = site.check();
    result.assert_success();
    site.run(&["build", "--root", "."]).assert_success();
    let page = site.read("public/modules/basics/index.html");
    // ガイド/index.html#概要, percent-encoded.
    assert!(
        page.contains("%E3%82%AC%E3%82%A4%E3%83%89/index.html#%E6%A6%82%E8%A6%81\""),
        "the link leads to the module's heading"
    );
}

#[test]
fn an_nfd_file_name_collides_with_its_nfc_twin() {
    let site = TestSite::fixture("basic");
    let nfc = "content/modules/tools/\u{30ac}イド.md";
    let nfd = "content/modules/security/\u{30ab}\u{3099}イド.md";
    assert_ne!(nfc.len(), nfd.len(), "one name is NFC, the other NFD");
    let front = "---\ntitle: ガイド\nskills: [privacy]\n---\n本文\n";
    site.write(nfc, front);
    site.write(nfd, front);
    let result = site.check();
    result.assert_failure();
    assert!(
        result.stderr.contains("モジュールID「ガイド」が") || result.stderr.contains("と出力先"),
        "{}",
        result.stderr
    );
}
