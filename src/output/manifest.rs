//! The list of the files kenshu wrote into an output, kept in its stamp,
//! and the files someone added there since.
//!
//! An output is replaced whole by the next build, so a file a person puts
//! into `public/` (a PDF to publish, notes) would be lost with it. The
//! stamp ([`super::STAMP`]) therefore lists every file the build wrote, one
//! path per line after [`HEADER`]; before building over an output, the
//! files it holds that the list does not name are found by
//! [`added_files`], and the build refuses to replace it. A stamp without
//! the list (written by an older kenshu) vouches for the whole folder.

use super::guard::STAMP;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::fs;
use std::io;
use std::path::Path;
use walkdir::WalkDir;

/// The line after which the stamp lists the files.
const HEADER: &str = "# files written by kenshu:";

/// Escaped in listed paths: line breaks (and other controls) and `%` itself.
const ESCAPED: &AsciiSet = &CONTROLS.add(b'%');

/// The stamp's text: `intro`, then the list of `files` (sorted here, each
/// once).
pub(crate) fn stamp_text(intro: &str, files: &mut Vec<String>) -> String {
    // 21,000 paths at 10,000 modules, sorted while the build waits.
    files.par_sort_unstable();
    files.dedup();
    let mut text = String::with_capacity(intro.len() + files.len() * 40);
    text.push_str(intro);
    text.push('\n');
    text.push_str(HEADER);
    text.push('\n');
    for file in files.iter() {
        text.extend(utf8_percent_encode(file, ESCAPED));
        text.push('\n');
    }
    text
}

/// The files listed by a stamp's text; `None` when it has no list.
fn listed(stamp: &str) -> Option<FxHashSet<String>> {
    let (_, list) = stamp.split_once(&format!("\n{HEADER}\n"))?;
    Some(
        list.lines()
            .map(|line| percent_decode_str(line).decode_utf8_lossy().into_owned())
            .collect(),
    )
}

/// Files below `dir` that its stamp does not list (paths relative to it,
/// with `/`): the first in walking order and how many there are. `None`
/// when there are none, or when `dir` has no stamp with a list.
pub(super) fn added_files(dir: &Path) -> io::Result<Option<(String, usize)>> {
    let stamp = match fs::read(dir.join(STAMP)) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
    };
    let Some(listed) = listed(&stamp) else {
        return Ok(None);
    };
    let mut first = None;
    let mut count = 0;
    for entry in WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = relative
            .to_str()
            .map(|s| s.replace(std::path::MAIN_SEPARATOR, "/"));
        let ours = name
            .as_deref()
            .is_some_and(|n| n == STAMP || listed.contains(n));
        if !ours {
            count += 1;
            first.get_or_insert_with(|| relative.display().to_string());
        }
    }
    Ok(first.map(|first| (first, count)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_reads_back_what_was_written_even_with_odd_names() {
        let mut files = vec![
            "b/index.html".to_string(),
            "a 100%.pdf".to_string(),
            "改行\nあり.txt".to_string(),
        ];
        let text = stamp_text("intro", &mut files);
        assert!(text.starts_with("intro\n# files written by kenshu:\na 100%25.pdf\n"));
        let back = listed(&text).expect("a list");
        assert_eq!(back, files.into_iter().collect());
        assert_eq!(listed("an old stamp without a list\n"), None);
    }

    #[test]
    fn files_added_after_the_build_are_found_and_listed_ones_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::create_dir_all(out.join("modules/a")).unwrap();
        fs::write(out.join("index.html"), "x").unwrap();
        fs::write(out.join("modules/a/index.html"), "x").unwrap();
        let mut files = vec!["index.html".to_string(), "modules/a/index.html".to_string()];
        fs::write(out.join(STAMP), stamp_text("intro", &mut files)).unwrap();
        assert_eq!(added_files(out).unwrap(), None);
        fs::write(out.join("modules/a/予算資料.xlsx"), "mine").unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let (first, count) = added_files(out).unwrap().expect("added files");
        assert_eq!(count, 2);
        assert!(first.contains("予算資料.xlsx"), "{first}");
    }
}
