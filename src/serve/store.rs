//! The preview's output folder and what each of its files holds.
//!
//! The server keeps a 128-bit digest and the length of every file it wrote
//! (and, for files copied from the site, the source's size and modification
//! time), not its bytes, so a rebuild writes only files whose contents
//! changed while the memory held stays small at any site size. Each file is written to a hidden
//! temporary name and renamed into place, so a page being served while it is
//! rewritten is always either the old or the new one, never half of each.

use crate::output::{self, WriteError};
use crate::output::{Contents, OutputFile};
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What a file of the output holds.
#[derive(Debug, Clone, PartialEq)]
enum Held {
    /// Made by kenshu: the XXH3-128 digest and length of its bytes.
    Digest(u128, usize),
    /// Copied from a source file of this size and modification time.
    Copy(PathBuf, u64, Option<SystemTime>),
}

impl Held {
    fn of(contents: Contents) -> Held {
        match contents {
            Contents::Bytes(bytes) => Held::digest(&bytes),
            Contents::Copy(source) => {
                let meta = fs::metadata(&source).ok();
                let len = meta.as_ref().map_or(0, |m| m.len());
                let modified = meta.and_then(|m| m.modified().ok());
                Held::Copy(source, len, modified)
            }
        }
    }

    fn digest(bytes: &[u8]) -> Held {
        Held::Digest(xxhash_rust::xxh3::xxh3_128(bytes), bytes.len())
    }

    /// Whether writing `contents` would leave the file as it is.
    fn matches(&self, contents: &Contents) -> bool {
        match (self, contents) {
            (Held::Digest(..), Contents::Bytes(bytes)) => *self == Held::digest(bytes),
            (Held::Copy(..), Contents::Copy(source)) => {
                *self == Held::of(Contents::Copy(source.clone()))
            }
            _ => false,
        }
    }
}

/// Which files a sync may delete.
#[derive(Debug, Clone, Copy)]
pub(super) enum Scope<'a> {
    /// Only add or replace the given files.
    Update,
    /// The given files are all there is under this prefix of the output.
    Under(&'a str),
    /// The given files are all there is, except under this prefix.
    AllBut(&'a str),
}

/// The output folder as the server last wrote it.
#[derive(Debug)]
pub(super) struct Store {
    dir: PathBuf,
    /// Where a full rewrite keeps the old tree (see `output::Staging`).
    spare: Option<PathBuf>,
    files: HashMap<String, Held>,
}

impl Store {
    /// An output folder the server has not written yet.
    pub(super) fn new(dir: &Path, spare: Option<PathBuf>) -> Store {
        Store {
            dir: dir.to_path_buf(),
            spare,
            files: HashMap::new(),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Writes `files` as the whole site, replacing the folder at once.
    pub(super) fn replace(&mut self, files: Vec<OutputFile>) -> Result<usize, WriteError> {
        output::write_site(&self.dir, &files, self.spare.clone())?;
        self.files = files
            .into_iter()
            .map(|f| (f.path, Held::of(f.contents)))
            .collect();
        Ok(self.files.len())
    }

    /// Writes the files whose contents changed, deletes the ones `scope`
    /// says are gone; returns how many files were written or deleted.
    pub(super) fn sync(
        &mut self,
        files: Vec<OutputFile>,
        scope: Scope,
    ) -> Result<usize, WriteError> {
        let mut count = 0;
        let mut added = false;
        let mut kept: Vec<String> = Vec::with_capacity(files.len());
        for file in files {
            kept.push(file.path.clone());
            if self
                .files
                .get(&file.path)
                .is_some_and(|h| h.matches(&file.contents))
            {
                continue;
            }
            write_atomically(&self.dir, &file)?;
            added |= self
                .files
                .insert(file.path, Held::of(file.contents))
                .is_none();
            count += 1;
        }
        let deleted = self.delete_stale(&kept, scope)?;
        if added || deleted > 0 {
            self.restamp()?;
        }
        Ok(count + deleted)
    }

    /// Lists the files the folder now holds in its stamp, as a build would,
    /// so that a later build over it finds no file it did not write.
    fn restamp(&self) -> Result<(), WriteError> {
        let stamp = output::stamp(self.files.keys().cloned().collect());
        write_atomically(&self.dir, &stamp)
    }

    fn delete_stale(&mut self, kept: &[String], scope: Scope) -> Result<usize, WriteError> {
        let in_scope = |path: &str| match scope {
            Scope::Update => false,
            Scope::Under(prefix) => path.starts_with(prefix),
            Scope::AllBut(prefix) => !path.starts_with(prefix),
        };
        let kept: std::collections::HashSet<&str> = kept.iter().map(String::as_str).collect();
        let stale: Vec<String> = self
            .files
            .keys()
            .filter(|p| in_scope(p) && !kept.contains(p.as_str()))
            .cloned()
            .collect();
        for path in &stale {
            let full = self.dir.join(path);
            match fs::remove_file(&full) {
                Ok(()) => {}
                Err(err) if err.kind() == io::ErrorKind::NotFound => {}
                Err(source) => return Err(WriteError { path: full, source }),
            }
            self.files.remove(path);
        }
        Ok(stale.len())
    }
}

/// Writes one file under `dir` by way of a hidden temporary file.
fn write_atomically(dir: &Path, file: &OutputFile) -> Result<(), WriteError> {
    let target = dir.join(&file.path);
    let folder = target.parent().unwrap_or(dir);
    fs::create_dir_all(folder).map_err(|source| WriteError {
        path: folder.to_path_buf(),
        source,
    })?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = folder.join(format!(".{name}.kenshu-tmp"));
    output::write_file(&temp, &file.contents)?;
    fs::rename(&temp, &target).map_err(|source| {
        let _ = fs::remove_file(&temp);
        WriteError {
            path: target.clone(),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, text: &str) -> OutputFile {
        OutputFile::bytes(path, text)
    }

    #[test]
    fn only_changed_files_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let mut store = Store::new(&out, None);
        store
            .replace(vec![page("a/index.html", "a"), page("b/index.html", "b")])
            .unwrap();
        let written = store
            .sync(
                vec![page("a/index.html", "a"), page("b/index.html", "B")],
                Scope::Update,
            )
            .unwrap();
        assert_eq!(written, 1);
        assert_eq!(fs::read_to_string(out.join("b/index.html")).unwrap(), "B");
        let leftovers: Vec<_> = fs::read_dir(out.join("b")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn scopes_decide_what_is_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let mut store = Store::new(&out, None);
        store
            .replace(vec![
                page("index.html", "home"),
                page("old/index.html", "old"),
                page("assets/search/idx-0.js", "0"),
                page("assets/search/idx-1.js", "1"),
            ])
            .unwrap();
        store
            .sync(
                vec![page("index.html", "home")],
                Scope::AllBut("assets/search/"),
            )
            .unwrap();
        assert!(!out.join("old/index.html").exists());
        assert!(out.join("assets/search/idx-1.js").exists());
        store
            .sync(
                vec![page("assets/search/idx-0.js", "0")],
                Scope::Under("assets/search/"),
            )
            .unwrap();
        assert!(!out.join("assets/search/idx-1.js").exists());
        assert!(out.join("index.html").exists());
    }
}
