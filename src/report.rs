//! Stage 8, report: the output table, its flags, the run summary, and writing them out.
//!
//! The output has one row per input institution, in rank order (unranked last, then by id), with
//! columns in this order:
//!
//! | column | content |
//! |---|---|
//! | `rank`, `group_rank` | rank overall and within the peer group (empty when not ranked) |
//! | the id column, the name and peer-group columns | as named in the data |
//! | `score`, `grade`, `flags` | final score, grade, and `; `-separated reasons (veto, missing data, bonus…) |
//! | `weighted`, `bonus`, `deduction` | only when the scheme has bonus or deduction rules |
//! | work points, `<item>.coefficient`, `<item>.corrected_points`, `<item>.money`, `money` | only with a point-based assessment (`points:`) |
//! | `<dimension>.score`, `<sub-dimension>.score` | weighted scores of the tree's inner nodes |
//! | `<indicator>`, `<indicator>.treated`, `<indicator>.display`, `<indicator>.score` | each indicator's value, the value scored after outlier treatment and imputation (only with `treat:` or `missing:` median/mean), its ratio text ("1:X", when the scheme asks) and score (monitor indicators: value only) |
//! | `<indicator>.score`, then its parts' columns | an indicator made of parts: the weighted mean of its parts' scores |
//!
//! Floats are rounded to 6 decimals so that output is byte-identical across machines and thread
//! counts.
//!
//! Writing: [`write_output`] (a scoring run), [`write_mcda_output`] and [`write_table`] pick the
//! format from the extension — CSV (with a UTF-8 byte-order mark for Excel when
//! [`OutputOptions::excel_csv`]), JSON, Parquet, or the Excel report of [`xlsx`] — and write
//! through [`atomic::write_atomically`], so a failure never leaves a half-written file.

pub mod atomic;
pub mod xlsx;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use unicode_width::UnicodeWidthStr;

use crate::adjust::{
    bonus_column, deduction_column, veto_column, BONUS_COLUMN, DEDUCTION_COLUMN, EXCLUDED_COLUMN,
    SCORE_COLUMN, VETOED_COLUMN,
};
use crate::aggregate::{score_column, COVERAGE_COLUMN, WEIGHTED_COLUMN};
use crate::error::{Error, Result};
use crate::grade::GRADE_COLUMN;
use crate::load::LoadSummary;
use crate::plan::Plan;
use crate::points::{coefficient_column, corrected_column, money_column, MONEY_COLUMN};
use crate::rank::{GROUP_RANK_COLUMN, RANK_COLUMN};
use crate::scheme::RatioDisplay;
use crate::source::Origin;
use crate::validate::DATA_FLAGS_COLUMN;
use crate::weight::{NodeKind, WeightTree};

pub use atomic::write_atomically;

pub const FLAGS_COLUMN: &str = "flags";

/// Missing-value counts of one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorQuality {
    pub id: String,
    pub name: String,
    /// The top-level indicator this value belongs to (itself, or the bundle it is a part of).
    pub top: String,
    pub missing: u64,
    pub zero_denominator: u64,
    pub non_finite: u64,
    /// Shares (`share(part, whole)`) missing because the part exceeds the whole.
    pub part_exceeds_whole: u64,
    /// Values changed by the indicator's outlier treatment (`treat:`).
    pub treated: u64,
    /// Of those, values log-transformed because winsorising was not enough.
    pub log_transformed: u64,
    /// Peer groups (1 for `within: all`) still failing the skew/kurtosis rule after treatment.
    pub still_skewed: u64,
    /// Missing values given a score by the indicator's `missing:` (median, mean or zero).
    pub imputed: u64,
}

/// What a run did, for the summary printed after the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub scheme_name: String,
    pub scheme_version: String,
    pub data_file: PathBuf,
    pub previous_file: Option<PathBuf>,
    /// The data file with how it was read when that was not obvious: "d.xlsx (sheet 数据, header
    /// at row 3)", "d.csv (GB18030 detected)" ([`crate::source::Origin::describe`]).
    pub data_source: String,
    pub previous_source: Option<String>,
    pub load: LoadSummary,
    pub ranked: usize,
    pub vetoed: usize,
    pub excluded: usize,
    pub indicators: Vec<IndicatorQuality>,
    pub effective_weights: Vec<(String, String, f64)>,
    /// Each dimension's share of the total, with its indicators' effective weights.
    pub weights_by_dimension: Vec<DimensionWeights>,
    /// One line per item of the point-based assessment.
    pub points: Vec<PointsSummary>,
    /// VIKOR's compromise conditions or WRSR's probit table and fit, per peer group, when
    /// `aggregation.total` is one of them.
    pub total_diagnostics: Vec<crate::aggregate::TotalDiagnostics>,
    pub warnings: Vec<String>,
    /// One line per kind of problem found in the data (cells that are not numbers, negative
    /// counts, parts exceeding wholes…), with the first places; see `crate::validate`.
    pub data_problems: Vec<String>,
}

/// A dimension id, its share of the total, and its indicators' effective weights.
pub type DimensionWeights = (String, f64, Vec<(String, f64)>);

/// What the point-based assessment paid out for one item.
#[derive(Debug, Clone, PartialEq)]
pub struct PointsSummary {
    pub item: String,
    pub budget: f64,
    /// Sum of the item's money, added up in whole units of `10^-decimals`.
    pub paid: f64,
    pub decimals: u32,
    pub paid_institutions: usize,
    /// Institutions whose coefficient fell below the threshold.
    pub corrected: usize,
    pub threshold: f64,
}

fn count_true(frame: &DataFrame, name: &str) -> Result<usize> {
    Ok(frame.column(name)?.bool()?.sum().unwrap_or(0) as usize)
}

fn u64_at(frame: &DataFrame, name: &str) -> Result<u64> {
    Ok(frame.column(name)?.u64()?.get(0).unwrap_or(0))
}

/// Like [`u64_at`], 0 when the count was not asked for.
fn u64_or_zero(frame: &DataFrame, name: &str) -> Result<u64> {
    match frame.column(name) {
        Ok(_) => u64_at(frame, name),
        Err(_) => Ok(0),
    }
}

impl RunSummary {
    pub fn new(
        plan: &Plan,
        weights: &WeightTree,
        data: &Origin,
        previous: Option<&Origin>,
        load: &LoadSummary,
        scored: &DataFrame,
        quality: &DataFrame,
    ) -> Result<RunSummary> {
        let top = top_level_of(plan);
        let mut indicators = Vec::new();
        for indicator in &plan.indicators {
            let id = &indicator.spec.id;
            indicators.push(IndicatorQuality {
                id: id.clone(),
                name: indicator.spec.name.clone(),
                top: top.get(id.as_str()).copied().unwrap_or(id).to_string(),
                missing: u64_at(quality, &format!("{id}|missing"))?,
                zero_denominator: u64_at(quality, &format!("{id}|zero_denominator"))?,
                non_finite: u64_at(quality, &format!("{id}|non_finite"))?,
                part_exceeds_whole: u64_or_zero(quality, &format!("{id}|part_exceeds_whole"))?,
                treated: u64_or_zero(quality, &format!("{id}|treated"))?,
                log_transformed: u64_or_zero(quality, &format!("{id}|log_transformed"))?,
                still_skewed: u64_or_zero(quality, &format!("{id}|still_skewed"))?,
                imputed: u64_or_zero(quality, &format!("{id}|imputed"))?,
            });
        }
        let names: BTreeMap<&str, &str> = plan
            .indicators
            .iter()
            .map(|i| (i.spec.id.as_str(), i.spec.name.as_str()))
            .collect();
        Ok(RunSummary {
            scheme_name: plan.scheme.spec.name.clone(),
            scheme_version: plan.scheme.spec.version.clone(),
            data_file: data.file.clone(),
            previous_file: previous.map(|p| p.file.clone()),
            data_source: data.describe(),
            previous_source: previous.map(Origin::describe),
            load: load.clone(),
            ranked: scored.column(RANK_COLUMN)?.len() - scored.column(RANK_COLUMN)?.null_count(),
            vetoed: count_true(scored, VETOED_COLUMN)?,
            excluded: count_true(scored, EXCLUDED_COLUMN)?,
            indicators,
            effective_weights: weights
                .effective_weights()
                .into_iter()
                .map(|(id, w)| {
                    let name = names
                        .get(id.as_str())
                        .copied()
                        .unwrap_or_default()
                        .to_string();
                    (id, name, w)
                })
                .collect(),
            weights_by_dimension: weights
                .dimensions
                .iter()
                .map(|d| {
                    let single = crate::weight::WeightTree {
                        dimensions: vec![d.clone()],
                    };
                    (d.id.clone(), d.weight, single.effective_weights())
                })
                .collect(),
            points: points_summary(plan, scored)?,
            total_diagnostics: crate::aggregate::total_diagnostics(
                &plan.scheme.spec.aggregation,
                scored,
                &plan.scheme.spec.columns.id,
            )?,
            warnings: plan.scheme.warnings.clone(),
            data_problems: Vec::new(),
        })
    }
}

/// Each indicator or part id → the id of the top-level indicator it belongs to.
fn top_level_of(plan: &Plan) -> BTreeMap<&str, &str> {
    plan.scheme
        .spec
        .indicators
        .iter()
        .flat_map(|top| {
            top.walk()
                .into_iter()
                .map(move |i| (i.id.as_str(), top.id.as_str()))
        })
        .collect()
}

fn points_summary(plan: &Plan, scored: &DataFrame) -> Result<Vec<PointsSummary>> {
    let Some(points) = &plan.scheme.spec.points else {
        return Ok(Vec::new());
    };
    let scale = 10f64.powi(points.money_decimals as i32);
    let mut out = Vec::new();
    for item in &points.items {
        let money = scored.column(&money_column(&item.id))?.f64()?.clone();
        let units: f64 = money.iter().flatten().map(|m| (m * scale).round()).sum();
        let corrected = scored
            .column(&coefficient_column(&item.id))?
            .f64()?
            .iter()
            .flatten()
            .filter(|c| *c < points.correction_threshold)
            .count();
        out.push(PointsSummary {
            item: item.id.clone(),
            budget: item.budget,
            paid: units / scale,
            decimals: points.money_decimals,
            paid_institutions: money.iter().flatten().filter(|m| *m > 0.0).count(),
            corrected,
            threshold: points.correction_threshold,
        });
    }
    Ok(out)
}

impl std::fmt::Display for RunSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "scheme: {} (version {})",
            self.scheme_name, self.scheme_version
        )?;
        write!(f, "data: {}", self.data_source)?;
        match &self.previous_source {
            Some(previous) => writeln!(f, "; previous period: {previous}")?,
            None => writeln!(f)?,
        }
        let n = self.load.institutions;
        writeln!(
            f,
            "institutions: {n} in, {n} out; {} ranked, {} vetoed, {} excluded for missing data",
            self.ranked, self.vetoed, self.excluded
        )?;
        // One entry per top-level indicator: a bundle's parts are added up.
        let mut folded: Vec<(&str, Vec<&IndicatorQuality>)> = Vec::new();
        for q in &self.indicators {
            match folded.last_mut() {
                Some((top, parts)) if *top == q.top.as_str() => parts.push(q),
                _ => folded.push((q.top.as_str(), vec![q])),
            }
        }
        let with_nulls: Vec<String> = folded
            .into_iter()
            .filter_map(|(top, parts)| {
                let missing: u64 = parts.iter().map(|q| q.missing).sum();
                if missing == 0 {
                    return None;
                }
                let zero: u64 = parts.iter().map(|q| q.zero_denominator).sum();
                let non_finite: u64 = parts.iter().map(|q| q.non_finite).sum();
                let exceeds: u64 = parts.iter().map(|q| q.part_exceeds_whole).sum();
                let mut causes = Vec::new();
                if zero > 0 {
                    causes.push(format!("{zero} zero denominator"));
                }
                if non_finite > 0 {
                    causes.push(format!("{non_finite} not finite"));
                }
                if exceeds > 0 {
                    causes.push(format!("{exceeds} part exceeds whole"));
                }
                let rest = missing.saturating_sub(zero + non_finite + exceeds);
                if rest > 0 && !causes.is_empty() {
                    causes.push(format!("{rest} missing input"));
                }
                let is_bundle = parts.len() > 1 || parts[0].id != top;
                let mut text = format!("{top} {missing}");
                if is_bundle {
                    let hit = parts.iter().filter(|q| q.missing > 0).count();
                    let _ = write!(text, " in {hit} of {} parts", parts.len());
                }
                if !causes.is_empty() {
                    let _ = write!(text, " ({})", causes.join(", "));
                }
                Some(text)
            })
            .collect();
        if with_nulls.is_empty() {
            writeln!(f, "missing values: none")?;
        } else {
            writeln!(f, "missing values by indicator: {}", with_nulls.join("; "))?;
        }
        let treated: Vec<String> = self
            .indicators
            .iter()
            .filter(|q| q.treated > 0 || q.still_skewed > 0)
            .map(|q| {
                let mut text = format!("{} {}", q.id, q.treated);
                if q.log_transformed > 0 {
                    let _ = write!(text, " ({} log-transformed)", q.log_transformed);
                }
                if q.still_skewed > 0 {
                    let _ = write!(
                        text,
                        ", still failing the skew/kurtosis test in {} group{}",
                        q.still_skewed,
                        if q.still_skewed == 1 { "" } else { "s" }
                    );
                }
                text
            })
            .collect();
        if !treated.is_empty() {
            writeln!(f, "outliers treated by indicator: {}", treated.join("; "))?;
        }
        let imputed: Vec<String> = self
            .indicators
            .iter()
            .filter(|q| q.imputed > 0)
            .map(|q| format!("{} {}", q.id, q.imputed))
            .collect();
        if !imputed.is_empty() {
            writeln!(
                f,
                "missing values imputed by indicator (not counted as data for min_coverage): {}",
                imputed.join("; ")
            )?;
        }
        if self.load.missing_in_previous > 0 {
            writeln!(
                f,
                "institutions missing from the previous period: {} (their growth indicators are missing)",
                self.load.missing_in_previous
            )?;
        }
        if self.load.ungrouped > 0 {
            writeln!(
                f,
                "institutions without a peer group: {} (grouped as \"{}\")",
                self.load.ungrouped,
                crate::load::UNGROUPED
            )?;
        }
        writeln!(
            f,
            "effective weights (share of the total score when no data are missing):"
        )?;
        for (dimension, share, leaves) in &self.weights_by_dimension {
            let leaves: Vec<String> = leaves
                .iter()
                .map(|(id, w)| format!("{id} {:.2}%", w * 100.0))
                .collect();
            writeln!(
                f,
                "  {dimension} {:.2}%: {}",
                share * 100.0,
                leaves.join(", ")
            )?;
        }
        for diagnostics in &self.total_diagnostics {
            writeln!(f, "{diagnostics}")?;
        }
        for p in &self.points {
            let d = p.decimals as usize;
            writeln!(
                f,
                "points: {} budget {:.d$}, paid {:.d$} to {} institutions; {} with coefficient below {} (work points corrected)",
                p.item, p.budget, p.paid, p.paid_institutions, p.corrected, p.threshold
            )?;
        }
        for warning in &self.warnings {
            writeln!(f, "warning: {warning}")?;
        }
        if !self.data_problems.is_empty() {
            writeln!(f, "data warnings (each listed by `jixiao check --data`):")?;
            for line in &self.data_problems {
                writeln!(f, "  {line}")?;
            }
        }
        Ok(())
    }
}

/// Builds the published table from the fully scored frame: rank order, flags, chosen columns.
pub fn output_table(plan: &Plan, scored: DataFrame) -> Result<DataFrame> {
    let spec = &plan.scheme.spec;
    let id_column = spec.columns.id.as_str();
    let sorted = scored.sort(
        [RANK_COLUMN, id_column],
        SortMultipleOptions::default()
            .with_nulls_last(true)
            .with_maintain_order(true),
    )?;
    let flags = flags_column(plan, &sorted)?;
    let round = |name: &str| {
        let c = col(name);
        c.clone().round(6, RoundMode::HalfAwayFromZero).alias(name)
    };

    let mut columns = vec![col(RANK_COLUMN), col(GROUP_RANK_COLUMN), col(id_column)];
    for extra in [&spec.columns.name, &spec.columns.peer_group]
        .into_iter()
        .flatten()
    {
        if extra != id_column {
            columns.push(col(extra.as_str()));
        }
    }
    columns.extend([
        col(SCORE_COLUMN),
        col(GRADE_COLUMN),
        lit(flags).alias(FLAGS_COLUMN),
    ]);
    let has_points = !plan.adjustments.bonus.is_empty() || !plan.adjustments.deduction.is_empty();
    if has_points {
        columns.extend([
            round(WEIGHTED_COLUMN),
            round(BONUS_COLUMN),
            round(DEDUCTION_COLUMN),
        ]);
    }
    if let Some(points) = &spec.points {
        let mut work_columns: Vec<&str> = Vec::new();
        for item in &points.items {
            let column = crate::points::work_points_column(points, item);
            if !work_columns.contains(&column) {
                work_columns.push(column);
                columns.push(col(column));
            }
        }
        for item in &points.items {
            columns.extend([
                col(coefficient_column(&item.id)),
                round(&corrected_column(&item.id)),
                round(&money_column(&item.id)),
            ]);
        }
        columns.push(round(MONEY_COLUMN));
    }
    for dimension in &plan.weights.dimensions {
        columns.push(round(&score_column(&dimension.id)));
        for child in &dimension.children {
            if child.kind == NodeKind::Subdimension {
                columns.push(round(&score_column(&child.id)));
            }
        }
    }
    for indicator in plan.scheme.all_indicators() {
        let id = indicator.id.as_str();
        if indicator.is_composite() {
            if plan.weights.contains(id) {
                columns.push(round(&score_column(id)));
            }
            continue;
        }
        columns.push(round(id));
        if plan
            .indicators
            .iter()
            .any(|i| i.spec.id == id && crate::normalise::has_treated_column(i))
        {
            columns.push(round(&crate::normalise::treated_column(id)));
        }
        if let Some(display) = indicator.display {
            columns.push(lit(display_column(&sorted, id, display)?));
        }
        if plan
            .indicators
            .iter()
            .any(|i| i.spec.id == id && i.score.is_some())
        {
            columns.push(round(&score_column(id)));
        }
    }
    Ok(sorted.lazy().select(columns).collect()?)
}

/// Column holding an indicator's value shown as a ratio ("1:X" or "X:1").
pub fn display_column_name(id: &str) -> String {
    format!("{id}.display")
}

/// The `{id}.display` column: the value as "1:1.52" / "12.30:1", empty where missing.
fn display_column(frame: &DataFrame, id: &str, display: RatioDisplay) -> Result<Series> {
    let shown: Vec<Option<String>> = frame
        .column(id)?
        .f64()?
        .iter()
        .map(|v| v.map(|x| display.show(x)))
        .collect();
    Ok(Series::new(display_column_name(id).into(), shown))
}

/// The `flags` of every row: vetoes, exclusion, missing and imputed indicators, bonus and
/// deduction reasons.
fn flags_column(plan: &Plan, frame: &DataFrame) -> Result<Series> {
    let height = frame.height();
    let mut flags: Vec<Vec<String>> = vec![Vec::new(); height];
    // Problems of the institution's own data first (see `crate::validate`).
    if let Ok(data_flags) = frame.column(DATA_FLAGS_COLUMN) {
        for (row, text) in data_flags.str()?.iter().enumerate() {
            if let Some(text) = text {
                flags[row].push(text.to_string());
            }
        }
    }
    let bools = |name: &str| -> Result<Vec<bool>> {
        Ok(frame
            .column(name)?
            .bool()?
            .iter()
            .map(|b| b.unwrap_or(false))
            .collect())
    };
    let floats = |name: &str| -> Result<Vec<Option<f64>>> {
        Ok(frame.column(name)?.f64()?.iter().collect())
    };

    for (i, reason) in plan.veto_reasons.iter().enumerate() {
        for (row, hit) in bools(&veto_column(i))?.into_iter().enumerate() {
            if hit {
                flags[row].push(format!("veto: {reason}"));
            }
        }
    }
    let weighted = floats(WEIGHTED_COLUMN)?;
    let coverage = floats(COVERAGE_COLUMN)?;
    let min_coverage = plan.adjustments.min_coverage;
    for row in 0..height {
        match (weighted[row], coverage[row]) {
            (None, _) => flags[row].push("unscored: no weighted indicator has data".to_string()),
            (Some(_), Some(c)) if c < min_coverage => flags[row].push(format!(
                "excluded: data for {:.0}% of the weight, below the {:.0}% minimum",
                c * 100.0,
                min_coverage * 100.0
            )),
            _ => {}
        }
    }
    if let Some(group_column) = &plan.scheme.spec.columns.peer_group {
        for (row, group) in frame
            .column(group_column)?
            .as_materialized_series()
            .iter()
            .enumerate()
        {
            if group.is_null() {
                flags[row].push(format!(
                    "no peer group: compared within \"{}\"",
                    crate::load::UNGROUPED
                ));
            }
        }
    }
    let weighted_ids: Vec<String> = plan
        .weights
        .effective_weights()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    // Missing weighted values, folded per top-level indicator: "T38" or "T10 (27 of 30 parts)".
    let top = top_level_of(plan);
    let mut by_top: Vec<(&str, Vec<&str>)> = Vec::new();
    for id in &weighted_ids {
        let parent = top.get(id.as_str()).copied().unwrap_or(id);
        match by_top.last_mut() {
            Some((t, ids)) if *t == parent => ids.push(id),
            _ => by_top.push((parent, vec![id])),
        }
    }
    let mut missing: Vec<Vec<String>> = vec![Vec::new(); height];
    for (parent, ids) in &by_top {
        let mut count = vec![0usize; height];
        for id in ids {
            for (row, value) in frame.column(&score_column(id))?.f64()?.iter().enumerate() {
                if value.is_none() {
                    count[row] += 1;
                }
            }
        }
        let is_bundle = ids.len() > 1 || ids[0] != *parent;
        for (row, n) in count.into_iter().enumerate() {
            match n {
                0 => {}
                n if is_bundle && n < ids.len() => {
                    missing[row].push(format!("{parent} ({n} of {} parts)", ids.len()))
                }
                _ => missing[row].push(parent.to_string()),
            }
        }
    }
    for (row, ids) in missing.into_iter().enumerate() {
        if !ids.is_empty() && weighted[row].is_some() {
            flags[row].push(format!("missing: {}", ids.join(",")));
        }
    }
    // Scores given to missing values by an indicator's `missing:` (median, mean, zero).
    let mut imputed: Vec<Vec<&str>> = vec![Vec::new(); height];
    for indicator in &plan.indicators {
        let id = indicator.spec.id.as_str();
        if indicator.impute == crate::scheme::Impute::Renormalise || indicator.score.is_none() {
            continue;
        }
        let values = frame.column(id)?.f64()?.clone();
        let scores = frame.column(&score_column(id))?.f64()?.clone();
        for (row, (value, score)) in values.iter().zip(scores.iter()).enumerate() {
            if value.is_none() && score.is_some() {
                imputed[row].push(id);
            }
        }
    }
    for (row, ids) in imputed.into_iter().enumerate() {
        if !ids.is_empty() {
            flags[row].push(format!("imputed: {}", ids.join(",")));
        }
    }
    let points = |reasons: &[String],
                  column: fn(usize) -> String,
                  sign: &str,
                  flags: &mut Vec<Vec<String>>|
     -> Result<()> {
        for (i, reason) in reasons.iter().enumerate() {
            for (row, value) in floats(&column(i))?.into_iter().enumerate() {
                if let Some(v) = value.filter(|v| *v > 0.0) {
                    flags[row].push(format!("{reason} {sign}{}", format_number(v)));
                }
            }
        }
        Ok(())
    };
    points(&plan.bonus_reasons, bonus_column, "+", &mut flags)?;
    points(&plan.deduction_reasons, deduction_column, "-", &mut flags)?;
    if let Some(points) = &plan.scheme.spec.points {
        let mut flagged = Vec::new();
        for item in &points.items {
            let column = crate::points::work_points_column(points, item);
            if flagged.contains(&column) {
                continue;
            }
            flagged.push(column);
            let values = frame.column(column)?.cast(&DataType::Float64)?;
            for (row, value) in values.f64()?.iter().enumerate() {
                match value {
                    None => flags[row].push(format!("no work points ({column}): no money")),
                    Some(v) if v < 0.0 => {
                        flags[row].push(format!("negative work points ({column}) counted as 0"))
                    }
                    _ => {}
                }
            }
        }
    }
    let joined: Vec<String> = flags.into_iter().map(|f| f.join("; ")).collect();
    Ok(Series::new(FLAGS_COLUMN.into(), joined))
}

/// A number without trailing zeros: 2 → "2", 0.5 → "0.5".
pub fn format_number(v: f64) -> String {
    let text = format!("{v:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The formats jixiao writes, chosen by the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Csv,
    Json,
    Parquet,
    /// The Excel report ([`xlsx`]): a scoring run's ranking, dimension, indicator and summary
    /// sheets; any other table on one sheet.
    Xlsx,
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
            _ => Err(Error::Usage {
                message: format!("cannot write {}: the output format comes from the extension, one of .csv, .json, .parquet, .xlsx", path.display()),
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
        format => write_flat(table, path, format, options),
    }
}

/// Writes a scoring run to `path`: the output table as CSV, JSON or Parquet, or the Excel
/// report with its ranking, dimension, indicator and summary sheets. Atomic, like [`write_table`].
pub fn write_output(
    plan: &Plan,
    run: &crate::pipeline::ScoreRun,
    path: &Path,
    options: &OutputOptions,
) -> Result<()> {
    match options.format_of(path)? {
        OutputFormat::Xlsx => {
            save_workbook(xlsx::score_workbook(plan, &run.table, &run.summary)?, path)
        }
        format => write_flat(&run.table, path, format, options),
    }
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
            OutputFormat::Parquet => ParquetWriter::new(&mut *file)
                .finish(&mut table)
                .map(|_| ()),
            OutputFormat::Xlsx => return Err(Error::internal("xlsx is not a flat format")),
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
    headers.extend([SCORE_COLUMN.to_string(), GRADE_COLUMN.to_string()]);
    headers.extend(plan.weights.dimensions.iter().map(|d| score_column(&d.id)));
    if spec.points.is_some() {
        headers.push(MONEY_COLUMN.into());
    }
    headers.push(FLAGS_COLUMN.into());
    headers.dedup();

    let shown = table.height().min(top);
    let head = table.head(Some(shown));
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
    let widths: Vec<usize> = headers
        .iter()
        .zip(&cells)
        .map(|(h, values)| {
            values
                .iter()
                .map(|v| v.width())
                .chain([h.width()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let numeric = |header: &str| {
        header == RANK_COLUMN
            || header == GROUP_RANK_COLUMN
            || header == MONEY_COLUMN
            || header.ends_with("score")
    };
    let mut out = String::new();
    let render_row = |out: &mut String, values: Vec<&str>| {
        let mut line = String::new();
        for (index, (value, header)) in values.iter().zip(&headers).enumerate() {
            let pad = " ".repeat(widths[index].saturating_sub(value.width()));
            let last = index + 1 == headers.len();
            if numeric(header) {
                line.push_str(&pad);
                line.push_str(value);
            } else {
                line.push_str(value);
                if !last {
                    line.push_str(&pad);
                }
            }
            if !last {
                line.push_str("  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    render_row(&mut out, headers.iter().map(String::as_str).collect());
    for row in 0..shown {
        render_row(&mut out, cells.iter().map(|c| c[row].as_str()).collect());
    }
    if table.height() > shown {
        let _ = writeln!(
            out,
            "… {} more institutions (use --top N to show more, or --out FILE for all)",
            table.height() - shown
        );
    }
    Ok(out)
}
