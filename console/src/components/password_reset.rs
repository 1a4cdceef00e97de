//! The password reset page (`/console/#reset=TOKEN`), built like the invite page: whose
//! link it is, a new password typed twice (checked here before anything is sent) and, for an
//! account with two-factor sign-in, the authentication code or a recovery code. Once set,
//! the person is signed in; a link that is used, expired or replaced says so.

use switchboard_core::password::MIN_PASSWORD_CHARS;
use switchboard_protocol::api::password_reset::AcceptRequest;
use yew::prelude::*;

use super::form::field;
use super::two_factor_setup::code_field;
use crate::state::ResetForm;

/// Password reset page properties.
#[derive(Properties, PartialEq)]
pub struct ResetPasswordProps {
    /// The link and the form's state.
    pub form: ResetForm,
    /// Called with the new password (and the code, when one was typed).
    pub on_accept: Callback<AcceptRequest>,
}

/// What is wrong with the two passwords typed, before the edge is asked.
fn check(chosen: &str, again: &str) -> Option<String> {
    if chosen.chars().count() < MIN_PASSWORD_CHARS {
        return Some(format!("Choose a password of at least {MIN_PASSWORD_CHARS} characters."));
    }
    (chosen != again).then(|| "The two passwords differ.".to_owned())
}

/// `main.sb-login-page` with `form.sb-reset`.
#[function_component(ResetPassword)]
pub fn reset_password(props: &ResetPasswordProps) -> Html {
    let refused = use_state_eq(|| None::<String>);
    let form = &props.form;
    let onsubmit = {
        let (token, on_accept, refused) = (form.token.clone(), props.on_accept.clone(), refused.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let new_password = field(&form, "new_password");
            if let Some(problem) = check(&new_password, &field(&form, "new_password_again")) {
                refused.set(Some(problem));
                return;
            }
            refused.set(None);
            let code = field(&form, "code").trim().to_owned();
            let code = (!code.is_empty()).then_some(code);
            on_accept.emit(AcceptRequest { token: token.clone(), new_password, code });
        }
    };
    let error = (*refused).clone().or_else(|| form.error.clone());
    let body = match &form.info {
        None if form.error.is_some() => Html::default(),
        None => html! { <p class="sb-login-lead" aria-busy="true">{ "Checking your link…" }</p> },
        Some(info) => html! {
            <>
                <p class="sb-login-lead">
                    { "For " }<strong class="sb-reset-email">{ info.email.clone() }</strong>{ ". " }
                    { "Once it is set you are signed in here, and signed out everywhere else." }
                </p>
                <input type="email" name="email" autocomplete="username" value={info.email.clone()} hidden=true readonly=true />
                <label class="sb-field">
                    <span class="sb-field-label">{ format!("New password (at least {MIN_PASSWORD_CHARS} characters)") }</span>
                    <input name="new_password" type="password" autocomplete="new-password"
                        minlength={MIN_PASSWORD_CHARS.to_string()} required=true />
                </label>
                <label class="sb-field">
                    <span class="sb-field-label">{ "Repeat the new password" }</span>
                    <input name="new_password_again" type="password" autocomplete="new-password" required=true />
                </label>
                if info.two_factor {
                    { code_field("sb-reset-code", "Authentication code",
                        "The 6-digit code from your authenticator app; one of your recovery codes works too.") }
                }
                <button type="submit" class="sb-primary sb-reset-submit" disabled={form.busy}>
                    { "Set password and sign in" }
                </button>
            </>
        },
    };
    html! {
        <main class="sb-login-page">
            <form class="sb-login sb-reset" {onsubmit} aria-labelledby="sb-reset-title">
                <h1 id="sb-reset-title" class="sb-login-title">{ "Choose a new password" }</h1>
                { body }
                if let Some(error) = error {
                    <p class="sb-error" role="alert">{ error }</p>
                }
                <p class="sb-login-lead"><a href="/console/">{ "Back to sign in" }</a></p>
            </form>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn the_new_password_is_long_enough_and_typed_the_same_twice() {
        assert_eq!(check("long-enough-1", "long-enough-1"), None);
        assert_eq!(check("long-enough-1", "long-enough-2").as_deref(), Some("The two passwords differ."));
        assert_eq!(check("short", "short").as_deref(), Some("Choose a password of at least 10 characters."));
        assert_eq!(check("ääääääääää", "ääääääääää"), None, "characters, not bytes");
    }
}
