//! Contributions: how many points of an institution's weighted total each node of the weight tree
//! brings, so that an evaluator can see why the total is what it is.
//!
//! With the arithmetic weighted mean (the default aggregation) the total is linear in the
//! indicator scores: `weighted = Σ eᵢ · sᵢ` over the weighted indicators, where `eᵢ` is the
//! institution's **own** effective weight of indicator `i`, the product down the tree of each
//! node's share among its siblings. Under `missing.policy: renormalise` that share is
//! `w / Σ w(siblings present)` for a node with a score and 0 for a missing one, so the weight of a
//! missing indicator goes to its present siblings, level by level, exactly as
//! `crate::aggregate` computes; under `zero` it is the written weight, and a missing score counts
//! 0. A node's contribution is `e · s` points; an inner node's equals the sum of its children's,
//! and the dimensions' (or the indicators') add up to `weighted` (the total before bonus,
//! deduction and vetoes) up to floating-point rounding.
//!
//! A geometric or harmonic mean and a total by TOPSIS, VIKOR or WRSR are not weighted sums: no
//! split of their total into per-indicator points is exact, so contributions are refused for them
//! ([`check_supported`]) rather than approximated.

use polars::prelude::*;

use crate::columns::{effective_weight_column, points_column, present_weight_column, score_column};
use crate::error::{Error, Result};
use crate::scheme::{AggregationSpec, Mean, MissingPolicy, Scheme, TotalMethod};
use crate::weight::{WeightNode, WeightTree};

/// Rows `rows` of a scored frame (one holding the aggregation's `<id>.score` columns), in that
/// order, with the effective weight and points columns of [`stages`] added: the contributions of
/// a few institutions — those explained, or a diff's movers — without computing them for all.
/// Equal to the same rows of a run scored with contributions, since every stage is row by row.
pub fn of_rows(
    scored: &DataFrame,
    rows: &[usize],
    tree: &WeightTree,
    policy: MissingPolicy,
) -> Result<DataFrame> {
    let index: Vec<IdxSize> = rows.iter().map(|&r| r as IdxSize).collect();
    let taken = scored.take(&IdxCa::from_vec("rows".into(), index))?;
    let mut query = taken.lazy();
    for stage in stages(tree, policy) {
        query = query.with_columns(stage);
    }
    Ok(query.collect()?)
}

/// The points of every node of `tree` (by id) for a few institutions whose node scores are
/// `scores(id)` (one per institution; `None`: missing) — [`of_rows`] computed natively, operation
/// for operation as [`stages`] computes it (equal to the bit), without planning a query: what the
/// watch loop's diff needs for a handful of movers after each save.
pub fn points_of(
    tree: &WeightTree,
    policy: MissingPolicy,
    institutions: usize,
    scores: &dyn Fn(&str) -> Result<Vec<Option<f64>>>,
) -> Result<std::collections::HashMap<String, Vec<f64>>> {
    let mut out = std::collections::HashMap::new();
    let above = vec![1.0; institutions];
    siblings_points(&tree.dimensions, &above, policy, scores, &mut out)?;
    Ok(out)
}

fn siblings_points(
    siblings: &[WeightNode],
    above: &[f64],
    policy: MissingPolicy,
    scores: &dyn Fn(&str) -> Result<Vec<Option<f64>>>,
    out: &mut std::collections::HashMap<String, Vec<f64>>,
) -> Result<()> {
    let values: Vec<Vec<Option<f64>>> = siblings
        .iter()
        .map(|s| scores(&s.id))
        .collect::<Result<_>>()?;
    let present = |i: usize, k: usize| if values[i][k].is_some() { 1.0 } else { 0.0 };
    // `present_weight`: Σ w·present, added left to right.
    let total: Vec<f64> = (0..above.len())
        .map(|k| {
            (1..siblings.len()).fold(siblings[0].weight * present(0, k), |sum, i| {
                sum + siblings[i].weight * present(i, k)
            })
        })
        .collect();
    for (i, node) in siblings.iter().enumerate() {
        let weight: Vec<f64> = (0..above.len())
            .map(|k| {
                let share = match policy {
                    MissingPolicy::Zero => node.weight,
                    MissingPolicy::Renormalise if total[k] > 0.0 => {
                        node.weight * present(i, k) / total[k]
                    }
                    MissingPolicy::Renormalise => 0.0,
                };
                above[k] * share
            })
            .collect();
        let points = (0..above.len())
            .map(|k| weight[k] * values[i][k].unwrap_or(0.0))
            .collect();
        out.insert(node.id.clone(), points);
        if !node.children.is_empty() {
            siblings_points(&node.children, &weight, policy, scores, out)?;
        }
    }
    Ok(())
}

/// Refuses an aggregation whose total is not a weighted arithmetic mean of the indicator scores.
pub fn check_supported(aggregation: &AggregationSpec) -> Result<()> {
    let what = match (aggregation.total, aggregation.mean) {
        (Some(TotalMethod::Topsis { .. }), _) => "a TOPSIS total (aggregation.total: topsis)",
        (Some(TotalMethod::Vikor { .. }), _) => "a VIKOR total (aggregation.total: vikor)",
        (Some(TotalMethod::Wrsr { .. }), _) => "a WRSR total (aggregation.total: wrsr)",
        (None, Mean::Geometric) => "a geometric mean (aggregation.mean: geometric)",
        (None, Mean::Harmonic) => "a harmonic mean (aggregation.mean: harmonic)",
        (None, Mean::Arithmetic) => return Ok(()),
    };
    Err(Error::Usage {
        message: format!(
            "contributions in points are defined only for a weighted arithmetic mean, and this \
             scheme's total is {what}: it is not a sum of per-indicator parts, so no split of it \
             would add up exactly; score without --contributions, or set aggregation.mean: \
             arithmetic"
        ),
    })
}

/// Refuses a scheme whose indicators' points would not add up to its total: a total that is not a
/// weighted arithmetic mean ([`check_supported`]), or a dimension or sub-dimension normalised at
/// its own level (`normalise:`), whose score is no longer the weighted sum of its children's —
/// points below it would not add up to its points, and points in its units are not the
/// indicators'.
pub fn check_scheme(scheme: &Scheme) -> Result<()> {
    check_supported(&scheme.spec.aggregation)?;
    let normalised = scheme.level_normalisations();
    let Some(id) = normalised.keys().next() else {
        return Ok(());
    };
    let at = scheme
        .span("normalise:", Some(&format!("id: {id}")))
        .map(|span| format!(" ({}:{})", span.file.display(), span.line))
        .unwrap_or_default();
    Err(Error::Usage {
        message: format!(
            "contributions in points need every node's score to be the weighted mean of its \
             children's, and \"{id}\" is normalised across institutions (normalise:{at}): its \
             score is in other units than its children's, so their points would not add up to \
             it; score without --contributions (the node scores are in the output)"
        ),
    })
}

/// The `with_columns` stages that add, for every node of `tree`, its effective weight
/// ([`effective_weight_column`]) and its contribution ([`points_column`]), top-down: one stage per
/// depth, after (under renormalisation) one stage with each sibling group's present weight
/// ([`present_weight_column`]), summed once per group rather than once per sibling. They read the
/// `<id>.score` columns of the aggregation stage.
pub fn stages(tree: &WeightTree, policy: MissingPolicy) -> Vec<Vec<Expr>> {
    let mut out: Vec<Vec<Expr>> = Vec::new();
    let mut groups: Vec<(Option<&str>, &[WeightNode])> = Vec::new();
    let mut level: Vec<(Option<&str>, &[WeightNode])> = vec![(None, &tree.dimensions)];
    let mut levels = Vec::new();
    while !level.is_empty() {
        let mut next = Vec::new();
        for (_, siblings) in &level {
            for node in siblings.iter() {
                if !node.children.is_empty() {
                    next.push((Some(node.id.as_str()), node.children.as_slice()));
                }
            }
        }
        groups.extend(level.iter().copied());
        levels.push(level);
        level = next;
    }
    if policy == MissingPolicy::Renormalise {
        out.push(
            groups
                .iter()
                .map(|(parent, siblings)| {
                    present_weight(siblings).alias(present_weight_column(*parent))
                })
                .collect(),
        );
    }
    for level in levels {
        let mut exprs = Vec::new();
        for (parent, siblings) in &level {
            let above = match parent {
                Some(id) => col(effective_weight_column(id)),
                None => lit(1.0),
            };
            for node in siblings.iter() {
                let weight = above.clone() * share(node, *parent, policy);
                exprs.push(weight.clone().alias(effective_weight_column(&node.id)));
                exprs.push(
                    (weight * col(score_column(&node.id)).fill_null(lit(0.0)))
                        .alias(points_column(&node.id)),
                );
            }
        }
        out.push(exprs);
    }
    out
}

/// Whether a node has a score, as 1.0 or 0.0.
fn present(node: &WeightNode) -> Expr {
    col(score_column(&node.id))
        .is_not_null()
        .cast(DataType::Float64)
}

/// The written weight of the siblings with a score.
fn present_weight(siblings: &[WeightNode]) -> Expr {
    siblings
        .iter()
        .map(|s| lit(s.weight) * present(s))
        .reduce(|a, b| a + b)
        .unwrap_or_else(|| lit(0.0))
}

/// A node's share of its parent's weight for each institution.
fn share(node: &WeightNode, parent: Option<&str>, policy: MissingPolicy) -> Expr {
    match policy {
        MissingPolicy::Zero => lit(node.weight),
        MissingPolicy::Renormalise => {
            let total = col(present_weight_column(parent));
            when(total.clone().gt(lit(0.0)))
                .then(lit(node.weight) * present(node) / total)
                .otherwise(lit(0.0))
        }
    }
}

/// Every node of `tree` in output order: each dimension, then its descendants depth-first.
pub fn nodes(tree: &WeightTree) -> Vec<&WeightNode> {
    fn walk<'a>(node: &'a WeightNode, out: &mut Vec<&'a WeightNode>) {
        out.push(node);
        for child in &node.children {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    for dimension in &tree.dimensions {
        walk(dimension, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate;
    use crate::weight::NodeKind;

    fn node(id: &str, weight: f64, children: Vec<WeightNode>) -> WeightNode {
        WeightNode {
            id: id.into(),
            kind: if children.is_empty() {
                NodeKind::Indicator
            } else {
                NodeKind::Dimension
            },
            weight,
            children,
        }
    }

    /// Dimension D (0.6) over a (0.25) and b (0.75); dimension E (0.4) over c alone.
    fn tree() -> WeightTree {
        WeightTree {
            dimensions: vec![
                node(
                    "D",
                    0.6,
                    vec![node("a", 0.25, vec![]), node("b", 0.75, vec![])],
                ),
                node("E", 0.4, vec![node("c", 1.0, vec![])]),
            ],
        }
    }

    fn run(policy: MissingPolicy) -> DataFrame {
        let frame = df!(
            "a.score" => [Some(80.0), Some(80.0), None],
            "b.score" => [Some(40.0), None, None],
            "c.score" => [Some(50.0), Some(50.0), Some(70.0)],
        )
        .unwrap();
        let tree = tree();
        let mut query = frame.lazy();
        for stage in aggregate::stages(
            &tree,
            policy,
            &AggregationSpec::default(),
            &[],
            &aggregate::Levels::default(),
        ) {
            query = query.with_columns(stage);
        }
        for stage in stages(&tree, policy) {
            query = query.with_columns(stage);
        }
        query.collect().unwrap()
    }

    fn column(frame: &DataFrame, name: &str) -> Vec<f64> {
        frame
            .column(name)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect()
    }

    fn close(actual: &[f64], expected: &[f64]) {
        for (a, e) in actual.iter().zip(expected) {
            assert!((a - e).abs() < 1e-12, "{actual:?} vs {expected:?}");
        }
    }

    #[test]
    fn renormalised_weight_goes_to_present_siblings() {
        let out = run(MissingPolicy::Renormalise);
        // Row 1 all present: a 0.6·0.25·80 = 12, b 0.6·0.75·40 = 18, c 0.4·50 = 20; total 50.
        // Row 2 b missing: a carries all of D, 0.6·80 = 48; c 20; total 68.
        // Row 3 D missing entirely: E carries all the weight, c 70; total 70.
        close(&column(&out, "a.points"), &[12.0, 48.0, 0.0]);
        close(&column(&out, "b.points"), &[18.0, 0.0, 0.0]);
        close(&column(&out, "c.points"), &[20.0, 20.0, 70.0]);
        close(&column(&out, "D.points"), &[30.0, 48.0, 0.0]);
        close(&column(&out, "E.points"), &[20.0, 20.0, 70.0]);
        close(&column(&out, "__weight.a"), &[0.15, 0.6, 0.0]);
        close(&column(&out, "__weight.c"), &[0.4, 0.4, 1.0]);
        close(&column(&out, "weighted"), &[50.0, 68.0, 70.0]);
    }

    #[test]
    fn zero_policy_keeps_written_weights() {
        let out = run(MissingPolicy::Zero);
        // Row 2: a 12, b missing → 0, c 20; total 32. Row 3: 0 + 0 + 28.
        close(&column(&out, "a.points"), &[12.0, 12.0, 0.0]);
        close(&column(&out, "b.points"), &[18.0, 0.0, 0.0]);
        close(&column(&out, "c.points"), &[20.0, 20.0, 28.0]);
        close(&column(&out, "weighted"), &[50.0, 32.0, 28.0]);
        close(&column(&out, "__weight.b"), &[0.45, 0.45, 0.45]);
    }

    #[test]
    fn non_linear_totals_are_refused() {
        let geometric = AggregationSpec {
            mean: Mean::Geometric,
            total: None,
        };
        let message = check_supported(&geometric).unwrap_err().to_string();
        assert!(message.contains("geometric mean"), "{message}");
        assert!(check_supported(&AggregationSpec::default()).is_ok());
    }

    /// The hand example of `renormalised_weight_goes_to_present_siblings`, natively.
    #[test]
    fn points_natively_by_hand() {
        let tree = tree();
        let scores = |id: &str| -> Result<Vec<Option<f64>>> {
            Ok(match id {
                "a" => vec![Some(80.0), Some(80.0), None],
                "b" => vec![Some(40.0), None, None],
                "c" => vec![Some(50.0), Some(50.0), Some(70.0)],
                // D = (0.25·80 + 0.75·40) = 50, then 80 and missing; E = c.
                "D" => vec![Some(50.0), Some(80.0), None],
                _ => vec![Some(50.0), Some(50.0), Some(70.0)],
            })
        };
        let points = points_of(&tree, MissingPolicy::Renormalise, 3, &scores).unwrap();
        close(&points["a"], &[12.0, 0.6 * 80.0, 0.0]);
        close(&points["b"], &[18.0, 0.0, 0.0]);
        close(&points["c"], &[20.0, 20.0, 70.0]);
        close(&points["D"], &[30.0, 48.0, 0.0]);
    }

    proptest::proptest! {
        /// Native points equal the query's to the bit, for random trees, weights, scores and
        /// missing values, under both policies.
        #[test]
        fn points_natively_equal_the_query(
            shape in proptest::collection::vec(proptest::collection::vec(0usize..3, 1..4), 1..4),
            weights in proptest::collection::vec(0.0f64..5.0, 40),
            values in proptest::collection::vec(proptest::option::weighted(0.8, -50.0f64..150.0), 40 * 6),
            renormalise in proptest::bool::ANY,
        ) {
            // Dimension d has children d.c, each with `grand` children of its own.
            let mut w = weights.iter().copied().cycle();
            let mut ids = Vec::new();
            let dimensions: Vec<WeightNode> = shape.iter().enumerate().map(|(d, children)| {
                let children = children.iter().enumerate().map(|(c, &grand)| {
                    let id = format!("n{d}.{c}");
                    let grand: Vec<WeightNode> = (0..grand).map(|g| {
                        let id = format!("n{d}.{c}.{g}");
                        ids.push(id.clone());
                        node(&id, w.next().unwrap(), vec![])
                    }).collect();
                    ids.push(id.clone());
                    node(&id, w.next().unwrap(), grand)
                }).collect();
                let id = format!("n{d}");
                ids.push(id.clone());
                node(&id, w.next().unwrap(), children)
            }).collect();
            let tree = WeightTree { dimensions };
            let policy = if renormalise { MissingPolicy::Renormalise } else { MissingPolicy::Zero };
            let rows = 6;
            let column = |i: usize| -> Vec<Option<f64>> {
                (0..rows).map(|k| values[(i * rows + k) % values.len()]).collect()
            };
            let frame = DataFrame::new(
                rows,
                ids.iter()
                    .enumerate()
                    .map(|(i, id)| Column::new(score_column(id).into(), column(i)))
                    .collect(),
            )
            .unwrap();
            let by_query = of_rows(&frame, &(0..rows).collect::<Vec<_>>(), &tree, policy).unwrap();
            let scores = |id: &str| -> Result<Vec<Option<f64>>> {
                Ok(column(ids.iter().position(|i| i == id).unwrap()))
            };
            let native = points_of(&tree, policy, rows, &scores).unwrap();
            for id in &ids {
                let expected: Vec<u64> = by_query
                    .column(&points_column(id))
                    .unwrap()
                    .f64()
                    .unwrap()
                    .iter()
                    .map(|v| v.unwrap().to_bits())
                    .collect();
                let got: Vec<u64> = native[id].iter().map(|v| v.to_bits()).collect();
                proptest::prop_assert_eq!(got, expected, "node {}", id);
            }
        }
    }
}
