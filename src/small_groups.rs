//! Small groups: a warning when the whole run, or a peer group, holds fewer institutions than
//! relative scoring needs. Ranks, group ranks and relative scores (min-max, percentile ranks,
//! z-scores, grades by rank share…) compare institutions with each other; among too few of them
//! they say little, and for a lone institution nothing: it is rank 1 whatever its figures, and its
//! relative scores come from comparing it with itself.
//!
//! The threshold is the scheme's `ranking.min_group_size` (default 2: only a lone institution is
//! warned about; a scheme raises it to be told about small groups too). Counted over every
//! institution of the run or group, ranked or not.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::columns::PEER_GROUP_COLUMN;
use crate::error::Result;
use crate::message::Warning;
use crate::plan::Plan;

/// The warnings of a scored frame (one row per institution, with the internal peer-group column).
pub fn notes(plan: &Plan, scored: &DataFrame) -> Result<Vec<Warning>> {
    let min = plan.scheme.spec.ranking.min_group_size as usize;
    let total = scored.height();
    let mut notes = Vec::new();
    if total == 1 {
        notes.push(Warning::LoneInstitution);
        return Ok(notes);
    }
    if total < min {
        notes.push(Warning::SmallRun {
            institutions: total,
            minimum: min,
        });
        return Ok(notes);
    }
    let grouped =
        plan.scheme.spec.columns.peer_group.is_some() || plan.scheme.spec.peer_groups.is_some();
    if !grouped {
        return Ok(notes);
    }
    let groups = scored.column(PEER_GROUP_COLUMN)?.cast(&DataType::String)?;
    let mut sizes: BTreeMap<String, usize> = BTreeMap::new();
    for group in groups.str()?.iter() {
        *sizes
            .entry(group.unwrap_or(crate::columns::UNGROUPED).to_string())
            .or_default() += 1;
    }
    let small: Vec<(String, usize)> = sizes
        .iter()
        .filter(|(_, n)| **n < min)
        .map(|(group, n)| (group.clone(), *n))
        .collect();
    if !small.is_empty() {
        notes.push(Warning::SmallGroups {
            minimum: min,
            groups: small,
            lone: sizes.values().any(|n| *n == 1),
        });
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(yaml_extra: &str, peer_group: bool) -> Plan {
        let dir = std::env::temp_dir().join(format!(
            "jixiao-small-groups-{}-{}",
            std::process::id(),
            yaml_extra.len() + peer_group as usize
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let group = if peer_group {
            ", peer_group: 类别"
        } else {
            ""
        };
        std::fs::write(
            dir.join("scheme.yaml"),
            format!(
                "name: t\nversion: \"1\"\ncolumns: {{id: 编码{group}}}\n{yaml_extra}\
                 dimensions:\n  - {{id: D, weight: 1}}\nindicators:\n  - {{id: Q1, name: q, \
                 dimension: D, direction: up, weight: 1, scoring: {{method: min_max}}}}\n"
            ),
        )
        .unwrap();
        std::fs::write(dir.join("indicators.rhai"), "let Q1 = col(\"x\");\n").unwrap();
        let plan = Plan::compile(crate::scheme::Scheme::load(&dir).unwrap()).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        plan
    }

    fn words(warnings: Vec<Warning>) -> Vec<String> {
        warnings.iter().map(ToString::to_string).collect()
    }

    fn frame(groups: &[&str]) -> DataFrame {
        df!(PEER_GROUP_COLUMN => groups).unwrap()
    }

    #[test]
    fn a_lone_institution_is_explained() {
        let notes = words(notes(&plan("", false), &frame(&["全部"])).unwrap());
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].starts_with("a lone institution: its rank 1"),
            "{notes:?}"
        );
    }

    #[test]
    fn the_default_threshold_warns_of_groups_of_one_only() {
        let plan = plan("", true);
        let notes = words(notes(&plan, &frame(&["a", "a", "b", "c", "c"])).unwrap());
        assert_eq!(
            notes,
            ["peer groups with fewer than 2 institutions (ranking.min_group_size): b (1); their \
              group ranks compare too few to mean much (a group of one is group rank 1 whatever \
              its figures)"]
        );
        assert!(super::notes(&plan, &frame(&["a", "a", "c", "c"]))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_raised_threshold_names_small_groups_and_small_runs() {
        let plan = plan("ranking: {min_group_size: 3}\n", true);
        let notes = words(notes(&plan, &frame(&["a", "a", "a", "c", "c"])).unwrap());
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("fewer than 3 institutions"), "{notes:?}");
        assert!(notes[0].contains(": c (2);"), "{notes:?}");
        assert!(!notes[0].contains("a group of one"), "{notes:?}");
        let notes = words(super::notes(&plan, &frame(&["a", "c"])).unwrap());
        assert_eq!(
            notes,
            ["only 2 institutions in this run: ranks and relative scores compare too few to mean \
              much (ranking.min_group_size is 3)"]
        );
    }
}
