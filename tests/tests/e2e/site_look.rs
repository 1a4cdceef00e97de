//! A site's look and hours as the widget gets them, against real workerd: `/launcher.js`
//! follows the admin's settings and revalidates by `ETag`, the site's own texts are checked,
//! the presence says when business hours begin again, and the reply tone is a WAV file.

use reqwest::Method;
use serde_json::json;
use switchboard_protocol::api::site_presence;
use switchboard_protocol::ErrorCode;
use switchboard_tests::api::{call, Session};
use switchboard_tests::test_edge::TestEdge;

const SHOP: &str = "https://shop.example";

async fn admin(edge: &TestEdge) -> anyhow::Result<Session> {
    Session::start(edge, switchboard_tests::ADMIN_EMAIL, switchboard_tests::ADMIN_PASSWORD).await
}

/// `GET url`: status, `ETag`, content type and body text, sending `If-None-Match` if given.
async fn get(url: &str, etag: Option<&str>) -> anyhow::Result<(u16, String, String, String)> {
    let mut request = reqwest::Client::new().get(url);
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    let response = request.send().await?;
    let header = |name: &str| {
        response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    };
    let (etag, kind) = (header("etag"), header("content-type"));
    Ok((response.status().as_u16(), etag, kind, response.text().await?))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_launcher_script_follows_the_admins_settings_and_revalidates() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let url = edge.url("/launcher.js?site=demo");
    let (status, etag, kind, script) = get(&url, None).await?;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/javascript"), "{kind}");
    assert!(script.starts_with("Switchboard(\"style\","), "{script}");
    assert!(script.contains("right:20px") && script.contains("#3d5afe") && !script.contains("::after"));
    // Unchanged: the browser's copy is still good.
    let (status, _, _, body) = get(&url, Some(&etag)).await?;
    assert_eq!((status, body.as_str()), (304, ""));

    let admin = admin(&edge).await?;
    let look = json!({ "appearance": { "color": "#ffd400", "position": "left", "launcher_icon": "help",
        "launcher_text": "Need help?", "sound": true, "texts": { "en": { "chat_title": "Ask Ada" } } } });
    let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&look)).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["appearance"]["launcher_text"], "Need help?");
    assert_eq!(reply.body["appearance"]["texts"]["en"]["chat_title"], "Ask Ada");

    // The old version is stale now: a new script, with the new look.
    let (status, new_etag, _, script) = get(&url, Some(&etag)).await?;
    assert_eq!(status, 200);
    assert_ne!(new_etag, etag);
    assert!(script.contains("left:20px;bottom:20px") && script.contains("background:#ffd400;color:#000000"));
    assert!(script.contains(r#"content:\"Need help\\3f \""#), "{script}");

    // The frame page carries the texts and the sound switch for the panel.
    let frame = reqwest::Client::new().get(edge.url("/frame?site=demo")).send().await?.text().await?;
    assert!(frame.contains("&quot;chat_title&quot;:&quot;Ask Ada&quot;"), "{frame}");
    assert!(frame.contains("&quot;sound&quot;:true"), "{frame}");

    // Unknown or missing sites.
    let (status, _, _, _) = get(&edge.url("/launcher.js?site=nosuchsite"), None).await?;
    assert_eq!(status, 404);
    let (status, _, _, _) = get(&edge.url("/launcher.js"), None).await?;
    assert_eq!(status, 400);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_looks_and_texts_are_refused_with_the_reason() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let admin = admin(&edge).await?;
    for (appearance, why) in [
        (json!({ "position": "top" }), "`right` or `left`"),
        (json!({ "launcher_icon": "rocket" }), "unknown variant `rocket`"),
        (json!({ "launcher_text": "x".repeat(25) }), "24 characters"),
        (json!({ "texts": { "pt": { "send": "Enviar" } } }), "speaks"),
        (json!({ "texts": { "en": { "sned": "Send" } } }), "no text"),
        (json!({ "texts": { "en": { "wait_many": "a while" } } }), "{n}"),
    ] {
        let patch = json!({ "appearance": appearance });
        let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&patch)).await?;
        assert_eq!((reply.status, reply.error_code()?), (400, ErrorCode::BadRequest), "{patch}");
        let message = reply.body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{patch}: {message}");
    }
    // Holidays: real dates, one exception per date, ranges like the week's.
    for (exceptions, why) in [
        (json!([{ "date": "2026-02-30" }]), "2026-02-30"),
        (json!([{ "date": "24.12.2026" }]), "24.12.2026"),
        (
            json!([{ "date": "2026-12-25" }, { "date": "2026-12-25", "hours": ["09:00-12:00"] }]),
            "two exceptions",
        ),
        (json!([{ "date": "2026-12-24", "hours": ["9-12"] }]), "9-12"),
        (json!([{ "date": "2026-12-24", "closed": true }]), "unknown field `closed`"),
    ] {
        let patch = json!({ "flow": { "hours": { "time_zone": "UTC", "mon": ["09:00-17:00"], "exceptions": exceptions } } });
        let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&patch)).await?;
        assert_eq!((reply.status, reply.error_code()?), (400, ErrorCode::BadRequest), "{patch}");
        let message = reply.body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{patch}: {message}");
    }
    let site = admin.call(&edge, Method::GET, "/api/v1/site", None::<&()>).await?;
    assert_eq!(site.body["appearance"]["position"], "right", "nothing was stored");
    assert!(site.body["flow"]["hours"].is_null(), "nothing was stored: {}", site.body["flow"]);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn presence_says_when_business_hours_begin_again() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let presence = || async {
        let url = edge.url("/api/v1/sites/demo/presence");
        call(Method::GET, &url, None, None, None::<&()>).await?.json::<site_presence::Response>()
    };
    let open = presence().await?;
    assert!(open.open && open.opens_at.is_none(), "no hours: always open");

    // Open one minute a week, on the day after tomorrow (UTC): closed now, whatever the day.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
    let day = (now / 86_400_000 + 2 + 3).rem_euclid(7); // 1970-01-01 was a Thursday (index 3)
    let name = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][day as usize];
    let flow = json!({ "flow": { "hours": { "time_zone": "UTC", name: ["09:00-09:01"] } } });
    let admin = admin(&edge).await?;
    let reply = admin.call(&edge, Method::PATCH, "/api/v1/site", Some(&flow)).await?;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Presence may be cached by the edge for a few seconds.
    let closed =
        switchboard_tests::wait::until("closed hours", std::time::Duration::from_secs(15), || async {
            presence().await.ok().filter(|p| !p.open)
        })
        .await?;
    let expected = (now / 86_400_000 + 2) * 86_400_000 + 9 * 3_600_000;
    assert_eq!(closed.opens_at, Some(expected));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reply_tone_is_a_small_wav_file() -> anyhow::Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let response = reqwest::Client::new().get(edge.url("/chime.wav")).send().await?;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "audio/wav");
    let bytes = response.bytes().await?;
    assert!(bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WAVE" && bytes.len() < 6_000);
    Ok(())
}
