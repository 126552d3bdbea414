//! The files a site is loaded from, read and parsed up to the documents:
//! the [`Settings`] of the configuration files, and the content files.

use super::documents::Loader;
use super::{LoadOptions, Module, Page, Site};
use crate::config::{missing_file, SiteConfig, SITE_FILE};
use crate::content::{self, BodyKind, ContentFiles};
use crate::curriculum::{self, ModuleKey};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::framework::{Framework, SKILLS_FILE};
use crate::msg;
use crate::resources::{Catalogue, RESOURCES_FILE};
use crate::source;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What site.yaml, skills.yaml and resources.yaml say.
#[derive(Debug, Clone)]
pub(super) struct Settings {
    /// `None` when site.yaml has errors: loading goes on with the defaults
    /// to find every other problem, but makes no site.
    config: Option<SiteConfig>,
    fallback: SiteConfig,
    framework: Framework,
    catalogue: Catalogue,
}

/// The settings and content files of a load.
pub(super) struct Inputs {
    pub root: PathBuf,
    pub settings: Settings,
    pub files: ContentFiles,
}

impl Inputs {
    /// Reads everything. `None` when the site cannot be loaded at all.
    ///
    /// The content files are found and read while the configuration files
    /// are parsed and `with_config` runs on site.yaml's configuration (if it
    /// has no errors): the build compiles the theme meanwhile.
    pub(super) fn read<T: Send>(
        root: &Path,
        diagnostics: &mut Diagnostics,
        with_config: impl FnOnce(&SiteConfig) -> T + Send,
    ) -> (Option<Inputs>, Option<T>) {
        if !has_content(root, diagnostics) {
            return (None, None);
        }
        let mut found = Diagnostics::new();
        let ((settings, made), files) = rayon::join(
            || {
                let settings = Settings::read(root, diagnostics);
                let config = settings.as_ref().and_then(Settings::site_config);
                let made = config.map(with_config);
                (settings, made)
            },
            || content::discover(root, &mut found),
        );
        diagnostics.extend(found);
        let inputs = settings.map(|settings| Inputs {
            root: root.to_path_buf(),
            settings,
            files,
        });
        (inputs, made)
    }

    pub(super) fn loader(&self, options: LoadOptions) -> Loader<'_> {
        Loader {
            files: &self.files,
            config: self.settings.config(),
            framework: &self.settings.framework,
            catalogue: &self.settings.catalogue,
            options,
        }
    }

    /// The modules and pages: headers first, checked across each other,
    /// then bodies, for which the module sources are handed over (and
    /// dropped as they are read).
    pub(super) fn load<B: BodyKind>(
        &mut self,
        options: LoadOptions,
        diagnostics: &mut Diagnostics,
    ) -> (Vec<Module<B>>, Vec<Page<B>>) {
        let headers = self.loader(options).headers(diagnostics);
        let sources = std::mem::take(&mut self.files.modules);
        self.loader(options).bodies(headers, sources, diagnostics)
    }

    /// The site of these inputs and documents; `None` when site.yaml has errors.
    pub(super) fn into_site<B>(
        self,
        modules: Vec<Module<B>>,
        pages: Vec<Page<B>>,
    ) -> Option<Site<B>> {
        let Inputs {
            root,
            settings,
            files,
        } = self;
        let lists = (files.media, files.statics);
        settings.into_site(root, lists, (modules, pages), &mut Curricula::default())
    }
}

/// Whether the site has a content/ folder; reports it if not.
pub(super) fn has_content(root: &Path, diagnostics: &mut Diagnostics) -> bool {
    let found = root.join("content").is_dir();
    if !found {
        diagnostics.push(Diagnostic::error(
            "content",
            Location::WHOLE,
            msg!("site.no-content", root = root.display()),
        ));
    }
    found
}

impl Settings {
    /// Reads and parses the configuration files; `None` when skills.yaml
    /// is missing or unreadable.
    pub(super) fn read(root: &Path, diagnostics: &mut Diagnostics) -> Option<Settings> {
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
        let framework = framework?;
        let catalogue = Catalogue::parse(&resources_text, &framework, diagnostics);
        Some(Settings {
            config,
            fallback: SiteConfig::parse("title: kenshu").ok()?,
            framework,
            catalogue,
        })
    }

    /// Indexes modules and computes the curricula (reusing `curricula` if
    /// it was computed for the same modules); `None` when site.yaml has errors.
    pub(super) fn into_site<B>(
        self,
        root: PathBuf,
        (mut media, statics): (Vec<PathBuf>, Vec<PathBuf>),
        (mut modules, mut pages): (Vec<Module<B>>, Vec<Page<B>>),
        curricula: &mut Curricula,
    ) -> Option<Site<B>> {
        let Settings {
            config,
            framework,
            catalogue,
            ..
        } = self;
        let config = config?;
        modules.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.path.cmp(&b.path)));
        modules.dedup_by(|a, b| a.id == b.id);
        pages.sort_by(|a, b| (a.weight, &a.slug).cmp(&(b.weight, &b.slug)));
        let module_index: FxHashMap<String, usize> = modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        let mut skill_modules: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, module) in modules.iter().enumerate() {
            for skill in &module.skills {
                skill_modules.entry(skill.clone()).or_default().push(i);
            }
        }
        let curricula = curricula.of(&framework, &modules);
        let mut module_roles = vec![Vec::new(); modules.len()];
        for role in &framework.roles {
            for &i in &curricula[&role.id] {
                module_roles[i].push(role.id.clone());
            }
        }
        media.sort();
        Some(Site {
            root,
            config,
            framework,
            catalogue,
            modules,
            pages,
            curricula,
            skill_modules,
            module_roles,
            media,
            statics,
            module_index,
        })
    }

    /// The configuration that shapes every body (site.yaml, or the defaults).
    pub(super) fn config(&self) -> &SiteConfig {
        self.config.as_ref().unwrap_or(&self.fallback)
    }

    /// site.yaml as written, if it has no errors.
    pub(super) fn site_config(&self) -> Option<&SiteConfig> {
        self.config.as_ref()
    }
}

/// What a module's place in a curriculum depends on: id, level, skills
/// and prerequisites.
type OrderKey = (String, u8, Vec<String>, Vec<String>);

/// Role id → module positions in study order, as last computed, and the
/// id, level, skills and prerequisites of each module it was computed from.
/// Valid for one framework: a new framework needs a new one.
#[derive(Debug, Default)]
pub(super) struct Curricula {
    /// What the orders were computed from; `None` before they are.
    keys: Option<Vec<OrderKey>>,
    orders: BTreeMap<String, Vec<usize>>,
}

impl Curricula {
    /// Role id → module positions in study order.
    fn of<B>(
        &mut self,
        framework: &Framework,
        modules: &[Module<B>],
    ) -> BTreeMap<String, Vec<usize>> {
        let same = self.keys.as_ref().is_some_and(|keys| {
            keys.len() == modules.len()
                && keys
                    .iter()
                    .zip(modules)
                    .all(|((id, level, skills, prerequisites), m)| {
                        (id, *level, skills, prerequisites)
                            == (&m.id, m.level, &m.skills, &m.prerequisites)
                    })
        });
        if same {
            return self.orders.clone();
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
        self.orders = framework
            .roles
            .par_iter()
            .map(|role| {
                (
                    role.id.clone(),
                    curriculum::study_order(&role.id, framework, &keys),
                )
            })
            .collect();
        let keys = modules.iter().map(|m| {
            (
                m.id.clone(),
                m.level,
                m.skills.clone(),
                m.prerequisites.clone(),
            )
        });
        self.keys = Some(keys.collect());
        self.orders.clone()
    }
}

fn read_required(root: &Path, file: &str, diagnostics: &mut Diagnostics) -> Option<String> {
    if !root.join(file).is_file() {
        diagnostics.push(missing_file(file));
        return None;
    }
    read_checked(root, file, diagnostics)
}

fn read_optional(root: &Path, file: &str, diagnostics: &mut Diagnostics) -> String {
    if !root.join(file).is_file() {
        return String::new();
    }
    read_checked(root, file, diagnostics).unwrap_or_default()
}

/// The text of a site file, with a control character in it reported (the
/// file is still used, so its other problems are found too).
fn read_checked(root: &Path, file: &str, diagnostics: &mut Diagnostics) -> Option<String> {
    let text = source::load_text(root, Path::new(file))
        .map_err(|d| diagnostics.push(d))
        .ok()?;
    if let Some(problem) = source::control_character(Path::new(file), &text) {
        diagnostics.push(problem);
    }
    Some(text)
}
