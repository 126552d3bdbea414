//! The tables as one workbook (report.xlsx), one sheet each, with the header
//! row frozen and filters on. The document's creation date is fixed, so the
//! same inputs give the same bytes. Sheets are written in constant-memory
//! mode (rows streamed to a temporary file), so the header is set up first.

use super::tables::{Cell, Table};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

pub(crate) fn write(tables: &[&Table], title: &str) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    let properties = DocProperties::new()
        .set_title(title)
        .set_author("kenshu report")
        .set_creation_datetime(&created);
    workbook.set_properties(&properties);
    let bold = Format::new().set_bold();
    for table in tables {
        // Rows go straight to a temporary file: memory stays flat however many people.
        let sheet = workbook.add_worksheet_with_constant_memory();
        sheet.set_name(table.sheet)?;
        for (col, name) in table.header.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, name, &bold)?;
            sheet.set_column_width(col as u16, column_width(name))?;
        }
        for r in 0..table.len {
            let row = table.row(r);
            let r = r as u32 + 1;
            for (col, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(t) => sheet.write_string(r, col as u16, t)?,
                    Cell::Number(n) => sheet.write_number(r, col as u16, *n)?,
                    Cell::Empty => sheet,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        let last_col = table.header.len().saturating_sub(1) as u16;
        sheet.autofilter(0, 0, table.len as u32, last_col)?;
    }
    workbook.save_to_buffer()
}

/// Roughly the header's width: Japanese characters count double.
fn column_width(header: &str) -> f64 {
    let width: usize = header
        .chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum();
    (width as f64 + 2.0).clamp(8.0, 40.0)
}
