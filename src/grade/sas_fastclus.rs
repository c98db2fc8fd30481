//! SAS `PROC FASTCLUS` in one dimension, and the CMS star-rating procedure of the 2021–2025 SAS
//! packs around it (`by: kmeans` with `algorithm: sas_fastclus`).
//!
//! **The procedure** (run within each peer group):
//!
//! 1. Quintiles (for k bands, the quantiles i/k, i = 1..k − 1) by SAS's default percentile
//!    definition, `PCTLDEF=5`: with n·p = j + g (j the integer part), the quantile is x₍ⱼ₊₁₎ when
//!    g > 0 and (x₍ⱼ₎ + x₍ⱼ₊₁₎)/2 when g = 0. n·i/k is taken in integers, so no floating-point fuzz
//!    decides between the two cases.
//! 2. Quantile groups with "≤" on the left (group 1 holds x ≤ Q₁, group 2 the rest with x ≤ Q₂,
//!    …); seeds = the median of each non-empty group, in order (equal medians counted once).
//! 3. `PROC FASTCLUS MAXCLUSTERS=k MAXITER=1000 CONVERGE=0` from those seeds: batch (Lloyd)
//!    updates — every point goes to its nearest centre (the lower one on a tie), then every
//!    centre becomes the mean of its points (a centre left with no point stays where it is) —
//!    until an iteration changes no centre (`CONVERGE=0`), at most 1 000 times.
//! 4. The same again from the first run's centres with `STRICT=1`: a point farther than 1 from
//!    its nearest centre is an outlier, left out of the centre means (SAS gives it a negative
//!    cluster number); its band is still that of its nearest centre, as CMS reads the cluster's
//!    absolute value.
//! 5. Clusters ordered by centre: the lowest is 1 star.
//!
//! **When to use it.** It is the method behind the published CMS stars of 2021–2025: the test
//! `sas_fastclus_reproduces_published_cms_stars` gives every one of the 2 891 rated hospitals of
//! the July 2025 release its published star from its published summary score, where R's
//! Hartigan–Wong (`hartigan_wong`, the 2026 R pack) differs for some. Batch Lloyd stops at the
//! first fixed point, so, like Hartigan–Wong, it can stop short of the optimum that `exact` finds;
//! use `exact` unless a published rating made with SAS is to be matched.

use super::hartigan_wong::median;
use super::kmeans::Clustering;

/// SAS's `MAXITER=` of the CMS packs.
pub const MAX_ITERATIONS: usize = 1000;

/// The `p`-quantile (p = `numerator`/`denominator`) of sorted, non-empty `x` by SAS's
/// `PCTLDEF=5` (empirical distribution function with averaging).
pub fn quantile_pctldef5(sorted: &[f64], numerator: usize, denominator: usize) -> f64 {
    let n = sorted.len();
    let np = n * numerator;
    let j = np / denominator;
    if !np.is_multiple_of(denominator) {
        sorted[j.min(n - 1)]
    } else if j == 0 {
        sorted[0]
    } else if j >= n {
        sorted[n - 1]
    } else {
        (sorted[j - 1] + sorted[j]) / 2.0
    }
}

/// Seeds of the SAS procedure: the medians of the non-empty `PCTLDEF=5` quantile groups, in
/// ascending order, each distinct value once.
pub fn quantile_group_medians(x: &[f64], k: usize) -> Vec<f64> {
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    let cuts: Vec<f64> = (1..k).map(|i| quantile_pctldef5(&sorted, i, k)).collect();
    let mut groups: Vec<Vec<f64>> = vec![Vec::new(); k];
    for &v in x {
        let g = cuts.iter().position(|&q| v <= q).unwrap_or(k - 1);
        groups[g].push(v);
    }
    let mut seeds: Vec<f64> = groups
        .iter()
        .filter(|g| !g.is_empty())
        .map(|g| median(g))
        .collect();
    seeds.dedup();
    seeds
}

/// The nearest of `centres` to `v` (the lower index on a tie).
fn nearest(v: f64, centres: &[f64]) -> usize {
    let mut best = 0;
    let mut distance = (v - centres[0]).abs();
    for (c, &centre) in centres.iter().enumerate().skip(1) {
        let d = (v - centre).abs();
        if d < distance {
            best = c;
            distance = d;
        }
    }
    best
}

/// One `PROC FASTCLUS` run from `seeds` with batch updates and `CONVERGE=0`: the final centres
/// and each point's nearest one. With `strict: Some(s)` a point farther than `s` from its
/// nearest centre does not count in the centre means.
pub fn fastclus(
    x: &[f64],
    seeds: &[f64],
    max_iterations: usize,
    strict: Option<f64>,
) -> (Vec<usize>, Vec<f64>) {
    let k = seeds.len();
    let mut centres = seeds.to_vec();
    if k == 0 {
        return (Vec::new(), centres);
    }
    for _ in 0..max_iterations {
        let mut sums = vec![0.0; k];
        let mut counts = vec![0usize; k];
        for &v in x {
            let c = nearest(v, &centres);
            if strict.is_some_and(|s| (v - centres[c]).abs() > s) {
                continue;
            }
            sums[c] += v;
            counts[c] += 1;
        }
        let next: Vec<f64> = (0..k)
            .map(|c| {
                if counts[c] > 0 {
                    sums[c] / counts[c] as f64
                } else {
                    centres[c]
                }
            })
            .collect();
        if next == centres {
            break;
        }
        centres = next;
    }
    let cluster = x.iter().map(|&v| nearest(v, &centres)).collect();
    (cluster, centres)
}

/// The CMS SAS procedure on one group (finite values): quantile-group seeds, `FASTCLUS` twice
/// (the second with `STRICT=1`), clusters ordered by centre (0 = lowest). Fewer distinct seeds
/// than `k` give fewer clusters.
pub fn cms(x: &[f64], k: usize) -> Clustering {
    if x.is_empty() || k == 0 {
        return Clustering {
            cluster: vec![0; x.len()],
            centres: Vec::new(),
            within_ss: 0.0,
        };
    }
    let seeds = quantile_group_medians(x, k);
    let (_, first) = fastclus(x, &seeds, MAX_ITERATIONS, None);
    let (cluster, centres) = fastclus(x, &first, MAX_ITERATIONS, Some(1.0));
    let mut order: Vec<usize> = (0..centres.len()).collect();
    order.sort_by(|&a, &b| centres[a].total_cmp(&centres[b]));
    let mut position = vec![0; order.len()];
    for (p, &c) in order.iter().enumerate() {
        position[c] = p;
    }
    let within_ss = x
        .iter()
        .zip(&cluster)
        .map(|(v, &c)| (v - centres[c]).powi(2))
        .sum();
    Clustering {
        cluster: cluster.iter().map(|&c| position[c]).collect(),
        centres: order.iter().map(|&c| centres[c]).collect(),
        within_ss,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pctldef5_takes_the_next_value_or_averages_on_a_whole_index() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        // n·p = 5 × 0.2 = 1, whole: (x₁ + x₂)/2.
        assert_eq!(quantile_pctldef5(&x, 1, 5), 1.5);
        assert_eq!(quantile_pctldef5(&x, 4, 5), 4.5);
        // n = 6: 6 × 0.2 = 1.2, not whole: x₂.
        let y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        assert_eq!(quantile_pctldef5(&y, 1, 5), 2.0);
        assert_eq!(quantile_pctldef5(&y, 3, 5), 4.0);
        // The median of an even count averages the middle two.
        assert_eq!(quantile_pctldef5(&y, 1, 2), 3.5);
    }

    #[test]
    fn seeds_are_medians_of_quantile_groups() {
        // n = 10, quintiles at n·p = 2, 4, 6, 8: (2+3)/2 = 2.5, 4.5, 6.5, 8.5.
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile_group_medians(&x, 5), vec![1.5, 3.5, 5.5, 7.5, 9.5]);
    }

    #[test]
    fn batch_updates_move_all_centres_at_once() {
        // Seeds 0 and 10; points 0, 1, 2, 9: first pass {0, 1, 2} → 1, {9} → 9; then fixed.
        let (cluster, centres) = fastclus(&[0.0, 1.0, 2.0, 9.0], &[0.0, 10.0], 1000, None);
        assert_eq!(centres, vec![1.0, 9.0]);
        assert_eq!(cluster, vec![0, 0, 0, 1]);
    }

    #[test]
    fn strict_leaves_far_points_out_of_the_means_but_bands_them() {
        // From centres 0 and 10, 3 is 3 from its nearest centre: out of the mean with strict=1.
        let x = [0.0, 0.5, 3.0, 10.0];
        let (cluster, centres) = fastclus(&x, &[0.0, 10.0], 1, Some(1.0));
        assert_eq!(centres, vec![0.25, 10.0]);
        assert_eq!(cluster, vec![0, 0, 0, 1]);
        // Without strict it counts: (0 + 0.5 + 3)/3.
        let (_, centres) = fastclus(&x, &[0.0, 10.0], 1, None);
        assert_eq!(centres, vec![3.5 / 3.0, 10.0]);
    }

    /// Where batch Lloyd and Hartigan–Wong part: a point nearer its own centre whose move
    /// still lowers the within-cluster sum of squares.
    #[test]
    fn batch_lloyd_keeps_a_point_hartigan_wong_moves() {
        // 0, 0, 4, 5.9, 10 in two clusters from seeds 0 and 10 (given directly):
        // Lloyd: 4 is nearer 0 (4 < 6), 5.9 nearer 10 (4.1 < 5.9): {0, 0, 4} → 4/3, {5.9, 10} →
        // 7.95; then 4 is 2.667 from 4/3 and 3.95 from 7.95: stays; 5.9 is 4.567 from 4/3 and
        // 2.05 from 7.95: stays. Fixed: WSS = (16/9·2 + 64/9) + 2·2.05² = 10.6667 + 8.405 = 19.07.
        let x = [0.0, 0.0, 4.0, 5.9, 10.0];
        let (cluster, centres) = fastclus(&x, &[0.0, 10.0], 1000, None);
        assert_eq!(cluster, vec![0, 0, 0, 1, 1]);
        assert!((centres[0] - 4.0 / 3.0).abs() < 1e-15);
        assert!((centres[1] - 7.95).abs() < 1e-15);
        // Hartigan–Wong moves 4 to the upper cluster: the cost of leaving {0, 0, 4}
        // n/(n − 1)·d² = 3/2 · (8/3)² = 10.667 exceeds the cost of joining {5.9, 10}
        // n/(n + 1)·d² = 2/3 · 3.95² = 10.40, so {0, 0}, {4, 5.9, 10}: WSS 0 + 18.287 < 19.07.
        let r = crate::grade::hartigan_wong::kmeans(&x, &[0.0, 10.0], 1000).unwrap();
        assert_eq!(r.cluster, vec![0, 0, 1, 1, 1]);
    }

    #[test]
    fn procedure_orders_clusters_and_handles_ties_and_tiny_groups() {
        let c = cms(&[5.0, 5.0, 5.0], 5);
        assert_eq!(c.centres, vec![5.0]);
        assert_eq!(c.cluster, vec![0, 0, 0]);
        let c = cms(&[3.0, 1.0, 2.0], 3);
        assert_eq!(c.cluster, vec![2, 0, 1]);
        assert_eq!(c.centres, vec![1.0, 2.0, 3.0]);
    }
}
