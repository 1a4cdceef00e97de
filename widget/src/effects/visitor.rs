//! What the visitor sees beyond the conversation: whether agents are online, the list of
//! their conversations, moving to another one (or a new one), and rating a resolved one.

use std::collections::BTreeMap;
use std::time::Duration;

use switchboard_protocol::api::{create_session, site_presence};
use switchboard_protocol::SiteId;
use wasm_bindgen::JsCast;
use yew::platform::{spawn_local, time::sleep};

use super::Chat;
use crate::http::fetch;
use crate::session;
use crate::socket::Socket;
use crate::state::Event;
use crate::wire::decode;

/// How often the header's "Online"/"Away" is refreshed while the panel is open.
const PRESENCE_POLL_MS: u64 = 30_000;

impl Chat {
    /// The visitor submitted the pre-chat form: checked here as the edge will check it;
    /// problems show by their fields, good answers go to the edge (now, or after the next
    /// `hello`) and the message box takes the form's place.
    pub(crate) fn submit_prechat(&self, answers: BTreeMap<String, String>) {
        self.apply(Event::PrechatSubmitted(answers));
    }

    /// The visitor picked a file: uploaded into the conversation (its message arrives on the
    /// socket); a refusal (type, size) shows under the message box.
    pub(crate) fn attach(&self, file: web_sys::File) {
        let (Some(me), Some(session)) = (self.me.upgrade(), self.conn.session.borrow().clone()) else {
            return;
        };
        let Some(client_id) = switchboard_webclient::new_client_id() else { return };
        self.apply(Event::Uploaded(None));
        spawn_local(async move {
            let sent = crate::http::upload(
                session.conversation_id.as_str(),
                &session.token,
                &file,
                client_id.as_str(),
            )
            .await;
            if let Err(error) = sent {
                let reason = match error {
                    crate::http::FetchError::Api { error, .. } => error.message,
                    _ => crate::i18n::t().error_network.to_owned(),
                };
                me.apply(Event::Uploaded(Some(format!("{}: {reason}", file.name()))));
            }
        });
    }

    /// The visitor picked a score on the rating card (sent with [`Chat::rate`]).
    pub(crate) fn choose_score(&self, score: u8) {
        self.apply(Event::ScoreChosen(score));
    }

    /// Sends the chosen score with `comment`. The card goes when the edge's `rated` entry
    /// arrives; a refusal (already rated elsewhere) leaves it to the next status.
    pub(crate) fn rate(&self, comment: String) {
        // Sent only on an open socket; otherwise the card keeps the score for another try.
        if self.conn.socket.borrow().as_ref().is_some_and(Socket::is_open) {
            self.apply(Event::Rated(comment));
        }
    }

    /// Polls the site's presence now and every [`PRESENCE_POLL_MS`] while the panel stays
    /// open. A failed poll keeps the last answer.
    pub(super) fn watch_presence(&self) {
        let (Some(me), Some(site)) = (self.me.upgrade(), self.site.clone()) else { return };
        let poll = self.presence_poll.get().wrapping_add(1);
        self.presence_poll.set(poll);
        let generation = self.generation.get();
        spawn_local(async move {
            let current =
                || me.presence_poll.get() == poll && me.generation.get() == generation && me.state().open;
            while current() {
                if let Some(presence) = presence(&site).await {
                    if current() {
                        me.apply(Event::Presence(presence));
                    }
                }
                sleep(Duration::from_millis(PRESENCE_POLL_MS)).await;
            }
        });
    }

    /// Shows the visitor's conversations instead of the current one, loading them.
    pub(crate) fn show_history(&self) {
        let Some(me) = self.me.upgrade() else { return };
        let Some(token) = self.token() else {
            // No session yet (still connecting, or the chat cannot work here).
            return self.apply(Event::HistoryShown(Some(crate::i18n::t().history_unavailable)));
        };
        self.apply(Event::HistoryShown(None));
        let generation = self.generation.get();
        spawn_local(async move {
            let result = session::conversations(&token).await;
            if me.generation.get() != generation {
                return;
            }
            me.apply(Event::HistoryLoaded(result.map_err(|_| crate::i18n::t().history_failed)));
        });
    }

    /// Back from the history to the current conversation.
    pub(crate) fn hide_history(&self) {
        self.apply(Event::HistoryHidden);
        // The conversation is in front of the visitor again: what it shows has been read.
        self.sync();
    }

    /// The visitor picked one of their conversations in the history.
    pub(crate) fn open_conversation(&self, session: create_session::Response) {
        let current = self.conn.session.borrow().as_ref().map(|s| s.conversation_id.clone());
        if current.as_ref() == Some(&session.conversation_id) {
            self.hide_history();
        } else {
            self.switch_to(session, true);
        }
    }

    /// At start, with `stored` from the last visit: moves to a conversation the team wrote in
    /// since (one the business started, or a reply where the visitor left), if there is one;
    /// its replies count on the launcher until the visitor opens the panel.
    pub(super) fn open_newer(&self, stored: &create_session::Response) {
        let Some(me) = self.me.upgrade() else { return };
        let (token, current) = (stored.token.clone(), stored.conversation_id.clone());
        spawn_local(async move {
            let Ok(list) = session::conversations(&token).await else { return };
            // Unless the visitor moved meanwhile (or the page ended the session).
            let still = me.conn.session.borrow().as_ref().is_some_and(|s| s.conversation_id == current);
            if let Some(session) =
                still.then(|| switchboard_core::outbound::to_open(&current, &list)).flatten()
            {
                me.switch_to(session.clone(), true);
            }
        });
    }

    /// Starts a new conversation for the same visitor (so the current one stays in the
    /// history) and moves to it.
    pub(crate) fn new_conversation(&self) {
        let Some(me) = self.me.upgrade() else { return };
        // Another conversation opens as any does, not with the proactive message answered.
        self.conn.proactive.replace(None);
        let Some(request) = self.session_request(self.token()) else { return };
        let generation = self.generation.get();
        spawn_local(async move {
            let result = session::create(request).await;
            if me.generation.get() != generation {
                return;
            }
            match result {
                Ok(session) => me.switch_to(session, true),
                Err(_) => me.apply(Event::HistoryLoaded(Err("A new conversation could not be started."))),
            }
        });
    }

    /// Makes `session` the current one (stored for the next page load) and connects to it.
    /// `other`: it is another conversation than the log holds, which starts over empty.
    pub(super) fn switch_to(&self, session: create_session::Response, other: bool) {
        if let Some(keys) = &self.keys {
            keys.save_session(&session);
        }
        if other {
            self.synced.borrow_mut().announced = None;
            self.conn.attempt.set(0);
            self.apply(Event::Switched(Vec::new()));
        }
        self.connect(session);
        self.sync();
    }

    /// Saves the conversation as a text file on the visitor's device: the panel's title and
    /// what the message list shows, as the browser lays it out in text (authors, messages,
    /// times, day separators; avatars' initials are drawn by CSS and stay out).
    pub(crate) fn download_transcript(&self) {
        let list = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("ol.sb-messages").ok().flatten())
            .and_then(|list| list.dyn_into::<web_sys::HtmlElement>().ok());
        let Some(list) = list else { return };
        let text = format!("{}\n\n{}\n", crate::i18n::t().chat_title, list.inner_text());
        let today = crate::dom::local_time(
            crate::dom::now(),
            Some("sv-SE"),
            &[("year", "numeric"), ("month", "2-digit"), ("day", "2-digit")],
        );
        crate::dom::download(&format!("conversation-{today}.txt"), &text);
    }

    /// The current session's token.
    pub(super) fn token(&self) -> Option<String> {
        self.conn.session.borrow().as_ref().map(|s| s.token.clone())
    }
}

/// `GET /api/v1/sites/{site}/presence`: agents online and business hours, if the edge says.
async fn presence(site: &SiteId) -> Option<site_presence::Response> {
    let json = fetch("GET", &format!("/api/v1/sites/{site}/presence"), None, None).await.ok()?;
    decode::presence(&json)
}
