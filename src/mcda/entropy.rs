//! Entropy weights (熵权法): criteria whose values differ more between alternatives weigh more.
//!
//! p_ij = y_ij / Σ_i y_ij; e_j = −(1/ln n)·Σ_i p_ij ln p_ij; d_j = 1 − e_j; w_j = d_j / Σ_k d_k.
//!
//! What y is ([`EntropyInput`]):
//! * `MinMax` (the default, as the Chinese papers and §2.2 of methods.md): y is the
//!   direction-aware min-max value, so a cost criterion is turned before p is taken, and any sign
//!   of the raw data works. This is what the textbook hospital example (§2.3(b)) uses.
//! * `Raw` (scikit-criteria, pymcdm, pyrepo): y = x, ignoring direction; x must be ≥ 0. With
//!   negative values p is meaningless: the expression skips p ≤ 0 terms, and
//!   [`crate::mcda::weights::compute`] refuses negative data with an error naming the fix (use
//!   the min-max input).
//!
//! Policies: 0·ln 0 := 0 (as scipy, skcriteria and pyrepo; pymcdm raises). A column with Σy = 0
//! (after min-max: never, a constant column becomes all 1) or a single alternative (ln 1 = 0) has
//! e = 1: it carries no information. A constant column has p = 1/n and e = 1, so weight 0. When no
//! criterion carries information (every d = 0) the weights are equal (see
//! [`crate::mcda::weights::shares`]).
//!
//! Computed as Σ p ln p = (Σ y ln y)/T − ln T with T = Σy, one pass over y.

use std::f64::consts::E;

use polars::prelude::*;

use super::{normalise, within, Direction};

/// What entropy is taken of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntropyInput {
    /// Direction-aware min-max values (熵权法 of the Chinese literature).
    MinMax,
    /// Raw values (the Python MCDA libraries); must be non-negative.
    Raw,
}

/// The entropy e_j of the values `y` (≥ 0), over all rows or within each group of `over`.
/// `y` must not itself contain window expressions.
pub fn entropy(y: Expr, over: Option<&str>) -> Expr {
    let n = y.clone().count().cast(DataType::Float64);
    let total = y.clone().sum();
    let y_ln_y = when(y.clone().gt(lit(0.0)))
        .then(y.clone() * y.log(lit(E)))
        .otherwise(lit(0.0))
        .sum();
    let sum_p_ln_p = y_ln_y.true_div(total.clone()) - total.clone().log(lit(E));
    let e = when(n.clone().gt(lit(1.0)).and(total.gt(lit(0.0))))
        .then(lit(0.0) - sum_p_ln_p.true_div(n.log(lit(E))))
        .otherwise(lit(1.0));
    within(e, over)
}

/// The divergence d_j = 1 − e_j of criterion `x`, whose shares are the entropy weights.
pub fn divergence(x: Expr, direction: Direction, input: EntropyInput, over: Option<&str>) -> Expr {
    let y = match input {
        EntropyInput::MinMax => normalise::min_max(x, direction, None),
        EntropyInput::Raw => x,
    };
    lit(1.0) - entropy(y, over)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, criteria, hospital, x_frame};
    use super::super::weights::{compute, Weighting};
    use super::*;

    #[test]
    fn reference_fixture_raw_values() {
        // methods.md §1.3, X, all benefit: w = [0.063915, 0.378831, 0.287921, 0.269333]
        let w = compute(
            &x_frame(),
            &criteria(4, &[]),
            &Weighting::Entropy(EntropyInput::Raw),
        )
        .unwrap();
        close(&w.values, &[0.063915, 0.378831, 0.287921, 0.269333], 1e-6);
        // The weights do not depend on direction with raw values.
        let w_cost = compute(
            &x_frame(),
            &criteria(4, &[1]),
            &Weighting::Entropy(EntropyInput::Raw),
        )
        .unwrap();
        close(&w_cost.values, &w.values, 1e-12);
    }

    #[test]
    fn zero_value_contributes_nothing() {
        // methods.md §1.3: X with x₂₃ = 0 (row 2, column 3): 0·ln0 := 0 gives
        // [0.027197, 0.161197, 0.697002, 0.114604] (skcriteria, pyrepo)
        let mut frame = x_frame();
        frame
            .with_column(Column::new("c3".into(), [12.0, 0.0, 16.0, 8.0, 16.0]))
            .unwrap();
        let w = compute(
            &frame,
            &criteria(4, &[]),
            &Weighting::Entropy(EntropyInput::Raw),
        )
        .unwrap();
        close(&w.values, &[0.027197, 0.161197, 0.697002, 0.114604], 1e-6);
    }

    #[test]
    fn textbook_hospital_after_min_max() {
        // methods.md §2.3(b): e = [0.7085, 0.8248, 0.7106, 0.8003, 0.8546, 0.8058, 0.7780],
        // w = [0.1921, 0.1154, 0.1907, 0.1316, 0.0958, 0.1280, 0.1463] (4 decimals); the
        // values to 1e-6 were recomputed from the same formula in double precision.
        let (frame, criteria) = hospital();
        let w = compute(&frame, &criteria, &Weighting::Entropy(EntropyInput::MinMax)).unwrap();
        let e: Vec<f64> = w
            .statistic
            .as_ref()
            .unwrap()
            .1
            .iter()
            .map(|d| 1.0 - d)
            .collect();
        close(
            &e,
            &[0.7085, 0.8248, 0.7106, 0.8003, 0.8546, 0.8058, 0.7780],
            5e-5,
        );
        close(
            &w.values,
            &[0.1921, 0.1154, 0.1907, 0.1316, 0.0958, 0.1280, 0.1463],
            5e-5,
        );
        close(
            &w.values,
            &[
                0.192113, 0.115432, 0.190703, 0.131628, 0.095843, 0.127979, 0.146302,
            ],
            1e-6,
        );
    }

    #[test]
    fn constant_column_and_single_alternative_carry_no_information() {
        // c2 constant: p = 1/2 each, e = 1, d = 0 → weight 0; c1 gets everything.
        let frame = super::super::testing::matrix_frame(&[vec![1.0, 5.0], vec![3.0, 5.0]], "a");
        let w = compute(
            &frame,
            &criteria(2, &[]),
            &Weighting::Entropy(EntropyInput::Raw),
        )
        .unwrap();
        close(&w.values, &[1.0, 0.0], 1e-12);
        // One alternative: ln n = 0, every e = 1, so equal weights.
        let single = super::super::testing::matrix_frame(&[vec![1.0, 5.0, 7.0]], "a");
        let w = compute(
            &single,
            &criteria(3, &[]),
            &Weighting::Entropy(EntropyInput::MinMax),
        )
        .unwrap();
        close(&w.values, &[1.0 / 3.0; 3], 1e-12);
    }

    #[test]
    fn negative_raw_values_are_refused_with_the_fix() {
        let frame = super::super::testing::matrix_frame(&[vec![-1.0, 5.0], vec![3.0, 6.0]], "a");
        let err = compute(
            &frame,
            &criteria(2, &[]),
            &Weighting::Entropy(EntropyInput::Raw),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("c1") && err.contains("min-max"), "{err}");
        // The min-max input takes them.
        let w = compute(
            &frame,
            &criteria(2, &[]),
            &Weighting::Entropy(EntropyInput::MinMax),
        )
        .unwrap();
        // Both columns min-max to [0, 1]: equal entropy, equal weights.
        close(&w.values, &[0.5, 0.5], 1e-12);
    }

    #[test]
    fn within_groups_equals_each_group_alone() {
        // Group p is X's first two rows, group q the last three.
        let mut frame = x_frame();
        frame
            .with_column(Column::new("g".into(), ["p", "p", "q", "q", "q"]))
            .unwrap();
        let d = divergence(col("c3"), Direction::Benefit, EntropyInput::Raw, Some("g"));
        let out = super::super::testing::eval(&frame, d);
        // p: y = [12, 8], p = [0.6, 0.4], e = −(0.6 ln 0.6 + 0.4 ln 0.4)/ln 2 = 0.970951
        // q: y = [16, 8, 16], p = [0.4, 0.2, 0.4], e = −(2·0.4 ln 0.4 + 0.2 ln 0.2)/ln 3 = 0.960230
        close(
            &out,
            &[
                1.0 - 0.970951,
                1.0 - 0.970951,
                1.0 - 0.960230,
                1.0 - 0.960230,
                1.0 - 0.960230,
            ],
            1e-6,
        );
    }
}
