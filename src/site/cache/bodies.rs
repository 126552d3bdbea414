//! The shortest reload: when only the bodies of some modules changed — the
//! text below the front matter, the front matter as it was — every header,
//! every check across headers, the link targets, the pages and the
//! curricula are what the last load found. Only those bodies are read
//! again, into the last site; the fragment links, which may point into
//! them, are checked again across the site.

use super::LoadCache;
use crate::content::{self, ContentFiles, Patched};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::site::documents::check_fragments;
use crate::site::inputs::Inputs;
use crate::site::{LoadOptions, Module, Site};
use rayon::prelude::*;
use std::path::Path;

/// Modules built again, with what was said of their bodies.
type Built = Vec<(Module, Vec<Diagnostic>)>;

impl LoadCache {
    /// The last site with the changed bodies read again, and every
    /// diagnostic a full load would give; `None` (and nothing touched) when
    /// anything else may have changed.
    pub(super) fn load_bodies(
        &mut self,
        inputs: &Inputs,
        options: LoadOptions,
        diagnostics: &mut Diagnostics,
    ) -> Option<Site> {
        let (changes, rebuilt) = self.read_bodies(inputs, options)?;
        let mut site = self.site.take()?;
        site.config = inputs.settings.site_config()?.clone();
        for (&position, (module, said)) in changes.iter().zip(rebuilt) {
            self.problems.insert(module.path.clone(), said);
            site.modules[position] = module;
        }
        let outcome = self.outcome.as_mut()?;
        outcome
            .diagnostics
            .iter()
            .for_each(|d| diagnostics.push(d.clone()));
        for said in self.problems.values() {
            said.iter().for_each(|d| diagnostics.push(d.clone()));
        }
        check_fragments(&site.modules, &site.pages, diagnostics);
        self.built = changes
            .iter()
            .map(|&i| site.modules[i].path.clone())
            .collect();
        outcome.bodies_only = true;
        Some(site)
    }

    /// The positions in the last site of the modules whose bodies alone
    /// changed, and those modules built again; `None` if anything else
    /// may have changed.
    fn read_bodies(&self, inputs: &Inputs, options: LoadOptions) -> Option<(Vec<usize>, Built)> {
        let patched = self.patched.as_ref()?;
        self.outcome.as_ref().filter(|o| o.options == options)?;
        let (config, targets) = self.shaped_by.as_ref()?;
        inputs.settings.site_config()?;
        if config != inputs.settings.config() {
            return None;
        }
        let site = self.site.as_ref()?;
        // (position in the site, position in the files) of each changed body.
        let changes: Vec<(usize, usize)> = patched
            .iter()
            .map(|p| self.body_change(site, &inputs.files, p))
            .collect::<Option<_>>()?;
        let loader = inputs.loader(options);
        let rebuilt = changes
            .par_iter()
            .map(|&(_, at)| {
                let file = &inputs.files.modules[at];
                let header = self.headers[&file.path].clone();
                loader.module(header, file, targets)
            })
            .collect();
        Some((changes.into_iter().map(|(i, _)| i).collect(), rebuilt))
    }

    /// Where the module of a changed file is in the site and in the files,
    /// if the change is to its body alone.
    fn body_change(
        &self,
        site: &Site,
        files: &ContentFiles,
        patched: &Patched,
    ) -> Option<(usize, usize)> {
        let path = patched.path.as_path();
        let was = patched.was.as_deref()?;
        let at = content::find_file(&files.modules, path).ok()?;
        let header = self.headers.get(path)?;
        let position = site
            .module_position(&header.id)
            .filter(|&i| site.modules[i].path == path)?;
        same_front(path, was, &files.modules[at].text).then_some((position, at))
    }
}

/// Whether two texts of a file have the same front matter at the same lines
/// (and so the same header).
fn same_front(path: &Path, was: &str, now: &str) -> bool {
    match (content::split(path, was), content::split(path, now)) {
        (Ok(a), Ok(b)) => {
            (a.front, a.front_first_line, a.body_first_line)
                == (b.front, b.front_first_line, b.body_first_line)
        }
        _ => false,
    }
}
