//! The reference relay's runtime, and reading how much memory a runtime uses.

use std::path::PathBuf;

use anyhow::Result;
use switchboard_tests::edge::{EdgeProcess, EdgeSpec};
use tempfile::TempDir;

/// The reference relay running in the pinned workerd, with its own state folder.
pub struct Reference {
    process: EdgeProcess,
    _dir: TempDir,
}

impl Reference {
    /// Starts `bench/reference/` on a free port.
    pub fn start() -> Result<Self> {
        let dir = tempfile::Builder::new().prefix("switchboard-reference-").tempdir()?;
        let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference/wrangler.toml");
        let process = EdgeProcess::start(EdgeSpec::isolated(config, dir.path())?)?;
        Ok(Self { process, _dir: dir })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        self.process.origin()
    }

    /// wrangler's process id (its group holds workerd).
    pub fn pid(&self) -> Option<u32> {
        self.process.pid()
    }
}

/// Resident memory of the `workerd` processes in process group `group`, MiB (Linux only).
pub fn workerd_rss_mib(group: Option<u32>) -> Option<f64> {
    let kib: u64 = workerd_processes(group?)
        .iter()
        .filter_map(|p| {
            let status = std::fs::read_to_string(p.join("status")).ok()?;
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))?
                .split_whitespace()
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum();
    (kib > 0).then_some(kib as f64 / 1024.0)
}

/// CPU time (user + system) the `workerd` processes in process group `group` have used so
/// far, seconds (Linux only): the difference across a scenario is what the load cost the
/// runtime, whatever the wall clock says.
pub fn workerd_cpu_seconds(group: Option<u32>) -> Option<f64> {
    let ticks: u64 = workerd_processes(group?)
        .iter()
        .filter_map(|p| {
            let stat = std::fs::read_to_string(p.join("stat")).ok()?;
            let (_, rest) = stat.rsplit_once(") ")?;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            // utime and stime: fields 14 and 15 of stat, 12th and 13th after the name.
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        })
        .sum();
    // /proc counts in USER_HZ, which Linux fixes at 100 for user space.
    (ticks > 0).then_some(ticks as f64 / 100.0)
}

/// `/proc/<pid>` of every `workerd` in process group `group`.
fn workerd_processes(group: u32) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            let Ok(stat) = std::fs::read_to_string(path.join("stat")) else { return false };
            // Fields after the command name (which may contain spaces) start after ") ".
            let pgrp =
                stat.rsplit_once(") ").and_then(|(_, rest)| rest.split_whitespace().nth(2)?.parse().ok());
            let comm = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
            pgrp == Some(group) && comm.trim() == "workerd"
        })
        .collect()
}
