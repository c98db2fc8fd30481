//! `draws.csv`: every run's parameters, one row per run, so that one draw can be re-run alone
//! (`jixiao sensitivity --rerun draws.csv --draw K`) and give the same ranks.
//!
//! Columns: `draw` (from 1), `matrix` (A, B or AB), `input` (the input an AB run took from B),
//! `mean_abs_rank_shift` (the output the indices are estimated from), `mean`, `missing`,
//! `left_out` (ids, space-separated), then `w:<node>` for every node of the nominal weight tree
//! in pre-order: its weight among its siblings in this run (0 where it was left out). Weights are
//! written in Rust's shortest round-trip form, so reading them back gives the same bits and the
//! re-run the same ranks. Last, `m:<indicator>` for every indicator whose scoring method varies:
//! the method drawn, as scheme.yaml writes it (`{method: min_max, within: peer_group}`).

use std::fmt::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::weight::WeightTree;

use super::inputs::{self, Draw, Factor};
use super::methods;
use super::{Analysis, Matrix};

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The text of `draws.csv` for an analysis.
pub fn csv(analysis: &Analysis) -> String {
    let design = &analysis.design;
    let mut out = String::new();
    let mut header = vec![
        "draw".to_string(),
        "matrix".into(),
        "input".into(),
        "mean_abs_rank_shift".into(),
        "mean".into(),
        "missing".into(),
        "left_out".into(),
    ];
    header.extend(inputs::weight_columns(&design.nominal));
    let varied = method_indicators(analysis);
    header.extend(varied.iter().map(|id| format!("m:{id}")));
    out.push_str(
        &header
            .iter()
            .map(|h| field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push('\n');
    for run in &analysis.runs {
        let draw = design.draw(&run.u);
        let (matrix, input) = match run.matrix {
            Matrix::A => ("A", String::new()),
            Matrix::B => ("B", String::new()),
            Matrix::Ab(i) => ("AB", design.factors[i].name()),
        };
        let _ = write!(
            out,
            "{},{},{},{},{},{},{}",
            run.draw,
            matrix,
            field(&input),
            run.shift,
            inputs::mean_name(draw.mean),
            inputs::policy_name(draw.policy),
            field(&draw.left_out.join(" "))
        );
        for w in draw.weight_values(&design.nominal) {
            let _ = write!(out, ",{w}");
        }
        for id in &varied {
            let method = draw
                .methods
                .iter()
                .find(|(m, _)| m == id)
                .map(|(_, s)| methods::method_text(s))
                .unwrap_or_default();
            let _ = write!(out, ",{}", field(&method));
        }
        out.push('\n');
    }
    out
}

/// The indicators whose scoring method varies, in the factors' order.
fn method_indicators(analysis: &Analysis) -> Vec<String> {
    analysis
        .design
        .factors
        .iter()
        .filter_map(|f| match f {
            Factor::Method { indicator, .. } => Some(indicator.clone()),
            _ => None,
        })
        .collect()
}

/// The fields of one CSV line (RFC 4180 quotes).
fn split(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut current)),
            (c, _) => current.push(c),
        }
    }
    fields.push(current);
    fields
}

/// Draw `k`'s parameters from the text of a `draws.csv` written for the scheme whose nominal
/// weight tree is `nominal`.
pub fn read(path: &Path, text: &str, k: usize, nominal: &WeightTree) -> Result<Draw> {
    let bad = |line: usize, message: String| Error::Usage {
        message: format!("{}:{line}: {message}", path.display()),
    };
    let mut lines = text.lines();
    let header = split(lines.next().unwrap_or_default());
    let expected = inputs::weight_columns(nominal);
    let weights_at = 7;
    let methods_at = weights_at + expected.len();
    if header.len() < methods_at
        || header[weights_at..methods_at] != expected[..]
        || !header[methods_at..].iter().all(|h| h.starts_with("m:"))
    {
        return Err(bad(
            1,
            "its weight columns are not this scheme's weight tree\n  = help: re-run a draw with the same --scheme (and data, for data-driven weights) as the analysis that wrote the file".into(),
        ));
    }
    for (number, line) in lines.enumerate() {
        let fields = split(line);
        if fields.first().map(|f| f.as_str()) != Some(k.to_string().as_str()) {
            continue;
        }
        let line_number = number + 2;
        if fields.len() != header.len() {
            return Err(bad(
                line_number,
                format!("{} fields, the header has {}", fields.len(), header.len()),
            ));
        }
        let mean = inputs::mean_of(&fields[4])
            .ok_or_else(|| bad(line_number, format!("unknown mean {:?}", fields[4])))?;
        let policy = inputs::policy_of(&fields[5]).ok_or_else(|| {
            bad(
                line_number,
                format!("unknown missing policy {:?}", fields[5]),
            )
        })?;
        let left_out = fields[6].split_whitespace().map(String::from).collect();
        let values = fields[weights_at..methods_at]
            .iter()
            .zip(&expected)
            .map(|(f, column)| {
                f.parse::<f64>()
                    .ok()
                    .filter(|w| w.is_finite() && *w >= 0.0)
                    .ok_or_else(|| bad(line_number, format!("{column}: {f:?} is not a weight")))
            })
            .collect::<Result<Vec<f64>>>()?;
        let mut draw = Draw::from_weight_values(nominal, &values, mean, policy, left_out);
        for (column, text) in header[methods_at..].iter().zip(&fields[methods_at..]) {
            let id = &column["m:".len()..];
            let method = methods::method_of(text).map_err(|e| {
                bad(
                    line_number,
                    format!("{column}: {text:?} is not a scoring method: {e}"),
                )
            })?;
            draw.methods.push((id.to_string(), method));
        }
        return Ok(draw);
    }
    Err(Error::Usage {
        message: format!(
            "{}: no draw {k}\n  = help: draws are numbered from 1 in its first column",
            path.display()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_through_quotes() {
        assert_eq!(
            split("1,\"a,b\",\"say \"\"hi\"\"\",,x"),
            ["1", "a,b", "say \"hi\"", "", "x"]
        );
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("plain"), "plain");
        // Shortest round-trip form: the same bits back.
        let w = 0.1f64 + 0.2;
        assert_eq!(
            format!("{w}").parse::<f64>().unwrap().to_bits(),
            w.to_bits()
        );
    }
}
