//! The load cache of the preview server: reuse what did not change.

use super::{Module, Site};
use crate::config::SiteConfig;
use crate::content::{self, ModuleHeader, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::LinkTargets;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Builds one module from its header and file.
pub(super) type ModuleBuilder<'a> =
    dyn Fn(ModuleHeader, &SourceFile) -> (Module, Vec<Diagnostic>) + Sync + 'a;

/// What one load keeps for the next, so that a reload parses and renders
/// only the module files that changed (the preview server's incremental
/// rebuilds; see [`load_site_cached`]).
///
/// A module is reused when its file's text is exactly the text it was built
/// from and the settings and link targets that shape every body are the
/// same; anything else is parsed and rendered again. Hand a loaded site back
/// with [`LoadCache::recycle`] so that its modules are reused without a copy.
#[derive(Debug, Default)]
pub struct LoadCache {
    /// Module file texts of the last load, by path.
    texts: HashMap<PathBuf, String>,
    /// Headers parsed from those texts (files that parsed without errors).
    headers: HashMap<PathBuf, ModuleHeader>,
    /// Modules handed back by `recycle`, and the diagnostics of their bodies.
    modules: HashMap<PathBuf, Module>,
    problems: HashMap<PathBuf, Vec<Diagnostic>>,
    /// The settings and link targets the cached bodies were rendered with.
    shaped_by: Option<(SiteConfig, LinkTargets)>,
    /// Module files the last load built anew.
    built: Vec<PathBuf>,
}

impl LoadCache {
    /// Hands a site's modules back for the next load to reuse.
    pub fn recycle(&mut self, site: Site) {
        for module in site.modules {
            if self.texts.contains_key(&module.path) {
                self.modules.insert(module.path.clone(), module);
            }
        }
    }

    /// The module files whose pages the last load built anew.
    pub fn built(&self) -> &[PathBuf] {
        &self.built
    }

    /// Whether the last load read a module file at `path`.
    pub fn knows(&self, path: &Path) -> bool {
        self.texts.contains_key(path)
    }

    fn unchanged(&self, file: &SourceFile) -> bool {
        self.texts.get(&file.path) == Some(&file.text)
    }

    /// [`content::parse_module_headers`], reusing the headers of unchanged files.
    pub(super) fn parse_module_headers(
        &mut self,
        files: &[SourceFile],
        diagnostics: &mut Diagnostics,
    ) -> (Vec<ModuleHeader>, Vec<PathBuf>) {
        let fresh: Vec<SourceFile> = files
            .iter()
            .filter(|f| !(self.unchanged(f) && self.headers.contains_key(&f.path)))
            .cloned()
            .collect();
        let (parsed, unparsed) = content::parse_module_headers(&fresh, diagnostics);
        for path in &unparsed {
            self.headers.remove(path);
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
        by_path: &HashMap<&Path, &SourceFile>,
        (config, targets): (&SiteConfig, &LinkTargets),
        build: &ModuleBuilder,
    ) -> Vec<(Module, Vec<Diagnostic>)> {
        let same_shape = self.shaped_by.as_ref().is_some_and(|(c, t)| {
            c == config && t.pages == targets.pages && t.media == targets.media
        });
        if !same_shape {
            self.modules.clear();
            self.problems.clear();
            self.shaped_by = Some((config.clone(), targets.clone()));
        }
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
                    let problems = self.problems.get(&module.path).cloned();
                    reused.push((module, problems.unwrap_or_default()));
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
        for (module, problems) in &built {
            self.problems.insert(module.path.clone(), problems.clone());
        }
        reused.extend(built);
        reused
    }

    /// Keeps the texts of this load's module files.
    pub(super) fn remember(&mut self, files: Vec<SourceFile>) {
        self.texts = files.into_iter().map(|f| (f.path, f.text)).collect();
        let texts = &self.texts;
        self.headers.retain(|path, _| texts.contains_key(path));
        self.modules.retain(|path, _| texts.contains_key(path));
        self.problems.retain(|path, _| texts.contains_key(path));
    }
}
