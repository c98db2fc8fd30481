//! `jixiao diff`: a run against itself (ρ = τ = 1, no movers, identity transitions), a
//! four-institution fixture where two known institutions swap (numbers by hand), the diff of two
//! output files equal to the diff of the two runs, snapshots of the default scheme against a copy
//! with one weight changed, and bad input refused with exit 1.

use std::path::{Path, PathBuf};

use jixiao::diff::{self, Diff, Driver, Side, Status};
use jixiao::pipeline::{self, ScoreOptions};
use jixiao::plan::Plan;
use jixiao::report::explain::TEXT_WIDTH;
use jixiao::scheme::Scheme;
use jixiao::source::DataFile;
use unicode_width::UnicodeWidthStr;

mod common;
use common::{jixiao, jixiao_in, transcript};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn plan(dir: &Path) -> Plan {
    Plan::compile(Scheme::load(dir).unwrap()).unwrap()
}

fn side(label: &str, plan: &Plan, data: &Path, prev: Option<&Path>) -> Side {
    let options = ScoreOptions {
        contributions: true,
        keep_scored: false,
    };
    let prev = prev.map(DataFile::from);
    let run = pipeline::score_with(plan, &data.into(), prev.as_ref(), options).unwrap();
    assert!(run.scored.is_none(), "diff keeps no scored frame");
    Side::new(label, plan, run.table)
}

/// A run that kept its scored frame (`ScoreOptions::EXPLAIN`): the movers' points are computed
/// for them alone.
fn kept_side(label: &str, plan: &Plan, data: &Path, prev: &Path) -> Side {
    let run = pipeline::score_with(
        plan,
        &data.into(),
        Some(&prev.into()),
        ScoreOptions::EXPLAIN,
    )
    .unwrap();
    Side::from_run(label, plan, run)
}

fn default_side(label: &str) -> Side {
    let data = root().join("datasets/tertiary-core");
    side(
        label,
        &plan(&root().join("scoring/tertiary-core")),
        &data.join("current.csv"),
        Some(&data.join("previous.csv")),
    )
}

fn close(actual: Option<f64>, expected: f64, what: &str) {
    let actual = actual.unwrap_or_else(|| panic!("{what}: undefined"));
    assert!(
        (actual - expected).abs() < 1e-12,
        "{what}: {actual} vs {expected}"
    );
}

#[test]
fn a_run_against_itself_changes_nothing() {
    let this = default_side("this");
    let d = diff::diff(&this, &default_side("against"), 5).unwrap();
    assert_eq!((d.compared, d.entered.len(), d.left.len()), (320, 0, 0));
    assert!(d.agreement.n > 300, "{} ranked in both", d.agreement.n);
    close(d.agreement.spearman, 1.0, "ρ");
    close(d.agreement.kendall, 1.0, "τ-b");
    assert_eq!(d.groups.len(), 3, "three peer groups");
    for g in &d.groups {
        close(g.spearman, 1.0, "group ρ");
        close(g.kendall, 1.0, "group τ-b");
    }
    assert_eq!(d.mean_rank_change, Some(0.0));
    assert!(d.movers_up.is_empty() && d.movers_down.is_empty());
    assert!(d.rows.iter().all(|r| !r.crossed()));
    assert_eq!(d.drivers_note, None, "both runs carry points");
    // Identity transitions: every compared institution on the diagonal.
    assert!(!d.grades.is_empty());
    let mut diagonal = 0;
    for (a, row) in d.transitions.iter().enumerate() {
        for (b, n) in row.iter().enumerate() {
            match a == b {
                true => diagonal += n,
                false => assert_eq!(*n, 0, "{} → {}", d.grades[a], d.grades[b]),
            }
        }
    }
    assert_eq!(diagonal, 320);
    let table = d.table().unwrap();
    assert_eq!(table.height(), 320);
    let places = table.column("places_up").unwrap().f64().unwrap().clone();
    assert!(places.iter().flatten().all(|p| p == 0.0));
}

fn fixture_diff() -> Diff {
    let dir = root().join("tests/fixtures/explain");
    let plan = plan(&dir);
    let this = side("swapped", &plan, &dir.join("swapped.csv"), None);
    let against = side("current", &plan, &dir.join("current.csv"), None);
    diff::diff(&this, &against, 5).unwrap()
}

#[test]
fn two_institutions_swap_by_hand() {
    // current.csv: W 91, Y 77, Z 54.5, X 50 (see tests/explain.rs). swapped.csv raises X's c from
    // 50 to 80: 效率 gives X 0.4·80 = 32 points instead of 20, so X = 0.6·50 + 32 = 62 (良,
    // ≥ 60) and passes Z (54.5, unchanged): X 4 → 3, Z 3 → 4.
    let d = fixture_diff();
    assert_eq!((d.compared, d.agreement.n), (4, 4));
    // d = 0, 0, 1, 1: ρ = 1 − 6·2 / (4·15) = 0.8; one discordant pair of 6: τ = (5 − 1)/6.
    close(d.agreement.spearman, 0.8, "ρ");
    close(d.agreement.kendall, 4.0 / 6.0, "τ-b");
    close(d.mean_rank_change, 0.5, "mean |Δrank|");
    let largest = d.largest.as_ref().unwrap();
    assert_eq!((&*largest.id, largest.places_up()), ("X", Some(1.0)));

    assert_eq!(d.movers_up.len(), 1);
    let x = &d.movers_up[0];
    assert_eq!(&*x.row.id, "X");
    assert_eq!((x.row.against_rank, x.row.rank), (Some(4.0), Some(3.0)));
    close(x.row.score_change(), 12.0, "X's score change");
    assert_eq!(x.dimensions.len(), 1, "{:?}", x.dimensions);
    assert_eq!(x.dimensions[0].id, "效率");
    close(Some(x.dimensions[0].points), 12.0, "效率 points");
    assert_eq!(x.indicators.len(), 1, "{:?}", x.indicators);
    assert_eq!(x.indicators[0].id, "c");
    close(Some(x.indicators[0].points), 12.0, "c points");

    assert_eq!(d.movers_down.len(), 1);
    let z = &d.movers_down[0];
    assert_eq!(&*z.row.id, "Z");
    assert_eq!(z.row.places_up(), Some(-1.0));
    assert!(
        z.dimensions.is_empty() && z.indicators.is_empty(),
        "Z's own points did not move"
    );

    // Transitions (rows: against): 优→优 W, 良→良 Y, 差→良 X, 差→差 Z.
    assert_eq!(d.grades, ["优", "良", "差"]);
    assert_eq!(d.transitions, [[1, 0, 0], [0, 1, 0], [0, 1, 1]]);
    let crossed: Vec<&str> = d
        .rows
        .iter()
        .filter(|r| r.crossed())
        .map(|r| &*r.id)
        .collect();
    assert_eq!(crossed, ["X"]);
    assert!(d.rows.iter().all(|r| r.status == Status::Compared));
}

#[test]
fn entered_and_left_are_matched_by_id() {
    let dir = root().join("tests/fixtures/explain");
    let plan = plan(&dir);
    let scratch = tempfile::tempdir().unwrap();
    // Z leaves, V enters.
    let data = scratch.path().join("data.csv");
    std::fs::write(
        &data,
        "编码,名称,类别,a,b,c,奖励\nX,某甲医院,综合,80,40,80,0\nY,某乙医院,综合,60,,90,10\n\
         W,某丁医院,综合,40,100,100,0\nV,某戊医院,综合,10,10,10,0\n",
    )
    .unwrap();
    let this = side("this", &plan, &data, None);
    let against = side("current", &plan, &dir.join("current.csv"), None);
    let d = diff::diff(&this, &against, 5).unwrap();
    assert_eq!(
        (d.compared, d.entered.clone(), d.left.clone()),
        (3, vec!["V".to_string()], vec!["Z".to_string()])
    );
    let statuses: Vec<(&str, Status)> = d.rows.iter().map(|r| (&*r.id, r.status)).collect();
    // This run's rank order (W 91, Y 77, X 62, V 10), then those that left.
    assert_eq!(
        statuses,
        [
            ("W", Status::Compared),
            ("Y", Status::Compared),
            ("X", Status::Compared),
            ("V", Status::Entered),
            ("Z", Status::Left)
        ]
    );
    // Ranks among the compared: W 1 → 1, Y 2 → 2, X 4 → 3.
    close(d.agreement.spearman, 1.0, "ρ of W, Y, X");
}

/// A temporary folder holding the default scheme, a copy of it with 医疗质量's weight 45 → 30,
/// and their dataset at the relative paths the scheme names.
fn edited_scheme() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in [
        "scoring/tertiary-core",
        "scoring/edited",
        "datasets/tertiary-core",
    ] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    for (from, to) in [
        ("scoring/tertiary-core", "scoring/tertiary-core"),
        ("scoring/tertiary-core", "scoring/edited"),
        ("datasets/tertiary-core", "datasets/tertiary-core"),
    ] {
        for entry in std::fs::read_dir(root().join(from)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(to).join(entry.file_name())).unwrap();
        }
    }
    let yaml = dir.path().join("scoring/edited/scheme.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    assert_eq!(text.matches("weight: 45").count(), 1);
    std::fs::write(&yaml, text.replace("weight: 45", "weight: 30")).unwrap();
    dir
}

/// Two diffs equal but for the drivers' points, which differ by CSV's 6-decimal rounding of
/// each run's points (a difference of two rounded numbers: at most 1e-6).
fn assert_same_to_csv_rounding(mut a: Diff, mut b: Diff) {
    let movers = |d: &mut Diff| -> Vec<(Vec<Driver>, Vec<Driver>)> {
        d.movers_up
            .iter_mut()
            .chain(d.movers_down.iter_mut())
            .map(|m| {
                (
                    std::mem::take(&mut m.dimensions),
                    std::mem::take(&mut m.indicators),
                )
            })
            .collect()
    };
    let (x, y) = (movers(&mut a), movers(&mut b));
    assert_eq!(a, b, "the diffs without their drivers");
    assert_eq!(x.len(), y.len());
    for ((xd, xi), (yd, yi)) in x.iter().zip(&y) {
        for (p, q) in xd.iter().chain(xi).zip(yd.iter().chain(yi)) {
            assert_eq!((&p.id, xd.len(), xi.len()), (&q.id, yd.len(), yi.len()));
            assert!((p.points - q.points).abs() <= 1.000001e-6, "{p:?} vs {q:?}");
        }
    }
}

#[test]
fn diff_of_output_files_equals_diff_of_runs() {
    let dir = edited_scheme();
    let at = dir.path();
    let edited = plan(&at.join("scoring/edited"));
    let original = plan(&at.join("scoring/tertiary-core"));
    let data = at.join("datasets/tertiary-core");
    let (current, previous) = (data.join("current.csv"), data.join("previous.csv"));
    let this = side("this", &edited, &current, Some(&previous));
    let against = side("against", &original, &current, Some(&previous));
    let from_runs = diff::diff(&this, &against, 5).unwrap();
    assert!(
        !from_runs.movers_up.is_empty(),
        "the edit moves institutions"
    );
    assert!(from_runs.movers_up[0]
        .dimensions
        .iter()
        .any(|d| d.id == "医疗质量"));

    for ext in ["csv", "json", "parquet"] {
        let (a, b) = (at.join(format!("a.{ext}")), at.join(format!("b.{ext}")));
        for (scheme, out) in [("scoring/edited", &a), ("scoring/tertiary-core", &b)] {
            let o = jixiao_in(
                at,
                &[],
                &[
                    "score",
                    "--scheme",
                    scheme,
                    "--contributions",
                    "--out",
                    out.to_str().unwrap(),
                ],
            );
            assert_eq!(o.code, 0, "{}", o.stderr);
        }
        let this = Side::new("this", &edited, diff::read_output(&edited, &a).unwrap());
        let against = Side::new(
            "against",
            &original,
            diff::read_output(&original, &b).unwrap(),
        );
        let from_files = diff::diff(&this, &against, 5).unwrap();
        match ext {
            // CSV rounds floats to 6 decimals, so the drivers' points agree to that.
            // CSV rounds floats to 6 decimals: the drivers' points agree to about 1e-6.
            "csv" => assert_same_to_csv_rounding(from_files, from_runs.clone()),
            _ => assert_eq!(from_files, from_runs, "{ext}"),
        }
    }

    // Runs that kept their scored frame instead of computing everyone's points: the movers'
    // points are computed for them alone, and the diff is the same to the bit.
    let kept = |label: &str, plan: &Plan| kept_side(label, plan, &current, &previous);
    let lean = diff::diff(&kept("this", &edited), &kept("against", &original), 5).unwrap();
    assert_eq!(lean, from_runs);

    // The same through the command: identical --out tables, identical reports below the labels.
    let by_runs = jixiao_in(
        at,
        &[],
        &[
            "diff",
            "--scheme",
            "scoring/edited",
            "--against-scheme",
            "scoring/tertiary-core",
            "--out",
            "runs.csv",
        ],
    );
    let by_files = jixiao_in(
        at,
        &[],
        &[
            "diff",
            "--scheme",
            "scoring/edited",
            "--against-scheme",
            "scoring/tertiary-core",
            "--file",
            "a.csv",
            "--against-file",
            "b.csv",
            "--out",
            "files.csv",
        ],
    );
    assert_eq!(
        (by_runs.code, by_files.code),
        (0, 0),
        "{}{}",
        by_runs.stderr,
        by_files.stderr
    );
    let body = |text: &str| -> String {
        let lines = text.lines().skip_while(|l| !l.starts_with("institutions:"));
        lines
            .filter(|l| !l.starts_with("wrote"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&by_runs.stdout), body(&by_files.stdout));
    assert_eq!(
        std::fs::read(at.join("runs.csv")).unwrap(),
        std::fs::read(at.join("files.csv")).unwrap()
    );
}

#[test]
fn files_without_points_are_compared_without_drivers() {
    let dir = edited_scheme();
    let at = dir.path();
    for (scheme, out) in [
        ("scoring/edited", "a.csv"),
        ("scoring/tertiary-core", "b.csv"),
    ] {
        let o = jixiao_in(at, &[], &["score", "--scheme", scheme, "--out", out]);
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    let o = jixiao_in(
        at,
        &[],
        &[
            "diff",
            "--scheme",
            "scoring/edited",
            "--file",
            "a.csv",
            "--against-file",
            "b.csv",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("no drivers: a.csv has no <node>.points columns"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("dimensions:"), "{}", o.stdout);
    assert!(o.stdout.contains("top movers up\n"), "{}", o.stdout);
}

#[test]
fn diff_default_scheme_against_an_edited_weight() {
    let dir = edited_scheme();
    let o = jixiao_in(
        dir.path(),
        &[],
        &[
            "diff",
            "--scheme",
            "scoring/edited",
            "--against-scheme",
            "scoring/tertiary-core",
            "--top",
            "3",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    for line in o.stdout.lines() {
        assert!(
            line.width() <= TEXT_WIDTH,
            "{} columns: {line}",
            line.width()
        );
    }
    insta::assert_snapshot!("diff_default_edited_weight", transcript(&o));
}

#[test]
fn diff_swapped_fixture_text() {
    let o = jixiao(&[
        "diff",
        "--scheme",
        "tests/fixtures/explain",
        "--data",
        "tests/fixtures/explain/swapped.csv",
        "--against-data",
        "tests/fixtures/explain/current.csv",
    ]);
    insta::assert_snapshot!("diff_swapped_fixture", transcript(&o));
}

#[test]
fn bad_input_is_exit_1() {
    let scheme = "tests/fixtures/explain";
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["diff", "--scheme", scheme],
            "nothing to compare against",
        ),
        (
            vec![
                "diff",
                "--scheme",
                scheme,
                "--against-scheme",
                "no/such/scheme",
            ],
            "no/such/scheme",
        ),
        (
            vec!["diff", "--scheme", scheme, "--against-data", "no-such.csv"],
            "no-such.csv",
        ),
        (
            vec![
                "diff",
                "--scheme",
                scheme,
                "--file",
                "tests/fixtures/explain/current.csv",
            ],
            "--against-file",
        ),
        (
            vec![
                "diff",
                "--scheme",
                scheme,
                "--file",
                "a.csv",
                "--against-file",
                "b.csv",
                "--data",
                "x.csv",
            ],
            "cannot be used with",
        ),
        // A data file is not an output table: it has no rank column.
        (
            vec![
                "diff",
                "--scheme",
                scheme,
                "--file",
                "tests/fixtures/explain/current.csv",
                "--against-file",
                "tests/fixtures/explain/swapped.csv",
            ],
            "has no column \"rank\"",
        ),
        (
            vec![
                "diff",
                "--scheme",
                scheme,
                "--against-data",
                "tests/fixtures/explain/current.csv",
                "--out",
                "diff.txt",
            ],
            ".txt",
        ),
    ];
    for (args, expected) in cases {
        let o = jixiao(&args);
        assert_eq!(o.code, 1, "{args:?}: {}", transcript(&o));
        assert!(o.stderr.contains(expected), "{args:?}: {}", o.stderr);
    }
}

#[test]
fn a_duplicate_id_in_an_output_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let o = jixiao(&[
        "score",
        "--scheme",
        "tests/fixtures/explain",
        "--out",
        a.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = std::fs::read_to_string(&a).unwrap();
    let last = text.lines().last().unwrap().to_string();
    let b = dir.path().join("b.csv");
    std::fs::write(&b, format!("{text}{last}\n")).unwrap();
    let o = jixiao(&[
        "diff",
        "--scheme",
        "tests/fixtures/explain",
        "--file",
        a.to_str().unwrap(),
        "--against-file",
        b.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", transcript(&o));
    assert!(o.stderr.contains("twice"), "{}", o.stderr);
}

#[test]
fn against_data_takes_its_own_previous_period_and_never_borrows_this_runs() {
    let tiny = "tests/fixtures/tiny";
    let (current, previous) = (
        "tests/fixtures/tiny/current.csv",
        "tests/fixtures/tiny/previous.csv",
    );
    let with = jixiao(&[
        "diff",
        "--scheme",
        tiny,
        "--data",
        current,
        "--prev",
        previous,
        "--against-data",
        current,
        "--against-prev",
        previous,
    ]);
    assert_eq!(with.code, 0, "{}", transcript(&with));
    assert!(
        with.stdout
            .contains("Spearman ρ 1.0000, Kendall τ-b 1.0000"),
        "{}",
        with.stdout
    );
    assert!(with.stdout.contains("against:  scheme tests/fixtures/tiny, data tests/fixtures/tiny/current.csv, previous\n    tests/fixtures/tiny/previous.csv"), "{}", with.stdout);
    // Without --against-prev the baseline has no previous period: its growth formulas stop the run.
    let without = jixiao(&[
        "diff",
        "--scheme",
        tiny,
        "--data",
        current,
        "--prev",
        previous,
        "--against-data",
        current,
    ]);
    assert_eq!(without.code, 1, "{}", transcript(&without));
    assert!(
        without.stderr.contains("pass --prev FILE"),
        "{}",
        without.stderr
    );
}

/// `--output-format json` is the library's report, whole: one JSON document on stdout (the
/// `--out` note goes to stderr), every number unrounded.
#[test]
fn diff_as_json_is_the_library_report() {
    let dir = edited_scheme();
    let at = dir.path();
    let o = jixiao_in(
        at,
        &[],
        &[
            "diff",
            "--scheme",
            "scoring/edited",
            "--against-scheme",
            "scoring/tertiary-core",
            "--output-format",
            "json",
            "--out",
            "d.csv",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("wrote 320 rows to d.csv"), "{}", o.stderr);
    let report: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let data = at.join("datasets/tertiary-core");
    let (current, previous) = (data.join("current.csv"), data.join("previous.csv"));
    let kept = |label: &str, plan: &Plan| kept_side(label, plan, &current, &previous);
    let (edited, original) = (
        plan(&at.join("scoring/edited")),
        plan(&at.join("scoring/tertiary-core")),
    );
    let mut library = diff::diff(&kept("a", &edited), &kept("b", &original), 5).unwrap();
    // The command labels each side by scheme and data.
    library.this = report["this"].as_str().unwrap().to_string();
    library.against = report["against"].as_str().unwrap().to_string();
    // Compared as text: every float written as its shortest exact decimal.
    assert_eq!(o.stdout, jixiao::report::diff::json(&library).unwrap());
    assert_eq!(report["rows"].as_array().unwrap().len(), 320);
    assert_eq!(report["compared"], 320);
}
