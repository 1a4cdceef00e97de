//! The continuity email: the team's replies a visitor left unread, sent once they have stayed
//! unread for the site's delay — one email for all of them, never one per message, never for
//! private notes or what the visitor already saw. Here: when one is due, and what it says.
//!
//! An address the visitor typed is not proven theirs: a stranger's address typed by mistake
//! must not receive the conversation again and again. So until the address is verified (the
//! visitor's site signed it, or they answered an email or opened its link), the email says
//! only that a reply is waiting, with the link back — never the replies themselves.

use switchboard_protocol::{Author, Message, Seq};

/// How long a reply stays unread before the email goes, unless the site says otherwise.
pub const DEFAULT_DELAY_MS: i64 = 5 * 60 * 1000;

/// How long a team's reply may stay unread before its email, as the site's email address says
/// (`continuity_minutes`: none, 5 minutes; `0`, never); a site without one has the default.
pub fn delay_ms(identities: &[switchboard_protocol::channels::ContactIdentity]) -> Option<i64> {
    let minutes = identities
        .iter()
        .find(|identity| identity.channel == switchboard_protocol::channels::Channel::Email)
        .and_then(|identity| identity.continuity_minutes);
    match minutes {
        Some(0) => None,
        Some(minutes) => Some(i64::from(minutes) * 60_000),
        None => Some(DEFAULT_DELAY_MS),
    }
}

/// What the email may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    /// The address is the visitor's (signed by the site, or proven by a reply): the replies.
    Replies,
    /// A typed address: only that a reply is waiting, and the link back.
    WaitingOnly,
}

/// The replies to email: the team's spoken messages (agents' and the bot's, no private notes,
/// no routing events) after what the visitor read and after what was emailed already.
pub fn unread_replies(log: &[Message], read_up_to: Seq, emailed_up_to: Seq) -> Vec<&Message> {
    let after = read_up_to.max(emailed_up_to);
    log.iter()
        .filter(|m| m.seq > after && !m.internal)
        .filter(|m| matches!(m.author, Author::Agent { .. } | Author::Bot { .. }))
        .collect()
}

/// When the email for `replies` is due: the oldest one's time plus the delay (`None`: none).
pub fn due_at(replies: &[&Message], delay_ms: i64) -> Option<i64> {
    replies.iter().map(|m| m.sent_at).min().map(|oldest| oldest + delay_ms)
}

/// Where a conversation's continuity emails go, and what they may show: the address the
/// site's backend signed (the identity token's email), else the one the visitor typed —
/// shown the replies only once proven theirs (`proven`: an address that wrote to us in this
/// conversation).
pub fn recipient(
    contact: &switchboard_protocol::contact::Contact,
    proven: Option<&str>,
) -> Option<(String, Disclosure)> {
    let normal = |email: &str| crate::fields::normalise_email(email);
    if let Some(signed) = contact.identity.as_ref().and_then(|i| i.email.as_deref()).and_then(normal) {
        return Some((signed, Disclosure::Replies));
    }
    let typed = contact.email.as_deref().and_then(normal)?;
    let disclosure = match proven.and_then(normal) {
        Some(proven) if proven == typed => Disclosure::Replies,
        _ => Disclosure::WaitingOnly,
    };
    Some((typed, disclosure))
}

/// How far a conversation's continuity emails came.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// The newest entry the visitor read.
    pub read_up_to: Seq,
    /// The newest entry an email carried (or told of).
    pub emailed_up_to: Seq,
    /// A typed address was already told a reply waits: it is told once per conversation, so
    /// a stranger's address typed by mistake gets one short email, never a stream.
    pub waiting_told: bool,
}

/// What to do about continuity now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next<'a> {
    /// Nothing waits (nothing unread, no address, or the one email a typed address gets went).
    Nothing,
    /// Look again at this time (ms).
    At(i64),
    /// Send the email of `replies` to `to`.
    Send {
        /// The address.
        to: String,
        /// What it may show.
        disclosure: Disclosure,
        /// The unread replies, oldest first.
        replies: Vec<&'a Message>,
    },
}

/// What is due for the entries after what was read and emailed (`log`, oldest first), for
/// `recipient` (see [`recipient`]), `delay_ms` after the oldest unread reply.
pub fn next<'a>(
    log: &'a [Message],
    recipient: Option<(String, Disclosure)>,
    progress: Progress,
    delay_ms: i64,
    now: i64,
) -> Next<'a> {
    let Some((to, disclosure)) = recipient else { return Next::Nothing };
    if disclosure == Disclosure::WaitingOnly && progress.waiting_told {
        return Next::Nothing;
    }
    let replies = unread_replies(log, progress.read_up_to, progress.emailed_up_to);
    match due_at(&replies, delay_ms) {
        None => Next::Nothing,
        Some(at) if at > now => Next::At(at),
        Some(_) => Next::Send { to, disclosure, replies },
    }
}

/// The site as the email shows it.
#[derive(Debug, Clone)]
pub struct Sender<'a> {
    /// The site's name.
    pub name: &'a str,
    /// Its colour (`#0b5fff`), for the HTML part's button.
    pub color: &'a str,
}

/// What the email says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// The subject.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

/// The email for `replies`, with the link back to the conversation.
pub fn compose(sender: &Sender, replies: &[&Message], link: &str, disclosure: Disclosure) -> Composed {
    let subject = format!("New reply from {}", sender.name);
    let lead = match replies.len() {
        1 => format!("{} replied while you were away:", sender.name),
        n => format!("{} sent you {n} replies while you were away:", sender.name),
    };
    let button =
        escape(&sender.color.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '#').collect::<String>());
    if disclosure == Disclosure::WaitingOnly {
        let text = format!("{} replied to your message. Read it and answer here:\n{link}\n", sender.name);
        let html = format!(
            "<p>{} replied to your message.</p><p><a href=\"{}\" style=\"background:{button};color:#fff;padding:8px 14px;border-radius:6px;text-decoration:none\">Read the reply</a></p>",
            escape(sender.name),
            escape(link)
        );
        return Composed { subject, text, html };
    }
    let mut text = format!("{lead}\n\n");
    let mut html = format!("<p>{}</p>", escape(&lead));
    for reply in replies {
        let who = match &reply.author {
            Author::Agent { name, .. } | Author::Bot { name } => name.as_str(),
            _ => sender.name,
        };
        text.push_str(&format!("{who}:\n{}\n\n", reply.text));
        html.push_str(&format!(
            "<p><strong>{}</strong><br>{}</p>",
            escape(who),
            escape(&reply.text).replace('\n', "<br>")
        ));
    }
    text.push_str(&format!("Answer by replying to this email, or here:\n{link}\n"));
    html.push_str(&format!(
        "<p><a href=\"{}\" style=\"background:{button};color:#fff;padding:8px 14px;border-radius:6px;text-decoration:none\">Open the conversation</a></p>",
        escape(link)
    ));
    Composed { subject, text, html }
}

/// `text` safe inside HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
