//! The settings screen's own REST calls, whose answers only the section that asked shows: the
//! site's API keys, webhooks (with their delivery logs) and audit log (admins), the
//! deployment's sites (owners), and whether the signed-in agent gets the email digest of what
//! they missed (anyone, for themselves), and the Reports screen's report. Each returns
//! its outcome (or the sentence explaining why not) to the section that asked, which keeps it
//! in its own state.

use switchboard_core::reports::Narrowed;
use switchboard_protocol::api::agent_email_digest::Setting;
use switchboard_protocol::api::api_keys::{self, ApiKey, Created};
use switchboard_protocol::api::reports::Figures;
use switchboard_protocol::api::webhooks::{self, Delivery, Webhook};
use switchboard_protocol::api::{audit_log, invite_create, site_settings, sites};
use switchboard_protocol::AgentId;
use switchboard_webclient::fetch_json;
use switchboard_webclient::http::fetch_empty;

use super::session::describe;

const KEYS: &str = "/api/v1/api-keys";
const SITES: &str = "/api/v1/sites";
const AUDIT_LOG: &str = "/api/v1/audit-log";
const WEBHOOKS: &str = "/api/v1/webhooks";
const EMAIL_DIGEST: &str = "/api/v1/agent/email-digest";

/// How many audit-log entries a page holds.
pub const AUDIT_PAGE: u32 = 50;

/// How many deliveries a webhook's log shows (the newest).
pub const DELIVERIES_PAGE: u32 = 20;

/// The site's API keys, newest first.
pub async fn api_keys() -> Result<Vec<ApiKey>, String> {
    let list = fetch_json::<(), api_keys::ListResponse>("GET", KEYS, None).await;
    list.map(|list| list.api_keys).map_err(|e| describe(&e))
}

/// Makes a key; its secret is in this answer only.
pub async fn create_api_key(request: api_keys::CreateRequest) -> Result<Created, String> {
    fetch_json::<_, Created>("POST", KEYS, Some(&request)).await.map_err(|e| describe(&e))
}

/// Revokes a key.
pub async fn revoke_api_key(id: AgentId) -> Result<(), String> {
    fetch_empty::<()>("DELETE", &format!("{KEYS}/{id}"), None).await.map_err(|e| describe(&e))
}

/// Every site of the deployment.
pub async fn sites() -> Result<Vec<sites::SiteEntry>, String> {
    let list = fetch_json::<(), sites::ListResponse>("GET", SITES, None).await;
    list.map(|list| list.sites).map_err(|e| describe(&e))
}

/// Creates a site and invites its first admin; answers the invite's link.
pub async fn create_site(
    site: sites::CreateRequest,
    invite: invite_create::Request,
) -> Result<String, String> {
    fetch_json::<_, site_settings::Response>("POST", SITES, Some(&site)).await.map_err(|e| describe(&e))?;
    match fetch_json::<_, invite_create::Response>("POST", "/api/v1/invites", Some(&invite)).await {
        Ok(invite) => Ok(invite.url),
        Err(e) => Err(format!("The site was created, but not the invite: {}", describe(&e))),
    }
}

/// A page of the site's audit log, newest first: the newest entries, or those older than the
/// entry `before` (the previous page's `next_before`).
pub async fn audit_log(before: Option<i64>) -> Result<audit_log::ListResponse, String> {
    let url = match before {
        Some(before) => format!("{AUDIT_LOG}?limit={AUDIT_PAGE}&before={before}"),
        None => format!("{AUDIT_LOG}?limit={AUDIT_PAGE}"),
    };
    fetch_json::<(), audit_log::ListResponse>("GET", &url, None).await.map_err(|e| describe(&e))
}

/// The site's webhook subscriptions, oldest first (never their secrets).
pub async fn webhooks() -> Result<Vec<Webhook>, String> {
    let list = fetch_json::<(), webhooks::ListResponse>("GET", WEBHOOKS, None).await;
    list.map(|list| list.webhooks).map_err(|e| describe(&e))
}

/// Adds a subscription; its signing secret is in this answer only.
pub async fn create_webhook(request: webhooks::CreateRequest) -> Result<webhooks::Created, String> {
    fetch_json::<_, webhooks::Created>("POST", WEBHOOKS, Some(&request)).await.map_err(|e| describe(&e))
}

/// Changes a subscription (here: turns it on or off); answers it as it is now.
pub async fn update_webhook(id: String, request: webhooks::UpdateRequest) -> Result<Webhook, String> {
    let url = webhook_url(&id, "");
    fetch_json::<_, Webhook>("PATCH", &url, Some(&request)).await.map_err(|e| describe(&e))
}

/// Removes a subscription, with its queued deliveries and its log.
pub async fn remove_webhook(id: String) -> Result<(), String> {
    fetch_empty::<()>("DELETE", &webhook_url(&id, ""), None).await.map_err(|e| describe(&e))
}

/// A subscription's newest deliveries, newest first.
pub async fn webhook_deliveries(id: String) -> Result<Vec<Delivery>, String> {
    let url = webhook_url(&id, &format!("/deliveries?limit={DELIVERIES_PAGE}"));
    let page = fetch_json::<(), webhooks::DeliveriesResponse>("GET", &url, None).await;
    page.map(|page| page.deliveries).map_err(|e| describe(&e))
}

/// Sends a delivery again now, under the same delivery id (receivers deduplicate on it).
pub async fn redeliver(id: String, delivery: String) -> Result<Delivery, String> {
    let delivery = String::from(js_sys::encode_uri_component(&delivery));
    let url = webhook_url(&id, &format!("/deliveries/{delivery}/redeliver"));
    fetch_json::<(), Delivery>("POST", &url, None).await.map_err(|e| describe(&e))
}

/// Whether the signed-in agent gets the email digest of what they missed while away.
pub async fn email_digest() -> Result<Setting, String> {
    fetch_json::<(), Setting>("GET", EMAIL_DIGEST, None).await.map_err(|e| describe(&e))
}

/// Turns the signed-in agent's email digest on or off (off also drops what was waiting to be
/// sent); answers the setting as it is now.
pub async fn set_email_digest(enabled: bool) -> Result<Setting, String> {
    let request = Setting { enabled };
    fetch_json::<_, Setting>("PUT", EMAIL_DIGEST, Some(&request)).await.map_err(|e| describe(&e))
}

/// `/api/v1/webhooks/{id}` and `rest`; the id is encoded, though the edge's ids (`whk_…`)
/// never need it, so that nothing in one can reach another route.
fn webhook_url(id: &str, rest: &str) -> String {
    format!("{WEBHOOKS}/{}{rest}", String::from(js_sys::encode_uri_component(id)))
}

/// The report of `[from, to)` with days starting `offset_minutes` east of UTC, of the
/// conversations `narrowed` to.
pub async fn report(from: i64, to: i64, offset_minutes: i32, narrowed: &Narrowed) -> Result<Figures, String> {
    let url = report_url(from, to, offset_minutes, narrowed, false);
    fetch_json::<(), Figures>("GET", &url, None).await.map_err(|e| describe(&e))
}

/// Where the report (or, with `csv`, its CSV file) is read.
pub fn report_url(from: i64, to: i64, offset_minutes: i32, narrowed: &Narrowed, csv: bool) -> String {
    let mut url = format!("/api/v1/reports?from={from}&to={to}&offset_minutes={offset_minutes}");
    let channel = narrowed
        .channel
        .and_then(|c| serde_json::to_value(c).ok())
        .and_then(|v| v.as_str().map(String::from));
    for (name, value) in [
        ("channel", channel),
        ("queue", narrowed.queue.as_ref().map(|q| q.to_string())),
        ("label", narrowed.label.clone()),
    ] {
        if let Some(value) = value {
            url.push_str(&format!("&{name}={}", js_sys::encode_uri_component(&value)));
        }
    }
    if csv {
        url.push_str("&format=csv");
    }
    url
}
