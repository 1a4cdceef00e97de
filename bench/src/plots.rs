//! SVG plots: the latency distribution of every scenario per target, and throughput against
//! the reference relay.

use std::path::Path;

use anyhow::{anyhow, Result};
use plotters::prelude::*;

use crate::outcome::Outcome;
use crate::targets::Kind;

fn color(kind: Kind) -> RGBColor {
    match kind {
        Kind::Switchboard => RGBColor(61, 90, 254),
        Kind::Reference => RGBColor(213, 0, 0),
        Kind::NoStorage => RGBColor(0, 150, 136),
        Kind::Echo => RGBColor(120, 120, 120),
    }
}

/// One latency CDF per scenario (`latency-<scenario>.svg`), and `throughput.svg`.
pub(crate) fn write(dir: &Path, outcomes: &[Outcome]) -> Result<Vec<String>> {
    let mut written = Vec::new();
    let mut scenarios: Vec<&str> = outcomes.iter().map(|o| o.scenario).collect();
    scenarios.dedup();
    for scenario in scenarios {
        let runs: Vec<&Outcome> =
            outcomes.iter().filter(|o| o.scenario == scenario && o.latency.count > 0).collect();
        if runs.is_empty() {
            continue;
        }
        let name = format!("latency-{scenario}.svg");
        cdf(&dir.join(&name), scenario, &runs)?;
        written.push(name);
    }
    throughput(&dir.join("throughput.svg"), outcomes)?;
    written.push("throughput.svg".into());
    Ok(written)
}

fn cdf(path: &Path, scenario: &str, runs: &[&Outcome]) -> Result<()> {
    let root = SVGBackend::new(path, (800, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e:?}"))?;
    // Log scale: sub-millisecond medians and multi-millisecond tails on one axis.
    let max = runs.iter().map(|r| r.latency.max_ms).fold(0.1, f64::max) * 1.2;
    let min =
        runs.iter().map(|r| r.samples.cdf(1).first().map_or(0.01, |p| p.0)).fold(max, f64::min).max(0.01);
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("{scenario}: latency distribution"), ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d((min..max).log_scale(), 0.0..1.0)
        .map_err(|e| anyhow!("{e:?}"))?;
    chart
        .configure_mesh()
        .x_desc("latency (ms, log scale)")
        .y_desc("fraction of messages")
        .draw()
        .map_err(|e| anyhow!("{e:?}"))?;
    for run in runs {
        let style = color(run.target);
        let points = run.samples.cdf(400).into_iter().map(|(ms, q)| (ms.max(min), q));
        chart
            .draw_series(LineSeries::new(points, style.stroke_width(2)))
            .map_err(|e| anyhow!("{e:?}"))?
            .label(run.target.label())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| anyhow!("{e:?}"))?;
    root.present().map_err(|e| anyhow!("{e:?}"))?;
    Ok(())
}

fn throughput(path: &Path, outcomes: &[Outcome]) -> Result<()> {
    let bars: Vec<&Outcome> = outcomes.iter().filter(|o| o.scenario == "b-throughput").collect();
    let root = SVGBackend::new(path, (640, 420)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e:?}"))?;
    let top = bars.iter().map(|o| o.messages_per_second).fold(1.0, f64::max) * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .caption("b-throughput: confirmed messages per second", ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..bars.len() as f64, 0.0..top)
        .map_err(|e| anyhow!("{e:?}"))?;
    let labels: Vec<&str> = bars.iter().map(|o| o.target.label()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(bars.len() + 1)
        .x_label_formatter(&|x| labels.get(x.floor() as usize).map_or(String::new(), |l| (*l).to_string()))
        .y_desc("messages/s")
        .draw()
        .map_err(|e| anyhow!("{e:?}"))?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, o)| {
            let x = i as f64;
            Rectangle::new([(x + 0.15, 0.0), (x + 0.85, o.messages_per_second)], color(o.target).filled())
        }))
        .map_err(|e| anyhow!("{e:?}"))?;
    root.present().map_err(|e| anyhow!("{e:?}"))?;
    Ok(())
}
