//! A customer's message arriving on the line: recognised when the provider posts it again,
//! else stored in their conversation — the current one while it goes on, or a new one.

use switchboard_core::channels::thread;
use switchboard_protocol::api::conversation_messages::Posted;
use switchboard_protocol::contact::Contact;
use switchboard_protocol::{Author, ClientMessageId, ConversationId, ErrorCode, VisitorId};

use super::calls::{Arrived, Took};
use super::{Line, ThreadObject, KEEP_MS};
use crate::env;
use crate::error::{EdgeError, EdgeResult};
use crate::objects;
use crate::objects::conversation::calls::{ChannelMessage, PostMessage, StartChannel};

impl ThreadObject {
    /// Stores the message once, in the conversation it belongs to.
    pub(super) async fn arrived(&self, call: Arrived, now: i64) -> EdgeResult<Took> {
        let client_id = ClientMessageId::parse(&call.provider_id)
            .map_err(|_| EdgeError::refuse(ErrorCode::BadRequest, "MessageSid: not a message id"))?;
        let line = self.open_line(&call)?;
        let customer = Author::Visitor { id: line.visitor_id.clone(), name: call.profile_name.clone() };
        let post = || PostMessage {
            site: call.site.clone(),
            author: customer.clone(),
            client_id: client_id.clone(),
            text: call.text.clone(),
            internal: false,
        };
        // A message that arrived before goes where it went then (the conversation answers
        // the stored one: its author and id are the same).
        let repeated = self.seen(&call.provider_id)?;
        if let Some(conversation) = &line.conversation {
            let mut handler = call.handler.clone();
            if repeated {
                handler.reopen_within_minutes = u32::MAX;
            }
            let went = ChannelMessage { handler, post: post() };
            if let Some(Posted { message }) = objects::send(&self.env, conversation, &went).await? {
                self.note_arrival(&call.provider_id, now)?;
                return Ok(Took { conversation: conversation.clone(), seq: message.seq, repeated });
            }
        }
        let conversation = ConversationId::from_random(env::random_bytes()?);
        let start = StartChannel {
            conversation: conversation.clone(),
            thread: call.thread.clone(),
            visitor: line.visitor_id.clone(),
            contact: contact(&call),
            first_step: thread::first_step(&call.handler),
            post: post(),
        };
        let Posted { message } = objects::send(&self.env, &conversation, &start).await?;
        self.sql.exec("UPDATE line SET conversation = ?", vec![conversation.as_str().into()])?;
        self.note_arrival(&call.provider_id, now)?;
        Ok(Took { conversation, seq: message.seq, repeated })
    }

    /// The line, made on its first message; the status callback follows the latest request.
    fn open_line(&self, call: &Arrived) -> EdgeResult<Line> {
        if let Some(line) = self.line()? {
            if line.status_callback.as_deref() != Some(call.status_callback.as_str()) {
                self.sql.exec(
                    "UPDATE line SET status_callback = ?",
                    vec![call.status_callback.as_str().into()],
                )?;
            }
            return Ok(Line { status_callback: Some(call.status_callback.clone()), ..line });
        }
        self.tables.make();
        let visitor_id = VisitorId::from_random(env::random_bytes()?);
        let thread = serde_json::to_string(&call.thread)?;
        self.sql.exec(
            "INSERT INTO line (only, site, thread, visitor_id, status_callback) VALUES (1, ?, ?, ?, ?)",
            vec![
                call.site.as_str().into(),
                thread.as_str().into(),
                visitor_id.as_str().into(),
                call.status_callback.as_str().into(),
            ],
        )?;
        Ok(Line {
            thread,
            visitor_id,
            conversation: None,
            status_callback: Some(call.status_callback.clone()),
        })
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

/// What a new conversation knows of the customer: their number, and the name they set.
fn contact(call: &Arrived) -> Contact {
    let mut contact = Contact { name: call.profile_name.clone(), ..Contact::default() };
    contact.attributes.insert("phone".into(), call.thread.theirs.clone());
    contact.attributes.insert("channel".into(), call.thread.channel.label().into());
    contact
}
