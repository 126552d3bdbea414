//! Reusing the previous output's unchanged files when building over it.
//!
//! A file is reused only when it is certainly what the build would write:
//! a plain file (not a link) of the previous, stamped output, with exactly
//! the new bytes, and with no other name than its place in that output (a
//! file the user has also linked elsewhere is written afresh, so an edit
//! there can never reach the new output). It is then hard-linked into the
//! staging folder; when the old tree is deleted after the swap, the file
//! lives on under its new name only. Where links are not available (other
//! platforms, another file system), the file is simply written.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

/// Whether `old` is a plain file holding exactly `bytes`, with one name.
pub(super) fn unchanged(old: &Path, bytes: &[u8]) -> bool {
    let Ok(meta) = fs::symlink_metadata(old) else {
        return false;
    };
    if !meta.is_file() || meta.len() != bytes.len() as u64 || !single_name(&meta) {
        return false;
    }
    let Ok(mut file) = fs::File::open(old) else {
        return false;
    };
    let mut held = Vec::with_capacity(bytes.len());
    // One byte more than expected shows a file that grew since the check.
    file.by_ref()
        .take(bytes.len() as u64 + 1)
        .read_to_end(&mut held)
        .is_ok_and(|_| held == bytes)
}

#[cfg(unix)]
fn single_name(meta: &fs::Metadata) -> bool {
    std::os::unix::fs::MetadataExt::nlink(meta) == 1
}

#[cfg(not(unix))]
fn single_name(_: &fs::Metadata) -> bool {
    false
}

/// Links `old` as `path` (which must not exist yet).
pub(super) fn link(old: &Path, path: &Path) -> io::Result<()> {
    fs::hard_link(old, path)
}

/// Creates a file that did not exist.
pub(super) fn create_new(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}
