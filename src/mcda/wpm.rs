//! WPM, the weighted product model: P_i = Π_j r_ij^{w_j} with r = x / max_j x for a benefit and
//! min_j x / x for a cost criterion (ratios to the best value, in (0, 1]); P is in (0, 1], 1 for
//! an alternative best in every criterion.
//!
//! Rescaling a column by a positive constant changes no ratio, so P does not depend on units.
//! Computed as the weighted geometric mean exp(Σ w ln r) ([`super::means::weighted_geometric`];
//! Σw = 1). Policy for x ≤ 0: no ratio or logarithm exists; the ratio is set to 0, which makes
//! the alternative's score missing (the geometric mean's policy for values ≤ 0), and
//! [`crate::matrix::run()`] refuses such data, naming the rows and the fix (shift the criterion, or
//! use WSM). A missing x stays missing and is left out of the product, its weight spread over
//! the others. A constant criterion has r = 1 and changes nothing.

use polars::prelude::*;

use super::means::weighted_geometric;
use super::{null, scratch, within, Criterion, Direction};

pub const SCORE: &str = "mcda.wpm.score";

/// The column of a criterion's ratio to the best value.
pub fn value_column(criterion: &Criterion) -> String {
    scratch("r", &criterion.name)
}

/// x / max for a benefit, min / x for a cost criterion; 0 for x ≤ 0.
pub fn ratio(x: Expr, direction: Direction, over: Option<&str>) -> Expr {
    let r = match direction {
        Direction::Benefit => x.clone().true_div(within(x.clone().max(), over)),
        Direction::Cost => within(x.clone().min(), over).true_div(x.clone()),
    };
    when(x.clone().gt(lit(0.0)))
        .then(r)
        .otherwise(when(x.is_not_null()).then(lit(0.0)).otherwise(null()))
}

/// Ratios, then the weighted product (column [`SCORE`]).
pub fn stages(criteria: &[Criterion], weights: &[Expr], over: Option<&str>) -> Vec<Vec<Expr>> {
    let values: Vec<Expr> = criteria
        .iter()
        .map(|c| ratio(c.col(), c.direction, over).alias(value_column(c)))
        .collect();
    let refs: Vec<Expr> = criteria.iter().map(|c| col(value_column(c))).collect();
    vec![
        values,
        vec![weighted_geometric(&refs, weights).alias(SCORE)],
    ]
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, column, criteria, matrix_frame, x_frame};
    use super::*;

    #[test]
    fn weighted_product_of_ratios_on_x() {
        // X, c1 cost, w = [.4, .3, .2, .1]:
        // a3 = (200/300)^.4 · 1^.3 · 1^.2 · (4/5)^.1 = 0.850283 · 0.977933 = 0.831520
        // a2 = 1 · (16/32)^.3 · (8/16)^.2 · (3/5)^.1 = 0.812252 · 0.870551 · 0.950200 = 0.671893
        let w: Vec<Expr> = [0.4, 0.3, 0.2, 0.1].into_iter().map(lit).collect();
        let p = column(&x_frame(), &stages(&criteria(4, &[1]), &w, None), SCORE);
        let expected = |row: [f64; 4]| -> f64 {
            let r = [200.0 / row[0], row[1] / 32.0, row[2] / 16.0, row[3] / 5.0];
            r.iter()
                .zip([0.4, 0.3, 0.2, 0.1])
                .map(|(r, w)| r.powf(w))
                .product()
        };
        let all: Vec<f64> = super::super::testing::X
            .iter()
            .map(|r| expected(*r))
            .collect();
        close(&p, &all, 1e-12);
        close(&[p[2], p[1]], &[0.831520, 0.671893], 1e-6);
    }

    #[test]
    fn non_positive_value_gives_a_missing_score() {
        let frame = matrix_frame(&[vec![0.0, 1.0], vec![2.0, 1.0]], "a");
        let p = column(
            &frame,
            &stages(&criteria(2, &[]), &[lit(0.5), lit(0.5)], None),
            SCORE,
        );
        assert!(p[0].is_nan());
        close(&p[1..], &[1.0], 1e-12);
    }
}
