//! Indicator inclusion by reporting count (`include: {min_reported: 3}`) on five hospitals
//! (tests/fixtures/inclusion), by hand. Y is reported by H1 and H3 only (2 < 3): dropped, so
//! D1 = X and the total is the mean of D1 and D2 over those present:
//! H1 (80 + 60)/2 = 70, H2 (60 + 40)/2 = 50, H3 40 (no Z), H4 (20 + 80)/2 = 50, H5 (100 + 20)/2 = 60.
//! With Y kept (min_reported 2), H1's D1 would be (80 + 100)/2 = 90 and its total 75.

use std::path::{Path, PathBuf};

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use polars::prelude::*;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inclusion")
}

fn run(text: String) -> jixiao::pipeline::ScoreRun {
    let dir = fixture();
    let scheme = Scheme::from_text(&dir, &dir.join("scheme.yaml"), text).unwrap();
    let plan = Plan::compile(scheme).unwrap();
    let data = jixiao::source::DataFile::from(dir.join("current.csv"));
    jixiao::pipeline::score(&plan, &data, None).unwrap()
}

fn floats(table: &DataFrame, name: &str) -> Vec<Option<f64>> {
    table
        .sort(["编码"], SortMultipleOptions::default())
        .unwrap()
        .column(name)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect()
}

fn text() -> String {
    std::fs::read_to_string(fixture().join("scheme.yaml")).unwrap()
}

#[test]
fn an_indicator_reported_by_too_few_is_dropped_and_its_weight_moves() {
    let run = run(text());
    assert_eq!(
        floats(&run.table, "score"),
        [Some(70.0), Some(50.0), Some(40.0), Some(50.0), Some(60.0)]
    );
    assert_eq!(floats(&run.table, "Y.score"), [None; 5]);
    // The values stay in the output.
    assert_eq!(
        floats(&run.table, "Y"),
        [Some(100.0), None, Some(0.0), None, None]
    );
    let summary = run.summary.to_string();
    assert!(
        summary.contains("indicator Y (乙) dropped: reported by 2 institutions, fewer than the 3 required (include.min_reported); its weight goes to its siblings"),
        "{summary}"
    );
    assert!(
        summary.contains("effective weights without the dropped indicators: X 50.00%, Z 50.00%"),
        "{summary}"
    );
}

#[test]
fn an_indicator_reported_by_enough_is_kept() {
    // On the indicator itself, overriding the scheme's minimum.
    let text = text().replace(
        "{id: Y, name: 乙, dimension: D1,",
        "{id: Y, name: 乙, include: {min_reported: 2}, dimension: D1,",
    );
    let run = run(text);
    assert_eq!(floats(&run.table, "score")[0], Some(75.0));
    assert!(!run.summary.to_string().contains("dropped"));
}

#[test]
fn inclusion_needs_renormalising() {
    let dir = fixture();
    let text = text().replace(
        "score_decimals: 4",
        "score_decimals: 4\nmissing: {policy: zero}",
    );
    let error = Scheme::from_text(&dir, &dir.join("scheme.yaml"), text)
        .map(|_| ())
        .expect_err("include with policy zero")
        .to_string();
    assert!(error.contains("missing.policy: renormalise"), "{error}");
}
