//! Grade adjustments after grading (`grade_adjustments:` in scheme.yaml): where a condition
//! holds, an institution's grade moves down (towards the last band) or up by k bands, never past
//! the first or the last band.
//!
//! ```yaml
//! grade_adjustments:
//!   - {when: 安全末四分位, down: 1, reason: 安全得分处于最低四分位}   # CMS 2026: −1 star
//!   - {when: 重大安全事件, down: 1, reason: 发生重大医疗安全事件}     # 降一个等次
//! ```
//!
//! Adjustments run in the order written, each on the band the previous ones left. Only graded
//! institutions are adjusted: one without a grade (unscored, excluded, not rated) stays without,
//! and a vetoed one keeps the last band. A missing condition does not hold. Each adjustment
//! leaves two internal columns: whether it moved the grade, and whether its condition held but
//! the grade was already at the bound (first or last band); both are flagged per institution and
//! the moves counted in the run summary.

use polars::prelude::*;

use crate::columns::{SCORE_COLUMN, VETOED_COLUMN};
use crate::scheme::GradeSpec;

/// One adjustment ready to run: its condition and the bands it moves (positive: down).
pub struct GradeAdjustment {
    pub when: Expr,
    pub steps: i64,
}

/// `lowest: {node, share}`: whether `node_score` is among the lowest `share` of the institutions
/// with a score — its rank from the lowest (1 = lowest; equal scores in institution-id order, the
/// order the data are read in) is at most ⌈share × n⌉, n the institutions with a score, rated or
/// not. With share = 1/k this is dplyr's `ntile(score, k) == 1` (the first tile takes the extra
/// institution when n is not a multiple of k), as the CMS 2026 R pack computes the lowest safety
/// quartile. A missing score is not among the lowest.
pub fn lowest(node_score: Expr, share: f64) -> Expr {
    let n = node_score.clone().count().cast(DataType::Float64);
    let rank = node_score.rank(
        RankOptions {
            method: RankMethod::Ordinal,
            descending: false,
        },
        None,
    );
    rank.cast(DataType::Float64)
        .lt_eq((n * lit(share)).ceil())
        .fill_null(lit(false))
}

/// Internal: whether the i-th adjustment moved the grade.
pub fn moved_column(index: usize) -> String {
    format!("__grade_moved_{index}")
}

/// Internal: whether the i-th adjustment's condition held at a grade already at its bound.
pub fn bounded_column(index: usize) -> String {
    format!("__grade_bounded_{index}")
}

/// Internal: the band index (0 = best) after grading, before any adjustment.
const BAND_COLUMN: &str = "__grade_band";

/// Internal: the band index after the i-th adjustment.
fn band_after(index: usize) -> String {
    format!("__grade_band_{index}")
}

/// The `with_columns` stages that grade with `spec` and then adjust, ending with the grade label
/// aliased `grade_column`. Without adjustments this is [`super::grade_expr`].
pub fn stages(
    spec: &GradeSpec,
    adjustments: &[GradeAdjustment],
    grade_column: &str,
) -> Vec<Vec<Expr>> {
    let last = spec.bands.len().saturating_sub(1) as i64;
    let base = when(col(SCORE_COLUMN).is_null())
        .then(lit(NULL).cast(DataType::Int64))
        .when(col(VETOED_COLUMN))
        .then(lit(last))
        .otherwise(super::band_index(spec).cast(DataType::Int64));
    let mut stages = vec![vec![base.alias(BAND_COLUMN)]];
    let mut current = BAND_COLUMN.to_string();
    for (i, adjustment) in adjustments.iter().enumerate() {
        let holds = adjustment
            .when
            .clone()
            .cast(DataType::Boolean)
            .fill_null(lit(false))
            .and(col(current.as_str()).is_not_null())
            .and(col(VETOED_COLUMN).not());
        let moved_to = (col(current.as_str()) + lit(adjustment.steps)).clip(lit(0i64), lit(last));
        let next = when(holds.clone())
            .then(moved_to.clone())
            .otherwise(col(current.as_str()));
        let changed = moved_to.neq(col(current.as_str()));
        stages.push(vec![
            next.alias(band_after(i)),
            holds.clone().and(changed.clone()).alias(moved_column(i)),
            holds.and(changed.not()).alias(bounded_column(i)),
        ]);
        current = band_after(i);
    }
    let names: Series = spec.bands.iter().map(|b| b.grade.as_str()).collect();
    stages.push(vec![lit(names)
        .gather(col(current.as_str()).cast(DataType::UInt32), true)
        .alias(grade_column)]);
    stages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::{GradeBand, GradeBy, Within};

    fn spec() -> GradeSpec {
        let band = |grade: &str, min: Option<f64>| GradeBand {
            min,
            ..crate::grade::testing::band(grade)
        };
        crate::grade::testing::spec(
            GradeBy::Score,
            Within::All,
            vec![
                band("A", Some(90.0)),
                band("B", Some(80.0)),
                band("C", Some(70.0)),
                band("D", None),
            ],
        )
    }

    #[test]
    fn lowest_share_is_the_first_ntile() {
        // 9 scores (one missing): n = 9, ⌈9 / 4⌉ = 3 lowest — dplyr's ntile(x, 4) gives tiles of
        // 3, 2, 2, 2. Equal scores 2.0 in row order: the first of them is in, the second is out.
        let frame = df!(
            "s" => [Some(5.0), Some(2.0), None, Some(1.0), Some(2.0), Some(9.0), Some(7.0), Some(0.5), Some(3.0), Some(8.0)]
        )
        .unwrap();
        let out = frame
            .lazy()
            .select([lowest(col("s"), 0.25).alias("low")])
            .collect()
            .unwrap();
        let low: Vec<Option<bool>> = out.column("low").unwrap().bool().unwrap().iter().collect();
        let expected = [
            false, true, false, true, false, false, false, true, false, false,
        ];
        assert_eq!(low, expected.map(Some));
    }

    #[test]
    fn moves_bands_in_order_bounded_and_flags_each() {
        // Scores 95 (A), 85 (B), 75 (C), 60 (D), vetoed 95, unscored.
        let frame = df!(
            SCORE_COLUMN => [Some(95.0), Some(85.0), Some(75.0), Some(60.0), Some(95.0), None],
            VETOED_COLUMN => [false, false, false, false, true, false],
            "incident" => [Some(true), Some(false), Some(true), Some(true), Some(true), Some(true)],
            "model" => [Some(false), Some(true), None, Some(true), Some(true), Some(true)]
        )
        .unwrap();
        let adjustments = [
            // down 2 where an incident: A → C; C → D (bounded at the last band after 1); D stays.
            GradeAdjustment {
                when: col("incident"),
                steps: 2,
            },
            // up 1 for a model hospital: B → A; D (from the incident) → C; missing: no.
            GradeAdjustment {
                when: col("model"),
                steps: -1,
            },
        ];
        let mut lazy = frame.lazy();
        for stage in stages(&spec(), &adjustments, "grade") {
            lazy = lazy.with_columns(stage);
        }
        let out = lazy.collect().unwrap();
        let grades: Vec<Option<&str>> =
            out.column("grade").unwrap().str().unwrap().iter().collect();
        assert_eq!(
            grades,
            [Some("C"), Some("A"), Some("D"), Some("C"), Some("D"), None]
        );
        let bools = |name: &str| -> Vec<bool> {
            out.column(name)
                .unwrap()
                .bool()
                .unwrap()
                .iter()
                .map(|b| b.unwrap())
                .collect()
        };
        // The incident moved rows 0 and 2 (C → D is one band, still a move); row 3 was at D.
        assert_eq!(
            bools(&moved_column(0)),
            [true, false, true, false, false, false]
        );
        assert_eq!(
            bools(&bounded_column(0)),
            [false, false, false, true, false, false]
        );
        // The vetoed and the unscored are never adjusted.
        assert_eq!(
            bools(&moved_column(1)),
            [false, true, false, true, false, false]
        );
        assert_eq!(bools(&bounded_column(1)), [false; 6]);
    }
}
