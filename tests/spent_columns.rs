//! A plain run drops the loaded columns that only the indicator formulas read once the indicator
//! values are computed (`pipeline::spent_columns`), so that a national run does not carry its raw
//! data to the end. What it may drop is checked by hand on the tiny fixture, and on every shipped
//! scheme and the fixtures with rules, points, grade adjustments, eligibility and data flags the
//! run that drops them gives the same table and summary as a run that keeps the whole scored
//! frame (`keep_scored`, which drops nothing).

use std::path::{Path, PathBuf};

use jixiao::pipeline::{self, ScoreOptions};
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use polars::prelude::*;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn plan(dir: &Path) -> Plan {
    Plan::compile(Scheme::load(dir).unwrap()).unwrap()
}

/// The scheme's own dataset, loaded.
fn loaded(plan: &Plan) -> jixiao::load::LoadedData {
    let scheme = &plan.scheme;
    let dataset = scheme.spec.dataset.as_ref().expect("a dataset");
    let current: PathBuf = scheme.dataset_file(&dataset.current).unwrap();
    let previous = dataset
        .previous
        .as_ref()
        .map(|p| scheme.dataset_file(p).unwrap());
    pipeline::load_for(plan, &current.into(), previous.map(Into::into).as_ref()).unwrap()
}

fn names(columns: &[PlSmallStr]) -> Vec<&str> {
    let mut names: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
    names.sort();
    names
}

#[test]
fn the_columns_only_formulas_read_are_spent_and_a_rules_column_is_kept() {
    // tiny: Q1 = pct(手术人数, 出院人数), Q2 = pct(死亡人数, 病例数), E1 reads 费用 and
    // prev(费用), M1 = 门诊人次 / 出院人数, and the veto 重大事故 = 事故数 > 0, a rule read after
    // the scores: 事故数 stays, with the id, name and peer group (编码, 名称, 类别) and jixiao's
    // own columns (`__row`, `__peer_group`, …).
    let plan = plan(&root().join("tests/fixtures/tiny"));
    let loaded = loaded(&plan);
    let columns = loaded.frame.get_column_names_owned();
    let spent = pipeline::spent_columns(&plan, ScoreOptions::default(), &columns);
    assert_eq!(
        names(&spent),
        [
            "出院人数",
            "手术人数",
            "死亡人数",
            "病例数",
            "费用",
            "费用@prev",
            "门诊人次"
        ]
    );
    let kept: Vec<PlSmallStr> = columns
        .iter()
        .filter(|c| !spent.contains(c))
        .cloned()
        .collect();
    assert!(names(&kept).contains(&"事故数"), "{kept:?}");
    for structural in ["编码", "名称", "类别"] {
        assert!(
            names(&kept).contains(&structural),
            "{structural} in {kept:?}"
        );
    }
    // `explain` reads an institution's data from the kept frame: nothing is spent then.
    let explain = ScoreOptions {
        keep_scored: true,
        ..Default::default()
    };
    assert!(pipeline::spent_columns(&plan, explain, &columns).is_empty());
}

#[test]
fn dropping_spent_columns_changes_no_table_and_no_summary() {
    let schemes = [
        "scoring/tertiary-core",
        "scoring/tertiary-2020",
        "scoring/secondary-2020",
        "scoring/primary-care",
        "scoring/cms-stars-2026",
        "tests/fixtures/tiny",
        "tests/fixtures/features",
        "tests/fixtures/zh-messages",
        "tests/fixtures/grade-adjust",
        "tests/fixtures/level-scoring",
    ];
    for scheme in schemes {
        let plan = plan(&root().join(scheme));
        let columns = loaded(&plan).frame.get_column_names_owned();
        let spent = pipeline::spent_columns(&plan, ScoreOptions::default(), &columns);
        let plain = pipeline::score_loaded(&plan, loaded(&plan)).unwrap();
        let keep = ScoreOptions {
            keep_scored: true,
            ..Default::default()
        };
        let kept = pipeline::score_loaded_with(&plan, loaded(&plan), keep).unwrap();
        assert!(
            plain.table.equals_missing(&kept.table),
            "{scheme}: the tables differ"
        );
        assert_eq!(
            plain.summary.to_string(),
            kept.summary.to_string(),
            "{scheme}"
        );
        // The kept frame still holds every loaded column; the plain run did without the spent.
        let scored = kept.scored.expect("kept");
        assert!(
            spent.iter().all(|c| scored.schema().contains(c)),
            "{scheme}"
        );
        if scheme.starts_with("scoring/tertiary") {
            assert!(!spent.is_empty(), "{scheme}: formulas' columns are spent");
        }
    }
}
