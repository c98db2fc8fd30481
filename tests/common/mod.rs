//! Helpers shared by the integration tests (each test file uses some of them).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use jixiao::scheme::{Direction, Scheme};
use polars::prelude::*;

/// A column as text in the order of the ids (`编码`), missing values as `None`.
pub fn texts_by_id(table: &DataFrame, name: &str) -> Vec<Option<String>> {
    table
        .sort(["编码"], SortMultipleOptions::default())
        .unwrap()
        .column(name)
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|g| g.map(str::to_string))
        .collect()
}

/// Expected cells written as words: `"A B - C"`, with `-` for a missing value.
pub fn words(text: &str) -> Vec<Option<String>> {
    text.split(' ')
        .map(|g| (g != "-").then(|| g.to_string()))
        .collect()
}

/// A column as floats (ranks and counts are cast), missing values as `None`.
pub fn floats(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
    frame
        .column(name)
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect()
}

/// One row of `../shared/reference/indicators-2020.csv`.
#[derive(Debug, Clone)]
pub struct CatalogueRow {
    pub id: String,
    pub scheme: String,
    pub name: String,
    pub dimension: String,
    /// As catalogued, with an uncertainty mark like "(?)" removed.
    pub subdimension: String,
    pub direction: String,
    pub national_monitoring: bool,
    pub unit: String,
}

/// The national catalogue of the 2020 manuals, by indicator id.
pub fn catalogue() -> BTreeMap<String, CatalogueRow> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/indicators-2020.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut rows = BTreeMap::new();
    for line in text.lines().skip(1) {
        let fields = split_csv_line(line);
        if fields.len() < 11 {
            continue;
        }
        let row = CatalogueRow {
            id: fields[0].clone(),
            scheme: fields[1].clone(),
            name: fields[2].clone(),
            dimension: fields[4].clone(),
            subdimension: fields[5].trim_end_matches("(?)").to_string(),
            direction: fields[6].clone(),
            national_monitoring: fields[7] == "Y",
            unit: fields[10].clone(),
        };
        rows.insert(row.id.clone(), row);
    }
    rows
}

/// Splits one CSV line, honouring double-quoted fields.
fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// The scheme's direction for a catalogue direction word.
pub fn catalogue_direction(word: &str) -> Direction {
    match word {
        "逐步提高" => Direction::Up,
        "逐步降低" => Direction::Down,
        "监测比较" => Direction::Monitor,
        "逐步完善" => Direction::Improve,
        other => panic!("unknown catalogue direction {other}"),
    }
}

/// Loads a shipped scheme by folder name under `scoring/`.
pub fn shipped_scheme(name: &str) -> Scheme {
    Scheme::load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scoring")
            .join(name),
    )
    .unwrap()
}

pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the jixiao binary in the crate root.
pub fn jixiao(args: &[&str]) -> Outcome {
    jixiao_with_threads(args, None)
}

/// Runs jixiao, optionally with polars limited to `threads` threads.
pub fn jixiao_with_threads(args: &[&str], threads: Option<usize>) -> Outcome {
    let threads = threads.map(|t| t.to_string());
    let env: Vec<(&str, &str)> = threads
        .iter()
        .map(|t| ("POLARS_MAX_THREADS", t.as_str()))
        .collect();
    jixiao_in(Path::new(env!("CARGO_MANIFEST_DIR")), &env, args)
}

/// Runs jixiao in the folder `dir` with the environment variables `env` added.
pub fn jixiao_in(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Outcome {
    let output = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .envs(env.iter().copied())
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the jixiao binary runs");
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Exit code, stdout and stderr, as one snapshot.
pub fn transcript(o: &Outcome) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        o.code, o.stdout, o.stderr
    )
}

/// A file of the shared CMS July 2025 release (`../shared/data/cms/2025jul/`).
pub fn cms_file(file: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/cms/2025jul")
        .join(file)
}

/// The rows of a gzipped CSV as header → value maps (CMS's files have no quoted commas).
pub fn read_gz_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    use std::io::Read;
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|line| {
            header
                .iter()
                .cloned()
                .zip(line.split(',').map(String::from))
                .collect()
        })
        .collect()
}

/// A column as text in the table's row order (ids, names).
pub fn texts_by_column(table: &DataFrame, name: &str) -> Vec<String> {
    table
        .column(name)
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect()
}

/// The first run of three or more English words in `text` (words of ASCII letters separated by
/// spaces, with ASCII punctuation around them; a word has two letters or more), or `None`: a
/// Chinese report may hold ids (T38, H110055), codes, units, file names, keys such as
/// `ranking.min_group_size` and commands (`jixiao explain --id …`), but no English sentence.
pub fn english_sentence(text: &str) -> Option<String> {
    // Tokens: runs of ASCII letters, digits and the characters of ids, keys and paths.
    let is_token = |c: char| c.is_ascii_alphanumeric() || "_.@/-+%#".contains(c);
    let is_word = |token: &str| token.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2;
    let mut run: Vec<&str> = Vec::new();
    // Inside a command line (from the word `jixiao` to the next break): not English prose.
    let mut command = false;
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(is_token).unwrap_or(rest.len());
        let gap = &rest[..start];
        // Words of a sentence are apart by spaces and ASCII punctuation only.
        let joins = gap.contains(' ') && gap.chars().all(|c| c == ' ' || ",;:()\"'!?".contains(c));
        if !joins {
            run.clear();
            command = false;
        }
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_token(c)).unwrap_or(rest.len());
        let token = &rest[..end];
        rest = &rest[end..];
        if token.is_empty() {
            continue;
        }
        if token == "jixiao" {
            command = true;
        }
        if command {
            continue;
        }
        if is_word(token) {
            run.push(token);
            if run.len() >= 3 {
                return Some(run.join(" "));
            }
        } else {
            run.clear();
        }
    }
    None
}

/// The text a reader sees of an HTML page: without its styles and scripts, tags removed,
/// the common entities decoded; the strings of its inline JSON data (`<script
/// type="application/json">`, rendered by its script) are added, one per line.
pub fn page_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        rest = &rest[open..];
        let lower = rest.get(..7).unwrap_or(rest).to_ascii_lowercase();
        if lower.starts_with("<script") || lower.starts_with("<style") {
            let name = if lower.starts_with("<script") {
                "</script>"
            } else {
                "</style>"
            };
            let tag_end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let close = rest.find(name).unwrap_or(rest.len());
            if rest[..tag_end].contains("application/json") {
                let json: serde_json::Value =
                    serde_json::from_str(&rest[tag_end..close]).expect("inline JSON data");
                json_strings(&json, &mut text);
            }
            rest = &rest[(close + name.len()).min(rest.len())..];
        } else {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            text.push(' ');
            rest = &rest[end..];
        }
    }
    text.push_str(rest);
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn json_strings(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::String(s) => {
            out.push('\n');
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| json_strings(v, out)),
        _ => {}
    }
}
