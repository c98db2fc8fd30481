//! Snapshot tests of the `jixiao` command: stdout, stderr and exit code, for the shipped default
//! and for each kind of user mistake.

use std::path::Path;

use polars::prelude::*;

mod common;
use common::{jixiao, jixiao_with_threads, transcript};

#[test]
fn score_default_scheme_and_dataset() {
    let o = jixiao(&["score", "--top", "12"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("score_default", transcript(&o));
}

#[test]
fn check_default_scheme_and_dataset() {
    let o = jixiao(&["check"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("check_default", transcript(&o));
}

#[test]
fn score_tiny_fixture() {
    let o = jixiao(&["score", "--scheme", "tests/fixtures/tiny"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("score_tiny", transcript(&o));
}

fn user_error(fixture: &str) -> String {
    let scheme = format!("tests/fixtures/errors/{fixture}");
    let o = jixiao(&["check", "--scheme", &scheme]);
    assert_eq!(o.code, 1, "bad user input exits 1\n{}", transcript(&o));
    assert!(o.stdout.is_empty(), "errors go to stderr only");
    transcript(&o)
}

#[test]
fn error_unknown_yaml_key_names_file_and_line() {
    insta::assert_snapshot!("error_unknown_key", user_error("unknown-key"));
}

#[test]
fn error_monitor_scoring_needs_weight_and_a_directionless_method() {
    insta::assert_snapshot!("error_monitor_scoring", user_error("monitor-scoring"));
}

#[test]
fn error_script_syntax_points_with_a_caret() {
    insta::assert_snapshot!("error_script_syntax", user_error("script-syntax"));
}

#[test]
fn error_unknown_column_suggests_the_closest() {
    insta::assert_snapshot!("error_unknown_column", user_error("unknown-column"));
}

#[test]
fn error_endless_loop_is_stopped() {
    insta::assert_snapshot!("error_endless_loop", user_error("endless-loop"));
}

#[test]
fn error_if_on_a_formula_explains_if_else() {
    insta::assert_snapshot!("error_if_on_formula", user_error("if-on-formula"));
}

#[test]
fn error_import_outside_the_scheme_is_refused() {
    insta::assert_snapshot!("error_import_escape", user_error("import-escape"));
}

#[test]
fn error_indicator_without_formula() {
    insta::assert_snapshot!("error_missing_formula", user_error("missing-formula"));
}

#[test]
fn error_undefined_variable_is_a_compile_error() {
    insta::assert_snapshot!("error_undefined_variable", user_error("undefined-variable"));
}

#[test]
fn error_missing_scheme_and_bad_flags_exit_1() {
    let o = jixiao(&["score", "--scheme", "tests/fixtures/no-such-scheme"]);
    assert_eq!(o.code, 1);
    insta::assert_snapshot!("error_no_scheme", transcript(&o));
    let o = jixiao(&["score", "--top", "many"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("invalid value 'many'"), "{}", o.stderr);
    let o = jixiao(&["score", "--out", "result.xls"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("one of .csv, .json, .parquet"),
        "{}",
        o.stderr
    );
}

#[test]
fn error_previous_period_needed_but_missing() {
    let o = jixiao(&[
        "score",
        "--scheme",
        "tests/fixtures/tiny",
        "--data",
        "tests/fixtures/tiny/current.csv",
        "--prev",
        "tests/fixtures/tiny/no-such-file.csv",
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("no-such-file.csv: no such file"),
        "{}",
        o.stderr
    );
}

#[test]
fn outputs_are_byte_identical_across_runs_row_orders_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    // The same data with its rows reversed.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/tertiary-core/current.csv"),
    )
    .unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let reversed = dir.path().join("reversed.csv");
    std::fs::write(&reversed, lines.join("\n") + "\n").unwrap();

    for extension in ["csv", "json", "parquet"] {
        let first = dir.path().join(format!("first.{extension}"));
        let second = dir.path().join(format!("second.{extension}"));
        let o = jixiao(&["score", "--out", first.to_str().unwrap()]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        // Reversed rows, and polars on one thread instead of all.
        let o = jixiao_with_threads(
            &[
                "score",
                "--data",
                reversed.to_str().unwrap(),
                // --data never takes the scheme's previous period: it is named.
                "--prev",
                "datasets/tertiary-core/previous.csv",
                "--out",
                second.to_str().unwrap(),
            ],
            Some(1),
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        let (a, b) = (
            std::fs::read(&first).unwrap(),
            std::fs::read(&second).unwrap(),
        );
        assert!(!a.is_empty());
        assert!(a == b, "{extension} output differs between runs");
    }
    // Parquet and JSON hold the same table as CSV.
    let csv_table = CsvReadOptions::default()
        .try_into_reader_with_file_path(Some(dir.path().join("first.csv")))
        .unwrap()
        .finish()
        .unwrap();
    let parquet_table =
        ParquetReader::new(std::fs::File::open(dir.path().join("first.parquet")).unwrap())
            .finish()
            .unwrap();
    assert_eq!(
        csv_table.get_column_names(),
        parquet_table.get_column_names()
    );
    assert_eq!(parquet_table.height(), 320);
    // The score is the same everywhere; the other floats are whole in Parquet and rounded to 6
    // decimals in CSV.
    let round6 = |v: f64| (v * 1e6).round() / 1e6;
    for name in ["score", "T4.score", "医疗质量.score"] {
        let a = common::floats(&csv_table, name);
        let b = common::floats(&parquet_table, name);
        let rounded: Vec<Option<f64>> = b.iter().map(|v| v.map(round6)).collect();
        match name {
            "score" => assert_eq!(a, b),
            _ => {
                for (x, y) in a.iter().zip(&rounded) {
                    match (x, y) {
                        (Some(x), Some(y)) => assert!((x - y).abs() < 1e-9, "{name}: {x} vs {y}"),
                        _ => assert_eq!(x.is_none(), y.is_none(), "{name}"),
                    }
                }
                assert!(
                    b.iter().flatten().any(|v| *v != round6(*v)),
                    "{name}: Parquet keeps more than 6 decimals"
                );
            }
        }
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("first.json")).unwrap()).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 320);
    assert_eq!(rows[0]["rank"], 1);
    assert_eq!(
        rows[0]["机构编码"],
        csv_table
            .column("机构编码")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .unwrap()
    );
    // JSON carries the same whole numbers as Parquet: each written as its shortest exact
    // (round-trip) decimal, which is what Rust's `{}` prints. (Compared as text: serde_json's
    // default parser is not exact in the last bit.)
    let json_text = std::fs::read_to_string(dir.path().join("first.json")).unwrap();
    let whole = common::floats(&parquet_table, "医疗质量.score");
    let mut long = 0;
    for value in whole.iter().flatten().filter(|v| v.fract() != 0.0) {
        let written = format!("\"医疗质量.score\":{value},");
        assert!(json_text.contains(&written), "{written}");
        long += usize::from(written.len() > "\"医疗质量.score\":12.123456,".len());
    }
    assert!(long > 0, "JSON keeps more than 6 decimals");
    // Every input institution is in the output, once.
    let csv = std::fs::read_to_string(dir.path().join("first.csv")).unwrap();
    assert_eq!(csv.lines().count(), text.lines().count());
    let header = csv.lines().next().unwrap();
    assert!(header.starts_with("rank,group_rank,机构编码,机构名称,机构类别,score,grade,flags,weighted,bonus,deduction,医疗质量.score,功能定位.score"), "{header}");
}

#[test]
fn error_formula_types_that_cannot_work() {
    insta::assert_snapshot!("error_type_mismatch", user_error("type-mismatch"));
}

/// Each used to pass `check` (and score wrongly, silently); each is now refused at the call.
#[test]
fn error_formula_types_are_checked_when_the_scripts_run() {
    for fixture in [
        "veto-not-condition",
        "number-in-quotes",
        "grade-ordered",
        "text-arithmetic",
        "if-else-branches",
        "condition-as-indicator",
    ] {
        insta::assert_snapshot!(format!("error_types_{fixture}"), user_error(fixture));
    }
}

/// A formula nested into 2^13 copies of itself is refused at its binding before polars plans it.
#[test]
fn error_formula_past_the_node_cap_is_located() {
    insta::assert_snapshot!("error_formula_too_large", user_error("formula-too-large"));
}

/// A copied scheme used to fail with a bare "no such file"; now its `dataset:` line is shown.
#[test]
fn error_missing_dataset_points_at_its_line() {
    insta::assert_snapshot!("error_dataset_missing", user_error("dataset-missing"));
}

/// `--data` without `--prev` used to pair the new data with the scheme's shipped previous period.
#[test]
fn data_without_prev_never_takes_the_schemes_previous_period() {
    let o = jixiao(&[
        "check",
        "--scheme",
        "tests/fixtures/tiny",
        "--data",
        "tests/fixtures/tiny/current.csv",
    ]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    insta::assert_snapshot!("error_data_without_prev", transcript(&o));
    let o = jixiao(&[
        "check",
        "--scheme",
        "tests/fixtures/tiny",
        "--data",
        "tests/fixtures/tiny/current.csv",
        "--prev",
        "tests/fixtures/tiny/previous.csv",
    ]);
    assert_eq!(o.code, 0, "{}", transcript(&o));
}

/// A scheme.yaml saved with a byte-order mark used to be refused as "missing field `version`".
#[test]
fn scheme_with_a_byte_order_mark_is_read() {
    let o = jixiao(&["check", "--scheme", "tests/fixtures/scheme-bom"]);
    assert_eq!(o.code, 0, "{}", transcript(&o));
}

/// A GBK scheme.yaml got no position; "expected f64" was Rust's word for a number.
#[test]
fn error_scheme_yaml_messages_a_person_understands() {
    insta::assert_snapshot!("error_scheme_gbk", user_error("scheme-gbk"));
    insta::assert_snapshot!("error_yaml_not_a_number", user_error("yaml-not-a-number"));
}

/// A line indented under `direction: up` is read by YAML as part of that value; the message
/// names the indentation and points at the line.
#[test]
fn error_yaml_over_indented_line() {
    insta::assert_snapshot!("error_yaml_over_indented", user_error("yaml-over-indented"));
}

/// Text where a number belongs: the indicator is named by id (not `indicators[1]`) and the
/// caret is under the value, not the `- id:` line.
#[test]
fn error_yaml_text_where_a_number_belongs() {
    insta::assert_snapshot!("error_yaml_text_target", user_error("yaml-text-target"));
}

/// More decimals than a float holds is refused; up to 15 are honoured (tests/scoring.rs).
#[test]
fn error_score_decimals_beyond_what_is_kept() {
    insta::assert_snapshot!("error_score_decimals", user_error("score-decimals"));
}

/// Each used to end in exit 2 ("a bug in jixiao"); each is now a scheme error naming the clash.
#[test]
fn error_names_that_clash_with_columns() {
    for fixture in [
        "id-score",
        "id-rank",
        "id-flags",
        "id-beside-its-score",
        "id-is-id-column",
        "internal-column",
    ] {
        insta::assert_snapshot!(format!("error_names_{fixture}"), user_error(fixture));
    }
}

#[test]
fn sample_writes_both_periods_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let args = [
        "sample",
        "--out-dir",
        out,
        "--institutions",
        "60",
        "--seed",
        "3",
    ];
    let o = jixiao(&args);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let first = std::fs::read(dir.path().join("current.csv")).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("current.csv"))
            .unwrap()
            .lines()
            .count(),
        61
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("previous.csv"))
            .unwrap()
            .lines()
            .count(),
        60
    );
    jixiao(&args);
    assert!(first == std::fs::read(dir.path().join("current.csv")).unwrap());
    let o = jixiao(&["sample", "--out-dir", out, "--institutions", "0"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("--institutions must be at least 1"));
    // --kind picks the scheme's generator; an unknown kind lists the known ones.
    let o = jixiao(&[
        "sample",
        "--kind",
        "primary-care",
        "--out-dir",
        out,
        "--institutions",
        "5",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let header = std::fs::read_to_string(dir.path().join("current.csv")).unwrap();
    assert!(header.lines().next().unwrap().contains("工分"), "{header}");
    let o = jixiao(&["sample", "--kind", "tertiary", "--out-dir", out]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains(
            "no sample data of kind \"tertiary\"; kinds: tertiary-core, tertiary-2020, secondary-2020, primary-care"
        ),
        "{}",
        o.stderr
    );
}

#[test]
fn functions_reference_one_function_at_a_time() {
    for name in ["col", "share_pct", "grade_kmeans"] {
        let o = jixiao(&["functions", name]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        insta::assert_snapshot!(format!("functions_{name}"), transcript(&o));
    }
    let o = jixiao(&["functions", "sharepct"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("did you mean share_pct?"), "{}", o.stderr);
    let all = jixiao(&["functions"]);
    assert_eq!(all.code, 0);
    assert!(all
        .stdout
        .contains("if_else(cond: condition, a: number, b: number) -> number\n"));
}
