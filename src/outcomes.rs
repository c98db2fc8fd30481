//! The run's outcomes for tuning a scheme, part of the run summary: how many institutions got
//! each grade (overall and per peer group), how often each veto, bonus and deduction rule fired,
//! and how many institutions were scored on less than the full weight (some weighted indicator
//! missing, its weight renormalised to the others or, under `missing.policy: zero`, scored 0).

use std::fmt::Write as _;

use polars::prelude::*;

use crate::columns::{
    bonus_column, deduction_column, score_column, veto_column, GRADE_COLUMN, PEER_GROUP_COLUMN,
    UNGROUPED, WEIGHTED_COLUMN,
};
use crate::error::Result;
use crate::plan::Plan;
use crate::weight::WeightTree;

/// How many institutions hold each grade of one group, in band order (best first); `ungraded`
/// counts those without a grade (excluded or unscored).
#[derive(Debug, Clone, PartialEq)]
pub struct GradeCounts {
    /// The peer group; `None` for all institutions.
    pub group: Option<String>,
    pub counts: Vec<(String, usize)>,
    pub ungraded: usize,
}

/// How many institutions one rule fired for (a veto whose condition held, a bonus or deduction
/// rule that gave points).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleCount {
    /// "veto", "bonus" or "deduction".
    pub kind: &'static str,
    pub reason: String,
    pub fired: usize,
}

/// The outcomes of one run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcomes {
    /// Overall first, then each peer group by name (only when the scheme has peer groups); empty
    /// when the scheme has no grades.
    pub grades: Vec<GradeCounts>,
    /// Every rule of the scheme in its order, with how often it fired (0 included).
    pub rules: Vec<RuleCount>,
    /// Institutions with a weighted total for which some weighted indicator had no score.
    pub partial_weight: usize,
    /// With `eligible:`: its reason and how many institutions are not rated.
    pub not_rated: Option<(String, usize)>,
}

impl Outcomes {
    pub fn of(plan: &Plan, weights: &WeightTree, scored: &DataFrame) -> Result<Outcomes> {
        let mut out = Outcomes::default();
        if let Some(spec) = &plan.scheme.spec.grades {
            // Grades and groups are borrowed from their cast columns, not a `String` per row
            // (together 0.14 GB at 1,000,000 rows).
            let grade_column = scored.column(GRADE_COLUMN)?.cast(&DataType::String)?;
            let grades: Vec<Option<&str>> = grade_column.str()?.iter().collect();
            let count = |group: Option<String>, rows: &dyn Fn(usize) -> bool| GradeCounts {
                counts: spec
                    .bands
                    .iter()
                    .map(|b| {
                        let n = (0..grades.len())
                            .filter(|&r| rows(r) && grades[r] == Some(b.grade.as_str()))
                            .count();
                        (b.grade.clone(), n)
                    })
                    .collect(),
                ungraded: (0..grades.len())
                    .filter(|&r| rows(r) && grades[r].is_none())
                    .count(),
                group,
            };
            out.grades.push(count(None, &|_| true));
            if plan.scheme.spec.columns.peer_group.is_some()
                || plan.scheme.spec.peer_groups.is_some()
            {
                let group_column = scored.column(PEER_GROUP_COLUMN)?.cast(&DataType::String)?;
                let groups: Vec<&str> = group_column
                    .str()?
                    .iter()
                    .map(|g| g.unwrap_or(UNGROUPED))
                    .collect();
                let names: std::collections::BTreeSet<&str> = groups.iter().copied().collect();
                for name in names {
                    out.grades
                        .push(count(Some(name.to_string()), &|r| groups[r] == name));
                }
            }
        }
        for (i, reason) in plan.veto_reasons.iter().enumerate() {
            let fired = scored.column(&veto_column(i))?.bool()?.sum().unwrap_or(0) as usize;
            out.rules.push(RuleCount {
                kind: "veto",
                reason: reason.clone(),
                fired,
            });
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
                let points = scored.column(&column(i))?.cast(&DataType::Float64)?;
                let fired = points.f64()?.iter().flatten().filter(|p| *p > 0.0).count();
                out.rules.push(RuleCount {
                    kind,
                    reason: reason.clone(),
                    fired,
                });
            }
        }
        for (i, a) in plan.scheme.spec.grade_adjustments.iter().enumerate() {
            let column = crate::grade::adjust::moved_column(i);
            let fired = match scored.column(&column) {
                Ok(moved) => moved.bool()?.sum().unwrap_or(0) as usize,
                Err(_) => 0,
            };
            out.rules.push(RuleCount {
                kind: if a.up.is_some() {
                    "grade up"
                } else {
                    "grade down"
                },
                reason: a.reason.clone(),
                fired,
            });
        }
        if let Some(eligible) = &plan.scheme.spec.eligible {
            let n = scored
                .column(crate::columns::NOT_RATED_COLUMN)?
                .bool()?
                .sum()
                .unwrap_or(0) as usize;
            out.not_rated = Some((eligible.reason.clone(), n));
        }
        let any_missing = weights
            .effective_weights()
            .into_iter()
            .map(|(id, _)| col(score_column(&id)).is_null())
            .reduce(|a, b| a.or(b))
            .unwrap_or_else(|| lit(false));
        let partial = scored
            .clone()
            .lazy()
            .select([col(WEIGHTED_COLUMN)
                .is_not_null()
                .and(any_missing)
                .sum()
                .alias("n")])
            .collect()?;
        out.partial_weight = partial
            .column("n")?
            .cast(&DataType::UInt64)?
            .u64()?
            .get(0)
            .unwrap_or(0) as usize;
        Ok(out)
    }
}

fn grade_list(g: &GradeCounts) -> String {
    let mut text = g
        .counts
        .iter()
        .map(|(grade, n)| format!("{grade} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    if g.ungraded > 0 {
        let _ = write!(text, ", no grade {}", g.ungraded);
    }
    text
}

impl std::fmt::Display for Outcomes {
    /// The summary's lines: grades overall and by peer group, rules fired, partial weight.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for g in &self.grades {
            match &g.group {
                None => writeln!(f, "grades: {}", grade_list(g))?,
                Some(group) => writeln!(f, "  peer group {group}: {}", grade_list(g))?,
            }
        }
        if let Some((reason, n)) = &self.not_rated {
            writeln!(
                f,
                "not rated (no rank, no grade; scores kept): {n} institution{} — {reason}",
                if *n == 1 { "" } else { "s" }
            )?;
        }
        if !self.rules.is_empty() {
            let rules: Vec<String> = self
                .rules
                .iter()
                .map(|r| format!("{} {} {}", r.kind, r.reason, r.fired))
                .collect();
            writeln!(f, "rules fired (institutions): {}", rules.join("; "))?;
        }
        writeln!(
            f,
            "scored on less than the full weight (some weighted indicator missing): {} institution{}",
            self.partial_weight,
            if self.partial_weight == 1 { "" } else { "s" }
        )
    }
}
