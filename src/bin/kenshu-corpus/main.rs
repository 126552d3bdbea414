//! `kenshu-corpus`: writes a synthetic kenshu site of any size, for benchmarks.
//!
//! The corpus is deterministic: the same `--modules` and `--seed` always give
//! byte-identical files, so timings from two machines or two commits compare.
//! Each module has front matter (skills, level, duration, resources,
//! prerequisites that never form a cycle) and a 3–6 kB body of mixed
//! Japanese and English with a list, a table, a code block, links to other
//! modules and one quiz block of five questions mixing the four kinds.
//!
//! With `--hugo DIR` the same bodies are also laid out as a Hugo site with a
//! minimal layout (a base, a page, a list and the `skills` taxonomy), so the
//! two tools render comparable pages from the same Markdown.

#![forbid(unsafe_code)]

use clap::Parser;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod framework;
mod hugo;
mod records;
mod text;

use framework::{RESOURCE_IDS, SKILLS};

/// Command line of the generator.
#[derive(Parser, Debug)]
#[command(about = "Writes a deterministic synthetic kenshu site for benchmarks")]
struct Args {
    /// Number of modules.
    #[arg(long, default_value_t = 1000)]
    modules: usize,
    /// Seed of the pseudo-random generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder of the kenshu site (created; must not exist or be empty).
    #[arg(long)]
    out: PathBuf,
    /// Also write the same bodies as a Hugo site into this folder.
    #[arg(long)]
    hugo: Option<PathBuf>,
    /// Instead of a site: write this many learning records (schema 2) for
    /// the site at --site, and a roster, into --out.
    #[arg(long)]
    records: Option<usize>,
    /// The site the records are for (with --records).
    #[arg(long, default_value = ".")]
    site: PathBuf,
}

/// A small, fast, deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `n` different items of `items` (at most all of them), in a random
    /// order: the choices of one question, the prompts of one quiz.
    pub fn pick_distinct<'a, T>(&mut self, items: &'a [T], n: usize) -> Vec<&'a T> {
        let mut order: Vec<usize> = (0..items.len()).collect();
        for i in 0..n.min(order.len()) {
            let j = i + self.below(order.len() - i);
            order.swap(i, j);
        }
        order.iter().take(n).map(|&i| &items[i]).collect()
    }
}

/// What the generator decides about one module before writing its body.
pub struct ModuleSpec {
    pub id: String,
    pub folder: &'static str,
    pub title: String,
    pub summary: String,
    pub skills: Vec<&'static str>,
    pub level: usize,
    pub duration: usize,
    pub resources: Vec<&'static str>,
    pub prerequisites: Vec<usize>,
    pub updated: Option<String>,
}

impl ModuleSpec {
    /// Path of the module file below `content/modules/`.
    pub fn relative_path(&self) -> String {
        format!("{}/{}.md", self.folder, self.id)
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("kenshu-corpus: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> io::Result<()> {
    if let Some(count) = args.records {
        return records::write_records(&args.site, count, args.seed, &args.out);
    }
    let mut rng = Rng::new(args.seed);
    let specs: Vec<ModuleSpec> = (0..args.modules).map(|i| plan(i, &mut rng)).collect();
    write_site_files(&args.out)?;
    let mut bytes = 0;
    let mut hugo_site = args
        .hugo
        .as_deref()
        .map(hugo::HugoSite::create)
        .transpose()?;
    for (i, spec) in specs.iter().enumerate() {
        let body = text::body(spec, &specs, &mut Rng::new(args.seed ^ ((i as u64) << 20)));
        bytes += body.len();
        let file = args.out.join("content/modules").join(spec.relative_path());
        write(&file, &format!("{}{}", front_matter(spec, &specs), body))?;
        if let Some(site) = &mut hugo_site {
            site.write_module(spec, &body)?;
        }
    }
    println!(
        "wrote {} modules (bodies {} kB on average) to {}",
        specs.len(),
        bytes / specs.len().max(1) / 1000,
        args.out.display()
    );
    Ok(())
}

/// Decides a module's header; prerequisites only point to earlier modules.
fn plan(index: usize, rng: &mut Rng) -> ModuleSpec {
    // The first modules take every skill once, so that no skill is left
    // without a module (which `kenshu check` would warn about).
    let primary = match SKILLS.get(index) {
        Some(skill) => skill,
        None => rng.pick(SKILLS),
    };
    let mut skills = vec![primary.id];
    if rng.below(3) == 0 {
        let second = rng.pick(SKILLS).id;
        if second != primary.id {
            skills.push(second);
        }
    }
    let level = rng.between(1, 3);
    let mut prerequisites = Vec::new();
    for _ in 0..rng.below(3) {
        if index > 0 {
            let earlier = index - 1 - rng.below(index.min(200));
            if !prerequisites.contains(&earlier) {
                prerequisites.push(earlier);
            }
        }
    }
    let mut resources = Vec::new();
    for _ in 0..rng.between(1, 3) {
        let id = *rng.pick(RESOURCE_IDS);
        if !resources.contains(&id) {
            resources.push(id);
        }
    }
    let updated = (rng.below(3) == 0)
        .then(|| format!("2025-{:02}-{:02}", rng.between(1, 12), rng.between(1, 28)));
    ModuleSpec {
        id: format!("{}-{index:05}", primary.id),
        folder: primary.category,
        title: text::title(primary.name, index, rng),
        summary: text::summary(primary.name, rng),
        skills,
        level,
        duration: 15 * rng.between(1, 6),
        resources,
        prerequisites,
        updated,
    }
}

fn front_matter(spec: &ModuleSpec, specs: &[ModuleSpec]) -> String {
    let mut out = String::from("---\n");
    let _ = writeln!(out, "title: \"{}\"", spec.title);
    let _ = writeln!(out, "skills: [{}]", spec.skills.join(", "));
    let _ = writeln!(out, "level: {}", spec.level);
    let _ = writeln!(out, "duration: {}", spec.duration);
    let _ = writeln!(out, "summary: \"{}\"", spec.summary);
    let _ = writeln!(out, "resources: [{}]", spec.resources.join(", "));
    if !spec.prerequisites.is_empty() {
        let ids: Vec<&str> = spec
            .prerequisites
            .iter()
            .map(|&i| specs[i].id.as_str())
            .collect();
        let _ = writeln!(out, "prerequisites: [{}]", ids.join(", "));
    }
    if let Some(date) = &spec.updated {
        let _ = writeln!(out, "updated: {date}");
    }
    out.push_str("---\n\n");
    out
}

fn write_site_files(out: &Path) -> io::Result<()> {
    if out.exists() && fs::read_dir(out)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not empty", out.display()),
        ));
    }
    write(&out.join("content/site.yaml"), framework::SITE_YAML)?;
    write(&out.join("content/skills.yaml"), &framework::skills_yaml())?;
    write(
        &out.join("content/resources.yaml"),
        &framework::resources_yaml(),
    )
}

/// Writes a file, creating its folder; errors name the path.
pub fn write(path: &Path, contents: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", parent.display())))?;
    }
    fs::write(path, contents)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}
