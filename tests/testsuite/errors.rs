//! Errors that need more than one check run or a build: all of them in
//! one run, nothing written, no panic on hostile input, template errors.
//! Single diagnostics are cases in tests/cases/ (see cases.rs).

use crate::common::TestSite;

/// The basic fixture with one file replaced.
fn site_with(path: &str, text: &str) -> TestSite {
    let site = TestSite::fixture("basic");
    site.write(path, text);
    site
}

fn module(front: &str, body: &str) -> String {
    format!("---\n{front}---\n{body}")
}

const MODULE: &str = "content/modules/security/basics.md";

#[test]
fn every_error_is_reported_in_one_run() {
    let site = TestSite::fixture("basic");
    site.write(
        MODULE,
        &module(
            "title: 基本\nskills: [nope]\nresources: [nada]\n",
            "[x](gone.md)\n",
        ),
    );
    site.write(
        "content/modules/tools/spreadsheet.md",
        &module("title: 表\nskills: [tool-spreadsheet]\nlevel: 7\n", ""),
    );
    site.write("content/site.yaml", "title: T\npass_score: 0\n");
    let result = site.build();
    result.assert_failure();
    let errors = result
        .stderr
        .lines()
        .filter(|l| l.starts_with("エラー: "))
        .count();
    assert!(
        errors >= 5,
        "expected every error at once, got {errors}:\n{}",
        result.stderr
    );
    assert!(
        !site.path("public").exists(),
        "nothing may be written when there are errors"
    );
}

#[test]
fn missing_site_files_and_folders() {
    let site = TestSite::empty();
    site.check()
        .assert_failure()
        .assert_diagnostic("エラー: content: ");
    site.write("content/modules/a.md", "");
    site.check()
        .assert_failure()
        .assert_diagnostic("エラー: content/site.yaml: content/site.yaml がありません")
        .assert_diagnostic("エラー: content/skills.yaml: content/skills.yaml がありません");
}

#[test]
fn hostile_inputs_never_panic() {
    let cases = [
        "",
        "---",
        "---\n---\n",
        "---\n: : :\n---\n",
        "---\ntitle: x\nskills: security-literacy\n---\n",
        "---\ntitle: x\nskills: [security-literacy]\nlevel: -1\n---\n",
        "---\ntitle: x\nskills: [security-literacy]\nduration: 99999999999999\n---\n",
        "---\ntitle: x\nskills: [security-literacy]\n---\n```quiz\n",
        "---\ntitle: x\nskills: [security-literacy]\n---\n```quiz\n- question: q\n  answer: {a: 1}\n```\n",
        "---\ntitle: x\nskills: [security-literacy]\n---\n```quiz\n[]\n```\n[a](<>)\n![](\u{0})\n",
        "---\ntitle: x\nskills: [security-literacy]\n---\n[a](../../../../../../etc/passwd)\n[b](/abs.md)\n",
        "\u{feff}---\r\ntitle: x\r\nskills: [security-literacy]\r\n---\r\nCRLF本文\r\n",
    ];
    for text in cases {
        let site = site_with(MODULE, text);
        let result = site.check();
        assert!(
            !result.stderr.contains("panicked"),
            "panic on {text:?}:\n{}",
            result.stderr
        );
        assert!(
            result.code == 0 || result.code == 1,
            "unexpected exit {} on {text:?}",
            result.code
        );
        if result.code == 1 {
            assert!(
                result.stderr.contains(&format!("{MODULE}:")),
                "error without location for {text:?}:\n{}",
                result.stderr
            );
        }
    }
}

#[test]
fn template_errors_name_the_site_theme_file_and_line() {
    let site = TestSite::fixture("basic");
    site.write("content/site.yaml", "title: T\ntheme: mine\n");
    site.write(
        "themes/mine/templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ ui.no_such.key }}</p>\n{% endblock %}\n",
    );
    site.build().assert_failure().assert_diagnostic(
        "エラー: themes/mine/templates/404.html:3:9: テンプレートのエラー: undefined value",
    );
    // check renders one page of each kind, so it finds the error too.
    site.check().assert_failure().assert_diagnostic(
        "エラー: themes/mine/templates/404.html:3:9: テンプレートのエラー: undefined value",
    );
    site.write(
        "themes/mine/templates/module.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ module.no_such_field }}{% endblock %}\n",
    );
    site.check().assert_failure().assert_diagnostic(
        "エラー: themes/mine/templates/module.html:2:23: テンプレートのエラー: undefined value",
    );
    std::fs::remove_file(site.path("themes/mine/templates/module.html")).expect("remove");
    site.write("themes/mine/templates/404.html", "{% if %}\n");
    site.check().assert_failure().assert_diagnostic(
        "エラー: themes/mine/templates/404.html:1:7: テンプレートのエラー: syntax error",
    );
    site.write("content/site.yaml", "title: T\ntheme: missing\n");
    site.check().assert_failure().assert_diagnostic(
        "エラー: content/site.yaml:2:8: テーマ「missing」が themes/ にありません",
    );
}

#[test]
fn theme_strings_with_unusable_quiz_words_are_reported_at_the_strings_file() {
    let site = TestSite::fixture("basic");
    site.write("content/site.yaml", "title: T\ntheme: mine\n");
    site.write(
        "themes/mine/i18n/ja.yaml",
        "common:\n  home: ホーム\nquiz:\n  check: [回答, する]\n",
    );
    site.check().assert_failure().assert_diagnostic(
        "エラー: themes/mine/i18n/ja.yaml:1:1: テーマの文字列に使える quiz: の部分がありません（invalid type: sequence, expected a string）",
    );
}

#[test]
fn check_reports_exactly_what_build_reports() {
    // check skips writing HTML and search text; it must find the same problems.
    let body = "本文[リンク](../nowhere/gone.md)\n\n![図](missing.png)\n\n```quiz\n- question: 問い\n  choices:\n    - text: A\n    - text: B\n- question: 二問目\n  answer: [x\n```\n";
    let site = site_with(
        MODULE,
        &module(
            "title: 基本\nskills: [security-literacy, no-such-skill]\n",
            body,
        ),
    );
    let check = site.check();
    let build = site.build();
    check.assert_failure();
    build.assert_failure();
    let errors = |stderr: &str| -> Vec<String> {
        stderr
            .lines()
            .filter(|l| l.starts_with("エラー: ") || l.starts_with("警告: "))
            .map(str::to_string)
            .collect()
    };
    let found = errors(&check.stderr);
    assert!(
        found.len() >= 3,
        "expected several problems:\n{}",
        check.stderr
    );
    assert_eq!(found, errors(&build.stderr));
}

#[test]
fn draw_must_fit_the_questions_and_prototype_names_are_no_ids() {
    let quiz = "```quiz\n- question: a\n  answer: true\n- question: b\n  answer: false\n```\n";
    let site = site_with(
        MODULE,
        &module("title: 基本\nskills: [security-literacy]\ndraw: 3\n", quiz),
    );
    site.write(
        "content/modules/security/constructor.md",
        &module("title: 名前\nskills: [security-literacy]\n", "本文\n"),
    );
    site.write(
        "content/modules/security/pinned.md",
        &module(
            "title: 固定\nskills: [security-literacy]\ndraw: 1\n",
            "```quiz\n- question: c\n  shuffle: false\n  choices:\n    - text: x\n      correct: true\n    - text: y\n- question: d\n  ignore: ・\n  answer: [データ・ベース]\n```\n",
        ),
    );
    let result = site.check();
    assert!(
        !result.stderr.contains("pinned.md"),
        "shuffle, ignore and a fitting draw are fine: {}",
        result.stderr
    );
    result
        .assert_failure()
        .assert_diagnostic(&format!(
            "エラー: {MODULE}:4:7: draw: 3 は出題数として使えません（このモジュールの問題は 2 問です）"
        ))
        .assert_diagnostic(
            "エラー: content/modules/security/constructor.md: ファイル名「constructor」はモジュールIDに使えません",
        );
}
