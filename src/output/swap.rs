//! Putting a finished staging folder in place of the output, and removing
//! old trees without ever following a symbolic link.
//!
//! On Linux the two folders are exchanged in one step (`renameat2` with
//! `RENAME_EXCHANGE`), so the output path always names a complete site;
//! elsewhere, or on a file system without that call, the output is renamed
//! away and the staging folder renamed in, leaving a moment of two renames
//! with no output folder. The old tree is then kept as the spare tree,
//! which the next build recycles (see `reuse`); when there is none, or
//! that name is taken, it is deleted on a thread of its own ([`Cleanup`]).
//!
//! A build that is killed leaves its staging folder (or the old tree it was
//! deleting) behind under a name of kenshu's own,
//! `.<out>.kenshu-staging-<pid>` or `.<out>.kenshu-old-<pid>`;
//! [`remove_leftovers`] deletes those of processes no longer running, and
//! nothing else, at the start of the next build.

use super::guard;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

/// The staging folder's name for output folder `name`, for this process.
pub(super) fn staging_name(name: &str) -> String {
    format!(".{name}.kenshu-staging-{}", std::process::id())
}

fn old_name(name: &str) -> String {
    format!(".{name}.kenshu-old-{}", std::process::id())
}

/// An old output tree being deleted in the background; dropping it waits
/// for the deletion to finish.
#[derive(Debug, Default)]
pub struct Cleanup {
    removal: Option<JoinHandle<io::Result<()>>>,
}

impl Cleanup {
    fn start(path: PathBuf) -> Cleanup {
        let removal = std::thread::Builder::new()
            .name("kenshu-cleanup".into())
            .spawn(move || remove_tree(&path, 2));
        match removal {
            Ok(handle) => Cleanup {
                removal: Some(handle),
            },
            // No thread to be had: what is left goes at the next build.
            Err(_) => Cleanup::default(),
        }
    }

    /// Waits for the deletion; an old tree that could not be removed is
    /// removed by the next build.
    pub fn finish(mut self) -> io::Result<()> {
        self.wait()
    }

    fn wait(&mut self) -> io::Result<()> {
        match self.removal.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the cleanup thread failed")),
            None => Ok(()),
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = self.wait();
    }
}

/// Why the swap refused to replace an output folder (checked again at the
/// moment of the swap: the folder may have changed since the build began).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// It is a symbolic link (to this target).
    Link(String),
    /// It is a file, or anything else that is not a folder.
    NotAFolder,
    /// It holds files kenshu did not write (this one, for example).
    Foreign(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::Link(target) => write!(f, "the output is a link to {target}"),
            Refused::NotAFolder => f.write_str("the output is not a folder"),
            Refused::Foreign(example) => write!(f, "the output holds {example}, not kenshu's"),
        }
    }
}

impl std::error::Error for Refused {}

/// Why an existing `out` may not be replaced, if it may not.
fn refusal(out: &Path) -> Option<io::Error> {
    let meta = fs::symlink_metadata(out).ok()?;
    if meta.file_type().is_symlink() {
        let target = fs::read_link(out).map_or_else(|_| "?".into(), |t| t.display().to_string());
        return Some(io::Error::other(Refused::Link(target)));
    }
    if !meta.is_dir() {
        return Some(io::Error::other(Refused::NotAFolder));
    }
    let first = fs::read_dir(out).ok()?.flatten().next()?;
    (!guard::is_stamped(out)).then(|| {
        let example = first.file_name().to_string_lossy().into_owned();
        io::Error::other(Refused::Foreign(example))
    })
}

/// Puts `staging` (complete, stamped) in place of `out`; the old output, if
/// any, becomes the spare tree at `spare`, or is deleted in the background
/// (when there is none, or it cannot be moved there).
pub(super) fn swap_into_place(
    staging: &Path,
    out: &Path,
    (parent, name): (&Path, &str),
    spare: Option<&Path>,
) -> io::Result<Cleanup> {
    if fs::symlink_metadata(out).is_err() {
        fs::rename(staging, out)?;
        return Ok(Cleanup::default());
    }
    if let Some(refused) = refusal(out) {
        return Err(refused);
    }
    let retire = |old: &Path| match spare {
        Some(spare) => keep_as_spare(old, spare),
        None => Cleanup::start(old.to_path_buf()),
    };
    if exchange(staging, out)? {
        // `staging` now names the old output.
        return Ok(retire(staging));
    }
    let old = parent.join(old_name(name));
    remove_tree_if_exists(&old)?;
    fs::rename(out, &old)?;
    if let Err(err) = fs::rename(staging, out) {
        // Put the previous output back before reporting.
        let _ = fs::rename(&old, out);
        return Err(err);
    }
    Ok(retire(&old))
}

/// Renames the old output `old` to `spare` for the next build to recycle;
/// deletes it in the background when that name is taken or out of reach.
fn keep_as_spare(old: &Path, spare: &Path) -> Cleanup {
    if let Some(dir) = spare.parent() {
        let _ = fs::create_dir_all(dir);
    }
    // `rename` replaces an empty folder only; anything else at `spare` stays.
    match fs::rename(old, spare) {
        Ok(()) => Cleanup::default(),
        Err(_) => Cleanup::start(old.to_path_buf()),
    }
}

/// Exchanges two folders atomically where the platform can; `Ok(false)`
/// when it cannot (the caller then renames twice).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::NOTSUP) => {
            Ok(false)
        }
        Err(err) => Err(err.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Deletes what killed builds for output folder `name` left in `parent`:
/// only folders named as kenshu names them, only of processes that are
/// gone (a build running beside this one keeps its staging folder).
pub(super) fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [
        format!(".{name}.kenshu-staging-"),
        format!(".{name}.kenshu-old-"),
    ];
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let pid = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()))
            .and_then(|pid| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| pid == std::process::id() || !is_running(pid)) {
            let _ = remove_tree(&entry.path(), 2);
        }
    }
}

#[cfg(unix)]
fn is_running(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    // EPERM: it runs, as another user.
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

#[cfg(not(unix))]
fn is_running(_: u32) -> bool {
    false
}

/// Removes `path` and everything in it, the first `parallel_levels` levels
/// of folders in parallel (an output has a folder per page). A symbolic
/// link, at the top or anywhere below, is removed itself, never followed.
pub(crate) fn remove_tree(path: &Path, parallel_levels: u32) -> io::Result<()> {
    use rayon::prelude::*;
    let meta = fs::symlink_metadata(path)?;
    if !meta.is_dir() {
        return fs::remove_file(path);
    }
    if parallel_levels == 0 {
        // Does not follow links (std documents it, and checks for races).
        return fs::remove_dir_all(path);
    }
    let entries: Vec<fs::DirEntry> = fs::read_dir(path)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|entry| {
        // `file_type` of a directory entry does not follow links.
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path(), parallel_levels - 1)
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(path)
}

pub(super) fn remove_tree_if_exists(path: &Path) -> io::Result<()> {
    match remove_tree(path, 0) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_removed_and_its_target_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("www");
        fs::create_dir_all(target.join("sub")).unwrap();
        fs::write(target.join("sub/keep.txt"), "x").unwrap();
        let tree = dir.path().join("tree");
        fs::create_dir_all(tree.join("a")).unwrap();
        std::os::unix::fs::symlink(&target, tree.join("a/link")).unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("top")).unwrap();
        remove_tree(&dir.path().join("top"), 2).unwrap();
        remove_tree(&tree, 2).unwrap();
        assert!(!tree.exists());
        assert!(target.join("sub/keep.txt").is_file());
    }

    #[test]
    fn leftovers_of_dead_processes_go_and_others_stay() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(".public.kenshu-staging-4000000");
        let alive = dir
            .path()
            .join(format!(".public.kenshu-old-{}", std::process::id()));
        let other = dir.path().join(".public.kenshu-staging-notapid");
        for d in [&dead, &alive, &other] {
            fs::create_dir_all(d.join("x")).unwrap();
        }
        // pid 1 always runs.
        let init = dir.path().join(".public.kenshu-staging-1");
        fs::create_dir_all(&init).unwrap();
        remove_leftovers(dir.path(), "public");
        assert!(!dead.exists());
        assert!(!alive.exists(), "this process's own are leftovers too");
        assert!(other.exists() && init.exists());
    }
}
