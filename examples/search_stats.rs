//! Search index statistics for the benchmark (docs/performance.md).
//!
//! Loads a site, times [`kenshu::search::index_files`], and prints the size
//! of the index, its shard count and the largest shard, then for each query
//! word the bytes a browser downloads for the first query: `meta.js`, the
//! shards of the word's tokens and the docs file of the first hit — the same
//! files `themes/default/static/js/search.js` loads, found with the same
//! tokenizer and shard hash.
//!
//! `cargo run --release --example search_stats -- SITE_ROOT [WORD…]`

use kenshu::render::{Contents, OutputFile};
use kenshu::search::{shard_of, tokens, DOCS_PER_FILE};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

const DEFAULT_WORDS: &[&str] = &["自治体", "三層分離", "生成", "クラウド", "調達"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(root) = args.first() else {
        eprintln!("usage: search_stats SITE_ROOT [WORD…]");
        return ExitCode::FAILURE;
    };
    let (site, diagnostics) = kenshu::load_site(Path::new(root), kenshu::LoadOptions::default());
    let Some(site) = site else {
        eprintln!("cannot load {root}: {diagnostics:?}");
        return ExitCode::FAILURE;
    };
    let started = Instant::now();
    let files = kenshu::search::index_files(&site);
    let elapsed = started.elapsed();
    let sizes: HashMap<String, usize> = files.iter().map(|f| (name(f), size(f))).collect();
    let shards = sizes.keys().filter(|n| n.starts_with("idx-")).count();
    let largest = sizes
        .iter()
        .filter(|(n, _)| n.starts_with("idx-"))
        .map(|(_, s)| *s)
        .max()
        .unwrap_or(0);
    let largest_docs = sizes
        .iter()
        .filter(|(n, _)| n.starts_with("docs-"))
        .map(|(_, s)| *s)
        .max()
        .unwrap_or(0);
    println!(
        "index: {} ms, {} files, {} kB total, {} shards, largest shard {} kB, largest docs file {} kB",
        elapsed.as_millis(),
        files.len(),
        sizes.values().sum::<usize>() / 1000,
        shards,
        largest / 1000,
        largest_docs / 1000
    );
    // A 2–4 character word has at most 3 distinct bigrams.
    println!(
        "worst case for a 2-4 character word: {} kB (meta + 3 largest shards + largest docs file)",
        (sizes.get("meta").copied().unwrap_or(0) + 3 * largest + largest_docs) / 1000
    );
    let words: Vec<&str> = match args.len() {
        1 => DEFAULT_WORDS.to_vec(),
        _ => args[1..].iter().map(String::as_str).collect(),
    };
    for word in words {
        println!("{}", first_query(word, &files, &sizes, shards as u32));
    }
    ExitCode::SUCCESS
}

/// The files and bytes the first query for `word` loads.
fn first_query(
    word: &str,
    files: &[OutputFile],
    sizes: &HashMap<String, usize>,
    shards: u32,
) -> String {
    let unique: BTreeSet<String> = tokens(word).into_iter().collect();
    let shard_names: BTreeSet<String> = unique
        .iter()
        .map(|t| format!("idx-{}", shard_of(t, shards)))
        .collect();
    let mut hits: Option<BTreeSet<u32>> = None;
    for token in &unique {
        let shard = format!("idx-{}", shard_of(token, shards));
        let docs = postings(files, &shard, token);
        hits = Some(match hits {
            None => docs,
            Some(before) => before.intersection(&docs).copied().collect(),
        });
    }
    let hits = hits.unwrap_or_default();
    let mut needed: Vec<String> = vec!["meta".into()];
    needed.extend(shard_names);
    if let Some(first) = hits.first() {
        needed.push(format!("docs-{}", *first as usize / DOCS_PER_FILE));
    }
    let bytes: usize = needed
        .iter()
        .map(|n| sizes.get(n).copied().unwrap_or(0))
        .sum();
    format!(
        "query {word}: {} tokens, {} hits, {} files, {} kB ({})",
        unique.len(),
        hits.len(),
        needed.len(),
        bytes / 1000,
        needed.join(" ")
    )
}

/// Document numbers of one token, decoded from its shard file.
fn postings(files: &[OutputFile], shard: &str, token: &str) -> BTreeSet<u32> {
    let Some(file) = files.iter().find(|f| name(f) == shard) else {
        return BTreeSet::new();
    };
    let Contents::Bytes(bytes) = &file.contents else {
        return BTreeSet::new();
    };
    let text = String::from_utf8_lossy(bytes);
    let json = text
        .split_once("]=")
        .map(|(_, rest)| rest.trim_end().trim_end_matches(';'))
        .unwrap_or("{}");
    let map: BTreeMap<String, Vec<u32>> = serde_json::from_str(json).unwrap_or_default();
    let mut doc = 0;
    map.get(token)
        .into_iter()
        .flatten()
        .map(|value| {
            doc += value / 2;
            doc
        })
        .collect()
}

fn name(file: &OutputFile) -> String {
    file.path
        .trim_start_matches("assets/search/")
        .trim_end_matches(".js")
        .to_string()
}

fn size(file: &OutputFile) -> usize {
    match &file.contents {
        Contents::Bytes(bytes) => bytes.len(),
        Contents::Copy(_) => 0,
    }
}
