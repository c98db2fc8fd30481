//! Data as evaluators have it: the shipped default dataset converted to Excel (numbers as
//! numbers; and a variant with a title row and numbers stored as text with thousands separators
//! and full-width digits, the previous period in another sheet), GBK CSV, UTF-8 CSV with a BOM,
//! gzip-compressed CSV (`.csv.gz`), Parquet, JSON and NDJSON scores exactly as the UTF-8 CSV
//! does. Plus the messages of reading mistakes, as the command prints them.

use std::path::{Path, PathBuf};

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::source::{self, DataFile, ReadOptions, SourceFormat};
use polars::prelude::*;
use rust_xlsxwriter::{Format, Workbook};

mod common;
use common::{jixiao, transcript};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn dataset(name: &str) -> PathBuf {
    root().join("datasets/tertiary-core").join(name)
}

/// A CSV file's cells as text, as jixiao reads them.
fn text_frame(path: &Path) -> DataFrame {
    source::read(path, &ReadOptions::default()).unwrap().frame
}

/// How cells go into a workbook.
#[derive(Clone, Copy, PartialEq)]
enum Cells {
    /// Numbers as number cells, text as text, the header on row 1.
    Numbers,
    /// A merged title on row 1, the header on row 3, numbers as text: thousands separators, and
    /// full-width digits in one column.
    TitleAndText,
}

/// "1382291.5" → "1,382,291.5".
fn with_thousands(text: &str) -> String {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('０' as u32 + (c as u32 - '0' as u32)).unwrap(),
            '.' => '．',
            other => other,
        })
        .collect()
}

fn write_xlsx(path: &Path, sheets: &[(&str, &DataFrame)], cells: Cells) {
    let mut book = Workbook::new();
    for (name, frame) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        let top = match cells {
            Cells::Numbers => 0,
            Cells::TitleAndText => {
                sheet
                    .merge_range(0, 0, 0, 6, "2024年三级公立医院绩效考核数据", &Format::new())
                    .unwrap();
                2
            }
        };
        for (c, column) in frame.columns().iter().enumerate() {
            let c = c as u16;
            sheet.write_string(top, c, column.name().as_str()).unwrap();
            for (r, value) in column.str().unwrap().iter().enumerate() {
                let row = top + 1 + r as u32;
                let Some(text) = value else { continue };
                match (cells, text.parse::<f64>()) {
                    (Cells::Numbers, Ok(number)) => sheet.write_number(row, c, number),
                    (Cells::TitleAndText, Ok(_)) if column.name() == "国家临床重点专科数" => {
                        sheet.write_string(row, c, full_width(text))
                    }
                    (Cells::TitleAndText, Ok(_)) => {
                        sheet.write_string(row, c, with_thousands(text))
                    }
                    _ => sheet.write_string(row, c, text),
                }
                .unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

/// Columns whose every present cell is a number become Float64; the others stay text.
fn typed(frame: &DataFrame) -> DataFrame {
    let columns: Vec<Column> = frame
        .columns()
        .iter()
        .map(|column| {
            let cast = column.cast(&DataType::Float64).unwrap();
            if cast.null_count() == column.null_count() {
                cast
            } else {
                column.clone()
            }
        })
        .collect();
    DataFrame::new(frame.height(), columns).unwrap()
}

fn write_with(path: &Path, frame: &DataFrame, format: SourceFormat) {
    let mut frame = typed(frame);
    let file = std::fs::File::create(path).unwrap();
    match format {
        SourceFormat::Parquet => {
            ParquetWriter::new(file).finish(&mut frame).unwrap();
        }
        SourceFormat::Json => JsonWriter::new(file)
            .with_json_format(JsonFormat::Json)
            .finish(&mut frame)
            .unwrap(),
        SourceFormat::NdJson => JsonWriter::new(file)
            .with_json_format(JsonFormat::JsonLines)
            .finish(&mut frame)
            .unwrap(),
        _ => unreachable!(),
    }
}

/// Every variant as (name, current file, previous file).
fn variants(dir: &Path) -> Vec<(&'static str, DataFile, DataFile)> {
    let current_text = std::fs::read_to_string(dataset("current.csv")).unwrap();
    let previous_text = std::fs::read_to_string(dataset("previous.csv")).unwrap();
    let current = text_frame(&dataset("current.csv"));
    let previous = text_frame(&dataset("previous.csv"));
    let file = |name: &str| dir.join(name);
    let mut out = Vec::new();

    let path = file("numbers.xlsx");
    write_xlsx(
        &path,
        &[("本年", &current), ("上年", &previous)],
        Cells::Numbers,
    );
    let sheet = |path: &Path, name: &str| {
        DataFile::new(
            path,
            ReadOptions {
                sheet: Some(name.into()),
                ..Default::default()
            },
        )
    };
    out.push(("xlsx", sheet(&path, "本年"), sheet(&path, "上年")));

    let path = file("text.xlsx");
    write_xlsx(
        &path,
        &[("2024", &current), ("2023", &previous)],
        Cells::TitleAndText,
    );
    out.push((
        "xlsx with a title row and numbers as text",
        sheet(&path, "2024"),
        sheet(&path, "2023"),
    ));

    for (name, encode) in [
        (
            "gbk",
            (|t: &str| {
                let (bytes, _, unmappable) = encoding_rs::GBK.encode(t);
                assert!(!unmappable, "the dataset is all GBK characters");
                bytes.into_owned()
            }) as fn(&str) -> Vec<u8>,
        ),
        ("bom", |t: &str| {
            [b"\xEF\xBB\xBF".as_slice(), t.as_bytes()].concat()
        }),
    ] {
        let (c, p) = (
            file(&format!("{name}-current.csv")),
            file(&format!("{name}-previous.csv")),
        );
        std::fs::write(&c, encode(&current_text)).unwrap();
        std::fs::write(&p, encode(&previous_text)).unwrap();
        out.push((name, c.into(), p.into()));
    }

    // gzip-compressed CSV (`.csv.gz`), read as it is.
    let gzip = |text: &str| {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap()
    };
    let (c, p) = (file("current.csv.gz"), file("previous.csv.gz"));
    std::fs::write(&c, gzip(&current_text)).unwrap();
    std::fs::write(&p, gzip(&previous_text)).unwrap();
    out.push(("csv.gz", c.into(), p.into()));

    for (name, format) in [
        ("parquet", SourceFormat::Parquet),
        ("json", SourceFormat::Json),
        ("ndjson", SourceFormat::NdJson),
    ] {
        let (c, p) = (
            file(&format!("current.{name}")),
            file(&format!("previous.{name}")),
        );
        write_with(&c, &current, format);
        write_with(&p, &previous, format);
        out.push((name, c.into(), p.into()));
    }
    out
}

#[test]
fn every_format_scores_exactly_as_the_utf8_csv() {
    let plan = Plan::compile(Scheme::load(&root().join("scoring/tertiary-core")).unwrap()).unwrap();
    let baseline = jixiao::pipeline::score(
        &plan,
        &dataset("current.csv").into(),
        Some(&dataset("previous.csv").into()),
    )
    .unwrap();
    assert_eq!(
        baseline.summary.load.bad_cells.get("门诊患者满意度"),
        Some(&1)
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, current, previous) in variants(dir.path()) {
        let run = jixiao::pipeline::score(&plan, &current, Some(&previous))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(run.table.shape(), baseline.table.shape(), "{name}");
        for (ours, theirs) in baseline.table.columns().iter().zip(run.table.columns()) {
            assert_eq!(ours.name(), theirs.name(), "{name}");
            assert!(
                ours.as_materialized_series()
                    .equals_missing(theirs.as_materialized_series()),
                "{name}: column {} differs",
                ours.name()
            );
        }
        assert_eq!(run.summary.load, baseline.summary.load, "{name}");
    }
}

#[test]
fn excel_rows_and_problems_are_located_as_excel_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let current = text_frame(&dataset("current.csv"));
    let path = dir.path().join("d.xlsx");
    write_xlsx(&path, &[("数据", &current)], Cells::TitleAndText);
    let plan = Plan::compile(Scheme::load(&root().join("scoring/tertiary-core")).unwrap()).unwrap();
    let data = DataFile::new(&path, ReadOptions::default());
    let prev = DataFile::from(dataset("previous.csv"));
    let loaded = jixiao::pipeline::load_for(&plan, &data, Some(&prev)).unwrap();
    assert_eq!(loaded.origin.header_row, 3);
    assert_eq!(loaded.origin.sheet.as_deref(), Some("数据"));
    assert_eq!(&loaded.origin.rows[..3], [4, 5, 6]);
    let finding = &loaded.report.findings[0];
    let column = finding.location.column.as_deref().unwrap();
    assert_eq!(column, "门诊患者满意度");
    assert!(
        matches!(&finding.problem, jixiao::validate::Problem::NotANumber { text, .. } if text == "未测评"),
        "{finding:?}"
    );
    // The CSV line of the cell is its Excel row minus the title and blank rows (2).
    let line = std::fs::read_to_string(dataset("current.csv"))
        .unwrap()
        .lines()
        .position(|l| l.contains("未测评"))
        .unwrap()
        + 1;
    assert_eq!(
        finding.location.to_string(),
        format!(
            "{}, sheet 数据, row {}, column 门诊患者满意度",
            path.display(),
            line + 2
        )
    );
}

/// The tiny fixture as a workbook with a title row: this year in sheet 本年, last year in 上年.
fn tiny_workbook(dir: &Path) -> PathBuf {
    let tiny = root().join("tests/fixtures/tiny");
    let path = dir.join("tiny.xlsx");
    write_xlsx(
        &path,
        &[
            ("本年", &text_frame(&tiny.join("current.csv"))),
            ("上年", &text_frame(&tiny.join("previous.csv"))),
        ],
        Cells::TitleAndText,
    );
    path
}

/// Runs jixiao and shows the temporary folder as [TMP].
fn run_in(dir: &Path, args: &[&str]) -> String {
    let o = jixiao(args);
    transcript(&o).replace(dir.to_str().unwrap(), "[TMP]")
}

#[test]
fn check_reads_a_workbook_with_the_previous_period_in_another_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let book = tiny_workbook(dir.path());
    let out = run_in(
        dir.path(),
        &[
            "check",
            "--scheme",
            "tests/fixtures/tiny",
            "--data",
            book.to_str().unwrap(),
            "--prev-sheet",
            "上年",
        ],
    );
    insta::assert_snapshot!("check_workbook_two_sheets", out);
}

#[test]
fn error_unknown_sheet_lists_the_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let book = tiny_workbook(dir.path());
    let out = run_in(
        dir.path(),
        &[
            "check",
            "--scheme",
            "tests/fixtures/tiny",
            "--data",
            book.to_str().unwrap(),
            "--sheet",
            "Sheet1",
        ],
    );
    insta::assert_snapshot!("error_unknown_sheet", out);
}

#[test]
fn gbk_csv_is_detected_and_a_wrong_forced_encoding_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("tests/fixtures/tiny/current.csv")).unwrap();
    let path = dir.path().join("gbk.csv");
    std::fs::write(&path, encoding_rs::GBK.encode(&text).0).unwrap();
    let data = path.to_str().unwrap();
    let detected = run_in(
        dir.path(),
        &[
            "check",
            "--scheme",
            "tests/fixtures/tiny",
            "--data",
            data,
            // --data never takes the scheme's previous period: it is named.
            "--prev",
            "tests/fixtures/tiny/previous.csv",
        ],
    );
    insta::assert_snapshot!("check_gbk_detected", detected);
    let forced = run_in(
        dir.path(),
        &[
            "check",
            "--scheme",
            "tests/fixtures/tiny",
            "--data",
            data,
            "--encoding",
            "utf-8",
        ],
    );
    insta::assert_snapshot!("error_forced_wrong_encoding", forced);
}

#[test]
fn error_sheet_of_a_csv_file() {
    let out = jixiao(&[
        "check",
        "--scheme",
        "tests/fixtures/tiny",
        "--sheet",
        "数据",
    ]);
    insta::assert_snapshot!("error_sheet_of_csv", transcript(&out));
}

#[test]
fn a_gz_file_that_is_not_gzip_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("current.csv.gz");
    std::fs::copy(dataset("current.csv"), &path).unwrap();
    let error = source::read(&path, &ReadOptions::default())
        .map(|_| ())
        .unwrap_err();
    assert_eq!(error.exit_code(), 1);
    let message = error.to_string();
    assert!(
        message.contains("cannot be decompressed as gzip"),
        "{message}"
    );
    assert!(message.contains("current.csv.gz"), "{message}");
}
