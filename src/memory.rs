//! Giving freed memory back to the system between the stages of a large run. glibc's malloc keeps
//! the memory of freed buffers in its arenas for later allocations; a national run frees most of
//! a stage's columns when the next stage starts (the loaded columns the indicator values have
//! used, the scored frame once the output table is built), and without a trim those pages stay
//! resident beside the next stage's and raise the run's peak. [`release`] asks glibc to return
//! every whole free page (`malloc_trim`), only after frames of at least [`WORTH_IT`] rows, where
//! it costs a few milliseconds against seconds of work. Elsewhere (another libc) it does nothing.

/// Frames from this many rows up are worth a trim between stages.
pub const WORTH_IT: usize = 100_000;

/// Returns the free pages of every malloc arena to the system when `rows` reach [`WORTH_IT`].
pub fn release(rows: usize) {
    if rows < WORTH_IT {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}
