//! Protocol types → JSON values, field for field what serde would write (optional fields
//! that are `None` are left out, which serde reads back as `None` too).

use switchboard_core::client_log::PendingMessage;
use switchboard_protocol::api::create_session;
use switchboard_protocol::ClientFrame;

use super::Build;

/// A frame to the edge.
pub(crate) fn client_frame<B: Build>(frame: &ClientFrame) -> B {
    let (kind, fields) = match frame {
        ClientFrame::Hello { last_seq } => ("hello", vec![("last_seq", B::number(last_seq.0 as f64))]),
        ClientFrame::Send { client_id, text, .. } => {
            ("send", vec![("client_id", B::text(client_id.as_str())), ("text", B::text(text))])
        }
        ClientFrame::Read { up_to } => ("read", vec![("up_to", B::number(up_to.0 as f64))]),
        ClientFrame::Typing { active } => ("typing", vec![("active", B::flag(*active))]),
        ClientFrame::Ping => ("ping", vec![]),
        // Agents' commands; a visitor never sends them.
        ClientFrame::Resolve => ("resolve", vec![]),
        ClientFrame::Reopen => ("reopen", vec![]),
        ClientFrame::Snooze { until } => ("snooze", vec![("until", B::number(*until as f64))]),
        ClientFrame::Context { context } => {
            let fields: Vec<(&str, B)> = [
                ("page_url", &context.page_url),
                ("referrer", &context.referrer),
                ("locale", &context.locale),
            ]
            .into_iter()
            .filter_map(|(name, value)| Some((name, B::text(value.as_deref()?))))
            .collect();
            ("context", vec![("context", B::object(fields))])
        }
        ClientFrame::Details { fields } => {
            let answers = fields.iter().map(|(k, v)| (k.as_str(), B::text(v))).collect();
            ("details", vec![("fields", B::object(answers))])
        }
        ClientFrame::Rate { score, comment } => {
            let mut fields = vec![("score", B::number(f64::from(*score)))];
            if let Some(comment) = comment {
                fields.push(("comment", B::text(comment)));
            }
            ("rate", fields)
        }
        ClientFrame::Identify { identity } => {
            let mut fields = Vec::new();
            for (name, value) in [("user_id", &identity.user_id), ("user_hash", &identity.user_hash)] {
                if !value.is_empty() {
                    fields.push((name, B::text(value)));
                }
            }
            for (name, value) in
                [("token", &identity.token), ("email", &identity.email), ("name", &identity.name)]
            {
                if let Some(value) = value {
                    fields.push((name, B::text(value)));
                }
            }
            if !identity.attributes.is_empty() {
                let attributes = identity.attributes.iter().map(|(k, v)| (k.as_str(), B::text(v))).collect();
                fields.push(("attributes", B::object(attributes)));
            }
            ("identify", vec![("identity", B::object(fields))])
        }
    };
    let mut all = vec![("type", B::text(kind))];
    all.extend(fields);
    B::object(all)
}

/// The body of `POST /api/v1/sessions`.
pub(crate) fn session_request<B: Build>(request: &create_session::Request) -> B {
    let mut fields = vec![("site_id", B::text(request.site_id.as_str()))];
    if let Some(origin) = &request.page_origin {
        fields.push(("page_origin", B::text(origin)));
    }
    if let Some(token) = &request.visitor_token {
        fields.push(("visitor_token", B::text(token)));
    }
    if let Some(name) = &request.proactive {
        fields.push(("proactive", B::text(name)));
    }
    B::object(fields)
}

/// A session, as stored.
pub(crate) fn session<B: Build>(session: &create_session::Response) -> B {
    B::object(vec![
        ("token", B::text(&session.token)),
        ("conversation_id", B::text(session.conversation_id.as_str())),
        ("visitor_id", B::text(session.visitor_id.as_str())),
        ("expires_at", B::number(session.expires_at as f64)),
    ])
}

/// The outbox, as stored.
pub(crate) fn outbox<B: Build>(pending: &[PendingMessage]) -> B {
    B::list(
        pending
            .iter()
            .map(|message| {
                let mut fields = vec![
                    ("client_id", B::text(message.client_id.as_str())),
                    ("text", B::text(&message.text)),
                    ("queued_at", B::number(message.queued_at as f64)),
                ];
                if let Some(reason) = &message.refused {
                    fields.push(("refused", B::text(reason)));
                }
                B::object(fields)
            })
            .collect(),
    )
}
