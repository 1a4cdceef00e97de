//! The conversation's facts for reports (`core::reports::ConversationFacts`), kept current in
//! memory entry by entry and sent with each inbox update to the site, which keeps them as a
//! row a report reads. Nothing is written for them here: after a wake-up they are folded
//! again from the log, once; then each new entry is applied as it is told to the site (the
//! entries the inbox was not told of are read from the log when the next update goes).

use switchboard_core::conversation::LogStore;
use switchboard_core::reports::ConversationFacts;
use switchboard_protocol::limits::HISTORY_PAGE;
use switchboard_protocol::{Message, Seq};

use super::store::Meta;
use super::ConversationObject;
use crate::error::EdgeResult;

impl ConversationObject {
    /// The facts once `message` (the newest entry) is counted.
    pub(super) fn report_facts(
        &self,
        meta: &Meta,
        message: Option<&Message>,
    ) -> EdgeResult<ConversationFacts> {
        let mut kept = self.report_facts.borrow_mut();
        let (through, facts) = kept.get_or_insert_with(|| (Seq(0), ConversationFacts::new(meta.channel())));
        match message {
            // The next entry, in hand: no read.
            Some(message) if message.seq.0 == through.0 + 1 => {
                facts.apply(message);
                *through = message.seq;
            }
            _ => {
                let mut store = &self.store;
                let head = store.head()?;
                while through.0 < head.0 {
                    let page = store.page_after(*through, HISTORY_PAGE)?;
                    let Some(last) = page.last() else { break };
                    let last = last.seq;
                    for entry in &page {
                        facts.apply(entry);
                    }
                    *through = last;
                }
            }
        }
        Ok(facts.clone())
    }
}
