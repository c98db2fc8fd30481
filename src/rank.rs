//! Stage 7a, rank: overall and within each peer group, by the final score, highest first.
//!
//! Ties follow the scheme's `ranking.ties`: `min` (competition 1, 1, 3 — the default), `dense`
//! (1, 1, 2), `average` (1.5, 1.5, 3) or `ordinal` (1, 2, 3, ties broken by institution id, since
//! rows are in id order). Institutions with a veto are ranked after all others (their own order
//! by score continues the numbering). Excluded or unscored institutions have no rank.

use polars::prelude::*;

use crate::columns::{GROUP_RANK_COLUMN, RANK_COLUMN, SCORE_COLUMN, VETOED_COLUMN};
use crate::normalise::within;
use crate::scheme::{Ties, Within};

fn method(ties: Ties) -> RankMethod {
    match ties {
        Ties::Min => RankMethod::Min,
        Ties::Dense => RankMethod::Dense,
        Ties::Average => RankMethod::Average,
        Ties::Ordinal => RankMethod::Ordinal,
    }
}

/// Rank by score (highest = 1) with vetoed institutions after the rest, over `over`.
pub fn rank_expr(ties: Ties, over: Within) -> Expr {
    let options = RankOptions {
        method: method(ties),
        descending: true,
    };
    let vetoed = col(VETOED_COLUMN);
    let clean_score = when(vetoed.clone().not())
        .then(col(SCORE_COLUMN))
        .otherwise(crate::normalise::null());
    let vetoed_score = when(vetoed)
        .then(col(SCORE_COLUMN))
        .otherwise(crate::normalise::null());
    let clean_rank = within(clean_score.clone().rank(options, None), over).cast(DataType::Float64);
    let vetoed_rank = within(vetoed_score.rank(options, None), over).cast(DataType::Float64);
    // Vetoed ranks continue after the clean ones: after their count (min, average, ordinal), or
    // after the largest dense rank.
    let clean_last = match ties {
        Ties::Dense => within(clean_rank.clone().max(), over),
        _ => within(clean_score.count(), over).cast(DataType::Float64),
    }
    .fill_null(lit(0.0));
    let rank = coalesce(&[clean_rank, vetoed_rank + clean_last]);
    match ties {
        Ties::Average => rank,
        _ => rank.cast(DataType::UInt32),
    }
}

/// The rank columns `rank` and `group_rank`.
pub fn exprs(ties: Ties) -> Vec<Expr> {
    vec![
        rank_expr(ties, Within::All).alias(RANK_COLUMN),
        rank_expr(ties, Within::PeerGroup).alias(GROUP_RANK_COLUMN),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::PEER_GROUP_COLUMN;

    fn ranks(
        ties: Ties,
        scores: &[Option<f64>],
        vetoed: &[bool],
        groups: &[&str],
    ) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
        let frame =
            df!(SCORE_COLUMN => scores, VETOED_COLUMN => vetoed, PEER_GROUP_COLUMN => groups)
                .unwrap();
        let out = frame
            .lazy()
            .with_columns(exprs(ties))
            .select([
                col(RANK_COLUMN).cast(DataType::Float64),
                col(GROUP_RANK_COLUMN).cast(DataType::Float64),
            ])
            .collect()
            .unwrap();
        let get = |name: &str| out.column(name).unwrap().f64().unwrap().iter().collect();
        (get(RANK_COLUMN), get(GROUP_RANK_COLUMN))
    }

    const SCORES: [Option<f64>; 4] = [Some(0.5), Some(0.7), Some(0.7), Some(0.2)];

    #[test]
    fn tie_methods_match_the_reference_conventions() {
        // methods.md §1.9: scores [0.5, 0.7, 0.7, 0.2]
        let no_veto = [false; 4];
        let groups = ["g"; 4];
        assert_eq!(
            ranks(Ties::Min, &SCORES, &no_veto, &groups).0,
            [Some(3.0), Some(1.0), Some(1.0), Some(4.0)]
        );
        assert_eq!(
            ranks(Ties::Dense, &SCORES, &no_veto, &groups).0,
            [Some(2.0), Some(1.0), Some(1.0), Some(3.0)]
        );
        assert_eq!(
            ranks(Ties::Average, &SCORES, &no_veto, &groups).0,
            [Some(3.0), Some(1.5), Some(1.5), Some(4.0)]
        );
        assert_eq!(
            ranks(Ties::Ordinal, &SCORES, &no_veto, &groups).0,
            [Some(3.0), Some(1.0), Some(2.0), Some(4.0)]
        );
    }

    #[test]
    fn vetoed_rank_last_and_unscored_have_no_rank() {
        // 0.7 (vetoed) goes after 0.5 and 0.2; the missing score has no rank.
        let scores = [Some(0.5), Some(0.7), None, Some(0.2)];
        let vetoed = [false, true, false, false];
        let (overall, group) = ranks(Ties::Min, &scores, &vetoed, &["a", "a", "b", "b"]);
        assert_eq!(overall, [Some(1.0), Some(3.0), None, Some(2.0)]);
        assert_eq!(group, [Some(1.0), Some(2.0), None, Some(1.0)]);
        // With average ties, two clean institutions tied at 1.5 push the vetoed one to 3.
        let (average, _) = ranks(
            Ties::Average,
            &[Some(0.5), Some(0.5), Some(0.9)],
            &[false, false, true],
            &["a"; 3],
        );
        assert_eq!(average, [Some(1.5), Some(1.5), Some(3.0)]);
        let (dense, _) = ranks(
            Ties::Dense,
            &[Some(0.5), Some(0.5), Some(0.9)],
            &[false, false, true],
            &["a"; 3],
        );
        assert_eq!(dense, [Some(1.0), Some(1.0), Some(2.0)]);
    }
}
