//! Writing the sheet model into a rust_xlsxwriter workbook: header and number formats, column
//! widths, frozen panes and autofilter, the fixed creation date that keeps the bytes stable.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};
use unicode_width::UnicodeWidthStr;

use super::layout::{fit_text, Cell, ListSheet, RowKind, Style, TableSheet};
use crate::error::{Error, Result};
use crate::progress::Progress;

pub(super) fn xlsx_error(error: rust_xlsxwriter::XlsxError) -> Error {
    Error::internal(format!("writing the Excel workbook: {error}"))
}

/// Cells of the table a workbook is written from, above which it is written with ZIP64
/// (rust_xlsxwriter's `use_zip_large_file`): one sheet's XML then passes 4 GiB, which a plain
/// zip cannot hold (1,000,000 primary-care institutions failed without it). Below, the file stays
/// as it was, byte for byte.
pub(super) const LARGE_ZIP_CELLS: usize = 50_000_000;

/// A workbook for a table of `cells` cells (rows × columns), titled `title`.
pub(super) fn new_workbook(title: Option<&str>, cells: usize) -> Result<Workbook> {
    let mut workbook = Workbook::new();
    if cells > LARGE_ZIP_CELLS {
        workbook.use_zip_large_file(true);
    }
    let created = ExcelDateTime::from_ymd(1980, 1, 1).map_err(xlsx_error)?;
    let mut properties = DocProperties::new().set_creation_datetime(&created);
    if let Some(title) = title {
        properties = properties.set_title(title);
    }
    workbook.set_properties(&properties);
    // The fastest deflate: the XML of a large report is hundreds of megabytes, and level 1 writes
    // it about twice as fast as the default for a slightly larger file.
    workbook.set_zip_compression_level(1);
    Ok(workbook)
}

pub(super) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border_bottom(FormatBorder::Thin)
}

pub(super) fn number_format(style: Style) -> Format {
    match style.number_format() {
        Some(code) => Format::new().set_num_format(code),
        None => Format::new(),
    }
}

/// Shown width of a cell, in Excel's character units (CJK characters count double).
pub(super) fn shown_width(cell: &Cell, style: Style) -> usize {
    match cell {
        Cell::Empty => 0,
        Cell::Number(v) => style.shown(*v).width(),
        Cell::Text(t) => t.width(),
    }
}

pub(super) fn column_width(title_width: usize, widest: usize) -> f64 {
    (widest.max(title_width.min(24)) + 2).clamp(4, 60) as f64
}

pub(super) fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    format: &Format,
) -> Result<()> {
    match cell {
        Cell::Empty => {}
        Cell::Number(v) => {
            sheet
                .write_number_with_format(row, col, *v, format)
                .map_err(xlsx_error)?;
        }
        Cell::Text(t) => {
            sheet
                .write_string_with_format(row, col, fit_text(t), format)
                .map_err(xlsx_error)?;
        }
    }
    Ok(())
}

/// Adds a table sheet: header line(s), frozen and repeated on every printed page; autofilter;
/// cells with their formats; widths; landscape, fit to the page's width.
///
/// Written in rust_xlsxwriter's constant-memory mode: each row goes to a temporary file as soon
/// as the next one starts, so the rows are written strictly in order — the first header line
/// whole, then the second, then the data — and memory does not grow with the rows.
pub fn push_table(
    workbook: &mut Workbook,
    table: &TableSheet,
    fills: &BTreeMap<String, Color>,
    progress: &Progress,
) -> Result<()> {
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_error)?;
    sheet.set_name(&table.name).map_err(xlsx_error)?;
    let header = header_format();
    let header_rows = table.header_rows();
    let columns = &table.columns;
    // First header line: group titles merged over their columns; single titles merged down both
    // lines (the merge pads the second line ahead of time, as constant memory allows).
    let mut index = 0;
    while index < columns.len() {
        let column = &columns[index];
        let col = index as u16;
        match &column.group {
            Some(group) => {
                let mut end = index;
                while end + 1 < columns.len() && columns[end + 1].group.as_ref() == Some(group) {
                    end += 1;
                }
                if end > index {
                    sheet
                        .merge_range(0, col, 0, end as u16, group, &header)
                        .map_err(xlsx_error)?;
                } else {
                    sheet
                        .write_string_with_format(0, col, group, &header)
                        .map_err(xlsx_error)?;
                }
                index = end + 1;
            }
            None => {
                if header_rows == 2 {
                    sheet
                        .merge_range(0, col, 1, col, &column.title, &header)
                        .map_err(xlsx_error)?;
                } else {
                    sheet
                        .write_string_with_format(0, col, &column.title, &header)
                        .map_err(xlsx_error)?;
                }
                index += 1;
            }
        }
    }
    // Second header line: the titles under a group title.
    if header_rows == 2 {
        for (index, column) in columns.iter().enumerate() {
            if column.group.is_some() {
                sheet
                    .write_string_with_format(1, index as u16, &column.title, &header)
                    .map_err(xlsx_error)?;
            }
        }
    }
    let grade_formats: BTreeMap<&str, Format> = fills
        .iter()
        .map(|(grade, colour)| (grade.as_str(), Format::new().set_background_color(*colour)))
        .collect();
    let plain = Format::new();
    let numbers: Vec<Format> = columns.iter().map(|c| number_format(c.style)).collect();
    let mut widest = vec![0usize; columns.len()];
    let height = table.height();
    for row in 0..height {
        let at = row as u32 + header_rows;
        for (index, column) in columns.iter().enumerate() {
            let cell = column.values.get(row);
            widest[index] = widest[index].max(shown_width(&cell, column.style));
            let format = match &cell {
                Cell::Text(grade) if column.grade_fill => {
                    grade_formats.get(grade.as_str()).unwrap_or(&plain)
                }
                _ => &numbers[index],
            };
            write_cell(sheet, at, index as u16, &cell, format)?;
        }
        if row % 4096 == 4095 {
            progress.advance(4096);
        }
    }
    progress.advance((height % 4096) as u64);
    for (index, column) in columns.iter().enumerate() {
        let title_width = column
            .title
            .width()
            .max(column.group.as_ref().map_or(0, |g| g.width().min(12)));
        sheet
            .set_column_width(index as u16, column_width(title_width, widest[index]))
            .map_err(xlsx_error)?;
    }
    if let Some(panes) = table.panes() {
        sheet
            .set_freeze_panes(panes.frozen_rows, panes.frozen_columns)
            .map_err(xlsx_error)?;
        let (first_row, first_col, last_row, last_col) = panes.autofilter;
        sheet
            .autofilter(first_row, first_col, last_row, last_col)
            .map_err(xlsx_error)?;
        sheet
            .set_repeat_rows(0, panes.frozen_rows - 1)
            .map_err(xlsx_error)?;
    }
    print_setup(sheet);
    Ok(())
}

/// Landscape A4, fit to one page wide (as many pages tall as needed), centred, gridlines printed.
pub(super) fn print_setup(sheet: &mut Worksheet) {
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    sheet.set_print_gridlines(true);
}

/// Where a table sheet is frozen and filtered (calamine cannot read these back, so they are
/// computed here and unit-tested).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    /// Header lines kept in view.
    pub frozen_rows: u32,
    /// Identity columns kept in view.
    pub frozen_columns: u16,
    /// First row, first column, last row, last column of the autofilter: the last header line
    /// and every data row.
    pub autofilter: (u32, u16, u32, u16),
}

impl TableSheet {
    /// The frozen panes and autofilter; `None` for a sheet without columns.
    pub fn panes(&self) -> Option<Panes> {
        if self.columns.is_empty() {
            return None;
        }
        let last_header = self.header_rows() - 1;
        Some(Panes {
            frozen_rows: self.header_rows(),
            frozen_columns: self.frozen_columns,
            autofilter: (
                last_header,
                0,
                last_header + self.height() as u32,
                (self.columns.len() - 1) as u16,
            ),
        })
    }
}

/// Adds a sheet of sections, rows in order (constant-memory mode, as [`push_table`]).
pub fn push_list(workbook: &mut Workbook, list: &ListSheet) -> Result<()> {
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_error)?;
    sheet.set_name(&list.name).map_err(xlsx_error)?;
    let title = Format::new().set_bold().set_font_size(14);
    let section = Format::new().set_bold();
    let header = header_format();
    let mut widths: Vec<usize> = Vec::new();
    for (row, (kind, cells)) in list.rows.iter().enumerate() {
        let row = row as u32;
        for (col, (cell, style)) in cells.iter().enumerate() {
            let format = match kind {
                RowKind::Title => title.clone(),
                RowKind::Section => section.clone(),
                RowKind::Header => header.clone(),
                RowKind::Body | RowKind::Note | RowKind::Blank => number_format(*style),
            };
            write_cell(sheet, row, col as u16, cell, &format)?;
            if matches!(kind, RowKind::Header | RowKind::Body) {
                if widths.len() <= col {
                    widths.resize(col + 1, 0);
                }
                widths[col] = widths[col].max(shown_width(cell, *style));
            }
        }
    }
    for (col, widest) in widths.into_iter().enumerate() {
        sheet
            .set_column_width(col as u16, column_width(0, widest))
            .map_err(xlsx_error)?;
    }
    sheet.set_portrait();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook past the threshold is written with ZIP64 and still reads back (calamine, as
    /// Excel, reads ZIP64); one below it is a plain zip, smaller.
    #[test]
    fn large_workbooks_are_written_with_zip64_and_read_back() {
        use calamine::{Reader, Xlsx};
        let write = |cells: usize| -> Vec<u8> {
            let mut workbook = new_workbook(Some("t"), cells).unwrap();
            let sheet = workbook.add_worksheet();
            sheet.write_number(0, 0, 1.5).unwrap();
            workbook.save_to_buffer().unwrap()
        };
        let (small, large) = (write(10), write(LARGE_ZIP_CELLS + 1));
        // The same content, each entry carrying ZIP64 size fields (20 bytes each) in the large one.
        assert!(
            large.len() > small.len(),
            "{} vs {}",
            large.len(),
            small.len()
        );
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(large)).unwrap();
        let range = book.worksheet_range("Sheet1").unwrap();
        assert_eq!(range.get_value((0, 0)), Some(&calamine::Data::Float(1.5)));
    }
}
