//! Alternative scoring methods per indicator, as an uncertain input: what the evaluator declares
//! (`methods:` in the uncertainty file, `--methods T4=min_max,percentile_rank`), the factor each
//! indicator becomes (a uniform → one of its alternatives, each with the same probability), and
//! the score column of every (indicator, alternative) computed once.
//!
//! An alternative is written as scheme.yaml writes a method — `{method: z_score, within:
//! peer_group}`, taken as written — or by its name alone (`min_max`), which takes the
//! parameters the indicator's own method in scheme.yaml gives (`within`, a `target`, goalposts,
//! …) and the method's defaults for the rest; a name whose method needs a parameter the own method
//! does not give (a target) is refused with the fix. Keys are an indicator or part id, a
//! dimension, sub-dimension or composite indicator id (every scored indicator under it), or `all`;
//! the most specific key wins. An alternative is checked as scheme.yaml's own method is
//! (direction, parameters, outlier treatment).
//!
//! Reuse, do not redo: every alternative's score column is computed once, in one query over the
//! cached indicator stage ([`Alternatives::new`], the expression built as `crate::plan` builds an
//! indicator's own: the method on the value or treated column, imputation by zero, the
//! inclusion count, non-finite as missing); a draw swaps the drawn columns into the cached score
//! matrix ([`Swap`]) and goes through the lean path like any weight draw. `tests/sensitivity.rs`
//! proves each method's swapped column and ranks equal to a pipeline run with scheme.yaml edited to
//! that method.

use std::collections::BTreeMap;

use polars::prelude::*;
use serde::Deserialize;

use crate::columns::score_column;
use crate::error::{Error, Result, SourceSpan};
use crate::pipeline::IndicatorScores;
use crate::plan::Plan;
use crate::scheme::{Impute, IndicatorSpec, Scheme, Scoring};
use crate::weight::{WeightNode, WeightTree};

use super::inputs::{Factor, Fixed};

/// One declared alternative: a method's name, or a method written in full.
#[derive(Debug, Clone, PartialEq)]
pub enum Alternative {
    /// Its parameters from the indicator's own method in scheme.yaml.
    Named(String),
    /// As written.
    Written(Scoring),
}

impl<'de> Deserialize<'de> for Alternative {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let value = serde_yaml::Value::deserialize(deserializer)?;
        match value {
            serde_yaml::Value::String(name) => Ok(Alternative::Named(name)),
            other => serde_yaml::from_value(other)
                .map(Alternative::Written)
                .map_err(|e| serde::de::Error::custom(format!("a scoring method as scheme.yaml writes it, e.g. {{method: min_max, within: peer_group}} or just min_max: {e}"))),
        }
    }
}

/// Where the methods were declared, for errors that point at them.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Declared {
    /// `--methods ID=M1,M2` flags.
    #[default]
    Flags,
    /// An uncertainty file: its path and text.
    File(std::path::PathBuf, String),
}

/// The `--methods ID=M1,M2,…` flags as declared methods (each alternative by its name).
pub fn from_flags(flags: &[String]) -> Result<BTreeMap<String, Vec<Alternative>>> {
    let mut out = BTreeMap::new();
    for flag in flags {
        let usage = |message: String| Error::Usage {
            message: format!("--methods {flag}: {message}"),
        };
        let (key, list) = flag.split_once('=').ok_or_else(|| {
            usage("expected ID=M1,M2,… (e.g. --methods T4=min_max,percentile_rank)".into())
        })?;
        let key = key.trim();
        let alternatives: Vec<Alternative> = list
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(|m| Alternative::Named(m.to_string()))
            .collect();
        if key.is_empty() || alternatives.is_empty() {
            return Err(usage(
                "expected ID=M1,M2,… (e.g. --methods T4=min_max,percentile_rank)".into(),
            ));
        }
        if out.insert(key.to_string(), alternatives).is_some() {
            return Err(usage(format!(
                "{key} is listed twice\n  = help: give each indicator's alternatives in one --methods flag"
            )));
        }
    }
    Ok(out)
}

/// The method names scheme.yaml knows, and the parameters a named alternative takes from the
/// indicator's own method when that has them.
const METHODS: &[(&str, &[&str])] = &[
    ("min_max", &["within"]),
    ("z_score", &["within", "mean", "sd"]),
    ("percentile_rank", &["within"]),
    ("target", &["target"]),
    ("goalposts", &["zero_at", "full_at"]),
    ("threshold", &["threshold", "otherwise"]),
    ("median_distance", &["within"]),
    ("custom", &["function"]),
    ("rank", &["within", "borda"]),
    ("distance_to_target", &["target", "within", "cap"]),
    ("vector", &["within"]),
    ("sum", &["within"]),
    ("reciprocal", &["within"]),
    ("optimal", &["at", "within"]),
    (
        "efficacy",
        &["satisfactory", "unacceptable", "within", "clip"],
    ),
    ("index", &["standard", "within"]),
];

/// A method as scheme.yaml writes it, on one line: `{method: min_max, within: peer_group}`.
pub fn method_text(scoring: &Scoring) -> String {
    let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::to_value(scoring) else {
        return format!("{scoring:?}");
    };
    let fields: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{}: {}", scalar(k), scalar(v)))
        .collect();
    format!("{{{}}}", fields.join(", "))
}

fn scalar(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// The method [`method_text`] wrote.
pub fn method_of(text: &str) -> std::result::Result<Scoring, String> {
    serde_yaml::from_str(text).map_err(|e| e.to_string())
}

/// The alternative named `name` for an indicator whose own method is `own`.
fn named(name: &str, own: &Scoring, id: &str) -> std::result::Result<Scoring, String> {
    let Some((_, parameters)) = METHODS.iter().find(|(m, _)| *m == name) else {
        let known: Vec<&str> = METHODS.iter().map(|(m, _)| *m).collect();
        let hint = crate::error::closest(name, known.iter().copied())
            .map(|b| format!("did you mean {b}? "))
            .unwrap_or_default();
        return Err(format!(
            "no scoring method `{name}`\n  = help: {hint}the methods: {}",
            known.join(", ")
        ));
    };
    let mut map = serde_yaml::Mapping::new();
    map.insert("method".into(), name.into());
    if let Ok(serde_yaml::Value::Mapping(own_map)) = serde_yaml::to_value(own) {
        for p in *parameters {
            if let Some(v) = own_map.get(*p) {
                map.insert((*p).into(), v.clone());
            }
        }
    }
    serde_yaml::from_value(serde_yaml::Value::Mapping(map)).map_err(|e| {
        let e = e.to_string();
        let missing = e
            .split("missing field `")
            .nth(1)
            .and_then(|r| r.split('`').next())
            .unwrap_or("a parameter");
        format!(
            "`{name}` needs `{missing}`, which the indicator's own method {} does not give\n  = help: write the alternative in full in an uncertainty file (--uncertainty FILE), e.g. methods: {{{id}: [{{method: {name}, {missing}: …}}]}}",
            method_text(own)
        )
    })
}

/// The scored leaves of `tree` under (and including) `node`.
fn leaves_of<'t>(node: &'t WeightNode, out: &mut Vec<&'t str>) {
    if node.is_leaf() {
        out.push(&node.id);
    }
    for c in &node.children {
        leaves_of(c, out);
    }
}

fn find<'t>(nodes: &'t [WeightNode], id: &str) -> Option<&'t WeightNode> {
    for n in nodes {
        if n.id == id {
            return Some(n);
        }
        if let Some(found) = find(&n.children, id) {
            return Some(found);
        }
    }
    None
}

/// How specific a key is: `all` < dimension < sub-dimension < composite < indicator.
fn specificity(scheme: &Scheme, key: &str) -> u8 {
    if key == "all" {
        return 0;
    }
    if scheme.spec.dimensions.iter().any(|d| d.id == key) {
        return 1;
    }
    if scheme
        .spec
        .dimensions
        .iter()
        .any(|d| d.subdimensions.iter().any(|s| s.id == key))
    {
        return 2;
    }
    match scheme.indicator(key) {
        Some(i) if i.is_composite() => 3,
        _ => 4,
    }
}

/// The method factors of the declared `methods` (and the indicators that could not vary), for
/// the scheme whose nominal weight tree is `nominal`.
pub fn factors(
    scheme: &Scheme,
    nominal: &WeightTree,
    methods: &BTreeMap<String, Vec<Alternative>>,
    declared: &Declared,
) -> Result<(Vec<Factor>, Vec<Fixed>)> {
    let at = |key: &str, message: String| -> Error {
        match declared {
            Declared::Flags => Error::Usage {
                message: format!("--methods {key}=…: {message}"),
            },
            Declared::File(path, text) => {
                let span = SourceSpan::find_after(path, text, &format!("{key}:"), Some("methods:"))
                    .or_else(|| SourceSpan::find(path, text, key));
                match span {
                    Some(span) => {
                        let (message, help) = match message.split_once("\n  = help: ") {
                            Some((m, h)) => (m.to_string(), Some(h.to_string())),
                            None => (message, None),
                        };
                        let error =
                            Error::invalid(format!("methods: {key}: {message}"), Some(span));
                        match help {
                            Some(h) => error.with_help(h),
                            None => error,
                        }
                    }
                    None => Error::Usage {
                        message: format!("{}: methods: {key}: {message}", path.display()),
                    },
                }
            }
        }
    };
    // Each indicator's alternatives from its most specific key.
    let mut chosen: BTreeMap<String, (u8, &str, &Vec<Alternative>)> = BTreeMap::new();
    let mut fixed = Vec::new();
    for (key, alternatives) in methods {
        if alternatives.is_empty() {
            return Err(at(key, "no alternative listed\n  = help: list two or more, e.g. [min_max, percentile_rank]".into()));
        }
        let rank = specificity(scheme, key);
        let mut ids: Vec<String> = Vec::new();
        if key == "all" {
            for d in &nominal.dimensions {
                let mut found = Vec::new();
                leaves_of(d, &mut found);
                ids.extend(found.into_iter().map(String::from));
            }
        } else if let Some(node) = find(&nominal.dimensions, key) {
            let mut found = Vec::new();
            leaves_of(node, &mut found);
            ids.extend(found.into_iter().map(String::from));
        } else if let Some(spec) = scheme.indicator(key) {
            let reason = if !scheme.is_scored(spec) {
                "not scored (a monitor indicator): it has no scoring method to vary"
            } else {
                "weight 0 in scheme.yaml: its score does not enter the total"
            };
            fixed.push(Fixed {
                input: format!("scoring method of {key}"),
                reason: reason.into(),
            });
            continue;
        } else if specificity(scheme, key) < 4 {
            fixed.push(Fixed {
                input: format!("scoring methods under {key}"),
                reason: "no weighted indicator under it".into(),
            });
            continue;
        } else {
            let mut known: Vec<&str> = vec!["all"];
            known.extend(scheme.spec.dimensions.iter().map(|d| d.id.as_str()));
            let all = scheme.all_indicators();
            known.extend(all.iter().map(|i| i.id.as_str()));
            let hint = crate::error::closest(key, known.iter().copied())
                .map(|b| format!("did you mean {b}? "))
                .unwrap_or_default();
            return Err(at(key, format!("no indicator, dimension or sub-dimension `{key}` in the scheme\n  = help: {hint}a key is an indicator or part id, a dimension, sub-dimension or composite indicator id, or all")));
        }
        // Scored indicators under the key that the weight tree lacks (weight 0): stated.
        for spec in scheme.leaves() {
            let under = key == "all"
                || spec.dimension == *key
                || spec.subdimension.as_deref() == Some(key.as_str())
                || scheme
                    .all_indicators()
                    .iter()
                    .any(|c| c.id == *key && c.children.iter().any(|p| p.id == spec.id));
            if under && scheme.is_scored(spec) && !ids.contains(&spec.id) {
                fixed.push(Fixed {
                    input: format!("scoring method of {}", spec.id),
                    reason: "weight 0 in scheme.yaml: its score does not enter the total".into(),
                });
            }
        }
        for id in ids {
            let entry = chosen.entry(id).or_insert((rank, key, alternatives));
            if rank > entry.0 {
                *entry = (rank, key, alternatives);
            }
        }
    }
    let mut factors = Vec::new();
    // In the tree's order, as every other input.
    let mut order = Vec::new();
    for d in &nominal.dimensions {
        leaves_of(d, &mut order);
    }
    for id in order {
        let Some((_, key, alternatives)) = chosen.get(id) else {
            continue;
        };
        let spec = scheme.indicator(id).ok_or_else(|| {
            Error::internal(format!("no indicator {id} for a leaf of the weight tree"))
        })?;
        let own = scheme.scoring_of(spec);
        // The indicator named when the key is a group.
        let of = |id: &str, m: String| if id == *key { m } else { format!("{id}: {m}") };
        let mut resolved: Vec<Scoring> = Vec::new();
        for alternative in alternatives.iter() {
            let scoring = match alternative {
                Alternative::Named(name) => {
                    named(name, &own, id).map_err(|m| at(key, of(id, m)))?
                }
                Alternative::Written(s) => s.clone(),
            };
            check(spec, &own, &scoring)
                .map_err(|m| at(key, of(id, format!("{}: {m}", method_text(&scoring)))))?;
            if !resolved.contains(&scoring) {
                resolved.push(scoring);
            }
        }
        if resolved.len() > 1 {
            factors.push(Factor::Method {
                indicator: id.to_string(),
                alternatives: resolved,
            });
        } else {
            let reason = if resolved[0] == own {
                "its only alternative is its own method in scheme.yaml".to_string()
            } else {
                format!(
                    "a single alternative was listed ({}); the draws keep its own method",
                    method_text(&resolved[0])
                )
            };
            fixed.push(Fixed {
                input: format!("scoring method of {id}"),
                reason,
            });
        }
    }
    // An indicator named by two keys is stated once.
    let mut seen = std::collections::BTreeSet::new();
    fixed.retain(|f| seen.insert(f.input.clone()));
    Ok((factors, fixed))
}

/// Whether `scoring` may score `spec`, as scheme.yaml's own method is checked; a custom function
/// only as the indicator's own method (another would read columns the data were not loaded with).
fn check(
    spec: &IndicatorSpec,
    own: &Scoring,
    scoring: &Scoring,
) -> std::result::Result<(), String> {
    if matches!(scoring, Scoring::Custom { .. }) && scoring != own {
        return Err("a custom scoring function can be an alternative only as the indicator's own method\n  = help: score the indicator with the function in scheme.yaml, or list built-in methods".into());
    }
    crate::scheme::check_scoring(scoring, spec.direction)?;
    if let Some(treat) = &spec.treat {
        crate::scheme::check_treat(treat, scoring, spec.direction)?;
    }
    Ok(())
}

/// The score expression of `indicator` scored by `scoring`, aliased to its score column, built
/// as `crate::plan` and `crate::pipeline::indicator_query` build its own: the method on the
/// value (or treated) column, zero for a missing value under `missing: zero`, missing for
/// everyone below the inclusion count, non-finite as missing.
pub fn score_expr(plan: &Plan, indicator: &str, scoring: &Scoring) -> Result<Expr> {
    let planned = plan
        .indicators
        .iter()
        .find(|i| i.spec.id == indicator)
        .ok_or_else(|| Error::Usage {
            message: format!("no indicator {indicator} in the scheme"),
        })?;
    if planned.scoring.as_ref() == Some(scoring) {
        if let Some(own) = &planned.score {
            return Ok(
                crate::indicators::finite_or_missing(own.clone()).alias(score_column(indicator))
            );
        }
    }
    let spec = &planned.spec;
    let own = plan.scheme.scoring_of(spec);
    check(spec, &own, scoring).map_err(|m| Error::Usage {
        message: format!("{indicator}: {}: {m}", method_text(scoring)),
    })?;
    let input = crate::normalise::score_input(indicator, planned.treat.as_ref(), planned.impute);
    let mut score = crate::normalise::score_expr(input, spec.direction, spec.band, scoring)
        .ok_or_else(|| Error::Usage {
            message: format!(
                "{indicator}: {} cannot score this indicator",
                method_text(scoring)
            ),
        })?;
    if planned.impute == Impute::Zero {
        score = crate::normalise::impute::zero_when_missing(col(indicator), score);
    }
    if let Some(min) = plan.scheme.min_reported_of(spec) {
        score = crate::normalise::included_by_count(indicator, min, score);
    }
    Ok(crate::indicators::finite_or_missing(score).alias(score_column(indicator)))
}

/// `scores.frame` with the score columns of `methods` (indicator, method) recomputed.
pub fn rescored_frame(
    plan: &Plan,
    scores: &IndicatorScores,
    methods: &[(String, Scoring)],
) -> Result<DataFrame> {
    if methods.is_empty() {
        return Ok(scores.frame.clone());
    }
    refuse_fitted_weights(plan)?;
    let exprs = methods
        .iter()
        .map(|(id, s)| score_expr(plan, id, s))
        .collect::<Result<Vec<_>>>()?;
    Ok(scores.frame.clone().lazy().with_columns(exprs).collect()?)
}

/// Weights fitted on the indicator scores (entropy, CRITIC) would be fitted again on another
/// method's scores: not done by the draws, so refused rather than computed with stale weights.
pub fn refuse_fitted_weights(plan: &Plan) -> Result<()> {
    if plan.scheme.spec.weighting.method.is_data_driven() {
        return Err(Error::Usage {
            message: "the scheme's weights are fitted on the indicator scores (weighting: entropy, CRITIC …); alternative scoring methods would need them fitted again in every draw, which sensitivity does not do\n  = help: vary the methods with fixed weights (copy the fitted weights, as `jixiao check` prints them, into scheme.yaml), or drop methods from the uncertain inputs".into(),
        });
    }
    Ok(())
}

/// The cached score column of one (indicator, alternative): as the lean path reads it (NaN for
/// missing) and as a polars column (for draws re-run by the pipeline's stages).
pub struct Cached {
    pub indicator: String,
    pub scoring: Scoring,
    pub values: Vec<f64>,
    pub column: Column,
}

/// Every alternative's score column of every method factor, computed once.
#[derive(Default)]
pub struct Alternatives {
    pub cached: Vec<Cached>,
}

/// The score columns a draw swaps in: (indicator, values with NaN for missing, column).
#[derive(Default)]
pub struct Swap<'c> {
    pub leaves: Vec<(&'c str, &'c [f64], &'c Column)>,
}

impl Swap<'_> {
    /// The swapped column of leaf `id`, if the draw swaps it.
    pub fn values(&self, id: &str) -> Option<&[f64]> {
        self.leaves
            .iter()
            .find(|(l, _, _)| *l == id)
            .map(|(_, v, _)| *v)
    }
}

impl Alternatives {
    /// The score columns of every alternative of `factors`' method factors, in one query over
    /// the cached indicator stage.
    pub fn new(plan: &Plan, scores: &IndicatorScores, factors: &[Factor]) -> Result<Alternatives> {
        let mut wanted: Vec<(String, Scoring)> = Vec::new();
        for factor in factors {
            if let Factor::Method {
                indicator,
                alternatives,
            } = factor
            {
                for a in alternatives {
                    wanted.push((indicator.clone(), a.clone()));
                }
            }
        }
        if wanted.is_empty() {
            return Ok(Alternatives::default());
        }
        refuse_fitted_weights(plan)?;
        let exprs = wanted
            .iter()
            .enumerate()
            .map(|(k, (id, s))| Ok(score_expr(plan, id, s)?.alias(format!("__alternative_{k}"))))
            .collect::<Result<Vec<_>>>()?;
        let out = scores.frame.clone().lazy().select(exprs).collect()?;
        let mut cached = Vec::with_capacity(wanted.len());
        for (k, (indicator, scoring)) in wanted.into_iter().enumerate() {
            let column = out
                .column(&format!("__alternative_{k}"))?
                .cast(&DataType::Float64)?
                .with_name(score_column(&indicator).into());
            let values = column
                .f64()?
                .iter()
                .map(|v| v.unwrap_or(f64::NAN))
                .collect();
            cached.push(Cached {
                indicator,
                scoring,
                values,
                column,
            });
        }
        Ok(Alternatives { cached })
    }

    /// The cached columns `methods` (a draw's) name.
    pub fn swap(&self, methods: &[(String, Scoring)]) -> Result<Swap<'_>> {
        let mut leaves = Vec::with_capacity(methods.len());
        for (id, scoring) in methods {
            let found = self
                .cached
                .iter()
                .find(|c| &c.indicator == id && &c.scoring == scoring)
                .ok_or_else(|| {
                    Error::internal(format!(
                        "no cached score column for {id} by {}",
                        method_text(scoring)
                    ))
                })?;
            leaves.push((
                found.indicator.as_str(),
                found.values.as_slice(),
                &found.column,
            ));
        }
        Ok(Swap { leaves })
    }

    /// Whether a veto, bonus, deduction or eligibility rule reads the score column of an
    /// indicator whose method varies: the lean path caches those rules' nominal results, so the
    /// draws then re-run the pipeline's stages, whose rules see the swapped columns. (Grade
    /// adjustments are evaluated per draw on the lean path, with the swapped columns.)
    pub fn read_by_rules(&self, plan: &Plan, frame: &DataFrame) -> bool {
        let varied: Vec<String> = self
            .cached
            .iter()
            .map(|c| score_column(&c.indicator))
            .collect();
        if varied.is_empty() {
            return false;
        }
        let a = &plan.adjustments;
        let rules: Vec<Expr> = a
            .vetoes
            .iter()
            .cloned()
            .chain(a.bonus.iter().map(|r| r.points.clone()))
            .chain(a.deduction.iter().map(|r| r.points.clone()))
            .chain(plan.eligible.iter().cloned())
            .enumerate()
            .map(|(i, e)| e.alias(format!("__rule_{i}")))
            .collect();
        if rules.is_empty() {
            return false;
        }
        let kept: Vec<Expr> = frame
            .get_column_names()
            .into_iter()
            .filter(|n| !varied.iter().any(|v| v.as_str() == n.as_str()))
            .map(|n| col(n.clone()))
            .collect();
        let without = frame.head(Some(0)).lazy().select(kept);
        // Rules also read later stages' columns (weighted scores): those make the model take
        // the pipeline's path on its own; here only the varied columns count.
        let with = frame
            .head(Some(0))
            .lazy()
            .select(rules.clone())
            .collect()
            .is_ok();
        with && without.select(rules).collect().is_err()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_written_back_reads_as_the_same_method() {
        for yaml in [
            "{method: min_max, within: peer_group}",
            "{method: z_score, mean: 0.1, sd: 3}",
            "{method: target, target: 95.5}",
            "{method: goalposts, zero_at: 2, full_at: 0}",
            "{method: threshold, threshold: 30, otherwise: 20}",
            "{method: rank, borda: true}",
            "{method: distance_to_target, target: 45, cap: false}",
            "{method: efficacy, satisfactory: max, unacceptable: 60}",
            "{method: index, standard: median, within: peer_group}",
            "{method: optimal, at: 0.3}",
            "{method: custom, function: 能耗评分}",
        ] {
            let scoring: Scoring = serde_yaml::from_str(yaml).unwrap();
            let text = method_text(&scoring);
            assert!(!text.contains('\n'), "{text}");
            assert_eq!(method_of(&text).unwrap(), scoring, "{yaml} → {text}");
        }
        assert_eq!(
            method_text(&serde_yaml::from_str("{method: min_max}").unwrap()),
            "{method: min_max, within: all}"
        );
    }

    #[test]
    fn a_name_takes_the_parameters_its_method_has() {
        let own: Scoring = serde_yaml::from_str(
            "{method: distance_to_target, target: 40, within: peer_group, cap: false}",
        )
        .unwrap();
        let by = |name: &str| method_text(&named(name, &own, "T1").unwrap());
        assert_eq!(by("target"), "{method: target, target: 40.0}");
        assert_eq!(by("min_max"), "{method: min_max, within: peer_group}");
        assert_eq!(
            by("z_score"),
            "{method: z_score, within: peer_group, mean: 50.0, sd: 10.0}"
        );
        let error = named("goalposts", &own, "T1").unwrap_err();
        assert!(error.contains("`goalposts` needs `zero_at`"), "{error}");
        assert!(
            error.contains("methods: {T1: [{method: goalposts, zero_at: …}]}"),
            "{error}"
        );
        assert!(named("min_mux", &own, "T1")
            .unwrap_err()
            .contains("did you mean min_max?"));
    }
}
