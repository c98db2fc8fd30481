//! The three shapes returns come in, and turning each into one row per institution:
//!
//! - **wide**: one row per institution, one column per figure — what jixiao scores; kept as is.
//! - **form** (the national fill-in form, 填报表): one row per item (an indicator, then its
//!   numerator and denominator lines, numbered "1.1." as in the manual), one column per period
//!   (`2020年`, `2019年`…), an optional 单位 column; one institution per file or sheet.
//! - **long**: one row per (institution, item, period) with the value in its own column.
//!
//! Detection, on the header: a column of items (项目, 指标, 指标名称, 项目名称, item, indicator) and
//! the scheme's id column with a value column (值, 数值, 数据, 填报值, value) is **long**; a column
//! of items and at least one period column (a year, "2020", "2020年" or "2020年度") without the id
//! column is a **form**; anything else is **wide**. `--layout` forces one; a forced layout whose
//! columns are not there is an error naming them.
//!
//! Periods are never guessed: a form or long table holding one period is read as that period; one
//! holding several needs `--period` (and `--prev-period` for the previous one), and an unknown
//! period is an error listing the periods the file holds.
//!
//! A form's institution id comes from `--institution`, else from an item row named like the
//! scheme's id column (机构编码), else from the file name (without its extension); the run summary
//! says which. Its name and peer group come from item rows named like the scheme's columns, else
//! are empty. Items are columns under their text as the form writes it ("1.1.出院患者手术人数");
//! `columns.aliases` matches them with the numbering and ▲ marks ignored (see `crate::load`). The
//! form's 栏次 row (column numbers) is left out. A form's 单位 and a long table's unit column give
//! each item's unit ([`Origin::units`]), converted to the scheme's by `crate::load`.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{data_error, trim, Origin, SourceTable};
use crate::error::Result;

/// The shape of a data file; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Wide,
    Form,
    Long,
}

impl Layout {
    /// Names accepted by `--layout`.
    pub const NAMES: [&'static str; 3] = ["wide", "form", "long"];

    pub fn from_name(name: &str) -> Option<Layout> {
        match name {
            "wide" => Some(Layout::Wide),
            "form" => Some(Layout::Form),
            "long" => Some(Layout::Long),
            _ => None,
        }
    }
}

/// How to read a form or long table: the layout (detected when `None`), the period, and a form's
/// institution id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayoutOptions {
    pub layout: Option<Layout>,
    /// The period to read ("2020" or "2020年"); needed when the file holds several.
    pub period: Option<String>,
    /// A form's institution id.
    pub institution: Option<String>,
}

/// The scheme's columns a layout needs: the id (with its aliases), name and peer group.
pub struct SchemeColumns<'a> {
    pub id: &'a str,
    pub id_aliases: &'a [String],
    pub name: Option<&'a str>,
    pub peer_group: Option<&'a str>,
}

const ITEM_HEADERS: [&str; 6] = ["项目", "指标", "指标名称", "项目名称", "item", "indicator"];
const VALUE_HEADERS: [&str; 5] = ["值", "数值", "数据", "填报值", "value"];
const PERIOD_HEADERS: [&str; 7] = ["期间", "年度", "年份", "时期", "统计期", "period", "year"];
const UNIT_HEADERS: [&str; 2] = ["单位", "unit"];
/// Units a form writes for "no unit".
const NO_UNIT: [&str; 5] = ["", "-", "--", "—", "0"];

/// The year a period label names: "2020", "2020年", "2020年度" → "2020"; `None` for other text.
pub fn period_key(label: &str) -> Option<String> {
    let label = trim(label);
    let digits = label
        .strip_suffix("年度")
        .or_else(|| label.strip_suffix('年'))
        .unwrap_or(label)
        .trim();
    let digits = digits.strip_suffix(".0").unwrap_or(digits);
    (digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit())).then(|| digits.to_string())
}

/// Whether a candidate header row is a fill-in form's: a column of items and one of a period.
pub(crate) fn is_form_header(cells: &[Option<super::HeaderCell>]) -> bool {
    let texts: Vec<&str> = cells.iter().flatten().map(|c| c.text.as_str()).collect();
    texts
        .iter()
        .any(|t| ITEM_HEADERS.iter().any(|h| t.eq_ignore_ascii_case(h)))
        && texts.iter().any(|t| period_key(t).is_some())
}

fn names(frame: &DataFrame) -> Vec<String> {
    frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect()
}

fn find<'a>(names: &'a [String], wanted: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find(|n| wanted.iter().any(|w| n.eq_ignore_ascii_case(w)))
        .map(String::as_str)
}

/// The layout of a table as read, by its header (see the module documentation).
pub fn detect(frame: &DataFrame, columns: &SchemeColumns) -> Layout {
    let names = names(frame);
    let has_id = names
        .iter()
        .any(|n| n == columns.id || columns.id_aliases.contains(n));
    let item = find(&names, &ITEM_HEADERS).is_some();
    if item && has_id && find(&names, &VALUE_HEADERS).is_some() {
        Layout::Long
    } else if item && !has_id && names.iter().any(|n| period_key(n).is_some()) {
        Layout::Form
    } else {
        Layout::Wide
    }
}

/// `table` as one row per institution, with its layout described in [`Origin::layout`].
pub fn arrange(
    table: SourceTable,
    options: &LayoutOptions,
    columns: &SchemeColumns,
) -> Result<SourceTable> {
    let detected = detect(&table.frame, columns);
    let layout = options.layout.unwrap_or(detected);
    let how = if options.layout.is_some() {
        "--layout"
    } else {
        "detected"
    };
    match layout {
        Layout::Wide
            if options.period.is_some()
                && find(&names(&table.frame), &PERIOD_HEADERS).is_some() =>
        {
            wide_period(table, options, how)
        }
        Layout::Wide => {
            if options.period.is_some() {
                return Err(data_error(
                    &table.origin.file,
                    "a period was named, but this file has one row per institution (wide layout)",
                    Some("--period and --prev-period choose a column of a fill-in form, or the rows of a long table or of a table with a period column (期间, 年度, period…); give each period's file with --data and --prev".into()),
                ));
            }
            Ok(table)
        }
        Layout::Form => form(table, options, columns, how),
        Layout::Long => long(table, options, columns, how),
    }
}

/// The periods a table holds, as its labels are written, in order of year (labels that name no
/// year last, in their order): a form's period columns, the values of a long table's period
/// column, or of a wide table's period column (期间, 年度…). `None` for a wide table without a
/// period column, or a long table without one (one period).
pub fn periods(
    table: &SourceTable,
    options: &LayoutOptions,
    columns: &SchemeColumns,
) -> Result<Option<Vec<String>>> {
    let frame = &table.frame;
    let names = names(frame);
    let layout = options.layout.unwrap_or_else(|| detect(frame, columns));
    let mut labels: Vec<String> = match layout {
        Layout::Form => names
            .iter()
            .filter(|n| period_key(n).is_some())
            .cloned()
            .collect(),
        Layout::Long | Layout::Wide => match find(&names, &PERIOD_HEADERS) {
            Some(period) => {
                let mut labels: Vec<String> = Vec::new();
                for label in text_cells(frame, period)?.into_iter().flatten() {
                    if !labels.contains(&label) {
                        labels.push(label);
                    }
                }
                labels
            }
            None => return Ok(None),
        },
    };
    // A stable sort: by year, labels without one after, in the file's order.
    labels.sort_by_key(|label| period_key(label).map_or((1, String::new()), |k| (0, k)));
    Ok(Some(labels))
}

/// A wide table with a period column (期间, 年度…) holding several periods: the rows of one.
fn wide_period(table: SourceTable, options: &LayoutOptions, how: &str) -> Result<SourceTable> {
    let SourceTable { frame, mut origin } = table;
    let names = names(&frame);
    let period_column = find(&names, &PERIOD_HEADERS).expect("checked by the caller");
    let periods = text_cells(&frame, period_column)?;
    let mut available: Vec<String> = Vec::new();
    for label in periods.iter().flatten() {
        if !available.contains(label) {
            available.push(label.clone());
        }
    }
    let period =
        pick_period(&origin, &available, options.period.as_deref(), "the table")?.to_string();
    let keep: Vec<bool> = periods
        .iter()
        .map(|p| p.as_deref() == Some(period.as_str()))
        .collect();
    origin.rows = (0..frame.height())
        .filter(|i| keep[*i])
        .map(|i| origin.row(i))
        .collect();
    let mask = BooleanChunked::from_slice("keep".into(), &keep);
    let frame = frame.filter(&mask)?;
    origin.layout = Some(format!(
        "one row per institution and period ({how}): period {period} from column {period_column}, {} institutions",
        frame.height()
    ));
    Ok(SourceTable { frame, origin })
}

fn text_cells(frame: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let column = frame.column(name)?.cast(&DataType::String)?;
    Ok(column
        .str()?
        .iter()
        .map(|v| v.map(|s| trim(s).to_string()).filter(|s| !s.is_empty()))
        .collect())
}

/// Picks the period among `available` (labels as the file writes them) by `--period`.
fn pick_period<'a>(
    origin: &Origin,
    available: &'a [String],
    wanted: Option<&str>,
    what: &str,
) -> Result<&'a str> {
    let list = available.join(", ");
    match wanted {
        Some(wanted) => {
            let key = period_key(wanted).unwrap_or_else(|| trim(wanted).to_string());
            available
                .iter()
                .find(|label| period_key(label).as_deref() == Some(key.as_str()) || *label == wanted)
                .map(String::as_str)
                .ok_or_else(|| {
                    data_error(
                        &origin.file,
                        &format!("{}{what} has no period {wanted}", origin.within()),
                        Some(format!("its periods are {list}")),
                    )
                })
        }
        None if available.len() == 1 => Ok(&available[0]),
        None if available.is_empty() => Err(data_error(
            &origin.file,
            &format!("{}{what} has no period", origin.within()),
            None,
        )),
        None => Err(data_error(
            &origin.file,
            &format!(
                "{}{what} holds several periods ({list}); which one is the current one is not guessed",
                origin.within()
            ),
            Some(
                "name it with --period (e.g. --period 2020), and the previous one with --prev-period"
                    .into(),
            ),
        )),
    }
}

fn missing_header(origin: &Origin, layout: &str, wanted: &[&str]) -> crate::error::Error {
    data_error(
        &origin.file,
        &format!(
            "{}read as a {layout}, but the header has no column named {}",
            origin.within(),
            wanted.join(" / ")
        ),
        Some("rename that column, or drop --layout to let jixiao detect the layout".into()),
    )
}

fn form(
    table: SourceTable,
    options: &LayoutOptions,
    columns: &SchemeColumns,
    how: &str,
) -> Result<SourceTable> {
    let SourceTable { frame, mut origin } = table;
    let names = names(&frame);
    let Some(item_column) = find(&names, &ITEM_HEADERS) else {
        return Err(missing_header(&origin, "fill-in form", &ITEM_HEADERS));
    };
    let periods: Vec<String> = names
        .iter()
        .filter(|n| period_key(n).is_some())
        .cloned()
        .collect();
    let period = pick_period(&origin, &periods, options.period.as_deref(), "the form")?;
    let items = text_cells(&frame, item_column)?;
    let values = text_cells(&frame, period)?;
    let units = match find(&names, &UNIT_HEADERS) {
        Some(unit) => text_cells(&frame, unit)?,
        None => vec![None; frame.height()],
    };
    let role = |item: &str, scheme: Option<&str>| {
        scheme.is_some_and(|s| crate::unit::split_unit(item).0 == s)
    };
    let mut id_cell = None;
    let mut name_cell = None;
    let mut group_cell = None;
    let mut seen: BTreeMap<&str, u32> = BTreeMap::new();
    let mut header = Vec::new();
    let mut cells = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let Some(item) = item.as_deref() else {
            continue;
        };
        let row = origin.row(index);
        let value = values[index].clone();
        if item == "栏次" {
            continue;
        }
        if role(item, Some(columns.id)) {
            id_cell = value.map(|v| (v, row));
            continue;
        }
        if role(item, columns.name) {
            name_cell = value;
            continue;
        }
        if role(item, columns.peer_group) {
            group_cell = value;
            continue;
        }
        if let Some(first) = seen.insert(item, row) {
            return Err(data_error(
                &origin.file,
                &format!(
                    "{}the form names the item \"{item}\" twice (rows {first} and {row})",
                    origin.within()
                ),
                Some("number the items (\"1.1.\") or rename one of them".into()),
            ));
        }
        if let Some(unit) = units[index].as_deref().filter(|u| !NO_UNIT.contains(u)) {
            origin.units.insert(item.to_string(), unit.to_string());
        }
        origin.cells.insert(
            (origin.header_row as u32, item.to_string()),
            (row, period.to_string()),
        );
        header.push(item.to_string());
        cells.push(value);
    }
    let (id, from) = match (&options.institution, id_cell) {
        (Some(id), _) => (id.clone(), "--institution".to_string()),
        (None, Some((id, row))) => (id, format!("row {row}")),
        (None, None) => {
            let stem = origin
                .file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("institution")
                .to_string();
            (stem, "the file name".to_string())
        }
    };
    let mut out: Vec<Column> = vec![Column::new(columns.id.into(), [id.as_str()])];
    if let Some(name) = columns.name {
        out.push(Column::new(name.into(), [name_cell.as_deref()]));
    }
    if let Some(group) = columns.peer_group.filter(|g| Some(*g) != columns.name) {
        out.push(Column::new(group.into(), [group_cell.as_deref()]));
    }
    for (name, value) in header.iter().zip(&cells) {
        if out.iter().any(|c| c.name().as_str() == name) {
            continue;
        }
        out.push(Column::new(name.as_str().into(), [value.as_deref()]));
    }
    origin.layout = Some(format!(
        "fill-in form ({how}): items as rows, period {period}, institution {id} from {from}"
    ));
    origin.rows = vec![origin.header_row as u32];
    Ok(SourceTable {
        frame: DataFrame::new(1, out)?,
        origin,
    })
}

fn long(
    table: SourceTable,
    options: &LayoutOptions,
    columns: &SchemeColumns,
    how: &str,
) -> Result<SourceTable> {
    let SourceTable { frame, mut origin } = table;
    let names = names(&frame);
    let id_column = names
        .iter()
        .find(|n| *n == columns.id || columns.id_aliases.contains(n))
        .ok_or_else(|| missing_header(&origin, "long table", &[columns.id]))?;
    let item_column = find(&names, &ITEM_HEADERS)
        .ok_or_else(|| missing_header(&origin, "long table", &ITEM_HEADERS))?;
    let value_column = find(&names, &VALUE_HEADERS)
        .ok_or_else(|| missing_header(&origin, "long table", &VALUE_HEADERS))?;
    let ids = text_cells(&frame, id_column)?;
    let items = text_cells(&frame, item_column)?;
    let values = text_cells(&frame, value_column)?;
    let periods = match find(&names, &PERIOD_HEADERS) {
        Some(period) => text_cells(&frame, period)?,
        None => vec![None; frame.height()],
    };
    let units = match find(&names, &UNIT_HEADERS) {
        Some(unit) => text_cells(&frame, unit)?,
        None => vec![None; frame.height()],
    };
    let extra = |column: Option<&str>| -> Result<Option<(String, Vec<Option<String>>)>> {
        match column.filter(|c| names.iter().any(|n| n == c)) {
            Some(c) => Ok(Some((c.to_string(), text_cells(&frame, c)?))),
            None => Ok(None),
        }
    };
    let name_cells = extra(columns.name)?;
    let group_cells = extra(columns.peer_group.filter(|g| Some(*g) != columns.name))?;
    let mut available: Vec<String> = Vec::new();
    for label in periods.iter().flatten() {
        if !available.contains(label) {
            available.push(label.clone());
        }
    }
    let period = if find(&names, &PERIOD_HEADERS).is_some() {
        Some(
            pick_period(
                &origin,
                &available,
                options.period.as_deref(),
                "the long table",
            )?
            .to_string(),
        )
    } else {
        None
    };
    let mut institutions: Vec<String> = Vec::new();
    let mut rows_of: BTreeMap<String, u32> = BTreeMap::new();
    let mut item_order: Vec<String> = Vec::new();
    let mut cells: BTreeMap<(String, String), (Option<String>, u32)> = BTreeMap::new();
    let mut extras: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    for index in 0..frame.height() {
        if period.is_some() && periods[index] != period {
            continue;
        }
        let row = origin.row(index);
        let (Some(id), Some(item)) = (&ids[index], &items[index]) else {
            if ids[index].is_none() && items[index].is_none() {
                continue;
            }
            return Err(data_error(
                &origin.file,
                &format!(
                    "{}row {row} of the long table has no {}",
                    origin.within(),
                    if ids[index].is_none() {
                        "institution id"
                    } else {
                        "item"
                    }
                ),
                Some("every row names its institution and its item".into()),
            ));
        };
        if !rows_of.contains_key(id) {
            rows_of.insert(id.clone(), row);
            institutions.push(id.clone());
        }
        if !item_order.contains(item) {
            item_order.push(item.clone());
        }
        if let Some(unit) = units[index].as_deref().filter(|u| !NO_UNIT.contains(u)) {
            if let Some(known) = origin.units.get(item).filter(|known| *known != unit) {
                let message = format!(
                    "{}the item \"{item}\" is in {known} on one row and in {unit} on row {row}",
                    origin.within()
                );
                let help = Some("give each item one unit".to_string());
                return Err(data_error(&origin.file, &message, help));
            }
            origin.units.insert(item.clone(), unit.to_string());
        }
        let entry = extras.entry(id.clone()).or_default();
        if let Some((_, names)) = &name_cells {
            entry.0 = entry.0.take().or_else(|| names[index].clone());
        }
        if let Some((_, groups)) = &group_cells {
            entry.1 = entry.1.take().or_else(|| groups[index].clone());
        }
        let key = (id.clone(), item.clone());
        if let Some((_, first)) = cells.get(&key) {
            return Err(data_error(
                &origin.file,
                &format!(
                    "{}institution {id} has the item \"{item}\" twice{} (rows {first} and {row})",
                    origin.within(),
                    period
                        .as_deref()
                        .map(|p| format!(" in {p}"))
                        .unwrap_or_default()
                ),
                Some("keep one row per institution, item and period".into()),
            ));
        }
        cells.insert(key, (values[index].clone(), row));
    }
    for ((id, item), (_, row)) in &cells {
        origin.cells.insert(
            (rows_of[id], item.clone()),
            (*row, value_column.to_string()),
        );
    }
    let mut out: Vec<Column> = vec![Column::new(
        columns.id.into(),
        institutions.iter().map(String::as_str).collect::<Vec<_>>(),
    )];
    if let Some((name, _)) = &name_cells {
        let values: Vec<Option<&str>> = institutions
            .iter()
            .map(|id| extras[id].0.as_deref())
            .collect();
        out.push(Column::new(name.as_str().into(), values));
    }
    if let Some((name, _)) = &group_cells {
        let values: Vec<Option<&str>> = institutions
            .iter()
            .map(|id| extras[id].1.as_deref())
            .collect();
        out.push(Column::new(name.as_str().into(), values));
    }
    for item in &item_order {
        if out.iter().any(|c| c.name().as_str() == item) {
            continue;
        }
        let values: Vec<Option<&str>> = institutions
            .iter()
            .map(|id| {
                cells
                    .get(&(id.clone(), item.clone()))
                    .and_then(|(v, _)| v.as_deref())
            })
            .collect();
        out.push(Column::new(item.as_str().into(), values));
    }
    origin.rows = institutions.iter().map(|id| rows_of[id]).collect();
    origin.layout = Some(format!(
        "long table ({how}): one row per institution and item{}; {} institutions × {} items",
        period
            .as_deref()
            .map(|p| format!(", period {p}"))
            .unwrap_or_default(),
        institutions.len(),
        item_order.len()
    ));
    Ok(SourceTable {
        frame: DataFrame::new(institutions.len(), out)?,
        origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> SchemeColumns<'static> {
        SchemeColumns {
            id: "编码",
            id_aliases: &[],
            name: Some("名称"),
            peer_group: None,
        }
    }

    fn table(frame: DataFrame) -> SourceTable {
        let height = frame.height();
        SourceTable {
            frame,
            origin: Origin::in_memory(std::path::Path::new("医院甲.csv"), height),
        }
    }

    fn cell(frame: &DataFrame, column: &str, row: usize) -> Option<String> {
        let column = frame
            .column(column)
            .unwrap()
            .cast(&DataType::String)
            .unwrap();
        column.str().unwrap().get(row).map(str::to_string)
    }

    #[test]
    fn period_labels_name_years() {
        assert_eq!(period_key("2020年").as_deref(), Some("2020"));
        assert_eq!(period_key("2019年度").as_deref(), Some("2019"));
        assert_eq!(period_key("2018").as_deref(), Some("2018"));
        assert_eq!(period_key("说明"), None);
        assert_eq!(period_key("20201"), None);
    }

    #[test]
    fn a_form_becomes_one_row_with_its_period_and_units() {
        let frame = df!(
            "项目" => ["栏次", "1.出院患者手术占比▲", "1.1.出院患者手术人数", "医疗收入"],
            "单位" => [Some("0"), Some("%"), Some("人"), Some("元")],
            "2020年" => [Some("1"), Some("32.47"), Some("12158"), Some("100")],
            "2019年" => [Some("2"), Some("28.96"), None, Some("90")],
        )
        .unwrap();
        assert_eq!(detect(&frame, &columns()), Layout::Form);
        let options = LayoutOptions {
            period: Some("2019".into()),
            ..Default::default()
        };
        let arranged = arrange(table(frame.clone()), &options, &columns()).unwrap();
        let out = &arranged.frame;
        assert_eq!(out.height(), 1);
        assert_eq!(cell(out, "编码", 0).as_deref(), Some("医院甲"));
        assert_eq!(cell(out, "名称", 0), None);
        assert_eq!(cell(out, "医疗收入", 0).as_deref(), Some("90"));
        assert_eq!(cell(out, "1.1.出院患者手术人数", 0), None);
        assert!(
            out.column("栏次").is_err(),
            "the column-number row is left out"
        );
        assert_eq!(arranged.origin.units["医疗收入"], "元");
        assert!(!arranged.origin.units.contains_key("栏次"));
        assert_eq!(
            arranged.origin.layout.as_deref(),
            Some("fill-in form (detected): items as rows, period 2019年, institution 医院甲 from the file name")
        );
        // Several periods and none named: refused, with the list.
        let err = arrange(table(frame), &LayoutOptions::default(), &columns()).unwrap_err();
        assert!(err.to_string().contains("2020年, 2019年"), "{err}");
    }

    #[test]
    fn a_long_table_is_pivoted_per_institution() {
        let frame = df!(
            "编码" => ["B", "A", "B", "A", "A"],
            "名称" => ["乙", "甲", "乙", "甲", "甲"],
            "项目" => ["收入", "收入", "人数", "人数", "收入"],
            "年度" => ["2020", "2020", "2020", "2020", "2019"],
            "单位" => ["万元", "万元", "人", "人", "万元"],
            "值" => ["5", "7", "50", "70", "6"],
        )
        .unwrap();
        assert_eq!(detect(&frame, &columns()), Layout::Long);
        let options = LayoutOptions {
            period: Some("2020年".into()),
            ..Default::default()
        };
        let arranged = arrange(table(frame), &options, &columns()).unwrap();
        let out = &arranged.frame;
        assert_eq!(out.height(), 2);
        assert_eq!(cell(out, "编码", 0).as_deref(), Some("B"));
        assert_eq!(cell(out, "名称", 1).as_deref(), Some("甲"));
        assert_eq!(cell(out, "收入", 1).as_deref(), Some("7"));
        assert_eq!(cell(out, "人数", 0).as_deref(), Some("50"));
        assert_eq!(arranged.origin.rows, [2, 3]);
        assert_eq!(arranged.origin.units["收入"], "万元");
    }

    #[test]
    fn a_wide_table_is_kept() {
        let frame = df!("编码" => ["A"], "收入" => ["1"]).unwrap();
        assert_eq!(detect(&frame, &columns()), Layout::Wide);
        let arranged =
            arrange(table(frame.clone()), &LayoutOptions::default(), &columns()).unwrap();
        assert!(arranged.frame.equals(&frame));
    }
}
