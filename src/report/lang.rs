//! The language of the reports people read (`--lang zh|en`): the HTML report and the xlsx report
//! speak Chinese by default. The output table's `flags` stay as the CSV writes them (English
//! keywords before the scheme's own Chinese reasons, stable for scripts); [`flags_text`] words
//! them for a reader, keyword by keyword, leaving the scheme's reasons and ids as written.

/// The language of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    /// 中文 (default).
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The names `--lang` takes.
    pub const NAMES: [&'static str; 2] = ["zh", "en"];

    pub fn from_name(name: &str) -> Option<Lang> {
        match name {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The HTML `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks the text of this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// An institution's `flags` (`; `-separated) worded in `lang`; English is the text as written.
pub fn flags_text(flags: &str, lang: Lang) -> String {
    if lang == Lang::En || flags.is_empty() {
        return flags.to_string();
    }
    flags
        .split("; ")
        .map(flag_zh)
        .collect::<Vec<_>>()
        .join("；")
}

/// One flag in Chinese; a flag of a kind not listed here (a bonus or deduction reason, already
/// the scheme's words) is kept as written.
fn flag_zh(flag: &str) -> String {
    let previous = |column: &str| column.replace(" (previous period)", "（上期）");
    const PREFIXES: [(&str, &str); 12] = [
        ("veto: ", "一票否决："),
        ("not rated: ", "不参评："),
        ("missing: ", "缺失指标："),
        ("imputed: ", "插补指标："),
        ("not a number: ", "非数字单元格："),
        ("ambiguous number: ", "数字有歧义："),
        ("negative: ", "负数："),
        ("unknown level: ", "取值不在范围内："),
        ("repeated figure differs: ", "重复填报的数字不一致："),
        ("part exceeds whole: ", "部分大于整体："),
        ("no work points (", "无工分（"),
        ("negative work points (", "负工分（"),
    ];
    if flag == "unscored: no weighted indicator has data" {
        return "未计分：没有计分指标有数据".into();
    }
    if let Some(rest) = flag.strip_prefix("excluded: data for ") {
        // "excluded: data for 55% of the weight, below the 60% minimum"
        if let Some((have, rest)) = rest.split_once(" of the weight, below the ") {
            let minimum = rest.trim_end_matches(" minimum");
            return format!("数据不足未排名：有数据的指标占权重 {have}，低于最低 {minimum}");
        }
    }
    if let Some(rest) = flag.strip_prefix("no peer group: compared within ") {
        return format!("无同类分组：在 {rest} 中比较");
    }
    if let Some(rest) = flag.strip_prefix("grade down ") {
        return grade_move_zh(rest, "降");
    }
    if let Some(rest) = flag.strip_prefix("grade up ") {
        return grade_move_zh(rest, "升");
    }
    if let Some(rest) = flag.strip_prefix("grade not moved down (already the last band): ") {
        return format!("未降等（已是最低等级）：{rest}");
    }
    if let Some(rest) = flag.strip_prefix("grade not moved up (already the first band): ") {
        return format!("未升等（已是最高等级）：{rest}");
    }
    for (english, chinese) in PREFIXES {
        if let Some(rest) = flag.strip_prefix(english) {
            let rest = match english {
                "missing: " | "imputed: " => rest
                    .replace(" parts)", " 个子项)")
                    .replace(" of ", "/")
                    .replace(',', "，"),
                "no work points (" => rest.replace("): no money", "）：不分配金额"),
                "negative work points (" => rest.replace(") counted as 0", "）按 0 计"),
                _ => previous(rest),
            };
            return format!("{chinese}{rest}");
        }
    }
    flag.to_string()
}

/// "1 band: reason" / "2 bands: reason" after "grade down " or "grade up ".
fn grade_move_zh(rest: &str, way: &str) -> String {
    match rest.split_once(": ") {
        Some((bands, reason)) => {
            let k = bands.split(' ').next().unwrap_or(bands);
            format!("{way} {k} 等：{reason}")
        }
        None => rest.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_worded_in_chinese_keyword_by_keyword() {
        assert_eq!(
            flags_text("missing: T38,T40; 国家临床重点专科 +2", Lang::Zh),
            "缺失指标：T38，T40；国家临床重点专科 +2"
        );
        assert_eq!(
            flags_text("veto: 发生重大医疗事故", Lang::Zh),
            "一票否决：发生重大医疗事故"
        );
        assert_eq!(
            flags_text("missing: T10 (27 of 30 parts)", Lang::Zh),
            "缺失指标：T10 (27/30 个子项)"
        );
        assert_eq!(
            flags_text("not a number: 门诊患者满意度 (previous period)", Lang::Zh),
            "非数字单元格：门诊患者满意度（上期）"
        );
        assert_eq!(
            flags_text(
                "excluded: data for 55% of the weight, below the 60% minimum",
                Lang::Zh
            ),
            "数据不足未排名：有数据的指标占权重 55%，低于最低 60%"
        );
        assert_eq!(
            flags_text("grade down 1 band: 医保违规", Lang::Zh),
            "降 1 等：医保违规"
        );
        assert_eq!(
            flags_text("unscored: no weighted indicator has data", Lang::Zh),
            "未计分：没有计分指标有数据"
        );
        assert_eq!(
            flags_text("no work points (工分): no money", Lang::Zh),
            "无工分（工分）：不分配金额"
        );
    }

    #[test]
    fn english_keeps_the_flags_as_written() {
        let flags = "missing: T38,T40; 国家临床重点专科 +2";
        assert_eq!(flags_text(flags, Lang::En), flags);
        assert_eq!(flags_text("", Lang::Zh), "");
    }
}
