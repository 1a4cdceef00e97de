//! The site's contact identities (SMS and WhatsApp numbers, Messenger pages, email
//! addresses) as an admin edits them in Settings → Channels: the list as typed, which
//! identity's editor is open, and how the last save went. The list is sent whole
//! (`PATCH /api/v1/site {"channels"}`), checked first by core's own rules
//! (`channels::thread::check_identities`) so the admin learns which input is wrong before
//! anything is sent. Pure, tested natively; `components::channels` renders it.
//!
//! - `identity`: one identity as typed, and what it becomes.

mod identity;
#[cfg(test)]
mod tests;

use std::rc::Rc;

use switchboard_core::channels::thread::check_identities;
use switchboard_core::flow::Flow;
use switchboard_protocol::channels::{ContactIdentity, MAX_IDENTITIES};
use switchboard_protocol::{ApiError, QueueId};
use yew::Reducible;

pub use identity::{
    channel_of, channel_value, field_label, Edit, IdentityDraft, TemplateRow, CHANNELS,
    DEFAULT_CONTINUITY_MINUTES, MAX_CONTINUITY_MINUTES,
};

/// What is wrong, and where: which identity (its place in the list) and which of its inputs
/// (`address`, `handler.queue`, `templates[1].name`), as core names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelError {
    /// The identity at fault; `None`: the list as a whole (too many), or the edge's refusal.
    pub identity: Option<usize>,
    /// Its input at fault, after `channels[n].` (`continuity_minutes` for Email's delay).
    pub field: Option<String>,
    /// What is wrong, without the field's name.
    pub message: String,
}

impl ChannelError {
    /// Core's refusal, split into where and what (`channels[0].address: a phone number…`).
    pub fn of(error: &ApiError) -> Self {
        let field = error.field.as_deref().unwrap_or_default();
        let message = error
            .message
            .strip_prefix(field)
            .and_then(|rest| rest.strip_prefix(": "))
            .unwrap_or(&error.message)
            .to_owned();
        let at = field.strip_prefix("channels[").and_then(|rest| rest.split_once("]."));
        match at.and_then(|(n, rest)| Some((n.parse::<usize>().ok()?, rest))) {
            Some((n, rest)) => ChannelError { identity: Some(n), field: Some(rest.to_owned()), message },
            None => ChannelError { identity: None, field: None, message },
        }
    }

    /// A refusal of the whole list, in words.
    pub fn whole(message: impl Into<String>) -> Self {
        ChannelError { identity: None, field: None, message: message.into() }
    }

    /// Whether it is about input `field` of identity `at`.
    pub fn about(&self, at: usize, field: &str) -> bool {
        self.identity == Some(at) && self.field.as_deref() == Some(field)
    }

    /// The sentence to show: the input's name, then what is wrong with it.
    pub fn sentence(&self) -> String {
        match &self.field {
            Some(field) => format!("{}: {}", field_label(field), self.message),
            None => self.message.clone(),
        }
    }
}

/// How the last save went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Status {
    /// Nothing saved since the list was loaded (or since the last change).
    #[default]
    Idle,
    /// The list is on its way.
    Saving,
    /// The site stored it.
    Saved,
    /// Refused, here or by the edge.
    Failed(ChannelError),
}

/// The Channels form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelsDraft {
    /// The identities, as typed, in the site's order.
    pub identities: Vec<IdentityDraft>,
    /// The identity whose editor is open.
    pub open: Option<usize>,
    /// How the last save went.
    pub status: Status,
    /// The list as the site last had it: a reload that brings the same list keeps the edits.
    loaded: Vec<ContactIdentity>,
}

/// One change to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The site's settings were (re)loaded with this list.
    Loaded(Vec<ContactIdentity>),
    /// "Add a channel": a new SMS number, its editor open.
    Add,
    /// An identity's "Edit" (or "Details"): its editor opens, or closes if open.
    Toggle(usize),
    /// An identity's "Remove".
    Remove(usize),
    /// One of an identity's inputs changed.
    Edit(usize, Edit),
    /// Saving began.
    Saving,
    /// The site stored this list.
    Saved(Vec<ContactIdentity>),
    /// The list was refused.
    Failed(ChannelError),
}

impl ChannelsDraft {
    /// The form for the site's list.
    pub fn new(loaded: &[ContactIdentity]) -> Self {
        ChannelsDraft {
            identities: loaded.iter().map(IdentityDraft::of).collect(),
            open: None,
            status: Status::Idle,
            loaded: loaded.to_vec(),
        }
    }

    /// Whether a save is in flight.
    pub fn saving(&self) -> bool {
        self.status == Status::Saving
    }

    /// Whether another identity may be added.
    pub fn can_add(&self) -> bool {
        self.identities.len() < MAX_IDENTITIES
    }

    /// The error to show, if the last save failed.
    pub fn error(&self) -> Option<&ChannelError> {
        match &self.status {
            Status::Failed(error) => Some(error),
            _ => None,
        }
    }

    /// Whether the list as typed differs from the site's (a typed page token is a change).
    pub fn changed(&self) -> bool {
        let built: Result<Vec<_>, _> =
            self.identities.iter().enumerate().map(|(n, draft)| draft.identity(n)).collect();
        built.map_or(true, |list| list != self.loaded)
    }

    /// The list to send, once it passes core's checks against the site's `queues`; or what is
    /// wrong, and where.
    pub fn to_send(&self, queues: &[QueueId]) -> Result<Vec<ContactIdentity>, ChannelError> {
        let list = self
            .identities
            .iter()
            .enumerate()
            .map(|(n, draft)| draft.identity(n))
            .collect::<Result<Vec<_>, _>>()?;
        check_identities(&list, &flow_with(queues)).map_err(|error| ChannelError::of(&error))?;
        Ok(list)
    }
}

/// A flow with just the site's queues: all of it core's identity check reads (the flow's
/// JSON is not parsed here: agents are shown it without its bot's secrets).
fn flow_with(queues: &[QueueId]) -> Flow {
    let queues =
        queues.iter().filter_map(|id| serde_json::from_value(serde_json::json!({ "id": id })).ok()).collect();
    Flow { queues, ..Flow::default() }
}

impl Reducible for ChannelsDraft {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut form = Rc::unwrap_or_clone(self);
        match action {
            // The same list again (another part of the console reloaded the site): the edits
            // stay. A different one (saved, or changed by another admin) replaces them.
            Action::Loaded(list) if list == form.loaded => return Rc::new(form),
            Action::Loaded(list) => form = ChannelsDraft::new(&list),
            Action::Add if form.can_add() => {
                form.identities.push(IdentityDraft::default());
                form.open = Some(form.identities.len() - 1);
                form.status = Status::Idle;
            }
            Action::Add => {}
            Action::Toggle(n) if n < form.identities.len() => {
                form.open = if form.open == Some(n) { None } else { Some(n) }
            }
            Action::Toggle(_) => {}
            Action::Remove(n) if n < form.identities.len() => {
                form.identities.remove(n);
                form.open = match form.open {
                    Some(open) if open == n => None,
                    Some(open) if open > n => Some(open - 1),
                    other => other,
                };
                // An error's place in the list no longer holds.
                form.status = Status::Idle;
            }
            Action::Remove(_) => {}
            Action::Edit(n, edit) => {
                if let Some(draft) = form.identities.get_mut(n) {
                    draft.apply(edit);
                    if form.status == Status::Saved {
                        form.status = Status::Idle;
                    }
                }
            }
            Action::Saving => form.status = Status::Saving,
            Action::Saved(list) => {
                form = ChannelsDraft::new(&list);
                form.status = Status::Saved;
            }
            Action::Failed(error) => {
                // The identity at fault opens, so its input with the error shows.
                if let Some(n) = error.identity.filter(|&n| n < form.identities.len()) {
                    form.open = Some(n);
                }
                form.status = Status::Failed(error);
            }
        }
        Rc::new(form)
    }
}
