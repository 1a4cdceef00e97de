//! "Attach a file" under the reply box: picks a file and uploads it into the open
//! conversation (`POST /api/v1/conversations/{id}/attachments`); the stored message comes back
//! on the conversation's socket. Refusals (type, size) show next to the button.

use switchboard_protocol::attachment::ATTACHMENT_TYPES;
use switchboard_protocol::ConversationId;
use switchboard_webclient::http::upload;
use switchboard_webclient::ids::new_client_id;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Attach button properties.
#[derive(Properties, PartialEq)]
pub struct AttachProps {
    /// The open conversation.
    pub conversation: ConversationId,
}

/// `label.sb-attach` holding `input[type=file].sb-attach-input`, and `p.sb-error` on refusal.
#[function_component(Attach)]
pub fn attach(props: &AttachProps) -> Html {
    let problem = use_state_eq(|| None::<String>);
    let onchange = {
        let (conversation, problem) = (props.conversation.clone(), problem.clone());
        move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
            input.set_value("");
            let (url, problem) =
                (format!("/api/v1/conversations/{conversation}/attachments"), problem.clone());
            let Some(client_id) = new_client_id() else { return };
            spawn_local(async move {
                let outcome = upload(&url, &file, client_id.as_str()).await;
                problem.set(outcome.err().map(|error| format!("{} was not sent: {error}", file.name())));
            });
        }
    };
    html! {
        <div class="sb-attach-row">
            <label class="sb-attach">
                { "Attach a file" }
                <input type="file" class="sb-attach-input" accept={ATTACHMENT_TYPES.join(",")} {onchange} />
            </label>
            if let Some(problem) = &*problem {
                <p class="sb-error" role="alert">{ problem.clone() }</p>
            }
        </div>
    }
}
