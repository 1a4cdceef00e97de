//! The settings screen's "Your password" section: the current password, the new one twice.
//! Changing it signs every other browser out; this one stays signed in.

use switchboard_protocol::api::agent_password;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::form::field;
use crate::effects::session;

/// The password section.
#[function_component(ChangePassword)]
pub fn change_password() -> Html {
    let outcome = use_state_eq(|| None::<Result<(), String>>);
    let onsubmit = {
        let outcome = outcome.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: web_sys::HtmlFormElement = event.target_unchecked_into();
            let (new_password, again) = (field(&form, "new_password"), field(&form, "again"));
            if new_password != again {
                outcome.set(Some(Err("The two new passwords differ.".into())));
                return;
            }
            let request =
                agent_password::Request { current_password: field(&form, "current_password"), new_password };
            let outcome = outcome.clone();
            spawn_local(async move {
                let result = session::change_password(request).await;
                if result.is_ok() {
                    form.reset();
                }
                outcome.set(Some(result));
            });
        }
    };
    html! {
        <form class="sb-password-form" {onsubmit} aria-label="Change your password">
            <input name="current_password" type="password" autocomplete="current-password"
                placeholder="Current password" aria-label="Current password" required=true />
            <input name="new_password" type="password" autocomplete="new-password" minlength="10"
                placeholder="New password (at least 10 characters)" aria-label="New password" required=true />
            <input name="again" type="password" autocomplete="new-password" minlength="10"
                placeholder="New password again" aria-label="New password again" required=true />
            <button type="submit" class="sb-primary sb-password-submit">{ "Change password" }</button>
            { match &*outcome {
                Some(Ok(())) => html! { <p class="sb-hint sb-password-changed" role="status">{ "Changed. Every other browser is signed out." }</p> },
                Some(Err(message)) => html! { <p class="sb-error" role="alert">{ message.clone() }</p> },
                None => html! {},
            } }
        </form>
    }
}
