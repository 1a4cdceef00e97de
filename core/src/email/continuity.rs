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
