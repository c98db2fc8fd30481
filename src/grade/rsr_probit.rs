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
//! cuts, which is what is computed (and stays defined when there is no fit); the regression
//! matters for the RSR 临界值 a report shows, not for who is in which band. (Grading the
//! *observed* score against the fitted cuts, as some papers do, can differ; jixiao follows the
//! textbook's fitted values.)
//!
//! **Degenerate data.** With a single distinct score (one institution, or all equal) there is
//! no spread to fit: everyone gets p = 0.5, Probit 5, and is graded by the Probit cuts directly —
//! the middle band (the second of four; with 5 ≥ the cut 5, the better of the two middle bands).
//! The table's rule for the highest score, p = 1 − 1/(4n), is not applied to a lone group: it
//! exists to keep the top group of several below p = 1, and applied to a lone group it would
//! grade ten equal scores in the top band (p = 0.975, Probit 6.96). Fewer distinct scores than
//! bands needs no rule: the Probit cuts place them. Vetoed and unscored institutions are not in
//! the table. Scores equal to 12 decimals are one row of the table.
//!
//! The distribution table, the least-squares fit and the cut-points are
//! [`crate::mcda::rsr`]'s (one implementation for `grades:`, `jixiao mcda` and the rhai
//! `grade_rsr`); Φ⁻¹ is `crate::mcda::probit` (Acklam refined by a Halley step, within 1e-12 of a
//! reference).

use crate::mcda::rsr::{cut_points, grade_of, Distribution};

/// Band per score (0 = best) for k bands: each score's Probit against the cut-points of k bands.
pub fn bands(scores: &[f64], k: usize) -> Vec<u32> {
    if scores.is_empty() || k == 0 {
        return vec![0; scores.len()];
    }
    let table = Distribution::of(scores);
    let cuts = cut_points(k);
    table
        .probits_of(scores)
        .into_iter()
        .map(|probit| (grade_of(probit, &cuts) - 1) as u32)
        .collect()
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
    fn maternal_health_table_and_cut_values() {
        // The table itself is tested in crate::mcda::rsr; here the figures a grading report
        // shows. Probits 3.7184 … 6.9600 as printed to 4 decimals in the textbook.
        let scores: Vec<f64> = maternal_health().iter().map(|(_, s)| *s).collect();
        let table = Distribution::of(&scores);
        let probits: Vec<f64> = table.rows.iter().map(|r| r.probit).collect();
        let printed = [3.7184, 4.3255, 4.7467, 5.0, 5.3853, 5.8416, 6.2816, 6.9600];
        for (probit, printed) in probits.iter().zip(printed) {
            assert!((probit - printed).abs() < 5e-5, "{probits:?}");
        }
        // Over the 10 objects: RSR = −0.5780 + 0.2170·Probit (textbook, 4 decimals);
        // −0.5779831144587655 + 0.21704546752682619·Probit computed.
        let objects = table.fit_objects().unwrap();
        assert!((objects.a - -0.5779831144587655).abs() < 1e-9);
        assert!((objects.b - 0.21704546752682619).abs() < 1e-9);
        // RSR 临界值 at the Probit cuts 4 and 6: 0.290199, 0.724290.
        assert!((objects.at(4.0) - 0.29019875564853925).abs() < 1e-9);
        assert!((objects.at(6.0) - 0.7242896907021916).abs() < 1e-9);
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
        // methods.md §1.6: WRSR 0.58, 0.62, 0.60, 0.56, 0.64 → Probits (sorted) 4.158379,
        // 4.746653, 5.253347, 5.841621, 6.644854: with 3 bands (cuts 4, 6) 0.64 is upper,
        // the rest middle; with 5 bands (3.2, 4.4, 5.6, 6.8): 0.56 → 4.16 band 3, 0.58 → 4.75
        // band 2, 0.60 → 5.25 band 2, 0.62 → 5.84 band 1, 0.64 → 6.64 band 1.
        let wrsr = [0.58, 0.62, 0.60, 0.56, 0.64];
        assert_eq!(bands(&wrsr, 3), [1, 1, 1, 1, 0]);
        assert_eq!(bands(&wrsr, 5), [2, 1, 2, 3, 1]);
    }

    #[test]
    fn one_distinct_score_is_the_middle() {
        // p = 0.5, Probit 5: the middle of three, the second of four (5 ≥ the cut 5).
        assert_eq!(bands(&[80.0], 3), [1]);
        assert_eq!(bands(&[80.0; 4], 3), [1; 4]);
        assert_eq!(bands(&[80.0; 4], 4), [1; 4]);
        let table = Distribution::of(&[80.0; 4]);
        assert_eq!((table.rows[0].p, table.rows[0].probit), (0.5, 5.0));
        assert!(table.fit_objects().is_none());
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
