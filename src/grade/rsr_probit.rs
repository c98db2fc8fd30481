//! `by: rsr_probit`: grades by Probit cut-points of the scores' distribution (RSR 分档, 田凤调).
//!
//! ```yaml
//! grades:
//!   by: rsr_probit
//!   within: all                 # or peer_group
//!   bands: [{grade: 上}, {grade: 中}, {grade: 下}]      # k bands, best first
//! ```
//!
//! The textbook procedure, on the clean scores (scored, not vetoed) of each group, n of them:
//!
//! 1. **Distribution table.** Sort the distinct scores ascending; for each: its frequency f, the
//!    cumulative frequency, the average rank R̄ of its tied block (cumulative before + (f + 1)/2),
//!    p = R̄ / n, except the highest score, whose p = 1 − 1/(4n); Probit = 5 + Φ⁻¹(p).
//! 2. **Regression.** Ordinary least squares over the n institutions (each distinct score
//!    weighted by its frequency, the textbook's "object" fit): score = a + b·Probit.
//! 3. **Cut-points.** k bands → Probit cuts 5 + (i − k/2)·6/k, i = 1..k − 1 (3 bands: 4 and 6;
//!    4 bands: 3.5, 5, 6.5; 5 bands: 3.2, 4.4, 5.6, 6.8), and their fitted values a + b·cut
//!    (the textbook's RSR 临界值).
//! 4. **Grades.** An institution's fitted value a + b·Probit is compared with the fitted cuts:
//!    the best band holds fitted ≥ a + b·cut_{k−1}, the next fitted ≥ a + b·cut_{k−2}, …, the
//!    last band fitted < a + b·cut_1 (3 bands: Probit < 4 lower, 4–6 middle, ≥ 6 upper).
//!
//! With two or more distinct scores the Probit is strictly increasing in the score, so b > 0 and
//! comparing fitted values is the same as comparing each institution's Probit with the Probit
//! cuts; the regression matters for the RSR 临界值 a report shows, not for who is in which band.
//! (Grading the *observed* score against the fitted cuts, as some papers do, can differ; jixiao
//! follows the textbook's fitted values.)
//!
//! **Degenerate data.** With a single distinct score (one institution, or all equal) there is
//! no spread to fit: everyone gets p = 0.5, Probit 5, and is graded by the Probit cuts directly —
//! the middle band (the second of four; with 5 ≥ the cut 5, the better of the two middle bands).
//! Fewer distinct scores than bands needs no rule: the Probit cuts place them. Vetoed and
//! unscored institutions are not in the table.
//!
//! Φ⁻¹ is `crate::mcda::probit` (Acklam refined by a Halley step, within 1e-12 of a reference),
//! shared with `jixiao mcda`'s RSR.

/// One row of the distribution table.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbitRow {
    pub score: f64,
    pub count: usize,
    pub cumulative: usize,
    /// Average rank R̄ of the tied block.
    pub mean_rank: f64,
    pub p: f64,
    pub probit: f64,
}

/// The distribution table of `scores` (finite, any order), ascending by score.
pub fn probit_table(scores: &[f64]) -> Vec<ProbitRow> {
    let mut sorted = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let mut rows: Vec<ProbitRow> = Vec::new();
    let mut start = 0;
    while start < n {
        let end = start + sorted[start..].partition_point(|x| *x == sorted[start]);
        let count = end - start;
        let mean_rank = start as f64 + (count as f64 + 1.0) / 2.0;
        rows.push(ProbitRow {
            score: sorted[start],
            count,
            cumulative: end,
            mean_rank,
            p: mean_rank / n as f64,
            probit: 0.0,
        });
        start = end;
    }
    if rows.len() == 1 {
        rows[0].p = 0.5;
    } else if let Some(last) = rows.last_mut() {
        last.p = 1.0 - 1.0 / (4.0 * n as f64);
    }
    for row in &mut rows {
        row.probit = crate::mcda::probit::probit(row.p);
    }
    rows
}

/// score = a + b·Probit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub a: f64,
    pub b: f64,
}

/// Least squares of score on Probit over the institutions (rows weighted by their count);
/// `None` with a single distinct score.
pub fn fit(table: &[ProbitRow]) -> Option<Fit> {
    let weighted = table.iter().map(|r| (r.probit, r.score, r.count as f64));
    least_squares(weighted)
}

/// Weighted least squares y = a + b·x over (x, y, weight); `None` when x has no spread.
pub fn least_squares(points: impl Iterator<Item = (f64, f64, f64)> + Clone) -> Option<Fit> {
    let (mut w, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for (x, y, weight) in points.clone() {
        w += weight;
        sx += weight * x;
        sy += weight * y;
    }
    let (mx, my) = (sx / w, sy / w);
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, y, weight) in points {
        sxy += weight * (x - mx) * (y - my);
        sxx += weight * (x - mx) * (x - mx);
    }
    if sxx.is_nan() || sxx <= 0.0 {
        return None;
    }
    let b = sxy / sxx;
    Some(Fit { a: my - b * mx, b })
}

/// The Probit cut-points of k bands, ascending: 5 + 6·(i − k/2)/k, i = 1..k − 1.
pub fn cut_points(k: usize) -> Vec<f64> {
    let k = k as f64;
    (1..k as usize)
        .map(|i| 5.0 + 6.0 * (i as f64 - k / 2.0) / k)
        .collect()
}

/// Band per score (0 = best) for k bands.
pub fn bands(scores: &[f64], k: usize) -> Vec<u32> {
    if scores.is_empty() || k == 0 {
        return vec![0; scores.len()];
    }
    let table = probit_table(scores);
    let cuts = cut_points(k);
    let line = fit(&table);
    let mut bands = vec![0; scores.len()];
    let mut row = 0;
    for (score, at) in super::kmeans::sorted_with_rows(scores) {
        while table[row].score < score {
            row += 1;
        }
        let probit = table[row].probit;
        let reached = match line {
            Some(Fit { a, b }) => {
                let fitted = a + b * probit;
                cuts.iter().filter(|&&c| fitted >= a + b * c).count()
            }
            None => cuts.iter().filter(|&&c| probit >= c).count(),
        };
        bands[at as usize] = (k - 1 - reached) as u32;
    }
    bands
}

#[cfg(test)]
mod tests {
    use super::*;

    /// methods.md §2.3(a): integer RSR of the maternal-health example (10 areas, 3 indicators).
    fn maternal_health() -> Vec<(&'static str, f64)> {
        // RSR = ΣR / (m·n) = ΣR / 30.
        [
            ("A", 18.0),
            ("B", 12.0),
            ("C", 23.0),
            ("D", 12.0),
            ("E", 18.0),
            ("F", 20.0),
            ("G", 15.0),
            ("H", 27.0),
            ("I", 17.0),
            ("J", 3.0),
        ]
        .into_iter()
        .map(|(area, rank_sum)| (area, rank_sum / 30.0))
        .collect()
    }

    #[test]
    fn maternal_health_distribution_table() {
        let scores: Vec<f64> = maternal_health().iter().map(|(_, s)| *s).collect();
        let table = probit_table(&scores);
        // (RSR, f, cumulative f, R̄, p, Probit) as printed to 4 decimals in the textbook.
        let expected = [
            (0.1000, 1, 1, 1.0, 0.10, 3.7184),
            (0.4000, 2, 3, 2.5, 0.25, 4.3255),
            (0.5000, 1, 4, 4.0, 0.40, 4.7467),
            (0.5667, 1, 5, 5.0, 0.50, 5.0000),
            (0.6000, 2, 7, 6.5, 0.65, 5.3853),
            (0.6667, 1, 8, 8.0, 0.80, 5.8416),
            (0.7667, 1, 9, 9.0, 0.90, 6.2816),
            (0.9000, 1, 10, 10.0, 0.975, 6.9600),
        ];
        assert_eq!(table.len(), expected.len());
        for (row, (score, f, cumulative, mean_rank, p, probit)) in table.iter().zip(expected) {
            assert!((row.score - score).abs() < 5e-5);
            assert_eq!((row.count, row.cumulative), (f, cumulative));
            assert_eq!(row.mean_rank, mean_rank);
            assert!((row.p - p).abs() < 1e-12);
            assert!((row.probit - probit).abs() < 5e-5, "{row:?}");
        }
        // The same Probits to 1e-9 (5 + Φ⁻¹ from Python's AS 241).
        let precise = [
            3.718448434455399,
            4.325510249803918,
            4.7466528968642,
            5.0,
            5.385320466407568,
            5.841621233572915,
            6.281551565544601,
            6.959963984540053,
        ];
        for (row, probit) in table.iter().zip(precise) {
            assert!((row.probit - probit).abs() < 1e-9);
        }
    }

    #[test]
    fn maternal_health_regressions() {
        let scores: Vec<f64> = maternal_health().iter().map(|(_, s)| *s).collect();
        let table = probit_table(&scores);
        // Over the 10 objects: RSR = −0.5780 + 0.2170·Probit (textbook, 4 decimals);
        // −0.5779831144587655 + 0.21704546752682619·Probit computed.
        let objects = fit(&table).unwrap();
        assert!((objects.a - -0.5779831144587655).abs() < 1e-9);
        assert!((objects.b - 0.21704546752682619).abs() < 1e-9);
        assert!((objects.a - -0.5780).abs() < 5e-5 && (objects.b - 0.2170).abs() < 5e-5);
        // Over the 8 distinct groups: −0.6085 + 0.2217·Probit.
        let groups = least_squares(table.iter().map(|r| (r.probit, r.score, 1.0))).unwrap();
        assert!((groups.a - -0.6085).abs() < 5e-5 && (groups.b - 0.2217).abs() < 5e-5);
        // RSR 临界值 at the Probit cuts 4 and 6: 0.290199, 0.724290.
        assert!((objects.a + objects.b * 4.0 - 0.29019875564853925).abs() < 1e-9);
        assert!((objects.a + objects.b * 6.0 - 0.7242896907021916).abs() < 1e-9);
    }

    #[test]
    fn maternal_health_three_grades() {
        // J lower; A, B, D, E, F, G, I middle; C, H upper.
        let areas = maternal_health();
        let scores: Vec<f64> = areas.iter().map(|(_, s)| *s).collect();
        let got: Vec<(&str, u32)> = areas
            .iter()
            .map(|(a, _)| *a)
            .zip(bands(&scores, 3))
            .collect();
        let expected = [
            ("A", 1),
            ("B", 1),
            ("C", 0),
            ("D", 1),
            ("E", 1),
            ("F", 1),
            ("G", 1),
            ("H", 0),
            ("I", 1),
            ("J", 2),
        ];
        assert_eq!(got, expected);
    }

    #[test]
    fn methods_wrsr_fixture() {
        // methods.md §1.6: sorted distinct WRSR 0.56 … 0.64 (n = 5, p = .2, .4, .6, .8, .95).
        let wrsr = [0.58, 0.62, 0.60, 0.56, 0.64];
        let table = probit_table(&wrsr);
        let probits = [4.158379, 4.746653, 5.253347, 5.841621, 6.644854];
        for (row, probit) in table.iter().zip(probits) {
            assert!((row.probit - probit).abs() < 1e-6, "{row:?}");
        }
        let line = fit(&table).unwrap();
        assert!((line.a - 0.425658).abs() < 1e-6 && (line.b - 0.032716).abs() < 1e-6);
    }

    #[test]
    fn cut_points_by_number_of_bands() {
        assert_eq!(cut_points(3), [4.0, 6.0]);
        assert_eq!(cut_points(4), [3.5, 5.0, 6.5]);
        let five = cut_points(5);
        for (c, e) in five.iter().zip([3.2, 4.4, 5.6, 6.8]) {
            assert!((c - e).abs() < 1e-12);
        }
        assert!(cut_points(1).is_empty());
    }

    #[test]
    fn one_distinct_score_is_the_middle() {
        // p = 0.5, Probit 5: the middle of three, the second of four (5 ≥ the cut 5).
        assert_eq!(bands(&[80.0], 3), [1]);
        assert_eq!(bands(&[80.0; 4], 3), [1; 4]);
        assert_eq!(bands(&[80.0; 4], 4), [1; 4]);
        assert_eq!(probit_table(&[80.0; 4])[0].probit, 5.0);
        assert!(fit(&probit_table(&[80.0; 4])).is_none());
        // Two distinct scores, five bands: p = 0.5 (Probit 5 → 4.4 ≤ 5 < 5.6, band 2) and
        // 1 − 1/8 (Probit 6.150349 → 5.6 ≤ … < 6.8, band 1).
        assert_eq!(bands(&[1.0, 2.0], 5), [2, 1]);
        assert!(bands(&[], 3).is_empty());
    }

    #[test]
    fn row_order_does_not_matter() {
        let scores = [0.3, 0.9, 0.1, 0.5, 0.5, 0.7];
        let mut reversed = scores;
        reversed.reverse();
        let mut forward = bands(&scores, 3);
        forward.reverse();
        assert_eq!(forward, bands(&reversed, 3));
    }
}
