//! Normalisations of a decision matrix's columns, as the decision-matrix methods use them.
//!
//! * **vector**: r = x / √Σx². Direction is kept: for a cost criterion the ideal is the smallest
//!   r. TOPSIS's default. An all-zero column gives r = 0 (it carries no information).
//! * **min-max**: y = (x − min)/(max − min) for benefit, (max − x)/(max − min) for cost; the result
//!   is benefit-oriented in [0, 1]. WSM's default, and the input of entropy (熵权法 of the Chinese
//!   papers), CRITIC and standard-deviation weights. Policy for a constant column (max = min,
//!   including a single alternative): every value is 1 (as pymcdm; COINr gives NaN) — nobody
//!   does worse than another, and entropy, CRITIC and SD all read it as "no information".
//! * **sum**: r = x / Σx, direction kept. Meant for non-negative data
//!   ([`crate::matrix::run()`] refuses negative values with it); an all-zero column gives 0.
//! * **reciprocal**: the classic medical-statistics transform for TOPSIS (§2.1/§2.3(b) of
//!   methods.md): a cost criterion becomes 1/x, a benefit stays x, then the vector normalisation;
//!   the result is benefit-oriented. Needs x > 0 on cost criteria: the expression gives a missing
//!   value for x ≤ 0, and [`crate::matrix::run()`] refuses such data, naming the rows.
//!
//! VIKOR normalises by (f* − f)/(f* − f⁻) itself ([`crate::mcda::vikor`]), RSR uses ranks
//! ([`crate::mcda::rsr`]) and WPM ratios to the best value ([`crate::mcda::wpm`]).
//! Missing values stay missing and do not enter the column statistics.

use polars::prelude::*;

use super::{null, within, Direction};

/// A normalisation of one criterion column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalisation {
    Vector,
    MinMax,
    Sum,
    Reciprocal,
}

impl Normalisation {
    pub const ALL: [Normalisation; 4] = [
        Normalisation::Vector,
        Normalisation::MinMax,
        Normalisation::Sum,
        Normalisation::Reciprocal,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Normalisation::Vector => "vector",
            Normalisation::MinMax => "minmax",
            Normalisation::Sum => "sum",
            Normalisation::Reciprocal => "reciprocal",
        }
    }

    pub fn from_name(name: &str) -> Option<Normalisation> {
        Self::ALL
            .into_iter()
            .find(|n| n.name() == name || (name == "min-max" && *n == Normalisation::MinMax))
    }

    /// The normalised value of `x` and the direction of the result (min-max and reciprocal turn
    /// every criterion into a benefit).
    pub fn apply(self, x: Expr, direction: Direction, over: Option<&str>) -> (Expr, Direction) {
        match self {
            Normalisation::Vector => (vector(x, over), direction),
            Normalisation::Sum => (sum(x, over), direction),
            Normalisation::MinMax => (min_max(x, direction, over), Direction::Benefit),
            Normalisation::Reciprocal => (reciprocal(x, direction, over), Direction::Benefit),
        }
    }
}

/// x / √Σx²; 0 for an all-zero column.
pub fn vector(x: Expr, over: Option<&str>) -> Expr {
    let norm = within(x.clone().pow(2).sum().sqrt(), over);
    // A zero norm means every value is 0: dividing by 1 keeps them 0 (the branch is chosen on
    // the statistic, not row by row).
    x.true_div(
        when(norm.clone().gt(lit(0.0)))
            .then(norm)
            .otherwise(lit(1.0)),
    )
}

/// x / Σx; 0 when Σx = 0.
pub fn sum(x: Expr, over: Option<&str>) -> Expr {
    let total = within(x.clone().sum(), over);
    when(total.clone().neq(lit(0.0)))
        .then(x.true_div(total))
        .otherwise(lit(0.0))
}

/// (x − min)/(max − min) for benefit, (max − x)/(max − min) for cost; 1 for a constant column.
pub fn min_max(x: Expr, direction: Direction, over: Option<&str>) -> Expr {
    let low = within(x.clone().min(), over);
    let high = within(x.clone().max(), over);
    let spread = high.clone() - low.clone();
    let position = match direction {
        Direction::Benefit => (x.clone() - low).true_div(spread.clone()),
        Direction::Cost => (high - x.clone()).true_div(spread.clone()),
    };
    when(spread.gt(lit(0.0)))
        .then(position)
        .otherwise(when(x.is_not_null()).then(lit(1.0)).otherwise(null()))
}

/// 1/x for a cost criterion (missing for x ≤ 0), x for a benefit; then the vector normalisation.
pub fn reciprocal(x: Expr, direction: Direction, over: Option<&str>) -> Expr {
    let turned = match direction {
        Direction::Benefit => x,
        Direction::Cost => when(x.clone().gt(lit(0.0)))
            .then(lit(1.0).true_div(x))
            .otherwise(null()),
    };
    vector(turned, over)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, eval, matrix_frame, x_frame};
    use super::*;

    #[test]
    fn vector_of_the_first_column_of_x() {
        // √(250² + 200² + 300² + 275² + 225²) = √318750 = 564.579490
        let out = eval(&x_frame(), vector(col("c1"), None));
        close(
            &out,
            &[0.442807, 0.354246, 0.531369, 0.487088, 0.398527],
            1e-6,
        );
    }

    #[test]
    fn min_max_by_direction_and_constant_column() {
        // methods.md §1.1: x = [10, 20, 30, 40, 100] → [0, 0.111111, 0.222222, 0.333333, 1]
        let frame = matrix_frame(
            &[
                vec![10.0, 3.0],
                vec![20.0, 3.0],
                vec![30.0, 3.0],
                vec![40.0, 3.0],
                vec![100.0, 3.0],
            ],
            "a",
        );
        let up = eval(&frame, min_max(col("c1"), Direction::Benefit, None));
        close(&up, &[0.0, 0.111111, 0.222222, 0.333333, 1.0], 1e-6);
        let down = eval(&frame, min_max(col("c1"), Direction::Cost, None));
        close(&down, &[1.0, 0.888889, 0.777778, 0.666667, 0.0], 1e-6);
        let constant = eval(&frame, min_max(col("c2"), Direction::Cost, None));
        close(&constant, &[1.0; 5], 0.0);
    }

    #[test]
    fn sum_and_all_zero_columns() {
        let frame = matrix_frame(&[vec![1.0, 0.0], vec![3.0, 0.0]], "a");
        close(&eval(&frame, sum(col("c1"), None)), &[0.25, 0.75], 1e-12);
        close(&eval(&frame, sum(col("c2"), None)), &[0.0, 0.0], 0.0);
        close(&eval(&frame, vector(col("c2"), None)), &[0.0, 0.0], 0.0);
    }

    #[test]
    fn reciprocal_turns_cost_into_benefit_and_refuses_zero() {
        // cost [2, 4]: 1/x = [0.5, 0.25], norm √(0.3125) = 0.559017 → [0.894427, 0.447214]
        let frame = matrix_frame(&[vec![2.0, 0.0], vec![4.0, 1.0]], "a");
        let out = eval(&frame, reciprocal(col("c1"), Direction::Cost, None));
        close(&out, &[0.894427, 0.447214], 1e-6);
        let (_, turned) = Normalisation::Reciprocal.apply(col("c1"), Direction::Cost, None);
        assert_eq!(turned, Direction::Benefit);
        let zero = eval(&frame, reciprocal(col("c2"), Direction::Cost, None));
        assert!(zero[0].is_nan(), "1/0 is missing: {zero:?}");
    }

    #[test]
    fn within_groups_uses_group_statistics() {
        let mut frame = matrix_frame(&[vec![3.0], vec![4.0], vec![1.0], vec![1.0]], "a");
        frame
            .with_column(Column::new("g".into(), ["p", "p", "q", "q"]))
            .unwrap();
        // group p: 3/5, 4/5; group q: 1/√2 each
        let out = eval(&frame, vector(col("c1"), Some("g")));
        close(&out, &[0.6, 0.8, 0.5f64.sqrt(), 0.5f64.sqrt()], 1e-12);
        let mm = eval(&frame, min_max(col("c1"), Direction::Benefit, Some("g")));
        close(&mm, &[0.0, 1.0, 1.0, 1.0], 0.0);
    }
}
