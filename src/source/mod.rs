//! Reading a data file as evaluators have it — an Excel workbook, a CSV file exported from Chinese
//! Excel (GBK or UTF-8, with or without a BOM), Parquet or JSON — into a [`SourceTable`]: the frame
//! and its [`Origin`], which remembers where every row came from so that a problem can be reported
//! at the row number the user sees in Excel or a text editor.
//!
//! Policies shared by the formats (each format's own are in its file):
//!
//! - **Format** by [`ReadOptions::format`], else by extension: `.csv`, `.tsv`, `.txt` (text, see
//!   [`csv`]; each also gzip-compressed, `.csv.gz`, read at most 512 MiB expanded), `.xlsx`/`.xlsm`/`.xls`/`.xlsb`/`.ods` ([`excel`]), `.parquet`, `.json` (an array of
//!   row objects), `.ndjson`/`.jsonl`. Any other extension is refused with the list.
//! - **Cells are text** for CSV and Excel: numbers are parsed later, column by column, by
//!   [`number::parse_number_column`], so one bad cell never aborts a read and every bad cell can be
//!   reported. Parquet and JSON keep their types.
//! - **Header row**: [`ReadOptions::header_row`] (1-based, as Excel numbers rows), else detected
//!   among the first [`HEADER_WINDOW`] rows: a fill-in form's (an item column and a period
//!   column, see [`layout`]), else the first row holding one of
//!   [`ReadOptions::expected_columns`]; failing that, the first row whose non-empty cells are all
//!   text (not numbers) and at least as many as in any later row of the window, which skips title
//!   rows such as a merged "2023年绩效考核数据" above the header; failing that, the first non-empty
//!   row. Header names are trimmed. A duplicate name, or a column with values but no name, is an
//!   error naming the column letters; a column with neither name nor values is dropped.
//! - **Empty rows** (every cell empty or blank) are skipped; [`Origin::rows`] keeps the true row
//!   number of every row kept.
//! - A file with no rows of data is an error.

pub mod csv;
pub mod excel;
pub mod layout;
pub mod number;
pub mod ods;

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, Result};

pub use number::{parse_number, parse_number_column, CellNumber, NumberProblem};

/// The most cells (rows × columns, as its footer declares them) read from a Parquet file, checked
/// before any is read: 1,000,000 institutions × 500 columns. A Parquet file's size does not bound
/// its memory (a few kilobytes of run-length encoding can declare a billion rows); a CSV or JSON
/// file's does, so they have no such limit.
pub const MAX_PARQUET_CELLS: usize = 500_000_000;

/// Rows searched for the header when no header row is given.
pub const HEADER_WINDOW: usize = 30;

/// The kinds of file jixiao reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// Comma-separated text (`.csv`; `.txt` by its first lines, see [`csv`]).
    Csv,
    /// Tab-separated text (`.tsv`).
    Tsv,
    /// An Excel (or OpenDocument) workbook: `.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`.
    Excel,
    Parquet,
    /// A JSON array of row objects.
    Json,
    /// One JSON object per line.
    NdJson,
}

impl SourceFormat {
    /// Names accepted by `--format`.
    pub const NAMES: [&'static str; 9] = [
        "csv", "tsv", "txt", "xlsx", "xls", "excel", "parquet", "json", "ndjson",
    ];

    /// A `--format` value or a file extension (case-insensitive), `None` if unknown.
    pub fn from_name(name: &str) -> Option<SourceFormat> {
        Some(match name.to_ascii_lowercase().as_str() {
            "csv" | "txt" => SourceFormat::Csv,
            "tsv" | "tab" => SourceFormat::Tsv,
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" | "excel" => SourceFormat::Excel,
            "parquet" | "pq" => SourceFormat::Parquet,
            "json" => SourceFormat::Json,
            "ndjson" | "jsonl" => SourceFormat::NdJson,
            _ => return None,
        })
    }

    /// The format of `path` by its extension.
    pub fn of_path(path: &Path) -> Option<SourceFormat> {
        if csv::is_gzip(path) {
            // `.csv.gz`, `.tsv.gz`, `.txt.gz`: text, gzip-compressed.
            let inner = Path::new(path.file_stem()?);
            return SourceFormat::of_path(inner)
                .filter(|f| matches!(f, SourceFormat::Csv | SourceFormat::Tsv));
        }
        SourceFormat::from_name(path.extension()?.to_str()?)
    }
}

/// How to read a file; the default reads any supported file as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadOptions {
    /// The format; `None`: by extension.
    pub format: Option<SourceFormat>,
    /// Excel: the sheet; `None`: the first sheet.
    pub sheet: Option<String>,
    /// CSV and Excel: the header's row number (1-based, as Excel shows it); `None`: detected.
    pub header_row: Option<usize>,
    /// CSV: an encoding label (`utf-8`, `gbk`, `gb18030`, `big5`, …); `None`: detected.
    pub encoding: Option<String>,
    /// Names the header should hold (the id column…), used to find the header row.
    pub expected_columns: Vec<String>,
}

/// A data file and how to read it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataFile {
    pub path: PathBuf,
    pub options: ReadOptions,
    /// Its layout, period and (for a form) institution; see [`layout`].
    pub layout: layout::LayoutOptions,
}

impl DataFile {
    pub fn new(path: impl Into<PathBuf>, options: ReadOptions) -> DataFile {
        DataFile {
            path: path.into(),
            options,
            layout: layout::LayoutOptions::default(),
        }
    }
}

impl From<&Path> for DataFile {
    fn from(path: &Path) -> DataFile {
        DataFile::new(path, ReadOptions::default())
    }
}

impl From<PathBuf> for DataFile {
    fn from(path: PathBuf) -> DataFile {
        DataFile::new(path, ReadOptions::default())
    }
}

impl From<&PathBuf> for DataFile {
    fn from(path: &PathBuf) -> DataFile {
        DataFile::new(path.clone(), ReadOptions::default())
    }
}

impl From<&str> for DataFile {
    fn from(path: &str) -> DataFile {
        DataFile::new(path, ReadOptions::default())
    }
}

/// Where a table came from, to name a cell as the user sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub file: PathBuf,
    /// `None` for frames built in memory.
    pub format: Option<SourceFormat>,
    /// Excel: the sheet read.
    pub sheet: Option<String>,
    /// Text files: the encoding read, e.g. "UTF-8", "UTF-8 with BOM", "GB18030 detected",
    /// "GB18030 from --encoding gbk".
    pub encoding: Option<String>,
    /// The header's row number (1-based, as Excel shows it); 0 for Parquet and JSON.
    pub header_row: usize,
    /// For each row of the frame, its row number as the user sees it: the spreadsheet row in
    /// Excel, the line in a text editor for CSV (the first line of a record spanning lines), the
    /// record number (1-based) in Parquet and JSON.
    pub rows: Vec<u32>,
    /// A fill-in form or long table: how it was turned into one row per institution
    /// ([`layout`]); `None` for a table that already had that shape.
    pub layout: Option<String>,
    /// Units that columns are in, given beside the figures (a form's 单位 column), by column.
    pub units: std::collections::BTreeMap<String, String>,
    /// Where the cells of an arranged table really are (a form's figures sit on the item's row,
    /// in the period's column; a long table's on their own rows): by the row the frame reports
    /// and the column's name, the file's row and the column as the file heads it. Empty for a
    /// table that already had one row per institution.
    pub cells: CellPlaces,
}

/// Where cells of an arranged table are: by (row the frame reports, column name), the file's row
/// and the column as the file heads it; see [`Origin::cells`].
pub type CellPlaces = std::collections::BTreeMap<(u32, String), (u32, String)>;

impl Origin {
    /// The origin of a frame built in memory: a header row 1 and rows 2, 3, … as in a CSV file.
    pub fn in_memory(file: &Path, height: usize) -> Origin {
        Origin {
            file: file.to_path_buf(),
            format: None,
            sheet: None,
            encoding: None,
            header_row: 1,
            rows: (2..).take(height).collect(),
            layout: None,
            units: Default::default(),
            cells: Default::default(),
        }
    }

    /// The row number the user sees for row `frame_row` of the frame.
    pub fn row(&self, frame_row: usize) -> u32 {
        self.rows
            .get(frame_row)
            .copied()
            .unwrap_or(frame_row as u32 + self.header_row as u32 + 1)
    }

    /// "d.xlsx, sheet 数据" or "d.csv": the file (and sheet) without the reading details.
    pub fn place(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{}, sheet {sheet}", self.file.display()),
            None => self.file.display().to_string(),
        }
    }

    /// "sheet 数据: " for a workbook, "" otherwise: what follows the file name in messages.
    pub fn within(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("sheet {sheet}: "),
            None => String::new(),
        }
    }

    /// A row as the user finds it: "d.xlsx, sheet 数据, row 7" ("record 7" for JSON).
    pub fn locate_row(&self, frame_row: usize) -> String {
        let unit = match self.format {
            Some(SourceFormat::Json | SourceFormat::NdJson) => "record",
            _ => "row",
        };
        format!("{}, {unit} {}", self.place(), self.row(frame_row))
    }

    /// A cell as the user finds it: "d.xlsx, sheet 数据, row 7, column 出院人数".
    pub fn cell(&self, frame_row: usize, column: &str) -> String {
        let row = self.row(frame_row);
        match self.cells.get(&(row, column.to_string())) {
            Some((row, header)) => format!("{}, row {row}, column {header}", self.place()),
            None => format!("{}, column {column}", self.locate_row(frame_row)),
        }
    }

    /// The file with what was not obvious about reading it, for the run summary:
    /// "d.xlsx (sheet 数据, header at row 3)", "d.csv (GB18030 detected)", or just "d.csv" for a
    /// UTF-8 CSV with its header on the first line.
    pub fn describe(&self) -> String {
        let mut notes = Vec::new();
        if let Some(sheet) = &self.sheet {
            notes.push(format!("sheet {sheet}"));
        }
        if let Some(encoding) = self.encoding.as_deref().filter(|e| *e != "UTF-8") {
            notes.push(encoding.to_string());
        }
        if self.header_row > 1 {
            notes.push(format!("header at row {}", self.header_row));
        }
        if let Some(layout) = &self.layout {
            notes.push(layout.clone());
        }
        if notes.is_empty() {
            self.file.display().to_string()
        } else {
            format!("{} ({})", self.file.display(), notes.join(", "))
        }
    }
}

/// A table read from a file, every row with its place in the file.
#[derive(Debug, Clone)]
pub struct SourceTable {
    pub frame: DataFrame,
    pub origin: Origin,
}

/// Reads `path` as `options` say; see the module documentation for the policies.
pub fn read(path: &Path, options: &ReadOptions) -> Result<SourceTable> {
    if !path.is_file() {
        return Err(data_error(path, "no such file", None));
    }
    let format = match options.format {
        Some(format) => format,
        None => SourceFormat::of_path(path).ok_or_else(|| {
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .map(|e| format!(".{e} files"))
                .unwrap_or_else(|| "a file without an extension".into());
            data_error(
                path,
                &format!("cannot read {extension}"),
                Some(
                    "use .csv (or .csv.gz), .xlsx, .xls, .parquet, .json or .ndjson, or name the format with --format"
                        .into(),
                ),
            )
        })?,
    };
    if options.sheet.is_some() && format != SourceFormat::Excel {
        return Err(data_error(
            path,
            "a sheet was named, but this is not an Excel workbook",
            Some("--sheet and --prev-sheet apply to .xlsx and .xls files".into()),
        ));
    }
    let table = match format {
        SourceFormat::Csv => {
            let unzipped = match csv::is_gzip(path) {
                true => path.file_stem().map(Path::new).unwrap_or(path),
                false => path,
            };
            let txt = unzipped
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("txt"));
            let separator = if txt {
                csv::Separator::Sniff
            } else {
                csv::Separator::Comma
            };
            csv::read(path, options, separator)?
        }
        SourceFormat::Tsv => csv::read(path, options, csv::Separator::Tab)?,
        SourceFormat::Excel => excel::read(path, options)?,
        SourceFormat::Parquet | SourceFormat::Json | SourceFormat::NdJson => {
            read_typed(path, format)?
        }
    };
    if table.frame.height() == 0 {
        return Err(data_error(
            path,
            &format!("{}holds no rows of data", table.origin.within()),
            (table.origin.header_row > 0).then(|| {
                format!(
                    "the header was taken from row {}; rows below it are the data",
                    table.origin.header_row
                )
            }),
        ));
    }
    Ok(table)
}

/// Parquet and JSON, read by polars with their own types.
fn read_typed(path: &Path, format: SourceFormat) -> Result<SourceTable> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let frame = match format {
        SourceFormat::Parquet => {
            let mut reader = ParquetReader::new(file);
            let declared = reader
                .num_rows()
                .and_then(|rows| Ok((rows, reader.schema()?.len())));
            if let Ok((rows, columns)) = declared {
                if rows.saturating_mul(columns) > MAX_PARQUET_CELLS {
                    return Err(data_error(
                        path,
                        &format!(
                            "the file declares {rows} rows × {columns} columns ({} cells), more than the {MAX_PARQUET_CELLS} jixiao reads from a Parquet file",
                            rows.saturating_mul(columns)
                        ),
                        Some("keep the columns the scheme reads and split the file by region; Parquet compresses repeated values so far that its size does not bound the memory it takes".into()),
                    ));
                }
            }
            reader.finish()
        }
        SourceFormat::Json => JsonReader::new(file)
            .with_json_format(JsonFormat::Json)
            .finish(),
        _ => JsonReader::new(file)
            .with_json_format(JsonFormat::JsonLines)
            .finish(),
    }
    .map_err(|e| data_error(path, &format!("cannot read: {e}"), None))?;
    let frame = typed_cells(path, frame)?;
    let height = frame.height();
    Ok(SourceTable {
        frame,
        origin: Origin {
            file: path.to_path_buf(),
            format: Some(format),
            sheet: None,
            encoding: None,
            header_row: 0,
            rows: (1..).take(height).collect(),
            layout: None,
            units: Default::default(),
            cells: Default::default(),
        },
    })
}

/// The columns of a Parquet or JSON file as cells jixiao can check: numbers, booleans and text are
/// kept; decimals (Parquet `DECIMAL`, as databases and pandas' `Decimal` write money) become their
/// exact decimal text, which the number reader then turns into the nearest float — the same number
/// the same digits give in a CSV file, with no detour through a scaled integer; dates, times and
/// categories become text (a date where a number is expected is then reported cell by cell, as in
/// a CSV file); a column of lists, objects or bytes is refused by name, since no cell of it can be
/// a number or a name.
fn typed_cells(path: &Path, mut frame: DataFrame) -> Result<DataFrame> {
    let mut refused = Vec::new();
    let mut as_text = Vec::new();
    for column in frame.columns() {
        let dtype = column.dtype();
        if dtype.is_primitive_numeric()
            || dtype.is_bool()
            || dtype.is_null()
            || dtype == &DataType::String
        {
            continue;
        }
        if dtype.is_decimal() || dtype.is_temporal() || dtype.is_categorical() || dtype.is_enum() {
            as_text.push(column.name().clone());
        } else {
            refused.push(format!("{} ({dtype})", column.name()));
        }
    }
    if !refused.is_empty() {
        return Err(data_error(
            path,
            &format!(
                "column{} of a type that cannot hold a number or a name: {}",
                if refused.len() > 1 { "s" } else { "" },
                refused.join(", ")
            ),
            Some("write each value as a number or text (flatten nested objects and arrays), or drop the column".into()),
        ));
    }
    for name in as_text {
        let text = frame.column(&name)?.cast(&DataType::String)?;
        frame.with_column(text)?;
    }
    Ok(frame)
}

pub(crate) fn data_error(path: &Path, message: &str, help: Option<String>) -> Error {
    Error::Data {
        file: path.to_path_buf(),
        message: message.to_string(),
        help,
    }
}

/// Excel's letter for a 0-based column index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// One cell of a candidate header row: its text and whether it is text rather than a number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeaderCell {
    pub text: String,
    pub is_text: bool,
}

impl HeaderCell {
    /// A cell read as text (CSV, or an Excel text cell): text unless it reads as a number.
    pub fn from_text(text: &str) -> Option<HeaderCell> {
        let trimmed = trim(text);
        if trimmed.is_empty() {
            return None;
        }
        Some(HeaderCell {
            is_text: !matches!(parse_number(trimmed), CellNumber::Number(_)),
            text: trimmed.to_string(),
        })
    }
}

/// Trims spaces, the full-width space and the no-break space included.
pub(crate) fn trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// Index (into `window`) of the header row; see the module documentation.
pub(crate) fn detect_header(window: &[Vec<Option<HeaderCell>>], expected: &[String]) -> usize {
    let filled = |row: &Vec<Option<HeaderCell>>| row.iter().flatten().count();
    // A fill-in form's header first: its item rows may name the id column (机构编码).
    if let Some(at) = window.iter().position(|row| layout::is_form_header(row)) {
        return at;
    }
    if let Some(at) = window.iter().position(|row| {
        row.iter()
            .flatten()
            .any(|cell| expected.iter().any(|e| trim(e) == cell.text))
    }) {
        return at;
    }
    let counts: Vec<usize> = window.iter().map(filled).collect();
    for (at, row) in window.iter().enumerate() {
        let later = counts[at + 1..].iter().copied().max().unwrap_or(0);
        if counts[at] > 0 && counts[at] >= later && row.iter().flatten().all(|c| c.is_text) {
            return at;
        }
    }
    counts.iter().position(|&n| n > 0).unwrap_or(0)
}

/// The column names of a header row; `None` for a column without a name. Duplicates are an
/// error naming both columns' letters (`first_column` is the 0-based index of the row's first
/// cell in the sheet).
pub(crate) fn header_names(
    origin: &Origin,
    cells: &[Option<HeaderCell>],
    first_column: usize,
) -> Result<Vec<Option<String>>> {
    let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut duplicates = Vec::new();
    for (index, cell) in cells.iter().enumerate() {
        if let Some(cell) = cell {
            if let Some(first) = seen.insert(cell.text.as_str(), index) {
                duplicates.push(format!(
                    "\"{}\" (columns {} and {})",
                    cell.text,
                    column_letter(first_column + first),
                    column_letter(first_column + index)
                ));
            }
        }
    }
    if !duplicates.is_empty() {
        return Err(data_error(
            &origin.file,
            &format!(
                "{}the header (row {}) names a column twice: {}",
                origin.within(),
                origin.header_row,
                duplicates.join(", ")
            ),
            Some(
                "rename one of each pair in the header row, so every column has its own name"
                    .into(),
            ),
        ));
    }
    Ok(cells
        .iter()
        .map(|cell| cell.as_ref().map(|c| c.text.clone()))
        .collect())
}

/// The error for a column that has values but no name in the header.
pub(crate) fn unnamed_column_error(origin: &Origin, letters: &[String]) -> Error {
    data_error(
        &origin.file,
        &format!(
            "{}column{} {} {} values but no name in the header (row {})",
            origin.within(),
            if letters.len() > 1 { "s" } else { "" },
            letters.join(", "),
            if letters.len() > 1 { "have" } else { "has" },
            origin.header_row
        ),
        Some("give the column a name in the header row, or delete it; if the header is on another row, pass --header-row N".into()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<Option<HeaderCell>> {
        cells.iter().map(|c| HeaderCell::from_text(c)).collect()
    }

    #[test]
    fn column_letters_as_excel_shows_them() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn header_found_by_an_expected_column() {
        let window = [
            row(&["2023年绩效考核数据", "", ""]),
            row(&["填报单位：", "卫健委", ""]),
            row(&["机构编码", "名称", "出院人数"]),
            row(&["H1", "甲", "12"]),
        ];
        assert_eq!(detect_header(&window, &["机构编码".into()]), 2);
    }

    #[test]
    fn header_found_as_the_first_full_row_of_text() {
        let window = [
            row(&["2023年绩效考核数据", "", ""]),
            row(&["", "", ""]),
            row(&["编码", "名称", "出院人数"]),
            row(&["H1", "甲", "12"]),
            row(&["H2", "乙", "13"]),
        ];
        assert_eq!(detect_header(&window, &[]), 2);
        assert_eq!(
            detect_header(&window, &["不存在".into()]),
            2,
            "an expected name that is nowhere falls back to the shape rule"
        );
        // A row holding a number is not a header.
        let numbers = [row(&["年度", "2023", "x"]), row(&["a", "b", "c"])];
        assert_eq!(detect_header(&numbers, &[]), 1);
        // Nothing qualifies: the first non-empty row.
        let odd = [row(&["", ""]), row(&["1", "2"]), row(&["3", "4"])];
        assert_eq!(detect_header(&odd, &[]), 1);
    }

    #[test]
    fn origin_names_cells_as_the_user_sees_them() {
        let origin = Origin {
            file: "d.xlsx".into(),
            format: Some(SourceFormat::Excel),
            sheet: Some("数据".into()),
            encoding: None,
            header_row: 3,
            rows: vec![4, 5, 7],
            layout: None,
            units: Default::default(),
            cells: Default::default(),
        };
        assert_eq!(
            origin.cell(2, "出院人数"),
            "d.xlsx, sheet 数据, row 7, column 出院人数"
        );
        assert_eq!(origin.describe(), "d.xlsx (sheet 数据, header at row 3)");
        let csv = Origin {
            encoding: Some("UTF-8".into()),
            ..Origin::in_memory(Path::new("d.csv"), 2)
        };
        assert_eq!(csv.describe(), "d.csv");
        assert_eq!(csv.row(1), 3);
        let json = Origin {
            format: Some(SourceFormat::Json),
            header_row: 0,
            rows: vec![1, 2],
            ..csv
        };
        assert_eq!(json.locate_row(1), "d.csv, record 2");
    }

    #[test]
    fn formats_by_extension_and_name() {
        assert_eq!(
            SourceFormat::of_path(Path::new("a.XLSX")),
            Some(SourceFormat::Excel)
        );
        assert_eq!(
            SourceFormat::of_path(Path::new("a.jsonl")),
            Some(SourceFormat::NdJson)
        );
        assert_eq!(SourceFormat::of_path(Path::new("a.dat")), None);
        assert_eq!(
            SourceFormat::of_path(Path::new("input.CSV.gz")),
            Some(SourceFormat::Csv)
        );
        assert_eq!(
            SourceFormat::of_path(Path::new("a.tsv.gz")),
            Some(SourceFormat::Tsv)
        );
        // Only text is read compressed.
        assert_eq!(SourceFormat::of_path(Path::new("a.parquet.gz")), None);
        assert_eq!(SourceFormat::of_path(Path::new("a.gz")), None);
        for name in SourceFormat::NAMES {
            assert!(SourceFormat::from_name(name).is_some(), "{name}");
        }
    }
}
