//! The sign-in form, in two steps for an account with two-factor sign-in: email and
//! password, then (when the edge answers `second_factor_required`) the authentication code,
//! sent along with the email and password kept from the first step.
//!
//! Inputs are uncontrolled (read through node refs on submit): the browser's own autofill
//! and password managers then work without the app mirroring every keystroke.

use switchboard_protocol::api::agent_login;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Login form properties.
#[derive(Properties, PartialEq)]
pub struct LoginProps {
    /// The last failure, shown under the fields.
    pub error: Option<String>,
    /// A sign-in is in flight: the button is disabled so it is not sent twice.
    pub busy: bool,
    /// The password was right: ask for the authentication code.
    #[prop_or_default]
    pub code_step: bool,
    /// Called with the filled-in credentials (and, at the code step, the code).
    pub on_submit: Callback<agent_login::Request>,
    /// "Start over" at the code step: back to email and password.
    #[prop_or_default]
    pub on_start_over: Callback<()>,
}

fn value(input: &NodeRef) -> String {
    input.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default()
}

/// The sign-in screen.
#[function_component(Login)]
pub fn login(props: &LoginProps) -> Html {
    let (email, password, code) = (use_node_ref(), use_node_ref(), use_node_ref());
    // The first step's email and password, sent again with the code.
    let credentials = use_mut_ref(|| None::<agent_login::Request>);
    let code_step = props.code_step && credentials.borrow().is_some();
    // The code field takes the focus when it appears (`autofocus` alone works only on page
    // load), and again with a wrong code selected, to type the right one over it.
    use_effect_with((code_step, props.error.clone()), {
        let code = code.clone();
        move |(shown, error): &(bool, Option<String>)| {
            if let Some(input) = code.cast::<HtmlInputElement>().filter(|_| *shown) {
                let _ = input.focus();
                if error.is_some() {
                    input.select();
                }
            }
        }
    });
    let onsubmit = {
        let (email, password, code) = (email.clone(), password.clone(), code.clone());
        let (on_submit, credentials) = (props.on_submit.clone(), credentials.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let request = match credentials.borrow().clone().filter(|_| code_step) {
                Some(first) => agent_login::Request { code: Some(value(&code).trim().to_owned()), ..first },
                None => agent_login::Request {
                    email: value(&email).trim().to_owned(),
                    password: value(&password),
                    code: None,
                },
            };
            *credentials.borrow_mut() = Some(agent_login::Request { code: None, ..request.clone() });
            on_submit.emit(request);
        }
    };
    let fields = if code_step {
        let start_over = {
            let (credentials, on_start_over) = (credentials.clone(), props.on_start_over.clone());
            move |_: MouseEvent| {
                *credentials.borrow_mut() = None;
                on_start_over.emit(());
            }
        };
        let signing_in_as = credentials.borrow().as_ref().map(|c| c.email.clone()).unwrap_or_default();
        html! {
            <>
                <p class="sb-login-lead">{ format!("Signing in as {signing_in_as}.") }</p>
                <div class="sb-field">
                    <label class="sb-field-label" for="sb-login-code">{ "Authentication code" }</label>
                    <input ref={code} id="sb-login-code" name="code" type="text" autocomplete="one-time-code"
                        inputmode="numeric" spellcheck="false" autocapitalize="off" maxlength="32"
                        autofocus=true required=true aria-describedby="sb-login-code-hint" />
                    <p id="sb-login-code-hint" class="sb-hint sb-field-hint">
                        { "Enter the 6-digit code from your authenticator app, or one of your recovery codes." }
                    </p>
                </div>
                { error_region(&props.error) }
                <button type="submit" class="sb-primary" disabled={props.busy}>{ "Sign in" }</button>
                <button type="button" class="sb-link-button sb-login-start-over" onclick={start_over}>
                    { "Use another account" }
                </button>
            </>
        }
    } else {
        html! {
            <>
                <p class="sb-login-lead">{ "Sign in to answer your visitors." }</p>
                <label class="sb-field">
                    <span class="sb-field-label">{ "Email" }</span>
                    <input ref={email} name="email" type="email" autocomplete="username" required=true />
                </label>
                <label class="sb-field">
                    <span class="sb-field-label">{ "Password" }</span>
                    <input
                        ref={password}
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required=true
                    />
                </label>
                { error_region(&props.error) }
                <button type="submit" class="sb-primary" disabled={props.busy}>{ "Sign in" }</button>
            </>
        }
    };
    let class = classes!("sb-login", code_step.then_some("sb-login--code"));
    html! {
        <main class="sb-login-page">
            <form {class} {onsubmit} aria-labelledby="sb-login-title">
                <h1 id="sb-login-title" class="sb-login-title">{ "Switchboard" }</h1>
                { fields }
            </form>
        </main>
    }
}

fn error_region(error: &Option<String>) -> Html {
    match error {
        Some(error) => html! { <p class="sb-error" role="alert">{ error.clone() }</p> },
        None => Html::default(),
    }
}
