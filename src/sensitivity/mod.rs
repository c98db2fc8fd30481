//! `jixiao sensitivity`: how much of each rank is the data and how much the chosen weights and
//! methods — uncertainty analysis (each institution's rank interval and grade probabilities over
//! draws of the uncertain inputs) and sensitivity analysis (each input's share of the variance of
//! the ranks: Saltelli sampling with Jansen's first-order and total indices).
//!
//! Reuse, do not redo: the data are read and the indicators scored once (`crate::pipeline`'s
//! stages 1–4); every draw re-aggregates the cached indicator scores on the lean path of
//! [`lean`]. One file per concern: [`inputs`] (what is declared uncertain, what could not vary,
//! the parameters of a draw), [`sampling`] (the seeded random source, Saltelli's matrices),
//! [`estimators`] (Jansen's indices, bootstrap intervals, quantiles), [`lean`] (one draw's ranks
//! and grades), [`methods`] (alternative scoring methods per indicator and their score columns,
//! computed once), [`draws`] (`draws.csv`, written and read back); this file runs the draws.
//!
//! **The scalar output of the indices** is the mean absolute rank shift of a draw: the mean over
//! the institutions ranked both in the draw and in the nominal run of |rank in the draw − nominal
//! rank| (COINr's choice for the sensitivity of a ranking). An input whose index is high moves
//! many institutions far.
//!
//! **Draws.** `--draws N` gives N draws (the rows of Saltelli's matrix A), from which the rank
//! intervals (median, Q5, Q95: quantiles of type 7, as R and NumPy compute them by default) and
//! grade probabilities come. With indices, matrix B and one matrix A_B⁽ⁱ⁾ per varying input add
//! N × (k + 1) runs, used only for the indices. Draw numbers run 1, 2, … over A, then B, then
//! each A_B⁽ⁱ⁾; the same seed gives the same draws, and A's draws do not depend on whether
//! indices are asked for.

mod blocks;
pub mod draws;
pub mod estimators;
mod grading;
pub mod inputs;
pub mod lean;
pub mod methods;
pub mod ranking;
pub mod sampling;

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};
use crate::pipeline::IndicatorScores;
use crate::plan::Plan;

pub use estimators::Indices;
pub use inputs::{Design, Draw, Factor, Fixed, Uncertainty};
pub use lean::{Model, Outcome, Path, ScoreMatrix, NO_GRADE};

/// How many draws, from which seed, and what to estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub draws: usize,
    pub seed: u64,
    /// Sensitivity indices (Saltelli's B and A_B⁽ⁱ⁾ runs) besides the rank intervals.
    pub indices: bool,
    /// Bootstrap resamples of the indices' confidence intervals.
    pub resamples: usize,
    /// Confidence level of the intervals (e.g. 0.95).
    pub level: f64,
    /// Worker threads (each runs whole draws).
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            draws: 1000,
            seed: 2024,
            indices: false,
            resamples: 1000,
            level: 0.95,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// Which matrix a run's parameters come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matrix {
    A,
    B,
    /// A with input `i`'s column from B.
    Ab(usize),
}

/// One run: its number (from 1), its matrix and its row of uniforms (one per factor; its
/// parameters are [`Design::draw`] of them).
#[derive(Debug, Clone)]
pub struct Run {
    pub draw: usize,
    pub matrix: Matrix,
    pub u: Vec<f64>,
    /// The mean absolute rank shift against the nominal run (the indices' output).
    pub shift: f64,
}

/// One institution's ranks and grades over the draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Institution {
    pub id: String,
    pub name: Option<String>,
    pub peer_group: String,
    /// Nominal rank (NaN: unranked) and grade ([`NO_GRADE`]).
    pub nominal_rank: f64,
    pub nominal_grade: u8,
    /// Median, Q5 and Q95 of its rank over the draws that ranked it (NaN if none did).
    pub median: f64,
    pub q5: f64,
    pub q95: f64,
    /// Draws that ranked it.
    pub ranked: usize,
    /// Share of draws giving each grade, best first, then no grade.
    pub grade_shares: Vec<f64>,
}

/// One uncertain input's sensitivity indices.
#[derive(Debug, Clone, PartialEq)]
pub struct InputIndices {
    pub input: String,
    pub indices: Indices,
    /// Whether it varied (a fixed input has indices 0 by definition).
    pub varied: bool,
}

/// The result of an analysis.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub options: Options,
    pub uncertainty: Uncertainty,
    pub design: Design,
    pub path: Path,
    /// On the lean path, why grades go through the pipeline's grade expressions rather than
    /// natively (`by: mean_sd`, an adjustment reading a score the weights change).
    pub grading_note: Option<String>,
    pub bands: Vec<String>,
    /// In the data's row order.
    pub institutions: Vec<Institution>,
    /// Empty without `Options::indices`.
    pub indices: Vec<InputIndices>,
    /// Every run, A's first.
    pub runs: Vec<Run>,
}

impl Analysis {
    /// The median over institutions of the width Q95 − Q5 of their rank intervals.
    pub fn median_interval_width(&self) -> f64 {
        let mut widths: Vec<f64> = self
            .institutions
            .iter()
            .map(|i| i.q95 - i.q5)
            .filter(|w| !w.is_nan())
            .collect();
        widths.sort_by(f64::total_cmp);
        estimators::quantile(&widths, 0.5)
    }
}

/// The mean absolute rank shift of `rank` against `nominal` over institutions ranked in both.
pub fn mean_shift(rank: &[f64], nominal: &[f64]) -> f64 {
    let (mut sum, mut count) = (0.0, 0usize);
    for (r, n) in rank.iter().zip(nominal) {
        if !r.is_nan() && !n.is_nan() {
            sum += (r - n).abs();
            count += 1;
        }
    }
    if count == 0 {
        0.0
    } else {
        sum / count as f64
    }
}

/// What a worker returns: per run, (run index, shift, ranks if an A run); grade counts of A runs.
type WorkerResult = Result<(Vec<(usize, f64, Option<Vec<f32>>)>, Vec<u32>)>;

/// Runs the analysis on cached indicator scores. `progress` is told the runs done and the runs
/// in all, from the worker threads.
pub fn analyse(
    plan: &Plan,
    scores: &IndicatorScores,
    uncertainty: &Uncertainty,
    options: &Options,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Analysis> {
    if options.draws < 2 {
        return Err(Error::Usage {
            message: format!(
                "--draws {}: an interval needs at least 2 draws (e.g. --draws 1000)",
                options.draws
            ),
        });
    }
    let design = Design::new(&plan.scheme, &scores.weights, uncertainty)?;
    let mut model = Model::new(plan, scores)?;
    let alternatives = methods::Alternatives::new(plan, scores, &design.factors)?;
    if model.path == Path::Lean && alternatives.read_by_rules(plan, &scores.frame) {
        model.path = Path::Rescore {
            reason: "a veto, bonus, deduction or eligibility rule reads the score of an indicator whose scoring method varies: each draw re-runs the pipeline's aggregation, adjustment, rank and grade stages".into(),
        };
    }
    let nominal = model.evaluate(&design.nominal_draw())?;
    let k = design.factors.len();
    let n_draws = options.draws;
    let saltelli = sampling::Saltelli::new(options.seed, n_draws, k);
    let mut runs: Vec<Run> = Vec::new();
    let mut push = |matrix: Matrix, u: &[f64]| {
        let draw = runs.len() + 1;
        runs.push(Run {
            draw,
            matrix,
            u: u.to_vec(),
            shift: 0.0,
        });
    };
    for row in &saltelli.a {
        push(Matrix::A, row);
    }
    if options.indices && k > 0 {
        for row in &saltelli.b {
            push(Matrix::B, row);
        }
        for i in 0..k {
            for j in 0..n_draws {
                push(Matrix::Ab(i), &saltelli.ab(i, j));
            }
        }
    }
    let institutions = model.len();
    let grade_slots = model.bands().len() + 1;
    let total = runs.len();
    let done = AtomicUsize::new(0);
    let threads = options.threads.clamp(1, total.max(1));
    let results: Vec<WorkerResult> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (runs, model, nominal, done, design, alternatives) =
                    (&runs, &model, &nominal, &done, &design, &alternatives);
                scope.spawn(move || -> WorkerResult {
                    let mut out = Vec::new();
                    let mut counts = vec![0u32; institutions * grade_slots];
                    let mut scratch = model.scratch();
                    for index in (t..runs.len()).step_by(threads) {
                        let run = &runs[index];
                        let draw = design.draw(&run.u);
                        let swap = alternatives.swap(&draw.methods)?;
                        let outcome = model.evaluate_with(&draw, &swap, &mut scratch)?;
                        let shift = mean_shift(&outcome.rank, &nominal.rank);
                        let ranks = (run.matrix == Matrix::A).then(|| {
                            for (i, g) in outcome.grade.iter().enumerate() {
                                let slot = if *g == NO_GRADE {
                                    grade_slots - 1
                                } else {
                                    *g as usize
                                };
                                counts[i * grade_slots + slot] += 1;
                            }
                            outcome.rank.iter().map(|&r| r as f32).collect()
                        });
                        out.push((index, shift, ranks));
                        progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                    }
                    Ok((out, counts))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::internal("a sensitivity worker panicked")))
            })
            .collect()
    });
    let mut a_ranks: Vec<Option<Vec<f32>>> = vec![None; n_draws];
    let mut counts = vec![0u32; institutions * grade_slots];
    for result in results {
        let (out, worker_counts) = result?;
        for (c, w) in counts.iter_mut().zip(worker_counts) {
            *c += w;
        }
        for (index, shift, ranks) in out {
            runs[index].shift = shift;
            if let Some(ranks) = ranks {
                a_ranks[index] = Some(ranks);
            }
        }
    }
    let a_ranks: Vec<Vec<f32>> = a_ranks
        .into_iter()
        .map(|r| r.ok_or_else(|| Error::internal("a draw of matrix A was not run")))
        .collect::<Result<_>>()?;
    let spec = &plan.scheme.spec;
    let ids = model.text_column(&spec.columns.id)?;
    let names = match &spec.columns.name {
        Some(name) => Some(model.text_column(name)?),
        None => None,
    };
    let groups = model.text_column(crate::columns::PEER_GROUP_COLUMN)?;
    let intervals = rank_intervals(&a_ranks, institutions, threads);
    let mut stats = Vec::with_capacity(institutions);
    for (i, (median, q5, q95, ranked)) in intervals.into_iter().enumerate() {
        stats.push(Institution {
            id: ids[i].clone(),
            name: names.as_ref().map(|n| n[i].clone()),
            peer_group: groups[i].clone(),
            nominal_rank: nominal.rank[i],
            nominal_grade: nominal.grade[i],
            median,
            q5,
            q95,
            ranked,
            grade_shares: counts[i * grade_slots..(i + 1) * grade_slots]
                .iter()
                .map(|&c| c as f64 / n_draws as f64)
                .collect(),
        });
    }
    let mut indices = Vec::new();
    if options.indices {
        let shifts = |matrix: Matrix| -> Vec<f64> {
            runs.iter()
                .filter(|r| r.matrix == matrix)
                .map(|r| r.shift)
                .collect()
        };
        let (a, b) = (shifts(Matrix::A), shifts(Matrix::B));
        for (i, factor) in design.factors.iter().enumerate() {
            let seed = options.seed ^ (0xA5A5_0000_0000_0000 | i as u64);
            indices.push(InputIndices {
                input: factor.name(),
                indices: estimators::jansen_indices(
                    &a,
                    &b,
                    &shifts(Matrix::Ab(i)),
                    options.resamples,
                    options.level,
                    seed,
                ),
                varied: true,
            });
        }
        for fixed in &design.fixed {
            indices.push(InputIndices {
                input: fixed.input.clone(),
                indices: Indices::ZERO,
                varied: false,
            });
        }
    }
    Ok(Analysis {
        options: *options,
        uncertainty: uncertainty.clone(),
        path: model.path.clone(),
        grading_note: model.grading_note().map(String::from),
        bands: model.bands().to_vec(),
        institutions: stats,
        indices,
        runs,
        design,
    })
}

/// Each institution's (median, Q5, Q95, draws that ranked it) over the draws' ranks
/// (`ranks[draw][institution]`, NaN: unranked), on `threads` threads, each taking a run of
/// institutions; the same figures whatever the thread count.
fn rank_intervals(
    ranks: &[Vec<f32>],
    institutions: usize,
    threads: usize,
) -> Vec<(f64, f64, f64, usize)> {
    let chunk = institutions.div_ceil(threads.max(1)).max(1);
    let work = |from: usize, to: usize| -> Vec<(f64, f64, f64, usize)> {
        // Ranks are positive (or NaN): their f32 bits sort as the numbers do.
        let mut keys: Vec<u32> = Vec::with_capacity(ranks.len());
        let mut values: Vec<f64> = Vec::with_capacity(ranks.len());
        (from..to)
            .map(|i| {
                keys.clear();
                keys.extend(
                    ranks
                        .iter()
                        .map(|r| r[i])
                        .filter(|r| !r.is_nan())
                        .map(f32::to_bits),
                );
                keys.sort_unstable();
                values.clear();
                values.extend(keys.iter().map(|&k| f32::from_bits(k) as f64));
                let q = |p: f64| estimators::quantile(&values, p);
                (q(0.5), q(0.05), q(0.95), values.len())
            })
            .collect()
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..institutions)
            .step_by(chunk)
            .map(|from| {
                let to = (from + chunk).min(institutions);
                scope.spawn(move || work(from, to))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// One draw re-run alone through the pipeline's own stages 5–7 (not the lean path) on the cached
/// indicator scores: the output table `jixiao score` would write for it.
pub fn rerun_table(
    plan: &Plan,
    scores: &IndicatorScores,
    draw: &Draw,
) -> Result<polars::prelude::DataFrame> {
    use polars::prelude::IntoLazy as _;
    let scored = crate::pipeline::result_query_varied(
        plan,
        &draw.weights,
        draw.mean,
        draw.policy,
        methods::rescored_frame(plan, scores, &draw.methods)?.lazy(),
    )
    .collect()?;
    // A node left out has no score in this draw; the table still has its column, empty.
    let mut scored = scored;
    for (node, _) in inputs::nodes(&plan.weights) {
        let name = crate::columns::score_column(&node.id);
        if scored.column(&name).is_err() {
            let empty = polars::prelude::Column::full_null(
                name.into(),
                scored.height(),
                &polars::prelude::DataType::Float64,
            );
            scored.with_column(empty)?;
        }
    }
    crate::table::output_table(plan, scored)
}
