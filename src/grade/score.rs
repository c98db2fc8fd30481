//! `by: score`: fixed score thresholds.
//!
//! ```yaml
//! grades:
//!   by: score
//!   bands:
//!     - {grade: 优秀, min: 90}
//!     - {grade: 合格, min: 60}
//!     - {grade: 不合格}
//! ```
//!
//! An institution gets the first band (best first) whose `min` its score reaches: band i when
//! `score ≥ min_i` and `score < min_j` for every earlier band j. The thresholds are the scheme's
//! own numbers, compared exactly with the published (rounded) score: 89.99 does not reach 90.
//!
//! Degenerate data need no policy: a threshold does not depend on the other institutions, so a
//! single institution, equal scores or a peer group of one are graded like any other. `within`
//! makes no difference.

use polars::prelude::*;

use crate::scheme::GradeBand;

/// Band index (0 = best) of `score` by the bands' `min` thresholds.
pub fn band_index(bands: &[GradeBand], score: Expr) -> Expr {
    let thresholds = bands[..bands.len().saturating_sub(1)]
        .iter()
        .map(|band| score.clone().gt_eq(lit(band.min.unwrap_or(f64::INFINITY))));
    super::first_reached(thresholds.collect())
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::scheme::{GradeBy, Within};

    #[test]
    fn first_threshold_reached_best_first() {
        let mut spec = spec(
            GradeBy::Score,
            Within::All,
            vec![band("优秀"), band("合格"), band("不合格")],
        );
        spec.bands[0].min = Some(90.0);
        spec.bands[1].min = Some(60.0);
        let out = grades(
            &spec,
            &[
                Some(95.0),
                Some(90.0),
                Some(89.99),
                Some(10.0),
                None,
                Some(99.0),
            ],
            &[false, false, false, false, false, true],
            &["g"; 6],
        );
        assert_eq!(
            out,
            owned(&[
                Some("优秀"),
                Some("优秀"),
                Some("合格"),
                Some("不合格"),
                None,
                Some("不合格")
            ])
        );
    }

    #[test]
    fn a_lone_institution_and_equal_scores_are_graded_by_the_thresholds() {
        let mut spec = spec(
            GradeBy::Score,
            Within::PeerGroup,
            vec![band("A"), band("B")],
        );
        spec.bands[0].min = Some(60.0);
        assert_eq!(
            grades(&spec, &some(&[61.0]), &[false], &["alone"]),
            owned(&[Some("A")])
        );
        assert_eq!(
            grades(&spec, &some(&[59.0; 3]), &[false; 3], &["g"; 3]),
            owned(&[Some("B"); 3])
        );
    }
}
