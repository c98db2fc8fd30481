//! `jixiao explain`: a hand-computed explanation on a four-institution fixture (one institution's
//! weight renormalised), the sums that must hold for every institution of the default scheme,
//! the 100-column text, and snapshots of the command on the default scheme.

use std::path::{Path, PathBuf};

use jixiao::explain::{self, Explanation, GradeDistance, Selection};
use jixiao::pipeline;
use jixiao::plan::Plan;
use jixiao::report::explain::{render, ExplainFormat, TEXT_WIDTH};
use jixiao::scheme::Scheme;
use unicode_width::UnicodeWidthStr;

mod common;
use common::{jixiao, transcript};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn explain_in(
    scheme: &Path,
    data: &Path,
    prev: Option<&Path>,
    selection: Selection,
) -> Vec<Explanation> {
    let plan = Plan::compile(Scheme::load(scheme).unwrap()).unwrap();
    let prev = prev.map(jixiao::source::DataFile::from);
    let run = pipeline::score_with(
        &plan,
        &data.into(),
        prev.as_ref(),
        pipeline::ScoreOptions::EXPLAIN,
    )
    .unwrap();
    explain::explain(&plan, &run, &selection).unwrap()
}

fn fixture(selection: Selection) -> Vec<Explanation> {
    let dir = root().join("tests/fixtures/explain");
    explain_in(&dir, &dir.join("current.csv"), None, selection)
}

fn near(actual: Option<f64>, expected: f64, what: &str) {
    let actual = actual.unwrap_or_else(|| panic!("{what}: missing"));
    assert!(
        (actual - expected).abs() < 1e-9,
        "{what}: {actual} vs {expected}"
    );
}

#[test]
fn renormalised_institution_explained_by_hand() {
    // Y: a = 60, b missing, c = 90, bonus 10 capped at 5. Weights: 质量 0.6 (a 1/4, b 3/4), 效率 0.4.
    // b is missing, so a carries all of 质量: own weights a 0.6, b 0, c 0.4.
    // weighted = 0.6·60 + 0.4·90 = 72; score = 72 + 5 = 77: 良 (≥ 60), 3 points short of 优 (80).
    let e = &fixture(Selection::Ids(vec!["Y".into()]))[0];
    assert_eq!((e.id.as_str(), e.name.as_deref()), ("Y", Some("某乙医院")));
    near(e.weighted, 72.0, "weighted");
    near(e.score, 77.0, "score");
    near(Some(e.bonus), 5.0, "bonus");
    // W 91, Y 77, Z 54.5, X 50.
    assert_eq!(
        (e.rank, e.group_rank, e.ranked, e.group_size),
        (Some(2.0), Some(2.0), 4, 4)
    );
    assert_eq!(e.grade.as_deref(), Some("良"));
    match &e.next_grade {
        Some(GradeDistance::Points { grade, points }) => {
            assert_eq!(grade, "优");
            near(Some(*points), 3.0, "to 优");
        }
        other => panic!("{other:?}"),
    }
    near(
        e.coverage,
        0.55,
        "coverage: a 0.15 + c 0.4 of the written weight",
    );
    let node = |id: &str| e.nodes.iter().find(|n| n.id == id).unwrap();
    let ids: Vec<&str> = e.nodes.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["质量", "a", "b", "效率", "c"]);
    // a: values 80, 60, 100, 40 → median 70; best score 100 (Z, value 100).
    let a = node("a");
    near(a.value, 60.0, "a value");
    near(a.group_median_value, 70.0, "a median");
    near(a.group_best_value, 100.0, "a best");
    near(a.score, 60.0, "a score");
    near(Some(a.written_weight), 0.15, "a written weight");
    near(Some(a.own_weight), 0.6, "a own weight");
    near(Some(a.points), 36.0, "a points = 0.6 × 60");
    near(Some(a.lost_vs_full), 24.0, "a lost = 0.6 × 100 − 36");
    near(
        Some(a.lost_vs_best),
        24.0,
        "a lost vs best = 0.6 × 100 − 36",
    );
    assert_eq!(a.unit.as_deref(), Some("%"));
    // b: missing; median of 40, 70, 100 = 70; its weight went to a.
    let b = node("b");
    assert_eq!((b.value, b.score), (None, None));
    near(b.group_median_value, 70.0, "b median");
    near(Some(b.own_weight), 0.0, "b own weight");
    near(Some(b.points), 0.0, "b points");
    // c: values 50, 90, 20, 100 → median 70; best 100 (W).
    let c = node("c");
    near(Some(c.points), 36.0, "c points = 0.4 × 90");
    near(Some(c.lost_vs_full), 4.0, "c lost");
    near(Some(c.lost_vs_best), 4.0, "c lost vs best = 0.4 × 100 − 36");
    near(c.group_median_value, 70.0, "c median");
    // Dimensions: 质量 60 × 0.6 = 36 (its scores 50, 60, 77.5, 85: median 68.75, best 85).
    let q = node("质量");
    near(Some(q.points), 36.0, "质量 points");
    near(q.group_median_score, 68.75, "质量 median score");
    near(q.group_best_score, 85.0, "质量 best score");
    near(
        Some(q.lost_vs_best),
        24.0,
        "质量 lost vs best: the sum of a's and b's",
    );
    // Missing b, and where its weight (0.6 × 0.75 = 0.45) went.
    assert_eq!(e.missing.len(), 1);
    assert_eq!(e.missing[0].id, "b");
    near(Some(e.missing[0].written_weight), 0.45, "b written weight");
    assert_eq!(e.missing[0].went_to, ["a"]);
    // The bonus rule that fired, capped.
    assert_eq!(e.rules.len(), 1);
    assert_eq!(
        (e.rules[0].kind, e.rules[0].reason.as_str()),
        ("bonus", "科研奖励")
    );
    near(Some(e.rules[0].points), 5.0, "bonus points");
    // Against the median: c 0.4 × (90 − 70) = +8; a 0.6 × (60 − 70) = −6.
    assert_eq!(e.strengths.len(), 1);
    assert_eq!(e.strengths[0].id, "c");
    near(Some(e.strengths[0].points), 8.0, "c strength");
    assert_eq!(e.weaknesses.len(), 1);
    assert_eq!(e.weaknesses[0].id, "a");
    near(Some(e.weaknesses[0].points), -6.0, "a weakness");
}

#[test]
fn by_rank_and_in_the_order_asked() {
    let by_rank = fixture(Selection::Rank(1));
    assert_eq!(by_rank.len(), 1);
    assert_eq!(by_rank[0].id, "W");
    assert!(matches!(by_rank[0].next_grade, Some(GradeDistance::Best)));
    let two = fixture(Selection::Ids(vec!["Z".into(), "X".into()]));
    assert_eq!([two[0].id.as_str(), two[1].id.as_str()], ["Z", "X"]);
}

#[test]
fn the_figures_add_up_for_every_institution_of_the_default_scheme() {
    let dir = root().join("scoring/tertiary-core");
    let data = root().join("datasets/tertiary-core");
    let plan = Plan::compile(Scheme::load(&dir).unwrap()).unwrap();
    let run = pipeline::score_with(
        &plan,
        &data.join("current.csv").into(),
        Some(&data.join("previous.csv").into()),
        pipeline::ScoreOptions::EXPLAIN,
    )
    .unwrap();
    let ids: Vec<String> = run
        .table
        .column("机构编码")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap().to_string())
        .collect();
    let all = explain::explain(&plan, &run, &Selection::Ids(ids.clone())).unwrap();
    assert_eq!(all.len(), 320);
    let mut renormalised = 0;
    for e in &all {
        let Some(weighted) = e.weighted else { continue };
        let leaves: Vec<_> = e.nodes.iter().filter(|n| n.kind == "indicator").collect();
        let dims: Vec<_> = e.nodes.iter().filter(|n| n.depth == 0).collect();
        let sum = |nodes: &[&jixiao::explain::NodeExplanation],
                   f: fn(&jixiao::explain::NodeExplanation) -> f64| {
            nodes.iter().map(|n| f(n)).sum::<f64>()
        };
        near(
            Some(sum(&leaves, |n| n.points)),
            weighted,
            &format!("{}: points", e.id),
        );
        near(
            Some(sum(&dims, |n| n.points)),
            weighted,
            &format!("{}: dimension points", e.id),
        );
        near(
            Some(sum(&leaves, |n| n.lost_vs_full)),
            100.0 - weighted,
            &format!("{}: lost", e.id),
        );
        near(
            Some(sum(&dims, |n| n.lost_vs_best)),
            sum(&leaves, |n| n.lost_vs_best),
            &format!("{}: lost vs best", e.id),
        );
        near(
            Some(sum(&leaves, |n| n.own_weight)),
            1.0,
            &format!("{}: own weights", e.id),
        );
        if let Some(score) = e.score {
            let rules: f64 = e
                .rules
                .iter()
                .map(|r| {
                    if r.kind == "deduction" {
                        -r.points
                    } else {
                        r.points
                    }
                })
                .sum();
            near(
                Some(weighted + e.bonus - e.deduction),
                weighted + rules,
                &format!("{}: rules", e.id),
            );
            assert!(
                (score - (weighted + e.bonus - e.deduction)).abs() <= 0.005 + 1e-9,
                "{}: score rounds the sum",
                e.id
            );
        }
        renormalised += (!e.missing.is_empty()) as usize;
        // Text fits a 100-column terminal.
        let text = render(std::slice::from_ref(e), ExplainFormat::Text).unwrap();
        for line in text.lines() {
            assert!(
                line.width() <= TEXT_WIDTH,
                "{} wider than {TEXT_WIDTH}: {line}",
                e.id
            );
        }
    }
    assert!(renormalised > 0, "some institution has a missing indicator");
}

#[test]
fn explain_default_scheme_by_rank() {
    let o = jixiao(&["explain", "--rank", "14"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("explain_default_rank_14", transcript(&o));
}

#[test]
fn explain_default_scheme_markdown_with_missing_data() {
    // H110035: 门诊患者满意度 is not a number, so T53 is missing and T54 carries 患者满意度.
    let out = jixiao(&["explain", "--id", "H110035", "--output-format", "md"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("explain_default_missing_md", transcript(&out));
}

#[test]
fn explain_json_is_the_library_explanation() {
    let o = jixiao(&[
        "explain",
        "--scheme",
        "tests/fixtures/explain",
        "--id",
        "Y",
        "--output-format",
        "json",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let expected = render(
        &fixture(Selection::Ids(vec!["Y".into()])),
        ExplainFormat::Json,
    )
    .unwrap();
    assert_eq!(o.stdout, expected);
}

#[test]
fn unknown_id_and_rank_are_user_errors() {
    let o = jixiao(&["explain", "--scheme", "tests/fixtures/explain", "--id", "Q"]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(
        o.stderr.contains("no institution with 编码 \"Q\""),
        "{}",
        o.stderr
    );
    let o = jixiao(&[
        "explain",
        "--scheme",
        "tests/fixtures/explain",
        "--rank",
        "9",
    ]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(
        o.stderr
            .contains("no institution holds rank 9 (4 institutions are ranked"),
        "{}",
        o.stderr
    );
    let o = jixiao(&["explain", "--scheme", "tests/fixtures/explain"]);
    assert_eq!(o.code, 1, "neither --id nor --rank");
}

#[test]
fn the_summary_counts_grades_rules_and_partial_weight() {
    use jixiao::outcomes::{GradeCounts, RuleCount};
    let dir = root().join("tests/fixtures/explain");
    let plan = Plan::compile(Scheme::load(&dir).unwrap()).unwrap();
    let run = pipeline::score(&plan, &dir.join("current.csv").into(), None).unwrap();
    let o = &run.summary.outcomes;
    // W 91 优, Y 77 良, Z 54.5 and X 50 差; only Y's bonus fired; only Y misses b.
    let expected = |group: Option<&str>| GradeCounts {
        group: group.map(str::to_string),
        counts: vec![("优".into(), 1), ("良".into(), 1), ("差".into(), 2)],
        ungraded: 0,
    };
    assert_eq!(o.grades, [expected(None), expected(Some("综合"))]);
    assert_eq!(
        o.rules,
        [RuleCount {
            kind: "bonus",
            reason: "科研奖励".into(),
            fired: 1
        }]
    );
    assert_eq!(o.partial_weight, 1);
    // The tiny fixture: C's accident fires the veto; two peer groups.
    let dir = root().join("tests/fixtures/tiny");
    let plan = Plan::compile(Scheme::load(&dir).unwrap()).unwrap();
    let run = pipeline::score(
        &plan,
        &dir.join("current.csv").into(),
        Some(&dir.join("previous.csv").into()),
    )
    .unwrap();
    let o = &run.summary.outcomes;
    assert_eq!(
        o.rules,
        [RuleCount {
            kind: "veto",
            reason: "发生重大事故".into(),
            fired: 1
        }]
    );
    assert_eq!(o.grades.len(), 3, "overall, 专科, 综合");
    let total: usize =
        o.grades[0].counts.iter().map(|(_, n)| n).sum::<usize>() + o.grades[0].ungraded;
    assert_eq!(total, 4);
    let by_group: usize = o.grades[1..]
        .iter()
        .flat_map(|g| g.counts.iter().map(|(_, n)| *n))
        .sum();
    assert_eq!(
        by_group,
        o.grades[0].counts.iter().map(|(_, n)| n).sum::<usize>()
    );
    assert_eq!(o.grades[1].group.as_deref(), Some("专科"));
}

/// `explain` computes the contributions of the institutions it explains only; they are the
/// same, to the bit, as those of a run that computed them for everyone.
#[test]
fn contributions_of_the_explained_rows_equal_those_of_a_full_run() {
    let dir = root().join("scoring/tertiary-core");
    let data = root().join("datasets/tertiary-core");
    let plan = Plan::compile(Scheme::load(&dir).unwrap()).unwrap();
    let run = |options| {
        pipeline::score_with(
            &plan,
            &data.join("current.csv").into(),
            Some(&data.join("previous.csv").into()),
            options,
        )
        .unwrap()
    };
    let (lean, full) = (
        run(pipeline::ScoreOptions::EXPLAIN),
        run(pipeline::ScoreOptions::CONTRIBUTIONS_KEPT),
    );
    // Rank 1, a renormalised institution of the snapshot below, and the last ranked.
    for selection in [
        Selection::Rank(1),
        Selection::Ids(vec!["H110297".into(), "H110001".into()]),
        Selection::Rank(319),
    ] {
        let a = explain::explain(&plan, &lean, &selection).unwrap();
        let b = explain::explain(&plan, &full, &selection).unwrap();
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
    }
}
