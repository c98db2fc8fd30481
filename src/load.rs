//! Stage 1, load: read institution data, join the previous period, and make the columns formulas read numeric.
//!
//! Files are read by [`crate::source`] (CSV in any encoding, Excel, Parquet, JSON), which keeps
//! every row's place in the file. CSV and Excel cells are text, parsed here as numbers by
//! [`crate::source::number`] (which reads "1,234", "12.5%" and full-width digits). Every problem
//! is collected by [`crate::validate`] with its file, sheet, row and column: problems that make
//! scoring meaningless (an empty file, missing or duplicate ids, missing columns) stop loading,
//! all of them reported together; a cell that is not a number, a negative count or a part above
//! its whole becomes a missing value, counted in the run summary and flagged. Headers listed in
//! `columns.aliases` are read under the scheme's names. The previous period (for `prev("列名")`)
//! is joined on the id; an institution absent from it gets missing previous values, also counted.
//! Rows are put in id order, so results do not depend on the order of the input file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::columns::{PEER_GROUP_COLUMN, PREVIOUS_SUFFIX, ROW_COLUMN, UNGROUPED};
use crate::error::{closest, Error, Result};
use crate::script::{ColumnRef, PartOfWhole, Period};
use crate::source::{self, DataFile, Origin, SourceTable};
use crate::validate::{with_data_flags, DataReport, Problem, RowSource};

mod headers;

/// What the scheme needs from the data.
pub struct DataNeeds<'a> {
    pub id_column: &'a str,
    pub name_column: Option<&'a str>,
    pub peer_group_column: Option<&'a str>,
    /// Every column reference of every formula, with its script position.
    pub references: &'a [ColumnRef],
    /// Other headers each column may carry (`columns.aliases`).
    pub aliases: &'a BTreeMap<String, Vec<String>>,
    /// Numeric columns allowed below zero (`columns.may_be_negative`); the others are checked.
    pub may_be_negative: &'a [String],
    /// The unit each column is in (`columns.units`; a column named "X(万元)" declares its own).
    pub units: &'a BTreeMap<String, String>,
    /// Columns the data may lack, each with why: read as missing on every row when absent, and
    /// said in the run summary (a `columns.optional` column, or one read only by report-only
    /// indicators, which then come out missing with one warning).
    pub optional: BTreeMap<String, String>,
    /// Every `share(part, whole)` of the indicators' formulas, with its indicator's id.
    pub shares: Vec<(&'a str, &'a PartOfWhole)>,
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
    /// The problems found in the data: warnings only (errors stop loading).
    pub report: DataReport,
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
    /// Footer rows typed under a table (合计, 填表人：…), left out: "row 325 (合计)", with
    /// "previous period " before those of the previous period's file.
    pub footer_rows: Vec<String>,
    /// How the returns were read when it was not plain: units converted, figures given under
    /// several headers, optional columns absent; one line each for the run summary.
    pub notes: Vec<String>,
    /// Report-only indicators whose columns the data lacks (missing, not an error); one line
    /// each, printed as warnings.
    pub warnings: Vec<crate::message::Warning>,
    /// Columns read by formulas that the current period's data lacks and that are read as
    /// missing (optional, or read only by report-only indicators).
    pub absent_columns: Vec<String>,
}

/// Words that open a footer row typed under a table rather than an institution: a row whose id —
/// or, when the id is empty, whose name — is one of them, alone or followed by a colon
/// (`填表人：张三`), spaces inside ignored (`合 计`), is left out and listed in the run summary.
pub const FOOTER_WORDS: [&str; 7] = ["合计", "总计", "小计", "填表人", "审核人", "备注", "说明"];

/// Whether a cell's text marks a footer row; see [`FOOTER_WORDS`].
pub fn is_footer_label(text: &str) -> bool {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    FOOTER_WORDS.iter().any(|word| {
        text.strip_prefix(word)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '：']))
    })
}

/// Leaves out the footer rows of a frame that has the [`ROW_COLUMN`]; each is recorded in
/// `footers` as "row N (text)" (prefixed by `prefix`).
fn drop_footer_rows(
    frame: DataFrame,
    needs: &DataNeeds,
    prefix: &str,
    footers: &mut Vec<String>,
) -> PolarsResult<DataFrame> {
    let ids = frame.column(needs.id_column)?.cast(&DataType::String)?;
    let names = match needs.name_column.filter(|n| has_column(&frame, n)) {
        Some(name) => Some(frame.column(name)?.cast(&DataType::String)?),
        None => None,
    };
    let rows = frame.column(ROW_COLUMN)?.u32()?.clone();
    let mut keep = Vec::with_capacity(frame.height());
    for (index, id) in ids.str()?.iter().enumerate() {
        let id = id.map(str::trim).filter(|id| !id.is_empty());
        let label = match id {
            Some(id) => Some(id).filter(|id| is_footer_label(id)),
            None => match &names {
                Some(names) => names.str()?.get(index).filter(|n| is_footer_label(n)),
                None => None,
            },
        };
        if let Some(label) = label {
            let row = rows.get(index).unwrap_or_default();
            footers.push(format!("{prefix}row {row} ({})", label.trim()));
        }
        keep.push(label.is_none());
    }
    if keep.iter().all(|k| *k) {
        return Ok(frame);
    }
    frame.filter(&BooleanChunked::from_slice("keep".into(), &keep))
}

/// A reference to a column the data lacks; the caller turns it into a located error.
#[derive(Debug)]
pub struct MissingColumn {
    pub reference: ColumnRef,
    pub file: PathBuf,
    pub suggestion: Option<String>,
}

/// Loads and prepares the data. `references` decide which columns are parsed as numbers. The
/// scheme's id, name and peer-group columns (and their aliases) are added to each file's expected
/// columns, which find the header row.
pub fn load(
    data: &DataFile,
    previous: Option<&DataFile>,
    needs: &DataNeeds,
) -> Result<LoadedData, LoadError> {
    let read = |file: &DataFile| arrange(read_table(file, needs)?, &file.layout, needs);
    let current = read(data)?;
    let wants_previous = needs
        .references
        .iter()
        .any(|r| r.period == Period::Previous);
    let previous = match (wants_previous, previous) {
        (true, Some(file)) => Some(read(file)?),
        _ => None,
    };
    crate::trace::mark("read data files");
    let prepared = prepare_tables(current, previous, needs);
    if let Ok(loaded) = &prepared {
        crate::memory::release(loaded.frame.height());
    }
    crate::trace::mark("prepare and check data");
    prepared
}

/// `frame` in id order, the order every later stage relies on for identical output. Data are
/// often already in id order (a national export, a generated sample): then the frame is kept as
/// it is rather than copied by a sort. Ids are unique here (duplicates are refused), so either
/// way the order is the same.
fn in_id_order(frame: DataFrame, id_column: &str) -> PolarsResult<DataFrame> {
    if crate::reorder::in_text_order(frame.column(id_column)?) {
        return Ok(frame);
    }
    // The order alone is sorted, then the columns gathered a few at a time: sorting the frame
    // would hold it twice (three times when its columns are in chunks, as Parquet gives them).
    let order = frame
        .select([id_column])?
        .with_row_index("__order".into(), None)?
        .sort([id_column], SortMultipleOptions::default())?;
    let order = order.column("__order")?.idx()?.clone();
    crate::reorder::gathered(frame, &order)
}

/// Reads `file` as it is, before its layout is arranged ([`arrange`]): a run over several
/// periods reads a file once and arranges it once per period. The scheme's id, name and
/// peer-group columns (and their aliases) find the header row.
pub fn read_table(file: &DataFile, needs: &DataNeeds) -> Result<SourceTable> {
    let mut options = file.options.clone();
    for name in [
        Some(needs.id_column),
        needs.name_column,
        needs.peer_group_column,
    ]
    .into_iter()
    .flatten()
    {
        options.expected_columns.push(name.to_string());
        if let Some(aliases) = needs.aliases.get(name) {
            options.expected_columns.extend(aliases.iter().cloned());
        }
    }
    source::read(&file.path, &options)
}

fn scheme_columns<'a>(needs: &'a DataNeeds) -> source::layout::SchemeColumns<'a> {
    source::layout::SchemeColumns {
        id: needs.id_column,
        id_aliases: needs
            .aliases
            .get(needs.id_column)
            .map(Vec::as_slice)
            .unwrap_or(&[]),
        name: needs.name_column,
        peer_group: needs.peer_group_column,
    }
}

/// `table` as one row per institution of the period `layout` names ([`source::layout::arrange`]).
pub fn arrange(
    table: SourceTable,
    layout: &source::layout::LayoutOptions,
    needs: &DataNeeds,
) -> Result<SourceTable> {
    source::layout::arrange(table, layout, &scheme_columns(needs))
}

/// The periods `table` holds ([`source::layout::periods`]).
pub fn periods(
    table: &SourceTable,
    layout: &source::layout::LayoutOptions,
    needs: &DataNeeds,
) -> Result<Option<Vec<String>>> {
    source::layout::periods(table, layout, &scheme_columns(needs))
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

/// Prepares tables read by [`crate::source`]. Every problem of a period is collected before
/// giving up, so that one run lists them all (see `crate::validate`).
pub fn prepare_tables(
    current: SourceTable,
    previous: Option<SourceTable>,
    needs: &DataNeeds,
) -> Result<LoadedData, LoadError> {
    let SourceTable {
        frame: current,
        mut origin,
    } = current;
    let data_file = origin.file.clone();
    let mut summary = LoadSummary {
        institutions: current.height(),
        ..Default::default()
    };
    let mut report = DataReport::default();
    let current_refs = unique_columns(needs.references, Period::Current);
    let previous_refs = unique_columns(needs.references, Period::Previous);

    let (mut frame, blockers) = checked(
        current,
        &mut origin,
        needs,
        Period::Current,
        &mut summary,
        &mut report,
    )?;
    let source = RowSource::of(&origin);
    summary.institutions -= summary.footer_rows.len();
    if blockers.block(&report) {
        // Still list the cell problems of the columns that are there, so one run shows all.
        if has_column(&frame, needs.id_column) {
            let present = present(&frame, &current_refs);
            let frame = level_columns(frame, needs, source, &mut summary, &mut report)?;
            numeric_columns(
                frame,
                needs,
                &present,
                "",
                source,
                &mut summary,
                &mut report,
            )?;
        }
        return Err(blockers.into_error(report));
    }
    frame = add_peer_group(frame, needs.peer_group_column, &mut summary)?;
    frame = level_columns(frame, needs, source, &mut summary, &mut report)?;
    frame = numeric_columns(
        frame,
        needs,
        &current_refs,
        "",
        source,
        &mut summary,
        &mut report,
    )?;

    let mut used_previous = None;
    if !previous_refs.is_empty() {
        let Some(SourceTable {
            frame: previous,
            origin: mut previous_origin,
        }) = previous
        else {
            let first = needs
                .references
                .iter()
                .find(|r| r.period == Period::Previous)
                .cloned();
            return Err(LoadError::NeedsPrevious(first));
        };
        let (previous, blockers) = checked(
            previous,
            &mut previous_origin,
            needs,
            Period::Previous,
            &mut summary,
            &mut report,
        )?;
        let source = RowSource::of(&previous_origin);
        let blocked = blockers.block(&report);
        let previous_present = present(&previous, &previous_refs);
        if blocked && !has_column(&previous, needs.id_column) {
            return Err(blockers.into_error(report));
        }
        let mut keep = vec![col(needs.id_column), col(ROW_COLUMN)];
        keep.extend(previous_present.iter().map(|name| col(name.as_str())));
        let previous = previous.lazy().select(keep).collect()?;
        let previous = numeric_columns(
            previous,
            needs,
            &previous_present,
            PREVIOUS_SUFFIX,
            source,
            &mut summary,
            &mut report,
        )?;
        if blocked {
            return Err(blockers.into_error(report));
        }
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
        // Only the ids meet the previous period: its columns come back aligned to the current
        // rows and are added beside them, so the current frame is not copied by the join.
        let aligned = frame
            .select([needs.id_column])?
            .lazy()
            .join(
                previous,
                [col(needs.id_column)],
                [col(needs.id_column)],
                JoinArgs {
                    maintain_order: MaintainOrderJoin::Left,
                    ..JoinArgs::new(JoinType::Left)
                },
            )
            .collect()?;
        if aligned.height() != frame.height() {
            return Err(Error::internal(format!(
                "the previous period's ids joined {} rows to {} (ids are checked unique)",
                aligned.height(),
                frame.height()
            ))
            .into());
        }
        summary.missing_in_previous = aligned.column("__in_previous")?.null_count();
        let added: Vec<Column> = aligned
            .columns()
            .iter()
            .filter(|c| c.name() != needs.id_column && c.name() != "__in_previous")
            .cloned()
            .collect();
        frame.hstack_mut(&added)?;
        used_previous = Some(previous_origin);
    }

    crate::validate::parts_exceeding_wholes(
        &frame,
        needs.id_column,
        needs.shares.iter().copied(),
        source,
        &mut report,
    )?;
    let frame = with_data_flags(frame, needs.id_column, &report)?;
    let frame = in_id_order(frame, needs.id_column)?;
    Ok(LoadedData {
        frame,
        data_file,
        previous_file: used_previous.as_ref().map(|o| o.file.clone()),
        origin,
        previous_origin: used_previous,
        summary,
        report,
    })
}

/// Why loading failed: a plain error, or something the caller can point at in the scripts.
#[derive(Debug)]
pub enum LoadError {
    Error(Error),
    /// The data cannot be scored: columns the scheme needs are missing (each pointed at in the
    /// scheme or formula that needs it), and/or hard errors in `report` (which also carries the
    /// warnings found so far).
    Invalid {
        /// The id, name or peer-group column named in scheme.yaml.
        structural: Vec<Error>,
        /// Columns the formulas read.
        missing: Vec<MissingColumn>,
        report: DataReport,
    },
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

/// The structural checks of one period's frame, all problems together: not empty, headers
/// renamed from their aliases, every needed column present, ids present and unique. Returns the
/// frame with its spreadsheet row numbers ([`ROW_COLUMN`]) and the id as text.
fn checked(
    frame: DataFrame,
    origin: &mut Origin,
    needs: &DataNeeds,
    period: Period,
    summary: &mut LoadSummary,
    report: &mut DataReport,
) -> Result<(DataFrame, Blockers), LoadError> {
    if frame.height() == 0 {
        let source = RowSource::of(origin);
        report.push(Problem::EmptyFile, source.at(None, None), None);
        return Err(LoadError::Invalid {
            structural: Vec::new(),
            missing: Vec::new(),
            report: std::mem::take(report),
        });
    }
    // Each row's number as the user sees it in the file (Excel row, CSV line, JSON record).
    let rows: Vec<u32> = (0..frame.height()).map(|i| origin.row(i)).collect();
    let mut frame = frame;
    frame.with_column(Column::new(ROW_COLUMN.into(), rows))?;
    let (frame, read_from) =
        headers::resolve(frame, needs, origin, period, &mut summary.notes, report)?;
    // A scheme column read from an arranged table's item: its cells are the item's.
    for (column, header) in read_from {
        let places: Vec<(u32, (u32, String))> = origin
            .cells
            .iter()
            .filter(|((_, name), _)| *name == header)
            .map(|((row, _), place)| (*row, place.clone()))
            .collect();
        for (row, place) in places {
            origin.cells.entry((row, column.clone())).or_insert(place);
        }
    }
    let source = RowSource::of(origin);
    let frame = headers::optional_columns(frame, needs, period, summary)?;
    let (structural, missing) = missing_columns(&frame, source.file, needs, period);
    if !has_column(&frame, needs.id_column) {
        return Ok((
            frame,
            Blockers {
                structural,
                missing,
            },
        ));
    }
    let prefix = match period {
        Period::Current => "",
        Period::Previous => "previous period ",
    };
    let frame = drop_footer_rows(frame, needs, prefix, &mut summary.footer_rows)?;
    crate::validate::check_ids(&frame, needs.id_column, source, report)?;
    let frame = frame
        .lazy()
        .with_column(col(needs.id_column).cast(DataType::String))
        .collect()?;
    Ok((
        frame,
        Blockers {
            structural,
            missing,
        },
    ))
}

/// Missing columns found by [`checked`]; with the report's hard errors they stop loading.
struct Blockers {
    structural: Vec<Error>,
    missing: Vec<MissingColumn>,
}

impl Blockers {
    fn block(&self, report: &DataReport) -> bool {
        !self.structural.is_empty() || !self.missing.is_empty() || report.has_errors()
    }

    fn into_error(self, report: DataReport) -> LoadError {
        LoadError::Invalid {
            structural: self.structural,
            missing: self.missing,
            report,
        }
    }
}

fn has_column(frame: &DataFrame, name: &str) -> bool {
    frame.get_column_names().iter().any(|c| c.as_str() == name)
}

/// The names among `columns` that `frame` has.
fn present(frame: &DataFrame, columns: &[String]) -> Vec<String> {
    columns
        .iter()
        .filter(|c| has_column(frame, c))
        .cloned()
        .collect()
}

/// Every needed column the data lacks: the id, name and peer-group columns (structural, named by
/// scheme.yaml) and the columns the formulas read.
fn missing_columns(
    frame: &DataFrame,
    file: &Path,
    needs: &DataNeeds,
    period: Period,
) -> (Vec<Error>, Vec<MissingColumn>) {
    let names: Vec<&str> = frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .filter(|n| *n != ROW_COLUMN)
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
    (structural, missing)
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

/// Replaces each `levels(…)` column's text by the number its level stands for; a non-empty cell
/// that is none of the levels becomes missing, is counted and reported. (`crate::plan` refuses a
/// column read with two different level maps.)
fn level_columns(
    frame: DataFrame,
    needs: &DataNeeds,
    source: RowSource,
    summary: &mut LoadSummary,
    report: &mut DataReport,
) -> Result<DataFrame> {
    let mut maps: BTreeMap<&str, &[(String, f64)]> = BTreeMap::new();
    for reference in needs.references {
        if let (Period::Current, Some(levels)) = (reference.period, &reference.levels) {
            if !has_column(&frame, &reference.name) {
                continue;
            }
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
    // Only the level columns are computed and then put in place: a query adding them beside the
    // whole frame would hold a national frame twice.
    let parsed = frame.clone().lazy().select(mapped).collect()?;
    for name in maps.keys() {
        let unknown = unparsed_cells(&frame, &parsed, needs.id_column, name)?;
        if !unknown.is_empty() {
            summary
                .unknown_levels
                .insert(name.to_string(), unknown.len());
        }
        for UnparsedCell { row, id, text } in unknown {
            report.push(
                Problem::UnknownLevel { text },
                source.at(row, Some(name)),
                id,
            );
        }
    }
    let mut frame = frame;
    for column in parsed.into_columns() {
        frame.with_column(column)?;
    }
    Ok(frame)
}

/// A cell that failed to parse: its spreadsheet row, the institution's id and the cell's text.
struct UnparsedCell {
    row: Option<u32>,
    id: Option<String>,
    text: String,
}

/// Cells present in `before` and missing in `after` (which failed to parse).
fn unparsed_cells(
    before: &DataFrame,
    after: &DataFrame,
    id_column: &str,
    name: &str,
) -> Result<Vec<UnparsedCell>> {
    let failed = &after.column(name)?.is_null() & &before.column(name)?.is_not_null();
    if !failed.any() {
        return Ok(Vec::new());
    }
    let rows = before.filter(&failed)?;
    let texts = rows.column(name)?.cast(&DataType::String)?;
    let ids = rows.column(id_column)?.cast(&DataType::String)?;
    let numbers = rows.column(ROW_COLUMN)?.u32()?.clone();
    Ok(numbers
        .iter()
        .zip(ids.str()?.iter())
        .zip(texts.str()?.iter())
        .map(|((row, id), text)| UnparsedCell {
            row,
            id: id.map(str::to_string),
            text: text.unwrap_or_default().to_string(),
        })
        .collect())
}

/// Parses `columns` as numbers: a non-empty cell that is not a number becomes missing, is counted
/// and reported; so does a negative value in a column not allowed below zero.
fn numeric_columns(
    frame: DataFrame,
    needs: &DataNeeds,
    columns: &[String],
    suffix: &str,
    source: RowSource,
    summary: &mut LoadSummary,
    report: &mut DataReport,
) -> Result<DataFrame> {
    if columns.is_empty() {
        return Ok(frame);
    }
    let mut parsed = frame;
    for name in columns {
        let (values, problems) = crate::source::parse_number_column(parsed.column(name)?)?;
        if !problems.is_empty() {
            summary
                .bad_cells
                .insert(format!("{name}{suffix}"), problems.len());
            let rows = parsed.column(ROW_COLUMN)?.u32()?.clone();
            let ids = parsed.column(needs.id_column)?.cast(&DataType::String)?;
            let ids = ids.str()?;
            for problem in problems {
                let text = problem.text;
                let finding = match problem.reason.strip_prefix("ambiguous: ") {
                    Some(reason) => Problem::AmbiguousNumber {
                        text,
                        reason: reason.to_string(),
                    },
                    None => Problem::NotANumber {
                        text,
                        reason: problem.reason,
                    },
                };
                report.push(
                    finding,
                    source.at(rows.get(problem.row), Some(&format!("{name}{suffix}"))),
                    ids.get(problem.row).map(str::to_string),
                );
            }
        }
        parsed.with_column(values)?;
    }
    let counts: Vec<String> = columns
        .iter()
        .filter(|c| !needs.may_be_negative.contains(c))
        .cloned()
        .collect();
    let parsed =
        crate::validate::negative_counts(parsed, needs.id_column, &counts, source, report)?;
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Finding, Location};

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
            aliases: &BTreeMap::new(),
            may_be_negative: &[],
            units: &BTreeMap::new(),
            optional: BTreeMap::new(),
            shares: Vec::new(),
        };
        let loaded = load(&DataFile::from(&data), None, &needs).unwrap();
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
            aliases: &BTreeMap::new(),
            may_be_negative: &[],
            units: &BTreeMap::new(),
            optional: BTreeMap::new(),
            shares: Vec::new(),
        };
        let loaded = load(&DataFile::from(&data), Some(&DataFile::from(&prev)), &needs).unwrap();
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
            aliases: &BTreeMap::new(),
            may_be_negative: &[],
            units: &BTreeMap::new(),
            optional: BTreeMap::new(),
            shares: Vec::new(),
        };
        let Err(LoadError::Invalid { report, .. }) = load(&DataFile::from(&data), None, &needs)
        else {
            panic!("expected an error")
        };
        assert_eq!(
            report.findings,
            [Finding {
                problem: Problem::DuplicateId {
                    id: "A".into(),
                    first_row: Some(2)
                },
                location: Location {
                    file: data.clone(),
                    sheet: None,
                    row: Some(4),
                    column: Some("编码".into()),
                },
                institution: Some("A".into()),
            }]
        );
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
            aliases: &BTreeMap::new(),
            may_be_negative: &[],
            units: &BTreeMap::new(),
            optional: BTreeMap::new(),
            shares: Vec::new(),
        };
        let Err(LoadError::Invalid { missing, .. }) = load(&DataFile::from(&data), None, &needs)
        else {
            panic!("expected missing columns")
        };
        assert_eq!(missing.len(), 2);
        assert_eq!(missing[0].suggestion.as_deref(), Some("出院人数"));
        assert_eq!(missing[1].suggestion, None);
    }

    static NO_UNITS: BTreeMap<String, String> = BTreeMap::new();

    fn needs_with<'a>(
        refs: &'a [ColumnRef],
        aliases: &'a BTreeMap<String, Vec<String>>,
    ) -> DataNeeds<'a> {
        DataNeeds {
            id_column: "编码",
            name_column: None,
            peer_group_column: None,
            references: refs,
            aliases,
            may_be_negative: &[],
            units: &NO_UNITS,
            optional: BTreeMap::new(),
            shares: Vec::new(),
        }
    }

    #[test]
    fn an_alias_is_read_under_the_schemes_name() {
        let dir = tempfile::tempdir().unwrap();
        let data = write(dir.path(), "d.csv", "编码,出院人次\nA,7\n");
        let refs = [reference("出院人数", Period::Current)];
        let aliases = BTreeMap::from([(
            "出院人数".to_string(),
            vec!["出院患者人次数".to_string(), "出院人次".to_string()],
        )]);
        let loaded = load(&DataFile::from(&data), None, &needs_with(&refs, &aliases)).unwrap();
        let values: Vec<Option<f64>> = loaded
            .frame
            .column("出院人数")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(values, [Some(7.0)]);
        assert!(loaded.report.is_empty());
    }

    #[test]
    fn two_aliases_present_are_read_once_and_compared() {
        // Issue 17: a figure repeated under two aliases is accepted when the values agree; when
        // they disagree, the first listed alias is read and a warning names both cells.
        let dir = tempfile::tempdir().unwrap();
        let data = write(
            dir.path(),
            "d.csv",
            "编码,出院人次,出院患者人次数\nA,7,7\nB,8,9\n",
        );
        let refs = [reference("出院人数", Period::Current)];
        let aliases = BTreeMap::from([(
            "出院人数".to_string(),
            vec!["出院患者人次数".to_string(), "出院人次".to_string()],
        )]);
        let loaded = load(&DataFile::from(&data), None, &needs_with(&refs, &aliases)).unwrap();
        let values: Vec<Option<f64>> = loaded
            .frame
            .column("出院人数")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(values, [Some(7.0), Some(9.0)]);
        assert_eq!(
            loaded.report.findings[0].problem,
            Problem::RepeatedFigureDiffers {
                column: "出院人数".into(),
                used: "出院患者人次数".into(),
                used_value: "9".into(),
                other: "出院人次".into(),
                other_value: "8".into(),
            }
        );
        assert_eq!(loaded.report.findings[0].location.row, Some(3));
        assert_eq!(loaded.report.findings.len(), 1);
    }

    #[test]
    fn cells_are_checked_even_when_a_column_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let data = write(dir.path(), "d.csv", "编码,人数\nA,x\nA,-2\n");
        let refs = [
            reference("人数", Period::Current),
            reference("床位", Period::Current),
        ];
        let aliases = BTreeMap::new();
        let Err(LoadError::Invalid {
            report, missing, ..
        }) = load(&DataFile::from(&data), None, &needs_with(&refs, &aliases))
        else {
            panic!("expected invalid data")
        };
        assert_eq!(missing[0].reference.name, "床位");
        let kinds: Vec<&str> = report.findings.iter().map(|f| f.problem.kind()).collect();
        assert_eq!(kinds, ["duplicate-id", "not-a-number", "negative-count"]);
        let rows: Vec<Option<u32>> = report.findings.iter().map(|f| f.location.row).collect();
        assert_eq!(rows, [Some(3), Some(2), Some(3)]);
    }

    #[test]
    fn an_empty_frame_is_a_located_error() {
        // Files are refused by `source::read` when empty; frames given in memory are checked here.
        let frame = df!("编码" => Vec::<String>::new()).unwrap();
        let aliases = BTreeMap::new();
        let Err(LoadError::Invalid { report, .. }) =
            prepare(frame, Path::new("d.csv"), None, &needs_with(&[], &aliases))
        else {
            panic!("expected invalid data")
        };
        assert_eq!(report.findings[0].problem, Problem::EmptyFile);
        assert_eq!(report.findings[0].location.to_string(), "d.csv");
    }
}
