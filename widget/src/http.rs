//! `fetch` to the edge's REST routes: JSON in, JSON out, errors decoded.
//!
//! The frame's own small variant of `switchboard_webclient::fetch_json`: bodies go through
//! the browser's `JSON` (see [`crate::wire`]), and a request may carry a bearer token
//! (`GET /api/v1/visitor/conversations` needs one).

use switchboard_protocol::ApiError;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

use crate::wire::{decode, stringify};

/// Why a request did not produce a JSON answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FetchError {
    /// No response (offline, DNS, refused).
    Network,
    /// The edge answered with an error body.
    Api {
        /// HTTP status.
        status: u16,
        /// The decoded error.
        error: ApiError,
    },
    /// A response that is not the expected JSON (`status` is the HTTP status).
    Decode {
        /// HTTP status.
        status: u16,
    },
}

/// Uploads `file` into the conversation `conversation` under the message id `client_id`
/// with the session `token`; the stored message arrives on the socket.
pub(crate) async fn upload(
    conversation: &str,
    token: &str,
    file: &web_sys::File,
    client_id: &str,
) -> Result<(), FetchError> {
    let network = |_| FetchError::Network;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(file);
    let headers = Headers::new().map_err(network)?;
    headers.set("authorization", &format!("Bearer {token}")).map_err(network)?;
    headers.set("content-type", &file.type_()).map_err(network)?;
    headers.set("x-filename", &String::from(js_sys::encode_uri_component(&file.name()))).map_err(network)?;
    headers.set("x-client-id", client_id).map_err(network)?;
    init.set_headers(&headers);
    send(&format!("/api/v1/conversations/{conversation}/attachments"), &init).await.map(|_| ())
}

/// Ends the visitor's session on the edge (`POST /api/v1/visitor/sign-out`), leaving the
/// answer unread: `keepalive`, because the loader removes the frame right after a shutdown,
/// which would cancel an ordinary request.
pub(crate) fn sign_out(token: &str) {
    let init = RequestInit::new();
    init.set_method("POST");
    // web-sys has no setter for it.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &true.into());
    if let (Some(window), Ok(headers)) = (web_sys::window(), Headers::new()) {
        let _ = headers.set("authorization", &format!("Bearer {token}"));
        init.set_headers(&headers);
        let _ = window.fetch_with_str_and_init("/api/v1/visitor/sign-out", &init);
    }
}

/// Sends `body` (if any) as JSON with `method` to `url`, with `Authorization: Bearer` when
/// `bearer` is given, and returns the parsed JSON answer of a `2xx` response.
pub(crate) async fn fetch(
    method: &str,
    url: &str,
    body: Option<JsValue>,
    bearer: Option<&str>,
) -> Result<JsValue, FetchError> {
    let network = |_| FetchError::Network;
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Headers::new().map_err(network)?;
    if let Some(body) = body {
        init.set_body(&JsValue::from(stringify(&body).unwrap_or_default()));
        headers.set("content-type", "application/json").map_err(network)?;
    }
    if let Some(token) = bearer {
        headers.set("authorization", &format!("Bearer {token}")).map_err(network)?;
    }
    init.set_headers(&headers);
    send(url, &init).await
}

/// Sends the request and decodes its JSON answer (or error body).
async fn send(url: &str, init: &RequestInit) -> Result<JsValue, FetchError> {
    let window = web_sys::window().ok_or(FetchError::Network)?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(url, init))
        .await
        .map_err(|_| FetchError::Network)?
        .unchecked_into();
    let status = response.status();
    let json = match response.json() {
        Ok(promise) => JsFuture::from(promise).await.ok(),
        Err(_) => None,
    };
    match (response.ok(), json) {
        (true, Some(json)) => Ok(json),
        (false, Some(json)) => match decode::api_error(&json) {
            Some(error) => Err(FetchError::Api { status, error }),
            None => Err(FetchError::Decode { status }),
        },
        (_, None) => Err(FetchError::Decode { status }),
    }
}
