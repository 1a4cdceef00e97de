//! The `workerd` processes behind an edge (Linux only): how much memory and CPU they use, and
//! the port of the runtime itself behind `wrangler dev`'s local proxy — which a deployment
//! does not have, so the bench and tests of raw HTTP behaviour talk to the runtime directly.

use std::path::PathBuf;

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

/// `http://127.0.0.1:PORT` of the workerd that runs the worker itself, in process group
/// `group`, skipping wrangler dev's proxy in front of it (another workerd, which forwards every
/// WebSocket frame once more and is not part of a deployed relay). `None` when it cannot be
/// told apart (not Linux, or no port answers `/health`).
pub async fn direct_origin(group: Option<u32>, proxied: &str) -> Option<String> {
    let runtimes: Vec<PathBuf> = workerd_processes(group?)
        .into_iter()
        .filter(|p| {
            // The proxy is started without an inspector; the runtime always has one.
            std::fs::read(p.join("cmdline"))
                .map(|c| String::from_utf8_lossy(&c).contains("--inspector-addr"))
                .unwrap_or(false)
        })
        .collect();
    let mut inodes = std::collections::HashSet::new();
    for process in &runtimes {
        for fd in std::fs::read_dir(process.join("fd")).ok()?.flatten() {
            if let Ok(target) = std::fs::read_link(fd.path()) {
                let target = target.to_string_lossy().into_owned();
                if let Some(inode) = target.strip_prefix("socket:[").and_then(|s| s.strip_suffix(']')) {
                    inodes.insert(inode.to_string());
                }
            }
        }
    }
    // Listening loopback sockets (state 0A) owned by the runtime.
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let ports = table.lines().skip(1).filter_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (local, state, inode) = (fields.get(1)?, fields.get(3)?, fields.get(9)?);
        let (address, port) = local.split_once(':')?;
        (*state == "0A" && address == "0100007F" && inodes.contains(*inode))
            .then(|| u16::from_str_radix(port, 16).ok())
            .flatten()
    });
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(2)).build().ok()?;
    for port in ports {
        let origin = format!("http://127.0.0.1:{port}");
        if origin == proxied {
            continue;
        }
        let health = client.get(format!("{origin}/health")).send().await;
        if health.is_ok_and(|r| r.status().is_success()) {
            return Some(origin);
        }
    }
    None
}
