//! A report's figures over a period, from the conversations' facts rows
//! ([`super::ConversationFacts`]): counts, durations as median and 90th percentile (nearest
//! rank, so every figure is a time some customer really had), containment, CSAT, per agent,
//! and opened/resolved per day in the site's time zone. What each figure counts is in
//! `docs/reports.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use switchboard_protocol::api::reports::{
    AgentFigures, Durations, Figures, RatingComment, Ratings, MAX_REPORT_COMMENTS, MAX_REPORT_DAYS,
};
use switchboard_protocol::channels::Channel;
use switchboard_protocol::{AgentId, ApiError, ErrorCode, QueueId};

use super::ConversationFacts;

const DAY_MS: i64 = 86_400_000;

/// The period a report covers: `[from, to)` in ms, and the site's offset from UTC (minutes)
/// its days start at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First instant counted.
    pub from: i64,
    /// First instant not counted.
    pub to: i64,
    /// Minutes east of UTC.
    pub offset_minutes: i32,
}

impl Period {
    fn holds(&self, at: i64) -> bool {
        (self.from..self.to).contains(&at)
    }

    /// The start of `at`'s day in the site's time zone (as ms since the epoch, UTC).
    pub fn day_of(&self, at: i64) -> i64 {
        self.local(at).div_euclid(DAY_MS) * DAY_MS - self.offset_ms()
    }

    /// `at`'s hour of the day (0 to 23) in the site's time zone.
    pub fn hour_of(&self, at: i64) -> usize {
        (self.local(at).rem_euclid(DAY_MS) / 3_600_000) as usize
    }

    /// `at` on the site's clock: ms since the epoch as if its zone were UTC.
    fn local(&self, at: i64) -> i64 {
        at + self.offset_ms()
    }

    fn offset_ms(&self) -> i64 {
        i64::from(self.offset_minutes) * 60_000
    }
}

impl Period {
    /// A report's period as asked (`from`, `to` in ms, the site's offset from UTC in
    /// minutes), or why it cannot be one: `to` after `from`, at most [`MAX_REPORT_DAYS`]
    /// days, an offset real time zones have.
    pub fn checked(from: i64, to: i64, offset_minutes: i32) -> Result<Period, ApiError> {
        let bad =
            |field: &str, message: String| ApiError::new(ErrorCode::BadRequest, message).at_field(field);
        if to <= from {
            return Err(bad("to", "the period ends after it starts".into()));
        }
        if to - from > i64::from(MAX_REPORT_DAYS) * DAY_MS {
            return Err(bad("to", format!("a report covers at most {MAX_REPORT_DAYS} days")));
        }
        if !(-720..=840).contains(&offset_minutes) {
            return Err(bad("offset_minutes", "a time zone is -720 to 840 minutes from UTC".into()));
        }
        Ok(Period { from, to, offset_minutes })
    }
}

/// Which conversations a report is about (besides its period); the label is matched where
/// labels are kept (the site's index).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Narrowed {
    /// Only those from this channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// Only those last handed to this queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueId>,
    /// Only those carrying this label (stored spelling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Narrowed {
    /// Whether `facts` is one of them, as far as its facts tell (not the label).
    pub fn admits(&self, facts: &ConversationFacts) -> bool {
        self.channel.is_none_or(|channel| facts.channel == channel)
            && self.queue.as_ref().is_none_or(|queue| facts.queue.as_ref() == Some(queue))
    }

    /// The narrowing asked for (`channel`, `queue`, `label` as typed), or the first bad one.
    pub fn checked(
        channel: Option<&str>,
        queue: Option<&str>,
        label: Option<&str>,
    ) -> Result<Narrowed, ApiError> {
        let bad = |field: &str, message: &str| {
            ApiError::new(ErrorCode::BadRequest, format!("{field}: {message}")).at_field(field)
        };
        let channel = channel
            .map(|typed| serde_json::from_value::<Channel>(serde_json::Value::String(typed.to_owned())))
            .transpose()
            .map_err(|_| bad("channel", "webchat, sms, whatsapp, messenger or email"))?;
        let queue = queue.map(QueueId::parse).transpose().map_err(|_| bad("queue", "not a queue id"))?;
        let label = label
            .map(|typed| crate::conversation_labels::label(typed).ok_or_else(|| bad("label", "not a label")))
            .transpose()?;
        Ok(Narrowed { channel, queue, label })
    }
}

/// Durations of `values` (in any order): how many, the median and the 90th percentile.
pub fn durations(mut values: Vec<i64>) -> Durations {
    values.sort_unstable();
    Durations { count: values.len() as u64, median_ms: rank(&values, 50), p90_ms: rank(&values, 90) }
}

/// The nearest-rank `percent`th percentile of sorted `values`: the smallest value with at
/// least `percent`% of them at or below it.
pub fn rank(sorted: &[i64], percent: u64) -> Option<i64> {
    let n = sorted.len() as u64;
    let at = (percent * n).div_ceil(100).max(1);
    sorted.get(at as usize - 1).copied()
}

/// The newest [`MAX_REPORT_COMMENTS`] of `comments` (ties in a fixed order).
pub fn newest_comments(mut comments: Vec<RatingComment>) -> Vec<RatingComment> {
    comments.sort_by(|a, b| {
        b.resolved_at.cmp(&a.resolved_at).then(a.score.cmp(&b.score)).then(a.comment.cmp(&b.comment))
    });
    comments.truncate(MAX_REPORT_COMMENTS);
    comments
}

/// Adds each agent's time online and away in the period to `report` (`times`, from the
/// router's spans: `routing::PresenceTime`), agents who held no conversation included.
pub fn add_presence(
    report: &mut Figures,
    times: impl IntoIterator<Item = (switchboard_protocol::AgentId, crate::routing::PresenceTime)>,
) {
    for (agent, time) in times {
        let figures = report.agents.entry(agent).or_default();
        figures.online_ms = time.online_ms;
        figures.away_ms = time.away_ms;
    }
}

/// The figures of `facts` (one per conversation) over `period`.
pub fn figures<'a>(facts: impl IntoIterator<Item = &'a ConversationFacts>, period: Period) -> Figures {
    let mut report = Figures::default();
    let (mut first, mut next, mut resolution, mut waits) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut per_agent: BTreeMap<AgentId, (u64, u64, Vec<i64>)> = BTreeMap::new();
    let mut ratings = Vec::new();
    let mut comments: Vec<RatingComment> = Vec::new();
    for facts in facts {
        let Some(opened_at) = facts.opened_at else { continue };
        let resolved_in = facts.resolved_at.filter(|at| period.holds(*at));
        if period.holds(opened_at) {
            report.opened += 1;
            report.days.entry(period.day_of(opened_at)).or_default().opened += 1;
            report.hours[period.hour_of(opened_at)].opened += 1;
            first.extend(facts.first_response_ms);
            next.extend(facts.next_responses_ms.iter().copied());
            waits.extend(facts.queue_wait_ms);
            report.sla_breaches += u64::from(facts.sla_breaches);
            report.handed_over += u64::from(facts.handed_over);
            if let Some(agent) = &facts.agent {
                let entry = per_agent.entry(agent.clone()).or_default();
                entry.0 += 1;
                entry.1 += u64::from(facts.resolved_at.is_some());
                entry.2.extend(facts.first_response_ms);
            }
        }
        if let Some(at) = resolved_in {
            report.resolved += 1;
            report.days.entry(period.day_of(at)).or_default().resolved += 1;
            report.hours[period.hour_of(at)].resolved += 1;
            resolution.extend(facts.resolution_ms());
            report.bot_contained += u64::from(facts.bot_contained());
            ratings.extend(facts.rating);
            if let (Some(score), Some(comment)) = (facts.rating, &facts.rating_comment) {
                comments.push(RatingComment { score, comment: comment.clone(), resolved_at: at });
            }
        }
    }
    report.first_response = durations(first);
    report.next_response = durations(next);
    report.resolution = durations(resolution);
    report.queue_wait = durations(waits);
    report.ratings = Ratings {
        count: ratings.len() as u64,
        distribution: std::array::from_fn(|i| {
            ratings.iter().filter(|&&r| usize::from(r) == i + 1).count() as u64
        }),
        average_hundredths: (!ratings.is_empty())
            .then(|| ratings.iter().map(|&r| u64::from(r) * 100).sum::<u64>() / ratings.len() as u64),
        comments: newest_comments(comments),
    };
    report.agents = per_agent
        .into_iter()
        .map(|(agent, (handled, resolved, times))| {
            let first_response = durations(times);
            (agent, AgentFigures { handled, resolved, first_response, ..AgentFigures::default() })
        })
        .collect();
    report
}
