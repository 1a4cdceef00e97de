//! Unauthenticated requests never create storage, tried as an attacker would: invented site
//! ids on every public route that names a site, invented conversation ids on the bot's answer
//! route and an agent's socket. Each gets a clear `404`; no site object is started for an
//! invented site, and no object is left holding tables for any of them.

use reqwest::Method;
use serde_json::json;
use switchboard_protocol::{ConversationId, ErrorCode};
use switchboard_tests::api::{call_with, create_session, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "http://shop.test";

/// How many invented ids of each kind.
const INVENTED: usize = 12;

#[tokio::test(flavor = "multi_thread")]
async fn invented_site_and_conversation_ids_get_404_and_leave_no_storage() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    // The real site, a real conversation and a signed-in admin: what legitimately exists.
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(switchboard_protocol::Seq(0)).await?;
    visitor.post("v-1", "Hello").await?;
    let before = edge.started_objects();
    let stored = |o: &(String, bool)| o.0.contains("Conversation") && o.1;
    assert!(before.iter().any(stored), "the real conversation has its tables: {before:?}");

    let client = reqwest::Client::new();
    for n in 0..INVENTED {
        let site = format!("invented-site-{n}");
        for path in [
            format!("/frame?site={site}"),
            format!("/launcher.js?site={site}"),
            format!("/frame/theme.css?site={site}"),
            format!("/api/v1/sites/{site}/presence"),
        ] {
            let status = client.get(edge.url(&path)).send().await?.status();
            assert_eq!(status, 404, "{path}");
        }
        let body = json!({ "site_id": site, "page_origin": SHOP });
        let created =
            call_with(Method::POST, &edge.url("/api/v1/sessions"), &[("origin", SHOP)], Some(&body)).await?;
        assert_eq!((created.status, created.error_code()?), (404, ErrorCode::NotFound), "{}", created.body);
    }
    for n in 0..INVENTED {
        let id = ConversationId::from_random([n as u8 + 1; 16]);
        let url = edge.url(&format!("/api/v1/bot/conversations/{id}/answer"));
        let answer = json!({ "messages": [{ "text": "hi" }] });
        let refused =
            call_with(Method::POST, &url, &[("authorization", "Bearer guessed")], Some(&answer)).await?;
        assert_eq!(refused.status, 404, "{}", refused.body);
        let mut socket = Live::agent(&edge, &admin.cookie, &id).await?;
        assert_eq!(socket.refused().await?.0, ErrorCode::NotFound);
    }

    let after = edge.started_objects();
    let new: Vec<&(String, bool)> = after.iter().filter(|o| !before.contains(o)).collect();
    let sites: Vec<_> = new.iter().filter(|o| o.0.contains("SiteObject")).collect();
    assert!(sites.is_empty(), "invented site ids started site objects: {sites:?}");
    let with_tables: Vec<_> = new.iter().filter(|o| o.1).collect();
    assert!(with_tables.is_empty(), "invented ids left tables behind: {with_tables:?}");
    Ok(())
}
