//! The conversation socket: `GET /api/v1/conversations/{id}/live` (WebSocket).
//!
//! Frames are JSON text, tagged by `type`. Every frame a client sends is a [`ClientFrame`];
//! every frame the edge sends is a [`ServerFrame`]. A frame the edge cannot understand gets an
//! `error` frame back and the socket stays open.

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::ids::{ClientMessageId, ConversationId, Seq};
use crate::message::{Author, Message};
use crate::routing::ConversationState;

/// How fast the edge stores one participant's new messages (a token bucket): `burst` at
/// once, then `per_second`. Resends of stored messages cost nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRate {
    /// Sustained messages per second.
    pub per_second: u32,
    /// Messages that may go at once after a quiet spell.
    pub burst: u32,
}

/// A frame from a client (widget, console or API client) to the edge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Says where the client's copy of the log ends; the edge answers with `welcome` and then
    /// replays every message after `last_seq` in `history` frames. Send it first on every
    /// (re)connect.
    Hello {
        /// The highest `seq` the client holds; `0` when it holds nothing.
        last_seq: Seq,
    },
    /// Posts a message. Idempotent by `client_id`: a resend is acknowledged again with the
    /// original `seq` and never stored twice.
    Send {
        /// Client-generated id (UUID/ULID), unique per author.
        client_id: ClientMessageId,
        /// The message text: 1 to 4,000 characters, not only whitespace.
        text: String,
        /// Agents only: a private note for the team. It is stored in the log like any message
        /// (`internal: true`) but visitors only ever receive a content-free placeholder.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        internal: bool,
    },
    /// The client's user has seen every message up to `up_to`. Marks only move forward; the
    /// edge stores the mark and tells every participant (`read`).
    Read {
        /// The highest `seq` shown to the user.
        up_to: Seq,
    },
    /// The user started (`true`) or stopped (`false`) typing. Clients repeat `true` at most
    /// every [`crate::limits::TYPING_REPEAT_MS`] while typing; the edge relays it to the other
    /// participants, who drop it after [`crate::limits::TYPING_EXPIRY_MS`] without a repeat.
    Typing {
        /// Whether the user is typing.
        active: bool,
    },
    /// Keeps intermediaries from closing an idle socket; answered with `pong`.
    Ping,
    /// Agents only: the conversation is done. The visitor's next message reopens it.
    Resolve,
    /// Agents only: put the conversation aside until `until` (ms since the Unix epoch) or the
    /// visitor's next message, whichever comes first.
    Snooze {
        /// When it comes back.
        until: i64,
    },
    /// Agents only: reopen a resolved or snoozed conversation (back to its queue).
    Reopen,
    /// Visitors only: where the visitor is (page, referrer, language), for the agents'
    /// contact panel. Sent after `hello` on each connect; unknown fields are ignored.
    Context {
        /// What the widget knows.
        context: crate::contact::VisitorContext,
    },
    /// Visitors only: who the site says the visitor is (`identify` on the host page), checked
    /// against the site's identity secret. Refused with `forbidden` when the hash is wrong;
    /// accepted, the contact panel shows the visitor as verified.
    Identify {
        /// The site's claim and its proof.
        identity: crate::contact::Identity,
    },
    /// Visitors only: the pre-chat form's answers, checked against the site's form (each
    /// field's kind, required ones filled, no others) before they reach the contact.
    Details {
        /// Field name → answer.
        fields: std::collections::BTreeMap<String, String>,
    },
    /// Visitors only: how they rate the help they got, once the conversation is resolved
    /// (once per resolution; `conflict` otherwise). Stored as a `rated` event in the log.
    Rate {
        /// 1 (bad) to 5 (great).
        score: u8,
        /// Up to [`crate::limits::MAX_RATING_COMMENT_CHARS`] characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
}

/// How far one participant has read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadMark {
    /// Who read.
    pub reader: Author,
    /// The highest `seq` they have seen.
    pub up_to: Seq,
}

/// A frame from the edge to a client.
///
/// Deserialised through a flat struct ([`crate::server_frame_fields`]) instead of serde's
/// internally tagged enum support, which buffers every frame and duplicates the decoding code
/// in the widget's size-budgeted wasm. The JSON is the same either way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "crate::server_frame_fields::ServerFrameFields")]
pub enum ServerFrame {
    /// Answer to `hello`: which conversation this is, who the client is in it, and the
    /// highest `seq` stored right now.
    Welcome {
        /// The conversation this socket is joined to.
        conversation_id: ConversationId,
        /// The identity the edge knows this client by; its own messages carry this author.
        you: Author,
        /// The highest `seq` in the log when the client said hello (`0` if empty).
        head_seq: Seq,
        /// How far every participant has read, as stored (for "read" marks after a reconnect).
        #[serde(default)]
        reads: Vec<ReadMark>,
        /// Visitors only: a fresh session token for this conversation, replacing the one the
        /// socket was opened with (sessions slide: 30 days from the last visit).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<crate::api::create_session::Response>,
        /// How fast the edge takes this participant's new messages: pace a backlog by it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        send_rate: Option<SendRate>,
    },
    /// A page of the replay after `hello`, oldest first. `complete` is true on the last page
    /// (also when there was nothing to replay): from then on only live frames follow.
    History {
        /// Messages after the client's `last_seq`, in `seq` order.
        messages: Vec<Message>,
        /// Whether this is the last page of the replay.
        complete: bool,
    },
    /// A message was stored (sent by anyone, including this client). Live, in `seq` order.
    Message {
        /// The stored message.
        message: Message,
    },
    /// The client's `send` is durably stored under `seq`. Sent only to the sending socket.
    Ack {
        /// The `client_id` of the acknowledged `send`.
        client_id: ClientMessageId,
        /// Where it was stored.
        seq: Seq,
    },
    /// A frame was refused. The socket stays open unless the code says the session ended
    /// (`unauthorized`).
    Error {
        /// Machine-readable reason.
        code: ErrorCode,
        /// Human-readable explanation.
        message: String,
        /// The `client_id` of the refused `send`, when the refused frame was one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<ClientMessageId>,
        /// For `rate_limited`: resend the refused `send` after this many milliseconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u32>,
    },
    /// A participant read up to a `seq` (sent to every participant, the reader included).
    Read {
        /// Who read.
        reader: Author,
        /// The highest `seq` they have seen.
        up_to: Seq,
    },
    /// Another participant started or stopped typing. Treat `active: true` as over after
    /// [`crate::limits::TYPING_EXPIRY_MS`] unless it is repeated.
    Typing {
        /// Who is typing.
        author: Author,
        /// Whether they are typing.
        active: bool,
    },
    /// Answer to `ping`.
    Pong,
    /// Where the conversation stands: sent after `welcome` and whenever it changes (for a
    /// visitor waiting in a queue, whenever its place changes).
    Status {
        /// The conversation's state.
        state: ConversationState,
        /// While queued: the visitor's place in line (1 = next).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        position: Option<u32>,
        /// While queued: about how long until an agent answers, in milliseconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wait_ms: Option<i64>,
    },
    /// Agents only, on a provider's channel (SMS, WhatsApp, Messenger): how far one of the
    /// team's messages has come, as the provider last said. Sent when it changes, and after
    /// a hello's replay for the newest messages that have a status.
    Delivery {
        /// The message.
        seq: Seq,
        /// `queued`, `sent`, `delivered`, `read` or `failed`.
        delivery: crate::channels::DeliveryStatus,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_frames_have_the_documented_shape() {
        let frame: ClientFrame =
            serde_json::from_str(r#"{"type":"send","client_id":"m-1","text":"hi"}"#).unwrap();
        assert_eq!(
            frame,
            ClientFrame::Send {
                client_id: ClientMessageId::parse("m-1").unwrap(),
                text: "hi".into(),
                internal: false
            }
        );
        let hello: ClientFrame = serde_json::from_str(r#"{"type":"hello","last_seq":3}"#).unwrap();
        assert_eq!(hello, ClientFrame::Hello { last_seq: Seq(3) });
        assert_eq!(serde_json::to_string(&ClientFrame::Ping).unwrap(), r#"{"type":"ping"}"#);
    }

    #[test]
    fn every_server_frame_round_trips() {
        use crate::ids::{AgentId, VisitorId};
        let message = Message::plain(
            Seq(7),
            ClientMessageId::parse("c-1").unwrap(),
            Author::Agent { id: AgentId::from_random([3; 16]), name: "Ada".into() },
            "hi".into(),
            42,
        );
        let bot_question = Message {
            author: Author::Bot { name: "Sam".into() },
            quick_replies: vec!["Shipping".into(), "Talk to a person".into()],
            ..message.clone()
        };
        let event = Message {
            author: Author::System,
            event: Some(crate::routing::ConversationEvent::StateChanged {
                state: ConversationState::Resolved,
            }),
            internal: true,
            ..message.clone()
        };
        let frames = [
            ServerFrame::Message { message: message.clone() },
            ServerFrame::Welcome {
                conversation_id: ConversationId::from_random([1; 16]),
                you: Author::Visitor { id: VisitorId::from_random([2; 16]), name: None },
                head_seq: Seq(7),
                reads: vec![ReadMark { reader: message.author.clone(), up_to: Seq(7) }],
                session: None,
                send_rate: Some(SendRate { per_second: 5, burst: 20 }),
            },
            ServerFrame::History { messages: vec![message.clone(), bot_question, event], complete: true },
            ServerFrame::Ack { client_id: ClientMessageId::parse("c-1").unwrap(), seq: Seq(7) },
            ServerFrame::Error {
                code: ErrorCode::EmptyMessage,
                message: "empty".into(),
                client_id: None,
                retry_after_ms: None,
            },
            ServerFrame::Read { reader: message.author.clone(), up_to: Seq(3) },
            ServerFrame::Typing { author: message.author.clone(), active: true },
            ServerFrame::Pong,
            ServerFrame::Status {
                state: ConversationState::Queued,
                position: Some(2),
                wait_ms: Some(60_000),
            },
            ServerFrame::Status { state: ConversationState::Bot, position: None, wait_ms: None },
            ServerFrame::Delivery { seq: Seq(7), delivery: crate::channels::DeliveryStatus::Delivered },
        ];
        for frame in frames {
            let json = serde_json::to_string(&frame).unwrap();
            assert_eq!(serde_json::from_str::<ServerFrame>(&json).unwrap(), frame, "{json}");
        }
    }

    #[test]
    fn incomplete_or_unknown_server_frames_are_refused() {
        for bad in [
            r#"{"type":"ack","seq":1}"#,
            r#"{"type":"message","message":"text where a message belongs"}"#,
            r#"{"type":"error","message":{"seq":1}}"#,
            r#"{"type":"surprise"}"#,
            r#"{"seq":1}"#,
        ] {
            assert!(serde_json::from_str::<ServerFrame>(bad).is_err(), "{bad}");
        }
        // Fields may come in any order, and unknown fields are ignored (additive changes).
        let ack: ServerFrame =
            serde_json::from_str(r#"{"seq":2,"extra":true,"client_id":"a","type":"ack"}"#).unwrap();
        assert_eq!(ack, ServerFrame::Ack { client_id: ClientMessageId::parse("a").unwrap(), seq: Seq(2) });
    }

    #[test]
    fn error_frames_omit_an_absent_client_id() {
        let frame = ServerFrame::Error {
            code: ErrorCode::FrameTooLarge,
            message: "too big".into(),
            client_id: None,
            retry_after_ms: None,
        };
        assert_eq!(
            serde_json::to_string(&frame).unwrap(),
            r#"{"type":"error","code":"frame_too_large","message":"too big"}"#
        );
    }
}
