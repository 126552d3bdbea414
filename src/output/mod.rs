//! Writing the built site to disk, all or nothing.
//!
//! Files are written into a fresh staging folder beside the output folder,
//! then the two are swapped by renaming. A build that fails, or is stopped
//! half-way, leaves the previous output exactly as it was. Writing into an
//! empty folder is also the fast path: overwriting thousands of existing files
//! costs far more on most file systems.
//!
//! Only an empty folder or one that kenshu wrote (it holds the
//! [`guard::STAMP`] file, written last into each staging folder) is ever
//! replaced: [`check_output`] says which `--out` is refused, and the swap
//! itself refuses again (see `swap`).
//!
//! Building over a previous output reuses its unchanged files: a file whose
//! bytes are the same as those about to be written is hard-linked into the
//! staging folder instead (see `reuse`), so the old tree's deletion frees
//! no file and the file system allocates none — on ext4 that allocation
//! right after thousands of deletions is what made a rebuild slow.

mod file;
mod guard;
mod reuse;
mod swap;

pub use file::{Contents, OutputFile};
pub use guard::{check_output, STAMP};
pub use swap::Cleanup;

use rayon::prelude::*;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// An I/O failure, with the path it happened on.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub source: io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` into `out`, replacing its previous contents atomically;
/// returns when the old contents are gone too.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let staging = Staging::create(out)?;
    write_all(&staging.dir, files)?;
    let _ = staging.commit()?.finish();
    Ok(())
}

/// A staging folder beside the output folder, filled file by file and then
/// swapped into place.
///
/// Files can be written from many threads as soon as they are rendered, so
/// a build need not hold the whole site in memory. Dropping the staging
/// folder without [`Staging::commit`] removes it and leaves the previous
/// output as it was.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    parent: PathBuf,
    name: String,
    committed: bool,
    /// The previous output, when it is kenshu's: unchanged files are
    /// linked from there instead of written again.
    previous: Option<PathBuf>,
}

impl Staging {
    /// Creates an empty staging folder for `out`.
    pub fn create(out: &Path) -> Result<Staging, WriteError> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(at(parent))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "public".into());
        swap::remove_leftovers(parent, &name);
        let dir = parent.join(swap::staging_name(&name));
        swap::remove_tree_if_exists(&dir).map_err(at(&dir))?;
        fs::create_dir_all(&dir).map_err(at(&dir))?;
        let previous = guard::is_stamped(out).then(|| out.to_path_buf());
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            parent: parent.to_path_buf(),
            name,
            committed: false,
            previous,
        })
    }

    /// Writes one file, creating its folder when it does not exist yet; a
    /// file the previous output holds with the same bytes is linked from
    /// there instead.
    pub fn write(&self, file: &OutputFile) -> Result<(), WriteError> {
        let path = self.dir.join(&file.path);
        let old = match (&self.previous, &file.contents) {
            (Some(previous), Contents::Bytes(bytes)) => {
                Some(previous.join(&file.path)).filter(|old| reuse::unchanged(old, bytes))
            }
            _ => None,
        };
        let put = |path: &Path| match &old {
            Some(old) if reuse::link(old, path).is_ok() => Ok(()),
            _ => write_file(path, &file.contents),
        };
        match put(&path) {
            Err(err) if err.source.kind() == io::ErrorKind::NotFound => {
                if let Some(folder) = path.parent() {
                    fs::create_dir_all(folder).map_err(at(folder))?;
                }
                put(&path)
            }
            other => other,
        }
    }

    /// Stamps the staging folder and puts it in place of the output
    /// folder; the old output is deleted in the background by the returned
    /// [`Cleanup`] (dropping it waits for that).
    pub fn commit(mut self) -> Result<Cleanup, WriteError> {
        let stamp = self.dir.join(guard::STAMP);
        fs::write(&stamp, guard::STAMP_TEXT).map_err(at(&stamp))?;
        let swapped = swap::swap_into_place(&self.dir, &self.out, &self.parent, &self.name);
        // On failure, dropping removes what is left of the staging folder.
        self.committed = swapped.is_ok();
        swapped.map_err(at(&self.out))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = swap::remove_tree_if_exists(&self.dir);
        }
    }
}

/// Writes every file under `dir`, creating folders first. Both run in
/// parallel: a site has a folder per page, so folders cost as much as files.
pub fn write_all(dir: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let folders: BTreeSet<&Path> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent())
        .collect();
    fs::create_dir_all(dir).map_err(at(dir))?;
    folders.par_iter().try_for_each(|folder| {
        let folder = dir.join(folder);
        // create_dir_all tolerates another thread creating a shared parent.
        fs::create_dir_all(&folder).map_err(at(&folder))
    })?;
    files
        .par_iter()
        .try_for_each(|file| write_file(&dir.join(&file.path), &file.contents))
}

/// Writes one file (folders must exist). A file already at `path` is
/// replaced by a new one, never written through: it may be a link to a
/// file of the previous output, which must stay as it was.
pub fn write_file(path: &Path, contents: &Contents) -> Result<(), WriteError> {
    let mut target = match reuse::create_new(path) {
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path).map_err(at(path))?;
            reuse::create_new(path)
        }
        other => other,
    }
    .map_err(at(path))?;
    match contents {
        Contents::Bytes(bytes) => io::Write::write_all(&mut target, bytes).map_err(at(path)),
        Contents::Copy(source) => fs::File::open(source)
            .and_then(|mut source| io::copy(&mut source, &mut target))
            .map(|_| ())
            .map_err(at(source)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile::bytes(path, text)
    }

    #[test]
    fn replaces_previous_output_entirely() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("a/index.html", "1"), file("old.html", "x")]).unwrap();
        write_site(&out, &[file("a/index.html", "2")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "2");
        assert!(!out.join("old.html").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders must be cleaned up");
        assert!(out.join(STAMP).is_file(), "the output is stamped");
    }

    #[test]
    fn staging_writes_nested_files_and_commits() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(
            &out,
            &[file("a/b/c/old.html", "x"), file("index.html", "1")],
        )
        .unwrap();
        let staging = Staging::create(&out).unwrap();
        staging.write(&file("modules/m/index.html", "m")).unwrap();
        staging.write(&file("index.html", "2")).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "1");
        staging.commit().unwrap().finish().unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
        assert_eq!(
            fs::read_to_string(out.join("modules/m/index.html")).unwrap(),
            "m"
        );
        assert!(!out.join("a").exists(), "the old tree is removed whole");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn dropped_staging_leaves_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("index.html", "good")]).unwrap();
        let staging = Staging::create(&out).unwrap();
        staging.write(&file("index.html", "new")).unwrap();
        drop(staging);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "staging removed"
        );
    }

    #[cfg(unix)]
    fn inode(path: &Path) -> (u64, u64) {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(path).unwrap();
        (meta.ino(), meta.nlink())
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_from_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("same.html", "s"), file("changed.html", "1")]).unwrap();
        let (same, _) = inode(&out.join("same.html"));
        let (changed, _) = inode(&out.join("changed.html"));
        let staging = Staging::create(&out).unwrap();
        staging.write(&file("same.html", "s")).unwrap();
        staging.write(&file("changed.html", "2")).unwrap();
        assert_eq!(inode(&staging.dir.join("same.html")), (same, 2));
        assert_ne!(inode(&staging.dir.join("changed.html")).0, changed);
        staging.commit().unwrap().finish().unwrap();
        assert_eq!(
            inode(&out.join("same.html")),
            (same, 1),
            "the old name is gone"
        );
        assert_eq!(fs::read_to_string(out.join("changed.html")).unwrap(), "2");
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_file_written_again_leaves_the_previous_output_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("a.html", "old")]).unwrap();
        let staging = Staging::create(&out).unwrap();
        staging.write(&file("a.html", "old")).unwrap();
        staging.write(&file("a.html", "new")).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "old");
        assert_eq!(
            fs::read_to_string(staging.dir.join("a.html")).unwrap(),
            "new"
        );
        drop(staging);
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "old");
        assert_eq!(inode(&out.join("a.html")).1, 1, "the dropped link is gone");
    }

    #[cfg(unix)]
    #[test]
    fn files_with_other_names_or_not_kenshus_are_written_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("kept.html", "k"), file("page.html", "p")]).unwrap();
        // The user linked a file of the output elsewhere: an edit there
        // must not reach the next output.
        fs::hard_link(out.join("kept.html"), dir.path().join("mine.html")).unwrap();
        let (kept, _) = inode(&out.join("kept.html"));
        // An unstamped folder is never a source of files.
        fs::remove_file(out.join(STAMP)).unwrap();
        let staging = Staging::create(&out).unwrap();
        staging.write(&file("page.html", "p")).unwrap();
        assert_eq!(inode(&staging.dir.join("page.html")).1, 1);
        drop(staging);
        fs::write(out.join(STAMP), guard::STAMP_TEXT).unwrap();
        let staging = Staging::create(&out).unwrap();
        staging.write(&file("kept.html", "k")).unwrap();
        assert_ne!(inode(&staging.dir.join("kept.html")).0, kept);
    }

    #[test]
    fn failed_write_keeps_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("index.html", "good")]).unwrap();
        let missing = OutputFile {
            path: "x.png".into(),
            contents: Contents::Copy(dir.path().join("nope.png")),
        };
        assert!(write_site(&out, &[file("index.html", "new"), missing]).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
    }
}
