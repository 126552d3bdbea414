//! Building into the spare tree: the output before last, kept for reuse.
//!
//! After a swap the old output is not deleted but kept as the spare tree
//! (see `swap`). A site's build keeps it in the site folder, in
//! `.kenshu/spare/` ([`spare_in_site`]): never beside the output, where a
//! web server serving the output's parent folder would still serve the
//! pages a build took away. It is kept only where a rename can reach it
//! (the same file system as the output); elsewhere the old output is
//! deleted. The next build
//! claims it as its staging folder and only changes what differs: a file
//! already holding exactly the new bytes stays as it is, any other is
//! replaced by a new file (never written through, so nothing that shares
//! it changes), and files the build did not write are removed at the end.
//! On a disk file system this is what makes a rebuild cheap: creating
//! thousands of folders and files right after deleting thousands of others
//! is what costs there, and here nothing is deleted or created that did
//! not change.
//!
//! A file is kept only when it is certainly what the build would write: a
//! plain file with exactly the new bytes and no other name (a file the user
//! has linked elsewhere is written afresh, so an edit there never reaches
//! the output). The spare tree is claimed only when it carries kenshu's
//! stamp; symbolic links found in it are removed before anything is
//! written, so writing never leads outside it.

use super::file::Contents;
use super::guard;
use rustc_hash::FxHashSet;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// The folder of a site, below its root, that holds its spare trees.
pub const SPARE_DIR: &str = ".kenshu/spare";

/// The spare tree's name beside output folder `name`: where earlier
/// versions kept it, and where a preview's private output keeps it.
pub(super) fn spare_name(name: &str) -> String {
    format!(".{name}.kenshu-spare")
}

/// The spare tree beside `out`, for a private folder only (a preview's,
/// in a folder of its own that no web server serves).
pub fn spare_beside(out: &Path) -> PathBuf {
    let (parent, name) = super::beside(out);
    parent.join(spare_name(&name))
}

/// Where a build of the site at `root` into `out` keeps its spare tree:
/// `.kenshu/spare/<out's name>-<hash of its absolute path>`, so that two
/// outputs of one site keep two spare trees. `None` when no spare tree
/// can be kept there (another file system than the output's, or an
/// output inside that folder).
pub fn spare_in_site(root: &Path, out: &Path) -> Option<PathBuf> {
    let out = std::path::absolute(out).ok()?;
    let dir = std::path::absolute(root).ok()?.join(SPARE_DIR);
    let parent = out.parent()?;
    if parent.starts_with(&dir) || dir.starts_with(&out) || !same_file_system(root, parent) {
        return None;
    }
    let name = out.file_name()?.to_string_lossy();
    let hash = crate::ids::fnv1a(
        out.as_os_str()
            .as_encoded_bytes()
            .iter()
            .map(|&b| u32::from(b)),
    );
    Some(dir.join(format!("{name}-{hash:08x}")))
}

/// Whether `a` and `b` (or, for a folder not made yet, the nearest one
/// that is) are on one file system.
#[cfg(unix)]
fn same_file_system(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let device = |path: &Path| {
        path.ancestors()
            .find_map(|p| fs::metadata(p).ok())
            .map(|m| m.dev())
    };
    device(a).is_some_and(|a| device(b) == Some(a))
}

/// Elsewhere a rename across volumes fails, and the old output is deleted.
#[cfg(not(unix))]
fn same_file_system(_: &Path, _: &Path) -> bool {
    true
}

/// Removes a spare tree that an earlier version left beside the output
/// (where a web server may serve it), when it carries kenshu's stamp.
pub(super) fn remove_old_spare(parent: &Path, name: &str) {
    let old = parent.join(spare_name(name));
    let is_folder = fs::symlink_metadata(&old).is_ok_and(|m| m.is_dir());
    if is_folder && guard::is_stamped(&old) {
        let _ = super::swap::remove_tree(&old, 2);
    }
}

/// Moves the spare tree `spare` to `staging` when it is one that kenshu
/// wrote, and returns the files it holds (relative to it); `None` when
/// there is none to claim (the staging folder must then be made afresh).
pub(super) fn claim(spare: &Path, staging: &Path) -> Option<FxHashSet<PathBuf>> {
    let meta = fs::symlink_metadata(spare).ok()?;
    if !meta.is_dir() || !guard::is_stamped(spare) {
        return None;
    }
    // Another build may claim it at the same moment: one rename wins.
    fs::rename(spare, staging).ok()?;
    match survey(staging) {
        Ok(held) => Some(held),
        Err(_) => {
            let _ = super::swap::remove_tree_if_exists(staging);
            None
        }
    }
}

/// The files below `dir`; symbolic links and anything else that is neither
/// a file nor a folder are removed on the way.
fn survey(dir: &Path) -> io::Result<FxHashSet<PathBuf>> {
    let mut held = FxHashSet::default();
    for entry in WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if kind.is_file() {
            if let Ok(relative) = entry.path().strip_prefix(dir) {
                held.insert(relative.to_path_buf());
            }
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(held)
}

/// Removes the files of `dir` in `stale`, and the folders that leaves empty.
pub(super) fn remove_stale(dir: &Path, stale: &[&PathBuf]) -> io::Result<()> {
    let mut folders = FxHashSet::default();
    for relative in stale {
        let path = dir.join(relative);
        match fs::remove_file(&path) {
            // Gone, or now a folder or below a file that was written.
            Err(err)
                if !matches!(
                    err.kind(),
                    io::ErrorKind::NotFound
                        | io::ErrorKind::IsADirectory
                        | io::ErrorKind::NotADirectory
                ) =>
            {
                return Err(err)
            }
            _ => {}
        }
        folders.extend(relative.ancestors().skip(1).map(Path::to_path_buf));
    }
    // Deepest first, so that a folder is tried after its subfolders.
    let mut folders: Vec<PathBuf> = folders
        .into_iter()
        .filter(|f| !f.as_os_str().is_empty())
        .collect();
    folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
    for folder in folders {
        // Fails, as it should, for a folder that still holds something.
        let _ = fs::remove_dir(dir.join(folder));
    }
    Ok(())
}

/// Makes room for a file at `path` below `dir` after writing it failed: an
/// entry of the way there that is not a folder, or a folder where the file
/// goes, is removed.
pub(super) fn clear_way(dir: &Path, path: &Path) -> io::Result<()> {
    let Ok(relative) = path.strip_prefix(dir) else {
        return Ok(());
    };
    let mut at = dir.to_path_buf();
    for part in relative.parent().into_iter().flat_map(Path::components) {
        at.push(part);
        match fs::symlink_metadata(&at) {
            Ok(meta) if !meta.is_dir() => fs::remove_file(&at)?,
            _ => {}
        }
    }
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => super::swap::remove_tree(path, 0),
        _ => Ok(()),
    }
}

/// Whether `path` is a plain file with one name holding exactly `contents`.
pub(super) fn unchanged(path: &Path, contents: &Contents) -> bool {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.is_file() || !single_name(&meta) {
        return false;
    }
    match contents {
        Contents::Bytes(bytes) => {
            meta.len() == bytes.len() as u64
                && holds(path, bytes.len() as u64, |held| held == bytes)
        }
        Contents::Copy(source) => same_file_contents(path, meta.len(), source),
    }
}

/// Reads at most `len` bytes and one more (which shows a file that grew
/// since its size was taken) and asks `same`.
fn holds(path: &Path, len: u64, same: impl FnOnce(&[u8]) -> bool) -> bool {
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let mut held = Vec::with_capacity(len as usize);
    file.take(len + 1).read_to_end(&mut held).is_ok() && same(&held)
}

/// Whether the file at `path` (of `len` bytes) holds what `source` holds.
fn same_file_contents(path: &Path, len: u64, source: &Path) -> bool {
    // Media can be large: compare in blocks rather than holding both.
    const BLOCK: u64 = 1 << 16;
    if fs::metadata(source).map(|m| m.len()).ok() != Some(len) {
        return false;
    }
    let (Ok(mut a), Ok(mut b)) = (fs::File::open(path), fs::File::open(source)) else {
        return false;
    };
    let (mut x, mut y) = (vec![0; BLOCK as usize], vec![0; BLOCK as usize]);
    let mut left = len;
    while left > 0 {
        let n = left.min(BLOCK) as usize;
        let read = a
            .read_exact(&mut x[..n])
            .and_then(|()| b.read_exact(&mut y[..n]));
        if read.is_err() || x[..n] != y[..n] {
            return false;
        }
        left -= n as u64;
    }
    true
}

#[cfg(unix)]
fn single_name(meta: &fs::Metadata) -> bool {
    std::os::unix::fs::MetadataExt::nlink(meta) == 1
}

#[cfg(not(unix))]
fn single_name(_: &fs::Metadata) -> bool {
    false
}

/// Creates a file that did not exist.
pub(super) fn create_new(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}
