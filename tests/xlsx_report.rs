//! Output files: the Excel report read back with an independent reader (calamine) against the CSV
//! of the same run, atomic writes (a failing run leaves an existing output byte-identical),
//! `--excel-csv`, and the lines the CLI prints.

use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use jixiao::report::Lang;
use polars::prelude::*;

mod common;
use common::{jixiao, jixiao_with_threads, transcript};

const DEFAULT_SHEETS: [&str; 8] = [
    "封面",
    "排名",
    "医疗质量",
    "运营效率",
    "持续发展",
    "满意度评价",
    "指标",
    "运行摘要",
];

/// Scores the shipped default to `NAME.csv` and `NAME.xlsx` in `dir`.
fn score_both(dir: &Path) -> (PathBuf, PathBuf) {
    let csv = dir.join("result.csv");
    let xlsx = dir.join("result.xlsx");
    for out in [&csv, &xlsx] {
        let o = jixiao(&["score", "--out", out.to_str().unwrap()]);
        assert_eq!(o.code, 0, "{}", transcript(&o));
    }
    (csv, xlsx)
}

/// The shipped default scored in process, as `jixiao score` scores it from the repository.
fn default_run() -> jixiao::pipeline::ScoreRun {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scheme = jixiao::scheme::Scheme::load(&root.join("scoring/tertiary-core")).unwrap();
    let plan = jixiao::plan::Plan::compile(scheme).unwrap();
    jixiao::pipeline::score(
        &plan,
        &root.join("datasets/tertiary-core/current.csv").into(),
        Some(&root.join("datasets/tertiary-core/previous.csv").into()),
    )
    .unwrap()
}

fn read_csv(path: &Path) -> DataFrame {
    CsvReadOptions::default()
        .with_infer_schema_length(None)
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap()
}

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap()
}

fn sheet(book: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Vec<Vec<Data>> {
    let range = book.worksheet_range(name).unwrap();
    // Rows as Excel numbers them from A1, whatever the used range starts at.
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range.rows().map(|r| r.to_vec()).collect()
}

/// The cell a CSV value must become: a number, a text, or blank.
fn expected_cell(column: &Column, row: usize) -> Data {
    match column.as_materialized_series().get(row).unwrap() {
        AnyValue::Null => Data::Empty,
        AnyValue::String("") => Data::Empty,
        AnyValue::String(s) => Data::String(s.to_string()),
        AnyValue::StringOwned(s) => Data::String(s.to_string()),
        AnyValue::Float64(v) => Data::Float(v),
        AnyValue::Int64(v) => Data::Float(v as f64),
        other => panic!("unexpected CSV value {other:?} in {}", column.name()),
    }
}

fn assert_column_matches(
    csv: &DataFrame,
    csv_name: &str,
    rows: &[Vec<Data>],
    col: usize,
    skip: usize,
) {
    let column = csv.column(csv_name).unwrap();
    assert_eq!(rows.len() - skip, csv.height(), "rows of {csv_name}");
    for row in 0..csv.height() {
        let got = rows[row + skip].get(col).cloned().unwrap_or(Data::Empty);
        let expected = expected_cell(column, row);
        // The xlsx holds every number whole (as Parquet does); a scoring run's CSV rounds to
        // 6 decimals (mcda's keeps them whole).
        if let (Data::Float(x), Data::Float(v)) = (&got, &expected) {
            assert!(
                x == v || ((x * 1e6).round() / 1e6 - v).abs() < 1e-9,
                "{csv_name}, row {} of the CSV: {x} vs {v}",
                row + 1
            );
            continue;
        }
        assert_eq!(got, expected, "{csv_name}, row {} of the CSV", row + 1);
    }
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn xlsx_report_holds_the_same_numbers_and_texts_as_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (csv_path, xlsx_path) = score_both(dir.path());
    let csv = read_csv(&csv_path);
    let mut book = open(&xlsx_path);
    assert_eq!(book.sheet_names(), DEFAULT_SHEETS);

    // 排名: Chinese titles, every institution in the CSV's order, the same values.
    let ranking = sheet(&mut book, "排名");
    let header: Vec<String> = ranking[0].iter().map(text).collect();
    assert_eq!(
        header,
        [
            "排名",
            "组内排名",
            "机构编码",
            "机构名称",
            "机构类别",
            "总分",
            "等级",
            "加减分前得分",
            "加分",
            "扣分",
            "医疗质量得分",
            "运营效率得分",
            "持续发展得分",
            "满意度评价得分",
            "说明"
        ]
    );
    let sources = [
        "rank",
        "group_rank",
        "机构编码",
        "机构名称",
        "机构类别",
        "score",
        "grade",
        "weighted",
        "bonus",
        "deduction",
        "医疗质量.score",
        "运营效率.score",
        "持续发展.score",
        "满意度评价.score",
        "flags",
    ];
    for (col, name) in sources.iter().enumerate() {
        if *name == "flags" {
            continue;
        }
        assert_column_matches(&csv, name, &ranking, col, 1);
    }
    // 说明: the CSV's flags worded in Chinese (the default --lang zh): the same run in process
    // gives each row's flags as values, whose English is the CSV's text and whose Chinese is the
    // cell.
    let run = default_run();
    let flags = csv.column("flags").unwrap().str().unwrap().clone();
    assert_eq!(run.flags.len(), flags.len());
    for (row, flag) in flags.iter().enumerate() {
        assert_eq!(
            jixiao::report::lang::flags_text(&run.flags[row], Lang::En),
            flag.unwrap_or_default(),
            "row {}",
            row + 1
        );
        let expected = jixiao::report::lang::flags_text(&run.flags[row], Lang::Zh);
        assert_eq!(text(&ranking[row + 1][14]), expected, "row {}", row + 1);
    }
    assert!(ranking
        .iter()
        .any(|r| text(&r[14]).starts_with("缺失指标：")));
    assert!(ranking.iter().all(|r| !text(&r[14]).contains("missing: ")));
    // The vetoed institution comes last, as in the CSV.
    let last = ranking.last().unwrap();
    assert_eq!(last[0], Data::Float(320.0));
    assert!(text(&last[14]).starts_with("一票否决："), "{last:?}");

    // One sheet per dimension: its score, then sub-dimension and indicator scores.
    let quality = sheet(&mut book, "医疗质量");
    let header: Vec<String> = quality[0].iter().map(text).collect();
    assert_eq!(
        header[..7],
        [
            "排名",
            "机构编码",
            "机构名称",
            "机构类别",
            "医疗质量得分",
            "功能定位得分",
            "T4 出院患者手术占比得分"
        ]
    );
    assert_column_matches(&csv, "医疗质量.score", &quality, 4, 1);
    assert_column_matches(&csv, "功能定位.score", &quality, 5, 1);
    assert_column_matches(&csv, "T4.score", &quality, 6, 1);

    // 指标: id + name over each indicator's columns, unit in the second header line.
    let indicators = sheet(&mut book, "指标");
    let (groups, titles) = (&indicators[0], &indicators[1]);
    assert_eq!(text(&groups[0]), "排名");
    assert_eq!(
        text(&titles[0]),
        "",
        "identity titles span both header lines"
    );
    let mut group = String::new();
    let mut checked = 0;
    for col in 4..titles.len() {
        if !text(&groups[col]).is_empty() {
            group = text(&groups[col]);
        }
        let id = group.split(' ').next().unwrap().to_string();
        let csv_name = match text(&titles[col]).as_str() {
            "得分" => format!("{id}.score"),
            "比值" => format!("{id}.display"),
            "处理后值" => format!("{id}.treated"),
            "本期水平" => format!("{id}.level"),
            "上期水平" => format!("{id}.prev_level"),
            t if t.starts_with("本期水平 ") => {
                format!("{id}.level.{}", &t["本期水平 ".len()..])
            }
            t if t.starts_with("上期水平 ") => {
                format!("{id}.prev_level.{}", &t["上期水平 ".len()..])
            }
            t if t.starts_with("值") => id.clone(),
            other => panic!("unexpected title {other}"),
        };
        assert_column_matches(&csv, &csv_name, &indicators, col, 2);
        checked += 1;
    }
    let indicator_columns = csv
        .get_column_names()
        .iter()
        .filter(|n| n.starts_with('T'))
        .count();
    assert_eq!(
        checked, indicator_columns,
        "every indicator column of the CSV"
    );
    assert_eq!(text(&groups[4]), "T1 门诊人次数与出院人次数比");
    assert_eq!(text(&titles[4]), "值 (X:1)");
    assert_eq!(text(&titles[5]), "比值");
    assert_eq!(text(&titles[7]), "得分", "T4: 值 (%), 得分");
}

#[test]
fn xlsx_grade_cells_are_filled_by_band_and_numbers_formatted() {
    let dir = tempfile::tempdir().unwrap();
    let (_, xlsx_path) = score_both(dir.path());
    let mut book = open(&xlsx_path);
    let ranking = sheet(&mut book, "排名");
    let styles = book.worksheet_style("排名").unwrap();
    let mut colours = std::collections::BTreeMap::new();
    for (row, cells) in ranking.iter().enumerate().skip(1) {
        let style = styles.get((row as u32, 6)).unwrap();
        match &cells[6] {
            Data::String(grade) => {
                let fill = style.fill.as_ref().expect("grade cells carry a fill");
                assert!(fill.is_visible(), "row {row}");
                let colour = fill.get_color().unwrap();
                let rgb = (colour.red, colour.green, colour.blue);
                let previous = colours.insert(grade.clone(), rgb);
                assert!(previous.is_none_or(|p| p == rgb), "one colour per grade");
            }
            Data::Empty => {}
            other => panic!("grade {other:?}"),
        }
    }
    assert_eq!(colours.len(), 4, "{colours:?}");
    assert_eq!(colours["A"], (0xC6, 0xEF, 0xCE), "best band green");
    assert_eq!(colours["D"], (0xFF, 0xC7, 0xCE), "worst band red");
    // Scores show the scheme's 2 decimals; the header is bold.
    let score = styles.get((1, 5)).unwrap();
    assert_eq!(score.number_format.as_ref().unwrap().format_code, "0.00");
    assert!(styles.get((0, 0)).unwrap().font.as_ref().unwrap().is_bold());
}

#[test]
fn xlsx_run_summary_lists_the_facts_warnings_and_flags() {
    let scheme = jixiao::scheme::Scheme::load(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scoring/tertiary-core")
            .as_path(),
    )
    .unwrap();
    let plan = jixiao::plan::Plan::compile(scheme).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut run = jixiao::pipeline::score(
        &plan,
        &root.join("datasets/tertiary-core/current.csv").into(),
        Some(&root.join("datasets/tertiary-core/previous.csv").into()),
    )
    .unwrap();
    // A warning added later (e.g. by validation) shows up without changes to the report,
    // worded in Chinese.
    run.summary
        .warnings
        .push(jixiao::message::Warning::SmallRun {
            institutions: 7,
            minimum: 9,
        });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xlsx");
    jixiao::report::write_output(&plan, &run, &path, &Default::default()).unwrap();
    let mut book = open(&path);
    let rows = sheet(&mut book, "运行摘要");
    let find = |label: &str| -> Vec<Data> {
        rows.iter()
            .find(|r| text(&r[0]) == label)
            .unwrap_or_else(|| panic!("no row {label}"))
            .clone()
    };
    assert_eq!(text(&rows[0][0]), "运行摘要");
    assert_eq!(
        text(&find("方案")[1]),
        "三级公立医院绩效考核（核心指标示例）"
    );
    assert_eq!(text(&find("版本")[1]), "2020.1");
    assert!(text(&find("数据文件")[1]).ends_with("datasets/tertiary-core/current.csv"));
    assert_eq!(find("参评机构")[1], Data::Float(320.0));
    assert_eq!(find("排名机构")[1], Data::Float(run.summary.ranked as f64));
    assert_eq!(find("一票否决（排在其他机构之后）")[1], Data::Float(1.0));
    // Effective weights: one row per indicator, the same fractions as the summary.
    let (_, share, leaves) = &run.summary.weights_by_dimension[0];
    let (id, weight) = &leaves[0];
    let row = rows
        .iter()
        .find(|r| r.len() > 4 && text(&r[2]) == *id && text(&r[0]) == "医疗质量")
        .unwrap();
    assert_eq!(row[1], Data::Float(*share));
    assert_eq!(row[4], Data::Float(*weight));
    assert_eq!(text(&row[3]), "出院患者手术占比");
    // Data quality: T9's zero denominator.
    let t9 = rows
        .iter()
        .find(|r| r.len() > 4 && text(&r[0]) == "T9" && text(&r[2]) == "T9")
        .unwrap();
    assert_eq!(
        (t9[3].clone(), t9[4].clone()),
        (Data::Float(1.0), Data::Float(1.0))
    );
    assert_eq!(
        find("门诊患者满意度")[1],
        Data::Float(1.0),
        "cells that are not numbers"
    );
    // Warnings and the flags of every flagged institution.
    assert!(rows.iter().any(|r| text(&r[0])
        == "本次只有 7 家机构：排名和相对得分比较的机构太少，意义不大（ranking.min_group_size 为 9）"));
    let flagged = run
        .table
        .column("flags")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .filter(|f| !f.unwrap_or_default().is_empty())
        .count();
    let section = rows
        .iter()
        .position(|r| text(&r[0]).starts_with("机构说明"))
        .unwrap();
    assert_eq!(
        rows[section + 1]
            .iter()
            .map(text)
            .take(4)
            .collect::<Vec<_>>(),
        ["排名", "机构编码", "机构名称", "说明"]
    );
    let with_flags = rows[section + 2..]
        .iter()
        .take_while(|r| r.iter().any(|c| *c != Data::Empty))
        .count();
    assert!(flagged > 0);
    assert_eq!(with_flags, flagged, "one row per flagged institution");
    // Chinese by default: flags worded in Chinese, and no English summary text.
    let flag_cells: Vec<String> = rows[section + 2..section + 2 + with_flags]
        .iter()
        .map(|r| text(&r[3]))
        .collect();
    assert!(flag_cells.iter().any(|f| f.starts_with("缺失指标：")));
    assert!(flag_cells.iter().all(|f| !f.contains("missing: ")));
    assert!(!rows.iter().any(|r| text(&r[0]).starts_with("摘要原文")));

    // With --lang en: the flags as the CSV writes them, and the summary as printed, line by
    // line, at the end.
    let english = dir.path().join("report-en.xlsx");
    let options = jixiao::report::OutputOptions {
        lang: Lang::En,
        ..Default::default()
    };
    jixiao::report::write_output(&plan, &run, &english, &options).unwrap();
    let mut book = open(&english);
    let rows = sheet(&mut book, "运行摘要");
    assert!(rows.iter().any(|r| text(&r[3]).starts_with("missing: ")));
    let printed = run.summary.to_string();
    let last_lines: Vec<String> = rows[rows.len() - printed.lines().count()..]
        .iter()
        .map(|r| text(&r[0]))
        .collect();
    assert_eq!(last_lines, printed.lines().collect::<Vec<_>>());
}

#[test]
fn xlsx_is_byte_identical_on_rewrite_row_order_and_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    // The data file's name is in the report, so every run reads the same path.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/tertiary-core/current.csv"),
    )
    .unwrap();
    let data = dir.path().join("current.csv");
    std::fs::write(&data, &text).unwrap();
    let score = |out: &Path, threads: Option<usize>| {
        let o = jixiao_with_threads(
            &[
                "score",
                "--data",
                data.to_str().unwrap(),
                // --data never takes the scheme's previous period: it is named.
                "--prev",
                "datasets/tertiary-core/previous.csv",
                "--out",
                out.to_str().unwrap(),
            ],
            threads,
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
    };
    let first = dir.path().join("first.xlsx");
    score(&first, None);
    // A second later and on one thread: the same bytes (no clock, no thread-dependent order).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let again = dir.path().join("again.xlsx");
    score(&again, Some(1));
    let a = std::fs::read(&first).unwrap();
    assert!(a.len() > 10_000);
    assert!(
        a == std::fs::read(&again).unwrap(),
        "the xlsx differs between runs"
    );

    // The rows reversed: every results sheet is the same. (The run summary names the row of each
    // data warning in the file, which moves with the rows, so it is left out of this comparison.)
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    std::fs::write(&data, lines.join("\n") + "\n").unwrap();
    let reversed = dir.path().join("reversed.xlsx");
    score(&reversed, None);
    let (mut a, mut b) = (open(&first), open(&reversed));
    let names = a.sheet_names();
    assert_eq!(names, b.sheet_names());
    for name in names.iter().filter(|n| n.as_str() != "运行摘要") {
        assert!(
            sheet(&mut a, name) == sheet(&mut b, name),
            "sheet {name} differs"
        );
    }
}

#[test]
fn mcda_writes_a_result_and_weights_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("mcda.csv");
    let xlsx = dir.path().join("mcda.xlsx");
    for out in [&csv, &xlsx] {
        let o = jixiao(&[
            "mcda",
            "--data",
            "tests/fixtures/mcda/x.csv",
            "--id",
            "方案",
            "--criteria",
            "成本:-,质量:+,效率:+,满意度:+",
            "--method",
            "topsis",
            "--weights",
            "entropy",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.code, 0, "{}", transcript(&o));
    }
    let table = read_csv(&csv);
    let mut book = open(&xlsx);
    assert_eq!(book.sheet_names(), ["结果", "权重"]);
    let result = sheet(&mut book, "结果");
    let header: Vec<String> = result[0].iter().map(text).collect();
    let names: Vec<String> = table
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(header, names);
    for (col, name) in names.iter().enumerate() {
        assert_column_matches(&table, name, &result, col, 1);
    }
    let weights = sheet(&mut book, "权重");
    assert_eq!(
        weights[1].iter().map(text).collect::<Vec<_>>()[..3],
        ["准则", "方向", "权重"]
    );
    assert_eq!(text(&weights[2][0]), "成本");
    assert_eq!(text(&weights[2][1]), "- 低优");
    let total: f64 = weights[2..6]
        .iter()
        .map(|r| match r[2] {
            Data::Float(w) => w,
            _ => panic!("{r:?}"),
        })
        .sum();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
}

#[test]
fn excel_csv_is_the_plain_csv_after_a_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.csv");
    let excel = dir.path().join("excel.csv");
    let o = jixiao(&["score", "--out", plain.to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = jixiao(&["score", "--excel-csv", "--out", excel.to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let (plain, excel) = (
        std::fs::read(&plain).unwrap(),
        std::fs::read(&excel).unwrap(),
    );
    assert_eq!(excel[..3], [0xEF, 0xBB, 0xBF]);
    assert!(excel[3..] == plain[..], "the rest is the plain CSV");
    assert!(plain.starts_with(b"rank,"), "no BOM without the flag");

    // The same for `jixiao mcda`.
    let mcda = dir.path().join("mcda.csv");
    let o = jixiao(&[
        "mcda",
        "--data",
        "tests/fixtures/mcda/x.csv",
        "--id",
        "方案",
        "--criteria",
        "成本:-,质量:+,效率:+,满意度:+",
        "--method",
        "wsm",
        "--excel-csv",
        "--out",
        mcda.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let bytes = std::fs::read(&mcda).unwrap();
    assert!(bytes.starts_with("\u{FEFF}方案,".as_bytes()), "{bytes:?}");

    // Refused for other formats, before any work and without creating the file.
    let json = dir.path().join("out.json");
    let o = jixiao(&["score", "--excel-csv", "--out", json.to_str().unwrap()]);
    assert_eq!(o.code, 1);
    assert!(!json.exists());
    insta::assert_snapshot!(
        "excel_csv_refused_for_json",
        transcript(&o).replace(dir.path().to_str().unwrap(), "[TMP]")
    );
}

#[test]
fn a_failing_run_leaves_the_existing_output_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, xlsx) = score_both(dir.path());
    let before_csv = std::fs::read(&csv).unwrap();
    let before_xlsx = std::fs::read(&xlsx).unwrap();
    // Data that lacks a column the scheme needs: the run fails after the output was named.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/tertiary-core/current.csv"),
    )
    .unwrap();
    let broken = dir.path().join("broken.csv");
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string())
        .collect();
    std::fs::write(&broken, lines.join("\n") + "\n").unwrap();
    for out in [&csv, &xlsx] {
        let o = jixiao(&[
            "score",
            "--data",
            broken.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.code, 1, "{}", transcript(&o));
        assert!(o.stdout.is_empty());
    }
    assert!(std::fs::read(&csv).unwrap() == before_csv);
    assert!(std::fs::read(&xlsx).unwrap() == before_xlsx);
    // A failure at the write itself (the output is a folder) names it and leaves it alone.
    let folder = dir.path().join("folder.csv");
    std::fs::create_dir(&folder).unwrap();
    let o = jixiao(&["score", "--out", folder.to_str().unwrap()]);
    assert_eq!(o.code, 1);
    assert!(folder.is_dir());
    let stderr = o.stderr.replace(dir.path().to_str().unwrap(), "[TMP]");
    assert_eq!(
        stderr,
        "error: [TMP]/folder.csv: is a folder; name a file to write\n"
    );
    // No temporary file is left behind by any of these runs.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["broken.csv", "folder.csv", "result.csv", "result.xlsx"]
    );
}

#[test]
fn cli_says_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();
    for name in ["r.csv", "r.xlsx", "r.json", "r.parquet"] {
        let out = dir.path().join(name);
        let o = jixiao(&["score", "--top", "1", "--out", out.to_str().unwrap()]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        lines.push(o.stdout.lines().last().unwrap().to_string());
    }
    let out = dir.path().join("m.xlsx");
    let o = jixiao(&[
        "mcda",
        "--data",
        "tests/fixtures/mcda/x.csv",
        "--id",
        "方案",
        "--criteria",
        "成本:-,质量:+,效率:+,满意度:+",
        "--method",
        "wsm",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    lines.push(o.stdout.lines().last().unwrap().to_string());
    let o = jixiao(&[
        "sample",
        "--institutions",
        "3",
        "--out-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    lines.extend(o.stdout.lines().map(String::from));
    insta::assert_snapshot!(
        "cli_wrote_lines",
        lines
            .join("\n")
            .replace(dir.path().to_str().unwrap(), "[TMP]")
    );
}
