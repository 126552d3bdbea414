//! Ids: what a module, page, skill, role or resource may be called.
//!
//! Ids become folder names and URL path segments (`modules/<id>/`), so
//! they may be Japanese (a module's id defaults to its file stem, e.g.
//! `個人情報の基本`) but must be safe in a URL segment and as a file name on
//! Windows, macOS and Linux. Ids are compared in Unicode NFC, so a file
//! name saved in NFD (macOS) gives the same id.

use crate::chars::CharTable;
use unicode_normalization::UnicodeNormalization;

/// Longest id in bytes: a folder name must stay under the 255 bytes most
/// file systems allow, with room for the rest of the path.
pub(crate) const MAX_ID_BYTES: usize = 150;

/// Characters refused in ids: unsafe in a URL path segment or in a
/// Windows file name.
const REFUSED: &[char] = &[
    '/', '\\', '?', '#', '%', ':', '*', '"', '<', '>', '|', '{', '}', '^', '`', '[', ']',
];

/// Names Windows reserves for devices, whatever the extension.
const WINDOWS_RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Names the browser's records cannot use as keys (JavaScript object
/// prototype properties).
pub(crate) const SCRIPT_RESERVED: &[&str] = &[
    "__proto__",
    "constructor",
    "prototype",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "toString",
    "valueOf",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
];

/// Why an id cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdProblem {
    Empty,
    /// A refused character (shown to the author).
    Character(char),
    Whitespace,
    /// Starts or ends with a dot.
    Dot,
    /// A device name of Windows (`con`, `nul`, `com1`…), also with an extension.
    ReservedByWindows,
    /// A name the portal's scripts use on every object (`constructor`…).
    ReservedByScript,
    /// A page name the portal uses itself (page slugs only).
    ReservedByPortal,
    TooLong,
}

impl IdProblem {
    /// Adds why the id is refused (`{@reason}`, and the refused character
    /// as `{char}`) to a message about it.
    pub(crate) fn explain(self, message: crate::messages::Message) -> crate::messages::Message {
        let message = message.arg("@reason", self.code());
        match self {
            IdProblem::Character(c) => message.arg("char", c.escape_default()),
            _ => message.arg("char", ""),
        }
    }

    /// The catalogue code of the message for this problem.
    pub(crate) fn code(self) -> &'static str {
        match self {
            IdProblem::Empty => "id.empty",
            IdProblem::Character(_) => "id.character",
            IdProblem::Whitespace => "id.whitespace",
            IdProblem::Dot => "id.dot",
            IdProblem::ReservedByWindows => "id.reserved-windows",
            IdProblem::ReservedByScript => "id.reserved-script",
            IdProblem::ReservedByPortal => "id.reserved-portal",
            IdProblem::TooLong => "id.too-long",
        }
    }
}

/// The id in NFC.
pub(crate) fn normalize(id: &str) -> String {
    if is_nfc(id) {
        id.to_string()
    } else {
        id.nfc().collect()
    }
}

/// Whether a text is in NFC already, so that normalising it would copy it
/// unchanged. Sure answers only: false may still be NFC (normalise it).
///
/// A text of characters whose NFC quick check is "yes" and whose combining
/// class is 0 is NFC (they never change and never combine with what
/// precedes them); each character's answer is remembered ([`CharTable`]).
/// Other texts take the crate's own quick check. Every prompt, id and path
/// goes through here, and the quick check's per-character look-ups were 2 %
/// of a build.
pub(crate) fn is_nfc(text: &str) -> bool {
    static STABLE: CharTable = CharTable::new(nfc_stable);
    text.chars().all(|c| STABLE.get(c) == Some(1))
        || unicode_normalization::is_nfc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes
}

fn nfc_stable(c: char) -> u8 {
    use unicode_normalization::char::canonical_combining_class;
    use unicode_normalization::{is_nfc_quick, IsNormalized};
    let stable =
        canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes;
    u8::from(stable)
}

/// Checks an id (already NFC).
pub(crate) fn check(id: &str) -> Result<(), IdProblem> {
    if id.is_empty() {
        return Err(IdProblem::Empty);
    }
    if let Some(c) = id.chars().find(|c| REFUSED.contains(c) || c.is_control()) {
        return Err(IdProblem::Character(c));
    }
    if id.chars().any(char::is_whitespace) {
        return Err(IdProblem::Whitespace);
    }
    if id.starts_with('.') || id.ends_with('.') {
        return Err(IdProblem::Dot);
    }
    let stem = id.split('.').next().unwrap_or(id).to_ascii_lowercase();
    let lower = id.to_ascii_lowercase();
    let script = SCRIPT_RESERVED
        .iter()
        .any(|name| name.to_ascii_lowercase() == lower);
    if WINDOWS_RESERVED.contains(&stem.as_str()) {
        return Err(IdProblem::ReservedByWindows);
    }
    if script {
        return Err(IdProblem::ReservedByScript);
    }
    if id.len() > MAX_ID_BYTES {
        return Err(IdProblem::TooLong);
    }
    Ok(())
}

/// The key two ids or paths collide under on case-insensitive, normalising
/// file systems (Windows, macOS, IIS): NFC, then lower case.
pub(crate) fn fold(text: &str) -> String {
    if is_nfc(text) {
        text.to_lowercase()
    } else {
        text.nfc().collect::<String>().to_lowercase()
    }
}

/// 32-bit FNV-1a over a sequence of units (bytes or code points): a stable
/// hash for short keys — question ids, the site key, search shards — that
/// the portal's scripts compute the same way (search-index.js, quiz.js).
pub(crate) fn fnv1a(units: impl IntoIterator<Item = u32>) -> u32 {
    units.into_iter().fold(0x811c_9dc5, |hash, unit| {
        (hash ^ unit).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_nfc_is_sure_only_of_normalised_text() {
        assert!(is_nfc("個人情報の基本ガイド ABC（研修）"));
        // か + combining voiced mark: NFC composes it to が.
        assert!(!is_nfc("か\u{3099}"));
        // The Ångström sign normalises to Å; a compatibility ideograph to
        // its unified twin.
        assert!(!is_nfc("\u{212b}"));
        assert!(!is_nfc("\u{f900}"));
        // Outside the table: the crate's quick check decides.
        assert!(is_nfc("𠮷野家"));
        for code in (0..0x1_0000u32).filter_map(char::from_u32) {
            let text = format!("a{code}b");
            if is_nfc(&text) {
                assert_eq!(
                    text.nfc().collect::<String>(),
                    text,
                    "U+{:04X}",
                    code as u32
                );
            }
        }
    }

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // From the FNV reference test suite (32-bit FNV-1a).
        assert_eq!(fnv1a([]), 0x811c_9dc5);
        assert_eq!(fnv1a("a".bytes().map(u32::from)), 0xe40c_292c);
        assert_eq!(fnv1a("foobar".bytes().map(u32::from)), 0xbf9c_f968);
    }

    #[test]
    fn japanese_ids_are_valid() {
        assert!(check("個人情報の基本").is_ok());
        assert!(check("security-literacy").is_ok());
        assert!(check("Step1_基礎").is_ok());
    }

    #[test]
    fn unsafe_ids_are_refused_with_a_reason() {
        assert_eq!(check("a/b"), Err(IdProblem::Character('/')));
        assert_eq!(check("構成図 (1)"), Err(IdProblem::Whitespace));
        assert_eq!(check("con"), Err(IdProblem::ReservedByWindows));
        assert_eq!(check("Constructor"), Err(IdProblem::ReservedByScript));
        assert_eq!(check("constructor"), Err(IdProblem::ReservedByScript));
        assert_eq!(check("a\nb"), Err(IdProblem::Character('\n')));
        assert_eq!(check(".hidden"), Err(IdProblem::Dot));
        assert_eq!(check(&"あ".repeat(51)), Err(IdProblem::TooLong));
        assert_eq!(check(""), Err(IdProblem::Empty));
    }

    #[test]
    fn nfd_and_case_fold_together() {
        assert_eq!(normalize("ta\u{301}"), "t\u{e1}");
        assert_eq!(fold("Guide"), fold("guide"));
        assert_eq!(fold("ガ"), fold("ガ"));
    }
}
