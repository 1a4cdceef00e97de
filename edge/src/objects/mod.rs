//! The Durable Objects, and what they share.
//!
//! - [`ConversationObject`]: one per conversation — the log (SQLite), the sockets of its
//!   visitor tabs and agents, replay and relay.
//! - [`SiteObject`]: one per site — configuration, the inbox index, agents' inbox sockets.
//!   Only summaries pass through it, never message traffic.
//! - [`DirectoryObject`]: one in all — agent accounts, sign-in throttling, invites.
//! - [`LimiterObject`]: a fixed few — counting new visitor sessions per address and site.
//! - [`UsageObject`]: sixteen per site — its attachment bytes, each a share of the allowance.
//! - [`AuditObject`]: one per site — its audit log (who did what to accounts, keys, settings).
//! - [`WebhookObject`]: sixteen per webhook subscription — its deliveries, in each
//!   conversation's order, retried by alarm.
//! - [`IdempotencyObject`]: one per credential and `Idempotency-Key` — the first answer, a day.
//! - [`ThreadObject`]: one per customer line on another channel (site, channel, our number,
//!   theirs) — their current conversation, arrived provider ids, our replies until sent.
//! - [`InboxFeedObject`]: sixteen per site — its conversations' inbox summaries, passed to
//!   the site object in batches, so the site's requests do not grow with its message rate,
//!   and the search index of their messages, which never reach the site object.
//!
//! Objects are reached only through the worker, which has already checked credentials; they
//! trust the [`Participant`] it sends, and check what only they can know (which site a
//! conversation belongs to). Every call to an object is a type in its folder's `calls.rs`,
//! sent with [`call::send`].
//!
//! # Layout
//! - [`call`]: typed calls: a call's object, route and answer in one place.
//! - [`conversation`], [`site`], [`directory`], [`limiter`], [`usage`], [`audit`],
//!   [`idempotency`], [`webhooks`], [`thread`], [`inbox_feed`]: one folder per object, its
//!   calls in `calls.rs`.
//! - [`load`]: an instance's events counted in memory and logged now and then.
//! - [`outbox`]: requests an object sends after its response, one at a time.
//! - [`turns`]: events handled one at a time in arrival order, across awaits.
//! - [`ended`]: closing the sockets of sessions that ended (expired, revoked, removed).
//! - [`search_index`]: a full-text index of messages, kept by each inbox feed shard (and
//!   the site object, for texts from before the shards or without them).
//! - [`tables`]: an object's tables, made before its first write, never for invented ids.
//! - this file: what the objects share (participants, sockets, broadcasting).

pub(crate) mod audit;
pub(crate) mod call;
pub(crate) mod conversation;
pub(crate) mod directory;
pub(crate) mod ended;
pub(crate) mod idempotency;
pub(crate) mod inbox_feed;
pub(crate) mod limiter;
pub(crate) mod load;
mod outbox;
pub(crate) mod search_index;
pub(crate) mod site;
pub(crate) mod tables;
pub(crate) mod thread;
mod turns;
pub(crate) mod usage;
pub(crate) mod webhooks;

// The objects' classes (`ConversationObject`, `SiteObject`, `DirectoryObject`, `LimiterObject`,
// `UsageObject`, `AuditObject`, `IdempotencyObject`, `WebhookObject`, `ThreadObject`) reach workerd
// through `#[durable_object]`'s wasm-bindgen exports, not through Rust paths.
pub(crate) use call::send;

use serde::{Deserialize, Serialize};
use switchboard_protocol::{ApiError, Author, ClientFrame, ServerFrame, SiteId, SUBPROTOCOL};
use wasm_bindgen::prelude::*;
use worker::{Response, WebSocket, WebSocketPair};

use crate::error::{EdgeError, EdgeResult};
use crate::http;

/// Who a conversation socket belongs to, as verified by the worker. Also the socket's
/// hibernation attachment, so it survives the object being evicted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Participant {
    /// The site the credentials were issued for.
    pub site: SiteId,
    /// The identity messages from this socket are stored under.
    pub author: Author,
    /// What the edge saw of a visitor's connection (browser, country), for the contact panel.
    #[serde(default)]
    pub client: switchboard_core::contact::ClientInfo,
    /// When an agent's session (or API key) ends: its sockets close then. `None` for
    /// visitors, whose sessions slide with every visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// Visitors: when their first token was issued. The tokens a visit renews never outlive
    /// it by more than `core::token::VISITOR_LIFETIME_MS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub born: Option<i64>,
}

/// Asks for the object's alarm at `at`, unless one is set sooner (queues that retry: webhook
/// deliveries, a customer line's replies).
async fn wake_at(state: &worker::State, at: i64) -> EdgeResult<()> {
    wake_storage_at(&state.storage(), at).await
}

/// [`wake_at`] for an object's storage (held by a task that outlives the handler).
async fn wake_storage_at(storage: &worker::Storage, at: i64) -> EdgeResult<()> {
    let sooner = storage.get_alarm().await?.is_some_and(|set| set <= at);
    if !sooner {
        storage.set_alarm(worker::ScheduledTime::new(js_sys::Date::new(&(at as f64).into()))).await?;
    }
    Ok(())
}

/// Turns an object handler's result into its response (errors as JSON error bodies, which the
/// worker passes on).
fn respond(result: EdgeResult<Response>) -> worker::Result<Response> {
    result.or_else(|error| http::error_response(error.into_api_error()))
}

/// Accepts a hibernatable WebSocket with `attachment`, and answers the handshake with our
/// subprotocol (the worker already checked the client offered it).
fn accept_socket<T: Serialize>(
    state: &worker::State,
    attachment: &T,
    tags: &[&str],
) -> EdgeResult<(WebSocket, Response)> {
    let pair = WebSocketPair::new()?;
    state.accept_websocket_with_tags(&pair.server, tags);
    // As JSON text: the runtime hands a string back to wasm in one copy on every event, where
    // an object is walked property by property across the boundary (~6 % of a message's CPU).
    pair.server.serialize_attachment(serde_json::to_string(attachment)?)?;
    let response = Response::from_websocket(pair.client)?;
    response.headers().set("sec-websocket-protocol", SUBPROTOCOL)?;
    Ok((pair.server, response))
}

/// What `ws` was accepted with ([`accept_socket`]); sockets accepted before attachments were
/// JSON text carry them as objects, read as such.
fn attachment_of<T: serde::de::DeserializeOwned>(ws: &WebSocket) -> Option<T> {
    match ws.deserialize_attachment::<String>() {
        Ok(Some(json)) => serde_json::from_str(&json).ok(),
        _ => ws.deserialize_attachment::<T>().ok().flatten(),
    }
}

/// Answers the canonical ping frame with a pong inside the runtime, without waking the object:
/// keep-alive pings from idle consoles and widgets then cost nothing while it hibernates.
/// (Other spellings of a ping still reach the object, which answers them itself.)
fn answer_pings_while_hibernating(state: &worker::State) {
    let ping = serde_json::to_string(&ClientFrame::Ping).unwrap_or_default();
    let pong = serde_json::to_string(&ServerFrame::Pong).unwrap_or_default();
    match worker::worker_sys::WebSocketRequestResponsePair::new(&ping, &pong) {
        Ok(pair) => state.set_websocket_auto_response(&pair),
        Err(error) => worker::console_error!("no ping auto-response: {error:?}"),
    }
}

/// Sends one frame; a socket that is already closing just misses it (it will replay).
fn send_frame<T: Serialize>(ws: &WebSocket, frame: &T) {
    if let Err(error) = ws.send(frame) {
        worker::console_debug!("frame not sent to a closing socket: {error}");
    }
}

/// Sends `text` to each socket, made a JavaScript string once rather than once per socket
/// (a conversation's every message goes to all its sockets; an inbox update to every open
/// inbox). A socket that is closing misses it; it catches up when it reconnects.
fn broadcast(sockets: impl IntoIterator<Item = WebSocket>, text: &str) {
    let text = JsValue::from_str(text);
    for socket in sockets {
        let socket: &web_sys::WebSocket = socket.as_ref();
        let _ = socket.unchecked_ref::<JsSocket>().send_string(&text);
    }
}

#[wasm_bindgen]
extern "C" {
    /// A WebSocket seen from JavaScript.
    type JsSocket;
    /// `WebSocket.send` with a string already on the JavaScript side (web-sys only takes
    /// `&str`, which it copies out of wasm memory on every call).
    #[wasm_bindgen(method, catch, js_name = send)]
    fn send_string(this: &JsSocket, data: &JsValue) -> Result<(), JsValue>;
}

/// Sends an `error` frame for `error`.
fn send_error(ws: &WebSocket, error: EdgeError, client_id: Option<switchboard_protocol::ClientMessageId>) {
    let ApiError { code, message, retry_after_ms, .. } = error.into_api_error();
    send_frame(ws, &ServerFrame::Error { code, message, client_id, retry_after_ms });
}

/// Completes a close the client started (the runtime leaves the reply to us).
fn finish_close(ws: &WebSocket, code: usize) {
    // 1005/1006 are reserved and cannot be sent back; answer those with a normal close.
    let code = if (1000..=4999).contains(&code) && code != 1005 && code != 1006 { code as u16 } else { 1000 };
    let _ = ws.close(Some(code), Some("closed"));
}
