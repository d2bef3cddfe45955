//! The desk's two charts, as SVG drawn on the server: license windows per partner on a
//! timeline, and reprints per month per partner as grouped bars. The geometry is computed here
//! (pure, tested); the templates only place what they are given, escaped.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::page::{render, PageError};

/// Colours that keep a 3:1 contrast on white, one per partner in turn.
const PALETTE: [&str; 6] = [
    "#1f5fa8", "#b34700", "#2a7d2e", "#8a2f8f", "#a3162b", "#4d5b6a",
];

const WIDTH: f64 = 720.0;
const LABEL: f64 = 150.0;
const ROW: f64 = 26.0;

/// One license window to draw.
pub struct Window {
    pub partner: String,
    pub license_id: i64,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

#[derive(Serialize)]
struct Bar {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
    colour: &'static str,
    label: String,
}

#[derive(Serialize)]
struct Label {
    x: f64,
    y: f64,
    text: String,
}

#[derive(Serialize)]
struct Chart {
    id: &'static str,
    title: String,
    description: String,
    width: f64,
    height: f64,
    bars: Vec<Bar>,
    labels: Vec<Label>,
    ticks: Vec<Label>,
    today_x: Option<f64>,
    axis_y: f64,
}

fn x_of(day: NaiveDate, first: NaiveDate, last: NaiveDate) -> f64 {
    let span = (last - first).num_days().max(1) as f64;
    let at = (day.clamp(first, last) - first).num_days() as f64;
    LABEL + (WIDTH - LABEL - 10.0) * at / span
}

fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn next_month(day: NaiveDate) -> NaiveDate {
    day.checked_add_months(chrono::Months::new(1))
        .unwrap_or(day)
}

/// License windows per partner, from `first` to `last`, today marked.
pub fn timeline(
    windows: &[Window],
    first: NaiveDate,
    last: NaiveDate,
    today: NaiveDate,
) -> Result<String, PageError> {
    let mut partners: Vec<&str> = Vec::new();
    for w in windows {
        if !partners.contains(&w.partner.as_str()) {
            partners.push(&w.partner);
        }
    }
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    for (row, partner) in partners.iter().enumerate() {
        let top = 10.0 + ROW * row as f64;
        labels.push(Label {
            x: LABEL - 8.0,
            y: top + ROW / 2.0 + 4.0,
            text: partner.to_string(),
        });
        let own: Vec<&Window> = windows.iter().filter(|w| w.partner == *partner).collect();
        let lane = (ROW - 6.0) / own.len().max(1) as f64;
        for (i, w) in own.iter().enumerate() {
            let start = x_of(w.from, first, last);
            let end = x_of(w.until.unwrap_or(last), first, last);
            bars.push(Bar {
                x: start,
                y: top + 3.0 + lane * i as f64,
                width: (end - start).max(2.0),
                height: (lane - 1.0).max(1.0),
                colour: PALETTE[row % PALETTE.len()],
                label: format!(
                    "License {} for {}: {} to {}",
                    w.license_id,
                    partner,
                    w.from,
                    w.until.map_or("no end".into(), |d| d.to_string())
                ),
            });
        }
    }
    let axis_y = 10.0 + ROW * partners.len().max(1) as f64;
    let mut ticks = Vec::new();
    let mut month = next_month(month_start(first));
    // A month label too near the right edge would be cut off.
    while month <= last && x_of(month, first, last) < WIDTH - 40.0 {
        ticks.push(Label {
            x: x_of(month, first, last),
            y: axis_y + 16.0,
            text: month.format("%b %Y").to_string(),
        });
        month = next_month(month);
    }
    let chart = Chart {
        id: "timeline",
        title: "License windows per partner".into(),
        description: format!(
            "{} licenses of {} partners ending between {} and {}; the line marks today",
            windows.len(),
            partners.len(),
            first,
            last
        ),
        width: WIDTH,
        height: axis_y + 26.0,
        bars,
        labels,
        ticks,
        today_x: Some(x_of(today, first, last)),
        axis_y,
    };
    render("timeline.svg.j2", &chart)
}

/// Reprints per month per partner: (partner, month's first day, count).
pub fn reprints_per_month(
    counts: &[(String, NaiveDate, i64)],
    months: &[NaiveDate],
) -> Result<String, PageError> {
    let mut partners: Vec<&str> = Vec::new();
    for (p, _, _) in counts {
        if !partners.contains(&p.as_str()) {
            partners.push(p);
        }
    }
    let max = counts.iter().map(|c| c.2).max().unwrap_or(0).max(1) as f64;
    let plot_height = 160.0;
    let axis_y = 10.0 + plot_height;
    let slot = (WIDTH - 60.0) / months.len().max(1) as f64;
    let bar = (slot - 8.0) / partners.len().max(1) as f64;
    let mut bars = Vec::new();
    let mut ticks = Vec::new();
    for (m, month) in months.iter().enumerate() {
        let left = 50.0 + slot * m as f64;
        ticks.push(Label {
            x: left + slot / 2.0,
            y: axis_y + 16.0,
            text: month.format("%b %Y").to_string(),
        });
        for (p, partner) in partners.iter().enumerate() {
            let n = counts
                .iter()
                .find(|(name, mon, _)| name == partner && mon == month)
                .map_or(0, |c| c.2);
            let height = plot_height * n as f64 / max;
            bars.push(Bar {
                x: left + 4.0 + bar * p as f64,
                y: axis_y - height,
                width: (bar - 1.0).max(1.0),
                height,
                colour: PALETTE[p % PALETTE.len()],
                label: format!("{partner}, {}: {n} reprints", month.format("%B %Y")),
            });
        }
    }
    let legend_y = axis_y + 36.0;
    let labels = partners
        .iter()
        .enumerate()
        .map(|(p, partner)| Label {
            x: 60.0 + 150.0 * (p % 4) as f64,
            y: legend_y + 18.0 * (p / 4) as f64,
            text: partner.to_string(),
        })
        .collect::<Vec<_>>();
    let legend_rows = partners.len().div_ceil(4).max(1) as f64;
    let chart = Chart {
        id: "reprints",
        title: "Reprints per month per partner".into(),
        description: format!(
            "{} partners over {} months; the tallest bar is {} reprints",
            partners.len(),
            months.len(),
            max
        ),
        width: WIDTH,
        height: legend_y + 18.0 * legend_rows,
        bars,
        labels,
        ticks,
        today_x: None,
        axis_y,
    };
    let legend: Vec<(&str, &str)> = partners
        .iter()
        .enumerate()
        .map(|(p, name)| (*name, PALETTE[p % PALETTE.len()]))
        .collect();
    #[derive(Serialize)]
    struct WithLegend<'a> {
        #[serde(flatten)]
        chart: Chart,
        legend: Vec<(&'a str, &'a str)>,
    }
    render("bars.svg.j2", &WithLegend { chart, legend })
}

/// The first days of the `n` months up to and including `today`'s.
pub fn last_months(today: NaiveDate, n: u32) -> Vec<NaiveDate> {
    let this = month_start(today);
    (0..n)
        .rev()
        .filter_map(|back| this.checked_sub_months(chrono::Months::new(back)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn timeline_escapes_names_and_places_bars_inside() {
        let windows = vec![Window {
            partner: "<Gazette & Co>".into(),
            license_id: 3,
            from: d("2020-01-01"),
            until: Some(d("2025-07-01")),
        }];
        let svg = timeline(&windows, d("2025-05-01"), d("2025-08-01"), d("2025-06-01")).unwrap();
        assert!(svg.contains("&lt;Gazette &amp; Co&gt;"), "{svg}");
        assert!(!svg.contains("<Gazette"));
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Jun 2025"));
    }

    #[test]
    fn bars_per_month() {
        let months = last_months(d("2025-06-15"), 3);
        assert_eq!(
            months,
            vec![d("2025-04-01"), d("2025-05-01"), d("2025-06-01")]
        );
        let svg = reprints_per_month(&[("Gazette".into(), d("2025-05-01"), 4)], &months).unwrap();
        assert!(svg.contains("Gazette, May 2025: 4 reprints"), "{svg}");
    }
}
