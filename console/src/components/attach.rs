//! "Attach a file" under the reply box: picks a file and uploads it into the open
//! conversation (`effects::conversation::upload_attachment`); the stored message comes back
//! on the conversation's socket. Refusals (type, size) show next to the button.

use switchboard_protocol::attachment::ATTACHMENT_TYPES;
use switchboard_protocol::ConversationId;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::effects::conversation::upload_attachment;

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
            let (conversation, problem) = (conversation.clone(), problem.clone());
            spawn_local(async move {
                problem.set(upload_attachment(&conversation, &file).await.err());
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
