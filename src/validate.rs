//! Cross-references between modules and the framework.
//!
//! Each file is checked on its own while it is parsed; this stage checks what
//! only the whole site can tell: that every skill, resource and prerequisite a
//! module names exists, that module ids are unique, that prerequisites do not
//! form a cycle, and that every skill is taught by some module.

use crate::content::ModuleHeader;
use crate::diagnostics::{unknown_id_message, Diagnostic, Diagnostics, Location};
use crate::framework::{Framework, SKILLS_FILE};
use crate::resources::Catalogue;
use crate::source::SourceText;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Reports modules that share an id, and returns the set of ids seen once or more.
pub fn check_unique_ids(
    modules: &[ModuleHeader],
    diagnostics: &mut Diagnostics,
) -> HashSet<String> {
    let mut first: HashMap<&str, &ModuleHeader> = HashMap::new();
    for module in modules {
        if let Some(previous) = first.get(module.id.as_str()) {
            let at = if module.front.id.is_some() {
                module.locate("id:")
            } else {
                Location::START
            };
            diagnostics.push(
                Diagnostic::error(&module.path, at, format!("duplicate module id \"{}\"", module.id)).with_hint(format!(
                    "{} has the same id; rename one file or set a different `id:` in its front matter",
                    previous.path.display()
                )),
            );
        } else {
            first.insert(&module.id, module);
        }
    }
    first.keys().map(|k| k.to_string()).collect()
}

/// Checks the skills, resources and prerequisites each module names.
/// `unparsed` holds the ids of module files that failed to parse (already reported).
pub fn check_references(
    modules: &[ModuleHeader],
    unparsed: &HashSet<String>,
    framework: &Framework,
    catalogue: &Catalogue,
    diagnostics: &mut Diagnostics,
) {
    let module_ids: Vec<&str> = modules.iter().map(|m| m.id.as_str()).collect();
    let mut known_modules: HashSet<&str> = module_ids.iter().copied().collect();
    known_modules.extend(unparsed.iter().map(String::as_str));
    for module in modules {
        for skill in &module.front.skills {
            if framework.skill(skill).is_none() {
                let message = unknown_id_message("skill", skill, framework.skill_ids());
                diagnostics.push(
                    Diagnostic::error(&module.path, module.locate(skill), message)
                        .with_hint("skills are defined in content/skills.yaml"),
                );
            }
        }
        for resource in &module.front.resources {
            if catalogue.get(resource).is_none() {
                let message = unknown_id_message("resource", resource, catalogue.ids());
                diagnostics.push(
                    Diagnostic::error(&module.path, module.locate(resource), message)
                        .with_hint("resources are defined in content/resources.yaml"),
                );
            }
        }
        for prerequisite in &module.front.prerequisites {
            if prerequisite == &module.id {
                diagnostics.push(Diagnostic::error(
                    &module.path,
                    module.locate(prerequisite),
                    "a module cannot be its own prerequisite",
                ));
            } else if !known_modules.contains(prerequisite.as_str()) {
                let message =
                    unknown_id_message("module", prerequisite, module_ids.iter().copied());
                diagnostics.push(
                    Diagnostic::error(&module.path, module.locate(prerequisite), message)
                        .with_hint("prerequisites are module ids: the file name without .md, or the module's `id:`"),
                );
            }
        }
    }
}

/// Reports each cycle of prerequisites once, at one of its modules.
pub fn check_prerequisite_cycles(modules: &[ModuleHeader], diagnostics: &mut Diagnostics) {
    let index: HashMap<&str, usize> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = modules
        .iter()
        .map(|m| {
            m.front
                .prerequisites
                .iter()
                .filter_map(|p| index.get(p.as_str()).copied())
                .collect()
        })
        .collect();
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; modules.len()];
    for start in 0..modules.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&target) = edges[node].get(*next) {
                *next += 1;
                match state[target] {
                    0 => {
                        state[target] = 1;
                        stack.push((target, 0));
                    }
                    1 => report_cycle(modules, &stack, target, diagnostics),
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
}

fn report_cycle(
    modules: &[ModuleHeader],
    stack: &[(usize, usize)],
    target: usize,
    diagnostics: &mut Diagnostics,
) {
    let from = stack.iter().position(|(n, _)| *n == target).unwrap_or(0);
    let mut names: Vec<&str> = stack[from..]
        .iter()
        .map(|(n, _)| modules[*n].id.as_str())
        .collect();
    names.push(&modules[target].id);
    let last = &modules[stack[stack.len() - 1].0];
    diagnostics.push(
        Diagnostic::error(
            &last.path,
            last.locate(&modules[target].id),
            format!("prerequisites form a cycle: {}", names.join(" → ")),
        )
        .with_hint("remove one of these prerequisites"),
    );
}

/// Warns about skills that no module teaches.
pub fn check_skill_coverage(
    modules: &[ModuleHeader],
    framework: &Framework,
    skills_text: &str,
    diagnostics: &mut Diagnostics,
) {
    let taught: HashSet<&str> = modules
        .iter()
        .flat_map(|m| m.front.skills.iter().map(String::as_str))
        .collect();
    let source = SourceText::new(Path::new(SKILLS_FILE), skills_text);
    for skill in &framework.skills {
        if !taught.contains(skill.id.as_str()) {
            diagnostics.push(
                Diagnostic::warning(
                    SKILLS_FILE,
                    source.find_id(&skill.id),
                    format!("skill \"{}\" ({}) has no module", skill.id, skill.name),
                )
                .with_hint(format!(
                    "write a module with `skills: [{}]` (kenshu new module …)",
                    skill.id
                )),
            );
        }
    }
}
