//! Postings: for each token, the documents that hold it and how strongly.
//!
//! A posting is one number, `delta × 16 + weight`: `delta` is the distance
//! from the document before in the list, and `weight` says where the token
//! occurs: bit 3 set when it is in the title, bits 0–2 its count in the body
//! (a heading's occurrence counts twice), capped at 7. The browser ranks
//! with BM25 over these counts, plus a bonus for title matches
//! (`search-index.js`). Numbers are written in [`varint`] form.
//!
//! Each synonym group has a posting list of its own (written as the token
//! `~N`, N its number): the documents that hold any word of the group, each
//! word found as a query finds it (all its query tokens). A query for a word
//! of the group then loads one list instead of those of every word.

use super::documents::SearchDoc;
use super::tokens::{for_each_token, Token};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Documents tokenized in parallel before their postings are merged; bounds
/// the memory of the per-document token lists.
const DOCS_PER_BATCH: usize = 256;
/// The body count a weight can hold.
const MAX_COUNT: u32 = 7;
const TITLE_BIT: u32 = 8;

/// Where a token occurs in one document.
#[derive(Default, Clone, Copy)]
struct Occurrences {
    title: bool,
    count: u32,
}

/// One document's distinct tokens with their weights, the synonym groups
/// it holds with theirs, and its length in tokens.
struct DocTokens {
    weights: Vec<(Token, u32)>,
    groups: Vec<(usize, u32)>,
    length: u32,
}

/// A synonym group: each word as its packed query tokens.
pub(crate) type Group = Vec<Vec<Token>>;

/// The weight of a group in a document: that of its best word, a word
/// weighing as its weakest token (in the title if all its tokens are).
fn group_weight(group: &Group, seen: &TokenMap<Occurrences>) -> Option<u32> {
    group
        .iter()
        .filter_map(|word| {
            // Every token of the word must be in the document.
            let (mut title, mut count) = (true, u32::MAX);
            for token in word {
                let found = seen.get(token)?;
                title &= found.title;
                count = count.min(found.count);
            }
            (!word.is_empty()).then(|| if title { TITLE_BIT } else { 0 } | count.min(MAX_COUNT))
        })
        .max()
}

type TokenMap<V> = HashMap<Token, V, BuildHasherDefault<TokenHasher>>;

fn document_tokens(doc: &SearchDoc, groups: &[Group]) -> DocTokens {
    thread_local! {
        /// Token → occurrences, reused from document to document.
        static SEEN: std::cell::RefCell<TokenMap<Occurrences>> =
            std::cell::RefCell::new(HashMap::default());
    }
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        seen.clear();
        let mut length = 0u32;
        for_each_token(doc.title, |t| {
            seen.entry(t).or_default().title = true;
            length += 1;
        });
        // Heading text is in the body too: one more count makes it two.
        for part in doc.headings.iter().chain(&doc.body) {
            for_each_token(part, |t| {
                seen.entry(t).or_default().count += 1;
                length += 1;
            });
        }
        let weights = seen
            .iter()
            .map(|(&token, o)| {
                let title = if o.title { TITLE_BIT } else { 0 };
                (token, title | o.count.min(MAX_COUNT))
            })
            .collect();
        let groups = groups
            .iter()
            .enumerate()
            .filter_map(|(number, group)| Some((number, group_weight(group, &seen)?)))
            .collect();
        DocTokens {
            weights,
            groups,
            length,
        }
    })
}

/// Hashes packed tokens (already well spread) with one multiplication.
#[derive(Default)]
pub(crate) struct TokenHasher(u64);

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

/// The posting list of one token, already encoded.
#[derive(Default)]
pub(crate) struct Postings {
    last_doc: u32,
    pub count: u32,
    pub encoded: Vec<u8>,
}

impl Postings {
    fn push(&mut self, doc: u32, weight: u32) {
        varint(&mut self.encoded, (doc - self.last_doc) * 16 + weight);
        self.last_doc = doc;
        self.count += 1;
    }
}

/// The 64 characters of the number encoding (those of base64url), none of
/// which needs escaping in a JSON string.
pub(crate) const DIGITS: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Writes a number as base-32 digits, most significant first; every digit
/// but the last is marked by adding 32. 0–31 take one character, up to
/// 1,023 two, up to 32,767 three.
pub(crate) fn varint(out: &mut Vec<u8>, value: u32) {
    let mut groups = [0u8; 7];
    let mut n = 0;
    let mut rest = value;
    loop {
        groups[n] = (rest & 31) as u8;
        n += 1;
        rest >>= 5;
        if rest == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        let more = if i > 0 { 32 } else { 0 };
        out.push(DIGITS[usize::from(groups[i] + more)]);
    }
}

pub(crate) type PostingMap = TokenMap<Postings>;

/// The postings of a site.
pub(crate) struct Index {
    pub tokens: PostingMap,
    /// One list per synonym group, in the groups' order.
    pub groups: Vec<Postings>,
    /// Each document's length in tokens.
    pub lengths: Vec<u32>,
}

/// Token → postings over every document, the synonym groups' postings, and
/// each document's length. Documents are tokenized in parallel, a batch at
/// a time, and merged in document order.
pub(crate) fn postings(docs: &[SearchDoc], groups: &[Group]) -> Index {
    let mut index = Index {
        tokens: PostingMap::default(),
        groups: groups.iter().map(|_| Postings::default()).collect(),
        lengths: Vec::with_capacity(docs.len()),
    };
    for (batch_number, batch) in docs.chunks(DOCS_PER_BATCH).enumerate() {
        let lists: Vec<DocTokens> = batch
            .par_iter()
            .map(|doc| document_tokens(doc, groups))
            .collect();
        for (offset, list) in lists.into_iter().enumerate() {
            let doc = (batch_number * DOCS_PER_BATCH + offset) as u32;
            for (token, weight) in list.weights {
                index.tokens.entry(token).or_default().push(doc, weight);
            }
            for (group, weight) in list.groups {
                index.groups[group].push(doc, weight);
            }
            index.lengths.push(list.length);
        }
    }
    index
}

/// Document lengths as one character each: `round(4 × log2(length + 1))`,
/// at most 63, as a [`DIGITS`] character. BM25 needs lengths only roughly.
pub(crate) fn length_codes(lengths: &[u32]) -> String {
    lengths
        .iter()
        .map(|&length| {
            let code = (4.0 * f64::from(length + 1).log2()).round().min(63.0);
            char::from(DIGITS[code as usize])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(values: &[u32]) -> String {
        let mut out = Vec::new();
        values.iter().for_each(|&v| varint(&mut out, v));
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_take_one_character_per_five_bits() {
        assert_eq!(encoded(&[0, 31]), "Af");
        // 32 = 1·32 + 0: a marked 1 ("h"), then 0 ("A").
        assert_eq!(encoded(&[32]), "hA");
        assert_eq!(encoded(&[1023, 1024]), "_fhgA");
    }

    #[test]
    fn postings_hold_deltas_and_weights() {
        let mut p = Postings::default();
        p.push(3, TITLE_BIT | 2);
        p.push(5, 1);
        assert_eq!(p.count, 2);
        // 3·16 + 10 = 58 → "h" "a"; 2·16 + 1 = 33 → "h" "B".
        assert_eq!(String::from_utf8(p.encoded).unwrap(), "hahB");
    }

    fn doc<'a>(title: &'a str, body: &'a str) -> SearchDoc<'a> {
        SearchDoc {
            target: crate::search::Target::Page("p"),
            title,
            kind: "page",
            summary: std::borrow::Cow::Borrowed(""),
            headings: Vec::new(),
            body: vec![body],
            sections: Vec::new(),
        }
    }

    fn group(words: &[&str]) -> Group {
        words
            .iter()
            .map(|w| {
                let tokens = crate::search::tokens::query_tokens(w);
                tokens
                    .iter()
                    .filter_map(|t| crate::search::tokens::pack_text(t))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn synonym_groups_list_the_documents_holding_any_of_their_words() {
        let docs = [
            doc("表計算", "Excel で集計する。Excel の関数"),
            doc("文書", "ワープロで書く"),
            doc("エクセル入門", "セルに入力"),
        ];
        let index = postings(&docs, &[group(&["えくせる", "excel"])]);
        // Document 0: "excel" twice in the body; document 2: in the title
        // only (its body has one of the bigrams, not all).
        // 0·16 + 2 = 2 → "C"; (2 − 0)·16 + 8 = 40 → "h" "I".
        assert_eq!(index.groups[0].count, 2);
        assert_eq!(
            String::from_utf8(index.groups[0].encoded.clone()).unwrap(),
            "ChI"
        );
    }

    #[test]
    fn lengths_are_coded_on_a_log_scale() {
        assert_eq!(length_codes(&[0, 1, 15, 1_000_000]), "AEQ_");
    }
}
