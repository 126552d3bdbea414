//! `kenshu export`: the site's skill framework and questions in Moodle's
//! import formats, for councils whose training runs on Moodle.
//!
//! - [`competencies`]: the framework as a competency framework CSV
//!   (Moodle's `tool_lpimportcsv`).
//! - [`questions`]: each module's self-check questions as a Moodle XML
//!   question file, one question-bank category per module.
//!
//! Both load and check the site like `kenshu build`; a site with errors
//! exports nothing.

pub mod competencies;
pub mod questions;

use crate::diagnostics::Diagnostics;
use crate::site::{load_site, LoadOptions, Site};
use std::path::Path;

/// Why nothing was exported.
#[derive(Debug)]
pub enum ExportError {
    Invalid(Diagnostics),
    /// A file could not be written, or would replace a file of the user's.
    Write(crate::messages::Message),
}

/// The checked site, or every problem it has.
fn checked_site(root: &Path) -> Result<(Site, Diagnostics), ExportError> {
    let (site, diagnostics) = load_site(root, LoadOptions::default());
    match site {
        Some(site) if !diagnostics.has_errors() => Ok((site, diagnostics)),
        _ => Err(ExportError::Invalid(diagnostics)),
    }
}

/// Writes a file, creating its folder; the error names the file. A file
/// already there is replaced only when it starts as this export's files
/// do (`ours`: kenshu wrote it).
fn write_file(path: &Path, bytes: &[u8], ours: &[u8]) -> Result<(), ExportError> {
    crate::output::check_replaceable(path, |p| crate::output::starts_with(p, ours))
        .map_err(ExportError::Write)?;
    let fail = |e: std::io::Error| {
        ExportError::Write(crate::msg!(
            "output.cannot-write",
            path = path.display(),
            detail = crate::messages::io_detail(&e)
        ))
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    std::fs::write(path, bytes).map_err(fail)
}
