//! `jixiao init`: a new scheme folder to start from — a shipped scheme with its sample dataset, or
//! the commented `blank` template — that `jixiao score --scheme DIR` scores at once.
//!
//! A shipped scheme is copied as shipped (its comments explain every default) with its dataset
//! under `DIR/data/`, and its `dataset:` paths rewritten to point there, so the folder stands on
//! its own wherever it is moved. An existing non-empty folder is refused: init never overwrites.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::shipped::{self, SCHEMES, TEMPLATES};

/// The names `--from` accepts.
pub fn sources() -> Vec<&'static str> {
    SCHEMES.iter().chain(TEMPLATES.iter()).copied().collect()
}

/// Writes the scheme folder `dir` from the shipped scheme or template `from`; returns the files
/// written, in order.
pub fn init(dir: &Path, from: &str) -> Result<Vec<PathBuf>> {
    let files = files_of(from)?;
    if let Ok(mut entries) = std::fs::read_dir(dir) {
        if entries.next().is_some() {
            return Err(Error::Usage {
                message: format!(
                    "{} exists and is not empty; jixiao init writes a new folder and never \
                     overwrites files: name another folder",
                    dir.display()
                ),
            });
        }
    } else if dir.exists() {
        return Err(Error::Usage {
            message: format!("{} exists and is not a folder", dir.display()),
        });
    }
    let mut written = Vec::new();
    for (relative, bytes) in files {
        let path = dir.join(&relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, &bytes).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

/// The files of the new folder: paths relative to it and their contents.
fn files_of(from: &str) -> Result<Vec<(String, Vec<u8>)>> {
    if TEMPLATES.contains(&from) {
        return Ok(shipped::files_under(&format!("templates/{from}"))
            .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
            .collect());
    }
    if !shipped::is_scheme(from) {
        return Err(Error::Usage {
            message: format!(
                "no shipped scheme or template \"{from}\"; --from takes one of: {}",
                sources().join(", ")
            ),
        });
    }
    let dataset = shipped::dataset_of(from);
    let shipped_data = format!("../../datasets/{dataset}/");
    let mut files = Vec::new();
    for (path, bytes) in shipped::files_under(&format!("scoring/{from}")) {
        let mut bytes = bytes.to_vec();
        if path == "scheme.yaml" {
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::internal("a shipped scheme.yaml is not UTF-8"))?;
            if !text.contains(&shipped_data) {
                return Err(Error::internal(format!(
                    "the shipped scheme {from} does not name its dataset as {shipped_data}"
                )));
            }
            bytes = text.replace(&shipped_data, "data/").into_bytes();
        }
        files.push((path.to_string(), bytes));
    }
    for (path, bytes) in shipped::files_under(&format!("datasets/{dataset}")) {
        files.push((format!("data/{path}"), bytes.to_vec()));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shipped_scheme_points_at_its_own_copy_of_the_data() {
        let files = files_of("secondary-2020").unwrap();
        let yaml = files.iter().find(|(p, _)| p == "scheme.yaml").unwrap();
        let yaml = String::from_utf8(yaml.1.clone()).unwrap();
        assert!(yaml.contains("  current: data/current.csv\n"), "{yaml}");
        assert!(yaml.contains("  previous: data/previous.csv\n"), "{yaml}");
        assert!(!yaml.contains("../../datasets"), "{yaml}");
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert!(names.contains(&"data/current.csv"), "{names:?}");
        assert!(names.contains(&"data/previous.csv"), "{names:?}");
        assert!(names.contains(&"indicators.rhai"), "{names:?}");
    }

    #[test]
    fn the_cms_schemes_take_the_release_they_score() {
        for from in ["cms-stars-2025", "cms-stars-2026"] {
            let files = files_of(from).unwrap();
            let yaml = files.iter().find(|(p, _)| p == "scheme.yaml").unwrap();
            let yaml = String::from_utf8(yaml.1.clone()).unwrap();
            assert!(yaml.contains("  current: data/input.csv.gz\n"), "{yaml}");
            assert!(files.iter().any(|(p, _)| p == "data/input.csv.gz"));
        }
    }

    #[test]
    fn unknown_sources_and_full_folders_are_refused() {
        let error = init(Path::new("/nonexistent/x"), "tertiary").unwrap_err();
        assert_eq!(error.exit_code(), 1);
        assert!(error.to_string().contains("blank"), "{error}");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
        let error = init(dir.path(), "blank").unwrap_err();
        assert!(error.to_string().contains("not empty"), "{error}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
            "mine"
        );
    }
}
