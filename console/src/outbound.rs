//! A conversation being started with a contact (outbound), as the agent fills the "Start a
//! conversation" form in: the channel (chat, or the site's SMS or WhatsApp number), the first
//! message as typed — on WhatsApp one of the number's approved templates with its values
//! instead —, how it is routed (wait for the contact's reply, assign it to the agent, or put
//! it in a queue), and how the last send went.
//! Pure and tested natively; [`crate::components::contact_start`] renders it and
//! [`crate::effects::contacts::start_conversation`] sends what [`Outbound::request`] builds.

use std::rc::Rc;

use switchboard_core::channels::whatsapp;
use switchboard_protocol::api::conversation_create::{CreateRequest, Routing};
use switchboard_protocol::channels::{Channel, ContactIdentity, Template, TemplateUse};
use switchboard_protocol::{AgentId, ConversationId, QueueId};
use yew::Reducible;

use crate::contact_draft::FieldError;
use crate::template_draft;

/// What the form says when the site's WhatsApp number has no templates to start with.
pub const NO_TEMPLATES: &str = "The site's WhatsApp number has no approved templates yet: an admin \
                                adds them in Settings → Channels. WhatsApp conversations start with one.";

/// The channels the team may start a conversation on: chat, and SMS, WhatsApp and Messenger
/// where the site has a number or page (on Messenger only with someone who wrote to the page
/// lately: the edge says so otherwise).
pub fn channels(identities: &[ContactIdentity]) -> Vec<Channel> {
    let has = |channel: Channel| identities.iter().any(|identity| identity.channel == channel);
    let mut offered = vec![Channel::Webchat];
    let others = [Channel::Sms, Channel::Whatsapp, Channel::Messenger];
    offered.extend(others.into_iter().filter(|&channel| has(channel)));
    offered
}

/// The templates a WhatsApp conversation may start with: the site's first WhatsApp number's,
/// the one the edge writes from.
pub fn whatsapp_templates(identities: &[ContactIdentity]) -> &[Template] {
    let number = identities.iter().find(|identity| identity.channel == Channel::Whatsapp);
    number.map_or(&[], |identity| identity.templates.as_slice())
}

/// How the new conversation is routed, as the form offers it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Route {
    /// `on_reply`: nobody's task until the contact answers.
    #[default]
    OnReply,
    /// `immediate` to the signed-in agent.
    ToMe,
    /// `immediate` to the chosen queue.
    ToQueue,
}

impl Route {
    /// Every choice, in the order the form lists them.
    pub const ALL: [Route; 3] = [Route::OnReply, Route::ToMe, Route::ToQueue];

    /// The radio button's label.
    pub fn label(self) -> &'static str {
        match self {
            Route::OnReply => "Wait for their reply",
            Route::ToMe => "Assign to me",
            Route::ToQueue => "Queue",
        }
    }

    /// The radio button's value.
    pub fn value(self) -> &'static str {
        match self {
            Route::OnReply => "on_reply",
            Route::ToMe => "me",
            Route::ToQueue => "queue",
        }
    }
}

/// How the last send went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Status {
    /// Nothing sent yet.
    #[default]
    Idle,
    /// A request is in flight (the button is disabled meanwhile).
    Sending,
    /// The edge started this conversation.
    Started(ConversationId),
    /// Refused (or never sent): what to tell the agent, and which input it is about.
    Failed(FieldError),
}

/// The form, as filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outbound {
    /// The channel chosen (chat unless another is).
    pub channel: Channel,
    /// The first message, as typed (not on WhatsApp, where a template is the message).
    pub text: String,
    /// WhatsApp: the template chosen, by name (`None`: the number's first).
    pub template: Option<String>,
    /// WhatsApp: the values typed for the template's slots, in order.
    pub variables: Vec<String>,
    /// The routing chosen.
    pub route: Route,
    /// The queue chosen, for [`Route::ToQueue`].
    pub queue: Option<QueueId>,
    /// How the last send went.
    pub status: Status,
}

/// One change to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Another channel was chosen.
    Channel(Channel),
    /// The message was edited.
    Text(String),
    /// Another WhatsApp template was chosen: its slots start empty.
    Template(String),
    /// A template slot's value (slot `n + 1`) was edited.
    Variable(usize, String),
    /// Another routing was chosen.
    Route(Route),
    /// Another queue was chosen (`None`: the "Choose a queue" placeholder).
    Queue(Option<QueueId>),
    /// Sending began.
    Sending,
    /// The edge answered `201`: the message box is emptied for the next one.
    Started(ConversationId),
    /// The request was refused, or could not be built.
    Failed(FieldError),
}

impl Reducible for Outbound {
    type Action = Step;

    fn reduce(self: Rc<Self>, step: Step) -> Rc<Self> {
        let mut form = Rc::unwrap_or_clone(self);
        match step {
            Step::Channel(channel) => form.channel = channel,
            Step::Text(text) => form.text = text,
            Step::Template(name) => (form.template, form.variables) = (Some(name), Vec::new()),
            Step::Variable(n, value) => {
                if form.variables.len() <= n {
                    form.variables.resize(n + 1, String::new());
                }
                form.variables[n] = value;
            }
            Step::Route(route) => form.route = route,
            Step::Queue(queue) => form.queue = queue,
            Step::Sending => form.status = Status::Sending,
            Step::Started(id) => {
                (form.text, form.variables) = (String::new(), Vec::new());
                form.status = Status::Started(id);
            }
            Step::Failed(error) => form.status = Status::Failed(error),
        }
        Rc::new(form)
    }
}

impl Outbound {
    /// Whether a request is in flight.
    pub fn sending(&self) -> bool {
        self.status == Status::Sending
    }

    /// The error to show, if the last send failed.
    pub fn error(&self) -> Option<&FieldError> {
        match &self.status {
            Status::Failed(error) => Some(error),
            _ => None,
        }
    }

    /// The conversation the last send started, if it did.
    pub fn started(&self) -> Option<&ConversationId> {
        match &self.status {
            Status::Started(id) => Some(id),
            _ => None,
        }
    }

    /// The channel chosen, among those `offered` ([`channels`]); chat when the site no longer
    /// has a number on it.
    pub fn channel_in(&self, offered: &[Channel]) -> Channel {
        if offered.contains(&self.channel) {
            self.channel
        } else {
            Channel::Webchat
        }
    }

    /// The WhatsApp template chosen among `templates`: the one named, else the first.
    pub fn template<'a>(&self, templates: &'a [Template]) -> Option<&'a Template> {
        let named = self.template.as_ref().and_then(|name| templates.iter().find(|t| &t.name == name));
        named.or(templates.first())
    }

    /// The values for `template`'s slots, one per slot (empty where none is typed yet).
    pub fn variables(&self, template: &Template) -> Vec<String> {
        let slots = whatsapp::slots(&template.text).unwrap_or(0);
        (0..slots).map(|n| self.variables.get(n).cloned().unwrap_or_default()).collect()
    }

    /// The `POST /api/v1/conversations` body for `contact_id`, written by `me` when assigned
    /// to them, on a channel the site's `identities` allow; or what is missing (the message,
    /// a template's value, or the queue), named as the edge names it.
    pub fn request(
        &self,
        contact_id: &str,
        me: &AgentId,
        identities: &[ContactIdentity],
    ) -> Result<CreateRequest, FieldError> {
        let channel = self.channel_in(&channels(identities));
        let (text, template) = if channel == Channel::Whatsapp {
            let templates = whatsapp_templates(identities);
            let Some(chosen) = self.template(templates) else {
                return Err(FieldError::new(Some("template.name"), NO_TEMPLATES));
            };
            let chosen = TemplateUse { name: chosen.name.clone(), variables: self.variables(chosen) };
            if let Some(problem) = template_draft::problem(templates, &chosen) {
                return Err(FieldError::new(Some("template.variables"), problem));
            }
            // The template's text becomes the message: none of the agent's goes.
            (String::new(), Some(chosen))
        } else {
            let text = self.text.trim();
            if text.is_empty() {
                return Err(FieldError::new(Some("text"), "Write the first message."));
            }
            (text.to_owned(), None)
        };
        let routing = match self.route {
            Route::OnReply => Routing::OnReply,
            Route::ToMe => Routing::Immediate { agent: Some(me.clone()), queue: None },
            Route::ToQueue => match &self.queue {
                Some(queue) => Routing::Immediate { agent: None, queue: Some(queue.clone()) },
                None => return Err(FieldError::new(Some("routing.queue"), "Choose a queue.")),
            },
        };
        Ok(CreateRequest {
            contact_id: contact_id.to_owned(),
            text,
            routing,
            as_bot: false,
            client_id: None,
            channel,
            template,
        })
    }
}

#[cfg(test)]
mod tests;
