//! The sheets of a scoring run's report — 排名, one per dimension, 指标 and 运行摘要 — laid out
//! from the output table and the run summary, with the grade colours.

use std::collections::BTreeMap;
use std::sync::Arc;

use polars::prelude::*;
use rust_xlsxwriter::Color;

use super::layout::{
    count, number, text, titled, unit_style, Column, ListSheet, RowKind, Style, TableSheet, Values,
};
use super::{INDICATOR_SHEET, RANKING_SHEET, SUMMARY_SHEET};
use crate::columns::{
    coefficient_column, corrected_column, display_column_name, money_column, score_column,
    treated_column, BONUS_COLUMN, DEDUCTION_COLUMN, FLAGS_COLUMN, GRADE_COLUMN, GROUP_RANK_COLUMN,
    MONEY_COLUMN, RANK_COLUMN, SCORE_COLUMN, WEIGHTED_COLUMN,
};
use crate::error::Result;
use crate::message::Flag;
use crate::pipeline::ScoreRun;
use crate::plan::Plan;
use crate::report::lang::{data_file_text, flags_text, problem_text, warning_text, Lang};
use crate::weight::{NodeKind, WeightNode};

/// The grade labels of the scheme, best first, with their fill colours.
pub(super) fn grade_fills(plan: &Plan) -> BTreeMap<String, Color> {
    let Some(grades) = &plan.scheme.spec.grades else {
        return BTreeMap::new();
    };
    let n = grades.bands.len();
    grades
        .bands
        .iter()
        .enumerate()
        .map(|(i, band)| {
            let t = if n <= 1 {
                0.0
            } else {
                i as f64 / (n - 1) as f64
            };
            (band.grade.clone(), grade_colour(t))
        })
        .collect()
}

/// Green (t = 0, best) through yellow to red (t = 1, worst): Excel's "good / neutral / bad" fills.
pub fn grade_colour(t: f64) -> Color {
    const GREEN: [f64; 3] = [198.0, 239.0, 206.0];
    const YELLOW: [f64; 3] = [255.0, 235.0, 156.0];
    const RED: [f64; 3] = [255.0, 199.0, 206.0];
    let (from, to, s) = if t <= 0.5 {
        (GREEN, YELLOW, t * 2.0)
    } else {
        (YELLOW, RED, (t - 0.5) * 2.0)
    };
    let channel = |i: usize| (from[i] + (to[i] - from[i]) * s).round() as u32;
    Color::RGB((channel(0) << 16) | (channel(1) << 8) | channel(2))
}

/// The identity columns every table sheet starts with: rank, id, name, peer group (and the rank
/// in the peer group on the ranking sheet).
pub(super) fn identity_columns(
    plan: &Plan,
    table: &DataFrame,
    with_group_rank: bool,
) -> Result<Vec<Column>> {
    let spec = &plan.scheme.spec;
    let mut out = vec![Column::new(
        "排名",
        Style::General,
        Values::of(table.column(RANK_COLUMN)?)?,
    )];
    if with_group_rank {
        out.push(Column::new(
            "组内排名",
            Style::General,
            Values::of(table.column(GROUP_RANK_COLUMN)?)?,
        ));
    }
    let mut names = vec![spec.columns.id.as_str()];
    for extra in [&spec.columns.name, &spec.columns.peer_group]
        .into_iter()
        .flatten()
    {
        if !names.contains(&extra.as_str()) {
            names.push(extra.as_str());
        }
    }
    for name in names {
        out.push(Column::new(
            name,
            Style::General,
            Values::of(table.column(name)?)?,
        ));
    }
    Ok(out)
}

/// Adds column `name` of `table`, when it has one.
pub(super) fn push_if_present(
    out: &mut Vec<Column>,
    table: &DataFrame,
    name: &str,
    title: String,
    style: Style,
) -> Result<()> {
    if let Ok(column) = table.column(name) {
        out.push(Column::new(title, style, Values::of(column)?));
    }
    Ok(())
}

/// The 排名 sheet, its flags worded in `lang`.
pub fn ranking_sheet(
    plan: &Plan,
    table: &DataFrame,
    flags: &Arc<Vec<Vec<Flag>>>,
    lang: Lang,
) -> Result<TableSheet> {
    let spec = &plan.scheme.spec;
    let score = Style::Fixed(spec.score_decimals);
    let mut columns = identity_columns(plan, table, true)?;
    let frozen_columns = columns.len() as u16;
    push_if_present(&mut columns, table, SCORE_COLUMN, "总分".into(), score)?;
    if let Ok(grade) = table.column(GRADE_COLUMN) {
        let mut column = Column::new("等级", Style::General, Values::of(grade)?);
        column.grade_fill = true;
        columns.push(column);
    }
    push_if_present(
        &mut columns,
        table,
        WEIGHTED_COLUMN,
        "加减分前得分".into(),
        score,
    )?;
    push_if_present(&mut columns, table, BONUS_COLUMN, "加分".into(), score)?;
    push_if_present(&mut columns, table, DEDUCTION_COLUMN, "扣分".into(), score)?;
    if let Some(points) = &spec.points {
        let money = Style::Money(points.money_decimals);
        let mut work_columns: Vec<&str> = Vec::new();
        for item in &points.items {
            let column = crate::points::work_points_column(points, item);
            if !work_columns.contains(&column) {
                work_columns.push(column);
                push_if_present(&mut columns, table, column, column.into(), Style::General)?;
            }
        }
        for item in &points.items {
            let id = item.id.as_str();
            push_if_present(
                &mut columns,
                table,
                &coefficient_column(id),
                titled(id, "质量系数"),
                Style::General,
            )?;
            push_if_present(
                &mut columns,
                table,
                &corrected_column(id),
                titled(id, "校正工分"),
                Style::General,
            )?;
            push_if_present(
                &mut columns,
                table,
                &money_column(id),
                titled(id, "金额"),
                money,
            )?;
        }
        push_if_present(&mut columns, table, MONEY_COLUMN, "金额合计".into(), money)?;
    }
    for dimension in &plan.weights.dimensions {
        push_if_present(
            &mut columns,
            table,
            &score_column(&dimension.id),
            titled(&dimension.id, "得分"),
            score,
        )?;
    }
    if table.column(FLAGS_COLUMN).is_ok() {
        columns.push(Column::new(
            "说明",
            Style::General,
            Values::flags(flags, lang),
        ));
    }
    Ok(TableSheet {
        name: RANKING_SHEET.into(),
        columns,
        frozen_columns,
    })
}

/// The sheet of one dimension: its score, then every sub-dimension's and indicator's score below
/// it, in the weight tree's order.
pub fn dimension_sheet(
    plan: &Plan,
    table: &DataFrame,
    dimension: &WeightNode,
) -> Result<TableSheet> {
    let score = Style::Fixed(plan.scheme.spec.score_decimals);
    let mut columns = identity_columns(plan, table, false)?;
    let frozen_columns = columns.len() as u16;
    fn walk<'a>(node: &'a WeightNode, out: &mut Vec<&'a WeightNode>) {
        out.push(node);
        for child in &node.children {
            walk(child, out);
        }
    }
    let mut nodes = Vec::new();
    walk(dimension, &mut nodes);
    for node in nodes {
        let title = match node.kind {
            NodeKind::Dimension | NodeKind::Subdimension => titled(&node.id, "得分"),
            NodeKind::Composite | NodeKind::Indicator => {
                let name = plan
                    .scheme
                    .indicator(&node.id)
                    .map(|i| i.name.as_str())
                    .unwrap_or_default();
                titled(format!("{} {name}", node.id).trim_end(), "得分")
            }
        };
        push_if_present(&mut columns, table, &score_column(&node.id), title, score)?;
    }
    Ok(TableSheet {
        name: dimension.id.clone(),
        columns,
        frozen_columns,
    })
}

/// The 指标 sheet: every indicator's value, the levels behind a growth rate, treated value, ratio
/// text and score, under a title holding its id and name.
pub fn indicator_sheet(plan: &Plan, table: &DataFrame) -> Result<TableSheet> {
    let score = Style::Fixed(plan.scheme.spec.score_decimals);
    let mut columns = identity_columns(plan, table, false)?;
    let frozen_columns = columns.len() as u16;
    for indicator in plan.scheme.all_indicators() {
        let id = indicator.id.as_str();
        let group = format!("{id} {}", indicator.name);
        let mut own = Vec::new();
        if !indicator.is_composite() {
            let value_title = match &indicator.unit {
                Some(unit) if !unit.is_empty() => format!("值 ({unit})"),
                _ => "值".to_string(),
            };
            let value_style = unit_style(indicator.unit.as_deref());
            push_if_present(&mut own, table, id, value_title, value_style)?;
            // The levels behind a growth rate: 本期水平 / 上期水平 (numbered when several).
            if let Some(planned) = plan.indicators.iter().find(|i| i.spec.id == id) {
                let levels = crate::indicators::level_columns(planned);
                let numbered = levels.len() > 2;
                for (k, column) in levels.iter().enumerate() {
                    let which = if k % 2 == 0 {
                        "本期水平"
                    } else {
                        "上期水平"
                    };
                    let title = match numbered {
                        true => format!("{which} {}", k / 2 + 1),
                        false => which.to_string(),
                    };
                    push_if_present(&mut own, table, column, title, Style::General)?;
                }
            }
            push_if_present(
                &mut own,
                table,
                &treated_column(id),
                "处理后值".into(),
                value_style,
            )?;
            push_if_present(
                &mut own,
                table,
                &display_column_name(id),
                "比值".into(),
                Style::General,
            )?;
        }
        push_if_present(&mut own, table, &score_column(id), "得分".into(), score)?;
        for mut column in own {
            column.group = Some(group.clone());
            columns.push(column);
        }
    }
    Ok(TableSheet {
        name: INDICATOR_SHEET.into(),
        columns,
        frozen_columns,
    })
}

/// The 运行摘要 sheet: the run summary's facts as small tables, its warnings, data problems and
/// the institutions' flags worded in `lang`; with `Lang::En`, also the summary as printed (in
/// English) at the end.
pub fn summary_sheet(plan: &Plan, run: &ScoreRun, lang: Lang) -> Result<ListSheet> {
    let (table, summary) = (&run.table, &run.summary);
    let general = Style::General;
    let mut sheet = ListSheet {
        name: SUMMARY_SHEET.into(),
        rows: vec![(RowKind::Title, vec![(text("运行摘要"), general)])],
    };
    sheet.section("方案与数据", &[]);
    sheet.row(vec![
        (text("方案"), general),
        (text(&summary.scheme_name), general),
    ]);
    sheet.row(vec![
        (text("版本"), general),
        (text(&summary.scheme_version), general),
    ]);
    sheet.row(vec![
        (text("数据文件"), general),
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
            (text("上期数据文件"), general),
            (
                text(data_file_text(previous, read, described, lang)),
                general,
            ),
        ]);
    }

    sheet.section("机构", &["项目", "个数"]);
    let n = summary.load.institutions;
    for (label, value) in [
        ("参评机构", n),
        ("排名机构", summary.ranked),
        ("一票否决（排在其他机构之后）", summary.vetoed),
        ("数据不足（未排名）", summary.excluded),
        ("无同类分组", summary.load.ungrouped),
        ("上期数据中没有的机构", summary.load.missing_in_previous),
    ] {
        sheet.row(vec![(text(label), general), count(value)]);
    }
    if let Some((reason, n)) = &summary.outcomes.not_rated {
        sheet.row(vec![
            (
                text(format!("未参评（无排名和等级，保留得分）：{reason}")),
                general,
            ),
            count(*n),
        ]);
    }

    sheet.row(vec![
        (text("按不足全部权重计分（有计分指标缺失）"), general),
        count(summary.outcomes.partial_weight),
    ]);
    if !summary.outcomes.grades.is_empty() {
        let bands: Vec<&str> = summary.outcomes.grades[0]
            .counts
            .iter()
            .map(|(grade, _)| grade.as_str())
            .collect();
        let mut header = vec!["范围"];
        header.extend(bands);
        header.push("无等级");
        sheet.section("等级分布", &header);
        for g in &summary.outcomes.grades {
            let mut row = vec![(
                text(
                    g.group
                        .as_deref()
                        .map_or("全部机构".to_string(), |name| format!("同类组 {name}")),
                ),
                general,
            )];
            row.extend(g.counts.iter().map(|(_, n)| count(*n)));
            row.push(count(g.ungraded));
            sheet.row(row);
        }
    }
    if !summary.outcomes.rules.is_empty() {
        sheet.section("规则触发次数", &["类型", "规则", "机构数"]);
        for r in &summary.outcomes.rules {
            let kind = match r.kind {
                "veto" => "一票否决",
                "bonus" => "加分",
                "grade down" => "降等",
                "grade up" => "升等",
                _ => "扣分",
            };
            sheet.row(vec![
                (text(kind), general),
                (text(&r.reason), general),
                count(r.fired),
            ]);
        }
    }

    sheet.section(
        "有效权重（无缺失数据时占总分的比例）",
        &["维度", "维度权重", "指标", "指标名称", "有效权重"],
    );
    let names: BTreeMap<&str, &str> = summary
        .effective_weights
        .iter()
        .map(|(id, name, _)| (id.as_str(), name.as_str()))
        .collect();
    for (dimension, share, leaves) in &summary.weights_by_dimension {
        for (id, weight) in leaves {
            sheet.row(vec![
                (text(dimension), general),
                (number(*share), Style::Percent),
                (text(id), general),
                (
                    text(names.get(id.as_str()).copied().unwrap_or_default()),
                    general,
                ),
                (number(*weight), Style::Percent),
            ]);
        }
    }

    sheet.section(
        "指标数据质量",
        &[
            "指标",
            "名称",
            "所属指标",
            "缺失",
            "其中分母为零",
            "其中部分大于整体",
            "其中非有限值",
            "其中输入缺失",
            "其中公式返回缺失",
            "异常值处理",
            "其中对数变换",
            "处理后仍偏态的组",
            "缺失值插补",
        ],
    );
    for q in &summary.indicators {
        sheet.row(vec![
            (text(&q.id), general),
            (text(&q.name), general),
            (text(&q.top), general),
            count(q.missing),
            count(q.zero_denominator),
            count(q.part_exceeds_whole),
            count(q.non_finite),
            count(q.missing_input),
            count(q.by_formula),
            count(q.treated),
            count(q.log_transformed),
            count(q.still_skewed),
            count(q.imputed),
        ]);
    }

    for (title, counts) in [
        ("不是数字的单元格（按缺失处理）", &summary.load.bad_cells),
        (
            "不在该列取值范围内的单元格（按缺失处理）",
            &summary.load.unknown_levels,
        ),
    ] {
        if !counts.is_empty() {
            sheet.section(title, &["列", "个数"]);
            for (column, n) in counts {
                sheet.row(vec![(text(column), general), count(*n)]);
            }
        }
    }

    if !summary.points.is_empty() {
        sheet.section(
            "工分与金额",
            &[
                "项目",
                "预算",
                "已分配",
                "获得金额的机构",
                "系数低于阈值（工分校正）的机构",
                "阈值",
            ],
        );
        for p in &summary.points {
            let money = Style::Money(p.decimals);
            sheet.row(vec![
                (text(&p.item), general),
                (number(p.budget), money),
                (number(p.paid), money),
                count(p.paid_institutions),
                count(p.corrected),
                (number(p.threshold), general),
            ]);
        }
    }

    sheet.section("警告", &[]);
    let warnings: Vec<&crate::message::Warning> = summary
        .load
        .warnings
        .iter()
        .chain(&summary.warnings)
        .collect();
    if warnings.is_empty() {
        sheet.row(vec![(text("无"), general)]);
    }
    for warning in warnings {
        sheet.note(&warning_text(warning, lang));
    }
    if !summary.data_problems.is_empty() {
        // The first places of each kind; `jixiao check --data` lists every one.
        sheet.section("数据问题（每类列出前 3 处）", &[]);
        for line in &summary.data_problems {
            sheet.note(&problem_text(line, lang));
        }
    }

    let spec = &plan.scheme.spec;
    let mut header = vec!["排名", spec.columns.id.as_str()];
    header.extend(spec.columns.name.as_deref());
    header.push("说明");
    sheet.section("机构说明（否决、缺失数据、加减分等）", &header);
    let ranks = Values::of(table.column(RANK_COLUMN)?)?;
    let ids = Values::of(table.column(&spec.columns.id)?)?;
    let institution_names = match &spec.columns.name {
        Some(name) => Some(Values::of(table.column(name)?)?),
        None => None,
    };
    for (row, flags) in run.flags.iter().enumerate() {
        if flags.is_empty() {
            continue;
        }
        let mut line = vec![(ranks.get(row), general), (ids.get(row), general)];
        if let Some(names) = &institution_names {
            line.push((names.get(row), general));
        }
        line.push((text(flags_text(flags, lang)), general));
        sheet.row(line);
    }

    if lang == Lang::En {
        sheet.section("摘要原文（与命令行输出相同）", &[]);
        for line in summary.to_string().lines() {
            sheet.note(line);
        }
    }
    Ok(sheet)
}
