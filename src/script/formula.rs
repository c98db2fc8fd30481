//! `Formula`: the rhai value that wraps a polars expression, and every function scripts may call on it.
//!
//! A script never sees rows. `col("出院人数")` returns a `Formula` standing for the whole column;
//! `+ - * / % **`, comparisons and `& | !` combine formulas with each other and with plain numbers
//! (either side); functions such as `ratio`, `if_else`, `mean` or `group_rank` build larger
//! expressions. Polars evaluates the result vectorised, once per run.
//!
//! Each formula also carries the columns it reads (with the script position of the `col`/`prev`
//! call, so a missing column is reported at the right line), the denominators of its divisions,
//! so that rows nulled by a zero denominator can be counted in the run summary, and the
//! part-of-whole pairs of its `share(part, whole)` calls, so that validation can report rows
//! whose part exceeds the whole (impossible data) with the columns involved.

use std::sync::Arc;

use polars::prelude::*;
use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, NativeCallContext, Position};

use super::shared::{add_lets, Intermediate};
pub use super::types::Kind;
use super::types::{common_kind, expect_condition, expect_number};
use crate::columns::{PEER_GROUP_COLUMN, PREVIOUS_SUFFIX};

/// Which period a referenced column belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Current,
    Previous,
}

/// A data column named by a script, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnRef {
    pub name: String,
    pub period: Period,
    /// For `levels(…)`: the column holds graded levels as text, each standing for a number.
    pub levels: Option<Vec<(String, f64)>>,
    /// Script source name (file path) of the call, if known.
    pub source: Option<String>,
    pub line: usize,
    pub column: usize,
}

impl ColumnRef {
    /// The name of the column in the joined frame the formulas run on.
    pub fn frame_column(&self) -> String {
        match self.period {
            Period::Current => self.name.clone(),
            Period::Previous => format!("{}{PREVIOUS_SUFFIX}", self.name),
        }
    }
}

/// A vectorised formula: a polars expression plus what it reads and where it divides.
#[derive(Debug, Clone)]
pub struct Formula {
    pub expr: Expr,
    pub columns: Vec<ColumnRef>,
    /// Boolean expressions, true on rows where a division's denominator is zero.
    pub zero_denominators: Vec<Expr>,
    /// The `share(part, whole)` calls inside this formula.
    pub shares: Vec<PartOfWhole>,
    /// The `growth(now, before)` calls inside this formula: the levels its growth rates are
    /// computed from, shown beside the indicator (`crate::indicators::level_exprs`).
    pub growths: Vec<Growth>,
    /// What its values are: numbers, conditions or text (see `super::types`).
    pub kind: Kind,
    /// The shared intermediates its expression reads by column (see `super::shared`).
    pub lets: Vec<Arc<Intermediate>>,
}

/// A `share(part, whole)` call: the part counts a subset of what the whole counts (operated
/// patients among discharged patients), so a part larger than its whole is impossible data.
/// The share is missing on such rows; validation reports them with the columns read.
#[derive(Debug, Clone)]
pub struct PartOfWhole {
    pub part: Expr,
    pub whole: Expr,
    /// Columns the part and the whole read, as named in the data (`@prev` for last year's).
    pub part_columns: Vec<String>,
    pub whole_columns: Vec<String>,
    /// Script source name (file path) and 1-based position of the `share` call.
    pub source: Option<String>,
    pub line: usize,
    pub column: usize,
}

impl PartOfWhole {
    /// True on rows where the part exceeds the whole (null when either is missing).
    pub fn exceeds(&self) -> Expr {
        self.part
            .clone()
            .cast(DataType::Float64)
            .gt(self.whole.clone().cast(DataType::Float64))
    }
}

/// A `growth(now, before)` call: a growth rate, (now − before) / before × 100, and the two
/// levels it compares (this period's and the previous period's 次均费用, 收入…).
#[derive(Debug, Clone, PartialEq)]
pub struct Growth {
    pub now: Expr,
    pub before: Expr,
}

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

impl Formula {
    /// A formula of numbers reading no column.
    pub fn constant(value: Expr) -> Formula {
        Formula::literal(value, Kind::Number)
    }

    fn literal(value: Expr, kind: Kind) -> Formula {
        Formula {
            expr: value,
            columns: Vec::new(),
            zero_denominators: Vec::new(),
            shares: Vec::new(),
            growths: Vec::new(),
            kind,
            lets: Vec::new(),
        }
    }

    /// Converts a script value into a formula that must hold numbers (an argument of `ratio`,
    /// `mean`, a scoring method…); text or a condition is refused at the call.
    pub fn number(value: Dynamic) -> RhaiResult<Formula> {
        let formula = Formula::from_dynamic(value)?;
        expect_number(&formula, "this function")?;
        Ok(formula)
    }

    /// Converts a script value (formula, number, bool, string or `()`) into a formula.
    pub fn from_dynamic(value: Dynamic) -> RhaiResult<Formula> {
        if value.is::<Formula>() {
            return Ok(value.cast::<Formula>());
        }
        let (expr, kind) = if let Some(v) = value.clone().try_cast::<rhai::INT>() {
            (lit(v as f64), Kind::Number)
        } else if let Some(v) = value.clone().try_cast::<rhai::FLOAT>() {
            (lit(v), Kind::Number)
        } else if let Some(v) = value.clone().try_cast::<bool>() {
            (lit(v), Kind::Condition)
        } else if let Some(v) = value.clone().try_cast::<ImmutableString>() {
            (lit(v.as_str()), Kind::Text)
        } else if value.is_unit() {
            (lit(NULL).cast(DataType::Float64), Kind::Missing)
        } else {
            return Err(format!(
                "a {} cannot be used in a formula (expected a formula, a number, true/false or a string)",
                value.type_name()
            )
            .into());
        };
        Ok(Formula::literal(expr, kind))
    }

    /// Combines the bookkeeping of several formulas around a new expression. What two parts
    /// share (a binding read twice) is kept once, so that it does not double with every reuse.
    pub(super) fn merge(expr: Expr, kind: Kind, parts: &[&Formula]) -> Formula {
        let mut out = Formula::literal(expr, kind);
        for part in parts {
            out.absorb(part);
        }
        out
    }

    /// Adds the columns, zero denominators, shares and intermediates `part` reads to this
    /// formula's, each once.
    pub(super) fn absorb(&mut self, part: &Formula) {
        for c in &part.columns {
            if !self.columns.contains(c) {
                self.columns.push(c.clone());
            }
        }
        for z in &part.zero_denominators {
            if !self.zero_denominators.contains(z) {
                self.zero_denominators.push(z.clone());
            }
        }
        for s in &part.shares {
            let same = |t: &PartOfWhole| {
                (&t.source, t.line, t.column) == (&s.source, s.line, s.column)
                    && t.part == s.part
                    && t.whole == s.whole
            };
            if !self.shares.iter().any(same) {
                self.shares.push(s.clone());
            }
        }
        for g in &part.growths {
            if !self.growths.contains(g) {
                self.growths.push(g.clone());
            }
        }
        add_lets(&mut self.lets, &part.lets);
    }

    pub(super) fn map(self, f: impl FnOnce(Expr) -> Expr) -> Formula {
        Formula {
            expr: f(self.expr),
            ..self
        }
    }

    /// Combines two formulas of numbers into a formula of numbers (the caller changes the kind
    /// of a comparison).
    pub(super) fn zip(a: Formula, b: Formula, f: impl FnOnce(Expr, Expr) -> Expr) -> Formula {
        let expr = f(a.expr.clone(), b.expr.clone());
        Formula::merge(expr, Kind::Number, &[&a, &b])
    }

    /// `num / den`, null where `den` is zero (counted) or null.
    pub fn ratio(num: Formula, den: Formula) -> Formula {
        let den_is_zero = den.expr.clone().eq(lit(0.0));
        let expr = when(den_is_zero.clone())
            .then(lit(NULL).cast(DataType::Float64))
            .otherwise(
                num.expr
                    .clone()
                    .cast(DataType::Float64)
                    .true_div(den.expr.clone()),
            );
        let mut out = Formula::merge(expr, Kind::Number, &[&num, &den]);
        out.zero_denominators.push(den_is_zero);
        out
    }

    /// `part / whole` where the part is a subset of the whole: a ratio (null where `whole` is
    /// zero, counted), also null where `part > whole`, which is impossible data (recorded for
    /// validation, counted per indicator).
    pub fn share(ctx: &NativeCallContext, part: Formula, whole: Formula) -> Formula {
        let pos: Position = ctx.call_position();
        let names = |f: &Formula| -> Vec<String> {
            let mut names: Vec<String> = Vec::new();
            for c in &f.columns {
                let name = c.frame_column();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            names
        };
        let check = PartOfWhole {
            part: part.expr.clone(),
            whole: whole.expr.clone(),
            part_columns: names(&part),
            whole_columns: names(&whole),
            source: ctx.call_source().map(str::to_string),
            line: pos.line().unwrap_or(0),
            column: pos.position().unwrap_or(0),
        };
        let exceeds = check.exceeds();
        let mut out = Formula::ratio(part, whole).map(|ratio| {
            when(exceeds.fill_null(lit(false)))
                .then(lit(NULL).cast(DataType::Float64))
                .otherwise(ratio)
        });
        out.shares.push(check);
        out
    }
}

fn peer(expr: Expr) -> RhaiResult<Expr> {
    expr.over([col(PEER_GROUP_COLUMN)])
        .map_err(|e| format!("cannot group by peer group: {e}").into())
}

fn column_ref(ctx: &NativeCallContext, name: &str, period: Period) -> RhaiResult<Formula> {
    if name.is_empty() {
        return Err("a column name cannot be empty".into());
    }
    if name.starts_with("__") || name.contains(PREVIOUS_SUFFIX) {
        return Err(super::types::mismatch(
            format!("\"{name}\" is a column jixiao adds itself, not a column of the data"),
            format!("formulas read the data's columns; names starting with `__` and ending in `{PREVIOUS_SUFFIX}` are jixiao's own (read last year's value with prev(\"…\"))"),
        ));
    }
    let pos: Position = ctx.call_position();
    let reference = ColumnRef {
        name: name.to_string(),
        period,
        levels: None,
        source: ctx.call_source().map(str::to_string),
        line: pos.line().unwrap_or(0),
        column: pos.position().unwrap_or(0),
    };
    Ok(Formula {
        expr: col(reference.frame_column()),
        columns: vec![reference],
        zero_denominators: Vec::new(),
        shares: Vec::new(),
        growths: Vec::new(),
        kind: Kind::Number,
        lets: Vec::new(),
    })
}

fn rank_options(descending: bool) -> RankOptions {
    RankOptions {
        method: RankMethod::Min,
        descending,
    }
}

/// Excel's RANK.EQ: 1 for the largest value by default; `order` "asc" ranks the smallest first.
fn rank_expr(x: Expr, order: &str) -> RhaiResult<Expr> {
    let descending = match order {
        "desc" => true,
        "asc" => false,
        other => {
            return Err(format!(
            "rank order must be \"desc\" (largest = 1) or \"asc\" (smallest = 1), not \"{other}\""
        )
            .into())
        }
    };
    Ok(x.rank(rank_options(descending), None)
        .cast(DataType::Float64))
}

/// Excel's PERCENTRANK.INC: share of the other values that are smaller, 0 to 1.
fn pct_rank_expr(x: Expr, grouped: bool) -> RhaiResult<Expr> {
    let mut rank = x
        .clone()
        .rank(rank_options(false), None)
        .cast(DataType::Float64);
    let mut count = x.count().cast(DataType::Float64);
    if grouped {
        rank = peer(rank)?;
        count = peer(count)?;
    }
    Ok(when(count.clone().eq(lit(1.0)))
        .then(lit(1.0))
        .otherwise((rank - lit(1.0)).true_div(count - lit(1.0))))
}

fn to_f64(value: Dynamic, what: &str) -> RhaiResult<f64> {
    if let Some(v) = value.clone().try_cast::<rhai::FLOAT>() {
        Ok(v)
    } else if let Some(v) = value.try_cast::<rhai::INT>() {
        Ok(v as f64)
    } else {
        Err(format!("{what} must be a plain number").into())
    }
}

/// Registers the `Formula` type, its operators and functions on `engine`.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<Formula>("Formula");

    // Operators, checked for the kinds of their operands.
    super::types::register(engine);

    // A variable holding a formula becomes a reference to a shared intermediate the first time
    // it is read, so that reusing it does not copy its expression (see `super::shared`).
    let ids = std::sync::atomic::AtomicU64::new(1);
    // rhai marks `on_var` as volatile (not deprecated): its signature may change in a later rhai.
    #[allow(deprecated)]
    engine.on_var(move |name, _, mut context| {
        let scope = context.scope_mut();
        let holds_formula = scope
            .get(name)
            .is_some_and(|v| !v.is_shared() && v.is::<Formula>());
        if !holds_formula {
            return Ok(None);
        }
        if let Some(formula) = scope.get_value_mut::<Formula>(name) {
            if super::shared::worth_sharing(formula) {
                let id = ids.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let owned = std::mem::replace(formula, Formula::constant(lit(NULL)));
                *formula = super::shared::share(owned, name, id)?;
            }
        }
        Ok(None)
    });

    // Sources of data.
    engine.register_fn("col", |ctx: NativeCallContext, name: &str| {
        column_ref(&ctx, name, Period::Current)
    });
    engine.register_fn("prev", |ctx: NativeCallContext, name: &str| {
        column_ref(&ctx, name, Period::Previous)
    });
    engine.register_fn("lit", Formula::from_dynamic);
    engine.register_fn(
        "levels",
        |ctx: NativeCallContext, name: &str, map: rhai::Map| -> RhaiResult<Formula> {
            let mut levels = Vec::new();
            for (level, value) in map {
                let number = value
                    .as_float()
                    .or_else(|_| value.as_int().map(|v| v as f64))
                    .map_err(|t| {
                        format!("level \"{level}\" of column \"{name}\" must stand for a number, not a {t}")
                    })?;
                levels.push((level.to_string(), number));
            }
            if levels.is_empty() {
                return Err(format!("levels(\"{name}\", …) needs at least one level").into());
            }
            let mut formula = column_ref(&ctx, name, Period::Current)?;
            formula.columns[0].levels = Some(levels);
            Ok(formula)
        },
    );

    // Arithmetic helpers. Arguments accept formulas or plain numbers.
    let f = Formula::number;
    engine.register_fn("ratio", move |n: Dynamic, d: Dynamic| {
        Ok::<_, Box<EvalAltResult>>(Formula::ratio(f(n)?, f(d)?))
    });
    engine.register_fn("pct", move |x: Dynamic| {
        Ok::<_, Box<EvalAltResult>>(f(x)?.map(|x| x * lit(100.0)))
    });
    engine.register_fn("pct", move |n: Dynamic, d: Dynamic| {
        Ok::<_, Box<EvalAltResult>>(Formula::ratio(f(n)?, f(d)?).map(|x| x * lit(100.0)))
    });
    engine.register_fn("growth", move |now: Dynamic, before: Dynamic| {
        let (now, before) = (f(now)?, f(before)?);
        let growth = Growth {
            now: now.expr.clone(),
            before: before.expr.clone(),
        };
        let change = Formula::zip(now, before.clone(), |a, b| a - b);
        let mut out = Formula::ratio(change, before).map(|x| x * lit(100.0));
        out.growths.push(growth);
        Ok::<_, Box<EvalAltResult>>(out)
    });
    engine.register_fn(
        "share",
        move |ctx: NativeCallContext, n: Dynamic, d: Dynamic| {
            Ok::<_, Box<EvalAltResult>>(Formula::share(&ctx, f(n)?, f(d)?))
        },
    );
    engine.register_fn(
        "share_pct",
        move |ctx: NativeCallContext, n: Dynamic, d: Dynamic| {
            Ok::<_, Box<EvalAltResult>>(Formula::share(&ctx, f(n)?, f(d)?).map(|x| x * lit(100.0)))
        },
    );
    let any = Formula::from_dynamic;
    engine.register_fn("if_else", move |c: Dynamic, a: Dynamic, b: Dynamic| {
        let (c, a, b) = (any(c)?, any(a)?, any(b)?);
        expect_condition(&c, "if_else's first argument")?;
        let kind = common_kind("if_else's two branches", &[&a, &b])?;
        let expr = when(c.expr.clone())
            .then(super::types::as_kind(&a, kind))
            .otherwise(super::types::as_kind(&b, kind));
        let kind = if kind == Kind::Missing {
            Kind::Number
        } else {
            kind
        };
        Ok::<_, Box<EvalAltResult>>(Formula::merge(expr, kind, &[&c, &a, &b]))
    });
    engine.register_fn("clip", move |x: Dynamic, lo: Dynamic, hi: Dynamic| {
        let (x, lo, hi) = (f(x)?, f(lo)?, f(hi)?);
        let expr = x.expr.clone().clip(lo.expr.clone(), hi.expr.clone());
        Ok::<_, Box<EvalAltResult>>(Formula::merge(expr, Kind::Number, &[&x, &lo, &hi]))
    });
    engine.register_fn("abs", move |x: Dynamic| {
        Ok::<_, Box<EvalAltResult>>(f(x)?.map(|x| x.abs()))
    });
    engine.register_fn("sqrt", move |x: Dynamic| {
        Ok::<_, Box<EvalAltResult>>(f(x)?.map(|x| x.sqrt()))
    });
    engine.register_fn("exp", move |x: Dynamic| {
        Ok::<_, Box<EvalAltResult>>(f(x)?.map(|x| x.exp()))
    });
    engine.register_fn("ln", move |x: Dynamic| {
        Ok::<_, Box<EvalAltResult>>(f(x)?.map(|x| x.log(lit(std::f64::consts::E))))
    });
    engine.register_fn("log10", move |x: Dynamic| {
        Ok::<_, Box<EvalAltResult>>(f(x)?.map(|x| x.log(lit(10.0))))
    });
    engine.register_fn("pow", move |x: Dynamic, p: Dynamic| {
        Ok::<_, Box<EvalAltResult>>(Formula::zip(f(x)?, f(p)?, |x, p| x.pow(p)))
    });
    engine.register_fn("round", move |x: Dynamic, decimals: rhai::INT| {
        let decimals = u32::try_from(decimals).map_err(|_| "round: decimals must be 0 or more")?;
        Ok::<_, Box<EvalAltResult>>(f(x)?.map(|x| x.round(decimals, RoundMode::HalfAwayFromZero)))
    });
    engine.register_fn("min", move |a: Dynamic, b: Dynamic| {
        let (a, b) = (f(a)?, f(b)?);
        let expr = polars::lazy::dsl::min_horizontal([a.expr.clone(), b.expr.clone()])
            .map_err(|e| e.to_string())?;
        Ok::<_, Box<EvalAltResult>>(Formula::merge(expr, Kind::Number, &[&a, &b]))
    });
    engine.register_fn("max", move |a: Dynamic, b: Dynamic| {
        let (a, b) = (f(a)?, f(b)?);
        let expr = polars::lazy::dsl::max_horizontal([a.expr.clone(), b.expr.clone()])
            .map_err(|e| e.to_string())?;
        Ok::<_, Box<EvalAltResult>>(Formula::merge(expr, Kind::Number, &[&a, &b]))
    });
    // Missing values: any kind, the replacement of the same kind as the value.
    fn same_kind(what: &str, parts: Vec<Formula>) -> RhaiResult<(Vec<Formula>, Vec<Expr>, Kind)> {
        let refs: Vec<&Formula> = parts.iter().collect();
        let kind = common_kind(what, &refs)?;
        let exprs = parts
            .iter()
            .map(|p| super::types::as_kind(p, kind))
            .collect();
        let kind = if kind == Kind::Missing {
            Kind::Number
        } else {
            kind
        };
        Ok((parts, exprs, kind))
    }
    engine.register_fn("fill_null", move |x: Dynamic, v: Dynamic| {
        let (parts, exprs, kind) =
            same_kind("fill_null's value and replacement", vec![any(x)?, any(v)?])?;
        let expr = exprs[0].clone().fill_null(exprs[1].clone());
        Ok::<_, Box<EvalAltResult>>(Formula::merge(expr, kind, &[&parts[0], &parts[1]]))
    });
    engine.register_fn("is_null", move |x: Dynamic| {
        let mut out = any(x)?.map(|x| x.is_null());
        out.kind = Kind::Condition;
        Ok::<_, Box<EvalAltResult>>(out)
    });
    engine.register_fn("is_not_null", move |x: Dynamic| {
        let mut out = any(x)?.map(|x| x.is_not_null());
        out.kind = Kind::Condition;
        Ok::<_, Box<EvalAltResult>>(out)
    });
    engine.register_fn("coalesce", move |a: Dynamic, b: Dynamic| {
        let (parts, exprs, kind) = same_kind("coalesce's values", vec![any(a)?, any(b)?])?;
        Ok::<_, Box<EvalAltResult>>(Formula::merge(
            coalesce(&exprs),
            kind,
            &[&parts[0], &parts[1]],
        ))
    });
    engine.register_fn("coalesce", move |items: Array| {
        let parts = items.into_iter().map(any).collect::<RhaiResult<Vec<_>>>()?;
        if parts.is_empty() {
            return Err("coalesce needs at least one value".into());
        }
        let (parts, exprs, kind) = same_kind("coalesce's values", parts)?;
        let refs: Vec<&Formula> = parts.iter().collect();
        Ok::<_, Box<EvalAltResult>>(Formula::merge(coalesce(&exprs), kind, &refs))
    });

    // Column statistics, broadcast to every row; `group_*` within the institution's peer group.
    macro_rules! statistic {
        ($name:literal, $group:literal, |$x:ident| $body:expr) => {{
            engine.register_fn($name, move |x: Dynamic| {
                Ok::<_, Box<EvalAltResult>>(f(x)?.map(|$x| $body))
            });
            engine.register_fn($group, move |x: Dynamic| {
                let x = f(x)?;
                let expr = peer({
                    let $x = x.expr.clone();
                    $body
                })?;
                Ok::<_, Box<EvalAltResult>>(x.map(|_| expr))
            });
        }};
    }
    statistic!("mean", "group_mean", |x| x.mean());
    statistic!("median", "group_median", |x| x.median());
    statistic!("std", "group_std", |x| x.std(1));
    statistic!("min", "group_min", |x| x.min());
    statistic!("max", "group_max", |x| x.max());
    statistic!("sum", "group_sum", |x| x.sum());
    statistic!("count", "group_count", |x| x
        .count()
        .cast(DataType::Float64));
    engine.register_fn("quantile", move |x: Dynamic, q: Dynamic| {
        let q = to_f64(q, "quantile's q")?;
        if !(0.0..=1.0).contains(&q) {
            return Err(format!("quantile's q must be between 0 and 1, not {q}").into());
        }
        Ok::<_, Box<EvalAltResult>>(f(x)?.map(|x| x.quantile(lit(q), QuantileMethod::Linear)))
    });
    engine.register_fn("group_quantile", move |x: Dynamic, q: Dynamic| {
        let q = to_f64(q, "group_quantile's q")?;
        if !(0.0..=1.0).contains(&q) {
            return Err(format!("group_quantile's q must be between 0 and 1, not {q}").into());
        }
        let x = f(x)?;
        let expr = peer(x.expr.clone().quantile(lit(q), QuantileMethod::Linear))?;
        Ok::<_, Box<EvalAltResult>>(x.map(|_| expr))
    });

    // Ranks (1 = largest unless "asc"), ties share the lowest rank (competition, like RANK.EQ).
    engine.register_fn("rank", move |x: Dynamic| {
        let x = f(x)?;
        let expr = rank_expr(x.expr.clone(), "desc")?;
        Ok::<_, Box<EvalAltResult>>(x.map(|_| expr))
    });
    engine.register_fn("rank", move |x: Dynamic, order: &str| {
        let x = f(x)?;
        let expr = rank_expr(x.expr.clone(), order)?;
        Ok::<_, Box<EvalAltResult>>(x.map(|_| expr))
    });
    engine.register_fn("group_rank", move |x: Dynamic| {
        let x = f(x)?;
        let expr = peer(rank_expr(x.expr.clone(), "desc")?)?;
        Ok::<_, Box<EvalAltResult>>(x.map(|_| expr))
    });
    engine.register_fn("group_rank", move |x: Dynamic, order: &str| {
        let x = f(x)?;
        let expr = peer(rank_expr(x.expr.clone(), order)?)?;
        Ok::<_, Box<EvalAltResult>>(x.map(|_| expr))
    });
    engine.register_fn("pct_rank", move |x: Dynamic| {
        let x = f(x)?;
        let expr = pct_rank_expr(x.expr.clone(), false)?;
        Ok::<_, Box<EvalAltResult>>(x.map(|_| expr))
    });
    engine.register_fn("group_pct_rank", move |x: Dynamic| {
        let x = f(x)?;
        let expr = pct_rank_expr(x.expr.clone(), true)?;
        Ok::<_, Box<EvalAltResult>>(x.map(|_| expr))
    });

    // The normalisation catalogue: normalise(x, dir, #{method: …}), norm_vector, winsorise, ….
    super::methods::register(engine);
    // Decision-matrix methods over formulas: topsis, vikor, wrsr.
    super::decision::register(engine);
    // Grades from formulas: grade, grade_score, grade_rank_share, grade_mean_sd, grade_kmeans, grade_rsr.
    super::grading::register(engine);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::sandbox::{engine_for_scheme, SourceTexts};

    /// Evaluates `script` (which must end in a formula) on a small frame:
    /// x = [1, 2, 4, null, 8], y = [0, 1, 2, 2, 4], g = [a, a, b, b, b], x@prev = [1, 1, 2, 2, 2].
    fn eval(script: &str) -> Vec<Option<f64>> {
        let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
        let formula: Formula = engine.eval(script).unwrap();
        let frame = df!(
            "x" => [Some(1.0), Some(2.0), Some(4.0), None, Some(8.0)],
            "y" => [0.0, 1.0, 2.0, 2.0, 4.0],
            "x@prev" => [1.0, 1.0, 2.0, 2.0, 2.0],
            PEER_GROUP_COLUMN => ["a", "a", "b", "b", "b"]
        )
        .unwrap();
        let out = frame
            .lazy()
            .select([formula.expr.cast(DataType::Float64).alias("v")])
            .collect()
            .unwrap();
        let column = out.column("v").unwrap();
        let values: Vec<Option<f64>> = column.f64().unwrap().iter().collect();
        if values.len() == 1 {
            vec![values[0]; 5]
        } else {
            values
        }
    }

    fn close(actual: Vec<Option<f64>>, expected: &[Option<f64>]) {
        assert_eq!(actual.len(), expected.len());
        for (a, e) in actual.iter().zip(expected) {
            match (a, e) {
                (Some(a), Some(e)) => assert!((a - e).abs() < 1e-9, "{actual:?} vs {expected:?}"),
                (None, None) => {}
                _ => panic!("{actual:?} vs {expected:?}"),
            }
        }
    }

    #[test]
    fn numbers_mix_with_formulas_on_either_side() {
        close(
            eval(r#"100 - col("x") * 2"#),
            &[Some(98.0), Some(96.0), Some(92.0), None, Some(84.0)],
        );
        close(
            eval(r#"0.5 * col("y") + 1"#),
            &[Some(1.0), Some(1.5), Some(2.0), Some(2.0), Some(3.0)],
        );
        close(
            eval(r#"-(col("y") ** 2)"#),
            &[Some(0.0), Some(-1.0), Some(-4.0), Some(-4.0), Some(-16.0)],
        );
    }

    #[test]
    fn division_by_zero_is_missing_and_counted() {
        let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
        let formula: Formula = engine
            .eval(r#"ratio(col("x"), col("y")) + col("x") / 2"#)
            .unwrap();
        assert_eq!(formula.zero_denominators.len(), 2);
        assert_eq!(
            formula
                .columns
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["x", "y", "x"]
        );
        close(
            eval(r#"ratio(col("x"), col("y"))"#),
            &[None, Some(2.0), Some(2.0), None, Some(2.0)],
        );
        close(
            eval(r#"pct(col("y"), col("x"))"#),
            &[Some(0.0), Some(50.0), Some(50.0), None, Some(50.0)],
        );
        close(
            eval(r#"1 / col("y")"#),
            &[None, Some(1.0), Some(0.5), Some(0.5), Some(0.25)],
        );
    }

    #[test]
    fn conditions_and_missing_values() {
        close(
            eval(r#"if_else(col("x") > 2 & col("y") < 4, 1, 0)"#),
            &[Some(0.0), Some(0.0), Some(1.0), Some(0.0), Some(0.0)],
        );
        close(
            eval(r#"if_else(!(col("y") == 2) | col("x") >= 8, 1, 0)"#),
            &[Some(1.0), Some(1.0), Some(0.0), Some(0.0), Some(1.0)],
        );
        close(
            eval(r#"fill_null(col("x"), -1)"#),
            &[Some(1.0), Some(2.0), Some(4.0), Some(-1.0), Some(8.0)],
        );
        close(
            eval(r#"coalesce([col("x"), col("y")])"#),
            &[Some(1.0), Some(2.0), Some(4.0), Some(2.0), Some(8.0)],
        );
        close(
            eval(r#"if_else(is_null(col("x")), 1, 0)"#),
            &[Some(0.0), Some(0.0), Some(0.0), Some(1.0), Some(0.0)],
        );
    }

    #[test]
    fn elementwise_maths() {
        close(
            eval(r#"clip(col("y"), 1, 3)"#),
            &[Some(1.0), Some(1.0), Some(2.0), Some(2.0), Some(3.0)],
        );
        close(
            eval(r#"min(col("x"), col("y"))"#),
            &[Some(0.0), Some(1.0), Some(2.0), Some(2.0), Some(4.0)],
        );
        close(
            eval(r#"max(col("x"), 3)"#),
            &[Some(3.0), Some(3.0), Some(4.0), Some(3.0), Some(8.0)],
        );
        close(
            eval(r#"sqrt(col("y")) + abs(0 - col("y"))"#),
            &[
                Some(0.0),
                Some(2.0),
                Some(2.0 + 2f64.sqrt()),
                Some(2.0 + 2f64.sqrt()),
                Some(6.0),
            ],
        );
        close(
            eval(r#"ln(exp(col("y")))"#),
            &[Some(0.0), Some(1.0), Some(2.0), Some(2.0), Some(4.0)],
        );
        close(
            eval(r#"round(col("x") / 3, 2)"#),
            &[Some(0.33), Some(0.67), Some(1.33), None, Some(2.67)],
        );
        close(
            eval(r#"pow(col("y"), 0.5) * log10(100)"#),
            &[
                Some(0.0),
                Some(2.0),
                Some(2.0 * 2f64.sqrt()),
                Some(2.0 * 2f64.sqrt()),
                Some(4.0),
            ],
        );
    }

    #[test]
    fn column_statistics_ignore_missing_and_broadcast() {
        // x present: 1, 2, 4, 8 → mean 3.75, median 3, sample SD √(86.75/3)
        close(eval(r#"mean(col("x"))"#), &[Some(3.75); 5]);
        close(eval(r#"median(col("x"))"#), &[Some(3.0); 5]);
        close(
            eval(r#"std(col("x"))"#),
            &[Some(
                (((1.0f64 - 3.75).powi(2) + 1.75f64.powi(2) + 0.25f64.powi(2) + 4.25f64.powi(2))
                    / 3.0)
                    .sqrt(),
            ); 5],
        );
        close(eval(r#"sum(col("x")) + count(col("x"))"#), &[Some(19.0); 5]);
        close(eval(r#"min(col("x")) + max(col("x"))"#), &[Some(9.0); 5]);
        // y = 0, 1, 2, 2, 4; PERCENTILE.INC(0.25) = 1, (0.9) = 2 + 0.6 × 2 = 3.2
        close(eval(r#"quantile(col("y"), 0.25)"#), &[Some(1.0); 5]);
        close(eval(r#"quantile(col("y"), 0.9)"#), &[Some(3.2); 5]);
        close(
            eval(r#"col("x") - mean(col("x"))"#),
            &[Some(-2.75), Some(-1.75), Some(0.25), None, Some(4.25)],
        );
    }

    #[test]
    fn peer_group_statistics() {
        // group a: y = 0, 1; group b: y = 2, 2, 4
        close(
            eval(r#"group_mean(col("y"))"#),
            &[
                Some(0.5),
                Some(0.5),
                Some(8.0 / 3.0),
                Some(8.0 / 3.0),
                Some(8.0 / 3.0),
            ],
        );
        close(
            eval(r#"group_max(col("y")) - group_min(col("y"))"#),
            &[Some(1.0), Some(1.0), Some(2.0), Some(2.0), Some(2.0)],
        );
        close(
            eval(r#"group_count(col("x"))"#),
            &[Some(2.0), Some(2.0), Some(2.0), Some(2.0), Some(2.0)],
        );
        close(
            eval(r#"group_median(col("y")) + group_sum(col("y"))"#),
            &[Some(1.5), Some(1.5), Some(10.0), Some(10.0), Some(10.0)],
        );
    }

    #[test]
    fn ranks_follow_excel() {
        // RANK.EQ on y = 0, 1, 2, 2, 4: largest first, ties share the lower rank
        close(
            eval(r#"rank(col("y"))"#),
            &[Some(5.0), Some(4.0), Some(2.0), Some(2.0), Some(1.0)],
        );
        close(
            eval(r#"rank(col("y"), "asc")"#),
            &[Some(1.0), Some(2.0), Some(3.0), Some(3.0), Some(5.0)],
        );
        // PERCENTRANK.INC: values below / (n − 1)
        close(
            eval(r#"pct_rank(col("y"))"#),
            &[Some(0.0), Some(0.25), Some(0.5), Some(0.5), Some(1.0)],
        );
        close(
            eval(r#"group_rank(col("y"))"#),
            &[Some(2.0), Some(1.0), Some(2.0), Some(2.0), Some(1.0)],
        );
        close(
            eval(r#"group_pct_rank(col("y"))"#),
            &[Some(0.0), Some(1.0), Some(0.0), Some(0.0), Some(1.0)],
        );
    }

    #[test]
    fn previous_period_columns() {
        // 增幅 = (x − prev x) / prev x × 100
        close(
            eval(r#"pct(col("x") - prev("x"), prev("x"))"#),
            &[Some(0.0), Some(100.0), Some(100.0), None, Some(300.0)],
        );
        let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
        let formula: Formula = engine.eval(r#"prev("x")"#).unwrap();
        assert_eq!(formula.columns[0].period, Period::Previous);
        assert_eq!(formula.columns[0].frame_column(), "x@prev");
    }

    #[test]
    fn misuse_is_an_error_not_a_panic() {
        let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
        for script in [
            r#"col("")"#,
            r#"rank(col("x"), "up")"#,
            r#"quantile(col("x"), 1.5)"#,
            r#"col("x") + [1, 2]"#,
            r#"lit([1])"#,
            r#"if col("x") > 1 { 1 } else { 0 }"#,
            r#"col("x") && col("y")"#,
        ] {
            assert!(
                engine.eval::<Formula>(script).is_err(),
                "{script} should fail"
            );
        }
    }
}
