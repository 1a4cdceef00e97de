//! The hand-written codec against serde's: everything serde writes decodes to the same
//! value, everything encoded here serde reads back, and malformed input is refused.

use serde_json::{json, Value};
use switchboard_core::client_log::PendingMessage;
use switchboard_protocol::api::{create_session, visitor_conversations};
use switchboard_protocol::contact::Identity;
use switchboard_protocol::inbox::MessagePreview;
use switchboard_protocol::routing::{ConversationEvent, ConversationState};
use switchboard_protocol::{
    AgentId, Author, ClientFrame, ClientMessageId, ConversationId, ErrorCode, Message, ReadMark, Role, Seq,
    ServerFrame, SiteId, VisitorId,
};

use super::{decode, encode, Build, Json};

impl Json for Value {
    fn field(&self, key: &str) -> Option<Value> {
        self.get(key).filter(|value| !value.is_null()).cloned()
    }
    fn text(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn flag(&self) -> Option<bool> {
        self.as_bool()
    }
    fn items(&self) -> Option<Vec<Value>> {
        self.as_array().cloned()
    }
}

impl Build for Value {
    fn object(fields: Vec<(&str, Value)>) -> Value {
        Value::Object(fields.into_iter().map(|(key, value)| (key.to_owned(), value)).collect())
    }
    fn text(text: &str) -> Value {
        Value::from(text)
    }
    fn number(number: f64) -> Value {
        // Integers as serde writes them, so comparisons need no float tolerance.
        if number.fract() == 0.0 {
            Value::from(number as i64)
        } else {
            Value::from(number)
        }
    }
    fn flag(flag: bool) -> Value {
        Value::from(flag)
    }
    fn list(items: Vec<Value>) -> Value {
        Value::Array(items)
    }
}

fn session() -> create_session::Response {
    create_session::Response {
        token: "tok.en".into(),
        conversation_id: ConversationId::from_random([1; 16]),
        visitor_id: VisitorId::from_random([2; 16]),
        expires_at: 1_764_000_000_000,
    }
}

fn agent() -> Author {
    Author::Agent { id: AgentId::from_random([3; 16]), name: "Ada".into() }
}

fn message() -> Message {
    Message::plain(Seq(7), ClientMessageId::parse("c-1").unwrap(), agent(), "hi \"there\"\n".into(), 42)
}

/// A bot's question with quick replies, and an internal entry as a visitor receives it.
fn routing_messages() -> Vec<Message> {
    let question = Message {
        author: Author::Bot { name: "Sam".into() },
        quick_replies: vec!["Shipping".into(), "Talk to a person".into()],
        ..message()
    };
    let hidden = Message { author: Author::System, internal: true, ..message() }.for_visitor();
    let resolved = Message {
        author: Author::System,
        event: Some(ConversationEvent::StateChanged { state: ConversationState::Resolved }),
        ..message()
    };
    let rated = Message {
        author: Author::System,
        event: Some(ConversationEvent::Rated { score: 4, comment: Some("kind".into()) }),
        ..message()
    };
    let file = Message {
        attachment: Some(switchboard_protocol::attachment::Attachment {
            name: "receipt.pdf".into(),
            content_type: "application/pdf".into(),
            size: 1234,
            url: "/api/v1/attachments/v1.att.x.y".into(),
        }),
        ..message()
    };
    vec![question, hidden, resolved, rated, file]
}

#[test]
fn every_server_frame_decodes_as_serde_wrote_it() {
    let visitor = Author::Visitor { id: VisitorId::from_random([2; 16]), name: Some("Vi".into()) };
    let frames = [
        ServerFrame::Welcome {
            conversation_id: ConversationId::from_random([1; 16]),
            you: visitor.clone(),
            head_seq: Seq(7),
            reads: vec![ReadMark { reader: agent(), up_to: Seq(5) }],
            session: Some(session()),
            send_rate: Some(switchboard_protocol::SendRate { per_second: 5, burst: 20 }),
        },
        ServerFrame::Welcome {
            conversation_id: ConversationId::from_random([1; 16]),
            you: Author::Visitor { id: VisitorId::from_random([2; 16]), name: None },
            head_seq: Seq(0),
            reads: vec![],
            session: None,
            send_rate: None,
        },
        ServerFrame::History { messages: vec![message(), message()], complete: true },
        ServerFrame::Message { message: message() },
        ServerFrame::Ack { client_id: ClientMessageId::parse("c-1").unwrap(), seq: Seq(7) },
        ServerFrame::Error {
            code: ErrorCode::RateLimited,
            message: "slow down".into(),
            client_id: Some(ClientMessageId::parse("c-1").unwrap()),
            retry_after_ms: Some(1_500),
        },
        ServerFrame::Error {
            code: ErrorCode::Unauthorized,
            message: "no".into(),
            client_id: None,
            retry_after_ms: None,
        },
        ServerFrame::Read { reader: visitor, up_to: Seq(3) },
        ServerFrame::Typing { author: agent(), active: true },
        ServerFrame::Pong,
        ServerFrame::History { messages: routing_messages(), complete: false },
        ServerFrame::Status { state: ConversationState::Queued, position: Some(3), wait_ms: Some(120_000) },
        ServerFrame::Status { state: ConversationState::Assigned, position: None, wait_ms: None },
    ];
    for frame in frames {
        let json = serde_json::to_value(&frame).unwrap();
        assert_eq!(decode::server_frame(&json), Some(frame), "{json}");
    }
}

#[test]
fn every_error_code_decodes() {
    use ErrorCode::*;
    for code in [
        BadRequest,
        FrameTooLarge,
        BodyTooLarge,
        UnsupportedMediaType,
        MessageTooLong,
        EmptyMessage,
        Unauthorized,
        Forbidden,
        OriginNotAllowed,
        NotFound,
        MethodNotAllowed,
        UnsupportedProtocol,
        UpgradeRequired,
        RateLimited,
        TooManyConnections,
        Conflict,
        Internal,
    ] {
        let json = serde_json::to_value(code).unwrap();
        assert_eq!(decode::error_code(json.as_str().unwrap()), code);
    }
    assert_eq!(decode::error_code("something_new"), Internal);
}

#[test]
fn malformed_frames_are_refused_and_unknown_fields_ignored() {
    for bad in [
        json!({"type":"ack","seq":1}),
        json!({"type":"ack","client_id":"a","seq":1.5}),
        json!({"type":"ack","client_id":"a","seq":-1}),
        json!({"type":"ack","client_id":"bad id","seq":1}),
        json!({"type":"message","message":"text where a message belongs"}),
        json!({"type":"error","message":{"seq":1},"code":"internal"}),
        json!({"type":"history","messages":[{"seq":1}],"complete":true}),
        json!({"type":"welcome","conversation_id":"vis_00000000000000000000000000000000",
               "you":{"role":"visitor","id":"vis_00000000000000000000000000000000"},"head_seq":0}),
        json!({"type":"typing","author":{"role":"robot","id":"x"},"active":true}),
        json!({"type":"status","state":"somewhere"}),
        json!({"type":"surprise"}),
        json!({"seq":1}),
        json!("pong"),
    ] {
        assert_eq!(decode::server_frame(&bad), None, "{bad}");
    }
    let ack = json!({"seq":2,"extra":true,"client_id":"a","type":"ack"});
    assert_eq!(
        decode::server_frame(&ack),
        Some(ServerFrame::Ack { client_id: ClientMessageId::parse("a").unwrap(), seq: Seq(2) })
    );
}

#[test]
fn client_frames_are_what_serde_writes() {
    for frame in [
        ClientFrame::Hello { last_seq: Seq(3) },
        ClientFrame::Send {
            client_id: ClientMessageId::parse("m-1").unwrap(),
            text: "a \"b\"".into(),
            internal: false,
        },
        ClientFrame::Read { up_to: Seq(9) },
        ClientFrame::Typing { active: false },
        ClientFrame::Ping,
        ClientFrame::Identify {
            identity: Identity {
                token: None,
                user_id: "u-1".into(),
                user_hash: "ab".into(),
                email: Some("a@b.c".into()),
                name: None,
                attributes: [("plan".to_string(), "pro".to_string())].into(),
            },
        },
        ClientFrame::Identify {
            identity: Identity {
                token: Some("h.p.s".into()),
                name: Some("Ada".into()),
                ..Identity::default()
            },
        },
        ClientFrame::Identify { identity: Identity::default() },
        ClientFrame::Rate { score: 5, comment: Some("Thanks!".into()) },
        ClientFrame::Rate { score: 1, comment: None },
        ClientFrame::Details { fields: [("email".to_string(), "a@b.co".to_string())].into() },
    ] {
        let ours: Value = encode::client_frame(&frame);
        assert_eq!(ours, serde_json::to_value(&frame).unwrap());
    }
}

#[test]
fn sessions_and_outboxes_round_trip_both_ways() {
    let ours: Value = encode::session(&session());
    assert_eq!(serde_json::from_value::<create_session::Response>(ours.clone()).unwrap(), session());
    assert_eq!(decode::session(&ours), Some(session()));
    assert_eq!(decode::session(&serde_json::to_value(session()).unwrap()), Some(session()));

    let pending = vec![
        PendingMessage {
            client_id: ClientMessageId::parse("p-1").unwrap(),
            text: "one".into(),
            queued_at: 5,
            refused: None,
            internal: false,
        },
        PendingMessage {
            client_id: ClientMessageId::parse("p-2").unwrap(),
            text: "two".into(),
            queued_at: 6,
            refused: Some("too long".into()),
            internal: false,
        },
    ];
    let ours: Value = encode::outbox(&pending);
    assert_eq!(serde_json::from_value::<Vec<PendingMessage>>(ours.clone()).unwrap(), pending);
    assert_eq!(decode::outbox(&ours), Some(pending.clone()));
    // As an older frame stored it through serde: `null` for absent options.
    assert_eq!(decode::outbox(&serde_json::to_value(&pending).unwrap()), Some(pending));
    assert_eq!(decode::outbox(&json!([{"client_id":"p-1"}])), None);
}

#[test]
fn session_requests_are_what_serde_writes() {
    let request = create_session::Request {
        site_id: SiteId::parse("demo").unwrap(),
        page_origin: Some("https://shop.example".into()),
        visitor_token: Some("t".into()),
        proactive: Some("pricing".into()),
    };
    let ours: Value = encode::session_request(&request);
    assert_eq!(ours, serde_json::to_value(&request).unwrap());
    let bare = create_session::Request { page_origin: None, visitor_token: None, proactive: None, ..request };
    let ours: Value = encode::session_request(&bare);
    assert_eq!(ours, serde_json::to_value(&bare).unwrap());
}

#[test]
fn rest_answers_decode() {
    let history = visitor_conversations::Response {
        conversations: vec![
            visitor_conversations::VisitorConversation {
                session: session(),
                last_message: Some(MessagePreview { role: Role::Agent, text: "bye".into(), sent_at: 4 }),
                updated_at: 10,
            },
            visitor_conversations::VisitorConversation {
                session: session(),
                last_message: None,
                updated_at: 3,
            },
        ],
    };
    let json = serde_json::to_value(&history).unwrap();
    assert_eq!(decode::visitor_conversations(&json), Some(history));
    let presence = switchboard_protocol::api::site_presence::Response {
        agents_online: 2,
        open: false,
        opens_at: Some(1_700_000_000_000),
    };
    assert_eq!(decode::presence(&serde_json::to_value(&presence).unwrap()), Some(presence));
    let older = decode::presence(&json!({"agents_online":2})).unwrap();
    assert!(older.open && older.opens_at.is_none());
    assert_eq!(decode::presence(&json!({"agents_online":-1})), None);
    let body = json!({"error":{"code":"origin_not_allowed","message":"no"}});
    let error = decode::api_error(&body).unwrap();
    assert_eq!((error.code, error.message.as_str()), (ErrorCode::OriginNotAllowed, "no"));
}
