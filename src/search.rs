//! The search index, written as script files.
//!
//! Japanese has no spaces between words, so text is indexed by character
//! bigrams: 「三層分離」 is 「三層」「層分」「分離」, and a query matches the
//! documents that contain all of its bigrams. Text is NFKC-normalised and
//! lowercased first, so 全角 and 半角 forms match each other.
//!
//! The index is split into shards by a hash of the bigram, and document
//! details into files of [`DOCS_PER_FILE`], so a query loads only the few
//! shards its bigrams fall in. Files are scripts (not JSON fetched with XHR)
//! so search also works when the portal is opened from a shared folder
//! (`file://`). The browser side is `themes/default/static/js/search.js`; it
//! must hash bigrams exactly as [`shard_of`] does.

use crate::render::{views, Contents, OutputFile};
use crate::site::Site;
use std::collections::{BTreeMap, HashMap};
use unicode_normalization::UnicodeNormalization;

/// Document details per file.
pub const DOCS_PER_FILE: usize = 200;
/// Target size of one shard, in bytes of postings.
const SHARD_TARGET_BYTES: usize = 48 * 1024;

/// A searchable document: one module, skill, resource or page.
struct SearchDoc {
    url: String,
    title: String,
    kind: &'static str,
    summary: String,
    /// Text whose bigrams count as title matches.
    heading_text: String,
    body_text: String,
}

/// Normalises text for indexing and querying: NFKC, then lowercase.
pub fn normalize(text: &str) -> String {
    text.nfkc().flat_map(char::to_lowercase).collect()
}

/// The bigrams of a text; a lone character between separators is kept as is.
pub fn tokens(text: &str) -> Vec<String> {
    let normalized = normalize(text);
    let mut out = Vec::new();
    let mut run: Vec<char> = Vec::new();
    for c in normalized.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() {
            run.push(c);
            continue;
        }
        match run.len() {
            0 => {}
            1 => out.push(run[0].to_string()),
            _ => out.extend(run.windows(2).map(|w| w.iter().collect::<String>())),
        }
        run.clear();
    }
    out
}

/// Which shard a token's postings are in: FNV-1a over its code points.
pub fn shard_of(token: &str, shards: u32) -> u32 {
    let hash = token.chars().fold(0x811c_9dc5u32, |hash, c| {
        (hash ^ c as u32).wrapping_mul(0x0100_0193)
    });
    hash % shards
}

fn documents(site: &Site) -> Vec<SearchDoc> {
    let mut docs = Vec::with_capacity(
        site.modules.len() + site.framework.skills.len() + site.catalogue.resources.len(),
    );
    for module in &site.modules {
        let skills: Vec<&str> = module
            .skills
            .iter()
            .filter_map(|s| site.framework.skill(s))
            .map(|s| s.name.as_str())
            .collect();
        docs.push(SearchDoc {
            url: views::module_url(&module.id),
            title: module.title.clone(),
            kind: "module",
            summary: module.summary.clone(),
            heading_text: module.title.clone(),
            body_text: format!(
                "{} {} {}",
                module.summary,
                skills.join(" "),
                module.body.plain_text
            ),
        });
    }
    for skill in &site.framework.skills {
        let category = site
            .framework
            .category(&skill.category)
            .map(|c| c.name.as_str())
            .unwrap_or("");
        docs.push(SearchDoc {
            url: views::skill_url(&skill.id),
            title: skill.name.clone(),
            kind: "skill",
            summary: skill.description.clone(),
            heading_text: skill.name.clone(),
            body_text: format!("{} {category}", skill.description),
        });
    }
    for resource in &site.catalogue.resources {
        docs.push(SearchDoc {
            url: "resources/index.html".into(),
            title: resource.title.clone(),
            kind: "resource",
            summary: format!("{} — {}", resource.provider, resource.description),
            heading_text: resource.title.clone(),
            body_text: format!(
                "{} {} {}",
                resource.provider, resource.kind, resource.description
            ),
        });
    }
    for page in &site.pages {
        docs.push(SearchDoc {
            url: format!("{}/index.html", page.slug),
            title: page.title.clone(),
            kind: "page",
            summary: page.summary.clone(),
            heading_text: page.title.clone(),
            body_text: page.body.plain_text.clone(),
        });
    }
    docs
}

/// Token → (document number, whether it occurs in the title), in document order.
fn postings(docs: &[SearchDoc]) -> HashMap<String, Vec<(u32, bool)>> {
    let mut index: HashMap<String, Vec<(u32, bool)>> = HashMap::new();
    for (number, doc) in docs.iter().enumerate() {
        let number = number as u32;
        let mut seen: HashMap<String, bool> = HashMap::new();
        for token in tokens(&doc.heading_text) {
            seen.insert(token, true);
        }
        for token in tokens(&doc.body_text) {
            seen.entry(token).or_insert(false);
        }
        for (token, in_title) in seen {
            index.entry(token).or_default().push((number, in_title));
        }
    }
    index
}

/// The index files of a site: meta, document details and posting shards.
pub fn index_files(site: &Site) -> Vec<OutputFile> {
    let docs = documents(site);
    let index = postings(&docs);
    let posting_count: usize = index.values().map(Vec::len).sum();
    let shards = shard_count(posting_count * 3 + index.len() * 8);
    let mut shard_maps: Vec<BTreeMap<&str, Vec<u32>>> = vec![BTreeMap::new(); shards as usize];
    for (token, list) in &index {
        let mut previous = 0;
        // Delta-encoded document numbers, doubled, plus one when the title matches.
        let encoded = list
            .iter()
            .map(|&(doc, in_title)| {
                let delta = doc - previous;
                previous = doc;
                delta * 2 + u32::from(in_title)
            })
            .collect();
        shard_maps[shard_of(token, shards) as usize].insert(token.as_str(), encoded);
    }
    let mut files = Vec::new();
    let meta = serde_json::json!({ "version": 1, "shards": shards, "docsPerFile": DOCS_PER_FILE, "docCount": docs.len() });
    files.push(script_file("meta", &meta));
    for (number, chunk) in docs.chunks(DOCS_PER_FILE).enumerate() {
        let rows: Vec<[&str; 4]> = chunk
            .iter()
            .map(|d| {
                [
                    d.url.as_str(),
                    d.title.as_str(),
                    d.kind,
                    excerpt(&d.summary),
                ]
            })
            .collect();
        files.push(script_file(&format!("docs-{number}"), &rows));
    }
    for (number, map) in shard_maps.iter().enumerate() {
        files.push(script_file(&format!("idx-{number}"), map));
    }
    files
}

fn shard_count(estimated_bytes: usize) -> u32 {
    let wanted = estimated_bytes.div_ceil(SHARD_TARGET_BYTES).max(1);
    (wanted.next_power_of_two() as u32).min(4096)
}

fn excerpt(text: &str) -> &str {
    match text.char_indices().nth(120) {
        Some((byte, _)) => &text[..byte],
        None => text,
    }
}

fn script_file(name: &str, data: &impl serde::Serialize) -> OutputFile {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "null".into());
    let script =
        format!("(window.kenshuSearchData||(window.kenshuSearchData={{}}))[\"{name}\"]={json};\n");
    OutputFile {
        path: format!("assets/search/{name}.js"),
        contents: Contents::Bytes(script.into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_text_becomes_bigrams() {
        assert_eq!(tokens("三層分離"), ["三層", "層分", "分離"]);
    }

    #[test]
    fn width_and_case_are_folded() {
        assert_eq!(tokens("ＢＰＲ"), tokens("bpr"));
        assert_eq!(tokens("ｶﾞﾊﾞﾒﾝﾄ"), tokens("ガバメント"));
    }

    #[test]
    fn shard_hash_is_fnv1a_over_code_points() {
        // search.js computes the same hash; its browser test checks the same values.
        assert_eq!(shard_of("分離", u32::MAX), 1_680_999_809);
        assert_eq!(shard_of("bp", 1024), 1_294_713_231 % 1024);
    }
}
