//! Errors of the whole library, named after the user's mistake, each saying *where* it happened.
//!
//! Every error renders as a diagnostic in the style of compilers: a headline, the file:line:column it
//! points at, the offending source line with a caret under the span, and a `help:` line naming the
//! fix when one is known. [`Error::exit_code`] maps the kind of error to the CLI's exit codes: 1 for
//! bad user input (scheme, data, flags), 2 for a bug in jixiao itself.

use std::fmt;
use std::path::{Path, PathBuf};

use unicode_width::UnicodeWidthStr;

/// A place in a text file (scheme YAML or rhai script), 1-based line and column (in characters).
/// Boxed, so that errors stay small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpan(Box<SpanData>);

/// The fields of a [`SourceSpan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanData {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// Length of the offending text in characters (at least 1).
    pub length: usize,
    /// The full text of the offending line, without its line ending.
    pub source_line: String,
}

impl std::ops::Deref for SourceSpan {
    type Target = SpanData;
    fn deref(&self) -> &SpanData {
        &self.0
    }
}

/// Longest source line shown whole under a message, in characters; a longer one is shown as
/// [`SHOWN_CONTEXT`] characters either side of the span.
const MAX_SHOWN_LINE: usize = 160;
const SHOWN_CONTEXT: usize = 60;

impl SourceSpan {
    /// Builds a span by reading `line` out of `text`. Columns are 1-based character offsets.
    pub fn in_text(file: &Path, text: &str, line: usize, column: usize, length: usize) -> Self {
        let source_line = text
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .to_string();
        SourceSpan(Box::new(SpanData {
            file: file.to_path_buf(),
            line,
            column: column.max(1),
            length: length.max(1),
            source_line,
        }))
    }

    /// Finds the first occurrence of `needle` in `text` and points at it; `None` when absent.
    pub fn find(file: &Path, text: &str, needle: &str) -> Option<Self> {
        Self::find_after(file, text, needle, None)
    }

    /// Like [`SourceSpan::find`], but only matches after the first line containing `anchor`
    /// (used to find e.g. `weight:` within the block of one indicator).
    pub fn find_after(file: &Path, text: &str, needle: &str, anchor: Option<&str>) -> Option<Self> {
        let mut started = anchor.is_none();
        for (index, line_text) in text.lines().enumerate() {
            if !started {
                if line_text.contains(anchor.unwrap_or_default()) {
                    started = true;
                } else {
                    continue;
                }
            }
            if let Some(byte) = line_text.find(needle) {
                let column = line_text[..byte].chars().count() + 1;
                return Some(Self::in_text(
                    file,
                    text,
                    index + 1,
                    column,
                    needle.chars().count(),
                ));
            }
        }
        None
    }

    fn render(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        writeln!(
            f,
            "{pad}--> {}:{}:{}",
            self.file.display(),
            self.line,
            self.column
        )?;
        writeln!(f, "{pad} |")?;
        // A long line (a minified file, a wrong line ending) is shown around the span only.
        let chars = self.source_line.chars().count();
        let (first, shown, lead, tail) = if chars > MAX_SHOWN_LINE {
            let first = (self.column - 1).saturating_sub(SHOWN_CONTEXT);
            let shown = (self.column - 1 - first.min(self.column - 1))
                + self.length.min(SHOWN_CONTEXT)
                + SHOWN_CONTEXT;
            let lead = if first > 0 { "…" } else { "" };
            let tail = if first + shown < chars { "…" } else { "" };
            (first, shown, lead, tail)
        } else {
            (0, chars, "", "")
        };
        let line: String = self.source_line.chars().skip(first).take(shown).collect();
        writeln!(f, "{number} | {lead}{line}{tail}")?;
        // Terminal width of the text before the span, so carets line up under CJK text too.
        let before: String = format!(
            "{lead}{}",
            line.chars()
                .take((self.column - 1).saturating_sub(first))
                .collect::<String>()
        );
        let marked: String = line
            .chars()
            .skip((self.column - 1).saturating_sub(first))
            .take(self.length)
            .collect();
        let carets = UnicodeWidthStr::width(marked.as_str()).max(1);
        writeln!(
            f,
            "{pad} | {}{}",
            " ".repeat(UnicodeWidthStr::width(before.as_str())),
            "^".repeat(carets)
        )
    }
}

/// What went wrong. Variants are named after the user's mistake.
#[derive(Debug)]
pub enum Error {
    /// The scheme folder or its `scheme.yaml` does not exist.
    SchemeNotFound { path: PathBuf },
    /// `scheme.yaml` is not valid YAML or does not match the scheme format.
    SchemeSyntax {
        file: PathBuf,
        message: String,
        span: Option<SourceSpan>,
        help: Option<String>,
    },
    /// `scheme.yaml` parsed but says something that cannot work (unknown dimension, bad weight…).
    SchemeInvalid {
        message: String,
        span: Option<SourceSpan>,
        help: Option<String>,
    },
    /// A rhai script failed to compile or to run.
    Script {
        message: String,
        span: Option<SourceSpan>,
        help: Option<String>,
    },
    /// A formula names a column the data does not have.
    ColumnNotFound {
        column: String,
        data_file: PathBuf,
        suggestion: Option<String>,
        span: Option<SourceSpan>,
        /// Where the name came from or what to do, shown after the suggestion.
        help: Option<String>,
    },
    /// The data file cannot be read or lacks what the scheme needs.
    Data {
        file: PathBuf,
        message: String,
        help: Option<String>,
    },
    /// The data has problems that stop the run (duplicate ids, an empty file…), each located by
    /// file, sheet, row and column; the report lists the warnings found too.
    InvalidData(crate::problem::DataReport),
    /// A command-line flag is wrong.
    Usage { message: String },
    /// A decision-matrix method cannot run on these inputs (inconsistent AHP judgements,
    /// values a method cannot take); `help` names the fix.
    Method {
        message: String,
        help: Option<String>,
    },
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Something jixiao should have prevented: a bug.
    Internal { message: String },
    /// Several independent problems, reported together.
    Many(Vec<Error>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Exit code of the CLI for this error: 1 bad user input, 2 bug.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Internal { .. } => 2,
            Error::Many(errors) => errors.iter().map(Error::exit_code).max().unwrap_or(1),
            _ => 1,
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal {
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>, span: Option<SourceSpan>) -> Self {
        Error::SchemeInvalid {
            message: message.into(),
            span,
            help: None,
        }
    }

    /// Adds (or replaces) the `help:` line of errors that carry one.
    pub fn with_help(mut self, text: impl Into<String>) -> Self {
        match &mut self {
            Error::SchemeInvalid { help, .. }
            | Error::Script { help, .. }
            | Error::SchemeSyntax { help, .. }
            | Error::Data { help, .. }
            | Error::Method { help, .. }
            | Error::ColumnNotFound { help, .. } => *help = Some(text.into()),
            _ => {}
        }
        self
    }
}

impl From<polars::error::PolarsError> for Error {
    fn from(error: polars::error::PolarsError) -> Self {
        Error::internal(format!("polars: {error}"))
    }
}

fn write_span_and_help(
    f: &mut fmt::Formatter<'_>,
    span: &Option<SourceSpan>,
    help: &Option<String>,
) -> fmt::Result {
    if let Some(span) = span {
        span.render(f)?;
    }
    if let Some(help) = help {
        writeln!(f, "  = help: {help}")?;
    }
    Ok(())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::SchemeNotFound { path } => {
                writeln!(f, "error: no scheme at {}", path.display())?;
                writeln!(
                    f,
                    "  = help: a scheme is a folder holding scheme.yaml and its .rhai scripts; pass it with --scheme DIR, \
                     or name a scheme built into jixiao: {} (`jixiao init DIR` writes a new one)",
                    crate::shipped::SCHEMES.join(", ")
                )
            }
            Error::SchemeSyntax {
                file,
                message,
                span,
                help,
            } => {
                writeln!(
                    f,
                    "error: {} is not a valid scheme: {message}",
                    file.display()
                )?;
                write_span_and_help(f, span, help)
            }
            Error::SchemeInvalid {
                message,
                span,
                help,
            }
            | Error::Script {
                message,
                span,
                help,
            } => {
                writeln!(f, "error: {message}")?;
                write_span_and_help(f, span, help)
            }
            Error::ColumnNotFound {
                column,
                data_file,
                suggestion,
                span,
                help,
            } => {
                writeln!(
                    f,
                    "error: column \"{column}\" not found in {}",
                    data_file.display()
                )?;
                let help = match (suggestion, help) {
                    (Some(s), Some(h)) => Some(format!("did you mean \"{s}\"? {h}")),
                    (Some(s), None) => Some(format!("did you mean \"{s}\"?")),
                    (None, h) => h.clone(),
                };
                write_span_and_help(f, span, &help)
            }
            Error::Data {
                file,
                message,
                help,
            } => {
                writeln!(f, "error: {}: {message}", file.display())?;
                write_span_and_help(f, &None, help)
            }
            Error::InvalidData(report) => write!(f, "{report}"),
            Error::Usage { message } => writeln!(f, "error: {message}"),
            Error::Method { message, help } => {
                writeln!(f, "error: {message}")?;
                write_span_and_help(f, &None, help)
            }
            Error::Many(errors) => {
                for (index, error) in errors.iter().enumerate() {
                    if index > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{error}")?;
                }
                writeln!(f, "\n{} problems found", errors.len())
            }
            Error::Io { path, source } => writeln!(f, "error: {}: {source}", path.display()),
            Error::Internal { message } => {
                writeln!(f, "error: internal error (a bug in jixiao): {message}")?;
                writeln!(
                    f,
                    "  = help: please report it with the scheme and data that triggered it"
                )
            }
        }
    }
}

impl std::error::Error for Error {}

/// The closest candidate to `name` by edit distance, if it is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::normalized_levenshtein(name, candidate);
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.filter(|(score, _)| *score >= 0.5)
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_sits_under_cjk_text() {
        let text = "let a = 1;\nlet T4 = col(\"出院人数x\");\n";
        let span = SourceSpan::find(Path::new("s.rhai"), text, "\"出院人数x\"").unwrap();
        assert_eq!((span.line, span.column, span.length), (2, 14, 7));
        let rendered = Error::Script {
            message: "boom".into(),
            span: Some(span),
            help: None,
        }
        .to_string();
        let lines: Vec<&str> = rendered.lines().collect();
        assert_eq!(lines[3], "2 | let T4 = col(\"出院人数x\");");
        // 13 columns of ASCII before the quote; the quoted text is 2 + 4×2 + 1 = 11 columns wide.
        assert_eq!(
            lines[4],
            format!("  | {}{}", " ".repeat(13), "^".repeat(11))
        );
    }

    #[test]
    fn closest_suggests_only_near_names() {
        let columns = ["出院人数", "门诊人次数", "医疗收入"];
        assert_eq!(
            closest("出院人次", columns.iter().copied()).as_deref(),
            Some("出院人数")
        );
        assert_eq!(closest("完全无关的名字啊", columns.iter().copied()), None);
    }

    #[test]
    fn exit_codes_separate_user_errors_from_bugs() {
        assert_eq!(
            Error::Usage {
                message: "x".into()
            }
            .exit_code(),
            1
        );
        assert_eq!(Error::internal("x").exit_code(), 2);
    }
}
