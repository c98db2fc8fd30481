//! Stage 3, normalise: turn each indicator's value into a score, direction-aware.
//!
//! One method per file, each with its formula, its policy for degenerate data and hand-computed
//! tests. Scores run from 0 (worst) to 100 (best), except `z_score`, which is a standard score
//! (50 + 10·z by default). `within: peer_group` takes the column statistics (min, max, mean, SD,
//! ranks) inside each peer group instead of over all institutions. A missing value always scores
//! missing; what that means for the total is the scheme's missing-data policy (see
//! `crate::aggregate`). Direction `improve` (逐步完善) is scored like `up`; `monitor` (监测比较)
//! indicators, when the scheme scores them, only by `median_distance`, `goalposts` (which name
//! their own good end) or a custom function.
//! Indicators with direction `band` are scored on their distance from the
//! band (0 inside it), lower being better. `custom` methods are rhai functions, built in
//! `crate::plan`.

pub mod band;
pub mod goalposts;
pub mod median_distance;
pub mod min_max;
pub mod percentile_rank;
pub mod target;
pub mod threshold;
pub mod z_score;

use polars::prelude::*;

use crate::scheme::{Direction, Scoring, Within};
use crate::script::PEER_GROUP_COLUMN;

/// Which end of the value scale is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// A column statistic taken over all rows or within each peer group.
pub(crate) fn within(statistic: Expr, within: Within) -> Expr {
    match within {
        Within::All => statistic,
        Within::PeerGroup => statistic
            .over([col(PEER_GROUP_COLUMN)])
            .expect("window over the peer-group column is always valid"),
    }
}

/// A float null literal.
pub(crate) fn null() -> Expr {
    lit(NULL).cast(DataType::Float64)
}

/// The score expression of a built-in method applied to the value expression `x`.
/// `custom` is not built-in and returns `None`, as does a method that needs a better end on a
/// monitor indicator (the scheme check rejects that combination).
pub fn score_expr(
    x: Expr,
    direction: Direction,
    band_bounds: Option<[f64; 2]>,
    scoring: &Scoring,
) -> Option<Expr> {
    match *scoring {
        Scoring::MedianDistance { within } => return Some(median_distance::score(x, within)),
        Scoring::Goalposts { zero_at, full_at } if direction == Direction::Monitor => {
            return Some(goalposts::score(x, zero_at, full_at))
        }
        _ => {}
    }
    let (x, better) = match direction {
        Direction::Up | Direction::Improve => (x, Better::Higher),
        Direction::Down => (x, Better::Lower),
        Direction::Band => {
            let [low, high] = band_bounds?;
            (band::distance(x, low, high), Better::Lower)
        }
        Direction::Monitor => return None,
    };
    Some(match *scoring {
        Scoring::MinMax { within } => min_max::score(x, better, within),
        Scoring::ZScore { within, mean, sd } => z_score::score(x, better, within, mean, sd),
        Scoring::PercentileRank { within } => percentile_rank::score(x, better, within),
        Scoring::Target { target } => target::score(x, better, target),
        Scoring::Goalposts { zero_at, full_at } => goalposts::score(x, zero_at, full_at),
        Scoring::Threshold {
            threshold,
            otherwise,
        } => threshold::score(x, better, threshold, otherwise),
        Scoring::MedianDistance { .. } | Scoring::Custom { .. } => return None,
    })
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// Evaluates `score` on a column `x` holding `values` (peer group `g` for `groups`).
    pub fn apply(
        values: &[Option<f64>],
        groups: Option<&[&str]>,
        score: impl FnOnce(Expr) -> Expr,
    ) -> Vec<Option<f64>> {
        let n = values.len();
        let groups: Vec<&str> = groups.map(|g| g.to_vec()).unwrap_or_else(|| vec!["all"; n]);
        let frame = df!("x" => values, PEER_GROUP_COLUMN => groups).unwrap();
        let out = frame
            .lazy()
            .select([score(col("x")).cast(DataType::Float64).alias("s")])
            .collect()
            .unwrap();
        out.column("s").unwrap().f64().unwrap().iter().collect()
    }

    pub fn approx(actual: &[Option<f64>], expected: &[Option<f64>]) {
        assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
        for (a, e) in actual.iter().zip(expected) {
            match (a, e) {
                (Some(a), Some(e)) => assert!((a - e).abs() < 1e-6, "{actual:?} vs {expected:?}"),
                (None, None) => {}
                _ => panic!("{actual:?} vs {expected:?}"),
            }
        }
    }

    pub fn some(values: &[f64]) -> Vec<Option<f64>> {
        values.iter().copied().map(Some).collect()
    }
}
