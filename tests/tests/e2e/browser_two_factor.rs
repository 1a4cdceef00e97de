//! Two-factor sign-in in real browsers: an agent sets it up in the settings (key read off
//! the page, code computed here as their app would), keeps the recovery codes, and from then
//! on signs in with email, password and a code — a wrong code is refused, a recovery code
//! works once. An admin who requires it of everyone sends a teammate's next sign-in to the
//! page that sets it up before anything else, and can reset it for them.
//!
//! A code of a 30-second step already used is refused (replay), so a second sign-in with an
//! app code waits, as a condition, for the next step.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use switchboard_core::two_factor::{TotpSecret, STEP_MS};
use switchboard_tests::axe::assert_accessible;
use switchboard_tests::browser::{sign_in_to_console, Browser, UI_TIMEOUT};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{now_ms, wait, ADMIN_EMAIL, ADMIN_PASSWORD};

const SHOP: &str = "https://shop.example";
const TEAMMATE: (&str, &str) = ("bo@example.com", "bo-password-123");

/// What the app shows now for `secret`, and its step; waits for a step after `used` first.
async fn fresh_code(secret: &TotpSecret, used: Option<i64>) -> Result<(String, i64)> {
    wait::until("a 30-second step not used yet", Duration::from_millis(STEP_MS as u64 + 5_000), || async {
        let now = now_ms();
        let step = now / STEP_MS;
        (used.is_none_or(|used| step > used)).then(|| (secret.code_at(now), step))
    })
    .await
}

async fn text_of(browser: &Browser, css: &str) -> Result<String> {
    Ok(browser.find(css).await?.text().await?)
}

/// Sets up two-factor sign-in from the setup shown now (settings or the enrol-only page):
/// the secret as the page shows it, the step whose code turned it on, the recovery codes.
async fn set_up_shown(browser: &Browser) -> Result<(TotpSecret, i64, Vec<String>)> {
    let shown = text_of(browser, "code.sb-two-factor-secret").await?;
    let secret = TotpSecret::from_base32(&shown).map_err(|e| anyhow::anyhow!("{e}: {shown:?}"))?;
    ensure!(shown.split(' ').all(|block| block.len() <= 4), "the key in blocks of four: {shown:?}");
    let link = browser.find("a.sb-otpauth-link").await?.attr("href").await?.unwrap_or_default();
    ensure!(link.starts_with("otpauth://totp/"), "{link}");
    ensure!(link.contains(&secret.to_base32()), "the link holds the key shown: {link}");
    browser.find("svg.sb-qr path.sb-qr-modules").await?;

    let (code, step) = fresh_code(&secret, None).await?;
    browser.find("form.sb-two-factor-confirm input[name=code]").await?.send_keys(&code).await?;
    browser.click("button.sb-two-factor-turn-on").await?;
    browser.find(".sb-recovery-code").await?;
    let codes = browser
        .client()
        .execute(
            "return Array.from(document.querySelectorAll('.sb-recovery-code')).map(c => c.textContent);",
            vec![],
        )
        .await?;
    let codes: Vec<String> = serde_json::from_value(codes)?;
    ensure!(codes.len() >= 2 && codes.iter().all(|c| c.len() == 14), "{codes:?}");
    let note = text_of(browser, ".sb-recovery").await?;
    ensure!(
        note.contains("Each code works once. Keep them somewhere safe: they are shown only now."),
        "{note}"
    );
    browser.click("button.sb-recovery-done").await?;
    Ok((secret, step, codes))
}

/// Signs out from the console's top bar and waits for the sign-in form.
async fn sign_out(browser: &Browser) -> Result<()> {
    browser.click("button.sb-logout").await?;
    browser.find("form.sb-login input[name=email]").await?;
    Ok(())
}

/// Email and password on the sign-in form; the form then asks for the code.
async fn password_step(browser: &Browser, email: &str, password: &str) -> Result<()> {
    browser.find("form.sb-login input[name=email]").await?.send_keys(email).await?;
    browser.find("form.sb-login input[name=password]").await?.send_keys(password).await?;
    browser.click("form.sb-login button[type=submit]").await?;
    browser.find("form.sb-login--code input[name=code]").await?;
    Ok(())
}

/// Types `code` into the code step (over whatever was there) and submits it.
async fn enter_code(browser: &Browser, code: &str) -> Result<()> {
    let input = browser.find("form.sb-login--code input[name=code]").await?;
    input.clear().await?;
    input.send_keys(code).await?;
    browser.click("form.sb-login--code button[type=submit]").await?;
    Ok(())
}

/// Waits until the code step shows an error (and is still the code step); returns it.
async fn code_refused(browser: &Browser) -> Result<String> {
    let error = browser
        .wait_for_js(
            "the code refused",
            "return document.querySelector('form.sb-login--code .sb-error[role=alert]')?.textContent;",
        )
        .await?;
    Ok(error.as_str().unwrap_or_default().to_owned())
}

/// Waits until the console's inbox is shown to `name`.
async fn in_the_inbox(browser: &Browser, name: &str) -> Result<()> {
    browser.find("nav.sb-sidebar ul.sb-inbox").await?;
    let shown = text_of(browser, ".sb-agent-name").await?;
    ensure!(shown == name, "signed in as {shown:?}, not {name:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_turns_on_two_factor_and_signs_in_with_codes_and_recovery_codes() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    in_the_inbox(&agent, switchboard_tests::ADMIN_NAME).await?;

    // Settings → "Set up two-factor sign-in": the key, a code, the recovery codes; then "On".
    agent.click("button.sb-screen--settings").await?;
    assert_eq!(text_of(&agent, ".sb-two-factor .sb-two-factor-state").await?, "Off");
    agent.click("button.sb-two-factor-start").await?;
    let (secret, used, recovery) = set_up_shown(&agent).await?;
    agent
        .wait_for_js(
            "two-factor sign-in shown on",
            "return document.querySelector('.sb-two-factor .sb-two-factor-state')?.textContent === 'On';",
        )
        .await?;
    agent.find("button.sb-two-factor-new-codes").await?;
    agent.find(".sb-team-member .sb-two-factor-badge").await?;

    // Signing in now asks for a code; a wrong one is refused with the edge's message.
    sign_out(&agent).await?;
    password_step(&agent, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    let hint = text_of(&agent, "form.sb-login--code #sb-login-code-hint").await?;
    assert_eq!(hint, "Enter the 6-digit code from your authenticator app, or one of your recovery codes.");
    let focused = agent.client().execute("return document.activeElement?.id;", vec![]).await?;
    assert_eq!(focused.as_str(), Some("sb-login-code"), "the code field has the focus");
    assert_accessible(&agent, "the sign-in's code step", None).await?;
    // The step that turned it on is used: the app's next code is the one to sign in with.
    let (code, _) = fresh_code(&secret, Some(used)).await?;
    let wrong: String = code
        .chars()
        .enumerate()
        .map(|(i, c)| match (i, c) {
            (0, '9') => '0',
            (0, _) => '9',
            _ => c,
        })
        .collect();
    enter_code(&agent, &wrong).await?;
    let error = code_refused(&agent).await?;
    assert!(!error.is_empty(), "a wrong code says why");

    // The right code signs in.
    enter_code(&agent, &code).await?;
    in_the_inbox(&agent, switchboard_tests::ADMIN_NAME).await?;

    // A recovery code signs in instead of the app, once.
    sign_out(&agent).await?;
    password_step(&agent, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    enter_code(&agent, &recovery[0]).await?;
    in_the_inbox(&agent, switchboard_tests::ADMIN_NAME).await?;
    sign_out(&agent).await?;
    password_step(&agent, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
    enter_code(&agent, &recovery[0]).await?;
    code_refused(&agent).await.context("the same recovery code a second time")?;
    agent.find("form.sb-login--code input[name=code]").await?;
    // No further sign-in here: each password step without its code counts as a failed
    // sign-in, and with the two wrong codes this account is at the limit from this address.

    agent.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_team_that_requires_two_factor_sends_a_teammate_to_set_it_up_first() -> Result<()> {
    let teammate = format!("{}:Bo:{}", TEAMMATE.0, TEAMMATE.1);
    let edge = TestEdge::start_with(&[SHOP], &[("BOOTSTRAP_AGENTS", &teammate)])?;

    // The admin sets up their own first (required of admins only once they have it), then
    // requires it of everyone.
    let admin = Browser::start().await?;
    sign_in_to_console(&admin, &edge).await?;
    admin.click("button.sb-screen--settings").await?;
    admin.click("button.sb-two-factor-start").await?;
    set_up_shown(&admin).await?;
    admin
        .wait_for_js(
            "\"Everyone\" chosen",
            "const s = document.querySelector('select.sb-site-two-factor'); if (!s) return false;
             s.value = 'everyone'; s.dispatchEvent(new Event('change', { bubbles: true }));
             return s.options[s.selectedIndex].textContent === 'Everyone';",
        )
        .await?;
    admin.click("button.sb-site-submit").await?;
    admin.find(".sb-site-form .sb-settings-done").await?;

    // Bo signs in with his password, and gets only the page that sets it up.
    let bo = Browser::start().await?;
    bo.client().goto(&edge.url("/console/")).await?;
    bo.find("form.sb-login input[name=email]").await?.send_keys(TEAMMATE.0).await?;
    bo.find("form.sb-login input[name=password]").await?.send_keys(TEAMMATE.1).await?;
    bo.click("form.sb-login button[type=submit]").await?;
    let lead = text_of(&bo, "main.sb-enrol-page .sb-login-lead").await?;
    assert_eq!(lead, "Your team requires two-factor sign-in. Set it up to continue.");
    bo.find("main.sb-enrol-page button.sb-enrol-sign-out").await?;
    bo.find("main.sb-enrol-page code.sb-two-factor-secret").await?;
    let elsewhere = bo
        .client()
        .execute("return !!document.querySelector('.sb-topbar, nav.sb-sidebar, .sb-settings');", vec![])
        .await?;
    assert_eq!(elsewhere, serde_json::json!(false), "nothing of the console before it is set up");
    assert_accessible(&bo, "the enrol-only page", None).await?;

    // He sets it up and, after "Done", is in the console.
    set_up_shown(&bo).await?;
    in_the_inbox(&bo, "Bo").await?;

    // The admin sees the badge on his row and can reset it (after a confirmation).
    admin.client().refresh().await?;
    admin.click("button.sb-screen--settings").await?;
    let reset = "button.sb-reset-two-factor[aria-label='Reset two-factor sign-in of Bo']";
    admin.find(reset).await?;
    let badges = admin
        .wait_for_js(
            "both badges",
            "const n = document.querySelectorAll('.sb-team-member .sb-two-factor-badge').length; return n === 2 && n;",
        )
        .await?;
    assert_eq!(badges, serde_json::json!(2));
    admin.click(reset).await?;
    let question =
        wait::until("the confirmation", UI_TIMEOUT, || async { admin.client().get_alert_text().await.ok() })
            .await?;
    assert!(question.contains("Reset two-factor sign-in of Bo?"), "{question}");
    admin.client().accept_alert().await?;
    admin
        .wait_for_js(
            "Bo's badge gone",
            "return document.querySelectorAll('.sb-team-member .sb-two-factor-badge').length === 1;",
        )
        .await?;

    bo.close().await?;
    admin.close().await?;
    Ok(())
}
