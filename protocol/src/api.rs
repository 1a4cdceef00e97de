//! REST bodies, one module per endpoint, named after it. Each module's doc is its route.
//!
//! Errors from every endpoint are [`crate::ErrorBody`] with the HTTP status of its code.

pub mod agent_avatar;
pub mod agent_email_digest;
pub mod agent_login;
pub mod agent_logout;
pub mod agent_me;
pub mod agent_password;
pub mod agent_remove;
pub mod agents_list;
pub mod api_keys;
pub mod audit_log;
pub mod automation;
pub mod blocks;
pub mod bot_answer;
pub mod bot_webhook;
pub mod canned_responses;
pub mod contacts;
pub mod conversation_actions;
pub mod conversation_create;
pub mod conversation_labels;
pub mod conversation_messages;
pub mod conversations_list;
pub mod create_session;
pub mod email_inbound;
pub mod email_unsubscribe;
pub mod health;
pub mod invite_accept;
pub mod invite_create;
pub mod invite_show;
pub mod macros;
pub mod password_reset;
pub mod proactive;
pub mod reports;
pub mod site_presence;
pub mod site_settings;
pub mod sites;
pub mod two_factor;
pub mod visitor_conversations;
pub mod visitor_sign_out;
pub mod webhooks;
