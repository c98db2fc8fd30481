//! `jixiao watch`: score again whenever the scheme (scheme.yaml, a script) or a data file is
//! saved, and say what changed against the previous run — the diff summary of `jixiao diff`
//! (movers, grade changes, Spearman ρ) — or the error, then keep watching.
//!
//! Reuse, do not redo. A [`Session`] keeps the loaded data and the indicator scores of its last
//! run. On a change it reloads the scheme and compiles it (milliseconds), then decides:
//!
//! * the data are read again only when a data file changed (size or modification time) or the
//!   formulas read other columns;
//! * the indicator stage runs again only when something it reads changed: the scripts, or
//!   scheme.yaml in anything but weights, grades, rules (vetoes, bonus, deduction, grade
//!   adjustments, eligibility), ranking, score decimals, aggregation and the missing-data policy
//!   and coverage — compared on the parsed scheme, not the text, so a comment or a reordered key
//!   redoes nothing;
//! * otherwise stages 5–8 run on the cached indicator scores with the new plan
//!   ([`crate::pipeline::rescore_with`]; data-driven weights are fitted again, on the same
//!   scores).
//!
//! Saves are noticed by reading, every [`POLL`], the size and modification time of each file in
//! the scheme folder and of each data file — a few `stat` calls, no measurable load — and a run
//! starts once they have stayed the same for [`SETTLE`] (an editor's write, rename and chmod make
//! one run). Not a file-notification crate: `notify` (and `indicatif` for a progress bar) would
//! enable features of crates polars shares (`mio`'s `log`, `portable-atomic`'s `fallback`), and
//! that recompiles polars, 40 minutes here, for what a poll does within milliseconds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant, SystemTime};

use crate::diff::{self, Diff, Side};
use crate::error::{Error, Result};
use crate::load::LoadedData;
use crate::pipeline::{self, IndicatorScores, ScoreOptions, ScoreRun};
use crate::plan::Plan;
use crate::scheme::{AdjustmentSpec, IndicatorSpec, MissingPolicy, Scheme, SchemeSpec};
use crate::source::DataFile;

/// How often the watched files are looked at.
pub const POLL: Duration = Duration::from_millis(5);
/// How long the files must stay unchanged after a change before scoring: one save, one run.
pub const SETTLE: Duration = Duration::from_millis(10);

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
            Redone::Scores => "weights, grades or rules only (data and indicator scores kept)",
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
        run: Box<ScoreRun>,
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
}

/// The state kept between runs.
pub struct Session {
    watched: Watched,
    cache: Option<Cache>,
    baseline: Option<Side>,
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

impl Session {
    pub fn new(watched: Watched) -> Session {
        Session {
            watched,
            cache: None,
            baseline: None,
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
            Ok((redone, plan, run)) => {
                let side = Side::new("this run", &plan, run.table.clone());
                let update = match self.baseline.take() {
                    None => Update::Scored {
                        redone,
                        run: Box::new(run),
                        took: start.elapsed(),
                    },
                    Some(baseline) => match diff::diff(&side, &baseline, self.watched.movers) {
                        Ok(diff) => Update::Changed {
                            redone,
                            run: Box::new(run),
                            diff: Box::new(diff),
                            took: start.elapsed(),
                        },
                        Err(error) => Update::Failed(error),
                    },
                };
                self.baseline = Some(side);
                update
            }
        }
    }

    fn score(&mut self) -> Result<(Redone, Plan, ScoreRun)> {
        let watched = &self.watched;
        let scheme = Scheme::load(&watched.scheme_dir)?;
        let mut scripts = String::new();
        for file in &scheme.spec.scripts {
            // Unreadable scripts are reported by the compilation below.
            scripts.push_str(&std::fs::read_to_string(scheme.dir.join(file)).unwrap_or_default());
            scripts.push('\u{0}');
        }
        let indicator_key = format!("{}{scripts}", indicator_part(&scheme.spec));
        let plan = Plan::compile(scheme)?;
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
        let (redone, loaded, scores) = match cache {
            Some(cache) if cache.data_key == data_key => {
                if cache.indicator_key == indicator_key {
                    let scores = if plan.scheme.spec.weighting.method.is_data_driven() {
                        pipeline::score_indicators(&plan, cache.loaded.frame.clone())?
                    } else {
                        IndicatorScores {
                            frame: cache.scores.frame,
                            weights: plan.weights.clone(),
                            weight_notes: Vec::new(),
                        }
                    };
                    (Redone::Scores, cache.loaded, scores)
                } else {
                    pipeline::check_types(&plan, &cache.loaded.frame)?;
                    let scores = pipeline::score_indicators(&plan, cache.loaded.frame.clone())?;
                    (Redone::Indicators, cache.loaded, scores)
                }
            }
            _ => {
                let loaded = pipeline::load_for(&plan, &watched.data, watched.previous.as_ref())?;
                pipeline::check_types(&plan, &loaded.frame)?;
                let scores = pipeline::score_indicators(&plan, loaded.frame.clone())?;
                (Redone::Data, loaded, scores)
            }
        };
        let options = ScoreOptions {
            // The diff's drivers need each node's points, where the total has them.
            contributions: crate::contribution::check_supported(&plan.scheme.spec.aggregation)
                .is_ok(),
            keep_scored: false,
        };
        let run = pipeline::rescore_with(&plan, &loaded, &scores, &scores.weights, options);
        // Keep the cache even when scoring fails: the next save may fix the scheme alone.
        self.cache = Some(Cache {
            data_key,
            indicator_key,
            loaded,
            scores,
        });
        Ok((redone, plan, run?))
    }

    /// The size and modification time of every watched file: each file in the scheme folder
    /// (and its sub-folders) and each data file.
    fn stamps(&self) -> BTreeMap<PathBuf, String> {
        fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, String>, depth: usize) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    if depth < 8 {
                        walk(&path, out, depth + 1);
                    }
                } else {
                    let stamp = stamp(&path);
                    out.insert(path, stamp);
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.watched.scheme_dir, &mut out, 0);
        for file in std::iter::once(&self.watched.data).chain(self.watched.previous.iter()) {
            out.insert(file.path.clone(), stamp(&file.path));
        }
        out
    }
}

/// Runs `session` once, then again on every save of a watched file, giving each [`Update`] to
/// `on_update`, until `stop` receives a message or is dropped.
pub fn watch(
    session: &mut Session,
    stop: &Receiver<()>,
    on_update: &mut dyn FnMut(Update),
) -> Result<()> {
    let mut seen = session.stamps();
    on_update(session.refresh());
    loop {
        match stop.recv_timeout(POLL) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        let now = session.stamps();
        if now == seen {
            continue;
        }
        // The rest of the same save: wait until nothing changes for SETTLE.
        let mut last = now;
        let mut quiet_since = Instant::now();
        while quiet_since.elapsed() < SETTLE {
            std::thread::sleep(POLL.min(SETTLE));
            let again = session.stamps();
            if again != last {
                last = again;
                quiet_since = Instant::now();
            }
        }
        seen = last;
        on_update(session.refresh());
    }
}
