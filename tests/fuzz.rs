//! Fuzzing inside the test suite (issue 16): the shipped datasets and schemes, mutated byte by
//! byte (replaced, inserted, deleted bytes drawn from the characters that matter to the readers,
//! truncation), must give exit 0 or 1 — never a bug (2), a signal or a hang — under a 2 GiB
//! memory limit. A fixed number of cases per target keeps the suite's time bounded.

use std::path::Path;
use std::process::Command;

use proptest::prelude::*;

/// Bytes the CSV and YAML readers treat specially, plus text that means something to jixiao.
const INTERESTING: &[&[u8]] = &[
    b",",
    b"\"",
    b"\n",
    b"\r",
    b"\t",
    b"-",
    b".",
    b"e",
    b"9",
    b"0",
    b":",
    b"*",
    b"&",
    b"[",
    b"{",
    b"#",
    b"%",
    b" ",
    b"\xff",
    b"\xe5\x90\x88\xe8\xae\xa1",
    b"1e308",
    b"NaN",
    b"inf",
    b"- ",
];

/// One mutation: (what, where as a fraction of the length, which interesting text).
#[derive(Debug, Clone)]
enum Mutation {
    Replace(f64, usize),
    Insert(f64, usize),
    Delete(f64, usize),
    Truncate(f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    let which = 0..INTERESTING.len();
    prop_oneof![
        (at.clone(), which.clone()).prop_map(|(a, w)| Mutation::Replace(a, w)),
        (at.clone(), which).prop_map(|(a, w)| Mutation::Insert(a, w)),
        (at.clone(), 1..64usize).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (0.5..1.0f64).prop_map(Mutation::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let position = |fraction: f64, len: usize| ((len as f64) * fraction) as usize;
        match *m {
            Mutation::Replace(a, w) => {
                let at = position(a, bytes.len()).min(bytes.len().saturating_sub(1));
                let text = INTERESTING[w];
                let end = (at + text.len()).min(bytes.len());
                bytes.splice(at..end, text.iter().copied());
            }
            Mutation::Insert(a, w) => {
                let at = position(a, bytes.len());
                bytes.splice(at..at, INTERESTING[w].iter().copied());
            }
            Mutation::Delete(a, n) => {
                let at = position(a, bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Truncate(a) => bytes.truncate(position(a, bytes.len())),
        }
    }
    bytes
}

/// Runs jixiao under a 2 GiB address-space limit and a 60 s time limit; the exit code.
fn run_limited(args: &[&str]) -> (i32, String) {
    let mut quoted = String::new();
    for arg in args {
        quoted.push_str(&format!(" '{}'", arg.replace('\'', r"'\''")));
    }
    let script = format!(
        "ulimit -v 2097152 && exec timeout 60 '{}'{quoted}",
        env!("CARGO_BIN_EXE_jixiao")
    );
    let output = Command::new("sh")
        .args(["-c", &script])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("sh runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// The shipped tertiary-core dataset, mutated, scored by the shipped scheme.
    #[test]
    fn mutated_datasets_exit_0_or_1(mutations in prop::collection::vec(mutation(), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let original = std::fs::read("datasets/tertiary-core/current.csv").unwrap();
        let data = dir.path().join("current.csv");
        std::fs::write(&data, apply(original, &mutations)).unwrap();
        let out = dir.path().join("out.csv");
        let (code, stderr) = run_limited(&[
            "score", "--data", data.to_str().unwrap(),
            "--out", out.to_str().unwrap(),
        ]);
        prop_assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    }

    /// The shipped tertiary-core scheme.yaml and script, mutated, checked on its dataset.
    #[test]
    fn mutated_schemes_exit_0_or_1(
        mutations in prop::collection::vec(mutation(), 1..6),
        script in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let scheme = dir.path().join("scheme");
        copy_dir(Path::new("scoring/tertiary-core"), &scheme);
        let name = if script { "indicators.rhai" } else { "scheme.yaml" };
        let target = scheme.join(name);
        let original = std::fs::read(&target).unwrap();
        std::fs::write(&target, apply(original, &mutations)).unwrap();
        let data = std::path::absolute("datasets/tertiary-core/current.csv").unwrap();
        let previous = data.with_file_name("previous.csv");
        let (code, stderr) = run_limited(&[
            "check", "--scheme", scheme.to_str().unwrap(),
            "--data", data.to_str().unwrap(), "--prev", previous.to_str().unwrap(),
        ]);
        prop_assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    }
}
