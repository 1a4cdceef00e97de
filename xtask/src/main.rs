//! `cargo xtask`: the project's two commands and their parts.
//!
//! - `cargo xtask dev`: set up what is missing, build everything, run the edge in workerd on
//!   http://127.0.0.1:8787 and the demo site on http://127.0.0.1:8080.
//! - `cargo xtask test`: the same setup and build, then every test.
//! - `cargo xtask build`: setup and build only (what `wrangler deploy` needs).
//! - `cargo xtask chaos`: the long delivery chaos test (10,000 messages, two restarts).
//! - `cargo xtask bench [--long]`: sizes, then load and latency against a reference relay
//!   (the `bench/` crate); `--long` adds a 10-minute soak.
//! - `cargo xtask deploy --dry-run`: what `wrangler deploy` would upload, checked against the
//!   Workers limits; `cargo xtask self-host`: the same build as a folder plain workerd serves.
//!
//! # Layout
//! - [`tools`]: installing pinned tools (rustup target, wasm-bindgen, worker-build, npm,
//!   Chromium) into a per-user cache keyed by version.
//! - [`python_tools`]: installing pinned schemathesis into a virtual environment in that cache.
//! - [`bundle`]: building the widget, console, loader and edge into `edge/`.
//! - [`sizes`]: measuring compressed sizes and enforcing the size budgets.
//! - [`dev`], [`test`]: the two commands.
//! - [`deploy`]: the deploy dry run's checks, and writing a self-hosted edge.
//! - [`layout`]: the check that every `# Layout` map names every module.

mod bundle;
mod deploy;
mod dev;
mod layout;
mod python_tools;
mod sizes;
mod test;
mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev::run(),
        Some("test") => test::run(&args[1..]),
        Some("build") => build(),
        Some("chaos") => test::chaos(),
        Some("bench") => bench(&args[1..]),
        Some("deploy") => deploy::run(&args[1..]),
        Some("self-host") => deploy::self_host(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <dev | test [test-name-filter] | build | chaos | bench [--long] | deploy --dry-run | self-host>"
            );
            std::process::exit(2);
        }
    };
    if let Err(error) = result {
        eprintln!("xtask: error: {error:#}");
        std::process::exit(1);
    }
}

fn build() -> Result<()> {
    let tools = tools::ensure(tools::Needs { browser: false })?;
    bundle::build_all(&tools)?;
    Ok(())
}

/// Builds, writes the sizes where the bench report picks them up, then runs the load
/// generator (a native binary built for speed, so the client is never the bottleneck).
fn bench(args: &[String]) -> Result<()> {
    let tools = tools::ensure(tools::Needs { browser: false })?;
    let sizes = bundle::build_all(&tools)?;
    let out_dir = root().join("target/bench");
    std::fs::create_dir_all(&out_dir)?;
    std::fs::write(out_dir.join("sizes.json"), serde_json::to_string_pretty(&sizes.to_json())?)?;
    let mut command = Command::new(cargo());
    command.args(["run", "--profile", "bench-native", "-p", "switchboard-bench", "--"]).args(args);
    run(&mut command)
}

/// The cargo running this xtask (so the same toolchain builds everything).
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The repository root.
pub fn root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}

/// Runs `command`, echoing it; fails with its exit status.
pub fn run(command: &mut Command) -> Result<()> {
    eprintln!("xtask: $ {}", describe(command));
    let status = command.status().with_context(|| format!("could not start {}", describe(command)))?;
    if !status.success() {
        bail!("{} failed with {status}", describe(command));
    }
    Ok(())
}

fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
    words.join(" ")
}
