//! Excel workbooks (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`) and OpenDocument sheets, read with calamine.
//!
//! Policies:
//!
//! - **Sheet**: `--sheet NAME`, else the first sheet. An unknown name is an error listing the
//!   workbook's sheets.
//! - **Header**: `--header-row N` (Excel's row number), else detected (see [`crate::source`]).
//! - **Cells become text**, parsed as numbers later like CSV cells: a number is written so that it
//!   reads back exactly (Rust's shortest round-trip form: `1234`, `0.125`, `1e-7` as
//!   `0.0000001`); a date as ISO text (`2024-03-31`, with ` 08:30:00` when it has a time); a
//!   duration as its number of days; TRUE/FALSE as written; an error value (`#DIV/0!`, `#N/A`) as
//!   its text, so that a numeric column reports it as an Excel error. Empty text is an empty cell.
//! - **Rows** keep Excel's row numbers; rows with every cell empty are skipped; merged cells hold
//!   their value in the first cell only (as Excel stores them).

use std::path::Path;

use calamine::{open_workbook_auto, Data, DataRef, Reader, Sheets};
use polars::prelude::*;

use super::{
    column_letter, data_error, detect_header, header_names, unnamed_column_error, HeaderCell,
    Origin, ReadOptions, SourceFormat, SourceTable, HEADER_WINDOW,
};
use crate::error::Result;

/// The most used (non-empty) cells a sheet may hold: checked while the sheet is streamed, before
/// more memory is spent. 5 million cells is 100,000 institutions × 50 columns.
pub const MAX_CELLS: usize = 5_000_000;

/// Cells with a formula but no saved value listed in the error before "and N more".
const FORMULA_CELLS_SHOWN: usize = 10;

/// One row of a sheet: its 0-based row index and its non-empty cells by 0-based column, in order.
type SheetRow = (u32, Vec<(u32, Data)>);

/// Reads one sheet of a workbook; see the module documentation.
pub fn read(path: &Path, options: &ReadOptions) -> Result<SourceTable> {
    super::ods::check_extent(path)?;
    let mut book = open_workbook_auto(path)
        .map_err(|e| data_error(path, &format!("cannot read the workbook: {e}"), None))?;
    let sheets = book.sheet_names();
    let sheet = match &options.sheet {
        Some(name) if sheets.contains(name) => name.clone(),
        Some(name) => {
            return Err(data_error(
                path,
                &format!(
                    "no sheet named \"{name}\"; the workbook's sheets: {}",
                    sheets.join(", ")
                ),
                Some("pass --sheet with one of these names".into()),
            ))
        }
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| data_error(path, "the workbook has no sheets", None))?,
    };
    let rows = used_rows(path, &mut book, &sheet)?;
    let mut origin = Origin {
        file: path.to_path_buf(),
        format: Some(SourceFormat::Excel),
        sheet: Some(sheet.clone()),
        encoding: None,
        header_row: 1,
        rows: Vec::new(),
        layout: None,
        units: Default::default(),
        cells: Default::default(),
    };
    if rows.is_empty() {
        return Err(data_error(
            path,
            &format!("sheet {sheet} is empty"),
            (sheets.len() > 1).then(|| {
                format!(
                    "the workbook's sheets: {}; pass --sheet NAME",
                    sheets.join(", ")
                )
            }),
        ));
    }
    // Rows and columns below are offsets from the first used row and column.
    let first_row = rows[0].0 as usize;
    let first_column = rows
        .iter()
        .filter_map(|(_, cells)| cells.first().map(|(column, _)| *column))
        .min()
        .unwrap_or(0) as usize;
    let header_cells = |cells: &[(u32, Data)]| -> Vec<Option<HeaderCell>> {
        let width = cells
            .last()
            .map_or(0, |(column, _)| *column as usize + 1 - first_column);
        let mut header = vec![None; width];
        for (column, cell) in cells {
            header[*column as usize - first_column] = text_of(cell).and_then(|text| {
                let mut header = HeaderCell::from_text(&text)?;
                // A number typed as a number is not a name, whatever it reads as.
                header.is_text &= matches!(cell, Data::String(_));
                Some(header)
            });
        }
        header
    };
    let header = match options.header_row {
        Some(row) => rows
            .iter()
            .position(|(at, _)| *at as usize + 1 == row)
            .ok_or_else(|| {
                data_error(
                    path,
                    &format!("--header-row {row}: row {row} of sheet {sheet} is empty"),
                    Some(format!(
                        "the sheet's cells are in rows {} to {}; give the row number of the header as Excel shows it",
                        first_row + 1,
                        rows[rows.len() - 1].0 + 1
                    )),
                )
            })?,
        None => {
            // The window counts rows as Excel does, empty ones included.
            let window: Vec<Vec<Option<HeaderCell>>> = (0..HEADER_WINDOW)
                .map(|offset| {
                    rows.iter()
                        .find(|(at, _)| *at as usize == first_row + offset)
                        .map(|(_, cells)| header_cells(cells))
                        .unwrap_or_default()
                })
                .collect();
            let offset = detect_header(&window, &options.expected_columns);
            rows.iter()
                .position(|(at, _)| *at as usize == first_row + offset)
                .unwrap_or(0)
        }
    };
    origin.header_row = rows[header].0 as usize + 1;
    let names = header_names(&origin, &header_cells(&rows[header].1), first_column)?;

    let data_rows = &rows[header + 1..];
    let mut columns: Vec<Vec<Option<String>>> = vec![vec![None; data_rows.len()]; names.len()];
    let mut unnamed = std::collections::BTreeSet::new();
    for (index, (row, cells)) in data_rows.iter().enumerate() {
        origin.rows.push(row + 1);
        for (column, cell) in cells {
            let at = *column as usize - first_column;
            match names.get(at) {
                Some(Some(_)) => columns[at][index] = text_of(cell),
                _ => {
                    unnamed.insert(*column as usize);
                }
            }
        }
    }
    if !unnamed.is_empty() {
        let letters: Vec<String> = unnamed.into_iter().map(column_letter).collect();
        return Err(unnamed_column_error(&origin, &letters));
    }
    let frame_columns: Vec<Column> = names
        .into_iter()
        .zip(columns)
        .filter_map(|(name, values)| Some(Column::new(name?.into(), values)))
        .collect();
    let frame = DataFrame::new(origin.rows.len(), frame_columns)?;
    Ok(SourceTable { frame, origin })
}

/// The rows of `sheet` that hold a non-blank cell, in order, each with its non-empty cells. An
/// `.xlsx` or `.xlsb` sheet is streamed cell by cell, so memory follows the cells used, not the
/// dimension the file declares (a stray note in XFD1048576 costs one cell); a sheet of more than
/// [`MAX_CELLS`] used cells is refused. In an `.xlsx` sheet a cell holding a formula without a
/// saved value (as openpyxl and pandas write them) is an error naming the cells: its value would
/// otherwise read as empty.
fn used_rows(
    path: &Path,
    book: &mut Sheets<std::io::BufReader<std::fs::File>>,
    sheet: &str,
) -> Result<Vec<SheetRow>> {
    let cannot = |e: &dyn std::fmt::Display| {
        data_error(path, &format!("cannot read sheet {sheet}: {e}"), None)
    };
    let too_many = || {
        data_error(
            path,
            &format!("sheet {sheet} holds more than {MAX_CELLS} used cells, the most jixiao reads"),
            Some("delete what is not data (notes, old tables) or split the sheet".into()),
        )
    };
    let mut cells: Vec<(u32, u32, Data)> = Vec::new();
    let mut unsaved: Vec<(u32, u32)> = Vec::new();
    let keep = |cells: &mut Vec<(u32, u32, Data)>, (row, column): (u32, u32), value: Data| {
        if matches!(&value, Data::Empty) || matches!(&value, Data::String(s) if s.is_empty()) {
            return Ok(());
        }
        if cells.len() >= MAX_CELLS {
            return Err(too_many());
        }
        cells.push((row, column, value));
        Ok(())
    };
    match book {
        Sheets::Xlsx(xlsx) => {
            let mut reader = xlsx.worksheet_cells_reader(sheet).map_err(|e| cannot(&e))?;
            while let Some(cell) = reader.next_cell_with_formula().map_err(|e| cannot(&e))? {
                if cell.formula.is_some() && matches!(cell.value, DataRef::Empty) {
                    unsaved.push(cell.pos);
                    continue;
                }
                keep(&mut cells, cell.pos, Data::from(cell.value))?;
            }
        }
        Sheets::Xlsb(xlsb) => {
            let mut reader = xlsb.worksheet_cells_reader(sheet).map_err(|e| cannot(&e))?;
            while let Some(cell) = reader.next_cell().map_err(|e| cannot(&e))? {
                keep(
                    &mut cells,
                    cell.get_position(),
                    Data::from(cell.get_value().clone()),
                )?;
            }
        }
        // .xls (at most 65,536 × 256 cells) and .ods (its extent checked before opening, see
        // `super::ods`) are read whole.
        _ => {
            let range = book.worksheet_range(sheet).map_err(|e| cannot(&e))?;
            for (row, column, value) in range.used_cells() {
                keep(&mut cells, (row as u32, column as u32), value.clone())?;
            }
        }
    }
    if !unsaved.is_empty() {
        unsaved.sort_unstable();
        let shown: Vec<String> = unsaved
            .iter()
            .take(FORMULA_CELLS_SHOWN)
            .map(|(row, column)| format!("{}{}", column_letter(*column as usize), row + 1))
            .collect();
        let more = match unsaved.len().saturating_sub(FORMULA_CELLS_SHOWN) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        return Err(data_error(
            path,
            &format!(
                "sheet {sheet}: {} cell{} hold{} a formula without a saved value: {}{more}",
                unsaved.len(),
                if unsaved.len() > 1 { "s" } else { "" },
                if unsaved.len() > 1 { "" } else { "s" },
                shown.join(", ")
            ),
            Some("the file was written by a program that does not compute formulas (openpyxl, pandas); open it in Excel or WPS and save it, so every formula keeps its value".into()),
        ));
    }
    cells.sort_unstable_by_key(|(row, column, _)| (*row, *column));
    let mut rows: Vec<SheetRow> = Vec::new();
    for (row, column, value) in cells {
        match rows.last_mut() {
            Some((at, row_cells)) if *at == row => row_cells.push((column, value)),
            _ => rows.push((row, vec![(column, value)])),
        }
    }
    rows.retain(|(_, row_cells)| !row_cells.iter().all(|(_, cell)| is_empty(cell)));
    Ok(rows)
}

fn is_empty(cell: &Data) -> bool {
    text_of(cell).is_none_or(|t| t.trim().is_empty())
}

/// A cell as text; see the module documentation. `None` for an empty cell.
pub fn text_of(cell: &Data) -> Option<String> {
    Some(match cell {
        Data::Empty => return None,
        Data::String(text) if text.is_empty() => return None,
        Data::String(text) => text.clone(),
        Data::Int(value) => value.to_string(),
        Data::Float(value) => format!("{value}"),
        Data::Bool(value) => (if *value { "TRUE" } else { "FALSE" }).to_string(),
        Data::DateTime(value) if value.is_duration() => format!("{}", value.as_f64()),
        Data::DateTime(value) => {
            let (year, month, day, hour, minute, second, milli) = value.to_ymd_hms_milli();
            let date = format!("{year:04}-{month:02}-{day:02}");
            match (hour, minute, second, milli) {
                (0, 0, 0, 0) => date,
                (_, _, _, 0) => format!("{date} {hour:02}:{minute:02}:{second:02}"),
                _ => format!("{date} {hour:02}:{minute:02}:{second:02}.{milli:03}"),
            }
        }
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Error(error) => error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};
    use rust_xlsxwriter::{Format, Workbook};

    #[test]
    fn cells_become_text_that_reads_back() {
        assert_eq!(text_of(&Data::Float(1234.0)).as_deref(), Some("1234"));
        assert_eq!(text_of(&Data::Float(0.125)).as_deref(), Some("0.125"));
        assert_eq!(
            text_of(&Data::Float(0.1 + 0.2)).as_deref(),
            Some("0.30000000000000004")
        );
        assert_eq!(text_of(&Data::Int(-7)).as_deref(), Some("-7"));
        assert_eq!(text_of(&Data::Bool(true)).as_deref(), Some("TRUE"));
        assert_eq!(text_of(&Data::String(String::new())), None);
        assert_eq!(text_of(&Data::Empty), None);
        assert_eq!(
            text_of(&Data::Error(CellErrorType::Div0)).as_deref(),
            Some("#DIV/0!")
        );
        let date = ExcelDateTime::new(45382.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            text_of(&Data::DateTime(date)).as_deref(),
            Some("2024-03-31")
        );
        let time = ExcelDateTime::new(45382.3541666667, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            text_of(&Data::DateTime(time)).as_deref(),
            Some("2024-03-31 08:30:00")
        );
    }

    /// A workbook with a title row, a blank row, the header on row 4, a blank data row.
    fn workbook(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("d.xlsx");
        let mut book = Workbook::new();
        let notes = book.add_worksheet();
        notes.set_name("说明").unwrap();
        notes.write_string(0, 0, "填报说明").unwrap();
        let sheet = book.add_worksheet();
        sheet.set_name("数据").unwrap();
        sheet
            .merge_range(0, 0, 0, 2, "2023年绩效考核数据", &Format::new())
            .unwrap();
        for (column, name) in ["编码", "名称", "出院人数"].iter().enumerate() {
            sheet.write_string(3, column as u16, *name).unwrap();
        }
        sheet.write_string(4, 0, "H1").unwrap();
        sheet.write_string(4, 1, "甲").unwrap();
        sheet.write_number(4, 2, 1234.0).unwrap();
        sheet.write_string(6, 0, "H2").unwrap();
        sheet.write_string(6, 1, "乙").unwrap();
        sheet.write_string(6, 2, "1,234.5").unwrap();
        book.save(&path).unwrap();
        path
    }

    #[test]
    fn a_sheet_is_read_with_its_row_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = workbook(dir.path());
        let options = ReadOptions {
            sheet: Some("数据".into()),
            ..Default::default()
        };
        let table = read(&path, &options).unwrap();
        assert_eq!(table.origin.header_row, 4);
        assert_eq!(table.origin.rows, [5, 7]);
        let values: Vec<Option<&str>> = table
            .frame
            .column("出院人数")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(values, [Some("1234"), Some("1,234.5")]);
        assert_eq!(
            table.origin.cell(1, "出院人数"),
            format!("{}, sheet 数据, row 7, column 出院人数", path.display())
        );
        let given = ReadOptions {
            header_row: Some(4),
            ..options.clone()
        };
        assert_eq!(read(&path, &given).unwrap().origin.rows, [5, 7]);
        let wrong = ReadOptions {
            header_row: Some(2),
            ..options
        };
        let err = read(&path, &wrong).unwrap_err().to_string();
        assert!(err.contains("row 2 of sheet 数据 is empty"), "{err}");
    }

    #[test]
    fn the_first_sheet_by_default_and_unknown_sheets_listed() {
        let dir = tempfile::tempdir().unwrap();
        let path = workbook(dir.path());
        let err = super::super::read(&path, &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains(": sheet 说明: holds no rows of data"), "{err}");
        let options = ReadOptions {
            sheet: Some("Sheet1".into()),
            ..Default::default()
        };
        let err = read(&path, &options).unwrap_err().to_string();
        assert!(
            err.contains("no sheet named \"Sheet1\"; the workbook's sheets: 说明, 数据"),
            "{err}"
        );
    }
}
