//! Calling an external bot's webhook: a signed POST with a deadline.
//!
//! A slow or failing bot must not stall the conversation: past the flow's `timeout_ms` the
//! request is aborted and the conversation goes to a human.

use std::pin::pin;
use std::time::Duration;

use futures_util::future::{select, Either};
use switchboard_core::flow::WebhookBot;
use switchboard_core::webhook::{sign, SIGNATURE_HEADER};
use switchboard_protocol::api::bot_webhook::{BotAnswer, Request};
use worker::{AbortController, Delay, Fetch, Headers, Method, RequestInit};

/// The longest answer read from a bot (ten messages of 4,000 four-byte characters fit).
const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// Posts `request` to the bot. `Ok(Some)` is its answer, `Ok(None)` means it will answer
/// later through the API (`202`), `Err` says why it failed.
pub(crate) async fn ask(
    webhook: &WebhookBot,
    request: &Request,
    now: i64,
) -> Result<Option<BotAnswer>, String> {
    let body = serde_json::to_string(request).map_err(|e| e.to_string())?;
    let headers = Headers::new();
    let signature = sign(webhook.signing_secret.as_bytes(), now, body.as_bytes());
    for (name, value) in [("content-type", "application/json"), (SIGNATURE_HEADER, signature.as_str())] {
        headers.set(name, value).map_err(|e| e.to_string())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    let http = worker::Request::new_with_init(&webhook.url, &init).map_err(|e| e.to_string())?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(http);
    let sent = pin!(fetch.send_with_signal(&signal));
    let deadline = pin!(Delay::from(Duration::from_millis(u64::from(webhook.timeout_ms))));
    let mut response = match select(sent, deadline).await {
        Either::Left((response, _)) => response.map_err(|e| e.to_string())?,
        Either::Right(_) => {
            controller.abort();
            return Err(format!("no answer within {} ms", webhook.timeout_ms));
        }
    };
    match response.status_code() {
        202 | 204 => Ok(None),
        200 => {
            // A bot's answer is a few messages: a bot that sends more is failing.
            let bytes = match response.stream() {
                Ok(body) => crate::http::collect_capped(body, MAX_ANSWER_BYTES)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("answer is longer than {MAX_ANSWER_BYTES} bytes"))?,
                // No body at all: like an empty one.
                Err(_) => Vec::new(),
            };
            let text = String::from_utf8_lossy(&bytes);
            if text.trim().is_empty() {
                return Ok(Some(BotAnswer::default()));
            }
            let answer: BotAnswer =
                serde_json::from_str(&text).map_err(|e| format!("answer is not a bot answer: {e}"))?;
            switchboard_core::flow::events::check_answer(&answer).map_err(|e| e.message)?;
            Ok(Some(answer))
        }
        status => Err(format!("answered HTTP {status}")),
    }
}
