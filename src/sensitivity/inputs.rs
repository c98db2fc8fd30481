//! The uncertain inputs of a sensitivity analysis: what the evaluator declares (weight noise,
//! alternative means and missing-data policies, leaving one indicator or dimension out), the
//! factors they become (one column of uniforms each), what could not vary and why, and the
//! [`Draw`] — the parameters of one run — built from a row of uniforms or read back from
//! `draws.csv`.
//!
//! Weights vary in one of two ways. `weight_noise: p` multiplies every weight of the tree
//! (dimension, sub-dimension, indicator, part) by its own U(1 − p, 1 + p) and renormalises each
//! sibling group: one factor per weight. `dirichlet: c` draws each sibling group's weights from a
//! Dirichlet distribution with parameters c × the nominal weights (mean: the nominal weights;
//! larger c, closer to them): one factor per sibling group. A weight that is alone among its
//! siblings is 1 after renormalisation whatever the noise, and a weight of 0 in scheme.yaml
//! stays 0 under any multiplier: both are stated as declared inputs that could not vary.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::scheme::{Mean, MissingPolicy, Scheme};
use crate::weight::{NodeKind, WeightNode, WeightTree};

use super::methods::{self, Alternative, Declared};
use super::sampling::{choice, dirichlet, seed_of, Rng};

/// The uncertain inputs as declared (`--uncertainty FILE` or the flags of `jixiao sensitivity`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uncertainty {
    /// Every weight × U(1 − p, 1 + p), then renormalised among its siblings (0 ≤ p < 1).
    #[serde(default)]
    pub weight_noise: Option<f64>,
    /// Each sibling group's weights ~ Dirichlet(c × nominal weights) (c > 0).
    #[serde(default)]
    pub dirichlet: Option<f64>,
    /// The aggregation means to choose from, each with the same probability.
    #[serde(default)]
    pub means: Vec<Mean>,
    /// The missing-data policies to choose from.
    #[serde(default)]
    pub missing: Vec<MissingPolicy>,
    /// Leave one indicator out (or none), each with the same probability.
    #[serde(default)]
    pub leave_out_indicator: bool,
    /// Leave one dimension out (or none).
    #[serde(default)]
    pub leave_out_dimension: bool,
    /// Alternative scoring methods per indicator (or dimension, or `all`): one factor per
    /// indicator, one of its alternatives each with the same probability (see [`super::methods`]).
    #[serde(default)]
    pub methods: BTreeMap<String, Vec<Alternative>>,
    /// Where `methods` were declared, for errors that point at them.
    #[serde(skip)]
    pub declared: Declared,
}

impl Uncertainty {
    /// Reads an uncertainty file (YAML with the fields of [`Uncertainty`]).
    pub fn from_yaml(path: &std::path::Path, text: &str) -> Result<Uncertainty> {
        let mut uncertainty: Uncertainty = serde_yaml::from_str(text).map_err(|e| Error::Usage {
            message: format!(
                "{}: {e}\n  = help: the fields are weight_noise: 0.2, dirichlet: 100, means: [arithmetic, geometric, harmonic], missing: [renormalise, zero], leave_out_indicator: true, leave_out_dimension: true, methods: {{T4: [min_max, percentile_rank], all: [min_max, {{method: z_score, within: peer_group}}]}}",
                path.display()
            ),
        })?;
        uncertainty.declared = Declared::File(path.to_path_buf(), text.to_string());
        Ok(uncertainty)
    }

    fn check(&self) -> Result<()> {
        let usage = |message: String| Err(Error::Usage { message });
        if self.weight_noise.is_some() && self.dirichlet.is_some() {
            return usage("weight noise and Dirichlet weights are two ways of varying the same weights: declare one of --weight-noise and --dirichlet".into());
        }
        if let Some(p) = self.weight_noise {
            if !(0.0..1.0).contains(&p) {
                return usage(format!("--weight-noise {p}: the noise p multiplies each weight by U(1 − p, 1 + p), so 0 ≤ p < 1 (e.g. 0.25)"));
            }
        }
        if let Some(c) = self.dirichlet {
            if !(c > 0.0 && c.is_finite()) {
                return usage(format!("--dirichlet {c}: the concentration is a positive number (e.g. 100: weights within a few points of the nominal ones)"));
            }
        }
        let declared = self.weight_noise.is_some()
            || self.dirichlet.is_some()
            || !self.means.is_empty()
            || !self.missing.is_empty()
            || self.leave_out_indicator
            || self.leave_out_dimension
            || !self.methods.is_empty();
        if !declared {
            return usage("no uncertain input declared: nothing would vary\n  = help: declare some, e.g. --weight-noise 0.25, --means arithmetic,geometric, --leave-one-out indicator, --methods T4=min_max,percentile_rank, or --uncertainty FILE".into());
        }
        Ok(())
    }
}

/// One factor: a column of uniforms that one uncertain input is drawn from.
#[derive(Debug, Clone, PartialEq)]
pub enum Factor {
    /// The multiplier of node `id`'s weight.
    Weight {
        id: String,
    },
    /// The weights of the children of `parent` (the dimensions when `None`), jointly.
    Dirichlet {
        parent: Option<String>,
        nominal: Vec<(String, f64)>,
    },
    Mean(Vec<Mean>),
    Missing(Vec<MissingPolicy>),
    /// Leave out one of these indicators, or none.
    LeaveOutIndicator(Vec<String>),
    /// Leave out one of these dimensions, or none.
    LeaveOutDimension(Vec<String>),
    /// Score `indicator` by one of these methods (distinct, as declared).
    Method {
        indicator: String,
        alternatives: Vec<crate::scheme::Scoring>,
    },
}

impl Factor {
    /// The input's name as reports show it.
    pub fn name(&self) -> String {
        match self {
            Factor::Weight { id } => format!("weight {id}"),
            Factor::Dirichlet { parent: None, .. } => "weights of the dimensions".into(),
            Factor::Dirichlet {
                parent: Some(p), ..
            } => format!("weights under {p}"),
            Factor::Mean(_) => "aggregation mean".into(),
            Factor::Missing(_) => "missing-data policy".into(),
            Factor::LeaveOutIndicator(_) => "leave one indicator out".into(),
            Factor::LeaveOutDimension(_) => "leave one dimension out".into(),
            Factor::Method { indicator, .. } => format!("scoring method of {indicator}"),
        }
    }
}

/// A declared input that could not vary, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub input: String,
    pub reason: String,
}

/// The parameters of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw {
    /// Each node's weight among its siblings; nodes left out are removed.
    pub weights: WeightTree,
    pub mean: Mean,
    pub policy: MissingPolicy,
    /// The indicators and dimensions left out, in tree order.
    pub left_out: Vec<String>,
    /// The scoring method of each indicator whose method varies, in tree order (empty: every
    /// indicator by its own method).
    pub methods: Vec<(String, crate::scheme::Scoring)>,
}

/// The factors of the declared inputs and the statements of those that could not vary.
#[derive(Debug, Clone)]
pub struct Design {
    pub factors: Vec<Factor>,
    pub fixed: Vec<Fixed>,
    pub nominal: WeightTree,
    nominal_mean: Mean,
    nominal_policy: MissingPolicy,
    noise: Option<f64>,
    concentration: Option<f64>,
}

fn preorder<'a>(node: &'a WeightNode, out: &mut Vec<(&'a WeightNode, usize)>, siblings: usize) {
    out.push((node, siblings));
    for child in &node.children {
        preorder(child, out, node.children.len());
    }
}

/// Every node of the tree in pre-order, with the size of its sibling group.
pub fn nodes(tree: &WeightTree) -> Vec<(&WeightNode, usize)> {
    let mut out = Vec::new();
    for d in &tree.dimensions {
        preorder(d, &mut out, tree.dimensions.len());
    }
    out
}

impl Design {
    /// The factors of `uncertainty` for the scheme whose nominal weight tree is `nominal`.
    pub fn new(scheme: &Scheme, nominal: &WeightTree, uncertainty: &Uncertainty) -> Result<Design> {
        uncertainty.check()?;
        let spec = &scheme.spec;
        let mut factors = Vec::new();
        let mut fixed = Vec::new();
        let zero_weights = || {
            spec.indicators
                .iter()
                .flat_map(|i| std::iter::once(i).chain(i.children.iter()))
                .filter(|i| scheme.is_scored(i) && i.weight == Some(0.0))
                .map(|i| i.id.clone())
                .collect::<Vec<_>>()
        };
        if let Some(p) = uncertainty.weight_noise {
            if p == 0.0 {
                fixed.push(Fixed {
                    input: "weight noise".into(),
                    reason: "p = 0: every multiplier is 1".into(),
                });
            } else {
                for (node, siblings) in nodes(nominal) {
                    if siblings > 1 {
                        factors.push(Factor::Weight {
                            id: node.id.clone(),
                        });
                    } else {
                        fixed.push(Fixed {
                            input: format!("weight {}", node.id),
                            reason:
                                "alone among its siblings: renormalised to 1 whatever the noise"
                                    .into(),
                        });
                    }
                }
                for id in zero_weights() {
                    fixed.push(Fixed {
                        input: format!("weight {id}"),
                        reason: "0 in scheme.yaml: any multiple of 0 is 0".into(),
                    });
                }
            }
        }
        if uncertainty.dirichlet.is_some() {
            let mut groups: Vec<(Option<String>, &Vec<WeightNode>)> =
                vec![(None, &nominal.dimensions)];
            for (node, _) in nodes(nominal) {
                if !node.is_leaf() {
                    groups.push((Some(node.id.clone()), &node.children));
                }
            }
            for (parent, children) in groups {
                let nominal: Vec<(String, f64)> =
                    children.iter().map(|c| (c.id.clone(), c.weight)).collect();
                if nominal.len() > 1 {
                    factors.push(Factor::Dirichlet { parent, nominal });
                } else {
                    let name = Factor::Dirichlet {
                        parent,
                        nominal: Vec::new(),
                    }
                    .name();
                    fixed.push(Fixed {
                        input: name,
                        reason: format!("a single weight ({}), always 1", nominal[0].0),
                    });
                }
            }
            for id in zero_weights() {
                fixed.push(Fixed {
                    input: format!("weight {id}"),
                    reason: "0 in scheme.yaml: not in the weight tree, so no Dirichlet draw gives it weight".into(),
                });
            }
        }
        let nominal_mean = spec.aggregation.mean;
        let nominal_policy = spec.missing.policy;
        let distinct = |n: usize| n > 1;
        let mut means = uncertainty.means.clone();
        means.dedup();
        if !means.is_empty() {
            if spec.aggregation.total.is_some() {
                fixed.push(Fixed {
                    input: "aggregation mean".into(),
                    reason: "the total is aggregation.total (TOPSIS, VIKOR or WRSR) over the indicators, not a mean of the dimensions".into(),
                });
            } else if distinct(means.len()) {
                factors.push(Factor::Mean(means));
            } else {
                fixed.push(Fixed {
                    input: "aggregation mean".into(),
                    reason: "a single alternative was listed".into(),
                });
            }
        }
        let mut missing = uncertainty.missing.clone();
        missing.dedup();
        if !missing.is_empty() {
            if distinct(missing.len()) {
                factors.push(Factor::Missing(missing));
            } else {
                fixed.push(Fixed {
                    input: "missing-data policy".into(),
                    reason: "a single alternative was listed".into(),
                });
            }
        }
        if uncertainty.leave_out_indicator {
            // Indicators directly under a dimension or sub-dimension; one whose removal would
            // leave nothing to score cannot be left out.
            let mut ids = Vec::new();
            for (node, _) in nodes(nominal) {
                if matches!(node.kind, NodeKind::Dimension | NodeKind::Subdimension) {
                    for child in &node.children {
                        if child.kind != NodeKind::Subdimension {
                            ids.push(child.id.clone());
                        }
                    }
                }
            }
            let total: usize = ids.len();
            if total > 1 {
                factors.push(Factor::LeaveOutIndicator(ids));
            } else {
                fixed.push(Fixed {
                    input: "leave one indicator out".into(),
                    reason: "the scheme weighs a single indicator".into(),
                });
            }
        }
        if uncertainty.leave_out_dimension {
            if nominal.dimensions.len() > 1 {
                factors.push(Factor::LeaveOutDimension(
                    nominal.dimensions.iter().map(|d| d.id.clone()).collect(),
                ));
            } else {
                fixed.push(Fixed {
                    input: "leave one dimension out".into(),
                    reason: "the scheme has a single weighted dimension".into(),
                });
            }
        }
        if !uncertainty.methods.is_empty() {
            let (method_factors, method_fixed) =
                methods::factors(scheme, nominal, &uncertainty.methods, &uncertainty.declared)?;
            factors.extend(method_factors);
            fixed.extend(method_fixed);
        }
        Ok(Design {
            factors,
            fixed,
            nominal: nominal.clone(),
            nominal_mean,
            nominal_policy,
            noise: uncertainty.weight_noise,
            concentration: uncertainty.dirichlet,
        })
    }

    /// The nominal run: the scheme's weights, mean and policy.
    pub fn nominal_draw(&self) -> Draw {
        Draw {
            weights: self.nominal.clone(),
            mean: self.nominal_mean,
            policy: self.nominal_policy,
            left_out: Vec::new(),
            methods: Vec::new(),
        }
    }

    /// The draw a row of uniforms (one per factor) stands for.
    pub fn draw(&self, u: &[f64]) -> Draw {
        debug_assert_eq!(u.len(), self.factors.len());
        let mut multipliers: BTreeMap<&str, f64> = BTreeMap::new();
        let mut groups: BTreeMap<Option<String>, BTreeMap<String, f64>> = BTreeMap::new();
        let mut draw = self.nominal_draw();
        let mut left_out: Vec<&str> = Vec::new();
        for (factor, &u) in self.factors.iter().zip(u) {
            match factor {
                Factor::Weight { id } => {
                    let p = self.noise.unwrap_or(0.0);
                    multipliers.insert(id.as_str(), 1.0 - p + 2.0 * p * u);
                }
                Factor::Dirichlet { parent, nominal } => {
                    let weights: Vec<f64> = nominal.iter().map(|(_, w)| *w).collect();
                    let mut rng = Rng::new(seed_of(u));
                    let c = self.concentration.unwrap_or(1.0);
                    let drawn = dirichlet(&mut rng, &weights, c);
                    let by_id = nominal.iter().map(|(id, _)| id.clone()).zip(drawn);
                    groups.insert(parent.clone(), by_id.collect());
                }
                Factor::Mean(means) => draw.mean = means[choice(u, means.len())],
                Factor::Missing(policies) => draw.policy = policies[choice(u, policies.len())],
                Factor::LeaveOutIndicator(ids) | Factor::LeaveOutDimension(ids) => {
                    // Alternative 0 is "none".
                    let k = choice(u, ids.len() + 1);
                    if k > 0 {
                        left_out.push(ids[k - 1].as_str());
                    }
                }
                Factor::Method {
                    indicator,
                    alternatives,
                } => draw.methods.push((
                    indicator.clone(),
                    alternatives[choice(u, alternatives.len())].clone(),
                )),
            }
        }
        let vary = |parent: Option<&str>, children: &mut Vec<WeightNode>| {
            let mut changed = false;
            if let Some(drawn) = groups.get(&parent.map(String::from)) {
                for c in children.iter_mut() {
                    c.weight = drawn[c.id.as_str()];
                }
            }
            for c in children.iter_mut() {
                if let Some(m) = multipliers.get(c.id.as_str()) {
                    c.weight *= m;
                    changed = true;
                }
            }
            let before = children.len();
            // Left out, or an inner node whose children were all left out.
            children.retain(|c| {
                !left_out.iter().any(|l| *l == c.id) && (c.is_leaf_kind() || !c.children.is_empty())
            });
            changed |= children.len() != before;
            if changed {
                let sum: f64 = children.iter().map(|c| c.weight).sum();
                for c in children.iter_mut() {
                    c.weight /= sum;
                }
            }
        };
        fn walk(node: &mut WeightNode, vary: &dyn Fn(Option<&str>, &mut Vec<WeightNode>)) {
            for child in node.children.iter_mut() {
                walk(child, vary);
            }
            let id = node.id.clone();
            vary(Some(&id), &mut node.children);
        }
        for d in draw.weights.dimensions.iter_mut() {
            walk(d, &vary);
        }
        vary(None, &mut draw.weights.dimensions);
        draw.left_out = nodes(&self.nominal)
            .into_iter()
            .map(|(n, _)| n.id.clone())
            .filter(|id| left_out.iter().any(|l| l == id))
            .collect();
        draw
    }
}

trait LeafKind {
    fn is_leaf_kind(&self) -> bool;
}

impl LeafKind for WeightNode {
    /// A node with a formula of its own (never emptied by leaving its children out).
    fn is_leaf_kind(&self) -> bool {
        self.kind == NodeKind::Indicator
    }
}

/// The columns of `draws.csv` after the run's own: each node's weight among its siblings.
pub fn weight_columns(nominal: &WeightTree) -> Vec<String> {
    nodes(nominal)
        .into_iter()
        .map(|(n, _)| format!("w:{}", n.id))
        .collect()
}

impl Draw {
    /// Each nominal node's weight in this draw (0 where it was left out), in pre-order.
    pub fn weight_values(&self, nominal: &WeightTree) -> Vec<f64> {
        let mut found: BTreeMap<&str, f64> = BTreeMap::new();
        for (node, _) in nodes(&self.weights) {
            found.insert(&node.id, node.weight);
        }
        nodes(nominal)
            .into_iter()
            .map(|(n, _)| found.get(n.id.as_str()).copied().unwrap_or(0.0))
            .collect()
    }

    /// The draw whose weights are `values` (as [`Draw::weight_values`] gives them), exactly:
    /// every weight is set, not renormalised, and nodes of weight 0 are removed.
    pub fn from_weight_values(
        nominal: &WeightTree,
        values: &[f64],
        mean: Mean,
        policy: MissingPolicy,
        left_out: Vec<String>,
    ) -> Draw {
        let mut values = values.iter();
        fn set(node: &mut WeightNode, values: &mut std::slice::Iter<f64>) {
            node.weight = *values.next().unwrap_or(&0.0);
            for child in node.children.iter_mut() {
                set(child, values);
            }
            node.children
                .retain(|c| c.weight > 0.0 && (c.is_leaf_kind() || !c.children.is_empty()));
        }
        let mut weights = nominal.clone();
        for d in weights.dimensions.iter_mut() {
            set(d, &mut values);
        }
        weights
            .dimensions
            .retain(|d| d.weight > 0.0 && !d.children.is_empty());
        Draw {
            weights,
            mean,
            policy,
            left_out,
            methods: Vec::new(),
        }
    }
}

/// The name of a mean as scheme.yaml writes it.
pub fn mean_name(mean: Mean) -> &'static str {
    match mean {
        Mean::Arithmetic => "arithmetic",
        Mean::Geometric => "geometric",
        Mean::Harmonic => "harmonic",
    }
}

/// The name of a missing-data policy as scheme.yaml writes it.
pub fn policy_name(policy: MissingPolicy) -> &'static str {
    match policy {
        MissingPolicy::Renormalise => "renormalise",
        MissingPolicy::Zero => "zero",
    }
}

/// The mean named `name` (as scheme.yaml writes it).
pub fn mean_of(name: &str) -> Option<Mean> {
    [Mean::Arithmetic, Mean::Geometric, Mean::Harmonic]
        .into_iter()
        .find(|m| mean_name(*m) == name)
}

/// The missing-data policy named `name`.
pub fn policy_of(name: &str) -> Option<MissingPolicy> {
    [MissingPolicy::Renormalise, MissingPolicy::Zero]
        .into_iter()
        .find(|m| policy_name(*m) == name)
}
