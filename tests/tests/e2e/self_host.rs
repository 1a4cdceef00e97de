//! The same build, self-hosted: the bundle `wrangler deploy` uploads, run by plain workerd
//! (`switchboard_tests::self_host`, as `cargo xtask self-host` writes it) with its storage on
//! local disk. An agent signs in, a visitor chats with them over real WebSockets, the loader
//! is served; workerd is stopped and started again and every message is still there, in
//! order, once.

use anyhow::{ensure, Result};
use reqwest::Method;
use switchboard_protocol::api::{agent_login, create_session};
use switchboard_protocol::{Author, Seq, SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX};
use switchboard_tests::api::{call, Live, Session};
use switchboard_tests::self_host::{self, SelfHosted};
use switchboard_tests::{ADMIN_EMAIL, ADMIN_PASSWORD, SESSION_SECRET, SITE};

const SHOP: &str = "https://shop.example";

#[tokio::test(flavor = "multi_thread")]
async fn a_self_hosted_edge_chats_and_keeps_every_message_across_a_restart() -> Result<()> {
    let dir = tempfile::Builder::new().prefix("switchboard-self-host-").tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let origin = format!("http://127.0.0.1:{port}");
    let config = self_host::write(
        dir.path(),
        &format!("127.0.0.1:{port}"),
        &[("BOOTSTRAP_ALLOWED_ORIGINS", SHOP)],
        &["SESSION_SECRET", "BOOTSTRAP_ADMIN_PASSWORD"],
    )?;
    let secrets = [("SESSION_SECRET", SESSION_SECRET), ("BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD)];
    let (mut edge, _) = SelfHosted::start(&config, &origin, &secrets)?;

    // The loader comes from the front worker's files, the API from the edge.
    let loader = reqwest::get(format!("{origin}/widget.js")).await?;
    ensure!(loader.status() == 200, "the loader: {}", loader.status());
    ensure!(loader.headers()["content-type"].to_str()?.starts_with("text/javascript"));

    let login =
        agent_login::Request { email: ADMIN_EMAIL.into(), password: ADMIN_PASSWORD.into(), code: None };
    let admin = Session::from_reply(
        call(Method::POST, &format!("{origin}/api/v1/agent/login"), None, None, Some(&login)).await?,
    )?;
    let request = create_session::Request {
        site_id: SITE.parse()?,
        page_origin: None,
        visitor_token: None,
        proactive: None,
    };
    let created =
        call(Method::POST, &format!("{origin}/api/v1/sessions"), Some(SHOP), None, Some(&request)).await?;
    ensure!(created.status == 201, "a visitor session: {} {}", created.status, created.body);
    let session: create_session::Response = created.json()?;
    let live =
        format!("{}/api/v1/conversations/{}/live", origin.replacen("http", "ws", 1), session.conversation_id);
    let token = format!("{TOKEN_SUBPROTOCOL_PREFIX}{}", session.token);
    let mut visitor = Live::connect(&live, &[SUBPROTOCOL.to_string(), token], Some(&origin), None).await?;
    visitor.hello(Seq(0)).await?;
    let mut agent =
        Live::connect(&live, &[SUBPROTOCOL.to_string()], Some(&origin), Some(&admin.cookie)).await?;
    agent.hello(Seq(0)).await?;
    let mut sent = Vec::new();
    for n in 1..=5 {
        let text = format!("visitor message {n}");
        visitor.post(&format!("v-{n}"), &text).await?;
        sent.push(text);
        let text = format!("agent answer {n}");
        agent.post(&format!("a-{n}"), &text).await?;
        sent.push(text);
    }
    drop((visitor, agent));

    edge.restart()?;
    let path = format!("{origin}/api/v1/conversations/{}/messages?limit=100", session.conversation_id);
    let page = call::<()>(Method::GET, &path, None, Some(&admin.cookie), None).await?;
    ensure!(page.status == 200, "after the restart: {} {}", page.status, page.body);
    let messages: Vec<switchboard_protocol::Message> = serde_json::from_value(page.body["messages"].clone())?;
    let texts: Vec<&str> = messages
        .iter()
        .filter(|m| matches!(m.author, Author::Visitor { .. } | Author::Agent { .. }))
        .map(|m| m.text.as_str())
        .collect();
    ensure!(
        texts == sent.iter().map(String::as_str).collect::<Vec<_>>(),
        "after the restart: {texts:?}\n{}",
        edge.log()
    );
    Ok(())
}
