//! Min-max: the value's position between the lowest and highest value, times 100.
//!
//! Higher is better: `(x − min) / (max − min) × 100`; lower is better: `(max − x) / (max − min) × 100`.
//! Policy for a constant column (max = min, including a single institution): every institution
//! with a value scores 100, since none does worse than another. Missing values score missing and
//! do not enter min or max.

use polars::prelude::*;

use super::{within, Better};
use crate::scheme::Within;

pub fn score(x: Expr, better: Better, over: Within) -> Expr {
    let low = within(x.clone().min(), over);
    let high = within(x.clone().max(), over);
    let spread = high.clone() - low.clone();
    let position = match better {
        Better::Higher => (x.clone() - low).true_div(spread.clone()),
        Better::Lower => (high - x.clone()).true_div(spread.clone()),
    };
    when(spread.eq(lit(0.0)).and(x.is_not_null()))
        .then(lit(100.0))
        .otherwise(position * lit(100.0))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn reference_fixture_higher_is_better() {
        // methods.md §1.1: x = [10, 20, 30, 40, 100] → [0, 11.111111, 22.222222, 33.333333, 100]
        let out = apply(&some(&[10.0, 20.0, 30.0, 40.0, 100.0]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[0.0, 11.111111, 22.222222, 33.333333, 100.0]));
    }

    #[test]
    fn lower_is_better_mirrors() {
        // (100 − x) / 90 × 100
        let out = apply(&some(&[10.0, 20.0, 100.0]), None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &some(&[100.0, 88.888889, 0.0]));
    }

    #[test]
    fn constant_column_scores_full_and_missing_stays_missing() {
        let out = apply(&[Some(7.0), None, Some(7.0)], None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &[Some(100.0), None, Some(100.0)]);
        let all_missing = apply(&[None, None], None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&all_missing, &[None, None]);
    }

    #[test]
    fn within_peer_group_uses_group_extremes() {
        // group a: [0, 10] → [0, 100]; group b: [5, 6, 8] → [0, 33.33, 100]
        let out = apply(
            &some(&[0.0, 5.0, 10.0, 6.0, 8.0]),
            Some(&["a", "b", "a", "b", "b"]),
            |x| score(x, Better::Higher, Within::PeerGroup),
        );
        approx(&out, &some(&[0.0, 0.0, 100.0, 33.333333, 100.0]));
    }
}
