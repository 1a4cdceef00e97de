//! `POST /api/v1/email/{site}/unsubscribe?address=…&token=…` — the one-click unsubscribe of a
//! site's continuity emails (RFC 8058: mail programs post `List-Unsubscribe=One-Click`; any
//! body is ignored). The link comes in every continuity email's `List-Unsubscribe` header,
//! signed for that address and site. `200` [`Unsubscribed`]: the site sends that address no
//! more email, and its contact's `email_status` says `unsubscribed`. A link altered or for
//! another address or site `403`; an unknown site `404`. `GET` on the same link answers an
//! HTML page whose button makes the `POST` (opening a link never unsubscribes: mail scanners
//! open links).

use serde::{Deserialize, Serialize};

/// `200` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsubscribed {
    /// The address that gets no more email from the site.
    pub address: String,
}
