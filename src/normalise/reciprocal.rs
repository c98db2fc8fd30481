//! Reciprocal (1/x): for a lower-is-better indicator the score is the reciprocal scaled so the
//! best institution scores 100, `min / x × 100` (classic medical-statistics TOPSIS turns 低优
//! indicators into 1/x; scaling 1/x by its largest value 1/min gives exactly this). For a
//! higher-is-better indicator the same ratio scale is `x / max × 100`. This is pymcdm's
//! `linear_normalization`. min and max run over all institutions or within the peer group.
//! Unlike min-max, the worst institution does not score 0: a hospital with twice the best
//! infection rate scores 50.
//!
//! Policy for values of 0 or below. Lower is better: such a value cannot be inverted, and no cost
//! is the best there is, so it scores 100, and the others are scored against the smallest
//! positive value m⁺: `m⁺ / x × 100`; when no value is positive every institution scores 100.
//! Higher is better: a value of 0 or below scores 0 (nothing achieved), and when no value is
//! positive every institution scores 0. A constant positive column scores 100 throughout, as does
//! a single institution with a positive value. Missing values score missing.

use polars::prelude::*;

use super::{smallest_positive, within, Better};
use crate::scheme::Within;

pub fn score(x: Expr, better: Better, over: Within) -> Expr {
    match better {
        Better::Lower => {
            let best = smallest_positive(x.clone(), over);
            when(x.clone().gt(lit(0.0)))
                .then(best.true_div(x.clone()) * lit(100.0))
                .when(x.is_not_null())
                .then(lit(100.0))
                .otherwise(super::null())
        }
        Better::Higher => {
            let best = within(x.clone().max(), over);
            when(x.clone().gt(lit(0.0)))
                .then(x.clone().true_div(best) * lit(100.0))
                .when(x.is_not_null())
                .then(lit(0.0))
                .otherwise(super::null())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;

    #[test]
    fn reference_fixture() {
        // lower is better on [10, 20, 30, 40, 100]: 10 / x × 100
        let x = some(&[10.0, 20.0, 30.0, 40.0, 100.0]);
        let out = apply(&x, None, |x| score(x, Better::Lower, Within::All));
        approx(&out, &some(&[100.0, 50.0, 33.333333, 25.0, 10.0]));
        // higher is better: x / 100 × 100
        let out = apply(&x, None, |x| score(x, Better::Higher, Within::All));
        approx(&out, &some(&[10.0, 20.0, 30.0, 40.0, 100.0]));
    }

    #[test]
    fn values_of_zero_or_below() {
        // lower is better [0, 2, 8, missing]: 0 → 100; others against m⁺ = 2 → 100, 25
        let out = apply(&[Some(0.0), Some(2.0), Some(8.0), None], None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &[Some(100.0), Some(100.0), Some(25.0), None]);
        // higher is better [−2, 0, 5]: 0, 0, 100
        let out = apply(&some(&[-2.0, 0.0, 5.0]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[0.0, 0.0, 100.0]));
        // no positive value at all
        let out = apply(&some(&[0.0, 0.0]), None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &some(&[100.0, 100.0]));
        let out = apply(&some(&[0.0, -3.0]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[0.0, 0.0]));
    }

    #[test]
    fn constant_single_and_all_missing() {
        let out = apply(&some(&[6.0, 6.0]), None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &some(&[100.0, 100.0]));
        let out = apply(&some(&[6.0]), None, |x| {
            score(x, Better::Higher, Within::All)
        });
        approx(&out, &some(&[100.0]));
        let out = apply(&[None, None], None, |x| {
            score(x, Better::Lower, Within::All)
        });
        approx(&out, &[None, None]);
    }

    #[test]
    fn reproduces_the_textbook_topsis_with_reciprocal_cost_columns() {
        // methods.md §2.3(b), hospital 1994–1998: 低优 columns (住院日, 病死率, 院感) by
        // reciprocal, then vector normalisation (which cancels the min/x scaling, so this is the
        // classic 1/x), ideal = column max, unweighted distances; published to 4 decimals:
        // D⁺ = .6289 .5640 .5369 .5141 .2494, D⁻ = .2497 .2754 .1514 .1762 .6302,
        // C = .2842 .3281 .2200 .2552 .7164.
        let columns: [(&str, [f64; 5], Better); 7] = [
            (
                "出院",
                [21584., 24372., 22041., 21115., 24633.],
                Better::Higher,
            ),
            ("床使用率", [76.7, 86.3, 81.8, 84.5, 90.3], Better::Higher),
            ("住院日", [7.3, 7.4, 7.3, 6.9, 6.9], Better::Lower),
            ("病死率", [1.01, 0.80, 0.62, 0.60, 0.25], Better::Lower),
            ("抢救成功", [78.3, 91.1, 91.1, 90.2, 95.5], Better::Higher),
            ("治愈好转", [97.5, 98.0, 97.3, 97.7, 97.9], Better::Higher),
            ("院感", [2.0, 2.0, 3.2, 2.9, 3.6], Better::Lower),
        ];
        let frame = DataFrame::new_infer_height(
            columns
                .iter()
                .map(|(name, values, _)| Column::new((*name).into(), values.to_vec()))
                .collect(),
        )
        .unwrap();
        let z = |name: &str, better: Better| {
            let x = match better {
                Better::Higher => col(name),
                Better::Lower => score(col(name), Better::Lower, Within::All),
            };
            super::super::vector::score(x, Better::Higher, Within::All) / lit(100.0)
        };
        let squared = |ideal: fn(Expr) -> Expr| {
            columns
                .iter()
                .map(|(name, _, better)| {
                    let d = z(name, *better) - ideal(z(name, *better));
                    d.clone() * d
                })
                .reduce(|a, b| a + b)
                .unwrap()
                .sqrt()
        };
        let best = squared(|z| z.max());
        let worst = squared(|z| z.min());
        let out = frame
            .lazy()
            .select([
                best.clone().alias("d+"),
                worst.clone().alias("d-"),
                (worst.clone().true_div(best + worst)).alias("c"),
            ])
            .collect()
            .unwrap();
        let get = |name: &str| -> Vec<f64> {
            out.column(name)
                .unwrap()
                .f64()
                .unwrap()
                .into_no_null_iter()
                .collect()
        };
        for (name, published) in [
            ("d+", [0.6289, 0.5640, 0.5369, 0.5141, 0.2494]),
            ("d-", [0.2497, 0.2754, 0.1514, 0.1762, 0.6302]),
            ("c", [0.2842, 0.3281, 0.2200, 0.2552, 0.7164]),
        ] {
            for (a, e) in get(name).iter().zip(published) {
                assert!((a - e).abs() < 5e-5, "{name}: {a} vs {e}");
            }
        }
    }

    #[test]
    fn within_peer_group() {
        // lower is better; group a: [2, 4] → 100, 50; group b: [5, 20] → 100, 25
        let out = apply(
            &some(&[2.0, 5.0, 4.0, 20.0]),
            Some(&["a", "b", "a", "b"]),
            |x| score(x, Better::Lower, Within::PeerGroup),
        );
        approx(&out, &some(&[100.0, 100.0, 50.0, 25.0]));
    }
}
