//! The language of the reports people read (`--lang zh|en`): the HTML report and the xlsx report
//! speak Chinese by default. The stages carry what they have to say as values — an institution's
//! flags ([`Flag`]), the run summary's warnings ([`Warning`]) and data problems
//! ([`ProblemLine`]) — whose `Display` is the English of the CSV's `flags` column and of the
//! printed summary (stable for scripts); this module words the same values in Chinese, in the
//! field's terms (指标, 权重, 同类组, 等级, 一票否决, 加分, 扣分, 缺失, 分母为零…), leaving the
//! scheme's own reasons, ids, column names and file names as written. Nothing is parsed back from
//! English.

use std::fmt::Write as _;
use std::path::Path;

use crate::columns::{PREVIOUS_SUFFIX, UNGROUPED};
use crate::display::format_number;
use crate::message::{flags_line, DataFlagKind, Flag, MissingIndicator, Warning};
use crate::problem::{Problem, ProblemLine};
use crate::summary::ReadAs;

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

/// An institution's flags worded in `lang`: English as the CSV's `flags` column (`; `-separated),
/// Chinese `；`-separated.
pub fn flags_text(flags: &[Flag], lang: Lang) -> String {
    match lang {
        Lang::En => flags_line(flags),
        Lang::Zh => flags.iter().map(flag_zh).collect::<Vec<_>>().join("；"),
    }
}

/// One flag in Chinese; the scheme's reasons (veto, bonus, deduction, grade adjustment, not
/// rated) are its own words, kept as written.
pub fn flag_zh(flag: &Flag) -> String {
    match flag {
        Flag::Data {
            kind,
            column,
            previous,
        } => {
            let kind = match kind {
                DataFlagKind::NotANumber => "非数字单元格",
                DataFlagKind::AmbiguousNumber => "数字有歧义",
                DataFlagKind::Negative => "负数",
                DataFlagKind::UnknownLevel => "取值不在范围内",
                DataFlagKind::RepeatedFigureDiffers => "重复填报的数字不一致",
                DataFlagKind::PartExceedsWhole => "部分大于整体",
            };
            let period = if *previous { "（上期）" } else { "" };
            format!("{kind}：{column}{period}")
        }
        Flag::Veto { reason } => format!("一票否决：{reason}"),
        Flag::NotRated { reason } => format!("未参评：{reason}"),
        Flag::GradeMoved { up, bands, reason } => {
            format!("{} {bands} 等：{reason}", if *up { "升" } else { "降" })
        }
        Flag::GradeHeld { up: true, reason } => format!("未升等（已是最高等级）：{reason}"),
        Flag::GradeHeld { up: false, reason } => format!("未降等（已是最低等级）：{reason}"),
        Flag::Unscored => "未计分：没有计分指标有数据".into(),
        Flag::Excluded { coverage, minimum } => format!(
            "数据不足未排名：有数据的指标占权重 {:.0}%，低于最低 {:.0}%",
            coverage * 100.0,
            minimum * 100.0
        ),
        Flag::NoPeerGroup => format!("无同类分组：在“{UNGROUPED}”中比较"),
        Flag::Missing { indicators } => format!("缺失指标：{}", missing_zh(indicators)),
        Flag::Imputed { indicators } => format!("插补指标：{}", indicators.join("，")),
        Flag::Bonus { reason, points } => format!("{reason} +{}", format_number(*points)),
        Flag::Deduction { reason, points } => format!("{reason} -{}", format_number(*points)),
        Flag::NoWorkPoints { column } => format!("无工分（{column}）：不分配金额"),
        Flag::NegativeWorkPoints { column } => format!("负工分（{column}）按 0 计"),
    }
}

fn missing_zh(indicators: &[MissingIndicator]) -> String {
    indicators
        .iter()
        .map(|m| match m.parts {
            Some((missing, all)) => format!("{} ({missing}/{all} 个子项)", m.id),
            None => m.id.clone(),
        })
        .collect::<Vec<_>>()
        .join("，")
}

/// A warning of the run summary worded in `lang` (English as printed).
pub fn warning_text(warning: &Warning, lang: Lang) -> String {
    match lang {
        Lang::En => warning.to_string(),
        Lang::Zh => warning_zh(warning),
    }
}

fn warning_zh(warning: &Warning) -> String {
    match warning {
        Warning::DimensionWeightsSum { total } => format!(
            "各维度权重之和为 {total}，不是 100 或 1；按相对权重使用"
        ),
        Warning::WeightsKept { node } => format!(
            "{node} 的权重保持方案中的值：在其全部指标上都有得分的机构太少，无法按数据计算权重"
        ),
        Warning::IndicatorDropped {
            id,
            name,
            reported,
            minimum,
        } => format!(
            "指标 {id}（{name}）不参与计分：只有 {reported} 家机构填报，少于要求的 {minimum} 家（include.min_reported）；其权重分给同级指标"
        ),
        Warning::WeightsWithoutDropped { weights } => {
            let weights: Vec<String> = weights
                .iter()
                .map(|(id, w)| format!("{id} {:.2}%", w * 100.0))
                .collect();
            format!("去掉不参与计分的指标后的有效权重：{}", weights.join("，"))
        }
        Warning::LoneInstitution => "只有一家机构：它的排名第 1、组内排名，以及与其他机构相比得出的得分或等级（min-max、百分位排名、z 分数、按排名比例分等）都只是与自己比较，不能说明其表现；请看其指标值和按固定标准计算的得分，或与同类机构一起计分".into(),
        Warning::SmallRun {
            institutions,
            minimum,
        } => format!(
            "本次只有 {institutions} 家机构：排名和相对得分比较的机构太少，意义不大（ranking.min_group_size 为 {minimum}）"
        ),
        Warning::SmallGroups {
            minimum,
            groups,
            lone,
        } => {
            let groups: Vec<String> = groups.iter().map(|(g, n)| format!("{g}（{n} 家）")).collect();
            format!(
                "机构少于 {minimum} 家的同类组（ranking.min_group_size）：{}；其组内排名比较的机构太少，意义不大{}",
                groups.join("，"),
                if *lone {
                    "（只有一家机构的组，无论数据如何组内排名都是第 1）"
                } else {
                    ""
                }
            )
        }
        Warning::ReportOnlyColumnsAbsent { previous, columns } => format!(
            "{}数据中没有这些列，按缺失处理：{}（只有不计分的报告指标读取它们，这些指标为缺失）",
            if *previous { "上期：" } else { "" },
            columns.join("，")
        ),
    }
}

/// A line of the run summary's data problems worded in `lang` (English as printed).
pub fn problem_text(line: &ProblemLine, lang: Lang) -> String {
    if lang == Lang::En {
        return line.to_string();
    }
    let n = line.count;
    let mut text = match &line.problem {
        Problem::EmptyFile => "数据文件中没有机构".to_string(),
        Problem::MissingId => format!("{n} 行没有机构编码"),
        Problem::DuplicateId { .. } => format!("{n} 个重复的机构编码"),
        Problem::RepeatedFigureDiffers { .. } => format!("{n} 处重复填报的数字不一致"),
        Problem::UnconvertibleUnit { .. } => format!("{n} 个表头的单位无法换算"),
        Problem::NotANumber { .. } => {
            format!("数值列中有 {n} 个单元格不是数字（按缺失处理）")
        }
        Problem::AmbiguousNumber { .. } => {
            format!("{n} 个以文本存储的数字有两种读法（按缺失处理）")
        }
        Problem::NegativeCount { .. } => {
            format!("计数或金额列中有 {n} 个负数（按缺失处理）")
        }
        Problem::PartExceedsWhole { .. } => {
            format!("{n} 个比例的部分大于整体（该比例为缺失）")
        }
        Problem::UnknownLevel { .. } => {
            format!("{n} 个单元格不在该列的取值范围内（按缺失处理）")
        }
    };
    if !line.places.is_empty() {
        let places: Vec<String> = line
            .places
            .iter()
            .map(|(row, column)| {
                let mut place = String::new();
                if let Some(row) = row {
                    let _ = write!(place, "第 {row} 行");
                }
                if let Some(column) = column {
                    let column = column.trim();
                    match column.strip_suffix(PREVIOUS_SUFFIX) {
                        Some(name) => {
                            let _ = write!(place, " {name}（上期）");
                        }
                        None => {
                            let _ = write!(place, " {column}");
                        }
                    }
                }
                place.trim().to_string()
            })
            .collect();
        let _ = write!(text, "：{}", places.join("，"));
        if line.more {
            text.push_str("，…");
        }
    }
    text
}

/// A data file as a report names it: in English the run summary's words (`described`: sheet,
/// encoding, header row, layout as read); in Chinese the file with its sheet and header row.
pub fn data_file_text(file: &Path, read: &ReadAs, described: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return described.to_string();
    }
    let mut notes = Vec::new();
    if let Some(sheet) = &read.sheet {
        notes.push(format!("工作表 {sheet}"));
    }
    if read.header_row > 1 {
        notes.push(format!("表头在第 {} 行", read.header_row));
    }
    match notes.is_empty() {
        true => file.display().to_string(),
        false => format!("{}（{}）", file.display(), notes.join("，")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::MissingIndicator;

    fn missing(ids: &[(&str, Option<(usize, usize)>)]) -> Flag {
        Flag::Missing {
            indicators: ids
                .iter()
                .map(|(id, parts)| MissingIndicator {
                    id: id.to_string(),
                    parts: *parts,
                })
                .collect(),
        }
    }

    #[test]
    fn flags_are_worded_in_chinese_from_their_facts() {
        let bonus = Flag::Bonus {
            reason: "国家临床重点专科".into(),
            points: 2.0,
        };
        let flags = [missing(&[("T38", None), ("T40", None)]), bonus];
        assert_eq!(
            flags_text(&flags, Lang::Zh),
            "缺失指标：T38，T40；国家临床重点专科 +2"
        );
        assert_eq!(
            flags_text(&flags, Lang::En),
            "missing: T38,T40; 国家临床重点专科 +2"
        );
        let zh = |flag: Flag| flag_zh(&flag);
        assert_eq!(
            zh(Flag::Veto {
                reason: "发生重大医疗事故".into()
            }),
            "一票否决：发生重大医疗事故"
        );
        assert_eq!(
            zh(missing(&[("T10", Some((27, 30)))])),
            "缺失指标：T10 (27/30 个子项)"
        );
        assert_eq!(
            zh(Flag::Data {
                kind: DataFlagKind::NotANumber,
                column: "门诊患者满意度".into(),
                previous: true
            }),
            "非数字单元格：门诊患者满意度（上期）"
        );
        assert_eq!(
            zh(Flag::Excluded {
                coverage: 0.55,
                minimum: 0.6
            }),
            "数据不足未排名：有数据的指标占权重 55%，低于最低 60%"
        );
        assert_eq!(
            zh(Flag::GradeMoved {
                up: false,
                bands: 1,
                reason: "医保违规".into()
            }),
            "降 1 等：医保违规"
        );
        assert_eq!(
            zh(Flag::GradeHeld {
                up: true,
                reason: "重点学科".into()
            }),
            "未升等（已是最高等级）：重点学科"
        );
        assert_eq!(zh(Flag::Unscored), "未计分：没有计分指标有数据");
        assert_eq!(
            zh(Flag::NoWorkPoints {
                column: "工分".into()
            }),
            "无工分（工分）：不分配金额"
        );
        assert_eq!(
            zh(Flag::Deduction {
                reason: "被通报批评".into(),
                points: 0.5
            }),
            "被通报批评 -0.5"
        );
        assert_eq!(flags_text(&[], Lang::Zh), "");
    }

    #[test]
    fn warnings_and_problem_lines_are_worded_in_chinese() {
        let small = Warning::SmallGroups {
            minimum: 2,
            groups: vec![("专科".into(), 1)],
            lone: true,
        };
        assert_eq!(
            warning_text(&small, Lang::Zh),
            "机构少于 2 家的同类组（ranking.min_group_size）：专科（1 家）；其组内排名比较的机构太少，意义不大（只有一家机构的组，无论数据如何组内排名都是第 1）"
        );
        assert_eq!(warning_text(&small, Lang::En), small.to_string());
        let line = ProblemLine {
            problem: Problem::NotANumber {
                text: "x".into(),
                reason: "not a number".into(),
            },
            count: 4,
            places: vec![
                (Some(36), Some("门诊患者满意度".into())),
                (Some(40), Some(format!("出院人数{PREVIOUS_SUFFIX}"))),
                (None, Some("床位数".into())),
            ],
            more: true,
        };
        assert_eq!(
            problem_text(&line, Lang::Zh),
            "数值列中有 4 个单元格不是数字（按缺失处理）：第 36 行 门诊患者满意度，第 40 行 出院人数（上期），床位数，…"
        );
        assert_eq!(
            problem_text(&line, Lang::En),
            "4 cells in numeric columns that are not a number (read as missing): row 36 门诊患者满意度, row 40 出院人数@prev, row 床位数, …"
                .replace("row 床位数", "床位数")
        );
        let read = ReadAs {
            sheet: Some("数据".into()),
            header_row: 3,
        };
        assert_eq!(
            data_file_text(
                Path::new("d.xlsx"),
                &read,
                "d.xlsx (sheet 数据, header at row 3)",
                Lang::Zh
            ),
            "d.xlsx（工作表 数据，表头在第 3 行）"
        );
    }
}
