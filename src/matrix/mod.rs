//! `jixiao mcda` end to end: a decision matrix read from a file, checked, and ranked by one
//! method, with its report text. The methods themselves are the expression builders of
//! [`crate::mcda`]; this module is the command around them.
//!
//! [`run()`] checks the spec and the data, computes the weights and the method's scores, ranks,
//! and returns a [`McdaResult`] whose `Display` is the report (weights, ranking) and whose
//! [`McdaResult::explain`] adds the intermediate tables; [`run_grouped`] does the same within
//! each peer group of a column. The files: `check` (the spec against the method, the columns,
//! cells parsed into the decision matrix, values the method cannot take), `run` (the method
//! dispatch), `output` (the report text), [`grouped`] (`--group`), [`text`] (aligned plain-text
//! tables).
//!
//! Data policy: the id column is text, non-empty and unique; every criterion value must be
//! present and a finite number. Text cells (CSV) are parsed here (surrounding spaces allowed).
//! Missing values and cells that are not numbers are refused with an error listing the criterion
//! and the rows (numbered as in a spreadsheet, header = row 1, with the id) — decision-matrix
//! methods compare every alternative on every criterion, and imputing silently would change the
//! ranking. Rows are put in id order first, so results never depend on the input order and
//! ordinal ties go to the smaller id. The output table is in rank order (ties by id).

mod check;
pub mod grouped;
mod output;
mod run;
pub mod text;

use std::path::PathBuf;

use polars::prelude::*;

/// The column of each row's number in its file, added by the reader (see [`matrix_of`]).
pub use crate::columns::ROW_COLUMN;
use crate::mcda::normalise::Normalisation;
use crate::mcda::ranking::Ties;
use crate::mcda::rsr::{Distribution, Fit, RankKind};
use crate::mcda::topsis::{TopsisOptions, WeightPlacement};
use crate::mcda::vikor::Compromise;
use crate::mcda::weights::{Weighting, Weights};
use crate::mcda::{Criterion, Direction};

pub use grouped::{run_grouped, GroupedResult};
pub use run::run;

/// The frame of a decision matrix read from a file, with each row's number as Excel or an editor
/// shows it (in the internal column [`ROW_COLUMN`]), so that messages about its cells name the
/// rows the user sees even below title rows.
pub fn matrix_of(table: crate::source::SourceTable) -> crate::error::Result<DataFrame> {
    let mut frame = table.frame;
    frame.with_column(Column::new(ROW_COLUMN.into(), table.origin.rows))?;
    Ok(frame)
}

/// The methods `jixiao mcda` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Topsis,
    Vikor,
    Rsr,
    Wrsr,
    Wsm,
    Wpm,
}

impl Method {
    pub const ALL: [Method; 6] = [
        Method::Topsis,
        Method::Vikor,
        Method::Rsr,
        Method::Wrsr,
        Method::Wsm,
        Method::Wpm,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Method::Topsis => "topsis",
            Method::Vikor => "vikor",
            Method::Rsr => "rsr",
            Method::Wrsr => "wrsr",
            Method::Wsm => "wsm",
            Method::Wpm => "wpm",
        }
    }

    pub fn from_name(name: &str) -> Option<Method> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    pub fn title(self) -> &'static str {
        match self {
            Method::Topsis => "TOPSIS",
            Method::Vikor => "VIKOR",
            Method::Rsr => "RSR",
            Method::Wrsr => "WRSR",
            Method::Wsm => "WSM",
            Method::Wpm => "WPM",
        }
    }

    /// Whether a higher score is better (all but VIKOR's Q).
    pub fn higher_is_better(self) -> bool {
        self != Method::Vikor
    }
}

/// Most grades (分档) `--grades` may ask for: each grade needs a probit cut-point, and more grades
/// than a few dozen alternatives cannot fill are meaningless.
pub const MAX_GRADES: usize = 100;

/// What to run. Method-specific settings left `None` take the method's default; given to a
/// method they do not apply to, they are refused.
#[derive(Debug, Clone)]
pub struct McdaSpec {
    /// The column naming the alternatives.
    pub id: String,
    pub criteria: Vec<Criterion>,
    pub weighting: Weighting,
    pub method: Method,
    /// TOPSIS: vector (default), minmax, sum, reciprocal; WSM: minmax (default), reciprocal, and
    /// vector or sum when every criterion is a benefit.
    pub normalisation: Option<Normalisation>,
    /// TOPSIS: where the weights enter (default v = w·r).
    pub placement: Option<WeightPlacement>,
    /// VIKOR: the weight of group utility S against regret R (default 0.5).
    pub vikor_v: Option<f64>,
    /// RSR/WRSR: integer (default) or non-integer ranks.
    pub rsr_ranks: Option<RankKind>,
    /// RSR/WRSR: the number of grades (分档, default 3), at most [`MAX_GRADES`].
    pub grades: Option<usize>,
    pub ties: Ties,
    /// Names the data in messages (the file read).
    pub source: PathBuf,
}

impl McdaSpec {
    /// A spec with equal weights and every setting at its default.
    pub fn new(id: impl Into<String>, criteria: Vec<Criterion>, method: Method) -> McdaSpec {
        McdaSpec {
            id: id.into(),
            criteria,
            weighting: Weighting::Equal,
            method,
            normalisation: None,
            placement: None,
            vikor_v: None,
            rsr_ranks: None,
            grades: None,
            ties: Ties::Min,
            source: PathBuf::from("data"),
        }
    }
}

/// The intermediate results of a method, for `--explain`.
#[derive(Debug, Clone)]
pub enum Details {
    Topsis {
        options: TopsisOptions,
        /// id + the (weighted) normalised value of each criterion.
        values: DataFrame,
        /// Direction of each criterion after normalisation.
        directions: Vec<Direction>,
        ideal: Vec<f64>,
        anti_ideal: Vec<f64>,
    },
    Vikor {
        v: f64,
        best: Vec<f64>,
        worst: Vec<f64>,
        s_range: (f64, f64),
        r_range: (f64, f64),
        compromise: Compromise,
        /// The ids of the compromise set, best Q first.
        compromise_ids: Vec<String>,
    },
    Rsr {
        kind: RankKind,
        /// id + the rank of each criterion.
        ranks: DataFrame,
        distribution: Distribution,
        fit_groups: Option<Fit>,
        fit_objects: Option<Fit>,
        cuts: Vec<f64>,
    },
    Wsm {
        normalisation: Normalisation,
        /// id + the normalised value of each criterion.
        values: DataFrame,
    },
    Wpm {
        /// id + the ratio of each criterion to its best value.
        values: DataFrame,
    },
}

/// The outcome of [`run()`].
#[derive(Debug, Clone)]
pub struct McdaResult {
    pub method: Method,
    pub id: String,
    pub criteria: Vec<Criterion>,
    pub source: PathBuf,
    pub ties: Ties,
    pub weights: Weights,
    /// id, `score`, `rank` and the method's columns (TOPSIS `d_plus`, `d_minus`; VIKOR `S`, `R`,
    /// `compromise`; RSR/WRSR `probit`, `grade`), in rank order.
    pub table: DataFrame,
    pub details: Details,
    /// Degenerate data met and the policy applied (constant criteria, constant S or R…).
    pub notes: Vec<String>,
}

/// Output column names.
pub(crate) const SCORE: &str = "score";
pub(crate) const RANK: &str = "rank";

/// Columns the output may hold besides the id: no input column may take these names.
const OUTPUT_COLUMNS: [&str; 9] = [
    SCORE,
    RANK,
    "d_plus",
    "d_minus",
    "S",
    "R",
    "compromise",
    "probit",
    "grade",
];

#[cfg(test)]
mod testing {
    use super::*;
    use crate::mcda::testing::criteria;

    /// X's criteria (c1 a cost) with fixed weights 0.4, 0.3, 0.2, 0.1.
    pub(super) fn spec(method: Method) -> McdaSpec {
        let mut spec = McdaSpec::new("id", criteria(4, &[1]), method);
        spec.weighting = Weighting::Fixed(vec![0.4, 0.3, 0.2, 0.1]);
        spec
    }
}
