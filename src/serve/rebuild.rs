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
//! and the changes are remembered until a rebuild succeeds. What open pages
//! wait for is written first: the pages of the changed files themselves.
//! The pages that only list them (role pages, the module list: megabytes at
//! 10,000 modules) are rendered and written in a second step,
//! [`Preview::write_later`], after open pages have been told to reload (the
//! server holds requests for them meanwhile, see `held`); should one of
//! them fail to render, none of them is written and its error is reported
//! as any other. The search index covers the whole site and is the slowest
//! part, so it is written last, [`Preview::write_search_index`].

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
    /// The output paths of the files left for [`Preview::write_later`].
    pub later: Vec<String>,
}

/// What a rebuild leaves for after the reload.
#[derive(Debug, Default)]
struct Later {
    /// Pages that list what changed.
    pages: Vec<PageId>,
    /// The theme's assets and the copied files too (a content change can
    /// change `curricula.js` and media).
    assets: bool,
}

/// What [`Preview::write_later`] did.
#[derive(Debug, Default, PartialEq)]
pub(super) struct WrittenLater {
    pub pages: usize,
    pub written: usize,
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
    /// What the last rebuild left to render after the reload.
    later: Later,
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
    /// What to render after the reload.
    later: Later,
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
            later: Later::default(),
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
        if !std::mem::take(&mut self.later).pages.is_empty() {
            // The last rebuild's second step never ran: catch up on all.
            self.render_all = true;
        }
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
        // Content alone: the theme and the settings are as the pages on
        // disk expect them, so pages can be written in two steps.
        let split = changes.kinds.iter().all(|&k| k == ChangeKind::Content);
        let made = match self.output(&site, bodies_only, split) {
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
        let later = self.later_paths(&site, &made.later);
        self.site = Some(site);
        self.later = made.later;
        Ok(Rebuilt {
            pages: made.pages,
            written,
            modules,
            diagnostics,
            later,
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
    /// With `split`, the pages of the changed files are rendered first and
    /// the rest is left for [`Self::write_later`].
    fn output(
        &mut self,
        site: &Site,
        bodies_only: bool,
        split: bool,
    ) -> Result<Made, Vec<Diagnostic>> {
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
        let (now, later) = match everything || !split {
            true => (pages, Vec::new()),
            false => self.own_pages_first(&shape, pages),
        };
        // The assets go with the pages written last.
        let files = match later.is_empty() {
            true => self.render(site, &now)?,
            false => self.render_pages(site, &now)?,
        };
        let later = Later {
            assets: !later.is_empty(),
            pages: later,
        };
        Ok(Made {
            files,
            pages: now.len(),
            everything,
            shape: NewShape::Whole(shape),
            later,
        })
    }

    /// The pages of module bodies that alone changed since the last build,
    /// whose layout, assets and copied files are as they were; `None` when
    /// the load changed more.
    fn bodies_output(&mut self, site: &Site) -> Option<Result<Made, Vec<Diagnostic>>> {
        let paths = self.cache.bodies_only()?;
        let renderer = self.renderer.as_ref()?;
        let shape = self.shape.as_ref()?;
        let (pages, counts) = shape.body_pages(site, paths)?;
        let (now, pages) = self.own_pages_first(shape, pages.into_iter().collect());
        Some(renderer.render_pages(site, &now).map(|files| Made {
            files,
            pages: now.len(),
            everything: false,
            shape: NewShape::Counts(counts),
            later: Later {
                pages,
                assets: false,
            },
        }))
    }

    /// Splits the pages to render into those of the changed files
    /// themselves, to render now, and the rest, which only list them, for
    /// [`Self::write_later`]. Without a page of a changed file among them,
    /// all are rendered now.
    fn own_pages_first(&self, shape: &SiteShape, pages: Vec<PageId>) -> (Vec<PageId>, Vec<PageId>) {
        let own: BTreeSet<&PageId> = self
            .pending
            .iter()
            .filter_map(|path| shape.page_of(path))
            .collect();
        let (now, later): (Vec<PageId>, Vec<PageId>) =
            pages.into_iter().partition(|page| own.contains(page));
        match now.is_empty() {
            true => (later, Vec::new()),
            false => (now, later),
        }
    }

    /// Renders and writes the pages the last rebuild left for after the
    /// reload. Should one fail to render, none is written, and the next
    /// rebuild renders every page again.
    pub(super) fn write_later(&mut self) -> Result<WrittenLater, BuildError> {
        let later = std::mem::take(&mut self.later);
        let site = match &self.site {
            Some(site) if !later.pages.is_empty() => site,
            _ => return Ok(WrittenLater::default()),
        };
        let files = match later.assets {
            true => self.render(site, &later.pages),
            false => self.render_pages(site, &later.pages),
        };
        let written = match files {
            Ok(files) => self
                .store
                .sync(files, Scope::Update)
                .map_err(BuildError::Write),
            Err(problems) => Err(BuildError::Invalid(problems.into_iter().collect())),
        };
        match written {
            Ok(written) => Ok(WrittenLater {
                pages: later.pages.len(),
                written,
            }),
            Err(err) => {
                self.render_all = true;
                self.in_step = false;
                Err(err)
            }
        }
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

    /// The output paths of what `later` will write: requests for them wait.
    fn later_paths(&self, site: &Site, later: &Later) -> Vec<String> {
        let mut paths: Vec<String> = later.pages.iter().map(PageId::output_path).collect();
        if later.assets {
            paths.extend(crate::render::MADE_ASSETS.iter().map(|p| p.to_string()));
            paths.extend(copied_files(site).into_iter().map(|file| file.path));
        }
        paths
    }

    /// The given pages alone.
    fn render_pages(
        &self,
        site: &Site,
        pages: &[PageId],
    ) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        match &self.renderer {
            Some(renderer) => renderer.render_pages(site, pages),
            None => Ok(Vec::new()),
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
