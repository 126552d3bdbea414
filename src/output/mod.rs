//! Writing the built site to disk, all or nothing.
//!
//! Files are written into a staging folder beside the output folder, then
//! the two are swapped by renaming. A build that fails, or is stopped
//! half-way, leaves the previous output exactly as it was.
//!
//! Only an empty folder or one that kenshu wrote (it holds the
//! [`guard::STAMP`] file, written last into each staging folder) is ever
//! replaced: [`check_output`] says which `--out` is refused, and the swap
//! itself refuses again (see `swap`).
//!
//! Building over a previous output recycles the output before last: the
//! old tree is kept after the swap as the spare tree, and the next build
//! writes into it only what changed (see `reuse`).

mod file;
mod guard;
mod reuse;
mod swap;

pub use file::{Contents, OutputFile};
pub use guard::{check_output, STAMP};
pub use swap::{Cleanup, Refused};

use crate::messages::Message;
use crate::msg;

use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// An I/O failure, with the path it happened on.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub source: io::Error,
}

impl WriteError {
    /// What went wrong, for the author.
    pub fn message(&self) -> Message {
        let refused = self
            .source
            .get_ref()
            .and_then(|e| e.downcast_ref::<Refused>());
        match refused {
            Some(Refused::Link(target)) => msg!("output.symlink", target = target),
            Some(Refused::NotAFolder) => msg!("output.not-a-folder"),
            Some(Refused::Foreign(example)) => msg!("output.foreign", example = example),
            None => msg!(
                "output.cannot-write",
                path = self.path.display(),
                detail = &self.source
            ),
        }
    }
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
/// the old contents are kept as the spare tree (or, when that cannot be,
/// are gone when this returns).
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let staging = Staging::create(out)?;
    files.par_iter().try_for_each(|file| staging.write(file))?;
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
    /// The files the staging folder held when it was claimed from the
    /// spare tree (`None` when it was made empty), and those written since.
    recycled: Option<Recycled>,
}

#[derive(Debug)]
struct Recycled {
    held: HashSet<PathBuf>,
    written: Mutex<HashSet<PathBuf>>,
}

impl Staging {
    /// Creates the staging folder for `out`: the spare tree when there is
    /// one, else an empty folder.
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
        let recycled =
            reuse::claim(&parent.join(reuse::spare_name(&name)), &dir).map(|held| Recycled {
                held,
                written: Mutex::default(),
            });
        if recycled.is_none() {
            fs::create_dir_all(&dir).map_err(at(&dir))?;
        }
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            parent: parent.to_path_buf(),
            name,
            committed: false,
            recycled,
        })
    }

    /// Writes one file, creating its folder when it does not exist yet; in
    /// a recycled staging folder, a file that already holds these contents
    /// is left as it is, and a file or folder in the way is removed.
    pub fn write(&self, file: &OutputFile) -> Result<(), WriteError> {
        let path = self.dir.join(&file.path);
        if let Some(recycled) = &self.recycled {
            let mut written = recycled
                .written
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            written.insert(PathBuf::from(&file.path));
            drop(written);
            if reuse::unchanged(&path, &file.contents) {
                return Ok(());
            }
        }
        let put = || write_file(&path, &file.contents);
        match put() {
            Err(err) if self.recycled.is_some() && in_the_way(&err) => {
                reuse::clear_way(&self.dir, &path).map_err(at(&path))?;
            }
            Err(err) if err.source.kind() == io::ErrorKind::NotFound => {}
            other => return other,
        }
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder).map_err(at(folder))?;
        }
        put()
    }

    /// Stamps the staging folder and puts it in place of the output
    /// folder; the old output becomes the spare tree for the next build
    /// (or, when that cannot be, is deleted in the background by the
    /// returned [`Cleanup`]; dropping it waits for that).
    pub fn commit(mut self) -> Result<Cleanup, WriteError> {
        if let Some(recycled) = self.recycled.take() {
            let written = recycled
                .written
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner);
            let stamp = Path::new(guard::STAMP);
            let stale: Vec<&PathBuf> = recycled
                .held
                .iter()
                .filter(|p| !written.contains(*p) && p.as_path() != stamp)
                .collect();
            reuse::remove_stale(&self.dir, &stale).map_err(at(&self.dir))?;
        }
        let stamp = self.dir.join(guard::STAMP);
        write_file(&stamp, &Contents::Bytes(guard::STAMP_TEXT.into()))?;
        let swapped = swap::swap_into_place(&self.dir, &self.out, &self.parent, &self.name);
        // On failure, dropping removes what is left of the staging folder.
        self.committed = swapped.is_ok();
        swapped.map_err(at(&self.out))
    }
}

/// Whether a write failed for a file where a folder goes, or a folder
/// where the file goes (in a recycled staging folder).
fn in_the_way(err: &WriteError) -> bool {
    matches!(
        err.source.kind(),
        io::ErrorKind::NotADirectory | io::ErrorKind::IsADirectory
    )
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = swap::remove_tree_if_exists(&self.dir);
        }
    }
}

/// Writes one file (folders must exist). A file already at `path` is
/// replaced by a new one, never written through: another name may share
/// it, and that must stay as it was.
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

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_previous_output_entirely() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("a/index.html", "1"), file("old.html", "x")]).unwrap();
        assert_eq!(names(dir.path()), ["public"], "nothing to keep yet");
        write_site(&out, &[file("a/index.html", "2")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "2");
        assert!(!out.join("old.html").exists());
        assert_eq!(
            names(dir.path()),
            [".public.kenshu-spare", "public"],
            "staging folders are gone, the old output is the spare tree"
        );
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
        assert!(
            !out.join("a").exists(),
            "the old files are not carried over"
        );
        let spare = dir.path().join(".public.kenshu-spare");
        assert_eq!(
            fs::read_to_string(spare.join("a/b/c/old.html")).unwrap(),
            "x"
        );
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
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::symlink_metadata(path).unwrap().ino()
    }

    /// An output built twice, so that the first build is the spare tree.
    fn built_twice(dir: &Path, files: &[OutputFile]) -> (PathBuf, PathBuf) {
        let out = dir.join("public");
        write_site(&out, files).unwrap();
        write_site(&out, files).unwrap();
        (out, dir.join(".public.kenshu-spare"))
    }

    #[cfg(unix)]
    #[test]
    fn the_spare_tree_is_recycled_changing_only_what_differs() {
        let dir = tempfile::tempdir().unwrap();
        let first = [
            file("same.html", "s"),
            file("changed.html", "1"),
            file("gone/deep/index.html", "g"),
            file("kept/index.html", "k"),
            file("kept/gone.html", "x"),
        ];
        let (out, spare) = built_twice(dir.path(), &first);
        // Held open, so that their inode numbers are not given to new files.
        let held = |name: &str| fs::File::open(spare.join(name)).unwrap();
        let (same, changed) = (held("same.html"), held("changed.html"));
        let ino = |file: &fs::File| std::os::unix::fs::MetadataExt::ino(&file.metadata().unwrap());
        let live = inode(&out.join("same.html"));
        let staging = Staging::create(&out).unwrap();
        assert!(!spare.exists(), "the spare tree is claimed");
        for f in [
            file("same.html", "s"),
            file("changed.html", "2"),
            file("kept/index.html", "k"),
            file("new/index.html", "n"),
        ] {
            staging.write(&f).unwrap();
        }
        assert_eq!(
            inode(&staging.dir.join("same.html")),
            ino(&same),
            "left as it is"
        );
        assert_ne!(inode(&staging.dir.join("changed.html")), ino(&changed));
        let mut old = String::new();
        io::Read::read_to_string(&mut { changed }, &mut old).unwrap();
        assert_eq!(old, "1", "replaced, not written through");
        staging.commit().unwrap().finish().unwrap();
        assert_eq!(fs::read_to_string(out.join("changed.html")).unwrap(), "2");
        assert_eq!(fs::read_to_string(out.join("new/index.html")).unwrap(), "n");
        assert!(
            !out.join("gone").exists(),
            "stale files and their folders go"
        );
        assert!(!out.join("kept/gone.html").exists());
        assert!(out.join("kept/index.html").is_file() && out.join(STAMP).is_file());
        assert_eq!(
            inode(&spare.join("same.html")),
            live,
            "the old output is spare"
        );
    }

    #[cfg(unix)]
    #[test]
    fn files_with_other_names_are_written_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let (out, spare) = built_twice(dir.path(), &[file("kept.html", "k")]);
        // The user linked a file elsewhere: an edit there must not reach
        // the next output.
        fs::hard_link(spare.join("kept.html"), dir.path().join("mine.html")).unwrap();
        let staging = Staging::create(&out).unwrap();
        staging.write(&file("kept.html", "k")).unwrap();
        let written = staging.dir.join("kept.html");
        assert_ne!(inode(&written), inode(&dir.path().join("mine.html")));
        drop(staging);
        assert_eq!(fs::read_to_string(out.join("kept.html")).unwrap(), "k");
        assert_eq!(
            fs::read_to_string(dir.path().join("mine.html")).unwrap(),
            "k"
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_in_the_spare_tree_are_removed_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let (out, spare) = built_twice(dir.path(), &[file("a/index.html", "1")]);
        let outside = dir.path().join("outside");
        fs::create_dir_all(&outside).unwrap();
        fs::remove_dir_all(spare.join("a")).unwrap();
        std::os::unix::fs::symlink(&outside, spare.join("a")).unwrap();
        std::os::unix::fs::symlink(outside.join("x"), spare.join("b.html")).unwrap();
        write_site(&out, &[file("a/index.html", "2"), file("b.html", "b")]).unwrap();
        assert_eq!(
            names(&outside),
            Vec::<String>::new(),
            "nothing written outside"
        );
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "2");
        assert!(fs::symlink_metadata(out.join("a")).unwrap().is_dir());
    }

    #[test]
    fn a_file_and_a_folder_may_trade_places() {
        let dir = tempfile::tempdir().unwrap();
        let (out, _) = built_twice(dir.path(), &[file("x", "file"), file("y/index.html", "1")]);
        write_site(
            &out,
            &[
                file("x/index.html", "now a folder"),
                file("y", "now a file"),
            ],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("y")).unwrap(), "now a file");
        assert_eq!(
            fs::read_to_string(out.join("x/index.html")).unwrap(),
            "now a folder"
        );
    }

    #[test]
    fn a_spare_name_kenshu_did_not_write_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let spare = dir.path().join(".public.kenshu-spare");
        fs::create_dir_all(&spare).unwrap();
        fs::write(spare.join("mine.txt"), "mine").unwrap();
        write_site(&out, &[file("index.html", "1")]).unwrap();
        write_site(&out, &[file("index.html", "2")]).unwrap();
        assert_eq!(names(&spare), ["mine.txt"]);
        assert_eq!(names(dir.path()), [".public.kenshu-spare", "public"]);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
    }

    #[test]
    fn a_folder_that_turned_foreign_is_refused_at_the_swap_in_japanese() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file("index.html", "1")]).unwrap();
        let staging = Staging::create(&out).unwrap();
        staging.write(&file("index.html", "2")).unwrap();
        // Someone replaced the output while the build ran.
        fs::remove_file(out.join(STAMP)).unwrap();
        let err = staging.commit().unwrap_err();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "1");
        let text = err.message().text(crate::messages::Lang::Ja);
        assert!(
            text.contains("kenshu が書き出したものではないファイル（index.html"),
            "{text}"
        );
    }

    #[test]
    fn copied_files_are_compared_with_their_source() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("image.png");
        fs::write(&source, vec![7u8; 200_000]).unwrap();
        let copy = |path: &Path| OutputFile {
            path: "image.png".into(),
            contents: Contents::Copy(path.to_path_buf()),
        };
        let (out, spare) = built_twice(dir.path(), &[copy(&source)]);
        assert!(reuse::unchanged(
            &spare.join("image.png"),
            &copy(&source).contents
        ));
        let mut changed = vec![7u8; 200_000];
        changed[150_000] = 8;
        fs::write(&source, &changed).unwrap();
        assert!(!reuse::unchanged(
            &spare.join("image.png"),
            &copy(&source).contents
        ));
        write_site(&out, &[copy(&source)]).unwrap();
        assert_eq!(fs::read(out.join("image.png")).unwrap(), changed);
    }

    #[test]
    fn dropped_recycled_staging_leaves_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let (out, _) = built_twice(dir.path(), &[file("index.html", "good")]);
        let staging = Staging::create(&out).unwrap();
        staging.write(&file("index.html", "new")).unwrap();
        drop(staging);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
        assert_eq!(names(dir.path()), ["public"]);
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
        let err = write_site(&out, &[file("index.html", "new"), missing]).unwrap_err();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
        let text = err.message().text_with_hint(crate::messages::Lang::Ja);
        assert!(text.contains("nope.png: 書き込めません"), "{text}");
        assert!(text.contains("権限"), "the hint is shown: {text}");
    }
}
