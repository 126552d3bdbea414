//! The report page (index.html): the figures as a [`View`] for the theme's
//! `report.html`, rendered like the portal's pages (same environment and
//! escaper, words from the theme's `ui.report` strings). The page is static,
//! in the portal's look (kenshu.css beside it, plus report.css), with no
//! script and no inline style, printable on A4. Every chart has a table with
//! the same numbers.

use super::catalog::Catalog;
use super::csv_out::cell_text;
use super::figures::{percent, Figures};
use super::people::People;
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
    pub files_skipped: usize,
    /// The latest export date among the records (`YYYY-MM-DD`).
    pub as_of: Option<String>,
    pub anonymised: bool,
}

/// At most this many names are listed on the page; the CSV has them all.
const LIST_LIMIT: usize = 1000;
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
    roles: Vec<RoleRow<'a>>,
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
struct RoleRow<'a> {
    /// `None` for staff whose role is not known.
    name: Option<&'a str>,
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
    attempted: usize,
    passed: usize,
    pass_rate: Option<String>,
    first_mean: Option<String>,
    /// The questions most often missed first (at most three).
    missed: Vec<Missed<'a>>,
}

#[derive(Serialize)]
struct Missed<'a> {
    question: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct MissingView {
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

/// Renders the page with the theme's report.html.
pub(crate) fn page(renderer: &Renderer, input: &PageInput) -> Result<String, Diagnostic> {
    let view = view(input);
    renderer.render_template(
        TEMPLATE,
        minijinja::Value::from(minijinja::value::Serde(&view)),
    )
}

pub(crate) fn view<'a>(input: &PageInput<'a>) -> View<'a> {
    let c = input.catalog;
    let f = input.figures;
    let goals = goals(input);
    let (goal_bars, role_bars, department_bars) = chart_bars(input);
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
            files_skipped: input.files_skipped,
            as_of: input.as_of.clone(),
            base_role: c.base_role.map(|r| c.roles[r].name.as_str()),
        },
        goals_chart: (!goal_bars.is_empty()).then(|| bars("goals-chart", &goal_bars)),
        goals,
        roles: roles(f),
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
        missing: missing(input),
    }
}

/// The bars of the goals, roles and departments charts.
fn chart_bars(input: &PageInput) -> (Vec<Bar>, Vec<Bar>, Vec<Bar>) {
    let c = input.catalog;
    let f = input.figures;
    let goal_bars: Vec<Bar> = f
        .roles
        .iter()
        .flat_map(|r| r.goals.iter().map(move |g| (r, g)))
        .filter(|(_, g)| g.actual.is_some())
        .map(|(r, g)| Bar {
            label: Some(format!(
                "{}:{}",
                r.name.as_deref().unwrap_or_default(),
                g.label
            )),
            value: g.actual,
            target: Some(g.target),
        })
        .collect();
    let role_bars: Vec<Bar> = f
        .roles
        .iter()
        .filter(|r| r.people > 0)
        .map(|r| Bar {
            label: r.name.clone(),
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
            label: Some(d.name.clone()),
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

fn roles(f: &Figures) -> Vec<RoleRow<'_>> {
    f.roles
        .iter()
        .map(|role| RoleRow {
            name: role.name.as_deref(),
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
            attempted: f.attempted,
            passed: f.passed,
            pass_rate: pct(percent(f.passed, f.attempted)),
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

fn missing(input: &PageInput) -> Option<MissingView> {
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
