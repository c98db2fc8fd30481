//! `jixiao mcda`: snapshots of the command on the decision matrices of methods.md (the 5 × 4
//! matrix X, the textbook hospital 1994–1998 table, the maternal-health RSR table), its errors,
//! and property tests of the library behind it.

use polars::prelude::*;
use proptest::prelude::*;

use jixiao::matrix::{run, McdaSpec, Method};
use jixiao::mcda::entropy::EntropyInput;
use jixiao::mcda::normalise::Normalisation;
use jixiao::mcda::topsis::{self, TopsisOptions, WeightPlacement};
use jixiao::mcda::weights::{compute, Weighting};
use jixiao::mcda::Criterion;

mod common;
use common::{floats, jixiao, transcript};

const X: &str = "tests/fixtures/mcda/x.csv";
const X_CRITERIA: &str = "成本:-,质量:+,效率:+,满意度:+";
const HOSPITAL: &str = "tests/fixtures/mcda/hospital.csv";
const HOSPITAL_CRITERIA: &str =
    "出院人数:+,病床使用率:+,平均住院日:-,病死率:-,抢救成功率:+,治愈好转率:+,院内感染率:-";
const MATERNAL: &str = "tests/fixtures/mcda/maternal.csv";

fn ok(args: &[&str]) -> String {
    let o = jixiao(args);
    assert_eq!(o.code, 0, "{}", transcript(&o));
    assert!(o.stderr.is_empty(), "{}", o.stderr);
    transcript(&o)
}

fn user_error(args: &[&str]) -> String {
    let o = jixiao(args);
    assert_eq!(o.code, 1, "bad user input exits 1\n{}", transcript(&o));
    assert!(o.stdout.is_empty(), "errors go to stderr only");
    transcript(&o)
}

#[test]
fn topsis_equal_weights_on_x() {
    // methods.md §1.4: C = [0.534277, 0.308368, 0.691632, 0.534737, 0.401046], ranks 3, 5, 1, 2, 4
    let out = ok(&[
        "mcda",
        "--data",
        X,
        "--id",
        "方案",
        "--criteria",
        X_CRITERIA,
        "--method",
        "topsis",
    ]);
    insta::assert_snapshot!("topsis_x", out);
}

#[test]
fn topsis_explain_with_weights_on_x() {
    // w = [.4, .3, .2, .1]: C = [0.363947, 0.395914, 0.604086, 0.546737, 0.441024]
    let out = ok(&[
        "mcda",
        "--data",
        X,
        "--id",
        "方案",
        "--criteria",
        X_CRITERIA,
        "--method",
        "topsis",
        "--weights",
        "0.4,0.3,0.2,0.1",
        "--explain",
    ]);
    insta::assert_snapshot!("topsis_x_explain", out);
}

#[test]
fn topsis_textbook_hospital_entropy_reciprocal_weights_in_the_root() {
    // methods.md §2.3(b): C = [0.2953, 0.3383, 0.2150, 0.2531, 0.7056], entropy
    // w = [0.1921, 0.1154, 0.1907, 0.1316, 0.0958, 0.1280, 0.1463]
    let out = ok(&[
        "mcda",
        "--data",
        HOSPITAL,
        "--id",
        "年份",
        "--criteria",
        HOSPITAL_CRITERIA,
        "--method",
        "topsis",
        "--weights",
        "entropy",
        "--normalize",
        "reciprocal",
        "--topsis-weights",
        "distance",
        "--explain",
    ]);
    insta::assert_snapshot!("topsis_hospital_explain", out);
}

#[test]
fn vikor_explain_on_x() {
    // methods.md §1.5: Q = [0.5, 0.4, 0.5, 0.3, 0.2], compromise set {a2, a4, a5}
    let out = ok(&[
        "mcda",
        "--data",
        X,
        "--id",
        "方案",
        "--criteria",
        X_CRITERIA,
        "--method",
        "vikor",
        "--weights",
        "0.4,0.3,0.2,0.1",
        "--explain",
    ]);
    insta::assert_snapshot!("vikor_x_explain", out);
}

#[test]
fn vikor_constant_r_is_noted() {
    let out = ok(&[
        "mcda",
        "--data",
        X,
        "--id",
        "方案",
        "--criteria",
        X_CRITERIA,
        "--method",
        "vikor",
    ]);
    insta::assert_snapshot!("vikor_x_equal", out);
}

#[test]
fn rsr_explain_on_the_maternal_table() {
    // methods.md §2.3(a): the probit table, RSR = −0.6085 + 0.2217·Probit over the groups,
    // −0.5780 + 0.2170·Probit over the objects; J lower, C and H upper.
    let out = ok(&[
        "mcda",
        "--data",
        MATERNAL,
        "--id",
        "地区",
        "--criteria",
        "产前检查率:+,孕产妇死亡率:-,围产儿死亡率:-",
        "--method",
        "rsr",
        "--explain",
    ]);
    insta::assert_snapshot!("rsr_maternal_explain", out);
}

#[test]
fn wrsr_with_ahp_weights() {
    // AHP matrix of methods.md §2.3(c) over three criteria of X.
    let out = ok(&[
        "mcda",
        "--data",
        X,
        "--id",
        "方案",
        "--criteria",
        "质量:+,效率:+,满意度:+",
        "--method",
        "wrsr",
        "--weights",
        "ahp:tests/fixtures/mcda/ahp.csv",
        "--grades",
        "4",
    ]);
    insta::assert_snapshot!("wrsr_x_ahp", out);
}

#[test]
fn wsm_and_wpm_with_objective_weights() {
    let wsm = ok(&[
        "mcda",
        "--data",
        X,
        "--id",
        "方案",
        "--criteria",
        X_CRITERIA,
        "--method",
        "wsm",
        "--weights",
        "critic",
        "--explain",
    ]);
    insta::assert_snapshot!("wsm_x_critic_explain", wsm);
    let wpm = ok(&[
        "mcda",
        "--data",
        X,
        "--id",
        "方案",
        "--criteria",
        X_CRITERIA,
        "--method",
        "wpm",
        "--weights",
        "std",
        "--ties",
        "dense",
    ]);
    insta::assert_snapshot!("wpm_x_std", wpm);
}

#[test]
fn out_writes_every_row_with_the_method_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.csv");
    let o = jixiao(&[
        "mcda",
        "--data",
        X,
        "--id",
        "方案",
        "--criteria",
        X_CRITERIA,
        "--method",
        "topsis",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", transcript(&o));
    let frame = jixiao::source::read(&path, &Default::default())
        .unwrap()
        .frame;
    let names: Vec<&str> = frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .collect();
    assert_eq!(names, ["方案", "score", "rank", "d_plus", "d_minus"]);
    let ids: Vec<&str> = frame
        .column("方案")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(Option::unwrap)
        .collect();
    assert_eq!(ids, ["a3", "a4", "a1", "a5", "a2"]);
    let scores: Vec<f64> = frame
        .column("score")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.unwrap().parse().unwrap())
        .collect();
    for (s, e) in scores
        .iter()
        .zip([0.691632, 0.534737, 0.534277, 0.401046, 0.308368])
    {
        assert!((s - e).abs() < 1e-6, "{scores:?}");
    }
}

#[test]
fn error_unknown_column_suggests_the_closest() {
    let out = user_error(&[
        "mcda",
        "--data",
        X,
        "--id",
        "方案",
        "--criteria",
        "成木:-,质量:+",
        "--method",
        "topsis",
    ]);
    insta::assert_snapshot!("error_unknown_column", out);
}

#[test]
fn error_inconsistent_ahp_names_the_judgement() {
    let out = user_error(&[
        "mcda",
        "--data",
        X,
        "--id",
        "方案",
        "--criteria",
        "质量:+,效率:+,满意度:+",
        "--method",
        "wsm",
        "--weights",
        "ahp:tests/fixtures/mcda/ahp-inconsistent.csv",
    ]);
    insta::assert_snapshot!("error_ahp_inconsistent", out);
}

#[test]
fn error_missing_and_bad_cells_list_the_rows() {
    let out = user_error(&[
        "mcda",
        "--data",
        "tests/fixtures/mcda/gaps.csv",
        "--id",
        "方案",
        "--criteria",
        "成本:-,质量:+",
        "--method",
        "topsis",
    ]);
    insta::assert_snapshot!("error_gaps", out);
}

#[test]
fn error_flags_that_do_not_apply() {
    let out = user_error(&[
        "mcda",
        "--data",
        X,
        "--id",
        "方案",
        "--criteria",
        X_CRITERIA,
        "--method",
        "rsr",
        "--weights",
        "entropy",
    ]);
    insta::assert_snapshot!("error_rsr_weights", out);
    let out = user_error(&[
        "mcda",
        "--data",
        X,
        "--id",
        "方案",
        "--criteria",
        "成本",
        "--method",
        "topsis",
    ]);
    insta::assert_snapshot!("error_no_direction", out);
}

// ---- properties -------------------------------------------------------------------------

/// A decision matrix: n alternatives × m criteria of integer-valued positives, with directions.
fn matrix() -> impl Strategy<Value = (Vec<Vec<f64>>, Vec<bool>)> {
    (1usize..25, 1usize..6).prop_flat_map(|(n, m)| {
        (
            proptest::collection::vec(proptest::collection::vec(1u32..1000, m), n).prop_map(
                |rows| {
                    rows.into_iter()
                        .map(|r| r.into_iter().map(f64::from).collect())
                        .collect()
                },
            ),
            proptest::collection::vec(any::<bool>(), m),
        )
    })
}

fn frame_of(rows: &[Vec<f64>], order: &[usize]) -> DataFrame {
    let m = rows[0].len();
    let mut columns = vec![Column::new(
        "id".into(),
        order.iter().map(|i| format!("r{i:03}")).collect::<Vec<_>>(),
    )];
    columns.extend((0..m).map(|j| {
        Column::new(
            format!("c{j}").into(),
            order.iter().map(|&i| rows[i][j]).collect::<Vec<f64>>(),
        )
    }));
    DataFrame::new(order.len(), columns).unwrap()
}

fn criteria_of(cost: &[bool]) -> Vec<Criterion> {
    cost.iter()
        .enumerate()
        .map(|(j, &c)| {
            if c {
                Criterion::cost(format!("c{j}"))
            } else {
                Criterion::benefit(format!("c{j}"))
            }
        })
        .collect()
}

/// (id, score, rank) in id order.
fn by_id(table: &DataFrame) -> DataFrame {
    table
        .clone()
        .lazy()
        .select([col("id"), col("score"), col("rank").cast(DataType::Float64)])
        .sort(["id"], Default::default())
        .collect()
        .unwrap()
}

fn methods() -> [(Method, Weighting); 6] {
    [
        (Method::Topsis, Weighting::Entropy(EntropyInput::MinMax)),
        (Method::Vikor, Weighting::Critic),
        (Method::Rsr, Weighting::Equal),
        (Method::Wrsr, Weighting::StdDev),
        (Method::Wsm, Weighting::Entropy(EntropyInput::Raw)),
        (Method::Wpm, Weighting::Equal),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn row_order_does_not_matter((rows, cost) in matrix(), seed in any::<u64>()) {
        let n = rows.len();
        let mut order: Vec<usize> = (0..n).collect();
        // A seeded Fisher–Yates shuffle.
        let mut state = seed | 1;
        for i in (1..n).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let straight: Vec<usize> = (0..n).collect();
        for (method, weighting) in methods() {
            let mut spec = McdaSpec::new("id", criteria_of(&cost), method);
            spec.weighting = weighting;
            let a = run(&spec, frame_of(&rows, &straight)).unwrap();
            let b = run(&spec, frame_of(&rows, &order)).unwrap();
            prop_assert!(by_id(&a.table).equals(&by_id(&b.table)), "{:?}", method);
            prop_assert_eq!(&a.weights.values, &b.weights.values);
        }
    }

    #[test]
    fn weights_are_non_negative_and_sum_to_one(
        (rows, cost) in matrix(),
        fixed in proptest::collection::vec(0.0f64..10.0, 1..6),
    ) {
        let criteria = criteria_of(&cost);
        let frame = frame_of(&rows, &(0..rows.len()).collect::<Vec<_>>());
        let mut weightings = vec![
            Weighting::Equal,
            Weighting::Entropy(EntropyInput::MinMax),
            Weighting::Entropy(EntropyInput::Raw),
            Weighting::Critic,
            Weighting::StdDev,
        ];
        let mut fixed = fixed;
        fixed.resize(criteria.len(), 1.0);
        if fixed.iter().sum::<f64>() > 0.0 {
            weightings.push(Weighting::Fixed(fixed));
        }
        for weighting in weightings {
            let w = compute(&frame, &criteria, &weighting).unwrap().values;
            prop_assert_eq!(w.len(), criteria.len());
            prop_assert!(w.iter().all(|x| x.is_finite() && *x >= 0.0), "{:?} {:?}", weighting, w);
            prop_assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{:?} {:?}", weighting, w);
        }
    }

    #[test]
    fn topsis_closeness_lies_in_zero_one((rows, cost) in matrix(), raw_weights in proptest::collection::vec(0.01f64..1.0, 6)) {
        let criteria = criteria_of(&cost);
        let frame = frame_of(&rows, &(0..rows.len()).collect::<Vec<_>>());
        let weights: Vec<Expr> = raw_weights[..criteria.len()].iter().map(|w| lit(*w)).collect();
        for normalisation in Normalisation::ALL {
            for placement in [WeightPlacement::WeightedMatrix, WeightPlacement::WeightedDistance] {
                let options = TopsisOptions { normalisation, placement };
                let mut lf = frame.clone().lazy();
                for stage in topsis::stages(&criteria, &weights, options, None) {
                    lf = lf.with_columns(stage);
                }
                let out = lf.collect().unwrap();
                for c in floats(&out, topsis::CLOSENESS) {
                    let c = c.unwrap();
                    prop_assert!((0.0..=1.0).contains(&c), "{c} with {options:?}");
                }
            }
        }
    }

    #[test]
    fn scaling_a_benefit_column_leaves_topsis_and_rsr_unchanged(
        (rows, cost) in matrix(),
        column in 0usize..6,
        factor in 0.01f64..1000.0,
    ) {
        let mut cost = cost;
        let j = column % cost.len();
        cost[j] = false;
        let criteria = criteria_of(&cost);
        let scaled: Vec<Vec<f64>> = rows
            .iter()
            .map(|r| r.iter().enumerate().map(|(k, x)| if k == j { x * factor } else { *x }).collect())
            .collect();
        let order: Vec<usize> = (0..rows.len()).collect();
        for (method, weighting) in [
            (Method::Topsis, Weighting::Equal),
            (Method::Topsis, Weighting::Entropy(EntropyInput::MinMax)),
            (Method::Rsr, Weighting::Equal),
            (Method::Wrsr, Weighting::Critic),
        ] {
            let mut spec = McdaSpec::new("id", criteria.clone(), method);
            spec.weighting = weighting;
            let a = by_id(&run(&spec, frame_of(&rows, &order)).unwrap().table);
            let b = by_id(&run(&spec, frame_of(&scaled, &order)).unwrap().table);
            let (sa, sb) = (floats(&a, "score"), floats(&b, "score"));
            for (x, y) in sa.iter().zip(&sb) {
                prop_assert!((x.unwrap() - y.unwrap()).abs() < 1e-9, "{method:?}: {sa:?} vs {sb:?}");
            }
            if method != Method::Topsis {
                // Rank-based: the ranks are the same exactly.
                prop_assert_eq!(floats(&a, "rank"), floats(&b, "rank"));
            }
        }
    }
}

const GROUPED: &str = "tests/fixtures/mcda/grouped.csv";

#[test]
fn topsis_within_peer_groups() {
    // X split by 类别: 综合 = a1, a3, a5 and 专科 = a2, a4, each its own matrix (own entropy
    // weights); the output gains 类别 and group_rank, and --out holds every alternative.
    let dir = std::env::temp_dir().join(format!("jixiao-mcda-group-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out_file = dir.join("ranked.csv");
    let out = ok(&[
        "mcda",
        "--data",
        GROUPED,
        "--id",
        "方案",
        "--criteria",
        X_CRITERIA,
        "--method",
        "topsis",
        "--weights",
        "entropy",
        "--group",
        "类别",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    let out = out.replace(out_file.to_str().unwrap(), "OUT");
    insta::assert_snapshot!("topsis_grouped", out);
    let written = std::fs::read_to_string(&out_file).unwrap();
    let header = written
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap();
    assert!(
        header.starts_with("方案,类别,score,rank,group_rank,d_plus,d_minus"),
        "{header}"
    );
    assert_eq!(written.lines().count(), 6);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn wrsr_within_peer_groups_explained() {
    // Each group's rank matrix, probit table and regression in turn; 专科 has two alternatives.
    let out = ok(&[
        "mcda",
        "--data",
        GROUPED,
        "--id",
        "方案",
        "--criteria",
        X_CRITERIA,
        "--method",
        "wrsr",
        "--weights",
        "0.4,0.3,0.2,0.1",
        "--group",
        "类别",
        "--explain",
    ]);
    insta::assert_snapshot!("wrsr_grouped_explain", out);
}

#[test]
fn group_column_errors() {
    let out = user_error(&[
        "mcda",
        "--data",
        GROUPED,
        "--id",
        "方案",
        "--criteria",
        X_CRITERIA,
        "--method",
        "topsis",
        "--group",
        "类型",
    ]);
    insta::assert_snapshot!("group_column_missing", out);
}

#[test]
fn rows_are_named_as_the_file_numbers_them_and_ids_are_unique_across_groups() {
    let dir = tempfile::tempdir().unwrap();
    // A title and a blank line above the header (line 3): the data start on line 4.
    let path = dir.path().join("m.csv");
    std::fs::write(
        &path,
        "2024年评价表\n\n方案,类别,成本,质量\na1,综合,250,16\na2,专科,200,x\na1,专科,300,15\n",
    )
    .unwrap();
    let data = path.to_str().unwrap();
    let base = [
        "mcda",
        "--data",
        data,
        "--id",
        "方案",
        "--criteria",
        "成本:-,质量:+",
        "--method",
        "topsis",
    ];
    let o = jixiao(&[&base[..], &["--header-row", "3"]].concat());
    assert_eq!(o.code, 1, "{}", transcript(&o));
    // a1 sits on lines 4 and 6 of the file.
    assert!(o.stderr.contains("\"a1\" (rows 4 and 6)"), "{}", o.stderr);
    // With --group the whole matrix is checked first: a1 is in two groups, still refused.
    let o = jixiao(&[&base[..], &["--header-row", "3", "--group", "类别"]].concat());
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(o.stderr.contains("\"a1\" (rows 4 and 6)"), "{}", o.stderr);
    // Without the duplicate, the bad cell is on line 5 whether grouped or not.
    std::fs::write(
        &path,
        "2024年评价表\n\n方案,类别,成本,质量\na1,综合,250,16\na2,专科,200,x\na3,专科,300,15\n",
    )
    .unwrap();
    for extra in [
        &["--header-row", "3"][..],
        &["--header-row", "3", "--group", "类别"],
    ] {
        let o = jixiao(&[&base[..], extra].concat());
        assert_eq!(o.code, 1, "{}", transcript(&o));
        assert!(o.stderr.contains("row 5 (a2: \"x\")"), "{}", o.stderr);
    }
}
