//! The full national tertiary scheme `scoring/tertiary-2020` (2020 manual, T1–T55 and T增1): its
//! formulas on a hand-made fixture, the CLI on the shipped dataset, and the dataset itself.
//!
//! Fixture (tests/fixtures/tertiary-2020): four hospitals, A B C 综合 and D 中医 (alone in its
//! group, so each of its percentile scores is 100), D new this year (absent from previous.csv).
//! Every column the formulas read is present; most hold the same value at every hospital, and the
//! ones that differ are given in each test with the arithmetic of the expected value. Percentile
//! rank within the peer group: score = (r − 1) / (n − 1) × 100, r the rank from the worst with
//! ties sharing the lower rank, so among three 综合 hospitals 0, 50 or 100.

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

fn fixture() -> PathBuf {
    root().join("tests/fixtures/tertiary-2020")
}

fn plan(scheme_dir: &Path) -> Plan {
    Plan::compile(Scheme::load(scheme_dir).unwrap()).unwrap()
}

/// The shipped scheme scored on the fixture (both periods).
fn run_fixture_with(scheme_dir: &Path) -> ScoreRun {
    let dir = fixture();
    jixiao::pipeline::score(
        &plan(scheme_dir),
        &dir.join("current.csv").into(),
        Some(&dir.join("previous.csv").into()),
    )
    .unwrap()
}

fn run_fixture() -> DataFrame {
    run_fixture_with(&root().join("scoring/tertiary-2020")).table
}

/// `column` for hospitals A, B, C, D (the output is in rank order, so look each up by id).
fn by_id(table: &DataFrame, column: &str) -> Vec<Option<f64>> {
    let ids = texts(table, "机构编码");
    let values = floats(table, column);
    ["A", "B", "C", "D"]
        .iter()
        .map(|id| values[ids.iter().position(|i| i == id).unwrap()])
        .collect()
}

fn texts(table: &DataFrame, column: &str) -> Vec<String> {
    table
        .column(column)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.unwrap_or("").to_string())
        .collect()
}

fn text_by_id(table: &DataFrame, column: &str) -> Vec<String> {
    let ids = texts(table, "机构编码");
    let values = texts(table, column);
    ["A", "B", "C", "D"]
        .iter()
        .map(|id| values[ids.iter().position(|i| i == id).unwrap()].clone())
        .collect()
}

fn close(column: &str, actual: &[Option<f64>], expected: &[Option<f64>]) {
    assert_eq!(actual.len(), expected.len(), "{column}");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        match (a, e) {
            (Some(a), Some(e)) => assert!(
                (a - e).abs() < 1e-6,
                "{column} of {}: {a} ≠ {e}",
                ["A", "B", "C", "D"][i]
            ),
            _ => assert_eq!(a, e, "{column} of {}", ["A", "B", "C", "D"][i]),
        }
    }
}

#[test]
fn t4_counts_surgical_patients_not_operations() {
    let t = run_fixture();
    // T4 = 出院患者手术人数 / 出院人数 × 100. A: 400 patients (480 operations) of 1000 discharges
    // → 400 / 1000 × 100 = 40 (by operations it would be 48). B: 300 (330 operations) → 30.
    // C and D as A: 40.
    close(
        "T4",
        &by_id(&t, "T4"),
        &[Some(40.0), Some(30.0), Some(40.0), Some(40.0)],
    );
    // Among 综合: A and C tie at 40 and share rank 2 of 3 → 50; B is worst → 0. D alone → 100.
    close(
        "T4.score",
        &by_id(&t, "T4.score"),
        &[Some(50.0), Some(0.0), Some(50.0), Some(100.0)],
    );
}

#[test]
fn t45_five_sub_ratios_roll_up_to_their_mean_score() {
    let t = run_fixture();
    // 在岗医师数 / 执业(助理)医师人数 × 100:
    //        医师  麻醉      儿科      重症      病理      中医
    //   A    200   10 → 5    12 → 6    6 → 3     4 → 2     10 → 5
    //   B    100    6 → 6     4 → 4    2 → 2     1 → 1      7 → 7
    //   C    400   16 → 4    20 → 5   16 → 4    12 → 3     12 → 3
    //   D    150   10 → 6.67 10 → 6.67 10 → 6.67 10 → 6.67 60 → 40
    close(
        "T45_麻醉",
        &by_id(&t, "T45_麻醉"),
        &[Some(5.0), Some(6.0), Some(4.0), Some(10.0 / 150.0 * 100.0)],
    );
    close(
        "T45_中医",
        &by_id(&t, "T45_中医"),
        &[Some(5.0), Some(7.0), Some(3.0), Some(40.0)],
    );
    // Part scores among 综合 (worst 0, middle 50, best 100):
    //   麻醉 C 0, A 50, B 100; 儿科 B 0, C 50, A 100; 重症 B 0, A 50, C 100;
    //   病理 B 0, A 50, C 100; 中医 C 0, A 50, B 100.
    close(
        "T45_儿科.score",
        &by_id(&t, "T45_儿科.score"),
        &[Some(100.0), Some(0.0), Some(50.0), Some(100.0)],
    );
    // T45.score = equal-weight mean of the five: A (50+100+50+50+50)/5 = 60,
    // B (100+0+0+0+100)/5 = 40, C (0+50+100+100+0)/5 = 50, D 100.
    close(
        "T45.score",
        &by_id(&t, "T45.score"),
        &[Some(60.0), Some(40.0), Some(50.0), Some(100.0)],
    );
}

#[test]
fn t7_two_sub_ratios_are_reported_not_scored() {
    let t = run_fixture();
    // 服务量: (特需门急诊 1000 + 特需出院 10) / (门诊 100000 + 出院 1000) × 100 = 1010/101000 × 100 = 1.
    // 收入: 特需医疗服务收入 50 / 医疗收入 5000 × 100 = 1.
    close("T7_服务量", &by_id(&t, "T7_服务量"), &[Some(1.0); 4]);
    close("T7_收入", &by_id(&t, "T7_收入"), &[Some(1.0); 4]);
    assert!(
        t.column("T7.score").is_err(),
        "监测比较: no score while monitor scoring is off"
    );
}

#[test]
fn growth_indicators_compare_with_last_year() {
    let t = run_fixture();
    // T37 医疗收入增幅: A (5000 − 4600) / 4600 × 100 = 8.695652; B, C (5000 − 4800)/4800 × 100 = 4.166667.
    close(
        "T37",
        &by_id(&t, "T37"),
        &[Some(400.0 / 46.0), Some(25.0 / 6.0), Some(25.0 / 6.0), None],
    );
    // T38 门诊次均费用增幅: A now 2000 万元 × 10000 / 100000 人次 = 200 元, last year
    // 1800 × 10000 / 100000 = 180 元 → (200 − 180) / 180 × 100 = 11.111111. B, C unchanged: 0.
    // D is new (not in previous.csv): missing.
    close(
        "T38",
        &by_id(&t, "T38"),
        &[Some(100.0 / 9.0), Some(0.0), Some(0.0), None],
    );
    // Lower is better: B and C tie best (rank 2 of 3 from the worst → 50), A worst → 0.
    close(
        "T38.score",
        &by_id(&t, "T38.score"),
        &[Some(0.0), Some(50.0), Some(50.0), None],
    );
}

#[test]
fn t25_divides_by_the_average_of_this_and_last_years_physicians() {
    let t = run_fixture();
    // T25 = 实际占用总床日数 / ((本年 + 上年医师) / 2) / 365, 73000 bed-days everywhere:
    // A (200 + 180)/2 = 190 → 73000 / 190 / 365 = 1.052632; B (100 + 100)/2 = 100 → 2;
    // C (400 + 380)/2 = 390 → 0.512821; D has no last year → missing.
    close(
        "T25",
        &by_id(&t, "T25"),
        &[
            Some(73000.0 / 190.0 / 365.0),
            Some(2.0),
            Some(73000.0 / 390.0 / 365.0),
            None,
        ],
    );
}

#[test]
fn t39_and_t41_exclude_negotiated_cancer_drugs() {
    let t = run_fixture();
    // T39, A: (门诊药品 800 − 谈判抗癌药 100) × 10000 / 100000 = 70 元 now,
    // (660 − 30) × 10000 / 100000 = 63 元 last year → (70 − 63) / 63 × 100 = 11.111111.
    // With the cancer drugs it would be (80 − 66) / 66 × 100 = 21.21.
    close(
        "T39",
        &by_id(&t, "T39"),
        &[Some(100.0 / 9.0), Some(0.0), Some(0.0), None],
    );
    // T41, every hospital: (600 − 50) × 10000 / 1000 = 5500 元 both years → 0.
    close(
        "T41",
        &by_id(&t, "T41"),
        &[Some(0.0), Some(0.0), Some(0.0), None],
    );
}

#[test]
fn t42_graded_levels_score_on_goalposts() {
    let dir = root().join("scoring/tertiary-2020");
    let run = run_fixture_with(&dir);
    let t = &run.table;
    // 全面预算管理: A 完善 3, B 基本完善 1, C 较完善 2, D 未填报 (not a level) → missing.
    close(
        "T42",
        &by_id(t, "T42"),
        &[Some(3.0), Some(1.0), Some(2.0), None],
    );
    // goalposts 0 → 0, 3 → 100: 100, 33.333333, 66.666667.
    close(
        "T42.score",
        &by_id(t, "T42.score"),
        &[Some(100.0), Some(100.0 / 3.0), Some(200.0 / 3.0), None],
    );
    assert_eq!(
        run.summary.load.unknown_levels.get("全面预算管理"),
        Some(&1)
    );
}

#[test]
fn t10_single_disease_metrics_and_roll_up() {
    let t = run_fixture();
    // 急性心肌梗死: A 50 cases, 400 bed-days, 200 万元, 2 deaths; B none; C 100, 900, 350 万元, 3.
    close(
        "T10_AMI_例数",
        &by_id(&t, "T10_AMI_例数"),
        &[Some(50.0), Some(0.0), Some(100.0), Some(0.0)],
    );
    // 平均住院日 A 400/50 = 8, C 900/100 = 9; 0 cases: zero denominator → missing.
    close(
        "T10_AMI_平均住院日",
        &by_id(&t, "T10_AMI_平均住院日"),
        &[Some(8.0), None, Some(9.0), None],
    );
    // 次均费用 A 200 × 10000 / 50 = 40000 元, C 350 × 10000 / 100 = 35000 元.
    close(
        "T10_AMI_次均费用",
        &by_id(&t, "T10_AMI_次均费用"),
        &[Some(40000.0), None, Some(35000.0), None],
    );
    // 病死率 A 2/50 × 100 = 4, C 3/100 × 100 = 3.
    close(
        "T10_AMI_病死率",
        &by_id(&t, "T10_AMI_病死率"),
        &[Some(4.0), None, Some(3.0), None],
    );
    // Lower is better, two hospitals: 住院日 A 100 C 0; 费用 A 0 C 100; 病死率 A 0 C 100.
    // T10_AMI.score = (1 × 住院日 + 1 × 费用 + 2 × 病死率) / 4: A (100 + 0 + 0)/4 = 25,
    // C (0 + 100 + 200)/4 = 75; B treats none: missing (例数 is only reported).
    close(
        "T10_AMI.score",
        &by_id(&t, "T10_AMI.score"),
        &[Some(25.0), None, Some(75.0), None],
    );
    // 心力衰竭: A 40 cases, 400 bed-days (10), 80 万元 (20000 元), 2 deaths (5%); B 20, 180 (9),
    // 50 万元 (25000 元), 0 deaths (0%) → A (0 + 100 + 0)/4 = 25, B (100 + 0 + 200)/4 = 75.
    close(
        "T10_HF.score",
        &by_id(&t, "T10_HF.score"),
        &[Some(25.0), Some(75.0), None, None],
    );
    // T10.score: mean over the diseases each hospital treats: A (25 + 25)/2 = 25, B 75 (HF),
    // C 75 (AMI), D 100 (脑梗死 only, alone in 中医).
    close(
        "T10.score",
        &by_id(&t, "T10.score"),
        &[Some(25.0), Some(75.0), Some(75.0), Some(100.0)],
    );
}

#[test]
fn ratios_display_as_the_manual_writes_them() {
    let t = run_fixture();
    // T46 医护比 1:X, X = 注册护士 / 医师: A 300/200 = 1.5, B 160/100, C 680/400, D 300/150.
    close(
        "T46",
        &by_id(&t, "T46"),
        &[Some(1.5), Some(1.6), Some(1.7), Some(2.0)],
    );
    assert_eq!(
        text_by_id(&t, "T46.display"),
        ["1:1.50", "1:1.60", "1:1.70", "1:2.00"]
    );
    // T1 门诊 100000 / 出院 1000 = 100, shown X:1.
    assert_eq!(text_by_id(&t, "T1.display")[0], "100.00:1");
}

#[test]
fn finance_and_scaled_indicators() {
    let t = run_fixture();
    // T35 收支结余 (万元): 医疗收支结余 5000 + 200 − 4500 − 400 = 300; 业务收支结余 300 + 50 − 30 = 320;
    // 财政项目 100 − 90 = 10; 科教项目 50 − 40 = 10 → 340.
    close("T35", &by_id(&t, "T35"), &[Some(340.0); 4]);
    // T34 = 总能耗 324 吨标煤 × 10000 / 总收入 (5400 万元 = 54 000 000 元) = 0.06 吨标煤/万元.
    close("T34", &by_id(&t, "T34"), &[Some(0.06); 4]);
    // T17 = 3600 DDD × 100 / 9000 bed-days = 40 DDDs; target 40 → full marks.
    close("T17", &by_id(&t, "T17"), &[Some(40.0); 4]);
    close("T17.score", &by_id(&t, "T17.score"), &[Some(100.0); 4]);
    // T49_带教培训 = 120 人次 × 100 / 600 卫生技术人员 = 20 per 100; T49_经费 = 30 / 5030 × 100.
    close("T49_带教培训", &by_id(&t, "T49_带教培训"), &[Some(20.0); 4]);
    close(
        "T49_经费",
        &by_id(&t, "T49_经费"),
        &[Some(30.0 / 5030.0 * 100.0); 4],
    );
    // T24 level 4 on goalposts 2 → 0, 5 → 100: (4 − 2) / 3 × 100 = 66.666667.
    close(
        "T24.score",
        &by_id(&t, "T24.score"),
        &[Some(200.0 / 3.0); 4],
    );
}

#[test]
fn monitor_scoring_switch_scores_monitor_indicators() {
    // The shipped scheme with `monitor: {score: true}`: 监测比较 indicators are then scored by
    // their distance from the peer-group median, the graded T12 by its level.
    let temp = tempfile::tempdir().unwrap();
    let shipped = root().join("scoring/tertiary-2020");
    for file in ["scheme.yaml", "indicators.rhai", "common.rhai"] {
        let text = std::fs::read_to_string(shipped.join(file)).unwrap();
        let text = if file == "scheme.yaml" {
            assert!(text.contains("\n  score: false\n"));
            text.replace("\n  score: false\n", "\n  score: true\n")
        } else {
            text
        };
        std::fs::write(temp.path().join(file), text).unwrap();
    }
    let t = run_fixture_with(temp.path()).table;
    // T46 among 综合: 1.5, 1.6, 1.7 → median 1.6, farthest 0.1 away: A 0, B 100, C 0; D alone 100.
    close(
        "T46.score",
        &by_id(&t, "T46.score"),
        &[Some(0.0), Some(100.0), Some(0.0), Some(100.0)],
    );
    // T12 完善 everywhere → level 3 → goalposts 0 → 3: 100.
    close("T12.score", &by_id(&t, "T12.score"), &[Some(100.0); 4]);
    // 资源效率 and 信用建设 hold only monitor indicators: scored now, absent while the switch is off.
    assert!(t.column("资源效率.score").is_ok());
    assert!(t.column("信用建设.score").is_ok());
    let off = run_fixture_with(&shipped).table;
    assert!(off.column("资源效率.score").is_err());
}

#[test]
fn check_accepts_the_shipped_scheme_and_dataset() {
    let o = jixiao(&["check", "--scheme", "scoring/tertiary-2020"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("check", transcript(&o));
}

#[test]
fn score_prints_the_top_ten_and_the_summary() {
    let o = jixiao(&["score", "--scheme", "scoring/tertiary-2020", "--top", "10"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("score_top10", transcript(&o));
}

fn shipped_run() -> ScoreRun {
    let data = root().join("datasets/tertiary-2020");
    jixiao::pipeline::score(
        &plan(&root().join("scoring/tertiary-2020")),
        &data.join("current.csv").into(),
        Some(&data.join("previous.csv").into()),
    )
    .unwrap()
}

#[test]
fn shipped_dataset_reports_its_planted_faults() {
    // datasets/tertiary-2020/README.md, "Planted faults".
    let run = shipped_run();
    let s = &run.summary;
    assert_eq!(s.load.institutions, 320);
    assert_eq!(run.table.height(), 320);
    assert_eq!(s.load.missing_in_previous, 4);
    assert_eq!(s.load.bad_cells.get("门诊患者满意度"), Some(&1));
    assert_eq!(s.load.unknown_levels.get("全面预算管理"), Some(&1));
    let quality = |id: &str| s.indicators.iter().find(|q| q.id == id).unwrap();
    assert_eq!(
        (quality("T47").missing, quality("T47").zero_denominator),
        (1, 1)
    );
    assert_eq!(quality("T54").missing, 1);
    assert_eq!(quality("T38").missing, 4);
    assert_eq!(s.vetoed, 1);
    let ids = texts(&run.table, "机构编码");
    let flags = texts(&run.table, "flags");
    let vetoed: Vec<&str> = ids
        .iter()
        .zip(&flags)
        .filter(|(_, f)| f.contains("veto:"))
        .map(|(i, _)| i.as_str())
        .collect();
    assert_eq!(vetoed, ["H120043"]);
    // The antibiotic outlier: H120022 at about 190 DDDs, T17.score = 40 / 190 × 100.
    let row = ids.iter().position(|i| i == "H120022").unwrap();
    let t17 = floats(&run.table, "T17")[row].unwrap();
    assert!((t17 - 190.0).abs() < 0.01, "{t17}");
    let score = floats(&run.table, "T17.score")[row].unwrap();
    assert!((score - 40.0 / t17 * 100.0).abs() < 1e-4);
}

#[test]
fn shipped_dataset_is_the_generators_output() {
    // datasets/tertiary-2020/README.md: `jixiao sample --as-shipped --kind tertiary-2020 --institutions 320
    // --seed 2020` rewrites these files exactly.
    let dir = tempfile::tempdir().unwrap();
    let sample = jixiao::synthetic::SampleKind::Tertiary2020.generate(320, 2020);
    for (name, frame) in [
        ("current.csv", &sample.current),
        ("previous.csv", &sample.previous),
    ] {
        let path = dir.path().join(name);
        jixiao::report::write_table(frame, &path).unwrap();
        let shipped = root().join("datasets/tertiary-2020").join(name);
        assert!(
            std::fs::read(&path).unwrap() == std::fs::read(&shipped).unwrap(),
            "{name} differs from the generator"
        );
    }
}
