//! Stage 6, adjust: vetoes (一票否决), bonus and deduction points, exclusion for missing data, and the final score.
//!
//! * A veto is a true/false formula; an institution for which any veto is true is flagged with the
//!   veto's reason, keeps its score, is ranked after every institution without a veto, and gets
//!   the lowest grade.
//! * Bonus and deduction rules are points formulas. Each rule's points are clipped to
//!   `[0, cap]` (missing = 0), summed, and the sum clipped to the section's cap.
//! * `score = round(weighted + bonus − deduction, score_decimals)` (half away from zero, as
//!   published tables round). Ranks and grades use this rounded score.
//! * An institution whose data cover less than `missing.min_coverage` of the effective weight is
//!   excluded: no score, rank or grade, and a flag saying why. One with no scored indicator at all
//!   is unscored in the same way.

use polars::prelude::*;

use crate::columns::{
    bonus_column, deduction_column, veto_column, BONUS_COLUMN, COVERAGE_COLUMN, DEDUCTION_COLUMN,
    EXCLUDED_COLUMN, SCORE_COLUMN, VETOED_COLUMN, WEIGHTED_COLUMN,
};
use crate::normalise::null;

/// A points rule ready to run.
pub struct PointsRule {
    pub points: Expr,
    pub cap: Option<f64>,
}

/// Everything the adjust stage needs, built by `crate::plan`.
pub struct Adjustments {
    pub vetoes: Vec<Expr>,
    pub bonus: Vec<PointsRule>,
    pub bonus_cap: Option<f64>,
    pub deduction: Vec<PointsRule>,
    pub deduction_cap: Option<f64>,
    pub min_coverage: f64,
    pub score_decimals: u32,
}

fn capped(points: Expr, cap: Option<f64>) -> Expr {
    let points = points.cast(DataType::Float64).fill_null(lit(0.0));
    match cap {
        Some(cap) => points.clip(lit(0.0), lit(cap)),
        None => points.clip_min(lit(0.0)),
    }
}

fn total(columns: impl Iterator<Item = String>, cap: Option<f64>) -> Expr {
    let sum = columns
        .map(col)
        .reduce(|a, b| a + b)
        .unwrap_or_else(|| lit(0.0));
    capped(sum, cap)
}

impl Adjustments {
    /// The `with_columns` stages, in order: rule columns, then totals, then the final score.
    pub fn stages(&self) -> Vec<Vec<Expr>> {
        let mut rules: Vec<Expr> = Vec::new();
        for (i, veto) in self.vetoes.iter().enumerate() {
            rules.push(
                veto.clone()
                    .cast(DataType::Boolean)
                    .fill_null(lit(false))
                    .alias(veto_column(i)),
            );
        }
        for (i, rule) in self.bonus.iter().enumerate() {
            rules.push(capped(rule.points.clone(), rule.cap).alias(bonus_column(i)));
        }
        for (i, rule) in self.deduction.iter().enumerate() {
            rules.push(capped(rule.points.clone(), rule.cap).alias(deduction_column(i)));
        }
        let vetoed = (0..self.vetoes.len())
            .map(|i| col(veto_column(i)))
            .reduce(|a, b| a.or(b))
            .unwrap_or_else(|| lit(false));
        let excluded = col(WEIGHTED_COLUMN)
            .is_null()
            .or(col(COVERAGE_COLUMN).lt(lit(self.min_coverage)));
        let totals = vec![
            vetoed.alias(VETOED_COLUMN),
            excluded.alias(EXCLUDED_COLUMN),
            total((0..self.bonus.len()).map(bonus_column), self.bonus_cap).alias(BONUS_COLUMN),
            total(
                (0..self.deduction.len()).map(deduction_column),
                self.deduction_cap,
            )
            .alias(DEDUCTION_COLUMN),
        ];
        let raw = col(WEIGHTED_COLUMN) + col(BONUS_COLUMN) - col(DEDUCTION_COLUMN);
        let score = when(col(EXCLUDED_COLUMN))
            .then(null())
            .otherwise(raw.round(self.score_decimals, RoundMode::HalfAwayFromZero))
            .alias(SCORE_COLUMN);
        let mut stages = Vec::new();
        if !rules.is_empty() {
            stages.push(rules);
        }
        stages.push(totals);
        stages.push(vec![score]);
        stages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(adjustments: &Adjustments, frame: DataFrame) -> DataFrame {
        let mut lazy = frame.lazy();
        for stage in adjustments.stages() {
            lazy = lazy.with_columns(stage);
        }
        lazy.collect().unwrap()
    }

    fn floats(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
        frame.column(name).unwrap().f64().unwrap().iter().collect()
    }

    #[test]
    fn bonus_caps_deductions_vetoes_and_exclusion() {
        let frame = df!(
            WEIGHTED_COLUMN => [Some(80.123), Some(70.0), Some(60.0), None],
            COVERAGE_COLUMN => [1.0, 1.0, 0.4, 0.0],
            "specialties" => [Some(5.0), Some(1.0), None, Some(2.0)],
            "reprimands" => [0.0, 3.0, 1.0, 0.0],
            "incidents" => [0.0, 1.0, 0.0, 0.0]
        )
        .unwrap();
        let adjustments = Adjustments {
            vetoes: vec![col("incidents").gt(lit(0.0))],
            // 1 point per specialty, at most 3; bonus section capped at 2.5
            bonus: vec![PointsRule {
                points: col("specialties"),
                cap: Some(3.0),
            }],
            bonus_cap: Some(2.5),
            // 0.5 per reprimand, no rule cap; section capped at 1
            deduction: vec![PointsRule {
                points: col("reprimands") * lit(0.5),
                cap: None,
            }],
            deduction_cap: Some(1.0),
            min_coverage: 0.5,
            score_decimals: 2,
        };
        let out = run(&adjustments, frame);
        assert_eq!(
            floats(&out, BONUS_COLUMN),
            [Some(2.5), Some(1.0), Some(0.0), Some(2.0)]
        );
        assert_eq!(
            floats(&out, DEDUCTION_COLUMN),
            [Some(0.0), Some(1.0), Some(0.5), Some(0.0)]
        );
        // 80.123 + 2.5 = 82.623 → 82.62; 70 + 1 − 1 = 70; row 3 below coverage; row 4 no data
        assert_eq!(
            floats(&out, SCORE_COLUMN),
            [Some(82.62), Some(70.0), None, None]
        );
        let vetoed: Vec<Option<bool>> = out
            .column(VETOED_COLUMN)
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(vetoed, [Some(false), Some(true), Some(false), Some(false)]);
        let excluded: Vec<Option<bool>> = out
            .column(EXCLUDED_COLUMN)
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(excluded, [Some(false), Some(false), Some(true), Some(true)]);
    }
}
