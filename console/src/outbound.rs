//! A conversation being started with a contact (outbound), as the agent fills the "Start a
//! conversation" form in: the first message as typed, how it is routed (wait for the
//! contact's reply, assign it to the agent, or put it in a queue), and how the last send went.
//! Pure and tested natively; [`crate::components::contact_start`] renders it and
//! [`crate::effects::contacts::start_conversation`] sends what [`Outbound::request`] builds.

use std::rc::Rc;

use switchboard_protocol::api::conversation_create::{CreateRequest, Routing};
use switchboard_protocol::{AgentId, ConversationId, QueueId};
use yew::Reducible;

use crate::contact_draft::FieldError;

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
    /// The first message, as typed.
    pub text: String,
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
    /// The message was edited.
    Text(String),
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
            Step::Text(text) => form.text = text,
            Step::Route(route) => form.route = route,
            Step::Queue(queue) => form.queue = queue,
            Step::Sending => form.status = Status::Sending,
            Step::Started(id) => (form.text, form.status) = (String::new(), Status::Started(id)),
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

    /// The `POST /api/v1/conversations` body for `contact_id`, written by `me` when assigned
    /// to them; or what is missing (the message, or the queue), named as the edge names it.
    pub fn request(&self, contact_id: &str, me: &AgentId) -> Result<CreateRequest, FieldError> {
        let text = self.text.trim();
        if text.is_empty() {
            return Err(FieldError::new(Some("text"), "Write the first message."));
        }
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
            text: text.to_owned(),
            routing,
            as_bot: false,
            client_id: None,
            // The console starts webchat conversations; SMS and WhatsApp over REST for now.
            channel: Default::default(),
            template: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> AgentId {
        AgentId::from_random([7; 16])
    }

    fn queue() -> QueueId {
        QueueId::parse("billing").unwrap()
    }

    fn apply(steps: impl IntoIterator<Item = Step>) -> Outbound {
        let form = steps.into_iter().fold(Rc::new(Outbound::default()), |form, step| form.reduce(step));
        Rc::unwrap_or_clone(form)
    }

    #[test]
    fn waiting_for_the_reply_is_the_default_and_the_text_goes_trimmed() {
        let form = apply([Step::Text("  Your order shipped today \n".into())]);
        assert_eq!(form.route, Route::OnReply);
        let request = form.request("ctc_1", &me()).unwrap();
        assert_eq!(request.contact_id, "ctc_1");
        assert_eq!(request.text, "Your order shipped today");
        assert_eq!(request.routing, Routing::OnReply);
        assert!(!request.as_bot && request.client_id.is_none());
        let sent = serde_json::to_value(&request).unwrap();
        assert_eq!(sent["routing"], serde_json::json!({ "mode": "on_reply" }));
    }

    #[test]
    fn assign_to_me_names_the_signed_in_agent() {
        let form = apply([Step::Text("Hello".into()), Step::Route(Route::ToMe)]);
        let request = form.request("ctc_1", &me()).unwrap();
        assert_eq!(request.routing, Routing::Immediate { agent: Some(me()), queue: None });
    }

    #[test]
    fn a_queue_must_be_chosen_and_is_sent_alone() {
        let form = apply([Step::Text("Hello".into()), Step::Route(Route::ToQueue)]);
        let error = form.request("ctc_1", &me()).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("routing.queue"));
        let form =
            apply([Step::Text("Hello".into()), Step::Route(Route::ToQueue), Step::Queue(Some(queue()))]);
        let request = form.request("ctc_1", &me()).unwrap();
        assert_eq!(request.routing, Routing::Immediate { agent: None, queue: Some(queue()) });
        let sent = serde_json::to_value(&request).unwrap();
        assert_eq!(sent["routing"], serde_json::json!({ "mode": "immediate", "queue": "billing" }));
        // The queue chosen earlier does not travel with another routing.
        let back = apply([Step::Text("Hi".into()), Step::Queue(Some(queue())), Step::Route(Route::OnReply)]);
        assert_eq!(back.request("ctc_1", &me()).unwrap().routing, Routing::OnReply);
    }

    #[test]
    fn a_blank_message_is_refused_before_sending() {
        for text in ["", "   \n"] {
            let error = apply([Step::Text(text.into())]).request("ctc_1", &me()).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("text"));
            assert_eq!(error.message, "Write the first message.");
        }
    }

    #[test]
    fn sending_then_started_empties_the_message_and_keeps_the_routing() {
        let id = ConversationId::from_random([3; 16]);
        let form = apply([Step::Text("Hello".into()), Step::Route(Route::ToMe), Step::Sending]);
        assert!(form.sending() && form.error().is_none() && form.started().is_none());
        let form = Rc::new(form).reduce(Step::Started(id.clone()));
        assert_eq!(form.text, "");
        assert_eq!(form.route, Route::ToMe);
        assert_eq!(form.started(), Some(&id));
        assert!(!form.sending());
    }

    #[test]
    fn a_refusal_keeps_the_message_to_try_again() {
        let refused = FieldError::new(None, "this contact has never opened the chat");
        let form = apply([Step::Text("Hello".into()), Step::Sending, Step::Failed(refused.clone())]);
        assert_eq!(form.text, "Hello");
        assert_eq!(form.error(), Some(&refused));
        assert!(!form.sending() && form.started().is_none());
        // The next try clears it.
        let again = Rc::new(form).reduce(Step::Sending);
        assert!(again.error().is_none());
    }

    #[test]
    fn every_route_has_its_own_value_and_label() {
        let values: std::collections::HashSet<_> = Route::ALL.iter().map(|r| r.value()).collect();
        let labels: std::collections::HashSet<_> = Route::ALL.iter().map(|r| r.label()).collect();
        assert_eq!((values.len(), labels.len()), (3, 3));
        assert_eq!(Route::default(), Route::ALL[0]);
    }
}
