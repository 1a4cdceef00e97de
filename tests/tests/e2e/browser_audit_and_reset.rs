//! Password reset links and the audit log in real browsers. An admin makes a teammate a
//! reset link from the team list and reads it off the page; the teammate opens it in their
//! own browser, chooses a new password (typed twice) and is in the console — the old password
//! no longer works, the new one does, and the spent link says so. An admin reads in the
//! settings' audit log who did what from where: a stranger's failed sign-in with its address,
//! a key made, a change made with that key, newest first, and "Refresh" adds what came since.

use anyhow::{ensure, Result};
use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::api_keys;
use switchboard_protocol::ErrorCode;
use switchboard_tests::api::{call_with, Session};
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{sign_in_to_console, Browser};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{ADMIN_EMAIL, ADMIN_NAME, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";
const BO: (&str, &str) = ("bo@example.com", "bo-password-123");
const BOS_NEW_PASSWORD: &str = "bo-chose-this-2027";
const STRANGER: &str = "203.0.113.5";

async fn text_of(browser: &Browser, css: &str) -> Result<String> {
    Ok(browser.find(css).await?.text().await?)
}

/// A sign-in over the API: its status.
async fn sign_in_status(edge: &TestEdge, email: &str, password: &str) -> Result<u16> {
    let body = json!({ "email": email, "password": password });
    Ok(call_with(Method::POST, &edge.url("/api/v1/agent/login"), &[], Some(&body)).await?.status)
}

/// The reset page's error (its `role=alert` region), once there is one.
async fn reset_page_error(browser: &Browser) -> Result<String> {
    let error = browser
        .wait_for_js(
            "the reset page's error",
            "return document.querySelector('form.sb-reset .sb-error[role=alert]')?.textContent;",
        )
        .await?;
    Ok(error.as_str().unwrap_or_default().to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_makes_a_reset_link_and_the_teammate_chooses_a_new_password() -> Result<()> {
    let teammate = format!("{}:Bo:{}", BO.0, BO.1);
    let edge = TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", &teammate)])?;

    // The admin makes Bo a link from the team list (their own row has no such button).
    let admin = Browser::start().await?;
    sign_in_to_console(&admin, &edge).await?;
    admin.click("button.sb-screen--settings").await?;
    let make = "button.sb-reset-password[aria-label='Make a password reset link for Bo']";
    assert_eq!(text_of(&admin, make).await?, "Password reset link");
    let own = admin
        .client()
        .execute(
            &format!(
                "return !!document.querySelector(\"button.sb-reset-password[aria-label='Make a password reset link for {ADMIN_NAME}']\");"
            ),
            vec![],
        )
        .await?;
    assert_eq!(own, json!(false), "no reset link for oneself");
    admin.click(make).await?;
    let link =
        admin.find(".sb-reset-link input.sb-reset-url").await?.prop("value").await?.unwrap_or_default();
    assert!(link.starts_with(&format!("{}/console/#reset=", edge.origin())), "{link}");
    let note = text_of(&admin, ".sb-reset-link .sb-reset-link-note").await?;
    assert!(note.contains("works once, for 24 hours"), "{note}");
    admin.find(".sb-reset-link button.sb-copy-reset-link").await?;
    assert_accessible(&admin, "a teammate's row with a reset link", Some(".sb-team-member--link")).await?;

    // Bo opens it in his own browser: the page names his account and asks for no code.
    let bo = Browser::start().await?;
    bo.client().goto(&link).await?;
    bo.wait_for_js(
        "whose link it is",
        "return document.querySelector('form.sb-reset .sb-reset-email')?.textContent === 'bo@example.com';",
    )
    .await?;
    assert_eq!(text_of(&bo, "form.sb-reset h1").await?, "Choose a new password");
    let code_asked = bo
        .client()
        .execute("return !!document.querySelector('form.sb-reset input[name=code]');", vec![])
        .await?;
    assert_eq!(code_asked, json!(false), "no code for an account without two-factor sign-in");
    assert_accessible(&bo, "the password reset page", None).await?;

    // Two different passwords are caught on the page; the same one twice signs him in.
    bo.find("form.sb-reset input[name=new_password]").await?.send_keys(BOS_NEW_PASSWORD).await?;
    let again = bo.find("form.sb-reset input[name=new_password_again]").await?;
    again.send_keys("not-the-same-password").await?;
    bo.click("form.sb-reset button[type=submit]").await?;
    assert_eq!(reset_page_error(&bo).await?, "The two passwords differ.");
    again.clear().await?;
    again.send_keys(BOS_NEW_PASSWORD).await?;
    bo.click("form.sb-reset button[type=submit]").await?;
    bo.wait_for_js(
        "Bo in the console",
        "return document.querySelector('.sb-agent-name')?.textContent === 'Bo';",
    )
    .await?;
    assert_eq!(
        bo.client().current_url().await?.as_str(),
        edge.url("/console/"),
        "the link left the address bar"
    );

    // His old password is refused, the new one works.
    assert_eq!(sign_in_status(&edge, BO.0, BO.1).await?, 401, "the old password");
    let signed_in = Session::start(&edge, BO.0, BOS_NEW_PASSWORD).await?;
    assert_eq!(signed_in.agent.email, BO.0);

    // The same link again (pasted into the open console) says it is spent.
    bo.client().goto(&link).await?;
    let spent = reset_page_error(&bo).await?;
    assert!(spent.contains("already used") || spent.contains("no longer valid"), "{spent}");
    let form_shown = bo
        .client()
        .execute("return !!document.querySelector('form.sb-reset input[name=new_password]');", vec![])
        .await?;
    assert_eq!(form_shown, json!(false), "no password form for a spent link");

    bo.close().await?;
    admin.close().await?;
    Ok(())
}

/// The audit log's rows as shown: `[action, when, who, what, target, from]` each.
async fn shown_rows(browser: &Browser, until: &str) -> Result<Vec<Vec<String>>> {
    let script = format!(
        "const rows = Array.from(document.querySelectorAll('table.sb-audit-table tbody tr.sb-audit-entry'))
           .map(r => [r.dataset.action, ...Array.from(r.cells).map(c => c.textContent.trim())]);
         return ({until}) && rows;"
    );
    let rows = browser.wait_for_js("the audit log's rows", &script).await?;
    Ok(serde_json::from_value(rows)?)
}

/// Where the first row of `action` is, and the row.
fn find<'a>(rows: &'a [Vec<String>], action: &str) -> Result<(usize, &'a Vec<String>)> {
    rows.iter()
        .enumerate()
        .find(|(_, row)| row[0] == action)
        .ok_or_else(|| anyhow::anyhow!("no {action} row in {rows:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_log_shows_who_did_what_from_where() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;

    // Someone tries the admin's account from elsewhere; the admin makes a key "ci" and a
    // script changes the site's name with it.
    let body = json!({ "email": ADMIN_EMAIL, "password": "a-wrong-guess-123" });
    let headers = [("origin", edge.origin()), ("cf-connecting-ip", STRANGER.to_owned())];
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let failed = call_with(Method::POST, &edge.url("/api/v1/agent/login"), &headers, Some(&body)).await?;
    assert_eq!((failed.status, failed.error_code()?), (401, ErrorCode::Unauthorized));
    let admin = Session::start(&edge, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let key: api_keys::Created = admin
        .call(&edge, Method::POST, "/api/v1/api-keys", Some(&json!({ "name": "ci", "role": "admin" })))
        .await?
        .json()?;
    let bearer = format!("Bearer {}", key.secret);
    let renamed = call_with(
        Method::PATCH,
        &edge.url("/api/v1/site"),
        &[("authorization", bearer.as_str())],
        Some(&json!({ "name": "Shop" })),
    )
    .await?;
    assert_eq!(renamed.status, 200, "{}", renamed.body);

    // The admin reads it in the settings.
    let browser = Browser::start().await?;
    sign_in_to_console(&browser, &edge).await?;
    browser.click("button.sb-screen--settings").await?;
    let wanted =
        "['sign_in_failed', 'api_key_created', 'settings_changed'].every(a => rows.some(r => r[0] === a))";
    let rows = shown_rows(&browser, wanted).await?;
    let (failed_at, failure) = find(&rows, "sign_in_failed")?;
    ensure!(failure[3].starts_with("Failed sign-in"), "{failure:?}");
    ensure!(failure[5] == STRANGER, "from the stranger's address: {failure:?}");
    ensure!(failure[2].contains(ADMIN_EMAIL) || failure[4].contains(ADMIN_EMAIL), "{failure:?}");
    let (key_at, made) = find(&rows, "api_key_created")?;
    ensure!(made[2] == ADMIN_NAME && made[3] == "Made an API key" && made[4] == "ci", "{made:?}");
    let (settings_at, changed) = find(&rows, "settings_changed")?;
    ensure!(changed[3].starts_with("Changed settings") && changed[3].contains("name"), "{changed:?}");
    ensure!(changed[2].starts_with("ci") && changed[2].contains("key"), "made with the key: {changed:?}");
    ensure!(settings_at < key_at && key_at < failed_at, "newest first: {rows:?}");
    let headers = browser
        .client()
        .execute(
            "return Array.from(document.querySelectorAll('table.sb-audit-table th[scope=col]')).map(th => th.textContent);",
            vec![],
        )
        .await?;
    assert_eq!(headers, json!(["When", "Who", "What", "Target", "From"]));
    assert_accessible(&browser, "the audit log", Some(".sb-audit")).await?;

    // The key is revoked meanwhile; "Refresh" puts it on top.
    let revoke = format!("/api/v1/api-keys/{}", key.key.id);
    assert_eq!(admin.call(&edge, Method::DELETE, &revoke, None::<&()>).await?.status, 204);
    browser.click("button.sb-audit-refresh").await?;
    let rows = shown_rows(&browser, "rows[0]?.[0] === 'api_key_revoked'").await?;
    ensure!(rows[0][3] == "Revoked an API key", "{rows:?}");

    browser.close().await?;
    Ok(())
}
