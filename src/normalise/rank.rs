//! Rank: the competition rank from the worst value, `r` (1 = worst, n = best), as R's
//! `rank(x, ties = "min", na.last = "keep")` on the values ordered worst to best; with
//! `borda: true` the Borda count `r − 1` (0 = worst).
//!
//! Scale: not 0–100. The best of n institutions scores n (Borda n − 1), so the scale grows with
//! the number of institutions with a value (in the peer group with `within: peer_group`); use
//! `percentile_rank` for the same order on 0–100. Ties share the lower rank: [5, 5, 9] ranks
//! 1, 1, 3. Policy: a constant column (and a single institution) ranks every institution with a
//! value 1 (Borda 0), since none does better than another. Missing values score missing and do not
//! count.
//!
//! The ranks come from one native kernel ([`super::group_rank`]), equal to polars' `rank(Min)`
//! over the peer group and much cheaper at national scale.

use polars::prelude::*;

use super::group_rank::min_rank_score;
use super::Better;
use crate::scheme::Within;

fn rank(rank: f64, _count: f64) -> f64 {
    rank
}

fn borda(rank: f64, _count: f64) -> f64 {
    rank - 1.0
}

pub fn score(x: Expr, better: Better, over: Within, borda: bool) -> Expr {
    // Rank 1 goes to the worst value.
    let descending = better == Better::Lower;
    match borda {
        true => min_rank_score(x, descending, over, self::borda),
        false => min_rank_score(x, descending, over, rank),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn reference_fixture() {
        // methods.md §1.1: rank(x, ties = "min") on [10, 20, 30, 40, 100] = [1, 2, 3, 4, 5];
        // Borda r − 1 = [0, 1, 2, 3, 4].
        let x = some(&[10.0, 20.0, 30.0, 40.0, 100.0]);
        let out = apply(&x, None, |x| score(x, Better::Higher, Within::All, false));
        approx(&out, &some(&[1.0, 2.0, 3.0, 4.0, 5.0]));
        let out = apply(&x, None, |x| score(x, Better::Higher, Within::All, true));
        approx(&out, &some(&[0.0, 1.0, 2.0, 3.0, 4.0]));
    }

    #[test]
    fn ties_share_the_lower_rank_lower_is_better_reverses() {
        // lower better on [3, 1, 3, 7, missing]: worst 7 → 1, then the two 3s tie at 2, 1 → 4
        let out = apply(
            &[Some(3.0), Some(1.0), Some(3.0), Some(7.0), None],
            None,
            |x| score(x, Better::Lower, Within::All, false),
        );
        approx(&out, &[Some(2.0), Some(4.0), Some(2.0), Some(1.0), None]);
    }

    #[test]
    fn constant_column_single_institution_and_all_missing() {
        let out = apply(&some(&[4.0, 4.0, 4.0]), None, |x| {
            score(x, Better::Higher, Within::All, false)
        });
        approx(&out, &some(&[1.0, 1.0, 1.0]));
        let out = apply(&some(&[4.0]), None, |x| {
            score(x, Better::Higher, Within::All, true)
        });
        approx(&out, &some(&[0.0]));
        let out = apply(&[None, None], None, |x| {
            score(x, Better::Higher, Within::All, false)
        });
        approx(&out, &[None, None]);
    }

    #[test]
    fn within_peer_group() {
        // group a: [10, 30] → 1, 2; group b: [20, 5, 8] → 3, 1, 2
        let out = apply(
            &some(&[10.0, 20.0, 30.0, 5.0, 8.0]),
            Some(&["a", "b", "a", "b", "b"]),
            |x| score(x, Better::Higher, Within::PeerGroup, false),
        );
        approx(&out, &some(&[1.0, 3.0, 2.0, 1.0, 2.0]));
    }
}
