//! The Conversation object's participants: admitting a socket the worker authenticated (the
//! visitor's first connection creates the conversation; agents join existing ones of their
//! site, and the site learns of their sockets so ending a session closes them), closing
//! agents' sockets whose session ended, and telling the site when an agent's last socket
//! here closed. Sockets are tagged with their author's id and role.

use switchboard_core::admission::{self, Admission};
use switchboard_core::conversation::LogStore;
use switchboard_core::flow::input::Input;
use switchboard_core::proactive;
use switchboard_protocol::Author;
use worker::{Response, WebSocket};

use super::calls::Connect;
use super::store::Meta;
use super::{Attachment, ConversationObject, HeldConversation};
use crate::error::EdgeResult;
use crate::objects::site::calls::AgentSocket;
use crate::objects::{accept_socket, attachment_of};
use crate::{env, objects, site_cache};

impl ConversationObject {
    /// Admits a participant the worker authenticated. The visitor's first connection creates
    /// the conversation; agents may only join existing conversations of their own site.
    pub(super) async fn admit(
        &self,
        Connect { conversation: conversation_id, participant, edge_origin, proactive }: Connect,
        now: i64,
    ) -> EdgeResult<Response> {
        let meta = self.store.meta()?;
        let admission =
            admission::admit(meta.as_ref().map(Meta::owner), &participant.site, &participant.author)?;
        let tag = participant.author.id_str().to_string();
        let tag = tag.as_str();
        admission::may_open_socket(self.state.get_websockets_with_tag(tag).len())?;
        if let (Admission::Create, Author::Visitor { id, .. }) = (admission, &participant.author) {
            let meta = Meta {
                conversation_id,
                site_id: participant.site.clone(),
                visitor_id: id.clone(),
                created_at: now,
                visitor_address: participant.client.address.clone(),
                visitor_signed_out_at: None,
                thread: None,
                customer_wrote_at: None,
                edge_origin,
            };
            self.open_held(&meta, proactive, now).await;
        }
        if let (Author::Agent { id, .. }, Some(meta)) = (&participant.author, self.store.meta()?) {
            // The site learns of the agent's socket, so ending the agent's session closes it.
            let call = AgentSocket { agent: id.clone(), conversation: meta.conversation_id, open: true };
            objects::send(&self.env, &meta.site_id, &call).await?;
            self.session_ends.accepted(participant.expires_at);
        }
        // While nothing is written, the visitor's sockets carry what rebuilds the conversation.
        let held = match (self.store.is_held(), self.store.meta()?) {
            (true, Some(meta)) if matches!(participant.author, Author::Visitor { .. }) => {
                Some(HeldConversation {
                    conversation: meta.conversation_id,
                    created_at: meta.created_at,
                    edge_origin: meta.edge_origin,
                    proactive: self.store.held_proactive(),
                })
            }
            _ => None,
        };
        let attachment = Attachment { socket: u32::from_le_bytes(env::random_bytes()?), participant, held };
        let role = role_tag(&attachment.participant.author);
        let (_socket, response) = accept_socket(&self.state, &attachment, &[tag, role])?;
        Ok(response)
    }

    /// Holds a new conversation in memory with its greeting (or the `proactive` message the
    /// visitor answered): nothing is written until someone writes in it (`store/held.rs`).
    async fn open_held(&self, meta: &Meta, proactive: Option<String>, now: i64) {
        self.store.hold(meta, proactive);
        self.greet(meta, now).await;
    }

    /// Makes the held conversation's first entries (replayed on the visitor's hello): the
    /// proactive message the visitor answered, when the site still has it; else the greeting.
    pub(super) async fn greet(&self, meta: &Meta, now: i64) {
        let opened = match self.store.held_proactive() {
            Some(name) => self.open_with_proactive(meta, &name, now).await,
            None => Ok(false),
        };
        let greeted = match opened {
            Ok(true) => Ok(()),
            Ok(false) => self.advance(meta, Input::Started, now).await,
            Err(error) => Err(error),
        };
        if let Err(error) = greeted {
            worker::console_error!("greeting for {}: {error:?}", meta.conversation_id);
        }
        self.store.greeted();
    }

    /// Opens the conversation with the proactive message `name`, from its sender; `false`
    /// when the site has no such message (any more).
    async fn open_with_proactive(&self, meta: &Meta, name: &str, now: i64) -> EdgeResult<bool> {
        let mut store = &self.store;
        let seq = store.head()?.next();
        let opening = site_cache::part(&self.env, &meta.site_id, now, |config| {
            let message = proactive::answered(&config.proactive_messages, name)?;
            let first = proactive::first_message(message, &config.flow.bot.name, seq, now);
            Some((first, proactive::sender_agent(message)))
        })
        .await?;
        let Some((first, sender)) = opening else { return Ok(false) };
        // Held with the greeting's other state: nothing is written yet.
        let mut life = self.store.lifecycle()?;
        life.invited_by = sender;
        self.store.set_lifecycle(&life)?;
        self.post_built(meta, &life, first, now)?;
        Ok(true)
    }

    /// A held conversation forgotten when the object was evicted is held again from the
    /// visitor socket whose frame woke it, before anything looks at it; its greeting is made
    /// again (under the same sequence numbers) in that frame's turn, with [`Self::greet`].
    pub(super) fn revive(&self, attachment: &Attachment) -> EdgeResult<Option<Meta>> {
        let (Some(held), Author::Visitor { id, .. }) = (&attachment.held, &attachment.participant.author)
        else {
            return Ok(None);
        };
        if self.store.meta()?.is_some() {
            return Ok(None);
        }
        let meta = Meta {
            conversation_id: held.conversation.clone(),
            site_id: attachment.participant.site.clone(),
            visitor_id: id.clone(),
            created_at: held.created_at,
            visitor_address: attachment.participant.client.address.clone(),
            visitor_signed_out_at: None,
            thread: None,
            customer_wrote_at: None,
            edge_origin: held.edge_origin.clone(),
        };
        self.store.hold(&meta, held.proactive.clone());
        Ok(Some(meta))
    }

    /// Closes agents' sockets whose session ended by `now`.
    pub(super) fn close_ended_sessions(&self, now: i64) {
        self.session_ends.close_ended(&self.state, now, |socket| {
            attachment_of::<Attachment>(socket).map(|a| a.participant)
        });
    }

    /// An agent's socket closed: when it was the agent's last here, the site forgets it.
    pub(super) async fn agent_left(&self, closing: &WebSocket) -> EdgeResult<()> {
        let Some(Attachment { participant, socket, .. }) = attachment_of::<Attachment>(closing) else {
            return Ok(());
        };
        let (Author::Agent { id, .. }, Some(meta)) = (&participant.author, self.store.meta()?) else {
            return Ok(());
        };
        let others = self
            .state
            .get_websockets_with_tag(id.as_str())
            .iter()
            .any(|other| attachment_of::<Attachment>(other).is_some_and(|a| a.socket != socket));
        if !others {
            let call = AgentSocket { agent: id.clone(), conversation: meta.conversation_id, open: false };
            objects::send(&self.env, &meta.site_id, &call).await?;
        }
        Ok(())
    }
}

/// Tags of visitors' and agents' sockets (internal entries go whole only to agents).
pub(super) const VISITOR_TAG: &str = "role:visitor";
pub(super) const AGENT_TAG: &str = "role:agent";

fn role_tag(author: &Author) -> &'static str {
    match author {
        Author::Visitor { .. } => VISITOR_TAG,
        _ => AGENT_TAG,
    }
}
