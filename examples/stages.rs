//! Where a build's time goes, stage by stage, on one thread.
//!
//! Loads the site, renders every page kind separately, builds the search
//! index and writes the files, timing each step. Run it on one thread so the
//! numbers add up to the CPU the build spends:
//! `RAYON_NUM_THREADS=1 cargo run --release --example stages -- SITE_ROOT OUT_DIR`.
//! docs/performance.md quotes its output.

use kenshu::build::prepare;
use kenshu::output::Staging;
use kenshu::render::{all_pages, PageId};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The allocator of the `kenshu` binary, so the stages cost what they cost there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, out] = args.as_slice() else {
        eprintln!("usage: stages SITE_ROOT OUT_DIR");
        return ExitCode::FAILURE;
    };
    let started = Instant::now();
    let (site, renderer, _) = match prepare(Path::new(root), Default::default()) {
        Ok(prepared) => prepared,
        Err(diagnostics) => {
            eprintln!("the site has errors: {diagnostics:?}");
            return ExitCode::FAILURE;
        }
    };
    report("load", started.elapsed(), 1, 0);
    let spare = kenshu::output::spare_in_site(Path::new(root), Path::new(out));
    let staging = match Staging::create(Path::new(out), spare) {
        Ok(staging) => staging,
        Err(err) => {
            eprintln!("{err:?}");
            return ExitCode::FAILURE;
        }
    };
    let mut kinds: BTreeMap<&str, (Duration, usize, usize)> = BTreeMap::new();
    let mut writing = (Duration::ZERO, 0);
    let mut write = |file: &kenshu::output::OutputFile| {
        let started = Instant::now();
        let result = staging.write(file);
        writing.0 += started.elapsed();
        writing.1 += 1;
        result.map_err(|err| eprintln!("{err:?}")).is_ok()
    };
    let values = kenshu::render::SiteValues::new(&site);
    for page in all_pages(&site) {
        let started = Instant::now();
        let Ok(file) = renderer.render_page(&site, &values, &page) else {
            eprintln!("page {page:?} failed");
            return ExitCode::FAILURE;
        };
        let entry = kinds.entry(kind(&page)).or_default();
        entry.0 += started.elapsed();
        entry.1 += 1;
        if let kenshu::output::Contents::Bytes(bytes) = &file.contents {
            entry.2 += bytes.len();
        }
        if !write(&file) {
            return ExitCode::FAILURE;
        }
    }
    for (name, (time, count, bytes)) in &kinds {
        report(name, *time, *count, *bytes);
    }
    let started = Instant::now();
    let index = kenshu::build::search_index(&site);
    report("search index", started.elapsed(), index.len(), 0);
    if !index.iter().all(&mut write) {
        return ExitCode::FAILURE;
    }
    report("write", writing.0, writing.1, 0);
    // Page rendering alone, steadier than one pass on a noisy machine: the
    // fastest of five passes over the first 1,000 module pages.
    let sample: Vec<PageId> = all_pages(&site)
        .into_iter()
        .filter(|p| matches!(p, PageId::Module(_)))
        .take(1000)
        .collect();
    let fastest = (0..5)
        .map(|_| {
            let started = Instant::now();
            for page in &sample {
                let _ = renderer.render_page(&site, &values, page);
            }
            started.elapsed()
        })
        .min()
        .unwrap_or_default();
    report("module (best)", fastest, sample.len(), 0);
    ExitCode::SUCCESS
}

fn kind(page: &PageId) -> &'static str {
    match page {
        PageId::Module(_) => "module pages",
        PageId::Role(_) => "role pages",
        PageId::Skill(_) => "skill pages",
        PageId::Home => "home",
        PageId::Progress => "progress",
        _ => "other pages",
    }
}

fn report(stage: &str, time: Duration, count: usize, bytes: usize) {
    let each = time.as_secs_f64() * 1e6 / count.max(1) as f64;
    println!(
        "{stage:<14} {:>8.1} ms  {count:>6} × {each:>8.1} µs  {:>7.1} MB",
        time.as_secs_f64() * 1e3,
        bytes as f64 / 1e6
    );
}
