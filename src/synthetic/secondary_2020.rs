//! Sample data for `scoring/secondary-2020`: 二级公立医院绩效考核 (国卫办医发〔2019〕23号, S1–S28).
//!
//! Institutions are drawn from a seeded SplitMix64 generator (no dependency, same numbers on every
//! platform) with ranges typical of Chinese secondary (mostly county-level) public hospitals by
//! peer group (综合 / 中医 / 专科): 80–800 beds, discharges and bed-days from beds, occupancy and
//! length of stay, surgery counted both by patient (what the indicators read) and by operation,
//! drug procurement, laboratory EQA items, new-accounting finance (医疗活动收入/费用, 医疗盈余) in
//! 万元, energy in 吨标煤, staff by specialty, four key diseases for 专科能力, and survey scores.
//! Every numerator is drawn as a share of its denominator, so numerators never exceed them. The
//! previous period holds every column the scheme's `prev()` reads. With at least 50 institutions a
//! few faults are planted (see `datasets/secondary-2020/README.md`): a zero denominator (row 7: no
//! low-risk DRG cases), a missing value (row 13: 住院患者满意度), a text cell (row 34: 门诊患者满意度
//! reads 未测评), an outlier (row 21: 185 DDDs of antibiotics) and hospitals absent from the
//! previous period (rows with `row % 211 == 5`).

use polars::prelude::*;

use super::{
    count, money, score, survey_score, survey_text, text, HospitalGroup as Group, Rng, Sample,
    Table,
};

/// Counties, county-level cities and banners (县 / 县级市 / 旗) whose hospitals the sample names;
/// names repeat, ids do not.
const COUNTIES: &[&str] = &[
    "正定县",
    "平遥县",
    "准格尔旗",
    "新民市",
    "梨树县",
    "五常市",
    "江阴市",
    "桐乡市",
    "肥东县",
    "晋江市",
    "婺源县",
    "寿光市",
    "新郑市",
    "宜都市",
    "浏阳市",
    "博罗县",
    "宾阳县",
    "琼海市",
    "仁怀市",
    "弥勒市",
    "榆中县",
    "永宁县",
    "瓦房店市",
    "胶州市",
    "慈溪市",
    "昆山市",
    "宜兴市",
    "瑞安市",
    "邳州市",
    "曲阜市",
    "安吉县",
    "沛县",
    "长兴县",
    "石狮市",
    "射洪市",
    "汉川市",
    "滕州市",
    "巩义市",
    "临清市",
    "简阳市",
];

/// Kinds of secondary specialist hospital.
const SPECIALIST_KINDS: &[&str] = &[
    "妇产医院",
    "儿童医院",
    "骨科医院",
    "眼科医院",
    "口腔医院",
    "精神病医院",
    "传染病医院",
    "肿瘤医院",
];

/// The key diseases of S26 专科能力, as (column prefix, share of discharges at a 综合 hospital,
/// mean stay in days, mean cost in 元, case fatality).
const DISEASES: &[(&str, f64, f64, f64, f64)] = &[
    ("急性心肌梗死", 0.004, 8.5, 16_000.0, 0.05),
    ("心力衰竭", 0.012, 9.0, 9_000.0, 0.02),
    ("脑梗死", 0.030, 10.5, 10_500.0, 0.01),
    ("社区获得性肺炎", 0.025, 8.0, 6_500.0, 0.006),
];

/// Generates `n` institutions from `seed`: the current period (年度 2020) and the previous one (2019).
pub fn generate(n: usize, seed: u64) -> Sample {
    generate_with(n, seed, false)
}

/// [`generate`]; `varied`: the outpatient and inpatient sides of each institution grow at rates
/// of their own (see [`super::item_growths`]).
pub fn generate_with(n: usize, seed: u64, varied: bool) -> Sample {
    let mut rng = Rng(seed);
    let mut current = Table::default();
    let mut previous = Table::default();
    let faults = n >= 50;
    for row in 0..n {
        let group = match rng.unit() {
            u if u < 0.62 => Group::General,
            u if u < 0.84 => Group::Tcm,
            _ => Group::Specialist,
        };
        let county = COUNTIES[rng.below(COUNTIES.len())];
        let specialty = SPECIALIST_KINDS[rng.below(SPECIALIST_KINDS.len())];
        let name = match group {
            Group::General => format!("{county}{}人民医院", ["", "第二"][row % 2]),
            Group::Tcm => format!("{county}中医医院"),
            Group::Specialist => format!("{county}{specialty}"),
        };
        let id = format!("S{:06}", 220_001 + row);
        // How well the hospital is run: shifts quality and efficiency together, as in real data.
        let quality = rng.range(-1.0, 1.0);

        // ── Scale: beds → bed-days → discharges; visits from discharges ──
        let beds = match group {
            Group::General => rng.range(180.0, 800.0),
            Group::Tcm => rng.range(120.0, 500.0),
            Group::Specialist => rng.range(80.0, 350.0),
        }
        .round();
        let occupancy = rng.range(0.78, 0.98);
        let stay = match group {
            Group::General => rng.range(6.8, 9.5),
            Group::Tcm => rng.range(8.0, 11.0),
            Group::Specialist => rng.range(5.5, 14.0),
        } - 0.4 * quality;
        let bed_days = beds * 365.0 * occupancy;
        let discharges = bed_days / stay;
        let visits = discharges * rng.range(16.0, 30.0);

        // ── 功能定位 / 质量安全: surgery by patient and by operation ──
        let surgery_share = match group {
            Group::General => 0.28,
            Group::Tcm => 0.16,
            Group::Specialist => match specialty {
                "精神病医院" | "传染病医院" => 0.03,
                "骨科医院" | "眼科医院" | "妇产医院" => 0.50,
                _ => 0.22,
            },
        } + 0.05 * quality
            + rng.range(-0.04, 0.04);
        let surgery = discharges * surgery_share.max(0.01);
        let operations = surgery * rng.range(1.04, 1.22);
        let minimally_invasive = surgery * (0.16 + 0.05 * quality + rng.range(-0.06, 0.06));
        let grade_three = surgery * (0.32 + 0.06 * quality + rng.range(-0.08, 0.08));
        let elective = surgery * rng.range(0.58, 0.82);
        let complications =
            elective * (0.007 - 0.003 * quality + rng.range(-0.002, 0.003)).max(0.0005);
        let low_risk = if faults && row == 7 {
            0.0
        } else {
            discharges * rng.range(0.07, 0.15)
        };
        let low_risk_deaths =
            (low_risk * (0.0004 - 0.0003 * quality + rng.range(-0.0003, 0.0004))).max(0.0);

        // ── 合理用药 ──
        let ddd_rate = if faults && row == 21 {
            185.0
        } else {
            match (group, specialty) {
                (Group::Specialist, "精神病医院") => rng.range(2.0, 8.0),
                (Group::Specialist, "眼科医院") | (Group::Specialist, "口腔医院") => {
                    rng.range(15.0, 30.0)
                }
                _ => 44.0 - 6.0 * quality + rng.range(-9.0, 9.0),
            }
        };
        let ddd = ddd_rate * bed_days / 100.0;

        // ── Revenue (万元): 医疗收入 = 门急诊收入 + 住院收入 ──
        let outpatient_revenue = visits * rng.range(170.0, 260.0) / 10_000.0;
        let inpatient_revenue = discharges * rng.range(5_000.0, 8_500.0) / 10_000.0;
        let medical_revenue = outpatient_revenue + inpatient_revenue;
        let outpatient_drugs =
            outpatient_revenue * (0.44 - 0.04 * quality + rng.range(-0.07, 0.07));
        // 国家谈判抗癌药: prescribed where oncology is practised (most 综合, some 中医, 肿瘤医院).
        let anticancer_odds = match group {
            Group::General => 0.65,
            Group::Tcm => 0.3,
            Group::Specialist if specialty == "肿瘤医院" => 1.0,
            Group::Specialist => 0.0,
        };
        let anticancer = if rng.unit() < anticancer_odds {
            outpatient_drugs * rng.range(0.002, 0.03)
        } else {
            0.0
        };
        let inpatient_drugs = inpatient_revenue * (0.26 - 0.03 * quality + rng.range(-0.05, 0.05));
        let drugs = outpatient_drugs + inpatient_drugs;
        let materials = medical_revenue * rng.range(0.08, 0.16);
        let exams = medical_revenue * rng.range(0.09, 0.15);
        let lab = medical_revenue * rng.range(0.08, 0.12);
        let monitored_drugs = drugs * (0.06 - 0.02 * quality + rng.range(-0.025, 0.025)).max(0.0);
        let monitored_materials = materials * rng.range(0.15, 0.45);
        let insured_outpatient = outpatient_revenue * rng.range(0.18, 0.42);
        let insured_inpatient = inpatient_revenue * rng.range(0.48, 0.72);

        // ── Drug procurement (万元) ──
        let procurement = drugs * rng.range(0.94, 1.03);
        let essential = procurement * (0.45 + 0.06 * quality + rng.range(-0.1, 0.1));
        let same_kind = procurement * rng.range(0.05, 0.14);
        let winning = same_kind * (0.78 + 0.08 * quality + rng.range(-0.12, 0.12)).min(1.0);

        // ── 医疗服务: EMR level, laboratory EQA ──
        let emr_level = (2.8 + 1.0 * quality + rng.range(-1.1, 1.3))
            .round()
            .clamp(0.0, 5.0);
        let eqa_organised = rng.range(40.0, 130.0);
        let eqa_joined = eqa_organised * (0.9 + 0.06 * quality + rng.range(-0.08, 0.1)).min(1.0);
        let eqa_passed = eqa_joined * (0.93 + 0.04 * quality + rng.range(-0.05, 0.07)).min(1.0);

        // ── New-accounting finance (万元) ──
        let activity_revenue = medical_revenue * rng.range(1.04, 1.16); // + 财政基本拨款 for medical activity
        let activity_expense = activity_revenue * (1.0 - 0.025 * quality + rng.range(-0.06, 0.05));
        let personnel = activity_expense * (0.36 + 0.03 * quality + rng.range(-0.05, 0.05));
        let total_revenue = activity_revenue * rng.range(1.01, 1.07);
        let total_expense = activity_expense * rng.range(1.02, 1.08);
        let energy = total_revenue * (0.095 - 0.015 * quality + rng.range(-0.03, 0.03)); // 吨标煤
        let assets = total_revenue * rng.range(1.0, 1.9);
        let liabilities = assets * rng.range(0.22, 0.72);
        let training_share = (0.006 + 0.003 * quality + rng.range(-0.004, 0.006)).max(0.0005);
        let training = total_expense * training_share;
        let (college, postgraduate) = (
            training * rng.range(0.0, 0.2),
            training * rng.range(0.2, 0.5),
        );
        let continuing = training - college - postgraduate;

        // ── Staff ──
        let physicians = beds * rng.range(0.30, 0.46);
        let nurses = physicians * rng.range(1.15, 1.85);
        let share = |rng: &mut Rng, low: f64, high: f64| physicians * rng.range(low, high);
        let (anaesthesia, paediatrics, critical, pathology, tcm) = match group {
            Group::General => (
                share(&mut rng, 0.03, 0.06),
                share(&mut rng, 0.03, 0.08),
                share(&mut rng, 0.0, 0.03),
                share(&mut rng, 0.0, 0.015),
                share(&mut rng, 0.04, 0.12),
            ),
            Group::Tcm => (
                share(&mut rng, 0.02, 0.05),
                share(&mut rng, 0.02, 0.05),
                share(&mut rng, 0.0, 0.02),
                share(&mut rng, 0.0, 0.01),
                share(&mut rng, 0.40, 0.65),
            ),
            Group::Specialist => (
                share(&mut rng, 0.0, 0.06),
                if specialty == "儿童医院" {
                    share(&mut rng, 0.55, 0.8)
                } else {
                    share(&mut rng, 0.0, 0.03)
                },
                share(&mut rng, 0.0, 0.02),
                share(&mut rng, 0.0, 0.01),
                share(&mut rng, 0.0, 0.06),
            ),
        };

        // ── S26 专科能力: four key diseases (specialist hospitals see few or none) ──
        let mut disease_columns: Vec<(String, AnyValue<'static>)> = Vec::new();
        for &(disease, share_of_discharges, mean_stay, mean_cost, fatality) in DISEASES {
            let presence = match group {
                Group::General => 1.0,
                Group::Tcm => 0.7,
                Group::Specialist => match (specialty, disease) {
                    ("传染病医院", "社区获得性肺炎") | ("儿童医院", "社区获得性肺炎") => {
                        2.0
                    }
                    _ => 0.0,
                },
            };
            let cases = (discharges * share_of_discharges * presence * rng.range(0.6, 1.4)).round();
            let case_stay = mean_stay * rng.range(0.8, 1.25) - 0.4 * quality;
            let case_cost = mean_cost * rng.range(0.8, 1.25);
            let deaths = (cases * fatality * (1.0 - 0.3 * quality) * rng.range(0.3, 1.7)).round();
            disease_columns.push((format!("{disease}出院人数"), count(cases)));
            disease_columns.push((
                format!("{disease}出院患者占用总床日数"),
                count(cases * case_stay),
            ));
            disease_columns.push((
                format!("{disease}住院总费用(万元)"),
                money(cases * case_cost / 10_000.0),
            ));
            disease_columns.push((format!("{disease}死亡人数"), count(deaths)));
        }

        // ── Satisfaction (国家公立医院满意度调查平台) ──
        let outpatient_satisfaction = 85.0 + 3.0 * quality + rng.range(-4.0, 4.0);
        let inpatient_satisfaction = 89.0 + 3.0 * quality + rng.range(-3.0, 3.0);
        let staff_satisfaction = 78.0 + 3.0 * quality + rng.range(-5.0, 5.0);
        let outpatient_cell = survey_text(outpatient_satisfaction, faults, row);
        let inpatient_cell = survey_score(inpatient_satisfaction, faults, row);

        let mut columns: Vec<(&str, AnyValue<'static>)> = vec![
            ("机构编码", text(id.clone())),
            ("机构名称", text(name.clone())),
            ("机构类别", text(group.label())),
            ("年度", AnyValue::Int64(2020)),
            ("实际开放床位数", count(beds)),
            ("门急诊人次数", count(visits)),
            ("出院人数", count(discharges)),
            ("出院者占用总床日数", count(bed_days)),
            ("出院患者手术人数", count(surgery)),
            ("出院患者手术台次数", count(operations)),
            ("出院患者微创手术人数", count(minimally_invasive)),
            ("出院患者三级手术人数", count(grade_three)),
            ("出院患者择期手术人数", count(elective)),
            ("择期手术患者并发症发生人数", count(complications)),
            ("低风险组病例数", count(low_risk)),
            ("低风险组死亡例数", count(low_risk_deaths)),
            ("住院患者抗菌药物累计DDD数", count(ddd)),
            ("药品采购总金额(万元)", money(procurement)),
            ("基本药物采购金额(万元)", money(essential)),
            ("集采同种药品采购金额(万元)", money(same_kind)),
            ("集采中标药品采购金额(万元)", money(winning)),
            ("药品收入(万元)", money(drugs)),
            ("重点监控药品收入(万元)", money(monitored_drugs)),
            ("卫生材料收入(万元)", money(materials)),
            ("重点监控高值医用耗材收入(万元)", money(monitored_materials)),
            ("电子病历应用功能水平分级", count(emr_level)),
            ("室间质评已组织项目数", count(eqa_organised)),
            ("室间质评参加项目数", count(eqa_joined)),
            ("室间质评合格项目数", count(eqa_passed)),
            ("医疗活动收入(万元)", money(activity_revenue)),
            ("医疗活动费用(万元)", money(activity_expense)),
            ("负债合计(万元)", money(liabilities)),
            ("资产合计(万元)", money(assets)),
            ("人员经费(万元)", money(personnel)),
            ("总能耗(吨标煤)", money(energy)),
            ("总收入(万元)", money(total_revenue)),
            ("费用总额(万元)", money(total_expense)),
            ("医疗收入(万元)", money(medical_revenue)),
            ("门急诊收入(万元)", money(outpatient_revenue)),
            ("住院收入(万元)", money(inpatient_revenue)),
            ("门急诊收入中医保基金收入(万元)", money(insured_outpatient)),
            ("住院收入中医保基金收入(万元)", money(insured_inpatient)),
            ("门诊药品收入(万元)", money(outpatient_drugs)),
            ("门诊国家谈判抗癌药收入(万元)", money(anticancer)),
            ("住院药品收入(万元)", money(inpatient_drugs)),
            ("检查收入(万元)", money(exams)),
            ("化验收入(万元)", money(lab)),
            ("注册执业(助理)医师数", count(physicians)),
            ("注册护士数", count(nurses)),
            ("麻醉在岗医师数", count(anaesthesia)),
            ("儿科在岗医师数", count(paediatrics)),
            ("重症在岗医师数", count(critical)),
            ("病理在岗医师数", count(pathology)),
            ("中医在岗医师数", count(tcm)),
            ("院校医学教育经费(万元)", money(college)),
            ("毕业后医学教育经费(万元)", money(postgraduate)),
            ("继续医学教育经费(万元)", money(continuing)),
        ];
        columns.extend(disease_columns.iter().map(|(k, v)| (k.as_str(), v.clone())));
        columns.extend([
            ("门诊患者满意度", outpatient_cell),
            ("住院患者满意度", inpatient_cell),
            ("医务人员满意度", score(staff_satisfaction)),
        ]);
        current.push_row(columns);

        // The previous period (2019): a little smaller and cheaper; a few hospitals are new.
        let is_new = faults && row % 211 == 5;
        if !is_new {
            let growth = rng.range(-0.05, 0.12);
            let price = 1.0 + rng.range(-0.03, 0.07) + 0.02 * quality.min(0.0).abs();
            let drug_price = 1.0 + rng.range(-0.06, 0.06) + 0.03 * quality.min(0.0).abs();
            let (visits_by, stays_by) = super::item_growths(&mut rng, varied);
            let fewer_visits = |v: f64| v / (1.0 + growth + visits_by);
            let fewer_stays = |v: f64| v / (1.0 + growth + stays_by);
            let cheaper_visits = |v: f64| fewer_visits(v) / price;
            let cheaper_stays = |v: f64| fewer_stays(v) / price;
            let previous_columns: Vec<(&str, AnyValue<'static>)> = vec![
                ("机构编码", text(id)),
                ("机构名称", text(name)),
                ("机构类别", text(group.label())),
                ("年度", AnyValue::Int64(2019)),
                ("门急诊人次数", count(fewer_visits(visits))),
                ("出院人数", count(fewer_stays(discharges))),
                (
                    "医疗收入(万元)",
                    money(cheaper_visits(outpatient_revenue) + cheaper_stays(inpatient_revenue)),
                ),
                (
                    "门急诊收入(万元)",
                    money(cheaper_visits(outpatient_revenue)),
                ),
                ("住院收入(万元)", money(cheaper_stays(inpatient_revenue))),
                (
                    "门诊药品收入(万元)",
                    money(cheaper_visits(outpatient_drugs) / drug_price),
                ),
                (
                    "门诊国家谈判抗癌药收入(万元)",
                    money(anticancer * rng.range(0.5, 0.9)),
                ),
                (
                    "住院药品收入(万元)",
                    money(cheaper_stays(inpatient_drugs) / drug_price),
                ),
            ];
            previous.push_row(previous_columns);
        }
    }
    Sample {
        current: current.into_frame(),
        previous: previous.into_frame(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(frame: &DataFrame, name: &str) -> Vec<Option<i64>> {
        let column = frame.column(name).unwrap().cast(&DataType::Int64).unwrap();
        column.i64().unwrap().iter().collect()
    }

    fn floats(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
        let column = frame
            .column(name)
            .unwrap()
            .cast(&DataType::Float64)
            .unwrap();
        column.f64().unwrap().iter().collect()
    }

    #[test]
    fn same_seed_same_data_and_faults_are_planted() {
        let a = generate(250, 7);
        let b = generate(250, 7);
        assert!(a.current.equals_missing(&b.current));
        assert!(a.previous.equals_missing(&b.previous));
        assert_eq!(a.current.height(), 250);
        assert_eq!(
            a.previous.height(),
            248,
            "rows 5 and 216 are new hospitals without a previous period"
        );
        assert_eq!(ints(&a.current, "低风险组病例数")[7], Some(0));
        let ddd = floats(&a.current, "住院患者抗菌药物累计DDD数")[21].unwrap();
        let bed_days = floats(&a.current, "出院者占用总床日数")[21].unwrap();
        assert!(
            (ddd * 100.0 / bed_days - 185.0).abs() < 0.1,
            "the antibiotic outlier"
        );
        assert_eq!(a.current.column("住院患者满意度").unwrap().null_count(), 1);
        let outpatient = a.current.column("门诊患者满意度").unwrap();
        assert_eq!(outpatient.str().unwrap().get(34), Some("未测评"));
        assert_ne!(
            generate(250, 8).current.column("门急诊人次数").unwrap(),
            a.current.column("门急诊人次数").unwrap()
        );
    }

    #[test]
    fn numerators_never_exceed_their_denominators() {
        let s = generate(400, 2020);
        let pairs = [
            ("出院患者手术人数", "出院人数"),
            ("出院患者手术人数", "出院患者手术台次数"),
            ("出院患者微创手术人数", "出院患者手术人数"),
            ("出院患者三级手术人数", "出院患者手术人数"),
            ("出院患者择期手术人数", "出院患者手术人数"),
            ("择期手术患者并发症发生人数", "出院患者择期手术人数"),
            ("低风险组死亡例数", "低风险组病例数"),
            ("基本药物采购金额(万元)", "药品采购总金额(万元)"),
            ("集采中标药品采购金额(万元)", "集采同种药品采购金额(万元)"),
            ("重点监控药品收入(万元)", "药品收入(万元)"),
            ("重点监控高值医用耗材收入(万元)", "卫生材料收入(万元)"),
            ("室间质评参加项目数", "室间质评已组织项目数"),
            ("室间质评合格项目数", "室间质评参加项目数"),
            ("负债合计(万元)", "资产合计(万元)"),
            ("人员经费(万元)", "医疗活动费用(万元)"),
            ("医疗活动费用(万元)", "费用总额(万元)"),
            ("门急诊收入中医保基金收入(万元)", "门急诊收入(万元)"),
            ("住院收入中医保基金收入(万元)", "住院收入(万元)"),
            ("门诊国家谈判抗癌药收入(万元)", "门诊药品收入(万元)"),
            ("门诊药品收入(万元)", "门急诊收入(万元)"),
            ("住院药品收入(万元)", "住院收入(万元)"),
            ("麻醉在岗医师数", "注册执业(助理)医师数"),
            ("儿科在岗医师数", "注册执业(助理)医师数"),
            ("中医在岗医师数", "注册执业(助理)医师数"),
            ("急性心肌梗死死亡人数", "急性心肌梗死出院人数"),
            ("脑梗死出院人数", "出院人数"),
        ];
        for (numerator, denominator) in pairs {
            let a = floats(&s.current, numerator);
            let b = floats(&s.current, denominator);
            for (row, (a, b)) in a.iter().zip(&b).enumerate() {
                let (a, b) = (a.unwrap(), b.unwrap());
                assert!(a >= 0.0, "{numerator} row {row}: {a}");
                // Row 21's antibiotic outlier does not touch these; money rounds to 0.01.
                assert!(
                    a <= b + 0.011,
                    "{numerator} {a} > {denominator} {b} (row {row})"
                );
            }
        }
        // 医疗收入 = 门急诊收入 + 住院收入, and 医疗服务收入 stays positive.
        let medical = floats(&s.current, "医疗收入(万元)");
        let parts: Vec<f64> = [
            "药品收入(万元)",
            "卫生材料收入(万元)",
            "检查收入(万元)",
            "化验收入(万元)",
        ]
        .iter()
        .map(|c| floats(&s.current, c).iter().map(|v| v.unwrap()).sum())
        .collect();
        let total: f64 = medical.iter().map(|v| v.unwrap()).sum();
        assert!(parts.iter().sum::<f64>() < total);
    }

    #[test]
    fn small_samples_have_no_faults() {
        let s = generate(10, 1);
        assert_eq!(s.previous.height(), 10);
        assert_eq!(s.current.column("住院患者满意度").unwrap().null_count(), 0);
        assert!(ints(&s.current, "低风险组病例数")
            .iter()
            .all(|v| v.unwrap() > 0));
    }
}
