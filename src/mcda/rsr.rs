//! RSR and WRSR (秩和比法, 田凤调): the mean rank of each alternative across criteria, its
//! probit table, the regression RSR = a + b·Probit and the grades (分档) by probit cut-points.
//!
//! Ranks R_ij among the n alternatives ([`RankKind`]):
//! * integer (整秩): benefit ascending (largest = n), cost descending; ties get the average rank;
//! * non-integer (非整秩): R = 1 + (n − 1)(x − min)/(max − min) for benefit,
//!   1 + (n − 1)(max − x)/(max − min) for cost. Policy for a constant criterion: R = (n + 1)/2 for
//!   all, the average rank the integer method gives to an all-tied column.
//!
//! RSR_i = Σ_j R_ij/(m·n); WRSR_i = Σ_j w_j R_ij/n (Σw = 1, so RSR is WRSR with equal weights).
//! Both lie in [1/n, 1].
//!
//! Distribution ([`Distribution`]): the distinct values in ascending order, their frequency f,
//! cumulative f, average rank R̄ (the block's mean position, as ties in a ranking), p = R̄/n
//! except the last (largest) value, p = 1 − 1/(4n); Probit = 5 + Φ⁻¹(p) ([`super::probit`]).
//! Values equal to 12 decimals are one group (so that weighted sums differing by rounding tie).
//! Policy for a single distinct value (one alternative, or all equal): p = 0.5, Probit 5, the
//! middle of the scale. The last-value rule 1 − 1/(4n) keeps the top group of several below
//! p = 1; applied to a lone group it would move it up with n (ten equal alternatives: p = 0.975,
//! Probit 6.96, the top grade) although the data say nothing about it. This table (and [`ols`])
//! is the one implementation: `grades: {by: rsr_probit}` and the rhai `grade_rsr` use it too.
//!
//! Regression (OLS) RSR = a + b·Probit, two ways, both shown in methods.md: over the distinct
//! groups (one point per value) and over the objects (one point per alternative). Policy: with
//! fewer than two distinct probits there is no fit (`None`); R² is `None` when every RSR is equal.
//!
//! Grades (分档) with k grades: cut-points 5 + (i − k/2)·6/k, i = 1..k−1 (3 grades: 4, 6; 4: 3.5,
//! 5, 6.5; 5: 3.2, 4.4, 5.6, 6.8); an alternative whose Probit is at or above j of the cuts gets
//! grade k − j, so **grade 1 is the top band** (上) and grade k the bottom (下). Grading the fitted
//! RSR̂ = a + b·Probit against a + b·cut, as the textbooks describe, gives the same grades whenever
//! b > 0, and grading the probit directly stays defined when there is no fit.
//!
//! Ranks, RSR and probits are polars expressions (with an optional `over` column: ranks, n and
//! probits within each group); the distribution table and the fits are computed in Rust over
//! the distinct values.

use polars::prelude::*;

use super::ranking::average_rank;
use super::{count, probit, within, Criterion, Direction};

/// Integer (ties averaged) or non-integer ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankKind {
    Integer,
    Fractional,
}

impl RankKind {
    pub fn name(self) -> &'static str {
        match self {
            RankKind::Integer => "integer",
            RankKind::Fractional => "fractional",
        }
    }
}

/// R_ij of criterion `x`.
pub fn rank_expr(x: Expr, direction: Direction, kind: RankKind, over: Option<&str>) -> Expr {
    match kind {
        RankKind::Integer => average_rank(x, direction == Direction::Cost, over),
        RankKind::Fractional => {
            let n = count(over);
            let low = within(x.clone().min(), over);
            let high = within(x.clone().max(), over);
            let spread = high.clone() - low.clone();
            let position = match direction {
                Direction::Benefit => (x - low).true_div(spread.clone()),
                Direction::Cost => (high - x).true_div(spread.clone()),
            };
            when(spread.gt(lit(0.0)))
                .then(lit(1.0) + (n.clone() - lit(1.0)) * position)
                .otherwise((n + lit(1.0)) / lit(2.0))
        }
    }
}

/// RSR (`weights = None`) or WRSR from the rank expressions of the criteria.
pub fn rsr_expr(ranks: &[Expr], weights: Option<&[Expr]>, over: Option<&str>) -> Expr {
    let n = count(over);
    let m = ranks.len() as f64;
    let total = match weights {
        None => ranks
            .iter()
            .cloned()
            .reduce(|a, b| a + b)
            .map(|s| s / lit(m)),
        Some(w) => ranks
            .iter()
            .zip(w)
            .map(|(r, w)| w.clone() * r.clone())
            .reduce(|a, b| a + b),
    }
    .unwrap_or_else(|| lit(0.0));
    total.true_div(n)
}

/// RSR rounded to 12 decimals: the grouping key of the distribution.
pub fn key_expr(rsr: Expr) -> Expr {
    rsr.round(12, RoundMode::HalfAwayFromZero)
}

/// Each alternative's probit: 5 + Φ⁻¹(p), p = (average rank of its RSR)/n, or 1 − 1/(4n) for
/// the largest RSR (of its group), or 0.5 when all RSR (of its group) are equal.
pub fn probit_expr(rsr: Expr, over: Option<&str>) -> Expr {
    let n = count(over);
    let key = key_expr(rsr);
    let mean_rank = average_rank(key.clone(), false, over);
    let last = key.clone().eq(within(key.clone().max(), over));
    let lone = within(key.clone().max(), over).eq(within(key.min(), over));
    let p = when(lone)
        .then(lit(0.5))
        .when(last)
        .then(lit(1.0) - lit(1.0).true_div(lit(4.0) * n.clone()))
        .otherwise(mean_rank.true_div(n));
    p.map(
        |c: Column| {
            let values = c.as_materialized_series().cast(&DataType::Float64)?;
            let out: Float64Chunked = values.f64()?.apply_values(probit::probit);
            Ok(out.into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::Float64)),
    )
}

/// The k − 1 probit cut-points of k grades.
pub fn cut_points(k: usize) -> Vec<f64> {
    let k_f = k as f64;
    (1..k)
        .map(|i| 5.0 + (i as f64 - k_f / 2.0) * (6.0 / k_f))
        .collect()
}

/// The grade (1 = top band … k = bottom) of a probit, as an expression.
pub fn grade_expr(probit: Expr, k: usize) -> Expr {
    let above = cut_points(k)
        .into_iter()
        .map(|cut| probit.clone().gt_eq(lit(cut)).cast(DataType::UInt32))
        .reduce(|a, b| a + b)
        .unwrap_or_else(|| lit(0u32));
    (lit(k as u32) - above).cast(DataType::UInt32)
}

/// The grade of one probit.
pub fn grade_of(probit: f64, cuts: &[f64]) -> usize {
    cuts.len() + 1 - cuts.iter().filter(|&&c| probit >= c).count()
}

/// One row of the distribution table.
#[derive(Debug, Clone, PartialEq)]
pub struct DistributionRow {
    pub value: f64,
    pub count: usize,
    pub cumulative: usize,
    pub mean_rank: f64,
    pub p: f64,
    pub probit: f64,
}

/// The distribution table of RSR values.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    pub n: usize,
    pub rows: Vec<DistributionRow>,
}

/// An OLS line y = a + b·x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub a: f64,
    pub b: f64,
    pub r_squared: Option<f64>,
    pub points: usize,
}

impl Fit {
    pub fn at(&self, x: f64) -> f64 {
        self.a + self.b * x
    }
}

/// Ordinary least squares of y on x; `None` without two distinct x.
pub fn ols(x: &[f64], y: &[f64]) -> Option<Fit> {
    if y.len() != x.len() {
        return None;
    }
    weighted_ols(x.iter().zip(y).map(|(&x, &y)| (x, y, 1.0)))
}

/// Least squares over points (x, y) each counted `weight` times (an integer frequency for the
/// object fit); `None` without two distinct x. R² is `None` when every y is equal.
fn weighted_ols(points: impl Iterator<Item = (f64, f64, f64)> + Clone) -> Option<Fit> {
    let (mut w, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for (x, y, weight) in points.clone() {
        w += weight;
        sx += weight * x;
        sy += weight * y;
    }
    if w < 2.0 {
        return None;
    }
    let (mx, my) = (sx / w, sy / w);
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (x, y, weight) in points.clone() {
        sxx += weight * (x - mx) * (x - mx);
        sxy += weight * (x - mx) * (y - my);
        syy += weight * (y - my) * (y - my);
    }
    if sxx.is_nan() || sxx <= 0.0 {
        return None;
    }
    let b = sxy / sxx;
    let a = my - b * mx;
    let residual: f64 = points
        .map(|(x, y, weight)| weight * (y - a - b * x).powi(2))
        .sum();
    Some(Fit {
        a,
        b,
        r_squared: (syy > 0.0).then(|| 1.0 - residual / syy),
        points: w as usize,
    })
}

fn key(value: f64) -> f64 {
    (value * 1e12).round() / 1e12
}

impl Distribution {
    /// The table of `values` (one per alternative; empty gives an empty table).
    pub fn of(values: &[f64]) -> Distribution {
        let n = values.len();
        let mut sorted: Vec<f64> = values.iter().map(|&v| key(v)).collect();
        sorted.sort_by(f64::total_cmp);
        let mut rows: Vec<DistributionRow> = Vec::new();
        let mut cumulative = 0;
        let mut i = 0;
        while i < n {
            let value = sorted[i];
            let count = sorted[i..].iter().take_while(|&&v| v == value).count();
            let mean_rank = cumulative as f64 + (count as f64 + 1.0) / 2.0;
            cumulative += count;
            let p = if count == n {
                0.5
            } else if cumulative == n {
                1.0 - 1.0 / (4.0 * n as f64)
            } else {
                mean_rank / n as f64
            };
            rows.push(DistributionRow {
                value,
                count,
                cumulative,
                mean_rank,
                p,
                probit: probit::probit(p),
            });
            i += count;
        }
        Distribution { n, rows }
    }

    /// The row of an RSR value (of this table): binary search on the sorted distinct values.
    fn row_of(&self, value: f64) -> Option<&DistributionRow> {
        let value = key(value);
        let at = self.rows.partition_point(|r| r.value < value);
        self.rows.get(at).filter(|r| r.value == value)
    }

    /// The probit of an RSR value (of this table).
    pub fn probit_of(&self, value: f64) -> Option<f64> {
        self.row_of(value).map(|r| r.probit)
    }

    /// The probit of each of `values`, the values the table was made of (a value not in the
    /// table gets NaN, which reaches no cut-point).
    pub fn probits_of(&self, values: &[f64]) -> Vec<f64> {
        values
            .iter()
            .map(|&v| self.probit_of(v).unwrap_or(f64::NAN))
            .collect()
    }

    /// OLS over the distinct values (one point per row of the table).
    pub fn fit_groups(&self) -> Option<Fit> {
        weighted_ols(self.rows.iter().map(|r| (r.probit, r.value, 1.0)))
    }

    /// OLS over the objects: each row of the table counted f times.
    pub fn fit_objects(&self) -> Option<Fit> {
        weighted_ols(
            self.rows
                .iter()
                .map(|r| (r.probit, r.value, r.count as f64)),
        )
    }
}

/// The stages computing ranks (`mcda.R.<criterion>`), RSR/WRSR, probit and grade into the columns
/// `rsr`, `probit`, `grade` named by the arguments.
pub fn stages(
    criteria: &[Criterion],
    weights: Option<&[Expr]>,
    kind: RankKind,
    grades: usize,
    over: Option<&str>,
    names: [&str; 3],
) -> Vec<Vec<Expr>> {
    let [rsr_name, probit_name, grade_name] = names;
    let rank_name = |c: &Criterion| super::scratch("R", &c.name);
    let ranks: Vec<Expr> = criteria
        .iter()
        .map(|c| rank_expr(c.col(), c.direction, kind, over).alias(rank_name(c)))
        .collect();
    let refs: Vec<Expr> = criteria.iter().map(|c| col(rank_name(c))).collect();
    vec![
        ranks,
        vec![rsr_expr(&refs, weights, over).alias(rsr_name)],
        vec![probit_expr(col(rsr_name), over).alias(probit_name)],
        vec![grade_expr(col(probit_name), grades).alias(grade_name)],
    ]
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, column, criteria, matrix_frame, x_frame};
    use super::*;

    const NAMES: [&str; 3] = ["rsr", "probit", "grade"];

    fn maternal() -> (DataFrame, Vec<Criterion>) {
        // methods.md §2.3(a): 产检率 (高优), 孕产妇死亡率 (低优), 围产儿死亡率 (低优), areas A–J.
        let rows = vec![
            vec![99.54, 60.27, 16.15],
            vec![96.52, 59.67, 20.10],
            vec![99.36, 43.91, 15.60],
            vec![92.83, 58.99, 17.04],
            vec![91.71, 35.40, 15.01],
            vec![95.35, 44.71, 13.93],
            vec![96.09, 49.81, 17.43],
            vec![99.27, 31.69, 13.89],
            vec![94.76, 22.91, 19.87],
            vec![84.80, 81.49, 23.63],
        ];
        (matrix_frame(&rows, "area"), criteria(3, &[2, 3]))
    }

    #[test]
    fn maternal_integer_ranks_and_rsr() {
        let (frame, criteria) = maternal();
        let stages = stages(&criteria, None, RankKind::Integer, 3, None, NAMES);
        // R1, R2, R3 of the textbook table
        let r1 = column(&frame, &stages, "mcda.R.c1");
        let r2 = column(&frame, &stages, "mcda.R.c2");
        let r3 = column(&frame, &stages, "mcda.R.c3");
        assert_eq!(r1, [10.0, 7.0, 9.0, 3.0, 2.0, 5.0, 6.0, 8.0, 4.0, 1.0]);
        assert_eq!(r2, [2.0, 3.0, 7.0, 4.0, 8.0, 6.0, 5.0, 9.0, 10.0, 1.0]);
        assert_eq!(r3, [6.0, 2.0, 7.0, 5.0, 8.0, 9.0, 4.0, 10.0, 3.0, 1.0]);
        // RSR = ΣR/30: [0.6000, 0.4000, 0.7667, 0.4000, 0.6000, 0.6667, 0.5000, 0.9000, 0.5667, 0.1000]
        let rsr = column(&frame, &stages, "rsr");
        close(
            &rsr,
            &[18.0, 12.0, 23.0, 12.0, 18.0, 20.0, 15.0, 27.0, 17.0, 3.0].map(|s| s / 30.0),
            1e-12,
        );
    }

    #[test]
    fn maternal_non_integer_ranks() {
        // RSR (non-integer) = [0.7391, 0.5590, 0.8361, 0.5816, 0.7422, 0.8018, 0.6830, 0.9495,
        // 0.7185, 0.1000]; to 1e-6 from the same formula in double precision.
        let (frame, criteria) = maternal();
        let stages = stages(&criteria, None, RankKind::Fractional, 3, None, NAMES);
        let rsr = column(&frame, &stages, "rsr");
        close(
            &rsr,
            &[
                0.7391, 0.5590, 0.8361, 0.5816, 0.7422, 0.8018, 0.6830, 0.9495, 0.7185, 0.1000,
            ],
            5e-5,
        );
        close(
            &rsr,
            &[
                0.739062, 0.559006, 0.836122, 0.581637, 0.742177, 0.801848, 0.682988, 0.949541,
                0.718525, 0.1,
            ],
            1e-6,
        );
    }

    #[test]
    fn maternal_distribution_fits_and_grades() {
        let (frame, criteria) = maternal();
        let stages = stages(&criteria, None, RankKind::Integer, 3, None, NAMES);
        let rsr = column(&frame, &stages, "rsr");
        let table = Distribution::of(&rsr);
        // 0.1000 (p 10%, 3.7184); 0.4000×2 (R̄ 2.5, 25%, 4.3255); 0.5000 (40%, 4.7467);
        // 0.5667 (50%, 5.0000); 0.6000×2 (R̄ 6.5, 65%, 5.3853); 0.6667 (80%, 5.8416);
        // 0.7667 (90%, 6.2816); 0.9000 (1 − 1/40 = 97.5%, 6.9600)
        let counts: Vec<usize> = table.rows.iter().map(|r| r.count).collect();
        assert_eq!(counts, [1, 2, 1, 1, 2, 1, 1, 1]);
        let mean_ranks: Vec<f64> = table.rows.iter().map(|r| r.mean_rank).collect();
        assert_eq!(mean_ranks, [1.0, 2.5, 4.0, 5.0, 6.5, 8.0, 9.0, 10.0]);
        let p: Vec<f64> = table.rows.iter().map(|r| r.p).collect();
        close(&p, &[0.1, 0.25, 0.4, 0.5, 0.65, 0.8, 0.9, 0.975], 1e-15);
        let probits: Vec<f64> = table.rows.iter().map(|r| r.probit).collect();
        close(
            &probits,
            &[3.7184, 4.3255, 4.7467, 5.0, 5.3853, 5.8416, 6.2816, 6.9600],
            5e-5,
        );
        // 5 + Φ⁻¹(p) to 1e-9 (Φ⁻¹ from Python's statistics.NormalDist)
        close(
            &probits,
            &[
                3.718448434455399,
                4.325510249803918,
                4.7466528968642,
                5.0,
                5.385320466407568,
                5.841621233572914,
                6.281551565544601,
                6.959963984540054,
            ],
            1e-9,
        );
        // OLS over the 8 groups: RSR = −0.6085 + 0.2217·Probit; over the 10 objects:
        // RSR = −0.5780 + 0.2170·Probit (R² 0.9369)
        let groups = table.fit_groups().unwrap();
        close(&[groups.a, groups.b], &[-0.6085, 0.2217], 5e-5);
        close(&[groups.a, groups.b], &[-0.608550, 0.221690], 1e-6);
        let objects = table.fit_objects().unwrap();
        close(
            &[objects.a, objects.b, objects.r_squared.unwrap()],
            &[-0.5780, 0.2170, 0.9369],
            5e-5,
        );
        close(
            &[objects.a, objects.b, objects.r_squared.unwrap()],
            &[-0.577983, 0.217045, 0.936889],
            1e-6,
        );
        // Per-object probits from the expression equal the table's.
        let per_object = column(&frame, &stages, "probit");
        for (value, probit) in rsr.iter().zip(&per_object) {
            assert!((table.probit_of(*value).unwrap() - probit).abs() < 1e-12);
        }
        // 3 档 by cuts 4 and 6: J lower (3); C, H upper (1); the rest middle (2).
        let grades = column(&frame, &stages, "grade");
        assert_eq!(grades, [2.0, 2.0, 1.0, 2.0, 2.0, 2.0, 2.0, 1.0, 2.0, 3.0]);
        // Grading the fitted RSR̂ against a + b·cut (object fit) gives the same grades.
        let cuts = cut_points(3);
        for (value, grade) in rsr.iter().zip(&grades) {
            let fitted = objects.at(table.probit_of(*value).unwrap());
            let band = 3 - cuts.iter().filter(|&&c| fitted >= objects.at(c)).count();
            assert_eq!(band as f64, *grade);
        }
    }

    #[test]
    fn reference_fixture_wrsr() {
        // methods.md §1.6, X, column 1 cost, w = [.4, .3, .2, .1]:
        // RSR = [0.65, 0.525, 0.675, 0.575, 0.575]; WRSR = [0.58, 0.62, 0.60, 0.56, 0.64];
        // Probit = [4.158379, 4.746653, 5.253347, 5.841621, 6.644854] for the sorted distinct WRSR;
        // OLS a = 0.425658, b = 0.032716.
        let c = criteria(4, &[1]);
        let rsr = column(
            &x_frame(),
            &stages(&c, None, RankKind::Integer, 3, None, NAMES),
            "rsr",
        );
        close(&rsr, &[0.65, 0.525, 0.675, 0.575, 0.575], 1e-12);
        let w: Vec<Expr> = [0.4, 0.3, 0.2, 0.1].into_iter().map(lit).collect();
        let wrsr = column(
            &x_frame(),
            &stages(&c, Some(&w), RankKind::Integer, 3, None, NAMES),
            "rsr",
        );
        close(&wrsr, &[0.58, 0.62, 0.60, 0.56, 0.64], 1e-12);
        let table = Distribution::of(&wrsr);
        let probits: Vec<f64> = table.rows.iter().map(|r| r.probit).collect();
        close(
            &probits,
            &[4.158379, 4.746653, 5.253347, 5.841621, 6.644854],
            1e-6,
        );
        let fit = table.fit_groups().unwrap();
        close(&[fit.a, fit.b], &[0.425658, 0.032716], 1e-6);
        // Every WRSR is distinct, so both fits coincide.
        assert_eq!(table.fit_objects().unwrap().b, fit.b);
    }

    #[test]
    fn cut_points_of_three_four_and_five_grades() {
        close(&cut_points(3), &[4.0, 6.0], 1e-15);
        close(&cut_points(4), &[3.5, 5.0, 6.5], 1e-15);
        close(&cut_points(5), &[3.2, 4.4, 5.6, 6.8], 1e-15);
        assert!(cut_points(1).is_empty());
        assert_eq!(
            grade_of(4.0, &cut_points(3)),
            2,
            "a cut-point belongs to the band above"
        );
        assert_eq!(grade_of(3.99, &cut_points(3)), 3);
        assert_eq!(grade_of(6.5, &cut_points(3)), 1);
    }

    #[test]
    fn constant_column_ties_and_single_alternative() {
        // c2 constant: integer ranks all (n + 1)/2 = 2, non-integer ranks too.
        let frame = matrix_frame(&[vec![1.0, 5.0], vec![2.0, 5.0], vec![3.0, 5.0]], "a");
        for kind in [RankKind::Integer, RankKind::Fractional] {
            let ranks = column(
                &frame,
                &stages(&criteria(2, &[]), None, kind, 3, None, NAMES),
                "mcda.R.c2",
            );
            assert_eq!(ranks, [2.0; 3]);
        }
        // One alternative: RSR = 1, a single distinct value: p = 0.5, probit 5 (the policy for a
        // lone group); no regression.
        let single = matrix_frame(&[vec![1.0, 5.0]], "a");
        let stages = stages(&criteria(2, &[1]), None, RankKind::Integer, 3, None, NAMES);
        close(&column(&single, &stages, "rsr"), &[1.0], 0.0);
        close(&column(&single, &stages, "probit"), &[5.0], 0.0);
        let table = Distribution::of(&[1.0]);
        assert_eq!(table.fit_groups(), None);
        assert_eq!(table.fit_objects(), None);
        // Ten equal RSR: still p = 0.5 (not 1 − 1/40 = 0.975, Probit 6.96, the top grade); the
        // expression agrees with the table, within each group too: group p has one value.
        let table = Distribution::of(&[0.3; 10]);
        assert_eq!((table.rows[0].p, table.rows[0].probit), (0.5, 5.0));
        let frame = df!("r" => [0.3, 0.3, 0.2, 0.4], "g" => ["p", "p", "q", "q"]).unwrap();
        let probits = super::super::testing::eval(&frame, probit_expr(col("r"), Some("g")));
        // group q: 0.2 → p 1/2 → 5; 0.4 is the last of two → 1 − 1/8 → 5 + 1.150349 (Φ⁻¹)
        close(&probits, &[5.0, 5.0, 5.0, 6.150349380376008], 1e-9);
    }

    #[test]
    fn within_groups_ranks_and_probits_are_per_group() {
        let mut frame = x_frame();
        frame
            .with_column(Column::new("g".into(), ["p", "p", "q", "q", "q"]))
            .unwrap();
        let c = criteria(4, &[1]);
        let grouped = column(
            &frame,
            &stages(&c, None, RankKind::Integer, 3, Some("g"), NAMES),
            "probit",
        );
        let p = column(
            &frame.slice(0, 2),
            &stages(&c, None, RankKind::Integer, 3, None, NAMES),
            "probit",
        );
        let q = column(
            &frame.slice(2, 3),
            &stages(&c, None, RankKind::Integer, 3, None, NAMES),
            "probit",
        );
        close(&grouped, &[p, q].concat(), 1e-12);
    }
}
