//! A support address's line with one customer (`support@shop.example` ↔ their address): which
//! conversation a new email belongs to (`core::email::threading::continues`: it answers one of
//! the conversation's emails, or carries its subject — else it starts a new one), and the
//! team's answers as emails through Postmark ([`crate::email_send`]) — from the site's name at
//! the support address, with the conversation's signed reply address, `Re:` its subject, and
//! `In-Reply-To`/`References` so the customer's mail program keeps one thread.

use serde::{Deserialize, Serialize};
use switchboard_core::channels::thread;
use switchboard_core::email::inbound::EmailFile;
use switchboard_core::email::postmark::OutboundEmail;
use switchboard_core::email::threading;
use switchboard_protocol::channels::{DeliveryStatus, Thread};
use switchboard_protocol::{ConversationId, Seq, SiteId};

use super::send::{Outcome, Part};
use super::{Line, ThreadObject};
use crate::email_send;
use crate::error::EdgeResult;

/// What an arriving email says beyond its words: how it threads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EmailHeaders {
    /// Its subject.
    pub subject: String,
    /// Its `Message-ID` (no brackets).
    pub message_id: Option<String>,
    /// The ids it answers (`In-Reply-To`, `References`).
    pub thread_ids: Vec<String>,
}

/// One of the team's answers on the line, as queued.
pub(super) struct Answer<'a> {
    /// Its conversation.
    pub conversation: &'a ConversationId,
    /// Its entry there.
    pub seq: Seq,
    /// Its row in `outgoing` (one entry may be several).
    pub row: i64,
    /// What it says and carries.
    pub part: Part<'a>,
}

/// The email side of the line's row.
#[derive(Debug, Default, Deserialize)]
struct EmailRow {
    subject: Option<String>,
    message_ids: Option<String>,
}

impl EmailRow {
    fn ids(&self) -> Vec<String> {
        self.message_ids.as_deref().and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default()
    }
}

impl ThreadObject {
    fn email_row(&self) -> EdgeResult<EmailRow> {
        let rows: Vec<EmailRow> = self.sql.exec("SELECT subject, message_ids FROM line", None)?.to_array()?;
        Ok(rows.into_iter().next().unwrap_or_default())
    }

    /// Whether the email goes on in the line's current conversation.
    pub(super) fn email_continues(&self, headers: &EmailHeaders) -> EdgeResult<bool> {
        let row = self.email_row()?;
        let subject = row.subject.as_deref().unwrap_or_default();
        Ok(threading::continues(&row.ids(), subject, &headers.subject, &headers.thread_ids))
    }

    /// The email started a new conversation: its subject and id are the thread's now.
    pub(super) fn email_started(&self, headers: &EmailHeaders) -> EdgeResult<()> {
        let ids =
            headers.message_id.as_deref().map(|id| threading::remember(Vec::new(), id)).unwrap_or_default();
        self.sql.exec(
            "UPDATE line SET subject = ?, message_ids = ?",
            vec![headers.subject.as_str().into(), serde_json::to_string(&ids)?.into()],
        )?;
        Ok(())
    }

    /// `id` (the customer's email, or ours) is one of the thread's.
    pub(super) fn email_remember(&self, id: Option<&str>) -> EdgeResult<()> {
        let Some(id) = id else { return Ok(()) };
        let known = self.email_row()?.ids();
        let ids = threading::remember(known.clone(), id);
        // Known already (the email that started the thread, a provider's retry): no write.
        if ids == known {
            return Ok(());
        }
        self.sql.exec("UPDATE line SET message_ids = ?", vec![serde_json::to_string(&ids)?.into()])?;
        Ok(())
    }

    /// Sends one of the team's answers as an email.
    pub(super) async fn attempt_email(
        &self,
        line: &Line,
        thread: &Thread,
        answer: Answer<'_>,
        now: i64,
    ) -> Outcome {
        match self.answer_email(line, thread, answer, now).await {
            Ok(Some(email)) => {
                let id = email.headers[0].1.trim_matches(['<', '>']).to_owned();
                let outcome = match email_send::send(&self.env, &email).await {
                    email_send::Outcome::Sent(provider_id) => {
                        Outcome::Sent { provider_id, status: DeliveryStatus::Sent }
                    }
                    email_send::Outcome::Later => Outcome::Later,
                    email_send::Outcome::Never(why) => Outcome::Never(why),
                };
                if matches!(outcome, Outcome::Sent { .. }) {
                    if let Err(error) = self.email_remember(Some(&id)) {
                        worker::console_error!("thread: remembering an email's id: {error:?}");
                    }
                }
                outcome
            }
            Ok(None) => {
                Outcome::Never("this deployment has no key to sign reply addresses (SESSION_SECRET)".into())
            }
            Err(error) => Outcome::Never(format!("{error:?}")),
        }
    }

    async fn answer_email(
        &self,
        line: &Line,
        thread: &Thread,
        Answer { conversation, seq, row, part }: Answer<'_>,
        now: i64,
    ) -> EdgeResult<Option<OutboundEmail>> {
        let Some(key) = email_send::signing_key(&self.env) else { return Ok(None) };
        let site: &SiteId = &line.site;
        let name = crate::site_cache::part(&self.env, site, now, |config| config.name.clone()).await?;
        let domain = email_send::reply_domain(&self.env, &thread.ours);
        let email = self.email_row()?;
        let mut text = part.body.to_owned();
        let mut files = Vec::new();
        if let Some(file) = &part.file {
            // Attached: a link would stop working within a week.
            match self.stored_file(file).await {
                Some(bytes) => {
                    text = format!("Attached: {}", file.name);
                    files.push(EmailFile {
                        name: file.name.clone(),
                        content_type: file.content_type.clone(),
                        bytes,
                    });
                }
                None => {
                    let callback = line.status_callback.as_deref().unwrap_or_default();
                    let url = thread::absolute(callback, &file.url).unwrap_or_else(|| file.url.clone());
                    text = format!("{}\n{url}", file.name);
                }
            }
        }
        let fallback = format!("Your conversation with {name}");
        let id = threading::message_id(conversation, seq, row as u32, &domain);
        Ok(Some(OutboundEmail {
            from: email_send::from_header(&name, &thread.ours),
            to: thread.theirs.clone(),
            reply_to: email_send::reply_address(&key, site, conversation, &domain, now),
            subject: threading::reply_subject(email.subject.as_deref().unwrap_or_default(), &fallback),
            text,
            html: None,
            headers: threading::headers(&id, &email.ids()),
            files,
            metadata: vec![("site".into(), site.to_string()), ("line".into(), thread.ours.clone())],
        }))
    }

    /// The bytes of a file the conversation stored (its link names the bucket's object).
    async fn stored_file(&self, file: &switchboard_protocol::attachment::Attachment) -> Option<Vec<u8>> {
        let key = switchboard_core::attachment_links::stored_key(&file.url)?;
        let bucket = self.env.bucket(crate::env::BUCKET).ok()?;
        let object = bucket.get(&key).execute().await.ok()??;
        object.body()?.bytes().await.ok()
    }
}
