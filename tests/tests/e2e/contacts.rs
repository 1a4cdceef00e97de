//! Contacts as a support team and a CRM script meet them: every new visitor becomes a
//! contact by themselves; a person the site verified in two browsers is one contact, while a
//! shared typed email merges nobody; contacts are found by name, email and dashed phone
//! numbers, carry typed attributes, and merge without losing a conversation — recorded in the
//! audit log, the old id still finding the person.

use anyhow::Result;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard_demo_site::{identity_token, user_hash};
use switchboard_protocol::api::contacts::{ContactDetail, ContactRecord, ListResponse};
use switchboard_protocol::contact::Identity;
use switchboard_protocol::{ClientFrame, Seq};
use switchboard_tests::api::{create_session, Live, Session};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD, IDENTITY_SECRET};

const SHOP: &str = "http://shop.test";

/// A visitor who wrote once, optionally saying who they are first; answers the visitor id
/// and the conversation id.
async fn visitor(edge: &TestEdge, identify: Option<ClientFrame>) -> Result<(String, String, Live)> {
    let session = create_session(edge, SHOP).await?;
    let mut live = Live::visitor(edge, &session).await?;
    live.hello(Seq(0)).await?;
    if let Some(frame) = identify {
        live.send(&frame).await?;
    }
    live.post("m-1", "hello").await?;
    Ok((session.visitor_id.to_string(), session.conversation_id.to_string(), live))
}

async fn contacts(edge: &TestEdge, admin: &Session, query: &str) -> Result<ListResponse> {
    let reply = admin.call(edge, Method::GET, &format!("/api/v1/contacts{query}"), None::<&()>).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

/// The contact holding `visitor`, once the site has linked them.
async fn contact_of(edge: &TestEdge, admin: &Session, visitor: &str) -> Result<ContactRecord> {
    wait::until("the visitor's contact", std::time::Duration::from_secs(10), || async {
        let list = contacts(edge, admin, "?limit=200").await.ok()?;
        list.contacts.into_iter().find(|c| c.visitor_ids.iter().any(|v| v.as_str() == visitor))
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn visitors_become_contacts_and_verified_people_are_one_contact() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let now_s = switchboard_tests::now_ms() / 1_000;
    let ada = json!({ "sub": "customer-7", "name": "Ada Lovelace", "email": "ada@example.com", "exp": now_s + 600 });
    let token = |claims: &Value| ClientFrame::Identify {
        identity: Identity { token: Some(identity_token(IDENTITY_SECRET, claims)), ..Identity::default() },
    };

    // Ada on her laptop, then on her phone: one contact with both browsers and conversations.
    let (laptop, laptop_conversation, _a) = visitor(&edge, Some(token(&ada))).await?;
    let first = contact_of(&edge, &admin, &laptop).await?;
    assert_eq!(first.identity.as_ref().map(|i| i.user_id.as_str()), Some("customer-7"));
    assert_eq!(first.emails, ["ada@example.com"]);
    let (phone, phone_conversation, _b) = visitor(&edge, Some(token(&ada))).await?;
    let joined = wait::until("one contact for both browsers", std::time::Duration::from_secs(10), || async {
        let contact = contact_of(&edge, &admin, &phone).await.ok()?;
        (contact.visitor_ids.len() == 2).then_some(contact)
    })
    .await?;
    assert_eq!(joined.id, first.id, "the verified identity joined them");
    let detail: ContactDetail = admin
        .call(&edge, Method::GET, &format!("/api/v1/contacts/{}", joined.id), None::<&()>)
        .await?
        .json()?;
    let mut ids: Vec<String> = detail.conversations.iter().map(|c| c.id.to_string()).collect();
    ids.sort();
    let mut expected = vec![laptop_conversation, phone_conversation];
    expected.sort();
    assert_eq!(ids, expected);

    // Two people typing the same email (unverified, older hash form for different users) stay two.
    let typed = |user: &str| ClientFrame::Identify {
        identity: Identity {
            user_id: user.into(),
            user_hash: user_hash(IDENTITY_SECRET, user),
            email: Some("shared@example.com".into()),
            ..Identity::default()
        },
    };
    let (one, _, _c) = visitor(&edge, Some(typed("u-1"))).await?;
    let (two, _, _d) = visitor(&edge, Some(typed("u-2"))).await?;
    let (one, two) = (contact_of(&edge, &admin, &one).await?, contact_of(&edge, &admin, &two).await?);
    assert_ne!(one.id, two.id, "a typed email merges nobody");

    // A plain visitor is a contact of their own.
    let (plain, _, _e) = visitor(&edge, None).await?;
    let alone = contact_of(&edge, &admin, &plain).await?;
    assert!(alone.identity.is_none() && alone.visitor_ids.len() == 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crm_makes_finds_changes_and_merges_contacts() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let definitions = json!({ "attributes": [
        { "key": "plan", "label": "Plan", "kind": { "type": "list", "options": ["free", "pro"] } },
        { "key": "seats", "label": "Seats", "kind": { "type": "number" } },
    ]});
    let saved = admin.call(&edge, Method::PUT, "/api/v1/contact-attributes", Some(&definitions)).await?;
    assert_eq!(saved.status, 200, "{}", saved.body);

    let noor = json!({ "name": "Noor Haddad", "emails": ["Noor@Example.com"], "phones": ["+1 555-0142"],
                       "attributes": { "plan": "pro", "seats": 12 } });
    let created = admin.call(&edge, Method::POST, "/api/v1/contacts", Some(&noor)).await?;
    assert_eq!(created.status, 201, "{}", created.body);
    let noor: ContactRecord = created.json()?;
    assert_eq!(noor.emails, ["noor@example.com"]);

    for bad in [
        (json!({ "attributes": { "plan": "gold" } }), "attributes.plan"),
        (json!({ "attributes": { "colour": "red" } }), "attributes.colour"),
        (json!({ "emails": ["nope"] }), "emails[0]"),
    ] {
        let reply = admin.call(&edge, Method::POST, "/api/v1/contacts", Some(&bad.0)).await?;
        assert_eq!((reply.status, &reply.body["error"]["field"]), (400, &json!(bad.1)), "{}", reply.body);
    }

    for typed in ["noor", "noor@example.com", "555-0142", "5550142"] {
        let found =
            contacts(&edge, &admin, &format!("?q={}", switchboard_tests::percent_encode(typed))).await?;
        assert_eq!(
            found.contacts.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            [noor.id.as_str()],
            "{typed}"
        );
    }

    let path = format!("/api/v1/contacts/{}", noor.id);
    let changed = admin
        .call(
            &edge,
            Method::PATCH,
            &path,
            Some(&json!({ "notes": "prefers email", "attributes": { "seats": null } })),
        )
        .await?;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["notes"], "prefers email");
    assert!(changed.body["attributes"].get("seats").is_none());

    // The same person wrote in the chat before the CRM knew: merge the visitor's contact in.
    let (walk_in, conversation, _live) = visitor(&edge, None).await?;
    let theirs = contact_of(&edge, &admin, &walk_in).await?;
    let merged = admin
        .call(&edge, Method::POST, &format!("{path}/merge"), Some(&json!({ "from": theirs.id })))
        .await?;
    assert_eq!(merged.status, 200, "{}", merged.body);
    let detail: ContactDetail = admin.call(&edge, Method::GET, &path, None::<&()>).await?.json()?;
    assert_eq!(
        detail.conversations.iter().map(|c| c.id.to_string()).collect::<Vec<_>>(),
        std::slice::from_ref(&conversation)
    );
    assert!(detail.contact.visitor_ids.iter().any(|v| v.as_str() == walk_in));
    let old: ContactDetail = admin
        .call(&edge, Method::GET, &format!("/api/v1/contacts/{}", theirs.id), None::<&()>)
        .await?
        .json()?;
    assert_eq!(old.contact.id, noor.id, "the merged-away id finds the person");
    let by_contact = admin
        .call(&edge, Method::GET, &format!("/api/v1/conversations?contact={}", noor.id), None::<&()>)
        .await?;
    assert_eq!(by_contact.body["conversations"][0]["id"], conversation.as_str(), "{}", by_contact.body);
    let audit = admin.call(&edge, Method::GET, "/api/v1/audit-log", None::<&()>).await?;
    assert!(audit.body.to_string().contains("contacts_merged"), "{}", audit.body);

    // Clear refusals.
    let unknown = admin
        .call(&edge, Method::GET, "/api/v1/contacts/ctc_00000000000000000000000000000000", None::<&()>)
        .await?;
    assert_eq!(unknown.status, 404);
    let itself =
        admin.call(&edge, Method::POST, &format!("{path}/merge"), Some(&json!({ "from": noor.id }))).await?;
    assert_eq!((itself.status, &itself.body["error"]["field"]), (400, &json!("from")), "{}", itself.body);
    Ok(())
}
