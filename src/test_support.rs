//! Helpers shared by the unit tests of several modules.

use std::fs;
use std::path::{Path, PathBuf};

/// A copy of `tests/fixtures/<name>` as `<temp>/site`; the folder lives as
/// long as the returned guard.
pub(crate) fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    for entry in walkdir::WalkDir::new(&fixture) {
        let entry = entry.unwrap();
        let target = root.join(entry.path().strip_prefix(&fixture).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
    (dir, root)
}
