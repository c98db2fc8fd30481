//! The decision-matrix methods as rhai functions: `topsis`, `vikor` and `wrsr` over formulas.
//!
//! `topsis([x1, x2, x3], [0.5, 0.3, 0.2])` is each institution's TOPSIS closeness (0–1) on the
//! formulas `x1…` with those weights (divided by their sum; numbers, or formulas such as those
//! `entropy_weights(xs)`, `critic_weights(xs)` and `std_weights(xs)` return: the objective
//! weights of `crate::mcda`, after min-max, the same in every row, or every row of a peer group
//! with the `group_` variants), vector-normalised, weights in the matrix; an optional third array
//! of directions (`"+"` benefit, `"-"` cost, default all `"+"`) says which way each criterion is
//! better. `vikor(xs, ws, v)` is VIKOR's Q (0–1, lower is better) and `wrsr(xs, ws)` the weighted
//! rank-sum ratio (integer ranks, ties averaged). Each has a `group_` variant computed within the
//! peer group. The formulas and their degenerate-data policies are those of `crate::mcda` (all
//! alternatives alike: TOPSIS 0.5; constant S or R: that term of Q is 0; constant criterion: mean
//! rank); a missing value adds no TOPSIS distance and leaves Q and WRSR missing. Like every
//! formula function these build one polars expression.
//!
//! **How objective weights stay cheap.** polars evaluates a repeated sub-expression once per
//! occurrence (common-subexpression elimination, the `cse` feature, is off), and a method uses
//! each weight in several places, so a weight's expression must be small. Entropy and SD weights
//! are a few column statistics each. CRITIC needs every pair's correlation: written as
//! expressions, each weight would hold all m² covariances (and the shares' sum all of them
//! again), which is what made an inline CRITIC take seconds on five rows. `critic_weights`
//! therefore is **one polars function (UDF) over the m criteria** per weight — m inputs, linear
//! in the criteria — that runs `crate::mcda`'s own CRITIC on the columns it is given (within each
//! peer group for `group_critic_weights`) and returns weight j. The weights the three functions
//! return are known to sum to 1 (they carry a marker), so the methods use them as they are
//! instead of dividing each by the sum of all (which would repeat every weight m times more).
//! Each weight is still computed wherever a method uses it (about ten times in TOPSIS): fine for
//! institutions by the thousand; for very large data prefer `weighting: {method: critic}` in
//! scheme.yaml, computed once.
//!
//! **CRITIC policy on missing values** (as `weighting:`): the statistics run over the rows with a
//! value on every criterion (NaN counts as missing); with fewer than two such rows the weights
//! are equal.

use polars::prelude::*;
use rhai::{Array, Dynamic, Engine, EvalAltResult};

use super::formula::Formula;
use crate::columns::PEER_GROUP_COLUMN;
use crate::mcda::normalise::Normalisation;
use crate::mcda::rsr::{self, RankKind};
use crate::mcda::{topsis, vikor, Criterion, Direction};

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// The name marking a weight formula as a share of weights that sum to 1 (see the module doc);
/// a weight the script changes (`w * 2`) loses it, and is then divided by the sum as usual.
const SHARE: &str = "__weight_share";

/// The criteria, weights (summing to 1) and directions given to a method.
struct Matrix {
    formulas: Vec<Formula>,
    weights: Vec<Expr>,
    /// The weights given as formulas (for the intermediates they read).
    weight_formulas: Vec<Formula>,
    directions: Vec<Direction>,
}

impl Matrix {
    fn read(name: &str, xs: Array, ws: Array, dirs: Option<Array>) -> RhaiResult<Matrix> {
        let formulas: Vec<Formula> = xs
            .into_iter()
            .map(Formula::number)
            .collect::<RhaiResult<_>>()?;
        if formulas.is_empty() {
            return Err(format!("{name} needs at least one criterion").into());
        }
        // Weights are numbers or formulas (e.g. from entropy_weights); numbers are checked here.
        let mut weights: Vec<Expr> = Vec::new();
        let mut numbers: Vec<f64> = Vec::new();
        let mut weight_formulas: Vec<Formula> = Vec::new();
        for w in ws {
            if let Ok(v) = w.as_float().or_else(|_| w.as_int().map(|v| v as f64)) {
                numbers.push(v);
                weights.push(lit(v));
            } else if w.is::<Formula>() {
                let w = w.cast::<Formula>();
                weights.push(w.expr.clone());
                weight_formulas.push(w);
            } else {
                return Err(format!(
                    "{name}: weights are numbers or formulas, not a {}",
                    w.type_name()
                )
                .into());
            }
        }
        let all_numbers = numbers.len() == weights.len();
        let sum: f64 = numbers.iter().sum();
        if weights.len() != formulas.len()
            || numbers.iter().any(|w| !(w.is_finite() && *w >= 0.0))
            || (all_numbers && sum <= 0.0)
        {
            return Err(format!(
                "{name} needs one non-negative weight per criterion ({} criteria, {} weights), not all zero",
                formulas.len(),
                weights.len()
            )
            .into());
        }
        // Objective weights from one call already sum to 1: dividing by their sum would only
        // repeat every weight's expression m times more.
        let already_shares = weights
            .iter()
            .all(|w| matches!(w, Expr::Alias(_, name) if name.as_str() == SHARE));
        let weights: Vec<Expr> = if already_shares {
            weights
        } else {
            let total = weights
                .iter()
                .cloned()
                .reduce(|a, b| a + b)
                .unwrap_or_else(|| lit(1.0));
            weights.into_iter().map(|w| w / total.clone()).collect()
        };
        let directions = match dirs {
            None => vec![Direction::Benefit; formulas.len()],
            Some(dirs) => dirs
                .into_iter()
                .map(|d| match d.into_string().as_deref() {
                    Ok("+") => Ok(Direction::Benefit),
                    Ok("-") => Ok(Direction::Cost),
                    _ => Err(format!(
                        "{name}: directions are \"+\" (benefit) or \"-\" (cost)"
                    )),
                })
                .collect::<Result<_, _>>()?,
        };
        if directions.len() != formulas.len() {
            return Err(format!("{name} needs one direction per criterion").into());
        }
        Ok(Matrix {
            formulas,
            weights,
            weight_formulas,
            directions,
        })
    }

    fn result(&self, expr: Expr) -> Formula {
        let mut out = Formula::constant(expr);
        for f in &self.formulas {
            out.absorb(f);
        }
        // The weights' own intermediates; their columns and denominators are the criteria's.
        for w in &self.weight_formulas {
            crate::script::shared::add_lets(&mut out.lets, &w.lets);
        }
        out
    }
}

fn sum_of(terms: impl Iterator<Item = Expr>) -> Expr {
    terms.reduce(|a, b| a + b).unwrap_or_else(|| lit(0.0))
}

fn topsis_expr(m: &Matrix, over: Option<&str>) -> Expr {
    let values: Vec<(Expr, Direction)> = m
        .formulas
        .iter()
        .zip(&m.weights)
        .zip(&m.directions)
        .map(|((f, w), d)| {
            let (r, d) = Normalisation::Vector.apply(f.expr.clone(), *d, over);
            (w.clone() * r, d)
        })
        .collect();
    let distance = |ideal: bool| {
        sum_of(values.iter().map(|(v, d)| {
            (v.clone() - topsis::extreme(v.clone(), *d, ideal, over))
                .pow(2)
                .fill_null(lit(0.0))
        }))
        .sqrt()
    };
    let (plus, minus) = (distance(true), distance(false));
    let total = plus + minus.clone();
    when(total.clone().gt(lit(0.0)))
        .then(minus.true_div(total))
        .otherwise(lit(0.5))
}

fn vikor_expr(m: &Matrix, v: f64, over: Option<&str>) -> Expr {
    let terms: Vec<Expr> = m
        .formulas
        .iter()
        .zip(&m.weights)
        .zip(&m.directions)
        .map(|((f, w), d)| {
            let x = f.expr.clone();
            let best = vikor::extreme(x.clone(), *d, true, over);
            let worst = vikor::extreme(x.clone(), *d, false, over);
            let gap = best.clone() - worst;
            when(gap.clone().neq(lit(0.0)))
                .then(w.clone() * (best - x).true_div(gap))
                .otherwise(lit(0.0))
        })
        .collect();
    let s = sum_of(terms.iter().cloned());
    // R, the largest term: missing where a term is (as S is). Nesting `when(a >= b)` would
    // repeat each term's expression twice per criterion, 2^m copies in all.
    let r = vikor::largest(&terms);
    lit(v) * vikor::scaled(s, over) + lit(1.0 - v) * vikor::scaled(r, over)
}

fn wrsr_expr(m: &Matrix, over: Option<&str>) -> Expr {
    let ranks: Vec<Expr> = m
        .formulas
        .iter()
        .zip(&m.directions)
        .map(|(f, d)| rsr::rank_expr(f.expr.clone(), *d, RankKind::Integer, over))
        .collect();
    rsr::rsr_expr(&ranks, Some(&m.weights), over)
}

/// Objective weights of the formulas `xs` (each a benefit criterion, min-max normalised first),
/// as formulas holding the same number in every row (within the peer group for `group_`).
fn objective_weights(
    name: &str,
    xs: Array,
    over: Option<&str>,
    statistic: fn(&[Expr], Option<&str>) -> Vec<Expr>,
) -> RhaiResult<Array> {
    let formulas: Vec<Formula> = xs
        .into_iter()
        .map(Formula::number)
        .collect::<RhaiResult<_>>()?;
    if formulas.is_empty() {
        return Err(format!("{name} needs at least one criterion").into());
    }
    let z: Vec<Expr> = formulas
        .iter()
        .map(|f| crate::mcda::normalise::min_max(f.expr.clone(), Direction::Benefit, over))
        .collect();
    let weights = crate::mcda::weights::shares(&statistic(&z, over));
    Ok(weight_formulas(&formulas, weights))
}

/// The weights as formulas, marked as shares, each reading the columns of its criterion.
fn weight_formulas(formulas: &[Formula], weights: Vec<Expr>) -> Array {
    formulas
        .iter()
        .zip(weights)
        .map(|(f, w)| {
            let mut out = Formula::constant(w.alias(SHARE));
            out.columns = f.columns.clone();
            // Each weight reads every criterion (they are normalised together).
            for g in formulas {
                crate::script::shared::add_lets(&mut out.lets, &g.lets);
            }
            Dynamic::from(out)
        })
        .collect()
}

/// CRITIC weights of the formulas `xs`: weight j is one polars function over all m criteria
/// (returning one number, per peer group with `over`) that runs `crate::mcda`'s CRITIC.
fn critic_weights(name: &str, xs: Array, over: Option<&str>) -> RhaiResult<Array> {
    let formulas: Vec<Formula> = xs
        .into_iter()
        .map(Formula::number)
        .collect::<RhaiResult<_>>()?;
    if formulas.is_empty() {
        return Err(format!("{name} needs at least one criterion").into());
    }
    let inputs: Vec<Expr> = formulas
        .iter()
        .map(|f| f.expr.clone().cast(DataType::Float64))
        .collect();
    let mut weights = Vec::with_capacity(formulas.len());
    for j in 0..formulas.len() {
        let weight = apply_multiple(
            move |columns: &mut [Column]| critic_weight(columns, j),
            &inputs,
            |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::Float64)),
            true,
        );
        weights.push(match over {
            None => weight,
            Some(group) => weight
                .over([col(group)])
                .map_err(|e| format!("{name}: cannot group by peer group: {e}"))?,
        });
    }
    Ok(weight_formulas(&formulas, weights))
}

/// Weight `j` of CRITIC on `columns` (one group's rows of the m criteria), by
/// `crate::mcda::weights::compute` over the complete rows; equal with fewer than two.
fn critic_weight(columns: &mut [Column], j: usize) -> PolarsResult<Column> {
    use crate::mcda::weights::{compute, Weighting};
    let m = columns.len();
    let name = columns[0].name().clone();
    let named: Vec<Column> = columns
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let values = c.cast(&DataType::Float64)?;
            // NaN (0/0 in a ratio) counts as missing.
            let values: Float64Chunked = values
                .f64()?
                .iter()
                .map(|v| v.filter(|v| !v.is_nan()))
                .collect();
            Ok(values.with_name(format!("c{k}").into()).into_column())
        })
        .collect::<PolarsResult<_>>()?;
    let height = named.first().map_or(0, Column::len);
    let complete = DataFrame::new(height, named)?.drop_nulls::<String>(None)?;
    let w = if complete.height() < 2 {
        1.0 / m as f64
    } else {
        let criteria: Vec<Criterion> = (0..m)
            .map(|k| Criterion::benefit(format!("c{k}")))
            .collect();
        compute(&complete, &criteria, &Weighting::Critic)
            .map_err(|e| polars_err!(ComputeError: "CRITIC weights: {e}"))?
            .values[j]
    };
    Ok(Column::new(name, [w]))
}

fn entropy_statistic(z: &[Expr], over: Option<&str>) -> Vec<Expr> {
    z.iter()
        .map(|z| lit(1.0) - crate::mcda::entropy::entropy(z.clone(), over))
        .collect()
}

fn std_statistic(z: &[Expr], over: Option<&str>) -> Vec<Expr> {
    z.iter()
        .map(|z| crate::mcda::std_dev::spread(z.clone(), over))
        .collect()
}

pub fn register(engine: &mut Engine) {
    for (prefix, over) in [("", None), ("group_", Some(PEER_GROUP_COLUMN))] {
        for (method, statistic) in [
            (
                "entropy_weights",
                entropy_statistic as fn(&[Expr], Option<&str>) -> Vec<Expr>,
            ),
            ("std_weights", std_statistic),
        ] {
            let name = format!("{prefix}{method}");
            let n = name.clone();
            engine.register_fn(&name, move |xs: Array| {
                objective_weights(&n, xs, over, statistic)
            });
        }
    }
    for (prefix, over) in [("", None), ("group_", Some(PEER_GROUP_COLUMN))] {
        let name = format!("{prefix}critic_weights");
        let n = name.clone();
        engine.register_fn(&name, move |xs: Array| critic_weights(&n, xs, over));
        let name = format!("{prefix}topsis");
        let n = name.clone();
        engine.register_fn(&name, move |xs: Array, ws: Array| {
            Matrix::read(&n, xs, ws, None).map(|m| m.result(topsis_expr(&m, over)))
        });
        let n = name.clone();
        engine.register_fn(&name, move |xs: Array, ws: Array, dirs: Array| {
            Matrix::read(&n, xs, ws, Some(dirs)).map(|m| m.result(topsis_expr(&m, over)))
        });
        let name = format!("{prefix}vikor");
        let n = name.clone();
        engine.register_fn(&name, move |xs: Array, ws: Array, v: Dynamic| {
            let v = v
                .as_float()
                .or_else(|_| v.as_int().map(|i| i as f64))
                .map_err(|_| format!("{n}: v is a number between 0 and 1"))?;
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("{n}: v must be between 0 and 1, not {v}").into());
            }
            Matrix::read(&n, xs, ws, None).map(|m| m.result(vikor_expr(&m, v, over)))
        });
        let name = format!("{prefix}wrsr");
        let n = name.clone();
        engine.register_fn(&name, move |xs: Array, ws: Array| {
            Matrix::read(&n, xs, ws, None).map(|m| m.result(wrsr_expr(&m, over)))
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::script::sandbox;

    /// Evaluates `script` (which must end with a formula) over methods.md's matrix X.
    fn engine() -> rhai::Engine {
        let texts = std::sync::Arc::new(std::sync::Mutex::new(Default::default()));
        sandbox::engine_for_scheme(std::path::Path::new("."), texts)
    }

    fn eval(script: &str) -> Vec<f64> {
        let engine = engine();
        let formula: super::Formula = engine.eval(script).unwrap();
        let frame = polars::prelude::df!(
            "c1" => [250.0, 200.0, 300.0, 275.0, 225.0],
            "c2" => [16.0, 16.0, 32.0, 32.0, 16.0],
            "c3" => [12.0, 8.0, 16.0, 8.0, 16.0],
            "c4" => [5.0, 3.0, 4.0, 4.0, 2.0],
        )
        .unwrap();
        use polars::prelude::*;
        let out = frame
            .lazy()
            .select([formula.expr.cast(DataType::Float64).alias("r")])
            .collect()
            .unwrap();
        out.column("r")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect()
    }

    fn close(actual: &[f64], expected: &[f64]) {
        for (a, e) in actual.iter().zip(expected) {
            assert!((a - e).abs() < 1e-6, "{actual:?} vs {expected:?}");
        }
    }

    const X: &str = "[col(\"c1\"), col(\"c2\"), col(\"c3\"), col(\"c4\")]";

    #[test]
    fn topsis_reproduces_the_reference_fixture() {
        // methods.md §1.4, column 1 cost, w = [.4, .3, .2, .1]:
        // C = [0.363947, 0.395914, 0.604086, 0.546737, 0.441024].
        let c = eval(&format!(
            "topsis({X}, [0.4, 0.3, 0.2, 0.1], [\"-\", \"+\", \"+\", \"+\"])"
        ));
        close(&c, &[0.363947, 0.395914, 0.604086, 0.546737, 0.441024]);
        // Equal weights: [0.534277, 0.308368, 0.691632, 0.534737, 0.401046]; weights are
        // divided by their sum, so 1, 1, 1, 1 is the same as 0.25 each.
        let c = eval(&format!(
            "topsis({X}, [1, 1, 1, 1], [\"-\", \"+\", \"+\", \"+\"])"
        ));
        close(&c, &[0.534277, 0.308368, 0.691632, 0.534737, 0.401046]);
    }

    #[test]
    fn vikor_and_wrsr_on_all_benefit_criteria() {
        // All benefit, equal weights (tests/weighting.rs works the same numbers by hand):
        // Q = 0.75, 1, 0, 0.6875, 0.8625; WRSR = 0.65, 0.325, 0.875, 0.675, 0.475.
        let q = eval(&format!("vikor({X}, [1, 1, 1, 1], 0.5)"));
        close(&q, &[0.75, 1.0, 0.0, 0.6875, 0.8625]);
        let w = eval(&format!("wrsr({X}, [1, 1, 1, 1])"));
        close(&w, &[0.65, 0.325, 0.875, 0.675, 0.475]);
    }

    #[test]
    fn objective_weights_as_formulas_feed_the_methods() {
        // SD weights after min-max (sample SD): z1 = [0.5, 0, 1, 0.75, 0.25] → s 0.395285;
        // z2 = [0, 0, 1, 1, 0] → 0.547723; z3 = [0.5, 0, 1, 0, 1] → 0.5; z4 = [1, 1/3, 2/3, 2/3, 0]
        // → 0.380058; shares 0.216824, 0.300440, 0.274263, 0.208472 (Σ s = 1.823066).
        let expected = [0.216824, 0.300440, 0.274263, 0.208472];
        for (j, w) in expected.iter().enumerate() {
            close(&eval(&format!("std_weights({X})[{j}]")), &[*w; 5]);
        }
        // TOPSIS with those weights as formulas = TOPSIS with them as numbers.
        let as_formulas = eval(&format!("topsis({X}, std_weights({X}))"));
        let as_numbers = eval(&format!(
            "topsis({X}, [0.216824, 0.300440, 0.274263, 0.208472])"
        ));
        close(&as_formulas, &as_numbers);
        // Entropy weights are shares too: summing to 1 in every row.
        let total = eval(&format!(
            "let w = entropy_weights({X}); w[0] + w[1] + w[2] + w[3]"
        ));
        close(&total, &[1.0; 5]);
    }

    #[test]
    fn critic_weights_reproduce_the_reference_fixture_in_bounded_expressions() {
        // methods.md §1.3, X all benefit: w = [0.130180, 0.259027, 0.378476, 0.232317].
        let expected = [0.130180, 0.259027, 0.378476, 0.232317];
        for (j, w) in expected.iter().enumerate() {
            close(&eval(&format!("critic_weights({X})[{j}]")), &[*w; 5]);
        }
        // TOPSIS with them as formulas = TOPSIS with them as numbers (marked as shares, they
        // are used as they are; changed by the script, they are divided by their sum).
        let as_formulas = eval(&format!("topsis({X}, critic_weights({X}))"));
        let as_numbers = eval(&format!(
            "topsis({X}, [0.130180, 0.259027, 0.378476, 0.232317])"
        ));
        close(&as_formulas, &as_numbers);
        let doubled = eval(&format!(
            "let w = critic_weights({X}); topsis({X}, [w[0] * 2, w[1] * 2, w[2] * 2, w[3] * 2])"
        ));
        close(&doubled, &as_numbers);
        let q = eval(&format!("vikor({X}, critic_weights({X}), 0.5)"));
        let halved = eval(&format!(
            "let w = critic_weights({X}); vikor({X}, [w[0] / 2, w[1] / 2, w[2] / 2, w[3] / 2], 0.5)"
        ));
        close(&q, &halved);
        // Q from S and R (hand-checked shape): the best alternative (row 3) is 0, row 2 is 1.
        assert_eq!((q[2], q[1]), (0.0, 1.0));
        // Sizes, not seconds: the planned expressions, counted in nodes as polars will plan
        // them, stay small and grow less than quadratically with the criteria (doubling them
        // at most quadruples the nodes). An inline CRITIC took 19 s; VIKOR's maximum written
        // as nested `when(a >= b)` had 2^m copies of each term (90,517 nodes for 8 criteria,
        // 32 million for 16).
        let engine = engine();
        let criteria = |m: usize| {
            let cols: Vec<String> = (1..=m).map(|j| format!("col(\"c{j}\")")).collect();
            format!("[{}]", cols.join(", "))
        };
        let nodes = |script: String| {
            crate::script::shared::node_count(&engine.eval::<super::Formula>(&script).unwrap().expr)
        };
        let sizes = |m: usize| {
            let x = criteria(m);
            [
                nodes(format!("critic_weights({x})[0]")),
                nodes(format!("topsis({x}, critic_weights({x}))")),
                nodes(format!("vikor({x}, critic_weights({x}), 0.5)")),
            ]
        };
        let (four, eight, sixteen) = (sizes(4), sizes(8), sizes(16));
        assert_eq!(four[0], 10, "one function per weight");
        assert!(four.iter().all(|&n| n < 2_500), "{four:?}");
        for (small, large) in [(four, eight), (eight, sixteen)] {
            for (s, l) in small.iter().zip(&large) {
                assert!(*l <= 4 * s, "{small:?} → {large:?}");
            }
        }
    }

    #[test]
    fn critic_weights_within_peer_groups_and_with_missing_values() {
        use polars::prelude::*;
        let engine = engine();
        let eval_on = |script: &str, frame: &DataFrame| -> Vec<f64> {
            let formula: super::Formula = engine.eval(script).unwrap();
            let out = frame
                .clone()
                .lazy()
                .select([formula.expr.cast(DataType::Float64).alias("r")])
                .collect()
                .unwrap();
            out.column("r")
                .unwrap()
                .f64()
                .unwrap()
                .iter()
                .map(|v| v.unwrap())
                .collect()
        };
        // Group p is X's rows 1–3 and group q rows 3–5 (row 3 twice): each group's weights are
        // CRITIC on its own rows, as computed by crate::mcda on those rows alone.
        let x = [
            [250.0, 16.0, 12.0, 5.0],
            [200.0, 16.0, 8.0, 3.0],
            [300.0, 32.0, 16.0, 4.0],
            [300.0, 32.0, 16.0, 4.0],
            [275.0, 32.0, 8.0, 4.0],
            [225.0, 16.0, 16.0, 2.0],
        ];
        let column = |j: usize| x.iter().map(|r| r[j]).collect::<Vec<f64>>();
        let frame = df!(
            "c1" => column(0), "c2" => column(1), "c3" => column(2), "c4" => column(3),
            crate::columns::PEER_GROUP_COLUMN => ["p", "p", "p", "q", "q", "q"]
        )
        .unwrap();
        let alone = |rows: std::ops::Range<usize>| {
            let part = frame.slice(rows.start as i64, rows.len());
            let criteria = crate::mcda::testing::criteria(4, &[]);
            crate::mcda::weights::compute(
                &part,
                &criteria,
                &crate::mcda::weights::Weighting::Critic,
            )
            .unwrap()
            .values
        };
        let (p, q) = (alone(0..3), alone(3..6));
        for j in 0..4 {
            let grouped = eval_on(&format!("group_critic_weights({X})[{j}]"), &frame);
            close(&grouped, &[p[j], p[j], p[j], q[j], q[j], q[j]]);
        }
        // A missing value leaves its row out (the fifth row dropped: CRITIC on the first four);
        // a single complete row gives equal weights.
        let mut c1: Vec<Option<f64>> = x[..5].iter().map(|r| Some(r[0])).collect();
        c1[4] = None;
        let missing = df!(
            "c1" => c1, "c2" => column(1)[..5].to_vec(), "c3" => column(2)[..5].to_vec(),
            "c4" => column(3)[..5].to_vec()
        )
        .unwrap();
        let first_four = alone(0..4);
        let one = df!("c1" => [1.0], "c2" => [2.0], "c3" => [3.0], "c4" => [4.0]).unwrap();
        for (j, w) in first_four.iter().enumerate() {
            close(
                &eval_on(&format!("critic_weights({X})[{j}]"), &missing),
                &[*w; 5],
            );
            close(
                &eval_on(&format!("critic_weights({X})[{j}]"), &one),
                &[0.25],
            );
        }
    }

    #[test]
    fn mismatched_weights_are_refused() {
        let err = engine()
            .eval::<super::Formula>(&format!("topsis({X}, [1, 2])"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("4 criteria, 2 weights"), "{err}");
    }
}
