//! The Site object's digests of what agents missed (`core::email::digest`): one row per
//! agent, conversation and kind of thing missed (bounded per agent), noted from routing's
//! decisions and conversations' news while the agent's console is closed; cleared when they
//! open it; one email per agent a while after the first row (the alarm, shared with routing
//! and the retention sweep), through Postmark, unless they turned digests off
//! (`digest_off`). The console's address comes from the last inbox socket opened.

use serde::{Deserialize, Serialize};
use switchboard_core::email::digest::{self, Item, Missed, MAX_ITEMS};
use switchboard_core::email::postmark::OutboundEmail;
use switchboard_protocol::api::agents_list;
use switchboard_protocol::{AgentId, ConversationId, SiteId};

use super::calls::Site;
use super::SiteObject;
use crate::email_send::{self, Outcome};
use crate::error::EdgeResult;
use crate::objects;
use crate::objects::call::object_call;
use crate::objects::directory::calls::ListAgents;

/// The tables, made with the site's others.
pub(super) const SCHEMA: [&str; 4] = [
    "CREATE TABLE IF NOT EXISTS missed (
        agent TEXT NOT NULL,
        conversation TEXT NOT NULL,
        kind TEXT NOT NULL,
        count INTEGER NOT NULL,
        first_at INTEGER NOT NULL,
        PRIMARY KEY (agent, conversation, kind))",
    "CREATE INDEX IF NOT EXISTS missed_by_time ON missed (first_at)",
    "CREATE TABLE IF NOT EXISTS digest_off (agent TEXT PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS console_origin (only INTEGER PRIMARY KEY CHECK (only = 1), origin TEXT NOT NULL)",
];

/// Whether `agent` gets digests; with `enabled`, sets it first. Answers the setting.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct DigestSetting {
    /// The agent.
    pub agent: AgentId,
    /// The new setting, if it changes.
    pub enabled: Option<bool>,
}
object_call!(DigestSetting => Site, "/digest/setting", bool);

impl SiteObject {
    /// Whether the agent has a console open here.
    pub(super) fn present(&self, agent: &AgentId) -> bool {
        !self.state.get_websockets_with_tag(agent.as_str()).is_empty()
    }

    /// Notes that `agent` missed something in `conversation` (once per kind, counted).
    pub(super) fn note_missed(
        &self,
        (agent, conversation, missed): (AgentId, ConversationId, Missed),
        now: i64,
    ) {
        let noted = (|| {
            self.sql().exec(
                "INSERT INTO missed (agent, conversation, kind, count, first_at) VALUES (?, ?, ?, 1, ?)
                 ON CONFLICT (agent, conversation, kind) DO UPDATE SET count = count + 1",
                vec![agent.as_str().into(), conversation.as_str().into(), missed.as_str().into(), now.into()],
            )?;
            // Bounded: an agent away for a month keeps their newest conversations only.
            self.sql().exec(
                "DELETE FROM missed WHERE agent = ? AND rowid NOT IN
                   (SELECT rowid FROM missed WHERE agent = ? ORDER BY first_at DESC LIMIT ?)",
                vec![agent.as_str().into(), agent.as_str().into(), (MAX_ITEMS as i64).into()],
            )?;
            Ok::<(), crate::error::EdgeError>(())
        })();
        if let Err(error) = noted {
            worker::console_error!("digest: {error:?}");
        }
    }

    /// The agent opened the console (at `origin`): they see what they missed there.
    pub(super) fn back_at_console(&self, agent: &AgentId, origin: Option<&str>) -> EdgeResult<()> {
        self.sql().exec("DELETE FROM missed WHERE agent = ?", vec![agent.as_str().into()])?;
        if let Some(origin) = origin {
            self.sql().exec(
                "INSERT INTO console_origin (only, origin) VALUES (1, ?)
                 ON CONFLICT (only) DO UPDATE SET origin = excluded.origin WHERE origin != excluded.origin",
                vec![origin.into()],
            )?;
        }
        Ok(())
    }

    /// The agent's setting, changed first when asked.
    pub(super) fn digest_setting(&self, call: &DigestSetting) -> EdgeResult<bool> {
        let agent = call.agent.as_str();
        match call.enabled {
            Some(true) => {
                drop(self.sql().exec("DELETE FROM digest_off WHERE agent = ?", vec![agent.into()])?)
            }
            Some(false) => {
                self.sql().exec("INSERT OR IGNORE INTO digest_off (agent) VALUES (?)", vec![agent.into()])?;
                self.sql().exec("DELETE FROM missed WHERE agent = ?", vec![agent.into()])?;
            }
            None => {}
        }
        #[derive(Deserialize)]
        struct Row {
            #[allow(dead_code)]
            agent: String,
        }
        let off: Vec<Row> = self
            .sql()
            .exec("SELECT agent FROM digest_off WHERE agent = ?", vec![agent.into()])?
            .to_array()?;
        Ok(off.is_empty())
    }

    /// When the next digest is due, if any is waiting.
    pub(super) fn next_digest_at(&self) -> EdgeResult<Option<i64>> {
        #[derive(Deserialize)]
        struct Row {
            first: Option<i64>,
        }
        let rows: Vec<Row> =
            self.sql().exec("SELECT MIN(first_at) AS first FROM missed", None)?.to_array()?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|row| row.first)
            .map(|at| digest::due_at(at, self.digest_delay())))
    }

    /// The alarm rang: each agent whose digest is due gets it (or, back at the console or
    /// with digests off, nothing).
    pub(super) async fn send_digests(&self, now: i64) -> EdgeResult<()> {
        #[derive(Deserialize)]
        struct Due {
            agent: AgentId,
        }
        let due: Vec<Due> = self
            .sql()
            .exec(
                "SELECT agent FROM missed GROUP BY agent HAVING MIN(first_at) <= ?",
                vec![(now - self.digest_delay()).into()],
            )?
            .to_array()?;
        if due.is_empty() {
            return Ok(());
        }
        let config = self.ensure_config(None)?;
        let team = objects::send(&self.env, &(), &ListAgents { site: config.id.clone() }).await?;
        for Due { agent } in due {
            let wants = self.digest_setting(&DigestSetting { agent: agent.clone(), enabled: None })?;
            let account = team.agents.iter().find(|entry| entry.id == agent);
            if let (false, true, Some(account)) = (self.present(&agent), wants, account) {
                if let Some(email) = self.digest_email(&config.id, &config.name, &config.channels, account)? {
                    // Best effort: a digest that cannot go now is not worth a retry later.
                    match email_send::send(&self.env, &email).await {
                        Outcome::Sent(_) => {}
                        Outcome::Later => {
                            worker::console_error!("digest for {}: Postmark unreachable", account.email)
                        }
                        Outcome::Never(why) => worker::console_error!("digest for {}: {why}", account.email),
                    }
                }
            } else {
                worker::console_log!(
                    "digest for {agent}: not sent (console open, digests off, or no account)"
                );
            }
            self.sql().exec("DELETE FROM missed WHERE agent = ?", vec![agent.as_str().into()])?;
        }
        Ok(())
    }

    /// The digest email for one agent, if the deployment can send one.
    fn digest_email(
        &self,
        site: &SiteId,
        site_name: &str,
        identities: &[switchboard_protocol::channels::ContactIdentity],
        account: &agents_list::AgentEntry,
    ) -> EdgeResult<Option<OutboundEmail>> {
        #[derive(Deserialize)]
        struct Row {
            conversation: ConversationId,
            kind: String,
            count: u32,
        }
        let Some(sender) = email_send::sender_address(&self.env, identities) else { return Ok(None) };
        let rows: Vec<Row> = self
            .sql()
            .exec(
                "SELECT conversation, kind, count FROM missed WHERE agent = ? ORDER BY first_at",
                vec![account.id.as_str().into()],
            )?
            .to_array()?;
        let mut items = Vec::new();
        for row in rows {
            let Some(missed) = Missed::parse(&row.kind) else { continue };
            let summary = self.summary(&row.conversation)?;
            let who = summary.as_ref().and_then(|s| s.visitor_name.clone());
            let text = summary.and_then(|s| s.last_message).map(|m| m.text);
            items.push(Item { missed, count: row.count, who, text });
        }
        let origin = self.console_origin()?;
        let console = format!("{}/console/", origin.unwrap_or_default());
        let composed = digest::compose(site_name, &account.name, &items, &console);
        Ok(Some(OutboundEmail {
            from: email_send::from_header(site_name, &sender),
            to: account.email.clone(),
            reply_to: sender,
            subject: composed.subject,
            text: composed.text,
            html: Some(composed.html),
            headers: Vec::new(),
            files: Vec::new(),
            metadata: vec![("site".into(), site.to_string())],
        }))
    }

    /// Where agents open the console: the deployment's `PUBLIC_ORIGIN`, else the last seen.
    fn console_origin(&self) -> EdgeResult<Option<String>> {
        if let Ok(origin) = self.env.var("PUBLIC_ORIGIN") {
            return Ok(Some(origin.to_string()));
        }
        #[derive(Deserialize)]
        struct Row {
            origin: String,
        }
        let rows: Vec<Row> = self.sql().exec("SELECT origin FROM console_origin", None)?.to_array()?;
        Ok(rows.into_iter().next().map(|row| row.origin))
    }

    /// How long after the first missed thing a digest goes: the deployment's
    /// `EMAIL_DIGEST_DELAY_MS` when set (tests shorten it), else core's default.
    fn digest_delay(&self) -> i64 {
        let set = self.env.var("EMAIL_DIGEST_DELAY_MS").ok().and_then(|v| v.to_string().parse().ok());
        set.unwrap_or(digest::DEFAULT_DELAY_MS)
    }
}
