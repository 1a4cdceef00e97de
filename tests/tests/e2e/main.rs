//! Every end-to-end test, in one binary: real workerd, real WebSockets, headless Chromium.
//! One binary rather than one per file: the harness is linked once, and tests of different
//! files share the two test threads instead of leaving one idle behind a single long test.
//!
//! # Layout
//! - `accounts`: sign-in, throttling, invites, roles, sessions.
//! - `api_key_scopes`: a read-only key refused on every write; an area's key in its area only.
//! - `admin_secrets`: the identity and bot secrets stay with admins and are strong.
//! - `audit_log`: who did what to accounts, keys and settings, from where; paged; admins only.
//! - `attachments`: uploading and serving files, type and size checks.
//! - `automation`: rules checked; a page URL labels, the label picks the queue; webhook; rules never set themselves off.
//! - `avatars`: agents' photos.
//! - `blocking`: a blocked visitor cut off at once, by visitor and address, until lifted.
//! - `bounded_storage`: a conversation's log and a site's files are capped; long logs replay in pages.
//! - `bodies`: endless chunked bodies cut off at their limits; maximal messages and contacts travel whole.
//! - `browser_accessibility`: axe-core over the widget and the console; favicons load.
//! - `browser_audit_and_reset`: password reset links and the audit log in browsers.
//! - `browser_automation`: rules written in Settings; a product page's conversation is labelled and queued in sales.
//! - `browser_channels`: an admin sets up SMS and WhatsApp numbers and language detection in Settings; an SMS customer's row says SMS and DE, and the reply is ticked Delivered.
//! - `browser_chat`: the whole spine in two browsers (and the README screenshots).
//! - `browser_console`: the console: invites, canned responses, notes, transfers, views, settings.
//! - `browser_contacts`: the Contacts screen: find, edit with typed attributes, create, merge.
//! - `browser_delivery`: offline writing, receipts, typing, a socket that died silently.
//! - `browser_embed`: the widget on hostile, strict-CSP, RTL, phone and signed-in pages.
//! - `auto_resolve`: an agent's answer left unanswered resolves; a visitor's reply keeps it open.
//! - `browser_auto_resolve`: a quiet visitor's conversation resolves itself; a waiting one does not.
//! - `browser_files`: attachments from both sides in browsers.
//! - `browser_hours`: a holiday closes the widget's hours; the launcher hidden while offline.
//! - `browser_interceptors`: an admin sets the privacy filters in Settings; a visitor's email is stored hidden.
//! - `browser_labels`: an agent labels a conversation in the console and sees a script's labels live.
//! - `browser_macros`: an admin makes a macro in Settings; `/sp` Enter and the header's menu run it.
//! - `browser_outbound`: a customer answers, in the widget, a conversation the team started; only then is it a task.
//! - `browser_proactive`: a visitor answers a proactive message on the demo site; the bubble loads no wasm.
//! - `browser_reports`: the Reports screen shows the counts and first response the logs say, and its CSV.
//! - `browser_rest_messages`: messages a script posts over REST show live in the widget and a teammate's console.
//! - `browser_routing`: the bot, quick replies and a handover in browsers.
//! - `browser_whatsapp`: outside WhatsApp's window an agent picks a template in the console and it goes as Twilio content.
//! - `browser_webhooks`: an admin subscribes a receiver in Settings, reads its log, redelivers, turns it off.
//! - `browser_two_factor`: setting up two-factor sign-in, codes and recovery codes, a mandatory setup.
//! - `browser_site_look`: an admin's look and words reaching the widget; bot cards.
//! - `browser_start_conversation`: an agent starts a conversation with a contact from the console.
//! - `channels_messenger`: Messenger through a fake Meta: handshake, forged deliveries refused, replies, read marks.
//! - `channels_restart`: replies on their way to an SMS customer survive workerd restarting, arriving once each, in order.
//! - `channels_sms`: SMS through a fake Twilio: forged posts refused, retries stored once, replies, statuses.
//! - `channels_whatsapp`: WhatsApp through the flow; the reply window; templates as Twilio content.
//! - `chaos`: no message lost or duplicated under drops, resends and restarts.
//! - `contact_webhooks`: contact.created/updated/merged reach a receiver signed, once, in order.
//! - `contacts`: one contact per person (verified identity joins, typed email never); search, attributes, merge.
//! - `conversation`: the conversation socket: send, resend, replay, limits, refusals.
//! - `conversation_list`: 1,200 conversations paged by cursor while new ones arrive; filters.
//! - `conversation_labels`: labels, custom attributes and priority set by a script, seen live, filtered on.
//! - `conversation_rest`: one conversation's summary and its log paged both ways over REST.
//! - `data_rights`: a contact's export holds everything; erasing leaves nothing to any API, nor a byte in its conversations or files.
//! - `csat`: rating a resolved conversation.
//! - `email_continuity`: unread replies reach a visitor who left by one email (a typed address only hears one waits); threading, one-click unsubscribe, a bounce stops the address.
//! - `email_digest`: an agent who closed the console gets one digest of the customer's messages they missed, none once turned off.
//! - `email_inbox`: a new email to the support address becomes a conversation through the flow; the agent's answer goes back threaded; the customer's next email joins it, a new subject starts another.
//! - `browser_email`: a visitor writes and leaves; the agent's reply reaches them by email; their reply by email shows in the console (new words only) and in the widget when they return.
//! - `email_team`: invites and password-reset links reach the person by email; the emailed links work; without email they are only answered.
//! - `email_replies`: a reply by email joins its conversation with only its new words; forged, foreign, expired or unsecretted emails and auto-replies store nothing.
//! - `guessing`: guessing passwords or invite links locks the guessers out, not the agent.
//! - `http_api`: REST errors, methods, bodies, the OpenAPI document.
//! - `idempotency`: retried creates answer the first result; reused keys `422`; errors name the field.
//! - `identity`: signed-in customers, forged identities.
//! - `inbox_batches`: an inbox that asks hears every change paced, several to a frame; others each change alone.
//! - `interceptors`: card numbers and IBANs stored, relayed, searched and sent only redacted; more steps on request.
//! - `language_routing`: messages tagged with their language; a German conversation waits for the German-speaking agent.
//! - `invented_ids`: invented site and conversation ids get `404` and create no storage.
//! - `live_features`: read marks, typing, flood limits, socket caps, sliding sessions, presence.
//! - `macros`: an admin's macros checked; a run does each action as by hand, stops at a refused one.
//! - `password_reset`: reset links work once, end old sessions, keep the second step.
//! - `prechat`: the pre-chat form checked at the edge.
//! - `proactive`: proactive messages: checked, told to the page, opening the conversation they start.
//! - `outbound`: conversations a script starts: on_reply waits for the customer, immediate goes to someone now.
//! - `promises`: bugs fixed as users found them: takeover, backlogs, favicons.
//! - `reports`: a day's report over REST and CSV has the times the logs say; bad periods refused.
//! - `revocation`: removed accounts, ended sessions, revoked and expired keys stop at once.
//! - `retention`: resolved conversations past the site's retention are deleted with their files.
//! - `routing`: flows, offers, transfers, business hours, external bots, SLAs.
//! - `jurisdiction`: `DATA_JURISDICTION` restricts every object; an unknown name is refused.
//! - `held_conversations`: a conversation nobody wrote in is never stored; the first message writes it.
//! - `routing_at_scale`: 2,000 waiting visitors offered in the order they joined, places counted when asked.
//! - `self_host`: the bundle `wrangler deploy` uploads, run by plain workerd on local disk: a chat through it survives a restart whole.
//! - `schemathesis`: the REST API fuzzed against `docs/openapi.json`: no server errors, answers as documented.
//! - `search`: full-text search as typed: dashed numbers, emails, accents, CJK.
//! - `session_limits`: new visitor sessions limited per address and per site (`429`).
//! - `signing_keys`: rotating the worker secret; visitor tokens' absolute lifetime.
//! - `site_look`: a site's look, words and hours over REST.
//! - `two_factor`: codes, replays, recovery codes, throttled guessing, a site that requires it.
//! - `webhooks`: signed deliveries once and in order through an outage; hostile receivers; turning off.
//! - `visitor_sign_out`: after `shutdown`, no token of the visitor opens anything.

mod accounts;
mod admin_secrets;
mod api_key_scopes;
mod attachments;
mod audit_log;
mod auto_resolve;
mod automation;
mod avatars;
mod blocking;
mod bodies;
mod bounded_storage;
mod browser_accessibility;
mod browser_audit_and_reset;
mod browser_auto_resolve;
mod browser_automation;
mod browser_channels;
mod browser_chat;
mod browser_console;
mod browser_contacts;
mod browser_delivery;
mod browser_email;
mod browser_embed;
mod browser_files;
mod browser_hours;
mod browser_interceptors;
mod browser_labels;
mod browser_macros;
mod browser_outbound;
mod browser_proactive;
mod browser_reports;
mod browser_rest_messages;
mod browser_routing;
mod browser_site_look;
mod browser_start_conversation;
mod browser_two_factor;
mod browser_webhooks;
mod browser_whatsapp;
mod channels_messenger;
mod channels_restart;
mod channels_sms;
mod channels_whatsapp;
mod chaos;
mod contact_webhooks;
mod contacts;
mod conversation;
mod conversation_labels;
mod conversation_list;
mod conversation_rest;
mod csat;
mod data_rights;
mod email_continuity;
mod email_digest;
mod email_inbox;
mod email_replies;
mod email_team;
mod guessing;
mod held_conversations;
mod http_api;
mod idempotency;
mod identity;
mod inbox_batches;
mod interceptors;
mod invented_ids;
mod jurisdiction;
mod language_routing;
mod live_features;
mod macros;
mod outbound;
mod password_reset;
mod prechat;
mod proactive;
mod promises;
mod reports;
mod retention;
mod revocation;
mod routing;
mod routing_at_scale;
mod schemathesis;
mod search;
mod self_host;
mod session_limits;
mod signing_keys;
mod site_look;
mod two_factor;
mod visitor_sign_out;
mod webhooks;
