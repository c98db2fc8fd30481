//! Target attainment: higher is better `min(1, x / target) × 100`; lower is better
//! `min(1, target / x) × 100`. Policy: a negative value of a higher-is-better indicator scores 0;
//! a value of 0 or below for a lower-is-better indicator meets the target and scores 100.
//! The target must be positive (checked when the scheme loads).

use polars::prelude::*;

use super::Better;

pub fn score(x: Expr, better: Better, target: f64) -> Expr {
    let attainment = match better {
        Better::Higher => x.true_div(lit(target)).clip(lit(0.0), lit(1.0)),
        Better::Lower => when(x.clone().lt_eq(lit(0.0)))
            .then(lit(1.0))
            .otherwise(lit(target).true_div(x).clip(lit(0.0), lit(1.0))),
    };
    attainment * lit(100.0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn higher_is_better_caps_at_the_target() {
        // target 5 (e.g. EMR level 5): 4 → 80, 5 → 100, 7 → 100, −1 → 0
        let out = apply(
            &[Some(4.0), Some(5.0), Some(7.0), Some(-1.0), None],
            None,
            |x| score(x, Better::Higher, 5.0),
        );
        approx(
            &out,
            &[Some(80.0), Some(100.0), Some(100.0), Some(0.0), None],
        );
    }

    #[test]
    fn lower_is_better_is_inverse() {
        // target 30 minutes: 40 → 75, 30 → 100, 20 → 100, 0 → 100
        let out = apply(&some(&[40.0, 30.0, 20.0, 0.0]), None, |x| {
            score(x, Better::Lower, 30.0)
        });
        approx(&out, &some(&[75.0, 100.0, 100.0, 100.0]));
    }
}
