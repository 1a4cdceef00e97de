//! `cargo xtask bench`: Switchboard under load beside a plain-JavaScript reference relay, in
//! one run on this machine, with the same clients and the same message sizes.
//!
//! Scenarios, each against Switchboard, the reference relay and a floor:
//! (a) one visitor and one agent, messages one after another — latency;
//! (b) one conversation, 10 senders × 4 in flight → 10 receivers, 20 s — throughput, stalls;
//! (c) 50 conversations × 2 clients at 10 msg/s, 20 s — latency under spread load;
//! (d) 1,000 idle visitors beside 100 active conversations — what idle sockets cost (RSS);
//! (e) a connect storm, 500 sessions in 5 s — connect time;
//! (f) one site's inbox under 2,000 conversations at 1 msg/2 s each — inbox lag and each object
//! kind's events per second, with the inbox feed's shards and without, and with a team of 100
//! consoles taking each change or batches (Switchboard only).
//! Each runtime is warmed first (2,000 sequential messages and 100 connects, the `warm-up`
//! row), so the one-off compiling of hot wasm a fresh isolate does is not booked to (a).
//! CPU is workerd's, per message: all threads, and the isolate's thread alone.
//! `--long` adds a 10-minute soak of (c). Output: a table, `target/bench/bench.json`, SVG
//! plots next to it. Budgets are reported, never enforced: timings vary by machine.
//!
//! # Layout
//! - [`targets`]: the systems under load behind one client interface.
//! - [`sequential`], [`throughput`], [`fleet`], [`inbox_load`]: the scenarios.
//! - [`runtime`]: the reference relay's workerd, and reading workerd's memory.
//! - [`stats`], [`outcome`], [`report`], [`plots`]: measuring and reporting.
//! - [`router`]: routing in core alone with thousands of waiting conversations
//!   (`--router [sizes]`: only that, no workerd).
//! - [`report_load`]: a report over 1,000 to 100,000 conversations in real workerd
//!   (`--reports [sizes]`: only that).
//! - [`stall_shape`]: how many senders one stall held at once, and what went through.

mod fleet;
mod inbox_load;
mod outcome;
mod plots;
mod report;
mod report_load;
mod router;
mod runtime;
mod sequential;
mod stall_shape;
mod stats;
mod targets;
mod throughput;

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use switchboard_tests::api::login;
use switchboard_tests::test_edge::TestEdge;

use crate::outcome::Outcome;
use crate::runtime::{workerd_cpu, workerd_rss_mib, Reference};
use crate::targets::{Clock, Kind, Target};
use crate::throughput::Shape;

/// Runs one scenario against `target`, notes the CPU time workerd spent on it, prints its
/// row at once (a long run shows progress) and keeps it.
async fn record(
    outcomes: &mut Vec<Outcome>,
    target: &Target,
    run: impl Future<Output = Result<Outcome>>,
) -> Result<()> {
    let cpu_before = workerd_cpu(target.group);
    let mut outcome = run.await?;
    if let (Some(before), Some(after)) = (cpu_before, workerd_cpu(target.group)) {
        let spent = after - before;
        let per_message = |seconds: f64| Some(seconds * 1000.0 / outcome.messages.max(1) as f64);
        outcome.cpu_ms_per_message = per_message(spent.total);
        outcome.isolate_cpu_ms_per_message = per_message(spent.isolate);
    }
    eprintln!("bench:   {}\nbench:     {}", report::row(&outcome), outcome.note);
    outcomes.push(outcome);
    Ok(())
}

/// Runs what the scenarios will run, once, on `target`'s fresh runtime, recorded as the
/// `warm-up` row: 2,000 sequential messages and 100 connects.
async fn warm_up(outcomes: &mut Vec<Outcome>, target: &Target, clock: Clock) -> Result<()> {
    eprintln!("bench: warm-up, {}", target.kind.label());
    let run = async {
        let mut outcome = sequential::run(target, clock, 2_000).await?;
        fleet::connect_storm(target, 100, Duration::from_secs(1)).await?;
        outcome.scenario = "warm-up";
        outcome.note = format!("2,000 sequential messages and 100 connects; {}", outcome.note);
        Ok(outcome)
    };
    record(outcomes, target, run).await.context("warm-up")
}

/// `items` when `wanted`, else nothing.
fn if_wanted<T, const N: usize>(wanted: bool, items: [T; N]) -> Vec<T> {
    if wanted {
        items.into()
    } else {
        Vec::new()
    }
}

/// The page origin bench sessions are issued for.
const PAGE: &str = "https://bench.example";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    // workerd runs in its own process groups (so a test can kill it whole), which Ctrl-C in
    // the terminal does not reach: on Ctrl-C the run is dropped, and with it every edge it
    // started, which stops them.
    tokio::select! {
        result = run() => result,
        _ = tokio::signal::ctrl_c() => {
            eprintln!("bench: interrupted; stopping the workerd instances it started");
            anyhow::bail!("interrupted")
        }
    }
}

async fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--router") {
        return routing_at_scale();
    }
    if args.iter().any(|a| a == "--reports") {
        return reports_at_scale().await;
    }
    let long = args.iter().any(|a| a == "--long");
    // `--only bd` runs scenarios (b) and (d) alone (for profiling one of them).
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).cloned();
    let wants = |scenario: char| only.as_ref().is_none_or(|o| o.contains(scenario));
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out_dir)?;
    let clock = Clock(Instant::now());

    eprintln!("bench: starting Switchboard and the reference relay in workerd");
    // Flood and size limits are for people; the bench sends as fast as the relay goes.
    let switchboard = TestEdge::start_with(
        &[PAGE],
        &[
            ("VISITOR_MESSAGES_PER_SECOND", "10000000"),
            ("AGENT_MESSAGES_PER_SECOND", "10000000"),
            ("SESSIONS_PER_MINUTE_PER_ADDRESS", "100000"),
            ("SESSIONS_PER_MINUTE_PER_SITE", "10000000"),
            // (b) stores ~70,000 messages in one conversation; a person's conversation is
            // capped at 10,000, which (b) would reach in six seconds and then be refused.
            ("MAX_LOG_MESSAGES", "10000000"),
        ],
    )?;
    let reference = Reference::start()?;
    let cookie = login(&switchboard).await?;
    let target = |kind, origin: String, group| Target {
        kind,
        origin,
        cookie: cookie.clone(),
        page_origin: PAGE.into(),
        group,
    };
    // Clients talk to the workerd that runs each worker, not through wrangler dev's proxy (a
    // second workerd that forwards every frame once more, and drops requests under load):
    // a deployed relay has no such hop, and the floor (echo) halves without it.
    let direct =
        |origin: String, group| async move { runtime::direct_origin(group, &origin).await.unwrap_or(origin) };
    let ours_origin = direct(switchboard.origin(), switchboard.pid()).await;
    let theirs_origin = direct(reference.origin(), reference.pid()).await;
    eprintln!("bench: Switchboard at {ours_origin}, reference at {theirs_origin}");
    let ours = target(Kind::Switchboard, ours_origin, switchboard.pid());
    let theirs = target(Kind::Reference, theirs_origin.clone(), reference.pid());
    let no_storage = target(Kind::NoStorage, theirs_origin.clone(), reference.pid());
    let echo = target(Kind::Echo, theirs_origin, reference.pid());

    let mut outcomes = Vec::new();
    // A fresh isolate compiles its hot wasm functions again (V8's tier-up, on background
    // threads) during its first seconds of traffic: that one-off cost is measured here, as
    // a row of its own, rather than booked to whichever scenario runs first.
    for t in [&ours, &theirs] {
        warm_up(&mut outcomes, t, clock).await?;
    }
    for t in if_wanted(wants('a'), [&ours, &theirs, &no_storage, &echo]) {
        eprintln!("bench: (a) sequential, {}", t.kind.label());
        record(&mut outcomes, t, sequential::run(t, clock, 2_000)).await.context("scenario a")?;
    }
    let shape = Shape { senders: 10, receivers: 10, in_flight: 4, duration: Duration::from_secs(20) };
    for t in if_wanted(wants('b'), [&ours, &theirs, &no_storage]) {
        eprintln!("bench: (b) throughput, {}", t.kind.label());
        record(&mut outcomes, t, throughput::run(t, clock, shape)).await.context("scenario b")?;
    }
    for t in if_wanted(wants('c'), [&ours, &theirs]) {
        eprintln!("bench: (c) 50 conversations, {}", t.kind.label());
        let run = fleet::pairs(t, clock, 50, 10, Duration::from_secs(20));
        record(&mut outcomes, t, run).await.context("scenario c")?;
    }
    for t in if_wanted(wants('d'), [&ours, &theirs]) {
        eprintln!("bench: (d) idle fleet, {}", t.kind.label());
        let run = fleet::idle_fleet(t, clock, 1_000, 100, Duration::from_secs(20));
        record(&mut outcomes, t, run).await.context("scenario d")?;
    }
    for t in if_wanted(wants('e'), [&ours, &theirs]) {
        eprintln!("bench: (e) connect storm, {}", t.kind.label());
        record(&mut outcomes, t, fleet::connect_storm(t, 500, Duration::from_secs(5)))
            .await
            .context("scenario e")?;
    }
    if wants('f') {
        // The same load on a second edge that sends each summary straight to the site object
        // (as before the inbox feed), measured in the same run.
        let direct = TestEdge::start_with(
            &[PAGE],
            &[
                ("VISITOR_MESSAGES_PER_SECOND", "10000000"),
                ("AGENT_MESSAGES_PER_SECOND", "10000000"),
                ("SESSIONS_PER_MINUTE_PER_ADDRESS", "100000"),
                ("SESSIONS_PER_MINUTE_PER_SITE", "10000000"),
                ("INBOX_FEED_SHARDS", "0"),
            ],
        )?;
        let direct_origin =
            runtime::direct_origin(direct.pid(), &direct.origin()).await.unwrap_or(direct.origin());
        let direct_target = Target {
            origin: direct_origin,
            cookie: login(&direct).await?,
            group: direct.pid(),
            ..ours.clone()
        };
        // Warmed as the first edge was, not recorded (its cost is the same).
        sequential::run(&direct_target, clock, 2_000).await?;
        // One console, and a team of 100 consoles taking each change as its own frame (as
        // before pacing) or taking batches (as the console does), measured in the same run —
        // under 500
        // conversations, a load this machine's one workerd thread keeps up with, so the CPU
        // column shows what the consoles cost rather than a saturated thread's wall time.
        let one = inbox_load::Consoles { count: 1, batched: true };
        let team = |batched| inbox_load::Consoles { count: 100, batched };
        for (edge, t, scenario, conversations, consoles) in [
            (&switchboard, &ours, "f-inbox-feed", 2_000, one),
            (&direct, &direct_target, "f-inbox-direct", 2_000, one),
            (&switchboard, &ours, "f-one-console", 500, one),
            (&switchboard, &ours, "f-team-each", 500, team(false)),
            (&switchboard, &ours, "f-team-batched", 500, team(true)),
        ] {
            eprintln!("bench: (f) inbox under {conversations} conversations, {scenario}");
            let run = inbox_load::run(
                edge,
                t,
                clock,
                scenario,
                conversations,
                Duration::from_secs(2),
                Duration::from_secs(30),
                consoles,
            );
            record(&mut outcomes, t, run).await.context("scenario f")?;
        }
    }
    if long {
        eprintln!("bench: soak, 10 minutes");
        let soak = async {
            let mut soak = fleet::pairs(&ours, clock, 50, 10, Duration::from_secs(600)).await?;
            soak.scenario = "soak-10min";
            soak.rss_mib = workerd_rss_mib(ours.group);
            Ok(soak)
        };
        record(&mut outcomes, &ours, soak).await.context("soak")?;
    }

    let ratios = report::ratios(&outcomes);
    print!("{}", report::table(&outcomes, &ratios));
    let sizes: Option<serde_json::Value> =
        std::fs::read_to_string(out_dir.join("sizes.json")).ok().and_then(|s| serde_json::from_str(&s).ok());
    if let Some(sizes) = &sizes {
        print!("{}", report::sizes(sizes));
    }
    report::write_json(&out_dir.join("bench.json"), &outcomes, &ratios, sizes)?;
    let plots = plots::write(&out_dir, &outcomes)?;
    println!("\nwritten: {}/bench.json, {}", out_dir.display(), plots.join(", "));
    Ok(())
}

/// The comma-separated sizes after `flag` on the command line (`--router 1000,10000`), or
/// 1k, 10k and 100k.
fn sizes_after(flag: &str) -> Vec<usize> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map(|list| list.split(',').filter_map(|n| n.parse().ok()).collect())
        .filter(|sizes: &Vec<usize>| !sizes.is_empty())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000])
}

/// `--reports`: a report over 1k, 10k and 100k conversations in workerd; a table and
/// `target/bench/reports.json`.
async fn reports_at_scale() -> Result<()> {
    // `--reports 1000,10000` measures other sizes.
    let sizes = sizes_after("--reports");
    let rows = report_load::run(&sizes).await;
    println!("| conversations | first report ms | median of next 5 ms | counted |");
    println!("| ---: | ---: | ---: | ---: |");
    for row in &rows {
        println!("| {} | {:.0} | {:.0} | {} |", row.conversations, row.first_ms, row.median_ms, row.opened);
    }
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out_dir)?;
    std::fs::write(out_dir.join("reports.json"), serde_json::to_string_pretty(&rows)?)?;
    Ok(())
}

/// `--router`: routing in core alone at 1k, 10k and 100k waiting conversations; a table and
/// `target/bench/router.json`.
fn routing_at_scale() -> Result<()> {
    // `--router 1000,10000` measures other sizes.
    let sizes = sizes_after("--router");
    let rows = router::run(&sizes);
    println!("| waiting | fill s | enqueue µs | release + offer µs | accept µs | effects/cycle |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for row in &rows {
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
            row.waiting,
            row.fill_ms / 1_000.0,
            row.enqueue_us,
            row.release_and_offer_us,
            row.accept_us,
            row.effects_per_cycle
        );
    }
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        println!(
            "{}k ÷ {}k: enqueue ×{:.2}, release + offer ×{:.2}, accept ×{:.2} (issue 22 asks ≤ ×3)",
            last.waiting / 1_000,
            first.waiting / 1_000,
            last.enqueue_us / first.enqueue_us,
            last.release_and_offer_us / first.release_and_offer_us,
            last.accept_us / first.accept_us
        );
    }
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench/router.json");
    std::fs::create_dir_all(out.parent().unwrap_or(&out))?;
    std::fs::write(out, serde_json::to_string_pretty(&rows)?)?;
    Ok(())
}
