//! Stage 8a, the run summary: what a run did — institutions in, ranked, vetoed and excluded,
//! missing values per indicator and why, effective weights, the point-based assessment's payout,
//! the total method's diagnostics and the data problems — computed from the scored frame, and its
//! plain-text form printed after the ranking. Writers of other forms (the xlsx 运行摘要 sheet)
//! read the same [`RunSummary`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use polars::prelude::*;

use crate::columns::{
    coefficient_column, money_column, EXCLUDED_COLUMN, RANK_COLUMN, UNGROUPED, VETOED_COLUMN,
};
use crate::error::Result;
use crate::load::LoadSummary;
use crate::plan::Plan;
use crate::source::Origin;
use crate::weight::WeightTree;

/// Missing-value counts of one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorQuality {
    pub id: String,
    pub name: String,
    /// The top-level indicator this value belongs to (itself, or the bundle it is a part of).
    pub top: String,
    /// Missing values, each counted under one cause below (the first that applies, in this
    /// order); the causes add up to `missing`.
    pub missing: u64,
    pub zero_denominator: u64,
    /// Shares (`share(part, whole)`) missing because the part exceeds the whole.
    pub part_exceeds_whole: u64,
    pub non_finite: u64,
    /// Missing because a column the formula reads is empty.
    pub missing_input: u64,
    /// Missing on purpose: the formula returned missing (`()`) with its inputs present.
    pub by_formula: u64,
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
    /// The shipped scheme's name when the run used the copy built into jixiao
    /// ([`crate::shipped`]) rather than a folder of the user's.
    pub built_in: Option<&'static str>,
    pub data_file: PathBuf,
    pub previous_file: Option<PathBuf>,
    /// The data file with how it was read when that was not obvious: "d.xlsx (sheet 数据, header
    /// at row 3)", "d.csv (GB18030 detected)" ([`crate::source::Origin::describe`]).
    pub data_source: String,
    pub previous_source: Option<String>,
    /// The sheet and header row of the data file (and of the previous period's), as facts for
    /// reports worded in another language than `data_source`.
    pub data_read: ReadAs,
    pub previous_read: Option<ReadAs>,
    pub load: LoadSummary,
    pub ranked: usize,
    pub vetoed: usize,
    pub excluded: usize,
    /// Grade distribution, rules fired, institutions scored on less than the full weight.
    pub outcomes: crate::outcomes::Outcomes,
    pub indicators: Vec<IndicatorQuality>,
    pub effective_weights: Vec<(String, String, f64)>,
    /// Each dimension's share of the total, with its indicators' effective weights.
    pub weights_by_dimension: Vec<DimensionWeights>,
    /// One line per item of the point-based assessment.
    pub points: Vec<PointsSummary>,
    /// VIKOR's compromise conditions or WRSR's probit table and fit, per peer group, when
    /// `aggregation.total` is one of them.
    pub total_diagnostics: Vec<crate::aggregate::TotalDiagnostics>,
    pub warnings: Vec<crate::message::Warning>,
    /// One line per kind of problem found in the data (cells that are not numbers, negative
    /// counts, parts exceeding wholes…), with the first places; see `crate::validate`.
    pub data_problems: Vec<crate::problem::ProblemLine>,
}

/// Where in a data file the table was read: the sheet of a workbook, the header row.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadAs {
    pub sheet: Option<String>,
    pub header_row: u32,
}

impl ReadAs {
    fn of(origin: &Origin) -> ReadAs {
        ReadAs {
            sheet: origin.sheet.clone(),
            header_row: origin.header_row as u32,
        }
    }
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
                part_exceeds_whole: u64_or_zero(quality, &format!("{id}|part_exceeds_whole"))?,
                non_finite: u64_at(quality, &format!("{id}|non_finite"))?,
                missing_input: u64_at(quality, &format!("{id}|missing_input"))?,
                by_formula: u64_at(quality, &format!("{id}|by_formula"))?,
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
            built_in: crate::shipped::name_of(&plan.scheme.dir),
            data_file: data.file.clone(),
            previous_file: previous.map(|p| p.file.clone()),
            data_source: data.describe(),
            previous_source: previous.map(Origin::describe),
            data_read: ReadAs::of(data),
            previous_read: previous.map(ReadAs::of),
            load: load.clone(),
            ranked: scored.column(RANK_COLUMN)?.len() - scored.column(RANK_COLUMN)?.null_count(),
            vetoed: count_true(scored, VETOED_COLUMN)?,
            excluded: count_true(scored, EXCLUDED_COLUMN)?,
            outcomes: crate::outcomes::Outcomes::of(plan, weights, scored)?,
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
pub fn top_level_of(plan: &Plan) -> BTreeMap<&str, &str> {
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
        write!(
            f,
            "scheme: {} (version {})",
            self.scheme_name, self.scheme_version
        )?;
        match self.built_in {
            Some(name) => writeln!(f, ", built into jixiao as {name}")?,
            None => writeln!(f)?,
        }
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
        write!(f, "{}", self.outcomes)?;
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
                let sum = |f: fn(&IndicatorQuality) -> u64| parts.iter().map(|q| f(q)).sum::<u64>();
                let causes: Vec<(u64, &str)> = vec![
                    (sum(|q| q.zero_denominator), "zero denominator"),
                    (sum(|q| q.part_exceeds_whole), "part exceeds whole"),
                    (sum(|q| q.non_finite), "not finite"),
                    (sum(|q| q.missing_input), "missing input"),
                    (sum(|q| q.by_formula), "left missing by the formula"),
                ];
                let causes: Vec<String> = causes
                    .into_iter()
                    .filter(|(n, _)| *n > 0)
                    .map(|(n, cause)| format!("{n} {cause}"))
                    .collect();
                // Missing input alone is the usual case and goes without saying.
                let only_input = causes.len() == 1 && sum(|q| q.missing_input) > 0;
                let causes = if only_input { Vec::new() } else { causes };
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
                self.load.ungrouped, UNGROUPED
            )?;
        }
        if !self.load.footer_rows.is_empty() {
            writeln!(
                f,
                "footer rows left out (not institutions): {}",
                self.load.footer_rows.join(", ")
            )?;
        }
        for note in &self.load.notes {
            writeln!(f, "{note}")?;
        }
        for warning in &self.load.warnings {
            writeln!(f, "warning: {warning}")?;
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
