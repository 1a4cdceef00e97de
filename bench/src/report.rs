//! The bench's output: a table on stdout, budgets, ratios to the reference relay, and a JSON
//! file with everything.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use crate::outcome::Outcome;
use crate::targets::Kind;

/// Switchboard against the reference relay in one scenario.
#[derive(Debug, Serialize)]
pub(crate) struct Ratio {
    /// The scenario.
    pub scenario: &'static str,
    /// Switchboard's confirmed messages/s divided by the reference's.
    pub throughput: f64,
    /// Switchboard's median latency divided by the reference's (below 1: faster).
    pub p50: f64,
    /// Same for the 99th percentile.
    pub p99: f64,
    /// Switchboard's workerd CPU per message divided by the reference's, all threads.
    pub cpu: Option<f64>,
    /// Same for the isolate's thread alone.
    pub isolate_cpu: Option<f64>,
}

/// Ratios for every scenario run against both.
pub(crate) fn ratios(outcomes: &[Outcome]) -> Vec<Ratio> {
    let find = |scenario: &str, kind| outcomes.iter().find(|o| o.scenario == scenario && o.target == kind);
    let mut seen: Vec<&'static str> = Vec::new();
    for outcome in outcomes {
        if !seen.contains(&outcome.scenario) {
            seen.push(outcome.scenario);
        }
    }
    seen.into_iter()
        .filter_map(|scenario| {
            let (ours, theirs) = (find(scenario, Kind::Switchboard)?, find(scenario, Kind::Reference)?);
            let divide = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
            Some(Ratio {
                scenario,
                throughput: divide(ours.messages_per_second, theirs.messages_per_second),
                p50: divide(ours.latency.p50_ms, theirs.latency.p50_ms),
                p99: divide(ours.latency.p99_ms, theirs.latency.p99_ms),
                cpu: ours.cpu_ms_per_message.zip(theirs.cpu_ms_per_message).map(|(a, b)| divide(a, b)),
                isolate_cpu: ours
                    .isolate_cpu_ms_per_message
                    .zip(theirs.isolate_cpu_ms_per_message)
                    .map(|(a, b)| divide(a, b)),
            })
        })
        .collect()
}

/// The table, ratios and budget lines as text.
pub(crate) fn table(outcomes: &[Outcome], ratios: &[Ratio]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<16} {:<12} {:>8} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7} {:>5} {:>5} {:>7} {:>7} {:>7}",
        "scenario",
        "target",
        "msgs",
        "msg/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "stalls",
        "lost",
        "dup",
        "RSS MiB",
        "CPU ms",
        "iso ms"
    );
    for o in outcomes {
        let _ = writeln!(out, "{}", row(o));
    }
    let _ = writeln!(out, "\nDetails:");
    for o in outcomes {
        let _ = writeln!(out, "  {} / {}: {}", o.scenario, o.target.label(), o.note);
    }
    let _ = writeln!(out, "\nSwitchboard / reference relay (same run, same load):");
    for r in ratios {
        let times = |ratio: Option<f64>| ratio.map_or("-".to_string(), |r| format!("×{r:.2}"));
        let _ = writeln!(
            out,
            "  {:<16} throughput ×{:.2}   p50 ×{:.2}   p99 ×{:.2}   CPU/msg {} (isolate {})",
            r.scenario,
            r.throughput,
            r.p50,
            r.p99,
            times(r.cpu),
            times(r.isolate_cpu)
        );
    }
    let _ = writeln!(out, "\nBudgets (docs/architecture.md), reported, never enforced on timings:");
    let ours =
        |scenario: &str| outcomes.iter().find(|o| o.scenario == scenario && o.target == Kind::Switchboard);
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    if let Some(a) = ours("a-sequential") {
        let _ = writeln!(
            out,
            "  (a) p50 ≤ 0.3 ms: {:.3} ms — {}",
            a.latency.p50_ms,
            verdict(a.latency.p50_ms <= 0.3)
        );
    }
    if let Some(b) = ours("b-throughput") {
        let ok = b.messages_per_second >= 5_000.0 && b.latency.p99_ms <= 20.0 && b.latency.max_ms <= 50.0;
        let _ = writeln!(
            out,
            "  (b) ≥ 5,000 msg/s, p99 ≤ 20 ms, no stall over 50 ms: {:.0} msg/s, p99 {:.1} ms, {} stalls, worst {:.1} ms — {}",
            b.messages_per_second,
            b.latency.p99_ms,
            b.latency.stalls,
            b.latency.max_ms,
            verdict(ok)
        );
    }
    if let Some(c) = ours("c-many-pairs") {
        let _ = writeln!(
            out,
            "  (c) p99 ≤ 2 ms: {:.3} ms — {}",
            c.latency.p99_ms,
            verdict(c.latency.p99_ms <= 2.0)
        );
    }
    let lost: usize = outcomes.iter().filter(|o| o.scenario != "e-connect-storm").map(|o| o.lost).sum();
    let duplicated: usize = outcomes.iter().map(|o| o.duplicated).sum();
    let _ = writeln!(out, "  messages lost: {lost}, duplicated: {duplicated}");
    out
}

/// The download sizes `cargo xtask bench` measured before the load (`sizes.json`).
pub(crate) fn sizes(sizes: &serde_json::Value) -> String {
    let mut out =
        String::from("\nSizes (bytes; budgets: loader gzip ≤ 2,000, widget frame brotli ≤ 100,000):\n");
    for key in ["loader", "widget_frame", "console", "edge_wasm"] {
        let size = &sizes[key];
        let _ = writeln!(
            out,
            "  {:<24} raw {:>8}  gzip {:>8}  brotli {:>8}",
            size["what"].as_str().unwrap_or(key),
            size["raw"],
            size["gzip"],
            size["brotli"]
        );
    }
    let limit = sizes["budgets"]["workers_free_gzip"].as_u64().unwrap_or(0);
    let _ = writeln!(out, "  (a Worker may be {limit} bytes gzip on the free plan, 10 MiB on paid plans)");
    out
}

/// One outcome as a table row.
pub(crate) fn row(o: &Outcome) -> String {
    format!(
        "{:<16} {:<12} {:>8} {:>9.0} {:>8.3} {:>8.3} {:>8.3} {:>8.1} {:>7} {:>5} {:>5} {:>7} {:>7} {:>7}",
        o.scenario,
        o.target.label(),
        o.messages,
        o.messages_per_second,
        o.latency.p50_ms,
        o.latency.p90_ms,
        o.latency.p99_ms,
        o.latency.max_ms,
        o.latency.stalls,
        o.lost,
        o.duplicated,
        o.rss_mib.map_or("-".to_string(), |r| format!("{r:.0}")),
        o.cpu_ms_per_message.map_or("-".to_string(), |c| format!("{c:.3}")),
        o.isolate_cpu_ms_per_message.map_or("-".to_string(), |c| format!("{c:.3}")),
    )
}

/// Everything, as JSON, with the machine it ran on.
pub(crate) fn write_json(
    path: &Path,
    outcomes: &[Outcome],
    ratios: &[Ratio],
    sizes: Option<serde_json::Value>,
) -> Result<()> {
    let machine = serde_json::json!({
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
    });
    let json =
        serde_json::json!({ "machine": machine, "sizes": sizes, "outcomes": outcomes, "ratios": ratios });
    std::fs::write(path, serde_json::to_string_pretty(&json)?)?;
    Ok(())
}
