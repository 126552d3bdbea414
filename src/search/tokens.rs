//! Tokens: how text is folded and cut for the index and for queries.
//!
//! Japanese has no spaces between words, so text is indexed by character
//! bigrams: 「三層分離」 is 「三層」「層分」「分離」, and a query matches the
//! documents that hold all of its bigrams. Before cutting, text is folded:
//! NFKC (全角 and 半角 forms match), lowercase, then katakana to hiragana,
//! so 「せきゅりてぃ」 finds 「セキュリティ」; and a ー that ends a kana word is
//! left out, so 「セキュリティー」 and 「セキュリティ」, 「サーバー」 and 「サーバ」
//! are the same word (see [`LongVowels`]).
//!
//! A kanji alone is a word (税, 系), so every ideograph is also a token of
//! its own (a unigram), and so is a lone letter between separators. Bigrams
//! and unigrams never collide: they differ in length.
//!
//! `themes/default/static/js/search-index.js` folds and cuts queries by the
//! same rules, and hashes tokens with the same [`shard_of`];
//! `tests/fixtures/search-tokens.json` holds cases that both sides check.

use crate::chars::CharTable;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Folds text for indexing and querying: NFKC, lowercase, a ー that ends a
/// kana word left out ([`LongVowels`]), katakana to hiragana.
pub fn normalize(text: &str) -> String {
    let mut marks = LongVowels::default();
    let mut out = String::with_capacity(text.len());
    for c in text.nfkc().flat_map(char::to_lowercase) {
        if let Some(kept) = marks.before(c, class_of(c) & KANA) {
            out.extend(std::iter::repeat_n(LONG_VOWEL, kept));
            out.push(fold_kana(c));
        }
    }
    out
}

/// The long-vowel mark (NFKC makes the half-width ｰ this one).
const LONG_VOWEL: char = 'ー';

/// The kana script of a character before katakana are folded to hiragana
/// (its [`HIRAGANA`] or [`KATAKANA`] class, 0 for neither): where it
/// changes, a kana word ends.
fn kana_of(c: char) -> u8 {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{309d}'..='\u{309f}' => HIRAGANA,
        '\u{30a1}'..='\u{30fa}' | '\u{30fd}'..='\u{30ff}' | '\u{31f0}'..='\u{31ff}' => KATAKANA,
        _ => 0,
    }
}

/// Katakana words are written with and without a final ー (セキュリティ and
/// セキュリティー, コンピュータ and コンピューター, サーバ and サーバー), so a ー
/// that ends a kana word is left out, in the index and in queries alike.
/// Fed the NFKC-lowercased characters one by one (katakana not yet folded),
/// it holds back each run of ー that follows kana until the next character:
/// kana of the same script continues the word and gets the ー back
/// (マイナンバーカード, ラーメン, すごーい); anything else, or the end, ends the
/// word and drops it (セキュリティーの, サーバー室, コンピューター).
/// A ー after anything but kana is kept.
#[derive(Default)]
struct LongVowels {
    /// The script of the last character that was not a held-back ー (its
    /// kana class bits).
    script: u8,
    held: usize,
}

impl LongVowels {
    /// How many held-back ー come back before `c`, whose kana class bits
    /// are `script`; `None` when `c` is a ー that is held back itself.
    /// Ending the text drops what is held.
    #[inline]
    fn before(&mut self, c: char, script: u8) -> Option<usize> {
        if c == LONG_VOWEL && self.script != 0 {
            self.held += 1;
            return None;
        }
        let kept = if script == self.script { self.held } else { 0 };
        self.held = 0;
        self.script = script;
        Some(kept)
    }
}

/// Katakana to the hiragana of the same sound; other characters unchanged.
/// ァ–ヶ map to ぁ–ゖ, ヽヾ to ゝゞ; ー and ヷ–ヺ have no hiragana and stay.
pub fn fold_kana(c: char) -> char {
    match c {
        '\u{30a1}'..='\u{30f6}' | '\u{30fd}' | '\u{30fe}' => {
            char::from_u32(c as u32 - 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// A CJK ideograph (unified, extension A, compatibility, planes 2–3): a
/// character that is a word on its own, so it is indexed as a unigram too.
pub fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0x2_0000..=0x3_ffff)
}

/// The tokens of a text in order: for each run of letters and digits, its
/// bigrams, then the unigrams of its ideographs (a one-character run is its
/// own unigram).
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |token| out.push(token_text(token)));
    out
}

/// The tokens a query looks up: those of [`tokens`] without the unigrams of
/// runs longer than one character, whose bigrams already say more.
pub fn query_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Vec<char> = Vec::new();
    for c in normalize(text).chars().chain(std::iter::once(' ')) {
        if is_alphanumeric(c) {
            run.push(c);
            continue;
        }
        match run.as_slice() {
            [] => {}
            [only] => out.push(only.to_string()),
            _ => out.extend(run.windows(2).map(|w| w.iter().collect::<String>())),
        }
        run.clear();
    }
    out
}

/// A token packed into an integer: first character in bits 21–41, second
/// (or 0 for a unigram) in bits 0–20. `\0` is not alphanumeric, so it never
/// occurs inside a token.
pub(crate) type Token = u64;

fn pack(first: char, second: Option<char>) -> Token {
    (u64::from(first) << 21) | second.map_or(0, u64::from)
}

/// A one- or two-character token packed; `None` for other lengths.
pub(crate) fn pack_text(token: &str) -> Option<Token> {
    let mut chars = token.chars();
    let first = chars.next()?;
    let second = chars.next();
    chars.next().is_none().then(|| pack(first, second))
}

/// The text of a packed token.
pub(crate) fn token_text(token: Token) -> String {
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
pub(crate) fn for_each_token(text: &str, mut emit: impl FnMut(Token)) {
    let mut run = Run::default();
    // Start (byte offset) of a pending segment that needs normalising.
    let mut pending: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let class = class_of(c);
        if class & STABLE != 0 {
            if let Some(start) = pending.take() {
                normalized_segment(&text[start..offset], &mut run, &mut emit);
            }
            let next_is_stable = chars.peek().is_none_or(|&(_, n)| class_of(n) & STABLE != 0);
            if next_is_stable && class & LOWER_SELF != 0 {
                run.push(c, class, &mut emit);
                continue;
            }
            if next_is_stable {
                for lower in c.to_lowercase() {
                    run.push(lower, class_of(lower), &mut emit);
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
        run.push(c, class_of(c), emit);
    }
}

/// The run of letters and digits being cut into tokens. Unigrams of the
/// run's ideographs wait in `unigrams` until the run ends, so a run's
/// bigrams come first (the order the browser side produces too).
#[derive(Default)]
struct Run {
    previous: Option<char>,
    length: usize,
    unigrams: Vec<char>,
    marks: LongVowels,
}

impl Run {
    /// Takes the next character of the NFKC-lowercased text, katakana not yet
    /// folded, with its [`class_of`]: [`normalize`] one character at a time.
    #[inline(always)]
    fn push(&mut self, c: char, class: u8, emit: &mut impl FnMut(Token)) {
        let Some(kept) = self.marks.before(c, class & KANA) else {
            return;
        };
        for _ in 0..kept {
            self.add(LONG_VOWEL, ALNUM, emit);
        }
        let folded = if class & KATAKANA != 0 {
            fold_kana(c)
        } else {
            c
        };
        self.add(folded, class, emit);
    }

    /// Adds a folded character of the given class to the run, or ends the
    /// run.
    #[inline]
    fn add(&mut self, c: char, class: u8, emit: &mut impl FnMut(Token)) {
        if class & ALNUM == 0 {
            self.end(emit);
            return;
        }
        if let Some(previous) = self.previous {
            emit(pack(previous, Some(c)));
        }
        if class & IDEOGRAPH != 0 {
            self.unigrams.push(c);
        }
        self.previous = Some(c);
        self.length += 1;
    }

    /// Ends the run (at a separator, or the end of the text, where a ー still
    /// held back is dropped).
    fn end(&mut self, emit: &mut impl FnMut(Token)) {
        match (self.length, self.previous) {
            (1, Some(only)) => emit(pack(only, None)),
            _ => self.unigrams.iter().for_each(|&c| emit(pack(c, None))),
        }
        self.previous = None;
        self.length = 0;
        self.unigrams.clear();
        self.marks = LongVowels::default();
    }
}

/// `char::is_alphanumeric` (Alphabetic or Numeric).
const ALNUM: u8 = 1;
/// NFKC quick check says yes and the combining class is 0: the character is
/// its own normal form and never combines with the character before it.
const STABLE: u8 = 2;
/// Lowercasing leaves the character as it is.
const LOWER_SELF: u8 = 4;
/// Hiragana, and katakana (before folding), for [`LongVowels`].
const HIRAGANA: u8 = 8;
const KATAKANA: u8 = 16;
const KANA: u8 = HIRAGANA | KATAKANA;
/// A word on its own ([`is_ideograph`]).
const IDEOGRAPH: u8 = 32;

/// The classes of the Basic Multilingual Plane, each computed the first
/// time it is needed; the Unicode tables behind them are a search per
/// character.
static CLASSES: CharTable = CharTable::new(classify);

/// A character's classes: remembered for the BMP, computed each time for
/// the (rare) characters of the other planes.
fn class_of(c: char) -> u8 {
    CLASSES.get(c).unwrap_or_else(|| classify(c))
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
    if is_ideograph(c) {
        class |= IDEOGRAPH;
    }
    class | kana_of(c)
}

fn is_alphanumeric(c: char) -> bool {
    class_of(c) & ALNUM != 0
}

/// Which shard a token's postings are in: FNV-1a over its code points.
pub fn shard_of(token: &str, shards: u32) -> u32 {
    crate::ids::fnv1a(token.chars().map(u32::from)) % shards
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_text_becomes_bigrams_and_kanji_unigrams() {
        assert_eq!(
            tokens("三層分離"),
            ["三層", "層分", "分離", "三", "層", "分", "離"]
        );
        assert_eq!(tokens("税"), ["税"]);
        assert_eq!(tokens("ab"), ["ab"]);
    }

    #[test]
    fn width_case_and_kana_are_folded() {
        assert_eq!(tokens("ＢＰＲ"), tokens("bpr"));
        assert_eq!(tokens("ｶﾞﾊﾞﾒﾝﾄ"), tokens("ガバメント"));
        assert_eq!(tokens("セキュリティ"), tokens("せきゅりてぃ"));
        assert_eq!(normalize("マイナンバー"), "まいなんば");
        assert_eq!(normalize("ヴヵヶヽヾ"), "ゔゕゖゝゞ");
    }

    #[test]
    fn a_long_vowel_mark_ending_a_kana_word_is_left_out() {
        for (long, short) in [
            ("セキュリティー", "セキュリティ"),
            ("コンピューター", "コンピュータ"),
            ("サーバー", "サーバ"),
            ("ｻｰﾊﾞｰ", "サーバ"),
            ("セキュリティーの確保", "セキュリティの確保"),
            ("サーバー室", "サーバ室"),
            ("サーバー、ルーター", "サーバ、ルータ"),
            ("データー・ベース", "データ・ベース"),
            ("せきゅりてぃー", "せきゅりてぃ"),
            ("ユーザーｰ", "ユーザ"),
        ] {
            assert_eq!(normalize(long), normalize(short), "{long}");
            assert_eq!(tokens(long), tokens(short), "{long}");
            assert_eq!(query_tokens(long), query_tokens(short), "{long}");
        }
        assert_eq!(normalize("セキュリティー"), "せきゅりてぃ");
        assert_eq!(query_tokens("サーバー"), ["さー", "ーば"]);
    }

    #[test]
    fn a_long_vowel_mark_inside_a_word_stays() {
        assert_eq!(normalize("マイナンバーカード"), "まいなんばーかーど");
        assert_eq!(normalize("ラーメン"), "らーめん");
        assert_eq!(normalize("すごーい"), "すごーい");
        // Not after kana: nothing to vary.
        assert_eq!(normalize("ー"), "ー");
        assert_eq!(normalize("aー 1ー 税ー"), "aー 1ー 税ー");
        // Another script after it ends the word: katakana, then hiragana.
        assert_eq!(normalize("マイナンバーの"), "まいなんばの");
        assert_eq!(normalize("ねーコーヒー"), "ねこーひ");
    }

    /// The definition the fast tokenizer must agree with: fold the whole
    /// text, then cut runs of letters and digits.
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
                _ => {
                    out.extend(run.windows(2).map(|w| w.iter().collect::<String>()));
                    out.extend(
                        run.iter()
                            .filter(|&&c| is_ideograph(c))
                            .map(char::to_string),
                    );
                }
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
            "サーバー室のコンピューター、ｻｰﾊﾞｰ ユーザーー ねーコーヒー ー",
            "a",
            "",
        ];
        for sample in samples {
            assert_eq!(tokens(sample), reference_tokens(sample), "{sample}");
        }
        // Pseudo-random strings over characters that stress normalisation.
        let pool: Vec<char> =
            "aZ9 ーーｰかがカヴのノ\u{3099}\u{309a}ｶﾞﾟ１Ａ（）、。é\u{301}\u{327}ﬁ㌔㌫Ⅻ𠮷ß\u{130}Σ税"
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
    fn queries_look_up_kanji_unigrams_only_alone() {
        assert_eq!(query_tokens("三層分離"), ["三層", "層分", "分離"]);
        assert_eq!(query_tokens("税・年金"), ["税", "年金"]);
        assert_eq!(query_tokens("a"), ["a"]);
    }

    /// The cases `tests/browser/search.test.mjs` checks against search-index.js.
    #[test]
    fn shared_cases_fold_cut_and_shard_as_recorded() {
        let cases: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/search-tokens.json"))
                .expect("tests/fixtures/search-tokens.json");
        for case in cases["tokens"].as_array().expect("tokens") {
            let text = case["text"].as_str().expect("text");
            let expected: Vec<String> = serde_json::from_value(case["tokens"].clone()).unwrap();
            assert_eq!(tokens(text), expected, "{text}");
            let expected: Vec<String> = serde_json::from_value(case["query"].clone()).unwrap();
            assert_eq!(query_tokens(text), expected, "{text}");
            let folded = case["normalized"].as_str().expect("normalized");
            assert_eq!(normalize(text), folded, "{text}");
        }
        for case in cases["shards"].as_array().expect("shards") {
            let token = case["token"].as_str().expect("token");
            let shards = case["shards"].as_u64().expect("shards") as u32;
            assert_eq!(u64::from(shard_of(token, shards)), case["shard"], "{token}");
        }
    }
}
