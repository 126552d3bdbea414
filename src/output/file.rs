//! The files a build writes: made by kenshu, or copied from the site.

use std::path::PathBuf;

/// A file of the built site.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// Relative to the output folder, with `/` separators.
    pub path: String,
    pub contents: Contents,
}

impl OutputFile {
    /// A file made by kenshu, with these bytes.
    pub fn bytes(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(bytes.into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// A file copied as it is from the site folder (absolute path).
    Copy(PathBuf),
}
