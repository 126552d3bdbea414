//! Which pages an edit touches.
//!
//! A module's own page shows its body; other pages show only its "card"
//! (title, summary, level, duration, skills, number of questions) or its
//! place in a curriculum. A [`SiteShape`] records exactly what other pages
//! show, so comparing the shapes before and after an edit tells which pages
//! must be rendered again: editing a module's text re-renders its own page;
//! editing its title also re-renders the pages that list it (its skills, its
//! roles, the modules that name it as a prerequisite, home, the skill matrix
//! and the progress page). Whatever changes the structure of the site (a
//! module or page added, removed or renamed, a curriculum reordered, a page
//! title in the navigation, media added) re-renders everything.

use crate::content::BodyKind as _;
use crate::render::PageId;
use crate::site::Site;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// What other pages show of one module.
#[derive(Debug, Clone, PartialEq)]
struct ModuleShape {
    path: PathBuf,
    title: String,
    summary: String,
    level: u8,
    duration: Option<u32>,
    skills: Vec<String>,
    prerequisites: Vec<String>,
    resources: Vec<String>,
    updated: Option<String>,
    pass_score: u8,
    question_count: usize,
}

/// What other pages show of a standalone page (the navigation).
#[derive(Debug, Clone, PartialEq)]
struct PageShape {
    slug: String,
    title: String,
    weight: i32,
}

/// The parts of a site that pages show of each other.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SiteShape {
    /// Module id → shape.
    modules: BTreeMap<String, ModuleShape>,
    pages: Vec<PageShape>,
    /// Role id → module ids in study order.
    curricula: BTreeMap<String, Vec<String>>,
    media: Vec<PathBuf>,
    statics: Vec<PathBuf>,
    /// Source path → the page made from it.
    sources: HashMap<PathBuf, PageId>,
}

/// Module id → its number of questions, where a body changed it.
pub(super) type QuestionCounts = Vec<(String, usize)>;

/// The pages to render again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Affected {
    All,
    Pages(BTreeSet<PageId>),
}

impl SiteShape {
    pub(super) fn of(site: &Site) -> SiteShape {
        let modules = site
            .modules
            .iter()
            .map(|m| {
                let shape = ModuleShape {
                    path: m.path.clone(),
                    title: m.title.clone(),
                    summary: m.summary.clone(),
                    level: m.level,
                    duration: m.duration,
                    skills: m.skills.clone(),
                    prerequisites: m.prerequisites.clone(),
                    resources: m.resources.clone(),
                    updated: m.updated.clone(),
                    pass_score: m.pass_score,
                    question_count: m.body.question_count(),
                };
                (m.id.clone(), shape)
            })
            .collect();
        let curricula = site
            .curricula
            .iter()
            .map(|(role, order)| {
                let ids = order.iter().map(|&i| site.modules[i].id.clone()).collect();
                (role.clone(), ids)
            })
            .collect();
        let sources = site
            .modules
            .iter()
            .map(|m| (m.path.clone(), PageId::Module(m.id.clone())))
            .chain(
                site.pages
                    .iter()
                    .map(|p| (p.path.clone(), PageId::Page(p.slug.clone()))),
            )
            .collect();
        SiteShape {
            modules,
            pages: site
                .pages
                .iter()
                .map(|p| PageShape {
                    slug: p.slug.clone(),
                    title: p.title.clone(),
                    weight: p.weight,
                })
                .collect(),
            curricula,
            media: site.media.clone(),
            statics: site.statics.clone(),
            sources,
        }
    }

    /// The page made from the source file at `path`, if any.
    pub(super) fn page_of(&self, path: &Path) -> Option<&PageId> {
        self.sources.get(path)
    }

    /// Whether a file (relative to the site root) was one of the site's sources.
    pub(super) fn has_source(&self, path: &Path) -> bool {
        self.sources.contains_key(path)
            || self.media.iter().any(|m| m == path)
            || self.statics.iter().any(|s| s == path)
    }

    /// Whether the site makes the same output paths from the same sources
    /// (with the same framework and theme): pages of the same modules and
    /// pages, the same media and static files.
    pub(super) fn same_outputs(&self, other: &SiteShape) -> bool {
        self.sources == other.sources && self.media == other.media && self.statics == other.statics
    }

    /// Whether pages link to the same set of pages and files.
    fn same_structure(&self, other: &SiteShape) -> bool {
        self.modules.keys().eq(other.modules.keys())
            && self.pages == other.pages
            && self.curricula == other.curricula
            && self.media == other.media
            && self.statics == other.statics
    }

    /// The pages to render again for new bodies of the modules made from
    /// `paths`, when nothing else of the site changed (the shape shows only
    /// their question counts), and those counts for [`Self::count_questions`].
    /// `None` if a path is not the source of a module of `site`.
    pub(super) fn body_pages(
        &self,
        site: &Site,
        paths: &[PathBuf],
    ) -> Option<(BTreeSet<PageId>, QuestionCounts)> {
        let mut pages = BTreeSet::new();
        let mut counts = Vec::new();
        for path in paths {
            let Some(PageId::Module(id)) = self.sources.get(path) else {
                return None;
            };
            let module = site.module(id).filter(|m| &m.path == path)?;
            let before = self.modules.get(id)?;
            pages.insert(PageId::Module(id.clone()));
            let count = module.body.question_count();
            if before.question_count != count {
                let after = ModuleShape {
                    question_count: count,
                    ..before.clone()
                };
                pages.extend(self.showing(id, before, &after));
                counts.push((id.clone(), count));
            }
        }
        Some((pages, counts))
    }

    /// Takes in the question counts [`Self::body_pages`] found.
    pub(super) fn count_questions(&mut self, counts: QuestionCounts) {
        for (id, count) in counts {
            if let Some(shape) = self.modules.get_mut(&id) {
                shape.question_count = count;
            }
        }
    }

    /// The pages that show module `id`, whose shape changed from `before`
    /// to `after` (this shape having the new one).
    fn showing(&self, id: &str, before: &ModuleShape, after: &ModuleShape) -> BTreeSet<PageId> {
        let mut pages = BTreeSet::from([
            PageId::Module(id.to_string()),
            PageId::Home,
            PageId::SkillMatrix,
            PageId::Progress,
            PageId::Modules,
        ]);
        for role in self.roles_of(id) {
            pages.insert(PageId::Role(role.clone()));
            pages.insert(PageId::Certificate(role.clone()));
        }
        // The modules before and after it in a curriculum name it in their pager.
        pages.extend(self.neighbours(id).map(|m| PageId::Module(m.clone())));
        pages.extend(
            before
                .skills
                .iter()
                .chain(&after.skills)
                .map(|s| PageId::Skill(s.clone())),
        );
        pages.extend(
            self.modules
                .iter()
                .filter(|(_, m)| m.prerequisites.iter().any(|p| p == id))
                .map(|(other, _)| PageId::Module(other.clone())),
        );
        pages
    }

    /// The modules just before and after a module in any curriculum.
    fn neighbours<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        self.curricula.values().flat_map(move |ids| {
            let at = ids.iter().position(|m| m == id);
            let before = at.and_then(|i| i.checked_sub(1)).and_then(|i| ids.get(i));
            let after = at.and_then(|i| ids.get(i + 1));
            before.into_iter().chain(after)
        })
    }

    /// The roles whose curriculum includes a module.
    fn roles_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        self.curricula
            .iter()
            .filter(move |(_, ids)| ids.iter().any(|m| m == id))
            .map(|(role, _)| role)
    }
}

/// The pages to render again after an edit, given the shapes before and
/// after it and the source files whose text changed.
pub(super) fn affected(old: &SiteShape, new: &SiteShape, changed: &BTreeSet<PathBuf>) -> Affected {
    if !old.same_structure(new) {
        return Affected::All;
    }
    let mut pages: BTreeSet<PageId> = changed
        .iter()
        .filter_map(|path| new.sources.get(path).cloned())
        .collect();
    for (id, shape) in &new.modules {
        let before = &old.modules[id];
        if before != shape {
            pages.extend(new.showing(id, before, shape));
        }
    }
    Affected::Pages(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(title: &str, skills: &[&str], prerequisites: &[&str]) -> ModuleShape {
        ModuleShape {
            path: PathBuf::from(format!("content/modules/{title}.md")),
            title: title.into(),
            summary: String::new(),
            level: 1,
            duration: Some(30),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            prerequisites: prerequisites.iter().map(|s| s.to_string()).collect(),
            resources: Vec::new(),
            updated: None,
            pass_score: 80,
            question_count: 1,
        }
    }

    /// Modules a (skill s1), b (skill s2, after a); role r studies both.
    fn shape() -> SiteShape {
        let modules = BTreeMap::from([
            ("a".to_string(), module("a", &["s1"], &[])),
            ("b".to_string(), module("b", &["s2"], &["a"])),
        ]);
        let sources = modules
            .iter()
            .map(|(id, m)| (m.path.clone(), PageId::Module(id.clone())))
            .collect();
        SiteShape {
            modules,
            pages: Vec::new(),
            curricula: BTreeMap::from([("r".to_string(), vec!["a".into(), "b".into()])]),
            media: Vec::new(),
            statics: Vec::new(),
            sources,
        }
    }

    fn pages(affected: Affected) -> BTreeSet<PageId> {
        match affected {
            Affected::Pages(pages) => pages,
            Affected::All => panic!("expected some pages, got all"),
        }
    }

    #[test]
    fn a_body_edit_renders_only_its_own_page() {
        let old = shape();
        let changed = BTreeSet::from([PathBuf::from("content/modules/b.md")]);
        assert_eq!(
            pages(affected(&old, &old.clone(), &changed)),
            BTreeSet::from([PageId::Module("b".into())])
        );
    }

    #[test]
    fn a_title_edit_renders_every_page_that_lists_the_module() {
        let old = shape();
        let mut new = old.clone();
        new.modules.get_mut("a").unwrap().title = "A2".into();
        let changed = BTreeSet::from([PathBuf::from("content/modules/a.md")]);
        assert_eq!(
            pages(affected(&old, &new, &changed)),
            BTreeSet::from([
                PageId::Home,
                PageId::Role("r".into()),
                PageId::Certificate("r".into()),
                PageId::Module("a".into()),
                PageId::Module("b".into()),
                PageId::Modules,
                PageId::SkillMatrix,
                PageId::Skill("s1".into()),
                PageId::Progress,
            ])
        );
    }

    #[test]
    fn moving_a_module_to_another_skill_renders_both_skill_pages() {
        let old = shape();
        let mut new = old.clone();
        new.modules.get_mut("b").unwrap().skills = vec!["s3".into()];
        let found = pages(affected(&old, &new, &BTreeSet::new()));
        assert!(found.contains(&PageId::Skill("s2".into())));
        assert!(found.contains(&PageId::Skill("s3".into())));
        assert!(!found.contains(&PageId::Skill("s1".into())));
    }

    #[test]
    fn structural_changes_render_everything() {
        let old = shape();
        let mut added = old.clone();
        added.modules.insert("c".into(), module("c", &["s1"], &[]));
        assert_eq!(affected(&old, &added, &BTreeSet::new()), Affected::All);
        let mut reordered = old.clone();
        reordered
            .curricula
            .insert("r".into(), vec!["b".into(), "a".into()]);
        assert_eq!(affected(&old, &reordered, &BTreeSet::new()), Affected::All);
        let mut nav = old.clone();
        nav.pages.push(PageShape {
            slug: "guide".into(),
            title: "Guide".into(),
            weight: 0,
        });
        assert_eq!(affected(&old, &nav, &BTreeSet::new()), Affected::All);
    }
}
