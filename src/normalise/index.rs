//! 综合指数 (index against a standard): higher is better `x / s × 100`, lower is better
//! `s / x × 100`, s the standard — a number (a national target, last year's provincial value) or
//! `mean` / `median` (also `min`, `max`) of the column over all institutions or within the peer
//! group. 100 means at the standard; the score is not bounded above (twice the standard scores
//! 200), as in the 综合指数法, where indices are then weighted and summed.
//!
//! Policy for values of 0 or below. Higher is better: a negative value scores 0 (0 scores 0).
//! Lower is better: such a value cannot be inverted (x = 0 would score infinity); it is at least
//! as good as the best positive value, so it is scored as the smallest positive value m⁺ of the
//! group, `s / m⁺ × 100`; when no value is positive every institution with a value scores 100.
//! A standard of 0 or below (only possible with `mean`/`median`/… of such values; a number must
//! be positive) makes the ratio meaningless: every institution with a value scores 100. A
//! constant column with `standard: mean` scores 100 throughout, as does a single institution.
//! Missing values score missing and do not enter the mean.

use polars::prelude::*;

use super::{smallest_positive, Better};
use crate::scheme::Within;

/// The index of `x` against `standard` (an expression: a number or a column statistic).
pub fn score(x: Expr, better: Better, standard: Expr, over: Within) -> Expr {
    let index = match better {
        Better::Higher => x.clone().clip_min(lit(0.0)).true_div(standard.clone()),
        Better::Lower => {
            let usable = when(x.clone().gt(lit(0.0)))
                .then(x.clone())
                .otherwise(smallest_positive(x.clone(), over));
            when(usable.clone().is_null())
                .then(lit(1.0))
                .otherwise(standard.clone().true_div(usable))
        }
    };
    when(x.clone().is_null())
        .then(super::null())
        .when(standard.lt_eq(lit(0.0)))
        .then(lit(100.0))
        .otherwise(index * lit(100.0))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::super::within;
    use super::*;

    fn mean(x: &Expr) -> Expr {
        within(x.clone().mean(), Within::All)
    }

    #[test]
    fn against_the_column_mean() {
        // [10, 20, 30, 40, 100], mean 40: up x/40 → 25, 50, 75, 100, 250;
        // down 40/x → 400, 200, 133.333333, 100, 40
        let x = some(&[10.0, 20.0, 30.0, 40.0, 100.0]);
        let out = apply(&x, None, |x| {
            let s = mean(&x);
            score(x, Better::Higher, s, Within::All)
        });
        approx(&out, &some(&[25.0, 50.0, 75.0, 100.0, 250.0]));
        let out = apply(&x, None, |x| {
            let s = mean(&x);
            score(x, Better::Lower, s, Within::All)
        });
        approx(&out, &some(&[400.0, 200.0, 133.333333, 100.0, 40.0]));
    }

    #[test]
    fn against_a_fixed_standard() {
        // standard 8 days: 平均住院日 [10, 8, 6.4] → 80, 100, 125
        let out = apply(&some(&[10.0, 8.0, 6.4]), None, |x| {
            score(x, Better::Lower, lit(8.0), Within::All)
        });
        approx(&out, &some(&[80.0, 100.0, 125.0]));
    }

    #[test]
    fn zero_and_negative_values() {
        // lower is better, standard 2: [0, 1, 4] → 0 scored as m⁺ = 1 → 200, 200, 50
        let out = apply(&some(&[0.0, 1.0, 4.0]), None, |x| {
            score(x, Better::Lower, lit(2.0), Within::All)
        });
        approx(&out, &some(&[200.0, 200.0, 50.0]));
        // no positive value at all → 100
        let out = apply(&some(&[0.0, 0.0]), None, |x| {
            score(x, Better::Lower, lit(2.0), Within::All)
        });
        approx(&out, &some(&[100.0, 100.0]));
        // higher is better: −3 → 0, 0 → 0, 4 → 200
        let out = apply(&some(&[-3.0, 0.0, 4.0]), None, |x| {
            score(x, Better::Higher, lit(2.0), Within::All)
        });
        approx(&out, &some(&[0.0, 0.0, 200.0]));
        // mean standard of an all-zero column is 0 → 100
        let out = apply(&some(&[0.0, 0.0]), None, |x| {
            let s = mean(&x);
            score(x, Better::Higher, s, Within::All)
        });
        approx(&out, &some(&[100.0, 100.0]));
    }

    #[test]
    fn constant_single_all_missing_and_peer_groups() {
        let by_mean = |x: Expr| {
            let s = mean(&x);
            score(x, Better::Higher, s, Within::All)
        };
        approx(
            &apply(&some(&[5.0, 5.0]), None, by_mean),
            &some(&[100.0, 100.0]),
        );
        approx(&apply(&some(&[5.0]), None, by_mean), &some(&[100.0]));
        approx(&apply(&[None, None], None, by_mean), &[None, None]);
        // group a mean 2: [1, 3] → 50, 150; group b mean 10: [10] → 100
        let out = apply(&some(&[1.0, 10.0, 3.0]), Some(&["a", "b", "a"]), |x| {
            let s = within(x.clone().mean(), Within::PeerGroup);
            score(x, Better::Higher, s, Within::PeerGroup)
        });
        approx(&out, &some(&[50.0, 100.0, 150.0]));
    }
}
