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
        let bytes = std::fs::read(&yaml_path).map_err(|source| Error::Io {
            path: yaml_path.clone(),
            source,
        })?;
        let yaml_text = utf8_text(&yaml_path, bytes)?;
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

/// scheme.yaml as UTF-8 text: a byte-order mark (Notepad's "UTF-8 with BOM") is dropped; any
/// other encoding is refused, naming the encoding detected and the first line that is not UTF-8,
/// rather than guessed (the scripts and error positions are read as UTF-8).
fn utf8_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(error) => {
            let bytes = error.as_bytes();
            let valid = error.utf8_error().valid_up_to();
            let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
            let (decoded, _, _) = encoding.decode(bytes);
            // The column of the first byte that is not UTF-8, counted in the detected encoding.
            let prefix = &bytes[..valid];
            let start = prefix
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = encoding.decode(&prefix[start..]).0.chars().count() + 1;
            Err(Error::SchemeSyntax {
                file: path.to_path_buf(),
                message: format!(
                    "scheme.yaml is not UTF-8 (it looks like {})",
                    encoding.name()
                ),
                span: Some(SourceSpan::in_text(path, &decoded, line, column, 1)),
                help: Some(format!(
                    "save scheme.yaml as UTF-8 (in Notepad: Save as, Encoding UTF-8; or `iconv -f {} -t UTF-8`)",
                    encoding.name()
                )),
            })
        }
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
    // serde names Rust types; a person reads "a number".
    for (rust, words) in [
        ("expected f64", "expected a number"),
        ("expected u32", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected i64", "expected a whole number"),
    ] {
        message = message.replace(rust, words);
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
