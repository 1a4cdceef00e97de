//! Installing the pinned tools a fresh machine lacks; each step is skipped when already done.
//!
//! Rust tools go into a per-user cache keyed by version (`~/.cache/switchboard/tools/
//! <crate>-<version>/`), so every clone on the machine shares them and a version bump installs
//! the new one beside the old. Versions come from the workspace `Cargo.toml`, so the CLIs
//! always match the crates (wasm-bindgen refuses a mismatch). JavaScript tools are pinned in
//! `edge/package-lock.json`; Chromium comes from Debian; Python tools are in
//! [`crate::python_tools`].

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::{cargo, root, run};

/// What the command at hand needs beyond the build tools.
pub(crate) struct Needs {
    /// Headless Chromium and chromedriver (browser tests).
    pub browser: bool,
}

/// Paths of the installed tools.
pub(crate) struct Tools {
    /// `wasm-bindgen` CLI, same version as the crate.
    pub wasm_bindgen: PathBuf,
    /// `worker-build`, same version as the `worker` crate.
    pub worker_build: PathBuf,
    /// `wasm-opt` from npm `binaryen` (Debian's miscompiles wasm-bindgen output).
    pub wasm_opt: PathBuf,
    /// `esbuild` from npm (wrangler's).
    pub esbuild: PathBuf,
}

/// Installs whatever is missing.
pub(crate) fn ensure(needs: Needs) -> Result<Tools> {
    ensure_wasm_target()?;
    ensure_components()?;
    let (wasm_bindgen_version, worker_version) = pinned_versions()?;
    let wasm_bindgen = cargo_install("wasm-bindgen-cli", &wasm_bindgen_version, "wasm-bindgen", false)?;
    // worker-build installs with --locked; wasm-bindgen-cli's lock file names a crate version
    // the registry here lacks, so it resolves afresh (see docs/toolchain.md).
    let worker_build = cargo_install("worker-build", &worker_version, "worker-build", true)?;
    npm_ci()?;
    if needs.browser {
        apt_install(&[("chromium", "/usr/bin/chromium"), ("chromium-driver", "/usr/bin/chromedriver")])?;
    }
    let edge = root().join("edge");
    Ok(Tools {
        wasm_bindgen,
        worker_build,
        wasm_opt: edge.join("node_modules/.bin/wasm-opt"),
        esbuild: edge.join("node_modules/@esbuild/linux-x64/bin/esbuild"),
    })
}

fn ensure_wasm_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32 target")?;
    if !String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// `rustfmt` and `clippy`, which a minimal rustup profile leaves out (the test command runs
/// both).
fn ensure_components() -> Result<()> {
    let missing: Vec<&str> = [("rustfmt", "fmt"), ("clippy", "clippy")]
        .into_iter()
        .filter(|(_, subcommand)| {
            !Command::new(cargo()).args([subcommand, "--version"]).output().is_ok_and(|o| o.status.success())
        })
        .map(|(component, _)| component)
        .collect();
    if !missing.is_empty() {
        run(Command::new("rustup").args(["component", "add"]).args(&missing))?;
    }
    Ok(())
}

/// The exact `wasm-bindgen` and `worker` versions the workspace pins.
fn pinned_versions() -> Result<(String, String)> {
    let manifest: toml::Table = std::fs::read_to_string(root().join("Cargo.toml"))?.parse()?;
    let deps = manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .context("Cargo.toml has no [workspace.dependencies]")?;
    let version = |name: &str| -> Result<String> {
        let value = deps.get(name).with_context(|| format!("[workspace.dependencies] lacks {name}"))?;
        let text = value.as_str().or_else(|| value.get("version").and_then(|v| v.as_str()));
        Ok(text.with_context(|| format!("{name} has no version"))?.trim_start_matches('=').to_string())
    };
    Ok((version("wasm-bindgen")?, version("worker")?))
}

/// The per-user tool cache.
pub(crate) fn cache_dir() -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_CACHE_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".cache"),
    };
    Ok(base.join("switchboard/tools"))
}

fn cargo_install(krate: &str, version: &str, binary: &str, locked: bool) -> Result<PathBuf> {
    let dir = cache_dir()?.join(format!("{krate}-{version}"));
    let bin = dir.join("bin").join(binary);
    if bin.exists() {
        return Ok(bin);
    }
    // Install beside the final folder, then rename: an interrupted install leaves no
    // half-filled folder that a later run would trust.
    let staging = cache_dir()?.join(format!(".{krate}-{version}.partial"));
    let _ = std::fs::remove_dir_all(&staging);
    eprintln!("xtask: installing {krate} {version} into {} (a few minutes, once per machine)", dir.display());
    let mut command = Command::new(crate::cargo());
    command.args(["install", krate, "--version", version, "--root"]).arg(&staging);
    if locked {
        command.arg("--locked");
    }
    run(&mut command)?;
    std::fs::rename(&staging, &dir).with_context(|| format!("moving {} into place", dir.display()))?;
    Ok(bin)
}

/// `npm ci` in `edge/` unless `node_modules` already matches `package-lock.json`.
fn npm_ci() -> Result<()> {
    let edge = root().join("edge");
    let lock = std::fs::read(edge.join("package-lock.json")).context("edge/package-lock.json is missing")?;
    let want = format!("{:x}", Sha256::digest(&lock));
    let stamp = edge.join("node_modules/.switchboard-lock-sha256");
    if std::fs::read_to_string(&stamp).is_ok_and(|have| have.trim() == want) {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&edge)
        .env("NPM_CONFIG_UPDATE_NOTIFIER", "false"))?;
    std::fs::write(&stamp, want)?;
    Ok(())
}

/// `apt-get install` of Debian packages whose marker file is missing.
fn apt_install(packages: &[(&str, &str)]) -> Result<()> {
    let missing: Vec<&str> =
        packages.iter().filter(|(_, marker)| !Path::new(marker).exists()).map(|(name, _)| *name).collect();
    if missing.is_empty() {
        return Ok(());
    }
    apt_get_install(&missing)?;
    for (name, marker) in packages {
        if !Path::new(marker).exists() {
            bail!("{name} was installed but {marker} is still missing");
        }
    }
    Ok(())
}

/// `apt-get update` then `apt-get install` of `packages` (with sudo when not root).
pub(crate) fn apt_get_install(packages: &[&str]) -> Result<()> {
    let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let apt = |args: &[&str]| -> Result<()> {
        let mut command = if is_root { Command::new("apt-get") } else { Command::new("sudo") };
        if !is_root {
            command.args(["-n", "apt-get"]);
        }
        run(command.args(args).env("DEBIAN_FRONTEND", "noninteractive"))
    };
    apt(&["update", "-q"])?;
    let mut install = vec!["install", "-y", "-q"];
    install.extend(packages);
    apt(&install)
}
