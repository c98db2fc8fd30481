//! Grades of one sensitivity draw computed natively, by the rules of `crate::grade` — the same
//! band for every institution as the pipeline's grade expressions give, without building a frame.
//!
//! What the pipeline does (`crate::grade::grade_expr`, `crate::grade::adjust::stages`) and this
//! file repeats, operation for operation where floating point is involved:
//!
//! * an institution without a (rated) score gets no grade, a vetoed one the last band;
//! * `by: score`: the first band whose `min` the score reaches;
//! * `by: rank_share`: the first band with `rank ≤ places(top × n)`, n the ranked institutions
//!   (overall, or of the peer group with `within: peer_group`), with the 1e-9 allowance and the
//!   `rounding` of `crate::grade::rank_share`;
//! * `by: kmeans` and `by: rsr_probit`: the same Rust functions the pipeline applies to each
//!   group's clean scores (`crate::grade::kmeans::bands`, `crate::grade::rsr_probit::bands`), fed
//!   the same values in the same (row) order;
//! * grade adjustments whose condition reads nothing the weights change (the condition is
//!   evaluated once, on the indicator stage's columns): moved by their steps in order, bounded by
//!   the first and last band, never for the vetoed or the ungraded.
//!
//! `by: mean_sd` (a mean and a sample SD whose summation order is polars' own) and adjustments
//! whose condition reads a score the weights change (`lowest: {node: …}` on an inner node) are
//! not done here: `super::lean` grades those draws with the pipeline's expressions instead.

use crate::grade::{kmeans, rsr_probit, CUT_TOLERANCE};
use crate::scheme::{GradeBy, GradeSpec, ShareRounding, Within};

use super::lean::NO_GRADE;

/// Whether [`grades`] can grade by `spec`'s method.
pub fn native_method(spec: &GradeSpec) -> bool {
    spec.by != GradeBy::MeanSd
}

/// One grade adjustment ready to apply: where its condition holds, and its steps (positive:
/// down).
#[derive(Debug, Clone)]
pub struct Adjustment {
    pub holds: Vec<bool>,
    pub steps: i64,
}

/// What a draw is graded on, per institution in the data's row order.
pub struct Graded<'a> {
    /// The score ranks and grades read (NaN: none — unscored, excluded or not rated).
    pub score: &'a [f64],
    pub vetoed: &'a [bool],
    pub rank: &'a [f64],
    pub group_rank: &'a [f64],
    /// The peer group's number, 0..groups.
    pub group: &'a [u32],
    pub groups: usize,
}

/// The band index (0 = best; [`NO_GRADE`]) of every institution, `spec` being a
/// [`native_method`].
pub fn grades(spec: &GradeSpec, adjustments: &[Adjustment], graded: &Graded) -> Vec<u8> {
    let n = graded.score.len();
    let k = spec.bands.len();
    let last = k.saturating_sub(1) as i64;
    let band = band_index(spec, graded);
    let mut out = vec![NO_GRADE; n];
    for r in 0..n {
        if graded.score[r].is_nan() {
            continue;
        }
        let mut current = if graded.vetoed[r] {
            last
        } else {
            match band[r] {
                Some(b) => b as i64,
                None => continue,
            }
        };
        if !graded.vetoed[r] {
            for adjustment in adjustments {
                if adjustment.holds[r] {
                    current = (current + adjustment.steps).clamp(0, last);
                }
            }
        }
        // A band index past the last band has no name: no grade, as polars' gather gives.
        if current >= 0 && (current as usize) < k {
            out[r] = current as u8;
        }
    }
    out
}

/// The method's band index of every institution that is scored and not vetoed (`None`
/// elsewhere, or where the method gives none).
fn band_index(spec: &GradeSpec, graded: &Graded) -> Vec<Option<u32>> {
    let n = graded.score.len();
    let conditions = spec.bands.len().saturating_sub(1);
    let clean = |r: usize| !graded.vetoed[r] && !graded.score[r].is_nan();
    let mut out = vec![None; n];
    match spec.by {
        GradeBy::Score => {
            let mins: Vec<f64> = spec.bands[..conditions]
                .iter()
                .map(|b| b.min.unwrap_or(f64::INFINITY))
                .collect();
            for r in (0..n).filter(|&r| clean(r)) {
                let s = graded.score[r];
                let i = mins.iter().position(|&m| s >= m).unwrap_or(conditions);
                out[r] = Some(i as u32);
            }
        }
        GradeBy::RankShare => {
            let (rank, group): (&[f64], Option<&[u32]>) = match spec.within {
                Within::All => (graded.rank, None),
                Within::PeerGroup => (graded.group_rank, Some(graded.group)),
            };
            let slots = if group.is_some() { graded.groups } else { 1 };
            let mut ranked = vec![0usize; slots];
            for r in 0..n {
                if !rank[r].is_nan() {
                    ranked[group.map_or(0, |g| g[r] as usize)] += 1;
                }
            }
            let rounding = spec.rounding.unwrap_or_default();
            // places[slot][band]: as crate::grade::rank_share computes them.
            let places: Vec<Vec<f64>> = ranked
                .iter()
                .map(|&count| {
                    spec.bands[..conditions]
                        .iter()
                        .map(|b| {
                            let share = b.top.unwrap_or(0.0) * count as f64;
                            let allowance = share.abs().max(1.0) * CUT_TOLERANCE;
                            match rounding {
                                ShareRounding::Floor => share + allowance,
                                ShareRounding::Ceil => (share - allowance).ceil(),
                                ShareRounding::Nearest => (share + 0.5 + allowance).floor(),
                            }
                        })
                        .collect()
                })
                .collect();
            for r in (0..n).filter(|&r| clean(r)) {
                let places = &places[group.map_or(0, |g| g[r] as usize)];
                let i = places
                    .iter()
                    .position(|&p| rank[r] <= p)
                    .unwrap_or(conditions);
                out[r] = Some(i as u32);
            }
        }
        GradeBy::Kmeans | GradeBy::RsrProbit => {
            let k = spec.bands.len();
            let by = spec.by;
            let algorithm = spec.algorithm.unwrap_or_default();
            let bands = |values: &[f64]| match by {
                GradeBy::Kmeans => kmeans::bands(values, k, algorithm),
                _ => rsr_probit::bands(values, k),
            };
            let slots = match spec.within {
                Within::All => 1,
                Within::PeerGroup => graded.groups,
            };
            let slot = |r: usize| match spec.within {
                Within::All => 0,
                Within::PeerGroup => graded.group[r] as usize,
            };
            // Each group's clean finite scores in row order, as the pipeline's window gives them.
            let mut rows: Vec<Vec<usize>> = vec![Vec::new(); slots];
            for r in (0..n).filter(|&r| clean(r) && graded.score[r].is_finite()) {
                rows[slot(r)].push(r);
            }
            for members in rows.iter().filter(|m| !m.is_empty()) {
                let values: Vec<f64> = members.iter().map(|&r| graded.score[r]).collect();
                for (&r, b) in members.iter().zip(bands(&values)) {
                    out[r] = Some(b);
                }
            }
        }
        GradeBy::MeanSd => unreachable!("mean_sd is graded by the pipeline's expressions"),
    }
    out
}
