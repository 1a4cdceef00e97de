//! The settings screen's "Two-factor sign-in" section, for one's own account. Off: "Set up
//! two-factor sign-in" leads through [`TwoFactorSetup`]. On: new recovery codes, or turning
//! it off, each for a current code from the app — turning off is not offered when the site
//! requires two-factor sign-in of this account (the edge refuses it too, `403`).

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::form::field;
use super::recovery_codes::RecoveryCodes;
use super::two_factor_setup::{code_field, TwoFactorSetup};
use crate::effects::two_factor;
use crate::state::Agent;

/// Section properties.
#[derive(Properties, PartialEq)]
pub struct TwoFactorSectionProps {
    /// The signed-in agent (whether it is on now).
    pub agent: Rc<Agent>,
    /// Whether the site requires two-factor sign-in of this account (`None`: not known yet).
    pub required: Option<bool>,
    /// The account changed: on (signed in afresh) or off.
    pub on_renewed: Callback<Agent>,
}

/// What a current code is asked for.
#[derive(Clone, Copy, PartialEq)]
enum Purpose {
    NewCodes,
    TurnOff,
}

/// What the section shows.
#[derive(Clone, PartialEq)]
enum Shown {
    /// On or off, with its buttons.
    Summary,
    /// Setting it up.
    SettingUp,
    /// Asking for a current code, for `Purpose`.
    AskingCode(Purpose),
    /// New recovery codes, shown once.
    Codes(Rc<Vec<String>>),
}

/// `div.sb-two-factor`.
#[function_component(TwoFactorSection)]
pub fn two_factor_section(props: &TwoFactorSectionProps) -> Html {
    let shown = use_state_eq(|| Shown::Summary);
    let outcome: Outcome = use_state_eq(|| None);
    let busy = use_state_eq(|| false);
    let show = |next: Shown| go_to(&shown, &outcome, next);
    let onsubmit = {
        let (shown, outcome, busy) = (shown.clone(), outcome.clone(), busy.clone());
        let (agent, on_renewed) = (props.agent.clone(), props.on_renewed.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let Shown::AskingCode(purpose) = *shown else { return };
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let code = field(&form, "code");
            let (shown, outcome, busy) = (shown.clone(), outcome.clone(), busy.clone());
            let (agent, on_renewed) = (agent.clone(), on_renewed.clone());
            busy.set(true);
            spawn_local(async move {
                match purpose {
                    Purpose::NewCodes => match two_factor::new_recovery_codes(code).await {
                        Ok(codes) => shown.set(Shown::Codes(Rc::new(codes))),
                        Err(message) => outcome.set(Some(Err(message))),
                    },
                    Purpose::TurnOff => match two_factor::turn_off(code).await {
                        Ok(()) => {
                            on_renewed.emit(Agent { two_factor: false, ..(*agent).clone() });
                            shown.set(Shown::Summary);
                            outcome.set(Some(Ok("Two-factor sign-in is off.")));
                        }
                        Err(message) => outcome.set(Some(Err(message))),
                    },
                }
                form.reset();
                busy.set(false);
            });
        }
    };
    let body = match &*shown {
        Shown::Summary => summary(props, &shown, &outcome),
        Shown::SettingUp => html! {
            <TwoFactorSetup on_confirmed={props.on_renewed.clone()} on_done={show(Shown::Summary)}
                on_cancel={show(Shown::Summary)} />
        },
        Shown::Codes(codes) => {
            html! { <RecoveryCodes codes={codes.clone()} on_done={show(Shown::Summary)} /> }
        }
        Shown::AskingCode(purpose) => {
            let (label, submit) = match purpose {
                Purpose::NewCodes => ("New recovery codes", "Make new codes"),
                Purpose::TurnOff => ("Turn off two-factor sign-in", "Turn off"),
            };
            html! {
                <form class="sb-two-factor-check" {onsubmit} aria-label={label}>
                    { code_field("sb-two-factor-check-code", "Authentication code",
                        "The 6-digit code your authenticator app shows now.") }
                    <div class="sb-two-factor-actions">
                        <button type="submit" class="sb-primary sb-two-factor-check-submit" disabled={*busy}>{ submit }</button>
                        <button type="button" class="sb-secondary sb-two-factor-cancel"
                            onclick={go_to(&shown, &outcome, Shown::Summary)}>{ "Cancel" }</button>
                    </div>
                </form>
            }
        }
    };
    html! {
        <div class="sb-two-factor">
            { body }
            { match &*outcome {
                Some(Ok(done)) => html! { <p class="sb-settings-done" role="status">{ *done }</p> },
                Some(Err(message)) => html! { <p class="sb-error" role="alert">{ message.clone() }</p> },
                None => Html::default(),
            } }
        </div>
    }
}

/// What the section says of the last change: done, or why not.
type Outcome = UseStateHandle<Option<Result<&'static str, String>>>;

/// A callback that shows `next` (and forgets the last outcome).
fn go_to<T: 'static>(shown: &UseStateHandle<Shown>, outcome: &Outcome, next: Shown) -> Callback<T> {
    let (shown, outcome) = (shown.clone(), outcome.clone());
    Callback::from(move |_| {
        outcome.set(None);
        shown.set(next.clone());
    })
}

/// On or off, and what can be done about it.
fn summary(props: &TwoFactorSectionProps, shown: &UseStateHandle<Shown>, outcome: &Outcome) -> Html {
    let required = props.required == Some(true);
    let show = |next: Shown| go_to::<MouseEvent>(shown, outcome, next);
    if !props.agent.two_factor {
        return html! {
            <>
                <p class="sb-two-factor-status">
                    { "Two-factor sign-in is " }<strong class="sb-two-factor-state">{ "Off" }</strong>{ ". " }
                    { "With it on, signing in also asks for a code from an authenticator app on your phone." }
                </p>
                <button type="button" class="sb-primary sb-two-factor-start" onclick={show(Shown::SettingUp)}>
                    { "Set up two-factor sign-in" }
                </button>
            </>
        };
    }
    html! {
        <>
            <p class="sb-two-factor-status">
                { "Two-factor sign-in is " }<strong class="sb-two-factor-state">{ "On" }</strong>{ ". " }
                { "Signing in asks for a code from your authenticator app, or one of your recovery codes." }
            </p>
            <div class="sb-two-factor-actions">
                <button type="button" class="sb-secondary sb-two-factor-new-codes"
                    onclick={show(Shown::AskingCode(Purpose::NewCodes))}>{ "New recovery codes" }</button>
                if required {
                    <p class="sb-hint sb-two-factor-required">
                        { "Your team requires two-factor sign-in, so it cannot be turned off." }
                    </p>
                } else {
                    <button type="button" class="sb-secondary sb-danger sb-two-factor-turn-off"
                        onclick={show(Shown::AskingCode(Purpose::TurnOff))}>{ "Turn off" }</button>
                }
            </div>
        </>
    }
}
