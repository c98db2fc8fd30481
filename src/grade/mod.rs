//! Stage 7b, grade: a grade per institution from its final score, one method per file.
//!
//! | `by:` | file | a band holds |
//! |---|---|---|
//! | `score` | [`score`] | scores ≥ the band's `min` |
//! | `rank_share` | [`rank_share`] | ranks ≤ `top × n` (with a `rounding` of `top × n`) |
//! | `mean_sd` | [`mean_sd`] | scores ≥ mean + `above_sd` × SD |
//! | `kmeans` | [`kmeans`] | one cluster of a 1-D k-means (`algorithm: exact`, `hartigan_wong` or `sas_fastclus`) |
//! | `rsr_probit` | [`rsr_probit`] | fitted values between the Probit cut-points 5 + (i − k/2)·6/k |
//!
//! Bands are listed best first and the last band takes everyone left. What every method shares:
//!
//! * **The score compared** is the published `score`, already rounded to `score_decimals` (ranks
//!   use it too, and anyone can check a grade against the published table). Cut-points computed from the data (mean + k·SD, Probit cut-points) are not
//!   rounded; a score within 1e-9 (relative) of a computed cut-point reaches it, so that floating
//!   noise in a mean cannot decide a grade (0.1, 0.2, 0.3 have the mean 0.20000000000000004).
//! * **Vetoed** institutions get the last band whatever their score; the methods that learn from
//!   the distribution (`mean_sd`, `kmeans`, `rsr_probit`) leave their scores out of it, so one
//!   institution's veto does not move the others' cut-points. `rank_share` counts them among the
//!   n ranked institutions (they hold the last places).
//! * **Unscored** institutions (excluded for missing data, or no scored indicator) get no grade and
//!   are left out of every statistic.
//! * `within: peer_group` takes every statistic (n, mean, SD, clusters, Probit table) within each
//!   peer group; `within: all` over everyone. `by: score` compares with fixed numbers, so `within`
//!   does not change it.
//!
//! Each method gives a band index (0 = the best band) per institution; [`grade_expr`] puts the
//! veto and missing-score policy on top and turns the index into the band's name. The methods
//! read a [`Graded`] value, so the same code grades any formula: the rhai `grade_*` functions
//! (`crate::script::grading`) call [`label_expr`] on a formula's values, with no veto. `mean_sd`,
//! `score` and `rank_share` are polars expressions; `kmeans` and `rsr_probit` need the sorted
//! scores of a group and run as a Rust function over each group's score column (`group_bands`,
//! polars `apply` over the peer group): a loop over the group's sorted scores or its table of
//! distinct scores, as each file documents — never a row loop in rhai.

pub mod adjust;
pub mod hartigan_wong;
pub mod kmeans;
pub mod mean_sd;
pub mod rank_share;
pub mod rsr_probit;
pub mod sas_fastclus;
pub mod score;

use polars::prelude::*;

use crate::columns::{GROUP_RANK_COLUMN, RANK_COLUMN, SCORE_COLUMN, VETOED_COLUMN};
use crate::normalise::within;
use crate::scheme::{GradeBy, GradeSpec, Within};

/// Relative allowance with which a score reaches a cut-point computed from the data.
pub const CUT_TOLERANCE: f64 = 1e-9;

/// The score of an institution that takes part in a distribution: scored and not vetoed.
pub(crate) fn clean_score() -> Expr {
    when(col(VETOED_COLUMN).not())
        .then(col(SCORE_COLUMN).cast(DataType::Float64))
        .otherwise(crate::normalise::null())
}

/// `value ≥ cut`, with the [`CUT_TOLERANCE`] for a cut-point computed from the data.
pub(crate) fn reaches(value: Expr, cut: Expr) -> Expr {
    let allowance = cut.clone().abs().clip_min(lit(1.0)) * lit(CUT_TOLERANCE);
    value.gt_eq(cut - allowance)
}

/// The index of the first condition that holds, or the number of conditions if none does (the
/// last band): the band index when the conditions are the bands' in order, best first.
pub(crate) fn first_reached(conditions: Vec<Expr>) -> Expr {
    let last = lit(conditions.len() as u32);
    conditions
        .into_iter()
        .enumerate()
        .rev()
        .fold(last, |rest, (i, reached)| {
            when(reached).then(lit(i as u32)).otherwise(rest)
        })
}

/// What a grading method reads: the value graded (higher is better; null where there is none
/// to grade) and, for `rank_share`, each graded row's rank (1 = best) among those it is graded
/// with. The pipeline grades the clean published score with its `rank` / `group_rank`; the rhai
/// `grade_*` functions grade any formula with the rank of that formula.
#[derive(Debug, Clone)]
pub struct Graded {
    pub value: Expr,
    pub rank: Expr,
}

impl Graded {
    /// The pipeline's: the clean score, and the overall or peer-group rank by `within`.
    fn published_score(over: Within) -> Graded {
        let rank = match over {
            Within::All => col(RANK_COLUMN),
            Within::PeerGroup => col(GROUP_RANK_COLUMN),
        };
        Graded {
            value: clean_score(),
            rank,
        }
    }

    /// A formula's values (NaN counted as missing), ranked highest first with `min` ties
    /// among the rows of the same group (`within`).
    pub fn values(value: Expr, over: Within) -> Graded {
        let value = value
            .cast(DataType::Float64)
            .fill_nan(crate::normalise::null());
        let rank = within(
            value.clone().rank(
                RankOptions {
                    method: RankMethod::Min,
                    descending: true,
                },
                None,
            ),
            over,
        );
        Graded { value, rank }
    }
}

/// The band index (0 = best) of every institution by the spec's method, before the veto and
/// missing-score policy of [`grade_expr`]. UInt32; null where the method gives none.
pub fn band_index(spec: &GradeSpec) -> Expr {
    band_index_of(spec, &Graded::published_score(spec.within))
}

/// The band index (0 = best) of each row of `graded` by the spec's method (its `within` for
/// the statistics). UInt32; rows without a value may get any index (callers mask them).
pub fn band_index_of(spec: &GradeSpec, graded: &Graded) -> Expr {
    let k = spec.bands.len();
    let value = graded.value.clone();
    match spec.by {
        GradeBy::Score => score::band_index(&spec.bands, value),
        GradeBy::RankShare => rank_share::band_index(
            &spec.bands,
            graded.rank.clone(),
            spec.within,
            spec.rounding.unwrap_or_default(),
        ),
        GradeBy::MeanSd => mean_sd::band_index(&spec.bands, value, spec.within),
        GradeBy::Kmeans => {
            let algorithm = spec.algorithm.unwrap_or_default();
            group_bands(value, spec.within, move |scores| {
                kmeans::bands(scores, k, algorithm)
            })
        }
        GradeBy::RsrProbit => group_bands(value, spec.within, move |scores| {
            rsr_probit::bands(scores, k)
        }),
    }
}

/// The band name of each row of `graded`; null where the value is missing.
pub fn label_expr(spec: &GradeSpec, graded: &Graded) -> Expr {
    let index = when(graded.value.clone().is_not_null())
        .then(band_index_of(spec, graded).cast(DataType::UInt32))
        .otherwise(lit(NULL).cast(DataType::UInt32));
    let names: Series = spec.bands.iter().map(|b| b.grade.as_str()).collect();
    lit(names).gather(index, true)
}

/// The grade of every institution: its band's name; the last band if vetoed; none if unscored.
pub fn grade_expr(spec: &GradeSpec) -> Expr {
    let last = spec.bands.len().saturating_sub(1) as u32;
    let index = when(col(SCORE_COLUMN).is_null())
        .then(lit(NULL).cast(DataType::UInt32))
        .when(col(VETOED_COLUMN))
        .then(lit(last))
        .otherwise(band_index(spec).cast(DataType::UInt32));
    let names: Series = spec.bands.iter().map(|b| b.grade.as_str()).collect();
    lit(names).gather(index, true)
}

/// Runs `bands` on the values of each group (all rows, or each peer group): it gets the finite
/// values in row order (institution-id order) and returns one band index per value. Rows
/// without a finite value get null.
pub(crate) fn group_bands<F>(value: Expr, over: Within, bands: F) -> Expr
where
    F: Fn(&[f64]) -> Vec<u32> + Send + Sync + 'static,
{
    let per_group = value.apply(
        move |column: Column| {
            let name = column.name().clone();
            let scores = column.cast(&DataType::Float64)?;
            let scores = scores.f64()?;
            let clean: Vec<f64> = scores.iter().flatten().filter(|x| x.is_finite()).collect();
            let mut found = bands(&clean).into_iter();
            let out: UInt32Chunked = scores
                .iter()
                .map(|x| match x {
                    Some(x) if x.is_finite() => found.next(),
                    _ => None,
                })
                .collect();
            Ok(out.with_name(name).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::UInt32)),
    );
    within(per_group, over)
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::columns::PEER_GROUP_COLUMN;
    use crate::columns::{GROUP_RANK_COLUMN, RANK_COLUMN};
    use crate::rank;
    use crate::scheme::{GradeBand, Ties};

    pub fn band(grade: &str) -> GradeBand {
        GradeBand {
            grade: grade.into(),
            min: None,
            top: None,
            above_sd: None,
        }
    }

    pub fn spec(by: GradeBy, within: Within, bands: Vec<GradeBand>) -> GradeSpec {
        GradeSpec {
            by,
            within,
            algorithm: None,
            rounding: None,
            bands,
        }
    }

    /// Grades of institutions with these scores, vetoes and peer groups (ranks computed with
    /// `min` ties, as the pipeline would).
    pub fn grades(
        spec: &GradeSpec,
        scores: &[Option<f64>],
        vetoed: &[bool],
        groups: &[&str],
    ) -> Vec<Option<String>> {
        let frame = df!(
            SCORE_COLUMN => scores,
            VETOED_COLUMN => vetoed,
            PEER_GROUP_COLUMN => groups
        )
        .unwrap();
        let out = frame
            .lazy()
            .with_columns(rank::exprs(Ties::Min))
            .select([grade_expr(spec).alias("g")])
            .collect()
            .unwrap();
        names(&out, "g")
    }

    /// Grades with ranks given (for rank-share tests with ties of any kind).
    pub fn grades_with_ranks(
        spec: &GradeSpec,
        scores: &[Option<f64>],
        ranks: &[Option<f64>],
        vetoed: &[bool],
    ) -> Vec<Option<String>> {
        let groups = vec!["g"; scores.len()];
        let frame = df!(
            SCORE_COLUMN => scores,
            RANK_COLUMN => ranks,
            GROUP_RANK_COLUMN => ranks,
            VETOED_COLUMN => vetoed,
            PEER_GROUP_COLUMN => groups
        )
        .unwrap();
        let out = frame
            .lazy()
            .select([grade_expr(spec).alias("g")])
            .collect()
            .unwrap();
        names(&out, "g")
    }

    fn names(frame: &DataFrame, column: &str) -> Vec<Option<String>> {
        frame
            .column(column)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|g| g.map(str::to_string))
            .collect()
    }

    pub fn owned(grades: &[Option<&str>]) -> Vec<Option<String>> {
        grades.iter().map(|g| g.map(str::to_string)).collect()
    }

    pub fn some(scores: &[f64]) -> Vec<Option<f64>> {
        scores.iter().copied().map(Some).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::scheme::KmeansAlgorithm;

    #[test]
    fn every_method_gives_vetoed_the_last_band_and_unscored_none() {
        // 100 is vetoed: it would top every method, and gets the last band instead; the
        // missing score gets no grade.
        let scores = [Some(100.0), Some(90.0), None, Some(50.0), Some(10.0)];
        let vetoed = [true, false, false, false, false];
        let groups = ["g"; 5];
        let three = || vec![band("A"), band("B"), band("C")];
        let mut score = spec(GradeBy::Score, Within::All, three());
        score.bands[0].min = Some(80.0);
        score.bands[1].min = Some(40.0);
        let mut share = spec(GradeBy::RankShare, Within::All, three());
        share.bands[0].top = Some(0.25);
        share.bands[1].top = Some(0.5);
        let mut mean_sd = spec(GradeBy::MeanSd, Within::All, three());
        mean_sd.bands[0].above_sd = Some(0.5);
        mean_sd.bands[1].above_sd = Some(-0.5);
        let kmeans = spec(GradeBy::Kmeans, Within::All, three());
        let mut hartigan_wong = spec(GradeBy::Kmeans, Within::All, three());
        hartigan_wong.algorithm = Some(KmeansAlgorithm::HartiganWong);
        let rsr = spec(GradeBy::RsrProbit, Within::All, three());
        // Clean scores 90, 50, 10: mean 50, SD 40; three clusters of one; Probit table
        // p = 1/3, 2/3, 1 − 1/12 → Probit 4.57, 5.43, 6.38 → middle, middle, upper.
        let expected = [
            ("score", &score, ["A", "B", "C"]),
            ("rank_share", &share, ["A", "B", "C"]), // ranks 1, 2, 3 of n = 4 (veto ranked 4th)
            ("mean_sd", &mean_sd, ["A", "B", "C"]),
            ("kmeans", &kmeans, ["A", "B", "C"]),
            ("hartigan_wong", &hartigan_wong, ["A", "B", "C"]),
            ("rsr_probit", &rsr, ["A", "B", "B"]),
        ];
        for (name, spec, [first, second, third]) in expected {
            let out = grades(spec, &scores, &vetoed, &groups);
            assert_eq!(
                out,
                owned(&[Some("C"), Some(first), None, Some(second), Some(third)]),
                "{name}"
            );
        }
    }

    #[test]
    fn peer_groups_are_graded_apart() {
        // Group a: 10, 20, 30; group b: 1000, 2000, 4000. Within each group, three clusters of
        // one: A, B, C in each. Over everyone the optimum is {10, 20, 30} {1000, 2000} {4000}
        // (SSE 200 + 500 000, against 2 000 000 for {1000} {2000, 4000}).
        let scores = some(&[10.0, 1000.0, 20.0, 2000.0, 30.0, 4000.0]);
        let groups = ["a", "b", "a", "b", "a", "b"];
        let vetoed = [false; 6];
        let mut kmeans = spec(
            GradeBy::Kmeans,
            Within::PeerGroup,
            vec![band("A"), band("B"), band("C")],
        );
        let expected = ["C", "C", "B", "B", "A", "A"].map(Some);
        assert_eq!(grades(&kmeans, &scores, &vetoed, &groups), owned(&expected));
        kmeans.within = Within::All;
        let expected = ["C", "B", "C", "B", "C", "A"].map(Some);
        assert_eq!(grades(&kmeans, &scores, &vetoed, &groups), owned(&expected));
    }

    #[test]
    fn a_single_band_grades_everyone_alike() {
        for by in [GradeBy::Kmeans, GradeBy::RsrProbit] {
            let one = spec(by, Within::All, vec![band("合格")]);
            assert!(crate::scheme::check_grades(&one).is_ok());
            let out = grades(&one, &some(&[1.0, 2.0, 3.0]), &[false; 3], &["g"; 3]);
            assert_eq!(out, owned(&[Some("合格"); 3]), "{by:?}");
        }
    }
}
