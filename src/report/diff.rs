//! Renders `jixiao diff`'s [`Diff`] as text that fits a 100-column terminal, and writes its
//! one-row-per-institution table (`--out diff.csv|json|parquet|xlsx`) through the report writers.
//! Text rounds scores and points to 2 decimals and ρ, τ-b to 4; the written table keeps 6.

use std::fmt::Write as _;
use std::path::Path;

use crate::diff::{Diff, Mover, Row};
use crate::display::format_number;
use crate::error::Result;
use crate::report::explain::{fit, TEXT_WIDTH};
use crate::report::OutputOptions;

/// Ids listed for entered and left institutions, and rows for changed grades, before "… more".
const LISTED: usize = 20;

/// Writes the diff's table to `path` (format by extension, atomically).
pub fn write(diff: &Diff, path: &Path, options: &OutputOptions) -> Result<()> {
    crate::report::write_table_with(&diff.table()?, path, options)
}

/// The whole report as JSON (`--output-format json`): every number unrounded, one entry per
/// institution under `rows`, ends with a newline.
pub fn json(diff: &Diff) -> Result<String> {
    let mut text = serde_json::to_string_pretty(diff)
        .map_err(|e| crate::error::Error::internal(format!("diff as JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

fn rank(v: Option<f64>) -> String {
    v.map_or("—".to_string(), format_number)
}

fn score(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |v| format!("{v:.2}"))
}

fn statistic(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |v| format!("{v:.4}"))
}

fn grade(g: &Option<crate::diff::Text>) -> &str {
    g.as_deref().unwrap_or(crate::diff::NO_GRADE)
}

fn who(r: &Row) -> String {
    match &r.name {
        Some(name) => format!("{} {name}", r.id),
        None => r.id.to_string(),
    }
}

fn ids(ids: &[String]) -> String {
    let mut text = ids
        .iter()
        .take(LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > LISTED {
        let _ = write!(text, ", … {} more", ids.len() - LISTED);
    }
    text
}

/// "rank 60 → 43 (up 17)".
fn rank_move(r: &Row) -> String {
    let places = match r.places_up() {
        Some(p) if p > 0.0 => format!(" (up {})", format_number(p)),
        Some(p) if p < 0.0 => format!(" (down {})", format_number(-p)),
        _ => String::new(),
    };
    format!("rank {} → {}{places}", rank(r.against_rank), rank(r.rank))
}

fn mover(out: &mut String, m: &Mover, with_drivers: bool) {
    let r = &m.row;
    let change = r
        .score_change()
        .map(|c| format!(" ({c:+.2})"))
        .unwrap_or_default();
    out.push_str(&wrap(
        &format!(
            "  {}: {}, score {} → {}{change}, grade {} → {}",
            who(r),
            rank_move(r),
            score(r.against_score),
            score(r.score),
            grade(&r.against_grade),
            grade(&r.grade),
        ),
        6,
    ));
    if !with_drivers {
        return;
    }
    if m.dimensions.is_empty() && m.indicators.is_empty() {
        out.push_str("      no points of its own changed: others moved past it\n");
        return;
    }
    let list = |drivers: &[crate::diff::Driver]| {
        drivers
            .iter()
            .map(|d| match d.name == d.id {
                true => format!("{} {:+.2}", d.id, d.points),
                false => format!("{} {} {:+.2}", d.id, d.name, d.points),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (what, drivers) in [("dimensions", &m.dimensions), ("indicators", &m.indicators)] {
        if !drivers.is_empty() {
            out.push_str(&wrap(&format!("      {what}: {}", list(drivers)), 8));
        }
    }
}

/// The diff as text, every line at most [`crate::report::explain::TEXT_WIDTH`] columns.
pub fn text(diff: &Diff) -> String {
    let mut out = String::new();
    out.push_str(&wrap(&format!("this run: {}", diff.this), 4));
    out.push_str(&wrap(&format!("against:  {}", diff.against), 4));
    out.push_str(&wrap(
        &format!(
            "institutions: {} compared, {} entered, {} left",
            diff.compared,
            diff.entered.len(),
            diff.left.len()
        ),
        4,
    ));
    if !diff.entered.is_empty() {
        out.push_str(&wrap(&format!("  entered: {}", ids(&diff.entered)), 4));
    }
    if !diff.left.is_empty() {
        out.push_str(&wrap(&format!("  left: {}", ids(&diff.left)), 4));
    }
    let a = &diff.agreement;
    out.push_str(&wrap(
        &format!(
            "rank agreement over the {} institutions ranked in both: Spearman ρ {}, Kendall τ-b {}",
            a.n,
            statistic(a.spearman),
            statistic(a.kendall)
        ),
        4,
    ));
    if !diff.groups.is_empty() {
        let _ = writeln!(
            out,
            "  {} {:>7} {:>9} {:>9}",
            fit("peer group", 40),
            "ranked",
            "ρ",
            "τ-b"
        );
        for g in &diff.groups {
            let _ = writeln!(
                out,
                "  {} {:>7} {:>9} {:>9}",
                fit(g.group.as_deref().unwrap_or_default(), 40),
                g.n,
                statistic(g.spearman),
                statistic(g.kendall)
            );
        }
    }
    match (&diff.mean_rank_change, &diff.largest) {
        (Some(mean), _) if *mean == 0.0 => {
            out.push_str("rank changes: none (every institution ranked in both keeps its rank)\n")
        }
        (Some(mean), Some(largest)) => out.push_str(&wrap(
            &format!(
                "rank changes: mean |Δrank| {mean:.2}; largest: {}, {}",
                who(largest),
                rank_move(largest)
            ),
            4,
        )),
        _ => out.push_str("rank changes: no institution is ranked in both runs\n"),
    }

    out.push('\n');
    if diff.grades.is_empty() {
        out.push_str("grade transitions: neither scheme has grades\n");
    } else {
        out.push_str("grade transitions (rows: against, columns: this run)\n");
        let width = diff.grades.len().min(10);
        let cell = (96 - 16) / width.max(1);
        let cell = cell.clamp(3, 8);
        let mut line = format!("  {}", fit("", 14));
        for g in &diff.grades {
            let _ = write!(line, "{}", right(g, cell));
        }
        out.push_str(line.trim_end());
        out.push('\n');
        for (g, counts) in diff.grades.iter().zip(&diff.transitions) {
            let mut line = format!("  {}", fit(g, 14));
            for n in counts {
                let _ = write!(line, "{}", right(&n.to_string(), cell));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }

    let with_drivers = diff.drivers_note.is_none();
    for (title, movers) in [("up", &diff.movers_up), ("down", &diff.movers_down)] {
        out.push('\n');
        if movers.is_empty() {
            let _ = writeln!(out, "top movers {title}: none");
            continue;
        }
        let _ = writeln!(
            out,
            "top movers {title}{}",
            match with_drivers {
                true => " (drivers: change of points, this run − against)",
                false => "",
            }
        );
        for m in movers.iter() {
            mover(&mut out, m, with_drivers);
        }
    }
    if let Some(note) = &diff.drivers_note {
        out.push_str(&wrap(&format!("no drivers: {note}"), 4));
    }

    out.push('\n');
    let crossed: Vec<&Row> = diff.rows.iter().filter(|r| r.crossed()).collect();
    if crossed.is_empty() {
        out.push_str("grade changed: none\n");
    } else {
        let _ = writeln!(out, "grade changed: {} of {}", crossed.len(), diff.compared);
        for r in crossed.iter().take(LISTED) {
            out.push_str(&wrap(
                &format!(
                    "  {}: {} → {}, score {} → {}, {}",
                    who(r),
                    grade(&r.against_grade),
                    grade(&r.grade),
                    score(r.against_score),
                    score(r.score),
                    rank_move(r)
                ),
                6,
            ));
        }
        if crossed.len() > LISTED {
            let _ = writeln!(
                out,
                "  … {} more (--out FILE lists every institution)",
                crossed.len() - LISTED
            );
        }
    }
    out
}

/// Wraps `text` at spaces to [`TEXT_WIDTH`] columns, keeping its leading spaces; continuation
/// lines are indented by `indent` spaces.
fn wrap(text: &str, indent: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let body = text.trim_start_matches(' ');
    let mut out = String::new();
    let mut line = " ".repeat(text.len() - body.len());
    let mut empty = true;
    for word in body.split(' ') {
        if !empty && line.width() + 1 + word.width() > TEXT_WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(indent);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// `text` right-aligned in `width` display columns (cut if longer).
fn right(text: &str, width: usize) -> String {
    let shown = fit(text, width);
    let trimmed = shown.trim_end();
    let used = unicode_width::UnicodeWidthStr::width(trimmed);
    format!("{}{trimmed}", " ".repeat(width.saturating_sub(used)))
}
