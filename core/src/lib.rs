//! Switchboard's core: every decision, as plain Rust with no I/O.
//!
//! The edge (Durable Objects), the widget and the console are adapters around this crate:
//! they turn input into calls here, and perform what comes back. Time and randomness are
//! passed in, never read, so every function is deterministic and tested natively.
//!
//! # Layout
//! - [`token`]: signed, expiring tokens (visitor sessions, agent sessions), HMAC-SHA256.
//! - [`audit`]: the audit log's pages, retention, and how a settings change is recorded.
//! - [`accounts`]: names, roles, invites, API keys, who may remove whom.
//! - [`idempotency`]: `Idempotency-Key`: a repeat gets the first answer for a day; a different body `422`.
//! - [`key_scopes`]: what a scoped API key may do: each route's area and access.
//! - [`sign_in_throttle`]: failed sign-ins: what they count against, when they lock.
//! - [`admission`]: who may open a socket on a conversation (and how many).
//! - [`appearance`]: a site's look: checking changes, readable text colour, the frame's theme CSS.
//! - [`password`]: password hashes (PBKDF2-HMAC-SHA256) and their verification.
//! - [`password_reset`]: password reset links: a day, once, the newest only.
//! - [`two_factor`]: two-factor sign-in: authenticator codes (TOTP), recovery codes, the policy.
//! - [`message_page`]: a page of a conversation's log, before or after a seq, for REST.
//! - [`origin`]: normalising origins and matching them against a site's allowed list.
//! - [`site`]: a site's configuration and the bootstrap (out-of-the-box) site.
//! - [`interceptors`]: the site's steps over every message before it is stored (redaction).
//! - [`jurisdiction`]: where a deployment keeps its data (`DATA_JURISDICTION`, e.g. `eu`).
//! - [`inbox_view`]: the console's inbox views, queue filter, search and counts.
//! - [`inbox_pacing`]: at most one inbox frame every 250 ms to a console that takes batches.
//! - [`inbox_feed`]: which feed shard passes a conversation's summaries to its site, in batches.
//! - [`inbox_summary`]: the summary a conversation sends its site's inbox, and its preview.
//! - [`ingest`]: reading client frames; deciding store, re-ack or refuse for one `send`.
//! - [`known_ids`]: an in-memory filter that spares a lookup when storing a new message.
//! - [`contact`]: keeping a visitor's contact details current (widget, edge, bot).
//! - [`contacts`]: one contact per person: typed details, learning, linking by identity, merging.
//! - [`contact_attributes`]: a site's typed custom attributes and their values.
//! - [`identity`]: verifying what a signed-in customer's page says about them (signed token or HMAC).
//! - [`prechat`]: checking the pre-chat form's answers against the site's form.
//! - [`shape_errors`]: which field a request body's shape error is about.
//! - [`fields`]: what an answer must look like (bot questions, form fields); emails.
//! - [`recency_cursor`]: the `<ms>.<id>` cursor of lists read newest first (contacts, deliveries).
//! - [`conversation_list`]: the conversation list's filters, page size and cursor.
//! - [`conversation_labels`]: labels (one spelling each) and custom attributes on a conversation.
//! - [`outbound`]: conversations the team starts: their routing checked, the contact's browser.
//! - [`conversation`]: what each client frame does to a conversation, and who hears of it.
//! - [`flow`]: a site's flow (bot, business hours, queues) and one conversation's lifecycle.
//! - [`retention`]: a site's retention: which resolved conversations are deleted, when to sweep.
//! - [`csat`]: the visitor's rating of a resolved conversation.
//! - [`reports`]: reports' figures: each conversation's facts folded from its log, a period's figures from them.
//! - [`cards`]: checking bots' cards (title, words, a link button).
//! - [`rate`]: per-participant flood control (token bucket, typing throttle).
//! - [`blocks`]: blocked visitors and addresses: adding, lifting, checking, bounded.
//! - [`search_text`]: full-text search as typed: numbers with dashes, emails, accents, CJK.
//! - [`session_caller`]: who asks for a visitor session (frame, page, server) and what it must show.
//! - [`session_limits`]: how many visitor sessions an address and a site may start.
//! - [`keyed_buckets`]: token buckets by key, bounded: the counting behind per-address limits.
//! - [`routing`]: queues, agent presence and capacity, offers, assignment, response targets.
//! - [`canned`]: canned responses: checking them, suggesting them for a `/shortcut` draft.
//! - [`macros`]: macros: checking a site's list, the steps one run performs, `/` suggestions.
//! - [`automation`]: automation rules: checking a site's list, which rules an event applies, the budget.
//! - [`attachments`]: files in conversations: types by their bytes, names, what a link names.
//! - [`attachment_links`]: download links: signed, expiring in a week, renewed on replay.
//! - [`storage_quota`]: a site's attachment bytes, counted in sixteen shards by conversation.
//! - [`avatar`]: agents' initials colours and photos' URLs and stylesheet.
//! - [`launcher`]: the launcher's look as the script the loader adds to pages.
//! - [`proactive`]: proactive messages: checking a site's list, what the page is told, the first message.
//! - [`email`]: email as a channel: signed reply addresses, inbound MIME, a reply's new words.
//! - [`channels`]: providers' wire formats (Twilio SMS/WhatsApp signatures, fields, requests), SMS segments.
//! - [`chime`]: the widget's reply tone, made as a WAV file.
//! - [`client_log`]: a client's side of the log: what it holds, what is still pending.
//! - [`backoff`]: reconnect delays with exponential backoff and jitter.
//! - [`webhook`]: signing outgoing webhooks (HMAC-SHA256 with a timestamp).
//! - [`webhook_events`]: the webhook events a log entry makes, their ids, who receives them.
//! - [`webhook_delivery`]: webhook subscriptions checked, retries with backoff, giving up.
//! - [`heartbeat`]: noticing a socket that died without a word (ping, then give up).

pub mod accounts;
pub mod admission;
pub mod appearance;
pub mod attachment_links;
pub mod attachments;
pub mod audit;
pub mod automation;
pub mod avatar;
pub mod backoff;
pub mod blocks;
pub mod canned;
pub mod cards;
pub mod channels;
pub mod chime;
pub mod client_log;
pub mod contact;
pub mod contact_attributes;
pub mod contacts;
pub mod conversation;
pub mod conversation_labels;
pub mod conversation_list;
pub mod csat;
pub mod email;
pub mod fields;
pub mod flow;
pub mod heartbeat;
pub mod idempotency;
pub mod identity;
pub mod inbox_feed;
pub mod inbox_pacing;
pub mod inbox_summary;
pub mod inbox_view;
pub mod ingest;
pub mod interceptors;
pub mod jurisdiction;
pub mod key_scopes;
pub mod keyed_buckets;
pub mod known_ids;
pub mod launcher;
pub mod macros;
pub mod message_page;
pub mod origin;
pub mod outbound;
pub mod password;
pub mod password_reset;
pub mod prechat;
pub mod proactive;
pub mod rate;
pub mod recency_cursor;
pub mod reports;
pub mod retention;
pub mod routing;
pub mod search_text;
pub mod session_caller;
pub mod session_limits;
pub mod shape_errors;
pub mod sign_in_throttle;
pub mod site;
pub mod storage_quota;
pub mod token;
pub mod two_factor;
pub mod webhook;
pub mod webhook_delivery;
pub mod webhook_events;
