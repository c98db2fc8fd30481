//! Standard-deviation weights (标准差法): w_j = s_j / Σ_k s_k, with s_j the sample SD (n − 1) of the
//! criterion's min-max values.
//!
//! scikit-criteria takes the SD of the raw values, which makes the weights depend on units (a
//! column in 元 outweighs one in 万元); jixiao takes it after the direction-aware min-max, as the
//! Chinese papers do, so the weights are unit-free and rescaling a column changes nothing.
//! Policies: a constant criterion has s = 0, so weight 0; a single alternative has no sample SD
//! (taken as 0), so with every s = 0 the weights are equal ([`crate::mcda::weights::shares`]).

use polars::prelude::*;

use super::within;

/// The sample SD of the min-max values `z` (no window expressions inside), 0 when undefined.
pub fn spread(z: Expr, over: Option<&str>) -> Expr {
    within(z.std(1).fill_null(lit(0.0)).fill_nan(lit(0.0)), over)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, criteria, matrix_frame, x_frame};
    use super::super::weights::{compute, Weighting};

    #[test]
    fn weights_are_shares_of_the_min_max_sd() {
        // X, c1 cost: z1 = (300 − x)/100 = [0.5, 1, 0, 0.25, 0.75], s = 0.395285
        // z2 = [0, 0, 1, 1, 0], s = 0.547723; z3 = [0.5, 0, 1, 0, 1], s = 0.5
        // z4 = [1, 1/3, 2/3, 2/3, 0], s = 0.380058; Σ = 1.823066
        let w = compute(&x_frame(), &criteria(4, &[1]), &Weighting::StdDev).unwrap();
        close(&w.values, &[0.216824, 0.300440, 0.274263, 0.208472], 1e-6);
    }

    #[test]
    fn rescaling_changes_nothing_and_single_row_gives_equal_weights() {
        let scaled: Vec<Vec<f64>> = super::super::testing::X
            .iter()
            .map(|r| vec![r[0] * 1000.0, r[1], r[2], r[3]])
            .collect();
        let a = compute(&x_frame(), &criteria(4, &[1]), &Weighting::StdDev).unwrap();
        let b = compute(
            &matrix_frame(&scaled, "a"),
            &criteria(4, &[1]),
            &Weighting::StdDev,
        )
        .unwrap();
        close(&a.values, &b.values, 1e-12);
        let single = matrix_frame(&[vec![1.0, 2.0]], "a");
        let w = compute(&single, &criteria(2, &[]), &Weighting::StdDev).unwrap();
        close(&w.values, &[0.5, 0.5], 0.0);
    }
}
