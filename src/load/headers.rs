//! The headers of returns as they come, matched to the scheme's columns: aliases (with a form's
//! numbering and ▲ marks ignored), units converted, figures given under several headers, and
//! columns the data may lack.
//!
//! Policies:
//! - **Matching.** A header gives a scheme column when it is the column's name; or when, with
//!   the numbering ("1.1.", "22.1.1.1.1."), the marks ▲△★, spaces and a bracketed unit set aside
//!   and full-width brackets and colons read as ASCII, it reads as one of the column's
//!   `columns.aliases` — an alias written with its numbering matches that numbered item only —
//!   or as the column's name — with a unit when the name has one ("医疗收入(元)", or a form's
//!   item 医疗收入 in 元, for "医疗收入(万元)"), without a bracketed one when it has none.
//! - **Units.** A header's unit is the form's 单位 for its item, else its bracket ("(元)"); a
//!   column's is `columns.units`, else its own bracket. When both are known and differ, the
//!   figures are converted (`crate::unit`), each conversion stated in the run summary; when they
//!   cannot be, [`Problem::UnconvertibleUnit`] stops the run naming both. A header or a column
//!   without a unit is taken as it is.
//! - **Repeated figures.** Several headers giving one column are read in order (the scheme's
//!   name, then its aliases as listed, each in header order): on each row the first non-empty
//!   cell is read. Other non-empty cells must agree with it — numbers within one part in a
//!   million of the larger (a form's 107038511.00 against 107038510.96), text exactly — else a
//!   [`Problem::RepeatedFigureDiffers`] warning names both cells and values. Agreeing repeats are
//!   stated in the run summary.
//! - **Optional columns** absent from the data are read as missing on every row: those of
//!   `columns.optional` (`prev(X)` there: X may be absent from the previous period only) are stated in the run summary; those read only by report-only indicators
//!   come with one warning naming the indicators.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{DataNeeds, LoadSummary};
use crate::columns::{PREVIOUS_SUFFIX, ROW_COLUMN};
use crate::error::Result;
use crate::problem::{DataReport, Problem};
use crate::script::Period;
use crate::source::{parse_number, CellNumber, Origin};
use crate::unit;
use crate::validate::RowSource;

/// Relative difference under which two repeated figures agree.
pub const AGREEMENT: f64 = 1e-6;

/// A header or alias as compared: its numbering ("1.1."), its name with marks, spaces and unit
/// set aside, and its bracketed unit.
#[derive(Debug, PartialEq)]
pub struct HeaderKey {
    pub numbering: Option<String>,
    pub name: String,
    pub unit: Option<String>,
}

/// See the module documentation.
pub fn header_key(header: &str) -> HeaderKey {
    let text: String = header
        .chars()
        .filter(|c| !matches!(c, '▲' | '△' | '★' | '☆') && !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '．' => '.',
            c => c,
        })
        .collect();
    // The numbering: groups of digits each followed by a dot ("1.", "12.1.1.").
    let mut end = 0;
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        if at > start && at < bytes.len() && bytes[at] == b'.' {
            at += 1;
            end = at;
        } else {
            break;
        }
    }
    let numbering = (end > 0).then(|| text[..end].to_string());
    let (name, unit) = unit::split_unit(&text[end..]);
    HeaderKey {
        numbering,
        name: name.to_string(),
        unit: unit.map(str::to_string),
    }
}

/// Whether `header` reads as the alias `alias` (see the module documentation).
fn matches_alias(header: &HeaderKey, alias: &HeaderKey) -> bool {
    header.name == alias.name && (alias.numbering.is_none() || alias.numbering == header.numbering)
}

/// The unit a column is declared in.
fn declared_unit<'a>(needs: &'a DataNeeds, column: &'a str) -> Option<&'a str> {
    needs
        .units
        .get(column)
        .map(String::as_str)
        .or_else(|| unit::split_unit(column).1)
}

/// The columns the scheme may read, the id first.
fn wanted(needs: &DataNeeds) -> Vec<String> {
    let mut wanted = vec![needs.id_column.to_string()];
    let mut others: Vec<String> = needs
        .references
        .iter()
        .map(|r| r.name.clone())
        .chain(needs.aliases.keys().cloned())
        .chain(needs.name_column.map(str::to_string))
        .chain(needs.peer_group_column.map(str::to_string))
        .filter(|name| name != needs.id_column)
        .collect();
    others.sort();
    others.dedup();
    wanted.extend(others);
    wanted
}

/// Gives each scheme column its figures from the headers that carry them; see the module
/// documentation. Notes go to `notes` (with "previous period: " before those of the previous
/// period), problems to `report`.
pub fn resolve(
    frame: DataFrame,
    needs: &DataNeeds,
    origin: &Origin,
    period: Period,
    notes: &mut Vec<String>,
    report: &mut DataReport,
) -> Result<(DataFrame, Vec<(String, String)>)> {
    let source = RowSource::of(origin);
    // (scheme column, header it is read from), for locating cells of arranged tables.
    let mut read_from: Vec<(String, String)> = Vec::new();
    let (prefix, suffix) = match period {
        Period::Current => ("", ""),
        Period::Previous => ("previous period: ", PREVIOUS_SUFFIX),
    };
    let headers: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .filter(|n| n != ROW_COLUMN)
        .collect();
    let keys: Vec<HeaderKey> = headers.iter().map(|h| header_key(h)).collect();
    let rows: Vec<Option<u32>> = frame.column(ROW_COLUMN)?.u32()?.iter().collect();
    let mut frame = frame;
    let mut conversions: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for column in wanted(needs) {
        let own = header_key(&column);
        let aliases: Vec<HeaderKey> = needs
            .aliases
            .get(&column)
            .map(|a| a.iter().map(|a| header_key(a)).collect())
            .unwrap_or_default();
        let mut candidates: Vec<usize> = Vec::new();
        if let Some(at) = headers.iter().position(|h| *h == column) {
            candidates.push(at);
        }
        for (at, key) in keys.iter().enumerate() {
            let unit_fits = match declared_unit(needs, &column) {
                Some(_) => key.unit.is_some() || origin.units.contains_key(&headers[at]),
                None => key.unit.is_none(),
            };
            if !candidates.contains(&at) && key.name == own.name && unit_fits {
                candidates.push(at);
            }
        }
        for alias in &aliases {
            for (at, key) in keys.iter().enumerate() {
                if !candidates.contains(&at) && matches_alias(key, alias) {
                    candidates.push(at);
                }
            }
        }
        if candidates.is_empty() {
            continue;
        }
        // Each candidate's unit conversion, or a problem.
        let declared = declared_unit(needs, &column);
        let mut usable: Vec<(usize, Option<(String, String)>)> = Vec::new();
        for at in candidates {
            let header = &headers[at];
            let unit = origin
                .units
                .get(header)
                .map(String::as_str)
                .or(keys[at].unit.as_deref());
            match (unit, declared) {
                (Some(unit), Some(declared)) if unit != declared => {
                    if unit::factor(unit, declared).is_some() {
                        usable.push((at, Some((unit.to_string(), declared.to_string()))));
                    } else {
                        report.push(
                            Problem::UnconvertibleUnit {
                                column: column.clone(),
                                header: header.clone(),
                                unit: unit.to_string(),
                                declared: declared.to_string(),
                            },
                            source.at(source.header_row, Some(header)),
                            None,
                        );
                    }
                }
                _ => usable.push((at, None)),
            }
        }
        if usable.is_empty() {
            continue;
        }
        if usable.len() == 1 && usable[0].1.is_none() {
            let header = &headers[usable[0].0];
            read_from.push((column.clone(), header.clone()));
            if *header != column {
                let copy = frame
                    .column(header)?
                    .clone()
                    .with_name(column.as_str().into());
                frame.with_column(copy)?;
            }
            continue;
        }
        for (_, conversion) in &usable {
            if let Some((from, to)) = conversion {
                let columns = conversions.entry((from.clone(), to.clone())).or_default();
                if !columns.contains(&column) {
                    columns.push(column.clone());
                }
            }
        }
        let ids: Option<Vec<Option<String>>> = match frame.column(needs.id_column) {
            Ok(ids) => Some(
                ids.cast(&DataType::String)?
                    .str()?
                    .iter()
                    .map(|v| v.map(str::to_string))
                    .collect(),
            ),
            Err(_) => None,
        };
        let cells: Vec<Vec<Option<String>>> = usable
            .iter()
            .map(|(at, _)| -> Result<Vec<Option<String>>> {
                let text = frame.column(&headers[*at])?.cast(&DataType::String)?;
                Ok(text
                    .str()?
                    .iter()
                    .map(|v| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()))
                    .collect())
            })
            .collect::<Result<_>>()?;
        let mut merged: Vec<Option<String>> = Vec::with_capacity(frame.height());
        let mut disagreed = false;
        for row in 0..frame.height() {
            // Each candidate's cell on this row: its text and its value in the declared unit.
            let values: Vec<Option<(String, Value)>> = usable
                .iter()
                .zip(&cells)
                .map(|((_, conversion), cells)| {
                    cells[row].as_ref().map(|text| {
                        let value = match parse_number(text) {
                            CellNumber::Number(x) => match conversion {
                                Some((from, to)) => {
                                    Value::Number(unit::convert(x, from, to).unwrap_or(x))
                                }
                                None => Value::Number(x),
                            },
                            _ => Value::Text(text.clone()),
                        };
                        (text.clone(), value)
                    })
                })
                .collect();
            let Some(first) = values.iter().position(Option::is_some) else {
                merged.push(None);
                continue;
            };
            let (used_text, used) = values[first].clone().unwrap_or_default();
            for (other, value) in values.iter().enumerate().skip(first + 1) {
                let Some((other_text, value)) = value else {
                    continue;
                };
                if !used.agrees(value) {
                    disagreed = true;
                    report.push(
                        Problem::RepeatedFigureDiffers {
                            column: column.clone(),
                            used: headers[usable[first].0].clone(),
                            used_value: used_text.clone(),
                            other: headers[usable[other].0].clone(),
                            other_value: other_text.clone(),
                        },
                        source.at(
                            rows[row],
                            Some(&format!("{}{suffix}", headers[usable[other].0])),
                        ),
                        ids.as_ref().and_then(|ids| ids[row].clone()),
                    );
                }
            }
            merged.push(Some(match used {
                Value::Number(x) => format!("{x}"),
                Value::Text(text) => text,
            }));
        }
        if usable.len() > 1 && !disagreed {
            let names: Vec<&str> = usable.iter().map(|(at, _)| headers[*at].as_str()).collect();
            notes.push(format!(
                "{prefix}{column} given under {} headers that agree ({}); the first is read",
                names.len(),
                names.join(", ")
            ));
        }
        read_from.push((column.clone(), headers[usable[0].0].clone()));
        frame.with_column(Column::new(column.as_str().into(), merged))?;
    }
    for ((from, to), columns) in conversions {
        let size = unit::convert(1.0, &from, &to).unwrap_or(1.0);
        let how = if size >= 1.0 {
            format!("× {}", crate::display::format_number(size))
        } else {
            format!("÷ {}", crate::display::format_number(1.0 / size))
        };
        notes.push(format!(
            "{prefix}converted from {from} to {to} ({how}): {}",
            columns.join(", ")
        ));
    }
    Ok((frame, read_from))
}

/// A cell of a repeated figure: a number in the column's unit, or text that is not one.
#[derive(Debug, Clone)]
enum Value {
    Number(f64),
    Text(String),
}

impl Default for Value {
    fn default() -> Self {
        Value::Text(String::new())
    }
}

impl Value {
    fn agrees(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => {
                (a - b).abs() <= AGREEMENT * a.abs().max(b.abs())
            }
            (Value::Text(a), Value::Text(b)) => a == b,
            _ => false,
        }
    }
}

/// Adds the optional columns the data lacks, read as missing; see the module documentation.
pub fn optional_columns(
    frame: DataFrame,
    needs: &DataNeeds,
    period: Period,
    summary: &mut LoadSummary,
) -> Result<DataFrame> {
    let present: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let mut absent: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut frame = frame;
    for reference in needs.references.iter().filter(|r| r.period == period) {
        let name = reference.name.as_str();
        if present.iter().any(|p| p == name) || frame.column(name).is_ok() {
            continue;
        }
        let previous_only = format!("{name}{PREVIOUS_SUFFIX}");
        let optional = match period {
            Period::Previous => needs.optional.get(&previous_only),
            Period::Current => None,
        };
        if let Some(why) = optional.or_else(|| needs.optional.get(name)) {
            frame.with_column(Column::full_null(
                name.into(),
                frame.height(),
                &DataType::String,
            ))?;
            absent.entry(why.as_str()).or_default().push(name);
            if period == Period::Current {
                summary.absent_columns.push(name.to_string());
            }
        }
    }
    let prefix = match period {
        Period::Current => "",
        Period::Previous => "previous period: ",
    };
    for (why, columns) in absent {
        if why == crate::message::REPORT_ONLY_ABSENT {
            summary
                .warnings
                .push(crate::message::Warning::ReportOnlyColumnsAbsent {
                    previous: period == Period::Previous,
                    columns: columns.iter().map(|c| c.to_string()).collect(),
                });
        } else {
            summary.notes.push(format!(
                "{prefix}absent, read as missing: {} ({why})",
                columns.join(", ")
            ));
        }
    }
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_set_numbering_marks_and_units_aside() {
        assert_eq!(
            header_key("1.1.出院患者手术人数"),
            HeaderKey {
                numbering: Some("1.1.".into()),
                name: "出院患者手术人数".into(),
                unit: None
            }
        );
        assert_eq!(header_key("1.出院患者手术占比▲").name, "出院患者手术占比");
        let key = header_key("22.1.1.1.1.其中：17种抗癌药品收入(元)");
        assert_eq!(key.numbering.as_deref(), Some("22.1.1.1.1."));
        assert_eq!(key.name, "其中:17种抗癌药品收入");
        assert_eq!(key.unit.as_deref(), Some("元"));
        assert_eq!(
            header_key("4.2.同期出院患者手术人数（择期）").name,
            "同期出院患者手术人数(择期)"
        );
        assert_eq!(header_key("2020年").numbering, None);
    }

    #[test]
    fn an_alias_with_numbering_matches_that_item_only() {
        let alias = header_key("22.1.1.1.1.其中:17种抗癌药品收入");
        assert!(matches_alias(
            &header_key("22.1.1.1.1.其中：17种抗癌药品收入"),
            &alias
        ));
        assert!(!matches_alias(
            &header_key("22.2.1.1.1.其中：17种抗癌药品收入"),
            &alias
        ));
        let plain = header_key("其中:17种抗癌药品收入");
        assert!(matches_alias(
            &header_key("22.2.1.1.1.其中：17种抗癌药品收入"),
            &plain
        ));
    }

    #[test]
    fn repeated_figures_agree_to_a_part_in_a_million() {
        assert!(Value::Number(107038511.0).agrees(&Value::Number(107038510.96)));
        assert!(!Value::Number(291550.0).agrees(&Value::Number(291653.0)));
        assert!(!Value::Number(1.0).agrees(&Value::Text("x".into())));
    }
}
