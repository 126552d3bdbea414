//! One case per folder: `tests/cases/<name>/` holds the files that differ
//! from the `basic` fixture (under `site/`, and `remove.txt` listing fixture
//! files to delete) and `diagnostics.snap`, what `kenshu check` says about
//! that site in Japanese (insta snapshot: `cargo insta review` after a
//! deliberate change, or `INSTA_UPDATE=always cargo test cases`).

use crate::common::{copy_dir, repo_root, TestSite};
use std::fs;
use std::path::Path;

#[test]
fn every_case_reports_what_its_snapshot_says() {
    let cases = repo_root().join("tests/cases");
    let mut names: Vec<_> = fs::read_dir(&cases)
        .expect("tests/cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    names.sort();
    assert!(names.len() >= 40, "cases found: {}", names.len());
    for case in names {
        let output = run_case(&case);
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        insta::with_settings!({
            snapshot_path => case.clone(),
            prepend_module_to_snapshot => false,
            description => name.clone(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!("diagnostics", output);
        });
    }
}

/// The fixture with the case's files laid over it, checked.
fn run_case(case: &Path) -> String {
    let site = TestSite::fixture("basic");
    let overlay = case.join("site");
    if overlay.is_dir() {
        copy_dir(&overlay, site.root());
    }
    if let Ok(list) = fs::read_to_string(case.join("remove.txt")) {
        for line in list.lines().filter(|l| !l.trim().is_empty()) {
            fs::remove_file(site.path(line.trim())).expect("file listed in remove.txt");
        }
    }
    let result = site.run(&["check", "--root", "."]);
    format!(
        "exit code: {}\n--- stderr\n{}--- stdout\n{}",
        result.code, result.stderr, result.stdout
    )
}
