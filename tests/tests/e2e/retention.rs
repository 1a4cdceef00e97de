//! A site's retention as an admin uses it: resolved conversations older than the retention
//! disappear on their own — from the list, search, their files from the bucket and their
//! words from their objects' storage and their inbox shard's search index — while open ones and recently active ones stay; bad
//! values are refused by name. (A "day" is a second here: `RETENTION_DAY_MS`.)

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::Seq;
use switchboard_tests::api::{create_session, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD, TINY_PNG};

const SHOP: &str = "http://shop.test";

/// A conversation where the visitor wrote `text`; answers its id and the visitor's socket.
async fn conversation(edge: &TestEdge, text: &str) -> Result<(String, Live)> {
    let session = create_session(edge, SHOP).await?;
    let mut live = Live::visitor(edge, &session).await?;
    live.hello(Seq(0)).await?;
    live.post("m-1", text).await?;
    Ok((session.conversation_id.to_string(), live))
}

#[tokio::test(flavor = "multi_thread")]
async fn resolved_conversations_past_the_retention_are_deleted_with_their_files() -> Result<()> {
    let vars = [("RETENTION_DAY_MS", "1000"), ("RETENTION_SWEEP_MS", "300")];
    let edge = TestEdge::start_with(&[SHOP], &vars)?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    // One conversation resolved, with a file; one still open.
    let (old, _old_live) = conversation(&edge, "parcel zq-expire-3141 lost").await?;
    let mut file = TINY_PNG.to_vec();
    file.extend_from_slice(b"zq-expiring-file-2718");
    let (status, body) = admin.upload(&edge, &old, ("label.png", "image/png"), "file-1", file).await?;
    assert_eq!(status, 201, "{body}");
    admin.resolve(&edge, &old.to_string()).await?;
    let (open, _open_live) = conversation(&edge, "still waiting zq-keep-1618").await?;
    let old_path = format!("/api/v1/conversations/{old}");
    wait::until("the resolution in the index", Duration::from_secs(10), || async {
        let reply = admin.call(&edge, Method::GET, &old_path, None::<&()>).await.ok()?;
        (reply.body["state"] == "resolved").then_some(())
    })
    .await?;
    assert!(!edge.stored_files_containing(b"zq-expiring-file-2718").is_empty(), "the file is stored");
    // Its words are indexed by its inbox feed shard (within a second).
    let indexed = || {
        let count = "SELECT COUNT(*) FROM message_search_content WHERE c0 = ?";
        edge.count_in_objects("InboxFeedObject", count, &old).unwrap_or(-1)
    };
    wait::until("its words in its shard's index", Duration::from_secs(10), || async {
        (indexed() >= 1).then_some(())
    })
    .await?;

    // Bad values are refused by name; 2 "days" is set.
    for bad in [json!(4000), json!(-1), json!("30")] {
        let reply =
            admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&json!({ "retention_days": bad }))).await?;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.body);
        assert_eq!(reply.body["error"]["field"], "retention_days", "{}", reply.body);
    }
    let set = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&json!({ "retention_days": 2 }))).await?;
    assert_eq!((set.status, &set.body["retention_days"]), (200, &json!(2)), "{}", set.body);

    // The resolved one goes by itself, file and words; the open one stays.
    wait::until("the resolved conversation deleted", Duration::from_secs(30), || async {
        let reply = admin.call(&edge, Method::GET, &old_path, None::<&()>).await.ok()?;
        (reply.status == 404).then_some(())
    })
    .await?;
    let search =
        admin.call(&edge, Method::GET, "/api/v1/conversations?q=zq-expire-3141", None::<&()>).await?;
    assert_eq!(search.body["conversations"].as_array().map(Vec::len), Some(0), "{}", search.body);
    wait::until("its words gone from its shard's index", Duration::from_secs(10), || async {
        (indexed() == 0).then_some(())
    })
    .await?;
    let messages = admin.call(&edge, Method::GET, &format!("{old_path}/messages"), None::<&()>).await?;
    assert_eq!(messages.status, 404, "{}", messages.body);
    assert!(edge.stored_files_containing(b"zq-expiring-file-2718").is_empty(), "the file is gone");
    let words = edge.stored_files_containing(b"zq-expire-3141");
    let in_conversations: Vec<&String> = words.iter().filter(|f| f.contains("ConversationObject")).collect();
    assert!(in_conversations.is_empty(), "its words remain in {in_conversations:?}");
    let kept = admin.call(&edge, Method::GET, &format!("/api/v1/conversations/{open}"), None::<&()>).await?;
    assert_eq!(kept.status, 200, "the open conversation is kept: {}", kept.body);

    // Turned off: kept from now on.
    let off = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&json!({ "retention_days": 0 }))).await?;
    assert_eq!(off.status, 200, "{}", off.body);
    assert!(off.body.get("retention_days").is_none(), "{}", off.body);
    Ok(())
}
