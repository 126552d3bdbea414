//! `kenshu report`: turns a folder of exported learning records into the
//! figures the training office reports (受講率 and Step attainment against
//! the goals of skills.yaml, a 所属 × skill heat map, per-module results),
//! as a static page, CSV files and a workbook.
//!
//! Files are read in parallel in chunks and merged chunk by chunk in the
//! sorted order of their paths, so memory holds one chunk of records plus
//! one small summary per person, and the output is the same on every run.
//! A file that cannot be used is a warning naming it and why, never an
//! abort; only a missing site or a bad roster stops the report.

mod catalog;
mod csv_out;
mod figures;
mod html;
mod people;
mod records;
mod roster;
mod stamp;
mod svg;
mod tables;
mod xlsx;

use crate::diagnostics::Diagnostic;
use crate::messages::Message;
use crate::msg;
use crate::render::Renderer;
use crate::site::{load_outline, LoadOptions};
use catalog::Catalog;
use people::{AddNote, People, Person};
use rayon::prelude::*;
use records::Refusal;
use std::path::{Path, PathBuf};

/// What `kenshu report` was asked to do.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub root: PathBuf,
    pub roster: Option<PathBuf>,
    pub out: PathBuf,
    pub anonymise: bool,
    pub inputs: Vec<PathBuf>,
}

/// What a report run did: problems to print, and counts to sum up.
#[derive(Debug, Default)]
pub struct ReportSummary {
    /// Files left out, each with why (never fatal): `report.*` messages
    /// naming the file, put into words when printed.
    pub warnings: Vec<Message>,
    /// Records merged with a doubt: one staff number under two 氏名.
    pub notes: Vec<Message>,
    pub files_read: usize,
    pub people: usize,
}

/// Why no report was written.
#[derive(Debug)]
pub enum ReportError {
    /// The site, its theme (report.html) or the roster has problems.
    Invalid(Vec<Diagnostic>),
    /// An output file could not be made or written.
    Write(Message),
    /// Nothing to report from: an input that does not exist, or no record
    /// file that could be read; the messages say which (nothing written).
    Unread(Vec<Message>),
}

/// Files read in parallel per chunk: enough work for every thread, little memory.
const CHUNK: usize = 4096;

/// Makes the report.
pub fn run(options: &ReportOptions) -> Result<ReportSummary, ReportError> {
    crate::output::check_report_output(&options.root, &options.out)
        .map_err(|problem| ReportError::Invalid(vec![problem]))?;
    let (site, diagnostics) = load_outline(&options.root, LoadOptions { drafts: false });
    let site = match site {
        Some(site) if !diagnostics.has_errors() => site,
        _ => return Err(ReportError::Invalid(diagnostics.iter().cloned().collect())),
    };
    let mut catalog = Catalog::new(&site);
    let theme =
        crate::theme::load_theme(&options.root, &site.config).map_err(ReportError::Invalid)?;
    let renderer = Renderer::new(theme).map_err(ReportError::Invalid)?;
    let asset = |name: &str| renderer.theme().assets.get(name).cloned();
    catalog.stylesheet = asset("css/kenshu.css").unwrap_or_default();
    catalog.favicon = asset("favicon.svg").unwrap_or_default();
    let mut people = match &options.roster {
        Some(path) => {
            People::with_roster(roster::read(path, &catalog).map_err(ReportError::Invalid)?)
        }
        None => People::default(),
    };
    let mut summary = ReportSummary::default();
    let files = collect_inputs(&options.inputs, &mut summary.warnings)?;
    for chunk in files.chunks(CHUNK) {
        let results: Vec<_> = chunk
            .par_iter()
            .map(|path| records::read(path, &catalog))
            .collect();
        for (path, result) in chunk.iter().zip(results) {
            match result {
                Ok(record) => match people.add(record, &catalog) {
                    Some(AddNote::Ambiguous { name, department }) => {
                        summary.warnings.push(msg!(
                            "report.ambiguous-person",
                            path = path.display(),
                            name = name,
                            department = department
                        ));
                    }
                    Some(AddNote::NameConflict(c)) => {
                        summary.files_read += 1;
                        summary.notes.push(msg!(
                            "report.name-conflict",
                            path = path.display(),
                            number = c.staff_number,
                            kept = c.kept,
                            other = c.other
                        ));
                    }
                    None => summary.files_read += 1,
                },
                Err(refusal) => summary.warnings.push(refusal_message(path, refusal)),
            }
        }
    }
    if summary.files_read == 0 {
        let mut said = std::mem::take(&mut summary.warnings);
        said.push(msg!("report.nothing-read", files = files.len()));
        return Err(ReportError::Unread(said));
    }
    let names = Pseudonyms::new(options.anonymise, &catalog.key);
    let outputs = render(&renderer, &people, &catalog, &names, &summary)?;
    write_outputs(&options.out, &outputs).map_err(ReportError::Write)?;
    summary.people = people.counted().count();
    Ok(summary)
}

fn refusal_message(path: &Path, refusal: Refusal) -> Message {
    match refusal {
        Refusal::OtherSite(key) => msg!("report.other-site", path = path.display(), key = key),
        Refusal::Invalid(why) => {
            // The reason's own arguments go with it, for `{@reason}` to fill.
            let mut message = msg!("report.left-out-file", path = path.display());
            message.args.extend(why.args);
            message.arg("@reason", why.code)
        }
    }
}

/// Every `*.json` under the inputs, sorted, each once (a file named
/// twice, or by two paths, is read once); an input that does not exist
/// stops the report.
fn collect_inputs(
    inputs: &[PathBuf],
    warnings: &mut Vec<Message>,
) -> Result<Vec<PathBuf>, ReportError> {
    let missing: Vec<Message> = inputs
        .iter()
        .filter(|input| !input.exists())
        .map(|input| msg!("report.no-input", path = input.display()))
        .collect();
    if !missing.is_empty() {
        return Err(ReportError::Unread(missing));
    }
    let mut files = Vec::new();
    for input in inputs {
        if input.is_file() {
            files.push(input.clone());
            continue;
        }
        for entry in walkdir::WalkDir::new(input).follow_links(true) {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let json = e
                        .path()
                        .extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("json"));
                    if json {
                        files.push(e.into_path());
                    }
                }
                Ok(_) => {}
                Err(e) => warnings.push(msg!(
                    "report.unreadable-input",
                    path = e.path().unwrap_or(input).display(),
                    detail = e
                )),
            }
        }
    }
    files.sort();
    files.dedup();
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(file.canonicalize().unwrap_or_else(|_| file.clone())));
    Ok(files)
}

/// The CSV files of the people, modules and departments tables.
const CSV_FILES: [&str; 3] = ["people.csv", "modules.csv", "departments.csv"];

/// The files of the report: (name, bytes).
fn render(
    renderer: &Renderer,
    people: &People,
    catalog: &Catalog,
    names: &Pseudonyms,
    summary: &ReportSummary,
) -> Result<Vec<(&'static str, Vec<u8>)>, ReportError> {
    let summaries: Vec<figures::Summary> = people
        .persons
        .par_iter()
        .map(|p| figures::summarise(p, catalog))
        .collect();
    let figures = figures::count(people, &summaries, catalog);
    let order = tables::person_order(people);
    let people_table = tables::people_table(people, &summaries, &order, catalog, names);
    let modules_table = tables::modules_table(&figures, catalog);
    let departments_table = tables::departments_table(&figures, catalog);
    let sheets = [&people_table, &modules_table, &departments_table];
    let page = || {
        html::page(
            renderer,
            &html::PageInput {
                catalog,
                figures: &figures,
                people,
                order: &order,
                names,
                files_read: summary.files_read,
                files_skipped: summary.warnings.len(),
                as_of: people
                    .persons
                    .iter()
                    .filter_map(|p| p.last_export)
                    .max()
                    .map(stamp::japan_date),
                anonymised: names.enabled(),
            },
        )
        .map_err(|d| ReportError::Invalid(vec![d]))
    };
    let failed = |file: &str, e: &dyn std::fmt::Display| {
        ReportError::Write(msg!("report.output-failed", file = file, detail = e))
    };
    let csv = || [0, 1, 2].map(|i| csv_out::write(sheets[i]).map_err(|e| failed(CSV_FILES[i], &e)));
    // The workbook takes longest: it is written while the page and the CSV files are.
    let (workbook, (page, [people_csv, modules_csv, departments_csv])) = rayon::join(
        || {
            xlsx::write(&sheets, tables::WORDS.workbook_title)
                .map_err(|e| failed("report.xlsx", &e))
        },
        || rayon::join(page, csv),
    );
    Ok(vec![
        ("index.html", page?.into_bytes()),
        ("kenshu.css", catalog.stylesheet.clone()),
        ("report.css", include_bytes!("report.css").to_vec()),
        ("favicon.svg", catalog.favicon.clone()),
        (CSV_FILES[0], people_csv?),
        (CSV_FILES[1], modules_csv?),
        (CSV_FILES[2], departments_csv?),
        ("report.xlsx", workbook?),
    ])
}

/// What the report folder's mark says, for a person who opens it.
const REPORT_MARK_TEXT: &str = "kenshu report が書き出した報告書のフォルダーです。\n\
    This folder holds a report written by kenshu report.\n";

/// Writes the report's files into `dir`, all or nothing, as a build writes
/// the portal: into a staging folder put in place of `dir` at the end, so a
/// failure leaves the last report as it was. The last report is then
/// deleted, not kept (it may hold names).
fn write_outputs(dir: &Path, outputs: &[(&str, Vec<u8>)]) -> Result<(), Message> {
    use crate::output::{OutputFile, Staging};
    let staging = Staging::create(dir, None).map_err(|e| e.message())?;
    let mark = (
        crate::output::REPORT_MARK,
        REPORT_MARK_TEXT.as_bytes().to_vec(),
    );
    for (name, bytes) in outputs.iter().chain(std::iter::once(&mark)) {
        let file = OutputFile::bytes(*name, bytes.clone());
        staging.write(&file).map_err(|e| e.message())?;
    }
    let cleanup = staging.commit().map_err(|e| e.message())?;
    cleanup.finish().map_err(|e| {
        msg!(
            "report.cannot-write",
            path = dir.display(),
            detail = crate::messages::io_detail(&e)
        )
    })
}

/// Names and numbers as written, or stable pseudonyms: an HMAC-SHA-256 of
/// the staff number (or 氏名+所属 when there is none), keyed by
/// `KENSHU_REPORT_KEY` or, without it, by the site's progress key.
struct Pseudonyms {
    key: Option<Vec<u8>>,
}

impl Pseudonyms {
    fn new(enabled: bool, site_key: &str) -> Pseudonyms {
        let key = std::env::var("KENSHU_REPORT_KEY")
            .ok()
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| site_key.to_string());
        Pseudonyms {
            key: enabled.then(|| key.into_bytes()),
        }
    }

    fn enabled(&self) -> bool {
        self.key.is_some()
    }

    fn digest(&self, key: &[u8], person: &Person) -> String {
        use hmac::{Hmac, KeyInit, Mac};
        let l = &person.learner;
        let subject = match l.staff_number.trim() {
            "" => format!("{}\u{0}{}", l.name.trim(), l.department.trim()),
            number => number.to_string(),
        };
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(subject.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .take(5)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl tables::Names for Pseudonyms {
    fn number(&self, person: &Person) -> String {
        match &self.key {
            Some(key) => format!("P{}", self.digest(key, person)),
            None => person.learner.staff_number.trim().to_string(),
        }
    }

    fn name(&self, person: &Person) -> String {
        match &self.key {
            Some(key) => format!(
                "{}{}",
                tables::WORDS.pseudonym_name,
                &self.digest(key, person)[..6]
            ),
            None => person.learner.name.trim().to_string(),
        }
    }
}
