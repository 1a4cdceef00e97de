//! The demo website: static pages embedding the widget, served from their own origin.
//!
//! The pages in `public/` contain `{{EDGE}}` where the edge's origin goes, so the same pages
//! serve `cargo xtask dev` (edge on :8787) and tests (edge on a free port). Serving them from
//! a different origin than the edge makes embedding cross-origin, exactly as on a customer's
//! website.
//!
//! Pages: a small shop (`/`, `/product.html`, `/cart.html`), `/hostile.html` (global CSS that
//! resets and restyles everything, scripts that patch `fetch`, `JSON`, `Array.prototype`),
//! `/strict-csp.html` (served with a strict Content-Security-Policy, see [`STRICT_CSP`]) and
//! `/account.html`, a signed-in customer's page whose `identify` call carries a token this
//! server signs, as a shop's backend would: an HS256 JSON Web Token of the customer's id,
//! name, email and attributes, valid for an hour ([`identity_token`]). [`user_hash`] is the
//! older form, which vouches for the id only.
//!
//! # Layout
//! - this file: the whole server (one idea: serve `public/` with the edge's origin filled in).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use tiny_http::{Header, Response, Server};

/// The signed-in customer of `/account.html`.
pub const DEMO_USER_ID: &str = "customer-1042";

/// The policy `/strict-csp.html` is served with (`EDGE` stands for the edge's origin): the
/// only allowances the widget needs are `script-src` and `frame-src` for the edge.
pub const STRICT_CSP: &str =
    "default-src 'self'; script-src 'self' EDGE; frame-src EDGE; object-src 'none'; base-uri 'none'";

/// What the pages are filled with.
#[derive(Clone)]
struct Pages {
    root: PathBuf,
    edge: String,
    /// The secret shared with the edge (`BOOTSTRAP_IDENTITY_SECRET`); without it the
    /// account page's token is empty and the edge refuses the identity.
    identity_secret: Option<String>,
}

/// A running demo site; stops when dropped.
pub struct DemoSite {
    server: Arc<Server>,
    addr: SocketAddr,
    worker: Option<thread::JoinHandle<()>>,
}

/// A demo site bound to its port but not serving yet: lets a caller learn the port (to allow
/// it as an origin on the edge) before it knows the edge's origin.
pub struct BoundSite {
    server: Server,
    addr: SocketAddr,
}

impl BoundSite {
    /// Binds `addr` (port 0 for any free port).
    pub fn bind(addr: &str) -> std::io::Result<Self> {
        let server = Server::http(addr).map_err(std::io::Error::other)?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| std::io::Error::other("the demo site is not on an IP address"))?;
        Ok(Self { server, addr })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Starts serving `public/` with `edge_origin` (e.g. `http://127.0.0.1:8787`) substituted
    /// into the pages.
    pub fn serve(self, edge_origin: &str) -> DemoSite {
        self.serve_with_identity(edge_origin, None)
    }

    /// Like [`Self::serve`], signing the account page's customer with `identity_secret`
    /// (the edge's `BOOTSTRAP_IDENTITY_SECRET`).
    pub fn serve_with_identity(self, edge_origin: &str, identity_secret: Option<&str>) -> DemoSite {
        let server = Arc::new(self.server);
        let pages = Pages {
            root: public_dir(),
            edge: edge_origin.to_string(),
            identity_secret: identity_secret.map(str::to_owned),
        };
        let serving = Arc::clone(&server);
        let worker = thread::spawn(move || {
            for request in serving.incoming_requests() {
                let response = respond(&pages, request.url());
                let _ = request.respond(response);
            }
        });
        DemoSite { server, addr: self.addr, worker: Some(worker) }
    }
}

impl DemoSite {
    /// Binds `addr` and serves at once (see [`BoundSite`]).
    pub fn start(addr: &str, edge_origin: &str, identity_secret: Option<&str>) -> std::io::Result<Self> {
        Ok(BoundSite::bind(addr)?.serve_with_identity(edge_origin, identity_secret))
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

impl Drop for DemoSite {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// The folder of the demo pages.
pub fn public_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("public")
}

fn respond(pages: &Pages, url: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let root = &pages.root;
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let name = match path {
        // Browsers ask for it whatever the pages link; the site's icon is an SVG.
        "/favicon.ico" => "/favicon.svg".to_string(),
        _ if path.ends_with('/') => format!("{path}index.html"),
        _ => path.to_string(),
    };
    // Only plain file names below public/: no "..", no hidden files.
    let safe = name.split('/').skip(1).all(|part| !part.is_empty() && !part.starts_with('.'));
    let file = root.join(name.trim_start_matches('/'));
    match std::fs::read(&file) {
        Ok(bytes) if safe => {
            let (content_type, body) = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => ("text/html; charset=utf-8", fill(bytes, pages)),
                Some("css") => ("text/css; charset=utf-8", bytes),
                Some("js") => ("text/javascript; charset=utf-8", bytes),
                Some("svg") => ("image/svg+xml", bytes),
                _ => ("application/octet-stream", bytes),
            };
            let response = Response::from_data(body).with_header(header("content-type", content_type));
            if name == "/strict-csp.html" {
                return response.with_header(header(
                    "content-security-policy",
                    &STRICT_CSP.replace("EDGE", &pages.edge),
                ));
            }
            response
        }
        _ => Response::from_data(b"not found".to_vec()).with_status_code(404),
    }
}

/// The page with the edge's origin and the signed-in customer's token filled in.
fn fill(page: Vec<u8>, pages: &Pages) -> Vec<u8> {
    let now_s = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let token = pages
        .identity_secret
        .as_deref()
        .map(|secret| identity_token(secret, &demo_customer(now_s + 3_600)))
        .unwrap_or_default();
    String::from_utf8_lossy(&page)
        .replace("{{EDGE}}", &pages.edge)
        .replace("{{IDENTITY_TOKEN}}", &token)
        .into_bytes()
}

/// The claims of `/account.html`'s signed-in customer, expiring at `exp` (Unix seconds).
pub fn demo_customer(exp: u64) -> serde_json::Value {
    serde_json::json!({
        "sub": DEMO_USER_ID,
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "attributes": { "plan": "Outfitters Club", "orders": 7 },
        "exp": exp,
    })
}

/// What a site's backend signs for `identify`: an HS256 JSON Web Token of `claims`, as any JWT
/// library writes it (`base64url(header).base64url(claims).base64url(HMAC-SHA256)`).
pub fn identity_token(secret: &str, claims: &serde_json::Value) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let header = serde_json::json!({ "alg": "HS256", "typ": "JWT" });
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(signed.as_bytes());
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// The older form of `identify`, vouching for the user id only:
/// `hex(HMAC-SHA256(secret, user_id))`.
pub fn user_hash(secret: &str, user_id: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(user_id.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

fn header(name: &str, value: &str) -> Header {
    // Both are ASCII literals from this file, so the header is always valid.
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| unreachable!("static header"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_get_the_edge_origin_and_paths_cannot_escape() {
        let site = DemoSite::start("127.0.0.1:0", "http://edge.test", Some("s3cret")).unwrap();
        let get = |path: &str| {
            use std::io::{Read, Write};
            let mut stream = std::net::TcpStream::connect(("127.0.0.1", site.port())).unwrap();
            write!(stream, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
            let mut reply = String::new();
            stream.read_to_string(&mut reply).unwrap();
            reply
        };
        let home = get("/");
        assert!(home.starts_with("HTTP/1.0 200"), "{home}");
        assert!(home.contains(r#"src="http://edge.test/widget.js""#));
        assert!(get("/../Cargo.toml").starts_with("HTTP/1.0 404"));
        assert!(get("/favicon.ico").contains("image/svg+xml"), "the site has an icon");
        let csp = get("/strict-csp.html");
        assert!(csp.contains("script-src 'self' http://edge.test; frame-src http://edge.test"), "{csp}");
        let home_headers = home.split("\r\n\r\n").next().unwrap_or_default().to_ascii_lowercase();
        assert!(!home_headers.contains("content-security-policy"), "only the strict page has a CSP");
        let account = get("/account.html");
        let token = account.split(r#"data-identity-token=""#).nth(1).and_then(|t| t.split('"').next());
        assert_eq!(token.map(|t| t.split('.').count()), Some(3), "{account}");
    }
}
