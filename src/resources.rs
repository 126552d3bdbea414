//! `content/resources.yaml`: outside learning resources.
//!
//! Training courses, e-learning portals, exams and skill standards offered by
//! other bodies (J-LIS, IPA, JMOOC…). Modules cite them by id; the portal
//! lists them in a catalogue grouped by provider.

use crate::diagnostics::{unknown_id_message, Diagnostic, Diagnostics};
use crate::framework::{is_valid_id, Framework};
use crate::source::{parse_yaml, SourceText};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

pub const RESOURCES_FILE: &str = "content/resources.yaml";

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
    index: HashMap<String, usize>,
}

impl Catalogue {
    pub fn get(&self, id: &str) -> Option<&Resource> {
        self.index.get(id).map(|&i| &self.resources[i])
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.resources.iter().map(|r| r.id.as_str())
    }

    /// Parses resources.yaml (a missing file is an empty catalogue).
    pub fn parse(text: &str, framework: &Framework, diagnostics: &mut Diagnostics) -> Catalogue {
        let path = Path::new(RESOURCES_FILE);
        let source = SourceText::new(path, text);
        let resources: Vec<Resource> = if text.trim().is_empty() {
            Vec::new()
        } else {
            match parse_yaml(&source) {
                Ok(list) => list,
                Err(d) => {
                    diagnostics.push(d);
                    return Catalogue::default();
                }
            }
        };
        let mut catalogue = Catalogue {
            resources,
            index: HashMap::new(),
        };
        for (position, resource) in catalogue.resources.iter().enumerate() {
            check_resource(resource, &source, framework, diagnostics);
            if catalogue
                .index
                .insert(resource.id.clone(), position)
                .is_some()
            {
                let first = source.find_id(&resource.id);
                let at = source.find_from(first.line + 1, &format!("id: {}", resource.id));
                diagnostics.push(Diagnostic::error(
                    path,
                    at,
                    format!("duplicate resource id \"{}\"", resource.id),
                ));
            }
        }
        catalogue
    }
}

fn check_resource(
    resource: &Resource,
    source: &SourceText,
    framework: &Framework,
    diagnostics: &mut Diagnostics,
) {
    let entry = source.find_id(&resource.id);
    if !is_valid_id(&resource.id) {
        diagnostics.push(
            Diagnostic::error(
                source.path,
                entry,
                format!("resource id \"{}\" is not valid", resource.id),
            )
            .with_hint("ids use lowercase ASCII letters, digits and hyphens"),
        );
    }
    if !(resource.url.starts_with("https://") || resource.url.starts_with("http://")) {
        diagnostics.push(
            Diagnostic::error(
                source.path,
                source.find_in_entry(entry, "url"),
                format!("url \"{}\" is not an http(s) address", resource.url),
            )
            .with_hint("write the full address, e.g. https://www.j-lis.go.jp/"),
        );
    }
    for skill in &resource.skills {
        if framework.skill(skill).is_none() {
            let message = unknown_id_message("skill", skill, framework.skill_ids());
            diagnostics.push(Diagnostic::error(
                source.path,
                source.find_in_entry(entry, skill),
                message,
            ));
        }
    }
    for role in &resource.roles {
        if framework.role(role).is_none() {
            let message = unknown_id_message("role", role, framework.role_ids());
            diagnostics.push(Diagnostic::error(
                source.path,
                source.find_in_entry(entry, role),
                message,
            ));
        }
    }
}
