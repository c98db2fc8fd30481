//! The Excel report (`--out result.xlsx`): the output table laid out for evaluators, with Chinese
//! titles, number formats and grade colours, plus the run summary.
//!
//! Sheets of a scoring run, in order:
//!
//! | sheet | content |
//! |---|---|
//! | 封面 | the cover: scheme name and version, period, data files, institution counts, grade distribution and dimension means per peer group, each with a native Excel chart |
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
//! - **Language.** Sheet names and titles are Chinese; the flags (说明) and the cover follow
//!   `--lang` (Chinese by default); the summary as printed (English) is added with `--lang en`.
//! - **Printing.** Every table sheet prints landscape on A4, one page wide, with its header
//!   line(s) repeated on each page.
//! - **Size.** Written streaming (rust_xlsxwriter's constant-memory mode): each row is read from
//!   the output table and written to a temporary file as the sheet is written, so memory does not
//!   grow with the rows; see BENCHMARKS.md for 300 000 institutions against the CSV.

mod cover;
mod layout;
mod sheets;
mod write;

use std::collections::BTreeMap;

use polars::prelude::DataFrame;
use rust_xlsxwriter::Workbook;

use crate::error::Result;
use crate::matrix::McdaResult;
use crate::pipeline::ScoreRun;
use crate::plan::Plan;
use crate::progress::Progress;
use crate::report::lang::Lang;

/// How a scoring run's report is written.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    pub lang: Lang,
    pub cover: CoverFacts,
    pub progress: Progress,
}

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

pub use cover::{dimension_means, CoverFacts, COVER_SHEET};
pub use layout::{
    cells, check_fits, fit_text, unit_style, Cell, Column, ListSheet, RowKind, SheetNames, Style,
    TableSheet, Values, MAX_ROWS,
};
use layout::{number, text};
use sheets::grade_fills;
pub use sheets::{dimension_sheet, grade_colour, indicator_sheet, ranking_sheet, summary_sheet};
use write::new_workbook;
pub use write::{push_list, push_table, Panes};

/// The whole report of a scoring run.
pub fn score_workbook(plan: &Plan, run: &ScoreRun, options: &ReportOptions) -> Result<Workbook> {
    let (table, summary) = (&run.table, &run.summary);
    check_fits(table.height(), 2)?;
    let mut names = SheetNames::default();
    // The fixed sheets keep their names; dimensions give way.
    let cover_name = names.take(COVER_SHEET);
    let ranking_name = names.take(RANKING_SHEET);
    let indicator_name = names.take(INDICATOR_SHEET);
    let summary_name = names.take(SUMMARY_SHEET);
    let fills = grade_fills(plan);
    let mut workbook = new_workbook(Some(&summary.scheme_name), table.height() * table.width())?;
    cover::push_cover(
        &mut workbook,
        &cover_name,
        plan,
        table,
        summary,
        options,
        &fills,
    )?;
    let progress = &options.progress;
    let sheets = plan.weights.dimensions.len() as u64 + 2;
    progress.stage("writing xlsx", Some(sheets * table.height() as u64));
    let mut ranking = ranking_sheet(plan, table, &run.flags, options.lang)?;
    ranking.name = ranking_name;
    push_table(&mut workbook, &ranking, &fills, progress)?;
    for dimension in &plan.weights.dimensions {
        let mut sheet = dimension_sheet(plan, table, dimension)?;
        sheet.name = names.take(&dimension.id);
        push_table(&mut workbook, &sheet, &fills, progress)?;
    }
    let mut indicators = indicator_sheet(plan, table)?;
    indicators.name = indicator_name;
    push_table(&mut workbook, &indicators, &fills, progress)?;
    let mut summary_sheet = summary_sheet(plan, run, options.lang)?;
    summary_sheet.name = summary_name;
    push_list(&mut workbook, &summary_sheet)?;
    Ok(workbook)
}

/// Any table on one sheet, its column names as titles.
pub fn table_workbook(table: &DataFrame) -> Result<Workbook> {
    check_fits(table.height(), 1)?;
    let mut workbook = new_workbook(None, table.height() * table.width())?;
    push_table(
        &mut workbook,
        &plain_sheet(table)?,
        &BTreeMap::new(),
        &Progress::hidden(),
    )?;
    Ok(workbook)
}

fn plain_sheet(table: &DataFrame) -> Result<TableSheet> {
    let columns = table
        .columns()
        .iter()
        .map(|c| {
            Ok(Column::new(
                c.name().as_str(),
                Style::General,
                Values::of(c)?,
            ))
        })
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
    let mut workbook = new_workbook(
        Some(result.method.title()),
        result.table.height() * result.table.width(),
    )?;
    push_table(
        &mut workbook,
        &plain_sheet(&result.table)?,
        &BTreeMap::new(),
        &Progress::hidden(),
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

#[cfg(test)]
mod tests {
    use rust_xlsxwriter::Color;

    use super::layout::*;
    use super::sheets::*;
    use super::write::*;
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
    fn indicator_values_are_formatted_by_unit() {
        assert_eq!(unit_style(Some("万元")), Style::Money(2));
        assert_eq!(unit_style(Some("%")), Style::Fixed(2));
        assert_eq!(unit_style(Some("百分比（%）")), Style::Fixed(2));
        assert_eq!(unit_style(Some("‰")), Style::Fixed(2));
        assert_eq!(unit_style(Some("天")), Style::Fixed(2));
        assert_eq!(unit_style(Some("人次")), Style::General);
        assert_eq!(unit_style(Some(" ")), Style::General);
        assert_eq!(unit_style(None), Style::General);
    }

    #[test]
    fn values_are_read_row_by_row_as_cells() {
        let numbers = polars::prelude::Column::new("x".into(), [Some(1.5), None, Some(f64::NAN)]);
        let values = Values::of(&numbers).unwrap();
        assert_eq!(values.len(), 3);
        assert_eq!(values.get(0), Cell::Number(1.5));
        assert_eq!(values.get(1), Cell::Empty);
        assert_eq!(values.get(2), Cell::Text("NaN".into()));
        let missing = crate::message::Flag::Missing {
            indicators: vec![crate::message::MissingIndicator {
                id: "T1".into(),
                parts: None,
            }],
        };
        let flags = std::sync::Arc::new(vec![vec![missing], Vec::new()]);
        let zh = Values::flags(&flags, Lang::Zh);
        assert_eq!(zh.len(), 2);
        assert_eq!(zh.get(0), Cell::Text("缺失指标：T1".into()));
        assert_eq!(zh.get(1), Cell::Empty);
        let en = Values::flags(&flags, Lang::En);
        assert_eq!(en.get(0), Cell::Text("missing: T1".into()));
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
        let ranking = ranking_sheet(&plan, &run.table, &run.flags, Lang::Zh).unwrap();
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
            columns: vec![Column::new("排名", Style::General, Vec::new())],
            frozen_columns: 1,
        };
        assert_eq!(sheet.header_rows(), 1);
        let mut grouped = Column::new("值", Style::General, Vec::new());
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
