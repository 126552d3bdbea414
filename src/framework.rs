//! `content/skills.yaml`: the skill framework of the training policy.
//!
//! The framework has categories (区分), skills (スキル要件) and roles
//! (人材像). A role may `extends` another and then requires every skill of its
//! parent, transitively; a role's steps (育成段階) with a `level` are reached
//! by passing modules, the others are experience goals. This module parses the
//! file, checks its internal references, and resolves inheritance.

use crate::diagnostics::{unknown_id_message, Diagnostic, Diagnostics};
use crate::source::{parse_yaml, SourceText};
use goals::check_goals;
pub use goals::{Goal, GoalMeasure};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

mod goals;

pub const SKILLS_FILE: &str = "content/skills.yaml";

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
pub fn default_assessment_scale() -> Vec<ScaleLevel> {
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameworkFile {
    categories: Vec<Category>,
    skills: Vec<Skill>,
    #[serde(default)]
    roles: Vec<Role>,
    #[serde(default)]
    assessment_scale: Option<Vec<ScaleLevel>>,
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
    /// The self-assessment scale, level 1 first (never empty).
    pub assessment_scale: Vec<ScaleLevel>,
    /// For each role id: every skill it requires (in skill order) and how.
    pub role_skills: HashMap<String, Vec<(String, Requirement)>>,
    /// Role id → the chain of roles it extends, nearest first.
    pub ancestors: HashMap<String, Vec<String>>,
    skill_index: HashMap<String, usize>,
    category_index: HashMap<String, usize>,
    role_index: HashMap<String, usize>,
}

impl Framework {
    /// Parses skills.yaml; reports every problem it finds.
    pub fn parse(text: &str, diagnostics: &mut Diagnostics) -> Option<Framework> {
        let path = Path::new(SKILLS_FILE);
        let source = SourceText::new(path, text);
        let file: FrameworkFile = match parse_yaml(&source) {
            Ok(file) => file,
            Err(d) => {
                diagnostics.push(d);
                return None;
            }
        };
        let mut framework = Framework {
            categories: file.categories,
            skills: file.skills,
            roles: file.roles,
            assessment_scale: file
                .assessment_scale
                .filter(|scale| !scale.is_empty())
                .unwrap_or_else(default_assessment_scale),
            ..Framework::default()
        };
        framework.index(&source, diagnostics);
        framework.check_references(&source, diagnostics);
        framework.resolve_inheritance(&source, diagnostics);
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

    fn index(&mut self, source: &SourceText, diagnostics: &mut Diagnostics) {
        self.category_index = index_ids(
            self.categories.iter().map(|c| &c.id),
            "category",
            source,
            diagnostics,
        );
        self.skill_index = index_ids(
            self.skills.iter().map(|s| &s.id),
            "skill",
            source,
            diagnostics,
        );
        self.role_index = index_ids(
            self.roles.iter().map(|r| &r.id),
            "role",
            source,
            diagnostics,
        );
    }

    fn check_references(&self, source: &SourceText, diagnostics: &mut Diagnostics) {
        let path = source.path;
        for skill in &self.skills {
            if self.category(&skill.category).is_none() {
                let at = source.find_in_entry(
                    source.find_id(&skill.id),
                    &format!("category: {}", skill.category),
                );
                let message = unknown_id_message(
                    "category",
                    &skill.category,
                    self.categories.iter().map(|c| c.id.as_str()),
                );
                diagnostics.push(
                    Diagnostic::error(path, at, message).with_hint("use an id from `categories:`"),
                );
            }
        }
        for role in &self.roles {
            let entry = source.find_id(&role.id);
            for skill in &role.skills {
                if self.skill(skill).is_none() {
                    let message = unknown_id_message("skill", skill, self.skill_ids());
                    diagnostics.push(
                        Diagnostic::error(path, source.find_in_entry(entry, skill), message)
                            .with_hint("use an id from `skills:` in skills.yaml"),
                    );
                }
            }
            if let Some(parent) = &role.extends {
                if self.role(parent).is_none() {
                    let message = unknown_id_message("role", parent, self.role_ids());
                    let at = source.find_in_entry(entry, &format!("extends: {parent}"));
                    diagnostics.push(
                        Diagnostic::error(path, at, message)
                            .with_hint("`extends` takes the id of another role"),
                    );
                }
            }
            check_goals(role, source, diagnostics);
            for step in &role.steps {
                if let Some(level) = step.level {
                    if !(1..=3).contains(&level) {
                        let at = source.find_in_entry(entry, &format!("level: {level}"));
                        diagnostics.push(Diagnostic::error(
                            path,
                            at,
                            format!("step level must be 1, 2 or 3, not {level}"),
                        ));
                    }
                }
            }
        }
    }

    /// Follows `extends` chains, reporting cycles, and computes role_skills.
    fn resolve_inheritance(&mut self, source: &SourceText, diagnostics: &mut Diagnostics) {
        let mut reported_cycle = HashSet::new();
        for role in &self.roles {
            let mut chain: Vec<String> = Vec::new();
            let mut current = role.extends.clone();
            while let Some(parent) = current {
                if parent == role.id || chain.contains(&parent) {
                    if reported_cycle.insert(cycle_key(&role.id, &chain)) {
                        let mut names = vec![role.id.clone()];
                        names.extend(chain.iter().cloned());
                        names.push(parent.clone());
                        let at = source.find_in_entry(source.find_id(&role.id), "extends");
                        diagnostics.push(
                            Diagnostic::error(
                                source.path,
                                at,
                                format!(
                                    "roles extend each other in a cycle: {}",
                                    names.join(" → ")
                                ),
                            )
                            .with_hint("remove `extends` from one of these roles"),
                        );
                    }
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
        let role_skills: HashMap<_, _> = self
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

/// Maps ids to positions, reporting duplicates and empty ids.
fn index_ids<'a>(
    ids: impl Iterator<Item = &'a String>,
    kind: &str,
    source: &SourceText,
    diagnostics: &mut Diagnostics,
) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    for (position, id) in ids.enumerate() {
        if !is_valid_id(id) {
            diagnostics.push(
                Diagnostic::error(
                    source.path,
                    source.find(&format!("id: {id}")),
                    format!("{kind} id \"{id}\" is not valid"),
                )
                .with_hint(
                    "ids use lowercase ASCII letters, digits and hyphens, e.g. security-literacy",
                ),
            );
        }
        if index.insert(id.clone(), position).is_some() {
            let first = source.find_id(id);
            let second = source.find_from(first.line + 1, &format!("id: {id}"));
            diagnostics.push(
                Diagnostic::error(source.path, second, format!("duplicate {kind} id \"{id}\""))
                    .with_hint(format!(
                        "ids must be unique; the first \"{id}\" is at line {}",
                        first.line
                    )),
            );
        }
    }
    index
}

/// Ids become URL segments: lowercase ASCII letters, digits, `-` and `_`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let cycles: Vec<_> = d.iter().filter(|x| x.message.contains("cycle")).collect();
        assert_eq!(cycles.len(), 1, "{d:?}");
    }
}
