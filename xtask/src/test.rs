//! `cargo xtask test`: the same setup and build as `dev`, then every test — unit and
//! property tests of the native crates, edge integration tests against real workerd, and
//! browser tests in headless Chromium. Arguments are passed on as a test-name filter.

use std::process::Command;

use anyhow::Result;

use crate::tools::{self, Needs};
use crate::{bundle, cargo, run as run_command};

/// Builds, then runs the tests.
pub(crate) fn run(filter: &[String]) -> Result<()> {
    let tools = tools::ensure(Needs { browser: true })?;
    bundle::build_all(&tools)?;
    let mut command = Command::new(cargo());
    command.args(["test", "--no-fail-fast"]);
    for package in [
        "switchboard-protocol",
        "switchboard-core",
        "switchboard-demo-site",
        "switchboard-tests",
        "switchboard-bench",
        "xtask",
    ] {
        command.args(["-p", package]);
    }
    command.arg("--").args(filter);
    run_command(&mut command)
}

/// Builds, then runs the chaos test at full length: 10,000 messages unless
/// `SWITCHBOARD_CHAOS_MESSAGES` says otherwise.
pub(crate) fn chaos() -> Result<()> {
    let tools = tools::ensure(Needs { browser: false })?;
    bundle::build_all(&tools)?;
    let messages = std::env::var("SWITCHBOARD_CHAOS_MESSAGES").unwrap_or_else(|_| "10000".into());
    run_command(
        Command::new(cargo())
            .args(["test", "-p", "switchboard-tests", "--test", "chaos", "--", "--nocapture"])
            .env("SWITCHBOARD_CHAOS_MESSAGES", messages),
    )
}
