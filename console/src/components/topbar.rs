//! The bar across the top: who is signed in, and the way out.

use yew::prelude::*;

/// Top bar properties.
#[derive(Properties, PartialEq)]
pub struct TopBarProps {
    /// The agent's display name.
    pub name: AttrValue,
    /// A problem to show (a failed sign-out).
    pub notice: Option<String>,
    /// "Sign out" was pressed.
    pub on_logout: Callback<()>,
}

/// The top bar.
#[function_component(TopBar)]
pub fn top_bar(props: &TopBarProps) -> Html {
    let onclick = props.on_logout.reform(|_: MouseEvent| ());
    html! {
        <header class="sb-topbar">
            <span class="sb-brand">{ "Switchboard" }</span>
            if let Some(notice) = &props.notice {
                <p class="sb-notice" role="alert">{ notice.clone() }</p>
            }
            <span class="sb-agent-name">{ props.name.clone() }</span>
            <button type="button" class="sb-logout" {onclick}>{ "Sign out" }</button>
        </header>
    }
}
