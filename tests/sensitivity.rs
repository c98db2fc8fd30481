//! `jixiao sensitivity`: the lean ranking path proved equal to the pipeline (the nominal draw
//! against `pipeline::score` for every shipped scheme and every fixture that scores; random
//! draws of every kind against the pipeline's own stages re-run, under every tie rule), seeded
//! runs byte-identical, zero noise giving zero-width intervals at the nominal rank, a
//! zero-weight indicator stated and given indices 0, one draw of draws.csv re-run alone giving
//! its ranks, the text output's snapshot and bad input refused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jixiao::pipeline::{self, IndicatorScores};
use jixiao::plan::Plan;
use jixiao::scheme::{
    GradeBand, GradeBy, GradeSpec, KmeansAlgorithm, Mean, MissingPolicy, Scheme, ShareRounding,
    Ties, Within,
};
use jixiao::sensitivity::{self, draws, Design, Model, Options, Path as DrawPath, Uncertainty};
use jixiao::source::DataFile;

mod common;
use common::{jixiao, transcript};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path) -> Option<(DataFile, Option<DataFile>)> {
    let scheme = Scheme::load(dir).ok()?;
    let dataset = scheme.spec.dataset.clone()?;
    let data = DataFile::from(scheme.dataset_file(&dataset.current).ok()?);
    let prev = match &dataset.previous {
        Some(p) => Some(DataFile::from(scheme.dataset_file(p).ok()?)),
        None => None,
    };
    Some((data, prev))
}

/// The plan and its cached indicator scores, as `jixiao sensitivity` computes them once.
fn cached(dir: &Path) -> (Plan, IndicatorScores) {
    let (data, prev) = files(dir).unwrap();
    let plan = Plan::compile(Scheme::load(dir).unwrap()).unwrap();
    let loaded = pipeline::load_for(&plan, &data, prev.as_ref()).unwrap();
    let scores = pipeline::score_indicators(&plan, loaded.frame).unwrap();
    (plan, scores)
}

/// Every scheme folder with a dataset that scores: the shipped ones and the test fixtures.
fn scoring_schemes() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = [
        "tertiary-core",
        "tertiary-2020",
        "secondary-2020",
        "primary-care",
    ]
    .iter()
    .map(|s| root().join("scoring").join(s))
    .collect();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("scheme.yaml").is_file())
        .collect();
    fixtures.sort();
    for dir in fixtures {
        let Some((data, prev)) = files(&dir) else {
            continue;
        };
        let Ok(plan) = Scheme::load(&dir).and_then(Plan::compile) else {
            continue;
        };
        if pipeline::score(&plan, &data, prev.as_ref()).is_ok() {
            out.push(dir);
        }
    }
    out
}

fn by_id(ids: &[String], values: &[f64]) -> BTreeMap<String, f64> {
    ids.iter().cloned().zip(values.iter().copied()).collect()
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

#[test]
fn the_nominal_draw_ranks_and_grades_as_the_pipeline_for_every_scheme() {
    let schemes = scoring_schemes();
    assert!(schemes.len() >= 8, "{schemes:?}");
    for dir in schemes {
        let (data, prev) = files(&dir).unwrap();
        let plan = Plan::compile(Scheme::load(&dir).unwrap()).unwrap();
        let run = pipeline::score(&plan, &data, prev.as_ref()).unwrap();
        let (plan, scores) = cached(&dir);
        let model = Model::new(&plan, &scores).unwrap();
        let design = Design::new(
            &plan.scheme,
            &scores.weights,
            &Uncertainty {
                weight_noise: Some(0.0),
                ..Uncertainty::default()
            },
        )
        .unwrap();
        let outcome = model.evaluate(&design.nominal_draw()).unwrap();
        let ids = model.text_column(&plan.scheme.spec.columns.id).unwrap();
        let table = &run.table;
        let id_column = &plan.scheme.spec.columns.id;
        let table_ids: Vec<String> = table
            .column(id_column)
            .unwrap()
            .cast(&polars::prelude::DataType::String)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|s| s.unwrap().to_string())
            .collect();
        let ranks = common::floats(table, "rank");
        let group_ranks = common::floats(table, "group_rank");
        let grades: Vec<Option<String>> = table
            .column("grade")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|g| g.map(String::from))
            .collect();
        let lean_rank = by_id(&ids, &outcome.rank);
        let lean_group = by_id(&ids, &outcome.group_rank);
        let lean_grade: BTreeMap<&String, Option<String>> = ids
            .iter()
            .zip(&outcome.grade)
            .map(|(id, g)| {
                let g = (*g != sensitivity::NO_GRADE).then(|| model.bands()[*g as usize].clone());
                (id, g)
            })
            .collect();
        assert_eq!(table_ids.len(), ids.len(), "{}", dir.display());
        for (i, id) in table_ids.iter().enumerate() {
            let expected = ranks[i].unwrap_or(f64::NAN);
            assert!(
                same(lean_rank[id], expected),
                "{}: {id} rank {} vs the pipeline's {expected}",
                dir.display(),
                lean_rank[id]
            );
            let expected = group_ranks[i].unwrap_or(f64::NAN);
            assert!(
                same(lean_group[id], expected),
                "{}: {id} group rank",
                dir.display()
            );
            assert_eq!(lean_grade[id], grades[i], "{}: {id} grade", dir.display());
        }
        // The shipped schemes all take the lean path, and grade natively.
        if dir.starts_with(root().join("scoring")) {
            assert_eq!(model.path, DrawPath::Lean, "{}", dir.display());
            assert_eq!(model.grading_note(), None, "{}", dir.display());
            assert!(plan.scheme.spec.grades.is_some(), "{}", dir.display());
        }
    }
}

/// Every kind of uncertain input at once.
fn everything() -> Uncertainty {
    Uncertainty {
        weight_noise: Some(0.4),
        dirichlet: None,
        means: vec![Mean::Arithmetic, Mean::Geometric, Mean::Harmonic],
        missing: vec![MissingPolicy::Renormalise, MissingPolicy::Zero],
        leave_out_indicator: true,
        leave_out_dimension: true,
        // Alternative methods: tests/sensitivity_methods.rs, with their swapped score columns.
        ..Uncertainty::default()
    }
}

fn assert_lean_equals_rescore(model: &Model, design: &Design, draws: usize, seed: u64, what: &str) {
    let s = sensitivity::sampling::Saltelli::new(seed, draws, design.factors.len());
    for (j, u) in s.a.iter().enumerate() {
        let draw = design.draw(u);
        let lean = model.lean(&draw).unwrap();
        let full = model.rescore(&draw).unwrap();
        for r in 0..lean.rank.len() {
            assert!(
                same(lean.score[r], full.score[r]),
                "{what} draw {j} row {r}: score {} vs {} ({draw:?})",
                lean.score[r],
                full.score[r]
            );
            assert!(
                same(lean.rank[r], full.rank[r]),
                "{what} draw {j} row {r}: rank"
            );
            assert!(
                same(lean.group_rank[r], full.group_rank[r]),
                "{what} draw {j} row {r}"
            );
            assert_eq!(
                lean.grade[r], full.grade[r],
                "{what} draw {j} row {r}: grade"
            );
        }
    }
}

#[test]
fn random_draws_rank_and_grade_as_the_pipeline_rerun() {
    for name in [
        "tertiary-core",
        "tertiary-2020",
        "secondary-2020",
        "primary-care",
    ] {
        let (plan, scores) = cached(&root().join("scoring").join(name));
        let model = Model::new(&plan, &scores).unwrap();
        let design = Design::new(&plan.scheme, &scores.weights, &everything()).unwrap();
        assert_lean_equals_rescore(&model, &design, 6, 11, name);
        let dirichlet = Uncertainty {
            weight_noise: None,
            dirichlet: Some(20.0),
            ..everything()
        };
        let design = Design::new(&plan.scheme, &scores.weights, &dirichlet).unwrap();
        assert_lean_equals_rescore(&model, &design, 3, 12, name);
    }
    // Every tie rule, and the fixtures with grade adjustments and data-driven grades.
    for ties in [Ties::Min, Ties::Dense, Ties::Average, Ties::Ordinal] {
        let (mut plan, scores) = cached(&root().join("scoring/tertiary-core"));
        plan.scheme.spec.ranking.ties = ties;
        plan.adjustments.score_decimals = 0; // many ties
        let model = Model::new(&plan, &scores).unwrap();
        let design = Design::new(&plan.scheme, &scores.weights, &everything()).unwrap();
        assert_lean_equals_rescore(&model, &design, 3, 13, &format!("{ties:?}"));
    }
    for fixture in [
        "grade-adjust",
        "grading",
        "features",
        "methods",
        "inclusion",
    ] {
        let dir = root().join("tests/fixtures").join(fixture);
        if files(&dir).is_none() {
            continue;
        }
        let (plan, scores) = cached(&dir);
        let model = Model::new(&plan, &scores).unwrap();
        let design = Design::new(&plan.scheme, &scores.weights, &everything()).unwrap();
        assert_lean_equals_rescore(&model, &design, 4, 14, fixture);
    }
}

/// The grade specs of every method, rounding, `within` and k-means algorithm, with bands that
/// split tertiary-core's scores (about 60–90).
fn every_grading() -> Vec<(String, GradeSpec)> {
    let band = |grade: &str| GradeBand {
        grade: grade.into(),
        min: None,
        top: None,
        above_sd: None,
    };
    let four = || vec![band("A"), band("B"), band("C"), band("D")];
    let spec = |by: GradeBy, within: Within| GradeSpec {
        by,
        within,
        algorithm: None,
        rounding: None,
        bands: four(),
    };
    let mut out = Vec::new();
    for within in [Within::All, Within::PeerGroup] {
        let mut score = spec(GradeBy::Score, within);
        for (band, min) in score.bands.iter_mut().zip([82.0, 78.0, 74.0]) {
            band.min = Some(min);
        }
        out.push((format!("score {within:?}"), score));
        for rounding in [
            ShareRounding::Floor,
            ShareRounding::Ceil,
            ShareRounding::Nearest,
        ] {
            let mut share = spec(GradeBy::RankShare, within);
            for (band, top) in share.bands.iter_mut().zip([0.1, 0.4, 0.8]) {
                band.top = Some(top);
            }
            share.rounding = Some(rounding);
            out.push((format!("rank_share {within:?} {rounding:?}"), share));
        }
        let mut mean_sd = spec(GradeBy::MeanSd, within);
        for (band, k) in mean_sd.bands.iter_mut().zip([1.0, 0.0, -1.0]) {
            band.above_sd = Some(k);
        }
        out.push((format!("mean_sd {within:?}"), mean_sd));
        for algorithm in [
            KmeansAlgorithm::Exact,
            KmeansAlgorithm::HartiganWong,
            KmeansAlgorithm::SasFastclus,
        ] {
            let mut kmeans = spec(GradeBy::Kmeans, within);
            kmeans.algorithm = Some(algorithm);
            out.push((format!("kmeans {within:?} {algorithm:?}"), kmeans));
        }
        out.push((
            format!("rsr_probit {within:?}"),
            spec(GradeBy::RsrProbit, within),
        ));
    }
    out
}

#[test]
fn every_grading_method_grades_draws_natively_as_the_pipeline() {
    let dir = root().join("scoring/tertiary-core");
    for (i, (name, spec)) in every_grading().into_iter().enumerate() {
        for ties in [Ties::Min, Ties::Average, Ties::Dense, Ties::Ordinal] {
            let (mut plan, scores) = cached(&dir);
            plan.scheme.spec.grades = Some(spec.clone());
            plan.scheme.spec.ranking.ties = ties;
            // Whole scores: many ties at the edges of bands.
            plan.adjustments.score_decimals = 0;
            let model = Model::new(&plan, &scores).unwrap();
            assert_eq!(model.path, DrawPath::Lean, "{name}");
            // Natively, except mean_sd (polars' own summation of the mean and SD).
            assert_eq!(
                model.grading_note().is_some(),
                spec.by == GradeBy::MeanSd,
                "{name}: {:?}",
                model.grading_note()
            );
            let design = Design::new(&plan.scheme, &scores.weights, &everything()).unwrap();
            let what = format!("{name} {ties:?}");
            assert_lean_equals_rescore(&model, &design, 2, 30 + i as u64, &what);
            // The draws do grade: not everyone alike.
            let graded = model.lean(&design.nominal_draw()).unwrap().grade;
            assert!(graded.iter().any(|&g| g != graded[0]), "{what}");
        }
    }
}

#[test]
fn grade_adjustments_grade_natively_or_by_the_pipeline_expressions() {
    use jixiao::grade::adjust::{lowest, GradeAdjustment};
    use polars::prelude::{col, lit};
    let dir = root().join("scoring/tertiary-core");
    // On an indicator's score (the weights do not change it): natively; on a dimension's
    // score (they do): by the pipeline's grade expressions on the lean path.
    for (when, native) in [
        (col("T4.score").lt(lit(60.0)), true),
        (lowest(col("医疗质量.score"), 0.25), false),
    ] {
        let (mut plan, scores) = cached(&dir);
        plan.grade_adjustments = vec![
            GradeAdjustment {
                when: when.clone(),
                steps: 1,
            },
            GradeAdjustment {
                when: col("T5.score").gt(lit(90.0)),
                steps: -2,
            },
        ];
        let model = Model::new(&plan, &scores).unwrap();
        assert_eq!(model.path, DrawPath::Lean);
        assert_eq!(model.grading_note().is_none(), native, "{when:?}");
        let design = Design::new(&plan.scheme, &scores.weights, &everything()).unwrap();
        assert_lean_equals_rescore(&model, &design, 4, 40, &format!("{when:?}"));
    }
}

fn analyse(dir: &Path, uncertainty: &Uncertainty, options: &Options) -> sensitivity::Analysis {
    let (plan, scores) = cached(dir);
    sensitivity::analyse(&plan, &scores, uncertainty, options, &|_, _| {}).unwrap()
}

fn small(draws: usize, seed: u64) -> Options {
    Options {
        draws,
        seed,
        indices: true,
        resamples: 50,
        ..Options::default()
    }
}

#[test]
fn seeded_runs_are_byte_identical_and_other_seeds_differ() {
    let dir = root().join("scoring/tertiary-core");
    let u = Uncertainty {
        weight_noise: Some(0.3),
        means: vec![Mean::Arithmetic, Mean::Geometric],
        leave_out_dimension: true,
        ..Uncertainty::default()
    };
    let text = |a: &sensitivity::Analysis| {
        jixiao::report::sensitivity::text(a, "tertiary-core", 320) + draws::csv(a).as_str()
    };
    let one = analyse(&dir, &u, &small(12, 5));
    // One thread, two or three: the same bytes.
    for threads in [1, 2, 3] {
        let other = analyse(
            &dir,
            &u,
            &Options {
                threads,
                ..small(12, 5)
            },
        );
        assert_eq!(text(&one), text(&other), "{threads} threads");
        let table = |a: &sensitivity::Analysis| {
            use polars::prelude::SerWriter as _;
            let mut frame = jixiao::report::sensitivity::institutions_table(a).unwrap();
            let mut csv = Vec::new();
            polars::prelude::CsvWriter::new(&mut csv)
                .finish(&mut frame)
                .unwrap();
            csv
        };
        assert_eq!(table(&one), table(&other), "{threads} threads");
    }
    let other = analyse(&dir, &u, &small(12, 6));
    assert_ne!(text(&one), text(&other));
    // A's draws do not depend on the indices being asked for.
    let plain = analyse(
        &dir,
        &u,
        &Options {
            indices: false,
            ..small(12, 5)
        },
    );
    assert_eq!(plain.institutions, one.institutions);
}

#[test]
fn zero_noise_gives_zero_width_intervals_at_the_nominal_rank() {
    let dir = root().join("scoring/tertiary-2020");
    let u = Uncertainty {
        weight_noise: Some(0.0),
        ..Uncertainty::default()
    };
    let a = analyse(&dir, &u, &small(5, 1));
    assert!(a.design.factors.is_empty());
    assert!(a.design.fixed.iter().any(|f| f.input == "weight noise"));
    let mut ranked = 0;
    for i in &a.institutions {
        if i.nominal_rank.is_nan() {
            assert_eq!(i.ranked, 0, "{}", i.id);
            continue;
        }
        ranked += 1;
        assert_eq!(
            (i.q5, i.median, i.q95),
            (i.nominal_rank, i.nominal_rank, i.nominal_rank)
        );
        // The nominal grade in every draw.
        assert_eq!(i.grade_shares[i.nominal_grade as usize], 1.0, "{}", i.id);
    }
    assert!(ranked > 100);
    assert_eq!(a.median_interval_width(), 0.0);
}

/// A copy of the four-institution fixture with indicator Q2's weight set to 0.
fn zero_weight_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = root().join("tests/fixtures/tiny");
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let yaml = std::fs::read_to_string(source.join("scheme.yaml")).unwrap();
    let edited = yaml.replace(
        "weight: 1, scoring: {method: goalposts",
        "weight: 0, scoring: {method: goalposts",
    );
    assert_ne!(yaml, edited);
    std::fs::write(dir.path().join("scheme.yaml"), edited).unwrap();
    dir
}

#[test]
fn a_zero_weight_indicator_is_stated_and_gets_indices_zero() {
    let dir = zero_weight_fixture();
    let u = Uncertainty {
        weight_noise: Some(0.5),
        ..Uncertainty::default()
    };
    let a = analyse(dir.path(), &u, &small(64, 3));
    let q2 = a
        .indices
        .iter()
        .find(|i| i.input == "weight Q2")
        .expect("Q2's weight is listed");
    assert!(!q2.varied);
    assert_eq!(q2.indices, sensitivity::Indices::ZERO);
    let reason = &a
        .design
        .fixed
        .iter()
        .find(|f| f.input == "weight Q2")
        .unwrap()
        .reason;
    assert!(reason.contains("0 in scheme.yaml"), "{reason}");
    // Q1 and E1 are alone in their dimensions: stated too; the dimensions' weights vary.
    for alone in ["weight Q1", "weight E1"] {
        assert!(a.design.fixed.iter().any(|f| f.input == alone), "{alone}");
    }
    let varied: Vec<&str> = a
        .indices
        .iter()
        .filter(|i| i.varied)
        .map(|i| i.input.as_str())
        .collect();
    assert_eq!(varied, ["weight 质量", "weight 效率"]);
    let text = jixiao::report::sensitivity::text(&a, "zero-weight", 4);
    assert!(
        text.contains("weight Q2: 0 in scheme.yaml: any multiple of 0 is 0"),
        "{text}"
    );
}

#[test]
fn a_draw_rerun_alone_from_draws_csv_reproduces_its_ranks() {
    let dir = root().join("scoring/tertiary-core");
    let u = Uncertainty {
        weight_noise: Some(0.3),
        means: vec![Mean::Arithmetic, Mean::Harmonic],
        missing: vec![MissingPolicy::Renormalise, MissingPolicy::Zero],
        leave_out_indicator: true,
        ..Uncertainty::default()
    };
    let (plan, scores) = cached(&dir);
    let a = sensitivity::analyse(&plan, &scores, &u, &small(8, 21), &|_, _| {}).unwrap();
    let csv = draws::csv(&a);
    let model = Model::new(&plan, &scores).unwrap();
    let ids = model.text_column(&plan.scheme.spec.columns.id).unwrap();
    // An A draw, a B draw and an A_B draw.
    for k in [3, 8 + 2, a.runs.len() - 1] {
        let run = &a.runs[k - 1];
        assert_eq!(run.draw, k);
        let expected = model.evaluate(&a.design.draw(&run.u)).unwrap();
        let draw = draws::read(Path::new("draws.csv"), &csv, k, &scores.weights).unwrap();
        assert_eq!(draw, a.design.draw(&run.u), "draw {k} read back exactly");
        let table = sensitivity::rerun_table(&plan, &scores, &draw).unwrap();
        let table_ids = common::texts_by_column(&table, &plan.scheme.spec.columns.id);
        let ranks = common::floats(&table, "rank");
        let expected = by_id(&ids, &expected.rank);
        for (id, rank) in table_ids.iter().zip(ranks) {
            assert!(
                same(expected[id], rank.unwrap_or(f64::NAN)),
                "draw {k}: {id}"
            );
        }
        // Its shift is the one recorded.
        let nominal = model.evaluate(&a.design.nominal_draw()).unwrap();
        let shift = sensitivity::mean_shift(&model.evaluate(&draw).unwrap().rank, &nominal.rank);
        assert_eq!(shift, run.shift);
    }
    let missing = draws::read(Path::new("draws.csv"), &csv, 10_000, &scores.weights);
    assert!(missing.unwrap_err().to_string().contains("no draw 10000"));
}

#[test]
fn text_output_of_the_default_scheme() {
    let out = jixiao(&[
        "sensitivity",
        "--draws",
        "16",
        "--seed",
        "7",
        "--weight-noise",
        "0.25",
        "--means",
        "arithmetic,geometric",
        "--leave-one-out",
        "dimension",
        "--indices",
        "--resamples",
        "100",
        "--top",
        "8",
        "--quiet",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!(transcript(&out));
}

#[test]
fn the_cli_reruns_a_draw_of_its_draws_csv() {
    let dir = tempfile::tempdir().unwrap();
    let draws = dir.path().join("draws.csv");
    let table = dir.path().join("intervals.csv");
    let out = jixiao(&[
        "sensitivity",
        "--draws",
        "5",
        "--weight-noise",
        "0.3",
        "--quiet",
        "--draws-out",
        draws.to_str().unwrap(),
        "--out",
        table.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&draws).unwrap();
    assert_eq!(text.lines().count(), 6, "a header and 5 draws");
    assert!(
        text.starts_with("draw,matrix,input,mean_abs_rank_shift,mean,missing,left_out,w:医疗质量")
    );
    let intervals = std::fs::read_to_string(&table).unwrap();
    assert!(intervals.starts_with("id,name,peer_group,nominal_rank,nominal_grade,median_rank,q5_rank,q95_rank,draws_ranked,p_A"), "{intervals}");
    assert_eq!(intervals.lines().count(), 321);
    let rerun = jixiao(&[
        "sensitivity",
        "--rerun",
        draws.to_str().unwrap(),
        "--draw",
        "4",
        "--top",
        "3",
    ]);
    assert_eq!(rerun.code, 0, "{}", rerun.stderr);
    assert!(rerun.stdout.starts_with("draw 4 of "), "{}", rerun.stdout);
}

#[test]
fn bad_input_is_refused_with_exit_1() {
    let nothing = jixiao(&["sensitivity", "--draws", "5"]);
    assert_eq!(nothing.code, 1);
    assert!(
        nothing.stderr.contains("no uncertain input declared"),
        "{}",
        nothing.stderr
    );
    let noise = jixiao(&["sensitivity", "--weight-noise", "1.5"]);
    assert_eq!(noise.code, 1);
    assert!(noise.stderr.contains("0 ≤ p < 1"), "{}", noise.stderr);
    let both = jixiao(&["sensitivity", "--weight-noise", "0.2", "--dirichlet", "50"]);
    assert_eq!(both.code, 1);
    let one = jixiao(&["sensitivity", "--weight-noise", "0.2", "--draws", "1"]);
    assert_eq!(one.code, 1);
    assert!(one.stderr.contains("at least 2 draws"), "{}", one.stderr);
}

/// The uncertain inputs declared in a file are the same inputs as the flags: a seeded run gives
/// the same draws either way; `--missing` varies the policy and `--indices-out` writes the indices.
#[test]
fn an_uncertainty_file_declares_what_the_flags_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("uncertainty.yaml");
    std::fs::write(&file, "weight_noise: 0.2\nmissing: [renormalise, zero]\n").unwrap();
    let run = |declared: &[&str], name: &str| {
        let draws = dir.path().join(format!("{name}-draws.csv"));
        let indices = dir.path().join(format!("{name}-indices.csv"));
        let mut args = vec!["sensitivity", "--draws", "6", "--seed", "7", "--indices"];
        args.extend_from_slice(declared);
        args.extend([
            "--draws-out",
            draws.to_str().unwrap(),
            "--indices-out",
            indices.to_str().unwrap(),
        ]);
        let o = jixiao(&args);
        assert_eq!(o.code, 0, "{}", o.stderr);
        // The report, without the lines naming the files written.
        let report: Vec<String> = o
            .stdout
            .lines()
            .filter(|l| !l.starts_with("wrote "))
            .map(String::from)
            .collect();
        (
            std::fs::read_to_string(draws).unwrap(),
            std::fs::read_to_string(indices).unwrap(),
            report,
        )
    };
    let by_flags = run(
        &["--weight-noise", "0.2", "--missing", "renormalise,zero"],
        "flags",
    );
    let by_file = run(&["--uncertainty", file.to_str().unwrap()], "file");
    assert_eq!(by_flags, by_file);
    let (draws, indices, _) = by_flags;
    // The policy varies between the draws: both are drawn.
    let policies: std::collections::BTreeSet<&str> = draws
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(5).unwrap())
        .collect();
    assert!(policies.len() == 2, "{policies:?}");
    assert!(indices.lines().count() > 2, "{indices}");
    assert!(indices.contains("missing"), "{indices}");
}

/// A single draw with its node scores (the watch loop's) runs its halves on two threads once
/// there are enough institutions: the same numbers as one thread and as the pipeline's stages,
/// on 20,000 generated institutions of tertiary-2020 under weight noise.
#[test]
fn a_draw_on_two_threads_equals_one_thread_and_the_pipeline() {
    use polars::prelude::{CsvWriter, SerWriter};
    let dir = tempfile::tempdir().unwrap();
    let scheme_dir = root().join("scoring/tertiary-2020");
    for entry in std::fs::read_dir(&scheme_dir).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let mut sample = jixiao::synthetic::SampleKind::Tertiary2020.generate(20_000, 11);
    for (name, frame) in [
        ("current.csv", &mut sample.current),
        ("previous.csv", &mut sample.previous),
    ] {
        let mut file = std::fs::File::create(dir.path().join(name)).unwrap();
        CsvWriter::new(&mut file).finish(frame).unwrap();
    }
    let plan = Plan::compile(Scheme::load(dir.path()).unwrap()).unwrap();
    let prev = DataFile::from(dir.path().join("previous.csv"));
    let loaded = pipeline::load_for(
        &plan,
        &DataFile::from(dir.path().join("current.csv")),
        Some(&prev),
    )
    .unwrap();
    let scores = pipeline::score_indicators(&plan, loaded.frame).unwrap();
    let model = Model::new(&plan, &scores).unwrap();
    assert_eq!(model.path, DrawPath::Lean);
    let uncertainty = Uncertainty {
        weight_noise: Some(0.3),
        ..Uncertainty::default()
    };
    let design = Design::new(&plan.scheme, &scores.weights, &uncertainty).unwrap();
    let s = sensitivity::sampling::Saltelli::new(5, 3, design.factors.len());
    for (j, u) in s.a.iter().enumerate() {
        let draw = design.draw(u);
        let (two, nodes) = model.lean_with_nodes(&draw).unwrap();
        let one = model.lean(&draw).unwrap();
        let full = model.rescore(&draw).unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (name, a, b, c) in [
            ("score", &two.score, &one.score, &full.score),
            ("rank", &two.rank, &one.rank, &full.rank),
            (
                "group rank",
                &two.group_rank,
                &one.group_rank,
                &full.group_rank,
            ),
        ] {
            assert_eq!(bits(a), bits(b), "draw {j}: {name}, two threads vs one");
            assert!(
                a.iter().zip(c.iter()).all(|(x, y)| same(*x, *y)),
                "draw {j}: {name} vs the pipeline"
            );
        }
        assert_eq!(two.grade, one.grade, "draw {j}: grades");
        assert_eq!(two.grade, full.grade, "draw {j}: grades vs the pipeline");
        // Every inner node's scores, in both halves: none left at the buffers' zero.
        assert!(!nodes.is_empty());
        for (id, values) in &nodes {
            assert_eq!(values.len(), 20_000, "{id}");
            assert!(values[19_999] != 0.0 || values[0] != 0.0, "{id}");
        }
    }
}
