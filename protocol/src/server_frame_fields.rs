//! The wire form of [`ServerFrame`] as one flat struct, so decoding needs no buffering.
//!
//! Every frame is an object with a `type` and some of these fields; which ones each type
//! needs is checked when converting. The one name two frame types use differently, `message`
//! (a stored message in `message` frames, a sentence in `error` frames), decodes into
//! [`MessageField`], which looks at the JSON value's kind.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::api::create_session;
use crate::channels::DeliveryStatus;
use crate::error::ErrorCode;
use crate::frames::{ReadMark, SendRate, ServerFrame};
use crate::ids::{ClientMessageId, ConversationId, Seq};
use crate::message::{Author, Message};
use crate::routing::ConversationState;

/// Which frame it is.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Welcome,
    History,
    Message,
    Ack,
    Error,
    Read,
    Typing,
    Pong,
    Status,
    Delivery,
}

/// All fields any server frame has.
#[derive(Deserialize)]
pub(crate) struct ServerFrameFields {
    #[serde(rename = "type")]
    kind: Kind,
    conversation_id: Option<ConversationId>,
    you: Option<Author>,
    head_seq: Option<Seq>,
    reads: Option<Vec<ReadMark>>,
    session: Option<create_session::Response>,
    send_rate: Option<SendRate>,
    reader: Option<Author>,
    up_to: Option<Seq>,
    author: Option<Author>,
    active: Option<bool>,
    messages: Option<Vec<Message>>,
    complete: Option<bool>,
    message: Option<MessageField>,
    client_id: Option<ClientMessageId>,
    seq: Option<Seq>,
    code: Option<ErrorCode>,
    retry_after_ms: Option<u32>,
    state: Option<ConversationState>,
    position: Option<u32>,
    wait_ms: Option<i64>,
    delivery: Option<DeliveryStatus>,
}

/// `message`: an object (a stored message) or a string (an error's sentence).
enum MessageField {
    Stored(Box<Message>),
    Text(String),
}

impl<'de> Deserialize<'de> for MessageField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = MessageField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a message object or a string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<MessageField, E> {
                Ok(MessageField::Text(text.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MessageField, A::Error> {
                let message = Message::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(MessageField::Stored(Box::new(message)))
            }
        }
        deserializer.deserialize_any(FieldVisitor)
    }
}

impl TryFrom<ServerFrameFields> for ServerFrame {
    type Error = String;

    fn try_from(f: ServerFrameFields) -> Result<Self, String> {
        fn need<T>(value: Option<T>, frame: &str, field: &str) -> Result<T, String> {
            value.ok_or_else(|| format!("a {frame} frame needs {field}"))
        }
        Ok(match f.kind {
            Kind::Welcome => ServerFrame::Welcome {
                conversation_id: need(f.conversation_id, "welcome", "conversation_id")?,
                you: need(f.you, "welcome", "you")?,
                head_seq: need(f.head_seq, "welcome", "head_seq")?,
                reads: f.reads.unwrap_or_default(),
                session: f.session,
                send_rate: f.send_rate,
            },
            Kind::History => ServerFrame::History {
                messages: need(f.messages, "history", "messages")?,
                complete: need(f.complete, "history", "complete")?,
            },
            Kind::Message => match f.message {
                Some(MessageField::Stored(message)) => ServerFrame::Message { message: *message },
                _ => return Err("a message frame needs a message object".into()),
            },
            Kind::Ack => ServerFrame::Ack {
                client_id: need(f.client_id, "ack", "client_id")?,
                seq: need(f.seq, "ack", "seq")?,
            },
            Kind::Error => match f.message {
                Some(MessageField::Text(message)) => ServerFrame::Error {
                    code: need(f.code, "error", "code")?,
                    message,
                    client_id: f.client_id,
                    retry_after_ms: f.retry_after_ms,
                },
                _ => return Err("an error frame needs a message string".into()),
            },
            Kind::Read => ServerFrame::Read {
                reader: need(f.reader, "read", "reader")?,
                up_to: need(f.up_to, "read", "up_to")?,
            },
            Kind::Typing => ServerFrame::Typing {
                author: need(f.author, "typing", "author")?,
                active: need(f.active, "typing", "active")?,
            },
            Kind::Pong => ServerFrame::Pong,
            Kind::Status => ServerFrame::Status {
                state: need(f.state, "status", "state")?,
                position: f.position,
                wait_ms: f.wait_ms,
            },
            Kind::Delivery => ServerFrame::Delivery {
                seq: need(f.seq, "delivery", "seq")?,
                delivery: need(f.delivery, "delivery", "delivery")?,
            },
        })
    }
}
