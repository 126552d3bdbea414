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
//! old tree is kept after the swap as the spare tree, in the site folder
//! rather than beside the output, and the next build writes into it only
//! what changed (see `reuse`).

mod file;
mod guard;
mod manifest;
mod replace;
mod reuse;
mod swap;

pub use file::{Contents, OutputFile};
pub use guard::{
    check_output, check_outside_sources, check_report_output, check_site_output, REPORT_MARK, STAMP,
};
pub use replace::{check_replaceable, starts_with};
pub use reuse::{spare_beside, spare_in_site, SPARE_DIR};
pub use swap::{Cleanup, Refused};

use crate::messages::Message;
use crate::msg;

use rayon::prelude::*;
use rustc_hash::FxHashSet;
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
                detail = crate::messages::io_detail(&self.source)
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
/// the old contents are kept as the spare tree at `spare` (or, when there
/// is none or that cannot be, are gone when this returns).
pub fn write_site(
    out: &Path,
    files: &[OutputFile],
    spare: Option<PathBuf>,
) -> Result<(), WriteError> {
    let staging = Staging::create(out, spare)?;
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
    /// Where the old output is kept as the spare tree for the next build
    /// (`None`: it is deleted).
    spare: Option<PathBuf>,
    /// Every file written, for the stamp's list (see `manifest`).
    names: Mutex<Vec<String>>,
    /// The files the staging folder held when it was claimed from the
    /// spare tree (`None` when it was made empty), and those written since.
    recycled: Option<Recycled>,
    /// Folders made so far in an empty staging folder (relative, with `/`):
    /// a file in any other folder has its folder made first, instead of a
    /// failed open for each of the 10,000 module folders.
    made: Mutex<FxHashSet<String>>,
}

#[derive(Debug)]
struct Recycled {
    held: FxHashSet<PathBuf>,
    written: Mutex<FxHashSet<PathBuf>>,
}

/// The folder that holds `out`, and `out`'s name in it.
fn beside(out: &Path) -> (PathBuf, String) {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    (parent.to_path_buf(), name)
}

impl Staging {
    /// Creates the staging folder for `out`: the spare tree at `spare` when
    /// there is one, else an empty folder. After the swap the old output
    /// becomes the spare tree at `spare`, or is deleted when that is `None`
    /// (see [`spare_in_site`]).
    pub fn create(out: &Path, spare: Option<PathBuf>) -> Result<Staging, WriteError> {
        let (parent, name) = beside(out);
        fs::create_dir_all(&parent).map_err(at(&parent))?;
        swap::remove_leftovers(&parent, &name);
        if spare.as_deref() != Some(&parent.join(reuse::spare_name(&name))) {
            reuse::remove_old_spare(&parent, &name);
        }
        let dir = parent.join(swap::staging_name(&name));
        swap::remove_tree_if_exists(&dir).map_err(at(&dir))?;
        let recycled = spare
            .as_deref()
            .and_then(|spare| reuse::claim(spare, &dir))
            .map(|held| Recycled {
                held,
                written: Mutex::default(),
            });
        if recycled.is_none() {
            fs::create_dir_all(&dir).map_err(at(&dir))?;
        }
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            parent,
            name,
            committed: false,
            spare,
            names: Mutex::default(),
            recycled,
            made: Mutex::new(FxHashSet::from_iter([String::new()])),
        })
    }

    /// Writes one file, creating its folder when it does not exist yet; in
    /// a recycled staging folder, a file that already holds these contents
    /// is left as it is, and a file or folder in the way is removed.
    pub fn write(&self, file: &OutputFile) -> Result<(), WriteError> {
        let path = self.dir.join(&file.path);
        self.names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(file.path.clone());
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
        if self.recycled.is_none() {
            self.make_folder_of(&file.path)?;
        }
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

    /// Makes the folder of the file at `path` (relative) in an empty
    /// staging folder, unless made already.
    fn make_folder_of(&self, path: &str) -> Result<(), WriteError> {
        let folder = path.rsplit_once('/').map_or("", |(folder, _)| folder);
        let made = || self.made.lock().unwrap_or_else(PoisonError::into_inner);
        if made().contains(folder) {
            return Ok(());
        }
        // Not under the lock: another thread making the same folder is fine.
        let dir = self.dir.join(folder);
        fs::create_dir_all(&dir).map_err(at(&dir))?;
        made().insert(folder.to_string());
        Ok(())
    }

    /// Stamps the staging folder and puts it in place of the output
    /// folder; the old output becomes the spare tree for the next build
    /// (or, when there is none or that cannot be, is deleted in the background by the
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
        let names = std::mem::take(self.names.get_mut().unwrap_or_else(PoisonError::into_inner));
        let stamp = stamp(names);
        write_file(&self.dir.join(&stamp.path), &stamp.contents)?;
        let swapped = swap::swap_into_place(
            &self.dir,
            &self.out,
            (&self.parent, &self.name),
            self.spare.as_deref(),
        );
        // On failure, dropping removes what is left of the staging folder.
        self.committed = swapped.is_ok();
        swapped.map_err(at(&self.out))
    }
}

/// The stamp of an output that holds `files` (see `manifest`): written
/// last, it marks the folder as kenshu's and lists what kenshu wrote there.
pub(crate) fn stamp(mut files: Vec<String>) -> OutputFile {
    let text = manifest::stamp_text(guard::STAMP_TEXT, &mut files);
    OutputFile::bytes(guard::STAMP, text)
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
mod tests;
