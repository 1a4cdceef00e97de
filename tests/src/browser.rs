//! Headless Chromium driven over WebDriver (chromedriver + fantoccini).
//!
//! Each [`Browser`] is its own chromedriver and Chromium with a fresh profile folder: two of
//! them are two independent people (cookies, storage) — a visitor and an agent, say. Chromium
//! runs with the flags this machine needs (no sandbox as root, no background networking: the
//! network is closed).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use tempfile::TempDir;

use crate::edge::free_port;
use crate::wait;

/// Chromium from Debian (`apt-get install chromium chromium-driver`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Its WebDriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long element lookups wait.
pub const UI_TIMEOUT: Duration = Duration::from_secs(20);

/// One headless browser with its own profile.
pub struct Browser {
    client: Client,
    driver: Child,
    _profile: TempDir,
}

impl Browser {
    /// Starts chromedriver and a Chromium session with a 1280×800 window.
    pub async fn start() -> Result<Browser> {
        Browser::start_with(&[]).await
    }

    /// Like [`Browser::start`], with more Chromium switches (`--force-dark-mode`: the pages'
    /// `prefers-color-scheme` is dark, frames included).
    pub async fn start_with(switches: &[&str]) -> Result<Browser> {
        for binary in [CHROMIUM, CHROMEDRIVER] {
            if !std::path::Path::new(binary).exists() {
                bail!(
                    "{binary} is missing: run `cargo xtask test` (it installs chromium and chromium-driver)"
                );
            }
        }
        let profile = tempfile::Builder::new().prefix("switchboard-chromium-").tempdir()?;
        let port = free_port()?;
        let driver = {
            use std::os::unix::process::CommandExt;
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .context("starting chromedriver")?
        };
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,800",
        ]
        .iter()
        .chain(switches)
        .map(|s| s.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "chrome".into());
        capabilities
            .insert("goog:chromeOptions".into(), serde_json::json!({ "binary": CHROMIUM, "args": args }));
        let url = format!("http://127.0.0.1:{port}");
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        // chromedriver needs a moment to listen; retry the session until it does.
        let client = wait::until("chromedriver to accept a session", Duration::from_secs(30), || {
            let builder = ClientBuilder::new(connector.clone()).capabilities(capabilities.clone()).clone();
            let url = url.clone();
            async move { builder.connect(&url).await.ok() }
        })
        .await?;
        Ok(Browser { client, driver, _profile: profile })
    }

    /// The WebDriver client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Waits for an element matching `css` in the current frame.
    pub async fn find(&self, css: &str) -> Result<Element> {
        let client = &self.client;
        wait::until(&format!("an element matching {css}"), UI_TIMEOUT, || async move {
            client.find(Locator::Css(css)).await.ok()
        })
        .await
    }

    /// Clicks the element matching `css`, once it is there.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.find(css).await?.click().await?;
        Ok(())
    }

    /// Types `text` into the element matching `css`, once it is there.
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        self.find(css).await?.send_keys(text).await?;
        Ok(())
    }

    /// Waits until `script` (a function body returning a value) returns something truthy in
    /// the current frame; returns that value.
    pub async fn wait_for_js(&self, what: &str, script: &str) -> Result<serde_json::Value> {
        self.wait_for_js_within(what, UI_TIMEOUT, script).await
    }

    /// [`Self::wait_for_js`] for something that takes `within` (a timer of the product's).
    pub async fn wait_for_js_within(
        &self,
        what: &str,
        within: Duration,
        script: &str,
    ) -> Result<serde_json::Value> {
        let client = &self.client;
        wait::until(what, within, || async move {
            match client.execute(script, vec![]).await {
                Ok(value) if is_truthy(&value) => Some(value),
                _ => None,
            }
        })
        .await
    }

    /// Sets the `<select>` matching `select` to the option whose text is `label`, as a person
    /// picking it would (waiting until both are there).
    pub async fn choose(&self, select: &str, label: &str) -> Result<()> {
        let script = format!(
            "const s = document.querySelector({select:?}); if (!s) return false;
             const o = Array.from(s.options).find(o => o.textContent === {label:?}); if (!o) return false;
             s.value = o.value; s.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"
        );
        self.wait_for_js(&format!("{label:?} in {select}"), &script).await?;
        Ok(())
    }

    /// Ends the session and the browser.
    pub async fn close(mut self) -> Result<()> {
        let _ = self.client.clone().close().await;
        self.stop_driver();
        Ok(())
    }

    fn stop_driver(&mut self) {
        // chromedriver's group holds the Chromium processes it started.
        let _ = killpg(Pid::from_raw(self.driver.id() as i32), Signal::SIGKILL);
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.stop_driver();
    }
}

fn is_truthy(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64() != Some(0.0),
        serde_json::Value::String(s) => !s.is_empty(),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => true,
    }
}

/// What a chat view (widget frame or console) shows: `(seq, role, text)` of every stored
/// message, read from the current frame's `li.sb-message[data-seq]` elements.
pub async fn shown_messages(browser: &Browser) -> Result<Vec<(u64, String, String)>> {
    let value = browser
        .client()
        .execute(
            "return Array.from(document.querySelectorAll('li.sb-message[data-seq]'))
                .map(li => [Number(li.dataset.seq), li.dataset.role, li.textContent]);",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(value)?)
}

/// Waits until the `position`th stored message the current frame shows (1 = first; routing
/// events are not messages) contains `text`; returns everything shown then.
pub async fn wait_for_message(
    browser: &Browser,
    position: usize,
    text: &str,
) -> Result<Vec<(u64, String, String)>> {
    let waited =
        wait::until(&format!("message {position} ({text:?}) to be shown"), UI_TIMEOUT, || async move {
            let shown = shown_messages(browser).await.ok()?;
            shown.get(position.checked_sub(1)?).is_some_and(|(_, _, t)| t.contains(text)).then_some(shown)
        })
        .await;
    // On a timeout, say what the view showed instead: that is what finds the cause.
    if waited.is_err() {
        let view = browser
            .client()
            .execute(
                "const app = document.querySelector('.sb-app') || document.body; return app.innerText;",
                vec![],
            )
            .await;
        return waited.with_context(|| format!("the view showed: {view:?}"));
    }
    waited
}

/// Opens the widget on the current page (clicks the launcher in the loader's shadow root,
/// unless the panel is open already) and enters the chat frame.
pub async fn open_widget(browser: &Browser) -> Result<()> {
    let host = browser.find("#switchboard-widget").await?;
    let shadow =
        wait::until("the widget's shadow root", UI_TIMEOUT, || async { host.shadow_root().await.ok() })
            .await?;
    // Drawn once the site's look (`/launcher.js`) arrived: until then it is not displayed.
    let launcher = wait::until("the launcher", UI_TIMEOUT, || async {
        let launcher = shadow.find(Locator::Css("button[part=launcher]")).await.ok()?;
        let expanded = launcher.attr("aria-expanded").await.ok()?.as_deref() == Some("true");
        (expanded || launcher.is_displayed().await.ok()?).then_some(launcher)
    })
    .await?;
    if launcher.attr("aria-expanded").await?.as_deref() != Some("true") {
        launcher.click().await?;
    }
    let frame = wait::until("the chat frame", UI_TIMEOUT, || async {
        shadow.find(Locator::Css("iframe")).await.ok()
    })
    .await?;
    frame.enter_frame().await?;
    Ok(())
}

/// The conversation the widget in the current frame holds (from its stored session; the
/// demo site's).
pub async fn widget_conversation(browser: &Browser) -> Result<switchboard_protocol::ConversationId> {
    let session = browser
        .wait_for_js("a stored session", "return localStorage.getItem('switchboard:demo:session');")
        .await?;
    let session: serde_json::Value = serde_json::from_str(session.as_str().unwrap_or_default())?;
    Ok(session["conversation_id"].as_str().unwrap_or_default().parse()?)
}

/// The widget header's presence line in the current frame ("Online", "Away — back …").
pub async fn presence_line(browser: &Browser) -> Result<String> {
    let line = browser
        .wait_for_js(
            "the presence line",
            "const p = document.querySelector('p.sb-presence'); return p && p.textContent;",
        )
        .await?;
    Ok(line.as_str().unwrap_or_default().to_string())
}

/// Signs the test admin in to the console at `edge` in `agent`.
pub async fn sign_in_to_console(agent: &Browser, edge: &crate::test_edge::TestEdge) -> Result<()> {
    agent.client().goto(&edge.url("/console/")).await?;
    agent.find("input[name=email]").await?.send_keys(crate::ADMIN_EMAIL).await?;
    agent.find("input[name=password]").await?.send_keys(crate::ADMIN_PASSWORD).await?;
    agent.find("form.sb-login button[type=submit]").await?.click().await?;
    Ok(())
}

/// Types `text` into the widget's message box (in the chat frame) and sends it.
pub async fn send_from_widget(visitor: &Browser, text: &str) -> Result<()> {
    visitor.find("textarea[name=message]").await?.send_keys(text).await?;
    visitor.find("button.sb-send").await?.click().await?;
    Ok(())
}

/// Puts `text` in the widget's message box as typing would (an `input` event), without
/// sending it. Not through WebDriver's keys: in headless Chromium under load, a chat frame
/// that was started hidden and then shown sometimes never receives them although it has
/// focus (see issue 6's closing notes); use this where typing is not what is tested.
pub async fn type_into_widget(visitor: &Browser, text: &str) -> Result<()> {
    visitor.find("textarea[name=message]").await?;
    let script = format!(
        "const t = document.querySelector('textarea[name=message]'); t.value = {text:?};
         t.dispatchEvent(new InputEvent('input', {{ bubbles: true, data: {text:?}, inputType: 'insertText' }}));"
    );
    visitor.client().execute(&script, vec![]).await?;
    Ok(())
}

/// Presses `keys` one after another on whatever has focus (WebDriver key actions, as a
/// keyboard would: they reach shadow roots and frames, unlike typing into an element). Keys
/// are characters or WebDriver's codes (`'\u{E004}'` Tab, `'\u{E007}'` Enter, `'\u{E00C}'`
/// Escape); Shift+Tab is `['\u{E008}', '\u{E004}']` with `shift` set.
pub async fn press(browser: &Browser, keys: &str, shift: bool) -> Result<()> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    const SHIFT: char = '\u{E008}';
    let mut actions = KeyActions::new("keyboard".into());
    if shift {
        actions = actions.then(KeyAction::Down { value: SHIFT });
    }
    for key in keys.chars() {
        actions = actions.then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
    }
    if shift {
        actions = actions.then(KeyAction::Up { value: SHIFT });
    }
    browser.client().perform_actions(actions).await?;
    Ok(())
}

/// Saves a screenshot under `target/screenshots/`; with `SWITCHBOARD_UPDATE_SCREENSHOTS=1`
/// also into `docs/screenshots/`, where the README shows it (so ordinary test runs leave the
/// working tree clean).
pub async fn save_screenshot(browser: &Browser, name: &str) -> Result<()> {
    let png = browser.client().screenshot().await?;
    let mut dirs = vec![crate::paths::repo_root().join("target/screenshots")];
    if std::env::var_os("SWITCHBOARD_UPDATE_SCREENSHOTS").is_some() {
        dirs.push(crate::paths::repo_root().join("docs/screenshots"));
    }
    for dir in dirs {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), &png)?;
    }
    Ok(())
}
