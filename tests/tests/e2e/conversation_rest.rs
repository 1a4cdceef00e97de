//! One conversation over REST as a script reads it: its summary, and its log a page at a time
//! scrolling back and catching up — every message once, in order, private notes included for
//! the team — with clear errors, and nothing for a stranger or an invented id.

use anyhow::Result;
use reqwest::Method;
use switchboard_protocol::api::conversation_messages::Response as Page;
use switchboard_protocol::{ClientFrame, ClientMessageId, Seq};
use switchboard_tests::api::{call_with, login, new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

#[tokio::test(flavor = "multi_thread")]
async fn a_script_reads_a_conversation_and_pages_its_log_both_ways() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    let cookie = login(&edge).await?;
    let mut agent = Live::agent(&edge, &cookie, &session.conversation_id).await?;
    agent.hello(Seq(0)).await?;
    for n in 0..6 {
        visitor.post(&format!("v-{n}"), &format!("visitor line {n}")).await?;
        agent.post(&format!("a-{n}"), &format!("agent line {n}")).await?;
    }
    let note = ClientMessageId::parse("note-1")?;
    agent
        .send(&ClientFrame::Send {
            client_id: note,
            text: "refund approved internally".into(),
            internal: true,
        })
        .await?;
    let head = agent.post("a-last", "anything else?").await?;

    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let id = &session.conversation_id;
    let summary = admin.call(&edge, Method::GET, &format!("/api/v1/conversations/{id}"), None::<&()>).await?;
    assert_eq!((summary.status, summary.body["id"].as_str()), (200, Some(id.as_str())), "{}", summary.body);

    // Scrolling back from the newest page, 4 at a time: every seq once, in order.
    let mut seqs: Vec<u64> = Vec::new();
    let mut texts = Vec::new();
    let mut path = format!("/api/v1/conversations/{id}/messages?limit=4");
    loop {
        let reply = admin.call(&edge, Method::GET, &path, None::<&()>).await?;
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        let page: Page = reply.json()?;
        assert_eq!(page.head_seq, head);
        assert!(page.messages.len() <= 4);
        seqs.splice(0..0, page.messages.iter().map(|m| m.seq.0));
        texts.splice(0..0, page.messages.iter().map(|m| m.text.clone()));
        match page.before {
            Some(before) => path = format!("/api/v1/conversations/{id}/messages?limit=4&before={}", before.0),
            None => break,
        }
    }
    assert_eq!(seqs, (1..=head.0).collect::<Vec<_>>(), "the whole log once, in order");
    assert!(texts.iter().any(|t| t == "refund approved internally"), "the team sees its notes");
    // Catching up after a seq.
    let newer: Page = admin
        .call(
            &edge,
            Method::GET,
            &format!("/api/v1/conversations/{id}/messages?after={}", head.0 - 2),
            None::<&()>,
        )
        .await?
        .json()?;
    assert_eq!(newer.messages.iter().map(|m| m.seq.0).collect::<Vec<_>>(), [head.0 - 1, head.0]);
    assert_eq!(newer.after, None, "nothing newer");

    // Clear errors; nothing for an invented id or without credentials; a key reads too.
    for bad in ["before=3&after=1", "limit=0", "before=x"] {
        let reply = admin
            .call(&edge, Method::GET, &format!("/api/v1/conversations/{id}/messages?{bad}"), None::<&()>)
            .await?;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
    }
    let invented = "cnv_00000000000000000000000000000000";
    for path in
        [format!("/api/v1/conversations/{invented}"), format!("/api/v1/conversations/{invented}/messages")]
    {
        assert_eq!(admin.call(&edge, Method::GET, &path, None::<&()>).await?.status, 404, "{path}");
    }
    let anonymous =
        call_with::<()>(Method::GET, &edge.url(&format!("/api/v1/conversations/{id}/messages")), &[], None)
            .await?;
    assert_eq!(anonymous.status, 401);
    let key = admin
        .call(&edge, Method::POST, "/api/v1/api-keys", Some(&serde_json::json!({ "name": "crm" })))
        .await?;
    let bearer = format!("Bearer {}", key.body["secret"].as_str().unwrap_or_default());
    let by_key = call_with::<()>(
        Method::GET,
        &edge.url(&format!("/api/v1/conversations/{id}/messages")),
        &[("authorization", &bearer)],
        None,
    )
    .await?;
    assert_eq!((by_key.status, by_key.body["head_seq"].as_u64()), (200, Some(head.0)), "{}", by_key.body);
    Ok(())
}

/// The `message` frame of `seq` that `socket` gets (skipping others, such as events).
async fn message_at(socket: &mut Live, seq: Option<u64>) -> Result<switchboard_protocol::Message> {
    socket
        .until(|frame| match frame {
            switchboard_protocol::ServerFrame::Message { message } if Some(message.seq.0) == seq => {
                Some(message.clone())
            }
            _ => None,
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_posted_over_rest_reaches_the_visitor_and_the_console_live_once() -> Result<()> {
    let edge =
        TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", "sam@example.com:Sam:sam-password-123")])?;
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "Where is my parcel?").await?;
    let sam = Session::start(&edge, "sam@example.com", "sam-password-123").await?;
    let mut console = Live::agent(&edge, &sam.cookie, &session.conversation_id).await?;
    console.hello(Seq(0)).await?;

    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let path = format!("/api/v1/conversations/{}/messages", session.conversation_id);
    let body = serde_json::json!({ "text": "It left our warehouse today.", "client_id": "crm-1" });
    let posted = admin.call(&edge, Method::POST, &path, Some(&body)).await?;
    assert_eq!(posted.status, 201, "{}", posted.body);
    let seq = posted.body["message"]["seq"].as_u64();
    for socket in [&mut visitor, &mut console] {
        assert_eq!(message_at(socket, seq).await?.text, "It left our warehouse today.");
    }
    // A retry stores nothing: the same message answers, and the next one live is the next one.
    let again = admin.call(&edge, Method::POST, &path, Some(&body)).await?;
    assert_eq!((again.status, again.body["message"]["seq"].as_u64()), (201, seq), "{}", again.body);
    let keyed = serde_json::json!({ "text": "Tracking: ZX-778." });
    let headers = [
        ("cookie", admin.cookie.as_str()),
        ("x-csrf-token", admin.csrf.as_str()),
        ("idempotency-key", "ticket-42"),
    ];
    let first = call_with(Method::POST, &edge.url(&path), &headers, Some(&keyed)).await?;
    let retry = call_with(Method::POST, &edge.url(&path), &headers, Some(&keyed)).await?;
    assert_eq!(first.body["message"]["seq"], retry.body["message"]["seq"], "{}", retry.body);
    let tracking = first.body["message"]["seq"].as_u64();
    assert_eq!(message_at(&mut visitor, tracking).await?.text, "Tracking: ZX-778.");
    // A private note reaches the team, never its words to the visitor.
    let note = serde_json::json!({ "text": "customer is a VIP", "internal": true });
    let noted = admin.call(&edge, Method::POST, &path, Some(&note)).await?;
    let note_seq = noted.body["message"]["seq"].as_u64();
    assert_eq!(message_at(&mut console, note_seq).await?.text, "customer is a VIP");
    assert_ne!(message_at(&mut visitor, note_seq).await?.text, "customer is a VIP");
    // A script answering for the bot posts under the bot's name, to both sides.
    let as_bot = serde_json::json!({ "text": "Your parcel is out for delivery.", "as_bot": true });
    let by_bot = admin.call(&edge, Method::POST, &path, Some(&as_bot)).await?;
    assert_eq!(by_bot.status, 201, "{}", by_bot.body);
    let bot_seq = by_bot.body["message"]["seq"].as_u64();
    for socket in [&mut visitor, &mut console] {
        let message = message_at(socket, bot_seq).await?;
        assert!(matches!(message.author, switchboard_protocol::Author::Bot { .. }), "{message:?}");
    }
    let bot_note = serde_json::json!({ "text": "x", "as_bot": true, "internal": true });
    let refused = admin.call(&edge, Method::POST, &path, Some(&bot_note)).await?;
    assert_eq!((refused.status, &refused.body["error"]["field"]), (400, &serde_json::json!("internal")));

    // Without the anti-forgery token, or for an invented conversation: nothing stored.
    let forged =
        call_with(Method::POST, &edge.url(&path), &[("cookie", admin.cookie.as_str())], Some(&body)).await?;
    assert_eq!(forged.status, 403, "{}", forged.body);
    let invented = "/api/v1/conversations/cnv_00000000000000000000000000000000/messages";
    assert_eq!(admin.call(&edge, Method::POST, invented, Some(&body)).await?.status, 404);
    let empty = admin.call(&edge, Method::POST, &path, Some(&serde_json::json!({ "text": "  " }))).await?;
    assert_eq!(empty.status, 400, "{}", empty.body);
    Ok(())
}

/// Waits until the visitor is told the conversation is in `state`.
async fn told(visitor: &mut Live, state: switchboard_protocol::routing::ConversationState) -> Result<()> {
    visitor
        .until(|frame| match frame {
            switchboard_protocol::ServerFrame::Status { state: now, .. } if *now == state => Some(()),
            _ => None,
        })
        .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_script_takes_transfers_resolves_reopens_and_snoozes_a_conversation() -> Result<()> {
    use switchboard_protocol::routing::ConversationState::{Assigned, Queued, Resolved, Snoozed};
    let edge = TestEdge::start(&[SHOP])?;
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "I need a human").await?;
    told(&mut visitor, Queued).await?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let base = format!("/api/v1/conversations/{}", session.conversation_id);
    // Taking needs an agent routing knows: one with the console open.
    let not_online = admin.call(&edge, Method::POST, &format!("{base}/take"), None::<&()>).await?;
    assert_eq!(not_online.status, 404, "{}", not_online.body);
    let _console = Live::inbox(&edge, &admin.cookie).await?;
    let act = |what: &str, body: Option<serde_json::Value>| {
        let (admin, edge, path) = (&admin, &edge, format!("{base}/{what}"));
        async move { admin.call(edge, Method::POST, &path, body.as_ref()).await }
    };

    let took = wait::until("routing sees the console", std::time::Duration::from_secs(10), || async {
        let reply = act("take", None).await.ok()?;
        (reply.status != 404).then_some(reply)
    })
    .await?;
    assert_eq!(took.status, 204, "{}", took.body);
    told(&mut visitor, Assigned).await?;
    let summary =
        wait::until("the inbox shows the admin holding it", std::time::Duration::from_secs(10), || async {
            let reply = admin.call(&edge, Method::GET, &base, None::<&()>).await.ok()?;
            (reply.body["assignee"].as_str() == Some(admin.agent.id.as_str())).then_some(reply.body)
        })
        .await?;
    let queue = summary["queue"].as_str().map(str::to_owned);
    if let Some(queue) = queue {
        let moved = act("transfer", Some(serde_json::json!({ "queue": queue }))).await?;
        assert_eq!(moved.status, 204, "{}", moved.body);
        told(&mut visitor, Queued).await?;
        assert_eq!(act("take", None).await?.status, 204);
        told(&mut visitor, Assigned).await?;
    }
    assert_eq!(act("resolve", None).await?.status, 204);
    told(&mut visitor, Resolved).await?;
    assert_eq!(act("reopen", None).await?.status, 204);
    let until = switchboard_tests::now_ms() + 3_600_000;
    let snoozed = act("snooze", Some(serde_json::json!({ "until": until }))).await?;
    assert_eq!(snoozed.status, 204, "{}", snoozed.body);
    told(&mut visitor, Snoozed).await?;

    // Wrong requests get clear answers and change nothing.
    let both = act("transfer", Some(serde_json::json!({ "queue": "x", "agent": admin.agent.id }))).await?;
    assert!(both.status == 400 || both.status == 409, "{}: {}", both.status, both.body);
    assert_eq!(act("explode", None).await?.status, 404);
    let invented = "/api/v1/conversations/cnv_00000000000000000000000000000000/resolve";
    assert_eq!(admin.call(&edge, Method::POST, invented, None::<&()>).await?.status, 404);
    Ok(())
}
