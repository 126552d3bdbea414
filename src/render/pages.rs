//! The template and context of each page type.

use super::learning;
use super::quiz::{body_html, QuizStrings};
use super::views::*;
use super::{partials, safe, PageId};
use crate::framework::Requirement;
use crate::site::Site;
use crate::urls;
use minijinja::value::Serde;
use minijinja::{context, Value};
use serde::Serialize;

/// Template values that are the same on every page of a site: made once per
/// render instead of once per page.
pub struct SiteValues {
    site: Value,
    nav_roles: Value,
    nav_pages: Value,
    assessment_scale: Value,
    /// Each module's place in each curriculum, for the module pages' pagers.
    places: learning::Places,
    /// Views that many pages show, made once.
    views: ViewCache,
    /// The markup of `partial_cached` calls, made once.
    partials: std::sync::Arc<partials::PartialCache>,
    /// Pages rendered for a SCORM package (`kenshu package scorm`): the
    /// templates leave out what only works in the portal and load scorm.js.
    package: bool,
}

impl SiteValues {
    /// The values of pages rendered for a SCORM package.
    pub fn for_package(site: &Site) -> SiteValues {
        SiteValues {
            package: true,
            ..SiteValues::new(site)
        }
    }

    pub fn new(site: &Site) -> SiteValues {
        let roles: Vec<Link> = site.framework.roles.iter().map(role_link).collect();
        let pages: Vec<NavPage> = site
            .pages
            .iter()
            .map(|p| NavPage {
                title: &p.title,
                url: urls::page_href(&p.slug),
            })
            .collect();
        SiteValues {
            site: context! {
                title => &site.config.title,
                organization => &site.config.organization,
                description => &site.config.description,
                lang => &site.config.language,
                progress_key => site.config.progress_key(),
            },
            nav_roles: Value::from(Serde(roles)),
            nav_pages: Value::from(Serde(pages)),
            assessment_scale: Value::from(Serde(&site.framework.assessment_scale)),
            places: learning::Places::new(site),
            views: ViewCache::new(site),
            partials: Default::default(),
            package: false,
        }
    }
}

/// What a page's context is made from besides the site.
pub(super) struct Shared<'a> {
    pub ui: &'a Value,
    pub quiz: &'a QuizStrings,
    pub site: &'a SiteValues,
}

/// Template name and context for one page.
pub(super) fn context(site: &Site, page: &PageId, shared: &Shared) -> (&'static str, Value) {
    let base = base_context(site, page, shared);
    let (template, specific) = match page {
        PageId::Home => ("home.html", home(site)),
        PageId::Role(id) => ("role.html", role(site, id, &shared.site.views)),
        PageId::Module(id) => ("module.html", module(site, id, shared)),
        PageId::SkillMatrix => ("skills.html", matrix(site)),
        PageId::Skill(id) => ("skill.html", skill(site, id, &shared.site.views)),
        PageId::Resources => ("resources.html", resources(site)),
        PageId::Search => ("search.html", context! {}),
        PageId::Progress => ("progress.html", progress(site)),
        PageId::Page(slug) => ("page.html", standalone(site, slug, shared.quiz)),
        PageId::NotFound => ("404.html", context! {}),
        PageId::Modules => ("modules.html", learning::modules_index(site)),
        PageId::Certificate(id) => ("certificate.html", learning::certificate(site, id)),
    };
    // Base first: its keys (`root`, `ui`) are the ones templates look up
    // most, and no page's own values share a name with them.
    (template, context! { ..base, ..specific })
}

#[derive(Serialize)]
struct NavPage<'a> {
    title: &'a str,
    url: String,
}

fn base_context(site: &Site, page: &PageId, shared: &Shared) -> Value {
    context! {
        root => match (page, site.config.not_found_root()) {
            (PageId::NotFound, Some(base)) => base,
            _ => page.root_prefix().to_string(),
        },
        ui => shared.ui.clone(),
        site => shared.site.site.clone(),
        nav_roles => shared.site.nav_roles.clone(),
        nav_pages => shared.site.nav_pages.clone(),
        page_kind => page_kind(page),
        assessment_scale => shared.site.assessment_scale.clone(),
        package => shared.site.package,
        partial_cache => partials::Scope::value(&shared.site.partials),
    }
}

fn page_kind(page: &PageId) -> &'static str {
    match page {
        PageId::Home => "home",
        PageId::Role(_) => "role",
        PageId::Module(_) => "module",
        PageId::SkillMatrix => "skills",
        PageId::Skill(_) => "skill",
        PageId::Resources => "resources",
        PageId::Search => "search",
        PageId::Progress => "progress",
        PageId::Page(_) => "page",
        PageId::NotFound => "not-found",
        PageId::Modules => "modules",
        PageId::Certificate(_) => "certificate",
    }
}

#[derive(Serialize)]
struct RoleCard<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    url: String,
    certificate_url: String,
    external: bool,
    guideline_type: Option<&'a str>,
    skill_count: usize,
    module_count: usize,
    minutes: u32,
    /// Curriculum module ids joined by spaces.
    module_ids: String,
}

fn role_card<'a>(site: &'a Site, role: &'a crate::framework::Role) -> RoleCard<'a> {
    let curriculum = site
        .curricula
        .get(&role.id)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    RoleCard {
        id: &role.id,
        name: &role.name,
        description: &role.description,
        url: urls::role_href(&role.id),
        certificate_url: urls::certificate_href(&role.id),
        external: role.external,
        guideline_type: role.guideline_type.as_deref(),
        skill_count: site.framework.skills_of_role(&role.id).len(),
        module_count: curriculum.len(),
        minutes: total_minutes(curriculum.iter().map(|&i| site.modules[i].duration)),
        module_ids: joined_ids(curriculum.iter().map(|&i| &site.modules[i])),
    }
}

fn home(site: &Site) -> Value {
    let roles: Vec<RoleCard> = site
        .framework
        .roles
        .iter()
        .map(|r| role_card(site, r))
        .collect();
    let mut newest: Vec<&crate::site::Module> = site
        .modules
        .iter()
        .filter(|m| m.updated.is_some())
        .collect();
    newest.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    let newest: Vec<ModuleCard> = newest
        .into_iter()
        .take(6)
        .map(|m| module_card(site, m))
        .collect();
    let guide = site
        .pages
        .iter()
        .find(|p| p.slug == "guide")
        .map(|p| urls::page_href(&p.slug));
    context! {
        roles => Serde(roles),
        newest => Serde(newest),
        guide_url => guide,
        module_count => site.modules.len(),
        skill_count => site.framework.skills.len(),
        resource_count => site.catalogue.resources.len(),
    }
}

fn role(site: &Site, id: &str, views: &ViewCache) -> Value {
    let Some(role) = site.framework.role(id) else {
        return context! {};
    };
    let curriculum = views.module_rows(site, site.curricula[id].iter().copied());
    let parent = role
        .extends
        .as_deref()
        .and_then(|p| site.framework.role(p))
        .map(role_link);
    let children: Vec<Link> = site
        .framework
        .roles
        .iter()
        .filter(|r| r.extends.as_deref() == Some(id))
        .map(role_link)
        .collect();
    let resources: Vec<Value> = site
        .catalogue
        .resources
        .iter()
        .filter(|r| r.roles.iter().any(|x| x == id))
        .filter_map(|r| views.resource(site, &r.id))
        .collect();
    context! {
        role => Serde(role_card(site, role)),
        targets => Serde(&role.targets),
        steps => Serde(step_views(site, role)),
        skill_groups => Serde(role_skill_groups(site, id)),
        curriculum,
        parent => Serde(parent),
        children => Serde(children),
        resources,
    }
}

fn module(site: &Site, id: &str, shared: &Shared) -> Value {
    let Some(position) = site.module_position(id) else {
        return context! {};
    };
    let module = &site.modules[position];
    let views = &shared.site.views;
    let prerequisites = views.module_rows(
        site,
        module
            .prerequisites
            .iter()
            .filter_map(|p| site.module_position(p)),
    );
    let roles: Vec<Value> = site.module_roles[position]
        .iter()
        .filter_map(|r| site.framework.role(r))
        .map(|r| views.role_link(site, r))
        .collect();
    let resources: Vec<Value> = module
        .resources
        .iter()
        .filter_map(|r| views.resource(site, r))
        .collect();
    let headings: Vec<_> = module
        .body
        .headings
        .iter()
        .filter(|h| h.level == 2)
        .collect();
    let pagers = learning::pagers(site, &shared.site.places, position);
    context! {
        module => Serde(module_card(site, module)),
        pagers => learning::pager_values(site, views, &pagers),
        draw => module.draw,
        pass_score => module.pass_score,
        updated => Serde(&module.updated),
        body => safe(body_html(&module.body, shared.quiz)),
        headings => Serde(headings),
        prerequisites,
        roles,
        resources,
        source_path => module.path.to_string_lossy().replace('\\', "/"),
    }
}

#[derive(Serialize)]
struct MatrixRow<'a> {
    skill: SkillView<'a>,
    cells: Vec<Option<Requirement>>,
    gap: bool,
}

#[derive(Serialize)]
struct MatrixGroup<'a> {
    name: &'a str,
    rows: Vec<MatrixRow<'a>>,
}

fn matrix(site: &Site) -> Value {
    let roles: Vec<Link> = site.framework.roles.iter().map(role_link).collect();
    let groups: Vec<MatrixGroup> = site
        .framework
        .categories
        .iter()
        .map(|category| MatrixGroup {
            name: &category.name,
            rows: site
                .framework
                .skills
                .iter()
                .filter(|s| s.category == category.id)
                .map(|skill| {
                    let module_count = site.skill_modules.get(&skill.id).map_or(0, Vec::len);
                    let cells = site
                        .framework
                        .roles
                        .iter()
                        .map(|r| {
                            site.framework
                                .skills_of_role(&r.id)
                                .iter()
                                .find(|(s, _)| s == &skill.id)
                                .map(|(_, req)| *req)
                        })
                        .collect();
                    let skill = SkillView {
                        id: &skill.id,
                        name: &skill.name,
                        description: &skill.description,
                        url: urls::skill_href(&skill.id),
                        requirement: None,
                        module_count,
                    };
                    MatrixRow {
                        skill,
                        cells,
                        gap: module_count == 0,
                    }
                })
                .collect(),
        })
        .collect();
    context! { roles => Serde(roles), groups => Serde(groups) }
}

fn skill(site: &Site, id: &str, views: &ViewCache) -> Value {
    let Some(skill) = site.framework.skill(id) else {
        return context! {};
    };
    let category = site
        .framework
        .category(&skill.category)
        .map(|c| c.name.as_str());
    let roles: Vec<Value> = site
        .framework
        .roles
        .iter()
        .filter_map(|r| {
            let requirement = site
                .framework
                .skills_of_role(&r.id)
                .iter()
                .find(|(s, _)| s == id)
                .map(|(_, req)| *req)?;
            Some(context! { link => Serde(role_link(r)), requirement => Serde(requirement) })
        })
        .collect();
    let modules = views.module_rows(
        site,
        site.skill_modules.get(id).into_iter().flatten().copied(),
    );
    let resources: Vec<Value> = site
        .catalogue
        .resources
        .iter()
        .filter(|r| r.skills.iter().any(|s| s == id))
        .filter_map(|r| views.resource(site, &r.id))
        .collect();
    context! {
        skill => context! { id => &skill.id, name => &skill.name, description => &skill.description, category },
        roles,
        modules,
        resources,
    }
}

#[derive(Serialize)]
struct ProviderGroup<'a> {
    provider: &'a str,
    resources: Vec<ResourceView<'a>>,
}

fn resources(site: &Site) -> Value {
    let mut groups: Vec<ProviderGroup> = Vec::new();
    for resource in &site.catalogue.resources {
        let view = resource_view(site, &resource.id);
        match groups.iter_mut().find(|g| g.provider == resource.provider) {
            Some(group) => group.resources.extend(view),
            None => groups.push(ProviderGroup {
                provider: &resource.provider,
                resources: view.into_iter().collect(),
            }),
        }
    }
    let resources = &site.catalogue.resources;
    let mut kinds: Vec<&str> = Vec::new();
    for r in resources {
        if !kinds.contains(&r.kind.as_str()) {
            kinds.push(&r.kind);
        }
    }
    let skills: Vec<Link> = site
        .framework
        .skills
        .iter()
        .filter(|s| resources.iter().any(|r| r.skills.contains(&s.id)))
        .map(|s| skill_link(site, &s.id))
        .collect();
    let roles: Vec<Link> = site
        .framework
        .roles
        .iter()
        .filter(|role| resources.iter().any(|r| r.roles.contains(&role.id)))
        .map(role_link)
        .collect();
    context! {
        providers => Serde(groups),
        kinds => Serde(kinds),
        filter_skills => Serde(skills),
        filter_roles => Serde(roles),
    }
}

#[derive(Serialize)]
struct ProgressRole<'a> {
    card: RoleCard<'a>,
    steps: Vec<StepView<'a>>,
}

fn progress(site: &Site) -> Value {
    let roles: Vec<ProgressRole> = site
        .framework
        .roles
        .iter()
        .map(|r| ProgressRole {
            card: role_card(site, r),
            steps: step_views(site, r),
        })
        .collect();
    let modules: Vec<Link> = site.modules.iter().map(module_link).collect();
    let skills: Vec<Link> = site
        .framework
        .skills
        .iter()
        .map(|s| skill_link(site, &s.id))
        .collect();
    context! {
        roles => Serde(roles),
        modules => Serde(modules),
        module_ids => joined_ids(site.modules.iter()),
        skills => Serde(skills),
        departments => Serde(&site.config.departments),
    }
}

fn standalone(site: &Site, slug: &str, quiz: &QuizStrings) -> Value {
    let Some(page) = site.pages.iter().find(|p| p.slug == slug) else {
        return context! {};
    };
    let headings: Vec<_> = page.body.headings.iter().filter(|h| h.level == 2).collect();
    context! {
        page => context! { title => &page.title, summary => &page.summary },
        body => safe(body_html(&page.body, quiz)),
        headings => Serde(headings),
    }
}
