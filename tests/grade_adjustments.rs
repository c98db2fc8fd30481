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
