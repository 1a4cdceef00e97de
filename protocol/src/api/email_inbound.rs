//! `POST /api/v1/channels/email/{site}/mime` — an email for one of the site's reply addresses,
//! as raw MIME (RFC 5322; any content type), forwarded by the site's mail route (a Cloudflare
//! Email Worker, an MTA, a provider's raw inbound): `Authorization: Bearer
//! <EMAIL_INBOUND_SECRET>`. `200` [`Accepted`]. The reply's new words (quoted history and
//! signature cut) join the conversation its reply address names, as its visitor's message;
//! the same `Message-ID` again is stored once. An auto-reply, bounce or bulk mail is recognised
//! and stored nowhere (`automatic: true`). A wrong or missing secret `401`; a reply address that
//! is forged, altered, expired or another site's `403`, nothing stored; none among the
//! recipients `404`; not an email `400`; over 25 MB `413`.

use serde::{Deserialize, Serialize};

use crate::ids::ConversationId;

/// `200` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// The conversation the reply joined (none when a machine sent it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    /// A machine sent it (an auto-reply, a bounce, bulk mail): stored nowhere, never answered.
    #[serde(default)]
    pub automatic: bool,
}
