//! The HTML report's charts as inline SVG, drawn here from aggregates (counts, quantiles, means),
//! so their size does not grow with the number of institutions: a bar chart of the grade
//! distribution, box plots of the score per peer group, grouped bars of the dimension means per
//! peer group. Every mark carries a `<title>` with its figure, shown on hover. Coordinates are
//! written to one decimal, so the same figures give the same bytes.

use std::fmt::Write as _;

use super::escape;

/// Colours of the series of a grouped bar chart (peer groups), repeated past the last.
pub const PALETTE: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f",
];

/// Quantiles of one peer group's scores.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxStats {
    pub n: usize,
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
}

impl BoxStats {
    /// The quantiles of `values` (sorted in place; `None` when empty), interpolated linearly
    /// between order statistics (Excel's QUARTILE.INC).
    pub fn of(values: &mut [f64]) -> Option<BoxStats> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let quantile = |p: f64| {
            let h = (values.len() - 1) as f64 * p;
            let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
            values[lo] + (values[hi] - values[lo]) * (h - lo as f64)
        };
        Some(BoxStats {
            n: values.len(),
            min: values[0],
            q1: quantile(0.25),
            median: quantile(0.5),
            q3: quantile(0.75),
            max: values[values.len() - 1],
        })
    }
}

fn svg_open(out: &mut String, width: f64, height: f64, label: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" aria-label="{}">"#,
        escape(label)
    );
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, class: &str, content: &str) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" class="{class}">{}</text>"#,
        escape(content)
    );
}

/// A shown number: at most `decimals` decimals, no trailing zeros.
pub fn short(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" {
        "0".into()
    } else {
        text
    }
}

/// Vertical bars, one per `(label, count, colour)`: the grade distribution.
pub fn bar_chart(label: &str, bars: &[(String, usize, String)]) -> String {
    let mut out = String::new();
    let slot = 64.0;
    let (left, top, plot_height) = (40.0, 20.0, 180.0);
    let width = left + slot * bars.len().max(1) as f64 + 20.0;
    let height = top + plot_height + 40.0;
    svg_open(&mut out, width, height, label);
    let most = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let base = top + plot_height;
    let _ = write!(
        out,
        r#"<path class="axis" d="M{left:.1} {top:.1}V{base:.1}H{:.1}"/>"#,
        width - 10.0
    );
    for (i, (name, count, colour)) in bars.iter().enumerate() {
        let h = plot_height * *count as f64 / most;
        let x = left + slot * i as f64 + 10.0;
        let _ = write!(
            out,
            r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{colour}" class="mark"><title>{}: {count}</title></rect>"#,
            base - h,
            slot - 20.0,
            escape(name)
        );
        let middle = x + (slot - 20.0) / 2.0;
        text(
            &mut out,
            middle,
            base - h - 4.0,
            "middle",
            "value",
            &count.to_string(),
        );
        text(&mut out, middle, base + 16.0, "middle", "label", name);
    }
    out.push_str("</svg>");
    out
}

/// Horizontal box plots, one per peer group: whiskers from min to max, the box from the first
/// to the third quartile, the median as a line.
pub fn box_plots(label: &str, groups: &[(String, BoxStats)]) -> String {
    let mut out = String::new();
    let (left, right, top, row) = (150.0, 30.0, 10.0, 30.0);
    let plot_width = 460.0;
    let width = left + plot_width + right;
    let height = top + row * groups.len().max(1) as f64 + 30.0;
    svg_open(&mut out, width, height, label);
    let low = groups.iter().map(|g| g.1.min).fold(f64::INFINITY, f64::min);
    let high = groups
        .iter()
        .map(|g| g.1.max)
        .fold(f64::NEG_INFINITY, f64::max);
    let (low, high) = if low.is_finite() && high.is_finite() {
        let low = (low / 10.0).floor() * 10.0;
        let high = ((high / 10.0).ceil() * 10.0).max(low + 10.0);
        (low, high)
    } else {
        (0.0, 100.0)
    };
    let x = |v: f64| left + plot_width * (v - low) / (high - low);
    let bottom = top + row * groups.len().max(1) as f64;
    let _ = write!(
        out,
        r#"<path class="axis" d="M{left:.1} {bottom:.1}H{:.1}"/>"#,
        left + plot_width
    );
    for step in 0..=4 {
        let v = low + (high - low) * step as f64 / 4.0;
        text(
            &mut out,
            x(v),
            bottom + 16.0,
            "middle",
            "label",
            &short(v, 1),
        );
    }
    for (i, (name, stats)) in groups.iter().enumerate() {
        let middle = top + row * i as f64 + row / 2.0;
        text(
            &mut out,
            left - 8.0,
            middle + 4.0,
            "end",
            "label",
            &format!("{name} ({})", stats.n),
        );
        let colour = PALETTE[i % PALETTE.len()];
        let _ = write!(
            out,
            r#"<path class="whisker" d="M{:.1} {middle:.1}H{:.1}M{:.1} {:.1}V{:.1}M{:.1} {:.1}V{:.1}"/>"#,
            x(stats.min),
            x(stats.max),
            x(stats.min),
            middle - 6.0,
            middle + 6.0,
            x(stats.max),
            middle - 6.0,
            middle + 6.0
        );
        let _ = write!(
            out,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}" class="mark"><title>{}: n={}, min {}, Q1 {}, median {}, Q3 {}, max {}</title></rect>"#,
            x(stats.q1),
            middle - 9.0,
            (x(stats.q3) - x(stats.q1)).max(1.0),
            18.0,
            escape(name),
            stats.n,
            short(stats.min, 2),
            short(stats.q1, 2),
            short(stats.median, 2),
            short(stats.q3, 2),
            short(stats.max, 2)
        );
        let _ = write!(
            out,
            r#"<path class="median" d="M{:.1} {:.1}V{:.1}"/>"#,
            x(stats.median),
            middle - 9.0,
            middle + 9.0
        );
    }
    out.push_str("</svg>");
    out
}

/// Grouped vertical bars: for each category (dimension) one bar per series (peer group), with a
/// legend; `values[series][category]`, `None` drawn as no bar.
pub fn grouped_bars(
    label: &str,
    categories: &[String],
    series: &[String],
    values: &[Vec<Option<f64>>],
) -> String {
    let mut out = String::new();
    let bar = 14.0;
    let gap = 18.0;
    let slot = bar * series.len().max(1) as f64 + gap;
    let (left, top, plot_height) = (40.0, 20.0, 180.0);
    let legend_rows = series.len().div_ceil(4) as f64;
    let width = (left + slot * categories.len().max(1) as f64 + 20.0).max(520.0);
    let height = top + plot_height + 44.0 + 18.0 * legend_rows;
    svg_open(&mut out, width, height, label);
    let high = values
        .iter()
        .flatten()
        .flatten()
        .fold(0.0f64, |a, b| a.max(*b));
    let high = ((high / 10.0).ceil() * 10.0).max(10.0);
    let base = top + plot_height;
    let _ = write!(
        out,
        r#"<path class="axis" d="M{left:.1} {top:.1}V{base:.1}H{:.1}"/>"#,
        width - 10.0
    );
    for step in 0..=4 {
        let v = high * step as f64 / 4.0;
        text(
            &mut out,
            left - 4.0,
            base - plot_height * step as f64 / 4.0 + 4.0,
            "end",
            "label",
            &short(v, 0),
        );
    }
    for (c, category) in categories.iter().enumerate() {
        let x0 = left + slot * c as f64 + gap / 2.0;
        for (s, name) in series.iter().enumerate() {
            let Some(Some(v)) = values.get(s).and_then(|row| row.get(c)) else {
                continue;
            };
            let h = plot_height * v.max(0.0) / high;
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{}" class="mark"><title>{} · {}: {}</title></rect>"#,
                x0 + bar * s as f64,
                base - h,
                bar - 1.0,
                PALETTE[s % PALETTE.len()],
                escape(category),
                escape(name),
                short(*v, 2)
            );
        }
        text(
            &mut out,
            x0 + bar * series.len() as f64 / 2.0,
            base + 16.0,
            "middle",
            "label",
            category,
        );
    }
    for (s, name) in series.iter().enumerate() {
        let x = left + 130.0 * (s % 4) as f64;
        let y = base + 34.0 + 18.0 * (s / 4) as f64;
        let _ = write!(
            out,
            r#"<rect x="{x:.1}" y="{:.1}" width="10" height="10" fill="{}"/>"#,
            y - 9.0,
            PALETTE[s % PALETTE.len()]
        );
        text(&mut out, x + 14.0, y, "start", "label", name);
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_interpolate_between_order_statistics() {
        let stats = BoxStats::of(&mut [4.0, 1.0, 3.0, 2.0, 5.0]).unwrap();
        assert_eq!(
            (stats.min, stats.q1, stats.median, stats.q3, stats.max),
            (1.0, 2.0, 3.0, 4.0, 5.0)
        );
        let stats = BoxStats::of(&mut [1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((stats.q1, stats.median, stats.q3), (1.75, 2.5, 3.25));
        assert_eq!(BoxStats::of(&mut []), None);
    }

    #[test]
    fn bars_are_scaled_to_the_largest_count() {
        let svg = bar_chart(
            "grades",
            &[
                ("A".into(), 10, "#0f0".into()),
                ("B".into(), 5, "#ff0".into()),
            ],
        );
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(r##"height="180.0" fill="#0f0""##), "{svg}");
        assert!(svg.contains(r##"height="90.0" fill="#ff0""##), "{svg}");
        assert!(svg.contains("<title>A: 10</title>"));
    }

    #[test]
    fn grouped_bars_skip_missing_means_and_escape_names() {
        let svg = grouped_bars(
            "means",
            &["质量".into(), "效率".into()],
            &["综合<1>".into()],
            &[vec![Some(80.0), None]],
        );
        assert_eq!(svg.matches(r#"class="mark""#).count(), 1);
        assert!(svg.contains("综合&lt;1&gt;"));
    }

    #[test]
    fn short_numbers_drop_trailing_zeros() {
        assert_eq!(short(85.1, 2), "85.1");
        assert_eq!(short(85.0, 2), "85");
        assert_eq!(short(-0.001, 2), "0");
    }
}
