//! Stage 1, load: read institution data, join the previous period, and make the columns formulas read numeric.
//!
//! Files are read by [`crate::source`] (CSV in any encoding, Excel, Parquet, JSON), which keeps
//! every row's place in the file. CSV and Excel cells are text, parsed here as numbers by
//! [`crate::source::number`] (which reads "1,234", "12.5%" and full-width digits), so that a bad
//! cell never aborts a run: the policy is that a non-empty cell that is not a number becomes a
//! missing value, counted per column in the run summary and listed with its row in
//! [`LoadSummary::cell_problems`]. The institution id is text and must
//! be unique. The previous period (for `prev("列名")`) is joined on the id; an institution absent
//! from it gets missing previous values, also counted. Rows are put in id order, so results do not
//! depend on the order of the input file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{closest, Error, Result};
use crate::script::{ColumnRef, Period, PEER_GROUP_COLUMN, PREVIOUS_SUFFIX};
use crate::source::{self, DataFile, Origin, SourceTable};

/// Peer group given to institutions whose peer-group cell is empty.
pub const UNGROUPED: &str = "(未分组)";

/// What the scheme needs from the data.
pub struct DataNeeds<'a> {
    pub id_column: &'a str,
    pub name_column: Option<&'a str>,
    pub peer_group_column: Option<&'a str>,
    /// Every column reference of every formula, with its script position.
    pub references: &'a [ColumnRef],
}

/// The frame the formulas run on, with what loading it found.
pub struct LoadedData {
    pub frame: DataFrame,
    pub data_file: PathBuf,
    pub previous_file: Option<PathBuf>,
    /// Where the current period's rows came from (file, sheet, encoding, row numbers).
    pub origin: Origin,
    /// The same for the previous period, when it was used.
    pub previous_origin: Option<Origin>,
    pub summary: LoadSummary,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadSummary {
    pub institutions: usize,
    /// Non-empty cells that are not numbers, by column (previous-period columns end in `@prev`).
    pub bad_cells: BTreeMap<String, usize>,
    /// Institutions of the current period missing from the previous period's data.
    pub missing_in_previous: usize,
    /// Institutions with an empty peer group.
    pub ungrouped: usize,
    /// Non-empty cells of `levels(…)` columns that are none of the levels, by column.
    pub unknown_levels: BTreeMap<String, usize>,
    /// Every cell counted in `bad_cells`, with its row, in column then row order.
    pub cell_problems: Vec<CellProblem>,
}

/// A non-empty cell of a numeric column that is not a number (it became a missing value).
#[derive(Debug, Clone, PartialEq)]
pub struct CellProblem {
    /// The column as named in the file (no `@prev` suffix).
    pub column: String,
    /// Which file: the current period's (`LoadedData::origin`) or the previous one's.
    pub period: Period,
    /// Row of the frame as read, before loading sorts it: `Origin::row` and `Origin::cell` of the
    /// period's origin turn it into the row the user sees.
    pub row: usize,
    /// The cell as it was.
    pub text: String,
    /// Why it is not a number: "not a number", "ambiguous: …", "an Excel error value …".
    pub reason: String,
}

/// A reference to a column the data lacks; the caller turns it into a located error.
#[derive(Debug)]
pub struct MissingColumn {
    pub reference: ColumnRef,
    pub file: PathBuf,
    pub suggestion: Option<String>,
}

/// Loads and prepares the data. `references` decide which columns are parsed as numbers. The
/// scheme's id, name and peer-group columns are added to each file's expected columns, which
/// find the header row.
pub fn load(
    data: &DataFile,
    previous: Option<&DataFile>,
    needs: &DataNeeds,
) -> Result<LoadedData, LoadError> {
    let read = |file: &DataFile| {
        let mut options = file.options.clone();
        options.expected_columns.extend(
            [
                Some(needs.id_column),
                needs.name_column,
                needs.peer_group_column,
            ]
            .into_iter()
            .flatten()
            .map(str::to_string),
        );
        source::read(&file.path, &options)
    };
    let current = read(data)?;
    let wants_previous = needs
        .references
        .iter()
        .any(|r| r.period == Period::Previous);
    let previous = match (wants_previous, previous) {
        (true, Some(file)) => Some(read(file)?),
        _ => None,
    };
    prepare_tables(current, previous, needs)
}

/// Prepares frames already in memory; `data_file` and the previous frame's file name the data
/// in messages (rows are numbered as in a CSV file with its header on line 1).
pub fn prepare(
    current: DataFrame,
    data_file: &Path,
    previous: Option<(DataFrame, &Path)>,
    needs: &DataNeeds,
) -> Result<LoadedData, LoadError> {
    let table = |frame: DataFrame, file: &Path| SourceTable {
        origin: Origin::in_memory(file, frame.height()),
        frame,
    };
    prepare_tables(
        table(current, data_file),
        previous.map(|(frame, file)| table(frame, file)),
        needs,
    )
}

/// Prepares tables read by [`crate::source`].
pub fn prepare_tables(
    current: SourceTable,
    previous: Option<SourceTable>,
    needs: &DataNeeds,
) -> Result<LoadedData, LoadError> {
    let SourceTable {
        frame: current,
        origin,
    } = current;
    let data_file = origin.file.as_path();
    let mut summary = LoadSummary {
        institutions: current.height(),
        ..Default::default()
    };
    let current_refs = unique_columns(needs.references, Period::Current);
    let previous_refs = unique_columns(needs.references, Period::Previous);

    check_columns(&current, data_file, needs, Period::Current)?;
    let mut frame = with_text_id(current, &origin, needs.id_column)?;
    frame = add_peer_group(frame, needs.peer_group_column, &mut summary)?;
    frame = level_columns(frame, needs.references, &mut summary)?;
    frame = numeric_columns(frame, &current_refs, Period::Current, &mut summary)?;

    let mut used_previous = None;
    if !previous_refs.is_empty() {
        let Some(SourceTable {
            frame: previous,
            origin: previous_origin,
        }) = previous
        else {
            let first = needs
                .references
                .iter()
                .find(|r| r.period == Period::Previous)
                .cloned();
            return Err(LoadError::NeedsPrevious(first));
        };
        let previous_file = previous_origin.file.as_path();
        check_columns(&previous, previous_file, needs, Period::Previous)?;
        let previous = with_text_id(previous, &previous_origin, needs.id_column)?;
        let mut keep = vec![col(needs.id_column)];
        keep.extend(previous_refs.iter().map(|name| col(name.as_str())));
        let previous = previous.lazy().select(keep).collect()?;
        let previous = numeric_columns(previous, &previous_refs, Period::Previous, &mut summary)?;
        let renamed: Vec<Expr> = std::iter::once(col(needs.id_column))
            .chain(
                previous_refs
                    .iter()
                    .map(|name| col(name.as_str()).alias(format!("{name}{PREVIOUS_SUFFIX}"))),
            )
            .collect();
        let previous = previous
            .lazy()
            .select(renamed)
            .with_column(lit(true).alias("__in_previous"));
        let joined = frame
            .lazy()
            .left_join(previous, col(needs.id_column), col(needs.id_column))
            .collect()?;
        summary.missing_in_previous = joined.column("__in_previous")?.null_count();
        frame = joined.drop("__in_previous")?;
        used_previous = Some(previous_origin);
    }

    let frame = frame.sort([needs.id_column], SortMultipleOptions::default())?;
    Ok(LoadedData {
        frame,
        data_file: data_file.to_path_buf(),
        previous_file: used_previous.as_ref().map(|o| o.file.clone()),
        origin,
        previous_origin: used_previous,
        summary,
    })
}

/// Why loading failed: a plain error, or something the caller can point at in the scripts.
#[derive(Debug)]
pub enum LoadError {
    Error(Error),
    MissingColumns(Vec<MissingColumn>),
    /// A formula uses `prev(…)` and no previous-period data was given.
    NeedsPrevious(Option<ColumnRef>),
}

impl From<Error> for LoadError {
    fn from(e: Error) -> Self {
        LoadError::Error(e)
    }
}

impl From<PolarsError> for LoadError {
    fn from(e: PolarsError) -> Self {
        LoadError::Error(e.into())
    }
}

fn unique_columns(references: &[ColumnRef], period: Period) -> Vec<String> {
    references
        .iter()
        .filter(|r| r.period == period)
        .map(|r| r.name.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Every needed column must exist; all missing ones are reported together.
fn check_columns(
    frame: &DataFrame,
    file: &Path,
    needs: &DataNeeds,
    period: Period,
) -> Result<(), LoadError> {
    let names: Vec<&str> = frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .collect();
    let has = |name: &str| names.contains(&name);
    let suggest = |name: &str| closest(name, names.iter().copied());
    let mut structural = Vec::new();
    let mut wanted = vec![("id", needs.id_column)];
    if period == Period::Current {
        wanted.extend(needs.name_column.map(|c| ("name", c)));
        wanted.extend(needs.peer_group_column.map(|c| ("peer_group", c)));
    }
    for (role, name) in wanted {
        if !has(name) {
            structural.push(
                Error::ColumnNotFound {
                    column: name.to_string(),
                    data_file: file.to_path_buf(),
                    suggestion: suggest(name),
                    span: None,
                    help: None,
                }
                .with_help(format!("scheme.yaml names it as columns.{role}")),
            );
        }
    }
    if !structural.is_empty() {
        return Err(LoadError::Error(if structural.len() == 1 {
            structural.pop().unwrap()
        } else {
            Error::Many(structural)
        }));
    }
    let mut reported = BTreeSet::new();
    let missing: Vec<MissingColumn> = needs
        .references
        .iter()
        .filter(|r| r.period == period && !has(&r.name))
        .filter(|r| reported.insert(r.name.clone()))
        .map(|r| MissingColumn {
            reference: r.clone(),
            file: file.to_path_buf(),
            suggestion: suggest(&r.name),
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(LoadError::MissingColumns(missing))
    }
}

/// Casts the id column to text and rejects empty or duplicate ids; rows are named by `origin`.
fn with_text_id(frame: DataFrame, origin: &Origin, id_column: &str) -> Result<DataFrame> {
    let file = origin.file.as_path();
    let frame = frame
        .lazy()
        .with_column(col(id_column).cast(DataType::String))
        .collect()?;
    let ids = frame.column(id_column)?.str()?.clone();
    let data_error = |message: String, help: &str| Error::Data {
        file: file.to_path_buf(),
        message,
        help: Some(help.to_string()),
    };
    if let Some(row) = ids
        .iter()
        .position(|id| id.is_none_or(|s| s.trim().is_empty()))
    {
        return Err(data_error(
            format!(
                "{}row {} has no institution id in column \"{id_column}\"",
                origin.within(),
                origin.row(row)
            ),
            "every institution needs an id; rows are numbered as in Excel or a text editor",
        ));
    }
    let mut seen = BTreeMap::new();
    let mut duplicates = Vec::new();
    for (row, id) in ids.iter().enumerate() {
        let id = id.unwrap_or_default();
        if let Some(first) = seen.insert(id, row) {
            duplicates.push(format!(
                "\"{id}\" (rows {} and {})",
                origin.row(first),
                origin.row(row)
            ));
        }
    }
    if !duplicates.is_empty() {
        let shown: Vec<String> = duplicates.iter().take(5).cloned().collect();
        let more = duplicates.len().saturating_sub(5);
        return Err(data_error(
            format!(
                "{}institution id is not unique in column \"{id_column}\": {}{}",
                origin.within(),
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
            "each institution must appear once per period",
        ));
    }
    Ok(frame)
}

fn add_peer_group(
    frame: DataFrame,
    peer_group_column: Option<&str>,
    summary: &mut LoadSummary,
) -> Result<DataFrame> {
    let group = match peer_group_column {
        Some(column) => {
            summary.ungrouped = frame.column(column)?.null_count();
            col(column).cast(DataType::String).fill_null(lit(UNGROUPED))
        }
        None => lit("全部"),
    };
    // Categorical: every `over(peer group)` then groups by small integers instead of hashing text.
    let categorical = DataType::from_categories(Categories::global());
    Ok(frame
        .lazy()
        .with_column(group.cast(categorical).alias(PEER_GROUP_COLUMN))
        .collect()?)
}

/// Parses `columns` as numbers; non-empty cells that do not parse become missing and are counted.
/// Replaces each `levels(…)` column's text by the number its level stands for; a non-empty cell
/// that is none of the levels becomes missing and is counted. (`crate::plan` refuses a column
/// read with two different level maps.)
fn level_columns(
    frame: DataFrame,
    references: &[ColumnRef],
    summary: &mut LoadSummary,
) -> Result<DataFrame> {
    let mut maps: BTreeMap<&str, &[(String, f64)]> = BTreeMap::new();
    for reference in references {
        if let (Period::Current, Some(levels)) = (reference.period, &reference.levels) {
            maps.entry(reference.name.as_str()).or_insert(levels);
        }
    }
    if maps.is_empty() {
        return Ok(frame);
    }
    let mapped: Vec<Expr> = maps
        .iter()
        .map(|(name, levels)| {
            let text = col(*name).cast(DataType::String);
            levels
                .iter()
                .rev()
                .fold(crate::normalise::null(), |otherwise, (level, value)| {
                    when(text.clone().eq(lit(level.as_str())))
                        .then(lit(*value))
                        .otherwise(otherwise)
                })
                .alias(*name)
        })
        .collect();
    let parsed = frame.clone().lazy().with_columns(mapped).collect()?;
    for name in maps.keys() {
        let unknown = parsed.column(name)?.null_count() - frame.column(name)?.null_count();
        if unknown > 0 {
            summary.unknown_levels.insert(name.to_string(), unknown);
        }
    }
    Ok(parsed)
}

/// Parses `columns` as numbers ([`crate::source::number`]); cells that are not numbers become
/// missing, counted in `bad_cells` (previous-period columns with the `@prev` suffix) and listed in
/// `cell_problems`.
fn numeric_columns(
    mut frame: DataFrame,
    columns: &[String],
    period: Period,
    summary: &mut LoadSummary,
) -> Result<DataFrame> {
    let suffix = match period {
        Period::Current => "",
        Period::Previous => PREVIOUS_SUFFIX,
    };
    for name in columns {
        let (parsed, problems) = source::parse_number_column(frame.column(name)?)?;
        frame.with_column(parsed)?;
        if !problems.is_empty() {
            summary
                .bad_cells
                .insert(format!("{name}{suffix}"), problems.len());
        }
        summary
            .cell_problems
            .extend(problems.into_iter().map(|p| CellProblem {
                column: name.clone(),
                period,
                row: p.row,
                text: p.text,
                reason: p.reason,
            }));
    }
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(name: &str, period: Period) -> ColumnRef {
        ColumnRef {
            name: name.into(),
            period,
            levels: None,
            source: None,
            line: 1,
            column: 1,
        }
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn bad_cells_become_missing_and_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let data = write(
            dir.path(),
            "d.csv",
            "编码,类别,人数\nB,综合,12\nA,,abc\nC,专科,\n",
        );
        let refs = [reference("人数", Period::Current)];
        let needs = DataNeeds {
            id_column: "编码",
            name_column: None,
            peer_group_column: Some("类别"),
            references: &refs,
        };
        let loaded = load(&data.into(), None, &needs).unwrap();
        assert_eq!(loaded.summary.bad_cells.get("人数"), Some(&1));
        assert_eq!(loaded.summary.ungrouped, 1);
        let ids: Vec<_> = loaded
            .frame
            .column("编码")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect();
        assert_eq!(ids, ["A", "B", "C"], "rows are put in id order");
        let values: Vec<Option<f64>> = loaded
            .frame
            .column("人数")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(values, [None, Some(12.0), None]);
    }

    #[test]
    fn cell_problems_name_rows_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let data = write(
            dir.path(),
            "d.csv",
            "2024年数据,,\n编码,类别,人数\nB,综合,\"1,234\"\n\nA,,无\nC,专科,1.5.1\n",
        );
        let refs = [reference("人数", Period::Current)];
        let needs = DataNeeds {
            id_column: "编码",
            name_column: None,
            peer_group_column: Some("类别"),
            references: &refs,
        };
        let loaded = load(&data.into(), None, &needs).unwrap();
        assert_eq!(loaded.origin.header_row, 2, "the title line is skipped");
        assert_eq!(loaded.summary.bad_cells.get("人数"), Some(&2));
        let found: Vec<(&str, Period, usize, u32, &str)> = loaded
            .summary
            .cell_problems
            .iter()
            .map(|p| {
                let line = loaded.origin.row(p.row);
                (p.column.as_str(), p.period, p.row, line, p.text.as_str())
            })
            .collect();
        assert_eq!(
            found,
            [
                ("人数", Period::Current, 1, 5, "无"),
                ("人数", Period::Current, 2, 6, "1.5.1")
            ]
        );
        assert!(loaded.summary.cell_problems[0]
            .reason
            .contains("placeholder"));
        let values: Vec<Option<f64>> = loaded
            .frame
            .column("人数")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(values, [None, Some(1234.0), None], "in id order A, B, C");
    }

    #[test]
    fn previous_period_is_joined_on_id() {
        let dir = tempfile::tempdir().unwrap();
        let data = write(dir.path(), "now.csv", "编码,收入\nA,110\nB,90\n");
        let prev = write(dir.path(), "prev.csv", "编码,收入\nA,100\n");
        let refs = [
            reference("收入", Period::Current),
            reference("收入", Period::Previous),
        ];
        let needs = DataNeeds {
            id_column: "编码",
            name_column: None,
            peer_group_column: None,
            references: &refs,
        };
        let loaded = load(&data.into(), Some(&prev.into()), &needs).unwrap();
        assert_eq!(loaded.summary.missing_in_previous, 1);
        let values: Vec<Option<f64>> = loaded
            .frame
            .column("收入@prev")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(values, [Some(100.0), None]);
    }

    #[test]
    fn duplicate_ids_are_refused_with_rows() {
        let dir = tempfile::tempdir().unwrap();
        let data = write(dir.path(), "d.csv", "编码,x\nA,1\nB,2\nA,3\n");
        let needs = DataNeeds {
            id_column: "编码",
            name_column: None,
            peer_group_column: None,
            references: &[],
        };
        let Err(LoadError::Error(err)) = load(&data.into(), None, &needs) else {
            panic!("expected an error")
        };
        assert!(err.to_string().contains("\"A\" (rows 2 and 4)"), "{err}");
    }

    #[test]
    fn missing_columns_are_all_reported_with_suggestions() {
        let dir = tempfile::tempdir().unwrap();
        let data = write(dir.path(), "d.csv", "编码,出院人数\nA,1\n");
        let refs = [
            reference("出院人次", Period::Current),
            reference("完全不同", Period::Current),
        ];
        let needs = DataNeeds {
            id_column: "编码",
            name_column: None,
            peer_group_column: None,
            references: &refs,
        };
        let Err(LoadError::MissingColumns(missing)) = load(&data.into(), None, &needs) else {
            panic!("expected missing columns")
        };
        assert_eq!(missing.len(), 2);
        assert_eq!(missing[0].suggestion.as_deref(), Some("出院人数"));
        assert_eq!(missing[1].suggestion, None);
    }
}
