//! End-to-end scoring of the tiny fixture, every number computed by hand.
//!
//! Data (tests/fixtures/tiny): four hospitals, two peer groups, one missing from last year.
//! | | Q1 手术占比 (up, min-max) | Q2 死亡率 (down, goalposts 2→0) | E1 费用增幅 (down, percentile) |
//! |---|---|---|---|
//! | A | 30 → (30−20)/30 = 33.333333 | 1 → 50 | 10% → largest, rank 1 of 3 → 0 |
//! | B | 50 → 100 | 0 → 100 | 0% → 100 |
//! | C | 40 → 66.666667 | 2 → 0 | 5% → 50 |
//! | D | 20 → 0 | 0.5 → 75 | no previous year → missing |
//!
//! 质量 = mean(Q1, Q2): A 41.666667, B 100, C 33.333333, D 37.5. 效率 = E1: A 0, B 100, C 50, D missing.
//! Total 0.6·质量 + 0.4·效率, renormalised: A 25, B 100, C 40, D 37.5 (质量 only).
//! C has a serious incident: vetoed, ranked last, lowest grade.

use std::path::Path;

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use polars::prelude::*;

mod common;
use common::floats;

fn tiny_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny")
}

/// Scores the tiny fixture's data (both periods) with `plan`.
fn score_tiny(plan: &Plan) -> jixiao::pipeline::ScoreRun {
    let dir = tiny_dir();
    jixiao::pipeline::score(
        plan,
        &dir.join("current.csv").into(),
        Some(&dir.join("previous.csv").into()),
    )
    .unwrap()
}

fn run_tiny() -> DataFrame {
    let dir = tiny_dir();
    let plan = Plan::compile(Scheme::load(&dir).unwrap()).unwrap();
    let run = score_tiny(&plan);
    assert_eq!(run.summary.load.missing_in_previous, 1);
    assert_eq!(run.summary.vetoed, 1);
    run.table
}

fn texts(frame: &DataFrame, name: &str) -> Vec<String> {
    frame
        .column(name)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.unwrap_or("").to_string())
        .collect()
}

fn close(actual: &[Option<f64>], expected: &[Option<f64>]) {
    for (a, e) in actual.iter().zip(expected) {
        match (a, e) {
            (Some(a), Some(e)) => assert!((a - e).abs() < 1e-6, "{actual:?} vs {expected:?}"),
            (None, None) => {}
            _ => panic!("{actual:?} vs {expected:?}"),
        }
    }
    assert_eq!(actual.len(), expected.len());
}

#[test]
fn tiny_scheme_scores_as_computed_by_hand() {
    let t = run_tiny();
    // Rank order: B, D, A, then vetoed C.
    assert_eq!(texts(&t, "编码"), ["B", "D", "A", "C"]);
    close(
        &floats(&t, "rank"),
        &[Some(1.0), Some(2.0), Some(3.0), Some(4.0)],
    );
    close(
        &floats(&t, "group_rank"),
        &[Some(1.0), Some(1.0), Some(2.0), Some(2.0)],
    );
    close(
        &floats(&t, "score"),
        &[Some(100.0), Some(37.5), Some(25.0), Some(40.0)],
    );
    close(
        &floats(&t, "Q1"),
        &[Some(50.0), Some(20.0), Some(30.0), Some(40.0)],
    );
    close(
        &floats(&t, "Q1.score"),
        &[Some(100.0), Some(0.0), Some(33.333333), Some(66.666667)],
    );
    close(
        &floats(&t, "Q2.score"),
        &[Some(100.0), Some(75.0), Some(50.0), Some(0.0)],
    );
    close(&floats(&t, "E1"), &[Some(0.0), None, Some(10.0), Some(5.0)]);
    close(
        &floats(&t, "E1.score"),
        &[Some(100.0), None, Some(0.0), Some(50.0)],
    );
    close(
        &floats(&t, "质量.score"),
        &[Some(100.0), Some(37.5), Some(41.666667), Some(33.333333)],
    );
    close(
        &floats(&t, "效率.score"),
        &[Some(100.0), None, Some(0.0), Some(50.0)],
    );
    // The monitor indicator is reported, with no score column.
    close(
        &floats(&t, "M1"),
        &[Some(8.0), Some(0.0), Some(10.0), Some(9.0)],
    );
    assert!(t.column("M1.score").is_err());
    assert_eq!(texts(&t, "grade"), ["优", "差", "差", "差"]);
    assert_eq!(
        texts(&t, "flags"),
        ["", "missing: E1", "", "veto: 发生重大事故"]
    );
}

#[test]
fn dimension_weights_and_missing_policy_change_the_result() {
    // With the zero policy, D's missing 效率 counts 0: 0.6 × 37.5 = 22.5, below A's 25.
    let plan = tiny_with(|t| t + "missing: {policy: zero}\n").unwrap();
    let run = score_tiny(&plan);
    assert_eq!(texts(&run.table, "编码"), ["B", "A", "D", "C"]);
    close(
        &floats(&run.table, "score"),
        &[Some(100.0), Some(25.0), Some(22.5), Some(40.0)],
    );
}

fn shipped_run() -> jixiao::pipeline::ScoreRun {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let plan = Plan::compile(Scheme::load(&root.join("scoring/tertiary-core")).unwrap()).unwrap();
    let data = root.join("datasets/tertiary-core");
    jixiao::pipeline::score(
        &plan,
        &data.join("current.csv").into(),
        Some(&data.join("previous.csv").into()),
    )
    .unwrap()
}

#[test]
fn worked_example_of_scoring_readme_holds() {
    // scoring/README.md: H110055 has 17004 surgical patients of 43352 discharges; 153 of the 219
    // 综合 hospitals have a lower T4, so T4.score = 153 / 218 × 100.
    let run = shipped_run();
    let t = run
        .table
        .lazy()
        .filter(col("机构编码").eq(lit("H110055")))
        .collect()
        .unwrap();
    close(&floats(&t, "T4"), &[Some(17004.0 / 43352.0 * 100.0)]);
    close(&floats(&t, "T4.score"), &[Some(153.0 / 218.0 * 100.0)]);
    let t5 = floats(&t, "T5.score")[0].unwrap();
    let t6 = floats(&t, "T6.score")[0].unwrap();
    let expected = (4.0 * 153.0 / 218.0 * 100.0 + 3.0 * t5 + 3.0 * t6) / 10.0;
    close(&floats(&t, "功能定位.score"), &[Some(expected)]);
    close(&floats(&t, "功能定位.score"), &[Some(73.899083)]);
}

#[test]
fn shipped_dataset_reports_its_planted_faults() {
    let run = shipped_run();
    let s = &run.summary;
    assert_eq!(s.load.institutions, 320);
    assert_eq!(run.table.height(), 320);
    assert_eq!(s.vetoed, 1);
    assert_eq!(s.load.missing_in_previous, 4);
    assert_eq!(s.load.bad_cells.get("门诊患者满意度"), Some(&1));
    let t9 = s.indicators.iter().find(|q| q.id == "T9").unwrap();
    assert_eq!((t9.missing, t9.zero_denominator), (1, 1));
    let flags = texts(&run.table, "flags");
    let ids = texts(&run.table, "机构编码");
    let vetoed: Vec<&str> = ids
        .iter()
        .zip(&flags)
        .filter(|(_, f)| f.contains("veto:"))
        .map(|(i, _)| i.as_str())
        .collect();
    assert_eq!(vetoed, ["H110043"]);
    assert_eq!(
        floats(&run.table, "rank").last().copied().flatten(),
        Some(320.0),
        "the vetoed hospital ranks last"
    );
}

#[test]
fn shipped_dataset_is_the_generators_output() {
    // datasets/README.md: `jixiao sample --as-shipped --out-dir datasets/tertiary-core` rewrites these files exactly.
    let dir = tempfile::tempdir().unwrap();
    let sample = jixiao::synthetic::generate(320, 2024);
    for (name, frame) in [
        ("current.csv", &sample.current),
        ("previous.csv", &sample.previous),
    ] {
        let path = dir.path().join(name);
        jixiao::report::write_table(frame, &path).unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("datasets/tertiary-core")
            .join(name);
        assert!(
            std::fs::read(&path).unwrap() == std::fs::read(&shipped).unwrap(),
            "{name} differs from the generator"
        );
    }
}

#[test]
fn institution_without_peer_group_is_kept_and_flagged() {
    let dir = tiny_dir();
    let text = std::fs::read_to_string(dir.join("current.csv"))
        .unwrap()
        .replace("D,丁医院,专科,", "D,丁医院,,");
    let temp = tempfile::tempdir().unwrap();
    let data = temp.path().join("current.csv");
    std::fs::write(&data, text).unwrap();
    let plan = Plan::compile(Scheme::load(&dir).unwrap()).unwrap();
    let run = jixiao::pipeline::score(
        &plan,
        &data.clone().into(),
        Some(&dir.join("previous.csv").into()),
    )
    .unwrap();
    assert_eq!(run.summary.load.ungrouped, 1);
    assert_eq!(texts(&run.table, "编码"), ["B", "D", "A", "C"]);
    // D is alone in its group now, and C alone among 专科.
    close(
        &floats(&run.table, "group_rank"),
        &[Some(1.0), Some(1.0), Some(2.0), Some(1.0)],
    );
    assert_eq!(
        texts(&run.table, "flags")[1],
        "no peer group: compared within \"(未分组)\"; missing: E1"
    );
}

fn tiny_with(yaml_edit: impl Fn(String) -> String) -> jixiao::Result<Plan> {
    let dir = tiny_dir();
    let text = yaml_edit(std::fs::read_to_string(dir.join("scheme.yaml")).unwrap());
    Plan::compile(Scheme::from_text(&dir, &dir.join("scheme.yaml"), text)?)
}

#[test]
fn institutions_below_min_coverage_are_excluded_with_the_reason() {
    // D has data for Q1 and Q2 only: 0.6 of the effective weight, below 0.7.
    let plan = tiny_with(|t| t + "missing: {policy: renormalise, min_coverage: 0.7}\n").unwrap();
    let run = score_tiny(&plan);
    assert_eq!(texts(&run.table, "编码"), ["B", "A", "C", "D"]);
    close(
        &floats(&run.table, "rank"),
        &[Some(1.0), Some(2.0), Some(3.0), None],
    );
    close(
        &floats(&run.table, "score"),
        &[Some(100.0), Some(25.0), Some(40.0), None],
    );
    assert_eq!(texts(&run.table, "grade")[3], "");
    assert_eq!(
        texts(&run.table, "flags")[3],
        "excluded: data for 60% of the weight, below the 70% minimum; missing: E1"
    );
    assert_eq!(run.summary.excluded, 1);
}

#[test]
fn formulas_reading_last_year_need_previous_data() {
    let plan = tiny_with(|t| {
        t.replace(
            "dataset: {current: current.csv, previous: previous.csv}\n",
            "",
        )
    })
    .unwrap();
    let dir = tiny_dir();
    let err = jixiao::pipeline::score(&plan, &dir.join("current.csv").into(), None)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("formulas read the previous period (prev(\"费用\"))"),
        "{err}"
    );
    assert!(
        err.contains("tests/fixtures/tiny/indicators.rhai:3:"),
        "{err}"
    );
    assert!(err.contains("pass --prev FILE"), "{err}");
}

#[test]
fn custom_scoring_function_must_exist() {
    let err = tiny_with(|t| {
        t.replace(
            "scoring: {method: percentile_rank}",
            "scoring: {method: custom, function: nope}",
        )
    })
    .err()
    .unwrap()
    .to_string();
    assert!(
        err.contains("indicator E1 (费用增幅): scoring function `nope(value)` is not defined"),
        "{err}"
    );
}

#[test]
fn threshold_scoring_and_ordinal_ranking_end_to_end() {
    // Q1 by threshold 40 (B 50, C 40 full; A 30, D 20 get 0). No scores tie here, so ordinal
    // ranks are 1..4; tie-breaking by id is covered in src/rank.rs.
    let plan = tiny_with(|t| {
        t.replace(
            "scoring: {method: min_max}",
            "scoring: {method: threshold, threshold: 40}",
        ) + "ranking: {ties: ordinal}\n"
    })
    .unwrap();
    let run = score_tiny(&plan);
    let by_id: std::collections::BTreeMap<String, Option<f64>> = texts(&run.table, "编码")
        .into_iter()
        .zip(floats(&run.table, "Q1.score"))
        .collect();
    assert_eq!(by_id["A"], Some(0.0));
    assert_eq!(by_id["B"], Some(100.0));
    assert_eq!(by_id["C"], Some(100.0));
    assert_eq!(by_id["D"], Some(0.0));
    let ranks = floats(&run.table, "rank");
    assert_eq!(ranks, [Some(1.0), Some(2.0), Some(3.0), Some(4.0)]);
}

#[test]
fn a_missing_id_column_names_the_scheme_key_that_asks_for_it() {
    // The data's id column is called 机构编码, not 编码 as scheme.yaml's columns.id says.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("current.csv");
    let text = std::fs::read_to_string(tiny_dir().join("current.csv"))
        .unwrap()
        .replacen("编码", "机构编码", 1);
    std::fs::write(&data, text).unwrap();
    let plan = Plan::compile(Scheme::load(&tiny_dir()).unwrap()).unwrap();
    let err = jixiao::pipeline::score(
        &plan,
        &data.clone().into(),
        Some(&tiny_dir().join("previous.csv").into()),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(err.contains("column \"编码\" not found"), "{err}");
    assert!(
        err.contains("did you mean \"机构编码\"? scheme.yaml names it as columns.id"),
        "{err}"
    );
}

/// `score_decimals` is honoured up to 15 (more is refused, see the CLI snapshot
/// `error_score_decimals`): with 质量 weighted 70 and 效率 30, A scores 0.7 × 41.666… =
/// 29.1666…, published to 12 decimals as asked, not cut to 9.
#[test]
fn score_decimals_are_honoured_beyond_nine() {
    let weights = |t: String| {
        t.replace("weight: 60}", "weight: 70}")
            .replace("weight: 40}", "weight: 30}")
    };
    let twelve = tiny_with(|t| weights(t) + "score_decimals: 12\n").unwrap();
    let run = score_tiny(&twelve);
    let a = texts(&run.table, "编码")
        .iter()
        .position(|id| id == "A")
        .unwrap();
    let score = floats(&run.table, "score")[a].unwrap();
    assert_eq!(score, 29.166666666667);
    let two = tiny_with(weights).unwrap();
    let run = score_tiny(&two);
    let a = texts(&run.table, "编码")
        .iter()
        .position(|id| id == "A")
        .unwrap();
    assert_eq!(floats(&run.table, "score")[a], Some(29.17));
}
