//! What the report needs to know about the site: its modules (with their
//! quiz questions), skills, roles with their curricula, steps and goals.
//!
//! Records name modules, skills and roles by id; the catalogue turns those
//! ids into small indexes once, so that a hundred thousand records are
//! merged and counted over integers.

use crate::content::Outline;
use crate::framework::{Goal, Role};
use crate::site::Site;
use std::collections::HashMap;

pub(crate) struct ModuleInfo {
    pub id: String,
    pub title: String,
    pub level: u8,
    /// Skill indexes.
    pub skills: Vec<usize>,
    /// (question id, prompt), in page order.
    pub questions: Vec<(String, String)>,
}

pub(crate) struct StepInfo {
    pub name: String,
    /// Modules to pass to reach the step; `None` for an experience goal.
    pub modules: Option<Vec<u32>>,
}

pub(crate) struct RoleInfo {
    pub id: String,
    pub name: String,
    /// Module indexes of the role's curriculum.
    pub curriculum: Vec<u32>,
    /// Its level-1 modules: passing all of them is 受講 (attendance).
    pub literacy: Vec<u32>,
    pub steps: Vec<StepInfo>,
    pub goals: Vec<Goal>,
}

pub(crate) struct Catalog {
    pub title: String,
    pub organization: String,
    /// The site's language (`language:` in site.yaml), the page's `lang`.
    pub language: String,
    pub key: String,
    pub modules: Vec<ModuleInfo>,
    pub skills: Vec<(String, String)>,
    pub roles: Vec<RoleInfo>,
    /// The role staff without a role are measured against (the base role).
    pub base_role: Option<usize>,
    pub scale: Vec<String>,
    /// The theme's kenshu.css, copied beside the report page.
    pub stylesheet: Vec<u8>,
    /// The theme's favicon.svg, likewise.
    pub favicon: Vec<u8>,
    module_index: HashMap<String, u32>,
    skill_index: HashMap<String, usize>,
    role_lookup: HashMap<String, usize>,
}

impl Catalog {
    pub(super) fn new(site: &Site<Outline>) -> Catalog {
        let framework = &site.framework;
        let mut skill_ids: Vec<&str> = framework.skill_ids().collect();
        skill_ids.sort_by_key(|id| framework.skill_rank(id));
        let skills: Vec<(String, String)> = skill_ids
            .iter()
            .filter_map(|id| framework.skill(id))
            .map(|s| (s.id.clone(), s.name.clone()))
            .collect();
        let skill_index: HashMap<String, usize> = skills
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (id.clone(), i))
            .collect();
        let modules: Vec<ModuleInfo> = site
            .modules
            .iter()
            .map(|m| ModuleInfo {
                id: m.id.clone(),
                title: m.title.clone(),
                level: m.level,
                skills: m
                    .skills
                    .iter()
                    .filter_map(|s| skill_index.get(s).copied())
                    .collect(),
                questions: m
                    .body
                    .quizzes
                    .iter()
                    .flatten()
                    .map(|q| (q.id.clone(), q.prompt.clone()))
                    .collect(),
            })
            .collect();
        let roles: Vec<RoleInfo> = framework
            .roles
            .iter()
            .map(|role| role_info(site, role))
            .collect();
        let mut role_lookup = HashMap::new();
        for (i, role) in roles.iter().enumerate() {
            role_lookup.insert(super::people::normal(&role.id), i);
            role_lookup
                .entry(super::people::normal(&role.name))
                .or_insert(i);
        }
        let base_role = framework
            .roles
            .iter()
            .position(|r| r.extends.is_none() && !r.external);
        Catalog {
            title: site.config.title.clone(),
            organization: site.config.organization.clone(),
            language: site.config.language.clone(),
            key: site.config.progress_key(),
            module_index: modules
                .iter()
                .enumerate()
                .map(|(i, m)| (m.id.clone(), i as u32))
                .collect(),
            modules,
            skills,
            roles,
            base_role,
            scale: framework
                .assessment_scale
                .iter()
                .map(|l| l.label.clone())
                .collect(),
            stylesheet: Vec::new(),
            favicon: Vec::new(),
            skill_index,
            role_lookup,
        }
    }

    pub(super) fn module(&self, id: &str) -> Option<u32> {
        self.module_index.get(id).copied()
    }

    pub(super) fn skill(&self, id: &str) -> Option<usize> {
        self.skill_index.get(id).copied()
    }

    /// A role by id or by name (rosters may give either).
    pub(super) fn role(&self, id_or_name: &str) -> Option<usize> {
        // As typed: full-width letters (ＤＸ推進員) and spaces do not matter.
        self.role_lookup
            .get(&super::people::normal(id_or_name))
            .copied()
    }

    /// The role a person is measured against: their own, else the base role.
    pub(super) fn measured_role(&self, role: Option<usize>) -> Option<&RoleInfo> {
        role.or(self.base_role).map(|r| &self.roles[r])
    }
}

fn role_info(site: &Site<Outline>, role: &Role) -> RoleInfo {
    let curriculum: Vec<u32> = site
        .curricula
        .get(&role.id)
        .map(|c| c.iter().map(|&i| i as u32).collect())
        .unwrap_or_default();
    let up_to = |level: u8| -> Vec<u32> {
        curriculum
            .iter()
            .copied()
            .filter(|&i| site.modules[i as usize].level <= level)
            .collect()
    };
    RoleInfo {
        id: role.id.clone(),
        name: role.name.clone(),
        literacy: up_to(1),
        steps: role
            .steps
            .iter()
            .map(|s| StepInfo {
                name: s.name.clone(),
                modules: s.level.map(up_to),
            })
            .collect(),
        curriculum,
        goals: role.goals.clone(),
    }
}
