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
mod inputs;

pub use cache::LoadCache;

use crate::config::SiteConfig;
use crate::content::{Body, BodyKind, Outline};
use crate::diagnostics::Diagnostics;
use crate::framework::Framework;
use crate::resources::Catalogue;
use inputs::Inputs;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
    pub skill_modules: FxHashMap<String, Vec<usize>>,
    /// Module position → ids of the roles whose curriculum includes it.
    pub module_roles: Vec<Vec<String>>,
    pub media: Vec<PathBuf>,
    pub statics: Vec<PathBuf>,
    module_index: FxHashMap<String, usize>,
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
    let (site, diagnostics, _) = load_with::<Body, ()>(root, options, |_| ());
    (site, diagnostics)
}

/// [`load_site`] (with `B` = [`Body`]) or [`load_outline`] (`B` =
/// [`Outline`]), running `with_config` on site.yaml's configuration while
/// the content is read. Its result is `None` when there is no
/// configuration to run it on (no content/ folder, site.yaml or
/// skills.yaml missing or unreadable, site.yaml with errors); the site is
/// `None` then too.
pub fn load_with<B: BodyKind, T: Send>(
    root: &Path,
    options: LoadOptions,
    with_config: impl FnOnce(&SiteConfig) -> T + Send,
) -> (Option<Site<B>>, Diagnostics, Option<T>) {
    let mut diagnostics = Diagnostics::new();
    let (inputs, made) = Inputs::read(root, &mut diagnostics, with_config);
    let site = inputs.and_then(|mut inputs| {
        let (modules, pages) = inputs.load::<B>(options, &mut diagnostics);
        inputs.into_site(modules, pages)
    });
    diagnostics.sort();
    (site, diagnostics, made)
}

/// [`load_site`] for repeated loads of one site (the preview server): what
/// `cache` kept of the last load is reused where the files it came from did
/// not change (see [`LoadCache`]). The result is the same as a fresh
/// [`load_site`].
pub fn load_site_cached(
    root: &Path,
    options: LoadOptions,
    cache: &mut LoadCache,
) -> (Option<Site>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let site = cache
        .inputs(root, &mut diagnostics)
        .and_then(|inputs| cache.load(inputs, options, &mut diagnostics));
    diagnostics.sort();
    (site, diagnostics)
}

/// Checks the site at `root` as [`load_site`] does, keeping an [`Outline`]
/// of each body instead of its HTML: the same diagnostics for less time and
/// memory.
pub fn load_outline(root: &Path, options: LoadOptions) -> (Option<Site<Outline>>, Diagnostics) {
    let (site, diagnostics, _) = load_with::<Outline, ()>(root, options, |_| ());
    (site, diagnostics)
}
