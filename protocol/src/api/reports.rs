//! Reports: `GET /api/v1/reports?from=MS&to=MS&offset_minutes=N` (any agent of the site;
//! console session or API key with the `conversations` scope) → `200` [`Figures`] for the
//! conversations of the period (`docs/reports.md` says what each figure counts); with
//! `&format=csv`, the same as CSV (`text/csv`): each figure on a line, then each day.
//! `from` and `to` are ms since the Unix epoch (`to` after `from`, at most
//! [`MAX_REPORT_DAYS`] days); `offset_minutes` is the site's offset from UTC its days start
//! at (-720 to 840; absent: 0). Narrowed with `channel` (`webchat`, `sms`, …), `queue` (the
//! queue a conversation was last handed to) and `label` (one it carries now). A bad
//! parameter is `400` naming it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::AgentId;

/// Longest period one report covers, in days.
pub const MAX_REPORT_DAYS: u32 = 366;

/// Durations in ms: how many, the median and the 90th percentile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    /// How many were measured.
    pub count: u64,
    /// The median (nearest rank), when any.
    pub median_ms: Option<i64>,
    /// The 90th percentile (nearest rank), when any.
    pub p90_ms: Option<i64>,
}

/// The customers' ratings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratings {
    /// How many rated.
    pub count: u64,
    /// How many gave 1, 2, 3, 4 and 5.
    pub distribution: [u64; 5],
    /// Their average, in hundredths (4.25 → 425), when any.
    pub average_hundredths: Option<u64>,
    /// What customers wrote with their rating, newest first, at most
    /// [`MAX_REPORT_COMMENTS`].
    #[serde(default)]
    pub comments: Vec<RatingComment>,
}

/// Most rating comments a report lists.
pub const MAX_REPORT_COMMENTS: usize = 50;

/// A customer's comment with their rating.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingComment {
    /// Their rating, 1 to 5.
    pub score: u8,
    /// What they wrote.
    pub comment: String,
    /// When the conversation was (last) resolved, ms.
    pub resolved_at: i64,
}

/// One agent's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentFigures {
    /// Conversations opened in the period they last held.
    pub handled: u64,
    /// Of those, resolved.
    pub resolved: u64,
    /// First response times of those.
    pub first_response: Durations,
    /// Time online (taking offers) within the period, ms, whichever conversations the
    /// report is narrowed to.
    #[serde(default)]
    pub online_ms: i64,
    /// Time away (keeping their conversations, taking no new ones) within the period, ms.
    #[serde(default)]
    pub away_ms: i64,
}

/// Opened and resolved on one day (or in one hour of the day).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCounts {
    /// Conversations opened.
    pub opened: u64,
    /// Conversations resolved (last resolution that day).
    pub resolved: u64,
}

/// A report over a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Conversations opened in the period.
    pub opened: u64,
    /// Conversations whose last resolution is in the period.
    pub resolved: u64,
    /// First response times of conversations opened in the period.
    pub first_response: Durations,
    /// Later response times of conversations opened in the period.
    pub next_response: Durations,
    /// Resolution times of conversations resolved in the period.
    pub resolution: Durations,
    /// Queue waits of conversations opened in the period.
    pub queue_wait: Durations,
    /// Response targets missed in conversations opened in the period.
    pub sla_breaches: u64,
    /// Of those resolved in the period, without a person.
    pub bot_contained: u64,
    /// Of those opened in the period, handed to people.
    pub handed_over: u64,
    /// Ratings of conversations resolved in the period.
    pub ratings: Ratings,
    /// Per agent (who last held it).
    pub agents: BTreeMap<AgentId, AgentFigures>,
    /// Per day (start of the day in the site's time zone, ms).
    pub days: BTreeMap<i64, DayCounts>,
    /// Per hour of the day, 0 to 23 in the site's time zone, over the whole period: when
    /// customers write and conversations close (for staffing).
    #[serde(default)]
    pub hours: [DayCounts; 24],
}
