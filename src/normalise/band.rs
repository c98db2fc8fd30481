//! Optimal band (中优): the distance of a value from `[low, high]`, 0 inside the band.
//!
//! `distance = max(low − x, 0, x − high)`; the distance is then scored by the indicator's method
//! with lower being better. `scoring: {method: optimal}` gives the usual 中优 formula
//! `(1 − d / max d) × 100` (see `super::optimal`); min-max gives `(max d − d) / (max d − min d)`,
//! the same when some institution is inside the band.

use polars::prelude::*;

pub fn distance(x: Expr, low: f64, high: f64) -> Expr {
    when(x.clone().lt(lit(low)))
        .then(lit(low) - x.clone())
        .when(x.clone().gt(lit(high)))
        .then(x.clone() - lit(high))
        .when(x.is_not_null())
        .then(lit(0.0))
        .otherwise(super::null())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx};
    use super::super::{min_max, Better};
    use super::*;
    use crate::scheme::Within;

    #[test]
    fn distance_is_zero_inside_the_band() {
        let out = apply(&[Some(35.0), Some(50.0), Some(70.0), None], None, |x| {
            distance(x, 40.0, 60.0)
        });
        approx(&out, &[Some(5.0), Some(0.0), Some(10.0), None]);
    }

    #[test]
    fn scored_with_min_max_gives_one_minus_relative_distance() {
        // distances 5, 0, 10 → 1 − d/10 → 50, 100, 0
        let out = apply(&[Some(35.0), Some(50.0), Some(70.0)], None, |x| {
            min_max::score(distance(x, 40.0, 60.0), Better::Lower, Within::All)
        });
        approx(&out, &[Some(50.0), Some(100.0), Some(0.0)]);
    }
}
