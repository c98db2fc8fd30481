//! The cover sheet (封面) of a scoring run's Excel report, the page a director prints first: the
//! scheme's name and version, the period, the data files, the institution counts, the grade
//! distribution and the dimension means per peer group — each table with a native Excel chart
//! beside it (a column chart of the grades coloured by band, clustered columns of the means).

use std::collections::BTreeMap;

use polars::prelude::*;
use rust_xlsxwriter::{Chart, ChartFormat, ChartPoint, ChartSolidFill, ChartType, Color, Workbook};

use super::layout::{count, number, text, ListSheet, RowKind, Style};
use super::write::{push_list, xlsx_error};
use crate::columns::{score_column, UNGROUPED};
use crate::error::Result;
use crate::plan::Plan;
use crate::report::lang::data_file_text;
use crate::summary::RunSummary;

/// Name of the cover sheet.
pub const COVER_SHEET: &str = "封面";
/// Peer groups drawn in the means chart (the table lists every group).
pub const CHART_GROUPS: usize = 12;

/// What the cover says beyond the run itself.
#[derive(Debug, Clone, Default)]
pub struct CoverFacts {
    /// The assessment period (`--period`), when known.
    pub period: Option<String>,
}

/// Adds the cover sheet named `name` with its two charts.
pub fn push_cover(
    workbook: &mut Workbook,
    name: &str,
    plan: &Plan,
    table: &DataFrame,
    summary: &RunSummary,
    options: &super::ReportOptions,
    fills: &BTreeMap<String, Color>,
) -> Result<()> {
    let (facts, lang) = (&options.cover, options.lang);
    let w = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let general = Style::General;
    let mut sheet = ListSheet {
        name: name.to_string(),
        rows: vec![(
            RowKind::Title,
            vec![(
                text(format!(
                    "{} — {}",
                    summary.scheme_name,
                    w("绩效考核结果", "assessment results")
                )),
                general,
            )],
        )],
    };
    sheet.section(w("方案与数据", "Scheme and data"), &[]);
    sheet.row(vec![
        (text(w("方案", "Scheme")), general),
        (text(&summary.scheme_name), general),
    ]);
    sheet.row(vec![
        (text(w("版本", "Version")), general),
        (text(&summary.scheme_version), general),
    ]);
    sheet.row(vec![
        (text(w("考核期间", "Period")), general),
        (
            text(facts.period.clone().unwrap_or_else(|| {
                w("未指定（见数据文件）", "not given (see the data file)").into()
            })),
            general,
        ),
    ]);
    sheet.row(vec![
        (text(w("数据文件", "Data file")), general),
        (
            text(data_file_text(
                &summary.data_file,
                &summary.data_read,
                &summary.data_source,
                lang,
            )),
            general,
        ),
    ]);
    if let (Some(previous), Some(read), Some(described)) = (
        &summary.previous_file,
        &summary.previous_read,
        &summary.previous_source,
    ) {
        sheet.row(vec![
            (text(w("上期数据文件", "Previous period's file")), general),
            (
                text(data_file_text(previous, read, described, lang)),
                general,
            ),
        ]);
    }
    sheet.section(w("机构", "Institutions"), &[]);
    for (label, value) in [
        (w("参评机构", "institutions"), summary.load.institutions),
        (w("排名机构", "ranked"), summary.ranked),
        (w("一票否决", "vetoed"), summary.vetoed),
        (
            w("数据不足未排名", "excluded for missing data"),
            summary.excluded,
        ),
    ] {
        sheet.row(vec![(text(label), general), count(value)]);
    }

    // Grade distribution: a table, and a chart of it.
    let mut grade_rows = None;
    if let Some(overall) = summary.outcomes.grades.first() {
        sheet.section(
            w("等级分布", "Grade distribution"),
            &[w("等级", "Grade"), w("机构数", "Institutions")],
        );
        let first = sheet.rows.len() as u32;
        let mut colours = Vec::new();
        for (grade, n) in &overall.counts {
            sheet.row(vec![(text(grade), general), count(*n)]);
            colours.push(fills.get(grade).copied());
        }
        if overall.ungraded > 0 {
            sheet.row(vec![
                (text(w("无等级", "no grade")), general),
                count(overall.ungraded),
            ]);
            colours.push(Some(Color::RGB(0xBFBFBF)));
        }
        grade_rows = Some((first, sheet.rows.len() as u32 - 1, colours));
    }

    // Dimension means per peer group.
    let dimensions: Vec<(String, String)> = plan
        .weights
        .dimensions
        .iter()
        .map(|d| (d.id.clone(), crate::explain::node_name(plan, d).0))
        .collect();
    let means = dimension_means(plan, table, &dimensions)?;
    let mut means_rows = None;
    if !dimensions.is_empty() && !means.is_empty() {
        let mut header = vec![w("同类组", "Peer group")];
        header.extend(dimensions.iter().map(|(_, name)| name.as_str()));
        sheet.section(
            w("各同类组维度平均得分", "Dimension means per peer group"),
            &header,
        );
        let header_row = sheet.rows.len() as u32 - 1;
        let decimals = Style::Fixed(plan.scheme.spec.score_decimals);
        for (group, values) in &means {
            let mut row = vec![(text(group), general)];
            row.extend(values.iter().map(|v| match v {
                Some(v) => (number(*v), decimals),
                None => (text(""), general),
            }));
            sheet.row(row);
        }
        means_rows = Some((header_row, means.len() as u32));
    }
    push_list(workbook, &sheet)?;

    let worksheet = workbook.worksheet_from_name(name).map_err(xlsx_error)?;
    let mut anchor = 1;
    if let Some((first, last, colours)) = grade_rows {
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name(w("等级分布", "Grade distribution"));
        let points: Vec<ChartPoint> = colours
            .iter()
            .map(|colour| match colour {
                Some(colour) => ChartPoint::new().set_format(
                    ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(*colour)),
                ),
                None => ChartPoint::new(),
            })
            .collect();
        chart
            .add_series()
            .set_name(w("机构数", "Institutions"))
            .set_categories((name, first, 0, last, 0))
            .set_values((name, first, 1, last, 1))
            .set_points(&points);
        chart.legend().set_hidden();
        chart.set_width(480).set_height(288);
        worksheet
            .insert_chart(anchor, 4, &chart)
            .map_err(xlsx_error)?;
        anchor += 16;
    }
    if let Some((header_row, groups)) = means_rows {
        let mut chart = Chart::new(ChartType::Column);
        chart
            .title()
            .set_name(w("各同类组维度平均得分", "Dimension means per peer group"));
        let last_col = dimensions.len() as u16;
        for g in 0..groups.min(CHART_GROUPS as u32) {
            let row = header_row + 1 + g;
            chart
                .add_series()
                .set_name((name, row, 0))
                .set_categories((name, header_row, 1, header_row, last_col))
                .set_values((name, row, 1, row, last_col));
        }
        chart.set_width(640).set_height(320);
        worksheet
            .insert_chart(anchor, 4, &chart)
            .map_err(xlsx_error)?;
    }
    Ok(())
}

/// Each peer group's (by name) mean score of each dimension, over the institutions with a score.
pub fn dimension_means(
    plan: &Plan,
    table: &DataFrame,
    dimensions: &[(String, String)],
) -> Result<Vec<(String, Vec<Option<f64>>)>> {
    let groups: Vec<String> = match crate::report::peer_group_column(plan, table) {
        Some(column) => table
            .column(&column)?
            .cast(&DataType::String)?
            .str()?
            .iter()
            .map(|g| g.unwrap_or(UNGROUPED).to_string())
            .collect(),
        None => vec![String::from("全部机构"); table.height()],
    };
    let mut sums: BTreeMap<&str, Vec<(f64, usize)>> = BTreeMap::new();
    for (d, (id, _)) in dimensions.iter().enumerate() {
        let Ok(column) = table.column(&score_column(id)) else {
            continue;
        };
        let values = column.cast(&DataType::Float64)?;
        for (row, value) in values.f64()?.iter().enumerate() {
            let entry = sums
                .entry(groups[row].as_str())
                .or_insert_with(|| vec![(0.0, 0); dimensions.len()]);
            if let Some(v) = value.filter(|v| v.is_finite()) {
                entry[d].0 += v;
                entry[d].1 += 1;
            }
        }
    }
    Ok(sums
        .into_iter()
        .map(|(group, values)| {
            (
                group.to_string(),
                values
                    .into_iter()
                    .map(|(sum, n)| (n > 0).then(|| sum / n as f64))
                    .collect(),
            )
        })
        .collect())
}
