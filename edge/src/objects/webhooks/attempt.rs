//! One delivery attempt: a signed POST that must answer within the time limit. A receiver
//! that is slow, down or hostile costs this queue one time limit and nothing else
//! ([`crate::bounded_fetch`]: redirects are not followed, so a `3xx` is a failure; at most
//! `core::webhook_delivery::MAX_READ_BYTES` of the answer are read, within the deadline).

use switchboard_core::webhook::{sign, SIGNATURE_HEADER};
use switchboard_core::webhook_delivery::{excerpt, MAX_READ_BYTES};

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
    let signature = sign(post.secret.as_bytes(), now, post.body.as_bytes());
    let headers = [
        ("content-type", "application/json"),
        ("user-agent", "Switchboard-Webhooks/1"),
        ("x-switchboard-delivery", post.delivery_id),
        ("x-switchboard-event", post.event_type),
        (SIGNATURE_HEADER, signature.as_str()),
    ];
    crate::bounded_fetch::post(post.url, &headers, post.body, timeout_ms, MAX_READ_BYTES).await
}
