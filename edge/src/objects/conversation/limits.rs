//! What a conversation allows: each participant's message rate, how many messages the log
//! holds and how many attachment bytes its site stores — the deployment's figures (wrangler
//! variables) or the defaults — and what its site's interceptors take out of every message.

use switchboard_core::rate::ParticipantLimits;
use switchboard_protocol::interceptors::Interceptor;
use switchboard_protocol::limits::{
    AGENT_MESSAGES_PER_SECOND, MAX_LOG_MESSAGES, VISITOR_MESSAGES_PER_SECOND,
};
use switchboard_protocol::Author;

use super::ConversationObject;
use crate::error::EdgeResult;

impl ConversationObject {
    /// The site's interceptors on this conversation's channel, as this isolate read its
    /// configuration lately
    /// (`crate::site_cache`; no wait when it did). None before the conversation exists: the
    /// core refuses its messages then anyway.
    pub(super) async fn interceptors(&self, now: i64) -> EdgeResult<Vec<Interceptor>> {
        let Some(meta) = self.store.meta()? else { return Ok(Vec::new()) };
        let channel = meta.channel();
        crate::site_cache::part(&self.env, &meta.site_id, now, |config| {
            switchboard_core::interceptors::for_channel(&config.interceptors, channel)
        })
        .await
    }

    /// Fresh limits for `author`: the deployment's rates (`VISITOR_MESSAGES_PER_SECOND`,
    /// `AGENT_MESSAGES_PER_SECOND`) and log size (`MAX_LOG_MESSAGES`), or the defaults.
    pub(super) fn limits_for(&self, author: &Author, now: i64) -> ParticipantLimits {
        let (name, default) = match author {
            Author::Visitor { .. } => ("VISITOR_MESSAGES_PER_SECOND", VISITOR_MESSAGES_PER_SECOND),
            _ => ("AGENT_MESSAGES_PER_SECOND", AGENT_MESSAGES_PER_SECOND),
        };
        let mut limits = ParticipantLimits::new(self.var(name).unwrap_or(default), now);
        limits.max_log_messages = self.max_log_messages();
        limits
    }

    /// Most messages participants may store here (`MAX_LOG_MESSAGES`, or the default).
    pub(super) fn max_log_messages(&self) -> u64 {
        self.var("MAX_LOG_MESSAGES").unwrap_or(MAX_LOG_MESSAGES)
    }

    /// What the site may store in attachments (`ATTACHMENT_BYTES_PER_SITE`, or the default).
    pub(super) fn attachment_bytes_per_site(&self) -> u64 {
        self.var("ATTACHMENT_BYTES_PER_SITE")
            .unwrap_or(switchboard_core::storage_quota::DEFAULT_BYTES_PER_SITE)
    }

    fn var<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.env.var(name).ok().and_then(|v| v.to_string().parse().ok())
    }
}
