//! Per-character answers of the Unicode tables, remembered for the Basic
//! Multilingual Plane.
//!
//! unicode-normalization and the standard library answer "is this character
//! NFC-stable / alphanumeric / its own lower case" with a table search per
//! call; the build asks for every character of every module. A
//! [`CharTable`] asks once per distinct character (a site uses a few
//! thousand) and reads its own array after that. Filling it lazily, not for
//! all 65,536 characters up front, keeps small sites' builds from paying
//! for characters they never use; the array is a zeroed static, which the
//! system maps in only where it is written.

use std::sync::atomic::{AtomicU8, Ordering};

/// The characters of the Basic Multilingual Plane.
const BMP: usize = 0x1_0000;

/// Set on a cell whose answer is known.
const KNOWN: u8 = 0x80;

/// Up to seven flag bits per character of the BMP, computed by `classify`
/// the first time a character is asked about.
pub(crate) struct CharTable {
    cells: [AtomicU8; BMP],
    classify: fn(char) -> u8,
}

impl CharTable {
    /// A table whose flags `classify` computes (bit 7 is the table's own).
    pub(crate) const fn new(classify: fn(char) -> u8) -> Self {
        CharTable {
            cells: [const { AtomicU8::new(0) }; BMP],
            classify,
        }
    }

    /// The flags of a BMP character; `None` outside the BMP (the caller asks
    /// the Unicode tables itself, as such characters are rare).
    pub(crate) fn get(&self, c: char) -> Option<u8> {
        let cell = self.cells.get(c as usize)?;
        // Relaxed is enough: every thread computes the same answer, so a
        // race only computes it twice.
        let known = cell.load(Ordering::Relaxed);
        if known & KNOWN != 0 {
            return Some(known & !KNOWN);
        }
        let flags = (self.classify)(c) & !KNOWN;
        cell.store(flags | KNOWN, Ordering::Relaxed);
        Some(flags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn odd_code(c: char) -> u8 {
        (c as u32 % 2) as u8
    }

    #[test]
    fn remembers_what_classify_says_and_leaves_the_other_planes_out() {
        static TABLE: CharTable = CharTable::new(odd_code);
        for c in ['a', 'b', 'あ', 'い', '\u{ffff}'] {
            assert_eq!(TABLE.get(c), Some(odd_code(c)));
            assert_eq!(TABLE.get(c), Some(odd_code(c)), "second look-up");
        }
        assert_eq!(TABLE.get('𠮷'), None);
    }
}
