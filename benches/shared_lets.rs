//! Formulas computed once (issue 11): a scheme whose 20 indicators share 5 `let` intermediates,
//! against the same scheme with the intermediates written out (inlined) in every indicator.
//! Shared intermediates are computed once, as columns of a stage before the indicators; the
//! target is that the shared scheme runs within 1.2× of the inlined one.
//!
//! Run: `cargo bench --bench shared_lets`; the ratio is recorded in BENCHMARKS.md.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::script::ScriptSet;
use polars::prelude::*;

const ROWS: usize = 100_000;

fn intermediate(k: usize) -> String {
    let (a, b, c) = (k % 5 + 1, (k + 1) % 5 + 1, (k + 2) % 5 + 1);
    format!("(ratio(col(\"x{a}\"), col(\"x{b}\") + 1) * 100 + ln(col(\"x{c}\") + 1))")
}

/// Indicator i reads intermediates i mod 5 and (i + 1) mod 5.
fn script(shared: bool) -> String {
    let mut text = String::new();
    if shared {
        for k in 0..5 {
            text += &format!("let s{k} = {};\n", intermediate(k));
        }
    }
    for i in 0..20 {
        let (p, q) = (i % 5, (i + 1) % 5);
        let (p, q) = if shared {
            (format!("s{p}"), format!("s{q}"))
        } else {
            (intermediate(p), intermediate(q))
        };
        text += &format!("let T{i} = {p} * {} + {q};\n", i + 1);
    }
    text
}

fn plan(shared: bool) -> Plan {
    let mut yaml = String::from(
        "name: b\nversion: '1'\ncolumns: {id: id}\ndimensions: [{id: D, weight: 1}]\nindicators:\n",
    );
    for i in 0..20 {
        yaml += &format!("  - {{id: T{i}, name: t{i}, dimension: D, direction: up, weight: 1}}\n");
    }
    let dir = std::env::temp_dir();
    let scheme = Scheme::from_text(&dir, &dir.join("scheme.yaml"), yaml).unwrap();
    let scripts =
        ScriptSet::from_sources(&scheme, vec![("indicators.rhai".into(), script(shared))]).unwrap();
    Plan::with_scripts(scheme, scripts).unwrap()
}

fn frame() -> DataFrame {
    let ids: Vec<String> = (0..ROWS).map(|i| format!("H{i:06}")).collect();
    let column = |seed: usize| -> Vec<f64> {
        (0..ROWS)
            .map(|i| ((i * 7919 + seed * 104_729) % 10_007) as f64 + 1.0)
            .collect()
    };
    df!(
        "id" => ids,
        "x1" => column(1), "x2" => column(2), "x3" => column(3), "x4" => column(4), "x5" => column(5),
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("shared_lets");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let data = frame();
    let mut scores = Vec::new();
    for (name, shared) in [("inlined", false), ("shared", true)] {
        let plan = plan(shared);
        let loaded =
            jixiao::pipeline::prepare_for(&plan, data.clone(), Path::new("data"), None).unwrap();
        let run = jixiao::pipeline::score_loaded(&plan, loaded).unwrap();
        scores.push(run.table.column("score").unwrap().clone());
        let prepared = jixiao::pipeline::prepare_for(&plan, data.clone(), Path::new("data"), None)
            .unwrap()
            .frame;
        group.bench_function(name, |b| {
            b.iter(|| {
                jixiao::pipeline::scoring_query(&plan, black_box(prepared.clone()))
                    .collect()
                    .unwrap()
            })
        });
    }
    assert_eq!(scores[0], scores[1], "both schemes give the same scores");
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
