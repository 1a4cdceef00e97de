//! Typed calls from the worker to the Durable Objects.
//!
//! Objects answer JSON, or an error body that is passed on to the client unchanged, so a
//! refusal decided inside an object (`forbidden`, `not_found`) reaches the client as is.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use switchboard_core::site::SiteConfig;
use switchboard_protocol::api::bot_webhook::BotAnswer;
use switchboard_protocol::api::{
    agent_me, agents_list, api_keys, canned_responses, conversations_list, invite_show, site_presence,
    site_settings, sites,
};
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::{AgentId, ConversationId, ErrorBody, QueueId, SiteId, VisitorId};
use wasm_bindgen::JsValue;
use worker::{Env, Headers, Method, Request, RequestInit, Response, Stub};

use crate::error::{EdgeError, EdgeResult};
use crate::objects::{
    AcceptCall, Activity, InviteCall, Invited, KeyCreateCall, KeyHolder, KeyRevokeCall, LoginCall,
    Participant, RemoveCall, ToConversation, PARTICIPANT_HEADER,
};

/// Object requests need an absolute URL; the host is never resolved.
const INTERNAL: &str = "https://object.internal";

fn conversation(env: &Env, id: &ConversationId) -> EdgeResult<Stub> {
    Ok(env.durable_object("CONVERSATIONS")?.id_from_name(id.as_str())?.get_stub()?)
}

fn site(env: &Env, id: &SiteId) -> EdgeResult<Stub> {
    Ok(env.durable_object("SITES")?.id_from_name(id.as_str())?.get_stub()?)
}

fn directory(env: &Env) -> EdgeResult<Stub> {
    // One directory of accounts: sign-ins are rare, and a single object keeps emails unique.
    Ok(env.durable_object("DIRECTORY")?.id_from_name("directory")?.get_stub()?)
}

/// A site's configuration (`not_found` for an unknown site).
pub async fn site_config(env: &Env, id: &SiteId) -> EdgeResult<SiteConfig> {
    call::<(), _>(&site(env, id)?, Method::Get, &format!("/config?site={id}"), None).await
}

/// Changes a site's settings; answers the new configuration.
pub async fn update_site(env: &Env, id: &SiteId, patch: &site_settings::Patch) -> EdgeResult<SiteConfig> {
    call(&site(env, id)?, Method::Post, &format!("/config/update?site={id}"), Some(patch)).await
}

/// An agent's photo changed: its new version, or `None` when it was removed.
#[derive(Debug, Serialize, Deserialize)]
pub struct AvatarCall {
    /// Whose.
    pub agent: AgentId,
    /// The version in its URL.
    pub version: Option<String>,
}

/// Records an agent's photo in the site's configuration; answers the new configuration.
pub async fn set_avatar(env: &Env, id: &SiteId, change: &AvatarCall) -> EdgeResult<SiteConfig> {
    call(&site(env, id)?, Method::Post, &format!("/config/avatar?site={id}"), Some(change)).await
}

/// Creates a site's object with its configuration.
pub async fn create_site(env: &Env, config: &SiteConfig) -> EdgeResult<()> {
    call(&site(env, &config.id)?, Method::Post, "/config/create", Some(config)).await
}

/// Reserves a site id in the directory.
pub async fn register_site(env: &Env, entry: &sites::SiteEntry) -> EdgeResult<()> {
    call::<_, serde_json::Value>(&directory(env)?, Method::Post, "/sites/register", Some(entry))
        .await
        .map(drop)
}

/// Makes an API key.
pub async fn create_key(env: &Env, body: &KeyCreateCall) -> EdgeResult<api_keys::Created> {
    call(&directory(env)?, Method::Post, "/keys/create", Some(body)).await
}

/// Revokes an API key.
pub async fn revoke_key(env: &Env, body: &KeyRevokeCall) -> EdgeResult<()> {
    call::<_, serde_json::Value>(&directory(env)?, Method::Post, "/keys/revoke", Some(body)).await.map(drop)
}

/// A site's API keys.
pub async fn list_keys(env: &Env, site: &SiteId) -> EdgeResult<api_keys::ListResponse> {
    call::<(), _>(&directory(env)?, Method::Get, &format!("/keys?site={site}"), None).await
}

/// Who an API key acts as.
pub async fn check_key(env: &Env, secret: &str) -> EdgeResult<KeyHolder> {
    call(&directory(env)?, Method::Post, "/keys/check", Some(&secret)).await
}

/// Every site.
pub async fn list_sites(env: &Env) -> EdgeResult<sites::ListResponse> {
    call::<(), _>(&directory(env)?, Method::Get, "/sites", None).await
}

/// A site's canned responses.
pub async fn canned_list(env: &Env, id: &SiteId) -> EdgeResult<canned_responses::ListResponse> {
    call::<(), _>(&site(env, id)?, Method::Get, "/canned", None).await
}

/// Stores a (checked) canned response.
pub async fn canned_save(env: &Env, id: &SiteId, entry: &canned_responses::CannedResponse) -> EdgeResult<()> {
    call(&site(env, id)?, Method::Post, "/canned", Some(entry)).await
}

/// Removes a canned response.
pub async fn canned_remove(env: &Env, id: &SiteId, shortcut: &str) -> EdgeResult<()> {
    call(&site(env, id)?, Method::Post, "/canned/remove", Some(&shortcut)).await
}

/// A site's conversations, newest activity first.
pub async fn site_conversations(env: &Env, id: &SiteId) -> EdgeResult<conversations_list::Response> {
    call::<(), _>(&site(env, id)?, Method::Get, "/conversations", None).await
}

/// Updates a conversation's entry in its site's inbox (and its search index).
pub async fn post_activity(env: &Env, id: &SiteId, activity: &Activity) -> EdgeResult<()> {
    call(&site(env, id)?, Method::Post, "/activity", Some(activity)).await
}

/// Conversations of a site with a message matching `typed`.
pub async fn search(env: &Env, id: &SiteId, typed: &str) -> EdgeResult<conversations_list::Response> {
    let mut url = worker::Url::parse("https://object.internal/search")
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    url.query_pairs_mut().append_pair("q", typed);
    call::<(), _>(&site(env, id)?, Method::Get, &format!("/search?{}", url.query().unwrap_or_default()), None)
        .await
}

/// A conversation object asks its site's router to queue the conversation.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct RouteRequest {
    /// The conversation, as the inbox shows it (the offer carries it to the agent).
    pub summary: ConversationSummary,
    /// The queue.
    pub queue: QueueId,
    /// The one agent it is meant for, if any.
    pub agent: Option<AgentId>,
    /// That agent took it over from the bot by writing: they hold it at once when they can.
    #[serde(default)]
    pub taken_over: bool,
}

/// Queues a conversation in its site's router.
pub async fn route(env: &Env, site_id: &SiteId, request: &RouteRequest) -> EdgeResult<()> {
    call(&site(env, site_id)?, Method::Post, "/routing/enqueue", Some(request)).await
}

/// Takes a conversation out of its site's routing (resolved, snoozed).
pub async fn unroute(env: &Env, site_id: &SiteId, conversation: &ConversationId) -> EdgeResult<()> {
    call(&site(env, site_id)?, Method::Post, "/routing/close", Some(conversation)).await
}

/// Tells a conversation object what routing decided.
pub async fn tell_conversation(env: &Env, id: &ConversationId, notice: &ToConversation) -> EdgeResult<()> {
    call(&conversation(env, id)?, Method::Post, "/notice", Some(notice)).await
}

/// Passes an external bot's late answer (and its bearer secret) to the conversation.
pub async fn bot_answer(
    env: &Env,
    id: &ConversationId,
    authorization: &str,
    body: &BotAnswer,
) -> EdgeResult<()> {
    let headers = Headers::new();
    headers.set("authorization", authorization)?;
    call_with(&conversation(env, id)?, Method::Post, "/bot-answer", Some(body), headers).await
}

/// Checks an agent's email and password.
pub async fn directory_login(env: &Env, body: &LoginCall) -> EdgeResult<agent_me::Response> {
    call(&directory(env)?, Method::Post, "/login", Some(body)).await
}

/// Records an invite; the answer holds its token.
pub async fn directory_invite(env: &Env, body: &InviteCall) -> EdgeResult<Invited> {
    call(&directory(env)?, Method::Post, "/invite", Some(body)).await
}

/// What a usable invite is for.
pub async fn directory_show_invite(env: &Env, token: &str) -> EdgeResult<invite_show::Response> {
    call(&directory(env)?, Method::Post, "/invite/show", Some(&token)).await
}

/// Creates the invited account.
pub async fn directory_accept_invite(env: &Env, body: &AcceptCall) -> EdgeResult<agent_me::Response> {
    call(&directory(env)?, Method::Post, "/invite/accept", Some(body)).await
}

/// A site's accounts.
pub async fn directory_agents(env: &Env, site: &SiteId) -> EdgeResult<agents_list::Response> {
    call::<(), _>(&directory(env)?, Method::Get, &format!("/agents?site={site}"), None).await
}

/// Removes an account.
pub async fn directory_remove(env: &Env, body: &RemoveCall) -> EdgeResult<()> {
    call::<_, serde_json::Value>(&directory(env)?, Method::Post, "/agents/remove", Some(body)).await.map(drop)
}

/// Hands a conversation socket handshake to the conversation's object.
pub async fn connect_conversation(
    env: &Env,
    id: &ConversationId,
    participant: &Participant,
) -> EdgeResult<Response> {
    upgrade(&conversation(env, id)?, &format!("/connect/{id}"), participant).await
}

/// Hands a checked upload to its conversation's object, which stores the file and the
/// message carrying it; answers `201 {"message": …}`.
pub async fn attach(
    env: &Env,
    id: &ConversationId,
    participant: &Participant,
    upload: &crate::objects::Upload,
    bytes: Vec<u8>,
) -> EdgeResult<Response> {
    let headers = Headers::new();
    headers.set(PARTICIPANT_HEADER, &serde_json::to_string(participant)?)?;
    headers.set(crate::objects::UPLOAD_HEADER, &serde_json::to_string(upload)?)?;
    let mut init = RequestInit::new();
    let body = js_sys::Uint8Array::from(bytes.as_slice());
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    let response = conversation(env, id)?
        .fetch_with_request(Request::new_with_init(&format!("{INTERNAL}/attach"), &init)?)
        .await?;
    if response.status_code() == 201 {
        Ok(response)
    } else {
        Err(refusal(response).await)
    }
}

/// Hands an inbox socket handshake to the site's object.
pub async fn connect_inbox(env: &Env, participant: &Participant) -> EdgeResult<Response> {
    upgrade(&site(env, &participant.site)?, "/inbox", participant).await
}

/// How many agents of a site have the console open.
pub async fn site_presence(env: &Env, id: &SiteId) -> EdgeResult<site_presence::Response> {
    call::<(), _>(&site(env, id)?, Method::Get, "/presence", None).await
}

/// A visitor's conversations on a site, newest activity first.
pub async fn visitor_conversations(
    env: &Env,
    id: &SiteId,
    visitor: &VisitorId,
) -> EdgeResult<Vec<ConversationSummary>> {
    call::<(), _>(&site(env, id)?, Method::Get, &format!("/visitor?id={visitor}"), None).await
}

async fn upgrade(stub: &Stub, path: &str, participant: &Participant) -> EdgeResult<Response> {
    let headers = Headers::new();
    headers.set("upgrade", "websocket")?;
    headers.set(PARTICIPANT_HEADER, &serde_json::to_string(participant)?)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get).with_headers(headers);
    let response =
        stub.fetch_with_request(Request::new_with_init(&format!("{INTERNAL}{path}"), &init)?).await?;
    if response.status_code() == 101 {
        Ok(response)
    } else {
        Err(refusal(response).await)
    }
}

async fn call<B: Serialize, R: DeserializeOwned>(
    stub: &Stub,
    method: Method,
    path: &str,
    body: Option<&B>,
) -> EdgeResult<R> {
    call_with(stub, method, path, body, Headers::new()).await
}

async fn call_with<B: Serialize, R: DeserializeOwned>(
    stub: &Stub,
    method: Method,
    path: &str,
    body: Option<&B>,
    headers: Headers,
) -> EdgeResult<R> {
    let mut init = RequestInit::new();
    init.with_method(method);
    if let Some(body) = body {
        headers.set("content-type", "application/json")?;
        init.with_body(Some(JsValue::from_str(&serde_json::to_string(body)?)));
    }
    init.with_headers(headers);
    let mut response =
        stub.fetch_with_request(Request::new_with_init(&format!("{INTERNAL}{path}"), &init)?).await?;
    if (200..300).contains(&response.status_code()) {
        Ok(response.json().await?)
    } else {
        Err(refusal(response).await)
    }
}

/// The error an object answered with.
async fn refusal(mut response: Response) -> EdgeError {
    match response.json::<ErrorBody>().await {
        Ok(body) => EdgeError::Refused(body.error),
        Err(error) => EdgeError::Runtime(error),
    }
}
