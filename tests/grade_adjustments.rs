//! Grade adjustments after grading (`grade_adjustments:`) end to end on the thirteen hospitals
//! of tests/fixtures/grading, graded by score (A ≥ 80, B ≥ 60, C), worked by hand:
//!
//! | hospital | score | graded | adjustment | grade |
//! |---|---|---|---|---|
//! | H01 | 92 | A | up 1 (≥ 90): already the first band | A |
//! | H02, H03 | 85 | A | — | A |
//! | H04, H05, H10 | 78, 70, 75 | B | — | B |
//! | H06 | 66 | B | down 1 (< 70) | C |
//! | H07, H08 | 55, 40 | C | down 1: already the last band | C |
//! | H09 | 88, vetoed | C | never adjusted | C |
//! | H11 | 60 | B | down 1 | C |
//! | H12 | no data | — | never adjusted | — |
//! | H13 | 80 | A | — | A |

use std::path::{Path, PathBuf};

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;

mod common;
use common::texts_by_id;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/grade-adjust")
}

fn scheme_with(tail: &str) -> Result<Scheme, jixiao::Error> {
    let dir = fixture();
    let text = std::fs::read_to_string(dir.join("scheme.yaml")).unwrap();
    let head = &text[..text.find("grade_adjustments:").unwrap()];
    Scheme::from_text(&dir, &dir.join("scheme.yaml"), format!("{head}{tail}"))
}

#[test]
fn grades_move_down_and_up_bounded_flagged_and_counted() {
    let plan = Plan::compile(Scheme::load(&fixture()).unwrap()).unwrap();
    let data = jixiao::source::DataFile::from(fixture().join("../grading/current.csv"));
    let run = jixiao::pipeline::score(&plan, &data, None).unwrap();
    let grades = texts_by_id(&run.table, "grade");
    let expected: Vec<Option<String>> = "A A A B B C C C C B C - A"
        .split(' ')
        .map(|g| (g != "-").then(|| g.to_string()))
        .collect();
    assert_eq!(grades, expected);
    let flags = texts_by_id(&run.table, "flags");
    let flag = |row: usize| flags[row].clone().unwrap_or_default();
    assert!(flag(0).contains("grade not moved up (already the first band): 得分90以上"));
    assert!(flag(5).contains("grade down 1 band: 得分低于70"));
    assert!(flag(6).contains("grade not moved down (already the last band): 得分低于70"));
    assert!(flag(10).contains("grade down 1 band: 得分低于70"));
    assert!(
        !flag(8).contains("grade"),
        "the vetoed hospital is not adjusted: {}",
        flag(8)
    );
    assert!(!flag(1).contains("grade"));
    let rules: Vec<(&str, &str, usize)> = run
        .summary
        .outcomes
        .rules
        .iter()
        .map(|r| (r.kind, r.reason.as_str(), r.fired))
        .collect();
    assert_eq!(
        rules,
        [
            ("veto", "一票否决", 1),
            ("grade down", "得分低于70", 2),
            ("grade up", "得分90以上", 0)
        ]
    );
    let text = run.summary.outcomes.to_string();
    assert!(
        text.contains("grade down 得分低于70 2; grade up 得分90以上 0"),
        "{text}"
    );
}

#[test]
fn an_adjustment_says_one_way_and_at_least_one_band() {
    for (tail, message) in [
        (
            "grade_adjustments: [{when: 低于七十, down: 1, up: 1, reason: 两向}]\n",
            "both `down` and `up`",
        ),
        (
            "grade_adjustments: [{when: 低于七十, reason: 无向}]\n",
            "neither `down: k` nor `up: k`",
        ),
        (
            "grade_adjustments: [{when: 低于七十, down: 0, reason: 零}]\n",
            "moves 0 bands",
        ),
    ] {
        let error = scheme_with(tail).map(|_| ()).expect_err(tail).to_string();
        assert!(error.contains(message), "{tail}: {error}");
    }
    // A number where a condition is needed is refused when the plan is compiled.
    let scheme = scheme_with("grade_adjustments: [{when: S, down: 1, reason: 数值}]\n").unwrap();
    let error = Plan::compile(scheme)
        .map(|_| ())
        .expect_err("a number is not a condition");
    assert!(error.to_string().contains("S"), "{error}");
}

#[test]
fn adjustments_need_grades() {
    let dir = fixture();
    let text = std::fs::read_to_string(dir.join("scheme.yaml")).unwrap();
    let start = text.find("grades:").unwrap();
    let end = text.find("grade_adjustments:").unwrap();
    let without = format!("{}{}", &text[..start], &text[end..]);
    let error = Scheme::from_text(&dir, &dir.join("scheme.yaml"), without)
        .map(|_| ())
        .expect_err("adjustments without grades")
        .to_string();
    assert!(error.contains("needs `grades:`"), "{error}");
}

#[test]
fn lowest_share_of_a_node_joins_the_condition() {
    // 低于七十 holds for H06 66, H07 55, H08 40, H11 60 (H09 is vetoed, H12 unscored). Among the
    // 12 scores of 综合得分 (H12 has none) the lowest quarter is ⌈12 / 4⌉ = 3: H08 40, H07 55,
    // H11 60. So H11 goes from B to C, H07 and H08 are at C already, and H06 stays B.
    let scheme = scheme_with(
        "grade_adjustments:\n  - {when: 低于七十, lowest: {node: 综合得分, share: 0.25}, down: 1, reason: 末四分位}\n",
    )
    .unwrap();
    let plan = Plan::compile(scheme).unwrap();
    let data = jixiao::source::DataFile::from(fixture().join("../grading/current.csv"));
    let run = jixiao::pipeline::score(&plan, &data, None).unwrap();
    let grades = texts_by_id(&run.table, "grade");
    let expected: Vec<Option<String>> = "A A A B B B C C C B C - A"
        .split(' ')
        .map(|g| (g != "-").then(|| g.to_string()))
        .collect();
    assert_eq!(grades, expected);
    // An unknown node, and a share outside (0, 1), are located.
    let error = scheme_with(
        "grade_adjustments:\n  - {when: 低于七十, lowest: {node: 综合, share: 1.5}, down: 1, reason: 末位}\n",
    )
    .map(|_| ())
    .unwrap_err()
    .to_string();
    assert!(error.contains("\"综合\", which is no dimension"), "{error}");
    assert!(error.contains("综合得分"), "{error}");
    assert!(error.contains("between 0 and 1"), "{error}");
    assert!(error.contains("scheme.yaml:17:"), "{error}");
}

#[test]
fn explain_shows_grade_adjustments_and_not_rated() {
    let tail = "eligible: {when: 可评级, reason: 得分不高于56}\n\
                grade_adjustments:\n  - {when: 低于七十, down: 1, reason: 得分低于70}\n  - {when: 九十以上, up: 1, reason: 得分90以上}\n";
    let plan = Plan::compile(scheme_with(tail).unwrap()).unwrap();
    let data = jixiao::source::DataFile::from(fixture().join("../grading/current.csv"));
    let run =
        jixiao::pipeline::score_with(&plan, &data, None, jixiao::pipeline::ScoreOptions::EXPLAIN)
            .unwrap();
    let ids = ["H01", "H06", "H07"].map(String::from).to_vec();
    let explanations =
        jixiao::explain::explain(&plan, &run, &jixiao::explain::Selection::Ids(ids)).unwrap();
    let text = jixiao::report::explain::render(
        &explanations,
        jixiao::report::explain::ExplainFormat::Text,
    )
    .unwrap();
    assert!(
        text.contains(
            "grade adjustment: 得分90以上 (not moved: the grade is already in the first band)"
        ),
        "{text}"
    );
    assert!(
        text.contains("grade adjustment: 得分低于70 (down 1 band)"),
        "{text}"
    );
    // H07 (55) is not rated: no grade, so no adjustment either.
    assert!(text.contains("not rated: 得分不高于56"), "{text}");
    assert_eq!(text.matches("grade adjustment:").count(), 2, "{text}");
}
