//! The study order of each role's modules.
//!
//! A role's curriculum is every module that trains one of the role's skills
//! (own or inherited). Modules are ordered by level, then so that each comes
//! after its prerequisites, then by the category and skill order of the
//! framework, then by id: a stable topological sort, the same on every build.

use crate::framework::Framework;
use rustc_hash::{FxHashMap, FxHashSet};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What the curriculum needs to know about a module.
pub(crate) struct ModuleKey<'a> {
    pub id: &'a str,
    pub level: u8,
    pub skills: &'a [String],
    pub prerequisites: &'a [String],
}

/// Module positions (indexes into `modules`) in study order for one role.
pub(crate) fn study_order(role: &str, framework: &Framework, modules: &[ModuleKey]) -> Vec<usize> {
    let role_skills: FxHashSet<&str> = framework
        .skills_of_role(role)
        .iter()
        .map(|(s, _)| s.as_str())
        .collect();
    let members: Vec<usize> = (0..modules.len())
        .filter(|&i| {
            modules[i]
                .skills
                .iter()
                .any(|s| role_skills.contains(s.as_str()))
        })
        .collect();
    let sort_key = |i: usize| {
        let m = &modules[i];
        let rank = m
            .skills
            .iter()
            .filter(|s| role_skills.contains(s.as_str()))
            .map(|s| framework.skill_rank(s))
            .min();
        (m.level, rank.unwrap_or((usize::MAX, usize::MAX)), m.id)
    };
    let position: FxHashMap<&str, usize> = members.iter().map(|&i| (modules[i].id, i)).collect();
    // Indexed by module position: how many prerequisites each member still
    // waits on, and the members each one unlocks.
    let mut waiting_on = vec![0usize; modules.len()];
    let mut unlocks: Vec<Vec<usize>> = vec![Vec::new(); modules.len()];
    for &i in &members {
        let mut prerequisites: Vec<usize> = modules[i]
            .prerequisites
            .iter()
            .filter_map(|p| position.get(p.as_str()).copied())
            .filter(|&p| p != i)
            .collect();
        prerequisites.sort_unstable();
        prerequisites.dedup();
        waiting_on[i] = prerequisites.len();
        for p in prerequisites {
            unlocks[p].push(i);
        }
    }
    let mut ready: BinaryHeap<Reverse<(_, usize)>> = members
        .iter()
        .filter(|&&i| waiting_on[i] == 0)
        .map(|&i| Reverse((sort_key(i), i)))
        .collect();
    let mut order = Vec::with_capacity(members.len());
    while let Some(Reverse((_, i))) = ready.pop() {
        order.push(i);
        for &next in &unlocks[i] {
            waiting_on[next] -= 1;
            if waiting_on[next] == 0 {
                ready.push(Reverse((sort_key(next), next)));
            }
        }
    }
    // Modules caught in a prerequisite cycle (already reported) go last, in key order.
    if order.len() < members.len() {
        let mut placed = vec![false; modules.len()];
        order.iter().for_each(|&i| placed[i] = true);
        let mut rest: Vec<usize> = members.into_iter().filter(|&i| !placed[i]).collect();
        rest.sort_by_key(|&i| sort_key(i));
        order.extend(rest);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;

    #[test]
    fn prerequisites_come_first_then_level_then_skill_order() {
        let text = "categories: [{id: c, name: C}]\nskills: [{id: a, name: A, category: c}, {id: b, name: B, category: c}]\nroles: [{id: r, name: R, skills: [a, b]}]\n";
        let framework = Framework::parse(text, &mut Diagnostics::new()).unwrap();
        let (a, b) = (vec!["a".to_string()], vec!["b".to_string()]);
        let needs_z = vec!["z".to_string()];
        let none: Vec<String> = Vec::new();
        let modules = [
            ModuleKey {
                id: "x",
                level: 1,
                skills: &b,
                prerequisites: &none,
            },
            ModuleKey {
                id: "y",
                level: 1,
                skills: &a,
                prerequisites: &needs_z,
            },
            ModuleKey {
                id: "z",
                level: 2,
                skills: &a,
                prerequisites: &none,
            },
            ModuleKey {
                id: "w",
                level: 1,
                skills: &a,
                prerequisites: &none,
            },
        ];
        let order: Vec<&str> = study_order("r", &framework, &modules)
            .into_iter()
            .map(|i| modules[i].id)
            .collect();
        assert_eq!(order, ["w", "x", "z", "y"]);
    }
}
