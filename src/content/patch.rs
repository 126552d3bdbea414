//! Bringing what [`discover`](super::discover) found up to date from a list
//! of changed paths, instead of walking `content/` and reading every file
//! again (the preview server, after a save).
//!
//! The result must be exactly what a fresh `discover` would find, so a path
//! is patched only when its fate is certain: a regular file that its folder
//! lists under exactly that name (the way the walk sees it), below real
//! folders; or a path that is gone and held no files. Anything else — a
//! folder, a symbolic link, a file that cannot be read, a name that the file
//! system finds but spells otherwise (a case-insensitive disk) — gives up,
//! and the caller walks `content/` again.

use super::{find_file, is_ignored, ContentFiles, SourceFile, MODULES_DIR, PAGES_DIR, STATIC_DIR};
use crate::source;
use rustc_hash::FxHashMap;
use std::ffi::OsString;
use std::fs::FileType;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Which list of [`ContentFiles`] a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Modules,
    Pages,
    Media,
    Statics,
}

/// What one changed path does to the lists.
#[derive(Debug)]
enum Edit {
    /// A Markdown file with this text.
    Text(List, PathBuf, String),
    /// A media or static file that exists.
    Listed(List, PathBuf),
    /// Nothing is at this path any more.
    Gone(PathBuf),
}

/// Patching cannot tell what a fresh walk would find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uncertain;

/// A path whose file appeared, disappeared or has another text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patched {
    pub path: PathBuf,
    /// The text a Markdown file had before, if it was there.
    pub was: Option<String>,
}

impl ContentFiles {
    /// Updates the files for the given changed paths (relative to the site
    /// root; paths outside the folders that `discover` walks are ignored), as
    /// a fresh `discover` would find them. Returns the paths whose file
    /// appeared, disappeared or (for Markdown) has another text, in path
    /// order. On
    /// [`Uncertain`] nothing was changed, and only a fresh walk will do.
    ///
    /// Files that `discover` could not read are not tracked: patching files
    /// with unreadable ones in them is uncertain.
    pub fn patch<'a>(
        &mut self,
        changed: impl IntoIterator<Item = &'a Path>,
    ) -> Result<Vec<Patched>, Uncertain> {
        if !self.unreadable.is_empty() {
            return Err(Uncertain);
        }
        let mut listings = Listings::new(&self.root);
        let mut edits = Vec::new();
        for path in changed {
            if let Some(edit) = self.edit_for(path, &mut listings)? {
                edits.push(edit);
            }
        }
        let mut patched: Vec<Patched> = edits.into_iter().filter_map(|e| self.apply(e)).collect();
        patched.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(patched)
    }

    /// Whether the lists hold a file at `path` or below it.
    pub fn holds(&self, path: &Path) -> bool {
        let at = |list: &[PathBuf]| list.binary_search_by(|p| p.as_path().cmp(path)).is_ok();
        find_file(&self.modules, path).is_ok()
            || find_file(&self.pages, path).is_ok()
            || at(&self.media)
            || at(&self.statics)
            || self.unreadable.iter().any(|p| p.starts_with(path))
            || self.holds_below(path)
    }

    fn holds_below(&self, path: &Path) -> bool {
        has_below(&self.modules, |f| &f.path, path)
            || has_below(&self.pages, |f| &f.path, path)
            || has_below(&self.media, |p| p, path)
            || has_below(&self.statics, |p| p, path)
    }

    /// What `path` now is, or `None` when the walk never lists it.
    fn edit_for(&self, path: &Path, listings: &mut Listings) -> Result<Option<Edit>, Uncertain> {
        let Some((list, base)) = list_of(path)? else {
            return Ok(None);
        };
        let below: Vec<&str> = names_below(path, base)?;
        if below.iter().any(|name| is_ignored(name)) {
            return Ok(None);
        }
        // Every folder from the base down to the file's own must be a real
        // folder: the walk does not follow links to folders.
        let mut folder = PathBuf::from(base);
        for name in &below[..below.len() - 1] {
            folder.push(name);
            match listings.entry(&folder)? {
                Some(kind) if kind.is_dir() => {}
                Some(_) => return Err(Uncertain),
                None => return self.unlisted(path),
            }
        }
        match listings.entry(path)? {
            Some(kind) if kind.is_file() => Ok(Some(self.present(list, path)?)),
            Some(_) => Err(Uncertain),
            None => self.unlisted(path),
        }
    }

    /// A path that the walk would not find: gone, unless the file system
    /// still finds it under another spelling of a name.
    fn unlisted(&self, path: &Path) -> Result<Option<Edit>, Uncertain> {
        match self.root.join(path).symlink_metadata() {
            Err(err) if err.kind() == io::ErrorKind::NotFound => self.gone(path),
            _ => Err(Uncertain),
        }
    }

    fn present(&self, list: List, path: &Path) -> Result<Edit, Uncertain> {
        match list {
            List::Modules | List::Pages => {
                let text = source::load_text(&self.root, path).map_err(|_| Uncertain)?;
                Ok(Edit::Text(list, path.to_path_buf(), text))
            }
            List::Media | List::Statics => Ok(Edit::Listed(list, path.to_path_buf())),
        }
    }

    /// A path with nothing at it; uncertain if it was a folder of files.
    fn gone(&self, path: &Path) -> Result<Option<Edit>, Uncertain> {
        if self.holds_below(path) {
            return Err(Uncertain);
        }
        Ok(Some(Edit::Gone(path.to_path_buf())))
    }

    /// Applies one edit; says what it changed, if anything.
    fn apply(&mut self, edit: Edit) -> Option<Patched> {
        match edit {
            Edit::Text(list, path, text) => {
                let files = match list {
                    List::Modules => &mut self.modules,
                    _ => &mut self.pages,
                };
                match find_file(files, &path) {
                    Ok(at) if files[at].text == text => None,
                    Ok(at) => {
                        let was = std::mem::replace(&mut files[at].text, text);
                        Some(Patched {
                            path,
                            was: Some(was),
                        })
                    }
                    Err(at) => {
                        let file = SourceFile {
                            path: path.clone(),
                            text,
                        };
                        files.insert(at, file);
                        Some(Patched { path, was: None })
                    }
                }
            }
            Edit::Listed(list, path) => {
                let paths = match list {
                    List::Media => &mut self.media,
                    _ => &mut self.statics,
                };
                let at = paths.binary_search(&path).err()?;
                paths.insert(at, path.clone());
                Some(Patched { path, was: None })
            }
            Edit::Gone(path) => {
                let was = remove_file(&mut self.modules, &path)
                    .or_else(|| remove_file(&mut self.pages, &path));
                let removed = was.is_some()
                    || remove_path(&mut self.media, &path)
                    || remove_path(&mut self.statics, &path);
                removed.then_some(Patched {
                    path,
                    was: was.map(|f| f.text),
                })
            }
        }
    }
}

/// The list a path below one of the walked folders belongs to, and that
/// folder; `None` for a path outside them; uncertain for a folder that
/// holds them (content/ itself, or one of them).
fn list_of(path: &Path) -> Result<Option<(List, &'static str)>, Uncertain> {
    for base in [MODULES_DIR, PAGES_DIR, STATIC_DIR] {
        if Path::new(base).starts_with(path) {
            return Err(Uncertain);
        }
        if !path.starts_with(base) {
            continue;
        }
        let markdown = path.extension().is_some_and(|e| e == "md");
        let list = match base {
            STATIC_DIR => List::Statics,
            _ if !markdown => List::Media,
            MODULES_DIR => List::Modules,
            _ => List::Pages,
        };
        return Ok(Some((list, base)));
    }
    Ok(None)
}

/// The names of `path` below `base` (at least one); uncertain for `..` and
/// names that are not UTF-8.
fn names_below<'a>(path: &'a Path, base: &str) -> Result<Vec<&'a str>, Uncertain> {
    let rest = path.strip_prefix(base).map_err(|_| Uncertain)?;
    let names = rest
        .components()
        .map(|c| match c {
            Component::Normal(name) => name.to_str().ok_or(Uncertain),
            _ => Err(Uncertain),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if names.is_empty() {
        return Err(Uncertain);
    }
    Ok(names)
}

/// Whether a list sorted by path holds a path strictly below `folder`.
/// Paths below a folder sort right after it.
fn has_below<T>(sorted: &[T], path: impl Fn(&T) -> &PathBuf, folder: &Path) -> bool {
    let at = sorted.partition_point(|item| path(item).as_path() <= folder);
    sorted
        .get(at)
        .is_some_and(|item| path(item).starts_with(folder))
}

fn remove_file(files: &mut Vec<SourceFile>, path: &Path) -> Option<SourceFile> {
    let at = find_file(files, path).ok()?;
    Some(files.remove(at))
}

fn remove_path(paths: &mut Vec<PathBuf>, path: &Path) -> bool {
    match paths.binary_search_by(|p| p.as_path().cmp(path)) {
        Ok(at) => {
            paths.remove(at);
            true
        }
        Err(_) => false,
    }
}

/// Folder listings read once per patch: what the walk would see.
struct Listings<'a> {
    root: &'a Path,
    /// Folder (relative) → its entries and their types; `None` if it does not exist.
    folders: FxHashMap<PathBuf, Option<FxHashMap<OsString, FileType>>>,
}

impl<'a> Listings<'a> {
    fn new(root: &'a Path) -> Listings<'a> {
        Listings {
            root,
            folders: FxHashMap::default(),
        }
    }

    /// The type of the entry its folder lists for `path` (not following a
    /// link), or `None` when the folder does not list that name.
    fn entry(&mut self, path: &Path) -> Result<Option<FileType>, Uncertain> {
        let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(Uncertain);
        };
        if !self.folders.contains_key(folder) {
            let listing = list(&self.root.join(folder))?;
            self.folders.insert(folder.to_path_buf(), listing);
        }
        Ok(self.folders[folder]
            .as_ref()
            .and_then(|entries| entries.get(name).copied()))
    }
}

fn list(folder: &Path) -> Result<Option<FxHashMap<OsString, FileType>>, Uncertain> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(_) => return Err(Uncertain),
    };
    let mut listing = FxHashMap::default();
    for entry in entries {
        let entry = entry.map_err(|_| Uncertain)?;
        let kind = entry.file_type().map_err(|_| Uncertain)?;
        listing.insert(entry.file_name(), kind);
    }
    Ok(Some(listing))
}

#[cfg(test)]
mod tests;
