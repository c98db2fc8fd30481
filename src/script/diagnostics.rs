//! Turns rhai errors into diagnostics that name file:line:column, show the line and say how to fix it.
//!
//! rhai wraps errors raised inside script functions (`ErrorInFunctionCall`) and imported modules
//! (`ErrorInModule`); the root cause's position is in the innermost file. This module walks down
//! to it, looks up that file's text, and adds hints for the mistakes evaluators make most: `if` or
//! `&&` on a formula, a misspelt function, a variable used before `let`, an endless loop.

use std::path::Path;

use rhai::{EvalAltResult, ParseError, ParseErrorType, Position};

use super::reference::DOCS;
use super::sandbox::{SourceTexts, MAX_OPERATIONS};
use crate::error::{closest, Error, SourceSpan};

/// A span at `pos` in `source`, its length running to the end of the token or call there.
pub fn span_at(
    texts: &SourceTexts,
    source: &str,
    line: usize,
    column: usize,
) -> Option<SourceSpan> {
    if line == 0 {
        return None;
    }
    let texts = texts.lock().unwrap();
    let text = texts.get(source)?;
    let line_text = text.lines().nth(line - 1).unwrap_or("");
    let rest: String = line_text.chars().skip(column.saturating_sub(1)).collect();
    Some(SourceSpan::in_text(
        Path::new(source),
        text,
        line,
        column,
        token_length(&rest),
    ))
}

/// Length of the token at the start of `rest`: a whole call `name(...)` if it is one, else a word,
/// else one character.
fn token_length(rest: &str) -> usize {
    if let Some(string) = rest.strip_prefix('"') {
        if let Some(end) = string.find('"') {
            return string[..end].chars().count() + 2;
        }
    }
    let word = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .count();
    let after: Vec<char> = rest.chars().skip(word).collect();
    if word > 0 && after.first() == Some(&'(') {
        let mut depth = 0usize;
        let mut in_string = false;
        for (index, c) in after.iter().enumerate() {
            match c {
                '"' => in_string = !in_string,
                '(' if !in_string => depth += 1,
                ')' if !in_string => {
                    depth -= 1;
                    if depth == 0 {
                        return word + index + 1;
                    }
                }
                _ => {}
            }
        }
    }
    word.max(1)
}

fn span_from(texts: &SourceTexts, source: &str, pos: Position) -> Option<SourceSpan> {
    span_at(texts, source, pos.line()?, pos.position().unwrap_or(1))
}

/// A diagnostic for a compile error in `source`.
pub fn parse_error(texts: &SourceTexts, source: &str, error: &ParseError) -> Error {
    let help = match error.err_type() {
        ParseErrorType::VariableUndefined(name) => Some(format!(
            "declare `{name}` with `let {name} = …;` before using it; to read a data column write col(\"{name}\")"
        )),
        ParseErrorType::Reserved(word) if word == "eval" => {
            Some("eval is disabled in scheme scripts".to_string())
        }
        _ => None,
    };
    Error::Script {
        message: format!("cannot compile script: {}", error.err_type()),
        span: span_from(texts, source, error.position()),
        help,
    }
}

/// A diagnostic for an error raised while running a script whose top-level source is `source`.
pub fn runtime_error(texts: &SourceTexts, source: &str, error: &EvalAltResult) -> Error {
    let (root, root_source, context) = innermost(error, source.to_string(), Vec::new());
    if let EvalAltResult::ErrorParsing(kind, pos) = root {
        return parse_error(
            texts,
            &root_source,
            &ParseError(Box::new(kind.clone()), *pos),
        );
    }
    // A type mistake carries its own message and help.
    if let EvalAltResult::ErrorRuntime(value, pos) = root {
        if let Some(mismatch) = value.clone().try_cast::<super::types::TypeMismatch>() {
            let message = if context.is_empty() {
                mismatch.message
            } else {
                format!("{} (in {})", mismatch.message, context.join(", in "))
            };
            return Error::Script {
                message,
                span: span_from(texts, &root_source, *pos),
                help: Some(mismatch.help),
            };
        }
    }
    // Display appends " (line L, position C)"; the span shows the place better.
    let message = root.to_string();
    let mut message = message;
    if let Some(cut) = message.rfind(" (line ") {
        message.truncate(cut);
    }
    // Users know the type as Formula, not by its Rust path.
    let message = message.replace(std::any::type_name::<super::Formula>(), "Formula");
    let message = message
        .strip_prefix("Runtime error: ")
        .map(str::to_string)
        .unwrap_or(message);
    let message = if context.is_empty() {
        message
    } else {
        format!("{message} (in {})", context.join(", in "))
    };
    Error::Script {
        message,
        span: span_from(texts, &root_source, root.position()),
        help: hint(root),
    }
}

/// Walks into function-call and module wrappers; returns the root error, the file its position is
/// in, and the chain of functions/modules it was raised in.
fn innermost(
    error: &EvalAltResult,
    source: String,
    mut context: Vec<String>,
) -> (&EvalAltResult, String, Vec<String>) {
    match error {
        EvalAltResult::ErrorInFunctionCall(name, fn_source, inner, _) => {
            context.push(format!("function {name}"));
            let next = if fn_source.is_empty() {
                source
            } else {
                fn_source.clone()
            };
            innermost(inner, next, context)
        }
        EvalAltResult::ErrorInModule(path, inner, _) => {
            context.push(format!("module {path}"));
            innermost(inner, path.clone(), context)
        }
        other => (other, source, context),
    }
}

fn hint(error: &EvalAltResult) -> Option<String> {
    match error {
        EvalAltResult::ErrorMismatchDataType(expected, actual, _)
            if actual.contains("Formula") && expected.contains("bool") || expected.contains("Formula") && actual.contains("bool") =>
        {
            Some("a formula stands for a whole column, so `if`, `&&` and `||` cannot test it: use if_else(condition, a, b), and & | ! to combine conditions".into())
        }
        EvalAltResult::ErrorFunctionNotFound(signature, _) => {
            let name = signature.split([' ', '(']).next().unwrap_or_default();
            match closest(name, DOCS.iter().map(|d| d.name)) {
                Some(best) if best != name => Some(format!("did you mean {best}(…)?")),
                _ => Some(format!(
                    "check the number and kind of arguments; formula functions are: {}",
                    DOCS.iter().map(|d| d.name).collect::<Vec<_>>().join(", ")
                )),
            }
        }
        EvalAltResult::ErrorTooManyOperations(_) => Some(format!(
            "the script ran more than {MAX_OPERATIONS} operations (an endless loop?); scripts only build formulas and finish at once"
        )),
        EvalAltResult::ErrorStackOverflow(_) => {
            Some("function calls nest too deeply (endless recursion?)".into())
        }
        EvalAltResult::ErrorVariableNotFound(name, _) => Some(format!(
            "declare `{name}` with let before using it; to read a data column write col(\"{name}\")"
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_length_covers_a_whole_call() {
        assert_eq!(token_length("col(\"出院(人数)\") + 1"), 13);
        assert_eq!(token_length("ratio(col(\"a\"), col(\"b\")) * 100"), 25);
        assert_eq!(token_length("foo + 1"), 3);
        assert_eq!(token_length("+ 1"), 1);
        assert_eq!(token_length("\"../公共\" as c;"), 7);
    }
}
