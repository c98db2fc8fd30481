//! WSM, the weighted sum model (简单加权法, SAW): S_i = Σ_j w_j y_ij with y the direction-aware
//! min-max value (default), so S is in [0, 1], 1 for an alternative best in every criterion.
//!
//! The normalised values must all point the same way before they are added: min-max and reciprocal
//! turn cost criteria; vector and sum keep direction, so [`crate::matrix::run()`] accepts them only
//! when every criterion is a benefit. Policy for a constant criterion: its min-max value is 1 for
//! everyone (see [`super::normalise`]), which shifts every score by w_j and changes no rank. The
//! sum is [`super::means::weighted_arithmetic`] (weights sum to 1).

use polars::prelude::*;

use super::means::weighted_arithmetic;
use super::normalise::Normalisation;
use super::{scratch, Criterion};

pub const SCORE: &str = "mcda.wsm.score";

/// The column of a criterion's normalised value.
pub fn value_column(criterion: &Criterion) -> String {
    scratch("y", &criterion.name)
}

/// Normalised values, then the weighted sum (column [`SCORE`]).
pub fn stages(
    criteria: &[Criterion],
    weights: &[Expr],
    normalisation: Normalisation,
    over: Option<&str>,
) -> Vec<Vec<Expr>> {
    let values: Vec<Expr> = criteria
        .iter()
        .map(|c| {
            normalisation
                .apply(c.col(), c.direction, over)
                .0
                .alias(value_column(c))
        })
        .collect();
    let refs: Vec<Expr> = criteria.iter().map(|c| col(value_column(c))).collect();
    vec![
        values,
        vec![weighted_arithmetic(&refs, weights).alias(SCORE)],
    ]
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, column, criteria, x_frame};
    use super::*;

    #[test]
    fn weighted_sum_of_min_max_values_on_x() {
        // X, c1 cost, w = [.4, .3, .2, .1]; min-max values (see std_dev tests):
        // y1 = [0.5, 1, 0, 0.25, 0.75], y2 = [0, 0, 1, 1, 0], y3 = [0.5, 0, 1, 0, 1],
        // y4 = [1, 1/3, 2/3, 2/3, 0]
        // a1 = 0.2 + 0 + 0.1 + 0.1 = 0.4; a2 = 0.4 + 0.0333 = 0.433333; a3 = 0.3 + 0.2 + 0.066667
        // = 0.566667; a4 = 0.1 + 0.3 + 0.066667 = 0.466667; a5 = 0.3 + 0.2 = 0.5
        let w: Vec<Expr> = [0.4, 0.3, 0.2, 0.1].into_iter().map(lit).collect();
        let stages = stages(&criteria(4, &[1]), &w, Normalisation::MinMax, None);
        let s = column(&x_frame(), &stages, SCORE);
        close(&s, &[0.4, 0.433333, 0.566667, 0.466667, 0.5], 1e-6);
    }
}
