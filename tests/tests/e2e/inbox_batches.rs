//! A console's inbox under many conversations writing at once: one opened with
//! `?updates=batched` (as the console opens it) hears every change, paced — at most a frame
//! every 250 ms, several changes in one `updated_many` — and so in far fewer frames; one
//! opened without it gets every change as its own `updated` frame, as always. Each inbox
//! socket costs the site a send per frame, so an agent holds at most ten.

use std::collections::HashSet;
use std::time::Duration;

use anyhow::{ensure, Result};
use futures_util::future::try_join_all;
use switchboard_protocol::inbox::{ConversationSummary, InboxFrame};
use switchboard_protocol::limits::MAX_SOCKETS_PER_PARTICIPANT;
use switchboard_protocol::{ErrorCode, Seq};
use switchboard_tests::api::{login, new_conversation, Live};
use switchboard_tests::test_edge::TestEdge;
use switchboard_tests::wait;

const SHOP: &str = "https://shop.example";
const WRITERS: usize = 40;

/// Reads `inbox` until every one of `markers` was in a summary it got; answers how many
/// frames that took and the largest number of conversations one frame carried.
async fn frames_until_all_seen(inbox: &mut Live, markers: &HashSet<String>) -> Result<(usize, usize)> {
    let mut seen = HashSet::new();
    let (mut frames, mut most) = (0, 0);
    let text = |c: &ConversationSummary| c.last_message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    tokio::time::timeout(Duration::from_secs(60), async {
        while !markers.iter().all(|marker| seen.contains(marker)) {
            let changed = inbox
                .until_inbox(|frame| Some(frame.clone().into_changes()).filter(|c| !c.is_empty()))
                .await?;
            frames += 1;
            most = most.max(changed.len());
            seen.extend(changed.iter().map(text));
        }
        anyhow::Ok(())
    })
    .await
    .map_err(|_| anyhow::anyhow!("{} of {} changes seen in 60 s", seen.len(), markers.len()))??;
    Ok((frames, most))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batched_inbox_hears_every_change_in_fewer_frames() -> Result<()> {
    let edge = TestEdge::start_with(&[SHOP], &[("SESSIONS_PER_MINUTE_PER_ADDRESS", "1000")])?;
    let cookie = login(&edge).await?;
    let mut visitors = Vec::new();
    for _ in 0..WRITERS {
        let session = new_conversation(&edge, SHOP, None).await?;
        let mut visitor = Live::visitor(&edge, &session).await?;
        visitor.hello(Seq(0)).await?;
        visitors.push(visitor);
    }
    let mut batched = Live::inbox_batched(&edge, &cookie).await?;
    let mut each = Live::inbox(&edge, &cookie).await?;
    for inbox in [&mut batched, &mut each] {
        inbox.until_inbox(|frame| matches!(frame, InboxFrame::Snapshot { .. }).then_some(())).await?;
    }
    // Everyone writes at once.
    let markers: HashSet<String> = (0..WRITERS).map(|n| format!("zq-batch-{n}")).collect();
    try_join_all(
        visitors.iter_mut().enumerate().map(|(n, visitor)| async move {
            visitor.post(&format!("b-{n}"), &format!("zq-batch-{n}")).await
        }),
    )
    .await?;
    let (batched_frames, largest) = frames_until_all_seen(&mut batched, &markers).await?;
    let (each_frames, one_each) = frames_until_all_seen(&mut each, &markers).await?;
    ensure!(one_each == 1, "a socket that did not ask for batches got {one_each} changes in one frame");
    ensure!(each_frames >= WRITERS, "{each_frames} frames carried {WRITERS} changes one by one");
    ensure!(
        largest > 1 && batched_frames * 2 < each_frames,
        "the batched inbox took {batched_frames} frames (at most {largest} changes each) for what the other \
         took in {each_frames}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_holds_only_so_many_inbox_sockets() -> Result<()> {
    let edge = TestEdge::start(&[SHOP])?;
    let cookie = login(&edge).await?;
    let snapshot = |frame: &InboxFrame| matches!(frame, InboxFrame::Snapshot { .. }).then_some(());
    let mut tabs = Vec::new();
    for _ in 0..MAX_SOCKETS_PER_PARTICIPANT {
        let mut tab = Live::inbox_batched(&edge, &cookie).await?;
        tab.until_inbox(snapshot).await?;
        tabs.push(tab);
    }
    let mut one_too_many = Live::inbox(&edge, &cookie).await?;
    assert_eq!(one_too_many.refusal().await?, (ErrorCode::TooManyConnections, 4429));
    // Closing one frees a place.
    tabs.pop().expect("tabs").close().await?;
    let (edge, cookie) = (&edge, &cookie);
    wait::until("a freed inbox place", Duration::from_secs(10), || async move {
        let mut tab = Live::inbox(edge, cookie).await.ok()?;
        tab.until_inbox(snapshot).await.ok()
    })
    .await?;
    Ok(())
}
