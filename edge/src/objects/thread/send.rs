//! Our messages to the customer, through the provider's API (Twilio's Messages API, at the
//! deployment's `TWILIO_API_BASE` with its `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN`):
//! sent in the line's order from the object's alarm, one at a time; a message the provider
//! could not take yet waits (and every later one behind it) with backoff; a message it
//! refuses for good, or that failed `MAX_SEND_ATTEMPTS` times, becomes a note to the team.
//! The provider's status reports then move each message along (`core::channels::thread::
//! advances`) and tell the conversation: the status for its agents' ticks, and what else it
//! shows (`core::channels::thread::receipt`).

use switchboard_core::channels::thread::{self, Receipt, MAX_SEND_ATTEMPTS};
use switchboard_core::channels::twilio::{self, Account, Outbound, ProviderRequest, Refused, Sent};
use switchboard_core::channels::{messenger, whatsapp};
use switchboard_core::webhook_delivery::Schedule;
use switchboard_protocol::attachment::Attachment;
use switchboard_protocol::channels::{Channel, DeliveryStatus, Thread, REPLY_WINDOW_MS};
use switchboard_protocol::{ConversationId, Seq};

use super::calls::{Content, StatusReport, Watermark};
use super::{Line, ThreadObject, KEEP_MS};
use crate::env;
use crate::error::EdgeResult;
use crate::objects;
use crate::objects::conversation::calls::ChannelReceipt;

/// What a provider's answer to a send means (`core::channels::{twilio,messenger}::sent`).
type ReadAnswer = fn(u16, &str) -> Result<Sent, Refused>;

/// How long the provider's API may take to answer.
const TIMEOUT_MS: u32 = 10_000;

/// The most of its answer read.
const MAX_READ_BYTES: usize = 16 * 1024;

/// Sends in one wake at most; the rest follow at once in the next.
const SENDS_PER_WAKE: usize = 20;

#[derive(serde::Deserialize)]
struct Pending {
    id: i64,
    conversation: ConversationId,
    seq: u64,
    body: String,
    attempts: u32,
    next_at: i64,
    content: Option<String>,
    media: Option<String>,
    quick_replies: Option<String>,
    person: Option<i64>,
}

/// One provider message as the line queued it.
pub(super) struct Part<'a> {
    pub body: &'a str,
    content: Option<Content>,
    pub file: Option<Attachment>,
    quick_replies: Vec<String>,
    by_person: bool,
}

impl Pending {
    fn part(&self) -> EdgeResult<Part<'_>> {
        Ok(Part {
            body: &self.body,
            content: self.content.as_deref().map(serde_json::from_str).transpose()?,
            file: self.media.as_deref().map(serde_json::from_str).transpose()?,
            quick_replies: self
                .quick_replies
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?
                .unwrap_or_default(),
            by_person: self.person == Some(1),
        })
    }
}

/// What became of one attempt.
pub(super) enum Outcome {
    Sent { provider_id: String, status: DeliveryStatus },
    Later,
    Never(String),
}

impl ThreadObject {
    /// Sends what is due, in order, then sets the alarm for what waits.
    pub(super) async fn send_due(&self) -> EdgeResult<()> {
        let Some(line) = self.line()? else { return Ok(()) };
        let thread = line.thread()?;
        for _ in 0..SENDS_PER_WAKE {
            let now = env::now();
            let Some(next) = self.next_pending()? else { break };
            if next.next_at > now {
                // The line's order: nothing overtakes a message waiting to be retried.
                return self.wake_at(next.next_at).await;
            }
            let attempts = next.attempts + 1;
            let outcome = match thread.channel {
                Channel::Email => {
                    let answer = super::email::Answer {
                        conversation: &next.conversation,
                        seq: Seq(next.seq),
                        row: next.id,
                        part: next.part()?,
                    };
                    self.attempt_email(&line, &thread, answer, now).await
                }
                _ => self.attempt(&line, &thread, next.part()?, now).await,
            };
            match outcome {
                Outcome::Sent { provider_id, status } => {
                    self.sql.exec(
                        "UPDATE outgoing SET state = 'sent', attempts = ?, provider_id = ?, status = ? WHERE id = ?",
                        vec![
                            i64::from(attempts).into(),
                            provider_id.into(),
                            status_name(status).into(),
                            next.id.into(),
                        ],
                    )?;
                    // The agents' tick; a conversation that cannot hear it now keeps the last
                    // one it did, and sending goes on.
                    let tick = ChannelReceipt::status(Seq(next.seq), status);
                    if let Err(error) = objects::send(&self.env, &next.conversation, &tick).await {
                        worker::console_error!("thread: telling a status: {error:?}");
                    }
                }
                Outcome::Later if attempts < MAX_SEND_ATTEMPTS => {
                    let jitter = f64::from(env::random_bytes::<1>()?[0]) / 256.0;
                    let at = retry_schedule(&self.env).next_attempt(attempts, now, jitter);
                    self.sql.exec(
                        "UPDATE outgoing SET attempts = ?, next_at = ? WHERE id = ?",
                        vec![i64::from(attempts).into(), at.into(), next.id.into()],
                    )?;
                    return self.wake_at(at).await;
                }
                Outcome::Later => {
                    let why = "the provider could not be reached".to_owned();
                    self.give_up(&thread, &next, why).await?;
                }
                Outcome::Never(why) => self.give_up(&thread, &next, why).await?,
            }
        }
        let now = env::now();
        self.sql.exec(
            "DELETE FROM outgoing WHERE state != 'pending' AND created_at < ?",
            vec![(now - KEEP_MS).into()],
        )?;
        if self.next_pending()?.is_some() {
            self.wake_at(now).await?;
        }
        Ok(())
    }

    fn next_pending(&self) -> EdgeResult<Option<Pending>> {
        let rows: Vec<Pending> = self
            .sql
            .exec(
                "SELECT id, conversation, seq, body, attempts, next_at, content, media, quick_replies, person FROM outgoing
                 WHERE state = 'pending' ORDER BY id LIMIT 1",
                None,
            )?
            .to_array()?;
        Ok(rows.into_iter().next())
    }

    /// One request to the provider: Twilio's Messages API, or Meta's Send API.
    async fn attempt(&self, line: &Line, thread: &Thread, part: Part<'_>, now: i64) -> Outcome {
        // Providers fetch a file themselves, from this edge: by its absolute signed link.
        let callback = line.status_callback.as_deref().unwrap_or_default();
        let media = match &part.file {
            None => None,
            Some(file) => match thread::absolute(callback, &file.url) {
                Some(url) => Some((url, file.is_image())),
                None => {
                    return Outcome::Never("this line has no public address of the edge for files".into())
                }
            },
        };
        let (request, read): (ProviderRequest, ReadAnswer) = match thread.channel {
            Channel::Messenger => match self.messenger_request(line, thread, &part, media, now).await {
                Ok(request) => (request, messenger::sent),
                Err(why) => return Outcome::Never(why),
            },
            _ => {
                let Some((base_url, account_sid, auth_token)) = self.account() else {
                    return Outcome::Never(
                        "this deployment has no Twilio account (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)"
                            .into(),
                    );
                };
                let account =
                    Account { base_url: &base_url, account_sid: &account_sid, auth_token: &auth_token };
                let media_urls: Vec<String> = media.into_iter().map(|(url, _)| url).collect();
                let message = Outbound {
                    channel: thread.channel,
                    from: &thread.ours,
                    to: &thread.theirs,
                    body: part.body,
                    media_urls: &media_urls,
                    status_callback: line.status_callback.as_deref(),
                    content: part.content.as_ref().map(|c| (c.sid.as_str(), c.variables.as_slice())),
                };
                (twilio::send_request(account, &message), twilio::sent)
            }
        };
        let headers: Vec<(&str, &str)> = request.headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        match crate::bounded_fetch::post(&request.url, &headers, &request.body, TIMEOUT_MS, MAX_READ_BYTES)
            .await
        {
            Err(_) => Outcome::Later,
            Ok((status, answer)) => match read(status, &String::from_utf8_lossy(&answer)) {
                Ok(sent) => Outcome::Sent { provider_id: sent.sid, status: sent.status },
                Err(refused) if refused.retry => Outcome::Later,
                Err(refused) => Outcome::Never(match refused.code {
                    Some(code) => format!("{} (error {code})", refused.message),
                    None => refused.message,
                }),
            },
        }
    }

    /// The Send API request for `body`, with the page's access token from the site's settings.
    async fn messenger_request(
        &self,
        line: &Line,
        thread: &Thread,
        part: &Part<'_>,
        media: Option<(String, bool)>,
        now: i64,
    ) -> Result<ProviderRequest, String> {
        let page = messenger_page(&self.env, &line.site, &thread.ours, now)
            .await
            .map_err(|e| format!("{e:?}"))?
            .ok_or("the site no longer lists this page")?;
        let human_agent = page.human_agent;
        let token = page.access_token.ok_or("the site has no access token for this page")?;
        let base_url = messenger_api_base(&self.env);
        // Past the 24 hours a person's message goes tagged HUMAN_AGENT (the conversation let
        // it through only on a page with the feature; Meta refuses it otherwise).
        let tag = whatsapp::human_agent_tag(
            Channel::Messenger,
            part.by_person,
            human_agent,
            self.last_arrival().map_err(|e| format!("{e:?}"))?,
            reply_window(&self.env),
            now,
        );
        Ok(match media {
            Some((url, image)) => messenger::file_request(&base_url, &token, &thread.theirs, &url, image),
            None => messenger::send_request(
                &base_url,
                &token,
                &thread.theirs,
                part.body,
                &part.quick_replies,
                tag,
            ),
        })
    }

    /// When the customer's newest message on this line arrived (kept for [`KEEP_MS`]).
    pub(super) fn last_arrival(&self) -> EdgeResult<Option<i64>> {
        #[derive(serde::Deserialize)]
        struct Row {
            at: Option<i64>,
        }
        let rows: Vec<Row> = self.sql.exec("SELECT MAX(at) AS at FROM arrived", None)?.to_array()?;
        Ok(rows.into_iter().next().and_then(|row| row.at))
    }

    /// Meta's watermark: every message sent to the customer up to `at` was delivered (or
    /// read); read, their read mark moves to the newest such message.
    pub(super) async fn watermark(&self, call: Watermark) -> EdgeResult<()> {
        #[derive(serde::Deserialize)]
        struct Newest {
            conversation: ConversationId,
            seq: u64,
        }
        if self.line()?.is_none() {
            return Ok(());
        }
        let status = if call.read { DeliveryStatus::Read } else { DeliveryStatus::Delivered };
        self.sql.exec(
            "UPDATE outgoing SET status = ? WHERE state = 'sent' AND created_at <= ? AND (status IS NULL OR status IN ('queued', 'sent') OR (? AND status = 'delivered'))",
            vec![status_name(status).into(), call.at.into(), i64::from(call.read).into()],
        )?;
        let rows: Vec<Newest> = self
            .sql
            .exec(
                "SELECT conversation, seq FROM outgoing WHERE state = 'sent' AND created_at <= ? ORDER BY id DESC LIMIT 1",
                vec![call.at.into()],
            )?
            .to_array()?;
        let Some(newest) = rows.into_iter().next() else { return Ok(()) };
        let receipt = if call.read { Receipt::Read } else { Receipt::Nothing };
        let call = ChannelReceipt { seq: Seq(newest.seq), receipt, status: Some(status), through: true };
        objects::send(&self.env, &newest.conversation, &call).await
    }

    /// Marks the message failed and tells the team.
    async fn give_up(&self, thread: &Thread, message: &Pending, why: String) -> EdgeResult<()> {
        self.sql.exec(
            "UPDATE outgoing SET state = 'failed', status = 'failed' WHERE id = ?",
            vec![message.id.into()],
        )?;
        let receipt = Receipt::NotDelivered(thread::not_sent(thread.channel, &why));
        let call = ChannelReceipt {
            seq: Seq(message.seq),
            receipt,
            status: Some(DeliveryStatus::Failed),
            through: false,
        };
        objects::send(&self.env, &message.conversation, &call).await
    }

    /// The provider says how far one of our messages has come.
    pub(super) async fn status_report(&self, report: StatusReport) -> EdgeResult<()> {
        #[derive(serde::Deserialize)]
        struct Sent {
            id: i64,
            conversation: ConversationId,
            seq: u64,
            status: Option<String>,
        }
        let Some(line) = self.line()? else { return Ok(()) };
        let rows: Vec<Sent> = self
            .sql
            .exec(
                "SELECT id, conversation, seq, status FROM outgoing WHERE provider_id = ?",
                vec![report.provider_id.as_str().into()],
            )?
            .to_array()?;
        // Not ours (or long forgotten): nothing to do.
        let Some(sent) = rows.into_iter().next() else { return Ok(()) };
        let stored = sent.status.as_deref().and_then(status_of);
        if !thread::advances(stored, report.status) {
            return Ok(());
        }
        self.sql.exec(
            "UPDATE outgoing SET status = ? WHERE id = ?",
            vec![status_name(report.status).into(), sent.id.into()],
        )?;
        let receipt = thread::receipt(line.thread()?.channel, report.status, report.error_code);
        let call =
            ChannelReceipt { seq: Seq(sent.seq), receipt, status: Some(report.status), through: false };
        objects::send(&self.env, &sent.conversation, &call).await
    }
}

fn status_name(status: DeliveryStatus) -> String {
    serde_json::to_value(status).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn status_of(name: &str) -> Option<DeliveryStatus> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// The retry schedule of hand-overs and sends on a customer's line: the webhooks' backoff,
/// its first delay from the deployment's `CHANNEL_FIRST_RETRY_MS` when set (tests shorten it).
pub(crate) fn retry_schedule(env: &worker::Env) -> Schedule {
    let first = env.var("CHANNEL_FIRST_RETRY_MS").ok().and_then(|v| v.to_string().parse::<i64>().ok());
    let default = Schedule::default();
    Schedule { first_delay_ms: first.unwrap_or(default.first_delay_ms).max(1), ..default }
}

/// The reply window of WhatsApp and Messenger: the providers' 24 hours, or the deployment's
/// `CHANNEL_REPLY_WINDOW_MS` when set (tests shorten it).
pub(crate) fn reply_window(env: &worker::Env) -> i64 {
    let set = env.var("CHANNEL_REPLY_WINDOW_MS").ok().and_then(|v| v.to_string().parse().ok());
    set.unwrap_or(REPLY_WINDOW_MS)
}

/// Meta's Graph API: `https://graph.facebook.com`, or the deployment's `MESSENGER_API_BASE`
/// (a local stand-in in tests).
pub(super) fn messenger_api_base(env: &worker::Env) -> String {
    env.var("MESSENGER_API_BASE")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "https://graph.facebook.com".into())
}

/// The site's Messenger page `page` as its settings say now (this isolate's recent read of
/// them), if the site still lists it.
pub(crate) async fn messenger_page(
    env: &worker::Env,
    site: &switchboard_protocol::SiteId,
    page: &str,
    now: i64,
) -> EdgeResult<Option<switchboard_protocol::channels::ContactIdentity>> {
    crate::site_cache::part(env, site, now, |config| {
        thread::identity(&config.channels, Channel::Messenger, page).cloned()
    })
    .await
}
