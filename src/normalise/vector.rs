//! Vector normalisation: the value over the column's Euclidean norm, `x / √Σx² × 100`, the
//! normalisation of TOPSIS. Lower is better: `(1 − x / √Σx²) × 100`, pymcdm's cost form (so the
//! smallest value scores highest; unlike min-max no value is pinned to 0 or 100).
//!
//! Scale: for non-negative values the scores lie in 0–100 but shrink with the number of
//! institutions — n equal values each score 100 / √n — so beside 0–100 methods an indicator scored
//! this way weighs less than its weight says; use it when every indicator of a composite is scored
//! so. The norm runs over all institutions or within the peer group. Scaling the values by a
//! positive constant leaves the scores unchanged.
//! Policy: when every value is 0 (√Σx² = 0) there is nothing to share out: 0/0 is taken as 0, so
//! every institution with a value scores 0 (lower is better: 100). A single institution with a
//! positive value scores 100 (lower is better: 0). Meant for non-negative values: a negative value
//! gives a negative score (lower is better: above 100). Missing values score missing and do not
//! enter the norm.

use polars::prelude::*;

use super::{within, Better};
use crate::scheme::Within;

pub fn score(x: Expr, better: Better, over: Within) -> Expr {
    let norm = within((x.clone() * x.clone()).sum(), over).sqrt();
    let share = when(norm.clone().eq(lit(0.0)).and(x.clone().is_not_null()))
        .then(lit(0.0))
        .otherwise(x.true_div(norm));
    match better {
        Better::Higher => share * lit(100.0),
        Better::Lower => (lit(1.0) - share) * lit(100.0),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn reference_fixture() {
        // [10, 20, 30, 40, 100]: Σx² = 13000, √ = 114.017543; x / √ × 100
        let x = some(&[10.0, 20.0, 30.0, 40.0, 100.0]);
        let out = apply(&x, None, |x| score(x, Better::Higher, Within::All));
        approx(
            &out,
            &some(&[8.770580, 17.541160, 26.311741, 35.082321, 87.705802]),
        );
        // cost form 1 − x / √
        let out = apply(&x, None, |x| score(x, Better::Lower, Within::All));
        approx(
            &out,
            &some(&[91.229420, 82.458840, 73.688259, 64.917679, 12.294198]),
        );
    }

    #[test]
    fn missing_values_stay_out_of_the_norm() {
        // [3, missing, 4]: √(9 + 16) = 5 → 60, missing, 80
        let out = apply(&[Some(3.0), None, Some(4.0)], None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &[Some(60.0), None, Some(80.0)]);
    }

    #[test]
    fn constant_zero_single_and_all_missing() {
        // four equal values: 1/√4 → 50 each
        let out = apply(&some(&[7.0; 4]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[50.0; 4]));
        let out = apply(&some(&[0.0, 0.0]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[0.0, 0.0]));
        let out = apply(&some(&[0.0, 0.0]), None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &some(&[100.0, 100.0]));
        let out = apply(&some(&[12.0]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[100.0]));
        let out = apply(&[None, None], None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &[None, None]);
    }

    #[test]
    fn within_peer_group() {
        // group a: [3, 4] → 60, 80; group b: [5, 12] → √169 = 13 → 38.461538, 92.307692
        let out = apply(
            &some(&[3.0, 5.0, 4.0, 12.0]),
            Some(&["a", "b", "a", "b"]),
            |x| score(x, Better::Higher, Within::PeerGroup),
        );
        approx(&out, &some(&[60.0, 38.461538, 80.0, 92.307692]));
    }
}
