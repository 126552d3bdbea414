//! The pipeline end to end: load → check → render → write.
//!
//! [`check_site`] and [`build_site`] are what the `check` and `build`
//! commands run; [`prepare`] (load and compile the theme) is shared with the
//! SCORM packager, and [`search_index`] with the preview server, which keeps
//! its own load cache and renderer (src/serve/rebuild.rs).

use crate::aside::drop_aside;
use crate::config::SiteConfig;
use crate::content::{Body, Outline};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::OutputFile;
use crate::output::{self, WriteError};
use crate::render::{all_pages, check_layout, PageId, RenderFailure, Renderer};
use crate::search::{self, Target};
use crate::site::{load_with, LoadOptions, Site};
use crate::theme::load_theme;
use crate::urls;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; defaults to `<root>/public`.
    pub out: Option<PathBuf>,
    pub drafts: bool,
}

impl BuildOptions {
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// Why a build wrote nothing.
#[derive(Debug)]
pub enum BuildError {
    /// The input has errors (the diagnostics hold warnings too).
    Invalid(Diagnostics),
    Write(WriteError),
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    pub files: usize,
    pub modules: usize,
    pub elapsed: Duration,
    /// The old output, being deleted in the background; dropping the report
    /// waits for that.
    pub cleanup: output::Cleanup,
}

/// A loaded site with its compiled theme, or every reason it could not be made.
pub fn prepare(
    root: &Path,
    options: LoadOptions,
) -> Result<(Site, Renderer, Diagnostics), Diagnostics> {
    let (site, diagnostics, theme) =
        load_with::<Body, _>(root, options, |c| compile_theme(root, c));
    with_theme(site, diagnostics, theme)
}

/// The theme of a site, compiled, with its warnings; or its problems.
type Compiled = Result<(Renderer, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Loads and compiles the theme that `config` names (while the content
/// is being read, see [`load_with`]).
fn compile_theme(root: &Path, config: &SiteConfig) -> Compiled {
    load_theme(root, config).and_then(|mut theme| {
        let warnings = std::mem::take(&mut theme.warnings);
        Renderer::new(theme).map(|renderer| (renderer, warnings))
    })
}

/// A loaded site with its compiled theme; an error when loading failed.
/// The theme's problems are reported only for a site that loaded.
fn with_theme<B>(
    site: Option<Site<B>>,
    mut diagnostics: Diagnostics,
    theme: Option<Compiled>,
) -> Result<(Site<B>, Renderer, Diagnostics), Diagnostics> {
    let (Some(site), Some(theme)) = (site, theme) else {
        return Err(diagnostics);
    };
    let renderer = match theme {
        Ok((renderer, warnings)) => {
            warnings.into_iter().for_each(|d| diagnostics.push(d));
            renderer
        }
        Err(problems) => {
            problems.into_iter().for_each(|d| diagnostics.push(d));
            return Err(diagnostics);
        }
    };
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok((site, renderer, diagnostics))
}

/// Checks everything and writes nothing. Besides the sources, it renders
/// one page of each kind, so a template that fails at run time (an
/// undefined value, a wrong filter) is reported without a full build.
pub fn check_site(root: &Path, drafts: bool) -> Diagnostics {
    let load = LoadOptions { drafts };
    let (site, diagnostics, theme) =
        load_with::<Outline, _>(root, load, |c| compile_theme(root, c));
    match with_theme(site, diagnostics, theme) {
        Ok((site, renderer, mut diagnostics)) => {
            let site = site.into_template_sample();
            check_layout(&site, &renderer)
                .into_iter()
                .for_each(|d| diagnostics.push(d));
            let sample = one_page_of_each_kind(&site);
            if let Err(problems) = renderer.render_pages(&site, &sample) {
                problems.into_iter().for_each(|d| diagnostics.push(d));
            }
            diagnostics
        }
        Err(diagnostics) => diagnostics,
    }
}

/// The first page of every kind the site has.
fn one_page_of_each_kind(site: &Site) -> Vec<PageId> {
    let mut seen = std::collections::HashSet::new();
    all_pages(site)
        .into_iter()
        .filter(|page| seen.insert(std::mem::discriminant(page)))
        .collect()
}

/// Builds the site into its output folder; on any error writes nothing.
pub fn build_site(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let out = options.out_dir();
    if let Err(problem) = output::check_site_output(&options.root, &out) {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(problem);
        return Err(BuildError::Invalid(diagnostics));
    }
    let load = LoadOptions {
        drafts: options.drafts,
    };
    let (site, renderer, mut diagnostics) =
        prepare(&options.root, load).map_err(BuildError::Invalid)?;
    let layout = check_layout(&site, &renderer);
    if !layout.is_empty() {
        layout.into_iter().for_each(|d| diagnostics.push(d));
        return Err(BuildError::Invalid(diagnostics));
    }
    // Each file is written as soon as it is rendered, so memory does not grow
    // with the output; on any error the staging folder is dropped unused.
    let spare = output::spare_in_site(&options.root, &out);
    let staging = output::Staging::create(&out, spare).map_err(BuildError::Write)?;
    // The search index is one long task: build it while pages render.
    let (rendered, index) = rayon::join(
        || renderer.render_site_with(&site, |file| staging.write(&file)),
        || {
            let write = |file| staging.write(&index_output(file));
            search::write_index_files(&site, &search_url, &write)
        },
    );
    let index_files = index.map_err(BuildError::Write)?;
    let files = match rendered {
        Ok(count) => count + index_files,
        Err(RenderFailure::Pages(problems)) => {
            problems.into_iter().for_each(|d| diagnostics.push(d));
            return Err(BuildError::Invalid(diagnostics));
        }
        Err(RenderFailure::Sink(err)) => return Err(BuildError::Write(err)),
    };
    let cleanup = staging.commit().map_err(BuildError::Write)?;
    let modules = site.modules.len();
    drop_aside((site, renderer));
    Ok(BuildReport {
        diagnostics,
        files,
        modules,
        elapsed: started.elapsed(),
        cleanup,
    })
}

/// The search index of a site as output files, with the URL of each
/// document's page.
pub fn search_index(site: &Site) -> Vec<OutputFile> {
    search::index_files(site, &search_url)
        .into_iter()
        .map(index_output)
        .collect()
}

/// An index file as an output file (the search stage knows nothing of output).
fn index_output(file: search::IndexFile) -> OutputFile {
    OutputFile::bytes(file.path, file.bytes)
}

fn search_url(target: &Target) -> String {
    match *target {
        Target::Module(id) => urls::module_href(id),
        Target::Skill(id) => urls::skill_href(id),
        Target::Resource(id) => urls::resource_href(id),
        Target::Page(slug) => urls::page_href(slug),
    }
}
