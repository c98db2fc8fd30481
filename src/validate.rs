//! Stage 1b, validate: every problem found in the institution data, each with where it is — file,
//! sheet, row as the user sees it in Excel or a text editor, column — collected so that a user
//! fixes them all in one pass instead of one per run.
//!
//! **Hard errors** stop the run before anything is scored or written (exit 1):
//! - [`Problem::EmptyFile`]: the file holds no institution rows;
//! - [`Problem::MissingId`]: a row without an institution id;
//! - [`Problem::DuplicateId`]: an id on two rows of the same period;
//! - [`Problem::UnconvertibleUnit`]: a header (or a form's 单位) in a unit that cannot be
//!   converted to the unit the scheme declares for its column.
//!
//! A column the formulas read that the data lacks is a hard error too; `crate::pipeline` reports
//! it pointing at the formula that reads it, beside this report.
//!
//! **Warnings** let the run go on. The cell or value becomes missing, so it follows the scheme's
//! missing-data policy; it is counted in the run summary and named in the institution's `flags`:
//! - [`Problem::NotANumber`]: a cell of a column the formulas read as a number that is not one;
//! - [`Problem::AmbiguousNumber`]: a number stored as text that reads two ways ("1,5");
//! - [`Problem::NegativeCount`]: a value below zero in a count or amount column (every numeric
//!   column not listed in `columns.may_be_negative`);
//! - [`Problem::PartExceedsWhole`]: a `share(part, whole)` whose part is larger than its whole,
//!   such as more operated patients than discharged patients;
//! - [`Problem::UnknownLevel`]: a cell of a `levels(…)` column that is none of its levels;
//! - [`Problem::RepeatedFigureDiffers`]: a figure the return gives under several headers (the
//!   scheme's name and its aliases) with different values on a row; the first header is read.
//!
//! Row numbers are spreadsheet rows: the header is the row it sits on (row 1 in a plain CSV), the
//! first institution the row below it.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::*;

use crate::columns::{DATA_FLAGS_COLUMN, ROW_COLUMN};
pub use crate::problem::{DataReport, Finding, Location, Problem, Severity};
use crate::script::PartOfWhole;
use crate::source::Origin;

/// Where the rows of a frame come from, for locating its problems.
#[derive(Debug, Clone, Copy)]
pub struct RowSource<'a> {
    pub file: &'a Path,
    pub sheet: Option<&'a str>,
    /// The header's row (none for Parquet and JSON, which have no header row).
    pub header_row: Option<u32>,
    /// Where an arranged table's cells really are ([`Origin::cells`]).
    pub cells: Option<&'a crate::source::CellPlaces>,
}

impl<'a> RowSource<'a> {
    pub fn of(origin: &'a Origin) -> RowSource<'a> {
        RowSource {
            file: &origin.file,
            sheet: origin.sheet.as_deref(),
            header_row: (origin.header_row > 0).then_some(origin.header_row as u32),
            cells: Some(&origin.cells),
        }
    }

    /// The place of the cell in `column` on the row the frame reports as `row`: a form's figure
    /// on its item's row and in its period's column ([`Origin::cells`]).
    pub fn at(&self, row: Option<u32>, column: Option<&str>) -> Location {
        if let (Some(reported), Some(column), Some(cells)) = (row, column, self.cells) {
            let suffix = crate::columns::PREVIOUS_SUFFIX;
            let (name, previous) = match column.strip_suffix(suffix) {
                Some(name) => (name, suffix),
                None => (column, ""),
            };
            if let Some((row, header)) = cells.get(&(reported, name.to_string())) {
                return Location {
                    file: self.file.to_path_buf(),
                    sheet: self.sheet.map(str::to_string),
                    row: Some(*row),
                    column: Some(format!("{header}{previous}")),
                };
            }
        }
        Location {
            file: self.file.to_path_buf(),
            sheet: self.sheet.map(str::to_string),
            row,
            column: column.map(str::to_string),
        }
    }
}

/// Checks the institution ids of a frame that has the [`ROW_COLUMN`]: rows without an id and ids
/// on two rows are hard errors.
pub fn check_ids(
    frame: &DataFrame,
    id_column: &str,
    source: RowSource,
    report: &mut DataReport,
) -> PolarsResult<()> {
    let ids = frame.column(id_column)?.cast(&DataType::String)?;
    let ids = ids.str()?;
    let rows = frame.column(ROW_COLUMN)?.u32()?;
    let mut seen: BTreeMap<&str, Option<u32>> = BTreeMap::new();
    for (id, row) in ids.iter().zip(rows.iter()) {
        match id.map(str::trim).filter(|id| !id.is_empty()) {
            None => report.push(Problem::MissingId, source.at(row, Some(id_column)), None),
            Some(id) => {
                if let Some(first_row) = seen.get(id) {
                    report.push(
                        Problem::DuplicateId {
                            id: id.to_string(),
                            first_row: *first_row,
                        },
                        source.at(row, Some(id_column)),
                        Some(id.to_string()),
                    );
                } else {
                    seen.insert(id, row);
                }
            }
        }
    }
    Ok(())
}

/// Values below zero in `columns` (numeric, already parsed) become missing; each is reported.
/// `columns` are frame columns (a previous-period column ends in `@prev`), `source` locates them.
pub fn negative_counts(
    frame: DataFrame,
    id_column: &str,
    columns: &[String],
    source: RowSource,
    report: &mut DataReport,
) -> PolarsResult<DataFrame> {
    // Most data have no negative count: looked for column by column first, without planning a
    // query over all of them (most of a small run's preparation); only the columns with one are
    // read again and cleared, each in place, so a national frame is never held twice.
    let mut negative_columns: Vec<&String> = Vec::new();
    for name in columns {
        let values = frame.column(name)?.cast(&DataType::Float64)?;
        if crate::source::number::any_present(values.f64()?, |v| v < 0.0) {
            negative_columns.push(name);
        }
    }
    if negative_columns.is_empty() {
        return Ok(frame);
    }
    let negative = |name: &str| col(name).lt(lit(0.0)).fill_null(lit(false));
    let any_negative = negative_columns
        .iter()
        .map(|c| negative(c))
        .fold(lit(false), |a, b| a.or(b));
    let mut keep = vec![col(id_column).cast(DataType::String), col(ROW_COLUMN)];
    keep.extend(negative_columns.iter().map(|c| col(c.as_str())));
    let hits = frame
        .clone()
        .lazy()
        .filter(any_negative)
        .select(keep)
        .collect()?;
    let ids = hits.column(id_column)?.str()?.clone();
    let rows = hits.column(ROW_COLUMN)?.u32()?.clone();
    for name in &negative_columns {
        let values = hits.column(name)?.f64()?.clone();
        for ((value, row), id) in values.iter().zip(rows.iter()).zip(ids.iter()) {
            if let Some(value) = value.filter(|v| *v < 0.0) {
                report.push(
                    Problem::NegativeCount { value },
                    source.at(row, Some(name)),
                    id.map(str::to_string),
                );
            }
        }
    }
    let mut frame = frame;
    for name in negative_columns {
        let values = frame.column(name)?.cast(&DataType::Float64)?;
        let cleared: Float64Chunked = values
            .f64()?
            .iter()
            .map(|v| v.filter(|v| v.is_nan() || *v >= 0.0))
            .collect();
        frame.with_column(cleared.with_name(name.as_str().into()).into_column())?;
    }
    Ok(frame)
}

/// Rows where a `share(part, whole)` of an indicator has its part above its whole.
pub fn parts_exceeding_wholes<'a>(
    frame: &DataFrame,
    id_column: &str,
    shares: impl IntoIterator<Item = (&'a str, &'a PartOfWhole)>,
    source: RowSource,
    report: &mut DataReport,
) -> PolarsResult<()> {
    for (indicator, share) in shares {
        let hits = frame
            .clone()
            .lazy()
            .filter(share.exceeds().fill_null(lit(false)))
            .select([
                col(id_column).cast(DataType::String).alias("id"),
                col(ROW_COLUMN),
                share.part.clone().cast(DataType::Float64).alias("part"),
                share.whole.clone().cast(DataType::Float64).alias("whole"),
            ])
            .collect()?;
        let ids = hits.column("id")?.str()?.clone();
        let rows = hits.column(ROW_COLUMN)?.u32()?.clone();
        let parts = hits.column("part")?.f64()?.clone();
        let wholes = hits.column("whole")?.f64()?.clone();
        let column = match share.part_columns.as_slice() {
            [one] => Some(one.as_str()),
            _ => None,
        };
        for i in 0..hits.height() {
            report.push(
                Problem::PartExceedsWhole {
                    indicator: indicator.to_string(),
                    part: parts.get(i).unwrap_or(f64::NAN),
                    whole: wholes.get(i).unwrap_or(f64::NAN),
                    part_columns: share.part_columns.clone(),
                    whole_columns: share.whole_columns.clone(),
                },
                source.at(rows.get(i), column),
                ids.get(i).map(str::to_string),
            );
        }
    }
    Ok(())
}

/// Adds [`DATA_FLAGS_COLUMN`] to `frame`: each institution's flags from `report`, as the JSON of
/// its [`crate::message::Flag`]s (no column when no institution has any; `crate::table` reads it
/// back into flags when present).
pub fn with_data_flags(
    frame: DataFrame,
    id_column: &str,
    report: &DataReport,
) -> PolarsResult<DataFrame> {
    let flags = report.flags_by_institution();
    if flags.is_empty() {
        return Ok(frame);
    }
    let ids = frame.column(id_column)?.cast(&DataType::String)?;
    let column: Vec<Option<String>> = ids
        .str()?
        .iter()
        .map(|id| id.and_then(|id| flags.get(id)))
        // Strings, numbers and enums only: their JSON cannot fail.
        .map(|f| f.map(|f| serde_json::to_string(f).expect("flags are plain data")))
        .collect();
    let mut frame = frame;
    frame.with_column(Column::new(DATA_FLAGS_COLUMN.into(), column))?;
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_with_rows(ids: &[Option<&str>]) -> DataFrame {
        let rows: Vec<u32> = (0..ids.len() as u32).map(|i| i + 2).collect();
        df!("编码" => ids, ROW_COLUMN => rows).unwrap()
    }

    fn source() -> RowSource<'static> {
        RowSource {
            file: Path::new("d.csv"),
            sheet: None,
            header_row: Some(1),
            cells: None,
        }
    }

    #[test]
    fn duplicate_and_missing_ids_are_errors_with_rows() {
        let frame = frame_with_rows(&[Some("A"), Some("B"), None, Some("A"), Some(" ")]);
        let mut report = DataReport::default();
        check_ids(&frame, "编码", source(), &mut report).unwrap();
        assert!(report.has_errors());
        let text = report.to_string();
        assert!(
            text.contains("error[duplicate-id]: 1 duplicate institution id"),
            "{text}"
        );
        assert!(
            text.contains(
                "d.csv, row 5, column 编码 (A): institution id \"A\" again (first at row 2)"
            ),
            "{text}"
        );
        // Rows 4 (null) and 6 (blank) have no id.
        assert!(
            text.contains("error[missing-id]: 2 rows without an institution id"),
            "{text}"
        );
        assert!(
            text.contains("d.csv, row 4, column 编码: no institution id"),
            "{text}"
        );
        assert!(
            text.contains("d.csv, row 6, column 编码: no institution id"),
            "{text}"
        );
    }

    #[test]
    fn negative_values_become_missing_and_are_located() {
        let frame = df!(
            "编码" => ["A", "B", "C"],
            ROW_COLUMN => [2u32, 3, 4],
            "人数" => [Some(5.0), Some(-1.0), None],
            "结余" => [-3.0, 1.0, 2.0],
        )
        .unwrap();
        let mut report = DataReport::default();
        let cleared =
            negative_counts(frame, "编码", &["人数".into()], source(), &mut report).unwrap();
        let values: Vec<Option<f64>> = cleared
            .column("人数")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(values, [Some(5.0), None, None]);
        // 结余 is not checked (the caller leaves out may_be_negative columns): still -3.
        assert_eq!(
            cleared.column("结余").unwrap().f64().unwrap().get(0),
            Some(-3.0)
        );
        assert_eq!(report.findings.len(), 1);
        let finding = &report.findings[0];
        assert_eq!(finding.problem, Problem::NegativeCount { value: -1.0 });
        assert_eq!(finding.location.to_string(), "d.csv, row 3, column 人数");
        assert_eq!(finding.institution.as_deref(), Some("B"));
        assert!(!report.has_errors());
        assert_eq!(
            report.flags_by_institution()["B"]
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["negative: 人数"]
        );
    }

    #[test]
    fn a_long_list_is_cut_after_ten_places() {
        let mut report = DataReport::default();
        for row in 2..=14 {
            report.push(
                Problem::NotANumber {
                    text: "x".into(),
                    reason: "not a number".into(),
                },
                source().at(Some(row), Some("人数")),
                None,
            );
        }
        let text = report.to_string();
        assert_eq!(text.matches("  --> ").count(), 10);
        assert!(text.contains("  … and 3 more"), "{text}");
        assert_eq!(
            report
                .summary_lines()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["13 cells in numeric columns that are not a number (read as missing): row 2 人数, row 3 人数, row 4 人数, …"]
        );
    }

    #[test]
    fn locations_name_the_sheet_and_strip_the_previous_suffix() {
        let location = Location {
            file: "数据.xlsx".into(),
            sheet: Some("2023年".into()),
            row: Some(7),
            column: Some("出院人数@prev".into()),
        };
        assert_eq!(
            location.to_string(),
            "数据.xlsx, sheet 2023年, row 7, column 出院人数"
        );
    }
}
