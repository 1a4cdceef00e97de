//! Conversation labels in the console, in a real browser: a visitor writes; the agent opens
//! the conversation and adds "VIP" (stored and shown as `vip`, on the conversation and on its
//! inbox row); a CRM script with an API key sets `vip` and `refund` over REST and the console
//! shows `refund` at once, without a reload; the agent removes `vip` with its chip's "×", and
//! the REST list filtered on `vip` is empty. Then the priority: the agent marks it urgent in
//! the header (stored, tagged on the row), a script lowers it and the console follows, and
//! the inbox's priority filter narrows the list.

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::conversations_list::Response as ListPage;
use switchboard_protocol::{ConversationId, Seq};
use switchboard_tests::api::{call_with, new_conversation, Live, Reply, Session};
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{sign_in_to_console, Browser};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";
/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";

/// A request as the CRM script makes it, with its API key (`Bearer …`).
async fn by_key(
    edge: &TestEdge,
    key: &str,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> Result<Reply> {
    call_with(method, &edge.url(path), &[("authorization", key)], body.as_ref()).await
}

/// The conversations the REST list holds with `label`.
async fn labelled(edge: &TestEdge, key: &str, label: &str) -> Result<Vec<ConversationId>> {
    let reply = by_key(edge, key, Method::GET, &format!("/api/v1/conversations?label={label}"), None).await?;
    ensure!(reply.status == 200, "{}", reply.body);
    Ok(reply.json::<ListPage>()?.conversations.into_iter().map(|c| c.id).collect())
}

/// Waits until the open conversation's label chips and those on its inbox row (`row`, a
/// selector) are exactly `labels`, in order.
async fn wait_for_labels(agent: &Browser, row: &str, labels: &[&str]) -> Result<()> {
    let expected = serde_json::to_string(labels)?;
    let script = format!(
        "const texts = css => JSON.stringify(Array.from(document.querySelectorAll(css)).map(e => e.textContent));
         return texts('.sb-labels li.sb-label .sb-label-text') === {expected:?}
             && texts({row:?} + ' .sb-inbox-label') === {expected:?};"
    );
    agent.wait_for_js(&format!("the labels {expected} shown"), &script).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_labels_a_conversation_and_sees_a_scripts_labels_live() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let key = admin.api_key(&edge, "crm", "agent").await?;

    // A visitor writes.
    let session = new_conversation(&edge, SHOP, None).await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(Seq(0)).await?;
    visitor.post("m-1", "Where is my refund?").await?;
    let id = session.conversation_id.clone();

    // The agent opens it and adds "VIP" with Enter: stored as "vip", shown on the
    // conversation and on its row.
    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    let row = format!("li.sb-inbox-item[data-conversation-id='{id}']");
    agent.find(&format!("{row} button.sb-inbox-open")).await?.click().await?;
    agent.find(".sb-labels input[name=label]").await?.send_keys(&format!("VIP{ENTER}")).await?;
    wait_for_labels(&agent, &row, &["vip"]).await?;
    ensure!(labelled(&edge, &key, "vip").await? == [id.clone()], "the label is stored");
    assert_accessible(&agent, "the labels bar", Some(".sb-labels")).await?;

    // Something that cannot be a label is refused with the reason, and nothing changes.
    agent
        .wait_for_js(
            "the label box emptied",
            "return document.querySelector('.sb-labels input[name=label]')?.value === '';",
        )
        .await?;
    agent.find(".sb-labels input[name=label]").await?.send_keys(&format!("<b>{ENTER}")).await?;
    let refusal = agent
        .wait_for_js(
            "the refusal",
            "return document.querySelector('.sb-labels .sb-labels-error')?.textContent;",
        )
        .await?;
    ensure!(refusal.as_str().unwrap_or_default().contains("letters, digits"), "{refusal}");

    // A CRM script sets "vip" and "refund": the console shows "refund" without a reload.
    agent.client().execute("window.__sameDocument = true;", vec![]).await?;
    let path = format!("/api/v1/conversations/{id}/labels");
    let set = by_key(&edge, &key, Method::PUT, &path, Some(json!({ "labels": ["vip", "refund"] }))).await?;
    ensure!(set.status == 200, "{}", set.body);
    wait_for_labels(&agent, &row, &["vip", "refund"]).await?;
    let same = agent.client().execute("return window.__sameDocument === true;", vec![]).await?;
    ensure!(same == json!(true), "the console reloaded");

    // The agent removes "vip" with its chip's "×" (once no change is in flight).
    agent
        .wait_for_js(
            "\"Remove label vip\" pressed",
            "const b = document.querySelector(\".sb-labels button[aria-label='Remove label vip']\");
             if (b && !b.disabled) { b.click(); return true; } return false;",
        )
        .await?;
    wait_for_labels(&agent, &row, &["refund"]).await?;
    ensure!(labelled(&edge, &key, "vip").await?.is_empty(), "no conversation is labelled vip");
    ensure!(labelled(&edge, &key, "refund").await? == [id.clone()], "refund is kept");

    // Priority: the agent picks "Urgent" in the header; it is stored and tagged on the row.
    agent.choose(".sb-priority-select", "Urgent").await?;
    agent
        .wait_for_js(
            "the urgent tag on the row",
            &format!(
                "return document.querySelector({:?})?.textContent === 'Urgent';",
                format!("{row} .sb-priority")
            ),
        )
        .await?;
    let urgent = by_key(&edge, &key, Method::GET, "/api/v1/conversations?priority=urgent", None).await?;
    let urgent: Vec<ConversationId> =
        urgent.json::<ListPage>()?.conversations.into_iter().map(|c| c.id).collect();
    ensure!(urgent == [id.clone()], "the priority is stored: {urgent:?}");
    // A script lowers it: the picker and the row follow without a reload.
    let path = format!("/api/v1/conversations/{id}/priority");
    let low = by_key(&edge, &key, Method::PUT, &path, Some(json!({ "priority": "low" }))).await?;
    ensure!(low.status == 200, "{}", low.body);
    agent
        .wait_for_js(
            "the low priority shown",
            &format!(
                "return document.querySelector('.sb-priority-select')?.value === 'low'
                     && document.querySelector({:?})?.textContent === 'Low';",
                format!("{row} .sb-priority")
            ),
        )
        .await?;
    // The inbox narrowed to urgent conversations leaves it out.
    agent.choose(".sb-priority-filter", "Urgent").await?;
    agent
        .wait_for_js("the row filtered out", &format!("return document.querySelector({row:?}) === null;"))
        .await?;
    assert_accessible(&agent, "the conversation header", Some(".sb-pane-head")).await?;

    agent.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sites_own_labels_wear_their_colour_and_filter_the_inbox() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;

    // The admin defines "VIP" in red in Settings → Labels: stored as "vip", shown as a red chip.
    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent.click("button.sb-screen--settings").await?;
    agent.type_into("form.sb-label-form input[name=name]", "VIP").await?;
    agent.choose("form.sb-label-form select[name=color]", "red").await?;
    agent.type_into("form.sb-label-form input[name=description]", "Paying customers").await?;
    agent.click("button.sb-label-def-submit").await?;
    agent
        .wait_for_js(
            "the label listed in red",
            "return !!document.querySelector(\"li[data-label-def='vip'] .sb-label.sb-label--red\");",
        )
        .await?;
    let site = admin.call(&edge, Method::GET, "/api/v1/site", None::<&()>).await?;
    ensure!(
        site.body["labels"] == json!([{ "name": "vip", "color": "red", "description": "Paying customers" }]),
        "{}",
        site.body
    );
    assert_accessible(&agent, "the labels section", Some(".sb-label-settings")).await?;

    // Two visitors write; the agent labels the first "vip" (offered by the label box).
    let mut ids = Vec::new();
    for (n, text) in ["I pay you a lot", "Just browsing"].into_iter().enumerate() {
        let session = new_conversation(&edge, SHOP, None).await?;
        let mut visitor = Live::visitor(&edge, &session).await?;
        visitor.hello(Seq(0)).await?;
        visitor.post(&format!("m-{n}"), text).await?;
        ids.push(session.conversation_id.clone());
    }
    agent.click("button.sb-screen--inbox").await?;
    let row = |id: &ConversationId| format!("li.sb-inbox-item[data-conversation-id='{id}']");
    agent.find(&format!("{} button.sb-inbox-open", row(&ids[1]))).await?;
    agent.find(&format!("{} button.sb-inbox-open", row(&ids[0]))).await?.click().await?;
    agent
        .wait_for_js(
            "vip offered by the label box",
            "return Array.from(document.querySelectorAll('#sb-site-labels option')).some(o => o.value === 'vip');",
        )
        .await?;
    agent.find(".sb-labels input[name=label]").await?.send_keys(&format!("vip{ENTER}")).await?;
    agent
        .wait_for_js(
            "the red chips on the conversation and its row",
            &format!(
                "return !!document.querySelector(\".sb-labels li.sb-label--red[data-label='vip']\")
                     && !!document.querySelector({:?});",
                format!("{} .sb-inbox-label.sb-label--red", row(&ids[0]))
            ),
        )
        .await?;

    // The inbox's label filter narrows the list to it.
    agent.choose("select.sb-label-filter", "vip").await?;
    agent
        .wait_for_js(
            "only the vip conversation listed",
            &format!(
                "return document.querySelector({:?}) === null && !!document.querySelector({:?});",
                row(&ids[1]),
                row(&ids[0])
            ),
        )
        .await?;
    agent.close().await?;
    Ok(())
}
