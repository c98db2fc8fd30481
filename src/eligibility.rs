//! Stage 6b, eligibility (`eligible:` in scheme.yaml): who is rated at all.
//!
//! An institution for which the condition does not hold is **not rated**: it keeps its indicator
//! values, every node score, its weighted total and its final score in the output, and it counts
//! in every statistic computed before this stage (standardisation, group scores — CMS scores every
//! hospital, rated or not), but it gets no rank and no grade, and is flagged `not rated: <reason>`
//! with its own count in the run summary. This is neither a veto (a vetoed institution is ranked
//! last and graded) nor the exclusion for missing data (`missing.min_coverage`, which blanks the
//! score). A missing condition does not hold: eligibility must be shown, not assumed.
//!
//! ```yaml
//! eligible:
//!   when: 可评级                    # a true/false formula
//!   reason: 不足3个指标组各有3项指标   # the flag of those not rated
//! ```
//!
//! Ranks and grades read the final score; so the stage hides the score of the institutions not
//! rated while ranks and grades are computed ([`hide_stages`]) and puts it back after
//! ([`restore_stage`]).

use polars::prelude::*;

use crate::columns::{NOT_RATED_COLUMN, SCORE_COLUMN};
use crate::normalise::null;

/// Internal: the final score kept aside while ranks and grades are computed.
const KEPT_SCORE_COLUMN: &str = "__score_kept";

/// The stages before ranking: the not-rated flag, then the score hidden where it is set.
pub fn hide_stages(eligible: &Expr) -> Vec<Vec<Expr>> {
    vec![
        vec![
            eligible
                .clone()
                .cast(DataType::Boolean)
                .fill_null(lit(false))
                .not()
                .alias(NOT_RATED_COLUMN),
            col(SCORE_COLUMN).alias(KEPT_SCORE_COLUMN),
        ],
        vec![when(col(NOT_RATED_COLUMN))
            .then(null())
            .otherwise(col(SCORE_COLUMN))
            .alias(SCORE_COLUMN)],
    ]
}

/// The stage after grading: every institution's score back.
pub fn restore_stage() -> Vec<Expr> {
    vec![col(KEPT_SCORE_COLUMN).alias(SCORE_COLUMN)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_the_score_of_those_not_rated_and_puts_it_back() {
        let frame = df!(
            SCORE_COLUMN => [Some(80.0), Some(70.0), None, Some(60.0)],
            "ok" => [Some(true), Some(false), Some(false), None]
        )
        .unwrap();
        let mut lazy = frame.lazy();
        for stage in hide_stages(&col("ok")) {
            lazy = lazy.with_columns(stage);
        }
        let hidden = lazy.clone().collect().unwrap();
        let scores: Vec<Option<f64>> = hidden
            .column(SCORE_COLUMN)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(scores, [Some(80.0), None, None, None]);
        let not_rated: Vec<Option<bool>> = hidden
            .column(NOT_RATED_COLUMN)
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .collect();
        // A missing condition does not hold.
        assert_eq!(not_rated, [Some(false), Some(true), Some(true), Some(true)]);
        let back = lazy.with_columns(restore_stage()).collect().unwrap();
        let scores: Vec<Option<f64>> = back
            .column(SCORE_COLUMN)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(scores, [Some(80.0), Some(70.0), None, Some(60.0)]);
    }
}
