//! The Conversation object's line to its site's inbox: the conversation's summary after each
//! stored entry, coalesced, and the summary a routing request carries.

use std::rc::Rc;
use std::time::Duration;

use switchboard_core::conversation::LogStore;
use switchboard_core::flow::lifecycle::Lifecycle;
use switchboard_core::inbox_summary::{self, Facts};
use switchboard_core::reports::ConversationFacts;
use switchboard_core::{contact, identity, prechat};
use switchboard_protocol::contact::Identity;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::{ErrorCode, Message, SiteId};

use super::calls::EndVisitor;
use super::store::Meta;
use super::ConversationObject;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::inbox_feed::{self, calls::Feed};
use crate::objects::site::calls::{Activity, ActivityAnswer, IndexedText};
use crate::{objects, site_cache};

/// Least time between two inbox updates of a conversation: the first message after a quiet
/// spell reaches the inbox at once; while an update is in flight and until this long after
/// it started, newer summaries replace each other, so a busy conversation costs the site one
/// update a second rather than one per message (measured: a summary per message was most of
/// the relay's CPU time at one message a second per conversation, bench (d)). Nothing waits
/// once nothing is queued, so a quiet conversation hibernates at once. The summary is
/// idempotent (the site keeps the highest `last_seq`), so a lost update is repaired by the
/// next message.
pub(super) const INBOX_UPDATE_INTERVAL: Duration = Duration::from_millis(1000);

/// Something the visitor said about themselves, to check before it reaches the contact.
pub(super) enum Claim {
    /// `identify` from the host page.
    Identity(Identity),
    /// The pre-chat form's answers.
    Details(std::collections::BTreeMap<String, String>),
}

/// Most texts kept for the search index while the site object cannot be reached.
const MAX_PENDING_TEXTS: usize = 1_000;

impl ConversationObject {
    /// Queues this message's conversation summary for the site's inbox, and its text for the
    /// site's search index.
    pub(super) fn tell_site(&self, meta: &Meta, life: &Lifecycle, message: &Message, now: i64) {
        if !message.text.is_empty() {
            let mut texts = self.search_texts.borrow_mut();
            // Bounded while the site is unreachable: search then misses the oldest.
            if texts.len() >= MAX_PENDING_TEXTS {
                texts.remove(0);
            }
            texts.push(IndexedText { seq: message.seq, text: message.text.clone() });
        }
        let summary = self.summary(meta, life, Some(message), now);
        match summary.and_then(|summary| Ok((summary, self.report_facts(meta, Some(message))?))) {
            Ok((summary, facts)) => self.push_activity(meta, summary, Some(facts)),
            Err(error) => worker::console_error!("inbox summary: {error:?}"),
        }
    }

    /// What the visitor says about themselves, checked against the site's configuration.
    /// An identity must be signed with the site's identity secret (`forbidden`
    /// otherwise); pre-chat answers must fit the site's form (`bad_request` naming the
    /// fields otherwise). Refused, nothing of it is kept.
    pub(super) async fn take_claim(&self, claim: Claim, now: i64) -> EdgeResult<()> {
        let meta = self.store.existing()?;
        let config = site_cache::config(&self.env, &meta.site_id, now).await?;
        let old = self.store.contact()?;
        let contact = match claim {
            Claim::Identity(identity) => {
                let verified = identity::verify(config.identity_secret.as_deref(), &identity, now)
                    .map_err(|e| EdgeError::refuse(ErrorCode::Forbidden, e.to_string()))?;
                identity::apply(old.clone(), verified, &identity)
            }
            Claim::Details(fields) => {
                let answers = prechat::check(&config.prechat, &fields).map_err(|problems| {
                    let names: Vec<&str> = problems.iter().map(|(name, _)| name.as_str()).collect();
                    EdgeError::refuse(
                        ErrorCode::BadRequest,
                        format!("pre-chat answers refused: {}", names.join(", ")),
                    )
                })?;
                contact::with_collected(old.clone(), &answers)
            }
        };
        if contact != old {
            // Who the visitor says they are is worth keeping: a held conversation is written.
            self.store.write_held()?;
            self.store.set_contact(&contact)?;
            self.tell_site_contact(&meta, now)?;
        }
        Ok(())
    }

    /// Tells the inbox the visitor's details changed (nothing new in the log).
    pub(super) fn tell_site_contact(&self, meta: &Meta, now: i64) -> EdgeResult<()> {
        let summary = self.summary(meta, &self.store.lifecycle()?, None, now)?;
        self.push_activity(meta, summary, None);
        Ok(())
    }

    /// Queues `summary` (coalesced); the texts waiting for the index go with whichever
    /// summary is sent next.
    fn push_activity(&self, meta: &Meta, summary: ConversationSummary, facts: Option<ConversationFacts>) {
        let (env, texts) = (self.env.clone(), Rc::clone(&self.search_texts));
        self.outbox.push(
            &self.state,
            (meta.site_id.clone(), summary, facts),
            move |(site, summary, facts)| {
                let env = env.clone();
                let activity = Activity { summary, texts: std::mem::take(&mut *texts.borrow_mut()), facts };
                async move {
                    let conversation = activity.summary.id.clone();
                    let visitor = activity.summary.visitor_id.clone();
                    match feed(&env, &site, activity).await {
                        // A token from before its visitor signed out started this conversation:
                        // it ends the visitor here as the sign-out would have (a call to itself,
                        // so the storage write happens in an event of its own).
                        Ok(answer) if answer.visitor_signed_out => {
                            let end = EndVisitor { site, visitor };
                            if let Err(error) = objects::send(&env, &conversation, &end).await {
                                worker::console_error!(
                                    "ending a signed-out visitor in {conversation}: {error:?}"
                                );
                            }
                        }
                        Ok(_) => {}
                        Err(error) => {
                            worker::console_error!("inbox update for {conversation} failed: {error:?}")
                        }
                    }
                }
            },
        );
    }

    /// The inbox's view of the conversation, after `message` (or the last stored one).
    pub(super) fn summary(
        &self,
        meta: &Meta,
        life: &Lifecycle,
        message: Option<&Message>,
        now: i64,
    ) -> EdgeResult<ConversationSummary> {
        let mut store = &self.store;
        let facts = Facts {
            conversation: &meta.conversation_id,
            visitor: &meta.visitor_id,
            created_at: meta.created_at,
            channel: meta.channel(),
        };
        inbox_summary::summary(
            facts,
            life,
            self.store.contact()?,
            store.head()?,
            message,
            || self.store.last_spoken(),
            now,
        )
    }
}

/// Sends `activity` to the site through the conversation's inbox feed shard (batched with
/// others there, `core::inbox_feed`), or straight to the site when the deployment has none.
async fn feed(env: &worker::Env, site: &SiteId, activity: Activity) -> EdgeResult<ActivityAnswer> {
    match switchboard_core::inbox_feed::shard_of(&activity.summary.id, inbox_feed::calls::shards(env)) {
        Some(shard) => {
            objects::send(env, &(site.clone(), shard), &Feed { site: site.clone(), activity }).await
        }
        None => objects::send(env, site, &activity).await,
    }
}
