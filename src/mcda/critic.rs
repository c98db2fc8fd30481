//! CRITIC weights (Diakoulaki 1995): a criterion weighs more when its values vary more and when it
//! conflicts with (is less correlated to) the others.
//!
//! z_j = direction-aware min-max of x_j; σ_j = SD of z_j; r_jk = Pearson correlation of z_j and
//! z_k; C_j = σ_j · Σ_k (1 − r_jk); w_j = C_j / Σ_k C_k. The SD is taken with ddof 0 for σ and the
//! covariance alike: ddof cancels in w (skcriteria uses 0, pymcdm 1, same weights).
//!
//! Policies: a constant criterion (σ = 0, including a single alternative, or one with no value)
//! has C = 0, so weight 0, and is left out of the other criteria's conflict sums (its correlation
//! is undefined; pymcdm gives NaN). So adding a constant criterion changes no other weight —
//! except that with a single varying criterion the conflict sum is empty and every C is 0 (as
//! when all varying criteria are perfectly correlated): then the weights go by σ alone
//! ([`spread`]), so the varying criteria share them and constant ones still get 0. When every
//! criterion is constant the weights are equal ([`crate::mcda::weights::shares`]).
//!
//! 1 − r below 1e-12 is taken as 0 (rounding of a perfect correlation, which could otherwise
//! leave a noise-sized C deciding the weights).
//!
//! Cost: m(m − 1) covariances, each one pass over the rows.

use polars::prelude::*;

use super::within;

/// The information C_j of each criterion from the min-max values `z` (benefit-oriented, one
/// expression per criterion, without window expressions inside), over all rows or within each
/// group of `over`.
pub fn information(z: &[Expr], over: Option<&str>) -> Vec<Expr> {
    let sd = |e: &Expr| e.clone().std(0);
    let covariance =
        |a: &Expr, b: &Expr| (a.clone() * b.clone()).mean() - a.clone().mean() * b.clone().mean();
    (0..z.len())
        .map(|j| {
            let conflict = (0..z.len())
                .filter(|&k| k != j)
                .map(|k| {
                    let both_vary = sd(&z[j]).gt(lit(0.0)).and(sd(&z[k]).gt(lit(0.0)));
                    let r = covariance(&z[j], &z[k]).true_div(sd(&z[j]) * sd(&z[k]));
                    // 1 − r within 1e-12 of 0 is rounding (r of perfectly correlated columns
                    // comes out as 1 ± a few ulps): counted as 0, never negative.
                    let apart = lit(1.0) - r;
                    when(both_vary.and(apart.clone().gt(lit(1e-12))))
                        .then(apart)
                        .otherwise(lit(0.0))
                })
                .reduce(|a, b| a + b)
                .unwrap_or_else(|| lit(0.0));
            within((sd(&z[j]) * conflict).fill_null(lit(0.0)), over)
        })
        .collect()
}

/// σ_j of each min-max column (the fallback statistic when every C is 0).
pub fn spread(z: &[Expr], over: Option<&str>) -> Vec<Expr> {
    z.iter()
        .map(|z| within(z.clone().std(0).fill_null(lit(0.0)), over))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, criteria, hospital, matrix_frame, x_frame};
    use super::super::weights::{compute, Weighting};

    #[test]
    fn reference_fixture() {
        // methods.md §1.3, X all benefit: w = [0.130180, 0.259027, 0.378476, 0.232317]
        let w = compute(&x_frame(), &criteria(4, &[]), &Weighting::Critic).unwrap();
        close(&w.values, &[0.130180, 0.259027, 0.378476, 0.232317], 1e-6);
    }

    #[test]
    fn textbook_hospital() {
        // methods.md §2.3(b): w = [0.1295, 0.0796, 0.1757, 0.1048, 0.0987, 0.1073, 0.3044];
        // to 1e-6 recomputed from the same formula in double precision.
        let (frame, criteria) = hospital();
        let w = compute(&frame, &criteria, &Weighting::Critic).unwrap();
        close(
            &w.values,
            &[0.1295, 0.0796, 0.1757, 0.1048, 0.0987, 0.1073, 0.3044],
            5e-5,
        );
        close(
            &w.values,
            &[
                0.129464, 0.079610, 0.175748, 0.104812, 0.098727, 0.107282, 0.304356,
            ],
            1e-6,
        );
    }

    #[test]
    fn constant_criterion_gets_zero_and_changes_no_other_weight() {
        let rows: Vec<Vec<f64>> = super::super::testing::X
            .iter()
            .map(|r| {
                let mut r = r.to_vec();
                r.push(7.0);
                r
            })
            .collect();
        let w = compute(
            &matrix_frame(&rows, "a"),
            &criteria(5, &[]),
            &Weighting::Critic,
        )
        .unwrap();
        close(
            &w.values,
            &[0.130180, 0.259027, 0.378476, 0.232317, 0.0],
            1e-6,
        );
        // One varying criterion: the conflict sum is empty, so the weight goes by σ: [1, 0].
        let two = matrix_frame(&[vec![1.0, 2.0], vec![3.0, 2.0], vec![4.0, 2.0]], "a");
        let w = compute(&two, &criteria(2, &[]), &Weighting::Critic).unwrap();
        close(&w.values, &[1.0, 0.0], 0.0);
        // Perfectly correlated criteria: C = 0 for both, weights by σ (0.5/0.5 for equal σ).
        let twins = matrix_frame(&[vec![0.1, 10.3], vec![0.7, 20.9], vec![1.3, 31.5]], "a");
        let w = compute(&twins, &criteria(2, &[]), &Weighting::Critic).unwrap();
        close(&w.values, &[0.5, 0.5], 1e-12);
        // All constant: equal weights, no NaN.
        let flat = matrix_frame(&[vec![1.0, 2.0], vec![1.0, 2.0]], "a");
        let w = compute(&flat, &criteria(2, &[]), &Weighting::Critic).unwrap();
        close(&w.values, &[0.5, 0.5], 0.0);
    }

    #[test]
    fn direction_is_applied_before_the_correlations() {
        // Turning c1 into a cost mirrors z1 (z → 1 − z): σ1 is the same but every r1k changes
        // sign, so the conflict sums and the weights change.
        let benefit = compute(&x_frame(), &criteria(4, &[]), &Weighting::Critic).unwrap();
        let cost = compute(&x_frame(), &criteria(4, &[1]), &Weighting::Critic).unwrap();
        assert!((benefit.values[0] - cost.values[0]).abs() > 1e-3);
    }
}
