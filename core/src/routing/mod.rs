//! Routing: who answers a conversation once it needs a human.
//!
//! A sans-IO state machine in the manner of `quinn-proto`: the Site object feeds it commands
//! (an agent connected, a conversation was handed over, an agent accepted) and the clock
//! ([`Router::handle_timeout`] at [`Router::next_deadline`], on a Durable Object alarm), and
//! performs the [`Effect`]s it returns (offer frames to consoles, queue positions to visitors,
//! events in conversation logs). Its one outside part is the SQLite connection it is handed
//! ([`Sql`]): synchronous, as a Durable Object's storage is, so a command stays one call in,
//! effects out.
//!
//! The rules it keeps, property-tested in `tests_properties.rs`:
//! - an agent never holds more conversations (assigned plus offered) than its capacity;
//! - nothing is offered to or held by an offline agent;
//! - after every step, no conversation waits while an online agent with room and the skills
//!   it needs has not passed on it; waiting conversations are offered oldest first;
//! - every waiting conversation is eventually offered while an agent who could take it is
//!   online (declines and lapsed offers pass it on, then around again; an agent who lets
//!   offers lapse in a row is set away, no longer online);
//! - the place a visitor is told is its rank in its queue.
//!
//! The state lives in SQLite rows, one per routed conversation and per agent, so each event
//! costs a few index reads and writes however many conversations wait (`store.rs`); queue
//! positions are counted when asked, and pushed only to the head of each queue.
//!
//! # Layout
//! - [`model`]: queues, agents, routed conversations, effects and errors.
//! - [`sql`]: the SQLite connection the router is handed (a Durable Object's storage, or
//!   `sqlite` — in-memory `rusqlite` — for tests and the bench).
//! - `store`: the routing tables, their indexes and typed reads and writes.
//! - `legacy`: taking over a router stored whole as one JSON row (before the rows).
//! - `router`: the router and the commands agents give.
//! - `moves`: giving a conversation to an agent, taking it back, an agent leaving.
//! - `handover`: conversations entering routing (handed over, taken over).
//! - `console`: an agent console's inbox commands, checked and run.
//! - `dispatch`: matching, timeouts and queue positions.
//! - `priority`: a conversation's priority as the high part of its ticket.
//! - [`presence_time`]: agents' spans online and away, and their time within a report's period.
//! - `tests`, `tests_properties`, `tests_scale`: scenarios, the rules over random runs, and
//!   20,000 waiting conversations worked through in order.

mod console;
mod dispatch;
mod handover;
mod legacy;
pub mod model;
mod moves;
pub mod presence_time;
mod priority;
mod router;
pub mod sql;
#[cfg(any(test, feature = "sqlite"))]
pub mod sqlite;
mod store;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_properties;
#[cfg(test)]
mod tests_scale;

pub use console::{is_logged, withdraws_offer};
pub use dispatch::TOLD_AHEAD;
pub use model::{
    AgentState, Effect, Policy, Presence, QueueConfig, Release, Routed, RoutingError, Skill, Sla, SlaKind,
    Stage, MISSED_OFFERS_BEFORE_AWAY,
};
pub use presence_time::PresenceTime;
pub use router::{Router, DEFAULT_LEAVE_GRACE_MS};
pub use sql::{Sql, SqlValue};
pub use store::SCHEMA;
