//! Stage 4, weight: the hierarchy of weights, normalised at each level, and each indicator's effective weight.
//!
//! Weights in `scheme.yaml` are relative: an indicator's weight counts against its siblings in the
//! same sub-dimension (or dimension, when the dimension is not split), a sub-dimension's against
//! the other sub-dimensions of its dimension, a dimension's against the other dimensions. Here they
//! are divided by their sibling sum, so each level sums to 1, and the effective weight of an
//! indicator is the product down its path (the share of the total score it carries when no data
//! are missing). An indicator made of parts is one more level: its parts' weights count against
//! each other. Monitor indicators (unless the scheme scores them) and weight-0 indicators are
//! reported but carry no weight.

use crate::scheme::{IndicatorSpec, Scheme};

/// What a node of the weight tree stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Dimension,
    Subdimension,
    /// An indicator made of parts (e.g. T45's five sub-ratios): the weighted mean of its parts.
    Composite,
    /// An indicator or part with a formula.
    Indicator,
}

/// A node of the weight tree: a dimension, a sub-dimension, a composite indicator or a leaf.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightNode {
    pub id: String,
    pub kind: NodeKind,
    /// Weight among its siblings, summing to 1 over them.
    pub weight: f64,
    pub children: Vec<WeightNode>,
}

impl WeightNode {
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }

    /// Levels below this node: 0 for a leaf.
    pub fn height(&self) -> usize {
        self.children
            .iter()
            .map(|c| c.height() + 1)
            .max()
            .unwrap_or(0)
    }

    /// Every inner node at or below this one, children before parents.
    fn inner_nodes<'a>(&'a self, out: &mut Vec<&'a WeightNode>) {
        for child in &self.children {
            child.inner_nodes(out);
        }
        if !self.is_leaf() {
            out.push(self);
        }
    }
}

/// The whole tree, rooted at the total score.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightTree {
    pub dimensions: Vec<WeightNode>,
}

/// Keeps the nodes that carry weight — positive, and for a dimension or sub-dimension with
/// something scored below it (one holding only monitor indicators drops out while monitor scoring
/// is off) — and rescales their weights to sum to 1.
fn normalised(mut nodes: Vec<WeightNode>) -> Vec<WeightNode> {
    nodes.retain(|n| n.weight > 0.0 && (n.kind == NodeKind::Indicator || !n.children.is_empty()));
    let sum: f64 = nodes.iter().map(|n| n.weight).sum();
    for node in &mut nodes {
        node.weight /= sum;
    }
    nodes
}

/// The node of a scored indicator: a leaf, or a composite over its scored parts.
fn indicator_node(scheme: &Scheme, indicator: &IndicatorSpec) -> WeightNode {
    let children = normalised(
        indicator
            .children
            .iter()
            .filter(|c| scheme.is_scored(c))
            .map(|c| indicator_node(scheme, c))
            .collect(),
    );
    WeightNode {
        id: indicator.id.clone(),
        kind: if indicator.is_composite() {
            NodeKind::Composite
        } else {
            NodeKind::Indicator
        },
        weight: indicator.weight.unwrap_or(0.0),
        children,
    }
}

impl WeightTree {
    /// Builds the tree from a checked scheme (every dimension and sub-dimension has a scored indicator).
    pub fn from_scheme(scheme: &Scheme) -> WeightTree {
        let spec = &scheme.spec;
        let leaves = |dimension: &str, sub: Option<&str>| -> Vec<WeightNode> {
            normalised(
                spec.indicators
                    .iter()
                    .filter(|i| {
                        scheme.is_scored(i)
                            && i.dimension == dimension
                            && i.subdimension.as_deref() == sub
                    })
                    .map(|i| indicator_node(scheme, i))
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
                                kind: NodeKind::Subdimension,
                                weight: s.weight,
                                children: leaves(&d.id, Some(&s.id)),
                            })
                            .collect(),
                    )
                };
                WeightNode {
                    id: d.id.clone(),
                    kind: NodeKind::Dimension,
                    weight: d.weight,
                    children,
                }
            })
            .collect();
        WeightTree {
            dimensions: normalised(dimensions),
        }
    }

    /// Every inner node (composites, sub-dimensions, dimensions) grouped by height, lowest first:
    /// each group only reads the scores of groups before it.
    pub fn inner_nodes_by_height(&self) -> Vec<Vec<&WeightNode>> {
        let mut inner = Vec::new();
        for dimension in &self.dimensions {
            dimension.inner_nodes(&mut inner);
        }
        let top = inner.iter().map(|n| n.height()).max().unwrap_or(0);
        (1..=top)
            .map(|h| inner.iter().copied().filter(|n| n.height() == h).collect())
            .filter(|level: &Vec<&WeightNode>| !level.is_empty())
            .collect()
    }

    /// The node `id`, to change its children's weights.
    pub fn node_mut(&mut self, id: &str) -> Option<&mut WeightNode> {
        fn find<'a>(node: &'a mut WeightNode, id: &str) -> Option<&'a mut WeightNode> {
            if node.id == id {
                return Some(node);
            }
            node.children.iter_mut().find_map(|c| find(c, id))
        }
        self.dimensions.iter_mut().find_map(|d| find(d, id))
    }

    /// Whether the tree computes a score for the node `id`.
    pub fn contains(&self, id: &str) -> bool {
        fn find(node: &WeightNode, id: &str) -> bool {
            node.id == id || node.children.iter().any(|c| find(c, id))
        }
        self.dimensions.iter().any(|d| find(d, id))
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
        let tree = WeightTree::from_scheme(&scheme);
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
