//! Rebuilding the preview after a change, as little as the change needs.
//!
//! A [`Preview`] keeps what the last build made: the loaded site (so that
//! unchanged modules are not parsed or rendered again, see
//! [`LoadCache`]), the compiled theme, the [`SiteShape`] of the site on disk
//! and the bytes of every output file (so only changed files are written).
//!
//! - A content change reloads the site from the cache, which reads only the
//!   changed files, and renders only the pages the change touches
//!   ([`affected`]).
//! - A change to module bodies alone, right after a good build, is the
//!   shortest path: the cache reads those bodies into the last site, and
//!   only their pages (and, for a new number of questions, the pages that
//!   list them) are rendered; the layout, the theme's assets and the copied
//!   files are as the last build left them.
//! - A theme change recompiles the theme; if templates or strings changed,
//!   every page is rendered again, otherwise only the assets are rewritten.
//! - A configuration change (site.yaml, skills.yaml, resources.yaml) drops
//!   the cache and rebuilds everything.
//!
//! A rebuild with errors writes nothing: the last good site stays on disk
//! and the changes are remembered until a rebuild succeeds. The search index
//! covers the whole site and is the slowest part, so it is written in a
//! second step, [`Preview::write_search_index`], after open pages have been
//! told to reload.

use super::affected::{affected, Affected, QuestionCounts, SiteShape};
use super::store::{Scope, Store};
use super::watch::{ChangeKind, Changes};
use crate::build::{search_index, BuildError};
use crate::content::MODULES_DIR;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::OutputFile;
use crate::output::WriteError;
use crate::render::{all_pages, copied_files, PageId, Renderer};
use crate::site::{load_site_cached, LoadCache, LoadOptions, Site};
use crate::theme::load_theme;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Where the search index lives in the output; written on its own.
const SEARCH_DIR: &str = "assets/search/";

/// What a successful rebuild did.
#[derive(Debug)]
pub(super) struct Rebuilt {
    /// Pages rendered.
    pub pages: usize,
    /// Files written or deleted.
    pub written: usize,
    pub modules: usize,
    /// Warnings (a successful build has no errors).
    pub diagnostics: Diagnostics,
}

/// The preview's build state between rebuilds.
pub(super) struct Preview {
    root: PathBuf,
    options: LoadOptions,
    cache: LoadCache,
    /// The last site that built, until the next rebuild recycles it.
    site: Option<Site>,
    renderer: Option<Renderer>,
    /// The shape of the site on disk.
    shape: Option<SiteShape>,
    store: Store,
    /// Sources changed since the last good build.
    pending: BTreeSet<PathBuf>,
    /// Every page must be rendered at the next good build.
    render_all: bool,
    /// The theme changed since it was last compiled without errors.
    theme_stale: bool,
    search_stale: bool,
    /// The output is the build of the last load.
    in_step: bool,
    /// The layout of the last good build was checked with the theme in use.
    layout_checked: bool,
}

/// What a rebuild makes.
struct Made {
    files: Vec<OutputFile>,
    /// Pages rendered.
    pages: usize,
    /// Whether the files are the whole site (but the search index).
    everything: bool,
    shape: NewShape,
}

/// The shape of the site that a rebuild makes.
enum NewShape {
    Whole(SiteShape),
    /// The last one with other question counts.
    Counts(QuestionCounts),
}

/// Whether a batch changed module files only (no media, static file, page,
/// theme or configuration file).
fn bodies_only(changes: &Changes) -> bool {
    changes
        .kinds
        .iter()
        .all(|&kind| kind == ChangeKind::Content)
        && changes.paths.iter().all(|path| {
            path.starts_with(MODULES_DIR) && path.extension().is_some_and(|e| e == "md")
        })
}

impl Preview {
    pub(super) fn new(root: &Path, drafts: bool, out: &Path, spare: Option<PathBuf>) -> Preview {
        Preview {
            root: root.to_path_buf(),
            options: LoadOptions { drafts },
            cache: LoadCache::default(),
            site: None,
            renderer: None,
            shape: None,
            store: Store::new(out, spare),
            pending: BTreeSet::new(),
            render_all: true,
            theme_stale: true,
            search_stale: true,
            in_step: false,
            layout_checked: false,
        }
    }

    /// The site folder.
    pub(super) fn root(&self) -> &Path {
        &self.root
    }

    /// Whether a changed path matters: it exists, or it was a source of the
    /// last build (it was deleted). A temp file that an editor or a tool
    /// created and removed again during the save is neither.
    pub(super) fn matters(&self, path: &Path) -> bool {
        self.root.join(path).exists()
            || super::watch::classify(path) != Some(ChangeKind::Content)
            || self.shape.as_ref().is_some_and(|s| s.has_source(path))
            || self.cache.knows(path)
    }

    /// Builds what `changes` touch (everything, the first time).
    pub(super) fn rebuild(&mut self, changes: &Changes) -> Result<Rebuilt, BuildError> {
        let in_step = std::mem::take(&mut self.in_step);
        self.note(changes);
        if let Some(previous) = self.site.take() {
            self.cache.recycle(previous);
        }
        let (site, mut diagnostics) = load_site_cached(&self.root, self.options, &mut self.cache);
        let Some(mut site) = site else {
            return Err(BuildError::Invalid(diagnostics));
        };
        // The preview serves the portal at /, whatever path the intranet
        // server uses (`base_path`), so its 404 page links from /.
        if site.config.base_path.is_some() {
            site.config.base_path = Some("/".into());
        }
        if diagnostics.has_errors() {
            return Err(self.give_back(site, diagnostics));
        }
        let bodies_only = in_step && !self.theme_stale && !self.render_all && bodies_only(changes);
        let made = match self.output(&site, bodies_only) {
            Ok(made) => made,
            Err(problems) => {
                problems.into_iter().for_each(|d| diagnostics.push(d));
                return Err(self.give_back(site, diagnostics));
            }
        };
        let written = self
            .write(made.files, made.everything)
            .map_err(BuildError::Write)?;
        match made.shape {
            NewShape::Whole(shape) => self.shape = Some(shape),
            NewShape::Counts(counts) => {
                if let Some(shape) = &mut self.shape {
                    shape.count_questions(counts);
                }
            }
        }
        self.pending.clear();
        self.render_all = false;
        self.in_step = true;
        self.layout_checked = true;
        let modules = site.modules.len();
        self.site = Some(site);
        Ok(Rebuilt {
            pages: made.pages,
            written,
            modules,
            diagnostics,
        })
    }

    /// Notes what `changes` make stale.
    fn note(&mut self, changes: &Changes) {
        self.pending.extend(changes.paths.iter().cloned());
        if changes.has(ChangeKind::Config) {
            self.cache = LoadCache::default();
            self.render_all = true;
        }
        self.cache
            .changed(changes.paths.iter().map(PathBuf::as_path));
        if changes.has(ChangeKind::Content) || changes.has(ChangeKind::Config) {
            self.search_stale = true;
        }
        if changes.has(ChangeKind::Theme) || changes.has(ChangeKind::Config) {
            self.theme_stale = true;
        }
    }

    /// Changes may have gone unreported (the watcher failed): the next
    /// rebuild reads every source again.
    pub(super) fn rescan(&mut self) {
        self.cache.rescan();
    }

    /// The files to write for `site`. `bodies_only` when the output is that
    /// of the last load, and this batch changed module files only: if the
    /// load changed nothing but their bodies, only the pages that show
    /// them are rendered.
    fn output(&mut self, site: &Site, bodies_only: bool) -> Result<Made, Vec<Diagnostic>> {
        if bodies_only {
            if let Some(made) = self.bodies_output(site) {
                return made;
            }
        }
        if self.theme_stale {
            self.reload_theme(site)?;
        }
        let shape = SiteShape::of(site);
        // The paths to write are those the last build checked.
        let checked = self.layout_checked
            && !self.render_all
            && self
                .shape
                .as_ref()
                .is_some_and(|old| old.same_outputs(&shape));
        if !checked {
            let layout = self
                .renderer
                .as_ref()
                .map(|renderer| crate::render::check_layout(site, renderer))
                .unwrap_or_default();
            if !layout.is_empty() {
                return Err(layout);
            }
        }
        let (pages, everything) = self.pages_to_render(site, &shape);
        let files = self.render(site, &pages)?;
        Ok(Made {
            files,
            pages: pages.len(),
            everything,
            shape: NewShape::Whole(shape),
        })
    }

    /// The pages of module bodies that alone changed since the last build,
    /// whose layout, assets and copied files are as they were; `None` when
    /// the load changed more.
    fn bodies_output(&mut self, site: &Site) -> Option<Result<Made, Vec<Diagnostic>>> {
        let paths = self.cache.bodies_only()?;
        let renderer = self.renderer.as_ref()?;
        let (pages, counts) = self.shape.as_ref()?.body_pages(site, paths)?;
        let pages: Vec<PageId> = pages.into_iter().collect();
        Some(renderer.render_pages(site, &pages).map(|files| Made {
            files,
            pages: pages.len(),
            everything: false,
            shape: NewShape::Counts(counts),
        }))
    }

    /// Writes the search index if content changed since it was last written;
    /// returns how many of its files changed.
    pub(super) fn write_search_index(&mut self) -> Result<usize, WriteError> {
        let Some(site) = self.site.as_ref().filter(|_| self.search_stale) else {
            return Ok(0);
        };
        let files = search_index(site);
        let written = self.store.sync(files, Scope::Under(SEARCH_DIR))?;
        self.search_stale = false;
        Ok(written)
    }

    /// Keeps a site that did not build for the cache, and reports why.
    fn give_back(&mut self, site: Site, diagnostics: Diagnostics) -> BuildError {
        self.cache.recycle(site);
        BuildError::Invalid(diagnostics)
    }

    /// Compiles the theme again; every page is rendered again when its
    /// templates or strings changed.
    fn reload_theme(&mut self, site: &Site) -> Result<(), Vec<Diagnostic>> {
        let theme = load_theme(&self.root, &site.config)?;
        let same = self.renderer.as_ref().is_some_and(|old| {
            old.theme().templates == theme.templates && old.theme().strings == theme.strings
        });
        self.renderer = Some(Renderer::new(theme)?);
        self.layout_checked = false;
        if !same {
            self.render_all = true;
        }
        self.theme_stale = false;
        Ok(())
    }

    /// The pages to render, and whether they are all of them.
    fn pages_to_render(&self, site: &Site, shape: &SiteShape) -> (Vec<PageId>, bool) {
        let old = match &self.shape {
            Some(old) if !self.render_all => old,
            _ => return (all_pages(site), true),
        };
        let mut changed = self.pending.clone();
        changed.extend(self.cache.built().iter().cloned());
        match affected(old, shape, &changed) {
            Affected::All => (all_pages(site), true),
            Affected::Pages(pages) => (pages.into_iter().collect(), false),
        }
    }

    /// The given pages, the theme's assets and the copied files.
    fn render(&self, site: &Site, pages: &[PageId]) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        let Some(renderer) = &self.renderer else {
            return Ok(Vec::new());
        };
        let mut files = renderer.render_pages(site, pages)?;
        files.extend(renderer.asset_files(site));
        files.extend(copied_files(site));
        Ok(files)
    }

    fn write(&mut self, files: Vec<OutputFile>, everything: bool) -> Result<usize, WriteError> {
        if self.store.is_empty() {
            self.store.replace(files)
        } else if everything {
            self.store.sync(files, Scope::AllBut(SEARCH_DIR))
        } else {
            self.store.sync(files, Scope::Update)
        }
    }
}

#[cfg(test)]
mod tests;
