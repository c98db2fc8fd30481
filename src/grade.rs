//! Stage 7b, grade: a grade per institution from score thresholds or from its share of the ranking.
//!
//! * `by: score`: the first band (best first) whose `min` the score reaches.
//! * `by: rank_share`: the first band whose `top` share the institution's rank falls within,
//!   `rank ≤ top × n`, n the ranked institutions (overall, or in the peer group with
//!   `within: peer_group`, using `group_rank`). Tied institutions share a rank and so a grade.
//!
//! Either way the last band takes everyone left, a vetoed institution gets the last band whatever
//! its score, and an institution without a score has no grade.

use polars::prelude::*;

use crate::adjust::{SCORE_COLUMN, VETOED_COLUMN};
use crate::normalise::within;
use crate::rank::{GROUP_RANK_COLUMN, RANK_COLUMN};
use crate::scheme::{GradeBy, GradeSpec, Within};

pub const GRADE_COLUMN: &str = "grade";

pub fn grade_expr(spec: &GradeSpec) -> Expr {
    let (last, bands) = spec.bands.split_last().expect("checked: at least one band");
    let no_grade = lit(NULL).cast(DataType::String);
    let rank = match spec.within {
        Within::All => col(RANK_COLUMN),
        Within::PeerGroup => col(GROUP_RANK_COLUMN),
    }
    .cast(DataType::Float64);
    let ranked = within(rank.clone().count(), spec.within).cast(DataType::Float64);
    let reaches = |band: &crate::scheme::GradeBand| match spec.by {
        GradeBy::Score => col(SCORE_COLUMN).gt_eq(lit(band.min.unwrap_or(f64::INFINITY))),
        GradeBy::RankShare => rank
            .clone()
            .lt_eq(lit(band.top.unwrap_or(0.0)) * ranked.clone()),
    };
    let mut chain = when(col(SCORE_COLUMN).is_null())
        .then(no_grade)
        .when(col(VETOED_COLUMN))
        .then(lit(last.grade.as_str()));
    for band in bands {
        chain = chain.when(reaches(band)).then(lit(band.grade.as_str()));
    }
    chain.otherwise(lit(last.grade.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::GradeBand;
    use crate::script::PEER_GROUP_COLUMN;

    fn band(grade: &str, min: Option<f64>, top: Option<f64>) -> GradeBand {
        GradeBand {
            grade: grade.into(),
            min,
            top,
        }
    }

    fn grades(
        spec: &GradeSpec,
        scores: &[Option<f64>],
        ranks: &[Option<u32>],
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
        out.column("g")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|g| g.map(str::to_string))
            .collect()
    }

    fn owned(grades: &[Option<&str>]) -> Vec<Option<String>> {
        grades.iter().map(|g| g.map(str::to_string)).collect()
    }

    #[test]
    fn by_score_thresholds() {
        let spec = GradeSpec {
            by: GradeBy::Score,
            within: Within::All,
            bands: vec![
                band("优秀", Some(90.0), None),
                band("合格", Some(60.0), None),
                band("不合格", None, None),
            ],
        };
        let out = grades(
            &spec,
            &[
                Some(95.0),
                Some(90.0),
                Some(89.99),
                Some(10.0),
                None,
                Some(99.0),
            ],
            &[Some(2), Some(3), Some(4), Some(5), None, Some(6)],
            &[false, false, false, false, false, true],
        );
        assert_eq!(
            out,
            owned(&[
                Some("优秀"),
                Some("优秀"),
                Some("合格"),
                Some("不合格"),
                None,
                Some("不合格")
            ])
        );
    }

    #[test]
    fn by_rank_share_with_ties() {
        // 10 ranked; A = top 10% (rank ≤ 1), B = top 40% (rank ≤ 4); two tied at rank 4 both get B.
        let spec = GradeSpec {
            by: GradeBy::RankShare,
            within: Within::All,
            bands: vec![
                band("A", None, Some(0.1)),
                band("B", None, Some(0.4)),
                band("C", None, None),
            ],
        };
        let ranks = [1, 2, 3, 4, 4, 6, 7, 8, 9, 10].map(Some);
        let scores = [Some(1.0); 10];
        let out = grades(&spec, &scores, &ranks, &[false; 10]);
        let expected = ["A", "B", "B", "B", "B", "C", "C", "C", "C", "C"].map(Some);
        assert_eq!(out, owned(&expected));
    }
}
