//! Percentile rank: `(r − 1) / (n − 1) × 100`, r the competition rank from the worst value
//! (ties share the lowest rank, as R's `rank(ties = "min")`), n the institutions with a value.
//! So the best scores 100, the worst 0, and tied institutions score the same. Policy for n = 1:
//! the single institution scores 100. Missing values score missing and do not count in n.
//!
//! The ranks and counts come from one native kernel ([`super::group_rank`]), equal to polars'
//! `rank(Min)` and `count()` over the peer group and much cheaper at national scale.

use polars::prelude::*;

use super::group_rank::min_rank_score;
use super::Better;
use crate::scheme::Within;

/// `(r − 1) / (n − 1) × 100`, 100 for a lone value: the operations, in order, of the expression
/// `(rank − 1).true_div(count − 1) × 100` this method was first written as.
fn percentile(rank: f64, count: f64) -> f64 {
    if count == 1.0 {
        100.0
    } else {
        (rank - 1.0) / (count - 1.0) * 100.0
    }
}

pub fn score(x: Expr, better: Better, over: Within) -> Expr {
    // Rank 1 goes to the worst value.
    min_rank_score(x, better == Better::Lower, over, percentile)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn reference_fixture() {
        // methods.md §1.1: prank = [0, .25, .5, .75, 1]
        let out = apply(&some(&[10.0, 20.0, 30.0, 40.0, 100.0]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[0.0, 25.0, 50.0, 75.0, 100.0]));
    }

    #[test]
    fn ties_share_the_lower_rank_and_missing_is_skipped() {
        // values 5, 5, 9, missing: ranks 1, 1, 3 of n = 3 → 0, 0, 100
        let out = apply(&[Some(5.0), Some(5.0), Some(9.0), None], None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &[Some(0.0), Some(0.0), Some(100.0), None]);
    }

    #[test]
    fn lower_is_better_and_peer_groups() {
        // group a: [1, 3] lower better → [100, 0]; group b alone → 100
        let out = apply(&some(&[1.0, 3.0, 8.0]), Some(&["a", "a", "b"]), |x| {
            score(x, Better::Lower, Within::PeerGroup)
        });
        approx(&out, &some(&[100.0, 0.0, 100.0]));
    }
}
