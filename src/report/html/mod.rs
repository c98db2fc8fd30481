//! The HTML report (`--out report.html`): one self-contained file — styles, script, data and
//! charts inline, nothing fetched — for a director to open in a browser, in Chinese by default
//! or English (`--lang en`).
//!
//! Sections: an overview (institutions in, ranked, vetoed, excluded; the grade distribution, the
//! score per peer group as box plots, the dimension means per peer group), the ranking (sorted by
//! any column, filtered by peer group and grade, searched by id or name, paged), one panel per
//! institution opened from the ranking (its dimension scores against its peer group's median,
//! its indicator scores, points, points lost against full marks and against the median, as
//! `jixiao explain` defines them, and its flags), the movement against the previous period's run
//! when one is given, and data quality (missing values, zero denominators, cells that are not
//! numbers, the warnings with their cells).
//!
//! Policies:
//! - **Scale.** Charts are drawn from aggregates (counts, quartiles, means), never one mark per
//!   institution; the ranking and the panels are rendered by the page's script from compact JSON
//!   rows, a page of [`PAGE_ROWS`] at a time. The indicator detail of the panels is embedded while
//!   institutions × weighted indicators stays within [`DETAIL_CELLS`]; past that the panels show
//!   the dimensions and say why (`jixiao explain --id` gives the full detail of one institution).
//! - **Bounded memory.** The file is written row by row to the output as it is built, never held
//!   whole; what is kept is per peer group (medians, quartiles, means).
//! - **Byte-identical.** No timestamp, no random identifier; groups by name, grades in the
//!   scheme's order, rows in the output table's order, numbers at most 4 decimals.
//! - **Same numbers.** Scores, points and weights are the run's (`crate::contribution` for the
//!   points); the page only rounds them for display.

mod charts;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use polars::prelude::*;
use serde_json::{json, Value};

use super::atomic::io_error;
use super::lang::{data_file_text, flags_text, problem_text, warning_text, Lang};
use crate::columns::{
    effective_weight_column, points_column, score_column, GRADE_COLUMN, GROUP_RANK_COLUMN,
    RANK_COLUMN, SCORE_COLUMN, UNGROUPED,
};
use crate::diff::{Diff, Status};
use crate::error::Result;
use crate::pipeline::ScoreRun;
use crate::plan::Plan;
use crate::progress::Progress;
use crate::weight::WeightNode;

pub use charts::{bar_chart, box_plots, grouped_bars, BoxStats};

/// Rows of the ranking shown per page.
pub const PAGE_ROWS: usize = 100;
/// Institutions × weighted indicators up to which the panels carry the indicator detail.
pub const DETAIL_CELLS: usize = 20_000_000;
/// Peer groups drawn in the charts (the largest first beyond this; the rest are named).
pub const CHART_GROUPS: usize = 12;
/// Top movers listed each way.
pub const MOVERS: usize = 10;

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");
/// Runs first: collects script errors and console errors into `#js-errors` (read by the browser
/// test, hidden from readers).
const ERROR_HOOK: &str = r#"(function(){var box=function(){return document.getElementById("js-errors");};var note=function(m){var b=box();if(b){b.textContent+=m+"\n";b.setAttribute("data-count",String((parseInt(b.getAttribute("data-count"),10)||0)+1));}};window.addEventListener("error",function(e){note("error: "+e.message);});var original=console.error;console.error=function(){note("console.error: "+Array.prototype.join.call(arguments," "));original.apply(console,arguments);};})();"#;

/// What the HTML report shows.
pub struct HtmlReport<'a> {
    pub plan: &'a Plan,
    /// The run, scored with contributions when the total allows them and with its scored frame
    /// kept (`ScoreOptions { contributions, keep_scored: true }`) for the panels' own weights.
    pub run: &'a ScoreRun,
    /// This run against the previous period's run, when both were scored.
    pub movement: Option<&'a Diff>,
    pub lang: Lang,
}

/// The words of the page in one language.
struct Words {
    lang: Lang,
}

impl Words {
    fn get(&self, zh: &'static str, en: &'static str) -> &'static str {
        self.lang.pick(zh, en)
    }
}

/// Writes the report to `out` (`path` names it in errors), advancing `progress` by rows.
pub fn write_html(
    report: &HtmlReport,
    out: &mut dyn Write,
    path: &Path,
    progress: &Progress,
) -> Result<()> {
    let io = io_error(path);
    let plan = report.plan;
    let run = report.run;
    let table = &run.table;
    let spec = &plan.scheme.spec;
    let summary = &run.summary;
    let w = Words { lang: report.lang };
    let n = table.height();

    // Columns of the output table, in its (rank) order.
    let ids = texts(table, &spec.columns.id)?;
    let names = match &spec.columns.name {
        Some(name) if name != &spec.columns.id => Some(texts(table, name)?),
        _ => None,
    };
    let group_column = super::peer_group_column(plan, table);
    let everyone = w.get("全部机构", "all institutions");
    let group_texts = match &group_column {
        Some(column) => Some(texts(table, column)?),
        None => None,
    };
    let group_of = |row: usize| -> &str {
        match &group_texts {
            Some(texts) => texts.get(row).unwrap_or(UNGROUPED),
            None => everyone,
        }
    };
    let groups: Vec<String> = (0..n)
        .map(group_of)
        .collect::<std::collections::BTreeSet<&str>>()
        .into_iter()
        .map(str::to_string)
        .collect();
    let group_index: BTreeMap<&str, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.as_str(), i))
        .collect();
    let row_group: Vec<usize> = (0..n).map(|row| group_index[group_of(row)]).collect();
    let grade_labels: Vec<String> = spec
        .grades
        .iter()
        .flat_map(|g| g.bands.iter().map(|b| b.grade.clone()))
        .collect();
    let grade_colours: Vec<String> = (0..grade_labels.len())
        .map(|i| grade_hex(i, grade_labels.len()))
        .collect();
    let scores = floats(table, SCORE_COLUMN)?;
    let dimensions: Vec<&WeightNode> = run.weights.dimensions.iter().collect();
    let dimension_names: Vec<String> = dimensions
        .iter()
        .map(|d| crate::explain::node_name(plan, d).0)
        .collect();
    let dimension_scores: Vec<Vec<Option<f64>>> = dimensions
        .iter()
        .map(|d| optional_floats(table, &score_column(&d.id)))
        .collect::<Result<_>>()?;

    // Weighted indicators (leaves of the weight tree), for the panels.
    let mut leaves: Vec<&WeightNode> = Vec::new();
    fn walk<'t>(node: &'t WeightNode, out: &mut Vec<&'t WeightNode>) {
        if node.is_leaf() {
            out.push(node);
        }
        for child in &node.children {
            walk(child, out);
        }
    }
    for dimension in &dimensions {
        walk(dimension, &mut leaves);
    }
    let has_points = leaves
        .first()
        .is_some_and(|l| table.schema().contains(&points_column(&l.id)));
    let detail = n.saturating_mul(leaves.len().max(1)) <= DETAIL_CELLS;
    let detail_note = if detail {
        String::new()
    } else {
        match w.lang {
            Lang::Zh => format!(
                "机构数 × 计分指标数超过 {DETAIL_CELLS}，报告中未嵌入各指标明细；用 jixiao explain --id 编码 查看某一机构的完整解释。"
            ),
            Lang::En => format!(
                "Institutions × weighted indicators exceed {DETAIL_CELLS}: the indicator detail is not embedded; run jixiao explain --id ID for one institution's full explanation."
            ),
        }
    };

    // Peer-group aggregates: score quartiles, dimension means and medians, leaf medians.
    let mut by_group: Vec<Vec<f64>> = vec![Vec::new(); groups.len()];
    for (row, score) in scores.iter().enumerate() {
        if let Some(s) = score.filter(|s| s.is_finite()) {
            by_group[row_group[row]].push(s);
        }
    }
    let mut boxes: Vec<(String, BoxStats)> = Vec::new();
    for (g, values) in by_group.iter_mut().enumerate() {
        if let Some(stats) = BoxStats::of(values) {
            boxes.push((groups[g].clone(), stats));
        }
    }
    drop(by_group);
    let mut sums = vec![vec![(0.0f64, 0usize); dimension_scores.len()]; groups.len()];
    for (d, column) in dimension_scores.iter().enumerate() {
        for (row, value) in column.iter().enumerate() {
            if let Some(v) = value.filter(|v| v.is_finite()) {
                let sum = &mut sums[row_group[row]][d];
                sum.0 += v;
                sum.1 += 1;
            }
        }
    }
    let means: Vec<Vec<Option<f64>>> = sums
        .into_iter()
        .map(|group| {
            group
                .into_iter()
                .map(|(sum, n)| (n > 0).then(|| sum / n as f64))
                .collect()
        })
        .collect();
    let dimension_medians = group_medians(&dimension_scores, &row_group, groups.len());
    let leaf_columns: Vec<String> = leaves.iter().map(|l| score_column(&l.id)).collect();
    let leaf_medians: Vec<Vec<Option<f64>>> = if detail {
        let mut out = vec![Vec::new(); groups.len()];
        for column in &leaf_columns {
            let values = optional_floats(table, column)?;
            let medians = group_medians(std::slice::from_ref(&values), &row_group, groups.len());
            for (g, m) in medians.into_iter().enumerate() {
                out[g].push(m[0]);
            }
        }
        out
    } else {
        vec![Vec::new(); groups.len()]
    };

    // The movement against the previous period, by id.
    let movement: HashMap<&str, (Option<f64>, Option<f64>)> = report
        .movement
        .map(|diff| {
            diff.rows
                .iter()
                .filter(|r| r.status != Status::Left)
                .map(|r| (&*r.id, (r.places_up(), r.score_change())))
                .collect()
        })
        .unwrap_or_default();

    // The page, written as it is built.
    let mut page = String::new();
    let title = format!(
        "{} — {}",
        summary.scheme_name,
        w.get("绩效考核结果", "assessment results")
    );
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"jixiao\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n<script>{ERROR_HOOK}</script>\n</head>\n<body>\n<pre id=\"js-errors\" data-count=\"0\"></pre>\n",
        w.lang.code(),
        escape(&title)
    );
    let _ = write!(
        page,
        "<h1>{}</h1>\n<p class=\"meta\">{} {} · {} {}",
        escape(&title),
        w.get("方案版本", "scheme version"),
        escape(&summary.scheme_version),
        w.get("数据", "data"),
        escape(&data_file_text(
            &summary.data_file,
            &summary.data_read,
            &summary.data_source,
            w.lang
        ))
    );
    if let (Some(previous), Some(read), Some(described)) = (
        &summary.previous_file,
        &summary.previous_read,
        &summary.previous_source,
    ) {
        let _ = write!(
            page,
            " · {} {}",
            w.get("上期数据", "previous period"),
            escape(&data_file_text(previous, read, described, w.lang))
        );
    }
    page.push_str("</p>\n<nav>");
    let mut sections = vec![
        ("overview", w.get("概览", "Overview")),
        ("ranking-section", w.get("排名", "Ranking")),
    ];
    if report.movement.is_some() {
        sections.push(("movement", w.get("与上期比较", "Movement")));
    }
    sections.push(("quality", w.get("数据质量", "Data quality")));
    for (anchor, label) in &sections {
        let _ = write!(page, "<a href=\"#{anchor}\">{label}</a>");
    }
    page.push_str("</nav>\n");

    // Overview.
    let _ = write!(
        page,
        "<section id=\"overview\"><h2>{}</h2>\n<div class=\"cards\">",
        w.get("概览", "Overview")
    );
    for (label, count) in [
        (w.get("参评机构", "institutions"), summary.load.institutions),
        (w.get("排名机构", "ranked"), summary.ranked),
        (w.get("一票否决", "vetoed"), summary.vetoed),
        (w.get("数据不足未排名", "excluded"), summary.excluded),
    ] {
        let _ = write!(
            page,
            "<div class=\"card\" data-count=\"{count}\"><b>{count}</b>{label}</div>"
        );
    }
    page.push_str("</div>\n<div class=\"charts\">\n");
    if let Some(overall) = summary.outcomes.grades.first() {
        let mut bars: Vec<(String, usize, String)> = overall
            .counts
            .iter()
            .enumerate()
            .map(|(i, (grade, count))| {
                let colour = grade_colours
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| "#999".into());
                (grade.clone(), *count, colour)
            })
            .collect();
        if overall.ungraded > 0 {
            bars.push((
                w.get("无等级", "no grade").to_string(),
                overall.ungraded,
                "#bbbbbb".into(),
            ));
        }
        figure(
            &mut page,
            "chart-grades",
            w.get("等级分布", "Grade distribution"),
            &bar_chart(w.get("等级分布", "Grade distribution"), &bars),
        );
    }
    let (shown_groups, more) = largest_groups(&boxes, CHART_GROUPS);
    let shown_boxes: Vec<(String, BoxStats)> =
        shown_groups.iter().map(|&i| boxes[i].clone()).collect();
    figure(
        &mut page,
        "chart-scores",
        w.get("各同类组总分分布", "Score distribution per peer group"),
        &box_plots(
            w.get("各同类组总分分布", "Score distribution per peer group"),
            &shown_boxes,
        ),
    );
    let chart_series: Vec<String> = shown_boxes.iter().map(|b| b.0.clone()).collect();
    let chart_means: Vec<Vec<Option<f64>>> = chart_series
        .iter()
        .map(|g| means[group_index[g.as_str()]].clone())
        .collect();
    figure(
        &mut page,
        "chart-dimensions",
        w.get("各同类组维度平均得分", "Dimension means per peer group"),
        &grouped_bars(
            w.get("各同类组维度平均得分", "Dimension means per peer group"),
            &dimension_names,
            &chart_series,
            &chart_means,
        ),
    );
    page.push_str("</div>\n");
    if more > 0 {
        let _ = writeln!(
            page,
            "<p class=\"note\">{}</p>",
            match w.lang {
                Lang::Zh => format!("图中为机构最多的 {CHART_GROUPS} 个同类组，另有 {more} 个组未画出。"),
                Lang::En => format!("The charts show the {CHART_GROUPS} largest peer groups; {more} more are not drawn."),
            }
        );
    }
    page.push_str("</section>\n");

    // Ranking: filters, the table's head; rows are rendered by the script.
    let _ = write!(
        page,
        "<section id=\"ranking-section\"><h2>{}</h2>\n<div class=\"filters\"><label>{} <select id=\"filter-group\"><option value=\"\">{}</option>",
        w.get("排名", "Ranking"),
        w.get("同类组", "Peer group"),
        w.get("全部", "all")
    );
    for (i, g) in groups.iter().enumerate() {
        let _ = write!(page, "<option value=\"{i}\">{}</option>", escape(g));
    }
    let _ = write!(
        page,
        "</select></label><label>{} <select id=\"filter-grade\"><option value=\"\">{}</option>",
        w.get("等级", "Grade"),
        w.get("全部", "all")
    );
    for (i, g) in grade_labels.iter().enumerate() {
        let _ = write!(page, "<option value=\"{i}\">{}</option>", escape(g));
    }
    let _ = writeln!(
        page,
        "<option value=\"-1\">{}</option></select></label><label>{} <input id=\"filter-q\" type=\"search\" placeholder=\"{}\"></label><span id=\"ranking-count\"></span><span class=\"pager\"><button id=\"page-prev\" type=\"button\">‹</button> <span id=\"page-text\"></span> <button id=\"page-next\" type=\"button\">›</button></span></div>",
        w.get("无等级", "no grade"),
        w.get("搜索", "Search"),
        w.get("编码或名称", "id or name")
    );
    page.push_str("<div class=\"scroll\"><table id=\"ranking\"><thead><tr>");
    let mut heads: Vec<(String, String)> = vec![
        ("rank".into(), w.get("排名", "Rank").into()),
        ("group_rank".into(), w.get("组内排名", "Group rank").into()),
        ("id".into(), spec.columns.id.clone()),
        (
            "name".into(),
            spec.columns
                .name
                .clone()
                .unwrap_or_else(|| w.get("名称", "Name").into()),
        ),
        ("group".into(), w.get("同类组", "Peer group").into()),
        ("score".into(), w.get("总分", "Score").into()),
        ("grade".into(), w.get("等级", "Grade").into()),
    ];
    for (i, name) in dimension_names.iter().enumerate() {
        heads.push((format!("dim{i}"), name.clone()));
    }
    if report.movement.is_some() {
        heads.push(("move_rank".into(), w.get("名次变化", "Places up").into()));
        heads.push((
            "move_score".into(),
            w.get("总分变化", "Score change").into(),
        ));
    }
    for (key, label) in &heads {
        let _ = write!(page, "<th data-sort=\"{key}\">{}</th>", escape(label));
    }
    let _ = write!(
        page,
        "<th>{}</th></tr></thead><tbody id=\"ranking-rows\"></tbody></table></div>\n<div id=\"panel\" hidden></div>\n<p class=\"note\">{}</p>\n</section>\n",
        w.get("说明", "Flags"),
        w.get(
            "点击一行查看该机构的维度得分、指标得分与失分。",
            "Click a row to see the institution's dimension scores, indicator scores and points lost."
        )
    );

    if let Some(diff) = report.movement {
        movement_section(&mut page, diff, &w, spec.score_decimals as usize);
    }
    quality_section(&mut page, run, &w);
    out.write_all(page.as_bytes()).map_err(&io)?;
    page.clear();

    // The data, row by row.
    let labels = labels(&w);
    let header = json!({
        "t": labels,
        "decimals": spec.score_decimals,
        "dims": dimension_names,
        "leaves": leaves.iter().map(|l| {
            let (name, _) = crate::explain::node_name(plan, l);
            json!([l.id, name])
        }).collect::<Vec<_>>(),
        "groups": groups,
        "grades": grade_labels.iter().zip(&grade_colours).map(|(g, c)| json!([g, c])).collect::<Vec<_>>(),
        "detail": detail,
        "detail_note": detail_note,
        "points": has_points && run.scored.is_some(),
        "movement": report.movement.is_some(),
        "medians": (0..groups.len()).map(|g| json!({
            "dims": dimension_medians[g].iter().map(|v| number(*v)).collect::<Vec<_>>(),
            "leaves": leaf_medians[g].iter().map(|v| number(*v)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let header = safe_json(&header.to_string());
    out.write_all(b"<script type=\"application/json\" id=\"report-data\">")
        .map_err(&io)?;
    out.write_all(&header.as_bytes()[..header.len() - 1])
        .map_err(&io)?;
    out.write_all(b",\"rows\":[\n").map_err(&io)?;

    let ranks = floats(table, RANK_COLUMN)?;
    let group_ranks = floats(table, GROUP_RANK_COLUMN)?;
    let grades = texts(table, GRADE_COLUMN)?;
    let flags = &run.flags;
    let grade_of: BTreeMap<&str, i64> = grade_labels
        .iter()
        .enumerate()
        .map(|(i, g)| (g.as_str(), i as i64))
        .collect();
    // The panels' detail: leaf scores and points from the table; own weights from the scored
    // frame (input order), found by id.
    let points_data = detail && has_points && run.scored.is_some();
    let leaf_points: Vec<Option<Float64Chunked>> = leaves
        .iter()
        .map(|l| chunked(table, &points_column(&l.id)))
        .collect::<Result<_>>()?;
    let leaf_scores: Vec<Option<Float64Chunked>> = leaf_columns
        .iter()
        .map(|c| chunked(table, c))
        .collect::<Result<_>>()?;
    let (scored_row, leaf_weights) = match (&run.scored, points_data) {
        (Some(scored), true) => {
            let scored_ids = texts(scored, &spec.columns.id)?;
            let mut at: HashMap<String, usize> = HashMap::with_capacity(scored_ids.len());
            for (row, id) in scored_ids.iter().enumerate() {
                at.insert(id.unwrap_or_default().to_string(), row);
            }
            let weights: Vec<Option<Float64Chunked>> = leaves
                .iter()
                .map(|l| chunked(scored, &effective_weight_column(&l.id)))
                .collect::<Result<_>>()?;
            (Some(at), weights)
        }
        _ => (None, Vec::new()),
    };
    progress.stage("writing HTML", Some(n as u64));
    let mut line = String::new();
    for row in 0..n {
        let id = ids.get(row).unwrap_or_default();
        let (places, change) = movement.get(id).copied().unwrap_or((None, None));
        let mut values = vec![
            number(ranks[row]),
            number(group_ranks[row]),
            json!(id),
            names
                .as_ref()
                .and_then(|n| n.get(row))
                .map_or(Value::Null, Value::from),
            json!(row_group[row]),
            number(scores[row]),
            json!(grades
                .get(row)
                .and_then(|g| grade_of.get(g))
                .copied()
                .unwrap_or(-1)),
            json!(flags
                .get(row)
                .map(|f| flags_text(f, w.lang))
                .unwrap_or_default()),
            Value::Array(dimension_scores.iter().map(|c| number(c[row])).collect()),
            number(places),
            number(change),
        ];
        if detail {
            values.push(Value::Array(
                leaf_scores
                    .iter()
                    .map(|c| number(c.as_ref().and_then(|c| c.get(row))))
                    .collect(),
            ));
            if points_data {
                values.push(Value::Array(
                    leaf_points
                        .iter()
                        .map(|c| number(c.as_ref().and_then(|c| c.get(row))))
                        .collect(),
                ));
                let at = scored_row.as_ref().and_then(|m| m.get(id)).copied();
                values.push(Value::Array(
                    leaf_weights
                        .iter()
                        .map(|c| number(at.and_then(|at| c.as_ref()?.get(at))))
                        .collect(),
                ));
            }
        }
        line.clear();
        line.push_str(&safe_json(&Value::Array(values).to_string()));
        line.push_str(if row + 1 < n { ",\n" } else { "\n" });
        out.write_all(line.as_bytes()).map_err(&io)?;
        if row % 4096 == 4095 {
            progress.advance(4096);
        }
    }
    out.write_all(b"]}</script>\n<script>\n").map_err(&io)?;
    out.write_all(SCRIPT.as_bytes()).map_err(&io)?;
    out.write_all(b"</script>\n</body>\n</html>\n")
        .map_err(&io)?;
    out.flush().map_err(&io)?;
    Ok(())
}

fn figure(page: &mut String, id: &str, caption: &str, svg: &str) {
    let _ = writeln!(
        page,
        "<figure class=\"chart\" id=\"{id}\"><figcaption>{}</figcaption>{svg}</figure>",
        escape(caption)
    );
}

/// The indices of the `limit` largest groups (most institutions first, then by name), in name
/// order, and how many were left out.
fn largest_groups(boxes: &[(String, BoxStats)], limit: usize) -> (Vec<usize>, usize) {
    let mut order: Vec<usize> = (0..boxes.len()).collect();
    order.sort_by(|a, b| boxes[*b].1.n.cmp(&boxes[*a].1.n).then(a.cmp(b)));
    order.truncate(limit);
    order.sort();
    let more = boxes.len() - order.len();
    (order, more)
}

fn movement_section(page: &mut String, diff: &Diff, w: &Words, decimals: usize) {
    let _ = write!(
        page,
        "<section id=\"movement\"><h2>{}</h2>\n<p>{}: {} · {}: {} · {}: {}",
        w.get("与上期比较", "Movement against the previous period"),
        w.get("两期都有的机构", "institutions in both"),
        diff.compared,
        w.get("新进入", "entered"),
        diff.entered.len(),
        w.get("已退出", "left"),
        diff.left.len()
    );
    if let Some(rho) = diff.agreement.spearman {
        let _ = write!(page, " · Spearman ρ {rho:.3}");
    }
    if let Some(tau) = diff.agreement.kendall {
        let _ = write!(page, " · Kendall τ-b {tau:.3}");
    }
    page.push_str("</p>\n");
    for (title, movers) in [
        (w.get("上升最多", "Moved up most"), &diff.movers_up),
        (w.get("下降最多", "Moved down most"), &diff.movers_down),
    ] {
        let _ = write!(
            page,
            "<h3>{title}</h3><table class=\"movers\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            w.get("编码", "Id"),
            w.get("名称", "Name"),
            w.get("排名（上期）", "Rank (previous)"),
            w.get("名次变化", "Places up"),
            w.get("总分变化", "Score change"),
            w.get("主要变化的维度", "Dimensions that moved it"),
        );
        for mover in movers.iter().take(MOVERS) {
            let row = &mover.row;
            let drivers: Vec<String> = mover
                .dimensions
                .iter()
                .map(|d| format!("{} {:+.2}", d.name, d.points))
                .collect();
            let _ = write!(
                page,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{} ({})</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                escape(&row.id),
                escape(row.name.as_deref().unwrap_or_default()),
                row.rank.map_or(String::new(), |r| charts::short(r, 1)),
                row.against_rank.map_or(String::new(), |r| charts::short(r, 1)),
                row.places_up().map_or(String::new(), |p| format!("{p:+.0}")),
                row.score_change()
                    .map_or(String::new(), |c| format!("{c:+.decimals$}")),
                escape(&drivers.join("；"))
            );
        }
        page.push_str("</tbody></table>\n");
    }
    page.push_str("</section>\n");
}

fn quality_section(page: &mut String, run: &ScoreRun, w: &Words) {
    let summary = &run.summary;
    let _ = writeln!(
        page,
        "<section id=\"quality\"><h2>{}</h2>",
        w.get("数据质量", "Data quality")
    );
    let with_problems: Vec<_> = summary
        .indicators
        .iter()
        .filter(|q| {
            q.missing + q.zero_denominator + q.treated + q.imputed + q.part_exceeds_whole > 0
        })
        .collect();
    if with_problems.is_empty() {
        let _ = writeln!(
            page,
            "<p>{}</p>",
            w.get("所有指标均无缺失值。", "No indicator has a missing value.")
        );
    } else {
        let _ = write!(
            page,
            "<table id=\"quality-indicators\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            w.get("指标", "Indicator"),
            w.get("名称", "Name"),
            w.get("缺失", "Missing"),
            w.get("其中分母为零", "of which zero denominators"),
            w.get("部分大于整体", "part exceeds whole"),
            w.get("异常值处理", "outliers treated"),
            w.get("缺失值插补", "imputed"),
        );
        for q in with_problems {
            let _ = write!(
                page,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&q.id),
                escape(&q.name),
                q.missing,
                q.zero_denominator,
                q.part_exceeds_whole,
                q.treated,
                q.imputed
            );
        }
        page.push_str("</tbody></table>\n");
    }
    for (title, counts) in [
        (
            w.get(
                "不是数字的单元格（按缺失处理）",
                "Cells that are not numbers (read as missing)",
            ),
            &summary.load.bad_cells,
        ),
        (
            w.get(
                "不在该列取值范围内的单元格（按缺失处理）",
                "Cells outside their column's levels (read as missing)",
            ),
            &summary.load.unknown_levels,
        ),
    ] {
        if counts.is_empty() {
            continue;
        }
        let _ = write!(page, "<h3>{}</h3><ul>", escape(title));
        for (column, count) in counts {
            let _ = write!(page, "<li>{}: {count}</li>", escape(column));
        }
        page.push_str("</ul>\n");
    }
    let _ = write!(
        page,
        "<h3>{}</h3>\n<ul id=\"warnings\">",
        w.get("警告与问题单元格", "Warnings and their cells")
    );
    let lines: Vec<String> = summary
        .data_problems
        .iter()
        .map(|line| problem_text(line, w.lang))
        .chain(
            summary
                .load
                .warnings
                .iter()
                .chain(&summary.warnings)
                .map(|warning| warning_text(warning, w.lang)),
        )
        .collect();
    if lines.is_empty() {
        let _ = write!(page, "<li>{}</li>", w.get("无", "none"));
    }
    for line in lines {
        let _ = write!(page, "<li><pre>{}</pre></li>", escape(&line));
    }
    page.push_str("</ul>\n</section>\n");
}

fn labels(w: &Words) -> Value {
    json!({
        "matching": w.get("{n} / {total} 家机构", "{n} of {total} institutions"),
        "page": w.get("第 {p}/{pages} 页", "page {p} of {pages}"),
        "own": w.get("本机构", "this institution"),
        "median": w.get("同类组中位数", "peer-group median"),
        "indicator": w.get("指标", "Indicator"),
        "score": w.get("得分", "Score"),
        "median_score": w.get("同类组中位得分", "Group median score"),
        "points": w.get("得分点数（占总分）", "Points of the total"),
        "lost_full": w.get("较满分失分", "Lost vs full marks"),
        "vs_median": w.get("较中位机构", "vs the median institution"),
        "strengths": w.get("优势：", "Strengths:"),
        "weaknesses": w.get("短板：", "Weaknesses:"),
        "group": w.get("同类组", "Peer group"),
        "rank": w.get("排名", "rank"),
        "group_rank": w.get("组内排名", "group rank"),
        "grade": w.get("等级", "grade"),
        "movement": w.get("与上期比较", "Against the previous period"),
        "places_up": w.get("名次变化", "places up"),
        "score_change": w.get("总分变化", "score change"),
        "flags": w.get("说明：", "Flags:"),
        "dimensions_vs_median": w.get("维度得分与同类组中位数", "Dimension scores against the peer-group median"),
        "contributions": w.get("指标得分、贡献与失分", "Indicator scores, points and losses"),
        "explain_hint": w.get("完整解释：jixiao explain --id {id}", "Full explanation: jixiao explain --id {id}"),
    })
}

/// The grade band's fill, as in the xlsx report (best green → worst red).
fn grade_hex(index: usize, count: usize) -> String {
    let t = if count <= 1 {
        0.0
    } else {
        index as f64 / (count - 1) as f64
    };
    match super::xlsx::grade_colour(t) {
        rust_xlsxwriter::Color::RGB(rgb) => format!("#{rgb:06x}"),
        _ => "#cccccc".into(),
    }
}

/// Text for HTML: `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON safe inside a `<script>` element: `<` only occurs inside strings, where `\u003c` reads
/// the same, so no `</script>` can end the element early.
fn safe_json(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// A number for the page: at most 4 decimals; missing and non-finite values are null.
fn number(value: Option<f64>) -> Value {
    match value {
        Some(v) if v.is_finite() => {
            let rounded = (v * 1e4).round() / 1e4;
            let rounded = if rounded == 0.0 { 0.0 } else { rounded };
            if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
                Value::from(rounded as i64)
            } else {
                Value::from(rounded)
            }
        }
        _ => Value::Null,
    }
}

/// `medians[group][column]` of each column's present values within each group.
fn group_medians(
    columns: &[Vec<Option<f64>>],
    row_group: &[usize],
    groups: usize,
) -> Vec<Vec<Option<f64>>> {
    let mut out = vec![Vec::with_capacity(columns.len()); groups];
    for column in columns {
        let mut buckets: Vec<Vec<f64>> = vec![Vec::new(); groups];
        for (row, value) in column.iter().enumerate() {
            if let Some(v) = value.filter(|v| v.is_finite()) {
                buckets[row_group[row]].push(v);
            }
        }
        for (g, mut values) in buckets.into_iter().enumerate() {
            out[g].push(BoxStats::of(&mut values).map(|s| s.median));
        }
    }
    out
}

/// A column as one chunk of text for random access.
fn texts(frame: &DataFrame, name: &str) -> Result<StringChunked> {
    let column = frame.column(name)?.cast(&DataType::String)?;
    Ok(column.str()?.rechunk().into_owned())
}

fn floats(frame: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    Ok(frame
        .column(name)?
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .collect())
}

/// A column's floats, or all missing when the table has no such column.
fn optional_floats(frame: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    match frame.schema().contains(name) {
        true => floats(frame, name),
        false => Ok(vec![None; frame.height()]),
    }
}

/// A column as one chunk of floats for random access, when the frame has it.
fn chunked(frame: &DataFrame, name: &str) -> Result<Option<Float64Chunked>> {
    if !frame.schema().contains(name) {
        return Ok(None);
    }
    let column = frame.column(name)?.cast(&DataType::Float64)?;
    Ok(Some(column.f64()?.rechunk().into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_to_four_decimals_and_missing_is_null() {
        assert_eq!(number(Some(85.123456)).to_string(), "85.1235");
        assert_eq!(number(Some(3.0)).to_string(), "3");
        assert_eq!(number(Some(-0.00001)).to_string(), "0");
        assert_eq!(number(Some(f64::NAN)), Value::Null);
        assert_eq!(number(None), Value::Null);
    }

    #[test]
    fn script_data_cannot_close_its_element() {
        let json = json!(["</script><b>"]).to_string();
        assert_eq!(safe_json(&json), r#"["\u003c/script>\u003cb>"]"#);
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn medians_are_taken_within_each_group() {
        let column = vec![Some(1.0), Some(10.0), Some(3.0), None, Some(20.0)];
        let medians = group_medians(&[column], &[0, 1, 0, 0, 1], 2);
        assert_eq!(medians, vec![vec![Some(2.0)], vec![Some(15.0)]]);
    }

    #[test]
    fn the_largest_groups_are_drawn_in_name_order() {
        let stats = |n| BoxStats {
            n,
            min: 0.0,
            q1: 0.0,
            median: 0.0,
            q3: 0.0,
            max: 0.0,
        };
        let boxes = vec![
            ("a".to_string(), stats(5)),
            ("b".to_string(), stats(50)),
            ("c".to_string(), stats(20)),
        ];
        assert_eq!(largest_groups(&boxes, 2), (vec![1, 2], 1));
    }
}
