//! Full-text search with what agents actually type, against the site's real FTS5 index: order
//! numbers and phone numbers with dashes, emails, accented words typed without their accents,
//! and Chinese and Japanese (written without spaces), each finding its conversation only —
//! texts indexed by the inbox feed shards, or by the site object when a deployment has none.

use std::time::Duration;

use anyhow::Result;
use reqwest::Method;
use switchboard_protocol::api::conversations_list;
use switchboard_protocol::{ConversationId, Seq};
use switchboard_tests::api::{new_conversation, visitors_who_wrote, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";

#[tokio::test(flavor = "multi_thread")]
async fn what_people_type_finds_the_conversation_that_says_it() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let texts = [
        "My order AB-1234 never arrived",
        "Call me back on 555-0142 please",
        "Write to ada.lovelace@example.com about the invoice",
        "Das Café in Zürich hat geschlossen",
        "東京タワーに行きたいです",
        "返品したい商品があります",
        "Order AB-9999 and 555-9999 are someone else's",
    ];
    let mut conversations = Vec::new();
    for (n, text) in texts.iter().enumerate() {
        let session = new_conversation(&edge, SHOP, None).await?;
        let mut visitor = Live::visitor(&edge, &session).await?;
        visitor.hello(Seq(0)).await?;
        visitor.post(&format!("m-{n}"), text).await?;
        conversations.push(session.conversation_id);
    }
    let search = |typed: &'static str| {
        let (admin, edge) = (&admin, &edge);
        async move {
            let path = format!("/api/v1/conversations?q={}", switchboard_tests::percent_encode(typed));
            let reply = admin.call(edge, Method::GET, &path, None::<&()>).await?;
            anyhow::ensure!(reply.status == 200, "{typed}: {} {}", reply.status, reply.body);
            let list: conversations_list::Response = reply.json()?;
            Ok::<_, anyhow::Error>(
                list.conversations.into_iter().map(|c| c.id).collect::<Vec<ConversationId>>(),
            )
        }
    };
    // Indexed about a second after arriving: wait until the last one is found.
    wait::until("the messages indexed", Duration::from_secs(15), || async {
        (search("someone").await.ok()?.len() == 1).then_some(())
    })
    .await?;
    for (typed, expected) in [
        ("AB-1234", 0),
        ("ab-12", 0),
        ("555-0142", 1),
        ("5550142", 1),
        ("ada.lovelace@example.com", 2),
        ("lovelace@example", 2),
        ("cafe zurich", 3),
        ("Zürich", 3),
        ("タワー", 4),
        ("京タ", 4),
        ("東京", 4),
        ("返品", 5),
        ("商品", 5),
    ] {
        assert_eq!(search(typed).await?, [conversations[expected].clone()], "{typed}");
    }
    assert!(search("AB-1234 zurich").await?.is_empty(), "every word must occur");
    Ok(())
}

/// A deployment without inbox feed shards (`INBOX_FEED_SHARDS=0`) indexes in the site object,
/// and its search finds the texts there (as it finds texts indexed before a site had shards).
#[tokio::test(flavor = "multi_thread")]
async fn without_shards_the_site_object_indexes_and_finds() -> Result<()> {
    let edge = TestEdge::start_with(&[SHOP], &[("INBOX_FEED_SHARDS", "0")])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let written = visitors_who_wrote(&edge, SHOP, 1, "Where is parcel QX-5521?").await?;
    let (conversation, _visitor) = &written[0];
    let found = wait::until("the message found", Duration::from_secs(15), || async {
        let reply =
            admin.call(&edge, Method::GET, "/api/v1/conversations?q=qx-5521", None::<&()>).await.ok()?;
        let list: conversations_list::Response = reply.json().ok()?;
        (!list.conversations.is_empty()).then_some(list.conversations)
    })
    .await?;
    let found: Vec<ConversationId> = found.into_iter().map(|c| c.id).collect();
    assert_eq!(found, std::slice::from_ref(conversation), "only it");
    let count = "SELECT COUNT(*) FROM message_search_content WHERE c0 = ?";
    let id = conversation.to_string();
    assert!(edge.count_in_objects("SiteObject", count, &id)? >= 1, "indexed by the site object");
    assert_eq!(edge.count_in_objects("InboxFeedObject", count, &id)?, 0, "no shard was used");
    Ok(())
}
