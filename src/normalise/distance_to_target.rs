//! Distance to target: how far a value has come from the worst value towards a target (COINr's
//! `n_dist2targ`). Higher is better `(x − min) / (target − min) × 100`; lower is better
//! `(max − x) / (max − target) × 100`, min and max taken over all institutions or within the peer
//! group. With `cap: true` (the default) values beyond the target score 100, so the score stays in
//! 0–100; `cap: false` keeps COINr's uncapped default (an institution twice as far as the target
//! scores 200).
//!
//! Policy: when the target is at or behind the worst value (target ≤ min when higher is better,
//! target ≥ max when lower is better) every institution has already reached it and scores 100,
//! capped or not. A constant column whose value has not reached the target scores 0: every
//! institution is still at the worst value. Missing values score missing.

use polars::prelude::*;

use super::{within, Better};
use crate::scheme::Within;

pub fn score(x: Expr, better: Better, over: Within, target: f64, cap: bool) -> Expr {
    let (covered, to_go) = match better {
        Better::Higher => {
            let worst = within(x.clone().min(), over);
            (x.clone() - worst.clone(), lit(target) - worst)
        }
        Better::Lower => {
            let worst = within(x.clone().max(), over);
            (worst.clone() - x.clone(), worst - lit(target))
        }
    };
    let share = covered.true_div(to_go.clone()) * lit(100.0);
    let share = if cap {
        share.clip_max(lit(100.0))
    } else {
        share
    };
    when(to_go.lt_eq(lit(0.0)).and(x.is_not_null()))
        .then(lit(100.0))
        .otherwise(share)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn reference_fixture() {
        // methods.md §1.1: dist2targ(t = 50) on [10, 20, 30, 40, 100] = (x − 10) / 40
        // = [0, .25, .5, .75, 2.25]; capped, the last is 1.
        let x = some(&[10.0, 20.0, 30.0, 40.0, 100.0]);
        let out = apply(&x, None, |x| {
            score(x, Better::Higher, Within::All, 50.0, false)
        });
        approx(&out, &some(&[0.0, 25.0, 50.0, 75.0, 225.0]));
        let out = apply(&x, None, |x| {
            score(x, Better::Higher, Within::All, 50.0, true)
        });
        approx(&out, &some(&[0.0, 25.0, 50.0, 75.0, 100.0]));
    }

    #[test]
    fn lower_is_better_measures_from_the_maximum() {
        // days waiting [40, 25, 10, missing], target 20: (40 − x) / (40 − 20) → 0, 75, 150 → 100
        let out = apply(&[Some(40.0), Some(25.0), Some(10.0), None], None, |x| {
            score(x, Better::Lower, Within::All, 20.0, true)
        });
        approx(&out, &[Some(0.0), Some(75.0), Some(100.0), None]);
    }

    #[test]
    fn target_already_reached_by_the_worst_and_constant_columns() {
        // worst value 60 ≥ target 50: everyone has reached it
        let out = apply(&some(&[60.0, 80.0]), None, |x| {
            score(x, Better::Higher, Within::All, 50.0, false)
        });
        approx(&out, &some(&[100.0, 100.0]));
        // constant 30 short of the target 50: all still at the worst value
        let out = apply(&some(&[30.0, 30.0]), None, |x| {
            score(x, Better::Higher, Within::All, 50.0, true)
        });
        approx(&out, &some(&[0.0, 0.0]));
        // a single institution is its own worst value
        let out = apply(&some(&[30.0]), None, |x| {
            score(x, Better::Higher, Within::All, 50.0, true)
        });
        approx(&out, &some(&[0.0]));
        let out = apply(&[None, None], None, |x| {
            score(x, Better::Higher, Within::All, 50.0, true)
        });
        approx(&out, &[None, None]);
    }

    #[test]
    fn within_peer_group() {
        // group a: min 10 → (x − 10)/40: 0, 50; group b: min 30 → (x − 30)/20: 0, 50
        let out = apply(
            &some(&[10.0, 30.0, 30.0, 40.0]),
            Some(&["a", "a", "b", "b"]),
            |x| score(x, Better::Higher, Within::PeerGroup, 50.0, true),
        );
        approx(&out, &some(&[0.0, 50.0, 0.0, 50.0]));
    }
}
