//! The size guard for OpenDocument sheets (`.ods`), checked before calamine reads them.
//!
//! calamine reads every table of an `.ods` file whole when it opens it, as a dense rectangle from
//! the first to the last used row and column, and OpenDocument compresses repetition twice over
//! (the zip, then `table:number-rows-repeated` and `table:number-columns-repeated`): a file of
//! under 1 KB can declare 36 million filled cells and cost 2.4 GB and 16 seconds before a single
//! row reaches jixiao. So `content.xml` is streamed once first, holding one row's counters at a
//! time, and the used rectangle of every table is measured; a table whose rectangle exceeds
//! [`MAX_CELLS`](super::excel::MAX_CELLS) is refused with its name and extent, before anything is
//! expanded. Empty cells count for nothing (LibreOffice writes the rest of a sheet as one
//! repeated empty cell and one repeated empty row); a cell with a value type, a formula or any
//! content counts as used.

use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::data_error;
use super::excel::MAX_CELLS;
use crate::error::Result;

/// The most rows and columns a sheet has (as Excel and calamine cap them).
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// The used rectangle of one table, in cells counted with their repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableExtent {
    pub name: String,
    /// Rows from the first to the last row holding a used cell.
    pub rows: u64,
    /// Columns from the leftmost to the rightmost used cell of any row.
    pub columns: u64,
}

impl TableExtent {
    pub fn cells(&self) -> u64 {
        self.rows.saturating_mul(self.columns)
    }
}

/// Refuses an `.ods` file whose tables would expand past [`MAX_CELLS`] cells; a file that is not
/// an OpenDocument archive passes (calamine then says what it is).
pub fn check_extent(path: &Path) -> Result<()> {
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(());
    };
    let Ok(mut archive) = zip::ZipArchive::new(BufReader::new(file)) else {
        return Ok(());
    };
    let Ok(content) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let extents = table_extents(BufReader::new(content))
        .map_err(|e| data_error(path, &format!("cannot read the workbook: {e}"), None))?;
    for extent in extents {
        if extent.cells() > MAX_CELLS as u64 {
            return Err(data_error(
                path,
                &format!(
                    "sheet {} spans {} rows × {} columns ({} cells) from its first to its last used cell, more than the {MAX_CELLS} cells jixiao reads from an .ods sheet (it is read whole)",
                    extent.name,
                    extent.rows,
                    extent.columns,
                    extent.cells()
                ),
                Some("delete what is not data (notes far from the table, repeated rows or columns), or save the sheet as .xlsx or .csv".into()),
            ));
        }
    }
    Ok(())
}

/// The used rectangle of every table in `content.xml`, streamed.
pub(crate) fn table_extents<R: Read>(
    content: BufReader<R>,
) -> std::result::Result<Vec<TableExtent>, String> {
    let mut reader = Reader::from_reader(content);
    let mut buf = Vec::new();
    let mut extents = Vec::new();
    // The table being read and the row being read, with their counters.
    let mut table: Option<Table> = None;
    let mut row: Option<Row> = None;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("content.xml: {e}"))?;
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "table:table" => {
                if let Some(done) = table.take() {
                    extents.push(done.extent());
                }
                let name = attribute(&e, "table:name")?.unwrap_or_default();
                table = Some(Table::new(name));
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                row = Some(Row::new(repeats(&e, "table:number-rows-repeated")?));
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(table) = table.as_mut() {
                    table.add_row(&Row::new(repeats(&e, "table:number-rows-repeated")?));
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if let (Some(table), Some(done)) = (table.as_mut(), row.take()) {
                    table.add_row(&done);
                }
            }
            ref event @ (Event::Start(ref e) | Event::Empty(ref e))
                if is_cell(e.name().as_ref()) =>
            {
                let mut used = attribute(e, "office:value-type")?.is_some()
                    || attribute(e, "table:formula")?.is_some();
                let columns = repeats(e, "table:number-columns-repeated")?;
                if matches!(event, Event::Start(_)) {
                    used |= has_content(&mut reader)?;
                }
                if let Some(row) = row.as_mut() {
                    row.add_cells(columns, used);
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                if let Some(done) = table.take() {
                    extents.push(done.extent());
                }
            }
            _ => {}
        }
        buf.clear();
    }
    if let Some(done) = table.take() {
        extents.push(done.extent());
    }
    Ok(extents)
}

/// Reads to the end of the element just opened; whether it held an element or text that is not
/// blank (`<text:p>` is how a string cell holds its text).
fn has_content<R: std::io::BufRead>(reader: &mut Reader<R>) -> std::result::Result<bool, String> {
    let mut depth = 1usize;
    let mut content = false;
    let mut buf = Vec::new();
    while depth > 0 {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("content.xml: {e}"))?
        {
            Event::Start(_) => {
                depth += 1;
                content = true;
            }
            Event::End(_) => depth -= 1,
            Event::Empty(_) => content = true,
            Event::Text(text) => content |= !text.trim().is_empty(),
            Event::CData(_) => content = true,
            Event::Eof => return Err("content.xml: a cell is not closed".into()),
            _ => {}
        }
        buf.clear();
    }
    Ok(content)
}

fn is_cell(name: &str) -> bool {
    name == "table:table-cell" || name == "table:covered-table-cell"
}

fn attribute(e: &BytesStart, key: &str) -> std::result::Result<Option<String>, String> {
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|e| format!("content.xml: {e}"))?;
        if attr.key.as_ref() == key {
            return Ok(Some(attr.value.into_owned()));
        }
    }
    Ok(None)
}

/// A repeat count (1 when absent); a count that is not a number is an error, as calamine has it.
fn repeats(e: &BytesStart, key: &str) -> std::result::Result<u64, String> {
    match attribute(e, key)? {
        None => Ok(1),
        Some(text) => text
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("content.xml: {key} is not a count: \"{text}\"")),
    }
}

/// Counters of the row being read: its repeats and the span of its used cells.
struct Row {
    repeats: u64,
    width: u64,
    used: Option<(u64, u64)>,
}

impl Row {
    fn new(repeats: u64) -> Row {
        Row {
            repeats,
            width: 0,
            used: None,
        }
    }

    fn add_cells(&mut self, columns: u64, used: bool) {
        let start = self.width.min(MAX_COLUMNS);
        self.width = self.width.saturating_add(columns).min(MAX_COLUMNS);
        if used && self.width > start {
            let (first, _) = self.used.unwrap_or((start, start));
            self.used = Some((first.min(start), self.width));
        }
    }
}

/// Counters of the table being read: rows so far and the span of its used cells.
struct Table {
    name: String,
    rows: u64,
    first_row: Option<u64>,
    end_row: u64,
    first_column: u64,
    end_column: u64,
}

impl Table {
    fn new(name: String) -> Table {
        Table {
            name,
            rows: 0,
            first_row: None,
            end_row: 0,
            first_column: u64::MAX,
            end_column: 0,
        }
    }

    fn add_row(&mut self, row: &Row) {
        let start = self.rows;
        self.rows = self.rows.saturating_add(row.repeats).min(MAX_ROWS);
        if let Some((first, end)) = row.used {
            if self.rows > start {
                self.first_row.get_or_insert(start);
                self.end_row = self.rows;
                self.first_column = self.first_column.min(first);
                self.end_column = self.end_column.max(end);
            }
        }
    }

    fn extent(self) -> TableExtent {
        match self.first_row {
            None => TableExtent {
                name: self.name,
                rows: 0,
                columns: 0,
            },
            Some(first) => TableExtent {
                name: self.name,
                rows: self.end_row - first,
                columns: self.end_column - self.first_column,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn extents(tables: &str) -> Vec<TableExtent> {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
        );
        table_extents(BufReader::new(Cursor::new(xml.into_bytes()))).unwrap()
    }

    fn extent(name: &str, rows: u64, columns: u64) -> TableExtent {
        TableExtent {
            name: name.into(),
            rows,
            columns,
        }
    }

    #[test]
    fn a_plain_table_spans_its_used_cells() {
        // Two rows, the second with an empty cell between two values: 2 × 3.
        let got = extents(
            r#"<table:table table:name="数据"><table:table-row><table:table-cell office:value-type="string"><text:p>编码</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell/><table:table-cell office:value-type="float" office:value="2"/></table:table-row></table:table>"#,
        );
        assert_eq!(got, vec![extent("数据", 2, 3)]);
    }

    #[test]
    fn trailing_empty_repeats_as_libreoffice_writes_them_count_for_nothing() {
        let got = extents(
            r#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell table:number-columns-repeated="16383"></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
        );
        assert_eq!(got, vec![extent("S", 1, 1)]);
    }

    #[test]
    fn repeated_filled_cells_expand_and_a_far_note_stretches_the_rectangle() {
        // Row 1 offset by two empty rows; 3 filled rows of 4 filled columns from column C.
        let got = extents(
            r#"<table:table table:name="A"><table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row><table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="2"/><table:table-cell table:number-columns-repeated="4" office:value-type="float" office:value="1"/></table:table-row></table:table><table:table table:name="B"><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="999"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="49"/><table:table-cell><text:p>note</text:p></table:table-cell></table:table-row></table:table>"#,
        );
        assert_eq!(got, vec![extent("A", 3, 4), extent("B", 1001, 50)]);
        assert_eq!(got[1].cells(), 50_050);
    }

    #[test]
    fn a_repeat_that_is_not_a_count_is_an_error() {
        let xml = r#"<office:document-content><table:table table:name="S"><table:table-row table:number-rows-repeated="many"/></table:table></office:document-content>"#;
        let err = table_extents(BufReader::new(Cursor::new(xml.as_bytes().to_vec()))).unwrap_err();
        assert!(err.contains("not a count: \"many\""), "{err}");
    }
}
