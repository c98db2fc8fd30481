//! The sheet model of the Excel report: cells, their styles, table sheets (columns under titles)
//! and list sheets (sections of rows), with the limits Excel sets (rows, text length, sheet
//! names). Built by `super::sheets`, written by `super::write`.

use polars::prelude::{DataType, Float64Chunked, StringChunked};
use unicode_width::UnicodeWidthChar;

use crate::error::{Error, Result};
use std::sync::Arc;

use crate::message::Flag;
use crate::report::lang::{flags_text, Lang};

/// Rows of an Excel sheet, header rows included.
pub const MAX_ROWS: usize = 1_048_576;
/// Longest text of a cell, in UTF-16 code units.
pub(super) const MAX_TEXT: usize = 32_767;

/// One cell's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Number(f64),
    Text(String),
}

/// How a column's numbers are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Excel's General: as many digits as fit (ranks, raw values, text).
    General,
    /// A fixed number of decimals (scores).
    Fixed(u32),
    /// Thousands separators and a fixed number of decimals (money).
    Money(u32),
    /// A share as a percentage with 2 decimals (weights).
    Percent,
}

/// How an indicator's values are shown, by their unit: money with thousands separators and 2
/// decimals, shares (%, ‰) and days with 2 decimals, anything else as Excel's General. Formats
/// change only what Excel shows, never the value.
pub fn unit_style(unit: Option<&str>) -> Style {
    let Some(unit) = unit.map(str::trim).filter(|u| !u.is_empty()) else {
        return Style::General;
    };
    let money = ["元", "千元", "万元", "百万元", "亿元"];
    if money.contains(&unit) {
        return Style::Money(2);
    }
    if unit.contains('%')
        || unit.contains('％')
        || unit.contains('‰')
        || unit == "天"
        || unit == "日"
    {
        return Style::Fixed(2);
    }
    Style::General
}

impl Style {
    pub(super) fn number_format(self) -> Option<String> {
        let decimals = |d: u32| {
            if d == 0 {
                String::new()
            } else {
                format!(".{}", "0".repeat(d as usize))
            }
        };
        match self {
            Style::General => None,
            Style::Fixed(d) => Some(format!("0{}", decimals(d))),
            Style::Money(d) => Some(format!("#,##0{}", decimals(d))),
            Style::Percent => Some("0.00%".into()),
        }
    }

    /// The text Excel shows for `value`, for column widths.
    pub(super) fn shown(self, value: f64) -> String {
        match self {
            Style::General => {
                let text = value.to_string();
                // General shows about 11 characters.
                text.chars().take(11).collect()
            }
            Style::Fixed(d) => format!("{value:.*}", d as usize),
            Style::Money(d) => {
                let text = format!("{:.*}", d as usize, value.abs());
                let (whole, fraction) = text.split_at(text.find('.').unwrap_or(text.len()));
                let mut grouped = String::new();
                for (i, digit) in whole.chars().enumerate() {
                    if i > 0 && (whole.len() - i) % 3 == 0 {
                        grouped.push(',');
                    }
                    grouped.push(digit);
                }
                let sign = if value < 0.0 { "-" } else { "" };
                format!("{sign}{grouped}{fraction}")
            }
            Style::Percent => format!("{:.2}%", value * 100.0),
        }
    }
}

/// A column's values, read one row at a time as the sheet is written (the report streams its
/// rows, so a column is never copied into cells whole).
#[derive(Debug, Clone)]
pub enum Values {
    /// Cells already made (small tables, tests).
    Cells(Vec<Cell>),
    /// Numbers of the output table: missing values blank, non-finite values as the CSV's text.
    Numbers(Float64Chunked),
    /// Text of the output table: missing and empty values blank.
    Texts(StringChunked),
    /// The flags of each row of the output table, worded in a language ([`flags_text`]).
    Flags(Arc<Vec<Vec<Flag>>>, Lang),
}

impl Values {
    /// The values of a column of the output table: numbers as numbers, anything else as text.
    pub fn of(column: &polars::prelude::Column) -> Result<Values> {
        let series = column.as_materialized_series();
        if series.dtype().is_primitive_numeric() {
            let floats = series.cast(&DataType::Float64)?;
            return Ok(Values::Numbers(floats.f64()?.rechunk().into_owned()));
        }
        let strings = series.cast(&DataType::String)?;
        Ok(Values::Texts(strings.str()?.rechunk().into_owned()))
    }

    /// The rows' flags (`crate::pipeline::ScoreRun::flags`) worded in `lang`.
    pub fn flags(flags: &Arc<Vec<Vec<Flag>>>, lang: Lang) -> Values {
        Values::Flags(Arc::clone(flags), lang)
    }

    pub fn len(&self) -> usize {
        match self {
            Values::Cells(cells) => cells.len(),
            Values::Numbers(numbers) => numbers.len(),
            Values::Texts(texts) => texts.len(),
            Values::Flags(flags, _) => flags.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell of `row`.
    pub fn get(&self, row: usize) -> Cell {
        match self {
            Values::Cells(cells) => cells.get(row).cloned().unwrap_or(Cell::Empty),
            Values::Numbers(numbers) => number_cell(numbers.get(row)),
            Values::Texts(texts) => text(texts.get(row).unwrap_or_default()),
            Values::Flags(flags, lang) => match flags.get(row) {
                Some(flags) => text(flags_text(flags, *lang)),
                None => Cell::Empty,
            },
        }
    }
}

impl From<Vec<Cell>> for Values {
    fn from(cells: Vec<Cell>) -> Values {
        Values::Cells(cells)
    }
}

/// One column of a table sheet.
#[derive(Debug, Clone)]
pub struct Column {
    /// The title on the (last) header line.
    pub title: String,
    /// A title over this and the neighbouring columns sharing it (first of two header lines).
    pub group: Option<String>,
    pub style: Style,
    pub values: Values,
    /// Fill each cell by its grade band.
    pub grade_fill: bool,
}

impl Column {
    pub(super) fn new(title: impl Into<String>, style: Style, values: impl Into<Values>) -> Column {
        Column {
            title: title.into(),
            group: None,
            style,
            values: values.into(),
            grade_fill: false,
        }
    }
}

/// A sheet of columns under one or two header lines: frozen header (and identity columns),
/// autofilter on the last header line.
#[derive(Debug, Clone)]
pub struct TableSheet {
    pub name: String,
    pub columns: Vec<Column>,
    /// Leading columns that stay in view when scrolling right (rank, id, name…).
    pub frozen_columns: u16,
}

impl TableSheet {
    /// Header lines: 2 when a column has a group title, else 1.
    pub fn header_rows(&self) -> u32 {
        if self.columns.iter().any(|c| c.group.is_some()) {
            2
        } else {
            1
        }
    }

    pub(super) fn height(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }
}

/// What a row of the summary sheet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// The sheet's title.
    Title,
    /// A section heading.
    Section,
    /// Column titles of the section's table.
    Header,
    /// A row of values.
    Body,
    /// Free text in the first column that may run over the next (not counted for widths).
    Note,
    Blank,
}

/// A sheet of sections, each a heading and a small table.
#[derive(Debug, Clone, Default)]
pub struct ListSheet {
    pub name: String,
    pub rows: Vec<(RowKind, Vec<(Cell, Style)>)>,
}

impl ListSheet {
    pub(super) fn section(&mut self, title: &str, header: &[&str]) {
        if !self.rows.is_empty() {
            self.rows.push((RowKind::Blank, Vec::new()));
        }
        self.rows
            .push((RowKind::Section, vec![(text(title), Style::General)]));
        if !header.is_empty() {
            self.rows.push((
                RowKind::Header,
                header.iter().map(|h| (text(*h), Style::General)).collect(),
            ));
        }
    }

    pub(super) fn row(&mut self, cells: Vec<(Cell, Style)>) {
        self.rows.push((RowKind::Body, cells));
    }

    pub(super) fn note(&mut self, line: &str) {
        self.rows
            .push((RowKind::Note, vec![(text(line), Style::General)]));
    }
}

pub(super) fn text(value: impl Into<String>) -> Cell {
    let value = value.into();
    if value.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(value)
    }
}

pub(super) fn number(value: f64) -> Cell {
    Cell::Number(value)
}

pub(super) fn count(value: impl TryInto<u64>) -> (Cell, Style) {
    let value: u64 = value.try_into().unwrap_or(u64::MAX);
    (Cell::Number(value as f64), Style::General)
}

/// `id` and a word: "医疗质量得分", "quality 得分" (a space after a non-CJK id).
pub(super) fn titled(id: &str, word: &str) -> String {
    match id.chars().last() {
        Some(c) if c.width().unwrap_or(1) == 2 => format!("{id}{word}"),
        _ => format!("{id} {word}"),
    }
}

/// A column's cells: numbers as numbers, text as text, missing values blank.
pub fn cells(column: &polars::prelude::Column) -> Result<Vec<Cell>> {
    let series = column.as_materialized_series();
    let dtype = series.dtype();
    if dtype.is_primitive_numeric() {
        let floats = series.cast(&DataType::Float64)?;
        return Ok(floats.f64()?.iter().map(number_cell).collect());
    }
    let strings = series.cast(&DataType::String)?;
    Ok(strings
        .str()?
        .iter()
        .map(|v| text(v.unwrap_or_default()))
        .collect())
}

/// A number's cell: blank when missing, the CSV's text when not finite.
fn number_cell(value: Option<f64>) -> Cell {
    match value {
        None => Cell::Empty,
        Some(v) if v.is_finite() => Cell::Number(v),
        Some(v) if v.is_nan() => Cell::Text("NaN".into()),
        Some(v) if v > 0.0 => Cell::Text("inf".into()),
        Some(_) => Cell::Text("-inf".into()),
    }
}

/// Cuts text Excel cannot hold in one cell, ending it with "…".
pub fn fit_text(value: &str) -> std::borrow::Cow<'_, str> {
    if value.encode_utf16().count() <= MAX_TEXT {
        return value.into();
    }
    let mut out = String::new();
    let mut units = 0;
    for c in value.chars() {
        units += c.len_utf16();
        if units > MAX_TEXT - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out.into()
}

/// Refuses a table that would not fit in a sheet under `header_rows` header lines.
pub fn check_fits(rows: usize, header_rows: usize) -> Result<()> {
    if rows + header_rows > MAX_ROWS {
        return Err(Error::Usage {
            message: format!(
                "{rows} rows do not fit in an Excel sheet ({MAX_ROWS} rows at most, with {header_rows} header row{}); write .csv or .parquet instead",
                if header_rows == 1 { "" } else { "s" }
            ),
        });
    }
    Ok(())
}

/// Sheet names as Excel takes them: at most 31 characters, without `[]:*?/\`, unique.
#[derive(Debug, Default)]
pub struct SheetNames {
    taken: Vec<String>,
}

impl SheetNames {
    /// A valid name for `wanted`, not yet taken, and takes it.
    pub fn take(&mut self, wanted: &str) -> String {
        let clean: String = wanted
            .chars()
            .map(|c| match c {
                '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
                c => c,
            })
            .collect();
        let clean = clean.trim_matches('\'');
        let base = if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
            format!("{clean}_")
        } else {
            clean.to_string()
        };
        let base = if base.trim_matches('\'').is_empty() {
            "Sheet".to_string()
        } else {
            base
        };
        let mut n = 1;
        loop {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!(" ({n})")
            };
            let room = 31 - suffix.len();
            let mut name = String::new();
            for c in base.chars() {
                if name.encode_utf16().count() + c.len_utf16() > room {
                    break;
                }
                name.push(c);
            }
            let name = format!("{}{suffix}", name.trim_end_matches('\''));
            if !self
                .taken
                .iter()
                .any(|t| t.to_lowercase() == name.to_lowercase())
            {
                self.taken.push(name.clone());
                return name;
            }
            n += 1;
        }
    }
}
