//! Reports: figures people run a support team by, computed from what every conversation logs
//! (`docs/reports.md` defines each). Incrementally: each conversation keeps its
//! [`ConversationFacts`] current entry by entry, and a report reads one facts row per
//! conversation ([`figures`]) — never a log.
//!
//! - [`facts`]: one conversation's facts, folded from its log.
//! - [`csv`](mod@csv): a report as CSV for spreadsheets.
//! - [`figures`](mod@figures): a period's figures from the facts rows: counts, medians and 90th
//!   percentiles, containment, ratings, per agent, per day.

pub mod csv;
pub mod facts;
pub mod figures;

pub use facts::ConversationFacts;
pub use figures::{figures, Narrowed, Period};

#[cfg(test)]
mod tests;
