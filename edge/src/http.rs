//! Building responses and reading requests: JSON bodies, error bodies, origins, cookies.

use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_protocol::limits::MAX_BODY_BYTES;
use switchboard_protocol::{ApiError, ErrorBody, ErrorCode};
use worker::{ByteStream, Headers, Request, Response};

use crate::error::{EdgeError, EdgeResult};

/// A JSON response with `status`. API responses are never cached: they are per-user.
pub(crate) fn json<T: Serialize>(status: u16, body: &T) -> EdgeResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    let text = serde_json::to_string(body)?;
    Ok(Response::ok(text)?.with_status(status).with_headers(headers))
}

/// The JSON error response for `error`, with the status its code implies.
pub(crate) fn error_response(error: ApiError) -> worker::Result<Response> {
    let status = error.code.http_status();
    let retry_after = error.retry_after_ms;
    let text = serde_json::to_string(&ErrorBody { error }).unwrap_or_default();
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    if let Some(ms) = retry_after {
        headers.set("retry-after", &ms.div_ceil(1_000).max(1).to_string())?;
    }
    Ok(Response::ok(text)?.with_status(status).with_headers(headers))
}

/// The client's address as Cloudflare saw it (`CF-Connecting-IP`), or `unknown`.
pub(crate) fn client_address(req: &Request) -> EdgeResult<String> {
    Ok(req.headers().get("cf-connecting-ip")?.unwrap_or_else(|| "unknown".into()))
}

/// An empty `204`.
pub(crate) fn no_content() -> EdgeResult<Response> {
    Ok(Response::empty()?.with_status(204))
}

/// Reads a JSON body of at most [`MAX_BODY_BYTES`], refusing other content types (which also
/// keeps cross-site forms from posting: a JSON content type needs a CORS preflight).
pub(crate) async fn read_json<T: DeserializeOwned>(req: &mut Request) -> EdgeResult<T> {
    read_json_within(req, MAX_BODY_BYTES).await
}

/// [`read_json`] with a cap of `cap` bytes (the site's settings, with their macros and rules).
pub(crate) async fn read_json_within<T: DeserializeOwned>(req: &mut Request, cap: usize) -> EdgeResult<T> {
    let content_type = req.headers().get("content-type")?.unwrap_or_default();
    if !content_type.to_ascii_lowercase().starts_with("application/json") {
        return Err(EdgeError::refuse(ErrorCode::BadRequest, "send the body as application/json"));
    }
    let bytes = read_capped(req, cap, || too_large_for(cap)).await?;
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(&bytes)).map_err(|e| {
        let field =
            switchboard_core::shape_errors::field_at_fault(&e.path().to_string(), &e.inner().to_string());
        let error = ApiError::new(
            ErrorCode::BadRequest,
            format!("the body is not valid JSON of the expected shape: {}", e.inner()),
        );
        EdgeError::Refused(match field {
            Some(field) => error.at_field(field),
            None => error,
        })
    })
}

/// Reads the body, refusing it with `too_large()` as soon as more than `cap` bytes are
/// declared (`Content-Length`) or have arrived: a body sent in chunks without a length is
/// never buffered whole before it is measured, so an endless one is cut off at `cap`.
pub(crate) async fn read_capped(
    req: &mut Request,
    cap: usize,
    too_large: impl Fn() -> EdgeError,
) -> EdgeResult<Vec<u8>> {
    let declared: Option<usize> = req.headers().get("content-length")?.and_then(|len| len.parse().ok());
    if declared.is_some_and(|len| len > cap) {
        return Err(too_large());
    }
    if req.inner().body().is_none() {
        return Ok(Vec::new());
    }
    // A declared length frames the body (the runtime delivers no byte past it), so it is
    // read in one call; reading a stream chunk by chunk costs a connect's session request
    // about 4 % of its CPU in reader locks. Without one, it is measured as it arrives.
    if declared.is_some() {
        let bytes = req.bytes().await?;
        return if bytes.len() > cap { Err(too_large()) } else { Ok(bytes) };
    }
    collect_capped(req.stream()?, cap).await?.ok_or_else(too_large)
}

/// The bytes of `chunks` if they come to at most `cap`; `None` as soon as they pass it.
pub(crate) async fn collect_capped(mut chunks: ByteStream, cap: usize) -> worker::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        if bytes.len() + chunk.len() > cap {
            return Ok(None);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some(bytes))
}

fn too_large_for(cap: usize) -> EdgeError {
    EdgeError::refuse(ErrorCode::BodyTooLarge, format!("request bodies are limited to {cap} bytes"))
}

/// The `Origin` header, if the client sent one.
pub(crate) fn origin_header(req: &Request) -> EdgeResult<Option<String>> {
    Ok(req.headers().get("origin")?)
}

/// The origin this edge is reached at (`https://chat.example.com`), from the request URL.
pub(crate) fn own_origin(req: &Request) -> EdgeResult<String> {
    Ok(req.url()?.origin().ascii_serialization())
}

/// Whether the request was made over https (cookies are then marked `Secure`).
pub(crate) fn is_https(req: &Request) -> bool {
    req.url().is_ok_and(|url| url.scheme() == "https")
}

/// Refuses a cookie-authenticated request sent from another origin (cross-site request
/// forgery and cross-site WebSocket hijacking). Browsers always send `Origin` on those.
pub(crate) fn require_same_origin(req: &Request) -> EdgeResult<()> {
    match origin_header(req)? {
        Some(origin) if origin != own_origin(req)? => Err(EdgeError::refuse(
            ErrorCode::Forbidden,
            "this endpoint only accepts requests from the console's own origin",
        )),
        _ => Ok(()),
    }
}

/// The value of query parameter `name`, if present.
pub(crate) fn query(req: &Request, name: &str) -> EdgeResult<Option<String>> {
    Ok(req.url()?.query_pairs().find_map(|(key, value)| (key == name).then(|| value.into_owned())))
}

/// The value of cookie `name`, if present.
pub(crate) fn cookie(req: &Request, name: &str) -> EdgeResult<Option<String>> {
    let header = req.headers().get("cookie")?.unwrap_or_default();
    Ok(header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then(|| value.to_string())
    }))
}

/// Whether the request asks for a WebSocket upgrade.
pub(crate) fn is_websocket_upgrade(req: &Request) -> bool {
    req.headers().get("upgrade").ok().flatten().is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}
