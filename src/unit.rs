//! Units of measure a column's figures are in (元, 万元, %, ‰, 人, 天…), read from where returns
//! carry them — a header's last bracket ("医疗收入(元)"), a form's 单位 column, or scheme.yaml's
//! `columns.units` — and the conversions between them.
//!
//! Policies: two units convert only within one family, by fixed factors: money (元, 千元, 万元,
//! 百万元, 亿元), shares (%, ‰, ‱), persons (人, 人次, 例), days (天, 日). The same text is always
//! the same unit, known or not (DDD, 床日, 吨标煤). Anything else — different families, or a unit
//! this table does not know — cannot be converted, and the caller reports both units. A header's
//! bracket is a unit only when its text is one of the known units, so "同期出院患者手术人数（择期）"
//! keeps its bracket as part of the name.

/// Every known unit: its family and its size in the family's base unit.
const UNITS: [(&str, &str, f64); 14] = [
    ("元", "money", 1.0),
    ("千元", "money", 1e3),
    ("万元", "money", 1e4),
    ("百万元", "money", 1e6),
    ("亿元", "money", 1e8),
    ("%", "share", 1e-2),
    ("％", "share", 1e-2),
    ("‰", "share", 1e-3),
    ("‱", "share", 1e-4),
    ("人", "persons", 1.0),
    ("人次", "persons", 1.0),
    ("例", "persons", 1.0),
    ("天", "days", 1.0),
    ("日", "days", 1.0),
];

/// Units known only by name: each converts to itself alone.
const NAMED_ONLY: [&str; 8] = [
    "床日",
    "吨标煤",
    "DDD",
    "DDDs",
    "次",
    "项",
    "级",
    "吨标煤/万元",
];

fn known(unit: &str) -> Option<(&'static str, f64)> {
    UNITS
        .iter()
        .find(|(name, _, _)| *name == unit)
        .map(|(_, family, size)| (*family, *size))
}

/// Whether `text` is a unit this module knows (see the module documentation).
pub fn is_unit(text: &str) -> bool {
    known(text).is_some() || NAMED_ONLY.contains(&text)
}

/// The factor that turns a figure in `from` into one in `to` (`from` 元 → `to` 万元: 0.0001);
/// `None` when the two cannot be converted.
pub fn factor(from: &str, to: &str) -> Option<f64> {
    if from == to {
        return Some(1.0);
    }
    let (from_family, from_size) = known(from)?;
    let (to_family, to_size) = known(to)?;
    (from_family == to_family).then(|| from_size / to_size)
}

/// `value` in `from` converted to `to`, by multiplying by the larger unit's size before dividing
/// by the other's, so that 元 → 万元 divides by 10 000 exactly; `None` when they cannot be
/// converted.
pub fn convert(value: f64, from: &str, to: &str) -> Option<f64> {
    if from == to {
        return Some(value);
    }
    let (from_family, from_size) = known(from)?;
    let (to_family, to_size) = known(to)?;
    (from_family == to_family).then(|| value * from_size / to_size)
}

/// A header split into its name and the unit its last bracket holds: "医疗收入(元)" →
/// ("医疗收入", Some("元")); "医疗收入（万元）" likewise; "出院人数" → ("出院人数", None).
pub fn split_unit(header: &str) -> (&str, Option<&str>) {
    let trimmed = header.trim_end();
    for (open, close) in [('(', ')'), ('（', '）'), ('(', '）'), ('（', ')')] {
        if let Some(inner) = trimmed.strip_suffix(close) {
            if let Some(at) = inner.rfind(open) {
                let unit = inner[at + open.len_utf8()..].trim();
                if is_unit(unit) {
                    return (inner[..at].trim_end(), Some(unit));
                }
            }
        }
    }
    (trimmed, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_converts_by_powers_of_ten() {
        assert_eq!(factor("元", "万元"), Some(1e-4));
        assert_eq!(factor("万元", "元"), Some(1e4));
        assert_eq!(factor("亿元", "万元"), Some(1e4));
        assert_eq!(factor("%", "‰"), Some(10.0));
        assert_eq!(factor("DDD", "DDD"), Some(1.0));
        assert_eq!(factor("元", "人"), None, "families differ");
        assert_eq!(factor("床日", "天"), None, "a bed-day is not a day");
    }

    #[test]
    fn a_bracket_is_a_unit_only_when_it_names_one() {
        assert_eq!(split_unit("医疗收入(元)"), ("医疗收入", Some("元")));
        assert_eq!(split_unit("医疗收入（万元）"), ("医疗收入", Some("万元")));
        assert_eq!(
            split_unit("同期出院患者手术人数（择期）"),
            ("同期出院患者手术人数（择期）", None)
        );
        assert_eq!(split_unit("总能耗(吨标煤)"), ("总能耗", Some("吨标煤")));
        assert_eq!(split_unit("出院人数"), ("出院人数", None));
    }
}
