//! One conversation over REST as a script reads it: its summary, and its log a page at a time
//! scrolling back and catching up — every message once, in order, private notes included for
//! the team — with clear errors, and nothing for a stranger or an invented id.

use anyhow::Result;
use reqwest::Method;
use switchboard_protocol::api::conversation_messages::Response as Page;
use switchboard_protocol::{ClientFrame, ClientMessageId, Seq};
use switchboard_tests::api::{call_with, login, new_conversation, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

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
