//! Continuity for webchat: a team's reply the visitor leaves unread reaches them by email.
//! Every spoken reply of the team rings the object's alarm for when its email would be due
//! (the site's delay after it); the alarm asks `core::email::continuity::next` what is due —
//! all unread replies in one email, to the address the site signed, or a typed address told
//! only that a reply waits (once) — and sends it through Postmark ([`crate::email_send`])
//! unless the address bounced, complained or unsubscribed. The email carries the
//! conversation's signed reply address, threading headers and a one-click unsubscribe; a
//! failed send is tried again with backoff and given up after `MAX_SEND_ATTEMPTS`.

use switchboard_core::channels::thread::retry_hand_over;
use switchboard_core::email::continuity::{self, Disclosure, Next, Sender};
use switchboard_core::email::postmark::OutboundEmail;
use switchboard_core::email::{threading, unsubscribe};
use switchboard_protocol::{Author, Message, Seq, ServerFrame};

use super::store::Meta;
use super::ConversationObject;
use crate::email_send::{self, Outcome};
use crate::error::EdgeResult;
use crate::objects::site::email::EmailStopped;
use crate::{env, objects, site_cache};

/// The entries after what was read and emailed, where the emails stand, and who gets them.
type ContinuityState = (Vec<Message>, continuity::Progress, Option<(String, Disclosure)>);

/// Entries looked at for one email (the newest unread replies beyond are in the next).
const MAX_ENTRIES: usize = 200;

impl ConversationObject {
    /// After a stored entry: a team's spoken reply in a chat whose visitor has an address
    /// rings the alarm for when its email would be due.
    pub(super) fn emit_continuity(&self, frame: &ServerFrame) {
        let ServerFrame::Message { message } = frame else { return };
        let spoken = matches!(message.author, Author::Agent { .. } | Author::Bot { .. }) && !message.internal;
        let Ok(Some(meta)) = self.store.meta() else { return };
        if !spoken || meta.thread.is_some() {
            return;
        }
        // Whether there is an address at all: what was proven only decides what it may show,
        // so the continuity row is not read on every reply.
        let has_address =
            self.store.contact().is_ok_and(|contact| continuity::recipient(&contact, None).is_some());
        if !has_address {
            return;
        }
        let (env, storage, site, sent_at) =
            (self.env.clone(), self.state.storage(), meta.site_id, message.sent_at);
        self.state.wait_until(async move {
            let Ok(Some(delay)) = delay_ms(&env, &site, sent_at).await else { return };
            if let Err(error) = objects::wake_storage_at(&storage, sent_at + delay).await {
                worker::console_error!("continuity alarm: {error:?}");
            }
        });
    }

    /// When the alarm should next look at continuity, if ever.
    pub(super) async fn continuity_due(&self, now: i64) -> EdgeResult<Option<i64>> {
        let Some(meta) = self.store.meta()?.filter(|meta| meta.thread.is_none()) else { return Ok(None) };
        let Some(delay) = delay_ms(&self.env, &meta.site_id, now).await? else { return Ok(None) };
        let row = self.store.continuity()?;
        let (log, progress, recipient) = self.continuity_state(&meta, &row)?;
        Ok(match continuity::next(&log, recipient, progress, delay, now) {
            Next::Nothing => None,
            Next::At(at) => Some(at),
            Next::Send { .. } => Some(row.next_at.unwrap_or(now).max(now)),
        })
    }

    /// Sends the email that is due, if one is (the alarm rang).
    pub(super) async fn send_continuity(&self, now: i64) -> EdgeResult<()> {
        let Some(meta) = self.store.meta()?.filter(|meta| meta.thread.is_none()) else { return Ok(()) };
        let Some(delay) = delay_ms(&self.env, &meta.site_id, now).await? else { return Ok(()) };
        let row = self.store.continuity()?;
        if row.next_at.is_some_and(|at| at > now) {
            return Ok(());
        }
        let (log, progress, recipient) = self.continuity_state(&meta, &row)?;
        let Next::Send { to, disclosure, replies } = continuity::next(&log, recipient, progress, delay, now)
        else {
            return Ok(());
        };
        let up_to = replies.iter().map(|m| m.seq).max().unwrap_or_default();
        let waiting_only = disclosure == Disclosure::WaitingOnly;
        let stopped = objects::send(&self.env, &meta.site_id, &EmailStopped { address: to.clone() }).await?;
        if let Some(why) = stopped {
            worker::console_log!("continuity: {to} is stopped ({why})");
            return self.store.note_emailed(up_to, waiting_only, "");
        }
        let Some(email) =
            self.continuity_email(&meta, &to, disclosure, &replies, up_to, &row.message_ids(), now).await?
        else {
            worker::console_error!("continuity: this deployment sends no email (EMAIL_FROM, SESSION_SECRET)");
            return self.store.note_emailed(up_to, waiting_only, "");
        };
        let message_id = email.headers[0].1.trim_matches(['<', '>']).to_owned();
        match email_send::send(&self.env, &email).await {
            Outcome::Sent(_) => self.store.note_emailed(up_to, waiting_only, &message_id),
            Outcome::Later => {
                let attempts = row.attempts + 1;
                let jitter = f64::from(env::random_bytes::<1>()?[0]) / 256.0;
                let schedule = objects::thread::retry_schedule(&self.env);
                match retry_hand_over(&schedule, attempts, now, jitter) {
                    Some(at) => self.store.note_email_later(attempts, at),
                    None => self.store.note_emailed(up_to, waiting_only, ""),
                }
            }
            Outcome::Never(why) => {
                worker::console_error!("continuity email refused: {why}");
                self.store.note_emailed(up_to, waiting_only, "")
            }
        }
    }

    /// The entries after what was read and emailed, where the emails stand, and who gets them.
    fn continuity_state(&self, meta: &Meta, row: &super::store::Continuity) -> EdgeResult<ContinuityState> {
        use switchboard_core::conversation::LogStore;
        let read = self.store.visitor_read_up_to(meta.visitor_id.as_str())?;
        let progress = self.store.continuity_progress(row, read);
        let mut store = &self.store;
        let log = store.page_after(progress.read_up_to.max(progress.emailed_up_to), MAX_ENTRIES)?;
        let recipient = continuity::recipient(&self.store.contact()?, row.proven.as_deref());
        Ok((log, progress, recipient))
    }

    /// The email of `replies` to `to`: from the site, answerable, threaded, unsubscribable.
    #[allow(clippy::too_many_arguments)]
    async fn continuity_email(
        &self,
        meta: &Meta,
        to: &str,
        disclosure: Disclosure,
        replies: &[&Message],
        up_to: Seq,
        known_ids: &[String],
        now: i64,
    ) -> EdgeResult<Option<OutboundEmail>> {
        let config = site_cache::config(&self.env, &meta.site_id, now).await?;
        let (Some(sender), Some(key)) =
            (email_send::sender_address(&self.env, &config.channels), email_send::signing_key(&self.env))
        else {
            return Ok(None);
        };
        let domain = email_send::reply_domain(&self.env, &sender);
        let origin = self.env.var("PUBLIC_ORIGIN").map(|v| v.to_string()).ok().or(meta.edge_origin.clone());
        let contact = self.store.contact()?;
        let link = contact.page_url.clone().or(origin.clone()).unwrap_or_default();
        let sender_shown = Sender { name: &config.name, color: &config.appearance.color };
        let composed = continuity::compose(&sender_shown, replies, &link, disclosure);
        let id = threading::message_id(&meta.conversation_id, up_to, 0, &domain);
        let mut headers = threading::headers(&id, known_ids);
        if let Some(origin) = &origin {
            headers.extend(unsubscribe::headers(origin, &key, &meta.site_id, to));
        }
        Ok(Some(OutboundEmail {
            from: email_send::from_header(&config.name, &sender),
            to: to.to_owned(),
            reply_to: email_send::reply_address(&key, &meta.site_id, &meta.conversation_id, &domain, now),
            subject: composed.subject,
            text: composed.text,
            html: Some(composed.html),
            headers,
            files: Vec::new(),
            metadata: vec![("site".into(), meta.site_id.to_string())],
        }))
    }
}

/// The site's delay (`core::email::continuity::delay_ms`), or the deployment's
/// `EMAIL_CONTINUITY_DELAY_MS` in its place when set (tests shorten it); `None`: never.
async fn delay_ms(
    env: &worker::Env,
    site: &switchboard_protocol::SiteId,
    now: i64,
) -> EdgeResult<Option<i64>> {
    let delay = site_cache::part(env, site, now, |config| continuity::delay_ms(&config.channels)).await?;
    let shortened = env.var("EMAIL_CONTINUITY_DELAY_MS").ok().and_then(|v| v.to_string().parse::<i64>().ok());
    Ok(delay.map(|delay| shortened.unwrap_or(delay)))
}
