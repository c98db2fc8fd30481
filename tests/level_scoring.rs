//! Scoring at every level of the weight tree (`normalise:` on a dimension or sub-dimension), on
//! the five hospitals of tests/fixtures/level-scoring, by hand.
//!
//! Indicator scores are the values (A1, A2 out of 100; B1 × 10). Dimension A's mean (A1, A2
//! present): H1 15, H2 30, H3 30 (A1 only), H4 60, H5 75; B: 30, 50, 70, —, 90. H4 reports no B1
//! and is not rated (`eligible:`). Weights A 60, B 40, renormalised over the dimensions present.
//!
//! * `min_max, over: eligible`: statistics over H1, H2, H3, H5 (min 15, max 75, range 60):
//!   A = 0, 25, 25, 75, 100 — H4 normalised against the rated ones; total = 0.6 A + 0.4 B =
//!   12, 35, 43, 75 (A alone), 96.
//! * `z_score` (T score, mean 50, sd 10), over all: m̄ = 42, s = √607.5 = 24.6475151;
//!   A = 39.0455488, 45.1313550, 45.1313550, 57.3029674, 63.3887736; total = 35.4273293,
//!   47.0788130, 55.0788130, 57.3029674, 74.0332642.

use std::path::{Path, PathBuf};

use jixiao::pipeline::{self, ScoreOptions};
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;

mod common;
use common::floats;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/level-scoring")
}

fn scheme_text() -> String {
    std::fs::read_to_string(fixture().join("scheme.yaml")).unwrap()
}

fn scheme(text: &str) -> Result<Scheme, jixiao::Error> {
    let dir = fixture();
    Scheme::from_text(&dir, &dir.join("scheme.yaml"), text.to_string())
}

/// The scored frame (rows in id order H1…H5).
fn scored(text: &str) -> polars::prelude::DataFrame {
    let plan = Plan::compile(scheme(text).unwrap()).unwrap();
    let data = jixiao::source::DataFile::from(fixture().join("current.csv"));
    let options = ScoreOptions {
        contributions: false,
        keep_scored: true,
    };
    pipeline::score_with(&plan, &data, None, options)
        .unwrap()
        .scored
        .unwrap()
}

fn close(actual: &[Option<f64>], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(expected) {
        let a = a.unwrap_or(f64::NAN);
        assert!((a - e).abs() < 1e-6, "{actual:?} vs {expected:?}");
    }
}

#[test]
fn min_max_over_the_rated_institutions() {
    let frame = scored(&scheme_text());
    close(&floats(&frame, "A.score"), &[0.0, 25.0, 25.0, 75.0, 100.0]);
    close(&floats(&frame, "__mean.A"), &[15.0, 30.0, 30.0, 60.0, 75.0]);
    close(&floats(&frame, "weighted"), &[12.0, 35.0, 43.0, 75.0, 96.0]);
    // H4 keeps its scores but is not ranked.
    let ranks = floats(&frame, "rank");
    assert_eq!(ranks, [Some(4.0), Some(3.0), Some(2.0), None, Some(1.0)]);
}

#[test]
fn z_score_over_all_institutions() {
    let text = scheme_text().replace(
        "normalise: {method: min_max, over: eligible}",
        "normalise: {method: z_score}",
    );
    let frame = scored(&text);
    close(
        &floats(&frame, "A.score"),
        &[39.0455488, 45.1313550, 45.1313550, 57.3029674, 63.3887736],
    );
    close(
        &floats(&frame, "weighted"),
        &[35.4273293, 47.0788130, 55.0788130, 57.3029674, 74.0332642],
    );
}

#[test]
fn a_sub_dimension_is_normalised_at_its_own_level() {
    // A's only sub-dimension A_sub is min-max normalised over all five (min 15, max 75; H4's 60
    // lies inside): A_sub = 0, 25, 25, 75, 100 and A, its weighted mean, the same.
    let text = scheme_text()
        .replace(
            "  - {id: A, weight: 60, normalise: {method: min_max, over: eligible}}",
            "  - {id: A, weight: 60, subdimensions: [{id: A_sub, weight: 1, normalise: {method: min_max}}]}",
        )
        .replace("dimension: A,", "dimension: A, subdimension: A_sub,");
    let frame = scored(&text);
    close(
        &floats(&frame, "A_sub.score"),
        &[0.0, 25.0, 25.0, 75.0, 100.0],
    );
    close(&floats(&frame, "A.score"), &[0.0, 25.0, 25.0, 75.0, 100.0]);
    close(&floats(&frame, "weighted"), &[12.0, 35.0, 43.0, 75.0, 96.0]);
}

#[test]
fn mistakes_are_located_in_scheme_yaml() {
    // `over: eligible` without `eligible:`.
    let text = scheme_text().replace("eligible: {when: 可评级, reason: 未报告B1}\n", "");
    let error = scheme(&text).map(|_| ()).unwrap_err().to_string();
    assert!(error.contains("no `eligible:`"), "{error}");
    assert!(error.contains("scheme.yaml:8:"), "{error}");
    // An SD that is not positive.
    let text = scheme_text().replace(
        "normalise: {method: min_max, over: eligible}",
        "normalise: {method: z_score, sd: 0}",
    );
    let error = scheme(&text).map(|_| ()).unwrap_err().to_string();
    assert!(
        error.contains("z_score sd must be a positive number"),
        "{error}"
    );
    assert!(error.contains("scheme.yaml:9:"), "{error}");
    // An unknown method, with the methods there are.
    let text = scheme_text().replace("method: min_max", "method: rank");
    let error = scheme(&text).map(|_| ()).unwrap_err().to_string();
    assert!(
        error.contains("z_score") && error.contains("min_max"),
        "{error}"
    );
    assert!(error.contains("scheme.yaml:9"), "{error}");
    // z-scores under a geometric mean.
    let text = scheme_text().replace(
        "normalise: {method: min_max, over: eligible}",
        "normalise: {method: z_score}",
    ) + "aggregation: {mean: geometric}\n";
    let error = scheme(&text).map(|_| ()).unwrap_err().to_string();
    assert!(error.contains("geometric or harmonic"), "{error}");
}

#[test]
fn contributions_are_refused_naming_the_normalised_node() {
    let plan = Plan::compile(scheme(&scheme_text()).unwrap()).unwrap();
    let data = jixiao::source::DataFile::from(fixture().join("current.csv"));
    // Contributions for everyone (`score --contributions`) are refused by the run itself …
    let error = pipeline::score_with(&plan, &data, None, ScoreOptions::CONTRIBUTIONS_KEPT)
        .map(|_| ())
        .unwrap_err();
    // … and an explanation, which computes the explained institution's own, by `explain`.
    let run = pipeline::score_with(&plan, &data, None, ScoreOptions::EXPLAIN).unwrap();
    let explained = jixiao::explain::explain(&plan, &run, &jixiao::explain::Selection::Rank(1))
        .map(|_| ())
        .unwrap_err();
    for error in [error, explained] {
        assert_eq!(error.exit_code(), 1);
        let message = error.to_string();
        assert!(message.contains("\"A\" is normalised"), "{message}");
        assert!(message.contains("scheme.yaml:9"), "{message}");
    }
}

#[test]
fn check_names_the_rules_beyond_the_tree() {
    let plan = Plan::compile(scheme(&scheme_text()).unwrap()).unwrap();
    let text = jixiao::check::check(&plan, None, None).unwrap().text;
    assert!(
        text.contains("  normalised level: A = its weighted mean normalised by min_max (0–100), statistics over the rated institutions (eligible:)\n"),
        "{text}"
    );
    assert!(
        text.contains("  eligible: rated where `可评级` holds; the others keep their scores, get no rank or grade and are flagged \"not rated: 未报告B1\"\n"),
        "{text}"
    );
}
