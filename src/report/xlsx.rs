//! The Excel report (`--out result.xlsx`): the output table laid out for evaluators, with Chinese
//! titles, number formats and grade colours, plus the run summary.
//!
//! Sheets of a scoring run, in order:
//!
//! | sheet | content |
//! |---|---|
//! | 排名 | rank, rank in the peer group, id, name, peer group, 总分, 等级 (filled by grade band, best green → worst red), 加减分前得分 / 加分 / 扣分 and the point-based columns when the scheme has them, each dimension's score, 说明 (the flags) |
//! | one per dimension | rank, id, name, peer group, the dimension's score, then each sub-dimension's and indicator's score in the weight tree's order |
//! | 指标 | rank, id, name, peer group, then per indicator (title: id + name on the first header line) its value (unit in the second line), treated value, ratio text and score |
//! | 运行摘要 | scheme, version, data files, institution counts, effective weights, data quality per indicator, cells that were not numbers, point budgets, warnings, the flags of every flagged institution, and the summary as printed |
//!
//! Policies:
//! - **Same numbers as the CSV.** Cells hold the output table's values (floats already rounded to 6
//!   decimals); number formats change only what Excel shows (scores to the scheme's
//!   `score_decimals`, money as `#,##0.00` to `points.money_decimals`, weights as percentages).
//!   Rows keep the table's order: ranked institutions first, then the unranked (vetoed, excluded).
//! - **Missing values and empty text** are blank cells; a value that is not finite is written as
//!   the text the CSV holds (`NaN`, `inf`, `-inf`).
//! - **Text longer than a cell holds** (32 767 UTF-16 units) is cut there with a final `…`.
//! - **Too many rows** for a sheet (Excel's 1 048 576, header included) is an error asking for
//!   `.csv` or `.parquet`, checked before anything is written.
//! - **Sheet names** are cut to Excel's 31 characters, `[]:*?/\` become `_`, leading and trailing
//!   apostrophes are dropped, and a name already taken (Excel compares without case) gets ` (2)`,
//!   ` (3)`….
//! - **Byte-identical.** No timestamp: the document's creation date is fixed (1980-01-01, the date
//!   the zip entries carry), so the same input gives the same bytes.
//! - **Column widths** follow the widest shown text (CJK characters count double), between 4 and 60;
//!   long titles wrap instead of widening their column past 24.
//! - **Size.** The workbook is built in memory before it is written: the 3 200 institutions of the
//!   primary-care sample (about a million cells) take 2 s and 200 MB; 40 000 institutions take
//!   tens of seconds and 2 GB. For runs that large, write `.parquet` or `.csv`.

use std::collections::BTreeMap;

use polars::prelude::*;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{RunSummary, FLAGS_COLUMN};
use crate::adjust::{BONUS_COLUMN, DEDUCTION_COLUMN, SCORE_COLUMN};
use crate::aggregate::{score_column, WEIGHTED_COLUMN};
use crate::error::{Error, Result};
use crate::grade::GRADE_COLUMN;
use crate::matrix::McdaResult;
use crate::plan::Plan;
use crate::points::{coefficient_column, corrected_column, money_column, MONEY_COLUMN};
use crate::rank::{GROUP_RANK_COLUMN, RANK_COLUMN};
use crate::weight::{NodeKind, WeightNode};

/// Name of the ranking sheet.
pub const RANKING_SHEET: &str = "排名";
/// Name of the sheet of indicator values and scores.
pub const INDICATOR_SHEET: &str = "指标";
/// Name of the run-summary sheet.
pub const SUMMARY_SHEET: &str = "运行摘要";
/// Name of the sheet holding a plain table (`jixiao mcda`'s result, any table written as .xlsx).
pub const TABLE_SHEET: &str = "结果";
/// Name of the criteria weights sheet of `jixiao mcda`.
pub const WEIGHTS_SHEET: &str = "权重";

/// Rows of an Excel sheet, header rows included.
pub const MAX_ROWS: usize = 1_048_576;
/// Longest text of a cell, in UTF-16 code units.
const MAX_TEXT: usize = 32_767;

/// One cell's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Number(f64),
    Text(String),
}

/// How a column's numbers are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Excel's General: as many digits as fit (ranks, raw values, text).
    General,
    /// A fixed number of decimals (scores).
    Fixed(u32),
    /// Thousands separators and a fixed number of decimals (money).
    Money(u32),
    /// A share as a percentage with 2 decimals (weights).
    Percent,
}

impl Style {
    fn number_format(self) -> Option<String> {
        let decimals = |d: u32| {
            if d == 0 {
                String::new()
            } else {
                format!(".{}", "0".repeat(d as usize))
            }
        };
        match self {
            Style::General => None,
            Style::Fixed(d) => Some(format!("0{}", decimals(d))),
            Style::Money(d) => Some(format!("#,##0{}", decimals(d))),
            Style::Percent => Some("0.00%".into()),
        }
    }

    /// The text Excel shows for `value`, for column widths.
    fn shown(self, value: f64) -> String {
        match self {
            Style::General => {
                let text = value.to_string();
                // General shows about 11 characters.
                text.chars().take(11).collect()
            }
            Style::Fixed(d) => format!("{value:.*}", d as usize),
            Style::Money(d) => {
                let text = format!("{:.*}", d as usize, value.abs());
                let (whole, fraction) = text.split_at(text.find('.').unwrap_or(text.len()));
                let mut grouped = String::new();
                for (i, digit) in whole.chars().enumerate() {
                    if i > 0 && (whole.len() - i) % 3 == 0 {
                        grouped.push(',');
                    }
                    grouped.push(digit);
                }
                let sign = if value < 0.0 { "-" } else { "" };
                format!("{sign}{grouped}{fraction}")
            }
            Style::Percent => format!("{:.2}%", value * 100.0),
        }
    }
}

/// One column of a table sheet.
#[derive(Debug, Clone)]
pub struct Column {
    /// The title on the (last) header line.
    pub title: String,
    /// A title over this and the neighbouring columns sharing it (first of two header lines).
    pub group: Option<String>,
    pub style: Style,
    pub cells: Vec<Cell>,
    /// Fill each cell by its grade band.
    pub grade_fill: bool,
}

impl Column {
    fn new(title: impl Into<String>, style: Style, cells: Vec<Cell>) -> Column {
        Column {
            title: title.into(),
            group: None,
            style,
            cells,
            grade_fill: false,
        }
    }
}

/// A sheet of columns under one or two header lines: frozen header (and identity columns),
/// autofilter on the last header line.
#[derive(Debug, Clone)]
pub struct TableSheet {
    pub name: String,
    pub columns: Vec<Column>,
    /// Leading columns that stay in view when scrolling right (rank, id, name…).
    pub frozen_columns: u16,
}

impl TableSheet {
    /// Header lines: 2 when a column has a group title, else 1.
    pub fn header_rows(&self) -> u32 {
        if self.columns.iter().any(|c| c.group.is_some()) {
            2
        } else {
            1
        }
    }

    fn height(&self) -> usize {
        self.columns.first().map_or(0, |c| c.cells.len())
    }
}

/// What a row of the summary sheet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// The sheet's title.
    Title,
    /// A section heading.
    Section,
    /// Column titles of the section's table.
    Header,
    /// A row of values.
    Body,
    /// Free text in the first column that may run over the next (not counted for widths).
    Note,
    Blank,
}

/// A sheet of sections, each a heading and a small table.
#[derive(Debug, Clone, Default)]
pub struct ListSheet {
    pub name: String,
    pub rows: Vec<(RowKind, Vec<(Cell, Style)>)>,
}

impl ListSheet {
    fn section(&mut self, title: &str, header: &[&str]) {
        if !self.rows.is_empty() {
            self.rows.push((RowKind::Blank, Vec::new()));
        }
        self.rows
            .push((RowKind::Section, vec![(text(title), Style::General)]));
        if !header.is_empty() {
            self.rows.push((
                RowKind::Header,
                header.iter().map(|h| (text(*h), Style::General)).collect(),
            ));
        }
    }

    fn row(&mut self, cells: Vec<(Cell, Style)>) {
        self.rows.push((RowKind::Body, cells));
    }

    fn note(&mut self, line: &str) {
        self.rows
            .push((RowKind::Note, vec![(text(line), Style::General)]));
    }
}

fn text(value: impl Into<String>) -> Cell {
    let value = value.into();
    if value.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(value)
    }
}

fn number(value: f64) -> Cell {
    Cell::Number(value)
}

fn count(value: impl TryInto<u64>) -> (Cell, Style) {
    let value: u64 = value.try_into().unwrap_or(u64::MAX);
    (Cell::Number(value as f64), Style::General)
}

/// `id` and a word: "医疗质量得分", "quality 得分" (a space after a non-CJK id).
fn titled(id: &str, word: &str) -> String {
    match id.chars().last() {
        Some(c) if c.width().unwrap_or(1) == 2 => format!("{id}{word}"),
        _ => format!("{id} {word}"),
    }
}

/// A column's cells: numbers as numbers, text as text, missing values blank.
pub fn cells(column: &polars::prelude::Column) -> Result<Vec<Cell>> {
    let series = column.as_materialized_series();
    let dtype = series.dtype();
    if dtype.is_primitive_numeric() {
        let floats = series.cast(&DataType::Float64)?;
        return Ok(floats
            .f64()?
            .iter()
            .map(|v| match v {
                None => Cell::Empty,
                Some(v) if v.is_finite() => Cell::Number(v),
                Some(v) if v.is_nan() => Cell::Text("NaN".into()),
                Some(v) if v > 0.0 => Cell::Text("inf".into()),
                Some(_) => Cell::Text("-inf".into()),
            })
            .collect());
    }
    let strings = series.cast(&DataType::String)?;
    Ok(strings
        .str()?
        .iter()
        .map(|v| text(v.unwrap_or_default()))
        .collect())
}

/// Cuts text Excel cannot hold in one cell, ending it with "…".
pub fn fit_text(value: &str) -> std::borrow::Cow<'_, str> {
    if value.encode_utf16().count() <= MAX_TEXT {
        return value.into();
    }
    let mut out = String::new();
    let mut units = 0;
    for c in value.chars() {
        units += c.len_utf16();
        if units > MAX_TEXT - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out.into()
}

/// Refuses a table that would not fit in a sheet under `header_rows` header lines.
pub fn check_fits(rows: usize, header_rows: usize) -> Result<()> {
    if rows + header_rows > MAX_ROWS {
        return Err(Error::Usage {
            message: format!(
                "{rows} rows do not fit in an Excel sheet ({MAX_ROWS} rows at most, with {header_rows} header row{}); write .csv or .parquet instead",
                if header_rows == 1 { "" } else { "s" }
            ),
        });
    }
    Ok(())
}

/// Sheet names as Excel takes them: at most 31 characters, without `[]:*?/\`, unique.
#[derive(Debug, Default)]
pub struct SheetNames {
    taken: Vec<String>,
}

impl SheetNames {
    /// A valid name for `wanted`, not yet taken, and takes it.
    pub fn take(&mut self, wanted: &str) -> String {
        let clean: String = wanted
            .chars()
            .map(|c| match c {
                '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
                c => c,
            })
            .collect();
        let clean = clean.trim_matches('\'');
        let base = if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
            format!("{clean}_")
        } else {
            clean.to_string()
        };
        let base = if base.trim_matches('\'').is_empty() {
            "Sheet".to_string()
        } else {
            base
        };
        let mut n = 1;
        loop {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!(" ({n})")
            };
            let room = 31 - suffix.len();
            let mut name = String::new();
            for c in base.chars() {
                if name.encode_utf16().count() + c.len_utf16() > room {
                    break;
                }
                name.push(c);
            }
            let name = format!("{}{suffix}", name.trim_end_matches('\''));
            if !self
                .taken
                .iter()
                .any(|t| t.to_lowercase() == name.to_lowercase())
            {
                self.taken.push(name.clone());
                return name;
            }
            n += 1;
        }
    }
}

/// The grade labels of the scheme, best first, with their fill colours.
fn grade_fills(plan: &Plan) -> BTreeMap<String, Color> {
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
fn identity_columns(plan: &Plan, table: &DataFrame, with_group_rank: bool) -> Result<Vec<Column>> {
    let spec = &plan.scheme.spec;
    let mut out = vec![Column::new(
        "排名",
        Style::General,
        cells(table.column(RANK_COLUMN)?)?,
    )];
    if with_group_rank {
        out.push(Column::new(
            "组内排名",
            Style::General,
            cells(table.column(GROUP_RANK_COLUMN)?)?,
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
            cells(table.column(name)?)?,
        ));
    }
    Ok(out)
}

/// Adds column `name` of `table`, when it has one.
fn push_if_present(
    out: &mut Vec<Column>,
    table: &DataFrame,
    name: &str,
    title: String,
    style: Style,
) -> Result<()> {
    if let Ok(column) = table.column(name) {
        out.push(Column::new(title, style, cells(column)?));
    }
    Ok(())
}

/// The 排名 sheet.
pub fn ranking_sheet(plan: &Plan, table: &DataFrame) -> Result<TableSheet> {
    let spec = &plan.scheme.spec;
    let score = Style::Fixed(spec.score_decimals);
    let mut columns = identity_columns(plan, table, true)?;
    let frozen_columns = columns.len() as u16;
    push_if_present(&mut columns, table, SCORE_COLUMN, "总分".into(), score)?;
    if let Ok(grade) = table.column(GRADE_COLUMN) {
        let mut column = Column::new("等级", Style::General, cells(grade)?);
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
    push_if_present(
        &mut columns,
        table,
        FLAGS_COLUMN,
        "说明".into(),
        Style::General,
    )?;
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

/// The 指标 sheet: every indicator's value, treated value, ratio text and score, under a title
/// holding its id and name.
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
            push_if_present(&mut own, table, id, value_title, Style::General)?;
            push_if_present(
                &mut own,
                table,
                &crate::normalise::treated_column(id),
                "处理后值".into(),
                Style::General,
            )?;
            push_if_present(
                &mut own,
                table,
                &super::display_column_name(id),
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

/// The 运行摘要 sheet: the run summary's facts as small tables.
pub fn summary_sheet(plan: &Plan, table: &DataFrame, summary: &RunSummary) -> Result<ListSheet> {
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
        (text(summary.data_file.display().to_string()), general),
    ]);
    if let Some(previous) = &summary.previous_file {
        sheet.row(vec![
            (text("上期数据文件"), general),
            (text(previous.display().to_string()), general),
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
            "其中非有限值",
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
            count(q.non_finite),
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
    if summary.warnings.is_empty() {
        sheet.row(vec![(text("无"), general)]);
    }
    for warning in &summary.warnings {
        sheet.note(warning);
    }

    let spec = &plan.scheme.spec;
    let mut header = vec!["排名", spec.columns.id.as_str()];
    header.extend(spec.columns.name.as_deref());
    header.push("说明");
    sheet.section("机构说明（否决、缺失数据、加减分等）", &header);
    let ranks = cells(table.column(RANK_COLUMN)?)?;
    let ids = cells(table.column(&spec.columns.id)?)?;
    let institution_names = match &spec.columns.name {
        Some(name) => Some(cells(table.column(name)?)?),
        None => None,
    };
    let flags = cells(table.column(FLAGS_COLUMN)?)?;
    for (row, flag) in flags.into_iter().enumerate() {
        if flag == Cell::Empty {
            continue;
        }
        let mut line = vec![(ranks[row].clone(), general), (ids[row].clone(), general)];
        if let Some(names) = &institution_names {
            line.push((names[row].clone(), general));
        }
        line.push((flag, general));
        sheet.row(line);
    }

    sheet.section("摘要原文（与命令行输出相同）", &[]);
    for line in summary.to_string().lines() {
        sheet.note(line);
    }
    Ok(sheet)
}

/// The whole report of a scoring run.
pub fn score_workbook(plan: &Plan, table: &DataFrame, summary: &RunSummary) -> Result<Workbook> {
    check_fits(table.height(), 2)?;
    let mut names = SheetNames::default();
    // The fixed sheets keep their names; dimensions give way.
    let ranking_name = names.take(RANKING_SHEET);
    let indicator_name = names.take(INDICATOR_SHEET);
    let summary_name = names.take(SUMMARY_SHEET);
    let fills = grade_fills(plan);
    let mut workbook = new_workbook(Some(&summary.scheme_name))?;
    let mut ranking = ranking_sheet(plan, table)?;
    ranking.name = ranking_name;
    push_table(&mut workbook, &ranking, &fills)?;
    for dimension in &plan.weights.dimensions {
        let mut sheet = dimension_sheet(plan, table, dimension)?;
        sheet.name = names.take(&dimension.id);
        push_table(&mut workbook, &sheet, &fills)?;
    }
    let mut indicators = indicator_sheet(plan, table)?;
    indicators.name = indicator_name;
    push_table(&mut workbook, &indicators, &fills)?;
    let mut summary_sheet = summary_sheet(plan, table, summary)?;
    summary_sheet.name = summary_name;
    push_list(&mut workbook, &summary_sheet)?;
    Ok(workbook)
}

/// Any table on one sheet, its column names as titles.
pub fn table_workbook(table: &DataFrame) -> Result<Workbook> {
    check_fits(table.height(), 1)?;
    let mut workbook = new_workbook(None)?;
    push_table(&mut workbook, &plain_sheet(table)?, &BTreeMap::new())?;
    Ok(workbook)
}

fn plain_sheet(table: &DataFrame) -> Result<TableSheet> {
    let columns = table
        .columns()
        .iter()
        .map(|c| Ok(Column::new(c.name().as_str(), Style::General, cells(c)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok(TableSheet {
        name: TABLE_SHEET.into(),
        frozen_columns: u16::from(!columns.is_empty()),
        columns,
    })
}

/// `jixiao mcda`'s result: the ranked table, and the criteria with their weights and notes.
pub fn mcda_workbook(result: &McdaResult) -> Result<Workbook> {
    check_fits(result.table.height(), 1)?;
    let mut workbook = new_workbook(Some(result.method.title()))?;
    push_table(
        &mut workbook,
        &plain_sheet(&result.table)?,
        &BTreeMap::new(),
    )?;
    let general = Style::General;
    let mut weights = ListSheet {
        name: WEIGHTS_SHEET.into(),
        rows: Vec::new(),
    };
    let mut header = vec!["准则", "方向", "权重"];
    if let Some((label, _)) = &result.weights.statistic {
        header.push(label.as_str());
    }
    weights.section(
        &format!("{}，权重：{}", result.method.title(), result.weights.label),
        &header,
    );
    for (index, criterion) in result.criteria.iter().enumerate() {
        let direction = match criterion.direction {
            crate::mcda::Direction::Benefit => "+ 高优",
            crate::mcda::Direction::Cost => "- 低优",
        };
        let mut row = vec![
            (text(&criterion.name), general),
            (text(direction), general),
            (number(result.weights.values[index]), Style::Percent),
        ];
        if let Some((_, values)) = &result.weights.statistic {
            row.push((number(values[index]), general));
        }
        weights.row(row);
    }
    if !result.notes.is_empty() {
        weights.section("说明", &[]);
        for note in &result.notes {
            weights.note(note);
        }
    }
    push_list(&mut workbook, &weights)?;
    Ok(workbook)
}

fn xlsx_error(error: rust_xlsxwriter::XlsxError) -> Error {
    Error::internal(format!("writing the Excel workbook: {error}"))
}

fn new_workbook(title: Option<&str>) -> Result<Workbook> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(1980, 1, 1).map_err(xlsx_error)?;
    let mut properties = DocProperties::new().set_creation_datetime(&created);
    if let Some(title) = title {
        properties = properties.set_title(title);
    }
    workbook.set_properties(&properties);
    // The fastest deflate: the XML of a large report is hundreds of megabytes, and level 1 writes
    // it about twice as fast as the default for a slightly larger file.
    workbook.set_zip_compression_level(1);
    Ok(workbook)
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border_bottom(FormatBorder::Thin)
}

fn number_format(style: Style) -> Format {
    match style.number_format() {
        Some(code) => Format::new().set_num_format(code),
        None => Format::new(),
    }
}

/// Shown width of a cell, in Excel's character units (CJK characters count double).
fn shown_width(cell: &Cell, style: Style) -> usize {
    match cell {
        Cell::Empty => 0,
        Cell::Number(v) => style.shown(*v).width(),
        Cell::Text(t) => t.width(),
    }
}

fn column_width(title_width: usize, widest: usize) -> f64 {
    (widest.max(title_width.min(24)) + 2).clamp(4, 60) as f64
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    format: &Format,
) -> Result<()> {
    match cell {
        Cell::Empty => {}
        Cell::Number(v) => {
            sheet
                .write_number_with_format(row, col, *v, format)
                .map_err(xlsx_error)?;
        }
        Cell::Text(t) => {
            sheet
                .write_string_with_format(row, col, fit_text(t), format)
                .map_err(xlsx_error)?;
        }
    }
    Ok(())
}

/// Adds a table sheet: header line(s), frozen; autofilter; cells with their formats; widths.
pub fn push_table(
    workbook: &mut Workbook,
    table: &TableSheet,
    fills: &BTreeMap<String, Color>,
) -> Result<()> {
    let mut sheet = Worksheet::new();
    sheet.set_name(&table.name).map_err(xlsx_error)?;
    let header = header_format();
    let header_rows = table.header_rows();
    let columns = &table.columns;
    // Header: group titles merged over their columns; single titles merged down both lines.
    let mut index = 0;
    while index < columns.len() {
        let column = &columns[index];
        let col = index as u16;
        match &column.group {
            Some(group) => {
                let mut end = index;
                while end + 1 < columns.len() && columns[end + 1].group.as_ref() == Some(group) {
                    end += 1;
                }
                if end > index {
                    sheet
                        .merge_range(0, col, 0, end as u16, group, &header)
                        .map_err(xlsx_error)?;
                } else {
                    sheet
                        .write_string_with_format(0, col, group, &header)
                        .map_err(xlsx_error)?;
                }
                for (offset, member) in columns[index..=end].iter().enumerate() {
                    sheet
                        .write_string_with_format(1, col + offset as u16, &member.title, &header)
                        .map_err(xlsx_error)?;
                }
                index = end + 1;
            }
            None => {
                if header_rows == 2 {
                    sheet
                        .merge_range(0, col, 1, col, &column.title, &header)
                        .map_err(xlsx_error)?;
                } else {
                    sheet
                        .write_string_with_format(0, col, &column.title, &header)
                        .map_err(xlsx_error)?;
                }
                index += 1;
            }
        }
    }
    let grade_formats: BTreeMap<&str, Format> = fills
        .iter()
        .map(|(grade, colour)| (grade.as_str(), Format::new().set_background_color(*colour)))
        .collect();
    let plain = Format::new();
    for (index, column) in columns.iter().enumerate() {
        let col = index as u16;
        let number = number_format(column.style);
        let mut widest = 0;
        for (row, cell) in column.cells.iter().enumerate() {
            let row = row as u32 + header_rows;
            widest = widest.max(shown_width(cell, column.style));
            let format = match cell {
                Cell::Text(grade) if column.grade_fill => {
                    grade_formats.get(grade.as_str()).unwrap_or(&plain)
                }
                _ => &number,
            };
            write_cell(&mut sheet, row, col, cell, format)?;
        }
        let title_width = column
            .title
            .width()
            .max(column.group.as_ref().map_or(0, |g| g.width().min(12)));
        sheet
            .set_column_width(col, column_width(title_width, widest))
            .map_err(xlsx_error)?;
    }
    if let Some(panes) = table.panes() {
        sheet
            .set_freeze_panes(panes.frozen_rows, panes.frozen_columns)
            .map_err(xlsx_error)?;
        let (first_row, first_col, last_row, last_col) = panes.autofilter;
        sheet
            .autofilter(first_row, first_col, last_row, last_col)
            .map_err(xlsx_error)?;
    }
    workbook.push_worksheet(sheet);
    Ok(())
}

/// Where a table sheet is frozen and filtered (calamine cannot read these back, so they are
/// computed here and unit-tested).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    /// Header lines kept in view.
    pub frozen_rows: u32,
    /// Identity columns kept in view.
    pub frozen_columns: u16,
    /// First row, first column, last row, last column of the autofilter: the last header line
    /// and every data row.
    pub autofilter: (u32, u16, u32, u16),
}

impl TableSheet {
    /// The frozen panes and autofilter; `None` for a sheet without columns.
    pub fn panes(&self) -> Option<Panes> {
        if self.columns.is_empty() {
            return None;
        }
        let last_header = self.header_rows() - 1;
        Some(Panes {
            frozen_rows: self.header_rows(),
            frozen_columns: self.frozen_columns,
            autofilter: (
                last_header,
                0,
                last_header + self.height() as u32,
                (self.columns.len() - 1) as u16,
            ),
        })
    }
}

/// Adds a sheet of sections.
pub fn push_list(workbook: &mut Workbook, list: &ListSheet) -> Result<()> {
    let mut sheet = Worksheet::new();
    sheet.set_name(&list.name).map_err(xlsx_error)?;
    let title = Format::new().set_bold().set_font_size(14);
    let section = Format::new().set_bold();
    let header = header_format();
    let mut widths: Vec<usize> = Vec::new();
    for (row, (kind, cells)) in list.rows.iter().enumerate() {
        let row = row as u32;
        for (col, (cell, style)) in cells.iter().enumerate() {
            let format = match kind {
                RowKind::Title => title.clone(),
                RowKind::Section => section.clone(),
                RowKind::Header => header.clone(),
                RowKind::Body | RowKind::Note | RowKind::Blank => number_format(*style),
            };
            write_cell(&mut sheet, row, col as u16, cell, &format)?;
            if matches!(kind, RowKind::Header | RowKind::Body) {
                if widths.len() <= col {
                    widths.resize(col + 1, 0);
                }
                widths[col] = widths[col].max(shown_width(cell, *style));
            }
        }
    }
    for (col, widest) in widths.into_iter().enumerate() {
        sheet
            .set_column_width(col as u16, column_width(0, widest))
            .map_err(xlsx_error)?;
    }
    workbook.push_worksheet(sheet);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_cut_cleaned_and_unique() {
        let mut names = SheetNames::default();
        assert_eq!(names.take("排名"), "排名");
        assert_eq!(names.take("排名"), "排名 (2)");
        assert_eq!(names.take("a/b:c[d]*?\\"), "a_b_c_d____");
        assert_eq!(names.take("'quoted'"), "quoted");
        assert_eq!(names.take("History"), "History_");
        assert_eq!(names.take(""), "_");
        let long = "维".repeat(40);
        let first = names.take(&long);
        assert_eq!(first, "维".repeat(31));
        let second = names.take(&long);
        assert_eq!(second, format!("{} (2)", "维".repeat(27)));
        assert_eq!(
            names.take("QUOTED"),
            "QUOTED (2)",
            "Excel compares without case"
        );
    }

    #[test]
    fn grade_colours_run_from_green_to_red() {
        assert_eq!(grade_colour(0.0), Color::RGB(0xC6EFCE));
        assert_eq!(grade_colour(0.5), Color::RGB(0xFFEB9C));
        assert_eq!(grade_colour(1.0), Color::RGB(0xFFC7CE));
    }

    #[test]
    fn number_formats_follow_the_style() {
        assert_eq!(Style::Fixed(2).number_format().as_deref(), Some("0.00"));
        assert_eq!(Style::Fixed(0).number_format().as_deref(), Some("0"));
        assert_eq!(Style::Money(2).number_format().as_deref(), Some("#,##0.00"));
        assert_eq!(Style::General.number_format(), None);
        assert_eq!(Style::Money(2).shown(1533112.033), "1,533,112.03");
        assert_eq!(Style::Money(0).shown(-999.0), "-999");
        assert_eq!(Style::Percent.shown(0.054), "5.40%");
    }

    #[test]
    fn long_text_is_cut_to_what_a_cell_holds() {
        let long = "说".repeat(40_000);
        let cut = fit_text(&long);
        assert_eq!(cut.encode_utf16().count(), MAX_TEXT);
        assert!(cut.ends_with('…'));
        assert_eq!(fit_text("短"), "短");
    }

    #[test]
    fn too_many_rows_for_a_sheet_is_refused() {
        assert!(check_fits(MAX_ROWS - 2, 2).is_ok());
        let error = check_fits(MAX_ROWS - 1, 2).unwrap_err().to_string();
        assert_eq!(
            error,
            "error: 1048575 rows do not fit in an Excel sheet (1048576 rows at most, with 2 header rows); write .csv or .parquet instead\n"
        );
    }

    #[test]
    fn cells_keep_numbers_blank_missing_values_and_not_finite_text() {
        let column = polars::prelude::Column::new(
            "x".into(),
            [Some(1.5), None, Some(f64::NAN), Some(f64::INFINITY)],
        );
        assert_eq!(
            cells(&column).unwrap(),
            [
                Cell::Number(1.5),
                Cell::Empty,
                Cell::Text("NaN".into()),
                Cell::Text("inf".into())
            ]
        );
        let column = polars::prelude::Column::new("t".into(), [Some("甲"), Some(""), None]);
        assert_eq!(
            cells(&column).unwrap(),
            [Cell::Text("甲".into()), Cell::Empty, Cell::Empty]
        );
    }

    #[test]
    fn header_lines_and_identity_columns_are_frozen_and_filtered() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let scheme = crate::scheme::Scheme::load(&root.join("tests/fixtures/tiny")).unwrap();
        let plan = Plan::compile(scheme).unwrap();
        let dataset = plan.scheme.spec.dataset.clone().unwrap();
        let previous = plan.scheme.dir.join(dataset.previous.unwrap());
        let current = plan.scheme.dir.join(dataset.current);
        let run = crate::pipeline::score(&plan, &current.into(), Some(&previous.into())).unwrap();
        let rows = run.table.height() as u32;
        assert!(rows > 0);
        let ranking = ranking_sheet(&plan, &run.table).unwrap();
        let identity = ranking
            .columns
            .iter()
            .take_while(|c| c.title != "总分")
            .count() as u16;
        let last = (ranking.columns.len() - 1) as u16;
        assert_eq!(
            ranking.panes(),
            Some(Panes {
                frozen_rows: 1,
                frozen_columns: identity,
                autofilter: (0, 0, rows, last),
            })
        );
        let indicators = indicator_sheet(&plan, &run.table).unwrap();
        let panes = indicators.panes().unwrap();
        assert_eq!(
            panes.frozen_rows, 2,
            "id + name line, then value / score line"
        );
        assert_eq!(
            panes.frozen_columns,
            identity - 1,
            "no rank in the peer group"
        );
        assert_eq!(panes.autofilter.0, 1, "filters on the second header line");
        assert_eq!(panes.autofilter.2, rows + 1);
        let empty = TableSheet {
            name: "x".into(),
            columns: Vec::new(),
            frozen_columns: 0,
        };
        assert_eq!(empty.panes(), None);
    }

    #[test]
    fn two_header_lines_only_with_group_titles() {
        let mut sheet = TableSheet {
            name: "s".into(),
            columns: vec![Column::new("排名", Style::General, vec![])],
            frozen_columns: 1,
        };
        assert_eq!(sheet.header_rows(), 1);
        let mut grouped = Column::new("值", Style::General, vec![]);
        grouped.group = Some("T4 出院患者手术占比".into());
        sheet.columns.push(grouped);
        assert_eq!(sheet.header_rows(), 2);
    }

    #[test]
    fn widths_count_cjk_double_and_stay_in_bounds() {
        assert_eq!(shown_width(&Cell::Text("医院".into()), Style::General), 4);
        assert_eq!(column_width(2, 4), 6.0);
        assert_eq!(column_width(40, 3), 26.0, "long titles wrap");
        assert_eq!(column_width(0, 200), 60.0);
        assert_eq!(column_width(0, 0), 4.0);
    }
}
