//! Stage 4a, weighting: the tree's weights set by a method instead of by hand (`weighting:` in scheme.yaml).
//!
//! * `fixed` (default): the weights written in scheme.yaml.
//! * `equal`: 1/m among the indicators of each group (sub-dimension, dimension without
//!   sub-dimensions, parts of a bundle); dimension and sub-dimension weights stay as written.
//! * `ahp`: for every node given a pairwise matrix (keyed by the node's id, `total` for the
//!   dimensions), the weights among its children come from the matrix (`crate::mcda::ahp`);
//!   a matrix with CR ≥ 0.10 is refused when the scheme is compiled, naming the node.
//! * `entropy`, `critic`, `std`: among the indicators of each group, from their scores on the data
//!   being scored (`crate::mcda::weights`: entropy after min-max, CRITIC, shares of the sample SD).
//!   Policy: the statistics run over the institutions scored on every indicator of the group
//!   (listwise); with fewer than two such institutions the written weights are kept and the run
//!   summary says so. Groups are fitted bottom-up, so a bundle's score enters its group's
//!   statistics with its parts already weighted.
//! * `formula`: a rhai function `fn name(stats)` returns each indicator's relative weight from its
//!   score statistics `#{mean, sd, cv, min, max, n}` (over the institutions with a score); the
//!   weights of a group are then divided by their sum (all zero: the written weights are kept).
//!
//! Weights are global, not per peer group: a score must mean the same in every group. The
//! resulting effective weights are printed in the run summary.

use polars::prelude::*;

use crate::aggregate::weighted_mean;
use crate::columns::score_column;
use crate::error::{Error, Result};
use crate::mcda::ahp::{self, AhpMethod, PairwiseMatrix};
use crate::mcda::weights::{self as mcda_weights, Weighting};
use crate::mcda::Criterion;
use crate::message::Warning;
use crate::scheme::{Scheme, WeightMethod};
use crate::script::ScriptSet;
use crate::weight::{NodeKind, WeightNode, WeightTree};

/// Key of the AHP matrix among the dimensions.
pub const TOTAL: &str = "total";

/// Whether a node's children are indicators (the groups the data-driven methods weight).
fn is_indicator_group(node: &WeightNode) -> bool {
    !node.children.is_empty()
        && node
            .children
            .iter()
            .all(|c| matches!(c.kind, NodeKind::Indicator | NodeKind::Composite))
}

fn rescale(children: &mut [WeightNode], weights: &[f64]) {
    let sum: f64 = weights.iter().sum();
    for (child, w) in children.iter_mut().zip(weights) {
        child.weight = w / sum;
    }
}

fn for_each_node(
    nodes: &mut [WeightNode],
    f: &mut dyn FnMut(&mut WeightNode) -> Result<()>,
) -> Result<()> {
    for node in nodes {
        for_each_node(&mut node.children, f)?;
        f(node)?;
    }
    Ok(())
}

/// The consistency of one AHP matrix, for `jixiao check`.
#[derive(Debug, Clone, PartialEq)]
pub struct AhpConsistency {
    /// The node whose children the matrix weighs (`total` for the dimensions).
    pub node: String,
    pub lambda_max: f64,
    pub ci: f64,
    pub cr: f64,
}

/// Applies the methods that need no data (`equal`, `ahp`) to the tree built from scheme.yaml;
/// with AHP, also the consistency of every matrix (all below CR 0.10, or this is an error).
pub fn at_plan_time(
    scheme: &Scheme,
    mut tree: WeightTree,
) -> Result<(WeightTree, Vec<AhpConsistency>)> {
    let mut consistency = Vec::new();
    let spec = &scheme.spec.weighting;
    match spec.method {
        WeightMethod::Equal => {
            for_each_node(&mut tree.dimensions, &mut |node| {
                if is_indicator_group(node) {
                    let m = node.children.len();
                    rescale(&mut node.children, &vec![1.0; m]);
                }
                Ok(())
            })?;
        }
        WeightMethod::Ahp => {
            let method = match spec.ahp_method.as_deref() {
                None => AhpMethod::Eigenvector,
                Some(name) => AhpMethod::from_name(name).ok_or_else(|| {
                    Error::invalid(
                        format!("weighting.ahp_method \"{name}\" is not one of eigenvector, geometric, column-mean"),
                        scheme.span("ahp_method:", Some("weighting:")),
                    )
                })?,
            };
            let mut used = Vec::new();
            let mut apply = |id: &str, children: &mut Vec<WeightNode>| -> Result<()> {
                let Some(values) = spec.matrices.get(id) else {
                    return Ok(());
                };
                used.push(id.to_string());
                let names: Vec<String> = children.iter().map(|c| c.id.clone()).collect();
                let located = |message: String| {
                    Error::invalid(
                        format!("weighting.matrices.{id}: {message}"),
                        scheme.span(&format!("{id}:"), Some("matrices:")),
                    )
                };
                if values.len() != names.len() {
                    return Err(located(format!(
                        "a {0}×{0} matrix is needed, one row and column per weighted child in declared order: {1}",
                        names.len(),
                        names.join(", ")
                    )));
                }
                let matrix = PairwiseMatrix::new(names, values.clone())
                    .map_err(|e| located(e.to_string().trim().to_string()))?;
                let result = ahp::weights(&matrix, method)
                    .map_err(|e| located(e.to_string().trim().to_string()))?;
                rescale(children, &result.weights);
                consistency.push(AhpConsistency {
                    node: id.to_string(),
                    lambda_max: result.lambda_max,
                    ci: result.ci,
                    cr: result.cr,
                });
                Ok(())
            };
            apply(TOTAL, &mut tree.dimensions)?;
            for_each_node(&mut tree.dimensions, &mut |node| {
                let id = node.id.clone();
                apply(&id, &mut node.children)
            })?;
            if let Some(unknown) = spec.matrices.keys().find(|k| !used.contains(k)) {
                return Err(Error::invalid(
                    format!("weighting.matrices names \"{unknown}\", which is not a weighted node with children (use `total` for the dimensions)"),
                    scheme.span(&format!("{unknown}:"), Some("matrices:")),
                ));
            }
        }
        _ => {}
    }
    Ok((tree, consistency))
}

/// Score statistics of one indicator for a `formula` weighting function.
fn statistics(frame: &DataFrame, column: &str) -> Result<rhai::Map> {
    let c = col(column);
    let row = frame
        .clone()
        .lazy()
        .select([
            c.clone().mean().alias("mean"),
            c.clone().std(1).alias("sd"),
            c.clone().min().alias("min"),
            c.clone().max().alias("max"),
            c.count().cast(DataType::Float64).alias("n"),
        ])
        .collect()?;
    let get = |name: &str| -> Result<f64> {
        Ok(row
            .column(name)?
            .cast(&DataType::Float64)?
            .f64()?
            .get(0)
            .unwrap_or(f64::NAN))
    };
    let (mean, sd) = (get("mean")?, get("sd")?);
    let mut map = rhai::Map::new();
    for (key, value) in [
        ("mean", mean),
        ("sd", sd),
        ("cv", if mean != 0.0 { sd / mean } else { f64::NAN }),
        ("min", get("min")?),
        ("max", get("max")?),
        ("n", get("n")?),
    ] {
        map.insert(key.into(), rhai::Dynamic::from_float(value));
    }
    Ok(map)
}

/// Weights of one group of indicators from the data, or `None` to keep the written ones.
fn group_weights(
    frame: &DataFrame,
    node: &WeightNode,
    method: WeightMethod,
    scripts: &ScriptSet,
    function: Option<&str>,
) -> Result<Option<Vec<f64>>> {
    let columns: Vec<String> = node.children.iter().map(|c| score_column(&c.id)).collect();
    if method == WeightMethod::Formula {
        let name = function.expect("checked with the scheme: method formula names a function");
        let mut weights = Vec::new();
        for (child, column) in node.children.iter().zip(&columns) {
            let stats = statistics(frame, column)?;
            let what = format!("weight of {}", child.id);
            weights.push(scripts.call_weight_function(name, stats, &what)?);
        }
        return Ok((weights.iter().sum::<f64>() > 0.0).then_some(weights));
    }
    let complete = frame
        .clone()
        .lazy()
        .select(columns.iter().map(|c| col(c.as_str())).collect::<Vec<_>>())
        .drop_nulls(None)
        .collect()?;
    if complete.height() < 2 {
        return Ok(None);
    }
    let criteria: Vec<Criterion> = columns
        .iter()
        .map(|c| Criterion::benefit(c.clone()))
        .collect();
    let weighting = match method {
        WeightMethod::Entropy => Weighting::Entropy(crate::mcda::entropy::EntropyInput::MinMax),
        WeightMethod::Critic => Weighting::Critic,
        _ => Weighting::StdDev,
    };
    let weights = mcda_weights::compute(&complete, &criteria, &weighting)?;
    Ok((weights.values.iter().sum::<f64>() > 0.0).then_some(weights.values))
}

/// The data-driven weights: each group of indicators of `weights` (the scheme's tree as written)
/// fitted on the scores in `scored`, bottom-up (`scripts` hold a `formula` method's function).
/// Returns the fitted tree and a note for every group whose written weights were kept.
pub fn fit(
    scheme: &Scheme,
    scripts: &ScriptSet,
    weights: &WeightTree,
    scored: &DataFrame,
) -> Result<(WeightTree, Vec<Warning>)> {
    let spec = &scheme.spec;
    let method = spec.weighting.method;
    let mut tree = weights.clone();
    let mut notes = Vec::new();
    if !method.is_data_driven() {
        return Ok((tree, notes));
    }
    let mut frame = scored.clone();
    let levels: Vec<Vec<String>> = tree
        .inner_nodes_by_height()
        .into_iter()
        .map(|level| level.into_iter().map(|n| n.id.clone()).collect())
        .collect();
    for level in levels {
        let mut aggregated = Vec::new();
        for id in &level {
            let node = tree.node_mut(id).expect("an inner node of this tree");
            if is_indicator_group(node) {
                match group_weights(
                    &frame,
                    node,
                    method,
                    scripts,
                    spec.weighting.function.as_deref(),
                )? {
                    Some(weights) => rescale(&mut node.children, &weights),
                    None => notes.push(Warning::WeightsKept { node: id.clone() }),
                }
            }
            aggregated.push(
                weighted_mean(&node.children, spec.missing.policy, spec.aggregation.mean)
                    .alias(score_column(id)),
            );
        }
        frame = frame.lazy().with_columns(aggregated).collect()?;
    }
    Ok((tree, notes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const SCHEME: &str = "\
name: t
version: '1'
columns: {id: id}
dimensions:
  - {id: Q, weight: 60}
  - {id: E, weight: 40}
indicators:
  - {id: a, name: a, dimension: Q, direction: up, weight: 1}
  - {id: b, name: b, dimension: Q, direction: up, weight: 1}
  - {id: c, name: c, dimension: Q, direction: up, weight: 2}
  - {id: d, name: d, dimension: E, direction: up, weight: 1}
";

    fn tree_with(weighting: &str) -> Result<WeightTree> {
        let text = format!("{SCHEME}weighting: {weighting}\n");
        let scheme = Scheme::from_text(Path::new("."), Path::new("scheme.yaml"), text)?;
        let tree = WeightTree::from_scheme(&scheme);
        at_plan_time(&scheme, tree).map(|(tree, _)| tree)
    }

    fn weights_of(nodes: &[WeightNode]) -> Vec<f64> {
        nodes.iter().map(|n| n.weight).collect()
    }

    #[test]
    fn equal_weights_the_indicators_of_each_group_alike() {
        let tree = tree_with("{method: equal}").unwrap();
        // Q's three indicators 1/3 each instead of 1:1:2; the dimensions stay 0.6 / 0.4.
        let q = &tree.dimensions[0];
        for w in weights_of(&q.children) {
            assert!((w - 1.0 / 3.0).abs() < 1e-12);
        }
        assert_eq!(weights_of(&tree.dimensions), [0.6, 0.4]);
    }

    #[test]
    fn ahp_matrices_set_the_weights_of_their_nodes() {
        // methods.md §2.3(c): [[1,3,5],[1/3,1,3],[1/5,1/3,1]] → 0.6370, 0.2583, 0.1047 (eigenvector).
        let tree = tree_with(
            "{method: ahp, matrices: {Q: [[1, 3, 5], [0.3333333333333333, 1, 3], [0.2, 0.3333333333333333, 1]], total: [[1, 2], [0.5, 1]]}}",
        )
        .unwrap();
        let q = weights_of(&tree.dimensions[0].children);
        for (w, e) in q.iter().zip([0.6370, 0.2583, 0.1047]) {
            assert!((w - e).abs() < 1e-4, "{q:?}");
        }
        // methods.md §2.3(c): λmax 3.0385, CI 0.0193, CR 0.0332; the 2×2 total is consistent.
        let text = format!(
            "{SCHEME}weighting: {{method: ahp, matrices: {{Q: [[1, 3, 5], [0.3333333333333333, 1, 3], [0.2, 0.3333333333333333, 1]]}}}}\n"
        );
        let scheme = Scheme::from_text(Path::new("."), Path::new("scheme.yaml"), text).unwrap();
        let (_, consistency) = at_plan_time(&scheme, WeightTree::from_scheme(&scheme)).unwrap();
        assert_eq!(consistency.len(), 1);
        let q = &consistency[0];
        assert_eq!(q.node, "Q");
        assert!((q.lambda_max - 3.0385).abs() < 1e-4, "{q:?}");
        assert!(
            (q.ci - 0.0193).abs() < 1e-4 && (q.cr - 0.0332).abs() < 1e-4,
            "{q:?}"
        );
        // total: 1:2 judged → 2/3, 1/3.
        let dims = weights_of(&tree.dimensions);
        assert!((dims[0] - 2.0 / 3.0).abs() < 1e-9 && (dims[1] - 1.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn inconsistent_or_misshapen_matrices_are_refused() {
        // a > b (9), b > c (9), but c > a (9): far from consistent.
        let err = tree_with(
            "{method: ahp, matrices: {Q: [[1, 9, 0.1111111111111111], [0.1111111111111111, 1, 9], [9, 0.1111111111111111, 1]]}}",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("weighting.matrices.Q"), "{err}");
        assert!(err.contains("CR"), "{err}");
        let err = tree_with("{method: ahp, matrices: {Q: [[1, 2], [0.5, 1]]}}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("a 3×3 matrix is needed"), "{err}");
        assert!(err.contains("a, b, c"), "{err}");
        let err = tree_with("{method: ahp, matrices: {X: [[1]]}}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("names \"X\""), "{err}");
    }
}
