//! Sample data for `scoring/tertiary-2020`, the full 国家三级公立医院绩效考核 (2020 manual, T1–T55 and T增1).
//!
//! Every raw column the 56 formulas read, for hospitals of three peer groups (综合 / 专科 / 中医)
//! drawn from a seeded SplitMix64 generator: visits, discharges, surgery counted both by patient
//! (出院患者手术人数, what T4–T6 and T8 use) and by operation (出院患者手术台次数, shipped so a
//! test can show the difference), the ten 单病种 of T10 (cases, bed-days, cost, deaths), revenues
//! and expenditures in 万元 that add up (总收入 is the sum of its parts, 业务支出 of its), staff by
//! title and specialty, teaching and research, and the qualitative levels of T12, T42, T43 and T52
//! as text. Each share's numerator is drawn as a fraction of its denominator, so it never exceeds
//! it. A specialist hospital's specialty (儿童, 肿瘤, 妇产, …) shapes its case mix: an eye hospital
//! treats none of the ten 单病种 and reports 0 cases. The previous period holds every column the
//! scheme reads with `prev()`; a few hospitals are new and absent from it. From 50 institutions up,
//! faults are planted for the run summary to report: a zero denominator (no trainees accepted,
//! T47), a missing satisfaction score, a text cell (未测评) in a numeric column, an
//! antibiotic-use outlier, an unknown level text (基本完成) in 全面预算管理, and a serious
//! safety incident (veto). Columns are documented in `datasets/tertiary-2020/README.md`.

use polars::prelude::*;

use super::{
    count, money, score, survey_score, survey_text, text, HospitalGroup as Group, Rng, Sample,
    Table, CITIES, SPECIALTIES,
};

/// One 单病种 of T10, with the per-case ranges of a typical tertiary general hospital.
struct Disease {
    /// The column prefix: `{name}出院人数`, `{name}出院者占用总床日数`, …
    name: &'static str,
    /// Cases as a share of all discharges.
    share: (f64, f64),
    /// Average length of stay, days.
    stay: (f64, f64),
    /// Cost per case, 万元.
    cost: (f64, f64),
    /// In-hospital mortality, a share of cases.
    mortality: (f64, f64),
}

/// The ten 单病种 of T10, in the manual's order.
const DISEASES: [Disease; 10] = [
    Disease {
        name: "急性心肌梗死",
        share: (0.004, 0.012),
        stay: (7.0, 10.0),
        cost: (3.0, 5.0),
        mortality: (0.03, 0.07),
    },
    Disease {
        name: "心力衰竭",
        share: (0.006, 0.015),
        stay: (8.0, 11.0),
        cost: (1.2, 2.0),
        mortality: (0.02, 0.05),
    },
    Disease {
        name: "肺炎(成人)",
        share: (0.008, 0.02),
        stay: (8.0, 11.0),
        cost: (0.8, 1.5),
        mortality: (0.01, 0.04),
    },
    Disease {
        name: "肺炎(儿童)",
        share: (0.005, 0.02),
        stay: (6.0, 8.0),
        cost: (0.4, 0.8),
        mortality: (0.0, 0.002),
    },
    Disease {
        name: "脑梗死",
        share: (0.01, 0.025),
        stay: (9.0, 13.0),
        cost: (1.0, 2.0),
        mortality: (0.01, 0.03),
    },
    Disease {
        name: "髋关节置换术",
        share: (0.001, 0.004),
        stay: (10.0, 15.0),
        cost: (5.0, 8.0),
        mortality: (0.0, 0.005),
    },
    Disease {
        name: "膝关节置换术",
        share: (0.001, 0.004),
        stay: (9.0, 14.0),
        cost: (5.0, 7.0),
        mortality: (0.0, 0.003),
    },
    Disease {
        name: "冠状动脉旁路移植术",
        share: (0.0003, 0.002),
        stay: (16.0, 22.0),
        cost: (10.0, 15.0),
        mortality: (0.01, 0.04),
    },
    Disease {
        name: "剖宫产",
        share: (0.005, 0.02),
        stay: (4.0, 6.0),
        cost: (0.8, 1.2),
        mortality: (0.0, 0.0002),
    },
    Disease {
        name: "慢性阻塞性肺疾病",
        share: (0.006, 0.015),
        stay: (9.0, 12.0),
        cost: (1.0, 1.6),
        mortality: (0.01, 0.03),
    },
];

/// How many times the general-hospital case share of disease `d` a hospital has (0: not treated).
fn disease_mix(group: Group, specialty: &str, d: usize) -> f64 {
    match group {
        Group::General => 1.0,
        // 中医医院: more stroke and joint (骨伤) cases, fewer children and births, no cardiac surgery.
        Group::Tcm => [0.5, 1.0, 1.0, 0.5, 1.3, 0.8, 0.8, 0.0, 0.4, 1.2][d],
        Group::Specialist => match specialty {
            "儿童医院" => [0.0, 0.0, 0.0, 6.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0][d],
            "妇产医院" => [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 15.0, 0.0][d],
            "胸科医院" => [2.0, 2.0, 1.5, 0.0, 0.0, 0.0, 0.0, 4.0, 0.0, 2.0][d],
            "传染病医院" => [0.0, 0.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5][d],
            // 肿瘤, 眼科, 口腔, 精神: none of the ten.
            _ => 0.0,
        },
    }
}

/// Share of discharged patients who had surgery, before the quality shift.
fn surgery_share(group: Group, specialty: &str) -> f64 {
    match group {
        Group::General => 0.36,
        Group::Tcm => 0.22,
        Group::Specialist => match specialty {
            "儿童医院" => 0.30,
            "肿瘤医院" => 0.45,
            "妇产医院" => 0.55,
            "眼科医院" => 0.75,
            "口腔医院" => 0.35,
            "胸科医院" => 0.40,
            "传染病医院" => 0.12,
            _ => 0.02, // 精神卫生中心
        },
    }
}

/// The shares of 麻醉, 儿科, 重症, 病理 and 中医 physicians among all physicians (T45).
fn physician_mix(rng: &mut Rng, group: Group, specialty: &str) -> [f64; 5] {
    let anaesthesia = match specialty {
        "精神卫生中心" => rng.range(0.0, 0.01),
        _ => rng.range(0.04, 0.075),
    };
    let paediatrics = match (group, specialty) {
        (Group::Specialist, "儿童医院") => rng.range(0.6, 0.8),
        (Group::Specialist, "妇产医院") => rng.range(0.08, 0.14),
        (Group::Specialist, "传染病医院") => rng.range(0.03, 0.08),
        (Group::Specialist, _) => rng.range(0.0, 0.01),
        _ => rng.range(0.04, 0.08),
    };
    let critical = match group {
        Group::Specialist => rng.range(0.01, 0.03),
        _ => rng.range(0.02, 0.045),
    };
    let pathology = rng.range(0.008, 0.025);
    let tcm = match group {
        Group::Tcm => rng.range(0.45, 0.7),
        Group::General => rng.range(0.03, 0.08),
        Group::Specialist => rng.range(0.0, 0.03),
    };
    [anaesthesia, paediatrics, critical, pathology, tcm]
}

/// A level of a qualitative indicator from the hospital's quality, best first in `levels`.
fn level(rng: &mut Rng, quality: f64, levels: &[&'static str]) -> &'static str {
    // quality in [-1, 1] plus noise, mapped onto the levels (0 = best).
    let x = (quality + rng.range(-0.8, 0.8) + 1.0) / 2.0; // about 0–1, higher better
    let i = ((1.0 - x) * levels.len() as f64).floor();
    levels[(i.max(0.0) as usize).min(levels.len() - 1)]
}

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
    let disease_columns: Vec<[String; 4]> = DISEASES
        .iter()
        .map(|d| {
            [
                format!("{}出院人数", d.name),
                format!("{}出院者占用总床日数", d.name),
                format!("{}住院总费用(万元)", d.name),
                format!("{}死亡人数", d.name),
            ]
        })
        .collect();
    for row in 0..n {
        let group = match rng.unit() {
            u if u < 0.6 => Group::General,
            u if u < 0.85 => Group::Specialist,
            _ => Group::Tcm,
        };
        let city = CITIES[rng.below(CITIES.len())];
        let specialty = match group {
            Group::Specialist => SPECIALTIES[rng.below(SPECIALTIES.len())],
            _ => "",
        };
        let name = match group {
            Group::General => format!(
                "{city}市第{}人民医院",
                ["一", "二", "三", "四", "五", "六", "七", "八", "九"][row % 9]
            ),
            Group::Specialist => format!("{city}市{specialty}"),
            Group::Tcm => format!("{city}市中医医院"),
        };
        let id = format!("H{:06}", 120_001 + row);
        let size = match group {
            Group::General => rng.range(0.6, 2.6),
            Group::Specialist => rng.range(0.25, 1.1),
            Group::Tcm => rng.range(0.35, 1.3),
        };
        // How well the hospital is run: shifts quality and efficiency together, as in real data.
        let quality = rng.range(-1.0, 1.0);

        // ── 功能定位 ──
        let outpatient = 1_500_000.0 * size * rng.range(0.8, 1.25); // 门急诊人次
        let clinic_visits = outpatient * rng.range(0.85, 0.93); // 不含急诊、健康体检
        let discharges = 60_000.0 * size * rng.range(0.8, 1.2);
        let referred_out = outpatient * rng.range(0.001, 0.006) * (1.0 + 0.3 * quality);
        let referred_in = discharges * rng.range(0.005, 0.02) * (1.0 + 0.3 * quality);
        let surgery = discharges
            * (surgery_share(group, specialty) + 0.06 * quality + rng.range(-0.05, 0.05))
                .clamp(0.01, 0.9);
        let operations = surgery * rng.range(1.05, 1.2); // 台次: some patients have several
        let elective = operations * rng.range(0.7, 0.85);
        let day_surgery = elective * rng.range(0.03, 0.25);
        let minimally_invasive = surgery * (0.24 + 0.05 * quality + rng.range(-0.06, 0.06));
        let grade_four = surgery
            * (match group {
                Group::Tcm => 0.12,
                _ => 0.22,
            } + 0.05 * quality
                + rng.range(-0.05, 0.05));
        let offers_vip = rng.unit() < 0.75;
        let vip_visits = if offers_vip {
            outpatient * rng.range(0.002, 0.03)
        } else {
            0.0
        };
        let vip_discharges = if offers_vip {
            discharges * rng.range(0.0, 0.02)
        } else {
            0.0
        };

        // ── 质量安全 ──
        let complications =
            surgery * (0.008 - 0.003 * quality + rng.range(-0.002, 0.002)).max(0.0005);
        let class_one = surgery * rng.range(0.1, 0.2);
        let infections = class_one * (0.006 - 0.002 * quality + rng.range(-0.002, 0.002)).max(0.0);
        let mut disease_values = Vec::with_capacity(DISEASES.len());
        for (d, disease) in DISEASES.iter().enumerate() {
            let mix = disease_mix(group, specialty, d);
            // Cardiac surgery only at about half of the hospitals that could offer it.
            let offered = mix > 0.0 && (d != 7 || rng.unit() < 0.5);
            let cases = if offered {
                (discharges * mix * rng.range(disease.share.0, disease.share.1)).round()
            } else {
                0.0
            };
            let stay = rng.range(disease.stay.0, disease.stay.1) - 0.5 * quality;
            let cost = rng.range(disease.cost.0, disease.cost.1) * (1.0 - 0.05 * quality);
            let mortality =
                rng.range(disease.mortality.0, disease.mortality.1) * (1.0 - 0.3 * quality);
            disease_values.push([cases, cases * stay, cases * cost, cases * mortality]);
        }
        let imaging = outpatient * rng.range(0.05, 0.12);
        let imaging_positive = imaging * (rng.range(0.6, 0.85) + 0.03 * quality).min(0.95);
        let equipment_qc = level(
            &mut rng,
            quality + 0.5,
            &["完善", "较完善", "基本完善", "不完善"],
        );
        let eqa_items = match group {
            Group::General => 120.0,
            Group::Specialist => 70.0,
            Group::Tcm => 90.0,
        } * size.sqrt()
            + 20.0 * quality
            + rng.range(-15.0, 15.0);
        let low_risk = discharges * rng.range(0.06, 0.14);
        let low_risk_deaths =
            (low_risk * (0.0006 - 0.0003 * quality + rng.range(-0.0003, 0.0004))).max(0.0);
        let wards = (40.0 * size * rng.range(0.85, 1.15)).max(8.0);
        let quality_wards = wards * (0.82 + 0.1 * quality + rng.range(-0.06, 0.06)).min(1.0);

        // ── 合理用药 ──
        let prescriptions_all = outpatient * rng.range(0.75, 0.95) + discharges * 3.0;
        let reviewed = prescriptions_all * (0.03 + 0.01 * quality + rng.range(-0.015, 0.02));
        let stay = rng.range(6.5, 10.5) - 0.6 * quality;
        let bed_days = discharges * stay; // 出院者占用总床日数
        let occupied_bed_days = bed_days * rng.range(0.98, 1.03); // 实际占用总床日数 (the year's)
        let ddd_rate = if faults && row == 21 {
            190.0
        } else {
            42.0 - 6.0 * quality + rng.range(-8.0, 8.0)
        };
        let ddd = ddd_rate * bed_days / 100.0;
        let prescriptions = outpatient * rng.range(0.62, 0.8);
        let essential = prescriptions * (0.55 + 0.06 * quality + rng.range(-0.08, 0.08));
        let inpatients_with_drugs = discharges * rng.range(0.93, 0.99);
        let inpatients_essential =
            inpatients_with_drugs * (0.86 + 0.05 * quality + rng.range(-0.05, 0.05)).min(0.99);
        let drug_varieties = match group {
            Group::General => rng.range(1000.0, 1600.0),
            Group::Specialist => rng.range(500.0, 1000.0),
            Group::Tcm => rng.range(800.0, 1300.0),
        };
        let essential_varieties = drug_varieties * (0.35 + 0.05 * quality + rng.range(-0.06, 0.06));
        let procured_volume = outpatient * rng.range(0.5, 1.2); // DDD of the 集采 molecules
        let winning_volume =
            procured_volume * (0.78 + 0.1 * quality + rng.range(-0.1, 0.1)).min(0.99);

        // ── 服务流程 ──
        let appointments = clinic_visits * (0.55 + 0.12 * quality + rng.range(-0.1, 0.1)).min(0.98);
        let waiting_minutes = appointments * (24.0 - 6.0 * quality + rng.range(-6.0, 6.0));
        let emr_level = (4.2 + 1.2 * quality + rng.range(-1.2, 1.4))
            .round()
            .clamp(2.0, 7.0);

        // ── 资源效率 and staff ──
        let physicians = 700.0 * size * rng.range(0.85, 1.15); // 执业(助理)医师
        let nurses = physicians
            * match group {
                Group::Tcm => rng.range(1.1, 1.6),
                _ => rng.range(1.3, 1.9),
            };
        let beds = occupied_bed_days / 365.0 / rng.range(0.88, 1.02);
        let pharmacists = beds / 100.0 * rng.range(3.5, 7.0);
        let technicians = (physicians + nurses) * rng.range(1.12, 1.25);
        let senior = technicians * (rng.range(0.12, 0.2) + 0.02 * quality);
        let middle = technicians * rng.range(0.28, 0.36);
        let junior = technicians * rng.range(0.34, 0.42); // the rest have no title yet
        let specialists = physician_mix(&mut rng, group, specialty).map(|s| physicians * s);

        // ── 收支结构 (万元) ──
        let medical_revenue =
            discharges * rng.range(1.5, 2.3) + outpatient * rng.range(0.025, 0.04);
        let outpatient_revenue = medical_revenue * rng.range(0.28, 0.42);
        let inpatient_revenue = medical_revenue - outpatient_revenue;
        let outpatient_insurance = outpatient_revenue * rng.range(0.25, 0.5);
        let inpatient_insurance = inpatient_revenue * rng.range(0.5, 0.7);
        let outpatient_drugs = outpatient_revenue * (0.4 - 0.04 * quality + rng.range(-0.06, 0.06));
        let inpatient_drugs = inpatient_revenue * (0.25 - 0.03 * quality + rng.range(-0.04, 0.04));
        let drugs = outpatient_drugs + inpatient_drugs;
        let cancer_share = match specialty {
            "肿瘤医院" => (0.08, 0.2),
            _ => (0.0, 0.04),
        };
        let outpatient_cancer = outpatient_drugs * rng.range(cancer_share.0, cancer_share.1);
        let inpatient_cancer = inpatient_drugs * rng.range(cancer_share.0, cancer_share.1);
        let adjuvant = drugs * (0.07 - 0.02 * quality + rng.range(-0.03, 0.03));
        let materials = medical_revenue
            * match group {
                Group::Tcm => rng.range(0.08, 0.15),
                _ => rng.range(0.14, 0.22),
            };
        let high_value = materials * rng.range(0.3, 0.6);
        let exams = medical_revenue * rng.range(0.1, 0.14);
        let lab = medical_revenue * rng.range(0.09, 0.13);
        let vip_revenue = if offers_vip {
            medical_revenue * rng.range(0.002, 0.04)
        } else {
            0.0
        };
        let basic_subsidy = medical_revenue * rng.range(0.02, 0.08);
        let project_subsidy = medical_revenue * rng.range(0.01, 0.05);
        let teaching_research_income = medical_revenue * rng.range(0.002, 0.02);
        let other_income = medical_revenue * rng.range(0.01, 0.03);
        let total_revenue = medical_revenue
            + basic_subsidy
            + project_subsidy
            + teaching_research_income
            + other_income;
        let medical_expense = medical_revenue * (0.92 - 0.04 * quality + rng.range(-0.05, 0.05));
        let administration = medical_revenue * rng.range(0.06, 0.1);
        let project_expense = project_subsidy * rng.range(0.8, 1.05);
        let teaching_research_expense = teaching_research_income * rng.range(0.7, 1.05);
        let other_expense = other_income * rng.range(0.3, 0.9);
        let operating_expense =
            medical_expense + administration + project_expense + teaching_research_expense;
        let personnel = operating_expense * (0.36 + 0.04 * quality + rng.range(-0.04, 0.04));
        // 总能耗 in 吨标煤: about 0.04–0.09 tce per 万元 of revenue.
        let energy = total_revenue * (0.062 - 0.01 * quality + rng.range(-0.015, 0.015));
        let assets = total_revenue * rng.range(1.2, 2.0);
        let liabilities = assets * rng.range(0.25, 0.65);
        let budgeting = if faults && row == 27 {
            "基本完成" // not a level of the scheme's map
        } else {
            level(
                &mut rng,
                quality + 0.5,
                &["完善", "较完善", "基本完善", "不完善"],
            )
        };
        let chief_accountant = level(
            &mut rng,
            quality + 0.6,
            &["已规范设立", "已设立未规范", "未设立"],
        );

        // ── 人才培养, 学科建设, 信用建设 ──
        let trainees = if faults && row == 7 {
            0.0
        } else {
            physicians * rng.range(0.03, 0.12)
        };
        let trainees_returned = trainees * (0.8 + 0.08 * quality + rng.range(-0.08, 0.08)).min(1.0);
        let exam_takers = (physicians * rng.range(0.04, 0.08)).max(5.0);
        let exam_passed = exam_takers * (0.78 + 0.08 * quality + rng.range(-0.08, 0.08)).min(1.0);
        let training_funds =
            operating_expense * (0.006 + 0.002 * quality + rng.range(-0.002, 0.004));
        let teacher_training = technicians * (0.2 + 0.08 * quality + rng.range(-0.12, 0.2));
        let educators = technicians * (0.08 + 0.03 * quality + rng.range(-0.05, 0.06));
        let teaching_papers = technicians * (0.008 + 0.003 * quality + rng.range(-0.005, 0.01));
        let research = technicians * (0.6 + 0.4 * quality.max(0.0)) * rng.range(0.2, 1.6); // 万元
        let transfer = if rng.unit() < 0.6 {
            research * rng.range(0.0, 0.3)
        } else {
            0.0
        };
        let credit = level(&mut rng, quality + 0.8, &["优秀", "良好", "中等", "较差"]);

        // ── 满意度, 一票否决 ──
        let outpatient_satisfaction = 88.0 + 3.0 * quality + rng.range(-3.0, 3.0);
        let inpatient_satisfaction = 91.0 + 3.0 * quality + rng.range(-2.5, 2.5);
        let staff_satisfaction = 80.0 + 3.0 * quality + rng.range(-4.0, 4.0);
        let incidents = if faults && row == 42 { 1.0 } else { 0.0 };
        let satisfaction_cell = survey_text(outpatient_satisfaction, faults, row);
        let inpatient_cell = survey_score(inpatient_satisfaction, faults, row);

        let mut columns: Vec<(&str, AnyValue<'static>)> = vec![
            ("机构编码", text(id.clone())),
            ("机构名称", text(name.clone())),
            ("机构类别", text(group.label())),
            ("年度", AnyValue::Int64(2024)),
            ("门诊人次数", count(outpatient)),
            ("门诊诊疗人次数(不含急诊)", count(clinic_visits)),
            ("出院人数", count(discharges)),
            ("门急诊下转患者人次数", count(referred_out)),
            ("住院下转患者人次数", count(referred_in)),
            ("日间手术台次数", count(day_surgery)),
            ("出院患者择期手术台次数", count(elective)),
            ("出院患者手术人数", count(surgery)),
            ("出院患者手术台次数", count(operations)),
            ("出院患者微创手术人数", count(minimally_invasive)),
            ("出院患者四级手术人数", count(grade_four)),
            ("特需门急诊人次数", count(vip_visits)),
            ("特需出院人数", count(vip_discharges)),
            ("特需医疗服务收入(万元)", money(vip_revenue)),
            ("手术患者并发症发生例数", count(complications)),
            ("I类切口手术台次数", count(class_one)),
            ("I类切口手术部位感染人次数", count(infections)),
        ];
        for (names, values) in disease_columns.iter().zip(&disease_values) {
            columns.push((names[0].as_str(), count(values[0])));
            columns.push((names[1].as_str(), count(values[1])));
            columns.push((names[2].as_str(), money(values[2])));
            columns.push((names[3].as_str(), count(values[3])));
        }
        columns.extend([
            ("大型医用设备检查人次数", count(imaging)),
            ("大型医用设备检查阳性数", count(imaging_positive)),
            ("大型医用设备维修保养及质量控制管理", text(equipment_qc)),
            ("通过国家室间质评的临床检验项目数", count(eqa_items)),
            ("低风险组病例数", count(low_risk)),
            ("低风险组死亡例数", count(low_risk_deaths)),
            ("病房总数", count(wards)),
            ("开展优质护理服务病房数", count(quality_wards)),
            ("处方总数", count(prescriptions_all)),
            ("点评处方数", count(reviewed)),
            ("出院者占用总床日数", count(bed_days)),
            ("抗菌药物累计DDD数", count(ddd)),
            ("门诊开具药物处方人次数", count(prescriptions)),
            ("门诊使用基本药物人次数", count(essential)),
            ("出院患者用药人次数", count(inpatients_with_drugs)),
            ("出院患者使用基本药物人次数", count(inpatients_essential)),
            ("采购药物品种总数", count(drug_varieties)),
            ("采购基本药物品种数", count(essential_varieties)),
            ("集采药品同品种总用量(DDD)", count(procured_volume)),
            ("集采中标药品用量(DDD)", count(winning_volume)),
            ("预约诊疗人次数", count(appointments)),
            ("预约患者候诊总分钟数", count(waiting_minutes)),
            ("电子病历应用功能水平分级", count(emr_level)),
            ("实际占用总床日数", count(occupied_bed_days)),
            ("执业(助理)医师人数", count(physicians)),
            ("注册护士人数", count(nurses)),
            ("药师人数", count(pharmacists)),
            ("实际开放床位数", count(beds)),
            ("医疗收入(万元)", money(medical_revenue)),
            ("门诊收入(万元)", money(outpatient_revenue)),
            ("住院收入(万元)", money(inpatient_revenue)),
            ("门诊医保基金收入(万元)", money(outpatient_insurance)),
            ("住院医保基金收入(万元)", money(inpatient_insurance)),
            ("药品收入(万元)", money(drugs)),
            ("门诊药品收入(万元)", money(outpatient_drugs)),
            ("住院药品收入(万元)", money(inpatient_drugs)),
            ("门诊国家谈判抗癌药收入(万元)", money(outpatient_cancer)),
            ("住院国家谈判抗癌药收入(万元)", money(inpatient_cancer)),
            ("辅助用药收入(万元)", money(adjuvant)),
            ("卫生材料收入(万元)", money(materials)),
            ("重点监控高值医用耗材收入(万元)", money(high_value)),
            ("检查收入(万元)", money(exams)),
            ("化验收入(万元)", money(lab)),
            ("财政基本支出补助收入(万元)", money(basic_subsidy)),
            ("财政项目补助收入(万元)", money(project_subsidy)),
            ("科教项目收入(万元)", money(teaching_research_income)),
            ("其他收入(万元)", money(other_income)),
            ("总收入(万元)", money(total_revenue)),
            ("医疗支出(万元)", money(medical_expense)),
            ("管理费用(万元)", money(administration)),
            ("财政项目补助支出(万元)", money(project_expense)),
            ("科教项目支出(万元)", money(teaching_research_expense)),
            ("其他支出(万元)", money(other_expense)),
            ("业务支出(万元)", money(operating_expense)),
            ("人员支出(万元)", money(personnel)),
            ("总能耗(吨标煤)", money(energy)),
            ("资产总额(万元)", money(assets)),
            ("负债总额(万元)", money(liabilities)),
            ("全面预算管理", text(budgeting)),
            ("总会计师设置", text(chief_accountant)),
            ("卫生技术人员数", count(technicians)),
            ("高级职称卫生技术人员数", count(senior)),
            ("中级职称卫生技术人员数", count(middle)),
            ("初级职称卫生技术人员数", count(junior)),
            ("麻醉在岗医师数", count(specialists[0])),
            ("儿科在岗医师数", count(specialists[1])),
            ("重症在岗医师数", count(specialists[2])),
            ("病理在岗医师数", count(specialists[3])),
            ("中医在岗医师数", count(specialists[4])),
            ("招收进修总人数", count(trainees)),
            ("进修返回原医院独立工作人数", count(trainees_returned)),
            ("医师资格考试首次参加人数", count(exam_takers)),
            ("医师资格考试首次通过人数", count(exam_passed)),
            ("医学人才培养经费(万元)", money(training_funds)),
            (
                "带教教师和指导医师接受教育教学培训人次数",
                count(teacher_training),
            ),
            ("承担医学教育人数", count(educators)),
            ("发表教学论文数", count(teaching_papers)),
            ("科研项目经费(万元)", money(research)),
            ("科技成果转化金额(万元)", money(transfer)),
            ("公共信用综合评价等级", text(credit)),
            ("门诊患者满意度", satisfaction_cell),
            ("住院患者满意度", inpatient_cell),
            ("医务人员满意度", score(staff_satisfaction)),
            ("重大医疗安全事件数", count(incidents)),
        ]);
        current.push_row(columns);

        // The previous period: a year earlier, a little smaller and cheaper; some hospitals are new.
        let is_new = faults && row % 97 == 5;
        if !is_new {
            let growth = rng.range(-0.04, 0.12);
            let price = 1.0 + rng.range(-0.03, 0.08) + 0.02 * quality.min(0.0).abs();
            let drug_price = 1.0 + rng.range(-0.06, 0.06);
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
                    "执业(助理)医师人数",
                    count(physicians / (1.0 + rng.range(0.0, 0.08))),
                ),
                (
                    "医疗收入(万元)",
                    money(both(medical_revenue, outpatient_revenue, inpatient_revenue) / price),
                ),
                ("门诊收入(万元)", money(visits(outpatient_revenue) / price)),
                ("住院收入(万元)", money(stays(inpatient_revenue) / price)),
                (
                    "门诊药品收入(万元)",
                    money(visits(outpatient_drugs) / drug_price),
                ),
                (
                    "住院药品收入(万元)",
                    money(stays(inpatient_drugs) / drug_price),
                ),
                // Negotiated cancer drugs grow fast as more are listed.
                (
                    "门诊国家谈判抗癌药收入(万元)",
                    money(outpatient_cancer * rng.range(0.5, 0.9)),
                ),
                (
                    "住院国家谈判抗癌药收入(万元)",
                    money(inpatient_cancer * rng.range(0.5, 0.9)),
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
        frame.column(name).unwrap().i64().unwrap().iter().collect()
    }

    fn floats(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
        frame.column(name).unwrap().f64().unwrap().iter().collect()
    }

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
        assert_eq!(ints(&a.current, "招收进修总人数")[7], Some(0));
        assert_eq!(a.current.column("住院患者满意度").unwrap().null_count(), 1);
        let outpatient = a.current.column("门诊患者满意度").unwrap();
        assert_eq!(outpatient.str().unwrap().get(34), Some("未测评"));
        assert_eq!(
            a.current
                .column("全面预算管理")
                .unwrap()
                .str()
                .unwrap()
                .get(27),
            Some("基本完成")
        );
        let ddd = ints(&a.current, "抗菌药物累计DDD数")[21].unwrap() as f64;
        let bed_days = ints(&a.current, "出院者占用总床日数")[21].unwrap() as f64;
        assert!((ddd * 100.0 / bed_days - 190.0).abs() < 0.1);
        assert_eq!(
            ints(&a.current, "重大医疗安全事件数")
                .iter()
                .flatten()
                .sum::<i64>(),
            1
        );
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
        assert!(ints(&s.current, "招收进修总人数")
            .iter()
            .all(|v| v.unwrap() > 0));
    }

    #[test]
    fn shares_never_exceed_their_denominators_and_parts_add_up() {
        let s = generate(400, 3);
        let c = &s.current;
        let pairs = [
            ("出院患者手术人数", "出院人数"),
            ("出院患者手术人数", "出院患者手术台次数"),
            ("出院患者微创手术人数", "出院患者手术人数"),
            ("出院患者四级手术人数", "出院患者手术人数"),
            ("日间手术台次数", "出院患者择期手术台次数"),
            ("特需出院人数", "出院人数"),
            ("I类切口手术部位感染人次数", "I类切口手术台次数"),
            ("大型医用设备检查阳性数", "大型医用设备检查人次数"),
            ("低风险组死亡例数", "低风险组病例数"),
            ("开展优质护理服务病房数", "病房总数"),
            ("点评处方数", "处方总数"),
            ("门诊使用基本药物人次数", "门诊开具药物处方人次数"),
            ("出院患者使用基本药物人次数", "出院患者用药人次数"),
            ("采购基本药物品种数", "采购药物品种总数"),
            ("集采中标药品用量(DDD)", "集采药品同品种总用量(DDD)"),
            ("预约诊疗人次数", "门诊诊疗人次数(不含急诊)"),
            ("进修返回原医院独立工作人数", "招收进修总人数"),
            ("医师资格考试首次通过人数", "医师资格考试首次参加人数"),
            ("麻醉在岗医师数", "执业(助理)医师人数"),
            ("中医在岗医师数", "执业(助理)医师人数"),
            ("高级职称卫生技术人员数", "卫生技术人员数"),
            ("急性心肌梗死死亡人数", "急性心肌梗死出院人数"),
            ("剖宫产死亡人数", "剖宫产出院人数"),
        ];
        for (numerator, denominator) in pairs {
            for (n, d) in ints(c, numerator).iter().zip(ints(c, denominator)) {
                assert!(n.unwrap() <= d.unwrap(), "{numerator} ≤ {denominator}");
            }
        }
        let money_pairs = [
            ("门诊医保基金收入(万元)", "门诊收入(万元)"),
            ("住院医保基金收入(万元)", "住院收入(万元)"),
            ("门诊国家谈判抗癌药收入(万元)", "门诊药品收入(万元)"),
            ("辅助用药收入(万元)", "药品收入(万元)"),
            ("重点监控高值医用耗材收入(万元)", "卫生材料收入(万元)"),
            ("人员支出(万元)", "业务支出(万元)"),
            ("负债总额(万元)", "资产总额(万元)"),
        ];
        for (numerator, denominator) in money_pairs {
            for (n, d) in floats(c, numerator).iter().zip(floats(c, denominator)) {
                assert!(n.unwrap() <= d.unwrap(), "{numerator} ≤ {denominator}");
            }
        }
        // 总收入 is the sum of its parts (to rounding), and so is 医疗收入.
        let total = floats(c, "总收入(万元)");
        let parts = [
            "医疗收入(万元)",
            "财政基本支出补助收入(万元)",
            "财政项目补助收入(万元)",
            "科教项目收入(万元)",
            "其他收入(万元)",
        ]
        .map(|p| floats(c, p));
        for (i, t) in total.iter().enumerate() {
            let sum: f64 = parts.iter().map(|p| p[i].unwrap()).sum();
            assert!((t.unwrap() - sum).abs() < 0.05);
        }
        let medical = floats(c, "医疗收入(万元)");
        let outpatient = floats(c, "门诊收入(万元)");
        let inpatient = floats(c, "住院收入(万元)");
        for i in 0..c.height() {
            let sum = outpatient[i].unwrap() + inpatient[i].unwrap();
            assert!((medical[i].unwrap() - sum).abs() < 0.05);
        }
        // Eye hospitals treat none of the ten 单病种.
        let names: Vec<String> = c
            .column("机构名称")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|s| s.unwrap().to_string())
            .collect();
        let ami = ints(c, "急性心肌梗死出院人数");
        let eye = names.iter().position(|n| n.ends_with("眼科医院")).unwrap();
        assert_eq!(ami[eye], Some(0));
    }
}
