//! Shared test support: fixture sites in temporary folders, running the binary.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of the kenshu binary under test.
pub fn kenshu_bin() -> &'static str {
    env!("CARGO_BIN_EXE_kenshu")
}

/// The repository root (the shipped site).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site in a temporary folder, removed when dropped.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// Copies `tests/fixtures/<name>` into a fresh temporary folder.
    pub fn fixture(name: &str) -> TestSite {
        let site = TestSite::empty();
        copy_dir(&repo_root().join("tests/fixtures").join(name), site.root());
        site
    }

    /// The shipped site (content/ and themes/ of the repository).
    pub fn shipped() -> TestSite {
        let site = TestSite::empty();
        copy_dir(&repo_root().join("content"), &site.root().join("content"));
        copy_dir(&repo_root().join("themes"), &site.root().join("themes"));
        site
    }

    pub fn empty() -> TestSite {
        TestSite {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    /// Writes a file, creating its folders.
    pub fn write(&self, relative: &str, text: &str) -> &Self {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    /// Replaces the first `from` in a file with `to`; the file must hold it.
    pub fn edit(&self, relative: &str, from: &str, to: &str) -> &Self {
        let text = self.read(relative);
        assert!(text.contains(from), "{relative} has no {from:?}");
        self.write(relative, &text.replacen(from, to, 1))
    }

    /// Makes the site use its own theme `mine` (`theme: mine` added to
    /// site.yaml) and writes `relative` into it, e.g. `i18n/ja.yaml`.
    pub fn theme_file(&self, relative: &str, text: &str) -> &Self {
        let config = self.read("content/site.yaml");
        if !config.contains("\ntheme: mine\n") {
            self.write("content/site.yaml", &format!("{config}\ntheme: mine\n"));
        }
        self.write(&format!("themes/mine/{relative}"), text)
    }

    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("read {relative}: {e}"))
    }

    /// Runs kenshu with the given arguments, in the site folder.
    pub fn run(&self, args: &[&str]) -> RunResult {
        let output = Command::new(kenshu_bin())
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("run kenshu");
        RunResult::from(output)
    }

    pub fn build(&self) -> RunResult {
        self.run(&["build"])
    }

    pub fn check(&self) -> RunResult {
        self.run(&["check"])
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct RunResult {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for RunResult {
    fn from(output: Output) -> Self {
        RunResult {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl RunResult {
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_failure(&self) -> &Self {
        assert_eq!(
            self.code, 1,
            "expected exit code 1\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "kenshu panicked:\n{}",
            self.stderr
        );
        self
    }

    /// Asserts that stderr has a line starting with `expected`.
    #[track_caller]
    pub fn assert_diagnostic(&self, expected: &str) -> &Self {
        assert!(
            self.stderr.lines().any(|l| l.starts_with(expected)),
            "no diagnostic starting with {expected:?} in:\n{}",
            self.stderr
        );
        self
    }
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}
