//! How long each agent was online and away, for reports: a row per span of one presence,
//! opened and closed as the router changes it (every [`Effect::PresenceChanged`]), and the
//! time each agent spent online and away within a period, clipped to it.
//!
//! Spans ended longer ago than [`KEPT_MS`] (longer than any report reaches back) are
//! deleted as new ones start, so the table holds what reports can still ask for. An agent
//! online since before spans were kept counts from their next change.

use std::collections::BTreeMap;

use serde::Deserialize;
use switchboard_protocol::api::reports::MAX_REPORT_DAYS;
use switchboard_protocol::AgentId;

use super::model::{Effect, Presence, RoutingError};
use super::sql::Sql;
use crate::reports::Period;

/// The spans table and its index (part of [`super::SCHEMA`]).
pub(super) const SCHEMA: [&str; 2] = [
    "CREATE TABLE IF NOT EXISTS presence_spans (agent TEXT NOT NULL, presence TEXT NOT NULL, \
     started_at INTEGER NOT NULL, ended_at INTEGER)",
    // Open spans (`NULL`) and those ending in a period, found without a scan.
    "CREATE INDEX IF NOT EXISTS presence_spans_by_end ON presence_spans (ended_at)",
];

/// How long spans are kept after they end: a report's longest reach, and a day.
pub const KEPT_MS: i64 = (MAX_REPORT_DAYS as i64 + 1) * 86_400_000;

/// An agent's time in a period, ms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PresenceTime {
    /// Online: taking offers.
    pub online_ms: i64,
    /// Away: keeping their conversations, taking no new ones.
    pub away_ms: i64,
}

fn storage(error: String) -> RoutingError {
    RoutingError::Storage(error)
}

fn tag(presence: Presence) -> &'static str {
    match presence {
        Presence::Online => "online",
        Presence::Away => "away",
        Presence::Offline => "offline",
    }
}

/// Ends each agent's open span whose presence `effects` changed at `now`, and opens the next
/// (none while offline). Called with every command's effects, on the router's storage.
pub fn record<S: Sql>(sql: &S, effects: &[Effect], now: i64) -> Result<(), RoutingError> {
    let mut changed = false;
    for effect in effects {
        let Effect::PresenceChanged { agent, presence } = effect else { continue };
        changed = true;
        sql.execute(
            "UPDATE presence_spans SET ended_at = ? WHERE ended_at IS NULL AND agent = ?",
            vec![now.into(), agent.as_str().into()],
        )
        .map_err(storage)?;
        if *presence != Presence::Offline {
            sql.execute(
                "INSERT INTO presence_spans (agent, presence, started_at, ended_at) VALUES (?, ?, ?, NULL)",
                vec![agent.as_str().into(), tag(*presence).into(), now.into()],
            )
            .map_err(storage)?;
        }
    }
    if changed {
        sql.execute("DELETE FROM presence_spans WHERE ended_at < ?", vec![(now - KEPT_MS).into()])
            .map_err(storage)?;
    }
    Ok(())
}

/// Each agent's time online and away within `period`, spans still open counting until `now`.
pub fn time_in<S: Sql>(
    sql: &S,
    period: &Period,
    now: i64,
) -> Result<BTreeMap<AgentId, PresenceTime>, RoutingError> {
    #[derive(Deserialize)]
    struct Span {
        agent: String,
        presence: String,
        started_at: i64,
        ended_at: Option<i64>,
    }
    let spans: Vec<Span> = sql
        .query(
            "SELECT agent, presence, started_at, ended_at FROM presence_spans \
             WHERE (ended_at IS NULL OR ended_at > ?) AND started_at < ?",
            vec![period.from.into(), period.to.into()],
        )
        .map_err(storage)?;
    let mut times: BTreeMap<AgentId, PresenceTime> = BTreeMap::new();
    for span in spans {
        let Ok(agent) = AgentId::parse(span.agent) else { continue };
        let end = span.ended_at.unwrap_or(now).min(period.to);
        let ms = (end - span.started_at.max(period.from)).max(0);
        let time = times.entry(agent).or_default();
        match span.presence.as_str() {
            "online" => time.online_ms += ms,
            "away" => time.away_ms += ms,
            _ => {}
        }
    }
    Ok(times)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::sqlite::MemorySql;

    fn change(agent: &AgentId, presence: Presence) -> Vec<Effect> {
        vec![Effect::PresenceChanged { agent: agent.clone(), presence }]
    }

    fn period(from: i64, to: i64) -> Period {
        Period::checked(from, to, 0).unwrap()
    }

    #[test]
    fn each_agents_time_is_clipped_to_the_period_and_open_spans_run_until_now() {
        let sql = MemorySql::with_routing_tables().unwrap();
        let (a, b) = (AgentId::from_random([1; 16]), AgentId::from_random([2; 16]));
        for (at, agent, presence) in [
            (0, &a, Presence::Online),
            (1_000, &a, Presence::Away),
            (2_000, &b, Presence::Online),
            (3_000, &a, Presence::Online),
            (6_000, &a, Presence::Offline),
        ] {
            record(&sql, &change(agent, presence), at).unwrap();
        }
        let times = time_in(&sql, &period(500, 5_000), 7_000).unwrap();
        assert_eq!(times[&a], PresenceTime { online_ms: 500 + 2_000, away_ms: 2_000 });
        assert_eq!(times[&b], PresenceTime { online_ms: 3_000, away_ms: 0 });
        let whole = time_in(&sql, &period(0, 10_000), 7_000).unwrap();
        assert_eq!(whole[&a], PresenceTime { online_ms: 1_000 + 3_000, away_ms: 2_000 });
        assert_eq!(whole[&b].online_ms, 5_000, "still online: counted until now");
        assert!(!time_in(&sql, &period(6_500, 6_800), 6_900).unwrap().contains_key(&a), "offline then");
    }

    proptest::proptest! {
        /// Whatever the agents did, each one's time online and away in any period is what a
        /// millisecond-by-millisecond walk of their changes counts.
        #[test]
        fn times_are_what_walking_the_changes_counts(
            changes in proptest::collection::vec((0i64..40, 0u8..3, 0u8..3), 0..30),
            from in 0i64..700,
            length in 1i64..700,
            after in 0i64..100,
        ) {
            let sql = MemorySql::with_routing_tables().unwrap();
            let agents: Vec<AgentId> = (0..3u8).map(|i| AgentId::from_random([i + 1; 16])).collect();
            let presences = [Presence::Online, Presence::Away, Presence::Offline];
            let (mut at, mut timeline) = (0, Vec::new());
            for (gap, agent, presence) in &changes {
                at += gap;
                let (agent, presence) = (&agents[*agent as usize], presences[*presence as usize]);
                record(&sql, &change(agent, presence), at).unwrap();
                timeline.push((at, agent.clone(), presence));
            }
            let now = at + after;
            let period = period(from, from + length);
            let times = time_in(&sql, &period, now).unwrap();
            for agent in &agents {
                let mut walked = PresenceTime::default();
                for ms in period.from..period.to.min(now) {
                    let current = timeline.iter().rev().find(|(t, a, _)| *t <= ms && a == agent);
                    match current.map(|(_, _, p)| *p) {
                        Some(Presence::Online) => walked.online_ms += 1,
                        Some(Presence::Away) => walked.away_ms += 1,
                        _ => {}
                    }
                }
                let counted = times.get(agent).copied().unwrap_or_default();
                proptest::prop_assert_eq!(counted, walked, "{:?}", agent);
            }
        }
    }

    #[test]
    fn spans_older_than_any_report_are_let_go() {
        let sql = MemorySql::with_routing_tables().unwrap();
        let a = AgentId::from_random([1; 16]);
        record(&sql, &change(&a, Presence::Online), 0).unwrap();
        record(&sql, &change(&a, Presence::Offline), 1_000).unwrap();
        let later = 1_000 + KEPT_MS + 1;
        record(&sql, &change(&a, Presence::Online), later).unwrap();
        #[derive(Deserialize)]
        struct Count {
            n: i64,
        }
        let rows: Vec<Count> = sql.query("SELECT COUNT(*) AS n FROM presence_spans", Vec::new()).unwrap();
        assert_eq!(rows[0].n, 1, "only the open span is left");
    }
}
