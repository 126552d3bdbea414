//! kenshu (研修) turns a folder of Markdown training modules into a static
//! e-learning portal for local-government staff: per-role curricula, module
//! pages with self-check quizzes, a skill matrix, search and a resource
//! catalogue, all working offline from any URL path or a shared folder.
//!
//! The pipeline is a chain of pure stages over typed data:
//! [`site::load_site`] (config, framework, resources, modules) →
//! [`render::Renderer`] (pages to [`output::OutputFile`]s) →
//! [`output::write_site`] (staging folder, swapped into place).
//! The same loaded site also feeds [`package`] (SCORM 1.2 packages of the
//! role curricula, for an LMS) and [`export`] (the skill framework and the
//! questions in Moodle's import formats).
//! Every problem an author can cause is a [`diagnostics::Diagnostic`] with
//! its file, line and column.

#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

pub(crate) mod aside;
pub mod build;
pub(crate) mod calendar;
pub(crate) mod chars;
pub mod cli;
pub mod config;
pub mod content;
pub(crate) mod curriculum;
pub mod diagnostics;
pub mod export;
pub(crate) mod framework;
pub(crate) mod ids;
pub(crate) mod markdown;
pub mod messages;
pub mod output;
pub mod package;
pub mod render;
pub mod report;
pub(crate) mod resources;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub(crate) mod source;
#[cfg(test)]
mod test_support;
pub(crate) mod theme;
pub(crate) mod urls;
pub(crate) mod validate;
pub(crate) mod yaml;

pub use build::{build_site, check_site, BuildError, BuildOptions, BuildReport};
pub use diagnostics::{Diagnostic, Diagnostics, Location, Severity};
pub use site::{load_site, LoadOptions, Site};
