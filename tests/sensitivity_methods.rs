//! `jixiao sensitivity` with alternative scoring methods per indicator: every method's swapped-in
//! score column, ranks and output table equal a pipeline run with scheme.yaml edited to that
//! method (on plain, treated, imputed, band and inclusion-counted indicators); a draw's methods
//! written to draws.csv and re-run alone give its ranks; a weight-0 indicator whose method varies
//! is stated and gets indices 0; switching one indicator's method on a four-institution fixture
//! changes ranks and gets a positive total index; declarations refused with their fix.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jixiao::pipeline::{self, IndicatorScores, ScoreOptions};
use jixiao::plan::Plan;
use jixiao::scheme::{IndicatorSpec, Scheme, Scoring};
use jixiao::sensitivity::methods::{Alternative, Alternatives, Declared};
use jixiao::sensitivity::{self, draws, Design, Factor, Model, Options, Uncertainty};
use jixiao::source::DataFile;

mod common;
use common::jixiao;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(scheme: &Scheme) -> (DataFile, Option<DataFile>) {
    let dataset = scheme.spec.dataset.clone().unwrap();
    let data = DataFile::from(scheme.dataset_file(&dataset.current).unwrap());
    let prev = dataset
        .previous
        .as_ref()
        .map(|p| DataFile::from(scheme.dataset_file(p).unwrap()));
    (data, prev)
}

fn cached(scheme: Scheme) -> (Plan, IndicatorScores) {
    let (data, prev) = files(&scheme);
    let plan = Plan::compile(scheme).unwrap();
    let loaded = pipeline::load_for(&plan, &data, prev.as_ref()).unwrap();
    let scores = pipeline::score_indicators(&plan, loaded.frame).unwrap();
    (plan, scores)
}

fn method(yaml: &str) -> Scoring {
    serde_yaml::from_str(yaml).unwrap()
}

fn spec_mut<'a>(specs: &'a mut [IndicatorSpec], id: &str) -> Option<&'a mut IndicatorSpec> {
    for spec in specs {
        if spec.id == id {
            return Some(spec);
        }
        if let Some(found) = spec_mut(&mut spec.children, id) {
            return Some(found);
        }
    }
    None
}

fn methods_of(id: &str, alternatives: &[Scoring]) -> BTreeMap<String, Vec<Alternative>> {
    let list = alternatives
        .iter()
        .cloned()
        .map(Alternative::Written)
        .collect();
    BTreeMap::from([(id.to_string(), list)])
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.to_bits() == b.to_bits(),
        (None, None) => true,
        _ => false,
    }
}

/// Scores indicator `id` of the scheme in `dir` by `scoring` both ways: the pipeline with
/// scheme.yaml edited to the method, and the sensitivity draw that picks the method among the
/// own one and it. The score column, the ranks (lean path) and the re-run table must be equal.
fn swapped_equals_edited(dir: &Path, id: &str, scoring: &Scoring) {
    let what = format!("{} {id} {scoring:?}", dir.display());
    let scheme = Scheme::load(dir).unwrap();
    let own = scheme.scoring_of(scheme.indicator(id).unwrap());
    let mut edited = scheme.clone();
    spec_mut(&mut edited.spec.indicators, id).unwrap().scoring = Some(scoring.clone());
    let (data, prev) = files(&edited);
    let edited_plan = Plan::compile(edited).unwrap();
    let run =
        pipeline::score_with(&edited_plan, &data, prev.as_ref(), ScoreOptions::EXPLAIN).unwrap();
    let scored = run.scored.as_ref().unwrap();
    let score_name = format!("{id}.score");

    let (plan, scores) = cached(scheme);
    let u = Uncertainty {
        methods: methods_of(id, &[own, scoring.clone()]),
        ..Uncertainty::default()
    };
    let design = Design::new(&plan.scheme, &scores.weights, &u).unwrap();
    assert_eq!(design.factors.len(), 1, "{what}: {:?}", design.fixed);
    let draw = design.draw(&[0.75]);
    assert_eq!(draw.methods, [(id.to_string(), scoring.clone())], "{what}");
    let alternatives = Alternatives::new(&plan, &scores, &design.factors).unwrap();
    let swap = alternatives.swap(&draw.methods).unwrap();
    // The swapped column is the edited pipeline's score column, bit for bit (input order both).
    let expected = common::floats(scored, &score_name);
    let swapped: Vec<Option<f64>> = swap.leaves[0]
        .1
        .iter()
        .map(|v| (!v.is_nan()).then_some(*v))
        .collect();
    assert_eq!(expected.len(), swapped.len(), "{what}");
    for (r, (a, b)) in expected.iter().zip(&swapped).enumerate() {
        assert!(
            same(*a, *b),
            "{what}: row {r}: pipeline {a:?}, swapped {b:?}"
        );
    }
    // Ranks on the lean path (or the model's own path) equal the edited run's.
    let model = Model::new(&plan, &scores).unwrap();
    let outcome = model.evaluate_swapped(&draw, &swap).unwrap();
    let id_column = &plan.scheme.spec.columns.id;
    let ids = model.text_column(id_column).unwrap();
    let table_ids = common::texts_by_column(&run.table, id_column);
    let table_ranks = common::floats(&run.table, "rank");
    let by_id: BTreeMap<&str, Option<f64>> = table_ids
        .iter()
        .map(String::as_str)
        .zip(table_ranks.iter().copied())
        .collect();
    let mut moved = 0;
    for (i, id) in ids.iter().enumerate() {
        let lean = (!outcome.rank[i].is_nan()).then_some(outcome.rank[i]);
        assert!(same(by_id[id.as_str()], lean), "{what}: rank of {id}");
        moved += usize::from(lean.is_some());
    }
    assert!(moved > 0, "{what}: nobody ranked");
    // The re-run table of the draw is the edited run's table.
    let table = sensitivity::rerun_table(&plan, &scores, &draw).unwrap();
    for column in ["score", "rank", "group_rank", "grade", score_name.as_str()] {
        let a = run.table.column(column).unwrap();
        let b = table.column(column).unwrap();
        assert!(
            a.as_materialized_series()
                .equals_missing(b.as_materialized_series()),
            "{what}: column {column}"
        );
    }
}

#[test]
fn every_method_swapped_in_equals_the_pipeline_with_scheme_yaml_edited() {
    let core = root().join("scoring/tertiary-core");
    // T4 (出院患者手术占比, up), own method percentile_rank within peer groups.
    for yaml in [
        "{method: min_max}",
        "{method: min_max, within: peer_group}",
        "{method: z_score, within: peer_group}",
        "{method: z_score, mean: 0, sd: 1}",
        "{method: percentile_rank}",
        "{method: target, target: 40}",
        "{method: goalposts, zero_at: 10, full_at: 50}",
        "{method: threshold, threshold: 30, otherwise: 20}",
        "{method: rank, within: peer_group}",
        "{method: rank, borda: true}",
        "{method: distance_to_target, target: 45}",
        "{method: distance_to_target, target: 30, cap: false}",
        "{method: vector}",
        "{method: sum, within: peer_group}",
        "{method: reciprocal}",
        "{method: index, standard: median}",
        "{method: efficacy, satisfactory: max, unacceptable: min}",
        "{method: efficacy, satisfactory: 50, unacceptable: 10, clip: false}",
    ] {
        swapped_equals_edited(&core, "T4", &method(yaml));
    }
    // T40 (住院次均费用增幅, down: lower is better), from the previous period.
    for yaml in [
        "{method: min_max}",
        "{method: reciprocal, within: peer_group}",
        "{method: target, target: 5}",
    ] {
        swapped_equals_edited(&core, "T40", &method(yaml));
    }
    let fixture = root().join("tests/fixtures/methods");
    // W is winsorised before scoring, C has its missing values imputed, O is a band (中优).
    swapped_equals_edited(&fixture, "W", &method("{method: percentile_rank}"));
    swapped_equals_edited(&fixture, "W", &method("{method: z_score}"));
    swapped_equals_edited(&fixture, "C", &method("{method: min_max}"));
    swapped_equals_edited(&fixture, "O", &method("{method: min_max}"));
    swapped_equals_edited(
        &fixture,
        "O",
        &method("{method: optimal, within: peer_group}"),
    );
    // Y is reported by fewer institutions than `include:` asks for: missing by any method.
    let inclusion = root().join("tests/fixtures/inclusion");
    let scheme = Scheme::load(&inclusion).unwrap();
    for leaf in scheme.leaves() {
        if scheme.is_scored(leaf) && leaf.weight != Some(0.0) {
            swapped_equals_edited(&inclusion, &leaf.id, &method("{method: vector}"));
        }
    }
}

#[test]
fn a_name_takes_its_parameters_from_the_indicators_own_method() {
    let scheme = Scheme::load(&root().join("scoring/tertiary-core")).unwrap();
    let (plan, scores) = cached(scheme);
    let named = |id: &str, names: &[&str]| {
        let list = names
            .iter()
            .map(|n| Alternative::Named(n.to_string()))
            .collect();
        Uncertainty {
            methods: BTreeMap::from([(id.to_string(), list)]),
            ..Uncertainty::default()
        }
    };
    // T4's own method is percentile_rank within peer groups: min_max inherits `within`.
    let design = Design::new(
        &plan.scheme,
        &scores.weights,
        &named("T4", &["percentile_rank", "min_max", "z_score"]),
    )
    .unwrap();
    let Factor::Method { alternatives, .. } = &design.factors[0] else {
        panic!("{:?}", design.factors)
    };
    assert_eq!(
        alternatives,
        &[
            method("{method: percentile_rank, within: peer_group}"),
            method("{method: min_max, within: peer_group}"),
            method("{method: z_score, within: peer_group}"),
        ]
    );
    // T33's own method is a target of 40: `distance_to_target` takes it.
    let design = Design::new(
        &plan.scheme,
        &scores.weights,
        &named("T33", &["target", "distance_to_target"]),
    );
    match design {
        Ok(design) => {
            let Factor::Method { alternatives, .. } = &design.factors[0] else {
                panic!()
            };
            assert_eq!(
                alternatives[1],
                method("{method: distance_to_target, target: 40}")
            );
        }
        Err(e) => panic!("{e}"),
    }
    // A target the scheme does not give: refused with the fix.
    let error = Design::new(&plan.scheme, &scores.weights, &named("T4", &["target"]))
        .unwrap_err()
        .to_string();
    assert!(error.contains("`target` needs `target`"), "{error}");
    assert!(error.contains("{method: target, target: …}"), "{error}");
    // Its own method only, or one alternative: declared but unable to vary.
    let design = Design::new(
        &plan.scheme,
        &scores.weights,
        &named("T4", &["percentile_rank"]),
    )
    .unwrap();
    assert!(design.factors.is_empty());
    assert_eq!(design.fixed[0].input, "scoring method of T4");
    assert!(
        design.fixed[0].reason.contains("its own method"),
        "{:?}",
        design.fixed
    );
    let design = Design::new(&plan.scheme, &scores.weights, &named("T4", &["min_max"])).unwrap();
    assert!(design.factors.is_empty());
    assert!(
        design.fixed[0].reason.contains("a single alternative"),
        "{:?}",
        design.fixed
    );
    // A dimension's key gives each of its indicators a factor; an indicator's own key wins.
    let mut u = named("持续发展", &["percentile_rank", "min_max"]);
    u.methods.insert(
        "T48".into(),
        vec![
            Alternative::Named("percentile_rank".into()),
            Alternative::Named("rank".into()),
        ],
    );
    let design = Design::new(&plan.scheme, &scores.weights, &u).unwrap();
    let described: Vec<(String, usize)> = design
        .factors
        .iter()
        .map(|f| match f {
            Factor::Method {
                indicator,
                alternatives,
            } => (
                indicator.clone(),
                alternatives
                    .iter()
                    .position(|a| matches!(a, Scoring::Rank { .. }))
                    .unwrap_or(0),
            ),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(described, [("T48".to_string(), 1), ("T50".to_string(), 0)]);
}

#[test]
fn a_draws_methods_are_written_to_draws_csv_and_rerun_alone() {
    let scheme = Scheme::load(&root().join("scoring/tertiary-core")).unwrap();
    let (plan, scores) = cached(scheme);
    let mut methods = methods_of(
        "T4",
        &[
            method("{method: percentile_rank, within: peer_group}"),
            method("{method: min_max}"),
            method("{method: goalposts, zero_at: 10, full_at: 50}"),
        ],
    );
    methods.insert(
        "all".into(),
        vec![
            Alternative::Named("percentile_rank".into()),
            Alternative::Named("z_score".into()),
        ],
    );
    let u = Uncertainty {
        weight_noise: Some(0.2),
        methods,
        ..Uncertainty::default()
    };
    let options = Options {
        draws: 6,
        seed: 9,
        indices: true,
        resamples: 20,
        ..Options::default()
    };
    let a = sensitivity::analyse(&plan, &scores, &u, &options, &|_, _| {}).unwrap();
    let csv = draws::csv(&a);
    let header = csv.lines().next().unwrap();
    // One method column per varied indicator, in the tree's order, after the weights.
    let method_columns: Vec<&str> = header.split(',').filter(|h| h.starts_with("m:")).collect();
    assert_eq!(
        method_columns.len(),
        a.design
            .factors
            .iter()
            .filter(|f| matches!(f, Factor::Method { .. }))
            .count()
    );
    assert_eq!(method_columns[0], "m:T4");
    assert!(header.ends_with(method_columns.last().unwrap()), "{header}");
    let model = Model::new(&plan, &scores).unwrap();
    let alternatives = Alternatives::new(&plan, &scores, &a.design.factors).unwrap();
    let ids = model.text_column(&plan.scheme.spec.columns.id).unwrap();
    let mut methods_seen = std::collections::BTreeSet::new();
    for k in [1, 2, 3, 4, 5, 6, 6 + 3, a.runs.len()] {
        let run = &a.runs[k - 1];
        let expected_draw = a.design.draw(&run.u);
        let draw = draws::read(Path::new("draws.csv"), &csv, k, &scores.weights).unwrap();
        assert_eq!(draw, expected_draw, "draw {k} read back exactly");
        methods_seen.insert(format!("{:?}", draw.methods[0].1));
        let swap = alternatives.swap(&draw.methods).unwrap();
        let expected = model.evaluate_swapped(&draw, &swap).unwrap();
        let table = sensitivity::rerun_table(&plan, &scores, &draw).unwrap();
        let table_ids = common::texts_by_column(&table, &plan.scheme.spec.columns.id);
        let ranks = common::floats(&table, "rank");
        let by_id: BTreeMap<&str, f64> = ids
            .iter()
            .map(String::as_str)
            .zip(expected.rank.iter().copied())
            .collect();
        for (id, rank) in table_ids.iter().zip(ranks) {
            let lean = by_id[id.as_str()];
            assert!(
                (lean.is_nan() && rank.is_none()) || Some(lean) == rank,
                "draw {k}: {id}"
            );
        }
        let nominal = model.evaluate(&a.design.nominal_draw()).unwrap();
        assert_eq!(
            sensitivity::mean_shift(&expected.rank, &nominal.rank),
            run.shift,
            "draw {k}"
        );
    }
    assert!(
        methods_seen.len() > 1,
        "T4's method varied: {methods_seen:?}"
    );
}

/// The four-institution fixture, with Q2's weight set to 0 when `zero_q2`.
fn tiny(zero_q2: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = root().join("tests/fixtures/tiny");
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    if zero_q2 {
        let yaml = std::fs::read_to_string(source.join("scheme.yaml")).unwrap();
        let edited = yaml.replace(
            "weight: 1, scoring: {method: goalposts",
            "weight: 0, scoring: {method: goalposts",
        );
        assert_ne!(yaml, edited);
        std::fs::write(dir.path().join("scheme.yaml"), edited).unwrap();
    }
    dir
}

#[test]
fn a_zero_weight_indicator_whose_method_varies_gets_indices_zero() {
    let dir = tiny(true);
    let scheme = Scheme::load(dir.path()).unwrap();
    let (plan, scores) = cached(scheme);
    let mut methods = methods_of(
        "Q2",
        &[
            method("{method: goalposts, zero_at: 2, full_at: 0}"),
            method("{method: min_max}"),
        ],
    );
    methods.insert(
        "E1".into(),
        vec![
            Alternative::Named("percentile_rank".into()),
            Alternative::Named("min_max".into()),
        ],
    );
    let u = Uncertainty {
        methods,
        weight_noise: Some(0.3),
        ..Uncertainty::default()
    };
    let options = Options {
        draws: 64,
        seed: 4,
        indices: true,
        resamples: 50,
        ..Options::default()
    };
    let a = sensitivity::analyse(&plan, &scores, &u, &options, &|_, _| {}).unwrap();
    let q2 = a
        .indices
        .iter()
        .find(|i| i.input == "scoring method of Q2")
        .expect("Q2's method is listed");
    assert!(!q2.varied);
    assert_eq!(q2.indices, sensitivity::Indices::ZERO);
    let fixed = a
        .design
        .fixed
        .iter()
        .find(|f| f.input == "scoring method of Q2")
        .unwrap();
    assert!(fixed.reason.contains("weight 0"), "{}", fixed.reason);
    assert!(a
        .indices
        .iter()
        .any(|i| i.input == "scoring method of E1" && i.varied));
    let text = jixiao::report::sensitivity::text(&a, "tiny", 4);
    assert!(
        text.contains("scoring method of Q2: weight 0 in scheme.yaml"),
        "{text}"
    );
    // `all` states Q2 too (it is not in the weight tree), and varies Q1 and E1.
    let u = Uncertainty {
        methods: BTreeMap::from([(
            "all".to_string(),
            vec![
                Alternative::Named("min_max".into()),
                Alternative::Named("percentile_rank".into()),
            ],
        )]),
        ..Uncertainty::default()
    };
    let design = Design::new(&plan.scheme, &scores.weights, &u).unwrap();
    let varied: Vec<String> = design.factors.iter().map(Factor::name).collect();
    assert_eq!(varied, ["scoring method of Q1", "scoring method of E1"]);
    assert!(design
        .fixed
        .iter()
        .any(|f| f.input == "scoring method of Q2"));
}

#[test]
fn switching_one_indicators_method_that_changes_ranks_gets_a_positive_total_index() {
    // Q1 (手术占比: A 30, B 50, C 40, D 20 %) by min_max gives A 33.3, B 100, C 66.7, D 0; by
    // a threshold of 25 (100 at or above, else 0) A 100, B 100, C 100, D 0. Q2 (goalposts 2 → 0
    // on 死亡率 1, 0, 2, 0.5 %) gives A 50, B 100, C 0, D 75, so 质量 (Q1 and Q2 by halves) is
    // A 41.67 / 75, D 37.5 / 37.5. 效率 (E1, the same both ways) is 0 for A and missing for D
    // (no previous period), so with 质量 60 : 效率 40 A scores 25 / 45 and D 37.5 / 37.5: A is
    // below D by min_max and above it by the threshold.
    let dir = tiny(false);
    let scheme = Scheme::load(dir.path()).unwrap();
    let (plan, scores) = cached(scheme);
    let alternatives = [
        method("{method: min_max}"),
        method("{method: threshold, threshold: 25}"),
    ];
    let u = Uncertainty {
        methods: methods_of("Q1", &alternatives),
        ..Uncertainty::default()
    };
    let design = Design::new(&plan.scheme, &scores.weights, &u).unwrap();
    let model = Model::new(&plan, &scores).unwrap();
    let cache = Alternatives::new(&plan, &scores, &design.factors).unwrap();
    let ranks_by = |u: f64| {
        let draw = design.draw(&[u]);
        let swap = cache.swap(&draw.methods).unwrap();
        model.evaluate_swapped(&draw, &swap).unwrap().rank
    };
    let ids = model.text_column("编码").unwrap();
    let (by_min_max, by_threshold) = (ranks_by(0.25), ranks_by(0.75));
    let position = |id: &str| ids.iter().position(|i| i == id).unwrap();
    let (a, d) = (position("A"), position("D"));
    assert_eq!((by_min_max[a], by_min_max[d]), (3.0, 2.0));
    assert_eq!((by_threshold[a], by_threshold[d]), (2.0, 3.0));
    let options = Options {
        draws: 64,
        seed: 11,
        indices: true,
        resamples: 50,
        ..Options::default()
    };
    let a = sensitivity::analyse(&plan, &scores, &u, &options, &|_, _| {}).unwrap();
    let q1 = &a.indices[0];
    assert_eq!(q1.input, "scoring method of Q1");
    assert!(q1.varied);
    assert!(q1.indices.total > 0.0, "{:?}", q1.indices);
    // The only input: A_B is B, so Jansen's first-order estimate is exactly 1.
    assert!((q1.indices.first - 1.0).abs() < 1e-9, "{:?}", q1.indices);
}

#[test]
fn the_methods_flag_and_file_declare_the_same_inputs_and_mistakes_are_refused() {
    let dir = tiny(false);
    let scheme = dir.path().to_str().unwrap();
    let flags = jixiao(&[
        "sensitivity",
        "--scheme",
        scheme,
        "--draws",
        "16",
        "--quiet",
        "--methods",
        "Q1=min_max,percentile_rank",
        "--methods",
        "E1=percentile_rank,z_score",
    ]);
    assert_eq!(flags.code, 0, "{}", flags.stderr);
    assert!(
        flags.stdout.contains("scoring method of Q1: one of {method: min_max, within: all}, {method: percentile_rank, within: all}, each with probability 1/2"),
        "{}",
        flags.stdout
    );
    let file = dir.path().join("uncertainty.yaml");
    std::fs::write(
        &file,
        "methods:\n  Q1: [min_max, percentile_rank]\n  E1: [percentile_rank, {method: z_score}]\n",
    )
    .unwrap();
    let from_file = jixiao(&[
        "sensitivity",
        "--scheme",
        scheme,
        "--draws",
        "16",
        "--quiet",
        "--uncertainty",
        file.to_str().unwrap(),
    ]);
    assert_eq!(from_file.code, 0, "{}", from_file.stderr);
    assert_eq!(flags.stdout, from_file.stdout);
    // A method that needs a target the scheme does not give: exit 1, pointing at the file.
    std::fs::write(&file, "methods:\n  Q1: [min_max, target]\n").unwrap();
    let refused = jixiao(&[
        "sensitivity",
        "--scheme",
        scheme,
        "--draws",
        "16",
        "--quiet",
        "--uncertainty",
        file.to_str().unwrap(),
    ]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("uncertainty.yaml:2:3"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("`target` needs `target`"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("{method: target, target: …}"),
        "{}",
        refused.stderr
    );
    // An unknown method and an unknown indicator, by flag.
    let unknown = jixiao(&[
        "sensitivity",
        "--scheme",
        scheme,
        "--quiet",
        "--methods",
        "Q1=min_mux,min_max",
    ]);
    assert_eq!(unknown.code, 1);
    assert!(
        unknown.stderr.contains("did you mean min_max?"),
        "{}",
        unknown.stderr
    );
    let unknown = jixiao(&[
        "sensitivity",
        "--scheme",
        scheme,
        "--quiet",
        "--methods",
        "Q9=min_max,z_score",
    ]);
    assert_eq!(unknown.code, 1);
    assert!(
        unknown.stderr.contains("did you mean Q1?"),
        "{}",
        unknown.stderr
    );
    // A method that does not fit the direction (optimal scores closeness to a best value; Q2 is
    // lower-is-better).
    let monitor = jixiao(&[
        "sensitivity",
        "--scheme",
        scheme,
        "--quiet",
        "--methods",
        "Q2=goalposts,optimal",
    ]);
    assert_eq!(monitor.code, 1, "{}", monitor.stderr);
    assert!(monitor.stderr.contains("optimal"), "{}", monitor.stderr);
}

#[test]
fn a_draw_rerun_from_the_cli_gives_the_ranks_of_its_method() {
    let dir = tiny(false);
    let scheme = dir.path().to_str().unwrap();
    let draws_csv = dir.path().join("draws.csv");
    let out = jixiao(&[
        "sensitivity",
        "--scheme",
        scheme,
        "--draws",
        "8",
        "--seed",
        "3",
        "--quiet",
        "--methods",
        "Q1=min_max,percentile_rank",
        "--draws-out",
        draws_csv.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = std::fs::read_to_string(&draws_csv).unwrap();
    assert!(text.lines().next().unwrap().ends_with(",m:Q1"), "{text}");
    // Each draw re-run alone prints the ranking `jixiao score` gives with that method.
    for (k, line) in text.lines().skip(1).enumerate().take(3) {
        let k = k + 1;
        let chosen = if line.ends_with("\"{method: min_max, within: all}\"") {
            "min_max"
        } else {
            assert!(
                line.ends_with("\"{method: percentile_rank, within: all}\""),
                "{line}"
            );
            "percentile_rank"
        };
        let rerun = jixiao(&[
            "sensitivity",
            "--scheme",
            scheme,
            "--quiet",
            "--rerun",
            draws_csv.to_str().unwrap(),
            "--draw",
            &k.to_string(),
        ]);
        assert_eq!(rerun.code, 0, "{}", rerun.stderr);
        let edited = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, edited.path().join(path.file_name().unwrap())).unwrap();
        }
        let yaml = std::fs::read_to_string(dir.path().join("scheme.yaml")).unwrap();
        let yaml = yaml.replace(
            "weight: 1, scoring: {method: min_max}",
            &format!("weight: 1, scoring: {{method: {chosen}}}"),
        );
        std::fs::write(edited.path().join("scheme.yaml"), yaml).unwrap();
        let score = jixiao(&[
            "score",
            "--scheme",
            edited.path().to_str().unwrap(),
            "--quiet",
        ]);
        assert_eq!(score.code, 0, "{}", score.stderr);
        // The ranking lines (rank … flags) of both.
        let ranking = |s: &str| -> Vec<String> {
            s.lines()
                .skip_while(|l| !l.starts_with("rank"))
                .take(5)
                .map(String::from)
                .collect()
        };
        assert_eq!(
            ranking(&rerun.stdout),
            ranking(&score.stdout),
            "draw {k} ({chosen})"
        );
    }
}

#[test]
fn methods_declared_from_flags_point_at_the_flag() {
    let error = jixiao::sensitivity::methods::from_flags(&["Q1".to_string()]).unwrap_err();
    assert!(error.to_string().contains("expected ID=M1,M2"), "{error}");
    let twice = jixiao::sensitivity::methods::from_flags(&[
        "Q1=min_max,z_score".to_string(),
        "Q1=rank,z_score".to_string(),
    ])
    .unwrap_err();
    assert!(twice.to_string().contains("listed twice"), "{twice}");
    assert_eq!(Declared::default(), Declared::Flags);
}

#[test]
fn draws_with_methods_and_every_other_input_rank_alike_on_the_lean_path_and_the_pipelines() {
    // tertiary-2020: sub-indicators, growth rates, imputation; every kind of input at once.
    for name in ["tertiary-core", "tertiary-2020"] {
        let scheme = Scheme::load(&root().join("scoring").join(name)).unwrap();
        let (plan, scores) = cached(scheme);
        let u = Uncertainty {
            weight_noise: Some(0.4),
            means: vec![
                jixiao::scheme::Mean::Arithmetic,
                jixiao::scheme::Mean::Geometric,
            ],
            missing: vec![
                jixiao::scheme::MissingPolicy::Renormalise,
                jixiao::scheme::MissingPolicy::Zero,
            ],
            leave_out_indicator: true,
            methods: BTreeMap::from([(
                "all".to_string(),
                ["percentile_rank", "min_max", "z_score", "rank"]
                    .iter()
                    .map(|m| Alternative::Named(m.to_string()))
                    .collect(),
            )]),
            ..Uncertainty::default()
        };
        let design = Design::new(&plan.scheme, &scores.weights, &u).unwrap();
        assert!(
            design
                .factors
                .iter()
                .filter(|f| matches!(f, Factor::Method { .. }))
                .count()
                > 10,
            "{name}"
        );
        let model = Model::new(&plan, &scores).unwrap();
        assert_eq!(model.path, sensitivity::Path::Lean, "{name}");
        let cache = Alternatives::new(&plan, &scores, &design.factors).unwrap();
        let s = sensitivity::sampling::Saltelli::new(17, 6, design.factors.len());
        for u in &s.a {
            let draw = design.draw(u);
            let swap = cache.swap(&draw.methods).unwrap();
            let lean = model.lean_swapped(&draw, &swap).unwrap();
            let rescored = model.rescore_swapped(&draw, &swap).unwrap();
            assert_eq!(lean.grade, rescored.grade, "{name}");
            for (a, b) in lean.rank.iter().zip(&rescored.rank) {
                assert!((a.is_nan() && b.is_nan()) || a == b, "{name}: {a} vs {b}");
            }
            for (a, b) in lean.score.iter().zip(&rescored.score) {
                assert!((a.is_nan() && b.is_nan()) || a == b, "{name}: {a} vs {b}");
            }
        }
    }
}

#[test]
fn weights_fitted_on_the_scores_refuse_alternative_methods() {
    // Entropy weights are fitted on the indicator scores: another method's scores would need them
    // fitted again in every draw, which the draws do not do — refused, not computed stale.
    let dir = tiny(false);
    let path = dir.path().join("scheme.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{yaml}weighting: {{method: entropy}}\n")).unwrap();
    let scheme = dir.path().to_str().unwrap();
    let scored = jixiao(&["score", "--scheme", scheme, "--quiet"]);
    assert_eq!(scored.code, 0, "{}", scored.stderr);
    let refused = jixiao(&[
        "sensitivity",
        "--scheme",
        scheme,
        "--draws",
        "4",
        "--quiet",
        "--methods",
        "Q1=min_max,percentile_rank",
    ]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("fitted on the indicator scores"),
        "{}",
        refused.stderr
    );
    // Weight noise alone still runs on the fitted weights.
    let noise = jixiao(&[
        "sensitivity",
        "--scheme",
        scheme,
        "--draws",
        "4",
        "--quiet",
        "--weight-noise",
        "0.2",
    ]);
    assert_eq!(noise.code, 0, "{}", noise.stderr);
}

#[test]
fn a_grade_adjustment_on_an_indicator_whose_method_varies_reads_the_swapped_scores() {
    // The native grading caches where each adjustment's condition holds on the nominal scores;
    // a draw that scores T4 by another method must evaluate `T4.score < 60` again on the swapped
    // column (z_score centres at 50, so it holds for about half the institutions instead of few).
    use jixiao::grade::adjust::GradeAdjustment;
    use polars::prelude::{col, lit};
    let scheme = Scheme::load(&root().join("scoring/tertiary-core")).unwrap();
    let (mut plan, scores) = cached(scheme);
    plan.grade_adjustments = vec![
        GradeAdjustment {
            when: col("T4.score").lt(lit(60.0)),
            steps: 1,
        },
        GradeAdjustment {
            when: col("T5.score").gt(lit(90.0)),
            steps: -2,
        },
    ];
    let u = Uncertainty {
        weight_noise: Some(0.2),
        methods: BTreeMap::from([(
            "T4".to_string(),
            ["min_max", "z_score", "rank"]
                .iter()
                .map(|m| Alternative::Named(m.to_string()))
                .collect(),
        )]),
        ..Uncertainty::default()
    };
    let design = Design::new(&plan.scheme, &scores.weights, &u).unwrap();
    let model = Model::new(&plan, &scores).unwrap();
    assert_eq!(model.path, sensitivity::Path::Lean);
    assert!(model.grading_note().is_none(), "{:?}", model.grading_note());
    let cache = Alternatives::new(&plan, &scores, &design.factors).unwrap();
    let s = sensitivity::sampling::Saltelli::new(23, 8, design.factors.len());
    let mut swapped = 0;
    for u in &s.a {
        let draw = design.draw(u);
        let swap = cache.swap(&draw.methods).unwrap();
        swapped += usize::from(!swap.leaves.is_empty());
        let lean = model.lean_swapped(&draw, &swap).unwrap();
        let rescored = model.rescore_swapped(&draw, &swap).unwrap();
        assert_eq!(lean.grade, rescored.grade, "{:?}", draw.methods);
        assert_eq!(lean.rank.len(), rescored.rank.len());
        for (a, b) in lean.rank.iter().zip(&rescored.rank) {
            assert!((a.is_nan() && b.is_nan()) || a == b, "{a} vs {b}");
        }
    }
    assert!(swapped > 0, "no draw swapped T4's method");
}
