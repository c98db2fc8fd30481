//! Formulas computed once: a `let` binding read by several formulas is one column, not a copy of
//! its expression in each, and no formula may grow past a fixed number of expression nodes.
//!
//! A script runs once and leaves polars expressions behind. Copied naively, a binding read twice
//! is evaluated twice, and `f = f + f` forty times is a tree of 2^40 nodes before polars sees it
//! (polars' common-subexpression elimination would act only after expanding that tree, and it is
//! not compiled into jixiao). Here, the first time a script reads a variable holding a formula
//! larger than a column or a constant, the variable's value becomes a reference to an
//! [`Intermediate`]: the internal column `__let{n}`, whose expression is kept aside and reads the
//! intermediates it was built from by their columns. The script goes on with references, so a
//! formula is as large as its own text, whatever it reuses.
//!
//! When the scheme is planned, [`Resolution`] counts how often each intermediate is read. One
//! read once and small is put back in place (inlined); the others are computed once, each in a
//! stage of its own depth before the indicators, reading only earlier stages. Every planned
//! expression is counted in nodes ([`node_count`]) and refused above [`MAX_FORMULA_NODES`]
//! before polars plans it: a script is untrusted and must not exhaust memory.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use polars::polars_utils::idx_vec::UnitVec;
use polars::prelude::*;
use rhai::EvalAltResult;

use super::formula::Formula;
use crate::columns::{intermediate_column, intermediate_zero_column};

/// Most nodes one planned expression may have, shared intermediates counted once (as columns).
/// The shipped schemes' largest formula has a few hundred; a script that needs more is refused
/// at the formula rather than left to exhaust memory in polars' planner.
pub const MAX_FORMULA_NODES: usize = 20_000;

/// An intermediate read once is put back in place when it has at most this many nodes; a larger
/// one is computed in a stage of its own, so chains of bindings stay shallow expressions.
pub const INLINE_NODES: usize = 64;

/// A formula bound by a script and read by others: computed once, as the column
/// [`intermediate_column`]`(id)`.
#[derive(Debug)]
pub struct Intermediate {
    /// Numbered in the order the scripts made them: an intermediate reads only lower ids.
    pub id: u64,
    /// The variable it was read from, for errors.
    pub binding: String,
    /// Its expression, reading the intermediates in `deps` by their columns.
    pub expr: Expr,
    /// True on rows where one of its divisions has a zero denominator (none without divisions).
    pub zero: Option<Expr>,
    /// The intermediates `expr` and `zero` read.
    pub deps: Vec<Arc<Intermediate>>,
}

/// Number of nodes of `expr` as polars will plan it: a subexpression used twice counts twice.
/// Shared subexpressions are visited once (memoised by address), so counting a tree that repeats
/// itself takes time in proportion to its stored size, not its expanded size; the count
/// saturates instead of overflowing.
pub fn node_count(expr: &Expr) -> usize {
    fn go(expr: &Expr, memo: &mut HashMap<usize, usize>) -> usize {
        let key = expr as *const Expr as usize;
        if let Some(&n) = memo.get(&key) {
            return n;
        }
        let mut children: UnitVec<&Expr> = UnitVec::new();
        expr.nodes(&mut children);
        let n = children
            .iter()
            .fold(1usize, |n, child| n.saturating_add(go(child, memo)));
        memo.insert(key, n);
        n
    }
    go(expr, &mut HashMap::new())
}

/// A column, a constant, or one of them cast or named: cheaper to repeat than to store.
fn is_leaf(expr: &Expr) -> bool {
    match expr {
        Expr::Column(_) | Expr::Literal(_) | Expr::Len => true,
        Expr::Cast { expr, .. } | Expr::Alias(expr, _) => is_leaf(expr),
        _ => false,
    }
}

/// Whether reading `formula` from a variable should turn it into a reference.
pub fn worth_sharing(formula: &Formula) -> bool {
    !is_leaf(&formula.expr)
}

/// The refusal of a formula of `nodes` nodes, raised at the script position rhai fills in.
pub fn too_large(what: &str, nodes: usize) -> Box<EvalAltResult> {
    super::types::mismatch(
        format!(
            "{what} has {nodes} expression nodes, more than the {MAX_FORMULA_NODES} one formula may have"
        ),
        "a formula this large comes from nesting a function in itself many times; bind intermediate results with `let` (each is computed once) or simplify the formula".to_string(),
    )
}

/// `formula`, read from the variable `binding`, as a reference to a new intermediate numbered
/// `id`. Its name (alias) stays on the reference, so a weight marked as a share stays one.
pub fn share(formula: Formula, binding: &str, id: u64) -> Result<Formula, Box<EvalAltResult>> {
    let nodes = node_count(&formula.expr);
    if nodes > MAX_FORMULA_NODES {
        return Err(too_large(&format!("`{binding}`"), nodes));
    }
    let (expr, alias) = match formula.expr {
        Expr::Alias(inner, name) => (Arc::unwrap_or_clone(inner), Some(name)),
        expr => (expr, None),
    };
    let zero = formula
        .zero_denominators
        .iter()
        .cloned()
        .reduce(|a, b| a.or(b));
    let intermediate = Arc::new(Intermediate {
        id,
        binding: binding.to_string(),
        expr,
        zero: zero.clone(),
        deps: formula.lets,
    });
    let mut reference = col(intermediate_column(id));
    if let Some(name) = alias {
        reference = reference.alias(name);
    }
    Ok(Formula {
        expr: reference,
        columns: formula.columns,
        zero_denominators: zero
            .map(|_| vec![col(intermediate_zero_column(id))])
            .unwrap_or_default(),
        shares: formula.shares,
        growths: formula.growths,
        kind: formula.kind,
        lets: vec![intermediate],
    })
}

/// Adds `more` to `lets`, each intermediate once.
pub fn add_lets(lets: &mut Vec<Arc<Intermediate>>, more: &[Arc<Intermediate>]) {
    for m in more {
        if !lets.iter().any(|l| l.id == m.id) {
            lets.push(m.clone());
        }
    }
}

/// A planned expression too large to run, or an intermediate (by its binding) too large.
#[derive(Debug)]
pub struct TooLarge {
    pub binding: Option<String>,
    pub nodes: usize,
}

/// How the intermediates of a set of planned formulas are computed: which are inlined, and the
/// stages that compute the others.
#[derive(Debug, Default)]
pub struct Resolution {
    /// `with_columns` stages computing the stored intermediates (and their zero-denominator
    /// flags), in order; each reads only the data and earlier stages.
    pub stages: Vec<Vec<Expr>>,
    /// Column name of an inlined intermediate → its expression.
    inline: HashMap<String, Expr>,
    /// Column name of every intermediate → its whole expression, reading data columns only.
    full: HashMap<String, Expr>,
}

fn intermediate_reads(expr: &Expr, uses: &mut HashMap<String, usize>) {
    for node in expr {
        if let Expr::Column(name) = node {
            if name.starts_with("__let") {
                *uses.entry(name.to_string()).or_default() += 1;
            }
        }
    }
}

fn substitute(expr: &Expr, by: &HashMap<String, Expr>) -> Expr {
    if by.is_empty() {
        return expr.clone();
    }
    expr.clone().map_expr(|e| match &e {
        Expr::Column(name) => by.get(name.as_str()).cloned().unwrap_or(e),
        _ => e,
    })
}

impl Resolution {
    /// Decides, for the intermediates the formulas `roots` read, which are inlined and which
    /// computed in stages. `roots` are every planned formula (indicator values, custom scores,
    /// rules); each must be at most [`MAX_FORMULA_NODES`] before and after inlining.
    pub fn new<'a>(roots: impl IntoIterator<Item = &'a Formula>) -> Result<Resolution, TooLarge> {
        let roots: Vec<&Formula> = roots.into_iter().collect();
        // Every intermediate reachable, in the order they were made (dependencies first).
        let mut all: Vec<Arc<Intermediate>> = Vec::new();
        let mut seen: HashSet<u64> = HashSet::new();
        let mut stack: Vec<Arc<Intermediate>> =
            roots.iter().flat_map(|r| r.lets.iter().cloned()).collect();
        while let Some(next) = stack.pop() {
            if seen.insert(next.id) {
                stack.extend(next.deps.iter().cloned());
                all.push(next);
            }
        }
        all.sort_by_key(|i| i.id);

        // How often each is read, by the roots and by each other. Counted on expressions of
        // bounded size only (checked first), so the walk is short.
        let mut uses: HashMap<String, usize> = HashMap::new();
        // A root too large is skipped here and refused, located, by `planned`.
        let mut count = |expr: &Expr, binding: Option<&str>| -> Result<(), TooLarge> {
            let nodes = node_count(expr);
            match binding {
                _ if nodes <= MAX_FORMULA_NODES => intermediate_reads(expr, &mut uses),
                None => {}
                Some(binding) => {
                    return Err(TooLarge {
                        binding: Some(binding.to_string()),
                        nodes,
                    })
                }
            }
            Ok(())
        };
        for root in &roots {
            count(&root.expr, None)?;
            for zero in &root.zero_denominators {
                count(zero, None)?;
            }
        }
        for i in &all {
            count(&i.expr, Some(&i.binding))?;
            if let Some(zero) = &i.zero {
                count(zero, Some(&i.binding))?;
            }
        }
        let mut resolution = Resolution::default();
        let mut depth: HashMap<String, usize> = HashMap::new();
        for i in &all {
            let name = intermediate_column(i.id);
            let zero_name = intermediate_zero_column(i.id);
            let expr = substitute(&i.expr, &resolution.inline);
            let zero = i.zero.as_ref().map(|z| substitute(z, &resolution.inline));
            let nodes = node_count(&expr);
            if nodes > MAX_FORMULA_NODES {
                return Err(TooLarge {
                    binding: Some(i.binding.clone()),
                    nodes,
                });
            }
            let full = substitute(&i.expr, &resolution.full);
            resolution.full.insert(name.clone(), full);
            if let Some(z) = &i.zero {
                let full = substitute(z, &resolution.full);
                resolution.full.insert(zero_name.clone(), full);
            }
            if uses.get(&name).copied().unwrap_or(0) <= 1 && nodes <= INLINE_NODES {
                resolution.inline.insert(name, expr);
                if let Some(zero) = zero {
                    resolution.inline.insert(zero_name, zero);
                }
                continue;
            }
            // Stored: one stage after the deepest stored intermediate it reads.
            let mut reads = HashMap::new();
            intermediate_reads(&expr, &mut reads);
            if let Some(zero) = &zero {
                intermediate_reads(zero, &mut reads);
            }
            let level = reads
                .keys()
                .filter_map(|r| depth.get(r.trim_end_matches("|zero")))
                .max()
                .map_or(0, |d| d + 1);
            depth.insert(name.clone(), level);
            if resolution.stages.len() <= level {
                resolution.stages.resize(level + 1, Vec::new());
            }
            resolution.stages[level].push(expr.alias(name));
            if let Some(zero) = zero {
                resolution.stages[level].push(zero.alias(zero_name));
            }
        }
        Ok(resolution)
    }

    /// `expr` reading stored intermediates by their columns, inlined ones put back in place;
    /// refused when it has more than [`MAX_FORMULA_NODES`] nodes, counted before anything walks
    /// the whole tree.
    pub fn planned(&self, expr: &Expr) -> Result<Expr, TooLarge> {
        Self::within_cap(expr)?;
        let out = substitute(expr, &self.inline);
        Self::within_cap(&out)?;
        Ok(out)
    }

    /// `expr` with every intermediate put back in place, reading data columns only (for checks
    /// that run on the loaded data, before the stages).
    pub fn expanded(&self, expr: &Expr) -> Result<Expr, TooLarge> {
        Self::within_cap(expr)?;
        let out = substitute(expr, &self.full);
        Self::within_cap(&out)?;
        Ok(out)
    }

    fn within_cap(expr: &Expr) -> Result<(), TooLarge> {
        let nodes = node_count(expr);
        if nodes > MAX_FORMULA_NODES {
            return Err(TooLarge {
                binding: None,
                nodes,
            });
        }
        Ok(())
    }

    /// Nodes of every stage's expressions together.
    pub fn stage_nodes(&self) -> usize {
        self.stages.iter().flatten().map(node_count).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::sandbox::{engine_for_scheme, SourceTexts};

    fn formula(script: &str) -> Formula {
        let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
        engine.eval::<Formula>(script).unwrap()
    }

    #[test]
    fn a_variable_read_twice_is_one_intermediate() {
        let f = formula("let a = col(\"x\") * 2 + 1; a * a");
        assert_eq!(f.lets.len(), 1, "{f:?}");
        assert_eq!(node_count(&f.expr), 3);
        assert_eq!(node_count(&f.lets[0].expr), 5);
        // A column or a constant is repeated, not shared.
        let f = formula("let a = col(\"x\"); a * a");
        assert!(f.lets.is_empty());
    }
}
