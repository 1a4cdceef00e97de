//! Files in conversations: `POST /api/v1/conversations/{id}/attachments` (upload, then the
//! conversation's object stores it in the `ATTACHMENTS` R2 bucket and stores the message that
//! carries it) and `GET /api/v1/attachments/{token}` (download by the signed link the message
//! carries). Checks live in `core::attachments`; this is the HTTP around them.

use switchboard_core::attachments::{self, AttachmentClaims};
use switchboard_core::token::{self, VisitorClaims};
use switchboard_protocol::attachment::MAX_ATTACHMENT_BYTES;
use switchboard_protocol::{Author, ClientMessageId, ConversationId, ErrorCode};
use worker::{Headers, Request, Response};

use crate::env::{Ctx, BUCKET};
use crate::error::{EdgeError, EdgeResult};
use crate::objects::conversation::calls::Attach;
use crate::objects::{call, Participant};
use crate::{auth, env, http, site_cache};

/// A visitor (bearer session token of this conversation) or an agent (session and CSRF
/// token, or an API key) uploads a file.
pub(crate) async fn upload(mut req: Request, env: &Ctx<'_>, id: &str) -> EdgeResult<Response> {
    let conversation = ConversationId::parse(id)
        .map_err(|e| EdgeError::refuse(ErrorCode::NotFound, format!("no such conversation: {e}")))?;
    let participant = uploader(&req, env, &conversation).await?;
    let header = |name: &str| req.headers().get(name).ok().flatten().unwrap_or_default();
    let client_id = ClientMessageId::parse(header("x-client-id"))
        .map_err(|e| EdgeError::refuse(ErrorCode::BadRequest, format!("X-Client-Id: {e}")))?;
    let name = js_sys::decode_uri_component(&header("x-filename")).map(String::from).unwrap_or_default();
    let declared = header("content-type");
    // Refused before reading when the client says how much is coming, and as soon as more
    // has arrived when it does not.
    let too_large = || {
        EdgeError::refuse(
            ErrorCode::BodyTooLarge,
            format!("files are limited to {} MiB", MAX_ATTACHMENT_BYTES / 1024 / 1024),
        )
    };
    let bytes = http::read_capped(&mut req, MAX_ATTACHMENT_BYTES, too_large).await?;
    let content_type = attachments::check(&declared, &bytes).map_err(EdgeError::Refused)?;
    let name = attachments::clean_name(&name);
    let upload = Attach { participant, client_id, name, content_type: content_type.into() };
    call::send_bytes(env, &conversation, &upload, &bytes).await
}

/// Who is uploading, as a conversation socket would be admitted.
async fn uploader(req: &Request, env: &Ctx<'_>, conversation: &ConversationId) -> EdgeResult<Participant> {
    let bearer = req.headers().get("authorization")?.unwrap_or_default();
    let visitor_token = bearer.strip_prefix("Bearer ").filter(|t| !t.starts_with("sbk_"));
    if let Some(token) = visitor_token {
        let claims: VisitorClaims =
            token::verify(token.trim(), &env::signing_key(env)?, env.now).map_err(|e| {
                EdgeError::refuse(ErrorCode::Unauthorized, format!("the session token is not valid ({e})"))
            })?;
        if &claims.conversation != conversation {
            return Err(EdgeError::refuse(
                ErrorCode::Forbidden,
                "this session token belongs to another conversation",
            ));
        }
        let site = site_cache::config(env, &claims.site, env.now).await?;
        switchboard_core::blocks::check(&site.blocks, Some(&claims.visitor), None, env.now)?;
        let author = Author::Visitor { id: claims.visitor, name: None };
        return Ok(Participant {
            site: claims.site,
            author,
            client: Default::default(),
            expires_at: None,
            born: None,
        });
    }
    let agent = auth::authenticate_change(req, env).await?;
    let author = Author::Agent { id: agent.agent, name: agent.name };
    Ok(Participant { site: agent.site, author, client: Default::default(), expires_at: None, born: None })
}

/// Serves a file by its signed link. Images show inline, everything else downloads; either
/// way the browser may not sniff another type, and the file runs nothing (sandboxed).
pub(crate) async fn download(env: &Ctx<'_>, link: &str) -> EdgeResult<Response> {
    let not_found = || EdgeError::refuse(ErrorCode::NotFound, "no such attachment");
    let claims: AttachmentClaims =
        token::verify(link, &env::signing_key(env)?, env.now).map_err(|_| not_found())?;
    let object = env.bucket(BUCKET)?.get(&claims.key).execute().await?.ok_or_else(not_found)?;
    let bytes = object.body().ok_or_else(not_found)?.bytes().await?;
    let disposition = if claims.content_type.starts_with("image/") { "inline" } else { "attachment" };
    let filename = String::from(js_sys::encode_uri_component(&claims.name));
    let headers = Headers::new();
    headers.set("content-type", &claims.content_type)?;
    headers.set("content-disposition", &format!("{disposition}; filename*=UTF-8''{filename}"))?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("content-security-policy", "default-src 'none'; sandbox")?;
    headers.set("cross-origin-resource-policy", "same-origin")?;
    // The link names one immutable object, and works until its expiry.
    let remaining_s = (claims.exp - env.now).max(0) / 1_000;
    headers.set("cache-control", &format!("private, max-age={remaining_s}, immutable"))?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}
