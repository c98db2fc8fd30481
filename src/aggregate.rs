//! Stage 5, aggregate: weighted means of scores up the tree — composite indicator, sub-dimension, dimension, total.
//!
//! Each inner node's score is the weighted mean of its children's scores (0–100 in, 0–100 out):
//! arithmetic by default (fully compensatory), or geometric / harmonic (`aggregation: {mean: …}`),
//! where a weak child pulls the node down more and a child scoring 0 makes it 0. The scheme's
//! missing-data policy decides what a missing child means:
//! * `renormalise` (default): the mean runs over the children that are present, their weights
//!   rescaled to sum to 1 (COINr's convention, level by level, so a dimension keeps its share of
//!   the total when one of its indicators is missing). A node with no child present is missing.
//! * `zero`: a missing child scores 0 and weights are never rescaled.
//!
//! Coverage is the share of effective weight whose indicator score is present (and, for an
//! indicator that imputes, whose value was observed); institutions below
//! `missing.min_coverage` are excluded from ranking (see `crate::adjust`).

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::columns::{score_column, COVERAGE_COLUMN, PEER_GROUP_COLUMN, WEIGHTED_COLUMN};
use crate::mcda::rsr::{self, RankKind};
use crate::mcda::topsis::{self, TopsisOptions, WeightPlacement};
use crate::mcda::vikor;
use crate::mcda::{Criterion, Direction as McdaDirection};
use crate::normalise;
use crate::scheme::{
    AggregationSpec, LevelNormalise, Mean, MissingPolicy, RsrRanks, TopsisPlacement, TotalMethod,
    Within,
};
use crate::weight::{WeightNode, WeightTree};

/// Weighted mean of `children` (by their `score_column`) under `policy`, by `mean`.
pub fn weighted_mean(children: &[WeightNode], policy: MissingPolicy, mean: Mean) -> Expr {
    match mean {
        Mean::Arithmetic => arithmetic_mean(children, policy),
        Mean::Geometric | Mean::Harmonic => power_mean(children, policy, mean),
    }
}

fn sum_of(terms: impl Iterator<Item = Expr>) -> Expr {
    terms.reduce(|a, b| a + b).unwrap_or_else(|| lit(0.0))
}

fn present_weight(children: &[WeightNode]) -> Expr {
    sum_of(children.iter().map(|c| {
        lit(c.weight)
            * col(score_column(&c.id))
                .is_not_null()
                .cast(DataType::Float64)
    }))
}

fn arithmetic_mean(children: &[WeightNode], policy: MissingPolicy) -> Expr {
    let weighted_sum = sum_of(
        children
            .iter()
            .map(|c| lit(c.weight) * col(score_column(&c.id)).fill_null(lit(0.0))),
    );
    match policy {
        MissingPolicy::Zero => weighted_sum,
        MissingPolicy::Renormalise => {
            let present = present_weight(children);
            when(present.clone().gt(lit(0.0)))
                .then(weighted_sum.true_div(present))
                .otherwise(super::normalise::null())
        }
    }
}

/// Geometric `exp(Σ w ln x / Σ w)` and harmonic `Σ w / Σ (w / x)` means over the children present.
/// Negative scores count as 0; a child scoring 0 makes the mean 0 (the limit of both formulas: a
/// non-compensatory mean lets no strength make up for a total failure). Under the `zero` missing
/// policy a missing child is such a 0.
fn power_mean(children: &[WeightNode], policy: MissingPolicy, mean: Mean) -> Expr {
    let value = |c: &WeightNode| col(score_column(&c.id)).clip_min(lit(0.0));
    let transformed = |x: Expr| match mean {
        Mean::Geometric => x.log(lit(std::f64::consts::E)),
        _ => lit(1.0) / x,
    };
    let term_sum = sum_of(children.iter().map(|c| {
        let x = value(c);
        lit(c.weight)
            * when(x.clone().gt(lit(0.0)))
                .then(transformed(x))
                .otherwise(lit(0.0))
    }));
    let any_zero = children
        .iter()
        .map(|c| {
            let x = value(c);
            match policy {
                MissingPolicy::Zero => x.clone().is_null().or(x.eq(lit(0.0))),
                MissingPolicy::Renormalise => x.eq(lit(0.0)).fill_null(lit(false)),
            }
        })
        .reduce(|a, b| a.or(b))
        .unwrap_or_else(|| lit(false));
    let weight = match policy {
        MissingPolicy::Zero => sum_of(children.iter().map(|c| lit(c.weight))),
        MissingPolicy::Renormalise => present_weight(children),
    };
    let mean_of_terms = term_sum.true_div(weight.clone());
    let back = match mean {
        Mean::Geometric => mean_of_terms.exp(),
        _ => lit(1.0) / mean_of_terms,
    };
    when(
        weight
            .clone()
            .eq(lit(0.0))
            .and(lit(policy == MissingPolicy::Renormalise)),
    )
    .then(super::normalise::null())
    .when(any_zero)
    .then(lit(0.0))
    .otherwise(back)
}

/// The `with_columns` stages of aggregation, in order: inner nodes by height (composite
/// indicators, sub-dimensions, dimensions), then the weighted total and coverage. An indicator in
/// `imputed` counts towards coverage only where its value was observed, not where its missing
/// value was imputed or scored 0 (`missing:` on the indicator).
///
/// A node in `levels.normalise` (`normalise:` on a dimension or sub-dimension) has its weighted
/// mean in [`level_mean_column`] and its score, that mean normalised across institutions
/// (`crate::normalise::level`), in its score column, one stage later.
pub fn stages(
    tree: &WeightTree,
    policy: MissingPolicy,
    aggregation: &AggregationSpec,
    imputed: &[&str],
    levels: &Levels,
) -> Vec<Vec<Expr>> {
    let mean = aggregation.mean;
    let mut out: Vec<Vec<Expr>> = Vec::new();
    for level in tree.inner_nodes_by_height() {
        let mut means = Vec::new();
        let mut normalised = Vec::new();
        for node in level {
            let node_mean = weighted_mean(&node.children, policy, mean);
            match levels.normalise.get(&node.id) {
                None => means.push(node_mean.alias(score_column(&node.id))),
                Some(&method) => {
                    means.push(node_mean.alias(level_mean_column(&node.id)));
                    normalised.push(
                        normalise::level::score(
                            col(level_mean_column(&node.id)),
                            method,
                            levels.eligible.as_ref(),
                        )
                        .alias(score_column(&node.id)),
                    );
                }
            }
        }
        out.push(means);
        if !normalised.is_empty() {
            out.push(normalised);
        }
    }
    let coverage = tree
        .effective_weights()
        .into_iter()
        .map(|(id, w)| {
            let mut present = col(score_column(&id)).is_not_null();
            if imputed.contains(&id.as_str()) {
                present = present.and(col(id.as_str()).is_not_null());
            }
            lit(w) * present.cast(DataType::Float64)
        })
        .reduce(|a, b| a + b)
        .unwrap_or_else(|| lit(0.0));
    let weighted = match aggregation.total {
        None => weighted_mean(&tree.dimensions, policy, mean),
        Some(method) => {
            out.extend(total_stages(tree, method));
            col(TOTAL_BY_METHOD) * lit(100.0)
        }
    };
    out.push(vec![
        weighted.alias(WEIGHTED_COLUMN),
        coverage.alias(COVERAGE_COLUMN),
    ]);
    out
}

/// The nodes scored at their own level (`normalise:`) and the condition `over: eligible` reads.
#[derive(Debug, Clone, Default)]
pub struct Levels {
    pub normalise: BTreeMap<String, LevelNormalise>,
    /// The scheme's `eligible:` condition (true = rated), if it has one.
    pub eligible: Option<Expr>,
}

/// Internal: the weighted mean of a normalised node's children, before normalisation.
pub fn level_mean_column(id: &str) -> String {
    format!("__mean.{id}")
}

/// Scratch column of the total by a decision-matrix method (0–1).
const TOTAL_BY_METHOD: &str = "__total_by_method";

/// The total by TOPSIS, VIKOR or WRSR over the weighted indicators' scores (already
/// direction-aligned, so every criterion is a benefit), each with its effective weight. Missing
/// scores: TOPSIS adds no distance for them (neither towards the ideal nor away from the
/// anti-ideal); VIKOR takes the group's mean score and WRSR the group's mean rank, neutral values. An institution with no weighted score at all has
/// no total.
fn total_stages(tree: &WeightTree, method: TotalMethod) -> Vec<Vec<Expr>> {
    let leaves = tree.effective_weights();
    let criteria: Vec<Criterion> = leaves
        .iter()
        .map(|(id, _)| Criterion::benefit(score_column(id)))
        .collect();
    let weights: Vec<Expr> = leaves.iter().map(|(_, w)| lit(*w)).collect();
    let any_present = criteria
        .iter()
        .map(|c| c.col().is_not_null())
        .reduce(|a, b| a.or(b))
        .unwrap_or_else(|| lit(false));
    let over = |within: Within| match within {
        Within::All => None,
        Within::PeerGroup => Some(PEER_GROUP_COLUMN),
    };
    let (mut stages, result) = match method {
        TotalMethod::Topsis { placement, within } => {
            let options = TopsisOptions {
                placement: match placement {
                    TopsisPlacement::Matrix => WeightPlacement::WeightedMatrix,
                    TopsisPlacement::Distance => WeightPlacement::WeightedDistance,
                },
                ..TopsisOptions::default()
            };
            (
                topsis::stages(&criteria, &weights, options, over(within)),
                col(topsis::CLOSENESS),
            )
        }
        TotalMethod::Vikor { v, within } => {
            let over = over(within);
            // A missing score takes its group's mean score: a neutral value for S and R.
            let filled = |c: &Criterion| format!("__vikor.{}", c.name);
            let fill: Vec<Expr> = criteria
                .iter()
                .map(|c| {
                    c.col()
                        .fill_null(crate::mcda::within(c.col().mean(), over))
                        .alias(filled(c))
                })
                .collect();
            let filled_criteria: Vec<Criterion> = criteria
                .iter()
                .map(|c| Criterion::benefit(filled(c)))
                .collect();
            let mut stages = vec![fill];
            stages.extend(vikor::stages(&filled_criteria, &weights, v, over));
            (stages, lit(1.0) - col(vikor::Q))
        }
        TotalMethod::Wrsr { ranks, within } => {
            let kind = match ranks {
                RsrRanks::Integer => RankKind::Integer,
                RsrRanks::Fractional => RankKind::Fractional,
            };
            let over = over(within);
            let rank_column = |c: &Criterion| format!("__rank.{}", c.name);
            let ranked: Vec<Expr> = criteria
                .iter()
                .map(|c| {
                    let r = rsr::rank_expr(c.col(), McdaDirection::Benefit, kind, over);
                    let r = when(c.col().is_null())
                        .then(super::normalise::null())
                        .otherwise(r);
                    r.clone()
                        .fill_null(crate::mcda::within(r.mean(), over))
                        .alias(rank_column(c))
                })
                .collect();
            let refs: Vec<Expr> = criteria.iter().map(|c| col(rank_column(c))).collect();
            (vec![ranked], rsr::rsr_expr(&refs, Some(&weights), over))
        }
    };
    stages.push(vec![when(any_present)
        .then(result)
        .otherwise(super::normalise::null())
        .alias(TOTAL_BY_METHOD)]);
    stages
}

/// What the run summary shows of a VIKOR or WRSR total for one group of institutions (all of
/// them with `within: all`, `group` then `None`; each peer group with `within: peer_group`),
/// over the institutions with a total, in institution-id order.
#[derive(Debug, Clone, PartialEq)]
pub enum TotalDiagnostics {
    /// VIKOR's compromise conditions C1 and C2 and its compromise set (ids, best Q first).
    Vikor {
        group: Option<String>,
        n: usize,
        compromise: vikor::Compromise,
        set: Vec<String>,
    },
    /// The WRSR (0–1) distribution table in brief and the regression WRSR = a + b·Probit over
    /// the institutions (`None` with a single distinct WRSR).
    Wrsr {
        group: Option<String>,
        n: usize,
        distinct: usize,
        probits: (f64, f64),
        fit: Option<rsr::Fit>,
    },
}

/// The diagnostics of `aggregation.total` (none for TOPSIS or a mean), computed from the scored
/// frame's VIKOR S, R, Q columns or WRSR totals.
pub fn total_diagnostics(
    aggregation: &AggregationSpec,
    scored: &DataFrame,
    id_column: &str,
) -> crate::error::Result<Vec<TotalDiagnostics>> {
    let (within, is_vikor) = match aggregation.total {
        Some(TotalMethod::Vikor { within, .. }) => (within, true),
        Some(TotalMethod::Wrsr { within, .. }) => (within, false),
        _ => return Ok(Vec::new()),
    };
    let group = match within {
        Within::All => lit(""),
        Within::PeerGroup => col(PEER_GROUP_COLUMN).cast(DataType::String),
    };
    let mut columns = vec![
        col(id_column).cast(DataType::String).alias("id"),
        group.alias("group"),
        col(TOTAL_BY_METHOD).cast(DataType::Float64).alias("total"),
    ];
    if is_vikor {
        columns.extend([
            col(vikor::S).alias("S"),
            col(vikor::R).alias("R"),
            col(vikor::Q).alias("Q"),
        ]);
    }
    let frame = scored
        .clone()
        .lazy()
        .filter(col(TOTAL_BY_METHOD).is_not_null())
        .select(columns)
        .sort(["group", "id"], SortMultipleOptions::default())
        .collect()?;
    let text = |name: &str| -> crate::error::Result<Vec<String>> {
        Ok(frame
            .column(name)?
            .str()?
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect())
    };
    let number = |name: &str| -> crate::error::Result<Vec<f64>> {
        Ok(frame
            .column(name)?
            .f64()?
            .iter()
            .map(|v| v.unwrap_or(f64::NAN))
            .collect())
    };
    let (ids, groups) = (text("id")?, text("group")?);
    let (total, s, r, q) = if is_vikor {
        (number("total")?, number("S")?, number("R")?, number("Q")?)
    } else {
        (number("total")?, Vec::new(), Vec::new(), Vec::new())
    };
    let mut out = Vec::new();
    let mut start = 0;
    while start < ids.len() {
        let end = start
            + groups[start..]
                .iter()
                .take_while(|g| **g == groups[start])
                .count();
        let name = (within == Within::PeerGroup).then(|| groups[start].clone());
        let n = end - start;
        if is_vikor {
            let compromise = vikor::compromise(&q[start..end], &s[start..end], &r[start..end]);
            let set = compromise
                .set
                .iter()
                .map(|&i| ids[start + i].clone())
                .collect();
            out.push(TotalDiagnostics::Vikor {
                group: name,
                n,
                compromise,
                set,
            });
        } else {
            let table = rsr::Distribution::of(&total[start..end]);
            let probits = table.rows.iter().map(|r| r.probit);
            out.push(TotalDiagnostics::Wrsr {
                group: name,
                n,
                distinct: table.rows.len(),
                probits: (
                    probits.clone().fold(f64::INFINITY, f64::min),
                    probits.fold(f64::NEG_INFINITY, f64::max),
                ),
                fit: table.fit_objects(),
            });
        }
        start = end;
    }
    Ok(out)
}

impl std::fmt::Display for TotalDiagnostics {
    /// One line: "VIKOR compromise (peer group 综合, 12 institutions): C1 …; C2 …; set: …".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let within = |group: &Option<String>, n: usize| match group {
            Some(g) => format!("peer group {g}, {n} institutions"),
            None => format!("{n} institutions"),
        };
        match self {
            TotalDiagnostics::Vikor {
                group,
                n,
                compromise,
                set,
            } => {
                write!(f, "VIKOR compromise ({}): ", within(group, *n))?;
                let yes = |b: bool| if b { "met" } else { "not met" };
                match (compromise.advantage, compromise.dq) {
                    (Some(advantage), Some(dq)) => write!(
                        f,
                        "C1 acceptable advantage Q(a2) − Q(a1) = {advantage:.4} vs DQ = {dq:.4}: {}; C2 acceptable stability: {}; ",
                        yes(compromise.c1),
                        yes(compromise.c2)
                    )?,
                    _ => write!(f, "one institution; ")?,
                }
                const SHOWN: usize = 10;
                let mut listed = set
                    .iter()
                    .take(SHOWN)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                if set.len() > SHOWN {
                    listed.push_str(&format!(", … ({} in all)", set.len()));
                }
                write!(f, "compromise set: {listed}")
            }
            TotalDiagnostics::Wrsr {
                group,
                n,
                distinct,
                probits,
                fit,
            } => {
                write!(
                    f,
                    "WRSR probit table ({}): {distinct} distinct values, Probit {:.4} to {:.4}; ",
                    within(group, *n),
                    probits.0,
                    probits.1
                )?;
                match fit {
                    Some(fit) => write!(
                        f,
                        "WRSR = {:.4} + {:.4}·Probit (R² = {})",
                        fit.a,
                        fit.b,
                        fit.r_squared
                            .map_or("undefined".to_string(), |r| format!("{r:.4}"))
                    ),
                    None => write!(f, "no regression (a single distinct value: Probit 5)"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(id: &str, weight: f64) -> WeightNode {
        WeightNode {
            id: id.into(),
            kind: crate::weight::NodeKind::Indicator,
            weight,
            children: vec![],
        }
    }

    fn mean_of(a: &[Option<f64>], b: &[Option<f64>], policy: MissingPolicy) -> Vec<Option<f64>> {
        let frame = df!("a.score" => a, "b.score" => b).unwrap();
        let expr = weighted_mean(
            &[leaf("a", 0.25), leaf("b", 0.75)],
            policy,
            Mean::Arithmetic,
        );
        let out = frame.lazy().select([expr.alias("m")]).collect().unwrap();
        out.column("m").unwrap().f64().unwrap().iter().collect()
    }

    #[test]
    fn renormalise_uses_present_children_only() {
        // row 1: 0.25×80 + 0.75×40 = 50; row 2: b missing → 80; row 3: both missing → missing
        let out = mean_of(
            &[Some(80.0), Some(80.0), None],
            &[Some(40.0), None, None],
            MissingPolicy::Renormalise,
        );
        assert_eq!(out, [Some(50.0), Some(80.0), None]);
    }

    #[test]
    fn zero_policy_scores_missing_as_zero() {
        // row 2: 0.25×80 + 0.75×0 = 20; row 3: 0
        let out = mean_of(
            &[Some(80.0), Some(80.0), None],
            &[Some(40.0), None, None],
            MissingPolicy::Zero,
        );
        assert_eq!(out, [Some(50.0), Some(20.0), Some(0.0)]);
    }

    fn mean_by(
        a: &[Option<f64>],
        b: &[Option<f64>],
        policy: MissingPolicy,
        mean: Mean,
    ) -> Vec<Option<f64>> {
        let frame = df!("a.score" => a, "b.score" => b).unwrap();
        let expr = weighted_mean(&[leaf("a", 0.25), leaf("b", 0.75)], policy, mean);
        let out = frame.lazy().select([expr.alias("m")]).collect().unwrap();
        out.column("m").unwrap().f64().unwrap().iter().collect()
    }

    fn close(actual: &[Option<f64>], expected: &[Option<f64>]) {
        for (a, e) in actual.iter().zip(expected) {
            match (a, e) {
                (Some(a), Some(e)) => assert!((a - e).abs() < 1e-6, "{actual:?} vs {expected:?}"),
                (None, None) => {}
                _ => panic!("{actual:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn geometric_mean_with_zero_and_missing_children() {
        // row 1: 80^0.25 · 40^0.75 = exp(0.25 ln 80 + 0.75 ln 40) = 47.568285;
        // row 2: b missing → 80 (renormalised); row 3: a scores 0 → 0; row 4: both missing → missing.
        let out = mean_by(
            &[Some(80.0), Some(80.0), Some(0.0), None],
            &[Some(40.0), None, Some(90.0), None],
            MissingPolicy::Renormalise,
            Mean::Geometric,
        );
        close(&out, &[Some(47.568285), Some(80.0), Some(0.0), None]);
        // Under the zero policy a missing child is a 0: rows 2 and 4 become 0.
        let out = mean_by(
            &[Some(80.0), Some(80.0), None],
            &[Some(40.0), None, None],
            MissingPolicy::Zero,
            Mean::Geometric,
        );
        close(&out, &[Some(47.568285), Some(0.0), Some(0.0)]);
    }

    #[test]
    fn harmonic_mean_is_below_geometric_below_arithmetic() {
        // 1 / (0.25/80 + 0.75/40) = 1 / 0.021875 = 45.714286 < 47.568285 < 50.
        let h = mean_by(
            &[Some(80.0)],
            &[Some(40.0)],
            MissingPolicy::Renormalise,
            Mean::Harmonic,
        );
        close(&h, &[Some(45.714286)]);
        // A negative score counts as 0 and so zeroes the mean.
        let h = mean_by(
            &[Some(-5.0)],
            &[Some(40.0)],
            MissingPolicy::Renormalise,
            Mean::Harmonic,
        );
        close(&h, &[Some(0.0)]);
    }
}
