//! Small function components, one part of the screen each.
//!
//! - [`app`]: the root: owns the state, starts the effects' hooks, picks the screen.
//! - [`workspace`]: the signed-in screen, turning clicks into frames and actions.
//! - [`login`]: the sign-in form (and its code step); [`invite`]: choosing a password from an
//!   invite link; [`password_reset`]: choosing a new one from a password reset link.
//! - [`form`]: reading a submitted form's fields; [`copied`]: the status after a "Copy".
//! - [`sites`]: every site, and creating one with its first admin (owners).
//! - [`api_keys`]: the site's API keys for scripts (admins).
//! - [`webhooks`]: the site's webhook subscriptions, adding one (its signing secret shown
//!   once), turning one off or on (admins); [`webhook_deliveries`]: one's delivery log, with
//!   "Redeliver".
//! - [`audit_log`]: who did what, when and from where (admins).
//! - [`blocks`]: blocked visitors, and lifting a block.
//! - [`password`]: changing one's own password.
//! - [`two_factor`]: one's own two-factor sign-in (on, off, new recovery codes);
//!   [`two_factor_setup`]: setting it up (key, [`qr_code`], first code), also on the
//!   [`enrol`] page a session sees when the site requires it first; [`recovery_codes`]: the
//!   codes, shown once.
//! - [`email_digest`]: whether one gets the email digest of what one missed while away.
//! - [`settings`]: the team (invites, accounts) and canned responses; [`team`]: one account
//!   with its photo; [`reset_link`]: a password reset link made for it; [`site_form`]: the
//!   site's widget colour, greeting and allowed origins; [`interceptors`]: in it, the privacy
//!   and message filters (redactions, masked words, trimming) every message passes;
//!   [`channels`]: the site's contact identities (SMS and WhatsApp numbers, Messenger pages,
//!   email addresses) and their message handlers, one edited at a time in [`channel_editor`];
//!   [`label_settings`]: the site's own labels and their colours (admins);
//!   [`macro_settings`]: the site's macros, listed, added and removed (admins);
//!   [`automation_rules`]: the site's automation rules in sentences, edited as JSON (admins);
//!   [`proactive_settings`]: the site's proactive messages, listed, added and removed (admins).
//! - [`topbar`]: the agent's name and "Sign out".
//! - [`inbox`]: the conversation list.
//! - [`offers`]: conversations offered to this agent, to accept or decline.
//! - [`conversation`]: the open conversation: header, connection status, timeline, reply;
//!   [`labels`]: its labels, added and removed there; [`priority`]: its priority, picked in
//!   its header; [`macros`]: its macro menu.
//! - [`contact`]: the visitor's details and other conversations, beside the conversation;
//!   [`contact_card`]: in it, the visitor's contact record, edited in place.
//! - [`reports`]: the Reports screen (a period's figures, the daily chart, the team, CSV).
//! - [`contacts`]: the Contacts screen (search, "Load more", "New contact");
//!   [`contact_editor`]: one contact's editable details, verified identity and conversations;
//!   [`contact_merge`]: merging another contact into it; [`contact_start`]: starting a
//!   conversation with it (first message and routing); [`contact_fields`]: the inputs both
//!   editors share (attributes by kind, errors under the input they are about).
//! - [`timeline`]: the messages and pending replies, with webchat's receipts or, on SMS,
//!   WhatsApp and Messenger, the provider's delivery status of each team message.
//! - [`reply`]: the reply box; [`attach`]: attaching a file to the reply;
//!   [`template_picker`]: on WhatsApp, sending one of the number's approved templates (the
//!   only message allowed once the customer's 24-hour window has closed).
//!
//! Every piece of text from the network goes in as a text node (`{string}` in `html!`), which
//! the browser never parses as markup.

pub mod api_keys;
pub mod app;
pub mod attach;
pub mod audit_log;
pub mod automation_rules;
pub mod blocks;
pub mod channel_editor;
pub mod channels;
pub mod contact;
pub mod contact_card;
pub mod contact_editor;
pub mod contact_fields;
pub mod contact_merge;
pub mod contact_start;
pub mod contacts;
pub mod conversation;
pub mod copied;
pub mod email_digest;
pub mod enrol;
pub mod form;
pub mod inbox;
pub mod interceptors;
pub mod invite;
pub mod label_settings;
pub mod labels;
pub mod login;
pub mod macro_settings;
pub mod macros;
pub mod offers;
pub mod password;
pub mod password_reset;
pub mod priority;
pub mod proactive_settings;
pub mod qr_code;
pub mod recovery_codes;
pub mod reply;
pub mod reports;
pub mod reset_link;
pub mod settings;
pub mod site_form;
pub mod sites;
pub mod team;
pub mod template_picker;
pub mod timeline;
pub mod topbar;
pub mod two_factor;
pub mod two_factor_setup;
pub mod webhook_deliveries;
pub mod webhooks;
pub mod workspace;
