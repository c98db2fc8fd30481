//! The default scheme (scoring/tertiary-core) on generated institutions: jixiao's vector path
//! against the same computation written by hand directly in polars.
//!
//! * `engine/query`: the scheme's compiled plan run on prepared data (what `jixiao score` does
//!   after loading).
//! * `engine/compile_and_query`: the same plus loading the scheme and running its scripts, the
//!   cost an evaluator pays on every edit.
//! * `direct_polars`: hand-written polars expressions for the same 27 indicators, scores,
//!   weights, vetoes, bonus, ranks and grades. Setup asserts both give the same scores and ranks.
//!
//! Run: `cargo bench --bench score`; ratios are recorded in BENCHMARKS.md.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use polars::prelude::*;

const SCHEME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scoring/tertiary-core");
const GROUP: &str = jixiao::columns::PEER_GROUP_COLUMN;

fn plan() -> Plan {
    Plan::compile(Scheme::load(Path::new(SCHEME)).unwrap()).unwrap()
}

fn prepared(plan: &Plan, n: usize) -> DataFrame {
    let sample = jixiao::synthetic::generate(n, 42);
    jixiao::pipeline::prepare_for(
        plan,
        sample.current,
        Path::new("current"),
        Some((sample.previous, Path::new("previous"))),
    )
    .unwrap()
    .frame
}

// ---- the hand-written version -------------------------------------------------------------

fn null() -> Expr {
    lit(NULL).cast(DataType::Float64)
}
fn c(name: &str) -> Expr {
    col(name)
}
fn ratio(n: Expr, d: Expr) -> Expr {
    when(d.clone().eq(lit(0.0)))
        .then(null())
        .otherwise(n.true_div(d))
}
fn pct(n: &str, d: &str) -> Expr {
    ratio(c(n), c(d)) * lit(100.0)
}
fn finite(x: Expr) -> Expr {
    when(x.clone().is_finite()).then(x).otherwise(null())
}
fn per_group(e: Expr) -> Expr {
    e.over([col(GROUP)]).unwrap()
}
fn percentile(x: Expr, lower_better: bool) -> Expr {
    let rank = per_group(x.clone().rank(
        RankOptions {
            method: RankMethod::Min,
            descending: lower_better,
        },
        None,
    ))
    .cast(DataType::Float64);
    let n = per_group(x.clone().count()).cast(DataType::Float64);
    when(n.clone().eq(lit(1.0)).and(x.is_not_null()))
        .then(lit(100.0))
        .otherwise((rank - lit(1.0)).true_div(n - lit(1.0)) * lit(100.0))
}
fn min_max_lower(x: Expr) -> Expr {
    let (lo, hi) = (per_group(x.clone().min()), per_group(x.clone().max()));
    let spread = hi.clone() - lo;
    when(spread.clone().eq(lit(0.0)).and(x.clone().is_not_null()))
        .then(lit(100.0))
        .otherwise((hi - x).true_div(spread) * lit(100.0))
}
fn goalposts(x: Expr, zero: f64, full: f64) -> Expr {
    (x - lit(zero))
        .true_div(lit(full - zero))
        .clip(lit(0.0), lit(1.0))
        * lit(100.0)
}
fn target_up(x: Expr, t: f64) -> Expr {
    x.true_div(lit(t)).clip(lit(0.0), lit(1.0)) * lit(100.0)
}
fn s(id: &str) -> String {
    format!("{id}.score")
}
/// Weighted mean with weights renormalised over present children.
fn wmean(children: &[(&str, f64)]) -> Expr {
    let total: f64 = children.iter().map(|(_, w)| w).sum();
    let weighted: Vec<(Expr, f64)> = children
        .iter()
        .map(|(id, w)| (col(s(id)), w / total))
        .collect();
    let sum = weighted
        .iter()
        .map(|(e, w)| lit(*w) * e.clone().fill_null(lit(0.0)))
        .reduce(|a, b| a + b)
        .unwrap();
    let present = weighted
        .iter()
        .map(|(e, w)| lit(*w) * e.clone().is_not_null().cast(DataType::Float64))
        .reduce(|a, b| a + b)
        .unwrap();
    when(present.clone().gt(lit(0.0)))
        .then(sum.true_div(present))
        .otherwise(null())
}
fn growth(now: Expr, before: Expr) -> Expr {
    ratio(now - before.clone(), before) * lit(100.0)
}

fn direct(frame: DataFrame) -> DataFrame {
    let values = [
        ("T1", ratio(c("门诊人次数"), c("出院人数"))),
        ("T4", pct("出院患者手术人数", "出院人数")),
        ("T5", pct("出院患者微创手术人数", "出院患者手术人数")),
        ("T6", pct("出院患者四级手术人数", "出院患者手术人数")),
        ("T8", pct("手术患者并发症发生例数", "出院患者手术人数")),
        ("T9", pct("I类切口手术部位感染人次数", "I类切口手术台次数")),
        ("T14", pct("低风险组死亡例数", "低风险组病例数")),
        ("T15", pct("开展优质护理服务病房数", "病房总数")),
        (
            "T17",
            ratio(c("抗菌药物累计DDD数") * lit(100.0), c("出院者占用总床日数")),
        ),
        (
            "T18",
            pct("门诊使用基本药物人次数", "门诊开具药物处方人次数"),
        ),
        ("T22", pct("预约诊疗人次数", "门诊诊疗人次数(不含急诊)")),
        ("T23", ratio(c("预约患者候诊总分钟数"), c("预约诊疗人次数"))),
        ("T24", c("电子病历应用功能水平分级")),
        (
            "T25",
            ratio(
                ratio(
                    c("出院者占用总床日数"),
                    ratio(c("执业医师人数") + c("执业医师人数@prev"), lit(2.0)),
                ),
                lit(365.0),
            ),
        ),
        (
            "T26",
            ratio(c("药师人数") * lit(100.0), c("实际开放床位数")),
        ),
        (
            "T31",
            ratio(
                c("医疗收入(万元)")
                    - c("药品收入(万元)")
                    - c("卫生材料收入(万元)")
                    - c("检查收入(万元)")
                    - c("化验收入(万元)"),
                c("医疗收入(万元)"),
            ) * lit(100.0),
        ),
        ("T33", pct("人员支出(万元)", "业务支出(万元)")),
        (
            "T34",
            ratio(c("能耗支出(万元)") * lit(10000.0), c("总收入(万元)")),
        ),
        ("T36", pct("负债总额(万元)", "资产总额(万元)")),
        (
            "T38",
            growth(
                ratio(c("门诊收入(万元)") * lit(10000.0), c("门诊人次数")),
                ratio(
                    c("门诊收入(万元)@prev") * lit(10000.0),
                    c("门诊人次数@prev"),
                ),
            ),
        ),
        (
            "T40",
            growth(
                ratio(c("住院收入(万元)") * lit(10000.0), c("出院人数")),
                ratio(c("住院收入(万元)@prev") * lit(10000.0), c("出院人数@prev")),
            ),
        ),
        ("T46", ratio(c("注册护士人数"), c("执业医师人数"))),
        (
            "T48",
            pct("医师资格考试首次通过人数", "医师资格考试首次参加人数"),
        ),
        (
            "T50",
            ratio(
                c("科研项目经费(万元)") * lit(10000.0) * lit(100.0),
                c("卫生技术人员数"),
            ),
        ),
        ("T53", c("门诊患者满意度")),
        ("T54", c("住院患者满意度")),
        ("T55", c("医务人员满意度")),
    ];
    let values: Vec<Expr> = values
        .into_iter()
        .map(|(id, e)| finite(e.cast(DataType::Float64)).alias(id))
        .collect();
    let energy = when(c("T34").lt_eq(lit(80.0)))
        .then(lit(100.0))
        .otherwise((lit(100.0) - (c("T34") - lit(80.0)) * lit(2.0)).clip(lit(0.0), lit(100.0)));
    let scores = [
        ("T4", percentile(c("T4"), false)),
        ("T5", percentile(c("T5"), false)),
        ("T6", percentile(c("T6"), false)),
        ("T8", percentile(c("T8"), true)),
        ("T9", goalposts(c("T9"), 1.5, 0.3)),
        ("T14", min_max_lower(c("T14"))),
        ("T15", percentile(c("T15"), false)),
        ("T17", percentile(c("T17"), true)),
        ("T18", percentile(c("T18"), false)),
        ("T22", percentile(c("T22"), false)),
        ("T23", goalposts(c("T23"), 40.0, 10.0)),
        ("T24", target_up(c("T24"), 5.0)),
        ("T31", percentile(c("T31"), false)),
        ("T33", target_up(c("T33"), 40.0)),
        ("T34", energy),
        ("T38", percentile(c("T38"), true)),
        ("T40", percentile(c("T40"), true)),
        ("T48", percentile(c("T48"), false)),
        ("T50", percentile(c("T50"), false)),
        ("T53", goalposts(c("T53"), 75.0, 95.0)),
        ("T54", goalposts(c("T54"), 75.0, 95.0)),
        ("T55", goalposts(c("T55"), 65.0, 90.0)),
    ];
    let scores: Vec<Expr> = scores
        .into_iter()
        .map(|(id, e)| finite(e).alias(s(id)))
        .collect();
    let subdimensions = vec![
        wmean(&[("T4", 4.0), ("T5", 3.0), ("T6", 3.0)]).alias(s("功能定位")),
        wmean(&[("T8", 3.0), ("T9", 3.0), ("T14", 4.0), ("T15", 2.0)]).alias(s("质量安全")),
        wmean(&[("T17", 3.0), ("T18", 2.0)]).alias(s("合理用药")),
        wmean(&[("T22", 2.0), ("T23", 2.0), ("T24", 2.0)]).alias(s("服务流程")),
        wmean(&[("T31", 4.0), ("T33", 3.0), ("T34", 2.0)]).alias(s("收支结构")),
        wmean(&[("T38", 1.0), ("T40", 1.0)]).alias(s("费用控制")),
        wmean(&[("T48", 1.0)]).alias(s("人才培养")),
        wmean(&[("T50", 1.0)]).alias(s("学科建设")),
        wmean(&[("T53", 1.0), ("T54", 1.0)]).alias(s("患者满意度")),
        wmean(&[("T55", 1.0)]).alias(s("医务人员满意度")),
    ];
    let dimensions = vec![
        wmean(&[
            ("功能定位", 30.0),
            ("质量安全", 35.0),
            ("合理用药", 20.0),
            ("服务流程", 15.0),
        ])
        .alias(s("医疗质量")),
        wmean(&[("收支结构", 60.0), ("费用控制", 40.0)]).alias(s("运营效率")),
        wmean(&[("人才培养", 50.0), ("学科建设", 50.0)]).alias(s("持续发展")),
        wmean(&[("患者满意度", 70.0), ("医务人员满意度", 30.0)]).alias(s("满意度评价")),
    ];
    let effective = [
        ("T4", 0.45 * 0.30 * 0.4),
        ("T5", 0.45 * 0.30 * 0.3),
        ("T6", 0.45 * 0.30 * 0.3),
        ("T8", 0.45 * 0.35 * 3.0 / 12.0),
        ("T9", 0.45 * 0.35 * 3.0 / 12.0),
        ("T14", 0.45 * 0.35 * 4.0 / 12.0),
        ("T15", 0.45 * 0.35 * 2.0 / 12.0),
        ("T17", 0.45 * 0.20 * 0.6),
        ("T18", 0.45 * 0.20 * 0.4),
        ("T22", 0.45 * 0.15 / 3.0),
        ("T23", 0.45 * 0.15 / 3.0),
        ("T24", 0.45 * 0.15 / 3.0),
        ("T31", 0.25 * 0.6 * 4.0 / 9.0),
        ("T33", 0.25 * 0.6 * 3.0 / 9.0),
        ("T34", 0.25 * 0.6 * 2.0 / 9.0),
        ("T38", 0.25 * 0.4 * 0.5),
        ("T40", 0.25 * 0.4 * 0.5),
        ("T48", 0.15 * 0.5),
        ("T50", 0.15 * 0.5),
        ("T53", 0.15 * 0.7 * 0.5),
        ("T54", 0.15 * 0.7 * 0.5),
        ("T55", 0.15 * 0.3),
    ];
    let coverage = effective
        .iter()
        .map(|(id, w)| lit(*w) * col(s(id)).is_not_null().cast(DataType::Float64))
        .reduce(|a, b| a + b)
        .unwrap();
    let totals = vec![
        wmean(&[
            ("医疗质量", 45.0),
            ("运营效率", 25.0),
            ("持续发展", 15.0),
            ("满意度评价", 15.0),
        ])
        .alias("weighted"),
        coverage.alias("coverage"),
        c("重大医疗安全事件数")
            .gt(lit(0.0))
            .fill_null(lit(false))
            .alias("vetoed"),
        (c("国家临床重点专科数") * lit(0.5))
            .fill_null(lit(0.0))
            .clip(lit(0.0), lit(2.0))
            .clip(lit(0.0), lit(3.0))
            .alias("bonus"),
        (c("通报批评次数") * lit(1.0))
            .fill_null(lit(0.0))
            .clip(lit(0.0), lit(3.0))
            .clip(lit(0.0), lit(5.0))
            .alias("deduction"),
    ];
    let score = when(c("weighted").is_null().or(c("coverage").lt(lit(0.6))))
        .then(null())
        .otherwise(
            (c("weighted") + c("bonus") - c("deduction")).round(2, RoundMode::HalfAwayFromZero),
        )
        .alias("score");
    let options = RankOptions {
        method: RankMethod::Min,
        descending: true,
    };
    let clean = when(c("vetoed").not()).then(c("score")).otherwise(null());
    let vetoed = when(c("vetoed")).then(c("score")).otherwise(null());
    let rank = |group: bool| {
        let w = |e: Expr| if group { per_group(e) } else { e };
        coalesce(&[
            w(clean.clone().rank(options, None)).cast(DataType::Float64),
            w(vetoed.clone().rank(options, None)).cast(DataType::Float64)
                + w(clean.clone().count()).cast(DataType::Float64),
        ])
        .cast(DataType::UInt32)
    };
    let ranked = c("rank").cast(DataType::Float64);
    let n = ranked.clone().count().cast(DataType::Float64);
    let grade = when(c("score").is_null())
        .then(lit(NULL).cast(DataType::String))
        .when(c("vetoed"))
        .then(lit("D"))
        .when(ranked.clone().lt_eq(lit(0.1) * n.clone()))
        .then(lit("A"))
        .when(ranked.clone().lt_eq(lit(0.4) * n.clone()))
        .then(lit("B"))
        .when(ranked.lt_eq(lit(0.8) * n))
        .then(lit("C"))
        .otherwise(lit("D"));
    frame
        .lazy()
        .with_columns(values)
        .with_columns(scores)
        .with_columns(subdimensions)
        .with_columns(dimensions)
        .with_columns(totals)
        .with_column(score)
        .with_columns([rank(false).alias("rank"), rank(true).alias("group_rank")])
        .with_column(grade.alias("grade"))
        .collect()
        .unwrap()
}

fn engine(plan: &Plan, frame: DataFrame) -> DataFrame {
    jixiao::pipeline::scoring_query(plan, frame)
        .collect()
        .unwrap()
}

/// Both paths must agree before their speed is compared.
fn assert_same(engine: &DataFrame, direct: &DataFrame) {
    for name in [
        "score",
        "rank",
        "group_rank",
        "grade",
        "T38",
        "T40.score",
        "医疗质量.score",
    ] {
        let a = engine.column(name).unwrap().as_materialized_series();
        let b = direct.column(name).unwrap().as_materialized_series();
        let same = match a.dtype() {
            DataType::Float64 => {
                a.f64()
                    .unwrap()
                    .iter()
                    .zip(b.f64().unwrap().iter())
                    .all(|(x, y)| match (x, y) {
                        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
                        (None, None) => true,
                        _ => false,
                    })
            }
            _ => a.equals_missing(b),
        };
        assert!(same, "engine and direct polars differ in {name}");
    }
}

fn bench(c: &mut Criterion) {
    let plan = plan();
    let mut group = c.benchmark_group("tertiary_core");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .warm_up_time(Duration::from_secs(1));
    for n in [10_000usize, 100_000] {
        let frame = prepared(&plan, n);
        assert_same(&engine(&plan, frame.clone()), &direct(frame.clone()));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("engine_query", n), &frame, |b, frame| {
            b.iter(|| black_box(engine(&plan, frame.clone())))
        });
        group.bench_with_input(
            BenchmarkId::new("engine_compile_and_query", n),
            &frame,
            |b, frame| b.iter(|| black_box(engine(&self::plan(), frame.clone()))),
        );
        group.bench_with_input(BenchmarkId::new("direct_polars", n), &frame, |b, frame| {
            b.iter(|| black_box(direct(frame.clone())))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
