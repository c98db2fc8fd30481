//! Invariants over random data, on the tiny fixture's scheme: row order never matters, every
//! institution comes out once, and raising an `up` indicator never lowers that institution's score.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use jixiao::plan::Plan;
use jixiao::scheme::Scheme;
use polars::prelude::*;
use proptest::prelude::*;

mod common;
use common::floats;

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny");
        Plan::compile(Scheme::load(&dir).unwrap()).unwrap()
    })
}

#[derive(Debug, Clone)]
struct Hospital {
    surgery: u32,
    discharges: u32,
    deaths: u32,
    cost: u32,
    previous_cost: Option<u32>,
    visits: u32,
    incident: bool,
    group: bool,
}

fn hospital() -> impl Strategy<Value = Hospital> {
    (
        0u32..80,
        1u32..100,
        0u32..5,
        50u32..150,
        proptest::option::weighted(0.9, 50u32..150),
        0u32..2000,
        proptest::bool::weighted(0.1),
        any::<bool>(),
    )
        .prop_map(
            |(surgery, extra, deaths, cost, previous_cost, visits, incident, group)| Hospital {
                surgery,
                discharges: surgery + extra,
                deaths,
                cost,
                previous_cost,
                visits,
                incident,
                group,
            },
        )
}

fn frames(hospitals: &[Hospital], order: &[usize]) -> (DataFrame, DataFrame) {
    let pick = |f: &dyn Fn(&Hospital) -> u32| -> Vec<u32> {
        order.iter().map(|&i| f(&hospitals[i])).collect()
    };
    let ids: Vec<String> = order.iter().map(|i| format!("H{i:03}")).collect();
    let current = df!(
        "编码" => ids.clone(),
        "名称" => ids.clone(),
        "类别" => order.iter().map(|&i| if hospitals[i].group { "综合" } else { "专科" }).collect::<Vec<_>>(),
        "手术人数" => pick(&|h| h.surgery),
        "出院人数" => pick(&|h| h.discharges),
        "死亡人数" => pick(&|h| h.deaths),
        "病例数" => pick(&|h| h.discharges),
        "费用" => pick(&|h| h.cost),
        "门诊人次" => pick(&|h| h.visits),
        "事故数" => pick(&|h| h.incident as u32)
    )
    .unwrap();
    let previous = df!(
        "编码" => ids,
        "费用" => order.iter().map(|&i| hospitals[i].previous_cost).collect::<Vec<_>>()
    )
    .unwrap();
    (current, previous)
}

/// Score, rank and group rank of one institution.
type Standing = (Option<f64>, Option<f64>, Option<f64>);

/// Score and rank by institution id.
fn score(hospitals: &[Hospital], order: &[usize]) -> BTreeMap<String, Standing> {
    let (current, previous) = frames(hospitals, order);
    let plan = plan();
    let loaded = jixiao::pipeline::prepare_for(
        plan,
        current,
        Path::new("current"),
        Some((previous, Path::new("previous"))),
    )
    .unwrap();
    let run = jixiao::pipeline::score_loaded(plan, loaded).unwrap();
    let table = run.table;
    assert_eq!(
        table.height(),
        hospitals.len(),
        "every institution appears in the output"
    );
    let get = |name: &str| floats(&table, name);
    let (scores, ranks, group_ranks) = (get("score"), get("rank"), get("group_rank"));
    let ids = table.column("编码").unwrap().str().unwrap().clone();
    ids.iter()
        .enumerate()
        .map(|(row, id)| {
            (
                id.unwrap().to_string(),
                (scores[row], ranks[row], group_ranks[row]),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn shuffling_rows_changes_no_score_or_rank(
        hospitals in proptest::collection::vec(hospital(), 1..30),
        seed in any::<u64>(),
    ) {
        let n = hospitals.len();
        let identity: Vec<usize> = (0..n).collect();
        let mut shuffled = identity.clone();
        // Fisher–Yates with a simple LCG from the seed.
        let mut state = seed | 1;
        for i in (1..n).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let before = score(&hospitals, &identity);
        prop_assert_eq!(before.len(), n);
        prop_assert_eq!(before, score(&hospitals, &shuffled));
    }

    #[test]
    fn raising_an_up_indicator_never_lowers_the_score(
        hospitals in proptest::collection::vec(hospital(), 2..30),
        pick in any::<prop::sample::Index>(),
        raise in 1u32..50,
    ) {
        // Q1 (手术占比, up) rises when surgery rises with discharges fixed.
        let i = pick.index(hospitals.len());
        let order: Vec<usize> = (0..hospitals.len()).collect();
        let mut raised = hospitals.clone();
        raised[i].surgery = (raised[i].surgery + raise).min(raised[i].discharges);
        let id = format!("H{i:03}");
        let before = score(&hospitals, &order)[&id].0;
        let after = score(&raised, &order)[&id].0;
        if let (Some(before), Some(after)) = (before, after) {
            prop_assert!(after >= before, "score fell from {} to {}", before, after);
        }
        prop_assert_eq!(before.is_some(), after.is_some());
    }
}
