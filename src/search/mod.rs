//! Site search: the index the browser searches, written as script files.
//!
//! The stages: [`documents`] takes what is searchable from the [`Site`];
//! [`tokens`] folds and cuts text (NFKC, lowercase, a ー ending a kana word
//! left out, katakana to hiragana; bigrams and kanji unigrams); [`index`]
//! gathers each token's postings with weights for ranking, and a list per synonym group; [`shards`] writes them
//! as files, with what each result shows. [`synonyms`] are folded and
//! handed to the browser too, which marks them in snippets.
//!
//! The index knows nothing of how pages are rendered: the caller (the
//! build, the preview server) says where each document's page is, and
//! turns [`IndexFile`]s into output files. The browser side is
//! `themes/default/static/js/search-index.js` (loading, matching, ranking,
//! snippets) and `search.js` (the search box and the search page).

mod documents;
mod index;
mod shards;
pub mod synonyms;
pub mod tokens;

pub use tokens::{normalize, query_tokens, shard_of, tokens};

use crate::site::Site;

/// A searchable document's page, for the caller to turn into a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    Module(&'a str),
    Skill(&'a str),
    Resource(&'a str),
    Page(&'a str),
}

/// A file of the index: its path in the output folder and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The index files of a site: meta, posting shards and one file per
/// document. `url` gives a document's page relative to the site root.
pub fn index_files(site: &Site, url: &(dyn Fn(&Target) -> String + Sync)) -> Vec<IndexFile> {
    let files = std::sync::Mutex::new(Vec::new());
    let collect = |file| {
        files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(file);
        Ok::<(), std::convert::Infallible>(())
    };
    let _ = write_index_files(site, url, &collect);
    let mut files = files
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // Files come from several threads: put them in a fixed order.
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// As [`index_files`], but each file goes to `sink` as soon as it is made
/// (from several threads), so the build does not hold the whole index in
/// memory; the first error stops the writing. Returns the number of files.
pub fn write_index_files<E: Send>(
    site: &Site,
    url: &(dyn Fn(&Target) -> String + Sync),
    sink: &(dyn Fn(IndexFile) -> Result<(), E> + Sync),
) -> Result<usize, E> {
    let docs = documents::documents(site);
    let groups = synonyms::folded(site.config.search.synonyms.as_deref());
    let packed: Vec<index::Group> = groups
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|word| {
                    let tokens = tokens::query_tokens(word);
                    tokens.iter().filter_map(|t| tokens::pack_text(t)).collect()
                })
                .collect()
        })
        .collect();
    let index = index::postings(&docs, &packed);
    let shard_count = shards::shard_count(&index.tokens);
    sink(shards::meta_file(
        &docs,
        &index.lengths,
        shard_count,
        &groups,
    ))?;
    let (posting_files, doc_files) = rayon::join(
        || shards::shard_files(index, shard_count, sink),
        || shards::doc_files(&docs, url, sink),
    );
    Ok(1 + posting_files? + doc_files?)
}
