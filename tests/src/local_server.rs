//! What the local stand-ins for third parties share (a bot, a webhook receiver, Twilio, Meta):
//! a loopback listener on a free port serving each connection with the stand-in's own
//! handler, the stand-in's state behind a lock, and a signal that something arrived, which
//! tests wait on (never a sleep).

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use anyhow::{anyhow, Result};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// What a handler gets for one connection: the stream, the state, and the signal to raise.
pub struct Connection<S> {
    /// The client's connection.
    pub stream: TcpStream,
    /// The stand-in's state.
    pub state: Arc<Mutex<S>>,
    /// Raised (by the handler) when something a test may wait for arrived.
    pub arrived: Arc<Notify>,
}

/// A running stand-in: stops when dropped.
pub struct LocalServer<S> {
    port: u16,
    state: Arc<Mutex<S>>,
    arrived: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl<S: Send + 'static> LocalServer<S> {
    /// Listens on a free loopback port, serving each connection with `serve`.
    pub async fn start<F, Fut>(state: S, serve: F) -> Result<LocalServer<S>>
    where
        F: Fn(Connection<S>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<()>> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let state = Arc::new(Mutex::new(state));
        let arrived = Arc::new(Notify::new());
        let task = tokio::spawn({
            let (state, arrived) = (state.clone(), arrived.clone());
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let connection = Connection { stream, state: state.clone(), arrived: arrived.clone() };
                    let served = serve(connection);
                    tokio::spawn(async move {
                        let _ = served.await;
                    });
                }
            }
        });
        Ok(LocalServer { port, state, arrived, task })
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its state.
    pub fn lock(&self) -> MutexGuard<'_, S> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits (up to `within`) until `done` finds what it looks for in the state; the error
    /// says `what` was awaited.
    pub async fn until<T>(&self, within: Duration, what: &str, done: impl Fn(&S) -> Option<T>) -> Result<T> {
        let wait = async {
            loop {
                let notified = self.arrived.notified();
                if let Some(found) = done(&self.lock()) {
                    return found;
                }
                notified.await;
            }
        };
        tokio::time::timeout(within, wait).await.map_err(|_| anyhow!("{what} did not come within {within:?}"))
    }
}

impl<S> Drop for LocalServer<S> {
    fn drop(&mut self) {
        self.task.abort();
    }
}
