//! The shipped CMS star-rating schemes on CMS's own input of the July 2025 release
//! (`../shared/data/cms/2025jul/input.csv.gz`, 4,566 hospitals × 46 measures), read as it is —
//! no pre-processing — against CMS's published output and the 2026 R pack run on the same input.
//!
//! * `cms-stars-2025` (the SAS-era method): the same hospitals rated, the same peer groups, every
//!   rated hospital's published star, and every group score and summary score within 1e-9 of
//!   `published.csv.gz` (which holds them at full precision).
//! * `cms-stars-2026` (the R pack): every hospital's star before and after the safety penalty
//!   equal to `rpack2026_method.csv.gz`.

use std::collections::BTreeMap;

use jixiao::columns::{
    score_column, GRADE_COLUMN, NOT_RATED_COLUMN, PEER_GROUP_COLUMN, WEIGHTED_COLUMN,
};
use jixiao::pipeline::{self, ScoreOptions};
use jixiao::plan::Plan;
use polars::prelude::*;

mod common;
use common::{cms_file, read_gz_csv, shipped_scheme};

const GROUPS: [&str; 5] = [
    "Mortality",
    "Safety",
    "Readmission",
    "PatientExperience",
    "Process",
];

/// One hospital as scored: group scores, summary, rated, peer group, star, and whether the
/// first grade adjustment moved its star.
#[derive(Debug)]
struct Scored {
    groups: [Option<f64>; 5],
    summary: f64,
    rated: bool,
    peer_group: String,
    star: Option<u32>,
    penalised: bool,
}

fn score(scheme: &str) -> BTreeMap<String, Scored> {
    let plan = Plan::compile(shipped_scheme(scheme)).unwrap();
    let options = ScoreOptions {
        contributions: false,
        keep_scored: true,
    };
    let data = jixiao::source::DataFile::from(cms_file("input.csv.gz"));
    let run = pipeline::score_with(&plan, &data, None, options).unwrap();
    let frame = run.scored.unwrap();
    let text = |name: &str| -> Vec<Option<String>> {
        let column = frame.column(name).unwrap().cast(&DataType::String).unwrap();
        column
            .str()
            .unwrap()
            .iter()
            .map(|v| v.map(String::from))
            .collect()
    };
    let float = |name: &str| -> Vec<Option<f64>> {
        frame.column(name).unwrap().f64().unwrap().iter().collect()
    };
    let flag = |name: &str| -> Vec<bool> {
        match frame.column(name) {
            Ok(c) => c.bool().unwrap().iter().map(|v| v == Some(true)).collect(),
            Err(_) => vec![false; frame.height()],
        }
    };
    let ids = text("PROVIDER_ID");
    let groups: Vec<Vec<Option<f64>>> = GROUPS.iter().map(|g| float(&score_column(g))).collect();
    let summary = float(WEIGHTED_COLUMN);
    let not_rated = flag(NOT_RATED_COLUMN);
    let peer = text(PEER_GROUP_COLUMN);
    let star = text(GRADE_COLUMN);
    let moved = flag(&jixiao::grade::adjust::moved_column(0));
    (0..frame.height())
        .map(|i| {
            let scored = Scored {
                groups: std::array::from_fn(|g| groups[g][i]),
                summary: summary[i].expect("every hospital has a summary score"),
                rated: !not_rated[i],
                peer_group: peer[i].clone().unwrap(),
                star: star[i].as_ref().map(|s| s.parse().unwrap()),
                penalised: moved[i],
            };
            (ids[i].clone().unwrap(), scored)
        })
        .collect()
}

#[test]
fn cms_stars_2025_reproduces_the_published_release() {
    let published = read_gz_csv(&cms_file("published.csv.gz"));
    assert_eq!(published.len(), 4566);
    let scored = score("cms-stars-2025");
    assert_eq!(scored.len(), 4566, "every hospital of the input is scored");
    let (mut rated, mut worst_group, mut worst_summary) = (0, 0.0f64, 0.0f64);
    for row in &published {
        let id = &row["PROVIDER_ID"];
        let s = &scored[id];
        for (g, group) in GROUPS.iter().enumerate() {
            let want = &row[&format!("{group}_score")];
            match (want.is_empty(), s.groups[g]) {
                (true, None) => {}
                (false, Some(got)) => {
                    worst_group = worst_group.max((got - want.parse::<f64>().unwrap()).abs())
                }
                (_, got) => panic!("{id} {group}: published {want:?}, scored {got:?}"),
            }
        }
        let want: f64 = row["summary_score"].parse().unwrap();
        worst_summary = worst_summary.max((s.summary - want).abs());
        assert_eq!(s.rated, row["report"] == "1", "{id}: rated");
        if s.rated {
            rated += 1;
            assert_eq!(s.peer_group, row["peer_group"], "{id}: peer group");
            assert_eq!(
                s.star,
                Some(row["star"].parse().unwrap()),
                "{id}: star (peer group {})",
                s.peer_group
            );
        } else {
            assert_eq!(s.star, None, "{id}: an unrated hospital has no star");
        }
    }
    assert_eq!(rated, 2891);
    println!("largest differences: group score {worst_group:e}, summary {worst_summary:e}");
    assert!(worst_group < 1e-9, "group scores differ by {worst_group:e}");
    assert!(
        worst_summary < 1e-9,
        "summary scores differ by {worst_summary:e}"
    );
}

#[test]
fn cms_stars_2026_reproduces_the_r_pack_before_and_after_the_safety_penalty() {
    let rpack = read_gz_csv(&cms_file("rpack2026_method.csv.gz"));
    let scored = score("cms-stars-2026");
    let (mut rated, mut penalised) = (0, 0);
    for row in &rpack {
        let id = &row["PROVIDER_ID"];
        let s = &scored[id];
        assert_eq!(s.rated, row["report_indicator"] == "1", "{id}: rated");
        if !s.rated {
            assert_eq!(s.star, None, "{id}");
            continue;
        }
        rated += 1;
        let star = s.star.expect("a rated hospital has a star");
        let before = star + u32::from(s.penalised);
        assert_eq!(
            before.to_string(),
            row["star_before_safety"],
            "{id}: star before the safety penalty"
        );
        assert_eq!(star.to_string(), row["star"], "{id}: star");
        penalised += usize::from(s.penalised);
    }
    assert_eq!(rated, 2891);
    // Hand count from the R pack's file: stars lowered by the penalty (a 1-star hospital in the
    // lowest quartile stays at 1 and is not counted).
    assert_eq!(penalised, PENALISED);
}

/// Rated hospitals whose star the R pack lowers (star_before_safety − star = 1).
const PENALISED: usize = 463;
