//! Installing the pinned Python tools: schemathesis, which fuzzes the edge's REST API against
//! `docs/openapi.json` (the `schemathesis` end-to-end test runs it).
//!
//! It goes into a virtual environment in the same per-user cache as the Rust tools
//! (`~/.cache/switchboard/tools/schemathesis-<version>-<pins hash>/`), built beside it and
//! renamed into place, so an interrupted install leaves nothing a later run would trust. Every
//! package it pulls in is pinned too (a new hypothesis or jsonschema must not change what the
//! test reports); changing a pin changes the folder, so the new set installs beside the old.
//! Python with `venv` comes from Debian (`python3-venv`) when the machine lacks it.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::run;
use crate::tools::{apt_get_install, cache_dir};

/// The schemathesis release the test runs.
pub(crate) const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// schemathesis and everything it installs, as `pip freeze` lists them.
const PINS: [&str; 27] = [
    "schemathesis==4.32.5",
    "anyio==4.16.0",
    "certifi==2026.10.19.post1",
    "charset-normalizer==3.5.3",
    "click==8.5.1",
    "graphql-core==3.3.2",
    "harfile==0.6.0",
    "hypothesis==6.170.27",
    "hypothesis-graphql==0.13.5",
    "idna==3.21",
    "iniconfig==2.3.1",
    "jsonschema_rs==0.60.3",
    "markdown-it-py==4.3.0",
    "MarkupSafe==3.0.4",
    "mdurl==0.1.2",
    "packaging==26.4",
    "pluggy==1.7.0",
    "Pygments==2.21.0",
    "pyrate-limiter==4.6.0",
    "pytest==9.2.0",
    "PyYAML==6.0.4",
    "requests==2.34.2",
    "rich==15.0.0",
    "sortedcontainers==2.4.0",
    "typing_extensions==4.16.0",
    "urllib3==2.8.0",
    "Werkzeug==3.1.9",
];

/// The launcher the test runs: the venv's Python, found beside the launcher, so the folder
/// works after the rename (pip's own `bin/st` names the staging folder's Python in its `#!`).
const LAUNCHER: &str = "#!/bin/sh\n\
    exec \"$(dirname \"$0\")/bin/python\" -c \
    'import sys; sys.argv[0] = \"st\"; from schemathesis.cli import schemathesis; sys.exit(schemathesis())' \
    \"$@\"\n";

/// The path of the pinned schemathesis CLI (`st`), installing it first when missing.
pub(crate) fn ensure_schemathesis() -> Result<PathBuf> {
    let pins_hash = format!("{:x}", Sha256::digest(PINS.join("\n").as_bytes()));
    let name = format!("schemathesis-{SCHEMATHESIS_VERSION}-{}", &pins_hash[..8]);
    let dir = cache_dir()?.join(&name);
    let launcher = dir.join("st");
    if launcher.exists() {
        return Ok(launcher);
    }
    ensure_venv()?;
    let staging = cache_dir()?.join(format!(".{name}.partial"));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(cache_dir()?)?;
    eprintln!(
        "xtask: installing schemathesis {SCHEMATHESIS_VERSION} into {} (once per machine)",
        dir.display()
    );
    run(Command::new("python3").args(["-m", "venv"]).arg(&staging))?;
    run(Command::new(staging.join("bin/python"))
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input"])
        .args(PINS))?;
    let staged_launcher = staging.join("st");
    std::fs::write(&staged_launcher, LAUNCHER)?;
    make_executable(&staged_launcher)?;
    run(Command::new(&staged_launcher).arg("--version"))?;
    std::fs::rename(&staging, &dir).with_context(|| format!("moving {} into place", dir.display()))?;
    Ok(launcher)
}

/// `python3` with a working `venv` (Debian splits `ensurepip`, which `venv` needs, into
/// `python3-venv`).
fn ensure_venv() -> Result<()> {
    let works = || {
        Command::new("python3")
            .args(["-c", "import ensurepip, venv"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works() {
        return Ok(());
    }
    apt_get_install(&["python3", "python3-venv"])?;
    if !works() {
        bail!("python3-venv was installed but `python3 -m venv` still lacks ensurepip");
    }
    Ok(())
}

#[cfg(unix)]
fn make_executable(path: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

#[cfg(not(unix))]
fn make_executable(_path: &std::path::Path) -> Result<()> {
    Ok(())
}
