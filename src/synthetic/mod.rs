//! Deterministic sample data: the shipped datasets of every scheme and the benchmarks' large inputs.
//!
//! Each shipped scheme has a generator here, one file per scheme, drawing institutions from a
//! seeded SplitMix64 generator (no dependency, the same numbers on every platform) with ranges
//! typical of the institutions the scheme assesses. Every generator writes two periods (the
//! previous one for growth indicators) and, from 50 institutions up, plants a few realistic faults
//! (a zero denominator, a missing value, a text cell in a numeric column, an outlier) so the run
//! summary has something to report. Column meanings are documented in `datasets/`.

use polars::prelude::*;

mod primary_care;
mod secondary_2020;
mod tertiary_2020;
mod tertiary_core;

/// Most institutions `jixiao sample` writes (about 330 MB of CSV for the largest kind).
pub const MAX_INSTITUTIONS: usize = 1_000_000;

/// Which scheme's data to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleKind {
    /// `scoring/tertiary-core` (the default scheme).
    TertiaryCore,
    /// `scoring/tertiary-2020`: 国家三级公立医院绩效考核, every raw column of T1–T55 and T增1.
    Tertiary2020,
    /// `scoring/secondary-2020`: 二级公立医院绩效考核, S1–S28.
    Secondary2020,
    /// `scoring/primary-care`: 基层医疗卫生机构绩效考核 with 基本公共卫生服务 and work points.
    PrimaryCare,
}

impl SampleKind {
    pub const ALL: [SampleKind; 4] = [
        SampleKind::TertiaryCore,
        SampleKind::Tertiary2020,
        SampleKind::Secondary2020,
        SampleKind::PrimaryCare,
    ];

    /// The name of the scheme folder under `scoring/` (and of the dataset folder under `datasets/`).
    pub fn name(self) -> &'static str {
        match self {
            SampleKind::TertiaryCore => "tertiary-core",
            SampleKind::Tertiary2020 => "tertiary-2020",
            SampleKind::Secondary2020 => "secondary-2020",
            SampleKind::PrimaryCare => "primary-care",
        }
    }

    /// The kind named `name`, if any.
    pub fn from_name(name: &str) -> Option<SampleKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// `n` institutions from `seed`: the current period and the previous one, as the shipped
    /// datasets were generated (a name may repeat; each institution's items grow at one rate).
    pub fn generate(self, n: usize, seed: u64) -> Sample {
        match self {
            SampleKind::TertiaryCore => tertiary_core::generate(n, seed),
            SampleKind::Tertiary2020 => tertiary_2020::generate(n, seed),
            SampleKind::Secondary2020 => secondary_2020::generate(n, seed),
            SampleKind::PrimaryCare => primary_care::generate(n, seed),
        }
    }

    /// What `jixiao sample` writes: like [`SampleKind::generate`], but every institution's name is
    /// its own ([`unique_names`]) and its outpatient and inpatient sides grow at rates of their
    /// own ([`item_growths`]), so growth rates differ between institutions and between items.
    pub fn generate_varied(self, n: usize, seed: u64) -> Sample {
        unique_names(match self {
            SampleKind::TertiaryCore => tertiary_core::generate_with(n, seed, true),
            SampleKind::Tertiary2020 => tertiary_2020::generate_with(n, seed, true),
            SampleKind::Secondary2020 => secondary_2020::generate_with(n, seed, true),
            SampleKind::PrimaryCare => primary_care::generate_with(n, seed, true),
        })
    }
}

/// Varied samples: how much faster (or slower) the outpatient and the inpatient side of one
/// institution grew than its overall growth, up to ±5 percentage points each, drawn after the
/// draws of the shipped datasets; (0, 0) and no draw otherwise, so that the shipped datasets
/// stay the generators' output.
pub(crate) fn item_growths(rng: &mut Rng, varied: bool) -> (f64, f64) {
    match varied {
        true => (rng.range(-0.05, 0.05), rng.range(-0.05, 0.05)),
        false => (0.0, 0.0),
    }
}

/// What tells apart institutions of the same generated name: a district after the place
/// ("北京市城东中医医院"), then a number.
const DISTRICTS: &[&str] = &[
    "城东",
    "城西",
    "城南",
    "城北",
    "新城",
    "高新",
    "滨江",
    "开发区",
    "经开",
    "新区",
];

/// The sample with every institution's name (机构名称) its own: the first holder of a name, in
/// row order, keeps it; the next ones get a district after the place (after the first 市, 县, 区
/// or 旗), then "(2)", "(3)"… beyond the districts. The previous period's names follow the ids.
pub fn unique_names(sample: Sample) -> Sample {
    const NAME: &str = "机构名称";
    const ID: &str = "机构编码";
    let strings = |frame: &DataFrame, column: &str| -> Vec<String> {
        frame
            .column(column)
            .and_then(|c| c.cast(&DataType::String))
            .map(|c| {
                c.str()
                    .expect("cast to text")
                    .iter()
                    .map(|v| v.unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let names = strings(&sample.current, NAME);
    if names.is_empty() {
        return sample;
    }
    let ids = strings(&sample.current, ID);
    let mut taken: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut renamed: std::collections::BTreeMap<String, String> = Default::default();
    let mut unique = Vec::with_capacity(names.len());
    for (id, name) in ids.iter().zip(&names) {
        let place_end = name
            .char_indices()
            .find(|(_, c)| matches!(c, '市' | '县' | '区' | '旗'))
            .map(|(at, c)| at + c.len_utf8())
            .unwrap_or(0);
        let (place, rest) = name.split_at(place_end);
        let candidates = std::iter::once(name.clone())
            .chain(DISTRICTS.iter().map(|d| format!("{place}{d}{rest}")))
            .chain((2..).map(|k| format!("{name}({k})")));
        let chosen = candidates
            .into_iter()
            .find(|c| !taken.contains(c))
            .expect("numbered names never run out");
        taken.insert(chosen.clone());
        renamed.insert(id.clone(), chosen.clone());
        unique.push(chosen);
    }
    let mut current = sample.current;
    current
        .with_column(Column::new(NAME.into(), unique))
        .expect("same height");
    let mut previous = sample.previous;
    let previous_names: Vec<String> = strings(&previous, ID)
        .iter()
        .zip(strings(&previous, NAME))
        .map(|(id, name)| renamed.get(id).cloned().unwrap_or(name))
        .collect();
    if !previous_names.is_empty() {
        previous
            .with_column(Column::new(NAME.into(), previous_names))
            .expect("same height");
    }
    Sample { current, previous }
}

/// Sample data for the default scheme (`scoring/tertiary-core`).
pub fn generate(n: usize, seed: u64) -> Sample {
    tertiary_core::generate(n, seed)
}

/// The two periods of a sample.
pub struct Sample {
    pub current: DataFrame,
    pub previous: DataFrame,
}

/// SplitMix64: tiny, fast, and the same sequence everywhere.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub(crate) fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n
    }
}

pub(crate) const CITIES: &[&str] = &[
    "北京",
    "天津",
    "石家庄",
    "太原",
    "呼和浩特",
    "沈阳",
    "长春",
    "哈尔滨",
    "上海",
    "南京",
    "杭州",
    "合肥",
    "福州",
    "南昌",
    "济南",
    "郑州",
    "武汉",
    "长沙",
    "广州",
    "南宁",
    "海口",
    "重庆",
    "成都",
    "贵阳",
    "昆明",
    "拉萨",
    "西安",
    "兰州",
    "西宁",
    "银川",
    "乌鲁木齐",
    "大连",
    "青岛",
    "宁波",
    "厦门",
    "深圳",
    "苏州",
    "无锡",
    "温州",
    "佛山",
];
pub(crate) const SPECIALTIES: &[&str] = &[
    "儿童医院",
    "肿瘤医院",
    "妇产医院",
    "眼科医院",
    "口腔医院",
    "胸科医院",
    "传染病医院",
    "精神卫生中心",
];

/// A head count or case count: rounded, never negative.
pub(crate) fn count(v: f64) -> AnyValue<'static> {
    AnyValue::Int64(v.round().max(0.0) as i64)
}
/// An amount (e.g. 万元) to 2 decimals.
pub(crate) fn money(v: f64) -> AnyValue<'static> {
    AnyValue::Float64((v * 100.0).round() / 100.0)
}
/// A survey score to 1 decimal.
pub(crate) fn score(v: f64) -> AnyValue<'static> {
    AnyValue::Float64((v * 10.0).round() / 10.0)
}
/// The peer groups of the hospital samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HospitalGroup {
    General,
    Specialist,
    Tcm,
}

impl HospitalGroup {
    /// The peer-group cell: 综合 / 专科 / 中医.
    pub(crate) fn label(self) -> &'static str {
        match self {
            HospitalGroup::General => "综合",
            HospitalGroup::Specialist => "专科",
            HospitalGroup::Tcm => "中医",
        }
    }
}

/// Rows where every generator plants its survey faults (from 50 institutions up).
pub(crate) const UNMEASURED_ROW: usize = 34;
pub(crate) const MISSING_SURVEY_ROW: usize = 13;

/// A survey score as the survey platform exports it, as text; the planted fault reads 未测评 (not
/// a number) at row 34.
pub(crate) fn survey_text(v: f64, faults: bool, row: usize) -> AnyValue<'static> {
    if faults && row == UNMEASURED_ROW {
        text("未测评")
    } else {
        text(format!("{v:.1}"))
    }
}

/// A survey score; the planted fault is an empty cell at row 13.
pub(crate) fn survey_score(v: f64, faults: bool, row: usize) -> AnyValue<'static> {
    if faults && row == MISSING_SURVEY_ROW {
        AnyValue::Null
    } else {
        score(v)
    }
}

pub(crate) fn text(v: impl Into<String>) -> AnyValue<'static> {
    AnyValue::StringOwned(v.into().into())
}

/// Columns being built, in output order.
#[derive(Default)]
pub(crate) struct Table {
    columns: Vec<(String, Vec<AnyValue<'static>>)>,
}

impl Table {
    /// Appends one row; the first row fixes the column names and order.
    pub(crate) fn push_row(&mut self, row: Vec<(&str, AnyValue<'static>)>) {
        if self.columns.is_empty() {
            self.columns = row
                .iter()
                .map(|(name, _)| (name.to_string(), Vec::new()))
                .collect();
        }
        for ((name, value), (column_name, values)) in row.into_iter().zip(&mut self.columns) {
            debug_assert_eq!(name, column_name);
            values.push(value);
        }
    }
    pub(crate) fn into_frame(self) -> DataFrame {
        let columns: Vec<Column> = self
            .columns
            .into_iter()
            .map(|(name, values)| {
                Series::from_any_values(name.as_str().into(), &values, false)
                    .expect("values of one column share a type")
                    .into()
            })
            .collect();
        DataFrame::new_infer_height(columns).expect("columns have equal length")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
        let column = frame
            .column(name)
            .unwrap()
            .cast(&DataType::Float64)
            .unwrap();
        column.f64().unwrap().iter().collect()
    }

    #[test]
    fn varied_samples_have_names_of_their_own_and_growth_by_item() {
        for kind in SampleKind::ALL {
            let a = kind.generate_varied(400, 11);
            let b = kind.generate_varied(400, 11);
            assert!(a.current.equals_missing(&b.current), "{}", kind.name());
            assert!(a.previous.equals_missing(&b.previous), "{}", kind.name());
            let names = a.current.column("机构名称").unwrap().str().unwrap().clone();
            let distinct: std::collections::BTreeSet<&str> = names.iter().flatten().collect();
            assert_eq!(distinct.len(), 400, "{}: names repeat", kind.name());
            // The shipped tertiary-core repeats names at this size: the renaming made them unique.
            let shipped = kind.generate(400, 11);
            let shipped_names = shipped
                .current
                .column("机构名称")
                .unwrap()
                .str()
                .unwrap()
                .clone();
            let shipped_distinct: std::collections::BTreeSet<&str> =
                shipped_names.iter().flatten().collect();
            if kind == SampleKind::TertiaryCore {
                assert!(shipped_distinct.len() < 400, "{}", kind.name());
            }
            // Outpatient and inpatient volumes grow at different rates within an institution.
            let visits = ["门诊人次数", "门急诊人次数"]
                .into_iter()
                .find(|c| a.current.column(c).is_ok())
                .unwrap();
            let growth = |sample: &Sample, name: &str| -> Vec<f64> {
                let ids = |f: &DataFrame| -> Vec<String> {
                    f.column("机构编码")
                        .unwrap()
                        .str()
                        .unwrap()
                        .iter()
                        .map(|v| v.unwrap().to_string())
                        .collect()
                };
                let before: std::collections::BTreeMap<String, f64> = ids(&sample.previous)
                    .into_iter()
                    .zip(column(&sample.previous, name))
                    .filter_map(|(i, v)| Some((i, v?)))
                    .collect();
                ids(&sample.current)
                    .into_iter()
                    .zip(column(&sample.current, name))
                    .filter_map(|(i, v)| Some(v? / before.get(&i)? - 1.0))
                    .collect()
            };
            let (out, stay) = (growth(&a, visits), growth(&a, "出院人数"));
            let apart = out
                .iter()
                .zip(&stay)
                .filter(|(o, s)| (*o - *s).abs() > 0.01)
                .count();
            assert!(
                apart > out.len() / 2,
                "{}: {apart} of {}",
                kind.name(),
                out.len()
            );
            let (out, stay) = (growth(&shipped, visits), growth(&shipped, "出院人数"));
            let apart = out
                .iter()
                .zip(&stay)
                .filter(|(o, s)| (*o - *s).abs() > 0.01)
                .count();
            assert!(
                apart < out.len() / 10,
                "{}: the shipped variant grows items together",
                kind.name()
            );
        }
    }

    #[test]
    fn a_repeated_name_gets_a_district_then_a_number() {
        let names: Vec<String> = std::iter::repeat_n("北京市中医医院".to_string(), 12).collect();
        let ids: Vec<String> = (0..12).map(|i| format!("H{i:02}")).collect();
        let current = df!("机构编码" => &ids, "机构名称" => &names).unwrap();
        let previous = df!("机构编码" => ["H01"], "机构名称" => ["北京市中医医院"]).unwrap();
        let out = unique_names(Sample { current, previous });
        let got: Vec<String> = out
            .current
            .column("机构名称")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_string())
            .collect();
        assert_eq!(got[0], "北京市中医医院");
        assert_eq!(got[1], "北京市城东中医医院");
        assert_eq!(got[10], "北京市新区中医医院");
        assert_eq!(got[11], "北京市中医医院(2)");
        let previous = out
            .previous
            .column("机构名称")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .unwrap()
            .to_string();
        assert_eq!(
            previous, "北京市城东中医医院",
            "the previous period follows the id"
        );
    }
}
