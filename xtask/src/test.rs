//! `cargo xtask test`: the same setup and build as `dev`, then every check and test —
//! formatting and lints (natively and for wasm), unit and property tests of every crate
//! (the widget's and console's included, natively), edge integration tests against real
//! workerd (schemathesis fuzzing the REST API among them), and browser tests in headless
//! Chromium. Arguments are passed on as a test-name filter; with a filter the formatting and
//! lint checks are skipped (they are for the whole tree, which CI runs without one).

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use crate::tools::{self, Needs};
use crate::{bundle, cargo, python_tools, run as run_command};

/// Where the end-to-end tests find the pinned schemathesis CLI.
const SCHEMATHESIS_VAR: &str = "SWITCHBOARD_SCHEMATHESIS";

/// The crates built for the browser or the Workers runtime, linted for their real target.
const WASM_CRATES: [&str; 4] =
    ["switchboard-edge", "switchboard-widget", "switchboard-console", "switchboard-webclient"];

/// Builds, then runs the checks and the tests, and says at the end how long each phase took
/// (CI keeps only the tail of the output, and its budget is 30 minutes).
pub(crate) fn run(filter: &[String]) -> Result<()> {
    let mut phases = Phases::default();
    let result = run_phases(filter, &mut phases);
    phases.report();
    result
}

fn run_phases(filter: &[String], phases: &mut Phases) -> Result<()> {
    let tools = phases.time("tools", || tools::ensure(Needs { browser: true }))?;
    let schemathesis = phases.time("schemathesis install", python_tools::ensure_schemathesis)?;
    if filter.is_empty() {
        // Cheap and first: a formatting or lint failure needs no browser to explain it.
        phases.time("fmt and clippy", checks)?;
    }
    phases.time("build", || bundle::build_all(&tools))?;
    phases.time("deploy dry run", crate::deploy::check_upload)?;
    let mut command = Command::new(cargo());
    command.args(["test", "--no-fail-fast"]);
    for package in [
        "switchboard-protocol",
        "switchboard-core",
        "switchboard-webclient",
        "switchboard-widget",
        "switchboard-console",
        "switchboard-demo-site",
        "switchboard-tests",
        "switchboard-bench",
        "xtask",
    ] {
        command.args(["-p", package]);
    }
    command.env(SCHEMATHESIS_VAR, schemathesis).arg("--").args(filter);
    phases.time("tests (build and run)", || run_command(&mut command))
}

/// How long each phase of a run took, in order.
#[derive(Default)]
struct Phases(Vec<(&'static str, Duration)>);

impl Phases {
    fn time<T>(&mut self, name: &'static str, phase: impl FnOnce() -> Result<T>) -> Result<T> {
        let started = Instant::now();
        let result = phase();
        self.0.push((name, started.elapsed()));
        result
    }

    fn report(&self) {
        let total: Duration = self.0.iter().map(|(_, took)| *took).sum();
        let parts: Vec<String> =
            self.0.iter().map(|(name, took)| format!("{name} {} s", took.as_secs())).collect();
        eprintln!("xtask: phases: {} (total {} s)", parts.join(", "), total.as_secs());
    }
}

/// Every `# Layout` map complete, `cargo fmt --check`, and `cargo clippy -D warnings` natively (every crate and target)
/// and for wasm (the crates that ship as wasm, where code behind `cfg(target_arch)` lives).
fn checks() -> Result<()> {
    let gaps = crate::layout::gaps(&crate::root());
    if !gaps.is_empty() {
        bail!("`# Layout` maps that leave modules out (or are missing): {gaps:#?}");
    }
    run_command(Command::new(cargo()).args(["fmt", "--all", "--", "--check"]))?;
    run_command(Command::new(cargo()).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    let mut wasm = Command::new(cargo());
    wasm.args(["clippy", "--target", "wasm32-unknown-unknown"]);
    for package in WASM_CRATES {
        wasm.args(["-p", package]);
    }
    run_command(wasm.args(["--", "-D", "warnings"]))
}

/// Builds, then runs the chaos test at full length: 10,000 messages unless
/// `SWITCHBOARD_CHAOS_MESSAGES` says otherwise.
pub(crate) fn chaos() -> Result<()> {
    let tools = tools::ensure(Needs { browser: false })?;
    bundle::build_all(&tools)?;
    let messages = std::env::var("SWITCHBOARD_CHAOS_MESSAGES").unwrap_or_else(|_| "10000".into());
    run_command(
        Command::new(cargo())
            .args(["test", "-p", "switchboard-tests", "--test", "e2e", "chaos::", "--", "--nocapture"])
            .env("SWITCHBOARD_CHAOS_MESSAGES", messages),
    )
}
