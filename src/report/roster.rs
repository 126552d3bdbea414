//! The staff roster (名簿): a CSV exported from the personnel system with
//! the header `職員番号,氏名,所属,人材像`, in UTF-8 (with or without BOM) or
//! in Shift_JIS/CP932 as Excel on Japanese Windows saves it.
//!
//! With a roster, 受講率 counts everyone on it, including staff who handed
//! in nothing. A roster with problems stops the report: every problem is
//! reported at once, each with its line and column (the field's number),
//! since figures over a wrong roster would be wrong without anyone noticing.

use super::catalog::Catalog;
use crate::diagnostics::{Diagnostic, Location};
use crate::messages::Message;
use crate::msg;
use std::collections::HashMap;
use std::path::Path;

/// One person on the roster.
#[derive(Debug, Clone)]
pub(crate) struct RosterEntry {
    pub staff_number: String,
    pub name: String,
    pub department: String,
    pub role: Option<usize>,
}

/// The roster's columns: the first four of people.csv (one list of both).
const COLUMNS: [&str; 4] = {
    let p = super::tables::WORDS.people_columns;
    [p[0], p[1], p[2], p[3]]
};

/// Reads the roster, or every problem in it.
pub(crate) fn read(path: &Path, catalog: &Catalog) -> Result<Vec<RosterEntry>, Vec<Diagnostic>> {
    let bytes = std::fs::read(path).map_err(|e| {
        vec![Diagnostic::error(
            path,
            Location::WHOLE,
            msg!("roster.unreadable", detail = crate::messages::io_detail(&e)),
        )]
    })?;
    parse(&decode(&bytes), path, catalog)
}

/// UTF-8 (BOM or not) when the bytes are UTF-8, UTF-16 with its BOM (what
/// Excel saves as 「Unicode テキスト」), Shift_JIS (CP932) otherwise.
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        if encoding != encoding_rs::UTF_8 {
            return encoding.decode(bytes).0.into_owned();
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::SHIFT_JIS.decode(bytes).0.into_owned(),
    }
}

fn parse(text: &str, path: &Path, catalog: &Catalog) -> Result<Vec<RosterEntry>, Vec<Diagnostic>> {
    // Excel's 「Unicode テキスト」 separates columns with tabs.
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|f| f.trim().to_string()).collect(),
        Err(e) => return Err(vec![csv_error(path, &e)]),
    };
    let columns = columns(&header, path)?;
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let lines = LineStarts::of(text);
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                problems.push(csv_error(path, &e));
                continue;
            }
        };
        let line = record
            .position()
            .map_or(0, |p| lines.line_of(text, p.byte() as usize));
        let field = |i: usize| record.get(columns[i]).unwrap_or("").trim().to_string();
        let at = |i: usize| Location::new(line, columns[i] + 1);
        let entry = RosterEntry {
            staff_number: field(0),
            name: field(1),
            department: field(2),
            role: None,
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if let Some(problem) = row_shape(&record, header.len()) {
            problems.push(Diagnostic::error(path, Location::new(line, 1), problem));
            continue;
        }
        let role_text = field(3);
        let role = if role_text.is_empty() {
            None
        } else if let Some(role) = catalog.role(&role_text) {
            Some(role)
        } else {
            problems.push(unknown_role(path, at(3), &role_text, catalog));
            None
        };
        if entry.staff_number.is_empty() {
            problems.push(Diagnostic::error(path, at(0), msg!("roster.no-number")));
        } else if let Some(first) = seen.insert(super::people::normal(&entry.staff_number), line) {
            problems.push(Diagnostic::error(
                path,
                at(0),
                msg!(
                    "roster.duplicate",
                    number = &entry.staff_number,
                    line = first
                ),
            ));
        }
        entries.push(RosterEntry { role, ..entry });
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(problems)
    }
}

/// Where the lines of a text start, for the line of a byte offset: Excel
/// ends lines with CR LF, which the CSV reader's own line count gets one
/// short of, and some tools with a lone CR.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn of(text: &str) -> LineStarts {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i + 1);
            }
        }
        LineStarts(starts)
    }

    /// The line (from 1) of a record the reader says starts at byte
    /// `offset`: it may point at the end of the line before.
    fn line_of(&self, text: &str, offset: usize) -> usize {
        let skipped = text.get(offset..).map_or(0, |rest| {
            rest.len() - rest.trim_start_matches(['\r', '\n']).len()
        });
        self.0.partition_point(|&start| start <= offset + skipped)
    }
}

/// Where each of the four columns is; every missing one is a problem.
fn columns(header: &[String], path: &Path) -> Result<[usize; 4], Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut columns = [0usize; 4];
    for (slot, name) in columns.iter_mut().zip(COLUMNS) {
        match header.iter().position(|h| h == name) {
            Some(i) => *slot = i,
            None => problems.push(Diagnostic::error(
                path,
                Location::START,
                msg!("roster.missing-column", name = name),
            )),
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

fn unknown_role(path: &Path, at: Location, text: &str, catalog: &Catalog) -> Diagnostic {
    let message = msg!("roster.unknown-role", role = text)
        .list_arg("names", catalog.roles.iter().map(|r| &r.name))
        .list_arg("ids", catalog.roles.iter().map(|r| &r.id));
    Diagnostic::error(path, at, message)
}

/// A row with fewer fields than the header (often a `"` left open, which
/// swallows the rows after it), or with values under no heading.
fn row_shape(record: &csv::StringRecord, columns: usize) -> Option<Message> {
    if record.len() < columns {
        return Some(msg!(
            "roster.short-row",
            found = record.len(),
            expected = columns
        ));
    }
    let extra = record.iter().skip(columns).any(|f| !f.trim().is_empty());
    extra.then(|| msg!("roster.extra-values", expected = columns))
}

fn csv_error(path: &Path, error: &csv::Error) -> Diagnostic {
    let line = error.position().map_or(1, |p| p.line() as usize);
    Diagnostic::error(
        path,
        Location::new(line, 1),
        msg!("roster.bad-csv", detail = error),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_unicode_text_cp932_and_utf8_are_all_read() {
        let text = "職員番号\t氏名\r\nA1\t山田\r\n";
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&utf16), text);
        let (cp932, _, _) = encoding_rs::SHIFT_JIS.encode("職員番号,髙﨑\r\n");
        assert_eq!(decode(&cp932), "職員番号,髙﨑\r\n");
        assert_eq!(decode("\u{feff}a,b".as_bytes()), "a,b");
    }

    #[test]
    fn lines_are_counted_for_cr_lf_and_lone_cr() {
        let text = "h\r\na\r\nb\rc\n";
        let lines = LineStarts::of(text);
        assert_eq!(lines.line_of(text, 0), 1);
        assert_eq!(
            lines.line_of(text, 1),
            2,
            "at the CR LF ending line 1: the record after it"
        );
        assert_eq!(lines.line_of(text, 3), 2);
        assert_eq!(lines.line_of(text, 6), 3);
        assert_eq!(lines.line_of(text, 8), 4, "after a lone CR");
    }
}
