//! The normalisation catalogue end to end (tests/fixtures/methods): eight hospitals in two peer
//! groups (综合 H1–H4, 专科 H5–H8), one indicator per new method, outlier treatment and missing-data
//! imputation, every number computed by hand. Then the edge cases, and a property: row order does
//! not matter for any of the new methods.
//!
//! | | W 门诊量 | C 感染率 | E 满意度 | I 住院日 | O 床位使用率 | Z 上报率 | 手术量 |
//! |---|---|---|---|---|---|---|---|
//! | H1 | 1 | 2 | 85 | 8 | 90 | 10 | 3 |
//! | H2 | 2 | 4 | 95 | 10 | 80 | 20 | 4 |
//! | H3 | 3 | — | 100 | 12 | 100 | 30 | 0 |
//! | H4 | 4 | 8 | 70 | 10 | 96 | 40 | 12 |
//! | H5 | 5 | 1 | 40 | 5 | 85 | 100 | 6 |
//! | H6 | 6 | 5 | 75 | 10 | 75 | — | 8 |
//! | H7 | 7 | 10 | 90 | — | 93 | — | 6 |
//! | H8 | 60 | 0 | 80 | 5 | 99 | 45 | 0 |
//!
//! Total = 0.6 × 质量 (C, E, Z equally) + 0.4 × 效率 (W, I, O equally); 参考 (R, V, S, K) weighs 0.

use std::path::{Path, PathBuf};

use jixiao::columns::PEER_GROUP_COLUMN;
use jixiao::normalise::{impute, score_expr, treat_expr};
use jixiao::plan::Plan;
use jixiao::scheme::{Direction, Impute, Reference, Scheme, Scoring, Treat, Within};
use polars::prelude::*;
use proptest::prelude::*;

mod common;
use common::floats;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/methods")
}

fn plan() -> Plan {
    Plan::compile(Scheme::load(&fixture()).unwrap()).unwrap()
}

fn run_on(data: &Path) -> jixiao::pipeline::ScoreRun {
    jixiao::pipeline::score(&plan(), &data.into(), None).unwrap()
}

/// The column's values in institution-id order.
fn by_id(table: &DataFrame, column: &str) -> Vec<Option<f64>> {
    let sorted = table
        .sort(["编码"], SortMultipleOptions::default())
        .unwrap();
    floats(&sorted, column)
}

fn flags_by_id(table: &DataFrame) -> Vec<String> {
    let sorted = table
        .sort(["编码"], SortMultipleOptions::default())
        .unwrap();
    sorted
        .column("flags")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|f| f.unwrap_or_default().to_string())
        .collect()
}

fn close(actual: &[Option<f64>], expected: &[Option<f64>]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        match (a, e) {
            (Some(a), Some(e)) => assert!((a - e).abs() < 1e-6, "{actual:?} vs {expected:?}"),
            (None, None) => {}
            _ => panic!("{actual:?} vs {expected:?}"),
        }
    }
}

fn some(values: &[f64]) -> Vec<Option<f64>> {
    values.iter().copied().map(Some).collect()
}

#[test]
fn every_method_scores_as_computed_by_hand() {
    let run = run_on(&fixture().join("current.csv"));
    let t = &run.table;
    // W: 1..7, 60 has skew 2.771468, kurt 7.759137 (fails); 60 → 7 (skew −0.226250 passes);
    // min-max on the treated values (x − 1)/6 × 100.
    close(
        &by_id(t, "W.treated"),
        &some(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 7.0]),
    );
    close(
        &by_id(t, "W.score"),
        &some(&[
            0.0, 16.666667, 33.333333, 50.0, 66.666667, 83.333333, 100.0, 100.0,
        ]),
    );
    // C, reciprocal within the peer group, H3 imputed with the 综合 median of [2, 4, 8] = 4:
    // 综合 2/x: 100, 50, 50, 25; 专科 [1, 5, 10, 0]: 0 → 100, then 1/x: 100, 20, 10.
    close(
        &by_id(t, "C.treated"),
        &some(&[2.0, 4.0, 4.0, 8.0, 1.0, 5.0, 10.0, 0.0]),
    );
    close(
        &by_id(t, "C.score"),
        &some(&[100.0, 50.0, 50.0, 25.0, 100.0, 20.0, 10.0, 100.0]),
    );
    // E, 功效系数 60 + 40 (x − 75)/20 clipped to 0–100:
    // 85 → 80, 95 → 100, 100 → 110 → 100, 70 → 50, 40 → −10 → 0, 75 → 60, 90 → 90, 80 → 70.
    close(
        &by_id(t, "E.score"),
        &some(&[80.0, 100.0, 100.0, 50.0, 0.0, 60.0, 90.0, 70.0]),
    );
    // I, 综合指数 mean/x within the peer group: 综合 mean 10 → 125, 100, 83.333333, 100;
    // 专科 [5, 10, —, 5] mean 6.666667 → 133.333333, 66.666667, missing, 133.333333.
    close(
        &by_id(t, "I.score"),
        &[
            Some(125.0),
            Some(100.0),
            Some(83.333333),
            Some(100.0),
            Some(133.333333),
            Some(66.666667),
            None,
            Some(133.333333),
        ],
    );
    // O, 中优 band [85, 95] by optimal: d = 0, 5, 5, 1, 0, 10, 0, 4 → (1 − d/10) × 100.
    close(
        &by_id(t, "O.score"),
        &some(&[100.0, 50.0, 50.0, 90.0, 100.0, 0.0, 100.0, 60.0]),
    );
    // Z, distance to target 50 from min 10, capped: (x − 10)/40; 100 → 225 → 100;
    // H6 and H7 missing score 0 (missing: zero).
    close(
        &by_id(t, "Z.score"),
        &some(&[0.0, 25.0, 50.0, 75.0, 100.0, 0.0, 0.0, 87.5]),
    );
    // 手术量 [3, 4, 0, 12 | 6, 8, 6, 0]. R: rank from the worst within the group (ties min).
    close(
        &by_id(t, "R.score"),
        &some(&[2.0, 3.0, 1.0, 4.0, 2.0, 4.0, 2.0, 1.0]),
    );
    // V: x / √305 × 100, √(9 + 16 + 0 + 144 + 36 + 64 + 36 + 0) = 17.464249.
    close(
        &by_id(t, "V.score"),
        &some(&[
            17.177950, 22.903933, 0.0, 68.711800, 34.355900, 45.807867, 34.355900, 0.0,
        ]),
    );
    // S: share of the group's total, 综合 19, 专科 20; K (custom `group_norm_sum`) the same.
    let shares = some(&[15.789474, 21.052632, 0.0, 63.157895, 30.0, 40.0, 30.0, 0.0]);
    close(&by_id(t, "S.score"), &shares);
    close(&by_id(t, "K.score"), &shares);
}

#[test]
fn totals_and_coverage_leave_imputed_values_out() {
    let run = run_on(&fixture().join("current.csv"));
    let t = &run.table;
    // H1: 质量 (100 + 80 + 0)/3 = 60, 效率 (0 + 125 + 100)/3 = 75 → 36 + 30 = 66.
    // H3: 质量 (50 + 100 + 50)/3 = 66.666667, 效率 (33.333333 + 83.333333 + 50)/3 = 55.555556
    //     → 40 + 22.222222 = 62.22 (C imputed: coverage 0.8 ≥ 0.75, ranked).
    // H6: 质量 (20 + 60 + 0)/3 = 26.666667, 效率 (83.333333 + 66.666667 + 0)/3 = 50 → 36.
    // H8: 质量 (100 + 70 + 87.5)/3 = 85.833333, 效率 (100 + 133.333333 + 60)/3 = 97.777778
    //     → 51.5 + 39.111111 = 90.61.
    // H7: I missing, Z scored 0 but not observed: coverage 1 − 2/15 − 1/5 = 0.666667 < 0.75.
    close(
        &by_id(t, "score"),
        &[
            Some(66.0),
            Some(57.22),
            Some(62.22),
            Some(62.0),
            Some(80.0),
            Some(36.0),
            None,
            Some(90.61),
        ],
    );
    let flags = flags_by_id(t);
    assert_eq!(flags[2], "imputed: C");
    assert_eq!(flags[5], "imputed: Z");
    assert_eq!(
        flags[6],
        "excluded: data for 67% of the weight, below the 75% minimum; missing: I; imputed: Z"
    );
    assert_eq!(run.summary.excluded, 1);
}

#[test]
fn treatment_and_imputation_are_counted_in_the_run_summary() {
    let run = run_on(&fixture().join("current.csv"));
    let count = |id: &str| {
        let q = run.summary.indicators.iter().find(|q| q.id == id).unwrap();
        (q.treated, q.log_transformed, q.still_skewed, q.imputed)
    };
    assert_eq!(count("W"), (1, 0, 0, 0));
    assert_eq!(count("C"), (0, 0, 0, 1));
    assert_eq!(count("Z"), (0, 0, 0, 2));
    assert_eq!(count("I"), (0, 0, 0, 0));
    let text = run.summary.to_string();
    assert!(
        text.contains("outliers treated by indicator: W 1\n"),
        "{text}"
    );
    assert!(
        text.contains("missing values imputed by indicator (not counted as data for min_coverage): C 1; Z 2\n"),
        "{text}"
    );
}

#[test]
fn still_skewed_groups_are_reported_and_log_transformed_on_request() {
    // A stricter rule on W: |skew| < 0.1 or kurtosis < −5. One point may move (60 → 7); after
    // it skew is −0.226250 and kurtosis −1.411541, so the data still fail and are reported.
    let dir = fixture();
    let text = std::fs::read_to_string(dir.join("scheme.yaml"))
        .unwrap()
        .replace(
            "treat: {method: winsorise}",
            "treat: {method: winsorise, max_points: 1, skew: 0.1, kurtosis: -5}",
        );
    let plan =
        Plan::compile(Scheme::from_text(&dir, &dir.join("scheme.yaml"), text.clone()).unwrap())
            .unwrap();
    let run = jixiao::pipeline::score(&plan, &dir.join("current.csv").into(), None).unwrap();
    let w = run.summary.indicators.iter().find(|q| q.id == "W").unwrap();
    assert_eq!((w.treated, w.log_transformed, w.still_skewed), (1, 0, 1));
    assert!(run.summary.to_string().contains(
        "outliers treated by indicator: W 1, still failing the skew/kurtosis test in 1 group\n"
    ));
    // log: true: ln(x − 1 + 0.59) on the original values, 1 → ln 0.59 = −0.527633,
    // 60 → ln 59.59 = 4.087488; min-max still scores 0 and 100 at the ends.
    let logged = text.replace("kurtosis: -5}", "kurtosis: -5, log: true}");
    let plan =
        Plan::compile(Scheme::from_text(&dir, &dir.join("scheme.yaml"), logged).unwrap()).unwrap();
    let run = jixiao::pipeline::score(&plan, &dir.join("current.csv").into(), None).unwrap();
    let treated = by_id(&run.table, "W.treated");
    close(
        &[treated[0], treated[7]],
        &[Some(-0.527633), Some(4.087488)],
    );
    // 2 → ln 1.59 = 0.463734: (0.463734 + 0.527633)/(4.087488 + 0.527633) × 100 = 21.480842
    close(
        &by_id(&run.table, "W.score")[..2],
        &[Some(0.0), Some(21.480842)],
    );
    let w = run.summary.indicators.iter().find(|q| q.id == "W").unwrap();
    assert_eq!((w.treated, w.log_transformed, w.still_skewed), (8, 8, 1));
}

/// Writes `csv` to a temporary file and scores it with the fixture's scheme.
fn run_csv(csv: &str) -> jixiao::pipeline::ScoreRun {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.csv");
    std::fs::write(&path, csv).unwrap();
    run_on(&path)
}

const HEADER: &str = "编码,名称,类别,门诊量,感染率,满意度,平均住院日,床位使用率,上报率,手术量\n";

#[test]
fn a_single_institution() {
    // Policies: winsorising needs 4 values (left alone); min-max, reciprocal, vector, sum: a
    // lone institution scores 100; index against its own mean 100; optimal: inside the band,
    // max d = 0 → 100; distance to target: it is its own worst value, short of 50 → 0; rank 1.
    let run = run_csv(&format!("{HEADER}H1,甲一,综合,1,2,85,8,90,10,3\n"));
    let t = &run.table;
    for (id, expected) in [
        ("W", 100.0),
        ("C", 100.0),
        ("E", 80.0),
        ("I", 100.0),
        ("O", 100.0),
        ("Z", 0.0),
        ("R", 1.0),
        ("V", 100.0),
        ("S", 100.0),
        ("K", 100.0),
    ] {
        close(&by_id(t, &format!("{id}.score")), &[Some(expected)]);
    }
    // (0.6 × (100 + 80 + 0)/3 + 0.4 × (100 + 100 + 100)/3) = 36 + 40 = 76
    close(&by_id(t, "score"), &[Some(76.0)]);
}

#[test]
fn a_constant_column() {
    // Every hospital the same: nothing to winsorise (no spread), min-max 100, reciprocal 100,
    // index 100, optimal: all 3 points outside the band [85, 95] at 98 → max d = d → 0;
    // distance to target: all at the worst value 10 → 0; rank 1; vector 100/√4 = 50; sum 100/2
    // per group of two.
    let row = |id: &str, group: &str| format!("{id},名,{group},5,2,85,8,98,10,3\n");
    let csv = format!(
        "{HEADER}{}{}{}{}",
        row("H1", "综合"),
        row("H2", "综合"),
        row("H3", "专科"),
        row("H4", "专科")
    );
    let run = run_csv(&csv);
    let t = &run.table;
    for (id, expected) in [
        ("W", 100.0),
        ("C", 100.0),
        ("E", 80.0),
        ("I", 100.0),
        ("O", 0.0),
        ("Z", 0.0),
        ("R", 1.0),
        ("V", 50.0),
        ("S", 50.0),
    ] {
        close(&by_id(t, &format!("{id}.score")), &[Some(expected); 4]);
    }
    let w = run.summary.indicators.iter().find(|q| q.id == "W").unwrap();
    assert_eq!((w.treated, w.still_skewed), (0, 0));
}

#[test]
fn an_all_missing_indicator() {
    // 感染率 and 上报率 empty everywhere. C (median imputation): no value in any group, nothing
    // to impute — scores stay missing and nothing is counted as imputed. Z (zero): every
    // hospital scores 0, counted as imputed, but not as data: coverage 1 − 1/5 − 1/5 = 0.6 < 0.75,
    // so nobody is ranked.
    let csv = format!(
        "{HEADER}H1,甲一,综合,1,,85,8,90,,3\nH2,甲二,综合,2,,95,10,80,,4\nH3,乙一,专科,3,,100,12,100,,0\n"
    );
    let run = run_csv(&csv);
    let t = &run.table;
    close(&by_id(t, "C.score"), &[None, None, None]);
    close(&by_id(t, "Z.score"), &some(&[0.0, 0.0, 0.0]));
    let count = |id: &str| {
        run.summary
            .indicators
            .iter()
            .find(|q| q.id == id)
            .unwrap()
            .imputed
    };
    assert_eq!((count("C"), count("Z")), (0, 3));
    assert_eq!((run.summary.ranked, run.summary.excluded), (0, 3));
    assert!(flags_by_id(t)[0].starts_with("excluded: data for 60% of the weight"));
}

/// Every new method, treatment and imputation, as expressions, for the property below.
fn new_methods() -> Vec<(&'static str, Direction, Scoring)> {
    let all = Within::All;
    let peer = Within::PeerGroup;
    let mut out = Vec::new();
    for (direction, over) in [(Direction::Up, all), (Direction::Down, peer)] {
        out.extend([
            (
                "rank",
                direction,
                Scoring::Rank {
                    within: over,
                    borda: true,
                },
            ),
            (
                "distance_to_target",
                direction,
                Scoring::DistanceToTarget {
                    target: 50.0,
                    within: over,
                    cap: false,
                },
            ),
            ("vector", direction, Scoring::Vector { within: over }),
            ("sum", direction, Scoring::Sum { within: over }),
            (
                "reciprocal",
                direction,
                Scoring::Reciprocal { within: over },
            ),
            (
                "index",
                direction,
                Scoring::Index {
                    standard: Reference::Median,
                    within: over,
                },
            ),
        ]);
    }
    out.extend([
        (
            "optimal",
            Direction::Monitor,
            Scoring::Optimal {
                at: Some(40.0),
                within: peer,
            },
        ),
        (
            "efficacy",
            Direction::Up,
            Scoring::Efficacy {
                satisfactory: Reference::Max,
                unacceptable: Reference::Mean,
                within: peer,
                clip: true,
            },
        ),
    ]);
    out
}

/// The row-wise results of every new method on `(value, group)` rows, keyed by row position.
fn evaluate(rows: &[(Option<f64>, bool)]) -> Vec<Vec<Option<f64>>> {
    let values: Vec<Option<f64>> = rows.iter().map(|r| r.0).collect();
    let groups: Vec<&str> = rows.iter().map(|r| if r.1 { "a" } else { "b" }).collect();
    let frame = df!("x" => values, PEER_GROUP_COLUMN => groups).unwrap();
    let mut exprs: Vec<Expr> = new_methods()
        .into_iter()
        .enumerate()
        .map(|(i, (_, direction, scoring))| {
            score_expr(col("x"), direction, None, &scoring)
                .unwrap()
                .alias(format!("m{i}"))
        })
        .collect();
    let treatments = [
        Treat::Winsorise {
            within: Within::PeerGroup,
            max_points: 5,
            skew: 2.0,
            kurtosis: 3.5,
            log: true,
        },
        Treat::ClipQuantiles {
            within: Within::All,
            low: 0.1,
            high: 0.9,
        },
    ];
    for (i, treat) in treatments.iter().enumerate() {
        exprs.push(treat_expr(col("x"), treat).alias(format!("t{i}")));
    }
    let median = Impute::Median {
        within: Within::PeerGroup,
    };
    exprs.push(impute::filled(col("x"), median).unwrap().alias("imputed"));
    let out = frame.lazy().select(exprs).collect().unwrap();
    out.columns()
        .iter()
        .map(|c| {
            c.cast(&DataType::Float64)
                .unwrap()
                .f64()
                .unwrap()
                .iter()
                .collect()
        })
        .collect()
}

fn value() -> impl Strategy<Value = Option<f64>> {
    // Mostly positive, a few zeros, negatives and gaps; some large outliers.
    prop_oneof![
        8 => (0.5f64..100.0).prop_map(Some),
        1 => Just(Some(0.0)),
        1 => (-20.0f64..0.0).prop_map(Some),
        1 => (1000.0f64..100000.0).prop_map(Some),
        1 => Just(None),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn row_order_does_not_matter(
        rows in proptest::collection::vec((value(), any::<bool>()), 1..40),
        seed in any::<u64>(),
    ) {
        // A permutation of the rows (a simple seeded shuffle).
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut state = seed | 1;
        for i in (1..order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let shuffled: Vec<(Option<f64>, bool)> = order.iter().map(|&i| rows[i]).collect();
        let before = evaluate(&rows);
        let after = evaluate(&shuffled);
        for (column, (b, a)) in before.iter().zip(&after).enumerate() {
            for (k, &i) in order.iter().enumerate() {
                match (b[i], a[k]) {
                    (Some(x), Some(y)) => prop_assert!(
                        (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                        "column {column}: row {i} {x} vs {y}"
                    ),
                    (x, y) => prop_assert_eq!(x, y, "column {}: row {}", column, i),
                }
            }
        }
    }
}
