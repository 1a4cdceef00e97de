//! A stand-in for an external bot (a third party, like Chatwoot's agent bots): a local HTTP
//! server that receives the edge's webhook calls as they are sent, and answers as told.
//!
//! Minimal HTTP/1.1 on purpose: one request per connection, `Content-Length` bodies — what
//! workerd's `fetch` sends. Every request is kept for the test to inspect (headers, body).

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{anyhow, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::local_server::{Connection, LocalServer};

/// The signing secret tests give their bots' flows (`webhook.signing_secret`).
pub const BOT_SIGNING_SECRET: &str = "bot-signing-secret-for-the-tests-0123";
/// The API token tests give their bots' flows (`webhook.api_token`).
pub const BOT_API_TOKEN: &str = "bot-api-token-for-the-tests-456789abc";
/// The `Authorization` header a bot answers later with.
pub const BOT_BEARER: &str = "Bearer bot-api-token-for-the-tests-456789abc";

/// How the bot answers.
#[derive(Clone)]
pub enum Behaviour {
    /// `200` with this JSON body.
    Answer(String),
    /// `202`: it will answer later through the API.
    Later,
    /// Answers only after this long (longer than the flow's timeout).
    Slow(Duration),
}

/// One request the bot received.
#[derive(Debug, Clone)]
pub struct Received {
    /// The request line (`POST /path HTTP/1.1`).
    pub line: String,
    /// Header names (lowercase) and values.
    pub headers: HashMap<String, String>,
    /// The raw body.
    pub body: Vec<u8>,
}

/// A running fake bot.
pub struct BotServer {
    server: LocalServer<Bot>,
}

/// How it answers, and what it got.
struct Bot {
    behaviour: Behaviour,
    received: Vec<Received>,
}

impl BotServer {
    /// Starts on a free loopback port.
    pub async fn start(behaviour: Behaviour) -> Result<BotServer> {
        let bot = Bot { behaviour, received: Vec::new() };
        Ok(BotServer { server: LocalServer::start(bot, serve).await? })
    }

    /// The webhook URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/bot", self.server.port())
    }

    /// Waits until at least `count` requests arrived; returns them.
    pub async fn requests(&self, count: usize) -> Result<Vec<Received>> {
        let enough = |bot: &Bot| (bot.received.len() >= count).then(|| bot.received.clone());
        self.server.until(Duration::from_secs(15), "the bot's requests", enough).await
    }
}

async fn serve(Connection { mut stream, state, arrived }: Connection<Bot>) -> Result<()> {
    let Some(request) = read_request(&mut stream).await? else { return Ok(()) };
    let behaviour = {
        let mut bot = state.lock().map_err(|_| anyhow!("poisoned"))?;
        bot.received.push(request);
        bot.behaviour.clone()
    };
    arrived.notify_waiters();
    let (status, body) = match behaviour {
        Behaviour::Answer(json) => ("200 OK", json),
        Behaviour::Later => ("202 Accepted", String::new()),
        Behaviour::Slow(delay) => {
            tokio::time::sleep(delay).await;
            ("200 OK", "{}".to_string())
        }
    };
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    Ok(())
}

/// Reads one HTTP/1.1 request with a `Content-Length` body (`None`: the client left first).
pub(crate) async fn read_request(stream: &mut TcpStream) -> Result<Option<Received>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let headers: HashMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    while buffer.len() < head_end + length {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = buffer[head_end..].to_vec();
    let line = head.lines().next().unwrap_or_default().to_owned();
    Ok(Some(Received { line, headers, body }))
}
