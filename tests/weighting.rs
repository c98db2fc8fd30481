//! Weights set by a method (`weighting:`) and totals by a decision-matrix method
//! (`aggregation.total`), end to end on methods.md's 5 × 4 matrix X.
//!
//! Each indicator's score is its value (a custom identity scoring), so the total is Σ w·x and the
//! weights are those of the decision-matrix methods on X:
//! `[[250,16,12,5],[200,16,8,3],[300,32,16,4],[275,32,8,4],[225,16,16,2]]`, all benefit.

use std::path::Path;

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use jixiao::script::ScriptSet;
use polars::prelude::*;

fn run(weighting: &str) -> jixiao::pipeline::ScoreRun {
    run_with(&format!("weighting: {weighting}\n"))
}

fn run_with(extra: &str) -> jixiao::pipeline::ScoreRun {
    run_on(extra, false)
}

/// The run on X, with peer groups p, q, p, q, p (column g) when `grouped`.
fn run_on(extra: &str, grouped: bool) -> jixiao::pipeline::ScoreRun {
    let columns = if grouped {
        "{id: id, peer_group: g}"
    } else {
        "{id: id}"
    };
    let text = format!(
        "name: t\nversion: '1'\ncolumns: {columns}\nscore_decimals: 6\ndimensions: [{{id: D, weight: 1}}]\n\
default_scoring: {{method: custom, function: same}}\nindicators:\n\
  - {{id: x1, name: x1, dimension: D, direction: up, weight: 1}}\n\
  - {{id: x2, name: x2, dimension: D, direction: up, weight: 1}}\n\
  - {{id: x3, name: x3, dimension: D, direction: up, weight: 1}}\n\
  - {{id: x4, name: x4, dimension: D, direction: up, weight: 1}}\n\
{extra}"
    );
    let dir = std::env::temp_dir();
    let scheme = Scheme::from_text(&dir, &dir.join("scheme.yaml"), text).unwrap();
    let script = "fn same(v) { v }\nfn cv_weight(stats) { stats.cv }\n\
let x1 = col(\"c1\"); let x2 = col(\"c2\"); let x3 = col(\"c3\"); let x4 = col(\"c4\");";
    let scripts =
        ScriptSet::from_sources(&scheme, vec![("indicators.rhai".into(), script.into())]).unwrap();
    let plan = Plan::with_scripts(scheme, scripts).unwrap();
    let frame = df!(
        "id" => ["a1", "a2", "a3", "a4", "a5"],
        "c1" => [250.0, 200.0, 300.0, 275.0, 225.0],
        "c2" => [16.0, 16.0, 32.0, 32.0, 16.0],
        "c3" => [12.0, 8.0, 16.0, 8.0, 16.0],
        "c4" => [5.0, 3.0, 4.0, 4.0, 2.0],
        "g" => ["p", "q", "p", "q", "p"],
    )
    .unwrap();
    let loaded = jixiao::pipeline::prepare_for(&plan, frame, Path::new("x.csv"), None).unwrap();
    jixiao::pipeline::score_loaded(&plan, loaded).unwrap()
}

fn weights(run: &jixiao::pipeline::ScoreRun) -> Vec<f64> {
    run.summary
        .effective_weights
        .iter()
        .map(|(_, _, w)| *w)
        .collect()
}

fn score_of(run: &jixiao::pipeline::ScoreRun, id: &str) -> f64 {
    let t = &run.table;
    let row = t
        .column("id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .position(|v| v == Some(id))
        .unwrap();
    t.column("score").unwrap().f64().unwrap().get(row).unwrap()
}

fn close(actual: &[f64], expected: &[f64]) {
    for (a, e) in actual.iter().zip(expected) {
        assert!((a - e).abs() < 1e-6, "{actual:?} vs {expected:?}");
    }
}

#[test]
fn critic_weights_come_from_the_scores() {
    // methods.md §1.3: CRITIC w = [0.130180, 0.259027, 0.378476, 0.232317].
    let run = run("{method: critic}");
    close(&weights(&run), &[0.130180, 0.259027, 0.378476, 0.232317]);
    // a1: 250·0.130180 + 16·0.259027 + 12·0.378476 + 5·0.232317 = 42.392729 (the published
    // weights are rounded to 6 decimals: up to 250 × 5e-7 off).
    assert!((score_of(&run, "a1") - 42.392729).abs() < 5e-4);
    assert!(run
        .summary
        .to_string()
        .contains("D 100.00%: x1 13.02%, x2 25.90%, x3 37.85%, x4 23.23%"));
}

#[test]
fn a_rhai_formula_weighs_by_score_statistics() {
    // weight ∝ coefficient of variation (sample SD / mean): c1 39.528471/250 = 0.158114,
    // c2 8.763561/22.4 = 0.391230, c3 4/12 = 0.333333, c4 1.140175/3.6 = 0.316715;
    // shares 0.131828, 0.326190, 0.277918, 0.264063; a1 = 42.831444.
    let run = run("{method: formula, function: cv_weight}");
    close(&weights(&run), &[0.131828, 0.326190, 0.277918, 0.264063]);
    assert!((score_of(&run, "a1") - 42.831444).abs() < 1e-5);
}

#[test]
fn equal_weights_ignore_the_written_ones() {
    let run = run("{method: equal}");
    close(&weights(&run), &[0.25; 4]);
    // a1 = (250 + 16 + 12 + 5) / 4 = 70.75
    assert!((score_of(&run, "a1") - 70.75).abs() < 1e-9);
}

#[test]
fn data_driven_weights_sum_to_one_and_are_non_negative() {
    for method in ["entropy", "critic", "std"] {
        let run = run(&format!("{{method: {method}}}"));
        let w = weights(&run);
        assert!(w.iter().all(|w| *w >= 0.0), "{method}: {w:?}");
        assert!(
            (w.iter().sum::<f64>() - 1.0).abs() < 1e-12,
            "{method}: {w:?}"
        );
    }
}

#[test]
fn topsis_total_over_the_weighted_indicators() {
    // Written weights 1:1:1:1 → 0.25 each; vector-normalised TOPSIS on X, all benefit:
    // closeness × 100 = 53.427686, 18.958029, 81.041971, 56.542760, 37.254441.
    let run = run_with("aggregation: {total: {method: topsis}}\n");
    let scores: Vec<f64> = ["a1", "a2", "a3", "a4", "a5"]
        .iter()
        .map(|id| score_of(&run, id))
        .collect();
    close(
        &scores,
        &[53.427686, 18.958029, 81.041971, 56.54276, 37.254441],
    );
}

#[test]
fn wrsr_total_over_the_weighted_indicators() {
    // Integer ranks, ties averaged: c1 3, 1, 5, 4, 2; c2 2, 2, 4.5, 4.5, 2; c3 3, 1.5, 4.5, 1.5, 4.5;
    // c4 5, 2, 3.5, 3.5, 1. WRSR = 0.25 · Σ R / 5: a1 13 → 65, a2 6.5 → 32.5, a3 17.5 → 87.5,
    // a4 13.5 → 67.5, a5 9.5 → 47.5.
    let run = run_with("aggregation: {total: {method: wrsr}}\n");
    let scores: Vec<f64> = ["a1", "a2", "a3", "a4", "a5"]
        .iter()
        .map(|id| score_of(&run, id))
        .collect();
    close(&scores, &[65.0, 32.5, 87.5, 67.5, 47.5]);
}

#[test]
fn vikor_total_over_the_weighted_indicators() {
    // Weights 0.25, all benefit: t = w (best − x)/(best − worst);
    // S = 0.5, 0.916667, 0.083333, 0.395833, 0.6875 → scaled 0.5, 1, 0, 0.375, 0.725;
    // R = 0.25, 0.25, 0.083333, 0.25, 0.25 → scaled 1, 1, 0, 1, 1;
    // Q = (S' + R')/2 = 0.75, 1, 0, 0.6875, 0.8625 → (1 − Q) × 100 = 25, 0, 100, 31.25, 13.75.
    let run = run_with("aggregation: {total: {method: vikor, v: 0.5}}\n");
    let scores: Vec<f64> = ["a1", "a2", "a3", "a4", "a5"]
        .iter()
        .map(|id| score_of(&run, id))
        .collect();
    close(&scores, &[25.0, 0.0, 100.0, 31.25, 13.75]);
}

#[test]
fn badly_set_methods_are_refused_when_the_scheme_is_read() {
    let text = |extra: &str| {
        format!(
            "name: t\nversion: '1'\ncolumns: {{id: id}}\ndimensions: [{{id: D, weight: 1}}]\n\
indicators:\n  - {{id: x1, name: x1, dimension: D, direction: up, weight: 1}}\n{extra}"
        )
    };
    let dir = std::env::temp_dir();
    let read = |extra: &str| {
        Scheme::from_text(&dir, &dir.join("scheme.yaml"), text(extra))
            .and_then(|scheme| {
                let scripts = ScriptSet::from_sources(
                    &scheme,
                    vec![("indicators.rhai".into(), "let x1 = col(\"c1\");".into())],
                )?;
                Plan::with_scripts(scheme, scripts).map(|_| ())
            })
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let err = read("aggregation: {total: {method: vikor, v: 1.5}}\n");
    assert!(
        err.contains("VIKOR's v must be between 0 and 1, not 1.5"),
        "{err}"
    );
    let err = read("weighting: {method: ahp, ahp_method: eigen, matrices: {D: [[1]]}}\n");
    assert!(
        err.contains(
            "weighting.ahp_method \"eigen\" is not one of eigenvector, geometric, column-mean"
        ),
        "{err}"
    );
}

#[test]
fn vikor_total_shows_its_compromise_in_the_summary() {
    // Q (see above) = 0.75, 1, 0, 0.6875, 0.8625: a1st = a3 (0), a2nd = a4 (0.6875);
    // advantage 0.6875 ≥ DQ = 1/(5 − 1) = 0.25: C1 met; a3 has the best S (0.083333): C2 met;
    // so the compromise set is a3 alone.
    use jixiao::aggregate::TotalDiagnostics;
    let run = run_with("aggregation: {total: {method: vikor, v: 0.5}}\n");
    let [TotalDiagnostics::Vikor {
        group: None,
        n: 5,
        compromise,
        set,
    }] = run.summary.total_diagnostics.as_slice()
    else {
        panic!("{:?}", run.summary.total_diagnostics);
    };
    close(
        &[compromise.advantage.unwrap(), compromise.dq.unwrap()],
        &[0.6875, 0.25],
    );
    assert!(compromise.c1 && compromise.c2);
    assert_eq!(set, &["a3"]);
    insta::assert_snapshot!("vikor_total_summary", run.summary.to_string());
}

#[test]
fn wrsr_total_shows_its_probit_table_and_fit_in_the_summary() {
    // WRSR 0.65, 0.325, 0.875, 0.675, 0.475, all distinct: p = .2, .4, .6, .8, 1 − 1/20 →
    // Probit 4.158379 … 6.644854; OLS over the 5: WRSR = −0.536685 + 0.213303·Probit,
    // R² = 0.964419 (worked in Python's statistics.NormalDist and the OLS formulas).
    use jixiao::aggregate::TotalDiagnostics;
    let run = run_with("aggregation: {total: {method: wrsr}}\n");
    let [TotalDiagnostics::Wrsr {
        group: None,
        n: 5,
        distinct: 5,
        probits,
        fit: Some(fit),
    }] = run.summary.total_diagnostics.as_slice()
    else {
        panic!("{:?}", run.summary.total_diagnostics);
    };
    close(&[probits.0, probits.1], &[4.158379, 6.644854]);
    close(
        &[fit.a, fit.b, fit.r_squared.unwrap()],
        &[-0.536685, 0.213303, 0.964419],
    );
    insta::assert_snapshot!("wrsr_total_summary", run.summary.to_string());
}

#[test]
fn wrsr_total_within_peer_groups_has_a_fit_per_group() {
    // Group p = a1, a3, a5: ranks among three, ΣR = 7.5, 10.5, 6 → WRSR = ΣR/12 = 0.625, 0.875,
    // 0.5; p = 1/3, 2/3, 1 − 1/12 → Probit 4.569273 … 6.382994; WRSR = −0.467768 +
    // 0.207734·Probit, R² 0.974231. Group q = a2, a4: c3 tied; ΣR = 4.5, 7.5 → 0.5625, 0.9375;
    // Probit 5 and 6.150349 (p = 1/2, 1 − 1/8): two points, an exact line −1.067440 +
    // 0.325988·Probit, R² 1.
    use jixiao::aggregate::TotalDiagnostics;
    let run = run_on(
        "aggregation: {total: {method: wrsr, within: peer_group}}\n",
        true,
    );
    let expected = [
        (
            "p",
            3,
            (4.569273, 6.382994),
            [-0.467768, 0.207734, 0.974231],
        ),
        ("q", 2, (5.0, 6.150349), [-1.067440, 0.325988, 1.0]),
    ];
    assert_eq!(run.summary.total_diagnostics.len(), 2);
    for (diagnostics, (name, size, range, line)) in
        run.summary.total_diagnostics.iter().zip(expected)
    {
        let TotalDiagnostics::Wrsr {
            group: Some(group),
            n,
            distinct,
            probits,
            fit: Some(fit),
        } = diagnostics
        else {
            panic!("{diagnostics:?}");
        };
        assert_eq!((group.as_str(), *n, *distinct), (name, size, size));
        close(&[probits.0, probits.1], &[range.0, range.1]);
        close(&[fit.a, fit.b, fit.r_squared.unwrap()], &line);
    }
    insta::assert_snapshot!("wrsr_total_summary_by_peer_group", run.summary.to_string());
}

#[test]
fn vikor_total_within_peer_groups_has_a_compromise_per_group() {
    // Group q = a2, a4 (a4 better on c1, c2, c4, tied on c3): S = 0.75, 0 → Q 1 and 0; DQ =
    // 1/(2 − 1) = 1 and the advantage is 1: C1 met (≥ DQ), C2 met: {a4}.
    use jixiao::aggregate::TotalDiagnostics;
    let run = run_on(
        "aggregation: {total: {method: vikor, within: peer_group}}\n",
        true,
    );
    let TotalDiagnostics::Vikor {
        group: Some(group),
        n: 2,
        compromise,
        set,
    } = &run.summary.total_diagnostics[1]
    else {
        panic!("{:?}", run.summary.total_diagnostics);
    };
    assert_eq!(group, "q");
    close(
        &[compromise.advantage.unwrap(), compromise.dq.unwrap()],
        &[1.0, 1.0],
    );
    assert_eq!(set, &["a4"]);
    insta::assert_snapshot!("vikor_total_summary_by_peer_group", run.summary.to_string());
}
