//! An automation rule as a team meets it, in Chromium on the demo site: the admin writes two
//! rules in Settings → Automation rules (a product page labels the conversation `sales`; the
//! `sales` label sends it to the sales queue) and sees them as sentences; a visitor writes
//! from the product page, another from the cart; in the inbox the first carries the label and
//! is in the sales queue's list, the second in support's, without the label.

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_demo_site::BoundSite;
use switchboard_tests::api::Session;
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{
    open_widget, send_from_widget, sign_in_to_console, widget_conversation, Browser,
};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD};

/// The rules as the admin types them.
fn rules() -> String {
    json!([
        { "name": "Sales label to the sales team", "event": "conversation_created",
          "conditions": [{ "type": "has_label", "label": "sales" }],
          "actions": [{ "type": "assign_queue", "queue": "sales" }] },
        { "name": "Product pages", "event": "conversation_created",
          "conditions": [{ "type": "page_url", "contains": "/product" }],
          "actions": [{ "type": "add_labels", "labels": ["sales"] }] }
    ])
    .to_string()
}

/// A visitor who writes `text` from `page`; answers their conversation's id.
async fn visitor_writes(page: &str, text: &str) -> Result<(Browser, String)> {
    let visitor = Browser::start().await?;
    visitor.client().goto(page).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, text).await?;
    let id = widget_conversation(&visitor).await?.to_string();
    Ok((visitor, id))
}

/// Waits until the inbox, filtered on `queue`, lists exactly `ids` (with `label` chips on
/// the rows that should carry it).
async fn listed_in(agent: &Browser, queue: &str, ids: &[&str], labelled: &[&str]) -> Result<()> {
    agent.choose("select.sb-queue-filter", queue).await?;
    let script = format!(
        "const rows = Array.from(document.querySelectorAll('li.sb-inbox-item'));
         const ids = rows.map(r => r.dataset.conversationId).sort();
         const labelled = rows.filter(r => Array.from(r.querySelectorAll('.sb-inbox-label')).some(l => l.textContent === 'sales'))
             .map(r => r.dataset.conversationId).sort();
         return JSON.stringify(ids) === {ids:?} && JSON.stringify(labelled) === {labelled:?};",
        ids = serde_json::to_string(&sorted(ids))?,
        labelled = serde_json::to_string(&sorted(labelled))?,
    );
    agent.wait_for_js(&format!("the {queue} queue lists {ids:?}"), &script).await?;
    Ok(())
}

fn sorted<'a>(ids: &[&'a str]) -> Vec<&'a str> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn a_product_page_labels_the_conversation_and_the_label_picks_the_sales_queue() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let origin = format!("http://localhost:{}", site.port());
    let edge = TestEdge::start(&[&origin])?;
    let _site = site.serve(&edge.origin());
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let flow = json!({ "flow": { "start": "queue", "queues": [{ "id": "support" }, { "id": "sales" }] } });
    let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&flow)).await?;
    ensure!(reply.status == 200, "{}", reply.body);

    // The admin writes the rules in Settings and reads them back as sentences.
    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent.click("button.sb-screen--settings").await?;
    agent.find("form.sb-rules-form textarea[name=rules]").await?;
    // Pasted, as an admin would paste rules written elsewhere (an input event, as paste makes).
    agent
        .client()
        .execute(
            "const a = document.querySelector('form.sb-rules-form textarea[name=rules]');
             a.value = arguments[0]; a.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![json!(rules())],
        )
        .await?;
    agent.click("button.sb-rules-submit").await?;
    agent
        .wait_for_js(
            "the rules listed as sentences",
            "return document.querySelector(\"li[data-rule='Product pages'] .sb-rule-summary\")?.textContent
                 === 'When a conversation starts, if the page URL has “/product”: label sales';",
        )
        .await?;
    assert_accessible(&agent, "the automation rules section", Some(".sb-rules-section")).await?;

    // Two visitors: one on a product page, one on the cart.
    let (_product_visitor, product) =
        visitor_writes(&format!("{origin}/product.html"), "Does this come in blue?").await?;
    let (_cart_visitor, cart) =
        visitor_writes(&format!("{origin}/cart.html"), "Can I pay by invoice?").await?;

    // In the inbox: the product page's conversation is labelled and in sales; the cart's in support.
    agent.click("button.sb-screen--inbox").await?;
    listed_in(&agent, "sales", &[&product], &[&product]).await?;
    listed_in(&agent, "support", &[&cart], &[]).await?;
    agent.close().await
}
