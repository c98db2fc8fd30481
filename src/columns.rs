//! The names of the columns jixiao adds to an institution's row, in one place.
//!
//! Every stage reads earlier stages' columns by name; those names live here, at the bottom of the
//! crate, so that a stage never imports another stage just to know what a column is called. Two
//! kinds: output columns the user sees (`score`, `rank`, `grade`, `flags`, `<id>.score`, …) and
//! internal ones, prefixed `__`, that carry state between stages and are dropped before output
//! (the peer group, each row's place in its file, veto conditions, rule points).

/// Final score after bonus, deduction and vetoes.
pub const SCORE_COLUMN: &str = "score";
/// Sum of the bonus rules' points (only with bonus rules).
pub const BONUS_COLUMN: &str = "bonus";
/// Sum of the deduction rules' points (only with deduction rules).
pub const DEDUCTION_COLUMN: &str = "deduction";
/// Weighted total before bonus, deduction and vetoes.
pub const WEIGHTED_COLUMN: &str = "weighted";
/// Share of effective weight with data (0–1).
pub const COVERAGE_COLUMN: &str = "coverage";
/// Rank over all institutions (empty when not ranked).
pub const RANK_COLUMN: &str = "rank";
/// Rank within the peer group (empty when not ranked).
pub const GROUP_RANK_COLUMN: &str = "group_rank";
/// Grade label.
pub const GRADE_COLUMN: &str = "grade";
/// `; `-separated reasons: veto, missing data, bonus, data problems…
pub const FLAGS_COLUMN: &str = "flags";
/// Money of all items of a point-based assessment together.
pub const MONEY_COLUMN: &str = "money";

/// A run over several periods (`crate::panel`): the period of each row.
pub const PERIOD_COLUMN: &str = "period";
/// A run over several periods: the change against the previous period that `improvement:`
/// ranks (score − previous score, or places gained).
pub const IMPROVEMENT_COLUMN: &str = "improvement";
/// A run over several periods: the rank of [`IMPROVEMENT_COLUMN`] within the peer group (or
/// over all, as `improvement.within` says); 1 = the most improved.
pub const IMPROVEMENT_RANK_COLUMN: &str = "improvement_rank";
/// A run over several periods: the improvement award's label (进步较大) where it is given.
pub const IMPROVEMENT_AWARD_COLUMN: &str = "improvement_award";

/// Internal: whether a veto fired.
pub const VETOED_COLUMN: &str = "__vetoed";
/// Internal: whether the institution was left unranked for missing data.
pub const EXCLUDED_COLUMN: &str = "__excluded";
/// Internal: the peer group of each institution (see `crate::load`).
pub const PEER_GROUP_COLUMN: &str = "__peer_group";
/// Internal: each row's spreadsheet row number in its file.
pub const ROW_COLUMN: &str = "__row";
/// Internal: each institution's data problems, the JSON of its `crate::message::Flag`s (null
/// when none).
pub const DATA_FLAGS_COLUMN: &str = "__data_flags";
/// Suffix of the previous period's columns after they are joined onto the current data.
pub const PREVIOUS_SUFFIX: &str = "@prev";
/// The peer group of institutions whose peer-group cell is empty.
pub const UNGROUPED: &str = "(未分组)";

/// Score of a node (dimension, sub-dimension or indicator) with id `id`.
pub fn score_column(id: &str) -> String {
    format!("{id}.score")
}

/// The value an indicator is scored on, after outlier treatment and imputation.
pub fn treated_column(id: &str) -> String {
    format!("{id}.treated")
}

/// The level this period of the `k`-th growth rate (`growth(now, before)`) of an indicator:
/// `<id>.level`, or `<id>.level.<k>` (from 1) when its formula has several.
pub fn level_column(id: &str, k: Option<usize>) -> String {
    match k {
        Some(k) => format!("{id}.level.{k}"),
        None => format!("{id}.level"),
    }
}

/// The previous period's level of a growth rate; see [`level_column`].
pub fn prev_level_column(id: &str, k: Option<usize>) -> String {
    match k {
        Some(k) => format!("{id}.prev_level.{k}"),
        None => format!("{id}.prev_level"),
    }
}

/// An indicator's value shown as a ratio ("1:X" or "X:1").
pub fn display_column_name(id: &str) -> String {
    format!("{id}.display")
}

/// Internal: the i-th veto's condition.
pub fn veto_column(index: usize) -> String {
    format!("__veto_{index}")
}

/// Internal: the i-th bonus rule's points.
pub fn bonus_column(index: usize) -> String {
    format!("__bonus_{index}")
}

/// Internal: the i-th deduction rule's points.
pub fn deduction_column(index: usize) -> String {
    format!("__deduction_{index}")
}

/// An item's quality coefficient (point-based assessment).
pub fn coefficient_column(item: &str) -> String {
    format!("{item}.coefficient")
}

/// An item's corrected work points.
pub fn corrected_column(item: &str) -> String {
    format!("{item}.corrected_points")
}

/// An item's money.
pub fn money_column(item: &str) -> String {
    format!("{item}.money")
}

/// A node's contribution to the weighted total, in points (`score --contributions`, `explain`).
pub fn points_column(id: &str) -> String {
    format!("{id}.points")
}

/// Internal: a node's own effective weight for this institution (0–1), after the missing-data
/// policy moved the weight of its missing siblings (see `crate::contribution`).
pub fn effective_weight_column(id: &str) -> String {
    format!("__weight.{id}")
}

/// Internal: the written weight of the children of `parent` (the tree's root when `None`) that
/// have a score, for this institution: the denominator of their renormalised shares.
pub fn present_weight_column(parent: Option<&str>) -> String {
    match parent {
        Some(id) => format!("__present_weight.{id}"),
        None => "__present_weight".to_string(),
    }
}

/// Internal: a formula computed once and read by several others (`crate::script::shared`).
pub fn intermediate_column(id: u64) -> String {
    format!("__let{id}")
}

/// Internal: true on rows where a division inside intermediate `id` has a zero denominator.
pub fn intermediate_zero_column(id: u64) -> String {
    format!("__let{id}|zero")
}

/// Internal: whether the institution is not rated (`eligible:` does not hold): it keeps its
/// scores but gets no rank or grade.
pub const NOT_RATED_COLUMN: &str = "__not_rated";
