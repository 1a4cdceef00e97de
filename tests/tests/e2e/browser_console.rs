//! The console as agents use it, in real browsers: an admin invites a colleague from the
//! settings screen, adds a canned response and a photo of themselves; the colleague opens the invite link, chooses
//! a password and is signed in; the admin accepts an offer, inserts the canned response,
//! writes a private note the visitor never sees, and transfers the conversation to the
//! colleague, who answers, resolves it, and sees it come back when the visitor writes again.

use anyhow::Result;
use serde_json::json;
use switchboard_demo_site::BoundSite;
use switchboard_tests::browser::{
    open_widget, save_screenshot, send_from_widget, sign_in_to_console, Browser, UI_TIMEOUT,
};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::wait;

const NOTE: &str = "Gold customer: refund approved without receipt";
const CANNED: &str = "Refunds reach your card within 5 working days.";
/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";

/// Waits until a stored message in the current frame contains `text`.
async fn wait_for_text(browser: &Browser, text: &str) -> Result<()> {
    let script = format!(
        "return Array.from(document.querySelectorAll('li.sb-message[data-seq]')).some(li => li.textContent.includes({text:?}));"
    );
    browser.wait_for_js(&format!("{text:?} to be shown"), &script).await?;
    Ok(())
}

async fn text_of(browser: &Browser, css: &str) -> Result<String> {
    Ok(browser.find(css).await?.text().await?)
}

#[tokio::test(flavor = "multi_thread")]
async fn invite_canned_note_transfer_resolve_and_reopen() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page_origin = format!("http://localhost:{}", site.port());
    let flow = json!({ "start": "queue" });
    let edge = TestEdge::start_with(&[&page_origin], &[("BOOTSTRAP_FLOW", &flow.to_string())])?;
    let _site = site.serve(&edge.origin());

    // The admin invites Nia and adds a canned response, from the settings screen.
    let admin = Browser::start().await?;
    sign_in_to_console(&admin, &edge).await?;
    admin.click("button.sb-screen--settings").await?;
    admin.find("form.sb-invite-form input[name=email]").await?.send_keys("nia@example.com").await?;
    admin.find("form.sb-invite-form input[name=name]").await?.send_keys("Nia").await?;
    admin.click("button.sb-invite-submit").await?;
    let link = admin.find("input.sb-invite-url").await?.prop("value").await?.unwrap_or_default();
    assert!(link.starts_with(&format!("{}/console/#invite=", edge.origin())), "{link}");
    admin.find("form.sb-canned-form input[name=shortcut]").await?.send_keys("refund").await?;
    admin.find("form.sb-canned-form textarea[name=text]").await?.send_keys(CANNED).await?;
    admin.click("button.sb-canned-submit").await?;
    admin
        .wait_for_js("the canned response listed", "return document.querySelector('.sb-canned-entry .sb-canned-shortcut')?.textContent === '/refund';")
        .await?;

    // The admin adds a photo of themselves (an HTML file is refused with the reason).
    let files = tempfile::tempdir()?;
    let (photo, page) = (files.path().join("me.png"), files.path().join("me.html"));
    std::fs::write(&photo, switchboard_tests::TINY_PNG)?;
    std::fs::write(&page, "<script>alert(1)</script>")?;
    let picker = format!("input.sb-photo-input[aria-label='Photo of {}']", switchboard_tests::ADMIN_NAME);
    admin.find(&picker).await?.send_keys(&page.display().to_string()).await?;
    let refusal = admin
        .wait_for_js(
            "the refusal",
            "return document.querySelector('.sb-settings > p.sb-error')?.textContent;",
        )
        .await?;
    assert!(
        refusal.as_str().unwrap_or_default().starts_with("me.html: photos may be image/png"),
        "{refusal}"
    );
    admin.find(&picker).await?.send_keys(&photo.display().to_string()).await?;
    admin
        .wait_for_js(
            "the photo in the team list",
            "const img = document.querySelector('img.sb-team-avatar'); return img && img.complete && img.naturalWidth === 1;",
        )
        .await?;
    assert_eq!(text_of(&admin, "button.sb-remove-photo").await?, "Remove photo");

    // Nia opens the link in her own browser, chooses a password, and is in.
    let nia = Browser::start().await?;
    nia.client().goto(&link).await?;
    nia.wait_for_js(
        "the invite described",
        "return document.querySelector('.sb-invite')?.textContent.includes('nia@example.com');",
    )
    .await?;
    nia.find("input[name=password]").await?.send_keys("nia-password-2026").await?;
    nia.find("input[name=password-again]").await?.send_keys("nia-password-2026").await?;
    nia.click("form.sb-invite button[type=submit]").await?;
    assert_eq!(text_of(&nia, ".sb-agent-name").await?, "Nia");
    assert_eq!(
        nia.client().current_url().await?.as_str(),
        edge.url("/console/"),
        "the token left the address bar"
    );
    // Signed out, she signs in again with the password she chose.
    nia.click("button.sb-logout").await?;
    nia.find("form.sb-login input[name=email]").await?.send_keys("nia@example.com").await?;
    nia.find("form.sb-login input[name=password]").await?.send_keys("nia-password-2026").await?;
    nia.click("form.sb-login button[type=submit]").await?;
    assert_eq!(text_of(&nia, ".sb-agent-name").await?, "Nia");
    // She steps away for now, so the next conversation is offered to the admin.
    nia.click("button.sb-presence--online").await?;
    nia.find("button.sb-presence--away").await?;
    admin.click("button.sb-screen--inbox").await?;
    // Stand in for the browser's notification permission and record what is shown.
    admin
        .client()
        .execute(
            "window.__shown = []; window.Notification = class { constructor(title, options) { __shown.push(title + ': ' + options.body); } static get permission() { return 'granted'; } };",
            vec![],
        )
        .await?;

    // A visitor writes; the admin gets the offer, with the count in the tab's title and a
    // notification.
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{page_origin}/")).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "My parcel never came, can I get a refund?").await?;
    admin.find(".sb-offer button.sb-accept").await?;
    admin
        .wait_for_js("the offer in the title", "return /^\\(\\d+\\) Switchboard$/.test(document.title);")
        .await?;
    let shown = admin.wait_for_js("a notification", "return window.__shown.join('|');").await?;
    assert!(
        shown.as_str().unwrap_or_default().contains("New conversation for you: My parcel never came"),
        "{shown}"
    );
    admin.click(".sb-offer button.sb-accept").await?;
    wait_for_text(&admin, "can I get a refund?").await?;

    // "/ref" offers the canned response; Enter inserts it, Enter again sends it.
    let reply = admin.find("textarea[name=reply]").await?;
    reply.send_keys("/ref").await?;
    admin.find(".sb-canned-item[aria-selected=true]").await?;
    reply.send_keys(ENTER).await?;
    assert_eq!(reply.prop("value").await?.as_deref(), Some(CANNED));
    reply.send_keys(ENTER).await?;
    wait_for_text(&visitor, CANNED).await?;

    // A private note: shown to agents as one, never to the visitor.
    admin.click("button.sb-mode--note").await?;
    admin.find("textarea[name=reply]").await?.send_keys(NOTE).await?;
    admin.click("form.sb-reply button.sb-send").await?;
    admin
        .wait_for_js("the note stored", &format!("return Array.from(document.querySelectorAll('li.sb-message--note[data-seq]')).some(li => li.textContent.includes({NOTE:?}));"))
        .await?;

    // Transfer to Nia, who answers.
    admin.choose("select.sb-transfer", "Nia").await?;
    nia.click("button.sb-screen--inbox").await?;
    nia.wait_for_js("the conversation marked hers", "const li = document.querySelector('li.sb-inbox-item'); if (li && li.textContent.includes('yours')) { li.querySelector('button').click(); return true; } return false;")
        .await?;
    wait_for_text(&nia, NOTE).await?;
    nia.find("textarea[name=reply]").await?.send_keys("Hi, Nia here: your refund is on its way.").await?;
    nia.click("form.sb-reply button.sb-send").await?;
    wait_for_text(&visitor, "Nia here").await?;
    let visitor_page = visitor.client().source().await?;
    assert!(!visitor_page.contains("Gold customer"), "the note reached the visitor's page");
    let names = visitor
        .client()
        .execute("return Array.from(document.querySelectorAll('li.sb-message[data-role=agent]')).map(li => li.textContent).join('|');", vec![])
        .await?;
    assert!(names.as_str().unwrap_or_default().contains("Nia"), "{names}");

    // Nia resolves; back online, she gets it again when the visitor writes.
    nia.click("button.sb-presence--away").await?;
    nia.click("button.sb-resolve").await?;
    nia.wait_for_js(
        "resolved",
        "return document.querySelector('.sb-pane-actions .sb-state')?.textContent === 'resolved';",
    )
    .await?;
    send_from_widget(&visitor, "Thanks! One more question.").await?;
    nia.wait_for_js("the offer back to Nia", "const b = document.querySelector('.sb-offer button.sb-accept'); if (b) { b.click(); return true; } return false;")
        .await?;
    wait_for_text(&nia, "One more question").await?;
    wait::until("reopened and Nia's again", UI_TIMEOUT, || async {
        let state = nia
            .client()
            .execute("return document.querySelector('.sb-pane-actions .sb-state')?.textContent;", vec![])
            .await
            .ok()?;
        (state.as_str()? == "assigned").then_some(())
    })
    .await?;

    visitor.close().await?;
    nia.close().await?;
    admin.close().await?;
    Ok(())
}

/// Presses `key` on the page itself (not in a field), as a keyboard shortcut.
async fn press(browser: &Browser, key: &str) -> Result<()> {
    browser.client().execute("document.activeElement && document.activeElement.blur();", vec![]).await?;
    browser.find("body").await?.send_keys(key).await?;
    Ok(())
}

async fn view_count(browser: &Browser, view: &str) -> Result<String> {
    text_of(browser, &format!("button.sb-view--{view} .sb-view-count")).await
}

#[tokio::test(flavor = "multi_thread")]
async fn views_search_keyboard_and_the_contact_panel() -> Result<()> {
    use switchboard_protocol::contact::VisitorContext;
    use switchboard_protocol::{ClientFrame, Seq};
    use switchboard_tests::api::{create_session, Live};

    let site = BoundSite::bind("127.0.0.1:0")?;
    let page_origin = format!("http://localhost:{}", site.port());
    let flow = json!({ "start": "queue" });
    let edge = TestEdge::start_with(&[&page_origin], &[("BOOTSTRAP_FLOW", &flow.to_string())])?;
    let _site = site.serve(&edge.origin());

    // One visitor through the widget on the demo site, one through the protocol directly.
    let visitor = Browser::start().await?;
    // Arriving from another page of the site, which the contact panel names as the referrer.
    visitor.client().goto(&format!("{page_origin}/?from=spring-ad")).await?;
    visitor.client().execute("location.href = '/';", vec![]).await?;
    visitor
        .wait_for_js(
            "the second page",
            "return location.search === '' && document.readyState === 'complete';",
        )
        .await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "Is the blue kettle back in stock?").await?;
    let other = create_session(&edge, &page_origin).await?;
    let mut socket = Live::visitor(&edge, &other).await?;
    socket.hello(Seq(0)).await?;
    let context = VisitorContext {
        page_url: Some(format!("{page_origin}/pricing")),
        referrer: None,
        locale: Some("nb-NO".into()),
    };
    socket.send(&ClientFrame::Context { context }).await?;
    socket.post("n-1", "Do you ship to Norway?").await?;
    socket.post("n-2", "Also: gift wrap?").await?;

    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &edge).await?;
    agent
        .wait_for_js("both listed", "return document.querySelectorAll('li.sb-inbox-item').length === 2;")
        .await?;
    assert_eq!(view_count(&agent, "all").await?, "2");
    assert_eq!(view_count(&agent, "unassigned").await?, "2");
    assert_eq!(view_count(&agent, "mine").await?, "0");

    // Search narrows the list; "/" jumps to the search field.
    press(&agent, "/").await?;
    agent
        .wait_for_js("search focused", "return document.activeElement?.classList.contains('sb-search');")
        .await?;
    agent.find("input.sb-search").await?.send_keys("norway").await?;
    agent
        .wait_for_js("one match", "const rows = document.querySelectorAll('li.sb-inbox-item'); return rows.length === 1 && rows[0].textContent.includes('gift wrap');")
        .await?;
    // The box emptied, as by select-all and Delete; by script, because under a full parallel
    // run headless Chromium has lost WebDriver's clear and keys here (the list kept the match).
    agent
        .client()
        .execute(
            "const box = document.querySelector('input.sb-search'); box.value = '';
             box.dispatchEvent(new InputEvent('input', { bubbles: true }));",
            vec![],
        )
        .await?;
    agent
        .wait_for_js("both back", "return document.querySelectorAll('li.sb-inbox-item').length === 2;")
        .await?;

    // The agent coming online offered both conversations; each offer is news in the list, and
    // a conversation's summaries are at most a second apart, so the kettle's offer may top
    // the list for up to a second before Norway's (made just after it) arrives.
    agent
        .wait_for_js(
            "Norway newest",
            "return document.querySelector('li.sb-inbox-item')?.textContent.includes('gift wrap');",
        )
        .await?;
    // j moves the cursor to the newest (Norway), j again to the kettle; Enter opens it.
    press(&agent, "j").await?;
    agent
        .wait_for_js(
            "cursor on the first",
            "return document.querySelector('li.sb-inbox-item--cursor')?.textContent.includes('gift wrap');",
        )
        .await?;
    press(&agent, "j").await?;
    press(&agent, "\u{E007}").await?;
    wait_for_text(&agent, "blue kettle").await?;

    // The contact panel says where the widget's visitor is.
    let page = text_of(&agent, ".sb-contact .sb-contact-page").await?;
    assert_eq!(page, format!("{page_origin}/"));
    let browser_name = text_of(&agent, ".sb-contact .sb-contact-browser").await?;
    assert!(browser_name.contains("Chrome"), "{browser_name}");
    agent.find(".sb-contact .sb-contact-locale").await?;
    assert_eq!(
        text_of(&agent, ".sb-contact .sb-contact-referrer").await?,
        format!("{page_origin}/?from=spring-ad")
    );

    // r goes to the reply box; e resolves.
    press(&agent, "r").await?;
    agent.wait_for_js("reply focused", "return document.activeElement?.name === 'reply';").await?;
    save_screenshot(&agent, "console-inbox.png").await?;
    press(&agent, "e").await?;
    agent
        .wait_for_js(
            "resolved",
            "return document.querySelector('.sb-pane-actions .sb-state')?.textContent === 'resolved';",
        )
        .await?;
    wait::until("one resolved", UI_TIMEOUT, || async {
        (view_count(&agent, "resolved").await.ok()? == "1").then_some(())
    })
    .await?;

    // The other conversation's panel shows what its client reported.
    agent.click("button.sb-view--unassigned").await?;
    agent
        .wait_for_js("one unassigned", "return document.querySelectorAll('li.sb-inbox-item').length === 1;")
        .await?;
    agent.click("li.sb-inbox-item button.sb-inbox-open").await?;
    wait_for_text(&agent, "gift wrap").await?;
    assert_eq!(text_of(&agent, ".sb-contact .sb-contact-locale").await?, "nb-NO");
    assert!(text_of(&agent, ".sb-contact .sb-contact-page").await?.ends_with("/pricing"));
    agent.click("button.sb-take").await?;
    wait::until("taken", UI_TIMEOUT, || async {
        (view_count(&agent, "mine").await.ok()? == "1").then_some(())
    })
    .await?;
    agent.click("button.sb-view--mine").await?;
    agent
        .wait_for_js("listed as mine", "return document.querySelectorAll('li.sb-inbox-item').length === 1;")
        .await?;
    save_screenshot(&agent, "console-conversation.png").await?;

    visitor.close().await?;
    agent.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_recolours_the_widget_and_changes_its_greeting() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page_origin = format!("http://localhost:{}", site.port());
    let edge = TestEdge::start(&[&page_origin])?;
    let _site = site.serve(&edge.origin());

    let admin = Browser::start().await?;
    sign_in_to_console(&admin, &edge).await?;
    admin.click("button.sb-screen--settings").await?;
    // A colour input is set the way its picker sets it: value, then input and change events.
    admin
        .wait_for_js(
            "the colour field",
            "const c = document.querySelector('input.sb-site-color'); if (!c) return false;
             c.value = '#0a7d4f'; c.dispatchEvent(new Event('input', { bubbles: true }));
             c.dispatchEvent(new Event('change', { bubbles: true })); return true;",
        )
        .await?;
    let greeting = admin.find("textarea.sb-site-greeting").await?;
    greeting.clear().await?;
    greeting.send_keys("Hej! Ask us anything about your order.").await?;
    admin.click("button.sb-site-submit").await?;
    admin.find(".sb-site-form .sb-settings-done").await?;

    // As an owner, the admin also creates a second site and gets its first admin's invite.
    admin.find("form.sb-site-create input[name=id]").await?.send_keys("acme").await?;
    admin.find("form.sb-site-create input[name=name]").await?.send_keys("Acme").await?;
    admin.find("form.sb-site-create textarea[name=origins]").await?.send_keys("https://acme.example").await?;
    admin.find("form.sb-site-create input[name=admin_name]").await?.send_keys("Ada").await?;
    admin.find("form.sb-site-create input[name=admin_email]").await?.send_keys("ada@acme.example").await?;
    admin.click("button.sb-site-create-submit").await?;
    admin
        .wait_for_js("the site listed", "return Array.from(document.querySelectorAll('li.sb-site')).some(li => li.textContent.includes('acme'));")
        .await?;
    let link = admin.find(".sb-sites input.sb-invite-url").await?.prop("value").await?.unwrap_or_default();
    assert!(link.contains("/console/#invite="), "{link}");

    // A visitor arriving now sees the new colour and greeting.
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{page_origin}/")).await?;
    open_widget(&visitor).await?;
    wait_for_text(&visitor, "Hej! Ask us anything about your order.").await?;
    let colour = visitor
        .wait_for_js(
            "the header in the new colour",
            "const h = document.querySelector('.sb-header'); const c = h && getComputedStyle(h).backgroundColor;
             return c === 'rgb(10, 125, 79)' ? c : false;",
        )
        .await?;
    assert_eq!(colour, json!("rgb(10, 125, 79)"));
    let text = visitor
        .client()
        .execute("return getComputedStyle(document.querySelector('.sb-header')).color;", vec![])
        .await?;
    assert_eq!(text, json!("rgb(255, 255, 255)"));

    visitor.close().await?;
    admin.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_the_password_keeps_this_browser_and_signs_the_others_out() -> Result<()> {
    use switchboard_tests::api::{create_session, Live};
    use switchboard_tests::ADMIN_PASSWORD;
    let edge = TestEdge::start(&["http://shop.test"])?;
    let (here, there) = (Browser::start().await?, Browser::start().await?);
    for browser in [&here, &there] {
        sign_in_to_console(browser, &edge).await?;
        browser.find("button.sb-screen--settings").await?.click().await?;
    }
    let form = here.find(".sb-password-form").await?;
    form.find(fantoccini::Locator::Css("input[name=current_password]"))
        .await?
        .send_keys(ADMIN_PASSWORD)
        .await?;
    for name in ["new_password", "again"] {
        form.find(fantoccini::Locator::Css(&format!("input[name={name}]")))
            .await?
            .send_keys("a-new-password-2026")
            .await?;
    }
    here.click(".sb-password-form button[type=submit]").await?;
    here.find(".sb-password-changed").await?;

    // The other browser is back at the sign-in form; this one goes on, live.
    there.find("form.sb-login").await?;
    here.click("button.sb-screen--inbox").await?;
    let session = create_session(&edge, "http://shop.test").await?;
    let mut visitor = Live::visitor(&edge, &session).await?;
    visitor.hello(switchboard_protocol::Seq(0)).await?;
    visitor.post("m-1", "is anyone there after the password change").await?;
    here.wait_for_js(
        "the new conversation in this browser's inbox",
        "return !document.querySelector('form.sb-login') && Array.from(document.querySelectorAll('li.sb-inbox-item')).some(li => li.textContent.includes('password change'));",
    )
    .await?;
    here.close().await?;
    there.close().await?;
    Ok(())
}
