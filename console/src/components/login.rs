//! The sign-in form.
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
    /// Called with the filled-in credentials.
    pub on_submit: Callback<agent_login::Request>,
}

/// The sign-in screen.
#[function_component(Login)]
pub fn login(props: &LoginProps) -> Html {
    let email = use_node_ref();
    let password = use_node_ref();
    let onsubmit = {
        let (email, password) = (email.clone(), password.clone());
        let on_submit = props.on_submit.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            let value =
                |input: &NodeRef| input.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            on_submit.emit(agent_login::Request {
                email: value(&email).trim().to_owned(),
                password: value(&password),
            });
        }
    };
    html! {
        <main class="sb-login-page">
            <form class="sb-login" {onsubmit} aria-labelledby="sb-login-title">
                <h1 id="sb-login-title" class="sb-login-title">{ "Switchboard" }</h1>
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
                if let Some(error) = &props.error {
                    <p class="sb-error" role="alert">{ error.clone() }</p>
                }
                <button type="submit" class="sb-primary" disabled={props.busy}>{ "Sign in" }</button>
            </form>
        </main>
    }
}
