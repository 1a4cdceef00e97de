//! Read-only views of the state, ready to render: inbox rows (filtered by the current view,
//! queue and search, with their labels, channel and language), the open conversation's
//! header, channel, language and provider delivery statuses, counts, and the WhatsApp
//! templates its reply box offers.

use std::rc::Rc;

use switchboard_core::inbox_view::View;
use switchboard_protocol::channels::{Channel, Template};
use switchboard_protocol::inbox::{ConversationSummary, Priority};
use switchboard_protocol::routing::ConversationState;
use switchboard_protocol::ConversationId;

use super::{ProviderDeliveries, State};
use crate::format;

/// One inbox line, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxRow {
    /// The conversation it opens.
    pub id: ConversationId,
    /// Who the visitor is.
    pub label: String,
    /// The last message, prefixed by who wrote it when that was an agent.
    pub preview: String,
    /// When it last changed, short.
    pub time: String,
    /// Something arrived that this agent has not seen.
    pub unread: bool,
    /// It is the open conversation.
    pub active: bool,
    /// Where it stands (`bot`, `queued`, `assigned`, …), for the badge.
    pub state: &'static str,
    /// The signed-in agent holds it.
    pub mine: bool,
    /// The keyboard cursor (j/k) is on it.
    pub cursor: bool,
    /// Its labels, in the order set.
    pub labels: Vec<String>,
    /// The channel the customer writes from, when it is not the widget ("SMS", "WhatsApp").
    pub channel: Option<&'static str>,
    /// The language its customer writes in, when the site's detection told one (`de`).
    pub language: Option<String>,
    /// How urgent the team says it is, when set.
    pub priority: Option<Priority>,
}

impl State {
    /// The inbox as the current view, queue and search narrow it, newest first.
    pub fn inbox_rows(&self) -> Vec<InboxRow> {
        let open = self.open_id();
        let Some(me) = self.agent().map(|agent| agent.id.clone()) else { return Vec::new() };
        self.conversations
            .iter()
            .filter(|c| self.filter.shows(c, &me))
            .map(|c| InboxRow {
                id: c.id.clone(),
                label: format::visitor_label(c),
                preview: format::preview(c, self.mine.get(&c.id) == Some(&c.last_seq)),
                time: format::short_time(c.updated_at, self.now),
                unread: self.is_unread(c),
                active: open == Some(&c.id),
                state: format::state_label(c.state),
                mine: c.assignee.as_ref() == Some(&me),
                cursor: self.cursor.as_ref() == Some(&c.id),
                labels: c.labels.clone(),
                channel: (!c.channel.is_webchat()).then(|| c.channel.label()),
                language: format::language(c.language.as_deref()),
                priority: c.priority,
            })
            .collect()
    }

    /// How many conversations each view holds (with the current queue and search).
    pub fn view_counts(&self) -> Vec<(View, usize)> {
        match self.agent() {
            Some(agent) => self.filter.counts(&self.conversations, &agent.id),
            None => Vec::new(),
        }
    }

    /// The open conversation's summary (its contact, queue, state).
    pub fn open_summary(&self) -> Option<&ConversationSummary> {
        let id = self.open_id()?;
        self.conversations.iter().find(|c| &c.id == id)
    }

    /// The open conversation's visitor's other conversations, newest first.
    pub fn past_conversations(&self) -> Vec<(ConversationId, String, &'static str)> {
        let Some(open) = self.open_summary() else { return Vec::new() };
        self.conversations
            .iter()
            .filter(|c| c.visitor_id == open.visitor_id && c.id != open.id)
            .map(|c| (c.id.clone(), format::preview(c, false), format::state_label(c.state)))
            .collect()
    }

    /// Where the open conversation stands, and whether this agent holds it.
    pub fn open_state(&self) -> Option<(ConversationState, bool)> {
        let id = self.open_id()?;
        let summary = self.conversations.iter().find(|c| &c.id == id)?;
        let mine =
            summary.assignee.is_some() && summary.assignee.as_ref() == self.agent().map(|agent| &agent.id);
        Some((summary.state, mine))
    }

    /// How many conversations hold messages this agent has not seen (for the page title).
    pub fn unread_count(&self) -> usize {
        self.conversations.iter().filter(|c| self.is_unread(c)).count()
    }

    /// How the open conversation's visitor is named in its header.
    pub fn open_label(&self) -> Option<String> {
        let id = self.open_id()?;
        Some(
            self.conversations
                .iter()
                .find(|c| &c.id == id)
                .map(|c| match c.channel.is_webchat() {
                    true => format::visitor_label(c),
                    // Replies go back by SMS or WhatsApp: the header says so.
                    false => format!("{} · {}", format::visitor_label(c), c.channel.label()),
                })
                .unwrap_or_else(|| "Conversation".to_owned()),
        )
    }

    /// Where the open conversation's customer writes from (webchat until the inbox lists it).
    pub fn open_channel(&self) -> Channel {
        self.open_summary().map(|c| c.channel).unwrap_or_default()
    }

    /// The language the open conversation's customer writes in, when detected (`de`).
    pub fn open_language(&self) -> Option<String> {
        self.open_summary().and_then(|c| format::language(c.language.as_deref()))
    }

    /// The provider's delivery statuses of the open conversation's messages (none yet: empty).
    pub fn open_deliveries(&self) -> Rc<ProviderDeliveries> {
        let id = self.open_id();
        id.and_then(|id| self.provider.get(id)).cloned().unwrap_or_default()
    }

    /// Whether the open conversation's customer writes from WhatsApp, where a closed 24-hour
    /// window leaves the team only the number's templates.
    pub fn open_on_whatsapp(&self) -> bool {
        self.open_summary().is_some_and(|c| c.channel == Channel::Whatsapp)
    }

    /// The site's WhatsApp templates, each name once (the first number's): the summary does
    /// not say which of the site's numbers a conversation is on, and the edge fills the name
    /// from that number's own list. `None` until the site's settings are loaded.
    pub fn whatsapp_templates(&self) -> Option<Vec<Template>> {
        let site = self.site.as_ref()?;
        let mut templates: Vec<Template> = Vec::new();
        let numbers = site.channels.iter().filter(|identity| identity.channel == Channel::Whatsapp);
        for template in numbers.flat_map(|identity| &identity.templates) {
            if !templates.iter().any(|kept| kept.name == template.name) {
                templates.push(template.clone());
            }
        }
        Some(templates)
    }

    /// "Visitor is typing…" while someone else in the open conversation types, at `now`.
    pub fn open_typing(&self) -> Option<String> {
        let open = self.open.as_ref()?;
        format::typing(&open.log.0.typing_now(self.now))
    }
}
