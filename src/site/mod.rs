//! The whole site, loaded and checked: the input of rendering.
//!
//! [`load_site`] runs the loading stages in order — configuration, framework,
//! resources, module and page headers, bodies, cross-references, curricula —
//! and returns the [`Site`] together with every diagnostic found. Loading does
//! no writing; the returned site is immutable data that rendering reads.

mod cache;

pub use cache::LoadCache;

use crate::config::{missing_file, SiteConfig, SITE_FILE};
use crate::content::{self, Body, ContentFiles, ModuleHeader, PageHeader, SourceFile};
use crate::curriculum::{self, ModuleKey};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::framework::{Framework, SKILLS_FILE};
use crate::markdown::LinkTargets;
use crate::msg;
use crate::resources::{Catalogue, RESOURCES_FILE};
use crate::source;
use crate::validate;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// A training module, ready to render.
#[derive(Debug, Clone)]
pub struct Module {
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
    pub body: Body,
}

/// A standalone page (content/pages/<slug>.md → <slug>/).
#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub path: PathBuf,
    pub title: String,
    pub summary: String,
    pub weight: i32,
    pub body: Body,
}

/// Options that change what is loaded.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Include modules marked `draft: true`.
    pub drafts: bool,
    /// Check bodies without keeping their HTML and search text (`kenshu
    /// check` renders no body): the same diagnostics for less time and
    /// memory. Such a site renders with empty bodies.
    pub check_only: bool,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub framework: Framework,
    pub catalogue: Catalogue,
    /// Sorted by id.
    pub modules: Vec<Module>,
    pub pages: Vec<Page>,
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

impl Site {
    pub fn module(&self, id: &str) -> Option<&Module> {
        self.module_index.get(id).map(|&i| &self.modules[i])
    }

    pub fn module_position(&self, id: &str) -> Option<usize> {
        self.module_index.get(id).copied()
    }
}

/// Loads and checks the site at `root`. The site is `None` when a file it
/// cannot do without (site.yaml, skills.yaml) is missing or unreadable.
pub fn load_site(root: &Path, options: LoadOptions) -> (Option<Site>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let site = load(root, options, None, &mut diagnostics);
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
    let site = load(root, options, Some(cache), &mut diagnostics);
    diagnostics.sort();
    (site, diagnostics)
}

fn load(
    root: &Path,
    options: LoadOptions,
    mut cache: Option<&mut LoadCache>,
    diagnostics: &mut Diagnostics,
) -> Option<Site> {
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
    let mut files = content::discover(root, diagnostics);
    let framework = framework?;
    let catalogue = Catalogue::parse(&resources_text, &framework, diagnostics);
    // Without a valid site.yaml, go on with the defaults to find every other problem.
    let fallback = SiteConfig::parse("title: kenshu").ok()?;
    let (modules, pages) = load_documents(
        &files,
        config.as_ref().unwrap_or(&fallback),
        &framework,
        &catalogue,
        Loading {
            options,
            cache: cache.as_deref_mut(),
        },
        diagnostics,
    );
    if let Some(cache) = cache {
        cache.remember(std::mem::take(&mut files.modules));
    }
    Some(assemble(
        root, config?, framework, catalogue, modules, pages, files,
    ))
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

/// How documents are loaded: the options, and what a previous load kept.
struct Loading<'a> {
    options: LoadOptions,
    cache: Option<&'a mut LoadCache>,
}

/// Parses headers, checks cross-references, then renders bodies.
fn load_documents(
    files: &ContentFiles,
    config: &SiteConfig,
    framework: &Framework,
    catalogue: &Catalogue,
    mut loading: Loading,
    diagnostics: &mut Diagnostics,
) -> (Vec<Module>, Vec<Page>) {
    let (mut headers, mut unparsed) = match loading.cache.as_deref_mut() {
        Some(cache) => cache.parse_module_headers(&files.modules, diagnostics),
        None => content::parse_module_headers(&files.modules, diagnostics),
    };
    unparsed.extend(files.unreadable.iter().cloned());
    let drafts: HashSet<PathBuf> = headers
        .iter()
        .filter(|h| h.front.draft && !loading.options.drafts)
        .map(|h| h.path.clone())
        .collect();
    headers.retain(|h| !drafts.contains(&h.path));
    let page_headers = content::parse_page_headers(&files.pages, diagnostics);
    let unparsed_ids: HashSet<String> = unparsed.iter().map(|p| content::file_stem(p)).collect();
    validate::check_unique_ids(&headers, diagnostics);
    validate::check_references(&headers, &unparsed_ids, framework, catalogue, diagnostics);
    validate::check_prerequisite_cycles(&headers, diagnostics);
    if unparsed.is_empty() {
        validate::check_skill_coverage(&headers, framework, diagnostics);
    }
    validate::check_output_collisions(&headers, &page_headers, &files.media, diagnostics);
    let mut targets = link_targets(&headers, &page_headers, files);
    targets.drafts = drafts;
    for path in &unparsed {
        let url = format!("modules/{}/index.html", content::file_stem(path));
        targets.pages.insert(path.clone(), url);
    }
    let by_path: HashMap<&Path, &SourceFile> = files
        .modules
        .iter()
        .chain(&files.pages)
        .map(|f| (f.path.as_path(), f))
        .collect();
    check_bodies_of_unparsed(&unparsed, &by_path, config, &targets, diagnostics);
    let rendered: Vec<(Module, Vec<Diagnostic>)> = match loading.cache {
        Some(cache) => cache.build_modules(headers, &by_path, config, &targets),
        None => headers
            .into_par_iter()
            .map(|h| {
                let file = by_path[h.path.as_path()];
                build_module(h, file, config, &targets, loading.options.check_only)
            })
            .collect(),
    };
    let mut modules = Vec::with_capacity(rendered.len());
    for (module, problems) in rendered {
        problems.into_iter().for_each(|d| diagnostics.push(d));
        modules.push(module);
    }
    let pages: Vec<Page> = page_headers
        .into_iter()
        .map(|h| {
            let file = by_path[h.path.as_path()];
            let (page, problems) =
                build_page(h, file, config, &targets, loading.options.check_only);
            problems.into_iter().for_each(|d| diagnostics.push(d));
            page
        })
        .collect();
    check_fragments(&modules, &pages, diagnostics);
    (modules, pages)
}

/// A module whose header has errors is not built, but its body is still
/// checked, so that one run shows every problem of the file.
fn check_bodies_of_unparsed(
    unparsed: &[PathBuf],
    by_path: &HashMap<&Path, &SourceFile>,
    config: &SiteConfig,
    targets: &LinkTargets,
    diagnostics: &mut Diagnostics,
) {
    for path in unparsed {
        let Some(file) = by_path.get(path.as_path()) else {
            continue;
        };
        let Ok(split) = content::split(&file.path, &file.text) else {
            continue;
        };
        let options = content::BodyOptions {
            root_prefix: "../../",
            allow_html: config.markdown.allow_html,
            check_only: true,
        };
        let (_, problems) = content::render_body(file, split.body_first_line, options, targets);
        problems.into_iter().for_each(|d| diagnostics.push(d));
    }
}

/// Every URL a relative link may lead to.
fn link_targets(
    modules: &[ModuleHeader],
    pages: &[PageHeader],
    files: &ContentFiles,
) -> LinkTargets {
    let mut targets = LinkTargets::default();
    for module in modules {
        targets.pages.insert(
            module.path.clone(),
            format!("modules/{}/index.html", module.id),
        );
    }
    for page in pages {
        targets
            .pages
            .insert(page.path.clone(), format!("{}/index.html", page.slug));
    }
    targets.media = files.media.iter().cloned().collect();
    targets.statics = files.statics.iter().cloned().collect();
    targets.root = files.root.clone();
    targets
}

/// Reports links to headings that do not exist (`#見出し`, `page.md#見出し`).
fn check_fragments(modules: &[Module], pages: &[Page], diagnostics: &mut Diagnostics) {
    let headings: HashMap<&Path, HashSet<&str>> = modules
        .iter()
        .map(|m| (m.path.as_path(), &m.body))
        .chain(pages.iter().map(|p| (p.path.as_path(), &p.body)))
        .map(|(path, body)| (path, body.headings.iter().map(|h| h.id.as_str()).collect()))
        .collect();
    let sources = modules
        .iter()
        .map(|m| (&m.path, &m.body))
        .chain(pages.iter().map(|p| (&p.path, &p.body)));
    for (path, body) in sources {
        for link in &body.fragments {
            let target = link.target.as_deref().unwrap_or(path);
            let Some(ids) = headings.get(target) else {
                continue;
            };
            let slug = crate::markdown::slugify(&link.fragment);
            if !ids.contains(link.fragment.as_str()) && !ids.contains(slug.as_str()) {
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

fn build_module(
    header: ModuleHeader,
    file: &SourceFile,
    config: &SiteConfig,
    targets: &LinkTargets,
    check_only: bool,
) -> (Module, Vec<Diagnostic>) {
    let (body, mut problems) = content::render_body(
        file,
        header.body_first_line,
        content::BodyOptions {
            root_prefix: "../../",
            allow_html: config.markdown.allow_html,
            check_only,
        },
        targets,
    );
    if let Some(problem) = draw_problem(&header, body.question_count()) {
        problems.push(problem);
    }
    let front = header.front;
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
        pass_score: front.pass_score.unwrap_or(config.pass_score),
        updated: front.updated,
        draw: front.draw,
        body,
    };
    (module, problems)
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

fn build_page(
    header: PageHeader,
    file: &SourceFile,
    config: &SiteConfig,
    targets: &LinkTargets,
    check_only: bool,
) -> (Page, Vec<Diagnostic>) {
    let (body, problems) = content::render_body(
        file,
        header.body_first_line,
        content::BodyOptions {
            root_prefix: "../",
            allow_html: config.markdown.allow_html,
            check_only,
        },
        targets,
    );
    let page = Page {
        slug: header.slug,
        path: header.path,
        title: header.front.title,
        summary: header.front.summary,
        weight: header.front.weight,
        body,
    };
    (page, problems)
}

/// Indexes modules and computes the curricula.
fn assemble(
    root: &Path,
    config: SiteConfig,
    framework: Framework,
    catalogue: Catalogue,
    mut modules: Vec<Module>,
    mut pages: Vec<Page>,
    files: ContentFiles,
) -> Site {
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
    Site {
        root: root.to_path_buf(),
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
    }
}
