//! One decision-matrix method on one table, end to end — what `jixiao mcda` runs.
//!
//! [`run`] checks the spec and the data, computes the weights and the method's scores with the
//! expression builders of the sibling modules, ranks, and returns a [`McdaResult`] whose
//! `Display` is the report (weights, ranking) and whose [`McdaResult::explain`] adds the
//! intermediate tables.
//!
//! Data policy: the id column is text, non-empty and unique; every criterion value must be
//! present and a finite number. Text cells (CSV) are parsed here (surrounding spaces allowed).
//! Missing values and cells that are not numbers are refused with an error listing the criterion
//! and the rows (numbered as in a spreadsheet, header = row 1, with the id) — decision-matrix
//! methods compare every alternative on every criterion, and imputing silently would change the
//! ranking. Rows are put in id order first, so results never depend on the input order and
//! ordinal ties go to the smaller id. The output table is in rank order (ties by id).

use std::fmt;
use std::path::PathBuf;

use polars::prelude::*;

use super::normalise::Normalisation;
use super::ranking::{rank_expr, Ties};
use super::rsr::{Distribution, Fit, RankKind};
use super::text::{number, rank as rank_text, table, value};
use super::topsis::{TopsisOptions, WeightPlacement};
use super::vikor::Compromise;
use super::weights::{self, Weighting, Weights};
use super::{rsr, topsis, vikor, wpm, wsm, Criterion, Direction};
/// The column of each row's number in its file, added by the reader (see [`row_numbers`]).
pub use crate::columns::ROW_COLUMN;
use crate::error::{closest, Error, Result};
use crate::source::CellNumber;

/// The methods `jixiao mcda` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Topsis,
    Vikor,
    Rsr,
    Wrsr,
    Wsm,
    Wpm,
}

impl Method {
    pub const ALL: [Method; 6] = [
        Method::Topsis,
        Method::Vikor,
        Method::Rsr,
        Method::Wrsr,
        Method::Wsm,
        Method::Wpm,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Method::Topsis => "topsis",
            Method::Vikor => "vikor",
            Method::Rsr => "rsr",
            Method::Wrsr => "wrsr",
            Method::Wsm => "wsm",
            Method::Wpm => "wpm",
        }
    }

    pub fn from_name(name: &str) -> Option<Method> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    pub fn title(self) -> &'static str {
        match self {
            Method::Topsis => "TOPSIS",
            Method::Vikor => "VIKOR",
            Method::Rsr => "RSR",
            Method::Wrsr => "WRSR",
            Method::Wsm => "WSM",
            Method::Wpm => "WPM",
        }
    }

    /// Whether a higher score is better (all but VIKOR's Q).
    pub fn higher_is_better(self) -> bool {
        self != Method::Vikor
    }
}

/// What to run. Method-specific settings left `None` take the method's default; given to a
/// method they do not apply to, they are refused.
#[derive(Debug, Clone)]
pub struct McdaSpec {
    /// The column naming the alternatives.
    pub id: String,
    pub criteria: Vec<Criterion>,
    pub weighting: Weighting,
    pub method: Method,
    /// TOPSIS: vector (default), minmax, sum, reciprocal; WSM: minmax (default), reciprocal, and
    /// vector or sum when every criterion is a benefit.
    pub normalisation: Option<Normalisation>,
    /// TOPSIS: where the weights enter (default v = w·r).
    pub placement: Option<WeightPlacement>,
    /// VIKOR: the weight of group utility S against regret R (default 0.5).
    pub vikor_v: Option<f64>,
    /// RSR/WRSR: integer (default) or non-integer ranks.
    pub rsr_ranks: Option<RankKind>,
    /// RSR/WRSR: the number of grades (分档, default 3).
    pub grades: Option<usize>,
    pub ties: Ties,
    /// Names the data in messages (the file read).
    pub source: PathBuf,
}

impl McdaSpec {
    /// A spec with equal weights and every setting at its default.
    pub fn new(id: impl Into<String>, criteria: Vec<Criterion>, method: Method) -> McdaSpec {
        McdaSpec {
            id: id.into(),
            criteria,
            weighting: Weighting::Equal,
            method,
            normalisation: None,
            placement: None,
            vikor_v: None,
            rsr_ranks: None,
            grades: None,
            ties: Ties::Min,
            source: PathBuf::from("data"),
        }
    }
}

/// The intermediate results of a method, for `--explain`.
#[derive(Debug, Clone)]
pub enum Details {
    Topsis {
        options: TopsisOptions,
        /// id + the (weighted) normalised value of each criterion.
        values: DataFrame,
        /// Direction of each criterion after normalisation.
        directions: Vec<Direction>,
        ideal: Vec<f64>,
        anti_ideal: Vec<f64>,
    },
    Vikor {
        v: f64,
        best: Vec<f64>,
        worst: Vec<f64>,
        s_range: (f64, f64),
        r_range: (f64, f64),
        compromise: Compromise,
        /// The ids of the compromise set, best Q first.
        compromise_ids: Vec<String>,
    },
    Rsr {
        kind: RankKind,
        /// id + the rank of each criterion.
        ranks: DataFrame,
        distribution: Distribution,
        fit_groups: Option<Fit>,
        fit_objects: Option<Fit>,
        cuts: Vec<f64>,
    },
    Wsm {
        normalisation: Normalisation,
        /// id + the normalised value of each criterion.
        values: DataFrame,
    },
    Wpm {
        /// id + the ratio of each criterion to its best value.
        values: DataFrame,
    },
}

/// The outcome of [`run`].
#[derive(Debug, Clone)]
pub struct McdaResult {
    pub method: Method,
    pub id: String,
    pub criteria: Vec<Criterion>,
    pub source: PathBuf,
    pub ties: Ties,
    pub weights: Weights,
    /// id, `score`, `rank` and the method's columns (TOPSIS `d_plus`, `d_minus`; VIKOR `S`, `R`,
    /// `compromise`; RSR/WRSR `probit`, `grade`), in rank order.
    pub table: DataFrame,
    pub details: Details,
    /// Degenerate data met and the policy applied (constant criteria, constant S or R…).
    pub notes: Vec<String>,
}

/// Output column names.
pub const SCORE: &str = "score";
pub const RANK: &str = "rank";

/// Columns the output may hold besides the id: no input column may take these names.
pub(super) const OUTPUT_COLUMNS: [&str; 9] = [
    SCORE,
    RANK,
    "d_plus",
    "d_minus",
    "S",
    "R",
    "compromise",
    "probit",
    "grade",
];

fn usage(message: String) -> Error {
    Error::Usage { message }
}

/// Checks the settings against the method; returns the normalisation to use, if any.
fn check_spec(spec: &McdaSpec) -> Result<Option<Normalisation>> {
    let method = spec.method;
    let title = method.title();
    if spec.criteria.is_empty() {
        return Err(usage(
            "no criteria: pass --criteria \"col1:+,col2:-,…\"".into(),
        ));
    }
    if spec.criteria.iter().any(|c| c.name == spec.id) {
        return Err(usage(format!(
            "\"{}\" is both the id column and a criterion",
            spec.id
        )));
    }
    if OUTPUT_COLUMNS.contains(&spec.id.as_str()) {
        return Err(usage(format!(
            "the id column may not be called \"{}\", a column of the output; rename it",
            spec.id
        )));
    }
    let refuse = |flag: &str, applies: &str| -> Result<()> {
        Err(usage(format!(
            "{flag} applies to {applies} only, not to {title}; drop it"
        )))
    };
    if spec.placement.is_some() && method != Method::Topsis {
        refuse("--topsis-weights", "TOPSIS")?;
    }
    if spec.vikor_v.is_some() && method != Method::Vikor {
        refuse("--vikor-v", "VIKOR")?;
    }
    let rank_based = matches!(method, Method::Rsr | Method::Wrsr);
    if spec.rsr_ranks.is_some() && !rank_based {
        refuse("--rsr-ranks", "RSR and WRSR")?;
    }
    if spec.grades.is_some() && !rank_based {
        refuse("--grades", "RSR and WRSR")?;
    }
    if let Some(v) = spec.vikor_v {
        if !(0.0..=1.0).contains(&v) {
            return Err(usage(format!(
                "--vikor-v {v} is outside [0, 1]; 0.5 weighs group utility and regret equally"
            )));
        }
    }
    if spec.grades == Some(0) {
        return Err(usage("--grades must be at least 1 (3 is usual)".into()));
    }
    if method == Method::Rsr && spec.weighting != Weighting::Equal {
        return Err(usage(
            "RSR is unweighted: use --method wrsr to weight the ranks, or drop --weights".into(),
        ));
    }
    match (method, spec.normalisation) {
        (Method::Topsis, n) => Ok(Some(n.unwrap_or(Normalisation::Vector))),
        (Method::Wsm, None) => Ok(Some(Normalisation::MinMax)),
        (Method::Wsm, Some(n @ (Normalisation::MinMax | Normalisation::Reciprocal))) => Ok(Some(n)),
        (Method::Wsm, Some(n)) => {
            let costs: Vec<&str> = spec
                .criteria
                .iter()
                .filter(|c| c.direction == Direction::Cost)
                .map(|c| c.name.as_str())
                .collect();
            if costs.is_empty() {
                Ok(Some(n))
            } else {
                Err(usage(format!(
                    "WSM adds normalised values, which must all point the same way, and --normalize {} keeps the cost criteria ({}) reversed; use minmax (the default) or reciprocal",
                    n.name(),
                    costs.join(", ")
                )))
            }
        }
        (_, None) => Ok(None),
        (Method::Vikor, Some(_)) => Err(usage(
            "--normalize does not apply to VIKOR, which scales each criterion by (f* − f)/(f* − f⁻) itself; drop it".into(),
        )),
        (Method::Rsr | Method::Wrsr, Some(_)) => Err(usage(format!(
            "--normalize does not apply to {title}, which ranks the values; drop it"
        ))),
        (Method::Wpm, Some(_)) => Err(usage(
            "--normalize does not apply to WPM, which takes ratios to the best value (x/max, min/x); drop it".into(),
        )),
    }
}

/// Every named column must exist; all missing ones are reported together, with suggestions.
fn check_columns(spec: &McdaSpec, frame: &DataFrame) -> Result<()> {
    let names: Vec<&str> = frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .filter(|n| *n != ROW_COLUMN)
        .collect();
    let mut missing: Vec<Error> = std::iter::once((spec.id.as_str(), "--id"))
        .chain(
            spec.criteria
                .iter()
                .map(|c| (c.name.as_str(), "--criteria")),
        )
        .filter(|(name, _)| !names.contains(name))
        .map(|(name, flag)| {
            let suggestion = closest(name, names.iter().copied());
            let help = if suggestion.is_some() {
                format!("{flag} names it")
            } else {
                format!(
                    "{flag} names it; the file's columns are {}",
                    names.join(", ")
                )
            };
            Error::ColumnNotFound {
                column: name.to_string(),
                data_file: spec.source.clone(),
                suggestion,
                span: None,
                help: Some(help),
            }
        })
        .collect();
    match missing.len() {
        0 => Ok(()),
        1 => Err(missing.pop().expect("one error")),
        _ => Err(Error::Many(missing)),
    }
}

/// "row 3 (1996), row 5 (1998) and 2 more": frame rows by the numbers the user sees.
fn row_list(rows: &[(usize, String)], numbers: &[u32]) -> String {
    let shown: Vec<String> = rows
        .iter()
        .take(5)
        .map(|(row, label)| format!("row {} ({label})", numbers[*row]))
        .collect();
    let more = rows.len().saturating_sub(5);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// A criterion column as finite floats, with the rows that are missing or not numbers.
struct Parsed {
    values: Vec<f64>,
    missing: Vec<usize>,
    bad: Vec<(usize, String)>,
}

/// A numeric column with every value present and finite, as is (no copy); `None` otherwise.
fn clean_numbers(column: &Column) -> Result<Option<Column>> {
    if column.dtype() == &DataType::String || column.null_count() > 0 {
        return Ok(None);
    }
    let Ok(cast) = column.cast(&DataType::Float64) else {
        return Ok(None);
    };
    let finite = cast
        .f64()?
        .downcast_iter()
        .all(|chunk| chunk.values().iter().all(|v| v.is_finite()));
    Ok(finite.then_some(cast))
}

fn parse_column(column: &Column) -> Result<Parsed> {
    let n = column.len();
    let mut parsed = Parsed {
        values: Vec::with_capacity(n),
        missing: Vec::new(),
        bad: Vec::new(),
    };
    if column.dtype() == &DataType::String {
        for (i, cell) in column.str()?.iter().enumerate() {
            let text = cell.map(str::trim).unwrap_or("");
            if text.is_empty() {
                parsed.missing.push(i);
                parsed.values.push(f64::NAN);
                continue;
            }
            // Numbers stored as text as Excel exports them ("1,234", "12.5%", full-width digits)
            // are read as `crate::source::number` reads them for schemes.
            match crate::source::parse_number(text) {
                CellNumber::Number(v) if v.is_finite() => parsed.values.push(v),
                CellNumber::Empty => {
                    parsed.missing.push(i);
                    parsed.values.push(f64::NAN);
                }
                _ => {
                    parsed.bad.push((i, text.to_string()));
                    parsed.values.push(f64::NAN);
                }
            }
        }
    } else {
        let cast = column
            .as_materialized_series()
            .cast(&DataType::Float64)
            .map_err(|_| {
                usage(format!(
                    "column \"{}\" holds {} values, not numbers",
                    column.name(),
                    column.dtype()
                ))
            })?;
        for (i, cell) in cast.f64()?.iter().enumerate() {
            match cell {
                None => {
                    parsed.missing.push(i);
                    parsed.values.push(f64::NAN);
                }
                Some(v) if !v.is_finite() => {
                    parsed.bad.push((i, v.to_string()));
                    parsed.values.push(f64::NAN);
                }
                Some(v) => parsed.values.push(v),
            }
        }
    }
    Ok(parsed)
}

/// Each frame row's number as the user sees it in the file: the [`ROW_COLUMN`] the reader put
/// there (Excel rows below a title, CSV lines), else a CSV's (header = row 1).
fn row_numbers(frame: &DataFrame) -> Result<Vec<u32>> {
    match frame.column(ROW_COLUMN) {
        Ok(rows) => Ok(rows.u32()?.iter().map(|r| r.unwrap_or(0)).collect()),
        Err(_) => Ok((0..frame.height() as u32).map(|i| i + 2).collect()),
    }
}

/// The decision matrix: id as text (unique, non-empty), criteria as floats (present, finite),
/// in id order. Every problem is reported with its row.
pub(super) fn decision_matrix(spec: &McdaSpec, frame: &DataFrame) -> Result<DataFrame> {
    let numbers = row_numbers(frame)?;
    let data_error = |message: String, help: &str| Error::Data {
        file: spec.source.clone(),
        message,
        help: Some(help.to_string()),
    };
    let ids = frame
        .column(&spec.id)?
        .cast(&DataType::String)?
        .str()?
        .clone();
    let id_of = |i: usize| ids.get(i).unwrap_or("").to_string();
    let empty: Vec<(usize, String)> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| id.is_none_or(|s| s.trim().is_empty()))
        .map(|(i, _)| (i, "no id".to_string()))
        .collect();
    if !empty.is_empty() {
        return Err(data_error(
            format!(
                "the id column \"{}\" is empty in {}",
                spec.id,
                row_list(&empty, &numbers)
            ),
            "every alternative needs an id; rows are numbered as in a spreadsheet, header = row 1",
        ));
    }
    if ids.n_unique()? < ids.len() {
        let mut seen = std::collections::HashMap::new();
        let mut duplicates = Vec::new();
        for (row, id) in ids.iter().enumerate() {
            let id = id.unwrap_or_default();
            if let Some(first) = seen.insert(id, row) {
                duplicates.push(format!(
                    "\"{id}\" (rows {} and {})",
                    numbers[first], numbers[row]
                ));
            }
        }
        let more = duplicates.len().saturating_sub(5);
        duplicates.truncate(5);
        return Err(data_error(
            format!(
                "the id column \"{}\" is not unique: {}{}",
                spec.id,
                duplicates.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
            "each alternative must appear once",
        ));
    }
    let mut columns = vec![Column::new(spec.id.as_str().into(), ids.clone())];
    let mut problems = Vec::new();
    for c in &spec.criteria {
        let column = frame.column(&c.name)?;
        if let Some(clean) = clean_numbers(column)? {
            columns.push(clean);
            continue;
        }
        let parsed = parse_column(column)?;
        if !parsed.bad.is_empty() {
            let rows: Vec<(usize, String)> = parsed
                .bad
                .iter()
                .map(|(i, text)| (*i, format!("{}: \"{text}\"", id_of(*i))))
                .collect();
            problems.push(data_error(
                format!(
                    "criterion \"{}\" has {} cell{} that {} not a number: {}",
                    c.name,
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" },
                    if rows.len() == 1 { "is" } else { "are" },
                    row_list(&rows, &numbers)
                ),
                "write numbers (\"1,234\", \"12.5%\" and full-width digits are read; units and ambiguous forms such as \"1,5\" are not)",
            ));
        }
        if !parsed.missing.is_empty() {
            let rows: Vec<(usize, String)> =
                parsed.missing.iter().map(|&i| (i, id_of(i))).collect();
            problems.push(data_error(
                format!(
                    "criterion \"{}\" has no value in {} row{}: {}",
                    c.name,
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" },
                    row_list(&rows, &numbers)
                ),
                "decision-matrix methods compare every alternative on every criterion: fill the values in, or drop those rows or the criterion",
            ));
        }
        columns.push(Column::new(c.name.as_str().into(), parsed.values));
    }
    match problems.len() {
        0 => {}
        1 => return Err(problems.pop().expect("one problem")),
        _ => return Err(Error::Many(problems)),
    }
    let matrix = DataFrame::new(ids.len(), columns)?;
    let sorted = matrix
        .column(&spec.id)?
        .as_materialized_series()
        .is_sorted(SortOptions::default())?;
    if sorted {
        Ok(matrix)
    } else {
        Ok(matrix.sort([spec.id.as_str()], SortMultipleOptions::default())?)
    }
}

/// The smallest value of a criterion.
fn column_min(frame: &DataFrame, name: &str) -> Result<f64> {
    Ok(frame.column(name)?.f64()?.min().unwrap_or(f64::NAN))
}

/// Refuses values the method or normalisation cannot take, naming the criterion, rows and fix.
fn check_values(
    spec: &McdaSpec,
    normalisation: Option<Normalisation>,
    frame: &DataFrame,
) -> Result<()> {
    let ids = frame.column(&spec.id)?.str()?.clone();
    let offending = |name: &str, bad: &dyn Fn(f64) -> bool| -> Result<Vec<(usize, String)>> {
        Ok(frame
            .column(name)?
            .f64()?
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_some_and(bad))
            .map(|(i, v)| {
                (
                    i,
                    format!("{} = {}", ids.get(i).unwrap_or(""), v.unwrap_or(f64::NAN)),
                )
            })
            .collect())
    };
    // Rows are in id order here; name them by id only.
    let list = |rows: &[(usize, String)]| -> String {
        let shown: Vec<&str> = rows.iter().take(5).map(|(_, t)| t.as_str()).collect();
        let more = rows.len().saturating_sub(5);
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    for c in &spec.criteria {
        let problem: Option<(String, &str)> = if spec.method == Method::Wpm {
            (column_min(frame, &c.name)? <= 0.0).then(|| {
                (
                    "WPM takes ratios and powers, so needs values > 0".to_string(),
                    "shift the criterion to positive values, or use --method wsm",
                )
            })
        } else if normalisation == Some(Normalisation::Reciprocal) && c.direction == Direction::Cost
        {
            (column_min(frame, &c.name)? <= 0.0).then(|| {
                (
                    "the reciprocal normalisation takes 1/x of cost criteria, so needs values > 0"
                        .to_string(),
                    "use --normalize vector (ideal = the smallest value of a cost criterion)",
                )
            })
        } else if normalisation == Some(Normalisation::Sum) {
            (column_min(frame, &c.name)? < 0.0).then(|| {
                (
                    "the sum normalisation x/Σx needs values ≥ 0".to_string(),
                    "use --normalize vector or minmax",
                )
            })
        } else {
            None
        };
        if let Some((what, help)) = problem {
            let bad: Box<dyn Fn(f64) -> bool> =
                if spec.method == Method::Wpm || normalisation == Some(Normalisation::Reciprocal) {
                    Box::new(|v| v <= 0.0)
                } else {
                    Box::new(|v| v < 0.0)
                };
            let rows = offending(&c.name, &*bad)?;
            return Err(Error::Method {
                message: format!("{what}; criterion \"{}\": {}", c.name, list(&rows)),
                help: Some(help.to_string()),
            });
        }
    }
    Ok(())
}

fn run_stages(frame: &DataFrame, stages: Vec<Vec<Expr>>) -> Result<DataFrame> {
    let mut lf = frame.clone().lazy();
    for stage in stages {
        lf = lf.with_columns(stage);
    }
    Ok(lf.collect()?)
}

fn floats(frame: &DataFrame, name: &str) -> Result<Vec<f64>> {
    Ok(frame
        .column(name)?
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect())
}

/// One aggregate per expression, as numbers.
fn aggregates(frame: &DataFrame, exprs: Vec<Expr>) -> Result<Vec<f64>> {
    let named: Vec<Expr> = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| e.cast(DataType::Float64).alias(format!("a{i}")))
        .collect();
    let count = named.len();
    let row = frame.clone().lazy().select(named).collect()?;
    (0..count)
        .map(|i| {
            Ok(row
                .column(&format!("a{i}"))?
                .f64()?
                .get(0)
                .unwrap_or(f64::NAN))
        })
        .collect()
}

/// id + the given scratch columns, renamed to the criteria.
fn matrix_of(
    spec: &McdaSpec,
    computed: &DataFrame,
    column: impl Fn(&Criterion) -> String,
) -> Result<DataFrame> {
    let mut select = vec![col(spec.id.as_str())];
    select.extend(
        spec.criteria
            .iter()
            .map(|c| col(column(c)).alias(c.name.as_str())),
    );
    Ok(computed.clone().lazy().select(select).collect()?)
}

/// Runs `spec.method` on `frame` (a table with the id and criterion columns; others are ignored).
pub fn run(spec: &McdaSpec, frame: DataFrame) -> Result<McdaResult> {
    let normalisation = check_spec(spec)?;
    check_columns(spec, &frame)?;
    let matrix = decision_matrix(spec, &frame)?;
    check_values(spec, normalisation, &matrix)?;
    let weights = weights::compute(&matrix, &spec.criteria, &spec.weighting)?;
    let w: Vec<Expr> = weights.values.iter().map(|&w| lit(w)).collect();
    let id = spec.id.as_str();
    let mut notes = Vec::new();

    let ranges = aggregates(
        &matrix,
        spec.criteria
            .iter()
            .map(|c| c.col().max() - c.col().min())
            .collect(),
    )?;
    let constant: Vec<&str> = spec
        .criteria
        .iter()
        .zip(&ranges)
        .filter(|(_, r)| **r == 0.0)
        .map(|(c, _)| c.name.as_str())
        .collect();
    if !constant.is_empty() && matrix.height() > 1 {
        notes.push(format!(
            "constant criteria (every alternative alike): {}; {}",
            constant.join(", "),
            match spec.method {
                Method::Topsis => "ideal = anti-ideal, they add nothing to the distances",
                Method::Vikor => "their terms are 0 (ignored)",
                Method::Rsr | Method::Wrsr => "every alternative gets the average rank (n + 1)/2",
                Method::Wsm => "min-max gives everyone 1, which shifts all scores alike",
                Method::Wpm => "every ratio is 1, which changes nothing",
            }
        ));
    }
    if matrix.height() == 1 {
        notes.push("a single alternative: it ranks first".into());
    }

    let (computed, score, extras, details): (DataFrame, &str, Vec<Expr>, Details) = match spec
        .method
    {
        Method::Topsis => {
            let options = TopsisOptions {
                normalisation: normalisation.unwrap_or(Normalisation::Vector),
                placement: spec.placement.unwrap_or(WeightPlacement::WeightedMatrix),
            };
            let computed = run_stages(&matrix, topsis::stages(&spec.criteria, &w, options, None))?;
            let directions = topsis::directions(&spec.criteria, options);
            let extreme = |ideal: bool| {
                spec.criteria
                    .iter()
                    .zip(&directions)
                    .map(|(c, &d)| topsis::extreme(col(topsis::value_column(c)), d, ideal, None))
                    .collect::<Vec<_>>()
            };
            let ideal = aggregates(&computed, extreme(true))?;
            let anti_ideal = aggregates(&computed, extreme(false))?;
            let values = matrix_of(spec, &computed, topsis::value_column)?;
            if ideal == anti_ideal && matrix.height() > 1 {
                notes.push(
                    "all alternatives are alike (D⁺ + D⁻ = 0): every closeness is 0.5".into(),
                );
            }
            (
                computed,
                topsis::CLOSENESS,
                vec![
                    col(topsis::D_PLUS).alias("d_plus"),
                    col(topsis::D_MINUS).alias("d_minus"),
                ],
                Details::Topsis {
                    options,
                    values,
                    directions,
                    ideal,
                    anti_ideal,
                },
            )
        }
        Method::Vikor => {
            let v = spec.vikor_v.unwrap_or(0.5);
            let computed = run_stages(&matrix, vikor::stages(&spec.criteria, &w, v, None))?;
            let extreme = |best: bool| {
                spec.criteria
                    .iter()
                    .map(|c| vikor::extreme(c.col(), c.direction, best, None))
                    .collect::<Vec<_>>()
            };
            let best = aggregates(&computed, extreme(true))?;
            let worst = aggregates(&computed, extreme(false))?;
            let s = floats(&computed, vikor::S)?;
            let r = floats(&computed, vikor::R)?;
            let q = floats(&computed, vikor::Q)?;
            let range = |x: &[f64]| {
                (
                    x.iter().copied().fold(f64::INFINITY, f64::min),
                    x.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                )
            };
            let (s_range, r_range) = (range(&s), range(&r));
            if matrix.height() > 1 {
                if s_range.0 == s_range.1 {
                    notes.push("S is the same for every alternative: its term of Q is 0".into());
                }
                if r_range.0 == r_range.1 {
                    notes.push("R is the same for every alternative: its term of Q is 0".into());
                }
            }
            let compromise = vikor::compromise(&q, &s, &r);
            let ids = computed.column(id)?.str()?.clone();
            let compromise_ids: Vec<String> = compromise
                .set
                .iter()
                .map(|&i| ids.get(i).unwrap_or("").to_string())
                .collect();
            let mut in_set = vec![false; q.len()];
            for &i in &compromise.set {
                in_set[i] = true;
            }
            let mut computed = computed;
            computed.with_column(Column::new("mcda.vikor.compromise".into(), in_set))?;
            (
                computed,
                vikor::Q,
                vec![
                    col(vikor::S).alias("S"),
                    col(vikor::R).alias("R"),
                    col("mcda.vikor.compromise").alias("compromise"),
                ],
                Details::Vikor {
                    v,
                    best,
                    worst,
                    s_range,
                    r_range,
                    compromise,
                    compromise_ids,
                },
            )
        }
        Method::Rsr | Method::Wrsr => {
            let kind = spec.rsr_ranks.unwrap_or(RankKind::Integer);
            let grades = spec.grades.unwrap_or(3);
            let weights_used = (spec.method == Method::Wrsr).then_some(w.as_slice());
            let computed = run_stages(
                &matrix,
                rsr::stages(
                    &spec.criteria,
                    weights_used,
                    kind,
                    grades,
                    None,
                    ["mcda.rsr", "mcda.probit", "mcda.grade"],
                ),
            )?;
            let values = floats(&computed, "mcda.rsr")?;
            let distribution = Distribution::of(&values);
            let ranks = matrix_of(spec, &computed, |c| super::scratch("R", &c.name))?;
            (
                computed,
                "mcda.rsr",
                vec![
                    col("mcda.probit").alias("probit"),
                    col("mcda.grade").alias("grade"),
                ],
                Details::Rsr {
                    kind,
                    ranks,
                    fit_groups: distribution.fit_groups(),
                    fit_objects: distribution.fit_objects(),
                    distribution,
                    cuts: rsr::cut_points(grades),
                },
            )
        }
        Method::Wsm => {
            let normalisation = normalisation.unwrap_or(Normalisation::MinMax);
            let computed = run_stages(
                &matrix,
                wsm::stages(&spec.criteria, &w, normalisation, None),
            )?;
            let values = matrix_of(spec, &computed, wsm::value_column)?;
            (
                computed,
                wsm::SCORE,
                Vec::new(),
                Details::Wsm {
                    normalisation,
                    values,
                },
            )
        }
        Method::Wpm => {
            let computed = run_stages(&matrix, wpm::stages(&spec.criteria, &w, None))?;
            let values = matrix_of(spec, &computed, wpm::value_column)?;
            (computed, wpm::SCORE, Vec::new(), Details::Wpm { values })
        }
    };
    let mut select = vec![
        col(id),
        col(score).alias(SCORE),
        rank_expr(col(score), spec.ties, spec.method.higher_is_better(), None).alias(RANK),
    ];
    select.extend(extras);
    let table = computed
        .lazy()
        .select(select)
        .sort(
            [RANK],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()?;
    Ok(McdaResult {
        method: spec.method,
        id: spec.id.clone(),
        criteria: spec.criteria.clone(),
        source: spec.source.clone(),
        ties: spec.ties,
        weights,
        table,
        details,
        notes,
    })
}

fn four(v: f64) -> String {
    number(v, 4)
}

fn direction_text(direction: Direction) -> &'static str {
    match direction {
        Direction::Benefit => "benefit (+)",
        Direction::Cost => "cost (−)",
    }
}

fn strings(frame: &DataFrame, name: &str) -> Vec<String> {
    frame
        .column(name)
        .and_then(|c| c.cast(&DataType::String))
        .map(|c| {
            c.str()
                .map(|s| s.iter().map(|v| v.unwrap_or("").to_string()).collect())
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

fn numbers(frame: &DataFrame, name: &str) -> Vec<f64> {
    floats(frame, name).unwrap_or_default()
}

fn fit_text(label: &str, fit: &Option<Fit>) -> String {
    match fit {
        None => "no fit (fewer than two distinct probits)".into(),
        Some(f) => format!(
            "{label} = {} + {}·Probit (R² = {}, {} points)",
            number(f.a, 4),
            number(f.b, 4),
            f.r_squared.map_or("—".into(), |r| number(r, 4)),
            f.points
        ),
    }
}

impl McdaResult {
    /// One line saying what ran.
    fn headline(&self) -> String {
        let n = self.table.height();
        let settings = match &self.details {
            Details::Topsis { options, .. } => format!(
                "{} normalisation; weights {}",
                options.normalisation.name(),
                match options.placement {
                    WeightPlacement::WeightedMatrix => "in the matrix (v = w·r)",
                    WeightPlacement::WeightedDistance => "inside the distance (√Σ w·Δ²)",
                }
            ),
            Details::Vikor { v, .. } => format!("v = {v}; lower Q is better"),
            Details::Rsr { kind, cuts, .. } => format!(
                "{} ranks; {} grades by probit cut-points{} (grade 1 = top)",
                kind.name(),
                cuts.len() + 1,
                if cuts.is_empty() {
                    String::new()
                } else {
                    format!(
                        " {}",
                        cuts.iter()
                            .map(|c| number(*c, 2)
                                .trim_end_matches('0')
                                .trim_end_matches('.')
                                .to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ),
            Details::Wsm { normalisation, .. } => {
                format!("{} normalisation", normalisation.name())
            }
            Details::Wpm { .. } => "ratios to the best value (x/max, min/x)".into(),
        };
        format!(
            "{}: {} alternatives × {} criteria from {}\n{settings}; ties: {}\n",
            self.method.title(),
            n,
            self.criteria.len(),
            self.source.display(),
            self.ties.name()
        )
    }

    fn weights_text(&self) -> String {
        let mut headers = vec!["criterion".to_string(), "direction".into()];
        if let Some((name, _)) = &self.weights.statistic {
            headers.push(name.clone());
        }
        headers.push("weight".into());
        let rows: Vec<Vec<String>> = self
            .criteria
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let mut row = vec![c.name.clone(), direction_text(c.direction).into()];
                if let Some((_, values)) = &self.weights.statistic {
                    row.push(number(values[j], 4));
                }
                row.push(number(self.weights.values[j], 4));
                row
            })
            .collect();
        let mut out = format!("weights ({}):\n", self.weights.label);
        out.push_str(&table(&headers, &rows, 2));
        if let Some(ahp) = &self.weights.ahp {
            out.push_str(&format!(
                "  λmax = {}, CI = {}, RI = {}, CR = {} < 0.10\n",
                number(ahp.lambda_max, 4),
                number(ahp.ci, 4),
                number(ahp.ri, 2),
                number(ahp.cr, 4)
            ));
        }
        out
    }

    /// The ranking; `wide` adds the method's intermediate columns.
    fn ranking_text(&self, wide: bool) -> String {
        let t = &self.table;
        let mut headers = vec![RANK.to_string(), self.id.clone(), SCORE.into()];
        let mut columns: Vec<Vec<String>> = vec![
            numbers(t, RANK).into_iter().map(rank_text).collect(),
            strings(t, &self.id),
            numbers(t, SCORE)
                .into_iter()
                .map(|v| number(v, 4))
                .collect(),
        ];
        let mut add = |header: &str, values: Vec<String>| {
            headers.push(header.to_string());
            columns.push(values);
        };
        let four = |name: &str| -> Vec<String> {
            numbers(t, name).into_iter().map(|v| number(v, 4)).collect()
        };
        match self.method {
            Method::Topsis if wide => {
                add("D⁺", four("d_plus"));
                add("D⁻", four("d_minus"));
            }
            Method::Vikor => {
                if wide {
                    add("S", four("S"));
                    add("R", four("R"));
                }
                add(
                    "compromise",
                    strings(t, "compromise")
                        .into_iter()
                        .map(|v| {
                            if v == "true" {
                                "*".into()
                            } else {
                                String::new()
                            }
                        })
                        .collect(),
                );
            }
            Method::Rsr | Method::Wrsr => {
                if wide {
                    add("probit", four("probit"));
                }
                add("grade", strings(t, "grade"));
            }
            _ => {}
        }
        let rows: Vec<Vec<String>> = (0..t.height())
            .map(|i| columns.iter().map(|c| c[i].clone()).collect())
            .collect();
        table(&headers, &rows, 0)
    }

    fn matrix_text(
        &self,
        title: &str,
        frame: &DataFrame,
        extra: &[(&str, &[f64])],
        format: fn(f64) -> String,
    ) -> String {
        let mut headers = vec![self.id.clone()];
        headers.extend(self.criteria.iter().map(|c| c.name.clone()));
        let ids = strings(frame, &self.id);
        let columns: Vec<Vec<f64>> = self
            .criteria
            .iter()
            .map(|c| numbers(frame, &c.name))
            .collect();
        let mut rows: Vec<Vec<String>> = (0..frame.height())
            .map(|i| {
                std::iter::once(ids[i].clone())
                    .chain(columns.iter().map(|c| format(c[i])))
                    .collect()
            })
            .collect();
        for (label, values) in extra {
            rows.push(
                std::iter::once(label.to_string())
                    .chain(values.iter().map(|v| format(*v)))
                    .collect(),
            );
        }
        format!("{title}:\n{}", table(&headers, &rows, 2))
    }

    /// The intermediate tables of the method (normalised matrix, ideal and anti-ideal, S/R/Q and
    /// the compromise conditions, RSR's ranks, probit table and regressions), then the report.
    pub fn explain(&self) -> String {
        let mut out = self.headline();
        out.push('\n');
        out.push_str(&self.weights_text());
        out.push('\n');
        match &self.details {
            Details::Topsis {
                options,
                values,
                ideal,
                anti_ideal,
                ..
            } => {
                let title = match options.placement {
                    WeightPlacement::WeightedMatrix => format!(
                        "weighted normalised matrix v = w·r ({})",
                        options.normalisation.name()
                    ),
                    WeightPlacement::WeightedDistance => format!(
                        "normalised matrix r ({}; weights enter the distances)",
                        options.normalisation.name()
                    ),
                };
                out.push_str(&self.matrix_text(
                    &title,
                    values,
                    &[("A⁺ ideal", ideal), ("A⁻ anti-ideal", anti_ideal)],
                    four,
                ));
                out.push_str(
                    "distances D⁺ (to the ideal), D⁻ (to the anti-ideal); score C = D⁻/(D⁺ + D⁻)\n",
                );
            }
            Details::Vikor {
                best,
                worst,
                s_range,
                r_range,
                compromise,
                compromise_ids,
                ..
            } => {
                let headers: Vec<String> = ["criterion", "f* best", "f⁻ worst"]
                    .map(String::from)
                    .to_vec();
                let rows: Vec<Vec<String>> = self
                    .criteria
                    .iter()
                    .enumerate()
                    .map(|(j, c)| vec![c.name.clone(), value(best[j]), value(worst[j])])
                    .collect();
                out.push_str("best and worst values:\n");
                out.push_str(&table(&headers, &rows, 2));
                out.push_str(&format!(
                    "S* = {}, S⁻ = {}, R* = {}, R⁻ = {}\n",
                    number(s_range.0, 4),
                    number(s_range.1, 4),
                    number(r_range.0, 4),
                    number(r_range.1, 4)
                ));
                let yes = |b: bool| if b { "holds" } else { "fails" };
                match (compromise.dq, compromise.advantage) {
                    (Some(dq), Some(advantage)) => out.push_str(&format!(
                        "C1 acceptable advantage: Q(a2) − Q(a1) = {} vs DQ = 1/(n − 1) = {}: {}\nC2 acceptable stability (a1 also best by S or R): {}\n",
                        number(advantage, 4),
                        number(dq, 4),
                        yes(compromise.c1),
                        yes(compromise.c2)
                    )),
                    _ => out.push_str("one alternative: it is the compromise\n"),
                }
                out.push_str(&format!("compromise set: {}\n", compromise_ids.join(", ")));
            }
            Details::Rsr {
                ranks,
                distribution,
                fit_groups,
                fit_objects,
                cuts,
                kind,
            } => {
                out.push_str(&self.matrix_text(
                    &format!("ranks R ({})", kind.name()),
                    ranks,
                    &[],
                    value,
                ));
                out.push('\n');
                let headers: Vec<String> = [
                    self.method.title(),
                    "f",
                    "cum f",
                    "mean rank",
                    "p",
                    "probit",
                ]
                .map(String::from)
                .to_vec();
                let rows: Vec<Vec<String>> = distribution
                    .rows
                    .iter()
                    .map(|r| {
                        vec![
                            number(r.value, 4),
                            r.count.to_string(),
                            r.cumulative.to_string(),
                            rank_text(r.mean_rank),
                            number(r.p, 4),
                            number(r.probit, 4),
                        ]
                    })
                    .collect();
                out.push_str(&format!(
                    "distribution (p = mean rank/n; last p = 1 − 1/(4n); probit = 5 + Φ⁻¹(p)):\n{}",
                    table(&headers, &rows, 2)
                ));
                out.push_str(&format!(
                    "regression over the {} distinct values: {}\n",
                    distribution.rows.len(),
                    fit_text(self.method.title(), fit_groups)
                ));
                out.push_str(&format!(
                    "regression over the {} alternatives:   {}\n",
                    distribution.n,
                    fit_text(self.method.title(), fit_objects)
                ));
                if let (Some(fit), false) = (fit_objects, cuts.is_empty()) {
                    let at: Vec<String> = cuts
                        .iter()
                        .map(|c| format!("probit {} → {}", number(*c, 2), number(fit.at(*c), 4)))
                        .collect();
                    out.push_str(&format!(
                        "grade cut-points on the fitted line (alternatives fit): {}\n",
                        at.join(", ")
                    ));
                }
            }
            Details::Wsm {
                normalisation,
                values,
            } => out.push_str(&self.matrix_text(
                &format!("normalised matrix ({})", normalisation.name()),
                values,
                &[],
                four,
            )),
            Details::Wpm { values } => out.push_str(&self.matrix_text(
                "ratios to the best value (x/max for benefit, min/x for cost)",
                values,
                &[],
                four,
            )),
        }
        out.push('\n');
        out.push_str(&self.ranking_text(true));
        out.push_str(&self.notes_text());
        out
    }

    fn notes_text(&self) -> String {
        self.notes.iter().map(|n| format!("note: {n}\n")).collect()
    }
}

impl fmt::Display for McdaResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.headline())?;
        writeln!(f)?;
        write!(f, "{}", self.weights_text())?;
        writeln!(f)?;
        write!(f, "{}", self.ranking_text(false))?;
        if let Details::Vikor { compromise_ids, .. } = &self.details {
            writeln!(f, "compromise set (*): {}", compromise_ids.join(", "))?;
        }
        write!(f, "{}", self.notes_text())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, criteria, floats, x_frame};
    use super::*;

    fn spec(method: Method) -> McdaSpec {
        let mut spec = McdaSpec::new("id", criteria(4, &[1]), method);
        spec.weighting = Weighting::Fixed(vec![0.4, 0.3, 0.2, 0.1]);
        spec
    }

    /// X as CSV text cells, rows shuffled.
    fn text_frame() -> DataFrame {
        let rows = [3usize, 0, 4, 2, 1];
        let x = super::super::testing::X;
        let cell =
            |j: usize| -> Vec<String> { rows.iter().map(|&i| format!(" {} ", x[i][j])).collect() };
        df!(
            "id" => rows.iter().map(|i| format!("a{}", i + 1)).collect::<Vec<_>>(),
            "c1" => cell(0), "c2" => cell(1), "c3" => cell(2), "c4" => cell(3),
        )
        .unwrap()
    }

    #[test]
    fn topsis_from_text_cells_in_any_order() {
        let result = run(&spec(Method::Topsis), text_frame()).unwrap();
        // Output in rank order: a3 (0.604086), a4, a5, a2, a1.
        assert_eq!(strings(&result.table, "id"), ["a3", "a4", "a5", "a2", "a1"]);
        close(
            &floats(&result.table, SCORE),
            &[0.604086, 0.546737, 0.441024, 0.395914, 0.363947],
            1e-6,
        );
        assert_eq!(floats(&result.table, RANK), [1.0, 2.0, 3.0, 4.0, 5.0]);
    }

    #[test]
    fn vikor_marks_the_compromise_set() {
        let result = run(&spec(Method::Vikor), x_frame()).unwrap();
        // Q = [0.5, 0.4, 0.5, 0.3, 0.2]: a5, a4, a2, then a1 and a3 tied at 4 (min ties).
        assert_eq!(strings(&result.table, "id"), ["a5", "a4", "a2", "a1", "a3"]);
        assert_eq!(floats(&result.table, RANK), [1.0, 2.0, 3.0, 4.0, 4.0]);
        assert_eq!(
            strings(&result.table, "compromise"),
            ["true", "true", "true", "false", "false"]
        );
        let Details::Vikor { compromise_ids, .. } = &result.details else {
            panic!()
        };
        assert_eq!(compromise_ids, &["a5", "a4", "a2"]);
    }

    #[test]
    fn wrsr_grades_and_rsr_refuses_weights() {
        let result = run(&spec(Method::Wrsr), x_frame()).unwrap();
        // WRSR = [0.58, 0.62, 0.60, 0.56, 0.64]; sorted a4 < a1 < a3 < a2 < a5 with probits
        // 4.158, 4.747, 5.253, 5.842, 6.645: only a5 reaches the cut 6 (grade 1); all are ≥ 4.
        assert_eq!(strings(&result.table, "id"), ["a5", "a2", "a3", "a1", "a4"]);
        assert_eq!(floats(&result.table, "grade"), [1.0, 2.0, 2.0, 2.0, 2.0]);
        let err = run(&spec(Method::Rsr), x_frame()).unwrap_err().to_string();
        assert!(err.contains("--method wrsr"), "{err}");
        let mut unweighted = spec(Method::Rsr);
        unweighted.weighting = Weighting::Equal;
        let result = run(&unweighted, x_frame()).unwrap();
        // RSR = [0.65, 0.525, 0.675, 0.575, 0.575]: a3, a1, then a4 and a5 tied, a2.
        close(
            &floats(&result.table, SCORE),
            &[0.675, 0.65, 0.575, 0.575, 0.525],
            1e-12,
        );
        assert_eq!(floats(&result.table, RANK), [1.0, 2.0, 3.0, 3.0, 5.0]);
    }

    #[test]
    fn missing_and_bad_cells_are_refused_with_rows() {
        let frame = df!(
            "id" => ["1994", "1995", "1996"],
            "c1" => ["1", "", "3"],
            "c2" => ["4", "x", "1,5"],
        )
        .unwrap();
        let spec = McdaSpec::new("id", criteria(2, &[]), Method::Topsis);
        let err = run(&spec, frame).unwrap_err().to_string();
        assert!(
            err.contains("criterion \"c1\" has no value in 1 row: row 3 (1995)"),
            "{err}"
        );
        assert!(
            err.contains("criterion \"c2\" has 2 cells that are not a number: row 3 (1995: \"x\"), row 4 (1996: \"1,5\")"),
            "{err}"
        );
    }

    #[test]
    fn numbers_stored_as_text_are_read_as_excel_shows_them() {
        // "1,234" (thousands), "12.5%" (= 0.125), full-width "３"; the same matrix as plain numbers.
        let text =
            df!("id" => ["a", "b", "c"], "c1" => ["1,234", "12.5%", "３"], "c2" => ["1", "2", "3"])
                .unwrap();
        let plain =
            df!("id" => ["a", "b", "c"], "c1" => [1234.0, 0.125, 3.0], "c2" => [1.0, 2.0, 3.0])
                .unwrap();
        let spec = McdaSpec::new("id", criteria(2, &[]), Method::Topsis);
        let (a, b) = (run(&spec, text).unwrap(), run(&spec, plain).unwrap());
        assert!(
            a.table.equals_missing(&b.table),
            "{:?}\n{:?}",
            a.table,
            b.table
        );
    }

    #[test]
    fn unknown_columns_are_suggested_and_duplicates_refused() {
        let mut spec = McdaSpec::new("id", criteria(2, &[]), Method::Topsis);
        spec.criteria[1].name = "c22".into();
        let err = run(&spec, x_frame()).unwrap_err().to_string();
        assert!(
            err.contains("column \"c22\" not found") && err.contains("did you mean \"c2"),
            "{err}"
        );
        let frame =
            df!("id" => ["a", "b", "a"], "c1" => [1.0, 2.0, 3.0], "c2" => [1.0, 2.0, 3.0]).unwrap();
        let err = run(
            &McdaSpec::new("id", criteria(2, &[]), Method::Topsis),
            frame,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("\"a\" (rows 2 and 4)"), "{err}");
    }

    #[test]
    fn options_given_to_the_wrong_method_are_refused() {
        let mut s = spec(Method::Wsm);
        s.vikor_v = Some(0.3);
        assert!(run(&s, x_frame())
            .unwrap_err()
            .to_string()
            .contains("--vikor-v"));
        let mut s = spec(Method::Vikor);
        s.normalisation = Some(Normalisation::Vector);
        assert!(run(&s, x_frame()).is_err());
        let mut s = spec(Method::Wsm);
        s.normalisation = Some(Normalisation::Sum);
        let err = run(&s, x_frame()).unwrap_err().to_string();
        assert!(err.contains("(c1)"), "{err}");
        let mut s = spec(Method::Vikor);
        s.vikor_v = Some(1.5);
        assert!(run(&s, x_frame()).is_err());
    }

    #[test]
    fn values_a_method_cannot_take_are_refused() {
        let frame = df!("id" => ["a", "b"], "c1" => [0.0, 2.0], "c2" => [1.0, 2.0]).unwrap();
        let err = run(
            &McdaSpec::new("id", criteria(2, &[]), Method::Wpm),
            frame.clone(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("criterion \"c1\": a = 0") && err.contains("--method wsm"),
            "{err}"
        );
        let mut s = McdaSpec::new("id", criteria(2, &[1]), Method::Topsis);
        s.normalisation = Some(Normalisation::Reciprocal);
        assert!(run(&s, frame.clone()).is_err());
        // Benefit zeros are fine with reciprocal (only cost criteria are inverted).
        let s = McdaSpec {
            criteria: criteria(2, &[2]),
            ..s
        };
        assert!(run(&s, frame).is_ok());
    }

    #[test]
    fn notes_name_the_degenerate_cases() {
        // Equal-weight VIKOR on X has constant R.
        let s = McdaSpec::new("id", criteria(4, &[1]), Method::Vikor);
        let result = run(&s, x_frame()).unwrap();
        assert!(
            result.notes.iter().any(|n| n.starts_with("R is the same")),
            "{:?}",
            result.notes
        );
        close(
            &floats(&result.table, SCORE),
            &[0.0, 0.25, 0.28125, 0.34375, 0.5],
            1e-12,
        );
    }
}
