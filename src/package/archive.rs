//! Writing a package as a zip file, whole or not at all.

use crate::output::{Contents, OutputFile};
use std::fs;
use std::io::{Cursor, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The zip of `files` (the manifest first), in memory. Entries carry the
/// zip format's earliest date, so the same input gives the same bytes.
pub(crate) fn zip_bytes(files: &[OutputFile]) -> Result<Vec<u8>, String> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for file in files {
        zip.start_file(file.path.as_str(), options)
            .map_err(|e| format!("{}: {e}", file.path))?;
        let bytes = match &file.contents {
            Contents::Bytes(bytes) => std::borrow::Cow::Borrowed(bytes.as_slice()),
            Contents::Copy(source) => std::borrow::Cow::Owned(
                fs::read(source).map_err(|e| format!("{}: {e}", source.display()))?,
            ),
        };
        zip.write_all(&bytes)
            .map_err(|e| format!("{}: {e}", file.path))?;
    }
    zip.set_comment(ZIP_COMMENT);
    zip.finish()
        .map(Cursor::into_inner)
        .map_err(|e| e.to_string())
}

/// The comment of every package kenshu writes: how a later run knows that
/// a zip at the same path is one it may replace.
pub(crate) const ZIP_COMMENT: &str = "kenshu package scorm";

/// Whether the file at `path` is a package kenshu wrote.
pub(crate) fn is_our_package(path: &Path) -> bool {
    fs::File::open(path)
        .ok()
        .and_then(|file| zip::ZipArchive::new(file).ok())
        .is_some_and(|archive| archive.comment() == ZIP_COMMENT.as_bytes())
}

/// Writes `bytes` to `path` through a temporary file beside it, so a
/// package is never left half written.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.partial"));
    fs::write(&temporary, bytes)?;
    fs::rename(&temporary, path).inspect_err(|_| {
        let _ = fs::remove_file(&temporary);
    })
}
