//! `jixiao mcda --group COL`: the method run within each peer group of a decision matrix.
//!
//! The rows are split by the group column's values, and each group is a decision matrix of its
//! own, run by [`super::run()`]: its own weights (objective weights from its own rows), normalised
//! values, ideal points, S/R/Q and compromise set, RSR table and regression, and notes. So a
//! group's result is exactly what `jixiao mcda` gives on that group's rows alone.
//!
//! Output table: id, the group column, `score` (from the alternative's group), `rank` over all
//! alternatives by those scores (as `jixiao run` ranks everyone by peer-group scores), and
//! `group_rank` within the group, then the method's columns; rows by group (in sorted order of the
//! group values), then group rank. The printed report and `--explain` show each group in turn.
//!
//! Policies: the group column must exist and be neither the id nor a criterion; a row with no
//! group value is refused (naming the row's id), as is a group column named like an output
//! column. Group values are compared as text. A group of one alternative ranks it first, as
//! `jixiao mcda` does on a single row.

use std::fmt;

use polars::prelude::*;

use super::{run, McdaResult, McdaSpec, RANK, SCORE};
use crate::error::{closest, Error, Result};
use crate::mcda::ranking::rank_expr;

/// The output column of the rank within the group.
pub const GROUP_RANK: &str = "group_rank";

/// The outcome of [`run_grouped`].
#[derive(Debug, Clone)]
pub struct GroupedResult {
    /// The group column.
    pub group: String,
    /// Every alternative: id, group, score, rank, group_rank and the method's columns.
    pub table: DataFrame,
    /// Each group's value and its own result, in sorted order of the values.
    pub groups: Vec<(String, McdaResult)>,
}

fn usage(message: String) -> Error {
    Error::Usage { message }
}

/// Runs `spec` within each group of the column `group`.
pub fn run_grouped(spec: &McdaSpec, group: &str, frame: DataFrame) -> Result<GroupedResult> {
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .filter(|n| n != super::ROW_COLUMN)
        .collect();
    if !names.iter().any(|n| n == group) {
        return Err(Error::ColumnNotFound {
            column: group.to_string(),
            data_file: spec.source.clone(),
            suggestion: closest(group, names.iter().map(String::as_str)),
            span: None,
            help: Some(format!(
                "--group names it; the file's columns are {}",
                names.join(", ")
            )),
        });
    }
    if group == spec.id || spec.criteria.iter().any(|c| c.name == group) {
        return Err(usage(format!(
            "--group \"{group}\" is also the id column or a criterion; give the column that names each alternative's peer group"
        )));
    }
    if group == GROUP_RANK || super::OUTPUT_COLUMNS.contains(&group) {
        return Err(usage(format!(
            "the group column may not be called \"{group}\", a column of the output; rename it"
        )));
    }
    let values = frame.column(group)?.cast(&DataType::String)?;
    let values = values.str()?;
    if let Some(row) = values.iter().position(|v| v.is_none()) {
        let id = frame
            .column(&spec.id)
            .ok()
            .and_then(|c| c.cast(&DataType::String).ok())
            .and_then(|c| c.str().ok().and_then(|s| s.get(row).map(str::to_string)))
            .unwrap_or_else(|| format!("row {}", row + 1));
        return Err(Error::Data {
            file: spec.source.clone(),
            message: format!("alternative \"{id}\" has no value in the group column \"{group}\""),
            help: Some("give every alternative its peer group, or drop --group".into()),
        });
    }
    // The whole matrix first: ids unique across groups, every cell's problem with its row.
    super::check::decision_matrix(spec, &frame)?;
    let mut keys: Vec<String> = values.iter().flatten().map(str::to_string).collect();
    keys.sort();
    keys.dedup();

    let mut groups = Vec::with_capacity(keys.len());
    let mut tables = Vec::with_capacity(keys.len());
    for key in keys {
        let mask = values.equal(key.as_str());
        let part = frame.filter(&mask)?;
        let result = run(spec, part)?;
        let height = result.table.height();
        let mut table = result.table.clone();
        table.rename(RANK, GROUP_RANK.into())?;
        table.insert_column(1, Column::new(group.into(), vec![key.as_str(); height]))?;
        tables.push(table);
        groups.push((key, result));
    }
    let mut all = match tables.split_first() {
        Some((first, rest)) => {
            let mut all = first.clone();
            for t in rest {
                all.vstack_mut(t)?;
            }
            all
        }
        None => DataFrame::empty(),
    };
    if let Some((_, first)) = groups.first() {
        let overall = rank_expr(
            col(SCORE),
            first.ties,
            first.method.higher_is_better(),
            None,
        );
        all = all.lazy().with_column(overall.alias(RANK)).collect()?;
        // id, group, score, rank, group_rank, then the method's columns.
        let mut order: Vec<String> = vec![
            spec.id.clone(),
            group.to_string(),
            SCORE.into(),
            RANK.into(),
            GROUP_RANK.into(),
        ];
        for name in all.get_column_names() {
            if !order.iter().any(|o| o == name.as_str()) {
                order.push(name.to_string());
            }
        }
        all = all.select(order)?;
    }
    Ok(GroupedResult {
        group: group.to_string(),
        table: all,
        groups,
    })
}

impl GroupedResult {
    fn each(&self, text: impl Fn(&McdaResult) -> String) -> String {
        let mut out = String::new();
        for (i, (key, result)) in self.groups.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!(
                "── {} = {} ({} alternatives) ──\n",
                self.group,
                key,
                result.table.height()
            ));
            out.push_str(&text(result));
        }
        out
    }

    /// Each group's intermediate tables and ranking, as `--explain` prints them.
    pub fn explain(&self) -> String {
        self.each(McdaResult::explain)
    }
}

impl fmt::Display for GroupedResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.each(|r| r.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::Method;
    use super::*;
    use crate::mcda::testing::{close, criteria, floats, x_frame};
    use crate::mcda::weights::Weighting;

    /// X with ids a1…a5 and groups p, q, p, q, p.
    fn grouped_x() -> DataFrame {
        let mut frame = x_frame();
        frame
            .with_column(Column::new("id".into(), ["a1", "a2", "a3", "a4", "a5"]))
            .unwrap();
        frame
            .with_column(Column::new("g".into(), ["p", "q", "p", "q", "p"]))
            .unwrap();
        frame
    }

    fn strings(frame: &DataFrame, name: &str) -> Vec<String> {
        frame
            .column(name)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_string())
            .collect()
    }

    #[test]
    fn each_group_is_its_own_decision_matrix() {
        // WSM, min-max, equal weights, all benefit. Group p = a1, a3, a5:
        // c1 250, 300, 225 → 1/3, 1, 0; c2 16, 32, 16 → 0, 1, 0; c3 12, 16, 16 → 0, 1, 1;
        // c4 5, 4, 2 → 1, 2/3, 0. Scores (÷4): a1 0.333333, a3 0.916667, a5 0.25.
        // Group q = a2, a4: c1 200, 275 → 0, 1; c2 16, 32 → 0, 1; c3 8, 8 → constant → 1, 1;
        // c4 3, 4 → 0, 1. Scores: a2 0.25, a4 1.
        let mut spec = McdaSpec::new("id", criteria(4, &[]), Method::Wsm);
        spec.weighting = Weighting::Equal;
        let result = run_grouped(&spec, "g", grouped_x()).unwrap();
        let t = &result.table;
        assert_eq!(
            t.get_column_names()
                .iter()
                .map(|n| n.as_str())
                .collect::<Vec<_>>(),
            ["id", "g", "score", "rank", "group_rank"]
        );
        assert_eq!(strings(t, "id"), ["a3", "a1", "a5", "a4", "a2"]);
        assert_eq!(strings(t, "g"), ["p", "p", "p", "q", "q"]);
        close(
            &floats(t, SCORE),
            &[0.916667, 0.333333, 0.25, 1.0, 0.25],
            1e-6,
        );
        assert_eq!(floats(t, GROUP_RANK), [1.0, 2.0, 3.0, 1.0, 2.0]);
        // Over everyone by those scores, min ties: a4 1, a3 2, a1 3, a5 and a2 4.
        assert_eq!(floats(t, RANK), [2.0, 3.0, 4.0, 1.0, 4.0]);
        // Each group's result is the method on its rows alone.
        let p = grouped_x()
            .filter(&grouped_x().column("g").unwrap().str().unwrap().equal("p"))
            .unwrap();
        let alone = run(&spec, p).unwrap();
        assert_eq!(result.groups[0].0, "p");
        close(
            &floats(&result.groups[0].1.table, SCORE),
            &floats(&alone.table, SCORE),
            0.0,
        );
    }

    #[test]
    fn group_column_problems_are_named() {
        let spec = McdaSpec::new("id", criteria(4, &[]), Method::Topsis);
        let err = run_grouped(&spec, "gg", grouped_x())
            .unwrap_err()
            .to_string();
        assert!(err.contains("gg"), "{err}");
        let err = run_grouped(&spec, "c1", grouped_x())
            .unwrap_err()
            .to_string();
        assert!(err.contains("also the id column or a criterion"), "{err}");
        let mut frame = grouped_x();
        frame
            .with_column(Column::new(
                "g".into(),
                [Some("p"), None, Some("p"), Some("q"), Some("q")],
            ))
            .unwrap();
        let err = run_grouped(&spec, "g", frame).unwrap_err().to_string();
        assert!(
            err.contains("\"a2\" has no value in the group column"),
            "{err}"
        );
    }
}
