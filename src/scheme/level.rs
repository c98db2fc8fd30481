//! `normalise:` on a dimension or sub-dimension: scoring at an inner level of the weight tree.
//!
//! A node's score is the weighted mean of its children's scores; with `normalise:` that mean is
//! normalised across institutions before it is weighted into the parent — the CMS star rating
//! re-standardises each measure group's score this way:
//!
//! ```yaml
//! dimensions:
//!   - {id: Mortality, weight: 22, normalise: {method: z_score, mean: 0, sd: 1}}
//!   - {id: 医疗质量, weight: 40, normalise: {method: min_max, within: peer_group, over: eligible}}
//! ```
//!
//! `within` takes the statistics over all institutions (default) or inside each peer group;
//! `over` says whose means enter them: `all` institutions with a mean for the node (default), or
//! only the `eligible` ones (those `eligible:` rates). Every institution with a mean is
//! normalised either way. How the value is computed is `crate::normalise::level`'s.

use serde::Deserialize;

use super::Within;

/// The institutions whose node means enter a level's statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Over {
    /// Every institution with a mean for the node.
    #[default]
    All,
    /// Only the institutions `eligible:` rates (an ineligible one is still normalised).
    Eligible,
}

/// How a dimension's or sub-dimension's mean is normalised (`normalise:` on the node).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum LevelNormalise {
    /// `mean + sd × (m − m̄) / s`, `s` the sample SD (defaults 50 and 10, a T score; CMS: 0 and 1).
    ZScore {
        #[serde(default)]
        within: Within,
        #[serde(default)]
        over: Over,
        #[serde(default = "default_mean")]
        mean: f64,
        #[serde(default = "default_sd")]
        sd: f64,
    },
    /// `(m − min) / (max − min) × 100`.
    MinMax {
        #[serde(default)]
        within: Within,
        #[serde(default)]
        over: Over,
    },
}

impl LevelNormalise {
    /// Whose means enter the statistics.
    pub fn over(self) -> Over {
        match self {
            LevelNormalise::ZScore { over, .. } | LevelNormalise::MinMax { over, .. } => over,
        }
    }

    /// The statistics' scope: all institutions or each peer group.
    pub fn within(self) -> Within {
        match self {
            LevelNormalise::ZScore { within, .. } | LevelNormalise::MinMax { within, .. } => within,
        }
    }

    /// A line for `jixiao check`: `z_score (mean 0, sd 1) over all institutions`.
    pub fn described(self) -> String {
        let method = match self {
            LevelNormalise::ZScore { mean, sd, .. } => format!("z_score (mean {mean}, sd {sd})"),
            LevelNormalise::MinMax { .. } => "min_max (0–100)".to_string(),
        };
        let whom = match self.over() {
            Over::All => "all institutions with a score",
            Over::Eligible => "the rated institutions (eligible:)",
        };
        let scope = match self.within() {
            Within::All => "",
            Within::PeerGroup => ", within each peer group",
        };
        format!("{method}, statistics over {whom}{scope}")
    }

    /// What is wrong with the numbers, if anything (checked with the scheme).
    pub fn problem(self) -> Option<String> {
        match self {
            LevelNormalise::ZScore { sd, .. } if !sd.is_finite() || sd <= 0.0 => {
                Some(format!("z_score sd must be a positive number, not {sd}"))
            }
            LevelNormalise::ZScore { mean, .. } if !mean.is_finite() => {
                Some(format!("z_score mean must be a number, not {mean}"))
            }
            _ => None,
        }
    }
}

/// `lowest:` on a grade adjustment: the adjustment also needs the institution's score of `node`
/// (a dimension, sub-dimension or indicator) to be among the lowest `share` of the institutions
/// with one — rated or not — as `crate::grade::adjust` defines it (CMS 2026: the lowest quartile
/// of the safety group score, dplyr's `ntile(score, 4) == 1`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LowestSpec {
    pub node: String,
    pub share: f64,
}

fn default_mean() -> f64 {
    50.0
}

fn default_sd() -> f64 {
    10.0
}
