//! Which part of the API each route is, for scoped API keys: the route table's twin on the
//! `Need` side (`core::key_scopes` decides). Routes not listed are ones keys do not use
//! (sign-in, invites' links, public pages) or manage keys; only keys without scopes pass them.

use switchboard_core::key_scopes::{Area, Need};

/// What the route `segments` needs from a key when called with `method`.
pub(crate) fn need(method: &str, segments: &[&str]) -> Option<Need> {
    let read = method == "GET";
    let at = |area| Some(if read { Need::read(area) } else { Need::write(area) });
    match segments {
        ["api", "v1", "agent", "me" | "email-digest"] => at(Area::Account),
        // Sockets are opened with GET, and what is typed on them changes conversations.
        ["api", "v1", "agent", "inbox"] | ["api", "v1", "conversations", _, "live"] => {
            Some(Need::write(Area::Conversations))
        }
        ["api", "v1", "conversations", ..]
        | ["api", "v1", "reports"]
        | ["api", "v1", "sessions"]
        | ["api", "v1", "blocks", ..] => at(Area::Conversations),
        ["api", "v1", "site" | "sites" | "audit-log" | "canned-responses" | "invites" | "agents"]
        | ["api", "v1", "canned-responses" | "agents", ..] => at(Area::Settings),
        ["api", "v1", "contacts" | "contact-attributes", ..] => at(Area::Contacts),
        ["api", "v1", "webhooks", ..] => at(Area::Webhooks),
        ["api", "v1", "api-keys", ..] => at(Area::Keys),
        _ => None,
    }
}
