//! The shipped schemes (`scoring/`), their sample datasets (`datasets/`) and the `jixiao init`
//! templates (`templates/`), embedded in the binary by `build.rs`, so that `--scheme
//! tertiary-2020` works from any folder and an installed binary needs no repository.
//!
//! A scheme is read from files (its scripts import each other, its dataset is named by a path),
//! so a shipped scheme is used from an unpacked copy: every embedded scheme and dataset is
//! written once to a folder of the user's cache named by the jixiao version and a hash of the
//! embedded bytes (`$JIXIAO_CACHE_DIR`, else `$XDG_CACHE_HOME/jixiao`, else `~/.cache/jixiao`,
//! else the system's temporary folder), with the repository's layout, so the schemes' relative
//! dataset paths hold. Each use compares the copy with the embedded bytes and restores any file
//! that was edited or removed, so a built-in scheme always means the same thing. Unpacking goes
//! through a temporary folder renamed into place, so two runs starting at once do not collide.

use std::fmt;
use std::path::{Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/shipped_files.rs"));
}

/// The shipped schemes, by the name `--scheme` and `jixiao init --from` accept.
pub const SCHEMES: [&str; 6] = [
    "tertiary-core",
    "tertiary-2020",
    "secondary-2020",
    "primary-care",
    "cms-stars-2025",
    "cms-stars-2026",
];

/// The folder under `datasets/` holding a shipped scheme's data: the scheme's own name, except
/// for the two CMS star-rating methods, which score the same release (`cms-2025jul`).
pub fn dataset_of(scheme: &str) -> &str {
    match scheme {
        "cms-stars-2025" | "cms-stars-2026" => "cms-2025jul",
        other => other,
    }
}

/// The templates of `jixiao init --from` that are not shipped schemes.
pub const TEMPLATES: [&str; 1] = ["blank"];

/// Where unpacking failed: the file or folder, and why.
#[derive(Debug)]
pub struct UnpackError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl fmt::Display for UnpackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.source)
    }
}

fn at(path: &Path) -> impl FnOnce(std::io::Error) -> UnpackError + '_ {
    move |source| UnpackError {
        path: path.to_path_buf(),
        source,
    }
}

/// Whether `name` is a shipped scheme.
pub fn is_scheme(name: &str) -> bool {
    SCHEMES.contains(&name)
}

/// The embedded files under `prefix` (a folder such as `scoring/tertiary-core`), with their
/// paths relative to it.
pub fn files_under(prefix: &str) -> impl Iterator<Item = (&'static str, &'static [u8])> + '_ {
    embedded::FILES.iter().filter_map(move |&(path, bytes)| {
        let rest = path.strip_prefix(prefix)?.strip_prefix('/')?;
        Some((rest, bytes))
    })
}

/// The folder the shipped schemes are unpacked to (it may not exist yet).
pub fn unpacked_root() -> PathBuf {
    let cache = std::env::var_os("JIXIAO_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("jixiao")))
        .or_else(|| std::env::var_os("HOME").map(|d| PathBuf::from(d).join(".cache/jixiao")))
        .unwrap_or_else(|| std::env::temp_dir().join("jixiao"));
    cache.join(format!(
        "shipped-{}-{:016x}",
        env!("CARGO_PKG_VERSION"),
        embedded::CONTENT_HASH
    ))
}

/// The embedded files a scheme's unpacked copy holds: the schemes and their datasets.
fn unpacked_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    embedded::FILES
        .iter()
        .copied()
        .filter(|(path, _)| path.starts_with("scoring/") || path.starts_with("datasets/"))
}

/// Writes `bytes` to `path` unless it already holds them; creates its folder.
fn restore(path: &Path, bytes: &[u8]) -> Result<(), UnpackError> {
    if std::fs::read(path).is_ok_and(|held| held == bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(at(parent))?;
    }
    std::fs::write(path, bytes).map_err(at(path))
}

/// Unpacks the shipped schemes (or checks and restores an earlier copy) and returns the folder of
/// the shipped scheme `name`.
pub fn scheme_dir(name: &str) -> Result<PathBuf, UnpackError> {
    let root = unpacked_root();
    if !root.is_dir() {
        let parent = root.parent().expect("the root has a parent");
        std::fs::create_dir_all(parent).map_err(at(parent))?;
        let staging = parent.join(format!(
            ".{}.{}.tmp",
            root.file_name().unwrap().to_string_lossy(),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&staging);
        for (path, bytes) in unpacked_files() {
            restore(&staging.join(path), bytes)?;
        }
        if let Err(source) = std::fs::rename(&staging, &root) {
            let _ = std::fs::remove_dir_all(&staging);
            // Another run unpacked it first; its copy is checked below like any other.
            if !root.is_dir() {
                return Err(UnpackError { path: root, source });
            }
        }
    }
    for (path, bytes) in unpacked_files() {
        restore(&root.join(path), bytes)?;
    }
    Ok(root.join("scoring").join(name))
}

/// If `dir` is the unpacked copy of a shipped scheme, that scheme's name.
pub fn name_of(dir: &Path) -> Option<&'static str> {
    let scoring = unpacked_root().join("scoring");
    let name = dir.strip_prefix(&scoring).ok()?.to_str()?;
    SCHEMES.iter().copied().find(|s| *s == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_scheme_is_embedded_with_its_dataset() {
        for name in SCHEMES {
            let scheme: Vec<(&str, &[u8])> = files_under(&format!("scoring/{name}")).collect();
            let paths: Vec<&str> = scheme.iter().map(|(p, _)| *p).collect();
            assert!(
                paths.iter().any(|p| p.ends_with(".rhai")),
                "{name}: {paths:?}"
            );
            let yaml = scheme
                .iter()
                .find(|(p, _)| *p == "scheme.yaml")
                .map(|(_, bytes)| std::str::from_utf8(bytes).unwrap())
                .unwrap_or_else(|| panic!("{name}: {paths:?}"));
            // Every file its `dataset:` names is embedded under its dataset folder.
            let dataset = dataset_of(name);
            let data: Vec<&str> = files_under(&format!("datasets/{dataset}"))
                .map(|(p, _)| p)
                .collect();
            let prefix = format!("../../datasets/{dataset}/");
            let named: Vec<&str> = yaml
                .lines()
                .filter_map(|line| line.split_once(prefix.as_str()))
                .map(|(_, file)| file.trim())
                .collect();
            assert!(!named.is_empty(), "{name} names no file of {prefix}");
            for file in named {
                assert!(data.contains(&file), "{name}: {file} not in {data:?}");
            }
        }
        for name in TEMPLATES {
            let files: Vec<&str> = files_under(&format!("templates/{name}"))
                .map(|(p, _)| p)
                .collect();
            assert!(files.contains(&"scheme.yaml"), "{name}: {files:?}");
        }
    }

    #[test]
    fn embedded_bytes_are_the_repository_files() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (path, bytes) = files_under("scoring/tertiary-2020")
            .find(|(p, _)| *p == "scheme.yaml")
            .unwrap();
        assert_eq!(path, "scheme.yaml");
        assert_eq!(
            bytes,
            std::fs::read(root.join("scoring/tertiary-2020/scheme.yaml")).unwrap()
        );
        // A prefix must end at a folder boundary.
        assert_eq!(files_under("scoring/tertiary").count(), 0);
    }
}
