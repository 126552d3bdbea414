//! The report page (index.html): the figures as a [`View`] for the theme's
//! `report.html`, rendered like the portal's pages (same environment and
//! escaper, words from the theme's `ui.report` strings). The page is static,
//! in the portal's look (kenshu.css beside it, plus report.css), with no
//! script and no inline style, printable on A4. Every chart has a table with
//! the same numbers. The lists of the page (who handed in nothing, which
//! files were left out) are made in lists.rs.

use super::catalog::Catalog;
use super::csv_out::cell_text;
use super::figures::{percent, Figures, RoleFigures};
use super::intake::{FileNote, Treatment};
use super::lists::{FilesView, MissingView};
use super::people::{People, RoleRow};
use super::svg::{bars, Bar, Chart};
use super::tables::{mean, share, Cell, Names};
use crate::diagnostics::Diagnostic;
use crate::render::Renderer;
use serde::Serialize;

/// The theme template of the page.
pub(crate) const TEMPLATE: &str = "report.html";

/// What the page shows besides the figures.
pub(crate) struct PageInput<'a> {
    pub catalog: &'a Catalog,
    pub figures: &'a Figures,
    pub people: &'a People,
    pub order: &'a [usize],
    pub names: &'a dyn Names,
    pub files_read: usize,
    /// The files left out or doubted, in path order.
    pub notes: &'a [FileNote],
    /// The latest export date among the records (`YYYY-MM-DD`).
    pub as_of: Option<String>,
    pub anonymised: bool,
}

/// At most this many 所属 get a bar; the table below the chart has them all.
const CHART_LIMIT: usize = 60;

/// A share as shown: `25.0%`, or `None` when there is no one to count.
fn pct(value: Option<f64>) -> Option<String> {
    value.map(|v| format!("{v:.1}%"))
}

/// A table cell's number as text, or `None` when empty.
fn number(cell: Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        other => Some(cell_text(&other)),
    }
}

/// Everything report.html shows, as numbers and names; the words around
/// them are the theme's.
#[derive(Serialize)]
pub(crate) struct View<'a> {
    site: SiteView<'a>,
    anonymised: bool,
    /// A roster was given: the figures count everyone on it.
    roster: bool,
    summary: SummaryView<'a>,
    goals: Vec<GoalRow<'a>>,
    /// The goals that records can measure, as bars (none: no chart).
    goals_chart: Option<Chart>,
    roles: Vec<RoleView<'a>>,
    roles_chart: Chart,
    departments: Vec<DepartmentRow<'a>>,
    departments_chart: Chart,
    /// 所属 in the chart, when it shows only the first of them.
    departments_charted: Option<usize>,
    skills: Vec<&'a str>,
    /// The self-assessment scale's lowest and highest labels, and its size.
    scale: ScaleView<'a>,
    modules: Vec<ModuleRow<'a>>,
    /// Who handed in nothing (only with a roster).
    missing: Option<MissingView>,
    /// The files left out, outside the figures or counted with a doubt.
    files: FilesView,
}

/// The names of the roles table's rows of staff without a known role,
/// from the theme's strings (`ui.report.no_role`, `ui.report.unknown_role`).
struct RowNames {
    unset: String,
    unknown: String,
}

impl RowNames {
    fn of(renderer: &Renderer) -> RowNames {
        let word = |key: &str, default: &str| {
            let strings = &renderer.theme().strings;
            let found = strings.pointer(&format!("/report/{key}"));
            found
                .and_then(|w| w.as_str())
                .unwrap_or(default)
                .to_string()
        };
        RowNames {
            unset: word("no_role", "（人材像未設定）"),
            unknown: word("unknown_role", super::tables::WORDS.unknown_role),
        }
    }

    fn of_row<'a>(&'a self, role: &'a RoleFigures) -> &'a str {
        match role.row {
            RoleRow::Known(_) => role.name.as_deref().unwrap_or_default(),
            RoleRow::Unset => &self.unset,
            RoleRow::Unknown => &self.unknown,
        }
    }
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    organization: &'a str,
    lang: &'a str,
}

#[derive(Serialize)]
struct SummaryView<'a> {
    people: usize,
    submitted: usize,
    attendance: Option<String>,
    files_read: usize,
    files_skipped: usize,
    as_of: Option<String>,
    /// The role staff without one are measured against.
    base_role: Option<&'a str>,
}

#[derive(Serialize)]
struct GoalRow<'a> {
    role: &'a str,
    label: &'a str,
    target: u8,
    by: Option<u16>,
    within_years: Option<u8>,
    /// `None`: records cannot tell (an experience goal).
    actual: Option<String>,
    met: bool,
}

#[derive(Serialize)]
struct RoleView<'a> {
    name: &'a str,
    /// `role`; `unset` for staff without a role, `unknown` for staff whose
    /// records name one the site does not have (both measured against the
    /// base role).
    kind: &'static str,
    people: usize,
    submitted: usize,
    attendance: Option<String>,
    steps: Vec<StepCell<'a>>,
}

#[derive(Serialize)]
struct StepCell<'a> {
    name: &'a str,
    /// People who reached it; `None` for an experience goal.
    count: Option<usize>,
    share: Option<String>,
}

#[derive(Serialize)]
struct DepartmentRow<'a> {
    name: &'a str,
    people: usize,
    submitted: usize,
    attended: usize,
    attendance: Option<String>,
    skills: Vec<HeatCell>,
}

#[derive(Serialize)]
struct HeatCell {
    /// 0 (nobody to count) to 4 (75 % passed or more): the cell's colour.
    bucket: usize,
    rate: Option<String>,
    level: Option<String>,
}

#[derive(Serialize)]
struct ScaleView<'a> {
    lowest: &'a str,
    highest: &'a str,
    top: usize,
}

#[derive(Serialize)]
struct ModuleRow<'a> {
    title: &'a str,
    /// Staff whose curriculum has it; `attempted` and `passed` are of them.
    targeted: usize,
    attempted: usize,
    passed: usize,
    /// Passed of those who took it.
    pass_rate: Option<String>,
    /// Passed of those it targets.
    completion: Option<String>,
    /// Staff it does not target who took it, and passed.
    others_attempted: usize,
    others_passed: usize,
    first_mean: Option<String>,
    /// The questions most often missed first (at most three).
    missed: Vec<Missed<'a>>,
}

#[derive(Serialize)]
struct Missed<'a> {
    question: &'a str,
    count: usize,
}

/// Renders the page with the theme's report.html.
pub(crate) fn page(renderer: &Renderer, input: &PageInput) -> Result<String, Diagnostic> {
    let names = RowNames::of(renderer);
    let view = view(input, &names);
    renderer.render_template(
        TEMPLATE,
        minijinja::Value::from(minijinja::value::Serde(&view)),
    )
}

fn view<'a>(input: &PageInput<'a>, names: &'a RowNames) -> View<'a> {
    let c = input.catalog;
    let f = input.figures;
    let goals = goals(input);
    let (goal_bars, role_bars, department_bars) = chart_bars(input, names);
    View {
        site: SiteView {
            title: &c.title,
            organization: &c.organization,
            lang: &c.language,
        },
        anonymised: input.anonymised,
        roster: input.people.roster,
        summary: SummaryView {
            people: f.people,
            submitted: f.submitted,
            attendance: pct(percent(f.attended, f.people)),
            files_read: input.files_read,
            files_skipped: (input.notes.iter())
                .filter(|n| n.treatment == Treatment::LeftOut)
                .count(),
            as_of: input.as_of.clone(),
            base_role: c.base_role.map(|r| c.roles[r].name.as_str()),
        },
        goals_chart: (!goal_bars.is_empty()).then(|| bars("goals-chart", &goal_bars)),
        goals,
        roles: roles(f, names),
        roles_chart: bars("roles-chart", &role_bars),
        departments: departments(f),
        departments_chart: bars("departments-chart", &department_bars),
        departments_charted: (f.departments.len() > CHART_LIMIT).then_some(CHART_LIMIT),
        skills: c.skills.iter().map(|(_, name)| name.as_str()).collect(),
        scale: ScaleView {
            lowest: c.scale.first().map_or("", String::as_str),
            highest: c.scale.last().map_or("", String::as_str),
            top: c.scale.len(),
        },
        modules: modules(input),
        missing: super::lists::missing(input),
        files: super::lists::files(input),
    }
}

/// The bars of the goals, roles and departments charts.
fn chart_bars(input: &PageInput, names: &RowNames) -> (Vec<Bar>, Vec<Bar>, Vec<Bar>) {
    let c = input.catalog;
    let f = input.figures;
    let goal_bars: Vec<Bar> = f
        .roles
        .iter()
        .flat_map(|r| r.goals.iter().map(move |g| (r, g)))
        .filter(|(_, g)| g.actual.is_some())
        .map(|(r, g)| Bar {
            label: format!("{}:{}", r.name.as_deref().unwrap_or_default(), g.label),
            value: g.actual,
            target: Some(g.target),
        })
        .collect();
    let role_bars: Vec<Bar> = f
        .roles
        .iter()
        .filter(|r| r.people > 0)
        .map(|r| Bar {
            label: names.of_row(r).to_string(),
            value: percent(r.attended, r.people),
            target: None,
        })
        .collect();
    let attendance_target = c
        .base_role
        .and_then(|r| {
            c.roles[r]
                .goals
                .iter()
                .find(|g| g.measure == Some(crate::framework::GoalMeasure::Attendance))
        })
        .map(|g| g.share);
    let department_bars: Vec<Bar> = f
        .departments
        .iter()
        .take(CHART_LIMIT)
        .map(|d| Bar {
            label: d.name.clone(),
            value: percent(d.attended, d.people),
            target: attendance_target,
        })
        .collect();
    (goal_bars, role_bars, department_bars)
}

fn goals<'a>(input: &PageInput<'a>) -> Vec<GoalRow<'a>> {
    input
        .figures
        .roles
        .iter()
        .flat_map(|r| r.goals.iter().map(move |g| (r, g)))
        .map(|(role, goal)| GoalRow {
            role: role.name.as_deref().unwrap_or_default(),
            label: &goal.label,
            target: goal.target,
            by: goal.by,
            within_years: goal.within_years,
            actual: pct(goal.actual),
            met: goal.actual.is_some_and(|v| v >= f64::from(goal.target)),
        })
        .collect()
}

fn roles<'a>(f: &'a Figures, names: &'a RowNames) -> Vec<RoleView<'a>> {
    f.roles
        .iter()
        .map(|role| RoleView {
            name: names.of_row(role),
            kind: match role.row {
                RoleRow::Known(_) => "role",
                RoleRow::Unset => "unset",
                RoleRow::Unknown => "unknown",
            },
            people: role.people,
            submitted: role.submitted,
            attendance: pct(percent(role.attended, role.people)),
            steps: role
                .steps
                .iter()
                .map(|(name, n)| StepCell {
                    name,
                    count: *n,
                    share: n.and_then(|n| pct(percent(n, role.people))),
                })
                .collect(),
        })
        .collect()
}

fn departments(f: &Figures) -> Vec<DepartmentRow<'_>> {
    f.departments
        .iter()
        .map(|d| DepartmentRow {
            name: &d.name,
            people: d.people,
            submitted: d.submitted,
            attended: d.attended,
            attendance: pct(percent(d.attended, d.people)),
            skills: d
                .skills
                .iter()
                .map(|cell| HeatCell {
                    bucket: percent(cell.0, cell.1)
                        .map_or(0, |r| 1 + (r / 25.0).floor().min(3.0) as usize),
                    rate: number(share(cell.0, cell.1)).map(|r| format!("{r}%")),
                    level: number(mean(cell.2, cell.3)),
                })
                .collect(),
        })
        .collect()
}

fn modules<'a>(input: &PageInput<'a>) -> Vec<ModuleRow<'a>> {
    input
        .catalog
        .modules
        .iter()
        .zip(&input.figures.modules)
        .map(|(m, f)| ModuleRow {
            title: &m.title,
            targeted: f.targeted,
            attempted: f.attempted,
            passed: f.passed,
            pass_rate: pct(percent(f.passed, f.attempted)),
            completion: pct(percent(f.passed, f.targeted)),
            others_attempted: f.others_attempted,
            others_passed: f.others_passed,
            first_mean: (f.first_count > 0)
                .then(|| format!("{:.1}", f.first_sum as f64 / f.first_count as f64)),
            missed: f
                .missed
                .iter()
                .take(3)
                .map(|&(q, count)| Missed {
                    question: &m.questions[q].1,
                    count,
                })
                .collect(),
        })
        .collect()
}
