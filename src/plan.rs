//! The scheme compiled into a plan: every indicator's value and score formula, the weight tree and
//! the adjustment rules, ready to run on any dataset.
//!
//! Compiling runs the scheme's scripts once, looks up each indicator's binding, builds its score
//! expression from the scoring method (calling a custom rhai scoring function once if it has
//! one), and gathers every column the formulas read so the loader knows what to parse and the
//! checker what to look for. All problems found on the way are reported together.

use polars::prelude::*;

use crate::adjust::{Adjustments, PointsRule};
use crate::error::{Error, Result};
use crate::normalise;
use crate::scheme::{AdjustmentRule, Impute, IndicatorSpec, Scheme, Scoring, Treat};
use crate::script::{shared, ColumnRef, Formula, Kind, ScriptSet};
use crate::weight::WeightTree;

/// One indicator, compiled.
pub struct PlannedIndicator {
    pub spec: IndicatorSpec,
    /// The value formula (its expression reads data columns).
    pub value: Formula,
    /// The scoring method, `None` for monitor indicators.
    pub scoring: Option<Scoring>,
    /// The score expression; it reads the indicator's value column (named by the id), or
    /// `{id}.treated` when the values are treated for outliers or imputed.
    pub score: Option<Expr>,
    /// Outlier treatment before scoring (scored indicators only).
    pub treat: Option<Treat>,
    /// What a missing value becomes (scored indicators only; `renormalise` otherwise).
    pub impute: Impute,
}

/// A compiled scheme.
pub struct Plan {
    pub scheme: Scheme,
    /// λmax, CI and CR of every AHP matrix of `weighting:` (empty without AHP).
    pub ahp_consistency: Vec<crate::weighting::AhpConsistency>,
    pub scripts: ScriptSet,
    pub indicators: Vec<PlannedIndicator>,
    pub weights: WeightTree,
    pub adjustments: Adjustments,
    /// Every data column any formula reads, with where it is read.
    pub references: Vec<ColumnRef>,
    /// Reasons of the vetoes, bonus and deduction rules, in rule order.
    pub veto_reasons: Vec<String>,
    pub bonus_reasons: Vec<String>,
    pub deduction_reasons: Vec<String>,
    /// Formulas read by several others, computed once (see `crate::script::shared`).
    pub intermediates: shared::Resolution,
    /// `grade_adjustments:` compiled, in order (empty without).
    pub grade_adjustments: Vec<crate::grade::adjust::GradeAdjustment>,
    /// `peer_groups.formula` compiled to text (numbers as whole numbers): each institution's
    /// peer group.
    pub peer_group: Option<Expr>,
    /// `eligible:` compiled: true where the institution is rated.
    pub eligible: Option<Expr>,
}

impl Plan {
    /// Loads the scheme's scripts and compiles it.
    pub fn compile(scheme: Scheme) -> Result<Plan> {
        let scripts = ScriptSet::load(&scheme)?;
        Self::with_scripts(scheme, scripts)
    }

    /// Compiles a scheme whose scripts are already loaded.
    pub fn with_scripts(scheme: Scheme, scripts: ScriptSet) -> Result<Plan> {
        let mut errors = Vec::new();
        let mut references = Vec::new();
        let mut indicators = Vec::new();
        let mut custom_scores: Vec<Option<Formula>> = Vec::new();
        let leaves: Vec<IndicatorSpec> = scheme.leaves().into_iter().cloned().collect();
        for spec in &leaves {
            let what = format!("indicator {} ({})", spec.id, spec.name);
            let value = match scripts
                .formula(spec.formula_name(), &what)
                .and_then(|value| {
                    expect_kind(&scripts, spec.formula_name(), &value, Kind::Number, &what)?;
                    Ok(value)
                }) {
                Ok(value) => value,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            references.extend(value.columns.iter().cloned());
            let scoring = scheme.is_scored(spec).then(|| scheme.scoring_of(spec));
            let (treat, impute) = match scoring {
                Some(_) => (spec.treat.clone(), scheme.impute_of(spec)),
                None => (None, Impute::Renormalise),
            };
            let input = normalise::score_input(&spec.id, treat.as_ref(), impute);
            let mut custom = None;
            let score = match &scoring {
                None => None,
                Some(Scoring::Custom { function }) => {
                    let input = Formula::constant(input);
                    match scripts
                        .call_scoring_function(function, input, &what)
                        .and_then(|score| {
                            if score.kind.fits(Kind::Number) {
                                Ok(score)
                            } else {
                                Err(Error::Script {
                                    message: format!(
                                        "{what}: scoring function `{function}` returns {}, not a score",
                                        score.kind.described()
                                    ),
                                    span: None,
                                    help: Some("a scoring function returns a number (the score); one_if(condition) turns a condition into 1/0".into()),
                                })
                            }
                        }) {
                        Ok(score) => {
                            references.extend(score.columns.iter().cloned());
                            // Set below, once the intermediates it reads are resolved.
                            let expr = score.expr.clone();
                            custom = Some(score);
                            Some(expr)
                        }
                        Err(e) => {
                            errors.push(e);
                            None
                        }
                    }
                }
                Some(method) => normalise::score_expr(input, spec.direction, spec.band, method),
            };
            custom_scores.push(custom);
            indicators.push(PlannedIndicator {
                spec: spec.clone(),
                value,
                scoring,
                score,
                treat,
                impute,
            });
        }

        let mut rule_formula = |name: &str, what: String, kind: Kind| match scripts
            .formula(name, &what)
            .and_then(|formula| {
                expect_kind(&scripts, name, &formula, kind, &what).map_err(|e| match e {
                    // The binding is shown where the script makes it; say where the rule names it.
                    Error::Script {
                        message,
                        span,
                        help,
                    } if kind == Kind::Condition => {
                        let named = scheme
                            .span(&format!("when: {name}"), None)
                            .map(|at| {
                                format!(
                                    "; {what} names it at {}:{} (`when: {name}`)",
                                    at.file.display(),
                                    at.line
                                )
                            })
                            .unwrap_or_default();
                        Error::Script {
                            message,
                            span,
                            help: help.map(|h| format!("{h}{named}")),
                        }
                    }
                    e => e,
                })?;
                Ok(formula)
            }) {
            Ok(formula) => {
                references.extend(formula.columns.iter().cloned());
                Some((name.to_string(), formula))
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let spec = &scheme.spec;
        let vetoes: Vec<(String, Formula)> = spec
            .vetoes
            .iter()
            .filter_map(|v| {
                rule_formula(&v.when, format!("veto \"{}\"", v.reason), Kind::Condition)
            })
            .collect();
        let mut points = |rules: &[AdjustmentRule], kind: &str| -> Vec<(String, Formula, _)> {
            rules
                .iter()
                .filter_map(|r| {
                    rule_formula(
                        &r.points,
                        format!("{kind} rule \"{}\"", r.reason),
                        Kind::Number,
                    )
                    .map(|(name, points)| (name, points, r.cap))
                })
                .collect()
        };
        let bonus = points(&spec.bonus.rules, "bonus");
        let deduction = points(&spec.deduction.rules, "deduction");
        let grade_adjustments: Vec<((String, Formula), i64, Option<Expr>)> = spec
            .grade_adjustments
            .iter()
            .filter_map(|a| {
                let when = rule_formula(
                    &a.when,
                    format!("grade adjustment \"{}\"", a.reason),
                    Kind::Condition,
                )?;
                let lowest = a.lowest.as_ref().map(|l| {
                    crate::grade::adjust::lowest(
                        col(crate::columns::score_column(&l.node)),
                        l.share,
                    )
                });
                Some((when, a.steps().unwrap_or(0), lowest))
            })
            .collect();
        let eligible = spec.eligible.as_ref().and_then(|e| {
            rule_formula(
                &e.when,
                format!("eligibility \"{}\"", e.reason),
                Kind::Condition,
            )
        });
        let peer_group = spec.peer_groups.as_ref().and_then(|g| {
            match scripts.formula(&g.formula, "the peer-group formula (peer_groups.formula)") {
                Ok(formula) => {
                    references.extend(formula.columns.iter().cloned());
                    Some((g.formula.clone(), formula))
                }
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        });

        // A column of graded levels means one thing: every levels(…) on it must use the same map.
        let mut level_maps: Vec<&ColumnRef> = Vec::new();
        for reference in references.iter().filter(|r| r.levels.is_some()) {
            match level_maps.iter().find(|r| r.name == reference.name) {
                Some(first) if first.levels != reference.levels => errors.push(Error::Script {
                    message: format!(
                        "column \"{}\" is read by levels(…) with two different maps",
                        reference.name
                    ),
                    span: scripts.reference_span(reference),
                    help: Some(
                        "give every levels(…) on this column the same map, e.g. in a shared `let`"
                            .into(),
                    ),
                }),
                Some(_) => {}
                None => level_maps.push(reference),
            }
        }

        // The point-based assessment reads work-points columns named in scheme.yaml.
        if let Some(points) = &spec.points {
            for item in &points.items {
                references.push(ColumnRef {
                    name: crate::points::work_points_column(points, item).to_string(),
                    period: crate::script::Period::Current,
                    levels: None,
                    source: None,
                    line: 0,
                    column: 0,
                });
            }
        }

        if !errors.is_empty() {
            return Err(if errors.len() == 1 {
                errors.pop().unwrap()
            } else {
                Error::Many(errors)
            });
        }

        // Shared intermediates: inlined or computed once in stages before the indicators; every
        // planned expression counted and capped before polars sees it.
        let roots = indicators
            .iter()
            .map(|i| &i.value)
            .chain(custom_scores.iter().flatten())
            .chain(vetoes.iter().map(|(_, f)| f))
            .chain(bonus.iter().chain(&deduction).map(|(_, f, _)| f))
            .chain(grade_adjustments.iter().map(|((_, f), _, _)| f))
            .chain(eligible.iter().chain(&peer_group).map(|(_, f)| f));
        let too_large = |name: Option<&str>, e: shared::TooLarge| {
            let binding = e.binding.as_deref().or(name);
            Error::Script {
                message: format!(
                    "{} has {} expression nodes, more than the {} one formula may have",
                    binding.map_or("a formula".to_string(), |b| format!("formula `{b}`")),
                    e.nodes,
                    shared::MAX_FORMULA_NODES
                ),
                span: binding.and_then(|b| scripts.binding_span(b)),
                help: Some("a formula this large comes from nesting a function in itself many times; bind intermediate results with `let` (each is computed once) or simplify the formula".into()),
            }
        };
        let resolution = shared::Resolution::new(roots).map_err(|e| too_large(None, e))?;
        for (indicator, custom) in indicators.iter_mut().zip(&custom_scores) {
            let name = indicator.spec.formula_name().to_string();
            let at = |e| too_large(Some(&name), e);
            let value = &mut indicator.value;
            value.expr = resolution.planned(&value.expr).map_err(at)?;
            for zero in &mut value.zero_denominators {
                *zero = resolution.planned(zero).map_err(at)?;
            }
            for share in &mut value.shares {
                share.part = resolution.expanded(&share.part).map_err(at)?;
                share.whole = resolution.expanded(&share.whole).map_err(at)?;
            }
            for growth in &mut value.growths {
                growth.now = resolution.planned(&growth.now).map_err(at)?;
                growth.before = resolution.planned(&growth.before).map_err(at)?;
            }
            if let Some(custom) = custom {
                let expr = resolution.planned(&custom.expr).map_err(at)?;
                indicator.score = Some(expr.cast(DataType::Float64));
            }
            if indicator.impute == Impute::Zero {
                let id = indicator.spec.id.as_str();
                indicator.score = indicator
                    .score
                    .take()
                    .map(|s| normalise::impute::zero_when_missing(col(id), s));
            }
            if let Some(min) = scheme.min_reported_of(&indicator.spec) {
                let id = indicator.spec.id.as_str();
                indicator.score = indicator
                    .score
                    .take()
                    .map(|s| normalise::included_by_count(id, min, s));
            }
        }
        let vetoes = vetoes
            .iter()
            .map(|(name, f)| {
                resolution
                    .planned(&f.expr)
                    .map_err(|e| too_large(Some(name), e))
            })
            .collect::<Result<Vec<Expr>>>()?;
        let planned = |(name, f): &(String, Formula)| {
            resolution
                .planned(&f.expr)
                .map_err(|e| too_large(Some(name), e))
        };
        let grade_adjustments = grade_adjustments
            .iter()
            .map(|(when, steps, lowest)| {
                let when = planned(when)?;
                Ok(crate::grade::adjust::GradeAdjustment {
                    when: match lowest {
                        Some(lowest) => when.cast(DataType::Boolean).and(lowest.clone()),
                        None => when,
                    },
                    steps: *steps,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let eligible = eligible.as_ref().map(planned).transpose()?;
        let peer_group = match &peer_group {
            None => None,
            Some(named) => {
                let expr = planned(named)?;
                let (_, after) = split_by_peer_groups(&resolution.stages);
                let needing = after
                    .iter()
                    .flatten()
                    .filter_map(|e| match e {
                        Expr::Alias(_, name) => Some(name.to_string()),
                        _ => None,
                    })
                    .collect();
                if reads_any(&expr, &needing) {
                    return Err(Error::Script {
                        message: format!(
                            "the peer-group formula `{}` reads peer-group statistics (a group_… function, directly or through a `let`), which need the peer groups it defines",
                            named.0
                        ),
                        span: scripts.binding_span(&named.0),
                        help: Some("compute the peer group from each institution's own values (counts, bands such as if_else(床位数 >= 500, \"大\", \"小\")), or take statistics over all institutions (mean, quantile … without group_)".into()),
                    });
                }
                Some(match named.1.kind {
                    Kind::Number => expr.cast(DataType::Int64).cast(DataType::String),
                    _ => expr.cast(DataType::String),
                })
            }
        };
        let points = |rules: &[(String, Formula, Option<f64>)]| {
            rules
                .iter()
                .map(|(name, f, cap)| {
                    Ok(PointsRule {
                        points: resolution
                            .planned(&f.expr)
                            .map_err(|e| too_large(Some(name), e))?,
                        cap: *cap,
                    })
                })
                .collect::<Result<Vec<PointsRule>>>()
        };
        let bonus = points(&bonus)?;
        let deduction = points(&deduction)?;
        let (weights, ahp_consistency) =
            crate::weighting::at_plan_time(&scheme, WeightTree::from_scheme(&scheme))?;
        let adjustments = Adjustments {
            vetoes,
            bonus,
            bonus_cap: spec.bonus.cap,
            deduction,
            deduction_cap: spec.deduction.cap,
            min_coverage: spec.missing.min_coverage,
            score_decimals: spec.score_decimals,
        };
        Ok(Plan {
            weights,
            ahp_consistency,
            veto_reasons: spec.vetoes.iter().map(|v| v.reason.clone()).collect(),
            bonus_reasons: spec.bonus.rules.iter().map(|r| r.reason.clone()).collect(),
            deduction_reasons: spec
                .deduction
                .rules
                .iter()
                .map(|r| r.reason.clone())
                .collect(),
            grade_adjustments,
            peer_group,
            eligible,
            scheme,
            scripts,
            indicators,
            adjustments,
            references,
            intermediates: resolution,
        })
    }

    /// The intermediate stages split around the peer groups of `peer_groups.formula`: those
    /// that need no peer group, then those that do (a `let` using a group_… statistic, directly
    /// or through another `let`), which run once the peer-group column is made. Without a
    /// peer-group formula every stage comes first (the peer groups are a data column).
    pub fn intermediates_around_peer_groups(&self) -> (Vec<Vec<Expr>>, Vec<Vec<Expr>>) {
        if self.peer_group.is_none() {
            return (self.intermediates.stages.clone(), Vec::new());
        }
        split_by_peer_groups(&self.intermediates.stages)
    }

    /// The stages computing shared intermediates, applied to `frame` (the loaded data): what
    /// every planned expression may read besides the data.
    pub fn with_intermediates(&self, frame: LazyFrame) -> LazyFrame {
        self.intermediates
            .stages
            .iter()
            .fold(frame, |frame, stage| frame.with_columns(stage.clone()))
    }
}

/// Whether `expr` reads the peer-group column or one of `columns`.
fn reads_any(expr: &Expr, columns: &std::collections::HashSet<String>) -> bool {
    expr.into_iter().any(|node| match node {
        Expr::Column(name) => {
            name.as_str() == crate::columns::PEER_GROUP_COLUMN || columns.contains(name.as_str())
        }
        _ => false,
    })
}

/// [`Plan::intermediates_around_peer_groups`]: stages whose expressions need no peer group
/// (read only the data and earlier such expressions), then the others, each in their order.
fn split_by_peer_groups(stages: &[Vec<Expr>]) -> (Vec<Vec<Expr>>, Vec<Vec<Expr>>) {
    let mut needing: std::collections::HashSet<String> = Default::default();
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for stage in stages {
        let (mut free, mut bound) = (Vec::new(), Vec::new());
        for expr in stage {
            if reads_any(expr, &needing) {
                if let Expr::Alias(_, name) = expr {
                    needing.insert(name.to_string());
                }
                bound.push(expr.clone());
            } else {
                free.push(expr.clone());
            }
        }
        if !free.is_empty() {
            before.push(free);
        }
        if !bound.is_empty() {
            after.push(bound);
        }
    }
    (before, after)
}

/// Refuses the binding `name` when its formula is not of the kind its role needs: an indicator's
/// value and a rule's points are numbers, a veto's `when:` is a condition. The error points at
/// `let name` and says what was found and what was expected.
fn expect_kind(
    scripts: &ScriptSet,
    name: &str,
    formula: &Formula,
    expected: Kind,
    what: &str,
) -> Result<()> {
    if formula.kind.fits(expected) {
        return Ok(());
    }
    let found = formula.kind.described();
    let (needs, help) = match (expected, formula.kind) {
        (Kind::Condition, Kind::Number) => (
            "a condition",
            format!("bind a condition, such as `let … = {name} > 5;`, and name it in `when:`"),
        ),
        (Kind::Condition, _) => (
            "a condition",
            format!("bind a condition, such as `{name} == \"A\"`, and name it in `when:`"),
        ),
        (_, Kind::Condition) => (
            "a number",
            format!("score the condition as 1/0 with `let {name} = one_if(…);`, or choose the values with if_else(condition, a, b)"),
        ),
        _ => (
            "a number",
            "turn labels into numbers with levels(\"column\", #{…}) or if_else(g == \"A\", 100, 60)".to_string(),
        ),
    };
    let role = match expected {
        Kind::Condition => "a veto needs",
        _ if what.starts_with("indicator") => "an indicator's value must be",
        _ => "points must be",
    };
    let example = match expected {
        Kind::Condition if formula.kind == Kind::Number => format!(" such as `{name} > 5`"),
        _ => String::new(),
    };
    Err(Error::Script {
        message: format!("{what}: {name} is {found}; {role} {needs}{example}"),
        span: scripts.binding_span(name),
        help: Some(help),
    })
}
