//! `kenshu-corpus --records N --site ROOT --out DIR`: writes N exported
//! learning records (schema 2) for the site's modules, roles and quiz
//! questions into DIR/records/, and the staff roster DIR/roster.csv, for the
//! `kenshu report` benchmark (bench/report.sh). Deterministic like the rest.
//!
//! About 1 in 20 people on the roster hand in nothing; every 50th file is a
//! second, older file of the person before (a duplicate to merge).

use crate::{write, Rng};
use kenshu::content::Outline;
use kenshu::site::{load_outline, LoadOptions, Site};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::io;
use std::path::Path;

const FAMILY: &[&str] = &[
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
];
const GIVEN: &[&str] = &[
    "太郎", "花子", "健", "美咲", "翔", "陽菜", "大輔", "結衣", "誠", "愛",
];
const DEPARTMENTS: &[&str] = &[
    "総務課",
    "企画課",
    "デジタル推進課",
    "市民課",
    "税務課",
    "福祉課",
    "子育て支援課",
    "環境課",
    "道路課",
    "教育総務課",
];
/// Role ids by share of staff (per mille); the rest have no role set.
const ROLES: &[(&str, usize)] = &[
    ("general-staff", 800),
    ("dx-promoter", 80),
    ("manager", 40),
    ("dx-lead", 20),
    ("info-systems", 20),
];

pub fn write_records(site_root: &Path, count: usize, seed: u64, out: &Path) -> io::Result<()> {
    let (site, diagnostics) = load_outline(site_root, LoadOptions { drafts: false });
    let site = site.filter(|_| !diagnostics.has_errors()).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: the site does not load", site_root.display()),
        )
    })?;
    let roster_size = count + count / 20;
    let mut roster = String::from("\u{feff}職員番号,氏名,所属,人材像\n");
    let mut people = Vec::with_capacity(roster_size);
    let mut rng = Rng::new(seed);
    for i in 0..roster_size {
        let person = Person::new(i, &mut rng);
        let _ = writeln!(
            roster,
            "{},{},{},{}",
            person.number, person.name, person.department, person.role
        );
        people.push(person);
    }
    write(&out.join("roster.csv"), &roster)?;
    let (mut next, mut last) = (0, 0);
    for k in 0..count {
        let older = k % 50 == 49;
        if !older {
            // Every 21st person on the roster hands in nothing.
            if next % 21 == 20 {
                next += 1;
            }
            last = next;
            next += 1;
        }
        let person = &people[last % people.len()];
        let mut rng = Rng::new(seed ^ ((k as u64) << 17));
        let record = record(&site, person, &mut rng, older);
        let path = out.join(format!(
            "records/{:03}/kenshu-progress-{}-{k}.json",
            k / 1000,
            person.number
        ));
        write(&path, &serde_json::to_string_pretty(&record).expect("JSON"))?;
    }
    println!(
        "wrote {count} records and a roster of {roster_size} to {}",
        out.display()
    );
    Ok(())
}

struct Person {
    number: String,
    name: String,
    department: String,
    role: &'static str,
}

impl Person {
    fn new(i: usize, rng: &mut Rng) -> Person {
        let roll = rng.below(1000);
        let mut sum = 0;
        let role = ROLES
            .iter()
            .find(|(_, share)| {
                sum += share;
                roll < sum
            })
            .map_or("", |(id, _)| id);
        Person {
            number: format!("S{i:06}"),
            name: format!("{} {}", rng.pick(FAMILY), rng.pick(GIVEN)),
            department: format!("{}{}", DEPARTMENTS[i % DEPARTMENTS.len()], i / 5000 + 1),
            role,
        }
    }
}

fn record(site: &Site<Outline>, person: &Person, rng: &mut Rng, older: bool) -> Value {
    let role = if person.role.is_empty() {
        "general-staff"
    } else {
        person.role
    };
    let curriculum = site.curricula.get(role).cloned().unwrap_or_default();
    let mut modules = Map::new();
    for &m in &curriculum {
        if rng.below(10) >= if older { 4 } else { 8 } {
            continue;
        }
        let module = &site.modules[m];
        let questions: Vec<&str> = module
            .body
            .quizzes
            .iter()
            .flatten()
            .map(|q| q.id.as_str())
            .collect();
        let first = rng.between(0, 100) as u64;
        let missed: Vec<&str> = questions
            .iter()
            .copied()
            .filter(|_| rng.below(4) == 0)
            .collect();
        let passed = rng.below(10) < 8;
        let day = rng.between(1, 28);
        modules.insert(module.id.clone(), json!({
            "passed": passed, "bestScore": if passed { 100 } else { first }, "lastScore": first,
            "attempts": rng.between(1, 3), "passedAt": if passed { json!(format!("2026-10-{day:02}T01:00:00.000Z")) } else { Value::Null },
            "updatedAt": format!("2026-11-{day:02}T01:00:00.000Z"), "firstScore": first, "firstMissed": missed,
        }));
    }
    let mut assessment = Map::new();
    for (skill, _) in site.framework.skills_of_role(role) {
        if rng.below(2) == 0 {
            assessment.insert(
                skill.clone(),
                json!({ "level": rng.between(1, 4), "assessedAt": "2026-11-20T00:00:00.000Z" }),
            );
        }
    }
    json!({
        "format": "kenshu-progress", "schema": 2,
        "site": { "title": site.config.title, "organization": site.config.organization, "key": site.config.progress_key() },
        "exportedAt": if older { "2026-11-15T03:00:00.000Z" } else { "2026-12-01T03:00:00.000Z" },
        "learner": { "name": person.name, "staffNumber": person.number, "department": person.department, "role": person.role },
        "selfAssessment": assessment,
        "modules": modules,
    })
}
