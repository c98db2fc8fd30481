//! Weighted means of a row's values (COINr `R/aggregate.R`): arithmetic, geometric, harmonic.
//!
//! * arithmetic: Σ w x / Σ w;
//! * geometric: exp(Σ w ln x / Σ w) (= Π x^w when Σw = 1);
//! * harmonic: Σ w / Σ (w/x).
//!
//! Each runs over the values present in the row, with the weights of the missing ones left out
//! and the rest rescaled (COINr's convention); a row with nothing present is missing. Policy for
//! x ≤ 0 in the geometric and harmonic means: the row's mean is missing (COINr raises; ln x and
//! 1/x are undefined or meaningless there). [`crate::matrix::run()`] refuses such data for WPM,
//! naming the rows. Weights must be non-negative.

use polars::prelude::*;

use super::null;

fn total(terms: impl Iterator<Item = Expr>) -> Expr {
    terms.reduce(|a, b| a + b).unwrap_or_else(|| lit(0.0))
}

/// The weight of each value where the value is present, 0 where it is missing.
fn present_weights(values: &[Expr], weights: &[Expr]) -> Vec<Expr> {
    values
        .iter()
        .zip(weights)
        .map(|(x, w)| {
            when(x.clone().is_not_null())
                .then(w.clone())
                .otherwise(lit(0.0))
        })
        .collect()
}

/// Σ w x / Σ w over the present values.
pub fn weighted_arithmetic(values: &[Expr], weights: &[Expr]) -> Expr {
    let w = present_weights(values, weights);
    let numerator = total(
        values
            .iter()
            .zip(&w)
            .map(|(x, w)| w.clone() * x.clone().fill_null(lit(0.0))),
    );
    let denominator = total(w.into_iter());
    when(denominator.clone().gt(lit(0.0)))
        .then(numerator.true_div(denominator))
        .otherwise(null())
}

/// Whether any present value of the row is ≤ 0.
fn any_not_positive(values: &[Expr]) -> Expr {
    total(values.iter().map(|x| {
        x.clone()
            .lt_eq(lit(0.0))
            .fill_null(lit(false))
            .cast(DataType::Float64)
    }))
    .gt(lit(0.0))
}

/// exp(Σ w ln x / Σ w) over the present values; missing when any x ≤ 0.
pub fn weighted_geometric(values: &[Expr], weights: &[Expr]) -> Expr {
    let logs: Vec<Expr> = values
        .iter()
        .map(|x| {
            when(x.clone().gt(lit(0.0)))
                .then(x.clone().log(lit(std::f64::consts::E)))
                .otherwise(null())
        })
        .collect();
    when(any_not_positive(values))
        .then(null())
        .otherwise(weighted_arithmetic(&logs, weights).exp())
}

/// Σ w / Σ (w/x) over the present values; missing when any x ≤ 0.
pub fn weighted_harmonic(values: &[Expr], weights: &[Expr]) -> Expr {
    let w = present_weights(values, weights);
    let denominator = total(
        values
            .iter()
            .zip(&w)
            .map(|(x, w)| w.clone().true_div(x.clone()).fill_null(lit(0.0))),
    );
    let numerator = total(w.into_iter());
    when(any_not_positive(values).or(numerator.clone().lt_eq(lit(0.0))))
        .then(null())
        .otherwise(numerator.true_div(denominator))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, eval};
    use super::*;

    fn frame() -> DataFrame {
        df!(
            "a" => [Some(1.0), Some(4.0), Some(2.0), None],
            "b" => [Some(4.0), Some(1.0), Some(-1.0), Some(5.0)],
        )
        .unwrap()
    }

    #[test]
    fn three_means_with_weights_and_gaps() {
        let values = [col("a"), col("b")];
        let weights = [lit(0.75), lit(0.25)];
        // row 1: a = 1, b = 4; arithmetic 0.75 + 1 = 1.75; geometric 4^0.25 = √2;
        // harmonic 1/(0.75 + 0.0625) = 1.230769. Row 4: a missing → b alone = 5 for all three.
        let arithmetic = eval(&frame(), weighted_arithmetic(&values, &weights));
        close(&arithmetic, &[1.75, 3.25, 1.25, 5.0], 1e-12);
        let geometric = eval(&frame(), weighted_geometric(&values, &weights));
        close(&geometric[..2], &[2f64.sqrt(), 4f64.powf(0.75)], 1e-12);
        assert!(geometric[2].is_nan(), "−1 gives a missing mean");
        close(&geometric[3..], &[5.0], 1e-12);
        let harmonic = eval(&frame(), weighted_harmonic(&values, &weights));
        close(
            &harmonic[..2],
            &[1.0 / 0.8125, 1.0 / (0.1875 + 0.25)],
            1e-12,
        );
        assert!(harmonic[2].is_nan());
        close(&harmonic[3..], &[5.0], 1e-12);
    }

    #[test]
    fn harmonic_le_geometric_le_arithmetic() {
        let frame = df!("a" => [2.0, 9.0], "b" => [8.0, 1.0]).unwrap();
        let values = [col("a"), col("b")];
        let weights = [lit(0.5), lit(0.5)];
        let h = eval(&frame, weighted_harmonic(&values, &weights));
        let g = eval(&frame, weighted_geometric(&values, &weights));
        let a = eval(&frame, weighted_arithmetic(&values, &weights));
        // row 1: 3.2 ≤ 4 ≤ 5; row 2: 1.8 ≤ 3 ≤ 5
        close(&h, &[3.2, 1.8], 1e-12);
        close(&g, &[4.0, 3.0], 1e-12);
        close(&a, &[5.0, 5.0], 1e-12);
    }
}
