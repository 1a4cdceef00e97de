//! A person's data rights as a privacy request exercises them: the export holds their
//! contact, every conversation with messages, notes, files (as links) and ratings, and the
//! audit entries about them; erasing them leaves no conversation, message, search hit, file,
//! webhook delivery or contact to any API, and not a byte of their words in their
//! conversation objects' storage, in an idempotent answer kept about them, nor of their file
//! in the bucket, while other people's data stays. (Rows deleted from the shared site and webhook-queue objects may linger in SQLite's
//! free pages and write-ahead log: the runtime refuses `secure_delete`; the test prints where.)

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::contacts::{ContactExport, ContactRecord, ListResponse};
use switchboard_protocol::Seq;
use switchboard_tests::api::{call_with, create_session, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::webhook_receiver::{Mode, WebhookReceiver};
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD, TINY_PNG};

const SHOP: &str = "http://shop.test";

#[tokio::test(flavor = "multi_thread")]
async fn an_erased_contact_leaves_nothing_in_any_storage_and_the_export_holds_everything() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let receiver = WebhookReceiver::start(Mode::Up).await?;
    let body = json!({ "url": receiver.url(), "events": ["message.created"], "include_notes": true });
    let subscribed = admin.call(&edge, Method::POST, "/api/v1/webhooks", Some(&body)).await?;
    assert_eq!(subscribed.status, 201, "{}", subscribed.body);
    receiver.set_secret(subscribed.body["secret"].as_str().unwrap_or_default());
    let webhook = subscribed.body["webhook"]["id"].as_str().unwrap_or_default().to_owned();

    // The person: they write, the team answers with a note and a file.
    let marker = "zq-erase-me-4471";
    let session = create_session(&edge, SHOP).await?;
    let mut live = Live::visitor(&edge, &session).await?;
    live.hello(Seq(0)).await?;
    live.post("m-1", &format!("my order {marker} never came")).await?;
    let id = session.conversation_id.to_string();
    let path = format!("/api/v1/conversations/{id}/messages");
    // The note comes from a script with an `Idempotency-Key`: its answer (the note) is kept.
    let key = admin.api_key(&edge, "crm", "admin").await?;
    let note = json!({ "text": format!("note about {marker}"), "internal": true });
    let (note_url, headers) =
        (edge.url(&path), [("authorization", key.as_str()), ("idempotency-key", "note-1")]);
    let post_note = || call_with(Method::POST, &note_url, &headers, Some(&note));
    assert_eq!(post_note().await?.status, 201);
    let mut file = TINY_PNG.to_vec();
    file.extend_from_slice(b"zq-file-bytes-9931");
    let (status, body) = admin.upload(&edge, &id, ("receipt.png", "image/png"), "file-1", file).await?;
    assert_eq!(status, 201, "{body}");
    // Someone else, who must keep everything.
    let other = create_session(&edge, SHOP).await?;
    let mut other_live = Live::visitor(&edge, &other).await?;
    other_live.hello(Seq(0)).await?;
    other_live.post("o-1", "zq-keep-me-5512").await?;

    receiver.until(Duration::from_secs(20), |got| got.iter().filter(|d| d.accepted).count() >= 4).await?;
    let contact: ContactRecord = wait::until("the person's contact", Duration::from_secs(10), || async {
        let list: ListResponse =
            admin.call(&edge, Method::GET, "/api/v1/contacts", None::<&()>).await.ok()?.json().ok()?;
        list.contacts.into_iter().find(|c| c.visitor_ids.contains(&session.visitor_id))
    })
    .await?;
    let found = wait::until("the marker searchable", Duration::from_secs(10), || async {
        let reply = admin
            .call(&edge, Method::GET, &format!("/api/v1/conversations?q={marker}"), None::<&()>)
            .await
            .ok()?;
        (reply.body["conversations"].as_array().map(Vec::len) == Some(1)).then_some(())
    })
    .await;
    assert!(found.is_ok(), "searchable before");
    // Its texts are indexed by its inbox feed shard, never by the site object.
    let indexed =
        |class| edge.count_in_objects(class, "SELECT COUNT(*) FROM message_search_content WHERE c0 = ?", &id);
    assert!(indexed("InboxFeedObject")? >= 1, "indexed in its shard");
    assert_eq!(indexed("SiteObject")?, 0, "the site object indexes no text of a sharded site");

    // The export: their conversation whole, note and file included.
    let export = admin
        .call(&edge, Method::GET, &format!("/api/v1/contacts/{}/export", contact.id), None::<&()>)
        .await?;
    assert_eq!(export.status, 200, "{}", export.body);
    let export: ContactExport = export.json()?;
    assert_eq!(export.contact.id, contact.id);
    assert_eq!(export.conversations.len(), 1);
    let texts: Vec<&str> = export.conversations[0].messages.iter().map(|m| m.text.as_str()).collect();
    assert!(
        texts.iter().any(|t| t.contains(marker)) && texts.iter().any(|t| t.starts_with("note about")),
        "{texts:?}"
    );
    let link = export.conversations[0]
        .messages
        .iter()
        .find_map(|m| m.attachment.as_ref().map(|a| a.url.clone()))
        .expect("the file, as a link");
    assert_eq!(reqwest::get(edge.url(&link)).await?.status().as_u16(), 200);
    let stored = edge.stored_files_containing(marker.as_bytes());
    assert!(stored.iter().any(|f| f.contains("IdempotencyObject")), "the kept answer: {stored:?}");
    assert!(!edge.stored_files_containing(b"zq-file-bytes-9931").is_empty(), "the file is stored before");

    // Erased.
    let erased =
        admin.call(&edge, Method::DELETE, &format!("/api/v1/contacts/{}", contact.id), None::<&()>).await?;
    assert_eq!(erased.status, 204, "{}", erased.body);
    for gone in
        [format!("/api/v1/contacts/{}", contact.id), format!("/api/v1/conversations/{id}"), path.clone()]
    {
        let reply = admin.call(&edge, Method::GET, &gone, None::<&()>).await?;
        assert_eq!(reply.status, 404, "{gone}: {}", reply.body);
    }
    let search =
        admin.call(&edge, Method::GET, &format!("/api/v1/conversations?q={marker}"), None::<&()>).await?;
    assert_eq!(search.body["conversations"].as_array().map(Vec::len), Some(0), "{}", search.body);
    assert_eq!(indexed("InboxFeedObject")?, 0, "its texts are gone from its shard's index");
    assert_eq!(reqwest::get(edge.url(&link)).await?.status().as_u16(), 404, "the file is gone");
    let log = admin
        .call(&edge, Method::GET, &format!("/api/v1/webhooks/{webhook}/deliveries?limit=100"), None::<&()>)
        .await?;
    assert!(!log.body.to_string().contains(&id), "no delivery of theirs in the log: {}", log.body);
    let history = reqwest::Client::new()
        .get(edge.url("/api/v1/visitor/conversations"))
        .bearer_auth(&session.token)
        .send()
        .await?;
    assert_eq!(history.status().as_u16(), 401, "their token opens nothing");

    // Not a byte left in their conversation objects or the bucket; the other visitor's words
    // stay.
    let left = edge.stored_files_containing(marker.as_bytes());
    let in_own: Vec<&String> =
        left.iter().filter(|f| f.contains("ConversationObject") || f.contains("IdempotencyObject")).collect();
    assert!(in_own.is_empty(), "their words remain in {in_own:?}");
    // The key's answer went with them: repeating the request runs it afresh (and finds nothing).
    let repeat = post_note().await?;
    assert_eq!(repeat.status, 404, "{}", repeat.body);
    println!("data rights: deleted rows' bytes still in shared objects' files: {left:?}");
    let file_left = edge.stored_files_containing(b"zq-file-bytes-9931");
    assert!(file_left.is_empty(), "their file remains in {file_left:?}");
    assert!(!edge.stored_files_containing(b"zq-keep-me-5512").is_empty(), "others' data is kept");
    let audit = admin.call(&edge, Method::GET, "/api/v1/audit-log", None::<&()>).await?;
    assert!(audit.body.to_string().contains("contact_erased"), "{}", audit.body);
    Ok(())
}
