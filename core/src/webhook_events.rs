//! Which webhook events a conversation's log entry makes, their ids, and which subscriptions
//! receive them. Every event comes from one stored entry (a message, or a system entry for a
//! routing or state event), so an event's id follows from the conversation and the entry's
//! seq: the same event always has the same id, a re-sent one is recognised, and a
//! conversation's events are ordered by seq. A contact's events (made by the site when a
//! contact is created, changed or merged) are ordered the same way by the time of the change,
//! in the contact's own line.

use sha2::{Digest, Sha256};
use switchboard_protocol::api::contacts::ContactRecord;
use switchboard_protocol::api::webhooks::{EventData, EventType, Webhook, WebhookEvent};
use switchboard_protocol::routing::ConversationEvent;
use switchboard_protocol::{Author, ConversationId, Message, Seq, SiteId};

/// The events `entry` of `conversation` makes, in the order they are delivered.
pub fn events_of(site: &SiteId, conversation: &ConversationId, entry: &Message) -> Vec<WebhookEvent> {
    let mut made: Vec<(EventType, EventData)> = Vec::new();
    if entry.seq == Seq(1) {
        made.push((EventType::ConversationCreated, EventData::Created {}));
    }
    match (&entry.event, &entry.author) {
        (None, Author::System) => {}
        (None, _) => {
            made.push((EventType::MessageCreated, EventData::Message { message: Box::new(entry.clone()) }))
        }
        (Some(ConversationEvent::Assigned { agent, name }), _) => made.push((
            EventType::ConversationAssigned,
            EventData::Assigned { agent_id: agent.clone(), agent_name: name.clone() },
        )),
        (Some(ConversationEvent::StateChanged { state }), _) => {
            made.push((EventType::ConversationStateChanged, EventData::StateChanged { state: *state }))
        }
        (Some(ConversationEvent::Rated { score, comment }), _) => {
            made.push((EventType::CsatSubmitted, EventData::Csat { score: *score, comment: comment.clone() }))
        }
        (Some(_), _) => {}
    }
    made.into_iter()
        .map(|(event_type, data)| WebhookEvent {
            id: event_id(conversation, entry.seq, event_type),
            event_type,
            created_at: entry.sent_at,
            site_id: site.clone(),
            conversation_id: Some(conversation.clone()),
            seq: Some(entry.seq),
            data,
        })
        .collect()
}

/// The `automation.rule_applied` event of `rule`, set off by `event`, whose application is
/// logged as `logged` (its id follows from that entry's seq, as every conversation event's).
pub fn rule_applied(
    site: &SiteId,
    conversation: &ConversationId,
    logged: &Message,
    rule: &str,
    event: switchboard_protocol::api::automation::RuleEvent,
) -> WebhookEvent {
    let event_type = EventType::AutomationRuleApplied;
    WebhookEvent {
        id: event_id(conversation, logged.seq, event_type),
        event_type,
        created_at: logged.sent_at,
        site_id: site.clone(),
        conversation_id: Some(conversation.clone()),
        seq: Some(logged.seq),
        data: EventData::RuleApplied { rule: rule.to_owned(), event },
    }
}

/// The event a change to `contact` at `at` makes: `contact.created`, `contact.updated`, or
/// `contact.merged` (with the id of the contact merged into it).
pub fn contact_event(
    site: &SiteId,
    event_type: EventType,
    contact: &ContactRecord,
    merged_from: Option<&str>,
    at: i64,
) -> WebhookEvent {
    let id = format!(
        "evt_{}",
        digest(&[&contact.id, &at.to_string(), event_type.as_str(), merged_from.unwrap_or_default()])
    );
    WebhookEvent {
        id,
        event_type,
        created_at: at,
        site_id: site.clone(),
        conversation_id: None,
        seq: None,
        data: EventData::Contact {
            contact: Box::new(contact.clone()),
            merged_from: merged_from.map(str::to_owned),
        },
    }
}

/// The line an event is delivered in, in order: its conversation's, its contact's, or (for
/// an event of neither) a line of its own (`""`, where every event is a head).
pub fn line_of(event: &WebhookEvent) -> (String, i64) {
    match (&event.conversation_id, &event.data) {
        (Some(conversation), _) => {
            (conversation.as_str().to_owned(), ordinal(event.seq.unwrap_or(Seq(0)), event.event_type))
        }
        (None, EventData::Contact { contact, .. }) => {
            (contact.id.clone(), ordinal(Seq(event.created_at.max(0) as u64), event.event_type))
        }
        (None, _) => (String::new(), 0),
    }
}

/// Whether `webhook` receives `event`: on, subscribed to its type, and, for a private note,
/// asking for notes.
pub fn receives(webhook: &Webhook, event: &WebhookEvent) -> bool {
    let is_note = matches!(&event.data, EventData::Message { message } if message.internal);
    webhook.enabled && webhook.events.contains(&event.event_type) && (!is_note || webhook.include_notes)
}

/// An event's id: `evt_` and a digest of what made it (readable ids would tell receivers
/// nothing they do not already get in the body).
pub fn event_id(conversation: &ConversationId, seq: Seq, event_type: EventType) -> String {
    format!("evt_{}", digest(&[conversation.as_str(), &seq.0.to_string(), event_type.as_str()]))
}

/// A delivery's id: one per subscription and event, the same on every attempt.
pub fn delivery_id(webhook: &str, event_id: &str) -> String {
    format!("dlv_{}", digest(&[webhook, event_id]))
}

/// Where a conversation's deliveries for a subscription queue: one of [`SHARDS`], by
/// conversation, so one conversation's events stay in order in one queue while a busy site's
/// conversations spread over several.
pub fn shard_of(conversation: Option<&ConversationId>) -> u32 {
    conversation.map_or(0, |conversation| shard_of_line(conversation.as_str()))
}

/// The queue of a line of events (`line_of`): by its key, so one line stays in one queue.
pub fn shard_of_line(line: &str) -> u32 {
    if line.is_empty() {
        return 0;
    }
    let hash = Sha256::digest(line.as_bytes());
    u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]]) % SHARDS
}

/// Delivery queues per subscription.
pub const SHARDS: u32 = 16;

/// The order of an event among its conversation's: by seq, then by its place in the entry.
pub fn ordinal(seq: Seq, event_type: EventType) -> i64 {
    let place = EventType::ALL.iter().position(|t| *t == event_type).unwrap_or(0) as i64;
    let first = if event_type == EventType::ConversationCreated { 0 } else { 1 + place };
    (seq.0 as i64) * 16 + first
}

fn digest(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part.as_bytes());
    }
    hash.finalize()[..12].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_protocol::routing::ConversationState;
    use switchboard_protocol::{AgentId, ClientMessageId};

    fn entry(seq: u64, author: Author, event: Option<ConversationEvent>, internal: bool) -> Message {
        Message {
            seq: Seq(seq),
            client_id: ClientMessageId::parse(format!("c-{seq}")).expect("id"),
            author,
            text: "hello".into(),
            sent_at: 1_000,
            quick_replies: Vec::new(),
            event,
            internal,
            attachment: None,
            cards: Vec::new(),
            language: None,
            original: None,
        }
    }

    fn types(events: &[WebhookEvent]) -> Vec<EventType> {
        events.iter().map(|e| e.event_type).collect()
    }

    fn webhook(events: Vec<EventType>, include_notes: bool) -> Webhook {
        Webhook {
            id: "whk_1".into(),
            url: "https://example.com".into(),
            events,
            include_notes,
            enabled: true,
            disabled_reason: None,
            secret_prefix: "whsec_ab".into(),
            created_at: 0,
        }
    }

    #[test]
    fn the_first_entry_creates_the_conversation_then_its_message() {
        let (site, conversation) =
            (SiteId::parse("demo").expect("site"), ConversationId::from_random([1; 16]));
        let visitor =
            Author::Visitor { id: switchboard_protocol::VisitorId::from_random([2; 16]), name: None };
        let made = events_of(&site, &conversation, &entry(1, visitor.clone(), None, false));
        assert_eq!(types(&made), [EventType::ConversationCreated, EventType::MessageCreated]);
        assert!(ordinal(Seq(1), made[0].event_type) < ordinal(Seq(1), made[1].event_type));
        assert!(ordinal(Seq(1), EventType::CsatSubmitted) < ordinal(Seq(2), EventType::ConversationCreated));
        assert_eq!(
            types(&events_of(&site, &conversation, &entry(2, visitor, None, false))),
            [EventType::MessageCreated]
        );
    }

    #[test]
    fn routing_entries_make_their_events_and_internals_none() {
        let (site, conversation) =
            (SiteId::parse("demo").expect("site"), ConversationId::from_random([1; 16]));
        let assigned =
            ConversationEvent::Assigned { agent: AgentId::from_random([3; 16]), name: "Ada".into() };
        let offered = ConversationEvent::Offered { agent: AgentId::from_random([3; 16]) };
        let resolved = ConversationEvent::StateChanged { state: ConversationState::Resolved };
        for (event, expected) in [
            (assigned, vec![EventType::ConversationAssigned]),
            (resolved, vec![EventType::ConversationStateChanged]),
            (ConversationEvent::Rated { score: 5, comment: None }, vec![EventType::CsatSubmitted]),
            (offered, vec![]),
        ] {
            let made = events_of(&site, &conversation, &entry(4, Author::System, Some(event), true));
            assert_eq!(types(&made), expected);
        }
    }

    #[test]
    fn a_contacts_events_are_ordered_in_its_own_line() {
        let site = SiteId::parse("demo").expect("site");
        let contact =
            ContactRecord { name: Some("Ada".into()), ..ContactRecord::empty("ctc_1".into(), 1_000) };
        let created = contact_event(&site, EventType::ContactCreated, &contact, None, 1_000);
        let updated = contact_event(&site, EventType::ContactUpdated, &contact, None, 2_000);
        let merged = contact_event(&site, EventType::ContactMerged, &contact, Some("ctc_2"), 2_000);
        assert_eq!(created.id, contact_event(&site, EventType::ContactCreated, &contact, None, 1_000).id);
        assert_ne!(updated.id, merged.id);
        let (line, first) = line_of(&created);
        assert_eq!(line, "ctc_1");
        assert!(first < line_of(&updated).1);
        assert_eq!(shard_of_line(&line), shard_of_line("ctc_1"));
        let body = serde_json::to_value(&merged).expect("json");
        assert_eq!(
            (body["data"]["contact"]["id"].as_str(), body["data"]["merged_from"].as_str()),
            (Some("ctc_1"), Some("ctc_2"))
        );
        let read: WebhookEvent = serde_json::from_value(body).expect("reads back");
        assert_eq!(read, merged);
    }

    #[test]
    fn notes_go_only_to_subscriptions_that_ask_and_ids_are_stable() {
        let (site, conversation) =
            (SiteId::parse("demo").expect("site"), ConversationId::from_random([1; 16]));
        let agent = Author::Agent { id: AgentId::from_random([3; 16]), name: "Ada".into() };
        let note = &events_of(&site, &conversation, &entry(3, agent.clone(), None, true))[0];
        assert!(!receives(&webhook(vec![EventType::MessageCreated], false), note));
        assert!(receives(&webhook(vec![EventType::MessageCreated], true), note));
        assert!(!receives(&webhook(vec![EventType::CsatSubmitted], true), note));
        let again = &events_of(&site, &conversation, &entry(3, agent, None, true))[0];
        assert_eq!(note.id, again.id);
        assert_ne!(delivery_id("whk_1", &note.id), delivery_id("whk_2", &note.id));
        assert!(shard_of(Some(&conversation)) < SHARDS);
    }
}
