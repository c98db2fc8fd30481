//! The CMS Overall Hospital Quality Star Rating end to end on CMS's own input of July 2025
//! (4,566 hospitals × 46 measures, `datasets/cms-2025jul/input.csv.gz`): load the shipped scheme,
//! compile it (scripts run once), read and decompress the data, standardise 46 measures, five
//! group means re-standardised, the weighted summary, eligibility, peer groups from a formula,
//! k-means stars per peer group (and, for 2026, the safety penalty), the output table and the run
//! summary — what `jixiao score --scheme cms-stars-2025` does before printing. Goal: ≤ 0.5 s.
//!
//! Run: `cargo bench --bench cms -- --warm-up-time 1 --measurement-time 3`; figures in
//! BENCHMARKS.md.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use jixiao::pipeline;
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::source::DataFile;

fn run(scheme: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scheme = Scheme::load(&root.join("scoring").join(scheme)).unwrap();
    let plan = Plan::compile(scheme).unwrap();
    let data = DataFile::from(root.join("datasets/cms-2025jul/input.csv.gz"));
    let run = pipeline::score(&plan, &data, None).unwrap();
    run.table.height()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("cms");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for scheme in ["cms-stars-2025", "cms-stars-2026"] {
        assert_eq!(run(scheme), 4566);
        group.bench_function(format!("end_to_end/{scheme}"), |b| {
            b.iter(|| black_box(run(black_box(scheme))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
