//! Helpers shared by the integration tests.

use polars::prelude::*;

/// A column as floats (ranks and counts are cast), missing values as `None`.
pub fn floats(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
    frame
        .column(name)
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect()
}
