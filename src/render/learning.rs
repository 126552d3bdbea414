//! What the learner's path needs: each role's study order as data for the
//! browser (`assets/curricula.js`), the previous and next module of a module
//! page along each curriculum, the modules index and the certificate page.
//!
//! The study orders are computed once, in Rust (`crate::curriculum`); the
//! scripts only read them.

use super::views::{joined_ids, module_link, Link, ViewCache};
use crate::framework::Role;
use crate::output::OutputFile;
use crate::site::Site;
use crate::urls;
use minijinja::value::Serde;
use minijinja::{context, Value};
use serde::Serialize;

// The keys of `assets/curricula.js` are written in the order of these
// fields: alphabetical, as they were when the file went through
// `serde_json::Value` (whose maps sort their keys).

#[derive(Serialize)]
struct StepData<'a> {
    level: u8,
    modules: Vec<&'a str>,
    name: &'a str,
}

#[derive(Serialize)]
struct RoleData<'a> {
    certificate_url: String,
    id: &'a str,
    modules: Vec<&'a str>,
    name: &'a str,
    steps: Vec<StepData<'a>>,
    url: String,
}

#[derive(Serialize)]
struct CurriculaData<'a> {
    modules: Vec<Link<'a>>,
    roles: Vec<RoleData<'a>>,
}

/// The curriculum of a role as module positions (empty for an unknown role).
fn curriculum<'a>(site: &'a Site, role: &str) -> &'a [usize] {
    site.curricula.get(role).map(Vec::as_slice).unwrap_or(&[])
}

/// Where [`curricula_script`] goes.
pub(super) const CURRICULA_SCRIPT: &str = "assets/curricula.js";

/// `assets/curricula.js`: `window.KENSHU_CURRICULA = {roles, modules}`, the
/// study order of every role (and of its steps) and each module's title and
/// URL, for the home page's 「続きから」, the progress page and the review.
pub(super) fn curricula_script(site: &Site) -> OutputFile {
    let roles: Vec<RoleData> = site
        .framework
        .roles
        .iter()
        .map(|role| {
            let order = curriculum(site, &role.id);
            let ids = |max: u8| -> Vec<&str> {
                order
                    .iter()
                    .map(|&i| &site.modules[i])
                    .filter(|m| m.level <= max)
                    .map(|m| m.id.as_str())
                    .collect()
            };
            RoleData {
                certificate_url: urls::certificate_href(&role.id),
                id: &role.id,
                modules: ids(u8::MAX),
                name: &role.name,
                url: urls::role_href(&role.id),
                steps: role
                    .steps
                    .iter()
                    .filter_map(|s| {
                        s.level.map(|level| StepData {
                            level,
                            modules: ids(level),
                            name: &s.name,
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    let data = CurriculaData {
        modules: site.modules.iter().map(module_link).collect(),
        roles,
    };
    // Written straight from the structs: going through a `serde_json::Value`
    // first took a core 25 ms at 10,000 modules.
    let mut script = b"window.KENSHU_CURRICULA = ".to_vec();
    // Strings and numbers written into a Vec: this cannot fail.
    let _ = serde_json::to_writer(&mut script, &data);
    script.extend_from_slice(b";\n");
    OutputFile::bytes(CURRICULA_SCRIPT, script)
}

/// A module's place in one curriculum, for the pager of its page: the
/// neighbours are module positions.
pub(super) struct Pager<'a> {
    role: &'a Role,
    position: usize,
    total: usize,
    previous: Option<usize>,
    next: Option<usize>,
}

/// For each role: every module's place in its curriculum (by module
/// position; `usize::MAX` when not in it), made once per render so that a
/// module page finds its neighbours without searching the curricula.
pub(super) struct Places(rustc_hash::FxHashMap<String, Vec<usize>>);

impl Places {
    pub(super) fn new(site: &Site) -> Places {
        let places = site
            .curricula
            .iter()
            .map(|(role, order)| {
                let mut at = vec![usize::MAX; site.modules.len()];
                for (place, &module) in order.iter().enumerate() {
                    at[module] = place;
                }
                (role.clone(), at)
            })
            .collect();
        Places(places)
    }

    fn of(&self, role: &str, module: usize) -> Option<usize> {
        let place = *self.0.get(role)?.get(module)?;
        (place != usize::MAX).then_some(place)
    }
}

/// The previous and next module along each curriculum that has the module.
pub(super) fn pagers<'a>(site: &'a Site, places: &Places, position: usize) -> Vec<Pager<'a>> {
    site.module_roles[position]
        .iter()
        .filter_map(|id| site.framework.role(id))
        .filter_map(|role| {
            let order = curriculum(site, &role.id);
            let at = places.of(&role.id, position)?;
            Some(Pager {
                role,
                position: at + 1,
                total: order.len(),
                previous: at.checked_sub(1).map(|p| order[p]),
                next: order.get(at + 1).copied(),
            })
        })
        .collect()
}

/// The pagers as template values: `role`, `position`, `total`, and the
/// `previous` and `next` module links (none at either end).
pub(super) fn pager_values(site: &Site, views: &ViewCache, pagers: &[Pager]) -> Value {
    let link = |i: Option<usize>| i.map(|i| views.module_link(site, i));
    let values: Vec<Value> = pagers
        .iter()
        .map(|p| {
            context! {
                role => views.role_link(site, p.role),
                position => p.position,
                total => p.total,
                previous => link(p.previous),
                next => link(p.next),
            }
        })
        .collect();
    Value::from(values)
}

#[derive(Serialize)]
struct IndexRow<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    level: u8,
    duration: Option<u32>,
    /// Category ids of its skills, joined by spaces.
    categories: String,
    /// Ids of the roles whose curriculum has it, joined by spaces.
    roles: String,
}

#[derive(Serialize)]
struct Choice<'a> {
    id: &'a str,
    name: &'a str,
}

/// The modules index: every module with what its filters read.
pub(super) fn modules_index(site: &Site) -> Value {
    let rows: Vec<IndexRow> = site
        .modules
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut categories: Vec<&str> = m
                .skills
                .iter()
                .filter_map(|s| site.framework.skill(s))
                .map(|s| s.category.as_str())
                .collect();
            categories.sort_unstable();
            categories.dedup();
            IndexRow {
                id: &m.id,
                title: &m.title,
                url: urls::module_href(&m.id),
                level: m.level,
                duration: m.duration,
                categories: categories.join(" "),
                roles: site.module_roles[i].join(" "),
            }
        })
        .collect();
    let categories: Vec<Choice> = site
        .framework
        .categories
        .iter()
        .map(|c| Choice {
            id: &c.id,
            name: &c.name,
        })
        .collect();
    let roles: Vec<Choice> = site
        .framework
        .roles
        .iter()
        .map(|r| Choice {
            id: &r.id,
            name: &r.name,
        })
        .collect();
    context! {
        modules => Serde(rows),
        categories => Serde(categories),
        filter_roles => Serde(roles),
    }
}

#[derive(Serialize)]
struct CertificateStep<'a> {
    name: &'a str,
    level: u8,
}

/// The certificate page of a role: its curriculum, filled in by the script.
pub(super) fn certificate(site: &Site, id: &str) -> Value {
    let Some(role) = site.framework.role(id) else {
        return context! {};
    };
    let order = curriculum(site, id);
    let modules: Vec<Value> = order
        .iter()
        .map(|&i| {
            let m = &site.modules[i];
            context! { id => &m.id, title => &m.title, level => m.level }
        })
        .collect();
    let steps: Vec<CertificateStep> = role
        .steps
        .iter()
        .filter_map(|s| {
            s.level.map(|level| CertificateStep {
                name: &s.name,
                level,
            })
        })
        .collect();
    context! {
        role => context! { id => &role.id, name => &role.name, url => urls::role_href(&role.id) },
        modules,
        module_ids => joined_ids(order.iter().map(|&i| &site.modules[i])),
        steps => Serde(steps),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{load_site, LoadOptions};
    use std::path::Path;

    fn shipped() -> Site {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (site, diagnostics) = load_site(root, LoadOptions::default());
        site.unwrap_or_else(|| panic!("shipped site: {diagnostics:?}"))
    }

    #[test]
    fn pagers_follow_each_study_order() {
        let site = shipped();
        let places = Places::new(&site);
        for (role, order) in &site.curricula {
            for (at, &module) in order.iter().enumerate() {
                let pagers = pagers(&site, &places, module);
                let pager = pagers.iter().find(|p| &p.role.id == role).expect("pager");
                assert_eq!(pager.position, at + 1);
                assert_eq!(pager.total, order.len());
                let id = |i: usize| site.modules[i].id.as_str();
                let previous = at.checked_sub(1).map(|p| id(order[p]));
                assert_eq!(pager.previous.map(id), previous);
                let next = order.get(at + 1).map(|&n| id(n));
                assert_eq!(pager.next.map(id), next);
            }
        }
    }

    #[test]
    fn the_curricula_script_holds_every_study_order() {
        let site = shipped();
        let file = curricula_script(&site);
        let super::super::Contents::Bytes(bytes) = file.contents else {
            panic!("curricula.js is made, not copied");
        };
        let text = String::from_utf8(bytes).expect("UTF-8");
        let json = text
            .strip_prefix("window.KENSHU_CURRICULA = ")
            .and_then(|t| t.strip_suffix(";\n"))
            .expect("one assignment");
        let data: serde_json::Value = serde_json::from_str(json).expect("JSON");
        for role in data["roles"].as_array().expect("roles") {
            let id = role["id"].as_str().expect("id");
            let expected: Vec<&str> = site.curricula[id]
                .iter()
                .map(|&i| site.modules[i].id.as_str())
                .collect();
            let found: Vec<&str> = role["modules"]
                .as_array()
                .expect("modules")
                .iter()
                .filter_map(|m| m.as_str())
                .collect();
            assert_eq!(found, expected, "{id}");
        }
        assert_eq!(
            data["modules"].as_array().map(Vec::len),
            Some(site.modules.len())
        );
    }
}
