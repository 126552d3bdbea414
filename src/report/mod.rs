//! `kenshu report`: turns a folder of exported learning records into the
//! figures the training office reports (受講率 and Step attainment against
//! the goals of skills.yaml, a 所属 × skill heat map, per-module results),
//! as a static page, CSV files and a workbook.
//!
//! Files are read in parallel in chunks and merged chunk by chunk in the
//! sorted order of their paths (intake.rs), so memory holds one chunk of
//! records plus one small summary per person, and the output is the same on
//! every run. A file that cannot be used is a warning naming it and why,
//! listed on the page and in the workbook too, never an abort; only a
//! missing site, a bad roster or nothing to report on stops the report.
//! With a roster and no records yet (the start of a fiscal year) the report
//! is still made: everyone on it is 未提出, every rate 0 %.

mod catalog;
mod csv_out;
mod figures;
mod html;
mod intake;
mod lists;
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
pub use intake::{FileNote, Treatment};
use people::{People, Person};
use rayon::prelude::*;
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
    /// Files left out, outside the figures or counted with a doubt, each
    /// with why (never fatal), in path order; the page lists them too.
    pub notes: Vec<FileNote>,
    pub files_read: usize,
    pub people: usize,
}

impl ReportSummary {
    /// Files left out of the report (unusable, or nobody's for sure).
    pub fn left_out(&self) -> usize {
        let left_out = |n: &&FileNote| n.treatment == Treatment::LeftOut;
        self.notes.iter().filter(left_out).count()
    }
}

/// Why no report was written.
#[derive(Debug)]
pub enum ReportError {
    /// The site, its theme (report.html) or the roster has problems.
    Invalid(Vec<Diagnostic>),
    /// An output file could not be made or written.
    Write(Message),
    /// Nothing to report on: an input that does not exist, or neither a
    /// roster nor a record file that could be read; the messages say which
    /// (nothing written).
    Unread(Vec<Message>),
}

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
    if options.inputs.is_empty() && !people.roster {
        return Err(ReportError::Unread(vec![msg!("report.nothing-given")]));
    }
    let intake = intake::read_all(&options.inputs, &catalog, &mut people)?;
    // Without a roster the records are everyone the report is about.
    if intake.files_read == 0 && !people.roster {
        let mut said: Vec<Message> = intake.notes.iter().map(FileNote::message).collect();
        said.push(msg!("report.nothing-read", files = intake.files_found));
        return Err(ReportError::Unread(said));
    }
    let summary = ReportSummary {
        notes: intake.notes,
        files_read: intake.files_read,
        people: people.counted().count(),
    };
    let names = Pseudonyms::new(options.anonymise, &catalog.key);
    let outputs = render(&renderer, &people, &catalog, &names, &summary)?;
    write_outputs(&options.out, &outputs).map_err(ReportError::Write)?;
    Ok(summary)
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
    let files_table = tables::files_table(&summary.notes);
    let sheets = [&people_table, &modules_table, &departments_table];
    // File names and reasons may name staff: an anonymised workbook has no list.
    let mut workbook_sheets = sheets.to_vec();
    if !names.enabled() {
        workbook_sheets.push(&files_table);
    }
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
                notes: &summary.notes,
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
            xlsx::write(&workbook_sheets, tables::WORDS.workbook_title)
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
