//! Channels beyond the widget, as pure functions over their providers' documented wire
//! formats: what an inbound provider request says, whether it is genuine, what an outbound
//! message becomes as a provider request, and what a provider's status means for us. The
//! edge performs the requests; nothing here does I/O.
//!
//! # Layout
//! - [`twilio`]: SMS and WhatsApp in Twilio's Messaging format — `X-Twilio-Signature`,
//!   inbound and status-callback fields, the Messages API request and its answer.
//! - [`sms`]: how a text travels as SMS — GSM-7 or UCS-2, how many segments, and splitting
//!   what exceeds the Messages API's 1,600 characters.
//! - [`messenger`]: Facebook Messenger in Meta's format — the verification handshake,
//!   `X-Hub-Signature-256`, a delivery's events (messages, buttons, watermarks), the Send API.
//! - [`form`]: `application/x-www-form-urlencoded` bodies, read and written.
//! - [`thread`]: a customer's line on a channel — which contact identity it reaches, reopen
//!   or start anew, what travels back, what a delivery status does to the conversation.
//! - [`whatsapp`]: the 24-hour reply window and pre-approved templates with their slots.

pub mod form;
pub mod messenger;
pub mod sms;
pub mod thread;
pub mod twilio;
pub mod whatsapp;
