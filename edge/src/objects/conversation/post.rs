//! The Conversation object's side of REST writes: a posted message, stored through the same
//! core decision as a `send` frame (`core::conversation::store_message`), relayed to every
//! socket, told to the inbox and the flow — the visitor and the console cannot tell it from one
//! typed in the console; a conversation the team starts (outbound): made for the contact's
//! visitor, routed as asked, then its first message posted the same way; and an agent's
//! resolve, reopen or snooze, the same flow step as the console's buttons.

use switchboard_core::admission;
use switchboard_core::conversation::{self, AgentAction, Effect, LogStore, Post};
use switchboard_core::flow::input::Input;
use switchboard_core::rate::SendOrder;
use switchboard_protocol::api::conversation_messages::Posted;
use switchboard_protocol::{ApiError, Author, ErrorCode, Seq, ServerFrame};

use super::calls::{Act, Acted, EmailReply, PostMessage, StartOutbound};
use super::store::Meta;
use super::ConversationObject;
use crate::error::{EdgeError, EdgeResult};

impl ConversationObject {
    /// Stores the posted message (or finds it stored, for a repeat) and answers it.
    /// A reply by email: its visitor's message, posted like any other.
    pub(super) async fn email_reply(&self, call: EmailReply, now: i64) -> EdgeResult<Posted> {
        let meta = self.store.existing()?;
        if let Some(from) = &call.from {
            self.store.note_proven(from)?;
        }
        let author = Author::Visitor { id: meta.visitor_id, name: call.from_name };
        let post = PostMessage {
            site: call.site,
            author,
            client_id: call.client_id,
            text: call.text,
            internal: false,
            template: None,
            original: call.original,
        };
        self.post_message(post, now).await
    }

    pub(super) async fn post_message(&self, call: PostMessage, now: i64) -> EdgeResult<Posted> {
        let not_found = || EdgeError::refuse(ErrorCode::NotFound, "no such conversation");
        let meta = self.store.meta()?.filter(|meta| meta.site_id == call.site).ok_or_else(not_found)?;
        admission::may_join(meta.owner(), &call.site, &call.author)?;
        let PostMessage { author, client_id, text, internal, template, original, .. } = call;
        let text = match template {
            Some(_) if !text.trim().is_empty() => {
                let error = ApiError::new(ErrorCode::BadRequest, "send a text or a template, not both");
                return Err(EdgeError::Refused(error.at_field("template")));
            }
            Some(chosen) => self.template_text(&meta, &author, &client_id, internal, &chosen, now).await?,
            None => {
                self.may_write_freely(&meta, &author, internal, now).await?;
                text
            }
        };
        let steps = self.interceptors(now).await?;
        let outputs = {
            let mut limits = self.limits.borrow_mut();
            let limits =
                limits.entry(author.id_str().to_string()).or_insert_with(|| self.limits_for(&author, now));
            let post = Post { client_id, text, internal, original };
            conversation::store_message(
                &mut &self.store,
                &author,
                &mut SendOrder::default(),
                limits,
                post,
                &steps,
                now,
            )?
        };
        let (mut stored, mut inputs, mut acked) = (None, Vec::new(), None);
        for output in outputs {
            match output {
                Effect::Relay(relay) => self.relay_entry(&relay)?,
                Effect::Stored(message) => {
                    inputs.extend(self.after_stored(&meta, &author, &message, now)?);
                    stored = Some(message);
                }
                Effect::Reply(ServerFrame::Ack { seq, .. }) => acked = Some(seq),
                Effect::Reply(ServerFrame::Error { code, message, .. }) => {
                    return Err(EdgeError::refuse(code, message))
                }
                _ => {}
            }
        }
        if let Err(error) = self.follow_all(&meta, inputs, now).await {
            worker::console_error!("flow after a posted message: {error:?}");
        }
        let message = match (stored, acked) {
            (Some(message), _) => message,
            // A repeat: the message stored the first time.
            (None, Some(seq)) => {
                let mut store = &self.store;
                store.page_after(Seq(seq.0.saturating_sub(1)), 1)?.into_iter().next().ok_or_else(not_found)?
            }
            (None, None) => return Err(EdgeError::refuse(ErrorCode::Internal, "the message was not stored")),
        };
        Ok(Posted { message })
    }
}

impl ConversationObject {
    /// Makes the conversation for the contact's visitor, routes it as asked (a task now, or
    /// none until they answer), then posts its first message like any other.
    pub(super) async fn start_outbound(&self, call: StartOutbound, now: i64) -> EdgeResult<Posted> {
        if self.store.meta()?.is_some() {
            return Err(EdgeError::refuse(ErrorCode::Conflict, "the conversation exists"));
        }
        let meta = Meta {
            conversation_id: call.conversation,
            site_id: call.post.site.clone(),
            visitor_id: call.visitor,
            created_at: now,
            visitor_address: None,
            visitor_signed_out_at: None,
            thread: None,
            customer_wrote_at: None,
            edge_origin: None,
        };
        self.store.create(&meta)?;
        // Routed before the message: an agent's first words then take nothing over.
        self.advance(&meta, Input::Outbound(call.outbound), now).await?;
        self.post_message(call.post, now).await
    }

    /// An agent's resolve, reopen or snooze over REST: the same flow step as the console's.
    pub(super) async fn act(&self, call: Act, now: i64) -> EdgeResult<()> {
        let meta = self
            .store
            .meta()?
            .filter(|meta| meta.site_id == call.site)
            .ok_or_else(|| EdgeError::refuse(ErrorCode::NotFound, "no such conversation"))?;
        admission::may_join(meta.owner(), &call.site, &call.author)?;
        let action = match call.action {
            Acted::Resolve => AgentAction::Resolve,
            Acted::Reopen => AgentAction::Reopen,
            Acted::Snooze(until) => AgentAction::Snooze(until),
        };
        self.advance(&meta, Input::Action(action), now).await
    }
}
