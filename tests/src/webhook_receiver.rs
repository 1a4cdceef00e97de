//! A webhook receiver as a customer would write one, independent of the edge's code: a local
//! HTTP server that checks every delivery's signature with its own HMAC-SHA256 (as
//! `docs/protocol.md` tells receivers to), keeps what it accepted, and can be told to be
//! down (`503`), to never answer, to redirect, or to answer with an endless body.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::AsyncWriteExt;

use crate::bot_server::{read_request, Received};
use crate::local_server::{Connection, LocalServer};

/// How the receiver answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `200`, after checking the signature (`401` when it does not match).
    Up,
    /// `503`: down for maintenance.
    Down,
    /// Reads the request and never answers.
    Hang,
    /// `302` to itself.
    Redirect,
    /// `200` with a body that never ends.
    Endless,
}

/// What the receiver got.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// `X-Switchboard-Delivery`.
    pub id: String,
    /// The event, parsed.
    pub event: serde_json::Value,
    /// Whether it was answered `200` (accepted).
    pub accepted: bool,
}

struct State {
    mode: Mode,
    secret: String,
    deliveries: Vec<Delivery>,
    bad_signatures: usize,
}

/// A running receiver.
pub struct WebhookReceiver {
    server: LocalServer<State>,
}

impl WebhookReceiver {
    /// Starts on a free loopback port in `mode`.
    pub async fn start(mode: Mode) -> Result<WebhookReceiver> {
        let state = State { mode, secret: String::new(), deliveries: Vec::new(), bad_signatures: 0 };
        Ok(WebhookReceiver { server: LocalServer::start(state, serve).await? })
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks", self.server.port())
    }

    /// The secret it checks signatures with (from the subscription's creation).
    pub fn set_secret(&self, secret: &str) {
        self.server.lock().secret = secret.to_owned();
    }

    /// Changes how it answers.
    pub fn set_mode(&self, mode: Mode) {
        self.server.lock().mode = mode;
    }

    /// Everything it got so far.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.server.lock().deliveries.clone()
    }

    /// Requests whose signature did not match.
    pub fn bad_signatures(&self) -> usize {
        self.server.lock().bad_signatures
    }

    /// Waits (up to `within`) until `done` holds for what it got.
    pub async fn until(&self, within: Duration, done: impl Fn(&[Delivery]) -> bool) -> Result<Vec<Delivery>> {
        let found = self.server.until(within, "the receiver's condition", |state| {
            done(&state.deliveries).then(|| state.deliveries.clone())
        });
        found.await.map_err(|e| anyhow!("{e}; it got {} deliveries", self.deliveries().len()))
    }
}

async fn serve(Connection { mut stream, state, arrived }: Connection<State>) -> Result<()> {
    let Some(request) = read_request(&mut stream).await? else { return Ok(()) };
    let (mode, secret) = {
        let state = state.lock().map_err(|_| anyhow!("poisoned"))?;
        (state.mode, state.secret.clone())
    };
    let signed = verify(&secret, &request);
    let accepted = mode == Mode::Up && signed.is_ok();
    {
        let mut state = state.lock().map_err(|_| anyhow!("poisoned"))?;
        if signed.is_err() {
            state.bad_signatures += 1;
        }
        state.deliveries.push(Delivery {
            id: request.headers.get("x-switchboard-delivery").cloned().unwrap_or_default(),
            event: serde_json::from_slice(&request.body).unwrap_or(serde_json::Value::Null),
            accepted,
        });
    }
    arrived.notify_waiters();
    let reply = |status: &str, extra: &str| {
        format!("HTTP/1.1 {status}\r\n{extra}content-length: 2\r\nconnection: close\r\n\r\n{{}}")
    };
    match mode {
        Mode::Up if accepted => stream.write_all(reply("200 OK", "").as_bytes()).await?,
        Mode::Up => stream.write_all(reply("401 Unauthorized", "").as_bytes()).await?,
        Mode::Down => stream.write_all(reply("503 Service Unavailable", "").as_bytes()).await?,
        Mode::Redirect => stream.write_all(reply("302 Found", "location: /hooks\r\n").as_bytes()).await?,
        Mode::Hang => tokio::time::sleep(Duration::from_secs(600)).await,
        Mode::Endless => {
            stream.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n").await?;
            let chunk = format!("{:x}\r\n{}\r\n", 1024, "x".repeat(1024));
            loop {
                stream.write_all(chunk.as_bytes()).await?;
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    Ok(())
}

/// Checks `X-Switchboard-Signature: t=<ms>,v1=<hex>` against HMAC-SHA256(secret, "<t>.<body>")
/// and a five-minute replay window — what a receiver in any language does.
fn verify(secret: &str, request: &Received) -> Result<()> {
    let header = request.headers.get("x-switchboard-signature").ok_or_else(|| anyhow!("unsigned"))?;
    let parts: HashMap<&str, &str> =
        header.split(',').filter_map(|part| part.trim().split_once('=')).collect();
    let (Some(time), Some(given)) = (parts.get("t"), parts.get("v1")) else { bail!("malformed") };
    let time: i64 = time.parse()?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
    if (now - time).abs() > 5 * 60 * 1000 {
        bail!("outside the replay window");
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())?;
    mac.update(format!("{time}.").as_bytes());
    mac.update(&request.body);
    let given: Vec<u8> = (0..given.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(given.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<_, _>>()?;
    mac.verify_slice(&given).map_err(|_| anyhow!("signature does not match"))
}
