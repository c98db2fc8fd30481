//! Alternative scoring methods in `jixiao sensitivity` on 40,000 institutions of
//! `scoring/tertiary-2020`, side by side in one run:
//!
//! * `draw/weights` against `draw/methods`: one lean draw with only the weights varied, and one
//!   with every weighted indicator's method drawn among four (percentile_rank, min_max, z_score,
//!   rank) as well — what swapping cached score columns into the score matrix adds per draw;
//! * `alternatives/once` against `indicators/once`: computing every alternative's score column
//!   (once per analysis) and the indicator stage itself, what re-running it per draw would cost.
//!
//! Data are generated (src/synthetic) and written once outside the timing. Run:
//! `cargo bench --bench sensitivity_methods -- --warm-up-time 1 --measurement-time 3 --sample-size 10`.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use jixiao::pipeline;
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::sensitivity::methods::{Alternative, Alternatives};
use jixiao::sensitivity::{self, Design, Model, Uncertainty};
use jixiao::source::DataFile;
use jixiao::synthetic::SampleKind;
use polars::prelude::*;

const INSTITUTIONS: usize = 40_000;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let source = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scoring/tertiary-2020");
    for entry in std::fs::read_dir(&source).unwrap() {
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
    let plan = Plan::compile(Scheme::load(dir.path()).unwrap()).unwrap();
    let prev = DataFile::from(dir.path().join("previous.csv"));
    let loaded = pipeline::load_for(
        &plan,
        &DataFile::from(dir.path().join("current.csv")),
        Some(&prev),
    )
    .unwrap();
    let scores = pipeline::score_indicators(&plan, loaded.frame.clone()).unwrap();
    let model = Model::new(&plan, &scores).unwrap();
    assert_eq!(model.path, sensitivity::Path::Lean);
    let weights_only = Uncertainty {
        weight_noise: Some(0.25),
        ..Uncertainty::default()
    };
    let with_methods = Uncertainty {
        methods: BTreeMap::from([(
            "all".to_string(),
            ["percentile_rank", "min_max", "z_score", "rank"]
                .iter()
                .map(|m| Alternative::Named(m.to_string()))
                .collect(),
        )]),
        ..weights_only.clone()
    };
    let plain = Design::new(&plan.scheme, &scores.weights, &weights_only).unwrap();
    let design = Design::new(&plan.scheme, &scores.weights, &with_methods).unwrap();
    let u = |k: usize| -> Vec<f64> { (0..k).map(|i| (i as f64 * 0.37 + 0.1) % 1.0).collect() };
    let plain_draw = plain.draw(&u(plain.factors.len()));
    let draw = design.draw(&u(design.factors.len()));
    let cache = Alternatives::new(&plan, &scores, &design.factors).unwrap();
    eprintln!(
        "{} indicators' methods vary, {} score columns cached",
        draw.methods.len(),
        cache.cached.len()
    );

    let mut group = c.benchmark_group(format!("sensitivity-methods/tertiary-2020/{INSTITUTIONS}"));
    group.sample_size(10);
    group.bench_function("draw/weights", |b| {
        b.iter(|| black_box(model.lean(&plain_draw).unwrap()))
    });
    group.bench_function("draw/methods", |b| {
        b.iter(|| {
            let swap = cache.swap(&draw.methods).unwrap();
            black_box(model.lean_swapped(&draw, &swap).unwrap())
        })
    });
    group.bench_function("alternatives/once", |b| {
        b.iter(|| black_box(Alternatives::new(&plan, &scores, &design.factors).unwrap()))
    });
    group.bench_function("indicators/once", |b| {
        b.iter(|| black_box(pipeline::score_indicators(&plan, loaded.frame.clone()).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
