//! `by: kmeans`: one band per cluster of a 1-D k-means of the scores, k = the number of bands.
//!
//! ```yaml
//! grades:
//!   by: kmeans
//!   within: peer_group          # clusters found in each peer group apart, as CMS does
//!   algorithm: exact            # default; hartigan_wong (R's kmeans, the CMS 2026 R pack) or
//!                               # sas_fastclus (SAS PROC FASTCLUS, the CMS 2021–2025 SAS packs)
//!   bands: [{grade: ★★★★★}, {grade: ★★★★}, {grade: ★★★}, {grade: ★★}, {grade: ★}]
//! ```
//!
//! The clean scores (scored, not vetoed) of each group are split into k clusters minimising the
//! within-cluster sum of squares Σ_c Σ_{x ∈ c} (x − x̄_c)²; the clusters, ordered by centre,
//! take the bands, the highest centre the first band.
//!
//! **`exact`** finds the optimum. In one dimension an optimal clustering splits the sorted
//! scores into k runs (and never splits equal scores), so it is a dynamic programme over the
//! sorted distinct scores x₁ < … < x_m with counts w:
//!
//! D(q, j) = min over i ≤ j of D(q − 1, i − 1) + SSE(i..j), D(1, j) = SSE(1..j),
//!
//! SSE of a run from prefix sums of w, w·x, w·x² (taken about the median distinct score, so
//! cancellation stays small). The cost satisfies the quadrangle inequality, so the best split i
//! is monotone in j and each layer is filled by divide and conquer: O(k · m log m) time, O(k · m)
//! memory for the split points (Grønlund et al. 2017; Ckmeans.1d.dp's "loglinear" method), not
//! the O(k · n²) of the plain programme. Scores rounded to `score_decimals` have few distinct
//! values, which helps further.
//!
//! **Tie policy (deterministic).** Equal scores are always in one cluster, so get one grade.
//! When several partitions have the same sum of squares (as computed), the one whose split
//! points are lowest — from the top split down — is taken: a hospital exactly between two
//! clusters goes to the better one (scores 0, 1, 2 in two bands: {0}, {1, 2}). The result does
//! not depend on row order.
//!
//! **`hartigan_wong`** is R's `kmeans(x, centers, iter.max = 1000)` (Hartigan & Wong 1979, AS 136)
//! as the CMS Overall Hospital Quality Star Rating runs it: seeded at the medians of the quantile
//! groups, then run again from the first run's centres; see [`super::hartigan_wong`]. It is a
//! local search: it can stop short of the optimum, and it visits institutions in row order
//! (institution-id order), which a borderline assignment can depend on. Where R would stop with
//! an error (fewer data points than clusters, seeds not distinct, a cluster emptied by the seeds)
//! the group is clustered `exact`ly instead.
//!
//! **`sas_fastclus`** is SAS `PROC FASTCLUS` (batch Lloyd updates) as the CMS SAS packs of
//! 2021–2025 ran it: seeds at the medians of the `PCTLDEF=5` quantile groups, `MAXITER=1000
//! CONVERGE=0`, then again from the first run's centres with `STRICT=1`; see
//! [`super::sas_fastclus`]. It reproduces the published stars of those years. It has no error
//! case: seeds that coincide are counted once (fewer clusters, see below).
//!
//! **Degenerate data.** A group with fewer distinct scores m than bands k has m clusters (each
//! distinct score its own); they take the *middle* m bands, from band ⌊(k − m)/2⌋ on, as a group
//! that cannot be told apart sits in the middle: a lone hospital or a group of equal scores gets
//! the middle band (★★★ of five; the second of four), in line with `mean_sd` (z = 0) and
//! `rsr_probit` (Probit 5). The same holds when `hartigan_wong`'s seeding yields fewer than k
//! clusters (empty quantile groups under heavy ties; CMS's code then runs with fewer centres).
//! A group with no clean score has nobody to grade.

use crate::scheme::KmeansAlgorithm;

/// A partition of values into clusters ordered by centre.
#[derive(Debug, Clone, PartialEq)]
pub struct Clustering {
    /// Per input value (in input order), its cluster: 0 is the one with the lowest centre.
    pub cluster: Vec<usize>,
    /// The cluster centres (means), ascending.
    pub centres: Vec<f64>,
    /// The total within-cluster sum of squares.
    pub within_ss: f64,
}

/// Band per value (0 = best) for k bands; see the module doc for the policies.
pub fn bands(values: &[f64], k: usize, algorithm: KmeansAlgorithm) -> Vec<u32> {
    if values.is_empty() || k == 0 {
        return vec![0; values.len()];
    }
    let clustering = match algorithm {
        KmeansAlgorithm::Exact => exact(values, k),
        KmeansAlgorithm::HartiganWong => {
            super::hartigan_wong::cms(values, k).unwrap_or_else(|_| exact(values, k))
        }
        KmeansAlgorithm::SasFastclus => super::sas_fastclus::cms(values, k),
    };
    let used = clustering.centres.len();
    let offset = k.saturating_sub(used) / 2;
    clustering
        .cluster
        .iter()
        .map(|&c| (offset + used - 1 - c) as u32)
        .collect()
}

/// The optimal 1-D k-means clustering of `values` (finite, any order) into min(k, distinct)
/// clusters.
pub fn exact(values: &[f64], k: usize) -> Clustering {
    let sorted = sorted_with_rows(values);
    let mut distinct: Vec<f64> = Vec::new();
    let mut counts: Vec<f64> = Vec::new();
    for &(x, _) in &sorted {
        if distinct.last() == Some(&x) {
            *counts.last_mut().expect("pushed with the value") += 1.0;
        } else {
            distinct.push(x);
            counts.push(1.0);
        }
    }
    let m = distinct.len();
    if m == 0 {
        return Clustering {
            cluster: Vec::new(),
            centres: Vec::new(),
            within_ss: 0.0,
        };
    }
    let k = k.clamp(1, m);
    let sums = PrefixSums::new(&distinct, &counts);
    let starts = optimal_starts(&sums, m, k);
    let mut centres = Vec::with_capacity(k);
    let mut within_ss = 0.0;
    for (c, &start) in starts.iter().enumerate() {
        let end = starts.get(c + 1).copied().unwrap_or(m);
        centres.push(sums.mean(start, end - 1));
        within_ss += sums.cost(start, end - 1);
    }
    // Walk the sorted values and the clusters' first values together.
    let mut cluster = vec![0usize; values.len()];
    let mut c = 0;
    for &(x, row) in &sorted {
        while c + 1 < k && x >= distinct[starts[c + 1]] {
            c += 1;
        }
        cluster[row as usize] = c;
    }
    Clustering {
        cluster,
        centres,
        within_ss,
    }
}

/// The values with their row numbers, ascending (a contiguous sort: no look-ups per value later).
pub(crate) fn sorted_with_rows(values: &[f64]) -> Vec<(f64, u32)> {
    let mut sorted: Vec<(f64, u32)> = values.iter().copied().zip(0u32..).collect();
    sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    sorted
}

/// Prefix sums of counts, and of counts × (x − shift) and its square, over sorted distinct values.
struct PrefixSums {
    shift: f64,
    w: Vec<f64>,
    s: Vec<f64>,
    ss: Vec<f64>,
}

impl PrefixSums {
    fn new(values: &[f64], counts: &[f64]) -> PrefixSums {
        let shift = values[values.len() / 2];
        let mut sums = PrefixSums {
            shift,
            w: Vec::with_capacity(values.len() + 1),
            s: Vec::with_capacity(values.len() + 1),
            ss: Vec::with_capacity(values.len() + 1),
        };
        let (mut w, mut s, mut ss) = (0.0, 0.0, 0.0);
        sums.w.push(w);
        sums.s.push(s);
        sums.ss.push(ss);
        for (x, n) in values.iter().zip(counts) {
            let d = x - shift;
            w += n;
            s += n * d;
            ss += n * d * d;
            sums.w.push(w);
            sums.s.push(s);
            sums.ss.push(ss);
        }
        sums
    }

    /// Within sum of squares of distinct values l..=r.
    fn cost(&self, l: usize, r: usize) -> f64 {
        let w = self.w[r + 1] - self.w[l];
        let s = self.s[r + 1] - self.s[l];
        let ss = self.ss[r + 1] - self.ss[l];
        (ss - s * s / w).max(0.0)
    }

    fn mean(&self, l: usize, r: usize) -> f64 {
        self.shift + (self.s[r + 1] - self.s[l]) / (self.w[r + 1] - self.w[l])
    }
}

/// The first distinct index of each of the k clusters of the optimal partition (ascending).
fn optimal_starts(sums: &PrefixSums, m: usize, k: usize) -> Vec<usize> {
    let mut previous: Vec<f64> = (0..m).map(|j| sums.cost(0, j)).collect();
    // splits[q - 1][j]: where the last of q + 1 clusters over values 0..=j starts.
    let mut splits: Vec<Vec<u32>> = Vec::with_capacity(k.saturating_sub(1));
    for q in 1..k {
        let mut layer = Layer {
            previous: &previous,
            sums,
            cost: vec![f64::INFINITY; m],
            split: vec![0; m],
        };
        // The last layer is only needed at j = m − 1.
        let lo = if q == k - 1 { m - 1 } else { q };
        layer.fill(lo, m - 1, q, m - 1);
        splits.push(layer.split);
        previous = layer.cost;
    }
    let mut starts = vec![0usize; k];
    let mut j = m - 1;
    for q in (1..k).rev() {
        let i = splits[q - 1][j] as usize;
        starts[q] = i;
        j = i - 1;
    }
    starts
}

/// One layer q of the programme: cost[j] = min over i of previous[i − 1] + SSE(i..j).
struct Layer<'a> {
    previous: &'a [f64],
    sums: &'a PrefixSums,
    cost: Vec<f64>,
    split: Vec<u32>,
}

impl Layer<'_> {
    /// Fills j in lo..=hi knowing the best split lies in first..=last (divide and conquer on the
    /// monotone split point). Takes the lowest split among equal costs.
    fn fill(&mut self, lo: usize, hi: usize, first: usize, last: usize) {
        if lo > hi {
            return;
        }
        let mid = lo + (hi - lo) / 2;
        let (mut best, mut best_i) = (f64::INFINITY, first);
        for i in first..=mid.min(last) {
            let c = self.previous[i - 1] + self.sums.cost(i, mid);
            if c < best {
                best = c;
                best_i = i;
            }
        }
        self.cost[mid] = best;
        self.split[mid] = best_i as u32;
        if mid > lo {
            self.fill(lo, mid - 1, first, best_i);
        }
        self.fill(mid + 1, hi, best_i, last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sse(values: &[f64], cluster: &[usize], k: usize) -> f64 {
        (0..k)
            .map(|c| {
                let members: Vec<f64> = values
                    .iter()
                    .zip(cluster)
                    .filter(|(_, &l)| l == c)
                    .map(|(x, _)| *x)
                    .collect();
                if members.is_empty() {
                    return 0.0;
                }
                let mean = members.iter().sum::<f64>() / members.len() as f64;
                members.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
            })
            .sum()
    }

    /// The least SSE over every assignment of the values to k labels (k^n of them).
    fn brute_force(values: &[f64], k: usize) -> f64 {
        let n = values.len();
        let mut labels = vec![0usize; n];
        let mut best = f64::INFINITY;
        loop {
            best = best.min(sse(values, &labels, k));
            let mut i = 0;
            loop {
                if i == n {
                    return best;
                }
                labels[i] += 1;
                if labels[i] < k {
                    break;
                }
                labels[i] = 0;
                i += 1;
            }
        }
    }

    #[test]
    fn hand_computed_clusters() {
        // 1, 2, 3 | 10, 11 | 20: SSE 2 + 0.5 + 0 = 2.5; centres 2, 10.5, 20.
        let values = [11.0, 1.0, 20.0, 3.0, 10.0, 2.0];
        let c = exact(&values, 3);
        assert_eq!(c.cluster, [1, 0, 2, 0, 1, 0]);
        assert_eq!(c.centres, [2.0, 10.5, 20.0]);
        assert!((c.within_ss - 2.5).abs() < 1e-12);
        // Bands best first: 20 → 0, 10 and 11 → 1, the rest → 2.
        assert_eq!(
            bands(&values, 3, KmeansAlgorithm::Exact),
            [1, 2, 0, 2, 1, 2]
        );
    }

    #[test]
    fn equal_costs_send_the_middle_one_up() {
        // {0}, {1, 2} and {0, 1}, {2} both have SSE 0.5: the split is taken lowest.
        let c = exact(&[0.0, 1.0, 2.0], 2);
        assert_eq!(c.cluster, [0, 1, 1]);
        assert_eq!(
            bands(&[2.0, 1.0, 0.0], 2, KmeansAlgorithm::Exact),
            [0, 0, 1]
        );
    }

    #[test]
    fn equal_scores_are_never_split() {
        // Four 5s and one 6, two clusters: {5 ×4}, {6} (SSE 0), never a 5 on each side.
        let values = [5.0, 6.0, 5.0, 5.0, 5.0];
        assert_eq!(exact(&values, 2).cluster, [0, 1, 0, 0, 0]);
    }

    #[test]
    fn fewer_distinct_scores_than_bands_take_the_middle_bands() {
        let exact = KmeansAlgorithm::Exact;
        // One institution, five bands: the middle band (index 2).
        assert_eq!(bands(&[70.0], 5, exact), [2]);
        // All equal: the middle band for everyone; with four bands the second.
        assert_eq!(bands(&[70.0; 4], 5, exact), [2; 4]);
        assert_eq!(bands(&[70.0; 4], 4, exact), [1; 4]);
        // Two distinct scores, five bands: bands 1 and 2 (offset ⌊3/2⌋ = 1).
        assert_eq!(bands(&[60.0, 80.0, 60.0], 5, exact), [2, 1, 2]);
        // Exactly k distinct: every band used.
        assert_eq!(bands(&[1.0, 2.0, 3.0], 3, exact), [2, 1, 0]);
        assert!(bands(&[], 3, exact).is_empty());
    }

    #[test]
    fn row_order_does_not_matter() {
        let values = [3.1, 9.0, 1.2, 7.7, 7.7, 4.4, 8.8, 0.5, 2.2];
        let mut reversed = values;
        reversed.reverse();
        let mut forward = bands(&values, 3, KmeansAlgorithm::Exact);
        forward.reverse();
        assert_eq!(forward, bands(&reversed, 3, KmeansAlgorithm::Exact));
    }

    #[test]
    fn large_input_matches_the_plain_programme() {
        // 2 000 pseudo-random two-decimal scores; the divide-and-conquer fill must find the same
        // optimum as the O(k·m²) programme.
        let mut state = 12345u64;
        let values: Vec<f64> = (0..2000)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((state >> 33) % 10_000) as f64 / 100.0
            })
            .collect();
        for k in [2, 3, 5, 8] {
            let fast = exact(&values, k).within_ss;
            assert!((fast - plain_programme(&values, k)).abs() <= 1e-9 * (1.0 + fast));
        }
    }

    /// D(q, j) = min over all i of D(q − 1, i − 1) + SSE(i..j), no monotonicity assumed; the
    /// SSE of i..j grows one value at a time (Welford) as i moves down.
    fn plain_programme(values: &[f64], k: usize) -> f64 {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let mut d = vec![f64::INFINITY; n];
        let mut first = true;
        for q in 0..k {
            let mut next = vec![f64::INFINITY; n];
            for (j, slot) in next.iter_mut().enumerate().skip(q) {
                let (mut count, mut mean, mut sse) = (0.0, 0.0, 0.0);
                for i in (q..=j).rev() {
                    count += 1.0;
                    let delta = sorted[i] - mean;
                    mean += delta / count;
                    sse += delta * (sorted[i] - mean);
                    let before = if first { 0.0 } else { d[i - 1] };
                    if !first || i == 0 {
                        *slot = slot.min(before + sse);
                    }
                }
            }
            d = next;
            first = false;
        }
        d[n - 1]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn exact_matches_brute_force(
            grid in proptest::collection::vec(0u8..12, 1..8),
            k in 1usize..5,
        ) {
            // Half-point grid: duplicates and ties in cost are common.
            let values: Vec<f64> = grid.iter().map(|&g| f64::from(g) / 2.0).collect();
            let c = exact(&values, k);
            let best = brute_force(&values, k);
            prop_assert!((c.within_ss - best).abs() <= 1e-9 * (1.0 + best),
                "exact {} vs brute force {best} for {values:?}, k = {k}", c.within_ss);
            // The reported cost is the cost of the partition returned.
            let used = c.centres.len();
            prop_assert!((sse(&values, &c.cluster, used) - c.within_ss).abs() <= 1e-9 * (1.0 + best));
            // Clusters are runs of the sorted values, centres ascending, equal values together.
            for (a, ca) in values.iter().zip(&c.cluster) {
                for (b, cb) in values.iter().zip(&c.cluster) {
                    if a < b { prop_assert!(ca <= cb); }
                    if a == b { prop_assert_eq!(ca, cb); }
                }
            }
            prop_assert!(c.centres.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
