//! Running the edge self-hosted: the exact bundle `wrangler deploy` uploads (from
//! `wrangler deploy --dry-run --outdir`), served by a plain `workerd` — no wrangler, no
//! Cloudflare — with every Durable Object's SQLite storage on local disk, the static files of
//! `edge/public/` served in front of the worker, the `[vars]` of `wrangler.toml` as text
//! bindings and the secrets named when it is written read from workerd's environment
//! (`fromEnvironment`; a secret bound but unset in the environment must not be named).
//! `cargo xtask self-host` writes such a folder; tests start one and restart it.
//!
//! Not available self-hosted: R2 (workerd has no bucket of its own), so files cannot be
//! uploaded; everything else works as on Cloudflare.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::paths;

/// The secrets the worker reads.
pub const SECRETS: [&str; 11] = [
    "SESSION_SECRET",
    "SESSION_SECRET_PREVIOUS",
    "BOOTSTRAP_ADMIN_PASSWORD",
    "BOOTSTRAP_IDENTITY_SECRET",
    "BOOTSTRAP_AGENTS",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "MESSENGER_APP_SECRET",
    "MESSENGER_VERIFY_TOKEN",
    "EMAIL_INBOUND_SECRET",
    "POSTMARK_SERVER_TOKEN",
];

/// The Durable Object classes and their bindings, as `wrangler.toml` declares them.
fn objects() -> Result<Vec<(String, String)>> {
    let config: toml::Table = std::fs::read_to_string(paths::edge_dir().join("wrangler.toml"))?.parse()?;
    let bindings = config
        .get("durable_objects")
        .and_then(|d| d.get("bindings"))
        .and_then(|b| b.as_array())
        .context("wrangler.toml has no [durable_objects] bindings")?;
    Ok(bindings
        .iter()
        .filter_map(|b| {
            Some((b.get("name")?.as_str()?.to_owned(), b.get("class_name")?.as_str()?.to_owned()))
        })
        .collect())
}

/// `wrangler.toml`'s `[vars]` and `compatibility_date`.
fn vars_and_date() -> Result<(Vec<(String, String)>, String)> {
    let config: toml::Table = std::fs::read_to_string(paths::edge_dir().join("wrangler.toml"))?.parse()?;
    let vars = config
        .get("vars")
        .and_then(|v| v.as_table())
        .map(|t| t.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
        .unwrap_or_default();
    let date = config.get("compatibility_date").and_then(|d| d.as_str()).context("no compatibility_date")?;
    Ok((vars, date.to_owned()))
}

/// What `wrangler deploy` would upload, written to `out` (its worker module and wasm).
pub fn dry_run(out: &Path) -> Result<()> {
    let status = Command::new("node")
        .arg(paths::edge_dir().join("node_modules/wrangler/bin/wrangler.js"))
        .args(["deploy", "--dry-run", "--outdir"])
        .arg(out)
        .current_dir(paths::edge_dir())
        .env("WRANGLER_SEND_METRICS", "false")
        .env("XDG_CONFIG_HOME", out.join(".wrangler-home"))
        .stdout(Stdio::null())
        .status()
        .context("running wrangler deploy --dry-run")?;
    if !status.success() {
        bail!("wrangler deploy --dry-run failed ({status}); run `cargo xtask build` first");
    }
    Ok(())
}

/// The files of a dry run that are uploaded (the worker's module and its wasm), by name.
pub fn uploaded_files(out: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(out)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "js" || x == "mjs" || x == "wasm"))
        .collect();
    files.sort();
    Ok(files)
}

/// Writes a self-hosted edge into `dir`: the dry run's bundle, `public/`'s files, and
/// `config.capnp` listening on `address` (`127.0.0.1:8787`, `*:8080`). Its storage is
/// `dir/storage`. Extra variables (`vars`) are added to, or replace, `wrangler.toml`'s;
/// `secrets` (of [`SECRETS`]) are read from workerd's environment when it starts.
pub fn write(dir: &Path, address: &str, vars: &[(&str, &str)], secrets: &[&str]) -> Result<PathBuf> {
    let bundle = dir.join("bundle");
    std::fs::create_dir_all(&bundle)?;
    std::fs::create_dir_all(dir.join("storage"))?;
    dry_run(&bundle)?;
    let modules = uploaded_files(&bundle)?;
    let main = modules
        .iter()
        .find(|p| p.extension().is_some_and(|x| x != "wasm"))
        .context("the dry run wrote no worker module")?;
    let module_lines: Vec<String> = std::iter::once(main)
        .chain(modules.iter().filter(|p| p.extension().is_some_and(|x| x == "wasm")))
        .map(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let kind = if name.ends_with(".wasm") { "wasm" } else { "esModule" };
            format!("    (name = \"{name}\", {kind} = embed \"bundle/{name}\"),")
        })
        .collect();
    let (mut all_vars, date) = vars_and_date()?;
    for (name, value) in vars {
        all_vars.retain(|(n, _)| n != name);
        all_vars.push(((*name).to_owned(), (*value).to_owned()));
    }
    let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
    let mut bindings: Vec<String> =
        all_vars.iter().map(|(k, v)| format!("    (name = {}, text = {}),", quote(k), quote(v))).collect();
    bindings.extend(
        secrets
            .iter()
            .filter(|s| !all_vars.iter().any(|(k, _)| k == *s))
            .map(|s| format!("    (name = \"{s}\", fromEnvironment = \"{s}\"),")),
    );
    let objects = objects()?;
    bindings.extend(
        objects
            .iter()
            .map(|(name, class)| format!("    (name = \"{name}\", durableObjectNamespace = \"{class}\"),")),
    );
    let namespaces: Vec<String> = objects
        .iter()
        .map(|(_, class)| {
            format!("    (className = \"{class}\", uniqueKey = \"switchboard-{class}\", enableSql = true),")
        })
        .collect();
    let public = paths::edge_dir().join("public");
    let config = format!(
        r#"# A self-hosted Switchboard edge (written by `cargo xtask self-host`): the bundle
# `wrangler deploy` uploads, in plain workerd. Secrets come from the environment.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "front", worker = .front),
    (name = "edge", worker = .edge),
    (name = "public", disk = (path = {public})),
    (name = "storage", disk = (path = {storage}, writable = true)),
  ],
  sockets = [(name = "http", address = {address}, http = (), service = "front")],
);

# Static files first (as Workers Static Assets serve them), then the worker.
const front :Workerd.Worker = (
  modules = [(name = "front.js", esModule = embed "front.js")],
  compatibilityDate = "{date}",
  bindings = [(name = "PUBLIC", service = "public"), (name = "EDGE", service = "edge")],
);

const edge :Workerd.Worker = (
  modules = [
{modules}
  ],
  compatibilityDate = "{date}",
  bindings = [
{bindings}
  ],
  durableObjectNamespaces = [
{namespaces}
  ],
  durableObjectStorage = (localDisk = "storage"),
);
"#,
        public = quote(&public.to_string_lossy()),
        storage = quote(&dir.join("storage").to_string_lossy()),
        address = quote(address),
        modules = module_lines.join("\n"),
        bindings = bindings.join("\n"),
        namespaces = namespaces.join("\n"),
    );
    std::fs::write(dir.join("front.js"), FRONT)?;
    let path = dir.join("config.capnp");
    std::fs::write(&path, config)?;
    Ok(path)
}

/// The front worker: a GET for a file of `public/` is that file, with its type and the
/// caching `public/_headers` gives it on Cloudflare; anything else goes to the edge.
const FRONT: &str = r#"const TYPES = { js: "text/javascript", css: "text/css", wasm: "application/wasm", svg: "image/svg+xml",
  html: "text/html; charset=utf-8", json: "application/json", png: "image/png", wav: "audio/wav", txt: "text/plain" };
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method === "GET" && /^\/(widget\.js|(assets|i18n)\/[\w.\-\/]+)$/.test(url.pathname) && !url.pathname.includes("..")) {
      const file = await env.PUBLIC.fetch(new URL(url.pathname, "http://public"));
      if (file.ok) {
        const type = TYPES[url.pathname.split(".").pop()] || "application/octet-stream";
        const headers = new Headers({ "content-type": type, "x-content-type-options": "nosniff",
          "access-control-allow-origin": "*", "cache-control": url.pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable"
            : url.pathname.startsWith("/i18n/") ? "public, max-age=3600" : "public, max-age=300" });
        return new Response(file.body, { headers });
      }
    }
    return env.EDGE.fetch(request);
  },
};
"#;

/// The workerd that the pinned wrangler bundles.
pub fn workerd() -> PathBuf {
    paths::edge_dir().join("node_modules/@cloudflare/workerd-linux-64/bin/workerd")
}

/// A running self-hosted edge.
pub struct SelfHosted {
    config: PathBuf,
    origin: String,
    env: Vec<(String, String)>,
    child: Option<Child>,
}

impl SelfHosted {
    /// Starts workerd on `config` (listening on `origin`'s port) with `env` (its secrets),
    /// waiting until it answers `/health`; answers how long that took.
    pub fn start(config: &Path, origin: &str, env: &[(&str, &str)]) -> Result<(SelfHosted, Duration)> {
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let mut edge = SelfHosted { config: config.to_owned(), origin: origin.to_owned(), env, child: None };
        let took = edge.spawn()?;
        Ok((edge, took))
    }

    fn spawn(&mut self) -> Result<Duration> {
        let started = Instant::now();
        let log = std::fs::File::create(self.config.with_file_name("workerd.log"))?;
        let child = Command::new(workerd())
            .args(["serve", "--experimental"])
            .arg(&self.config)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("starting workerd")?;
        self.child = Some(child);
        let health = format!("{}/health", self.origin);
        while started.elapsed() < Duration::from_secs(30) {
            let answered = std::process::Command::new("curl")
                .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "1", &health])
                .output()
                .map(|out| out.stdout == b"200")
                .unwrap_or(false);
            if answered {
                return Ok(started.elapsed());
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                bail!("workerd exited ({status}): {}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        bail!("the self-hosted edge did not answer within 30 s: {}", self.log())
    }

    /// What workerd wrote.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.config.with_file_name("workerd.log")).unwrap_or_default()
    }

    /// Stops workerd and starts it again on the same storage.
    pub fn restart(&mut self) -> Result<Duration> {
        self.stop();
        self.spawn()
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for SelfHosted {
    fn drop(&mut self) {
        self.stop();
    }
}
