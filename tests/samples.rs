//! `jixiao sample` (issue 17): varied by default — every institution's name its own, outpatient
//! and inpatient sides growing at rates of their own — and `--as-shipped` rewriting the shipped
//! datasets exactly.

use std::collections::BTreeSet;
use std::path::Path;

mod common;
use common::jixiao;

#[test]
fn as_shipped_rewrites_the_shipped_dataset_and_the_default_varies_it() {
    let dir = tempfile::tempdir().unwrap();
    let run = |flag: Option<&str>, out: &Path| {
        let mut args = vec![
            "sample",
            "--kind",
            "tertiary-core",
            "--institutions",
            "320",
            "--seed",
            "2024",
            "--out-dir",
            out.to_str().unwrap(),
        ];
        args.extend(flag);
        let o = jixiao(&args);
        assert_eq!(o.code, 0, "{}", o.stderr);
    };
    let shipped_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/tertiary-core");
    let as_shipped = dir.path().join("as-shipped");
    run(Some("--as-shipped"), &as_shipped);
    for name in ["current.csv", "previous.csv"] {
        assert!(
            std::fs::read(as_shipped.join(name)).unwrap()
                == std::fs::read(shipped_dir.join(name)).unwrap(),
            "{name} differs from datasets/tertiary-core"
        );
    }
    let varied = dir.path().join("varied");
    run(None, &varied);
    let names = |path: &Path| -> Vec<String> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().to_string())
            .collect()
    };
    let shipped_names = names(&shipped_dir.join("current.csv"));
    let varied_names = names(&varied.join("current.csv"));
    assert!(shipped_names.iter().collect::<BTreeSet<_>>().len() < 320);
    assert_eq!(varied_names.iter().collect::<BTreeSet<_>>().len(), 320);
    // Deterministic: the same flags write the same bytes.
    let again = dir.path().join("again");
    run(None, &again);
    for name in ["current.csv", "previous.csv"] {
        assert!(
            std::fs::read(varied.join(name)).unwrap() == std::fs::read(again.join(name)).unwrap()
        );
    }
}
