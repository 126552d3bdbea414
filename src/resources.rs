//! `content/resources.yaml`: outside learning resources.
//!
//! Training courses, e-learning portals, exams and skill standards offered by
//! other bodies (J-LIS, IPA, JMOOC…). Modules cite them by id; the portal
//! lists them in a catalogue grouped by provider.

use crate::diagnostics::{unknown_id, Diagnostic, Diagnostics};
use crate::framework::Framework;
use crate::ids;
use crate::msg;
use crate::source::SourceText;
use crate::yaml::{self, Spots};
use rustc_hash::FxHashMap;
use serde::Deserialize;
use std::path::Path;

pub(crate) const RESOURCES_FILE: &str = "content/resources.yaml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub id: String,
    pub title: String,
    pub provider: String,
    pub url: String,
    /// 研修, eラーニング, 資格試験… shown as a label.
    pub kind: String,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub description: String,
}

/// The catalogue, indexed by id.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub resources: Vec<Resource>,
    index: FxHashMap<String, usize>,
}

impl Catalogue {
    pub fn get(&self, id: &str) -> Option<&Resource> {
        self.index.get(id).map(|&i| &self.resources[i])
    }

    /// Where the resource `id` is in [`Catalogue::resources`].
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.resources.iter().map(|r| r.id.as_str())
    }

    /// Parses resources.yaml (a missing file is an empty catalogue);
    /// every entry is checked on its own.
    pub fn parse(text: &str, framework: &Framework, diagnostics: &mut Diagnostics) -> Catalogue {
        let path = Path::new(RESOURCES_FILE);
        let source = SourceText::new(path, text);
        let mut problems = Vec::new();
        let entries: Vec<(Resource, Spots)> = match yaml::parse(&source, true) {
            Ok(node) => yaml::entries(&source, &node, &mut problems),
            Err(found) => {
                problems = found;
                Vec::new()
            }
        };
        let mut catalogue = Catalogue::default();
        let mut first_spot: FxHashMap<String, Spots> = FxHashMap::default();
        for (resource, spots) in entries {
            check_resource(&resource, &spots, &source, framework, &mut problems);
            if let Some(first) = first_spot.get(&resource.id) {
                problems.push(Diagnostic::error(
                    path,
                    spots.value("id"),
                    msg!(
                        "resource.duplicate-id",
                        id = &resource.id,
                        line = first.value("id").line
                    ),
                ));
                continue;
            }
            first_spot.insert(resource.id.clone(), spots);
            let position = catalogue.resources.len();
            catalogue.index.insert(resource.id.clone(), position);
            catalogue.resources.push(resource);
        }
        problems.into_iter().for_each(|d| diagnostics.push(d));
        catalogue
    }
}

fn check_resource(
    resource: &Resource,
    spots: &Spots,
    source: &SourceText,
    framework: &Framework,
    problems: &mut Vec<Diagnostic>,
) {
    let path = source.path;
    if let Err(problem) = ids::check(&resource.id) {
        let message = problem.explain(msg!("resource.bad-id", id = &resource.id));
        problems.push(Diagnostic::error(path, spots.value("id"), message));
    }
    if !(resource.url.starts_with("https://") || resource.url.starts_with("http://")) {
        let message = msg!("resource.bad-url", url = &resource.url);
        problems.push(Diagnostic::error(path, spots.value("url"), message));
    }
    for (index, skill) in resource.skills.iter().enumerate() {
        if framework.skill(skill).is_none() {
            let message = unknown_id("resource.unknown-skill", skill, framework.skill_ids());
            problems.push(Diagnostic::error(
                path,
                spots.item("skills", index),
                message,
            ));
        }
    }
    for (index, role) in resource.roles.iter().enumerate() {
        if framework.role(role).is_none() {
            let message = unknown_id("resource.unknown-role", role, framework.role_ids());
            problems.push(Diagnostic::error(path, spots.item("roles", index), message));
        }
    }
}
