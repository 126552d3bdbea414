//! The load cache of the preview server: read, parse and render again only
//! what changed.
//!
//! A [`LoadCache`] keeps what one load read and made for the next:
//! - the parsed configuration files, until the server says one changed
//!   (it then starts over with a new cache);
//! - the content files, patched with the paths the server says changed
//!   instead of walking `content/` again (`sources`);
//! - the header and the module built from each module file, reused while
//!   the file's text and what shapes every body stay the same;
//! - the last site, which a change to module bodies alone patches in place
//!   (`bodies`) without checking the headers across the site again.

mod bodies;
mod sources;

use super::inputs::{Curricula, Inputs, Settings};
use super::{LoadOptions, Module, Site};
use crate::config::SiteConfig;
use crate::content::{self, ContentFiles, ModuleHeader, Patched, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::LinkTargets;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Builds one module from its header and file.
pub(super) type ModuleBuilder<'a> =
    dyn Fn(ModuleHeader, &SourceFile) -> (Module, Vec<Diagnostic>) + Sync + 'a;

/// What one load keeps for the next, so that a reload reads, parses and
/// renders only what changed (the preview server's incremental rebuilds;
/// see [`load_site_cached`](super::load_site_cached)).
///
/// Tell it which files changed with [`LoadCache::changed`] (a change to
/// site.yaml, skills.yaml or resources.yaml needs a new cache), and hand the
/// loaded site back with [`LoadCache::recycle`], as it was loaded, so that
/// its modules are reused without a copy.
#[derive(Debug, Default)]
pub struct LoadCache {
    /// The configuration files as first read, with what was said of them.
    settings: Option<(Settings, Vec<Diagnostic>)>,
    /// The content files of the last load. The caches below are valid for
    /// these texts only: they are cleared whenever `files` is.
    files: Option<ContentFiles>,
    /// Whether `files` is all a walk of `content/` finds, with no problem:
    /// only then can it be patched.
    patchable: bool,
    /// Paths (relative to the site root) changed since `files` was read.
    stale: BTreeSet<PathBuf>,
    /// What this load's patch changed; `None` when content/ was walked.
    patched: Option<Vec<Patched>>,
    /// Module files whose text is not the one the caches hold.
    rewritten: FxHashSet<PathBuf>,
    /// Headers parsed from the module texts (files that parsed without errors).
    headers: FxHashMap<PathBuf, ModuleHeader>,
    /// Modules of the recycled site, while a load picks the ones to reuse.
    modules: FxHashMap<PathBuf, Module>,
    /// The diagnostics of each module body the last load read.
    problems: FxHashMap<PathBuf, Vec<Diagnostic>>,
    /// The settings and link targets the cached bodies were rendered with.
    shaped_by: Option<(SiteConfig, LinkTargets)>,
    /// Module files the last load built anew.
    built: Vec<PathBuf>,
    /// The site of the last load, handed back by `recycle`.
    site: Option<Site>,
    /// What the last load found that no module body changes.
    outcome: Option<Outcome>,
    /// The curricula of the last site, for the framework of `settings`.
    curricula: Curricula,
}

/// The diagnostics of a load that depend on no module body: the settings
/// and content files aside, those of headers, checks across them, and pages.
#[derive(Debug, Clone)]
struct Outcome {
    options: LoadOptions,
    diagnostics: Vec<Diagnostic>,
    /// Whether the load changed module bodies only (those it built).
    bodies_only: bool,
}

impl LoadCache {
    /// Notes paths (relative to the site root) that changed since the last
    /// load; only those are read again.
    pub fn changed<'a>(&mut self, paths: impl IntoIterator<Item = &'a Path>) {
        self.stale.extend(paths.into_iter().map(Path::to_path_buf));
    }

    /// Makes the next load walk `content/` again (when changes may have
    /// gone unreported).
    pub fn rescan(&mut self) {
        self.patchable = false;
    }

    /// Hands a site back for the next load to reuse, as it was loaded.
    pub fn recycle(&mut self, site: Site) {
        if self.files.is_some() {
            self.site = Some(site);
        }
    }

    /// The module files whose pages the last load built anew.
    pub fn built(&self) -> &[PathBuf] {
        &self.built
    }

    /// When the last load changed nothing but the bodies of modules: their
    /// files. Every header, page and list of files is then as the load
    /// before had it. `None` when it may have changed anything.
    pub fn bodies_only(&self) -> Option<&[PathBuf]> {
        self.outcome
            .as_ref()
            .filter(|outcome| outcome.bodies_only)
            .map(|_| self.built.as_slice())
    }

    /// Whether the last load read or listed a file at `path` or below it.
    pub fn knows(&self, path: &Path) -> bool {
        self.files.as_ref().is_some_and(|files| files.holds(path))
    }

    /// Loads the site from `inputs`: only module bodies if nothing else
    /// changed, else every document with what the caches hold.
    pub(super) fn load(
        &mut self,
        inputs: Inputs,
        options: LoadOptions,
        diagnostics: &mut Diagnostics,
    ) -> Option<Site> {
        if let Some(site) = self.load_bodies(&inputs, options, diagnostics) {
            self.files = Some(inputs.files);
            return Some(site);
        }
        self.outcome = None;
        if let Some(site) = self.site.take() {
            for module in site.modules {
                self.modules.insert(module.path.clone(), module);
            }
        }
        let mut fixed = Diagnostics::new();
        let loader = inputs.loader(options);
        let (modules, pages) = loader.load_cached(self, &mut fixed, diagnostics);
        self.modules.clear();
        self.outcome = Some(Outcome {
            options,
            diagnostics: fixed.iter().cloned().collect(),
            bodies_only: false,
        });
        diagnostics.extend(fixed);
        let Inputs {
            root,
            settings,
            files,
        } = inputs;
        let lists = (files.media.clone(), files.statics.clone());
        self.files = Some(files);
        settings.into_site(root, lists, (modules, pages), &mut self.curricula)
    }

    fn unchanged(&self, file: &SourceFile) -> bool {
        !self.rewritten.contains(&file.path)
    }

    /// [`content::parse_module_headers`], reusing the headers of unchanged files.
    pub(super) fn parse_module_headers(
        &mut self,
        files: &[SourceFile],
        diagnostics: &mut Diagnostics,
    ) -> (Vec<ModuleHeader>, Vec<content::Unparsed>) {
        let fresh: Vec<SourceFile> = files
            .iter()
            .filter(|f| !(self.unchanged(f) && self.headers.contains_key(&f.path)))
            .cloned()
            .collect();
        let (parsed, unparsed) = content::parse_module_headers(&fresh, diagnostics);
        for file in &unparsed {
            self.headers.remove(&file.path);
        }
        for header in parsed {
            self.headers.insert(header.path.clone(), header);
        }
        // In discovery order, as a fresh load has them.
        let headers = files
            .iter()
            .filter_map(|f| self.headers.get(&f.path).cloned())
            .collect();
        (headers, unparsed)
    }

    /// Builds the modules of changed files with `build`; takes the others
    /// from the cache. `config` and the link targets shape every body: when
    /// they changed, nothing is reused.
    pub(super) fn build_modules(
        &mut self,
        headers: Vec<ModuleHeader>,
        by_path: &FxHashMap<&Path, &SourceFile>,
        (config, targets): (&SiteConfig, &LinkTargets),
        build: &ModuleBuilder,
    ) -> Vec<(Module, Vec<Diagnostic>)> {
        if !self.shaped_like(config, targets) {
            self.modules.clear();
            self.problems.clear();
            self.shaped_by = Some((config.clone(), targets.clone()));
        }
        let mut problems = std::mem::take(&mut self.problems);
        let mut reused = Vec::new();
        let mut fresh = Vec::new();
        for header in headers {
            let file = by_path[header.path.as_path()];
            let cached = self
                .unchanged(file)
                .then(|| self.modules.remove(&header.path))
                .flatten();
            match cached {
                Some(module) => {
                    let said = problems.remove(&module.path).unwrap_or_default();
                    reused.push((module, said));
                }
                None => fresh.push(header),
            }
        }
        let built: Vec<(Module, Vec<Diagnostic>)> = fresh
            .into_par_iter()
            .map(|h| {
                let file = by_path[h.path.as_path()];
                build(h, file)
            })
            .collect();
        self.built = built.iter().map(|(m, _)| m.path.clone()).collect();
        reused.extend(built);
        self.problems = reused
            .iter()
            .map(|(m, said)| (m.path.clone(), said.clone()))
            .collect();
        reused
    }

    /// Whether the cached bodies were rendered with these settings and targets.
    fn shaped_like(&self, config: &SiteConfig, targets: &LinkTargets) -> bool {
        self.shaped_by.as_ref().is_some_and(|(c, t)| {
            c == config
                && t.pages == targets.pages
                && t.media == targets.media
                && t.statics == targets.statics
                && t.drafts == targets.drafts
        })
    }

    /// Forgets every module file, header and module.
    fn clear_documents(&mut self) {
        self.files = None;
        self.rewritten.clear();
        self.headers.clear();
        self.modules.clear();
        self.problems.clear();
        self.site = None;
        self.outcome = None;
    }
}

#[cfg(test)]
mod tests;
