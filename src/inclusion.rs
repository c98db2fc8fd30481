//! Indicator inclusion by reporting count (`include: {min_reported: n}` on the scheme or on an
//! indicator): what the run summary says about the indicators dropped.
//!
//! An indicator reported (a value present, before any imputation) by fewer than `min_reported`
//! institutions is dropped: its score is missing for every institution
//! (`crate::normalise::included_by_count`), so under `missing.policy: renormalise` its weight goes
//! to its siblings, level by level. CMS drops every measure reported by 100 hospitals or fewer
//! (`include: {min_reported: 101}`). The run summary names each dropped indicator with its count
//! and gives the effective weights the others then carry. Coverage (`missing.min_coverage`) still
//! counts a dropped indicator as missing.

use polars::prelude::*;

use crate::error::Result;
use crate::message::Warning;
use crate::plan::Plan;
use crate::weight::{WeightNode, WeightTree};

/// The indicators dropped on `scored` data: (id, name, institutions reporting it, minimum).
pub fn dropped(plan: &Plan, scored: &DataFrame) -> Result<Vec<(String, String, u64, u64)>> {
    let mut out = Vec::new();
    for indicator in &plan.indicators {
        let Some(min) = plan.scheme.min_reported_of(&indicator.spec) else {
            continue;
        };
        if indicator.score.is_none() {
            continue;
        }
        let column = scored.column(&indicator.spec.id)?;
        let reported = (column.len() - column.null_count()) as u64;
        if reported < min {
            out.push((
                indicator.spec.id.clone(),
                indicator.spec.name.clone(),
                reported,
                min,
            ));
        }
    }
    Ok(out)
}

/// `tree` without the leaves in `ids`, each level's weights rescaled to sum to 1 again; a node
/// left with no child drops out too.
pub fn without(tree: &WeightTree, ids: &[&str]) -> WeightTree {
    fn prune(nodes: &[WeightNode], ids: &[&str]) -> Vec<WeightNode> {
        let mut kept: Vec<WeightNode> = nodes
            .iter()
            .filter_map(|n| {
                if n.is_leaf() {
                    return (!ids.contains(&n.id.as_str())).then(|| n.clone());
                }
                let children = prune(&n.children, ids);
                (!children.is_empty()).then(|| WeightNode {
                    children,
                    ..n.clone()
                })
            })
            .collect();
        let sum: f64 = kept.iter().map(|n| n.weight).sum();
        if sum > 0.0 {
            for node in &mut kept {
                node.weight /= sum;
            }
        }
        kept
    }
    WeightTree {
        dimensions: prune(&tree.dimensions, ids),
    }
}

/// The run summary's lines about dropped indicators (none when nothing was dropped).
pub fn notes(plan: &Plan, weights: &WeightTree, scored: &DataFrame) -> Result<Vec<Warning>> {
    let dropped = dropped(plan, scored)?;
    if dropped.is_empty() {
        return Ok(Vec::new());
    }
    let mut lines: Vec<Warning> = dropped
        .iter()
        .map(|(id, name, reported, min)| Warning::IndicatorDropped {
            id: id.clone(),
            name: name.clone(),
            reported: *reported as usize,
            minimum: *min as usize,
        })
        .collect();
    let ids: Vec<&str> = dropped.iter().map(|d| d.0.as_str()).collect();
    lines.push(Warning::WeightsWithoutDropped {
        weights: without(weights, &ids).effective_weights(),
    });
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weight::NodeKind;

    fn leaf(id: &str, weight: f64) -> WeightNode {
        WeightNode {
            id: id.into(),
            kind: NodeKind::Indicator,
            weight,
            children: Vec::new(),
        }
    }

    #[test]
    fn a_dropped_leaf_hands_its_weight_to_its_siblings() {
        // Dimensions D1 (0.6: a 0.5, b 0.5) and D2 (0.4: c 1). Dropping a: b carries 0.6;
        // dropping c empties D2: D1 carries everything, a and b 0.5 each.
        let tree = WeightTree {
            dimensions: vec![
                WeightNode {
                    id: "D1".into(),
                    kind: NodeKind::Dimension,
                    weight: 0.6,
                    children: vec![leaf("a", 0.5), leaf("b", 0.5)],
                },
                WeightNode {
                    id: "D2".into(),
                    kind: NodeKind::Dimension,
                    weight: 0.4,
                    children: vec![leaf("c", 1.0)],
                },
            ],
        };
        let w = without(&tree, &["a"]).effective_weights();
        assert_eq!(w, vec![("b".to_string(), 0.6), ("c".to_string(), 0.4)]);
        let w = without(&tree, &["c"]).effective_weights();
        assert_eq!(w, vec![("a".to_string(), 0.5), ("b".to_string(), 0.5)]);
    }
}
