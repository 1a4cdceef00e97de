//! The pre-chat form against the real edge: admins define it; the edge checks a visitor's
//! answers against it before they reach the contact.

use anyhow::Result;
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::site_settings;
use switchboard_protocol::{ClientFrame, ErrorCode, Seq};
use switchboard_tests::api::{create_session, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "http://shop.test";

fn details(pairs: &[(&str, &str)]) -> ClientFrame {
    ClientFrame::Details { fields: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_are_checked_against_the_sites_form() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let bad = json!({ "prechat": [{ "name": "Full Name", "label": "Name" }] });
    let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&bad)).await?;
    assert_eq!((reply.status, reply.error_code()?), (400, ErrorCode::BadRequest));
    assert!(reply.body.to_string().contains("pre-chat"), "{}", reply.body);
    let form = json!({ "prechat": [
        { "name": "name", "label": "Your name", "required": true },
        { "name": "email", "label": "Email", "kind": { "type": "email" }, "required": true },
        { "name": "order", "label": "Order number", "kind": { "type": "digits", "min": 4, "max": 8 } },
    ]});
    let site: site_settings::Response =
        admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&form)).await?.json()?;
    assert_eq!(site.prechat.as_array().map(Vec::len), Some(3));
    assert_eq!(site.prechat[1]["kind"]["type"], "email");

    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "hello").await?;
    // A browser skipping the widget's checks gets the edge's: fields named, nothing kept.
    visitor.send(&details(&[("name", "Ada"), ("email", "not an email")])).await?;
    let (code, message) = visitor.refused().await?;
    assert!(code == ErrorCode::BadRequest && message.contains("email"), "{message}");
    visitor.send(&details(&[("email", "ada@example.com")])).await?;
    assert!(visitor.refused().await?.1.contains("name"));
    visitor.send(&details(&[("name", "Ada"), ("email", "ada@example.com"), ("role", "admin")])).await?;
    assert!(visitor.refused().await?.1.contains("role"));

    visitor.send(&details(&[("name", " Ada "), ("email", "Ada@Example.com"), ("order", "#12345")])).await?;
    let seen = admin.contact_when(&edge, &session.conversation_id, |c| c.email.is_some()).await?;
    assert_eq!((seen.name.as_deref(), seen.email.as_deref()), (Some("Ada"), Some("ada@example.com")));
    assert_eq!(seen.attributes.get("order").map(String::as_str), Some("12345"));
    assert!(!seen.verified(), "answers are the visitor's word, not verified");

    let mut agent = Live::agent(&edge, &admin.cookie, &session.conversation_id).await?;
    agent.hello(Seq(0)).await?;
    agent.send(&details(&[("name", "x")])).await?;
    assert_eq!(agent.refused().await?.0, ErrorCode::Forbidden);
    Ok(())
}
