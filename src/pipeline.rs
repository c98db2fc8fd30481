//! The one place that knows the order of the stages:
//! load → indicators → normalise → aggregate (weights) → adjust (veto/bonus) → rank → grade →
//! points (工分, where the scheme has them) → summary and output table.
//!
//! Every stage contributes polars expressions; they run as a few staged `with_columns` on one
//! lazy frame, each stage reading earlier stages' columns by name, so nothing is computed twice
//! and every intermediate value stays in the output for audit.
//!
//! Each stage's output can be kept and restarted from: [`load_for`] gives the [`LoadedData`],
//! [`score_indicators`] the [`IndicatorScores`] (values, scores, weights), and [`rescore`] runs
//! the rest from them — what a caller that varies only weights, rules or grades needs. [`score`],
//! [`score_loaded`] and [`rescore`] each have a `_with` form taking [`ScoreOptions`]: contributions in points join the same query before the
//! output table is built, and the scored frame is kept only for callers that read it. Writing
//! the results is `crate::report`'s job, above this layer.

use std::path::Path;

use polars::prelude::*;

use crate::columns::{score_column, GRADE_COLUMN};
use crate::error::{Error, Result};
use crate::load::{self, DataNeeds, LoadError, LoadedData};
use crate::plan::Plan;
use crate::source::DataFile;
use crate::summary::RunSummary;
use crate::weight::WeightTree;
use crate::{aggregate, contribution, grade, indicators, points, rank, table, weighting};

/// What a run computes and keeps beyond the output table and the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScoreOptions {
    /// Each node's effective weight and contribution in points (see `crate::contribution`),
    /// computed in the scoring query itself, so that the output table gains the `<node>.points`
    /// columns (`score --contributions`). Refused (exit 1) for a total that is not a weighted
    /// arithmetic mean.
    pub contributions: bool,
    /// Keep the full scored frame in [`ScoreRun::scored`] (what `crate::explain` reads); a plain
    /// run drops it once the table and the summary are built.
    pub keep_scored: bool,
}

impl ScoreOptions {
    /// What `crate::explain` and `crate::diff` need: the scored frame kept; they compute the
    /// contributions of the few institutions they show (`crate::contribution::of_rows`).
    pub const EXPLAIN: ScoreOptions = ScoreOptions {
        contributions: false,
        keep_scored: true,
    };

    /// Contributions computed for every institution, and the scored frame kept (with its
    /// effective weight and points columns).
    pub const CONTRIBUTIONS_KEPT: ScoreOptions = ScoreOptions {
        contributions: true,
        keep_scored: true,
    };
}

/// The result of scoring: the output table in rank order, the run summary and the weights it was
/// aggregated with; with [`ScoreOptions::keep_scored`], the full scored frame too (every stage's
/// columns, internal ones included, in input order), for callers that explain a run.
pub struct ScoreRun {
    pub table: DataFrame,
    /// The flags of each row of `table` as values (its `flags` column is their English text),
    /// for reports that word them in another language.
    pub flags: std::sync::Arc<Vec<Vec<crate::message::Flag>>>,
    pub summary: RunSummary,
    pub scored: Option<DataFrame>,
    pub weights: WeightTree,
}

/// Loads `data` (and `previous`, if the formulas need it) for `plan`, each read as its
/// [`DataFile::options`] say, turning load problems into errors that point at the formula that
/// asked for a column.
pub fn load_for(plan: &Plan, data: &DataFile, previous: Option<&DataFile>) -> Result<LoadedData> {
    load::load(data, previous, &needs(plan)).map_err(|error| located(plan, error))
}

/// Like [`load_for`] for frames already in memory (`data` and `previous`'s path name them).
pub fn prepare_for(
    plan: &Plan,
    current: DataFrame,
    data: &Path,
    previous: Option<(DataFrame, &Path)>,
) -> Result<LoadedData> {
    load::prepare(current, data, previous, &needs(plan)).map_err(|error| located(plan, error))
}

/// Like [`load_for`] for tables already read and arranged (`crate::load::read_table`,
/// `crate::load::arrange`): what a run over several periods calls once per period.
pub fn prepare_tables_for(
    plan: &Plan,
    current: crate::source::SourceTable,
    previous: Option<crate::source::SourceTable>,
) -> Result<LoadedData> {
    load::prepare_tables(current, previous, &needs(plan)).map_err(|error| located(plan, error))
}

/// What loading needs to know of `plan`: its id, name and peer-group columns, the columns its
/// formulas read, aliases, units, optional columns and shares.
pub fn needs(plan: &Plan) -> DataNeeds<'_> {
    let columns = &plan.scheme.spec.columns;
    DataNeeds {
        id_column: &columns.id,
        name_column: columns.name.as_deref(),
        peer_group_column: columns.peer_group.as_deref(),
        references: &plan.references,
        aliases: &columns.aliases,
        may_be_negative: &columns.may_be_negative,
        units: &columns.units,
        optional: optional_columns(plan),
        shares: plan
            .indicators
            .iter()
            .flat_map(|i| i.value.shares.iter().map(|s| (i.spec.id.as_str(), s)))
            .collect(),
    }
}

/// The columns the data may lack (see [`DataNeeds::optional`]): `columns.optional`, and those
/// read only by report-only indicators (no scoring) — not by a scored indicator or a rule.
fn optional_columns(plan: &Plan) -> std::collections::BTreeMap<String, String> {
    use std::collections::BTreeSet;
    let mut optional: std::collections::BTreeMap<String, String> = plan
        .scheme
        .spec
        .columns
        .optional
        .iter()
        .map(|c| {
            // `prev(X)`: X may be absent from the previous period's data only.
            let previous = c
                .strip_prefix("prev(")
                .and_then(|c| c.strip_suffix(')'))
                .map(|c| c.trim_matches(|q| q == '"' || q == '\''));
            match previous {
                Some(name) => (
                    format!("{name}{}", crate::columns::PREVIOUS_SUFFIX),
                    "columns.optional".to_string(),
                ),
                None => (c.clone(), "columns.optional".to_string()),
            }
        })
        .collect();
    let of = |report_only: bool| -> BTreeSet<&str> {
        plan.indicators
            .iter()
            .filter(|i| i.scoring.is_none() == report_only)
            .flat_map(|i| i.value.columns.iter().map(|c| c.name.as_str()))
            .collect()
    };
    let (report_only, scored) = (of(true), of(false));
    let by_indicators: BTreeSet<&str> = report_only.union(&scored).copied().collect();
    let by_rules: BTreeSet<&str> = plan
        .references
        .iter()
        .map(|r| r.name.as_str())
        .filter(|name| !by_indicators.contains(name))
        .collect();
    for column in report_only {
        if !scored.contains(column) && !by_rules.contains(column) {
            optional
                .entry(column.to_string())
                .or_insert_with(|| crate::message::REPORT_ONLY_ABSENT.to_string());
        }
    }
    optional
}

/// A load problem as an error pointing at the scheme or formula that asked for the data.
fn located(plan: &Plan, error: LoadError) -> Error {
    match error {
        LoadError::Error(error) => match error {
            Error::ColumnNotFound {
                column,
                data_file,
                suggestion,
                span: None,
                help,
            } => {
                let needle = format!(": {column}");
                Error::ColumnNotFound {
                    span: plan.scheme.span(&needle, Some("columns:")),
                    column,
                    data_file,
                    suggestion,
                    help,
                }
            }
            other => other,
        },
        LoadError::Invalid {
            structural,
            missing,
            report,
        } => {
            let aliases = &plan.scheme.spec.columns.aliases;
            let alias_help = |column: &str| {
                aliases.get(column).map(|names| {
                    format!(
                        "scheme.yaml accepts it under the aliases {} too (columns.aliases)",
                        names.join(", ")
                    )
                })
            };
            let mut errors: Vec<Error> = structural
                .into_iter()
                .map(|error| located(plan, LoadError::Error(error)))
                .collect();
            errors.extend(missing.into_iter().map(|m| Error::ColumnNotFound {
                span: plan.scripts.reference_span(&m.reference).or_else(|| {
                    plan.scheme
                        .span(&format!(": {}", m.reference.name), Some("points:"))
                }),
                help: alias_help(&m.reference.name),
                column: m.reference.name,
                data_file: m.file,
                suggestion: m.suggestion,
            }));
            if !report.is_empty() {
                errors.push(Error::InvalidData(report));
            }
            if errors.len() == 1 {
                errors.pop().unwrap()
            } else {
                Error::Many(errors)
            }
        }
        LoadError::NeedsPrevious(reference) => Error::Script {
            message: format!(
                "formulas read the previous period{}, but no previous-period data was given",
                reference
                    .as_ref()
                    .map(|r| format!(" (prev(\"{}\"))", r.name))
                    .unwrap_or_default()
            ),
            span: reference
                .as_ref()
                .and_then(|r| plan.scripts.reference_span(r)),
            help: Some("pass --prev FILE with the previous period's data (with --data, the scheme's dataset.previous is not used: it goes with the scheme's own dataset)".into()),
        },
    }
}

/// Every scoring stage after loading, as one lazy query over the loaded frame, with the plan's
/// weights (as written, or set by a method that needs no data).
pub fn scoring_query(plan: &Plan, frame: DataFrame) -> LazyFrame {
    result_query(plan, &plan.weights, indicator_query(plan, frame))
}

/// Stages 2–3: indicator values, their treatment and their scores.
pub fn indicator_query(plan: &Plan, frame: DataFrame) -> LazyFrame {
    value_query(plan, frame).with_columns(score_exprs(plan))
}

/// Stage 2 and the treatment: `let` intermediates, the peer group, every indicator's value (and
/// the levels behind a growth rate) and the value scored after outlier treatment and imputation.
/// What follows reads these, and of the loaded columns only those a rule, the points or the
/// output name ([`spent_columns`]).
fn value_query(plan: &Plan, frame: DataFrame) -> LazyFrame {
    // A `let` using group_… statistics needs the peer groups: with a peer-group formula it runs
    // once the peer-group column is made.
    let (before, after) = plan.intermediates_around_peer_groups();
    let mut query = frame.lazy();
    for stage in before {
        query = query.with_columns(stage);
    }
    if let Some(group) = &plan.peer_group {
        // Categorical, as `crate::load` makes a peer-group column.
        let categorical = DataType::from_categories(Categories::global());
        query = query.with_column(
            group
                .clone()
                .fill_null(lit(crate::columns::UNGROUPED))
                .cast(categorical)
                .alias(crate::columns::PEER_GROUP_COLUMN),
        );
    }
    for stage in after {
        query = query.with_columns(stage);
    }
    let mut query =
        query.with_columns([indicators::value_exprs(plan), indicators::level_exprs(plan)].concat());
    for stage in indicators::value_stages(&plan.indicators) {
        query = query.with_columns(stage);
    }
    query
}

/// Stage 3: every scored indicator's score.
fn score_exprs(plan: &Plan) -> Vec<Expr> {
    plan.indicators
        .iter()
        .filter_map(|i| {
            let score = i.score.clone()?;
            Some(indicators::finite_or_missing(score).alias(score_column(&i.spec.id)))
        })
        .collect()
}

/// Stages 5–7 on scored indicators: aggregation with `weights`, adjustments, ranks, grades, points.
pub fn result_query(plan: &Plan, weights: &WeightTree, scored: LazyFrame) -> LazyFrame {
    result_query_with(plan, weights, scored, ScoreOptions::default())
}

/// [`result_query`] with the aggregation's mean and missing-data policy given instead of the
/// scheme's: what a sensitivity draw that varies them runs (`crate::sensitivity`).
pub fn result_query_varied(
    plan: &Plan,
    weights: &WeightTree,
    mean: crate::scheme::Mean,
    policy: crate::scheme::MissingPolicy,
    scored: LazyFrame,
) -> LazyFrame {
    let aggregation = crate::scheme::AggregationSpec {
        mean,
        ..plan.scheme.spec.aggregation.clone()
    };
    result_query_of(
        plan,
        weights,
        scored,
        ScoreOptions::default(),
        (&aggregation, policy),
    )
}

/// [`result_query`], with each node's effective weight and points when `options` ask for them.
fn result_query_with(
    plan: &Plan,
    weights: &WeightTree,
    scored: LazyFrame,
    options: ScoreOptions,
) -> LazyFrame {
    let spec = &plan.scheme.spec;
    result_query_of(
        plan,
        weights,
        scored,
        options,
        (&spec.aggregation, spec.missing.policy),
    )
}

/// [`result_query_with`] with the aggregation and missing-data policy given.
fn result_query_of(
    plan: &Plan,
    weights: &WeightTree,
    scored: LazyFrame,
    options: ScoreOptions,
    aggregation_and_policy: (
        &crate::scheme::AggregationSpec,
        crate::scheme::MissingPolicy,
    ),
) -> LazyFrame {
    result_stages(plan, weights, options, aggregation_and_policy)
        .into_iter()
        .fold(scored, |query, stage| query.with_columns(stage))
}

/// The `with_columns` stages 5–7, in order: aggregation, adjustments, ranks, grades, points and,
/// when `options` ask for them, contributions.
fn result_stages(
    plan: &Plan,
    weights: &WeightTree,
    options: ScoreOptions,
    (aggregation, policy): (
        &crate::scheme::AggregationSpec,
        crate::scheme::MissingPolicy,
    ),
) -> Vec<Vec<Expr>> {
    let spec = &plan.scheme.spec;
    let mut stages: Vec<Vec<Expr>> = Vec::new();
    let imputed: Vec<&str> = plan
        .indicators
        .iter()
        .filter(|i| i.impute != crate::scheme::Impute::Renormalise)
        .map(|i| i.spec.id.as_str())
        .collect();
    let levels = aggregate::Levels {
        normalise: plan.scheme.level_normalisations(),
        eligible: plan.eligible.clone(),
    };
    stages.extend(aggregate::stages(
        weights,
        policy,
        aggregation,
        &imputed,
        &levels,
    ));
    stages.extend(plan.adjustments.stages());
    if let Some(eligible) = &plan.eligible {
        stages.extend(crate::eligibility::hide_stages(eligible));
    }
    stages.push(rank::exprs(spec.ranking.ties));
    if let (Some(grades), false) = (&spec.grades, plan.grade_adjustments.is_empty()) {
        stages.extend(grade::adjust::stages(
            grades,
            &plan.grade_adjustments,
            GRADE_COLUMN,
        ));
    } else if let Some(grades) = &spec.grades {
        stages.push(vec![grade::grade_expr(grades).alias(GRADE_COLUMN)]);
    } else {
        stages.push(vec![lit(NULL).cast(DataType::String).alias(GRADE_COLUMN)]);
    }
    if plan.eligible.is_some() {
        stages.push(crate::eligibility::restore_stage());
    }
    if let Some(points) = &spec.points {
        stages.extend(points::stages(points));
    }
    if options.contributions {
        stages.extend(contribution::stages(weights, policy));
    }
    stages
}

/// Runs the whole query on no rows: cheap, and it raises every type error. The expressions jixiao
/// builds are well-typed by construction, so a failure here comes from a formula (e.g. comparing
/// a number with text) and is the user's to fix.
pub fn check_types(plan: &Plan, frame: &DataFrame) -> Result<()> {
    let empty = frame.head(Some(0));
    let Err(error) = scoring_query(plan, empty.clone()).collect() else {
        return Ok(());
    };
    // Name the first indicator whose own formula fails, if one does.
    let culprit = plan.indicators.iter().find(|i| {
        let value = indicators::value_exprs_of(std::slice::from_ref(*i));
        plan.with_intermediates(empty.clone().lazy())
            .select(value)
            .collect()
            .is_err()
    });
    let (what, span) = match culprit {
        Some(i) => (
            format!("the formula of indicator {} ({})", i.spec.id, i.spec.name),
            plan.scripts.binding_span(i.spec.formula_name()),
        ),
        None => ("the formulas".to_string(), None),
    };
    Err(Error::Script {
        message: format!("{what} cannot be evaluated on this data: {error}"),
        span,
        help: Some("compare numbers with numbers and text with text; col(\"…\") columns read by formulas are numbers".into()),
    })
}

/// Stages 2–4 collected: every indicator's value, treatment and score beside the loaded columns,
/// and the weights that aggregate them (fitted on these scores when the scheme's weighting is
/// data-driven, else the plan's). A later caller restarts from here: a change of weights, rules
/// or grades re-runs [`rescore`] only, without reading the data or evaluating a formula again.
pub struct IndicatorScores {
    pub frame: DataFrame,
    pub weights: WeightTree,
    /// One note per group of indicators whose data-driven weights could not be fitted.
    pub weight_notes: Vec<crate::message::Warning>,
}

/// Runs stages 2–4 on the loaded frame and fits data-driven weights.
pub fn score_indicators(plan: &Plan, frame: DataFrame) -> Result<IndicatorScores> {
    let frame = indicator_query(plan, frame).collect()?;
    let (weights, weight_notes) = if plan.scheme.spec.weighting.method.is_data_driven() {
        weighting::fit(&plan.scheme, &plan.scripts, &plan.weights, &frame)?
    } else {
        (plan.weights.clone(), Vec::new())
    };
    Ok(IndicatorScores {
        frame,
        weights,
        weight_notes,
    })
}

/// Stages 5–8 from cached indicator scores, aggregated with `weights` (the scores' own, or any
/// tree of the same shape), for the data `loaded` describes: the same run [`score_loaded`] gives.
pub fn rescore(
    plan: &Plan,
    loaded: &LoadedData,
    scores: &IndicatorScores,
    weights: &WeightTree,
) -> Result<ScoreRun> {
    rescore_with(plan, loaded, scores, weights, ScoreOptions::default())
}

/// [`rescore`] with `options`.
pub fn rescore_with(
    plan: &Plan,
    loaded: &LoadedData,
    scores: &IndicatorScores,
    weights: &WeightTree,
    options: ScoreOptions,
) -> Result<ScoreRun> {
    if options.contributions {
        contribution::check_scheme(&plan.scheme)?;
    }
    let scored =
        result_query_with(plan, weights, scores.frame.clone().lazy(), options).collect()?;
    finish(
        plan,
        loaded,
        scored,
        (weights, scores.weight_notes.clone()),
        options,
        None,
    )
}

/// Scores already-loaded data.
pub fn score_loaded(plan: &Plan, loaded: LoadedData) -> Result<ScoreRun> {
    score_loaded_with(plan, loaded, ScoreOptions::default())
}

/// [`score_loaded`] with `options`.
pub fn score_loaded_with(
    plan: &Plan,
    mut loaded: LoadedData,
    options: ScoreOptions,
) -> Result<ScoreRun> {
    if options.contributions {
        contribution::check_scheme(&plan.scheme)?;
    }
    // Weights fitted on the data (entropy, CRITIC, …) need the indicator scores first; otherwise
    // every stage runs as one query.
    if plan.scheme.spec.weighting.method.is_data_driven() {
        let scores = diagnosed(
            plan,
            &loaded.frame,
            score_indicators(plan, loaded.frame.clone()),
        )?;
        return rescore_with(plan, &loaded, &scores, &scores.weights, options);
    }
    // The loaded frame goes into the query and is not kept beside it: a national frame is held
    // once. A failure is explained on the frame's columns, no rows needed.
    let frame = std::mem::take(&mut loaded.frame);
    let columns_only = frame.head(Some(0));
    let loaded_columns = frame.get_column_names_owned();
    let values = value_query(plan, frame).collect().map_err(Error::from);
    let values = diagnosed(plan, &columns_only, values)?;
    crate::trace::mark("indicator values");
    // The missing values' causes read the loaded columns behind each formula: counted now, so
    // that those columns can go before the scores are computed.
    let causes = missing_causes(plan, &values)?;
    let later = later_stages(plan, options);
    let mut values = values;
    for spent in spent_of(plan, options, &loaded_columns, &later) {
        // Dropped here, not copied into a narrower frame: the column's memory goes now.
        values.drop_in_place(&spent)?;
    }
    crate::memory::release(values.height());
    // Each stage is a query of its own: the stages as one query held about 0.7 GB more of
    // temporaries at 1,000,000 institutions and took a quarter longer, for the same values
    // (BENCHMARKS.md, "Memory").
    let mut scored = values;
    for stage in later {
        let next = scored.lazy().with_columns(stage).collect();
        scored = diagnosed(plan, &columns_only, next.map_err(Error::from))?;
        // What the stage freed goes back before the next: a stage's temporaries would otherwise
        // pile up in the allocator's arenas (0.08 GB by the end at 1,000,000 primary-care rows).
        crate::memory::release(scored.height());
    }
    crate::trace::mark("scoring query");
    finish(
        plan,
        &loaded,
        scored,
        (&plan.weights, Vec::new()),
        options,
        Some(causes),
    )
}

/// The summary's counts of missing values by cause ([`indicators::quality_exprs`]), one row.
fn missing_causes(plan: &Plan, frame: &DataFrame) -> Result<DataFrame> {
    let missing_of = |id: &str| frame.column(id).map_or(usize::MAX, |c| c.null_count());
    one_row_by_indicator(frame, indicators::quality_exprs(plan, &missing_of))
}

/// Rows × indicators whose one-row counts one query computes: every indicator at once up to
/// 100,000 rows, four at a time at 1,000,000.
const COUNT_CELLS: usize = 4_000_000;

/// The one-row aggregates `by_indicator` (a list per indicator) over `frame`, in that order (no
/// columns when there are none). A few indicators per query on large frames: each count
/// evaluates its indicator's expressions again, and all of them in one query held about 0.35 GB
/// of temporaries at 1,000,000 rows.
fn one_row_by_indicator(frame: &DataFrame, by_indicator: Vec<Vec<Expr>>) -> Result<DataFrame> {
    if by_indicator.is_empty() {
        return Ok(DataFrame::empty());
    }
    let per_query = (COUNT_CELLS / frame.height().max(1)).max(1);
    let mut columns = Vec::new();
    for batch in by_indicator.chunks(per_query) {
        let counts = frame.clone().lazy().select(batch.concat()).collect()?;
        columns.extend(counts.into_columns());
    }
    Ok(DataFrame::new(1, columns)?)
}

/// The stages after the indicator values, in order: scores, then stages 5–7 with the plan's
/// weights.
fn later_stages(plan: &Plan, options: ScoreOptions) -> Vec<Vec<Expr>> {
    let spec = &plan.scheme.spec;
    let mut later = vec![score_exprs(plan)];
    later.extend(result_stages(
        plan,
        &plan.weights,
        options,
        (&spec.aggregation, spec.missing.policy),
    ));
    later
}

/// Of the `loaded` columns, those nothing after the indicator values reads — the data the
/// formulas have turned into indicator values — which [`score_loaded_with`] drops before scoring
/// so that a national run does not carry them to the end. Kept: the id, name and peer-group
/// columns, jixiao's own columns (`__…`: row numbers, data flags, intermediates) and every column
/// an expression of the later stages reads (a rule's, the points'); the summary's missing-value
/// causes are counted before, and its treatment counts and the output table read computed
/// columns only. None when `options` keep the scored frame (`explain` shows an institution's
/// data) or an expression picks columns by pattern.
pub fn spent_columns(plan: &Plan, options: ScoreOptions, loaded: &[PlSmallStr]) -> Vec<PlSmallStr> {
    spent_of(plan, options, loaded, &later_stages(plan, options))
}

/// [`spent_columns`] with the later stages built.
fn spent_of(
    plan: &Plan,
    options: ScoreOptions,
    loaded: &[PlSmallStr],
    later: &[Vec<Expr>],
) -> Vec<PlSmallStr> {
    if options.keep_scored {
        return Vec::new();
    }
    let mut read: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let treatment = indicators::treatment_quality_exprs(&plan.indicators);
    for expr in later.iter().flatten().chain(&treatment) {
        for node in expr {
            match node {
                Expr::Column(name) => {
                    read.insert(name.as_str());
                }
                Expr::Selector(_) => return Vec::new(),
                _ => {}
            }
        }
    }
    let columns = &plan.scheme.spec.columns;
    let named = [
        Some(columns.id.as_str()),
        columns.name.as_deref(),
        columns.peer_group.as_deref(),
    ];
    loaded
        .iter()
        .filter(|name| {
            !(name.starts_with("__")
                || named.contains(&Some(name.as_str()))
                || read.contains(name.as_str()))
        })
        .cloned()
        .collect()
}

/// A run's result, or for a failure that a formula causes (a type error polars raises while it
/// runs the query) the located error of [`check_types`]: the query is planned once on the way
/// that succeeds, and the zero-row check runs only to explain a failure.
fn diagnosed<T>(plan: &Plan, frame: &DataFrame, result: Result<T>) -> Result<T> {
    // polars' errors arrive as internal ones (a bug, unless the formulas explain them).
    result.map_err(|error| match error {
        Error::Internal { .. } => check_types(plan, frame).err().unwrap_or(error),
        other => other,
    })
}

/// The run summary and the output table of a scored frame.
fn finish(
    plan: &Plan,
    loaded: &LoadedData,
    scored: DataFrame,
    (weights, weight_notes): (&WeightTree, Vec<crate::message::Warning>),
    options: ScoreOptions,
    causes: Option<DataFrame>,
) -> Result<ScoreRun> {
    let causes = match causes {
        Some(causes) => causes,
        None => missing_causes(plan, &scored)?,
    };
    let treatment = one_row_by_indicator(
        &scored,
        indicators::treatment_quality_by_indicator(&plan.indicators),
    )?;
    let quality = DataFrame::new(
        1,
        [causes.into_columns(), treatment.into_columns()].concat(),
    )?;
    let mut summary = RunSummary::new(
        plan,
        weights,
        &loaded.origin,
        loaded.previous_origin.as_ref(),
        &loaded.summary,
        &scored,
        &quality,
    )?;
    summary.warnings.extend(weight_notes);
    summary
        .warnings
        .extend(crate::inclusion::notes(plan, weights, &scored)?);
    summary
        .warnings
        .extend(crate::small_groups::notes(plan, &scored)?);
    summary.data_problems = loaded.report.summary_lines();
    // The summary's own work (counts, grade tallies, notes) leaves freed pages behind.
    crate::memory::release(scored.height());
    crate::trace::mark("summary");
    // DataFrame clones share their columns: keeping the frame costs its memory, not a copy.
    let kept = options.keep_scored.then(|| scored.clone());
    let (table, flags) = table::output_table_with_flags(plan, scored)?;
    crate::memory::release(table.height());
    crate::trace::mark("output table");
    Ok(ScoreRun {
        table,
        flags: std::sync::Arc::new(flags),
        summary,
        scored: kept,
        weights: weights.clone(),
    })
}

/// Loads `data` (and `previous`) and scores it with `plan`.
pub fn score(plan: &Plan, data: &DataFile, previous: Option<&DataFile>) -> Result<ScoreRun> {
    score_with(plan, data, previous, ScoreOptions::default())
}

/// [`score`] with `options`.
pub fn score_with(
    plan: &Plan,
    data: &DataFile,
    previous: Option<&DataFile>,
    options: ScoreOptions,
) -> Result<ScoreRun> {
    if options.contributions {
        contribution::check_scheme(&plan.scheme)?;
    }
    let loaded = load_for(plan, data, previous)?;
    score_loaded_with(plan, loaded, options)
}
