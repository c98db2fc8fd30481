//! The report text of `jixiao mcda`: [`McdaResult`]'s `Display` (what ran, the weights, the
//! ranking, the notes) and [`McdaResult::explain`], which adds the method's intermediate tables
//! (normalised matrix, ideal and anti-ideal, S/R/Q and the compromise conditions, RSR's ranks,
//! probit table and regressions).

use std::fmt;

use polars::prelude::*;

use super::run::floats;
use super::text::{number, rank as rank_text, table, value};
use super::{Details, McdaResult, Method, RANK, SCORE};
use crate::mcda::rsr::Fit;
use crate::mcda::topsis::WeightPlacement;
use crate::mcda::Direction;

fn four(v: f64) -> String {
    number(v, 4)
}

fn direction_text(direction: Direction) -> &'static str {
    match direction {
        Direction::Benefit => "benefit (+)",
        Direction::Cost => "cost (−)",
    }
}

pub(super) fn strings(frame: &DataFrame, name: &str) -> Vec<String> {
    frame
        .column(name)
        .and_then(|c| c.cast(&DataType::String))
        .map(|c| {
            c.str()
                .map(|s| s.iter().map(|v| v.unwrap_or("").to_string()).collect())
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

fn numbers(frame: &DataFrame, name: &str) -> Vec<f64> {
    floats(frame, name).unwrap_or_default()
}

fn fit_text(label: &str, fit: &Option<Fit>) -> String {
    match fit {
        None => "no fit (fewer than two distinct probits)".into(),
        Some(f) => format!(
            "{label} = {} + {}·Probit (R² = {}, {} points)",
            number(f.a, 4),
            number(f.b, 4),
            f.r_squared.map_or("—".into(), |r| number(r, 4)),
            f.points
        ),
    }
}

impl McdaResult {
    /// One line saying what ran.
    fn headline(&self) -> String {
        let n = self.table.height();
        let settings = match &self.details {
            Details::Topsis { options, .. } => format!(
                "{} normalisation; weights {}",
                options.normalisation.name(),
                match options.placement {
                    WeightPlacement::WeightedMatrix => "in the matrix (v = w·r)",
                    WeightPlacement::WeightedDistance => "inside the distance (√Σ w·Δ²)",
                }
            ),
            Details::Vikor { v, .. } => format!("v = {v}; lower Q is better"),
            Details::Rsr { kind, cuts, .. } => format!(
                "{} ranks; {} grades by probit cut-points{} (grade 1 = top)",
                kind.name(),
                cuts.len() + 1,
                if cuts.is_empty() {
                    String::new()
                } else {
                    format!(
                        " {}",
                        cuts.iter()
                            .map(|c| number(*c, 2)
                                .trim_end_matches('0')
                                .trim_end_matches('.')
                                .to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ),
            Details::Wsm { normalisation, .. } => {
                format!("{} normalisation", normalisation.name())
            }
            Details::Wpm { .. } => "ratios to the best value (x/max, min/x)".into(),
        };
        format!(
            "{}: {} alternatives × {} criteria from {}\n{settings}; ties: {}\n",
            self.method.title(),
            n,
            self.criteria.len(),
            self.source.display(),
            self.ties.name()
        )
    }

    fn weights_text(&self) -> String {
        let mut headers = vec!["criterion".to_string(), "direction".into()];
        if let Some((name, _)) = &self.weights.statistic {
            headers.push(name.clone());
        }
        headers.push("weight".into());
        let rows: Vec<Vec<String>> = self
            .criteria
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let mut row = vec![c.name.clone(), direction_text(c.direction).into()];
                if let Some((_, values)) = &self.weights.statistic {
                    row.push(number(values[j], 4));
                }
                row.push(number(self.weights.values[j], 4));
                row
            })
            .collect();
        let mut out = format!("weights ({}):\n", self.weights.label);
        out.push_str(&table(&headers, &rows, 2));
        if let Some(ahp) = &self.weights.ahp {
            out.push_str(&format!(
                "  λmax = {}, CI = {}, RI = {}, CR = {} < 0.10\n",
                number(ahp.lambda_max, 4),
                number(ahp.ci, 4),
                number(ahp.ri, 2),
                number(ahp.cr, 4)
            ));
        }
        out
    }

    /// The ranking; `wide` adds the method's intermediate columns.
    fn ranking_text(&self, wide: bool) -> String {
        let t = &self.table;
        let mut headers = vec![RANK.to_string(), self.id.clone(), SCORE.into()];
        let mut columns: Vec<Vec<String>> = vec![
            numbers(t, RANK).into_iter().map(rank_text).collect(),
            strings(t, &self.id),
            numbers(t, SCORE)
                .into_iter()
                .map(|v| number(v, 4))
                .collect(),
        ];
        let mut add = |header: &str, values: Vec<String>| {
            headers.push(header.to_string());
            columns.push(values);
        };
        let four = |name: &str| -> Vec<String> {
            numbers(t, name).into_iter().map(|v| number(v, 4)).collect()
        };
        match self.method {
            Method::Topsis if wide => {
                add("D⁺", four("d_plus"));
                add("D⁻", four("d_minus"));
            }
            Method::Vikor => {
                if wide {
                    add("S", four("S"));
                    add("R", four("R"));
                }
                add(
                    "compromise",
                    strings(t, "compromise")
                        .into_iter()
                        .map(|v| {
                            if v == "true" {
                                "*".into()
                            } else {
                                String::new()
                            }
                        })
                        .collect(),
                );
            }
            Method::Rsr | Method::Wrsr => {
                if wide {
                    add("probit", four("probit"));
                }
                add("grade", strings(t, "grade"));
            }
            _ => {}
        }
        let mut cells: Vec<std::vec::IntoIter<String>> =
            columns.into_iter().map(Vec::into_iter).collect();
        let rows: Vec<Vec<String>> = (0..t.height())
            .map(|_| cells.iter_mut().filter_map(Iterator::next).collect())
            .collect();
        table(&headers, &rows, 0)
    }

    fn matrix_text(
        &self,
        title: &str,
        frame: &DataFrame,
        extra: &[(&str, &[f64])],
        format: fn(f64) -> String,
    ) -> String {
        let mut headers = vec![self.id.clone()];
        headers.extend(self.criteria.iter().map(|c| c.name.clone()));
        let ids = strings(frame, &self.id);
        let columns: Vec<Vec<f64>> = self
            .criteria
            .iter()
            .map(|c| numbers(frame, &c.name))
            .collect();
        let mut rows: Vec<Vec<String>> = (0..frame.height())
            .map(|i| {
                std::iter::once(ids[i].clone())
                    .chain(columns.iter().map(|c| format(c[i])))
                    .collect()
            })
            .collect();
        for (label, values) in extra {
            rows.push(
                std::iter::once(label.to_string())
                    .chain(values.iter().map(|v| format(*v)))
                    .collect(),
            );
        }
        format!("{title}:\n{}", table(&headers, &rows, 2))
    }

    /// The intermediate tables of the method (normalised matrix, ideal and anti-ideal, S/R/Q and
    /// the compromise conditions, RSR's ranks, probit table and regressions), then the report.
    pub fn explain(&self) -> String {
        let mut out = self.headline();
        out.push('\n');
        out.push_str(&self.weights_text());
        out.push('\n');
        match &self.details {
            Details::Topsis {
                options,
                values,
                ideal,
                anti_ideal,
                ..
            } => {
                let title = match options.placement {
                    WeightPlacement::WeightedMatrix => format!(
                        "weighted normalised matrix v = w·r ({})",
                        options.normalisation.name()
                    ),
                    WeightPlacement::WeightedDistance => format!(
                        "normalised matrix r ({}; weights enter the distances)",
                        options.normalisation.name()
                    ),
                };
                out.push_str(&self.matrix_text(
                    &title,
                    values,
                    &[("A⁺ ideal", ideal), ("A⁻ anti-ideal", anti_ideal)],
                    four,
                ));
                out.push_str(
                    "distances D⁺ (to the ideal), D⁻ (to the anti-ideal); score C = D⁻/(D⁺ + D⁻)\n",
                );
            }
            Details::Vikor {
                best,
                worst,
                s_range,
                r_range,
                compromise,
                compromise_ids,
                ..
            } => {
                let headers: Vec<String> = ["criterion", "f* best", "f⁻ worst"]
                    .map(String::from)
                    .to_vec();
                let rows: Vec<Vec<String>> = self
                    .criteria
                    .iter()
                    .enumerate()
                    .map(|(j, c)| vec![c.name.clone(), value(best[j]), value(worst[j])])
                    .collect();
                out.push_str("best and worst values:\n");
                out.push_str(&table(&headers, &rows, 2));
                out.push_str(&format!(
                    "S* = {}, S⁻ = {}, R* = {}, R⁻ = {}\n",
                    number(s_range.0, 4),
                    number(s_range.1, 4),
                    number(r_range.0, 4),
                    number(r_range.1, 4)
                ));
                let yes = |b: bool| if b { "holds" } else { "fails" };
                match (compromise.dq, compromise.advantage) {
                    (Some(dq), Some(advantage)) => out.push_str(&format!(
                        "C1 acceptable advantage: Q(a2) − Q(a1) = {} vs DQ = 1/(n − 1) = {}: {}\nC2 acceptable stability (a1 also best by S or R): {}\n",
                        number(advantage, 4),
                        number(dq, 4),
                        yes(compromise.c1),
                        yes(compromise.c2)
                    )),
                    _ => out.push_str("one alternative: it is the compromise\n"),
                }
                out.push_str(&format!("compromise set: {}\n", compromise_ids.join(", ")));
            }
            Details::Rsr {
                ranks,
                distribution,
                fit_groups,
                fit_objects,
                cuts,
                kind,
            } => {
                out.push_str(&self.matrix_text(
                    &format!("ranks R ({})", kind.name()),
                    ranks,
                    &[],
                    value,
                ));
                out.push('\n');
                let headers: Vec<String> = [
                    self.method.title(),
                    "f",
                    "cum f",
                    "mean rank",
                    "p",
                    "probit",
                ]
                .map(String::from)
                .to_vec();
                let rows: Vec<Vec<String>> = distribution
                    .rows
                    .iter()
                    .map(|r| {
                        vec![
                            number(r.value, 4),
                            r.count.to_string(),
                            r.cumulative.to_string(),
                            rank_text(r.mean_rank),
                            number(r.p, 4),
                            number(r.probit, 4),
                        ]
                    })
                    .collect();
                out.push_str(&format!(
                    "distribution (p = mean rank/n; last p = 1 − 1/(4n); probit = 5 + Φ⁻¹(p)):\n{}",
                    table(&headers, &rows, 2)
                ));
                out.push_str(&format!(
                    "regression over the {} distinct values: {}\n",
                    distribution.rows.len(),
                    fit_text(self.method.title(), fit_groups)
                ));
                out.push_str(&format!(
                    "regression over the {} alternatives:   {}\n",
                    distribution.n,
                    fit_text(self.method.title(), fit_objects)
                ));
                if let (Some(fit), false) = (fit_objects, cuts.is_empty()) {
                    let at: Vec<String> = cuts
                        .iter()
                        .map(|c| format!("probit {} → {}", number(*c, 2), number(fit.at(*c), 4)))
                        .collect();
                    out.push_str(&format!(
                        "grade cut-points on the fitted line (alternatives fit): {}\n",
                        at.join(", ")
                    ));
                }
            }
            Details::Wsm {
                normalisation,
                values,
            } => out.push_str(&self.matrix_text(
                &format!("normalised matrix ({})", normalisation.name()),
                values,
                &[],
                four,
            )),
            Details::Wpm { values } => out.push_str(&self.matrix_text(
                "ratios to the best value (x/max for benefit, min/x for cost)",
                values,
                &[],
                four,
            )),
        }
        out.push('\n');
        out.push_str(&self.ranking_text(true));
        out.push_str(&self.notes_text());
        out
    }

    fn notes_text(&self) -> String {
        self.notes.iter().map(|n| format!("note: {n}\n")).collect()
    }
}

impl fmt::Display for McdaResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.headline())?;
        writeln!(f)?;
        write!(f, "{}", self.weights_text())?;
        writeln!(f)?;
        write!(f, "{}", self.ranking_text(false))?;
        if let Details::Vikor { compromise_ids, .. } = &self.details {
            writeln!(f, "compromise set (*): {}", compromise_ids.join(", "))?;
        }
        write!(f, "{}", self.notes_text())
    }
}
