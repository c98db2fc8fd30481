//! Missing data per indicator (`missing:` on an indicator, `missing.impute` for the scheme):
//!
//! * `renormalise` (default): the value and score stay missing, and the scheme's
//!   `missing.policy` decides what that means for the total — by default the weights of the
//!   indicators present are rescaled (see `crate::aggregate`).
//! * `median` / `mean`: the missing value becomes the median / mean of the values present, within
//!   the institution's peer group (default) or over all institutions (`within: all`), and is then
//!   scored like any other value. Imputation runs after outlier treatment, so the statistic comes
//!   from treated values and the skew/kurtosis test sees only observed ones (COINr imputes before
//!   treating; imputed copies of the mean would shrink the spread the test measures).
//! * `zero`: the score is 0, whatever the method (the scheme-wide `missing.policy: zero` for
//!   this indicator alone).
//!
//! Coverage: imputed values and zero scores do **not** count as data in `missing.min_coverage` —
//! an institution that reported too little is still excluded, not ranked on numbers it never
//! gave. Each imputed value is flagged (`imputed: T5`) and counted in the run summary.
//! Policy: a peer group (or the whole column) with no value at all has no median or mean; its
//! values stay missing and are not counted as imputed. A single institution with a value gives
//! its value to the others of its group.

use polars::prelude::*;

use super::within;
use crate::scheme::Impute;

/// `x` with missing values filled by the median or mean; `None` for `renormalise` and `zero`,
/// which leave the value alone.
pub fn filled(x: Expr, impute: Impute) -> Option<Expr> {
    let statistic = match impute {
        Impute::Median { within: over } => within(x.clone().median(), over),
        Impute::Mean { within: over } => within(x.clone().mean(), over),
        Impute::Renormalise | Impute::Zero => return None,
    };
    Some(x.fill_null(statistic))
}

/// `score`, or 0 where `value` is missing (`missing: {method: zero}`).
pub fn zero_when_missing(value: Expr, score: Expr) -> Expr {
    when(value.is_null()).then(lit(0.0)).otherwise(score)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;
    use crate::scheme::Within;

    #[test]
    fn median_within_the_peer_group() {
        // group a: [1, missing, 3, 10] median 3; group b: [missing, 6] median 6
        let out = apply(
            &[Some(1.0), None, Some(3.0), None, Some(6.0), Some(10.0)],
            Some(&["a", "a", "a", "b", "b", "a"]),
            |x| {
                filled(
                    x,
                    Impute::Median {
                        within: Within::PeerGroup,
                    },
                )
                .unwrap()
            },
        );
        approx(&out, &some(&[1.0, 3.0, 3.0, 6.0, 6.0, 10.0]));
    }

    #[test]
    fn mean_over_all_institutions() {
        // [2, missing, 4, 9]: mean 5
        let out = apply(&[Some(2.0), None, Some(4.0), Some(9.0)], None, |x| {
            filled(
                x,
                Impute::Mean {
                    within: Within::All,
                },
            )
            .unwrap()
        });
        approx(&out, &some(&[2.0, 5.0, 4.0, 9.0]));
    }

    #[test]
    fn a_group_without_values_stays_missing() {
        let out = apply(&[None, None, Some(4.0)], Some(&["a", "a", "b"]), |x| {
            filled(
                x,
                Impute::Median {
                    within: Within::PeerGroup,
                },
            )
            .unwrap()
        });
        approx(&out, &[None, None, Some(4.0)]);
        assert!(filled(col("x"), Impute::Zero).is_none());
        assert!(filled(col("x"), Impute::Renormalise).is_none());
    }

    #[test]
    fn zero_scores_only_missing_values() {
        let out = apply(&[Some(2.0), None], None, |x| {
            zero_when_missing(x.clone(), x * lit(10.0))
        });
        approx(&out, &some(&[20.0, 0.0]));
    }
}
