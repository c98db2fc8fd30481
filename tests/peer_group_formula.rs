//! Peer groups from a formula (`peer_groups: {formula: 档}`) on the thirteen hospitals of
//! tests/fixtures/grading, by hand: 档 = one_if(得分 ≥ 70) + 3, a number read as a whole number.
//!
//! * Group "4": H01 92, H02 85, H03 85, H04 78, H05 70, H09 88 (vetoed), H10 75, H13 80 — group
//!   ranks (ties min, the vetoed after the rest) 1, 2, 2, 5, 7, 8, 6, 4.
//! * Group "3": H06 66, H07 55, H08 40, H11 60 — group ranks 1, 3, 4, 2.
//! * H12 has no data: no group ("(未分组)") and no rank.

use std::path::{Path, PathBuf};

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;

mod common;
use common::{texts_by_id, words};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/grade-adjust")
}

const SCHEME: &str = r#"
name: 公式分组测试方案
version: "1"
columns: {id: 编码, name: 名称}
peer_groups: {formula: 档}
dimensions:
  - {id: 综合得分, weight: 100}
indicators:
  - {id: S, name: 得分, dimension: 综合得分, direction: up, weight: 1, scoring: {method: goalposts, zero_at: 0, full_at: 100}}
vetoes:
  - {when: 否决, reason: 一票否决}
grades:
  by: rank_share
  within: peer_group
  bands: [{grade: A, top: 0.5}, {grade: B}]
"#;

#[test]
fn peer_groups_come_from_the_formula() {
    let dir = fixture();
    let scheme = Scheme::from_text(&dir, &dir.join("scheme.yaml"), SCHEME.to_string()).unwrap();
    let plan = Plan::compile(scheme).unwrap();
    let data = jixiao::source::DataFile::from(dir.join("../grading/current.csv"));
    let run = jixiao::pipeline::score(&plan, &data, None).unwrap();
    assert_eq!(
        texts_by_id(&run.table, "档"),
        words("4 4 4 4 4 3 3 3 4 4 3 (未分组) 4")
    );
    assert_eq!(
        texts_by_id(&run.table, "group_rank"),
        words("1 2 2 5 7 1 3 4 8 6 2 - 4")
    );
    // Grade counts per formula group are in the summary.
    let groups: Vec<Option<String>> = run
        .summary
        .outcomes
        .grades
        .iter()
        .map(|g| g.group.clone())
        .collect();
    assert_eq!(
        groups,
        [
            None,
            Some("(未分组)".into()),
            Some("3".into()),
            Some("4".into())
        ]
    );
}

#[test]
fn a_formula_or_a_column_not_both() {
    let dir = fixture();
    let text = SCHEME.replace(
        "columns: {id: 编码, name: 名称}",
        "columns: {id: 编码, name: 名称, peer_group: 类别}",
    );
    let error = Scheme::from_text(&dir, &dir.join("scheme.yaml"), text)
        .map(|_| ())
        .expect_err("both a column and a formula")
        .to_string();
    assert!(error.contains("not both"), "{error}");
}

#[test]
fn a_let_of_peer_group_statistics_runs_after_the_formula_groups() {
    // Group "4": H01 92, H02 85, H03 85, H04 78, H05 70, H09 88, H10 75, H13 80 — mean 81.625;
    // group "3": H06 66, H07 55, H08 40, H11 60 — mean 55.25. H12 has no score.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/peer-group-let");
    let plan = Plan::compile(Scheme::load(&dir).unwrap()).unwrap();
    let data = jixiao::source::DataFile::from(dir.join("../grading/current.csv"));
    let run = jixiao::pipeline::score(&plan, &data, None).unwrap();
    assert_eq!(
        texts_by_id(&run.table, "G"),
        words("81.625 81.625 81.625 81.625 81.625 55.25 55.25 55.25 81.625 81.625 55.25 - 81.625")
    );
    assert_eq!(
        texts_by_id(&run.table, "R"),
        words("10.375 3.375 3.375 -3.625 -11.625 10.75 -0.25 -15.25 6.375 -6.625 4.75 - -1.625")
    );
}

#[test]
fn peer_groups_cannot_come_from_peer_group_statistics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/peer-group-let");
    let text = std::fs::read_to_string(dir.join("scheme.yaml"))
        .unwrap()
        .replace("{formula: 档}", "{formula: 绕回档}");
    let scheme = Scheme::from_text(&dir, &dir.join("scheme.yaml"), text).unwrap();
    let error = Plan::compile(scheme).map(|_| ()).unwrap_err().to_string();
    assert!(
        error.contains("the peer-group formula `绕回档` reads peer-group statistics"),
        "{error}"
    );
    assert!(error.contains("indicators.rhai:9:"), "{error}");
}
