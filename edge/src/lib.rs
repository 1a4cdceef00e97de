//! The edge relay: one Cloudflare Worker (workers-rs) and its Durable Objects.
//!
//! The worker routes requests, checks credentials and origins, and hands each conversation to
//! its own Durable Object. Decisions come from `switchboard-core`; this crate does the I/O.
//!
//! # Layout
//! - [`router`]: the fetch handler's table of routes.
//! - [`pages`]: the HTML shells of the widget frame and the console, with their CSPs.
//! - [`visitor_sessions`]: `POST /api/v1/sessions` (origin checks, signed visitor tokens).
//! - [`auth`]: who is calling — the session cookie, API keys, anti-forgery and role checks.
//! - [`agent_sessions`]: console sign-in, sign-out (here or everywhere) and `/agent/me`.
//! - [`api_keys`]: the routes that make, list and revoke keys for scripts; [`scopes`]: which
//!   part of the API each route is, for keys limited to some.
//! - [`conversation_actions`]: take, transfer, unassign, resolve, reopen, snooze, labels and
//!   custom attributes over REST.
//! - [`contacts`]: contacts over REST: list and search, create, change, merge; attributes.
//! - [`data_rights`]: a contact's data exported whole, or erased from every storage.
//! - [`conversations`]: the conversation list over REST (filters, cursor) and search.
//! - [`search`]: a search asks every inbox shard's index, then the site; erasure forgets texts.
//! - [`macros`]: running one of the site's macros on a conversation, step by step.
//! - [`reports`]: a period's figures (JSON or CSV), from each conversation's facts row.
//! - [`idempotency`]: `Idempotency-Key` on POSTs: a repeat gets the first answer, once run.
//! - [`audit`]: recording who did what to a site (each route, once done) and reading the log.
//! - [`attachments`]: uploading files into conversations and serving them by signed link.
//! - [`avatars`]: agents' photos: upload, removal, serving.
//! - [`blocks`]: blocking a conversation's visitor (and address), listing and lifting blocks.
//! - [`site_cache`]: site configurations remembered by an isolate for a few seconds;
//!   [`known_sites`]: which site ids exist, so invented ones never start an object.
//! - [`team`]: invites and the site's accounts; [`team_email`]: invites and reset links sent
//!   by email; [`canned`]: canned responses;
//! - [`two_factor`]: setting up, confirming, turning off and resetting two-factor sign-in.
//! - [`password_resets`]: reset links an admin makes for a teammate, and using one.
//!   [`site_settings`]: the site's name, origins, widget colour and greeting; [`sites`]:
//!   creating and listing sites (owners).
//! - [`sockets`]: WebSocket routes; who may connect is checked here, sockets live in the objects.
//! - [`objects`]: the Durable Objects — one per conversation, one per site, one directory.
//! - [`bot_webhook`]: signed calls to an external bot, with a deadline.
//! - [`webhooks`]: webhook subscriptions and their delivery logs over REST;
//!   [`webhook_subscriptions`]: a site's subscriptions as conversations see them, and emitting.
//! - [`twilio_hooks`]: SMS and WhatsApp arriving from Twilio (signed), and its status reports;
//!   [`messenger_hooks`]: Facebook Messenger's handshake and signed deliveries;
//!   [`email_hooks`]: email arriving as raw MIME or by Postmark's webhooks — replies joined
//!   to their conversation, new emails to the support inbox, bounces and complaints;
//!   [`email_send`]: sending through Postmark, reply addresses; [`email_unsubscribe`]: the
//!   one-click unsubscribe of continuity emails; [`email_digest`]: an agent's digest setting.
//! - [`bounded_fetch`]: an outgoing POST with a deadline on the whole answer (webhooks, providers).
//! - [`http`], [`error`], [`env`]: responses, the error type, configuration and clocks.
//! - [`webcrypto`]: password hashing with the runtime's native PBKDF2.
//! - [`zones`]: time zone offsets from the runtime's `Intl`, for business hours.
//!
//! Static files (`/widget.js`, `/assets/*`) are served by Workers Static Assets from
//! `edge/public/` before the worker runs, with headers from `public/_headers`.

mod agent_sessions;
mod api_keys;
mod attachments;
mod audit;
mod auth;
mod avatars;
mod blocks;
mod bot_webhook;
mod bounded_fetch;
mod canned;
mod contacts;
mod conversation_actions;
mod conversations;
mod data_rights;
mod email_digest;
mod email_hooks;
mod email_send;
mod email_unsubscribe;
mod env;
mod error;
mod http;
mod idempotency;
mod known_sites;
mod macros;
mod messenger_hooks;
mod objects;
mod pages;
mod password_resets;
mod reports;
mod router;
mod scopes;
mod search;
mod site_cache;
mod site_settings;
mod sites;
mod sockets;
mod team;
mod team_email;
mod twilio_hooks;
mod two_factor;
mod visitor_sessions;
mod webcrypto;
mod webhook_subscriptions;
mod webhooks;
mod zones;

use worker::{event, Context, Env, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    router::handle(req, env).await
}
