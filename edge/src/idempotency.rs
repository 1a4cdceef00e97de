//! `Idempotency-Key` on every POST made with a console session or an API key: the first
//! request runs and its answer is kept for a day by the key's own object
//! ([`crate::objects::idempotency`]); a repeat gets that answer (marked `Idempotent-Replayed:
//! true`) without running again; a different request with the same key gets `422`. The
//! rules are `core::idempotency`'s. Requests without a key, or without an agent's
//! credential (sign-in, invite links, visitors), run as they are.

use std::future::Future;

use js_sys::Uint8Array;
use switchboard_core::accounts;
use switchboard_core::idempotency::{self, Answer, Begin};
use switchboard_protocol::attachment::MAX_ATTACHMENT_BYTES;
use switchboard_protocol::limits::MAX_BODY_BYTES;
use switchboard_protocol::ErrorCode;
use worker::{Headers, Method, Request, RequestInit, Response};

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::idempotency::calls::{Finish, Start};
use crate::objects::site::answers::RememberAnswer;
use crate::{auth, http, objects};

/// Runs `run` on `req`, once per `Idempotency-Key` when the request carries one.
pub(crate) async fn guarded<F, Fut>(mut req: Request, env: &Ctx<'_>, run: F) -> EdgeResult<Response>
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = EdgeResult<Response>>,
{
    let typed = req.headers().get(idempotency::HEADER)?;
    let credential = auth::credential(&req)?;
    let (Some(typed), Some(credential), "POST") = (typed, credential, req.inner().method().as_str()) else {
        return run(req).await;
    };
    let name = idempotency::record_name(&accounts::secret_digest(&credential), idempotency::key(&typed)?);
    let content_type = req.headers().get("content-type")?.unwrap_or_default();
    // The largest body any POST takes (a file); each route still applies its own limit.
    let cap = MAX_ATTACHMENT_BYTES.max(MAX_BODY_BYTES);
    let too_large =
        || EdgeError::refuse(ErrorCode::BodyTooLarge, format!("request bodies are limited to {cap} bytes"));
    let body = http::read_capped(&mut req, cap, too_large).await?;
    let url = req.url()?;
    let path_and_query = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    let fingerprint = idempotency::fingerprint("POST", &path_and_query, &content_type, &body);

    match objects::send(env, name.as_str(), &Start { fingerprint: fingerprint.clone() }).await? {
        Begin::Run => {}
        Begin::Replay { answer } => return replay(answer),
        refused => {
            let error = idempotency::refusal(&refused).unwrap_or_else(|| {
                switchboard_protocol::ApiError::new(ErrorCode::Internal, "idempotency record unreadable")
            });
            return Err(error.into());
        }
    }
    let outcome = run(again(&req, &body)?).await;
    let mut response = match outcome {
        Ok(response) => response,
        Err(error) => http::error_response(error.into_api_error())?,
    };
    let status = response.status_code();
    let bytes = response.bytes().await?;
    let mut kept = idempotency::keeps(status, bytes.len())
        .then(|| String::from_utf8(bytes.clone()).ok())
        .flatten()
        .map(|body| Answer {
            status,
            content_type: response.headers().get("content-type").ok().flatten().unwrap_or_default(),
            body,
        });
    // Who the answer is about, so that erasing them erases it (noted before it is kept).
    let about =
        kept.as_ref().map(|answer| idempotency::mentions(url.path(), &answer.body)).unwrap_or_default();
    if let (Some(site), false) = (env.caller_site(), about.is_empty()) {
        let remember =
            RememberAnswer { record: name.clone(), mentions: about, until: env.now + idempotency::TTL_MS };
        if let Err(error) = objects::send(env, &site, &remember).await {
            // Not kept then: an answer nobody could erase is not one to keep.
            worker::console_error!("idempotent answer not filed: {error:?}");
            kept = None;
        }
    }
    // The work is done: a lost record only means a repeat runs again, as without a key.
    if let Err(error) = objects::send(env, name.as_str(), &Finish { fingerprint, answer: kept }).await {
        worker::console_error!("idempotency record not finished: {error:?}");
    }
    Ok(Response::from_bytes(bytes)?.with_status(status).with_headers(response.headers().clone()))
}

/// The request again, with the body already read.
fn again(req: &Request, body: &[u8]) -> EdgeResult<Request> {
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(req.headers().clone())
        .with_body((!body.is_empty()).then(|| Uint8Array::from(body).into()));
    Ok(Request::new_with_init(req.url()?.as_str(), &init)?)
}

/// The first request's answer, again.
fn replay(answer: Answer) -> EdgeResult<Response> {
    let headers = Headers::new();
    if !answer.content_type.is_empty() {
        headers.set("content-type", &answer.content_type)?;
    }
    headers.set("cache-control", "no-store")?;
    headers.set("idempotent-replayed", "true")?;
    Ok(Response::ok(answer.body)?.with_status(answer.status).with_headers(headers))
}
