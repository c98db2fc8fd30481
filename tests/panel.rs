//! Several periods in one run (issue 17): a three-year panel scored period by period, each with
//! the period before it as its previous period, the table over the periods, and the most
//! improved (进步较大) of each peer group. Every number is computed by hand in the comments.
//!
//! Fixture: tests/fixtures/panel — four institutions (A 甲, B 乙 in 综合; C 丙, D 丁 in 专科),
//! 2018–2020, as a long table (long.csv, rows in no particular order) and as one row per
//! institution and year (wide.csv). Q1 = 手术人数 / 出院人数 (%) on goalposts 0 → 50 (score
//! 2 × Q1); G1 = growth of 次均费用 (%) on goalposts 20 → 0 (score 100 − 5 × G1); total =
//! 0.6 Q1.score + 0.4 G1.score, renormalised to Q1 alone where G1 is missing.

use std::path::{Path, PathBuf};

use jixiao::panel::{score_panel, PanelRun, Periods};
use jixiao::pipeline::ScoreOptions;
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::source::DataFile;
use polars::prelude::*;

mod common;
use common::{floats, jixiao};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/panel")
        .join(name)
}

fn plan() -> Plan {
    Plan::compile(Scheme::load(&fixture("")).unwrap()).unwrap()
}

fn panel(file: &str, periods: Periods) -> PanelRun {
    score_panel(
        &plan(),
        &DataFile::from(fixture(file)),
        &periods,
        ScoreOptions::default(),
    )
    .unwrap()
}

/// The rows of one period, in id order: `column` as floats.
fn of_period(table: &DataFrame, period: &str, column: &str) -> Vec<Option<f64>> {
    let rows = table
        .clone()
        .lazy()
        .filter(col("period").eq(lit(period)))
        .sort(["编码"], SortMultipleOptions::default())
        .collect()
        .unwrap();
    floats(&rows, column)
}

fn texts_of_period(table: &DataFrame, period: &str, column: &str) -> Vec<Option<String>> {
    let rows = table
        .clone()
        .lazy()
        .filter(col("period").eq(lit(period)))
        .sort(["编码"], SortMultipleOptions::default())
        .collect()
        .unwrap();
    rows.column(column)
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

fn some(values: &[f64]) -> Vec<Option<f64>> {
    values.iter().map(|v| Some(*v)).collect()
}

#[test]
fn three_years_are_scored_each_against_the_year_before() {
    let run = panel("long.csv", Periods::All);
    let t = &run.table;
    assert_eq!(t.height(), 12);
    assert_eq!(t.get_column_names()[0].as_str(), "period");
    let periods: Vec<&str> = run.periods.iter().map(|p| p.period.as_str()).collect();
    assert_eq!(periods, ["2018", "2019", "2020"]);
    assert_eq!(run.periods[0].previous, None);
    assert_eq!(run.periods[2].previous.as_deref(), Some("2019"));

    // 2018, the first year: no previous period, so G1 is missing; the total is Q1.score alone.
    // A 30% → 60, B 40% → 80, C 20% → 40, D 25% → 50.
    assert_eq!(of_period(t, "2018", "G1"), [None, None, None, None]);
    assert_eq!(
        of_period(t, "2018", "score"),
        some(&[60.0, 80.0, 40.0, 50.0])
    );
    assert_eq!(of_period(t, "2018", "rank"), some(&[2.0, 1.0, 4.0, 3.0]));
    assert_eq!(
        of_period(t, "2018", "group_rank"),
        some(&[2.0, 1.0, 2.0, 1.0])
    );

    // 2019: G1 against 2018: A 100 → 105 = 5% (75), B 100 → 110 = 10% (50), C 200 → 210 = 5%
    // (75), D 200 → 200 = 0% (100). Q1: A 35% (70), B 38% (76), C 30% (60), D 24% (48).
    // Totals: A 42 + 30 = 72, B 45.6 + 20 = 65.6, C 36 + 30 = 66, D 28.8 + 40 = 68.8.
    assert_eq!(of_period(t, "2019", "G1"), some(&[5.0, 10.0, 5.0, 0.0]));
    // The levels behind the growth rate: 次均费用 this year and last year.
    assert_eq!(
        of_period(t, "2019", "G1.level"),
        some(&[105.0, 110.0, 210.0, 200.0])
    );
    assert_eq!(
        of_period(t, "2019", "G1.prev_level"),
        some(&[100.0, 100.0, 200.0, 200.0])
    );
    assert_eq!(
        of_period(t, "2018", "G1.prev_level"),
        [None, None, None, None]
    );
    assert_eq!(
        of_period(t, "2019", "score"),
        some(&[72.0, 65.6, 66.0, 68.8])
    );
    assert_eq!(of_period(t, "2019", "rank"), some(&[1.0, 4.0, 3.0, 2.0]));
    assert_eq!(
        of_period(t, "2019", "group_rank"),
        some(&[1.0, 2.0, 2.0, 1.0])
    );

    // 2020: G1 against 2019 (not 2018): A 105 → 105 = 0% (100), B 110 → 110 = 0% (100),
    // C 210 → 220.5 = 5% (75), D 200 → 210 = 5% (75). Q1: A 45% (90), B 40% (80), C 32% (64),
    // D 30% (60). Totals: A 54 + 40 = 94, B 48 + 40 = 88, C 38.4 + 30 = 68.4, D 36 + 30 = 66.
    let g1: Vec<f64> = of_period(t, "2020", "G1").into_iter().flatten().collect();
    for (got, want) in g1.iter().zip([0.0, 0.0, 5.0, 5.0]) {
        assert!((got - want).abs() < 1e-9, "{g1:?}");
    }
    assert_eq!(
        of_period(t, "2020", "score"),
        some(&[94.0, 88.0, 68.4, 66.0])
    );
    assert_eq!(of_period(t, "2020", "rank"), some(&[1.0, 2.0, 3.0, 4.0]));
    assert_eq!(
        texts_of_period(t, "2020", "grade"),
        common::words("优 优 良 良")
    );
}

#[test]
fn the_most_improved_of_each_peer_group_is_awarded() {
    let run = panel("long.csv", Periods::All);
    let t = &run.table;
    // 2018 has no scored previous period: no change.
    assert_eq!(
        of_period(t, "2018", "improvement"),
        [None, None, None, None]
    );
    // 2019 − 2018: A 72 − 60 = +12, B 65.6 − 80 = −14.4, C 66 − 40 = +26, D 68.8 − 50 = +18.8.
    // 综合: A 1, B 2; 专科: C 1, D 2. Top 1 of each group: A and C.
    assert_eq!(
        of_period(t, "2019", "improvement"),
        some(&[12.0, -14.4, 26.0, 18.8])
    );
    assert_eq!(
        of_period(t, "2019", "improvement_rank"),
        some(&[1.0, 2.0, 1.0, 2.0])
    );
    assert_eq!(
        texts_of_period(t, "2019", "improvement_award"),
        common::words("进步较大 - 进步较大 -")
    );
    // 2020 − 2019: A 94 − 72 = +22, B 88 − 65.6 = +22.4, C 68.4 − 66 = +2.4, D 66 − 68.8 = −2.8.
    // 综合: B 1 (+22.4 beats A's +22); 专科: C 1. Awarded: B and C.
    assert_eq!(
        of_period(t, "2020", "improvement"),
        some(&[22.0, 22.4, 2.4, -2.8])
    );
    assert_eq!(
        of_period(t, "2020", "improvement_rank"),
        some(&[2.0, 1.0, 1.0, 2.0])
    );
    assert_eq!(
        texts_of_period(t, "2020", "improvement_award"),
        common::words("- 进步较大 进步较大 -")
    );
    let awards: Vec<(String, Vec<String>)> = run
        .awards
        .iter()
        .map(|a| {
            (
                a.period.clone(),
                a.awarded.iter().map(|(_, id, _, _)| id.clone()).collect(),
            )
        })
        .collect();
    // By group name (专科 before 综合 in code-point order), then change.
    assert_eq!(
        awards,
        [
            ("2019".into(), vec!["C".into(), "A".into()]),
            ("2020".into(), vec!["C".into(), "B".into()])
        ]
    );
}

#[test]
fn the_table_over_the_periods_has_each_year_side_by_side() {
    let run = panel("long.csv", Periods::All);
    let t = &run.trajectory;
    // In 2020's rank order: A, B, C, D.
    let ids: Vec<&str> = t
        .column("编码")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(ids, ["A", "B", "C", "D"]);
    assert_eq!(floats(t, "2018.score"), some(&[60.0, 80.0, 40.0, 50.0]));
    assert_eq!(floats(t, "2019.rank"), some(&[1.0, 4.0, 3.0, 2.0]));
    assert_eq!(floats(t, "2020.score"), some(&[94.0, 88.0, 68.4, 66.0]));
    assert_eq!(
        common::texts_by_id(t, "2020.improvement_award"),
        common::words("- 进步较大 进步较大 -")
    );
    let names: Vec<String> = t.get_column_names().iter().map(|n| n.to_string()).collect();
    assert_eq!(
        names[..7],
        [
            "编码",
            "名称",
            "类别",
            "2018.score",
            "2018.rank",
            "2018.grade",
            "2019.score"
        ]
    );
}

#[test]
fn a_table_with_a_period_column_gives_the_same_runs_as_the_long_table() {
    let long = panel("long.csv", Periods::All);
    let wide = panel("wide.csv", Periods::All);
    assert!(
        long.table.equals_missing(&wide.table),
        "{}\n{}",
        long.table,
        wide.table
    );
    assert!(long.trajectory.equals_missing(&wide.trajectory));
}

#[test]
fn chosen_periods_take_their_previous_period_from_the_file() {
    // Only 2020: its previous period is still 2019 (so G1 is there), but no change is ranked,
    // 2019 not being scored.
    let run = panel("long.csv", Periods::Only(vec!["2020年".into()]));
    assert_eq!(run.periods.len(), 1);
    assert_eq!(
        of_period(&run.table, "2020", "score"),
        some(&[94.0, 88.0, 68.4, 66.0])
    );
    assert_eq!(
        of_period(&run.table, "2020", "improvement"),
        [None, None, None, None]
    );
    assert!(
        run.notes[0].contains("period 2020 has no scored previous period"),
        "{:?}",
        run.notes
    );
    // 2019 and 2020: 2020's changes are the same as in the full run.
    let run = panel("long.csv", Periods::parse("2019, 2020").unwrap());
    assert_eq!(
        of_period(&run.table, "2020", "improvement"),
        some(&[22.0, 22.4, 2.4, -2.8])
    );
    // An unknown period is an error listing the file's.
    let err = score_panel(
        &plan(),
        &DataFile::from(fixture("long.csv")),
        &Periods::Only(vec!["2017".into()]),
        ScoreOptions::default(),
    )
    .err()
    .unwrap();
    assert!(
        err.to_string().contains("no period 2017")
            && format!("{err:?}").contains("2018, 2019, 2020"),
        "{err:?}"
    );
}

#[test]
fn the_first_period_says_why_its_growth_is_missing() {
    let run = panel("long.csv", Periods::All);
    let summary = run.periods[0].run.summary.to_string();
    assert!(
        summary.contains("period 2018 is the first of")
            && summary.contains("the indicators reading prev(…) (growth rates) are missing"),
        "{summary}"
    );
    assert!(!summary.contains("previous period:"), "{summary}");
    let later = run.periods[1].run.summary.to_string();
    assert!(later.contains("previous period: "), "{later}");
}

#[test]
fn score_periods_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("panel.csv");
    let o = jixiao(&[
        "score",
        "--scheme",
        "tests/fixtures/panel",
        "--data",
        "tests/fixtures/panel/long.csv",
        "--periods",
        "all",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("== period 2019 (previous period 2018) =="),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("2020 against 2019: 专科: C 丙医院 (+2.4); 综合: B 乙医院 (+22.4)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("wrote 12 rows (3 periods) to"),
        "{}",
        o.stdout
    );
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(
        written.starts_with("period,rank,group_rank,编码,"),
        "{written}"
    );
    assert_eq!(written.lines().count(), 13);
    // --periods and --period name periods two ways: refused by the flags.
    let o = jixiao(&[
        "score",
        "--scheme",
        "tests/fixtures/panel",
        "--data",
        "tests/fixtures/panel/long.csv",
        "--periods",
        "all",
        "--period",
        "2020",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    // A file of one period per file has no periods to run over.
    let o = jixiao(&[
        "score",
        "--scheme",
        "tests/fixtures/tiny",
        "--data",
        "tests/fixtures/tiny/current.csv",
        "--periods",
        "all",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("a run over several periods needs a file holding several"),
        "{}",
        o.stderr
    );
}

/// The real form, beside the repository or its worktree.
fn real_form() -> PathBuf {
    let name = "data/real-returns/secondary-hospital-2017-2020.csv";
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("shared").join(name))
        .find(|path| path.is_file())
        .expect("the shared real form: ../shared/data/real-returns")
}

#[test]
fn the_real_form_over_four_years_gives_each_year_as_scored_alone() {
    let form = real_form();
    let plan = Plan::compile(common::shipped_scheme("secondary-2020")).unwrap();
    let run = score_panel(
        &plan,
        &DataFile::from(form.clone()),
        &Periods::All,
        ScoreOptions::default(),
    )
    .unwrap();
    let periods: Vec<&str> = run.periods.iter().map(|p| p.period.as_str()).collect();
    assert_eq!(periods, ["2017", "2018", "2019", "2020"]);
    // 2020 against 2019 in the panel is the run of --period 2020 --prev-period 2019.
    let at = |period: &str| DataFile {
        layout: jixiao::source::layout::LayoutOptions {
            period: Some(period.into()),
            ..Default::default()
        },
        ..DataFile::from(form.clone())
    };
    let alone = jixiao::pipeline::score(&plan, &at("2020"), Some(&at("2019"))).unwrap();
    assert!(
        run.periods[3].run.table.equals_missing(&alone.table),
        "{}\n{}",
        run.periods[3].run.table,
        alone.table
    );
    // The levels behind S21_住院 (bed-day form, the first of its two growth rates): 2020's
    // 7397.49 元 as the form reports it, to its rounding.
    let level = common::floats(&alone.table, "S21_住院.level.1")[0].unwrap();
    assert!((level - 7397.49).abs() < 0.005, "{level}");
    // A lone hospital: rank 1 explained in every period's summary.
    for period in &run.periods {
        let summary = period.run.summary.to_string();
        assert!(
            summary.contains("warning: a lone institution: its rank 1"),
            "{summary}"
        );
    }
    // 2017 is the form's first year: its growth indicators are missing.
    assert_eq!(
        common::floats(&run.periods[0].run.table, "S21_门诊"),
        [None]
    );
}

/// The panel fixture's scheme with another `improvement:` line, in a folder of its own.
fn with_improvement(dir: &Path, improvement: &str) -> Result<Plan, jixiao::error::Error> {
    for name in ["indicators.rhai", "long.csv"] {
        std::fs::copy(fixture(name), dir.join(name)).unwrap();
    }
    let yaml = std::fs::read_to_string(fixture("scheme.yaml"))
        .unwrap()
        .replace(
            "improvement: {by: score, within: peer_group, top: 1}",
            improvement,
        );
    std::fs::write(dir.join("scheme.yaml"), yaml).unwrap();
    Plan::compile(Scheme::load(dir)?)
}

#[test]
fn places_gained_in_the_peer_group_with_a_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let plan = with_improvement(
        dir.path(),
        "improvement: {by: rank, within: peer_group, min_change: 1, label: 进步奖}",
    )
    .unwrap();
    let run = score_panel(
        &plan,
        &DataFile::from(dir.path().join("long.csv")),
        &Periods::All,
        ScoreOptions::default(),
    )
    .unwrap();
    let t = &run.table;
    // Group ranks 2018 → 2019: 综合 A 2 → 1 (+1), B 1 → 2 (−1); 专科 C 2 → 2 (0), D 1 → 1 (0).
    assert_eq!(
        of_period(t, "2019", "improvement"),
        some(&[1.0, -1.0, 0.0, 0.0])
    );
    // Ranked within groups, ties sharing: 综合 A 1, B 2; 专科 C 1, D 1.
    assert_eq!(
        of_period(t, "2019", "improvement_rank"),
        some(&[1.0, 2.0, 1.0, 1.0])
    );
    // At least one place gained: A only (C and D gained none).
    assert_eq!(
        texts_of_period(t, "2019", "improvement_award"),
        common::words("进步奖 - - -")
    );
    // 2019 → 2020: 综合 A 1 → 1, B 2 → 2; 专科 C 2 → 1 (+1), D 1 → 2 (−1): C.
    assert_eq!(
        of_period(t, "2020", "improvement"),
        some(&[0.0, 0.0, 1.0, -1.0])
    );
    assert_eq!(
        texts_of_period(t, "2020", "improvement_award"),
        common::words("- - 进步奖 -")
    );
}

#[test]
fn an_improvement_without_its_award_rule_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = with_improvement(dir.path(), "improvement: {by: score}")
        .err()
        .expect("no award rule");
    let text = err.to_string();
    assert!(text.contains("improvement: name the award rule"), "{text}");
    assert!(text.contains("scheme.yaml:13"), "{text}");
}
