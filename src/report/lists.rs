//! The page's two lists, as parts of its [`View`](super::html::View): the
//! staff on the roster who handed in nothing, and the files the report left
//! out, kept outside the figures or counted with a doubt, each with why and
//! what to do. Each list stops at [`LIST_LIMIT`] rows; people.csv and the
//! workbook have them all.

use super::html::PageInput;
use super::intake::Treatment;
use crate::messages::Lang;
use serde::Serialize;

/// At most this many rows are listed on the page.
pub(crate) const LIST_LIMIT: usize = 1000;

#[derive(Serialize)]
pub(crate) struct MissingView {
    /// People on the roster without a file.
    count: usize,
    /// People with a file but not on the roster (left out of the figures).
    outside: usize,
    /// The list stops at this many (`limited`: there are more).
    limit: usize,
    limited: bool,
    people: Vec<MissingPerson>,
}

#[derive(Serialize)]
struct MissingPerson {
    number: String,
    name: String,
    department: String,
}

/// Who handed in nothing (only with a roster).
pub(crate) fn missing(input: &PageInput) -> Option<MissingView> {
    let people = input.people;
    if !people.roster {
        return None;
    }
    let missing: Vec<usize> = input
        .order
        .iter()
        .copied()
        .filter(|&i| people.persons[i].on_roster && people.persons[i].files == 0)
        .collect();
    Some(MissingView {
        count: missing.len(),
        outside: people.persons.iter().filter(|p| !p.on_roster).count(),
        limit: LIST_LIMIT,
        limited: missing.len() > LIST_LIMIT,
        people: missing
            .iter()
            .take(LIST_LIMIT)
            .map(|&i| {
                let p = &people.persons[i];
                MissingPerson {
                    number: input.names.number(p),
                    name: input.names.name(p),
                    department: p.learner.department.clone(),
                }
            })
            .collect(),
    })
}

#[derive(Serialize)]
pub(crate) struct FilesView {
    /// Files left out (not read into the report).
    left_out: usize,
    /// Files read whose person is not on the roster (outside the figures).
    off_roster: usize,
    /// Files counted with something to check.
    counted: usize,
    /// `false` under `--anonymise`: file names and reasons may name staff,
    /// so only the counts are shown.
    listed: bool,
    limit: usize,
    limited: bool,
    files: Vec<FileRow>,
}

#[derive(Serialize)]
struct FileRow {
    /// The file as given (with line and column when the note is about a field).
    file: String,
    /// `left-out`, `off-roster` or `counted`: the theme words it.
    treatment: &'static str,
    reason: String,
    /// What to do about it, when there is something to do.
    hint: Option<String>,
}

/// The files the office should know about, in path order, in the page's
/// language.
pub(crate) fn files(input: &PageInput) -> FilesView {
    let notes = input.notes;
    let lang = Lang::from_tag(&input.catalog.language);
    let count = |t: Treatment| notes.iter().filter(|n| n.treatment == t).count();
    let listed = !input.anonymised;
    FilesView {
        left_out: count(Treatment::LeftOut),
        off_roster: count(Treatment::OffRoster),
        counted: count(Treatment::Counted),
        listed,
        limit: LIST_LIMIT,
        limited: listed && notes.len() > LIST_LIMIT,
        files: notes
            .iter()
            .take(if listed { LIST_LIMIT } else { 0 })
            .map(|note| FileRow {
                file: note.file(),
                treatment: match note.treatment {
                    Treatment::LeftOut => "left-out",
                    Treatment::OffRoster => "off-roster",
                    Treatment::Counted => "counted",
                },
                reason: note.reason.text(lang),
                hint: note.reason.hint(lang),
            })
            .collect(),
    }
}
