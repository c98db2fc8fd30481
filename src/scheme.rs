//! The scheme: what `scheme.yaml` declares and the checks that make it usable.
//!
//! A scheme is a folder holding `scheme.yaml` (structure: columns, dimensions, indicators with
//! direction, weight and scoring method, vetoes, bonus and deduction rules, grade bands, the
//! missing-data policy) and the `.rhai` scripts that hold its formulas. This module reads the YAML
//! strictly (unknown keys are errors, reported with file and line) and checks everything that can be
//! checked without data: ids, the dimension tree, weights, directions against scoring methods and
//! grade bands. Formulas are compiled by [`crate::script`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result, SourceSpan};

/// The parsed `scheme.yaml`, with the folder it came from.
#[derive(Debug, Clone)]
pub struct Scheme {
    pub dir: PathBuf,
    pub yaml_path: PathBuf,
    pub yaml_text: String,
    pub spec: SchemeSpec,
    /// Notes that do not stop scoring (e.g. weights that do not add up to 100 and are rescaled).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeSpec {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub description: Option<String>,
    pub columns: Columns,
    /// Rhai files evaluated in order; later files see the bindings of earlier ones.
    #[serde(default = "default_scripts")]
    pub scripts: Vec<String>,
    /// The dataset scored when no `--data` is given, relative to the scheme folder.
    #[serde(default)]
    pub dataset: Option<DatasetSpec>,
    #[serde(default)]
    pub missing: MissingSpec,
    #[serde(default)]
    pub ranking: RankingSpec,
    /// Decimals of the final score; ranks and grades use the rounded score, as published.
    #[serde(default = "default_score_decimals")]
    pub score_decimals: u32,
    /// Scoring method of indicators that do not name their own.
    #[serde(default)]
    pub default_scoring: Option<Scoring>,
    pub dimensions: Vec<DimensionSpec>,
    pub indicators: Vec<IndicatorSpec>,
    #[serde(default)]
    pub vetoes: Vec<VetoSpec>,
    #[serde(default)]
    pub bonus: AdjustmentSpec,
    #[serde(default)]
    pub deduction: AdjustmentSpec,
    #[serde(default)]
    pub grades: Option<GradeSpec>,
    /// Whether and how 监测比较 (monitor) indicators are scored.
    #[serde(default)]
    pub monitor: MonitorSpec,
    /// How children's scores are combined at every level of the tree.
    #[serde(default)]
    pub aggregation: AggregationSpec,
    /// How the weights among siblings are set: as written, or by a method.
    #[serde(default)]
    pub weighting: WeightingSpec,
    /// The point-based assessment (工分 × 质量系数 → budget), as primary-care systems run it.
    #[serde(default)]
    pub points: Option<PointsSpec>,
}

/// How the weights of the tree are set. `fixed` uses the weights written in this file; the other
/// methods set the weights among the indicators of each group (sub-dimension, dimension without
/// sub-dimensions, parts of a bundle) — dimension and sub-dimension weights stay as written —
/// except `ahp`, which replaces the weights among the children of every node given a matrix.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightingSpec {
    #[serde(default)]
    pub method: WeightMethod,
    /// `ahp`: a pairwise comparison matrix (1–9 scale) per parent node id (`total` for the
    /// dimensions), rows and columns in the order the children are declared.
    #[serde(default)]
    pub matrices: BTreeMap<String, Vec<Vec<f64>>>,
    /// `ahp`: eigenvector (default), geometric or column-mean (和积法).
    #[serde(default)]
    pub ahp_method: Option<String>,
    /// `formula`: a rhai function of an indicator's score statistics
    /// (`#{mean, sd, cv, min, max, n}`) returning its relative weight.
    #[serde(default)]
    pub function: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightMethod {
    /// The weights written on each node.
    #[default]
    Fixed,
    /// 1/m among the indicators of each group.
    Equal,
    /// 熵权法 on the indicators' scores (after min-max), over the institutions scored on all of them.
    Entropy,
    /// CRITIC on the indicators' scores.
    Critic,
    /// Shares of the indicators' score standard deviations.
    Std,
    /// Analytic hierarchy process from pairwise matrices; CR ≥ 0.10 is refused.
    Ahp,
    /// A rhai function of each indicator's score statistics.
    Formula,
}

impl WeightMethod {
    /// Whether the weights depend on the data being scored.
    pub fn is_data_driven(self) -> bool {
        matches!(
            self,
            WeightMethod::Entropy
                | WeightMethod::Critic
                | WeightMethod::Std
                | WeightMethod::Formula
        )
    }
}

/// How each node of the tree combines its children's scores.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregationSpec {
    #[serde(default)]
    pub mean: Mean,
    /// The total by a decision-matrix method over the weighted indicators instead of the mean of
    /// the dimensions (which are still computed and reported).
    #[serde(default)]
    pub total: Option<TotalMethod>,
}

/// A decision-matrix method forming the total from the weighted indicators' scores.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum TotalMethod {
    /// TOPSIS closeness × 100, vector normalisation of the scores.
    Topsis {
        /// `matrix`: v = w·r (textbook); `distance`: w inside the square root.
        #[serde(default)]
        placement: TopsisPlacement,
        #[serde(default)]
        within: Within,
    },
    /// VIKOR: (1 − Q) × 100, so that higher is better like every other score.
    Vikor {
        /// Weight of group utility S against individual regret R in Q (0–1, default 0.5).
        #[serde(default = "default_vikor_v")]
        v: f64,
        #[serde(default)]
        within: Within,
    },
    /// Weighted rank-sum ratio (WRSR) × 100.
    Wrsr {
        /// `integer` ranks (ties averaged) or `fractional` (1 + (n − 1)·min-max position).
        #[serde(default)]
        ranks: RsrRanks,
        #[serde(default)]
        within: Within,
    },
}

fn default_vikor_v() -> f64 {
    0.5
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TopsisPlacement {
    #[default]
    Matrix,
    Distance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RsrRanks {
    #[default]
    Integer,
    Fractional,
}

/// The weighted mean used up the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mean {
    /// Σ w x / Σ w: fully compensatory (a strength makes up for a weakness).
    #[default]
    Arithmetic,
    /// exp(Σ w ln x / Σ w): partly compensatory; a score of 0 anywhere gives 0.
    Geometric,
    /// Σ w / Σ (w / x): the least compensatory; a score of 0 anywhere gives 0.
    Harmonic,
}

/// 监测比较 indicators are reported, not scored, unless `score: true`; then they enter the weight
/// tree with their own weight, scored by their own method or else by `scoring`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorSpec {
    #[serde(default)]
    pub score: bool,
    #[serde(default = "default_monitor_scoring")]
    pub scoring: Scoring,
}

impl Default for MonitorSpec {
    fn default() -> Self {
        MonitorSpec {
            score: false,
            scoring: default_monitor_scoring(),
        }
    }
}

/// Monitor indicators have no better end: closeness to the peer group's median is what is scored.
fn default_monitor_scoring() -> Scoring {
    Scoring::MedianDistance {
        within: Within::PeerGroup,
    }
}

/// The point-based assessment: per item (考核小项), rules score indicator values against targets,
/// the quality coefficient corrects work points, and the item's budget is shared by corrected points.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsSpec {
    /// Column holding each institution's work points (工分).
    pub work_points: String,
    /// Below this coefficient, corrected points = work points × coefficient.
    pub correction_threshold: f64,
    /// Decimals the coefficient is rounded to (half away from zero) before the comparison.
    pub coefficient_decimals: u32,
    /// Decimals of money (2 = 分); the largest-remainder method makes each item sum to its budget.
    pub money_decimals: u32,
    pub items: Vec<PointsItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsItem {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub budget: f64,
    /// Work-points column of this item; default: the scheme's `points.work_points`.
    #[serde(default)]
    pub work_points: Option<String>,
    pub rules: Vec<PointsRuleSpec>,
}

/// One 考核细则: an indicator's value against a target, worth `points` at full marks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsRuleSpec {
    pub indicator: String,
    pub rule: PointsRuleKind,
    #[serde(default)]
    pub target: Option<f64>,
    pub points: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointsRuleKind {
    /// Y01: full points when the value is non-zero.
    YesFull,
    /// N01: full points when the value is zero or empty.
    NoFull,
    /// egt: full points at or above the target, else points × value / target.
    AtLeast,
    /// elt: full points at or below the target, else points × target / value.
    AtMost,
}

fn default_scripts() -> Vec<String> {
    vec!["indicators.rhai".to_string()]
}

fn default_score_decimals() -> u32 {
    2
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// Column holding the institution id (机构编码); must be unique.
    pub id: String,
    /// Column holding the institution name, shown in the ranking.
    #[serde(default)]
    pub name: Option<String>,
    /// Column holding the peer group (e.g. 综合 / 专科 / 中医).
    #[serde(default)]
    pub peer_group: Option<String>,
    /// Other headers a column may carry in a province's export, by the name the scheme uses:
    /// `出院人数: [出院患者人次数, 出院人次]`. When the data lacks the scheme's name and has exactly
    /// one of its aliases, that column is read under the scheme's name.
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Numeric columns that may hold values below zero (收支结余, 增长额). Every other column the
    /// formulas read is a count or an amount: a negative cell is reported and read as missing.
    #[serde(default)]
    pub may_be_negative: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetSpec {
    pub current: String,
    #[serde(default)]
    pub previous: Option<String>,
}

/// What happens when an indicator score is missing for an institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    /// Weighted mean over the indicators that are present (weights rescaled at each level).
    #[default]
    Renormalise,
    /// A missing indicator scores zero; weights are never rescaled.
    Zero,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissingSpec {
    #[serde(default)]
    pub policy: MissingPolicy,
    /// Minimum share (0–1) of the total effective weight an institution must have data for;
    /// below it the institution is excluded from ranking, with the reason in `flags`.
    /// Imputed values (`impute`, an indicator's `missing`) do not count as data.
    #[serde(default)]
    pub min_coverage: f64,
    /// What a missing value of an indicator without its own `missing:` becomes (default
    /// `renormalise`: it stays missing). See `crate::normalise::impute`.
    #[serde(default)]
    pub impute: Option<Impute>,
}

impl Default for MissingSpec {
    fn default() -> Self {
        MissingSpec {
            policy: MissingPolicy::Renormalise,
            min_coverage: 0.0,
            impute: None,
        }
    }
}

/// How tied scores are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Ties {
    /// Competition ranking 1, 1, 3 (the default, as in sports and R's `ties = "min"`).
    #[default]
    Min,
    /// Dense ranking 1, 1, 2.
    Dense,
    /// Average of the tied positions 1.5, 1.5, 3.
    Average,
    /// Distinct ranks 1, 2, 3; ties broken by institution id.
    Ordinal,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RankingSpec {
    #[serde(default)]
    pub ties: Ties,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionSpec {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub weight: f64,
    #[serde(default)]
    pub subdimensions: Vec<SubdimensionSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubdimensionSpec {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub weight: f64,
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// 逐步提高: higher is better.
    Up,
    /// 逐步降低: lower is better.
    Down,
    /// 监测比较: reported, not scored.
    Monitor,
    /// 中优: best inside `band: [low, high]`; scored on the distance from the band.
    Band,
    /// 逐步完善: a qualitative indicator whose graded level should improve; scored like `up`.
    Improve,
}

/// How a ratio is shown: the stored value is the number X.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum RatioDisplay {
    /// 1:X, e.g. 医护比 1:1.52.
    #[serde(rename = "1:X")]
    OneToX,
    /// X:1, e.g. 门诊人次数与出院人次数比 12.3:1.
    #[serde(rename = "X:1")]
    XToOne,
}

impl RatioDisplay {
    /// The text shown for `x` (two decimals).
    pub fn show(self, x: f64) -> String {
        match self {
            RatioDisplay::OneToX => format!("1:{x:.2}"),
            RatioDisplay::XToOne => format!("{x:.2}:1"),
        }
    }
}

/// Rows a column statistic is taken over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Within {
    #[default]
    All,
    PeerGroup,
}

/// How an indicator value becomes a score (0–100 except `z_score`, `rank`, `index` and uncapped
/// `distance_to_target` / `efficacy`). See `crate::normalise`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Scoring {
    MinMax {
        #[serde(default)]
        within: Within,
    },
    ZScore {
        #[serde(default)]
        within: Within,
        #[serde(default = "default_z_mean")]
        mean: f64,
        #[serde(default = "default_z_sd")]
        sd: f64,
    },
    PercentileRank {
        #[serde(default)]
        within: Within,
    },
    Target {
        target: f64,
    },
    Goalposts {
        zero_at: f64,
        full_at: f64,
    },
    Threshold {
        threshold: f64,
        #[serde(default)]
        otherwise: f64,
    },
    /// 100 at the median, falling linearly to 0 at the value farthest from it (no better end).
    MedianDistance {
        #[serde(default)]
        within: Within,
    },
    Custom {
        function: String,
    },
    /// The competition rank from the worst value (1 = worst; `borda`: rank − 1). Not 0–100.
    Rank {
        #[serde(default)]
        within: Within,
        #[serde(default)]
        borda: bool,
    },
    /// `(x − worst) / (target − worst) × 100`, capped at 100 unless `cap: false`.
    DistanceToTarget {
        target: f64,
        #[serde(default)]
        within: Within,
        #[serde(default = "default_true")]
        cap: bool,
    },
    /// `x / √Σx² × 100` (lower is better: `(1 − x / √Σx²) × 100`).
    Vector {
        #[serde(default)]
        within: Within,
    },
    /// `x / Σx × 100` (lower is better: `(1/x) / Σ(1/x) × 100`).
    Sum {
        #[serde(default)]
        within: Within,
    },
    /// Lower is better `min / x × 100`; higher is better `x / max × 100`.
    Reciprocal {
        #[serde(default)]
        within: Within,
    },
    /// 中优 around a point: `(1 − |x − at| / max |x − at|) × 100`; with direction band, the
    /// distance from the band instead.
    Optimal {
        #[serde(default)]
        at: Option<f64>,
        #[serde(default)]
        within: Within,
    },
    /// 功效系数法: `60 + 40 × (x − unacceptable) / (satisfactory − unacceptable)`.
    Efficacy {
        satisfactory: Reference,
        unacceptable: Reference,
        #[serde(default)]
        within: Within,
        #[serde(default = "default_true")]
        clip: bool,
    },
    /// 综合指数: `x / standard × 100` (lower is better `standard / x × 100`). Not bounded.
    Index {
        standard: Reference,
        #[serde(default)]
        within: Within,
    },
}

fn default_true() -> bool {
    true
}

/// A value a scoring method compares with: a number, or a statistic of the indicator's values
/// (`min`, `max`, `mean`, `median`), taken over all institutions or within the peer group as the
/// method's `within` says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reference {
    Value(f64),
    Min,
    Max,
    Mean,
    Median,
}

impl Reference {
    /// The number, when the reference is one.
    pub fn value(self) -> Option<f64> {
        match self {
            Reference::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Reference;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or one of min, max, mean, median")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Reference, E> {
                Ok(Reference::Value(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Reference, E> {
                Ok(Reference::Value(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Reference, E> {
                Ok(Reference::Value(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Reference, E> {
                match v {
                    "min" => Ok(Reference::Min),
                    "max" => Ok(Reference::Max),
                    "mean" => Ok(Reference::Mean),
                    "median" => Ok(Reference::Median),
                    other => Err(E::invalid_value(serde::de::Unexpected::Str(other), &self)),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Outlier treatment of an indicator's values before scoring (`treat:`). See
/// `crate::normalise::winsorise` and `crate::normalise::clip_quantiles`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Treat {
    /// COINr's rule: while |skew| ≥ `skew` and kurtosis ≥ `kurtosis`, set the extreme value on
    /// the side of the skew to the next one, until `max_points` values have been changed.
    #[serde(alias = "winsorize")]
    Winsorise {
        #[serde(default)]
        within: Within,
        #[serde(default = "default_max_points")]
        max_points: u32,
        #[serde(default = "default_skew")]
        skew: f64,
        #[serde(default = "default_kurtosis")]
        kurtosis: f64,
        /// Log-transform (COINr's `log_CT`) the original values of a group winsorising could not
        /// fix; otherwise such a group is only reported.
        #[serde(default)]
        log: bool,
    },
    /// Values below the `low` quantile are set to it, above the `high` quantile likewise.
    ClipQuantiles {
        #[serde(default)]
        within: Within,
        #[serde(default = "default_low_quantile")]
        low: f64,
        #[serde(default = "default_high_quantile")]
        high: f64,
    },
}

fn default_max_points() -> u32 {
    5
}
fn default_skew() -> f64 {
    2.0
}
fn default_kurtosis() -> f64 {
    3.5
}
fn default_low_quantile() -> f64 {
    0.01
}
fn default_high_quantile() -> f64 {
    0.99
}

/// What a missing value of an indicator becomes (`missing:` on the indicator, or
/// `missing.impute` for the scheme). See `crate::normalise::impute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Impute {
    /// It stays missing; the scheme's `missing.policy` decides (by default the weights of the
    /// indicators present are renormalised).
    #[default]
    Renormalise,
    /// The score is 0.
    Zero,
    /// The value is the median of the values present (in the peer group by default).
    Median {
        #[serde(default = "default_impute_within")]
        within: Within,
    },
    /// The value is the mean of the values present (in the peer group by default).
    Mean {
        #[serde(default = "default_impute_within")]
        within: Within,
    },
}

fn default_impute_within() -> Within {
    Within::PeerGroup
}

fn default_z_mean() -> f64 {
    50.0
}
fn default_z_sd() -> f64 {
    10.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    pub id: String,
    pub name: String,
    pub dimension: String,
    #[serde(default)]
    pub subdimension: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    pub direction: Direction,
    #[serde(default)]
    pub band: Option<[f64; 2]>,
    #[serde(default)]
    pub weight: Option<f64>,
    #[serde(default)]
    pub scoring: Option<Scoring>,
    /// Outlier treatment of the values before scoring.
    #[serde(default)]
    pub treat: Option<Treat>,
    /// What a missing value becomes; default the scheme's `missing.impute`.
    #[serde(default)]
    pub missing: Option<Impute>,
    /// Name of the rhai binding holding the formula; defaults to the indicator id.
    #[serde(default)]
    pub formula: Option<String>,
    /// ▲: a national monitoring indicator (国家监测指标).
    #[serde(default)]
    pub national_monitoring: bool,
    /// Show the value as a ratio "1:X" or "X:1" in an extra `{id}.display` column.
    #[serde(default)]
    pub display: Option<RatioDisplay>,
    /// Sub-indicators whose scores roll up into this one; it then has no formula of its own.
    #[serde(default)]
    pub parts: Vec<PartSpec>,
    /// The parts, resolved into indicators (dimension, direction, unit, scoring, treat, missing inherited).
    #[serde(skip)]
    pub children: Vec<IndicatorSpec>,
    /// The indicator this one is a part of.
    #[serde(skip)]
    pub parent: Option<String>,
}

/// A sub-indicator, as written under `parts:`; it inherits what it does not say from its parent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartSpec {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(default)]
    pub band: Option<[f64; 2]>,
    /// Weight among the parent's parts; parts weigh equally (1) unless weighted.
    #[serde(default)]
    pub weight: Option<f64>,
    #[serde(default)]
    pub scoring: Option<Scoring>,
    #[serde(default)]
    pub treat: Option<Treat>,
    #[serde(default)]
    pub missing: Option<Impute>,
    #[serde(default)]
    pub formula: Option<String>,
    #[serde(default)]
    pub display: Option<RatioDisplay>,
    #[serde(default)]
    pub parts: Vec<PartSpec>,
}

impl PartSpec {
    /// This part as an indicator under `parent`.
    fn resolve(&self, parent: &IndicatorSpec) -> IndicatorSpec {
        let direction = self.direction.unwrap_or(parent.direction);
        let mut resolved = IndicatorSpec {
            id: self.id.clone(),
            name: self.name.clone(),
            dimension: parent.dimension.clone(),
            subdimension: parent.subdimension.clone(),
            unit: self.unit.clone().or_else(|| parent.unit.clone()),
            direction,
            band: self.band.or(if direction == Direction::Band {
                parent.band
            } else {
                None
            }),
            weight: Some(self.weight.unwrap_or(1.0)),
            scoring: self.scoring.clone().or_else(|| parent.scoring.clone()),
            treat: self.treat.clone().or_else(|| parent.treat.clone()),
            missing: self.missing.or(parent.missing),
            formula: self.formula.clone(),
            national_monitoring: parent.national_monitoring,
            display: self.display,
            parts: Vec::new(),
            children: Vec::new(),
            parent: Some(parent.id.clone()),
        };
        resolved.children = self.parts.iter().map(|p| p.resolve(&resolved)).collect();
        resolved
    }
}

impl IndicatorSpec {
    pub fn formula_name(&self) -> &str {
        self.formula.as_deref().unwrap_or(&self.id)
    }
    /// Whether this indicator is a bundle of parts (and has no formula of its own).
    pub fn is_composite(&self) -> bool {
        !self.children.is_empty()
    }
    /// This indicator and every part below it, parents before their parts.
    pub fn walk(&self) -> Vec<&IndicatorSpec> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.walk());
        }
        out
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VetoSpec {
    /// Rhai binding holding a true/false formula: true vetoes the institution.
    pub when: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentSpec {
    /// Cap on the sum of all rules' points.
    #[serde(default)]
    pub cap: Option<f64>,
    #[serde(default)]
    pub rules: Vec<AdjustmentRule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentRule {
    /// Rhai binding holding the points formula (non-negative; negative points count as zero).
    pub points: String,
    pub reason: String,
    /// Cap on this rule's points.
    #[serde(default)]
    pub cap: Option<f64>,
}

/// How grades are given; each method is a file of `crate::grade`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradeBy {
    /// Bands by minimum score.
    Score,
    /// Bands by cumulative share of the ranking (e.g. top 10% = A).
    RankShare,
    /// Bands by cut-points mean + k·SD of the scores (`above_sd: k`).
    MeanSd,
    /// One band per cluster of a 1-D k-means of the scores (k = number of bands).
    Kmeans,
    /// Bands by Probit cut-points of the scores' distribution (RSR 分档).
    RsrProbit,
}

/// With `by: kmeans`: how the clusters are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KmeansAlgorithm {
    /// The optimal clustering (dynamic programming over the sorted scores).
    #[default]
    Exact,
    /// R's `kmeans` (Hartigan–Wong) seeded at the medians of the quantile groups, run twice, as
    /// the CMS star rating does.
    HartiganWong,
}

/// With `by: rank_share`: how a band's share `top × n` becomes a number of places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareRounding {
    /// `rank ≤ top × n` (a lone institution gets the last band).
    #[default]
    Floor,
    /// `rank ≤ ⌈top × n⌉` (every band with a share reaches at least the first place).
    Ceil,
    /// `rank ≤ top × n` rounded half up.
    Nearest,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeSpec {
    pub by: GradeBy,
    #[serde(default)]
    pub within: Within,
    /// Only with `by: kmeans`; default `exact`.
    #[serde(default)]
    pub algorithm: Option<KmeansAlgorithm>,
    /// Only with `by: rank_share`; default `floor`.
    #[serde(default)]
    pub rounding: Option<ShareRounding>,
    pub bands: Vec<GradeBand>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    pub grade: String,
    /// With `by: score`: the minimum score of the band.
    #[serde(default)]
    pub min: Option<f64>,
    /// With `by: rank_share`: the cumulative share of the ranking the band reaches down to.
    #[serde(default)]
    pub top: Option<f64>,
    /// With `by: mean_sd`: the band holds scores ≥ mean + above_sd × SD.
    #[serde(default)]
    pub above_sd: Option<f64>,
}

impl Scheme {
    /// Reads and checks `DIR/scheme.yaml`.
    pub fn load(dir: &Path) -> Result<Scheme> {
        let yaml_path = dir.join("scheme.yaml");
        if !yaml_path.is_file() {
            return Err(Error::SchemeNotFound {
                path: dir.to_path_buf(),
            });
        }
        let yaml_text = std::fs::read_to_string(&yaml_path).map_err(|source| Error::Io {
            path: yaml_path.clone(),
            source,
        })?;
        Self::from_text(dir, &yaml_path, yaml_text)
    }

    /// Parses and checks scheme text as if read from `yaml_path`.
    pub fn from_text(dir: &Path, yaml_path: &Path, yaml_text: String) -> Result<Scheme> {
        let mut spec: SchemeSpec = serde_yaml::from_str(&yaml_text)
            .map_err(|error| yaml_error(yaml_path, &yaml_text, &error))?;
        for indicator in &mut spec.indicators {
            indicator.children = indicator
                .parts
                .iter()
                .map(|p| p.resolve(indicator))
                .collect();
        }
        let mut scheme = Scheme {
            dir: dir.to_path_buf(),
            yaml_path: yaml_path.to_path_buf(),
            yaml_text,
            spec,
            warnings: Vec::new(),
        };
        scheme.validate()?;
        Ok(scheme)
    }

    /// The scoring method of an indicator: its own (or its parent's), else for a monitor
    /// indicator `monitor.scoring`, else the scheme default, else percentile rank.
    pub fn scoring_of(&self, indicator: &IndicatorSpec) -> Scoring {
        if let Some(own) = &indicator.scoring {
            return own.clone();
        }
        if indicator.direction == Direction::Monitor {
            return self.spec.monitor.scoring.clone();
        }
        self.spec
            .default_scoring
            .clone()
            .unwrap_or(Scoring::PercentileRank {
                within: Within::All,
            })
    }

    /// What a missing value of an indicator becomes: its own (or its parent's) `missing`, else
    /// the scheme's `missing.impute`, else `renormalise` (it stays missing).
    pub fn impute_of(&self, indicator: &IndicatorSpec) -> Impute {
        indicator
            .missing
            .or(self.spec.missing.impute)
            .unwrap_or_default()
    }

    /// Every indicator and part, parents before their parts, in scheme order.
    pub fn all_indicators(&self) -> Vec<&IndicatorSpec> {
        self.spec.indicators.iter().flat_map(|i| i.walk()).collect()
    }

    /// The indicators and parts that have a formula (everything but bundles of parts).
    pub fn leaves(&self) -> Vec<&IndicatorSpec> {
        self.all_indicators()
            .into_iter()
            .filter(|i| !i.is_composite())
            .collect()
    }

    /// The indicator or part with this id.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorSpec> {
        self.all_indicators().into_iter().find(|i| i.id == id)
    }

    /// Whether an indicator would get a score with monitor scoring on: what a positive weight of
    /// its sub-dimension or dimension needs, so the switch can be turned on without other edits.
    pub fn is_scorable(&self, indicator: &IndicatorSpec) -> bool {
        if indicator.is_composite() {
            indicator
                .children
                .iter()
                .any(|c| self.is_scorable(c) && c.weight.unwrap_or(0.0) > 0.0)
        } else {
            true
        }
    }

    /// Whether an indicator gets a score: not a monitor one (unless `monitor.score` is on); a
    /// bundle when one of its parts is scored and weighted.
    pub fn is_scored(&self, indicator: &IndicatorSpec) -> bool {
        if indicator.is_composite() {
            indicator
                .children
                .iter()
                .any(|c| self.is_scored(c) && c.weight.unwrap_or(0.0) > 0.0)
        } else {
            indicator.direction != Direction::Monitor || self.spec.monitor.score
        }
    }

    /// Points at `needle` in scheme.yaml, searching after the line holding `anchor`.
    pub fn span(&self, needle: &str, anchor: Option<&str>) -> Option<SourceSpan> {
        SourceSpan::find_after(&self.yaml_path, &self.yaml_text, needle, anchor)
            .or_else(|| SourceSpan::find(&self.yaml_path, &self.yaml_text, needle))
    }

    fn indicator_anchor(id: &str) -> String {
        format!("id: {id}")
    }

    fn validate(&mut self) -> Result<()> {
        let mut errors = Vec::new();
        let spec = &self.spec;

        // Ids must be unique across the whole tree: they name output columns.
        let mut seen = BTreeSet::new();
        let all_ids = spec
            .dimensions
            .iter()
            .flat_map(|d| std::iter::once(&d.id).chain(d.subdimensions.iter().map(|s| &s.id)))
            .chain(self.all_indicators().into_iter().map(|i| &i.id));
        for id in all_ids {
            if !seen.insert(id.as_str()) {
                errors.push(Error::invalid(
                    format!("id \"{id}\" is used twice; dimension, sub-dimension and indicator ids name output columns and must be unique"),
                    self.span(&format!("id: {id}"), Some(&format!("id: {id}\n"))),
                ));
            }
        }
        if spec.indicators.is_empty() {
            errors.push(Error::invalid("the scheme has no indicators", None));
        }

        // An alias stands for one column: never for two, never for a name the scheme uses itself.
        let mut alias_of: BTreeMap<&str, &str> = BTreeMap::new();
        for (column, aliases) in &spec.columns.aliases {
            for alias in aliases {
                let anchor = Some("aliases:");
                if alias == column || spec.columns.aliases.contains_key(alias) {
                    errors.push(Error::invalid(
                        format!("\"{alias}\" is listed as an alias of \"{column}\", but the scheme uses it as a column name itself"),
                        self.span(alias, anchor),
                    ));
                } else if let Some(first) = alias_of.insert(alias, column) {
                    errors.push(Error::invalid(
                        format!("\"{alias}\" is listed as an alias of both \"{first}\" and \"{column}\"; an alias must stand for one column"),
                        self.span(alias, anchor),
                    ));
                }
            }
        }

        let dims: BTreeMap<&str, &DimensionSpec> =
            spec.dimensions.iter().map(|d| (d.id.as_str(), d)).collect();
        for dim in &spec.dimensions {
            check_weight(
                self,
                &mut errors,
                &dim.id,
                dim.weight,
                &format!("dimension \"{}\"", dim.id),
            );
            for sub in &dim.subdimensions {
                check_weight(
                    self,
                    &mut errors,
                    &sub.id,
                    sub.weight,
                    &format!("sub-dimension \"{}\"", sub.id),
                );
            }
        }

        for ind in &spec.indicators {
            let anchor_text = Self::indicator_anchor(&ind.id);
            let anchor = Some(anchor_text.as_str());
            match dims.get(ind.dimension.as_str()) {
                None => errors.push(
                    Error::invalid(
                        format!("indicator {} names dimension \"{}\", which is not declared", ind.id, ind.dimension),
                        self.span(&format!("dimension: {}", ind.dimension), anchor),
                    )
                    .with_help(suggest_among(&ind.dimension, dims.keys().copied(), "dimensions")),
                ),
                Some(dim) => match (&ind.subdimension, dim.subdimensions.is_empty()) {
                    (None, false) => errors.push(
                        Error::invalid(
                            format!("indicator {} must name a subdimension: dimension \"{}\" is split into sub-dimensions", ind.id, dim.id),
                            self.span(&anchor_text, None),
                        )
                        .with_help(suggest_among("", dim.subdimensions.iter().map(|s| s.id.as_str()), "sub-dimensions")),
                    ),
                    (Some(sub), _) if !dim.subdimensions.iter().any(|s| &s.id == sub) => errors.push(
                        Error::invalid(
                            format!("indicator {} names sub-dimension \"{sub}\", which dimension \"{}\" does not declare", ind.id, dim.id),
                            self.span(&format!("subdimension: {sub}"), anchor),
                        )
                        .with_help(suggest_among(sub, dim.subdimensions.iter().map(|s| s.id.as_str()), "sub-dimensions")),
                    ),
                    _ => {}
                },
            }

            let scored = self.is_scored(ind);
            match (scored, ind.weight) {
                (true, None) => errors.push(
                    Error::invalid(
                        format!("indicator {} has no weight", ind.id),
                        self.span(&anchor_text, None),
                    )
                    .with_help(if ind.direction == Direction::Monitor {
                        "monitor.score is on, so 监测比较 indicators are scored and need `weight: N` too"
                    } else {
                        "add `weight: N`; weights are relative within their sub-dimension"
                    }),
                ),
                (_, Some(w)) => check_weight(self, &mut errors, &ind.id, w, &format!("indicator {}", ind.id)),
                (false, None) => {}
            }
        }

        for ind in self.all_indicators() {
            let anchor_text = Self::indicator_anchor(&ind.id);
            let anchor = Some(anchor_text.as_str());
            if ind.parent.is_some() {
                if let Some(w) = ind.weight {
                    check_weight(self, &mut errors, &ind.id, w, &format!("part {}", ind.id));
                }
            }
            if ind.is_composite() && ind.formula.is_some() {
                errors.push(
                    Error::invalid(
                        format!("indicator {} has parts, so it has no formula of its own: its score is the weighted mean of its parts' scores", ind.id),
                        self.span("formula:", anchor),
                    )
                    .with_help("remove `formula`, or give each part its formula"),
                );
            }
            match (ind.direction, ind.band) {
                (Direction::Band, None) => errors.push(Error::invalid(
                    format!(
                        "indicator {} has direction band but no `band: [low, high]`",
                        ind.id
                    ),
                    self.span("direction: band", anchor),
                )),
                (Direction::Band, Some([lo, hi]))
                    if !(lo.is_finite() && hi.is_finite() && lo <= hi) =>
                {
                    errors.push(Error::invalid(
                        format!(
                            "band of indicator {} must be [low, high] with low <= high",
                            ind.id
                        ),
                        self.span("band:", anchor),
                    ))
                }
                (Direction::Band, Some(_)) | (_, None) => {}
                (_, Some(_)) => errors.push(
                    Error::invalid(
                        format!(
                            "indicator {} has a band but its direction is not band",
                            ind.id
                        ),
                        self.span("band:", anchor),
                    )
                    .with_help("use `direction: band` for an optimal range (中优)"),
                ),
            }
            // Checked whether or not monitor scoring is on, so switching it on never breaks a scheme.
            if ind.is_composite() {
                continue;
            }
            if let Err(message) = check_scoring(&self.scoring_of(ind), ind.direction) {
                errors.push(Error::invalid(
                    format!("indicator {}: {message}", ind.id),
                    self.span("scoring:", anchor)
                        .or_else(|| self.span("default_scoring:", None))
                        .or_else(|| self.span("monitor:", None)),
                ));
            }
            if let Some(treat) = &ind.treat {
                if let Err(message) = check_treat(treat, &self.scoring_of(ind), ind.direction) {
                    errors.push(Error::invalid(
                        format!("indicator {}: treat: {message}", ind.id),
                        self.span("treat:", anchor),
                    ));
                }
            }
            if spec.missing.policy == MissingPolicy::Zero
                && ind.missing == Some(Impute::Renormalise)
            {
                errors.push(
                    Error::invalid(
                        format!("indicator {}: missing values cannot be renormalised away when missing.policy is zero", ind.id),
                        self.span("missing:", anchor),
                    )
                    .with_help("use `missing: {method: zero}` (what policy zero does anyway), or missing.policy: renormalise"),
                );
            }
        }

        // Every declared node needs something to score, or its weight cannot be used.
        for dim in &spec.dimensions {
            let scored = |sub: Option<&str>| {
                spec.indicators.iter().any(|i| {
                    self.is_scorable(i)
                        && i.dimension == dim.id
                        && (sub.is_none() || i.subdimension.as_deref() == sub)
                        && i.weight.unwrap_or(0.0) > 0.0
                })
            };
            // With sub-dimensions, only those with a positive weight carry the dimension's weight.
            let carried = if dim.subdimensions.is_empty() {
                scored(None)
            } else {
                dim.subdimensions
                    .iter()
                    .any(|sub| sub.weight > 0.0 && scored(Some(&sub.id)))
            };
            if dim.weight > 0.0 && !carried {
                errors.push(
                    Error::invalid(
                        format!("weight of dimension \"{}\" cannot be used: it has no scored indicator with a positive weight", dim.id),
                        self.span(&format!("id: {}", dim.id), None),
                    )
                    .with_help("give it a weighted indicator, or set its weight to 0 if it only holds monitor indicators"),
                );
                continue;
            }
            for sub in &dim.subdimensions {
                if sub.weight > 0.0 && !scored(Some(&sub.id)) {
                    errors.push(Error::invalid(
                        format!("weight of sub-dimension \"{}\" cannot be used: it has no scored indicator with a positive weight", sub.id),
                        self.span(&format!("id: {}", sub.id), None),
                    ));
                }
            }
        }
        if spec.dimensions.iter().all(|d| d.weight <= 0.0) && !spec.dimensions.is_empty() {
            errors.push(Error::invalid(
                "all dimension weights are zero: nothing can be scored",
                self.span("dimensions:", None),
            ));
        }
        let total: f64 = spec.dimensions.iter().map(|d| d.weight).sum();
        if total > 0.0 && (total - 100.0).abs() > 1e-9 && (total - 1.0).abs() > 1e-9 {
            self.warnings.push(format!(
                "dimension weights add up to {total}, not 100 or 1; they are used as relative weights"
            ));
        }

        if spec.missing.policy == MissingPolicy::Zero
            && spec.missing.impute == Some(Impute::Renormalise)
        {
            errors.push(Error::invalid(
                "missing.impute cannot be renormalise when missing.policy is zero",
                self.span("impute:", None),
            ));
        }
        if !(0.0..=1.0).contains(&spec.missing.min_coverage) {
            errors.push(Error::invalid(
                format!(
                    "missing.min_coverage must be between 0 and 1, not {}",
                    spec.missing.min_coverage
                ),
                self.span("min_coverage:", None),
            ));
        }
        for rule in spec.bonus.rules.iter().chain(&spec.deduction.rules) {
            if rule.cap.is_some_and(|c| c.is_nan() || c < 0.0) {
                errors.push(Error::invalid(
                    format!("cap of \"{}\" must be a non-negative number", rule.points),
                    self.span("cap:", Some(&rule.points)),
                ));
            }
        }
        let weighting = &spec.weighting;
        let weighting_key = |key: &str, method: WeightMethod, given: bool| {
            (given != (weighting.method == method)).then(|| {
                Error::invalid(
                    if given {
                        format!(
                            "weighting.{key} is used only with method {method:?}, not {:?}",
                            weighting.method
                        )
                    } else {
                        format!("weighting.method {method:?} needs `{key}`")
                    }
                    .to_lowercase(),
                    self.span("weighting:", None),
                )
            })
        };
        errors.extend(weighting_key(
            "function",
            WeightMethod::Formula,
            weighting.function.is_some(),
        ));
        errors.extend(weighting_key(
            "matrices",
            WeightMethod::Ahp,
            !weighting.matrices.is_empty(),
        ));
        if weighting.ahp_method.is_some() && weighting.method != WeightMethod::Ahp {
            errors.push(Error::invalid(
                "weighting.ahp_method is used only with method ahp",
                self.span("ahp_method:", Some("weighting:")),
            ));
        }
        if let Some(TotalMethod::Vikor { v, .. }) = spec.aggregation.total {
            if !(0.0..=1.0).contains(&v) {
                errors.push(Error::invalid(
                    format!("aggregation.total: VIKOR's v must be between 0 and 1, not {v}"),
                    self.span("v:", Some("aggregation:")),
                ));
            }
        }
        if let Some(points) = &spec.points {
            self.check_points(points, &mut errors);
        }
        if let Some(grades) = &spec.grades {
            if let Err(message) = check_grades(grades) {
                errors.push(Error::invalid(
                    format!("grades: {message}"),
                    self.span("grades:", None),
                ));
            }
        }

        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.pop().unwrap()),
            _ => Err(Error::Many(errors)),
        }
    }
}

impl Scheme {
    /// Checks the point-based assessment: items, budgets, rules naming indicators with values.
    fn check_points(&self, points: &PointsSpec, errors: &mut Vec<Error>) {
        let invalid = |message: String, needle: &str, anchor: Option<&str>| {
            Error::invalid(
                format!("points: {message}"),
                self.span(needle, anchor.or(Some("points:"))),
            )
        };
        if !(points.correction_threshold > 0.0 && points.correction_threshold <= 1.0) {
            errors.push(invalid(
                format!(
                    "correction_threshold must be a coefficient in (0, 1], not {}",
                    points.correction_threshold
                ),
                "correction_threshold:",
                None,
            ));
        }
        if points.coefficient_decimals > 9 || points.money_decimals > 4 {
            errors.push(invalid(
                "coefficient_decimals must be at most 9 and money_decimals at most 4".into(),
                "decimals:",
                None,
            ));
        }
        if points.items.is_empty() {
            errors.push(invalid("no items".into(), "items:", None));
        }
        let leaves: Vec<&str> = self.leaves().iter().map(|i| i.id.as_str()).collect();
        let mut seen = BTreeSet::new();
        for item in &points.items {
            let anchor = format!("id: {}", item.id);
            if !seen.insert(item.id.as_str()) {
                errors.push(invalid(
                    format!("item id \"{}\" is used twice", item.id),
                    &anchor,
                    None,
                ));
            }
            if !(item.budget.is_finite() && item.budget >= 0.0) {
                errors.push(invalid(
                    format!(
                        "budget of item {} must be a non-negative amount, not {}",
                        item.id, item.budget
                    ),
                    "budget:",
                    Some(&anchor),
                ));
            }
            if item.rules.is_empty() {
                errors.push(invalid(
                    format!("item {} has no rules", item.id),
                    &anchor,
                    None,
                ));
            }
            for rule in &item.rules {
                let here = format!("indicator: {}", rule.indicator);
                if !leaves.contains(&rule.indicator.as_str()) {
                    errors.push(
                        Error::invalid(
                            format!(
                                "points: a rule of item {} names indicator \"{}\", which has no value column",
                                item.id, rule.indicator
                            ),
                            self.span(&here, Some(&anchor)),
                        )
                        .with_help(
                            match crate::error::closest(&rule.indicator, leaves.iter().copied()) {
                                Some(best) => format!("did you mean \"{best}\"? rules read indicators and parts that have a formula"),
                                None => "rules read indicators and parts that have a formula".into(),
                            },
                        ),
                    );
                    continue;
                }
                if !(rule.points.is_finite() && rule.points > 0.0) {
                    errors.push(Error::invalid(
                        format!(
                            "points: the rule on {} must be worth a positive number of points",
                            rule.indicator
                        ),
                        self.span(&here, Some(&anchor)),
                    ));
                }
                let needs_target =
                    matches!(rule.rule, PointsRuleKind::AtLeast | PointsRuleKind::AtMost);
                match (needs_target, rule.target) {
                    (true, None) => errors.push(Error::invalid(
                        format!(
                            "points: the rule on {} compares with a target but has no `target`",
                            rule.indicator
                        ),
                        self.span(&here, Some(&anchor)),
                    )),
                    (true, Some(t)) if !(t.is_finite() && t > 0.0) => errors.push(Error::invalid(
                        format!(
                            "points: the target of the rule on {} must be positive, not {t}",
                            rule.indicator
                        ),
                        self.span(&here, Some(&anchor)),
                    )),
                    (false, Some(_)) => errors.push(
                        Error::invalid(
                            format!(
                                "points: the rule on {} is yes/no and takes no `target`",
                                rule.indicator
                            ),
                            self.span(&here, Some(&anchor)),
                        )
                        .with_help("use rule: at_least or at_most to compare with a target"),
                    ),
                    _ => {}
                }
            }
        }
    }
}

fn check_weight(scheme: &Scheme, errors: &mut Vec<Error>, id: &str, weight: f64, what: &str) {
    if !weight.is_finite() || weight < 0.0 {
        errors.push(Error::invalid(
            format!("weight of {what} cannot be used: {weight} is not a non-negative number"),
            scheme.span("weight:", Some(&format!("id: {id}"))),
        ));
    }
}

fn suggest_among<'a>(name: &str, options: impl Iterator<Item = &'a str>, what: &str) -> String {
    let options: Vec<&str> = options.collect();
    match crate::error::closest(name, options.iter().copied()) {
        Some(best) if !name.is_empty() => format!(
            "did you mean \"{best}\"? declared {what}: {}",
            options.join(", ")
        ),
        _ => format!("declared {what}: {}", options.join(", ")),
    }
}

/// Which scoring methods make sense for which direction.
pub(crate) fn check_scoring(scoring: &Scoring, direction: Direction) -> Result<(), String> {
    // Goalposts and efficacy values name their own good end, optimal its best point, the median
    // distance and custom functions need none.
    let needs_better_end = match scoring {
        Scoring::MedianDistance { .. }
        | Scoring::Goalposts { .. }
        | Scoring::Custom { .. }
        | Scoring::Optimal { .. } => false,
        Scoring::Efficacy {
            satisfactory,
            unacceptable,
            ..
        } => satisfactory.value().is_none() || unacceptable.value().is_none(),
        _ => true,
    };
    if direction == Direction::Monitor && needs_better_end {
        return Err("a 监测比较 (monitor) indicator has no better end: score it with median_distance, optimal, goalposts, efficacy between two numbers or a custom function, or give it a direction".into());
    }
    let in_value_units = matches!(
        scoring,
        Scoring::DistanceToTarget { .. } | Scoring::Efficacy { .. } | Scoring::Index { .. }
    );
    if direction == Direction::Band && in_value_units {
        return Err("this method compares values with a target or standard and needs direction up or down, not band (score 中优 with min_max or optimal)".into());
    }
    match scoring {
        Scoring::DistanceToTarget { target, .. } if !target.is_finite() => {
            return Err(format!("target must be a finite number, not {target}"));
        }
        Scoring::Optimal { at, .. } => match (direction, at) {
            (Direction::Band, Some(_)) => {
                return Err("optimal with direction band scores the distance from the band: remove `at`, or use direction monitor with `at`".into())
            }
            (Direction::Monitor, None) => {
                return Err("optimal needs the best value `at: M` (or direction band with a band)".into())
            }
            (Direction::Up | Direction::Down | Direction::Improve, _) => {
                return Err("optimal scores closeness to a best value, so the indicator has no better end: give it direction monitor (with `at: M`) or band".into())
            }
            (_, Some(at)) if !at.is_finite() => {
                return Err(format!("optimal `at` must be a finite number, not {at}"))
            }
            _ => {}
        },
        Scoring::Efficacy {
            satisfactory,
            unacceptable,
            ..
        } => {
            if satisfactory == unacceptable {
                return Err("efficacy needs different satisfactory and unacceptable values".into());
            }
            if let (Some(good), Some(bad)) = (satisfactory.value(), unacceptable.value()) {
                if !good.is_finite() || !bad.is_finite() {
                    return Err("efficacy values must be finite numbers".into());
                }
                match direction {
                    Direction::Up | Direction::Improve if good < bad => {
                        return Err(format!("direction is up but satisfactory ({good}) is below unacceptable ({bad})"))
                    }
                    Direction::Down if good > bad => {
                        return Err(format!("direction is down but satisfactory ({good}) is above unacceptable ({bad})"))
                    }
                    _ => {}
                }
            }
            let wrong_way = match direction {
                Direction::Up | Direction::Improve => {
                    *satisfactory == Reference::Min || *unacceptable == Reference::Max
                }
                Direction::Down => *satisfactory == Reference::Max || *unacceptable == Reference::Min,
                _ => false,
            };
            if wrong_way {
                return Err("satisfactory must be the better end for the indicator's direction (up: satisfactory max, unacceptable min; down: the reverse)".into());
            }
        }
        Scoring::Index { standard, .. } => {
            if let Some(v) = standard.value() {
                if !(v > 0.0 && v.is_finite()) {
                    return Err(format!("the index standard must be a positive number, not {v}"));
                }
            }
        }
        _ => {}
    }
    match scoring {
        Scoring::Target { target } => {
            if direction == Direction::Band {
                return Err("target attainment needs direction up or down, not band".into());
            }
            if !(*target > 0.0 && target.is_finite()) {
                return Err(format!("target must be a positive number, not {target}"));
            }
        }
        Scoring::Goalposts { zero_at, full_at } => {
            if zero_at == full_at || !zero_at.is_finite() || !full_at.is_finite() {
                return Err(
                    "goalposts need two different finite values zero_at and full_at".into(),
                );
            }
            match direction {
                Direction::Up | Direction::Improve if full_at < zero_at => {
                    return Err(format!(
                        "direction is up but full_at ({full_at}) is below zero_at ({zero_at})"
                    ))
                }
                Direction::Down if full_at > zero_at => {
                    return Err(format!(
                        "direction is down but full_at ({full_at}) is above zero_at ({zero_at})"
                    ))
                }
                Direction::Band => {
                    return Err("goalposts need direction up or down, not band".into())
                }
                _ => {}
            }
        }
        Scoring::Threshold {
            threshold,
            otherwise,
        } => {
            if direction == Direction::Band {
                return Err("threshold scoring needs direction up or down, not band".into());
            }
            if !threshold.is_finite() || !(0.0..=100.0).contains(otherwise) {
                return Err(
                    "threshold must be finite and `otherwise` a score between 0 and 100".into(),
                );
            }
        }
        Scoring::ZScore { sd, .. } if sd.is_nan() || *sd <= 0.0 => {
            return Err(format!("z_score sd must be positive, not {sd}"));
        }
        _ => {}
    }
    Ok(())
}

/// Whether an outlier treatment's parameters make sense, and with the indicator's method.
fn check_treat(treat: &Treat, scoring: &Scoring, direction: Direction) -> Result<(), String> {
    match *treat {
        Treat::Winsorise {
            max_points,
            skew,
            kurtosis,
            log,
            ..
        } => {
            if max_points == 0 {
                return Err("max_points must be at least 1".into());
            }
            if !(skew > 0.0 && skew.is_finite() && kurtosis.is_finite()) {
                return Err("skew must be a positive number and kurtosis a finite one".into());
            }
            // A log scale would make fixed targets, goalposts and standards meaningless.
            let fixed_values = matches!(
                scoring,
                Scoring::Target { .. }
                    | Scoring::Goalposts { .. }
                    | Scoring::Threshold { .. }
                    | Scoring::DistanceToTarget { .. }
                    | Scoring::Optimal { at: Some(_), .. }
            ) || matches!(scoring, Scoring::Efficacy { satisfactory, unacceptable, .. }
                if satisfactory.value().is_some() || unacceptable.value().is_some())
                || matches!(
                    scoring,
                    Scoring::Index {
                        standard: Reference::Value(_),
                        ..
                    }
                );
            if log && (fixed_values || direction == Direction::Band) {
                return Err("log: true puts values on a log scale, where the method's fixed values (target, goalposts, band …) no longer apply; score with a relative method (min_max, percentile_rank, z_score …) or drop `log`".into());
            }
        }
        Treat::ClipQuantiles { low, high, .. } => {
            if !(0.0 <= low && low < high && high <= 1.0) {
                return Err(format!(
                    "clip_quantiles needs 0 <= low < high <= 1, not low {low}, high {high}"
                ));
            }
        }
    }
    Ok(())
}

fn check_grades(grades: &GradeSpec) -> Result<(), String> {
    crate::grade::check(grades)
}

fn yaml_error(path: &Path, text: &str, error: &serde_yaml::Error) -> Error {
    let span = error
        .location()
        .map(|loc| SourceSpan::in_text(path, text, loc.line(), loc.column(), 1));
    // serde_yaml appends " at line L column C"; the span says it better.
    let mut message = error.to_string();
    if let Some(cut) = message.find(" at line ") {
        message.truncate(cut);
    }
    Error::SchemeSyntax {
        file: path.to_path_buf(),
        help: unknown_field_hint(&message),
        message,
        span,
    }
}

/// For serde's "unknown field `x`, expected one of `a`, `b`": the closest expected field.
fn unknown_field_hint(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    crate::error::closest(field, expected.iter().copied())
        .map(|best| format!("did you mean `{best}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "\
name: 测试方案
version: '1'
columns: {id: 机构编码}
dimensions:
  - id: 医疗质量
    weight: 100
indicators:
  - id: T4
    name: 出院患者手术占比
    dimension: 医疗质量
    direction: up
    weight: 1
";

    fn parse(text: &str) -> Result<Scheme> {
        Scheme::from_text(Path::new("s"), Path::new("s/scheme.yaml"), text.to_string())
    }

    #[test]
    fn minimal_scheme_parses_with_defaults() {
        let scheme = parse(MINIMAL).unwrap();
        assert_eq!(scheme.spec.scripts, vec!["indicators.rhai"]);
        assert_eq!(scheme.spec.score_decimals, 2);
        assert_eq!(scheme.spec.missing.policy, MissingPolicy::Renormalise);
        assert_eq!(
            scheme.scoring_of(&scheme.spec.indicators[0]),
            Scoring::PercentileRank {
                within: Within::All
            }
        );
    }

    #[test]
    fn an_alias_stands_for_one_column_only() {
        let twice = MINIMAL.replace(
            "columns: {id: 机构编码}",
            "columns: {id: 机构编码, aliases: {出院人数: [出院人次], 出院患者数: [出院人次]}}",
        );
        let err = parse(&twice).unwrap_err().to_string();
        assert!(
            err.contains(
                "\"出院人次\" is listed as an alias of both \"出院人数\" and \"出院患者数\""
            ),
            "{err}"
        );
        let shadowing = MINIMAL.replace(
            "columns: {id: 机构编码}",
            "columns: {id: 机构编码, aliases: {出院人数: [出院人次], 出院人次: [出院数]}}",
        );
        let err = parse(&shadowing).unwrap_err().to_string();
        assert!(
            err.contains("\"出院人次\" is listed as an alias of \"出院人数\", but the scheme uses it as a column name itself"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_is_reported_with_its_line() {
        let text = MINIMAL.replace("    weight: 1\n", "    wieght: 1\n");
        let Error::SchemeSyntax { message, span, .. } = parse(&text).unwrap_err() else {
            panic!("expected a syntax error")
        };
        assert!(message.contains("unknown field `wieght`"), "{message}");
        assert_eq!(span.unwrap().line, 12);
    }

    #[test]
    fn undeclared_dimension_is_named_with_a_suggestion() {
        let text = MINIMAL.replace("    dimension: 医疗质量", "    dimension: 医疗质");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("names dimension \"医疗质\""), "{err}");
        assert!(err.contains("did you mean \"医疗质量\""), "{err}");
        assert!(err.contains("s/scheme.yaml:10:5"), "{err}");
    }

    #[test]
    fn monitor_indicators_are_scored_only_when_switched_on() {
        // A monitor indicator next to the scored one: reported only, even with a weight.
        let with_monitor = format!(
            "{MINIMAL}  - {{id: T1, name: 门诊人次数与出院人次数比, dimension: 医疗质量, direction: monitor, weight: 2}}\n"
        );
        let scheme = parse(&with_monitor).unwrap();
        let t1 = scheme.indicator("T1").unwrap();
        assert!(!scheme.is_scored(t1));
        // Switched on: scored by the monitor method, median distance within the peer group.
        let on = format!("{with_monitor}monitor: {{score: true}}\n");
        let scheme = parse(&on).unwrap();
        let t1 = scheme.indicator("T1").unwrap();
        assert!(scheme.is_scored(t1));
        assert_eq!(
            scheme.scoring_of(t1),
            Scoring::MedianDistance {
                within: Within::PeerGroup
            }
        );
        // Switched on, a monitor indicator without a weight cannot be placed in the tree.
        let unweighted = on.replace(", weight: 2}", "}");
        let err = parse(&unweighted).unwrap_err().to_string();
        assert!(err.contains("indicator T1 has no weight"), "{err}");
        assert!(err.contains("monitor.score is on"), "{err}");
        // A method that needs a better end makes no sense for a monitor indicator.
        let min_max = on.replace(", weight: 2}", ", weight: 2, scoring: {method: min_max}}");
        let err = parse(&min_max).unwrap_err().to_string();
        assert!(err.contains("has no better end"), "{err}");
    }

    #[test]
    fn parts_inherit_from_their_parent_and_weigh_equally() {
        let text = MINIMAL.replace(
            "    weight: 1\n",
            "    weight: 1\n    unit: \"%\"\n    parts:\n      - {id: T4_a, name: 甲}\n      - {id: T4_b, name: 乙, direction: down, weight: 3}\n      - {id: T4_c, name: 丙, direction: monitor}\n",
        );
        let scheme = parse(&text).unwrap();
        let leaves: Vec<&str> = scheme.leaves().iter().map(|i| i.id.as_str()).collect();
        assert_eq!(leaves, ["T4_a", "T4_b", "T4_c"]);
        let a = scheme.indicator("T4_a").unwrap();
        assert_eq!(
            (
                a.direction,
                a.unit.as_deref(),
                a.weight,
                a.parent.as_deref()
            ),
            (Direction::Up, Some("%"), Some(1.0), Some("T4"))
        );
        assert_eq!(a.dimension, "医疗质量");
        assert!(scheme.is_scored(scheme.indicator("T4").unwrap()));
        assert!(!scheme.is_scored(scheme.indicator("T4_c").unwrap()));
        // A part cannot move to another dimension.
        let moved = text.replace(
            "{id: T4_a, name: 甲}",
            "{id: T4_a, name: 甲, dimension: 运营效率}",
        );
        let Error::SchemeSyntax { message, .. } = parse(&moved).unwrap_err() else {
            panic!("expected a syntax error")
        };
        assert!(message.contains("unknown field `dimension`"), "{message}");
        // A bundle has no formula of its own.
        let formula = text.replace("    unit: \"%\"\n", "    unit: \"%\"\n    formula: t4\n");
        let err = parse(&formula).unwrap_err().to_string();
        assert!(err.contains("has parts, so it has no formula"), "{err}");
    }

    #[test]
    fn dimension_weight_needs_a_weighted_subdimension() {
        // The only weighted indicator sits in a sub-dimension of weight 0.
        let text = MINIMAL
            .replace(
                "    weight: 100\n",
                "    weight: 100\n    subdimensions:\n      - {id: 功能定位, weight: 0}\n",
            )
            .replace(
                "    dimension: 医疗质量\n",
                "    dimension: 医疗质量\n    subdimension: 功能定位\n",
            );
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.contains("weight of dimension \"医疗质量\" cannot be used"),
            "{err}"
        );
    }

    #[test]
    fn goalposts_must_agree_with_direction() {
        let text =
            format!("{MINIMAL}    scoring: {{method: goalposts, zero_at: 90, full_at: 60}}\n");
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.contains("direction is up but full_at (60) is below zero_at (90)"),
            "{err}"
        );
    }

    #[test]
    fn new_methods_parse_and_are_checked_against_the_direction() {
        let with = |extra: &str| format!("{MINIMAL}    {extra}\n");
        let scheme = parse(&with(
            "scoring: {method: index, standard: mean, within: peer_group}",
        ))
        .unwrap();
        assert_eq!(
            scheme.spec.indicators[0].scoring,
            Some(Scoring::Index {
                standard: Reference::Mean,
                within: Within::PeerGroup
            })
        );
        let scheme = parse(&with(
            "scoring: {method: efficacy, satisfactory: 95, unacceptable: 75}",
        ))
        .unwrap();
        assert_eq!(
            scheme.spec.indicators[0].scoring,
            Some(Scoring::Efficacy {
                satisfactory: Reference::Value(95.0),
                unacceptable: Reference::Value(75.0),
                within: Within::All,
                clip: true
            })
        );
        for (extra, reason) in [
            (
                "scoring: {method: efficacy, satisfactory: 60, unacceptable: 90}",
                "direction is up but satisfactory (60) is below unacceptable (90)",
            ),
            (
                "scoring: {method: efficacy, satisfactory: min, unacceptable: max}",
                "satisfactory must be the better end",
            ),
            (
                "scoring: {method: optimal, at: 8}",
                "give it direction monitor (with `at: M`) or band",
            ),
            (
                "scoring: {method: index, standard: 0}",
                "must be a positive number, not 0",
            ),
            (
                "scoring: {method: index, standard: average}",
                "expected a number or one of min, max, mean, median",
            ),
            ("scoring: {method: rank, borda: yes}", "invalid type"),
            (
                "scoring: {method: target, target: 5}\n    treat: {method: winsorise, log: true}",
                "log: true puts values on a log scale",
            ),
            (
                "treat: {method: clip_quantiles, low: 0.9, high: 0.1}",
                "0 <= low < high <= 1",
            ),
            (
                "treat: {method: winsorise, max_points: 0}",
                "max_points must be at least 1",
            ),
            (
                "missing: {method: median, within: everywhere}",
                "unknown variant `everywhere`",
            ),
        ] {
            let err = parse(&with(extra)).unwrap_err().to_string();
            assert!(err.contains(reason), "{extra}: {err}");
        }
        // A monitor indicator may be scored by optimal (with `at`) or efficacy between numbers.
        let monitor = MINIMAL.replace("direction: up", "direction: monitor");
        let on = |extra: &str| format!("{monitor}    {extra}\nmonitor: {{score: true}}\n");
        assert!(parse(&on("scoring: {method: optimal, at: 8}")).is_ok());
        assert!(parse(&on(
            "scoring: {method: efficacy, satisfactory: 8, unacceptable: 12}"
        ))
        .is_ok());
        let err = parse(&on("scoring: {method: optimal}"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("optimal needs the best value `at: M`"),
            "{err}"
        );
    }

    #[test]
    fn treat_and_missing_are_inherited_and_missing_has_a_scheme_default() {
        let text = MINIMAL.replace(
            "    weight: 1\n",
            "    weight: 1\n    treat: {method: winsorise, within: peer_group}\n    missing: {method: zero}\n    parts:\n      - {id: T4_a, name: 甲}\n      - {id: T4_b, name: 乙, treat: {method: clip_quantiles}, missing: {method: mean}}\n",
        ) + "  - {id: T5, name: 丙, dimension: 医疗质量, direction: up, weight: 1}\nmissing: {impute: {method: median}}\n";
        let scheme = parse(&text).unwrap();
        let a = scheme.indicator("T4_a").unwrap();
        assert_eq!(
            a.treat,
            Some(Treat::Winsorise {
                within: Within::PeerGroup,
                max_points: 5,
                skew: 2.0,
                kurtosis: 3.5,
                log: false
            })
        );
        assert_eq!(scheme.impute_of(a), Impute::Zero);
        let b = scheme.indicator("T4_b").unwrap();
        assert_eq!(
            b.treat,
            Some(Treat::ClipQuantiles {
                within: Within::All,
                low: 0.01,
                high: 0.99
            })
        );
        assert_eq!(
            scheme.impute_of(b),
            Impute::Mean {
                within: Within::PeerGroup
            }
        );
        // T5 says nothing: the scheme's missing.impute, median within the peer group
        assert_eq!(
            scheme.impute_of(scheme.indicator("T5").unwrap()),
            Impute::Median {
                within: Within::PeerGroup
            }
        );
        // Renormalising one indicator makes no sense when the scheme scores missing as zero.
        let zero =
            format!("{MINIMAL}    missing: {{method: renormalise}}\nmissing: {{policy: zero}}\n");
        let err = parse(&zero).unwrap_err().to_string();
        assert!(err.contains("cannot be renormalised away"), "{err}");
    }

    #[test]
    fn grade_bands_need_a_catch_all_and_order() {
        let bad_last =
            format!("{MINIMAL}grades:\n  by: score\n  bands:\n    - {{grade: A, min: 90}}\n");
        assert!(parse(&bad_last)
            .unwrap_err()
            .to_string()
            .contains("must have no bound"));
        let unordered = format!(
            "{MINIMAL}grades:\n  by: rank_share\n  bands:\n    - {{grade: A, top: 0.5}}\n    - {{grade: B, top: 0.2}}\n    - {{grade: C}}\n"
        );
        assert!(parse(&unordered)
            .unwrap_err()
            .to_string()
            .contains("out of order"));
    }

    #[test]
    fn several_problems_are_reported_together() {
        let text = MINIMAL
            .replace(
                "direction: up\n    weight: 1",
                "direction: up\n    weight: -1",
            )
            .replace(
                "  - id: 医疗质量\n    weight: 100",
                "  - id: 医疗质量\n    weight: .nan",
            );
        match parse(&text).unwrap_err() {
            Error::Many(errors) => assert!(errors.len() >= 2),
            other => panic!("expected several errors, got {other}"),
        }
    }
}
