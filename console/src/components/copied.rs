//! What became of a "Copy" click, said where a screen reader hears it: copied, or why not.

use yew::prelude::*;

/// The status line after a copy (`None`: nothing copied yet).
pub fn copied_status(copied: &Option<Result<(), String>>) -> Html {
    match copied {
        Some(Ok(())) => html! { "Copied." },
        Some(Err(message)) => html! { <span class="sb-error-text">{ message.clone() }</span> },
        None => Html::default(),
    }
}
