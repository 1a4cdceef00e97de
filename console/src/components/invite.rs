//! The invite page (`/console/#invite=TOKEN`): the invited person sees who invited them for
//! what, chooses a password (typed twice) and is signed in.

use switchboard_core::password::MIN_PASSWORD_CHARS;
use switchboard_protocol::api::invite_accept;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::InviteForm;

/// Invite page properties.
#[derive(Properties, PartialEq)]
pub struct InviteProps {
    /// The invite and the form's state.
    pub form: InviteForm,
    /// Called with the chosen password and name.
    pub on_accept: Callback<invite_accept::Request>,
}

/// The invite page.
#[function_component(Invite)]
pub fn invite(props: &InviteProps) -> Html {
    let (name, password, repeat) = (use_node_ref(), use_node_ref(), use_node_ref());
    let mismatch = use_state_eq(|| None::<String>);
    let form = &props.form;
    let onsubmit = {
        let (name, password, repeat) = (name.clone(), password.clone(), repeat.clone());
        let (on_accept, mismatch) = (props.on_accept.clone(), mismatch.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let value =
                |input: &NodeRef| input.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let (chosen, again) = (value(&password), value(&repeat));
            if chosen != again {
                mismatch.set(Some("The two passwords differ.".to_owned()));
                return;
            }
            mismatch.set(None);
            let name = value(&name).trim().to_owned();
            on_accept
                // The token is the link's; the screen that opened it fills it in.
                .emit(invite_accept::Request {
                    token: String::new(),
                    password: chosen,
                    name: (!name.is_empty()).then_some(name),
                });
        }
    };
    let error = (*mismatch).clone().or_else(|| form.error.clone());
    let body = match &form.info {
        None if form.error.is_some() => Html::default(),
        None => html! { <p class="sb-login-lead" aria-busy="true">{ "Checking your invite…" }</p> },
        Some(info) => html! {
            <>
                <p class="sb-login-lead">
                    { format!("You are invited to answer visitors of {} as {}. Choose a password for {}.",
                        info.site_id, role_words(info.role), info.email) }
                </p>
                <label class="sb-field">
                    <span class="sb-field-label">{ "Your name, as visitors see it" }</span>
                    <input ref={name} name="name" type="text" autocomplete="name" value={info.name.clone()} />
                </label>
                <input type="email" name="email" autocomplete="username" value={info.email.clone()} hidden=true readonly=true />
                <label class="sb-field">
                    <span class="sb-field-label">{ format!("Password (at least {MIN_PASSWORD_CHARS} characters)") }</span>
                    <input ref={password} name="password" type="password" autocomplete="new-password"
                        minlength={MIN_PASSWORD_CHARS.to_string()} required=true />
                </label>
                <label class="sb-field">
                    <span class="sb-field-label">{ "Password again" }</span>
                    <input ref={repeat} name="password-again" type="password" autocomplete="new-password" required=true />
                </label>
                <button type="submit" class="sb-primary" disabled={form.busy}>{ "Create account" }</button>
            </>
        },
    };
    html! {
        <main class="sb-login-page">
            <form class="sb-login sb-invite" {onsubmit} aria-labelledby="sb-invite-title">
                <h1 id="sb-invite-title" class="sb-login-title">{ "Join Switchboard" }</h1>
                { body }
                if let Some(error) = error {
                    <p class="sb-error" role="alert">{ error }</p>
                }
                <p class="sb-login-lead"><a href="/console/">{ "Already have an account? Sign in" }</a></p>
            </form>
        </main>
    }
}

fn role_words(role: switchboard_protocol::api::agent_me::AgentRole) -> &'static str {
    match role {
        switchboard_protocol::api::agent_me::AgentRole::Admin => "an admin",
        switchboard_protocol::api::agent_me::AgentRole::Agent => "an agent",
    }
}
