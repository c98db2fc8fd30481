//! Problems found in the institution data: what each is ([`Problem`]), where it is ([`Location`]:
//! file, sheet, row as the user sees it, column) and the [`DataReport`] that lists them all.
//!
//! Types and their wording only, in the foundations so that an error can carry a report
//! ([`crate::error::Error::InvalidData`]); finding the problems is `crate::validate`'s job, and
//! which stop a run and which are warnings is said there.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::columns::PREVIOUS_SUFFIX;
use crate::display::format_number as number;
use crate::message::{DataFlagKind, Flag};
/// Locations listed per kind of problem; the rest are counted.
const SHOWN_PER_KIND: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Stops the run: nothing is scored or written.
    Error,
    /// Reported; the value becomes missing and the run goes on.
    Warning,
}

/// One kind of mistake in the data, named after it.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    EmptyFile,
    MissingId,
    DuplicateId {
        id: String,
        first_row: Option<u32>,
    },
    /// A figure the return gives under several headers (the scheme's name and its aliases), with
    /// different values on one row: `used`'s value is read.
    RepeatedFigureDiffers {
        column: String,
        used: String,
        used_value: String,
        other: String,
        other_value: String,
    },
    /// A header in a unit that cannot be converted to the column's declared unit.
    UnconvertibleUnit {
        column: String,
        header: String,
        unit: String,
        declared: String,
    },
    NotANumber {
        text: String,
        /// Why: "not a number", "a placeholder, not a number …", "an Excel error value …".
        reason: String,
    },
    AmbiguousNumber {
        text: String,
        reason: String,
    },
    NegativeCount {
        value: f64,
    },
    PartExceedsWhole {
        indicator: String,
        part: f64,
        whole: f64,
        part_columns: Vec<String>,
        whole_columns: Vec<String>,
    },
    UnknownLevel {
        text: String,
    },
}

impl Problem {
    pub fn severity(&self) -> Severity {
        match self {
            Problem::EmptyFile
            | Problem::MissingId
            | Problem::DuplicateId { .. }
            | Problem::UnconvertibleUnit { .. } => Severity::Error,
            _ => Severity::Warning,
        }
    }

    /// A short stable name of the kind, shown in brackets: `error[duplicate-id]`.
    pub fn kind(&self) -> &'static str {
        match self {
            Problem::EmptyFile => "empty-file",
            Problem::MissingId => "missing-id",
            Problem::DuplicateId { .. } => "duplicate-id",
            Problem::RepeatedFigureDiffers { .. } => "repeated-figure-differs",
            Problem::UnconvertibleUnit { .. } => "unconvertible-unit",
            Problem::NotANumber { .. } => "not-a-number",
            Problem::AmbiguousNumber { .. } => "ambiguous-number",
            Problem::NegativeCount { .. } => "negative-count",
            Problem::PartExceedsWhole { .. } => "part-exceeds-whole",
            Problem::UnknownLevel { .. } => "unknown-level",
        }
    }

    /// What one occurrence is, after its location.
    fn describe(&self) -> String {
        match self {
            Problem::EmptyFile => "a header and no rows below it".into(),
            Problem::MissingId => "no institution id".into(),
            Problem::DuplicateId { id, first_row } => match first_row {
                Some(row) => format!("institution id \"{id}\" again (first at row {row})"),
                None => format!("institution id \"{id}\" again"),
            },
            Problem::RepeatedFigureDiffers {
                column,
                used,
                used_value,
                other,
                other_value,
            } => format!(
                "\"{used}\" {used_value} and \"{other}\" {other_value} both give \"{column}\"; \"{used}\" is read"
            ),
            Problem::UnconvertibleUnit {
                column,
                header,
                unit,
                declared,
            } => format!(
                "\"{header}\" is in {unit}, and \"{column}\" is declared in {declared}: {unit} cannot be converted to {declared}"
            ),
            Problem::NotANumber { text, reason } => match reason.as_str() {
                "not a number" => format!("\"{text}\" is not a number"),
                reason => format!("\"{text}\" is {reason}"),
            },
            Problem::AmbiguousNumber { text, reason } => format!("\"{text}\": {reason}"),
            Problem::NegativeCount { value } => format!("{} is below zero", number(*value)),
            Problem::PartExceedsWhole {
                indicator,
                part,
                whole,
                part_columns,
                whole_columns,
            } => format!(
                "{indicator}: part {} ({}) exceeds its whole {} ({})",
                number(*part),
                part_columns.join(" + "),
                number(*whole),
                whole_columns.join(" + "),
            ),
            Problem::UnknownLevel { text } => format!("\"{text}\" is none of the column's levels"),
        }
    }

    /// The heading of a group of `n` such problems.
    pub fn heading(&self, n: usize) -> String {
        let (s, is) = if n == 1 { ("", "is") } else { ("s", "are") };
        match self {
            Problem::EmptyFile => "the data file holds no institutions".into(),
            Problem::MissingId => format!("{n} row{s} without an institution id"),
            Problem::DuplicateId { .. } => format!("{n} duplicate institution id{s}"),
            Problem::RepeatedFigureDiffers { .. } => {
                format!(
                    "{n} repeated figure{s} that disagree{}",
                    if n == 1 { "s" } else { "" }
                )
            }
            Problem::UnconvertibleUnit { .. } => {
                format!("{n} header{s} in a unit that cannot be converted")
            }
            Problem::NotANumber { .. } => {
                format!("{n} cell{s} in numeric columns that {is} not a number (read as missing)")
            }
            Problem::AmbiguousNumber { .. } => {
                format!(
                    "{n} number{s} stored as text that read{} two ways (read as missing)",
                    if n == 1 { "s" } else { "" }
                )
            }
            Problem::NegativeCount { .. } => {
                format!("{n} negative value{s} in count or amount columns (read as missing)")
            }
            Problem::PartExceedsWhole { .. } => {
                format!("{n} share{s} whose part exceeds the whole (the share is missing)")
            }
            Problem::UnknownLevel { .. } => {
                format!("{n} cell{s} that {is} none of the column's levels (read as missing)")
            }
        }
    }

    /// How to fix the kind of problem.
    fn help(&self) -> &'static str {
        match self {
            Problem::EmptyFile => "check that this is the right file (and --sheet, --header-row for a workbook)",
            Problem::MissingId => "every institution needs an id",
            Problem::DuplicateId { .. } => "each institution must appear once per period; remove or merge the repeated rows",
            Problem::RepeatedFigureDiffers { .. } => "the return gives this figure twice with different values; correct the wrong cell, or drop one header from columns.aliases",
            Problem::UnconvertibleUnit { .. } => "give the figure in the declared unit, or correct the unit (columns.units in scheme.yaml, or the header's bracket)",
            Problem::NotANumber { .. } => "enter a number or leave the cell empty (empty means missing)",
            Problem::AmbiguousNumber { .. } => "write the number without separators, e.g. 1234.5",
            Problem::NegativeCount { .. } => "counts and amounts cannot be below zero; a column that may be is listed in columns.may_be_negative",
            Problem::PartExceedsWhole { .. } => "the part counts a subset of the whole; check both cells",
            Problem::UnknownLevel { .. } => "use one of the levels the formula's levels(…) lists",
        }
    }

    /// The institution's flag for this problem, for the output's `flags`.
    fn flag(&self, column: Option<&str>) -> Option<Flag> {
        let column = column.unwrap_or_default();
        let (column, previous) = match column.strip_suffix(PREVIOUS_SUFFIX) {
            Some(name) => (name.to_string(), true),
            None => (column.to_string(), false),
        };
        let data = |kind| {
            Some(Flag::Data {
                kind,
                column: column.clone(),
                previous,
            })
        };
        match self {
            Problem::NotANumber { .. } => data(DataFlagKind::NotANumber),
            Problem::AmbiguousNumber { .. } => data(DataFlagKind::AmbiguousNumber),
            Problem::NegativeCount { .. } => data(DataFlagKind::Negative),
            Problem::UnknownLevel { .. } => data(DataFlagKind::UnknownLevel),
            Problem::RepeatedFigureDiffers { column, .. } => Some(Flag::Data {
                kind: DataFlagKind::RepeatedFigureDiffers,
                column: column.clone(),
                previous: false,
            }),
            Problem::PartExceedsWhole { indicator, .. } => Some(Flag::Data {
                kind: DataFlagKind::PartExceedsWhole,
                column: indicator.clone(),
                previous: false,
            }),
            _ => None,
        }
    }
}

/// One line of the run summary for one kind of problem: the kind (its first finding), how many,
/// and the first places (row, column as found).
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemLine {
    pub problem: Problem,
    pub count: usize,
    pub places: Vec<(Option<u32>, Option<String>)>,
    /// More places than those listed.
    pub more: bool,
}

impl fmt::Display for ProblemLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.problem.heading(self.count))?;
        if !self.places.is_empty() {
            let places: Vec<String> = self
                .places
                .iter()
                .map(|(row, column)| {
                    let mut place = String::new();
                    if let Some(row) = row {
                        let _ = write!(place, "row {row}");
                    }
                    if let Some(column) = column {
                        let _ = write!(place, " {column}");
                    }
                    place.trim().to_string()
                })
                .collect();
            let more = if self.more { ", …" } else { "" };
            write!(f, ": {}{more}", places.join(", "))?;
        }
        Ok(())
    }
}

/// Where a problem is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Location {
    pub file: PathBuf,
    pub sheet: Option<String>,
    /// Spreadsheet row number.
    pub row: Option<u32>,
    pub column: Option<String>,
}

impl Location {
    pub fn file(file: &Path) -> Location {
        Location {
            file: file.to_path_buf(),
            ..Default::default()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(sheet) = &self.sheet {
            write!(f, ", sheet {sheet}")?;
        }
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(column) = &self.column {
            match column.strip_suffix(PREVIOUS_SUFFIX) {
                Some(name) => write!(f, ", column {name}")?,
                None => write!(f, ", column {column}")?,
            }
        }
        Ok(())
    }
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub problem: Problem,
    pub location: Location,
    /// The institution's id, when the row has one.
    pub institution: Option<String>,
}

/// Every problem found in a run's data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataReport {
    pub findings: Vec<Finding>,
}

impl DataReport {
    pub fn push(&mut self, problem: Problem, location: Location, institution: Option<String>) {
        self.findings.push(Finding {
            problem,
            location,
            institution,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.problem.severity() == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.problem.severity() == severity)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    /// Findings grouped by kind, errors first, each group in file and row order.
    fn groups(&self) -> Vec<Vec<&Finding>> {
        let mut by_kind: BTreeMap<(Severity, &str), Vec<&Finding>> = BTreeMap::new();
        for finding in &self.findings {
            by_kind
                .entry((finding.problem.severity(), finding.problem.kind()))
                .or_default()
                .push(finding);
        }
        by_kind
            .into_values()
            .map(|mut group| {
                group.sort_by(|a, b| {
                    (&a.location.file, &a.location.sheet, a.location.row).cmp(&(
                        &b.location.file,
                        &b.location.sheet,
                        b.location.row,
                    ))
                });
                group
            })
            .collect()
    }

    /// One line per kind of warning, for the run summary: the count and the first places.
    pub fn summary_lines(&self) -> Vec<ProblemLine> {
        self.groups()
            .into_iter()
            .map(|group| {
                let places: Vec<(Option<u32>, Option<String>)> = group
                    .iter()
                    .take(3)
                    .map(|f| (f.location.row, f.location.column.clone()))
                    .filter(|(row, column)| {
                        row.is_some() || column.as_deref().is_some_and(|c| !c.trim().is_empty())
                    })
                    .collect();
                ProblemLine {
                    problem: group[0].problem.clone(),
                    count: group.len(),
                    more: !places.is_empty() && group.len() > places.len(),
                    places,
                }
            })
            .collect()
    }

    /// Each institution's flags for the output's `flags` column, by id, in finding order.
    pub fn flags_by_institution(&self) -> BTreeMap<String, Vec<Flag>> {
        let mut flags: BTreeMap<String, Vec<Flag>> = BTreeMap::new();
        for finding in &self.findings {
            let (Some(id), Some(flag)) = (
                &finding.institution,
                finding.problem.flag(finding.location.column.as_deref()),
            ) else {
                continue;
            };
            let list = flags.entry(id.clone()).or_default();
            if !list.contains(&flag) {
                list.push(flag);
            }
        }
        flags
    }
}

impl fmt::Display for DataReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, group) in self.groups().into_iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            let first = group[0];
            let severity = match first.problem.severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            writeln!(
                f,
                "{severity}[{}]: {}",
                first.problem.kind(),
                first.problem.heading(group.len())
            )?;
            for finding in group.iter().take(SHOWN_PER_KIND) {
                write!(f, "  --> {}", finding.location)?;
                if let Some(id) = &finding.institution {
                    write!(f, " ({id})")?;
                }
                writeln!(f, ": {}", finding.problem.describe())?;
            }
            if group.len() > SHOWN_PER_KIND {
                writeln!(f, "  … and {} more", group.len() - SHOWN_PER_KIND)?;
            }
            writeln!(f, "  = help: {}", first.problem.help())?;
        }
        let (errors, warnings) = (self.count(Severity::Error), self.count(Severity::Warning));
        if errors > 0 {
            writeln!(
                f,
                "\n{errors} error{} and {warnings} warning{} in the data; nothing was scored",
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" },
            )?;
        }
        Ok(())
    }
}
