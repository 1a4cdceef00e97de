//! REST bodies, one module per endpoint, named after it. Each module's doc is its route.
//!
//! Errors from every endpoint are [`crate::ErrorBody`] with the HTTP status of its code.

pub mod agent_login;
pub mod agent_logout;
pub mod agent_me;
pub mod bot_answer;
pub mod bot_webhook;
pub mod conversations_list;
pub mod create_session;
pub mod health;
pub mod site_presence;
pub mod visitor_conversations;
