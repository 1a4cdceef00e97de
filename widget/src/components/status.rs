//! The line under the header that says when the chat is not simply working.

use yew::prelude::*;

use crate::i18n::t;
use crate::state::Status;

/// Nothing while online; otherwise one sentence. The live region is always rendered, because
/// screen readers only announce changes inside a region that already existed.
///
/// A plain function rather than a component: it has no state, and each component type costs
/// the frame's wasm its own copy of yew's lifecycle code.
pub(crate) fn status_line(status: &Status) -> Html {
    let line = match status {
        Status::Online => html! {},
        Status::Connecting => html! { <p class="sb-status">{ t().connecting }</p> },
        Status::Reconnecting => {
            html! { <p class="sb-status sb-status--offline">{ t().offline }</p> }
        }
        Status::Failed { reason, retrying } => html! {
            <p class="sb-error">
                { reason.clone() }
                if *retrying { { " Trying again…" } }
            </p>
        },
        Status::Ended => html! { <p class="sb-status">{ t().ended }</p> },
    };
    html! { <div class="sb-banner" role="status">{ line }</div> }
}
