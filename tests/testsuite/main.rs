//! kenshu's integration tests: one binary, one module per area.
//!
//! Tests run the real `kenshu` binary on fixture sites copied into temporary
//! folders (see [`common`]) and assert on what it prints and writes.

mod common;

mod browser;
mod build;
mod cases;
mod cli;
mod content;
mod corpus;
mod errors;
mod hostile;
mod lms;
mod moodle;
mod report;
mod report_totals;
mod safety;
mod serve;
mod serve_limits;
