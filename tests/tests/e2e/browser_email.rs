//! Email continuity as people meet it, in Chromium against a local Postmark: a signed-in
//! customer writes from the shop's account page and leaves; the agent answers in the console;
//! after the (shortened) delay one email with the answer goes out; the customer answers it by
//! email (quoted history below their words), which the console shows with only the new words;
//! back on the page, the widget shows the agent's answer and their emailed reply.

use std::time::Duration;

use anyhow::{ensure, Result};
use reqwest::Method;
use switchboard_demo_site::BoundSite;
use switchboard_tests::api::Session;
use switchboard_tests::browser::{
    open_widget, send_from_widget, shown_messages, sign_in_to_console, wait_for_message, Browser,
};
use switchboard_tests::fake_postmark::{self, FakePostmark, INBOUND_SECRET};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, IDENTITY_SECRET, SITE};

const QUESTION: &str = "Is the blue tent back in stock?";
const ANSWER: &str = "Yes! It came back this morning.";
const EMAILED: &str = "Wonderful, please keep one for me.";

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_the_visitor_missed_reaches_them_by_email_and_their_answer_comes_back() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page_origin = format!("http://localhost:{}", site.port());
    let postmark = FakePostmark::start().await?;
    let vars = postmark.vars();
    let mut vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    vars.extend([("EMAIL_FROM", "hello@shop.example"), ("EMAIL_CONTINUITY_DELAY_MS", "2000")]);
    let edge = TestEdge::start_with(&[&page_origin], &vars)?;
    let _site = site.serve_with_identity(&edge.origin(), Some(IDENTITY_SECRET));

    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent.find("button.sb-screen--inbox").await?;

    // The signed-in customer (ada@example.com, signed by the shop) writes, then leaves.
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{page_origin}/account.html")).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, QUESTION).await?;
    wait_for_message(&visitor, 1, QUESTION).await?;
    visitor.client().goto("about:blank").await?;

    // The agent takes the offer and answers.
    agent
        .wait_for_js(
            "the offer",
            "const b = document.querySelector('.sb-offer button.sb-accept'); if (b) { b.click(); return true; } return false;",
        )
        .await?;
    wait_for_message(&agent, 1, QUESTION).await?;
    agent.type_into("textarea[name=reply]", ANSWER).await?;
    agent.click("form.sb-reply button.sb-send").await?;
    wait_for_message(&agent, 2, ANSWER).await?;

    // One email, with the answer, to the signed address.
    let sent = postmark.until(Duration::from_secs(20), |sent| !sent.is_empty()).await?;
    let email = sent[0].clone();
    ensure!(email.to == "ada@example.com" && email.text.contains(ANSWER), "{email:?}");
    ensure!(email.text.contains(&format!("{page_origin}/account.html")), "the link back: {}", email.text);

    // They answer it by email.
    let message_id = email.header("Message-ID").unwrap_or_default().to_owned();
    let raw = fake_postmark::reply_mime(
        "ada@example.com",
        &email.reply_to,
        &email.subject,
        &message_id,
        EMAILED,
        &email.text,
    );
    let mime = edge.url(&format!("/api/v1/channels/email/{SITE}/mime"));
    let (status, body) = fake_postmark::post_mime(&mime, &raw, INBOUND_SECRET).await?;
    ensure!(status == 200, "the reply: {status} {body}");

    // The console shows the new words, the whole email folded under them.
    wait_for_message(&agent, 3, EMAILED).await?;
    let parts = agent
        .wait_for_js(
            "the emailed reply's words and its folded original",
            "const li = Array.from(document.querySelectorAll('li.sb-message[data-seq]'))[2];
             const details = li && li.querySelector('details.sb-original');
             return details ? [li.querySelector('.sb-message-text').textContent, details.open, details.textContent] : null;",
        )
        .await?;
    ensure!(parts[0] == EMAILED && parts[1] == false, "the new words only, the original folded: {parts}");
    ensure!(
        parts[2].as_str().is_some_and(|whole| whole.contains("wrote:") && whole.contains(ANSWER)),
        "{parts}"
    );

    // Back on the page: the widget shows the answer and their emailed reply.
    visitor.client().goto(&format!("{page_origin}/account.html")).await?;
    open_widget(&visitor).await?;
    wait_for_message(&visitor, 2, ANSWER).await?;
    wait_for_message(&visitor, 3, EMAILED).await?;
    let texts: Vec<String> = shown_messages(&visitor).await?.into_iter().map(|(_, _, t)| t).collect();
    ensure!(texts.len() == 3, "each once: {texts:?}");
    ensure!(postmark.sent().len() == 1, "one email: {:#?}", postmark.sent());

    // The agent turns off their digest of missed activity in Settings.
    agent.click("button.sb-screen--settings").await?;
    let on = agent
        .wait_for_js(
            "the digest switch loaded",
            "const b = document.querySelector('input[name=email_digest]'); return b && !b.disabled ? b.checked : null;",
        )
        .await?;
    ensure!(on == true, "on by default: {on}");
    agent.click("input[name=email_digest]").await?;
    agent
        .wait_for_js("saved", "return document.querySelector('.sb-email-digest-saved')?.textContent || null;")
        .await?;
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let setting = admin.call(&edge, Method::GET, "/api/v1/agent/email-digest", None::<&()>).await?;
    ensure!(setting.body["enabled"] == false, "{}", setting.body);
    visitor.close().await?;
    agent.close().await?;
    Ok(())
}
