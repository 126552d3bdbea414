//! The index as script files under `assets/search/`.
//!
//! - `meta.js`: shard count, document count, the documents' kinds (as
//!   ranges of document numbers) and lengths, and the synonym groups;
//! - `idx-N.js`: the posting lists of the tokens that hash to shard N;
//! - `doc-N.js`: what a result shows for document N: URL, title, kind,
//!   summary and sections (anchor, heading, text) for the snippet.
//!
//! A query loads `meta.js`, one shard per distinct token and the `doc-N.js`
//! of the results it shows, so what it downloads does not grow with the
//! site. Files are scripts (not JSON fetched with XHR) so search also works
//! from a shared folder (`file://`).

use super::documents::SearchDoc;
use super::index::{length_codes, Index, PostingMap};
use super::tokens::{shard_of, token_text};
use super::IndexFile;
use rayon::prelude::*;

/// Target size of one shard, in bytes of postings. A query loads one shard
/// per distinct token; tokens that occur in most documents have posting
/// lists of kilobytes on their own, so shards are kept small enough that a
/// 2–4 character query stays well under 300 kB at 10,000 modules.
const SHARD_TARGET_BYTES: usize = 16 * 1024;
/// Index format; search-index.js refuses other versions.
const VERSION: u32 = 2;

/// How many shards an index of about this many bytes of postings gets.
pub(crate) fn shard_count(index: &PostingMap) -> u32 {
    let bytes: usize = index.values().map(|p| p.encoded.len() + 8).sum();
    let wanted = bytes.div_ceil(SHARD_TARGET_BYTES).max(1);
    (wanted.next_power_of_two() as u32).min(8192)
}

/// `meta.js`.
pub(crate) fn meta_file(
    docs: &[SearchDoc],
    lengths: &[u32],
    shards: u32,
    synonyms: &[Vec<String>],
) -> IndexFile {
    let mut kinds: Vec<(&str, usize, usize)> = Vec::new();
    for (number, doc) in docs.iter().enumerate() {
        match kinds.last_mut() {
            Some((kind, _, end)) if *kind == doc.kind => *end = number + 1,
            _ => kinds.push((doc.kind, number, number + 1)),
        }
    }
    let meta = serde_json::json!({
        "version": VERSION,
        "shards": shards,
        "docCount": docs.len(),
        "kinds": kinds,
        "lengths": length_codes(lengths),
        "synonyms": synonyms,
    });
    script_file("meta", &meta)
}

/// One `doc-N.js` per document, each handed to `sink`; returns how many.
pub(crate) fn doc_files<E: Send>(
    docs: &[SearchDoc],
    urls: &(dyn Fn(&super::Target) -> String + Sync),
    sink: &(dyn Fn(IndexFile) -> Result<(), E> + Sync),
) -> Result<usize, E> {
    docs.par_iter().enumerate().try_for_each(|(number, doc)| {
        let sections: Vec<[&str; 3]> = doc
            .sections
            .iter()
            .map(|s| [s.anchor, s.heading, s.text])
            .collect();
        let row = (
            urls(&doc.target),
            doc.title,
            doc.kind,
            excerpt(&doc.summary),
            sections,
        );
        sink(script_file(&format!("doc-{number}"), &row))
    })?;
    Ok(docs.len())
}

/// One script per shard: `{"token":"postings",…}` with tokens in byte
/// order; synonym group N is the token `~N`. Each goes to `sink`; returns
/// how many.
pub(crate) fn shard_files<E: Send>(
    index: Index,
    shards: u32,
    sink: &(dyn Fn(IndexFile) -> Result<(), E> + Sync),
) -> Result<usize, E> {
    let groups = index
        .groups
        .into_iter()
        .enumerate()
        .map(|(number, postings)| {
            let text = format!("~{number}");
            (shard_of(&text, shards), text, postings.encoded)
        });
    let mut entries: Vec<(u32, String, Vec<u8>)> = index
        .tokens
        .into_iter()
        .map(|(token, postings)| {
            let text = token_text(token);
            (shard_of(&text, shards), text, postings.encoded)
        })
        .chain(groups)
        .collect();
    entries.par_sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut by_shard: Vec<&[(u32, String, Vec<u8>)]> = Vec::with_capacity(shards as usize);
    let mut rest = entries.as_slice();
    for shard in 0..shards {
        let end = rest.partition_point(|e| e.0 == shard);
        by_shard.push(&rest[..end]);
        rest = &rest[end..];
    }
    by_shard
        .par_iter()
        .enumerate()
        .try_for_each(|(number, entries)| {
            let bytes: usize = entries.iter().map(|e| e.1.len() + e.2.len() + 6).sum();
            let mut json = Vec::with_capacity(bytes + 2);
            json.push(b'{');
            for (i, (_, token, postings)) in entries.iter().enumerate() {
                if i > 0 {
                    json.push(b',');
                }
                // Tokens are letters and digits (or `~` and digits),
                // postings base64url characters: nothing to escape.
                json.push(b'"');
                json.extend_from_slice(token.as_bytes());
                json.extend_from_slice(b"\":\"");
                json.extend_from_slice(postings);
                json.push(b'"');
            }
            json.push(b'}');
            sink(script_bytes(&format!("idx-{number}"), &json))
        })?;
    Ok(by_shard.len())
}

fn excerpt(text: &str) -> &str {
    match text.char_indices().nth(120) {
        Some((byte, _)) => &text[..byte],
        None => text,
    }
}

fn script_file(name: &str, data: &impl serde::Serialize) -> IndexFile {
    let json = serde_json::to_vec(data).unwrap_or_else(|_| b"null".to_vec());
    script_bytes(name, &json)
}

fn script_bytes(name: &str, json: &[u8]) -> IndexFile {
    let prefix = format!("(window.kenshuSearchData||(window.kenshuSearchData={{}}))[\"{name}\"]=");
    let mut script = Vec::with_capacity(prefix.len() + json.len() + 2);
    script.extend_from_slice(prefix.as_bytes());
    script.extend_from_slice(json);
    script.extend_from_slice(b";\n");
    IndexFile {
        path: format!("assets/search/{name}.js"),
        bytes: script,
    }
}
