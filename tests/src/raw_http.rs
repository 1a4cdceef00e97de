//! An HTTP/1.1 client by hand, for what polite clients never do: a body sent in chunks that
//! never ends, to see the edge refuse it while it is still arriving.

use std::time::Duration;

use anyhow::{anyhow, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends `method path` to `origin` (`http://host:port`) with `headers` and a chunked body of
/// `chunk` repeated without end (one chunk every `every`), and returns the status the server
/// answers with while the body is still being sent (an error if it does not within `within`).
pub async fn endless_chunked_body(
    origin: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    chunk: &[u8],
    every: Duration,
    within: Duration,
) -> Result<u16> {
    let authority = origin.strip_prefix("http://").ok_or_else(|| anyhow!("plain http only: {origin}"))?;
    let stream = TcpStream::connect(authority).await?;
    let (mut reader, mut writer) = stream.into_split();
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {authority}\r\ntransfer-encoding: chunked\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    writer.write_all(head.as_bytes()).await?;
    let framed = [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk.to_vec(), b"\r\n".to_vec()].concat();
    let sending = tokio::spawn(async move {
        // Until the server stops reading (it answered and closed, or reset).
        while writer.write_all(&framed).await.is_ok() {
            tokio::time::sleep(every).await;
        }
    });
    let answer = tokio::time::timeout(within, async {
        let mut received = Vec::new();
        let mut buffer = [0u8; 1024];
        while !received.windows(2).any(|w| w == b"\r\n") {
            let read = reader.read(&mut buffer).await?;
            if read == 0 {
                return Err(anyhow!("the connection closed without an answer"));
            }
            received.extend_from_slice(&buffer[..read]);
        }
        let line = String::from_utf8_lossy(&received);
        let status = line.split_whitespace().nth(1).ok_or_else(|| anyhow!("no status in {line:?}"))?;
        Ok(status.parse::<u16>()?)
    })
    .await;
    sending.abort();
    answer.map_err(|_| anyhow!("no answer within {within:?}: the body was being buffered"))?
}
