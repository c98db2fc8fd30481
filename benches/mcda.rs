//! Decision-matrix methods on 1 000 000 alternatives × 20 criteria (5 of them cost criteria),
//! generated deterministically; data are built once, outside the timing.
//!
//! * `topsis`: the TOPSIS stages (vector normalisation, v = w·r, D⁺, D⁻, closeness) with given
//!   weights — the method itself;
//! * `entropy_weights`: entropy weights after min-max (`weights::compute`);
//! * `rsr`: integer ranks (ties averaged) of every criterion, RSR, probits and 3 grades;
//! * `run_topsis_entropy`: `matrix::run` end to end as `jixiao mcda` does after reading the file —
//!   data checks, entropy weights, TOPSIS, ranks, output in rank order.
//!
//! Run: `cargo bench --bench mcda`; figures are recorded in BENCHMARKS.md.

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jixiao::matrix::{self, McdaSpec, Method};
use jixiao::mcda::entropy::EntropyInput;
use jixiao::mcda::rsr::{self, RankKind};
use jixiao::mcda::topsis::{self, TopsisOptions};
use jixiao::mcda::weights::{self, Weighting};
use jixiao::mcda::Criterion as Crit;
use polars::prelude::*;

const ROWS: usize = 1_000_000;
const CRITERIA: usize = 20;

fn criteria() -> Vec<Crit> {
    (0..CRITERIA)
        .map(|j| {
            let name = format!("c{j:02}");
            if j < 5 {
                Crit::cost(name)
            } else {
                Crit::benefit(name)
            }
        })
        .collect()
}

/// xorshift64* values in [0, 1).
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn dataset() -> &'static DataFrame {
    static DATA: OnceLock<DataFrame> = OnceLock::new();
    DATA.get_or_init(|| {
        let mut stream = Stream(0x9E37_79B9_7F4A_7C15);
        let mut columns = vec![Column::new(
            "id".into(),
            (0..ROWS).map(|i| format!("H{i:07}")).collect::<Vec<_>>(),
        )];
        for j in 0..CRITERIA {
            // Positive values on different scales, rounded to 2 decimals so that ties occur.
            let scale = 10f64.powi((j % 5) as i32);
            let values: Vec<f64> = (0..ROWS)
                .map(|_| ((1.0 + 99.0 * stream.next()) * scale * 100.0).round() / 100.0)
                .collect();
            columns.push(Column::new(format!("c{j:02}").into(), values));
        }
        DataFrame::new(ROWS, columns).unwrap()
    })
}

fn collect(frame: &DataFrame, stages: Vec<Vec<Expr>>) -> DataFrame {
    let mut lf = frame.clone().lazy();
    for stage in stages {
        lf = lf.with_columns(stage);
    }
    lf.collect().unwrap()
}

fn bench(c: &mut Criterion) {
    let frame = dataset();
    let criteria = criteria();
    let mut group = c.benchmark_group("mcda_1m_x_20");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(12))
        .warm_up_time(Duration::from_secs(2))
        .throughput(Throughput::Elements(ROWS as u64));

    let entropy = Weighting::Entropy(EntropyInput::MinMax);
    let w = weights::compute(frame, &criteria, &entropy).unwrap().values;
    let w: Vec<Expr> = w.into_iter().map(lit).collect();

    group.bench_function("topsis", |b| {
        b.iter(|| {
            let stages = topsis::stages(&criteria, &w, TopsisOptions::default(), None);
            black_box(collect(frame, stages))
        })
    });
    group.bench_function("entropy_weights", |b| {
        b.iter(|| black_box(weights::compute(frame, &criteria, &entropy).unwrap()))
    });
    group.bench_function("rsr", |b| {
        b.iter(|| {
            let stages = rsr::stages(
                &criteria,
                None,
                RankKind::Integer,
                3,
                None,
                ["rsr", "probit", "grade"],
            );
            black_box(collect(frame, stages))
        })
    });
    let mut spec = McdaSpec::new("id", criteria.clone(), Method::Topsis);
    spec.weighting = entropy.clone();
    group.bench_function("run_topsis_entropy", |b| {
        b.iter(|| black_box(matrix::run(&spec, frame.clone()).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
