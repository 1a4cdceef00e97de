//! A conversation as a plain-text file, for the visitor's "Download the conversation":
//! one line per message, `[when] who: text`, files by name and link, events in brackets.

use switchboard_protocol::{Author, Message};

/// The transcript of `messages`; `when` writes a message's time (the widget uses the
/// visitor's clock and language), `you` is how the visitor is named.
pub fn plain_text<'a>(
    title: &str,
    messages: impl IntoIterator<Item = &'a Message>,
    when: impl Fn(i64) -> String,
    you: &str,
) -> String {
    let mut text = format!("{title}\n\n");
    for message in messages {
        if message.internal || (message.text.is_empty() && message.attachment.is_none()) {
            continue;
        }
        let who = match &message.author {
            Author::Visitor { .. } => you,
            Author::Agent { name, .. } | Author::Bot { name } => name,
            Author::System => {
                text.push_str(&format!("[{}] ({})\n", when(message.sent_at), one_line(&message.text)));
                continue;
            }
        };
        let said = match &message.attachment {
            Some(file) => format!("{} <{}>", one_line(&file.name), file.url),
            None => message.text.replace('\n', "\n    "),
        };
        text.push_str(&format!("[{}] {}: {said}\n", when(message.sent_at), one_line(who)));
    }
    text
}

/// `text` on one line (names and events cannot break the layout).
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::attachment::Attachment;
    use switchboard_protocol::{AgentId, ClientMessageId, Seq, VisitorId};

    use super::*;

    fn message(seq: u64, author: Author, text: &str) -> Message {
        Message {
            seq: Seq(seq),
            client_id: ClientMessageId::parse(format!("c{seq}")).unwrap(),
            author,
            text: text.into(),
            sent_at: seq as i64 * 60_000,
            quick_replies: Vec::new(),
            event: None,
            internal: false,
            attachment: None,
        }
    }

    #[test]
    fn every_visible_message_is_one_entry_with_time_and_author() {
        let visitor =
            Author::Visitor { id: VisitorId::parse(format!("vis_{}", "1".repeat(32))).unwrap(), name: None };
        let agent = Author::Agent {
            id: AgentId::parse(format!("agt_{}", "2".repeat(32))).unwrap(),
            name: "Nia\nEvil".into(),
        };
        let mut file = message(4, agent.clone(), "invoice.pdf");
        file.attachment = Some(Attachment {
            url: "https://edge.example/api/v1/attachments/x".into(),
            name: "invoice.pdf".into(),
            content_type: "application/pdf".into(),
            size: 10,
        });
        let mut hidden = message(5, Author::System, "");
        hidden.internal = true;
        let log = [
            message(1, visitor, "Hello\nthere"),
            message(2, Author::Bot { name: "Ada".into() }, "Hi!"),
            message(3, Author::System, "Nia joined"),
            file,
            hidden,
            message(6, agent, "Done"),
        ];
        let text = plain_text("Chat with Shop", &log, |ms| format!("{}m", ms / 60_000), "You");
        assert_eq!(
            text,
            "Chat with Shop\n\n[1m] You: Hello\n    there\n[2m] Ada: Hi!\n[3m] (Nia joined)\n\
             [4m] Nia Evil: invoice.pdf <https://edge.example/api/v1/attachments/x>\n[6m] Nia Evil: Done\n"
        );
    }
}
