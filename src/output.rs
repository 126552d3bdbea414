//! Writing the built site to disk, all or nothing.
//!
//! Files are written into a fresh staging folder beside the output folder,
//! then the two are swapped by renaming. A build that fails, or is stopped
//! half-way, leaves the previous output exactly as it was. Writing into an
//! empty folder is also the fast path: overwriting thousands of existing files
//! costs far more on most file systems.

use crate::render::{Contents, OutputFile};
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

/// Writes `files` into `out`, replacing its previous contents atomically.
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(at(parent))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.kenshu-staging-{}", std::process::id()));
    remove_if_exists(&staging)?;
    let written = write_all(&staging, files);
    if let Err(err) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    swap_into_place(&staging, out, parent, &name)
}

/// Writes every file under `dir`, creating folders first.
pub fn write_all(dir: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let folders: BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(|p| dir.join(p)))
        .collect();
    fs::create_dir_all(dir).map_err(at(dir))?;
    for folder in &folders {
        fs::create_dir_all(folder).map_err(at(folder))?;
    }
    files
        .par_iter()
        .try_for_each(|file| write_file(&dir.join(&file.path), &file.contents))
}

/// Writes one file (folders must exist).
pub fn write_file(path: &Path, contents: &Contents) -> Result<(), WriteError> {
    match contents {
        Contents::Bytes(bytes) => fs::write(path, bytes).map_err(at(path)),
        Contents::Copy(source) => fs::copy(source, path).map(|_| ()).map_err(at(source)),
    }
}

fn swap_into_place(
    staging: &Path,
    out: &Path,
    parent: &Path,
    name: &str,
) -> Result<(), WriteError> {
    if !out.exists() {
        return fs::rename(staging, out).map_err(at(out));
    }
    let old = parent.join(format!(".{name}.kenshu-old-{}", std::process::id()));
    remove_if_exists(&old)?;
    fs::rename(out, &old).map_err(at(out))?;
    if let Err(source) = fs::rename(staging, out) {
        // Put the previous output back before reporting.
        let _ = fs::rename(&old, out);
        let _ = fs::remove_dir_all(staging);
        return Err(WriteError {
            path: out.to_path_buf(),
            source,
        });
    }
    fs::remove_dir_all(&old).map_err(at(&old))
}

fn remove_if_exists(path: &Path) -> Result<(), WriteError> {
    match fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(WriteError {
            path: path.to_path_buf(),
            source: err,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(text.as_bytes().to_vec()),
        }
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
