//! Stage timings and memory, for finding where a run's time and memory go before reaching for a
//! profiler: with `JIXIAO_TRACE=1` in the environment, every stage boundary the library marks
//! (reading, the scoring query, the summary, the output table, writing) prints to standard error
//! the wall time since the previous mark, the process's CPU time in that interval, its resident
//! memory at the mark, the highest resident memory within the stage and the run's highest so far
//! (`VmRSS`, `VmHWM` of `/proc/self/status`, the high-water mark reset at each mark through
//! `/proc/self/clear_refs`; Linux only, blank elsewhere). Because of that reset, a traced
//! process's own maximum resident size as `wait4` or `/usr/bin/time` report it is only its last
//! stage's: read the run's peak from the trace, and measure peaks on untraced runs
//! (`benches/scale.rs` does). Without the variable a mark costs one atomic load. Nothing is
//! written to standard output, so traced runs give the same results and files. BENCHMARKS.md ("Profiling")
//! shows how to read it beside `perf`.

use std::sync::Mutex;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

struct Clock {
    wall: Instant,
    cpu: Duration,
    /// The run's peak resident memory in MB, over the stages marked so far.
    peak: f64,
}

fn state() -> Option<&'static Mutex<Clock>> {
    static STATE: OnceLock<Option<Mutex<Clock>>> = OnceLock::new();
    STATE
        .get_or_init(|| {
            std::env::var_os("JIXIAO_TRACE")
                .filter(|v| !v.is_empty() && v != "0")
                .map(|_| {
                    Mutex::new(Clock {
                        wall: Instant::now(),
                        cpu: process_cpu(),
                        peak: 0.0,
                    })
                })
        })
        .as_ref()
}

/// Whether `JIXIAO_TRACE` is set.
pub fn enabled() -> bool {
    state().is_some()
}

/// CPU time of the whole process (all threads) so far.
fn process_cpu() -> Duration {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let t = |v: libc::timeval| Duration::new(v.tv_sec as u64, v.tv_usec as u32 * 1000);
    t(usage.ru_utime) + t(usage.ru_stime)
}

/// `(resident, peak resident)` in MB, from `/proc/self/status`.
fn memory_mb() -> Option<(f64, f64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<f64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: f64 = line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kb / 1024.0)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Marks the end of `stage`: prints its wall and CPU time and the memory now, when tracing.
pub fn mark(stage: &str) {
    let Some(state) = state() else { return };
    let mut clock = state.lock().unwrap_or_else(|e| e.into_inner());
    let (wall, cpu) = (Instant::now(), process_cpu());
    let memory = memory_mb()
        .map(|(rss, stage_peak)| {
            clock.peak = clock.peak.max(stage_peak);
            format!(
                "  rss {rss:>8.0} MB  stage peak {stage_peak:>8.0} MB  peak {:>8.0} MB",
                clock.peak
            )
        })
        .unwrap_or_default();
    reset_peak();
    eprintln!(
        "trace: {stage:<28} {:>8.3} s wall {:>8.3} s cpu{memory}",
        (wall - clock.wall).as_secs_f64(),
        cpu.saturating_sub(clock.cpu).as_secs_f64(),
    );
    clock.wall = wall;
    clock.cpu = cpu;
}

/// Starts the next stage's high-water mark from the memory resident now (Linux ≥ 4.0: writing
/// 5 to `clear_refs`); elsewhere the peak stays the process's.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[cfg(test)]
mod tests {
    #[test]
    fn memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            let (rss, peak) = super::memory_mb().expect("/proc/self/status");
            assert!(rss > 0.0 && peak >= rss, "rss {rss} peak {peak}");
        }
    }
}
