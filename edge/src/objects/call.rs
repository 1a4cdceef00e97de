//! Typed calls to Durable Objects. Each call is a type that names, in one place, the object
//! that answers it, its route and its answer ([`ObjectCall`], as ruma keeps an endpoint's
//! method, path and types together); the caller sends it with [`send`] and the object answers
//! it with [`answer`], so neither side spells a path or a body type of its own.
//!
//! Calls travel over the object's `fetch` (POST, JSON body; an error body is passed on to the
//! client unchanged, so a refusal decided inside an object reaches the client as is). Durable
//! Object RPC would skip the HTTP framing, but workers-rs 0.8 offers it only through
//! hand-written JavaScript bindings ("experimental" in its README).
//!
//! Two kinds of call carry something else than JSON: a WebSocket handshake ([`upgrade`]) and
//! a file ([`send_bytes`]); they carry the call itself in the [`CALL_HEADER`].

use std::future::Future;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use switchboard_protocol::{ErrorBody, ErrorCode};
use wasm_bindgen::JsValue;
use worker::{Env, Headers, Method, Request, RequestInit, Response, Stub};

use crate::error::{EdgeError, EdgeResult};
use crate::http;

/// The Durable Object namespace bound as `binding`, restricted to the deployment's
/// jurisdiction when `DATA_JURISDICTION` names one (every object is reached through here, so
/// none is made outside it).
pub(crate) fn namespace(env: &Env, binding: &str) -> EdgeResult<worker::ObjectNamespace> {
    use wasm_bindgen::JsCast;
    let namespace = env.durable_object(binding)?;
    let setting = env.var("DATA_JURISDICTION").ok().map(|value| value.to_string());
    let jurisdiction = switchboard_core::jurisdiction::from_setting(setting.as_deref())
        .map_err(|problem| EdgeError::refuse(ErrorCode::Internal, problem))?;
    let Some(jurisdiction) = jurisdiction else { return Ok(namespace) };
    // workers-rs 0.8 has no `jurisdiction()`: the runtime's method, called as JavaScript would.
    let method = js_sys::Reflect::get(namespace.as_ref(), &JsValue::from_str("jurisdiction"))
        .map_err(worker::Error::from)?;
    let method: js_sys::Function = method.dyn_into().map_err(worker::Error::from)?;
    let restricted =
        method.call1(namespace.as_ref(), &JsValue::from_str(jurisdiction)).map_err(worker::Error::from)?;
    Ok(worker::ObjectNamespace::unchecked_from_js(restricted))
}

/// One kind of Durable Object: how to reach the instance a call is for.
pub(crate) trait ObjectKind {
    /// What names one instance (a site's id, a conversation's id; nothing for the directory).
    type Key: ?Sized;
    /// The instance named `key`.
    fn stub(env: &Env, key: &Self::Key) -> EdgeResult<Stub>;
}

/// A call one kind of object answers: the type is the request body.
pub(crate) trait ObjectCall: Serialize + DeserializeOwned {
    /// The object that answers it.
    type Object: ObjectKind;
    /// Its route: the path of the object request.
    const ROUTE: &'static str;
    /// What the object answers.
    type Answer: Serialize + DeserializeOwned;
}

/// Declares `$call`'s object, route and answer.
macro_rules! object_call {
    ($call:ty => $object:ty, $route:literal, $answer:ty) => {
        impl $crate::objects::call::ObjectCall for $call {
            type Object = $object;
            const ROUTE: &'static str = $route;
            type Answer = $answer;
        }
    };
}
pub(crate) use object_call;

/// The answer of a call that hands over a WebSocket or a raw response rather than JSON.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Passed;

/// Header carrying the call of a request whose body is not the call.
pub(crate) const CALL_HEADER: &str = "x-switchboard-call";

/// The largest call body an object reads. Calls come from our own worker and objects, never
/// from clients, so the clients' 16 KiB does not apply: the biggest (a conversation's
/// inbox update with a maximal contact and a busy second's texts) stays far below this.
pub(crate) const MAX_CALL_BYTES: usize = 4 * 1024 * 1024;

/// Object requests need an absolute URL; the host is never resolved.
const INTERNAL: &str = "https://object.internal";

/// Sends `call` to the object named `key` and reads its answer.
pub(crate) async fn send<C: ObjectCall>(
    env: &Env,
    key: &<C::Object as ObjectKind>::Key,
    call: &C,
) -> EdgeResult<C::Answer> {
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(JsValue::from_str(&serde_json::to_string(call)?)));
    let response = fetch::<C>(env, key, &init).await?;
    if (200..300).contains(&response.status_code()) {
        Ok(serde_json::from_str(&response_text(response).await?)?)
    } else {
        Err(refusal(response).await)
    }
}

/// A response's body as text, read whole by the runtime: one promise, where reading it as a
/// stream from wasm takes a promise and a reader call per chunk (worker's `Response::text`
/// did that, ~10 % of a message's CPU in the bench's profile).
async fn response_text(response: Response) -> EdgeResult<String> {
    let response: web_sys::Response = response.into();
    text_of(response.text().map_err(worker::Error::from)?).await
}

/// The string a body's `text()` promise resolves to.
async fn text_of(promise: js_sys::Promise) -> EdgeResult<String> {
    let text = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(worker::Error::from)?;
    text.as_string()
        .ok_or_else(|| EdgeError::Runtime(worker::Error::RustError("a body that is not text".into())))
}

/// Hands a WebSocket handshake to the object named `key`, with `call` saying who connects;
/// answers the object's `101`.
pub(crate) async fn upgrade<C: ObjectCall<Answer = Passed>>(
    env: &Env,
    key: &<C::Object as ObjectKind>::Key,
    call: &C,
) -> EdgeResult<Response> {
    let headers = Headers::new();
    headers.set("upgrade", "websocket")?;
    headers.set(CALL_HEADER, &serde_json::to_string(call)?)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    passed(fetch::<C>(env, key, &init).await?, 101).await
}

/// Sends `bytes` (a file) with `call` describing them; answers the object's `201` as it is.
pub(crate) async fn send_bytes<C: ObjectCall<Answer = Passed>>(
    env: &Env,
    key: &<C::Object as ObjectKind>::Key,
    call: &C,
    bytes: &[u8],
) -> EdgeResult<Response> {
    let headers = Headers::new();
    headers.set(CALL_HEADER, &serde_json::to_string(call)?)?;
    let mut init = RequestInit::new();
    let body = js_sys::Uint8Array::from(bytes);
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    passed(fetch::<C>(env, key, &init).await?, 201).await
}

async fn fetch<C: ObjectCall>(
    env: &Env,
    key: &<C::Object as ObjectKind>::Key,
    init: &RequestInit,
) -> EdgeResult<Response> {
    let request = Request::new_with_init(&format!("{INTERNAL}{}", C::ROUTE), init)?;
    Ok(C::Object::stub(env, key)?.fetch_with_request(request).await?)
}

async fn passed(response: Response, status: u16) -> EdgeResult<Response> {
    if response.status_code() == status {
        Ok(response)
    } else {
        Err(refusal(response).await)
    }
}

/// In an object: reads `C` from the request body and answers with what `handle` makes of it.
pub(crate) async fn answer<C, F>(req: &mut Request, handle: impl FnOnce(C) -> F) -> EdgeResult<Response>
where
    C: ObjectCall,
    F: Future<Output = EdgeResult<C::Answer>>,
{
    // Not `http::read_json`: its limit is for clients, and calls between our own workers
    // (an inbox update with the texts of a busy second, a site's flow) may be larger.
    let too_large = || {
        worker::console_error!("a {} call passed {MAX_CALL_BYTES} bytes", C::ROUTE);
        EdgeError::refuse(
            ErrorCode::BodyTooLarge,
            format!("object calls are limited to {MAX_CALL_BYTES} bytes"),
        )
    };
    // Read whole by the runtime (see `response_text`), not as a capped stream as client
    // bodies are: only our own worker and objects can address an object, with bodies they
    // made; the limit catches a bug of ours, not an attacker.
    let declared: Option<usize> = req.headers().get("content-length")?.and_then(|len| len.parse().ok());
    if declared.is_some_and(|len| len > MAX_CALL_BYTES) {
        return Err(too_large());
    }
    let body = text_of(req.inner().text().map_err(worker::Error::from)?).await?;
    if body.len() > MAX_CALL_BYTES {
        return Err(too_large());
    }
    let call: C = serde_json::from_str(&body)?;
    http::json(200, &handle(call).await?)
}

/// In an object: the call a handshake or a file carries in its [`CALL_HEADER`].
pub(crate) fn carried<C: ObjectCall>(req: &Request) -> EdgeResult<C> {
    let value = req
        .headers()
        .get(CALL_HEADER)?
        .ok_or_else(|| EdgeError::refuse(ErrorCode::BadRequest, format!("missing {CALL_HEADER}")))?;
    Ok(serde_json::from_str(&value)?)
}

/// The refusal an object answers for a route it does not have.
pub(crate) fn no_such_route() -> EdgeError {
    EdgeError::refuse(ErrorCode::NotFound, "no such object route")
}

/// The error an object answered with.
async fn refusal(response: Response) -> EdgeError {
    match response_text(response).await {
        Ok(text) => match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => EdgeError::Refused(body.error),
            Err(error) => error.into(),
        },
        Err(error) => error,
    }
}
