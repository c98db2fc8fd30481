//! Sample data for `scoring/primary-care`: 基层医疗卫生机构绩效考核 (社区卫生服务中心 and 乡镇卫生院),
//! the 基本公共卫生服务 counts behind its rates, and the work points (工分) its point-based
//! assessment shares budgets by.
//!
//! Institutions are drawn from the shared seeded SplitMix64 generator with ranges typical of
//! Chinese primary-care institutions: a community health centre serves 3–10万 常住人口 and may have
//! no beds at all (then 出院人数 is a legitimate 0 and the bed indicators have a zero denominator);
//! a township health centre serves 1–6万 people and always has beds. One hidden "how well it is
//! run" number moves the 基本公卫 rates, prescribing and satisfaction together, so some
//! institutions fall below the 0.85 quality coefficient of the points stage and most do not. Every
//! numerator is drawn as a share (≤ 1) of its already rounded denominator, so rates never exceed
//! 100% except where the definition allows it (健康教育 held more often than required).
//!
//! The previous period holds what the scheme's `prev(…)` calls read (visits, revenues, physicians,
//! contracted residents); from 50 institutions up, a few realistic faults are planted, listed in
//! `datasets/primary-care/README.md`: an institution notified of no tuberculosis patient (zero
//! denominators), a missing staff-satisfaction score, a 患者满意度 cell reading 未测评, an
//! antibiotic-prescribing outlier, an infection-control grade that is not one of the scheme's levels,
//! and institutions absent from the previous period.

use polars::prelude::*;

use super::{count, money, survey_score, survey_text, text, Rng, Sample, Table, CITIES};

/// Adult (18+) prevalence used to size the managed-patient counts, the same as the scheme's
/// estimate in `scoring/primary-care/common.rhai` (《中国居民营养与慢性病状况报告（2020年）》).
const HYPERTENSION_PREVALENCE: f64 = 0.275;
const DIABETES_PREVALENCE: f64 = 0.119;

/// Place names used as 街道 (community centres) or 镇 (township centres). With the 40 cities,
/// 40 × 80 = 3200 institutions get distinct names.
const PLACES: &[&str] = &[
    "城关",
    "东关",
    "西关",
    "南关",
    "北关",
    "新华",
    "人民",
    "解放",
    "建设",
    "和平",
    "胜利",
    "文化",
    "团结",
    "红旗",
    "前进",
    "光明",
    "长安",
    "永安",
    "太平",
    "福兴",
    "兴隆",
    "丰乐",
    "安乐",
    "长乐",
    "清河",
    "白沙",
    "石门",
    "黄石",
    "青山",
    "龙泉",
    "凤凰",
    "金山",
    "银河",
    "双桥",
    "三河",
    "五里",
    "七里",
    "十里铺",
    "马集",
    "王庄",
    "李庄",
    "张庄",
    "刘集",
    "陈集",
    "杨柳",
    "桃园",
    "梅林",
    "松林",
    "柏林",
    "花园",
    "东湖",
    "西湖",
    "南湖",
    "北湖",
    "河口",
    "江口",
    "新桥",
    "大桥",
    "古城",
    "新城",
    "老城",
    "东城",
    "西城",
    "南城",
    "北城",
    "城南",
    "城北",
    "城东",
    "城西",
    "高新",
    "临江",
    "沿河",
    "湖滨",
    "滨江",
    "望江",
    "观音",
    "白马",
    "青龙",
    "卧龙",
    "黄河",
];

#[derive(Clone, Copy, PartialEq)]
enum Group {
    /// 社区卫生服务中心
    Community,
    /// 乡镇卫生院
    Township,
}

impl Group {
    fn label(self) -> &'static str {
        match self {
            Group::Community => "社区卫生服务中心",
            Group::Township => "乡镇卫生院",
        }
    }
}

/// `share` of the whole number `of`, rounded: never more than `of` (shares are clipped to 0–1).
fn part(of: f64, share: f64) -> f64 {
    (of * share.clamp(0.0, 1.0)).round()
}

/// A whole, non-negative number.
fn whole(v: f64) -> f64 {
    v.round().max(0.0)
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
    for row in 0..n {
        let group = if rng.unit() < 0.3 {
            Group::Community
        } else {
            Group::Township
        };
        let city = CITIES[(row / PLACES.len()) % CITIES.len()];
        let place = PLACES[row % PLACES.len()];
        let name = match group {
            Group::Community => format!("{city}市{place}街道社区卫生服务中心"),
            Group::Township => format!("{city}市{place}镇卫生院"),
        };
        let id = format!("J{:06}", 100_001 + row);
        let township = group == Group::Township;
        // How well the institution is run: moves the public-health rates, prescribing and
        // satisfaction together, as in real returns.
        let q = rng.range(-1.0, 1.0);

        // ── 辖区人口 ──
        let population = whole(if township {
            rng.range(10_000.0, 60_000.0)
        } else {
            rng.range(30_000.0, 100_000.0)
        });
        let adults = part(population, rng.range(0.78, 0.85));
        let elderly = part(
            population,
            if township {
                rng.range(0.13, 0.22)
            } else {
                rng.range(0.11, 0.19)
            },
        );
        let children = part(population, rng.range(0.045, 0.07));
        let births = part(population, rng.range(0.0055, 0.0095));
        let key_population = part(population, rng.range(0.28, 0.40));

        // ── 基本医疗 ──
        let visits = whole(
            population
                * if township {
                    rng.range(0.7, 1.6)
                } else {
                    rng.range(0.8, 1.8)
                },
        );
        let outpatient = part(visits, rng.range(0.9, 0.97));
        let tcm_visits = part(visits, 0.06 + 0.04 * (q + 1.0) + rng.range(0.0, 0.12));
        let tcm_techniques = (5.5 + 2.5 * q + rng.range(-2.5, 3.0))
            .round()
            .clamp(0.0, 12.0);
        let beds = if township {
            whole((population / 1000.0 * rng.range(0.6, 1.4)).max(8.0))
        } else if rng.unit() < 0.4 {
            0.0 // many community centres have no inpatient beds
        } else {
            whole(rng.range(10.0, 40.0))
        };
        let open_bed_days = beds * 365.0;
        let occupied_bed_days = part(
            open_bed_days,
            if township {
                rng.range(0.35, 0.85)
            } else {
                rng.range(0.3, 0.8)
            },
        );
        let discharges = whole(occupied_bed_days / rng.range(6.0, 11.0));
        let discharged_bed_days = part(occupied_bed_days, rng.range(0.93, 1.0));
        let prescriptions = part(outpatient, rng.range(0.55, 0.8));
        let antibiotic_share = if faults && row == 21 {
            0.78
        } else {
            0.17 - 0.06 * q + rng.range(-0.06, 0.08)
        };
        let antibiotic = part(prescriptions, antibiotic_share);
        let intravenous = part(prescriptions, 0.08 - 0.04 * q + rng.range(-0.04, 0.06));
        let drug_types = whole(rng.range(180.0, 450.0));
        let essential_types = part(drug_types, 0.78 + 0.06 * q + rng.range(-0.12, 0.12));
        let infection_control = if faults && row == 55 {
            "未检查" // not one of the scheme's levels: reported as a bad cell
        } else {
            match q + rng.range(-0.8, 0.8) {
                s if s > -0.3 => "达标",
                s if s > -1.1 => "基本达标",
                _ => "不达标",
            }
        };
        let disputes = if rng.unit() < 0.08 + 0.06 * (-q).max(0.0) {
            whole(rng.range(1.0, 3.49))
        } else {
            0.0
        };

        // ── 基本公共卫生服务 ──
        let archives = part(population, 0.84 + 0.08 * q + rng.range(-0.07, 0.07));
        let standard_archives = part(archives, 0.74 + 0.12 * q + rng.range(-0.08, 0.08));
        let dynamic_archives = part(archives, 0.58 + 0.15 * q + rng.range(-0.1, 0.1));
        let lectures_required = 12.0;
        let lectures = (12.0 + 3.0 * q + rng.range(-3.0, 4.0))
            .round()
            .clamp(4.0, 24.0);
        let consultations_required = 9.0;
        let consultations = (9.0 + 2.0 * q + rng.range(-3.0, 3.0))
            .round()
            .clamp(3.0, 18.0);
        let certificates_due = whole(births * rng.range(0.97, 1.05));
        let certificates = part(certificates_due, 0.965 + 0.03 * q + rng.range(-0.03, 0.03));
        let doses_due = whole(children * rng.range(2.0, 2.6));
        let doses = part(doses_due, 0.955 + 0.03 * q + rng.range(-0.03, 0.03));
        let newborn_visits = part(births, 0.9 + 0.06 * q + rng.range(-0.06, 0.06));
        let children_followed = part(children, 0.88 + 0.07 * q + rng.range(-0.07, 0.06));
        let early_registration = part(births, 0.84 + 0.08 * q + rng.range(-0.07, 0.07));
        let postpartum_visits = part(births, 0.88 + 0.07 * q + rng.range(-0.06, 0.06));
        let elderly_managed = part(elderly, 0.66 + 0.1 * q + rng.range(-0.1, 0.1));
        let elderly_tcm = part(elderly_managed, 0.68 + 0.1 * q + rng.range(-0.1, 0.1));
        let hypertension_expected = adults * HYPERTENSION_PREVALENCE;
        let hypertension_managed =
            part(hypertension_expected, 0.42 + 0.1 * q + rng.range(-0.1, 0.1));
        let hypertension_standard =
            part(hypertension_managed, 0.68 + 0.12 * q + rng.range(-0.1, 0.1));
        let hypertension_controlled =
            part(hypertension_managed, 0.62 + 0.1 * q + rng.range(-0.1, 0.1));
        let diabetes_expected = adults * DIABETES_PREVALENCE;
        let diabetes_managed = part(diabetes_expected, 0.38 + 0.1 * q + rng.range(-0.1, 0.1));
        let diabetes_standard = part(diabetes_managed, 0.66 + 0.12 * q + rng.range(-0.1, 0.1));
        let diabetes_controlled = part(diabetes_managed, 0.56 + 0.1 * q + rng.range(-0.1, 0.1));
        let mental_registered = whole(population * rng.range(0.0035, 0.0055));
        let mental_standard = part(mental_registered, 0.85 + 0.07 * q + rng.range(-0.06, 0.06));
        let tb_notified = if faults && row == 7 {
            0.0 // no patient notified this year: both tuberculosis rates have a zero denominator
        } else {
            whole(population * rng.range(0.0002, 0.0006)).max(1.0)
        };
        let tb_managed = part(tb_notified, 0.95 + 0.03 * q + rng.range(-0.04, 0.04));
        let tb_completed = part(tb_notified, rng.range(0.8, 0.95));
        let tb_regular = part(tb_completed, 0.93 + 0.04 * q + rng.range(-0.04, 0.04));
        let infectious_registered = whole(visits * rng.range(0.001, 0.003)).max(3.0);
        let infectious_reported = part(
            infectious_registered,
            0.985 + 0.01 * q + rng.range(-0.015, 0.015),
        );
        let infectious_timely = part(
            infectious_reported,
            0.98 + 0.01 * q + rng.range(-0.02, 0.02),
        );
        let supervision_found = whole(rng.range(3.0, 30.0));
        let supervision_reported =
            part(supervision_found, 0.93 + 0.05 * q + rng.range(-0.05, 0.05));
        let key_signed = part(key_population, 0.62 + 0.12 * q + rng.range(-0.1, 0.1));
        let other_signed = part(
            population - key_population,
            0.2 + 0.05 * q + rng.range(-0.05, 0.05),
        );
        let signed = key_signed + other_signed;
        let signed_before = whole(signed / rng.range(1.0, 1.12));
        let renewed = part(signed_before, 0.78 + 0.1 * q + rng.range(-0.08, 0.08));
        let contracted_items = whole(signed * rng.range(3.0, 6.0));
        let fulfilled_items = part(contracted_items, 0.9 + 0.06 * q + rng.range(-0.06, 0.06));

        // ── 经济管理 (万元; 次均费用 in 元) ──
        let outpatient_cost = if township {
            rng.range(70.0, 140.0)
        } else {
            rng.range(120.0, 220.0)
        };
        let inpatient_cost = if township {
            rng.range(1800.0, 3000.0)
        } else {
            rng.range(3000.0, 5000.0)
        };
        let outpatient_revenue = outpatient * outpatient_cost / 10_000.0;
        let inpatient_revenue = discharges * inpatient_cost / 10_000.0;
        let medical_revenue = outpatient_revenue + inpatient_revenue;
        let drugs = medical_revenue * (0.56 - 0.05 * q + rng.range(-0.1, 0.1));
        let materials = medical_revenue * rng.range(0.03, 0.08);
        let exams = medical_revenue * rng.range(0.04, 0.09);
        let lab = medical_revenue * rng.range(0.05, 0.1);
        let essential_drugs = drugs * (0.72 + 0.05 * q + rng.range(-0.15, 0.15)).min(1.0);
        let total_revenue = medical_revenue * rng.range(1.5, 2.4);
        let total_expense = total_revenue * rng.range(0.93, 1.06);
        let business_expense = total_expense * rng.range(0.86, 0.95);
        let personnel = business_expense * (0.52 + 0.04 * q + rng.range(-0.1, 0.1));
        let finance_system = match q + rng.range(-0.9, 0.9) {
            s if s > 0.3 => "完善",
            s if s > -0.4 => "较完善",
            s if s > -1.2 => "基本完善",
            _ => "不完善",
        };
        let records_linked = rng.unit() < 0.55 + 0.25 * q;
        let records_open = rng.unit() < 0.5 + 0.25 * q;
        let referred_up = whole(visits * rng.range(0.004, 0.012));
        let referred_down = whole(visits * rng.range(0.0005, 0.003) + discharges * 0.02);
        let stations = whole(if township {
            rng.range(8.0, 30.0)
        } else {
            rng.range(1.0, 6.0)
        });
        let stations_integrated = part(stations, 0.82 + 0.15 * q + rng.range(-0.15, 0.15));

        // ── 人力 ──
        let physicians = whole(
            (population / 10_000.0
                * if township {
                    rng.range(2.5, 5.0)
                } else {
                    rng.range(4.0, 8.0)
                })
            .max(5.0),
        );
        let nurses = whole(
            physicians
                * if township {
                    rng.range(0.6, 1.1)
                } else {
                    rng.range(0.8, 1.4)
                },
        );
        let general_practitioners = part(physicians, 0.4 + 0.1 * q + rng.range(-0.15, 0.15));
        let tcm_physicians = part(physicians, rng.range(0.1, 0.3));
        let technicians = whole((physicians + nurses) * rng.range(1.25, 1.5));
        let graduates = part(
            technicians,
            if township {
                rng.range(0.2, 0.5)
            } else {
                rng.range(0.4, 0.7)
            },
        );
        let senior_titles = part(technicians, rng.range(0.18, 0.42));

        let patient_satisfaction = 87.0 + 4.0 * q + rng.range(-4.0, 4.0);
        let staff_satisfaction = 79.0 + 4.0 * q + rng.range(-5.0, 5.0);

        // ── 工分: service counts × a tariff (点数法), per 考核小项 ──
        let public_health_points = whole(
            0.2 * archives
                + 4.0 * (hypertension_managed + diabetes_managed)
                + 2.0 * elderly_managed
                + 2.0 * children_followed
                + 5.0 * (newborn_visits + postpartum_visits + early_registration)
                + 4.0 * mental_registered
                + 6.0 * tb_managed
                + 0.5 * doses,
        );
        let contract_points = whole(2.0 * signed + 0.5 * fulfilled_items);
        let work_points =
            whole(public_health_points + contract_points + 0.3 * visits + 3.0 * discharges);

        let patient_cell = survey_text(patient_satisfaction, faults, row);
        let staff_cell = survey_score(staff_satisfaction, faults, row);

        let columns: Vec<(&str, AnyValue<'static>)> = vec![
            ("机构编码", text(id.clone())),
            ("机构名称", text(name.clone())),
            ("机构类别", text(group.label())),
            ("年度", AnyValue::Int64(2024)),
            ("辖区常住人口", count(population)),
            ("辖区常住成年人口", count(adults)),
            ("辖区65岁及以上常住居民数", count(elderly)),
            ("辖区0-6岁儿童数", count(children)),
            ("活产数", count(births)),
            ("重点人群总数", count(key_population)),
            ("诊疗人次数", count(visits)),
            ("门急诊人次数", count(outpatient)),
            ("中医诊疗人次数", count(tcm_visits)),
            ("中医非药物疗法类数", count(tcm_techniques)),
            ("实际开放床位数", count(beds)),
            ("实际开放总床日数", count(open_bed_days)),
            ("实际占用总床日数", count(occupied_bed_days)),
            ("出院人数", count(discharges)),
            ("出院者占用总床日数", count(discharged_bed_days)),
            ("门诊处方总数", count(prescriptions)),
            ("抗菌药物处方数", count(antibiotic)),
            ("静脉注射剂处方数", count(intravenous)),
            ("药品采购品种总数", count(drug_types)),
            ("基本药物采购品种数", count(essential_types)),
            ("院内感染管理检查结果", text(infection_control)),
            ("医疗纠纷件数", count(disputes)),
            ("建立电子健康档案人数", count(archives)),
            ("规范的电子档案数", count(standard_archives)),
            ("有动态记录的档案份数", count(dynamic_archives)),
            ("健康知识讲座举办次数", count(lectures)),
            ("健康知识讲座应举办次数", count(lectures_required)),
            ("公众健康咨询活动举办次数", count(consultations)),
            ("公众健康咨询活动应举办次数", count(consultations_required)),
            ("应建立预防接种证人数", count(certificates_due)),
            ("建立预防接种证人数", count(certificates)),
            ("免疫规划疫苗应接种剂次数", count(doses_due)),
            ("免疫规划疫苗实际接种剂次数", count(doses)),
            ("新生儿访视人数", count(newborn_visits)),
            ("接受随访的0-6岁儿童数", count(children_followed)),
            ("早孕建册人数", count(early_registration)),
            ("产后访视人数", count(postpartum_visits)),
            ("接受健康管理的65岁及以上居民数", count(elderly_managed)),
            ("接受中医药健康管理的65岁及以上居民数", count(elderly_tcm)),
            ("已管理高血压患者数", count(hypertension_managed)),
            ("规范管理高血压患者数", count(hypertension_standard)),
            ("血压达标高血压患者数", count(hypertension_controlled)),
            ("已管理2型糖尿病患者数", count(diabetes_managed)),
            ("规范管理2型糖尿病患者数", count(diabetes_standard)),
            ("血糖达标2型糖尿病患者数", count(diabetes_controlled)),
            ("在册严重精神障碍患者数", count(mental_registered)),
            ("规范管理严重精神障碍患者数", count(mental_standard)),
            ("通知管理肺结核患者数", count(tb_notified)),
            ("已管理肺结核患者数", count(tb_managed)),
            ("完成治疗肺结核患者数", count(tb_completed)),
            ("规则服药肺结核患者数", count(tb_regular)),
            ("登记传染病病例数", count(infectious_registered)),
            ("网络报告传染病病例数", count(infectious_reported)),
            ("及时报告传染病病例数", count(infectious_timely)),
            ("发现卫生监督协管事件或线索次数", count(supervision_found)),
            (
                "报告卫生监督协管事件或线索次数",
                count(supervision_reported),
            ),
            ("签约居民数", count(signed)),
            ("重点人群签约数", count(key_signed)),
            ("续签人数", count(renewed)),
            ("签约服务项目总数", count(contracted_items)),
            ("履约服务项目数", count(fulfilled_items)),
            ("医疗收入(万元)", money(medical_revenue)),
            ("门诊收入(万元)", money(outpatient_revenue)),
            ("住院收入(万元)", money(inpatient_revenue)),
            ("药品收入(万元)", money(drugs)),
            ("卫生材料收入(万元)", money(materials)),
            ("检查收入(万元)", money(exams)),
            ("化验收入(万元)", money(lab)),
            ("基本药物使用金额(万元)", money(essential_drugs)),
            ("总收入(万元)", money(total_revenue)),
            ("总支出(万元)", money(total_expense)),
            ("业务支出(万元)", money(business_expense)),
            ("人员支出(万元)", money(personnel)),
            ("财务制度检查结果", text(finance_system)),
            (
                "健康档案与电子病历互通",
                count(f64::from(u8::from(records_linked))),
            ),
            (
                "健康档案向居民开放",
                count(f64::from(u8::from(records_open))),
            ),
            ("上转患者人次数", count(referred_up)),
            ("下转患者人次数", count(referred_down)),
            ("辖区村卫生室(社区卫生服务站)数", count(stations)),
            (
                "一体化管理村卫生室(社区卫生服务站)数",
                count(stations_integrated),
            ),
            ("执业(助理)医师数", count(physicians)),
            ("注册护士数", count(nurses)),
            ("全科医生数", count(general_practitioners)),
            ("中医类别执业(助理)医师数", count(tcm_physicians)),
            ("卫生技术人员数", count(technicians)),
            ("本科及以上学历卫生技术人员数", count(graduates)),
            ("中级及以上职称卫生技术人员数", count(senior_titles)),
            ("患者满意度", patient_cell),
            ("医务人员满意度", staff_cell),
            ("工分", count(work_points)),
            ("基本公卫工分", count(public_health_points)),
            ("签约服务工分", count(contract_points)),
        ];
        current.push_row(columns);

        // The previous period: a year earlier, a little smaller and cheaper; some institutions
        // are new (absent from it), so their growth indicators and 续签率 are missing.
        let is_new = faults && row % 97 == 5;
        if !is_new {
            let growth = rng.range(-0.05, 0.1);
            let price = 1.0 + rng.range(-0.03, 0.07) + 0.02 * (-q).max(0.0);
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
                ("门急诊人次数", count(visits(outpatient))),
                ("出院人数", count(stays(discharges))),
                (
                    "执业(助理)医师数",
                    count(physicians / (1.0 + rng.range(0.0, 0.08))),
                ),
                ("签约居民数", count(signed_before)),
                (
                    "医疗收入(万元)",
                    money(both(medical_revenue, outpatient_revenue, inpatient_revenue) / price),
                ),
                ("门诊收入(万元)", money(visits(outpatient_revenue) / price)),
                ("住院收入(万元)", money(stays(inpatient_revenue) / price)),
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

    #[test]
    fn same_seed_same_data_and_faults_are_planted() {
        let a = generate(120, 7);
        let b = generate(120, 7);
        assert!(a.current.equals_missing(&b.current));
        assert!(a.previous.equals_missing(&b.previous));
        assert_eq!(a.current.height(), 120);
        // Rows 5 and 102 (row % 97 == 5) are new: absent from the previous period.
        assert_eq!(a.previous.height(), 118);
        assert_eq!(ints(&a.current, "通知管理肺结核患者数")[7], Some(0));
        assert_eq!(a.current.column("医务人员满意度").unwrap().null_count(), 1);
        let patient = a.current.column("患者满意度").unwrap();
        assert_eq!(patient.str().unwrap().get(34), Some("未测评"));
        let grade = a.current.column("院内感染管理检查结果").unwrap();
        assert_eq!(grade.str().unwrap().get(55), Some("未检查"));
        let share = ints(&a.current, "抗菌药物处方数")[21].unwrap() as f64
            / ints(&a.current, "门诊处方总数")[21].unwrap() as f64;
        assert!((share - 0.78).abs() < 0.01, "outlier share {share}");
        assert_ne!(
            generate(120, 8).current.column("诊疗人次数").unwrap(),
            a.current.column("诊疗人次数").unwrap()
        );
    }

    #[test]
    fn numerators_never_exceed_their_denominators() {
        let s = generate(400, 2020);
        let pairs = [
            ("建立电子健康档案人数", "辖区常住人口"),
            ("规范的电子档案数", "建立电子健康档案人数"),
            ("有动态记录的档案份数", "建立电子健康档案人数"),
            ("建立预防接种证人数", "应建立预防接种证人数"),
            ("免疫规划疫苗实际接种剂次数", "免疫规划疫苗应接种剂次数"),
            ("新生儿访视人数", "活产数"),
            ("早孕建册人数", "活产数"),
            ("产后访视人数", "活产数"),
            ("接受随访的0-6岁儿童数", "辖区0-6岁儿童数"),
            ("接受健康管理的65岁及以上居民数", "辖区65岁及以上常住居民数"),
            (
                "接受中医药健康管理的65岁及以上居民数",
                "接受健康管理的65岁及以上居民数",
            ),
            ("规范管理高血压患者数", "已管理高血压患者数"),
            ("血压达标高血压患者数", "已管理高血压患者数"),
            ("规范管理2型糖尿病患者数", "已管理2型糖尿病患者数"),
            ("血糖达标2型糖尿病患者数", "已管理2型糖尿病患者数"),
            ("规范管理严重精神障碍患者数", "在册严重精神障碍患者数"),
            ("已管理肺结核患者数", "通知管理肺结核患者数"),
            ("规则服药肺结核患者数", "完成治疗肺结核患者数"),
            ("网络报告传染病病例数", "登记传染病病例数"),
            ("及时报告传染病病例数", "网络报告传染病病例数"),
            (
                "报告卫生监督协管事件或线索次数",
                "发现卫生监督协管事件或线索次数",
            ),
            ("重点人群签约数", "重点人群总数"),
            ("重点人群签约数", "签约居民数"),
            ("签约居民数", "辖区常住人口"),
            ("履约服务项目数", "签约服务项目总数"),
            ("门急诊人次数", "诊疗人次数"),
            ("中医诊疗人次数", "诊疗人次数"),
            ("实际占用总床日数", "实际开放总床日数"),
            ("出院者占用总床日数", "实际占用总床日数"),
            ("抗菌药物处方数", "门诊处方总数"),
            ("静脉注射剂处方数", "门诊处方总数"),
            ("基本药物采购品种数", "药品采购品种总数"),
            (
                "一体化管理村卫生室(社区卫生服务站)数",
                "辖区村卫生室(社区卫生服务站)数",
            ),
            ("全科医生数", "执业(助理)医师数"),
            ("中医类别执业(助理)医师数", "执业(助理)医师数"),
            ("本科及以上学历卫生技术人员数", "卫生技术人员数"),
            ("中级及以上职称卫生技术人员数", "卫生技术人员数"),
            ("基本公卫工分", "工分"),
            ("签约服务工分", "工分"),
        ];
        for (numerator, denominator) in pairs {
            let num = ints(&s.current, numerator);
            let den = ints(&s.current, denominator);
            for (row, (n, d)) in num.iter().zip(&den).enumerate() {
                assert!(n <= d, "row {row}: {numerator} {n:?} > {denominator} {d:?}");
            }
        }
        // Community centres without beds discharge nobody; township centres all have beds.
        let beds = ints(&s.current, "实际开放床位数");
        let discharges = ints(&s.current, "出院人数");
        let groups = s.current.column("机构类别").unwrap().str().unwrap().clone();
        let mut without_beds = 0;
        for ((b, d), g) in beds.iter().zip(&discharges).zip(groups.iter()) {
            if *b == Some(0) {
                without_beds += 1;
                assert_eq!(*d, Some(0));
                assert_eq!(g, Some("社区卫生服务中心"));
            }
        }
        assert!(without_beds > 10, "{without_beds} centres without beds");
    }

    #[test]
    fn small_samples_have_no_faults() {
        let s = generate(10, 1);
        assert_eq!(s.previous.height(), 10);
        assert_eq!(s.current.column("医务人员满意度").unwrap().null_count(), 0);
        assert!(ints(&s.current, "通知管理肺结核患者数")
            .iter()
            .all(|v| v.unwrap() >= 1));
    }
}
