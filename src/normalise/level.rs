//! Normalising a dimension's or sub-dimension's score across institutions (`normalise:` on the
//! node, see `crate::scheme::LevelNormalise`): the weighted mean of its children, `m`, becomes
//!
//! * `z_score`: `mean + sd × (m − m̄) / s`, `s` the sample SD (n − 1) — CMS re-standardises each
//!   measure group's score so with mean 0, sd 1;
//! * `min_max`: `(m − min) / (max − min) × 100`.
//!
//! The statistics (m̄, s, min, max) are taken over the institutions `over` names — all with a
//! mean, or only the eligible (rated) ones, an unknown eligibility counting as not rated — overall
//! or within each peer group (`within`); every institution with a mean is normalised against
//! them, so with `over: eligible` an unrated institution can fall outside 0–100. A missing mean
//! stays missing. Degenerate statistics, as for the indicator methods: where `s` is 0 or
//! undefined (fewer than two institutions in the statistics) every institution gets `mean`;
//! where max = min (or none) every institution gets 100.

use polars::prelude::*;

use super::{null, within};
use crate::scheme::{LevelNormalise, Over};

/// The normalised score of the node mean `m`; `eligible` is the scheme's `eligible:` condition,
/// read only with `over: eligible`.
pub fn score(m: Expr, method: LevelNormalise, eligible: Option<&Expr>) -> Expr {
    let sample = match (method.over(), eligible) {
        (Over::Eligible, Some(eligible)) => when(
            eligible
                .clone()
                .cast(DataType::Boolean)
                .fill_null(lit(false)),
        )
        .then(m.clone())
        .otherwise(null()),
        _ => m.clone(),
    };
    let scope = method.within();
    match method {
        LevelNormalise::ZScore { mean, sd, .. } => {
            let centre = within(sample.clone().mean(), scope);
            let spread = within(sample.std(1), scope);
            let z = (m.clone() - centre).true_div(spread.clone());
            when(m.is_null())
                .then(null())
                .when(spread.clone().eq(lit(0.0)).or(spread.is_null()))
                .then(lit(mean))
                .otherwise(lit(mean) + lit(sd) * z)
        }
        LevelNormalise::MinMax { .. } => {
            let low = within(sample.clone().min(), scope);
            let high = within(sample.max(), scope);
            let range = high - low.clone();
            when(m.clone().is_null())
                .then(null())
                .when(range.clone().eq(lit(0.0)).or(range.clone().is_null()))
                .then(lit(100.0))
                .otherwise((m - low).true_div(range) * lit(100.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{apply, approx, some};
    use super::*;
    use crate::columns::PEER_GROUP_COLUMN;
    use crate::scheme::Within;

    fn z(within: Within, over: Over) -> LevelNormalise {
        LevelNormalise::ZScore {
            within,
            over,
            mean: 0.0,
            sd: 1.0,
        }
    }

    /// `score` on means `m` with eligibility `ok`.
    fn with_eligible(
        m: &[Option<f64>],
        ok: &[Option<bool>],
        method: LevelNormalise,
    ) -> Vec<Option<f64>> {
        let groups = vec!["all"; m.len()];
        let frame = df!("m" => m, "ok" => ok, PEER_GROUP_COLUMN => groups).unwrap();
        let out = frame
            .lazy()
            .select([score(col("m"), method, Some(&col("ok"))).alias("s")])
            .collect()
            .unwrap();
        out.column("s").unwrap().f64().unwrap().iter().collect()
    }

    #[test]
    fn z_score_over_all() {
        // m̄ = 3, s = √(14/3) = 2.1602469: (m − 3) / s.
        let out = apply(
            &[Some(1.0), Some(2.0), Some(3.0), Some(6.0), None],
            None,
            |m| score(m, z(Within::All, Over::All), None),
        );
        approx(
            &out,
            &[
                Some(-0.92582010),
                Some(-0.46291005),
                Some(0.0),
                Some(1.38873015),
                None,
            ],
        );
    }

    #[test]
    fn z_score_over_the_eligible_normalises_everyone_against_them() {
        // Statistics over 1, 2, 3 (6 is not rated, the last has no eligibility: not rated):
        // m̄ = 2, s = 1; every institution is normalised.
        let out = with_eligible(
            &some(&[1.0, 2.0, 3.0, 6.0, 10.0]),
            &[Some(true), Some(true), Some(true), Some(false), None],
            z(Within::All, Over::Eligible),
        );
        approx(&out, &some(&[-1.0, 0.0, 1.0, 4.0, 8.0]));
        // With `over: all` the same column gives the plain z-scores (m̄ = 4.4, s = 3.6469165, as T scores).
        let all = with_eligible(
            &some(&[1.0, 2.0, 3.0, 6.0, 10.0]),
            &[Some(true), Some(true), Some(true), Some(false), None],
            LevelNormalise::ZScore {
                within: Within::All,
                over: Over::All,
                mean: 50.0,
                sd: 10.0,
            },
        );
        approx(
            &all,
            &some(&[40.677056, 43.419098, 46.161141, 54.387268, 65.355438]),
        );
    }

    #[test]
    fn z_score_within_peer_groups() {
        // a: 1, 3 (m̄ 2, s √2); b: 10, 20 (m̄ 15, s √50): ∓1/√2 in each.
        let out = apply(
            &some(&[1.0, 3.0, 10.0, 20.0]),
            Some(&["a", "a", "b", "b"]),
            |m| score(m, z(Within::PeerGroup, Over::All), None),
        );
        let r = std::f64::consts::FRAC_1_SQRT_2;
        approx(&out, &some(&[-r, r, -r, r]));
    }

    #[test]
    fn min_max_over_the_eligible_can_leave_0_to_100() {
        // Statistics over 2, 3, 6: min 2, max 6; the unrated 1 scores −25.
        let out = with_eligible(
            &[Some(1.0), Some(2.0), Some(3.0), Some(6.0), None],
            &[Some(false), Some(true), Some(true), Some(true), Some(true)],
            LevelNormalise::MinMax {
                within: Within::All,
                over: Over::Eligible,
            },
        );
        approx(
            &out,
            &[Some(-25.0), Some(0.0), Some(25.0), Some(100.0), None],
        );
    }

    #[test]
    fn degenerate_statistics() {
        // One eligible institution: no SD, everyone gets the mean; no range: 100.
        let ok = [Some(true), Some(false), Some(false)];
        let m = some(&[1.0, 5.0, 9.0]);
        let zs = with_eligible(&m, &ok, z(Within::All, Over::Eligible));
        approx(&zs, &some(&[0.0, 0.0, 0.0]));
        let min_max = LevelNormalise::MinMax {
            within: Within::All,
            over: Over::Eligible,
        };
        approx(
            &with_eligible(&m, &ok, min_max),
            &some(&[100.0, 100.0, 100.0]),
        );
    }
}
