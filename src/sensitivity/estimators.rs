//! Estimators of sensitivity analysis: Jansen's first-order and total indices from Saltelli's
//! A, B and A_B⁽ⁱ⁾ runs, their bootstrap confidence intervals, and sample quantiles.
//!
//! With f(A)ⱼ, f(B)ⱼ and f(A_B⁽ⁱ⁾)ⱼ the scalar output of row j (j = 1…N) of each matrix, and V the
//! variance of the 2N outputs of A and B (Saltelli et al. 2010, "Variance based sensitivity
//! analysis of model output", Table 2, estimators (b) and (f)):
//!
//! * first order  Sᵢ  = (V − 1/(2N) Σⱼ (f(B)ⱼ − f(A_B⁽ⁱ⁾)ⱼ)²) / V   (Jansen 1999)
//! * total        Sₜᵢ = 1/(2N) Σⱼ (f(A)ⱼ − f(A_B⁽ⁱ⁾)ⱼ)² / V        (Jansen 1999)
//!
//! An input that changes no output at all (every f(A_B⁽ⁱ⁾)ⱼ equal to f(A)ⱼ) has Sₜᵢ = 0 exactly,
//! and then Sᵢ = 0 too (Sᵢ ≤ Sₜᵢ), rather than the sampling noise of V − ½·mean (f(B) − f(A))².
//! When nothing varies (V = 0) every index is 0. Estimates are not clipped to [0, 1]: a first
//! order index below 0 says N is too small, and is shown as computed.

use super::sampling::Rng;

/// One input's indices with their bootstrap intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Indices {
    pub first: f64,
    pub total: f64,
    /// The (lower, upper) bounds of the bootstrap percentile interval of each.
    pub first_ci: (f64, f64),
    pub total_ci: (f64, f64),
}

impl Indices {
    pub const ZERO: Indices = Indices {
        first: 0.0,
        total: 0.0,
        first_ci: (0.0, 0.0),
        total_ci: (0.0, 0.0),
    };
}

/// Population variance of `a` and `b` together.
fn variance(a: &[f64], b: &[f64], rows: &[usize]) -> f64 {
    let n = 2 * rows.len();
    if n == 0 {
        return 0.0;
    }
    let mean = rows.iter().map(|&j| a[j] + b[j]).sum::<f64>() / n as f64;
    rows.iter()
        .map(|&j| (a[j] - mean).powi(2) + (b[j] - mean).powi(2))
        .sum::<f64>()
        / n as f64
}

/// (Sᵢ, Sₜᵢ) on the rows `rows` (with repeats, for the bootstrap).
fn jansen(a: &[f64], b: &[f64], ab: &[f64], rows: &[usize]) -> (f64, f64) {
    let v = variance(a, b, rows);
    let half = 1.0 / (2.0 * rows.len() as f64);
    let total_sum: f64 = rows.iter().map(|&j| (a[j] - ab[j]).powi(2)).sum();
    if v == 0.0 || total_sum == 0.0 {
        return (0.0, 0.0);
    }
    let first_sum: f64 = rows.iter().map(|&j| (b[j] - ab[j]).powi(2)).sum();
    ((v - half * first_sum) / v, half * total_sum / v)
}

/// The indices of one input from the outputs of A, B and A_B⁽ⁱ⁾ (row j of each), with
/// `resamples` bootstrap resamples of the rows (seeded) for intervals at `level` (e.g. 0.95).
pub fn jansen_indices(
    a: &[f64],
    b: &[f64],
    ab: &[f64],
    resamples: usize,
    level: f64,
    seed: u64,
) -> Indices {
    let n = a.len();
    assert!(
        b.len() == n && ab.len() == n,
        "A, B and A_B have one output per row"
    );
    let all: Vec<usize> = (0..n).collect();
    let (first, total) = jansen(a, b, ab, &all);
    if (first, total) == (0.0, 0.0) || n == 0 {
        return Indices::ZERO;
    }
    let mut rng = Rng::new(seed);
    let mut firsts = Vec::with_capacity(resamples);
    let mut totals = Vec::with_capacity(resamples);
    let mut rows = vec![0; n];
    for _ in 0..resamples {
        for r in rows.iter_mut() {
            *r = (rng.next_u64() % n as u64) as usize;
        }
        let (f, t) = jansen(a, b, ab, &rows);
        firsts.push(f);
        totals.push(t);
    }
    let tail = (1.0 - level) / 2.0;
    let interval = |mut values: Vec<f64>| -> (f64, f64) {
        if values.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        values.sort_by(f64::total_cmp);
        (quantile(&values, tail), quantile(&values, 1.0 - tail))
    };
    Indices {
        first,
        total,
        first_ci: interval(firsts),
        total_ci: interval(totals),
    }
}

/// The `p` quantile of sorted `values` by linear interpolation between order statistics
/// (Hyndman & Fan type 7, R's and NumPy's default): h = (n − 1)p, x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋₊₁₎ − x₍⌊h⌋₎).
/// NaN for no values.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p;
            let low = h.floor() as usize;
            if low + 1 >= n {
                return sorted[n - 1];
            }
            let (x, y) = (sorted[low], sorted[low + 1]);
            if x == y {
                x
            } else {
                x + (h - low as f64) * (y - x)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::sampling::Saltelli;
    use super::*;

    /// Outputs of f on A, B and every A_B⁽ⁱ⁾, with the inputs mapped from the uniforms by `x`.
    fn run(
        f: impl Fn(&[f64]) -> f64,
        x: impl Fn(f64) -> f64,
        k: usize,
        n: usize,
    ) -> (Vec<f64>, Vec<f64>, Vec<Vec<f64>>) {
        let s = Saltelli::new(42, n, k);
        let eval = |u: &[f64]| f(&u.iter().map(|&u| x(u)).collect::<Vec<_>>());
        let a = s.a.iter().map(|u| eval(u)).collect();
        let b = s.b.iter().map(|u| eval(u)).collect();
        let ab = (0..k)
            .map(|i| (0..n).map(|j| eval(&s.ab(i, j))).collect())
            .collect();
        (a, b, ab)
    }

    #[test]
    fn linear_model_matches_its_analytic_indices() {
        // Y = 1·X₁ + 2·X₂ + 0·X₃ with Xᵢ ~ U(0, 1): Vᵢ = aᵢ²/12, so Sᵢ = Sₜᵢ = aᵢ²/Σa² = 0.2, 0.8, 0.
        let (a, b, ab) = run(|x| x[0] + 2.0 * x[1] + 0.0 * x[2], |u| u, 3, 20_000);
        let expected = [0.2, 0.8, 0.0];
        for (i, e) in expected.iter().enumerate() {
            let idx = jansen_indices(&a, &b, &ab[i], 200, 0.95, 9);
            assert!((idx.first - e).abs() < 0.02, "S{i} {} vs {e}", idx.first);
            assert!((idx.total - e).abs() < 0.02, "ST{i} {} vs {e}", idx.total);
            assert!(idx.first_ci.0 <= idx.first && idx.first <= idx.first_ci.1);
            assert!(idx.total_ci.0 <= idx.total && idx.total <= idx.total_ci.1);
        }
        // X₃ changes nothing: exactly 0, with a zero-width interval.
        assert_eq!(jansen_indices(&a, &b, &ab[2], 200, 0.95, 9), Indices::ZERO);
    }

    #[test]
    fn ishigami_matches_its_analytic_indices() {
        // f = sin X₁ + 7 sin² X₂ + 0.1 X₃⁴ sin X₁, Xᵢ ~ U(−π, π). Analytic (Ishigami & Homma 1990;
        // Sobol' & Levitan 1999): S = 0.3139, 0.4424, 0; Sₜ = 0.5576, 0.4424, 0.2437.
        let pi = std::f64::consts::PI;
        let (a, b, ab) = run(
            |x| x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin(),
            |u| -pi + 2.0 * pi * u,
            3,
            50_000,
        );
        let first = [0.3139, 0.4424, 0.0];
        let total = [0.5576, 0.4424, 0.2437];
        for i in 0..3 {
            let idx = jansen_indices(&a, &b, &ab[i], 100, 0.95, 1);
            assert!((idx.first - first[i]).abs() < 0.03, "S{i} {}", idx.first);
            assert!((idx.total - total[i]).abs() < 0.03, "ST{i} {}", idx.total);
        }
    }

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(quantile(&x, 0.5), 3.0);
        // h = 4 × 0.05 = 0.2 → 1 + 0.2 × 1 = 1.2; h = 4 × 0.95 = 3.8 → 4 + 0.8 × 6 = 8.8
        assert!((quantile(&x, 0.05) - 1.2).abs() < 1e-12);
        assert!((quantile(&x, 0.95) - 8.8).abs() < 1e-12);
        assert_eq!(quantile(&[7.0; 3], 0.05), 7.0);
        assert!(quantile(&[], 0.5).is_nan());
    }
}
