//! Decision-matrix methods (多属性决策): objective and subjective weights, TOPSIS, VIKOR, RSR/WRSR
//! (秩和比), WSM and WPM, straight on a table of alternatives × criteria — what `jixiao mcda` runs.
//!
//! A decision matrix is a polars frame with an id column and one numeric column per criterion;
//! each [`Criterion`] names a column and its [`Direction`] (benefit 高优 / cost 低优). One method
//! per file, each with its formula, its policy for degenerate data and tests reproducing the
//! worked cases of `methods.md` (the 5 × 4 matrix X, the textbook hospital 1994–1998 TOPSIS
//! table, the maternal-health RSR table, the AHP 3 × 3 example):
//!
//! | file | method | default normalisation | degenerate data |
//! |---|---|---|---|
//! | [`normalise`] | vector, min-max, sum, reciprocal (1/x for cost) | — | constant column → min-max 1; all-zero column → vector/sum 0 |
//! | [`weights`] | equal, fixed (normalised to sum 1) | — | negative or all-zero fixed weights refused |
//! | [`entropy`] | 熵权法, after min-max (default) or on raw values | min-max | 0·ln0 := 0; constant column → weight 0; negative raw values refused |
//! | [`critic`] | CRITIC | min-max | constant column → weight 0 and left out of the conflict sums |
//! | [`std_dev`] | standard-deviation weights (sample SD) | min-max | constant column → weight 0 |
//! | [`ahp`] | AHP: eigenvector, geometric mean, 和积法; λmax, CI, CR | — | CR ≥ 0.10 refused, naming the worst judgement; n ≤ 2 consistent |
//! | [`topsis`] | TOPSIS, weights in the matrix (v = w·r) or inside the distance | vector | D⁺ + D⁻ = 0 (all alternatives alike) → C = 0.5 |
//! | [`vikor`] | VIKOR: S, R, Q, C1/C2, compromise set | its own (f* − f)/(f* − f⁻) | constant S or R → that term of Q is 0; constant criterion → its terms are 0 |
//! | [`rsr`] | RSR / WRSR, integer or non-integer ranks, probit table, OLS, 分档 | ranks | constant column → average rank (n + 1)/2 |
//! | [`wsm`] | weighted sum of min-max values | min-max | as min-max |
//! | [`wpm`] | weighted product of x/max (benefit), min/x (cost) | ratio to the best | x ≤ 0 refused |
//! | [`means`] | weighted arithmetic, geometric and harmonic means | — | x ≤ 0 → missing in the geometric and harmonic means |
//! | [`ranking`] | min / dense / average / ordinal ranks | — | ordinal ties go by row order (rows are in id order) |
//!
//! Everything over the alternatives is a polars expression: column statistics (sums, extremes,
//! entropies, correlations) and per-row results. Every expression builder takes an optional
//! `over` column; with it, each statistic is taken within the groups of that column (peer
//! groups), as `Expr::over` does. Weights are passed to the methods as expressions too, so that
//! objective weights computed within each group can be used row by row. Small derived tables —
//! the AHP matrix, RSR's table of distinct values and its regression, VIKOR's compromise set —
//! are computed in Rust over those small tables.
//!
//! [`crate::matrix::run()`] runs one method on a frame end to end, as `jixiao mcda` does: it checks
//! the data (every criterion value present and a number; ids unique), puts rows in id order (so
//! results never depend on the input order), computes the weights and the scores, and ranks.

pub mod ahp;
pub mod critic;
pub mod entropy;
pub mod means;
pub mod normalise;
pub mod probit;
pub mod ranking;
pub mod rsr;
pub mod std_dev;
pub mod topsis;
pub mod vikor;
pub mod weights;
pub mod wpm;
pub mod wsm;

use polars::prelude::*;

use crate::error::{Error, Result};

/// Which end of a criterion is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Higher is better (高优, `+`).
    Benefit,
    /// Lower is better (低优, `-`).
    Cost,
}

/// A criterion (指标) of the decision matrix: the column holding it and its direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub name: String,
    pub direction: Direction,
}

impl Criterion {
    pub fn benefit(name: impl Into<String>) -> Self {
        Criterion {
            name: name.into(),
            direction: Direction::Benefit,
        }
    }

    pub fn cost(name: impl Into<String>) -> Self {
        Criterion {
            name: name.into(),
            direction: Direction::Cost,
        }
    }

    /// The column of this criterion.
    pub fn col(&self) -> Expr {
        col(self.name.as_str())
    }

    /// Parses `"col1:+,col2:-,…"`: `+` (or `benefit`, `max`) is higher-is-better, `-` (or `cost`,
    /// `min`) lower-is-better. A name without `:` is refused, since the direction changes results.
    pub fn parse_list(text: &str) -> Result<Vec<Criterion>> {
        let usage = |message: String| Error::Usage { message };
        let mut out: Vec<Criterion> = Vec::new();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((name, direction)) = item.rsplit_once(':') else {
                return Err(usage(format!(
                    "criterion \"{item}\" has no direction: write \"{item}:+\" (higher is better) or \"{item}:-\" (lower is better)"
                )));
            };
            let direction = match direction.trim() {
                "+" | "benefit" | "max" => Direction::Benefit,
                "-" | "cost" | "min" => Direction::Cost,
                other => {
                    return Err(usage(format!(
                        "criterion \"{name}\" has direction \"{other}\"; use + (higher is better) or - (lower is better)"
                    )))
                }
            };
            let name = name.trim();
            if out.iter().any(|c| c.name == name) {
                return Err(usage(format!("criterion \"{name}\" is listed twice")));
            }
            out.push(Criterion {
                name: name.to_string(),
                direction,
            });
        }
        if out.is_empty() {
            return Err(usage(
                "--criteria lists no criterion; write e.g. \"出院人数:+,平均住院日:-\"".into(),
            ));
        }
        Ok(out)
    }
}

/// A column statistic taken over all rows, or within each group of the column `over`.
pub fn within(statistic: Expr, over: Option<&str>) -> Expr {
    match over {
        None => statistic,
        Some(group) => statistic
            .over([col(group)])
            .expect("a window over one column is always valid"),
    }
}

/// A float null literal.
pub(crate) fn null() -> Expr {
    lit(NULL).cast(DataType::Float64)
}

/// The number of alternatives (rows), as a float, over all rows or within each group.
pub fn count(over: Option<&str>) -> Expr {
    within(len(), over).cast(DataType::Float64)
}

/// Internal column names, prefixed so that they do not meet the user's columns.
pub(crate) fn scratch(kind: &str, name: &str) -> String {
    format!("mcda.{kind}.{name}")
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// The 5 × 4 matrix X of methods.md §1.3 (rows = alternatives a1…a5).
    pub const X: [[f64; 4]; 5] = [
        [250.0, 16.0, 12.0, 5.0],
        [200.0, 16.0, 8.0, 3.0],
        [300.0, 32.0, 16.0, 4.0],
        [275.0, 32.0, 8.0, 4.0],
        [225.0, 16.0, 16.0, 2.0],
    ];

    /// X as a frame with columns c1…c4 and ids a1…a5, plus a group column `g` (all "x").
    pub fn x_frame() -> DataFrame {
        matrix_frame(&X.iter().map(|r| r.to_vec()).collect::<Vec<_>>(), "a")
    }

    /// A frame `id`, `c1`…`cm`, `g` from rows.
    pub fn matrix_frame(rows: &[Vec<f64>], prefix: &str) -> DataFrame {
        let m = rows[0].len();
        let mut columns: Vec<Column> = vec![Column::new(
            "id".into(),
            (1..=rows.len())
                .map(|i| format!("{prefix}{i}"))
                .collect::<Vec<_>>(),
        )];
        for j in 0..m {
            columns.push(Column::new(
                format!("c{}", j + 1).into(),
                rows.iter().map(|r| r[j]).collect::<Vec<f64>>(),
            ));
        }
        columns.push(Column::new("g".into(), vec!["x"; rows.len()]));
        DataFrame::new(rows.len(), columns).unwrap()
    }

    /// Criteria c1…cm, the ones in `cost` (1-based) lower-is-better.
    pub fn criteria(m: usize, cost: &[usize]) -> Vec<Criterion> {
        (1..=m)
            .map(|j| Criterion {
                name: format!("c{j}"),
                direction: if cost.contains(&j) {
                    Direction::Cost
                } else {
                    Direction::Benefit
                },
            })
            .collect()
    }

    /// The textbook hospital table of methods.md §2.3(b), 1994–1998, 7 criteria
    /// (出院, 床使用率, 住院日 −, 病死率 −, 抢救成功, 治愈好转, 院感 −).
    pub fn hospital() -> (DataFrame, Vec<Criterion>) {
        let rows = vec![
            vec![21584.0, 76.7, 7.3, 1.01, 78.3, 97.5, 2.0],
            vec![24372.0, 86.3, 7.4, 0.80, 91.1, 98.0, 2.0],
            vec![22041.0, 81.8, 7.3, 0.62, 91.1, 97.3, 3.2],
            vec![21115.0, 84.5, 6.9, 0.60, 90.2, 97.7, 2.9],
            vec![24633.0, 90.3, 6.9, 0.25, 95.5, 97.9, 3.6],
        ];
        (matrix_frame(&rows, "y"), criteria(7, &[3, 4, 7]))
    }

    /// Evaluates expressions on `frame` and returns the float column `name` of the result.
    pub fn column(frame: &DataFrame, stages: &[Vec<Expr>], name: &str) -> Vec<f64> {
        let mut lf = frame.clone().lazy();
        for stage in stages {
            lf = lf.with_columns(stage.clone());
        }
        let out = lf.collect().unwrap();
        floats(&out, name)
    }

    pub fn floats(frame: &DataFrame, name: &str) -> Vec<f64> {
        frame
            .column(name)
            .unwrap()
            .cast(&DataType::Float64)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or(f64::NAN))
            .collect()
    }

    /// Evaluates one expression per row.
    pub fn eval(frame: &DataFrame, e: Expr) -> Vec<f64> {
        column(frame, &[vec![e.alias("out")]], "out")
    }

    pub fn close(actual: &[f64], expected: &[f64], tolerance: f64) {
        assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
        for (a, e) in actual.iter().zip(expected) {
            assert!(
                (a - e).abs() <= tolerance,
                "{actual:?} vs {expected:?} (tolerance {tolerance})"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_list_parses_directions_and_refuses_mistakes() {
        let list = Criterion::parse_list("出院人数:+, 平均住院日:-,x:max").unwrap();
        assert_eq!(
            list,
            [
                Criterion::benefit("出院人数"),
                Criterion::cost("平均住院日"),
                Criterion::benefit("x")
            ]
        );
        let no_direction = Criterion::parse_list("a:+,b").unwrap_err().to_string();
        assert!(no_direction.contains("\"b:+\""), "{no_direction}");
        assert!(Criterion::parse_list("a:up").is_err());
        assert!(Criterion::parse_list("a:+,a:-").is_err());
        assert!(Criterion::parse_list(" , ").is_err());
    }
}
