//! Median distance: how close a value is to the median, for 监测比较 indicators that have no better end.
//!
//! `d = |x − median|`, `score = (1 − d / max d) × 100`: 100 at the median of the group, 0 at the
//! value farthest from it, linear in between. The median is the middle value (the mean of the two
//! middle values for an even count), taken over all institutions or within the peer group.
//! Policy: when every value equals the median (max d = 0, including a single institution), every
//! institution with a value scores 100. Missing values score missing and do not enter the median.

use polars::prelude::*;

use super::within;
use crate::scheme::Within;

pub fn score(x: Expr, over: Within) -> Expr {
    let median = within(x.clone().median(), over);
    let distance = (x.clone() - median).abs();
    let farthest = within(distance.clone().max(), over);
    when(farthest.clone().eq(lit(0.0)).and(x.is_not_null()))
        .then(lit(100.0))
        .otherwise((lit(1.0) - distance.true_div(farthest)) * lit(100.0))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn closest_to_the_median_scores_highest() {
        // median of [2, 4, 5, 9] = 4.5; distances 2.5, 0.5, 0.5, 4.5;
        // scores (1 − d/4.5)·100 = 44.444444, 88.888889, 88.888889, 0
        let out = apply(&some(&[2.0, 4.0, 5.0, 9.0]), None, |x| {
            score(x, Within::All)
        });
        approx(&out, &some(&[44.444444, 88.888889, 88.888889, 0.0]));
    }

    #[test]
    fn within_peer_group_and_missing_values() {
        // group a: [10, 20, 60] median 20, distances 10, 0, 40 → 75, 100, 0;
        // group b: [5, missing] median 5 → a constant group: 100, missing stays missing.
        let out = apply(
            &[Some(10.0), Some(20.0), Some(60.0), Some(5.0), None],
            Some(&["a", "a", "a", "b", "b"]),
            |x| score(x, Within::PeerGroup),
        );
        approx(
            &out,
            &[Some(75.0), Some(100.0), Some(0.0), Some(100.0), None],
        );
    }
}
