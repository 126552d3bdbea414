//! Byte offsets in a body as file lines and columns, for diagnostics.

use crate::diagnostics::Location;

/// Maps byte offsets in a body to file lines and columns.
pub(super) struct LineIndex<'t> {
    starts: Vec<usize>,
    text: &'t str,
    first_line: usize,
}

impl<'t> LineIndex<'t> {
    pub(super) fn new(text: &'t str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        LineIndex {
            starts,
            text,
            first_line,
        }
    }

    /// The index of the line holding `offset`, and that line's byte range
    /// (without its line feed).
    pub(super) fn line_of(&self, offset: usize) -> (usize, std::ops::Range<usize>) {
        let line = self
            .starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        (line, self.starts[line]..end)
    }

    pub(super) fn locate(&self, offset: usize) -> Location {
        let (line, range) = self.line_of(offset);
        let start = range.start;
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        Location::new(self.first_line + line, col)
    }
}
