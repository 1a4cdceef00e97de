//! A password reset link an admin just made for a teammate, under that teammate's row in the
//! team list, shown like an invite link: read-only, to select or "Copy", with how long it
//! works. The admin passes it on; making another voids this one.

use std::rc::Rc;

use switchboard_protocol::api::password_reset::{Created, RESET_LINK_HOURS};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::effects::clipboard;
use crate::format;

/// Reset link properties.
#[derive(Properties, PartialEq)]
pub struct ResetLinkProps {
    /// The link as the edge made it.
    pub created: Rc<Created>,
    /// Whose it is, as the team list names them.
    pub name: String,
}

/// `div.sb-reset-link`.
#[function_component(ResetLink)]
pub fn reset_link(props: &ResetLinkProps) -> Html {
    let copied = use_state_eq(|| None::<Result<(), String>>);
    let input = use_node_ref();
    let copy = {
        let (url, copied, input) = (props.created.url.clone(), copied.clone(), input.clone());
        move |_: MouseEvent| {
            // Selected too, so that copying by hand is one keystroke if the browser refuses.
            if let Some(input) = input.cast::<web_sys::HtmlInputElement>() {
                input.select();
            }
            let (url, copied) = (url.clone(), copied.clone());
            spawn_local(async move {
                let outcome = clipboard::copy(&url).await;
                copied.set(Some(
                    outcome.map_err(|_| "Could not copy: select the link and copy it yourself.".to_owned()),
                ));
            });
        }
    };
    let created = &props.created;
    html! {
        <div class="sb-invite-link sb-reset-link">
            <p class="sb-reset-link-note">
                { format!("Send this link to {} to choose a new password. It works once, for {RESET_LINK_HOURS} hours (until {}); a newer link voids it.",
                    props.name, format::date_time(created.expires_at)) }
            </p>
            <div class="sb-reset-link-row">
                <input ref={input} type="text" readonly=true class="sb-invite-url sb-reset-url" value={created.url.clone()}
                    aria-label={format!("Password reset link for {}", props.name)} />
                <button type="button" class="sb-secondary sb-copy-reset-link" onclick={copy}
                    aria-label={format!("Copy the password reset link for {}", props.name)}>{ "Copy" }</button>
            </div>
            <span class="sb-reset-link-copied" role="status">
                { super::copied::copied_status(&copied) }
            </span>
        </div>
    }
}
