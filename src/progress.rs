//! Progress on standard error for long runs: one line per stage — reading, scoring, writing —
//! with the rows done out of the total when known (else a spinner) and the time elapsed, shared
//! by every command through a [`Progress`] handle that library functions take and may ignore.
//!
//! Policies:
//! - **Only when someone watches.** Nothing is drawn when standard error is not a terminal
//!   (a pipe, a file, a test) or with `--quiet`: such a handle is [`Progress::hidden`] and every
//!   call on it costs a branch.
//! - **Only for long runs.** Nothing is drawn before the run has lasted [`SHOW_AFTER`]; a run
//!   that ends sooner draws nothing, so quick runs look as before.
//! - **Never in the output.** The line goes to standard error, is redrawn in place (`\r`) at most
//!   [`REDRAW`] apart by one timer thread, and is erased when the run ends, so standard output
//!   and the files written are the same with and without it.
//!
//! (indicatif was the first choice; its 0.18 turns on `portable-atomic`'s `fallback` feature,
//! which `once_cell` — and through it `ahash` and every polars crate — shares, so adding it
//! rebuilds polars. This line needs a few dozen lines of code instead.)

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a run lasts before its progress is drawn.
pub const SHOW_AFTER: Duration = Duration::from_millis(1000);
/// How often the line is redrawn.
pub const REDRAW: Duration = Duration::from_millis(150);

/// A handle to the run's progress display; cheap to clone, hidden when nobody watches.
#[derive(Clone, Default)]
pub struct Progress {
    inner: Option<Arc<Shown>>,
}

struct Shown {
    started: Instant,
    stage: Mutex<Stage>,
    done: AtomicU64,
    finished: AtomicBool,
}

struct Stage {
    message: String,
    total: Option<u64>,
    started: Instant,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.inner {
            Some(_) => "Progress(shown)",
            None => "Progress(hidden)",
        })
    }
}

impl Progress {
    /// Draws nothing, ever.
    pub fn hidden() -> Progress {
        Progress { inner: None }
    }

    /// Progress on standard error, unless `quiet` or standard error is not a terminal.
    pub fn on_stderr(quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let now = Instant::now();
        let shown = Arc::new(Shown {
            started: now,
            stage: Mutex::new(Stage {
                message: String::new(),
                total: None,
                started: now,
            }),
            done: AtomicU64::new(0),
            finished: AtomicBool::new(false),
        });
        // One timer draws the line once the run has lasted SHOW_AFTER, also in the middle of a
        // long stage that makes no calls (a query running), until the run finishes.
        let weak = Arc::downgrade(&shown);
        std::thread::spawn(move || {
            std::thread::sleep(SHOW_AFTER);
            let mut tick = 0usize;
            loop {
                let Some(shown) = weak.upgrade() else { return };
                if shown.finished.load(Ordering::SeqCst) {
                    return;
                }
                let line = shown.line(tick);
                // Checked again under the lock `finish` takes, so no line is drawn after it.
                let mut stderr = std::io::stderr().lock();
                if shown.finished.load(Ordering::SeqCst) {
                    return;
                }
                let _ = write!(stderr, "\r\x1b[K{line}");
                let _ = stderr.flush();
                drop(stderr);
                drop(shown);
                tick += 1;
                std::thread::sleep(REDRAW);
            }
        });
        Progress { inner: Some(shown) }
    }

    /// Whether anything can be drawn (false for a hidden handle).
    pub fn is_shown(&self) -> bool {
        self.inner.is_some()
    }

    /// Starts a stage: `message` ("reading", "scoring", "writing xlsx"), with `total` steps when
    /// known (a count), else a spinner.
    pub fn stage(&self, message: &str, total: Option<u64>) {
        let Some(shown) = &self.inner else { return };
        let mut stage = shown.stage.lock().unwrap_or_else(|e| e.into_inner());
        stage.message = message.to_string();
        stage.total = total;
        stage.started = Instant::now();
        shown.done.store(0, Ordering::SeqCst);
    }

    /// Advances the current stage by `steps`.
    pub fn advance(&self, steps: u64) {
        if let Some(shown) = &self.inner {
            shown.done.fetch_add(steps, Ordering::Relaxed);
        }
    }

    /// How long the run has lasted; zero for a hidden handle.
    pub fn elapsed(&self) -> Duration {
        self.inner
            .as_ref()
            .map_or(Duration::ZERO, |shown| shown.started.elapsed())
    }

    /// Erases the line (when one was drawn); the run's own output follows.
    pub fn finish(&self) {
        let Some(shown) = &self.inner else { return };
        let mut stderr = std::io::stderr().lock();
        if shown.finished.swap(true, Ordering::SeqCst) {
            return;
        }
        if shown.started.elapsed() >= SHOW_AFTER {
            let _ = write!(stderr, "\r\x1b[K");
            let _ = stderr.flush();
        }
    }
}

impl Shown {
    /// The line drawn at the `tick`-th redraw.
    fn line(&self, tick: usize) -> String {
        let stage = self.stage.lock().unwrap_or_else(|e| e.into_inner());
        progress_line(
            &stage.message,
            self.done.load(Ordering::Relaxed),
            stage.total,
            stage.started.elapsed(),
            tick,
        )
    }
}

/// "writing xlsx [=====>      ] 120,000/300,000 (12s)", or "| scoring (3s)" without a total.
pub fn progress_line(
    message: &str,
    done: u64,
    total: Option<u64>,
    elapsed: Duration,
    tick: usize,
) -> String {
    let seconds = elapsed.as_secs();
    match total {
        Some(total) if total > 0 => {
            let done = done.min(total);
            let width = 30u64;
            let filled = (done * width / total) as usize;
            let mut bar = "=".repeat(filled);
            if filled < width as usize {
                bar.push('>');
                bar.push_str(&" ".repeat(width as usize - filled - 1));
            }
            format!(
                "{message} [{bar}] {}/{} ({seconds}s)",
                grouped(done),
                grouped(total)
            )
        }
        _ => {
            let spinner = ['|', '/', '-', '\\'][tick % 4];
            format!("{spinner} {message} ({seconds}s)")
        }
    }
}

/// 1234567 → "1,234,567".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hidden_handle_draws_nothing_and_takes_every_call() {
        let progress = Progress::hidden();
        assert!(!progress.is_shown());
        progress.stage("reading", None);
        progress.advance(10);
        progress.finish();
        assert_eq!(progress.elapsed(), Duration::ZERO);
    }

    #[test]
    fn quiet_or_no_terminal_hides_progress() {
        assert!(!Progress::on_stderr(true).is_shown());
        // Tests run with standard error captured (not a terminal).
        if !std::io::stderr().is_terminal() {
            assert!(!Progress::on_stderr(false).is_shown());
        }
    }

    #[test]
    fn the_line_shows_rows_done_of_the_total_or_a_spinner() {
        let line = progress_line(
            "writing xlsx",
            150_000,
            Some(300_000),
            Duration::from_secs(12),
            0,
        );
        assert_eq!(
            line,
            format!(
                "writing xlsx [{}>{}] 150,000/300,000 (12s)",
                "=".repeat(15),
                " ".repeat(14)
            )
        );
        let full = progress_line("w", 9, Some(9), Duration::ZERO, 0);
        assert_eq!(full, format!("w [{}] 9/9 (0s)", "=".repeat(30)));
        assert_eq!(
            progress_line("scoring", 0, None, Duration::from_secs(3), 1),
            "/ scoring (3s)"
        );
    }
}
