//! The checks of a scheme: everything that can be checked without data. Ids are unique, the
//! dimension tree is declared and weighted, weights are non-negative numbers, scoring methods and
//! outlier treatments agree with the indicator's direction, the point-based assessment names
//! indicators with values, and grade bands are complete and in order. Every problem is reported
//! (with where it is in `scheme.yaml`), not just the first.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    DimensionSpec, Direction, GradeBand, GradeBy, GradeSpec, Impute, MissingPolicy, PointsRuleKind,
    PointsSpec, Reference, Scheme, Scoring, TotalMethod, Treat, WeightMethod, MAX_SCORE_DECIMALS,
};
use crate::error::{Error, Result};

impl Scheme {
    fn indicator_anchor(id: &str) -> String {
        format!("id: {id}")
    }

    pub(super) fn validate(&mut self) -> Result<()> {
        let mut errors = Vec::new();
        let spec = &self.spec;

        // Ids must be unique across the whole tree: they name output columns.
        let mut seen = BTreeSet::new();
        let all_ids = spec
            .dimensions
            .iter()
            .flat_map(|d| std::iter::once(&d.id).chain(d.subdimensions.iter().map(|s| &s.id)))
            .chain(self.all_indicators().into_iter().map(|i| &i.id));
        for id in all_ids {
            if !seen.insert(id.as_str()) {
                errors.push(Error::invalid(
                    format!("id \"{id}\" is used twice; dimension, sub-dimension and indicator ids name output columns and must be unique"),
                    self.span(&format!("id: {id}"), Some(&format!("id: {id}\n"))),
                ));
            }
        }
        // Ids name columns of the output and of the frame the stages run on: none may be a
        // column jixiao writes itself, nor a column of the data.
        let ids: Vec<&str> = spec
            .dimensions
            .iter()
            .flat_map(|d| std::iter::once(&d.id).chain(d.subdimensions.iter().map(|s| &s.id)))
            .chain(self.all_indicators().into_iter().map(|i| &i.id))
            .map(String::as_str)
            .collect();
        for id in &ids {
            if let Some(clash) = name_clash(id, &ids, &spec.columns) {
                errors.push(
                    Error::invalid(
                        format!("id \"{id}\" clashes with {clash}"),
                        self.span(&format!("id: {id}"), Some("dimensions:")),
                    )
                    .with_help("rename the id: ids name the columns of the output, so each must be a name of its own"),
                );
            }
        }
        if spec.indicators.is_empty() {
            errors.push(Error::invalid("the scheme has no indicators", None));
        }
        if spec.score_decimals > MAX_SCORE_DECIMALS {
            errors.push(
                Error::invalid(
                    format!(
                        "score_decimals: {} asks for more decimals than a 64-bit float holds; they would be noise, not the score",
                        spec.score_decimals
                    ),
                    self.span("score_decimals:", None),
                )
                .with_help(format!("use at most {MAX_SCORE_DECIMALS}; the score is rounded to score_decimals (ranks and grades use it as rounded), and Parquet and JSON output carry every other number whole")),
            );
        }

        // An alias stands for one column: never for two, never for a name the scheme uses itself.
        let mut alias_of: BTreeMap<&str, &str> = BTreeMap::new();
        for (column, aliases) in &spec.columns.aliases {
            for alias in aliases {
                let anchor = Some("aliases:");
                if alias == column || spec.columns.aliases.contains_key(alias) {
                    errors.push(Error::invalid(
                        format!("\"{alias}\" is listed as an alias of \"{column}\", but the scheme uses it as a column name itself"),
                        self.span(alias, anchor),
                    ));
                } else if let Some(first) = alias_of.insert(alias, column) {
                    errors.push(Error::invalid(
                        format!("\"{alias}\" is listed as an alias of both \"{first}\" and \"{column}\"; an alias must stand for one column"),
                        self.span(alias, anchor),
                    ));
                }
            }
        }

        let dims: BTreeMap<&str, &DimensionSpec> =
            spec.dimensions.iter().map(|d| (d.id.as_str(), d)).collect();
        for dim in &spec.dimensions {
            check_weight(
                self,
                &mut errors,
                &dim.id,
                dim.weight,
                &format!("dimension \"{}\"", dim.id),
            );
            for sub in &dim.subdimensions {
                check_weight(
                    self,
                    &mut errors,
                    &sub.id,
                    sub.weight,
                    &format!("sub-dimension \"{}\"", sub.id),
                );
            }
        }
        check_level_normalisations(self, &mut errors);
        for adjustment in &spec.grade_adjustments {
            let Some(lowest) = &adjustment.lowest else {
                continue;
            };
            let at = |needle: &str| self.span(needle, Some("grade_adjustments:"));
            if !ids.contains(&lowest.node.as_str()) {
                errors.push(
                    Error::invalid(
                        format!("grade adjustment \"{}\" ranks the score of \"{}\", which is no dimension, sub-dimension or indicator", adjustment.reason, lowest.node),
                        at(&format!("node: {}", lowest.node)),
                    )
                    .with_help(suggest_among(&lowest.node, ids.iter().copied(), "ids")),
                );
            }
            if !(lowest.share > 0.0 && lowest.share < 1.0) {
                errors.push(Error::invalid(
                    format!("grade adjustment \"{}\": lowest share must lie between 0 and 1 (0.25 = the lowest quarter), not {}", adjustment.reason, lowest.share),
                    at("share:"),
                ));
            }
        }

        for ind in &spec.indicators {
            let anchor_text = Self::indicator_anchor(&ind.id);
            let anchor = Some(anchor_text.as_str());
            match dims.get(ind.dimension.as_str()) {
                None => errors.push(
                    Error::invalid(
                        format!("indicator {} names dimension \"{}\", which is not declared", ind.id, ind.dimension),
                        self.span(&format!("dimension: {}", ind.dimension), anchor),
                    )
                    .with_help(suggest_among(&ind.dimension, dims.keys().copied(), "dimensions")),
                ),
                Some(dim) => match (&ind.subdimension, dim.subdimensions.is_empty()) {
                    (None, false) => errors.push(
                        Error::invalid(
                            format!("indicator {} must name a subdimension: dimension \"{}\" is split into sub-dimensions", ind.id, dim.id),
                            self.span(&anchor_text, None),
                        )
                        .with_help(suggest_among("", dim.subdimensions.iter().map(|s| s.id.as_str()), "sub-dimensions")),
                    ),
                    (Some(sub), _) if !dim.subdimensions.iter().any(|s| &s.id == sub) => errors.push(
                        Error::invalid(
                            format!("indicator {} names sub-dimension \"{sub}\", which dimension \"{}\" does not declare", ind.id, dim.id),
                            self.span(&format!("subdimension: {sub}"), anchor),
                        )
                        .with_help(suggest_among(sub, dim.subdimensions.iter().map(|s| s.id.as_str()), "sub-dimensions")),
                    ),
                    _ => {}
                },
            }

            let scored = self.is_scored(ind);
            match (scored, ind.weight) {
                (true, None) => errors.push(
                    Error::invalid(
                        format!("indicator {} has no weight", ind.id),
                        self.span(&anchor_text, None),
                    )
                    .with_help(if ind.direction == Direction::Monitor {
                        "monitor.score is on, so 监测比较 indicators are scored and need `weight: N` too"
                    } else {
                        "add `weight: N`; weights are relative within their sub-dimension"
                    }),
                ),
                (_, Some(w)) => check_weight(self, &mut errors, &ind.id, w, &format!("indicator {}", ind.id)),
                (false, None) => {}
            }
        }

        for ind in self.all_indicators() {
            let anchor_text = Self::indicator_anchor(&ind.id);
            let anchor = Some(anchor_text.as_str());
            if ind.parent.is_some() {
                if let Some(w) = ind.weight {
                    check_weight(self, &mut errors, &ind.id, w, &format!("part {}", ind.id));
                }
            }
            if ind.is_composite() && ind.formula.is_some() {
                errors.push(
                    Error::invalid(
                        format!("indicator {} has parts, so it has no formula of its own: its score is the weighted mean of its parts' scores", ind.id),
                        self.span("formula:", anchor),
                    )
                    .with_help("remove `formula`, or give each part its formula"),
                );
            }
            match (ind.direction, ind.band) {
                (Direction::Band, None) => errors.push(Error::invalid(
                    format!(
                        "indicator {} has direction band but no `band: [low, high]`",
                        ind.id
                    ),
                    self.span("direction: band", anchor),
                )),
                (Direction::Band, Some([lo, hi]))
                    if !(lo.is_finite() && hi.is_finite() && lo <= hi) =>
                {
                    errors.push(Error::invalid(
                        format!(
                            "band of indicator {} must be [low, high] with low <= high",
                            ind.id
                        ),
                        self.span("band:", anchor),
                    ))
                }
                (Direction::Band, Some(_)) | (_, None) => {}
                (_, Some(_)) => errors.push(
                    Error::invalid(
                        format!(
                            "indicator {} has a band but its direction is not band",
                            ind.id
                        ),
                        self.span("band:", anchor),
                    )
                    .with_help("use `direction: band` for an optimal range (中优)"),
                ),
            }
            // Checked whether or not monitor scoring is on, so switching it on never breaks a scheme.
            if ind.is_composite() {
                continue;
            }
            if let Err(message) = check_scoring(&self.scoring_of(ind), ind.direction) {
                errors.push(Error::invalid(
                    format!("indicator {}: {message}", ind.id),
                    self.span("scoring:", anchor)
                        .or_else(|| self.span("default_scoring:", None))
                        .or_else(|| self.span("monitor:", None)),
                ));
            }
            if let Some(treat) = &ind.treat {
                if let Err(message) = check_treat(treat, &self.scoring_of(ind), ind.direction) {
                    errors.push(Error::invalid(
                        format!("indicator {}: treat: {message}", ind.id),
                        self.span("treat:", anchor),
                    ));
                }
            }
            if spec.missing.policy == MissingPolicy::Zero
                && ind.missing == Some(Impute::Renormalise)
            {
                errors.push(
                    Error::invalid(
                        format!("indicator {}: missing values cannot be renormalised away when missing.policy is zero", ind.id),
                        self.span("missing:", anchor),
                    )
                    .with_help("use `missing: {method: zero}` (what policy zero does anyway), or missing.policy: renormalise"),
                );
            }
        }

        // Every declared node needs something to score, or its weight cannot be used.
        for dim in &spec.dimensions {
            let scored = |sub: Option<&str>| {
                spec.indicators.iter().any(|i| {
                    self.is_scorable(i)
                        && i.dimension == dim.id
                        && (sub.is_none() || i.subdimension.as_deref() == sub)
                        && i.weight.unwrap_or(0.0) > 0.0
                })
            };
            // With sub-dimensions, only those with a positive weight carry the dimension's weight.
            let carried = if dim.subdimensions.is_empty() {
                scored(None)
            } else {
                dim.subdimensions
                    .iter()
                    .any(|sub| sub.weight > 0.0 && scored(Some(&sub.id)))
            };
            if dim.weight > 0.0 && !carried {
                errors.push(
                    Error::invalid(
                        format!("weight of dimension \"{}\" cannot be used: it has no scored indicator with a positive weight", dim.id),
                        self.span(&format!("id: {}", dim.id), None),
                    )
                    .with_help("give it a weighted indicator, or set its weight to 0 if it only holds monitor indicators"),
                );
                continue;
            }
            for sub in &dim.subdimensions {
                if sub.weight > 0.0 && !scored(Some(&sub.id)) {
                    errors.push(Error::invalid(
                        format!("weight of sub-dimension \"{}\" cannot be used: it has no scored indicator with a positive weight", sub.id),
                        self.span(&format!("id: {}", sub.id), None),
                    ));
                }
            }
        }
        if spec.dimensions.iter().all(|d| d.weight <= 0.0) && !spec.dimensions.is_empty() {
            errors.push(Error::invalid(
                "all dimension weights are zero: nothing can be scored",
                self.span("dimensions:", None),
            ));
        }
        let total: f64 = spec.dimensions.iter().map(|d| d.weight).sum();
        if total > 0.0 && (total - 100.0).abs() > 1e-9 && (total - 1.0).abs() > 1e-9 {
            self.warnings
                .push(crate::message::Warning::DimensionWeightsSum { total });
        }

        if spec.missing.policy == MissingPolicy::Zero
            && spec.missing.impute == Some(Impute::Renormalise)
        {
            errors.push(Error::invalid(
                "missing.impute cannot be renormalise when missing.policy is zero",
                self.span("impute:", None),
            ));
        }
        if !(0.0..=1.0).contains(&spec.missing.min_coverage) {
            errors.push(Error::invalid(
                format!(
                    "missing.min_coverage must be between 0 and 1, not {}",
                    spec.missing.min_coverage
                ),
                self.span("min_coverage:", None),
            ));
        }
        for rule in spec.bonus.rules.iter().chain(&spec.deduction.rules) {
            if rule.cap.is_some_and(|c| c.is_nan() || c < 0.0) {
                errors.push(Error::invalid(
                    format!("cap of \"{}\" must be a non-negative number", rule.points),
                    self.span("cap:", Some(&rule.points)),
                ));
            }
        }
        let weighting = &spec.weighting;
        let weighting_key = |key: &str, method: WeightMethod, given: bool| {
            (given != (weighting.method == method)).then(|| {
                Error::invalid(
                    if given {
                        format!(
                            "weighting.{key} is used only with method {method:?}, not {:?}",
                            weighting.method
                        )
                    } else {
                        format!("weighting.method {method:?} needs `{key}`")
                    }
                    .to_lowercase(),
                    self.span("weighting:", None),
                )
            })
        };
        errors.extend(weighting_key(
            "function",
            WeightMethod::Formula,
            weighting.function.is_some(),
        ));
        errors.extend(weighting_key(
            "matrices",
            WeightMethod::Ahp,
            !weighting.matrices.is_empty(),
        ));
        if weighting.ahp_method.is_some() && weighting.method != WeightMethod::Ahp {
            errors.push(Error::invalid(
                "weighting.ahp_method is used only with method ahp",
                self.span("ahp_method:", Some("weighting:")),
            ));
        }
        if let Some(TotalMethod::Vikor { v, .. }) = spec.aggregation.total {
            if !(0.0..=1.0).contains(&v) {
                errors.push(Error::invalid(
                    format!("aggregation.total: VIKOR's v must be between 0 and 1, not {v}"),
                    self.span("v:", Some("aggregation:")),
                ));
            }
        }
        if let Some(points) = &spec.points {
            self.check_points(points, &mut errors);
        }
        if let Some(grades) = &spec.grades {
            if let Err(message) = check_grades(grades) {
                errors.push(Error::invalid(
                    format!("grades: {message}"),
                    self.span("grades:", None),
                ));
            }
        }
        if spec.missing.policy == MissingPolicy::Zero
            && (spec.include.is_some() || spec.indicators.iter().any(|i| i.include.is_some()))
        {
            errors.push(Error::invalid(
                "include: dropping an indicator hands its weight to its siblings, which needs `missing.policy: renormalise` (under `zero` a dropped indicator would score 0 everywhere)",
                self.span("include:", None),
            ));
        }
        if let Some(groups) = &spec.peer_groups {
            let problem = if spec.columns.peer_group.is_some() {
                Some("peer groups come from either a data column (columns.peer_group) or a formula (peer_groups.formula), not both".to_string())
            } else if self.all_indicators().iter().any(|i| i.id == groups.formula)
                || spec.dimensions.iter().any(|d| d.id == groups.formula)
            {
                Some(format!("peer_groups.formula \"{}\" is also an indicator or dimension id; the output column of the peer group is named by the formula, so give it a name of its own", groups.formula))
            } else {
                None
            };
            if let Some(message) = problem {
                errors.push(Error::invalid(message, self.span("peer_groups:", None)));
            }
        }
        for adjustment in &spec.grade_adjustments {
            let problem = match (&spec.grades, adjustment.steps()) {
                (None, _) => Some(format!(
                    "grade adjustment \"{}\" needs `grades:` to adjust",
                    adjustment.reason
                )),
                (_, Err(message)) => Some(message),
                _ => None,
            };
            if let Some(message) = problem {
                errors.push(Error::invalid(
                    format!("grade_adjustments: {message}"),
                    self.span(&adjustment.reason, Some("grade_adjustments:")),
                ));
            }
        }
        if let Some(improvement) = &spec.improvement {
            let problem = match (improvement.top, improvement.min_change) {
                (None, None) => Some("improvement: name the award rule: `top: k` (the first k of each group) or `min_change: x` (a change of at least x)"),
                (Some(_), Some(_)) => Some("improvement: give `top` or `min_change`, not both"),
                (Some(0), None) => Some("improvement: `top` must be at least 1"),
                (None, Some(x)) if !x.is_finite() => Some("improvement: `min_change` must be a number"),
                _ => None,
            };
            if let Some(message) = problem {
                errors.push(Error::invalid(message, self.span("improvement:", None)));
            }
        }
        if spec.ranking.min_group_size == 0 {
            errors.push(Error::invalid(
                "ranking: min_group_size must be at least 1",
                self.span("min_group_size:", Some("ranking:")),
            ));
        }

        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.pop().unwrap()),
            _ => Err(Error::Many(errors)),
        }
    }
}

impl Scheme {
    /// Checks the point-based assessment: items, budgets, rules naming indicators with values.
    fn check_points(&self, points: &PointsSpec, errors: &mut Vec<Error>) {
        let invalid = |message: String, needle: &str, anchor: Option<&str>| {
            Error::invalid(
                format!("points: {message}"),
                self.span(needle, anchor.or(Some("points:"))),
            )
        };
        if !(points.correction_threshold > 0.0 && points.correction_threshold <= 1.0) {
            errors.push(invalid(
                format!(
                    "correction_threshold must be a coefficient in (0, 1], not {}",
                    points.correction_threshold
                ),
                "correction_threshold:",
                None,
            ));
        }
        if points.coefficient_decimals > 9 || points.money_decimals > 4 {
            errors.push(invalid(
                "coefficient_decimals must be at most 9 and money_decimals at most 4".into(),
                "decimals:",
                None,
            ));
        }
        if points.items.is_empty() {
            errors.push(invalid("no items".into(), "items:", None));
        }
        let leaves: Vec<&str> = self.leaves().iter().map(|i| i.id.as_str()).collect();
        let mut seen = BTreeSet::new();
        for item in &points.items {
            let anchor = format!("id: {}", item.id);
            if !seen.insert(item.id.as_str()) {
                errors.push(invalid(
                    format!("item id \"{}\" is used twice", item.id),
                    &anchor,
                    None,
                ));
            }
            if !(item.budget.is_finite() && (0.0..=MAX_BUDGET).contains(&item.budget)) {
                errors.push(invalid(
                    format!(
                        "budget of item {} must be an amount from 0 to {MAX_BUDGET}, not {}",
                        item.id, item.budget
                    ),
                    "budget:",
                    Some(&anchor),
                ));
            }
            if item.rules.is_empty() {
                errors.push(invalid(
                    format!("item {} has no rules", item.id),
                    &anchor,
                    None,
                ));
            }
            for rule in &item.rules {
                let here = format!("indicator: {}", rule.indicator);
                if !leaves.contains(&rule.indicator.as_str()) {
                    errors.push(
                        Error::invalid(
                            format!(
                                "points: a rule of item {} names indicator \"{}\", which has no value column",
                                item.id, rule.indicator
                            ),
                            self.span(&here, Some(&anchor)),
                        )
                        .with_help(
                            match crate::error::closest(&rule.indicator, leaves.iter().copied()) {
                                Some(best) => format!("did you mean \"{best}\"? rules read indicators and parts that have a formula"),
                                None => "rules read indicators and parts that have a formula".into(),
                            },
                        ),
                    );
                    continue;
                }
                if !(rule.points.is_finite() && rule.points > 0.0) {
                    errors.push(Error::invalid(
                        format!(
                            "points: the rule on {} must be worth a positive number of points",
                            rule.indicator
                        ),
                        self.span(&here, Some(&anchor)),
                    ));
                }
                let needs_target =
                    matches!(rule.rule, PointsRuleKind::AtLeast | PointsRuleKind::AtMost);
                match (needs_target, rule.target) {
                    (true, None) => errors.push(Error::invalid(
                        format!(
                            "points: the rule on {} compares with a target but has no `target`",
                            rule.indicator
                        ),
                        self.span(&here, Some(&anchor)),
                    )),
                    (true, Some(t)) if !(t.is_finite() && t > 0.0) => errors.push(Error::invalid(
                        format!(
                            "points: the target of the rule on {} must be positive, not {t}",
                            rule.indicator
                        ),
                        self.span(&here, Some(&anchor)),
                    )),
                    (false, Some(_)) => errors.push(
                        Error::invalid(
                            format!(
                                "points: the rule on {} is yes/no and takes no `target`",
                                rule.indicator
                            ),
                            self.span(&here, Some(&anchor)),
                        )
                        .with_help("use rule: at_least or at_most to compare with a target"),
                    ),
                    _ => {}
                }
            }
        }
    }
}

/// Largest weight a node may have: weights are relative, and with this cap no sum of them can
/// overflow to infinity.
pub const MAX_WEIGHT: f64 = 1e9;

/// Largest budget of a point-based item: money sums of at most this stay exact to the 分.
pub const MAX_BUDGET: f64 = 1e13;

fn check_weight(scheme: &Scheme, errors: &mut Vec<Error>, id: &str, weight: f64, what: &str) {
    if !weight.is_finite() || weight < 0.0 {
        errors.push(Error::invalid(
            format!("weight of {what} cannot be used: {weight} is not a non-negative number"),
            scheme.span("weight:", Some(&format!("id: {id}"))),
        ));
    } else if weight > MAX_WEIGHT {
        errors.push(Error::invalid(
            format!("weight of {what} cannot be used: {weight} is more than {MAX_WEIGHT}; weights are relative, so smaller numbers in the same proportions give the same scores"),
            scheme.span("weight:", Some(&format!("id: {id}"))),
        ));
    }
}

fn suggest_among<'a>(name: &str, options: impl Iterator<Item = &'a str>, what: &str) -> String {
    let options: Vec<&str> = options.collect();
    match crate::error::closest(name, options.iter().copied()) {
        Some(best) if !name.is_empty() => format!(
            "did you mean \"{best}\"? declared {what}: {}",
            options.join(", ")
        ),
        _ => format!("declared {what}: {}", options.join(", ")),
    }
}

/// Which scoring methods make sense for which direction.
pub(crate) fn check_scoring(scoring: &Scoring, direction: Direction) -> Result<(), String> {
    // Goalposts and efficacy values name their own good end, optimal its best point, the median
    // distance and custom functions need none.
    let needs_better_end = match scoring {
        Scoring::MedianDistance { .. }
        | Scoring::Goalposts { .. }
        | Scoring::Custom { .. }
        | Scoring::Optimal { .. } => false,
        Scoring::Efficacy {
            satisfactory,
            unacceptable,
            ..
        } => satisfactory.value().is_none() || unacceptable.value().is_none(),
        _ => true,
    };
    if direction == Direction::Monitor && needs_better_end {
        return Err("a 监测比较 (monitor) indicator has no better end: score it with median_distance, optimal, goalposts, efficacy between two numbers or a custom function, or give it a direction".into());
    }
    let in_value_units = matches!(
        scoring,
        Scoring::DistanceToTarget { .. } | Scoring::Efficacy { .. } | Scoring::Index { .. }
    );
    if direction == Direction::Band && in_value_units {
        return Err("this method compares values with a target or standard and needs direction up or down, not band (score 中优 with min_max or optimal)".into());
    }
    match scoring {
        Scoring::DistanceToTarget { target, .. } if !target.is_finite() => {
            return Err(format!("target must be a finite number, not {target}"));
        }
        Scoring::Optimal { at, .. } => match (direction, at) {
            (Direction::Band, Some(_)) => {
                return Err("optimal with direction band scores the distance from the band: remove `at`, or use direction monitor with `at`".into())
            }
            (Direction::Monitor, None) => {
                return Err("optimal needs the best value `at: M` (or direction band with a band)".into())
            }
            (Direction::Up | Direction::Down | Direction::Improve, _) => {
                return Err("optimal scores closeness to a best value, so the indicator has no better end: give it direction monitor (with `at: M`) or band".into())
            }
            (_, Some(at)) if !at.is_finite() => {
                return Err(format!("optimal `at` must be a finite number, not {at}"))
            }
            _ => {}
        },
        Scoring::Efficacy {
            satisfactory,
            unacceptable,
            ..
        } => {
            if satisfactory == unacceptable {
                return Err("efficacy needs different satisfactory and unacceptable values".into());
            }
            if let (Some(good), Some(bad)) = (satisfactory.value(), unacceptable.value()) {
                if !good.is_finite() || !bad.is_finite() {
                    return Err("efficacy values must be finite numbers".into());
                }
                match direction {
                    Direction::Up | Direction::Improve if good < bad => {
                        return Err(format!("direction is up but satisfactory ({good}) is below unacceptable ({bad})"))
                    }
                    Direction::Down if good > bad => {
                        return Err(format!("direction is down but satisfactory ({good}) is above unacceptable ({bad})"))
                    }
                    _ => {}
                }
            }
            let wrong_way = match direction {
                Direction::Up | Direction::Improve => {
                    *satisfactory == Reference::Min || *unacceptable == Reference::Max
                }
                Direction::Down => *satisfactory == Reference::Max || *unacceptable == Reference::Min,
                _ => false,
            };
            if wrong_way {
                return Err("satisfactory must be the better end for the indicator's direction (up: satisfactory max, unacceptable min; down: the reverse)".into());
            }
        }
        Scoring::Index { standard, .. } => {
            if let Some(v) = standard.value() {
                if !(v > 0.0 && v.is_finite()) {
                    return Err(format!("the index standard must be a positive number, not {v}"));
                }
            }
        }
        _ => {}
    }
    match scoring {
        Scoring::Target { target } => {
            if direction == Direction::Band {
                return Err("target attainment needs direction up or down, not band".into());
            }
            if !(*target > 0.0 && target.is_finite()) {
                return Err(format!("target must be a positive number, not {target}"));
            }
        }
        Scoring::Goalposts { zero_at, full_at } => {
            if zero_at == full_at || !zero_at.is_finite() || !full_at.is_finite() {
                return Err(
                    "goalposts need two different finite values zero_at and full_at".into(),
                );
            }
            match direction {
                Direction::Up | Direction::Improve if full_at < zero_at => {
                    return Err(format!(
                        "direction is up but full_at ({full_at}) is below zero_at ({zero_at})"
                    ))
                }
                Direction::Down if full_at > zero_at => {
                    return Err(format!(
                        "direction is down but full_at ({full_at}) is above zero_at ({zero_at})"
                    ))
                }
                Direction::Band => {
                    return Err("goalposts need direction up or down, not band".into())
                }
                _ => {}
            }
        }
        Scoring::Threshold {
            threshold,
            otherwise,
        } => {
            if direction == Direction::Band {
                return Err("threshold scoring needs direction up or down, not band".into());
            }
            if !threshold.is_finite() || !(0.0..=100.0).contains(otherwise) {
                return Err(
                    "threshold must be finite and `otherwise` a score between 0 and 100".into(),
                );
            }
        }
        Scoring::ZScore { sd, .. } if !sd.is_finite() || *sd <= 0.0 => {
            return Err(format!("z_score sd must be a positive number, not {sd}"));
        }
        Scoring::ZScore { mean, .. } if !mean.is_finite() => {
            return Err(format!("z_score mean must be a number, not {mean}"));
        }
        _ => {}
    }
    Ok(())
}

/// Whether an outlier treatment's parameters make sense, and with the indicator's method.
pub(crate) fn check_treat(
    treat: &Treat,
    scoring: &Scoring,
    direction: Direction,
) -> Result<(), String> {
    match *treat {
        Treat::Winsorise {
            max_points,
            skew,
            kurtosis,
            log,
            ..
        } => {
            if max_points == 0 {
                return Err("max_points must be at least 1".into());
            }
            if !(skew > 0.0 && skew.is_finite() && kurtosis.is_finite()) {
                return Err("skew must be a positive number and kurtosis a finite one".into());
            }
            // A log scale would make fixed targets, goalposts and standards meaningless.
            let fixed_values = matches!(
                scoring,
                Scoring::Target { .. }
                    | Scoring::Goalposts { .. }
                    | Scoring::Threshold { .. }
                    | Scoring::DistanceToTarget { .. }
                    | Scoring::Optimal { at: Some(_), .. }
            ) || matches!(scoring, Scoring::Efficacy { satisfactory, unacceptable, .. }
                if satisfactory.value().is_some() || unacceptable.value().is_some())
                || matches!(
                    scoring,
                    Scoring::Index {
                        standard: Reference::Value(_),
                        ..
                    }
                );
            if log && (fixed_values || direction == Direction::Band) {
                return Err("log: true puts values on a log scale, where the method's fixed values (target, goalposts, band …) no longer apply; score with a relative method (min_max, percentile_rank, z_score …) or drop `log`".into());
            }
        }
        Treat::ClipQuantiles { low, high, .. } => {
            if !(0.0 <= low && low < high && high <= 1.0) {
                return Err(format!(
                    "clip_quantiles needs 0 <= low < high <= 1, not low {low}, high {high}"
                ));
            }
        }
    }
    Ok(())
}

/// Checks a `grades:` section; the message names the band at fault.
pub fn check_grades(grades: &GradeSpec) -> Result<(), String> {
    let Some((last, bands)) = grades.bands.split_last() else {
        return Err("at least one band is needed".into());
    };
    let bounds = |band: &GradeBand| {
        [
            ("min", band.min),
            ("top", band.top),
            ("above_sd", band.above_sd),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| (name, v)))
        .collect::<Vec<_>>()
    };
    if !bounds(last).is_empty() {
        return Err(format!(
            "the last band (\"{}\") takes everyone left and must have no bound",
            last.grade
        ));
    }
    if grades.algorithm.is_some() && grades.by != GradeBy::Kmeans {
        return Err("`algorithm` is only for `by: kmeans`".into());
    }
    if grades.rounding.is_some() && grades.by != GradeBy::RankShare {
        return Err("`rounding` is only for `by: rank_share`".into());
    }
    let (key, method) = match grades.by {
        GradeBy::Score => ("min", "score"),
        GradeBy::RankShare => ("top", "rank_share"),
        GradeBy::MeanSd => ("above_sd", "mean_sd"),
        GradeBy::Kmeans | GradeBy::RsrProbit => {
            if let Some(band) = grades.bands.iter().find(|b| !bounds(b).is_empty()) {
                return Err(format!(
                    "band \"{}\": bands of `by: {}` take no bound (the data place them); \
                     list the grades best first",
                    band.grade,
                    if grades.by == GradeBy::Kmeans {
                        "kmeans"
                    } else {
                        "rsr_probit"
                    }
                ));
            }
            return Ok(());
        }
    };
    let mut previous: Option<f64> = None;
    for band in bands {
        let bound = match bounds(band).as_slice() {
            [(name, value)] if *name == key => *value,
            _ => {
                return Err(format!(
                    "band \"{}\": with `by: {method}` every band but the last needs `{key}`",
                    band.grade
                ))
            }
        };
        if !bound.is_finite() {
            return Err(format!(
                "band \"{}\": {key} must be a number, not {bound}",
                band.grade
            ));
        }
        if grades.by == GradeBy::RankShare && !(bound > 0.0 && bound <= 1.0) {
            return Err(format!(
                "band \"{}\": top must be a share in (0, 1], not {bound}",
                band.grade
            ));
        }
        if let Some(prev) = previous {
            let ordered = match grades.by {
                GradeBy::RankShare => bound > prev,
                _ => bound < prev,
            };
            if !ordered {
                return Err(format!(
                    "band \"{}\" is out of order: list bands from best to worst",
                    band.grade
                ));
            }
        }
        previous = Some(bound);
    }
    Ok(())
}

/// What the dimension, sub-dimension or indicator id `id` would collide with, if anything: an
/// output column (`score`, `rank` …), a generated column of another node (`A.score`), an internal
/// column (`__row`, `x@prev`), or a data column the scheme names (id, name, peer group).
pub(crate) fn name_clash(id: &str, ids: &[&str], columns: &super::Columns) -> Option<String> {
    use crate::columns::*;
    let output = [
        SCORE_COLUMN,
        RANK_COLUMN,
        GROUP_RANK_COLUMN,
        GRADE_COLUMN,
        FLAGS_COLUMN,
        WEIGHTED_COLUMN,
        COVERAGE_COLUMN,
        BONUS_COLUMN,
        DEDUCTION_COLUMN,
        MONEY_COLUMN,
    ];
    if output.contains(&id) {
        return Some(format!("the output column `{id}` that jixiao writes"));
    }
    if id.starts_with("__") {
        return Some("jixiao's internal columns (names starting with `__`)".to_string());
    }
    if id.contains(PREVIOUS_SUFFIX) {
        return Some(format!(
            "the previous period's columns (`{PREVIOUS_SUFFIX}` marks them)"
        ));
    }
    type NameOf = fn(&str) -> String;
    let generated: [(&str, NameOf); 6] = [
        ("score", score_column),
        ("treated", treated_column),
        ("display", display_column_name),
        ("coefficient", coefficient_column),
        ("corrected_points", corrected_column),
        ("money", money_column),
    ];
    for (what, name_of) in generated {
        let suffix = name_of("");
        if let Some(owner) = id.strip_suffix(suffix.as_str()) {
            return Some(if ids.contains(&owner) {
                format!("the {what} column of \"{owner}\", `{id}`, that jixiao writes")
            } else {
                format!("the names jixiao gives its generated columns (`<id>{suffix}`)")
            });
        }
    }
    if id == columns.id {
        return Some(format!("the id column \"{id}\" of the data (columns.id)"));
    }
    if columns.name.as_deref() == Some(id) {
        return Some(format!(
            "the name column \"{id}\" of the data (columns.name)"
        ));
    }
    if columns.peer_group.as_deref() == Some(id) {
        return Some(format!(
            "the peer-group column \"{id}\" of the data (columns.peer_group)"
        ));
    }
    None
}

/// `normalise:` on dimensions and sub-dimensions: numbers that make sense, and `over: eligible`
/// only where `eligible:` says who is rated.
fn check_level_normalisations(scheme: &Scheme, errors: &mut Vec<Error>) {
    for (id, method) in scheme.level_normalisations() {
        let anchor = format!("id: {id}");
        let at = |needle: &str| scheme.span(needle, Some(&anchor));
        if let Some(problem) = method.problem() {
            errors.push(Error::invalid(
                format!("normalise: of \"{id}\": {problem}"),
                at("normalise:"),
            ));
        }
        let z_score = matches!(method, super::LevelNormalise::ZScore { .. });
        if z_score && scheme.spec.aggregation.mean != super::Mean::Arithmetic {
            errors.push(
                Error::invalid(
                    format!("normalise: of \"{id}\" gives z-scores, negative for half the institutions, and a geometric or harmonic mean (aggregation.mean) counts a negative score as 0"),
                    at("normalise:"),
                )
                .with_help("normalise with min_max (0–100), or aggregate with mean: arithmetic"),
            );
        }
        if method.over() == super::Over::Eligible && scheme.spec.eligible.is_none() {
            errors.push(
                Error::invalid(
                    format!("normalise: of \"{id}\" takes its statistics over the eligible institutions, but the scheme has no `eligible:`"),
                    at("eligible").or_else(|| at("normalise:")),
                )
                .with_help("add `eligible: {when: BINDING, reason: …}` saying who is rated, or use `over: all`"),
            );
        }
    }
}
