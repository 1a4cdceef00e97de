//! Running the edge in workerd through the pinned `wrangler dev`, on loopback only.
//!
//! wrangler is started directly (not through npx, which does not pass signals on) and stopped
//! with SIGINT, so it shuts workerd down cleanly; SIGKILL to its process group follows if it
//! does not exit in time. Its telemetry and update checks are off.

use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;

/// How to run an edge.
#[derive(Debug, Clone)]
pub struct EdgeSpec {
    /// The wrangler config (its folder holds `.dev.vars`).
    pub config: PathBuf,
    /// Port on 127.0.0.1.
    pub port: u16,
    /// Where Durable Object storage persists (survives restarts with the same folder).
    pub persist_dir: PathBuf,
    /// wrangler's own config/cache folder (kept inside the project, not the user's home).
    pub wrangler_home: PathBuf,
    /// Where wrangler's output goes; `None` to inherit the terminal.
    pub log: Option<PathBuf>,
    /// Run in its own process group (tests: killable as a whole; dev: leave it in the
    /// terminal's group so Ctrl-C reaches it).
    pub own_process_group: bool,
    /// Variables set on the command line (`--var NAME:VALUE`), over the config's.
    pub vars: Vec<(String, String)>,
}

impl EdgeSpec {
    /// `config` on a free port with everything else (state, wrangler's home, the log) inside
    /// `dir`, in its own process group: an edge that shares nothing with any other.
    pub fn isolated(config: PathBuf, dir: &Path) -> Result<Self> {
        Ok(EdgeSpec {
            config,
            port: free_port()?,
            persist_dir: dir.join("state"),
            wrangler_home: dir.join("wrangler-home"),
            log: Some(dir.join("wrangler.log")),
            own_process_group: true,
            vars: Vec::new(),
        })
    }
}

/// A running edge; stopped when dropped.
pub struct EdgeProcess {
    spec: EdgeSpec,
    child: Option<Child>,
}

impl EdgeProcess {
    /// Starts the edge and waits until `GET /health` answers 200 (at most 90 s).
    ///
    /// A port found free can be taken by a parallel test before workerd binds it (tests in
    /// one binary start edges at once), and wrangler's bundler has been seen to crash at start
    /// under load: when wrangler exits before answering, it starts again on another port, up
    /// to 3 times.
    pub fn start(spec: EdgeSpec) -> Result<Self> {
        let mut process = Self { spec, child: None };
        let mut attempts = 0;
        loop {
            match process.launch() {
                Err(error) if attempts < 3 && error.to_string().contains("exited with") => {
                    attempts += 1;
                    process.stop();
                    process.spec.port = free_port()?;
                }
                result => return result.map(|()| process),
            }
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.spec.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.spec.port
    }

    /// The process id of wrangler (also its process group when `own_process_group`, which
    /// then holds workerd too).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Stops and starts again with the same state (a restart of the runtime).
    pub fn restart(&mut self) -> Result<()> {
        self.stop();
        self.launch()
    }

    /// Stops, runs `between` on the stopped runtime's state folder, and starts again.
    pub fn restart_after(&mut self, between: impl FnOnce(&std::path::Path) -> Result<()>) -> Result<()> {
        self.stop();
        between(&self.spec.persist_dir)?;
        self.launch()
    }

    /// Waits for the process to end by itself (dev: until Ctrl-C).
    pub fn wait(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            child.wait()?;
        }
        Ok(())
    }

    fn launch(&mut self) -> Result<()> {
        let spec = &self.spec;
        std::fs::create_dir_all(&spec.persist_dir)?;
        std::fs::create_dir_all(&spec.wrangler_home)?;
        let wrangler = crate::paths::wrangler();
        if !wrangler.exists() {
            bail!("{} is missing: run `cargo xtask test` (it runs npm ci)", wrangler.display());
        }
        let mut command = Command::new(&wrangler);
        command
            .arg("dev")
            .arg("--config")
            .arg(&spec.config)
            .args(["--ip", "127.0.0.1", "--port", &spec.port.to_string()])
            .arg("--persist-to")
            .arg(&spec.persist_dir)
            .args(["--inspector-port", &free_port()?.to_string()])
            .args(["--show-interactive-dev-session=false", "--live-reload=false"])
            .args(spec.vars.iter().flat_map(|(name, value)| ["--var".to_string(), format!("{name}:{value}")]))
            .current_dir(spec.config.parent().unwrap_or(Path::new(".")))
            .env("WRANGLER_SEND_METRICS", "false")
            .env("WRANGLER_SEND_ERROR_REPORTS", "false")
            .env("WRANGLER_HIDE_BANNER", "true")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            .env("XDG_CONFIG_HOME", &spec.wrangler_home)
            .env("WRANGLER_LOG_PATH", spec.wrangler_home.join("logs"))
            .stdin(Stdio::null());
        if let Some(log) = &spec.log {
            let file = File::options().create(true).append(true).open(log)?;
            command.stdout(file.try_clone()?).stderr(file);
        }
        if spec.own_process_group {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let child = command.spawn().with_context(|| format!("starting {}", wrangler.display()))?;
        self.child = Some(child);
        self.wait_healthy(Duration::from_secs(90))
    }

    fn wait_healthy(&mut self, timeout: Duration) -> Result<()> {
        let started = Instant::now();
        while started.elapsed() < timeout {
            if let Some(child) = self.child.as_mut() {
                if let Some(status) = child.try_wait()? {
                    bail!("wrangler exited with {status} before the edge answered{}", self.log_tail());
                }
            }
            // Another test's edge may have taken the port between `free_port` and our bind:
            // its /health would answer too. Ours is up once our own wrangler says so.
            if health_ok(self.spec.port) && self.says_ready() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("the edge did not answer /health within {timeout:?}{}", self.log_tail())
    }

    /// Whether our wrangler's log says it listens on our port (always true without a log).
    fn says_ready(&self) -> bool {
        let Some(log) = &self.spec.log else { return true };
        let ready = format!("Ready on http://127.0.0.1:{}", self.spec.port);
        std::fs::read_to_string(log).is_ok_and(|text| text.contains(&ready))
    }

    fn log_tail(&self) -> String {
        let Some(log) = &self.spec.log else { return String::new() };
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(30).collect();
        format!(
            "; last lines of {}:\n{}",
            log.display(),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        )
    }

    /// Stops the edge: SIGINT, then SIGKILL to the group after 15 s.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let pid = Pid::from_raw(child.id() as i32);
        let group = self.spec.own_process_group;
        let _ = if group { killpg(pid, Signal::SIGINT) } else { kill(pid, Signal::SIGINT) };
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if group {
            // workerd may outlive wrangler for a moment; take the whole group down.
            let _ = killpg(pid, Signal::SIGKILL);
        } else {
            let _ = child.kill();
        }
        let _ = child.wait();
        // The port must be free again before a restart binds it.
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && TcpStream::connect(("127.0.0.1", self.spec.port)).is_ok() {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for EdgeProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A port that was free a moment ago on 127.0.0.1.
///
/// Never one it gave before in this process: an edge stopped for a restart leaves its port
/// free for a moment, and another test's edge (or browser) given it then would keep the
/// restarted edge from binding it again.
pub fn free_port() -> Result<u16> {
    static GIVEN: std::sync::Mutex<std::collections::BTreeSet<u16>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    for _ in 0..100 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        if GIVEN.lock().map_or(true, |mut given| given.insert(port)) {
            return Ok(port);
        }
    }
    anyhow::bail!("no port this process has not given out before")
}

/// `GET /health` with a plain HTTP/1.0 request (no client library needed at start-up). The
/// answer is read only until it is whole: wrangler's proxy keeps the connection open after it,
/// and waiting for the close cost every test's start five seconds.
fn health_ok(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if write!(stream, "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut reply = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let text = String::from_utf8_lossy(&reply);
        if text.starts_with("HTTP/1.1 200") && text.contains("\"status\":\"ok\"") {
            return true;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return false,
            Ok(read) => reply.extend_from_slice(&chunk[..read]),
        }
    }
}
