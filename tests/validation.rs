//! Validation of institution data before scoring: one fixture per problem in
//! tests/fixtures/validation (the tiny scheme with shares, aliases and a column allowed below
//! zero), each with a snapshot of what the user sees, plus the values and flags that follow.
//!
//! Hard errors (empty file, missing or duplicate ids, missing columns, ambiguous aliases) exit 1
//! with every problem listed; warnings (not a number, negative count, part above whole) let the
//! run go on with the value missing, named in the summary and in the institution's flags.

use std::path::{Path, PathBuf};

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use polars::prelude::*;

mod common;
use common::{floats, jixiao, transcript};

const SCHEME: &str = "tests/fixtures/validation";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(SCHEME)
        .join(name)
}

/// `jixiao check --data` on one fixture file (relative paths, so snapshots are stable).
fn check(file: &str) -> common::Outcome {
    let data = format!("{SCHEME}/{file}");
    // --data never takes the scheme's previous period: it is named.
    let prev = format!("{SCHEME}/previous.csv");
    jixiao(&[
        "check", "--scheme", SCHEME, "--data", &data, "--prev", &prev,
    ])
}

fn plan() -> Plan {
    Plan::compile(Scheme::load(&fixture("")).unwrap()).unwrap()
}

/// Scores one fixture file against the fixture's previous period.
fn score(file: &str) -> jixiao::pipeline::ScoreRun {
    jixiao::pipeline::score(
        &plan(),
        &fixture(file).into(),
        Some(&fixture("previous.csv").into()),
    )
    .unwrap()
}

fn by_id(table: &DataFrame, column: &str) -> Vec<(String, Option<String>)> {
    let sorted = table
        .sort(["编码"], SortMultipleOptions::default())
        .unwrap();
    let ids = sorted.column("编码").unwrap().str().unwrap().clone();
    let values = sorted
        .column(column)
        .unwrap()
        .cast(&DataType::String)
        .unwrap();
    ids.iter()
        .zip(values.str().unwrap().iter())
        .map(|(id, v)| (id.unwrap().to_string(), v.map(str::to_string)))
        .collect()
}

fn flags_of(table: &DataFrame, id: &str) -> String {
    by_id(table, "flags")
        .into_iter()
        .find(|(i, _)| i == id)
        .and_then(|(_, f)| f)
        .unwrap_or_default()
}

#[test]
fn empty_file_is_an_error() {
    let o = check("empty.csv");
    assert_eq!(o.code, 1, "{}", transcript(&o));
    insta::assert_snapshot!("empty_file", transcript(&o));
}

#[test]
fn missing_column_is_an_error_with_the_closest_header() {
    let o = check("missing-column.csv");
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(o.stderr.contains("死亡例数"), "suggests the near header");
    insta::assert_snapshot!("missing_column", transcript(&o));
}

#[test]
fn duplicate_and_missing_ids_are_errors_with_rows() {
    let o = check("duplicate-id.csv");
    assert_eq!(o.code, 1, "{}", transcript(&o));
    // B on rows 3 and 5; row 4 has no id.
    assert!(o.stderr.contains("row 5, column 编码 (B)"), "{}", o.stderr);
    assert!(
        o.stderr.contains("row 4, column 编码: no institution id"),
        "{}",
        o.stderr
    );
    insta::assert_snapshot!("duplicate_id", transcript(&o));
}

#[test]
fn two_aliases_of_one_column_that_agree_are_accepted() {
    // Issue 17: a figure a return repeats under two aliases is read once when the values agree
    // (this was an error before); tests/returns.rs covers values that disagree.
    let o = check("ambiguous-alias.csv");
    assert_eq!(o.code, 0, "{}", transcript(&o));
    insta::assert_snapshot!("ambiguous_alias", transcript(&o));
}

#[test]
fn every_problem_is_reported_in_one_run() {
    // A missing column, a duplicate id, a cell that is not a number and a negative count.
    let o = check("many-problems.csv");
    assert_eq!(o.code, 1, "{}", transcript(&o));
    for expected in [
        "死亡人数",
        "duplicate-id",
        "not-a-number",
        "\"5O\"",
        "negative-count",
    ] {
        assert!(o.stderr.contains(expected), "{expected}:\n{}", o.stderr);
    }
    insta::assert_snapshot!("many_problems", transcript(&o));
}

#[test]
fn cells_that_are_not_numbers_are_warnings_located_and_flagged() {
    let o = check("not-a-number.csv");
    assert_eq!(o.code, 0, "{}", transcript(&o));
    insta::assert_snapshot!("not_a_number", transcript(&o));

    let run = score("not-a-number.csv");
    // A's 手术人数 "3O" → Q1 missing; B's 死亡人数 "n/a" → Q2 missing.
    let q1 = floats(&run.table.sort(["编码"], Default::default()).unwrap(), "Q1");
    assert_eq!(q1, [None, Some(50.0), Some(40.0), Some(20.0)]);
    assert!(flags_of(&run.table, "A").contains("not a number: 手术人数"));
    assert!(flags_of(&run.table, "B").contains("not a number: 死亡人数"));
    let summary = run.summary.to_string();
    assert!(
        summary.contains("2 cells in numeric columns that are not a number (read as missing): row 2 手术人数, row 3 死亡人数"),
        "{summary}"
    );
}

#[test]
fn negative_counts_are_missing_except_where_allowed() {
    let o = check("negative-count.csv");
    assert_eq!(o.code, 0, "{}", transcript(&o));
    insta::assert_snapshot!("negative_count", transcript(&o));

    let run = score("negative-count.csv");
    let table = run.table.sort(["编码"], Default::default()).unwrap();
    // B's 手术人数 −3 → Q1 missing; C's 费用 −105 → E1 missing; A's 结余 −5 is allowed.
    assert_eq!(
        floats(&table, "Q1"),
        [Some(30.0), None, Some(40.0), Some(20.0)]
    );
    assert_eq!(floats(&table, "E1")[2], None);
    assert_eq!(
        floats(&table, "M2"),
        [Some(-5.0), Some(3.0), Some(0.0), Some(8.0)]
    );
    assert_eq!(flags_of(&run.table, "B"), "negative: 手术人数; missing: Q1");
    assert!(flags_of(&run.table, "C").starts_with("negative: 费用"));
}

#[test]
fn a_part_above_its_whole_makes_the_share_missing() {
    let o = check("part-exceeds-whole.csv");
    assert_eq!(o.code, 0, "{}", transcript(&o));
    insta::assert_snapshot!("part_exceeds_whole", transcript(&o));

    let run = score("part-exceeds-whole.csv");
    let table = run.table.sort(["编码"], Default::default()).unwrap();
    // A: 130 operated of 100 discharged; C: 2 deaths among 1 case.
    assert_eq!(
        floats(&table, "Q1"),
        [None, Some(50.0), Some(40.0), Some(20.0)]
    );
    assert_eq!(
        floats(&table, "Q2"),
        [Some(1.0), Some(0.0), None, Some(0.5)]
    );
    assert!(flags_of(&run.table, "A").starts_with("part exceeds whole: Q1"));
    assert!(flags_of(&run.table, "C").starts_with("part exceeds whole: Q2"));
    let summary = run.summary.to_string();
    assert!(summary.contains("Q1 1 (1 part exceeds whole)"), "{summary}");
}

#[test]
fn an_alias_header_is_read_under_the_schemes_name() {
    // clean.csv says 出院人次 where the scheme reads 出院人数: same scores as the tiny fixture.
    let run = score("clean.csv");
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny");
    let tiny_plan = Plan::compile(Scheme::load(&tiny).unwrap()).unwrap();
    let reference = jixiao::pipeline::score(
        &tiny_plan,
        &tiny.join("current.csv").into(),
        Some(&tiny.join("previous.csv").into()),
    )
    .unwrap();
    for column in ["Q1", "Q2", "E1", "M1", "Q1.score", "Q2.score", "E1.score"] {
        assert_eq!(
            by_id(&run.table, column),
            by_id(&reference.table, column),
            "{column}"
        );
    }
    assert!(
        run.summary.data_problems.is_empty(),
        "{:?}",
        run.summary.data_problems
    );
}

#[test]
fn the_schemes_name_wins_over_an_alias_with_a_warning() {
    let o = check("alias-shadowed.csv");
    assert_eq!(o.code, 0, "{}", transcript(&o));
    insta::assert_snapshot!("alias_shadowed", transcript(&o));
    let run = score("alias-shadowed.csv");
    // 出院人数 (100) is read, not the alias 出院人次 (99): A's Q1 = 30 / 100.
    let table = run.table.sort(["编码"], Default::default()).unwrap();
    assert_eq!(floats(&table, "Q1")[0], Some(30.0));
}

#[test]
fn a_failed_score_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("result.csv");
    let data = format!("{SCHEME}/duplicate-id.csv");
    let o = jixiao(&[
        "score",
        "--scheme",
        SCHEME,
        "--data",
        &data,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(o.stdout.is_empty());
    assert!(!out.exists());
}
