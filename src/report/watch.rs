//! `jixiao watch`'s output: one block per run — what was redone and how long it took, then the
//! run summary (the first run) or the diff summary against the previous run (`jixiao diff`'s
//! text), or the error.

use crate::watch::Update;

/// The text of one update.
pub fn text(update: &Update) -> String {
    match update {
        Update::Scored { redone, run, took } => format!(
            "— scored in {} ms ({}) —\n{}",
            took.as_millis(),
            redone.describe(),
            run.summary
        ),
        Update::Changed {
            redone, diff, took, ..
        } => format!(
            "— re-scored in {} ms ({}); against the previous run —\n{}",
            took.as_millis(),
            redone.describe(),
            super::diff::text(diff)
        ),
        Update::Failed(error) => {
            format!("{error}— fix and save again; the previous run stays the baseline —\n")
        }
    }
}
