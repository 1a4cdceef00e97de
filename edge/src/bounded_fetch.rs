//! One outgoing HTTP request that cannot hold us up: the whole exchange — answer and body —
//! must finish within a time limit, and at most a given number of the body's bytes are read
//! (a never-ending body is cut off with the deadline). Webhook deliveries and provider APIs
//! (Twilio's Messages API) `post`, and never follow a redirect (a `3xx` is the answer);
//! provider files (an inbound message's media) are fetched with `get`, which follows the
//! provider's redirect to the file.

use std::pin::pin;
use std::time::Duration;

use futures_util::future::{select, Either};
use futures_util::StreamExt;
use worker::{AbortController, Delay, Fetch, Headers, Method, RequestInit, RequestRedirect};

/// What came back: the status, the type it says, and at most the bytes asked for.
pub(crate) struct Answer {
    /// The status.
    pub status: u16,
    /// Its `Content-Type`.
    pub content_type: String,
    /// The body's first bytes.
    pub body: Vec<u8>,
}

/// A `POST` of `body` to `url` with `headers`: the status and at most `max_read` bytes of
/// the answer, or why there was none within `timeout_ms`.
pub(crate) async fn post(
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
    timeout_ms: u32,
    max_read: usize,
) -> Result<(u16, Vec<u8>), String> {
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_redirect(RequestRedirect::Manual).with_body(Some(body.into()));
    let answer = exchange(url, headers, init, timeout_ms, max_read).await?;
    Ok((answer.status, answer.body))
}

/// A `GET` of `url` with `headers`, following redirects.
pub(crate) async fn get(
    url: &str,
    headers: &[(&str, &str)],
    timeout_ms: u32,
    max_read: usize,
) -> Result<Answer, String> {
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_redirect(RequestRedirect::Follow);
    exchange(url, headers, init, timeout_ms, max_read).await
}

async fn exchange(
    url: &str,
    headers: &[(&str, &str)],
    mut init: RequestInit,
    timeout_ms: u32,
    max_read: usize,
) -> Result<Answer, String> {
    let sent = Headers::new();
    for (name, value) in headers {
        sent.set(name, value).map_err(|e| e.to_string())?;
    }
    init.with_headers(sent);
    let request = worker::Request::new_with_init(url, &init).map_err(|e| e.to_string())?;
    let controller = AbortController::default();
    let signal = controller.signal();
    let exchange = async {
        let mut response =
            Fetch::Request(request).send_with_signal(&signal).await.map_err(|e| e.to_string())?;
        let status = response.status_code();
        let content_type = response.headers().get("content-type").ok().flatten().unwrap_or_default();
        let mut body = Vec::new();
        if let Ok(mut chunks) = response.stream() {
            while let Some(chunk) = chunks.next().await {
                let Ok(chunk) = chunk else { break };
                body.extend_from_slice(&chunk);
                if body.len() >= max_read {
                    body.truncate(max_read);
                    break;
                }
            }
        }
        Ok::<_, String>(Answer { status, content_type, body })
    };
    let deadline = Delay::from(Duration::from_millis(u64::from(timeout_ms)));
    let outcome = match select(pin!(exchange), pin!(deadline)).await {
        Either::Left((outcome, _)) => outcome,
        Either::Right(_) => Err(format!("no complete answer within {timeout_ms} ms")),
    };
    // Whatever of the body was not read is not wanted.
    controller.abort();
    outcome
}
