//! The conversation's one alarm, shared by four clocks: the flow's wake-ups (timeouts, SLAs,
//! snoozes, auto-resolve's idle time), replies waiting for the customer's line
//! (`line_outbox`), the email of replies left unread (`continuity`), and automation rules
//! for a customer left waiting (`automation`, `no_reply`). When it rings each
//! does what is due; then it is set again for whichever comes next (after a failure, not
//! sooner than [`RETRY_AFTER_FAILURE_MS`]).

use switchboard_core::flow::input::Input;

use super::ConversationObject;
use crate::error::EdgeResult;

/// How long after a failed ring the alarm rings again.
const RETRY_AFTER_FAILURE_MS: i64 = 30_000;

impl ConversationObject {
    /// Everything due at `now`, each one's failure logged without stopping the others.
    pub(super) async fn ring(&self, now: i64) {
        let Ok(Some(meta)) = self.store.meta() else { return };
        let alarm = Input::Alarm { visitor_typed_at: self.visitor_typed_at.get() };
        let mut failed = false;
        if let Err(error) = self.advance(&meta, alarm, now).await {
            worker::console_error!("conversation alarm: {error:?}");
            failed = true;
        }
        if let Err(error) = self.no_reply(&meta, now).await {
            worker::console_error!("no-reply rules: {error:?}");
            failed = true;
        }
        if let Err(error) = self.hand_over_to_line().await {
            worker::console_error!("line outbox: {error:?}");
            failed = true;
        }
        if let Err(error) = self.send_continuity(now).await {
            worker::console_error!("continuity: {error:?}");
            failed = true;
        }
        // After a failure what was due is still due: ring again a little later, not at once
        // and forever.
        if let Err(error) = self.arm(now, failed.then_some(now + RETRY_AFTER_FAILURE_MS)).await {
            worker::console_error!("conversation alarm: {error:?}");
        }
    }

    /// Sets the alarm to the soonest of the flow's next wake-up, the first reply waiting for
    /// the line, the next continuity email and the next `no_reply` rule; none of them: no alarm.
    pub(super) async fn rearm(&self, now: i64) -> EdgeResult<()> {
        self.arm(now, None).await
    }

    /// [`Self::rearm`], not sooner than `not_before` when given.
    async fn arm(&self, now: i64, not_before: Option<i64>) -> EdgeResult<()> {
        let flow = self.store.lifecycle()?.next_wake();
        let line = self.store.first_for_line()?.map(|first| first.next_at);
        let email = self.continuity_due(now).await?;
        let no_reply = self.no_reply_at(now).await?;
        let storage = self.state.storage();
        let soonest = flow.into_iter().chain(line).chain(email).chain(no_reply).min();
        match soonest.map(|at| not_before.map_or(at, |floor| at.max(floor))) {
            Some(at) => {
                storage.set_alarm(worker::ScheduledTime::new(js_sys::Date::new(&(at as f64).into()))).await?
            }
            None => storage.delete_alarm().await?,
        }
        Ok(())
    }
}
