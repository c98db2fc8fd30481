//! The evaluator's commands on 40,000 institutions of `scoring/tertiary-2020` (56 indicators with
//! their parts), each as a ratio to one plain `score` run measured side by side:
//!
//! * `score`: the scoring stages and the output table on loaded data (`pipeline::score_loaded`);
//! * `explain`: the same run with the scored frame kept (`ScoreOptions::EXPLAIN`), then one
//!   institution explained, its contributions computed for it alone (goal ≤ 1.2× `score`);
//! * `diff`: two such runs (this period and a baseline generated with another seed, same
//!   institutions) and their comparison, the movers' points computed for them alone (goal ≤ 2.2×
//!   `score`).
//!
//! Data are generated and loaded outside the timing; each iteration starts from a copy of the
//! loaded frame. Run: `cargo bench --bench evaluator`; ratios are recorded in BENCHMARKS.md.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use jixiao::diff::{self, Side};
use jixiao::explain::{self, Selection};
use jixiao::load::LoadedData;
use jixiao::pipeline::{self, ScoreOptions};
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::synthetic::SampleKind;

const INSTITUTIONS: usize = 40_000;

fn plan() -> Plan {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scoring/tertiary-2020");
    Plan::compile(Scheme::load(&dir).unwrap()).unwrap()
}

fn loaded(plan: &Plan, seed: u64) -> LoadedData {
    let sample = SampleKind::Tertiary2020.generate(INSTITUTIONS, seed);
    pipeline::prepare_for(
        plan,
        sample.current,
        Path::new("current"),
        Some((sample.previous, Path::new("previous"))),
    )
    .unwrap()
}

/// A copy of loaded data (the frame's columns are shared, not copied).
fn copy(data: &LoadedData) -> LoadedData {
    LoadedData {
        frame: data.frame.clone(),
        data_file: data.data_file.clone(),
        previous_file: data.previous_file.clone(),
        origin: data.origin.clone(),
        previous_origin: data.previous_origin.clone(),
        summary: data.summary.clone(),
        report: data.report.clone(),
    }
}

const WITH_POINTS: ScoreOptions = ScoreOptions {
    contributions: true,
    keep_scored: false,
};

fn bench(c: &mut Criterion) {
    let plan = plan();
    let this = loaded(&plan, 42);
    let against = loaded(&plan, 43);
    // Set-up checks: the baseline holds the same institutions and the diff finds movers.
    {
        let a = pipeline::score_loaded_with(&plan, copy(&this), WITH_POINTS).unwrap();
        let b = pipeline::score_loaded_with(&plan, copy(&against), WITH_POINTS).unwrap();
        let d = diff::diff(
            &Side::new("this", &plan, a.table),
            &Side::new("against", &plan, b.table),
            5,
        )
        .unwrap();
        assert_eq!(d.compared, INSTITUTIONS);
        assert!(!d.movers_up.is_empty() && d.drivers_note.is_none());
    }
    let mut group = c.benchmark_group(format!("tertiary-2020/{INSTITUTIONS}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("score", |b| {
        b.iter(|| black_box(pipeline::score_loaded(&plan, copy(&this)).unwrap()))
    });
    group.bench_function("explain", |b| {
        b.iter(|| {
            let run =
                pipeline::score_loaded_with(&plan, copy(&this), ScoreOptions::EXPLAIN).unwrap();
            black_box(explain::explain(&plan, &run, &Selection::Rank(1)).unwrap())
        })
    });
    group.bench_function("diff", |b| {
        b.iter(|| {
            let a = pipeline::score_loaded_with(&plan, copy(&this), ScoreOptions::EXPLAIN).unwrap();
            let b =
                pipeline::score_loaded_with(&plan, copy(&against), ScoreOptions::EXPLAIN).unwrap();
            let (a, b) = (
                Side::from_run("this", &plan, a),
                Side::from_run("against", &plan, b),
            );
            black_box(diff::diff(&a, &b, 5).unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
