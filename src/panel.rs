//! A run over several periods: every period of a panel scored in one run, each with the period
//! before it as its previous period, then what only several periods show — each institution's
//! score, rank and grade over the periods, and the most improved (进步较大) by the scheme's
//! `improvement:`.
//!
//! A panel is one file holding several periods: a fill-in form (periods as columns), a long
//! table with a period column, or a table with one row per institution and period (a period
//! column named 期间, 年度, 年份, 时期, 统计期, period or year; see `crate::source::layout`). The
//! file is read once; each period is arranged from it and scored by the pipeline with the same
//! compiled plan. Periods are ordered by year. A period's previous period is the one before it in
//! the file, scored or not: `--periods 2019,2020` of a 2017–2020 form takes 2018 as 2019's
//! previous period. The first period of the file has none: when the formulas read `prev(…)`,
//! its growth indicators are missing (every institution's previous figures are), and its run
//! summary says so.
//!
//! Improvement (`improvement:` in scheme.yaml) is taken for each scored period whose previous
//! period is scored too: the change is `score − previous score` (`by: score`, rounded to the
//! scheme's `score_decimals`) or `previous rank − rank` (`by: rank`: places gained; the
//! peer-group rank when `within: peer_group`), for institutions ranked in both periods (a vetoed,
//! excluded or not-rated institution, or one absent from either period, has none). Changes are
//! ranked within the peer group of the current period (or over all), highest first, ties sharing
//! the lowest rank; the award goes to the first `top` of each group, or to every change of at
//! least `min_change` — in both cases only to a change above zero: an institution that did not
//! improve is never the most improved.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use crate::columns::{
    GRADE_COLUMN, GROUP_RANK_COLUMN, IMPROVEMENT_AWARD_COLUMN, IMPROVEMENT_COLUMN,
    IMPROVEMENT_RANK_COLUMN, PERIOD_COLUMN, RANK_COLUMN, SCORE_COLUMN,
};
use crate::error::{Error, Result};
use crate::pipeline::{self, ScoreOptions, ScoreRun};
use crate::plan::Plan;
use crate::scheme::{ImprovementBy, ImprovementSpec, Within};
use crate::source::layout::{period_key, LayoutOptions};
use crate::source::{DataFile, SourceTable};

/// Which periods of the panel to score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Periods {
    /// Every period the file holds.
    All,
    /// These periods ("2019" or "2019年"), each of which the file must hold.
    Only(Vec<String>),
}

impl Periods {
    /// `--periods`: `all`, or periods separated by commas (`2018,2019,2020`).
    pub fn parse(text: &str) -> Result<Periods> {
        if text.trim() == "all" {
            return Ok(Periods::All);
        }
        let list: Vec<String> = text
            .split([',', '，'])
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if list.is_empty() {
            return Err(Error::Usage {
                message: "--periods names no period: give `all` or periods separated by commas (--periods 2018,2019,2020)".into(),
            });
        }
        Ok(Periods::Only(list))
    }
}

/// One period of a panel run.
pub struct PeriodRun {
    /// The period as the file writes it ("2020年").
    pub label: String,
    /// Its key in the output's `period` column: the year ("2020"), else the label.
    pub period: String,
    /// The previous period's key, when the file holds one.
    pub previous: Option<String>,
    pub run: ScoreRun,
}

/// The result of a run over several periods.
pub struct PanelRun {
    /// The scored periods, in order.
    pub periods: Vec<PeriodRun>,
    /// Every period's output table, one under the other, with the `period` column first and,
    /// when the scheme has `improvement:`, `improvement`, `improvement_rank` and
    /// `improvement_award` after `grade`.
    pub table: DataFrame,
    /// One row per institution of any period (in the last period's rank order, then by id): its
    /// id, name and peer group, then `<period>.score`, `<period>.rank` and `<period>.grade` for
    /// every period, and `<period>.improvement_award` for each period with improvement awards.
    pub trajectory: DataFrame,
    /// The awards, in period order: (period, previous period, institutions awarded as
    /// (peer group, id, name, change)), for the summary.
    pub awards: Vec<Award>,
    /// What the run over several periods did that each period's summary does not say.
    pub notes: Vec<String>,
}

/// The improvement awards of one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Award {
    pub period: String,
    pub previous: String,
    /// (peer group, id, name, change) of each institution awarded, by group then change.
    pub awarded: Vec<(String, String, String, f64)>,
}

/// Scores every selected period of the panel `data` (its layout options name no period).
pub fn score_panel(
    plan: &Plan,
    data: &DataFile,
    periods: &Periods,
    options: ScoreOptions,
) -> Result<PanelRun> {
    if data.layout.period.is_some() {
        return Err(Error::Usage {
            message: "--periods scores every period it names; --period (and --prev-period) name one: give one or the other".into(),
        });
    }
    let needs = pipeline::needs(plan);
    let table = crate::load::read_table(data, &needs)?;
    let Some(labels) = crate::load::periods(&table, &data.layout, &needs)? else {
        return Err(crate::source::data_error(
            &data.path,
            "a run over several periods needs a file holding several: this one has one row per institution and no period column",
            Some("give a fill-in form (periods as columns), a long table with a period column, or a table with a period column (期间, 年度, period…); or score each period with --data and --prev".into()),
        ));
    };
    let selected = select(&data.path, &labels, periods)?;
    let reads_previous = plan
        .references
        .iter()
        .any(|r| r.period == crate::script::Period::Previous);
    let mut runs = Vec::new();
    let mut notes = Vec::new();
    for index in selected {
        let label = &labels[index];
        let at = |label: &str| LayoutOptions {
            period: Some(label.to_string()),
            ..data.layout.clone()
        };
        let current = crate::load::arrange(table.clone(), &at(label), &needs)?;
        let previous_label = index.checked_sub(1).map(|i| labels[i].clone());
        let (previous, first) = match (&previous_label, reads_previous) {
            (_, false) => (None, false),
            (Some(previous), true) => (
                Some(crate::load::arrange(table.clone(), &at(previous), &needs)?),
                false,
            ),
            (None, true) => (Some(without_figures(&current, &needs)?), true),
        };
        let mut loaded = pipeline::prepare_tables_for(plan, current, previous)?;
        if first {
            loaded.previous_file = None;
            loaded.previous_origin = None;
            loaded.summary.missing_in_previous = 0;
            let note = format!(
                "period {label} is the first of {}: no previous period, so the indicators reading prev(…) (growth rates) are missing for every institution",
                data.path.display()
            );
            loaded.summary.notes.push(note.clone());
            notes.push(note);
        }
        let run = pipeline::score_loaded_with(plan, loaded, options)?;
        runs.push(PeriodRun {
            label: label.clone(),
            period: key(label),
            previous: previous_label.as_deref().map(key),
            run,
        });
    }
    let improvement = plan.scheme.spec.improvement.as_ref();
    let mut tables = Vec::new();
    let mut awards = Vec::new();
    for (i, period) in runs.iter().enumerate() {
        let previous = i
            .checked_sub(1)
            .map(|j| &runs[j])
            .filter(|p| Some(&p.period) == period.previous.as_ref());
        let mut table = period.run.table.clone();
        table.insert_column(
            0,
            Column::new(
                PERIOD_COLUMN.into(),
                vec![period.period.as_str(); table.height()],
            ),
        )?;
        if let Some(spec) = improvement {
            let changes = match previous {
                Some(previous) => {
                    Some(changes(plan, spec, &period.run.table, &previous.run.table)?)
                }
                None => None,
            };
            if let (Some(changes), Some(previous)) = (&changes, previous) {
                awards.push(Award {
                    period: period.period.clone(),
                    previous: previous.period.clone(),
                    awarded: changes.awarded(plan, &period.run.table)?,
                });
            } else if period.previous.is_some() {
                notes.push(format!(
                    "improvement: period {} has no scored previous period in this run, so no change is ranked for it",
                    period.period
                ));
            }
            table = with_improvement(table, spec, changes.as_ref())?;
        }
        tables.push(table);
    }
    let table = stack(tables)?;
    let awarded: BTreeSet<&str> = awards.iter().map(|a| a.period.as_str()).collect();
    let trajectory = trajectory(plan, &runs, &table, &awarded)?;
    Ok(PanelRun {
        periods: runs,
        table,
        trajectory,
        awards,
        notes,
    })
}

/// The output's key of a period label: its year, else the label.
fn key(label: &str) -> String {
    period_key(label).unwrap_or_else(|| label.to_string())
}

/// The indices into `labels` of the periods to score, in order.
fn select(file: &std::path::Path, labels: &[String], periods: &Periods) -> Result<Vec<usize>> {
    match periods {
        Periods::All => {
            if labels.is_empty() {
                return Err(crate::source::data_error(
                    file,
                    "the file holds no period",
                    None,
                ));
            }
            Ok((0..labels.len()).collect())
        }
        Periods::Only(wanted) => {
            let mut chosen = BTreeSet::new();
            for period in wanted {
                let wanted_key = key(period);
                let found = labels
                    .iter()
                    .position(|l| l == period || key(l) == wanted_key)
                    .ok_or_else(|| {
                        crate::source::data_error(
                            file,
                            &format!("the file has no period {period}"),
                            Some(format!("its periods are {}", labels.join(", "))),
                        )
                    })?;
                chosen.insert(found);
            }
            Ok(chosen.into_iter().collect())
        }
    }
}

/// The previous period of the first period of a panel: its institutions with no figures, so
/// that every `prev(…)` is missing (and nothing is guessed).
fn without_figures(current: &SourceTable, needs: &crate::load::DataNeeds) -> Result<SourceTable> {
    let kept: BTreeSet<&str> = std::iter::once(needs.id_column)
        .chain(
            needs
                .aliases
                .get(needs.id_column)
                .into_iter()
                .flatten()
                .map(String::as_str),
        )
        .collect();
    let frame = &current.frame;
    let columns: Vec<Column> = frame
        .columns()
        .iter()
        .map(|c| {
            if kept.contains(c.name().as_str()) {
                c.clone()
            } else {
                Column::full_null(c.name().clone(), frame.height(), c.dtype())
            }
        })
        .collect();
    Ok(SourceTable {
        frame: DataFrame::new(frame.height(), columns)?,
        origin: current.origin.clone(),
    })
}

/// The output column holding the peer group, if the scheme has one.
fn group_column(plan: &Plan) -> Option<&str> {
    let spec = &plan.scheme.spec;
    spec.columns
        .peer_group
        .as_deref()
        .or(spec.peer_groups.as_ref().map(|g| g.formula.as_str()))
}

fn texts(table: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let column = table.column(name)?.cast(&DataType::String)?;
    Ok(column
        .str()?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

fn numbers(table: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let column = table.column(name)?.cast(&DataType::Float64)?;
    Ok(column.f64()?.iter().collect())
}

/// Each row's change, its rank within its group and whether it is awarded, in the row order of
/// the current period's table.
struct Changes {
    change: Vec<Option<f64>>,
    rank: Vec<Option<u32>>,
    awarded: Vec<bool>,
}

impl Changes {
    /// The awarded rows as (group, id, name, change), by group, then change (highest first),
    /// then id.
    fn awarded(
        &self,
        plan: &Plan,
        table: &DataFrame,
    ) -> Result<Vec<(String, String, String, f64)>> {
        let columns = &plan.scheme.spec.columns;
        let ids = texts(table, &columns.id)?;
        let names = match &columns.name {
            Some(name) => texts(table, name)?,
            None => vec![None; table.height()],
        };
        let groups = groups_of(plan, table)?;
        let mut out: Vec<(String, String, String, f64)> = (0..table.height())
            .filter(|i| self.awarded[*i])
            .map(|i| {
                (
                    groups[i].clone(),
                    ids[i].clone().unwrap_or_default(),
                    names[i].clone().unwrap_or_default(),
                    self.change[i].unwrap_or_default(),
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0).then(b.3.total_cmp(&a.3)).then(a.1.cmp(&b.1)));
        Ok(out)
    }
}

/// Each row's peer group as the output shows it (one group when the scheme has none).
fn groups_of(plan: &Plan, table: &DataFrame) -> Result<Vec<String>> {
    Ok(match group_column(plan) {
        Some(name) => texts(table, name)?
            .into_iter()
            .map(|g| g.unwrap_or_else(|| crate::columns::UNGROUPED.to_string()))
            .collect(),
        None => vec![String::new(); table.height()],
    })
}

/// The changes of `current` against `previous` (two periods' output tables), ranked and awarded.
fn changes(
    plan: &Plan,
    spec: &ImprovementSpec,
    current: &DataFrame,
    previous: &DataFrame,
) -> Result<Changes> {
    let id = plan.scheme.spec.columns.id.as_str();
    let within_groups = spec.within == Within::PeerGroup;
    let measure = |table: &DataFrame| -> Result<Vec<Option<f64>>> {
        let ranked = numbers(table, RANK_COLUMN)?;
        let value = match spec.by {
            ImprovementBy::Score => numbers(table, SCORE_COLUMN)?,
            ImprovementBy::Rank if within_groups => numbers(table, GROUP_RANK_COLUMN)?,
            ImprovementBy::Rank => ranked.clone(),
        };
        // Only institutions ranked in the period have a change.
        Ok(value
            .into_iter()
            .zip(ranked)
            .map(|(v, r)| r.and(v))
            .collect())
    };
    let before: BTreeMap<String, Option<f64>> = texts(previous, id)?
        .into_iter()
        .map(|i| i.unwrap_or_default())
        .zip(measure(previous)?)
        .collect();
    let now = measure(current)?;
    let ids = texts(current, id)?;
    let scale = 10f64.powi(plan.scheme.spec.score_decimals as i32);
    let change: Vec<Option<f64>> = ids
        .iter()
        .zip(&now)
        .map(|(id, now)| {
            let before = before
                .get(id.as_deref().unwrap_or_default())
                .copied()
                .flatten();
            match (spec.by, *now, before) {
                (ImprovementBy::Score, Some(now), Some(before)) => {
                    Some(((now - before) * scale).round() / scale)
                }
                (ImprovementBy::Rank, Some(now), Some(before)) => Some(before - now),
                _ => None,
            }
        })
        .collect();
    let groups = if within_groups {
        groups_of(plan, current)?
    } else {
        vec![String::new(); current.height()]
    };
    // Rank within each group, highest change first; ties share the lowest rank (sorted once per
    // group, not compared pairwise, so a large run stays linear-logarithmic).
    let mut by_group: BTreeMap<&str, Vec<(f64, usize)>> = BTreeMap::new();
    for (i, c) in change.iter().enumerate() {
        if let Some(c) = c {
            by_group
                .entry(groups[i].as_str())
                .or_default()
                .push((*c, i));
        }
    }
    let mut rank: Vec<Option<u32>> = vec![None; current.height()];
    for members in by_group.values_mut() {
        members.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut shared = 1;
        for (position, (c, i)) in members.iter().enumerate() {
            if position > 0 && *c != members[position - 1].0 {
                shared = position as u32 + 1;
            }
            rank[*i] = Some(shared);
        }
    }
    let awarded: Vec<bool> = (0..current.height())
        .map(|i| match (change[i], rank[i]) {
            (Some(c), Some(r)) if c > 0.0 => match (spec.top, spec.min_change) {
                (Some(top), _) => r <= top,
                (None, Some(min)) => c >= min,
                (None, None) => false,
            },
            _ => false,
        })
        .collect();
    Ok(Changes {
        change,
        rank,
        awarded,
    })
}

/// `table` with the improvement columns after `grade` (all missing without `changes`).
fn with_improvement(
    table: DataFrame,
    spec: &ImprovementSpec,
    changes: Option<&Changes>,
) -> Result<DataFrame> {
    let height = table.height();
    let change: Vec<Option<f64>> = changes.map_or(vec![None; height], |c| c.change.clone());
    let rank: Vec<Option<u32>> = changes.map_or(vec![None; height], |c| c.rank.clone());
    let award: Vec<Option<&str>> = changes.map_or(vec![None; height], |c| {
        c.awarded
            .iter()
            .map(|a| a.then_some(spec.label.as_str()))
            .collect()
    });
    let at = table
        .get_column_index(GRADE_COLUMN)
        .ok_or_else(|| Error::internal("the output table has no grade column"))?
        + 1;
    let mut table = table;
    table.insert_column(at, Column::new(IMPROVEMENT_COLUMN.into(), change))?;
    table.insert_column(at + 1, Column::new(IMPROVEMENT_RANK_COLUMN.into(), rank))?;
    table.insert_column(at + 2, Column::new(IMPROVEMENT_AWARD_COLUMN.into(), award))?;
    Ok(table)
}

/// The periods' tables one under the other. A column the first table lacks (or types as
/// missing only) takes its place and type from the first table that has it.
fn stack(tables: Vec<DataFrame>) -> Result<DataFrame> {
    let mut schema: Vec<(PlSmallStr, DataType)> = Vec::new();
    for table in &tables {
        for column in table.columns() {
            match schema
                .iter_mut()
                .find(|(name, _)| name.as_str() == column.name().as_str())
            {
                Some((_, dtype)) if *dtype == DataType::Null => *dtype = column.dtype().clone(),
                Some(_) => {}
                None => schema.push((column.name().clone(), column.dtype().clone())),
            }
        }
    }
    let mut stacked: Option<DataFrame> = None;
    for table in tables {
        let height = table.height();
        let columns: Vec<Column> = schema
            .iter()
            .map(|(name, dtype)| match table.column(name) {
                Ok(column) => column.cast(dtype),
                Err(_) => Ok(Column::full_null(name.clone(), height, dtype)),
            })
            .collect::<PolarsResult<_>>()?;
        let table = DataFrame::new(height, columns)?;
        stacked = Some(match stacked {
            Some(mut all) => {
                all.vstack_mut(&table)?;
                all
            }
            None => table,
        });
    }
    let mut stacked = stacked.ok_or_else(|| Error::internal("no period scored"))?;
    stacked.rechunk_mut();
    Ok(stacked)
}

/// One row per institution: its score, rank and grade in every period (see [`PanelRun`]).
fn trajectory(
    plan: &Plan,
    runs: &[PeriodRun],
    stacked: &DataFrame,
    awarded: &BTreeSet<&str>,
) -> Result<DataFrame> {
    let columns = &plan.scheme.spec.columns;
    let id = columns.id.as_str();
    let mut fixed: Vec<&str> = vec![id];
    fixed.extend(columns.name.as_deref());
    fixed.extend(group_column(plan));
    fixed.dedup();
    // Each institution's id, name and group from the latest period holding it.
    let mut rows: BTreeMap<String, Vec<Option<String>>> = BTreeMap::new();
    for run in runs {
        let ids = texts(&run.run.table, id)?;
        let cells: Vec<Vec<Option<String>>> = fixed
            .iter()
            .map(|c| texts(&run.run.table, c))
            .collect::<Result<_>>()?;
        for (row, institution) in ids.iter().enumerate() {
            let institution = institution.clone().unwrap_or_default();
            rows.insert(institution, cells.iter().map(|c| c[row].clone()).collect());
        }
    }
    // Order: the last period's rank (unranked and absent last), then id.
    let last = &runs
        .last()
        .ok_or_else(|| Error::internal("no period"))?
        .run
        .table;
    let last_rank: BTreeMap<String, f64> = texts(last, id)?
        .into_iter()
        .zip(numbers(last, RANK_COLUMN)?)
        .filter_map(|(i, r)| Some((i?, r?)))
        .collect();
    let mut order: Vec<&String> = rows.keys().collect();
    order.sort_by(|a, b| {
        let ra = last_rank.get(*a).copied().unwrap_or(f64::INFINITY);
        let rb = last_rank.get(*b).copied().unwrap_or(f64::INFINITY);
        ra.total_cmp(&rb).then(a.cmp(b))
    });
    let mut out: Vec<Column> = fixed
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let values: Vec<Option<&str>> = order.iter().map(|i| rows[*i][k].as_deref()).collect();
            Column::new((*name).into(), values)
        })
        .collect();
    let periods = texts(stacked, PERIOD_COLUMN)?;
    let stacked_ids = texts(stacked, id)?;
    for run in runs {
        let mut per = vec![SCORE_COLUMN, RANK_COLUMN, GRADE_COLUMN];
        if awarded.contains(run.period.as_str()) {
            per.push(IMPROVEMENT_AWARD_COLUMN);
        }
        for what in &per {
            let source = stacked.column(what)?;
            let mut at: BTreeMap<&str, usize> = BTreeMap::new();
            for (row, (p, i)) in periods.iter().zip(&stacked_ids).enumerate() {
                if p.as_deref() == Some(run.period.as_str()) {
                    if let Some(i) = i {
                        at.insert(i.as_str(), row);
                    }
                }
            }
            let indices: Vec<Option<IdxSize>> = order
                .iter()
                .map(|i| at.get(i.as_str()).map(|r| *r as IdxSize))
                .collect();
            let take = IdxCa::from_iter_options("take".into(), indices.into_iter());
            let name = format!("{}.{what}", run.period);
            let values = source
                .as_materialized_series()
                .take(&take)?
                .with_name(name.as_str().into());
            out.push(values.into_column());
        }
    }
    Ok(DataFrame::new(order.len(), out)?)
}
