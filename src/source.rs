//! Source text: reading input files as UTF-8 with their paths.
//!
//! Every input file passes through here: [`load_text`] refuses files over
//! [`MAX_FILE_BYTES`], [`read_text`] turns bytes into text (reporting
//! invalid UTF-8 with its position, dropping a byte-order mark, and making
//! every line end `\n`, whether written `\r\n` or a lone `\r`).

use crate::diagnostics::{Diagnostic, Location};
use crate::msg;
use std::path::{Path, PathBuf};

/// The text of one input file, with the path used in diagnostics and the line
/// at which this text starts inside the file (front matter starts at line 2).
#[derive(Debug, Clone)]
pub struct SourceText<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub first_line: usize,
}

impl<'a> SourceText<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        SourceText {
            path,
            text,
            first_line: 1,
        }
    }

    pub fn starting_at(path: &'a Path, text: &'a str, first_line: usize) -> Self {
        SourceText {
            path,
            text,
            first_line,
        }
    }
}

/// Largest input file read: far beyond any real module (the shipped ones
/// are 10–20 kB), and a bound on the time and memory one file can cost.
pub(crate) const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// Decodes UTF-8 (dropping a byte-order mark), or reports where it breaks.
pub(crate) fn read_text(path: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    // encoding_rs checks UTF-8 about ten times faster than the standard
    // library does on Japanese text (3 vs 36 ms for 46 MB of modules), and
    // hands back the checked text to copy, which costs less still.
    let utf8 = encoding_rs::UTF_8.decode_without_bom_handling_and_without_replacement(&bytes);
    let Some(text) = utf8 else {
        return Err(not_utf8(path, &bytes));
    };
    let mut text = text.into_owned();
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    if text.contains('\r') {
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    Ok(text)
}

/// The error for bytes that are not UTF-8, at the first byte that is not.
fn not_utf8(path: &Path, bytes: &[u8]) -> Diagnostic {
    let valid_up_to = std::str::from_utf8(bytes)
        .err()
        .map_or(bytes.len(), |err| err.valid_up_to());
    let valid = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
    let line = valid.matches('\n').count() + 1;
    let col = valid
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    Diagnostic::error(path, Location::new(line, col), msg!("file.not-utf8"))
}

/// The first control character other than tab, line feed and form feed in
/// a file's text (a NUL or an escape pasted from another program, which
/// would reach the pages as it is), as an error at its place. The file is
/// still read, so its other problems are reported too.
pub(crate) fn control_character(path: &Path, text: &str) -> Option<Diagnostic> {
    let is_control = |b: u8| b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0c);
    // Whole chunks first, without a branch per byte (the compiler turns the
    // fold into vector instructions); the byte itself only in a chunk that
    // has one. Every file is checked, so this is on every build's path.
    const CHUNK: usize = 64;
    let bytes = text.as_bytes();
    let chunk = bytes
        .chunks(CHUNK)
        .position(|chunk| chunk.iter().fold(false, |any, &b| any | is_control(b)))?;
    let offset = chunk * CHUNK + bytes[chunk * CHUNK..].iter().position(|&b| is_control(b))?;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let code = format!("U+{:04X}", text.as_bytes()[offset]);
    Some(Diagnostic::error(
        path,
        Location::new(line, col),
        msg!("file.control-character", code = code),
    ))
}

/// A file longer than the limit it was read with: its size in bytes.
pub(crate) struct TooLarge(pub u64);

/// Reads a file of at most `max` bytes: one open, the size taken from the
/// open file, and never more read than the limit should the file grow
/// meanwhile.
pub(crate) fn read_at_most(path: &Path, max: u64) -> std::io::Result<Result<Vec<u8>, TooLarge>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > max {
        return Ok(Err(TooLarge(size)));
    }
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.take(max + 1).read_to_end(&mut bytes)?;
    match bytes.len() as u64 {
        read if read > max => Ok(Err(TooLarge(read))),
        _ => Ok(Ok(bytes)),
    }
}

/// Reads a file as UTF-8 text; I/O errors name the path.
pub(crate) fn load_text(root: &Path, relative: &Path) -> Result<String, Diagnostic> {
    let unreadable = |err: std::io::Error| {
        Diagnostic::error(
            relative,
            Location::WHOLE,
            msg!("file.unreadable", detail = crate::messages::io_detail(&err)),
        )
    };
    match read_at_most(&root.join(relative), MAX_FILE_BYTES).map_err(unreadable)? {
        Ok(bytes) => read_text(relative, bytes),
        Err(TooLarge(size)) => Err(Diagnostic::error(
            relative,
            Location::WHOLE,
            msg!(
                "file.too-large",
                size = size / 1024,
                max = MAX_FILE_BYTES / 1024
            ),
        )),
    }
}

/// `a/b/c` relative path of `path` under `root`, with forward slashes.
pub(crate) fn relative_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_reports_line_and_column() {
        let bytes = b"ok\nab\xff".to_vec();
        let err = read_text(Path::new("x.md"), bytes).unwrap_err();
        assert_eq!(err.location, Location::new(2, 3));
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let text = read_text(Path::new("x.md"), b"---\rtitle: a\r---\r".to_vec()).unwrap();
        assert_eq!(text, "---\ntitle: a\n---\n");
    }
}
