//! The xlsx report as a director prints it: the cover sheet (scheme, version, period, data files,
//! counts, grade distribution, dimension means) read back with calamine, its native charts present
//! in the package, the print set-up of the table sheets, indicator values formatted by unit, and
//! `--lang en`.

use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};

mod common;
use common::{jixiao, transcript};

fn score(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut all = vec!["score", "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = jixiao(&all);
    assert_eq!(o.code, 0, "{}", transcript(&o));
    out
}

fn rows(path: &Path, sheet: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The row whose first cell is `label`, from its second cell on.
fn after<'a>(rows: &'a [Vec<Data>], label: &str) -> &'a [Data] {
    &rows
        .iter()
        .find(|r| r.first().map(text).as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no row {label}"))[1..]
}

fn zip_entry(path: &Path, name: &str) -> Option<String> {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut entry = archive.by_name(name).ok()?;
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    Some(text)
}

#[test]
fn the_cover_names_the_run_and_counts_the_grades() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = score(dir.path(), "report.xlsx", &[]);
    let cover = rows(&xlsx, "封面");
    assert_eq!(
        text(&cover[0][0]),
        "三级公立医院绩效考核（核心指标示例） — 绩效考核结果"
    );
    assert_eq!(
        text(&after(&cover, "方案")[0]),
        "三级公立医院绩效考核（核心指标示例）"
    );
    assert_eq!(text(&after(&cover, "版本")[0]), "2020.1");
    assert_eq!(text(&after(&cover, "考核期间")[0]), "未指定（见数据文件）");
    assert!(text(&after(&cover, "数据文件")[0]).ends_with("datasets/tertiary-core/current.csv"));
    assert!(text(&after(&cover, "上期数据文件")[0]).ends_with("previous.csv"));
    assert_eq!(after(&cover, "参评机构")[0], Data::Float(320.0));
    assert_eq!(after(&cover, "一票否决")[0], Data::Float(1.0));
    // The grade distribution adds up to the graded institutions of the ranking sheet.
    let ranking = rows(&xlsx, "排名");
    for grade in ["A", "B", "C", "D"] {
        let n = ranking[1..].iter().filter(|r| text(&r[6]) == grade).count();
        assert_eq!(
            after(&cover, grade)[0],
            Data::Float(n as f64),
            "grade {grade}"
        );
    }
    // Dimension means per peer group: the mean of the ranking sheet's dimension scores.
    let header = cover
        .iter()
        .find(|r| r.first().map(text).as_deref() == Some("同类组"))
        .unwrap();
    assert_eq!(text(&header[1]), "医疗质量");
    let group = text(&ranking[1][4]);
    let members: Vec<f64> = ranking[1..]
        .iter()
        .filter(|r| text(&r[4]) == group)
        .filter_map(|r| match r[10] {
            Data::Float(v) => Some(v),
            _ => None,
        })
        .collect();
    let mean = members.iter().sum::<f64>() / members.len() as f64;
    match after(&cover, &group)[0] {
        Data::Float(v) => assert!((v - mean).abs() < 1e-9, "{v} vs {mean}"),
        ref other => panic!("{other:?}"),
    }

    // Native charts in the package, on the cover.
    let grades = zip_entry(&xlsx, "xl/charts/chart1.xml").expect("xl/charts/chart1.xml");
    assert!(grades.contains("<c:barChart>"));
    assert!(grades.contains("封面"), "the chart reads the cover's table");
    let means = zip_entry(&xlsx, "xl/charts/chart2.xml").expect("xl/charts/chart2.xml");
    assert!(means.contains("<c:barChart>"));
    assert!(zip_entry(&xlsx, "xl/drawings/drawing1.xml").is_some());
}

#[test]
fn table_sheets_print_landscape_one_page_wide_with_repeated_headers() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = score(dir.path(), "report.xlsx", &[]);
    // sheet2 is 排名 (sheet1 the cover).
    let ranking = zip_entry(&xlsx, "xl/worksheets/sheet2.xml").unwrap();
    assert!(
        ranking.contains("<pageSetUpPr fitToPage=\"1\"/>"),
        "fit to page"
    );
    assert!(ranking.contains("orientation=\"landscape\""));
    assert!(
        ranking.contains("fitToHeight=\"0\""),
        "as many pages tall as needed"
    );
    let workbook = zip_entry(&xlsx, "xl/workbook.xml").unwrap();
    assert!(
        workbook.contains(
            "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">排名!$1:$1</definedName>"
        ),
        "{workbook}"
    );
    assert!(workbook.contains("指标!$1:$2"), "both header lines of 指标");
}

#[test]
fn indicator_values_are_formatted_by_unit() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = score(dir.path(), "report.xlsx", &[]);
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("指标").unwrap();
    let styles = book.worksheet_style("指标").unwrap();
    let titles: Vec<String> = sheet.rows().nth(1).unwrap().iter().map(text).collect();
    let percent = titles.iter().position(|t| t == "值 (%)").unwrap();
    let format = styles
        .get((2, percent as u32))
        .and_then(|s| s.number_format.as_ref())
        .map(|f| f.format_code.clone());
    assert_eq!(format.as_deref(), Some("0.00"), "a share shows 2 decimals");
    // The value itself is the CSV's.
    assert!(matches!(
        sheet.rows().nth(2).unwrap()[percent],
        Data::Float(_)
    ));
}

#[test]
fn english_reports_keep_the_flags_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = score(dir.path(), "report.xlsx", &["--lang", "en"]);
    let ranking = rows(&xlsx, "排名");
    assert!(ranking
        .iter()
        .any(|r| text(&r[14]).starts_with("missing: ")));
    let cover = rows(&xlsx, "封面");
    assert_eq!(text(&after(&cover, "Version")[0]), "2020.1");
    assert_eq!(after(&cover, "institutions")[0], Data::Float(320.0));
}

#[test]
fn the_period_of_a_fill_in_form_is_on_the_cover() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = score(
        dir.path(),
        "form.xlsx",
        &[
            "--scheme",
            "tests/fixtures/returns",
            "--data",
            "tests/fixtures/returns/form.csv",
            "--period",
            "2020",
        ],
    );
    let cover = rows(&xlsx, "封面");
    assert_eq!(text(&after(&cover, "考核期间")[0]), "2020");
    assert_eq!(after(&cover, "参评机构")[0], Data::Float(1.0));
}
