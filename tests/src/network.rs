//! A switchable network between a browser and the edge: a TCP proxy on loopback that a test
//! can cut, like pulling a cable.
//!
//! Cutting closes every open connection through it (WebSockets included) and refuses new ones
//! until restored. DevTools' offline emulation cannot do this here: it leaves open WebSockets
//! alone, and it does not reach the widget's frame, which runs in a process of its own because
//! it is cross-site.

use anyhow::Result;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A running proxy; stops when dropped.
pub struct Cable {
    port: u16,
    online: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Cable {
    /// Proxies a fresh loopback port to `127.0.0.1:target_port`.
    pub async fn start(target_port: u16) -> Result<Cable> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let (online, watch) = watch::channel(true);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !*watch.borrow() {
                    // Unplugged: the connection fails at once, as with no network.
                    drop(client);
                    continue;
                }
                let mut cut = watch.clone();
                tokio::spawn(async move {
                    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", target_port)).await else {
                        return;
                    };
                    let mut client = client;
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut upstream) => {}
                        _ = cut.wait_for(|online| !online) => {}
                    }
                });
            }
        });
        Ok(Cable { port, online, task })
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`: the edge as seen through this cable.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
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
