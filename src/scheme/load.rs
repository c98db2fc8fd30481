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
        if let Ok(metadata) = std::fs::metadata(&yaml_path) {
            if metadata.len() > super::guard::MAX_SCHEME_BYTES as u64 {
                return Err(Error::invalid(
                    format!(
                        "{} is {} bytes, more than the {} a scheme may hold",
                        yaml_path.display(),
                        metadata.len(),
                        super::guard::MAX_SCHEME_BYTES
                    ),
                    None,
                ));
            }
        }
        let yaml_text = std::fs::read_to_string(&yaml_path).map_err(|source| Error::Io {
            path: yaml_path.clone(),
            source,
        })?;
        Self::from_text(dir, &yaml_path, yaml_text)
    }

    /// Parses and checks scheme text as if read from `yaml_path`.
    pub fn from_text(dir: &Path, yaml_path: &Path, yaml_text: String) -> Result<Scheme> {
        super::guard::check_yaml_limits(yaml_path, &yaml_text)?;
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
