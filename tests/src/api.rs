//! Typed clients for the edge: REST calls with `reqwest` speaking `switchboard-protocol`
//! types, sessions, sign-in; the sockets are [`crate::live`]'s (re-exported here).

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_protocol::api::{agent_login, agent_me, create_session};
use switchboard_protocol::{Author, ErrorBody, ErrorCode, Message};

pub use crate::live::Live;
use crate::test_edge::TestEdge;
use crate::{ADMIN_EMAIL, ADMIN_PASSWORD, SITE};

/// How long a test waits for one frame before failing.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

/// A status and the JSON body of a REST response.
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The body as JSON (`null` when empty).
    pub body: serde_json::Value,
    /// `set-cookie`, if any.
    pub set_cookie: Option<String>,
}

impl Reply {
    /// The body as `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_value(self.body.clone()).with_context(|| format!("unexpected body: {}", self.body))
    }

    /// The error code of an error body.
    pub fn error_code(&self) -> Result<ErrorCode> {
        Ok(self.json::<ErrorBody>()?.error.code)
    }
}

/// Sends `body` as JSON with `method` to `url`, with optional `Origin` and `Cookie` headers.
pub async fn call<B: Serialize>(
    method: reqwest::Method,
    url: &str,
    origin: Option<&str>,
    cookie: Option<&str>,
    body: Option<&B>,
) -> Result<Reply> {
    let headers: Vec<(&str, &str)> =
        origin.map(|o| ("origin", o)).into_iter().chain(cookie.map(|c| ("cookie", c))).collect();
    call_with(method, url, &headers, body).await
}

/// Sends `body` as JSON with `method` to `url`, with `headers`.
pub async fn call_with<B: Serialize>(
    method: reqwest::Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&B>,
) -> Result<Reply> {
    let mut request = reqwest::Client::new().request(method, url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let set_cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).map(str::to_string);
    let text = response.text().await?;
    let body = if text.is_empty() { serde_json::Value::Null } else { serde_json::from_str(&text)? };
    Ok(Reply { status, body, set_cookie })
}

/// A visitor session for site `demo`, requested from `origin` directly.
pub async fn create_session(edge: &TestEdge, origin: &str) -> Result<create_session::Response> {
    new_conversation(edge, origin, None).await
}

/// A session for a new conversation of the visitor holding `visitor_token` (a new visitor
/// when `None`).
pub async fn new_conversation(
    edge: &TestEdge,
    origin: &str,
    visitor_token: Option<&str>,
) -> Result<create_session::Response> {
    let body = create_session::Request {
        site_id: SITE.parse()?,
        page_origin: None,
        visitor_token: visitor_token.map(str::to_string),
        proactive: None,
    };
    let reply =
        call(reqwest::Method::POST, &edge.url("/api/v1/sessions"), Some(origin), None, Some(&body)).await?;
    if reply.status != 201 {
        bail!("session refused: {} {}", reply.status, reply.body);
    }
    reply.json()
}

/// `n` visitors of `origin`, each in a new conversation where they wrote `text`: the
/// conversations' ids, with the visitors' open sockets.
pub async fn visitors_who_wrote(
    edge: &TestEdge,
    origin: &str,
    n: usize,
    text: &str,
) -> Result<Vec<(switchboard_protocol::ConversationId, crate::live::Live)>> {
    let mut written = Vec::with_capacity(n);
    for i in 0..n {
        let session = new_conversation(edge, origin, None).await?;
        let mut visitor = crate::live::Live::visitor(edge, &session).await?;
        visitor.hello(switchboard_protocol::Seq(0)).await?;
        visitor.post(&format!("v-{i}"), text).await?;
        written.push((session.conversation_id, visitor));
    }
    Ok(written)
}

/// Signs the test admin in; returns the `Cookie` header value to send.
pub async fn login(edge: &TestEdge) -> Result<String> {
    login_as(edge, ADMIN_EMAIL, ADMIN_PASSWORD).await
}

/// Signs an agent in; returns the `Cookie` header value to send.
pub async fn login_as(edge: &TestEdge, email: &str, password: &str) -> Result<String> {
    Ok(Session::start(edge, email, password).await?.cookie)
}

/// A console session as a script holds it: the cookie and the anti-forgery token.
#[derive(Debug, Clone)]
pub struct Session {
    /// The `Cookie` header value.
    pub cookie: String,
    /// The `X-CSRF-Token` header value.
    pub csrf: String,
    /// The account.
    pub agent: agent_me::Response,
}

impl Session {
    /// Signs in.
    pub async fn start(edge: &TestEdge, email: &str, password: &str) -> Result<Session> {
        let body = agent_login::Request { email: email.into(), password: password.into(), code: None };
        let reply =
            call(reqwest::Method::POST, &edge.url("/api/v1/agent/login"), None, None, Some(&body)).await?;
        if reply.status != 200 {
            bail!("login refused: {} {}", reply.status, reply.body);
        }
        Session::from_reply(reply)
    }

    /// The session a sign-in (or an accepted invite) answered with.
    pub fn from_reply(reply: Reply) -> Result<Session> {
        let set_cookie = reply.set_cookie.clone().ok_or_else(|| anyhow!("no session cookie was set"))?;
        let agent: agent_me::Response = reply.json()?;
        Ok(Session {
            cookie: set_cookie.split(';').next().unwrap_or_default().to_string(),
            csrf: agent.csrf_token.clone(),
            agent,
        })
    }

    /// A request with the cookie and the anti-forgery token, as the console sends it.
    pub async fn call<B: Serialize>(
        &self,
        edge: &TestEdge,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<Reply> {
        let headers = [("cookie", self.cookie.as_str()), ("x-csrf-token", self.csrf.as_str())];
        call_with(method, &edge.url(path), &headers, body).await
    }

    /// Resolves conversation `id` as the console does (`POST …/resolve`, answered `204`).
    pub async fn resolve(&self, edge: &TestEdge, id: &str) -> Result<()> {
        let path = format!("/api/v1/conversations/{id}/resolve");
        let reply = self.call(edge, reqwest::Method::POST, &path, None::<&()>).await?;
        anyhow::ensure!(reply.status == 204, "resolving {id}: {} {}", reply.status, reply.body);
        Ok(())
    }

    /// Makes an API key of the session's site named `name` with `role` (`agent` or `admin`);
    /// answers its bearer header value (`Bearer sbk_…`).
    pub async fn api_key(&self, edge: &TestEdge, name: &str, role: &str) -> Result<String> {
        let body = serde_json::json!({ "name": name, "role": role });
        let reply = self.call(edge, reqwest::Method::POST, "/api/v1/api-keys", Some(&body)).await?;
        if reply.status != 201 {
            bail!("no API key: {} {}", reply.status, reply.body);
        }
        Ok(format!("Bearer {}", reply.body["secret"].as_str().unwrap_or_default()))
    }

    /// `bytes` as the raw body of a `method` request to `path` with `content_type` (a file
    /// upload), with the cookie and the anti-forgery token: status and JSON body (`null` when
    /// there is none).
    pub async fn send_bytes(
        &self,
        edge: &TestEdge,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<(u16, serde_json::Value)> {
        let response = reqwest::Client::new()
            .request(method, edge.url(path))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header("content-type", content_type)
            .body(bytes)
            .send()
            .await?;
        let status = response.status().as_u16();
        Ok((status, serde_json::from_str(&response.text().await?).unwrap_or_default()))
    }
}

impl Session {
    /// Uploads `bytes` (`content_type`, named `filename`) into `conversation` as the console
    /// does: status and JSON body.
    pub async fn upload(
        &self,
        edge: &TestEdge,
        conversation: &str,
        (filename, content_type): (&str, &str),
        client_id: &str,
        bytes: Vec<u8>,
    ) -> Result<(u16, serde_json::Value)> {
        let response = reqwest::Client::new()
            .post(edge.url(&format!("/api/v1/conversations/{conversation}/attachments")))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header("content-type", content_type)
            .header("x-filename", crate::percent_encode(filename))
            .header("x-client-id", client_id)
            .body(bytes)
            .send()
            .await?;
        let status = response.status().as_u16();
        Ok((status, serde_json::from_str(&response.text().await?).unwrap_or_default()))
    }

    /// The contact the inbox lists for `conversation`, once `ready` holds for it (waits up
    /// to [`FRAME_TIMEOUT`]: contacts reach the inbox asynchronously).
    pub async fn contact_when(
        &self,
        edge: &TestEdge,
        conversation: &switchboard_protocol::ConversationId,
        ready: impl Fn(&switchboard_protocol::contact::Contact) -> bool,
    ) -> Result<switchboard_protocol::contact::Contact> {
        let ready = &ready;
        crate::wait::until("the inbox to show the contact", FRAME_TIMEOUT, || async move {
            let list: switchboard_protocol::api::conversations_list::Response = self
                .call::<()>(edge, reqwest::Method::GET, "/api/v1/conversations", None)
                .await
                .ok()?
                .json()
                .ok()?;
            let contact =
                list.conversations.into_iter().find(|c| &c.id == conversation)?.contact.unwrap_or_default();
            ready(&contact).then_some(contact)
        })
        .await
    }
}

/// Who a session cookie belongs to (`GET /api/v1/agent/me`).
pub async fn me(edge: &TestEdge, cookie: &str) -> Result<agent_me::Response> {
    let reply =
        call::<()>(reqwest::Method::GET, &edge.url("/api/v1/agent/me"), None, Some(cookie), None).await?;
    reply.json()
}

/// The messages people wrote (visitors and agents), without routing events and bot turns,
/// which a flow may add to any log.
pub fn chat(log: &[Message]) -> Vec<&Message> {
    log.iter().filter(|m| matches!(m.author, Author::Visitor { .. } | Author::Agent { .. })).collect()
}
