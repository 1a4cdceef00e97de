//! `cargo xtask dev`: everything running locally, the way it runs in production.
//!
//! The edge runs in workerd (wrangler dev) on http://127.0.0.1:8787 with its state persisted
//! under `.switchboard/state`; the demo site runs on http://127.0.0.1:8080, another origin,
//! so the widget is embedded cross-origin exactly as on a customer's site.

use std::path::Path;

use anyhow::{bail, Context, Result};
use switchboard_demo_site::DemoSite;
use switchboard_tests::edge::{EdgeProcess, EdgeSpec};

use crate::tools::{self, Needs};
use crate::{bundle, root};

const EDGE_PORT: u16 = 8787;
const DEMO_ADDR: &str = "127.0.0.1:8080";

/// Builds, starts the edge and the demo site, and runs until Ctrl-C.
pub(crate) fn run() -> Result<()> {
    let tools = tools::ensure(Needs { browser: false })?;
    bundle::build_all(&tools)?;
    let edge_dir = root().join("edge");
    let (password, identity_secret) = ensure_dev_vars(&edge_dir)?;
    for port in [EDGE_PORT, 8080] {
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
            bail!("port {port} is in use: stop whatever runs there (another `cargo xtask dev`?)");
        }
    }
    let state = root().join(".switchboard");
    let mut edge = EdgeProcess::start(EdgeSpec {
        config: edge_dir.join("wrangler.toml"),
        port: EDGE_PORT,
        persist_dir: state.join("state"),
        wrangler_home: state.join("wrangler-home"),
        log: None,
        own_process_group: false,
        vars: vec![("BOOTSTRAP_FLOW".into(), demo_flow()?)],
    })?;
    let _site = DemoSite::start(DEMO_ADDR, &edge.origin(), Some(&identity_secret))?;
    let email = admin_email(&edge_dir)?;
    println!(
        "\n  Switchboard is running.\n\n  \
         demo site (visitor):  http://{DEMO_ADDR}/\n  \
         agent console:        {origin}/console/\n      \
         sign in as {email} / {password}\n  \
         edge health:          {origin}/health\n  \
         state:                {state}\n\n  Press Ctrl-C to stop.\n",
        origin = edge.origin(),
        state = state.join("state").display(),
    );
    edge.wait()
}

/// The demo shop's flow (`demo-site/flow.toml`), as the JSON the edge reads.
fn demo_flow() -> Result<String> {
    let path = root().join("demo-site").join("flow.toml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let flow: toml::Value =
        toml::from_str(&text).with_context(|| format!("{} is not TOML", path.display()))?;
    Ok(serde_json::to_string(&flow)?)
}

/// `edge/.dev.vars` holds the local secrets; made once with random values (a file from
/// before identity verification gets its secret added). Returns the admin's password and the
/// identity secret the demo site signs its customer with.
fn ensure_dev_vars(edge_dir: &Path) -> Result<(String, String)> {
    let path = edge_dir.join(".dev.vars");
    let random = |n: usize| -> Result<String> {
        let mut bytes = vec![0u8; n];
        getrandom::getrandom(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
    };
    let mut text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(_) => {
            format!("SESSION_SECRET=\"{}\"\nBOOTSTRAP_ADMIN_PASSWORD=\"{}\"\n", random(32)?, random(8)?)
        }
    };
    let value = |text: &str, name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix('='))
            .map(|v| v.trim_matches('"').to_string())
    };
    if value(&text, "BOOTSTRAP_IDENTITY_SECRET").is_none() {
        text.push_str(&format!("BOOTSTRAP_IDENTITY_SECRET=\"{}\"\n", random(32)?));
    }
    std::fs::write(&path, &text)?;
    let password = value(&text, "BOOTSTRAP_ADMIN_PASSWORD").unwrap_or_else(|| "(see edge/.dev.vars)".into());
    let secret = value(&text, "BOOTSTRAP_IDENTITY_SECRET").unwrap_or_default();
    Ok((password, secret))
}

fn admin_email(edge_dir: &Path) -> Result<String> {
    let config: toml::Table = std::fs::read_to_string(edge_dir.join("wrangler.toml"))?.parse()?;
    config
        .get("vars")
        .and_then(|vars| vars.get("BOOTSTRAP_ADMIN_EMAIL"))
        .and_then(|email| email.as_str())
        .map(str::to_string)
        .context("wrangler.toml [vars] has no BOOTSTRAP_ADMIN_EMAIL")
}
