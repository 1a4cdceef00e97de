//! `POST /api/v1/sessions` — a visitor session: a signed token for one conversation.
//!
//! Called by the widget frame (origin: the edge) on behalf of the page that embeds it, or by
//! a page of an allowed origin directly. The edge checks the origin against the site's
//! allowed origins. The token is the only key to the conversation: keep it secret.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, SiteId, VisitorId};

/// Request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The site the visitor is on (from the embed snippet's `data-site`).
    pub site_id: SiteId,
    /// Origin of the page embedding the widget, as the frame learnt it from the browser
    /// (`postMessage` event origin). Required when the request comes from the widget frame;
    /// ignored otherwise (the `Origin` header is then the page's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_origin: Option<String>,
    /// A session token this visitor already holds (any of its conversations): the new
    /// conversation then belongs to the same visitor, so it shows in the visitor's history.
    /// An invalid or expired one is refused rather than silently replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_token: Option<String>,
    /// The proactive message the visitor answered (its name, `docs/proactive.md`): the new
    /// conversation opens with it instead of the site's greeting (a name the site lacks: the
    /// greeting). Not a name any site could have: `400`, field `proactive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proactive: Option<String>,
}

/// `201` body; also sent in `welcome` to renew the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// Signed session token; offer it as the WebSocket subprotocol `sb-token.<token>`.
    pub token: String,
    /// The conversation the token opens.
    pub conversation_id: ConversationId,
    /// The visitor's id.
    pub visitor_id: VisitorId,
    /// When the token stops working, ms since the Unix epoch.
    pub expires_at: i64,
}
