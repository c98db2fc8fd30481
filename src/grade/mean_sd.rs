//! `by: mean_sd`: cut-points at mean + k·SD of the scores.
//!
//! ```yaml
//! grades:
//!   by: mean_sd
//!   within: all              # or peer_group
//!   bands:
//!     - {grade: A, above_sd: 1}     # score ≥ mean + 1·SD
//!     - {grade: B, above_sd: 0}     # score ≥ mean
//!     - {grade: C, above_sd: -1}    # score ≥ mean − 1·SD
//!     - {grade: D}                  # the rest
//! ```
//!
//! Band i holds the scores with `score ≥ mean + above_sd_i × SD` that reach no earlier band;
//! `above_sd` strictly decreases down the list and may be negative (Leapfrog's D, "between 1.5
//! and 3.0 SD below the mean", and F beyond: `{grade: C, above_sd: -1.5}`,
//! `{grade: D, above_sd: -3}`, `{grade: F}`). The mean and the **sample** SD (n − 1) are taken over the clean scores
//! (scored, not vetoed) of everyone, or of the peer group with `within: peer_group`.
//!
//! **Which score, which precision.** The score compared is the published `score`, rounded to
//! `score_decimals`, and the mean and SD are of those rounded scores. The cut-point itself is not
//! rounded (as Leapfrog compares unrounded); a score within 1e-9 (relative) of it reaches it, so
//! that floating noise cannot put a hospital exactly at the mean below it.
//!
//! **Degenerate data.** When the SD is undefined or zero — one institution, or all equal scores
//! in the group — everyone is at the mean: z = 0, and everyone gets the first band with
//! `above_sd ≤ 0` (the last band if none). Vetoed and unscored institutions do not enter the
//! mean or SD; a group with no clean score has no statistics and nobody in it to grade.

use polars::prelude::*;

use crate::normalise::within;
use crate::scheme::{GradeBand, Within};

/// Band index (0 = best) of `score` (null where not graded) by the bands' `above_sd` cut-points.
pub fn band_index(bands: &[GradeBand], score: Expr, over: Within) -> Expr {
    let mean = within(score.clone().mean(), over);
    let sd = within(score.clone().std(1), over);
    // Two different clean scores: the SD is defined and positive.
    let spread = within(score.clone().max(), over)
        .gt(within(score.clone().min(), over))
        .fill_null(lit(false));
    let cuts = bands[..bands.len().saturating_sub(1)].iter().map(|band| {
        let k = band.above_sd.unwrap_or(f64::INFINITY);
        let cut = mean.clone() + lit(k) * sd.clone();
        when(spread.clone())
            .then(super::reaches(score.clone(), cut))
            .otherwise(lit(k <= 0.0))
    });
    super::first_reached(cuts.collect())
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::scheme::{GradeBy, GradeSpec, Within};

    fn abcd(within: Within) -> GradeSpec {
        let mut spec = spec(
            GradeBy::MeanSd,
            within,
            vec![band("A"), band("B"), band("C"), band("D")],
        );
        spec.bands[0].above_sd = Some(1.0);
        spec.bands[1].above_sd = Some(0.0);
        spec.bands[2].above_sd = Some(-1.0);
        spec
    }

    #[test]
    fn cut_points_at_mean_plus_k_sample_sd() {
        // 50, 60, 70, 80, 90: mean 70, sample SD √((400 + 100 + 0 + 100 + 400)/4) = √250
        // = 15.811388; cuts 85.811388 / 70 / 54.188612. 70 is exactly at the mean: B.
        let out = grades(
            &abcd(Within::All),
            &some(&[50.0, 60.0, 70.0, 80.0, 90.0]),
            &[false; 5],
            &["g"; 5],
        );
        assert_eq!(
            out,
            owned(&[Some("D"), Some("C"), Some("B"), Some("B"), Some("A")])
        );
    }

    #[test]
    fn a_score_at_the_mean_is_not_pushed_below_it_by_float_noise() {
        // mean(0.1, 0.2, 0.3) = 0.20000000000000004 in floating point; 0.2 is at the mean, and
        // with SD 0.1, 0.1 and 0.3 are exactly one SD below and above it.
        let out = grades(
            &abcd(Within::All),
            &some(&[0.1, 0.2, 0.3]),
            &[false; 3],
            &["g"; 3],
        );
        assert_eq!(out, owned(&[Some("C"), Some("B"), Some("A")]));
    }

    #[test]
    fn leapfrog_style_bands_below_the_mean() {
        // D between 1.5 and 3 SD below the mean, F beyond 3 SD; scores −4..4 SD around 100.
        let mut spec = spec(
            GradeBy::MeanSd,
            Within::All,
            vec![band("C"), band("D"), band("F")],
        );
        spec.bands[0].above_sd = Some(-1.5);
        spec.bands[1].above_sd = Some(-3.0);
        // x = 60, 80, 90, 100, 110, 120: mean 93.333333, SD √(2333.333/5) = 21.602469;
        // cuts −1.5 SD = 60.929630, −3 SD = 28.525926 → 60 is D, the rest C.
        let out = grades(
            &spec,
            &some(&[60.0, 80.0, 90.0, 100.0, 110.0, 120.0]),
            &[false; 6],
            &["g"; 6],
        );
        assert_eq!(
            out,
            owned(&[
                Some("D"),
                Some("C"),
                Some("C"),
                Some("C"),
                Some("C"),
                Some("C")
            ])
        );
    }

    #[test]
    fn one_institution_or_equal_scores_sit_at_the_mean() {
        // SD undefined (one) or zero (equal): z = 0, the first band with above_sd ≤ 0.
        let alone = grades(&abcd(Within::All), &some(&[42.0]), &[false], &["g"]);
        assert_eq!(alone, owned(&[Some("B")]));
        let equal = grades(
            &abcd(Within::All),
            &some(&[0.1, 0.1, 0.1]),
            &[false; 3],
            &["g"; 3],
        );
        assert_eq!(equal, owned(&[Some("B"); 3]));
        // With no band at or below the mean, the last band.
        let mut above = spec(
            GradeBy::MeanSd,
            Within::All,
            vec![band("A"), band("B"), band("C")],
        );
        above.bands[0].above_sd = Some(1.0);
        above.bands[1].above_sd = Some(0.5);
        let equal = grades(&above, &some(&[7.0, 7.0]), &[false; 2], &["g"; 2]);
        assert_eq!(equal, owned(&[Some("C"); 2]));
    }

    #[test]
    fn vetoed_and_unscored_stay_out_of_the_statistics() {
        // Clean 40, 60: mean 50, SD √200 = 14.142136 → A from 64.14, B from 50, C from 35.86.
        // The vetoed 90 would have moved the mean to 63.3; it gets D.
        let out = grades(
            &abcd(Within::All),
            &[Some(90.0), Some(60.0), Some(40.0), None],
            &[true, false, false, false],
            &["g"; 4],
        );
        assert_eq!(out, owned(&[Some("D"), Some("B"), Some("C"), None]));
    }

    #[test]
    fn peer_groups_have_their_own_mean_and_sd() {
        // a: 10, 20, 30 (mean 20, SD 10); b: 70, 80, 90 (mean 80, SD 10); one in c.
        let scores = some(&[10.0, 70.0, 20.0, 80.0, 30.0, 90.0, 5.0]);
        let groups = ["a", "b", "a", "b", "a", "b", "c"];
        let out = grades(&abcd(Within::PeerGroup), &scores, &[false; 7], &groups);
        let expected = ["C", "C", "B", "B", "A", "A", "B"].map(Some);
        assert_eq!(out, owned(&expected));
        let out = grades(&abcd(Within::All), &scores, &[false; 7], &groups);
        // Over all: mean 43.571429, SD 35.439418: A ≥ 79.010847, B ≥ 43.571429, C ≥ 8.132010.
        let expected = ["C", "B", "C", "A", "C", "A", "D"].map(Some);
        assert_eq!(out, owned(&expected));
    }
}
