//! Threshold: full marks (100) when the value reaches the threshold — `x ≥ threshold` when higher
//! is better, `x ≤ threshold` when lower is better — and `otherwise` (default 0) when it does not.
//! The all-or-nothing rule of many assessment items (达标得满分).

use polars::prelude::*;

use super::Better;

pub fn score(x: Expr, better: Better, threshold: f64, otherwise: f64) -> Expr {
    let met = match better {
        Better::Higher => x.clone().gt_eq(lit(threshold)),
        Better::Lower => x.clone().lt_eq(lit(threshold)),
    };
    when(x.is_null())
        .then(super::null())
        .when(met)
        .then(lit(100.0))
        .otherwise(lit(otherwise))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx};
    use super::*;

    #[test]
    fn full_marks_on_reaching_the_threshold() {
        let out = apply(&[Some(89.9), Some(90.0), Some(95.0), None], None, |x| {
            score(x, Better::Higher, 90.0, 0.0)
        });
        approx(&out, &[Some(0.0), Some(100.0), Some(100.0), None]);
        let down = apply(&[Some(0.0), Some(1.0), Some(1.5)], None, |x| {
            score(x, Better::Lower, 1.0, 40.0)
        });
        approx(&down, &[Some(100.0), Some(100.0), Some(40.0)]);
    }
}
