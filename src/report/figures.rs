//! The figures of the report, counted over the merged people: 受講率 and
//! Step attainment per role and per 所属 against the goals of skills.yaml,
//! the 所属 × skill heat map, and per-module results with the questions
//! most often missed on the first attempt.
//!
//! 受講 (attendance) means every level-1 module of the person's role
//! curriculum is passed; a step is reached when every curriculum module up to
//! its level is passed (as the role page shows it). Staff without a role
//! (人材像未設定) or with one the site does not have (人材像不明) are
//! measured against the base role (the one every other role extends), each
//! in a row of their own, and are in no role's goal figures.
//!
//! A module's 受講者数 and 合格者数 count the staff it targets (those whose
//! curriculum has it), so no share of them can pass 100 %; staff who took
//! it outside their curriculum are counted apart (対象外). The first-attempt
//! figures are everyone's: they are about the questions, not the target.

use super::catalog::{Catalog, RoleInfo};
use super::people::{People, Person, RoleRow};
use super::tables::NO_DEPARTMENT;
use crate::framework::GoalMeasure;
use std::collections::BTreeMap;

/// What one person reached.
pub(crate) struct Summary {
    pub passed: usize,
    pub curriculum: usize,
    pub attended: bool,
    /// Positions of the steps reached, in the role's step order.
    pub steps: Vec<usize>,
}

pub(crate) fn summarise(person: &Person, catalog: &Catalog) -> Summary {
    let Some(role) = catalog.measured_role(person.role) else {
        return Summary {
            passed: 0,
            curriculum: 0,
            attended: false,
            steps: Vec::new(),
        };
    };
    let all_passed =
        |modules: &[u32]| !modules.is_empty() && modules.iter().all(|&m| person.passed(m));
    Summary {
        passed: role
            .curriculum
            .iter()
            .filter(|&&m| person.passed(m))
            .count(),
        curriculum: role.curriculum.len(),
        attended: all_passed(&role.literacy),
        steps: (0..role.steps.len())
            .filter(|&i| role.steps[i].modules.as_deref().is_some_and(all_passed))
            .collect(),
    }
}

pub(crate) struct GoalFigure {
    pub label: String,
    pub target: u8,
    /// Fiscal year (年度) by which, or years within which, it is to be met.
    pub by: Option<u16>,
    pub within_years: Option<u8>,
    /// The share reached, in percent; `None` when records cannot tell.
    pub actual: Option<f64>,
}

pub(crate) struct RoleFigures {
    pub row: RoleRow,
    /// The role's name; `None` for the rows of staff without a known role.
    pub name: Option<String>,
    pub people: usize,
    pub submitted: usize,
    pub attended: usize,
    /// (step name, people reached; `None` for an experience goal).
    pub steps: Vec<(String, Option<usize>)>,
    pub goals: Vec<GoalFigure>,
}

pub(crate) struct DepartmentFigures {
    pub name: String,
    pub people: usize,
    pub submitted: usize,
    pub attended: usize,
    /// People per role (catalogue order).
    pub roles: Vec<usize>,
    /// Per skill: (passed pairs, required pairs, level sum, levels given).
    pub skills: Vec<(usize, usize, usize, usize)>,
}

#[derive(Default)]
pub(crate) struct ModuleFigures {
    /// Staff whose curriculum has the module (対象者).
    pub targeted: usize,
    /// Of them, who took it (an attempt completed, or passed), and who passed.
    pub attempted: usize,
    pub passed: usize,
    /// Staff it does not target who took it anyway, and who passed (対象外).
    pub others_attempted: usize,
    pub others_passed: usize,
    /// First attempts of everyone who took it.
    pub first_sum: u64,
    pub first_count: usize,
    /// Question position → people who missed it first; most missed first.
    pub missed: Vec<(usize, usize)>,
}

pub(crate) struct Figures {
    pub people: usize,
    pub submitted: usize,
    pub attended: usize,
    pub roles: Vec<RoleFigures>,
    pub departments: Vec<DepartmentFigures>,
    pub modules: Vec<ModuleFigures>,
}

pub(crate) fn percent(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// The department a person is counted under.
pub(crate) fn department_of(person: &Person) -> String {
    match person.learner.department.trim() {
        "" => NO_DEPARTMENT.to_string(),
        d => d.to_string(),
    }
}

/// A row per role of the site, then those of 人材像未設定 and 人材像不明,
/// which have the steps of the base role they are measured against.
fn role_rows(catalog: &Catalog) -> Vec<RoleFigures> {
    let row = |row: RoleRow, role: Option<&RoleInfo>| RoleFigures {
        row,
        name: match row {
            RoleRow::Known(_) => role.map(|r| r.name.clone()),
            RoleRow::Unset | RoleRow::Unknown => None,
        },
        people: 0,
        submitted: 0,
        attended: 0,
        steps: role.map_or_else(Vec::new, |r| {
            let steps = r.steps.iter();
            steps
                .map(|s| (s.name.clone(), s.modules.as_ref().map(|_| 0)))
                .collect()
        }),
        goals: Vec::new(),
    };
    let mut roles: Vec<RoleFigures> = (catalog.roles.iter().enumerate())
        .map(|(i, r)| row(RoleRow::Known(i), Some(r)))
        .collect();
    let base = catalog.measured_role(None);
    roles.push(row(RoleRow::Unset, base));
    roles.push(row(RoleRow::Unknown, base));
    roles
}

fn department_row(name: String, catalog: &Catalog) -> DepartmentFigures {
    DepartmentFigures {
        name,
        people: 0,
        submitted: 0,
        attended: 0,
        roles: vec![0; catalog.roles.len()],
        skills: vec![(0, 0, 0, 0); catalog.skills.len()],
    }
}

/// Counts every person the report is about (the roster's, when there is one).
pub(crate) fn count(people: &People, summaries: &[Summary], catalog: &Catalog) -> Figures {
    let known = catalog.roles.len();
    let mut roles = role_rows(catalog);
    let mut departments: BTreeMap<String, DepartmentFigures> = BTreeMap::new();
    let mut modules: Vec<ModuleFigures> = catalog
        .modules
        .iter()
        .map(|_| ModuleFigures::default())
        .collect();
    let mut missed: Vec<BTreeMap<usize, usize>> = vec![BTreeMap::new(); catalog.modules.len()];
    let (mut total, mut submitted, mut attended) = (0, 0, 0);
    for (person, summary) in people.persons.iter().zip(summaries) {
        if people.roster && !person.on_roster {
            continue;
        }
        let handed_in = usize::from(person.files > 0);
        let done = usize::from(summary.attended);
        total += 1;
        submitted += handed_in;
        attended += done;
        let row = &mut roles[match person.role_row() {
            RoleRow::Known(role) => role,
            RoleRow::Unset => known,
            RoleRow::Unknown => known + 1,
        }];
        row.people += 1;
        row.submitted += handed_in;
        row.attended += done;
        for &step in &summary.steps {
            if let Some(Some(n)) = row.steps.get_mut(step).map(|s| s.1.as_mut()) {
                *n += 1;
            }
        }
        let name = department_of(person);
        let department = departments
            .entry(name.clone())
            .or_insert_with(|| department_row(name, catalog));
        department.people += 1;
        department.submitted += handed_in;
        department.attended += done;
        if let Some(r) = person.role {
            department.roles[r] += 1;
        }
        let role = catalog.measured_role(person.role);
        count_person(person, role, catalog, department, &mut modules, &mut missed);
    }
    for (figures, counts) in modules.iter_mut().zip(missed) {
        figures.missed = counts.into_iter().collect();
        figures
            .missed
            .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    let departments: Vec<DepartmentFigures> = departments.into_values().collect();
    for (i, role) in catalog.roles.iter().enumerate() {
        roles[i].goals = goal_figures(role, i, &roles[i], &departments);
    }
    roles.retain(|r| r.people > 0 || matches!(r.row, RoleRow::Known(_)));
    Figures {
        people: total,
        submitted,
        attended,
        roles,
        departments,
        modules,
    }
}

fn count_person(
    person: &Person,
    role: Option<&RoleInfo>,
    catalog: &Catalog,
    department: &mut DepartmentFigures,
    modules: &mut [ModuleFigures],
    missed: &mut [BTreeMap<usize, usize>],
) {
    let curriculum = role.map_or(&[][..], |r| r.curriculum.as_slice());
    for &m in curriculum {
        let passed = person.passed(m);
        modules[m as usize].targeted += 1;
        for &skill in &catalog.modules[m as usize].skills {
            let cell = &mut department.skills[skill];
            cell.1 += 1;
            cell.0 += usize::from(passed);
        }
    }
    for (m, result) in &person.modules {
        let figures = &mut modules[*m as usize];
        let took = usize::from(result.attempts > 0 || result.passed);
        let passed = usize::from(result.passed);
        if curriculum.contains(m) {
            figures.attempted += took;
            figures.passed += passed;
        } else {
            figures.others_attempted += took;
            figures.others_passed += passed;
        }
        if let Some(score) = result.first_score {
            figures.first_sum += u64::from(score);
            figures.first_count += 1;
        }
        for &q in result.first_missed.iter() {
            *missed[*m as usize].entry(usize::from(q)).or_default() += 1;
        }
    }
    for &(skill, level, _) in &person.assessments {
        let cell = &mut department.skills[skill];
        cell.2 += usize::from(level);
        cell.3 += 1;
    }
}

fn goal_figures(
    role: &RoleInfo,
    index: usize,
    row: &RoleFigures,
    departments: &[DepartmentFigures],
) -> Vec<GoalFigure> {
    role.goals
        .iter()
        .map(|goal| {
            let actual = match (goal.measure, &goal.step) {
                (Some(GoalMeasure::Attendance), _) => percent(row.attended, row.people),
                (Some(GoalMeasure::Placement), _) => {
                    let known: Vec<_> = departments
                        .iter()
                        .filter(|d| d.name != NO_DEPARTMENT)
                        .collect();
                    percent(
                        known.iter().filter(|d| d.roles[index] > 0).count(),
                        known.len(),
                    )
                }
                (None, Some(step)) => row
                    .steps
                    .iter()
                    .find(|s| &s.0 == step)
                    .and_then(|s| s.1)
                    .and_then(|n| percent(n, row.people)),
                (None, None) => None,
            };
            GoalFigure {
                label: goal.label.clone(),
                target: goal.share,
                by: goal.by,
                within_years: goal.within_years.filter(|_| goal.by.is_none()),
                actual,
            }
        })
        .collect()
}
