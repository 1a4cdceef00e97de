//! One contact identity as the admin types it in the Channels editor: the channel, the
//! address, the Messenger page token (kept as stored unless a new one is typed), the message
//! handler, the WhatsApp templates and the email continuity delay — and the
//! [`ContactIdentity`] it becomes. Pure.

use switchboard_protocol::channels::{
    Channel, ContactIdentity, HandlerStart, MessageHandler, Template, DEFAULT_REOPEN_MINUTES,
    MAX_REOPEN_MINUTES,
};
use switchboard_protocol::QueueId;

use super::ChannelError;

/// Email: the longest continuity delay the edge takes (a day), as core checks it.
pub use switchboard_core::channels::thread::MAX_CONTINUITY_MINUTES;

/// The channels an identity may be on, in the order the editor offers them (webchat needs
/// none).
pub const CHANNELS: [Channel; 4] = [Channel::Sms, Channel::Whatsapp, Channel::Messenger, Channel::Email];

/// Email: a team's reply in a chat unread this many minutes goes to its visitor by email,
/// unless the identity says otherwise.
pub const DEFAULT_CONTINUITY_MINUTES: u32 = 5;

/// A channel's option value: the protocol's own name (`sms`, `whatsapp`, `messenger`,
/// `email`).
pub fn channel_value(channel: Channel) -> String {
    serde_json::to_value(channel).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The channel an option value names, if it names one.
pub fn channel_of(value: &str) -> Option<Channel> {
    serde_json::from_value(value.into()).ok()
}

/// One WhatsApp template row, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateRow {
    /// Its name (`order_update`).
    pub name: String,
    /// Its approved text, with `{{1}}`… slots.
    pub text: String,
    /// Twilio's Content SID (`HX…`); empty: none.
    pub content_sid: String,
}

/// One identity, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityDraft {
    /// The channel.
    pub channel: Channel,
    /// The phone number, the Facebook page's id, or the email address.
    pub address: String,
    /// The page token as loaded (admins are shown it): sent again while none is typed,
    /// because the edge stores the list it is sent, whole.
    pub stored_token: Option<String>,
    /// A new page token, as typed; empty: keep the stored one.
    pub token: String,
    /// Messenger: the page has Meta's Human Agent feature (people answer for 7 days).
    pub human_agent: bool,
    /// Where new conversations go first.
    pub start: HandlerStart,
    /// The queue for [`HandlerStart::Queue`] (kept while "Site's flow" is chosen, in case the
    /// admin switches back; not sent then).
    pub queue: Option<QueueId>,
    /// The reopen window in minutes, as typed.
    pub reopen: String,
    /// WhatsApp's templates (kept, not sent, while another channel is chosen).
    pub templates: Vec<TemplateRow>,
    /// Email: minutes a team's reply in a chat may stay unread before its visitor gets it by
    /// email, as typed; empty: the edge's default ([`DEFAULT_CONTINUITY_MINUTES`]), `0`:
    /// never (kept, not sent, while another channel is chosen).
    pub continuity: String,
}

impl Default for IdentityDraft {
    fn default() -> Self {
        IdentityDraft {
            channel: Channel::Sms,
            address: String::new(),
            stored_token: None,
            token: String::new(),
            human_agent: false,
            start: HandlerStart::Flow,
            queue: None,
            reopen: DEFAULT_REOPEN_MINUTES.to_string(),
            templates: Vec::new(),
            continuity: String::new(),
        }
    }
}

/// One change to an identity's inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Another channel was chosen.
    Channel(Channel),
    /// The address was edited.
    Address(String),
    /// A new page token was typed.
    Token(String),
    /// "Human Agent feature" was ticked or unticked.
    HumanAgent(bool),
    /// "Site's flow" or "Straight to a queue" was chosen.
    Start(HandlerStart),
    /// Another queue was chosen (`None`: the placeholder).
    Queue(Option<QueueId>),
    /// The reopen window was edited.
    Reopen(String),
    /// Email's "unread replies after (minutes)" was edited.
    Continuity(String),
    /// "Add a template".
    AddTemplate,
    /// A template row's "Remove".
    RemoveTemplate(usize),
    /// A template's name was edited.
    TemplateName(usize, String),
    /// A template's text was edited.
    TemplateText(usize, String),
    /// A template's Content SID was edited.
    TemplateSid(usize, String),
}

impl IdentityDraft {
    /// A stored identity, as its inputs show it.
    pub fn of(identity: &ContactIdentity) -> Self {
        IdentityDraft {
            channel: identity.channel,
            address: identity.address.clone(),
            stored_token: identity.access_token.clone(),
            token: String::new(),
            human_agent: identity.human_agent,
            start: identity.handler.start,
            queue: identity.handler.queue.clone(),
            reopen: identity.handler.reopen_within_minutes.to_string(),
            templates: identity
                .templates
                .iter()
                .map(|t| TemplateRow {
                    name: t.name.clone(),
                    text: t.text.clone(),
                    content_sid: t.content_sid.clone().unwrap_or_default(),
                })
                .collect(),
            continuity: identity.continuity_minutes.map(|minutes| minutes.to_string()).unwrap_or_default(),
        }
    }

    /// Applies one change; a row index that is not there changes nothing.
    pub fn apply(&mut self, edit: Edit) {
        match edit {
            Edit::Channel(channel) => self.channel = channel,
            Edit::Address(address) => self.address = address,
            Edit::Token(token) => self.token = token,
            Edit::HumanAgent(on) => self.human_agent = on,
            Edit::Start(start) => self.start = start,
            Edit::Queue(queue) => self.queue = queue,
            Edit::Reopen(reopen) => self.reopen = reopen,
            Edit::Continuity(minutes) => self.continuity = minutes,
            Edit::AddTemplate => self.templates.push(TemplateRow::default()),
            Edit::RemoveTemplate(n) => {
                if n < self.templates.len() {
                    self.templates.remove(n);
                }
            }
            Edit::TemplateName(n, name) => {
                if let Some(row) = self.templates.get_mut(n) {
                    row.name = name;
                }
            }
            Edit::TemplateText(n, text) => {
                if let Some(row) = self.templates.get_mut(n) {
                    row.text = text;
                }
            }
            Edit::TemplateSid(n, sid) => {
                if let Some(row) = self.templates.get_mut(n) {
                    row.content_sid = sid;
                }
            }
        }
    }

    /// Whether the page token stored is the one that will be sent (Messenger, none typed).
    pub fn keeps_token(&self) -> bool {
        self.channel == Channel::Messenger && self.token.trim().is_empty() && self.stored_token.is_some()
    }

    /// The identity to send, the `at`-th of the list; only what its channel and start use
    /// goes (a token for Messenger, templates for WhatsApp, a continuity delay for Email, a
    /// queue for "Straight to a queue"). An email address goes lowercased. The rest is core's
    /// to check ([`super::ChannelsDraft::to_send`]).
    pub fn identity(&self, at: usize) -> Result<ContactIdentity, ChannelError> {
        let reopen_within_minutes = self.reopen.trim().parse::<u32>().map_err(|_| ChannelError {
            identity: Some(at),
            field: Some("handler.reopen_within_minutes".into()),
            message: format!("whole minutes, 0 to {MAX_REOPEN_MINUTES} (0: never reopen)"),
        })?;
        let continuity_minutes = match self.channel {
            Channel::Email => self.continuity_minutes().map_err(|()| ChannelError {
                identity: Some(at),
                field: Some("continuity_minutes".into()),
                message: format!(
                    "whole minutes, 0 to {MAX_CONTINUITY_MINUTES} (empty: {DEFAULT_CONTINUITY_MINUTES}; 0: never)"
                ),
            })?,
            _ => None,
        };
        let address = match self.channel {
            Channel::Email => self.address.trim().to_lowercase(),
            _ => self.address.trim().to_owned(),
        };
        let typed = self.token.trim();
        let access_token = match self.channel {
            Channel::Messenger if !typed.is_empty() => Some(typed.to_owned()),
            Channel::Messenger => self.stored_token.clone(),
            _ => None,
        };
        let templates = if self.channel == Channel::Whatsapp {
            self.templates
                .iter()
                .map(|row| Template {
                    name: row.name.trim().to_owned(),
                    text: row.text.trim().to_owned(),
                    content_sid: Some(row.content_sid.trim().to_owned()).filter(|sid| !sid.is_empty()),
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(ContactIdentity {
            channel: self.channel,
            address,
            access_token,
            handler: MessageHandler {
                start: self.start,
                queue: self.queue.clone().filter(|_| self.start == HandlerStart::Queue),
                reopen_within_minutes,
            },
            templates,
            human_agent: self.human_agent && self.channel == Channel::Messenger,
            continuity_minutes,
        })
    }

    /// Email's continuity delay as typed: `None` when empty (the default), `Err` when not
    /// whole minutes up to [`MAX_CONTINUITY_MINUTES`].
    fn continuity_minutes(&self) -> Result<Option<u32>, ()> {
        let typed = self.continuity.trim();
        if typed.is_empty() {
            return Ok(None);
        }
        match typed.parse::<u32>() {
            Ok(minutes) if minutes <= MAX_CONTINUITY_MINUTES => Ok(Some(minutes)),
            _ => Err(()),
        }
    }

    /// What its handler does, in a few words: "Site's flow (bot first) · reopens within 60
    /// min" (on Email, then when unread replies go by email).
    pub fn summary(&self) -> String {
        let start = match (self.start, &self.queue) {
            (HandlerStart::Flow, _) => "Site's flow (bot first)".to_owned(),
            (HandlerStart::Queue, Some(queue)) => format!("Straight to queue {queue}"),
            (HandlerStart::Queue, None) => "Straight to a queue (none chosen)".to_owned(),
        };
        let reopen = match self.reopen.trim().parse::<u32>() {
            Ok(0) => "never reopens".to_owned(),
            Ok(minutes) => format!("reopens within {minutes} min"),
            Err(_) => "reopen window to fix".to_owned(),
        };
        let templates = match (self.channel, self.templates.len()) {
            (Channel::Whatsapp, 1) => " · 1 template".to_owned(),
            (Channel::Whatsapp, n) => format!(" · {n} templates"),
            (Channel::Email, _) => match self.continuity_minutes() {
                Ok(Some(0)) => " · unread replies never emailed".to_owned(),
                Ok(minutes) => format!(
                    " · unread replies emailed after {} min",
                    minutes.unwrap_or(DEFAULT_CONTINUITY_MINUTES)
                ),
                Err(()) => " · email delay to fix".to_owned(),
            },
            _ => String::new(),
        };
        format!("{start} · {reopen}{templates}")
    }
}

/// What an error's field (after `channels[n].`) is, for the admin: "Address", "Template 2
/// name".
pub fn field_label(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("templates[") {
        let (n, part) = rest.split_once("].").unwrap_or((rest.trim_end_matches(']'), ""));
        let n = n.parse::<usize>().map(|n| (n + 1).to_string()).unwrap_or_default();
        let part = match part {
            "name" => " name",
            "text" => " text",
            "content_sid" => " Content SID",
            _ => "",
        };
        return format!("Template {n}{part}");
    }
    match field {
        "channel" => "Channel",
        "address" => "Address",
        "access_token" => "Page access token",
        "handler.queue" => "Queue",
        "handler.reopen_within_minutes" => "Reopen window",
        "templates" => "Templates",
        "continuity_minutes" => "Email unread replies after",
        _ => "This channel",
    }
    .to_owned()
}
