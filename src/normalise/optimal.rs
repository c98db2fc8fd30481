//! Optimal point or band (中优): `(1 − d / max d) × 100`, d the distance from the best value —
//! `|x − at|` for `scoring: {method: optimal, at: M}`, or with direction band the distance from
//! the band (0 inside it). The institution at the optimum scores 100 and the one farthest from
//! it 0, linear in between; max d runs over all institutions or within the peer group.
//!
//! Against `median_distance`: the same formula, but the best value is fixed by the scheme (the
//! 平均住院日 an authority wants, a bed occupancy of 93%) instead of being the group's median, so
//! a score does not move when the other institutions do, except through max d. Against
//! `min_max` on a band indicator: min-max scores `(max d − d) / (max d − min d)`, pinning the
//! institution closest to the band at 100 even when it is outside; `optimal` gives 100 only at
//! the optimum.
//! Policy: when every value is at the optimum (max d = 0, including a single institution there)
//! every institution with a value scores 100; a single institution away from it scores 0 (it is
//! the farthest). Missing values score missing.

use polars::prelude::*;

use super::within;
use crate::scheme::Within;

/// The score of `distance` (≥ 0) from the optimum.
pub fn score(distance: Expr, over: Within) -> Expr {
    let farthest = within(distance.clone().max(), over);
    when(
        farthest
            .clone()
            .eq(lit(0.0))
            .and(distance.clone().is_not_null()),
    )
    .then(lit(100.0))
    .otherwise((lit(1.0) - distance.true_div(farthest)) * lit(100.0))
}

/// `|x − at|`.
pub fn distance_from(x: Expr, at: f64) -> Expr {
    (x - lit(at)).abs()
}

#[cfg(test)]
mod tests {
    use super::super::band;
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn one_minus_relative_distance_from_the_optimum() {
        // methods.md §2.1 中优: 1 − |x − M| / max |x − M|. 平均住院日 [6, 8, 9, 12], M = 8:
        // d = 2, 0, 1, 4 → (1 − d/4) × 100 = 50, 100, 75, 0
        let out = apply(&some(&[6.0, 8.0, 9.0, 12.0]), None, |x| {
            score(distance_from(x, 8.0), Within::All)
        });
        approx(&out, &some(&[50.0, 100.0, 75.0, 0.0]));
    }

    #[test]
    fn differs_from_median_distance_when_the_optimum_is_not_the_median() {
        // [6, 8, 9, 12]: median 8.5 would score 9 higher than 8; with M = 8 the order is fixed.
        // M = 10: d = 4, 2, 1, 2 → 0, 50, 75, 50
        let out = apply(&some(&[6.0, 8.0, 9.0, 12.0]), None, |x| {
            score(distance_from(x, 10.0), Within::All)
        });
        approx(&out, &some(&[0.0, 50.0, 75.0, 50.0]));
    }

    #[test]
    fn band_distance_is_zero_inside() {
        // band [40, 60]: [35, 50, 70, 55] → d = 5, 0, 10, 0 → 50, 100, 0, 100
        let out = apply(&some(&[35.0, 50.0, 70.0, 55.0]), None, |x| {
            score(band::distance(x, 40.0, 60.0), Within::All)
        });
        approx(&out, &some(&[50.0, 100.0, 0.0, 100.0]));
    }

    #[test]
    fn all_at_the_optimum_single_and_all_missing() {
        let out = apply(&[Some(8.0), Some(8.0), None], None, |x| {
            score(distance_from(x, 8.0), Within::All)
        });
        approx(&out, &[Some(100.0), Some(100.0), None]);
        let out = apply(&some(&[9.5]), None, |x| {
            score(distance_from(x, 8.0), Within::All)
        });
        approx(&out, &some(&[0.0]));
        let out = apply(&[None, None], None, |x| {
            score(distance_from(x, 8.0), Within::All)
        });
        approx(&out, &[None, None]);
    }

    #[test]
    fn within_peer_group() {
        // M = 8; group a: [6, 9] d 2, 1 → 0, 50; group b: [8, 12] d 0, 4 → 100, 0
        let out = apply(
            &some(&[6.0, 8.0, 9.0, 12.0]),
            Some(&["a", "b", "a", "b"]),
            |x| score(distance_from(x, 8.0), Within::PeerGroup),
        );
        approx(&out, &some(&[0.0, 100.0, 50.0, 0.0]));
    }
}
