//! Charts drawn when the report is made: plain SVG with no script and no
//! style attributes (colours come from report.css classes), so the page
//! works offline and under `default-src 'self'`. Every chart is an image
//! with a title; the table next to it carries the same numbers as text.

use crate::render::write_escaped;
use std::fmt::Write as _;

/// One bar: a label, a share in percent (or none) and an optional target.
pub(crate) struct Bar {
    pub label: String,
    pub value: Option<f64>,
    pub target: Option<u8>,
}

const WIDTH: usize = 640;
const LABEL: usize = 220;
const ROW: usize = 30;
const PLOT: usize = WIDTH - LABEL - 60;

/// A horizontal bar chart of percentages, 0–100 %, with target marks.
pub(crate) fn bars(id: &str, title: &str, bars: &[Bar]) -> String {
    let height = ROW * bars.len() + 34;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"report-chart\" role=\"img\" aria-labelledby=\"{id}-title\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"{id}-title\">"
    );
    let _ = write_escaped(&mut out, title);
    out.push_str("</title>\n");
    for tick in [0, 50, 100] {
        let x = LABEL + PLOT * tick / 100;
        let _ = writeln!(
            out,
            "<line class=\"report-chart__grid\" x1=\"{x}\" y1=\"4\" x2=\"{x}\" y2=\"{}\"/><text class=\"report-chart__tick\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{tick}%</text>",
            height - 22,
            height - 6
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        write_bar(&mut out, i, bar);
    }
    out.push_str("</svg>\n");
    out
}

fn write_bar(out: &mut String, i: usize, bar: &Bar) {
    let y = 6 + i * ROW;
    let label: String = if bar.label.chars().count() > 13 {
        bar.label.chars().take(12).chain(['…']).collect()
    } else {
        bar.label.clone()
    };
    let _ = write!(
        out,
        "<text class=\"report-chart__label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">",
        LABEL - 8,
        y + 17
    );
    let _ = write_escaped(out, &label);
    out.push_str("</text>\n");
    let value = bar.value.unwrap_or(0.0).clamp(0.0, 100.0);
    let width = (PLOT as f64 * value / 100.0).round();
    let met = bar.target.is_some_and(|t| value >= f64::from(t));
    let class = if met {
        "report-chart__bar report-chart__bar--met"
    } else {
        "report-chart__bar"
    };
    let _ = writeln!(
        out,
        "<rect class=\"{class}\" x=\"{LABEL}\" y=\"{y}\" width=\"{width}\" height=\"{}\"/>",
        ROW - 8
    );
    let text = bar.value.map_or("—".to_string(), |v| format!("{v:.1}%"));
    let _ = writeln!(
        out,
        "<text class=\"report-chart__value\" x=\"{}\" y=\"{}\">{text}</text>",
        LABEL + width as usize + 6,
        y + 17
    );
    if let Some(target) = bar.target {
        let x = LABEL + PLOT * usize::from(target.min(100)) / 100;
        let _ = writeln!(
            out,
            "<line class=\"report-chart__target\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
            y.saturating_sub(2),
            y + ROW - 6
        );
    }
}
