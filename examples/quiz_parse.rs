//! Times parsing quiz blocks: every ```` ```quiz ```` block of a site, parsed
//! with kenshu's YAML front door (marked-yaml + src/yaml.rs readers), on
//! one thread, best of five passes. docs/performance.md compares the
//! microseconds per block with serde_yaml's figure from before the change.
//!
//!   cargo run --release --example quiz_parse -- SITE_ROOT

use kenshu::content::quiz::parse_block;
use std::path::Path;
use std::time::Instant;

fn main() {
    let root = std::env::args()
        .nth(1)
        .expect("usage: quiz_parse SITE_ROOT");
    let mut blocks: Vec<(std::path::PathBuf, String)> = Vec::new();
    for entry in walkdir::WalkDir::new(Path::new(&root).join("content/modules")) {
        let entry = entry.expect("walk");
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("read");
        for block in text.split("```quiz\n").skip(1) {
            let body = block.split("```").next().unwrap_or_default();
            blocks.push((entry.path().to_path_buf(), body.to_string()));
        }
    }
    let mut best = f64::MAX;
    let mut questions = 0;
    for _ in 0..5 {
        let started = Instant::now();
        questions = 0;
        for (path, body) in &blocks {
            questions += parse_block(path, body, 1).map(|q| q.len()).unwrap_or(0);
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{} blocks, {questions} questions: best of 5 {:.1} ms, {:.1} µs a block",
        blocks.len(),
        best * 1e3,
        best * 1e6 / blocks.len().max(1) as f64
    );
}
