//! Email as a channel (issue 21), the provider-independent parts: the signed reply address
//! every outbound email carries, and what an inbound email (raw MIME, from a provider's
//! inbound webhook or an MTA such as Cloudflare Email Routing) says — who wrote, to which
//! address, in which thread, the new words without the quoted history and signature, the
//! files, and whether a machine wrote it (auto-replies are never answered).
//!
//! # Layout
//! - [`reply_token`]: `r.<conversation>.<expiry>.<mac>@domain`: which conversation a reply
//!   belongs to, signed per site; forged, expired or foreign tokens are refused.
//! - [`continuity`]: the email of replies a visitor left unread: which, when, and what a
//!   typed (unproven) address may be told.
//! - [`digest`]: what an agent missed while away (lapsed offers, conversations given to them,
//!   customers' messages), when its one email goes, and what it says.
//! - [`inbound`]: raw MIME → [`inbound::InboundEmail`] (with `mail-parser`: charsets, encodings,
//!   HTML-only mail, attachments), and the auto-reply check.
//! - [`postmark`]: the one provider's wire format: the Email API, its answers, and its
//!   webhooks (inbound, delivery, bounce, spam complaint).
//! - [`threading`]: our emails' `Message-ID`s, `In-Reply-To`/`References`, answers' subjects,
//!   and whether a new email to a support address goes on in the customer's conversation.
//! - [`unsubscribe`]: the signed one-click unsubscribe link of continuity emails.
//! - [`team`]: the team's own emails: an invite, a password reset link an admin made.
//! - [`quoting`]: a reply's new text: quoted history, "On … wrote:" in several languages,
//!   forwarded headers and signatures cut off.

pub mod continuity;
pub mod digest;
pub mod inbound;
pub mod postmark;
pub mod quoting;
pub mod reply_token;
pub mod team;
pub mod threading;
pub mod unsubscribe;
