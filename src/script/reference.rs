//! The reference of the functions formulas may call, printed by `jixiao functions`.
//!
//! Names and numbers of arguments come from the engine itself — every function the sandbox
//! registers, read back from rhai's registry — and each is matched with its entry in [`DOCS`]
//! (signature with the value types of formulas, and a one-line description). A test fails when a
//! registered function has no entry or an entry names a function or a number of arguments that is
//! not registered, so the reference cannot drift from what scripts can call.
//!
//! Value types: `number` (a formula of numbers, or a plain number), `condition` (true/false per
//! institution, from a comparison), `text` (labels, grades), `list` (`[a, b, …]`) and `map`
//! (`#{key: value}`) for options.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::sandbox::{engine_for_scheme, SourceTexts, REFUSED};

/// One function: its forms (one signature per number of arguments or per use) and what it does.
pub struct FunctionDoc {
    pub name: &'static str,
    pub forms: &'static [&'static str],
    pub description: &'static str,
}

/// Every function registered for formulas, by name, with the numbers of arguments it takes.
/// Operators (`+`, `==`, `&` …) are left out: they are documented with the formulas.
pub fn registered() -> BTreeMap<String, BTreeSet<usize>> {
    let engine = engine_for_scheme(std::path::Path::new("."), SourceTexts::default());
    let mut out: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (name, arity) in engine.collect_fn_metadata(
        None,
        |info| Some((info.metadata.name.to_string(), info.metadata.num_params)),
        false,
    ) {
        if name.starts_with(|c: char| c.is_alphabetic() || c == '_')
            && !REFUSED.contains(&name.as_str())
        {
            out.entry(name).or_default().insert(arity);
        }
    }
    out
}

/// The number of arguments of a form such as `pct(a: number, b: number) -> number`.
fn arity(form: &str) -> usize {
    let open = form.find('(').expect("a form has arguments in parentheses");
    let close = form.rfind(')').expect("a form closes its arguments");
    let inside = form[open + 1..close].trim();
    if inside.is_empty() {
        return 0;
    }
    // Commas inside brackets ([a, b], #{…}) separate nothing at this level.
    let mut depth = 0;
    let mut count = 1;
    for c in inside.chars() {
        match c {
            '[' | '{' | '(' => depth += 1,
            ']' | '}' | ')' => depth -= 1,
            ',' if depth == 0 => count += 1,
            _ => {}
        }
    }
    count
}

/// The entry of `name`, if documented.
pub fn doc(name: &str) -> Option<&'static FunctionDoc> {
    DOCS.iter().find(|d| d.name == name)
}

/// The reference as text: every function, or the one named (with the closest names suggested
/// when there is none of that name).
pub fn reference(name: Option<&str>) -> Result<String, String> {
    let chosen: Vec<&FunctionDoc> = match name {
        Some(name) => match doc(name) {
            Some(doc) => vec![doc],
            None => {
                let hint = crate::error::closest(name, DOCS.iter().map(|d| d.name))
                    .map(|c| format!("; did you mean {c}?"))
                    .unwrap_or_default();
                return Err(format!("no function named {name}{hint}"));
            }
        },
        None => DOCS.iter().collect(),
    };
    let mut text = String::new();
    for doc in chosen {
        for form in doc.forms {
            let _ = writeln!(text, "{form}");
        }
        let _ = writeln!(text, "    {}", doc.description);
    }
    Ok(text)
}

/// Checks [`DOCS`] against the registry: the problems found, empty when they agree.
pub fn mismatches() -> Vec<String> {
    let registered = registered();
    let mut problems = Vec::new();
    for (name, arities) in &registered {
        match doc(name) {
            None => problems.push(format!("{name} is registered but has no entry")),
            Some(doc) => {
                let documented: BTreeSet<usize> = doc.forms.iter().map(|f| arity(f)).collect();
                if &documented != arities {
                    problems.push(format!(
                        "{name} takes {arities:?} arguments as registered, {documented:?} as documented"
                    ));
                }
                if doc.description.trim().is_empty() {
                    problems.push(format!("{name} has no description"));
                }
                for form in doc.forms {
                    if !form.starts_with(&format!("{name}(")) || !form.contains(") -> ") {
                        problems.push(format!("{name}: form {form:?} is not `{name}(…) -> type`"));
                    }
                }
            }
        }
    }
    for doc in DOCS {
        if !registered.contains_key(doc.name) {
            problems.push(format!("{} is documented but not registered", doc.name));
        }
    }
    problems
}

/// The entries, in the order `jixiao functions` lists them.
pub static DOCS: &[FunctionDoc] = &[
    FunctionDoc {
        name: "col",
        forms: &["col(name: text) -> number"],
        description: "a column of this period's data, by its header (cells that are not numbers count as missing)",
    },
    FunctionDoc {
        name: "prev",
        forms: &["prev(name: text) -> number"],
        description: "the same column in the previous period's data, matched by institution id",
    },
    FunctionDoc {
        name: "levels",
        forms: &["levels(name: text, levels: map) -> number"],
        description: "a column of graded levels (text) as the numbers they stand for, e.g. levels(\"预算管理\", #{\"完善\": 3, \"基本完善\": 2}); unknown levels count as missing",
    },
    FunctionDoc {
        name: "lit",
        forms: &["lit(v: number) -> number"],
        description: "a constant as a formula",
    },
    FunctionDoc {
        name: "ratio",
        forms: &["ratio(a: number, b: number) -> number"],
        description: "a / b, missing where b is 0 (counted in the run summary as a zero denominator); the same as a / b",
    },
    FunctionDoc {
        name: "pct",
        forms: &["pct(x: number) -> number", "pct(a: number, b: number) -> number"],
        description: "x × 100; a / b × 100, missing where b is 0",
    },
    FunctionDoc {
        name: "share",
        forms: &["share(part: number, whole: number) -> number"],
        description: "part / whole for a part that counts a subset of its whole: missing where the part exceeds the whole (impossible data, reported with its row)",
    },
    FunctionDoc {
        name: "share_pct",
        forms: &["share_pct(part: number, whole: number) -> number"],
        description: "part / whole × 100 for a part that counts a subset of its whole: missing where the part exceeds the whole, like share",
    },
    FunctionDoc {
        name: "growth",
        forms: &["growth(now: number, before: number) -> number"],
        description: "(now − before) / before × 100, a growth rate (增幅); missing where before is zero. The output shows the two levels beside the indicator (<id>.level, <id>.prev_level)",
    },
    FunctionDoc {
        name: "if_else",
        forms: &["if_else(cond: condition, a: number, b: number) -> number"],
        description: "Excel's IF, row by row: a where cond holds, else b (a formula has no `if`)",
    },
    FunctionDoc {
        name: "one_if",
        forms: &["one_if(cond: condition) -> number"],
        description: "1 where cond holds, 0 where it does not (missing where cond is): a condition as a number, said explicitly",
    },
    FunctionDoc {
        name: "clip",
        forms: &["clip(x: number, lo: number, hi: number) -> number"],
        description: "x bounded to [lo, hi]",
    },
    FunctionDoc {
        name: "abs",
        forms: &["abs(x: number) -> number"],
        description: "absolute value",
    },
    FunctionDoc {
        name: "sqrt",
        forms: &["sqrt(x: number) -> number"],
        description: "square root (missing for x < 0)",
    },
    FunctionDoc {
        name: "exp",
        forms: &["exp(x: number) -> number"],
        description: "e to the power x",
    },
    FunctionDoc {
        name: "ln",
        forms: &["ln(x: number) -> number"],
        description: "natural logarithm (missing for x <= 0)",
    },
    FunctionDoc {
        name: "log10",
        forms: &["log10(x: number) -> number"],
        description: "base-10 logarithm (missing for x <= 0)",
    },
    FunctionDoc {
        name: "pow",
        forms: &["pow(x: number, p: number) -> number"],
        description: "x to the power p",
    },
    FunctionDoc {
        name: "round",
        forms: &["round(x: number, n: number) -> number"],
        description: "x rounded to n decimals",
    },
    FunctionDoc {
        name: "min",
        forms: &["min(x: number) -> number", "min(a: number, b: number) -> number"],
        description: "the smallest x over all institutions (the same in every row); the row-wise smaller of a and b",
    },
    FunctionDoc {
        name: "max",
        forms: &["max(x: number) -> number", "max(a: number, b: number) -> number"],
        description: "the largest x over all institutions (the same in every row); the row-wise larger of a and b",
    },
    FunctionDoc {
        name: "fill_null",
        forms: &["fill_null(x: number, v: number) -> number"],
        description: "x with missing values replaced by v",
    },
    FunctionDoc {
        name: "is_null",
        forms: &["is_null(x: number) -> condition"],
        description: "true where x is missing",
    },
    FunctionDoc {
        name: "is_not_null",
        forms: &["is_not_null(x: number) -> condition"],
        description: "true where x is present",
    },
    FunctionDoc {
        name: "coalesce",
        forms: &["coalesce(xs: list) -> number", "coalesce(a: number, b: number) -> number"],
        description: "the first value present, row by row",
    },
    FunctionDoc {
        name: "mean",
        forms: &["mean(x: number) -> number"],
        description: "mean over all institutions, the same in every row",
    },
    FunctionDoc {
        name: "median",
        forms: &["median(x: number) -> number"],
        description: "median over all institutions, the same in every row",
    },
    FunctionDoc {
        name: "std",
        forms: &["std(x: number) -> number"],
        description: "sample standard deviation over all institutions (Excel's STDEV.S)",
    },
    FunctionDoc {
        name: "sum",
        forms: &["sum(x: number) -> number"],
        description: "sum over all institutions, the same in every row",
    },
    FunctionDoc {
        name: "count",
        forms: &["count(x: number) -> number"],
        description: "number of institutions with x present, the same in every row",
    },
    FunctionDoc {
        name: "quantile",
        forms: &["quantile(x: number, q: number) -> number"],
        description: "the q-quantile over all institutions, interpolated (Excel's PERCENTILE.INC)",
    },
    FunctionDoc {
        name: "rank",
        forms: &["rank(x: number) -> number", "rank(x: number, order: text) -> number"],
        description: "Excel's RANK.EQ: 1 = largest (or smallest with order \"asc\"), ties share the lower rank",
    },
    FunctionDoc {
        name: "pct_rank",
        forms: &["pct_rank(x: number) -> number"],
        description: "Excel's PERCENTRANK.INC: 0 to 1",
    },
    FunctionDoc {
        name: "group_mean",
        forms: &["group_mean(x: number) -> number"],
        description: "mean within each institution's peer group",
    },
    FunctionDoc {
        name: "group_median",
        forms: &["group_median(x: number) -> number"],
        description: "median within each institution's peer group",
    },
    FunctionDoc {
        name: "group_std",
        forms: &["group_std(x: number) -> number"],
        description: "sample standard deviation within each institution's peer group",
    },
    FunctionDoc {
        name: "group_min",
        forms: &["group_min(x: number) -> number"],
        description: "smallest x within each institution's peer group",
    },
    FunctionDoc {
        name: "group_max",
        forms: &["group_max(x: number) -> number"],
        description: "largest x within each institution's peer group",
    },
    FunctionDoc {
        name: "group_sum",
        forms: &["group_sum(x: number) -> number"],
        description: "sum within each institution's peer group",
    },
    FunctionDoc {
        name: "group_count",
        forms: &["group_count(x: number) -> number"],
        description: "number of institutions with x present in each peer group",
    },
    FunctionDoc {
        name: "group_quantile",
        forms: &["group_quantile(x: number, q: number) -> number"],
        description: "the q-quantile within each institution's peer group, interpolated",
    },
    FunctionDoc {
        name: "group_rank",
        forms: &["group_rank(x: number) -> number", "group_rank(x: number, order: text) -> number"],
        description: "rank (RANK.EQ) within the peer group: 1 = largest, or smallest with order \"asc\"",
    },
    FunctionDoc {
        name: "group_pct_rank",
        forms: &["group_pct_rank(x: number) -> number"],
        description: "PERCENTRANK.INC within the peer group: 0 to 1",
    },
    FunctionDoc {
        name: "normalise",
        forms: &["normalise(x: number, direction: text, options: map) -> number"],
        description: "x scored 0–100 by any built-in method, options as under `scoring:` (e.g. #{method: \"vector\", within: \"peer_group\"}); direction \"up\", \"down\", \"improve\" or \"monitor\"",
    },
    FunctionDoc {
        name: "treat",
        forms: &["treat(x: number, options: map) -> number"],
        description: "x after outlier treatment, options as under `treat:` (e.g. #{method: \"winsorise\"})",
    },
    FunctionDoc {
        name: "norm_min_max",
        forms: &["norm_min_max(x: number) -> number", "norm_min_max(x: number, direction: text) -> number"],
        description: "x scored 0–100 by min-max normalisation over all institutions (direction \"up\" by default, or \"down\")",
    },
    FunctionDoc {
        name: "norm_rank",
        forms: &["norm_rank(x: number) -> number", "norm_rank(x: number, direction: text) -> number"],
        description: "x scored 0–100 by rank normalisation over all institutions (direction \"up\" by default, or \"down\")",
    },
    FunctionDoc {
        name: "norm_vector",
        forms: &["norm_vector(x: number) -> number", "norm_vector(x: number, direction: text) -> number"],
        description: "x scored 0–100 by vector normalisation over all institutions (direction \"up\" by default, or \"down\")",
    },
    FunctionDoc {
        name: "norm_sum",
        forms: &["norm_sum(x: number) -> number", "norm_sum(x: number, direction: text) -> number"],
        description: "x scored 0–100 by sum normalisation over all institutions (direction \"up\" by default, or \"down\")",
    },
    FunctionDoc {
        name: "norm_reciprocal",
        forms: &["norm_reciprocal(x: number) -> number", "norm_reciprocal(x: number, direction: text) -> number"],
        description: "x scored 0–100 by reciprocal normalisation over all institutions (direction \"up\" by default, or \"down\")",
    },
    FunctionDoc {
        name: "group_norm_min_max",
        forms: &["group_norm_min_max(x: number) -> number", "group_norm_min_max(x: number, direction: text) -> number"],
        description: "x scored 0–100 by min-max normalisation within the peer group",
    },
    FunctionDoc {
        name: "group_norm_rank",
        forms: &["group_norm_rank(x: number) -> number", "group_norm_rank(x: number, direction: text) -> number"],
        description: "x scored 0–100 by rank normalisation within the peer group",
    },
    FunctionDoc {
        name: "group_norm_vector",
        forms: &["group_norm_vector(x: number) -> number", "group_norm_vector(x: number, direction: text) -> number"],
        description: "x scored 0–100 by vector normalisation within the peer group",
    },
    FunctionDoc {
        name: "group_norm_sum",
        forms: &["group_norm_sum(x: number) -> number", "group_norm_sum(x: number, direction: text) -> number"],
        description: "x scored 0–100 by sum normalisation within the peer group",
    },
    FunctionDoc {
        name: "group_norm_reciprocal",
        forms: &["group_norm_reciprocal(x: number) -> number", "group_norm_reciprocal(x: number, direction: text) -> number"],
        description: "x scored 0–100 by reciprocal normalisation within the peer group",
    },
    FunctionDoc {
        name: "winsorise",
        forms: &["winsorise(x: number) -> number"],
        description: "x winsorised by COINr's skew/kurtosis rule over all institutions",
    },
    FunctionDoc {
        name: "group_winsorise",
        forms: &["group_winsorise(x: number) -> number"],
        description: "x winsorised by COINr's skew/kurtosis rule within the peer group",
    },
    FunctionDoc {
        name: "clip_quantiles",
        forms: &["clip_quantiles(x: number, low: number, high: number) -> number"],
        description: "x clipped to its low and high quantiles over all institutions",
    },
    FunctionDoc {
        name: "group_clip_quantiles",
        forms: &["group_clip_quantiles(x: number, low: number, high: number) -> number"],
        description: "x clipped to its low and high quantiles within the peer group",
    },
    FunctionDoc {
        name: "skewness",
        forms: &["skewness(x: number) -> number"],
        description: "Excel's SKEW over all institutions",
    },
    FunctionDoc {
        name: "kurtosis",
        forms: &["kurtosis(x: number) -> number"],
        description: "Excel's KURT over all institutions",
    },
    FunctionDoc {
        name: "group_skewness",
        forms: &["group_skewness(x: number) -> number"],
        description: "Excel's SKEW within the peer group",
    },
    FunctionDoc {
        name: "group_kurtosis",
        forms: &["group_kurtosis(x: number) -> number"],
        description: "Excel's KURT within the peer group",
    },
    FunctionDoc {
        name: "topsis",
        forms: &["topsis(xs: list, weights: list) -> number", "topsis(xs: list, weights: list, directions: list) -> number"],
        description: "TOPSIS closeness (0–1, vector normalisation) of the formulas xs; weights (numbers or formulas) divided by their sum; directions \"+\" benefit (default) or \"-\" cost",
    },
    FunctionDoc {
        name: "group_topsis",
        forms: &["group_topsis(xs: list, weights: list) -> number", "group_topsis(xs: list, weights: list, directions: list) -> number"],
        description: "TOPSIS closeness within the peer group",
    },
    FunctionDoc {
        name: "vikor",
        forms: &["vikor(xs: list, weights: list, v: number) -> number"],
        description: "VIKOR's Q (0–1, lower is better) of the formulas xs, v the weight of group utility",
    },
    FunctionDoc {
        name: "group_vikor",
        forms: &["group_vikor(xs: list, weights: list, v: number) -> number"],
        description: "VIKOR's Q within the peer group",
    },
    FunctionDoc {
        name: "wrsr",
        forms: &["wrsr(xs: list, weights: list) -> number"],
        description: "weighted rank-sum ratio (WRSR) of the formulas xs",
    },
    FunctionDoc {
        name: "group_wrsr",
        forms: &["group_wrsr(xs: list, weights: list) -> number"],
        description: "weighted rank-sum ratio within the peer group",
    },
    FunctionDoc {
        name: "entropy_weights",
        forms: &["entropy_weights(xs: list) -> list"],
        description: "entropy weights of the formulas xs (after min-max), as formulas summing to 1",
    },
    FunctionDoc {
        name: "group_entropy_weights",
        forms: &["group_entropy_weights(xs: list) -> list"],
        description: "entropy weights computed within each peer group",
    },
    FunctionDoc {
        name: "critic_weights",
        forms: &["critic_weights(xs: list) -> list"],
        description: "CRITIC weights of the formulas xs (over the institutions with every value), as formulas summing to 1",
    },
    FunctionDoc {
        name: "group_critic_weights",
        forms: &["group_critic_weights(xs: list) -> list"],
        description: "CRITIC weights computed within each peer group",
    },
    FunctionDoc {
        name: "std_weights",
        forms: &["std_weights(xs: list) -> list"],
        description: "standard-deviation weights of the formulas xs (after min-max), as formulas summing to 1",
    },
    FunctionDoc {
        name: "group_std_weights",
        forms: &["group_std_weights(xs: list) -> list"],
        description: "standard-deviation weights computed within each peer group",
    },
    FunctionDoc {
        name: "grade",
        forms: &["grade(x: number, options: map) -> text"],
        description: "each institution's grade label by any method of `grades:` (same keys and checks); higher x is better; missing x: no grade",
    },
    FunctionDoc {
        name: "grade_score",
        forms: &["grade_score(x: number, minimums: list, labels: list) -> text"],
        description: "grade by fixed minimums, best first (one label more than minimums)",
    },
    FunctionDoc {
        name: "grade_rank_share",
        forms: &["grade_rank_share(x: number, shares: list, labels: list) -> text"],
        description: "grade by share of the ranking: e.g. [0.1, 0.4] gives the top 10%, the top 40%, the rest",
    },
    FunctionDoc {
        name: "group_grade_rank_share",
        forms: &["group_grade_rank_share(x: number, shares: list, labels: list) -> text"],
        description: "grade by share of the ranking within the peer group",
    },
    FunctionDoc {
        name: "grade_mean_sd",
        forms: &["grade_mean_sd(x: number, ks: list, labels: list) -> text"],
        description: "grade by cut-points mean + k·SD of x (sample SD)",
    },
    FunctionDoc {
        name: "group_grade_mean_sd",
        forms: &["group_grade_mean_sd(x: number, ks: list, labels: list) -> text"],
        description: "grade by mean + k·SD within the peer group",
    },
    FunctionDoc {
        name: "grade_kmeans",
        forms: &["grade_kmeans(x: number, labels: list) -> text", "grade_kmeans(x: number, labels: list, algorithm: text) -> text"],
        description: "one 1-D k-means cluster per label, best first; algorithm \"exact\" (default), \"hartigan_wong\" (R) or \"sas_fastclus\" (SAS)",
    },
    FunctionDoc {
        name: "group_grade_kmeans",
        forms: &["group_grade_kmeans(x: number, labels: list) -> text", "group_grade_kmeans(x: number, labels: list, algorithm: text) -> text"],
        description: "1-D k-means grades within the peer group",
    },
    FunctionDoc {
        name: "grade_rsr",
        forms: &["grade_rsr(x: number, labels: list) -> text"],
        description: "RSR 分档: Probit cut-points of the distribution table of x",
    },
    FunctionDoc {
        name: "group_grade_rsr",
        forms: &["group_grade_rsr(x: number, labels: list) -> text"],
        description: "RSR 分档 within the peer group",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_function_is_documented_with_its_forms() {
        let problems = mismatches();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(registered().len() >= 80, "the registry is read back");
    }

    #[test]
    fn a_wrong_entry_would_be_found() {
        // The check itself can fail: a form with the wrong number of arguments is seen.
        assert_ne!(arity("pct(x: number) -> number"), 2);
        assert!(registered()["pct"].contains(&2));
    }

    #[test]
    fn reference_of_one_function_and_of_an_unknown_name() {
        let text = reference(Some("share_pct")).unwrap();
        assert!(
            text.starts_with("share_pct(part: number, whole: number) -> number\n"),
            "{text}"
        );
        let error = reference(Some("share_pc")).unwrap_err();
        assert!(error.contains("did you mean share_pct?"), "{error}");
    }

    #[test]
    fn forms_count_their_arguments() {
        assert_eq!(arity("lit(v: number) -> number"), 1);
        assert_eq!(arity("f() -> number"), 0);
        assert_eq!(
            arity("topsis(xs: list, ws: list, dirs: [\"+\", \"-\"]) -> number"),
            3
        );
        assert_eq!(
            arity("normalise(x: number, dir: text, options: #{method: m, within: w}) -> number"),
            3
        );
    }
}
