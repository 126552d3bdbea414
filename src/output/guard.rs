//! Which folders kenshu may replace: the guard `build` and `serve` share.
//!
//! The output folder is replaced whole, so before anything is written
//! [`check_output`] refuses an `--out` that
//! - is, holds or lies inside the site's sources (`content/`, where
//!   `site.yaml` lives, `themes/`, the site folder itself or a parent of it);
//! - is a symbolic link (kenshu does not follow it: pass the real folder);
//! - is a file, or anything else that is not a folder;
//! - is a folder with files in it that kenshu did not write, i.e. one
//!   without the [`STAMP`] file that every kenshu output carries.
//!
//! An empty folder, a missing one and a previous kenshu output are fine.

use crate::diagnostics::Diagnostic;
use crate::diagnostics::Location;
use crate::messages::Message;
use crate::msg;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as kenshu's output, written last into every
/// output. Only a folder holding it is ever swapped away and deleted.
pub const STAMP: &str = ".kenshu-output";

/// The second mark of a folder `kenshu report` wrote: a report folder is
/// not a portal, and neither replaces the other.
pub const REPORT_MARK: &str = ".kenshu-report";

/// Refuses an output folder for a report: as [`check_output`], and also a
/// portal that kenshu built (it holds the stamp but not [`REPORT_MARK`]).
pub fn check_report_output(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    check_output(root, out)?;
    if is_stamped(out) && !out.join(REPORT_MARK).is_file() {
        return Err(Diagnostic::error(
            out,
            Location::WHOLE,
            msg!("output.is-portal"),
        ));
    }
    Ok(())
}

/// What the stamp says, for a person who opens it.
pub(crate) const STAMP_TEXT: &str =
    "このフォルダーは kenshu が書き出したもので、書き出すたびに丸ごと置き換えられます。\
     自分のファイルは置かないでください。\n\
     This folder was written by kenshu and is replaced whole each time kenshu writes it \
     again. Do not keep your own files here.\n";

/// The site's own folders that an output must stay clear of.
const SOURCE_DIRS: [&str; 2] = ["content", "themes"];

/// Refuses an output folder that kenshu must not replace (see the module
/// documentation); `root` is the site folder. Checks only: writes nothing.
pub fn check_output(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let refuse = |message: Message| Err(Diagnostic::error(out, Location::WHOLE, message));
    let unreadable = |err: io::Error| {
        Diagnostic::error(
            out,
            Location::WHOLE,
            msg!(
                "output.unreadable",
                detail = crate::messages::io_detail(&err)
            ),
        )
    };
    let meta = match fs::symlink_metadata(out) {
        Ok(meta) => Some(meta),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(unreadable(err)),
    };
    if meta.as_ref().is_some_and(|m| m.file_type().is_symlink()) {
        let target = fs::read_link(out).map_or_else(|_| "?".into(), |t| t.display().to_string());
        return refuse(msg!("output.symlink", target = target));
    }
    if meta.as_ref().is_some_and(|m| !m.is_dir()) {
        return refuse(msg!("output.not-a-folder"));
    }
    // A site folder that does not exist holds no sources (loading it
    // reports that); the rules for `out` itself still apply.
    if let Some(what) = source_overlap(root, out).map_err(unreadable)? {
        return refuse(msg!("output.sources", what = what));
    }
    if meta.is_some() {
        if let Some(example) = foreign_file(out).map_err(unreadable)? {
            return refuse(msg!("output.foreign", example = example));
        }
        if let Some((example, count)) = super::manifest::added_files(out).map_err(unreadable)? {
            return refuse(msg!("output.added-files", example = example, count = count));
        }
    }
    Ok(())
}

/// Refuses an output of `package` or `export` (a folder or a file) that lies
/// in the site's sources, where the next build would publish it.
pub fn check_outside_sources(root: &Path, out: &Path) -> Result<(), Message> {
    let overlap = source_overlap(root, out).map_err(|err| {
        msg!(
            "output.unreadable",
            detail = crate::messages::io_detail(&err)
        )
    })?;
    match overlap {
        Some(what) => Err(msg!("output.in-sources", what = what)),
        None => Ok(()),
    }
}

/// The source folder that `out` overlaps, named as an author would. A site
/// folder that does not exist holds no sources (loading it reports that).
fn source_overlap(root: &Path, out: &Path) -> io::Result<Option<String>> {
    let Ok(root) = root.canonicalize() else {
        return Ok(None);
    };
    Ok(overlapping_source(&root, &absolute(out)?))
}

/// [`check_output`] for a portal build: a report folder is refused too.
pub fn check_site_output(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    check_output(root, out)?;
    if out.join(REPORT_MARK).is_file() {
        return Err(Diagnostic::error(
            out,
            Location::WHOLE,
            msg!("output.is-report"),
        ));
    }
    Ok(())
}

/// Whether `dir` is kenshu's output (holds the stamp file).
pub(crate) fn is_stamped(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(STAMP)).is_ok_and(|m| m.is_file())
}

/// A file of `dir` that shows kenshu did not write it: `None` when the
/// folder is empty or stamped.
fn foreign_file(dir: &Path) -> io::Result<Option<String>> {
    if is_stamped(dir) {
        return Ok(None);
    }
    let first = fs::read_dir(dir)?.next().transpose()?;
    Ok(first.map(|entry| entry.file_name().to_string_lossy().into_owned()))
}

/// The source folder that `out` (absolute) is, holds or lies in, named as
/// an author would: `content/`, `themes/`, the site folder.
fn overlapping_source(root: &Path, out: &Path) -> Option<String> {
    if root.starts_with(out) {
        return Some(root.display().to_string());
    }
    SOURCE_DIRS.iter().find_map(|name| {
        let dir = root.join(name);
        // A source folder may itself be a link to elsewhere.
        let real = dir.canonicalize().unwrap_or(dir);
        (out.starts_with(&real) || real.starts_with(out)).then(|| format!("{name}/"))
    })
}

/// `path` made absolute, with the links in its existing part resolved and
/// `..` applied, without requiring the rest of it to exist.
fn absolute(path: &Path) -> io::Result<PathBuf> {
    let mut resolved = PathBuf::new();
    let mut exists = true;
    for component in std::path::absolute(path)?.components() {
        match component {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => {
                resolved.push(other);
                if exists {
                    match resolved.canonicalize() {
                        Ok(real) => resolved = real,
                        Err(_) => exists = false,
                    }
                }
            }
        }
    }
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs::create_dir_all(root.join("content/modules")).unwrap();
        fs::create_dir_all(root.join("themes")).unwrap();
        (dir, root)
    }

    #[test]
    fn sources_and_their_parents_are_refused() {
        let (dir, root) = site();
        for bad in [
            root.clone(),
            root.join("content"),
            root.join("content/modules"),
            root.join("content/new/deeper"),
            root.join("themes/x"),
            dir.path().to_path_buf(),
            root.join("public/../content"),
        ] {
            let err = check_output(&root, &bad).expect_err(&bad.display().to_string());
            assert!(err.text(Default::default()).contains("ソース"), "{}", err);
        }
        assert!(check_output(&root, &root.join("public")).is_ok());
        assert!(check_output(&root, &dir.path().join("elsewhere/out")).is_ok());
    }

    #[test]
    fn a_folder_with_foreign_files_is_refused_and_a_stamped_one_is_not() {
        let (_dir, root) = site();
        let out = root.join("public");
        fs::create_dir_all(&out).unwrap();
        assert!(check_output(&root, &out).is_ok(), "empty folder");
        fs::write(out.join("予算資料.xlsx"), "x").unwrap();
        let err = check_output(&root, &out).unwrap_err();
        assert!(
            err.text(Default::default()).contains("予算資料.xlsx"),
            "{}",
            err
        );
        fs::write(out.join(STAMP), STAMP_TEXT).unwrap();
        assert!(check_output(&root, &out).is_ok());
    }
}
