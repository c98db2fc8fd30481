//! The shipped national secondary scheme (`scoring/secondary-2020`, 二级公立医院绩效考核 S1–S28):
//! its formulas on a hand-made fixture, every number computed by hand; its command-line transcript
//! on the shipped dataset; the dataset's planted faults; and the dataset being the generator's output.
//!
//! Fixture (tests/fixtures/secondary-2020): three 综合 hospitals A, B, C and one 中医 hospital D, which
//! is new (absent from previous.csv). Percentile ranks are taken within the peer group, so among
//! the three 综合 hospitals the worst scores (1 − 1)/(3 − 1) × 100 = 0, the middle 50, the best 100
//! (tied values share the lower rank), and D, alone among 中医, scores 100 wherever it has a value.

use std::path::{Path, PathBuf};

use jixiao::pipeline::ScoreRun;
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use polars::prelude::*;

mod common;
use common::{floats, jixiao, transcript};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture_dir() -> PathBuf {
    root().join("tests/fixtures/secondary-2020")
}

/// Scores the fixture (both periods) with the scheme in `scheme_dir`.
fn score_fixture_with(scheme_dir: &Path) -> ScoreRun {
    let plan = Plan::compile(Scheme::load(scheme_dir).unwrap()).unwrap();
    let dir = fixture_dir();
    jixiao::pipeline::score(
        &plan,
        &dir.join("current.csv").into(),
        Some(&dir.join("previous.csv").into()),
    )
    .unwrap()
}

/// The fixture scored with the shipped scheme.
fn fixture_run() -> ScoreRun {
    score_fixture_with(&root().join("scoring/secondary-2020"))
}

/// The values of `column` for hospitals A, B, C, D (the output is in rank order).
fn by_hospital(run: &ScoreRun, column: &str) -> Vec<Option<f64>> {
    ["A", "B", "C", "D"]
        .iter()
        .map(|id| {
            let row = run
                .table
                .clone()
                .lazy()
                .filter(col("机构编码").eq(lit(*id)))
                .collect()
                .unwrap();
            floats(&row, column)[0]
        })
        .collect()
}

fn texts_by_hospital(run: &ScoreRun, column: &str) -> Vec<String> {
    let ids = run.table.column("机构编码").unwrap().str().unwrap().clone();
    let values = run.table.column(column).unwrap().str().unwrap().clone();
    ["A", "B", "C", "D"]
        .iter()
        .map(|id| {
            let row = ids.iter().position(|i| i == Some(*id)).unwrap();
            values.get(row).unwrap_or("").to_string()
        })
        .collect()
}

/// Asserts `column` holds `expected` for A, B, C, D (within 1e-6; `None` = missing).
fn assert_values(run: &ScoreRun, column: &str, expected: [Option<f64>; 4]) {
    let actual = by_hospital(run, column);
    for (a, e) in actual.iter().zip(&expected) {
        match (a, e) {
            (Some(a), Some(e)) => assert!(
                (a - e).abs() < 1e-6,
                "{column}: {actual:?}, expected {expected:?}"
            ),
            (None, None) => {}
            _ => panic!("{column}: {actual:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn s1_counts_surgical_patients_not_operations() {
    let run = fixture_run();
    // S1 = 出院患者手术人数 / 出院人数 × 100:
    // A 2500 / 10000 = 25 (by operations it would be 3000 / 10000 = 30);
    // B 2400 / 8000 = 30 (2600 operations: 32.5); C 2400 / 12000 = 20; D 600 / 5000 = 12.
    assert_values(&run, "S1", [Some(25.0), Some(30.0), Some(20.0), Some(12.0)]);
    // 综合: C 20 worst → 0, A 25 → 50, B 30 best → 100; D alone among 中医 → 100.
    assert_values(
        &run,
        "S1.score",
        [Some(50.0), Some(100.0), Some(0.0), Some(100.0)],
    );
    // S2 微创 / 手术人数: A 500 / 2500 = 20; B 600 / 2400 = 25; C 240 / 2400 = 10; D 60 / 600 = 10.
    assert_values(&run, "S2", [Some(20.0), Some(25.0), Some(10.0), Some(10.0)]);
    // S4 over 择期 surgical patients: A 16 / 2000 = 0.8; B 8 / 1600 = 0.5; C 15 / 1500 = 1; D 4 / 400 = 1.
    assert_values(&run, "S4", [Some(0.8), Some(0.5), Some(1.0), Some(1.0)]);
}

#[test]
fn s24_five_parts_roll_up_into_the_indicator() {
    let run = fixture_run();
    // <专业>在岗医师数 / 注册执业(助理)医师数 × 100. A has 400 physicians, B 300, C 500, D 200.
    // 麻醉: A 20/400 = 5, B 12/300 = 4, C 30/500 = 6, D 6/200 = 3.
    assert_values(
        &run,
        "S24_麻醉",
        [Some(5.0), Some(4.0), Some(6.0), Some(3.0)],
    );
    // 儿科: A 24/400 = 6, B 24/300 = 8, C 20/500 = 4, D 6/200 = 3.
    assert_values(
        &run,
        "S24_儿科",
        [Some(6.0), Some(8.0), Some(4.0), Some(3.0)],
    );
    // 重症: A 8/400 = 2, B 3/300 = 1, C 15/500 = 3, D 2/200 = 1.
    assert_values(
        &run,
        "S24_重症",
        [Some(2.0), Some(1.0), Some(3.0), Some(1.0)],
    );
    // 病理: A 0, B 0, C 5/500 = 1, D 1/200 = 0.5.
    assert_values(
        &run,
        "S24_病理",
        [Some(0.0), Some(0.0), Some(1.0), Some(0.5)],
    );
    // 中医: A 40/400 = 10, B 45/300 = 15, C 25/500 = 5, D 100/200 = 50.
    assert_values(
        &run,
        "S24_中医",
        [Some(10.0), Some(15.0), Some(5.0), Some(50.0)],
    );
    // Part scores among 综合 (up): 麻醉 B 0, A 50, C 100; 儿科 C 0, A 50, B 100; 重症 B 0, A 50,
    // C 100; 病理 A and B tie at 0 (shared lower rank 1 → 0), C 100; 中医 C 0, A 50, B 100.
    assert_values(
        &run,
        "S24_病理.score",
        [Some(0.0), Some(0.0), Some(100.0), Some(100.0)],
    );
    // S24.score = equal-weight mean of the five part scores:
    // A (50 + 50 + 50 + 0 + 50) / 5 = 40; B (0 + 100 + 0 + 0 + 100) / 5 = 40;
    // C (100 + 0 + 100 + 100 + 0) / 5 = 60; D 100.
    assert_values(
        &run,
        "S24.score",
        [Some(40.0), Some(40.0), Some(60.0), Some(100.0)],
    );
    // 医护比 is 监测比较, so 人员结构 is S24 alone.
    assert_values(
        &run,
        "人员结构.score",
        [Some(40.0), Some(40.0), Some(60.0), Some(100.0)],
    );
}

#[test]
fn s21_growth_of_cost_per_visit_and_per_stay() {
    let run = fixture_run();
    // 门诊次均 = 门急诊收入 × 10000 / 门急诊人次数:
    // A 5000万 / 250000 = 200 元, last year 4000万 / 250000 = 160 → (200 − 160) / 160 = 25%;
    // B 3600万 / 200000 = 180, last year the same → 0%;
    // C 6600万 / 300000 = 220, last year 5500万 / 275000 = 200 → 10%; D is new → missing.
    assert_values(&run, "S21_门诊", [Some(25.0), Some(0.0), Some(10.0), None]);
    // 住院次均 = 住院收入 × 10000 / 出院人数:
    // A 6000万 / 10000 = 6000, last year 5000万 / 10000 = 5000 → 20%;
    // B 5200万 / 8000 = 6500, last year 6000万 / 8000 = 7500 → −1000 / 7500 = −13.333333%;
    // C 7800万 / 12000 = 6500, last year 6500万 / 10000 = 6500 → 0%.
    assert_values(
        &run,
        "S21_住院",
        [Some(20.0), Some(-100.0 / 7.5), Some(0.0), None],
    );
    // Lower is better: 门诊 A 0, C 50, B 100; 住院 A 0, C 50, B 100; S21 = their mean.
    assert_values(
        &run,
        "S21.score",
        [Some(0.0), Some(100.0), Some(50.0), None],
    );
    // S20 医疗收入增幅 (监测比较): 门急诊收入 A (5000 − 4000) / 4000 = 25%, B 0%, C (6600 − 5500) / 5500 = 20%.
    assert_values(
        &run,
        "S20_门急诊",
        [Some(25.0), Some(0.0), Some(20.0), None],
    );
}

#[test]
fn s22_outpatient_drug_cost_excludes_negotiated_anticancer_drugs() {
    let run = fixture_run();
    // 门诊次均药品费用 = (门诊药品收入 − 门诊国家谈判抗癌药收入) × 10000 / 门急诊人次数:
    // A (2000 − 200)万 / 250000 = 72 元, last year (1700 − 100)万 / 250000 = 64 → 12.5%
    //   (without the exclusion: 80 vs 68 → 17.647059%);
    // B (1500 − 0)万 / 200000 = 75, last year 1400万 / 200000 = 70 → 7.142857%;
    // C (2400 − 60)万 / 300000 = 78, last year (2200 − 50)万 / 275000 = 78.181818
    //   → −0.181818 / 78.181818 = −0.232558% (without the exclusion: 80 vs 80 → 0%).
    assert_values(
        &run,
        "S22_门诊",
        [
            Some(12.5),
            Some(5.0 / 70.0 * 100.0),
            Some((78.0 - 2150.0 / 27.5) / (2150.0 / 27.5) * 100.0),
            None,
        ],
    );
    // 住院次均药品费用 = 住院药品收入 / 出院人数: A 1500 vs 1200 元 → 25%; B 1625 vs 1625 → 0%;
    // C 1800万 / 12000 = 1500 vs 1500万 / 10000 = 1500 → 0%.
    assert_values(&run, "S22_住院", [Some(25.0), Some(0.0), Some(0.0), None]);
    // Lower is better. 门诊: A 0, B 50, C 100. 住院: A 0, B and C tie at the best (shared lower
    // rank 2 → 50). S22 = mean: A 0, B 50, C 75.
    assert_values(&run, "S22.score", [Some(0.0), Some(50.0), Some(75.0), None]);
    // 费用控制 = (4 × S21 + 4 × S22) / 8 (S20 is 监测比较): A 0, B (100 + 50) / 2 = 75,
    // C (50 + 75) / 2 = 62.5; D has no 增幅 at all → missing.
    assert_values(
        &run,
        "费用控制.score",
        [Some(0.0), Some(75.0), Some(62.5), None],
    );
}

#[test]
fn s23_nurse_ratio_is_displayed_as_one_to_x() {
    let run = fixture_run();
    // X = 注册护士数 / 注册执业(助理)医师数: A 600 / 400 = 1.5; B 375 / 300 = 1.25;
    // C 800 / 500 = 1.6; D 290 / 200 = 1.45. 监测比较: reported, no score column.
    assert_values(&run, "S23", [Some(1.5), Some(1.25), Some(1.6), Some(1.45)]);
    assert_eq!(
        texts_by_hospital(&run, "S23.display"),
        ["1:1.50", "1:1.25", "1:1.60", "1:1.45"]
    );
    assert!(run.table.column("S23.score").is_err());
}

#[test]
fn fixed_goalposts_and_targets_score_without_the_peer_group() {
    let run = fixture_run();
    // S5 低风险组病例死亡率, goalposts 0.2% → 0, 0 → 100: C 1 / 1200 = 0.083333% →
    // (0.2 − 0.083333) / 0.2 × 100 = 58.333333; A 1 / 1000 = 0.1% → 50; B and D no death → 100.
    assert_values(
        &run,
        "S5.score",
        [Some(50.0), Some(100.0), Some(175.0 / 3.0), Some(100.0)],
    );
    // S6 DDDs = DDD × 100 / 床日, target 40: A 40000 × 100 / 80000 = 50 → 40 / 50 × 100 = 80;
    // D 20000 × 100 / 50000 = 40 → 100.
    assert_values(&run, "S6", [Some(50.0), Some(50.0), Some(50.0), Some(40.0)]);
    assert_values(
        &run,
        "S6.score",
        [Some(80.0), Some(80.0), Some(80.0), Some(100.0)],
    );
    // S11 EMR level, goalposts 0 → 0, 4 → 100: A 3 → 75, B 4 → 100, C 2 → 50, D 3 → 75.
    assert_values(
        &run,
        "S11.score",
        [Some(75.0), Some(100.0), Some(50.0), Some(75.0)],
    );
    // S12 parts, goalposts 60 → 0, 100 → 100: A 参加率 90 / 100 = 90 → 75, 合格率 81 / 90 = 90
    // → 75, S12 = 75; B 100 → 100 and 95 / 100 = 95 → 87.5, S12 = 93.75.
    assert_values(
        &run,
        "S12_合格率",
        [Some(90.0), Some(95.0), Some(100.0), Some(80.0)],
    );
    assert_values(
        &run,
        "S12.score",
        [Some(75.0), Some(93.75), Some(75.0), Some(68.75)],
    );
    // S27 parts, goalposts 75 → 0, 95 → 100: A 门诊 85 → 50, 住院 90 → 75 → S27 62.5.
    assert_values(
        &run,
        "S27.score",
        [Some(62.5), Some(80.0), Some(37.5), Some(72.5)],
    );
}

#[test]
fn finance_indicators_follow_the_new_accounting_definitions() {
    let run = fixture_run();
    // S14 医疗盈余率 = (医疗活动收入 − 医疗活动费用) / 医疗活动收入 × 100:
    // A (12100 − 11495) / 12100 = 5%; B (9680 − 9680) / 9680 = 0%.
    assert_values(&run, "S14", [Some(5.0), Some(0.0), Some(-2.0), Some(2.0)]);
    // S16 人员经费 / 医疗活动费用: A 4598 / 11495 = 40% → target 40 → 100.
    assert_values(
        &run,
        "S16",
        [Some(40.0), Some(36.0), Some(30.0), Some(38.0)],
    );
    // S17 总能耗(吨标煤) / 总收入(万元): A 1200 / 13200 = 0.090909 吨标煤/万元.
    assert_values(
        &run,
        "S17",
        [
            Some(1200.0 / 13200.0),
            Some(880.0 / 10560.0),
            Some(1800.0 / 17280.0),
            Some(600.0 / 7200.0),
        ],
    );
    // S19 (医疗收入 − 药品 − 卫生材料 − 检查 − 化验) / 医疗收入: A (11000 − 3500 − 1100 − 1320 − 1100)
    // / 11000 = 3980 / 11000 = 36.181818%; C (14400 − 4200 − 1440 − 1728 − 1440) / 14400 = 38.833333%;
    // D (6000 − 2250 − 600 − 720 − 600) / 6000 = 30.5%.
    assert_values(
        &run,
        "S19",
        [
            Some(3980.0 / 110.0),
            Some(3184.0 / 88.0),
            Some(5592.0 / 144.0),
            Some(30.5),
        ],
    );
}

#[test]
fn monitor_indicators_are_scored_by_median_distance_when_switched_on() {
    // scheme.yaml: `monitor: {score: true}` scores 监测比较 indicators by their distance from the
    // peer-group median. S13 平均住院日 = 床日 / 出院人数: A 80000 / 10000 = 8, B 60000 / 8000 = 7.5,
    // C 96000 / 12000 = 8. 综合 median 8; farthest |7.5 − 8| = 0.5 → B 0, A and C 100.
    let temp = tempfile::tempdir().unwrap();
    let shipped = root().join("scoring/secondary-2020");
    for file in ["indicators.rhai", "common.rhai"] {
        std::fs::copy(shipped.join(file), temp.path().join(file)).unwrap();
    }
    let yaml = std::fs::read_to_string(shipped.join("scheme.yaml")).unwrap();
    assert!(yaml.contains("\n  score: false\n"));
    let yaml = yaml
        .replace("\n  score: false\n", "\n  score: true\n")
        .replace("../../datasets", "/nonexistent");
    std::fs::write(temp.path().join("scheme.yaml"), yaml).unwrap();
    let run = score_fixture_with(temp.path());
    assert_values(&run, "S13", [Some(8.0), Some(7.5), Some(8.0), Some(10.0)]);
    assert_values(
        &run,
        "S13.score",
        [Some(100.0), Some(0.0), Some(100.0), Some(100.0)],
    );
    // S23 医护比 now enters 人员结构 with weight 1 beside S24's 3; the median of A 1.5, B 1.25,
    // C 1.6 is 1.5, the farthest is B (0.25): A 100, B 0, C 100 − 0.1 / 0.25 × 100 = 60.
    assert_values(
        &run,
        "S23.score",
        [Some(100.0), Some(0.0), Some(60.0), Some(100.0)],
    );
    // 人员结构 = (1 × S23 + 3 × S24) / 4: A (100 + 120) / 4 = 55, B (0 + 120) / 4 = 30,
    // C (60 + 180) / 4 = 60.
    assert_values(
        &run,
        "人员结构.score",
        [Some(55.0), Some(30.0), Some(60.0), Some(100.0)],
    );
}

#[test]
fn check_and_score_on_the_shipped_dataset() {
    let check = jixiao(&["check", "--scheme", "scoring/secondary-2020"]);
    assert_eq!(check.code, 0, "{}", transcript(&check));
    insta::assert_snapshot!("check", transcript(&check));
    let score = jixiao(&["score", "--scheme", "scoring/secondary-2020", "--top", "10"]);
    assert_eq!(score.code, 0, "{}", transcript(&score));
    insta::assert_snapshot!("score_top10", transcript(&score));
}

#[test]
fn shipped_dataset_reports_its_planted_faults() {
    let plan =
        Plan::compile(Scheme::load(&root().join("scoring/secondary-2020")).unwrap()).unwrap();
    let data = root().join("datasets/secondary-2020");
    let run = jixiao::pipeline::score(
        &plan,
        &data.join("current.csv").into(),
        Some(&data.join("previous.csv").into()),
    )
    .unwrap();
    let s = &run.summary;
    assert_eq!(s.load.institutions, 1200);
    assert_eq!(run.table.height(), 1200);
    assert_eq!(s.ranked, 1200);
    // Six new hospitals: S220006, S220217, S220428, S220639, S220850, S221061.
    assert_eq!(s.load.missing_in_previous, 6);
    // S220035's 门诊患者满意度 reads 未测评.
    assert_eq!(s.load.bad_cells.get("门诊患者满意度"), Some(&1));
    let quality = |id: &str| {
        let q = s.indicators.iter().find(|q| q.id == id).unwrap();
        (q.missing, q.zero_denominator)
    };
    // S220008 has no low-risk DRG case; S220014 no 住院患者满意度; the new hospitals no 增幅.
    assert_eq!(quality("S5"), (1, 1));
    assert_eq!(quality("S27_住院"), (1, 0));
    assert_eq!(quality("S27_门诊"), (1, 0));
    assert_eq!(quality("S21_门诊"), (6, 0));
    assert_eq!(quality("S1"), (0, 0));
    // S220022's antibiotic use is the outlier: 185 DDDs → 40 / 185 × 100.
    let outlier = run
        .table
        .clone()
        .lazy()
        .filter(col("机构编码").eq(lit("S220022")))
        .collect()
        .unwrap();
    let s6 = floats(&outlier, "S6")[0].unwrap();
    assert!((s6 - 185.0).abs() < 0.01, "{s6}");
    let max_other = floats(&run.table, "S6")
        .into_iter()
        .flatten()
        .filter(|v| (v - s6).abs() > 1e-9)
        .fold(0.0, f64::max);
    assert!(max_other < 80.0, "the next highest is {max_other}");
    // Output values are rounded to 6 decimals.
    assert!((floats(&outlier, "S6.score")[0].unwrap() - 4000.0 / s6).abs() < 1e-5);
}

#[test]
fn shipped_dataset_is_the_generators_output() {
    // datasets/secondary-2020/README.md: `jixiao sample --as-shipped --kind secondary-2020 --institutions 1200
    // --seed 2020` rewrites these files exactly.
    let dir = tempfile::tempdir().unwrap();
    let sample = jixiao::synthetic::SampleKind::Secondary2020.generate(1200, 2020);
    for (name, frame) in [
        ("current.csv", &sample.current),
        ("previous.csv", &sample.previous),
    ] {
        let path = dir.path().join(name);
        jixiao::report::write_table(frame, &path).unwrap();
        let shipped = root().join("datasets/secondary-2020").join(name);
        assert!(
            std::fs::read(&path).unwrap() == std::fs::read(&shipped).unwrap(),
            "{name} differs from the generator"
        );
    }
}
