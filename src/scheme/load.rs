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
    let mut span = error
        .location()
        .map(|loc| SourceSpan::in_text(path, text, loc.line(), loc.column(), 1));
    // "indicators[23].target: …" names the indicator by its id, and points at the field's value
    // (serde_yaml points at the start of the list item for some fields).
    if let Some((field_path, rest)) = split_field_path(&message) {
        let at_line = span.as_ref().map(|s| s.line);
        let (mut named, key, anchor_line) = name_path(text, &field_path, at_line);
        let from = at_line.unwrap_or(anchor_line);
        match key {
            Some(k) => {
                if let Some(found) = value_span(path, text, from, &k) {
                    span = Some(found);
                }
            }
            // The path stops at a list item when the field is read as a whole (a scoring
            // method): find the value the message quotes inside the item, and name its key.
            None => {
                if let Some((found, key)) = quoted_value_span(path, text, from, &rest) {
                    named = format!("{key} of {named}");
                    span = Some(found);
                }
            }
        }
        message = format!("{named}: {rest}");
    }
    // The scheme read as plain YAML: where that fails is where the text itself is wrong, which
    // may be below where the typed reading stopped ("missing field" at the start of an item
    // whose next line is mis-indented).
    let syntax_line = serde_yaml::from_str::<serde_yaml::Value>(text)
        .err()
        .and_then(|e| e.location())
        .map(|loc| loc.line());
    let help = unknown_field_hint(&message).or_else(|| {
        let line = syntax_line.or(span.as_ref().map(|s| s.line))?;
        let (at, hint) = indentation_hint(text, line)?;
        span = Some(SourceSpan::in_text(
            path,
            text,
            at,
            indent_of(text.lines().nth(at - 1).unwrap_or("")) + 1,
            1,
        ));
        Some(hint)
    });
    Error::SchemeSyntax {
        file: path.to_path_buf(),
        help,
        message,
        span,
    }
}

/// serde_yaml's "a.b[3].c: message" as (`a.b[3].c`, `message`); `None` without a path.
fn split_field_path(message: &str) -> Option<(String, String)> {
    let (head, rest) = message.split_once(": ")?;
    let is_path = !head.is_empty()
        && head
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-'))
        && head
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_');
    is_path.then(|| (head.to_string(), rest.to_string()))
}

/// One step of a serde_yaml field path: a key, or an index into a list.
enum Step {
    Key(String),
    Index(usize),
}

fn steps(path: &str) -> Vec<Step> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            out.push(Step::Key(key.to_string()));
        }
        for index in pieces {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                out.push(Step::Index(i));
            }
        }
    }
    out
}

/// The path with list items named by their `id` (or `name`) where the YAML gives one —
/// `indicators[23].target` → "indicator T24, target" — the last key, and the line (1-based)
/// of the last item named, where its field is searched for.
fn name_path(text: &str, path: &str, at_line: Option<usize>) -> (String, Option<String>, usize) {
    let value: Option<serde_yaml::Value> = serde_yaml::from_str(text).ok();
    // When the text is not valid YAML further down, the item's id is read off the line the
    // error points at (`- id: T4`), or the nearest such line above it.
    let id_on_line = at_line.and_then(|l| {
        let lines: Vec<&str> = text.lines().take(l).collect();
        lines.iter().rev().find_map(|line| {
            let rest = line.trim_start().strip_prefix("- ")?;
            let rest = rest.trim_start_matches('{').trim_start();
            let value = rest.strip_prefix("id:")?.trim();
            let value = value.split([',', '}', '#']).next()?.trim();
            let value = value.trim_matches(['"', '\'']);
            (!value.is_empty()).then(|| value.to_string())
        })
    });
    let mut node = value.as_ref();
    let mut words: Vec<String> = Vec::new();
    let mut list_key: Option<String> = None;
    let mut last_key = None;
    let mut anchor_line = 1;
    for step in steps(path) {
        match step {
            Step::Key(key) => {
                node = node.and_then(|n| n.get(key.as_str()));
                last_key = Some(key.clone());
                list_key = Some(key.clone());
                words.push(key);
            }
            Step::Index(i) => {
                node = node.and_then(|n| n.get(i));
                let label = match &value {
                    Some(_) => node.and_then(|n| {
                        ["id", "name"].iter().find_map(|field| {
                            let v = n.get(*field)?;
                            v.as_str()
                                .map(str::to_string)
                                .or_else(|| v.as_i64().map(|x| x.to_string()))
                        })
                    }),
                    None => id_on_line.clone(),
                };
                let list = list_key.take();
                if list.is_some() {
                    words.pop();
                }
                let what = list.as_deref().map_or("item", singular);
                match label {
                    Some(label) => {
                        if let Some(line) = item_line(text, &label) {
                            anchor_line = line;
                        }
                        words.push(format!("{what} {label}"));
                    }
                    None => words.push(format!("{what} {}", i + 1)),
                }
                last_key = None;
            }
        }
    }
    // "target of indicator T24", "weight of sub-dimension 效率 in dimension 运营".
    let named = match (&last_key, words.len()) {
        (Some(_), 2..) => {
            let key = words.pop().unwrap_or_default();
            words.reverse();
            format!("{key} of {}", words.join(" in "))
        }
        _ => {
            words.reverse();
            words.join(" in ")
        }
    };
    (named, last_key, anchor_line)
}

/// The scheme's list names in the singular, as the messages name one item.
fn singular(list: &str) -> &str {
    match list {
        "indicators" => "indicator",
        "dimensions" => "dimension",
        "subdimensions" => "sub-dimension",
        "parts" => "part",
        "vetoes" => "veto",
        "bonus" => "bonus rule",
        "deduction" => "deduction rule",
        "bands" => "band",
        "items" => "item",
        "grade_adjustments" => "grade adjustment",
        other => other,
    }
}

/// The line (1-based) of `id: label` or `name: label` as a whole value (so `T2` does not match
/// `T24`).
fn item_line(text: &str, label: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            ["id:", "name:"].iter().any(|field| {
                let mut rest = line;
                while let Some(at) = rest.find(field) {
                    let value = rest[at + field.len()..].trim_start();
                    let value = value.trim_start_matches(['"', '\'']);
                    if let Some(after) = value.strip_prefix(label) {
                        let end = after.trim_start_matches(['"', '\'']);
                        if end.is_empty() || end.starts_with([',', '}', ' ', '#']) {
                            return true;
                        }
                    }
                    rest = &rest[at + field.len()..];
                }
                false
            })
        })
        .map(|i| i + 1)
}

/// Points at the value of `key:` on line `from` (1-based) or the first line after it that holds
/// that key, in block (`key: value`) or flow (`{key: value, …}`) style.
fn value_span(path: &Path, text: &str, from: usize, key: &str) -> Option<SourceSpan> {
    let field = format!("{key}:");
    for (index, line) in text.lines().enumerate().skip(from.saturating_sub(1)) {
        let mut search = 0;
        while let Some(found) = line[search..].find(&field) {
            let at = search + found;
            let before = line[..at].chars().last();
            if before.is_none_or(|c| matches!(c, ' ' | '{' | ',' | '-')) {
                let after = &line[at + field.len()..];
                let start = at + field.len() + (after.len() - after.trim_start().len());
                let value = value_text(&line[start..]);
                let column = line[..start].chars().count() + 1;
                return Some(SourceSpan::in_text(
                    path,
                    text,
                    index + 1,
                    column,
                    value.chars().count(),
                ));
            }
            search = at + field.len();
        }
    }
    None
}

/// For a message quoting the value at fault (`invalid type: string "5级", …`, or `` `5` ``),
/// that value's first occurrence as a value on line `from` or below, and the key it belongs to.
fn quoted_value_span(
    path: &Path,
    text: &str,
    from: usize,
    message: &str,
) -> Option<(SourceSpan, String)> {
    let quoted = message
        .split_once('"')
        .and_then(|(_, rest)| rest.split_once('"'))
        .or_else(|| {
            message
                .split_once('`')
                .and_then(|(_, rest)| rest.split_once('`'))
        })?
        .0;
    if quoted.is_empty() {
        return None;
    }
    for (index, line) in text.lines().enumerate().skip(from.saturating_sub(1)) {
        let Some(byte) = line.find(quoted) else {
            continue;
        };
        // The key is the last `key:` before the value on its line.
        let before = line[..byte]
            .trim_end()
            .trim_end_matches(['"', '\''])
            .trim_end();
        let Some(head) = before.strip_suffix(':') else {
            continue;
        };
        let key = head
            .rsplit([' ', '{', ',', '-'])
            .next()
            .unwrap_or(head)
            .to_string();
        let start = line[..byte].trim_end_matches(['"', '\'']).len();
        let value = value_text(&line[start..]);
        let column = line[..start].chars().count() + 1;
        let span = SourceSpan::in_text(path, text, index + 1, column, value.chars().count());
        return Some((span, key));
    }
    None
}

/// The text of a YAML value at the start of `rest`: up to a comment, or in flow style to the next
/// `,` or `}` outside quotes.
fn value_text(rest: &str) -> &str {
    let mut quote = None;
    let mut end = rest.len();
    let mut previous = ' ';
    for (i, c) in rest.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == ',' || c == '}' || (c == '#' && previous == ' ') => {
                end = i;
                break;
            }
            None => {}
        }
        previous = c;
    }
    rest[..end].trim_end()
}

/// Spaces before a line's first character.
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A hint for an indentation mistake within a line of `line` (1-based), where YAML's own message
/// ("mapping values are not allowed", or a value swallowing the next key) does not say it: a
/// line indented deeper than a `key: value` line above it (read as part of that value), a line
/// between the levels of the lines above, or a tab. The line at fault, and the hint.
fn indentation_hint(text: &str, line: usize) -> Option<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    // Indentation of each block's content, outermost first; "- " opens one more level.
    let mut levels: Vec<usize> = vec![0];
    let mut above: Option<(usize, &str)> = None;
    let mut found: Vec<(usize, String)> = Vec::new();
    for (index, raw) in lines.iter().enumerate() {
        let number = index + 1;
        if number > line + 1 {
            break;
        }
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if raw.trim_start_matches(' ').starts_with('\t') {
            found.push((
                number,
                format!("line {number} is indented with a tab; YAML indents with spaces only"),
            ));
            continue;
        }
        let indent = indent_of(raw);
        let content = raw[indent..].trim_start_matches("- ");
        let content_indent = raw.len() - content.len();
        if let Some((above_number, above_text)) = above {
            let above_indent = levels.last().copied().unwrap_or(0);
            let above_content = above_text.trim();
            let holds_value = above_content
                .split_once(": ")
                .is_some_and(|(_, v)| !v.trim().is_empty() && !v.trim().starts_with(['|', '>']));
            // Lines inside a flow mapping or list (`{…` over several lines) may indent freely.
            let in_flow = above_content.contains(['{', '[']);
            if indent > above_indent && holds_value && !in_flow && !raw[indent..].starts_with("- ")
            {
                let key = content.split(':').next().unwrap_or(content).trim();
                found.push((
                    number,
                    format!(
                        "line {number} is indented deeper than line {above_number} (`{above_content}`), so YAML reads it as part of that value; indent `{key}` like the keys around it"
                    ),
                ));
            } else if indent < above_indent && !levels.contains(&indent) {
                let shallower = levels
                    .iter()
                    .rev()
                    .find(|l| **l < indent)
                    .copied()
                    .unwrap_or(0);
                let deeper = levels
                    .iter()
                    .rev()
                    .find(|l| **l > indent)
                    .copied()
                    .unwrap_or(0);
                found.push((
                    number,
                    format!(
                        "line {number} is indented {indent} spaces, between the levels of the lines above ({shallower} and {deeper}); line it up with the keys of its block"
                    ),
                ));
            }
        }
        while levels.last().is_some_and(|l| *l > indent) {
            levels.pop();
        }
        if levels.last() != Some(&indent) {
            levels.push(indent);
        }
        if content_indent != indent {
            levels.push(content_indent);
        }
        above = Some((number, raw));
    }
    // The first mistake near the error: a later line may look wrong only because of it.
    found.into_iter().find(|(at, _)| at + 2 >= line)
}

/// For serde's "unknown field `x`, expected one of `a`, `b`": the closest expected field.
fn unknown_field_hint(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    crate::error::closest(field, expected.iter().copied())
        .map(|best| format!("did you mean `{best}`?"))
}
