//! Limits on `scheme.yaml` checked on its raw text before it is deserialised, so that an untrusted
//! scheme cannot make the YAML parser spend memory or time out of proportion to its size.
//!
//! Policies:
//! - **Size**: at most [`MAX_SCHEME_BYTES`] (the shipped schemes are under 30 KB).
//! - **Aliases** (`*name`): each may expand to a copy of its anchored node, at most the whole
//!   file, so the number of aliases times the file's size is capped at [`MAX_ALIAS_EXPANSION`]
//!   bytes — a flat "billion laughs" that repeats one row through thousands of aliases is refused
//!   at the alias past the cap, naming its line, before anything is expanded.
//! - **Depth**: at most [`MAX_DEPTH`] open flow brackets (`[`, `{`) and at most [`MAX_DEPTH`]
//!   columns of block indentation (leading spaces and `- ` markers) on a line.
//!
//! The scan is lexical: quoted scalars and comments are skipped, an alias is a `*` that starts a
//! token.

use std::path::Path;

use crate::error::{Error, Result, SourceSpan};

/// Largest scheme.yaml read, in bytes.
pub const MAX_SCHEME_BYTES: usize = 1_000_000;
/// Cap on aliases × file size, in bytes: what aliases could expand the file to.
pub const MAX_ALIAS_EXPANSION: usize = 32_000_000;
/// Deepest nesting: open flow brackets, or columns of block indentation.
pub const MAX_DEPTH: usize = 128;

/// Checks `text` (read from `path`) against the limits of the module documentation.
pub fn check_yaml_limits(path: &Path, text: &str) -> Result<()> {
    let refuse = |message: String, line: usize, column: usize| {
        Error::invalid(
            message,
            Some(SourceSpan::in_text(path, text, line, column, 1)),
        )
    };
    if text.len() > MAX_SCHEME_BYTES {
        return Err(Error::invalid(
            format!(
                "scheme.yaml is {} bytes, more than the {MAX_SCHEME_BYTES} a scheme may hold",
                text.len()
            ),
            None,
        ));
    }
    let max_aliases = MAX_ALIAS_EXPANSION / text.len().max(1);
    let mut aliases = 0usize;
    let mut flow_depth = 0usize;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let indent = line
            .char_indices()
            .find(|&(at, c)| !(c == ' ' || (c == '-' && line[at + 1..].starts_with(' '))))
            .map_or(line.len(), |(at, _)| at);
        if indent > MAX_DEPTH {
            return Err(refuse(
                format!("scheme.yaml nests deeper than {MAX_DEPTH} levels"),
                number,
                indent.min(line.len()).max(1),
            ));
        }
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        for (column, c) in line.chars().enumerate() {
            match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '#' if previous.is_whitespace() => break,
                    '"' | '\'' if previous.is_whitespace() || "[{,:".contains(previous) => {
                        quote = Some(c)
                    }
                    '[' | '{' => {
                        flow_depth += 1;
                        if flow_depth > MAX_DEPTH {
                            return Err(refuse(
                                format!("scheme.yaml nests deeper than {MAX_DEPTH} levels"),
                                number,
                                column + 1,
                            ));
                        }
                    }
                    ']' | '}' => flow_depth = flow_depth.saturating_sub(1),
                    '*' if previous.is_whitespace() || "[{,".contains(previous) => {
                        aliases += 1;
                        if aliases > max_aliases {
                            return Err(refuse(
                                format!(
                                    "scheme.yaml uses more than {max_aliases} aliases (*name): expanded, they could make it {MAX_ALIAS_EXPANSION} bytes or more"
                                ),
                                number,
                                column + 1,
                            ));
                        }
                    }
                    _ => {}
                },
            }
            previous = c;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_yaml_passes_and_aliases_are_counted_outside_quotes() {
        let path = Path::new("scheme.yaml");
        let text = "a: &row {x: 1}\nb: [*row, *row]\nc: \"*not an alias\"\nd: 2 * 3 # *comment\n";
        check_yaml_limits(path, text).unwrap();
        let many = format!("a: &r {{x: 1}}\nb: [{}]\n", vec!["*r"; 200_000].join(", "));
        let error = check_yaml_limits(path, &many).unwrap_err().to_string();
        assert!(error.contains("aliases"), "{error}");
        let deep = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
        let error = check_yaml_limits(path, &deep).unwrap_err().to_string();
        assert!(error.contains("nests deeper than 128"), "{error}");
        let dashes = format!("a:\n{}x\n", "- ".repeat(100));
        let error = check_yaml_limits(path, &dashes).unwrap_err().to_string();
        assert!(error.contains("nests deeper than 128"), "{error}");
    }
}
