//! The HTML report (`score --out report.html`) opened in a real browser — headless Chromium —
//! whose DOM after the page's script has run is read back: no script or console error, as many
//! ranking rows as institutions (or as the filter in the address's hash keeps), marks drawn in
//! every chart, sorting, the institution panel. A screenshot of each page is kept under the
//! target folder (`target/tmp/report-*.png`) for people to look at. Also: the same input gives
//! the same bytes, `--lang en`, and the movement against a previous period's results.
//!
//! Without Chromium (`apt-get install chromium`) the browser tests say so and pass, unless
//! `JIXIAO_REQUIRE_BROWSER` is set (as `.ci/run` does), where they fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use polars::prelude::*;

mod common;
use common::{english_sentence, floats, jixiao, jixiao_with_threads, page_text, transcript};

/// The Chromium binary, or `None` (after saying so) when the tests may skip without it.
fn chromium() -> Option<PathBuf> {
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(candidate).exists() {
            return Some(PathBuf::from(candidate));
        }
    }
    if std::env::var_os("JIXIAO_REQUIRE_BROWSER").is_some() {
        panic!("JIXIAO_REQUIRE_BROWSER is set but Chromium is not installed (apt-get install -y chromium)");
    }
    eprintln!(
        "SKIPPED: the HTML report's browser test needs Chromium (apt-get install -y chromium); \
         set JIXIAO_REQUIRE_BROWSER=1 to make its absence a failure"
    );
    None
}

/// Percent-encodes a hash parameter's value (UTF-8 bytes outside the unreserved set).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The page's DOM once its script has run, opened at `hash`.
fn dom(browser: &Path, page: &Path, hash: &str) -> String {
    let url = format!("file://{}#{hash}", page.display());
    let output = Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--virtual-time-budget=5000",
            "--dump-dom",
            &url,
        ])
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Keeps a screenshot of the page for people to look at.
fn screenshot(browser: &Path, page: &Path, name: &str) -> PathBuf {
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("report-{name}.png"));
    let _ = std::fs::remove_file(&shot);
    let output = Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
            "--window-size=1400,2000",
            &format!("--screenshot={}", shot.display()),
            &format!("file://{}#size=30", page.display()),
        ])
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 10_000,
        "a screenshot with something on it: {size} bytes"
    );
    shot
}

/// The text between `start` (included) and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in the page"));
    let rest = &text[from..];
    let to = rest.find(end).unwrap_or(rest.len());
    &rest[..to]
}

/// The ranking rows shown, as the cells' texts.
fn ranking_rows(dom: &str) -> Vec<Vec<String>> {
    let body = between(dom, "<tbody id=\"ranking-rows\"", "</tbody>");
    body.split("<tr data-row=")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let inner = &cell[cell.find('>').unwrap() + 1..];
                    inner[..inner.find("</td>").unwrap()].to_string()
                })
                .collect()
        })
        .collect()
}

/// Checks no script or console error was recorded, and every chart has drawn marks.
fn assert_clean_with_charts(dom: &str) {
    let errors = between(dom, "<pre id=\"js-errors\"", "</pre>");
    assert!(
        errors.contains("data-count=\"0\">") && errors.ends_with('>'),
        "script or console errors: {errors}"
    );
    assert!(
        dom.contains("data-ready=\"1\""),
        "the script ran to its end"
    );
    let charts: Vec<&str> = dom.split("<figure class=\"chart\" id=\"").skip(1).collect();
    let ids: Vec<&str> = charts.iter().map(|c| &c[..c.find('"').unwrap()]).collect();
    assert_eq!(ids, ["chart-grades", "chart-scores", "chart-dimensions"]);
    for chart in charts {
        let chart = &chart[..chart.find("</figure>").unwrap()];
        let marks = chart.matches("<rect").count()
            + chart.matches("<path").count()
            + chart.matches("<circle").count();
        assert!(
            chart.matches("class=\"mark\"").count() > 0 && marks > 1,
            "a chart without marks: {}",
            &chart[..80]
        );
    }
}

/// Fails on an English sentence in the text a reader sees of a Chinese page's DOM (its inline
/// data's strings included; ids, codes and commands allowed, see `common::english_sentence`).
fn assert_no_english(dom: &str) {
    for line in page_text(dom).lines() {
        if let Some(words) = english_sentence(line) {
            panic!("English \"{words}\" in the page: {line:?}");
        }
    }
}

fn score_html(dir: &Path, args: &[&str]) -> PathBuf {
    let page = dir.join("report.html");
    let mut all = vec!["score", "--out", page.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = jixiao(&all);
    assert_eq!(o.code, 0, "{}", transcript(&o));
    page
}

fn score_csv(dir: &Path, name: &str, args: &[&str]) -> DataFrame {
    let path = dir.join(name);
    let mut all = vec!["score", "--out", path.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = jixiao(&all);
    assert_eq!(o.code, 0, "{}", transcript(&o));
    CsvReadOptions::default()
        .with_infer_schema_length(None)
        .try_into_reader_with_file_path(Some(path))
        .unwrap()
        .finish()
        .unwrap()
}

fn texts(frame: &DataFrame, name: &str) -> Vec<Option<String>> {
    frame
        .column(name)
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

#[test]
fn html_report_of_the_default_scheme_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let page = score_html(dir.path(), &[]);
    let csv = score_csv(dir.path(), "result.csv", &[]);
    let Some(browser) = chromium() else { return };

    // Every institution on one page, in the table's order, with no error and drawn charts.
    let all = dom(&browser, &page, "size=all");
    assert_clean_with_charts(&all);
    assert_no_english(&all);
    let rows = ranking_rows(&all);
    assert_eq!(rows.len(), 320);
    assert_eq!(rows.len(), csv.height());
    let ids = texts(&csv, "机构编码");
    for (row, id) in rows.iter().zip(&ids) {
        assert_eq!(Some(&row[2]), id.as_ref());
    }
    assert_eq!(rows[0][2], "H110055");
    assert_eq!(rows[0][5], "85.87", "score to the scheme's 2 decimals");
    // Flags in Chinese.
    let flags: Vec<&String> = rows.iter().map(|r| r.last().unwrap()).collect();
    assert!(
        flags.iter().any(|f| f.starts_with("缺失指标：")),
        "{flags:?}"
    );
    assert!(flags.iter().all(|f| !f.contains("missing: ")));
    // Overview counts, as the run summary has them.
    assert!(all.contains("<div class=\"card\" data-count=\"320\"><b>320</b>参评机构</div>"));

    // The default page shows the first 100.
    let first = dom(&browser, &page, "");
    assert_eq!(ranking_rows(&first).len(), 100);

    // Filtering by peer group and by grade, as the hash asks on load.
    let groups = texts(&csv, "机构类别");
    let grades = texts(&csv, "grade");
    let group = groups[0].clone().unwrap();
    let in_group = groups
        .iter()
        .filter(|g| g.as_deref() == Some(&group))
        .count();
    let filtered = dom(
        &browser,
        &page,
        &format!("group={}&size=all", encode(&group)),
    );
    let rows = ranking_rows(&filtered);
    assert_eq!(rows.len(), in_group);
    assert!(rows.iter().all(|r| r[4] == group));
    let grade_b = grades.iter().filter(|g| g.as_deref() == Some("B")).count();
    let rows = ranking_rows(&dom(&browser, &page, "grade=B&size=all"));
    assert_eq!(rows.len(), grade_b);
    assert!(grade_b > 0 && grade_b < 320);
    // Searching by name or code.
    let rows = ranking_rows(&dom(&browser, &page, &format!("q={}", encode("H11005"))));
    let expected = ids
        .iter()
        .filter(|id| id.as_deref().unwrap_or_default().contains("H11005"))
        .count();
    assert_eq!(rows.len(), expected);

    // Sorting by score, lowest first: the lowest score comes first.
    let scores = floats(&csv, "score");
    let lowest = scores
        .iter()
        .flatten()
        .copied()
        .fold(f64::INFINITY, f64::min);
    let rows = ranking_rows(&dom(&browser, &page, "sort=score&dir=asc&size=5"));
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0][5], format!("{lowest:.2}"));

    // An institution's panel: dimension bars against the peer-group median, indicator points.
    let panel_dom = dom(&browser, &page, "id=H110297");
    assert_clean_with_charts(&panel_dom);
    let panel = between(
        &panel_dom,
        "<div id=\"panel\"",
        "<p class=\"note\">完整解释",
    );
    assert!(panel.contains("data-id=\"H110297\""), "{panel}");
    assert!(panel.contains("青岛市第九人民医院"));
    let chart = between(panel, "id=\"panel-chart\"", "</svg>");
    assert_eq!(
        chart.matches("class=\"mark own\"").count(),
        4,
        "one bar per dimension"
    );
    assert!(chart.matches("class=\"mark median\"").count() >= 4);
    assert!(panel.contains("缺失指标：T38，T40"), "{panel}");
    assert_no_english(&panel_dom);
    assert!(panel.contains("较满分失分"));
    assert!(panel.contains("T4 出院患者手术占比"));

    screenshot(&browser, &page, "tertiary-core");
}

#[test]
fn html_report_of_tertiary_2020_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--scheme", "scoring/tertiary-2020"];
    let page = score_html(dir.path(), &args);
    let csv = score_csv(dir.path(), "result.csv", &args);
    let Some(browser) = chromium() else { return };
    let all = dom(&browser, &page, "size=all");
    assert_clean_with_charts(&all);
    assert_no_english(&all);
    assert_eq!(ranking_rows(&all).len(), csv.height());
    let id = texts(&csv, "机构编码")[0].clone().unwrap();
    let panel_dom = dom(&browser, &page, &format!("id={}", encode(&id)));
    assert_clean_with_charts(&panel_dom);
    assert!(panel_dom.contains(&format!("data-id=\"{id}\"")));
    assert_no_english(&panel_dom);
    screenshot(&browser, &page, "tertiary-2020");
}

/// tests/fixtures/zh-messages fires every kind of warning, data problem and flag: the page a
/// browser draws of it says them all in Chinese (tests/zh_reports.rs checks the words).
#[test]
fn html_report_of_every_kind_of_message_in_a_browser_is_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--scheme", "tests/fixtures/zh-messages"];
    let page = score_html(dir.path(), &args);
    let Some(browser) = chromium() else { return };
    let all = dom(&browser, &page, "size=all");
    assert_clean_with_charts(&all);
    assert_no_english(&all);
    let rows = ranking_rows(&all);
    assert_eq!(rows.len(), 8);
    let flags: Vec<&String> = rows.iter().map(|r| r.last().unwrap()).collect();
    assert!(
        flags.iter().any(|f| f.starts_with("降 1 等：医保违规")),
        "{flags:?}"
    );
    assert!(flags.iter().any(|f| f.starts_with("未计分：")), "{flags:?}");
    let warnings = between(&all, "<ul id=\"warnings\">", "</ul>");
    assert!(warnings.contains("各维度权重之和为 70"), "{warnings}");
    // The panel of an institution not rated, excluded and imputing a value.
    let panel_dom = dom(&browser, &page, "id=A4");
    assert_clean_with_charts(&panel_dom);
    assert_no_english(&panel_dom);
    assert!(panel_dom.contains("未参评：未报送年报"));
    screenshot(&browser, &page, "zh-messages");
}

#[test]
fn html_report_is_byte_identical_and_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("a.html");
    let second = dir.path().join("b.html");
    for (out, threads) in [(&first, None), (&second, Some(1))] {
        let o = jixiao_with_threads(&["score", "--out", out.to_str().unwrap()], threads);
        assert_eq!(o.code, 0, "{}", transcript(&o));
    }
    let a = std::fs::read(&first).unwrap();
    let b = std::fs::read(&second).unwrap();
    assert!(a == b, "the same input gives the same bytes");
    let text = String::from_utf8(a).unwrap();
    // Nothing fetched: no external script, style, image or font.
    for needle in ["src=\"http", "href=\"http", "src=\"//", "@import", "url("] {
        assert!(
            !text.contains(needle),
            "the page fetches something: {needle}"
        );
    }
    assert!(text.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
}

#[test]
fn html_report_in_english() {
    let dir = tempfile::tempdir().unwrap();
    let page = score_html(dir.path(), &["--lang", "en"]);
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(text.contains("<html lang=\"en\">"));
    assert!(text.contains("Grade distribution"));
    assert!(
        text.contains("missing: T38,T40"),
        "flags as the CSV writes them"
    );
}

#[test]
fn html_report_shows_the_movement_against_the_previous_period() {
    let dir = tempfile::tempdir().unwrap();
    // A previous period's results: this period's table with the ranking turned upside down
    // (rank r becomes 320 − r for the ranked) and every score 1 lower.
    let csv = score_csv(dir.path(), "result.csv", &[]);
    let ranked = floats(&csv, "rank").iter().flatten().count() as f64;
    let mut before = csv
        .clone()
        .lazy()
        .with_columns([
            (lit(ranked + 1.0) - col("rank")).alias("rank"),
            (col("score") - lit(1.0)).alias("score"),
        ])
        .collect()
        .unwrap();
    let previous = dir.path().join("previous-result.csv");
    let mut file = std::fs::File::create(&previous).unwrap();
    CsvWriter::new(&mut file).finish(&mut before).unwrap();
    let page = score_html(dir.path(), &["--prev-result", previous.to_str().unwrap()]);
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(text.contains("<section id=\"movement\">"));
    assert!(text.contains("Spearman ρ -1.000"), "the ranking reversed");
    let Some(browser) = chromium() else { return };
    let all = dom(&browser, &page, "size=all");
    assert_clean_with_charts(&all);
    let rows = ranking_rows(&all);
    // Places up = the previous rank − this rank; the score 1 higher than before.
    let ranks = floats(&csv, "rank");
    for (row, rank) in rows.iter().zip(&ranks).take(5) {
        let rank = rank.unwrap();
        let places = ranked + 1.0 - rank - rank;
        let expected = if places > 0.0 {
            format!("+{places:.0}")
        } else {
            format!("{places:.0}")
        };
        assert_eq!(row[7 + 4], expected, "{row:?}");
        assert_eq!(row[7 + 5], "+1.00");
    }
}

#[test]
fn prev_result_needs_an_html_report() {
    let o = jixiao(&["score", "--prev-result", "x.csv"]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(o.stderr.contains("--prev-result"), "{}", o.stderr);
}
