//! The tables as CSV: UTF-8 with a BOM, so that Excel on Japanese Windows
//! opens them without garbling, CRLF line ends as Excel writes them, and
//! no text that Excel would run as a formula.

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

/// A cell as a CSV field. Text that Excel would take for a formula (a name
/// typed as `=HYPERLINK(…)`, a department `+SUM(1)`) is written with a
/// leading `'`, which Excel shows as text, as OWASP advises for CSV files.
fn csv_field(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) if t.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{t}"),
        other => cell_text(other),
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
            writer.write_record(table.row(i).iter().map(csv_field))?;
        }
        writer.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_excel_would_run_as_a_formula_is_kept_as_text() {
        let text = |t: &str| csv_field(&Cell::Text(t.to_string()));
        assert_eq!(
            text("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(text("+SUM(1)"), "'+SUM(1)");
        assert_eq!(text("@cmd"), "'@cmd");
        assert_eq!(text("山田 太郎"), "山田 太郎");
        assert_eq!(
            csv_field(&Cell::Number(-1.5)),
            "-1.5",
            "numbers stay numbers"
        );
    }
}
