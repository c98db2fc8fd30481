//! `jixiao watch` at the library level: a session on a copy of the four-institution fixture
//! scores once, then a saved weight change brings the new ranking (equal to a fresh
//! `pipeline::score` of the edited scheme) and its diff with the indicator scores kept, a saved
//! formula change recomputes the indicators with the data kept, a broken scheme gives its error
//! and the watching goes on.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use jixiao::diff::{self, Diff, Side};
use jixiao::pipeline::{self, ScoreOptions};
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::source::DataFile;
use jixiao::watch::{self, Redone, Session, Update, Watched};

enum Got {
    Scored(Redone),
    Changed(Redone, Box<Diff>),
    Failed(String),
}

fn copy_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny");
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn next(received: &mpsc::Receiver<Got>) -> Got {
    received
        .recv_timeout(Duration::from_secs(20))
        .expect("an update within 20 s of the save")
}

fn fresh_ranks(dir: &Path) -> Vec<(String, Option<f64>)> {
    let plan = Plan::compile(Scheme::load(dir).unwrap()).unwrap();
    let prev = DataFile::from(dir.join("previous.csv"));
    let run =
        pipeline::score(&plan, &DataFile::from(dir.join("current.csv")), Some(&prev)).unwrap();
    let ids = run.table.column("编码").unwrap().str().unwrap().clone();
    let ranks = run
        .table
        .column("rank")
        .unwrap()
        .cast(&polars::prelude::DataType::Float64)
        .unwrap();
    ids.iter()
        .zip(ranks.f64().unwrap().iter())
        .map(|(id, r)| (id.unwrap().to_string(), r))
        .collect()
}

#[test]
fn a_saved_weight_change_brings_the_new_ranking_and_its_diff() {
    let dir = copy_fixture();
    let path = dir.path().to_path_buf();
    let (updates, received) = mpsc::channel();
    let (stop, stopped) = mpsc::channel::<()>();
    let watcher = std::thread::spawn(move || {
        let mut session = Session::new(Watched {
            scheme_dir: path.clone(),
            data: DataFile::from(path.join("current.csv")),
            previous: Some(DataFile::from(path.join("previous.csv"))),
            movers: 5,
        });
        watch::watch(&mut session, &stopped, &mut |update| {
            let got = match update {
                Update::Scored { redone, .. } => Got::Scored(redone),
                Update::Changed { redone, diff, .. } => Got::Changed(redone, diff),
                Update::Failed(error) => Got::Failed(error.to_string()),
            };
            updates.send(got).unwrap();
        })
        .unwrap();
    });
    let Got::Scored(Redone::Data) = next(&received) else {
        panic!("the first run reads the data");
    };
    let before = fresh_ranks(dir.path());

    // Weights 60/40 → 99/1: quality decides, and A (质量 41.67, 效率 0) passes D (质量 37.5 only).
    let yaml_path = dir.path().join("scheme.yaml");
    let yaml = std::fs::read_to_string(&yaml_path).unwrap();
    let edited = yaml
        .replace("{id: 质量, weight: 60}", "{id: 质量, weight: 99}")
        .replace("{id: 效率, weight: 40}", "{id: 效率, weight: 1}");
    assert_ne!(yaml, edited);
    std::fs::write(&yaml_path, &edited).unwrap();
    let Got::Changed(redone, diff) = next(&received) else {
        panic!("a diff after the weight change");
    };
    assert_eq!(redone, Redone::Scores, "indicator scores kept");
    let after = fresh_ranks(dir.path());
    assert_ne!(before, after, "the edit changes the ranking");
    assert_eq!(diff.compared, 4);
    for (id, rank) in &after {
        let row = diff.rows.iter().find(|r| *r.id == **id).unwrap();
        assert_eq!(
            row.rank, *rank,
            "{id}: the watched run ranks as a fresh run"
        );
        let was = before.iter().find(|(b, _)| b == id).unwrap().1;
        assert_eq!(row.against_rank, was, "{id}: against the previous run");
    }

    // A formula change: the indicators again, the data kept.
    let script = dir.path().join("indicators.rhai");
    let text = std::fs::read_to_string(&script).unwrap();
    std::fs::write(
        &script,
        text.replace("col(\"手术人数\")", "col(\"手术人数\") * 2"),
    )
    .unwrap();
    let Got::Changed(redone, _) = next(&received) else {
        panic!("a diff after the formula change");
    };
    assert_eq!(redone, Redone::Indicators);

    // A broken scheme: its error, and the watching goes on.
    std::fs::write(&yaml_path, edited.replace("dimensions:", "dimensions: [")).unwrap();
    let Got::Failed(message) = next(&received) else {
        panic!("the error of the broken scheme");
    };
    assert!(message.contains("scheme.yaml"), "{message}");
    std::fs::write(&yaml_path, &yaml).unwrap();
    let Got::Changed(redone, diff) = next(&received) else {
        panic!("a diff once fixed");
    };
    assert_eq!(redone, Redone::Scores);
    assert_eq!(diff.compared, 4);

    drop(stop);
    watcher.join().unwrap();
}

fn copy_scheme(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("scoring")
        .join(name);
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

/// The scheme in `dir` scored by the whole pipeline with contributions: the side a diff of two
/// full runs compares, labelled as the watch loop labels this run.
fn full_side(dir: &Path, data: &DataFile, prev: &DataFile) -> Side {
    labelled(dir, data, prev, "this save")
}

/// The same run as the baseline of the next save.
fn previous(side: Side) -> Side {
    let mut side = side;
    side.label = "the previous run".to_string();
    side
}

fn labelled(dir: &Path, data: &DataFile, prev: &DataFile, label: &str) -> Side {
    let plan = Plan::compile(Scheme::load(dir).unwrap()).unwrap();
    let options = ScoreOptions {
        contributions: true,
        keep_scored: false,
    };
    let run = pipeline::score_with(&plan, data, Some(prev), options).unwrap();
    Side::new(label, &plan, run.table)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let edited = text.replacen(from, to, 1);
    assert_ne!(text, edited, "{from}");
    std::fs::write(path, edited).unwrap();
}

#[test]
fn edits_after_the_first_run_go_the_light_way_and_diff_as_two_full_runs() {
    let dir = copy_scheme("tertiary-core");
    let datasets = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("datasets/tertiary-core");
    let data = DataFile::from(datasets.join("current.csv"));
    let prev = DataFile::from(datasets.join("previous.csv"));
    let (updates, received) = mpsc::channel();
    let (stop, stopped) = mpsc::channel::<()>();
    let watched = Watched {
        scheme_dir: dir.path().to_path_buf(),
        data: data.clone(),
        previous: Some(prev.clone()),
        movers: 5,
    };
    let watcher = std::thread::spawn(move || {
        let mut session = Session::new(watched);
        watch::watch(&mut session, &stopped, &mut |update| {
            let got = match update {
                Update::Scored { redone, .. } => Got::Scored(redone),
                Update::Changed { redone, diff, .. } => Got::Changed(redone, diff),
                Update::Failed(error) => Got::Failed(error.to_string()),
            };
            updates.send(got).unwrap();
        })
        .unwrap();
    });
    let Got::Scored(Redone::Data) = next(&received) else {
        panic!("the first run reads the data");
    };
    let first = full_side(dir.path(), &data, &prev);

    // A weight: the lean path's ranks, scores, grades and movers' points, as two full runs.
    edit(
        &dir.path().join("scheme.yaml"),
        "{id: 功能定位, weight: 30}",
        "{id: 功能定位, weight: 60}",
    );
    let Got::Changed(Redone::Scores, got) = next(&received) else {
        panic!("a diff after the weight change, indicator scores kept");
    };
    let weighted = full_side(dir.path(), &data, &prev);
    let expected = diff::diff(&weighted, &previous(first), 5).unwrap();
    assert_eq!(*got, expected);
    assert_eq!(
        (got.this.as_str(), got.against.as_str()),
        ("this save", "the previous run")
    );
    assert!(expected.mean_rank_change.unwrap() > 0.0);
    assert!(!expected.movers_up.is_empty());
    assert!(expected.movers_up.iter().all(|m| !m.indicators.is_empty()));
    assert!(expected.transitions.len() > 1);

    // A comment in the imported module: the formulas are the same, nothing is recomputed.
    let module = dir.path().join("common.rhai");
    edit(&module, "// Shared", "// A note.\n// Shared");
    let Got::Changed(Redone::Scores, got) = next(&received) else {
        panic!("a comment changes no formula");
    };
    assert_eq!(got.mean_rank_change, Some(0.0));

    // Another weight, light against light (the score matrix and the institutions kept from the
    // first light run): still as two full runs.
    edit(
        &dir.path().join("scheme.yaml"),
        "{id: 功能定位, weight: 60}",
        "{id: 功能定位, weight: 5}",
    );
    let Got::Changed(Redone::Scores, got) = next(&received) else {
        panic!("a diff after the second weight change, indicator scores kept");
    };
    let reweighted = full_side(dir.path(), &data, &prev);
    let expected = diff::diff(&reweighted, &previous(weighted), 5).unwrap();
    assert_eq!(*got, expected);
    assert!(expected.mean_rank_change.unwrap() > 0.0);
    assert!(expected
        .movers_down
        .iter()
        .all(|m| !m.indicators.is_empty()));

    // A formula of the imported module: the indicators again (the data kept), as a full run.
    edit(
        &module,
        "revenue_wan * 10000 / visits",
        "revenue_wan * 10000 / visits / visits",
    );
    let Got::Changed(Redone::Indicators, got) = next(&received) else {
        panic!("an imported formula recomputes the indicators");
    };
    let expected = diff::diff(
        &full_side(dir.path(), &data, &prev),
        &previous(reweighted),
        5,
    )
    .unwrap();
    assert_eq!(*got, expected);
    assert!(expected.mean_rank_change.unwrap() > 0.0);

    drop(stop);
    watcher.join().unwrap();
}
