//! A site's retention as an admin uses it: resolved conversations older than the retention
//! disappear on their own — from the list, search, their files from the bucket and their
//! words from their objects' storage and their inbox shard's search index — while open ones and recently active ones stay; bad
//! values are refused by name. An anonymous visitor's contact goes with its last
//! conversation; a contact the team named stays. (A "day" is a second here: `RETENTION_DAY_MS`.)

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

/// The id of the contact of conversation `id`'s visitor.
async fn contact_of(edge: &TestEdge, admin: &Session, id: &str) -> Result<String> {
    let conversation =
        admin.call(edge, Method::GET, &format!("/api/v1/conversations/{id}"), None::<&()>).await?;
    let visitor = conversation.body["visitor_id"].clone();
    wait::until("the visitor's contact", Duration::from_secs(10), || async {
        let list = admin.call(edge, Method::GET, "/api/v1/contacts?limit=100", None::<&()>).await.ok()?;
        let contacts = list.body["contacts"].as_array()?.clone();
        let theirs =
            contacts.into_iter().find(|c| c["visitor_ids"].as_array().is_some_and(|v| v.contains(&visitor)));
        theirs.and_then(|c| c["id"].as_str().map(str::to_owned))
    })
    .await
}

/// The status of `GET /api/v1/contacts/{id}`.
async fn contact_status(edge: &TestEdge, admin: &Session, id: &str) -> Result<u16> {
    Ok(admin.call(edge, Method::GET, &format!("/api/v1/contacts/{id}"), None::<&()>).await?.status)
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
    // Another resolved one, whose contact the team named.
    let (named, _named_live) = conversation(&edge, "call me Ada").await?;
    admin.resolve(&edge, &named).await?;
    let named_contact = contact_of(&edge, &admin, &named).await?;
    let renamed = json!({ "name": "Ada Lovelace" });
    let reply = admin
        .call(&edge, Method::PATCH, &format!("/api/v1/contacts/{named_contact}"), Some(&renamed))
        .await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let (old_contact, open_contact) =
        (contact_of(&edge, &admin, &old).await?, contact_of(&edge, &admin, &open).await?);
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
    // The anonymous visitor's contact went with its conversation; the named one and the
    // open conversation's stay.
    wait::until("the named contact's conversation deleted", Duration::from_secs(30), || async {
        let reply = admin
            .call(&edge, Method::GET, &format!("/api/v1/conversations/{named}"), None::<&()>)
            .await
            .ok()?;
        (reply.status == 404).then_some(())
    })
    .await?;
    wait::until("the anonymous contact gone", Duration::from_secs(10), || async {
        (contact_status(&edge, &admin, &old_contact).await.ok()? == 404).then_some(())
    })
    .await?;
    assert_eq!(contact_status(&edge, &admin, &named_contact).await?, 200, "the named contact stays");
    assert_eq!(contact_status(&edge, &admin, &open_contact).await?, 200, "the open conversation's stays");

    // Turned off: kept from now on.
    let off = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&json!({ "retention_days": 0 }))).await?;
    assert_eq!(off.status, 200, "{}", off.body);
    assert!(off.body.get("retention_days").is_none(), "{}", off.body);
    Ok(())
}
