//! Returns as they come (issue 17): the national fill-in form read as it is, long tables, units
//! declared and converted, figures the returns repeat, report-only indicators without their
//! columns. Every number is computed by hand in the comments.
//!
//! Fixtures: tests/fixtures/returns (a two-indicator scheme and its data files) and the real
//! secondary hospital's form, ../shared/data/real-returns (its path relative to the repository).

use std::path::{Path, PathBuf};

use jixiao::pipeline::ScoreRun;
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::source::layout::{Layout, LayoutOptions};
use jixiao::source::DataFile;
use polars::prelude::*;

mod common;
use common::{floats, jixiao};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/returns").join(name)
}

/// The real form: the shared data folder beside the repository (or its worktree).
fn real_form() -> Option<PathBuf> {
    let name = "data/real-returns/secondary-hospital-2017-2020.csv";
    root()
        .ancestors()
        .map(|dir| dir.join("shared").join(name))
        .find(|path| path.is_file())
}

fn in_period(path: &Path, period: &str) -> DataFile {
    DataFile {
        layout: LayoutOptions {
            period: Some(period.into()),
            ..Default::default()
        },
        ..DataFile::from(path)
    }
}

fn score(scheme: &Path, data: &DataFile, previous: Option<&DataFile>) -> ScoreRun {
    let plan = Plan::compile(Scheme::load(scheme).unwrap()).unwrap();
    jixiao::pipeline::score(&plan, data, previous).unwrap()
}

/// `column` by institution id, in id order.
fn by_id(run: &ScoreRun, id_column: &str, column: &str) -> Vec<(String, Option<f64>)> {
    let sorted = run
        .table
        .sort([id_column], SortMultipleOptions::default())
        .unwrap();
    let ids = sorted.column(id_column).unwrap().str().unwrap().clone();
    ids.iter()
        .map(|id| id.unwrap().to_string())
        .zip(floats(&sorted, column))
        .collect()
}

#[test]
fn a_header_in_yuan_is_converted_to_the_declared_wan_yuan() {
    let run = score(&fixture(""), &DataFile::from(fixture("units.csv")), None);
    // A: 1 200 000 元 = 120 万元, × 10000 / 400 = 3000 元; B: 105 万元 × 10000 / 300 = 3500 元
    // (出院人次数 is listed first among the aliases: its 300 is read, not the 310 beside it).
    assert_eq!(
        by_id(&run, "编码", "F1"),
        [("A".into(), Some(3000.0)), ("B".into(), Some(3500.0))]
    );
    // min_max, lower is better: A 100, B 0.
    assert_eq!(
        by_id(&run, "编码", "F1.score"),
        [("A".into(), Some(100.0)), ("B".into(), Some(0.0))]
    );
    let summary = run.summary.to_string();
    assert!(
        summary.contains("converted from 元 to 万元 (÷ 10000): 药品收入"),
        "{summary}"
    );
    // The repeated discharges: A agrees (400, 400), B does not (300, 310).
    assert!(
        summary.contains("1 repeated figure that disagrees: row 3 同期出院患者人数"),
        "{summary}"
    );
    // 床位数 is read only by the report-only M1: missing, one warning, not an error.
    assert!(
        summary.contains(
            "warning: absent, read as missing: 床位数 (read only by report-only indicators"
        ),
        "{summary}"
    );
    assert_eq!(floats(&run.table, "M1"), [None, None]);
}

#[test]
fn repeated_figures_that_disagree_are_named_with_both_cells() {
    let o = jixiao(&[
        "check",
        "--scheme",
        "tests/fixtures/returns",
        "--data",
        "tests/fixtures/returns/units.csv",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(
            "row 3, column 同期出院患者人数 (B): \"出院人次数\" 300 and \"同期出院患者人数\" 310 both give \"出院人数\"; \"出院人次数\" is read"
        ),
        "{}",
        o.stdout
    );
}

#[test]
fn a_unit_that_cannot_be_converted_names_both() {
    let o = jixiao(&[
        "score",
        "--scheme",
        "tests/fixtures/returns",
        "--data",
        "tests/fixtures/returns/unconvertible.csv",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "\"药品收入(人)\" is in 人, and \"药品收入\" is declared in 万元: 人 cannot be converted to 万元"
        ),
        "{}",
        o.stderr
    );
}

#[test]
fn a_long_table_is_read_per_period() {
    let data = in_period(&fixture("long.csv"), "2020");
    let run = score(&fixture(""), &data, None);
    // 2020: A 96 万元 × 10000 / 320 = 3000 元; B 80 万元 × 10000 / 200 = 4000 元.
    assert_eq!(
        by_id(&run, "编码", "F1"),
        [("A".into(), Some(3000.0)), ("B".into(), Some(4000.0))]
    );
    let summary = run.summary.to_string();
    assert!(
        summary.contains("long table (detected): one row per institution and item, period 2020; 2 institutions × 2 items"),
        "{summary}"
    );
    // 2019: A 90 万元 / 300 = 3000 元; B 60 万元 / 240 = 2500 元.
    let run = score(
        &fixture(""),
        &in_period(&fixture("long.csv"), "2019年"),
        None,
    );
    assert_eq!(
        by_id(&run, "编码", "F1"),
        [("A".into(), Some(3000.0)), ("B".into(), Some(2500.0))]
    );
    // Two periods and none named: refused, never guessed.
    let o = jixiao(&[
        "score",
        "--scheme",
        "tests/fixtures/returns",
        "--data",
        "tests/fixtures/returns/long.csv",
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("holds several periods (2020, 2019)"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_form_is_read_with_its_id_row_units_and_forced_layout() {
    // 2020: 1 500 000 元 = 150 万元 × 10000 / 500 = 3000 元, as the form reports; 2019: 2500.
    for (period, expected) in [("2020", 3000.0), ("2019", 2500.0)] {
        let run = score(&fixture(""), &in_period(&fixture("form.csv"), period), None);
        assert_eq!(by_id(&run, "编码", "F1"), [("H9".into(), Some(expected))]);
    }
    let o = jixiao(&[
        "score",
        "--scheme",
        "tests/fixtures/returns",
        "--data",
        "tests/fixtures/returns/form.csv",
        "--period",
        "2020",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains(
            "fill-in form (detected): items as rows, period 2020年, institution H9 from row 2"
        ),
        "{}",
        o.stdout
    );
    // --layout forces one: the form read as a long table lacks the long table's columns.
    let forced = DataFile {
        layout: LayoutOptions {
            layout: Some(Layout::Long),
            period: Some("2020".into()),
            ..Default::default()
        },
        ..DataFile::from(fixture("form.csv"))
    };
    let plan = Plan::compile(Scheme::load(&fixture("")).unwrap()).unwrap();
    let err = jixiao::pipeline::score(&plan, &forced, None)
        .err()
        .expect("a form is not a long table");
    assert!(err.to_string().contains("read as a long table"), "{err}");
    // The same through the flag.
    let o = jixiao(&[
        "score",
        "--scheme",
        "tests/fixtures/returns",
        "--data",
        "tests/fixtures/returns/form.csv",
        "--period",
        "2020",
        "--layout",
        "long",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("form.csv: read as a long table, but the header has no column named 编码"),
        "{}",
        o.stderr
    );
}

/// The 34 figures the real form reports for S1–S25, by the item number of their row.
const REPORTED: [(&str, &str); 34] = [
    ("S1", "1."),
    ("S2", "2."),
    ("S3", "3."),
    ("S4", "4."),
    ("S5", "5."),
    ("S6", "6."),
    ("S7", "7."),
    ("S8", "8."),
    ("S9", "9."),
    ("S10", "10."),
    ("S11", "11."),
    ("S12_参加率", "12.1."),
    ("S12_合格率", "12.2."),
    ("S13", "13."),
    ("S14", "14."),
    ("S15", "15."),
    ("S16", "16."),
    ("S17", "17."),
    ("S18_门急诊", "18.1."),
    ("S18_住院", "18.2."),
    ("S19", "19."),
    ("S20_门急诊", "20.1."),
    ("S20_住院", "20.2."),
    ("S21_门诊", "21.1."),
    ("S21_住院", "21.2."),
    ("S22_门诊", "22.1."),
    ("S22_住院", "22.2."),
    ("S23", "23."),
    ("S24_麻醉", "24.1."),
    ("S24_儿科", "24.2."),
    ("S24_重症", "24.3."),
    ("S24_病理", "24.4."),
    ("S24_中医", "24.5."),
    ("S25", "25."),
];

/// The reported cell of each indicator in `year`'s column of the form, as written.
fn reported(form: &Path, year: &str) -> Vec<(&'static str, String)> {
    let text = std::fs::read_to_string(form).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let at = rows[0].iter().position(|h| *h == year).unwrap();
    REPORTED
        .iter()
        .filter_map(|(id, number)| {
            let row = rows.iter().find(|r| {
                r[0].strip_prefix(number)
                    .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()))
            })?;
            let cell = row.get(at).copied().unwrap_or("").trim();
            (!cell.is_empty()).then(|| (*id, cell.to_string()))
        })
        .collect()
}

/// Whether `ours` gives the reported cell to its decimals, rounded or truncated (the form does
/// both); "1:1.55" is compared by its X.
fn reproduces(ours: f64, cell: &str) -> bool {
    let text = cell.rsplit(':').next().unwrap();
    let decimals = text.split('.').nth(1).map_or(0, str::len) as i32;
    let scale = 10f64.powi(decimals);
    let reported = (text.parse::<f64>().unwrap() * scale).round();
    (ours * scale).round() == reported || (ours * scale + 1e-9).floor() == reported
}

/// Scores the real form for `year` against `previous` and splits the reported figures into those
/// reproduced and those not, each with our value.
fn check_real_form(data: &DataFile, previous: &DataFile, form: &Path, year: &str) -> Vec<String> {
    let run = score(&root().join("scoring/secondary-2020"), data, Some(previous));
    let mut differ = Vec::new();
    for (id, cell) in reported(form, year) {
        let ours = floats(&run.table, id)[0];
        match ours {
            Some(ours) if reproduces(ours, &cell) => {}
            _ => differ.push(format!(
                "{id} {cell} vs {}",
                ours.map_or("missing".into(), |v| format!("{v:.4}"))
            )),
        }
    }
    differ
}

/// The figures of the real form that do not follow from its own lines, and why.
const INCONSISTENT_2020: [(&str, &str); 11] = [
    (
        "S6 33.00 vs 35.2576",
        "its lines give 96189 × 100 / 272818 = 35.26 DDDs",
    ),
    (
        "S8 1.43 vs missing",
        "中标药品 1499745.69 exceeds 同种药品 739375.80: part above whole",
    ),
    (
        "S12_参加率 54.00 vs 59.2920",
        "its lines give 134 / 226 = 59.29%",
    ),
    (
        "S17 0.01030 vs 0.0103",
        "611.76 × 10⁴ / 591332450.14 = 0.010345",
    ),
    (
        "S19 31.42 vs 33.3669",
        "its 医疗服务收入 line is not 医疗收入 less 药品, 卫生材料, 检查, 化验 (147565889.95)",
    ),
    (
        "S22_门诊 15.66 vs 15.3456",
        "the growth skips the 抗癌药 exclusion its own level 79.18 applies",
    ),
    (
        "S24_麻醉 3.60 vs 3.6232",
        "the five shares divide by none of its physician totals (276 in 23.1, 265 in 24.6)",
    ),
    ("S24_儿科 10.00 vs 10.1449", "as S24_麻醉"),
    ("S24_重症 2.50 vs 2.5362", "as S24_麻醉"),
    ("S24_病理 1.10 vs 1.0870", "as S24_麻醉"),
    ("S24_中医 3.60 vs 3.6232", "as S24_麻醉"),
];

const INCONSISTENT_2019: [(&str, &str); 5] = [
    (
        "S8 0.0 vs missing",
        "no 集采 purchases: 0 / 0 is missing, the form writes 0.0",
    ),
    (
        "S13 7.46 vs 7.4540",
        "the form's bed-days disagree: 291653 in 13.1, 291550 in 6.2 (read first) and 21.2.1.3",
    ),
    (
        "S21_门诊 7.25 vs 7.2427",
        "the growth is taken between the rounded levels 207.21 and 193.21",
    ),
    (
        "S21_住院 10.82 vs 10.9541",
        "its reported levels 6779.35 and 6117.31 do not follow from its lines (6783.0 and 6113.4)",
    ),
    (
        "S22_住院 6.14 vs 6.2639",
        "its reported levels 1357.39 and 1278.92 do not follow from its lines",
    ),
];

fn assert_inconsistent(differ: &[String], expected: &[(&str, &str)]) {
    let expected: Vec<&str> = expected.iter().map(|(figure, _)| *figure).collect();
    assert_eq!(differ, expected.as_slice());
}

#[test]
fn the_real_form_reproduces_every_consistent_reported_value() {
    let Some(form) = real_form() else {
        panic!("the shared real form is missing: ../shared/data/real-returns");
    };
    // 2020 against 2019: 23 of the 34 reported figures reproduced (S21_住院 9.06 and S22_住院 0.64
    // by the bed-day form); the 11 others contradict the form's own lines.
    let differ = check_real_form(
        &in_period(&form, "2020"),
        &in_period(&form, "2019"),
        &form,
        "2020年",
    );
    assert_inconsistent(&differ, &INCONSISTENT_2020);
    // 2019 against 2018: 33 reported (no S5), 28 reproduced.
    let differ = check_real_form(
        &in_period(&form, "2019"),
        &in_period(&form, "2018"),
        &form,
        "2019年",
    );
    assert_inconsistent(&differ, &INCONSISTENT_2019);
}

#[test]
fn the_real_form_as_a_workbook_gives_the_same_figures() {
    let Some(form) = real_form() else {
        panic!("the shared real form is missing: ../shared/data/real-returns");
    };
    // The form written as Excel keeps it: numbers as numbers, the rest as text.
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("填报表.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let text = std::fs::read_to_string(&form).unwrap();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(number) if r > 0 => sheet.write_number(r, c, number).map(|_| ()),
                _ if cell.is_empty() => Ok(()),
                _ => sheet.write_string(r, c, cell).map(|_| ()),
            }
            .unwrap();
        }
    }
    workbook.save(&book).unwrap();
    let differ = check_real_form(
        &in_period(&book, "2020"),
        &in_period(&book, "2019"),
        &form,
        "2020年",
    );
    assert_inconsistent(&differ, &INCONSISTENT_2020);
    // The institution comes from the workbook's name.
    let run = score(
        &root().join("scoring/secondary-2020"),
        &in_period(&book, "2020"),
        Some(&in_period(&book, "2019")),
    );
    let ids = run.table.column("机构编码").unwrap().str().unwrap().clone();
    assert_eq!(ids.get(0), Some("填报表"));
}

#[test]
fn the_real_form_on_the_command_line() {
    let Some(form) = real_form() else {
        panic!("the shared real form is missing: ../shared/data/real-returns");
    };
    let form = form.to_str().unwrap();
    let o = jixiao(&[
        "score",
        "--scheme",
        "scoring/secondary-2020",
        "--data",
        form,
        "--period",
        "2020",
        "--prev-period",
        "2019",
        "--institution",
        "H1",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    for expected in [
        "fill-in form (detected): items as rows, period 2020年, institution H1 from --institution",
        "previous period: ",
        "period 2019年",
        "converted from 元 to 万元 (÷ 10000): ",
        "住院收入(万元) given under 3 headers that agree (18.2.2.住院收入, 20.2.1.住院收入, 21.2.1.1.出院患者住院费用)",
        "2 repeated figures that disagree",
    ] {
        assert!(o.stdout.contains(expected), "{expected}:\n{}", o.stdout);
    }
    // Without --period: refused with the periods it holds.
    let o = jixiao(&[
        "score",
        "--scheme",
        "scoring/secondary-2020",
        "--data",
        form,
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("holds several periods (2020年, 2019年, 2018年, 2017年)"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_forms_warnings_point_at_the_items_row_and_the_periods_column() {
    // Line 5 is 1.2.出院人次数 (read as 出院人数), line 6 its repeat 2.1.同期出院患者人数; the
    // 2020 figures are in column 2020年. Before, both were reported at "row 1" (the header).
    let dir = tempfile::tempdir().unwrap();
    let form = dir.path().join("form.csv");
    let text = std::fs::read_to_string(fixture("form.csv"))
        .unwrap()
        .replace("1.2.出院人次数,人,500,400", "1.2.出院人次数,人,—,400")
        .replace(
            "2.1.同期出院患者人数,人,500,400",
            "2.1.同期出院患者人数,人,510,390",
        );
    std::fs::write(&form, text).unwrap();
    let o = jixiao(&[
        "check",
        "--scheme",
        "tests/fixtures/returns",
        "--data",
        form.to_str().unwrap(),
        "--period",
        "2020",
    ]);
    let out = format!("{}{}", o.stdout, o.stderr);
    assert!(out.contains("form.csv, row 5, column 2020年"), "{out}");
    assert!(!out.contains("form.csv, row 1,"), "{out}");
    // The previous period's repeated figures disagree too (400 against 390): its cells are in
    // column 2019年.
    let o = jixiao(&[
        "check",
        "--scheme",
        "tests/fixtures/returns",
        "--data",
        form.to_str().unwrap(),
        "--period",
        "2019",
    ]);
    let out = format!("{}{}", o.stdout, o.stderr);
    assert!(out.contains("form.csv, row 6, column 2019年"), "{out}");
}
