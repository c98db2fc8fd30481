//! The scheme model: what `scheme.yaml` declares, as the types serde reads it into.
//!
//! A scheme is a folder holding `scheme.yaml` (structure: columns, dimensions, indicators with
//! direction, weight and scoring method, vetoes, bonus and deduction rules, grade bands, the
//! missing-data policy) and the `.rhai` scripts that hold its formulas. This file holds the types
//! (read strictly: unknown keys are errors), their defaults and the questions asked of a loaded
//! scheme (an indicator's scoring method, its imputation, the tree of indicators and parts).
//! Reading `scheme.yaml` is `load.rs`'s; the checks of everything that can be checked without
//! data (ids, the dimension tree, weights, directions against scoring methods, grade bands) are
//! `check.rs`'s. Formulas are compiled by [`crate::script`].

mod check;
pub mod guard;
mod level;
mod load;
#[cfg(test)]
mod tests;

pub use check::check_grades;
pub(crate) use check::check_scoring;
pub(crate) use check::check_treat;
pub use level::{LevelNormalise, LowestSpec, Over};

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The parsed `scheme.yaml`, with the folder it came from.
#[derive(Debug, Clone)]
pub struct Scheme {
    pub dir: PathBuf,
    pub yaml_path: PathBuf,
    pub yaml_text: String,
    pub spec: SchemeSpec,
    /// Notes that do not stop scoring (e.g. weights that do not add up to 100 and are rescaled).
    pub warnings: Vec<crate::message::Warning>,
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
    /// Grade adjustments after grading, in order: move `down` (or `up`) k bands where a condition
    /// holds (CMS 2026's safety penalty, 降一个等次 after a major safety incident).
    #[serde(default)]
    pub grade_adjustments: Vec<GradeAdjustmentSpec>,
    /// Indicator inclusion by reporting count, for every indicator that does not set its own
    /// (`crate::inclusion`).
    #[serde(default)]
    pub include: Option<IncludeSpec>,
    /// Peer groups computed by a formula instead of read from a data column.
    #[serde(default)]
    pub peer_groups: Option<PeerGroupsSpec>,
    /// Who is rated: where the condition does not hold an institution keeps its scores but gets
    /// no rank or grade (`crate::eligibility`).
    #[serde(default)]
    pub eligible: Option<EligibleSpec>,
    /// The most improved (进步较大) of a run over several periods (`crate::panel`).
    #[serde(default)]
    pub improvement: Option<ImprovementSpec>,
}

/// `include:` — an indicator is scored only when at least `min_reported` institutions report a
/// value for it; otherwise it is dropped and its weight goes to its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncludeSpec {
    pub min_reported: u64,
}

/// `peer_groups: {formula: name}` — each institution's peer group is the value of the rhai binding
/// `name` (a number, read as a whole number, or text); the output shows it in a column `name`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerGroupsSpec {
    pub formula: String,
}

/// `improvement:` — how a run over several periods ranks the most improved (进步较大): each
/// institution's change against the previous period, ranked within its peer group (or over all),
/// and the award rule. Exactly one of `top` and `min_change` is given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImprovementSpec {
    /// What the change is taken on: `score` (score − previous score) or `rank` (previous rank −
    /// rank: places gained; the peer-group rank with `within: peer_group`).
    #[serde(default)]
    pub by: ImprovementBy,
    /// Where the change is ranked and awarded: `peer_group` (default) or `all`.
    #[serde(default = "default_improvement_within")]
    pub within: Within,
    /// Award the first `top` of each group by change (ties included), if they improved at all.
    #[serde(default)]
    pub top: Option<u32>,
    /// Award every institution whose change is at least this (and above zero).
    #[serde(default)]
    pub min_change: Option<f64>,
    /// The award's name in the output and the summary (default 进步较大).
    #[serde(default = "default_improvement_label")]
    pub label: String,
}

fn default_improvement_within() -> Within {
    Within::PeerGroup
}

fn default_improvement_label() -> String {
    "进步较大".to_string()
}

/// What `improvement:` measures the change on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ImprovementBy {
    #[default]
    Score,
    Rank,
}

/// `eligible:` — the condition for being rated, and the flag of those it leaves out.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibleSpec {
    /// Rhai binding holding a true/false formula: true = rated.
    pub when: String,
    /// Why an institution is not rated, shown in its flags.
    pub reason: String,
}

/// One grade adjustment: where the condition `when` holds, the grade moves `down` (towards the
/// last band) or `up` (towards the first) by that many bands, never past the first or last.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeAdjustmentSpec {
    /// Rhai binding holding a true/false formula.
    pub when: String,
    #[serde(default)]
    pub down: Option<u32>,
    #[serde(default)]
    pub up: Option<u32>,
    /// Also needed: the institution's score of a node is among the lowest `share` of them.
    #[serde(default)]
    pub lowest: Option<LowestSpec>,
    pub reason: String,
}

impl GradeAdjustmentSpec {
    /// Bands moved: positive towards the last band (down), negative towards the first (up).
    /// Exactly one of `down` and `up`, at least 1.
    pub fn steps(&self) -> Result<i64, String> {
        match (self.down, self.up) {
            (Some(k), None) if k > 0 => Ok(i64::from(k)),
            (None, Some(k)) if k > 0 => Ok(-i64::from(k)),
            (Some(_), Some(_)) => Err(format!(
                "grade adjustment \"{}\" has both `down` and `up`; give one",
                self.reason
            )),
            (None, None) => Err(format!(
                "grade adjustment \"{}\" says neither `down: k` nor `up: k`",
                self.reason
            )),
            _ => Err(format!(
                "grade adjustment \"{}\" moves 0 bands; give k ≥ 1",
                self.reason
            )),
        }
    }
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

/// The most `score_decimals` may ask for: a 64-bit float holds 15 to 17 significant digits, so
/// further decimals of a score (whose whole part has one to three digits) are not there to keep.
/// Schemes that cluster or compare unrounded scores (the CMS star rating) use 15.
pub const MAX_SCORE_DECIMALS: u32 = 15;

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
    /// The unit each column's figures are in (`医疗收入: 万元`); a column named with its unit in
    /// brackets (`医疗收入(万元)`) declares it by its name. A header or a form's 单位 in another
    /// unit of the same family is converted (`crate::unit`), and each conversion is stated in the
    /// run summary; one that cannot be converted is an error naming both units.
    #[serde(default)]
    pub units: BTreeMap<String, String>,
    /// Columns the data may lack: an absent one is read as missing on every row, said in the run
    /// summary. For formulas that use a figure when a return gives it (`coalesce(…)`).
    #[serde(default)]
    pub optional: Vec<String>,
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankingSpec {
    #[serde(default)]
    pub ties: Ties,
    /// The fewest institutions a peer group (and the whole run) should hold for relative scores
    /// and ranks to mean something; smaller ones get a warning in the run summary
    /// (`crate::small_groups`). Default 2: only a lone institution, whose rank 1 and relative
    /// scores are meaningless, is warned about; raise it to be told about small groups too.
    #[serde(default = "default_min_group_size")]
    pub min_group_size: u32,
}

fn default_min_group_size() -> u32 {
    2
}

impl Default for RankingSpec {
    fn default() -> RankingSpec {
        RankingSpec {
            ties: Ties::default(),
            min_group_size: default_min_group_size(),
        }
    }
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
    /// The dimension's score normalised across institutions before it is weighted (`level.rs`).
    #[serde(default)]
    pub normalise: Option<LevelNormalise>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubdimensionSpec {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub weight: f64,
    /// The sub-dimension's score normalised across institutions before it is weighted.
    #[serde(default)]
    pub normalise: Option<LevelNormalise>,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Within {
    #[default]
    All,
    PeerGroup,
}

/// How an indicator value becomes a score (0–100 except `z_score`, `rank`, `index` and uncapped
/// `distance_to_target` / `efficacy`). See `crate::normalise`.
// Serialize: `crate::sensitivity` writes a drawn method back as scheme.yaml writes it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
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

impl Serialize for Reference {
    /// As scheme.yaml writes it: the number, or the statistic's name.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Reference::Value(v) => serializer.serialize_f64(*v),
            Reference::Min => serializer.serialize_str("min"),
            Reference::Max => serializer.serialize_str("max"),
            Reference::Mean => serializer.serialize_str("mean"),
            Reference::Median => serializer.serialize_str("median"),
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
    /// Inclusion by reporting count (parts inherit it); default the scheme's `include:`.
    #[serde(default)]
    pub include: Option<IncludeSpec>,
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
            include: parent.include,
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
    /// SAS `PROC FASTCLUS` (batch updates) seeded at the medians of the `PCTLDEF=5` quantile
    /// groups, run twice (the second with `STRICT=1`), as the CMS SAS packs of 2021–2025 do.
    SasFastclus,
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
    /// The smallest number of reporting institutions for `indicator` to be scored, if any.
    pub fn min_reported_of(&self, indicator: &IndicatorSpec) -> Option<u64> {
        indicator
            .include
            .or(self.spec.include)
            .map(|i| i.min_reported)
    }

    pub fn impute_of(&self, indicator: &IndicatorSpec) -> Impute {
        indicator
            .missing
            .or(self.spec.missing.impute)
            .unwrap_or_default()
    }

    /// Every indicator and part, parents before their parts, in scheme order.
    /// The dimensions and sub-dimensions whose score is normalised (`normalise:`), by id.
    pub fn level_normalisations(&self) -> BTreeMap<String, LevelNormalise> {
        let mut out = BTreeMap::new();
        for dimension in &self.spec.dimensions {
            if let Some(method) = dimension.normalise {
                out.insert(dimension.id.clone(), method);
            }
            for sub in &dimension.subdimensions {
                if let Some(method) = sub.normalise {
                    out.insert(sub.id.clone(), method);
                }
            }
        }
        out
    }

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
}
