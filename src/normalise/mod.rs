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
//!
//! Scales: `rank` (1…n), `z_score`, `index` (100 = at the standard) and, with `cap: false` /
//! `clip: false`, `distance_to_target` and `efficacy` are not bounded by 100; `vector` and `sum`
//! lie in 0–100 but shrink with the number of institutions. Each file says so.
//!
//! Before scoring, an indicator's values may be treated for outliers (`treat:`, see
//! [`winsorise`] and [`clip_quantiles`]) and its missing values imputed (`missing:`, see
//! [`impute`]); the value scored is then in the column `{id}.treated`, next to the raw `{id}`.

pub mod band;
pub mod clip_quantiles;
pub mod distance_to_target;
pub mod efficacy;
pub mod goalposts;
mod group_rank;
pub mod impute;
pub mod index;
pub mod level;
pub mod median_distance;
pub mod min_max;
pub mod optimal;
pub mod percentile_rank;
pub mod rank;
pub mod reciprocal;
pub mod sum;
pub mod target;
pub mod threshold;
pub mod vector;
pub mod winsorise;
pub mod z_score;

use polars::prelude::*;

use crate::columns::{score_column, treated_column, PEER_GROUP_COLUMN};
use crate::scheme::{Direction, Impute, Reference, Scoring, Treat, Within};

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

/// The smallest value above 0 (missing when there is none), for methods that invert values.
pub(crate) fn smallest_positive(x: Expr, over: Within) -> Expr {
    let positive = when(x.clone().gt(lit(0.0))).then(x).otherwise(null());
    within(positive.min(), over)
}

/// A reference value as an expression: the number, or the statistic of `x`.
pub(crate) fn reference(x: Expr, reference: Reference, over: Within) -> Expr {
    match reference {
        Reference::Value(v) => lit(v),
        Reference::Min => within(x.min(), over),
        Reference::Max => within(x.max(), over),
        Reference::Mean => within(x.mean(), over),
        Reference::Median => within(x.median(), over),
    }
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
        Scoring::Optimal { at, within } => {
            let distance = match (at, direction) {
                (Some(at), _) => optimal::distance_from(x, at),
                (None, Direction::Band) => {
                    let [low, high] = band_bounds?;
                    band::distance(x, low, high)
                }
                (None, _) => return None,
            };
            return Some(optimal::score(distance, within));
        }
        Scoring::Efficacy {
            satisfactory,
            unacceptable,
            within,
            clip,
        } => {
            let good = reference(x.clone(), satisfactory, within);
            let bad = reference(x.clone(), unacceptable, within);
            return Some(efficacy::score(x, good, bad, clip));
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
        Scoring::Rank { within, borda } => rank::score(x, better, within, borda),
        Scoring::DistanceToTarget {
            target,
            within,
            cap,
        } => distance_to_target::score(x, better, within, target, cap),
        Scoring::Vector { within } => vector::score(x, better, within),
        Scoring::Sum { within } => sum::score(x, better, within),
        Scoring::Reciprocal { within } => reciprocal::score(x, better, within),
        Scoring::Index { standard, within } => {
            let standard = reference(x.clone(), standard, within);
            index::score(x, better, standard, within)
        }
        Scoring::MedianDistance { .. }
        | Scoring::Custom { .. }
        | Scoring::Optimal { .. }
        | Scoring::Efficacy { .. } => return None,
    })
}

/// The values of `x` after the outlier treatment `treat`.
pub fn treat_expr(x: Expr, treat: &Treat) -> Expr {
    match (treat, rule_of(treat)) {
        (Treat::ClipQuantiles { within, low, high }, _) => {
            clip_quantiles::treated(x, *low, *high, *within)
        }
        (_, Some((rule, over))) => winsorise::treated(x, rule, over),
        (Treat::Winsorise { .. }, None) => x,
    }
}

/// Whether an indicator's score reads `{id}.treated` rather than its raw value column.
pub fn has_treated_column(treat: Option<&Treat>, imputation: Impute) -> bool {
    treat.is_some() || impute::filled(lit(0.0), imputation).is_some()
}

/// The column an indicator's score expression reads.
pub fn score_input(indicator_id: &str, treat: Option<&Treat>, imputation: Impute) -> Expr {
    if has_treated_column(treat, imputation) {
        col(treated_column(indicator_id))
    } else {
        col(indicator_id)
    }
}

/// `score` where at least `min_reported` institutions report a value of the indicator (its raw
/// value column, over all institutions), else missing for everyone: the indicator is dropped and,
/// under `missing.policy: renormalise`, its weight goes to its siblings (`include:`).
pub fn included_by_count(indicator_id: &str, min_reported: u64, score: Expr) -> Expr {
    when(col(indicator_id).count().gt_eq(lit(min_reported)))
        .then(score)
        .otherwise(null())
}

/// Internal column holding each value's winsorising status (see [`winsorise::status`]), read by
/// [`quality_exprs`]; not part of the output.
fn status_column(id: &str) -> String {
    format!("{id}.treat_status")
}

/// The winsorising rule of `treat`, `None` for other treatments.
fn rule_of(treat: &Treat) -> Option<(winsorise::Rule, Within)> {
    match *treat {
        Treat::Winsorise {
            within,
            max_points,
            skew,
            kurtosis,
            log,
        } => Some((
            winsorise::Rule {
                max_points,
                skew,
                kurtosis,
                log,
            },
            within,
        )),
        Treat::ClipQuantiles { .. } => None,
    }
}

/// The expressions of an indicator's outlier treatment (`treat:`), for the first stage that
/// writes `{id}.treated`: the treated value and, for winsorising, each value's status.
pub fn treatment_exprs(id: &str, treat: &Treat) -> Vec<Expr> {
    let mut out = vec![treat_expr(col(id), treat).alias(treated_column(id))];
    if let Some((rule, over)) = rule_of(treat) {
        out.push(winsorise::status(col(id), rule, over).alias(status_column(id)));
    }
    out
}

/// The expression of an indicator's imputation (`missing:` median, mean or zero), for the stage
/// after the treatment: `{id}.treated` (or the raw value when `treated` is false) with missing
/// values filled. `None` when the indicator does not impute.
pub fn imputation_expr(id: &str, treated: bool, imputation: Impute) -> Option<Expr> {
    let source = if treated {
        col(treated_column(id))
    } else {
        col(id)
    };
    Some(impute::filled(source, imputation)?.alias(treated_column(id)))
}

/// Counts of one indicator's treatment and imputation, one-row aggregates over the scored frame
/// (which holds the winsorising status written by [`treatment_exprs`]):
/// `{id}|treated` (values changed by the outlier treatment), `{id}|log_transformed`,
/// `{id}|still_skewed` (groups still failing the skew/kurtosis rule) and `{id}|imputed` (missing
/// values that got a score; only when the indicator is `scored`). Empty when it neither treats
/// nor imputes.
pub fn quality_exprs(
    id: &str,
    treat: Option<&Treat>,
    imputation: Impute,
    scored: bool,
) -> Vec<Expr> {
    let count = |e: Expr, name: String| {
        e.fill_null(lit(false))
            .sum()
            .cast(DataType::UInt64)
            .alias(name)
    };
    let mut out = Vec::new();
    match treat {
        Some(&Treat::Winsorise { within, .. }) => {
            let status = col(status_column(id)) % lit(winsorise::STILL_FAILING);
            let failing = col(status_column(id))
                .gt_eq(lit(winsorise::STILL_FAILING))
                .fill_null(lit(false));
            out.push(count(status.clone().neq(lit(0)), format!("{id}|treated")));
            out.push(count(
                status.eq(lit(winsorise::LOG_TRANSFORMED)),
                format!("{id}|log_transformed"),
            ));
            let groups = match within {
                Within::All => failing.any(true).cast(DataType::UInt64),
                Within::PeerGroup => col(PEER_GROUP_COLUMN)
                    .filter(failing)
                    .n_unique()
                    .cast(DataType::UInt64),
            };
            out.push(groups.alias(format!("{id}|still_skewed")));
        }
        Some(&Treat::ClipQuantiles { within, low, high }) => {
            let changed = clip_quantiles::treated(col(id), low, high, within).neq(col(id));
            out.push(count(changed, format!("{id}|treated")));
        }
        None => {}
    }
    if imputation != Impute::Renormalise && scored {
        let imputed = col(id).is_null().and(col(score_column(id)).is_not_null());
        out.push(count(imputed, format!("{id}|imputed")));
    }
    out
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
