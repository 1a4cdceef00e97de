//! The HTML shells of the widget frame (`/frame?site=…`) and the agent console (`/console/`).
//!
//! Each shell loads one hashed stylesheet and one hashed module script (names from the
//! manifest `cargo xtask build` writes) under a strict Content Security Policy. The frame's
//! `frame-ancestors` lists the site's allowed origins, so only the site's own pages can embed
//! the chat panel — the browser enforces it.

use serde::Deserialize;
use switchboard_core::site::SiteConfig;
use switchboard_core::{launcher, proactive};
use switchboard_protocol::{ErrorCode, SiteId};
use worker::{Headers, Request, Response};

use crate::env::Ctx;
use crate::error::{EdgeError, EdgeResult};
use crate::{http, site_cache};

/// Hashed asset paths, from `edge/generated/assets.json` (see `build.rs`).
#[derive(Deserialize)]
struct Manifest {
    widget: Shell,
    console: Shell,
}

/// The two files one HTML shell loads.
#[derive(Deserialize)]
struct Shell {
    script: String,
    style: String,
}

const MANIFEST_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/assets.json"));

fn manifest() -> EdgeResult<Manifest> {
    serde_json::from_str::<Option<Manifest>>(MANIFEST_JSON)?.ok_or_else(|| {
        EdgeError::refuse(
            ErrorCode::Internal,
            "the widget and console are not built: run `cargo xtask build`",
        )
    })
}

/// `GET /frame?site=ID`: the chat panel, embeddable only by the site's allowed origins.
pub(crate) async fn frame(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let site = http::query(req, "site")?
        .ok_or_else(|| EdgeError::refuse(ErrorCode::BadRequest, "the frame needs ?site=SITE_ID"))?;
    let site = SiteId::parse(site).map_err(|e| EdgeError::refuse(ErrorCode::BadRequest, e.to_string()))?;
    let config = site_cache::config(env, &site, env.now).await?;
    let origins = config.origins().map_err(|e| worker::Error::RustError(e.to_string()))?;
    let ancestors: Vec<String> = origins.patterns().collect();
    let ancestors = if ancestors.is_empty() { "'none'".to_string() } else { ancestors.join(" ") };
    let own = http::own_origin(req)?;
    let shell = manifest()?.widget;
    // The site's theme, a stylesheet of its own (the CSP allows no inline styles), named by a
    // hash of its content so a changed theme is a new URL and an unchanged one stays cached.
    let css = theme_css(&config);
    let theme = format!("/frame/theme.css?site={site}&v={}", switchboard_core::appearance::version(&css));
    // What the panel needs of the site's settings rides in the page it loads anyway (no
    // request more), as JSON in a meta tag: the frame's CSP allows no inline script.
    let appearance = &config.appearance;
    let config = serde_json::json!({ "prechat": config.prechat, "texts": appearance.texts, "sound": appearance.sound });
    let meta = format!("<meta name=\"switchboard-config\" content=\"{}\">", attribute(&config.to_string()));
    page(&shell, "Chat", &csp(&own, &ancestors), &format!("<link rel=\"stylesheet\" href=\"{theme}\">{meta}"))
}

/// `text` escaped for a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// `GET /frame/theme.css?site=ID`: the site's theme colours and agents' photos for the chat
/// panel. Cached a day (the frame names it by content hash), revalidated with its `ETag`.
pub(crate) async fn theme(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let config = site_cache::config(env, &site_of(req, "the theme")?, env.now).await?;
    versioned(req, theme_css(&config), "text/css; charset=utf-8", "public, max-age=86400")
}

/// The frame's theme: the site's colours, then its agents' photos.
fn theme_css(config: &SiteConfig) -> String {
    switchboard_core::appearance::frame_css(&config.appearance)
        + &switchboard_core::avatar::photo_css(&config.id, &config.avatars)
}

/// `GET /launcher.js?site=ID`: the launcher's look (colour, corner, icon, words), which the
/// loader adds to every page (`core::launcher`). Cached a minute, then revalidated with its
/// `ETag`, so an admin's change shows on page loads within about a minute. A site that hides
/// the launcher while the team is offline gets it revalidated on every page load instead
/// (a `304` while nothing changed), so it comes back as soon as an agent does; so does one
/// with proactive messages shown only while the team is online. The site's proactive
/// messages ride along (`core::proactive`), with the script that shows them.
pub(crate) async fn launcher(req: &Request, env: &Ctx<'_>) -> EdgeResult<Response> {
    let site = site_of(req, "the launcher")?;
    let config = site_cache::config(env, &site, env.now).await?;
    let appearance = &config.appearance;
    let proactive = |offline| proactive::on_page(&config.proactive_messages, offline, &config.flow.bot.name);
    if !launcher::needs_presence(appearance, &config.proactive_messages) {
        let script = launcher::script(appearance, false, &site, &proactive(false));
        return versioned(req, script, "text/javascript; charset=utf-8", "public, max-age=60");
    }
    // Fails open: a site object that cannot say who is there must not take the launcher away
    // (nor the chat of visitors who have one).
    let offline = match site_cache::presence(env, &site, env.now).await {
        Ok(presence) => launcher::offline(&presence),
        Err(error) => {
            worker::console_error!("launcher presence for {site}: {error:?}");
            false
        }
    };
    let script = launcher::script(appearance, offline, &site, &proactive(offline));
    versioned(req, script, "text/javascript; charset=utf-8", "no-cache")
}

/// `GET /chime.wav`: the widget's reply tone (`core::chime`), for sites with sound on.
pub(crate) fn chime() -> EdgeResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "audio/wav")?;
    headers.set("cache-control", "public, max-age=86400")?;
    headers.set("x-content-type-options", "nosniff")?;
    Ok(Response::from_bytes(switchboard_core::chime::wav())?.with_headers(headers))
}

fn site_of(req: &Request, what: &str) -> EdgeResult<SiteId> {
    http::query(req, "site")?
        .and_then(|id| SiteId::parse(id).ok())
        .ok_or_else(|| EdgeError::refuse(ErrorCode::BadRequest, format!("{what} needs ?site=SITE_ID")))
}

/// `body` with an `ETag` of its content, or `304` when the browser has that version.
fn versioned(req: &Request, body: String, content_type: &str, cache: &str) -> EdgeResult<Response> {
    let etag = format!("\"{}\"", switchboard_core::appearance::version(&body));
    let headers = Headers::new();
    headers.set("etag", &etag)?;
    headers.set("cache-control", cache)?;
    headers.set("x-content-type-options", "nosniff")?;
    if req.headers().get("if-none-match")?.is_some_and(|given| given == etag) {
        return Ok(Response::empty()?.with_status(304).with_headers(headers));
    }
    headers.set("content-type", content_type)?;
    Ok(Response::ok(body)?.with_headers(headers))
}

/// `GET /favicon.ico` and `/favicon.svg`: the product's mark (browsers ask for the first
/// whatever a page links; the console links the second).
pub(crate) fn favicon() -> EdgeResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "image/svg+xml")?;
    headers.set("cache-control", "public, max-age=86400")?;
    headers.set("x-content-type-options", "nosniff")?;
    Ok(Response::ok(include_str!("favicon.svg"))?.with_headers(headers))
}

/// `GET /console/`: the agent console; never framed.
pub(crate) fn console(req: &Request) -> EdgeResult<Response> {
    let shell = manifest()?.console;
    let icon = "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">";
    let response = page(&shell, "Switchboard", &csp(&http::own_origin(req)?, "'none'"), icon)?;
    response.headers().set("x-frame-options", "DENY")?;
    Ok(response)
}

/// The CSP of a shell: scripts and styles only from this origin, wasm allowed, network only
/// to this origin (http and WebSocket, listed explicitly), framing only by `ancestors`.
fn csp(own_origin: &str, ancestors: &str) -> String {
    let sockets = own_origin.replacen("http", "ws", 1);
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; media-src 'self'; connect-src 'self' {sockets}; base-uri 'none'; \
         form-action 'none'; frame-ancestors {ancestors}"
    )
}

/// A shell page; `head` goes after the shell's stylesheet (so a theme's custom properties
/// win).
fn page(shell: &Shell, title: &str, csp: &str, head: &str) -> EdgeResult<Response> {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"{style}\">{head}\
         <script type=\"module\" src=\"{script}\"></script></head><body></body></html>",
        style = shell.style,
        script = shell.script,
    );
    let headers = Headers::new();
    headers.set("content-type", "text/html; charset=utf-8")?;
    headers.set("content-security-policy", csp)?;
    // The shell names the current hashed assets, so it must be revalidated on every load.
    headers.set("cache-control", "no-cache")?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("referrer-policy", "no-referrer")?;
    Ok(Response::ok(html)?.with_headers(headers))
}
