//! Every grading method end to end on thirteen hospitals (tests/fixtures/grading), graded by hand.
//!
//! The one indicator scores its value as is, so the final score is the data's 得分:
//!
//! | peer group | hospitals (score) |
//! |---|---|
//! | 综合 | H01 92, H02 85, H03 85, H04 78, H05 70, H06 66, H07 55, H08 40 |
//! | 专科 | H09 88 but vetoed, H10 75, H11 60, H12 no data (unscored) |
//! | 中医 | H13 80, alone |
//!
//! Whatever the method, H09 (vetoed) gets the last band and H12 (unscored) no grade; the
//! distribution methods leave H09's 88 out. "Clean" below means the other eleven scores:
//! 92 85 85 78 70 66 55 40 75 60 80.

use std::path::Path;

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use polars::prelude::*;

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/grading")
}

/// The scheme with its `grades:` section replaced by `grades`.
fn scheme(grades: &str) -> Result<Scheme, jixiao::Error> {
    let dir = fixture();
    let text = std::fs::read_to_string(dir.join("scheme.yaml")).unwrap();
    let head = &text[..text.find("grades:").unwrap()];
    Scheme::from_text(&dir, &dir.join("scheme.yaml"), format!("{head}{grades}"))
}

/// Grades H01 … H13, in id order.
fn grades(grades: &str) -> Vec<Option<String>> {
    let plan = Plan::compile(scheme(grades).unwrap()).unwrap();
    let run = jixiao::pipeline::score(&plan, &fixture().join("current.csv").into(), None).unwrap();
    let sorted = run
        .table
        .sort(["编码"], SortMultipleOptions::default())
        .unwrap();
    sorted
        .column("grade")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|g| g.map(str::to_string))
        .collect()
}

/// Expected grades from a string of one letter per hospital, `-` for none.
fn expect(letters: &str) -> Vec<Option<String>> {
    letters
        .split_whitespace()
        .map(|g| (g != "-").then(|| g.to_string()))
        .collect()
}

const ABCD: &str = "  bands: [{grade: A, above_sd: 1}, {grade: B, above_sd: 0}, {grade: C, above_sd: -1}, {grade: D}]\n";

#[test]
fn the_fixture_scores_are_the_values() {
    let plan = Plan::compile(scheme("").unwrap()).unwrap();
    let run = jixiao::pipeline::score(&plan, &fixture().join("current.csv").into(), None).unwrap();
    let sorted = run
        .table
        .sort(["编码"], SortMultipleOptions::default())
        .unwrap();
    let scores: Vec<Option<f64>> = sorted
        .column("score")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect();
    let expected = [
        92.0, 85.0, 85.0, 78.0, 70.0, 66.0, 55.0, 40.0, 88.0, 75.0, 60.0, -1.0, 80.0,
    ]
    .map(|s| (s >= 0.0).then_some(s));
    assert_eq!(scores, expected);
}

#[test]
fn kmeans_exact_within_peer_groups() {
    // 综合, three clusters: {40, 55} {66, 70} {78, 85, 85, 92}, SSE 112.5 + 8 + 98 = 218.5
    // (the least of the 21 splits of the sorted scores into three runs; R's Hartigan–Wong finds
    // the same). 专科: two clean scores for three bands: the middle two bands from
    // ⌊(3 − 2)/2⌋ = 0: 75 → A, 60 → B. 中医: one score, the middle band B.
    let out = grades("grades:\n  by: kmeans\n  within: peer_group\n  bands: [{grade: A}, {grade: B}, {grade: C}]\n");
    assert_eq!(out, expect("A A A A B B C C C A B - B"));
    // Hartigan–Wong gives the same here (R stops on 专科 and 中医, which are clustered exactly).
    let out = grades("grades:\n  by: kmeans\n  within: peer_group\n  algorithm: hartigan_wong\n  bands: [{grade: A}, {grade: B}, {grade: C}]\n");
    assert_eq!(out, expect("A A A A B B C C C A B - B"));
}

#[test]
fn kmeans_over_everyone_exact_and_hartigan_wong_differ() {
    let five = "  bands: [{grade: '5'}, {grade: '4'}, {grade: '3'}, {grade: '2'}, {grade: '1'}]\n";
    // Exact: {40} {55, 60} {66, 70} {75, 78, 80} {85, 85, 92}, SSE 0 + 12.5 + 8 + 12.666667 +
    // 32.666667 = 65.833333.
    let out = grades(&format!("grades:\n  by: kmeans\n{five}"));
    assert_eq!(out, expect("5 5 5 4 3 3 2 1 1 4 2 - 4"));
    // R, kmeans on the clean scores in id order (92 85 85 78 70 66 55 40 75 60 80): P20 … P80 =
    // 60, 70, 78, 85; groups {55, 40, 60} {70, 66} {78, 75} {85, 85, 80} {92}; seeds 55, 68,
    // 76.5, 85, 92; both runs end at {40} {55, 60, 66} {70, 75, 78} {80, 85, 85} {92} (SSE 110,
    // a local optimum): 85 and 85 get 4 (exact: 5), 78 and 75 get 3 (exact: 4), 66 gets 2
    // (exact: 3).
    let out = grades(&format!(
        "grades:\n  by: kmeans\n  algorithm: hartigan_wong\n{five}"
    ));
    assert_eq!(out, expect("5 4 4 3 3 2 2 1 1 3 2 - 4"));
}

#[test]
fn mean_sd_over_everyone_and_within_peer_groups() {
    // Clean: mean 71.454545, SD 15.299436 → A ≥ 86.753981, B ≥ 71.454545, C ≥ 56.155110.
    let out = grades(&format!("grades:\n  by: mean_sd\n{ABCD}"));
    assert_eq!(out, expect("A B B B C C D D D B C - B"));
    // 综合: mean 71.375, SD 17.418689 → A ≥ 88.793689, C ≥ 53.956311. 专科 (75, 60): mean 67.5,
    // SD 10.606602 → 75 B, 60 C. 中医 alone: SD undefined, z = 0 → B.
    let out = grades(&format!(
        "grades:\n  by: mean_sd\n  within: peer_group\n{ABCD}"
    ));
    assert_eq!(out, expect("A B B B C C C D D B C - B"));
}

#[test]
fn rsr_probit_three_grades() {
    // Clean scores, n = 11: p = R̄/11, the top 1 − 1/44; Probit 40 → 3.664822 (< 4, 下), 85 ×2
    // (R̄ 9.5) → 6.096804 and 92 → 7.000424 (≥ 6, 上), the rest between (中). Fit
    // score = −5.965906 + 14.953803·Probit, RSR 临界值 53.849304 and 83.756910.
    let out =
        grades("grades:\n  by: rsr_probit\n  bands: [{grade: 上}, {grade: 中}, {grade: 下}]\n");
    assert_eq!(out, expect("上 上 上 中 中 中 中 下 下 中 中 - 中"));
}

#[test]
fn rank_share_rounding_in_small_peer_groups() {
    let bands =
        "  bands: [{grade: A, top: 0.1}, {grade: B, top: 0.4}, {grade: C, top: 0.8}, {grade: D}]\n";
    // Group ranks: 综合 1 2 2 4 5 6 7 8 (n = 8); 专科 H10 1, H11 2, H09 3 (vetoed last, n = 3);
    // 中医 H13 1 (n = 1).
    // floor: places 0.8 / 3.2 / 6.4; 0.3 / 1.2 / 2.4; 0.1 / 0.4 / 0.8 → the lone H13 gets D.
    let out = grades(&format!(
        "grades:\n  by: rank_share\n  within: peer_group\n{bands}"
    ));
    assert_eq!(out, expect("B B B C C C D D D B C - D"));
    // ceil: places 1 / 4 / 7; 1 / 2 / 3; 1 / 1 / 1 → H13 gets A.
    let out = grades(&format!(
        "grades:\n  by: rank_share\n  within: peer_group\n  rounding: ceil\n{bands}"
    ));
    assert_eq!(out, expect("A B B B C C C D D A B - A"));
}

#[test]
fn score_thresholds() {
    let out = grades("grades:\n  by: score\n  bands: [{grade: 优, min: 80}, {grade: 良, min: 60}, {grade: 差}]\n");
    assert_eq!(out, expect("优 优 优 良 良 良 差 差 差 良 良 - 优"));
}

#[test]
fn scheme_mistakes_are_reported() {
    let message = |grades: &str| match scheme(grades) {
        Ok(_) => panic!("accepted: {grades}"),
        Err(error) => error.to_string(),
    };
    assert!(message(
        "grades:\n  by: score\n  algorithm: exact\n  bands: [{grade: A, min: 1}, {grade: B}]\n"
    )
    .contains("`algorithm` is only for `by: kmeans`"));
    assert!(
        message("grades:\n  by: kmeans\n  bands: [{grade: A, min: 90}, {grade: B}]\n")
            .contains("take no bound")
    );
    assert!(
        message("grades:\n  by: mean_sd\n  bands: [{grade: A, above_sd: -1}, {grade: B, above_sd: 1}, {grade: C}]\n")
            .contains("out of order")
    );
    assert!(
        message("grades:\n  by: kmeans\n  algorithm: lloyd\n  bands: [{grade: A}]\n")
            .contains("lloyd")
    );
}
