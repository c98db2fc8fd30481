//! Goalposts: linear between two values, `clip((x − zero_at) / (full_at − zero_at), 0, 1) × 100`.
//! `zero_at` scores 0 and `full_at` scores 100; for a lower-is-better indicator `full_at` is the
//! smaller one (the scheme check makes sure the pair agrees with the direction). Values beyond
//! either goalpost are clipped, so the score stays within 0–100.

use polars::prelude::*;

pub fn score(x: Expr, zero_at: f64, full_at: f64) -> Expr {
    (x - lit(zero_at))
        .true_div(lit(full_at - zero_at))
        .clip(lit(0.0), lit(1.0))
        * lit(100.0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn reference_fixture() {
        // methods.md §1.1: goalposts [0, 50] × 100 on [10, 20, 30, 40, 100] → [20, 40, 60, 80, 100]
        let out = apply(&some(&[10.0, 20.0, 30.0, 40.0, 100.0]), None, |x| {
            score(x, 0.0, 50.0)
        });
        approx(&out, &some(&[20.0, 40.0, 60.0, 80.0, 100.0]));
    }

    #[test]
    fn lower_is_better_goalposts() {
        // infection rate: 2% or more scores 0, 0.5% or less scores 100; 1.25% is half way
        let out = apply(&some(&[2.5, 1.25, 0.4]), None, |x| score(x, 2.0, 0.5));
        approx(&out, &some(&[0.0, 50.0, 100.0]));
    }
}
