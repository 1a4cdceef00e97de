//! The frame's `localStorage`: the visitor's session, the outbox and the read mark.
//!
//! The frame is on the edge's origin, so these keys are out of the host page's reach (and,
//! in browsers that partition third-party storage, kept per embedding site). Storage can be
//! missing or throw (blocked, full, private mode): every access degrades to "nothing stored",
//! the chat still works for the life of the page.

use switchboard_core::client_log::PendingMessage;
use switchboard_protocol::api::create_session;
use switchboard_protocol::{Seq, SiteId};
use wasm_bindgen::JsValue;
use web_sys::Storage;

use crate::wire::{decode, encode, parse, stringify};

/// The keys one site's widget uses, `switchboard:SITE:…`.
pub(crate) struct Keys {
    session: String,
    outbox: String,
    read: String,
}

impl Keys {
    /// The keys for `site`.
    pub(crate) fn new(site: &SiteId) -> Self {
        let key = |name: &str| format!("switchboard:{site}:{name}");
        Self { session: key("session"), outbox: key("outbox"), read: key("read") }
    }

    /// The stored session, if any and readable.
    pub(crate) fn session(&self) -> Option<create_session::Response> {
        read_json(&self.session, decode::session)
    }

    /// Keeps `session` for the next page load.
    pub(crate) fn save_session(&self, session: &create_session::Response) {
        write_json(&self.session, &encode::session(session));
    }

    /// Forgets the session (refused token, shutdown).
    pub(crate) fn drop_session(&self) {
        remove(&self.session);
    }

    /// Messages typed but not yet stored by the edge, as saved before the last page load.
    pub(crate) fn outbox(&self) -> Vec<PendingMessage> {
        read_json(&self.outbox, decode::outbox).unwrap_or_default()
    }

    /// Saves the outbox, given as [`outbox_json`] made it; an empty one removes the key, so
    /// storage holds nothing idle.
    pub(crate) fn save_outbox(&self, json: &str) {
        match local() {
            Some(storage) if json != "[]" => {
                let _ = storage.set_item(&self.outbox, json);
            }
            _ => remove(&self.outbox),
        }
    }

    /// The read mark (see [`crate::state::State::read_seq`]), kept as a plain number.
    pub(crate) fn read_seq(&self) -> Seq {
        let stored = local().and_then(|storage| storage.get_item(&self.read).ok().flatten());
        Seq(stored.and_then(|text| text.parse().ok()).unwrap_or(0))
    }

    /// Saves the read mark.
    pub(crate) fn save_read_seq(&self, seq: Seq) {
        if let Some(storage) = local() {
            let _ = storage.set_item(&self.read, &seq.to_string());
        }
    }

    /// Forgets everything this site's widget stored (shutdown).
    pub(crate) fn clear(&self) {
        for key in [&self.session, &self.outbox, &self.read] {
            remove(key);
        }
    }
}

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The outbox as stored (also how [`crate::effects`] notices that it changed).
pub(crate) fn outbox_json(pending: &[PendingMessage]) -> String {
    stringify(&encode::outbox(pending)).unwrap_or_default()
}

fn read_json<T>(key: &str, decode: fn(&JsValue) -> Option<T>) -> Option<T> {
    let storage = local()?;
    let text = storage.get_item(key).ok()??;
    let value = parse(&text).and_then(|json| decode(&json));
    if value.is_none() {
        // Written by another version, or tampered with: unusable either way, and keeping it
        // would fail the same way on every load.
        let _ = storage.remove_item(key);
    }
    value
}

fn write_json(key: &str, value: &JsValue) {
    if let (Some(storage), Some(text)) = (local(), stringify(value)) {
        // A full or blocked storage only costs persistence across page loads.
        let _ = storage.set_item(key, &text);
    }
}

fn remove(key: &str) {
    if let Some(storage) = local() {
        let _ = storage.remove_item(key);
    }
}
