//! The site's look, words and hours as a visitor sees them: real Chromium on the demo site
//! against the real edge, after an admin changed the settings through the API.

use anyhow::Result;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard_demo_site::BoundSite;
use switchboard_protocol::{ConversationId, Seq};
use switchboard_tests::api::{login, Live, Session};
use switchboard_tests::browser::{open_widget, presence_line, send_from_widget, wait_for_message, Browser};
use switchboard_tests::test_edge::TestEdge;

/// The launcher as drawn on the host page: where, which colour, its words and icon.
const LAUNCHER: &str = "
    const button = document.getElementById('switchboard-widget').shadowRoot.querySelector('button[part=launcher]');
    if (getComputedStyle(button).display == 'none') return null;
    const rect = button.getBoundingClientRect();
    return { left: rect.left, right: innerWidth - rect.right, background: getComputedStyle(button).backgroundColor,
             words: getComputedStyle(button, '::after').content, icon: button.querySelector('path').getAttribute('d') };";

#[tokio::test(flavor = "multi_thread")]
async fn the_admins_look_words_and_hours_reach_new_page_loads() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page = format!("http://localhost:{}/", site.port());
    let edge = TestEdge::start(&[page.trim_end_matches('/')])?;
    let _site = site.serve(&edge.origin());

    // Before: the default look.
    let visitor = Browser::start().await?;
    visitor.client().goto(&page).await?;
    let before = visitor.wait_for_js("the launcher", LAUNCHER).await?;
    assert_eq!(before["right"], 20.0, "{before}");
    assert_eq!(before["background"], "rgb(61, 90, 254)");
    assert_eq!(before["words"], "none");
    visitor.close().await?;

    // The admin picks a yellow pill on the left with a question mark, their own title, sound,
    // and business hours that are closed now (one minute, the day after tomorrow, UTC).
    let admin =
        Session::start(&edge, switchboard_tests::ADMIN_EMAIL, switchboard_tests::ADMIN_PASSWORD).await?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
    let day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][((now / 86_400_000 + 2 + 3) % 7) as usize];
    let settings = json!({
        "appearance": { "color": "#ffd400", "position": "left", "launcher_icon": "help", "launcher_text": "Need help?",
                        "sound": true, "texts": { "en": { "chat_title": "Ask Ada" } } },
        "flow": { "hours": { "time_zone": "UTC", day: ["09:00-09:01"] } },
    });
    let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&settings)).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // And a photo of themselves, which visitors see beside their replies.
    let photo = format!("/api/v1/agents/{}/avatar", admin.agent.id);
    let (status, body) = admin
        .send_bytes(&edge, Method::PUT, &photo, "image/png", switchboard_tests::TINY_PNG.to_vec())
        .await?;
    assert_eq!(status, 200, "{body}");

    // A new page load shows it: the launcher, then the panel.
    let visitor = Browser::start().await?;
    visitor.client().goto(&page).await?;
    let after = visitor.wait_for_js("the new launcher", LAUNCHER).await?;
    assert_eq!(after["left"], 20.0, "{after}");
    assert_eq!(after["background"], "rgb(255, 212, 0)");
    assert_eq!(after["words"], "\"Need help?\"");
    assert!(after["icon"].as_str().unwrap_or_default().starts_with("M12 2a10 10"), "{after}");
    switchboard_tests::browser::save_screenshot(&visitor, "launcher-site-look.png").await?;
    open_widget(&visitor).await?;
    visitor
        .wait_for_js(
            "the site's title",
            "return document.querySelector('h1.sb-title').textContent == 'Ask Ada';",
        )
        .await?;
    let away = presence_line(&visitor).await?;
    assert!(away.starts_with("Away — back "), "{away}");

    // Today's messages sit under "Today"; a reply plays the tone.
    send_from_widget(&visitor, "Do you ship to Norway?").await?;
    wait_for_message(&visitor, 1, "Norway").await?;
    let separator = visitor
        .wait_for_js(
            "the day separator",
            "const d = document.querySelector('ol.sb-messages li.sb-day'); return d && d.textContent;",
        )
        .await?;
    assert_eq!(separator, "Today");
    let session = visitor
        .wait_for_js("a stored session", "return localStorage.getItem('switchboard:demo:session');")
        .await?;
    let session: Value = serde_json::from_str(session.as_str().unwrap_or_default())?;
    let conversation: ConversationId = session["conversation_id"].as_str().unwrap_or_default().parse()?;
    let cookie = login(&edge).await?;
    let mut agent = Live::agent(&edge, &cookie, &conversation).await?;
    agent.hello(Seq(0)).await?;
    agent.post("a-1", "Yes, in 3 days.").await?;
    // After the visitor's message and the bot's two (away notice, email question).
    wait_for_message(&visitor, 4, "3 days").await?;
    // Each author's face: the bot's initials on a colour of its own, the same on every
    // message; the agent's photo instead of their initials ("DA").
    let faces = visitor
        .client()
        .execute(
            "return Array.from(document.querySelectorAll('li.sb-message .sb-avatar')).map(a => [
                a.dataset.initials, getComputedStyle(a).backgroundColor, a.getAttribute('aria-hidden'),
                getComputedStyle(a, '::before').content, getComputedStyle(a).backgroundImage]);",
            vec![],
        )
        .await?;
    let faces: Vec<(String, String, String, String, String)> = serde_json::from_value(faces)?;
    assert_eq!(faces.len(), 3, "two bot messages and the agent's: {faces:?}");
    assert_eq!((faces[0].0.as_str(), faces[0].3.as_str()), ("A", "\"A\""), "{faces:?}");
    assert_eq!(faces[0].1, faces[1].1, "one author, one colour: {faces:?}");
    assert!(faces.iter().all(|face| face.1.starts_with("rgb(") && face.2 == "true"));
    assert_eq!((faces[0].4.as_str(), faces[2].3.as_str()), ("none", "none"), "{faces:?}");
    assert!(faces[2].4.contains(&format!("/avatars/demo/{}?v=", admin.agent.id)), "{faces:?}");
    visitor
        .wait_for_js(
            "the agent's photo",
            "return performance.getEntriesByType('resource').some(e => e.name.includes('/avatars/demo/') && e.responseEnd > 0);",
        )
        .await?;
    visitor
        .wait_for_js(
            "the reply tone",
            "return performance.getEntriesByType('resource').some(e => e.name.endsWith('/chime.wav'));",
        )
        .await?;

    // The transcript: the link the widget clicks is caught to read the file it hands over.
    visitor
        .client()
        .execute(
            "const click = HTMLElement.prototype.click;
             HTMLElement.prototype.click = function () {
               if (this.download) { window.saved = [this.download, decodeURIComponent(this.href.split(',')[1])]; return; }
               return click.call(this);
             };",
            vec![],
        )
        .await?;
    visitor.client().enter_parent_frame().await?;
    switchboard_tests::browser::save_screenshot(&visitor, "widget-site-look.png").await?;
    open_widget(&visitor).await?;
    visitor.find("button.sb-download").await?.click().await?;
    let saved = visitor.wait_for_js("the transcript", "return window.saved;").await?;
    let (name, text) = (saved[0].as_str().unwrap_or_default(), saved[1].as_str().unwrap_or_default());
    assert!(name.starts_with("conversation-20") && name.ends_with(".txt"), "{name}");
    assert!(text.starts_with("Ask Ada\n\nToday\n"), "{text}");
    let (question, answer) = (text.find("Do you ship to Norway?"), text.find("Yes, in 3 days."));
    assert!(question.is_some() && answer > question, "both, in order: {text}");
    let author = text.find(switchboard_tests::ADMIN_NAME);
    assert!(author > question && author < answer, "the agent's name above the answer: {text}");
    assert!(!text.contains("DA"), "avatars stay out of the text: {text}");
    visitor.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bots_cards_show_as_text_with_a_safe_link_button() -> Result<()> {
    let site = BoundSite::bind("127.0.0.1:0")?;
    let page = format!("http://localhost:{}/", site.port());
    let edge = TestEdge::start(&[page.trim_end_matches('/')])?;
    let _site = site.serve(&edge.origin());
    let admin =
        Session::start(&edge, switchboard_tests::ADMIN_EMAIL, switchboard_tests::ADMIN_PASSWORD).await?;
    let flow = json!({ "flow": { "bot": { "name": "Sam", "intents": [{
        "name": "Returns", "phrases": ["return"], "answer": "Here is how returns work.",
        "cards": [
            { "title": "Returns <img src=x onerror=alert(1)>", "text": "Free within 30 days.",
              "link": { "label": "Start a return", "url": "https://shop.example/returns" } },
            { "title": "Sizes" }
        ] }] } } });
    let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&flow)).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let visitor = Browser::start().await?;
    visitor.client().goto(&page).await?;
    open_widget(&visitor).await?;
    send_from_widget(&visitor, "How do I return my boots?").await?;
    visitor
        .wait_for_js(
            "the bot's answer",
            "return Array.from(document.querySelectorAll('li.sb-message')).some(li => li.textContent.includes('how returns work'));",
        )
        .await?;
    let cards = visitor
        .wait_for_js(
            "the cards",
            "const cards = document.querySelectorAll('li.sb-card');
             return cards.length == 2 && Array.from(cards).map(card => {
               const link = card.querySelector('a');
               return { title: card.querySelector('.sb-card-title').textContent,
                        text: (card.querySelector('.sb-card-text') || {}).textContent || null,
                        link: link && [link.textContent, link.href, link.target, link.rel] };
             });",
        )
        .await?;
    assert_eq!(
        cards,
        json!([
            { "title": "Returns <img src=x onerror=alert(1)>", "text": "Free within 30 days.",
              "link": ["Start a return", "https://shop.example/returns", "_blank", "noopener noreferrer"] },
            { "title": "Sizes", "text": null, "link": null },
        ])
    );
    let images = visitor
        .client()
        .execute("return document.querySelectorAll('li.sb-card img').length;", vec![])
        .await?;
    assert_eq!(images, json!(0), "the title stayed text");
    visitor.close().await?;
    Ok(())
}
