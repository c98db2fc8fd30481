//! Sample data for `scoring/secondary-2020` (being written in this change).

use super::Sample;

pub fn generate(_n: usize, _seed: u64) -> Sample {
    todo!("generator for secondary-2020")
}
