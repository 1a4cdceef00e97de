//! The bar across the top: the screens, presence, who is signed in, and the way out.

use switchboard_protocol::routing::Presence;
use yew::prelude::*;

use crate::state::Screen;

/// Top bar properties.
#[derive(Properties, PartialEq)]
pub struct TopBarProps {
    /// The agent's display name.
    pub name: AttrValue,
    /// A problem to show (a failed sign-out).
    pub notice: Option<String>,
    /// "Sign out" was pressed.
    pub on_logout: Callback<()>,
    /// The agent's presence, once routing said it.
    pub presence: Option<Presence>,
    /// The agent switched between online and away.
    pub on_presence: Callback<Presence>,
    /// The screen shown.
    pub screen: Screen,
    /// Another screen was chosen.
    pub on_show: Callback<Screen>,
}

/// The top bar.
#[function_component(TopBar)]
pub fn top_bar(props: &TopBarProps) -> Html {
    let onclick = props.on_logout.reform(|_: MouseEvent| ());
    html! {
        <header class="sb-topbar">
            <span class="sb-brand">{ "Switchboard" }</span>
            <nav class="sb-screens" aria-label="Screens">
                { for [(Screen::Inbox, "Inbox"), (Screen::Contacts, "Contacts"), (Screen::Reports, "Reports"), (Screen::Settings, "Settings")].into_iter().map(|(screen, label)| {
                    let onclick = props.on_show.reform(move |_: MouseEvent| screen);
                    let class = classes!("sb-screen", format!("sb-screen--{}", label.to_lowercase()));
                    html! {
                        <button type="button" {class} aria-current={(props.screen == screen).then_some("page")} {onclick}>
                            { label }
                        </button>
                    }
                }) }
            </nav>
            if let Some(notice) = &props.notice {
                <p class="sb-notice" role="alert">{ notice.clone() }</p>
            }
            { presence_toggle(props.presence, &props.on_presence) }
            <NotifyToggle />
            <span class="sb-agent-name">{ props.name.clone() }</span>
            <button type="button" class="sb-logout" {onclick}>{ "Sign out" }</button>
        </header>
    }
}

/// `button.sb-presence`: shows the presence and switches between online and away.
fn presence_toggle(presence: Option<Presence>, on_presence: &Callback<Presence>) -> Html {
    let Some(presence) = presence else { return Html::default() };
    let (label, next) = match presence {
        Presence::Online => ("Online", Presence::Away),
        Presence::Away | Presence::Offline => ("Away", Presence::Online),
    };
    let onclick = on_presence.reform(move |_: MouseEvent| next);
    let class = classes!("sb-presence", format!("sb-presence--{}", label.to_lowercase()));
    html! {
        <button type="button" {class} aria-pressed={(presence == Presence::Online).to_string()}
            title="Online: new conversations are offered to you. Away: they are not." {onclick}>
            { label }
        </button>
    }
}

/// `button.sb-notify`: turns notifications and sounds on or off for this browser.
#[function_component(NotifyToggle)]
fn notify_toggle() -> Html {
    let on = use_state_eq(crate::effects::notify::enabled);
    let onclick = {
        let on = on.clone();
        move |_: MouseEvent| {
            crate::effects::notify::set_enabled(!*on);
            on.set(!*on);
        }
    };
    let class = classes!("sb-notify", if *on { "sb-notify--on" } else { "sb-notify--off" });
    html! {
        <button type="button" {class} aria-pressed={on.to_string()} {onclick}
            title="Notify me (and ring) when a conversation is offered or a visitor writes while this tab is hidden">
            { if *on { "Notifications on" } else { "Notifications off" } }
        </button>
    }
}
