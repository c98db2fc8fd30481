//! VIKOR (Opricovic): a compromise ranking between group utility S and individual regret R.
//!
//! f*_j = best value of criterion j (max for benefit, min for cost), f⁻_j = worst;
//! t_ij = w_j (f*_j − f_ij)/(f*_j − f⁻_j); S_i = Σ_j t_ij; R_i = max_j t_ij;
//! Q_i = v (S_i − S*)/(S⁻ − S*) + (1 − v)(R_i − R*)/(R⁻ − R*), with S* = min S, S⁻ = max S (same
//! for R) and v = 0.5 by default; ranked by Q ascending (lower is better).
//!
//! Compromise (scikit-criteria `agg/vikor.py`): a1, a2 are the first and second by Q (ties by row
//! order, i.e. id). C1, acceptable advantage: Q(a2) − Q(a1) ≥ DQ = 1/(n − 1). C2, acceptable
//! stability: a1 is also best by S or by R. Both hold → {a1}; only C2 fails → {a1, a2}; C1 fails →
//! every a with Q(a) − Q(a1) < DQ. A single alternative is its own compromise (DQ undefined).
//!
//! Policy when S or R is constant (S⁻ = S*, or R⁻ = R*): that term of Q is 0, as scikit-criteria
//! does (pymcdm returns NaN; pyrepo replaces the extremes by 0 and 1, which adds the raw R to Q in
//! other units). Why: a constant measure tells no alternative from another, so it must not move Q,
//! and Q then orders alternatives by the informative term alone, without NaN. On X with equal
//! weights R is constant (0.25) and Q = [0.25, 0.5, 0, 0.28125, 0.34375]. When both are constant
//! (all alternatives alike, or a single one) Q = 0 for all.
//!
//! Policy for a constant criterion (f* = f⁻): its t is 0 for every alternative — it is ignored,
//! as scikit-criteria does (pymcdm raises; pyrepo sets f* = 1, f⁻ = 0).

use polars::prelude::*;

use super::{scratch, within, Criterion, Direction};

pub const S: &str = "mcda.vikor.S";
pub const R: &str = "mcda.vikor.R";
pub const Q: &str = "mcda.vikor.Q";

/// The column of t_ij for a criterion.
pub fn term_column(criterion: &Criterion) -> String {
    scratch("t", &criterion.name)
}

/// f* (`best = true`) or f⁻ of a criterion.
pub fn extreme(x: Expr, direction: Direction, best: bool, over: Option<&str>) -> Expr {
    let max = (direction == Direction::Benefit) == best;
    within(if max { x.max() } else { x.min() }, over)
}

/// (value − min)/(max − min) of a column, 0 when the column is constant.
pub fn scaled(x: Expr, over: Option<&str>) -> Expr {
    let low = within(x.clone().min(), over);
    let spread = within(x.clone().max(), over) - low.clone();
    when(spread.clone().gt(lit(0.0)))
        .then((x - low).true_div(spread))
        .otherwise(lit(0.0))
}

/// The largest of `terms` per row, missing where any term is (as their sum is); 0 without
/// terms. Written as one horizontal maximum: a chain of `when(a >= b)` would repeat every term
/// twice per criterion, an expression of 2^m nodes for m criteria.
pub fn largest(terms: &[Expr]) -> Expr {
    let Some(any_missing) = terms
        .iter()
        .map(|t| t.clone().is_null())
        .reduce(|a, b| a.or(b))
    else {
        return lit(0.0);
    };
    match polars::lazy::dsl::max_horizontal(terms) {
        Ok(max) => when(any_missing)
            .then(lit(NULL).cast(DataType::Float64))
            .otherwise(max),
        Err(_) => lit(0.0),
    }
}

/// The stages computing t (`mcda.t.<criterion>`), S, R and Q (the constants of this module).
pub fn stages(
    criteria: &[Criterion],
    weights: &[Expr],
    v: f64,
    over: Option<&str>,
) -> Vec<Vec<Expr>> {
    let terms: Vec<Expr> = criteria
        .iter()
        .zip(weights)
        .map(|(c, w)| {
            let best = extreme(c.col(), c.direction, true, over);
            let worst = extreme(c.col(), c.direction, false, over);
            let gap = best.clone() - worst;
            when(gap.clone().neq(lit(0.0)))
                .then(w.clone() * (best - c.col()).true_div(gap))
                .otherwise(lit(0.0))
                .alias(term_column(c))
        })
        .collect();
    let t: Vec<Expr> = criteria.iter().map(|c| col(term_column(c))).collect();
    let s = t
        .iter()
        .cloned()
        .reduce(|a, b| a + b)
        .unwrap_or_else(|| lit(0.0));
    let r = largest(&t);
    let q = lit(v) * scaled(col(S), over) + lit(1.0 - v) * scaled(col(R), over);
    vec![terms, vec![s.alias(S), r.alias(R)], vec![q.alias(Q)]]
}

/// The compromise conditions and set of one group of alternatives.
#[derive(Debug, Clone, PartialEq)]
pub struct Compromise {
    /// DQ = 1/(n − 1) (`None` for one alternative).
    pub dq: Option<f64>,
    /// Q(a2) − Q(a1).
    pub advantage: Option<f64>,
    /// C1, acceptable advantage.
    pub c1: bool,
    /// C2, acceptable stability.
    pub c2: bool,
    /// Row indices of the compromise set, best Q first.
    pub set: Vec<usize>,
}

/// C1, C2 and the compromise set from Q, S and R of the alternatives (rows in id order: ties in
/// Q go to the earlier row).
pub fn compromise(q: &[f64], s: &[f64], r: &[f64]) -> Compromise {
    let n = q.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| q[a].total_cmp(&q[b]).then(a.cmp(&b)));
    if n < 2 {
        return Compromise {
            dq: None,
            advantage: None,
            c1: true,
            c2: true,
            set: order,
        };
    }
    let (a1, a2) = (order[0], order[1]);
    let dq = 1.0 / (n as f64 - 1.0);
    let advantage = q[a2] - q[a1];
    let tolerance = 1e-12;
    let c1 = advantage >= dq - tolerance;
    let best = |x: &[f64]| x.iter().copied().fold(f64::INFINITY, f64::min);
    let c2 = s[a1] <= best(s) + tolerance || r[a1] <= best(r) + tolerance;
    let set = if !c1 {
        order
            .iter()
            .copied()
            .filter(|&i| q[i] - q[a1] < dq - tolerance)
            .collect()
    } else if !c2 {
        vec![a1, a2]
    } else {
        vec![a1]
    };
    Compromise {
        dq: Some(dq),
        advantage: Some(advantage),
        c1,
        c2,
        set,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{close, column, criteria, matrix_frame, x_frame};
    use super::*;

    fn run(frame: &DataFrame, criteria: &[Criterion], w: &[f64], v: f64) -> [Vec<f64>; 3] {
        let weights: Vec<Expr> = w.iter().map(|w| lit(*w)).collect();
        let stages = stages(criteria, &weights, v, None);
        [S, R, Q].map(|name| column(frame, &stages, name))
    }

    #[test]
    fn reference_fixture() {
        // methods.md §1.5, X, column 1 cost, w = [.4, .3, .2, .1]:
        // S = [0.6, 0.566667, 0.433333, 0.533333, 0.5], R = [0.3, 0.3, 0.4, 0.3, 0.3],
        // Q = [0.5, 0.4, 0.5, 0.3, 0.2]
        let [s, r, q] = run(&x_frame(), &criteria(4, &[1]), &[0.4, 0.3, 0.2, 0.1], 0.5);
        close(&s, &[0.6, 0.566667, 0.433333, 0.533333, 0.5], 1e-6);
        close(&r, &[0.3, 0.3, 0.4, 0.3, 0.3], 1e-12);
        close(&q, &[0.5, 0.4, 0.5, 0.3, 0.2], 1e-12);
        // C1 fails (Q(a4) − Q(a5) = 0.1 < DQ = 0.25): the set is every a with Q − 0.2 < 0.25,
        // {a5, a4, a2} = rows 4, 3, 1 — skcriteria's compromise set {2, 4, 5}.
        let comp = compromise(&q, &s, &r);
        assert!(!comp.c1);
        assert!(comp.c2, "a5 ties for the best R (0.3)");
        assert_eq!(comp.set, [4, 3, 1]);
        close(
            &[comp.dq.unwrap(), comp.advantage.unwrap()],
            &[0.25, 0.1],
            1e-12,
        );
    }

    #[test]
    fn constant_r_zeroes_its_term() {
        // Equal weights on X: R = 0.25 for all. Policy: the R term is 0, so
        // Q = 0.5·(S − S*)/(S⁻ − S*) = [0.25, 0.5, 0, 0.28125, 0.34375] (skcriteria).
        let [s, r, q] = run(&x_frame(), &criteria(4, &[1]), &[0.25; 4], 0.5);
        close(&r, &[0.25; 5], 1e-12);
        close(&s, &[0.5, 0.666667, 0.333333, 0.520833, 0.5625], 1e-6);
        close(&q, &[0.25, 0.5, 0.0, 0.28125, 0.34375], 1e-12);
        assert!(q.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn constant_criterion_is_ignored_and_identical_alternatives_tie() {
        // c2 constant: its t is 0. c1 benefit [1, 2, 4]: t1 = 0.5·(4 − x)/3 = [0.5, 1/3, 0].
        let frame = matrix_frame(&[vec![1.0, 9.0], vec![2.0, 9.0], vec![4.0, 9.0]], "a");
        let [s, r, q] = run(&frame, &criteria(2, &[]), &[0.5, 0.5], 0.5);
        close(&s, &[0.5, 1.0 / 3.0, 0.0], 1e-12);
        close(&r, &[0.5, 1.0 / 3.0, 0.0], 1e-12);
        close(&q, &[1.0, 2.0 / 3.0, 0.0], 1e-12);
        let same = matrix_frame(&[vec![1.0, 9.0], vec![1.0, 9.0]], "a");
        let [_, _, q] = run(&same, &criteria(2, &[]), &[0.5, 0.5], 0.5);
        assert_eq!(q, [0.0, 0.0]);
        // Both tie: C1 fails (advantage 0 < DQ = 1), the compromise set holds both.
        assert_eq!(compromise(&q, &q, &q).set, [0, 1]);
    }

    #[test]
    fn compromise_when_only_stability_fails_and_for_one_alternative() {
        // Q: a1 = 0 best by a clear margin (1 ≥ DQ = 1) but worst by S and R: {a1, a2}.
        let comp = compromise(&[0.0, 1.0], &[1.0, 0.0], &[1.0, 0.0]);
        assert!(comp.c1 && !comp.c2);
        assert_eq!(comp.set, [0, 1]);
        let comp = compromise(&[0.0, 1.0], &[0.0, 1.0], &[0.0, 1.0]);
        assert_eq!(comp.set, [0]);
        let one = compromise(&[0.0], &[0.0], &[0.0]);
        assert_eq!((one.set, one.dq), (vec![0], None));
    }

    #[test]
    fn v_weighs_the_two_terms() {
        // v = 1: Q is the scaled S alone.
        let [s, _, q] = run(&x_frame(), &criteria(4, &[1]), &[0.4, 0.3, 0.2, 0.1], 1.0);
        let (lo, hi) = (0.433333, 0.6);
        let expected: Vec<f64> = s.iter().map(|x| (x - lo) / (hi - lo)).collect();
        close(&q, &expected, 1e-5);
    }
}
