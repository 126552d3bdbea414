//! The inputs of a cached load: the settings as first read, and the content
//! files of the last load patched with the changed paths — or, when a patch
//! cannot be sure, a fresh walk compared with the last one.

use super::LoadCache;
use crate::content::{self, ContentFiles};
use crate::diagnostics::Diagnostics;
use crate::site::inputs::{has_content, Curricula, Inputs, Settings};
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};

impl LoadCache {
    /// What a load reads: as [`Inputs::read`] would find it.
    pub(in crate::site) fn inputs(
        &mut self,
        root: &Path,
        diagnostics: &mut Diagnostics,
    ) -> Option<Inputs> {
        if !has_content(root, diagnostics) {
            self.clear_documents();
            return None;
        }
        let settings = self.settings(root, diagnostics);
        let files = self.content_files(root, diagnostics);
        let Some(settings) = settings else {
            // The caches would not follow these files: start over next time.
            self.clear_documents();
            return None;
        };
        Some(Inputs {
            root: root.to_path_buf(),
            settings,
            files,
        })
    }

    fn settings(&mut self, root: &Path, diagnostics: &mut Diagnostics) -> Option<Settings> {
        if let Some((settings, said)) = &self.settings {
            said.iter().for_each(|d| diagnostics.push(d.clone()));
            return Some(settings.clone());
        }
        let mut said = Diagnostics::new();
        let settings = Settings::read(root, &mut said);
        // Perhaps another framework: its curricula are not those kept.
        self.curricula = Curricula::default();
        if let Some(settings) = &settings {
            self.settings = Some((settings.clone(), said.iter().cloned().collect()));
        }
        diagnostics.extend(said);
        settings
    }

    /// The content files: the last ones patched, or a new walk. Notes which
    /// module files changed since the last load.
    fn content_files(&mut self, root: &Path, diagnostics: &mut Diagnostics) -> ContentFiles {
        let stale = std::mem::take(&mut self.stale);
        self.patched = None;
        let Some(mut files) = self.files.take() else {
            self.clear_documents();
            return self.walk(root, diagnostics);
        };
        if self.patchable && files.root == root {
            if let Ok(patched) = files.patch(stale.iter().map(PathBuf::as_path)) {
                self.rewritten = patched.iter().map(|p| p.path.clone()).collect();
                for gone in patched.iter().filter(|p| !is_module(&files, &p.path)) {
                    self.headers.remove(&gone.path);
                }
                self.patched = Some(patched);
                return files;
            }
        }
        let fresh = self.walk(root, diagnostics);
        self.compare(&files, &fresh);
        fresh
    }

    fn walk(&mut self, root: &Path, diagnostics: &mut Diagnostics) -> ContentFiles {
        let mut said = Diagnostics::new();
        let files = content::discover(root, &mut said);
        self.patchable = said.is_empty();
        diagnostics.extend(said);
        files
    }

    /// Notes the module files whose text differs between two walks, and
    /// forgets the headers of files that went.
    fn compare(&mut self, old: &ContentFiles, new: &ContentFiles) {
        let before: FxHashMap<&Path, &str> = old
            .modules
            .iter()
            .map(|f| (f.path.as_path(), f.text.as_str()))
            .collect();
        self.rewritten = new
            .modules
            .iter()
            .filter(|f| before.get(f.path.as_path()) != Some(&f.text.as_str()))
            .map(|f| f.path.clone())
            .collect();
        let now: FxHashSet<&Path> = new.modules.iter().map(|f| f.path.as_path()).collect();
        self.headers.retain(|path, _| now.contains(path.as_path()));
    }
}

fn is_module(files: &ContentFiles, path: &Path) -> bool {
    content::find_file(&files.modules, path).is_ok()
}
