//! `jixiao check`: validate a scheme, and optionally a dataset against it, without scoring.
//!
//! Checks, in order, stopping at the first stage that fails (every problem of that stage is
//! reported together): the YAML (syntax, unknown keys, ids, dimension tree, weights, directions
//! against methods, grade bands), the scripts (compile and run, every indicator and rule has its
//! formula, custom scoring functions exist), then the data (columns the formulas read, with the
//! closest existing column suggested; ids; previous period; and the warnings scoring would give —
//! cells that are not numbers, negative counts, parts exceeding wholes —, each with its file,
//! row and column, see `crate::validate`), and finally the whole query's types, resolved by
//! polars without computing anything. The report names the scheme's rules beyond the weight
//! tree — eligibility, peer groups from a formula, inclusion by count, normalised levels, grade
//! adjustments — one line each.

use std::fmt::Write as _;

use crate::error::Result;
use crate::load::LoadSummary;
use crate::pipeline;
use crate::plan::Plan;
use crate::source::DataFile;
use crate::weight::WeightNode;

/// What a successful check found.
pub struct CheckReport {
    pub text: String,
}

/// Checks the plan, and the data when `data` is given.
pub fn check(
    plan: &Plan,
    data: Option<&DataFile>,
    previous: Option<&DataFile>,
) -> Result<CheckReport> {
    let spec = &plan.scheme.spec;
    let mut text = String::new();
    let monitored = plan.indicators.iter().filter(|i| i.score.is_none()).count();
    let weighted = plan.weights.effective_weights().len();
    let _ = writeln!(
        text,
        "ok: scheme {} (version {}) in {}",
        spec.name,
        spec.version,
        plan.scheme.dir.display()
    );
    let all = plan.scheme.all_indicators();
    let bundles = all.iter().filter(|i| i.is_composite()).count();
    let national = spec
        .indicators
        .iter()
        .filter(|i| i.national_monitoring)
        .count();
    let _ = writeln!(
        text,
        "  {} indicators ({national} ▲ national monitoring, {bundles} made of parts); {} values computed: {weighted} weighted, {} scored without weight, {monitored} monitored (not scored{})",
        spec.indicators.len(),
        plan.indicators.len(),
        plan.indicators.len() - weighted - monitored,
        if spec.monitor.score { "" } else { "; monitor.score is off" },
    );
    let _ = writeln!(
        text,
        "  dimensions: {}; vetoes: {}; bonus rules: {}; deduction rules: {}",
        spec.dimensions.len(),
        spec.vetoes.len(),
        spec.bonus.rules.len(),
        spec.deduction.rules.len()
    );
    rule_lines(&mut text, plan);
    if let Some(points) = &spec.points {
        let budget: f64 = points.items.iter().map(|i| i.budget).sum();
        let rules: usize = points.items.iter().map(|i| i.rules.len()).sum();
        let _ = writeln!(
            text,
            "  points: {} items, {rules} rules, budget {budget:.d$} shared by work points ({}), corrected below coefficient {}",
            points.items.len(),
            points.work_points,
            points.correction_threshold,
            d = points.money_decimals as usize,
        );
    }
    if let Some(data) = data {
        let loaded = pipeline::load_for(plan, data, previous)?;
        pipeline::check_types(plan, &loaded.frame)?;
        let columns: std::collections::BTreeSet<_> =
            plan.references.iter().map(|r| r.frame_column()).collect();
        let absent = loaded.summary.absent_columns.len();
        let _ = writeln!(
            text,
            "ok: data {}: {} institutions; {} columns the formulas read are present{}",
            loaded.origin.describe(),
            loaded.summary.institutions,
            match absent {
                0 => format!("all {}", columns.len()),
                _ => format!("{} of {}", columns.len() - absent, columns.len()),
            },
            match absent {
                0 => String::new(),
                _ => format!("; {absent} absent, read as missing (see the note below)"),
            }
        );
        if let Some(previous) = &loaded.previous_origin {
            let found = loaded.summary.institutions - loaded.summary.missing_in_previous;
            let _ = writeln!(
                text,
                "ok: previous period {}: {found} of {} institutions found",
                previous.describe(),
                loaded.summary.institutions
            );
        }
        data_notes(&mut text, &loaded.summary);
        if !loaded.report.is_empty() {
            let _ = write!(text, "{}", loaded.report);
        }
    }
    for warning in &plan.scheme.warnings {
        let _ = writeln!(text, "warning: {warning}");
    }
    let method = spec.weighting.method;
    let _ = writeln!(
        text,
        "effective weights (share of the total score when no data are missing){}:",
        if method.is_data_driven() {
            "; the indicators' weights within each group are fitted on the data when scoring, shown here as written"
        } else {
            ""
        }
    );
    let names: std::collections::BTreeMap<&str, &str> = all
        .iter()
        .map(|i| (i.id.as_str(), i.name.as_str()))
        .collect();
    for dimension in &plan.weights.dimensions {
        write_node(&mut text, dimension, 1.0, 1, &names);
    }
    for c in &plan.ahp_consistency {
        let _ = writeln!(
            text,
            "AHP matrix of {}: λmax {:.4}, CI {:.4}, CR {:.4} (< 0.10: consistent)",
            c.node, c.lambda_max, c.ci, c.cr
        );
    }
    Ok(CheckReport { text })
}

/// The scheme's rules beyond the weight tree, one line each where the scheme has them: who is
/// rated, peer groups from a formula, inclusion by reporting count, normalised levels, grade
/// adjustments.
fn rule_lines(text: &mut String, plan: &Plan) {
    let spec = &plan.scheme.spec;
    if let Some(groups) = &spec.peer_groups {
        let _ = writeln!(
            text,
            "  peer groups: by formula `{}` (shown in the column {})",
            groups.formula, groups.formula
        );
    }
    if let Some(eligible) = &spec.eligible {
        let _ = writeln!(
            text,
            "  eligible: rated where `{}` holds; the others keep their scores, get no rank or grade and are flagged \"not rated: {}\"",
            eligible.when, eligible.reason
        );
    }
    let own = plan
        .scheme
        .leaves()
        .into_iter()
        .filter(|i| i.include.is_some())
        .count();
    if spec.include.is_some() || own > 0 {
        let every = spec
            .include
            .map(|i| {
                format!(
                    "every indicator needs {} institutions reporting it",
                    i.min_reported
                )
            })
            .unwrap_or_else(|| "no scheme-wide rule".into());
        let _ = writeln!(
            text,
            "  inclusion by reporting count: {every}; {own} indicators set their own; one below is dropped and its weight goes to its siblings"
        );
    }
    for (id, method) in plan.scheme.level_normalisations() {
        let _ = writeln!(
            text,
            "  normalised level: {id} = its weighted mean normalised by {}",
            method.described()
        );
    }
    for adjustment in &spec.grade_adjustments {
        let moves = match adjustment.steps() {
            Ok(k) if k > 0 => format!("down {k}"),
            Ok(k) => format!("up {}", -k),
            Err(e) => e,
        };
        let lowest = adjustment
            .lowest
            .as_ref()
            .map(|l| {
                format!(
                    " and the score of {} is among the lowest {}%",
                    l.node,
                    l.share * 100.0
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "  grade adjustment: where `{}` holds{lowest}, {moves} (bounded at the first and last band): \"{}\"",
            adjustment.when, adjustment.reason
        );
    }
}

fn data_notes(text: &mut String, summary: &LoadSummary) {
    // How the returns were read (units converted, repeated figures, absent optional columns).
    for note in &summary.notes {
        let _ = writeln!(text, "note: {note}");
    }
    for warning in &summary.warnings {
        let _ = writeln!(text, "warning: {warning}");
    }
    if !summary.footer_rows.is_empty() {
        let _ = writeln!(
            text,
            "note: footer rows left out (not institutions): {}",
            summary.footer_rows.join(", ")
        );
    }
    if summary.ungrouped > 0 {
        let _ = writeln!(
            text,
            "warning: {} institutions have no peer group",
            summary.ungrouped
        );
    }
}

fn write_node(
    text: &mut String,
    node: &WeightNode,
    above: f64,
    depth: usize,
    names: &std::collections::BTreeMap<&str, &str>,
) {
    let share = above * node.weight;
    let name = names
        .get(node.id.as_str())
        .map(|n| format!(" {n}"))
        .unwrap_or_default();
    let _ = writeln!(
        text,
        "{}{}{name} {:.2}%",
        "  ".repeat(depth),
        node.id,
        share * 100.0
    );
    for child in &node.children {
        write_node(text, child, share, depth + 1, names);
    }
}
