//! Sample data for `scoring/tertiary-core`, the default scheme: the shipped dataset and the benchmarks' large inputs.
//!
//! Institutions are drawn from a seeded SplitMix64 generator (no dependency, same numbers on every
//! platform) with ranges typical of Chinese tertiary hospitals by peer group (综合 / 专科 / 中医):
//! visits, discharges, surgery counts by patient, bed-days, revenues in 万元, staff counts,
//! satisfaction scores. The previous period is derived from the current one with plausible growth;
//! a few institutions are new (absent from it). When there are at least 50 institutions, a few
//! realistic faults are planted so the run summary has something to report: a zero denominator
//! (no class-I incision surgery at a TCM hospital), a missing satisfaction score, a text cell
//! (未测评) in a numeric column, an antibiotic-use outlier, one serious safety incident (veto).
//! Column meanings are documented in `datasets/README.md`.

use polars::prelude::*;

use super::{
    count, money, score, survey_score, survey_text, text, HospitalGroup as Group, Rng, Sample,
    Table, CITIES, SPECIALTIES,
};

/// Generates `n` institutions from `seed`: the current period and the previous one.
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
            u if u < 0.6 => Group::General,
            u if u < 0.85 => Group::Specialist,
            _ => Group::Tcm,
        };
        let city = CITIES[rng.below(CITIES.len())];
        let name = match group {
            Group::General => format!(
                "{city}市第{}人民医院",
                ["一", "二", "三", "四", "五", "六", "七", "八", "九"][row % 9]
            ),
            Group::Specialist => format!("{city}市{}", SPECIALTIES[rng.below(SPECIALTIES.len())]),
            Group::Tcm => format!("{city}市中医医院"),
        };
        let id = format!("H{:06}", 110_001 + row);
        let size = match group {
            Group::General => rng.range(0.6, 2.6),
            Group::Specialist => rng.range(0.25, 1.1),
            Group::Tcm => rng.range(0.35, 1.3),
        };
        // How well the hospital is run: shifts quality and efficiency together, as in real data.
        let quality = rng.range(-1.0, 1.0);

        let outpatient = 1_500_000.0 * size * rng.range(0.8, 1.25);
        let discharges = 60_000.0 * size * rng.range(0.8, 1.2);
        let surgery_share = match group {
            Group::General => 0.36,
            Group::Specialist => 0.45,
            Group::Tcm => 0.22,
        } + 0.06 * quality
            + rng.range(-0.05, 0.05);
        let surgery = discharges * surgery_share;
        let minimally_invasive = surgery * (0.24 + 0.05 * quality + rng.range(-0.06, 0.06));
        let grade_four = surgery
            * (match group {
                Group::Tcm => 0.12,
                _ => 0.22,
            } + 0.05 * quality
                + rng.range(-0.05, 0.05));
        let complications =
            surgery * (0.008 - 0.003 * quality + rng.range(-0.002, 0.002)).max(0.0005);
        let class_one = if faults && row == 7 {
            0.0
        } else {
            surgery * rng.range(0.1, 0.2)
        };
        let infections = class_one * (0.006 - 0.002 * quality + rng.range(-0.002, 0.002)).max(0.0);
        let low_risk = discharges * rng.range(0.06, 0.14);
        let low_risk_deaths =
            (low_risk * (0.0006 - 0.0003 * quality + rng.range(-0.0003, 0.0004))).max(0.0);
        let wards = (40.0 * size * rng.range(0.85, 1.15)).max(8.0);
        let quality_wards = wards * (0.82 + 0.1 * quality + rng.range(-0.06, 0.06)).min(1.0);
        let stay = rng.range(6.5, 10.5) - 0.6 * quality;
        let bed_days = discharges * stay;
        let ddd_rate = if faults && row == 21 {
            190.0
        } else {
            42.0 - 6.0 * quality + rng.range(-8.0, 8.0)
        };
        let ddd = ddd_rate * bed_days / 100.0;
        let prescriptions = outpatient * rng.range(0.62, 0.8);
        let essential = prescriptions * (0.55 + 0.06 * quality + rng.range(-0.08, 0.08));
        let clinic_visits = outpatient * rng.range(0.85, 0.93);
        let appointments = clinic_visits * (0.55 + 0.12 * quality + rng.range(-0.1, 0.1)).min(0.98);
        let waiting_minutes = appointments * (24.0 - 6.0 * quality + rng.range(-6.0, 6.0));
        let emr_level = (4.0 + 1.2 * quality + rng.range(-1.2, 1.4))
            .round()
            .clamp(2.0, 7.0);
        let physicians = 700.0 * size * rng.range(0.85, 1.15);
        let nurses = physicians * rng.range(1.3, 1.9);
        let beds = bed_days / 365.0 / rng.range(0.88, 1.02);
        let pharmacists = beds / 100.0 * rng.range(3.5, 7.0);
        let technicians = (physicians + nurses) * rng.range(1.12, 1.25);
        let medical_revenue =
            discharges * rng.range(1.5, 2.3) + outpatient * rng.range(0.025, 0.04); // 万元
        let outpatient_revenue = medical_revenue * rng.range(0.28, 0.42);
        let inpatient_revenue = medical_revenue - outpatient_revenue;
        let drugs = medical_revenue * (0.3 - 0.03 * quality + rng.range(-0.04, 0.04));
        let materials = medical_revenue * rng.range(0.14, 0.22);
        let exams = medical_revenue * rng.range(0.1, 0.14);
        let lab = medical_revenue * rng.range(0.09, 0.13);
        let total_revenue = medical_revenue * rng.range(1.08, 1.2);
        let operating_expense = total_revenue * rng.range(0.9, 1.0);
        let personnel = operating_expense * (0.36 + 0.04 * quality + rng.range(-0.04, 0.04));
        let energy = total_revenue * (105.0 - 12.0 * quality + rng.range(-15.0, 15.0)) / 10_000.0;
        let assets = total_revenue * rng.range(1.2, 2.0);
        let liabilities = assets * rng.range(0.25, 0.65);
        let exam_takers = (physicians * rng.range(0.04, 0.08)).max(5.0);
        let exam_passed = exam_takers * (0.78 + 0.08 * quality + rng.range(-0.08, 0.08)).min(1.0);
        let research = technicians * (0.6 + 0.4 * quality.max(0.0)) * rng.range(0.2, 1.6); // 万元
        let outpatient_satisfaction = 88.0 + 3.0 * quality + rng.range(-3.0, 3.0);
        let inpatient_satisfaction = 91.0 + 3.0 * quality + rng.range(-2.5, 2.5);
        let staff_satisfaction = 80.0 + 3.0 * quality + rng.range(-4.0, 4.0);
        let incidents = if faults && row == 42 { 1.0 } else { 0.0 };
        let key_specialties = (rng.range(-1.5, 4.0) + 1.5 * quality).round().max(0.0);
        let reprimands = if rng.unit() < 0.12 {
            (rng.range(1.0, 3.99)).floor()
        } else {
            0.0
        };

        let satisfaction_cell = survey_text(outpatient_satisfaction, faults, row);
        let inpatient_cell = survey_score(inpatient_satisfaction, faults, row);

        let columns: Vec<(&str, AnyValue<'static>)> = vec![
            ("机构编码", text(id.clone())),
            ("机构名称", text(name.clone())),
            ("机构类别", text(group.label())),
            ("年度", AnyValue::Int64(2024)),
            ("门诊人次数", count(outpatient)),
            ("门诊诊疗人次数(不含急诊)", count(clinic_visits)),
            ("出院人数", count(discharges)),
            ("出院患者手术人数", count(surgery)),
            ("出院患者微创手术人数", count(minimally_invasive)),
            ("出院患者四级手术人数", count(grade_four)),
            ("手术患者并发症发生例数", count(complications)),
            ("I类切口手术台次数", count(class_one)),
            ("I类切口手术部位感染人次数", count(infections)),
            ("低风险组病例数", count(low_risk)),
            ("低风险组死亡例数", count(low_risk_deaths)),
            ("病房总数", count(wards)),
            ("开展优质护理服务病房数", count(quality_wards)),
            ("出院者占用总床日数", count(bed_days)),
            ("抗菌药物累计DDD数", count(ddd)),
            ("门诊开具药物处方人次数", count(prescriptions)),
            ("门诊使用基本药物人次数", count(essential)),
            ("预约诊疗人次数", count(appointments)),
            ("预约患者候诊总分钟数", count(waiting_minutes)),
            ("电子病历应用功能水平分级", count(emr_level)),
            ("执业医师人数", count(physicians)),
            ("注册护士人数", count(nurses)),
            ("药师人数", count(pharmacists)),
            ("实际开放床位数", count(beds)),
            ("卫生技术人员数", count(technicians)),
            ("医疗收入(万元)", money(medical_revenue)),
            ("门诊收入(万元)", money(outpatient_revenue)),
            ("住院收入(万元)", money(inpatient_revenue)),
            ("药品收入(万元)", money(drugs)),
            ("卫生材料收入(万元)", money(materials)),
            ("检查收入(万元)", money(exams)),
            ("化验收入(万元)", money(lab)),
            ("总收入(万元)", money(total_revenue)),
            ("业务支出(万元)", money(operating_expense)),
            ("人员支出(万元)", money(personnel)),
            ("能耗支出(万元)", money(energy)),
            ("资产总额(万元)", money(assets)),
            ("负债总额(万元)", money(liabilities)),
            ("医师资格考试首次参加人数", count(exam_takers)),
            ("医师资格考试首次通过人数", count(exam_passed)),
            ("科研项目经费(万元)", money(research)),
            ("门诊患者满意度", satisfaction_cell),
            ("住院患者满意度", inpatient_cell),
            ("医务人员满意度", score(staff_satisfaction)),
            ("重大医疗安全事件数", count(incidents)),
            ("国家临床重点专科数", count(key_specialties)),
            ("通报批评次数", count(reprimands)),
        ];
        current.push_row(columns);

        // The previous period: a year earlier, a little smaller and cheaper; some hospitals are new.
        let is_new = faults && row % 97 == 5;
        if !is_new {
            let growth = rng.range(-0.04, 0.12);
            let price = 1.0 + rng.range(-0.03, 0.08) + 0.02 * quality.min(0.0).abs();
            let shrink = |v: f64| v / (1.0 + growth);
            let (visits_by, stays_by) = super::item_growths(&mut rng, varied);
            let visits = |v: f64| v / (1.0 + growth + visits_by);
            let stays = |v: f64| v / (1.0 + growth + stays_by);
            let both = |total: f64, out: f64, inp: f64| match varied {
                true => visits(out) + stays(inp),
                false => shrink(total),
            };
            let previous_columns: Vec<(&str, AnyValue<'static>)> = vec![
                ("机构编码", text(id)),
                ("机构名称", text(name)),
                ("机构类别", text(group.label())),
                ("年度", AnyValue::Int64(2023)),
                ("门诊人次数", count(visits(outpatient))),
                ("出院人数", count(stays(discharges))),
                (
                    "执业医师人数",
                    count(physicians / (1.0 + rng.range(0.0, 0.08))),
                ),
                (
                    "医疗收入(万元)",
                    money(both(medical_revenue, outpatient_revenue, inpatient_revenue) / price),
                ),
                ("门诊收入(万元)", money(visits(outpatient_revenue) / price)),
                ("住院收入(万元)", money(stays(inpatient_revenue) / price)),
                ("药品收入(万元)", money(shrink(drugs) / price)),
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

    #[test]
    fn same_seed_same_data_and_faults_are_planted() {
        let a = generate(60, 7);
        let b = generate(60, 7);
        assert!(a.current.equals_missing(&b.current));
        assert!(a.previous.equals_missing(&b.previous));
        assert_eq!(a.current.height(), 60);
        assert_eq!(
            a.previous.height(),
            59,
            "one new hospital (row 5) has no previous period"
        );
        let class_one = a
            .current
            .column("I类切口手术台次数")
            .unwrap()
            .i64()
            .unwrap()
            .get(7);
        assert_eq!(class_one, Some(0));
        assert_eq!(a.current.column("住院患者满意度").unwrap().null_count(), 1);
        assert_ne!(
            generate(60, 8).current.column("门诊人次数").unwrap(),
            a.current.column("门诊人次数").unwrap()
        );
    }

    #[test]
    fn small_samples_have_no_faults() {
        let s = generate(10, 1);
        assert_eq!(s.previous.height(), 10);
        assert_eq!(s.current.column("住院患者满意度").unwrap().null_count(), 0);
    }
}
