//! Winsorising by COINr's iterative skew/kurtosis rule (`treat: {method: winsorise}`).
//!
//! Skewness and kurtosis are e1071's type 2 (Excel's SKEW and KURT): with d = x − x̄ over the n
//! values present,
//! `skew = √n Σd³ / (Σd²)^{3/2} × √(n(n − 1)) / (n − 2)`,
//! `r = n Σd⁴ / (Σd²)²`, `kurt = ((n + 1)(r − 3) + 6)(n − 1) / ((n − 2)(n − 3))`.
//! A group **passes** when `|skew| < skew` **or** `kurt < kurtosis` (defaults 2 and 3.5). While it
//! fails and fewer than `max_points` (default 5) values have been changed: if skew ≥ 0 every copy
//! of the largest value is set to the next largest value, else every copy of the smallest to the
//! next smallest; the count is of values changed so far, as COINr's `nwin` (tied copies count
//! each, so one step may take it past `max_points`).
//!
//! If the group still fails: with `log: false` (the default) the winsorised values are scored and
//! the group is only reported ("still skewed" in the run summary) — a log scale changes what a
//! value means, and the scheme's targets, goalposts and bands are in the values' own units. With
//! `log: true`, COINr's `log_CT` is applied to the group's **original** values (COINr's default
//! `combine_treat = FALSE`): `ln(x − min + 0.01 (max − min))`; the scheme check allows it only
//! with methods that compare institutions with each other (min-max, ranks, z-scores, …).
//!
//! Computed per peer group (`within: peer_group`) or over all institutions, as a polars
//! group-wise function: each step is a handful of column statistics (mean, Σd², Σd³, Σd⁴, max,
//! next max) on the group's column; at most `max_points` + 1 steps run.
//! Policy: a group with fewer than 4 values, or with every value equal, has no defined skew or
//! kurtosis and is left as it is (COINr stops with an error there). Missing values stay missing
//! and do not count in n.

use polars::prelude::*;

use super::within;
use crate::scheme::Within;

/// The rule's parameters (COINr's defaults: 5 points, |skew| 2, kurtosis 3.5, no log).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub max_points: u32,
    pub skew: f64,
    pub kurtosis: f64,
    pub log: bool,
}

impl Default for Rule {
    fn default() -> Self {
        Rule {
            max_points: 5,
            skew: 2.0,
            kurtosis: 3.5,
            log: false,
        }
    }
}

/// What happened to a value, as the status column says: 0 left as it was, 1 winsorised,
/// 2 log-transformed, each plus 4 when the value's group still fails the rule after treatment.
pub const WINSORISED: i32 = 1;
pub const LOG_TRANSFORMED: i32 = 2;
pub const STILL_FAILING: i32 = 4;

/// Skewness and kurtosis (type 2) of the values present; `None` with fewer than 4 values or when
/// all are equal. The sums run over the values in sorted order, so the result (and a decision
/// taken at the rule's threshold) does not depend on the order of the rows.
pub fn skew_kurtosis(values: &Float64Chunked) -> Option<(f64, f64)> {
    let n = (values.len() - values.null_count()) as f64;
    if n < 4.0 || values.max()? == values.min()? {
        return None;
    }
    let values = &values.sort(false);
    let mean = values.mean()?;
    let d = values - mean;
    let d2 = &d * &d;
    let m2 = d2.sum()?;
    let m3 = (&d2 * &d).sum()?;
    let m4 = (&d2 * &d2).sum()?;
    let skew = n.sqrt() * m3 / (m2 * m2.sqrt()) * (n * (n - 1.0)).sqrt() / (n - 2.0);
    let r = n * m4 / (m2 * m2);
    let kurtosis = ((n + 1.0) * (r - 3.0) + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0));
    Some((skew, kurtosis))
}

impl Rule {
    fn passes(&self, stats: Option<(f64, f64)>) -> bool {
        match stats {
            None => true,
            Some((skew, kurtosis)) => skew.abs() < self.skew || kurtosis < self.kurtosis,
        }
    }

    /// The treated values of one group and each value's status (see [`WINSORISED`]).
    pub fn treat(&self, original: &Float64Chunked) -> PolarsResult<(Float64Chunked, Int32Chunked)> {
        let mut x = original.clone();
        let mut stats = skew_kurtosis(&x);
        let mut changed = 0u32;
        while !self.passes(stats) && changed < self.max_points {
            let skew = stats.map_or(0.0, |(s, _)| s);
            let step = if skew >= 0.0 {
                let top = x.max().unwrap_or(f64::NAN);
                x.filter(&x.lt(top))?
                    .max()
                    .map(|next| x.apply_values(|v| if v == top { next } else { v }))
            } else {
                let bottom = x.min().unwrap_or(f64::NAN);
                x.filter(&x.gt(bottom))?
                    .min()
                    .map(|next| x.apply_values(|v| if v == bottom { next } else { v }))
            };
            let Some(next) = step else { break };
            x = next;
            changed = original.not_equal(&x).sum().unwrap_or(0);
            stats = skew_kurtosis(&x);
        }
        let mut status: Int32Chunked = original
            .iter()
            .zip(x.iter())
            .map(|(o, t)| o.map(|o| i32::from(Some(o) != t)))
            .collect();
        if !self.passes(stats) && self.log {
            let (low, high) = (original.min().unwrap_or(0.0), original.max().unwrap_or(0.0));
            let shift = 0.01 * (high - low) - low;
            x = original.apply_values(|v| (v + shift).ln());
            stats = skew_kurtosis(&x);
            status = status.apply_values(|_| LOG_TRANSFORMED);
        }
        if !self.passes(stats) {
            status = status.apply_values(|s| s + STILL_FAILING);
        }
        Ok((x, status))
    }
}

fn treat_column(column: Column, rule: Rule, want_status: bool) -> PolarsResult<Column> {
    let name = column.name().clone();
    let values = column.as_materialized_series().cast(&DataType::Float64)?;
    let (treated, status) = rule.treat(values.f64()?)?;
    Ok(if want_status {
        status.with_name(name).into_series().into_column()
    } else {
        treated.with_name(name).into_series().into_column()
    })
}

/// The winsorised values of `x`, per peer group or over all institutions.
pub fn treated(x: Expr, rule: Rule, over: Within) -> Expr {
    let udf = x.cast(DataType::Float64).apply(
        move |c| treat_column(c, rule, false),
        |_, field| Ok(Field::new(field.name().clone(), DataType::Float64)),
    );
    within(udf, over)
}

/// Each value's status (0, 1, 2, plus 4 where the group still fails; missing for a missing value).
pub fn status(x: Expr, rule: Rule, over: Within) -> Expr {
    let udf = x.cast(DataType::Float64).apply(
        move |c| treat_column(c, rule, true),
        |_, field| Ok(Field::new(field.name().clone(), DataType::Int32)),
    );
    within(udf, over)
}

/// Skewness (type 2) as an expression, broadcast to every row; missing with fewer than 3 values
/// or when all are equal.
pub fn skewness_expr(x: Expr, over: Within) -> Expr {
    let (n, m2, m3, _) = moments(x.clone(), over);
    let spread = within(x.clone().max(), over) - within(x.min(), over);
    when(n.clone().gt_eq(lit(3.0)).and(spread.gt(lit(0.0))))
        .then(
            n.clone().sqrt()
                * m3.true_div(m2.clone() * m2.sqrt())
                * (n.clone() * (n.clone() - lit(1.0)))
                    .sqrt()
                    .true_div(n - lit(2.0)),
        )
        .otherwise(super::null())
}

/// Kurtosis (type 2, excess) as an expression, broadcast to every row; missing with fewer than 4
/// values or when all are equal.
pub fn kurtosis_expr(x: Expr, over: Within) -> Expr {
    let (n, m2, _, m4) = moments(x.clone(), over);
    let spread = within(x.clone().max(), over) - within(x.min(), over);
    let r = n.clone() * m4.true_div(m2.clone() * m2);
    let k = ((n.clone() + lit(1.0)) * (r - lit(3.0)) + lit(6.0))
        * (n.clone() - lit(1.0)).true_div((n.clone() - lit(2.0)) * (n.clone() - lit(3.0)));
    when(n.gt_eq(lit(4.0)).and(spread.gt(lit(0.0))))
        .then(k)
        .otherwise(super::null())
}

/// n, Σd², Σd³, Σd⁴ with d = x − x̄.
fn moments(x: Expr, over: Within) -> (Expr, Expr, Expr, Expr) {
    let n = within(x.clone().count(), over).cast(DataType::Float64);
    let d = x.clone() - within(x.mean(), over);
    let d2 = d.clone() * d.clone();
    let m2 = within(d2.clone().sum(), over);
    let m3 = within((d2.clone() * d).sum(), over);
    let m4 = within((d2.clone() * d2).sum(), over);
    (n, m2, m3, m4)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    fn one_to_nineteen_and(extra: &[f64]) -> Vec<Option<f64>> {
        let mut values: Vec<f64> = (1..=19).map(f64::from).collect();
        values.extend_from_slice(extra);
        some(&values)
    }

    fn statuses(
        values: &[Option<f64>],
        groups: Option<&[&str]>,
        rule: Rule,
        over: Within,
    ) -> Vec<Option<f64>> {
        apply(values, groups, |x| status(x, rule, over))
    }

    #[test]
    fn skew_and_kurtosis_do_not_depend_on_row_order() {
        // Magnitudes far apart, so a float sum in another order rounds differently; a group near
        // the rule's threshold would then be treated in one row order and not in another (found
        // by the row-order property test in tests/normalise_methods.rs).
        let values = [
            0.1, 1e12, 0.2, -3.7, 0.3, 7.25, 1e-3, -1.568, 0.5, 0.0, 55.5, 2.9, 1e12, 13.0,
        ];
        let of = |v: &[f64]| {
            let (s, k) = skew_kurtosis(&Float64Chunked::from_slice("x".into(), v)).unwrap();
            (s.to_bits(), k.to_bits())
        };
        let expected = of(&values);
        for shift in 1..values.len() {
            let mut rotated = values.to_vec();
            rotated.rotate_left(shift);
            assert_eq!(of(&rotated), expected, "rotated by {shift}");
            rotated.reverse();
            assert_eq!(of(&rotated), expected, "rotated by {shift}, reversed");
        }
    }

    #[test]
    fn reference_fixture() {
        // methods.md §1.2: 1..19, 200 → skew 4.350829, kurt 19.243897: fails
        let y = one_to_nineteen_and(&[200.0]);
        let stats = apply(&y, None, |x| skewness_expr(x, Within::All));
        approx(&stats[..1], &[Some(4.350829)]);
        let stats = apply(&y, None, |x| kurtosis_expr(x, Within::All));
        approx(&stats[..1], &[Some(19.243897)]);
        // one point winsorised, 200 → 19
        let out = apply(&y, None, |x| treated(x, Rule::default(), Within::All));
        let mut expected = one_to_nineteen_and(&[19.0]);
        approx(&out, &expected);
        // and then: skew −0.043032, kurt −1.252326, a pass
        let after = apply(&expected, None, |x| skewness_expr(x, Within::All));
        approx(&after[..1], &[Some(-0.043032)]);
        let after = apply(&expected, None, |x| kurtosis_expr(x, Within::All));
        approx(&after[..1], &[Some(-1.252326)]);
        let ca: Float64Chunked = expected.iter().copied().collect();
        let (skew, kurt) = skew_kurtosis(&ca).unwrap();
        assert!((skew + 0.043032).abs() < 1e-6 && (kurt + 1.252326).abs() < 1e-6);
        // only the last value changed
        expected = vec![Some(0.0); 19];
        expected.push(Some(1.0));
        approx(&statuses(&y, None, Rule::default(), Within::All), &expected);
    }

    #[test]
    fn every_copy_of_the_maximum_is_moved() {
        // 1..19, 200, 200: both copies → 19; two values changed, then skew −0.102517: a pass
        let y = one_to_nineteen_and(&[200.0, 200.0]);
        let out = apply(&y, None, |x| treated(x, Rule::default(), Within::All));
        approx(&out, &one_to_nineteen_and(&[19.0, 19.0]));
    }

    #[test]
    fn negative_skew_moves_the_minimum() {
        // [1, 2, 3, 3, 4, …, 10, −500]: skew −3.461752 < 0 → −500 → 1
        let y = some(&[1., 2., 3., 3., 4., 5., 6., 7., 8., 9., 10., -500.]);
        let out = apply(&y, None, |x| treated(x, Rule::default(), Within::All));
        approx(
            &out,
            &some(&[1., 2., 3., 3., 4., 5., 6., 7., 8., 9., 10., 1.]),
        );
    }

    #[test]
    fn stops_at_max_points_and_reports_or_logs() {
        // 1..30, 100, 200, 400, 800, 1600, 3200 with max_points 1: 3200 → 1600, still failing
        // (skew 3.352236, kurt 10.654627): every status gets + 4
        let mut values: Vec<f64> = (1..=30).map(f64::from).collect();
        values.extend([100.0, 200.0, 400.0, 800.0, 1600.0, 3200.0]);
        let y = some(&values);
        let rule = Rule {
            max_points: 1,
            ..Rule::default()
        };
        let out = apply(&y, None, |x| treated(x, rule, Within::All));
        assert_eq!(out[35], Some(1600.0));
        assert_eq!(out[34], Some(1600.0));
        let status = statuses(&y, None, rule, Within::All);
        assert_eq!(status[0], Some(4.0));
        assert_eq!(status[35], Some(5.0));
        // with log: the original values, ln(x − 1 + 31.99): ln 31.99 = 3.465423 … ln 3230.99 = 8.080544;
        // still failing after the log (skew 2.400189): status 2 + 4
        let rule = Rule { log: true, ..rule };
        let out = apply(&y, None, |x| treated(x, rule, Within::All));
        approx(&[out[0], out[35]], &[Some(3.465423), Some(8.080544)]);
        assert_eq!(statuses(&y, None, rule, Within::All)[0], Some(6.0));
    }

    #[test]
    fn small_constant_and_missing_groups_are_left_alone() {
        // three values: no kurtosis, left as they are
        let out = apply(&some(&[1.0, 2.0, 900.0]), None, |x| {
            treated(x, Rule::default(), Within::All)
        });
        approx(&out, &some(&[1.0, 2.0, 900.0]));
        let out = apply(&some(&[5.0; 6]), None, |x| {
            treated(x, Rule::default(), Within::All)
        });
        approx(&out, &some(&[5.0; 6]));
        let out = apply(&[None, None], None, |x| {
            treated(x, Rule::default(), Within::All)
        });
        approx(&out, &[None, None]);
        let out = statuses(&[None, Some(1.0)], None, Rule::default(), Within::All);
        approx(&out, &[None, Some(0.0)]);
        // a missing value in the fixture stays missing and does not count
        let mut y = one_to_nineteen_and(&[200.0]);
        y.insert(3, None);
        let out = apply(&y, None, |x| treated(x, Rule::default(), Within::All));
        let mut expected = one_to_nineteen_and(&[19.0]);
        expected.insert(3, None);
        approx(&out, &expected);
    }

    #[test]
    fn within_peer_group() {
        // group a: the fixture (200 → 19); group b: 1..19, 25 passes and is left alone
        let mut values = one_to_nineteen_and(&[200.0]);
        values.extend(one_to_nineteen_and(&[25.0]));
        let groups: Vec<&str> = (0..40).map(|i| if i < 20 { "a" } else { "b" }).collect();
        let out = apply(&values, Some(&groups), |x| {
            treated(x, Rule::default(), Within::PeerGroup)
        });
        let mut expected = one_to_nineteen_and(&[19.0]);
        expected.extend(one_to_nineteen_and(&[25.0]));
        approx(&out, &expected);
        // the same with the two groups' rows interleaved: results follow their rows
        let order: Vec<usize> = (0..20).flat_map(|i| [i, i + 20]).collect();
        let mixed: Vec<Option<f64>> = order.iter().map(|&i| values[i]).collect();
        let mixed_groups: Vec<&str> = order.iter().map(|&i| groups[i]).collect();
        let out = apply(&mixed, Some(&mixed_groups), |x| {
            treated(x, Rule::default(), Within::PeerGroup)
        });
        let reordered: Vec<Option<f64>> = order.iter().map(|&i| expected[i]).collect();
        approx(&out, &reordered);
        // over all institutions the 200 is not extreme enough to be the only one moved
        let all = apply(&values, Some(&groups), |x| {
            treated(x, Rule::default(), Within::All)
        });
        assert_eq!(all[19], Some(25.0));
    }
}
