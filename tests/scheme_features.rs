//! The scheme features the national schemes need, end to end on three hospitals
//! (tests/fixtures/features), every number computed by hand.
//!
//! | | 甲 % (P_a, up) | 乙 (P_b, down, weight 3) | 预算管理 (L) | 护士/医师 (R, 1:X) | E |
//! |---|---|---|---|---|---|
//! | A | 20 → min-max 0 | 4 → (6−4)/(6−2) = 50 | 完善 = 3 → 100 | 300/200 = 1.5 | 10 → 0 |
//! | B | 30 → 50 | 2 → 100 | 基本完善 = 1 → 33.333333 | 250/250 = 1.0 | 20 → 50 |
//! | C | 40 → 100 | 6 → 0 | 优秀: not a level → missing | 440/200 = 2.2 | 30 → 100 |
//!
//! P (parts 1:3) = (P_a + 3·P_b)/4: A 37.5, B 87.5, C 25.
//! 质量 (P 2, L 1; R is monitor, reported only): A (2·37.5 + 100)/3 = 58.333333,
//! B (175 + 33.333333)/3 = 69.444444, C only P → 25.
//! Total 0.6·质量 + 0.4·E: A 35, B 41.666667 + 20 = 61.67, C 15 + 40 = 55.

use std::path::Path;

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use polars::prelude::*;

mod common;
use common::floats;

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/features")
}

fn score(yaml_edit: impl FnOnce(String) -> String) -> jixiao::pipeline::ScoreRun {
    let dir = fixture();
    let text = std::fs::read_to_string(dir.join("scheme.yaml")).unwrap();
    let scheme = Scheme::from_text(&dir, &dir.join("scheme.yaml"), yaml_edit(text)).unwrap();
    let plan = Plan::compile(scheme).unwrap();
    jixiao::pipeline::score(&plan, &dir.join("current.csv").into(), None).unwrap()
}

/// The column's values in institution-id order (A, B, C).
fn by_id(table: &DataFrame, column: &str) -> Vec<Option<f64>> {
    let sorted = table
        .sort(["编码"], SortMultipleOptions::default())
        .unwrap();
    floats(&sorted, column)
}

fn close(actual: &[Option<f64>], expected: &[Option<f64>]) {
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(expected) {
        match (a, e) {
            (Some(a), Some(e)) => assert!((a - e).abs() < 1e-6, "{actual:?} vs {expected:?}"),
            (None, None) => {}
            _ => panic!("{actual:?} vs {expected:?}"),
        }
    }
}

#[test]
fn parts_roll_up_into_their_parent() {
    let run = score(|t| t);
    let t = &run.table;
    close(&by_id(t, "P_a"), &[Some(20.0), Some(30.0), Some(40.0)]);
    close(
        &by_id(t, "P_a.score"),
        &[Some(0.0), Some(50.0), Some(100.0)],
    );
    close(
        &by_id(t, "P_b.score"),
        &[Some(50.0), Some(100.0), Some(0.0)],
    );
    close(&by_id(t, "P.score"), &[Some(37.5), Some(87.5), Some(25.0)]);
    close(
        &by_id(t, "质量.score"),
        &[Some(58.333333), Some(69.444444), Some(25.0)],
    );
    close(&by_id(t, "score"), &[Some(35.0), Some(61.67), Some(55.0)]);
    // A bundle has no value column of its own.
    assert!(t.column("P").is_err());
}

#[test]
fn graded_levels_map_to_numbers_and_unknown_levels_are_counted() {
    let run = score(|t| t);
    close(&by_id(&run.table, "L"), &[Some(3.0), Some(1.0), None]);
    close(
        &by_id(&run.table, "L.score"),
        &[Some(100.0), Some(33.333333), None],
    );
    assert_eq!(run.summary.load.unknown_levels.get("预算管理"), Some(&1));
    let summary = run.summary.to_string();
    assert!(
        summary.contains(
            "1 cell that is none of the column's levels (read as missing): row 4 预算管理"
        ),
        "{summary}"
    );
    let flags = run.table.column("flags").unwrap().str().unwrap().clone();
    assert_eq!(
        flags
            .iter()
            .filter(|f| f.is_some_and(|f| f.contains("unknown level: 预算管理")))
            .count(),
        1
    );
}

#[test]
fn ratios_are_stored_as_numbers_and_shown_as_one_to_x() {
    let run = score(|t| t);
    let sorted = run
        .table
        .sort(["编码"], SortMultipleOptions::default())
        .unwrap();
    close(&floats(&sorted, "R"), &[Some(1.5), Some(1.0), Some(2.2)]);
    let shown: Vec<Option<&str>> = sorted
        .column("R.display")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(shown, [Some("1:1.50"), Some("1:1.00"), Some("1:2.20")]);
    // Monitor indicators are reported, not scored, by default.
    assert!(sorted.column("R.score").is_err());
}

#[test]
fn monitor_indicators_score_by_distance_from_the_median_when_switched_on() {
    // R = 1.5, 1.0, 2.2: median 1.5, distances 0, 0.5, 0.7 → 100, (1 − 0.5/0.7)·100 = 28.571429, 0.
    // With monitor scoring on every monitor indicator needs a weight: V gets 0 (scored, no weight).
    let run = score(|t| {
        t.replace(
            "  - {id: V, name: 不良事件数, dimension: 质量, direction: monitor}",
            "  - {id: V, name: 不良事件数, dimension: 质量, direction: monitor, weight: 0}",
        ) + "monitor: {score: true, scoring: {method: median_distance}}\n"
    });
    let t = &run.table;
    close(
        &by_id(t, "R.score"),
        &[Some(100.0), Some(28.571429), Some(0.0)],
    );
    // 质量 (P 2, L 1, R 1): A (75 + 100 + 100)/4 = 68.75; B (175 + 33.333333 + 28.571429)/4 =
    // 59.226190; C (50 + 0)/3 = 16.666667 (L missing).
    close(
        &by_id(t, "质量.score"),
        &[Some(68.75), Some(59.226190), Some(16.666667)],
    );
    // Total: A 41.25; B 35.535714 + 20 = 55.54; C 10 + 40 = 50.
    close(&by_id(t, "score"), &[Some(41.25), Some(55.54), Some(50.0)]);
}

#[test]
fn points_coefficient_correction_and_budget() {
    // Rules: P_a at least 30 for 10 points; V (不良事件数) = 0 for 5 points.
    // A: 10·20/30 = 6.666667 + 5 = 11.666667 / 15 = 0.777778 → 0.7778 < 0.85 → 1000 × 0.7778 = 777.8
    // B: 10 + 0 = 10 / 15 = 0.666667 → 0.6667 → 800 × 0.6667 = 533.36
    // C: 10 + 5 = 15 / 15 = 1 → 500 stays
    // Σ = 1811.16; 10000 元 = 1 000 000 分 shared: A 429448.53, B 294485.30, C 276066.17 分;
    // floors 429448 + 294485 + 276066 = 999999, 1 分 left → largest remainder A (0.53).
    let run = score(|t| t);
    let t = &run.table;
    close(
        &by_id(t, "质控.coefficient"),
        &[Some(0.7778), Some(0.6667), Some(1.0)],
    );
    close(
        &by_id(t, "质控.corrected_points"),
        &[Some(777.8), Some(533.36), Some(500.0)],
    );
    close(
        &by_id(t, "质控.money"),
        &[Some(4294.49), Some(2944.85), Some(2760.66)],
    );
    close(
        &by_id(t, "money"),
        &[Some(4294.49), Some(2944.85), Some(2760.66)],
    );
    let summary = &run.summary.points[0];
    assert_eq!((summary.paid, summary.corrected), (10000.0, 2));
}

#[test]
fn points_rules_must_name_indicators_with_values() {
    let dir = fixture();
    let text = std::fs::read_to_string(dir.join("scheme.yaml"))
        .unwrap()
        .replace(
            "{indicator: P_a, rule: at_least, target: 30",
            "{indicator: P, rule: at_least",
        )
        .replace(
            "{indicator: V, rule: no_full, points: 5}",
            "{indicator: V, rule: no_full, target: 1, points: 5}",
        );
    let err = Scheme::from_text(&dir, &dir.join("scheme.yaml"), text)
        .unwrap_err()
        .to_string();
    // P is a bundle of parts: it has a score but no value.
    assert!(
        err.contains("names indicator \"P\", which has no value column"),
        "{err}"
    );
    assert!(
        err.contains("rules read indicators and parts that have a formula"),
        "{err}"
    );
    assert!(err.contains("is yes/no and takes no `target`"), "{err}");
}

#[test]
fn ratios_equal_on_paper_tie_despite_float_noise() {
    // 2200 / (16000 × 0.275) and 6600 / (48000 × 0.275) are both 0.5 exactly on paper, but the
    // second comes out as 0.49999999999999994 in floating point; the values are rounded before
    // ranking, so both hospitals tie for the best percentile rank.
    let frame = df!(
        "编码" => ["A", "B", "C"],
        "分子" => [2200.0, 6600.0, 1000.0],
        "人口" => [16000.0, 48000.0, 16000.0],
    )
    .unwrap();
    assert_ne!(6600.0 / (48000.0 * 0.275), 2200.0 / (16000.0 * 0.275));
    let dir = std::env::temp_dir();
    let text = "name: t\nversion: '1'\ncolumns: {id: 编码}\ndimensions: [{id: 质量, weight: 1}]\nindicators:\n  - {id: R, name: 管理率, dimension: 质量, direction: up, weight: 1}\n";
    let scheme = Scheme::from_text(&dir, &dir.join("scheme.yaml"), text.into()).unwrap();
    let scripts = jixiao::script::ScriptSet::from_sources(
        &scheme,
        vec![(
            "indicators.rhai".into(),
            "let R = col(\"分子\") / (col(\"人口\") * 0.275);".into(),
        )],
    )
    .unwrap();
    let plan = Plan::with_scripts(scheme, scripts).unwrap();
    let loaded = jixiao::pipeline::prepare_for(&plan, frame, Path::new("data"), None).unwrap();
    let run = jixiao::pipeline::score_loaded(&plan, loaded).unwrap();
    // A and B tie at rank 2 of 3 from the worst: (2 − 1)/(3 − 1) × 100 = 50 each; C is last (0).
    // Unrounded, B would sit just below A: A 100, B 50.
    close(
        &by_id(&run.table, "R.score"),
        &[Some(50.0), Some(50.0), Some(0.0)],
    );
}

#[test]
fn geometric_aggregation_lets_no_strength_make_up_for_a_zero() {
    // Geometric means at every level (parts 1:3, 质量 P 2 : L 1, total 质量 0.6 : 效率 0.4):
    // A: P_a scores 0 → P = 0 → 质量 = 0 → total 0.  C: P_b scores 0 → P = 0 → 质量 0 → total 0.
    // B: P = 50^0.25 · 100^0.75 = 84.089642; 质量 = 84.089642^(2/3) · 33.333333^(1/3) = 61.771467;
    //    total = 61.771467^0.6 · 50^0.4 = 56.762400 → 56.76.
    let run = score(|t| t + "aggregation: {mean: geometric}\n");
    let t = &run.table;
    close(
        &by_id(t, "P.score"),
        &[Some(0.0), Some(84.089642), Some(0.0)],
    );
    close(
        &by_id(t, "质量.score"),
        &[Some(0.0), Some(61.771467), Some(0.0)],
    );
    close(&by_id(t, "score"), &[Some(0.0), Some(56.76), Some(0.0)]);
    // A and C tie behind B.
    close(&by_id(t, "rank"), &[Some(2.0), Some(1.0), Some(2.0)]);
}

#[test]
fn one_column_of_levels_cannot_have_two_maps() {
    let dir = fixture();
    let scheme = Scheme::load(&dir).unwrap();
    let script = std::fs::read_to_string(dir.join("indicators.rhai"))
        .unwrap()
        .replace(
            "let E = col(\"效率值\");",
            "let E = levels(\"预算管理\", #{\"完善\": 100, \"不完善\": 0});",
        );
    let scripts =
        jixiao::script::ScriptSet::from_sources(&scheme, vec![("indicators.rhai".into(), script)])
            .unwrap();
    let err = Plan::with_scripts(scheme, scripts)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("column \"预算管理\" is read by levels(…) with two different maps"),
        "{err}"
    );
}
