//! How fast maintained YAML parsers read kenshu's quiz blocks.
//!
//! Every ```` ```quiz ```` block under the given folder is parsed, on one
//! thread, by: marked-yaml (what kenshu uses: nodes with positions, on
//! yaml-rust2), saphyr's `MarkedYaml` (nodes with positions), and the bare
//! event streams of saphyr-parser and libyaml-safer (no nodes at all: a
//! floor for any loader built on them). Best of five passes each.

use saphyr::LoadableYamlNode;
use std::time::{Duration, Instant};

fn best(mut pass: impl FnMut() -> usize) -> (Duration, usize) {
    (0..5)
        .map(|_| {
            let started = Instant::now();
            let count = pass();
            (started.elapsed(), count)
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let root = std::env::args().nth(1).expect("usage: yaml-parsers FOLDER");
    let mut blocks = Vec::new();
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.expect("walk");
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("read");
        for block in text.split("```quiz\n").skip(1) {
            blocks.push(block.split("```").next().unwrap_or_default().to_string());
        }
    }
    let bytes: usize = blocks.iter().map(String::len).sum();
    println!("{} blocks, {:.1} MB", blocks.len(), bytes as f64 / 1e6);
    let options = || {
        marked_yaml::LoaderOptions::default()
            .error_on_duplicate_keys(true)
            .toplevel_sequence()
    };
    let runs: [(&str, Box<dyn Fn(&str) -> usize>); 4] = [
        (
            "marked-yaml nodes",
            Box::new(|b| marked_yaml::parse_yaml_with_options(0, b, options()).map_or(0, |_| 1)),
        ),
        (
            "saphyr MarkedYaml nodes",
            Box::new(|b| saphyr::MarkedYaml::load_from_str(b).map_or(0, |d| d.len())),
        ),
        (
            "saphyr-parser events",
            Box::new(|b| saphyr_parser::Parser::new_from_str(b).map_while(Result::ok).count()),
        ),
        (
            "libyaml-safer events",
            Box::new(|b| {
                let mut input = b.as_bytes();
                let mut parser = libyaml_safer::Parser::new();
                parser.set_input_string(&mut input);
                parser.map_while(Result::ok).count()
            }),
        ),
    ];
    for (name, parse) in &runs {
        let (time, count) = best(|| blocks.iter().map(|b| parse(b)).sum());
        let each = time.as_secs_f64() * 1e6 / blocks.len().max(1) as f64;
        println!(
            "{name:<24} {:>8.1} ms  {each:>6.1} µs a block  ({count})",
            time.as_secs_f64() * 1e3
        );
    }
}
