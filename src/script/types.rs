//! The static types of formulas — number, condition, text — and the operators that check them.
//!
//! A script runs once to build polars expressions, so every formula's kind of value is known
//! before any row is read: `col`, `prev` and `levels` read numbers; comparisons, `is_null`, `&`,
//! `|` and `!` give conditions (true/false); text literals and the grade functions give text
//! (labels). Each operator checks its operands when the script runs and refuses a mismatch at the
//! call (file:line:column and a caret, through [`TypeMismatch`] and `diagnostics`), saying what it
//! found and what it expected: arithmetic on text or conditions, `>` between text and a number,
//! `==` between a number and text, `&` on numbers. Without this, polars (or rhai, which answers
//! `false` to a comparison it has no function for) would give an empty column or a constant
//! `false` for every institution, silently. A condition becomes a number only when asked, with
//! `one_if(condition)` (1 where it holds, 0 where not).

use polars::prelude::*;
use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString, Position};

use super::formula::Formula;

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

/// What a formula's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A number (a data column, arithmetic, a statistic, a score).
    Number,
    /// A condition: true or false per institution (a comparison, `is_null`, `&`, `|`, `!`).
    Condition,
    /// Text: a label or a grade.
    Text,
    /// The missing value `()`: fits wherever any other kind does.
    Missing,
}

impl Kind {
    /// The kind in words, with its article: "a number", "a condition (true/false)", "text".
    pub fn described(self) -> &'static str {
        match self {
            Kind::Number => "a number",
            Kind::Condition => "a condition (true/false)",
            Kind::Text => "text",
            Kind::Missing => "missing (`()`)",
        }
    }

    /// Whether a value of this kind may stand where `expected` is needed.
    pub fn fits(self, expected: Kind) -> bool {
        self == expected || self == Kind::Missing
    }
}

/// A type mistake found while a script runs, raised as the payload of a rhai runtime error so
/// that `diagnostics` can show the message at the call and the help under it.
#[derive(Debug, Clone)]
pub struct TypeMismatch {
    pub message: String,
    pub help: String,
}

/// A rhai error carrying a [`TypeMismatch`]; rhai fills in the position of the call.
pub fn mismatch(message: String, help: String) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(
        Dynamic::from(TypeMismatch { message, help }),
        Position::NONE,
    )
    .into()
}

/// How an operand shows in a message: `col("x")`, `prev("x")`, `"text"`, `5`, or what it is.
pub fn operand(formula: &Formula) -> String {
    let kind = formula.kind.described();
    match &formula.expr {
        Expr::Column(name)
            if formula.columns.len() == 1 && formula.columns[0].frame_column() == name.as_str() =>
        {
            let c = &formula.columns[0];
            let call = match c.period {
                super::Period::Current => "col",
                super::Period::Previous => "prev",
            };
            format!("{call}(\"{}\") ({kind})", c.name)
        }
        Expr::Literal(value) => match value.extract_str() {
            Some(text) => format!("\"{text}\" ({kind})"),
            None => format!("{} ({kind})", literal_text(value)),
        },
        _ => format!("a formula giving {kind}"),
    }
}

fn literal_text(value: &LiteralValue) -> String {
    match value.to_any_value() {
        Some(AnyValue::Boolean(b)) => b.to_string(),
        Some(v) => match v.extract::<f64>() {
            Some(v) => crate::display::format_number(v),
            None => "a value".to_string(),
        },
        None => "a value".to_string(),
    }
}

/// The text of a literal operand, if it is one.
fn text_literal(formula: &Formula) -> Option<String> {
    match &formula.expr {
        Expr::Literal(value) => value.extract_str().map(str::to_string),
        _ => None,
    }
}

/// The help for using a condition where a number is needed.
const CONDITION_AS_NUMBER: &str =
    "a condition is true or false, not a number: turn it into 1/0 with one_if(condition), or choose values with if_else(condition, a, b)";

/// Checks that `formula` can stand where a number is needed in `what` (e.g. "`+`", "ratio").
pub fn expect_number(formula: &Formula, what: &str) -> RhaiResult<()> {
    if formula.kind.fits(Kind::Number) {
        return Ok(());
    }
    let found = operand(formula);
    let help = match formula.kind {
        Kind::Condition => CONDITION_AS_NUMBER.to_string(),
        _ => match text_literal(formula).filter(|t| t.trim().parse::<f64>().is_ok()) {
            Some(t) => format!("write the number without quotes: {}", t.trim()),
            None => "text (a label or a grade) has no value to compute with: turn labels into numbers with levels(\"column\", #{…}) or if_else(g == \"A\", 100, 60)".to_string(),
        },
    };
    Err(mismatch(
        format!("{what} needs a number, but found {found}"),
        help,
    ))
}

/// Checks that `formula` is a condition where `what` needs one.
pub fn expect_condition(formula: &Formula, what: &str) -> RhaiResult<()> {
    if formula.kind.fits(Kind::Condition) {
        return Ok(());
    }
    let found = operand(formula);
    Err(mismatch(
        format!("{what} needs a condition (true/false), but found {found}"),
        "write a comparison, e.g. x > 5, is_null(x) or g == \"A\"; combine conditions with & | !"
            .to_string(),
    ))
}

/// The kind shared by values that stand in the same place (`if_else`'s branches, `fill_null`'s
/// value and its replacement, `coalesce`'s items); missing values fit any kind.
pub fn common_kind(what: &str, parts: &[&Formula]) -> RhaiResult<Kind> {
    let mut kind = Kind::Missing;
    for part in parts {
        match (kind, part.kind) {
            (_, Kind::Missing) => {}
            (Kind::Missing, k) => kind = k,
            (a, b) if a == b => {}
            (a, b) => {
                return Err(mismatch(
                    format!(
                        "{what} must be of one kind, but found {} and {}",
                        a.described(),
                        b.described()
                    ),
                    "give every branch the same kind: all numbers, all text or all conditions (one_if(condition) turns a condition into 1/0)".to_string(),
                ))
            }
        }
    }
    Ok(kind)
}

/// The expression of `part` standing for a value of `kind`: a missing literal takes the kind's
/// data type so that polars can put it beside the others.
pub fn as_kind(part: &Formula, kind: Kind) -> Expr {
    match (part.kind, kind) {
        (Kind::Missing, Kind::Text) => lit(NULL).cast(DataType::String),
        (Kind::Missing, Kind::Condition) => lit(NULL).cast(DataType::Boolean),
        _ => part.expr.clone(),
    }
}

/// `a op b`, after checking the kinds of both sides.
pub fn binary(op: &'static str, a: Formula, b: Formula) -> RhaiResult<Formula> {
    let what = format!("`{op}`");
    let kind = match op {
        "+" | "-" | "*" | "/" | "%" | "**" => {
            expect_number(&a, &what)?;
            expect_number(&b, &what)?;
            Kind::Number
        }
        "&" | "|" => {
            expect_condition(&a, &what)?;
            expect_condition(&b, &what)?;
            Kind::Condition
        }
        "<" | "<=" | ">" | ">=" => {
            if !(a.kind.fits(Kind::Number) && b.kind.fits(Kind::Number)) {
                return Err(ordering_mismatch(op, &a, &b));
            }
            Kind::Condition
        }
        _ => {
            // == and !=
            if !(a.kind.fits(b.kind) || b.kind.fits(a.kind)) {
                return Err(equality_mismatch(op, &a, &b));
            }
            Kind::Condition
        }
    };
    if op == "/" {
        return Ok(Formula::ratio(a, b));
    }
    let f: fn(Expr, Expr) -> Expr = match op {
        "+" => |a, b| a + b,
        "-" => |a, b| a - b,
        "*" => |a, b| a * b,
        "%" => |a, b| a % b,
        "**" => |a, b| a.pow(b),
        "&" => |a, b| a.and(b),
        "|" => |a, b| a.or(b),
        "<" => |a, b| a.lt(b),
        "<=" => |a, b| a.lt_eq(b),
        ">" => |a, b| a.gt(b),
        ">=" => |a, b| a.gt_eq(b),
        "==" => |a, b| a.eq(b),
        _ => |a, b| a.neq(b),
    };
    let mut out = Formula::zip(a, b, f);
    out.kind = kind;
    Ok(out)
}

fn ordering_mismatch(op: &str, a: &Formula, b: &Formula) -> Box<EvalAltResult> {
    let message = format!(
        "`{op}` orders numbers, but compares {} with {}",
        operand(a),
        operand(b)
    );
    let number_in_quotes = [a, b]
        .iter()
        .find_map(|f| text_literal(f).filter(|t| t.trim().parse::<f64>().is_ok()));
    let help = if let Some(t) =
        number_in_quotes.filter(|_| [a, b].iter().any(|f| f.kind == Kind::Number))
    {
        format!("write the number without quotes: {op} {}", t.trim())
    } else if a.kind == Kind::Text || b.kind == Kind::Text {
        "text (labels, grades) has no order here: test it with == and != (e.g. g == \"A\" | g == \"B\"), or compare the number it was graded from".to_string()
    } else {
        CONDITION_AS_NUMBER.to_string()
    };
    mismatch(message, help)
}

fn equality_mismatch(op: &str, a: &Formula, b: &Formula) -> Box<EvalAltResult> {
    let message = format!("`{op}` compares {} with {}", operand(a), operand(b));
    let number_in_quotes = [a, b]
        .iter()
        .find_map(|f| text_literal(f).filter(|t| t.trim().parse::<f64>().is_ok()));
    let help = match number_in_quotes {
        Some(t) if a.kind == Kind::Number || b.kind == Kind::Number => {
            format!("write the number without quotes: {op} {}", t.trim())
        }
        _ => "compare numbers with numbers, text with text and conditions with conditions; col(\"…\") columns read by formulas are numbers".to_string(),
    };
    mismatch(message, help)
}

/// Registers the operators on formulas (either side may also be a number, text, true/false or
/// `()`), the unary `-`, `+` and `!`, and `one_if`.
pub fn register(engine: &mut Engine) {
    fn from(value: Dynamic) -> RhaiResult<Formula> {
        Formula::from_dynamic(value)
    }
    macro_rules! other_side {
        ($op:ident, $($t:ty),*) => {$(
            engine.register_fn($op, move |a: Formula, b: $t| binary($op, a, from(Dynamic::from(b))?));
            engine.register_fn($op, move |a: $t, b: Formula| binary($op, from(Dynamic::from(a))?, b));
        )*};
    }
    for op in [
        "+", "-", "*", "/", "%", "**", "==", "!=", "<", "<=", ">", ">=", "&", "|",
    ] {
        engine.register_fn(op, move |a: Formula, b: Formula| binary(op, a, b));
        other_side!(op, rhai::INT, rhai::FLOAT, ImmutableString, bool, ());
    }
    engine.register_fn("!", |a: Formula| {
        expect_condition(&a, "`!`")?;
        Ok::<_, Box<EvalAltResult>>(a.map(|a| a.not()))
    });
    engine.register_fn("-", |a: Formula| {
        expect_number(&a, "`-`")?;
        Ok::<_, Box<EvalAltResult>>(a.map(|a| lit(0.0) - a))
    });
    engine.register_fn("+", |a: Formula| {
        expect_number(&a, "`+`")?;
        Ok::<_, Box<EvalAltResult>>(a)
    });
    engine.register_fn("one_if", |c: Dynamic| {
        let c = from(c)?;
        expect_condition(&c, "one_if")?;
        let mut out = c.map(|c| c.cast(DataType::Float64));
        out.kind = Kind::Number;
        Ok::<_, Box<EvalAltResult>>(out)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::sandbox::{engine_for_scheme, SourceTexts};

    fn kind_of(script: &str) -> Kind {
        let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
        engine.eval::<Formula>(script).unwrap().kind
    }

    /// The message and help of the type mistake `script` makes.
    fn mistake(script: &str) -> (String, String) {
        let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
        let error = engine.eval::<Formula>(script).unwrap_err();
        match *error {
            EvalAltResult::ErrorRuntime(value, pos) => {
                assert!(!pos.is_none(), "{script}: the error has no position");
                let m = value.try_cast::<TypeMismatch>().expect("a TypeMismatch");
                (m.message, m.help)
            }
            other => panic!("{script}: not a type mistake: {other}"),
        }
    }

    #[test]
    fn every_formula_has_a_kind() {
        assert_eq!(kind_of(r#"col("x") * 2 + prev("x")"#), Kind::Number);
        assert_eq!(
            kind_of(r#"col("x") > 2 & !(col("y") == 1)"#),
            Kind::Condition
        );
        assert_eq!(kind_of(r#"is_null(col("x")) | false"#), Kind::Condition);
        assert_eq!(
            kind_of(r#"grade_score(col("x"), [2], ["A", "B"])"#),
            Kind::Text
        );
        assert_eq!(kind_of(r#"if_else(col("x") > 2, "A", ())"#), Kind::Text);
        assert_eq!(kind_of(r#"one_if(col("x") > 2)"#), Kind::Number);
        assert_eq!(kind_of(r#"lit(())"#), Kind::Missing);
        assert_eq!(
            kind_of(r#"grade_score(col("x"), [2], ["A", "B"]) == "A""#),
            Kind::Condition
        );
    }

    #[test]
    fn a_number_in_quotes_is_refused_with_the_number_to_write() {
        let (message, help) = mistake(r#"col("重大医疗安全事件数") > "0""#);
        assert_eq!(
            message,
            r#"`>` orders numbers, but compares col("重大医疗安全事件数") (a number) with "0" (text)"#
        );
        assert_eq!(help, "write the number without quotes: > 0");
        let (message, _) = mistake(r#"col("手术人数") == "多""#);
        assert!(message.starts_with("`==` compares col(\"手术人数\") (a number)"));
    }

    #[test]
    fn grades_are_not_ordered() {
        let (message, help) = mistake(r#"let g = grade_score(col("x"), [2], ["1", "4"]); g > "1""#);
        assert!(message.contains("(text)"), "{message}");
        assert!(help.contains("== and !="), "{help}");
        assert_eq!(
            kind_of(r#"let g = grade_score(col("x"), [2], ["1", "4"]); if_else(g == "4", 1, 0)"#),
            Kind::Number
        );
    }

    #[test]
    fn arithmetic_needs_numbers() {
        let (message, _) = mistake(r#"col("z") + "text""#);
        assert_eq!(message, r#"`+` needs a number, but found "text" (text)"#);
        let (message, help) = mistake(r#"(col("x") > 1) * 10"#);
        assert_eq!(
            message,
            "`*` needs a number, but found a formula giving a condition (true/false)"
        );
        assert!(help.contains("one_if(condition)"));
        let (message, _) = mistake(r#"mean(col("x") > 1)"#);
        assert!(
            message.starts_with("this function needs a number"),
            "{message}"
        );
        mistake(r#"-(col("x") > 1)"#);
        mistake(r#"ratio("a", col("x"))"#);
    }

    #[test]
    fn conditions_where_conditions_are_needed() {
        let (message, _) = mistake(r#"col("x") & col("y") > 1"#);
        assert_eq!(
            message,
            r#"`&` needs a condition (true/false), but found col("x") (a number)"#
        );
        mistake(r#"!col("x")"#);
        mistake(r#"if_else(col("x"), 1, 0)"#);
        mistake(r#"one_if(col("x"))"#);
    }

    #[test]
    fn branches_of_one_kind() {
        let (message, _) = mistake(r#"if_else(col("x") > 1, "yes", 1)"#);
        assert_eq!(
            message,
            "if_else's two branches must be of one kind, but found text and a number"
        );
        mistake(r#"fill_null(col("x"), "none")"#);
        mistake(r#"coalesce([col("x"), col("x") > 1])"#);
    }

    #[test]
    fn one_if_gives_one_and_zero_and_keeps_missing() {
        let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
        let f: Formula = engine.eval(r#"one_if(col("x") > 2)"#).unwrap();
        let frame = df!("x" => [Some(1.0), Some(3.0), None]).unwrap();
        let out = frame.lazy().select([f.expr.alias("v")]).collect().unwrap();
        let v: Vec<Option<f64>> = out.column("v").unwrap().f64().unwrap().iter().collect();
        assert_eq!(v, [Some(0.0), Some(1.0), None]);
    }
}
