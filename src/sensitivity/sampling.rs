//! Sampling for sensitivity analysis: a seeded random source, weight noise (uniform multipliers,
//! Dirichlet around the nominal weights) and Saltelli's A, B and A_B⁽ⁱ⁾ matrices.
//!
//! The random source is SplitMix64 (Steele, Lea & Flood 2014), written here so that a seed gives
//! the same draws on every platform and every version of every dependency: `--seed S` is a
//! promise of byte-identical output. Every uncertain input is one column of uniforms u ∈ [0, 1):
//! a weight multiplier is `1 − p + 2p·u`, a choice among k alternatives is `⌊k·u⌋`, and a
//! Dirichlet draw of a sibling group is a function of its column's u (it seeds a random source
//! of its own), so swapping one column between A and B swaps exactly one input, as the Saltelli
//! scheme requires.

/// SplitMix64: 64 bits of state, passes BigCrush, one multiply-xorshift chain per number.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in (0, 1]: safe under a logarithm.
    fn uniform_open(&mut self) -> f64 {
        1.0 - self.uniform()
    }

    /// Standard normal (Box–Muller, one of the pair).
    pub fn normal(&mut self) -> f64 {
        let u = self.uniform_open();
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 by the boost
    /// Gamma(a) = Gamma(a + 1) · U^(1/a).
    pub fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let boost = self.uniform_open().powf(1.0 / shape);
            return self.gamma(shape + 1.0) * boost;
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.uniform_open();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }
}

/// A Dirichlet draw with parameters `concentration × nominal` (the nominal weights summing to
/// 1): its mean is the nominal weights, and a larger concentration keeps it closer to them.
pub fn dirichlet(rng: &mut Rng, nominal: &[f64], concentration: f64) -> Vec<f64> {
    let draws: Vec<f64> = nominal
        .iter()
        .map(|w| rng.gamma(concentration * w).max(f64::MIN_POSITIVE))
        .collect();
    let sum: f64 = draws.iter().sum();
    draws.iter().map(|g| g / sum).collect()
}

/// The seed of the random source a column value `u` stands for (Dirichlet draws).
pub fn seed_of(u: f64) -> u64 {
    let mut rng = Rng::new(u.to_bits());
    rng.next_u64()
}

/// The index `⌊k·u⌋` among `k` alternatives, each with probability 1/k.
pub fn choice(u: f64, k: usize) -> usize {
    ((u * k as f64) as usize).min(k.saturating_sub(1))
}

/// Saltelli's two independent N × k matrices of uniforms; row `j` of A_B⁽ⁱ⁾ is A's row `j`
/// with column `i` taken from B.
#[derive(Debug, Clone)]
pub struct Saltelli {
    pub a: Vec<Vec<f64>>,
    pub b: Vec<Vec<f64>>,
}

impl Saltelli {
    /// A then B, row by row, from `seed`: A's rows do not depend on whether B is used, so the
    /// draws of an uncertainty analysis are the same with and without sensitivity indices.
    pub fn new(seed: u64, rows: usize, columns: usize) -> Saltelli {
        let mut rng = Rng::new(seed);
        let matrix = |rng: &mut Rng| -> Vec<Vec<f64>> {
            (0..rows)
                .map(|_| (0..columns).map(|_| rng.uniform()).collect())
                .collect()
        };
        let a = matrix(&mut rng);
        let b = matrix(&mut rng);
        Saltelli { a, b }
    }

    /// Row `row` of A_B⁽ⁱ⁾.
    pub fn ab(&self, column: usize, row: usize) -> Vec<f64> {
        let mut out = self.a[row].clone();
        out[column] = self.b[row][column];
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // The reference implementation (Vigna, splitmix64.c) seeded with 1234567.
        let mut rng = Rng::new(1234567);
        assert_eq!(rng.next_u64(), 6457827717110365317);
        assert_eq!(rng.next_u64(), 3203168211198807973);
    }

    #[test]
    fn uniform_mean_and_gamma_mean() {
        let mut rng = Rng::new(7);
        let n = 200_000;
        let mean: f64 = (0..n).map(|_| rng.uniform()).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "{mean}");
        for shape in [0.3, 1.0, 4.5] {
            let mean: f64 = (0..n).map(|_| rng.gamma(shape)).sum::<f64>() / n as f64;
            assert!(
                (mean - shape).abs() < 0.03 * shape.max(1.0),
                "{shape}: {mean}"
            );
        }
    }

    #[test]
    fn dirichlet_is_centred_on_the_nominal_weights() {
        let mut rng = Rng::new(11);
        let nominal = [0.5, 0.3, 0.2];
        let n = 50_000;
        let mut sums = [0.0; 3];
        for _ in 0..n {
            let d = dirichlet(&mut rng, &nominal, 50.0);
            assert!((d.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            for (s, x) in sums.iter_mut().zip(&d) {
                *s += x;
            }
        }
        for (s, w) in sums.iter().zip(nominal) {
            assert!((s / n as f64 - w).abs() < 0.003, "{s} {w}");
        }
    }

    #[test]
    fn choices_cover_every_alternative_and_saltelli_swaps_one_column() {
        assert_eq!(choice(0.0, 3), 0);
        assert_eq!(choice(0.34, 3), 1);
        assert_eq!(choice(0.999_999_999, 3), 2);
        let s = Saltelli::new(3, 4, 3);
        let row = s.ab(1, 2);
        assert_eq!(row[0], s.a[2][0]);
        assert_eq!(row[1], s.b[2][1]);
        assert_eq!(row[2], s.a[2][2]);
        // A does not depend on B being used: the same seed gives the same A.
        assert_eq!(Saltelli::new(3, 4, 3).a, s.a);
    }
}
