//! The skill framework as a Moodle competency framework CSV.
//!
//! The format is the one Moodle's competency framework import
//! (`admin/tool/lpimportcsv`) reads and writes: a header row with its
//! fourteen columns, one row for the framework (`Is framework` = 1, with its
//! scale and the taxonomy of each level), then one row per competency, each
//! naming its parent by `ID number`. kenshu writes two levels: the
//! categories (taxonomy "domain") and under them the skills ("skill"), with
//! their ids as ID numbers, so courses linked to a competency keep the link
//! when the framework is exported again. The scale has two values,
//! 未達成 (the default) and 達成 (proficient).

use super::{checked_site, write_file, ExportError};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::framework::SKILLS_FILE;
use crate::site::Site;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The columns of tool_lpimportcsv, in its order.
pub(crate) const HEADER: [&str; 14] = [
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
];

/// The two-value scale, as Moodle writes a scale's items: comma-separated.
pub(crate) const SCALE_VALUES: &str = "未達成,達成";

/// The scale's configuration: item 1 is the default, item 2 proficient.
/// (Moodle replaces the scale id with that of the scale it finds or makes.)
pub(crate) const SCALE_CONFIGURATION: &str = r#"[{"scaleid":"0"},{"id":1,"scaledefault":1,"proficient":0},{"id":2,"scaledefault":0,"proficient":1}]"#;

/// Moodle's FORMAT_PLAIN: descriptions are plain text.
const PLAIN_TEXT: &str = "2";

/// Moodle keeps at most 100 characters of an ID number or short name.
const MAX_NAME: usize = 100;

/// Writes the CSV to `out` (default `<root>/moodle/competencies.csv`);
/// returns the file and the number of competencies.
pub fn export_competencies(
    root: &Path,
    out: Option<PathBuf>,
) -> Result<(PathBuf, usize, Diagnostics), ExportError> {
    let (site, diagnostics) = checked_site(root)?;
    let (csv, count) = match competencies_csv(&site) {
        Ok(done) => done,
        Err(problems) => {
            let mut all = diagnostics;
            problems.into_iter().for_each(|d| all.push(d));
            return Err(ExportError::Invalid(all));
        }
    };
    let path = out.unwrap_or_else(|| root.join("moodle/competencies.csv"));
    crate::output::check_outside_sources(root, &path).map_err(ExportError::Write)?;
    // A CSV that starts with tool_lpimportcsv's header is one kenshu wrote.
    let header = HEADER.join(",");
    write_file(&path, csv.as_bytes(), header.as_bytes())?;
    Ok((path, count, diagnostics))
}

/// The framework as CSV text and its competency count, or why Moodle could
/// not import it (ids it would take as one).
pub(crate) fn competencies_csv(site: &Site) -> Result<(String, usize), Vec<Diagnostic>> {
    let framework = &site.framework;
    let problems = clashing_ids(site);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<[String; 14]> = Vec::new();
    let id = site.config.progress_key().replace(':', "-");
    let description = if site.config.description.is_empty() {
        site.config.organization.clone()
    } else {
        site.config.description.clone()
    };
    rows.push(row(
        "",
        &id,
        &site.config.title,
        &description,
        [SCALE_VALUES, SCALE_CONFIGURATION, "1", "domain,skill"],
    ));
    for category in &framework.categories {
        rows.push(row(
            "",
            &category.id,
            &category.name,
            &category.description,
            ["", "", "", ""],
        ));
        for skill in framework
            .skills
            .iter()
            .filter(|s| s.category == category.id)
        {
            rows.push(row(
                &category.id,
                &skill.id,
                &skill.name,
                &skill.description,
                ["", "", "", ""],
            ));
        }
    }
    let write = |writer: &mut csv::Writer<Vec<u8>>, record: &[String]| writer.write_record(record);
    let mut result = write(&mut writer, &HEADER.map(String::from));
    for record in &rows {
        result = result.and_then(|()| write(&mut writer, record));
    }
    let bytes = result
        .and_then(|()| writer.into_inner().map_err(|e| e.into_error().into()))
        .map_err(|e| {
            vec![Diagnostic::error(
                SKILLS_FILE,
                Location::WHOLE,
                crate::msg!("export.cannot-write", detail = e),
            )]
        })?;
    Ok((String::from_utf8_lossy(&bytes).into_owned(), rows.len() - 1))
}

/// One CSV row: parent, id, name, description, then the scale values,
/// scale configuration, "is framework" and taxonomy columns.
fn row(parent: &str, id: &str, name: &str, description: &str, tail: [&str; 4]) -> [String; 14] {
    let [scale, config, is_framework, taxonomy] = tail;
    [
        parent,
        id,
        &shorten(name),
        description,
        PLAIN_TEXT,
        scale,
        config,
        "",
        "",
        "",
        "",
        "",
        is_framework,
        taxonomy,
    ]
    .map(String::from)
}

fn shorten(name: &str) -> String {
    name.chars().take(MAX_NAME).collect()
}

/// A category and a skill with the same id would be one competency in Moodle.
fn clashing_ids(site: &Site) -> Vec<Diagnostic> {
    let categories: HashSet<&str> = site
        .framework
        .categories
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    site.framework
        .skills
        .iter()
        .filter(|s| categories.contains(s.id.as_str()))
        .map(|s| {
            Diagnostic::error(
                SKILLS_FILE,
                Location::START,
                crate::msg!("export.id-collision", id = &s.id),
            )
        })
        .collect()
}
