//! A switchable network between a browser and the edge: a TCP proxy on loopback that a test
//! can cut, like pulling a cable.
//!
//! Cutting closes every open connection through it (WebSockets included) and refuses new ones
//! until restored; black-holing makes the open connections silently stop carrying data. DevTools' offline emulation cannot do this here: it leaves open WebSockets
//! alone, and it does not reach the widget's frame, which runs in a process of its own because
//! it is cross-site.

use anyhow::Result;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A running proxy; stops when dropped.
pub struct Cable {
    port: u16,
    online: watch::Sender<bool>,
    /// Bumped to black-hole every connection open at that moment.
    black_holes: watch::Sender<u32>,
    task: tokio::task::JoinHandle<()>,
}

impl Cable {
    /// Proxies a fresh loopback port to `127.0.0.1:target_port`.
    pub async fn start(target_port: u16) -> Result<Cable> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let (online, watch) = watch::channel(true);
        let (black_holes, holes) = watch::channel(0u32);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !*watch.borrow() {
                    // Unplugged: the connection fails at once, as with no network.
                    drop(client);
                    continue;
                }
                let mut cut = watch.clone();
                let mut hole = holes.clone();
                let born = *hole.borrow();
                tokio::spawn(async move {
                    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", target_port)).await else {
                        return;
                    };
                    let mut client = client;
                    let black_holed = tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut upstream) => false,
                        _ = cut.wait_for(|online| !online) => false,
                        _ = hole.wait_for(|now| *now != born) => true,
                    };
                    if black_holed {
                        // Keep both ends open and forward nothing: a connection that died
                        // without a word, as after a laptop slept. Ends when cut or dropped.
                        let _ = cut.wait_for(|online| !online).await;
                    }
                });
            }
        });
        Ok(Cable { port, online, black_holes, task })
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`: the edge as seen through this cable.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Makes every connection open now silently stop carrying data (both ends stay open, as
    /// with a network that vanished without a reset); new connections work.
    pub fn black_hole_open_connections(&self) {
        self.black_holes.send_modify(|generation| *generation = generation.wrapping_add(1));
    }

    /// Cuts (`false`) or restores (`true`) the network.
    pub fn set_online(&self, online: bool) {
        self.online.send_replace(online);
    }
}

impl Drop for Cable {
    fn drop(&mut self) {
        self.task.abort();
    }
}
