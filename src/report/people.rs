//! People: records matched to staff and merged.
//!
//! A record belongs to a person by 職員番号, or by 氏名+所属 when the number
//! is empty (both compared after NFKC and without spaces, so 全角 digits and
//! 全角 spaces match). Several records of one person merge as the portal's
//! import merges them (docs/progress-format.md): the better result wins.
//! Records are merged in the sorted order of their paths, so the result
//! never depends on which thread read which file first.
//!
//! A person's 人材像 is the roster's, else the first role of the site that
//! their records name. A role id the site does not have is kept aside: a
//! person with no other role is counted as 人材像不明, never as general
//! staff without a word.

use super::records::{GivenRole, Learner, ModuleResult, Record};
use super::roster::RosterEntry;
use super::stamp::Stamp;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use unicode_normalization::UnicodeNormalization;

/// One member of staff: from the roster, from records, or both.
#[derive(Debug, Default)]
pub(crate) struct Person {
    pub learner: Learner,
    /// The roster's role, else the first known role of the records.
    pub role: Option<usize>,
    /// The first role id of the records that the site does not have: with
    /// no role known, the person is counted as 人材像不明.
    pub unknown_role: Option<String>,
    pub on_roster: bool,
    pub files: u32,
    pub last_export: Option<Stamp>,
    pub modules: Vec<(u32, ModuleResult)>,
    pub assessments: Vec<(usize, u8, Option<Stamp>)>,
}

impl Person {
    pub(super) fn result(&self, module: u32) -> Option<&ModuleResult> {
        self.modules
            .binary_search_by_key(&module, |m| m.0)
            .ok()
            .map(|i| &self.modules[i].1)
    }

    pub(super) fn passed(&self, module: u32) -> bool {
        self.result(module).is_some_and(|r| r.passed)
    }

    pub(super) fn level(&self, skill: usize) -> Option<u8> {
        self.assessments.iter().find(|a| a.0 == skill).map(|a| a.1)
    }

    /// The row of the roles table the person is counted in.
    pub(super) fn role_row(&self) -> RoleRow {
        match (self.role, &self.unknown_role) {
            (Some(role), _) => RoleRow::Known(role),
            (None, Some(_)) => RoleRow::Unknown,
            (None, None) => RoleRow::Unset,
        }
    }
}

/// Where a person is counted among the roles: under a role of the site,
/// as 人材像未設定 (none given) or as 人材像不明 (one the site does not
/// have). The last two are measured against the base role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoleRow {
    Known(usize),
    Unset,
    Unknown,
}

#[derive(Clone, Hash, PartialEq, Eq)]
enum Key {
    Number(String),
    NameDepartment(String, String),
}

/// Everyone the report is about.
#[derive(Default)]
pub(crate) struct People {
    pub persons: Vec<Person>,
    pub roster: bool,
    index: HashMap<Key, usize>,
    /// 氏名 and 所属 that two people with different staff numbers share: a
    /// record without a number cannot be told apart by them.
    shared_names: HashSet<Key>,
}

/// A staff number, name or department as compared: NFKC, no white space.
pub(crate) fn normal(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// The keys a learner is found by: the staff number, and 氏名 with 所属.
fn keys_of(learner: &Learner) -> (Option<Key>, Option<Key>) {
    let number = normal(&learner.staff_number);
    let (name, department) = (normal(&learner.name), normal(&learner.department));
    (
        (!number.is_empty()).then_some(Key::Number(number)),
        (!name.is_empty()).then_some(Key::NameDepartment(name, department)),
    )
}

impl People {
    pub(super) fn with_roster(entries: Vec<RosterEntry>) -> People {
        let mut people = People {
            roster: true,
            ..People::default()
        };
        for entry in entries {
            let learner = Learner {
                name: entry.name,
                staff_number: entry.staff_number,
                department: entry.department,
                role: String::new(),
            };
            let at = people.persons.len();
            people
                .index
                .insert(Key::Number(normal(&learner.staff_number)), at);
            let by_name = Key::NameDepartment(normal(&learner.name), normal(&learner.department));
            people.index_name(by_name, at);
            people.persons.push(Person {
                learner,
                role: entry.role,
                on_roster: true,
                ..Person::default()
            });
        }
        people
    }

    /// Adds one record to its person (a new one when nobody matches): by
    /// staff number, else by 氏名 and 所属 when the person found has no
    /// other staff number (one file exported before the number was filled
    /// in, one after). Says which person it went to, and whether the
    /// record's 氏名 differs from the one already known for its number.
    pub(super) fn add(&mut self, record: Record) -> Result<Added, Ambiguous> {
        let (number, by_name) = keys_of(&record.learner);
        if number.is_none()
            && by_name
                .as_ref()
                .is_some_and(|k| self.shared_names.contains(k))
        {
            // Which of two people it is cannot be known: it is no one's.
            return Err(Ambiguous {
                name: record.learner.name,
                department: record.learner.department,
            });
        }
        // Found by name, a person with another staff number is someone else.
        let number_free = |person: &Person| {
            let known = normal(&person.learner.staff_number);
            known.is_empty() || number.as_ref().is_none_or(|n| *n == Key::Number(known))
        };
        let found = number
            .as_ref()
            .and_then(|key| self.index.get(key))
            .or_else(|| {
                by_name
                    .as_ref()
                    .and_then(|key| self.index.get(key))
                    .filter(|&&at| number_free(&self.persons[at]))
            })
            .copied();
        let at = found.unwrap_or_else(|| {
            self.persons.push(Person::default());
            self.persons.len() - 1
        });
        if let Some(key) = number {
            self.index.entry(key).or_insert(at);
        }
        if let Some(key) = by_name {
            self.index_name(key, at);
        }
        let person = &mut self.persons[at];
        let conflict = name_conflict(&person.learner, &record.learner);
        merge_into(person, record);
        Ok(Added { at, conflict })
    }

    /// Files `at` under its 氏名 and 所属; a second person under the same
    /// ones makes them shared.
    fn index_name(&mut self, key: Key, at: usize) {
        match self.index.entry(key) {
            Entry::Occupied(first) if *first.get() != at => {
                self.shared_names.insert(first.key().clone());
            }
            Entry::Occupied(_) => {}
            Entry::Vacant(slot) => {
                slot.insert(at);
            }
        }
    }

    /// The people the figures count: those on the roster when there is one.
    pub(super) fn counted(&self) -> impl Iterator<Item = &Person> {
        self.persons
            .iter()
            .filter(move |p| !self.roster || p.on_roster)
    }
}

/// A record taken in: the person's index, and a doubt about the 氏名.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Added {
    pub at: usize,
    pub conflict: Option<NameConflict>,
}

/// A record without a staff number whose 氏名 and 所属 two people with
/// different numbers share: it is left out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ambiguous {
    pub name: String,
    pub department: String,
}

/// One staff number with two 氏名 in its records (a typo, or a number
/// typed for someone else): the first name is kept, the report says so.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NameConflict {
    pub staff_number: String,
    pub kept: String,
    pub other: String,
}

fn name_conflict(known: &Learner, incoming: &Learner) -> Option<NameConflict> {
    let number = normal(&incoming.staff_number);
    let (kept, other) = (normal(&known.name), normal(&incoming.name));
    let differs = !number.is_empty() && !kept.is_empty() && !other.is_empty() && kept != other;
    differs.then(|| NameConflict {
        staff_number: incoming.staff_number.trim().to_string(),
        kept: known.name.trim().to_string(),
        other: incoming.name.trim().to_string(),
    })
}

fn merge_into(person: &mut Person, record: Record) {
    person.files += 1;
    person.last_export = person.last_export.max(record.exported_at);
    let fill = |mine: &mut String, theirs: &str| {
        if mine.trim().is_empty() {
            *mine = theirs.to_string();
        }
    };
    fill(&mut person.learner.name, &record.learner.name);
    fill(
        &mut person.learner.staff_number,
        &record.learner.staff_number,
    );
    fill(&mut person.learner.department, &record.learner.department);
    fill(&mut person.learner.role, &record.learner.role);
    match record.role {
        GivenRole::Known(role) if person.role.is_none() => person.role = Some(role),
        GivenRole::Unknown { id, .. } if person.unknown_role.is_none() => {
            person.unknown_role = Some(id);
        }
        _ => {}
    }
    person.modules = merge_sorted(
        std::mem::take(&mut person.modules),
        record.modules,
        merge_module,
    );
    person.assessments = merge_sorted(
        std::mem::take(&mut person.assessments)
            .into_iter()
            .map(|a| (a.0, a))
            .collect(),
        record.assessments.into_iter().map(|a| (a.0, a)).collect(),
        |mine, theirs| {
            if theirs.2 > mine.2 {
                *mine = theirs;
            }
        },
    )
    .into_iter()
    .map(|(_, a)| a)
    .collect();
}

/// Merges two lists sorted by key; `both` combines entries with equal keys.
fn merge_sorted<K: Ord, V>(
    mine: Vec<(K, V)>,
    theirs: Vec<(K, V)>,
    both: impl Fn(&mut V, V),
) -> Vec<(K, V)> {
    let mut out = Vec::with_capacity(mine.len().max(theirs.len()));
    let mut theirs = theirs.into_iter().peekable();
    for (key, mut value) in mine {
        while theirs.peek().is_some_and(|t| t.0 < key) {
            out.extend(theirs.next());
        }
        if theirs.peek().is_some_and(|t| t.0 == key) {
            both(&mut value, theirs.next().expect("peeked").1);
        }
        out.push((key, value));
    }
    out.extend(theirs);
    out
}

/// The import's rule: passed = either; best, attempts = max; first-attempt
/// data kept unless unknown (the dates, not kept, follow the same rule).
pub(crate) fn merge_module(mine: &mut ModuleResult, theirs: ModuleResult) {
    mine.passed |= theirs.passed;
    mine.best = mine.best.max(theirs.best);
    mine.attempts = mine.attempts.max(theirs.attempts);
    if mine.first_score.is_none() {
        mine.first_score = theirs.first_score;
        mine.first_missed = theirs.first_missed;
    }
}
