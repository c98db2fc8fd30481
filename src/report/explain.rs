//! Renders `jixiao explain`'s [`Explanation`]s as text (fits a 100-column terminal), Markdown or
//! JSON. Text and Markdown round to 2 decimals (weights to 2 decimals of a percent); JSON keeps
//! every number as computed, so its figures add up to 1e-9.

use std::fmt::Write as _;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::error::Result;
use crate::explain::{Explanation, GradeDistance, NodeExplanation};

/// The widest line of the text form.
pub const TEXT_WIDTH: usize = 100;

/// Output form of `jixiao explain --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplainFormat {
    Text,
    Json,
    Markdown,
}

impl ExplainFormat {
    pub const NAMES: [&'static str; 3] = ["text", "json", "md"];

    pub fn from_name(name: &str) -> Option<ExplainFormat> {
        match name {
            "text" => Some(ExplainFormat::Text),
            "json" => Some(ExplainFormat::Json),
            "md" => Some(ExplainFormat::Markdown),
            _ => None,
        }
    }
}

/// The explanations in `format`.
pub fn render(explanations: &[Explanation], format: ExplainFormat) -> Result<String> {
    Ok(match format {
        ExplainFormat::Json => {
            let mut text = serde_json::to_string_pretty(explanations)
                .map_err(|e| crate::error::Error::internal(format!("explain as JSON: {e}")))?;
            text.push('\n');
            text
        }
        ExplainFormat::Text => explanations.iter().map(text).collect::<Vec<_>>().join("\n"),
        ExplainFormat::Markdown => explanations
            .iter()
            .map(markdown)
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

fn number(v: Option<f64>) -> String {
    match v {
        None => "—".to_string(),
        Some(v) => {
            let text = format!("{v:.2}");
            match text.len() {
                0..=9 => text,
                _ => format!("{v:.2e}"),
            }
        }
    }
}

fn percent(w: f64) -> String {
    format!("{:.2}%", w * 100.0)
}

fn rank(v: Option<f64>) -> String {
    v.map_or("—".to_string(), crate::display::format_number)
}

/// `text` cut to `width` display columns (an ellipsis marks the cut), padded to it.
pub(crate) fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    if text.width() > width {
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
        used += 1;
    } else {
        out.push_str(text);
        used = text.width();
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

/// Wraps `text` to [`TEXT_WIDTH`], continuation lines indented by `indent` spaces.
fn wrap(text: &str, indent: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.width() + 1 + word.width() > TEXT_WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(indent);
        } else if !line.is_empty() && !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

fn headline(e: &Explanation) -> String {
    let name = e
        .name
        .as_deref()
        .map(|n| format!(" {n}"))
        .unwrap_or_default();
    format!(
        "{}{name} (peer group {}, {} institutions)",
        e.id, e.peer_group, e.group_size
    )
}

fn total_line(e: &Explanation) -> String {
    match (e.score, e.weighted) {
        (Some(score), Some(weighted)) => format!(
            "score {} = weighted {} + bonus {} − deduction {}",
            number(Some(score)),
            number(Some(weighted)),
            number(Some(e.bonus)),
            number(Some(e.deduction))
        ),
        (None, Some(weighted)) => {
            format!("no score (weighted {}): excluded", number(Some(weighted)))
        }
        _ => "no score: no weighted indicator has data".to_string(),
    }
}

fn rank_line(e: &Explanation) -> String {
    let mut line = format!(
        "rank {} of {} ranked, peer-group rank {} of {}; grade {}",
        rank(e.rank),
        e.ranked,
        rank(e.group_rank),
        e.group_size,
        e.grade.as_deref().unwrap_or("—")
    );
    match &e.next_grade {
        Some(GradeDistance::Points { grade, points }) => {
            let _ = write!(line, ": +{} points to {grade}", number(Some(*points)));
        }
        Some(GradeDistance::Places { grade, places }) => {
            let _ = write!(line, ": {} places to climb to {grade}", rank(Some(*places)));
        }
        Some(GradeDistance::Best) => line.push_str(": the best grade"),
        Some(GradeDistance::None { reason }) => {
            let _ = write!(line, " (no distance to the next grade: {reason})");
        }
        None => {}
    }
    line
}

fn coverage_line(e: &Explanation) -> Option<String> {
    let c = e.coverage?;
    Some(format!("data for {} of the written weight", percent(c)))
}

const NODE: usize = 28;

/// "T4 出院患者手术占比 (%)": id, name where it differs, unit.
fn label(n: &NodeExplanation) -> String {
    let mut label = n.id.clone();
    if n.name != n.id {
        label.push(' ');
        label.push_str(&n.name);
    }
    if let Some(unit) = &n.unit {
        let _ = write!(label, " ({unit})");
    }
    label
}

fn text(e: &Explanation) -> String {
    let mut out = String::new();
    out.push_str(&wrap(&headline(e), 2));
    out.push_str(&wrap(&total_line(e), 2));
    out.push_str(&wrap(&rank_line(e), 2));
    if let Some(line) = coverage_line(e) {
        out.push_str(&wrap(&line, 2));
    }
    out.push('\n');
    out.push_str("weight tree: own weight after renormalisation (* where it differs from the written one),\n");
    out.push_str(
        "points of the weighted total, points lost against full marks and the peer group's best\n",
    );
    let _ = writeln!(
        out,
        "{} {:>9} {:>9} {:>9} {:>6} {:>7}  {:>6} {:>6} {:>6}",
        fit("node", NODE),
        "value",
        "median",
        "best",
        "score",
        "weight",
        "points",
        "−full",
        "−best"
    );
    for n in &e.nodes {
        let label = format!("{}{}", "  ".repeat(n.depth), label(n));
        let moved = if (n.own_weight - n.written_weight).abs() > 1e-12 {
            "*"
        } else {
            " "
        };
        let _ = writeln!(
            out,
            "{} {:>9} {:>9} {:>9} {:>6} {:>7}{moved} {:>6} {:>6} {:>6}",
            fit(&label, NODE),
            if n.kind == "indicator" {
                number(n.value)
            } else {
                String::new()
            },
            if n.kind == "indicator" {
                number(n.group_median_value)
            } else {
                String::new()
            },
            if n.kind == "indicator" {
                number(n.group_best_value)
            } else {
                String::new()
            },
            number(n.score),
            percent(n.own_weight),
            number(Some(n.points)),
            number(Some(n.lost_vs_full)),
            number(Some(n.lost_vs_best)),
        );
    }
    let dimensions: Vec<&NodeExplanation> = e.nodes.iter().filter(|n| n.depth == 0).collect();
    let sum = |f: fn(&NodeExplanation) -> f64| dimensions.iter().map(|n| f(n)).sum::<f64>();
    let _ = writeln!(
        out,
        "{} {:>9} {:>9} {:>9} {:>6} {:>7}  {:>6} {:>6} {:>6}",
        fit("total", NODE),
        "",
        "",
        "",
        number(e.weighted),
        percent(sum(|n| n.own_weight)),
        number(Some(sum(|n| n.points))),
        number(Some(sum(|n| n.lost_vs_full))),
        number(Some(sum(|n| n.lost_vs_best))),
    );
    for line in lists(e) {
        out.push_str(&wrap(&line, 4));
    }
    out
}

/// The lines below the tree: missing indicators, rules, strengths and weaknesses.
fn lists(e: &Explanation) -> Vec<String> {
    let mut lines = vec![String::new()];
    if e.missing.is_empty() {
        lines.push("missing: none".to_string());
    }
    for m in &e.missing {
        let weight = match m.written_weight > 0.0 {
            true => format!(" (written weight {})", percent(m.written_weight)),
            false => String::new(),
        };
        lines.push(format!("missing: {} {}{weight}: {}", m.id, m.name, m.note));
    }
    if e.rules.is_empty() {
        lines.push("rules fired: none".to_string());
    }
    for r in &e.rules {
        lines.push(match r.kind {
            "veto" => format!("veto: {}", r.reason),
            "bonus" => format!("bonus: {} +{}", r.reason, number(Some(r.points))),
            "not rated" => format!("not rated: {}", r.reason),
            "grade adjustment" => format!("grade adjustment: {}", r.reason),
            _ => format!("deduction: {} −{}", r.reason, number(Some(r.points))),
        });
    }
    let list = |items: &[crate::explain::Versus]| {
        if items.is_empty() {
            return "none".to_string();
        }
        items
            .iter()
            .map(|v| format!("{} {} {:+.2}", v.id, v.name, v.points))
            .collect::<Vec<_>>()
            .join(", ")
    };
    lines.push(format!(
        "strengths (points against the peer-group median): {}",
        list(&e.strengths)
    ));
    lines.push(format!(
        "weaknesses (points against the peer-group median): {}",
        list(&e.weaknesses)
    ));
    lines
}

fn markdown(e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n", headline(e));
    let _ = writeln!(out, "- {}", total_line(e));
    let _ = writeln!(out, "- {}", rank_line(e));
    if let Some(line) = coverage_line(e) {
        let _ = writeln!(out, "- {line}");
    }
    out.push_str("\n| node | value | median | best | score | own weight | points | lost vs full | lost vs best |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for n in &e.nodes {
        let indicator = n.kind == "indicator";
        let cell = |v: Option<f64>| if indicator { number(v) } else { String::new() };
        let _ = writeln!(
            out,
            "| {}{} | {} | {} | {} | {} | {} | {} | {} | {} |",
            "&nbsp;&nbsp;".repeat(n.depth),
            label(n),
            cell(n.value),
            cell(n.group_median_value),
            cell(n.group_best_value),
            number(n.score),
            percent(n.own_weight),
            number(Some(n.points)),
            number(Some(n.lost_vs_full)),
            number(Some(n.lost_vs_best)),
        );
    }
    out.push('\n');
    for line in lists(e).into_iter().skip(1) {
        let _ = writeln!(out, "- {line}");
    }
    out
}
