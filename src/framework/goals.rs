//! Measurable mid-term goals (中期目標) of a role in skills.yaml, e.g.
//!
//! ```yaml
//! goals:
//!   - label: リテラシー研修の受講率
//!     measure: attendance
//!     share: 100
//!     within_years: 5
//!   - label: Step2に到達した職員の割合
//!     step: Step2
//!     share: 70
//!     by: 2030
//! ```
//!
//! The role's free-text `targets:` stay for the role page; `goals:` are what
//! `kenshu report` measures the records against.

use super::Role;
use super::SKILLS_FILE;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::msg;
use crate::yaml::Spots;
use serde::Deserialize;

/// A measurable mid-term goal (中期目標): `share` percent of the role's staff
/// reach `step`, or meet `measure`, within `within_years` years or by fiscal
/// year `by`. Exactly one of `step` and `measure` is given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    pub label: String,
    #[serde(default)]
    pub step: Option<String>,
    #[serde(default)]
    pub measure: Option<GoalMeasure>,
    /// Target share in percent, 1–100.
    pub share: u8,
    /// Fiscal year (年度) by which the share is to be reached.
    #[serde(default)]
    pub by: Option<u16>,
    /// Or: the number of years the policy gives itself (e.g. 5年以内).
    #[serde(default)]
    pub within_years: Option<u8>,
}

/// What a goal without a step counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GoalMeasure {
    /// Passed every level-1 module of the role's curriculum (受講率).
    Attendance,
    /// Share of 所属 with at least one person of the role (配置率).
    Placement,
}

/// Reports goals naming no step or measure (or both), an unknown step or a
/// share outside 1–100, each at its goal.
pub(super) fn check_goals(role: &Role, spots: &Spots, diagnostics: &mut Diagnostics) {
    for (index, goal) in role.goals.iter().enumerate() {
        let at = spots.item("goals", index);
        let problem = match (&goal.step, goal.measure) {
            (Some(_), Some(_)) | (None, None) => Some(msg!("goals.step-or-measure")),
            (Some(step), None) if !role.steps.iter().any(|s| &s.name == step) => {
                let steps: Vec<&str> = role.steps.iter().map(|s| s.name.as_str()).collect();
                Some(msg!(
                    "goals.unknown-step",
                    role = &role.id,
                    step = step,
                    steps = steps.join(", ")
                ))
            }
            _ if !(1..=100).contains(&goal.share) => {
                Some(msg!("goals.bad-share", share = goal.share))
            }
            _ => None,
        };
        if let Some(message) = problem {
            diagnostics.push(Diagnostic::error(SKILLS_FILE, at, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostics;
    use crate::framework::{Framework, GoalMeasure};

    const TEXT: &str = "categories: [{id: c, name: C}]\nskills: [{id: a, name: A, category: c}]\nroles:\n  - id: r\n    name: R\n    skills: [a]\n    steps: [{name: Step1, level: 1}]\n    goals:\n";

    #[test]
    fn goals_parse_with_a_step_or_a_measure() {
        let text = format!("{TEXT}      - label: 受講率\n        measure: attendance\n        share: 100\n        within_years: 5\n      - label: 到達\n        step: Step1\n        share: 70\n        by: 2030\n");
        let mut d = Diagnostics::new();
        let f = Framework::parse(&text, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        let goals = &f.role("r").unwrap().goals;
        assert_eq!(goals[0].measure, Some(GoalMeasure::Attendance));
        assert_eq!(
            (goals[1].step.as_deref(), goals[1].share, goals[1].by),
            (Some("Step1"), 70, Some(2030))
        );
    }

    #[test]
    fn an_unknown_step_and_a_bad_share_are_located_errors() {
        let text = format!("{TEXT}      - label: 到達\n        step: Step9\n        share: 70\n      - label: 多すぎ\n        measure: attendance\n        share: 120\n");
        let mut d = Diagnostics::new();
        Framework::parse(&text, &mut d).unwrap();
        let found: Vec<_> = d
            .iter()
            .map(|x| (x.location.line, x.text(Default::default())))
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 9);
        assert!(
            found[0].1.contains("Step「Step9」はありません"),
            "{found:?}"
        );
        assert_eq!(found[1].0, 12);
        assert!(found[1].1.contains("1〜100"), "{found:?}");
    }
}
