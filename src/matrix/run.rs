//! One decision-matrix method on one table: [`run`] checks the spec and the data (`check`),
//! computes the weights and the method's scores with the expression builders of
//! [`crate::mcda`], ranks, and returns the [`McdaResult`] with the method's [`Details`] and the
//! notes on degenerate data met.

use polars::prelude::*;

use super::check::{check_columns, check_spec, check_values, decision_matrix};
use super::{Details, McdaResult, McdaSpec, Method, RANK, SCORE};
use crate::error::Result;
use crate::mcda::normalise::Normalisation;
use crate::mcda::ranking::rank_expr;
use crate::mcda::rsr::{Distribution, RankKind};
use crate::mcda::topsis::{TopsisOptions, WeightPlacement};
use crate::mcda::weights;
use crate::mcda::{rsr, topsis, vikor, wpm, wsm, Criterion};

fn run_stages(frame: &DataFrame, stages: Vec<Vec<Expr>>) -> Result<DataFrame> {
    let mut lf = frame.clone().lazy();
    for stage in stages {
        lf = lf.with_columns(stage);
    }
    Ok(lf.collect()?)
}

pub(super) fn floats(frame: &DataFrame, name: &str) -> Result<Vec<f64>> {
    Ok(frame
        .column(name)?
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect())
}

/// One aggregate per expression, as numbers.
fn aggregates(frame: &DataFrame, exprs: Vec<Expr>) -> Result<Vec<f64>> {
    let named: Vec<Expr> = exprs
        .into_iter()
        .enumerate()
        .map(|(i, e)| e.cast(DataType::Float64).alias(format!("a{i}")))
        .collect();
    let count = named.len();
    let row = frame.clone().lazy().select(named).collect()?;
    (0..count)
        .map(|i| {
            Ok(row
                .column(&format!("a{i}"))?
                .f64()?
                .get(0)
                .unwrap_or(f64::NAN))
        })
        .collect()
}

/// id + the given scratch columns, renamed to the criteria.
fn matrix_of(
    spec: &McdaSpec,
    computed: &DataFrame,
    column: impl Fn(&Criterion) -> String,
) -> Result<DataFrame> {
    let mut select = vec![col(spec.id.as_str())];
    select.extend(
        spec.criteria
            .iter()
            .map(|c| col(column(c)).alias(c.name.as_str())),
    );
    Ok(computed.clone().lazy().select(select).collect()?)
}

/// Runs `spec.method` on `frame` (a table with the id and criterion columns; others are ignored).
pub fn run(spec: &McdaSpec, frame: DataFrame) -> Result<McdaResult> {
    let normalisation = check_spec(spec)?;
    check_columns(spec, &frame)?;
    let matrix = decision_matrix(spec, &frame)?;
    check_values(spec, normalisation, &matrix)?;
    let weights = weights::compute(&matrix, &spec.criteria, &spec.weighting)?;
    let w: Vec<Expr> = weights.values.iter().map(|&w| lit(w)).collect();
    let id = spec.id.as_str();
    let mut notes = Vec::new();

    let ranges = aggregates(
        &matrix,
        spec.criteria
            .iter()
            .map(|c| c.col().max() - c.col().min())
            .collect(),
    )?;
    let constant: Vec<&str> = spec
        .criteria
        .iter()
        .zip(&ranges)
        .filter(|(_, r)| **r == 0.0)
        .map(|(c, _)| c.name.as_str())
        .collect();
    if !constant.is_empty() && matrix.height() > 1 {
        notes.push(format!(
            "constant criteria (every alternative alike): {}; {}",
            constant.join(", "),
            match spec.method {
                Method::Topsis => "ideal = anti-ideal, they add nothing to the distances",
                Method::Vikor => "their terms are 0 (ignored)",
                Method::Rsr | Method::Wrsr => "every alternative gets the average rank (n + 1)/2",
                Method::Wsm => "min-max gives everyone 1, which shifts all scores alike",
                Method::Wpm => "every ratio is 1, which changes nothing",
            }
        ));
    }
    if matrix.height() == 1 {
        notes.push("a single alternative: it ranks first".into());
    }

    let (computed, score, extras, details): (DataFrame, &str, Vec<Expr>, Details) = match spec
        .method
    {
        Method::Topsis => {
            let options = TopsisOptions {
                normalisation: normalisation.unwrap_or(Normalisation::Vector),
                placement: spec.placement.unwrap_or(WeightPlacement::WeightedMatrix),
            };
            let computed = run_stages(&matrix, topsis::stages(&spec.criteria, &w, options, None))?;
            let directions = topsis::directions(&spec.criteria, options);
            let extreme = |ideal: bool| {
                spec.criteria
                    .iter()
                    .zip(&directions)
                    .map(|(c, &d)| topsis::extreme(col(topsis::value_column(c)), d, ideal, None))
                    .collect::<Vec<_>>()
            };
            let ideal = aggregates(&computed, extreme(true))?;
            let anti_ideal = aggregates(&computed, extreme(false))?;
            let values = matrix_of(spec, &computed, topsis::value_column)?;
            if ideal == anti_ideal && matrix.height() > 1 {
                notes.push(
                    "all alternatives are alike (D⁺ + D⁻ = 0): every closeness is 0.5".into(),
                );
            }
            (
                computed,
                topsis::CLOSENESS,
                vec![
                    col(topsis::D_PLUS).alias("d_plus"),
                    col(topsis::D_MINUS).alias("d_minus"),
                ],
                Details::Topsis {
                    options,
                    values,
                    directions,
                    ideal,
                    anti_ideal,
                },
            )
        }
        Method::Vikor => {
            let v = spec.vikor_v.unwrap_or(0.5);
            let computed = run_stages(&matrix, vikor::stages(&spec.criteria, &w, v, None))?;
            let extreme = |best: bool| {
                spec.criteria
                    .iter()
                    .map(|c| vikor::extreme(c.col(), c.direction, best, None))
                    .collect::<Vec<_>>()
            };
            let best = aggregates(&computed, extreme(true))?;
            let worst = aggregates(&computed, extreme(false))?;
            let s = floats(&computed, vikor::S)?;
            let r = floats(&computed, vikor::R)?;
            let q = floats(&computed, vikor::Q)?;
            let range = |x: &[f64]| {
                (
                    x.iter().copied().fold(f64::INFINITY, f64::min),
                    x.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                )
            };
            let (s_range, r_range) = (range(&s), range(&r));
            if matrix.height() > 1 {
                if s_range.0 == s_range.1 {
                    notes.push("S is the same for every alternative: its term of Q is 0".into());
                }
                if r_range.0 == r_range.1 {
                    notes.push("R is the same for every alternative: its term of Q is 0".into());
                }
            }
            let compromise = vikor::compromise(&q, &s, &r);
            let ids = computed.column(id)?.str()?.clone();
            let compromise_ids: Vec<String> = compromise
                .set
                .iter()
                .map(|&i| ids.get(i).unwrap_or("").to_string())
                .collect();
            let mut in_set = vec![false; q.len()];
            for &i in &compromise.set {
                in_set[i] = true;
            }
            let mut computed = computed;
            computed.with_column(Column::new("mcda.vikor.compromise".into(), in_set))?;
            (
                computed,
                vikor::Q,
                vec![
                    col(vikor::S).alias("S"),
                    col(vikor::R).alias("R"),
                    col("mcda.vikor.compromise").alias("compromise"),
                ],
                Details::Vikor {
                    v,
                    best,
                    worst,
                    s_range,
                    r_range,
                    compromise,
                    compromise_ids,
                },
            )
        }
        Method::Rsr | Method::Wrsr => {
            let kind = spec.rsr_ranks.unwrap_or(RankKind::Integer);
            let grades = spec.grades.unwrap_or(3);
            let weights_used = (spec.method == Method::Wrsr).then_some(w.as_slice());
            let computed = run_stages(
                &matrix,
                rsr::stages(
                    &spec.criteria,
                    weights_used,
                    kind,
                    grades,
                    None,
                    ["mcda.rsr", "mcda.probit", "mcda.grade"],
                ),
            )?;
            let values = floats(&computed, "mcda.rsr")?;
            let distribution = Distribution::of(&values);
            let ranks = matrix_of(spec, &computed, |c| crate::mcda::scratch("R", &c.name))?;
            (
                computed,
                "mcda.rsr",
                vec![
                    col("mcda.probit").alias("probit"),
                    col("mcda.grade").alias("grade"),
                ],
                Details::Rsr {
                    kind,
                    ranks,
                    fit_groups: distribution.fit_groups(),
                    fit_objects: distribution.fit_objects(),
                    distribution,
                    cuts: rsr::cut_points(grades),
                },
            )
        }
        Method::Wsm => {
            let normalisation = normalisation.unwrap_or(Normalisation::MinMax);
            let computed = run_stages(
                &matrix,
                wsm::stages(&spec.criteria, &w, normalisation, None),
            )?;
            let values = matrix_of(spec, &computed, wsm::value_column)?;
            (
                computed,
                wsm::SCORE,
                Vec::new(),
                Details::Wsm {
                    normalisation,
                    values,
                },
            )
        }
        Method::Wpm => {
            let computed = run_stages(&matrix, wpm::stages(&spec.criteria, &w, None))?;
            let values = matrix_of(spec, &computed, wpm::value_column)?;
            (computed, wpm::SCORE, Vec::new(), Details::Wpm { values })
        }
    };
    let mut select = vec![
        col(id),
        col(score).alias(SCORE),
        rank_expr(col(score), spec.ties, spec.method.higher_is_better(), None).alias(RANK),
    ];
    select.extend(extras);
    let table = computed
        .lazy()
        .select(select)
        .sort(
            [RANK],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()?;
    Ok(McdaResult {
        method: spec.method,
        id: spec.id.clone(),
        criteria: spec.criteria.clone(),
        source: spec.source.clone(),
        ties: spec.ties,
        weights,
        table,
        details,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::super::output::strings;
    use super::super::testing::spec;
    use super::*;
    use crate::mcda::testing::{close, criteria, floats, x_frame};
    use crate::mcda::weights::Weighting;

    /// X as CSV text cells, rows shuffled.
    fn text_frame() -> DataFrame {
        let rows = [3usize, 0, 4, 2, 1];
        let x = crate::mcda::testing::X;
        let cell =
            |j: usize| -> Vec<String> { rows.iter().map(|&i| format!(" {} ", x[i][j])).collect() };
        df!(
            "id" => rows.iter().map(|i| format!("a{}", i + 1)).collect::<Vec<_>>(),
            "c1" => cell(0), "c2" => cell(1), "c3" => cell(2), "c4" => cell(3),
        )
        .unwrap()
    }

    #[test]
    fn topsis_from_text_cells_in_any_order() {
        let result = run(&spec(Method::Topsis), text_frame()).unwrap();
        // Output in rank order: a3 (0.604086), a4, a5, a2, a1.
        assert_eq!(strings(&result.table, "id"), ["a3", "a4", "a5", "a2", "a1"]);
        close(
            &floats(&result.table, SCORE),
            &[0.604086, 0.546737, 0.441024, 0.395914, 0.363947],
            1e-6,
        );
        assert_eq!(floats(&result.table, RANK), [1.0, 2.0, 3.0, 4.0, 5.0]);
    }

    #[test]
    fn vikor_marks_the_compromise_set() {
        let result = run(&spec(Method::Vikor), x_frame()).unwrap();
        // Q = [0.5, 0.4, 0.5, 0.3, 0.2]: a5, a4, a2, then a1 and a3 tied at 4 (min ties).
        assert_eq!(strings(&result.table, "id"), ["a5", "a4", "a2", "a1", "a3"]);
        assert_eq!(floats(&result.table, RANK), [1.0, 2.0, 3.0, 4.0, 4.0]);
        assert_eq!(
            strings(&result.table, "compromise"),
            ["true", "true", "true", "false", "false"]
        );
        let Details::Vikor { compromise_ids, .. } = &result.details else {
            panic!()
        };
        assert_eq!(compromise_ids, &["a5", "a4", "a2"]);
    }

    #[test]
    fn wrsr_grades_and_rsr_refuses_weights() {
        let result = run(&spec(Method::Wrsr), x_frame()).unwrap();
        // WRSR = [0.58, 0.62, 0.60, 0.56, 0.64]; sorted a4 < a1 < a3 < a2 < a5 with probits
        // 4.158, 4.747, 5.253, 5.842, 6.645: only a5 reaches the cut 6 (grade 1); all are ≥ 4.
        assert_eq!(strings(&result.table, "id"), ["a5", "a2", "a3", "a1", "a4"]);
        assert_eq!(floats(&result.table, "grade"), [1.0, 2.0, 2.0, 2.0, 2.0]);
        let err = run(&spec(Method::Rsr), x_frame()).unwrap_err().to_string();
        assert!(err.contains("--method wrsr"), "{err}");
        let mut unweighted = spec(Method::Rsr);
        unweighted.weighting = Weighting::Equal;
        let result = run(&unweighted, x_frame()).unwrap();
        // RSR = [0.65, 0.525, 0.675, 0.575, 0.575]: a3, a1, then a4 and a5 tied, a2.
        close(
            &floats(&result.table, SCORE),
            &[0.675, 0.65, 0.575, 0.575, 0.525],
            1e-12,
        );
        assert_eq!(floats(&result.table, RANK), [1.0, 2.0, 3.0, 3.0, 5.0]);
    }

    #[test]
    fn notes_name_the_degenerate_cases() {
        // Equal-weight VIKOR on X has constant R.
        let s = McdaSpec::new("id", criteria(4, &[1]), Method::Vikor);
        let result = run(&s, x_frame()).unwrap();
        assert!(
            result.notes.iter().any(|n| n.starts_with("R is the same")),
            "{:?}",
            result.notes
        );
        close(
            &floats(&result.table, SCORE),
            &[0.0, 0.25, 0.28125, 0.34375, 0.5],
            1e-12,
        );
    }
}
