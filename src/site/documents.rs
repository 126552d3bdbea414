//! The documents of a site: module and page headers, the checks across
//! them, and then their bodies — the part of loading that needs every
//! header before any body can be read (links between modules need the URLs).

use super::{LoadCache, LoadOptions, Module, Page};
use crate::config::SiteConfig;
use crate::content::{
    self, BodyKind, BodyOptions, ContentFiles, ModuleHeader, PageHeader, SourceFile,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::Framework;
use crate::markdown::LinkTargets;
use crate::msg;
use crate::resources::Catalogue;
use crate::urls;
use crate::validate;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What documents are loaded from, and how.
pub(super) struct Loader<'a> {
    pub files: &'a ContentFiles,
    pub config: &'a SiteConfig,
    pub framework: &'a Framework,
    pub catalogue: &'a Catalogue,
    pub options: LoadOptions,
}

/// The headers of a load, checked, with where links may lead.
pub(super) struct Headers {
    modules: Vec<ModuleHeader>,
    pages: Vec<PageHeader>,
    targets: LinkTargets,
}

/// Every module's source file, by path, for the preview's cached load.
type ByPath<'a> = FxHashMap<&'a Path, &'a SourceFile>;

impl Loader<'_> {
    /// Parses the headers and runs the checks across them.
    pub(super) fn headers(&self, diagnostics: &mut Diagnostics) -> Headers {
        let parsed = content::parse_module_headers(&self.files.modules, diagnostics);
        self.check_headers(parsed, diagnostics)
    }

    /// Reads the bodies of checked headers. The module sources (`files`'
    /// own, handed over) are dropped one by one as their bodies are read,
    /// so a build never holds every source beside every body.
    pub(super) fn bodies<B: BodyKind>(
        &self,
        headers: Headers,
        sources: Vec<SourceFile>,
        diagnostics: &mut Diagnostics,
    ) -> (Vec<Module<B>>, Vec<Page<B>>) {
        // Pieces of at most 16 bodies: rayon otherwise leaves whole runs of
        // thousands to one thread, and the other waits at the end of them.
        let modules = with_sources(headers.modules, sources)
            .into_par_iter()
            .with_max_len(16)
            .map(|(h, file)| self.module(h, &file, &headers.targets))
            .collect();
        let modules = collect(modules, diagnostics);
        let pages = self.pages(headers.pages, &headers.targets, diagnostics);
        check_fragments(&modules, &pages, diagnostics);
        (modules, pages)
    }

    /// [`Loader::headers`] then [`Loader::bodies`], reusing what `cache`
    /// kept of unchanged module files (and keeping the sources).
    /// What no module body changes goes to `fixed`, the rest to `diagnostics`.
    pub(super) fn load_cached(
        &self,
        cache: &mut LoadCache,
        fixed: &mut Diagnostics,
        diagnostics: &mut Diagnostics,
    ) -> (Vec<Module>, Vec<Page>) {
        let parsed = cache.parse_module_headers(&self.files.modules, fixed);
        let headers = self.check_headers(parsed, fixed);
        let by_path = self.by_path();
        let build = |h: ModuleHeader, file: &SourceFile| self.module(h, file, &headers.targets);
        let built = cache.build_modules(
            headers.modules,
            &by_path,
            (self.config, &headers.targets),
            &build,
        );
        let modules = collect(built, diagnostics);
        let pages = self.pages(headers.pages, &headers.targets, fixed);
        check_fragments(&modules, &pages, diagnostics);
        (modules, pages)
    }

    fn by_path(&self) -> ByPath<'_> {
        let modules = self.files.modules.iter();
        modules.map(|f| (f.path.as_path(), f)).collect()
    }

    /// Leaves drafts out, runs the checks across headers, and reports the
    /// body problems of modules whose headers could not be parsed.
    fn check_headers(
        &self,
        (mut modules, failed): (Vec<ModuleHeader>, Vec<content::Unparsed>),
        diagnostics: &mut Diagnostics,
    ) -> Headers {
        let partial: Vec<ModuleHeader> = failed
            .iter()
            .filter_map(|f| f.partial.clone())
            .filter(|h| !h.front.draft || self.options.drafts)
            .collect();
        validate::check_framework_ids(&partial, self.framework, self.catalogue, diagnostics);
        let mut unparsed: Vec<PathBuf> = failed.into_iter().map(|f| f.path).collect();
        unparsed.extend(self.files.unreadable.iter().cloned());
        let drafts: FxHashSet<PathBuf> = modules
            .iter()
            .filter(|h| h.front.draft && !self.options.drafts)
            .map(|h| h.path.clone())
            .collect();
        modules.retain(|h| !drafts.contains(&h.path));
        let pages = content::parse_page_headers(&self.files.pages, diagnostics);
        let (found, mut targets) = rayon::join(
            || self.checks_across(&modules, &pages, &unparsed),
            || link_targets(&modules, &pages, self.files),
        );
        diagnostics.extend(found);
        targets.drafts = drafts;
        for path in &unparsed {
            targets
                .pages
                .insert(path.clone(), urls::module_href(&content::file_stem(path)));
        }
        let targets = targets.with_nfc_aliases();
        self.check_bodies_of_unparsed(&unparsed, &targets, diagnostics);
        Headers {
            modules,
            pages,
            targets,
        }
    }

    /// The checks across module headers (ids, references, prerequisite
    /// cycles, skills without modules, output paths), in two halves run in
    /// parallel; the problems come in the same order as run one by one.
    fn checks_across(
        &self,
        modules: &[ModuleHeader],
        pages: &[PageHeader],
        unparsed: &[PathBuf],
    ) -> Diagnostics {
        let (mut first, mut second) = (Diagnostics::new(), Diagnostics::new());
        rayon::join(
            || {
                let unparsed_ids: FxHashSet<String> =
                    unparsed.iter().map(|p| content::file_stem(p)).collect();
                validate::check_unique_ids(modules, &mut first);
                let (framework, catalogue) = (self.framework, self.catalogue);
                validate::check_references(
                    modules,
                    &unparsed_ids,
                    framework,
                    catalogue,
                    &mut first,
                );
            },
            || {
                validate::check_prerequisite_cycles(modules, &mut second);
                if unparsed.is_empty() {
                    validate::check_skill_coverage(modules, self.framework, &mut second);
                }
                let files = (self.files.media.as_slice(), self.files.statics.as_slice());
                validate::check_output_collisions(modules, pages, files, &mut second);
            },
        );
        first.extend(second);
        first
    }

    /// A module whose header has errors is not built, but its body is still
    /// checked, so that one run shows every problem of the file.
    fn check_bodies_of_unparsed(
        &self,
        unparsed: &[PathBuf],
        targets: &LinkTargets,
        diagnostics: &mut Diagnostics,
    ) {
        let modules = &self.files.modules;
        for path in unparsed {
            let Ok(at) = content::find_file(modules, path) else {
                continue;
            };
            let file = &modules[at];
            let Ok(split) = content::split(&file.path, &file.text) else {
                continue;
            };
            let options = self.body_options(MODULE_ROOT);
            let (_, problems) =
                content::Outline::read(file, split.body_first_line, options, targets);
            problems.into_iter().for_each(|d| diagnostics.push(d));
        }
    }

    fn body_options(&self, root_prefix: &'static str) -> BodyOptions<'static> {
        BodyOptions {
            root_prefix,
            allow_html: self.config.markdown.allow_html,
        }
    }

    /// Builds one module from its header and file.
    pub(super) fn module<B: BodyKind>(
        &self,
        header: ModuleHeader,
        file: &SourceFile,
        targets: &LinkTargets,
    ) -> (Module<B>, Vec<Diagnostic>) {
        let options = self.body_options(MODULE_ROOT);
        let (body, mut problems) = B::read(file, header.body_first_line, options, targets);
        // A quiz block with errors counts no questions: `draw:` is checked
        // once the blocks are fixed, not reported against a false count.
        let quiz_fails = problems
            .iter()
            .any(|p| p.message.code.starts_with("quiz.") || p.message.code.starts_with("yaml."));
        if let Some(problem) = draw_problem(&header, body.question_count()).filter(|_| !quiz_fails)
        {
            problems.push(problem);
        }
        let front = Arc::unwrap_or_clone(header.front);
        let module = Module {
            id: header.id,
            path: header.path,
            title: front.title,
            summary: front.summary,
            skills: front.skills,
            level: front.level,
            duration: front.duration,
            resources: front.resources,
            prerequisites: front.prerequisites,
            pass_score: front.pass_score.unwrap_or(self.config.pass_score),
            updated: front.updated,
            draw: front.draw,
            body,
        };
        (module, problems)
    }

    fn pages<B: BodyKind>(
        &self,
        headers: Vec<PageHeader>,
        targets: &LinkTargets,
        diagnostics: &mut Diagnostics,
    ) -> Vec<Page<B>> {
        let options = self.body_options(PAGE_ROOT);
        let files = &self.files.pages;
        let read = headers.into_iter().filter_map(|header| {
            // Every page header comes from one of the page files.
            let file = &files[content::find_file(files, &header.path).ok()?];
            let (body, problems) = B::read(file, header.body_first_line, options, targets);
            let page = Page {
                slug: header.slug,
                path: header.path,
                title: header.front.title,
                summary: header.front.summary,
                weight: header.front.weight,
                body,
            };
            Some((page, problems))
        });
        collect(read.collect(), diagnostics)
    }
}

/// Where module and page bodies link to the root from.
const MODULE_ROOT: &str = "../../";
const PAGE_ROOT: &str = "../";

/// Each header with its source file, taken out of `sources` (sorted by
/// path, as [`ContentFiles`] keeps them); the sources of no header (drafts,
/// headers with errors) are dropped.
fn with_sources(
    headers: Vec<ModuleHeader>,
    sources: Vec<SourceFile>,
) -> Vec<(ModuleHeader, SourceFile)> {
    // By the paths' bytes: the paths all come from one walk, and 10,000
    // binary searches comparing paths component by component were a
    // stretch of the load that only the main thread worked on.
    let at: FxHashMap<&[u8], usize> = sources
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_os_str().as_encoded_bytes(), i))
        .collect();
    let places: Vec<Option<usize>> = headers
        .iter()
        .map(|h| at.get(h.path.as_os_str().as_encoded_bytes()).copied())
        .collect();
    let mut sources: Vec<Option<SourceFile>> = sources.into_iter().map(Some).collect();
    headers
        .into_iter()
        .zip(places)
        .filter_map(|(h, at)| Some((h, sources[at?].take()?)))
        .collect()
}

fn collect<T>(read: Vec<(T, Vec<Diagnostic>)>, diagnostics: &mut Diagnostics) -> Vec<T> {
    read.into_iter()
        .map(|(item, problems)| {
            problems.into_iter().for_each(|d| diagnostics.push(d));
            item
        })
        .collect()
}

/// Every URL a relative link may lead to.
fn link_targets(
    modules: &[ModuleHeader],
    pages: &[PageHeader],
    files: &ContentFiles,
) -> LinkTargets {
    let module_links = modules
        .iter()
        .map(|m| (m.path.clone(), urls::module_href(&m.id)));
    let page_links = pages
        .iter()
        .map(|p| (p.path.clone(), urls::page_href(&p.slug)));
    LinkTargets {
        pages: module_links.chain(page_links).collect(),
        media: files.media.iter().cloned().collect(),
        statics: files.statics.iter().cloned().collect(),
        drafts: FxHashSet::default(),
        root: files.root.clone(),
        nfc_aliases: FxHashMap::default(),
    }
}

/// Reports links to headings that do not exist (`#見出し`, `page.md#見出し`).
pub(super) fn check_fragments<B: BodyKind>(
    modules: &[Module<B>],
    pages: &[Page<B>],
    diagnostics: &mut Diagnostics,
) {
    let bodies: Vec<(&PathBuf, &B)> = modules
        .iter()
        .map(|m| (&m.path, &m.body))
        .chain(pages.iter().map(|p| (&p.path, &p.body)))
        .collect();
    // Made at the first link into another file: most links stay on their page.
    let mut by_path: Option<FxHashMap<&Path, &B>> = None;
    for &(path, body) in &bodies {
        for link in body.fragments() {
            let target = link.target.as_deref().unwrap_or(path);
            let target_body = if target == path.as_path() {
                Some(body)
            } else {
                by_path
                    .get_or_insert_with(|| bodies.iter().map(|&(p, b)| (p.as_path(), b)).collect())
                    .get(target)
                    .copied()
            };
            let Some(target_body) = target_body else {
                continue;
            };
            // A page has a handful of headings: a look along them is enough.
            let has = |id: &str| target_body.headings().iter().any(|h| h.id == id);
            if !has(&link.fragment) && !has(&crate::markdown::slugify(&link.fragment)) {
                let message = msg!(
                    "link.missing-heading",
                    fragment = &link.fragment,
                    page = target.display()
                );
                diagnostics.push(Diagnostic::error(path, link.location, message));
            }
        }
    }
}

/// `draw: N` must ask at least one question and no more than the module has.
fn draw_problem(header: &ModuleHeader, questions: usize) -> Option<Diagnostic> {
    let draw = header.front.draw?;
    if (1..=questions).contains(&draw) {
        return None;
    }
    let message = msg!("module.bad-draw", draw = draw, questions = questions);
    Some(Diagnostic::error(
        &header.path,
        header.spots.value("draw"),
        message,
    ))
}
