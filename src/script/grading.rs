//! The grading methods as rhai functions: each institution's grade (band label) from a formula.
//!
//! `grade(x, #{by: "mean_sd", within: "peer_group", bands: [#{grade: "A", above_sd: 1}, …]})`
//! takes exactly the keys of `grades:` in `scheme.yaml` (checked the same way), and short forms
//! name the method, with the bands' bounds and labels as arrays (labels best first, one more
//! label than bounds where the method has bounds):
//!
//! | function | bands | like |
//! |---|---|---|
//! | `grade_score(x, [90, 60], ["优", "良", "差"])` | x ≥ 90, x ≥ 60, the rest | `by: score` |
//! | `grade_rank_share(x, [0.1, 0.4], ["A", "B", "C"])` | top 10%, top 40% of the ranking, the rest | `by: rank_share` (rounding floor) |
//! | `grade_mean_sd(x, [1, 0, -1], ["A", "B", "C", "D"])` | x ≥ mean + 1·SD, ≥ mean, ≥ mean − SD, the rest | `by: mean_sd` |
//! | `grade_kmeans(x, ["A", "B", "C"])`, `grade_kmeans(x, labels, "hartigan_wong")` (or `"sas_fastclus"`) | one 1-D k-means cluster each, k = number of labels | `by: kmeans` |
//! | `grade_rsr(x, ["上", "中", "下"])` | Probit cut-points of x's distribution table | `by: rsr_probit` |
//!
//! Each except `grade_score` (whose bounds are fixed numbers) has a `group_` variant whose
//! statistics (n, ranks, mean and SD, clusters, Probit table) are taken within the peer group;
//! in the map form, `within: "peer_group"`.
//!
//! **What they return.** The band's **label** (text), like the `grade` column of a run, so a
//! script can bind it as an indicator or compare it (`g == "A"`). **Higher values get better
//! bands**; grade `-x` for a formula where lower is better (VIKOR's Q). **No value, no grade:**
//! a missing (or NaN) value gets a missing grade and is left out of every statistic and of the
//! ranking. There are no vetoes here: a formula has none (the run's `grades:` gives vetoed
//! institutions the last band). The methods and their edge-case policies are `crate::grade`'s
//! own code, reading the formula's values instead of the published score; `kmeans` and
//! `grade_rsr` run a Rust function over each group's column (polars `apply`), the others are
//! polars expressions.

use rhai::{Array, Dynamic, Engine, EvalAltResult, Map};

use super::formula::Formula;
use crate::grade::{self, Graded};
use crate::scheme::{check_grades, GradeBand, GradeBy, GradeSpec, KmeansAlgorithm, Within};

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// The bounds of a short form and the band field they set.
type Bounds = (Array, fn(&mut GradeBand, f64));

/// The grade formula of `x` by `spec`, after the scheme's checks.
fn graded(name: &str, x: Dynamic, spec: &GradeSpec) -> RhaiResult<Formula> {
    check_grades(spec).map_err(|e| format!("{name}: {e}"))?;
    let x = Formula::number(x)?;
    let expr = grade::label_expr(spec, &Graded::values(x.expr.clone(), spec.within));
    Ok(Formula {
        expr,
        kind: super::Kind::Text,
        ..x
    })
}

fn labels(name: &str, labels: Array) -> RhaiResult<Vec<String>> {
    let labels: Vec<String> = labels
        .into_iter()
        .map(|l| {
            l.into_string()
                .map_err(|t| format!("{name}: labels are text, not a {t}"))
        })
        .collect::<Result<_, _>>()?;
    if labels.is_empty() {
        return Err(format!("{name} needs at least one label").into());
    }
    Ok(labels)
}

fn numbers(name: &str, values: Array) -> RhaiResult<Vec<f64>> {
    values
        .into_iter()
        .map(|v| {
            v.as_float()
                .or_else(|_| v.as_int().map(|i| i as f64))
                .map_err(|t| format!("{name}: bounds are numbers, not a {t}").into())
        })
        .collect()
}

/// The spec of a short form: `bounds[i]` set by `set` on band i (none for the last band).
fn spec_of(
    name: &str,
    by: GradeBy,
    within: Within,
    bounds: Option<Bounds>,
    names: Array,
) -> RhaiResult<GradeSpec> {
    let names = labels(name, names)?;
    let mut bands: Vec<GradeBand> = names
        .into_iter()
        .map(|grade| GradeBand {
            grade,
            min: None,
            top: None,
            above_sd: None,
        })
        .collect();
    if let Some((bounds, set)) = bounds {
        let bounds = numbers(name, bounds)?;
        if bounds.len() + 1 != bands.len() {
            return Err(format!(
                "{name} needs one label more than bounds (the last band takes the rest): {} bounds, {} labels",
                bounds.len(),
                bands.len()
            )
            .into());
        }
        for (band, bound) in bands.iter_mut().zip(bounds) {
            set(band, bound);
        }
    }
    Ok(GradeSpec {
        by,
        within,
        algorithm: None,
        rounding: None,
        bands,
    })
}

/// Registers the functions on `engine`.
pub fn register(engine: &mut Engine) {
    engine.register_fn("grade", |x: Dynamic, method: Map| {
        let spec: GradeSpec = super::methods::parse(method, "grade")?;
        graded("grade", x, &spec)
    });
    engine.register_fn("grade_score", |x: Dynamic, mins: Array, names: Array| {
        let set: fn(&mut GradeBand, f64) = |b, v| b.min = Some(v);
        let spec = spec_of(
            "grade_score",
            GradeBy::Score,
            Within::All,
            Some((mins, set)),
            names,
        )?;
        graded("grade_score", x, &spec)
    });
    for (prefix, within) in [("", Within::All), ("group_", Within::PeerGroup)] {
        let name = format!("{prefix}grade_rank_share");
        engine.register_fn(
            name.clone(),
            move |x: Dynamic, tops: Array, names: Array| {
                let set: fn(&mut GradeBand, f64) = |b, v| b.top = Some(v);
                let spec = spec_of(&name, GradeBy::RankShare, within, Some((tops, set)), names)?;
                graded(&name, x, &spec)
            },
        );
        let name = format!("{prefix}grade_mean_sd");
        engine.register_fn(name.clone(), move |x: Dynamic, ks: Array, names: Array| {
            let set: fn(&mut GradeBand, f64) = |b, v| b.above_sd = Some(v);
            let spec = spec_of(&name, GradeBy::MeanSd, within, Some((ks, set)), names)?;
            graded(&name, x, &spec)
        });
        let name = format!("{prefix}grade_kmeans");
        let n = name.clone();
        engine.register_fn(&name, move |x: Dynamic, names: Array| {
            let spec = spec_of(&n, GradeBy::Kmeans, within, None, names)?;
            graded(&n, x, &spec)
        });
        let n = name.clone();
        engine.register_fn(&name, move |x: Dynamic, names: Array, algorithm: &str| {
            let mut spec = spec_of(&n, GradeBy::Kmeans, within, None, names)?;
            spec.algorithm = Some(match algorithm {
                "exact" => KmeansAlgorithm::Exact,
                "hartigan_wong" => KmeansAlgorithm::HartiganWong,
                "sas_fastclus" => KmeansAlgorithm::SasFastclus,
                other => {
                    return Err(format!(
                        "{n}: the algorithm is \"exact\", \"hartigan_wong\" or \"sas_fastclus\", not \"{other}\""
                    )
                    .into())
                }
            });
            graded(&n, x, &spec)
        });
        let name = format!("{prefix}grade_rsr");
        engine.register_fn(name.clone(), move |x: Dynamic, names: Array| {
            let spec = spec_of(&name, GradeBy::RsrProbit, within, None, names)?;
            graded(&name, x, &spec)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::PEER_GROUP_COLUMN;
    use crate::script::sandbox::{engine_for_scheme, SourceTexts};
    use polars::prelude::*;

    /// Grades by `script` of x = 50, 60, 70, 80, 90, missing, 65 in groups a, a, a, b, b, b, b.
    fn eval(script: &str) -> Vec<Option<String>> {
        let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
        let formula: Formula = engine.eval(script).unwrap();
        let frame = df!(
            "x" => [Some(50.0), Some(60.0), Some(70.0), Some(80.0), Some(90.0), None, Some(65.0)],
            PEER_GROUP_COLUMN => ["a", "a", "a", "b", "b", "b", "b"]
        )
        .unwrap();
        let out = frame
            .lazy()
            .select([formula.expr.alias("g")])
            .collect()
            .unwrap();
        out.column("g")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|g| g.map(str::to_string))
            .collect()
    }

    fn grades(expected: [Option<&str>; 7]) -> Vec<Option<String>> {
        expected.iter().map(|g| g.map(str::to_string)).collect()
    }

    const A: Option<&str> = Some("A");
    const B: Option<&str> = Some("B");
    const C: Option<&str> = Some("C");
    const D: Option<&str> = Some("D");

    #[test]
    fn fixed_thresholds() {
        // ≥ 80 A, ≥ 60 B, else C; the missing value has no grade.
        assert_eq!(
            eval(r#"grade_score(col("x"), [80, 60], ["A", "B", "C"])"#),
            grades([C, B, B, A, A, None, B])
        );
    }

    #[test]
    fn rank_shares_overall_and_in_peer_groups() {
        // Six values ranked 90, 80, 70, 65, 60, 50: top 1/3 → 2 places (90, 80), top 2/3 → 4
        // places (70, 65), the rest C.
        assert_eq!(
            eval(r#"grade_rank_share(col("x"), [0.34, 0.67], ["A", "B", "C"])"#),
            grades([C, C, B, A, A, None, B])
        );
        // Group a (70, 60, 50; n 3): floor(0.34 × 3) = 1 place → 70 A; floor(0.67 × 3) = 2 →
        // 60 B; 50 C. Group b (90, 80, 65; n 3, the missing one unranked): 90 A, 80 B, 65 C.
        assert_eq!(
            eval(r#"group_grade_rank_share(col("x"), [0.34, 0.67], ["A", "B", "C"])"#),
            grades([C, B, A, B, A, None, C])
        );
    }

    #[test]
    fn mean_and_sd_overall_and_in_peer_groups() {
        // 50, 60, 70, 80, 90, 65: mean 69.166667, sample SD 14.288690; cuts mean + SD
        // 83.455357, mean 69.166667, mean − SD 54.877977.
        assert_eq!(
            eval(r#"grade_mean_sd(col("x"), [1, 0, -1], ["A", "B", "C", "D"])"#),
            grades([D, C, B, B, A, None, C])
        );
        // Group a: 50, 60, 70 (mean 60, SD 10): cuts 70, 60, 50 → 70 A, 60 B, 50 C (a value at
        // a cut reaches it). Group b: 80, 90, 65 (mean 78.333333, SD 12.583057): cuts 90.916390,
        // 78.333333, 65.750276 → 80 B, 90 B, 65 D.
        assert_eq!(
            eval(r#"group_grade_mean_sd(col("x"), [1, 0, -1], ["A", "B", "C", "D"])"#),
            grades([C, B, A, B, B, None, D])
        );
    }

    #[test]
    fn kmeans_both_algorithms_and_in_peer_groups() {
        // Two clusters of 50, 60, 65, 70, 80, 90: the optimum splits {50, 60, 65, 70}
        // (SSE 218.75) {80, 90} (50): 268.75, against {50, 60, 65} {70, 80, 90} 116.67 + 200.
        assert_eq!(
            eval(r#"grade_kmeans(col("x"), ["A", "B"])"#),
            grades([B, B, B, A, A, None, B])
        );
        assert_eq!(
            eval(r#"grade_kmeans(col("x"), ["A", "B"], "hartigan_wong")"#),
            grades([B, B, B, A, A, None, B])
        );
        // Group a (50, 60, 70) into 3 clusters of one; group b (80, 90, 65) likewise.
        assert_eq!(
            eval(r#"group_grade_kmeans(col("x"), ["A", "B", "C"])"#),
            grades([C, B, A, B, A, None, C])
        );
    }

    #[test]
    fn rsr_probit_bands_overall_and_in_peer_groups() {
        // Six distinct values: p = 1/6, 2/6, 3/6, 4/6, 5/6 and 1 − 1/24 for the largest →
        // Probit 4.03, 4.57, 5, 5.43, 5.97, 6.73: cuts 4 and 6 → 50 … 80 middle, 90 upper.
        assert_eq!(
            eval(r#"grade_rsr(col("x"), ["上", "中", "下"])"#),
            eval(
                r#"grade(col("x"), #{by: "rsr_probit", bands: [#{grade: "上"}, #{grade: "中"}, #{grade: "下"}]})"#
            )
        );
        assert_eq!(
            eval(r#"grade_rsr(col("x"), ["A", "B", "C"])"#),
            grades([B, B, B, B, A, None, B])
        );
        // Groups of three: p = 1/3, 2/3, 1 − 1/12 → Probit 4.57, 5.43, 6.38 → B, B, A.
        assert_eq!(
            eval(r#"group_grade_rsr(col("x"), ["A", "B", "C"])"#),
            grades([B, B, A, B, A, None, B])
        );
    }

    #[test]
    fn the_map_form_takes_the_scheme_keys() {
        assert_eq!(
            eval(
                r#"grade(col("x"), #{by: "mean_sd", within: "peer_group",
                    bands: [#{grade: "A", above_sd: 1}, #{grade: "B", above_sd: 0},
                            #{grade: "C", above_sd: -1}, #{grade: "D"}]})"#
            ),
            grades([C, B, A, B, B, None, D])
        );
        assert_eq!(
            eval(
                r#"grade(col("x"), #{by: "rank_share", rounding: "ceil",
                    bands: [#{grade: "A", top: 0.1}, #{grade: "B"}]})"#
            ),
            // ⌈0.1 × 6⌉ = 1 place: 90.
            grades([B, B, B, B, A, None, B])
        );
    }

    #[test]
    fn misuse_is_an_error_with_the_reason() {
        let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
        for (script, reason) in [
            (
                r#"grade_score(col("x"), [80, 60], ["A", "B"])"#,
                "one label more than bounds",
            ),
            (
                r#"grade_mean_sd(col("x"), [-1, 1], ["A", "B", "C"])"#,
                "out of order",
            ),
            (
                r#"grade_rank_share(col("x"), [1.5], ["A", "B"])"#,
                "top must be a share in (0, 1]",
            ),
            (
                r#"grade_kmeans(col("x"), ["A", "B"], "lloyd")"#,
                "\"exact\", \"hartigan_wong\" or \"sas_fastclus\"",
            ),
            (r#"grade_rsr(col("x"), [])"#, "at least one label"),
            (r#"grade_rsr(col("x"), [1, 2])"#, "labels are text"),
            (
                r#"grade(col("x"), #{by: "kmeans", bands: [#{grade: "A", min: 3}, #{grade: "B"}]})"#,
                "take no bound",
            ),
            (
                r#"grade(col("x"), #{by: "quartile", bands: []})"#,
                "unknown variant `quartile`",
            ),
        ] {
            let err = engine.eval::<Formula>(script).unwrap_err().to_string();
            assert!(err.contains(reason), "{script}: {err}");
        }
    }
}
