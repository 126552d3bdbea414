//! The tables as CSV: UTF-8 with a BOM, so that Excel on Japanese Windows
//! opens them without garbling, CRLF line ends as Excel writes them.

use super::tables::{Cell, Table};

/// A number as people write it: `12`, `66.7`, `2.25`.
pub(crate) fn number_text(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').to_string()
    }
}

pub(crate) fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Number(n) => number_text(*n),
        Cell::Empty => String::new(),
    }
}

/// The CSV bytes of a table.
pub(crate) fn write(table: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(&table.header)?;
        for i in 0..table.len {
            writer.write_record(table.row(i).iter().map(cell_text))?;
        }
        writer.flush()?;
    }
    Ok(out)
}
