//! One side of a diff as the comparison reads it: every institution's id, name, peer group, rank,
//! peer-group rank, score and grade, in its table's order ([`Figures`]), read from a table once and
//! kept with the side, so a run compared twice (the watch loop's baseline, compared again after
//! the next edit) is read once.
//!
//! Texts are [`Text`]s, shared by count: the rows of a diff and the runs of a watch session point
//! at the same strings instead of copying 40,000 ids, names and peer groups per comparison. Two
//! runs on the same loaded data (the watch loop's light runs) can also say which data row each
//! table row is ([`FrameRows`]): they are then paired by row, without matching ids.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use polars::prelude::*;

use super::Side;
use crate::columns::{GRADE_COLUMN, GROUP_RANK_COLUMN, RANK_COLUMN, SCORE_COLUMN};
use crate::error::{Error, Result};

/// A text of a diff's rows (an id, a name, a peer group, a grade), shared by count.
pub type Text = Arc<str>;

pub(super) fn serialize_text<S: serde::Serializer>(
    text: &Text,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
}

pub(super) fn serialize_optional_text<S: serde::Serializer>(
    text: &Option<Text>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    match text {
        Some(text) => serializer.serialize_some(&**text),
        None => serializer.serialize_none(),
    }
}

/// The institutions of a loaded data set, in its row order, as the tables of runs on it show
/// them: what runs on the same data share.
#[derive(Debug)]
pub struct Institutions {
    pub ids: Vec<Text>,
    pub names: Vec<Option<Text>>,
    pub groups: Vec<Option<Text>>,
}

/// Which row of a shared [`Institutions`] each table row is. A side with both these and a kept
/// run (`super::KeptRun`) promises that the data rows are the rows of the kept run's frame.
#[derive(Debug, Clone)]
pub struct FrameRows {
    pub institutions: Arc<Institutions>,
    /// Table row → data row.
    pub row: Vec<u32>,
}

/// One side's figures, in its table's order.
#[derive(Debug)]
pub struct Figures {
    pub ids: Vec<Text>,
    pub names: Vec<Option<Text>>,
    pub groups: Vec<Option<Text>>,
    pub rank: Vec<Option<f64>>,
    pub group_rank: Vec<Option<f64>>,
    pub score: Vec<Option<f64>>,
    pub grade: Vec<Option<Text>>,
    /// Set when the table's rows are rows of data other runs share.
    pub frame_rows: Option<FrameRows>,
    index: OnceLock<HashMap<Text, usize>>,
}

pub(super) fn missing_column(side: &Side, column: &str, what: &str) -> Error {
    Error::Usage {
        message: format!(
            "{} has no column \"{column}\" ({what}): diff reads tables written by `jixiao score \
             --out`, each with the scheme that scored it; pass that --scheme (or \
             --against-scheme for the baseline)",
            side.label
        ),
    }
}

fn column<'a>(side: &'a Side, name: &str, what: &str) -> Result<&'a Column> {
    side.table
        .column(name)
        .map_err(|_| missing_column(side, name, what))
}

/// A column as texts, equal texts shared (a peer group or grade is one string for all its rows).
fn texts(side: &Side, name: &str, what: &str) -> Result<Vec<Option<Text>>> {
    let values = column(side, name, what)?.cast(&DataType::String)?;
    let mut seen: HashMap<&str, Text> = HashMap::new();
    let mut last: Option<Text> = None;
    Ok(values
        .str()?
        .iter()
        .map(|v| {
            let v = v.filter(|v| !v.is_empty())?;
            if let Some(text) = last.as_ref().filter(|t| ***t == *v) {
                return Some(text.clone());
            }
            let text = match seen.get(v) {
                Some(text) => text.clone(),
                None if seen.len() < 256 => seen.entry(v).or_insert_with(|| v.into()).clone(),
                None => Text::from(v),
            };
            last = Some(text.clone());
            Some(text)
        })
        .collect())
}

/// A number cell: a float, an integer or text holding a number (CSV); empty is `None`.
pub(super) fn number_at(
    side: &Side,
    name: &str,
    value: AnyValue,
    row: usize,
) -> Result<Option<f64>> {
    let text = match value {
        AnyValue::Null => return Ok(None),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        other => return Ok(other.extract::<f64>()),
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<f64>().map(Some).map_err(|_| Error::Usage {
        message: format!(
            "{}: column \"{name}\", row {} of the data, holds \"{text}\", not a number",
            side.label,
            row + 1
        ),
    })
}

fn numbers(side: &Side, name: &str, what: &str) -> Result<Vec<Option<f64>>> {
    let values = column(side, name, what)?;
    if values.dtype().is_primitive_numeric() {
        return Ok(values.cast(&DataType::Float64)?.f64()?.iter().collect());
    }
    let values = values.as_materialized_series();
    (0..values.len())
        .map(|row| number_at(side, name, values.get(row)?, row))
        .collect()
}

impl Figures {
    /// Read from the side's table.
    pub(super) fn of(side: &Side) -> Result<Figures> {
        let Institutions { ids, names, groups } = Institutions::of(side)?;
        Ok(Figures {
            names,
            groups,
            rank: numbers(side, RANK_COLUMN, "the rank")?,
            group_rank: numbers(side, GROUP_RANK_COLUMN, "the peer-group rank")?,
            score: numbers(side, SCORE_COLUMN, "the score")?,
            grade: texts(side, GRADE_COLUMN, "the grade")?,
            ids,
            frame_rows: None,
            index: OnceLock::new(),
        })
    }

    /// Figures of a run on shared data: the institutions of `rows` (table order → data row) with
    /// the run's own figures, already in table order.
    pub fn on_rows(
        rank: Vec<Option<f64>>,
        group_rank: Vec<Option<f64>>,
        score: Vec<Option<f64>>,
        grade: Vec<Option<Text>>,
        rows: FrameRows,
    ) -> Figures {
        let of = &rows.institutions;
        let pick = |values: &[Option<Text>]| -> Vec<Option<Text>> {
            rows.row
                .iter()
                .map(|&r| values[r as usize].clone())
                .collect()
        };
        Figures {
            ids: rows
                .row
                .iter()
                .map(|&r| of.ids[r as usize].clone())
                .collect(),
            names: pick(&of.names),
            groups: pick(&of.groups),
            rank,
            group_rank,
            score,
            grade,
            frame_rows: Some(rows),
            index: OnceLock::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Row of each id, built once; a duplicate id is refused.
    pub(super) fn index(&self, side: &Side) -> Result<&HashMap<Text, usize>> {
        if let Some(index) = self.index.get() {
            return Ok(index);
        }
        let mut index = HashMap::with_capacity(self.ids.len());
        for (row, id) in self.ids.iter().enumerate() {
            if index.insert(id.clone(), row).is_some() {
                return Err(Error::Usage {
                    message: format!(
                        "{} holds the id \"{id}\" twice (column \"{}\"): institutions are \
                         matched by id, so each may appear once",
                        side.label, side.layout.id_column
                    ),
                });
            }
        }
        Ok(self.index.get_or_init(|| index))
    }
}

/// For each row of `this`, its row in `against`: by data row when both are runs on the same data,
/// else by id.
pub(super) fn pairing(
    this: (&Side, &Figures),
    against: (&Side, &Figures),
) -> Result<Vec<Option<usize>>> {
    let (a, b) = (this.1, against.1);
    if let (Some(x), Some(y)) = (&a.frame_rows, &b.frame_rows) {
        if Arc::ptr_eq(&x.institutions, &y.institutions) {
            let mut position = vec![u32::MAX; x.institutions.ids.len()];
            for (table_row, &data_row) in y.row.iter().enumerate() {
                position[data_row as usize] = table_row as u32;
            }
            return Ok(x
                .row
                .iter()
                .map(|&r| Some(position[r as usize]).filter(|&p| p != u32::MAX))
                .map(|p| p.map(|p| p as usize))
                .collect());
        }
    }
    a.index(this.0)?;
    let index = b.index(against.0)?;
    Ok(a.ids.iter().map(|id| index.get(id).copied()).collect())
}

impl Institutions {
    /// The ids, names and peer groups of a side's table, in its order, as [`Figures`] reads
    /// them.
    pub fn of(side: &Side) -> Result<Institutions> {
        let layout = &side.layout;
        let ids: Vec<Text> = texts(side, &layout.id_column, "the id column")?
            .into_iter()
            .map(|id| id.unwrap_or_else(|| Text::from("")))
            .collect();
        let optional = |name: &Option<String>, what: &str| match name {
            Some(name) => texts(side, name, what),
            None => Ok(vec![None; ids.len()]),
        };
        Ok(Institutions {
            names: optional(&layout.name_column, "the name column")?,
            groups: optional(&layout.peer_group_column, "the peer-group column")?,
            ids,
        })
    }
}
