//! The lean ranking path: one draw's scores, ranks and grades from cached indicator scores,
//! without the pipeline's summary and output table — the same numbers, a hundred times faster.
//!
//! Built once per analysis from the indicator stage's output ([`crate::pipeline::IndicatorScores`]):
//! every leaf's score as a contiguous f64 column (NaN where missing; the indicator stage never
//! leaves a NaN, so NaN means missing exactly), and from one nominal run of stages 5–7 what no
//! weight can change — each institution's bonus and deduction, vetoes, who is rated
//! (`eligible:`), its peer group. A draw then computes, in the pipeline's own order of floating
//! operations so that the results are bit for bit the pipeline's:
//!
//! 1. every inner node's weighted mean bottom-up (`crate::aggregate`: arithmetic, geometric or
//!    harmonic; `renormalise` or `zero` missing policy) and the weighted total;
//! 2. coverage, exclusion and the final score `round(weighted + bonus − deduction)`
//!    (`crate::adjust`), the score hidden for institutions not rated (`crate::eligibility`);
//! 3. ranks overall and per peer group with vetoed institutions last (`crate::rank`), by a sort;
//! 4. grades, by the pipeline's own grade expressions (`crate::grade`, grade adjustments
//!    included) on the nominal frame with the columns the draw changed replaced.
//!
//! Where a scheme cannot take this path — a total by TOPSIS, VIKOR or WRSR (not a weighted mean), a
//! dimension normalised across institutions before it is weighted (`normalise:`),
//! or a veto, bonus, deduction or eligibility rule that reads a column the weights change — each
//! draw re-runs the pipeline's stages 5–7 ([`crate::pipeline::result_query_varied`]) on the
//! cached indicator scores instead, and [`Model::path`] says why. `tests/sensitivity.rs` checks
//! that the nominal draw gives `pipeline::score`'s ranks and grades for every shipped scheme,
//! and that random draws give the re-run pipeline's.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;

use crate::columns::{
    score_column, BONUS_COLUMN, COVERAGE_COLUMN, DEDUCTION_COLUMN, EXCLUDED_COLUMN, GRADE_COLUMN,
    GROUP_RANK_COLUMN, NOT_RATED_COLUMN, PEER_GROUP_COLUMN, RANK_COLUMN, SCORE_COLUMN,
    VETOED_COLUMN, WEIGHTED_COLUMN,
};
use crate::error::{Error, Result};
use crate::pipeline::{self, IndicatorScores};
use crate::plan::Plan;
use crate::scheme::{Mean, MissingPolicy, Ties};
use crate::weight::{WeightNode, WeightTree};

use super::inputs::Draw;
use super::methods::Swap;

/// No grade (unscored, or the scheme has no grades).
pub const NO_GRADE: u8 = u8::MAX;

/// How draws are computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Path {
    /// Natively, from the cached score matrix.
    Lean,
    /// By the pipeline's stages 5–7 on the cached indicator scores, for this reason.
    Rescore { reason: String },
}

/// One draw's result per institution, in the data's row order.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The final score (NaN: none).
    pub score: Vec<f64>,
    /// Rank overall and in the peer group (NaN: unranked).
    pub rank: Vec<f64>,
    pub group_rank: Vec<f64>,
    /// The band index of the grade (0 = best; [`NO_GRADE`]).
    pub grade: Vec<u8>,
}

/// The cached inputs of every draw.
pub struct Model<'a> {
    plan: &'a Plan,
    scores: &'a IndicatorScores,
    /// Stages 5–7 run once with the nominal weights, every column kept.
    nominal: DataFrame,
    pub path: Path,
    n: usize,
    leaves: HashMap<String, Vec<f64>>,
    /// Indicators that impute: where their value was observed (coverage counts only those).
    observed: HashMap<String, Vec<bool>>,
    bonus: Vec<f64>,
    deduction: Vec<f64>,
    vetoed: Vec<bool>,
    not_rated: Option<Vec<bool>>,
    group: Vec<u32>,
    groups: usize,
    bands: Vec<String>,
}

fn floats(frame: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let column = frame.column(name)?.cast(&DataType::Float64)?;
    Ok(column
        .f64()?
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect())
}

fn flags(frame: &DataFrame, name: &str) -> Result<Vec<bool>> {
    Ok(frame
        .column(name)?
        .bool()?
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect())
}

fn leaves_of<'t>(node: &'t WeightNode, out: &mut Vec<&'t str>) {
    if node.is_leaf() {
        out.push(&node.id);
    }
    for c in &node.children {
        leaves_of(c, out);
    }
}

impl<'a> Model<'a> {
    /// Caches what draws need from the indicator scores and one nominal run.
    pub fn new(plan: &'a Plan, scores: &'a IndicatorScores) -> Result<Model<'a>> {
        let spec = &plan.scheme.spec;
        let nominal =
            pipeline::result_query(plan, &scores.weights, scores.frame.clone().lazy()).collect()?;
        let n = nominal.height();
        let path = if spec.aggregation.total.is_some() {
            Path::Rescore {
                reason: "the total is aggregation.total (TOPSIS, VIKOR or WRSR), not a weighted mean: each draw re-runs the pipeline's aggregation, adjustment, rank and grade stages".into(),
            }
        } else if let Some(id) = plan.scheme.level_normalisations().keys().next() {
            Path::Rescore {
                reason: format!("node {id} is normalised across institutions before it is weighted (normalise:): each draw re-runs the pipeline's aggregation, adjustment, rank and grade stages"),
            }
        } else if !rules_read_indicator_stage_only(plan, &scores.frame) {
            Path::Rescore {
                reason: "a veto, bonus, deduction or eligibility rule reads a score the weights change: each draw re-runs the pipeline's aggregation, adjustment, rank and grade stages".into(),
            }
        } else {
            Path::Lean
        };
        let mut ids = Vec::new();
        for d in &scores.weights.dimensions {
            leaves_of(d, &mut ids);
        }
        let mut leaves = HashMap::new();
        for id in ids {
            leaves.insert(id.to_string(), floats(&scores.frame, &score_column(id))?);
        }
        let mut observed = HashMap::new();
        for indicator in &plan.indicators {
            if indicator.impute != crate::scheme::Impute::Renormalise
                && leaves.contains_key(&indicator.spec.id)
            {
                let present: Vec<bool> = scores
                    .frame
                    .column(&indicator.spec.id)?
                    .is_not_null()
                    .iter()
                    .map(|v| v.unwrap_or(false))
                    .collect();
                observed.insert(indicator.spec.id.clone(), present);
            }
        }
        let groups_text = nominal.column(PEER_GROUP_COLUMN)?.cast(&DataType::String)?;
        let mut known: BTreeMap<String, u32> = BTreeMap::new();
        let mut group = Vec::with_capacity(n);
        for g in groups_text.str()?.iter() {
            let g = g.unwrap_or_default().to_string();
            let next = known.len() as u32;
            group.push(*known.entry(g).or_insert(next));
        }
        Ok(Model {
            plan,
            scores,
            n,
            path,
            leaves,
            observed,
            bonus: floats(&nominal, BONUS_COLUMN)?,
            deduction: floats(&nominal, DEDUCTION_COLUMN)?,
            vetoed: flags(&nominal, VETOED_COLUMN)?,
            not_rated: match plan.eligible {
                Some(_) => Some(flags(&nominal, NOT_RATED_COLUMN)?),
                None => None,
            },
            groups: known.len(),
            group,
            bands: spec
                .grades
                .as_ref()
                .map(|g| g.bands.iter().map(|b| b.grade.clone()).collect())
                .unwrap_or_default(),
            nominal,
        })
    }

    /// Institutions, in the data's row order.
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The grade names, best first.
    pub fn bands(&self) -> &[String] {
        &self.bands
    }

    /// The nominal frame's column `name` as text (ids, names, peer groups).
    pub fn text_column(&self, name: &str) -> Result<Vec<String>> {
        let column = self.nominal.column(name)?.cast(&DataType::String)?;
        Ok(column
            .str()?
            .iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect())
    }

    /// One draw, by [`Model::path`].
    pub fn evaluate(&self, draw: &Draw) -> Result<Outcome> {
        self.evaluate_swapped(draw, &Swap::default())
    }

    /// One draw with the score columns of `swap` (other scoring methods, see
    /// `super::methods`) in place of the cached ones, by [`Model::path`].
    pub fn evaluate_swapped(&self, draw: &Draw, swap: &Swap) -> Result<Outcome> {
        match self.path {
            Path::Lean => self.lean_swapped(draw, swap),
            Path::Rescore { .. } => self.rescore_swapped(draw, swap),
        }
    }

    /// One draw by the pipeline's stages 5–7 on the cached indicator scores.
    pub fn rescore(&self, draw: &Draw) -> Result<Outcome> {
        self.rescore_swapped(draw, &Swap::default())
    }

    /// [`Model::rescore`] with the score columns of `swap` replaced.
    pub fn rescore_swapped(&self, draw: &Draw, swap: &Swap) -> Result<Outcome> {
        let mut frame = self.scores.frame.clone();
        for (_, _, column) in &swap.leaves {
            frame.with_column((*column).clone())?;
        }
        let query = pipeline::result_query_varied(
            self.plan,
            &draw.weights,
            draw.mean,
            draw.policy,
            frame.lazy(),
        );
        let out = query
            .select([
                col(SCORE_COLUMN),
                col(RANK_COLUMN),
                col(GROUP_RANK_COLUMN),
                col(GRADE_COLUMN),
            ])
            .collect()?;
        Ok(Outcome {
            score: floats(&out, SCORE_COLUMN)?,
            rank: floats(&out, RANK_COLUMN)?,
            group_rank: floats(&out, GROUP_RANK_COLUMN)?,
            grade: self.band_indices(&out)?,
        })
    }

    fn band_indices(&self, frame: &DataFrame) -> Result<Vec<u8>> {
        let grades = frame.column(GRADE_COLUMN)?.cast(&DataType::String)?;
        Ok(grades
            .str()?
            .iter()
            .map(|g| {
                g.and_then(|g| self.bands.iter().position(|b| b == g))
                    .map_or(NO_GRADE, |i| i as u8)
            })
            .collect())
    }

    /// The score column of `node` under `draw`, computing inner nodes into `inner`.
    fn node_score<'s>(
        &'s self,
        node: &WeightNode,
        mean: Mean,
        policy: MissingPolicy,
        inner: &mut Vec<(String, Vec<f64>)>,
        swap: &'s Swap,
    ) -> Result<Cow<'s, [f64]>> {
        if let Some(swapped) = swap.values(&node.id) {
            return Ok(Cow::Borrowed(swapped));
        }
        if node.is_leaf() {
            return self
                .leaves
                .get(&node.id)
                .map(|v| Cow::Borrowed(v.as_slice()))
                .ok_or_else(|| Error::internal(format!("no cached score for {}", node.id)));
        }
        let mut children = Vec::with_capacity(node.children.len());
        for child in &node.children {
            children.push((
                child.weight,
                self.node_score(child, mean, policy, inner, swap)?,
            ));
        }
        let score = weighted_mean(&children, policy, mean, self.n);
        inner.push((score_column(&node.id), score.clone()));
        Ok(Cow::Owned(score))
    }

    /// One draw natively (see the module's steps).
    pub fn lean(&self, draw: &Draw) -> Result<Outcome> {
        self.lean_swapped(draw, &Swap::default())
    }

    /// [`Model::lean`] with the score columns of `swap` replaced.
    pub fn lean_swapped(&self, draw: &Draw, swap: &Swap) -> Result<Outcome> {
        let spec = &self.plan.scheme.spec;
        let n = self.n;
        let mut inner = Vec::new();
        let mut dimensions = Vec::with_capacity(draw.weights.dimensions.len());
        for d in &draw.weights.dimensions {
            dimensions.push((
                d.weight,
                self.node_score(d, draw.mean, draw.policy, &mut inner, swap)?,
            ));
        }
        let weighted = weighted_mean(&dimensions, draw.policy, draw.mean, n);
        drop(dimensions);
        let coverage = self.coverage(&draw.weights, swap)?;
        // The adjust stage's own settings, as compiled into the plan.
        let min_coverage = self.plan.adjustments.min_coverage;
        let decimals = self.plan.adjustments.score_decimals;
        let mut score = vec![f64::NAN; n];
        let mut excluded = vec![false; n];
        for r in 0..n {
            excluded[r] = weighted[r].is_nan() || coverage[r] < min_coverage;
            if !excluded[r] {
                score[r] = round(weighted[r] + self.bonus[r] - self.deduction[r], decimals);
            }
        }
        let ranked: Cow<[f64]> = match &self.not_rated {
            None => Cow::Borrowed(score.as_slice()),
            Some(not_rated) => Cow::Owned(
                score
                    .iter()
                    .zip(not_rated)
                    .map(|(s, &no)| if no { f64::NAN } else { *s })
                    .collect(),
            ),
        };
        let (rank, group_rank) = ranks(
            &ranked,
            &self.vetoed,
            &self.group,
            self.groups,
            spec.ranking.ties,
        );
        let grade = match &spec.grades {
            None => vec![NO_GRADE; n],
            Some(_) => {
                let mut replaced = vec![
                    Column::new(SCORE_COLUMN.into(), nullable(&ranked)),
                    rank_column(RANK_COLUMN, &rank, spec.ranking.ties),
                    rank_column(GROUP_RANK_COLUMN, &group_rank, spec.ranking.ties),
                    Column::new(WEIGHTED_COLUMN.into(), nullable(&weighted)),
                    Column::new(COVERAGE_COLUMN.into(), coverage),
                    Column::new(EXCLUDED_COLUMN.into(), excluded),
                ];
                for (name, values) in inner {
                    replaced.push(Column::new(name.into(), nullable(&values)));
                }
                replaced.extend(swap.leaves.iter().map(|(_, _, c)| (*c).clone()));
                self.grades(replaced)?
            }
        };
        Ok(Outcome {
            score,
            rank,
            group_rank,
            grade,
        })
    }

    /// Coverage as `crate::aggregate` computes it: Σ effective weight × present, in tree order.
    fn coverage(&self, tree: &WeightTree, swap: &Swap) -> Result<Vec<f64>> {
        let mut coverage: Option<Vec<f64>> = None;
        for (id, w) in tree.effective_weights() {
            let scores = match swap.values(&id) {
                Some(swapped) => swapped,
                None => self
                    .leaves
                    .get(&id)
                    .ok_or_else(|| Error::internal(format!("no cached score for {id}")))?,
            };
            let observed = self.observed.get(&id);
            let term = |r: usize| {
                let present = !scores[r].is_nan() && observed.is_none_or(|o| o[r]);
                w * if present { 1.0 } else { 0.0 }
            };
            match coverage.as_mut() {
                None => coverage = Some((0..self.n).map(term).collect()),
                Some(c) => {
                    for (r, c) in c.iter_mut().enumerate() {
                        *c += term(r);
                    }
                }
            }
        }
        Ok(coverage.unwrap_or_else(|| vec![0.0; self.n]))
    }

    /// Grades by the pipeline's expressions on the nominal frame with `replaced` columns.
    fn grades(&self, replaced: Vec<Column>) -> Result<Vec<u8>> {
        let spec = &self.plan.scheme.spec;
        let Some(grades) = &spec.grades else {
            return Ok(vec![NO_GRADE; self.n]);
        };
        let mut frame = self.nominal.clone();
        for column in replaced {
            frame.with_column(column)?;
        }
        let mut query = frame.lazy();
        if self.plan.grade_adjustments.is_empty() {
            query = query.with_column(crate::grade::grade_expr(grades).alias(GRADE_COLUMN));
        } else {
            for stage in
                crate::grade::adjust::stages(grades, &self.plan.grade_adjustments, GRADE_COLUMN)
            {
                query = query.with_columns(stage);
            }
        }
        let out = query.select([col(GRADE_COLUMN)]).collect()?;
        self.band_indices(&out)
    }
}

/// Whether the veto, bonus, deduction and eligibility rules evaluate on the indicator stage's
/// columns alone, i.e. read nothing the weights change.
fn rules_read_indicator_stage_only(plan: &Plan, indicator_frame: &DataFrame) -> bool {
    let adjustments = &plan.adjustments;
    let rules: Vec<Expr> = adjustments
        .vetoes
        .iter()
        .cloned()
        .chain(adjustments.bonus.iter().map(|r| r.points.clone()))
        .chain(adjustments.deduction.iter().map(|r| r.points.clone()))
        .chain(plan.eligible.iter().cloned())
        .enumerate()
        .map(|(i, e)| e.alias(format!("__rule_{i}")))
        .collect();
    rules.is_empty()
        || indicator_frame
            .head(Some(0))
            .lazy()
            .select(rules)
            .collect()
            .is_ok()
}

fn nullable(values: &[f64]) -> Vec<Option<f64>> {
    values.iter().map(|v| (!v.is_nan()).then_some(*v)).collect()
}

/// A rank column typed as `crate::rank` makes it: UInt32, or Float64 for average ties.
fn rank_column(name: &str, ranks: &[f64], ties: Ties) -> Column {
    match ties {
        Ties::Average => Column::new(name.into(), nullable(ranks)),
        _ => Column::new(
            name.into(),
            ranks
                .iter()
                .map(|r| (!r.is_nan()).then_some(*r as u32))
                .collect::<Vec<_>>(),
        ),
    }
}

/// `round(value, decimals)` half away from zero, exactly as polars rounds a Float64 column.
pub fn round(value: f64, decimals: u32) -> f64 {
    if decimals == 0 {
        return value.round();
    }
    if decimals >= 300 {
        return value;
    }
    let multiplier = 10.0_f64.powi(decimals as i32);
    let rounded = (value * multiplier).round() / multiplier;
    if rounded.is_finite() {
        rounded
    } else {
        value
    }
}

/// The weighted mean of `children` (weight, scores; NaN missing) as `crate::aggregate` computes
/// it, operation for operation.
pub fn weighted_mean(
    children: &[(f64, Cow<[f64]>)],
    policy: MissingPolicy,
    mean: Mean,
    n: usize,
) -> Vec<f64> {
    match mean {
        Mean::Arithmetic => {
            let mut sum = vec![0.0; n];
            let mut present = vec![0.0; n];
            for (k, (w, x)) in children.iter().enumerate() {
                for r in 0..n {
                    let (value, here) = if x[r].is_nan() {
                        (0.0, 0.0)
                    } else {
                        (x[r], 1.0)
                    };
                    if k == 0 {
                        sum[r] = w * value;
                        present[r] = w * here;
                    } else {
                        sum[r] += w * value;
                        present[r] += w * here;
                    }
                }
            }
            match policy {
                MissingPolicy::Zero => sum,
                MissingPolicy::Renormalise => sum
                    .iter()
                    .zip(&present)
                    .map(|(s, p)| if *p > 0.0 { s / p } else { f64::NAN })
                    .collect(),
            }
        }
        Mean::Geometric | Mean::Harmonic => {
            let mut terms = vec![0.0; n];
            let mut weight = vec![0.0; n];
            let mut any_zero = vec![false; n];
            for (k, (w, x)) in children.iter().enumerate() {
                for r in 0..n {
                    // clip_min(0): missing stays missing.
                    let v = if x[r].is_nan() {
                        f64::NAN
                    } else {
                        x[r].max(0.0)
                    };
                    let transformed = if v > 0.0 {
                        match mean {
                            Mean::Geometric => v.log(std::f64::consts::E),
                            _ => 1.0 / v,
                        }
                    } else {
                        0.0
                    };
                    let term = w * transformed;
                    let here = match policy {
                        MissingPolicy::Zero => *w,
                        MissingPolicy::Renormalise => w * if v.is_nan() { 0.0 } else { 1.0 },
                    };
                    let zero = match policy {
                        MissingPolicy::Zero => v.is_nan() || v == 0.0,
                        MissingPolicy::Renormalise => v == 0.0,
                    };
                    if k == 0 {
                        terms[r] = term;
                        weight[r] = here;
                    } else {
                        terms[r] += term;
                        weight[r] += here;
                    }
                    any_zero[r] |= zero;
                }
            }
            (0..n)
                .map(|r| {
                    if weight[r] == 0.0 && policy == MissingPolicy::Renormalise {
                        f64::NAN
                    } else if any_zero[r] {
                        0.0
                    } else {
                        let m = terms[r] / weight[r];
                        match mean {
                            Mean::Geometric => m.exp(),
                            _ => 1.0 / m,
                        }
                    }
                })
                .collect()
        }
    }
}

/// Ranks of `score` (NaN: unranked) overall and within each group, highest first, vetoed
/// institutions after the others, with `ties` — as `crate::rank` computes them.
pub fn ranks(
    score: &[f64],
    vetoed: &[bool],
    group: &[u32],
    groups: usize,
    ties: Ties,
) -> (Vec<f64>, Vec<f64>) {
    let n = score.len();
    let mut order: Vec<usize> = (0..n).filter(|&i| !score[i].is_nan()).collect();
    order.sort_unstable_by(|&a, &b| {
        vetoed[a]
            .cmp(&vetoed[b])
            .then(score[b].total_cmp(&score[a]))
            .then(a.cmp(&b))
    });
    let split = order.partition_point(|&i| !vetoed[i]);
    let mut rank = vec![f64::NAN; n];
    let clean_last = assign(&order[..split], score, ties, 0.0, &mut rank);
    assign(&order[split..], score, ties, clean_last, &mut rank);
    let mut group_rank = vec![f64::NAN; n];
    let mut clean: Vec<Vec<usize>> = vec![Vec::new(); groups];
    let mut vetoes: Vec<Vec<usize>> = vec![Vec::new(); groups];
    for &i in &order {
        let into = if vetoed[i] { &mut vetoes } else { &mut clean };
        into[group[i] as usize].push(i);
    }
    for (clean, vetoes) in clean.iter().zip(&vetoes) {
        let last = assign(clean, score, ties, 0.0, &mut group_rank);
        assign(vetoes, score, ties, last, &mut group_rank);
    }
    (rank, group_rank)
}

/// Ranks of `sequence` (sorted best first) plus `offset`; returns the last rank a later
/// sequence continues after: the count, or the number of distinct scores for dense ties.
fn assign(sequence: &[usize], score: &[f64], ties: Ties, offset: f64, out: &mut [f64]) -> f64 {
    let mut i = 0;
    let mut dense = 0usize;
    while i < sequence.len() {
        let mut j = i + 1;
        while j < sequence.len() && score[sequence[j]] == score[sequence[i]] {
            j += 1;
        }
        dense += 1;
        for (k, &row) in sequence[i..j].iter().enumerate() {
            let r = match ties {
                Ties::Min => (i + 1) as f64,
                Ties::Dense => dense as f64,
                Ties::Average => (i + 1 + j) as f64 / 2.0,
                Ties::Ordinal => (i + 1 + k) as f64,
            };
            out[row] = r + offset;
        }
        i = j;
    }
    match ties {
        Ties::Dense => dense as f64,
        _ => sequence.len() as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_the_tie_conventions_with_vetoes_last() {
        // As crate::rank's tests: [0.5, 0.7, 0.7, 0.2].
        let s = [0.5, 0.7, 0.7, 0.2];
        let none = [false; 4];
        let g = [0; 4];
        assert_eq!(ranks(&s, &none, &g, 1, Ties::Min).0, [3.0, 1.0, 1.0, 4.0]);
        assert_eq!(ranks(&s, &none, &g, 1, Ties::Dense).0, [2.0, 1.0, 1.0, 3.0]);
        assert_eq!(
            ranks(&s, &none, &g, 1, Ties::Average).0,
            [3.0, 1.5, 1.5, 4.0]
        );
        assert_eq!(
            ranks(&s, &none, &g, 1, Ties::Ordinal).0,
            [3.0, 1.0, 2.0, 4.0]
        );
        // 0.7 vetoed goes after 0.5 and 0.2; the missing score has no rank.
        let (overall, group) = ranks(
            &[0.5, 0.7, f64::NAN, 0.2],
            &[false, true, false, false],
            &[0, 0, 1, 1],
            2,
            Ties::Min,
        );
        assert_eq!(overall[..2], [1.0, 3.0]);
        assert!(overall[2].is_nan());
        assert_eq!(overall[3], 2.0);
        assert_eq!(group[..2], [1.0, 2.0]);
        assert_eq!(group[3], 1.0);
        let (dense, _) = ranks(
            &[0.5, 0.5, 0.9],
            &[false, false, true],
            &[0; 3],
            1,
            Ties::Dense,
        );
        assert_eq!(dense, [1.0, 1.0, 2.0]);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        // 0.125 is exact in binary: a true half.
        assert_eq!(round(0.125, 2), 0.13);
        assert_eq!(round(-0.125, 2), -0.13);
        assert_eq!(round(-1.5, 0), -2.0);
        assert_eq!(round(80.123, 2), 80.12);
    }
}
