//! Explain one institution (`jixiao explain`): why its total is what it is, from a scored run.
//!
//! An [`Explanation`] is computed from a [`ScoreRun`] that kept its scored frame
//! (`crate::pipeline::ScoreOptions::EXPLAIN`): nothing is scored again, and the contributions are
//! computed for the explained institutions only (all of them when the run computed them). It holds the
//! total and how it was formed (weighted + bonus − deduction), the ranks, the grade and the
//! distance to the next better grade, and the weight tree down to each indicator with the
//! institution's value, its peer group's median and best, its score, its **own** effective weight
//! (after missing-data renormalisation), its contribution in points, and the points it lost
//! against full marks and against the peer group's best score. The numbers add up:
//!
//! * the indicators' points, and each level's, sum to `weighted` (see `crate::contribution`);
//! * points lost against full marks are `own weight × 100 − points`, so they sum to
//!   `100 − weighted`; against the best, `own weight × best score − points`; an inner node's
//!   figures are the sums of its children's;
//! * a strength or weakness is `own weight × (score − peer-group median score)`, the points the
//!   indicator gains or loses against a median institution of the peer group.
//!
//! The peer group's median and best are over the institutions of the group with a score for the
//! indicator (the median of an even count is the mean of the two middle values; the best value is
//! that of the best-scoring institution, the first by id on a tie). Rendering is in
//! `crate::report::explain`.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Serialize;

use crate::columns::{
    bonus_column, deduction_column, effective_weight_column, points_column, score_column,
    veto_column, BONUS_COLUMN, COVERAGE_COLUMN, DEDUCTION_COLUMN, GRADE_COLUMN, GROUP_RANK_COLUMN,
    PEER_GROUP_COLUMN, RANK_COLUMN, SCORE_COLUMN, UNGROUPED, VETOED_COLUMN, WEIGHTED_COLUMN,
};
use crate::error::{Error, Result};
use crate::pipeline::ScoreRun;
use crate::plan::Plan;
use crate::scheme::{GradeBy, Impute, MissingPolicy, Within};
use crate::weight::{NodeKind, WeightNode};

/// Which institutions to explain.
#[derive(Debug, Clone)]
pub enum Selection {
    /// By institution id, in the order given.
    Ids(Vec<String>),
    /// Every institution holding this overall rank (several on a tie).
    Rank(u32),
}

/// Everything `jixiao explain` shows of one institution.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub id: String,
    pub name: Option<String>,
    pub peer_group: String,
    /// Institutions in the peer group, and ranked institutions overall.
    pub group_size: usize,
    pub ranked: usize,
    pub score: Option<f64>,
    pub weighted: Option<f64>,
    pub bonus: f64,
    pub deduction: f64,
    /// Share of the written weight with data (0–1).
    pub coverage: Option<f64>,
    pub rank: Option<f64>,
    pub group_rank: Option<f64>,
    pub grade: Option<String>,
    pub next_grade: Option<GradeDistance>,
    /// The weight tree, depth-first: each dimension, then its descendants.
    pub nodes: Vec<NodeExplanation>,
    pub missing: Vec<MissingIndicator>,
    pub rules: Vec<FiredRule>,
    /// Indicators gaining most against the peer-group median, largest first.
    pub strengths: Vec<Versus>,
    /// Indicators losing most against the peer-group median, largest loss first.
    pub weaknesses: Vec<Versus>,
}

/// How far the next better grade is.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum GradeDistance {
    /// `by: score`: points of the published score to gain.
    Points { grade: String, points: f64 },
    /// `by: rank_share`: places to climb to the last place holding the better grade.
    Places { grade: String, places: f64 },
    /// Already in the best band.
    Best,
    /// The boundary moves with the data (mean_sd, kmeans, rsr_probit) or the institution is
    /// vetoed or unscored: the reason.
    None { reason: String },
}

/// One node of the weight tree for one institution.
#[derive(Debug, Clone, Serialize)]
pub struct NodeExplanation {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    /// 0 for a dimension.
    pub depth: usize,
    pub unit: Option<String>,
    pub value: Option<f64>,
    pub group_median_value: Option<f64>,
    pub group_best_value: Option<f64>,
    pub score: Option<f64>,
    pub group_median_score: Option<f64>,
    pub group_best_score: Option<f64>,
    /// The weight as written (no data missing), and the institution's own after renormalisation.
    pub written_weight: f64,
    pub own_weight: f64,
    pub points: f64,
    pub lost_vs_full: f64,
    pub lost_vs_best: f64,
}

/// A weighted indicator without a score, and where its weight went.
#[derive(Debug, Clone, Serialize)]
pub struct MissingIndicator {
    pub id: String,
    pub name: String,
    pub written_weight: f64,
    /// The siblings (or ancestors' siblings) that carry its weight; empty under the zero policy.
    pub went_to: Vec<String>,
    /// "renormalised to …", "counted as 0 (missing.policy: zero)".
    pub note: String,
}

/// A veto, bonus or deduction rule that fired.
#[derive(Debug, Clone, Serialize)]
pub struct FiredRule {
    pub kind: &'static str,
    pub reason: String,
    /// Points (0 for a veto).
    pub points: f64,
}

/// An indicator's points against the peer group's median institution.
#[derive(Debug, Clone, Serialize)]
pub struct Versus {
    pub id: String,
    pub name: String,
    pub points: f64,
}

/// How many strengths and weaknesses are listed.
const SHOWN: usize = 3;

/// The rows of `run.scored` to explain, in the order asked. An unknown id is a user error that
/// names the closest ids; a rank no institution holds is one too.
fn select(
    plan: &Plan,
    ids: &[String],
    ranks: &[Option<f64>],
    selection: &Selection,
) -> Result<Vec<usize>> {
    match selection {
        Selection::Ids(wanted) => wanted
            .iter()
            .map(|w| {
                ids.iter().position(|id| id == w).ok_or_else(|| {
                    let mut close: Vec<&String> = ids
                        .iter()
                        .filter(|id| strsim::jaro_winkler(id, w) > 0.85)
                        .collect();
                    close.sort();
                    close.truncate(3);
                    Error::Usage {
                        message: format!(
                            "no institution with {} \"{w}\" in the data{}",
                            plan.scheme.spec.columns.id,
                            match close.is_empty() {
                                true => String::new(),
                                false => format!(
                                    "; did you mean {}?",
                                    close
                                        .iter()
                                        .map(|c| format!("\"{c}\""))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            }
                        ),
                    }
                })
            })
            .collect(),
        Selection::Rank(n) => {
            let mut rows: Vec<usize> = (0..ids.len())
                .filter(|&r| ranks[r] == Some(*n as f64))
                .collect();
            rows.sort_by(|a, b| ids[*a].cmp(&ids[*b]));
            if rows.is_empty() {
                let ranked = ranks.iter().flatten().count();
                return Err(Error::Usage {
                    message: format!(
                        "no institution holds rank {n} ({ranked} institutions are ranked{})",
                        if ranked > 0 { ", from 1" } else { "" }
                    ),
                });
            }
            Ok(rows)
        }
    }
}

/// The scored frame's columns read once, as plain vectors.
struct Columns<'a> {
    frame: &'a DataFrame,
    floats: BTreeMap<String, Vec<Option<f64>>>,
}

impl<'a> Columns<'a> {
    fn floats(&mut self, name: &str) -> Result<&Vec<Option<f64>>> {
        if !self.floats.contains_key(name) {
            let values = self
                .frame
                .column(name)?
                .cast(&DataType::Float64)?
                .f64()?
                .iter()
                .collect();
            self.floats.insert(name.to_string(), values);
        }
        Ok(&self.floats[name])
    }
}

fn texts(frame: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    Ok(frame
        .column(name)?
        .cast(&DataType::String)?
        .str()?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

/// Median of the present values (mean of the two middle ones for an even count), by selection
/// rather than a full sort: it runs once per node of the tree over the whole peer group.
fn median(mut values: Vec<f64>) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let upper = *values.select_nth_unstable_by(n / 2, f64::total_cmp).1;
    Some(match n % 2 {
        1 => upper,
        // The lower middle value is the largest of those below the upper one.
        _ => {
            let lower = values[..n / 2]
                .iter()
                .copied()
                .max_by(f64::total_cmp)
                .expect("n ≥ 2");
            (lower + upper) / 2.0
        }
    })
}

/// Explains the selected institutions of `run`, scored with [`crate::pipeline::ScoreOptions::EXPLAIN`].
pub fn explain(plan: &Plan, run: &ScoreRun, selection: &Selection) -> Result<Vec<Explanation>> {
    let frame = run.scored.as_ref().ok_or_else(|| {
        Error::internal("explain needs a run that kept its scored frame (ScoreOptions::EXPLAIN)")
    })?;
    let spec = &plan.scheme.spec;
    let Some(first) = run.weights.dimensions.first() else {
        return Ok(Vec::new());
    };
    let ids: Vec<String> = texts(frame, &spec.columns.id)?
        .into_iter()
        .map(|v| v.unwrap_or_default())
        .collect();
    let mut columns = Columns {
        frame,
        floats: BTreeMap::new(),
    };
    let ranks = columns.floats(RANK_COLUMN)?.clone();
    let rows = select(plan, &ids, &ranks, selection)?;
    // The explained rows' own weights and points: from the run when it computed contributions
    // for everyone, else for these rows only (the same numbers, row by row).
    let own_frame = match frame.schema().contains(&effective_weight_column(&first.id)) {
        true => frame.take(&IdxCa::from_vec(
            "rows".into(),
            rows.iter().map(|&r| r as IdxSize).collect(),
        ))?,
        false => {
            crate::contribution::check_scheme(&plan.scheme)?;
            crate::contribution::of_rows(frame, &rows, &run.weights, spec.missing.policy)?
        }
    };
    let mut own = Columns {
        frame: &own_frame,
        floats: BTreeMap::new(),
    };
    let groups: Vec<String> = texts(frame, PEER_GROUP_COLUMN)?
        .into_iter()
        .map(|g| g.unwrap_or_else(|| UNGROUPED.to_string()))
        .collect();
    let names = match &spec.columns.name {
        Some(name) => texts(frame, name)?,
        None => vec![None; frame.height()],
    };
    let grades = texts(frame, GRADE_COLUMN)?;
    // Row order by id, for ties of the best value.
    let mut by_id: Vec<usize> = (0..ids.len()).collect();
    by_id.sort_by(|a, b| ids[*a].cmp(&ids[*b]));
    let mut out = Vec::new();
    for (k, row) in rows.into_iter().enumerate() {
        let group = &groups[row];
        let members: Vec<usize> = by_id
            .iter()
            .copied()
            .filter(|&r| &groups[r] == group)
            .collect();
        let mut nodes = Vec::new();
        for dimension in &run.weights.dimensions {
            node_explanations(
                plan,
                dimension,
                0,
                1.0,
                (row, k),
                &members,
                (&mut columns, &mut own),
                &mut nodes,
            )?;
        }
        let leaves: Vec<&NodeExplanation> =
            nodes.iter().filter(|n| n.kind == "indicator").collect();
        let mut versus: Vec<Versus> = leaves
            .iter()
            .filter_map(|n| {
                Some(Versus {
                    id: n.id.clone(),
                    name: n.name.clone(),
                    points: n.own_weight * (n.score? - n.group_median_score?),
                })
            })
            .collect();
        versus.sort_by(|a, b| b.points.total_cmp(&a.points).then(a.id.cmp(&b.id)));
        let strengths: Vec<Versus> = versus
            .iter()
            .filter(|v| v.points > 0.0)
            .take(SHOWN)
            .cloned()
            .collect();
        let weaknesses: Vec<Versus> = versus
            .iter()
            .rev()
            .filter(|v| v.points < 0.0)
            .take(SHOWN)
            .cloned()
            .collect();
        let missing = missing_indicators(plan, &run.weights.dimensions, row, &mut columns)?;
        let rules = fired_rules(plan, row, &mut columns)?;
        let value = |c: &mut Columns, name: &str| -> Result<Option<f64>> {
            Ok(match c.frame.schema().contains(name) {
                true => c.floats(name)?[row],
                false => None,
            })
        };
        let score = value(&mut columns, SCORE_COLUMN)?;
        let rank = ranks[row];
        let group_rank = value(&mut columns, GROUP_RANK_COLUMN)?;
        let vetoed = frame
            .column(VETOED_COLUMN)?
            .bool()?
            .get(row)
            .unwrap_or(false);
        let next_grade = grade_distance(
            plan,
            row,
            score,
            vetoed,
            &grades,
            &groups,
            &ranks,
            &mut columns,
        )?;
        out.push(Explanation {
            id: ids[row].clone(),
            name: names[row].clone(),
            peer_group: group.clone(),
            group_size: members.len(),
            ranked: ranks.iter().flatten().count(),
            score,
            weighted: value(&mut columns, WEIGHTED_COLUMN)?,
            bonus: value(&mut columns, BONUS_COLUMN)?.unwrap_or(0.0),
            deduction: value(&mut columns, DEDUCTION_COLUMN)?.unwrap_or(0.0),
            coverage: value(&mut columns, COVERAGE_COLUMN)?,
            rank,
            group_rank,
            grade: grades[row].clone(),
            next_grade,
            nodes,
            missing,
            rules,
            strengths,
            weaknesses,
        });
    }
    Ok(out)
}

/// The name a node is shown by: the scheme's name, or its id.
pub fn node_name(plan: &Plan, node: &WeightNode) -> (String, Option<String>) {
    let spec = &plan.scheme.spec;
    match node.kind {
        NodeKind::Dimension => (
            spec.dimensions
                .iter()
                .find(|d| d.id == node.id)
                .and_then(|d| d.name.clone())
                .unwrap_or_else(|| node.id.clone()),
            None,
        ),
        NodeKind::Subdimension => (
            spec.dimensions
                .iter()
                .flat_map(|d| &d.subdimensions)
                .find(|s| s.id == node.id)
                .and_then(|s| s.name.clone())
                .unwrap_or_else(|| node.id.clone()),
            None,
        ),
        _ => plan
            .scheme
            .all_indicators()
            .into_iter()
            .find(|i| i.id == node.id)
            .map(|i| (i.name.clone(), i.unit.clone()))
            .unwrap_or_else(|| (node.id.clone(), None)),
    }
}

/// Appends `node` and its descendants; returns the node's (points lost vs best) sum.
#[allow(clippy::too_many_arguments)]
fn node_explanations(
    plan: &Plan,
    node: &WeightNode,
    depth: usize,
    above: f64,
    (row, own_row): (usize, usize),
    members: &[usize],
    (columns, own): (&mut Columns, &mut Columns),
    out: &mut Vec<NodeExplanation>,
) -> Result<f64> {
    let written = above * node.weight;
    let own_weight = own.floats(&effective_weight_column(&node.id))?[own_row].unwrap_or(0.0);
    let points = own.floats(&points_column(&node.id))?[own_row].unwrap_or(0.0);
    let score_name = score_column(&node.id);
    let scores = columns.floats(&score_name)?.clone();
    let score = scores[row];
    let present: Vec<(usize, f64)> = members
        .iter()
        .filter_map(|&r| Some((r, scores[r]?)))
        .collect();
    let group_median_score = median(present.iter().map(|(_, s)| *s).collect());
    let best = present
        .iter()
        .fold(None, |best: Option<(usize, f64)>, &(r, s)| match best {
            Some((_, b)) if b >= s => best,
            _ => Some((r, s)),
        });
    let (name, unit) = node_name(plan, node);
    let at = out.len();
    out.push(NodeExplanation {
        id: node.id.clone(),
        name,
        kind: match node.kind {
            NodeKind::Dimension => "dimension",
            NodeKind::Subdimension => "subdimension",
            NodeKind::Composite => "composite",
            NodeKind::Indicator => "indicator",
        },
        depth,
        unit,
        value: None,
        group_median_value: None,
        group_best_value: None,
        score,
        group_median_score,
        group_best_score: best.map(|(_, s)| s),
        written_weight: written,
        own_weight,
        points,
        lost_vs_full: own_weight * 100.0 - points,
        lost_vs_best: 0.0,
    });
    let lost_vs_best = if node.is_leaf() {
        if columns.frame.schema().contains(&node.id) {
            let values = columns.floats(&node.id)?;
            let n = &mut out[at];
            n.value = values[row];
            n.group_median_value = median(members.iter().filter_map(|&r| values[r]).collect());
            n.group_best_value = best.and_then(|(r, _)| values[r]);
        }
        own_weight * best.map_or(0.0, |(_, s)| s) - points
    } else {
        let mut sum = 0.0;
        for child in &node.children {
            sum += node_explanations(
                plan,
                child,
                depth + 1,
                written,
                (row, own_row),
                members,
                (&mut *columns, &mut *own),
                out,
            )?;
        }
        sum
    };
    out[at].lost_vs_best = lost_vs_best;
    Ok(lost_vs_best)
}

/// The weighted nodes without a score for `row`, and where their weight went: a node whose
/// children are all missing is listed once, not each child.
fn missing_indicators(
    plan: &Plan,
    dimensions: &[WeightNode],
    row: usize,
    columns: &mut Columns,
) -> Result<Vec<MissingIndicator>> {
    // Each topmost missing node with its chain of sibling lists, from its own level up.
    fn walk<'a>(
        siblings: &'a [WeightNode],
        path: &mut Vec<&'a [WeightNode]>,
        above: f64,
        row: usize,
        columns: &mut Columns,
        out: &mut Vec<(&'a WeightNode, Vec<&'a [WeightNode]>, f64)>,
    ) -> Result<()> {
        path.push(siblings);
        for node in siblings {
            if columns.floats(&score_column(&node.id))?[row].is_none() {
                out.push((
                    node,
                    path.iter().rev().copied().collect(),
                    above * node.weight,
                ));
            } else if !node.is_leaf() {
                walk(&node.children, path, above * node.weight, row, columns, out)?;
            }
        }
        path.pop();
        Ok(())
    }
    let mut found = Vec::new();
    walk(dimensions, &mut Vec::new(), 1.0, row, columns, &mut found)?;
    let policy = plan.scheme.spec.missing.policy;
    let mut out = Vec::new();
    for (node, levels, written) in found {
        let name = node_name(plan, node).0;
        let (went_to, note) = match policy {
            MissingPolicy::Zero => (
                Vec::new(),
                "counted as 0 (missing.policy: zero)".to_string(),
            ),
            MissingPolicy::Renormalise => {
                let mut went_to = Vec::new();
                for siblings in levels {
                    for s in siblings {
                        if columns.floats(&score_column(&s.id))?[row].is_some() {
                            went_to.push(s.id.clone());
                        }
                    }
                    if !went_to.is_empty() {
                        break;
                    }
                }
                let note = match went_to.is_empty() {
                    true => "no weighted indicator has data: unscored".to_string(),
                    false => format!("weight renormalised to {}", went_to.join(", ")),
                };
                (went_to, note)
            }
        };
        out.push(MissingIndicator {
            id: node.id.clone(),
            name,
            written_weight: written,
            went_to,
            note,
        });
    }
    // Indicators whose missing value was imputed (`missing:` median, mean, zero) are scored, not
    // missing, but say so.
    for indicator in &plan.indicators {
        if indicator.impute == Impute::Renormalise || indicator.score.is_none() {
            continue;
        }
        let id = &indicator.spec.id;
        if columns.floats(id)?[row].is_none() {
            if let Some(score) = columns.floats(&score_column(id))?[row] {
                out.push(MissingIndicator {
                    id: id.clone(),
                    name: indicator.spec.name.clone(),
                    written_weight: 0.0,
                    went_to: Vec::new(),
                    note: format!(
                        "value missing, imputed: scored {}",
                        crate::display::format_number(score)
                    ),
                });
            }
        }
    }
    Ok(out)
}

fn fired_rules(plan: &Plan, row: usize, columns: &mut Columns) -> Result<Vec<FiredRule>> {
    let mut out = Vec::new();
    for (i, reason) in plan.veto_reasons.iter().enumerate() {
        if columns.frame.column(&veto_column(i))?.bool()?.get(row) == Some(true) {
            out.push(FiredRule {
                kind: "veto",
                reason: reason.clone(),
                points: 0.0,
            });
        }
    }
    for (kind, reasons, column) in [
        (
            "bonus",
            &plan.bonus_reasons,
            bonus_column as fn(usize) -> String,
        ),
        ("deduction", &plan.deduction_reasons, deduction_column),
    ] {
        for (i, reason) in reasons.iter().enumerate() {
            if let Some(points) = columns.floats(&column(i))?[row].filter(|p| *p > 0.0) {
                out.push(FiredRule {
                    kind,
                    reason: reason.clone(),
                    points,
                });
            }
        }
    }
    let spec = &plan.scheme.spec;
    let holds = |columns: &Columns, name: &str| -> Result<bool> {
        Ok(columns.frame.column(name)?.bool()?.get(row) == Some(true))
    };
    if let Some(eligible) = &spec.eligible {
        if holds(columns, crate::columns::NOT_RATED_COLUMN)? {
            out.push(FiredRule {
                kind: "not rated",
                reason: eligible.reason.clone(),
                points: 0.0,
            });
        }
    }
    if spec.grades.is_some() {
        for (i, adjustment) in spec.grade_adjustments.iter().enumerate() {
            let bands = |k: i64| match k.unsigned_abs() {
                1 => "1 band".to_string(),
                k => format!("{k} bands"),
            };
            let steps = adjustment.steps().unwrap_or(0);
            let way = if steps > 0 { "down" } else { "up" };
            let note = if holds(columns, &crate::grade::adjust::moved_column(i))? {
                format!("{way} {}", bands(steps))
            } else if holds(columns, &crate::grade::adjust::bounded_column(i))? {
                let end = if steps > 0 { "last" } else { "first" };
                format!("not moved: the grade is already in the {end} band")
            } else {
                continue;
            };
            out.push(FiredRule {
                kind: "grade adjustment",
                reason: format!("{} ({note})", adjustment.reason),
                points: 0.0,
            });
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn grade_distance(
    plan: &Plan,
    row: usize,
    score: Option<f64>,
    vetoed: bool,
    grades: &[Option<String>],
    groups: &[String],
    ranks: &[Option<f64>],
    columns: &mut Columns,
) -> Result<Option<GradeDistance>> {
    let Some(spec) = &plan.scheme.spec.grades else {
        return Ok(None);
    };
    let none = |reason: &str| {
        Ok(Some(GradeDistance::None {
            reason: reason.to_string(),
        }))
    };
    let (Some(score), Some(grade)) = (score, &grades[row]) else {
        return none("unscored: no grade");
    };
    if vetoed {
        return none("vetoed: the last grade whatever the score");
    }
    let Some(index) = spec.bands.iter().position(|b| &b.grade == grade) else {
        return Err(Error::internal(format!("grade {grade} is not a band")));
    };
    if index == 0 {
        return Ok(Some(GradeDistance::Best));
    }
    let better = &spec.bands[index - 1];
    match spec.by {
        GradeBy::Score => Ok(Some(GradeDistance::Points {
            grade: better.grade.clone(),
            points: better.min.unwrap_or(0.0) - score,
        })),
        GradeBy::RankShare => {
            let (own, rank_of) = match spec.within {
                Within::All => (ranks[row], ranks.to_vec()),
                Within::PeerGroup => {
                    let group_ranks = columns.floats(GROUP_RANK_COLUMN)?.clone();
                    (group_ranks[row], group_ranks)
                }
            };
            let last_better = (0..grades.len())
                .filter(|&r| grades[r].as_deref() == Some(better.grade.as_str()))
                .filter(|&r| spec.within == Within::All || groups[r] == groups[row])
                .filter_map(|r| rank_of[r])
                .fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))));
            match (own, last_better) {
                (Some(own), Some(last)) => Ok(Some(GradeDistance::Places {
                    grade: better.grade.clone(),
                    places: own - last,
                })),
                _ => none("no institution holds the better grade"),
            }
        }
        _ => none("the cut-points of this grading method move with the data"),
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    /// The median by a full sort, to check the selection against.
    fn sorted_median(mut values: Vec<f64>) -> Option<f64> {
        values.sort_by(f64::total_cmp);
        let n = values.len();
        (n > 0).then(|| match n % 2 {
            1 => values[n / 2],
            _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
        })
    }

    #[test]
    fn median_by_selection_matches_the_sorted_median() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(vec![5.0, 5.0, 1.0, 5.0]), Some(5.0));
        let mut state = 7u64;
        for n in 1..60 {
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    ((state >> 40) % 13) as f64
                })
                .collect();
            assert_eq!(median(values.clone()), sorted_median(values), "n {n}");
        }
    }
}
