//! The lean path's weighted means (`super::lean`), a block of institutions at a time: each
//! inner node of a draw's weight tree bottom-up, then the total and the coverage, for any range
//! of rows — the whole data set on one worker, or its two halves on two threads for a single draw
//! (the watch loop's). Every row is computed alone, by the same operations in the same order as
//! `crate::aggregate`, so the split changes no number.

use std::ops::Range;

use crate::scheme::{Mean, MissingPolicy};

use super::inputs::Draw;
use super::lean::{Model, Program, Source, BLOCK};

/// One block's buffers: each inner node's scores, and the weighted mean's.
#[derive(Default)]
pub(super) struct BlockBuffers {
    inner: Vec<Vec<f64>>,
    present: Vec<f64>,
    any_zero: Vec<bool>,
}

/// One draw's weighted means, coverage and kept node scores, for any range of rows.
pub(super) struct Aggregate<'m, 'a> {
    pub(super) model: &'m Model<'a>,
    pub(super) program: &'m Program,
    pub(super) draw: &'m Draw,
    pub(super) leaves: &'m [&'m [f64]],
    pub(super) covered: bool,
}

impl Aggregate<'_, '_> {
    /// Rows `range`, a block at a time; `weighted`, `coverage` (when covered) and each of
    /// `nodes` (when kept) hold exactly these rows.
    pub(super) fn rows(
        &self,
        range: Range<usize>,
        buffers: &mut BlockBuffers,
        weighted: &mut [f64],
        coverage: &mut [f64],
        nodes: &mut [&mut [f64]],
    ) {
        let (program, draw) = (self.program, self.draw);
        let BlockBuffers {
            inner,
            present,
            any_zero,
        } = buffers;
        let block = BLOCK.min(range.len());
        inner.resize_with(program.inner.len(), Vec::new);
        for buffer in inner.iter_mut() {
            buffer.resize(block, 0.0);
        }
        present.resize(block, 0.0);
        any_zero.resize(block, false);
        let base = range.start;
        for start in range.clone().step_by(BLOCK) {
            let rows = start..(start + BLOCK).min(range.end);
            let local = (rows.start - base)..(rows.end - base);
            let len = rows.len();
            let leaf = |l: usize| &self.leaves[l][rows.clone()];
            for (k, (_, children)) in program.inner.iter().enumerate() {
                let (done, rest) = inner.split_at_mut(k);
                let sources: Vec<(f64, &[f64])> = children
                    .iter()
                    .map(|&(w, s)| match s {
                        Source::Leaf(l) => (w, leaf(l)),
                        Source::Inner(j) => (w, &done[j][..len]),
                    })
                    .collect();
                let out = &mut rest[0][..len];
                weighted_mean_into(
                    &sources,
                    draw.policy,
                    draw.mean,
                    out,
                    &mut present[..len],
                    &mut any_zero[..len],
                );
                if let Some(column) = nodes.get_mut(k) {
                    column[local.clone()].copy_from_slice(out);
                }
            }
            let sources: Vec<(f64, &[f64])> = program
                .dimensions
                .iter()
                .map(|&(w, s)| match s {
                    Source::Leaf(l) => (w, leaf(l)),
                    Source::Inner(j) => (w, &inner[j][..len]),
                })
                .collect();
            weighted_mean_into(
                &sources,
                draw.policy,
                draw.mean,
                &mut weighted[local.clone()],
                &mut present[..len],
                &mut any_zero[..len],
            );
            if self.covered {
                self.model.coverage_into(
                    &program.coverage,
                    self.leaves,
                    rows.clone(),
                    &mut coverage[local],
                );
            }
        }
    }
}

/// The weighted mean of `children` (weight, scores; NaN missing) as `crate::aggregate` computes
/// it, operation for operation, into `out` (as long as each child's scores); `present` and
/// `any_zero` are buffers of the same length.
fn weighted_mean_into(
    children: &[(f64, &[f64])],
    policy: MissingPolicy,
    mean: Mean,
    out: &mut [f64],
    present: &mut [f64],
    any_zero: &mut [bool],
) {
    out.fill(0.0);
    present.fill(0.0);
    match mean {
        Mean::Arithmetic => {
            for (k, &(w, x)) in children.iter().enumerate() {
                let rows = out.iter_mut().zip(present.iter_mut()).zip(x);
                if k == 0 {
                    for ((sum, here), &x) in rows {
                        let (value, seen) = if x.is_nan() { (0.0, 0.0) } else { (x, 1.0) };
                        *sum = w * value;
                        *here = w * seen;
                    }
                } else {
                    for ((sum, here), &x) in rows {
                        let (value, seen) = if x.is_nan() { (0.0, 0.0) } else { (x, 1.0) };
                        *sum += w * value;
                        *here += w * seen;
                    }
                }
            }
            if policy == MissingPolicy::Renormalise {
                for (sum, &p) in out.iter_mut().zip(present.iter()) {
                    *sum = if p > 0.0 { *sum / p } else { f64::NAN };
                }
            }
        }
        Mean::Geometric | Mean::Harmonic => {
            // `out` holds Σ w·transform(x), `present` Σ weight; zeros are marked apart.
            any_zero.fill(false);
            for (k, &(w, x)) in children.iter().enumerate() {
                for r in 0..out.len() {
                    // clip_min(0): missing stays missing.
                    let v = if x[r].is_nan() {
                        f64::NAN
                    } else {
                        x[r].max(0.0)
                    };
                    let transformed = if v > 0.0 {
                        match mean {
                            Mean::Geometric => v.log(std::f64::consts::E),
                            _ => 1.0 / v,
                        }
                    } else {
                        0.0
                    };
                    let term = w * transformed;
                    let here = match policy {
                        MissingPolicy::Zero => w,
                        MissingPolicy::Renormalise => w * if v.is_nan() { 0.0 } else { 1.0 },
                    };
                    let zero = match policy {
                        MissingPolicy::Zero => v.is_nan() || v == 0.0,
                        MissingPolicy::Renormalise => v == 0.0,
                    };
                    if k == 0 {
                        out[r] = term;
                        present[r] = here;
                    } else {
                        out[r] += term;
                        present[r] += here;
                    }
                    any_zero[r] |= zero;
                }
            }
            for r in 0..out.len() {
                out[r] = if present[r] == 0.0 && policy == MissingPolicy::Renormalise {
                    f64::NAN
                } else if any_zero[r] {
                    0.0
                } else {
                    let m = out[r] / present[r];
                    match mean {
                        Mean::Geometric => m.exp(),
                        _ => 1.0 / m,
                    }
                };
            }
        }
    }
}
