//! The report's tables — people, modules, departments — as plain rows, so
//! that the CSV files, the workbook's sheets and the page show the same;
//! and the files the report left out or doubted, a sheet of the workbook
//! (the page lists them from the same notes).

use super::catalog::Catalog;
use super::figures::{department_of, percent, Figures, Summary};
use super::intake::{FileNote, Treatment};
use super::people::{People, Person, RoleRow};
use super::stamp;
use crate::messages::Lang;

/// The words of the CSV files and the workbook, all in one table. They are
/// an interface — the training office's spreadsheets and scripts read the
/// columns by name (issue 12 fixes `職員番号,氏名,所属,人材像,合格数,…`) —
/// so they stay fixed here instead of following the theme's UI strings,
/// which only the page (report.html) uses.
pub(crate) struct Words {
    pub people_columns: [&'static str; 8],
    /// Before each skill's name: that skill's self-rated level.
    pub level_column: &'static str,
    pub remark_column: &'static str,
    pub not_submitted: &'static str,
    pub off_roster: &'static str,
    /// The 人材像 of staff whose records name a role the site does not have.
    pub unknown_role: &'static str,
    /// The remark on them: the id → text.
    pub unknown_role_remark: fn(&str) -> String,
    pub module_columns: [&'static str; 12],
    pub department_columns: [&'static str; 5],
    /// Before each role's name: people of that role.
    pub role_count_column: &'static str,
    /// Before each skill's name: share passed, and mean self-rated level.
    pub skill_rate_column: &'static str,
    pub skill_level_column: &'static str,
    /// Sheet names: people, modules, departments, files.
    pub sheets: [&'static str; 4],
    pub file_columns: [&'static str; 4],
    /// What became of a file: left out, off the roster, counted.
    pub treatments: [&'static str; 3],
    pub workbook_title: &'static str,
    /// The 所属 of staff who gave none (in the tables and on the page).
    pub no_department: &'static str,
    /// Before the pseudonym of a name under `--anonymise`.
    pub pseudonym_name: &'static str,
    /// One often-missed question: (prompt, people) → text.
    pub missed: fn(&str, usize) -> String,
}

pub(crate) const WORDS: Words = Words {
    people_columns: [
        "職員番号",
        "氏名",
        "所属",
        "人材像",
        "合格数",
        "カリキュラム数",
        "到達Step",
        "最終提出日",
    ],
    level_column: "自己評価:",
    remark_column: "備考",
    not_submitted: "未提出",
    off_roster: "名簿にない提出者（集計外）",
    unknown_role: "（人材像不明）",
    unknown_role_remark: |id| format!("記録の人材像「{id}」はサイトにない"),
    // 受講者数・合格者数 are of the 対象者 (so no share passes 100 %);
    // 対象外 are staff whose curriculum does not have the module.
    module_columns: [
        "モジュールID",
        "タイトル",
        "レベル",
        "対象者数",
        "受講者数",
        "合格者数",
        "合格率(%)",
        "修了率(%)",
        "対象外の受講者数",
        "対象外の合格者数",
        "初回平均点",
        "初回に多く間違えた問題",
    ],
    department_columns: ["所属", "対象者数", "提出者数", "受講済数", "受講率(%)"],
    role_count_column: "人数:",
    skill_rate_column: "合格率(%):",
    skill_level_column: "自己評価平均:",
    sheets: ["職員", "モジュール", "所属", "除外・要確認のファイル"],
    file_columns: ["ファイル", "扱い", "理由", "対処"],
    treatments: ["除外", "集計外（名簿にない）", "集計に含む（要確認）"],
    workbook_title: "学習状況レポート",
    no_department: "（所属なし）",
    pseudonym_name: "職員",
    missed: |question, n| format!("{question}（{n}人）"),
};

pub(crate) const NO_DEPARTMENT: &str = WORDS.no_department;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

/// A table whose rows are made when they are written: the people table of a
/// hundred thousand staff never sits in memory whole.
pub(crate) struct Table<'a> {
    /// The workbook's sheet name.
    pub sheet: &'static str,
    pub header: Vec<String>,
    pub len: usize,
    row: Box<dyn Fn(usize) -> Vec<Cell> + Sync + 'a>,
}

impl<'a> Table<'a> {
    fn from_rows(sheet: &'static str, header: Vec<String>, rows: Vec<Vec<Cell>>) -> Table<'a> {
        Table {
            sheet,
            header,
            len: rows.len(),
            row: Box::new(move |i| rows[i].clone()),
        }
    }

    /// Row `i` (0-based, below the header).
    pub(super) fn row(&self, i: usize) -> Vec<Cell> {
        (self.row)(i)
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn count(n: usize) -> Cell {
    Cell::Number(n as f64)
}

/// A percentage rounded to one decimal, or empty when there is no one to count.
pub(crate) fn share(part: usize, whole: usize) -> Cell {
    percent(part, whole).map_or(Cell::Empty, |p| Cell::Number((p * 10.0).round() / 10.0))
}

/// Names and numbers as shown: real, or pseudonyms under `--anonymise`.
pub(crate) trait Names {
    fn number(&self, person: &Person) -> String;
    fn name(&self, person: &Person) -> String;
}

/// People in report order: by 所属, then 職員番号, then 氏名.
pub(crate) fn person_order(people: &People) -> Vec<usize> {
    let mut order: Vec<usize> = (0..people.persons.len()).collect();
    order.sort_by_cached_key(|&i| {
        let p = &people.persons[i];
        (
            department_of(p),
            p.learner.staff_number.clone(),
            p.learner.name.clone(),
            i,
        )
    });
    order
}

pub(crate) fn people_table<'a>(
    people: &'a People,
    summaries: &'a [Summary],
    order: &'a [usize],
    catalog: &'a Catalog,
    names: &'a (dyn Names + Sync),
) -> Table<'a> {
    let mut header: Vec<String> = WORDS.people_columns.map(String::from).to_vec();
    header.extend(
        catalog
            .skills
            .iter()
            .map(|(_, name)| format!("{}{name}", WORDS.level_column)),
    );
    header.push(WORDS.remark_column.into());
    let row = move |at: usize| {
        let i = order[at];
        let (p, s) = (&people.persons[i], &summaries[i]);
        // Steps are those of the role the person is measured against (the
        // base role when none is set), as 合格数 and カリキュラム数 are.
        let step = catalog
            .measured_role(p.role)
            .zip(s.steps.last())
            .map(|(r, &step)| text(r.steps[step].name.clone()))
            .unwrap_or(Cell::Empty);
        let mut row = vec![
            text(names.number(p)),
            text(names.name(p)),
            text(p.learner.department.trim()),
            match p.role_row() {
                RoleRow::Known(r) => text(catalog.roles[r].name.clone()),
                RoleRow::Unknown => text(WORDS.unknown_role),
                RoleRow::Unset => Cell::Empty,
            },
            count(s.passed),
            count(s.curriculum),
            step,
            p.last_export
                .map_or(Cell::Empty, |t| text(stamp::japan_date(t))),
        ];
        row.extend(
            (0..catalog.skills.len()).map(|k| p.level(k).map_or(Cell::Empty, |l| count(l.into()))),
        );
        row.push(text(remark(p, people.roster)));
        row
    };
    Table {
        sheet: WORDS.sheets[0],
        header,
        len: order.len(),
        row: Box::new(row),
    }
}

/// What people.csv notes about a person, the notes joined with 「・」.
fn remark(person: &Person, roster: bool) -> String {
    let mut notes = Vec::new();
    match (person.files, person.on_roster) {
        (0, _) => notes.push(WORDS.not_submitted.to_string()),
        (_, false) if roster => notes.push(WORDS.off_roster.to_string()),
        _ => {}
    }
    if let (RoleRow::Unknown, Some(id)) = (person.role_row(), &person.unknown_role) {
        notes.push((WORDS.unknown_role_remark)(id));
    }
    notes.join("・")
}

pub(crate) fn modules_table<'a>(figures: &Figures, catalog: &Catalog) -> Table<'a> {
    let header = WORDS.module_columns.map(String::from).to_vec();
    let rows = catalog
        .modules
        .iter()
        .zip(&figures.modules)
        .map(|(m, f)| {
            let missed: Vec<String> = f
                .missed
                .iter()
                .take(3)
                .map(|&(q, n)| (WORDS.missed)(&m.questions[q].1, n))
                .collect();
            vec![
                text(m.id.clone()),
                text(m.title.clone()),
                count(m.level.into()),
                count(f.targeted),
                count(f.attempted),
                count(f.passed),
                share(f.passed, f.attempted),
                share(f.passed, f.targeted),
                count(f.others_attempted),
                count(f.others_passed),
                if f.first_count == 0 {
                    Cell::Empty
                } else {
                    Cell::Number((f.first_sum as f64 / f.first_count as f64 * 10.0).round() / 10.0)
                },
                text(missed.join(" / ")),
            ]
        })
        .collect();
    Table::from_rows(WORDS.sheets[1], header, rows)
}

pub(crate) fn departments_table<'a>(figures: &Figures, catalog: &Catalog) -> Table<'a> {
    let mut header: Vec<String> = WORDS.department_columns.map(String::from).to_vec();
    let skills = || catalog.skills.iter().map(|(_, name)| name);
    header.extend(
        catalog
            .roles
            .iter()
            .map(|r| format!("{}{}", WORDS.role_count_column, r.name)),
    );
    header.extend(skills().map(|name| format!("{}{name}", WORDS.skill_rate_column)));
    header.extend(skills().map(|name| format!("{}{name}", WORDS.skill_level_column)));
    let rows = figures
        .departments
        .iter()
        .map(|d| {
            let mut row = vec![
                text(d.name.clone()),
                count(d.people),
                count(d.submitted),
                count(d.attended),
                share(d.attended, d.people),
            ];
            row.extend(d.roles.iter().map(|&n| count(n)));
            row.extend(d.skills.iter().map(|c| share(c.0, c.1)));
            row.extend(d.skills.iter().map(|c| mean(c.2, c.3)));
            row
        })
        .collect();
    Table::from_rows(WORDS.sheets[2], header, rows)
}

/// The files the report left out or doubted: file, what became of it, why
/// and what to do (in Japanese, as the rest of the workbook).
pub(crate) fn files_table<'a>(notes: &'a [FileNote]) -> Table<'a> {
    let header = WORDS.file_columns.map(String::from).to_vec();
    let row = move |i: usize| {
        let note: &FileNote = &notes[i];
        let treatment = match note.treatment {
            Treatment::LeftOut => WORDS.treatments[0],
            Treatment::OffRoster => WORDS.treatments[1],
            Treatment::Counted => WORDS.treatments[2],
        };
        vec![
            text(note.file()),
            text(treatment),
            text(note.reason.text(Lang::Ja)),
            note.reason.hint(Lang::Ja).map_or(Cell::Empty, text),
        ]
    };
    Table {
        sheet: WORDS.sheets[3],
        header,
        len: notes.len(),
        row: Box::new(row),
    }
}

/// A mean to two decimals, or empty.
pub(crate) fn mean(sum: usize, n: usize) -> Cell {
    if n == 0 {
        Cell::Empty
    } else {
        Cell::Number((sum as f64 / n as f64 * 100.0).round() / 100.0)
    }
}
