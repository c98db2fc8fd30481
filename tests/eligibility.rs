//! Eligibility (`eligible:`) end to end on the thirteen hospitals of tests/fixtures/grading,
//! rated only where 得分 > 56, graded by score (A ≥ 80, B ≥ 60, C), worked by hand:
//!
//! * H07 (55) and H08 (40) are not rated: they keep their scores, get no rank and no grade, and
//!   are flagged; H12 has no data, so its condition is missing: not rated either (and unscored).
//! * Ranks over the rated (ties min, the vetoed H09 after the rest): H01 92 → 1, H02 and H03 85 →
//!   2, H13 80 → 4, H04 78 → 5, H10 75 → 6, H05 70 → 7, H06 66 → 8, H11 60 → 9, H09 (vetoed) → 10.

use std::path::{Path, PathBuf};

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;

mod common;
use common::{texts_by_id, words};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/grade-adjust")
}

const SCHEME: &str = r#"
name: 评级资格测试方案
version: "1"
columns: {id: 编码, name: 名称, peer_group: 类别}
dimensions:
  - {id: 综合得分, weight: 100}
indicators:
  - {id: S, name: 得分, dimension: 综合得分, direction: up, weight: 1, scoring: {method: goalposts, zero_at: 0, full_at: 100}}
vetoes:
  - {when: 否决, reason: 一票否决}
eligible: {when: 可评级, reason: 得分不超过56}
grades:
  by: score
  bands: [{grade: A, min: 80}, {grade: B, min: 60}, {grade: C}]
"#;

#[test]
fn not_rated_keep_scores_without_rank_or_grade() {
    let dir = fixture();
    let scheme = Scheme::from_text(&dir, &dir.join("scheme.yaml"), SCHEME.to_string()).unwrap();
    let plan = Plan::compile(scheme).unwrap();
    let data = jixiao::source::DataFile::from(dir.join("../grading/current.csv"));
    let run = jixiao::pipeline::score(&plan, &data, None).unwrap();
    assert_eq!(
        texts_by_id(&run.table, "score"),
        words("92.0 85.0 85.0 78.0 70.0 66.0 55.0 40.0 88.0 75.0 60.0 - 80.0")
    );
    assert_eq!(
        texts_by_id(&run.table, "rank"),
        words("1 2 2 5 7 8 - - 10 6 9 - 4")
    );
    assert_eq!(
        texts_by_id(&run.table, "grade"),
        words("A A A B B B - - C B B - A")
    );
    let flags = texts_by_id(&run.table, "flags");
    for row in [6, 7, 11] {
        let flag = flags[row].clone().unwrap_or_default();
        assert!(
            flag.contains("not rated: 得分不超过56"),
            "row {row}: {flag}"
        );
    }
    for row in [0, 8, 12] {
        assert!(!flags[row].clone().unwrap_or_default().contains("not rated"));
    }
    assert_eq!(run.summary.ranked, 10);
    assert_eq!(
        run.summary.outcomes.not_rated,
        Some(("得分不超过56".to_string(), 3))
    );
    let text = run.summary.outcomes.to_string();
    assert!(
        text.contains("not rated (no rank, no grade; scores kept): 3 institutions — 得分不超过56"),
        "{text}"
    );
}

#[test]
fn eligibility_needs_a_condition() {
    let dir = fixture();
    let text = SCHEME.replace("when: 可评级", "when: S");
    let scheme = Scheme::from_text(&dir, &dir.join("scheme.yaml"), text).unwrap();
    let error = Plan::compile(scheme)
        .map(|_| ())
        .expect_err("a number is not a condition");
    assert!(error.to_string().contains("condition"), "{error}");
}
