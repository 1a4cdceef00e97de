//! The settings screen's "Email digest" section, for one's own account: whether an email
//! tells the agent what they missed while their console was closed (offers that lapsed,
//! conversations given to them, customers' messages in theirs). It is loaded when the section
//! shows and saved as soon as the box is ticked or unticked; the box waits while it loads or
//! saves, and goes back to what the edge holds when a save fails.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::effects::settings;

/// The setting as this section knows it.
#[derive(Debug, Default, PartialEq)]
struct Digest {
    /// Whether it is on, as the edge last said (`None`: not loaded yet).
    enabled: Option<bool>,
    /// The value being saved, while a save is under way.
    saving: Option<bool>,
    /// What the last load or save came to: a sentence, good or bad.
    outcome: Option<Result<&'static str, String>>,
}

/// What happens to it.
enum Step {
    /// The edge's answer to the first look.
    Loaded(Result<bool, String>),
    /// The agent ticked or unticked the box: save this.
    Save(bool),
    /// The edge's answer to the save: the setting as it is now, or why not.
    Saved(Result<bool, String>),
}

impl Reducible for Digest {
    type Action = Step;

    fn reduce(self: Rc<Self>, step: Step) -> Rc<Self> {
        let next = match step {
            // A save under way answers later, and with the newer value.
            Step::Loaded(_) if self.saving.is_some() => return self,
            Step::Loaded(Ok(enabled)) => Digest { enabled: Some(enabled), saving: None, outcome: None },
            Step::Loaded(Err(message)) => Digest {
                enabled: self.enabled,
                saving: None,
                outcome: Some(Err(format!("Could not load the email digest setting: {message}"))),
            },
            Step::Save(_) if self.busy() => return self,
            Step::Save(enabled) => Digest { enabled: self.enabled, saving: Some(enabled), outcome: None },
            Step::Saved(_) if self.saving.is_none() => return self,
            Step::Saved(Ok(enabled)) => Digest {
                enabled: Some(enabled),
                saving: None,
                outcome: Some(Ok(if enabled {
                    "Saved: you will get the digest."
                } else {
                    "Saved: no digest emails."
                })),
            },
            Step::Saved(Err(message)) => Digest {
                enabled: self.enabled,
                saving: None,
                outcome: Some(Err(format!("Could not save: {message}"))),
            },
        };
        Rc::new(next)
    }
}

impl Digest {
    /// Whether the box is ticked: the value being saved, else the edge's.
    fn checked(&self) -> bool {
        self.saving.or(self.enabled).unwrap_or(false)
    }

    /// Whether the box waits: not loaded yet, or saving.
    fn busy(&self) -> bool {
        self.enabled.is_none() || self.saving.is_some()
    }
}

/// `div.sb-email-digest`, its box `input[name=email_digest]`.
#[function_component(EmailDigest)]
pub fn email_digest() -> Html {
    let digest = use_reducer_eq(Digest::default);
    use_effect_with((), {
        let digest = digest.dispatcher();
        move |_| {
            spawn_local(async move {
                let setting = settings::email_digest().await;
                digest.dispatch(Step::Loaded(setting.map(|setting| setting.enabled)));
            })
        }
    });
    let onchange = {
        let digest = digest.clone();
        move |event: Event| {
            if digest.busy() {
                return;
            }
            let enabled = event.target_unchecked_into::<web_sys::HtmlInputElement>().checked();
            digest.dispatch(Step::Save(enabled));
            let digest = digest.dispatcher();
            spawn_local(async move {
                let setting = settings::set_email_digest(enabled).await;
                digest.dispatch(Step::Saved(setting.map(|setting| setting.enabled)));
            });
        }
    };
    html! {
        <div class="sb-email-digest" aria-busy={digest.saving.is_some().to_string()}>
            <label class="sb-field sb-field--inline sb-email-digest-choice">
                <input type="checkbox" name="email_digest" class="sb-email-digest-toggle"
                    checked={digest.checked()} disabled={digest.busy()} {onchange}
                    aria-describedby="sb-email-digest-hint" />
                <span class="sb-field-label">{ "Email me a digest of what I missed while away" }</span>
            </label>
            <p id="sb-email-digest-hint" class="sb-hint sb-email-digest-hint">
                { "Offers that lapsed, conversations given to you and customers' messages in yours while \
                   your console was closed, in one email a while after the first; none if you open the \
                   console before then." }
            </p>
            { match &digest.outcome {
                Some(Ok(done)) => html! { <p class="sb-settings-done sb-email-digest-saved" role="status">{ *done }</p> },
                Some(Err(message)) => html! { <p class="sb-error" role="alert">{ message.clone() }</p> },
                None => Html::default(),
            } }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use yew::Reducible;

    use super::{Digest, Step};

    fn after(steps: impl IntoIterator<Item = Step>) -> Rc<Digest> {
        steps.into_iter().fold(Rc::new(Digest::default()), Reducible::reduce)
    }

    #[test]
    fn the_box_waits_until_the_setting_is_loaded() {
        let loading = after([]);
        assert!(loading.busy());
        assert!(!loading.checked());
        // A tick before the answer (the box is disabled) saves nothing.
        assert_eq!(*after([Step::Save(false)]), Digest::default());
        let loaded = after([Step::Loaded(Ok(true))]);
        assert!(!loaded.busy());
        assert!(loaded.checked());
        assert_eq!(loaded.outcome, None);
    }

    #[test]
    fn a_failed_load_says_so_and_leaves_the_box_waiting() {
        let failed = after([Step::Loaded(Err("Could not reach Switchboard.".to_owned()))]);
        assert!(failed.busy());
        assert_eq!(
            failed.outcome,
            Some(Err("Could not load the email digest setting: Could not reach Switchboard.".to_owned()))
        );
    }

    #[test]
    fn saving_shows_the_new_value_waits_and_then_says_saved() {
        let saving = after([Step::Loaded(Ok(true)), Step::Save(false)]);
        assert!(saving.busy());
        assert!(!saving.checked());
        // A second change while the first is saved is not taken.
        let again = Rc::clone(&saving).reduce(Step::Save(true));
        assert_eq!(again, saving);
        let saved = saving.reduce(Step::Saved(Ok(false)));
        assert!(!saved.busy());
        assert!(!saved.checked());
        assert_eq!(saved.outcome, Some(Ok("Saved: no digest emails.")));
        let on = saved.reduce(Step::Save(true)).reduce(Step::Saved(Ok(true)));
        assert!(on.checked());
        assert_eq!(on.outcome, Some(Ok("Saved: you will get the digest.")));
    }

    #[test]
    fn a_failed_save_goes_back_to_what_the_edge_holds() {
        let failed = after([
            Step::Loaded(Ok(true)),
            Step::Save(false),
            Step::Saved(Err("Your session has ended.".to_owned())),
        ]);
        assert!(!failed.busy());
        assert!(failed.checked());
        assert_eq!(failed.outcome, Some(Err("Could not save: Your session has ended.".to_owned())));
        // A new change forgets the old outcome.
        assert_eq!(failed.reduce(Step::Save(false)).outcome, None);
    }

    #[test]
    fn a_late_load_does_not_undo_a_save_and_a_stray_answer_is_ignored() {
        let saving = after([Step::Loaded(Ok(true)), Step::Save(false)]);
        let late = Rc::clone(&saving).reduce(Step::Loaded(Ok(true)));
        assert_eq!(late, saving);
        let idle = after([Step::Loaded(Ok(true))]);
        assert_eq!(Rc::clone(&idle).reduce(Step::Saved(Ok(false))), idle);
    }
}
