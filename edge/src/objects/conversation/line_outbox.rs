//! The team's replies on their way to the customer's line (`ThreadObject`), kept in the
//! conversation's storage until the line took them: a reply is never lost to the object
//! restarting mid-hand-over. Storing a reply keeps it and rings the object's alarm at once;
//! the alarm hands the kept replies over in order — one the line cannot take yet waits, with
//! every later one behind it, and is tried again with backoff
//! (`core::channels::thread::retry_hand_over`); given up, or refused by the line, the team is
//! told in a private note rather than the reply silently not going. The alarm is shared with
//! the flow's wake-ups and continuity emails (`alarm`).

use switchboard_core::channels::thread;
use switchboard_protocol::channels::{DeliveryStatus, Thread};
use switchboard_protocol::{Seq, SiteId};

use super::calls::ChannelReceipt;
use super::ConversationObject;
use crate::env;
use crate::error::{EdgeError, EdgeResult};
use crate::objects;
use crate::objects::thread::calls::Deliver;

/// Hand-overs in one wake at most; the rest follow in the next, at once.
const PER_WAKE: usize = 20;

/// A kept reply: the line it goes to and the call handing it over.
#[derive(serde::Serialize, serde::Deserialize)]
struct Kept {
    site: SiteId,
    line: Thread,
    deliver: Deliver,
}

impl ConversationObject {
    /// Keeps `deliver` for the customer's line and rings the alarm that hands it over.
    pub(super) fn send_to_line(
        &self,
        site: SiteId,
        line: Thread,
        deliver: Deliver,
        now: i64,
    ) -> EdgeResult<()> {
        let seq = deliver.seq;
        let kept = serde_json::to_string(&Kept { site, line, deliver })?;
        self.store.keep_for_line(seq, &kept, now)?;
        let storage = self.state.storage();
        self.state.wait_until(async move {
            if let Err(error) = objects::wake_storage_at(&storage, now).await {
                worker::console_error!("line outbox alarm: {error:?}");
            }
        });
        Ok(())
    }

    /// Hands the due replies over, in order, until one must wait (the alarm rang).
    pub(super) async fn hand_over_to_line(&self) -> EdgeResult<()> {
        for _ in 0..PER_WAKE {
            let now = env::now();
            let Some(first) = self.store.first_for_line()? else { return Ok(()) };
            if first.next_at > now {
                return Ok(());
            }
            let kept: Kept = serde_json::from_str(&first.deliver)?;
            let why = match objects::send(&self.env, &(kept.site, kept.line.clone()), &kept.deliver).await {
                Ok(()) => {
                    self.store.line_took(first.seq)?;
                    continue;
                }
                Err(EdgeError::Refused(refused)) => refused.message,
                Err(error) => {
                    let attempts = first.attempts + 1;
                    let jitter = f64::from(env::random_bytes::<1>()?[0]) / 256.0;
                    let schedule = objects::thread::retry_schedule(&self.env);
                    if let Some(at) = thread::retry_hand_over(&schedule, attempts, now, jitter) {
                        worker::console_error!(
                            "reply seq {} to its line, again at {at}: {error:?}",
                            first.seq
                        );
                        self.store.line_later(first.seq, attempts, at)?;
                        return Ok(());
                    }
                    format!("{error:?}")
                }
            };
            worker::console_error!("reply seq {} given up: {why}", first.seq);
            self.store.line_took(first.seq)?;
            let text = thread::not_sent(kept.line.channel, "the customer's line could not be reached");
            // Never reached the provider: ticked as not delivered, and the team told why.
            let note = ChannelReceipt {
                status: Some(DeliveryStatus::Failed),
                ..ChannelReceipt::note(Seq(first.seq), text)
            };
            self.channel_receipt(note, now)?;
        }
        Ok(())
    }
}
