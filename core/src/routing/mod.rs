//! Routing: who answers a conversation once it needs a human.
//!
//! A sans-IO state machine in the manner of `quinn-proto`: the Site object feeds it commands
//! (an agent connected, a conversation was handed over, an agent accepted) and the clock
//! ([`Router::handle_timeout`] at [`Router::next_deadline`], on a Durable Object alarm), and
//! performs the [`Effect`]s it returns (offer frames to consoles, queue positions to visitors,
//! events in conversation logs).
//!
//! The rules it keeps, property-tested in `tests.rs`:
//! - an agent never holds more conversations (assigned plus offered) than its capacity;
//! - nothing is offered to or held by an offline agent;
//! - after every step, no conversation waits while an online agent with room and the skills
//!   it needs has not passed on it; waiting conversations are offered oldest first;
//! - every waiting conversation is eventually offered while an agent who could take it is
//!   online (declines and lapsed offers pass it on, then around again; an agent who lets
//!   offers lapse in a row is set away, no longer online).
//!
//! # Layout
//! - [`model`]: queues, agents, routed conversations, effects and errors.
//! - `router`: the router's state and the commands agents give.
//! - `handover`: conversations entering routing (handed over, taken over).
//! - `console`: an agent console's inbox commands, checked and run.
//! - `dispatch`: matching, timeouts and queue positions.

mod console;
mod dispatch;
mod handover;
pub mod model;
mod router;
#[cfg(test)]
mod tests;

pub use console::{is_logged, withdraws_offer};
pub use model::{
    AgentState, Effect, Policy, Presence, QueueConfig, Release, Routed, RoutingError, Skill, Sla, SlaKind,
    Stage, MISSED_OFFERS_BEFORE_AWAY,
};
pub use router::{Router, DEFAULT_LEAVE_GRACE_MS};
