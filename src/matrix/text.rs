//! Plain-text tables for the `jixiao mcda` report: columns aligned by terminal width, so that
//! Chinese names line up; columns of numbers right-aligned, text left-aligned.

use unicode_width::UnicodeWidthStr;

/// A number with `decimals` places, without a minus sign on zero.
pub fn number(value: f64, decimals: usize) -> String {
    if value.is_nan() {
        return "—".into();
    }
    let text = format!("{value:.decimals$}");
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_string()
    } else {
        text
    }
}

/// A value with at most 4 decimals, trailing zeros dropped: 200, 2.5, 0.1771.
pub fn value(v: f64) -> String {
    let text = number(v, 4);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A rank: integer ranks without decimals, average ranks with one or two.
pub fn rank(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').to_string()
    }
}

/// Renders `rows` under `headers`, each line indented by `indent` spaces.
///
/// Written straight into one string (a ranking of 1,000,000 alternatives is printed whole):
/// widths in terminal columns (ASCII cells by their length), right-aligned numeric columns,
/// trailing white space trimmed from every line.
pub fn table(headers: &[String], rows: &[Vec<String>], indent: usize) -> String {
    let columns = headers.len();
    let width = |cell: &str| {
        if cell.is_ascii() {
            cell.len()
        } else {
            cell.width()
        }
    };
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for row in rows {
        for (j, cell) in row.iter().enumerate().take(columns) {
            widths[j] = widths[j].max(width(cell));
        }
    }
    let numeric: Vec<bool> = (0..columns)
        .map(|j| {
            rows.iter().all(|row| {
                row.get(j).is_none_or(|cell| {
                    cell.is_empty() || cell == "—" || cell.parse::<f64>().is_ok()
                })
            })
        })
        .collect();
    let line_bytes = indent + widths.iter().sum::<usize>() + 2 * columns + 1;
    let mut out = String::with_capacity(line_bytes * (rows.len() + 1));
    let line = |out: &mut String, cells: &[String]| {
        let start = out.len();
        out.extend(std::iter::repeat_n(' ', indent));
        for (j, cell) in cells.iter().enumerate().take(columns) {
            let pad = widths[j] - width(cell);
            if j > 0 {
                out.push_str("  ");
            }
            if numeric[j] {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
    };
    line(&mut out, headers);
    for row in rows {
        line(&mut out, row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_cjk_and_numbers() {
        let headers = vec!["指标".to_string(), "w".to_string(), "rank".to_string()];
        let rows = vec![
            vec!["出院人数".to_string(), "0.25".to_string(), "1".to_string()],
            vec!["x".to_string(), "0.5".to_string(), "10".to_string()],
        ];
        assert_eq!(
            table(&headers, &rows, 2),
            "  指标         w  rank\n  出院人数  0.25     1\n  x          0.5    10\n"
        );
        assert_eq!(number(-0.00001, 4), "0.0000");
        assert_eq!(number(0.53427, 4), "0.5343");
        assert_eq!(
            (value(200.0), value(2.5), value(0.17712)),
            ("200".into(), "2.5".into(), "0.1771".into())
        );
        assert_eq!((rank(3.0), rank(1.5)), ("3".to_string(), "1.5".to_string()));
    }
}
