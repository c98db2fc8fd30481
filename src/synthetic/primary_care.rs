//! Sample data for `scoring/primary-care` (being written in this change).

use super::Sample;

pub fn generate(_n: usize, _seed: u64) -> Sample {
    todo!("generator for primary-care")
}
