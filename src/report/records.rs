//! Reading one exported learning record (schema 1 or 2) and checking it by
//! the rules of docs/progress-format.md: a file that breaks them is refused
//! whole, with a reason (a `report.*` message), as the portal's import refuses it.
//!
//! A record that passes is reduced to what the report counts: module and
//! skill indexes of the [`Catalog`], dates as [`Stamp`]s. Modules and skills
//! the site no longer has are dropped; so are missed-question ids that no
//! longer match a question (its text changed since the attempt).

use super::catalog::Catalog;
use super::stamp::{self, Stamp};
use crate::messages::Message;
use crate::msg;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

pub(crate) const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;
const MAX_TEXT: usize = 200;
const MAX_MODULES: usize = 5000;
const MAX_MISSED: usize = 200;

#[derive(Deserialize)]
struct RawFile {
    format: Option<String>,
    schema: Option<serde_json::Value>,
    #[serde(default)]
    site: Option<RawSite>,
    #[serde(default, rename = "exportedAt")]
    exported_at: Option<String>,
    #[serde(default)]
    learner: Option<Learner>,
    #[serde(default, rename = "selfAssessment")]
    self_assessment: Option<BTreeMap<String, RawAssessment>>,
    modules: Option<BTreeMap<String, RawModule>>,
}

#[derive(Deserialize)]
struct RawSite {
    #[serde(default)]
    key: Option<String>,
}

/// 氏名・職員番号・所属・人材像 as the learner typed them.
#[derive(Deserialize, Default, Clone, Debug)]
pub(crate) struct Learner {
    #[serde(default, deserialize_with = "null_as_empty")]
    pub name: String,
    #[serde(default, rename = "staffNumber", deserialize_with = "null_as_empty")]
    pub staff_number: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub department: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub role: String,
}

/// A learner field written as `null` (a hand-edited file, another exporter)
/// counts as not filled in, as a missing field does, instead of refusing
/// the whole record.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Option::<String>::deserialize(deserializer).map(Option::unwrap_or_default)
}

#[derive(Deserialize)]
struct RawAssessment {
    level: u32,
    #[serde(default, rename = "assessedAt")]
    assessed_at: Option<String>,
}

#[derive(Deserialize)]
struct RawModule {
    passed: bool,
    #[serde(rename = "bestScore")]
    best_score: i64,
    #[serde(default, rename = "lastScore")]
    last_score: Option<i64>,
    attempts: u32,
    #[serde(default, rename = "passedAt")]
    passed_at: Option<String>,
    #[serde(default, rename = "updatedAt")]
    updated_at: Option<String>,
    #[serde(default, rename = "firstScore")]
    first_score: Option<i64>,
    #[serde(default, rename = "firstMissed")]
    first_missed: Option<Vec<String>>,
}

/// One module's result in a record, or merged over several: what the
/// figures use. passedAt, updatedAt and lastScore are checked but not kept
/// (no figure depends on them), which halves the memory per person.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ModuleResult {
    pub passed: bool,
    pub best: u8,
    pub attempts: u32,
    pub first_score: Option<u8>,
    /// Positions in the module's question list.
    pub first_missed: Box<[u16]>,
}

/// The 人材像 a record names (`learner.role`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum GivenRole {
    None,
    Known(usize),
    /// An id (or name) the site does not have, and where its value is in
    /// the file: (line, column), both from 1, the column in characters.
    Unknown {
        id: String,
        place: Option<(usize, usize)>,
    },
}

/// A checked record, reduced to catalogue indexes.
#[derive(Debug)]
pub(crate) struct Record {
    pub learner: Learner,
    pub role: GivenRole,
    pub exported_at: Option<Stamp>,
    /// (skill index, level, assessedAt), by skill index.
    pub assessments: Vec<(usize, u8, Option<Stamp>)>,
    /// (module index, result), by module index.
    pub modules: Vec<(u32, ModuleResult)>,
}

/// Why a file is left out of the report (shown with its path).
#[derive(Debug)]
pub(crate) enum Refusal {
    /// From another portal: named apart, since the fix is different.
    OtherSite(String),
    /// Why the file cannot be used, without its path.
    Invalid(Message),
}

/// Reads and checks one file.
pub(crate) fn read(path: &Path, catalog: &Catalog) -> Result<Record, Refusal> {
    let invalid = Refusal::Invalid;
    let unreadable = |e: std::io::Error| {
        invalid(msg!(
            "report.unreadable",
            detail = crate::messages::io_detail(&e)
        ))
    };
    match crate::source::read_at_most(path, MAX_FILE_BYTES).map_err(unreadable)? {
        Ok(bytes) => parse(&bytes, catalog),
        Err(_) => Err(invalid(msg!("report.too-big", max = "2 MB"))),
    }
}

/// Checks the bytes of one file.
pub(crate) fn parse(bytes: &[u8], catalog: &Catalog) -> Result<Record, Refusal> {
    let invalid = Refusal::Invalid;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let raw: RawFile =
        serde_path_to_error::deserialize(&mut reader).map_err(|e| invalid(json_problem(&e)))?;
    if raw.format.as_deref() != Some("kenshu-progress") {
        return Err(invalid(msg!("report.not-record")));
    }
    let schema = raw.schema.as_ref().and_then(|s| s.as_u64());
    if !matches!(schema, Some(1 | 2)) {
        return Err(invalid(match raw.schema {
            Some(s) => msg!("report.schema", schema = s),
            None => msg!("report.no-schema"),
        }));
    }
    let key = raw.site.and_then(|s| s.key);
    if let Some(key) = key.filter(|k| k != &catalog.key) {
        return Err(Refusal::OtherSite(key));
    }
    let learner = raw.learner.unwrap_or_default();
    check_learner(&learner).map_err(invalid)?;
    let modules = raw
        .modules
        .ok_or_else(|| invalid(msg!("report.no-modules")))?;
    if modules.len() > MAX_MODULES {
        return Err(invalid(msg!("report.too-many-modules", max = MAX_MODULES)));
    }
    let role = given_role(&learner.role, bytes, catalog);
    Ok(Record {
        learner,
        role,
        exported_at: checked_date("exportedAt".into(), raw.exported_at.as_deref())
            .map_err(invalid)?,
        assessments: assessments(raw.self_assessment.unwrap_or_default(), catalog)
            .map_err(invalid)?,
        modules: module_results(modules, catalog).map_err(invalid)?,
    })
}

/// The role `learner.role` names: one of the site's (by id, or by name as
/// a roster may give it), or one it does not have, located in the file.
fn given_role(text: &str, bytes: &[u8], catalog: &Catalog) -> GivenRole {
    let text = text.trim();
    if text.is_empty() {
        return GivenRole::None;
    }
    match catalog.role(text) {
        Some(role) => GivenRole::Known(role),
        None => GivenRole::Unknown {
            id: text.to_string(),
            place: std::str::from_utf8(bytes).ok().and_then(role_place),
        },
    }
}

/// Where the value of `learner.role` starts in a record's JSON text, as
/// (line, column) from 1, the column counted in characters. serde_json
/// finds it: the value read as a raw slice of `text` is where it is.
fn role_place(text: &str) -> Option<(usize, usize)> {
    #[derive(Deserialize)]
    struct File<'a> {
        #[serde(borrow)]
        learner: Option<LearnerRole<'a>>,
    }
    #[derive(Deserialize)]
    struct LearnerRole<'a> {
        #[serde(borrow)]
        role: Option<&'a serde_json::value::RawValue>,
    }
    let file: File = serde_json::from_str(text).ok()?;
    let value = file.learner?.role?.get();
    let role = value.as_ptr() as usize - text.as_ptr() as usize;
    let line_start = text[..role].rfind('\n').map_or(0, |at| at + 1);
    let line = text[..role].matches('\n').count() + 1;
    Some((line, text[line_start..role].chars().count() + 1))
}

/// Why a file is not a record's JSON, in the office's words: where the
/// text breaks off, or which field is missing or holds a wrong value
/// (serde's own sentences are English and name Rust types).
fn json_problem(err: &serde_path_to_error::Error<serde_json::Error>) -> Message {
    let inner = err.inner();
    if !inner.is_data() {
        return msg!(
            "report.not-json",
            line = inner.line(),
            column = inner.column()
        );
    }
    let path = err.path().to_string();
    let text = inner.to_string();
    match crate::diagnostics::missing_field(&text) {
        Some(field) if path == "." => msg!("report.missing-field", field = field),
        Some(field) => msg!("report.missing-field", field = format!("{path}.{field}")),
        None if path == "." => msg!("report.not-record"),
        None => msg!("report.bad-field", field = path),
    }
}

fn check_learner(learner: &Learner) -> Result<(), Message> {
    for (field, value) in [
        ("name", &learner.name),
        ("staffNumber", &learner.staff_number),
        ("department", &learner.department),
        ("role", &learner.role),
    ] {
        if value.chars().count() > MAX_TEXT {
            return Err(msg!(
                "report.too-long",
                field = format!("learner.{field}"),
                max = MAX_TEXT
            ));
        }
    }
    Ok(())
}

/// Keys the portal never accepts: ids that break a plain JS object.
fn is_valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.chars().count() <= MAX_TEXT
        && !crate::ids::SCRIPT_RESERVED.contains(&key)
        && !key
            .chars()
            .any(|c| c.is_control() || "/\\?#%:*\"<>|".contains(c))
}

fn assessments(
    raw: BTreeMap<String, RawAssessment>,
    catalog: &Catalog,
) -> Result<Vec<(usize, u8, Option<Stamp>)>, Message> {
    let top = catalog.scale.len() as u32;
    let mut out = Vec::new();
    for (skill, a) in raw {
        if !is_valid_key(&skill) {
            return Err(msg!("report.bad-skill-id", id = skill));
        }
        if !(1..=top).contains(&a.level) {
            return Err(msg!("report.bad-level", skill = skill, top = top));
        }
        if let Some(index) = catalog.skill(&skill) {
            let field = format!("selfAssessment.{skill}.assessedAt");
            let at = checked_date(field, a.assessed_at.as_deref())?;
            out.push((index, a.level as u8, at));
        }
    }
    out.sort_by_key(|a| a.0);
    Ok(out)
}

/// How far ahead of the moment the report is made a date may be: a PC
/// clock a little fast, or a time zone set wrong, is forgiven.
const FUTURE_GRACE_SECONDS: i64 = 24 * 3600;

/// A date-time of a record: absent, or a real one (not 2024-02-30) at most
/// [`FUTURE_GRACE_SECONDS`] after now. A later one (2099) means a clock far
/// off or an edited file, and the whole file is refused, as any other wrong
/// value is (README, docs/progress-format.md).
fn checked_date(field: String, text: Option<&str>) -> Result<Option<Stamp>, Message> {
    let Some(text) = text else {
        return Ok(None);
    };
    let stamp = stamp::parse(text).ok_or_else(|| msg!("report.bad-date", field = &field))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(i64::MAX - FUTURE_GRACE_SECONDS, |d| d.as_secs() as i64);
    if stamp > now + FUTURE_GRACE_SECONDS {
        return Err(msg!(
            "report.future-date",
            field = field,
            date = stamp::japan_date(stamp),
            today = stamp::japan_date(now)
        ));
    }
    Ok(Some(stamp))
}

fn module_results(
    raw: BTreeMap<String, RawModule>,
    catalog: &Catalog,
) -> Result<Vec<(u32, ModuleResult)>, Message> {
    let mut out = Vec::new();
    for (id, m) in raw {
        if !is_valid_key(&id) {
            return Err(msg!("report.bad-module-id", id = id));
        }
        // Scores are read as any whole number, so -1 gets the range message.
        let score = |field: &str, value: i64| -> Result<u8, Message> {
            u8::try_from(value)
                .ok()
                .filter(|v| *v <= 100)
                .ok_or_else(|| msg!("report.bad-score", field = format!("modules.{id}.{field}")))
        };
        for (field, date) in [("passedAt", &m.passed_at), ("updatedAt", &m.updated_at)] {
            checked_date(format!("modules.{id}.{field}"), date.as_deref())?;
        }
        let best = score("bestScore", m.best_score)?;
        m.last_score.map(|s| score("lastScore", s)).transpose()?;
        let first_score = m.first_score.map(|s| score("firstScore", s)).transpose()?;
        let missed = m.first_missed.unwrap_or_default();
        if missed.len() > MAX_MISSED {
            return Err(msg!(
                "report.too-many-missed",
                field = format!("modules.{id}.firstMissed"),
                max = MAX_MISSED
            ));
        }
        let Some(index) = catalog.module(&id) else {
            continue;
        };
        let questions = &catalog.modules[index as usize].questions;
        let mut first_missed: Vec<u16> = missed
            .iter()
            .filter_map(|q| questions.iter().position(|(qid, _)| qid == q))
            .map(|p| p as u16)
            .collect();
        first_missed.sort_unstable();
        first_missed.dedup();
        out.push((
            index,
            ModuleResult {
                passed: m.passed,
                best,
                attempts: m.attempts,
                first_score,
                first_missed: first_missed.into_boxed_slice(),
            },
        ));
    }
    out.sort_by_key(|m| m.0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_is_found_in_the_learner_object_only() {
        let text = "{\n  \"modules\": { \"role\": { \"role\": \"x\" } },\n  \"learner\": {\n    \"name\": \"role\",\n    \"role\": \"dx-leader\"\n  }\n}";
        assert_eq!(role_place(text), Some((5, 13)));
        let compact = r#"{"site":{"role":"a"},"learner":{"n\"ame":"}","r\u006fle":"x"}}"#;
        let at = compact.rfind("\"x\"").unwrap() + 1;
        assert_eq!(role_place(compact), Some((1, at)));
        assert_eq!(role_place(r#"{"learner":{"name":"a"},"role":"x"}"#), None);
        assert_eq!(role_place("{\"learner\": \"役割\"}"), None);
    }

    #[test]
    fn the_column_counts_characters_not_bytes() {
        let text = "{\"learner\":{\"name\":\"山田\",\"role\":\"x\"}}";
        let column = text[..text.rfind("\"x\"").unwrap()].chars().count() + 1;
        assert_eq!(role_place(text), Some((1, column)));
    }
}
