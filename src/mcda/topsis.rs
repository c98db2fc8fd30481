//! TOPSIS (优劣解距离法): closeness of each alternative to the ideal, away from the anti-ideal.
//!
//! r_ij = normalised x_ij (vector by default, see [`super::normalise`]); then, by
//! [`WeightPlacement`]:
//! * `WeightedMatrix` (textbook; R `topsis`, pyrepo, scikit-criteria): v_ij = w_j·r_ij,
//!   D_i± = √Σ_j (v_ij − A±_j)²;
//! * `WeightedDistance` (several Chinese codes, §2.2 of methods.md): v_ij = r_ij,
//!   D_i± = √Σ_j w_j (v_ij − A±_j)² — so w, not w², scales each squared difference.
//!
//! A⁺_j is the best v_j (max for a benefit, min for a cost criterion after normalisation), A⁻_j
//! the worst; C_i = D⁻_i / (D⁺_i + D⁻_i) in [0, 1], ranked descending.
//!
//! Policy for D⁺ + D⁻ = 0: this happens only when the alternative equals both the ideal and the
//! anti-ideal in every weighted criterion, i.e. when all alternatives are alike (including a
//! single alternative). Then C = 0.5 for all: none is nearer the ideal than another, and 0.5 is
//! the midpoint of the scale (pymcdm gives NaN). A constant criterion has A⁺ = A⁻ and adds
//! nothing to either distance.
//!
//! Three `with_columns` stages (normalised matrix, distances, closeness), so that each column
//! statistic is computed once.

use polars::prelude::*;

use super::normalise::Normalisation;
use super::{scratch, within, Criterion, Direction};

pub const D_PLUS: &str = "mcda.topsis.d_plus";
pub const D_MINUS: &str = "mcda.topsis.d_minus";
pub const CLOSENESS: &str = "mcda.topsis.closeness";

/// Where the weights enter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightPlacement {
    /// v = w·r, then unweighted distances (the textbook form).
    WeightedMatrix,
    /// v = r, and w_j multiplies each squared difference inside the square root.
    WeightedDistance,
}

impl WeightPlacement {
    pub fn name(self) -> &'static str {
        match self {
            WeightPlacement::WeightedMatrix => "matrix",
            WeightPlacement::WeightedDistance => "distance",
        }
    }
}

/// TOPSIS settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopsisOptions {
    pub normalisation: Normalisation,
    pub placement: WeightPlacement,
}

impl Default for TopsisOptions {
    fn default() -> Self {
        TopsisOptions {
            normalisation: Normalisation::Vector,
            placement: WeightPlacement::WeightedMatrix,
        }
    }
}

/// The column of the (weighted) normalised value v of a criterion.
pub fn value_column(criterion: &Criterion) -> String {
    scratch("v", &criterion.name)
}

/// Direction of each criterion after the normalisation.
pub fn directions(criteria: &[Criterion], options: TopsisOptions) -> Vec<Direction> {
    criteria
        .iter()
        .map(|c| options.normalisation.apply(c.col(), c.direction, None).1)
        .collect()
}

/// The ideal (`ideal = true`) or anti-ideal value of a column of v in `direction`.
pub fn extreme(v: Expr, direction: Direction, ideal: bool, over: Option<&str>) -> Expr {
    let best_is_max = (direction == Direction::Benefit) == ideal;
    within(if best_is_max { v.max() } else { v.min() }, over)
}

/// The stages computing v (`mcda.v.<criterion>`), D⁺, D⁻ and C (the constants of this module).
pub fn stages(
    criteria: &[Criterion],
    weights: &[Expr],
    options: TopsisOptions,
    over: Option<&str>,
) -> Vec<Vec<Expr>> {
    let mut values = Vec::with_capacity(criteria.len());
    let mut turned = Vec::with_capacity(criteria.len());
    for (c, w) in criteria.iter().zip(weights) {
        let (r, direction) = options.normalisation.apply(c.col(), c.direction, over);
        let v = match options.placement {
            WeightPlacement::WeightedMatrix => w.clone() * r,
            WeightPlacement::WeightedDistance => r,
        };
        values.push(v.alias(value_column(c)));
        turned.push(direction);
    }
    let distance = |ideal: bool| {
        let squares: Vec<Expr> = criteria
            .iter()
            .zip(weights)
            .zip(&turned)
            .map(|((c, w), &direction)| {
                let v = col(value_column(c));
                // A missing value adds no distance (used by schemes; `jixiao mcda` refuses them).
                let gap = (v.clone() - extreme(v, direction, ideal, over))
                    .pow(2)
                    .fill_null(lit(0.0));
                match options.placement {
                    WeightPlacement::WeightedMatrix => gap,
                    WeightPlacement::WeightedDistance => w.clone() * gap,
                }
            })
            .collect();
        squares
            .into_iter()
            .reduce(|a, b| a + b)
            .unwrap_or_else(|| lit(0.0))
            .sqrt()
    };
    let distances = vec![distance(true).alias(D_PLUS), distance(false).alias(D_MINUS)];
    let total = col(D_PLUS) + col(D_MINUS);
    let closeness = when(total.clone().gt(lit(0.0)))
        .then(col(D_MINUS).true_div(total))
        .otherwise(lit(0.5))
        .alias(CLOSENESS);
    vec![values, distances, vec![closeness]]
}

#[cfg(test)]
mod tests {
    use super::super::entropy::EntropyInput;
    use super::super::testing::{close, column, criteria, hospital, x_frame};
    use super::super::weights::{compute, Weighting};
    use super::*;

    fn run(
        frame: &DataFrame,
        criteria: &[Criterion],
        weights: &[f64],
        options: TopsisOptions,
    ) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let weights: Vec<Expr> = weights.iter().map(|w| lit(*w)).collect();
        let stages = stages(criteria, &weights, options, None);
        (
            column(frame, &stages, CLOSENESS),
            column(frame, &stages, D_PLUS),
            column(frame, &stages, D_MINUS),
        )
    }

    #[test]
    fn reference_fixture_equal_weights() {
        // methods.md §1.4, X, column 1 cost, equal weights:
        // C = [0.534277, 0.308368, 0.691632, 0.534737, 0.401046] (ranks 3, 5, 1, 2, 4)
        let (c, d_plus, d_minus) = run(
            &x_frame(),
            &criteria(4, &[1]),
            &[0.25; 4],
            TopsisOptions::default(),
        );
        close(
            &c,
            &[0.534277, 0.308368, 0.691632, 0.534737, 0.401046],
            1e-6,
        );
        // D± recomputed by hand from the formula (v = w·r).
        close(
            &d_plus,
            &[0.086299, 0.119814, 0.053419, 0.084249, 0.117644],
            1e-6,
        );
        close(
            &d_minus,
            &[0.099002, 0.053419, 0.119814, 0.096829, 0.078772],
            1e-6,
        );
    }

    #[test]
    fn reference_fixture_given_weights_and_min_max() {
        // w = [.4, .3, .2, .1]: C = [0.363947, 0.395914, 0.604086, 0.546737, 0.441024]
        let (c, _, _) = run(
            &x_frame(),
            &criteria(4, &[1]),
            &[0.4, 0.3, 0.2, 0.1],
            TopsisOptions::default(),
        );
        close(
            &c,
            &[0.363947, 0.395914, 0.604086, 0.546737, 0.441024],
            1e-6,
        );
        // pymcdm's default min-max normalisation on the same X, equal weights:
        // [0.5, 0.4027, 0.5973, 0.486891, 0.465352] — a different answer.
        let (c, _, _) = run(
            &x_frame(),
            &criteria(4, &[1]),
            &[0.25; 4],
            TopsisOptions {
                normalisation: Normalisation::MinMax,
                ..TopsisOptions::default()
            },
        );
        close(&c, &[0.5, 0.4027, 0.5973, 0.486891, 0.465352], 5e-5);
    }

    #[test]
    fn weights_inside_the_distance_scale_it_by_sqrt_w() {
        // With equal weights w, inside-the-root distances are √w · unweighted-r distances and
        // v = w·r ones are w · them: C is the same, D± differ by 1/√w = 2.
        let inside = TopsisOptions {
            placement: WeightPlacement::WeightedDistance,
            ..TopsisOptions::default()
        };
        let (c, d_plus, _) = run(&x_frame(), &criteria(4, &[1]), &[0.25; 4], inside);
        close(
            &c,
            &[0.534277, 0.308368, 0.691632, 0.534737, 0.401046],
            1e-6,
        );
        close(
            &d_plus,
            &[0.172598, 0.239627, 0.106839, 0.168497, 0.235288],
            1e-6,
        );
    }

    #[test]
    fn textbook_hospital_reciprocal_unweighted() {
        // methods.md §2.3(b): reciprocal for 低优, vector norm, unweighted:
        // C = [0.2842, 0.3281, 0.2200, 0.2552, 0.7164], D⁺ = [0.6289, 0.5640, 0.5369, 0.5141,
        // 0.2494], D⁻ = [0.2497, 0.2754, 0.1514, 0.1762, 0.6302]; "unweighted" = w_j = 1 inside
        // the root. To 1e-6 recomputed in double precision.
        let (frame, criteria) = hospital();
        let options = TopsisOptions {
            normalisation: Normalisation::Reciprocal,
            placement: WeightPlacement::WeightedDistance,
        };
        let (c, d_plus, d_minus) = run(&frame, &criteria, &[1.0; 7], options);
        close(&c, &[0.2842, 0.3281, 0.2200, 0.2552, 0.7164], 5e-5);
        close(&d_plus, &[0.6289, 0.5640, 0.5369, 0.5141, 0.2494], 5e-5);
        close(&d_minus, &[0.2497, 0.2754, 0.1514, 0.1762, 0.6302], 5e-5);
        close(
            &c,
            &[0.284166, 0.328092, 0.220001, 0.255235, 0.716421],
            1e-6,
        );
    }

    #[test]
    fn textbook_hospital_raw_values_ideal_min_for_cost() {
        // raw values (vector norm), ideal = min for 低优, unweighted:
        // C = [0.3368, 0.4640, 0.4601, 0.5157, 0.6640] (ranks 5, 3, 4, 2, 1)
        let (frame, criteria) = hospital();
        let options = TopsisOptions {
            normalisation: Normalisation::Vector,
            placement: WeightPlacement::WeightedDistance,
        };
        let (c, _, _) = run(&frame, &criteria, &[1.0; 7], options);
        close(&c, &[0.3368, 0.4640, 0.4601, 0.5157, 0.6640], 5e-5);
        close(
            &c,
            &[0.336848, 0.463953, 0.460132, 0.515674, 0.664048],
            1e-6,
        );
    }

    #[test]
    fn textbook_hospital_reciprocal_entropy_weights_inside_the_root() {
        // reciprocal + entropy weights (after min-max), w inside the sqrt:
        // C = [0.2953, 0.3383, 0.2150, 0.2531, 0.7056]
        let (frame, criteria) = hospital();
        let w = compute(&frame, &criteria, &Weighting::Entropy(EntropyInput::MinMax)).unwrap();
        let options = TopsisOptions {
            normalisation: Normalisation::Reciprocal,
            placement: WeightPlacement::WeightedDistance,
        };
        let (c, _, _) = run(&frame, &criteria, &w.values, options);
        close(&c, &[0.2953, 0.3383, 0.2150, 0.2531, 0.7056], 5e-5);
        close(
            &c,
            &[0.295289, 0.338310, 0.214956, 0.253051, 0.705556],
            1e-6,
        );
        // The textbook's other convention (v = w·r) gives a different answer.
        let matrix = TopsisOptions {
            placement: WeightPlacement::WeightedMatrix,
            ..options
        };
        let (c, _, _) = run(&frame, &criteria, &w.values, matrix);
        close(
            &c,
            &[0.306274, 0.350151, 0.211136, 0.252100, 0.694940],
            1e-6,
        );
    }

    #[test]
    fn identical_alternatives_get_one_half() {
        let frame = super::super::testing::matrix_frame(
            &[vec![3.0, 1.0], vec![3.0, 1.0], vec![3.0, 1.0]],
            "a",
        );
        let (c, d_plus, d_minus) = run(
            &frame,
            &criteria(2, &[2]),
            &[0.5, 0.5],
            TopsisOptions::default(),
        );
        assert_eq!(c, [0.5; 3]);
        assert_eq!((d_plus, d_minus), (vec![0.0; 3], vec![0.0; 3]));
        let single = super::super::testing::matrix_frame(&[vec![3.0, 1.0]], "a");
        let (c, _, _) = run(
            &single,
            &criteria(2, &[]),
            &[0.5, 0.5],
            TopsisOptions::default(),
        );
        assert_eq!(c, [0.5]);
    }

    #[test]
    fn within_groups_each_group_has_its_own_ideal() {
        // Group p = a1, a2; group q = a3, a4, a5: each alone has its best at 1 and worst at 0
        // when one alternative dominates; here check against each sub-frame run alone.
        let mut frame = x_frame();
        frame
            .with_column(Column::new("g".into(), ["p", "p", "q", "q", "q"]))
            .unwrap();
        let c = criteria(4, &[1]);
        let weights = vec![lit(0.25); 4];
        let grouped = column(
            &frame,
            &stages(&c, &weights, TopsisOptions::default(), Some("g")),
            CLOSENESS,
        );
        let (p, _, _) = run(&frame.slice(0, 2), &c, &[0.25; 4], TopsisOptions::default());
        let (q, _, _) = run(&frame.slice(2, 3), &c, &[0.25; 4], TopsisOptions::default());
        close(&grouped, &[p, q].concat(), 1e-12);
    }
}
