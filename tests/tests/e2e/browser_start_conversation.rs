//! Starting a conversation with a contact from the console, in a real browser: a visitor
//! chatted once; the agent opens their contact on the Contacts screen, writes a first message
//! that waits for their reply and sends it — the REST API lists a second conversation of the
//! contact, `new` and holding that message, the visitor finds it in their history, and the
//! console opens it in the inbox. A contact who never opened the chat is refused with the
//! edge's sentence, shown as an alert.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::contacts::{ContactDetail, ListResponse};
use switchboard_protocol::api::conversations_list::Response as Conversations;
use switchboard_protocol::api::visitor_conversations::Response as History;
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::Seq;
use switchboard_tests::api::{new_conversation, Live, Session};
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{sign_in_to_console, wait_for_message, Browser};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "http://shop.test";
const FIRST: &str = "Your order shipped today";

/// Opens contact `id` on the Contacts screen (already shown); answers its detail's selector.
async fn open_contact(agent: &Browser, id: &str) -> Result<String> {
    agent.click(&format!("button.sb-contacts-item[data-id='{id}']")).await?;
    let editor = format!("section.sb-contact-editor[data-id='{id}']");
    agent.find(&editor).await?;
    Ok(editor)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_starts_a_conversation_with_a_contact_from_the_console() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    // A visitor chatted once: a contact with a browser to write to.
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("v-1", "hello, where is my order?").await?;
    let contact = wait::until("the visitor's contact", Duration::from_secs(10), || async {
        let list: ListResponse = admin
            .call(&edge, Method::GET, "/api/v1/contacts?limit=200", None::<&()>)
            .await
            .ok()?
            .json()
            .ok()?;
        list.contacts.into_iter().find(|c| c.visitor_ids.contains(&session.visitor_id))
    })
    .await?;
    // And one only in the CRM: it never opened the chat.
    let crm = admin
        .call(&edge, Method::POST, "/api/v1/contacts", Some(&json!({ "name": "Only in the CRM" })))
        .await?;
    ensure!(crm.status == 201, "{}", crm.body);
    let crm = crm.body["id"].as_str().unwrap_or_default().to_owned();
    ensure!(crm.starts_with("ctc_"), "{crm}");

    // The agent opens the visitor's contact, writes, keeps "Wait for their reply", sends.
    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent.click("button.sb-screen--contacts").await?;
    let editor = open_contact(&agent, &contact.id).await?;
    let form = format!("{editor} form.sb-contact-start-form");
    assert_accessible(&agent, "the start form", Some(".sb-contact-start")).await?;
    agent.type_into(&format!("{form} textarea[name=start-text]"), FIRST).await?;
    agent.click(&format!("{form} input[name=start-routing][value=on_reply]")).await?;
    agent.click(&format!("{form} button.sb-contact-start-send")).await?;
    let started = agent
        .wait_for_js(
            "the conversation started",
            "const done = document.querySelector('.sb-contact-start-done');
             return done?.textContent === 'Started.'
                 && document.querySelector('button.sb-contact-start-open')?.dataset.id;",
        )
        .await?;
    let started = started.as_str().unwrap_or_default().to_owned();
    ensure!(started.starts_with("cnv_"), "{started}");
    ensure!(started != session.conversation_id.as_str(), "a new conversation, not the first");

    // The REST API lists it among the contact's conversations: new (nobody's task), with the text.
    let path = format!("/api/v1/conversations?contact={}", contact.id);
    let (path, asker, at, first, second) = (&path, &admin, &edge, &session.conversation_id, &started);
    let listed = wait::until("the second conversation listed", Duration::from_secs(10), || async move {
        let list: Conversations = asker.call(at, Method::GET, path, None::<&()>).await.ok()?.json().ok()?;
        let both = list.conversations.iter().any(|c| &c.id == first);
        let listed = list.conversations.into_iter().find(|c| c.id.as_str() == second.as_str())?;
        both.then_some(listed)
    })
    .await?;
    assert_eq!(listed.last_message.as_ref().map(|m| m.text.as_str()), Some(FIRST), "{listed:?}");
    assert_eq!(listed.state, ConversationState::New, "{listed:?}");
    assert_eq!((listed.assignee.as_ref(), listed.queue.as_ref()), (None, None), "nobody's task: {listed:?}");
    assert_eq!(listed.visitor_id, session.visitor_id);

    // The visitor finds it in their history.
    let history = reqwest::Client::new()
        .get(edge.url("/api/v1/visitor/conversations"))
        .bearer_auth(&session.token)
        .send()
        .await?
        .json::<History>()
        .await?;
    let found = history.conversations.iter().find(|c| c.session.conversation_id.as_str() == started.as_str());
    ensure!(found.is_some(), "the started conversation in the visitor's history: {history:?}");
    ensure!(
        found.and_then(|c| c.last_message.as_ref()).is_some_and(|m| m.text == FIRST),
        "its last message: {found:?}"
    );

    // "Open the conversation" shows it in the inbox.
    agent.click("button.sb-contact-start-open").await?;
    wait_for_message(&agent, 1, FIRST).await?;

    // The contact only in the CRM: refused, with the edge's sentence in an alert.
    agent.click("button.sb-screen--contacts").await?;
    let editor = open_contact(&agent, &crm).await?;
    let form = format!("{editor} form.sb-contact-start-form");
    agent.type_into(&format!("{form} textarea[name=start-text]"), "Hello from the team").await?;
    agent.click(&format!("{form} button.sb-contact-start-send")).await?;
    let alert = agent
        .wait_for_js(
            "the refusal shown",
            "return document.querySelector('.sb-contact-start [role=alert]')?.textContent;",
        )
        .await?;
    let alert = alert.as_str().unwrap_or_default();
    ensure!(alert.contains("never opened the chat"), "{alert}");
    let done =
        agent.client().execute("return !!document.querySelector('.sb-contact-start-done');", vec![]).await?;
    assert_eq!(done, json!(false), "not started");
    let detail: ContactDetail =
        admin.call(&edge, Method::GET, &format!("/api/v1/contacts/{crm}"), None::<&()>).await?.json()?;
    ensure!(detail.conversations.is_empty(), "nothing started: {detail:?}");
    // What was typed stays, to try again.
    let kept = agent
        .client()
        .execute(&format!("return document.querySelector({:?})?.value;", format!("{form} textarea")), vec![])
        .await?;
    assert_eq!(kept.as_str(), Some("Hello from the team"));

    agent.close().await?;
    Ok(())
}
