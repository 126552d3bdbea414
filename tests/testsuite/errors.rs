//! Every error an author can cause: its message, its file:line:col, and that
//! all of them are reported in one run without a panic.

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
fn invalid_yaml_in_front_matter() {
    let site = site_with(
        MODULE,
        &module(
            "title: 基本\nskills: [security-literacy\nlevel: 1\n",
            "本文\n",
        ),
    );
    let result = site.check();
    result
        .assert_failure()
        .assert_diagnostic(&format!("error: {MODULE}:4:6: invalid YAML:"));
    // A module that fails to parse does not make every link to it an error too.
    assert_eq!(
        result
            .stderr
            .lines()
            .filter(|l| l.starts_with("error"))
            .count(),
        1,
        "{}",
        result.stderr
    );
}

#[test]
fn unknown_key_in_front_matter_lists_allowed_keys() {
    let site = site_with(
        MODULE,
        &module(
            "title: 基本\nskills: [security-literacy]\nlevle: 2\n",
            "本文\n",
        ),
    );
    let result = site.check();
    result.assert_failure().assert_diagnostic(&format!(
        "error: {MODULE}:4:1: invalid YAML: unknown field `levle`, expected one of"
    ));
    assert!(result.stderr.contains("hint: check the spelling"));
}

#[test]
fn unknown_key_in_site_yaml() {
    let site = site_with("content/site.yaml", "title: T\npass_scor: 70\n");
    site.check()
        .assert_failure()
        .assert_diagnostic("error: content/site.yaml:2:1: invalid YAML: unknown field `pass_scor`");
}

#[test]
fn missing_required_field() {
    let site = site_with(MODULE, &module("skills: [security-literacy]\n", "本文\n"));
    site.check().assert_failure().assert_diagnostic(&format!(
        "error: {MODULE}:2:1: invalid YAML: missing field `title`"
    ));
}

#[test]
fn missing_front_matter() {
    let site = site_with(MODULE, "# 見出しだけ\n");
    site.check()
        .assert_failure()
        .assert_diagnostic(&format!("error: {MODULE}:1:1: missing front matter"));
}

#[test]
fn module_without_skills() {
    let site = site_with(MODULE, &module("title: 基本\nskills: []\n", "本文\n"));
    site.check().assert_failure().assert_diagnostic(&format!(
        "error: {MODULE}:3:1: a module needs at least one skill"
    ));
}

#[test]
fn unknown_skill_with_suggestion() {
    let site = site_with(
        MODULE,
        &module("title: 基本\nskills: [securty-literacy]\n", "本文\n"),
    );
    site.check()
        .assert_failure()
        .assert_diagnostic(&format!("error: {MODULE}:3:10: unknown skill \"securty-literacy\" (did you mean \"security-literacy\"?)"));
}

#[test]
fn unknown_resource_and_module() {
    let front =
        "title: 基本\nskills: [security-literacy]\nresources: [manabi]\nprerequisites: [privcy]\n";
    let site = site_with(MODULE, &module(front, "本文\n"));
    site.check()
        .assert_failure()
        .assert_diagnostic(&format!(
            "error: {MODULE}:4:13: unknown resource \"manabi\" (did you mean \"manabi-dx\"?)"
        ))
        .assert_diagnostic(&format!(
            "error: {MODULE}:5:17: unknown module \"privcy\" (did you mean \"privacy\"?)"
        ));
}

#[test]
fn unknown_role_skill_and_category_in_skills_yaml() {
    let site = TestSite::fixture("basic");
    let text = site
        .read("content/skills.yaml")
        .replace("extends: general-staff", "extends: general-staf")
        .replace("skills: [tool-spreadsheet]", "skills: [tool-spreadshet]")
        .replace("category: efficiency", "category: eficiency");
    site.write("content/skills.yaml", &text);
    site.check()
        .assert_failure()
        .assert_diagnostic("error: content/skills.yaml:17:5: unknown category \"eficiency\" (did you mean \"efficiency\"?)")
        .assert_diagnostic("error: content/skills.yaml:33:5: unknown role \"general-staf\" (did you mean \"general-staff\"?)")
        .assert_diagnostic("error: content/skills.yaml:34:14: unknown skill \"tool-spreadshet\" (did you mean \"tool-spreadsheet\"?)");
}

#[test]
fn duplicate_ids() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/modules/tools/basics.md",
        &module("title: 重複\nskills: [tool-spreadsheet]\n", "本文\n"),
    );
    let skills = site
        .read("content/skills.yaml")
        .replace("  - id: privacy\n", "  - id: security-literacy\n");
    site.write("content/skills.yaml", &skills);
    site.check()
        .assert_failure()
        .assert_diagnostic(
            "error: content/modules/tools/basics.md:1:1: duplicate module id \"basics\"",
        )
        .assert_diagnostic(
            "error: content/skills.yaml:11:5: duplicate skill id \"security-literacy\"",
        );
}

#[test]
fn cycle_in_extends() {
    let site = TestSite::fixture("basic");
    let text = site.read("content/skills.yaml").replace(
        "    description: すべての職員。\n",
        "    description: すべての職員。\n    extends: dx-promoter\n",
    );
    site.write("content/skills.yaml", &text);
    let result = site.check();
    result.assert_failure();
    let cycles: Vec<&str> = result
        .stderr
        .lines()
        .filter(|l| l.contains("roles extend each other in a cycle"))
        .collect();
    assert_eq!(cycles.len(), 1, "one report per cycle:\n{}", result.stderr);
    assert!(cycles[0].starts_with("error: content/skills.yaml:23:5: roles extend each other in a cycle: general-staff → dx-promoter → general-staff"), "{}", cycles[0]);
}

#[test]
fn cycle_in_prerequisites() {
    let site = TestSite::fixture("basic");
    let basics = site.read(MODULE).replace(
        "updated: 2026-04-01\n",
        "updated: 2026-04-01\nprerequisites: [spreadsheet]\n",
    );
    site.write(MODULE, &basics);
    let sheet = site
        .read("content/modules/tools/spreadsheet.md")
        .replace("level: 2\n", "level: 2\nprerequisites: [privacy]\n");
    site.write("content/modules/tools/spreadsheet.md", &sheet);
    let result = site.check();
    result.assert_failure();
    assert!(
        result
            .stderr
            .contains("prerequisites form a cycle: basics → spreadsheet → privacy → basics")
            || result.stderr.contains(
                "prerequisites form a cycle: spreadsheet → privacy → basics → spreadsheet"
            )
            || result
                .stderr
                .contains("prerequisites form a cycle: privacy → basics → spreadsheet → privacy"),
        "{}",
        result.stderr
    );
}

#[test]
fn quiz_question_without_correct_choice() {
    let body = "本文\n\n```quiz\n- question: どれか。\n  choices:\n    - text: A\n    - text: B\n  explanation: 説明\n```\n";
    let site = site_with(
        MODULE,
        &module("title: 基本\nskills: [security-literacy]\n", body),
    );
    site.check().assert_failure().assert_diagnostic(&format!(
        "error: {MODULE}:8:1: question has no correct choice"
    ));
}

#[test]
fn quiz_question_with_choices_and_answer() {
    let body = "```quiz\n- question: 正しいか。\n  answer: true\n  choices:\n    - text: A\n      correct: true\n    - text: B\n```\n";
    let site = site_with(
        MODULE,
        &module("title: 基本\nskills: [security-literacy]\n", body),
    );
    site.check().assert_failure().assert_diagnostic(&format!(
        "error: {MODULE}:6:1: question has both `choices` and `answer`"
    ));
}

#[test]
fn quiz_yaml_errors_point_into_the_block() {
    let body = "前置き\n\n```quiz\n- question: 正しいか。\n  answr: true\n```\n";
    let site = site_with(
        MODULE,
        &module("title: 基本\nskills: [security-literacy]\n", body),
    );
    let result = site.check();
    result.assert_failure().assert_diagnostic(&format!(
        "error: {MODULE}:9:3: invalid YAML: question 1: unknown field `answr`"
    ));
}

#[test]
fn broken_link_and_missing_image() {
    let body = "本文\n\nこちら[リンク](../nowhere/gone.md)と\n\n![図](missing.png)\n";
    let site = site_with(
        MODULE,
        &module("title: 基本\nskills: [security-literacy]\n", body),
    );
    site.check()
        .assert_failure()
        .assert_diagnostic(&format!(
            "error: {MODULE}:7:4: broken link: \"../nowhere/gone.md\""
        ))
        .assert_diagnostic(&format!(
            "error: {MODULE}:9:1: missing image: \"missing.png\""
        ));
}

#[test]
fn invalid_utf8() {
    let site = TestSite::fixture("basic");
    std::fs::write(site.path(MODULE), b"---\ntitle: \x93\xfa\x96\x7b\n---\n").unwrap();
    site.check()
        .assert_failure()
        .assert_diagnostic(&format!("error: {MODULE}:2:8: file is not valid UTF-8"));
}

#[test]
fn skill_without_module_is_only_a_warning() {
    let site = TestSite::fixture("basic");
    std::fs::remove_file(site.path("content/modules/tools/spreadsheet.md")).unwrap();
    let result = site.check();
    result.assert_success().assert_diagnostic("warning: content/skills.yaml:15:9: skill \"tool-spreadsheet\" (ツール活用（表計算）) has no module");
}

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
        .filter(|l| l.starts_with("error: "))
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
        .assert_diagnostic("error: content:1:1: no content/ folder");
    site.write("content/modules/a.md", "");
    site.check()
        .assert_failure()
        .assert_diagnostic("error: content/site.yaml:1:1: file not found")
        .assert_diagnostic("error: content/skills.yaml:1:1: file not found");
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
        "error: themes/mine/templates/404.html:3:1: template error: undefined value",
    );
    // check renders one page of each kind, so it finds the error too.
    site.check().assert_failure().assert_diagnostic(
        "error: themes/mine/templates/404.html:3:1: template error: undefined value",
    );
    site.write(
        "themes/mine/templates/module.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ module.no_such_field }}{% endblock %}\n",
    );
    site.check().assert_failure().assert_diagnostic(
        "error: themes/mine/templates/module.html:2:1: template error: undefined value",
    );
    std::fs::remove_file(site.path("themes/mine/templates/module.html")).expect("remove");
    site.write("themes/mine/templates/404.html", "{% if %}\n");
    site.check().assert_failure().assert_diagnostic(
        "error: themes/mine/templates/404.html:1:1: template error: syntax error",
    );
    site.write("content/site.yaml", "title: T\ntheme: missing\n");
    site.check()
        .assert_failure()
        .assert_diagnostic("error: content/site.yaml:2:1: theme \"missing\" not found in themes/");
}

#[test]
fn theme_strings_without_quiz_words_are_reported_at_the_strings_file() {
    let site = TestSite::fixture("basic");
    site.write("content/site.yaml", "title: T\ntheme: mine\n");
    site.write(
        "themes/mine/i18n/ja.yaml",
        "common:\n  home: ホーム\nquiz:\n  question: 問\n",
    );
    site.check().assert_failure().assert_diagnostic(
        "error: themes/mine/i18n/ja.yaml:1:1: the theme's strings have no usable `quiz:` section: missing field `check`",
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
            .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
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
            "error: {MODULE}:4:1: `draw: 3` は出題数として使えません（このモジュールの問題は 2 問です）"
        ))
        .assert_diagnostic(
            "error: content/modules/security/constructor.md:1:1: モジュール id「constructor」は使えません",
        );
}
