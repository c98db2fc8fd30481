//! Rank agreement between two runs (for comparing schemes or periods): Spearman's ρ and Kendall's
//! τ-b of two paired lists of values (ranks or scores; higher or lower first does not matter as
//! long as both lists use the same sense).
//!
//! * Spearman's ρ is the Pearson correlation of the average ranks (ties share the mean of the
//!   places they span), so it stays exact with ties.
//! * Kendall's τ-b = (n_c − n_d) / √((n₀ − n₁)(n₀ − n₂)), n₀ = n(n−1)/2, n₁ and n₂ the pairs tied
//!   in the first and second list; computed in O(n log n) by Knight's algorithm (sort by the
//!   first list, then count the swaps a merge sort by the second needs), as SciPy does.
//!
//! Both are undefined (`None`) with fewer than two pairs or when either list is constant.

/// The average rank (1 = smallest) of each value; ties get the mean of their places.
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    // Values equal in the total order are the same bits, so the order among them changes no rank.
    let mut order: Vec<(f64, usize)> = values.iter().copied().zip(0..).collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut ranks = vec![0.0; values.len()];
    runs(&order, |p| p.0, |p| p.1, &mut ranks);
    ranks
}

/// Spearman's ρ of paired values.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    rho_and_tau(x, y).0
}

/// Pairs tied within runs of equal values of a sorted list: Σ t(t−1)/2.
fn tied_pairs<T: PartialEq>(sorted: impl Iterator<Item = T>) -> u64 {
    let mut total = 0u64;
    let mut run = 0u64;
    let mut last: Option<T> = None;
    for v in sorted {
        if last.as_ref() == Some(&v) {
            run += 1;
        } else {
            total += run * (run + 1) / 2;
            run = 0;
        }
        last = Some(v);
    }
    total + run * (run + 1) / 2
}

/// Kendall's τ-b of paired values.
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Option<f64> {
    rho_and_tau(x, y).1
}

/// Spearman's ρ and Kendall's τ-b of the same pairs from two sorts: the pairs sorted by (x, y)
/// give x's runs of ties (its average ranks) and Knight's merge sort by y gives y's ranks and
/// the swaps. What a diff of 40,000 institutions computes overall and per peer group after every
/// save in the watch loop.
pub fn rho_and_tau(x: &[f64], y: &[f64]) -> (Option<f64>, Option<f64>) {
    assert_eq!(x.len(), y.len(), "paired lists");
    let n = x.len();
    if n < 2 {
        return (None, None);
    }
    let mut pairs: Vec<(f64, f64, usize)> = (0..n).map(|i| (x[i], y[i], i)).collect();
    // Pairs equal in both are the same bits: the order among them changes nothing below.
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut rx = vec![0.0; n];
    runs(&pairs, |p| p.0, |p| p.2, &mut rx);
    let mut ys: Vec<(f64, usize)> = pairs.iter().map(|p| (p.1, p.2)).collect();
    let mut buffer = Vec::with_capacity(n);
    let swaps = merge_count_by_value(&mut ys, &mut buffer);
    let mut ry = vec![0.0; n];
    runs(&ys, |p| p.0, |p| p.1, &mut ry);

    let rho = {
        let count = n as f64;
        let (mx, my) = (
            rx.iter().sum::<f64>() / count,
            ry.iter().sum::<f64>() / count,
        );
        let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
        for (a, b) in rx.iter().zip(&ry) {
            sxy += (a - mx) * (b - my);
            sxx += (a - mx) * (a - mx);
            syy += (b - my) * (b - my);
        }
        (sxx != 0.0 && syy != 0.0).then(|| sxy / (sxx * syy).sqrt())
    };
    let n = n as u64;
    let n0 = n * (n - 1) / 2;
    let n1 = tied_pairs(pairs.iter().map(|p| p.0));
    let joint = tied_pairs(pairs.iter().map(|p| (p.0, p.1)));
    let n2 = tied_pairs(ys.iter().map(|p| p.0));
    let tau = (n0 != n1 && n0 != n2).then(|| {
        let numerator = n0 as f64 - n1 as f64 - n2 as f64 + joint as f64 - 2.0 * swaps as f64;
        numerator / ((n0 - n1) as f64 * (n0 - n2) as f64).sqrt()
    });
    (rho, tau)
}

/// Average ranks from a list sorted by `value`: each run of equal values shares the mean of the
/// places it spans, written at each item's `place` in `ranks`.
fn runs<T>(
    sorted: &[T],
    value: impl Fn(&T) -> f64,
    place: impl Fn(&T) -> usize,
    ranks: &mut [f64],
) {
    let mut start = 0;
    while start < sorted.len() {
        let mut end = start + 1;
        while end < sorted.len() && value(&sorted[end]) == value(&sorted[start]) {
            end += 1;
        }
        let rank = (start + 1 + end) as f64 / 2.0;
        for item in &sorted[start..end] {
            ranks[place(item)] = rank;
        }
        start = end;
    }
}

/// Sorts `v` by value and returns the number of inversions (pairs out of order, ties not
/// counted); each value carries its place along.
fn merge_count_by_value(v: &mut [(f64, usize)], buffer: &mut Vec<(f64, usize)>) -> u64 {
    let n = v.len();
    if n < 2 {
        return 0;
    }
    let mid = n / 2;
    let mut swaps =
        merge_count_by_value(&mut v[..mid], buffer) + merge_count_by_value(&mut v[mid..], buffer);
    buffer.clear();
    let (mut i, mut j) = (0, mid);
    while i < mid && j < n {
        if v[j].0 < v[i].0 {
            buffer.push(v[j]);
            swaps += (mid - i) as u64;
            j += 1;
        } else {
            buffer.push(v[i]);
            i += 1;
        }
    }
    buffer.extend_from_slice(&v[i..mid]);
    buffer.extend_from_slice(&v[j..n]);
    v.copy_from_slice(buffer);
    swaps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, e: f64) {
        let a = a.expect("defined");
        assert!((a - e).abs() < 1e-12, "{a} vs {e}");
    }

    #[test]
    fn identical_and_reversed() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        close(spearman(&x, &x), 1.0);
        close(kendall_tau_b(&x, &x), 1.0);
        let r = [5.0, 4.0, 3.0, 2.0, 1.0];
        close(spearman(&x, &r), -1.0);
        close(kendall_tau_b(&x, &r), -1.0);
    }

    #[test]
    fn one_swap_by_hand() {
        // d = 0, 1, 1, 0: ρ = 1 − 6·2 / (4·15) = 0.8; one discordant pair of 6: τ = 4/6.
        let (x, y) = ([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 4.0]);
        close(spearman(&x, &y), 0.8);
        close(kendall_tau_b(&x, &y), 4.0 / 6.0);
    }

    #[test]
    fn ties_by_hand() {
        // x ranks 1, 2.5, 2.5, 4; y ranks 1, 2, 3.5, 3.5: Σdxdy = 3.75, Σdx² = Σdy² = 4.5,
        // ρ = 0.8333…. Pairs: 4 concordant, 0 discordant, 1 tied in x, 1 tied in y:
        // τ-b = 4 / √(5·5) = 0.8.
        let (x, y) = ([1.0, 2.0, 2.0, 3.0], [1.0, 2.0, 3.0, 3.0]);
        close(spearman(&x, &y), 3.75 / 4.5);
        close(kendall_tau_b(&x, &y), 0.8);
        assert_eq!(average_ranks(&x), [1.0, 2.5, 2.5, 4.0]);
    }

    #[test]
    fn undefined_for_constant_or_single() {
        assert_eq!(spearman(&[1.0], &[2.0]), None);
        assert_eq!(kendall_tau_b(&[1.0, 1.0], &[1.0, 2.0]), None);
        assert_eq!(spearman(&[1.0, 2.0], &[3.0, 3.0]), None);
    }

    /// The O(n²) definition, to check Knight's algorithm against.
    fn naive_tau_b(x: &[f64], y: &[f64]) -> Option<f64> {
        let (mut c, mut d, mut tx, mut ty) = (0i64, 0i64, 0i64, 0i64);
        for i in 0..x.len() {
            for j in i + 1..x.len() {
                let (a, b) = ((x[i] - x[j]).signum(), (y[i] - y[j]).signum());
                match (x[i] == x[j], y[i] == y[j]) {
                    (true, true) => {
                        tx += 1;
                        ty += 1;
                    }
                    (true, false) => tx += 1,
                    (false, true) => ty += 1,
                    _ if a == b => c += 1,
                    _ => d += 1,
                }
            }
        }
        let n0 = (x.len() * (x.len() - 1) / 2) as i64;
        let denominator = ((n0 - tx) as f64 * (n0 - ty) as f64).sqrt();
        (denominator > 0.0).then(|| (c - d) as f64 / denominator)
    }

    #[test]
    fn knight_matches_the_definition_with_many_ties() {
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % 7
        };
        for n in [2, 3, 5, 17, 60] {
            let x: Vec<f64> = (0..n).map(|_| next() as f64).collect();
            let y: Vec<f64> = (0..n).map(|_| next() as f64).collect();
            match (kendall_tau_b(&x, &y), naive_tau_b(&x, &y)) {
                (Some(a), Some(e)) => assert!((a - e).abs() < 1e-12, "n {n}: {a} vs {e}"),
                (a, e) => assert_eq!(a, e, "n {n}"),
            }
        }
    }

    proptest::proptest! {
        /// ρ is the Pearson correlation of the average ranks (computed here the plain way, to the
        /// bit) and τ-b the O(n²) definition, ties and all.
        #[test]
        fn rho_and_tau_equal_their_definitions(
            pairs in proptest::collection::vec((0u8..12, 0u8..12), 0..300),
            halves in proptest::bool::ANY,
        ) {
            let scale = if halves { 0.5 } else { 1.0 };
            let x: Vec<f64> = pairs.iter().map(|p| p.0 as f64 * scale).collect();
            let y: Vec<f64> = pairs.iter().map(|p| p.1 as f64).collect();
            let (rho, tau) = rho_and_tau(&x, &y);
            let pearson = (x.len() >= 2).then(|| {
                let (rx, ry) = (average_ranks(&x), average_ranks(&y));
                let n = x.len() as f64;
                let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
                let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
                for (a, b) in rx.iter().zip(&ry) {
                    sxy += (a - mx) * (b - my);
                    sxx += (a - mx) * (a - mx);
                    syy += (b - my) * (b - my);
                }
                (sxx != 0.0 && syy != 0.0).then(|| sxy / (sxx * syy).sqrt())
            }).flatten();
            proptest::prop_assert_eq!(rho.map(f64::to_bits), pearson.map(f64::to_bits));
            let naive = if x.len() < 2 { None } else { naive_tau_b(&x, &y) };
            match (tau, naive) {
                (Some(a), Some(b)) => proptest::prop_assert!((a - b).abs() < 1e-12, "{a} vs {b}"),
                (a, b) => proptest::prop_assert_eq!(a, b),
            }
        }
    }
}
