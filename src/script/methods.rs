//! The normalisation catalogue as rhai functions, for custom scoring functions and formulas.
//!
//! `normalise(x, "down", #{method: "vector", within: "peer_group"})` scores a formula with any
//! built-in method by name, with the parameters `scoring:` takes in `scheme.yaml` (checked the same
//! way), and `treat(x, #{method: "winsorise"})` treats it for outliers like `treat:`. The most used
//! ones have short names — `norm_min_max`, `norm_rank`, `norm_vector`, `norm_sum`,
//! `norm_reciprocal` (direction "up", the default, or "down"), `winsorise`, `clip_quantiles`,
//! `skewness`, `kurtosis` — each with a `group_` variant computed within the peer group. Scores
//! are on the method's scale (0–100 for most, see `crate::normalise`), so
//! `fn s(v) { norm_vector(v, "down") }` scores exactly like `scoring: {method: vector}` on a down
//! indicator. Like every formula function these build expressions; polars computes them.
//! Their names and forms are documented in `super::reference::DOCS` (`jixiao functions`), which
//! also serves the "did you mean" hints.

use polars::prelude::*;
use rhai::{Dynamic, Engine, EvalAltResult, Map};

use super::formula::Formula;
use crate::normalise::{self, winsorise, Better};
use crate::scheme::{Direction, Scoring, Treat, Within};

type RhaiResult<T> = Result<T, Box<EvalAltResult>>;

fn with(x: Dynamic, f: impl FnOnce(Expr) -> Expr) -> RhaiResult<Formula> {
    let x = Formula::number(x)?;
    Ok(Formula {
        expr: f(x.expr.clone()),
        ..x
    })
}

fn better(direction: &str) -> RhaiResult<Better> {
    match direction {
        "up" => Ok(Better::Higher),
        "down" => Ok(Better::Lower),
        other => Err(format!("direction must be \"up\" or \"down\", not \"{other}\"").into()),
    }
}

fn direction(name: &str) -> RhaiResult<Direction> {
    match name {
        "up" => Ok(Direction::Up),
        "down" => Ok(Direction::Down),
        "improve" => Ok(Direction::Improve),
        "monitor" => Ok(Direction::Monitor),
        "band" => Err("normalise takes no band: score 中优 with #{method: \"optimal\", at: M} and direction \"monitor\"".into()),
        other => Err(format!(
            "direction must be \"up\", \"down\", \"improve\" or \"monitor\", not \"{other}\""
        )
        .into()),
    }
}

/// A script value as JSON, so that scheme.yaml's deserialisers read rhai maps too.
fn to_json(value: Dynamic) -> RhaiResult<serde_json::Value> {
    use serde_json::Value;
    if value.is_unit() {
        return Ok(Value::Null);
    }
    if let Some(b) = value.clone().try_cast::<bool>() {
        return Ok(Value::Bool(b));
    }
    if let Some(i) = value.clone().try_cast::<rhai::INT>() {
        return Ok(Value::from(i));
    }
    if let Some(f) = value.clone().try_cast::<rhai::FLOAT>() {
        return serde_json::Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("{f} is not a usable number").into());
    }
    if let Some(s) = value.clone().try_cast::<rhai::ImmutableString>() {
        return Ok(Value::String(s.to_string()));
    }
    if let Some(items) = value.clone().try_cast::<rhai::Array>() {
        return items
            .into_iter()
            .map(to_json)
            .collect::<RhaiResult<_>>()
            .map(Value::Array);
    }
    if let Some(map) = value.clone().try_cast::<Map>() {
        let mut out = serde_json::Map::new();
        for (key, v) in map {
            out.insert(key.to_string(), to_json(v)?);
        }
        return Ok(Value::Object(out));
    }
    Err(format!("a {} cannot be a method parameter", value.type_name()).into())
}

pub(super) fn parse<T: serde::de::DeserializeOwned>(map: Map, what: &str) -> RhaiResult<T> {
    serde_json::from_value(to_json(Dynamic::from_map(map))?)
        .map_err(|e| format!("{what}: {e}").into())
}

fn normalise_with(x: Dynamic, direction_name: &str, method: Map) -> RhaiResult<Formula> {
    let direction = direction(direction_name)?;
    let scoring: Scoring = parse(method, "normalise")?;
    if matches!(scoring, Scoring::Custom { .. }) {
        return Err("normalise: a custom method is a script function; call it directly".into());
    }
    crate::scheme::check_scoring(&scoring, direction).map_err(|e| format!("normalise: {e}"))?;
    let x = Formula::number(x)?;
    let expr = normalise::score_expr(x.expr.clone(), direction, None, &scoring)
        .ok_or("normalise: this method cannot score this direction")?;
    Ok(Formula { expr, ..x })
}

fn quantile_bound(value: Dynamic, what: &str) -> RhaiResult<f64> {
    let v = value
        .as_float()
        .or_else(|_| value.as_int().map(|i| i as f64))
        .map_err(|_| format!("clip_quantiles: {what} must be a number"))?;
    Ok(v)
}

fn clip(x: Dynamic, low: Dynamic, high: Dynamic, over: Within) -> RhaiResult<Formula> {
    let (low, high) = (quantile_bound(low, "low")?, quantile_bound(high, "high")?);
    if !(0.0 <= low && low < high && high <= 1.0) {
        return Err(format!(
            "clip_quantiles needs 0 <= low < high <= 1, not low {low}, high {high}"
        )
        .into());
    }
    with(x, |x| {
        normalise::clip_quantiles::treated(x, low, high, over)
    })
}

/// Registers the functions on `engine`.
pub fn register(engine: &mut Engine) {
    engine.register_fn("normalise", normalise_with);
    engine.register_fn("treat", |x: Dynamic, method: Map| {
        let treat: Treat = parse(method, "treat")?;
        with(x, |x| normalise::treat_expr(x, &treat))
    });

    type Method = fn(Expr, Better, Within) -> Expr;
    let methods: [(&str, Method); 5] = [
        ("norm_min_max", normalise::min_max::score),
        ("norm_rank", |x, b, w| {
            normalise::rank::score(x, b, w, false)
        }),
        ("norm_vector", normalise::vector::score),
        ("norm_sum", normalise::sum::score),
        ("norm_reciprocal", normalise::reciprocal::score),
    ];
    for (name, method) in methods {
        for (name, over) in [
            (name.to_string(), Within::All),
            (format!("group_{name}"), Within::PeerGroup),
        ] {
            engine.register_fn(&name, move |x: Dynamic| {
                with(x, |x| method(x, Better::Higher, over))
            });
            engine.register_fn(&name, move |x: Dynamic, direction: &str| {
                let better = better(direction)?;
                with(x, |x| method(x, better, over))
            });
        }
    }

    for (name, over) in [
        ("winsorise", Within::All),
        ("group_winsorise", Within::PeerGroup),
    ] {
        engine.register_fn(name, move |x: Dynamic| {
            with(x, |x| {
                winsorise::treated(x, winsorise::Rule::default(), over)
            })
        });
    }
    engine.register_fn(
        "clip_quantiles",
        |x: Dynamic, low: Dynamic, high: Dynamic| clip(x, low, high, Within::All),
    );
    engine.register_fn(
        "group_clip_quantiles",
        |x: Dynamic, low: Dynamic, high: Dynamic| clip(x, low, high, Within::PeerGroup),
    );
    for (name, over) in [
        ("skewness", Within::All),
        ("group_skewness", Within::PeerGroup),
    ] {
        engine.register_fn(name, move |x: Dynamic| {
            with(x, |x| winsorise::skewness_expr(x, over))
        });
    }
    for (name, over) in [
        ("kurtosis", Within::All),
        ("group_kurtosis", Within::PeerGroup),
    ] {
        engine.register_fn(name, move |x: Dynamic| {
            with(x, |x| winsorise::kurtosis_expr(x, over))
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::columns::PEER_GROUP_COLUMN;
    use crate::script::sandbox::{engine_for_scheme, SourceTexts};

    use super::*;

    /// Evaluates `script` on x = [10, 20, 30, 40, 100] in groups a, a, b, b, b.
    fn eval(script: &str) -> Vec<Option<f64>> {
        let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
        let formula: Formula = engine.eval(script).unwrap();
        let frame = df!(
            "x" => [10.0, 20.0, 30.0, 40.0, 100.0],
            PEER_GROUP_COLUMN => ["a", "a", "b", "b", "b"]
        )
        .unwrap();
        let out = frame
            .lazy()
            .select([formula.expr.cast(DataType::Float64).alias("v")])
            .collect()
            .unwrap();
        let values: Vec<Option<f64>> = out.column("v").unwrap().f64().unwrap().iter().collect();
        if values.len() == 1 {
            vec![values[0]; 5]
        } else {
            values
        }
    }

    fn close(actual: Vec<Option<f64>>, expected: &[f64]) {
        assert_eq!(actual.len(), expected.len());
        for (a, e) in actual.iter().zip(expected) {
            assert!((a.unwrap() - e).abs() < 1e-6, "{actual:?} vs {expected:?}");
        }
    }

    #[test]
    fn short_names_match_the_scheme_methods() {
        close(
            eval(r#"norm_vector(col("x"))"#),
            &[8.770580, 17.541160, 26.311741, 35.082321, 87.705802],
        );
        close(
            eval(r#"norm_sum(col("x"))"#),
            &[5.0, 10.0, 15.0, 20.0, 50.0],
        );
        close(
            eval(r#"norm_reciprocal(col("x"), "down")"#),
            &[100.0, 50.0, 33.333333, 25.0, 10.0],
        );
        close(
            eval(r#"norm_rank(col("x"), "down")"#),
            &[5.0, 4.0, 3.0, 2.0, 1.0],
        );
        close(
            eval(r#"norm_min_max(col("x"))"#),
            &[0.0, 11.111111, 22.222222, 33.333333, 100.0],
        );
        // group a [10, 20], group b [30, 40, 100]
        close(
            eval(r#"group_norm_min_max(col("x"))"#),
            &[0.0, 100.0, 0.0, 14.285714, 100.0],
        );
        close(
            eval(r#"group_norm_rank(col("x"))"#),
            &[1.0, 2.0, 1.0, 2.0, 3.0],
        );
    }

    #[test]
    fn any_method_by_name_with_its_parameters() {
        // distance to target 50, uncapped: (x − 10) / 40
        close(
            eval(
                r#"normalise(col("x"), "up", #{method: "distance_to_target", target: 50, cap: false})"#,
            ),
            &[0.0, 25.0, 50.0, 75.0, 225.0],
        );
        // index against the mean 40
        close(
            eval(r#"normalise(col("x"), "up", #{method: "index", standard: "mean"})"#),
            &[25.0, 50.0, 75.0, 100.0, 250.0],
        );
        // 功效系数 with the sample's best and worst: 60 + 40 (x − 10) / 90
        close(
            eval(
                r#"normalise(col("x"), "up", #{method: "efficacy", satisfactory: "max", unacceptable: "min"})"#,
            ),
            &[60.0, 64.444444, 68.888889, 73.333333, 100.0],
        );
        // 中优 at 30: d = 20, 10, 0, 10, 70 → 1 − d/70
        close(
            eval(r#"normalise(col("x"), "monitor", #{method: "optimal", at: 30.0})"#),
            &[71.428571, 85.714286, 100.0, 85.714286, 0.0],
        );
        // peer groups through the map: group a [10, 20] → 0, 100
        close(
            eval(r#"normalise(col("x"), "up", #{method: "min_max", within: "peer_group"})"#),
            &[0.0, 100.0, 0.0, 14.285714, 100.0],
        );
    }

    #[test]
    fn outliers_and_shape_statistics() {
        // 100 lies beyond the 0.9 quantile 76; the 0.1 quantile is 14
        close(
            eval(r#"clip_quantiles(col("x"), 0.1, 0.9)"#),
            &[14.0, 20.0, 30.0, 40.0, 76.0],
        );
        close(
            eval(r#"treat(col("x"), #{method: "clip_quantiles", low: 0.1, high: 0.9})"#),
            &[14.0, 20.0, 30.0, 40.0, 76.0],
        );
        // five values: skew 1.697056 < 2 passes, nothing winsorised
        close(eval(r#"skewness(col("x"))"#), &[1.697056; 5]);
        close(eval(r#"kurtosis(col("x"))"#), &[3.152; 5]);
        close(
            eval(r#"winsorise(col("x"))"#),
            &[10.0, 20.0, 30.0, 40.0, 100.0],
        );
        // group b [30, 40, 100]: mean 56.666667, Σd² = 2866.666667, Σd³ = 57777.777778 →
        // √3 × 57777.78 / 2866.67^1.5 × √6 / 1 = 1.597097; group a has two values: none
        let grouped = eval(r#"group_skewness(col("x"))"#);
        assert_eq!(grouped[..2], [None, None]);
        close(grouped[2..].to_vec(), &[1.597097; 3]);
    }

    #[test]
    fn misuse_is_an_error_with_the_reason() {
        let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
        for (script, reason) in [
            (
                r#"normalise(col("x"), "up", #{method: "vectr"})"#,
                "unknown variant `vectr`",
            ),
            (
                r#"normalise(col("x"), "sideways", #{method: "vector"})"#,
                "direction must be",
            ),
            (
                r#"normalise(col("x"), "monitor", #{method: "vector"})"#,
                "no better end",
            ),
            (
                r#"normalise(col("x"), "up", #{method: "index", standard: 0})"#,
                "must be a positive number",
            ),
            (
                r#"norm_vector(col("x"), "upward")"#,
                "direction must be \"up\" or \"down\"",
            ),
            (
                r#"clip_quantiles(col("x"), 0.9, 0.1)"#,
                "0 <= low < high <= 1",
            ),
            (
                r#"treat(col("x"), #{method: "winsorise", maxpoints: 3})"#,
                "unknown field `maxpoints`",
            ),
        ] {
            let err = engine.eval::<Formula>(script).unwrap_err().to_string();
            assert!(err.contains(reason), "{script}: {err}");
        }
    }
}
