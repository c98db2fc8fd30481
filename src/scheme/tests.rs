//! Tests of loading and checking a scheme: what parses, with what defaults, and what is refused.

use std::path::Path;

use super::*;
use crate::error::{Error, Result};

const MINIMAL: &str = "\
name: 测试方案
version: '1'
columns: {id: 机构编码}
dimensions:
  - id: 医疗质量
    weight: 100
indicators:
  - id: T4
    name: 出院患者手术占比
    dimension: 医疗质量
    direction: up
    weight: 1
";

fn parse(text: &str) -> Result<Scheme> {
    Scheme::from_text(Path::new("s"), Path::new("s/scheme.yaml"), text.to_string())
}

#[test]
fn minimal_scheme_parses_with_defaults() {
    let scheme = parse(MINIMAL).unwrap();
    assert_eq!(scheme.spec.scripts, vec!["indicators.rhai"]);
    assert_eq!(scheme.spec.score_decimals, 2);
    assert_eq!(scheme.spec.missing.policy, MissingPolicy::Renormalise);
    assert_eq!(
        scheme.scoring_of(&scheme.spec.indicators[0]),
        Scoring::PercentileRank {
            within: Within::All
        }
    );
}

#[test]
fn an_alias_stands_for_one_column_only() {
    let twice = MINIMAL.replace(
        "columns: {id: 机构编码}",
        "columns: {id: 机构编码, aliases: {出院人数: [出院人次], 出院患者数: [出院人次]}}",
    );
    let err = parse(&twice).unwrap_err().to_string();
    assert!(
        err.contains("\"出院人次\" is listed as an alias of both \"出院人数\" and \"出院患者数\""),
        "{err}"
    );
    let shadowing = MINIMAL.replace(
        "columns: {id: 机构编码}",
        "columns: {id: 机构编码, aliases: {出院人数: [出院人次], 出院人次: [出院数]}}",
    );
    let err = parse(&shadowing).unwrap_err().to_string();
    assert!(
        err.contains("\"出院人次\" is listed as an alias of \"出院人数\", but the scheme uses it as a column name itself"),
        "{err}"
    );
}

#[test]
fn unknown_key_is_reported_with_its_line() {
    let text = MINIMAL.replace("    weight: 1\n", "    wieght: 1\n");
    let Error::SchemeSyntax { message, span, .. } = parse(&text).unwrap_err() else {
        panic!("expected a syntax error")
    };
    assert!(message.contains("unknown field `wieght`"), "{message}");
    assert_eq!(span.unwrap().line, 12);
}

#[test]
fn undeclared_dimension_is_named_with_a_suggestion() {
    let text = MINIMAL.replace("    dimension: 医疗质量", "    dimension: 医疗质");
    let err = parse(&text).unwrap_err().to_string();
    assert!(err.contains("names dimension \"医疗质\""), "{err}");
    assert!(err.contains("did you mean \"医疗质量\""), "{err}");
    assert!(err.contains("s/scheme.yaml:10:5"), "{err}");
}

#[test]
fn monitor_indicators_are_scored_only_when_switched_on() {
    // A monitor indicator next to the scored one: reported only, even with a weight.
    let with_monitor = format!(
        "{MINIMAL}  - {{id: T1, name: 门诊人次数与出院人次数比, dimension: 医疗质量, direction: monitor, weight: 2}}\n"
    );
    let scheme = parse(&with_monitor).unwrap();
    let t1 = scheme.indicator("T1").unwrap();
    assert!(!scheme.is_scored(t1));
    // Switched on: scored by the monitor method, median distance within the peer group.
    let on = format!("{with_monitor}monitor: {{score: true}}\n");
    let scheme = parse(&on).unwrap();
    let t1 = scheme.indicator("T1").unwrap();
    assert!(scheme.is_scored(t1));
    assert_eq!(
        scheme.scoring_of(t1),
        Scoring::MedianDistance {
            within: Within::PeerGroup
        }
    );
    // Switched on, a monitor indicator without a weight cannot be placed in the tree.
    let unweighted = on.replace(", weight: 2}", "}");
    let err = parse(&unweighted).unwrap_err().to_string();
    assert!(err.contains("indicator T1 has no weight"), "{err}");
    assert!(err.contains("monitor.score is on"), "{err}");
    // A method that needs a better end makes no sense for a monitor indicator.
    let min_max = on.replace(", weight: 2}", ", weight: 2, scoring: {method: min_max}}");
    let err = parse(&min_max).unwrap_err().to_string();
    assert!(err.contains("has no better end"), "{err}");
}

#[test]
fn parts_inherit_from_their_parent_and_weigh_equally() {
    let text = MINIMAL.replace(
        "    weight: 1\n",
        "    weight: 1\n    unit: \"%\"\n    parts:\n      - {id: T4_a, name: 甲}\n      - {id: T4_b, name: 乙, direction: down, weight: 3}\n      - {id: T4_c, name: 丙, direction: monitor}\n",
    );
    let scheme = parse(&text).unwrap();
    let leaves: Vec<&str> = scheme.leaves().iter().map(|i| i.id.as_str()).collect();
    assert_eq!(leaves, ["T4_a", "T4_b", "T4_c"]);
    let a = scheme.indicator("T4_a").unwrap();
    assert_eq!(
        (
            a.direction,
            a.unit.as_deref(),
            a.weight,
            a.parent.as_deref()
        ),
        (Direction::Up, Some("%"), Some(1.0), Some("T4"))
    );
    assert_eq!(a.dimension, "医疗质量");
    assert!(scheme.is_scored(scheme.indicator("T4").unwrap()));
    assert!(!scheme.is_scored(scheme.indicator("T4_c").unwrap()));
    // A part cannot move to another dimension.
    let moved = text.replace(
        "{id: T4_a, name: 甲}",
        "{id: T4_a, name: 甲, dimension: 运营效率}",
    );
    let Error::SchemeSyntax { message, .. } = parse(&moved).unwrap_err() else {
        panic!("expected a syntax error")
    };
    assert!(message.contains("unknown field `dimension`"), "{message}");
    // A bundle has no formula of its own.
    let formula = text.replace("    unit: \"%\"\n", "    unit: \"%\"\n    formula: t4\n");
    let err = parse(&formula).unwrap_err().to_string();
    assert!(err.contains("has parts, so it has no formula"), "{err}");
}

#[test]
fn dimension_weight_needs_a_weighted_subdimension() {
    // The only weighted indicator sits in a sub-dimension of weight 0.
    let text = MINIMAL
        .replace(
            "    weight: 100\n",
            "    weight: 100\n    subdimensions:\n      - {id: 功能定位, weight: 0}\n",
        )
        .replace(
            "    dimension: 医疗质量\n",
            "    dimension: 医疗质量\n    subdimension: 功能定位\n",
        );
    let err = parse(&text).unwrap_err().to_string();
    assert!(
        err.contains("weight of dimension \"医疗质量\" cannot be used"),
        "{err}"
    );
}

#[test]
fn goalposts_must_agree_with_direction() {
    let text = format!("{MINIMAL}    scoring: {{method: goalposts, zero_at: 90, full_at: 60}}\n");
    let err = parse(&text).unwrap_err().to_string();
    assert!(
        err.contains("direction is up but full_at (60) is below zero_at (90)"),
        "{err}"
    );
}

#[test]
fn new_methods_parse_and_are_checked_against_the_direction() {
    let with = |extra: &str| format!("{MINIMAL}    {extra}\n");
    let scheme = parse(&with(
        "scoring: {method: index, standard: mean, within: peer_group}",
    ))
    .unwrap();
    assert_eq!(
        scheme.spec.indicators[0].scoring,
        Some(Scoring::Index {
            standard: Reference::Mean,
            within: Within::PeerGroup
        })
    );
    let scheme = parse(&with(
        "scoring: {method: efficacy, satisfactory: 95, unacceptable: 75}",
    ))
    .unwrap();
    assert_eq!(
        scheme.spec.indicators[0].scoring,
        Some(Scoring::Efficacy {
            satisfactory: Reference::Value(95.0),
            unacceptable: Reference::Value(75.0),
            within: Within::All,
            clip: true
        })
    );
    for (extra, reason) in [
        (
            "scoring: {method: efficacy, satisfactory: 60, unacceptable: 90}",
            "direction is up but satisfactory (60) is below unacceptable (90)",
        ),
        (
            "scoring: {method: efficacy, satisfactory: min, unacceptable: max}",
            "satisfactory must be the better end",
        ),
        (
            "scoring: {method: optimal, at: 8}",
            "give it direction monitor (with `at: M`) or band",
        ),
        (
            "scoring: {method: index, standard: 0}",
            "must be a positive number, not 0",
        ),
        (
            "scoring: {method: index, standard: average}",
            "expected a number or one of min, max, mean, median",
        ),
        ("scoring: {method: rank, borda: yes}", "invalid type"),
        (
            "scoring: {method: target, target: 5}\n    treat: {method: winsorise, log: true}",
            "log: true puts values on a log scale",
        ),
        (
            "treat: {method: clip_quantiles, low: 0.9, high: 0.1}",
            "0 <= low < high <= 1",
        ),
        (
            "treat: {method: winsorise, max_points: 0}",
            "max_points must be at least 1",
        ),
        (
            "missing: {method: median, within: everywhere}",
            "unknown variant `everywhere`",
        ),
    ] {
        let err = parse(&with(extra)).unwrap_err().to_string();
        assert!(err.contains(reason), "{extra}: {err}");
    }
    // A monitor indicator may be scored by optimal (with `at`) or efficacy between numbers.
    let monitor = MINIMAL.replace("direction: up", "direction: monitor");
    let on = |extra: &str| format!("{monitor}    {extra}\nmonitor: {{score: true}}\n");
    assert!(parse(&on("scoring: {method: optimal, at: 8}")).is_ok());
    assert!(parse(&on(
        "scoring: {method: efficacy, satisfactory: 8, unacceptable: 12}"
    ))
    .is_ok());
    let err = parse(&on("scoring: {method: optimal}"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("optimal needs the best value `at: M`"),
        "{err}"
    );
}

#[test]
fn treat_and_missing_are_inherited_and_missing_has_a_scheme_default() {
    let text = MINIMAL.replace(
        "    weight: 1\n",
        "    weight: 1\n    treat: {method: winsorise, within: peer_group}\n    missing: {method: zero}\n    parts:\n      - {id: T4_a, name: 甲}\n      - {id: T4_b, name: 乙, treat: {method: clip_quantiles}, missing: {method: mean}}\n",
    ) + "  - {id: T5, name: 丙, dimension: 医疗质量, direction: up, weight: 1}\nmissing: {impute: {method: median}}\n";
    let scheme = parse(&text).unwrap();
    let a = scheme.indicator("T4_a").unwrap();
    assert_eq!(
        a.treat,
        Some(Treat::Winsorise {
            within: Within::PeerGroup,
            max_points: 5,
            skew: 2.0,
            kurtosis: 3.5,
            log: false
        })
    );
    assert_eq!(scheme.impute_of(a), Impute::Zero);
    let b = scheme.indicator("T4_b").unwrap();
    assert_eq!(
        b.treat,
        Some(Treat::ClipQuantiles {
            within: Within::All,
            low: 0.01,
            high: 0.99
        })
    );
    assert_eq!(
        scheme.impute_of(b),
        Impute::Mean {
            within: Within::PeerGroup
        }
    );
    // T5 says nothing: the scheme's missing.impute, median within the peer group
    assert_eq!(
        scheme.impute_of(scheme.indicator("T5").unwrap()),
        Impute::Median {
            within: Within::PeerGroup
        }
    );
    // Renormalising one indicator makes no sense when the scheme scores missing as zero.
    let zero =
        format!("{MINIMAL}    missing: {{method: renormalise}}\nmissing: {{policy: zero}}\n");
    let err = parse(&zero).unwrap_err().to_string();
    assert!(err.contains("cannot be renormalised away"), "{err}");
}

#[test]
fn grade_bands_need_a_catch_all_and_order() {
    let bad_last =
        format!("{MINIMAL}grades:\n  by: score\n  bands:\n    - {{grade: A, min: 90}}\n");
    assert!(parse(&bad_last)
        .unwrap_err()
        .to_string()
        .contains("must have no bound"));
    let unordered = format!(
        "{MINIMAL}grades:\n  by: rank_share\n  bands:\n    - {{grade: A, top: 0.5}}\n    - {{grade: B, top: 0.2}}\n    - {{grade: C}}\n"
    );
    assert!(parse(&unordered)
        .unwrap_err()
        .to_string()
        .contains("out of order"));
}

#[test]
fn several_problems_are_reported_together() {
    let text = MINIMAL
        .replace(
            "direction: up\n    weight: 1",
            "direction: up\n    weight: -1",
        )
        .replace(
            "  - id: 医疗质量\n    weight: 100",
            "  - id: 医疗质量\n    weight: .nan",
        );
    match parse(&text).unwrap_err() {
        Error::Many(errors) => assert!(errors.len() >= 2),
        other => panic!("expected several errors, got {other}"),
    }
}

/// A band with no bound (grade's test helper of the same name; the scheme does not import grade).
fn band(grade: &str) -> GradeBand {
    GradeBand {
        grade: grade.into(),
        min: None,
        top: None,
        above_sd: None,
    }
}

/// A grade spec of these bands (likewise grade's `spec`).
fn spec(by: GradeBy, within: Within, bands: Vec<GradeBand>) -> GradeSpec {
    GradeSpec {
        by,
        within,
        algorithm: None,
        rounding: None,
        bands,
    }
}

fn bounded(grade: &str, f: impl FnOnce(&mut GradeBand)) -> GradeBand {
    let mut b = band(grade);
    f(&mut b);
    b
}

#[test]
fn checks_name_the_band_at_fault() {
    let three = || vec![band("A"), band("B"), band("C")];
    let mut ok = spec(GradeBy::MeanSd, Within::All, three());
    ok.bands[0].above_sd = Some(1.0);
    ok.bands[1].above_sd = Some(-1.0);
    assert!(check_grades(&ok).is_ok());

    let mut unordered = ok.clone();
    unordered.bands[1].above_sd = Some(1.0);
    assert!(check_grades(&unordered)
        .unwrap_err()
        .contains("out of order"));

    let mut missing = ok.clone();
    missing.bands[1].above_sd = None;
    assert!(check_grades(&missing)
        .unwrap_err()
        .contains("band \"B\": with `by: mean_sd` every band but the last needs `above_sd`"));

    let mut wrong_key = ok.clone();
    wrong_key.bands[0] = bounded("A", |b| b.min = Some(90.0));
    assert!(check_grades(&wrong_key)
        .unwrap_err()
        .contains("needs `above_sd`"));

    let mut not_a_number = ok.clone();
    not_a_number.bands[0].above_sd = Some(f64::NAN);
    assert!(check_grades(&not_a_number)
        .unwrap_err()
        .contains("must be a number"));

    let mut kmeans = spec(GradeBy::Kmeans, Within::PeerGroup, three());
    assert!(check_grades(&kmeans).is_ok());
    kmeans.algorithm = Some(KmeansAlgorithm::HartiganWong);
    assert!(check_grades(&kmeans).is_ok());
    kmeans.bands[0].min = Some(3.0);
    assert!(check_grades(&kmeans).unwrap_err().contains("take no bound"));

    let mut rsr = spec(GradeBy::RsrProbit, Within::All, three());
    rsr.rounding = Some(ShareRounding::Ceil);
    assert!(check_grades(&rsr)
        .unwrap_err()
        .contains("`rounding` is only for `by: rank_share`"));
    rsr.rounding = None;
    rsr.algorithm = Some(KmeansAlgorithm::Exact);
    assert!(check_grades(&rsr)
        .unwrap_err()
        .contains("`algorithm` is only for `by: kmeans`"));

    let mut last_bounded = spec(GradeBy::Kmeans, Within::All, three());
    last_bounded.bands[2].above_sd = Some(0.0);
    assert!(check_grades(&last_bounded)
        .unwrap_err()
        .contains("must have no bound"));
    assert!(check_grades(&spec(GradeBy::Score, Within::All, vec![]))
        .unwrap_err()
        .contains("at least one band"));
}

/// A second indicator, so that a list index and an id differ (`indicators[1]` is T24).
const TWO_INDICATORS: &str = "\
name: 测试方案
version: '1'
columns: {id: 机构编码}
dimensions:
  - id: 医疗质量
    weight: 100
indicators:
  - id: T4
    name: 出院患者手术占比
    dimension: 医疗质量
    direction: up
    weight: 1
  - id: T24
    name: 电子病历应用功能水平分级
    dimension: 医疗质量
    direction: up
    weight: 1
    scoring: {method: target, target: 5}
";

#[test]
fn a_wrong_value_is_named_by_indicator_id_and_pointed_at() {
    let text = TWO_INDICATORS.replace("target: 5}", "target: \"5级\"}");
    let Error::SchemeSyntax { message, span, .. } = parse(&text).unwrap_err() else {
        panic!("expected a syntax error")
    };
    assert!(message.contains("of indicator T24"), "{message}");
    assert!(!message.contains("indicators[1]"), "{message}");
    assert!(message.contains("expected a number"), "{message}");
    let span = span.unwrap();
    // Line 18 is `    scoring: {method: target, target: "5级"}`: the caret is under the value.
    assert_eq!(
        (span.line, span.column, span.length),
        (18, 39, 4),
        "{span:?}"
    );
}

#[test]
fn a_wrong_block_value_points_at_its_field_not_the_item() {
    let text = TWO_INDICATORS.replace("    weight: 1\n    scoring", "    weight: 一\n    scoring");
    let Error::SchemeSyntax { message, span, .. } = parse(&text).unwrap_err() else {
        panic!("expected a syntax error")
    };
    assert!(
        message.starts_with("weight of indicator T24: "),
        "{message}"
    );
    let span = span.unwrap();
    assert_eq!((span.line, span.column), (17, 13), "{span:?}");
}

#[test]
fn an_over_indented_line_gets_an_indentation_hint() {
    // `name:` indented under `direction: up`: YAML reads "up name: …" as one value.
    let text = MINIMAL.replace(
        "    direction: up\n    weight: 1",
        "    direction: up\n      weight: 1",
    );
    let Error::SchemeSyntax { help, span, .. } = parse(&text).unwrap_err() else {
        panic!("expected a syntax error")
    };
    let help = help.expect("an indentation hint");
    assert!(
        help.contains("line 12 is indented deeper than line 11 (`direction: up`)"),
        "{help}"
    );
    assert!(
        help.contains("indent `weight` like the keys around it"),
        "{help}"
    );
    assert_eq!(span.unwrap().line, 12);
}

#[test]
fn an_under_indented_line_gets_an_indentation_hint() {
    let text = MINIMAL.replace("    direction: up\n", "   direction: up\n");
    let Error::SchemeSyntax { help, span, .. } = parse(&text).unwrap_err() else {
        panic!("expected a syntax error")
    };
    let help = help.expect("an indentation hint");
    assert!(
        help.contains(
            "line 11 is indented 3 spaces, between the levels of the lines above (2 and 4)"
        ),
        "{help}"
    );
    assert_eq!(span.unwrap().line, 11);
}

#[test]
fn a_tab_in_the_indentation_is_named() {
    let text = MINIMAL.replace("    weight: 1\n", "\tweight: 1\n");
    let Error::SchemeSyntax { help, .. } = parse(&text).unwrap_err() else {
        panic!("expected a syntax error")
    };
    assert!(help.unwrap_or_default().contains("indented with a tab"));
}

#[test]
fn score_decimals_beyond_what_is_kept_are_refused_at_the_field() {
    let text = MINIMAL.replace("columns:", "score_decimals: 16\ncolumns:");
    let err = parse(&text).unwrap_err().to_string();
    assert!(
        err.contains("score_decimals: 16 asks for more decimals than a 64-bit float holds"),
        "{err}"
    );
    assert!(err.contains("s/scheme.yaml:3:1"), "{err}");
    let most = MINIMAL.replace("columns:", "score_decimals: 15\ncolumns:");
    assert_eq!(parse(&most).unwrap().spec.score_decimals, 15);
}
