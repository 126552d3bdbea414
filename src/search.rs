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

use crate::render::{views, OutputFile};
use crate::site::Site;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Document details per file.
pub const DOCS_PER_FILE: usize = 200;
/// Target size of one shard, in bytes of postings. A query loads one shard
/// per distinct token; words that occur in most documents have posting lists
/// of tens of kB on their own, so shards are kept small enough that a 2–4
/// character query stays well under 300 kB at 10,000 modules.
const SHARD_TARGET_BYTES: usize = 24 * 1024;
/// Documents tokenized in parallel before their postings are merged; bounds
/// the memory of the per-document token lists.
const DOCS_PER_BATCH: usize = 256;

/// A searchable document: one module, skill, resource or page. Texts are
/// borrowed from the site; `body` is indexed as if its parts were joined
/// with spaces.
struct SearchDoc<'a> {
    url: String,
    title: &'a str,
    kind: &'static str,
    summary: Cow<'a, str>,
    /// Text whose bigrams count as title matches.
    heading: &'a str,
    body: Vec<&'a str>,
}

/// Normalises text for indexing and querying: NFKC, then lowercase.
pub fn normalize(text: &str) -> String {
    text.nfkc().flat_map(char::to_lowercase).collect()
}

/// The bigrams of a text; a lone character between separators is kept as is.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |token| out.push(token_text(token)));
    out
}

/// A token packed into an integer: first character in bits 21–41, second
/// (or 0 for a one-character token) in bits 0–20. `\0` is not alphanumeric,
/// so it never occurs inside a token.
type Token = u64;

fn pack(first: char, second: Option<char>) -> Token {
    (u64::from(first) << 21) | second.map_or(0, u64::from)
}

fn token_text(token: Token) -> String {
    let mut text = String::with_capacity(8);
    let first = char::from_u32((token >> 21) as u32).unwrap_or('\u{fffd}');
    text.push(first);
    if let Some(second) = char::from_u32((token & 0x1f_ffff) as u32).filter(|&c| c != '\0') {
        text.push(second);
    }
    text
}

/// Calls `emit` with each token of `text`, in the order [`tokens`] lists them.
///
/// Same result as tokenizing [`normalize`]d text, but without building the
/// normalised string or one `String` per token. NFKC only changes a text
/// between "stable" characters (those that never combine with what precedes
/// them); a stable character followed by another stable one is its own
/// normal form, so only the rare segments holding anything else (full-width
/// letters, half-width kana, combining marks) go through the normaliser.
fn for_each_token(text: &str, mut emit: impl FnMut(Token)) {
    let classes = char_classes();
    let mut run = Run::default();
    // Start (byte offset) of a pending segment that needs normalising.
    let mut pending: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let class = classes.of(c);
        if class & STABLE != 0 {
            if let Some(start) = pending.take() {
                normalized_segment(&text[start..offset], &mut run, &mut emit);
            }
            let next_is_stable = chars
                .peek()
                .is_none_or(|&(_, n)| classes.of(n) & STABLE != 0);
            if next_is_stable && class & LOWER_SELF != 0 {
                run.push(c, class & ALNUM != 0, &mut emit);
                continue;
            }
            if next_is_stable {
                for lower in c.to_lowercase() {
                    run.push(lower, is_alphanumeric(lower), &mut emit);
                }
                continue;
            }
        }
        pending.get_or_insert(offset);
    }
    if let Some(start) = pending {
        normalized_segment(&text[start..], &mut run, &mut emit);
    }
    run.end(&mut emit);
}

fn normalized_segment(segment: &str, run: &mut Run, emit: &mut impl FnMut(Token)) {
    for c in segment.nfkc().flat_map(char::to_lowercase) {
        run.push(c, is_alphanumeric(c), emit);
    }
}

/// The run of letters and digits being cut into bigrams.
#[derive(Default)]
struct Run {
    previous: Option<char>,
    length: usize,
}

impl Run {
    fn push(&mut self, c: char, alphanumeric: bool, emit: &mut impl FnMut(Token)) {
        if !alphanumeric {
            self.end(emit);
            return;
        }
        if let Some(previous) = self.previous {
            emit(pack(previous, Some(c)));
        }
        self.previous = Some(c);
        self.length += 1;
    }

    fn end(&mut self, emit: &mut impl FnMut(Token)) {
        if let (1, Some(only)) = (self.length, self.previous) {
            emit(pack(only, None));
        }
        *self = Run::default();
    }
}

/// `char::is_alphanumeric` (Alphabetic or Numeric).
const ALNUM: u8 = 1;
/// NFKC quick check says yes and the combining class is 0: the character is
/// its own normal form and never combines with the character before it.
const STABLE: u8 = 2;
/// Lowercasing leaves the character as it is.
const LOWER_SELF: u8 = 4;

/// The classes of the Basic Multilingual Plane, computed once; the Unicode
/// tables behind them are a binary search per character.
struct CharClasses(Vec<u8>);

impl CharClasses {
    fn of(&self, c: char) -> u8 {
        // Outside the BMP: no flags, so the character takes the slow path.
        self.0.get(c as usize).copied().unwrap_or(0)
    }
}

fn char_classes() -> &'static CharClasses {
    static CLASSES: OnceLock<CharClasses> = OnceLock::new();
    CLASSES.get_or_init(|| {
        let classes = (0..0x1_0000u32)
            .map(|code| char::from_u32(code).map_or(0, classify))
            .collect();
        CharClasses(classes)
    })
}

fn classify(c: char) -> u8 {
    let mut class = 0;
    if c.is_alphanumeric() {
        class |= ALNUM;
    }
    let stable = is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
        && unicode_normalization::char::canonical_combining_class(c) == 0;
    if stable {
        class |= STABLE;
    }
    let mut lower = c.to_lowercase();
    if lower.next() == Some(c) && lower.next().is_none() {
        class |= LOWER_SELF;
    }
    class
}

fn is_alphanumeric(c: char) -> bool {
    match char_classes().0.get(c as usize) {
        Some(class) => class & ALNUM != 0,
        None => c.is_alphanumeric(),
    }
}

/// Which shard a token's postings are in: FNV-1a over its code points.
pub fn shard_of(token: &str, shards: u32) -> u32 {
    let hash = token.chars().fold(0x811c_9dc5u32, |hash, c| {
        (hash ^ c as u32).wrapping_mul(0x0100_0193)
    });
    hash % shards
}

fn documents(site: &Site) -> Vec<SearchDoc<'_>> {
    let mut docs = Vec::with_capacity(
        site.modules.len()
            + site.framework.skills.len()
            + site.catalogue.resources.len()
            + site.pages.len(),
    );
    for module in &site.modules {
        let mut body = Vec::with_capacity(module.skills.len() + 2);
        body.push(module.summary.as_str());
        body.extend(
            module
                .skills
                .iter()
                .filter_map(|s| site.framework.skill(s))
                .map(|s| s.name.as_str()),
        );
        body.push(module.body.plain_text.as_str());
        docs.push(SearchDoc {
            url: views::module_url(&module.id),
            title: &module.title,
            kind: "module",
            summary: Cow::Borrowed(&module.summary),
            heading: &module.title,
            body,
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
            title: &skill.name,
            kind: "skill",
            summary: Cow::Borrowed(&skill.description),
            heading: &skill.name,
            body: vec![&skill.description, category],
        });
    }
    for resource in &site.catalogue.resources {
        docs.push(SearchDoc {
            url: format!("resources/index.html#resource-{}", resource.id),
            title: &resource.title,
            kind: "resource",
            summary: Cow::Owned(format!("{} — {}", resource.provider, resource.description)),
            heading: &resource.title,
            body: vec![&resource.provider, &resource.kind, &resource.description],
        });
    }
    for page in &site.pages {
        docs.push(SearchDoc {
            url: format!("{}/index.html", page.slug),
            title: &page.title,
            kind: "page",
            summary: Cow::Borrowed(&page.summary),
            heading: &page.title,
            body: vec![&page.body.plain_text],
        });
    }
    docs
}

/// The distinct tokens of a document, each shifted left by one with the
/// low bit set when it occurs in the title; in no particular order.
fn document_tokens(doc: &SearchDoc) -> Vec<u64> {
    thread_local! {
        /// Token → in title, reused from document to document.
        static SEEN: std::cell::RefCell<HashMap<Token, bool, BuildHasherDefault<TokenHasher>>> =
            std::cell::RefCell::new(HashMap::default());
    }
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        seen.clear();
        for_each_token(doc.heading, |t| {
            seen.insert(t, true);
        });
        for part in &doc.body {
            for_each_token(part, |t| {
                seen.entry(t).or_insert(false);
            });
        }
        seen.iter()
            .map(|(&token, &in_title)| token << 1 | u64::from(in_title))
            .collect()
    })
}

/// Hashes packed tokens (already well spread) with one multiplication.
#[derive(Default)]
struct TokenHasher(u64);

impl Hasher for TokenHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, value: u64) {
        let mixed = (self.0 ^ value).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = mixed ^ (mixed >> 29);
    }
}

/// The posting list of one token, already in its JSON form: delta-encoded
/// document numbers, doubled, plus one when the title matches.
#[derive(Default)]
struct Postings {
    last_doc: u32,
    count: u32,
    json: Vec<u8>,
}

impl Postings {
    fn push(&mut self, doc: u32, in_title: bool) {
        if self.count > 0 {
            self.json.push(b',');
        }
        push_number(
            &mut self.json,
            (doc - self.last_doc) * 2 + u32::from(in_title),
        );
        self.last_doc = doc;
        self.count += 1;
    }
}

fn push_number(out: &mut Vec<u8>, mut value: u32) {
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

type PostingMap = HashMap<Token, Postings, BuildHasherDefault<TokenHasher>>;

/// Token → postings over every document. Documents are tokenized in
/// parallel, a batch at a time, and merged in document order.
fn postings(docs: &[SearchDoc]) -> PostingMap {
    let mut index = PostingMap::default();
    for (batch_number, batch) in docs.chunks(DOCS_PER_BATCH).enumerate() {
        let lists: Vec<Vec<u64>> = batch.par_iter().map(document_tokens).collect();
        for (offset, list) in lists.into_iter().enumerate() {
            let doc = (batch_number * DOCS_PER_BATCH + offset) as u32;
            for value in list {
                index
                    .entry(value >> 1)
                    .or_default()
                    .push(doc, value & 1 == 1);
            }
        }
    }
    index
}

/// The index files of a site: meta, document details and posting shards.
pub fn index_files(site: &Site) -> Vec<OutputFile> {
    let docs = documents(site);
    let index = postings(&docs);
    let posting_count: usize = index.values().map(|p| p.count as usize).sum();
    let shards = shard_count(posting_count * 3 + index.len() * 8);
    let mut files = Vec::new();
    let meta = serde_json::json!({ "version": 1, "shards": shards, "docsPerFile": DOCS_PER_FILE, "docCount": docs.len() });
    files.push(script_file("meta", &meta));
    for (number, chunk) in docs.chunks(DOCS_PER_FILE).enumerate() {
        let rows: Vec<[&str; 4]> = chunk
            .iter()
            .map(|d| [d.url.as_str(), d.title, d.kind, excerpt(&d.summary)])
            .collect();
        files.push(script_file(&format!("docs-{number}"), &rows));
    }
    files.extend(shard_files(index, shards));
    files
}

/// One script per shard: `{"token":[postings],…}` with tokens in byte order.
fn shard_files(index: PostingMap, shards: u32) -> Vec<OutputFile> {
    let mut entries: Vec<(u32, String, Vec<u8>)> = index
        .into_iter()
        .map(|(token, postings)| {
            let text = token_text(token);
            (shard_of(&text, shards), text, postings.json)
        })
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
        .map(|(number, entries)| {
            let bytes: usize = entries.iter().map(|e| e.1.len() + e.2.len() + 6).sum();
            let mut json = Vec::with_capacity(bytes + 2);
            json.push(b'{');
            for (i, (_, token, postings)) in entries.iter().enumerate() {
                if i > 0 {
                    json.push(b',');
                }
                // Tokens are letters and digits only: nothing to escape.
                json.push(b'"');
                json.extend_from_slice(token.as_bytes());
                json.extend_from_slice(b"\":[");
                json.extend_from_slice(postings);
                json.push(b']');
            }
            json.push(b'}');
            script_bytes(&format!("idx-{number}"), &json)
        })
        .collect()
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
    let json = serde_json::to_vec(data).unwrap_or_else(|_| b"null".to_vec());
    script_bytes(name, &json)
}

fn script_bytes(name: &str, json: &[u8]) -> OutputFile {
    let prefix = format!("(window.kenshuSearchData||(window.kenshuSearchData={{}}))[\"{name}\"]=");
    let mut script = Vec::with_capacity(prefix.len() + json.len() + 2);
    script.extend_from_slice(prefix.as_bytes());
    script.extend_from_slice(json);
    script.extend_from_slice(b";\n");
    OutputFile::bytes(format!("assets/search/{name}.js"), script)
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

    /// The definition the fast tokenizer must agree with: normalise the
    /// whole text, then cut runs of letters and digits into bigrams.
    fn reference_tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut run: Vec<char> = Vec::new();
        for c in normalize(text).chars().chain(std::iter::once(' ')) {
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

    #[test]
    fn fast_tokenizer_matches_the_definition() {
        let samples = [
            "ＬＧＷＡＮ接続系（αモデル）とβ'モデル",
            "か\u{3099}き\u{3099} ｶﾞﾊﾞﾒﾝﾄ ㍻ ① Ǆ İstanbul ΣΑΣ",
            "e\u{301}\u{323}x \u{301}start 𠮷野家 🙂 x",
            "a",
            "",
        ];
        for sample in samples {
            assert_eq!(tokens(sample), reference_tokens(sample), "{sample}");
        }
        // Pseudo-random strings over characters that stress normalisation.
        let pool: Vec<char> =
            "aZ9 ーかが\u{3099}\u{309a}ｶﾞﾟ１Ａ（）、。é\u{301}\u{327}ﬁ㌔Ⅻ𠮷ß\u{130}Σ"
                .chars()
                .collect();
        let mut state = 7u64;
        for _ in 0..2000 {
            let text: String = (0..12)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    pool[(state >> 33) as usize % pool.len()]
                })
                .collect();
            assert_eq!(tokens(&text), reference_tokens(&text), "{text:?}");
        }
    }

    #[test]
    fn shard_hash_is_fnv1a_over_code_points() {
        // search.js computes the same hash; its browser test checks the same values.
        assert_eq!(shard_of("分離", u32::MAX), 1_680_999_809);
        assert_eq!(shard_of("bp", 1024), 1_294_713_231 % 1024);
    }
}
