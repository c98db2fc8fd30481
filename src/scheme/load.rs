//! Loading a scheme: reading `scheme.yaml` strictly, mapping YAML errors to file and line (with
//! a hint for a misspelt key), and pointing at text in the file for later errors.

use std::path::Path;

use super::{Scheme, SchemeSpec};
use crate::error::{Error, Result, SourceSpan};

impl Scheme {
    /// Reads and checks `DIR/scheme.yaml`.
    pub fn load(dir: &Path) -> Result<Scheme> {
        let yaml_path = dir.join("scheme.yaml");
        if !yaml_path.is_file() {
            return Err(Error::SchemeNotFound {
                path: dir.to_path_buf(),
            });
        }
        let yaml_text = std::fs::read_to_string(&yaml_path).map_err(|source| Error::Io {
            path: yaml_path.clone(),
            source,
        })?;
        Self::from_text(dir, &yaml_path, yaml_text)
    }

    /// Parses and checks scheme text as if read from `yaml_path`.
    pub fn from_text(dir: &Path, yaml_path: &Path, yaml_text: String) -> Result<Scheme> {
        let mut spec: SchemeSpec = serde_yaml::from_str(&yaml_text)
            .map_err(|error| yaml_error(yaml_path, &yaml_text, &error))?;
        for indicator in &mut spec.indicators {
            indicator.children = indicator
                .parts
                .iter()
                .map(|p| p.resolve(indicator))
                .collect();
        }
        let mut scheme = Scheme {
            dir: dir.to_path_buf(),
            yaml_path: yaml_path.to_path_buf(),
            yaml_text,
            spec,
            warnings: Vec::new(),
        };
        scheme.validate()?;
        Ok(scheme)
    }

    /// The file `dataset:` names (`path`, as written there), resolved against the scheme folder;
    /// refused at its line in scheme.yaml when it does not exist.
    pub fn dataset_file(&self, path: &str) -> Result<std::path::PathBuf> {
        let file = self.dir.join(path);
        if file.exists() {
            return Ok(file);
        }
        Err(Error::invalid(
            format!(
                "the dataset named in scheme.yaml does not exist: {}",
                file.display()
            ),
            self.span(path, Some("dataset:")),
        )
        .with_help(format!(
            "paths under dataset: are relative to the scheme folder {}; to score other data, pass --data FILE (and --prev FILE)",
            self.dir.display()
        )))
    }

    /// Points at `needle` in scheme.yaml, searching after the line holding `anchor`.
    pub fn span(&self, needle: &str, anchor: Option<&str>) -> Option<SourceSpan> {
        SourceSpan::find_after(&self.yaml_path, &self.yaml_text, needle, anchor)
            .or_else(|| SourceSpan::find(&self.yaml_path, &self.yaml_text, needle))
    }
}

fn yaml_error(path: &Path, text: &str, error: &serde_yaml::Error) -> Error {
    let span = error
        .location()
        .map(|loc| SourceSpan::in_text(path, text, loc.line(), loc.column(), 1));
    // serde_yaml appends " at line L column C"; the span says it better.
    let mut message = error.to_string();
    if let Some(cut) = message.find(" at line ") {
        message.truncate(cut);
    }
    Error::SchemeSyntax {
        file: path.to_path_buf(),
        help: unknown_field_hint(&message),
        message,
        span,
    }
}

/// For serde's "unknown field `x`, expected one of `a`, `b`": the closest expected field.
fn unknown_field_hint(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    crate::error::closest(field, expected.iter().copied())
        .map(|best| format!("did you mean `{best}`?"))
}
