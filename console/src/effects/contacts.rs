//! Contacts over REST, for the Contacts screen and the contact panel: listing and searching,
//! one contact with its conversations, making, changing and merging them, starting a
//! conversation with one, the site's custom attribute definitions, and finding the contact a
//! visitor belongs to. Each returns its
//! outcome to the component that asked; changes that can fail on one input return a
//! [`FieldError`] naming it (the error body's `field`).

use switchboard_protocol::api::contacts::{
    AttributeDefinitions, ContactDetail, ContactRecord, CreateRequest, ListResponse, MergeRequest,
    UpdateRequest,
};
use switchboard_protocol::api::conversation_create;
use switchboard_protocol::VisitorId;
use switchboard_webclient::{fetch_json, FetchError};

use super::session::describe;
use crate::contact_draft::FieldError;

const CONTACTS: &str = "/api/v1/contacts";

/// How many contacts a page of the list holds.
pub const PAGE: u32 = 50;

/// How many recently active contacts are looked through for a visitor no search finds.
const RECENT: u32 = 200;

fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

fn contact_url(id: &str, rest: &str) -> String {
    format!("{CONTACTS}/{}{rest}", encode(id))
}

fn field_error(error: &FetchError) -> FieldError {
    let field = match error {
        FetchError::Api { error, .. } => error.field.as_deref(),
        _ => None,
    };
    FieldError::new(field, describe(error))
}

/// A page of contacts, most recently active first: those matching `query` (a name, email or
/// phone; every contact when blank), after `cursor` (the previous page's `next_cursor`).
pub async fn list(query: &str, cursor: Option<&str>) -> Result<ListResponse, String> {
    list_page(query, cursor, PAGE).await
}

async fn list_page(query: &str, cursor: Option<&str>, limit: u32) -> Result<ListResponse, String> {
    let mut url = format!("{CONTACTS}?limit={limit}");
    if !query.trim().is_empty() {
        url.push_str(&format!("&q={}", encode(query.trim())));
    }
    if let Some(cursor) = cursor {
        url.push_str(&format!("&cursor={}", encode(cursor)));
    }
    fetch_json::<(), ListResponse>("GET", &url, None).await.map_err(|e| describe(&e))
}

/// One contact with its conversations (an id merged away answers the contact it went into).
pub async fn detail(id: &str) -> Result<ContactDetail, String> {
    fetch_json::<(), ContactDetail>("GET", &contact_url(id, ""), None).await.map_err(|e| describe(&e))
}

/// Makes a contact.
pub async fn create(request: CreateRequest) -> Result<ContactRecord, FieldError> {
    fetch_json::<_, ContactRecord>("POST", CONTACTS, Some(&request)).await.map_err(|e| field_error(&e))
}

/// Changes a contact; answers it as it is now.
pub async fn update(id: &str, request: UpdateRequest) -> Result<ContactRecord, FieldError> {
    let url = contact_url(id, "");
    fetch_json::<_, ContactRecord>("PATCH", &url, Some(&request)).await.map_err(|e| field_error(&e))
}

/// Merges `from` into `into`; answers the contact kept.
pub async fn merge(into: &str, from: &str) -> Result<ContactRecord, String> {
    let request = MergeRequest { from: from.to_owned() };
    let url = contact_url(into, "/merge");
    fetch_json::<_, ContactRecord>("POST", &url, Some(&request)).await.map_err(|e| describe(&e))
}

/// Starts a conversation with a contact (`POST /api/v1/conversations`): its first message is
/// sent to the contact's newest browser. A contact who never opened the chat is refused
/// (`409`, the edge's sentence says so); a bad routing or text names its field.
pub async fn start_conversation(
    request: conversation_create::CreateRequest,
) -> Result<conversation_create::Created, FieldError> {
    fetch_json::<_, conversation_create::Created>("POST", "/api/v1/conversations", Some(&request))
        .await
        .map_err(|e| field_error(&e))
}

/// The site's custom attributes, in the order they are shown.
pub async fn attributes() -> Result<AttributeDefinitions, String> {
    fetch_json::<(), AttributeDefinitions>("GET", "/api/v1/contact-attributes", None)
        .await
        .map_err(|e| describe(&e))
}

/// The contact `visitor` belongs to: searched for by each of `hints` (the emails, name or
/// user id the visitor gave) and else among the most recently active contacts — a visitor
/// whose conversation is open wrote lately. `None` when it is not (yet) made.
pub async fn of_visitor(visitor: VisitorId, hints: Vec<String>) -> Result<Option<ContactRecord>, String> {
    let holds = |list: ListResponse| list.contacts.into_iter().find(|c| c.visitor_ids.contains(&visitor));
    for hint in hints.iter().filter(|hint| !hint.trim().is_empty()) {
        if let Some(found) = holds(list_page(hint, None, PAGE).await?) {
            return Ok(Some(found));
        }
    }
    Ok(holds(list_page("", None, RECENT).await?))
}
