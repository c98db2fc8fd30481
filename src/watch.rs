//! `jixiao watch`: score again whenever the scheme (scheme.yaml, a script) or a data file is
//! saved, and say what changed against the previous run — the diff summary of `jixiao diff`
//! (movers, grade changes, Spearman ρ) — or the error, then keep watching.
//!
//! Reuse, do not redo. A [`Session`] keeps the loaded data and the indicator scores of its last
//! run. On a change it reloads the scheme and compiles it (milliseconds), then decides:
//!
//! * the data are read again only when a data file changed (size or modification time) or the
//!   formulas read other columns;
//! * the indicator stage runs again only when something it reads changed: the formulas — every
//!   `.rhai` file of the scheme folder, imported modules included, compared token by token, so
//!   an edited comment or a re-indented line redoes nothing — or scheme.yaml in anything but
//!   weights, grades, rules (vetoes, bonus, deduction, grade adjustments, eligibility), ranking,
//!   score decimals, aggregation and the missing-data policy and coverage, compared on the
//!   parsed scheme, not the text, so a comment or a reordered key redoes nothing;
//! * after the first run, the rest goes the light way where the scheme allows it (the lean path
//!   of `crate::sensitivity::lean`: native aggregation, ranks and grades on the kept indicator
//!   scores): a table of ranks, scores and grades only — no run summary, output table or
//!   contributions for all — and the diff against the previous run, whose movers' points are
//!   computed for them alone (natively, `crate::contribution::points_of`). What the light way
//!   builds from the indicator scores alone — the score matrix, the institutions' ids, names and
//!   peer groups as the diff shows them, the order of the ids — is kept as long as the scores are,
//!   so a weight edit costs the scheme's compilation, one native draw (its two halves on two
//!   threads) and the diff (the two runs paired by data row, not by id; the rank agreement
//!   overall and per peer group side by side). Schemes the lean path refuses (a TOPSIS/VIKOR/WRSR total, a node
//!   normalised across institutions, a rule reading a weighted score) run stages 5–8
//!   ([`crate::pipeline::rescore_with`]; data-driven weights are fitted again, on the same
//!   scores).
//!
//! Saves are noticed as [`notice`] says: on Linux the kernel tells of every write, creation,
//! move or removal in the scheme folder (and its sub-folders) and the data files' folders, so an
//! open watch costs no CPU; elsewhere the files are looked at every [`POLL`]. A notice is then
//! checked against the size and modification time of each watched file, and a run starts once
//! they have stayed the same for [`SETTLE`] (an editor's write, rename and chmod make one run):
//! about 2 ms from a save to the start of a run.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use notice::Notices;

use polars::prelude::*;

use crate::columns::PEER_GROUP_COLUMN;
use crate::diff::{self, Diff, Figures, FrameRows, Institutions, KeptRun, Side, Text};
use crate::error::{Error, Result};
use crate::load::LoadedData;
use crate::pipeline::{self, IndicatorScores, ScoreOptions, ScoreRun};
use crate::plan::Plan;
use crate::scheme::{AdjustmentSpec, IndicatorSpec, MissingPolicy, Scheme, SchemeSpec};
use crate::sensitivity::{Draw, Model, Outcome, ScoreMatrix, NO_GRADE};
use crate::source::DataFile;

mod notice;

pub use notice::POLL;
/// How long the files must stay unchanged after a change before scoring: one save, one run.
pub const SETTLE: Duration = Duration::from_millis(2);

/// What a refresh had to redo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redone {
    /// Read the data, computed the indicators, scored (the first run, or the data changed).
    Data,
    /// Computed the indicators and scored; the loaded data were kept.
    Indicators,
    /// Only stages 5–8 (aggregation to grades) on the kept indicator scores.
    Scores,
}

impl Redone {
    pub fn describe(self) -> &'static str {
        match self {
            Redone::Data => "data read, indicators computed",
            Redone::Indicators => "indicators computed (data kept)",
            Redone::Scores => "no formula changed: data and indicator scores kept",
        }
    }
}

/// One refresh's outcome.
pub enum Update {
    /// The first run, or the first since an error: the run itself.
    Scored {
        redone: Redone,
        run: Box<ScoreRun>,
        took: Duration,
    },
    /// A run compared against the previous good run.
    Changed {
        redone: Redone,
        diff: Box<Diff>,
        took: Duration,
    },
    /// The scheme or data has an error: the previous good run stays the baseline.
    Failed(Error),
}

/// What the session watches and scores.
#[derive(Debug, Clone)]
pub struct Watched {
    pub scheme_dir: PathBuf,
    pub data: DataFile,
    pub previous: Option<DataFile>,
    /// Movers listed each way in the diff.
    pub movers: usize,
}

struct Cache {
    data_key: String,
    indicator_key: String,
    loaded: LoadedData,
    scores: IndicatorScores,
    /// What the light way kept of these indicator scores.
    light: Option<Light>,
}

/// The state kept between runs.
pub struct Session {
    watched: Watched,
    cache: Option<Cache>,
    baseline: Option<Side>,
    /// Each script's tokens by its stamp ([`formulas_key`]).
    lexed: HashMap<PathBuf, (String, String)>,
}

/// The size and modification time of `path`, to notice a new save.
fn stamp(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(m) => {
            let time = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}:{}:{time}", path.display(), m.len())
        }
        Err(_) => format!("{}:absent", path.display()),
    }
}

/// What the indicator stage reads of scheme.yaml: the parsed scheme with the fields only
/// stages 5–8 read blanked out.
fn indicator_part(spec: &SchemeSpec) -> String {
    let mut spec = spec.clone();
    fn unweighted(indicator: &mut IndicatorSpec) {
        indicator.weight = None;
        for part in &mut indicator.parts {
            part.weight = None;
        }
        for child in &mut indicator.children {
            unweighted(child);
        }
    }
    for d in &mut spec.dimensions {
        d.weight = 0.0;
        for s in &mut d.subdimensions {
            s.weight = 0.0;
        }
    }
    spec.indicators.iter_mut().for_each(unweighted);
    spec.grades = None;
    spec.grade_adjustments = Vec::new();
    spec.vetoes = Vec::new();
    spec.bonus = AdjustmentSpec::default();
    spec.deduction = AdjustmentSpec::default();
    spec.eligible = None;
    spec.ranking = Default::default();
    spec.score_decimals = 0;
    spec.aggregation = Default::default();
    spec.missing.policy = MissingPolicy::Renormalise;
    spec.missing.min_coverage = 0.0;
    format!("{spec:?}")
}

/// A run's result: the pipeline's (the first run, or a scheme the lean path refuses), or the
/// light one's side of the diff.
enum Scored {
    Full(Box<Plan>, Box<ScoreRun>),
    Light(Box<Side>),
}

/// How this run is named in the diff, and the run it is compared against.
const THIS_RUN: &str = "this save";
const PREVIOUS_RUN: &str = "the previous run";

/// The formulas as the compiler reads them: every script of the scheme and every `.rhai` file of
/// its folder (imported modules), each as its tokens — comments and layout left out, so that
/// equal keys compile to the same formulas. `lexed` keeps each file's tokens by its size and
/// modification time: a file not saved since is not lexed again.
fn formulas_key(scheme: &Scheme, lexed: &mut HashMap<PathBuf, (String, String)>) -> String {
    let mut key = String::new();
    let mut files: Vec<PathBuf> = scheme
        .spec
        .scripts
        .iter()
        .map(|file| scheme.dir.join(file))
        .collect();
    let (_, mut modules) = scheme_tree(&scheme.dir);
    modules.retain(|path| path.extension().is_some_and(|e| e == "rhai"));
    modules.sort();
    files.extend(modules);
    for file in files {
        let stamp = stamp(&file);
        let tokens = match lexed.get(&file).filter(|(seen, _)| *seen == stamp) {
            Some((_, tokens)) => tokens.clone(),
            None => {
                // Unreadable scripts are reported by the compilation.
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                let tokens = formula_tokens(&text);
                lexed.insert(file.clone(), (stamp, tokens.clone()));
                tokens
            }
        };
        key.push_str(&format!("{}\u{0}{tokens}\u{0}", file.display()));
    }
    key
}

/// A script's tokens, comments and layout left out (its text where it has an interpolated
/// string: lexed alone, without the parser's feedback, such a string's text may be misread).
fn formula_tokens(text: &str) -> String {
    let mut engine = rhai::Engine::new_raw();
    engine.disable_symbol("eval");
    let (tokens, _) = engine.lex([&text]);
    let mut out = String::new();
    for (token, _) in tokens {
        match token {
            rhai::Token::EOF => break,
            rhai::Token::InterpolatedString(_) => return text.to_string(),
            token => out.push_str(&format!("{token:?}\u{1}")),
        }
    }
    out
}

/// How many folders below the scheme folder are watched and searched for scripts.
const MAX_DEPTH: usize = 8;

/// The folders (`dir` first) and the files below `dir`, at most [`MAX_DEPTH`] folders down: what
/// the watch looks at, the scripts it compares and the folders the kernel is asked about.
fn scheme_tree(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    fn walk(dir: &Path, depth: usize, folders: &mut Vec<PathBuf>, files: &mut Vec<PathBuf>) {
        folders.push(dir.to_path_buf());
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                files.push(path);
            } else if depth < MAX_DEPTH {
                walk(&path, depth + 1, folders, files);
            }
        }
    }
    let (mut folders, mut files) = (Vec::new(), Vec::new());
    walk(dir, 0, &mut folders, &mut files);
    (folders, files)
}

/// What the light way keeps between runs on the same indicator scores: the score matrix and the
/// institutions as the diff shows them.
struct Light {
    matrix: Arc<ScoreMatrix>,
    institutions: Arc<Institutions>,
    /// Each row's place in the order of ids (the output table orders equal ranks by id).
    id_place: Vec<u32>,
}

impl Light {
    fn of(plan: &Plan, frame: &DataFrame, matrix: Arc<ScoreMatrix>) -> Result<Light> {
        let spec = &plan.scheme.spec;
        let id_column = spec.columns.id.as_str();
        let mut base = vec![frame.column(id_column)?.clone()];
        for extra in [&spec.columns.name, &spec.columns.peer_group]
            .into_iter()
            .flatten()
        {
            if extra != id_column && !base.iter().any(|c| c.name() == extra.as_str()) {
                base.push(frame.column(extra)?.clone());
            }
        }
        if let Some(groups) = &spec.peer_groups {
            base.push(
                frame
                    .column(PEER_GROUP_COLUMN)?
                    .cast(&DataType::String)?
                    .with_name(groups.formula.as_str().into()),
            );
        }
        // The output table's id, name and peer-group columns, read as the diff reads them.
        let table = DataFrame::new(frame.height(), base)?;
        let institutions = Arc::new(Institutions::of(&Side::new("", plan, table))?);
        let by_id = frame
            .column(id_column)?
            .as_materialized_series()
            .arg_sort(SortOptions::default().with_maintain_order(true));
        let mut id_place = vec![0u32; frame.height()];
        for (place, row) in by_id.into_no_null_iter().enumerate() {
            id_place[row as usize] = place as u32;
        }
        Ok(Light {
            matrix,
            institutions,
            id_place,
        })
    }
}

/// This run's side of the diff by the lean path, where it applies (`None` elsewhere): ranks,
/// scores and grades in the output table's order, its figures, and the node scores its movers'
/// points are computed from. `light`: what an earlier light run on the same indicator scores kept.
fn light_side(
    plan: &Plan,
    scores: &IndicatorScores,
    light: Option<Light>,
) -> Option<Result<(Side, Light)>> {
    let model = Model::with_matrix(plan, scores, light.as_ref().map(|l| l.matrix.clone())).ok()?;
    crate::trace::mark("watch: lean model");
    if model.path != crate::sensitivity::Path::Lean {
        return None;
    }
    let spec = &plan.scheme.spec;
    let draw = Draw {
        weights: scores.weights.clone(),
        mean: spec.aggregation.mean,
        policy: spec.missing.policy,
        left_out: Vec::new(),
        methods: Vec::new(),
    };
    let side = || -> Result<(Side, Light)> {
        let light = match light {
            Some(light) => Light {
                matrix: model.score_matrix(),
                ..light
            },
            None => Light::of(plan, &scores.frame, model.score_matrix())?,
        };
        let (outcome, nodes) = model.lean_with_nodes(&draw)?;
        crate::trace::mark("watch: lean run");
        let figures = ranked_figures(&light, model.bands(), &outcome);
        crate::trace::mark("watch: figures");
        // No output table: the diff reads the figures, and the movers' points come from the
        // kept scores.
        let mut side = Side::new(THIS_RUN, plan, DataFrame::empty()).with_figures(figures);
        // As `Side::from_run`: points where the total is a weighted sum of the nodes.
        if crate::contribution::check_scheme(&plan.scheme).is_ok() {
            side.kept = Some(KeptRun {
                scored: scores.frame.clone(),
                weights: scores.weights.clone(),
                policy: spec.missing.policy,
                nodes,
            });
        }
        Ok((side, light))
    };
    Some(side())
}

/// The figures of the output table a diff reads — ranks, id, name, peer group, score, grade — in
/// its order (by rank, then id; the unranked last), as the diff would read them from the table
/// `crate::table::output_table` makes.
fn ranked_figures(light: &Light, bands: &[String], outcome: &Outcome) -> Figures {
    let n = outcome.rank.len();
    let mut order: Vec<(u64, u32, u32)> = (0..n)
        .map(|r| {
            let rank = outcome.rank[r];
            // Ranks are positive: their bits sort as they do; the unranked last.
            let key = if rank.is_nan() {
                u64::MAX
            } else {
                rank.to_bits()
            };
            (key, light.id_place[r], r as u32)
        })
        .collect();
    order.sort_unstable();
    let order: Vec<u32> = order.into_iter().map(|(_, _, r)| r).collect();
    let texts: Vec<Text> = bands.iter().map(|b| Text::from(b.as_str())).collect();
    let pick = |values: &[f64]| -> Vec<Option<f64>> {
        order
            .iter()
            .map(|&r| Some(values[r as usize]).filter(|v| !v.is_nan()))
            .collect()
    };
    Figures::on_rows(
        pick(&outcome.rank),
        pick(&outcome.group_rank),
        pick(&outcome.score),
        order
            .iter()
            .map(|&r| {
                let g = outcome.grade[r as usize];
                (g != NO_GRADE).then(|| texts[g as usize].clone())
            })
            .collect(),
        FrameRows {
            institutions: light.institutions.clone(),
            row: order,
        },
    )
}

/// The indicator scores of `frame`, the whole query's types checked on no rows beside them on
/// another thread (the check is planning, the scores are computing): a type error is reported as
/// the located one of `pipeline::check_types`, as when the check ran first.
fn checked_scores(plan: &Plan, frame: &DataFrame) -> Result<IndicatorScores> {
    std::thread::scope(|scope| {
        let check = scope.spawn(|| pipeline::check_types(plan, frame));
        let scores = pipeline::score_indicators(plan, frame.clone());
        check
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        scores
    })
}

impl Session {
    pub fn new(watched: Watched) -> Session {
        Session {
            watched,
            cache: None,
            baseline: None,
            lexed: HashMap::new(),
        }
    }

    pub fn watched(&self) -> &Watched {
        &self.watched
    }

    /// Scores again, redoing only what changed, and compares with the last good run.
    pub fn refresh(&mut self) -> Update {
        let start = Instant::now();
        match self.score() {
            Err(error) => Update::Failed(error),
            Ok((redone, scored)) => {
                let (side, run) = match scored {
                    Scored::Full(plan, run) => {
                        (Side::new(THIS_RUN, &plan, run.table.clone()), Some(run))
                    }
                    Scored::Light(side) => (*side, None),
                };
                let update = match (self.baseline.take(), run) {
                    (Some(baseline), _) => {
                        let diff = diff::diff(&side, &baseline, self.watched.movers);
                        crate::trace::mark("watch: diff");
                        match diff {
                            Ok(diff) => Update::Changed {
                                redone,
                                diff: Box::new(diff),
                                took: start.elapsed(),
                            },
                            Err(error) => Update::Failed(error),
                        }
                    }
                    (None, Some(run)) => Update::Scored {
                        redone,
                        run,
                        took: start.elapsed(),
                    },
                    (None, None) => Update::Failed(Error::internal(
                        "a light run without a previous run to compare with",
                    )),
                };
                let mut side = side;
                side.label = PREVIOUS_RUN.to_string();
                self.baseline = Some(side);
                update
            }
        }
    }

    fn score(&mut self) -> Result<(Redone, Scored)> {
        let watched = &self.watched;
        let scheme = Scheme::load(&watched.scheme_dir)?;
        let indicator_key = format!(
            "{}{}",
            indicator_part(&scheme.spec),
            formulas_key(&scheme, &mut self.lexed)
        );
        let plan = Plan::compile(scheme)?;
        crate::trace::mark("watch: scheme compiled");
        let mut references: Vec<&str> = plan.references.iter().map(|r| r.name.as_str()).collect();
        references.sort_unstable();
        references.dedup();
        let data_key = format!(
            "{}|{}|{}",
            stamp(&watched.data.path),
            watched
                .previous
                .as_ref()
                .map_or(String::new(), |p| stamp(&p.path)),
            references.join("\u{0}")
        );
        let cache = self.cache.take();
        let (redone, loaded, scores, light) = match cache {
            Some(cache) if cache.data_key == data_key => {
                if cache.indicator_key == indicator_key {
                    if plan.scheme.spec.weighting.method.is_data_driven() {
                        let scores = pipeline::score_indicators(&plan, cache.loaded.frame.clone())?;
                        (Redone::Scores, cache.loaded, scores, None)
                    } else {
                        let scores = IndicatorScores {
                            frame: cache.scores.frame,
                            weights: plan.weights.clone(),
                            weight_notes: Vec::new(),
                        };
                        (Redone::Scores, cache.loaded, scores, cache.light)
                    }
                } else {
                    let scores = checked_scores(&plan, &cache.loaded.frame)?;
                    (Redone::Indicators, cache.loaded, scores, None)
                }
            }
            _ => {
                let loaded = pipeline::load_for(&plan, &watched.data, watched.previous.as_ref())?;
                let scores = checked_scores(&plan, &loaded.frame)?;
                (Redone::Data, loaded, scores, None)
            }
        };
        crate::trace::mark("watch: data and indicators");
        // After the first good run, the light way where the lean path applies.
        let (light_run, mut light) = match &self.baseline {
            Some(_) => (light_side(&plan, &scores, light), None),
            None => (None, light),
        };
        let scored = match light_run {
            Some(Ok((side, kept))) => {
                light = Some(kept);
                Ok(Scored::Light(Box::new(side)))
            }
            Some(Err(error)) => Err(error),
            None => {
                let options = ScoreOptions {
                    // The diff's drivers need each node's points, where the total has them.
                    contributions: crate::contribution::check_supported(
                        &plan.scheme.spec.aggregation,
                    )
                    .is_ok(),
                    keep_scored: false,
                };
                pipeline::rescore_with(&plan, &loaded, &scores, &scores.weights, options)
                    .map(|run| Scored::Full(Box::new(plan), Box::new(run)))
            }
        };
        // Keep the cache even when scoring fails: the next save may fix the scheme alone.
        self.cache = Some(Cache {
            data_key,
            indicator_key,
            loaded,
            scores,
            light,
        });
        Ok((redone, scored?))
    }

    /// The folders whose files are watched: the scheme folder, its sub-folders (as deep as
    /// [`Session::stamps`] looks) and each data file's folder.
    fn folders(&self) -> Vec<PathBuf> {
        let (mut out, _) = scheme_tree(&self.watched.scheme_dir);
        for file in std::iter::once(&self.watched.data).chain(self.watched.previous.iter()) {
            let folder = match file.path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                _ => PathBuf::from("."),
            };
            if !out.contains(&folder) {
                out.push(folder);
            }
        }
        out
    }

    /// The size and modification time of every watched file: each file in the scheme folder
    /// (and its sub-folders) and each data file.
    fn stamps(&self) -> BTreeMap<PathBuf, String> {
        let (_, files) = scheme_tree(&self.watched.scheme_dir);
        let data = std::iter::once(&self.watched.data).chain(self.watched.previous.iter());
        files
            .into_iter()
            .chain(data.map(|file| file.path.clone()))
            .map(|path| {
                let stamp = stamp(&path);
                (path, stamp)
            })
            .collect()
    }
}

/// Runs `session` once, then again on every save of a watched file, giving each [`Update`] to
/// `on_update`, until `stop` receives a message or is dropped.
pub fn watch(
    session: &mut Session,
    stop: &Receiver<()>,
    on_update: &mut dyn FnMut(Update),
) -> Result<()> {
    let mut notices = Notices::new(&session.folders());
    let mut seen = session.stamps();
    on_update(session.refresh());
    loop {
        match stop.try_recv() {
            Ok(()) | Err(mpsc::TryRecvError::Disconnected) => return Ok(()),
            Err(mpsc::TryRecvError::Empty) => {}
        }
        // Asleep until a notice (or, polling, for POLL); awake at least every STOP_CHECK to
        // look at `stop`.
        if !notices.wait(STOP_CHECK) {
            continue;
        }
        let now = session.stamps();
        if now == seen {
            continue;
        }
        // The rest of the same save: wait until nothing changes for SETTLE.
        let mut last = now;
        let mut quiet_since = Instant::now();
        while let Some(left) = SETTLE.checked_sub(quiet_since.elapsed()) {
            if notices.wait(left) {
                let again = session.stamps();
                if again != last {
                    last = again;
                    quiet_since = Instant::now();
                }
            }
        }
        seen = last;
        // A sub-folder made by this save is watched from now on.
        notices.add(&session.folders());
        on_update(session.refresh());
    }
}

/// How long the watch sleeps, at most, between two looks at its stop signal.
const STOP_CHECK: Duration = Duration::from_millis(50);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_compare_token_by_token() {
        let key = formula_tokens;
        // Comments and layout: the same formulas.
        assert_eq!(
            key("let a = 1 + col(\"x\"); // x"),
            key("// note\nlet a =\n    1 + col(\"x\");")
        );
        // A number's type, a name, a string: other formulas.
        assert_ne!(key("let a = 1 + b;"), key("let a = 1.0 + b;"));
        assert_ne!(key("let a = 1 + b;"), key("let a = 1 + c;"));
        assert_ne!(key("let a = col(\"x\");"), key("let a = col(\"y\");"));
        // An interpolated string is compared as text, its `//` included.
        let interpolated = "let a = `x ${b} // y`;";
        assert_eq!(key(interpolated), interpolated);
        assert_ne!(key(interpolated), key("let a = `x ${b} // z`;"));
        // The key ends: a script is lexed to its end once.
        assert!(key("let a = 1;").len() < 200);
    }
}
