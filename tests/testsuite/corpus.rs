//! The benchmark corpus generator (`kenshu-corpus`): its sites must be valid
//! kenshu sites and the same seed must give the same files.

use crate::common::TestSite;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

fn generate(out: &Path, modules: &str, seed: &str, hugo: Option<&Path>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kenshu-corpus"));
    command
        .args(["--modules", modules, "--seed", seed, "--out"])
        .arg(out);
    if let Some(hugo) = hugo {
        command.arg("--hugo").arg(hugo);
    }
    let output = command.output().expect("run kenshu-corpus");
    assert!(
        output.status.success(),
        "kenshu-corpus failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every file below `dir` with its contents, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).expect("inside");
            (
                relative.display().to_string(),
                fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

#[test]
fn generated_site_checks_and_builds_without_warnings() {
    let site = TestSite::empty();
    generate(&site.path("site"), "60", "3", Some(&site.path("hugo")));
    let check = site.run(&["check", "--root", "site"]);
    check.assert_success();
    assert!(
        check.stdout.contains("警告 0 件") && check.stderr.trim().is_empty(),
        "expected a clean check:\n{}\n{}",
        check.stdout,
        check.stderr
    );
    site.run(&["build", "--root", "site", "--out", "out"])
        .assert_success();
    let modules = tree(&site.path("site/content/modules"));
    assert_eq!(modules.len(), 60);
    let page = site.read("out/index.html");
    assert!(page.contains("60"), "home page should count 60 modules");
    let hugo_modules = tree(&site.path("hugo/content/modules"));
    assert_eq!(hugo_modules.len(), 60, "the Hugo site has the same modules");
    assert!(site.path("hugo/hugo.toml").is_file());
}

#[test]
fn same_seed_gives_the_same_corpus_and_another_seed_does_not() {
    let site = TestSite::empty();
    generate(&site.path("a"), "30", "7", None);
    generate(&site.path("b"), "30", "7", None);
    generate(&site.path("c"), "30", "8", None);
    let a = tree(&site.path("a"));
    assert_eq!(a, tree(&site.path("b")));
    assert_ne!(a, tree(&site.path("c")));
}
