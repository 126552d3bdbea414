//! Hostile input: a seeded, bounded property test that mutates every kind
//! of source (front matter, quiz blocks, skills.yaml, resources.yaml,
//! site.yaml, file names) and requires that checking never panics and that
//! every problem has a place; and the pathological inputs that once took
//! minutes or gigabytes (each generated here, one small case per test).

use crate::common::TestSite;
use kenshu::{check_site, Diagnostics};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Pieces a mutation inserts: YAML syntax, Japanese-keyboard slips, control
/// characters, Markdown links and fences.
const PIECES: &[&str] = &[
    ":",
    ": ",
    "：",
    "　",
    "\t",
    "\r",
    "\n",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "#",
    "&a",
    "*a",
    "!tag",
    "---",
    "```quiz\n",
    "```\n",
    "~",
    "null",
    "true",
    "○",
    "×",
    "99999999999999999999",
    "-1",
    "](",
    "(javascript:alert(1))",
    "<javascript:x>",
    "![図](構成図 (1).png)",
    "../../",
    "..\\",
    "%00",
    "\u{0}",
    "\u{feff}",
    "é",
    "e\u{301}",
    "constructor",
    "__proto__",
    "個人情報",
    "id: ",
    "skills: ",
    "answer: ",
    "choices:\n  - text: a\n",
    "extends: ",
    "level: ",
    "|",
    ">",
];

/// Applies one random edit to `text`.
fn mutate(text: &str, edits: &[(usize, usize, usize)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for &(at, kind, piece) in edits {
        let at = if chars.is_empty() {
            0
        } else {
            at % (chars.len() + 1)
        };
        match kind % 3 {
            0 => {
                let insert: Vec<char> = PIECES[piece % PIECES.len()].chars().collect();
                chars.splice(at..at, insert);
            }
            1 => {
                let end = (at + piece % 8).min(chars.len());
                chars.drain(at..end);
            }
            _ => {
                if at < chars.len() {
                    chars[at] = PIECES[piece % PIECES.len()].chars().next().unwrap_or('x');
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// Every problem names a file and a line and column from 1.
fn unlocated(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics
        .iter()
        // A place is a file, and in it a line and column unless the
        // problem is the whole file (Location::WHOLE, no line printed).
        .filter(|d| {
            let whole = d.location.line == 0 && d.location.col == 0;
            let located = d.location.line > 0 && d.location.col > 0;
            d.path.as_os_str().is_empty() || !(whole || located)
        })
        .map(|d| d.to_string())
        .collect()
}

const TARGETS: &[&str] = &[
    "content/modules/security/basics.md",
    "content/modules/tools/spreadsheet.md",
    "content/skills.yaml",
    "content/resources.yaml",
    "content/site.yaml",
    "content/pages/guide.md",
];

#[test]
fn mutated_sources_never_panic_and_every_problem_has_a_place() {
    let site = TestSite::fixture("basic");
    let originals: Vec<String> = TARGETS.iter().map(|t| site.read(t)).collect();
    let config = Config {
        cases: 160,
        failure_persistence: None,
        ..Config::default()
    };
    let seed = [7u8; 32];
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let edits = proptest::collection::vec((0usize..20_000, 0usize..3, 0usize..200), 1..6);
    let failing = std::sync::atomic::AtomicUsize::new(0);
    let result = runner.run(
        &(0..TARGETS.len(), edits, any::<bool>()),
        |(target, edits, rename)| {
            for (path, text) in TARGETS.iter().zip(&originals) {
                fs::write(site.path(path), text).unwrap();
            }
            let mutated = mutate(&originals[target], &edits);
            fs::write(site.path(TARGETS[target]), &mutated).unwrap();
            let renamed = rename.then(|| {
                let name = mutate("renamed", &edits).replace(['/', '\0'], "_");
                let to = site.path(&format!("content/modules/tools/{name}.md"));
                fs::copy(site.path(TARGETS[1]), &to).ok().map(|_| to)
            });
            let outcome = catch_unwind(AssertUnwindSafe(|| check_site(site.root(), false)));
            if let Some(Some(path)) = renamed {
                let _ = fs::remove_file(path);
            }
            let diagnostics =
                outcome.map_err(|_| TestCaseError::fail(format!("panic on {mutated:?}")))?;
            if diagnostics.has_errors() {
                failing.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            let missing = unlocated(&diagnostics);
            prop_assert!(
                missing.is_empty(),
                "problems without a place for {mutated:?}: {missing:?}"
            );
            Ok(())
        },
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
    // The mutations must reach the checks: many cases break the site.
    let failing = failing.into_inner();
    assert!(
        failing >= 40,
        "only {failing} of 160 mutated sites had errors"
    );
}

#[test]
fn a_symlink_out_of_the_site_is_an_error_and_not_published() {
    let site = TestSite::fixture("basic");
    let secret = tempfile::NamedTempFile::new().unwrap();
    fs::write(secret.path(), "秘密").unwrap();
    fs::create_dir_all(site.path("content/static")).unwrap();
    std::os::unix::fs::symlink(secret.path(), site.path("content/static/leak.txt")).unwrap();
    let result = site.build();
    result.assert_failure().assert_diagnostic(
        "エラー: content/static/leak.txt: サイトの外を指すシンボリックリンクです",
    );
    assert!(!site.path("public/leak.txt").exists());
}

#[test]
fn a_huge_module_is_refused_at_once_with_its_size() {
    let site = TestSite::fixture("basic");
    let text = format!(
        "---\ntitle: 大\nskills: [privacy]\n---\n{}",
        "あ\n".repeat(1_200_000)
    );
    fs::write(site.path("content/modules/tools/huge.md"), text).unwrap();
    site.check()
        .assert_failure()
        .assert_diagnostic("エラー: content/modules/tools/huge.md: ファイルが大きすぎます");
}

#[test]
fn an_extends_chain_thousands_deep_is_a_located_limit() {
    let site = TestSite::fixture("basic");
    let mut skills = site.read("content/skills.yaml");
    for n in 0..4000 {
        let parent = if n == 0 {
            "general-staff".to_string()
        } else {
            format!("r{}", n - 1)
        };
        skills.push_str(&format!(
            "  - id: r{n}\n    name: R{n}\n    extends: {parent}\n"
        ));
    }
    site.write("content/skills.yaml", &skills);
    let result = site.check();
    result.assert_failure();
    assert!(
        result
            .stderr
            .contains("extends のつながりが深すぎます（32 段まで）"),
        "{}",
        result.stderr
    );
}

#[test]
fn ten_thousand_resources_are_checked() {
    let site = TestSite::fixture("basic");
    let mut text = site.read("content/resources.yaml");
    for n in 0..10_000 {
        text.push_str(&format!(
            "- id: r{n}\n  title: 資源{n}\n  provider: P\n  url: https://example.jp/{n}\n  kind: 研修\n  skills: [privacy]\n"
        ));
    }
    text.push_str(
        "- id: r9999\n  title: 重複\n  provider: P\n  url: https://example.jp/\n  kind: 研修\n",
    );
    site.write("content/resources.yaml", &text);
    let result = site.check();
    result.assert_failure();
    assert!(
        result
            .stderr
            .contains("外部資源のID「r9999」が重複しています"),
        "{}",
        result.stderr
    );
}

#[test]
fn deep_yaml_nesting_is_a_located_limit() {
    let site = TestSite::fixture("basic");
    let deep = format!(
        "---\ntitle: {}{}\nskills: [privacy]\n---\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    fs::write(site.path("content/modules/tools/deep.md"), deep).unwrap();
    site.check()
        .assert_failure()
        .assert_diagnostic("エラー: content/modules/tools/deep.md:2:");
}

#[test]
fn a_newline_in_a_file_name_stays_on_one_diagnostic_line() {
    let site = TestSite::fixture("basic");
    fs::write(site.path("content/modules/tools/a\nb.md"), "# 見出しだけ\n").unwrap();
    let result = site.check();
    result.assert_failure();
    let line = result
        .stderr
        .lines()
        .find(|l| l.contains("a\\nb.md"))
        .unwrap_or_else(|| panic!("{}", result.stderr));
    assert!(
        line.starts_with("エラー: content/modules/tools/a\\nb.md:1:1: "),
        "{line}"
    );
    // The name inside a message's words is escaped too (「a\nb」).
    let known = ["エラー: ", "警告: ", "  ヒント: ", "エラー "];
    for line in result.stderr.lines() {
        assert!(
            known.iter().any(|start| line.starts_with(start)),
            "a message broke its line: {line:?} in\n{}",
            result.stderr
        );
    }
}

#[test]
fn japanese_folder_names_work_for_root_and_out() {
    let base = tempfile::tempdir().unwrap();
    let root = base.path().join("研修サイト");
    crate::common::copy_dir(
        &crate::common::repo_root().join("tests/fixtures/basic"),
        &root,
    );
    let out = base.path().join("公開 用");
    let site = TestSite::empty();
    let result = site.run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    result.assert_success();
    assert!(out.join("index.html").is_file());
    assert!(out.join("modules/basics/index.html").is_file());
}
