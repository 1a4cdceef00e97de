//! The Conversation object's side of other channels (SMS, WhatsApp): a customer's message
//! arrives from their line's thread object — the first makes the conversation on their line,
//! later ones go on in it while `core::channels::thread::goes_on` says so — and is stored as
//! the visitor's, through the same path as any message (interceptors, the flow, the inbox,
//! webhooks). The team's words travel back: every stored entry core says the customer gets
//! ([`outgoing`]) is handed to the thread object, which sends it through the provider. What
//! the provider reports back arrives as a receipt: a read mark, or a private note that a
//! message never arrived.

use switchboard_core::channels::thread::{self, outgoing, Receipt};
use switchboard_core::channels::whatsapp;
use switchboard_core::conversation::{self, Effect, LogStore, Relay};
use switchboard_core::flow::input::Input;
use switchboard_protocol::channels::{Channel, TemplateUse};
use switchboard_protocol::{
    ApiError, Author, ClientFrame, ClientMessageId, ErrorCode, Message, Seq, ServerFrame, SiteId,
};

use super::calls::{ChannelMessage, ChannelReceipt, StartChannel};
use super::sockets::AGENT_TAG;
use super::store::Meta;
use super::ConversationObject;
use crate::error::{EdgeError, EdgeResult};
use crate::objects;
use crate::objects::thread::calls::{Content, Deliver};
use worker::WebSocket;

impl ConversationObject {
    /// Makes the conversation on the customer's line, routes it as the handler says, then
    /// stores their first message.
    pub(super) async fn start_channel(&self, call: StartChannel, now: i64) -> EdgeResult<Option<Message>> {
        if self.store.meta()?.is_some() {
            return Err(EdgeError::refuse(ErrorCode::Conflict, "the conversation exists"));
        }
        let meta = Meta {
            conversation_id: call.conversation,
            site_id: call.site.clone(),
            visitor_id: call.visitor,
            created_at: now,
            visitor_address: None,
            visitor_signed_out_at: None,
            thread: Some(serde_json::to_string(&call.thread)?),
            customer_wrote_at: call.customer_wrote_at,
            edge_origin: None,
        };
        if let Some(post) = call.post.as_ref().filter(|post| post.template.is_none()) {
            // The team writing first outside the line's window: refused before anything exists.
            self.may_write_freely(&meta, &post.author, post.internal, now).await?;
        }
        self.store.create(&meta)?;
        self.store.set_contact(&call.contact)?;
        if let Some(step) = call.first_step {
            self.advance(&meta, Input::Outbound(step), now).await?;
        }
        match call.post {
            Some(post) => Ok(Some(self.post_message(post, now).await?.message)),
            None => Ok(None),
        }
    }

    /// Stores the customer's next message, unless their conversation ended too long ago.
    pub(super) async fn channel_message(&self, call: ChannelMessage, now: i64) -> EdgeResult<bool> {
        let meta = self.on_a_line(&call.site)?;
        let state = self.store.lifecycle()?.state;
        let mut store = &self.store;
        let head = store.head()?;
        let last = store.page_after(Seq(head.0.saturating_sub(1)), 1)?.first().map(|entry| entry.sent_at);
        if !thread::goes_on(state, last.unwrap_or(meta.created_at), &call.handler, now) {
            return Ok(false);
        }
        if let Some(post) = call.post {
            self.post_message(post, now).await?;
        }
        Ok(true)
    }

    /// What the provider said of one of the team's messages.
    pub(super) fn channel_receipt(&self, call: ChannelReceipt, now: i64) -> EdgeResult<()> {
        let meta = self.store.existing()?;
        if let Some(status) = call.status {
            // The agents' ticks; the customer never sees the provider's word.
            for seq in self.store.advance_deliveries(call.seq, status, call.through)? {
                self.relay_to_agents(&ServerFrame::Delivery { seq, delivery: status })?;
            }
        }
        match call.receipt {
            Receipt::Nothing => {}
            Receipt::Read => {
                let customer = Author::Visitor { id: meta.visitor_id.clone(), name: None };
                for effect in conversation::read(&mut &self.store, &customer, call.seq)? {
                    if let Effect::Everyone(frame) = effect {
                        self.relay(&frame, None)?;
                    }
                }
            }
            Receipt::NotDelivered(text) => {
                let mut store = &self.store;
                let note = thread::note(store.head()?.next(), text, now);
                store.append(&note)?;
                self.relay_entry(&Relay::of(note.clone()))?;
                self.tell_site(&meta, &self.store.lifecycle()?, &note, now);
            }
        }
        Ok(())
    }

    /// A frame for the agents' sockets only.
    fn relay_to_agents(&self, frame: &ServerFrame) -> EdgeResult<()> {
        objects::broadcast(self.state.get_websockets_with_tag(AGENT_TAG), &serde_json::to_string(frame)?);
        Ok(())
    }

    /// After an agent's replay: the newest provider statuses (their ticks after a reload).
    pub(super) fn tell_deliveries(&self, ws: &WebSocket) -> EdgeResult<()> {
        for (seq, delivery) in self.store.newest_deliveries()? {
            objects::send_frame(ws, &ServerFrame::Delivery { seq, delivery });
        }
        Ok(())
    }

    /// Whether a socket's `send` may be stored: WhatsApp's and Messenger's windows refuse it
    /// here, with the reason, before anything is stored.
    pub(super) async fn may_send(&self, author: &Author, frame: &ClientFrame, now: i64) -> EdgeResult<()> {
        let ClientFrame::Send { internal, .. } = frame else { return Ok(()) };
        let meta = self.store.existing()?;
        self.may_write_freely(&meta, author, *internal, now).await
    }

    /// Whether the team may write freely to the customer now: always but on WhatsApp and
    /// Messenger more than 24 hours after the customer's last message (`core::channels::
    /// whatsapp::free_reply`) — on Messenger 7 days for people when the page has Meta's Human
    /// Agent feature (read from the site's settings as they are now). Private notes and the
    /// customer's own words always may.
    pub(super) async fn may_write_freely(
        &self,
        meta: &Meta,
        author: &Author,
        internal: bool,
        now: i64,
    ) -> EdgeResult<()> {
        let Some(line) = meta.thread() else { return Ok(()) };
        if !whatsapp::bound_by_window(line.channel, author, internal) {
            return Ok(());
        }
        // Their last message here, or on their line before this conversation began.
        let last = self.store.last_written_by(meta.visitor_id.as_str())?.max(meta.customer_wrote_at);
        let page_has_feature = match line.channel {
            Channel::Messenger => {
                let page =
                    crate::objects::thread::messenger_page(&self.env, &meta.site_id, &line.ours, now).await?;
                page.is_some_and(|page| page.human_agent)
            }
            _ => false,
        };
        let human_agent = whatsapp::as_human_agent(author, page_has_feature);
        let window = crate::objects::thread::reply_window(&self.env);
        Ok(whatsapp::free_reply(line.channel, last, window, human_agent, now)?)
    }

    /// The text of a message made from one of the number's templates (and the template noted
    /// for the line, which sends it as the provider's template).
    pub(super) async fn template_text(
        &self,
        meta: &Meta,
        author: &Author,
        client_id: &ClientMessageId,
        internal: bool,
        chosen: &TemplateUse,
        now: i64,
    ) -> EdgeResult<String> {
        let refuse =
            |why: &str| EdgeError::Refused(ApiError::new(ErrorCode::BadRequest, why).at_field("template"));
        let line = meta.thread().filter(|line| line.channel == Channel::Whatsapp);
        let Some(line) = line else { return Err(refuse("templates are for WhatsApp conversations")) };
        if internal || !matches!(author, Author::Agent { .. } | Author::Bot { .. }) {
            return Err(refuse("a template goes to the customer: not a private note"));
        }
        let identities =
            crate::site_cache::part(&self.env, &meta.site_id, now, |c| c.channels.clone()).await?;
        let templates = thread::identity(&identities, line.channel, &line.ours)
            .map(|identity| identity.templates.as_slice())
            .unwrap_or_default();
        let (text, template) = whatsapp::fill(templates, chosen)?;
        let content =
            template.content_sid.clone().map(|sid| Content { sid, variables: chosen.variables.clone() });
        self.template_sent.replace(content.map(|content| (client_id.clone(), content)));
        Ok(text)
    }

    /// The conversation of `site` on a customer's line, or `not_found`.
    fn on_a_line(&self, site: &SiteId) -> EdgeResult<Meta> {
        self.store
            .meta()?
            .filter(|meta| &meta.site_id == site && meta.thread.is_some())
            .ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))
    }

    /// Hands `frame`'s entry to the customer's line when it is one they get.
    pub(super) fn emit_channel(&self, frame: &ServerFrame) {
        let ServerFrame::Message { message } = frame else { return };
        let Ok(Some(meta)) = self.store.meta() else { return };
        let Some(line) = meta.thread() else { return };
        let out = outgoing(line.channel, message);
        if out.is_empty() {
            return;
        }
        let content = self
            .template_sent
            .take()
            .filter(|(client_id, _)| client_id == &message.client_id)
            .map(|(_, content)| content);
        let deliver = Deliver {
            conversation: meta.conversation_id.clone(),
            seq: message.seq,
            texts: out.texts,
            content,
            file: out.file,
            quick_replies: out.quick_replies,
            by_person: out.by_person,
        };
        // Kept until the line takes it (`line_outbox`); sent at `sent_at`, which is now.
        if let Err(error) = self.send_to_line(meta.site_id, line, deliver, message.sent_at) {
            worker::console_error!("reply seq {} for the line: {error:?}", message.seq.0);
        }
    }
}
