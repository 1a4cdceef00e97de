//! The console's Contacts screen, in a real browser: an admin defines a `plan` attribute; a
//! visitor writes and becomes a contact; the agent finds that contact on the Contacts screen,
//! gives it a name, an email, a plan and notes, and saves — the REST API shows the change;
//! then the agent makes a second contact in the same screen and merges it into the first —
//! one contact is left, holding both emails.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::contacts::{ContactDetail, ContactRecord, ListResponse};
use switchboard_protocol::Seq;
use switchboard_tests::api::{create_session, Live, Session};
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{sign_in_to_console, Browser};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "http://shop.test";
const NOTES: &str = "Asked about invoices twice.";

async fn contacts(edge: &TestEdge, admin: &Session) -> Result<ListResponse> {
    let reply = admin.call(edge, Method::GET, "/api/v1/contacts?limit=200", None::<&()>).await?;
    ensure!(reply.status == 200, "{}", reply.body);
    reply.json()
}

async fn contact(edge: &TestEdge, admin: &Session, id: &str) -> Result<ContactRecord> {
    let reply = admin.call(edge, Method::GET, &format!("/api/v1/contacts/{id}"), None::<&()>).await?;
    ensure!(reply.status == 200, "{}", reply.body);
    Ok(reply.json::<ContactDetail>()?.contact)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_edits_a_visitors_contact_and_merges_another_into_it() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let definitions = json!({ "attributes": [
        { "key": "plan", "label": "Plan", "kind": { "type": "list", "options": ["free", "pro"] } },
    ]});
    let saved = admin.call(&edge, Method::PUT, "/api/v1/contact-attributes", Some(&definitions)).await?;
    ensure!(saved.status == 200, "{}", saved.body);

    // A visitor writes, and so becomes a contact of their own.
    let session = create_session(&edge, SHOP).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("m-1", "hello").await?;
    let first = wait::until("the visitor's contact", Duration::from_secs(10), || async {
        let list = contacts(&edge, &admin).await.ok()?;
        list.contacts.into_iter().find(|c| c.visitor_ids.contains(&session.visitor_id))
    })
    .await?;
    ensure!(first.name.is_none() && first.emails.is_empty(), "{first:?}");

    // The agent opens the Contacts screen and the visitor's contact in it.
    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent.click("button.sb-screen--contacts").await?;
    let item = format!("button.sb-contacts-item[data-id='{}']", first.id);
    let listed = agent.find(&item).await?.text().await?;
    ensure!(listed.contains("Unnamed visitor"), "{listed}");
    agent.click(&item).await?;
    let editor = format!("section.sb-contact-editor[data-id='{}']", first.id);
    agent.find(&editor).await?;
    assert_accessible(&agent, "the Contacts screen", Some(".sb-contacts")).await?;

    // Name, email, plan and notes, saved.
    agent.type_into(&format!("{editor} input[name=name]"), "Ada Lovelace").await?;
    agent.type_into(&format!("{editor} input[name=emails]"), "ada@example.com").await?;
    agent.choose(&format!("{editor} select[name='attributes.plan']"), "pro").await?;
    agent.type_into(&format!("{editor} textarea[name=notes]"), NOTES).await?;
    agent.click(&format!("{editor} button.sb-contact-save")).await?;
    agent
        .wait_for_js(
            "the contact saved",
            "return document.querySelector('.sb-contact-form .sb-contact-status')?.textContent === 'Saved.';",
        )
        .await?;
    let edited = contact(&edge, &admin, &first.id).await?;
    assert_eq!(edited.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(edited.emails, ["ada@example.com"]);
    assert_eq!(edited.attributes.get("plan"), Some(&json!("pro")));
    assert_eq!(edited.notes.as_deref(), Some(NOTES));
    let renamed = format!("return document.querySelector({item:?})?.textContent.includes('Ada Lovelace');");
    agent.wait_for_js("the list showing the new name", &renamed).await?;

    // A second contact, made in the screen (and shown once made).
    agent.type_into("form.sb-contacts-new input[name=name]", "Ada at work").await?;
    agent.type_into("form.sb-contacts-new input[name=email]", "ada@work.example").await?;
    agent.click("button.sb-contacts-create").await?;
    let other = format!(
        "const id = document.querySelector('section.sb-contact-editor[data-id]')?.dataset.id;
         return id && id !== {:?} && id;",
        first.id
    );
    let second = agent.wait_for_js("the new contact shown", &other).await?;
    let second = second.as_str().unwrap_or_default().to_owned();
    ensure!(second.starts_with("ctc_"), "{second}");

    // Back on the first, the second is found by its email and merged in, after confirming.
    agent.click(&item).await?;
    agent.find(&editor).await?;
    agent.type_into(&format!("{editor} input[name=merge-query]"), "ada@work.example").await?;
    agent.click(&format!("{editor} button.sb-contact-merge-find")).await?;
    agent.click(&format!("{editor} button.sb-contact-merge-pick[data-id='{second}']")).await?;
    assert_accessible(&agent, "the merge confirmation", Some(".sb-contact-merge")).await?;
    agent.click(&format!("{editor} button.sb-contact-merge-confirm-button")).await?;
    let gone = format!(
        "return document.querySelector('.sb-contact-merge [role=status]')?.textContent.startsWith('Merged')
           && !document.querySelector(\"button.sb-contacts-item[data-id='{second}']\");"
    );
    agent.wait_for_js("the merge done and the other contact gone from the list", &gone).await?;

    // One contact left, with both emails; the merged id finds it.
    let left = contacts(&edge, &admin).await?;
    ensure!(left.contacts.len() == 1, "{left:?}");
    let kept = &left.contacts[0];
    assert_eq!(kept.id, first.id);
    assert_eq!(kept.emails, ["ada@example.com", "ada@work.example"]);
    assert_eq!(contact(&edge, &admin, &second).await?.id, first.id);

    agent.close().await?;
    Ok(())
}
