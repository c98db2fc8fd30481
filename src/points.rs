//! Stage 7b, points: the point-based assessment (工分 × 质量系数 → budget) that primary-care systems run.
//!
//! Each item (考核小项) has rules (考核细则) that score one indicator value against a target:
//! * `yes_full` (Y01): full points when the value is non-zero, else 0;
//! * `no_full` (N01): full points when the value is 0 or missing, else 0;
//! * `at_least` (egt): full points at or above the target, else `points × value / target` (a
//!   negative value earns 0);
//! * `at_most` (elt): full points at or below the target, else `points × target / value`.
//!
//! A missing value earns 0 except under `no_full`. Then, per item and institution:
//! * quality coefficient `c = round(Σ earned / Σ full points, coefficient_decimals)`, half away
//!   from zero, rounded *before* it is compared with the threshold (0.84995 → 0.8500 → no
//!   correction, as the real systems do);
//! * corrected work points = work points × c when `c < correction_threshold`, else the work points
//!   unchanged; missing or negative work points count as 0 (and are flagged);
//! * money = budget × corrected / Σ corrected over all institutions, in units of
//!   `10^-money_decimals` (分 for 2): every institution gets the floor of its exact share, and the
//!   units left over (fewer than the number of institutions) go one each to the largest remainders,
//!   ties to the smaller institution id (the largest-remainder method). So an item's money adds up
//!   to its budget exactly. If no institution has work points, nobody is paid and the summary
//!   says so.
//!
//! Vetoes and exclusions of the composite score do not touch the points: they are separate
//! assessments, as in the systems this follows.

use polars::prelude::*;

use crate::columns::{coefficient_column, corrected_column, money_column, MONEY_COLUMN};
use crate::scheme::{PointsItem, PointsRuleKind, PointsRuleSpec, PointsSpec};

fn earned_column(item: &str) -> String {
    format!("__{item}_earned")
}
fn units_column(item: &str) -> String {
    format!("__{item}_units")
}

/// Points a rule earns, given the indicator value column `value`.
pub fn rule_points(rule: &PointsRuleSpec, value: Expr) -> Expr {
    let points = lit(rule.points);
    let target = lit(rule.target.unwrap_or(0.0));
    let earned = match rule.rule {
        PointsRuleKind::YesFull => when(value.clone().neq(lit(0.0)))
            .then(points)
            .otherwise(lit(0.0)),
        PointsRuleKind::NoFull => when(value.clone().eq(lit(0.0)).or(value.clone().is_null()))
            .then(points)
            .otherwise(lit(0.0)),
        PointsRuleKind::AtLeast => when(value.clone().gt_eq(target.clone()))
            .then(points.clone())
            .otherwise(points * value.clone().clip_min(lit(0.0)) / target),
        PointsRuleKind::AtMost => when(value.clone().lt_eq(target.clone()))
            .then(points.clone())
            .otherwise(points * target / value.clone()),
    };
    earned.fill_null(lit(0.0))
}

/// The work-points column an item shares its budget by.
pub fn work_points_column<'a>(spec: &'a PointsSpec, item: &'a PointsItem) -> &'a str {
    item.work_points.as_deref().unwrap_or(&spec.work_points)
}

/// Work points as used: missing or negative count as 0.
fn usable_points(spec: &PointsSpec, item: &PointsItem) -> Expr {
    col(work_points_column(spec, item))
        .cast(DataType::Float64)
        .fill_null(lit(0.0))
        .clip_min(lit(0.0))
}

/// The `with_columns` stages of the point-based assessment, in order.
pub fn stages(spec: &PointsSpec) -> Vec<Vec<Expr>> {
    let scale = 10f64.powi(spec.money_decimals as i32);
    let mut coefficients = Vec::new();
    let mut corrected = Vec::new();
    let mut units = Vec::new();
    let mut money = Vec::new();
    for item in &spec.items {
        let id = item.id.as_str();
        let full: f64 = item.rules.iter().map(|r| r.points).sum();
        let earned = item
            .rules
            .iter()
            .map(|r| rule_points(r, col(r.indicator.as_str())))
            .reduce(|a, b| a + b)
            .unwrap_or_else(|| lit(0.0));
        coefficients.push(earned.clone().alias(earned_column(id)));
        coefficients.push(
            (earned / lit(full))
                .round(spec.coefficient_decimals, RoundMode::HalfAwayFromZero)
                .alias(coefficient_column(id)),
        );
        let c = col(coefficient_column(id));
        let points = usable_points(spec, item);
        corrected.push(
            when(c.clone().lt(lit(spec.correction_threshold)))
                .then(points.clone() * c)
                .otherwise(points)
                .alias(corrected_column(id)),
        );
        // Money in whole units (分): floor of the exact share, plus one unit for the largest
        // remainders until the budget is used up.
        let budget_units = (item.budget * scale).round();
        let share = col(corrected_column(id));
        let total = share.clone().sum();
        let exact = lit(budget_units) * share / total.clone();
        let floor = exact.clone().floor();
        let remainder = exact - floor.clone();
        let left_over = lit(budget_units) - floor.clone().sum();
        let place = remainder.rank(
            RankOptions {
                method: RankMethod::Ordinal,
                descending: true,
            },
            None,
        );
        let allotted = floor
            + when(place.cast(DataType::Float64).lt_eq(left_over))
                .then(lit(1.0))
                .otherwise(lit(0.0));
        units.push(
            when(total.gt(lit(0.0)))
                .then(allotted)
                .otherwise(lit(0.0))
                .alias(units_column(id)),
        );
        money.push((col(units_column(id)) / lit(scale)).alias(money_column(id)));
    }
    let all_units = spec
        .items
        .iter()
        .map(|i| col(units_column(&i.id)))
        .reduce(|a, b| a + b)
        .unwrap_or_else(|| lit(0.0));
    money.push((all_units / lit(scale)).alias(MONEY_COLUMN));
    vec![coefficients, corrected, units, money]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: PointsRuleKind, target: Option<f64>, points: f64) -> PointsRuleSpec {
        PointsRuleSpec {
            indicator: "v".into(),
            rule: kind,
            target,
            points,
        }
    }

    fn earned(rule: &PointsRuleSpec, values: &[Option<f64>]) -> Vec<Option<f64>> {
        let frame = df!("v" => values).unwrap();
        let out = frame
            .lazy()
            .select([rule_points(rule, col("v")).alias("p")])
            .collect()
            .unwrap();
        out.column("p").unwrap().f64().unwrap().iter().collect()
    }

    #[test]
    fn the_four_rule_types() {
        let values = [Some(0.0), Some(45.0), Some(90.0), Some(120.0), None];
        // yes_full 10: non-zero → 10
        assert_eq!(
            earned(&rule(PointsRuleKind::YesFull, None, 10.0), &values),
            [Some(0.0), Some(10.0), Some(10.0), Some(10.0), Some(0.0)]
        );
        // no_full 10: zero or missing → 10
        assert_eq!(
            earned(&rule(PointsRuleKind::NoFull, None, 10.0), &values),
            [Some(10.0), Some(0.0), Some(0.0), Some(0.0), Some(10.0)]
        );
        // at_least 90, 10 points: 0 → 0; 45 → 10·45/90 = 5; 90, 120 → 10; missing → 0
        assert_eq!(
            earned(&rule(PointsRuleKind::AtLeast, Some(90.0), 10.0), &values),
            [Some(0.0), Some(5.0), Some(10.0), Some(10.0), Some(0.0)]
        );
        // at_most 60, 10 points: 0, 45 → 10; 90 → 10·60/90 = 6.666667; 120 → 5; missing → 0
        let at_most = earned(&rule(PointsRuleKind::AtMost, Some(60.0), 10.0), &values);
        assert_eq!(at_most[0], Some(10.0));
        assert_eq!(at_most[1], Some(10.0));
        assert!((at_most[2].unwrap() - 20.0 / 3.0).abs() < 1e-12);
        assert_eq!(at_most[3], Some(5.0));
        assert_eq!(at_most[4], Some(0.0));
    }

    /// One item, one at_least rule worth 10000 points with target 10000: the coefficient is
    /// value / 10000, so a value of 8499.5 gives 0.84995 before rounding.
    fn run(values: &[f64], points: &[Option<f64>], budget: f64) -> DataFrame {
        let spec = PointsSpec {
            work_points: "工分".into(),
            correction_threshold: 0.85,
            coefficient_decimals: 4,
            money_decimals: 2,
            items: vec![PointsItem {
                id: "基本公卫".into(),
                name: None,
                budget,
                work_points: None,
                rules: vec![rule(PointsRuleKind::AtLeast, Some(10000.0), 10000.0)],
            }],
        };
        let mut query = df!("v" => values, "工分" => points).unwrap().lazy();
        for stage in stages(&spec) {
            query = query.with_columns(stage);
        }
        query.collect().unwrap()
    }

    fn floats(frame: &DataFrame, name: &str) -> Vec<f64> {
        frame
            .column(name)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect()
    }

    #[test]
    fn coefficient_is_rounded_before_the_085_threshold() {
        // values → coefficients: 8499.4 → 0.84994 → 0.8499 (< 0.85: corrected 1000 × 0.8499 = 849.9);
        // 8499.5 → 0.84995 → 0.8500 (not below: 1000 stays); 9000 → 0.9 (1000 stays);
        // 6000 → 0.6 (600).
        let out = run(
            &[8499.4, 8499.5, 9000.0, 6000.0],
            &[Some(1000.0); 4],
            1000.0,
        );
        assert_eq!(
            floats(&out, "基本公卫.coefficient"),
            [0.8499, 0.85, 0.9, 0.6]
        );
        let corrected = floats(&out, "基本公卫.corrected_points");
        assert!((corrected[0] - 849.9).abs() < 1e-9);
        assert_eq!(&corrected[1..], [1000.0, 1000.0, 600.0]);
    }

    #[test]
    fn money_adds_up_to_the_budget_by_largest_remainder() {
        // Three institutions with equal corrected points share 100 元 = 10000 分: exact shares
        // 3333.33… 分 each; floors 3333 × 3 = 9999, 1 分 left, remainders tie → smallest row
        // (institution id order) gets it: 33.34, 33.33, 33.33.
        let out = run(&[10000.0; 3], &[Some(50.0); 3], 100.0);
        assert_eq!(floats(&out, "基本公卫.money"), [33.34, 33.33, 33.33]);
        // Unequal points 1, 2, 4 (sum 7) share 10 元 = 1000 分: exact 142.857, 285.714, 571.429;
        // floors 142 + 285 + 571 = 998, 2 分 left → largest remainders 0.857 (row 1), 0.714 (row 2).
        let out = run(&[10000.0; 3], &[Some(1.0), Some(2.0), Some(4.0)], 10.0);
        assert_eq!(floats(&out, "基本公卫.money"), [1.43, 2.86, 5.71]);
        assert_eq!(floats(&out, MONEY_COLUMN), [1.43, 2.86, 5.71]);
    }

    #[test]
    fn missing_work_points_earn_no_money() {
        // Row 2 has no work points: corrected 0, money 0; rows 1 and 3 share 1 元 by 3:1.
        let out = run(&[10000.0; 3], &[Some(3.0), None, Some(1.0)], 1.0);
        assert_eq!(floats(&out, "基本公卫.money"), [0.75, 0.0, 0.25]);
        // Nobody has work points: nobody is paid.
        let out = run(&[10000.0; 2], &[None, None], 1.0);
        assert_eq!(floats(&out, "基本公卫.money"), [0.0, 0.0]);
    }
}
