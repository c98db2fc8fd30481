//! The run summary tells why each value is missing, once per value: a zero denominator, a missing
//! input, or the formula's own choice (`()`), counted by hand on a five-institution fixture.
//!
//! Q1 = if_else(病例数 > 1000, (), 死亡人数 / 出院人数):
//! | | 出院人数 | 死亡人数 | 病例数 | Q1 | cause |
//! |---|---|---|---|---|---|
//! | A | 100 | 1 | 100 | 0.01 | — |
//! | B | 0 | 1 | 100 | missing | zero denominator |
//! | C | 100 | (empty) | 100 | missing | missing input |
//! | D | 100 | 1 | 2000 | missing | left missing by the formula |
//! | E | 0 | 1 | 2000 | missing | zero denominator (see below) |
//!
//! E's denominator is zero as well; causes are counted in a fixed order (zero denominator first),
//! so E counts as a zero denominator: 2 zero denominators, 1 missing input, 1 left missing.

use jixiao::pipeline;
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("scheme.yaml"),
        "name: 缺失原因\nversion: '1'\ncolumns: {id: 编码}\ndataset: {current: current.csv}\n\
         dimensions: [{id: 质量, weight: 1}]\n\
         indicators:\n  - {id: Q1, name: 死亡率, dimension: 质量, direction: down, weight: 1}\n  \
         - {id: Q2, name: 出院人数, dimension: 质量, direction: up, weight: 1}\n",
    )
    .unwrap();
    std::fs::write(
        p.join("indicators.rhai"),
        "let Q1 = if_else(col(\"病例数\") > 1000, (), col(\"死亡人数\") / col(\"出院人数\"));\n\
         let Q2 = col(\"出院人数\");\n",
    )
    .unwrap();
    std::fs::write(
        p.join("current.csv"),
        "编码,出院人数,死亡人数,病例数\nA,100,1,100\nB,0,1,100\nC,100,,100\nD,100,1,2000\nE,0,1,2000\n",
    )
    .unwrap();
    dir
}

#[test]
fn each_missing_value_is_counted_under_one_cause() {
    let dir = fixture();
    let plan = Plan::compile(Scheme::load(dir.path()).unwrap()).unwrap();
    let run = pipeline::score(&plan, &dir.path().join("current.csv").into(), None).unwrap();
    let q = run
        .summary
        .indicators
        .iter()
        .find(|q| q.id == "Q1")
        .unwrap();
    assert_eq!(
        (q.missing, q.zero_denominator, q.missing_input, q.by_formula),
        (4, 2, 1, 1)
    );
    assert_eq!((q.non_finite, q.part_exceeds_whole), (0, 0));
    let text = run.summary.to_string();
    assert!(
        text.contains("Q1 4 (2 zero denominator, 1 missing input, 1 left missing by the formula)"),
        "{text}"
    );
}

/// Missing input alone goes without saying, as before.
#[test]
fn missing_input_alone_is_not_spelt_out() {
    let dir = fixture();
    let data = dir.path().join("only-input.csv");
    std::fs::write(
        &data,
        "编码,出院人数,死亡人数,病例数\nA,100,1,100\nC,100,,100\n",
    )
    .unwrap();
    let plan = Plan::compile(Scheme::load(dir.path()).unwrap()).unwrap();
    let run = pipeline::score(&plan, &data.into(), None).unwrap();
    let text = run.summary.to_string();
    assert!(
        text.contains("missing values by indicator: Q1 1\n"),
        "{text}"
    );
}
