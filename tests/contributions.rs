//! Contributions (`score --contributions`): for every institution of every shipped scheme, the
//! indicators' points, and each level's, add up to its weighted total within 1e-9, the
//! institution's own effective weights (after missing-data renormalisation) sum to 1, and an inner
//! node's points are its children's sum. Also under the `zero` missing policy, and for random
//! weights and random missing scores (proptest).

use std::path::PathBuf;

use jixiao::columns::{effective_weight_column, points_column, WEIGHTED_COLUMN};
use jixiao::pipeline::{self, ScoreRun};
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::weight::{WeightNode, WeightTree};
use polars::prelude::*;
use proptest::prelude::*;

mod common;
use common::floats;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn plan_of(name: &str, edit: impl FnOnce(String) -> String) -> Plan {
    let dir = root().join("scoring").join(name);
    let yaml = dir.join("scheme.yaml");
    let text = edit(std::fs::read_to_string(&yaml).unwrap());
    Plan::compile(Scheme::from_text(&dir, &yaml, text).unwrap()).unwrap()
}

fn run_with_contributions(plan: &Plan, name: &str) -> ScoreRun {
    let data = root().join("datasets").join(name);
    pipeline::score_with(
        plan,
        &data.join("current.csv").into(),
        Some(&data.join("previous.csv").into()),
        pipeline::ScoreOptions::CONTRIBUTIONS_KEPT,
    )
    .unwrap()
}

fn values(frame: &DataFrame, name: &str) -> Vec<f64> {
    floats(frame, name)
        .into_iter()
        .map(|v| v.expect("contributions are never missing"))
        .collect()
}

/// Checks every row of `scored`; returns how many rows had a weighted total and how many of them
/// were scored on less than the full weight (so a caller can check renormalisation was exercised).
fn check_sums(scored: &DataFrame, tree: &WeightTree) -> (usize, usize) {
    let weighted = floats(scored, WEIGHTED_COLUMN);
    let mut leaves = Vec::new();
    fn walk<'a>(node: &'a WeightNode, leaves: &mut Vec<&'a WeightNode>, scored: &DataFrame) {
        if node.is_leaf() {
            leaves.push(node);
            return;
        }
        // An inner node's points are the sum of its children's.
        let own = values(scored, &points_column(&node.id));
        let mut sum = vec![0.0; own.len()];
        for child in &node.children {
            for (s, v) in sum
                .iter_mut()
                .zip(values(scored, &points_column(&child.id)))
            {
                *s += v;
            }
            walk(child, leaves, scored);
        }
        for (row, (a, b)) in own.iter().zip(&sum).enumerate() {
            assert!((a - b).abs() < 1e-9, "{} row {row}: {a} vs {b}", node.id);
        }
    }
    for dimension in &tree.dimensions {
        walk(dimension, &mut leaves, scored);
    }
    let sum_over = |ids: &[&str], column: fn(&str) -> String| {
        let mut sum = vec![0.0; scored.height()];
        for id in ids {
            for (s, v) in sum.iter_mut().zip(values(scored, &column(id))) {
                *s += v;
            }
        }
        sum
    };
    let leaf_ids: Vec<&str> = leaves.iter().map(|n| n.id.as_str()).collect();
    let dimension_ids: Vec<&str> = tree.dimensions.iter().map(|d| d.id.as_str()).collect();
    let by_leaf = sum_over(&leaf_ids, points_column);
    let by_dimension = sum_over(&dimension_ids, points_column);
    let own_weight = sum_over(&leaf_ids, effective_weight_column);
    let written: Vec<f64> = tree.effective_weights().iter().map(|(_, w)| *w).collect();
    let (mut scored_rows, mut partial) = (0, 0);
    for row in 0..scored.height() {
        match weighted[row] {
            Some(total) => {
                scored_rows += 1;
                assert!(
                    (by_leaf[row] - total).abs() < 1e-9,
                    "row {row}: indicators {} vs weighted {total}",
                    by_leaf[row]
                );
                assert!(
                    (by_dimension[row] - total).abs() < 1e-9,
                    "row {row}: dimensions {} vs weighted {total}",
                    by_dimension[row]
                );
                assert!(
                    (own_weight[row] - 1.0).abs() < 1e-9,
                    "row {row}: own weights sum to {}",
                    own_weight[row]
                );
                let moved = leaf_ids.iter().zip(&written).any(|(id, w)| {
                    (values(scored, &effective_weight_column(id))[row] - w).abs() > 1e-12
                });
                partial += moved as usize;
            }
            None => assert_eq!(by_leaf[row], 0.0, "row {row}: unscored, no points"),
        }
    }
    (scored_rows, partial)
}

const SHIPPED: [&str; 4] = [
    "tertiary-core",
    "tertiary-2020",
    "secondary-2020",
    "primary-care",
];

#[test]
fn contributions_add_up_for_every_shipped_scheme() {
    for name in SHIPPED {
        let plan = plan_of(name, |t| t);
        let run = run_with_contributions(&plan, name);
        let (scored, partial) = check_sums(run.scored.as_ref().unwrap(), &run.weights);
        assert!(scored > 100, "{name}: {scored} institutions scored");
        // Every shipped dataset has institutions with missing indicators: renormalisation is
        // exercised, not only the written weights.
        assert!(
            partial > 0,
            "{name}: no institution had its weights renormalised"
        );
    }
}

#[test]
fn contributions_add_up_under_the_zero_policy() {
    for name in ["tertiary-core", "tertiary-2020"] {
        let plan = plan_of(name, |t| {
            t.replacen("policy: renormalise", "policy: zero", 1)
        });
        assert_eq!(
            plan.scheme.spec.missing.policy,
            jixiao::scheme::MissingPolicy::Zero
        );
        let run = run_with_contributions(&plan, name);
        let (_, partial) = check_sums(run.scored.as_ref().unwrap(), &run.weights);
        assert_eq!(partial, 0, "{name}: the zero policy never moves weight");
    }
}

#[test]
fn the_output_table_shows_points_beside_scores_and_the_weighted_total() {
    let plan = plan_of("tertiary-core", |t| t);
    let run = run_with_contributions(&plan, "tertiary-core");
    let names: Vec<String> = run
        .table
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let at = |n: &str| {
        names
            .iter()
            .position(|c| c == n)
            .unwrap_or_else(|| panic!("{n} missing"))
    };
    assert_eq!(at("T4.points"), at("T4.score") + 1);
    assert_eq!(at("医疗质量.points"), at("医疗质量.score") + 1);
    assert!(names.contains(&WEIGHTED_COLUMN.to_string()));
    assert!(!names.iter().any(|n| n.starts_with("__")), "{names:?}");
    // Without the flag, no points columns.
    let data = root().join("datasets/tertiary-core");
    let plain = pipeline::score(
        &plan,
        &data.join("current.csv").into(),
        Some(&data.join("previous.csv").into()),
    )
    .unwrap();
    assert!(!plain
        .table
        .get_column_names()
        .iter()
        .any(|n| n.ends_with(".points")));
}

#[test]
fn contributions_are_refused_for_a_geometric_mean() {
    let plan = plan_of("tertiary-core", |t| {
        format!("{t}\naggregation: {{mean: geometric}}\n")
    });
    let data = root().join("datasets/tertiary-core");
    let run = pipeline::score(
        &plan,
        &data.join("current.csv").into(),
        Some(&data.join("previous.csv").into()),
    )
    .unwrap();
    assert!(run.scored.is_none(), "a plain run keeps no scored frame");
    let error = pipeline::score_with(
        &plan,
        &data.join("current.csv").into(),
        Some(&data.join("previous.csv").into()),
        pipeline::ScoreOptions::CONTRIBUTIONS_KEPT,
    )
    .err()
    .expect("refused");
    assert_eq!(error.exit_code(), 1);
    assert!(error.to_string().contains("geometric mean"), "{error}");
}

/// The tertiary-core run's indicator scores, loaded once.
fn cached() -> &'static (Plan, jixiao::load::LoadedData, pipeline::IndicatorScores) {
    static CACHE: std::sync::OnceLock<(Plan, jixiao::load::LoadedData, pipeline::IndicatorScores)> =
        std::sync::OnceLock::new();
    CACHE.get_or_init(|| {
        let plan = plan_of("tertiary-core", |t| t);
        let data = root().join("datasets/tertiary-core");
        let loaded = pipeline::load_for(
            &plan,
            &data.join("current.csv").into(),
            Some(&data.join("previous.csv").into()),
        )
        .unwrap();
        let scores = pipeline::score_indicators(&plan, loaded.frame.clone()).unwrap();
        (plan, loaded, scores)
    })
}

fn reweighted(node: &mut WeightNode, weights: &mut impl Iterator<Item = f64>) {
    for child in &mut node.children {
        child.weight = weights.next().unwrap();
        reweighted(child, weights);
    }
    let sum: f64 = node.children.iter().map(|c| c.weight).sum();
    for child in &mut node.children {
        child.weight /= sum;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// Any weights, and any indicator scores blanked (one indicator per chosen stride of rows):
    /// the points still add up to the weighted total.
    #[test]
    fn contributions_add_up_for_any_weights_and_missing_scores(
        weights in proptest::collection::vec(0.01f64..10.0, 200),
        blank in proptest::collection::vec((0usize..40, 2usize..7), 0..8),
    ) {
        let (plan, loaded, scores) = cached();
        let mut tree = scores.weights.clone();
        let mut next = weights.into_iter().cycle();
        for dimension in &mut tree.dimensions {
            dimension.weight = next.next().unwrap();
            reweighted(dimension, &mut next);
        }
        let sum: f64 = tree.dimensions.iter().map(|d| d.weight).sum();
        for dimension in &mut tree.dimensions {
            dimension.weight /= sum;
        }
        let leaves: Vec<String> = tree.effective_weights().into_iter().map(|(id, _)| id).collect();
        let mut frame = scores.frame.clone();
        for (which, stride) in blank {
            let column = jixiao::columns::score_column(&leaves[which % leaves.len()]);
            let blanked: Vec<Option<f64>> = floats(&frame, &column)
                .into_iter()
                .enumerate()
                .map(|(row, v)| if row % stride == 0 { None } else { v })
                .collect();
            frame.with_column(Series::new(column.as_str().into(), blanked).into_column()).unwrap();
        }
        let blanked = pipeline::IndicatorScores { frame, weights: tree.clone(), weight_notes: Vec::new() };
        let run = pipeline::rescore_with(plan, loaded, &blanked, &tree, pipeline::ScoreOptions::CONTRIBUTIONS_KEPT).unwrap();
        check_sums(run.scored.as_ref().unwrap(), &run.weights);
    }
}
