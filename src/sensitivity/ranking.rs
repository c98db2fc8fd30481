//! Ranks of one sensitivity draw, natively, as `crate::rank` computes them: highest score first,
//! vetoed institutions after all the others, each tie rule (`min`, `dense`, `average`,
//! `ordinal`; equal scores in row order), overall and within each peer group. One sort of packed
//! integer keys per draw gives the overall order; a counting sort by peer group keeps that order
//! within each group, so the group ranks need no sort of their own.

use crate::scheme::Ties;

/// Ranks of `score` (NaN: unranked) overall and within each group, highest first, vetoed
/// institutions after the others, with `ties` — as `crate::rank` computes them.
pub fn ranks(
    score: &[f64],
    vetoed: &[bool],
    group: &[u32],
    groups: usize,
    ties: Ties,
) -> (Vec<f64>, Vec<f64>) {
    ranks_with(score, vetoed, group, groups, ties, &mut Vec::new())
}

/// A sort key: the clean before the vetoed, then the higher score (by `f64::total_cmp`), then
/// the row — one integer comparison instead of three lookups.
fn rank_key(vetoed: bool, score: f64, row: usize) -> u128 {
    let bits = score.to_bits();
    // Ascending in total_cmp order, then flipped: higher scores first.
    let ascending = if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    };
    ((vetoed as u128) << 96) | ((!ascending as u128) << 32) | row as u128
}

/// [`ranks`] with the sort keys' buffer given.
pub(super) fn ranks_with(
    score: &[f64],
    vetoed: &[bool],
    group: &[u32],
    groups: usize,
    ties: Ties,
    keys: &mut Vec<u128>,
) -> (Vec<f64>, Vec<f64>) {
    let n = score.len();
    keys.clear();
    keys.extend(
        (0..n)
            .filter(|&i| !score[i].is_nan())
            .map(|i| rank_key(vetoed[i], score[i], i)),
    );
    keys.sort_unstable();
    let order: Vec<usize> = keys.iter().map(|&k| (k as u32) as usize).collect();
    let split = order.partition_point(|&i| !vetoed[i]);
    let mut rank = vec![f64::NAN; n];
    let clean_last = assign(&order[..split], score, ties, 0.0, &mut rank);
    assign(&order[split..], score, ties, clean_last, &mut rank);
    // Each group's rows in the same order, contiguous (a counting sort by group).
    let mut start = vec![0usize; groups + 1];
    for &i in &order {
        start[group[i] as usize + 1] += 1;
    }
    for g in 0..groups {
        start[g + 1] += start[g];
    }
    let mut next = start.clone();
    let mut by_group = vec![0usize; order.len()];
    for &i in &order {
        let g = group[i] as usize;
        by_group[next[g]] = i;
        next[g] += 1;
    }
    let mut group_rank = vec![f64::NAN; n];
    for g in 0..groups {
        let members = &by_group[start[g]..start[g + 1]];
        let split = members.partition_point(|&i| !vetoed[i]);
        let last = assign(&members[..split], score, ties, 0.0, &mut group_rank);
        assign(&members[split..], score, ties, last, &mut group_rank);
    }
    (rank, group_rank)
}
/// Ranks of `sequence` (sorted best first) plus `offset`; returns the last rank a later
/// sequence continues after: the count, or the number of distinct scores for dense ties.
fn assign(sequence: &[usize], score: &[f64], ties: Ties, offset: f64, out: &mut [f64]) -> f64 {
    let mut i = 0;
    let mut dense = 0usize;
    while i < sequence.len() {
        let mut j = i + 1;
        while j < sequence.len() && score[sequence[j]] == score[sequence[i]] {
            j += 1;
        }
        dense += 1;
        for (k, &row) in sequence[i..j].iter().enumerate() {
            let r = match ties {
                Ties::Min => (i + 1) as f64,
                Ties::Dense => dense as f64,
                Ties::Average => (i + 1 + j) as f64 / 2.0,
                Ties::Ordinal => (i + 1 + k) as f64,
            };
            out[row] = r + offset;
        }
        i = j;
    }
    match ties {
        Ties::Dense => dense as f64,
        _ => sequence.len() as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_the_tie_conventions_with_vetoes_last() {
        // As crate::rank's tests: [0.5, 0.7, 0.7, 0.2].
        let s = [0.5, 0.7, 0.7, 0.2];
        let none = [false; 4];
        let g = [0; 4];
        assert_eq!(ranks(&s, &none, &g, 1, Ties::Min).0, [3.0, 1.0, 1.0, 4.0]);
        assert_eq!(ranks(&s, &none, &g, 1, Ties::Dense).0, [2.0, 1.0, 1.0, 3.0]);
        assert_eq!(
            ranks(&s, &none, &g, 1, Ties::Average).0,
            [3.0, 1.5, 1.5, 4.0]
        );
        assert_eq!(
            ranks(&s, &none, &g, 1, Ties::Ordinal).0,
            [3.0, 1.0, 2.0, 4.0]
        );
        // 0.7 vetoed goes after 0.5 and 0.2; the missing score has no rank.
        let (overall, group) = ranks(
            &[0.5, 0.7, f64::NAN, 0.2],
            &[false, true, false, false],
            &[0, 0, 1, 1],
            2,
            Ties::Min,
        );
        assert_eq!(overall[..2], [1.0, 3.0]);
        assert!(overall[2].is_nan());
        assert_eq!(overall[3], 2.0);
        assert_eq!(group[..2], [1.0, 2.0]);
        assert_eq!(group[3], 1.0);
        let (dense, _) = ranks(
            &[0.5, 0.5, 0.9],
            &[false, false, true],
            &[0; 3],
            1,
            Ties::Dense,
        );
        assert_eq!(dense, [1.0, 1.0, 2.0]);
    }
}
