//! How numbers are written for people in messages, flags and summaries.
//!
//! In the foundations so that validation (input) and the reports (output) write numbers the same
//! way without knowing each other.

/// A number without trailing zeros: 2 → "2", 0.5 → "0.5".
pub fn format_number(v: f64) -> String {
    let text = format!("{v:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
