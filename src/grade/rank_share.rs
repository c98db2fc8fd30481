//! `by: rank_share`: bands by cumulative share of the ranking (top 10% = A, …).
//!
//! ```yaml
//! grades:
//!   by: rank_share
//!   within: peer_group       # or all
//!   rounding: floor          # default; or ceil, nearest
//!   bands:
//!     - {grade: A, top: 0.10}
//!     - {grade: B, top: 0.40}
//!     - {grade: C}
//! ```
//!
//! An institution gets the first band whose share its rank falls within: `rank ≤ places(top × n)`,
//! n the ranked institutions (vetoed ones included: they hold the last places), its rank the
//! overall `rank`, or `group_rank` and n the peer group's with `within: peer_group`. Tied
//! institutions share a rank and so a band (with `min` ties two institutions tied at the edge
//! both get the better band).
//!
//! `rounding` says how the share becomes a number of places:
//!
//! | `rounding` | places | top 10% of 1 | top 10% / 40% / 80% of 3 |
//! |---|---|---|---|
//! | `floor` (default) | top × n | 0.1: nobody | 0.3 / 1.2 / 2.4: —, rank 1, rank 2 |
//! | `ceil` | ⌈top × n⌉ | 1 | 1 / 2 / 3 (the last band stays empty) |
//! | `nearest` | ⌊top × n + ½⌋ | 0 | 0 / 1 / 2 |
//!
//! **Small peer groups.** With `floor`, a peer group of fewer than `1 / top` institutions has
//! nobody in that band, and a hospital alone in its peer group gets the last band whatever its
//! score. `ceil` gives every band at least the first place instead (a lone hospital gets the
//! first band); `nearest` sits between. Grading within small peer groups by share is arbitrary
//! either way: prefer `within: all`, or `by: score`, where peer groups are small.
//!
//! `top × n` is taken with a 1e-9 (relative) allowance, as binary fractions are inexact:
//! 0.29 × 100 = 28.999999999999996 in floating point, and rank 29 is within the top 29%.

use polars::prelude::*;

use crate::normalise::within;
use crate::scheme::{GradeBand, ShareRounding, Within};

/// Band index (0 = best) by the bands' `top` shares of the ranking: `rank` is each row's rank
/// (1 = best; null for unranked rows) among the rows of its group (`over`).
pub fn band_index(bands: &[GradeBand], rank: Expr, over: Within, rounding: ShareRounding) -> Expr {
    let rank = rank.cast(DataType::Float64);
    let ranked = within(rank.clone().count(), over).cast(DataType::Float64);
    let shares = bands[..bands.len().saturating_sub(1)].iter().map(|band| {
        let share = lit(band.top.unwrap_or(0.0)) * ranked.clone();
        let allowance = share.clone().abs().clip_min(lit(1.0)) * lit(super::CUT_TOLERANCE);
        let places = match rounding {
            ShareRounding::Floor => share + allowance,
            ShareRounding::Ceil => (share - allowance).ceil(),
            ShareRounding::Nearest => (share + lit(0.5) + allowance).floor(),
        };
        rank.clone().lt_eq(places)
    });
    super::first_reached(shares.collect())
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::scheme::{GradeBy, ShareRounding, Within};

    fn abcd(rounding: ShareRounding, within: Within) -> crate::scheme::GradeSpec {
        let mut spec = spec(
            GradeBy::RankShare,
            within,
            vec![band("A"), band("B"), band("C"), band("D")],
        );
        spec.bands[0].top = Some(0.1);
        spec.bands[1].top = Some(0.4);
        spec.bands[2].top = Some(0.8);
        spec.rounding = Some(rounding);
        spec
    }

    #[test]
    fn ties_share_a_band() {
        // 10 ranked; A = top 10% (rank ≤ 1), B = top 40% (rank ≤ 4); two tied at rank 4 both
        // get B; C to rank 8.
        let ranks = [1.0, 2.0, 3.0, 4.0, 4.0, 6.0, 7.0, 8.0, 9.0, 10.0].map(Some);
        let out = grades_with_ranks(
            &abcd(ShareRounding::Floor, Within::All),
            &[Some(1.0); 10],
            &ranks,
            &[false; 10],
        );
        let expected = ["A", "B", "B", "B", "B", "C", "C", "C", "D", "D"].map(Some);
        assert_eq!(out, owned(&expected));
    }

    #[test]
    fn average_ranks_compare_with_the_unrounded_share() {
        // Average ties: 1.5, 1.5, 3, 4 of n = 4, top 40% → places 1.6: the tied pair is in.
        let ranks = [1.5, 1.5, 3.0, 4.0].map(Some);
        let out = grades_with_ranks(
            &abcd(ShareRounding::Floor, Within::All),
            &[Some(1.0); 4],
            &ranks,
            &[false; 4],
        );
        assert_eq!(out, owned(&[Some("B"), Some("B"), Some("C"), Some("D")]));
    }

    #[test]
    fn share_products_that_fall_short_in_binary_still_count() {
        // 0.29 × 100 = 28.999999999999996: rank 29 is still within the top 29%.
        let mut spec = spec(GradeBy::RankShare, Within::All, vec![band("A"), band("B")]);
        spec.bands[0].top = Some(0.29);
        let ranks: Vec<Option<f64>> = (1..=100).map(|r| Some(r as f64)).collect();
        let out = grades_with_ranks(&spec, &[Some(1.0); 100], &ranks, &[false; 100]);
        assert_eq!(out[28].as_deref(), Some("A"));
        assert_eq!(out[29].as_deref(), Some("B"));
    }

    #[test]
    fn rounding_decides_small_peer_groups() {
        // A lone hospital (group x) and a group of three (y: 90, 80, 70), A 10% / B 40% / C 80%.
        let scores = some(&[50.0, 90.0, 80.0, 70.0]);
        let groups = ["x", "y", "y", "y"];
        let vetoed = [false; 4];
        let run = |rounding| {
            grades(
                &abcd(rounding, Within::PeerGroup),
                &scores,
                &vetoed,
                &groups,
            )
        };
        // floor: places 0.1 / 0.4 / 0.8 for x; 0.3 / 1.2 / 2.4 for y.
        assert_eq!(
            run(ShareRounding::Floor),
            owned(&[Some("D"), Some("B"), Some("C"), Some("D")])
        );
        // ceil: places 1 / 1 / 1 for x; 1 / 2 / 3 for y.
        assert_eq!(
            run(ShareRounding::Ceil),
            owned(&[Some("A"), Some("A"), Some("B"), Some("C")])
        );
        // nearest: places 0 / 0 / 1 for x; 0 / 1 / 2 for y.
        assert_eq!(
            run(ShareRounding::Nearest),
            owned(&[Some("C"), Some("B"), Some("C"), Some("D")])
        );
    }

    #[test]
    fn equal_scores_all_take_the_first_band_their_shared_rank_reaches() {
        // Five equal scores rank 1 (min ties): all within the top 10% of 5 only with ceil.
        let scores = some(&[60.0; 5]);
        let run = |rounding| {
            grades(
                &abcd(rounding, Within::All),
                &scores,
                &[false; 5],
                &["g"; 5],
            )
        };
        assert_eq!(run(ShareRounding::Floor), owned(&[Some("B"); 5])); // 1 ≤ 0.5? no; ≤ 2 yes
        assert_eq!(run(ShareRounding::Ceil), owned(&[Some("A"); 5]));
    }
}
