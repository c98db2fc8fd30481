//! Stage 2, indicators: evaluate every indicator's value formula into a column named by its id.
//!
//! Policy for impossible values: a division by zero gives a missing value (see `ratio` in
//! `crate::script::formula`), and any other non-finite result (ln 0, √−1, overflow) is turned
//! into a missing value too, so that no NaN or infinity reaches a statistic or a rank. Both are
//! counted per indicator in the run summary, alongside values missing because an input was.
//! Values are rounded to 9 decimals, so float noise cannot split a tie.

use polars::prelude::*;

use crate::normalise;
use crate::plan::{Plan, PlannedIndicator};

/// `x` with NaN and ±inf replaced by a missing value.
pub fn finite_or_missing(x: Expr) -> Expr {
    // One pass over `x`, computed once: as `when(x.is_finite()).then(x)`, `x` would appear twice,
    // and polars would cache it as a temporary column for the whole stage (a national run's
    // stage of indicator values held all their formulas' results twice). A column without a
    // non-finite value is passed on as it is.
    x.map(
        |column: Column| {
            let float = match column.dtype() {
                DataType::Float64 => column.f64()?.clone(),
                DataType::Float32 => column.cast(&DataType::Float64)?.f64()?.clone(),
                // Integers, booleans: always finite.
                _ => return Ok(column),
            };
            if !crate::source::number::any_present(&float, |v| !v.is_finite()) {
                return Ok(column);
            }
            let finite: Float64Chunked =
                float.iter().map(|v| v.filter(|v| v.is_finite())).collect();
            finite
                .with_name(column.name().clone())
                .into_column()
                .cast(column.dtype())
        },
        |_, field| Ok(field.clone()),
    )
}

/// Decimals indicator values are rounded to before scoring. Ratios that are equal on paper
/// (2200 / 4400 and 6600 / 13200 × …) can differ in the last bits of a float; rounding far below
/// any published precision makes them equal again, so they tie in ranks as they should.
pub const VALUE_DECIMALS: u32 = 9;

/// One expression per indicator: its value, as a float, rounded to [`VALUE_DECIMALS`], aliased to
/// the indicator id.
pub fn value_exprs(plan: &Plan) -> Vec<Expr> {
    value_exprs_of(&plan.indicators)
}

/// [`value_exprs`] for some of the plan's indicators.
pub fn value_exprs_of(indicators: &[PlannedIndicator]) -> Vec<Expr> {
    indicators
        .iter()
        .map(|i| {
            finite_or_missing(i.value.expr.clone().cast(DataType::Float64))
                .round(VALUE_DECIMALS, RoundMode::HalfAwayFromZero)
                .alias(i.spec.id.as_str())
        })
        .collect()
}

/// The levels behind every growth rate (增幅): for each indicator whose formula calls
/// `growth(now, before)`, this period's and the previous period's level (`<id>.level`,
/// `<id>.prev_level`; numbered `.1`, `.2`… when a formula has several growth rates, as a
/// `coalesce` of two definitions does), as floats rounded like values, missing where not finite.
pub fn level_exprs(plan: &Plan) -> Vec<Expr> {
    let mut out = Vec::new();
    for indicator in &plan.indicators {
        let growths = &indicator.value.growths;
        let id = indicator.spec.id.as_str();
        for (k, growth) in growths.iter().enumerate() {
            let k = (growths.len() > 1).then_some(k + 1);
            for (expr, name) in [
                (&growth.now, crate::columns::level_column(id, k)),
                (&growth.before, crate::columns::prev_level_column(id, k)),
            ] {
                out.push(
                    finite_or_missing(expr.clone().cast(DataType::Float64))
                        .round(VALUE_DECIMALS, RoundMode::HalfAwayFromZero)
                        .alias(name),
                );
            }
        }
    }
    out
}

/// The level columns of one indicator, in output order; see [`level_exprs`].
pub fn level_columns(indicator: &PlannedIndicator) -> Vec<String> {
    let growths = &indicator.value.growths;
    let id = indicator.spec.id.as_str();
    (0..growths.len())
        .flat_map(|k| {
            let k = (growths.len() > 1).then_some(k + 1);
            [
                crate::columns::level_column(id, k),
                crate::columns::prev_level_column(id, k),
            ]
        })
        .collect()
}

/// Per-indicator quality counts, as one-row aggregate expressions over the scored frame. Each
/// missing value is counted once, under the first cause that explains it:
/// `{id}|zero_denominator` (a ratio's denominator is zero), `{id}|part_exceeds_whole` (only for
/// indicators with `share(part, whole)`), `{id}|non_finite` (the formula gave NaN or ±∞),
/// `{id}|missing_input` (a column the formula reads is empty), and `{id}|by_formula` (none of
/// these: the formula itself returned missing, e.g. `if_else(c, (), x)`). `{id}|missing` is
/// their sum. `missing_of(id)`: the indicator's missing values in the scored frame; where none,
/// its counts are literal zeros and its formula is not planned again. One list per indicator, in
/// the plan's order.
pub fn quality_exprs(plan: &Plan, missing_of: &dyn Fn(&str) -> usize) -> Vec<Vec<Expr>> {
    let any = |exprs: Vec<Expr>| {
        exprs
            .into_iter()
            .map(|e| e.fill_null(lit(false)))
            .reduce(|a, b| a.or(b))
            .unwrap_or_else(|| lit(false))
    };
    let count = |cond: Expr, name: String| cond.sum().cast(DataType::UInt64).alias(name);
    let mut all = Vec::new();
    for indicator in &plan.indicators {
        let mut out = Vec::new();
        let id = indicator.spec.id.as_str();
        let value = &indicator.value;
        if missing_of(id) == 0 {
            // Every count below is of missing values: none here, so no formula is evaluated
            // again (planning them is most of a small run's summary).
            let mut causes = vec!["missing", "zero_denominator"];
            if !value.shares.is_empty() {
                causes.push("part_exceeds_whole");
            }
            causes.extend(["non_finite", "missing_input", "by_formula"]);
            out.extend(
                causes
                    .into_iter()
                    .map(|c| lit(0u64).cast(DataType::UInt64).alias(format!("{id}|{c}"))),
            );
            all.push(out);
            continue;
        }
        let missing = col(id).is_null();
        out.push(count(missing.clone(), format!("{id}|missing")));
        // Causes in order: each is counted only where no earlier one applies.
        let mut unexplained = missing;
        let zero = any(value.zero_denominators.clone());
        out.push(count(
            unexplained.clone().and(zero.clone()),
            format!("{id}|zero_denominator"),
        ));
        unexplained = unexplained.and(zero.not());
        if !value.shares.is_empty() {
            let exceeds = any(value.shares.iter().map(|s| s.exceeds()).collect());
            out.push(count(
                unexplained.clone().and(exceeds.clone()),
                format!("{id}|part_exceeds_whole"),
            ));
            unexplained = unexplained.and(exceeds.not());
        }
        let raw = value.expr.clone().cast(DataType::Float64);
        let non_finite = any(vec![raw.clone().is_nan().or(raw.is_infinite())]);
        out.push(count(
            unexplained.clone().and(non_finite.clone()),
            format!("{id}|non_finite"),
        ));
        unexplained = unexplained.and(non_finite.not());
        let mut read: Vec<String> = Vec::new();
        for c in &value.columns {
            let name = c.frame_column();
            if !read.contains(&name) {
                read.push(name);
            }
        }
        let input_missing = any(read.iter().map(|c| col(c.as_str()).is_null()).collect());
        out.push(count(
            unexplained.clone().and(input_missing.clone()),
            format!("{id}|missing_input"),
        ));
        out.push(count(
            unexplained.and(input_missing.not()),
            format!("{id}|by_formula"),
        ));
        all.push(out);
    }
    all
}

/// Whether the indicator's score reads `{id}.treated` rather than its raw value column.
pub fn has_treated_column(indicator: &PlannedIndicator) -> bool {
    normalise::has_treated_column(indicator.treat.as_ref(), indicator.impute)
}

/// The `with_columns` stages that write `{id}.treated`: outlier treatment, then imputation.
/// Empty when no indicator treats or imputes.
pub fn value_stages(indicators: &[PlannedIndicator]) -> Vec<Vec<Expr>> {
    let treated: Vec<Expr> = indicators
        .iter()
        .filter_map(|i| Some(normalise::treatment_exprs(&i.spec.id, i.treat.as_ref()?)))
        .flatten()
        .collect();
    let imputed: Vec<Expr> = indicators
        .iter()
        .filter_map(|i| normalise::imputation_expr(&i.spec.id, i.treat.is_some(), i.impute))
        .collect();
    [treated, imputed]
        .into_iter()
        .filter(|stage| !stage.is_empty())
        .collect()
}

/// Per-indicator counts of treatment and imputation ([`normalise::quality_exprs`]), one-row
/// aggregates over the scored frame. Only for indicators that treat or impute.
pub fn treatment_quality_exprs(indicators: &[PlannedIndicator]) -> Vec<Expr> {
    treatment_quality_by_indicator(indicators).concat()
}

/// [`treatment_quality_exprs`], one list per indicator that treats or imputes.
pub fn treatment_quality_by_indicator(indicators: &[PlannedIndicator]) -> Vec<Vec<Expr>> {
    indicators
        .iter()
        .map(|i| {
            normalise::quality_exprs(&i.spec.id, i.treat.as_ref(), i.impute, i.score.is_some())
        })
        .filter(|exprs| !exprs.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_values_become_missing_and_the_rest_pass_through() {
        let frame = df!(
            "x" => [Some(1.5), Some(f64::NAN), Some(f64::INFINITY), None, Some(f64::NEG_INFINITY), Some(-0.0)],
            "f" => [Some(1.0f32), Some(f32::NAN), None, Some(2.0), Some(f32::INFINITY), Some(3.0)],
            "i" => [Some(1i64), None, Some(3), Some(4), Some(5), Some(6)],
        )
        .unwrap();
        let out = frame
            .lazy()
            .select([
                finite_or_missing(col("x")),
                finite_or_missing(col("f")),
                finite_or_missing(col("i")),
                // An expression's result, its name kept.
                finite_or_missing(lit(1.0) / col("x")).alias("inverse"),
            ])
            .collect()
            .unwrap();
        let x: Vec<Option<f64>> = out.column("x").unwrap().f64().unwrap().iter().collect();
        assert_eq!(x, [Some(1.5), None, None, None, None, Some(-0.0)]);
        let f = out.column("f").unwrap();
        assert_eq!(f.dtype(), &DataType::Float32);
        let f: Vec<Option<f32>> = f.f32().unwrap().iter().collect();
        assert_eq!(f, [Some(1.0), None, None, Some(2.0), None, Some(3.0)]);
        let i = out.column("i").unwrap();
        assert_eq!(i.dtype(), &DataType::Int64);
        assert_eq!(i.null_count(), 1);
        // 1 / -0.0 is -inf: missing, as 1 / NaN and 1 / ±inf's zeros are not.
        let inverse: Vec<Option<f64>> = out
            .column("inverse")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(
            inverse,
            [Some(1.0 / 1.5), None, Some(0.0), None, Some(-0.0), None]
        );
    }
}
