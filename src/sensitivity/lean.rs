//! The lean ranking path: one draw's scores, ranks and grades from cached indicator scores,
//! natively — no polars query per draw, the same numbers as the pipeline.
//!
//! Built once per analysis from the indicator stage's output ([`crate::pipeline::IndicatorScores`]):
//! the score matrix — every leaf's scores as one contiguous run of f64 (NaN where missing; the
//! indicator stage never leaves a NaN, so NaN means missing exactly), leaves in the weight tree's
//! order, indexed by position — and what no weight can change, evaluated once by the pipeline's
//! own expressions on the indicator stage's columns: each institution's bonus and deduction,
//! vetoes, who is rated (`eligible:`), its peer group, the conditions of grade adjustments. A draw
//! then computes, in the pipeline's own order of floating operations so that the results are bit
//! for bit the pipeline's:
//!
//! 1. the draw's weight tree matched once against the nominal tree's shape (by position in the
//!    matrix, no lookup per institution), every inner node's weighted mean bottom-up
//!    (`crate::aggregate`: arithmetic, geometric or harmonic; `renormalise` or `zero` missing
//!    policy) and the weighted total, a block of institutions at a time so that the node scores
//!    stay in the cache and each leaf's scores are read once per draw, into buffers reused from
//!    draw to draw ([`Scratch`]); a leaf whose scoring method the draw swaps
//!    ([`super::methods::Swap`]) is read from the swapped column instead of its run of the
//!    matrix (borrowed, nothing copied);
//! 2. coverage (only where `missing.min_coverage` can exclude someone), exclusion and the final
//!    score `round(weighted + bonus − deduction)` (`crate::adjust`), the score hidden for
//!    institutions not rated (`crate::eligibility`);
//! 3. ranks overall and per peer group with vetoed institutions last (`crate::rank`): one sort
//!    of packed keys per draw, then each peer group's run of it;
//! 4. grades natively ([`super::grading`]: bands, ties, vetoes, grade adjustments, a condition
//!    that reads a swapped indicator's score evaluated again on the swapped column) — or, for
//!    `by: mean_sd` and adjustments that read a score the weights change, by the pipeline's
//!    grade expressions on the indicator frame with the draw's columns added
//!    ([`Model::grading_note`] says so).
//!
//! Where a scheme cannot take this path — a total by TOPSIS, VIKOR or WRSR (not a weighted mean), a
//! dimension normalised across institutions before it is weighted (`normalise:`),
//! or a veto, bonus, deduction or eligibility rule that reads a column the weights change — each
//! draw re-runs the pipeline's stages 5–7 ([`crate::pipeline::result_query_varied`]) on the
//! cached indicator scores instead, and [`Model::path`] says why. `tests/sensitivity.rs` checks
//! that the nominal draw gives `pipeline::score`'s ranks and grades for every shipped scheme,
//! and that random draws give the re-run pipeline's, under every grading method and tie rule.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use polars::prelude::*;

use crate::columns::{
    score_column, BONUS_COLUMN, COVERAGE_COLUMN, DEDUCTION_COLUMN, EXCLUDED_COLUMN, GRADE_COLUMN,
    GROUP_RANK_COLUMN, NOT_RATED_COLUMN, PEER_GROUP_COLUMN, RANK_COLUMN, SCORE_COLUMN,
    VETOED_COLUMN, WEIGHTED_COLUMN,
};
use crate::error::{Error, Result};
use crate::pipeline::{self, IndicatorScores};
use crate::plan::Plan;
use crate::scheme::{GradeSpec, Ties};
use crate::weight::{WeightNode, WeightTree};

use super::blocks::{Aggregate, BlockBuffers};
use super::grading::{self, Adjustment, Graded};
use super::inputs::Draw;
use super::methods::Swap;
use super::ranking::ranks_with;

/// No grade (unscored, or the scheme has no grades).
pub const NO_GRADE: u8 = u8::MAX;

/// How draws are computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Path {
    /// Natively, from the cached score matrix.
    Lean,
    /// By the pipeline's stages 5–7 on the cached indicator scores, for this reason.
    Rescore { reason: String },
}

/// One draw's result per institution, in the data's row order.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The final score (NaN: none).
    pub score: Vec<f64>,
    /// Rank overall and in the peer group (NaN: unranked).
    pub rank: Vec<f64>,
    pub group_rank: Vec<f64>,
    /// The band index of the grade (0 = best; [`NO_GRADE`]).
    pub grade: Vec<u8>,
}

/// Every inner node's scores (id, scores; NaN: missing), children before parents.
pub type NodeScores = Vec<(String, Vec<f64>)>;

/// A node of the nominal weight tree; a leaf with its place in the score matrix.
#[derive(PartialEq)]
struct Shape {
    id: String,
    leaf: Option<usize>,
    children: Vec<Shape>,
}

/// Where the scores a weighted mean reads come from.
#[derive(Debug, Clone, Copy)]
pub(super) enum Source {
    /// A leaf's run of the score matrix.
    Leaf(usize),
    /// An inner node computed earlier in the same draw.
    Inner(usize),
}

/// One draw's weight tree as arithmetic: inner nodes bottom-up (children before parents), the
/// dimensions of the total, and the coverage terms (effective weight, leaf) in tree order.
pub(super) struct Program {
    pub(super) inner: Vec<(String, Vec<(f64, Source)>)>,
    pub(super) dimensions: Vec<(f64, Source)>,
    pub(super) coverage: Vec<(f64, usize)>,
}

/// Rows computed together: a block's node scores stay in the cache while the whole tree is
/// computed for it, so a draw reads each leaf's scores once and writes nothing else in between.
pub(super) const BLOCK: usize = 2048;

/// Buffers one worker reuses from draw to draw (no allocation of node columns per draw).
#[derive(Default)]
pub struct Scratch {
    blocks: BlockBuffers,
    weighted: Vec<f64>,
    coverage: Vec<f64>,
    /// Every inner node's scores for all institutions, where a caller keeps them.
    nodes: Vec<Vec<f64>>,
    keys: Vec<u128>,
    /// Threads one draw's weighted means may use (0 or 1: the caller's alone). Draws of an
    /// analysis run one per worker; a single draw (the watch loop's) uses two.
    threads: usize,
}

/// How grades are computed on the lean path.
enum Grading {
    None,
    Native {
        spec: GradeSpec,
        adjustments: Vec<Adjustment>,
    },
    /// The pipeline's grade stages on the indicator frame with the draw's columns, and why.
    Expressions {
        stages: Vec<Vec<Expr>>,
        reason: String,
    },
}

/// What the lean path caches beyond the score matrix: the stage-6 columns no weight changes.
struct Fixed {
    bonus: Vec<f64>,
    deduction: Vec<f64>,
    vetoed: Vec<bool>,
    not_rated: Option<Vec<bool>>,
}

/// What a model reads of the indicator scores whatever the weights: the score matrix, each
/// leaf's place in it and the peer groups. The models of one set of indicator scores and one tree
/// shape can share it ([`Model::matrix`], [`Model::with_matrix`]): the watch loop builds it once
/// for a series of weight edits.
#[derive(Default)]
pub struct ScoreMatrix {
    /// The nominal tree's shape, each leaf with its place in `values`.
    shape: Vec<Shape>,
    /// Leaf l's score of institution r at `l × n + r`.
    values: Vec<f64>,
    /// Leaf l's indicator id (a draw's swapped columns replace leaves by id).
    leaf_ids: Vec<String>,
    /// For a leaf that imputes, where its value was observed (coverage counts a present score
    /// only there); `None` for the others.
    observed: Vec<Option<Vec<bool>>>,
    /// Each institution's peer group, numbered in order of first appearance.
    group: Vec<u32>,
    groups: usize,
}

/// The cached inputs of every draw.
pub struct Model<'a> {
    plan: &'a Plan,
    scores: &'a IndicatorScores,
    pub path: Path,
    n: usize,
    /// Empty on the rescore path.
    matrix: Arc<ScoreMatrix>,
    /// `None` on the rescore path.
    fixed: Option<Fixed>,
    bands: Vec<String>,
    grading: Grading,
    /// Per indicator whose method a draw swaps: which grade adjustments read its score.
    adjustment_reads: Mutex<HashMap<String, Vec<bool>>>,
}

fn floats(frame: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let column = frame.column(name)?.cast(&DataType::Float64)?;
    Ok(column
        .f64()?
        .iter()
        .map(|v| v.unwrap_or(f64::NAN))
        .collect())
}

fn flags(frame: &DataFrame, name: &str) -> Result<Vec<bool>> {
    Ok(frame
        .column(name)?
        .bool()?
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect())
}

/// The shape of `node`, appending each leaf's scores to the matrix.
fn shape_of(
    node: &WeightNode,
    frame: &DataFrame,
    observed_of: &dyn Fn(&str) -> Result<Option<Vec<bool>>>,
    matrix: &mut Vec<f64>,
    observed: &mut Vec<Option<Vec<bool>>>,
    leaf_ids: &mut Vec<String>,
) -> Result<Shape> {
    let mut leaf = None;
    if node.is_leaf() {
        let column = frame
            .column(&score_column(&node.id))?
            .cast(&DataType::Float64)?;
        let scores = column.f64()?;
        match scores.cont_slice() {
            Ok(values) => matrix.extend_from_slice(values),
            Err(_) => matrix.extend(scores.iter().map(|v| v.unwrap_or(f64::NAN))),
        }
        leaf = Some(observed.len());
        observed.push(observed_of(&node.id)?);
        leaf_ids.push(node.id.clone());
    }
    let mut children = Vec::with_capacity(node.children.len());
    for child in &node.children {
        children.push(shape_of(
            child,
            frame,
            observed_of,
            matrix,
            observed,
            leaf_ids,
        )?);
    }
    Ok(Shape {
        id: node.id.clone(),
        leaf,
        children,
    })
}

fn find<'s>(shapes: &'s [Shape], id: &str) -> Result<&'s Shape> {
    shapes
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| Error::internal(format!("node {id} is not in the nominal weight tree")))
}

fn no_score(id: &str) -> Error {
    Error::internal(format!("no cached score for {id}"))
}

/// Compiles `node` (an inner node of a draw's tree) into `program`, children first.
fn compile(node: &WeightNode, shape: &Shape, program: &mut Program) -> Result<Source> {
    if node.is_leaf() {
        return shape
            .leaf
            .map(Source::Leaf)
            .ok_or_else(|| no_score(&node.id));
    }
    let mut children = Vec::with_capacity(node.children.len());
    for child in &node.children {
        let source = compile(child, find(&shape.children, &child.id)?, program)?;
        children.push((child.weight, source));
    }
    program.inner.push((node.id.clone(), children));
    Ok(Source::Inner(program.inner.len() - 1))
}

/// Coverage terms as `WeightTree::effective_weights` multiplies them, in tree order.
fn coverage_terms(
    node: &WeightNode,
    shape: &Shape,
    above: f64,
    out: &mut Vec<(f64, usize)>,
) -> Result<()> {
    let here = above * node.weight;
    if node.is_leaf() {
        out.push((here, shape.leaf.ok_or_else(|| no_score(&node.id))?));
    }
    for child in &node.children {
        coverage_terms(child, find(&shape.children, &child.id)?, here, out)?;
    }
    Ok(())
}

/// Bonus, deduction, vetoes and who is rated, by the pipeline's adjustment and eligibility
/// expressions on the indicator stage's columns (the rules read nothing the weights change).
fn fixed_columns(plan: &Plan, frame: &DataFrame) -> Result<Fixed> {
    // The totals the adjustment stage also computes read the weighted score and coverage:
    // placeholders, as only the rule columns are kept.
    let mut query = frame.clone().lazy().with_columns([
        lit(0.0).alias(WEIGHTED_COLUMN),
        lit(1.0).alias(COVERAGE_COLUMN),
    ]);
    for stage in plan.adjustments.stages() {
        query = query.with_columns(stage);
    }
    let mut kept = vec![col(VETOED_COLUMN), col(BONUS_COLUMN), col(DEDUCTION_COLUMN)];
    if let Some(eligible) = &plan.eligible {
        kept.push(
            eligible
                .clone()
                .cast(DataType::Boolean)
                .fill_null(lit(false))
                .not()
                .alias(NOT_RATED_COLUMN),
        );
    }
    let out = query.select(kept).collect()?;
    Ok(Fixed {
        bonus: floats(&out, BONUS_COLUMN)?,
        deduction: floats(&out, DEDUCTION_COLUMN)?,
        vetoed: flags(&out, VETOED_COLUMN)?,
        not_rated: match plan.eligible {
            Some(_) => Some(flags(&out, NOT_RATED_COLUMN)?),
            None => None,
        },
    })
}

/// Where a grade adjustment's condition holds, evaluated on the indicator stage's columns;
/// `None` if it reads anything else (a score the weights change).
fn holds_on_indicators(frame: &DataFrame, when: &Expr) -> Option<Vec<bool>> {
    let out = frame
        .clone()
        .lazy()
        .select([when
            .clone()
            .cast(DataType::Boolean)
            .fill_null(lit(false))
            .alias("__holds")])
        .collect()
        .ok()?;
    (out.height() == frame.height())
        .then(|| flags(&out, "__holds").ok())
        .flatten()
}

/// How the scheme's grades are computed on the lean path.
fn grading_of(plan: &Plan, frame: &DataFrame) -> Grading {
    let Some(spec) = &plan.scheme.spec.grades else {
        return Grading::None;
    };
    let mut reason = (!grading::native_method(spec))
        .then(|| "grades by mean_sd (a mean and SD summed as polars sums them)".to_string());
    let mut adjustments = Vec::new();
    for (i, adjustment) in plan.grade_adjustments.iter().enumerate() {
        match holds_on_indicators(frame, &adjustment.when) {
            Some(holds) => adjustments.push(Adjustment {
                holds,
                steps: adjustment.steps,
            }),
            None => {
                reason.get_or_insert_with(|| {
                    format!(
                        "grade adjustment {} reads a score the weights change",
                        i + 1
                    )
                });
            }
        }
    }
    match reason {
        None => Grading::Native {
            spec: spec.clone(),
            adjustments,
        },
        Some(reason) => Grading::Expressions {
            stages: if plan.grade_adjustments.is_empty() {
                vec![vec![crate::grade::grade_expr(spec).alias(GRADE_COLUMN)]]
            } else {
                crate::grade::adjust::stages(spec, &plan.grade_adjustments, GRADE_COLUMN)
            },
            reason,
        },
    }
}

impl ScoreMatrix {
    /// Peer groups, and with `scores` (the lean path) the score matrix of the nominal tree.
    fn build(plan: &Plan, scores: &IndicatorScores, with_scores: bool) -> Result<ScoreMatrix> {
        let frame = &scores.frame;
        let n = frame.height();
        // Peer groups numbered in order of first appearance.
        let groups_text = frame.column(PEER_GROUP_COLUMN)?.cast(&DataType::String)?;
        let mut known: HashMap<&str, u32> = Default::default();
        let mut group = Vec::with_capacity(n);
        for g in groups_text.str()?.iter() {
            let next = known.len() as u32;
            group.push(*known.entry(g.unwrap_or_default()).or_insert(next));
        }
        let mut matrix = ScoreMatrix {
            groups: known.len(),
            group,
            ..ScoreMatrix::default()
        };
        if !with_scores {
            return Ok(matrix);
        }
        let imputing: Vec<&str> = plan
            .indicators
            .iter()
            .filter(|i| i.impute != crate::scheme::Impute::Renormalise)
            .map(|i| i.spec.id.as_str())
            .collect();
        let observed = |id: &str| -> Result<Option<Vec<bool>>> {
            if !imputing.contains(&id) {
                return Ok(None);
            }
            Ok(Some(
                frame
                    .column(id)?
                    .is_not_null()
                    .iter()
                    .map(|v| v.unwrap_or(false))
                    .collect(),
            ))
        };
        matrix
            .values
            .reserve_exact(scores.weights.effective_weights().len() * n);
        for d in &scores.weights.dimensions {
            let shape = shape_of(
                d,
                frame,
                &observed,
                &mut matrix.values,
                &mut matrix.observed,
                &mut matrix.leaf_ids,
            )?;
            matrix.shape.push(shape);
        }
        Ok(matrix)
    }
}

/// Whether `tree` has the shape `shape` was built for: the same nodes, leaves in the same order.
fn same_shape(shape: &[Shape], tree: &WeightTree) -> bool {
    fn dry(node: &WeightNode, leaves: &mut usize) -> Shape {
        let leaf = node.is_leaf().then(|| {
            *leaves += 1;
            *leaves - 1
        });
        Shape {
            id: node.id.clone(),
            leaf,
            children: node.children.iter().map(|c| dry(c, leaves)).collect(),
        }
    }
    let mut leaves = 0;
    let built: Vec<Shape> = tree
        .dimensions
        .iter()
        .map(|d| dry(d, &mut leaves))
        .collect();
    built == shape
}

impl<'a> Model<'a> {
    /// Caches what draws need from the indicator scores.
    pub fn new(plan: &'a Plan, scores: &'a IndicatorScores) -> Result<Model<'a>> {
        Model::with_matrix(plan, scores, None)
    }

    /// [`Model::new`] with the score matrix of an earlier model ([`Model::matrix`]) where the
    /// weight tree has the same shape — `scores` must be the indicator scores that model read
    /// (the caller's promise: the frame is not compared) — else built again.
    pub fn with_matrix(
        plan: &'a Plan,
        scores: &'a IndicatorScores,
        matrix: Option<Arc<ScoreMatrix>>,
    ) -> Result<Model<'a>> {
        let spec = &plan.scheme.spec;
        let frame = &scores.frame;
        let n = frame.height();
        let mut path = if spec.aggregation.total.is_some() {
            Path::Rescore {
                reason: "the total is aggregation.total (TOPSIS, VIKOR or WRSR), not a weighted mean: each draw re-runs the pipeline's aggregation, adjustment, rank and grade stages".into(),
            }
        } else if let Some(id) = plan.scheme.level_normalisations().keys().next() {
            Path::Rescore {
                reason: format!("node {id} is normalised across institutions before it is weighted (normalise:): each draw re-runs the pipeline's aggregation, adjustment, rank and grade stages"),
            }
        } else if !rules_read_indicator_stage_only(plan, frame) {
            Path::Rescore {
                reason: "a veto, bonus, deduction or eligibility rule reads a score the weights change: each draw re-runs the pipeline's aggregation, adjustment, rank and grade stages".into(),
            }
        } else {
            Path::Lean
        };
        let reusable = matrix.filter(|m| {
            path == Path::Lean
                && m.group.len() == n
                && m.values.len() == m.leaf_ids.len() * n
                && same_shape(&m.shape, &scores.weights)
        });
        let matrix = match reusable {
            Some(matrix) => matrix,
            None => Arc::new(ScoreMatrix::build(plan, scores, path == Path::Lean)?),
        };
        let mut model = Model {
            plan,
            scores,
            n,
            matrix,
            fixed: None,
            bands: spec
                .grades
                .as_ref()
                .map(|g| g.bands.iter().map(|b| b.grade.clone()).collect())
                .unwrap_or_default(),
            grading: Grading::None,
            adjustment_reads: Mutex::default(),
            path: path.clone(),
        };
        if path != Path::Lean {
            return Ok(model);
        }
        model.fixed = Some(fixed_columns(plan, frame)?);
        model.grading = grading_of(plan, frame);
        if let Grading::Expressions { reason, .. } = &model.grading {
            // The expressions must find every column they read among the indicator stage's and
            // the draw's; if not, the draws go the pipeline's way.
            let nominal = Draw {
                weights: scores.weights.clone(),
                mean: spec.aggregation.mean,
                policy: spec.missing.policy,
                left_out: Vec::new(),
                methods: Vec::new(),
            };
            if let Err(error) = model.lean(&nominal) {
                path = Path::Rescore {
                    reason: format!("{reason}, and its grade expressions cannot run on the lean path ({error}): each draw re-runs the pipeline's aggregation, adjustment, rank and grade stages"),
                };
                model.path = path;
            }
        }
        Ok(model)
    }

    /// The score matrix and peer groups, for a later model of the same indicator scores.
    pub fn score_matrix(&self) -> Arc<ScoreMatrix> {
        self.matrix.clone()
    }

    /// Institutions, in the data's row order.
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The grade names, best first.
    pub fn bands(&self) -> &[String] {
        &self.bands
    }

    /// Why the lean path grades by the pipeline's grade expressions rather than natively
    /// (`None`: natively, or no grades).
    pub fn grading_note(&self) -> Option<&str> {
        match (&self.path, &self.grading) {
            (Path::Lean, Grading::Expressions { reason, .. }) => Some(reason),
            _ => None,
        }
    }

    /// The indicator frame's column `name` as text (ids, names, peer groups).
    pub fn text_column(&self, name: &str) -> Result<Vec<String>> {
        let column = self.scores.frame.column(name)?.cast(&DataType::String)?;
        Ok(column
            .str()?
            .iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect())
    }

    /// Buffers for [`Model::evaluate_with`], one per worker.
    pub fn scratch(&self) -> Scratch {
        Scratch::default()
    }

    /// One draw, by [`Model::path`].
    pub fn evaluate(&self, draw: &Draw) -> Result<Outcome> {
        self.evaluate_with(draw, &Swap::default(), &mut self.scratch())
    }

    /// One draw with the score columns of `swap` (other scoring methods, see
    /// `super::methods`) in place of the cached ones, by [`Model::path`].
    pub fn evaluate_swapped(&self, draw: &Draw, swap: &Swap) -> Result<Outcome> {
        self.evaluate_with(draw, swap, &mut self.scratch())
    }

    /// One draw with `swap`'s score columns, by [`Model::path`], reusing `scratch`.
    pub fn evaluate_with(
        &self,
        draw: &Draw,
        swap: &Swap,
        scratch: &mut Scratch,
    ) -> Result<Outcome> {
        match self.path {
            Path::Lean => self.lean_with(draw, swap, scratch),
            Path::Rescore { .. } => self.rescore_swapped(draw, swap),
        }
    }

    /// One draw by the pipeline's stages 5–7 on the cached indicator scores.
    pub fn rescore(&self, draw: &Draw) -> Result<Outcome> {
        self.rescore_swapped(draw, &Swap::default())
    }

    /// [`Model::rescore`] with the score columns of `swap` replaced.
    pub fn rescore_swapped(&self, draw: &Draw, swap: &Swap) -> Result<Outcome> {
        let mut frame = self.scores.frame.clone();
        for (_, _, column) in &swap.leaves {
            frame.with_column((*column).clone())?;
        }
        let query = pipeline::result_query_varied(
            self.plan,
            &draw.weights,
            draw.mean,
            draw.policy,
            frame.lazy(),
        );
        let out = query
            .select([
                col(SCORE_COLUMN),
                col(RANK_COLUMN),
                col(GROUP_RANK_COLUMN),
                col(GRADE_COLUMN),
            ])
            .collect()?;
        Ok(Outcome {
            score: floats(&out, SCORE_COLUMN)?,
            rank: floats(&out, RANK_COLUMN)?,
            group_rank: floats(&out, GROUP_RANK_COLUMN)?,
            grade: self.band_indices(&out)?,
        })
    }

    fn band_indices(&self, frame: &DataFrame) -> Result<Vec<u8>> {
        let grades = frame.column(GRADE_COLUMN)?.cast(&DataType::String)?;
        Ok(grades
            .str()?
            .iter()
            .map(|g| {
                g.and_then(|g| self.bands.iter().position(|b| b == g))
                    .map_or(NO_GRADE, |i| i as u8)
            })
            .collect())
    }

    /// A draw's weight tree as arithmetic over the score matrix.
    fn program(&self, tree: &WeightTree) -> Result<Program> {
        let mut program = Program {
            inner: Vec::new(),
            dimensions: Vec::with_capacity(tree.dimensions.len()),
            coverage: Vec::new(),
        };
        for d in &tree.dimensions {
            let shape = find(&self.matrix.shape, &d.id)?;
            let source = compile(d, shape, &mut program)?;
            program.dimensions.push((d.weight, source));
            for child in &d.children {
                coverage_terms(
                    child,
                    find(&shape.children, &child.id)?,
                    d.weight,
                    &mut program.coverage,
                )?;
            }
        }
        Ok(program)
    }

    /// One draw natively (see the module's steps).
    pub fn lean(&self, draw: &Draw) -> Result<Outcome> {
        self.lean_with(draw, &Swap::default(), &mut self.scratch())
    }

    /// [`Model::lean`] with the score columns of `swap` replaced.
    pub fn lean_swapped(&self, draw: &Draw, swap: &Swap) -> Result<Outcome> {
        self.lean_with(draw, swap, &mut self.scratch())
    }

    /// One draw natively, with every inner node's scores (id, scores; NaN: missing) in the
    /// order the pipeline computes them: what a caller that shows contributions needs.
    pub fn lean_with_nodes(&self, draw: &Draw) -> Result<(Outcome, NodeScores)> {
        let mut scratch = self.scratch();
        scratch.threads = 2;
        let program = self.program(&draw.weights)?;
        let outcome = self.run(&program, draw, &Swap::default(), &mut scratch, true)?;
        let nodes = program
            .inner
            .into_iter()
            .map(|(id, _)| id)
            .zip(scratch.nodes)
            .collect();
        Ok((outcome, nodes))
    }

    /// One draw natively with `swap`'s score columns, reusing `scratch`.
    pub fn lean_with(&self, draw: &Draw, swap: &Swap, scratch: &mut Scratch) -> Result<Outcome> {
        let program = self.program(&draw.weights)?;
        let keep = matches!(self.grading, Grading::Expressions { .. });
        self.run(&program, draw, swap, scratch, keep)
    }

    /// One draw's `program` natively; `keep`: every inner node's scores in `scratch.nodes`.
    /// A leaf that `swap` replaces (another scoring method) is read from the swapped column
    /// instead of its run of the score matrix — borrowed, nothing copied.
    fn run(
        &self,
        program: &Program,
        draw: &Draw,
        swap: &Swap,
        scratch: &mut Scratch,
        keep: bool,
    ) -> Result<Outcome> {
        let fixed = self.fixed.as_ref().ok_or_else(|| {
            Error::internal(format!("the lean path does not apply: {:?}", self.path))
        })?;
        let spec = &self.plan.scheme.spec;
        let n = self.n;
        // Each leaf's scores for this draw: its run of the matrix, or the swapped column.
        let leaves: Vec<&[f64]> = self
            .matrix
            .leaf_ids
            .iter()
            .enumerate()
            .map(|(l, id)| {
                swap.values(id)
                    .unwrap_or(&self.matrix.values[l * n..(l + 1) * n])
            })
            .collect();
        let Scratch {
            blocks,
            weighted,
            coverage,
            nodes,
            keys,
            threads,
        } = scratch;
        // The adjust stage's own settings, as compiled into the plan.
        let min_coverage = self.plan.adjustments.min_coverage;
        let decimals = self.plan.adjustments.score_decimals;
        let expressions = matches!(self.grading, Grading::Expressions { .. });
        // Coverage ≥ 0 always: with min_coverage ≤ 0 it excludes nobody.
        let covered = min_coverage > 0.0 || expressions;
        weighted.resize(n, 0.0);
        coverage.resize(if covered { n } else { 0 }, 0.0);
        if keep {
            nodes.resize_with(program.inner.len(), Vec::new);
            for column in nodes.iter_mut() {
                column.resize(n, 0.0);
            }
        }
        let aggregate = Aggregate {
            model: self,
            program,
            draw,
            leaves: &leaves,
            covered,
        };
        // Each row is computed alone: halves on two threads give the same numbers as one.
        let split = (n / 2) / BLOCK * BLOCK;
        if *threads > 1 && split >= 2 * BLOCK {
            let (weighted_a, weighted_b) = weighted.split_at_mut(split);
            let (coverage_a, coverage_b) = coverage.split_at_mut(if covered { split } else { 0 });
            let mut nodes_a = Vec::with_capacity(nodes.len());
            let mut nodes_b = Vec::with_capacity(nodes.len());
            if keep {
                for column in nodes.iter_mut() {
                    let (a, b) = column.split_at_mut(split);
                    nodes_a.push(a);
                    nodes_b.push(b);
                }
            }
            let mut other = BlockBuffers::default();
            std::thread::scope(|scope| {
                let aggregate = &aggregate;
                let second = scope.spawn(move || {
                    aggregate.rows(split..n, &mut other, weighted_b, coverage_b, &mut nodes_b)
                });
                aggregate.rows(0..split, blocks, weighted_a, coverage_a, &mut nodes_a);
                second
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
            });
        } else {
            let mut columns: Vec<&mut [f64]> = if keep {
                nodes.iter_mut().map(|c| c.as_mut_slice()).collect()
            } else {
                Vec::new()
            };
            aggregate.rows(0..n, blocks, weighted, coverage, &mut columns);
        }
        let mut score = vec![f64::NAN; n];
        for r in 0..n {
            let excluded = weighted[r].is_nan() || (covered && coverage[r] < min_coverage);
            if !excluded {
                score[r] = round(weighted[r] + fixed.bonus[r] - fixed.deduction[r], decimals);
            }
        }
        let ranked: Cow<[f64]> = match &fixed.not_rated {
            None => Cow::Borrowed(score.as_slice()),
            Some(not_rated) => Cow::Owned(
                score
                    .iter()
                    .zip(not_rated)
                    .map(|(s, &no)| if no { f64::NAN } else { *s })
                    .collect(),
            ),
        };
        let (rank, group_rank) = ranks_with(
            &ranked,
            &fixed.vetoed,
            &self.matrix.group,
            self.matrix.groups,
            spec.ranking.ties,
            keys,
        );
        let grade = match &self.grading {
            Grading::None => vec![NO_GRADE; n],
            Grading::Native { spec, adjustments } => grading::grades(
                spec,
                &self.adjustments_for(adjustments, swap)?,
                &Graded {
                    score: &ranked,
                    vetoed: &fixed.vetoed,
                    rank: &rank,
                    group_rank: &group_rank,
                    group: &self.matrix.group,
                    groups: self.matrix.groups,
                },
            ),
            Grading::Expressions { stages, .. } => {
                let excluded: Vec<bool> = (0..n)
                    .map(|r| weighted[r].is_nan() || coverage[r] < min_coverage)
                    .collect();
                let ties = spec.ranking.ties;
                let mut columns = vec![
                    Column::new(SCORE_COLUMN.into(), nullable(&ranked)),
                    rank_column(RANK_COLUMN, &rank, ties),
                    rank_column(GROUP_RANK_COLUMN, &group_rank, ties),
                    Column::new(WEIGHTED_COLUMN.into(), nullable(weighted)),
                    Column::new(COVERAGE_COLUMN.into(), coverage.as_slice()),
                    Column::new(EXCLUDED_COLUMN.into(), excluded),
                    Column::new(VETOED_COLUMN.into(), fixed.vetoed.as_slice()),
                    Column::new(BONUS_COLUMN.into(), nullable(&fixed.bonus)),
                    Column::new(DEDUCTION_COLUMN.into(), nullable(&fixed.deduction)),
                ];
                if let Some(not_rated) = &fixed.not_rated {
                    columns.push(Column::new(NOT_RATED_COLUMN.into(), not_rated.as_slice()));
                }
                for ((id, _), values) in program.inner.iter().zip(nodes.iter()) {
                    columns.push(Column::new(score_column(id).into(), nullable(values)));
                }
                columns.extend(swap.leaves.iter().map(|(_, _, c)| (*c).clone()));
                self.grades_by_expressions(stages, columns)?
            }
        };
        Ok(Outcome {
            score,
            rank,
            group_rank,
            grade,
        })
    }

    /// Coverage of `rows` as `crate::aggregate` computes it: Σ effective weight × present (1.0
    /// or 0.0: a score, and for an indicator that imputes an observed value), in tree order.
    pub(super) fn coverage_into(
        &self,
        terms: &[(f64, usize)],
        leaves: &[&[f64]],
        rows: Range<usize>,
        out: &mut [f64],
    ) {
        out.fill(0.0);
        for (k, &(w, l)) in terms.iter().enumerate() {
            let scores = &leaves[l][rows.clone()];
            let observed = self.matrix.observed[l].as_ref().map(|o| &o[rows.clone()]);
            for (i, (c, s)) in out.iter_mut().zip(scores).enumerate() {
                let present = !s.is_nan() && observed.is_none_or(|o| o[i]);
                let term = w * if present { 1.0 } else { 0.0 };
                if k == 0 {
                    *c = term;
                } else {
                    *c += term;
                }
            }
        }
    }

    /// A draw's grade adjustments: the condition of one that reads the score of an indicator
    /// `swap` replaces is evaluated again on the swapped columns; the others are the cached ones.
    fn adjustments_for<'s>(
        &self,
        adjustments: &'s [Adjustment],
        swap: &Swap,
    ) -> Result<Cow<'s, [Adjustment]>> {
        if swap.leaves.is_empty() || adjustments.is_empty() {
            return Ok(Cow::Borrowed(adjustments));
        }
        let mut touched = vec![false; adjustments.len()];
        for (id, _, _) in &swap.leaves {
            for (t, reads) in touched.iter_mut().zip(self.read_by_adjustments(id)) {
                *t |= reads;
            }
        }
        if !touched.contains(&true) {
            return Ok(Cow::Borrowed(adjustments));
        }
        let mut frame = self.scores.frame.clone();
        for (_, _, column) in &swap.leaves {
            frame.with_column((*column).clone())?;
        }
        let mut owned = adjustments.to_vec();
        for (i, adjustment) in owned.iter_mut().enumerate() {
            if touched[i] {
                adjustment.holds =
                    holds_on_indicators(&frame, &self.plan.grade_adjustments[i].when).ok_or_else(
                        || {
                            Error::internal(format!(
                                "grade adjustment {} did not evaluate on the swapped scores",
                                i + 1
                            ))
                        },
                    )?;
            }
        }
        Ok(Cow::Owned(owned))
    }

    /// For each grade adjustment, whether its condition reads the score column of indicator
    /// `id` (it fails without it), found once per indicator.
    fn read_by_adjustments(&self, id: &str) -> Vec<bool> {
        let mut known = self
            .adjustment_reads
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        known
            .entry(id.to_string())
            .or_insert_with(|| {
                let name = score_column(id);
                let empty = self.scores.frame.head(Some(0));
                let without: Vec<Expr> = empty
                    .get_column_names()
                    .into_iter()
                    .filter(|c| c.as_str() != name.as_str())
                    .map(|c| col(c.clone()))
                    .collect();
                self.plan
                    .grade_adjustments
                    .iter()
                    .map(|a| {
                        let when = a.when.clone().alias("__holds");
                        let with = empty.clone().lazy().select([when.clone()]).collect();
                        let alone = empty
                            .clone()
                            .lazy()
                            .select(without.clone())
                            .select([when])
                            .collect();
                        with.is_ok() && alone.is_err()
                    })
                    .collect()
            })
            .clone()
    }

    /// Grades by the pipeline's grade stages on the indicator frame with `columns` added.
    fn grades_by_expressions(&self, stages: &[Vec<Expr>], columns: Vec<Column>) -> Result<Vec<u8>> {
        let mut frame = self.scores.frame.clone();
        for column in columns {
            frame.with_column(column)?;
        }
        let mut query = frame.lazy();
        for stage in stages {
            query = query.with_columns(stage.clone());
        }
        let out = query.select([col(GRADE_COLUMN)]).collect()?;
        self.band_indices(&out)
    }
}

/// Whether the veto, bonus, deduction and eligibility rules evaluate on the indicator stage's
/// columns alone, i.e. read nothing the weights change.
fn rules_read_indicator_stage_only(plan: &Plan, indicator_frame: &DataFrame) -> bool {
    let adjustments = &plan.adjustments;
    let rules: Vec<Expr> = adjustments
        .vetoes
        .iter()
        .cloned()
        .chain(adjustments.bonus.iter().map(|r| r.points.clone()))
        .chain(adjustments.deduction.iter().map(|r| r.points.clone()))
        .chain(plan.eligible.iter().cloned())
        .enumerate()
        .map(|(i, e)| e.alias(format!("__rule_{i}")))
        .collect();
    rules.is_empty()
        || indicator_frame
            .head(Some(0))
            .lazy()
            .select(rules)
            .collect()
            .is_ok()
}

fn nullable(values: &[f64]) -> Vec<Option<f64>> {
    values.iter().map(|v| (!v.is_nan()).then_some(*v)).collect()
}

/// A rank column typed as `crate::rank` makes it: UInt32, or Float64 for average ties.
fn rank_column(name: &str, ranks: &[f64], ties: Ties) -> Column {
    match ties {
        Ties::Average => Column::new(name.into(), nullable(ranks)),
        _ => Column::new(
            name.into(),
            ranks
                .iter()
                .map(|r| (!r.is_nan()).then_some(*r as u32))
                .collect::<Vec<_>>(),
        ),
    }
}

/// `round(value, decimals)` half away from zero, exactly as polars rounds a Float64 column.
pub fn round(value: f64, decimals: u32) -> f64 {
    if decimals == 0 {
        return value.round();
    }
    if decimals >= 300 {
        return value;
    }
    let multiplier = 10.0_f64.powi(decimals as i32);
    let rounded = (value * multiplier).round() / multiplier;
    if rounded.is_finite() {
        rounded
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero() {
        // 0.125 is exact in binary: a true half.
        assert_eq!(round(0.125, 2), 0.13);
        assert_eq!(round(-0.125, 2), -0.13);
        assert_eq!(round(-1.5, 0), -2.0);
        assert_eq!(round(80.123, 2), 80.12);
    }
}
