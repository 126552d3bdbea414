//! Taking the records in: the inputs gathered (every `*.json` under the
//! folders named, each file once, in sorted order), read in parallel chunk
//! by chunk and merged into [`People`] in path order, and a [`FileNote`] for
//! every file the office should know about — left out (unusable, another
//! portal's, nobody's for sure), outside the figures (not on the roster),
//! or counted with a doubt (another 氏名 under its staff number, a role the
//! site does not have). The notes are printed as warnings and listed on the
//! page and in the workbook, so that the totals can be checked file by file.

use super::catalog::Catalog;
use super::people::{Added, Ambiguous, People};
use super::records::{self, GivenRole, Refusal};
use super::ReportError;
use crate::messages::{Lang, Message};
use crate::msg;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Files read in parallel per chunk: enough work for every thread, little memory.
const CHUNK: usize = 4096;

/// What became of a file the report has something to say about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// Not read into the report: unusable, or whose it is cannot be known.
    LeftOut,
    /// Read, but its person is not on the roster: outside the figures.
    OffRoster,
    /// Counted; something in it is worth checking.
    Counted,
}

/// One file the report left out or counted with a doubt, and why.
#[derive(Debug, Clone)]
pub struct FileNote {
    pub path: PathBuf,
    /// (line, column) of the field the note is about, when it is about one.
    pub place: Option<(usize, usize)>,
    /// Why, without the file's name: a `report.*` message.
    pub reason: Message,
    pub treatment: Treatment,
}

impl FileNote {
    fn new(path: &Path, reason: Message, treatment: Treatment) -> FileNote {
        FileNote {
            path: path.to_path_buf(),
            place: None,
            reason,
            treatment,
        }
    }

    /// The file as messages name it: its path, and line and column when known.
    pub fn file(&self) -> String {
        match self.place {
            Some((line, column)) => format!("{}:{line}:{column}", self.path.display()),
            None => self.path.display().to_string(),
        }
    }

    /// The warning: the file, why, and what became of it.
    pub fn message(&self) -> Message {
        let code = match self.treatment {
            Treatment::Counted => "report.counted-file",
            Treatment::LeftOut | Treatment::OffRoster => "report.left-out-file",
        };
        // The reason's own arguments go with it, for `{@reason}` to fill.
        let mut message = Message::new(code).arg("path", self.file());
        message.args.extend(self.reason.args.iter().cloned());
        message.arg("@reason", self.reason.code)
    }

    /// The warning in words and, on a line of its own, how to fix it.
    pub fn text_with_hint(&self, lang: Lang) -> String {
        crate::messages::with_hint(self.message().text(lang), self.reason.hint(lang), lang)
    }
}

/// What reading the inputs gave, besides the people.
#[derive(Debug, Default)]
pub(super) struct Intake {
    /// In the sorted order of the files' paths.
    pub notes: Vec<FileNote>,
    /// Files whose records went into the people.
    pub files_read: usize,
    /// `*.json` files found.
    pub files_found: usize,
}

/// A record that names a role the site does not have: said once every
/// record is in, when the person's role is known for sure.
struct UnknownRole {
    path: PathBuf,
    id: String,
    place: Option<(usize, usize)>,
    person: usize,
}

/// Reads every record file under `inputs` into `people`.
pub(super) fn read_all(
    inputs: &[PathBuf],
    catalog: &Catalog,
    people: &mut People,
) -> Result<Intake, ReportError> {
    let mut intake = Intake::default();
    let files = collect_inputs(inputs, &mut intake.notes)?;
    intake.files_found = files.len();
    let mut unknown_roles = Vec::new();
    for chunk in files.chunks(CHUNK) {
        let results: Vec<_> = chunk
            .par_iter()
            .map(|path| records::read(path, catalog))
            .collect();
        for (path, result) in chunk.iter().zip(results) {
            let record = match result {
                Ok(record) => record,
                Err(refusal) => {
                    intake.notes.push(refused(path, refusal));
                    continue;
                }
            };
            let unknown = match &record.role {
                GivenRole::Unknown { id, place } => Some((id.clone(), *place)),
                _ => None,
            };
            match people.add(record) {
                Ok(added) => {
                    intake.files_read += 1;
                    intake.notes.extend(added_notes(path, &added, people));
                    if let Some((id, place)) = unknown {
                        let (path, person) = (path.clone(), added.at);
                        unknown_roles.push(UnknownRole {
                            path,
                            id,
                            place,
                            person,
                        });
                    }
                }
                Err(ambiguous) => intake.notes.push(ambiguous_note(path, ambiguous)),
            }
        }
    }
    for unknown in unknown_roles {
        intake
            .notes
            .push(unknown_role_note(unknown, people, catalog));
    }
    // Stable: the notes of one file stay in the order they were made.
    intake.notes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(intake)
}

fn refused(path: &Path, refusal: Refusal) -> FileNote {
    let reason = match refusal {
        Refusal::OtherSite(key) => msg!("report.other-site", key = key),
        Refusal::Invalid(why) => why,
    };
    FileNote::new(path, reason, Treatment::LeftOut)
}

fn ambiguous_note(path: &Path, ambiguous: Ambiguous) -> FileNote {
    let reason = msg!(
        "report.ambiguous-person",
        name = ambiguous.name,
        department = ambiguous.department
    );
    FileNote::new(path, reason, Treatment::LeftOut)
}

/// What to say about a record taken in: another 氏名 under its staff
/// number, a person the roster does not have.
fn added_notes(path: &Path, added: &Added, people: &People) -> Vec<FileNote> {
    let mut notes = Vec::new();
    if let Some(c) = &added.conflict {
        let reason = msg!(
            "report.name-conflict",
            number = c.staff_number,
            kept = c.kept,
            other = c.other
        );
        notes.push(FileNote::new(path, reason, Treatment::Counted));
    }
    let person = &people.persons[added.at];
    if people.roster && !person.on_roster {
        let learner = &person.learner;
        let reason = msg!(
            "report.off-roster",
            number = learner.staff_number.trim(),
            name = learner.name.trim()
        );
        notes.push(FileNote::new(path, reason, Treatment::OffRoster));
    }
    notes
}

/// A role id the site does not have, and how its person is counted: under
/// the role the roster (or another record) gives, else as 人材像不明.
fn unknown_role_note(unknown: UnknownRole, people: &People, catalog: &Catalog) -> FileNote {
    let person = &people.persons[unknown.person];
    let reason = match person.role {
        Some(role) => msg!(
            "report.unknown-role-known",
            id = unknown.id,
            role = catalog.roles[role].name
        ),
        None => msg!(
            "report.unknown-role",
            id = unknown.id,
            base = catalog.measured_role(None).map_or("", |r| r.name.as_str())
        ),
    };
    let reason = reason.list_arg("ids", catalog.roles.iter().map(|r| &r.id));
    let treatment = if people.roster && !person.on_roster {
        Treatment::OffRoster
    } else {
        Treatment::Counted
    };
    FileNote {
        place: unknown.place,
        ..FileNote::new(&unknown.path, reason, treatment)
    }
}

/// Every `*.json` under the inputs, sorted, each once (a file named
/// twice, or by two paths, is read once); an input that does not exist
/// stops the report, a folder that cannot be read is a note.
fn collect_inputs(
    inputs: &[PathBuf],
    notes: &mut Vec<FileNote>,
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
                Err(e) => {
                    let path = e.path().unwrap_or(input).to_path_buf();
                    let detail = match e.io_error() {
                        Some(io) => crate::messages::io_detail(io),
                        None => e.to_string(),
                    };
                    let reason = msg!("report.unreadable", detail = detail);
                    notes.push(FileNote::new(&path, reason, Treatment::LeftOut));
                }
            }
        }
    }
    files.sort();
    files.dedup();
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(file.canonicalize().unwrap_or_else(|_| file.clone())));
    Ok(files)
}
