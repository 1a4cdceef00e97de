//! Blocking visitors over REST: block a conversation's visitor (from the contact panel), list
//! and lift blocks (from the settings screen). Each returns its outcome, or the sentence
//! explaining why not, to the component that asked.

use switchboard_protocol::api::blocks::{Block, CreateRequest, ListResponse};
use switchboard_protocol::ConversationId;
use switchboard_webclient::fetch_json;
use switchboard_webclient::http::fetch_empty;

use super::session::describe;

const BLOCKS: &str = "/api/v1/blocks";

/// Blocks the visitor of `conversation`, and the address they came from.
pub async fn block(conversation: ConversationId) -> Result<Block, String> {
    let request =
        CreateRequest { conversation_id: conversation, include_address: true, reason: None, days: None };
    fetch_json::<_, Block>("POST", BLOCKS, Some(&request)).await.map_err(|e| describe(&e))
}

/// The site's blocks in force, newest first.
pub async fn list() -> Result<Vec<Block>, String> {
    let list = fetch_json::<(), ListResponse>("GET", BLOCKS, None).await;
    list.map(|list| list.blocks).map_err(|e| describe(&e))
}

/// Lifts a block.
pub async fn lift(id: String) -> Result<(), String> {
    fetch_empty::<()>("DELETE", &format!("{BLOCKS}/{id}"), None).await.map_err(|e| describe(&e))
}
