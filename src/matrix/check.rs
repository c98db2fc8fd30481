//! The checks of `jixiao mcda` before a method runs: the settings against the method, the named
//! columns (all missing ones together, with suggestions), the cells parsed into the decision
//! matrix (id text, unique and non-empty; criteria finite numbers; every problem with the row
//! the user sees in the file), and values the method or normalisation cannot take.

use polars::prelude::*;

use super::{McdaSpec, Method, OUTPUT_COLUMNS, ROW_COLUMN};
use crate::error::{closest, Error, Result};
use crate::mcda::normalise::Normalisation;
use crate::mcda::weights::Weighting;
use crate::mcda::Direction;

fn usage(message: String) -> Error {
    Error::Usage { message }
}

/// Checks the settings against the method; returns the normalisation to use, if any.
pub(super) fn check_spec(spec: &McdaSpec) -> Result<Option<Normalisation>> {
    let method = spec.method;
    let title = method.title();
    if spec.criteria.is_empty() {
        return Err(usage(
            "no criteria: pass --criteria \"col1:+,col2:-,…\"".into(),
        ));
    }
    if spec.criteria.iter().any(|c| c.name == spec.id) {
        return Err(usage(format!(
            "\"{}\" is both the id column and a criterion",
            spec.id
        )));
    }
    if OUTPUT_COLUMNS.contains(&spec.id.as_str()) {
        return Err(usage(format!(
            "the id column may not be called \"{}\", a column of the output; rename it",
            spec.id
        )));
    }
    let refuse = |flag: &str, applies: &str| -> Result<()> {
        Err(usage(format!(
            "{flag} applies to {applies} only, not to {title}; drop it"
        )))
    };
    if spec.placement.is_some() && method != Method::Topsis {
        refuse("--topsis-weights", "TOPSIS")?;
    }
    if spec.vikor_v.is_some() && method != Method::Vikor {
        refuse("--vikor-v", "VIKOR")?;
    }
    let rank_based = matches!(method, Method::Rsr | Method::Wrsr);
    if spec.rsr_ranks.is_some() && !rank_based {
        refuse("--rsr-ranks", "RSR and WRSR")?;
    }
    if spec.grades.is_some() && !rank_based {
        refuse("--grades", "RSR and WRSR")?;
    }
    if let Some(v) = spec.vikor_v {
        if !(0.0..=1.0).contains(&v) {
            return Err(usage(format!(
                "--vikor-v {v} is outside [0, 1]; 0.5 weighs group utility and regret equally"
            )));
        }
    }
    if spec.grades == Some(0) {
        return Err(usage("--grades must be at least 1 (3 is usual)".into()));
    }
    if spec.grades.is_some_and(|g| g > super::MAX_GRADES) {
        return Err(usage(format!(
            "--grades must be at most {} (3 is usual)",
            super::MAX_GRADES
        )));
    }
    if method == Method::Rsr && spec.weighting != Weighting::Equal {
        return Err(usage(
            "RSR is unweighted: use --method wrsr to weight the ranks, or drop --weights".into(),
        ));
    }
    match (method, spec.normalisation) {
        (Method::Topsis, n) => Ok(Some(n.unwrap_or(Normalisation::Vector))),
        (Method::Wsm, None) => Ok(Some(Normalisation::MinMax)),
        (Method::Wsm, Some(n @ (Normalisation::MinMax | Normalisation::Reciprocal))) => Ok(Some(n)),
        (Method::Wsm, Some(n)) => {
            let costs: Vec<&str> = spec
                .criteria
                .iter()
                .filter(|c| c.direction == Direction::Cost)
                .map(|c| c.name.as_str())
                .collect();
            if costs.is_empty() {
                Ok(Some(n))
            } else {
                Err(usage(format!(
                    "WSM adds normalised values, which must all point the same way, and --normalize {} keeps the cost criteria ({}) reversed; use minmax (the default) or reciprocal",
                    n.name(),
                    costs.join(", ")
                )))
            }
        }
        (_, None) => Ok(None),
        (Method::Vikor, Some(_)) => Err(usage(
            "--normalize does not apply to VIKOR, which scales each criterion by (f* − f)/(f* − f⁻) itself; drop it".into(),
        )),
        (Method::Rsr | Method::Wrsr, Some(_)) => Err(usage(format!(
            "--normalize does not apply to {title}, which ranks the values; drop it"
        ))),
        (Method::Wpm, Some(_)) => Err(usage(
            "--normalize does not apply to WPM, which takes ratios to the best value (x/max, min/x); drop it".into(),
        )),
    }
}

/// Every named column must exist; all missing ones are reported together, with suggestions.
pub(super) fn check_columns(spec: &McdaSpec, frame: &DataFrame) -> Result<()> {
    let names: Vec<&str> = frame
        .get_column_names()
        .iter()
        .map(|n| n.as_str())
        .filter(|n| *n != ROW_COLUMN)
        .collect();
    let mut missing: Vec<Error> = std::iter::once((spec.id.as_str(), "--id"))
        .chain(
            spec.criteria
                .iter()
                .map(|c| (c.name.as_str(), "--criteria")),
        )
        .filter(|(name, _)| !names.contains(name))
        .map(|(name, flag)| {
            let suggestion = closest(name, names.iter().copied());
            let help = if suggestion.is_some() {
                format!("{flag} names it")
            } else {
                format!(
                    "{flag} names it; the file's columns are {}",
                    names.join(", ")
                )
            };
            Error::ColumnNotFound {
                column: name.to_string(),
                data_file: spec.source.clone(),
                suggestion,
                span: None,
                help: Some(help),
            }
        })
        .collect();
    match missing.len() {
        0 => Ok(()),
        1 => Err(missing.pop().expect("one error")),
        _ => Err(Error::Many(missing)),
    }
}

/// "row 3 (1996), row 5 (1998) and 2 more": frame rows by the numbers the user sees.
fn row_list(rows: &[(usize, String)], numbers: &[u32]) -> String {
    let shown: Vec<String> = rows
        .iter()
        .take(5)
        .map(|(row, label)| format!("row {} ({label})", numbers[*row]))
        .collect();
    let more = rows.len().saturating_sub(5);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// A criterion column as finite floats, with the rows that are missing or not numbers.
struct Parsed {
    values: Vec<f64>,
    missing: Vec<usize>,
    bad: Vec<(usize, String)>,
}

/// A numeric column with every value present and finite, as is (no copy); `None` otherwise.
fn clean_numbers(column: &Column) -> Result<Option<Column>> {
    if column.dtype() == &DataType::String || column.null_count() > 0 {
        return Ok(None);
    }
    let Ok(cast) = column.cast(&DataType::Float64) else {
        return Ok(None);
    };
    let finite = cast
        .f64()?
        .downcast_iter()
        .all(|chunk| chunk.values().iter().all(|v| v.is_finite()));
    Ok(finite.then_some(cast))
}

fn parse_column(column: &Column) -> Result<Parsed> {
    let n = column.len();
    let mut parsed = Parsed {
        values: Vec::with_capacity(n),
        missing: Vec::new(),
        bad: Vec::new(),
    };
    if column.dtype() == &DataType::String {
        // Numbers stored as text as Excel exports them ("1,234", "12.5%", full-width digits)
        // are read as `crate::source::number` reads them for schemes: the whole column cast by
        // polars, and only the cells it refused read one by one.
        let (values, problems) = crate::source::parse_number_column(column)?;
        let mut problems = problems.into_iter().peekable();
        for (i, value) in values.f64()?.iter().enumerate() {
            if problems.peek().is_some_and(|p| p.row == i) {
                let problem = problems.next().expect("peeked");
                parsed.bad.push((i, problem.text.trim().to_string()));
                parsed.values.push(f64::NAN);
                continue;
            }
            match value {
                Some(v) if v.is_finite() => parsed.values.push(v),
                Some(v) => {
                    parsed.bad.push((i, v.to_string()));
                    parsed.values.push(f64::NAN);
                }
                None => {
                    parsed.missing.push(i);
                    parsed.values.push(f64::NAN);
                }
            }
        }
    } else {
        let cast = column
            .as_materialized_series()
            .cast(&DataType::Float64)
            .map_err(|_| {
                usage(format!(
                    "column \"{}\" holds {} values, not numbers",
                    column.name(),
                    column.dtype()
                ))
            })?;
        for (i, cell) in cast.f64()?.iter().enumerate() {
            match cell {
                None => {
                    parsed.missing.push(i);
                    parsed.values.push(f64::NAN);
                }
                Some(v) if !v.is_finite() => {
                    parsed.bad.push((i, v.to_string()));
                    parsed.values.push(f64::NAN);
                }
                Some(v) => parsed.values.push(v),
            }
        }
    }
    Ok(parsed)
}

/// Each frame row's number as the user sees it in the file: the [`ROW_COLUMN`] the reader put
/// there (Excel rows below a title, CSV lines), else a CSV's (header = row 1).
fn row_numbers(frame: &DataFrame) -> Result<Vec<u32>> {
    match frame.column(ROW_COLUMN) {
        Ok(rows) => Ok(rows.u32()?.iter().map(|r| r.unwrap_or(0)).collect()),
        Err(_) => Ok((0..frame.height() as u32).map(|i| i + 2).collect()),
    }
}

/// The decision matrix: id as text (unique, non-empty), criteria as floats (present, finite),
/// in id order. Every problem is reported with its row.
pub(super) fn decision_matrix(spec: &McdaSpec, frame: &DataFrame) -> Result<DataFrame> {
    let numbers = row_numbers(frame)?;
    let data_error = |message: String, help: &str| Error::Data {
        file: spec.source.clone(),
        message,
        help: Some(help.to_string()),
    };
    let ids = frame
        .column(&spec.id)?
        .cast(&DataType::String)?
        .str()?
        .clone();
    let id_of = |i: usize| ids.get(i).unwrap_or("").to_string();
    let empty: Vec<(usize, String)> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| id.is_none_or(|s| s.trim().is_empty()))
        .map(|(i, _)| (i, "no id".to_string()))
        .collect();
    if !empty.is_empty() {
        return Err(data_error(
            format!(
                "the id column \"{}\" is empty in {}",
                spec.id,
                row_list(&empty, &numbers)
            ),
            "every alternative needs an id; rows are numbered as in a spreadsheet, header = row 1",
        ));
    }
    if ids.n_unique()? < ids.len() {
        let mut seen = std::collections::HashMap::new();
        let mut duplicates = Vec::new();
        for (row, id) in ids.iter().enumerate() {
            let id = id.unwrap_or_default();
            if let Some(first) = seen.insert(id, row) {
                duplicates.push(format!(
                    "\"{id}\" (rows {} and {})",
                    numbers[first], numbers[row]
                ));
            }
        }
        let more = duplicates.len().saturating_sub(5);
        duplicates.truncate(5);
        return Err(data_error(
            format!(
                "the id column \"{}\" is not unique: {}{}",
                spec.id,
                duplicates.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
            "each alternative must appear once",
        ));
    }
    let mut columns = vec![Column::new(spec.id.as_str().into(), ids.clone())];
    let mut problems = Vec::new();
    for c in &spec.criteria {
        let column = frame.column(&c.name)?;
        if let Some(clean) = clean_numbers(column)? {
            columns.push(clean);
            continue;
        }
        let parsed = parse_column(column)?;
        if !parsed.bad.is_empty() {
            let rows: Vec<(usize, String)> = parsed
                .bad
                .iter()
                .map(|(i, text)| (*i, format!("{}: \"{text}\"", id_of(*i))))
                .collect();
            problems.push(data_error(
                format!(
                    "criterion \"{}\" has {} cell{} that {} not a number: {}",
                    c.name,
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" },
                    if rows.len() == 1 { "is" } else { "are" },
                    row_list(&rows, &numbers)
                ),
                "write numbers (\"1,234\", \"12.5%\" and full-width digits are read; units and ambiguous forms such as \"1,5\" are not)",
            ));
        }
        if !parsed.missing.is_empty() {
            let rows: Vec<(usize, String)> =
                parsed.missing.iter().map(|&i| (i, id_of(i))).collect();
            problems.push(data_error(
                format!(
                    "criterion \"{}\" has no value in {} row{}: {}",
                    c.name,
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" },
                    row_list(&rows, &numbers)
                ),
                "decision-matrix methods compare every alternative on every criterion: fill the values in, or drop those rows or the criterion",
            ));
        }
        columns.push(Column::new(c.name.as_str().into(), parsed.values));
    }
    match problems.len() {
        0 => {}
        1 => return Err(problems.pop().expect("one problem")),
        _ => return Err(Error::Many(problems)),
    }
    let matrix = DataFrame::new(ids.len(), columns)?;
    let sorted = matrix
        .column(&spec.id)?
        .as_materialized_series()
        .is_sorted(SortOptions::default())?;
    if sorted {
        Ok(matrix)
    } else {
        Ok(matrix.sort([spec.id.as_str()], SortMultipleOptions::default())?)
    }
}

/// The smallest value of a criterion.
fn column_min(frame: &DataFrame, name: &str) -> Result<f64> {
    Ok(frame.column(name)?.f64()?.min().unwrap_or(f64::NAN))
}

/// Refuses values the method or normalisation cannot take, naming the criterion, rows and fix.
pub(super) fn check_values(
    spec: &McdaSpec,
    normalisation: Option<Normalisation>,
    frame: &DataFrame,
) -> Result<()> {
    let ids = frame.column(&spec.id)?.str()?.clone();
    let offending = |name: &str, bad: &dyn Fn(f64) -> bool| -> Result<Vec<(usize, String)>> {
        Ok(frame
            .column(name)?
            .f64()?
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_some_and(bad))
            .map(|(i, v)| {
                (
                    i,
                    format!("{} = {}", ids.get(i).unwrap_or(""), v.unwrap_or(f64::NAN)),
                )
            })
            .collect())
    };
    // Rows are in id order here; name them by id only.
    let list = |rows: &[(usize, String)]| -> String {
        let shown: Vec<&str> = rows.iter().take(5).map(|(_, t)| t.as_str()).collect();
        let more = rows.len().saturating_sub(5);
        if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        }
    };
    for c in &spec.criteria {
        let problem: Option<(String, &str)> = if spec.method == Method::Wpm {
            (column_min(frame, &c.name)? <= 0.0).then(|| {
                (
                    "WPM takes ratios and powers, so needs values > 0".to_string(),
                    "shift the criterion to positive values, or use --method wsm",
                )
            })
        } else if normalisation == Some(Normalisation::Reciprocal) && c.direction == Direction::Cost
        {
            (column_min(frame, &c.name)? <= 0.0).then(|| {
                (
                    "the reciprocal normalisation takes 1/x of cost criteria, so needs values > 0"
                        .to_string(),
                    "use --normalize vector (ideal = the smallest value of a cost criterion)",
                )
            })
        } else if normalisation == Some(Normalisation::Sum) {
            (column_min(frame, &c.name)? < 0.0).then(|| {
                (
                    "the sum normalisation x/Σx needs values ≥ 0".to_string(),
                    "use --normalize vector or minmax",
                )
            })
        } else {
            None
        };
        if let Some((what, help)) = problem {
            let bad: Box<dyn Fn(f64) -> bool> =
                if spec.method == Method::Wpm || normalisation == Some(Normalisation::Reciprocal) {
                    Box::new(|v| v <= 0.0)
                } else {
                    Box::new(|v| v < 0.0)
                };
            let rows = offending(&c.name, &*bad)?;
            return Err(Error::Method {
                message: format!("{what}; criterion \"{}\": {}", c.name, list(&rows)),
                help: Some(help.to_string()),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::super::testing::spec;
    use super::*;
    use crate::mcda::testing::{criteria, x_frame};

    #[test]
    fn missing_and_bad_cells_are_refused_with_rows() {
        let frame = df!(
            "id" => ["1994", "1995", "1996"],
            "c1" => ["1", "", "3"],
            "c2" => ["4", "x", "1,5"],
        )
        .unwrap();
        let spec = McdaSpec::new("id", criteria(2, &[]), Method::Topsis);
        let err = run(&spec, frame).unwrap_err().to_string();
        assert!(
            err.contains("criterion \"c1\" has no value in 1 row: row 3 (1995)"),
            "{err}"
        );
        assert!(
            err.contains("criterion \"c2\" has 2 cells that are not a number: row 3 (1995: \"x\"), row 4 (1996: \"1,5\")"),
            "{err}"
        );
    }

    #[test]
    fn numbers_stored_as_text_are_read_as_excel_shows_them() {
        // "1,234" (thousands), "12.5%" (= 0.125), full-width "３"; the same matrix as plain numbers.
        let text =
            df!("id" => ["a", "b", "c"], "c1" => ["1,234", "12.5%", "３"], "c2" => ["1", "2", "3"])
                .unwrap();
        let plain =
            df!("id" => ["a", "b", "c"], "c1" => [1234.0, 0.125, 3.0], "c2" => [1.0, 2.0, 3.0])
                .unwrap();
        let spec = McdaSpec::new("id", criteria(2, &[]), Method::Topsis);
        let (a, b) = (run(&spec, text).unwrap(), run(&spec, plain).unwrap());
        assert!(
            a.table.equals_missing(&b.table),
            "{:?}\n{:?}",
            a.table,
            b.table
        );
    }

    #[test]
    fn unknown_columns_are_suggested_and_duplicates_refused() {
        let mut spec = McdaSpec::new("id", criteria(2, &[]), Method::Topsis);
        spec.criteria[1].name = "c22".into();
        let err = run(&spec, x_frame()).unwrap_err().to_string();
        assert!(
            err.contains("column \"c22\" not found") && err.contains("did you mean \"c2"),
            "{err}"
        );
        let frame =
            df!("id" => ["a", "b", "a"], "c1" => [1.0, 2.0, 3.0], "c2" => [1.0, 2.0, 3.0]).unwrap();
        let err = run(
            &McdaSpec::new("id", criteria(2, &[]), Method::Topsis),
            frame,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("\"a\" (rows 2 and 4)"), "{err}");
    }

    #[test]
    fn options_given_to_the_wrong_method_are_refused() {
        let mut s = spec(Method::Wsm);
        s.vikor_v = Some(0.3);
        assert!(run(&s, x_frame())
            .unwrap_err()
            .to_string()
            .contains("--vikor-v"));
        let mut s = spec(Method::Vikor);
        s.normalisation = Some(Normalisation::Vector);
        assert!(run(&s, x_frame()).is_err());
        let mut s = spec(Method::Wsm);
        s.normalisation = Some(Normalisation::Sum);
        let err = run(&s, x_frame()).unwrap_err().to_string();
        assert!(err.contains("(c1)"), "{err}");
        let mut s = spec(Method::Vikor);
        s.vikor_v = Some(1.5);
        assert!(run(&s, x_frame()).is_err());
    }

    #[test]
    fn values_a_method_cannot_take_are_refused() {
        let frame = df!("id" => ["a", "b"], "c1" => [0.0, 2.0], "c2" => [1.0, 2.0]).unwrap();
        let err = run(
            &McdaSpec::new("id", criteria(2, &[]), Method::Wpm),
            frame.clone(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("criterion \"c1\": a = 0") && err.contains("--method wsm"),
            "{err}"
        );
        let mut s = McdaSpec::new("id", criteria(2, &[1]), Method::Topsis);
        s.normalisation = Some(Normalisation::Reciprocal);
        assert!(run(&s, frame.clone()).is_err());
        // Benefit zeros are fine with reciprocal (only cost criteria are inverted).
        let s = McdaSpec {
            criteria: criteria(2, &[2]),
            ..s
        };
        assert!(run(&s, frame).is_ok());
    }
}
