//! Reciprocal (1/x): for a lower-is-better indicator the score is the reciprocal scaled so the
//! best institution scores 100, `min / x × 100` (classic medical-statistics TOPSIS turns 低优
//! indicators into 1/x; scaling 1/x by its largest value 1/min gives exactly this). For a
//! higher-is-better indicator the same ratio scale is `x / max × 100`. This is pymcdm's
//! `linear_normalization`. min and max run over all institutions or within the peer group.
//! Unlike min-max, the worst institution does not score 0: a hospital with twice the best
//! infection rate scores 50.
//!
//! Policy for values of 0 or below. Lower is better: such a value cannot be inverted, and no cost
//! is the best there is, so it scores 100, and the others are scored against the smallest
//! positive value m⁺: `m⁺ / x × 100`; when no value is positive every institution scores 100.
//! Higher is better: a value of 0 or below scores 0 (nothing achieved), and when no value is
//! positive every institution scores 0. A constant positive column scores 100 throughout, as does
//! a single institution with a positive value. Missing values score missing.

use polars::prelude::*;

use super::{smallest_positive, within, Better};
use crate::scheme::Within;

pub fn score(x: Expr, better: Better, over: Within) -> Expr {
    match better {
        Better::Lower => {
            let best = smallest_positive(x.clone(), over);
            when(x.clone().gt(lit(0.0)))
                .then(best.true_div(x.clone()) * lit(100.0))
                .when(x.is_not_null())
                .then(lit(100.0))
                .otherwise(super::null())
        }
        Better::Higher => {
            let best = within(x.clone().max(), over);
            when(x.clone().gt(lit(0.0)))
                .then(x.clone().true_div(best) * lit(100.0))
                .when(x.is_not_null())
                .then(lit(0.0))
                .otherwise(super::null())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn reference_fixture() {
        // lower is better on [10, 20, 30, 40, 100]: 10 / x × 100
        let x = some(&[10.0, 20.0, 30.0, 40.0, 100.0]);
        let out = apply(&x, None, |x| score(x, Better::Lower, Within::All));
        approx(&out, &some(&[100.0, 50.0, 33.333333, 25.0, 10.0]));
        // higher is better: x / 100 × 100
        let out = apply(&x, None, |x| score(x, Better::Higher, Within::All));
        approx(&out, &some(&[10.0, 20.0, 30.0, 40.0, 100.0]));
    }

    #[test]
    fn values_of_zero_or_below() {
        // lower is better [0, 2, 8, missing]: 0 → 100; others against m⁺ = 2 → 100, 25
        let out = apply(&[Some(0.0), Some(2.0), Some(8.0), None], None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &[Some(100.0), Some(100.0), Some(25.0), None]);
        // higher is better [−2, 0, 5]: 0, 0, 100
        let out = apply(&some(&[-2.0, 0.0, 5.0]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[0.0, 0.0, 100.0]));
        // no positive value at all
        let out = apply(&some(&[0.0, 0.0]), None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &some(&[100.0, 100.0]));
        let out = apply(&some(&[0.0, -3.0]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[0.0, 0.0]));
    }

    #[test]
    fn constant_single_and_all_missing() {
        let out = apply(&some(&[6.0, 6.0]), None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &some(&[100.0, 100.0]));
        let out = apply(&some(&[6.0]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[100.0]));
        let out = apply(&[None, None], None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &[None, None]);
    }

    #[test]
    fn within_peer_group() {
        // lower is better; group a: [2, 4] → 100, 50; group b: [5, 20] → 100, 25
        let out = apply(
            &some(&[2.0, 5.0, 4.0, 20.0]),
            Some(&["a", "b", "a", "b"]),
            |x| score(x, Better::Lower, Within::PeerGroup),
        );
        approx(&out, &some(&[100.0, 100.0, 50.0, 25.0]));
    }
}
