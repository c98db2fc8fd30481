//! `JIXIAO_TRACE=1`: each stage's time and memory on standard error, and nothing else changed.

use std::process::Command;

fn score(trace: bool) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    command
        .args(["score", "--quiet"])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    if trace {
        command.env("JIXIAO_TRACE", "1");
    } else {
        command.env_remove("JIXIAO_TRACE");
    }
    command.output().expect("run jixiao")
}

#[test]
fn tracing_prints_every_stage_to_stderr_and_leaves_stdout_alone() {
    let plain = score(false);
    let traced = score(true);
    assert!(plain.status.success() && traced.status.success());
    assert_eq!(
        plain.stdout, traced.stdout,
        "the ranking and summary are unchanged"
    );
    assert!(plain.stderr.is_empty(), "no trace without the variable");
    let stderr = String::from_utf8(traced.stderr).unwrap();
    let stages: Vec<&str> = stderr
        .lines()
        .map(|l| {
            l.strip_prefix("trace: ")
                .unwrap_or_else(|| panic!("not a trace line: {l}"))
        })
        .map(|l| l.split("  ").next().unwrap().trim())
        .collect();
    assert_eq!(
        stages,
        [
            "compile scheme",
            "read data files",
            "prepare and check data",
            "indicator values",
            "scoring query",
            "summary",
            "output table",
            "format ranking and summary"
        ]
    );
    // The run's peak never falls from one mark to the next and is never below a stage's.
    let mb_after = |line: &str, label: &str| -> f64 {
        let rest = &line[line
            .find(label)
            .unwrap_or_else(|| panic!("{label}: {line}"))
            + label.len()..];
        rest.split_whitespace().next().unwrap().parse().unwrap()
    };
    let mut run_peak = 0.0;
    for line in stderr.lines() {
        assert!(
            line.contains(" s wall") && line.contains(" s cpu"),
            "{line}"
        );
        if cfg!(target_os = "linux") {
            let stage_peak = mb_after(line, "stage peak ");
            let peak = mb_after(line, " MB  peak ");
            assert!(peak >= run_peak && peak >= stage_peak, "{line}");
            run_peak = peak;
        }
    }
}
