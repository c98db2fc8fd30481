//! Grading by 1-D k-means (`by: kmeans`, `jixiao::grade::kmeans`), five clusters as in the CMS
//! star rating, on generated scores (normal, mean 70, SD 10):
//!
//! * `exact/distinct`: unrounded scores, all distinct — the divide-and-conquer programme's worst
//!   case (m = n);
//! * `exact/two_decimals`: the same scores rounded to two decimals, as `score_decimals: 2`
//!   publishes them (about 7 000 distinct values however many institutions);
//! * `hartigan_wong`: the CMS procedure (quantile-group seeds, R's `kmeans` twice) on the same
//!   two-decimal scores, for comparison;
//! * `grade_expr`: the whole `grades:` step through polars (the UDF per group, band names) on
//!   two-decimal scores in three peer groups.
//!
//! 38 000 is about the number of hospitals in China; 1 000 000 about the number of primary
//! institutions. Run: `cargo bench --bench grading`; figures are in BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use jixiao::grade::{hartigan_wong, kmeans};
use jixiao::scheme::{GradeBand, GradeBy, GradeSpec, KmeansAlgorithm, Within};
use polars::prelude::*;

const K: usize = 5;

/// n normal(70, 10) scores from a fixed linear congruential generator (Box–Muller).
fn scores(n: usize) -> Vec<f64> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let (u, v) = (uniform(), uniform());
            70.0 + 10.0 * (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        })
        .collect()
}

fn two_decimals(values: &[f64]) -> Vec<f64> {
    values.iter().map(|x| (x * 100.0).round() / 100.0).collect()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("kmeans");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    for n in [38_000, 1_000_000] {
        let distinct = scores(n);
        let rounded = two_decimals(&distinct);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("exact/distinct", n), &distinct, |b, x| {
            b.iter(|| black_box(kmeans::exact(black_box(x), K)))
        });
        group.bench_with_input(
            BenchmarkId::new("exact/two_decimals", n),
            &rounded,
            |b, x| b.iter(|| black_box(kmeans::exact(black_box(x), K))),
        );
        group.bench_with_input(BenchmarkId::new("hartigan_wong", n), &rounded, |b, x| {
            b.iter(|| black_box(hartigan_wong::cms(black_box(x), K)))
        });
        let groups: Vec<&str> = (0..n).map(|i| ["综合", "专科", "中医"][i % 3]).collect();
        let frame = df!(
            jixiao::columns::SCORE_COLUMN => &rounded,
            jixiao::columns::VETOED_COLUMN => vec![false; n],
            jixiao::columns::PEER_GROUP_COLUMN => groups
        )
        .unwrap();
        let spec = GradeSpec {
            by: GradeBy::Kmeans,
            within: Within::PeerGroup,
            algorithm: Some(KmeansAlgorithm::Exact),
            rounding: None,
            bands: (1..=K)
                .rev()
                .map(|stars| GradeBand {
                    grade: "★".repeat(stars),
                    min: None,
                    top: None,
                    above_sd: None,
                })
                .collect(),
        };
        let grade = jixiao::grade::grade_expr(&spec);
        group.bench_with_input(BenchmarkId::new("grade_expr", n), &frame, |b, frame| {
            b.iter(|| {
                black_box(
                    frame
                        .clone()
                        .lazy()
                        .select([grade.clone()])
                        .collect()
                        .unwrap(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
