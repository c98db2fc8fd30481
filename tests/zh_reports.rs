//! The reports people read say everything in Chinese by default (issue 14): the xlsx 运行摘要 and
//! 封面 sheets and the HTML page, read back (calamine; the page's text and inline data), hold each
//! expected Chinese line — warnings, data problems and flags worded from their facts — and no
//! English sentence (three English words in a row; ids, codes, keys and file names are fine), on
//! the default scheme, on tertiary-2020 and on `tests/fixtures/zh-messages`, which fires every
//! kind of warning and flag a scheme can. `--lang en` keeps the English as the CLI prints it.

use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};

mod common;
use common::{english_sentence, jixiao, page_text, transcript};

const FIXTURE: &str = "tests/fixtures/zh-messages";

fn score(dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut all = vec!["score", "--quiet", "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = jixiao(&all);
    assert_eq!(o.code, 0, "{}", transcript(&o));
    out
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// Every row of `sheet` as the texts of its cells.
fn rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range.rows().map(|r| r.iter().map(text).collect()).collect()
}

/// Fails on any cell of the cover and the summary sheet holding an English sentence.
fn assert_no_english_in_workbook(path: &Path) {
    for sheet in ["封面", "运行摘要"] {
        for (r, row) in rows(path, sheet).iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if let Some(words) = english_sentence(cell) {
                    panic!(
                        "{sheet}, row {}, column {}: English \"{words}\" in {cell:?}",
                        r + 1,
                        c + 1
                    );
                }
            }
        }
    }
}

fn assert_no_english_in_page(path: &Path) {
    let html = std::fs::read_to_string(path).unwrap();
    let text = page_text(&html);
    for line in text.lines() {
        if let Some(words) = english_sentence(line) {
            panic!("English \"{words}\" in the page: {line:?}");
        }
    }
}

/// The lines of the 运行摘要 section titled `title`, up to the next empty row.
fn section(rows: &[Vec<String>], title: &str) -> Vec<String> {
    let at = rows
        .iter()
        .position(|r| r.first().is_some_and(|t| t == title))
        .unwrap_or_else(|| panic!("no section {title}"));
    rows[at + 1..]
        .iter()
        .take_while(|r| r.iter().any(|c| !c.is_empty()))
        .map(|r| r[0].clone())
        .collect()
}

/// The 说明 of each flagged institution in the 运行摘要 sheet, by id.
fn flags_by_id(rows: &[Vec<String>]) -> Vec<(String, String)> {
    let at = rows
        .iter()
        .position(|r| r.first().is_some_and(|t| t.starts_with("机构说明")))
        .expect("the flags section");
    let header = &rows[at + 1];
    let flags = header.iter().position(|h| h == "说明").unwrap();
    rows[at + 2..]
        .iter()
        .take_while(|r| r.iter().any(|c| !c.is_empty()))
        .map(|r| (r[1].clone(), r[flags].clone()))
        .collect()
}

#[test]
fn the_english_sentence_check_finds_sentences_and_lets_ids_pass() {
    assert_eq!(
        english_sentence("warning: peer groups with fewer than 2"),
        Some("warning peer groups".into())
    );
    assert_eq!(
        english_sentence("缺失指标：T38，T40；read as missing here"),
        Some("read as missing".into())
    );
    for fine in [
        "缺失指标：T38，T40；国家临床重点专科 +2",
        "datasets/tertiary-core/current.csv（工作表 数据，表头在第 3 行）",
        "机构少于 2 家的同类组（ranking.min_group_size）：专科（1 家）",
        "A++ 8, A+ 16, B 80",
        "12 ms",
        "完整解释：jixiao explain --id H110055",
    ] {
        assert_eq!(english_sentence(fine), None, "{fine}");
    }
}

#[test]
fn the_default_schemes_workbook_and_page_are_wholly_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = score(dir.path(), "report.xlsx", &[]);
    assert_no_english_in_workbook(&xlsx);
    let summary = rows(&xlsx, "运行摘要");
    assert_eq!(section(&summary, "警告"), ["无"]);
    assert_eq!(
        section(&summary, "数据问题（每类列出前 3 处）"),
        ["数值列中有 1 个单元格不是数字（按缺失处理）：第 36 行 门诊患者满意度"]
    );
    let flags = flags_by_id(&summary);
    let of = |id: &str| -> String {
        flags
            .iter()
            .find(|(i, _)| i == id)
            .unwrap_or_else(|| panic!("no flags of {id}"))
            .1
            .clone()
    };
    assert_eq!(of("H110297"), "缺失指标：T38，T40；国家临床重点专科 +2");
    assert_eq!(of("H110055"), "国家临床重点专科 +0.5");
    assert!(flags
        .iter()
        .any(|(_, f)| f.starts_with("一票否决：发生重大医疗安全事件")));
    // The 排名 sheet's 说明 is the same text.
    let ranking = rows(&xlsx, "排名");
    let column = ranking[0].iter().position(|h| h == "说明").unwrap();
    let row = ranking.iter().find(|r| r[2] == "H110297").unwrap();
    assert_eq!(row[column], "缺失指标：T38，T40；国家临床重点专科 +2");

    let page = score(dir.path(), "report.html", &[]);
    assert_no_english_in_page(&page);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains(
        "<li><pre>数值列中有 1 个单元格不是数字（按缺失处理）：第 36 行 门诊患者满意度</pre></li>"
    ));
    assert!(html.contains("\"缺失指标：T38，T40；国家临床重点专科 +2\""));
}

#[test]
fn tertiary_2020s_workbook_and_page_are_wholly_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--scheme", "tertiary-2020"];
    let xlsx = score(dir.path(), "report.xlsx", &args);
    assert_no_english_in_workbook(&xlsx);
    let summary = rows(&xlsx, "运行摘要");
    assert_eq!(
        section(&summary, "数据问题（每类列出前 3 处）"),
        [
            "数值列中有 1 个单元格不是数字（按缺失处理）：第 36 行 门诊患者满意度",
            "1 个单元格不在该列的取值范围内（按缺失处理）：第 29 行 全面预算管理",
        ]
    );
    // T10 is made of 30 weighted parts: the parts missing are counted.
    let flags = flags_by_id(&summary);
    assert!(
        flags
            .iter()
            .any(|(_, f)| f.contains("缺失指标：T10 (") && f.contains("/30 个子项)")),
        "{flags:?}"
    );
    assert!(flags
        .iter()
        .all(|(_, f)| !f.contains("missing") && !f.contains("parts")));
    let page = score(dir.path(), "report.html", &args);
    assert_no_english_in_page(&page);
}

#[test]
fn every_kind_of_warning_and_flag_is_worded_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = score(dir.path(), "report.xlsx", &["--scheme", FIXTURE]);
    assert_no_english_in_workbook(&xlsx);
    let summary = rows(&xlsx, "运行摘要");
    assert_eq!(
        section(&summary, "警告"),
        [
            "数据中没有这些列，按缺失处理：科研经费（只有不计分的报告指标读取它们，这些指标为缺失）",
            "各维度权重之和为 70，不是 100 或 1；按相对权重使用",
            "指标 Q3（少报指标）不参与计分：只有 2 家机构填报，少于要求的 3 家（include.min_reported）；其权重分给同级指标",
            "去掉不参与计分的指标后的有效权重：Q1 28.57%，Q2 28.57%，L1 21.43%，E1 21.43%",
            "机构少于 2 家的同类组（ranking.min_group_size）：(未分组)（1 家）；其组内排名比较的机构太少，意义不大（只有一家机构的组，无论数据如何组内排名都是第 1）",
        ]
    );
    assert_eq!(
        section(&summary, "数据问题（每类列出前 3 处）"),
        [
            "1 个以文本存储的数字有两种读法（按缺失处理）：第 6 行 费用",
            "计数或金额列中有 1 个负数（按缺失处理）：第 7 行 出院人数",
            "数值列中有 2 个单元格不是数字（按缺失处理）：第 4 行 手术人数，第 8 行 费用（上期）",
            "1 个比例的部分大于整体（该比例为缺失）：第 5 行 手术人数",
            "1 处重复填报的数字不一致：第 6 行 出院人次",
            "1 个单元格不在该列的取值范围内（按缺失处理）：第 6 行 预算管理",
        ]
    );
    let not_rated = summary
        .iter()
        .find(|r| r[0] == "未参评（无排名和等级，保留得分）：未报送年报")
        .expect("the institutions not rated");
    assert_eq!(not_rated[1], "1");
    let flags = flags_by_id(&summary);
    let expected = [
        ("A1", "未升等（已是最高等级）：重点学科；缺失指标：Q3；国家临床重点专科 +2"),
        ("A2", "降 1 等：医保违规；缺失指标：Q3；被通报批评 -1"),
        ("B2", "负数：出院人数；缺失指标：Q1，Q3"),
        ("A3", "非数字单元格：手术人数；一票否决：发生重大医疗安全事件；缺失指标：Q1，Q3"),
        (
            "A4",
            "部分大于整体：Q1；未参评：未报送年报；数据不足未排名：有数据的指标占权重 43%，低于最低 60%；缺失指标：Q1，Q3；插补指标：Q2",
        ),
        (
            "B1",
            "重复填报的数字不一致：出院人数；取值不在范围内：预算管理；数字有歧义：费用；数据不足未排名：有数据的指标占权重 38%，低于最低 60%；缺失指标：Q3，L1，E1",
        ),
        (
            "B3",
            "非数字单元格：费用（上期）；数据不足未排名：有数据的指标占权重 0%，低于最低 60%；缺失指标：Q1，Q3，L1，E1；插补指标：Q2",
        ),
        ("C1", "未计分：没有计分指标有数据；无同类分组：在“(未分组)”中比较"),
    ];
    assert_eq!(
        flags,
        expected
            .iter()
            .map(|(id, f)| (id.to_string(), f.to_string()))
            .collect::<Vec<_>>()
    );

    // The page: the same lines in its data-quality section, the flags in its rows.
    let page = score(dir.path(), "report.html", &["--scheme", FIXTURE]);
    assert_no_english_in_page(&page);
    let html = std::fs::read_to_string(&page).unwrap();
    let warnings = &html[html.find("<ul id=\"warnings\">").unwrap()..];
    let warnings = &warnings[..warnings.find("</ul>").unwrap()];
    for line in section(&summary, "数据问题（每类列出前 3 处）")
        .iter()
        .chain(&section(&summary, "警告"))
    {
        assert!(
            warnings.contains(&format!("<li><pre>{line}</pre></li>")),
            "{line} not in {warnings}"
        );
    }
    for (_, flag) in &expected {
        let json = serde_json::to_string(flag).unwrap();
        assert!(html.contains(&json), "{json}");
    }
}

#[test]
fn english_reports_keep_the_lines_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--scheme", FIXTURE, "--lang", "en"];
    let printed = jixiao(&["score", "--quiet", "--scheme", FIXTURE]);
    assert_eq!(printed.code, 0, "{}", transcript(&printed));
    let xlsx = score(dir.path(), "report.xlsx", &args);
    let summary = rows(&xlsx, "运行摘要");
    let warnings = section(&summary, "警告");
    assert_eq!(warnings.len(), 5);
    for line in &warnings {
        assert!(
            printed.stdout.contains(&format!("warning: {line}\n")),
            "{line}"
        );
    }
    for line in section(&summary, "数据问题（每类列出前 3 处）") {
        assert!(printed.stdout.contains(&format!("  {line}\n")), "{line}");
    }
    let flags = flags_by_id(&summary);
    assert_eq!(
        flags.last().unwrap().1,
        "unscored: no weighted indicator has data; no peer group: compared within \"(未分组)\""
    );
    let page = score(dir.path(), "report.html", &args);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains(
        "<li><pre>dimension weights add up to 70, not 100 or 1; they are used as relative weights</pre></li>"
    ));
}

#[test]
fn a_lone_institution_is_warned_about_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("one.csv");
    let current = std::fs::read_to_string(Path::new(FIXTURE).join("current.csv")).unwrap();
    let lines: Vec<&str> = current.lines().take(2).collect();
    std::fs::write(&data, lines.join("\n") + "\n").unwrap();
    let xlsx = score(
        dir.path(),
        "one.xlsx",
        &[
            "--scheme",
            FIXTURE,
            "--data",
            data.to_str().unwrap(),
            "--prev",
            &format!("{FIXTURE}/previous.csv"),
        ],
    );
    assert_no_english_in_workbook(&xlsx);
    let warnings = section(&rows(&xlsx, "运行摘要"), "警告");
    assert!(
        warnings.contains(&"只有一家机构：它的排名第 1、组内排名，以及与其他机构相比得出的得分或等级（min-max、百分位排名、z 分数、按排名比例分等）都只是与自己比较，不能说明其表现；请看其指标值和按固定标准计算的得分，或与同类机构一起计分".to_string()),
        "{warnings:?}"
    );
}
