//! The widget where it lives: other people's pages. Real Chromium against the real edge and
//! the demo site's pages: nothing fetched until the visitor reaches for the launcher (and at
//! once when replies wait), hostile CSS and patched globals, a strict CSP, languages and
//! right-to-left, keyboard only, a phone-sized screen, and an XSS corpus from both sides.

use anyhow::{ensure, Result};
use fantoccini::Locator;
use serde_json::Value;
use switchboard_demo_site::BoundSite;
use switchboard_protocol::Seq;
use switchboard_tests::api::{login, Live};
use switchboard_tests::browser::{
    open_widget, press, send_from_widget, sign_in_to_console, type_into_widget, wait_for_message,
    widget_conversation, Browser,
};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::{wait, IDENTITY_SECRET};

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";

/// An edge and the demo site on `localhost` (another site than the edge's `127.0.0.1`).
struct Setup {
    edge: TestEdge,
    page: String,
    _site: switchboard_demo_site::DemoSite,
}

impl Setup {
    /// The test admin, signed in.
    async fn admin(&self) -> Result<switchboard_tests::api::Session> {
        let (email, password) = (switchboard_tests::ADMIN_EMAIL, switchboard_tests::ADMIN_PASSWORD);
        switchboard_tests::api::Session::start(&self.edge, email, password).await
    }
}

fn setup() -> Result<Setup> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page = format!("http://localhost:{}", site.port());
    let edge = TestEdge::start(&[&page])?;
    let site = site.serve_with_identity(&edge.origin(), Some(IDENTITY_SECRET));
    Ok(Setup { edge, page, _site: site })
}

/// Runs `script` on the host page (leaving any frame first).
async fn on_page(browser: &Browser, script: &str) -> Result<Value> {
    browser.client().enter_parent_frame().await?;
    Ok(browser.client().execute(script, vec![]).await?)
}

/// Waits until the loader has drawn the launcher (styled by the site's `/launcher.js`).
async fn launcher_drawn(browser: &Browser) -> Result<()> {
    browser
        .wait_for_js(
            "the launcher",
            "const host = document.getElementById('switchboard-widget');
             const button = host && host.shadowRoot && host.shadowRoot.querySelector('button[part=launcher]');
             return !!button && getComputedStyle(button).display != 'none';",
        )
        .await?;
    Ok(())
}

/// Enters the chat frame (already created) without touching the launcher.
async fn enter_frame(browser: &Browser) -> Result<()> {
    let host = browser.find("#switchboard-widget").await?;
    let root = host.shadow_root().await?;
    let frame = wait::until("the chat frame", switchboard_tests::browser::UI_TIMEOUT, || async {
        root.find(Locator::Css("iframe")).await.ok()
    })
    .await?;
    frame.enter_frame().await?;
    Ok(())
}

/// What the host page holds and fetched, written without `Array.prototype` methods (the
/// hostile page breaks them).
const HOST_STATE: &str = "
    const root = document.getElementById('switchboard-widget').shadowRoot;
    const fetched = [];
    const entries = performance.getEntriesByType('resource');
    for (let i = 0; i < entries.length; i++) fetched.push(entries[i].name);
    const keys = [];
    for (let i = 0; i < localStorage.length; i++) keys.push(localStorage.key(i));
    const badge = root.querySelector('[part=badge]');
    return { frames: root.querySelectorAll('iframe').length, fetched, keys, cookies: document.cookie,
             badge: badge.hidden ? '' : badge.textContent };";

#[tokio::test(flavor = "multi_thread")]
async fn nothing_loads_until_touched_and_waiting_replies_load_the_frame_at_once() -> Result<()> {
    let setup = setup()?;
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{}/", setup.page)).await?;
    launcher_drawn(&visitor).await?;
    // The loader decides at once whether to start the frame: here it did not. Nothing but the
    // loader came from the edge, and nothing was written on the host page.
    let state = on_page(&visitor, HOST_STATE).await?;
    assert_eq!(state["frames"], 0, "{state}");
    let fetched: Vec<String> = serde_json::from_value(state["fetched"].clone())?;
    let from_edge: Vec<&String> =
        fetched.iter().filter(|url| url.starts_with(&setup.edge.origin())).collect();
    // Only the loader and the site's launcher look, two small scripts.
    assert_eq!(from_edge.len(), 2, "only the loader and launcher.js: {from_edge:?}");
    assert!(from_edge[0].ends_with("/widget.js"), "{from_edge:?}");
    assert!(from_edge[1].ends_with("/launcher.js?site=demo"), "{from_edge:?}");
    assert_eq!((state["keys"].clone(), state["cookies"].clone()), (Value::Array(vec![]), Value::from("")));

    // The visitor writes, closes the panel; the host page keeps one flag, no content.
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "Is the jacket waterproof?").await?;
    wait_for_message(&visitor, 1, "waterproof").await?;
    let conversation = widget_conversation(&visitor).await?;
    press(&visitor, ESCAPE, false).await?;
    let state = on_page(&visitor, HOST_STATE).await?;
    assert_eq!(state["keys"], serde_json::json!(["switchboard:demo:active"]), "{state}");

    // An agent answers while the visitor moves to another page: the new page starts the frame
    // at once (no touch), and the badge counts the reply.
    let cookie = login(&setup.edge).await?;
    let mut agent = Live::agent(&setup.edge, &cookie, &conversation).await?;
    agent.hello(Seq(0)).await?;
    agent.post("a-1", "Yes, fully taped seams.").await?;
    visitor.client().goto(&format!("{}/product.html", setup.page)).await?;
    launcher_drawn(&visitor).await?;
    let badge = visitor
        .wait_for_js(
            "the unread badge",
            "const b = document.getElementById('switchboard-widget').shadowRoot.querySelector('[part=badge]');
             return !b.hidden && b.textContent;",
        )
        .await?;
    assert_eq!(badge, "1");
    // The tab's title alternates with a note of the reply while the panel is closed.
    let own_title = on_page(&visitor, "return document.title;").await?;
    visitor
        .wait_for_js("the title to flash", "return document.title == '(1) New message' && document.title;")
        .await?;
    enter_frame(&visitor).await?;
    visitor
        .wait_for_js(
            "the frame's wasm",
            "return performance.getEntriesByType('resource').some(e => e.name.endsWith('.wasm'));",
        )
        .await?;
    // The visitor opens the panel the frame was loaded in (hidden) and answers.
    visitor.client().enter_parent_frame().await?;
    open_widget(&visitor).await?;
    wait_for_message(&visitor, 2, "taped seams").await?;
    // Opened: the page has its own title again, for good.
    let title = on_page(&visitor, "return document.title;").await?;
    assert_eq!(title, own_title);
    let flashing = visitor.client().execute(
        "return new Promise(done => { let seen = false; const t = setInterval(() => seen = seen || document.title.startsWith('('), 100);
                                      setTimeout(() => { clearInterval(t); done(seen); }, 2000); });",
        vec![],
    );
    assert_eq!(flashing.await?, Value::Bool(false), "the title still flashes after opening");
    open_widget(&visitor).await?;
    // Typed as an input event, sent with the button: keys may not reach a frame started
    // hidden in headless Chromium under load (see `type_into_widget`).
    type_into_widget(&visitor, "Great, thanks").await?;
    visitor.find("button.sb-send").await?.click().await?;
    wait_for_message(&visitor, 3, "Great, thanks").await?;
    visitor.close().await?;
    Ok(())
}

/// Computed styles and placement of the widget's parts on the host page (placement from the
/// viewport's bottom-right corner: pages differ in scrollbars).
const WIDGET_LOOK: &str = "
    const host = document.getElementById('switchboard-widget');
    const root = host.shadowRoot;
    const width = document.documentElement.clientWidth, height = document.documentElement.clientHeight;
    const look = (el, props) => {
      if (!el) return null;
      const style = getComputedStyle(el), out = {};
      for (const p of props) out[p] = style.getPropertyValue(p);
      const r = el.getBoundingClientRect();
      out.box = [Math.round(width - r.right), Math.round(height - r.bottom), Math.round(r.width), Math.round(r.height)];
      return out;
    };
    const button = root.querySelector('button[part=launcher]');
    const r = button.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {
      host: look(host, ['position', 'z-index', 'display', 'opacity', 'visibility', 'direction']),
      launcher: look(button, ['width', 'height', 'background-color', 'border-radius', 'display', 'opacity',
                              'visibility', 'cursor', 'box-shadow']),
      icon: look(root.querySelector('svg'), ['width', 'display', 'fill']),
      panel: look(root.querySelector('.panel'), ['position', 'border-radius', 'visibility', 'overflow']),
      frame: look(root.querySelector('iframe'), ['width', 'height', 'display', 'border-top-width']),
      on_top: top === host,
    };";

/// `value` without the `polluted` keys the hostile page's `Object.prototype` adds.
fn unpolluted(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter().filter(|(k, _)| k != "polluted").map(|(k, v)| (k, unpolluted(v))).collect(),
        ),
        other => other,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_css_and_patched_globals_change_nothing() -> Result<()> {
    let setup = setup()?;
    let mut looks = Vec::new();
    // One new visitor per page, so both start the same way (frame on the first click).
    for (page, text) in [("/", "from the plain page"), ("/hostile.html", "from the hostile page")] {
        let visitor = Browser::start().await?;
        visitor.client().goto(&format!("{}{page}", setup.page)).await?;
        launcher_drawn(&visitor).await?;
        let closed = on_page(&visitor, WIDGET_LOOK).await?;
        open_widget(&visitor).await?;
        // The panel works: patched fetch, JSON and Array.prototype live in the page, not in
        // the frame or the loader's path.
        send_from_widget(&visitor, text).await?;
        wait_for_message(&visitor, 1, text).await?;
        let open = on_page(&visitor, WIDGET_LOOK).await?;
        looks.push((closed, open));
        visitor.close().await?;
    }
    // The page pollutes Object.prototype, so its objects carry an inherited key: not ours.
    let looks: Vec<(Value, Value)> = looks.into_iter().map(|(a, b)| (unpolluted(a), unpolluted(b))).collect();
    let (plain, hostile) = (&looks[0], &looks[1]);
    assert_eq!(plain.0, hostile.0, "closed: the hostile page changed the launcher");
    assert_eq!(plain.1, hostile.1, "open: the hostile page changed the panel");
    assert_eq!(plain.0["on_top"], true, "{}", plain.0);
    assert_eq!(plain.1["panel"]["visibility"], "visible");
    // The widget's styles do not leak onto the page either.
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{}/cart.html", setup.page)).await?;
    launcher_drawn(&visitor).await?;
    let page_button = on_page(
        &visitor,
        "const b = document.createElement('button'); document.body.appendChild(b);
         const s = getComputedStyle(b); return [s.position, s.borderRadius];",
    )
    .await?;
    assert_eq!(page_button, serde_json::json!(["static", "0px"]));
    visitor.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_strict_csp_page_works_without_violations() -> Result<()> {
    let setup = setup()?;
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{}/strict-csp.html", setup.page)).await?;
    launcher_drawn(&visitor).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "Hello under a strict CSP").await?;
    wait_for_message(&visitor, 1, "strict CSP").await?;
    let violations = on_page(&visitor, "return window.cspViolations;").await?;
    assert_eq!(violations, serde_json::json!([]), "the page's CSP was violated");
    visitor.close().await?;
    Ok(())
}

/// The frame's language, direction and title, and which side the visitor's bubble is on.
const FRAME_LANGUAGE: &str = "
    const bubble = document.querySelector('li.sb-message--visitor');
    const list = bubble && bubble.parentElement.getBoundingClientRect(), r = bubble && bubble.getBoundingClientRect();
    return { lang: document.documentElement.lang, dir: document.documentElement.dir,
             title: document.querySelector('h1.sb-title').textContent,
             placeholder: document.querySelector('textarea[name=message]').placeholder,
             direction: getComputedStyle(document.querySelector('textarea')).direction,
             visitor_side: !r ? null : (r.left - list.left < list.right - r.right ? 'left' : 'right') };";

#[tokio::test(flavor = "multi_thread")]
async fn arabic_lays_the_panel_out_right_to_left_and_set_locale_switches_language() -> Result<()> {
    let setup = setup()?;
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{}/cart.html", setup.page)).await?;
    launcher_drawn(&visitor).await?;
    on_page(&visitor, "Switchboard('setLocale', 'ar');").await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "مرحبا").await?;
    wait_for_message(&visitor, 1, "مرحبا").await?;
    let arabic = visitor
        .wait_for_js(
            "Arabic",
            &format!(
                "const l = (function () {{ {FRAME_LANGUAGE} }})(); return l.title === 'تحدث معنا' && l;"
            ),
        )
        .await?;
    assert_eq!(arabic["lang"], "ar", "{arabic}");
    assert_eq!((arabic["dir"].as_str(), arabic["direction"].as_str()), (Some("rtl"), Some("rtl")));
    assert_eq!(arabic["title"], "تحدث معنا");
    assert_eq!(arabic["placeholder"], "اكتب رسالة…");
    // The visitor's own bubbles sit at the end of the line: the left, in Arabic.
    assert_eq!(arabic["visitor_side"], "left");

    on_page(&visitor, "Switchboard('setLocale', 'de');").await?;
    enter_frame(&visitor).await?;
    let german = visitor
        .wait_for_js(
            "German",
            &format!("const l = (function () {{ {FRAME_LANGUAGE} }})(); return l.title === 'Schreiben Sie uns' && l;"),
        )
        .await?;
    assert_eq!((german["dir"].as_str(), german["title"].as_str()), (Some("ltr"), Some("Schreiben Sie uns")));
    assert_eq!(german["visitor_side"], "right");
    visitor.close().await?;
    Ok(())
}

/// Whether the launcher has keyboard focus on the host page.
const LAUNCHER_FOCUSED: &str = "
    const host = document.activeElement;
    return !!(host && host.id === 'switchboard-widget' && host.shadowRoot.activeElement &&
              host.shadowRoot.activeElement.getAttribute('part') === 'launcher');";

#[tokio::test(flavor = "multi_thread")]
async fn keyboard_only_open_type_send_stay_inside_and_close() -> Result<()> {
    let setup = setup()?;
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{}/", setup.page)).await?;
    launcher_drawn(&visitor).await?;
    // Tab through the page's links until the launcher has focus.
    let mut reached = false;
    for _ in 0..30 {
        press(&visitor, TAB, false).await?;
        if on_page(&visitor, LAUNCHER_FOCUSED).await? == Value::Bool(true) {
            reached = true;
            break;
        }
    }
    ensure!(reached, "Tab never reached the launcher");
    let label = on_page(
        &visitor,
        "return document.getElementById('switchboard-widget').shadowRoot.activeElement.getAttribute('aria-label');",
    )
    .await?;
    assert_eq!(label, "Open chat");

    // Enter opens the panel with the message box focused; typing and Enter send.
    // Headless Chromium under load sometimes keeps keyboard input with the page although the
    // frame (preloaded when the launcher got focus) has focus (see the closing notes of
    // issue 6): then the first key goes nowhere, and the visitor's own remedy — Escape, Enter
    // on the launcher again — is what the test does, by keyboard still, up to three times.
    let mut typed = false;
    for _ in 0..3 {
        press(&visitor, ENTER, false).await?;
        enter_frame(&visitor).await?;
        visitor
            .wait_for_js("the message box to have focus", "return document.activeElement.name === 'message';")
            .await?;
        press(&visitor, "S", false).await?;
        let value = visitor.client().execute("return document.activeElement.value;", vec![]).await?;
        if value == "S" {
            typed = true;
            break;
        }
        visitor.client().enter_parent_frame().await?;
        press(&visitor, ESCAPE, false).await?;
        visitor.wait_for_js("the launcher to have focus again", LAUNCHER_FOCUSED).await?;
    }
    ensure!(typed, "keys never reached the message box");
    press(&visitor, "ent with the keyboard", false).await?;
    press(&visitor, ENTER, false).await?;
    wait_for_message(&visitor, 1, "Sent with the keyboard").await?;

    // Tab and Shift+Tab cycle inside the panel: focus never falls out to the page behind it.
    const FRAME_FOCUSED: &str = "const host = document.activeElement;
        return !!(host && host.id === 'switchboard-widget' && host.shadowRoot.activeElement &&
                  host.shadowRoot.activeElement.tagName === 'IFRAME');";
    for shift in [false, true] {
        for _ in 0..8 {
            press(&visitor, TAB, shift).await?;
            let inside = on_page(&visitor, FRAME_FOCUSED).await?;
            assert_eq!(inside, Value::Bool(true), "focus left the panel (shift: {shift})");
        }
    }
    enter_frame(&visitor).await?;
    // Every control has a name for screen readers.
    let unnamed = visitor
        .client()
        .execute(
            "return [...document.querySelectorAll('button, textarea')]
               .filter(el => !(el.getAttribute('aria-label') || el.textContent.trim())).length;",
            vec![],
        )
        .await?;
    assert_eq!(unnamed, 0);
    // New messages are announced: the list is a live region.
    let live = visitor.client().execute("return !!document.querySelector('[aria-live]');", vec![]).await?;
    assert_eq!(live, Value::Bool(true));

    // Escape closes the panel and gives focus back to the launcher.
    press(&visitor, ESCAPE, false).await?;
    visitor.client().enter_parent_frame().await?;
    visitor.wait_for_js("focus back on the launcher", LAUNCHER_FOCUSED).await?;
    let open = on_page(
        &visitor,
        "return document.getElementById('switchboard-widget').shadowRoot.querySelector('.panel').classList.contains('open');",
    )
    .await?;
    assert_eq!(open, Value::Bool(false));
    visitor.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_phone_the_panel_is_full_screen_and_input_does_not_zoom() -> Result<()> {
    let setup = setup()?;
    let visitor = Browser::start().await?;
    visitor.client().set_window_size(390, 844).await?;
    visitor.client().goto(&format!("{}/product.html", setup.page)).await?;
    launcher_drawn(&visitor).await?;
    open_widget(&visitor).await?;
    let font_size = visitor
        .wait_for_js(
            "the message box",
            "const t = document.querySelector('textarea[name=message]'); return t && parseFloat(getComputedStyle(t).fontSize);",
        )
        .await?;
    assert!(font_size.as_f64().unwrap_or(0.0) >= 16.0, "font size {font_size}: phones zoom below 16px");
    let placement = on_page(
        &visitor,
        "const root = document.getElementById('switchboard-widget').shadowRoot;
         const r = root.querySelector('.panel').getBoundingClientRect();
         return { box: [r.left, r.top, r.width, r.height], viewport: [document.documentElement.clientWidth, innerHeight],
                  launcher: getComputedStyle(root.querySelector('button[part=launcher]')).display };",
    )
    .await?;
    let (viewport_w, viewport_h) = (placement["viewport"][0].clone(), placement["viewport"][1].clone());
    assert_eq!(placement["box"], serde_json::json!([0, 0, viewport_w, viewport_h]), "{placement}");
    assert_eq!(placement["launcher"], "none", "the panel covers the launcher; it closes from its header");
    visitor.close().await?;
    Ok(())
}

/// Payloads that would run script or smuggle markup if any renderer took text as HTML; each
/// sets `window.__xss` if it ever runs.
const XSS: &[&str] = &[
    "<script>window.__xss = 1</script>",
    "<img src=x onerror=\"window.__xss = 2\">",
    "<svg/onload=window.__xss=3>",
    "<a href=\"javascript:window.__xss=4\">click me</a>",
    "javascript:window.__xss=5",
    "[link](javascript:window.__xss=6)",
    "https://example.com/\" onmouseover=\"window.__xss=7",
    "\"><iframe src=javascript:window.__xss=8></iframe>",
    "java\u{200B}script:window.__xss=9 \u{202E}gnp.exe ｊａｖａｓｃｒｉｐｔ:x",
    "{{constructor.constructor('window.__xss=10')()}} ${window.__xss=11}",
];

/// Whether the current frame rendered every message inert: no script ran, no element came
/// from a message's text, every link is http(s).
const INERT: &str = "
    if (window.__xss) return 'script ran: ' + window.__xss;
    const bad = document.querySelector('.sb-message script, .sb-message img, .sb-message iframe, ' +
      '.sb-message svg, .sb-message [onerror], .sb-message [onload], .sb-message [onmouseover]');
    if (bad) return 'element from text: ' + bad.outerHTML;
    for (const a of document.querySelectorAll('.sb-message a')) {
      if (!/^https?:\\/\\//.test(a.getAttribute('href')) || a.rel.indexOf('noopener') < 0) return 'link: ' + a.outerHTML;
    }
    return 'inert';";

#[tokio::test(flavor = "multi_thread")]
async fn an_xss_corpus_from_either_side_renders_as_inert_text() -> Result<()> {
    let setup = setup()?;
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{}/", setup.page)).await?;
    open_widget(&visitor).await?;
    for (i, payload) in XSS.iter().enumerate() {
        send_from_widget(&visitor, payload).await?;
        wait_for_message(&visitor, i + 1, payload).await?;
    }

    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &setup.edge).await?;
    agent.find("li.sb-inbox-item button.sb-inbox-open").await?.click().await?;
    wait_for_message(&agent, XSS.len(), XSS[XSS.len() - 1]).await?;
    for (i, payload) in XSS.iter().enumerate() {
        agent.find("textarea[name=reply]").await?.send_keys(payload).await?;
        agent.find("form.sb-reply button.sb-send").await?.click().await?;
        wait_for_message(&agent, XSS.len() + i + 1, payload).await?;
    }
    // Both sides show every payload as the text it is, and nothing ran.
    let shown = wait_for_message(&visitor, 2 * XSS.len(), XSS[XSS.len() - 1]).await?;
    for (i, payload) in XSS.iter().chain(XSS).enumerate() {
        assert!(shown[i].2.contains(payload), "message {i} shows {:?}, not {payload:?}", shown[i].2);
    }
    for (who, browser) in [("visitor", &visitor), ("agent", &agent)] {
        let verdict = browser.client().execute(INERT, vec![]).await?;
        assert_eq!(verdict, "inert", "{who}");
    }
    visitor.close().await?;
    agent.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_in_customer_is_verified_and_a_forged_identify_stays_anonymous() -> Result<()> {
    let setup = setup()?;
    let admin = setup.admin().await?;

    // The account page's backend signed its customer's token: the console shows each signed
    // field verified.
    let customer = Browser::start().await?;
    customer.client().goto(&format!("{}/account.html", setup.page)).await?;
    open_widget(&customer).await?;
    send_from_widget(&customer, "Where is my order?").await?;
    wait_for_message(&customer, 1, "my order").await?;
    let conversation = widget_conversation(&customer).await?;
    let contact = admin.contact_when(&setup.edge, &conversation, |c| c.verified()).await?;
    let identity = contact.identity.clone().unwrap_or_default();
    assert_eq!(identity.user_id, "customer-1042");
    assert_eq!(identity.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(identity.attributes.get("orders").map(String::as_str), Some("7"));

    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &setup.edge).await?;
    agent.find("li.sb-inbox-item button.sb-inbox-open").await?.click().await?;
    let shown = agent
        .wait_for_js(
            "the contact panel's signed fields",
            "const panel = document.querySelector('.sb-contact');
             const mark = (css) => panel?.querySelector(css + ' .sb-field-verified') ? 'verified' : 'plain';
             return panel?.querySelector('.sb-verified') && [
               panel.querySelector('.sb-contact-name').textContent,
               mark('.sb-contact-user-id'), mark('.sb-contact-signed-name'), mark('.sb-contact-email')];",
        )
        .await?;
    assert_eq!(shown, serde_json::json!(["Ada LovelaceVerified", "verified", "verified", "verified"]));
    agent.close().await?;

    // Someone pretending to be that customer from the browser console gets nowhere.
    let impostor = Browser::start().await?;
    impostor.client().goto(&format!("{}/cart.html", setup.page)).await?;
    launcher_drawn(&impostor).await?;
    on_page(
        &impostor,
        "Switchboard('identify', { user_id: 'customer-1042', user_hash: '00'.repeat(32), name: 'Mallory' });",
    )
    .await?;
    open_widget(&impostor).await?;
    send_from_widget(&impostor, "I am Ada, honest").await?;
    wait_for_message(&impostor, 1, "honest").await?;
    // By the time a later message is stored, the claim sent after `hello` was long judged.
    send_from_widget(&impostor, "Really").await?;
    wait_for_message(&impostor, 2, "Really").await?;
    let conversation = widget_conversation(&impostor).await?;
    let contact = admin.contact_when(&setup.edge, &conversation, |_| true).await?;
    assert!(!contact.verified() && contact.name.is_none(), "{contact:?}");
    customer.close().await?;
    impostor.close().await?;
    Ok(())
}

/// Waits until an event line in the current frame contains `text`.
async fn wait_for_event(browser: &Browser, text: &str) -> Result<()> {
    let script = format!(
        "return [...document.querySelectorAll('.sb-event')].some(e => e.textContent.includes({text:?}));"
    );
    browser.wait_for_js(&format!("an event line with {text:?}"), &script).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_rates_a_resolved_conversation_and_the_console_shows_it() -> Result<()> {
    let setup = setup()?;
    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{}/", setup.page)).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "Can I change my delivery address?").await?;
    wait_for_message(&visitor, 1, "delivery address").await?;

    let agent = Browser::start().await?;
    sign_in_to_console(&agent, &setup.edge).await?;
    agent.find("li.sb-inbox-item button.sb-inbox-open").await?.click().await?;
    wait_for_message(&agent, 1, "delivery address").await?;
    agent.find("button.sb-resolve").await?.click().await?;

    // The widget asks for a rating; Send waits for a score.
    let send = visitor.find("form.sb-csat button.sb-csat-send").await?;
    assert!(send.attr("disabled").await?.is_some(), "Send before a score is chosen");
    visitor.find("button.sb-csat-score[data-score='4']").await?.click().await?;
    visitor.find("button.sb-csat-score[aria-pressed='true'][data-score='4']").await?;
    visitor.find("form.sb-csat textarea[name=comment]").await?.send_keys("Fast and friendly").await?;
    visitor.find("form.sb-csat button.sb-csat-send").await?.click().await?;
    wait_for_event(&visitor, "Rated 4/5").await?;
    visitor.wait_for_js("the card to go", "return !document.querySelector('form.sb-csat');").await?;

    // The agent sees it in the conversation's timeline.
    wait_for_event(&agent, "Rated 4/5: “Fast and friendly”").await?;
    visitor.close().await?;
    agent.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pre_chat_form_checks_answers_before_the_first_message() -> Result<()> {
    use reqwest::Method;
    let setup = setup()?;
    let admin = setup.admin().await?;
    let form = serde_json::json!({ "prechat": [
        { "name": "name", "label": "Your name", "required": true },
        { "name": "email", "label": "Email", "kind": { "type": "email" }, "required": true },
        { "name": "order", "label": "Order number", "kind": { "type": "digits", "min": 4, "max": 8 } },
    ]});
    let reply = admin.call(&setup.edge, Method::PATCH, "/api/v1/site", Some(&form)).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let visitor = Browser::start().await?;
    visitor.client().goto(&format!("{}/", setup.page)).await?;
    open_widget(&visitor).await?;
    visitor.find("form.sb-prechat").await?;
    let composer = visitor
        .client()
        .execute("return !!document.querySelector('textarea[name=message]');", vec![])
        .await?;
    assert_eq!(composer, Value::Bool(false), "the form stands before the message box");
    let errors = "return [...document.querySelectorAll('input[aria-invalid=true]')].map(i => i.name + ': ' +
        document.getElementById(i.getAttribute('aria-describedby')).textContent);";

    // Empty: both required fields say so.
    visitor.find("button.sb-prechat-start").await?.click().await?;
    let shown = visitor
        .wait_for_js(
            "the problems",
            &format!("const e = (function () {{ {errors} }})(); return e.length && e;"),
        )
        .await?;
    assert_eq!(shown, serde_json::json!(["name: Please fill this in.", "email: Please fill this in."]));
    // A bad email and a bad order number, each by its field.
    visitor.find("input[name=name]").await?.send_keys("Ada").await?;
    visitor.find("input[name=email]").await?.send_keys("ada@").await?;
    visitor.find("input[name=order]").await?.send_keys("12").await?;
    visitor.find("button.sb-prechat-start").await?.click().await?;
    let shown = visitor
        .wait_for_js(
            "the new problems",
            &format!("const e = (function () {{ {errors} }})(); return e.length === 2 && e;"),
        )
        .await?;
    assert_eq!(
        shown,
        serde_json::json!([
            "email: Please enter a valid email address.",
            "order: Please enter the number only."
        ])
    );
    visitor.find("input[name=email]").await?.send_keys("example.com").await?;
    visitor.find("input[name=order]").await?.clear().await?;
    visitor.find("button.sb-prechat-start").await?.click().await?;

    // Accepted: the message box takes its place; the agents see who is writing.
    send_from_widget(&visitor, "Hello, it's Ada").await?;
    wait_for_message(&visitor, 1, "it's Ada").await?;
    let conversation = widget_conversation(&visitor).await?;
    let contact = admin.contact_when(&setup.edge, &conversation, |c| c.email.is_some()).await?;
    assert_eq!((contact.name.as_deref(), contact.email.as_deref()), (Some("Ada"), Some("ada@example.com")));
    visitor.close().await?;
    Ok(())
}
