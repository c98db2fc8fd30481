//! Messages a run carries to the people who read it, as facts rather than sentences: the flags
//! of an institution ([`Flag`]: veto, missing indicators, bonus, exclusion…) and the warnings of
//! the run summary ([`Warning`]: scheme warnings, weights kept, indicators dropped, small groups,
//! absent columns). The stages build these values; `Display` words them in English (the text the
//! CSV's `flags` column and the printed summary carry, stable for scripts), and
//! `crate::report::lang` words them in Chinese for the reports. Nothing here is parsed back from
//! its English text.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::columns::UNGROUPED;
use crate::display::format_number;

/// Why a column the formulas read stayed missing for a report-only indicator (see
/// `crate::pipeline`): the reason the summary gives after the absent columns.
pub const REPORT_ONLY_ABSENT: &str = "read only by report-only indicators, which come out missing";

/// A problem of an institution's own data that turned one of its cells into a missing value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DataFlagKind {
    NotANumber,
    AmbiguousNumber,
    Negative,
    UnknownLevel,
    RepeatedFigureDiffers,
    PartExceedsWhole,
}

impl DataFlagKind {
    fn english(self) -> &'static str {
        match self {
            DataFlagKind::NotANumber => "not a number",
            DataFlagKind::AmbiguousNumber => "ambiguous number",
            DataFlagKind::Negative => "negative",
            DataFlagKind::UnknownLevel => "unknown level",
            DataFlagKind::RepeatedFigureDiffers => "repeated figure differs",
            DataFlagKind::PartExceedsWhole => "part exceeds whole",
        }
    }
}

/// A weighted indicator an institution lacks: the whole indicator, or `parts` of an indicator
/// made of parts (missing, of all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingIndicator {
    pub id: String,
    pub parts: Option<(usize, usize)>,
}

impl fmt::Display for MissingIndicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.parts {
            Some((missing, all)) => write!(f, "{} ({missing} of {all} parts)", self.id),
            None => write!(f, "{}", self.id),
        }
    }
}

/// One flag of an institution, in the order the output's `flags` column lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Flag {
    /// A cell of its data read as missing; `previous`: in the previous period's file.
    Data {
        kind: DataFlagKind,
        column: String,
        previous: bool,
    },
    Veto {
        reason: String,
    },
    /// Outside the scheme's `eligible:`.
    NotRated {
        reason: String,
    },
    /// A grade adjustment moved its grade `bands` bands (`up` or down).
    GradeMoved {
        up: bool,
        bands: u32,
        reason: String,
    },
    /// A grade adjustment applied, but the grade was already the first (up) or last band.
    GradeHeld {
        up: bool,
        reason: String,
    },
    /// No weighted indicator has data.
    Unscored,
    /// Data for `coverage` of the weight, below `minimum` (both fractions).
    Excluded {
        coverage: f64,
        minimum: f64,
    },
    /// No peer group in the data: compared within [`UNGROUPED`].
    NoPeerGroup,
    Missing {
        indicators: Vec<MissingIndicator>,
    },
    /// Missing values given a score by the indicator's `missing:`.
    Imputed {
        indicators: Vec<String>,
    },
    Bonus {
        reason: String,
        points: f64,
    },
    Deduction {
        reason: String,
        points: f64,
    },
    /// The work-points column is empty: no money.
    NoWorkPoints {
        column: String,
    },
    NegativeWorkPoints {
        column: String,
    },
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Flag::Data {
                kind,
                column,
                previous,
            } => {
                write!(f, "{}: {column}", kind.english())?;
                if *previous {
                    write!(f, " (previous period)")?;
                }
                Ok(())
            }
            Flag::Veto { reason } => write!(f, "veto: {reason}"),
            Flag::NotRated { reason } => write!(f, "not rated: {reason}"),
            Flag::GradeMoved { up, bands, reason } => write!(
                f,
                "grade {} {bands} {}: {reason}",
                if *up { "up" } else { "down" },
                if *bands == 1 { "band" } else { "bands" }
            ),
            Flag::GradeHeld { up, reason } => write!(
                f,
                "grade not moved {} (already the {} band): {reason}",
                if *up { "up" } else { "down" },
                if *up { "first" } else { "last" }
            ),
            Flag::Unscored => write!(f, "unscored: no weighted indicator has data"),
            Flag::Excluded { coverage, minimum } => write!(
                f,
                "excluded: data for {:.0}% of the weight, below the {:.0}% minimum",
                coverage * 100.0,
                minimum * 100.0
            ),
            Flag::NoPeerGroup => write!(f, "no peer group: compared within \"{UNGROUPED}\""),
            Flag::Missing { indicators } => {
                write!(f, "missing: ")?;
                for (i, indicator) in indicators.iter().enumerate() {
                    if i > 0 {
                        write!(f, ",")?;
                    }
                    write!(f, "{indicator}")?;
                }
                Ok(())
            }
            Flag::Imputed { indicators } => write!(f, "imputed: {}", indicators.join(",")),
            Flag::Bonus { reason, points } => write!(f, "{reason} +{}", format_number(*points)),
            Flag::Deduction { reason, points } => {
                write!(f, "{reason} -{}", format_number(*points))
            }
            Flag::NoWorkPoints { column } => write!(f, "no work points ({column}): no money"),
            Flag::NegativeWorkPoints { column } => {
                write!(f, "negative work points ({column}) counted as 0")
            }
        }
    }
}

/// An institution's flags as the output's `flags` column writes them: `; `-separated.
pub fn flags_line(flags: &[Flag]) -> String {
    let mut line = String::new();
    for (i, flag) in flags.iter().enumerate() {
        if i > 0 {
            line.push_str("; ");
        }
        use fmt::Write as _;
        let _ = write!(line, "{flag}");
    }
    line
}

/// A warning of the run summary.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// The dimensions' weights add up to neither 100 nor 1 (scheme check).
    DimensionWeightsSum { total: f64 },
    /// A data-driven weighting could not fit the weights of `node` (`crate::weighting`).
    WeightsKept { node: String },
    /// An indicator reported by too few institutions left out (`include.min_reported`).
    IndicatorDropped {
        id: String,
        name: String,
        reported: usize,
        minimum: usize,
    },
    /// The effective weights once the dropped indicators are left out: (id, share of the total).
    WeightsWithoutDropped { weights: Vec<(String, f64)> },
    /// A run of one institution.
    LoneInstitution,
    /// A run of fewer institutions than `ranking.min_group_size`.
    SmallRun { institutions: usize, minimum: usize },
    /// Peer groups (name, size) smaller than `ranking.min_group_size`; `lone`: one of them has a
    /// single institution.
    SmallGroups {
        minimum: usize,
        groups: Vec<(String, usize)>,
        lone: bool,
    },
    /// Columns read only by report-only indicators are absent from the data (of the previous
    /// period with `previous`): read as missing.
    ReportOnlyColumnsAbsent {
        previous: bool,
        columns: Vec<String>,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::DimensionWeightsSum { total } => write!(
                f,
                "dimension weights add up to {total}, not 100 or 1; they are used as relative weights"
            ),
            Warning::WeightsKept { node } => write!(
                f,
                "weights of {node} kept as written: too few institutions scored on all its indicators"
            ),
            Warning::IndicatorDropped {
                id,
                name,
                reported,
                minimum,
            } => write!(
                f,
                "indicator {id} ({name}) dropped: reported by {reported} institution{}, fewer than the {minimum} required (include.min_reported); its weight goes to its siblings",
                if *reported == 1 { "" } else { "s" }
            ),
            Warning::WeightsWithoutDropped { weights } => {
                write!(f, "effective weights without the dropped indicators: ")?;
                for (i, (id, w)) in weights.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{id} {:.2}%", w * 100.0)?;
                }
                Ok(())
            }
            Warning::LoneInstitution => write!(
                f,
                "a lone institution: its rank 1, its group rank and any score or grade relative to \
                 others (min-max, percentile ranks, z-scores, grades by rank share) compare it with \
                 itself only, and say nothing of its performance; read its indicator values and \
                 fixed-target scores, or score it with its peers"
            ),
            Warning::SmallRun {
                institutions,
                minimum,
            } => write!(
                f,
                "only {institutions} institutions in this run: ranks and relative scores compare too few to \
                 mean much (ranking.min_group_size is {minimum})"
            ),
            Warning::SmallGroups {
                minimum,
                groups,
                lone,
            } => {
                let groups: Vec<String> = groups.iter().map(|(g, n)| format!("{g} ({n})")).collect();
                write!(
                    f,
                    "peer groups with fewer than {minimum} institutions (ranking.min_group_size): {}; their \
                     group ranks compare too few to mean much{}",
                    groups.join(", "),
                    if *lone {
                        " (a group of one is group rank 1 whatever its figures)"
                    } else {
                        ""
                    }
                )
            }
            Warning::ReportOnlyColumnsAbsent { previous, columns } => write!(
                f,
                "{}absent, read as missing: {} ({REPORT_ONLY_ABSENT})",
                if *previous { "previous period: " } else { "" },
                columns.join(", ")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_worded_as_the_csv_writes_them() {
        let flags = [
            Flag::Data {
                kind: DataFlagKind::NotANumber,
                column: "门诊患者满意度".into(),
                previous: true,
            },
            Flag::Missing {
                indicators: vec![
                    MissingIndicator {
                        id: "T38".into(),
                        parts: None,
                    },
                    MissingIndicator {
                        id: "T10".into(),
                        parts: Some((27, 30)),
                    },
                ],
            },
            Flag::Bonus {
                reason: "国家临床重点专科".into(),
                points: 0.5,
            },
            Flag::GradeMoved {
                up: false,
                bands: 2,
                reason: "医保违规".into(),
            },
            Flag::Excluded {
                coverage: 0.55,
                minimum: 0.6,
            },
        ];
        assert_eq!(
            flags_line(&flags),
            "not a number: 门诊患者满意度 (previous period); missing: T38,T10 (27 of 30 parts); \
             国家临床重点专科 +0.5; grade down 2 bands: 医保违规; excluded: data for 55% of the \
             weight, below the 60% minimum"
        );
        assert_eq!(
            Flag::NoPeerGroup.to_string(),
            "no peer group: compared within \"(未分组)\""
        );
    }

    #[test]
    fn flags_survive_their_json_form() {
        let flags = vec![
            Flag::Data {
                kind: DataFlagKind::PartExceedsWhole,
                column: "Q1; \"x\"".into(),
                previous: false,
            },
            Flag::Deduction {
                reason: "被通报批评".into(),
                points: 2.0,
            },
        ];
        let json = serde_json::to_string(&flags).unwrap();
        assert_eq!(serde_json::from_str::<Vec<Flag>>(&json).unwrap(), flags);
    }
}
