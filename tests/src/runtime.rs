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
/// far, seconds (Linux only), split by thread: the difference across a scenario is what the
/// load cost the runtime, whatever the wall clock says.
pub fn workerd_cpu(group: Option<u32>) -> Option<WorkerdCpu> {
    let mut cpu = WorkerdCpu::default();
    for process in workerd_processes(group?) {
        for thread in std::fs::read_dir(process.join("task")).ok()?.flatten() {
            let Some(seconds) = cpu_seconds(&thread.path()) else { continue };
            let name = std::fs::read_to_string(thread.path().join("comm")).unwrap_or_default();
            cpu.total += seconds;
            // V8's platform threads compile hot wasm functions in the background (tier-up)
            // and mark the heap concurrently; everything else is the event loop, where the
            // isolate runs every request and event (what a Workers plan bills as CPU time).
            if !name.starts_with("V8 ") {
                cpu.isolate += seconds;
            }
        }
    }
    (cpu.total > 0.0).then_some(cpu)
}

/// CPU seconds of a `workerd`, all threads and its event loop's alone.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WorkerdCpu {
    /// Every thread of every process.
    pub total: f64,
    /// The threads that run JavaScript and wasm: all but V8's background workers.
    pub isolate: f64,
}

impl std::ops::Sub for WorkerdCpu {
    type Output = WorkerdCpu;
    fn sub(self, before: WorkerdCpu) -> WorkerdCpu {
        WorkerdCpu { total: self.total - before.total, isolate: self.isolate - before.isolate }
    }
}

/// utime + stime of the process or thread at `/proc` path `path`, seconds.
fn cpu_seconds(path: &std::path::Path) -> Option<f64> {
    let stat = std::fs::read_to_string(path.join("stat")).ok()?;
    let (_, rest) = stat.rsplit_once(") ")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime: fields 14 and 15 of stat, 12th and 13th after the name.
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // /proc counts in USER_HZ, which Linux fixes at 100 for user space.
    Some(ticks as f64 / 100.0)
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
