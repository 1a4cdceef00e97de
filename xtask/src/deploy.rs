//! What a deployment gets, checked before it happens, and the same build self-hosted.
//!
//! - `cargo xtask deploy --dry-run`: builds, asks the pinned wrangler for exactly what
//!   `wrangler deploy` would upload (`wrangler deploy --dry-run --outdir target/deploy`), and
//!   checks it against Cloudflare's Workers limits: its compressed (gzip) size — over 10 MiB
//!   (paid plans) fails, over 3 MiB (the free plan) warns — and its startup, which must stay
//!   under 1 s: measured as the time plain workerd takes from starting on that bundle to
//!   answering its first request (the best of three), an upper bound of the parse and global
//!   scope Cloudflare times. `cargo xtask test` runs the same check.
//! - `cargo xtask self-host [--dir DIR] [--listen ADDRESS]`: builds and writes a folder that
//!   plain `workerd` serves (`switchboard_tests::self_host`): storage on local disk, secrets
//!   from the environment (those set when it is written; `docs/deploy.md`).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Result};
use switchboard_tests::self_host::{self, SelfHosted, SECRETS};

use crate::sizes::{gzip_len, WORKERS_FREE_GZIP_LIMIT, WORKERS_PAID_GZIP_LIMIT};
use crate::tools::{self, Needs};
use crate::{bundle, root};

/// Cloudflare's limit on a Worker's startup.
const STARTUP_LIMIT: Duration = Duration::from_secs(1);

/// `cargo xtask deploy --dry-run`.
pub(crate) fn run(args: &[String]) -> Result<()> {
    if args != ["--dry-run"] {
        bail!(
            "usage: cargo xtask deploy --dry-run (deploying itself is `npx wrangler deploy`, docs/deploy.md)"
        );
    }
    let tools = tools::ensure(Needs { browser: false })?;
    bundle::build_all(&tools)?;
    check_upload()
}

/// Measures and checks what `wrangler deploy` would upload (the edge must be built).
pub(crate) fn check_upload() -> Result<()> {
    let out = root().join("target/deploy");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    self_host::dry_run(&out)?;
    let (mut raw, mut gzip) = (0, 0);
    for file in self_host::uploaded_files(&out)? {
        let bytes = std::fs::read(&file)?;
        raw += bytes.len();
        gzip += gzip_len(&bytes)?;
    }
    let startup = startup()?;
    eprintln!(
        "xtask: deploy dry run: upload {raw} bytes, {gzip} gzip (limits {WORKERS_FREE_GZIP_LIMIT} free, \
         {WORKERS_PAID_GZIP_LIMIT} paid); started and answering in {} ms (limit {} ms)",
        startup.as_millis(),
        STARTUP_LIMIT.as_millis()
    );
    if gzip > WORKERS_PAID_GZIP_LIMIT {
        bail!("the worker is {gzip} bytes gzip, over Cloudflare's {WORKERS_PAID_GZIP_LIMIT}");
    }
    if gzip > WORKERS_FREE_GZIP_LIMIT {
        eprintln!(
            "xtask: warning: over the free plan's {WORKERS_FREE_GZIP_LIMIT} bytes: deploy on a paid plan"
        );
    }
    if startup > STARTUP_LIMIT {
        bail!(
            "the worker took {} ms to start, over Cloudflare's {} ms",
            startup.as_millis(),
            STARTUP_LIMIT.as_millis()
        );
    }
    Ok(())
}

/// The best of three starts of plain workerd on the bundle, each on fresh storage.
fn startup() -> Result<Duration> {
    let mut best = Duration::MAX;
    for n in 0..3 {
        let dir = root().join(format!("target/deploy/startup-{n}"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let config = self_host::write(&dir, &format!("127.0.0.1:{port}"), &[], &["SESSION_SECRET"])?;
        let secret = [("SESSION_SECRET", "startup-check-secret-0123456789abcdef0123")];
        let (edge, took) = SelfHosted::start(&config, &format!("http://127.0.0.1:{port}"), &secret)?;
        drop(edge);
        best = best.min(took);
    }
    Ok(best)
}

/// `cargo xtask self-host`.
pub(crate) fn self_host(args: &[String]) -> Result<()> {
    let mut dir = root().join("target/self-host");
    let mut listen = "127.0.0.1:8787".to_owned();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--dir", Some(value)) => dir = PathBuf::from(value),
            ("--listen", Some(value)) => listen = value.clone(),
            _ => bail!("usage: cargo xtask self-host [--dir DIR] [--listen ADDRESS]"),
        }
    }
    let tools = tools::ensure(Needs { browser: false })?;
    bundle::build_all(&tools)?;
    // Secrets bound are those set now (a bound secret must be set when workerd starts).
    let always = ["SESSION_SECRET", "BOOTSTRAP_ADMIN_PASSWORD"];
    let secrets: Vec<&str> =
        SECRETS.iter().copied().filter(|s| always.contains(s) || std::env::var_os(s).is_some()).collect();
    let config = self_host::write(&dir, &listen, &[], &secrets)?;
    eprintln!(
        "xtask: wrote {}\nxtask: run it with {} set:\n  {} serve --experimental {}",
        config.display(),
        secrets.join(", "),
        self_host::workerd().display(),
        config.display()
    );
    Ok(())
}
