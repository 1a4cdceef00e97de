//! A report's figures over a period, from the conversations' facts rows
//! ([`super::ConversationFacts`]): counts, durations as median and 90th percentile (nearest
//! rank, so every figure is a time some customer really had), containment, CSAT, per agent,
//! and opened/resolved per day in the site's time zone. What each figure counts is in
//! `docs/reports.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use switchboard_protocol::AgentId;

use super::ConversationFacts;

const DAY_MS: i64 = 86_400_000;

/// The period a report covers: `[from, to)` in ms, and the site's offset from UTC (minutes)
/// its days start at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        let offset = i64::from(self.offset_minutes) * 60_000;
        (at + offset).div_euclid(DAY_MS) * DAY_MS - offset
    }
}

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

impl Durations {
    /// Of `values` (in any order).
    pub fn of(mut values: Vec<i64>) -> Durations {
        values.sort_unstable();
        Durations { count: values.len() as u64, median_ms: rank(&values, 50), p90_ms: rank(&values, 90) }
    }
}

/// The nearest-rank `percent`th percentile of sorted `values`: the smallest value with at
/// least `percent`% of them at or below it.
pub fn rank(sorted: &[i64], percent: u64) -> Option<i64> {
    let n = sorted.len() as u64;
    let at = (percent * n).div_ceil(100).max(1);
    sorted.get(at as usize - 1).copied()
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
}

/// Opened and resolved on one day.
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
}

/// The figures of `facts` (one per conversation) over `period`.
pub fn figures<'a>(facts: impl IntoIterator<Item = &'a ConversationFacts>, period: Period) -> Figures {
    let mut report = Figures::default();
    let (mut first, mut next, mut resolution, mut waits) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut per_agent: BTreeMap<AgentId, (u64, u64, Vec<i64>)> = BTreeMap::new();
    let mut ratings = Vec::new();
    for facts in facts {
        let Some(opened_at) = facts.opened_at else { continue };
        let resolved_in = facts.resolved_at.filter(|at| period.holds(*at));
        if period.holds(opened_at) {
            report.opened += 1;
            report.days.entry(period.day_of(opened_at)).or_default().opened += 1;
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
            resolution.extend(facts.resolution_ms());
            report.bot_contained += u64::from(facts.bot_contained());
            ratings.extend(facts.rating);
        }
    }
    report.first_response = Durations::of(first);
    report.next_response = Durations::of(next);
    report.resolution = Durations::of(resolution);
    report.queue_wait = Durations::of(waits);
    report.ratings = Ratings {
        count: ratings.len() as u64,
        distribution: std::array::from_fn(|i| {
            ratings.iter().filter(|&&r| usize::from(r) == i + 1).count() as u64
        }),
        average_hundredths: (!ratings.is_empty())
            .then(|| ratings.iter().map(|&r| u64::from(r) * 100).sum::<u64>() / ratings.len() as u64),
    };
    report.agents = per_agent
        .into_iter()
        .map(|(agent, (handled, resolved, times))| {
            (agent, AgentFigures { handled, resolved, first_response: Durations::of(times) })
        })
        .collect();
    report
}
