//! Formulas computed once (issue 11): a binding read by several formulas is one intermediate
//! column, so the planned expressions grow in proportion to the script, not with every reuse;
//! and no formula may grow past `MAX_FORMULA_NODES` nodes.

use std::path::Path;

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::script::shared::{node_count, MAX_FORMULA_NODES};
use jixiao::script::ScriptSet;
use polars::prelude::*;
use proptest::prelude::*;

mod common;

const SCHEME: &str = "name: t\nversion: '1'\ncolumns: {id: 编码}\ndimensions: [{id: 质量, weight: 1}]\nindicators:\n  - {id: R, name: 值, dimension: 质量, direction: up, weight: 1}\n";

fn plan_of(script: &str) -> jixiao::error::Result<Plan> {
    let dir = std::env::temp_dir();
    let scheme = Scheme::from_text(&dir, &dir.join("scheme.yaml"), SCHEME.into())?;
    let scripts =
        ScriptSet::from_sources(&scheme, vec![("indicators.rhai".into(), script.into())])?;
    Plan::with_scripts(scheme, scripts)
}

/// Nodes polars is given to plan: the intermediates' stages and the indicator's value.
fn planned_nodes(plan: &Plan) -> usize {
    plan.intermediates.stage_nodes()
        + plan
            .indicators
            .iter()
            .map(|i| node_count(&i.value.expr))
            .sum::<usize>()
}

/// The indicator's values for x = 1, 2, 3.
fn values(plan: &Plan) -> Vec<Option<f64>> {
    let frame = df!("编码" => ["A", "B", "C"], "x" => [1.0, 2.0, 3.0]).unwrap();
    let loaded = jixiao::pipeline::prepare_for(plan, frame, Path::new("data"), None).unwrap();
    let keep = jixiao::pipeline::ScoreOptions {
        keep_scored: true,
        ..Default::default()
    };
    let run = jixiao::pipeline::score_loaded_with(plan, loaded, keep).unwrap();
    let sorted = run
        .scored
        .expect("kept")
        .sort(["编码"], SortMultipleOptions::default())
        .unwrap();
    common::floats(&sorted, "R")
}

fn close(actual: &[Option<f64>], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(expected) {
        let a = a.unwrap_or(f64::NAN);
        assert!(
            (a - e).abs() <= 1e-9 * e.abs().max(1.0),
            "{actual:?} vs {expected:?}"
        );
    }
}

fn chain(steps: usize) -> String {
    format!(
        "let f = col(\"x\");\n{}let R = f;\n",
        "f = f * 1.5 + 1;\n".repeat(steps)
    )
}

fn doublings(steps: usize) -> String {
    format!(
        "let f = col(\"x\") + 1;\n{}let R = f;\n",
        "f = f + f;\n".repeat(steps)
    )
}

/// Each step reads `f` twice through two bindings: naively 2^steps copies.
fn diamonds(steps: usize) -> String {
    format!(
        "let f = col(\"x\") + 1;\n{}let R = f;\n",
        "let a = f * 2; let b = f - 3; f = a - b;\n".repeat(steps)
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The planned expressions of a chain of n bindings have at most a fixed number of nodes per
    /// line of script, and the values are the chain's.
    #[test]
    fn a_chain_of_bindings_plans_linearly(steps in 1usize..400) {
        let plan = plan_of(&chain(steps)).unwrap();
        let nodes = planned_nodes(&plan);
        prop_assert!(nodes <= 8 * steps + 16, "{steps} steps: {nodes} nodes");
        if steps <= 40 {
            let expected: Vec<f64> = [1.0, 2.0, 3.0]
                .iter()
                .map(|x| (0..steps).fold(*x, |v, _| v * 1.5 + 1.0))
                .collect();
            close(&values(&plan), &expected);
        }
    }

    /// `f = f + f` n times is 2^n copies when expanded; planned, a fixed number of nodes per
    /// line, and the values are (x + 1)·2^n.
    #[test]
    fn doublings_of_a_binding_plan_linearly(steps in 1usize..60) {
        let plan = plan_of(&doublings(steps)).unwrap();
        let nodes = planned_nodes(&plan);
        prop_assert!(nodes <= 8 * steps + 16, "{steps} steps: {nodes} nodes");
        let scale = 2f64.powi(steps as i32);
        close(&values(&plan), &[2.0 * scale, 3.0 * scale, 4.0 * scale]);
    }

    /// A binding read by two others at every step, as a scheme's shared intermediates are.
    #[test]
    fn bindings_read_twice_plan_linearly(steps in 1usize..60) {
        let plan = plan_of(&diamonds(steps)).unwrap();
        let nodes = planned_nodes(&plan);
        prop_assert!(nodes <= 16 * steps + 16, "{steps} steps: {nodes} nodes");
        // f' = 2f − (f − 3) = f + 3
        let expected: Vec<f64> = [2.0, 3.0, 4.0].iter().map(|f| f + 3.0 * steps as f64).collect();
        close(&values(&plan), &expected);
    }
}

/// The evidence of issue 11: 5,000 `f = f + 1` ran past 60 s at 7.7 GB; 40 doublings reached
/// 10 GB. Both now plan into a few nodes per line and run.
#[test]
fn the_issues_long_chain_and_forty_doublings_run() {
    let long = format!(
        "let f = col(\"x\");\n{}let R = f;\n",
        "f = f + 1;\n".repeat(5_000)
    );
    let plan = plan_of(&long).unwrap();
    assert!(
        planned_nodes(&plan) <= 4 * 5_000,
        "{}",
        planned_nodes(&plan)
    );
    close(&values(&plan), &[5_001.0, 5_002.0, 5_003.0]);
    let plan = plan_of(&doublings(40)).unwrap();
    assert!(planned_nodes(&plan) <= 8 * 40 + 16);
    let scale = 2f64.powi(40);
    close(&values(&plan), &[2.0 * scale, 3.0 * scale, 4.0 * scale]);
}

/// A binding read once and small is put back in place; one read twice is computed once, in a
/// stage before the indicators.
#[test]
fn bindings_read_twice_are_computed_once_and_others_inlined() {
    let plan = plan_of("let a = col(\"x\") * 2 + 1;\nlet R = a * 3;\n").unwrap();
    assert!(plan.intermediates.stages.is_empty());
    assert_eq!(node_count(&plan.indicators[0].value.expr), 7);
    let plan = plan_of("let a = col(\"x\") * 2 + 1;\nlet R = a * a;\n").unwrap();
    assert_eq!(plan.intermediates.stages.len(), 1);
    assert_eq!(plan.intermediates.stages[0].len(), 1);
    close(&values(&plan), &[9.0, 25.0, 49.0]);
}

/// Nesting a function that reads its argument twice multiplies the formula; past the cap it is
/// refused at the binding, before polars plans it.
#[test]
fn a_formula_past_the_cap_is_refused_at_its_binding() {
    let nested = |depth: usize| {
        let mut e = "col(\"x\")".to_string();
        for _ in 0..depth {
            e = format!("pct_rank({e})");
        }
        format!("let R = {e};\n")
    };
    let err = plan_of(&nested(13)).err().unwrap().to_string();
    assert!(
        err.contains(&format!(
            "more than the {MAX_FORMULA_NODES} one formula may have"
        )),
        "{err}"
    );
    assert!(err.contains("indicators.rhai:1:5"), "{err}");
    // Read from a variable, the formula is refused where it is read.
    let err = plan_of(&format!(
        "{}let R = y + 1;\n",
        nested(13).replace("let R", "let y")
    ))
    .err()
    .unwrap()
    .to_string();
    assert!(err.contains("`y` has"), "{err}");
    assert!(err.contains("indicators.rhai:2:9"), "{err}");
    // Below the cap, the same nesting plans and runs.
    let plan = plan_of(&nested(3)).unwrap();
    assert_eq!(values(&plan).len(), 3);
}
