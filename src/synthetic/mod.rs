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

    /// `n` institutions from `seed`: the current period and the previous one.
    pub fn generate(self, n: usize, seed: u64) -> Sample {
        match self {
            SampleKind::TertiaryCore => tertiary_core::generate(n, seed),
            SampleKind::Tertiary2020 => tertiary_2020::generate(n, seed),
            SampleKind::Secondary2020 => secondary_2020::generate(n, seed),
            SampleKind::PrimaryCare => primary_care::generate(n, seed),
        }
    }
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
