//! How emails hang together: the `Message-ID` each of our emails gets, the `In-Reply-To` and
//! `References` that make mail programs show it in the customer's thread, the subject of an
//! answer, and whether a new email to a support address goes on in the customer's last
//! conversation (it answers one of that conversation's emails, or carries its subject) or
//! starts a new one.

use switchboard_protocol::{ConversationId, Seq};

/// The most ids a line remembers of its current conversation (and puts in `References`).
pub const MAX_KNOWN_IDS: usize = 20;

/// The `Message-ID` (without brackets) of part `part` of entry `seq` of `conversation`, sent
/// from `domain`: the same entry always gets the same id, so a resend is one email to the
/// customer's mail program.
pub fn message_id(conversation: &ConversationId, seq: Seq, part: u32, domain: &str) -> String {
    let hex = conversation.as_str().trim_start_matches("cnv_");
    format!("sb.{hex}.{}.{part}@{domain}", seq.0)
}

/// The subject with its answer and forward prefixes (`Re:`, `Fwd:`, `AW:`, `SV:`, `[Ticket]`…)
/// taken off, whitespace collapsed and lowercased: what two emails of one thread share.
pub fn subject_key(subject: &str) -> String {
    let mut rest = subject.trim();
    loop {
        let lower = rest.to_lowercase();
        let prefix = ["re:", "fwd:", "fw:", "aw:", "wg:", "sv:", "vs:", "tr:", "rif:", "antw:", "r:"]
            .iter()
            .find(|p| lower.starts_with(*p));
        match prefix {
            Some(prefix) => rest = rest[prefix.len()..].trim_start(),
            None => break,
        }
    }
    rest.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The subject of our answer to a thread about `subject`.
pub fn reply_subject(subject: &str, fallback: &str) -> String {
    let key = subject_key(subject);
    if key.is_empty() {
        return fallback.to_owned();
    }
    // Keep the customer's own spelling, with one `Re:` in front.
    let lower = subject.trim().to_lowercase();
    let mut rest = subject.trim();
    if lower.starts_with("re:") {
        rest = rest[3..].trim_start();
    }
    format!("Re: {rest}")
}

/// Whether an email with `subject` answering `thread_ids` goes on in the conversation whose
/// emails had `known_ids` and whose first email's subject was `conversation_subject`: it
/// names one of those emails, or (a mail program that drops the headers) carries the same
/// subject — an empty subject alone never joins.
pub fn continues(
    known_ids: &[String],
    conversation_subject: &str,
    subject: &str,
    thread_ids: &[String],
) -> bool {
    if thread_ids.iter().any(|id| known_ids.iter().any(|known| known.eq_ignore_ascii_case(id))) {
        return true;
    }
    let key = subject_key(subject);
    !key.is_empty() && key == subject_key(conversation_subject)
}

/// `known` with `id` added (once), keeping only the newest [`MAX_KNOWN_IDS`].
pub fn remember(mut known: Vec<String>, id: &str) -> Vec<String> {
    let id = id.trim().trim_matches(['<', '>']);
    if id.is_empty() || known.iter().any(|k| k == id) {
        return known;
    }
    known.push(id.to_owned());
    let excess = known.len().saturating_sub(MAX_KNOWN_IDS);
    known.drain(..excess);
    known
}

/// The headers of an email `id` answering a thread whose emails had `known` ids (oldest
/// first): `Message-ID`, and `In-Reply-To` (the newest) and `References` (all) when there are
/// any.
pub fn headers(id: &str, known: &[String]) -> Vec<(String, String)> {
    let mut headers = vec![("Message-ID".to_owned(), format!("<{id}>"))];
    if let Some(newest) = known.last() {
        headers.push(("In-Reply-To".to_owned(), format!("<{newest}>")));
        let all: Vec<String> = known.iter().map(|k| format!("<{k}>")).collect();
        headers.push(("References".to_owned(), all.join(" ")));
    }
    headers
}

#[cfg(test)]
mod tests;
