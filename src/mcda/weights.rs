//! Criterion weights: equal, fixed, the objective ones (entropy, CRITIC, SD) and AHP; Σ w = 1.
//!
//! * **equal**: 1/m.
//! * **fixed**: the user's numbers, divided by their sum. Negative, non-finite or all-zero lists
//!   are refused, as is a list of the wrong length.
//! * **entropy** ([`super::entropy`]), **CRITIC** ([`super::critic`]), **std** ([`super::std_dev`]):
//!   a statistic per criterion, then its [`shares`].
//! * **AHP** ([`super::ahp`]): from a pairwise matrix; refused when CR ≥ 0.10.
//!
//! [`compute`] gives the numbers over a whole frame; [`staged`] gives the weights as expressions,
//! taken within each group of an `over` column for the objective methods, for use row by row.

use polars::prelude::*;

use super::ahp::{self, Ahp, AhpMethod, PairwiseMatrix};
use super::entropy::{self, EntropyInput};
use super::{critic, normalise, scratch, std_dev, Criterion};
use crate::error::{Error, Result};

/// How the weights are obtained.
#[derive(Debug, Clone, PartialEq)]
pub enum Weighting {
    Equal,
    /// Relative weights in the order of the criteria; divided by their sum.
    Fixed(Vec<f64>),
    Entropy(EntropyInput),
    Critic,
    StdDev,
    Ahp {
        matrix: PairwiseMatrix,
        method: AhpMethod,
    },
}

impl Weighting {
    /// Parses the `--weights` flag: `equal`, `entropy` (after min-max), `entropy-raw`, `critic`,
    /// `std`, `ahp:FILE` (with `ahp_method`, default eigenvector), or numbers `w1,w2,…` (one per
    /// criterion). An `ahp_method` without `ahp:FILE` is refused.
    pub fn parse(
        text: &str,
        criteria: &[Criterion],
        ahp_method: Option<AhpMethod>,
    ) -> Result<Weighting> {
        let text = text.trim();
        if ahp_method.is_some() && !text.starts_with("ahp:") {
            return Err(Error::Usage {
                message: "--ahp-method applies to --weights ahp:FILE only; drop it".into(),
            });
        }
        Ok(match text {
            "equal" => Weighting::Equal,
            "entropy" => Weighting::Entropy(EntropyInput::MinMax),
            "entropy-raw" => Weighting::Entropy(EntropyInput::Raw),
            "critic" => Weighting::Critic,
            "std" => Weighting::StdDev,
            _ if text.starts_with("ahp:") => {
                let path = std::path::Path::new(&text[4..]);
                let names: Vec<&str> = criteria.iter().map(|c| c.name.as_str()).collect();
                // Problems with the matrix are the file's: name it.
                let in_file = |e: Error| match e {
                    Error::Method { message, help } => Error::Data {
                        file: path.to_path_buf(),
                        message,
                        help,
                    },
                    other => other,
                };
                let matrix = PairwiseMatrix::read(path)?
                    .reordered(&names)
                    .map_err(in_file)?;
                let method = ahp_method.unwrap_or(AhpMethod::Eigenvector);
                // Inconsistent judgements are refused here, naming the file.
                ahp::weights(&matrix, method).map_err(in_file)?;
                Weighting::Ahp { matrix, method }
            }
            _ => {
                let numbers: Option<Vec<f64>> = text
                    .split(',')
                    .map(|w| w.trim().parse::<f64>().ok())
                    .collect();
                let Some(numbers) = numbers else {
                    return Err(Error::Usage {
                        message: format!(
                            "--weights \"{text}\" is not a method or a list of numbers; use equal, entropy, entropy-raw, critic, std, ahp:FILE or w1,w2,… (one per criterion)"
                        ),
                    });
                };
                fixed(&numbers, criteria)?;
                Weighting::Fixed(numbers)
            }
        })
    }

    /// A short label for reports.
    pub fn label(&self) -> String {
        match self {
            Weighting::Equal => "equal".into(),
            Weighting::Fixed(_) => "fixed".into(),
            Weighting::Entropy(EntropyInput::MinMax) => "entropy after min-max".into(),
            Weighting::Entropy(EntropyInput::Raw) => "entropy of raw values".into(),
            Weighting::Critic => "CRITIC".into(),
            Weighting::StdDev => "standard deviation".into(),
            Weighting::Ahp { method, .. } => format!("AHP, {}", method.name()),
        }
    }
}

/// The weights used, in the order of the criteria, with what they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    pub label: String,
    pub values: Vec<f64>,
    /// The per-criterion statistic of an objective method: ("d = 1 − e", …), ("C", …), ("s", …).
    pub statistic: Option<(String, Vec<f64>)>,
    /// The AHP figures when AHP gave the weights.
    pub ahp: Option<Ahp>,
}

/// Fixed weights divided by their sum.
pub fn fixed(weights: &[f64], criteria: &[Criterion]) -> Result<Vec<f64>> {
    let usage = |message: String| Error::Usage { message };
    if weights.len() != criteria.len() {
        return Err(usage(format!(
            "{} weights for {} criteria; give one weight per criterion, in the order of --criteria",
            weights.len(),
            criteria.len()
        )));
    }
    if let Some((w, c)) = weights
        .iter()
        .zip(criteria)
        .find(|(w, _)| !w.is_finite() || **w < 0.0)
    {
        return Err(usage(format!(
            "weight {w} of criterion \"{}\" is not a non-negative number",
            c.name
        )));
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return Err(usage(
            "the weights sum to 0; give at least one positive weight".into(),
        ));
    }
    Ok(weights.iter().map(|w| w / total).collect())
}

/// w_j = stat_j / Σ_k stat_k, as expressions; equal weights when every statistic is 0.
pub fn shares(statistics: &[Expr]) -> Vec<Expr> {
    let m = statistics.len() as f64;
    let total = statistics
        .iter()
        .cloned()
        .reduce(|a, b| a + b)
        .unwrap_or_else(|| lit(0.0));
    statistics
        .iter()
        .map(|s| {
            when(total.clone().gt(lit(0.0)))
                .then(s.clone().true_div(total.clone()))
                .otherwise(lit(1.0 / m))
        })
        .collect()
}

/// The same policy on numbers.
fn shares_of(statistics: &[f64]) -> Vec<f64> {
    let total: f64 = statistics.iter().sum();
    let m = statistics.len() as f64;
    if total > 0.0 {
        statistics.iter().map(|s| s / total).collect()
    } else {
        vec![1.0 / m; statistics.len()]
    }
}

/// An objective method as expressions: the per-criterion statistic whose shares are the weights,
/// what it is called, the stage of normalised columns it reads (empty for raw-value entropy), and
/// a fallback statistic used when every primary one is 0 (CRITIC: σ, for when a single criterion
/// varies or all varying ones are perfectly correlated).
struct Objective {
    name: &'static str,
    stage: Vec<Expr>,
    statistics: Vec<Expr>,
    fallback: Option<Vec<Expr>>,
}

/// `None` for equal, fixed and AHP weights.
fn objective(
    criteria: &[Criterion],
    weighting: &Weighting,
    over: Option<&str>,
) -> Option<Objective> {
    let z_name = |c: &Criterion| scratch("z", &c.name);
    let z_stage = || -> Vec<Expr> {
        criteria
            .iter()
            .map(|c| normalise::min_max(c.col(), c.direction, over).alias(z_name(c)))
            .collect()
    };
    let z: Vec<Expr> = criteria.iter().map(|c| col(z_name(c))).collect();
    let plain = |name, stage, statistics| Objective {
        name,
        stage,
        statistics,
        fallback: None,
    };
    match weighting {
        Weighting::Entropy(EntropyInput::MinMax) => Some(plain(
            "d = 1 − e",
            z_stage(),
            z.into_iter()
                .map(|z| lit(1.0) - entropy::entropy(z, over))
                .collect(),
        )),
        Weighting::Entropy(EntropyInput::Raw) => Some(plain(
            "d = 1 − e",
            Vec::new(),
            criteria
                .iter()
                .map(|c| lit(1.0) - entropy::entropy(c.col(), over))
                .collect(),
        )),
        Weighting::Critic => Some(Objective {
            name: "C",
            stage: z_stage(),
            statistics: critic::information(&z, over),
            fallback: Some(critic::spread(&z, over)),
        }),
        Weighting::StdDev => Some(plain(
            "s",
            z_stage(),
            z.into_iter().map(|z| std_dev::spread(z, over)).collect(),
        )),
        Weighting::Equal | Weighting::Fixed(_) | Weighting::Ahp { .. } => None,
    }
}

/// Refuses data an objective method cannot take: negative values for raw-value entropy.
fn check_data(frame: &DataFrame, criteria: &[Criterion], weighting: &Weighting) -> Result<()> {
    if *weighting != Weighting::Entropy(EntropyInput::Raw) {
        return Ok(());
    }
    for c in criteria {
        let negative = frame
            .column(&c.name)?
            .as_materialized_series()
            .cast(&DataType::Float64)?
            .f64()?
            .iter()
            .any(|v| v.is_some_and(|v| v < 0.0));
        if negative {
            return Err(Error::Method {
                message: format!(
                    "entropy on raw values needs non-negative data, and criterion \"{}\" has negative values",
                    c.name
                ),
                help: Some(
                    "use --weights entropy, which takes the entropy after the min-max normalisation"
                        .into(),
                ),
            });
        }
    }
    Ok(())
}

/// The weights over the whole frame (no groups). AHP and fixed lists must match the criteria.
pub fn compute(
    frame: &DataFrame,
    criteria: &[Criterion],
    weighting: &Weighting,
) -> Result<Weights> {
    let label = weighting.label();
    let m = criteria.len();
    match weighting {
        Weighting::Equal => Ok(Weights {
            label,
            values: vec![1.0 / m as f64; m],
            statistic: None,
            ahp: None,
        }),
        Weighting::Fixed(w) => Ok(Weights {
            label,
            values: fixed(w, criteria)?,
            statistic: None,
            ahp: None,
        }),
        Weighting::Ahp { matrix, method } => {
            let names: Vec<&str> = criteria.iter().map(|c| c.name.as_str()).collect();
            let matrix = matrix.reordered(&names)?;
            let ahp = ahp::weights(&matrix, *method)?;
            Ok(Weights {
                label,
                values: ahp.weights.clone(),
                statistic: None,
                ahp: Some(ahp),
            })
        }
        _ => {
            check_data(frame, criteria, weighting)?;
            let objective = objective(criteria, weighting, None).expect("an objective method");
            let mut lf = frame.clone().lazy();
            if !objective.stage.is_empty() {
                lf = lf.with_columns(objective.stage);
            }
            let fallback = objective.fallback.unwrap_or_default();
            let named: Vec<Expr> = objective
                .statistics
                .into_iter()
                .chain(fallback)
                .enumerate()
                .map(|(j, s)| s.cast(DataType::Float64).alias(format!("s{j}")))
                .collect();
            let count = named.len();
            let row = lf.select(named).collect()?;
            let values: Vec<f64> = (0..count)
                .map(|j| {
                    let v = row
                        .column(&format!("s{j}"))
                        .and_then(|c| c.f64().map(|c| c.get(0)))
                        .ok()
                        .flatten()
                        .unwrap_or(0.0);
                    if v.is_finite() {
                        v.max(0.0)
                    } else {
                        0.0
                    }
                })
                .collect();
            let (statistics, fallback) = values.split_at(m);
            let shares = if statistics.iter().sum::<f64>() <= 0.0 && !fallback.is_empty() {
                shares_of(fallback)
            } else {
                shares_of(statistics)
            };
            Ok(Weights {
                label,
                values: shares,
                statistic: Some((objective.name.to_string(), statistics.to_vec())),
                ahp: None,
            })
        }
    }
}

/// The weights as expressions, one per criterion, and the `with_columns` stages to run first.
/// Objective weights are taken within each group of `over` (columns `mcda.w.<criterion>`);
/// equal, fixed and AHP weights are literals.
pub fn staged(
    criteria: &[Criterion],
    weighting: &Weighting,
    over: Option<&str>,
) -> Result<(Vec<Vec<Expr>>, Vec<Expr>)> {
    let literal = |w: Vec<f64>| (Vec::new(), w.into_iter().map(lit).collect());
    match weighting {
        Weighting::Equal => Ok(literal(vec![1.0 / criteria.len() as f64; criteria.len()])),
        Weighting::Fixed(w) => Ok(literal(fixed(w, criteria)?)),
        Weighting::Ahp { matrix, method } => {
            let names: Vec<&str> = criteria.iter().map(|c| c.name.as_str()).collect();
            Ok(literal(
                ahp::weights(&matrix.reordered(&names)?, *method)?.weights,
            ))
        }
        _ => {
            let objective = objective(criteria, weighting, over).expect("an objective method");
            let column = |kind: &str, values: Vec<Expr>| -> (Vec<Expr>, Vec<Expr>) {
                let named = values
                    .into_iter()
                    .zip(criteria)
                    .map(|(s, c)| {
                        s.cast(DataType::Float64)
                            .fill_nan(lit(0.0))
                            .alias(scratch(kind, &c.name))
                    })
                    .collect();
                let refs = criteria
                    .iter()
                    .map(|c| col(scratch(kind, &c.name)))
                    .collect();
                (named, refs)
            };
            let (mut statistic_columns, statistic_refs) = column("stat", objective.statistics);
            let mut weights = shares(&statistic_refs);
            if let Some(fallback) = objective.fallback {
                let (fallback_columns, fallback_refs) = column("fallback", fallback);
                statistic_columns.extend(fallback_columns);
                let total = statistic_refs
                    .iter()
                    .cloned()
                    .reduce(|a, b| a + b)
                    .unwrap_or_else(|| lit(0.0));
                weights = weights
                    .into_iter()
                    .zip(shares(&fallback_refs))
                    .map(|(primary, second)| {
                        when(total.clone().gt(lit(0.0)))
                            .then(primary)
                            .otherwise(second)
                    })
                    .collect();
            }
            let weights: Vec<Expr> = weights
                .into_iter()
                .zip(criteria)
                .map(|(w, c)| w.alias(scratch("w", &c.name)))
                .collect();
            let mut stages = Vec::new();
            if !objective.stage.is_empty() {
                stages.push(objective.stage);
            }
            stages.push(statistic_columns);
            stages.push(weights);
            let refs = criteria
                .iter()
                .map(|c| col(scratch("w", &c.name)))
                .collect();
            Ok((stages, refs))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, column, criteria, x_frame};
    use super::*;

    #[test]
    fn equal_and_fixed_sum_to_one() {
        let c = criteria(4, &[1]);
        let w = compute(&x_frame(), &c, &Weighting::Equal).unwrap();
        assert_eq!(w.values, [0.25; 4]);
        let w = compute(&x_frame(), &c, &Weighting::Fixed(vec![4.0, 3.0, 2.0, 1.0])).unwrap();
        close(&w.values, &[0.4, 0.3, 0.2, 0.1], 1e-15);
    }

    #[test]
    fn bad_fixed_weights_are_refused() {
        let c = criteria(2, &[]);
        assert!(fixed(&[1.0], &c).is_err(), "wrong length");
        assert!(fixed(&[1.0, -1.0], &c).is_err(), "negative");
        assert!(fixed(&[0.0, 0.0], &c).is_err(), "all zero");
        assert!(Weighting::parse("1,x", &c, None).is_err());
        assert_eq!(
            Weighting::parse("3, 1", &c, None).unwrap(),
            Weighting::Fixed(vec![3.0, 1.0])
        );
        assert_eq!(
            Weighting::parse("entropy", &c, None).unwrap(),
            Weighting::Entropy(EntropyInput::MinMax)
        );
    }

    #[test]
    fn all_missing_criterion_gets_weight_zero_and_one_alternative_equal_weights() {
        // c2 has no value at all: no information, weight 0, no NaN anywhere.
        let frame = df!(
            "c1" => [Some(1.0), Some(4.0), Some(2.0)],
            "c2" => [None::<f64>, None, None],
        )
        .unwrap();
        let c = criteria(2, &[]);
        for weighting in [
            Weighting::Entropy(EntropyInput::MinMax),
            Weighting::Entropy(EntropyInput::Raw),
            Weighting::Critic,
            Weighting::StdDev,
        ] {
            let w = compute(&frame, &c, &weighting).unwrap().values;
            close(&w, &[1.0, 0.0], 1e-12);
        }
        let single = df!("c1" => [3.0], "c2" => [5.0]).unwrap();
        for weighting in [Weighting::Critic, Weighting::StdDev] {
            close(
                &compute(&single, &c, &weighting).unwrap().values,
                &[0.5, 0.5],
                0.0,
            );
        }
    }

    #[test]
    fn objective_weights_within_groups_equal_each_group_alone() {
        // Rows a1, a2, a3 in group p, a4, a5 in group q; per-group CRITIC and entropy weights
        // must equal the weights of each sub-frame computed alone.
        let mut frame = x_frame();
        frame
            .with_column(Column::new("g".into(), ["p", "p", "p", "q", "q"]))
            .unwrap();
        let c = criteria(4, &[1]);
        for weighting in [
            Weighting::Critic,
            Weighting::Entropy(EntropyInput::MinMax),
            Weighting::StdDev,
        ] {
            let (mut stages, refs) = staged(&c, &weighting, Some("g")).unwrap();
            stages.push(vec![refs[2].clone().alias("w3")]);
            let per_row = column(&frame, &stages, "w3");
            let p = compute(&frame.slice(0, 3), &c, &weighting).unwrap().values[2];
            let q = compute(&frame.slice(3, 2), &c, &weighting).unwrap().values[2];
            close(&per_row, &[p, p, p, q, q], 1e-12);
        }
    }
}
