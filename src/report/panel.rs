//! A run over several periods as people read it (`jixiao score --periods`): each period's
//! ranking and run summary in turn, then each institution's score, rank and grade over the
//! periods, and the most improved (进步较大) of each period. What the runs hold is decided in
//! `crate::panel`; `--out` writes [`crate::panel::PanelRun::table`] through
//! [`super::write_table_with`].

use std::fmt::Write as _;

use polars::prelude::*;

use crate::display::format_number;
use crate::error::Result;
use crate::panel::PanelRun;
use crate::plan::Plan;
use crate::scheme::{ImprovementBy, Within};

/// The text printed by `jixiao score --periods`: `top` rows of each period's ranking and of the
/// table over the periods.
pub fn text(plan: &Plan, panel: &PanelRun, top: usize) -> Result<String> {
    let mut out = String::new();
    for period in &panel.periods {
        let previous = match &period.previous {
            Some(previous) => format!("previous period {previous}"),
            None => "the first period of the file: no previous period".to_string(),
        };
        let _ = writeln!(out, "== period {} ({previous}) ==", period.period);
        out.push_str(&super::format_ranking(plan, &period.run.table, top)?);
        out.push('\n');
        out.push_str(&period.run.summary.to_string());
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "== over the periods: score, rank and grade ({} institutions, in the last period's rank order) ==",
        panel.trajectory.height()
    );
    out.push_str(&aligned(&panel.trajectory, top)?);
    if let Some(spec) = &plan.scheme.spec.improvement {
        let by = match spec.by {
            ImprovementBy::Score => "score − previous score",
            ImprovementBy::Rank if spec.within == Within::PeerGroup => {
                "places gained in the peer group"
            }
            ImprovementBy::Rank => "places gained",
        };
        let within = match spec.within {
            Within::PeerGroup => "within each peer group",
            Within::All => "over all institutions",
        };
        let rule = match (spec.top, spec.min_change) {
            (Some(top), _) => format!("the first {top} with a change above zero"),
            (None, Some(min)) => format!("a change of at least {}", format_number(min)),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "\n== {} (improvement: {by}, ranked {within}; awarded to {rule}) ==",
            spec.label
        );
        if panel.awards.is_empty() {
            let _ = writeln!(out, "no period has its previous period scored in this run");
        }
        for award in &panel.awards {
            let names: Vec<String> = award
                .awarded
                .iter()
                .map(|(group, id, name, change)| {
                    let group = if group.is_empty() {
                        String::new()
                    } else {
                        format!("{group}: ")
                    };
                    let name = if name.is_empty() {
                        String::new()
                    } else {
                        format!(" {name}")
                    };
                    format!("{group}{id}{name} ({:+})", Signed(*change))
                })
                .collect();
            let list = if names.is_empty() {
                "none".to_string()
            } else {
                names.join("; ")
            };
            let _ = writeln!(out, "{} against {}: {list}", award.period, award.previous);
        }
    }
    for note in &panel.notes {
        let _ = writeln!(out, "note: {note}");
    }
    Ok(out)
}

/// A change printed with its sign and no trailing zeros: +3.2, −1 as -1.
struct Signed(f64);

impl std::fmt::Display for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 > 0.0 && f.sign_plus() {
            write!(f, "+")?;
        }
        write!(f, "{}", format_number(self.0))
    }
}

/// The first `top` rows of `table`, columns aligned for CJK text; numbers right-aligned.
fn aligned(table: &DataFrame, top: usize) -> Result<String> {
    let shown = table.height().min(top);
    let headers: Vec<String> = table
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let mut cells: Vec<Vec<String>> = Vec::new();
    let mut numeric: Vec<bool> = Vec::new();
    for column in table.columns() {
        numeric.push(column.dtype().is_primitive_numeric());
        let is_score = column.name().ends_with(".score");
        let series = column.as_materialized_series();
        let values = (0..shown)
            .map(|row| {
                Ok(match series.get(row)? {
                    AnyValue::Null => String::new(),
                    AnyValue::Float64(v) if is_score => format!("{v:.2}"),
                    AnyValue::Float64(v) => format_number(v),
                    AnyValue::String(s) => s.to_string(),
                    AnyValue::StringOwned(s) => s.to_string(),
                    other => other.to_string(),
                })
            })
            .collect::<PolarsResult<Vec<String>>>()?;
        cells.push(values);
    }
    let mut out = super::aligned_rows(&headers, &cells, &numeric, shown);
    if table.height() > shown {
        let _ = writeln!(
            out,
            "… {} more institutions (use --top N to show more, or --out FILE for all)",
            table.height() - shown
        );
    }
    Ok(out)
}
