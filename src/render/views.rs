//! Small serialisable views of the site model for templates.
//!
//! Templates never see the whole [`Site`]: each page gets only the views it
//! shows, so rendering one page costs what that page contains, not what the
//! site contains. URLs in views are relative to the site root; templates put
//! the page's `root` prefix in front of them. [`ViewCache`] keeps the
//! values of the views that many pages share.

use crate::content::BodyKind as _;
use crate::framework::{Requirement, Role};
use crate::site::{Module, Site};
use crate::urls;
use minijinja::value::{Serde, Value};
use serde::Serialize;
use std::sync::OnceLock;

#[derive(Serialize)]
pub struct Link<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub struct ModuleCard<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub url: String,
    pub level: u8,
    pub duration: Option<u32>,
    pub skills: Vec<Link<'a>>,
    pub question_count: usize,
}

/// A module as one line of a long list (curricula, skill pages): what a
/// learner needs to pick it, without the card's summary and skills.
#[derive(Serialize)]
pub struct ModuleRow<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: String,
    pub level: u8,
    pub duration: Option<u32>,
}

pub fn module_row(module: &Module) -> ModuleRow<'_> {
    ModuleRow {
        id: &module.id,
        title: &module.title,
        url: urls::module_href(&module.id),
        level: module.level,
        duration: module.duration,
    }
}

/// Module ids joined by spaces, for the `data-modules` lists that the
/// progress script reads (one string instead of a value per module).
pub fn joined_ids<'a>(modules: impl Iterator<Item = &'a Module>) -> String {
    let mut ids = String::new();
    for module in modules {
        if !ids.is_empty() {
            ids.push(' ');
        }
        ids.push_str(&module.id);
    }
    ids
}

pub fn skill_link<'a>(site: &'a Site, id: &'a str) -> Link<'a> {
    let title = site
        .framework
        .skill(id)
        .map(|s| s.name.as_str())
        .unwrap_or(id);
    Link {
        id,
        title,
        url: urls::skill_href(id),
    }
}

pub fn module_link(module: &Module) -> Link<'_> {
    Link {
        id: &module.id,
        title: &module.title,
        url: urls::module_href(&module.id),
    }
}

pub fn role_link(role: &Role) -> Link<'_> {
    Link {
        id: &role.id,
        title: &role.name,
        url: urls::role_href(&role.id),
    }
}

pub fn module_card<'a>(site: &'a Site, module: &'a Module) -> ModuleCard<'a> {
    ModuleCard {
        id: &module.id,
        title: &module.title,
        summary: &module.summary,
        url: urls::module_href(&module.id),
        level: module.level,
        duration: module.duration,
        skills: module.skills.iter().map(|s| skill_link(site, s)).collect(),
        question_count: module.body.question_count(),
    }
}

#[derive(Serialize)]
pub struct SkillView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub url: String,
    pub requirement: Option<Requirement>,
    pub module_count: usize,
}

#[derive(Serialize)]
pub struct CategoryGroup<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub skills: Vec<SkillView<'a>>,
}

/// The skills a role requires, grouped by category in framework order.
pub fn role_skill_groups<'a>(site: &'a Site, role: &str) -> Vec<CategoryGroup<'a>> {
    let required = site.framework.skills_of_role(role);
    site.framework
        .categories
        .iter()
        .map(|category| CategoryGroup {
            id: &category.id,
            name: &category.name,
            description: &category.description,
            skills: required
                .iter()
                .filter_map(|(id, requirement)| site.framework.skill(id).map(|s| (s, requirement)))
                .filter(|(skill, _)| skill.category == category.id)
                .map(|(skill, requirement)| SkillView {
                    id: &skill.id,
                    name: &skill.name,
                    description: &skill.description,
                    url: urls::skill_href(&skill.id),
                    requirement: Some(*requirement),
                    module_count: site.skill_modules.get(&skill.id).map_or(0, Vec::len),
                })
                .collect(),
        })
        .filter(|group| !group.skills.is_empty())
        .collect()
}

#[derive(Serialize)]
pub struct StepView<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub level: Option<u8>,
    /// How many curriculum modules make the step (levels up to its level).
    pub module_count: usize,
    /// Their ids, joined by spaces.
    pub module_ids: String,
}

pub fn step_views<'a>(site: &'a Site, role: &'a Role) -> Vec<StepView<'a>> {
    let curriculum = site
        .curricula
        .get(&role.id)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    role.steps
        .iter()
        .map(|step| {
            let modules = || {
                curriculum
                    .iter()
                    .map(|&i| &site.modules[i])
                    .filter(move |m| step.level.is_some_and(|level| m.level <= level))
            };
            StepView {
                name: &step.name,
                description: &step.description,
                level: step.level,
                module_count: modules().count(),
                module_ids: joined_ids(modules()),
            }
        })
        .collect()
}

#[derive(Serialize)]
pub struct ResourceView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub provider: &'a str,
    pub url: &'a str,
    pub kind: &'a str,
    pub description: &'a str,
    pub skills: Vec<Link<'a>>,
    /// Skill ids and role ids joined by spaces, for the catalogue's filters.
    pub skill_ids: String,
    pub role_ids: String,
}

pub fn resource_view<'a>(site: &'a Site, id: &str) -> Option<ResourceView<'a>> {
    let resource = site.catalogue.get(id)?;
    Some(ResourceView {
        id: &resource.id,
        title: &resource.title,
        provider: &resource.provider,
        url: &resource.url,
        kind: &resource.kind,
        description: &resource.description,
        skills: resource
            .skills
            .iter()
            .map(|s| skill_link(site, s))
            .collect(),
        skill_ids: resource.skills.join(" "),
        role_ids: resource.roles.join(" "),
    })
}

/// Total study time of a list of modules, in minutes.
pub fn total_minutes(modules: impl Iterator<Item = Option<u32>>) -> u32 {
    modules.flatten().sum()
}

/// The views that many pages show, each made into a template value once per
/// render, on first use: a module's link (in its neighbours' pagers) and row
/// (on every list that has it: curricula, skill pages, prerequisites), a
/// resource's view (on each module that cites it), a role's link. Pages
/// share the values instead of converting the same view again and again.
/// Made for one site (it holds positions in it): every call passes that site.
pub struct ViewCache {
    module_links: Vec<OnceLock<Value>>,
    module_rows: Vec<OnceLock<Value>>,
    /// By catalogue position.
    resources: Vec<OnceLock<Value>>,
    /// By framework position.
    role_links: Vec<Value>,
}

impl ViewCache {
    pub fn new(site: &Site) -> ViewCache {
        let empty = |n: usize| (0..n).map(|_| OnceLock::new()).collect();
        ViewCache {
            module_links: empty(site.modules.len()),
            module_rows: empty(site.modules.len()),
            resources: empty(site.catalogue.resources.len()),
            role_links: site
                .framework
                .roles
                .iter()
                .map(|r| Value::from(Serde(role_link(r))))
                .collect(),
        }
    }

    /// The link of the module at `position`.
    pub fn module_link(&self, site: &Site, position: usize) -> Value {
        self.module_links[position]
            .get_or_init(|| Value::from(Serde(module_link(&site.modules[position]))))
            .clone()
    }

    /// The list row of the module at `position`.
    pub fn module_row(&self, site: &Site, position: usize) -> Value {
        self.module_rows[position]
            .get_or_init(|| Value::from(Serde(module_row(&site.modules[position]))))
            .clone()
    }

    /// The rows of the modules at `positions`, in that order.
    pub fn module_rows(&self, site: &Site, positions: impl Iterator<Item = usize>) -> Value {
        let rows: Vec<Value> = positions.map(|i| self.module_row(site, i)).collect();
        Value::from(rows)
    }

    /// The view of the resource with `id`; `None` for an unknown id.
    pub fn resource(&self, site: &Site, id: &str) -> Option<Value> {
        let position = site.catalogue.position(id)?;
        let view = self.resources[position].get_or_init(|| {
            let view = resource_view(site, id);
            Value::from(Serde(view))
        });
        Some(view.clone())
    }

    /// The link of the framework's role `role`.
    pub fn role_link(&self, site: &Site, role: &Role) -> Value {
        site.framework
            .roles
            .iter()
            .position(|r| r.id == role.id)
            .and_then(|i| self.role_links.get(i).cloned())
            .unwrap_or_else(|| Value::from(Serde(role_link(role))))
    }
}
