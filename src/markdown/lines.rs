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
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex {
            starts,
            text,
            first_line,
        }
    }

    pub(super) fn locate(&self, offset: usize) -> Location {
        let line = self
            .starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let start = self.starts[line];
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        Location::new(self.first_line + line, col)
    }
}
