//! `kenshu package scorm`: one SCORM 1.2 package per role curriculum.
//!
//! A package is made from the same pipeline as `kenshu build` (the site is
//! loaded and checked by [`crate::build::prepare`]; a site with errors
//! packages nothing). The role's module pages are rendered by the same
//! renderer and theme with the package flag set ([`SiteValues::for_package`]:
//! no header search, `scorm.js` loaded), their links are made fit for the
//! package ([`links`]), and the zip holds the pages, every file they
//! reference, `imsmanifest.xml` at its root and the SCORM 1.2 schema files.

mod archive;
mod links;
mod manifest;

use crate::build::prepare;
use crate::config::SITE_FILE;
use crate::diagnostics::{unknown_id, Diagnostic, Diagnostics, Location};
use crate::framework::Role;
use crate::messages::Message;
use crate::msg;
use crate::output::{Contents, OutputFile};
use crate::render::{copied_files, PageId, Renderer, SiteValues};
use crate::site::{LoadOptions, Module, Site};
use links::{rewrite_page, PackagedPage, Targets};
use manifest::{Manifest, Sco, SCHEMAS};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

pub(crate) use manifest::escape as xml_escape;

const SKILLS_FILE: &str = "content/skills.yaml";

/// What to package and where.
#[derive(Debug, Clone)]
pub struct PackageOptions {
    pub root: PathBuf,
    /// Folder for the zips; defaults to `<root>/scorm`.
    pub out: Option<PathBuf>,
    /// Role ids; empty means every role.
    pub roles: Vec<String>,
}

impl PackageOptions {
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("scorm"))
    }
}

/// One package written.
#[derive(Debug)]
pub struct PackageSummary {
    pub role: String,
    pub path: PathBuf,
    pub modules: usize,
    pub files: usize,
}

/// What `package scorm` did.
#[derive(Debug)]
pub struct PackageReport {
    pub diagnostics: Diagnostics,
    pub packages: Vec<PackageSummary>,
}

/// Why nothing was packaged.
#[derive(Debug)]
pub enum PackageError {
    Invalid(Diagnostics),
    /// A package could not be written, or would replace a file of the
    /// user's (then nothing is written).
    Write(Message),
}

/// Writes `<out>/<role-id>.zip` for each chosen role, or nothing at all.
pub fn package_scorm(options: &PackageOptions) -> Result<PackageReport, PackageError> {
    let load = LoadOptions { drafts: false };
    let (site, renderer, mut diagnostics) =
        prepare(&options.root, load).map_err(PackageError::Invalid)?;
    let roles = chosen_roles(&site, &options.roles).map_err(PackageError::Invalid)?;
    let mut zips = Vec::new();
    for role in roles {
        if site.curricula.get(&role.id).is_none_or(Vec::is_empty) {
            diagnostics.push(empty_curriculum(role));
            continue;
        }
        match role_package(&site, &renderer, role) {
            Ok(package) => zips.push(package),
            Err(problems) => problems.into_iter().for_each(|d| {
                // A module in several curricula has its problem once.
                if !diagnostics.iter().any(|seen| *seen == d) {
                    diagnostics.push(d);
                }
            }),
        }
    }
    if zips.is_empty() && !diagnostics.has_errors() {
        // Every chosen role was empty: a run that writes nothing fails.
        diagnostics.push(Diagnostic::error(
            SKILLS_FILE,
            Location::WHOLE,
            msg!("package.nothing"),
        ));
    }
    if diagnostics.has_errors() {
        return Err(PackageError::Invalid(diagnostics));
    }
    let out = options.out_dir();
    crate::output::check_outside_sources(&options.root, &out).map_err(PackageError::Write)?;
    let cannot = |path: &Path, e: std::io::Error| {
        PackageError::Write(msg!(
            "output.cannot-write",
            path = path.display(),
            detail = crate::messages::io_detail(&e)
        ))
    };
    // Every package is checked before any is written: all or nothing.
    let paths: Vec<PathBuf> = zips
        .iter()
        .map(|z| out.join(format!("{}.zip", z.0)))
        .collect();
    for path in &paths {
        crate::output::check_replaceable(path, archive::is_our_package)
            .map_err(PackageError::Write)?;
    }
    std::fs::create_dir_all(&out).map_err(|e| cannot(&out, e))?;
    let mut packages = Vec::new();
    for ((role, modules, files, bytes), path) in zips.into_iter().zip(paths) {
        archive::write_atomically(&path, &bytes).map_err(|e| cannot(&path, e))?;
        packages.push(PackageSummary {
            role,
            path,
            modules,
            files,
        });
    }
    Ok(PackageReport {
        diagnostics,
        packages,
    })
}

/// The roles named on the command line (all when none), or every unknown name.
fn chosen_roles<'a>(site: &'a Site, ids: &[String]) -> Result<Vec<&'a Role>, Diagnostics> {
    if ids.is_empty() {
        return Ok(site.framework.roles.iter().collect());
    }
    let mut problems = Diagnostics::new();
    let mut roles = Vec::new();
    for id in ids {
        match site.framework.role(id) {
            // `--role x --role x` packages x once.
            Some(role) if roles.iter().any(|r: &&Role| r.id == role.id) => {}
            Some(role) => roles.push(role),
            None => {
                let known = site.framework.roles.iter().map(|r| r.id.as_str());
                problems.push(Diagnostic::error(
                    SKILLS_FILE,
                    Location::WHOLE,
                    unknown_id("package.unknown-role", id, known),
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(roles)
    } else {
        Err(problems)
    }
}

/// A role whose curriculum has no module: no package (a SCORM organisation needs an item).
fn empty_curriculum(role: &Role) -> Diagnostic {
    Diagnostic::warning(
        SKILLS_FILE,
        Location::WHOLE,
        msg!("package.empty-role", name = &role.name, id = &role.id),
    )
}

/// (role id, module count, file count, zip bytes) of one role's package.
type RolePackage = (String, usize, usize, Vec<u8>);

/// Renders, rewrites and zips one role's curriculum.
fn role_package(
    site: &Site,
    renderer: &Renderer,
    role: &Role,
) -> Result<RolePackage, Vec<Diagnostic>> {
    let curriculum: Vec<&Module> = site.curricula[&role.id]
        .iter()
        .map(|&i| &site.modules[i])
        .collect();
    let mut available: HashMap<String, OutputFile> = renderer
        .asset_files(site)
        .into_iter()
        .chain(copied_files(site))
        .map(|f| (f.path.clone(), f))
        .collect();
    let file_paths: HashSet<String> = available.keys().cloned().collect();
    let page_paths: HashSet<String> = curriculum
        .iter()
        .map(|m| PageId::Module(m.id.clone()).output_path())
        .collect();
    let portal = site.config.portal_url();
    let targets = Targets {
        pages: &page_paths,
        files: &file_paths,
        portal: portal.as_deref(),
    };
    let pages = packaged_pages(site, renderer, &curriculum, &targets)?;
    let mut files = vec![manifest_file(role, &pages)];
    files.extend(
        SCHEMAS
            .iter()
            .map(|(name, bytes)| OutputFile::bytes(*name, *bytes)),
    );
    let needed: BTreeSet<&String> = pages.iter().flat_map(|(_, _, p)| &p.files).collect();
    let needed: Vec<OutputFile> = needed
        .into_iter()
        .filter_map(|p| available.remove(p))
        .collect();
    for (_, path, packaged) in pages {
        files.push(OutputFile::bytes(path, packaged.html));
    }
    files.extend(needed);
    let bytes = archive::zip_bytes(&files).map_err(|err| {
        vec![Diagnostic::error(
            SITE_FILE,
            Location::WHOLE,
            msg!("package.cannot-write", detail = err),
        )]
    })?;
    Ok((role.id.clone(), curriculum.len(), files.len(), bytes))
}

/// A module, its page's package path and the page made fit for the package.
type Packaged<'a> = (&'a Module, String, PackagedPage);

/// Renders the curriculum's module pages for the package and rewrites their links.
fn packaged_pages<'a>(
    site: &Site,
    renderer: &Renderer,
    curriculum: &[&'a Module],
    targets: &Targets,
) -> Result<Vec<Packaged<'a>>, Vec<Diagnostic>> {
    let values = SiteValues::for_package(site);
    let mut problems = Vec::new();
    let mut pages = Vec::new();
    for &module in curriculum {
        let page = PageId::Module(module.id.clone());
        let file = renderer
            .render_page(site, &values, &page)
            .map_err(|d| vec![d])?;
        let html = match &file.contents {
            Contents::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Contents::Copy(_) => String::new(),
        };
        let path = page.output_path();
        match rewrite_page(&html, &path, targets) {
            Ok(packaged) => {
                problems.extend(packaged.missing.iter().map(|m| missing_file(module, m)));
                if !packaged.files.contains(RUNTIME) {
                    problems.push(no_runtime(renderer));
                }
                pages.push((module, path, packaged));
            }
            Err(err) => problems.push(Diagnostic::error(
                &module.path,
                Location::WHOLE,
                msg!("package.cannot-rewrite", detail = err),
            )),
        }
    }
    if problems.is_empty() {
        Ok(pages)
    } else {
        Err(problems)
    }
}

/// `imsmanifest.xml` for the role's packaged pages.
fn manifest_file(role: &Role, pages: &[Packaged]) -> OutputFile {
    let scos = pages
        .iter()
        .map(|(module, path, packaged)| Sco {
            id: &module.id,
            title: &module.title,
            mastery_score: module
                .body
                .quizzes
                .iter()
                .any(|q| !q.is_empty())
                .then_some(module.pass_score),
            href: path.clone(),
            files: &packaged.files,
        })
        .collect();
    let identifier = format!("kenshu-{}", role.id);
    let manifest = Manifest {
        identifier: &identifier,
        title: &role.name,
        scos,
    };
    OutputFile::bytes("imsmanifest.xml", manifest.to_xml())
}

/// The script that talks to the LMS; every packaged page must load it.
const RUNTIME: &str = "assets/js/scorm.js";

/// A site theme whose templates do not load scorm.js in packages (one made
/// from an older base.html): its packages would report nothing to the LMS.
fn no_runtime(renderer: &Renderer) -> Diagnostic {
    let path = renderer
        .theme()
        .template_paths
        .get("base.html")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("themes/default/templates/base.html"));
    Diagnostic::error(path, Location::WHOLE, msg!("package.no-scorm-script"))
}

/// A page references a file the build does not make.
fn missing_file(module: &Module, path: &str) -> Diagnostic {
    Diagnostic::error(
        &module.path,
        Location::WHOLE,
        msg!("package.missing-file", path = path),
    )
}
