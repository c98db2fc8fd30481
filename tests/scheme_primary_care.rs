//! The shipped primary-care scheme (`scoring/primary-care`) on a hand-made fixture of four
//! institutions (tests/fixtures/primary-care), every number computed by hand, and on the shipped
//! dataset: 基本公卫 rates and their roll-ups, growth over last year, graded levels and yes/no
//! facts, "not applicable" for a centre without beds, and the 工分 / 质量系数 / 预算 stage.
//!
//! | | peer group | notes |
//! |---|---|---|
//! | J001 甲 | 社区卫生服务中心 | 20 beds; 基本公卫 质量系数 exactly 0.8500 (not corrected) |
//! | J002 乙 | 社区卫生服务中心 | no beds; 基本公卫 质量系数 0.8499 (corrected); 患者满意度 未测评 |
//! | J003 丙 | 社区卫生服务中心 | new: absent from previous.csv |
//! | J004 丁 | 乡镇卫生院 | alone in its peer group (every percentile score is 100); 院感 未检查; 医疗纠纷 empty |
//!
//! Percentile ranks within 社区卫生服务中心 have three institutions: from the worst, scores 0, 50,
//! 100; ties share the lower rank.

use std::path::{Path, PathBuf};

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use polars::prelude::*;

mod common;
use common::{floats, jixiao, transcript};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shipped_plan(edit: impl FnOnce(String) -> String) -> Plan {
    let dir = root().join("scoring/primary-care");
    let yaml = dir.join("scheme.yaml");
    let text = edit(std::fs::read_to_string(&yaml).unwrap());
    Plan::compile(Scheme::from_text(&dir, &yaml, text).unwrap()).unwrap()
}

fn score_on(plan: &Plan, data: &Path) -> jixiao::pipeline::ScoreRun {
    jixiao::pipeline::score(
        plan,
        &data.join("current.csv").into(),
        Some(&data.join("previous.csv").into()),
    )
    .unwrap()
}

/// The shipped scheme on the fixture, rows in institution-id order (J001–J004).
fn fixture_run(edit: impl FnOnce(String) -> String) -> (DataFrame, jixiao::summary::RunSummary) {
    let run = score_on(
        &shipped_plan(edit),
        &root().join("tests/fixtures/primary-care"),
    );
    let table = run
        .table
        .sort(["机构编码"], SortMultipleOptions::default())
        .unwrap();
    (table, run.summary)
}

fn fixture() -> (DataFrame, jixiao::summary::RunSummary) {
    fixture_run(|t| t)
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

fn texts(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
    frame
        .column(name)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.map(str::to_string))
        .collect()
}

#[test]
fn basic_public_health_rates_and_their_roll_up() {
    let (t, _) = fixture();
    // H01 高血压患者规范管理率 = 规范管理 / 已管理 × 100:
    // 1452/2200 = 66, 4719/7260 = 65, 3696/5280 = 70, 1260/2800 = 45.
    close(
        &floats(&t, "P10_H01"),
        &[Some(66.0), Some(65.0), Some(70.0), Some(45.0)],
    );
    // H00 管理率 = 已管理 / (成年人口 × 27.5%): 2200/(16000 × 0.275 = 4400) = 50,
    // 7260/13200 = 55, 5280/8800 = 60, 2800/5500 = 50.909091.
    close(
        &floats(&t, "P10_H00"),
        &[Some(50.0), Some(55.0), Some(60.0), Some(50.909091)],
    );
    // Percentile ranks among the three 社区 centres; J004 is alone (100).
    // H00: 50 < 55 < 60 → 0, 50, 100. H01: 65 < 66 < 70 → J001 50, J002 0, J003 100.
    // H02 血压控制率: 1320/2200 = 60 = 4356/7260, 3432/5280 = 65 → tie at the bottom: 0, 0, 100.
    close(
        &floats(&t, "P10_H00.score"),
        &[Some(0.0), Some(50.0), Some(100.0), Some(100.0)],
    );
    close(
        &floats(&t, "P10_H01.score"),
        &[Some(50.0), Some(0.0), Some(100.0), Some(100.0)],
    );
    close(
        &floats(&t, "P10_H02.score"),
        &[Some(0.0), Some(0.0), Some(100.0), Some(100.0)],
    );
    // P10 高血压患者健康管理 = mean of its three parts: J001 (0 + 50 + 0)/3, J002 (50 + 0 + 0)/3.
    close(
        &floats(&t, "P10.score"),
        &[Some(16.666667), Some(16.666667), Some(100.0), Some(100.0)],
    );
    // P04 健康档案管理, parts S01 (weight 2), S23, S03:
    // S01 建档率 19000/20000 = 95, 55200/60000 = 92, 36200/40000 = 90.5 → 100, 50, 0;
    // S23 规范率 15580/19000 = 82, 46920/55200 = 85, 32580/36200 = 90 → 0, 50, 100;
    // S03 使用率 11400/19000 = 60, 33120/55200 = 60, 18100/36200 = 50 → 50, 50, 0 (tie).
    close(
        &floats(&t, "P04_S01"),
        &[Some(95.0), Some(92.0), Some(90.5), Some(72.0)],
    );
    close(
        &floats(&t, "P04_S03.score"),
        &[Some(50.0), Some(50.0), Some(0.0), Some(100.0)],
    );
    // (2·100 + 0 + 50)/4 = 62.5; (2·50 + 50 + 50)/4 = 50; (0 + 100 + 0)/4 = 25.
    close(
        &floats(&t, "P04.score"),
        &[Some(62.5), Some(50.0), Some(25.0), Some(100.0)],
    );
    // A bundle has a score but no value column of its own.
    assert!(t.column("P04").is_err());
    // MCH04 儿童健康管理率 = 0-6岁 followed up / 0-6岁 children: 900/1000, 2700/3000, 1900/2000,
    // 1350/1500.
    close(
        &floats(&t, "P07_MCH04"),
        &[Some(90.0), Some(90.0), Some(95.0), Some(90.0)],
    );
    // 健康教育 held more than required: 14/12 = 116.666667%, scored by target 100 → full marks.
    close(&floats(&t, "P05_HE07")[2..3], &[Some(116.666667)]);
    close(
        &floats(&t, "P05_HE07.score")[1..3],
        &[Some(83.333333), Some(100.0)],
    );
}

#[test]
fn growth_and_averages_read_the_previous_period() {
    let (t, summary) = fixture();
    // P26 门诊次均费用 (元) = 门诊收入 × 10000 / 门急诊人次数: 200万/20000 = 100, 1080万/72000 = 150,
    // 900万/45000 = 200, 280万/28000 = 100.
    close(
        &floats(&t, "P26_次均费用"),
        &[Some(100.0), Some(150.0), Some(200.0), Some(100.0)],
    );
    // 增幅 against last year: J001 160万/20000 = 80 → (100 − 80)/80 = 25%; J002 945万/70000 = 135 →
    // 11.111111%; J003 is new → missing; J004 260万/26000 = 100 → 0%.
    close(
        &floats(&t, "P26_增幅"),
        &[Some(25.0), Some(11.111111), None, Some(0.0)],
    );
    // Lower growth is better: of the two 社区 centres with a value, J002 best (100), J001 worst (0).
    close(
        &floats(&t, "P26_增幅.score"),
        &[Some(0.0), Some(100.0), None, Some(100.0)],
    );
    // P27 住院次均费用增幅: J001 150万/500 = 3000 vs 120万/480 = 2500 → 20%; J002 has no
    // discharges (zero denominator); J004 200万/800 = 2500 vs 180万/750 = 2400 → 4.166667%.
    close(
        &floats(&t, "P27_增幅"),
        &[Some(20.0), None, None, Some(4.166667)],
    );
    // P28 医疗收入变化情况 = (350 − 280)/280 = 25%, (1080 − 945)/945 = 14.285714%, —, (480 − 440)/440.
    close(
        &floats(&t, "P28"),
        &[Some(25.0), Some(14.285714), None, Some(9.090909)],
    );
    // P16_SN07 续签率 = 续签人数 / last year's 签约居民数: 5400/7200 = 75, 12800/16000 = 80, —, 7200/9000.
    close(
        &floats(&t, "P16_SN07"),
        &[Some(75.0), Some(80.0), None, Some(80.0)],
    );
    // P17 医师日均担负诊疗人次 = 诊疗人次数 / ((医师 this year + last year)/2) / 251:
    // J002 80000 / ((60 + 56)/2 = 58) / 251 = 5.495260; J003 (new) uses this year's 50:
    // 50000 / 50 / 251 = 3.984064.
    close(&floats(&t, "P17")[1..3], &[Some(5.495260), Some(3.984064)]);
    assert_eq!(summary.load.missing_in_previous, 1);
}

#[test]
fn graded_levels_and_yes_no_facts() {
    let (t, summary) = fixture();
    // P24 院内感染管理: 达标 2, 基本达标 1, 不达标 0; J004's 未检查 is not a level → missing.
    close(&floats(&t, "P24"), &[Some(2.0), Some(1.0), Some(0.0), None]);
    // goalposts 0 → 2: 100, 50, 0.
    close(
        &floats(&t, "P24.score"),
        &[Some(100.0), Some(50.0), Some(0.0), None],
    );
    assert_eq!(
        summary.load.unknown_levels.get("院内感染管理检查结果"),
        Some(&1)
    );
    // P32 财务制度: 完善 3, 较完善 2, 基本完善 1, 不完善 0 → goalposts 0 → 3.
    close(
        &floats(&t, "P32.score"),
        &[Some(100.0), Some(66.666667), Some(33.333333), Some(0.0)],
    );
    // P33 信息管理系统应用, two yes/no parts (1 是 → 100, 0 否 → 0): 互通 1, 0, 1, 1 and
    // 开放 0, 0, 1, 0 → means 50, 0, 100, 50.
    close(
        &floats(&t, "P33_互通"),
        &[Some(1.0), Some(0.0), Some(1.0), Some(1.0)],
    );
    close(
        &floats(&t, "P33.score"),
        &[Some(50.0), Some(0.0), Some(100.0), Some(50.0)],
    );
    // P25 医疗纠纷处理 = 纠纷件数, goalposts 3 → 0: 1 dispute = (3 − 1)/3 × 100; J004 empty.
    close(
        &floats(&t, "P25.score"),
        &[Some(66.666667), Some(100.0), Some(100.0), None],
    );
    // 满意度评价 = 0.6 · 患者 (goalposts 75 → 95) + 0.4 · 医务人员 (65 → 90):
    // J001 patients 88 → 65, staff 80 → 60 → 63; J002 patients 未测评 → staff 82 → 68 alone;
    // J004 90 → 75, 78 → 52 → 45 + 20.8 = 65.8.
    close(
        &floats(&t, "满意度评价.score"),
        &[Some(63.0), Some(68.0), Some(83.0), Some(65.8)],
    );
    assert_eq!(summary.load.bad_cells.get("患者满意度"), Some(&1));
}

#[test]
fn centres_without_beds_have_no_inpatient_indicators() {
    let (t, summary) = fixture();
    // J002 has no beds: 出院人数 and 医师日均担负住院床日 are not applicable (empty on purpose),
    // 病床使用率 and 平均住院日 have a zero denominator.
    close(
        &floats(&t, "P02"),
        &[Some(500.0), None, Some(365.0), Some(800.0)],
    );
    // P18 = 实际占用总床日数 / 平均医师 / 365: 3650/40/365 = 0.25; 2920/50/365 = 0.16;
    // 6570/((20 + 18)/2 = 19)/365 = 0.947368.
    close(
        &floats(&t, "P18"),
        &[Some(0.25), None, Some(0.16), Some(0.947368)],
    );
    // P20 平均住院日 = 出院者占用总床日数 / 出院人数: 3500/500 = 7, —, 2920/365 = 8, 6400/800 = 8.
    close(&floats(&t, "P20"), &[Some(7.0), None, Some(8.0), Some(8.0)]);
    let p20 = summary
        .indicators
        .iter()
        .find(|q| q.id == "P20")
        .expect("P20 in the summary");
    assert_eq!(p20.zero_denominator, 1);
    // Monitor indicators are reported, not scored; 医护比 shows as 1:X (护士/医师 50/40 = 1.25).
    assert!(t.column("P20.score").is_err());
    assert_eq!(
        texts(&t, "P37.display"),
        [
            Some("1:1.25".to_string()),
            Some("1:1.20".to_string()),
            Some("1:1.30".to_string()),
            Some("1:0.80".to_string())
        ]
    );
}

#[test]
fn monitor_switch_scores_by_distance_from_the_peer_median() {
    let (t, _) = fixture_run(|t| {
        let on = t.replace("  score: false\n", "  score: true\n");
        assert_ne!(on, t, "the scheme has a monitor switch");
        on
    });
    // P37 医护比 among the 社区 centres 1.25, 1.2, 1.3: median 1.25, distances 0, 0.05, 0.05 →
    // 100, 0, 0; J004 alone is its group's median → 100.
    close(
        &floats(&t, "P37.score"),
        &[Some(100.0), Some(0.0), Some(0.0), Some(100.0)],
    );
}

/// Money as whole 分.
fn cents(values: &[Option<f64>]) -> i64 {
    values
        .iter()
        .map(|v| (v.expect("every institution is paid") * 100.0).round() as i64)
        .sum()
}

#[test]
fn points_coefficient_correction_and_money_on_the_fixture() {
    let (t, summary) = fixture();
    // 基本公卫 (100 points): 建档率 ≥ 90 (10), 规范率 ≥ 80 (10), 儿童 ≥ 85 (10), 老年人 ≥ 65 (15),
    // 高血压规范 ≥ 60 (15), 糖尿病规范 ≥ 60 (15), 严重精神障碍 ≥ 80 (15), 档案向居民开放 (yes, 10).
    // J001: all met except 老年人 1300/3000 = 43.333333 → 15 × 43.333333/65 = 10, and 开放 0 → 0:
    //   85 / 100 = 0.85 (84.99999999999999 in floating point: rounded to 4 decimals first, so it is
    //   0.8500, not below the threshold) → corrected = 10000 工分 unchanged.
    // J002: 老年人 4329/10000 = 43.29 → 15 × 43.29/65 = 9.99, 开放 0 → 84.99 → 0.8499 < 0.85 →
    //   10000 × 0.8499 = 8499.
    // J003: everything met → 1.
    // J004: 建档率 72 → 10 × 72/90 = 8; 高血压 45 → 15 × 45/60 = 11.25; 糖尿病 357/1190 = 30 → 7.5;
    //   开放 0; others full (严重精神障碍 100/125 = 80 exactly the target) →
    //   8 + 10 + 10 + 15 + 11.25 + 7.5 + 15 = 76.75 → 0.7675 → 8000 × 0.7675 = 6140.
    close(
        &floats(&t, "基本公卫.coefficient"),
        &[Some(0.85), Some(0.8499), Some(1.0), Some(0.7675)],
    );
    close(
        &floats(&t, "基本公卫.corrected_points"),
        &[Some(10000.0), Some(8499.0), Some(20000.0), Some(6140.0)],
    );
    // Σ = 44639; 70 亿元 = 700 000 000 000 分 × corrected / 44639:
    // J001 156813548690.61, J002 133275835032.15, J003 313627097381.21, J004 96283518896.03 分;
    // floors leave 1 分, which goes to the largest remainder (J001, .61).
    close(
        &floats(&t, "基本公卫.money"),
        &[
            Some(1568135486.91),
            Some(1332758350.32),
            Some(3136270973.81),
            Some(962835188.96),
        ],
    );
    // 家庭医生签约 (100): 覆盖率 ≥ 35 (20), 重点人群 ≥ 60 (25), 续签率 ≥ 80 (20), 履约率 ≥ 95 (20),
    // 患者满意度 ≥ 90 (15).
    // J001: 续签 75 → 18.75, 满意度 88 → 14.666667; rest full → 98.416667 → 0.9842.
    // J002: 覆盖率 30 → 17.142857, 履约 90 → 18.947368, 满意度 未测评 → 0 → 81.090226 → 0.8109.
    // J003: 续签率 missing (new) → 0 → 80 → 0.8. J004: all met → 1.
    close(
        &floats(&t, "家庭医生签约.coefficient"),
        &[Some(0.9842), Some(0.8109), Some(0.8), Some(1.0)],
    );
    // 基本医疗 (100, shared by total 工分): 抗菌 ≤ 20 (20), 静脉 ≤ 10 (15), 基药金额 ≥ 70 (15),
    // 中医非药物 ≥ 6 (15), 院感 not 不达标 (yes, 15), no 医疗纠纷 (20).
    // J001: 抗菌 25% → 20 × 20/25 = 16; 1 纠纷 → 0 → 76 → 0.76 → 25000 × 0.76 = 19000.
    // J002: 静脉 12.5 → 12, 基药 56 → 12, 非药物 3 → 7.5 → 86.5 → 0.865 ≥ 0.85 → 30000.
    // J003: 静脉 0% is within ≤ 10 (full); 院感 不达标 (0) → 0 → 85 → 0.85 → 40000.
    // J004: 抗菌 40 → 10; 院感 未检查 (missing) → 0; 纠纷 empty → full (no_full) → 75 → 0.75 →
    //   20040 × 0.75 = 15030.
    close(
        &floats(&t, "基本医疗.coefficient"),
        &[Some(0.76), Some(0.865), Some(0.85), Some(0.75)],
    );
    close(
        &floats(&t, "基本医疗.corrected_points"),
        &[Some(19000.0), Some(30000.0), Some(40000.0), Some(15030.0)],
    );
    // Σ = 104030; 15 亿元 = 150 000 000 000 分: exact shares 27395943477.84, 43256752859.75,
    // 57675670479.67, 21671633182.74 分. Each rounded on its own would pay 1 分 too much; the
    // floors leave 3 分 for the three largest remainders (J001 .84, J002 .75, J004 .74), not J003.
    close(
        &floats(&t, "基本医疗.money"),
        &[
            Some(273959434.78),
            Some(432567528.60),
            Some(576756704.79),
            Some(216716331.83),
        ],
    );
    // Each item pays exactly its budget; `money` is the institution's total over the items.
    for (item, budget) in [
        ("基本公卫", 7_000_000_000_i64),
        ("家庭医生签约", 1_000_000_000),
        ("基本医疗", 1_500_000_000),
    ] {
        assert_eq!(
            cents(&floats(&t, &format!("{item}.money"))),
            budget * 100,
            "{item}"
        );
    }
    assert_eq!(cents(&floats(&t, "money")), 9_500_000_000 * 100);
    close(
        &floats(&t, "money")[..1],
        &[Some(1568135486.91 + 246460822.59 + 273959434.78)],
    );
    let corrected: Vec<usize> = summary.points.iter().map(|p| p.corrected).collect();
    assert_eq!(corrected, [2, 2, 2]);
}

fn shipped_run() -> jixiao::pipeline::ScoreRun {
    score_on(&shipped_plan(|t| t), &root().join("datasets/primary-care"))
}

#[test]
fn shipped_dataset_pays_each_budget_exactly_and_exercises_the_correction() {
    let run = shipped_run();
    let t = &run.table;
    assert_eq!(t.height(), 3200);
    for (item, work_points, budget) in [
        ("基本公卫", "基本公卫工分", 7_000_000_000_i64),
        ("家庭医生签约", "签约服务工分", 1_000_000_000),
        ("基本医疗", "工分", 1_500_000_000),
    ] {
        assert_eq!(
            cents(&floats(t, &format!("{item}.money"))),
            budget * 100,
            "{item}"
        );
        let coefficient = floats(t, &format!("{item}.coefficient"));
        let corrected = floats(t, &format!("{item}.corrected_points"));
        let points = floats(t, work_points);
        let mut below = 0;
        for ((c, k), w) in coefficient.iter().zip(&corrected).zip(&points) {
            let (c, k, w) = (c.unwrap(), k.unwrap(), w.unwrap());
            assert_eq!(c, (c * 10_000.0).round() / 10_000.0, "4 decimals");
            if c < 0.85 {
                below += 1;
                assert!((k - w * c).abs() < 1e-6, "{item}: {w} × {c} ≠ {k}");
            } else {
                assert_eq!(k, w, "{item}: at or above 0.85 the work points stand");
            }
        }
        // Both sides of the threshold occur in the shipped data (521, 247 and 658 below).
        assert!(below > 100 && below < 1000, "{item}: {below} below 0.85");
    }
    assert_eq!(cents(&floats(t, "money")), 9_500_000_000 * 100);
}

#[test]
fn shipped_dataset_is_the_generators_output() {
    // datasets/primary-care/README.md: `jixiao sample --as-shipped --kind primary-care --institutions 3200
    // --seed 2020` rewrites these files exactly.
    let dir = tempfile::tempdir().unwrap();
    let sample = jixiao::synthetic::SampleKind::PrimaryCare.generate(3200, 2020);
    for (name, frame) in [
        ("current.csv", &sample.current),
        ("previous.csv", &sample.previous),
    ] {
        let path = dir.path().join(name);
        jixiao::report::write_table(frame, &path).unwrap();
        let shipped = root().join("datasets/primary-care").join(name);
        assert!(
            std::fs::read(&path).unwrap() == std::fs::read(&shipped).unwrap(),
            "{name} differs from the generator"
        );
    }
}

#[test]
fn check_passes_on_the_shipped_scheme_and_data() {
    let o = jixiao(&["check", "--scheme", "scoring/primary-care"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("check", transcript(&o));
}

#[test]
fn score_prints_the_top_ten_and_the_points_summary() {
    let o = jixiao(&["score", "--scheme", "scoring/primary-care", "--top", "10"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o
        .stdout
        .contains("points: 基本公卫 budget 7000000000.00, paid 7000000000.00"));
    insta::assert_snapshot!("score_top10", transcript(&o));
}
