//! Search index statistics for the benchmark (docs/performance.md).
//!
//! Loads a site, times [`kenshu::build::search_index`], and prints the size
//! of the index, its shard count and the largest shard, then for each query
//! word the bytes a browser downloads for the first query in the header
//! box: `meta.js`, the shards of the word's tokens and the `doc-N.js` of
//! the results it shows (up to 8; here the 8 largest among the hits, an
//! upper bound whatever the ranking) — the files
//! `themes/default/static/js/search-index.js` loads, found with the same
//! tokenizer and shard hash. One-character kanji words use their unigram; a
//! word of a synonym group, the group's own list.
//!
//! `cargo run --release --example search_stats -- SITE_ROOT [WORD…]`

use kenshu::output::{Contents, OutputFile};
use kenshu::search::{normalize, query_tokens, shard_of};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

const DEFAULT_WORDS: &[&str] = &[
    "自治体",
    "三層分離",
    "生成",
    "クラウド",
    "調達",
    "せきゅりてぃ",
    "税",
    "系",
];
/// Results the header box shows, each with its `doc-N.js`.
const SHOWN: usize = 8;

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
    let files = kenshu::build::search_index(&site);
    let elapsed = started.elapsed();
    let sizes: HashMap<String, usize> = files.iter().map(|f| (name(f), size(f))).collect();
    let largest = |prefix: &str| -> Vec<usize> {
        let mut all: Vec<usize> = sizes
            .iter()
            .filter(|(n, _)| n.starts_with(prefix))
            .map(|(_, s)| *s)
            .collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        all
    };
    let shard_sizes = largest("idx-");
    let doc_sizes = largest("doc-");
    let meta = sizes.get("meta").copied().unwrap_or(0);
    println!(
        "index: {} ms, {} files, {} kB total, {} shards, largest shard {} kB, meta {} kB, largest doc file {} kB",
        elapsed.as_millis(),
        files.len(),
        sizes.values().sum::<usize>() / 1000,
        shard_sizes.len(),
        shard_sizes.first().unwrap_or(&0) / 1000,
        meta / 1000,
        doc_sizes.first().unwrap_or(&0) / 1000,
    );
    // A 2–4 character word has at most 3 distinct bigrams (and a kanji
    // word up to 4 unigrams, which are only looked up for one character).
    let worst = meta
        + shard_sizes.iter().take(3).sum::<usize>()
        + doc_sizes.iter().take(SHOWN).sum::<usize>();
    println!(
        "worst case for a 2-4 character word: {} kB (meta + 3 largest shards + {SHOWN} largest doc files)",
        worst / 1000
    );
    let words: Vec<&str> = match args.len() {
        1 => DEFAULT_WORDS.to_vec(),
        _ => args[1..].iter().map(String::as_str).collect(),
    };
    let shards = shard_sizes.len() as u32;
    let groups = synonym_groups(&files);
    for word in words {
        println!("{}", first_query(word, &files, &sizes, shards, &groups));
    }
    ExitCode::SUCCESS
}

/// The folded synonym groups of meta.js.
fn synonym_groups(files: &[OutputFile]) -> Vec<Vec<String>> {
    let meta: serde_json::Value = files
        .iter()
        .find(|f| name(f) == "meta")
        .map(|f| serde_json::from_str(script_json(f)).unwrap_or_default())
        .unwrap_or_default();
    serde_json::from_value(meta["synonyms"].clone()).unwrap_or_default()
}

/// The tokens search-index.js looks up for a word: its synonym group's
/// list, or its query tokens.
fn lookups(word: &str, groups: &[Vec<String>]) -> BTreeSet<String> {
    let folded = normalize(word);
    match groups.iter().position(|g| g.contains(&folded)) {
        Some(number) => BTreeSet::from([format!("~{number}")]),
        None => query_tokens(word).into_iter().collect(),
    }
}

/// The files and bytes the first query for `word` loads.
fn first_query(
    word: &str,
    files: &[OutputFile],
    sizes: &HashMap<String, usize>,
    shards: u32,
    groups: &[Vec<String>],
) -> String {
    let unique = lookups(word, groups);
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
    let mut doc_files: Vec<(usize, String)> = hits
        .iter()
        .map(|d| format!("doc-{d}"))
        .map(|n| (sizes.get(&n).copied().unwrap_or(0), n))
        .collect();
    doc_files.sort_unstable_by(|a, b| b.cmp(a));
    let mut needed: Vec<String> = vec!["meta".into()];
    needed.extend(shard_names);
    let shard_count = needed.len() - 1;
    needed.extend(doc_files.into_iter().take(SHOWN).map(|(_, n)| n));
    let bytes: usize = needed
        .iter()
        .map(|n| sizes.get(n).copied().unwrap_or(0))
        .sum();
    format!(
        "query {word}: {} tokens, {} hits, {} shards + {} doc files, {} kB",
        unique.len(),
        hits.len(),
        shard_count,
        needed.len() - 1 - shard_count,
        bytes / 1000,
    )
}

/// Document numbers of one token, decoded from its shard file (the base-32
/// digits of src/search/index.rs).
fn postings(files: &[OutputFile], shard: &str, token: &str) -> BTreeSet<u32> {
    const DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let Some(file) = files.iter().find(|f| name(f) == shard) else {
        return BTreeSet::new();
    };
    let map: BTreeMap<String, String> = serde_json::from_str(script_json(file)).unwrap_or_default();
    let (mut doc, mut value, mut out) = (0u32, 0u32, BTreeSet::new());
    for c in map.get(token).map(String::as_str).unwrap_or("").chars() {
        let digit = DIGITS.find(c).unwrap_or(0) as u32;
        value = value * 32 + (digit & 31);
        if digit < 32 {
            doc += value / 16;
            out.insert(doc);
            value = 0;
        }
    }
    out
}

/// The JSON a script of the index assigns.
fn script_json(file: &OutputFile) -> &str {
    let Contents::Bytes(bytes) = &file.contents else {
        return "null";
    };
    let text = std::str::from_utf8(bytes).unwrap_or("");
    text.split_once("]=")
        .map(|(_, rest)| rest.trim_end().trim_end_matches(';'))
        .unwrap_or("null")
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
