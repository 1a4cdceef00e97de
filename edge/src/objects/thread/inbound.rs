//! A customer's message arriving on the line: recognised when the provider posts it again,
//! else stored in their conversation — the current one while it goes on, or a new one —
//! its words first, then each file (`media`); a file that cannot be kept becomes a note.

use switchboard_core::channels::thread;
use switchboard_protocol::api::conversation_create::Created;
use switchboard_protocol::channels::Thread;
use switchboard_protocol::contact::Contact;
use switchboard_protocol::{Author, ClientMessageId, ConversationId, ErrorCode, Seq, SiteId, VisitorId};

use super::calls::{Arrived, Open, Took};
use super::{media, Line, ThreadObject, KEEP_MS};
use crate::env;
use crate::error::{EdgeError, EdgeResult};
use crate::objects;
use crate::objects::conversation::calls::{ChannelMessage, ChannelReceipt, PostMessage, StartChannel};

impl ThreadObject {
    /// Stores the message once, in the conversation it belongs to: its words, then each of
    /// its files as a message of its own.
    pub(super) async fn arrived(&self, call: Arrived, now: i64) -> EdgeResult<Took> {
        let client_id = ClientMessageId::parse(&call.provider_id)
            .map_err(|_| EdgeError::refuse(ErrorCode::BadRequest, "MessageSid: not a message id"))?;
        let line = self.open_line(&call.site, &call.thread, &call.status_callback)?;
        let customer = Author::Visitor { id: line.visitor_id.clone(), name: call.profile_name.clone() };
        let post = || {
            (!call.text.trim().is_empty()).then(|| PostMessage {
                site: call.site.clone(),
                author: customer.clone(),
                client_id: client_id.clone(),
                text: call.text.clone(),
                internal: false,
                template: None,
                original: call.original.clone(),
            })
        };
        // A message that arrived before goes where it went then (the conversation answers
        // the stored one: its author and id are the same).
        let repeated = self.seen(&call.provider_id)?;
        let mut conversation = None;
        // An email goes on in the current conversation only when it belongs to its thread.
        let in_thread = match &call.email {
            Some(headers) => repeated || self.email_continues(headers)?,
            None => true,
        };
        if let Some(current) = line.conversation.as_ref().filter(|_| in_thread) {
            let mut handler = call.handler.clone();
            if repeated {
                handler.reopen_within_minutes = u32::MAX;
            }
            let went = ChannelMessage { site: call.site.clone(), handler, post: post() };
            if objects::send(&self.env, current, &went).await? {
                conversation = Some(current.clone());
            }
        }
        let conversation = match conversation {
            Some(conversation) => conversation,
            None => {
                let name = match call.profile_name.clone() {
                    Some(name) => Some(name),
                    None => self.messenger_name(&call.site, &call.thread, now).await,
                };
                let contact = thread::customer_contact(&call.thread, name);
                let first_step = thread::first_step(&call.handler);
                let first = match &call.email {
                    // A new email thread: its subject heads the conversation's first message.
                    Some(headers) => {
                        self.email_started(headers)?;
                        let subject = headers.subject.trim();
                        post().map(|post| PostMessage {
                            text: if subject.is_empty() {
                                post.text.clone()
                            } else {
                                format!("{subject}\n\n{}", post.text)
                            },
                            ..post
                        })
                    }
                    None => post(),
                };
                self.start(&line, &call.site, &call.thread, contact, first_step, first).await?.0
            }
        };
        if let Some(headers) = &call.email {
            self.email_remember(headers.message_id.as_deref())?;
        }
        for (n, media) in call.media.iter().enumerate() {
            let file = media::File {
                site: &call.site,
                customer: &customer,
                provider_id: &call.provider_id,
                n,
                media,
            };
            if let Err(why) = self.keep_file(&conversation, &file).await {
                let text = thread::file_not_kept(call.thread.channel, &why);
                let note = ChannelReceipt::note(Seq(0), text);
                objects::send(&self.env, &conversation, &note).await?;
            }
        }
        self.note_arrival(&call.provider_id, now)?;
        Ok(Took { conversation, repeated, customer })
    }

    /// The line, made on its first message either way; the status callback follows the
    /// latest request.
    pub(super) fn open_line(
        &self,
        site: &SiteId,
        thread: &Thread,
        status_callback: &str,
    ) -> EdgeResult<Line> {
        if let Some(line) = self.line()? {
            if line.status_callback.as_deref() != Some(status_callback) {
                self.sql.exec("UPDATE line SET status_callback = ?", vec![status_callback.into()])?;
            }
            return Ok(Line { status_callback: Some(status_callback.to_owned()), ..line });
        }
        self.tables.make();
        let visitor_id = VisitorId::from_random(env::random_bytes()?);
        let thread = serde_json::to_string(thread)?;
        self.sql.exec(
            "INSERT INTO line (only, site, thread, visitor_id, status_callback) VALUES (1, ?, ?, ?, ?)",
            vec![
                site.as_str().into(),
                thread.as_str().into(),
                visitor_id.as_str().into(),
                status_callback.into(),
            ],
        )?;
        Ok(Line {
            site: site.clone(),
            thread,
            visitor_id,
            conversation: None,
            status_callback: Some(status_callback.to_owned()),
        })
    }

    /// The team starts a conversation with this line's customer: a new one, made current.
    pub(super) async fn open(&self, call: Open) -> EdgeResult<Created> {
        let line = self.open_line(&call.site, &call.thread, &call.status_callback)?;
        let contact = thread::customer_contact(&call.thread, None);
        let (conversation, message) = self
            .start(&line, &call.site, &call.thread, contact, Some(call.outbound), Some(call.post))
            .await?;
        let message =
            message.ok_or_else(|| EdgeError::refuse(ErrorCode::Internal, "the message was not stored"))?;
        Ok(Created { conversation_id: conversation, message })
    }

    /// A new conversation on the line, made its current one: routed by `first_step` before
    /// `post` (if any) is stored. Answers it and the stored message.
    async fn start(
        &self,
        line: &Line,
        site: &SiteId,
        thread: &Thread,
        contact: Contact,
        first_step: Option<switchboard_core::flow::outbound::Outbound>,
        post: Option<PostMessage>,
    ) -> EdgeResult<(ConversationId, Option<switchboard_protocol::Message>)> {
        let conversation = ConversationId::from_random(env::random_bytes()?);
        let start = StartChannel {
            site: site.clone(),
            conversation: conversation.clone(),
            thread: thread.clone(),
            visitor: line.visitor_id.clone(),
            contact,
            first_step,
            post,
            customer_wrote_at: self.last_arrival()?,
        };
        let message = objects::send(&self.env, &conversation, &start).await?;
        self.sql.exec("UPDATE line SET conversation = ?", vec![conversation.as_str().into()])?;
        Ok((conversation, message))
    }

    fn seen(&self, provider_id: &str) -> EdgeResult<bool> {
        #[derive(serde::Deserialize)]
        struct Row {
            #[allow(dead_code)]
            at: i64,
        }
        let rows: Vec<Row> = self
            .sql
            .exec("SELECT at FROM arrived WHERE provider_id = ?", vec![provider_id.into()])?
            .to_array()?;
        Ok(!rows.is_empty())
    }

    /// Remembers the arrival (and forgets arrivals older than a provider retries).
    fn note_arrival(&self, provider_id: &str, now: i64) -> EdgeResult<()> {
        self.sql.exec(
            "INSERT OR IGNORE INTO arrived (provider_id, at) VALUES (?, ?)",
            vec![provider_id.into(), now.into()],
        )?;
        self.sql.exec("DELETE FROM arrived WHERE at < ?", vec![(now - KEEP_MS).into()])?;
        Ok(())
    }
}
