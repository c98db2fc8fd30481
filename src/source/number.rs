//! Numbers stored as text: how a cell such as "1,234", "12.5%" or "１２３" becomes a number, and
//! when it is refused.
//!
//! Exported spreadsheets keep numbers as text more often than not: thousands separators, a
//! percent sign, full-width digits typed with a Chinese input method, stray spaces. The policies,
//! applied by [`parse_number`] to one cell and by [`parse_number_column`] to a whole column:
//!
//! - **Spaces** around the number are ignored, including the full-width space (U+3000) and the
//!   no-break space (U+00A0). A space inside the digits ("1 234") is ambiguous and reported.
//! - **Full-width characters** (`０`–`９`, `．`, `，`, `－`, `＋`, `％`) and the minus sign `−`
//!   count as their ASCII forms, so "１２．５" is 12.5; mixing them with ASCII is fine.
//! - **Thousands separators**: a comma is read as a thousands separator only when every group
//!   after the first has exactly three digits and the first has one to three ("1,234",
//!   "1,234,567.5"). Anything else with a comma ("1,5", "1,23", "12,3456", "1.234,5") could be a
//!   decimal comma and is reported as ambiguous, never guessed.
//! - **Percent**: a trailing `%` divides by 100, so "12.5%" is 0.125 — the value Excel itself
//!   stores behind a cell shown as 12.5%, so a typed percentage and a formatted one agree.
//! - **Empty**: an empty or blank cell is missing, not a problem.
//! - **Placeholders** such as "-", "—", "/", "无", "N/A" and **Excel error values** (`#DIV/0!`,
//!   `#N/A`, …) are not numbers: the cell becomes missing *and is reported* with its text, because a
//!   dash may mean zero to one 绩效办 and "not collected" to another; leave the cell empty to say
//!   "missing" without a report.
//! - `inf`, `NaN` and other text are not numbers.
//!
//! [`parse_number_column`] keeps loading fast: the whole column is first cast to `Float64` by
//! polars (the common case, plain numbers, ends there) and only the cells that cast refused go
//! through [`parse_number`].

use polars::prelude::*;

/// What a text cell holds, as a number.
#[derive(Debug, Clone, PartialEq)]
pub enum CellNumber {
    /// Nothing, or only spaces: a missing value.
    Empty,
    /// An unambiguous number.
    Number(f64),
    /// Could be read more than one way (a decimal comma?); the reason says why.
    Ambiguous(String),
    /// Text that is not a number: a word, a placeholder dash, an Excel error value.
    NotANumber,
}

/// Excel's error values, as calamine and Excel show them.
const EXCEL_ERRORS: [&str; 8] = [
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!",
];

/// Texts that stand in for a missing number in hand-made tables.
const PLACEHOLDERS: [&str; 14] = [
    "-", "--", "—", "——", "–", "/", "\\", "无", "空", "暂无", "n/a", "na", "null", "none",
];

/// Reads one cell; see the module documentation for the policies.
pub fn parse_number(text: &str) -> CellNumber {
    let normal = normalise(text);
    let trimmed = normal.trim();
    if trimmed.is_empty() {
        return CellNumber::Empty;
    }
    let (body, scale) = match trimmed.strip_suffix('%') {
        Some(body) => (body.trim_end(), 0.01),
        None => (trimmed, 1.0),
    };
    let (sign, digits) = match body.as_bytes().first() {
        Some(b'-') => (-1.0, &body[1..]),
        Some(b'+') => (1.0, &body[1..]),
        _ => (1.0, body),
    };
    if digits.is_empty() {
        return CellNumber::NotANumber;
    }
    if digits.chars().any(char::is_whitespace) {
        return if digits
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '.' || c == ',')
        {
            CellNumber::Ambiguous("a space inside the number (a thousands separator?)".into())
        } else {
            CellNumber::NotANumber
        };
    }
    if !digits
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'e' | b'E' | b'+' | b'-'))
        || !digits.bytes().any(|b| b.is_ascii_digit())
    {
        return CellNumber::NotANumber;
    }
    let plain = if digits.contains(',') {
        match without_thousands(digits) {
            Ok(plain) => plain,
            Err(reason) => return CellNumber::Ambiguous(reason),
        }
    } else {
        digits.to_string()
    };
    if !is_decimal(&plain) {
        return CellNumber::NotANumber;
    }
    match plain.parse::<f64>() {
        Ok(value) if value.is_finite() => CellNumber::Number(sign * value * scale),
        _ => CellNumber::NotANumber,
    }
}

/// `digits[.digits][e[+-]digits]`, with at least one digit before the exponent.
fn is_decimal(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok =
        all_digits(whole) && all_digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

/// Why a cell that is [`CellNumber::NotANumber`] was refused, for messages.
pub fn not_a_number_reason(text: &str) -> &'static str {
    let trimmed = normalise(text);
    let trimmed = trimmed.trim();
    if EXCEL_ERRORS.contains(&trimmed.to_ascii_uppercase().as_str()) {
        "an Excel error value (the formula behind it failed)"
    } else if PLACEHOLDERS.contains(&trimmed.to_lowercase().as_str()) {
        "a placeholder, not a number (leave the cell empty for a missing value)"
    } else {
        "not a number"
    }
}

/// Full-width digits and signs to ASCII; everything else unchanged.
fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '，' => ',',
            '－' | '−' => '-',
            '＋' => '+',
            '％' => '%',
            other => other,
        })
        .collect()
}

/// "1,234,567.5" → "1234567.5" when the commas are thousands separators; else why not.
fn without_thousands(digits: &str) -> Result<String, String> {
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    if fraction.is_some_and(|f| f.contains(',')) {
        return Err("a comma after the decimal point (a decimal comma, as in 1.234,5?)".into());
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let well_grouped = groups
        .first()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()))
        && groups[1..]
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    if !well_grouped {
        return Err(
            "a comma that is not a thousands separator (groups of three digits); a decimal comma?"
                .into(),
        );
    }
    let mut plain = groups.concat();
    if let Some(fraction) = fraction {
        plain.push('.');
        plain.push_str(fraction);
    }
    Ok(plain)
}

/// A cell that is not empty and could not be read as a number.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberProblem {
    /// Row of the frame (0-based); `Origin::rows` turns it into the row the user sees.
    pub row: usize,
    /// The cell as it was.
    pub text: String,
    /// Why it was refused, for messages.
    pub reason: String,
}

/// Whether any present value of `values` satisfies `hit`. Each chunk's value buffer is scanned
/// whole first, without looking at its validity (a branch-free pass the compiler vectorises; a
/// national column in about a third of a millisecond); only a chunk with a hit is read again
/// cell by cell, since a missing cell's slot may hold any number.
pub fn any_present(values: &Float64Chunked, hit: impl Fn(f64) -> bool) -> bool {
    values.downcast_iter().any(|array| {
        array
            .values()
            .iter()
            .fold(false, |found, &v| found | hit(v))
            && array.iter().any(|v| v.is_some_and(|&v| hit(v)))
    })
}

/// Parses a column as `Float64`: numbers and booleans are cast, text goes through the polars cast
/// first and then, for the cells the cast refused (or read as NaN or infinity), through
/// [`parse_number`]. Refused cells become missing and are returned as problems, in row order.
pub fn parse_number_column(column: &Column) -> PolarsResult<(Column, Vec<NumberProblem>)> {
    if column.dtype() != &DataType::String {
        // A typed column (Parquet, JSON): its numbers are kept, except NaN and infinities, which
        // are reported like text cells that are not numbers.
        let cast = column.cast(&DataType::Float64)?;
        let values = cast.f64()?;
        if !any_present(values, |v| !v.is_finite()) {
            return Ok((cast, Vec::new()));
        }
        let mut problems = Vec::new();
        let finite: Float64Chunked = values
            .iter()
            .enumerate()
            .map(|(row, value)| match value {
                Some(v) if !v.is_finite() => {
                    problems.push(NumberProblem {
                        row,
                        text: format!("{v}"),
                        reason: "not a finite number".into(),
                    });
                    None
                }
                other => other,
            })
            .collect();
        return Ok((
            Column::from(finite.with_name(column.name().clone()).into_series()),
            problems,
        ));
    }
    let cast = column.cast(&DataType::Float64)?;
    let values = cast.f64()?;
    let text = column.str()?;
    // Fast path: every present cell cast to a finite number.
    let refused = |value: Option<f64>| value.is_none_or(|v| !v.is_finite());
    let present = text.len() - text.null_count();
    let good = values
        .iter()
        .filter(|v| v.is_some_and(f64::is_finite))
        .count();
    if good == present {
        return Ok((cast, Vec::new()));
    }
    let mut problems = Vec::new();
    let parsed: Float64Chunked = text
        .iter()
        .zip(values.iter())
        .enumerate()
        .map(|(row, (text, value))| match text {
            None => None,
            Some(_) if !refused(value) => value,
            Some(text) => match parse_number(text) {
                CellNumber::Number(v) => Some(v),
                CellNumber::Empty => None,
                CellNumber::Ambiguous(reason) => {
                    problems.push(NumberProblem {
                        row,
                        text: text.to_string(),
                        reason: format!("ambiguous: {reason}"),
                    });
                    None
                }
                CellNumber::NotANumber => {
                    problems.push(NumberProblem {
                        row,
                        text: text.to_string(),
                        reason: not_a_number_reason(text).to_string(),
                    });
                    None
                }
            },
        })
        .collect();
    Ok((
        Column::from(parsed.with_name(column.name().clone()).into_series()),
        problems,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Missing cells whose slots hold a negative number and a NaN, in a second chunk too: only
    /// present values count.
    #[test]
    fn any_present_ignores_what_missing_slots_hold() {
        use polars::datatypes::ArrowDataType;
        use polars_arrow::array::PrimitiveArray;
        use polars_arrow::bitmap::Bitmap;
        let chunk = |values: Vec<f64>, valid: &[bool]| {
            PrimitiveArray::<f64>::new(
                ArrowDataType::Float64,
                values.into(),
                Some(Bitmap::from(valid)),
            )
        };
        let mut values = Float64Chunked::with_chunk(
            "x".into(),
            chunk(vec![1.0, -5.0, f64::NAN], &[true, false, false]),
        );
        values
            .append(&Float64Chunked::with_chunk(
                "x".into(),
                chunk(vec![f64::INFINITY, 2.0], &[false, true]),
            ))
            .unwrap();
        assert_eq!(values.chunks().len(), 2);
        assert!(!any_present(&values, |v| v < 0.0));
        assert!(!any_present(&values, |v| !v.is_finite()));
        assert!(any_present(&values, |v| v > 1.5));
        let present = Float64Chunked::from_slice("x".into(), &[3.0, -0.5, f64::NAN]);
        assert!(any_present(&present, |v| v < 0.0));
        assert!(any_present(&present, |v| !v.is_finite()));
    }

    fn number(text: &str) -> f64 {
        match parse_number(text) {
            CellNumber::Number(v) => v,
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    fn ambiguous(text: &str) -> bool {
        matches!(parse_number(text), CellNumber::Ambiguous(_))
    }

    #[test]
    fn plain_and_spaced_numbers() {
        assert_eq!(number("12"), 12.0);
        assert_eq!(number("-3.5"), -3.5);
        assert_eq!(number("+7"), 7.0);
        assert_eq!(number(".5"), 0.5);
        assert_eq!(number("1e3"), 1000.0);
        assert_eq!(number("  42 "), 42.0);
        assert_eq!(number("\u{3000}42\u{3000}"), 42.0, "full-width spaces");
        assert_eq!(number("\u{a0}42"), 42.0, "no-break space");
    }

    #[test]
    fn full_width_characters_count_as_ascii() {
        assert_eq!(number("１２３"), 123.0);
        assert_eq!(number("１２．５"), 12.5);
        assert_eq!(number("－８"), -8.0);
        assert_eq!(number("１，２３４"), 1234.0);
        assert_eq!(number("1２.5"), 12.5, "mixed widths");
        assert_eq!(number("５０％"), 0.5);
    }

    #[test]
    fn thousands_separators_in_groups_of_three() {
        assert_eq!(number("1,234"), 1234.0);
        assert_eq!(number("1,234,567.5"), 1_234_567.5);
        assert_eq!(number("-12,345"), -12345.0);
        assert_eq!(number("999,999"), 999_999.0);
    }

    #[test]
    fn commas_that_may_be_decimal_commas_are_ambiguous() {
        assert!(ambiguous("1,5"));
        assert!(ambiguous("1,23"));
        assert!(ambiguous("12,3456"));
        assert!(ambiguous("1234,567"));
        assert!(ambiguous("1.234,5"));
        assert!(ambiguous(",123"));
        assert!(ambiguous("1 234"));
    }

    #[test]
    fn percent_divides_by_one_hundred() {
        assert_eq!(number("12.5%"), 0.125);
        assert_eq!(number("100%"), 1.0);
        assert_eq!(number("-2 %"), -0.02);
        assert_eq!(number("1,250%"), 12.5);
    }

    #[test]
    fn empty_placeholders_and_errors() {
        assert_eq!(parse_number(""), CellNumber::Empty);
        assert_eq!(parse_number("   "), CellNumber::Empty);
        assert_eq!(parse_number("\u{3000}"), CellNumber::Empty);
        for text in [
            "-", "—", "/", "无", "N/A", "#DIV/0!", "#N/A", "abc", "12abc", "%", "inf", "NaN",
            "1.2.3", "--5",
        ] {
            assert_eq!(parse_number(text), CellNumber::NotANumber, "{text:?}");
        }
        assert!(not_a_number_reason("#DIV/0!").contains("Excel error"));
        assert!(not_a_number_reason(" — ").contains("placeholder"));
        assert!(not_a_number_reason("无").contains("placeholder"));
        assert_eq!(not_a_number_reason("abc"), "not a number");
    }

    #[test]
    fn column_parser_takes_the_fast_path_and_reports_the_rest() {
        let column = Column::new(
            "人数".into(),
            [
                Some("12"),
                None,
                Some("1,234"),
                Some("abc"),
                Some("1,5"),
                Some(" "),
                Some("NaN"),
                Some("７"),
            ],
        );
        let (parsed, problems) = parse_number_column(&column).unwrap();
        let values: Vec<Option<f64>> = parsed.f64().unwrap().iter().collect();
        assert_eq!(
            values,
            [
                Some(12.0),
                None,
                Some(1234.0),
                None,
                None,
                None,
                None,
                Some(7.0)
            ]
        );
        assert_eq!(parsed.name().as_str(), "人数");
        let rows: Vec<(usize, &str)> = problems.iter().map(|p| (p.row, p.text.as_str())).collect();
        assert_eq!(rows, [(3, "abc"), (4, "1,5"), (6, "NaN")]);
        assert_eq!(problems[0].reason, "not a number");
        assert!(
            problems[1].reason.starts_with("ambiguous: "),
            "{}",
            problems[1].reason
        );
    }

    #[test]
    fn column_of_plain_numbers_has_no_problems() {
        let column = Column::new("x".into(), [Some("1"), Some("2.5"), None]);
        let (parsed, problems) = parse_number_column(&column).unwrap();
        assert!(problems.is_empty());
        let values: Vec<Option<f64>> = parsed.f64().unwrap().iter().collect();
        assert_eq!(values, [Some(1.0), Some(2.5), None]);
        let typed = Column::new("y".into(), [Some(3i64), None]);
        let (parsed, problems) = parse_number_column(&typed).unwrap();
        assert!(problems.is_empty());
        assert_eq!(parsed.dtype(), &DataType::Float64);
    }
}
