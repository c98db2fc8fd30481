//! 功效系数法 (efficacy coefficient): `60 + 40 × (x − x_s) / (x_h − x_s)`, x_h the satisfactory
//! value (满意值, scores 100) and x_s the unacceptable one (不允许值, scores 60, the pass mark).
//! For a lower-is-better indicator x_h is the smaller value, which reverses the scale with the
//! same formula (the scheme check makes sure the pair agrees with the direction). Either value
//! may be a number or a statistic of the column (`max`, `min`, `mean`, `median`, over all
//! institutions or within the peer group), e.g. `satisfactory: max, unacceptable: min` for the
//! sample's best and worst.
//!
//! Clipping policy: with `clip: true` (the default) scores are clipped to 0–100 — a value beyond
//! the satisfactory one scores 100, a value worse than the unacceptable one scores below 60 (it
//! fails) but not below 0, reached at `x_s − 1.5 (x_h − x_s)`. `clip: false` keeps the raw
//! formula (above 100 and below 0 possible). Policy when the two values coincide (only possible
//! with statistics, e.g. `max`/`min` of a constant column or a single institution): every
//! institution with a value scores 100. Missing values score missing.

use polars::prelude::*;

/// The score of `x` between `satisfactory` and `unacceptable` (expressions: numbers or
/// column statistics).
pub fn score(x: Expr, satisfactory: Expr, unacceptable: Expr, clip: bool) -> Expr {
    let span = satisfactory - unacceptable.clone();
    let raw = lit(60.0) + lit(40.0) * (x.clone() - unacceptable).true_div(span.clone());
    let raw = if clip {
        raw.clip(lit(0.0), lit(100.0))
    } else {
        raw
    };
    when(span.eq(lit(0.0)).and(x.is_not_null()))
        .then(lit(100.0))
        .otherwise(raw)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::super::within;
    use super::*;
    use crate::scheme::Within;

    #[test]
    fn sixty_at_unacceptable_hundred_at_satisfactory() {
        // satisfaction survey: satisfactory 95, unacceptable 75.
        // 85 → 60 + 40 × 10/20 = 80; 95 → 100; 75 → 60; 70 → 50; 100 → 110 → 100; 40 → −10 → 0
        let x = some(&[85.0, 95.0, 75.0, 70.0, 100.0, 40.0]);
        let out = apply(&x, None, |x| score(x, lit(95.0), lit(75.0), true));
        approx(&out, &some(&[80.0, 100.0, 60.0, 50.0, 100.0, 0.0]));
        let out = apply(&x, None, |x| score(x, lit(95.0), lit(75.0), false));
        approx(&out, &some(&[80.0, 100.0, 60.0, 50.0, 110.0, -10.0]));
    }

    #[test]
    fn lower_is_better_reverses() {
        // infection rate: satisfactory 0.5, unacceptable 2.0; 1.25 → 60 + 40 × (−0.75/−1.5) = 80;
        // 2.6 → 60 + 40 × (0.6/−1.5) = 44
        let out = apply(&some(&[1.25, 2.6, 0.3]), None, |x| {
            score(x, lit(0.5), lit(2.0), true)
        });
        approx(&out, &some(&[80.0, 44.0, 100.0]));
    }

    #[test]
    fn sample_best_and_worst() {
        // satisfactory max, unacceptable min on [10, 20, 30, 40, 100]: 60 + 40 (x − 10)/90
        let out = apply(&some(&[10.0, 20.0, 30.0, 40.0, 100.0]), None, |x| {
            let best = within(x.clone().max(), Within::All);
            let worst = within(x.clone().min(), Within::All);
            score(x, best, worst, true)
        });
        approx(&out, &some(&[60.0, 64.444444, 68.888889, 73.333333, 100.0]));
    }

    #[test]
    fn coinciding_values_single_and_all_missing() {
        // a constant column with satisfactory max, unacceptable min: both 7
        let stats = |x: Expr| {
            let best = x.clone().max();
            let worst = x.clone().min();
            score(x, best, worst, true)
        };
        approx(
            &apply(&some(&[7.0, 7.0]), None, stats),
            &some(&[100.0, 100.0]),
        );
        approx(&apply(&some(&[7.0]), None, stats), &some(&[100.0]));
        approx(&apply(&[None, None], None, stats), &[None, None]);
    }
}
