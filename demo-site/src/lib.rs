//! The demo website: static pages embedding the widget, served from their own origin.
//!
//! The pages in `public/` contain `{{EDGE}}` where the edge's origin goes, so the same pages
//! serve `cargo xtask dev` (edge on :8787) and tests (edge on a free port). Serving them from
//! a different origin than the edge makes embedding cross-origin, exactly as on a customer's
//! website.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread;

use tiny_http::{Header, Response, Server};

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
        let server = Arc::new(self.server);
        let root = public_dir();
        let edge = edge_origin.to_string();
        let serving = Arc::clone(&server);
        let worker = thread::spawn(move || {
            for request in serving.incoming_requests() {
                let response = respond(&root, request.url(), &edge);
                let _ = request.respond(response);
            }
        });
        DemoSite { server, addr: self.addr, worker: Some(worker) }
    }
}

impl DemoSite {
    /// Binds `addr` and serves at once (see [`BoundSite`]).
    pub fn start(addr: &str, edge_origin: &str) -> std::io::Result<Self> {
        Ok(BoundSite::bind(addr)?.serve(edge_origin))
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

fn respond(root: &Path, url: &str, edge: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let name = if path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
    // Only plain file names below public/: no "..", no hidden files.
    let safe = name.split('/').skip(1).all(|part| !part.is_empty() && !part.starts_with('.'));
    let file = root.join(name.trim_start_matches('/'));
    match std::fs::read(&file) {
        Ok(bytes) if safe => {
            let (content_type, body) = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => ("text/html; charset=utf-8", with_edge(bytes, edge)),
                Some("css") => ("text/css; charset=utf-8", bytes),
                Some("svg") => ("image/svg+xml", bytes),
                _ => ("application/octet-stream", bytes),
            };
            Response::from_data(body).with_header(header("content-type", content_type))
        }
        _ => Response::from_data(b"not found".to_vec()).with_status_code(404),
    }
}

fn with_edge(page: Vec<u8>, edge: &str) -> Vec<u8> {
    String::from_utf8_lossy(&page).replace("{{EDGE}}", edge).into_bytes()
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
        let site = DemoSite::start("127.0.0.1:0", "http://edge.test").unwrap();
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
    }
}
