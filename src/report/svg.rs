//! The geometry of the report's charts, worked out when the report is made.
//! The markup is the theme's (the `bar_chart` macro of report.html): plain
//! SVG with no script and no style attributes (colours come from report.css
//! classes), so the page works offline and under `default-src 'self'`.
//! Every chart is an image with a title; the table next to it carries the
//! same numbers as text.

use serde::Serialize;

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
/// Labels longer than this many characters are cut, with `…`.
const LABEL_CHARS: usize = 13;

/// A horizontal bar chart of percentages, 0–100 %, with target marks.
#[derive(Serialize)]
pub(crate) struct Chart {
    pub id: &'static str,
    pub width: usize,
    pub height: usize,
    /// Where the label column ends (labels are right-aligned to it).
    pub label_end: usize,
    /// Bottom of the grid lines and baseline of the tick labels.
    pub grid_bottom: usize,
    pub tick_y: usize,
    pub ticks: Vec<Tick>,
    pub bars: Vec<BarShape>,
}

#[derive(Serialize)]
pub(crate) struct Tick {
    pub x: usize,
    /// The percentage at the tick.
    pub label: usize,
}

#[derive(Serialize)]
pub(crate) struct BarShape {
    /// The label as shown (cut when long).
    pub label: String,
    pub x: usize,
    pub y: usize,
    pub text_y: usize,
    pub width: usize,
    pub height: usize,
    /// The value reached its target.
    pub met: bool,
    /// The value in percent to one decimal (`None`: nobody to count).
    pub value: Option<String>,
    pub value_x: usize,
    pub target: Option<Mark>,
}

/// The vertical line of a target.
#[derive(Serialize)]
pub(crate) struct Mark {
    pub x: usize,
    pub y1: usize,
    pub y2: usize,
}

/// Lays out a bar chart.
pub(crate) fn bars(id: &'static str, bars: &[Bar]) -> Chart {
    let height = ROW * bars.len() + 34;
    Chart {
        id,
        width: WIDTH,
        height,
        label_end: LABEL - 8,
        grid_bottom: height - 22,
        tick_y: height - 6,
        ticks: [0, 50, 100]
            .into_iter()
            .map(|tick| Tick {
                x: LABEL + PLOT * tick / 100,
                label: tick,
            })
            .collect(),
        bars: bars.iter().enumerate().map(|(i, b)| shape(i, b)).collect(),
    }
}

fn shape(i: usize, bar: &Bar) -> BarShape {
    let y = 6 + i * ROW;
    let label = if bar.label.chars().count() > LABEL_CHARS {
        let kept = bar.label.chars().take(LABEL_CHARS - 1);
        kept.chain(['…']).collect()
    } else {
        bar.label.clone()
    };
    let value = bar.value.unwrap_or(0.0).clamp(0.0, 100.0);
    let width = (PLOT as f64 * value / 100.0).round() as usize;
    BarShape {
        label,
        x: LABEL,
        y,
        text_y: y + 17,
        width,
        height: ROW - 8,
        met: bar.target.is_some_and(|t| value >= f64::from(t)),
        value: bar.value.map(|v| format!("{v:.1}%")),
        value_x: LABEL + width + 6,
        target: bar.target.map(|target| Mark {
            x: LABEL + PLOT * usize::from(target.min(100)) / 100,
            y1: y.saturating_sub(2),
            y2: y + ROW - 6,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_to_the_plot_and_long_labels_cut() {
        let chart = bars(
            "c",
            &[
                Bar {
                    label: "あいうえおかきくけこさしすせそ".into(),
                    value: Some(50.0),
                    target: Some(40),
                },
                Bar {
                    label: "（人材像未設定）".into(),
                    value: None,
                    target: None,
                },
            ],
        );
        assert_eq!(chart.height, 2 * ROW + 34);
        let (a, b) = (&chart.bars[0], &chart.bars[1]);
        assert_eq!(a.label, "あいうえおかきくけこさし…");
        assert_eq!(a.width, PLOT / 2);
        assert!(a.met);
        assert_eq!(a.value.as_deref(), Some("50.0%"));
        assert_eq!(
            a.target.as_ref().map(|m| m.x),
            Some(LABEL + PLOT * 40 / 100)
        );
        assert_eq!(
            (b.label.as_str(), b.width, b.value.as_deref()),
            ("（人材像未設定）", 0, None)
        );
        assert_eq!(
            chart.ticks.iter().map(|t| t.x).collect::<Vec<_>>(),
            [LABEL, LABEL + PLOT / 2, LABEL + PLOT]
        );
    }
}
