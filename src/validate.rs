//! Cross-references between modules and the framework.
//!
//! Each file is checked on its own while it is parsed; this stage checks what
//! only the whole site can tell: that every skill, resource and prerequisite a
//! module names exists, that module ids are unique, that prerequisites do not
//! form a cycle, and that every skill is taught by some module.

use crate::content::{ModuleHeader, PageHeader};
use crate::diagnostics::{unknown_id, Diagnostic, Diagnostics, Location};
use crate::framework::{Framework, SKILLS_FILE};
use crate::ids;
use crate::msg;
use crate::resources::Catalogue;
use crate::urls::{media_output_path, static_output_path, PageId};
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::PathBuf;

/// Reports modules that share an id, and returns the set of ids seen once or more.
pub(crate) fn check_unique_ids(
    modules: &[ModuleHeader],
    diagnostics: &mut Diagnostics,
) -> FxHashSet<String> {
    let mut first: FxHashMap<&str, &ModuleHeader> = FxHashMap::default();
    for module in modules {
        if let Some(previous) = first.get(module.id.as_str()) {
            let at = if module.front.id.is_some() {
                module.spots.value("id")
            } else {
                Location::START
            };
            let other = previous.path.display().to_string();
            let message = msg!("module.duplicate-id", id = &module.id, other = other);
            diagnostics.push(Diagnostic::error(&module.path, at, message));
        } else {
            first.insert(&module.id, module);
        }
    }
    first.keys().map(|k| k.to_string()).collect()
}

/// Checks the skills, resources and prerequisites each module names.
/// `unparsed` holds the ids of module files that failed to parse (already reported).
pub(crate) fn check_references(
    modules: &[ModuleHeader],
    unparsed: &FxHashSet<String>,
    framework: &Framework,
    catalogue: &Catalogue,
    diagnostics: &mut Diagnostics,
) {
    let module_ids: Vec<&str> = modules.iter().map(|m| m.id.as_str()).collect();
    let mut known_modules: FxHashSet<&str> = module_ids.iter().copied().collect();
    known_modules.extend(unparsed.iter().map(String::as_str));
    check_framework_ids(modules, framework, catalogue, diagnostics);
    for module in modules {
        let at = |key: &str, index: usize| module.spots.item(key, index);
        for (index, prerequisite) in module.front.prerequisites.iter().enumerate() {
            let place = at("prerequisites", index);
            if prerequisite == &module.id {
                let message = msg!("module.own-prerequisite");
                diagnostics.push(Diagnostic::error(&module.path, place, message));
            } else if !known_modules.contains(prerequisite.as_str()) {
                let known = module_ids.iter().copied();
                let message = unknown_id("module.unknown-prerequisite", prerequisite, known);
                diagnostics.push(Diagnostic::error(&module.path, place, message));
            }
        }
    }
}

/// Checks the skills and resources each module names against the
/// framework and the catalogue; also run on headers that have other
/// problems, so one wrong field does not hide an unknown skill.
pub(crate) fn check_framework_ids(
    modules: &[ModuleHeader],
    framework: &Framework,
    catalogue: &Catalogue,
    diagnostics: &mut Diagnostics,
) {
    for module in modules {
        let at = |key: &str, index: usize| module.spots.item(key, index);
        for (index, skill) in module.front.skills.iter().enumerate() {
            if framework.skill(skill).is_none() {
                let message = unknown_id("module.unknown-skill", skill, framework.skill_ids());
                diagnostics.push(Diagnostic::error(
                    &module.path,
                    at("skills", index),
                    message,
                ));
            }
        }
        for (index, resource) in module.front.resources.iter().enumerate() {
            if catalogue.get(resource).is_none() {
                let message = unknown_id("module.unknown-resource", resource, catalogue.ids());
                diagnostics.push(Diagnostic::error(
                    &module.path,
                    at("resources", index),
                    message,
                ));
            }
        }
    }
}

/// Reports each cycle of prerequisites once, at one of its modules.
pub(crate) fn check_prerequisite_cycles(modules: &[ModuleHeader], diagnostics: &mut Diagnostics) {
    let index: FxHashMap<&str, usize> = modules
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
    let index = last
        .front
        .prerequisites
        .iter()
        .position(|p| p == &modules[target].id)
        .unwrap_or(0);
    let message = msg!("module.prerequisite-cycle", chain = names.join(" → "));
    let at = last.spots.item("prerequisites", index);
    diagnostics.push(Diagnostic::error(&last.path, at, message));
}

/// Warns about skills that no module teaches.
pub(crate) fn check_skill_coverage(
    modules: &[ModuleHeader],
    framework: &Framework,
    diagnostics: &mut Diagnostics,
) {
    let taught: FxHashSet<&str> = modules
        .iter()
        .flat_map(|m| m.front.skills.iter().map(String::as_str))
        .collect();
    for (skill, at) in framework.skills.iter().zip(&framework.skill_locations) {
        if !taught.contains(skill.id.as_str()) {
            let message = msg!("skills.no-module", id = &skill.id, name = &skill.name);
            diagnostics.push(Diagnostic::warning(SKILLS_FILE, *at, message));
        }
    }
}

/// Whether two paths are one name written in two Unicode normalisations
/// (NFC and NFD look alike on screen, so the message must say so).
fn same_name_but_normalisation(a: &std::path::Path, b: &std::path::Path) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let nfc = |p: &std::path::Path| p.to_string_lossy().nfc().collect::<String>();
    nfc(a) == nfc(b)
}

/// "NFC" or "NFD": how a path's name is written.
fn normalisation_of(path: &std::path::Path) -> &'static str {
    match unicode_normalization::is_nfc(&path.to_string_lossy()) {
        true => "NFC",
        false => "NFD",
    }
}

/// Sources whose output folders would be one on Windows, macOS or IIS:
/// the same module id or page slug up to letter case and Unicode
/// normalisation, a page slug equal to a module id's folder, media files
/// or files of `content/static/` that differ only so.
pub(crate) fn check_output_collisions(
    modules: &[ModuleHeader],
    pages: &[PageHeader],
    (media, statics): (&[PathBuf], &[PathBuf]),
    diagnostics: &mut Diagnostics,
) {
    let mut seen: FxHashMap<String, (String, &std::path::Path)> = FxHashMap::default();
    let page = |page: PageId| page.output_path();
    let outputs = modules
        .iter()
        .map(|m| (page(PageId::Module(m.id.clone())), m.path.as_path()))
        .chain(
            pages
                .iter()
                .map(|p| (page(PageId::Page(p.slug.clone())), p.path.as_path())),
        )
        .chain(media.iter().map(|m| (media_output_path(m), m.as_path())))
        .chain(statics.iter().map(|s| (static_output_path(s), s.as_path())));
    for (output, source) in outputs {
        let key = ids::fold(&output);
        match seen.get(key.as_str()) {
            // The same module id twice is check_unique_ids' to report.
            Some((first, _)) if *first == output && output.starts_with("modules/") => {}
            Some((_, first)) if *first != source => {
                let other = first.display();
                let message = match same_name_but_normalisation(first, source) {
                    true => msg!(
                        "content.output-collision-nfd",
                        other = other,
                        output = &output,
                        form = normalisation_of(source)
                    ),
                    false => msg!("content.output-collision", other = other, output = &output),
                };
                diagnostics.push(Diagnostic::error(source, Location::WHOLE, message));
            }
            Some(_) => {}
            None => {
                seen.insert(key, (output, source));
            }
        }
    }
}
