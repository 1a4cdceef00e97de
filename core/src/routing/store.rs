//! The router's state as SQLite rows: one per routed conversation and one per agent, indexed
//! so that each routing event reads and writes a handful of rows whatever the queue's length
//! — "the oldest waiting conversation this agent may take" is an index range, never a scan.
//!
//! A waiting conversation sits in a *lane*: its queue, the skills it needs beyond the queue's,
//! and the agent it is meant for, if any. Everything in a lane is offered to the same agents,
//! oldest ticket first, so an agent's next conversation is the head of one of the few lanes it
//! may serve. Lanes count their conversations, which gives queue lengths without counting.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use switchboard_protocol::{AgentId, ConversationId, QueueId};

use super::model::{AgentState, Presence, Routed, RoutingError, Skill, Stage};
use super::sql::{Sql, SqlValue};

/// The routing tables and their indexes (`CREATE … IF NOT EXISTS`): the edge makes them with
/// the rest of a site's tables, tests and the bench with [`super::Router::create_tables`].
pub const SCHEMA: [&str; 10] = [
    "CREATE TABLE IF NOT EXISTS routing_conversations (id TEXT PRIMARY KEY, json TEXT NOT NULL, \
     ticket INTEGER NOT NULL, queue TEXT NOT NULL, waiting INTEGER NOT NULL, lane TEXT, agent TEXT, \
     deadline INTEGER)",
    "CREATE INDEX IF NOT EXISTS routing_by_lane ON routing_conversations (lane, ticket) WHERE lane IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS routing_by_queue ON routing_conversations (queue, waiting, ticket)",
    "CREATE INDEX IF NOT EXISTS routing_by_agent ON routing_conversations (agent) WHERE agent IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS routing_by_deadline ON routing_conversations (deadline) WHERE deadline IS NOT NULL",
    "CREATE TABLE IF NOT EXISTS routing_agents (id TEXT PRIMARY KEY, json TEXT NOT NULL, \
     available INTEGER NOT NULL, leaving_at INTEGER)",
    // Lanes count their conversations, so a queue's length is known without counting rows.
    "CREATE TABLE IF NOT EXISTS routing_lanes (lane TEXT PRIMARY KEY, queue TEXT NOT NULL, \
     skills TEXT NOT NULL, target TEXT, waiting INTEGER NOT NULL)",
    // Counters and settings: the next ticket, wait averages, the queues last configured.
    "CREATE TABLE IF NOT EXISTS routing_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    // Agents' time online and away, for reports.
    super::presence_time::SCHEMA[0],
    super::presence_time::SCHEMA[1],
];

/// A lane and how many conversations wait in it.
#[derive(Debug, Clone, Deserialize)]
pub(super) struct Lane {
    /// Its key (`conversations.lane`).
    pub(super) lane: String,
    /// The queue.
    pub(super) queue: QueueId,
    /// Skills needed beyond the queue's, as a JSON list.
    skills: String,
    /// The agent its conversations are meant for.
    pub(super) target: Option<AgentId>,
}

impl Lane {
    /// The skills its conversations need beyond their queue's.
    pub(super) fn skills(&self) -> BTreeSet<Skill> {
        serde_json::from_str(&self.skills).unwrap_or_default()
    }
}

#[derive(Deserialize)]
struct Json {
    json: String,
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

#[derive(Deserialize)]
struct Value {
    value: String,
}

#[derive(Deserialize)]
struct WithLoad {
    json: String,
    load: i64,
}

#[derive(Deserialize)]
struct Soonest {
    at: Option<i64>,
}

fn storage(error: impl std::fmt::Display) -> RoutingError {
    RoutingError::Storage(error.to_string())
}

/// The lane a waiting conversation sits in (its key), or none while it is with an agent.
fn lane_of(routed: &Routed) -> Option<String> {
    matches!(routed.stage, Stage::Waiting { .. }).then(|| {
        let skills: Vec<&str> = routed.skills.iter().map(String::as_str).collect();
        let target = routed.target.as_ref().map_or("", AgentId::as_str);
        format!("{}\u{1f}{}\u{1f}{target}", routed.queue, skills.join(","))
    })
}

/// When the clock must next look at the conversation.
fn deadline_of(routed: &Routed) -> Option<i64> {
    match &routed.stage {
        Stage::Waiting { retry_at, .. } => *retry_at,
        Stage::Offered { expires_at, .. } => Some(*expires_at),
        Stage::Assigned { reply_due, .. } => *reply_due,
    }
}

/// Typed access to the routing tables.
pub(super) struct Store<S> {
    sql: S,
}

impl<S: Sql> Store<S> {
    /// The tables on `sql` (made already).
    pub(super) fn new(sql: S) -> Self {
        Self { sql }
    }

    /// Makes the tables on `sql` when missing.
    pub(super) fn create(sql: &S) -> Result<(), RoutingError> {
        SCHEMA.iter().try_for_each(|statement| sql.execute(statement, Vec::new()).map_err(storage))
    }

    fn rows<T: DeserializeOwned>(
        &self,
        statement: &str,
        params: Vec<SqlValue>,
    ) -> Result<Vec<T>, RoutingError> {
        self.sql.query(statement, params).map_err(storage)
    }

    fn run(&self, statement: &str, params: Vec<SqlValue>) -> Result<(), RoutingError> {
        self.sql.execute(statement, params).map_err(storage)
    }

    /// The number a statement selects `AS n`.
    fn count(&self, statement: &str, params: Vec<SqlValue>) -> Result<u32, RoutingError> {
        let rows: Vec<Count> = self.rows(statement, params)?;
        Ok(rows.first().map_or(0, |row| row.n as u32))
    }

    fn decoded<T: DeserializeOwned>(
        &self,
        statement: &str,
        params: Vec<SqlValue>,
    ) -> Result<Vec<T>, RoutingError> {
        let rows: Vec<Json> = self.rows(statement, params)?;
        rows.iter().map(|row| serde_json::from_str(&row.json).map_err(storage)).collect()
    }

    /// A routed conversation.
    pub(super) fn conversation(&self, id: &ConversationId) -> Result<Option<Routed>, RoutingError> {
        let found =
            self.decoded("SELECT json FROM routing_conversations WHERE id = ?", vec![id.as_str().into()])?;
        Ok(found.into_iter().next())
    }

    /// Stores `routed`, keeping its lane's count.
    pub(super) fn put(&self, routed: &Routed) -> Result<(), RoutingError> {
        let lane = lane_of(routed);
        let before = self.lane_of_stored(&routed.id)?;
        if before != lane {
            self.leave_lane(before.as_deref())?;
            if let Some(lane) = &lane {
                let skills = serde_json::to_string(&routed.skills).map_err(storage)?;
                self.run(
                    "INSERT INTO routing_lanes (lane, queue, skills, target, waiting) VALUES (?, ?, ?, ?, 1) \
                     ON CONFLICT (lane) DO UPDATE SET waiting = waiting + 1",
                    vec![
                        lane.as_str().into(),
                        routed.queue.as_str().into(),
                        skills.into(),
                        routed.target.as_ref().map(AgentId::as_str).into(),
                    ],
                )?;
            }
        }
        let json = serde_json::to_string(routed).map_err(storage)?;
        self.run(
            "INSERT OR REPLACE INTO routing_conversations \
             (id, json, ticket, queue, waiting, lane, agent, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                routed.id.as_str().into(),
                json.into(),
                (routed.ticket as i64).into(),
                routed.queue.as_str().into(),
                i64::from(lane.is_some()).into(),
                lane.into(),
                routed.agent().map(AgentId::as_str).into(),
                deadline_of(routed).into(),
            ],
        )
    }

    /// Forgets a conversation.
    pub(super) fn remove(&self, id: &ConversationId) -> Result<(), RoutingError> {
        let before = self.lane_of_stored(id)?;
        self.leave_lane(before.as_deref())?;
        self.run("DELETE FROM routing_conversations WHERE id = ?", vec![id.as_str().into()])
    }

    fn lane_of_stored(&self, id: &ConversationId) -> Result<Option<String>, RoutingError> {
        #[derive(Deserialize)]
        struct Row {
            lane: Option<String>,
        }
        let rows: Vec<Row> =
            self.rows("SELECT lane FROM routing_conversations WHERE id = ?", vec![id.as_str().into()])?;
        Ok(rows.into_iter().next().and_then(|row| row.lane))
    }

    fn leave_lane(&self, lane: Option<&str>) -> Result<(), RoutingError> {
        let Some(lane) = lane else { return Ok(()) };
        self.run("UPDATE routing_lanes SET waiting = waiting - 1 WHERE lane = ?", vec![lane.into()])?;
        self.run("DELETE FROM routing_lanes WHERE lane = ? AND waiting <= 0", vec![lane.into()])
    }

    /// Every routed conversation (tests and rare whole-site changes only).
    pub(super) fn conversations(&self) -> Result<Vec<Routed>, RoutingError> {
        self.decoded("SELECT json FROM routing_conversations ORDER BY ticket", Vec::new())
    }

    /// Conversations routed through `queue`.
    pub(super) fn in_queue(&self, queue: &QueueId) -> Result<Vec<Routed>, RoutingError> {
        self.decoded("SELECT json FROM routing_conversations WHERE queue = ?", vec![queue.as_str().into()])
    }

    /// Conversations offered to or held by `agent`.
    pub(super) fn held_by(&self, agent: &AgentId) -> Result<Vec<Routed>, RoutingError> {
        self.decoded("SELECT json FROM routing_conversations WHERE agent = ?", vec![agent.as_str().into()])
    }

    /// How many conversations `agent` holds or is offered.
    pub(super) fn load(&self, agent: &AgentId) -> Result<u32, RoutingError> {
        self.count(
            "SELECT COUNT(*) AS n FROM routing_conversations WHERE agent = ?",
            vec![agent.as_str().into()],
        )
    }

    /// The lanes with someone waiting.
    pub(super) fn lanes(&self) -> Result<Vec<Lane>, RoutingError> {
        self.rows("SELECT lane, queue, skills, target FROM routing_lanes", Vec::new())
    }

    /// Up to `limit` conversations of `lane` with tickets in `(after, before)`, oldest first.
    pub(super) fn in_lane(
        &self,
        lane: &str,
        after: u64,
        before: u64,
        limit: i64,
    ) -> Result<Vec<Routed>, RoutingError> {
        self.decoded(
            "SELECT json FROM routing_conversations WHERE lane = ? AND ticket > ? AND ticket < ? ORDER BY ticket LIMIT ?",
            vec![lane.into(), (after as i64).into(), (before.min(i64::MAX as u64) as i64).into(), limit.into()],
        )
    }

    /// The first `limit` waiting in `queue`, oldest first.
    pub(super) fn head_of(&self, queue: &QueueId, limit: i64) -> Result<Vec<Routed>, RoutingError> {
        self.decoded(
            "SELECT json FROM routing_conversations WHERE queue = ? AND waiting = 1 ORDER BY ticket LIMIT ?",
            vec![queue.as_str().into(), limit.into()],
        )
    }

    /// How many wait in `queue` ahead of `ticket`.
    pub(super) fn ahead_of(&self, queue: &QueueId, ticket: u64) -> Result<u32, RoutingError> {
        self.count(
            "SELECT COUNT(*) AS n FROM routing_conversations WHERE queue = ? AND waiting = 1 AND ticket < ?",
            vec![queue.as_str().into(), (ticket as i64).into()],
        )
    }

    /// How many wait in `queue` (from the lanes' counts, not by counting rows).
    pub(super) fn waiting_in(&self, queue: &QueueId) -> Result<u32, RoutingError> {
        self.count(
            "SELECT COALESCE(SUM(waiting), 0) AS n FROM routing_lanes WHERE queue = ?",
            vec![queue.as_str().into()],
        )
    }

    /// Whether anything waits in `queue` behind `ticket` (a lower priority).
    pub(super) fn any_behind(&self, queue: &QueueId, ticket: u64) -> Result<bool, RoutingError> {
        let behind = self.count(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM routing_conversations \
             WHERE queue = ? AND waiting = 1 AND ticket > ? LIMIT 1)",
            vec![queue.as_str().into(), (ticket as i64).into()],
        )?;
        Ok(behind > 0)
    }

    /// Conversations whose deadline is at or before `now`, soonest first.
    pub(super) fn due(&self, now: i64) -> Result<Vec<Routed>, RoutingError> {
        self.decoded(
            "SELECT json FROM routing_conversations WHERE deadline <= ? ORDER BY deadline, ticket",
            vec![now.into()],
        )
    }

    /// The soonest deadline of a conversation or a departing agent.
    pub(super) fn next_deadline(&self) -> Result<Option<i64>, RoutingError> {
        let rows: Vec<Soonest> = self.rows(
            "SELECT MIN(at) AS at FROM (SELECT MIN(deadline) AS at FROM routing_conversations \
             WHERE deadline IS NOT NULL UNION ALL SELECT MIN(leaving_at) FROM routing_agents)",
            Vec::new(),
        )?;
        Ok(rows.into_iter().next().and_then(|row| row.at))
    }

    /// An agent.
    pub(super) fn agent(&self, id: &AgentId) -> Result<Option<AgentState>, RoutingError> {
        let found = self.decoded("SELECT json FROM routing_agents WHERE id = ?", vec![id.as_str().into()])?;
        Ok(found.into_iter().next())
    }

    /// Every agent routing knows.
    pub(super) fn agents(&self) -> Result<Vec<AgentState>, RoutingError> {
        self.decoded("SELECT json FROM routing_agents ORDER BY id", Vec::new())
    }

    /// Agents who take offers now (online, not leaving), with how many they hold.
    pub(super) fn available(&self) -> Result<Vec<(AgentState, u32)>, RoutingError> {
        let rows: Vec<WithLoad> = self.rows(
            "SELECT a.json AS json, (SELECT COUNT(*) FROM routing_conversations c WHERE c.agent = a.id) AS load \
             FROM routing_agents a WHERE a.available = 1 ORDER BY a.id",
            Vec::new(),
        )?;
        rows.iter()
            .map(|row| Ok((serde_json::from_str(&row.json).map_err(storage)?, row.load as u32)))
            .collect()
    }

    /// Agents whose leaving time has come.
    pub(super) fn leaving(&self, now: i64) -> Result<Vec<AgentState>, RoutingError> {
        self.decoded("SELECT json FROM routing_agents WHERE leaving_at <= ? ORDER BY id", vec![now.into()])
    }

    /// Stores an agent.
    pub(super) fn put_agent(&self, agent: &AgentState) -> Result<(), RoutingError> {
        let json = serde_json::to_string(agent).map_err(storage)?;
        let available = agent.presence == Presence::Online && agent.leaving_at.is_none();
        self.run(
            "INSERT OR REPLACE INTO routing_agents (id, json, available, leaving_at) VALUES (?, ?, ?, ?)",
            vec![agent.id.as_str().into(), json.into(), i64::from(available).into(), agent.leaving_at.into()],
        )
    }

    /// A stored counter or setting.
    pub(super) fn meta<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, RoutingError> {
        let rows: Vec<Value> = self.rows("SELECT value FROM routing_meta WHERE key = ?", vec![key.into()])?;
        rows.first().map(|row| serde_json::from_str(&row.value).map_err(storage)).transpose()
    }

    /// Stores a counter or setting.
    pub(super) fn set_meta(&self, key: &str, value: &impl serde::Serialize) -> Result<(), RoutingError> {
        let json = serde_json::to_string(value).map_err(storage)?;
        self.run(
            "INSERT OR REPLACE INTO routing_meta (key, value) VALUES (?, ?)",
            vec![key.into(), json.into()],
        )
    }
}
