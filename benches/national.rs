//! The shipped national schemes on generated institutions: how the cost of a run grows with the
//! scheme (tertiary-core's 27 indicators against tertiary-2020's 56 with their parts, secondary's
//! 28, primary care's 42 plus the work-points assessment) and with the number of institutions.
//!
//! * `<scheme>/query`: the compiled plan's polars query on prepared data (what `jixiao score` runs
//!   after loading);
//! * `<scheme>/compile`: loading `scheme.yaml` and running its scripts (the cost of an edit).
//!
//! Run: `cargo bench --bench national`; ratios are recorded in BENCHMARKS.md.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::synthetic::SampleKind;
use polars::prelude::*;

fn scheme_dir(kind: SampleKind) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scoring")
        .join(kind.name())
}

fn plan(kind: SampleKind) -> Plan {
    Plan::compile(Scheme::load(&scheme_dir(kind)).unwrap()).unwrap()
}

fn prepared(plan: &Plan, kind: SampleKind, n: usize) -> DataFrame {
    let sample = kind.generate(n, 42);
    jixiao::pipeline::prepare_for(
        plan,
        sample.current,
        Path::new("current"),
        Some((sample.previous, Path::new("previous"))),
    )
    .unwrap()
    .frame
}

fn bench(c: &mut Criterion) {
    for kind in SampleKind::ALL {
        let plan = plan(kind);
        let mut group = c.benchmark_group(kind.name());
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(6))
            .warm_up_time(Duration::from_secs(1));
        group.bench_function("compile", |b| b.iter(|| black_box(self::plan(kind))));
        for n in [10_000usize, 100_000] {
            let frame = prepared(&plan, kind, n);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new("query", n), &frame, |b, frame| {
                b.iter(|| {
                    black_box(
                        jixiao::pipeline::scoring_query(&plan, frame.clone())
                            .collect()
                            .unwrap(),
                    )
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
