//! Sample data for `scoring/tertiary-2020` (being written in this change).

use super::Sample;

pub fn generate(_n: usize, _seed: u64) -> Sample {
    todo!("generator for tertiary-2020")
}
