//! Starting anywhere: the shipped schemes built into the binary, `jixiao init`, completions. The
//! binary runs from a temporary folder outside the repository, as an installed one would, with
//! its cache of unpacked schemes in another temporary folder.

use std::path::Path;

mod common;
use common::Outcome;

/// Runs jixiao in `dir` with the unpacked schemes cached under `cache`.
fn jixiao_in(dir: &Path, cache: &Path, args: &[&str]) -> Outcome {
    let cache = cache.to_str().expect("a UTF-8 temporary path");
    common::jixiao_in(dir, &[("JIXIAO_CACHE_DIR", cache)], args)
}

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The output file of `score --scheme <scheme> --out <out>` run in `dir`.
fn scored(dir: &Path, cache: &Path, scheme: &str, out: &str) -> (Outcome, Vec<u8>) {
    let o = jixiao_in(dir, cache, &["score", "--scheme", scheme, "--out", out]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let bytes = std::fs::read(dir.join(out)).unwrap();
    (o, bytes)
}

#[test]
fn a_shipped_scheme_by_name_scores_outside_the_repository_as_its_folder_does() {
    let outside = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let (o, built_in) = scored(outside.path(), cache.path(), "tertiary-2020", "out.csv");
    assert!(
        o.stdout
            .contains("(version 2020.1), built into jixiao as tertiary-2020\n"),
        "the summary names the built-in copy:\n{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("institutions: 320 in, 320 out"),
        "{}",
        o.stdout
    );
    let (o, from_folder) = scored(
        repository(),
        cache.path(),
        "scoring/tertiary-2020",
        &outside.path().join("folder.csv").display().to_string(),
    );
    assert!(!o.stdout.contains("built into"), "{}", o.stdout);
    assert_eq!(built_in, from_folder, "same scheme, same data, same bytes");
}

#[test]
fn the_default_scheme_falls_back_to_its_built_in_copy() {
    let outside = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let o = jixiao_in(outside.path(), cache.path(), &["score", "--top", "1"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("built into jixiao as tertiary-core"),
        "{}",
        o.stdout
    );
}

#[test]
fn an_edited_unpacked_copy_is_restored_before_use() {
    let outside = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let (_, first) = scored(outside.path(), cache.path(), "secondary-2020", "a.csv");
    let root = std::fs::read_dir(cache.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let yaml = root.join("scoring/secondary-2020/scheme.yaml");
    std::fs::write(&yaml, "name: broken\n").unwrap();
    std::fs::remove_file(root.join("datasets/secondary-2020/previous.csv")).unwrap();
    let (_, second) = scored(outside.path(), cache.path(), "secondary-2020", "b.csv");
    assert_eq!(first, second);
    assert_eq!(
        std::fs::read(&yaml).unwrap(),
        std::fs::read(repository().join("scoring/secondary-2020/scheme.yaml")).unwrap()
    );
}

#[test]
fn init_from_a_shipped_scheme_scores_at_once_and_as_shipped() {
    let outside = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let o = jixiao_in(
        outside.path(),
        cache.path(),
        &["init", "x", "--from", "secondary-2020"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("init_secondary_2020_stdout", o.stdout);
    let yaml = std::fs::read_to_string(outside.path().join("x/scheme.yaml")).unwrap();
    let dataset: String = yaml
        .lines()
        .skip_while(|l| !l.starts_with("dataset:"))
        .take(3)
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!("init_secondary_2020_dataset", dataset);
    let (o, copied) = scored(outside.path(), cache.path(), "x", "x.csv");
    assert!(!o.stdout.contains("built into"), "{}", o.stdout);
    assert!(
        o.stdout.contains("data: x/data/current.csv"),
        "{}",
        o.stdout
    );
    let (_, shipped) = scored(outside.path(), cache.path(), "secondary-2020", "s.csv");
    assert_eq!(
        copied, shipped,
        "the copied scheme scores as the shipped one"
    );
}

#[test]
fn init_blank_writes_a_commented_scheme_that_scores() {
    let outside = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let o = jixiao_in(outside.path(), cache.path(), &["init", "new"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("init_blank_stdout", o.stdout);
    let dir = outside.path().join("new");
    insta::assert_snapshot!(
        "init_blank_scheme_yaml",
        std::fs::read_to_string(dir.join("scheme.yaml")).unwrap()
    );
    insta::assert_snapshot!(
        "init_blank_indicators_rhai",
        std::fs::read_to_string(dir.join("indicators.rhai")).unwrap()
    );
    let o = jixiao_in(outside.path(), cache.path(), &["score", "--scheme", "new"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("institutions: 6 in, 6 out; 6 ranked, 1 vetoed"),
        "{}",
        o.stdout
    );
    // init never overwrites.
    let o = jixiao_in(
        outside.path(),
        cache.path(),
        &["init", "new", "--from", "tertiary-core"],
    );
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("exists and is not empty"), "{}", o.stderr);
    let o = jixiao_in(
        outside.path(),
        cache.path(),
        &["init", "other", "--from", "tertiary"],
    );
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("--from takes one of: tertiary-core"),
        "{}",
        o.stderr
    );
}

#[test]
fn completions_for_every_shell_name_the_commands() {
    let outside = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = jixiao_in(outside.path(), outside.path(), &["completions", shell]);
        assert_eq!(o.code, 0, "{shell}: {}", o.stderr);
        for word in ["jixiao", "score", "init", "mcda", "--scheme"] {
            assert!(o.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    let o = jixiao_in(outside.path(), outside.path(), &["completions", "tcsh"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
}
