//! `jixiao sensitivity`'s output: the analysis as text (what was varied and how, every declared
//! input that could not vary, the indices, the rank intervals of the top of the ranking), as
//! tables for `--out` (one row per institution) and `--indices-out` (one row per input) in any
//! format of [`super::write_table_with`], and `draws.csv`.

use std::fmt::Write as _;
use std::path::Path;

use polars::prelude::*;
use unicode_width::UnicodeWidthStr;

use crate::error::Result;
use crate::sensitivity::{inputs, Analysis, Factor, Institution, Path as DrawPath, NO_GRADE};

use super::OutputOptions;

/// Rows of cells aligned in columns: text left, numbers right (a cell starting with a digit,
/// a sign or a bracket).
fn grid(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[c] - cell.width());
            let numeric = cell
                .chars()
                .next()
                .is_some_and(|ch| ch.is_ascii_digit() || "-−[—".contains(ch));
            if c > 0 {
                line.push_str("  ");
            }
            if numeric {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&pad);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A rank as printed: whole ranks without decimals, "—" for none.
fn rank_text(r: f64) -> String {
    if r.is_nan() {
        "—".into()
    } else if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

fn grade_text(analysis: &Analysis, g: u8) -> String {
    if g == NO_GRADE {
        "—".into()
    } else {
        analysis.bands[g as usize].clone()
    }
}

/// The institutions in nominal rank order, the unranked last (each group in the data's order).
fn by_nominal_rank(analysis: &Analysis) -> Vec<&Institution> {
    let mut rows: Vec<&Institution> = analysis.institutions.iter().collect();
    rows.sort_by(
        |a, b| match (a.nominal_rank.is_nan(), b.nominal_rank.is_nan()) {
            (false, false) => a.nominal_rank.total_cmp(&b.nominal_rank),
            (x, y) => x.cmp(&y),
        },
    );
    rows
}

/// What each declared input is, in words.
fn declared(analysis: &Analysis) -> Vec<String> {
    let u = &analysis.uncertainty;
    let mut out = Vec::new();
    if let Some(p) = u.weight_noise {
        let weights = analysis
            .design
            .factors
            .iter()
            .filter(|f| matches!(f, Factor::Weight { .. }))
            .count();
        out.push(format!(
            "weight noise: every weight × U({}, {}), renormalised among its siblings ({weights} weights vary)",
            crate::display::format_number(1.0 - p),
            crate::display::format_number(1.0 + p)
        ));
    }
    if let Some(c) = u.dirichlet {
        let groups = analysis
            .design
            .factors
            .iter()
            .filter(|f| matches!(f, Factor::Dirichlet { .. }))
            .count();
        out.push(format!(
            "Dirichlet weights: each sibling group ~ Dirichlet({} × nominal weights) ({groups} groups vary)",
            crate::display::format_number(c)
        ));
    }
    if !u.means.is_empty() {
        let names: Vec<&str> = u.means.iter().map(|m| inputs::mean_name(*m)).collect();
        out.push(format!("aggregation mean: one of {}", names.join(", ")));
    }
    if !u.missing.is_empty() {
        let names: Vec<&str> = u.missing.iter().map(|m| inputs::policy_name(*m)).collect();
        out.push(format!("missing-data policy: one of {}", names.join(", ")));
    }
    for factor in &analysis.design.factors {
        match factor {
            Factor::LeaveOutIndicator(ids) => out.push(format!(
                "leave one indicator out: none or one of {} indicators, each with probability 1/{}",
                ids.len(),
                ids.len() + 1
            )),
            Factor::LeaveOutDimension(ids) => out.push(format!(
                "leave one dimension out: none or one of {}, each with probability 1/{}",
                ids.join(", "),
                ids.len() + 1
            )),
            Factor::Method {
                indicator,
                alternatives,
            } => out.push(format!(
                "scoring method of {indicator}: one of {}, each with probability 1/{}",
                alternatives
                    .iter()
                    .map(crate::sensitivity::methods::method_text)
                    .collect::<Vec<_>>()
                    .join(", "),
                alternatives.len()
            )),
            _ => {}
        }
    }
    out
}

/// The analysis as text, with the `top` institutions of the nominal ranking.
pub fn text(analysis: &Analysis, scheme: &str, top: usize) -> String {
    let mut out = String::new();
    let options = &analysis.options;
    let draws = options.draws;
    let k = analysis.design.factors.len();
    let _ = writeln!(
        out,
        "sensitivity of {scheme}: {} institutions",
        analysis.institutions.len()
    );
    let extra = analysis.runs.len() - draws;
    if extra > 0 {
        let _ = writeln!(
            out,
            "draws: {draws} (seed {}); {extra} more runs for the indices (N × (k + 1), k = {k} inputs that vary)",
            options.seed
        );
    } else {
        let _ = writeln!(out, "draws: {draws} (seed {})", options.seed);
    }
    match &analysis.path {
        DrawPath::Lean => {
            let _ = writeln!(
                out,
                "each draw re-aggregates the cached indicator scores (data read and indicators scored once)"
            );
            if let Some(note) = &analysis.grading_note {
                let _ = writeln!(
                    out,
                    "grades by the pipeline's grade expressions per draw, not natively: {note}"
                );
            }
        }
        DrawPath::Rescore { reason } => {
            let _ = writeln!(out, "each draw: {reason}");
        }
    }
    out.push_str("uncertain inputs:\n");
    for line in declared(analysis) {
        let _ = writeln!(out, "  {line}");
    }
    if analysis.design.fixed.is_empty() {
        out.push_str("declared but could not vary: none\n");
    } else {
        out.push_str("declared but could not vary (indices 0):\n");
        for fixed in &analysis.design.fixed {
            let _ = writeln!(out, "  {}: {}", fixed.input, fixed.reason);
        }
    }
    let width = analysis.median_interval_width();
    let _ = writeln!(
        out,
        "rank intervals: median width Q95 − Q5 = {} places",
        if width.is_nan() {
            "—".to_string()
        } else {
            crate::display::format_number((width * 10.0).round() / 10.0)
        }
    );
    if !analysis.indices.is_empty() {
        let _ = writeln!(
            out,
            "\nsensitivity indices of the mean absolute rank shift against the nominal ranking (Jansen estimators; {}% bootstrap intervals, {} resamples):",
            crate::display::format_number(options.level * 100.0),
            options.resamples
        );
        let mut rows = vec![vec![
            "input".to_string(),
            "first order Sᵢ".into(),
            "interval".into(),
            "total Sₜᵢ".into(),
            "interval".into(),
        ]];
        let mut sorted: Vec<_> = analysis.indices.iter().collect();
        sorted.sort_by(|a, b| b.indices.total.total_cmp(&a.indices.total));
        for input in sorted {
            let i = &input.indices;
            let name = if input.varied {
                input.input.clone()
            } else {
                format!("{} (could not vary)", input.input)
            };
            rows.push(vec![
                name,
                format!("{:.3}", i.first),
                format!("[{:.3}, {:.3}]", i.first_ci.0, i.first_ci.1),
                format!("{:.3}", i.total),
                format!("[{:.3}, {:.3}]", i.total_ci.0, i.total_ci.1),
            ]);
        }
        out.push_str(&grid(&rows));
    }
    let shown = top.min(analysis.institutions.len());
    let _ = writeln!(
        out,
        "\nrank intervals over the {draws} draws (top {shown} of the nominal ranking; --out FILE lists every institution):"
    );
    let mut header = vec![
        "rank".to_string(),
        "id".into(),
        "name".into(),
        "grade".into(),
        "median".into(),
        "Q5".into(),
        "Q95".into(),
    ];
    header.extend(analysis.bands.iter().map(|b| format!("P({b})")));
    let mut rows = vec![header];
    for inst in by_nominal_rank(analysis).into_iter().take(shown) {
        let mut row = vec![
            rank_text(inst.nominal_rank),
            inst.id.clone(),
            inst.name.clone().unwrap_or_default(),
            grade_text(analysis, inst.nominal_grade),
            rank_text(inst.median),
            rank_text(inst.q5),
            rank_text(inst.q95),
        ];
        row.extend(
            inst.grade_shares[..analysis.bands.len()]
                .iter()
                .map(|p| format!("{p:.2}")),
        );
        rows.push(row);
    }
    out.push_str(&grid(&rows));
    out
}

fn optional(values: impl Iterator<Item = f64>) -> Vec<Option<f64>> {
    values.map(|v| (!v.is_nan()).then_some(v)).collect()
}

/// One row per institution in nominal rank order: id, name, peer group, nominal rank and grade,
/// median, Q5 and Q95 rank, draws that ranked it, and the share of draws giving each grade.
pub fn institutions_table(analysis: &Analysis) -> Result<DataFrame> {
    let rows = by_nominal_rank(analysis);
    let mut columns = vec![
        Column::new(
            "id".into(),
            rows.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "name".into(),
            rows.iter().map(|i| i.name.as_deref()).collect::<Vec<_>>(),
        ),
        Column::new(
            "peer_group".into(),
            rows.iter()
                .map(|i| i.peer_group.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "nominal_rank".into(),
            optional(rows.iter().map(|i| i.nominal_rank)),
        ),
        Column::new(
            "nominal_grade".into(),
            rows.iter()
                .map(|i| {
                    (i.nominal_grade != NO_GRADE).then(|| grade_text(analysis, i.nominal_grade))
                })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "median_rank".into(),
            optional(rows.iter().map(|i| i.median)),
        ),
        Column::new("q5_rank".into(), optional(rows.iter().map(|i| i.q5))),
        Column::new("q95_rank".into(), optional(rows.iter().map(|i| i.q95))),
        Column::new(
            "draws_ranked".into(),
            rows.iter().map(|i| i.ranked as u32).collect::<Vec<_>>(),
        ),
    ];
    for (b, band) in analysis.bands.iter().enumerate() {
        columns.push(Column::new(
            format!("p_{band}").into(),
            rows.iter().map(|i| i.grade_shares[b]).collect::<Vec<_>>(),
        ));
    }
    if !analysis.bands.is_empty() {
        let last = analysis.bands.len();
        columns.push(Column::new(
            "p_no_grade".into(),
            rows.iter()
                .map(|i| i.grade_shares[last])
                .collect::<Vec<_>>(),
        ));
    }
    Ok(DataFrame::new(rows.len(), columns)?)
}

/// One row per uncertain input: its indices and their intervals, and whether it varied.
pub fn indices_table(analysis: &Analysis) -> Result<DataFrame> {
    let rows = &analysis.indices;
    let get = |f: fn(&crate::sensitivity::Indices) -> f64| -> Vec<f64> {
        rows.iter().map(|r| f(&r.indices)).collect()
    };
    Ok(DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                "input".into(),
                rows.iter().map(|r| r.input.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "varied".into(),
                rows.iter().map(|r| r.varied).collect::<Vec<_>>(),
            ),
            Column::new("first_order".into(), get(|i| i.first)),
            Column::new("first_order_low".into(), get(|i| i.first_ci.0)),
            Column::new("first_order_high".into(), get(|i| i.first_ci.1)),
            Column::new("total".into(), get(|i| i.total)),
            Column::new("total_low".into(), get(|i| i.total_ci.0)),
            Column::new("total_high".into(), get(|i| i.total_ci.1)),
        ],
    )?)
}

/// Writes the per-institution table to `path` (format by extension), atomically.
pub fn write_institutions(analysis: &Analysis, path: &Path, options: &OutputOptions) -> Result<()> {
    super::write_table_with(&institutions_table(analysis)?, path, options)
}

/// Writes the indices table to `path`, atomically.
pub fn write_indices(analysis: &Analysis, path: &Path, options: &OutputOptions) -> Result<()> {
    super::write_table_with(&indices_table(analysis)?, path, options)
}

/// Writes `draws.csv`, atomically.
pub fn write_draws(analysis: &Analysis, path: &Path) -> Result<()> {
    let text = crate::sensitivity::draws::csv(analysis);
    super::write_atomically(path, |file| {
        use std::io::Write as _;
        file.write_all(text.as_bytes())
            .map_err(super::atomic::io_error(path))
    })
}
