//! Competition ranks ("min": tied values share the lowest rank) of a column within each peer
//! group, or over all rows, computed natively in one pass: the values are keyed by peer group and
//! order, sorted once, and each group's tie runs read off in order. The methods built on it
//! (`percentile_rank`, `rank`) get from one kernel what polars' `rank(Min).over(peer group)` and
//! `count().over(peer group)` give — bit for bit (tested here against those expressions) — at a
//! fraction of the cost: at national scale the window expressions, two per scored indicator,
//! dominated the scoring query (BENCHMARKS.md, "National scale").
//!
//! Order is polars' total order for floats: −0.0 equals 0.0, NaN is one value above +∞. Missing
//! values have no rank and do not count. A value that is a single literal is broadcast to the
//! frame's height first, as polars broadcasts it.

use std::collections::HashMap;

use polars::prelude::*;

use crate::columns::PEER_GROUP_COLUMN;
use crate::scheme::Within;

/// `score(rank, count)` for every row with a value: `rank` its competition rank from the first
/// value in order (ascending, or descending when `descending`), `count` the values in its peer
/// group (or in all rows); missing where the value is missing.
pub(crate) fn min_rank_score(
    x: Expr,
    descending: bool,
    over: Within,
    score: fn(f64, f64) -> f64,
) -> Expr {
    let arguments = match over {
        Within::All => vec![],
        Within::PeerGroup => vec![col(PEER_GROUP_COLUMN)],
    };
    // Group-wise, not element-wise: polars must not split the column or push a row filter
    // through it, since every row's result depends on the whole group.
    x.apply_many(
        move |columns: &mut [Column]| {
            let height = columns.iter().map(Column::len).max().unwrap_or(0);
            let mut values = columns[0].cast(&DataType::Float64)?;
            if values.len() == 1 && height > 1 {
                values = values.new_from_index(0, height);
            }
            let groups = match columns.get(1) {
                Some(groups) => Some(group_codes(groups)?),
                None => None,
            };
            let scored = scores(values.f64()?, groups.as_deref(), descending, score);
            Ok(scored.with_name(values.name().clone()).into_column())
        },
        &arguments,
        |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::Float64)),
    )
}

/// A code per row naming its peer group (missing is a group of its own).
fn group_codes(groups: &Column) -> PolarsResult<Vec<u32>> {
    if groups.dtype() == &DataType::String {
        let mut known: HashMap<&str, u32> = HashMap::new();
        let groups = groups.str()?;
        return Ok(groups
            .iter()
            .map(|g| match g {
                Some(g) => {
                    let next = known.len() as u32;
                    *known.entry(g).or_insert(next)
                }
                None => u32::MAX,
            })
            .collect());
    }
    let codes = groups
        .to_physical_repr()
        .cast(&DataType::UInt32)?
        .u32()?
        .clone();
    Ok(codes.iter().map(|c| c.unwrap_or(u32::MAX)).collect())
}

/// A key whose unsigned order is polars' total order of `value` (−0.0 = 0.0, NaN above +∞),
/// reversed when `descending`.
fn order_key(value: f64, descending: bool) -> u64 {
    let canonical = if value == 0.0 {
        0.0
    } else if value.is_nan() {
        f64::NAN
    } else {
        value
    };
    let bits = canonical.to_bits();
    let key = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    if descending {
        !key
    } else {
        key
    }
}

fn scores(
    values: &Float64Chunked,
    groups: Option<&[u32]>,
    descending: bool,
    score: fn(f64, f64) -> f64,
) -> Float64Chunked {
    let n = values.len();
    // (group, order key, row) packed into one u128, high to low: sorting the numbers sorts the
    // triples (a third faster than sorting tuples at a million rows).
    let mut keyed: Vec<u128> = Vec::with_capacity(n - values.null_count());
    for (row, value) in values.iter().enumerate() {
        if let Some(value) = value {
            let group = groups.map_or(0, |g| g[row]);
            keyed.push(
                (group as u128) << 96 | (order_key(value, descending) as u128) << 32 | row as u128,
            );
        }
    }
    keyed.sort_unstable();
    let group_of = |k: u128| (k >> 96) as u32;
    let key_of = |k: u128| (k >> 32) as u64;
    let mut out: Vec<Option<f64>> = vec![None; n];
    let mut start = 0;
    while start < keyed.len() {
        let group = group_of(keyed[start]);
        let end = start + keyed[start..].partition_point(|&k| group_of(k) == group);
        let count = (end - start) as f64;
        let mut tie = start;
        while tie < end {
            let key = key_of(keyed[tie]);
            let mut next = tie;
            while next < end && key_of(keyed[next]) == key {
                next += 1;
            }
            let rank = (tie - start + 1) as f64;
            let value = score(rank, count);
            for &k in &keyed[tie..next] {
                out[k as u32 as usize] = Some(value);
            }
            tie = next;
        }
        start = end;
    }
    Float64Chunked::from_iter_options(PlSmallStr::EMPTY, out.into_iter())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::within;

    fn identity(rank: f64, _: f64) -> f64 {
        rank
    }

    fn counted(_: f64, count: f64) -> f64 {
        count
    }

    /// The kernel's ranks and counts against polars' window expressions, bit for bit.
    fn check(values: &[Option<f64>], groups: &[&str], descending: bool) {
        let frame = df!("x" => values, PEER_GROUP_COLUMN => groups).unwrap();
        let options = RankOptions {
            method: RankMethod::Min,
            descending,
        };
        for over in [Within::All, Within::PeerGroup] {
            let out = frame
                .clone()
                .lazy()
                .select([
                    min_rank_score(col("x"), descending, over, identity).alias("rank"),
                    min_rank_score(col("x"), descending, over, counted).alias("count"),
                    within(col("x").rank(options, None), over)
                        .cast(DataType::Float64)
                        .alias("polars_rank"),
                    when(col("x").is_not_null())
                        .then(within(col("x").count(), over).cast(DataType::Float64))
                        .otherwise(crate::normalise::null())
                        .alias("polars_count"),
                ])
                .collect()
                .unwrap();
            let bits = |name: &str| -> Vec<Option<u64>> {
                out.column(name)
                    .unwrap()
                    .f64()
                    .unwrap()
                    .iter()
                    .map(|v| v.map(f64::to_bits))
                    .collect()
            };
            assert_eq!(bits("rank"), bits("polars_rank"), "{values:?} {over:?}");
            assert_eq!(bits("count"), bits("polars_count"), "{values:?} {over:?}");
        }
    }

    #[test]
    fn hand_computed_ranks_and_counts() {
        // [5, 5, 9, missing, 1] ascending: 1 → 1; 5, 5 → 2, 2; 9 → 4; n = 4.
        let frame = df!("x" => [Some(5.0), Some(5.0), Some(9.0), None, Some(1.0)]).unwrap();
        let out = frame
            .lazy()
            .select([
                min_rank_score(col("x"), false, Within::All, identity).alias("r"),
                min_rank_score(col("x"), true, Within::All, identity).alias("d"),
                min_rank_score(col("x"), false, Within::All, counted).alias("n"),
            ])
            .collect()
            .unwrap();
        let get = |name: &str| -> Vec<Option<f64>> {
            out.column(name).unwrap().f64().unwrap().iter().collect()
        };
        assert_eq!(get("r"), [Some(2.0), Some(2.0), Some(4.0), None, Some(1.0)]);
        // Descending: 9 → 1; 5, 5 → 2, 2; 1 → 4.
        assert_eq!(get("d"), [Some(2.0), Some(2.0), Some(1.0), None, Some(4.0)]);
        assert_eq!(get("n"), [Some(4.0), Some(4.0), Some(4.0), None, Some(4.0)]);
    }

    #[test]
    fn equal_to_polars_windows_with_ties_zeros_and_missing() {
        check(
            &[
                Some(3.0),
                Some(-0.0),
                Some(0.0),
                None,
                Some(3.0),
                Some(-2.5),
                Some(f64::INFINITY),
                Some(1e-300),
                Some(-1e-300),
                None,
            ],
            &["a", "b", "a", "a", "b", "b", "a", "a", "b", "b"],
            false,
        );
        check(
            &[Some(1.0), Some(1.0), Some(2.0), None, Some(0.5)],
            &["g", "g", "h", "h", "g"],
            true,
        );
        check(&[None, None], &["a", "b"], false);
        check(&[Some(7.0)], &["a"], true);
    }

    #[test]
    fn equal_to_polars_windows_on_random_data() {
        // SplitMix64: values on a coarse grid (many ties), some missing, five groups.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let names = ["综合", "专科", "中医", "妇幼", "肿瘤"];
        let mut values = Vec::new();
        let mut groups = Vec::new();
        for _ in 0..5_000 {
            let r = next();
            values.push((r % 13 != 0).then(|| ((r >> 8) % 200) as f64 / 4.0 - 20.0));
            groups.push(names[(r >> 40) as usize % names.len()]);
        }
        check(&values, &groups, false);
        check(&values, &groups, true);
    }

    #[test]
    fn a_literal_is_broadcast() {
        let frame = df!(PEER_GROUP_COLUMN => ["a", "a", "b"]).unwrap();
        let out = frame
            .lazy()
            .select([min_rank_score(lit(2.0), false, Within::PeerGroup, counted).alias("n")])
            .collect()
            .unwrap();
        let n: Vec<Option<f64>> = out.column("n").unwrap().f64().unwrap().iter().collect();
        assert_eq!(n, [Some(2.0), Some(2.0), Some(1.0)]);
    }
}
