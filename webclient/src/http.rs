//! JSON over `fetch`, with the edge's error bodies decoded into [`FetchError::Api`].

use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_protocol::{ApiError, ErrorBody};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, Response};

/// Why a request did not produce the expected body.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// No response (offline, DNS, CORS refusal).
    Network(String),
    /// The edge answered with an error body.
    Api {
        /// HTTP status.
        status: u16,
        /// The decoded error.
        error: ApiError,
    },
    /// A response that is not the expected JSON.
    Decode(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Network(e) => write!(f, "network error: {e}"),
            FetchError::Api { error, .. } => f.write_str(&error.message),
            FetchError::Decode(e) => write!(f, "unexpected response: {e}"),
        }
    }
}

thread_local! {
    /// The console session's anti-forgery token, sent with every request that is not a `GET`.
    static CSRF_TOKEN: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Sets (or clears, on sign-out) the anti-forgery token sent as `X-CSRF-Token` with every
/// state-changing request: the edge refuses those without it.
pub fn set_csrf_token(token: Option<String>) {
    CSRF_TOKEN.with(|cell| *cell.borrow_mut() = token);
}

/// Sends `body` (if any) as JSON with `method` to `url` and decodes a JSON answer.
/// Cookies go along for same-origin requests (the console's session).
pub async fn fetch_json<B: Serialize, R: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<&B>,
) -> Result<R, FetchError> {
    let text = fetch_text(method, url, body).await?;
    serde_json::from_str(&text).map_err(|e| FetchError::Decode(e.to_string()))
}

/// Like [`fetch_json`] for endpoints that answer with no body (`204`).
pub async fn fetch_empty<B: Serialize>(method: &str, url: &str, body: Option<&B>) -> Result<(), FetchError> {
    fetch_text(method, url, body).await.map(|_| ())
}

/// Uploads `file` as an attachment of the conversation at `url`
/// (`/api/v1/conversations/{id}/attachments`) under the message id `client_id`; the stored
/// message arrives on the conversation's socket like any other.
pub async fn upload(url: &str, file: &web_sys::File, client_id: &str) -> Result<(), FetchError> {
    let name = String::from(js_sys::encode_uri_component(&file.name()));
    send_file("POST", url, file, &[("x-filename", &name), ("x-client-id", client_id)]).await.map(|_| ())
}

/// Sends `file` as the raw body of a `PUT` to `url` (an agent's photo) and decodes the JSON
/// answer.
pub async fn put_file<R: DeserializeOwned>(url: &str, file: &web_sys::File) -> Result<R, FetchError> {
    let text = send_file("PUT", url, file, &[]).await?;
    serde_json::from_str(&text).map_err(|e| FetchError::Decode(e.to_string()))
}

/// `file` as the body, its type as `Content-Type`, plus `extra` headers and the CSRF token.
async fn send_file(
    method: &str,
    url: &str,
    file: &web_sys::File,
    extra: &[(&str, &str)],
) -> Result<String, FetchError> {
    let network = |e: JsValue| FetchError::Network(format!("{e:?}"));
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    init.set_body(file);
    let headers = web_sys::Headers::new().map_err(network)?;
    headers.set("content-type", &file.type_()).map_err(network)?;
    for (name, value) in extra {
        headers.set(name, value).map_err(network)?;
    }
    if let Some(token) = CSRF_TOKEN.with(|cell| cell.borrow().clone()) {
        headers.set("x-csrf-token", &token).map_err(network)?;
    }
    init.set_headers(&headers);
    send(url, &init).await
}

async fn fetch_text<B: Serialize>(method: &str, url: &str, body: Option<&B>) -> Result<String, FetchError> {
    let network = |e: JsValue| FetchError::Network(format!("{e:?}"));
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(network)?;
    if let Some(body) = body {
        let json = serde_json::to_string(body).map_err(|e| FetchError::Decode(e.to_string()))?;
        init.set_body(&JsValue::from_str(&json));
        headers.set("content-type", "application/json").map_err(network)?;
    }
    if method != "GET" {
        if let Some(token) = CSRF_TOKEN.with(|cell| cell.borrow().clone()) {
            headers.set("x-csrf-token", &token).map_err(network)?;
        }
    }
    init.set_headers(&headers);
    send(url, &init).await
}

/// Sends the request; the body of a `2xx` answer as text, else the decoded error.
async fn send(url: &str, init: &RequestInit) -> Result<String, FetchError> {
    let network = |e: JsValue| FetchError::Network(format!("{e:?}"));
    let window = web_sys::window().ok_or_else(|| FetchError::Network("no window".into()))?;
    let response: Response =
        JsFuture::from(window.fetch_with_str_and_init(url, init)).await.map_err(network)?.unchecked_into();
    let status = response.status();
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        return Ok(text);
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err(FetchError::Api { status, error: body.error }),
        Err(_) => Err(FetchError::Decode(format!("HTTP {status}"))),
    }
}
