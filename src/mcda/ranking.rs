//! Ranks of the final scores: min (competition 1, 1, 3 — the default), dense (1, 1, 2), average
//! (1.5, 1.5, 3) and ordinal (1, 2, 3).
//!
//! The peers differ (methods.md §1.9): pymcdm ranks average, pyrepo and scikit-criteria dense,
//! COINr and R `rank(ties = "min")` min; all four are offered, min by default. Ordinal breaks ties
//! by row order: [`crate::mcda::run`] puts rows in id order first, so ties go to the smaller id.
//! Average ranks are floats, the others unsigned integers. Missing scores get no rank.

use polars::prelude::*;

use super::within;
pub use crate::scheme::Ties;

impl Ties {
    pub const ALL: [Ties; 4] = [Ties::Min, Ties::Dense, Ties::Average, Ties::Ordinal];

    pub fn name(self) -> &'static str {
        match self {
            Ties::Min => "min",
            Ties::Dense => "dense",
            Ties::Average => "average",
            Ties::Ordinal => "ordinal",
        }
    }

    pub fn from_name(name: &str) -> Option<Ties> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The rank of `score` (1 = best), over all rows or within each group of `over`.
pub fn rank_expr(score: Expr, ties: Ties, higher_is_better: bool, over: Option<&str>) -> Expr {
    let method = match ties {
        Ties::Min => RankMethod::Min,
        Ties::Dense => RankMethod::Dense,
        Ties::Average => RankMethod::Average,
        Ties::Ordinal => RankMethod::Ordinal,
    };
    let rank = within(
        score.rank(
            RankOptions {
                method,
                descending: higher_is_better,
            },
            None,
        ),
        over,
    );
    match ties {
        Ties::Average => rank.cast(DataType::Float64),
        _ => rank.cast(DataType::UInt32),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::eval;
    use super::*;

    #[test]
    fn reference_conventions() {
        // methods.md §1.9: scores [0.5, 0.7, 0.7, 0.2], higher is better
        let frame = df!("s" => [0.5, 0.7, 0.7, 0.2], "g" => ["a"; 4]).unwrap();
        let rank = |ties| eval(&frame, rank_expr(col("s"), ties, true, None));
        assert_eq!(rank(Ties::Min), [3.0, 1.0, 1.0, 4.0]);
        assert_eq!(rank(Ties::Dense), [2.0, 1.0, 1.0, 3.0]);
        assert_eq!(rank(Ties::Average), [3.0, 1.5, 1.5, 4.0]);
        assert_eq!(
            rank(Ties::Ordinal),
            [3.0, 1.0, 2.0, 4.0],
            "ties by row order"
        );
        // Lower is better (VIKOR's Q).
        assert_eq!(
            eval(&frame, rank_expr(col("s"), Ties::Min, false, None)),
            [2.0, 3.0, 3.0, 1.0]
        );
    }

    #[test]
    fn within_groups() {
        let frame = df!("s" => [0.5, 0.7, 0.7, 0.2], "g" => ["a", "b", "a", "b"]).unwrap();
        assert_eq!(
            eval(&frame, rank_expr(col("s"), Ties::Min, true, Some("g"))),
            [2.0, 1.0, 1.0, 2.0]
        );
    }
}
