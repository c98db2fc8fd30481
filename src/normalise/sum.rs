//! Sum normalisation: the value's share of the column total, `x / Σx × 100` (a percentage).
//! Lower is better: the share of the reciprocals, `(1/x) / Σ(1/x) × 100` (pymcdm's cost form),
//! so the smallest value gets the largest share. The total runs over all institutions or within
//! the peer group; the scores of the institutions with a value add up to 100.
//!
//! Scale: shares shrink with the number of institutions (n equal values score 100 / n each), so
//! beside 0–100 methods an indicator scored this way weighs less than its weight says; use it
//! when every indicator of a composite is scored so. Scaling the values leaves the shares
//! unchanged.
//! Policy: higher is better with Σx = 0 (every value 0): 0/0 is taken as 0, every institution with
//! a value scores 0. Lower is better: a value of 0 or below cannot be inverted; it is at least as
//! good as the best positive value, so it is scored as the smallest positive value m⁺ of the group
//! (1/m⁺); when no value is positive all tie and each scores 100 / n. Meant for non-negative
//! values: with higher is better a negative value gives a negative share. Missing values score
//! missing and do not count.

use polars::prelude::*;

use super::{smallest_positive, within, Better};
use crate::scheme::Within;

pub fn score(x: Expr, better: Better, over: Within) -> Expr {
    let x = match better {
        Better::Higher => x,
        Better::Lower => {
            let floor = smallest_positive(x.clone(), over);
            let usable = when(x.clone().gt(lit(0.0)))
                .then(x.clone())
                .when(x.clone().is_not_null())
                .then(floor.fill_null(lit(1.0)))
                .otherwise(super::null());
            lit(1.0).true_div(usable)
        }
    };
    let total = within(x.clone().sum(), over);
    when(total.clone().eq(lit(0.0)).and(x.clone().is_not_null()))
        .then(lit(0.0))
        .otherwise(x.true_div(total) * lit(100.0))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn reference_fixture() {
        // [10, 20, 30, 40, 100]: Σ = 200 → 5, 10, 15, 20, 50
        let x = some(&[10.0, 20.0, 30.0, 40.0, 100.0]);
        let out = apply(&x, None, |x| score(x, Better::Higher, Within::All));
        approx(&out, &some(&[5.0, 10.0, 15.0, 20.0, 50.0]));
        // lower is better: 1/x = .1, .05, .033333, .025, .01, Σ = 0.218333
        let out = apply(&x, None, |x| score(x, Better::Lower, Within::All));
        approx(
            &out,
            &some(&[45.801527, 22.900763, 15.267176, 11.450382, 4.580153]),
        );
    }

    #[test]
    fn zero_cost_values_tie_with_the_best_positive_one() {
        // lower is better [0, 2, 4, missing]: 0 is scored as 2 → 1/2, 1/2, 1/4, Σ 1.25 → 40, 40, 20
        let out = apply(&[Some(0.0), Some(2.0), Some(4.0), None], None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &[Some(40.0), Some(40.0), Some(20.0), None]);
        // no positive value: all tie → 100 / 2
        let out = apply(&some(&[0.0, -1.0]), None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &some(&[50.0, 50.0]));
    }

    #[test]
    fn constant_zero_single_and_all_missing() {
        let out = apply(&some(&[3.0; 4]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[25.0; 4]));
        let out = apply(&some(&[0.0, 0.0]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[0.0, 0.0]));
        let out = apply(&some(&[8.0]), None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &some(&[100.0]));
        let out = apply(&[None, None], None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &[None, None]);
    }

    #[test]
    fn within_peer_group() {
        // group a: [1, 3] → 25, 75; group b: [2, 2] → 50, 50
        let out = apply(
            &some(&[1.0, 2.0, 3.0, 2.0]),
            Some(&["a", "b", "a", "b"]),
            |x| score(x, Better::Higher, Within::PeerGroup),
        );
        approx(&out, &some(&[25.0, 50.0, 75.0, 50.0]));
    }
}
