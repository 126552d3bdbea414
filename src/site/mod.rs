//! The whole site, loaded and checked: the input of rendering.
//!
//! [`load_site`] runs the loading stages in order — configuration, framework,
//! resources, module and page headers, bodies, cross-references, curricula —
//! and returns the [`Site`] together with every diagnostic found. Loading does
//! no writing; the returned site is immutable data that rendering reads.
//! [`load_outline`] runs the same stages for `kenshu check` and the records
//! tools: the same diagnostics, with each body an [`Outline`] instead of HTML.

mod cache;
mod documents;

pub use cache::LoadCache;

use crate::config::{missing_file, SiteConfig, SITE_FILE};
use crate::content::{self, Body, ContentFiles, Outline};
use crate::curriculum::{self, ModuleKey};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::framework::{Framework, SKILLS_FILE};
use crate::msg;
use crate::resources::{Catalogue, RESOURCES_FILE};
use crate::source;
use documents::Loader;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// A training module, ready to render.
#[derive(Debug, Clone)]
pub struct Module<B = Body> {
    pub id: String,
    pub path: PathBuf,
    pub title: String,
    pub summary: String,
    pub skills: Vec<String>,
    pub level: u8,
    pub duration: Option<u32>,
    pub resources: Vec<String>,
    pub prerequisites: Vec<String>,
    pub pass_score: u8,
    pub updated: Option<String>,
    /// Questions asked per attempt when fewer than the module has (`draw:`).
    pub draw: Option<usize>,
    pub body: B,
}

impl<B> Module<B> {
    fn map_body<C>(self, f: impl FnOnce(B) -> C) -> Module<C> {
        Module {
            body: f(self.body),
            id: self.id,
            path: self.path,
            title: self.title,
            summary: self.summary,
            skills: self.skills,
            level: self.level,
            duration: self.duration,
            resources: self.resources,
            prerequisites: self.prerequisites,
            pass_score: self.pass_score,
            updated: self.updated,
            draw: self.draw,
        }
    }
}

/// A standalone page (content/pages/<slug>.md → <slug>/).
#[derive(Debug, Clone)]
pub struct Page<B = Body> {
    pub slug: String,
    pub path: PathBuf,
    pub title: String,
    pub summary: String,
    pub weight: i32,
    pub body: B,
}

impl<B> Page<B> {
    fn map_body<C>(self, f: impl FnOnce(B) -> C) -> Page<C> {
        Page {
            body: f(self.body),
            slug: self.slug,
            path: self.path,
            title: self.title,
            summary: self.summary,
            weight: self.weight,
        }
    }
}

/// Options that change what is loaded.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Include modules marked `draft: true`.
    pub drafts: bool,
}

/// A loaded site: every module and page with its body — rendered
/// ([`Body`], the default) or outlined ([`Outline`], for checks).
#[derive(Debug, Clone)]
pub struct Site<B = Body> {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub framework: Framework,
    pub catalogue: Catalogue,
    /// Sorted by id.
    pub modules: Vec<Module<B>>,
    pub pages: Vec<Page<B>>,
    /// Role id → module positions in study order.
    pub curricula: BTreeMap<String, Vec<usize>>,
    /// Skill id → module positions, in id order.
    pub skill_modules: HashMap<String, Vec<usize>>,
    /// Module position → ids of the roles whose curriculum includes it.
    pub module_roles: Vec<Vec<String>>,
    pub media: Vec<PathBuf>,
    pub statics: Vec<PathBuf>,
    module_index: HashMap<String, usize>,
}

impl<B> Site<B> {
    pub fn module(&self, id: &str) -> Option<&Module<B>> {
        self.module_index.get(id).map(|&i| &self.modules[i])
    }

    pub fn module_position(&self, id: &str) -> Option<usize> {
        self.module_index.get(id).copied()
    }
}

impl Site<Outline> {
    /// The site with each outline in a [`Body`] that has no HTML and no
    /// search text, for trying the templates during a check.
    pub fn into_template_sample(self) -> Site {
        let body = |outline: Outline| Body {
            quizzes: outline.quizzes,
            headings: outline.headings,
            ..Body::default()
        };
        Site {
            modules: self.modules.into_iter().map(|m| m.map_body(body)).collect(),
            pages: self.pages.into_iter().map(|p| p.map_body(body)).collect(),
            root: self.root,
            config: self.config,
            framework: self.framework,
            catalogue: self.catalogue,
            curricula: self.curricula,
            skill_modules: self.skill_modules,
            module_roles: self.module_roles,
            media: self.media,
            statics: self.statics,
            module_index: self.module_index,
        }
    }
}

/// Loads and checks the site at `root`. The site is `None` when a file it
/// cannot do without (site.yaml, skills.yaml) is missing or unreadable.
pub fn load_site(root: &Path, options: LoadOptions) -> (Option<Site>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let site = Inputs::read(root, &mut diagnostics).and_then(|inputs| {
        let (modules, pages) = inputs.loader(options).load::<Body>(&mut diagnostics);
        inputs.into_site(modules, pages)
    });
    diagnostics.sort();
    (site, diagnostics)
}

/// [`load_site`] for repeated loads of one site (the preview server): files
/// whose text is unchanged since the last load reuse what `cache` kept.
/// The result is the same as a fresh [`load_site`].
pub fn load_site_cached(
    root: &Path,
    options: LoadOptions,
    cache: &mut LoadCache,
) -> (Option<Site>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let site = Inputs::read(root, &mut diagnostics).and_then(|mut inputs| {
        let (modules, pages) = inputs.loader(options).load_cached(cache, &mut diagnostics);
        cache.remember(std::mem::take(&mut inputs.files.modules));
        inputs.into_site(modules, pages)
    });
    diagnostics.sort();
    (site, diagnostics)
}

/// Checks the site at `root` as [`load_site`] does, keeping an [`Outline`]
/// of each body instead of its HTML: the same diagnostics for less time and
/// memory.
pub fn load_outline(root: &Path, options: LoadOptions) -> (Option<Site<Outline>>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let site = Inputs::read(root, &mut diagnostics).and_then(|inputs| {
        let (modules, pages) = inputs.loader(options).load::<Outline>(&mut diagnostics);
        inputs.into_site(modules, pages)
    });
    diagnostics.sort();
    (site, diagnostics)
}

/// The files a site is loaded from, read and parsed up to the documents.
struct Inputs {
    root: PathBuf,
    /// `None` when site.yaml has errors: loading goes on with the defaults
    /// to find every other problem, but makes no site.
    config: Option<SiteConfig>,
    fallback: SiteConfig,
    framework: Framework,
    catalogue: Catalogue,
    files: ContentFiles,
}

impl Inputs {
    fn read(root: &Path, diagnostics: &mut Diagnostics) -> Option<Inputs> {
        if !root.join("content").is_dir() {
            diagnostics.push(Diagnostic::error(
                "content",
                Location::START,
                msg!("site.no-content", root = root.display()),
            ));
            return None;
        }
        let config = read_required(root, SITE_FILE, diagnostics).and_then(|text| {
            SiteConfig::parse(&text)
                .map_err(|problems| problems.into_iter().for_each(|d| diagnostics.push(d)))
                .ok()
        });
        let skills_text = read_required(root, SKILLS_FILE, diagnostics);
        let framework = skills_text
            .as_deref()
            .and_then(|text| Framework::parse(text, diagnostics));
        let resources_text = read_optional(root, RESOURCES_FILE, diagnostics);
        let files = content::discover(root, diagnostics);
        let framework = framework?;
        let catalogue = Catalogue::parse(&resources_text, &framework, diagnostics);
        Some(Inputs {
            root: root.to_path_buf(),
            config,
            fallback: SiteConfig::parse("title: kenshu").ok()?,
            framework,
            catalogue,
            files,
        })
    }

    fn loader(&self, options: LoadOptions) -> Loader<'_> {
        Loader {
            files: &self.files,
            config: self.config.as_ref().unwrap_or(&self.fallback),
            framework: &self.framework,
            catalogue: &self.catalogue,
            options,
        }
    }
}

fn read_required(root: &Path, file: &str, diagnostics: &mut Diagnostics) -> Option<String> {
    if !root.join(file).is_file() {
        diagnostics.push(missing_file(file));
        return None;
    }
    source::load_text(root, Path::new(file))
        .map_err(|d| diagnostics.push(d))
        .ok()
}

fn read_optional(root: &Path, file: &str, diagnostics: &mut Diagnostics) -> String {
    if !root.join(file).is_file() {
        return String::new();
    }
    source::load_text(root, Path::new(file))
        .map_err(|d| diagnostics.push(d))
        .unwrap_or_default()
}

impl Inputs {
    /// Indexes modules and computes the curricula; `None` when site.yaml
    /// has errors.
    fn into_site<B>(self, mut modules: Vec<Module<B>>, mut pages: Vec<Page<B>>) -> Option<Site<B>> {
        let Inputs {
            root,
            config,
            framework,
            catalogue,
            files,
            ..
        } = self;
        let config = config?;
        modules.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.path.cmp(&b.path)));
        modules.dedup_by(|a, b| a.id == b.id);
        pages.sort_by(|a, b| (a.weight, &a.slug).cmp(&(b.weight, &b.slug)));
        let module_index: HashMap<String, usize> = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        let mut skill_modules: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, module) in modules.iter().enumerate() {
            for skill in &module.skills {
                skill_modules.entry(skill.clone()).or_default().push(i);
            }
        }
        let keys: Vec<ModuleKey> = modules
            .iter()
            .map(|m| ModuleKey {
                id: &m.id,
                level: m.level,
                skills: &m.skills,
                prerequisites: &m.prerequisites,
            })
            .collect();
        let curricula: BTreeMap<String, Vec<usize>> = framework
            .roles
            .par_iter()
            .map(|role| {
                (
                    role.id.clone(),
                    curriculum::study_order(&role.id, &framework, &keys),
                )
            })
            .collect();
        let mut module_roles = vec![Vec::new(); modules.len()];
        for role in &framework.roles {
            for &i in &curricula[&role.id] {
                module_roles[i].push(role.id.clone());
            }
        }
        let mut media = files.media;
        media.sort();
        Some(Site {
            root,
            config,
            framework,
            catalogue,
            modules,
            pages,
            curricula,
            skill_modules,
            module_roles,
            media,
            statics: files.statics,
            module_index,
        })
    }
}
