//! Setting up two-factor sign-in, as the settings section and the enrol-only page both show
//! it: a new secret for the authenticator app (as a QR code, as an `otpauth://` link, and as
//! the key to type in, in blocks of four), then a code from the app turns it on, then the
//! recovery codes, shown once.

use std::rc::Rc;

use switchboard_protocol::api::two_factor::SetupResponse;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::form::field;
use super::qr_code::QrCodeImage;
use super::recovery_codes::RecoveryCodes;
use crate::effects::two_factor;
use crate::state::Agent;

/// Setup properties.
#[derive(Properties, PartialEq)]
pub struct TwoFactorSetupProps {
    /// Two-factor sign-in is on: the account, signed in afresh (new anti-forgery token).
    pub on_confirmed: Callback<Agent>,
    /// The agent has seen the recovery codes ("Done").
    pub on_done: Callback<()>,
    /// Where "Cancel" leads; none: no way back (a session that must set it up).
    #[prop_or_default]
    pub on_cancel: Option<Callback<()>>,
}

/// How far the setup is.
#[derive(Clone, PartialEq)]
enum Step {
    /// Asking the edge for a secret.
    Loading,
    /// The edge would not give one.
    Failed(String),
    /// The secret is shown; waiting for a code from the app.
    Scan(Rc<SetupResponse>),
    /// On: the recovery codes are shown.
    Confirmed(Rc<Vec<String>>),
}

/// `div.sb-two-factor-setup`: asks the edge for a new secret as soon as it is shown.
#[function_component(TwoFactorSetup)]
pub fn two_factor_setup(props: &TwoFactorSetupProps) -> Html {
    let step = use_state_eq(|| Step::Loading);
    let error = use_state_eq(|| None::<String>);
    let busy = use_state_eq(|| false);
    use_effect_with((), {
        let step = step.clone();
        move |_| {
            spawn_local(async move {
                step.set(match two_factor::start_setup().await {
                    Ok(setup) => Step::Scan(Rc::new(setup)),
                    Err(message) => Step::Failed(message),
                });
            });
        }
    });
    let onsubmit = {
        let (step, error, busy, on_confirmed) =
            (step.clone(), error.clone(), busy.clone(), props.on_confirmed.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let code = field(&form, "code");
            let (step, error, busy, on_confirmed) =
                (step.clone(), error.clone(), busy.clone(), on_confirmed.clone());
            busy.set(true);
            spawn_local(async move {
                match two_factor::confirm(code).await {
                    Ok(confirmed) => {
                        error.set(None);
                        on_confirmed.emit(confirmed.agent);
                        step.set(Step::Confirmed(Rc::new(confirmed.recovery_codes)));
                    }
                    Err(message) => {
                        form.reset();
                        error.set(Some(message));
                    }
                }
                busy.set(false);
            });
        }
    };
    let cancel = props.on_cancel.as_ref().map(|on_cancel| {
        let onclick = on_cancel.reform(|_: MouseEvent| ());
        html! { <button type="button" class="sb-secondary sb-two-factor-cancel" {onclick}>{ "Cancel" }</button> }
    });
    let body = match &*step {
        Step::Loading => {
            html! { <p class="sb-hint" aria-busy="true">{ "Making a key for your authenticator app…" }</p> }
        }
        Step::Failed(message) => html! {
            <>
                <p class="sb-error" role="alert">{ message.clone() }</p>
                { cancel.unwrap_or_default() }
            </>
        },
        Step::Confirmed(codes) => html! {
            <>
                <p class="sb-settings-done" role="status">{ "Two-factor sign-in is on." }</p>
                <RecoveryCodes codes={codes.clone()} on_done={props.on_done.clone()} />
            </>
        },
        Step::Scan(setup) => html! {
            <>
                <p class="sb-hint">
                    { "Scan this code with an authenticator app on your phone (such as Google Authenticator, \
                       Microsoft Authenticator, 1Password or Aegis), open the link on this device, \
                       or type the key into the app." }
                </p>
                <QrCodeImage text={setup.otpauth_uri.clone()} label="QR code for your authenticator app" />
                // Only an `otpauth:` link is made a link: the address comes from the network.
                if setup.otpauth_uri.starts_with("otpauth://") {
                    <p><a class="sb-otpauth-link" href={setup.otpauth_uri.clone()}>{ "Open in authenticator app" }</a></p>
                }
                <p class="sb-two-factor-key">
                    <span class="sb-field-label">{ "Key" }</span>
                    <code class="sb-two-factor-secret">
                        { in_blocks_of_four(&setup.secret) }
                    </code>
                </p>
                <form class="sb-two-factor-confirm" {onsubmit} aria-label="Turn on two-factor sign-in">
                    { code_field("sb-two-factor-new-code", "Code from the app", "The 6-digit code the app shows now.") }
                    if let Some(error) = &*error {
                        <p class="sb-error" role="alert">{ error.clone() }</p>
                    }
                    <div class="sb-two-factor-actions">
                        <button type="submit" class="sb-primary sb-two-factor-turn-on" disabled={*busy}>{ "Turn on" }</button>
                        { cancel.unwrap_or_default() }
                    </div>
                </form>
            </>
        },
    };
    html! { <div class="sb-two-factor-setup">{ body }</div> }
}

/// The labelled field for a code (`input[name=code]` with id `id`), described by `hint`: what
/// an authenticator app or a password manager fills in as a one-time code.
pub fn code_field(id: &'static str, label: &'static str, hint: &'static str) -> Html {
    let hint_id = format!("{id}-hint");
    html! {
        <div class="sb-field">
            <label class="sb-field-label" for={id}>{ label }</label>
            <input {id} name="code" class="sb-code-input" type="text" autocomplete="one-time-code"
                inputmode="numeric" spellcheck="false" autocapitalize="off" maxlength="32" required=true
                aria-describedby={hint_id.clone()} />
            <p id={hint_id} class="sb-hint sb-field-hint">{ hint }</p>
        </div>
    }
}

/// `secret` in blocks of four characters, for reading it off the screen and typing it in.
fn in_blocks_of_four(secret: &str) -> String {
    let characters: Vec<char> = secret.chars().filter(|c| !c.is_whitespace()).collect();
    characters.chunks(4).map(|block| block.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::in_blocks_of_four;

    #[test]
    fn the_key_reads_in_blocks_of_four() {
        assert_eq!(in_blocks_of_four("JBSWY3DPEHPK3PXPJ"), "JBSW Y3DP EHPK 3PXP J");
        assert_eq!(in_blocks_of_four(""), "");
    }
}
