//! `jixiao sensitivity` and `jixiao watch` on 40,000 institutions of `scoring/tertiary-2020`.
//!
//! * `draw/lean` against `draw/rescore`: one weight draw on the lean path (cached score matrix,
//!   native aggregation, ranks and grades) and the same draw by the pipeline's stages 5–7 re-run
//!   on the cached indicator scores — the ratio is what the lean path saves per draw;
//! * `analyse/100-draws` and `analyse/1000-draws`: a whole analysis of 100 or 1,000 weight
//!   draws (±25% noise) on every core; the goal is 1,000 draws in ≤ 10 s on 2 cores;
//! * `watch/weight-edit`, `watch/comment-edit` and `watch/formula-edit`: from writing
//!   scheme.yaml (a sub-dimension weight toggled) or the script (a comment toggled: no formula
//!   changed; or a formula toggled: the indicators recomputed) to the updated result with its
//!   diff received from the watch loop; goals p50 ≤ 50 ms for a weight edit and ≤ 300 ms for a
//!   formula edit. Criterion reports the mean; the median of the same samples is printed too.
//!
//! Data are generated (src/synthetic) and written once outside the timing. Run:
//! `cargo bench --bench sensitivity -- --warm-up-time 1 --measurement-time 3 --sample-size 10`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use jixiao::pipeline::{self, IndicatorScores};
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::sensitivity::{self, Design, Model, Options, Uncertainty};
use jixiao::source::DataFile;
use jixiao::synthetic::SampleKind;
use jixiao::watch::{self, Redone, Session, Update, Watched};
use polars::prelude::*;

const INSTITUTIONS: usize = 40_000;

fn scheme_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scoring/tertiary-2020")
}

/// The scheme folder copied and the 40,000 institutions written beside it as CSV.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(scheme_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let mut sample = SampleKind::Tertiary2020.generate(INSTITUTIONS, 42);
    for (name, frame) in [
        ("current.csv", &mut sample.current),
        ("previous.csv", &mut sample.previous),
    ] {
        let mut file = std::fs::File::create(dir.path().join(name)).unwrap();
        CsvWriter::new(&mut file).finish(frame).unwrap();
    }
    dir
}

fn cached(dir: &Path) -> (Plan, IndicatorScores) {
    let plan = Plan::compile(Scheme::load(dir).unwrap()).unwrap();
    let prev = DataFile::from(dir.join("previous.csv"));
    let loaded =
        pipeline::load_for(&plan, &DataFile::from(dir.join("current.csv")), Some(&prev)).unwrap();
    let scores = pipeline::score_indicators(&plan, loaded.frame).unwrap();
    (plan, scores)
}

fn noise() -> Uncertainty {
    Uncertainty {
        weight_noise: Some(0.25),
        ..Uncertainty::default()
    }
}

/// Toggles `from` ↔ `to` in `path` and waits for the watch loop's next update, which must have
/// redone `redone`.
fn edit_and_wait(
    path: &Path,
    (from, to, redone): (&str, &str, Redone),
    flip: bool,
    received: &mpsc::Receiver<Option<Redone>>,
) -> Duration {
    let text = std::fs::read_to_string(path).unwrap();
    let edited = if flip {
        text.replacen(from, to, 1)
    } else {
        text.replacen(to, from, 1)
    };
    assert_ne!(text, edited);
    let start = Instant::now();
    std::fs::write(path, edited).unwrap();
    let got = received.recv_timeout(Duration::from_secs(60)).unwrap();
    let took = start.elapsed();
    assert_eq!(got, Some(redone), "the edit scores, redoing only this");
    took
}

fn bench(c: &mut Criterion) {
    let work = workspace();
    let dir = work.path().to_path_buf();
    let (plan, scores) = cached(&dir);
    let model = Model::new(&plan, &scores).unwrap();
    assert_eq!(model.path, sensitivity::Path::Lean);
    let design = Design::new(&plan.scheme, &scores.weights, &noise()).unwrap();
    let u: Vec<f64> = (0..design.factors.len())
        .map(|i| (i as f64 * 0.37) % 1.0)
        .collect();
    let draw = design.draw(&u);
    // Equal draws on both paths are proved in tests/sensitivity.rs.

    let mut group = c.benchmark_group(format!("sensitivity/tertiary-2020/{INSTITUTIONS}"));
    group.sample_size(10);
    group.bench_function("draw/lean", |b| {
        b.iter(|| black_box(model.lean(&draw).unwrap()))
    });
    group.bench_function("draw/rescore", |b| {
        b.iter(|| black_box(model.rescore(&draw).unwrap()))
    });
    let options = Options {
        draws: 100,
        seed: 1,
        ..Options::default()
    };
    group.bench_function("analyse/100-draws", |b| {
        b.iter(|| {
            black_box(sensitivity::analyse(&plan, &scores, &noise(), &options, &|_, _| {}).unwrap())
        })
    });
    let thousand = Options {
        draws: 1000,
        ..options
    };
    group.bench_function("analyse/1000-draws", |b| {
        b.iter(|| {
            black_box(
                sensitivity::analyse(&plan, &scores, &noise(), &thousand, &|_, _| {}).unwrap(),
            )
        })
    });

    // The watch loop on the same files.
    let (updates, received) = mpsc::channel();
    let (stop, stopped) = mpsc::channel::<()>();
    let watched_dir = dir.clone();
    let watcher = std::thread::spawn(move || {
        let mut session = Session::new(Watched {
            scheme_dir: watched_dir.clone(),
            data: DataFile::from(watched_dir.join("current.csv")),
            previous: Some(DataFile::from(watched_dir.join("previous.csv"))),
            movers: 5,
        });
        watch::watch(&mut session, &stopped, &mut |update| {
            let _ = updates.send(match update {
                Update::Scored { redone, .. } | Update::Changed { redone, .. } => Some(redone),
                Update::Failed(_) => None,
            });
        })
        .unwrap();
    });
    assert_eq!(
        received.recv_timeout(Duration::from_secs(120)).unwrap(),
        Some(Redone::Data),
        "first run"
    );
    let yaml = dir.join("scheme.yaml");
    let script = dir.join("indicators.rhai");
    for (name, path, edit) in [
        (
            "watch/weight-edit",
            &yaml,
            (
                "{id: 功能定位, weight: 25}",
                "{id: 功能定位, weight: 26}",
                Redone::Scores,
            ),
        ),
        (
            "watch/comment-edit",
            &script,
            ("\n", "\n// edited\n", Redone::Scores),
        ),
        (
            "watch/formula-edit",
            &script,
            (
                "col(\"住院下转患者人次数\");",
                "col(\"住院下转患者人次数\") * 1;",
                Redone::Indicators,
            ),
        ),
    ] {
        let mut samples = Vec::new();
        let mut flip = true;
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let took = edit_and_wait(path, edit, flip, &received);
                    flip = !flip;
                    samples.push(took);
                    total += took;
                }
                total
            })
        });
        samples.sort();
        if !samples.is_empty() {
            println!(
                "{name}: p50 {:?} over {} edits",
                samples[samples.len() / 2],
                samples.len()
            );
        }
    }
    group.finish();
    drop(stop);
    watcher.join().unwrap();
}

criterion_group!(benches, bench);
criterion_main!(benches);
