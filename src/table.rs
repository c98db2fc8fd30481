//! Stage 8b, the output table: one row per input institution, in rank order (unranked last,
//! then by id), with its flags and the chosen columns, in this order:
//!
//! | column | content |
//! |---|---|
//! | `rank`, `group_rank` | rank overall and within the peer group (empty when not ranked) |
//! | the id column, the name and peer-group columns | as named in the data |
//! | `score`, `grade`, `flags` | final score, grade, and `; `-separated reasons (veto, missing data, bonus…) |
//! | `weighted`, `bonus`, `deduction` | only when the scheme has bonus or deduction rules (`weighted` also with contributions) |
//! | work points, `<item>.coefficient`, `<item>.corrected_points`, `<item>.money`, `money` | only with a point-based assessment (`points:`) |
//! | `<dimension>.score`, `<sub-dimension>.score` | weighted scores of the tree's inner nodes |
//! | `<node>.points` | with `score --contributions`, beside each weighted node's score: its points of `weighted` (see `crate::contribution`) |
//! | `<indicator>`, `<indicator>.treated`, `<indicator>.display`, `<indicator>.score` | each indicator's value, the value scored after outlier treatment and imputation (only with `treat:` or `missing:` median/mean), its ratio text ("1:X", when the scheme asks) and score (monitor indicators: value only) |
//! | `<indicator>.score`, then its parts' columns | an indicator made of parts: the weighted mean of its parts' scores |
//!
//! Floats are kept at full precision (the score is already rounded to `score_decimals`): Parquet
//! and JSON carry them as computed, and CSV rounds them when it writes (see
//! `crate::report::CSV_DECIMALS`).

use polars::prelude::*;

use crate::columns::{
    bonus_column, coefficient_column, corrected_column, deduction_column, display_column_name,
    money_column, points_column, score_column, treated_column, veto_column, BONUS_COLUMN,
    COVERAGE_COLUMN, DATA_FLAGS_COLUMN, DEDUCTION_COLUMN, FLAGS_COLUMN, GRADE_COLUMN,
    GROUP_RANK_COLUMN, MONEY_COLUMN, RANK_COLUMN, SCORE_COLUMN, WEIGHTED_COLUMN,
};
use crate::error::Result;
use crate::message::{flags_line, Flag, MissingIndicator};
use crate::plan::Plan;
use crate::scheme::RatioDisplay;
use crate::summary::top_level_of;
use crate::weight::NodeKind;

/// Builds the published table from the fully scored frame: rank order, flags, chosen columns.
pub fn output_table(plan: &Plan, scored: DataFrame) -> Result<DataFrame> {
    Ok(output_table_with_flags(plan, scored)?.0)
}

/// [`output_table`] and each of its rows' flags as values, in the table's order (the `flags`
/// column is their English text), for reports that word them in another language.
pub fn output_table_with_flags(
    plan: &Plan,
    scored: DataFrame,
) -> Result<(DataFrame, Vec<Vec<Flag>>)> {
    let spec = &plan.scheme.spec;
    let id_column = spec.columns.id.as_str();
    // The published columns are chosen first and only they are sorted: the scored frame holds
    // every stage's columns (hundreds with contributions), and ids are unique, so sorting after
    // the selection gives the same rows in the same order.
    let mut row_flags = row_flags(plan, &scored)?;
    // Each row's text goes straight into the column: a million `String`s are not held at once.
    let flags: StringChunked = row_flags.iter().map(|f| Some(flags_line(f))).collect();
    let flags = flags.with_name(FLAGS_COLUMN.into()).into_series();
    // What building the flags used and freed goes back before the table is made beside them.
    crate::memory::release(flags.len());
    // Floats stay whole here; CSV rounds them as it writes.
    let float = |name: &str| col(name);

    let mut columns = vec![col(RANK_COLUMN), col(GROUP_RANK_COLUMN), col(id_column)];
    for extra in [&spec.columns.name, &spec.columns.peer_group]
        .into_iter()
        .flatten()
    {
        if extra != id_column {
            columns.push(col(extra.as_str()));
        }
    }
    if let Some(groups) = &spec.peer_groups {
        columns.push(
            col(crate::columns::PEER_GROUP_COLUMN)
                .cast(DataType::String)
                .alias(groups.formula.as_str()),
        );
    }
    columns.extend([
        col(SCORE_COLUMN),
        col(GRADE_COLUMN),
        lit(flags).alias(FLAGS_COLUMN),
    ]);
    // `<id>.points` beside each score when contributions were computed (`score --contributions`);
    // they add up to `weighted`, shown then even without bonus or deduction rules.
    let contributions = plan
        .weights
        .dimensions
        .first()
        .is_some_and(|d| scored.schema().contains(&points_column(&d.id)));
    let has_points = !plan.adjustments.bonus.is_empty() || !plan.adjustments.deduction.is_empty();
    if has_points || contributions {
        columns.push(float(WEIGHTED_COLUMN));
    }
    if has_points {
        columns.extend([float(BONUS_COLUMN), float(DEDUCTION_COLUMN)]);
    }
    if let Some(points) = &spec.points {
        let mut work_columns: Vec<&str> = Vec::new();
        for item in &points.items {
            let column = crate::points::work_points_column(points, item);
            if !work_columns.contains(&column) {
                work_columns.push(column);
                columns.push(col(column));
            }
        }
        for item in &points.items {
            columns.extend([
                col(coefficient_column(&item.id)),
                float(&corrected_column(&item.id)),
                float(&money_column(&item.id)),
            ]);
        }
        columns.push(float(MONEY_COLUMN));
    }
    let score_and_points = |id: &str, columns: &mut Vec<Expr>| {
        columns.push(float(&score_column(id)));
        if contributions {
            columns.push(float(&points_column(id)));
        }
    };
    for dimension in &plan.weights.dimensions {
        score_and_points(&dimension.id, &mut columns);
        for child in &dimension.children {
            if child.kind == NodeKind::Subdimension {
                score_and_points(&child.id, &mut columns);
            }
        }
    }
    for indicator in plan.scheme.all_indicators() {
        let id = indicator.id.as_str();
        if indicator.is_composite() {
            if plan.weights.contains(id) {
                score_and_points(id, &mut columns);
            }
            continue;
        }
        columns.push(float(id));
        // The levels behind a growth rate (增幅), beside it.
        if let Some(planned) = plan.indicators.iter().find(|i| i.spec.id == id) {
            let levels = crate::indicators::level_columns(planned);
            columns.extend(levels.iter().map(|c| float(c)));
        }
        if plan
            .indicators
            .iter()
            .any(|i| i.spec.id == id && crate::indicators::has_treated_column(i))
        {
            columns.push(float(&treated_column(id)));
        }
        if let Some(display) = indicator.display {
            columns.push(lit(display_column(&scored, id, display)?));
        }
        if plan
            .indicators
            .iter()
            .any(|i| i.spec.id == id && i.score.is_some())
        {
            match plan.weights.contains(id) {
                true => score_and_points(id, &mut columns),
                false => columns.push(float(&score_column(id))),
            }
        }
    }
    let selected = scored.lazy().select(columns).collect()?;
    // The scored frame's other columns (rules, coverage, scratch) are free now: their pages go
    // back before the rows are reordered.
    crate::memory::release(selected.height());
    let (table, order) = in_rank_order(selected, id_column)?;
    // The flags follow their rows into rank order.
    let flags = order
        .iter()
        .map(|row| std::mem::take(&mut row_flags[row.unwrap_or_default() as usize]))
        .collect();
    Ok((table, flags))
}

/// `table`'s rows in rank order (unranked last, ties and unranked by id), reordered in place
/// where it can be (`crate::reorder`), and the order (each output row's input row): a national
/// run holds the table about once, not twice as a whole-frame sort would. The order is counted
/// when the rows are in id order, else sorted; ids are unique, so either way it is total and
/// the same.
fn in_rank_order(table: DataFrame, id_column: &str) -> Result<(DataFrame, IdxCa)> {
    let order = match rank_order_of_id_ordered(&table, id_column)? {
        Some(order) => order,
        None => {
            let order = table
                .select([RANK_COLUMN, id_column])?
                .with_row_index("__row".into(), None)?
                .sort(
                    [RANK_COLUMN, id_column],
                    SortMultipleOptions::default()
                        .with_nulls_last(true)
                        .with_maintain_order(true),
                )?;
            order.column("__row")?.idx()?.clone()
        }
    };
    Ok((crate::reorder::gathered(table, &order)?, order))
}

/// The rank order by counting, when the rows are in id order (as loading leaves them) and ranks
/// are whole numbers: ranks 1, 2, … in turn, each rank's rows (ties) in row order — id order —
/// then the unranked in row order. The same order as sorting by rank then id, in one pass and
/// without sorting the ids' text again. None when the rows are not in id order.
fn rank_order_of_id_ordered(table: &DataFrame, id_column: &str) -> Result<Option<IdxCa>> {
    let Ok(ranks) = table.column(RANK_COLUMN)?.u32() else {
        return Ok(None);
    };
    if !crate::reorder::in_text_order(table.column(id_column)?) {
        return Ok(None);
    }
    let top = ranks.max().unwrap_or(0) as usize;
    // starts[r]: where rank r's rows begin; the unranked (slot 0) go after every rank.
    let mut starts = vec![0 as IdxSize; top + 2];
    for rank in ranks.iter() {
        starts[rank.map_or(0, |r| r as usize)] += 1;
    }
    let mut next = 0 as IdxSize;
    for slot in starts.iter_mut().skip(1) {
        let count = *slot;
        *slot = next;
        next += count;
    }
    starts[0] = next;
    let mut order = vec![0 as IdxSize; ranks.len()];
    for (row, rank) in ranks.iter().enumerate() {
        let slot = &mut starts[rank.map_or(0, |r| r as usize)];
        order[*slot as usize] = row as IdxSize;
        *slot += 1;
    }
    Ok(Some(IdxCa::from_vec("__row".into(), order)))
}

/// The `{id}.display` column: the value as "1:1.52" / "12.30:1", empty where missing.
fn display_column(frame: &DataFrame, id: &str, display: RatioDisplay) -> Result<Series> {
    let shown: StringChunked = frame
        .column(id)?
        .f64()?
        .iter()
        .map(|v| v.map(|x| display.show(x)))
        .collect();
    Ok(shown
        .with_name(display_column_name(id).into())
        .into_series())
}

/// The flags of every row, as values (vetoes, exclusion, missing and imputed indicators, bonus
/// and deduction reasons), in the scored frame's order.
fn row_flags(plan: &Plan, frame: &DataFrame) -> Result<Vec<Vec<Flag>>> {
    let height = frame.height();
    let mut flags: Vec<Vec<Flag>> = vec![Vec::new(); height];
    // Problems of the institution's own data first (see `crate::validate`).
    if let Ok(data_flags) = frame.column(DATA_FLAGS_COLUMN) {
        for (row, json) in data_flags.str()?.iter().enumerate() {
            if let Some(json) = json {
                let parsed: Vec<Flag> = serde_json::from_str(json).map_err(|e| {
                    crate::error::Error::internal(format!("data flags of row {row}: {e}"))
                })?;
                flags[row].extend(parsed);
            }
        }
    }
    let bools = |name: &str| -> Result<Vec<bool>> {
        Ok(frame
            .column(name)?
            .bool()?
            .iter()
            .map(|b| b.unwrap_or(false))
            .collect())
    };
    let floats = |name: &str| -> Result<Vec<Option<f64>>> {
        Ok(frame.column(name)?.f64()?.iter().collect())
    };

    for (i, reason) in plan.veto_reasons.iter().enumerate() {
        for (row, hit) in bools(&veto_column(i))?.into_iter().enumerate() {
            if hit {
                flags[row].push(Flag::Veto {
                    reason: reason.clone(),
                });
            }
        }
    }
    if let Some(eligible) = &plan.scheme.spec.eligible {
        for (row, hit) in bools(crate::columns::NOT_RATED_COLUMN)?
            .into_iter()
            .enumerate()
        {
            if hit {
                flags[row].push(Flag::NotRated {
                    reason: eligible.reason.clone(),
                });
            }
        }
    }
    for (i, a) in plan.scheme.spec.grade_adjustments.iter().enumerate() {
        let (up, bands) = match (a.down, a.up) {
            (Some(k), _) => (false, k),
            (_, k) => (true, k.unwrap_or(0)),
        };
        let moved = bools(&crate::grade::adjust::moved_column(i))?;
        let bounded = bools(&crate::grade::adjust::bounded_column(i))?;
        for row in 0..height {
            if moved[row] {
                flags[row].push(Flag::GradeMoved {
                    up,
                    bands,
                    reason: a.reason.clone(),
                });
            } else if bounded[row] {
                flags[row].push(Flag::GradeHeld {
                    up,
                    reason: a.reason.clone(),
                });
            }
        }
    }
    let weighted = floats(WEIGHTED_COLUMN)?;
    let coverage = floats(COVERAGE_COLUMN)?;
    let min_coverage = plan.adjustments.min_coverage;
    for row in 0..height {
        match (weighted[row], coverage[row]) {
            (None, _) => flags[row].push(Flag::Unscored),
            (Some(_), Some(c)) if c < min_coverage => flags[row].push(Flag::Excluded {
                coverage: c,
                minimum: min_coverage,
            }),
            _ => {}
        }
    }
    if let Some(group_column) = &plan.scheme.spec.columns.peer_group {
        for (row, group) in frame
            .column(group_column)?
            .as_materialized_series()
            .iter()
            .enumerate()
        {
            if group.is_null() {
                flags[row].push(Flag::NoPeerGroup);
            }
        }
    }
    let weighted_ids: Vec<String> = plan
        .weights
        .effective_weights()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    // Missing weighted values, folded per top-level indicator: "T38" or "T10 (27 of 30 parts)".
    let top = top_level_of(plan);
    let mut by_top: Vec<(&str, Vec<&str>)> = Vec::new();
    for id in &weighted_ids {
        let parent = top.get(id.as_str()).copied().unwrap_or(id);
        match by_top.last_mut() {
            Some((t, ids)) if *t == parent => ids.push(id),
            _ => by_top.push((parent, vec![id])),
        }
    }
    let mut missing: Vec<Vec<MissingIndicator>> = vec![Vec::new(); height];
    for (parent, ids) in &by_top {
        let mut count = vec![0usize; height];
        for id in ids {
            for (row, value) in frame.column(&score_column(id))?.f64()?.iter().enumerate() {
                if value.is_none() {
                    count[row] += 1;
                }
            }
        }
        let is_bundle = ids.len() > 1 || ids[0] != *parent;
        for (row, n) in count.into_iter().enumerate() {
            let parts = match n {
                0 => continue,
                n if is_bundle && n < ids.len() => Some((n, ids.len())),
                _ => None,
            };
            missing[row].push(MissingIndicator {
                id: parent.to_string(),
                parts,
            });
        }
    }
    for (row, indicators) in missing.into_iter().enumerate() {
        if !indicators.is_empty() && weighted[row].is_some() {
            flags[row].push(Flag::Missing { indicators });
        }
    }
    // Scores given to missing values by an indicator's `missing:` (median, mean, zero).
    let mut imputed: Vec<Vec<String>> = vec![Vec::new(); height];
    for indicator in &plan.indicators {
        let id = indicator.spec.id.as_str();
        if indicator.impute == crate::scheme::Impute::Renormalise || indicator.score.is_none() {
            continue;
        }
        let values = frame.column(id)?.f64()?.clone();
        let scores = frame.column(&score_column(id))?.f64()?.clone();
        for (row, (value, score)) in values.iter().zip(scores.iter()).enumerate() {
            if value.is_none() && score.is_some() {
                imputed[row].push(id.to_string());
            }
        }
    }
    for (row, indicators) in imputed.into_iter().enumerate() {
        if !indicators.is_empty() {
            flags[row].push(Flag::Imputed { indicators });
        }
    }
    let points = |reasons: &[String],
                  column: fn(usize) -> String,
                  bonus: bool,
                  flags: &mut Vec<Vec<Flag>>|
     -> Result<()> {
        for (i, reason) in reasons.iter().enumerate() {
            for (row, value) in floats(&column(i))?.into_iter().enumerate() {
                if let Some(points) = value.filter(|v| *v > 0.0) {
                    let reason = reason.clone();
                    flags[row].push(match bonus {
                        true => Flag::Bonus { reason, points },
                        false => Flag::Deduction { reason, points },
                    });
                }
            }
        }
        Ok(())
    };
    points(&plan.bonus_reasons, bonus_column, true, &mut flags)?;
    points(&plan.deduction_reasons, deduction_column, false, &mut flags)?;
    if let Some(points) = &plan.scheme.spec.points {
        let mut flagged = Vec::new();
        for item in &points.items {
            let column = crate::points::work_points_column(points, item);
            if flagged.contains(&column) {
                continue;
            }
            flagged.push(column);
            let values = frame.column(column)?.cast(&DataType::Float64)?;
            for (row, value) in values.f64()?.iter().enumerate() {
                let column = column.to_string();
                match value {
                    None => flags[row].push(Flag::NoWorkPoints { column }),
                    Some(v) if v < 0.0 => flags[row].push(Flag::NegativeWorkPoints { column }),
                    _ => {}
                }
            }
        }
    }
    Ok(flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(ids: &[&str], ranks: &[Option<u32>]) -> DataFrame {
        DataFrame::new(
            ids.len(),
            vec![
                Column::new(RANK_COLUMN.into(), ranks.to_vec()),
                Column::new("id".into(), ids.to_vec()),
            ],
        )
        .unwrap()
    }

    fn ids(table: &DataFrame) -> Vec<&str> {
        table
            .column("id")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect()
    }

    /// Ties and unranked rows in id order, counted as a sort by rank then id gives them; rows
    /// out of id order are left to the sort.
    #[test]
    fn rank_order_by_counting_is_the_sorted_order() {
        let ranked = frame(
            &["a1", "a2", "b1", "b2", "c", "d"],
            &[Some(3), None, Some(1), Some(3), None, Some(2)],
        );
        let counted = rank_order_of_id_ordered(&ranked, "id").unwrap().unwrap();
        let counted: Vec<IdxSize> = counted.into_no_null_iter().collect();
        // Rank 1 (b1), 2 (d), the tie at 3 by id (a1, b2), then unranked by id (a2, c).
        assert_eq!(counted, [2, 5, 0, 3, 1, 4]);
        let (table, order) = in_rank_order(ranked, "id").unwrap();
        assert_eq!(order.into_no_null_iter().collect::<Vec<_>>(), counted);
        assert_eq!(ids(&table), ["b1", "d", "a1", "b2", "a2", "c"]);

        let shuffled = frame(&["b", "a", "c"], &[Some(1), Some(1), None]);
        assert!(rank_order_of_id_ordered(&shuffled, "id").unwrap().is_none());
        let (table, _) = in_rank_order(shuffled, "id").unwrap();
        assert_eq!(ids(&table), ["a", "b", "c"]);
    }
}
