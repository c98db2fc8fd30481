//! Stage 4, weight: the hierarchy of weights, normalised at each level, and each indicator's effective weight.
//!
//! Weights in `scheme.yaml` are relative: an indicator's weight counts against its siblings in the
//! same sub-dimension (or dimension, when the dimension is not split), a sub-dimension's against
//! the other sub-dimensions of its dimension, a dimension's against the other dimensions. Here they
//! are divided by their sibling sum, so each level sums to 1, and the effective weight of an
//! indicator is the product down its path (the share of the total score it carries when no data
//! are missing). Monitor indicators and weight-0 indicators are scored and reported but carry no
//! weight.

use crate::scheme::SchemeSpec;

/// A node of the weight tree: the total, a dimension, a sub-dimension or an indicator (a leaf).
#[derive(Debug, Clone, PartialEq)]
pub struct WeightNode {
    pub id: String,
    /// Weight among its siblings, summing to 1 over them.
    pub weight: f64,
    pub children: Vec<WeightNode>,
}

impl WeightNode {
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }
}

/// The whole tree, rooted at the total score.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightTree {
    pub dimensions: Vec<WeightNode>,
}

fn normalised(mut nodes: Vec<WeightNode>) -> Vec<WeightNode> {
    nodes.retain(|n| n.weight > 0.0);
    let sum: f64 = nodes.iter().map(|n| n.weight).sum();
    for node in &mut nodes {
        node.weight /= sum;
    }
    nodes
}

impl WeightTree {
    /// Builds the tree from a checked scheme (every dimension and sub-dimension has a scored indicator).
    pub fn from_spec(spec: &SchemeSpec) -> WeightTree {
        let leaves = |dimension: &str, sub: Option<&str>| -> Vec<WeightNode> {
            normalised(
                spec.indicators
                    .iter()
                    .filter(|i| {
                        i.is_scored()
                            && i.dimension == dimension
                            && i.subdimension.as_deref() == sub
                    })
                    .map(|i| WeightNode {
                        id: i.id.clone(),
                        weight: i.weight.unwrap_or(0.0),
                        children: Vec::new(),
                    })
                    .collect(),
            )
        };
        let dimensions = spec
            .dimensions
            .iter()
            .map(|d| {
                let children = if d.subdimensions.is_empty() {
                    leaves(&d.id, None)
                } else {
                    normalised(
                        d.subdimensions
                            .iter()
                            .map(|s| WeightNode {
                                id: s.id.clone(),
                                weight: s.weight,
                                children: leaves(&d.id, Some(&s.id)),
                            })
                            .collect(),
                    )
                };
                WeightNode {
                    id: d.id.clone(),
                    weight: d.weight,
                    children,
                }
            })
            .collect();
        WeightTree {
            dimensions: normalised(dimensions),
        }
    }

    /// Effective weight of every weighted indicator, in tree order.
    pub fn effective_weights(&self) -> Vec<(String, f64)> {
        fn walk(node: &WeightNode, above: f64, out: &mut Vec<(String, f64)>) {
            let here = above * node.weight;
            if node.is_leaf() {
                out.push((node.id.clone(), here));
            }
            for child in &node.children {
                walk(child, here, out);
            }
        }
        let mut out = Vec::new();
        for dimension in &self.dimensions {
            for child in &dimension.children {
                walk(child, dimension.weight, &mut out);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::Scheme;
    use std::path::Path;

    #[test]
    fn effective_weights_multiply_down_the_tree() {
        let text = "\
name: t
version: '1'
columns: {id: id}
dimensions:
  - id: Q
    weight: 60
    subdimensions:
      - {id: Q1, weight: 1}
      - {id: Q2, weight: 3}
  - id: E
    weight: 40
indicators:
  - {id: a, name: a, dimension: Q, subdimension: Q1, direction: up, weight: 1}
  - {id: b, name: b, dimension: Q, subdimension: Q2, direction: up, weight: 2}
  - {id: c, name: c, dimension: Q, subdimension: Q2, direction: down, weight: 6}
  - {id: d, name: d, dimension: E, direction: up, weight: 5}
  - {id: m, name: m, dimension: E, direction: monitor}
  - {id: z, name: z, dimension: E, direction: up, weight: 0}
";
        let scheme =
            Scheme::from_text(Path::new("."), Path::new("scheme.yaml"), text.into()).unwrap();
        let tree = WeightTree::from_spec(&scheme.spec);
        // a: 0.6 × 0.25 × 1 = 0.15; b: 0.6 × 0.75 × 0.25 = 0.1125; c: 0.6 × 0.75 × 0.75 = 0.3375; d: 0.4
        let expected = [("a", 0.15), ("b", 0.1125), ("c", 0.3375), ("d", 0.4)];
        let actual = tree.effective_weights();
        assert_eq!(actual.len(), expected.len());
        for ((id, w), (eid, ew)) in actual.iter().zip(expected) {
            assert_eq!(id, eid);
            assert!((w - ew).abs() < 1e-12, "{id}: {w} vs {ew}");
        }
        let sum: f64 = actual.iter().map(|(_, w)| w).sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }
}
