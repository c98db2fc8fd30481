//! Stage 5, aggregate: weighted means of scores up the tree — composite indicator, sub-dimension, dimension, total.
//!
//! Each inner node's score is the weighted arithmetic mean of its children's scores (0–100 in,
//! 0–100 out). The scheme's missing-data policy decides what a missing child means:
//! * `renormalise` (default): the mean runs over the children that are present, their weights
//!   rescaled to sum to 1 (COINr's convention, level by level, so a dimension keeps its share of
//!   the total when one of its indicators is missing). A node with no child present is missing.
//! * `zero`: a missing child scores 0 and weights are never rescaled.
//!
//! Coverage is the share of effective weight whose indicator score is present (and, for an
//! indicator that imputes, whose value was observed); institutions below
//! `missing.min_coverage` are excluded from ranking (see `crate::adjust`).

use polars::prelude::*;

use crate::scheme::MissingPolicy;
use crate::weight::{WeightNode, WeightTree};

/// Column holding the score of a node (dimension, sub-dimension or indicator) with id `id`.
pub fn score_column(id: &str) -> String {
    format!("{id}.score")
}

/// Column of the weighted total before bonus, deduction and vetoes.
pub const WEIGHTED_COLUMN: &str = "weighted";
/// Column of the share of effective weight with data (0–1).
pub const COVERAGE_COLUMN: &str = "coverage";

/// Weighted mean of `children` (by their `score_column`) under `policy`.
pub fn weighted_mean(children: &[WeightNode], policy: MissingPolicy) -> Expr {
    let score = |node: &WeightNode| col(score_column(&node.id));
    let weighted_sum = children
        .iter()
        .map(|c| lit(c.weight) * score(c).fill_null(lit(0.0)))
        .reduce(|a, b| a + b)
        .unwrap_or_else(|| lit(0.0));
    match policy {
        MissingPolicy::Zero => weighted_sum,
        MissingPolicy::Renormalise => {
            let present_weight = children
                .iter()
                .map(|c| lit(c.weight) * score(c).is_not_null().cast(DataType::Float64))
                .reduce(|a, b| a + b)
                .unwrap_or_else(|| lit(0.0));
            when(present_weight.clone().gt(lit(0.0)))
                .then(weighted_sum.true_div(present_weight))
                .otherwise(super::normalise::null())
        }
    }
}

/// The `with_columns` stages of aggregation, in order: inner nodes by height (composite
/// indicators, sub-dimensions, dimensions), then the weighted total and coverage. An indicator in
/// `imputed` counts towards coverage only where its value was observed, not where its missing
/// value was imputed or scored 0 (`missing:` on the indicator).
pub fn stages(tree: &WeightTree, policy: MissingPolicy, imputed: &[&str]) -> Vec<Vec<Expr>> {
    let mut out: Vec<Vec<Expr>> = tree
        .inner_nodes_by_height()
        .into_iter()
        .map(|level| {
            level
                .into_iter()
                .map(|node| weighted_mean(&node.children, policy).alias(score_column(&node.id)))
                .collect()
        })
        .collect();
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
    out.push(vec![
        weighted_mean(&tree.dimensions, policy).alias(WEIGHTED_COLUMN),
        coverage.alias(COVERAGE_COLUMN),
    ]);
    out
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
        let expr = weighted_mean(&[leaf("a", 0.25), leaf("b", 0.75)], policy);
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
}
