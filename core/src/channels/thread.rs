//! A customer's line on a provider's channel (a phone number writing to one of the site's
//! numbers): which of the site's contact identities it reaches, whether their next message
//! goes on in their last conversation or starts a new one, how a new one is routed, what of
//! an agent's or bot's entry travels back, and what a provider's delivery status does to the
//! conversation. The edge keeps one thread object per line and performs what this says.

use switchboard_protocol::channels::{
    Channel, ContactIdentity, DeliveryStatus, HandlerStart, MessageHandler, Thread, MAX_IDENTITIES,
    MAX_REOPEN_MINUTES,
};
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::{ApiError, Author, ErrorCode, Message};

use crate::flow::outbound::Outbound;
use crate::flow::Flow;

use super::{sms, twilio};

/// The longest a reply may stay unread before its continuity email: a day.
pub const MAX_CONTINUITY_MINUTES: u32 = 24 * 60;

/// Checks a site's contact identities against its flow: at most [`MAX_IDENTITIES`], SMS or
/// WhatsApp numbers in E.164 form, Messenger pages, lowercase email addresses, each (channel,
/// address) once, a queue handler naming one of
/// the flow's queues, a reopen window of at most [`MAX_REOPEN_MINUTES`].
pub fn check_identities(identities: &[ContactIdentity], flow: &Flow) -> Result<(), ApiError> {
    if identities.len() > MAX_IDENTITIES {
        return Err(ApiError::bad_field(
            "channels",
            format_args!("at most {MAX_IDENTITIES} contact identities"),
        ));
    }
    for (n, identity) in identities.iter().enumerate() {
        let at = |field: &str| format!("channels[{n}].{field}");
        match identity.channel {
            Channel::Sms | Channel::Whatsapp => {
                if twilio::address(&identity.address).map(|(channel, _)| channel) != Ok(Channel::Sms) {
                    return Err(ApiError::bad_field(
                        at("address"),
                        "a phone number in E.164 form (+ and 8 to 15 digits)",
                    ));
                }
                if identity.access_token.is_some() {
                    return Err(ApiError::bad_field(at("access_token"), "only Messenger pages have one"));
                }
            }
            Channel::Messenger => {
                if !super::messenger::is_id(&identity.address) {
                    return Err(ApiError::bad_field(at("address"), "the Facebook page's id (digits)"));
                }
                let token = identity.access_token.as_deref().unwrap_or_default();
                if token.len() < 20 || token.len() > 1_000 || !token.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(ApiError::bad_field(
                        at("access_token"),
                        "the page's access token (from Meta's app dashboard)",
                    ));
                }
            }
            Channel::Email => {
                if crate::fields::normalise_email(&identity.address).as_deref()
                    != Some(identity.address.as_str())
                {
                    return Err(ApiError::bad_field(
                        at("address"),
                        "an email address, in lowercase (support@shop.example)",
                    ));
                }
                if identity.access_token.is_some() {
                    return Err(ApiError::bad_field(at("access_token"), "only Messenger pages have one"));
                }
            }
            _ => return Err(ApiError::bad_field(at("channel"), "sms, whatsapp, messenger or email")),
        }
        if identity.continuity_minutes.is_some_and(|m| m > MAX_CONTINUITY_MINUTES) {
            return Err(ApiError::bad_field(
                at("continuity_minutes"),
                format_args!("at most {MAX_CONTINUITY_MINUTES}"),
            ));
        }
        if identity.continuity_minutes.is_some() && identity.channel != Channel::Email {
            return Err(ApiError::bad_field(
                at("continuity_minutes"),
                "continuity emails are the email address's",
            ));
        }
        let twin = identities[..n]
            .iter()
            .any(|other| other.channel == identity.channel && other.address == identity.address);
        if twin {
            return Err(ApiError::bad_field(at("address"), "listed twice for this channel"));
        }
        let handler = &identity.handler;
        if handler.reopen_within_minutes > MAX_REOPEN_MINUTES {
            return Err(ApiError::bad_field(
                at("handler.reopen_within_minutes"),
                format_args!("at most {MAX_REOPEN_MINUTES}"),
            ));
        }
        if !identity.templates.is_empty() && identity.channel != Channel::Whatsapp {
            return Err(ApiError::bad_field(at("templates"), "templates are WhatsApp's"));
        }
        super::whatsapp::check_templates(&identity.templates, &at("templates"))?;
        match (handler.start, &handler.queue) {
            (HandlerStart::Queue, None) => {
                return Err(ApiError::bad_field(
                    at("handler.queue"),
                    "name the queue conversations go straight to",
                ))
            }
            (HandlerStart::Queue, Some(queue)) if !flow.queues.iter().any(|q| &q.id == queue) => {
                return Err(ApiError::bad_field(
                    at("handler.queue"),
                    format_args!("the flow has no queue {queue}"),
                ))
            }
            (HandlerStart::Flow, Some(_)) => {
                return Err(ApiError::bad_field(
                    at("handler.queue"),
                    "a queue goes with \"start\": \"queue\"",
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// The identity a message to our address `ours` on `channel` reaches, if the site has it.
pub fn identity<'a>(
    identities: &'a [ContactIdentity],
    channel: Channel,
    ours: &str,
) -> Option<&'a ContactIdentity> {
    identities.iter().find(|identity| identity.channel == channel && identity.address == ours)
}

/// The line a conversation the team starts on `channel` goes along: from the site's number
/// on that channel (its first) to the contact's first phone number (in E.164: `+` and its
/// digits). Refused, saying what is missing, when the site has no such number or the
/// contact no phone.
pub fn outbound_line(
    identities: &[ContactIdentity],
    channel: Channel,
    phones: &[String],
) -> Result<(Thread, MessageHandler), ApiError> {
    let conflict = |what: String| ApiError::new(ErrorCode::Conflict, what);
    if !matches!(channel, Channel::Sms | Channel::Whatsapp) {
        return Err(conflict(format!(
            "the team cannot start a conversation by {} this way",
            channel.label()
        )));
    }
    let identity = identities.iter().find(|identity| identity.channel == channel).ok_or_else(|| {
        conflict(format!("the site has no {} number (PATCH /api/v1/site channels)", channel.label()))
    })?;
    let theirs = phones
        .iter()
        .find_map(|phone| {
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            let e164 = format!("+{digits}");
            (phone.trim_start().starts_with('+') && twilio::address(&e164).is_ok()).then_some(e164)
        })
        .ok_or_else(|| {
            conflict("the contact has no phone number in international form (+ and the country code)".into())
        })?;
    let thread = Thread { channel, ours: identity.address.clone(), theirs };
    Ok((thread, identity.handler.clone()))
}

/// The Messenger line a conversation the team starts goes along: the contact's newest
/// Messenger conversation's page and customer (a page-scoped id only answers from its page),
/// when the site still lists that page. Only what a Messenger conversation's line wrote counts
/// (its summary's channel says so), never attributes typed elsewhere.
pub fn messenger_line(
    identities: &[ContactIdentity],
    conversations: &[switchboard_protocol::inbox::ConversationSummary],
) -> Result<(Thread, MessageHandler), ApiError> {
    let conflict = |what: &str| ApiError::new(ErrorCode::Conflict, what);
    let line = conversations
        .iter()
        .filter(|summary| summary.channel == Channel::Messenger)
        .filter_map(|summary| {
            let attributes = &summary.contact.as_ref()?.attributes;
            Some((attributes.get("messenger_page")?.clone(), attributes.get("messenger_id")?.clone()))
        })
        .next()
        .ok_or_else(|| conflict("the contact never wrote to the site's Messenger page"))?;
    let (ours, theirs) = line;
    let identity = identity(identities, Channel::Messenger, &ours)
        .ok_or_else(|| conflict("the site no longer lists the page the contact wrote to"))?;
    Ok((Thread { channel: Channel::Messenger, ours, theirs }, identity.handler.clone()))
}

/// Whether a customer's new message goes on in their last conversation, which stands in
/// `state` and last changed at `last_change`: always while it is not resolved; once resolved,
/// only within the handler's reopen window.
pub fn goes_on(state: ConversationState, last_change: i64, handler: &MessageHandler, now: i64) -> bool {
    state != ConversationState::Resolved
        || now - last_change <= i64::from(handler.reopen_within_minutes) * 60_000
}

/// How a new conversation is routed before its first message: straight to the handler's
/// queue, or (`None`) by the flow once the customer's message is stored, as for webchat.
pub fn first_step(handler: &MessageHandler) -> Option<Outbound> {
    match handler.start {
        HandlerStart::Flow => None,
        HandlerStart::Queue => Some(Outbound::Immediate(crate::flow::bot::Handover {
            queue: handler.queue.clone(),
            agent: None,
        })),
    }
}

/// What a line's customer is to the team at first: the name the provider gave (WhatsApp's
/// profile name, Messenger's profile), their address on the channel — `phone` on SMS and
/// WhatsApp (the number that joins contacts), `messenger_id` and `messenger_page` on
/// Messenger (never a phone) — and the channel.
pub fn customer_contact(thread: &Thread, name: Option<String>) -> switchboard_protocol::contact::Contact {
    let mut contact = switchboard_protocol::contact::Contact { name, ..Default::default() };
    if thread.channel == Channel::Email {
        // The address wrote to us: theirs, as far as email can tell.
        contact.email = Some(thread.theirs.clone());
    } else if thread.channel == Channel::Messenger {
        // A page-scoped id: the page it belongs to goes with it (the team writes back by both).
        contact.attributes.insert("messenger_id".into(), thread.theirs.clone());
        contact.attributes.insert("messenger_page".into(), thread.ours.clone());
    } else {
        contact.attributes.insert("phone".into(), thread.theirs.clone());
    }
    contact.attributes.insert("channel".into(), thread.channel.label().into());
    contact
}

/// What one entry of the conversation becomes on the customer's channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outgoing {
    /// Its texts, one provider message each, in order.
    pub texts: Vec<String>,
    /// The file it carries (its `url` a signed link, relative to the edge).
    pub file: Option<switchboard_protocol::attachment::Attachment>,
    /// Choices sent as the channel's own buttons (Messenger's quick replies) with the last text.
    pub quick_replies: Vec<String>,
    /// A person wrote it (not the bot): Messenger's `HUMAN_AGENT` tag may carry it.
    pub by_person: bool,
}

impl Outgoing {
    /// Whether nothing goes to the customer.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty() && self.file.is_none()
    }
}

/// What the customer on `channel` is sent of `message`: the team's spoken words and files
/// only (never private notes, routing events or the customer's own); a bot's cards written
/// out after its words; choices as Messenger's quick replies, written out after the text
/// elsewhere — a phone has no buttons.
pub fn outgoing(channel: Channel, message: &Message) -> Outgoing {
    let spoken = matches!(message.author, Author::Agent { .. } | Author::Bot { .. });
    if !spoken || message.internal || channel.is_webchat() {
        return Outgoing::default();
    }
    if let Some(file) = &message.attachment {
        // The text is the file's name: the file itself says it.
        let by_person = matches!(message.author, Author::Agent { .. });
        return Outgoing { file: Some(file.clone()), by_person, ..Outgoing::default() };
    }
    let mut text = message.text.trim().to_owned();
    // A bot's cards, written out after its words: title, a few words, the link's label and
    // address (a provider channel has no cards of ours).
    for card in &message.cards {
        let mut lines = vec![card.title.trim().to_owned()];
        lines.extend(card.text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned));
        lines.extend(card.link.as_ref().map(|link| format!("{}: {}", link.label.trim(), link.url)));
        text.push_str("\n\n");
        text.push_str(&lines.join("\n"));
    }
    let native = channel == Channel::Messenger;
    if !message.quick_replies.is_empty() && !native {
        text.push_str("\n\n");
        text.push_str(&message.quick_replies.join(" / "));
    }
    if text.trim().is_empty() {
        return Outgoing::default();
    }
    let quick_replies = if native { message.quick_replies.clone() } else { Vec::new() };
    let by_person = matches!(message.author, Author::Agent { .. });
    // An email is one message however long; a text message goes in pieces.
    let texts = if channel == Channel::Email { vec![text] } else { sms::split(&text) };
    Outgoing { texts, file: None, quick_replies, by_person }
}

/// The absolute address of `path` (an attachment's link) on the edge that `callback` (the
/// line's status callback, an absolute URL on this edge) names; `None` without one.
pub fn absolute(callback: &str, path: &str) -> Option<String> {
    let rest = callback.strip_prefix("https://").or_else(|| callback.strip_prefix("http://"))?;
    let host = rest.split('/').next().filter(|host| !host.is_empty())?;
    let scheme = &callback[..callback.len() - rest.len()];
    path.starts_with('/').then(|| format!("{scheme}{host}{path}"))
}

/// What a provider's status report does to the conversation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Receipt {
    /// Nothing the conversation shows (queued, sent, delivered: the thread keeps them).
    Nothing,
    /// The customer read it: their read mark moves up to the message.
    Read,
    /// It never arrived: the team is told, in a private note.
    NotDelivered(String),
}

/// Whether a status may replace the one stored: statuses only move forward (callbacks can
/// arrive out of order), and a failure ends the story.
pub fn advances(stored: Option<DeliveryStatus>, new: DeliveryStatus) -> bool {
    stored.is_none_or(|stored| stored != DeliveryStatus::Failed && new > stored)
}

/// The receipt for `status` on `channel` (with the provider's error code, if any).
pub fn receipt(channel: Channel, status: DeliveryStatus, error_code: Option<u32>) -> Receipt {
    match status {
        DeliveryStatus::Read => Receipt::Read,
        DeliveryStatus::Failed => Receipt::NotDelivered(match error_code {
            Some(code) => format!("Not delivered by {} (provider error {code}).", channel.label()),
            None => format!("Not delivered by {}.", channel.label()),
        }),
        _ => Receipt::Nothing,
    }
}

/// The private note telling the team of a delivery problem, as entry `seq` at `now`: from
/// Switchboard itself, for agents only.
pub fn note(seq: switchboard_protocol::Seq, text: String, now: i64) -> Message {
    let client_id = switchboard_protocol::ClientMessageId::parse(format!("sys-{}", seq.0))
        .unwrap_or_else(|_| unreachable!("`sys-` and digits are a valid client id"));
    Message { internal: true, ..Message::plain(seq, client_id, Author::System, text, now) }
}

/// When to try handing a reply to its line again after `attempts` failed ones, or `None`:
/// given up after [`MAX_SEND_ATTEMPTS`] (the team is then told).
pub fn retry_hand_over(
    schedule: &crate::webhook_delivery::Schedule,
    attempts: u32,
    now: i64,
    jitter: f64,
) -> Option<i64> {
    (attempts < MAX_SEND_ATTEMPTS).then(|| schedule.next_attempt(attempts, now, jitter))
}

/// After this many failed attempts to hand a message to the provider, it is given up (and
/// the team told, as for a failed delivery).
pub const MAX_SEND_ATTEMPTS: u32 = 8;

/// The note for a file the customer sent that could not be kept (too large, a type the
/// conversation does not take, the provider unreachable).
pub fn file_not_kept(channel: Channel, why: &str) -> String {
    format!("The customer sent a file by {} that could not be kept: {why}", channel.label())
}

/// The note for a message the provider never accepted.
pub fn not_sent(channel: Channel, why: &str) -> String {
    format!("Not sent by {}: {why}", channel.label())
}

#[cfg(test)]
#[path = "thread_tests.rs"]
mod tests;
