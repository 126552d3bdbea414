//! `content/skills.yaml`: the skill framework of the training policy.
//!
//! The framework has categories (区分), skills (スキル要件) and roles
//! (人材像). A role may `extends` another and then requires every skill of its
//! parent, transitively; a role's steps (育成段階) with a `level` are reached
//! by passing modules, the others are experience goals. This module parses the
//! file, checks its internal references, and resolves inheritance.

use crate::diagnostics::{unknown_id, Diagnostic, Diagnostics};
use crate::ids;
use crate::msg;
use crate::source::SourceText;
use crate::yaml::{self, Fields, Spots};
use goals::check_goals;
pub(crate) use goals::{Goal, GoalMeasure};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

mod goals;

pub(crate) const SKILLS_FILE: &str = "content/skills.yaml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    pub id: String,
    pub name: String,
    pub category: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Reached when every curriculum module with this level or lower is passed.
    #[serde(default)]
    pub level: Option<u8>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub extends: Option<String>,
    /// The role's own skills; inherited ones come from `extends`.
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub steps: Vec<Step>,
    /// Mid-term goals (中期目標) for this role, as prose for the role page.
    #[serde(default)]
    pub targets: Vec<String>,
    /// The measurable side of the mid-term goals, read by `kenshu report`.
    #[serde(default)]
    pub goals: Vec<Goal>,
    /// Which type of the national guideline this role corresponds to.
    #[serde(default)]
    pub guideline_type: Option<String>,
    /// Staff brought in from outside (e.g. CIO補佐官), not trained in-house.
    #[serde(default)]
    pub external: bool,
}

/// One level of the self-assessment scale (スキル水準の把握); levels are
/// numbered 1..=N in file order.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleLevel {
    pub label: String,
    #[serde(default)]
    pub description: String,
}

/// The scale used when skills.yaml has no `assessment_scale:`.
pub(crate) fn default_assessment_scale() -> Vec<ScaleLevel> {
    [
        (
            "未経験",
            "このスキルについて学んだことも、業務で使ったこともない。",
        ),
        ("知識がある", "研修や自習で基本を学び、内容を説明できる。"),
        ("業務で使える", "自分の業務で、必要なときに一人で使える。"),
        (
            "人に教えられる",
            "周りの職員に教えたり、相談に乗ったりできる。",
        ),
    ]
    .into_iter()
    .map(|(label, description)| ScaleLevel {
        label: label.into(),
        description: description.into(),
    })
    .collect()
}

/// Deepest `extends` chain: real frameworks have two or three levels.
pub(crate) const MAX_EXTENDS_DEPTH: usize = 32;

/// Where the entries of skills.yaml were written.
#[derive(Debug, Clone, Default)]
struct FrameworkSpots {
    categories: Vec<Spots>,
    skills: Vec<Spots>,
    roles: Vec<Spots>,
}

/// Whether a role requires a skill itself or through the role it extends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Requirement {
    Own,
    Inherited,
}

/// The checked framework, with inheritance resolved.
#[derive(Debug, Clone, Default)]
pub struct Framework {
    pub categories: Vec<Category>,
    pub skills: Vec<Skill>,
    pub roles: Vec<Role>,
    /// Where each skill's id is written in skills.yaml, in skill order.
    pub skill_locations: Vec<crate::diagnostics::Location>,
    /// The self-assessment scale, level 1 first (never empty).
    pub assessment_scale: Vec<ScaleLevel>,
    /// For each role id: every skill it requires (in skill order) and how.
    pub role_skills: FxHashMap<String, Vec<(String, Requirement)>>,
    /// Role id → the chain of roles it extends, nearest first.
    pub ancestors: FxHashMap<String, Vec<String>>,
    skill_index: FxHashMap<String, usize>,
    category_index: FxHashMap<String, usize>,
    role_index: FxHashMap<String, usize>,
}

impl Framework {
    /// Parses skills.yaml; reports every problem it finds, each entry on its own.
    pub fn parse(text: &str, diagnostics: &mut Diagnostics) -> Option<Framework> {
        let path = Path::new(SKILLS_FILE);
        let source = SourceText::new(path, text);
        let node = match yaml::parse(&source, false) {
            Ok(node) => node,
            Err(problems) => {
                problems.into_iter().for_each(|d| diagnostics.push(d));
                return None;
            }
        };
        let keys = ["categories", "skills", "roles", "assessment_scale"];
        let mut fields = match Fields::new(&source, &node, &keys) {
            Ok(fields) => fields,
            Err(problem) => {
                diagnostics.push(problem);
                return None;
            }
        };
        let mut problems = Vec::new();
        let (categories, category_spots) = list(&fields, "categories", &mut problems);
        let (skills, skill_spots) = list(&fields, "skills", &mut problems);
        let (roles, role_spots) = list(&fields, "roles", &mut problems);
        let scale: Option<Vec<ScaleLevel>> = fields.get("assessment_scale");
        for key in ["categories", "skills"] {
            if fields.node(key).is_none() {
                let at = fields.start();
                problems.push(Diagnostic::error(
                    path,
                    at,
                    msg!("yaml.missing-key", key = key),
                ));
            }
        }
        problems.extend(fields.finish());
        problems.into_iter().for_each(|d| diagnostics.push(d));
        let spots = FrameworkSpots {
            categories: category_spots,
            skills: skill_spots,
            roles: role_spots,
        };
        let skill_locations = spots.skills.iter().map(|s| s.value("id")).collect();
        let mut framework = Framework {
            skill_locations,
            categories,
            skills,
            roles,
            assessment_scale: scale
                .filter(|scale| !scale.is_empty())
                .unwrap_or_else(default_assessment_scale),
            ..Framework::default()
        };
        framework.index(&spots, diagnostics);
        framework.check_references(&spots, diagnostics);
        framework.resolve_inheritance(&spots, diagnostics);
        Some(framework)
    }

    pub fn skill(&self, id: &str) -> Option<&Skill> {
        self.skill_index.get(id).map(|&i| &self.skills[i])
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.category_index.get(id).map(|&i| &self.categories[i])
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.role_index.get(id).map(|&i| &self.roles[i])
    }

    /// Position of a skill in display order (category order, then file order).
    pub fn skill_rank(&self, id: &str) -> (usize, usize) {
        let index = self.skill_index.get(id).copied().unwrap_or(usize::MAX);
        let category = self
            .skills
            .get(index)
            .and_then(|s| self.category_index.get(&s.category).copied())
            .unwrap_or(usize::MAX);
        (category, index)
    }

    /// Every skill a role requires, own or inherited, in display order.
    pub fn skills_of_role(&self, role: &str) -> &[(String, Requirement)] {
        self.role_skills.get(role).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn skill_ids(&self) -> impl Iterator<Item = &str> {
        self.skills.iter().map(|s| s.id.as_str())
    }

    pub fn role_ids(&self) -> impl Iterator<Item = &str> {
        self.roles.iter().map(|r| r.id.as_str())
    }

    fn index(&mut self, spots: &FrameworkSpots, diagnostics: &mut Diagnostics) {
        let categories = self.categories.iter().map(|c| &c.id).collect();
        self.category_index =
            index_ids(categories, &spots.categories, "kind.category", diagnostics);
        self.skill_index = index_ids(
            self.skills.iter().map(|s| &s.id).collect(),
            &spots.skills,
            "kind.skill",
            diagnostics,
        );
        self.role_index = index_ids(
            self.roles.iter().map(|r| &r.id).collect(),
            &spots.roles,
            "kind.role",
            diagnostics,
        );
    }

    fn check_references(&self, spots: &FrameworkSpots, diagnostics: &mut Diagnostics) {
        let path = Path::new(SKILLS_FILE);
        for (skill, at) in self.skills.iter().zip(&spots.skills) {
            if self.category(&skill.category).is_none() {
                let known = self.categories.iter().map(|c| c.id.as_str());
                let message = unknown_id("skills.unknown-category", &skill.category, known);
                diagnostics.push(Diagnostic::error(path, at.value("category"), message));
            }
        }
        for (role, at) in self.roles.iter().zip(&spots.roles) {
            for (index, skill) in role.skills.iter().enumerate() {
                if self.skill(skill).is_none() {
                    let message = unknown_id("skills.role-unknown-skill", skill, self.skill_ids());
                    diagnostics.push(Diagnostic::error(path, at.item("skills", index), message));
                }
            }
            if let Some(parent) = &role.extends {
                if self.role(parent).is_none() {
                    let message = unknown_id("skills.unknown-parent", parent, self.role_ids());
                    diagnostics.push(Diagnostic::error(path, at.value("extends"), message));
                }
            }
            check_goals(role, at, diagnostics);
            for (index, step) in role.steps.iter().enumerate() {
                if let Some(level) = step.level.filter(|l| !(1..=3).contains(l)) {
                    let message = msg!("skills.bad-step-level", level = level);
                    diagnostics.push(Diagnostic::error(path, at.item("steps", index), message));
                }
            }
        }
    }

    /// Follows `extends` chains, reporting cycles and chains deeper than
    /// [`MAX_EXTENDS_DEPTH`], and computes role_skills.
    fn resolve_inheritance(&mut self, spots: &FrameworkSpots, diagnostics: &mut Diagnostics) {
        let mut reported_cycle = FxHashSet::default();
        for (role, at) in self.roles.iter().zip(&spots.roles) {
            let at = at.value("extends");
            let mut chain: Vec<String> = Vec::new();
            let mut current = role.extends.clone();
            while let Some(parent) = current {
                if parent == role.id || chain.contains(&parent) {
                    if reported_cycle.insert(cycle_key(&role.id, &chain)) {
                        let mut names = vec![role.id.clone()];
                        names.extend(chain.iter().cloned());
                        names.push(parent.clone());
                        let message = msg!("skills.extends-cycle", chain = names.join(" → "));
                        diagnostics.push(Diagnostic::error(SKILLS_FILE, at, message));
                    }
                    break;
                }
                if chain.len() >= MAX_EXTENDS_DEPTH {
                    let message = msg!("skills.extends-too-deep", max = MAX_EXTENDS_DEPTH);
                    diagnostics.push(Diagnostic::error(SKILLS_FILE, at, message));
                    break;
                }
                let next = self.role(&parent).and_then(|r| r.extends.clone());
                let known = self.role(&parent).is_some();
                chain.push(parent);
                if !known {
                    break;
                }
                current = next;
            }
            chain.retain(|id| self.role(id).is_some() && id != &role.id);
            self.ancestors.insert(role.id.clone(), chain);
        }
        let role_skills: FxHashMap<_, _> = self
            .roles
            .iter()
            .map(|r| (r.id.clone(), self.collect_skills(r)))
            .collect();
        self.role_skills = role_skills;
    }

    fn collect_skills(&self, role: &Role) -> Vec<(String, Requirement)> {
        let mut found: BTreeMap<(usize, usize), (String, Requirement)> = BTreeMap::new();
        for ancestor in self.ancestors.get(&role.id).into_iter().flatten() {
            for skill in self
                .role(ancestor)
                .map(|r| r.skills.as_slice())
                .unwrap_or(&[])
            {
                if self.skill(skill).is_some() {
                    found.insert(
                        self.skill_rank(skill),
                        (skill.clone(), Requirement::Inherited),
                    );
                }
            }
        }
        for skill in &role.skills {
            if self.skill(skill).is_some() {
                found.insert(self.skill_rank(skill), (skill.clone(), Requirement::Own));
            }
        }
        found.into_values().collect()
    }
}

fn cycle_key(role: &str, chain: &[String]) -> Vec<String> {
    let mut members: Vec<String> = chain.iter().cloned().chain([role.to_string()]).collect();
    members.sort();
    members
}

/// The entries of one top-level list of skills.yaml, with their spots.
fn list<T: serde::de::DeserializeOwned>(
    fields: &Fields,
    key: &str,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<T>, Vec<Spots>) {
    match fields.node(key) {
        Some(node) => yaml::entries(fields.source(), node, problems)
            .into_iter()
            .unzip(),
        None => (Vec::new(), Vec::new()),
    }
}

/// Maps ids to positions, reporting duplicates and unusable ids.
fn index_ids(
    ids: Vec<&String>,
    spots: &[Spots],
    kind: &'static str,
    diagnostics: &mut Diagnostics,
) -> FxHashMap<String, usize> {
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    // Ids that name one page folder on Windows, macOS and IIS.
    let mut folded: FxHashMap<String, (&String, usize)> = FxHashMap::default();
    for (position, (id, at)) in ids.into_iter().zip(spots).enumerate() {
        let at = at.value("id");
        if let Err(problem) = ids::check(id) {
            let message = problem.explain(msg!("skills.bad-id", id = id).arg("@kind", kind));
            diagnostics.push(Diagnostic::error(SKILLS_FILE, at, message));
        }
        let line_of = |first: usize| spots[first].value("id").line;
        let message = match (index.get(id.as_str()), folded.get(&ids::fold(id))) {
            (Some(&first), _) => msg!("skills.duplicate-id", id = id, line = line_of(first)),
            (None, Some(&(other, first))) => {
                msg!(
                    "skills.folded-id",
                    id = id,
                    other = other,
                    line = line_of(first)
                )
            }
            (None, None) => {
                index.insert(id.clone(), position);
                folded.insert(ids::fold(id), (id, position));
                continue;
            }
        };
        let message = message.arg("@kind", kind);
        diagnostics.push(Diagnostic::error(SKILLS_FILE, at, message));
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_prototype_names_are_not_ids() {
        for id in ["constructor", "__proto__", "prototype", "tostring"] {
            assert!(ids::check(id).is_err(), "{id}");
        }
        assert!(ids::check("constructor-basics").is_ok());
    }

    const TEXT: &str = "categories:\n  - id: c\n    name: C\nskills:\n  - id: a\n    name: A\n    category: c\n  - id: b\n    name: B\n    category: c\nroles:\n  - id: base\n    name: Base\n    skills: [a]\n  - id: child\n    name: Child\n    extends: base\n    skills: [b]\n";

    #[test]
    fn inherits_parent_skills() {
        let mut d = Diagnostics::new();
        let f = Framework::parse(TEXT, &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        let skills = f.skills_of_role("child");
        assert_eq!(
            skills,
            &[
                ("a".to_string(), Requirement::Inherited),
                ("b".to_string(), Requirement::Own)
            ]
        );
    }

    #[test]
    fn reports_a_cycle_once() {
        let text = TEXT.replace("    skills: [a]\n", "    extends: child\n    skills: [a]\n");
        let mut d = Diagnostics::new();
        Framework::parse(&text, &mut d).unwrap();
        let cycles: Vec<_> = d
            .iter()
            .filter(|x| x.code() == "skills.extends-cycle")
            .collect();
        assert_eq!(cycles.len(), 1, "{d:?}");
    }
}
