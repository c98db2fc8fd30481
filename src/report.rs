//! Output: the results written where people read them — the plain-text ranking printed by
//! `jixiao score` ([`format_ranking`]) and the files of `--out`. [`write_output`] and
//! [`write_report`] (a scoring run), [`write_mcda_output`] and [`write_table`] pick the format
//! from the extension — CSV (with a UTF-8 byte-order mark for Excel when
//! [`OutputOptions::excel_csv`]), JSON, Parquet, the Excel report of [`xlsx`] or the HTML report
//! of [`html`], both in the language of [`OutputOptions::lang`] — and write through
//! [`atomic::write_atomically`], so a failure never leaves a half-written file. What the table and the summary hold is decided below this layer, in
//! `crate::table` and `crate::summary`.

pub mod atomic;
pub mod diff;
pub mod explain;
pub mod html;
pub mod lang;
pub mod panel;
pub mod parquet;
pub mod sensitivity;
pub mod watch;
pub mod xlsx;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use polars::prelude::*;
use unicode_width::UnicodeWidthStr;

use crate::columns::{
    score_column, FLAGS_COLUMN, GRADE_COLUMN, GROUP_RANK_COLUMN, MONEY_COLUMN, RANK_COLUMN,
    SCORE_COLUMN,
};
use crate::display::format_number;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::progress::Progress;

pub use atomic::write_atomically;
pub use lang::Lang;

/// The formats jixiao writes, chosen by the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Csv,
    Json,
    Parquet,
    /// The Excel report ([`xlsx`]): a scoring run's ranking, dimension, indicator and summary
    /// sheets; any other table on one sheet.
    Xlsx,
    /// The HTML report ([`html`]) of a scoring run.
    Html,
}

impl OutputFormat {
    /// The format `path` names; checked before any work is done, so a bad `--out` fails at once.
    pub fn of(path: &Path) -> Result<OutputFormat> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Ok(OutputFormat::Csv),
            "json" => Ok(OutputFormat::Json),
            "parquet" => Ok(OutputFormat::Parquet),
            "xlsx" => Ok(OutputFormat::Xlsx),
            "html" | "htm" => Ok(OutputFormat::Html),
            _ => Err(Error::Usage {
                message: format!("cannot write {}: the output format comes from the extension, one of .csv, .json, .parquet, .xlsx, .html", path.display()),
            }),
        }
    }
}

/// How output files are written, beyond what the extension says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutputOptions {
    /// CSV for Excel (`--excel-csv`): UTF-8 with a byte-order mark (EF BB BF) before the plain
    /// CSV, so Excel opens Chinese text as UTF-8 instead of the system code page. CSV only.
    pub excel_csv: bool,
    /// The language of the reports (`--lang`): the xlsx flags, summary and cover, the HTML page.
    pub lang: Lang,
}

impl OutputOptions {
    /// The format of `path`, checked against the options; call it before any work is done.
    pub fn format_of(&self, path: &Path) -> Result<OutputFormat> {
        let format = OutputFormat::of(path)?;
        if self.excel_csv && format != OutputFormat::Csv {
            return Err(Error::Usage {
                message: format!(
                    "--excel-csv writes CSV with a byte-order mark for Excel, but {} is not a .csv file; drop the flag, or write a .csv file",
                    path.display()
                ),
            });
        }
        Ok(format)
    }
}

/// The UTF-8 byte-order mark written before CSV for Excel.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes the table to `path`, in the format its extension names (plain CSV for `.csv`),
/// atomically: a failure leaves an existing file untouched.
pub fn write_table(table: &DataFrame, path: &Path) -> Result<()> {
    write_table_with(table, path, &OutputOptions::default())
}

/// Like [`write_table`], with `options`; `.xlsx` puts the table on one sheet.
pub fn write_table_with(table: &DataFrame, path: &Path, options: &OutputOptions) -> Result<()> {
    match options.format_of(path)? {
        OutputFormat::Xlsx => save_workbook(xlsx::table_workbook(table)?, path),
        OutputFormat::Html => Err(html_needs_a_run(path)),
        format => write_flat(table, path, format, options),
    }
}

fn html_needs_a_run(path: &Path) -> Error {
    Error::Usage {
        message: format!(
            "cannot write {}: the HTML report is written by `jixiao score --out FILE.html`; write this table as .csv, .json, .parquet or .xlsx",
            path.display()
        ),
    }
}

/// Writes a scoring run to `path`: the output table as CSV, JSON or Parquet, or the Excel or
/// HTML report. Atomic, like [`write_table`].
pub fn write_output(
    plan: &Plan,
    run: &crate::pipeline::ScoreRun,
    path: &Path,
    options: &OutputOptions,
) -> Result<()> {
    write_report(plan, run, path, options, &ReportExtras::default())
}

/// What a report shows beyond the run, and how its writing is shown.
#[derive(Debug, Default)]
pub struct ReportExtras<'a> {
    /// This run against the previous period's run (the HTML report's movement section).
    pub movement: Option<&'a crate::diff::Diff>,
    /// The assessment period, for the xlsx cover.
    pub period: Option<String>,
    /// Progress of the writing, row by row.
    pub progress: Progress,
}

/// [`write_output`] with the movement, the period and a progress display.
pub fn write_report(
    plan: &Plan,
    run: &crate::pipeline::ScoreRun,
    path: &Path,
    options: &OutputOptions,
    extras: &ReportExtras,
) -> Result<()> {
    let written = write_report_as(plan, run, path, options, extras);
    crate::trace::mark("write --out");
    written
}

fn write_report_as(
    plan: &Plan,
    run: &crate::pipeline::ScoreRun,
    path: &Path,
    options: &OutputOptions,
    extras: &ReportExtras,
) -> Result<()> {
    match options.format_of(path)? {
        OutputFormat::Xlsx => {
            let report = xlsx::ReportOptions {
                lang: options.lang,
                cover: xlsx::CoverFacts {
                    period: extras.period.clone(),
                },
                progress: extras.progress.clone(),
            };
            save_workbook(xlsx::score_workbook(plan, run, &report)?, path)
        }
        OutputFormat::Html => {
            let report = html::HtmlReport {
                plan,
                run,
                movement: extras.movement,
                lang: options.lang,
            };
            write_atomically(path, |file| {
                html::write_html(&report, file, path, &extras.progress)
            })
        }
        OutputFormat::Csv => write_flat(
            &rounded_for_csv(&run.table, &[SCORE_COLUMN])?,
            path,
            OutputFormat::Csv,
            options,
        ),
        format => write_flat(&run.table, path, format, options),
    }
}

/// A header line and `rows` lines of `cells` (one list per column), each column as wide as its
/// widest text in terminal columns (CJK counts two), `right` columns right-aligned, two spaces
/// between columns, no trailing spaces.
pub(crate) fn aligned_rows(
    headers: &[String],
    cells: &[Vec<String>],
    right: &[bool],
    rows: usize,
) -> String {
    let widths: Vec<usize> = headers
        .iter()
        .zip(cells)
        .map(|(h, values)| {
            values
                .iter()
                .map(|v| v.width())
                .chain([h.width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let mut render = |values: Vec<&str>| {
        let mut line = String::new();
        for (index, value) in values.iter().enumerate() {
            let pad = " ".repeat(widths[index].saturating_sub(value.width()));
            if right[index] {
                line.push_str(&pad);
                line.push_str(value);
            } else {
                line.push_str(value);
                line.push_str(&pad);
            }
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    render(headers.iter().map(String::as_str).collect());
    for row in 0..rows {
        render(cells.iter().map(|c| c[row].as_str()).collect());
    }
    out
}

/// Writes a table of scores (columns as in a scoring run's, e.g. several periods stacked) to
/// `path` in the format its extension names; CSV rounds floats as a scoring run's does.
pub fn write_scored_table(table: &DataFrame, path: &Path, options: &OutputOptions) -> Result<()> {
    match options.format_of(path)? {
        OutputFormat::Csv => write_flat(
            &rounded_for_csv(table, &[SCORE_COLUMN])?,
            path,
            OutputFormat::Csv,
            options,
        ),
        _ => write_table_with(table, path, options),
    }
}

/// Decimals of the floats in a scoring run's CSV: text for people and spreadsheets, where 15
/// significant digits of a percentile score are noise. `score` keeps its own `score_decimals`;
/// Parquet, JSON and the xlsx report carry every number at full precision.
pub const CSV_DECIMALS: u32 = 6;

/// `table` with every float column but `keep` rounded to [`CSV_DECIMALS`], half away from zero.
pub fn rounded_for_csv(table: &DataFrame, keep: &[&str]) -> Result<DataFrame> {
    let columns: Vec<Expr> = table
        .columns()
        .iter()
        .map(|c| {
            let name = c.name().as_str();
            match c.dtype() {
                DataType::Float64 | DataType::Float32 if !keep.contains(&name) => col(name)
                    .round(CSV_DECIMALS, RoundMode::HalfAwayFromZero)
                    .alias(name),
                _ => col(name),
            }
        })
        .collect();
    Ok(table.clone().lazy().select(columns).collect()?)
}

/// The column naming each institution's peer group in the output table, when it has one: the
/// scheme's peer-group column, else the first peer-group formula's column.
pub fn peer_group_column(plan: &Plan, table: &DataFrame) -> Option<String> {
    let spec = &plan.scheme.spec;
    let schema = table.schema();
    spec.columns
        .peer_group
        .iter()
        .chain(spec.peer_groups.iter().map(|g| &g.formula))
        .find(|c| schema.contains(c) && **c != spec.columns.id)
        .cloned()
}

/// Writes `jixiao mcda`'s result to `path`: its table, or for `.xlsx` the table and the criteria
/// weights. Atomic, like [`write_table`].
pub fn write_mcda_output(
    result: &crate::matrix::McdaResult,
    path: &Path,
    options: &OutputOptions,
) -> Result<()> {
    match options.format_of(path)? {
        OutputFormat::Xlsx => save_workbook(xlsx::mcda_workbook(result)?, path),
        OutputFormat::Html => Err(html_needs_a_run(path)),
        format => write_flat(&result.table, path, format, options),
    }
}

fn save_workbook(mut workbook: rust_xlsxwriter::Workbook, path: &Path) -> Result<()> {
    write_atomically(path, |file| {
        workbook
            .save_to_writer(file)
            .map_err(|e| atomic::write_error(path, e))
    })
}

fn write_flat(
    table: &DataFrame,
    path: &Path,
    format: OutputFormat,
    options: &OutputOptions,
) -> Result<()> {
    let mut table = table.clone();
    write_atomically(path, |file| {
        let written = match format {
            OutputFormat::Csv => {
                if options.excel_csv {
                    file.write_all(UTF8_BOM).map_err(atomic::io_error(path))?;
                }
                CsvWriter::new(&mut *file)
                    .include_header(true)
                    .finish(&mut table)
            }
            OutputFormat::Json => JsonWriter::new(&mut *file)
                .with_json_format(JsonFormat::Json)
                .finish(&mut table),
            OutputFormat::Parquet => {
                return parquet::write(&mut table, &mut *file)
                    .map_err(|e| atomic::write_error(path, e));
            }
            OutputFormat::Xlsx | OutputFormat::Html => {
                return Err(Error::internal("xlsx and html are not flat formats"))
            }
        };
        written.map_err(|e| atomic::write_error(path, e))
    })
}

/// A plain-text ranking of the first `top` rows: ranks, institution, score, grade, dimension
/// scores, money (with a point-based assessment) and flags, aligned for CJK text.
pub fn format_ranking(plan: &Plan, table: &DataFrame, top: usize) -> Result<String> {
    let spec = &plan.scheme.spec;
    let mut headers: Vec<String> = vec![
        RANK_COLUMN.into(),
        GROUP_RANK_COLUMN.into(),
        spec.columns.id.clone(),
    ];
    headers.extend(spec.columns.name.iter().cloned());
    headers.extend(spec.columns.peer_group.iter().cloned());
    headers.extend(spec.peer_groups.iter().map(|g| g.formula.clone()));
    headers.extend([SCORE_COLUMN.to_string(), GRADE_COLUMN.to_string()]);
    headers.extend(plan.weights.dimensions.iter().map(|d| score_column(&d.id)));
    if spec.points.is_some() {
        headers.push(MONEY_COLUMN.into());
    }
    headers.push(FLAGS_COLUMN.into());
    headers.dedup();

    let shown = table.height().min(top);
    // Rounded as CSV is, then shown to 2 decimals: a value computed as 77.745 − 1e-14 shows as
    // the 77.75 its decimal inputs give, the same as in the CSV file.
    let head = rounded_for_csv(&table.head(Some(shown)), &[SCORE_COLUMN])?;
    let mut cells: Vec<Vec<String>> = Vec::new();
    for header in &headers {
        let column = head.column(header)?.as_materialized_series().clone();
        let values: Vec<String> = (0..shown)
            .map(|row| {
                let value = column.get(row).map_err(Error::from)?;
                let is_rank = header == RANK_COLUMN || header == GROUP_RANK_COLUMN;
                Ok(match value {
                    AnyValue::Null => String::new(),
                    // Average ranks: 1.5 stays 1.5, 2 stays 2.
                    AnyValue::Float64(v) if is_rank => format_number(v),
                    AnyValue::Float64(v) => format!("{v:.2}"),
                    AnyValue::String(s) => s.to_string(),
                    AnyValue::StringOwned(s) => s.to_string(),
                    other => other.to_string(),
                })
            })
            .collect::<Result<_>>()?;
        cells.push(values);
    }
    let right: Vec<bool> = headers
        .iter()
        .map(|header| {
            header == RANK_COLUMN
                || header == GROUP_RANK_COLUMN
                || header == MONEY_COLUMN
                || header.ends_with("score")
        })
        .collect();
    let mut out = aligned_rows(&headers, &cells, &right, shown);
    if table.height() > shown {
        let _ = writeln!(
            out,
            "… {} more institutions (use --top N to show more, or --out FILE for all)",
            table.height() - shown
        );
    }
    Ok(out)
}
