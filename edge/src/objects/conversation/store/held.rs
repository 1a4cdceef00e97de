//! A widget's new conversation, held in memory until someone writes in it.
//!
//! Every page that shows the widget opens a conversation (a socket, the bot's greeting), and
//! most visitors never write. Making a SQLite database for each — its files created and
//! synced before anyone speaks — was most of what a connect cost (`docs/benchmarks.md`,
//! "Connects"). So the meta, the greeting and the page context stay in memory, and the first
//! write of any kind (a message, a read mark, a routing step, a verified identity or pre-chat
//! answers) writes them first, in order. An object evicted before then forgets them; the
//! visitor's next frame rebuilds the meta and greeting from its socket (`sockets.rs`), under
//! the same sequence numbers, while the page context waits for the widget's next `hello`.
//! Nothing of a held conversation reaches webhooks or the site.

use switchboard_core::flow::lifecycle::Lifecycle;
use switchboard_protocol::{Message, Seq};

use super::{ConversationStore, Meta};
use crate::error::{EdgeError, EdgeResult};

/// What is held of a conversation not yet written.
#[derive(Default)]
pub(crate) struct Held {
    /// The greeting's entries, in order.
    entries: Vec<Message>,
    /// The greeting is being made: its entries and lifecycle are held, not written.
    greeting: bool,
    /// The visitor's page context arrived (the contact is in the store's cache).
    contact: bool,
    /// The proactive message the visitor answered, which opens the conversation instead of
    /// the greeting (`core::proactive`).
    proactive: Option<String>,
}

impl ConversationStore {
    /// Holds a new conversation in memory, opened by the `proactive` message the visitor
    /// answered or else by the greeting; either, made next, is held with it (until
    /// [`Self::greeted`]).
    pub fn hold(&self, meta: &Meta, proactive: Option<String>) {
        self.held.replace(Some(Held { greeting: true, proactive, ..Held::default() }));
        self.meta.replace(Some(meta.clone()));
    }

    /// The greeting is made: any write from now on writes the held conversation first.
    pub fn greeted(&self) {
        if let Some(held) = self.held.borrow_mut().as_mut() {
            held.greeting = false;
        }
    }

    /// Writes the held conversation now (what the visitor claimed about themselves is kept).
    pub fn write_held(&self) -> EdgeResult<()> {
        if self.is_held() {
            self.materialise()?;
        }
        Ok(())
    }

    /// Whether the conversation is held in memory, nothing of it written yet.
    pub fn is_held(&self) -> bool {
        self.held.borrow().is_some()
    }

    /// The proactive message that opens the held conversation, if a visitor answered one.
    pub fn held_proactive(&self) -> Option<String> {
        self.held.borrow().as_ref().and_then(|held| held.proactive.clone())
    }

    /// Whether the held conversation's greeting is being made.
    pub(super) fn greeting(&self) -> bool {
        self.held.borrow().as_ref().is_some_and(|held| held.greeting)
    }

    /// Holds `message` when it is part of the greeting being made.
    pub(super) fn hold_entry(&self, message: &Message) -> bool {
        match self.held.borrow_mut().as_mut() {
            Some(held) if held.greeting => {
                held.entries.push(message.clone());
                true
            }
            _ => false,
        }
    }

    /// Holds the visitor's contact while the conversation is held.
    pub(super) fn hold_contact(&self) -> bool {
        match self.held.borrow_mut().as_mut() {
            Some(held) => {
                held.contact = true;
                true
            }
            None => false,
        }
    }

    /// The held entries after `seq`, while the conversation is held.
    pub(super) fn held_after(&self, seq: Seq, limit: usize) -> Option<Vec<Message>> {
        let held = self.held.borrow();
        let entries = &held.as_ref()?.entries;
        Some(entries.iter().filter(|entry| entry.seq > seq).take(limit).cloned().collect())
    }

    /// Makes the tables and writes the held conversation — meta, greeting, contact and
    /// lifecycle — before the first write of its own.
    pub(super) fn materialise(&self) -> EdgeResult<()> {
        self.tables.make();
        let Some(held) = self.held.take() else { return Ok(()) };
        let meta = self.meta.borrow().clone();
        let meta = meta.ok_or_else(|| {
            EdgeError::refuse(switchboard_protocol::ErrorCode::Internal, "held without meta")
        })?;
        self.write_meta(&meta)?;
        for entry in &held.entries {
            self.insert(entry)?;
        }
        if held.contact {
            if let Some(contact) = self.contact.borrow().as_ref() {
                self.write_contact(contact)?;
            }
        }
        if let Some(lifecycle) =
            self.lifecycle.borrow().as_ref().filter(|life| **life != Lifecycle::default())
        {
            self.write_lifecycle(lifecycle)?;
        }
        Ok(())
    }
}
