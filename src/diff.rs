//! Compare two runs (`jixiao diff`): what an edit of the scheme, or a new period's data, changed.
//!
//! A [`Diff`] is computed from two output tables — the one `crate::table::output_table` builds and
//! `jixiao score --out` writes — each with the [`Layout`] of the scheme that scored it: its id,
//! name and peer-group columns, its weight tree and its grades. Whether a table comes from a run in
//! memory ([`Side::new`]) or from a file written earlier ([`read_output`]) makes no difference, so
//! the diff of two output files is the diff of the two runs (up to CSV's rounding of floats to
//! 6 decimals). A run in memory need not compute contributions for everyone: [`Side::from_run`]
//! keeps its scored frame, and the movers' points are computed for them only.
//!
//! "This run" is compared **against** a baseline; every change is this run minus the baseline:
//!
//! * institutions are matched by id: compared (in both), entered (only in this run), left (only in
//!   the baseline);
//! * rank agreement over the institutions ranked in both: Spearman's ρ and Kendall's τ-b
//!   (`crate::concordance`, exact with ties), overall and within each peer group of this run;
//! * places up = baseline rank − this rank (positive: moved up); the mean and largest |places|;
//! * the grade transition matrix (rows: the baseline's grade, columns: this run's; "—" is no
//!   grade), and the institutions whose grade changed;
//! * the top movers up and down, each with the dimensions and indicators whose contributions in
//!   points (the `<node>.points` columns of `score --contributions`, see `crate::contribution`)
//!   changed most. A node absent from one run's tree counts 0 points there. Without points columns
//!   in both tables the movers are listed without drivers, and [`Diff::drivers_note`] says why.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use polars::prelude::*;
use serde::Serialize;

use crate::columns::{points_column, score_column, UNGROUPED};
use crate::concordance::rho_and_tau;
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::weight::{NodeKind, WeightNode};

mod figures;
use figures::{number_at, serialize_optional_text, serialize_text};
pub use figures::{Figures, FrameRows, Institutions, Text};

/// The label of "no grade" in the transition matrix.
pub const NO_GRADE: &str = "—";
/// Dimensions and indicators listed as drivers of each mover.
pub const DRIVERS: usize = 3;
/// Institutions ranked in both runs from which the overall and per-group rank agreements are
/// computed side by side on two threads.
const PARALLEL_AGREEMENT: usize = 10_000;

/// What a node of the weight tree is, for listing drivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Dimension,
    /// A sub-dimension or an indicator made of parts: its points are its children's.
    Inner,
    /// A weighted indicator or part (a leaf of the tree).
    Indicator,
}

/// A node of the weight tree, by id and name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub role: Role,
}

/// How a scheme lays out its output table.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub id_column: String,
    pub name_column: Option<String>,
    pub peer_group_column: Option<String>,
    /// Every node of the weight tree, each dimension then its descendants.
    pub nodes: Vec<Node>,
    /// The grades, best first.
    pub grades: Vec<String>,
}

impl Layout {
    pub fn of(plan: &Plan) -> Layout {
        let columns = &plan.scheme.spec.columns;
        let mut nodes = Vec::new();
        fn walk(plan: &Plan, node: &WeightNode, depth: usize, out: &mut Vec<Node>) {
            out.push(Node {
                id: node.id.clone(),
                name: crate::explain::node_name(plan, node).0,
                role: match (depth, node.kind) {
                    (0, _) => Role::Dimension,
                    (_, NodeKind::Indicator) if node.is_leaf() => Role::Indicator,
                    _ => Role::Inner,
                },
            });
            for child in &node.children {
                walk(plan, child, depth + 1, out);
            }
        }
        for dimension in &plan.weights.dimensions {
            walk(plan, dimension, 0, &mut nodes);
        }
        Layout {
            id_column: columns.id.clone(),
            name_column: columns.name.clone().filter(|n| *n != columns.id),
            peer_group_column: columns.peer_group.clone().filter(|g| *g != columns.id),
            nodes,
            grades: plan
                .scheme
                .spec
                .grades
                .iter()
                .flat_map(|g| g.bands.iter().map(|b| b.grade.clone()))
                .collect(),
        }
    }
}

/// One run to compare: its output table, what names it, and how it is laid out.
#[derive(Debug, Clone)]
pub struct Side {
    /// How the run is named in messages and the report ("scheme A on data X", a file's path).
    pub label: String,
    pub table: DataFrame,
    pub layout: Layout,
    /// Why the table has no points columns when the reason is not a missing
    /// `--contributions` (e.g. a total that is not a weighted sum); shown instead of the hint.
    pub no_points: Option<String>,
    /// The run's scored frame, when the side is a run in memory whose total is a weighted sum:
    /// the points of the movers are computed from it for them only ([`Side::from_run`]).
    pub kept: Option<KeptRun>,
    /// The table's figures, read once ([`Side::figures`]) or given ([`Side::with_figures`]).
    figures: OnceLock<Arc<Figures>>,
}

/// What a run in memory keeps for the points of a few institutions
/// (`crate::contribution::of_rows`): its scored frame and the weights it was aggregated with.
#[derive(Debug, Clone)]
pub struct KeptRun {
    pub scored: DataFrame,
    pub weights: crate::weight::WeightTree,
    pub policy: crate::scheme::MissingPolicy,
    /// Node scores computed outside `scored` (id, one score per row of `scored`, NaN where
    /// missing), read in place of its `<id>.score` columns: a caller with native node scores
    /// need not build columns of all institutions for the points of a few.
    pub nodes: Vec<(String, Vec<f64>)>,
}

impl Side {
    /// A run's output table (`ScoreRun::table`, or one read by [`read_output`]), scored by `plan`.
    pub fn new(label: impl Into<String>, plan: &Plan, table: DataFrame) -> Side {
        Side {
            label: label.into(),
            table,
            layout: Layout::of(plan),
            no_points: None,
            kept: None,
            figures: OnceLock::new(),
        }
    }

    /// The side with its figures given rather than read from its table (which must hold the
    /// same): what a caller that computed them natively saves.
    pub fn with_figures(self, figures: Figures) -> Side {
        let _ = self.figures.set(Arc::new(figures));
        self
    }

    /// The table's figures, read from it the first time.
    pub fn figures(&self) -> Result<Arc<Figures>> {
        if let Some(figures) = self.figures.get() {
            return Ok(figures.clone());
        }
        let figures = Arc::new(Figures::of(self)?);
        Ok(self.figures.get_or_init(|| figures).clone())
    }

    /// A run in memory scored by `plan`. With its scored frame kept
    /// (`crate::pipeline::ScoreOptions::EXPLAIN`) and a total that is a weighted sum, the movers'
    /// drivers are computed for them only, as if the run had computed contributions for all.
    pub fn from_run(label: impl Into<String>, plan: &Plan, run: crate::pipeline::ScoreRun) -> Side {
        let mut side = Side::new(label, plan, run.table);
        match crate::contribution::check_scheme(&plan.scheme) {
            Ok(()) => {
                side.kept = run.scored.map(|scored| KeptRun {
                    scored,
                    weights: run.weights,
                    policy: plan.scheme.spec.missing.policy,
                    nodes: Vec::new(),
                })
            }
            Err(e) => side.no_points = Some(format!("{}: {e}", side.label)),
        }
        side
    }

    /// Whether the table carries contributions in points (`score --contributions`), or they can
    /// be computed from the kept run.
    fn has_points(&self) -> bool {
        let schema = self.table.schema();
        self.kept.is_some()
            || self
                .layout
                .nodes
                .iter()
                .any(|n| schema.contains(&points_column(&n.id)))
    }
}

/// The points of some rows of a side's table, by node: read from the table, or computed from the
/// kept run for those rows only.
struct PointsOf {
    /// Node id → its points in each of the rows (absent: the run has no such node).
    points: HashMap<String, Vec<f64>>,
    /// Table row → its place in the rows.
    at: HashMap<usize, usize>,
}

impl PointsOf {
    fn for_rows(side: &Side, figures: &Figures, rows: &[usize]) -> Result<PointsOf> {
        let mut at = HashMap::with_capacity(rows.len());
        let mut unique = Vec::with_capacity(rows.len());
        for &r in rows {
            at.entry(r).or_insert_with(|| {
                unique.push(r);
                unique.len() - 1
            });
        }
        if unique.is_empty() {
            return Ok(PointsOf {
                points: HashMap::new(),
                at,
            });
        }
        let table_has = side
            .layout
            .nodes
            .iter()
            .any(|n| side.table.schema().contains(&points_column(&n.id)));
        if let Some(kept) = side.kept.as_ref().filter(|_| !table_has) {
            let points = kept.points_of(side, figures, &unique)?;
            return Ok(PointsOf { points, at });
        }
        let mut points = HashMap::new();
        for node in &side.layout.nodes {
            let name = points_column(&node.id);
            let Ok(column) = side.table.column(&name) else {
                continue;
            };
            let values = unique
                .iter()
                .map(|&row| Ok(number_at(side, &name, column.get(row)?, row)?.unwrap_or(0.0)))
                .collect::<Result<Vec<f64>>>()?;
            points.insert(node.id.clone(), values);
        }
        Ok(PointsOf { points, at })
    }

    /// The points of node `id` in table row `row` (0 for a node the run does not have).
    fn get(&self, id: &str, row: usize) -> f64 {
        self.points
            .get(id)
            .map_or(0.0, |values| values[self.at[&row]])
    }
}

impl KeptRun {
    /// The points of every node (by id) in the table rows `rows` (of `figures`), computed for
    /// them only.
    fn points_of(
        &self,
        side: &Side,
        figures: &Figures,
        rows: &[usize],
    ) -> Result<HashMap<String, Vec<f64>>> {
        let scored_rows: Vec<usize> = match &figures.frame_rows {
            Some(frame_rows) => rows.iter().map(|&r| frame_rows.row[r] as usize).collect(),
            None => self.rows_of(side, &figures.ids, rows)?,
        };
        let scores = |id: &str| -> Result<Vec<Option<f64>>> {
            if let Some((_, values)) = self.nodes.iter().find(|(node, _)| node == id) {
                return Ok(scored_rows
                    .iter()
                    .map(|&k| Some(values[k]).filter(|v| !v.is_nan()))
                    .collect());
            }
            let column = self.scored.column(&score_column(id))?;
            scored_rows
                .iter()
                .map(|&k| Ok(column.get(k)?.extract::<f64>()))
                .collect()
        };
        crate::contribution::points_of(&self.weights, self.policy, scored_rows.len(), &scores)
    }

    /// The rows of the scored frame holding the ids of table rows `rows`.
    fn rows_of(&self, side: &Side, ids: &[Text], rows: &[usize]) -> Result<Vec<usize>> {
        let kept_ids = self
            .scored
            .column(&side.layout.id_column)?
            .cast(&DataType::String)?;
        let kept_ids = kept_ids.str()?;
        let mut at: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
        for &r in rows {
            at.insert(&ids[r], usize::MAX);
        }
        for (k, id) in kept_ids.iter().enumerate() {
            if let Some(slot) = id.and_then(|id| at.get_mut(id)) {
                *slot = k;
            }
        }
        let mut scored_rows = Vec::with_capacity(rows.len());
        for &r in rows {
            let k = at[&*ids[r]];
            if k == usize::MAX {
                return Err(Error::internal(format!(
                    "institution \"{}\" of the output table is not in the scored frame",
                    ids[r]
                )));
            }
            scored_rows.push(k);
        }
        Ok(scored_rows)
    }
}

/// Reads a table written by `jixiao score --out` (CSV, JSON, Parquet; the ranking sheet of the
/// Excel report is not read back) with the columns `plan`'s scheme names.
pub fn read_output(plan: &Plan, path: &Path) -> Result<DataFrame> {
    let layout = Layout::of(plan);
    let options = crate::source::ReadOptions {
        expected_columns: vec![layout.id_column.clone()],
        ..Default::default()
    };
    if crate::source::SourceFormat::of_path(path) == Some(crate::source::SourceFormat::Excel) {
        return Err(Error::Usage {
            message: format!(
                "{}: diff reads the .csv, .json or .parquet files of `jixiao score --out`, not \
                 the Excel report; write the run again with --out FILE.csv",
                path.display()
            ),
        });
    }
    Ok(crate::source::read(path, &options)?.frame)
}

/// Every institution of either run, with both runs' figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    #[serde(serialize_with = "serialize_text")]
    pub id: Text,
    #[serde(serialize_with = "serialize_optional_text")]
    pub name: Option<Text>,
    /// This run's peer group (the baseline's for an institution that left).
    #[serde(serialize_with = "serialize_optional_text")]
    pub peer_group: Option<Text>,
    pub status: Status,
    pub rank: Option<f64>,
    pub against_rank: Option<f64>,
    pub group_rank: Option<f64>,
    pub against_group_rank: Option<f64>,
    pub score: Option<f64>,
    pub against_score: Option<f64>,
    #[serde(serialize_with = "serialize_optional_text")]
    pub grade: Option<Text>,
    #[serde(serialize_with = "serialize_optional_text")]
    pub against_grade: Option<Text>,
}

impl Row {
    /// Baseline rank − this rank: positive when the institution moved up.
    pub fn places_up(&self) -> Option<f64> {
        Some(self.against_rank? - self.rank?)
    }

    pub fn score_change(&self) -> Option<f64> {
        Some(self.score? - self.against_score?)
    }

    /// Whether the grade differs between two runs that both hold the institution.
    pub fn crossed(&self) -> bool {
        self.status == Status::Compared && self.grade != self.against_grade
    }
}

/// Where an institution is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Compared,
    /// Only in this run.
    Entered,
    /// Only in the baseline.
    Left,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Compared => "compared",
            Status::Entered => "entered",
            Status::Left => "left",
        }
    }
}

/// Rank agreement of the institutions ranked in both runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// The peer group; `None` for all institutions.
    pub group: Option<String>,
    pub n: usize,
    pub spearman: Option<f64>,
    pub kendall: Option<f64>,
}

/// A node's change of points for one institution (this run − baseline).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    pub id: String,
    pub name: String,
    pub points: f64,
}

/// An institution that moved, with what moved it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mover {
    pub row: Row,
    /// The dimensions and the indicators whose points changed most, largest |change| first
    /// (empty without points columns, or when none changed: others moved past it).
    pub dimensions: Vec<Driver>,
    pub indicators: Vec<Driver>,
}

/// Everything `jixiao diff` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub this: String,
    pub against: String,
    pub compared: usize,
    pub entered: Vec<String>,
    pub left: Vec<String>,
    pub agreement: Agreement,
    /// Per peer group of this run, by name (empty when its scheme has none).
    pub groups: Vec<Agreement>,
    /// Mean |places up| over the institutions ranked in both.
    pub mean_rank_change: Option<f64>,
    /// The institution with the largest |places up| (first in this run's order on a tie).
    pub largest: Option<Row>,
    /// The labels of the transition matrix: this run's grades, the baseline's others, then
    /// [`NO_GRADE`] when some compared institution has no grade.
    pub grades: Vec<String>,
    /// `transitions[a][b]`: institutions graded `grades[a]` in the baseline and `grades[b]` now.
    pub transitions: Vec<Vec<usize>>,
    pub movers_up: Vec<Mover>,
    pub movers_down: Vec<Mover>,
    /// Why movers have no drivers; `None` when both tables carry points.
    pub drivers_note: Option<String>,
    /// This run's institutions in its rank order, then those that left in the baseline's.
    pub rows: Vec<Row>,
    /// This run's column names for the id, name and peer group.
    pub id_column: String,
    pub name_column: Option<String>,
    pub peer_group_column: Option<String>,
}

/// Rank agreement of `(this, baseline)` rank pairs.
fn agreement(group: Option<String>, pairs: &[(f64, f64)]) -> Agreement {
    let (x, y): (Vec<f64>, Vec<f64>) = pairs.iter().copied().unzip();
    let (spearman, kendall) = rho_and_tau(&x, &y);
    Agreement {
        group,
        n: pairs.len(),
        spearman,
        kendall,
    }
}

/// Compares `this` run against the baseline `against`, listing `movers` movers each way.
pub fn diff(this: &Side, against: &Side, movers: usize) -> Result<Diff> {
    let (a, b) = (this.figures()?, against.figures()?);
    let paired = figures::pairing((this, &a), (against, &b))?;
    let mut rows = Vec::with_capacity(a.len());
    // (row in this, row in the baseline) of each compared institution, in `rows`' order.
    let mut pairs: Vec<Option<(usize, usize)>> = Vec::with_capacity(a.len());
    let mut entered = Vec::new();
    let mut in_this = vec![false; b.len()];
    for (i, &j) in paired.iter().enumerate() {
        let status = match j {
            Some(j) => {
                in_this[j] = true;
                Status::Compared
            }
            None => {
                entered.push(a.ids[i].to_string());
                Status::Entered
            }
        };
        rows.push(Row {
            id: a.ids[i].clone(),
            name: a.names[i]
                .clone()
                .or_else(|| j.and_then(|j| b.names[j].clone())),
            peer_group: a.groups[i].clone(),
            status,
            rank: a.rank[i],
            against_rank: j.and_then(|j| b.rank[j]),
            group_rank: a.group_rank[i],
            against_group_rank: j.and_then(|j| b.group_rank[j]),
            score: a.score[i],
            against_score: j.and_then(|j| b.score[j]),
            grade: a.grade[i].clone(),
            against_grade: j.and_then(|j| b.grade[j].clone()),
        });
        pairs.push(j.map(|j| (i, j)));
    }
    let mut left = Vec::new();
    for j in (0..b.len()).filter(|&j| !in_this[j]) {
        left.push(b.ids[j].to_string());
        rows.push(Row {
            id: b.ids[j].clone(),
            name: b.names[j].clone(),
            peer_group: b.groups[j].clone(),
            status: Status::Left,
            rank: None,
            against_rank: b.rank[j],
            group_rank: None,
            against_group_rank: b.group_rank[j],
            score: None,
            against_score: b.score[j],
            grade: None,
            against_grade: b.grade[j].clone(),
        });
    }
    let compared = pairs.iter().flatten().count();

    // Rank agreement and changes, over the institutions ranked in both.
    let ranked: Vec<&Row> = rows
        .iter()
        .filter(|r| r.status == Status::Compared && r.places_up().is_some())
        .collect();
    let rank_pairs: Vec<(f64, f64)> = ranked
        .iter()
        .map(|r| (r.rank.unwrap(), r.against_rank.unwrap()))
        .collect();
    let per_group = || {
        let mut groups = Vec::new();
        if this.layout.peer_group_column.is_some() {
            let mut by_group: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
            for r in &ranked {
                by_group
                    .entry(r.peer_group.as_deref().unwrap_or(UNGROUPED))
                    .or_default()
                    .push((r.rank.unwrap(), r.against_rank.unwrap()));
            }
            for (group, pairs) in by_group {
                groups.push(agreement(Some(group.to_string()), &pairs));
            }
        }
        groups
    };
    // Overall and per peer group on two threads where the work is worth one (a diff after each
    // save of the watch loop: 40,000 institutions take about 12 ms on one).
    let (overall, groups) = if rank_pairs.len() >= PARALLEL_AGREEMENT {
        std::thread::scope(|scope| {
            let overall = scope.spawn(|| agreement(None, &rank_pairs));
            let groups = per_group();
            let overall = overall
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (overall, groups)
        })
    } else {
        (agreement(None, &rank_pairs), per_group())
    };
    let mean_rank_change = (!ranked.is_empty()).then(|| {
        ranked
            .iter()
            .map(|r| r.places_up().unwrap().abs())
            .sum::<f64>()
            / ranked.len() as f64
    });
    let largest = ranked
        .iter()
        .fold(None, |best: Option<&Row>, r| match best {
            Some(b) if b.places_up().unwrap().abs() >= r.places_up().unwrap().abs() => best,
            _ => Some(r),
        })
        .map(|r| (*r).clone());

    let (grades, transitions) = transition_matrix(this, against, &rows);

    // Movers: places up, largest first; ties in this run's order.
    let mut moved: Vec<(f64, usize)> = (0..rows.len())
        .filter_map(|k| Some((rows[k].places_up().filter(|&p| p != 0.0)?, k)))
        .collect();
    moved.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    let drivers_note = match (this.has_points(), against.has_points()) {
        (true, true) => None,
        (this_has, _) => {
            let side = if this_has { against } else { this };
            Some(side.no_points.clone().unwrap_or_else(|| {
                format!(
                    "{} has no <node>.points columns: write it with `jixiao score \
                     --contributions --out FILE` to see which dimensions and indicators moved \
                     each institution",
                    side.label
                )
            }))
        }
    };
    let up: Vec<usize> = moved
        .iter()
        .filter(|m| m.0 > 0.0)
        .map(|m| m.1)
        .take(movers)
        .collect();
    let down: Vec<usize> = moved
        .iter()
        .rev()
        .filter(|m| m.0 < 0.0)
        .map(|m| m.1)
        .take(movers)
        .collect();
    // The movers' points, from the tables or computed for them only.
    let shown: Vec<(usize, usize)> = match drivers_note {
        None => up.iter().chain(&down).filter_map(|&k| pairs[k]).collect(),
        Some(_) => Vec::new(),
    };
    let this_points = PointsOf::for_rows(this, &a, &shown.iter().map(|p| p.0).collect::<Vec<_>>())?;
    let against_points =
        PointsOf::for_rows(against, &b, &shown.iter().map(|p| p.1).collect::<Vec<_>>())?;
    let mover = |k: usize| -> Result<Mover> {
        let (dimensions, indicators) = match (&drivers_note, pairs[k]) {
            (None, Some((i, j))) => drivers((this, &this_points), (against, &against_points), i, j),
            _ => (Vec::new(), Vec::new()),
        };
        Ok(Mover {
            row: rows[k].clone(),
            dimensions,
            indicators,
        })
    };
    let movers_up = up.into_iter().map(mover).collect::<Result<Vec<_>>>()?;
    let movers_down = down.into_iter().map(mover).collect::<Result<Vec<_>>>()?;

    Ok(Diff {
        this: this.label.clone(),
        against: against.label.clone(),
        compared,
        entered,
        left,
        agreement: overall,
        groups,
        mean_rank_change,
        largest,
        grades,
        transitions,
        movers_up,
        movers_down,
        drivers_note,
        rows,
        id_column: this.layout.id_column.clone(),
        name_column: this.layout.name_column.clone(),
        peer_group_column: this.layout.peer_group_column.clone(),
    })
}

/// The grade labels and the transition counts of the compared institutions.
fn transition_matrix(this: &Side, against: &Side, rows: &[Row]) -> (Vec<String>, Vec<Vec<usize>>) {
    let compared: Vec<&Row> = rows
        .iter()
        .filter(|r| r.status == Status::Compared)
        .collect();
    let mut labels: Vec<String> = this.layout.grades.clone();
    for grade in &against.layout.grades {
        if !labels.contains(grade) {
            labels.push(grade.clone());
        }
    }
    let mut others: Vec<&str> = compared
        .iter()
        .flat_map(|r| [r.grade.as_deref(), r.against_grade.as_deref()])
        .flatten()
        .filter(|g| !labels.iter().any(|l| l == g))
        .collect();
    others.sort();
    others.dedup();
    labels.extend(others.into_iter().map(str::to_string));
    if labels.is_empty() {
        return (labels, Vec::new());
    }
    if compared
        .iter()
        .any(|r| r.grade.is_none() || r.against_grade.is_none())
    {
        labels.push(NO_GRADE.to_string());
    }
    let at = |grade: &Option<Text>| {
        let label = grade.as_deref().unwrap_or(NO_GRADE);
        labels.iter().position(|l| l == label).expect("listed")
    };
    let mut matrix = vec![vec![0; labels.len()]; labels.len()];
    for r in compared {
        matrix[at(&r.against_grade)][at(&r.grade)] += 1;
    }
    (labels, matrix)
}

/// The nodes whose points changed most between row `i` of this run and row `j` of the baseline.
fn drivers(
    (this, this_points): (&Side, &PointsOf),
    (against, against_points): (&Side, &PointsOf),
    i: usize,
    j: usize,
) -> (Vec<Driver>, Vec<Driver>) {
    let mut nodes: Vec<&Node> = this.layout.nodes.iter().collect();
    for node in &against.layout.nodes {
        if !nodes.iter().any(|n| n.id == node.id) {
            nodes.push(node);
        }
    }
    let mut dimensions = Vec::new();
    let mut indicators = Vec::new();
    for node in nodes {
        let change = this_points.get(&node.id, i) - against_points.get(&node.id, j);
        // Points are rounded to 6 decimals in CSV output; smaller changes are rounding.
        if change.abs() < 5e-7 {
            continue;
        }
        let driver = Driver {
            id: node.id.clone(),
            name: node.name.clone(),
            points: change,
        };
        match node.role {
            Role::Dimension => dimensions.push(driver),
            Role::Indicator => indicators.push(driver),
            Role::Inner => {}
        }
    }
    for list in [&mut dimensions, &mut indicators] {
        list.sort_by(|x, y| {
            y.points
                .abs()
                .total_cmp(&x.points.abs())
                .then(x.id.cmp(&y.id))
        });
        list.truncate(DRIVERS);
    }
    (dimensions, indicators)
}

impl Diff {
    /// One row per institution: both runs' rank, peer-group rank, score and grade, and the
    /// changes; floats rounded to 6 decimals, as in the output table.
    pub fn table(&self) -> Result<DataFrame> {
        let round = |v: Option<f64>| v.map(|v| (v * 1e6).round() / 1e6);
        let floats = |name: &str, f: &dyn Fn(&Row) -> Option<f64>| {
            Column::new(
                name.into(),
                self.rows.iter().map(|r| round(f(r))).collect::<Vec<_>>(),
            )
        };
        let strings = |name: &str, f: &dyn for<'r> Fn(&'r Row) -> Option<&'r str>| {
            Column::new(name.into(), self.rows.iter().map(f).collect::<Vec<_>>())
        };
        let mut columns = vec![strings(&self.id_column, &|r| Some(&r.id))];
        if let Some(name) = &self.name_column {
            columns.push(strings(name, &|r| r.name.as_deref()));
        }
        if let Some(group) = &self.peer_group_column {
            columns.push(strings(group, &|r| r.peer_group.as_deref()));
        }
        columns.extend([
            strings("status", &|r| Some(r.status.name())),
            floats("rank", &|r| r.rank),
            floats("against_rank", &|r| r.against_rank),
            floats("places_up", &Row::places_up),
            floats("group_rank", &|r| r.group_rank),
            floats("against_group_rank", &|r| r.against_group_rank),
            floats("score", &|r| r.score),
            floats("against_score", &|r| r.against_score),
            floats("score_change", &Row::score_change),
            strings("grade", &|r| r.grade.as_deref()),
            strings("against_grade", &|r| r.against_grade.as_deref()),
            Column::new(
                "grade_changed".into(),
                self.rows.iter().map(Row::crossed).collect::<Vec<_>>(),
            ),
        ]);
        Ok(DataFrame::new(self.rows.len(), columns)?)
    }
}
