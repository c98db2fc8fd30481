//! `jixiao watch` through the binary: spawned on a temporary copy of the four-institution fixture,
//! it prints the first run; a saved weight change prints the diff summary (the movers it caused,
//! ρ); a broken save prints the error with its file:line:col and the watching goes on, so that a
//! fix afterwards gives a run again. Each wait reads standard output line by line with a timeout;
//! nothing sleeps for a fixed time.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The watching process, killed when the test ends (even by a failed assertion).
struct Watching {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Everything printed so far, for the failure messages.
    seen: String,
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watching {
    fn start(dir: &Path) -> Watching {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["watch", "--quiet", "--scheme"])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Watching {
            child,
            lines,
            seen: String::new(),
        }
    }

    /// The lines printed from now until (and with) the first that `done` accepts.
    fn until(&mut self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut block = String::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    block.push_str(&line);
                    block.push('\n');
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                    if done(&line) {
                        return block;
                    }
                }
                Err(_) => panic!("no {what} within 30 s; the process printed:\n{}", self.seen),
            }
        }
    }
}

fn copy_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny");
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

/// Replaces `from` by `to` in the copy's scheme.yaml, as an editor's save does.
fn edit(dir: &Path, from: &str, to: &str) {
    let path = dir.join("scheme.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    assert!(yaml.contains(from), "{from} in {yaml}");
    std::fs::write(&path, yaml.replace(from, to)).unwrap();
}

fn first_run(watching: &mut Watching) -> String {
    let first = watching.until("first run", |l| l.starts_with("effective weights"));
    assert!(first.contains("— scored in"), "{first}");
    assert!(first.contains("institutions: 4 in, 4 out"), "{first}");
    // The run summary ends with the effective weights, one line per dimension.
    watching.until("the weights of 效率", |l| l.contains("效率 40.00%"));
    first
}

#[test]
fn a_saved_weight_change_prints_the_diff_summary() {
    let dir = copy_fixture();
    let mut watching = Watching::start(dir.path());
    first_run(&mut watching);
    // 质量 60 → 600 of 效率 40: A (质量 41.67, 效率 0) goes from 25 to 39.06 and passes D (37.5,
    // no 效率 score: renormalised to its 质量).
    edit(
        dir.path(),
        "{id: 质量, weight: 60}",
        "{id: 质量, weight: 600}",
    );
    let diff = watching.until("diff summary", |l| l.starts_with("grade changed:"));
    assert!(
        diff.contains("— re-scored in")
            && diff.contains("(no formula changed: data and indicator scores kept)"),
        "{diff}"
    );
    assert!(
        diff.contains("institutions: 4 compared, 0 entered, 0 left"),
        "{diff}"
    );
    // Ranks B, D, A → B, A, D (C is vetoed, last): ρ = 1 − 6 × (1 + 1) / (4 × 15) = 0.8.
    assert!(diff.contains("Spearman ρ 0.8000"), "{diff}");
    let movers_up = diff
        .split("top movers up")
        .nth(1)
        .and_then(|rest| rest.split("top movers down").next())
        .unwrap_or_default();
    assert!(
        movers_up.contains("A 甲医院: rank 3 → 2 (up 1), score 25.00 → 39.06 (+14.06)"),
        "{diff}"
    );
    assert!(diff.contains("D 丁医院: rank 2 → 3 (down 1)"), "{diff}");
}

#[test]
fn a_broken_save_prints_the_error_and_the_watching_goes_on() {
    let dir = copy_fixture();
    let mut watching = Watching::start(dir.path());
    first_run(&mut watching);
    edit(
        dir.path(),
        "{id: 质量, weight: 60}",
        "{id: 质量, weight: abc}",
    );
    let error = watching.until("the error", |l| l.starts_with("— fix and save again"));
    assert!(error.contains("weight of dimension 质量"), "{error}");
    // file:line:col, the line and a caret under `abc`.
    assert!(error.contains("scheme.yaml:7:22"), "{error}");
    assert!(error.contains("7 |   - {id: 质量, weight: abc}"), "{error}");
    assert!(error.contains("^^^"), "{error}");
    // Fixed: a run again, compared with the last good run.
    edit(
        dir.path(),
        "{id: 质量, weight: abc}",
        "{id: 质量, weight: 600}",
    );
    let again = watching.until("a run after the fix", |l| l.starts_with("grade changed:"));
    assert!(again.contains("— re-scored in"), "{again}");
    assert!(again.contains("Spearman ρ"), "{again}");
    // And the process is still watching: another save gives another run.
    edit(
        dir.path(),
        "{id: 质量, weight: 600}",
        "{id: 质量, weight: 60}",
    );
    let back = watching.until("a run after another save", |l| {
        l.starts_with("grade changed:")
    });
    assert!(back.contains("— re-scored in"), "{back}");
}
