//! One delivery attempt: a signed POST that must answer within the time limit. A receiver
//! that is slow, down or hostile costs this queue one time limit and nothing else: redirects
//! are not followed (a `3xx` is a failure), at most `core::webhook_delivery::MAX_READ_BYTES`
//! of the answer are read, and the body's reading shares the same deadline (a never-ending
//! body is cut off with it).

use std::pin::pin;
use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use switchboard_core::webhook::{sign, SIGNATURE_HEADER};
use switchboard_core::webhook_delivery::{excerpt, MAX_READ_BYTES};
use worker::{AbortController, Delay, Fetch, Headers, Method, RequestInit, RequestRedirect};

/// What came of an attempt.
pub(super) struct Attempt {
    /// The answer's status, if one came in time.
    pub status: Option<u16>,
    /// How long it took, ms.
    pub latency_ms: u32,
    /// The start of the answer's body, or why there was none.
    pub excerpt: String,
}

/// What one attempt sends.
pub(super) struct Post<'a> {
    /// Where.
    pub url: &'a str,
    /// The subscription's signing secret.
    pub secret: &'a str,
    /// `X-Switchboard-Delivery`.
    pub delivery_id: &'a str,
    /// `X-Switchboard-Event`.
    pub event_type: &'a str,
    /// The event, as JSON.
    pub body: &'a str,
}

/// Posts, at `now`, giving the receiver `timeout_ms` for the whole answer.
pub(super) async fn post(post: &Post<'_>, now: i64, timeout_ms: u32) -> Attempt {
    let started = crate::env::now();
    let (status, excerpt) = match send(post, now, timeout_ms).await {
        Ok((status, body)) => (Some(status), excerpt(&body)),
        Err(why) => (None, why),
    };
    // Measured, not decided on: the second clock read only times the attempt for the log.
    let latency_ms = (crate::env::now() - started).clamp(0, i64::from(u32::MAX)) as u32;
    Attempt { status, latency_ms, excerpt }
}

async fn send(post: &Post<'_>, now: i64, timeout_ms: u32) -> Result<(u16, Vec<u8>), String> {
    let headers = Headers::new();
    let signature = sign(post.secret.as_bytes(), now, post.body.as_bytes());
    for (name, value) in [
        ("content-type", "application/json"),
        ("user-agent", "Switchboard-Webhooks/1"),
        ("x-switchboard-delivery", post.delivery_id),
        ("x-switchboard-event", post.event_type),
        (SIGNATURE_HEADER, signature.as_str()),
    ] {
        headers.set(name, value).map_err(|e| e.to_string())?;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(post.body.into()));
    let request = worker::Request::new_with_init(post.url, &init).map_err(|e| e.to_string())?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let exchange = async {
        let mut response =
            Fetch::Request(request).send_with_signal(&signal).await.map_err(|e| e.to_string())?;
        let status = response.status_code();
        let mut body = Vec::new();
        if let Ok(mut chunks) = response.stream() {
            while let Some(chunk) = chunks.next().await {
                let Ok(chunk) = chunk else { break };
                body.extend_from_slice(&chunk);
                if body.len() >= MAX_READ_BYTES {
                    body.truncate(MAX_READ_BYTES);
                    break;
                }
            }
        }
        Ok::<_, String>((status, body))
    };
    let deadline = Delay::from(Duration::from_millis(u64::from(timeout_ms)));
    let outcome = match select(pin!(exchange), pin!(deadline)).await {
        Either::Left((outcome, _)) => {
            // Whatever of the body was not read is not wanted.
            controller.abort();
            outcome
        }
        Either::Right(_) => {
            controller.abort();
            Err(format!("no complete answer within {timeout_ms} ms"))
        }
    };
    outcome
}
