//! The contact panel beside the open conversation: who the visitor is (name, email; each
//! field the site's backend signed marked "verified", what the visitor typed kept apart), where they are (page, referrer, browser, language,
//! country), what else the site or the bot told us, the contact record they belong to
//! ([`super::contact_card`]: opened on the Contacts screen or edited in place), and their
//! other conversations.

use std::rc::Rc;

use switchboard_protocol::contact::Contact;
use switchboard_protocol::{ConversationId, VisitorId};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use super::contact_card::ContactCard;

/// Contact panel properties.
#[derive(Properties, PartialEq)]
pub struct ContactProps {
    /// How the visitor is named.
    pub label: String,
    /// What is known, if anything.
    pub contact: Option<Contact>,
    /// Their other conversations: id, preview, state.
    pub past: Rc<Vec<(ConversationId, String, &'static str)>>,
    /// One of them was chosen.
    pub on_open: Callback<ConversationId>,
    /// The open conversation (whose visitor "Block" blocks).
    pub conversation: Option<ConversationId>,
    /// The conversation's visitor, once the inbox listed it (to find their contact record).
    pub visitor: Option<VisitorId>,
    /// "Open in Contacts" was pressed for this contact record.
    pub on_contact: Callback<String>,
}

/// The contact panel.
#[function_component(ContactPanel)]
pub fn contact_panel(props: &ContactProps) -> Html {
    let contact = props.contact.clone().unwrap_or_default();
    let row = |label: &'static str, class: &'static str, value: Option<String>| {
        value.map(|value| {
            html! {
                <>
                    <dt>{ label }</dt>
                    <dd class={class}>{ value }</dd>
                </>
            }
        })
    };
    let identity = contact.identity.clone().unwrap_or_default();
    // A signed value carries a mark; a typed one beside a signed one says it is the
    // visitor's word, so an agent never mistakes one for the other.
    let signed = |label: &'static str, class: &'static str, value: Option<String>| {
        value.map(|value| {
            html! {
                <>
                    <dt>{ label }</dt>
                    <dd class={classes!(class, "sb-signed")}>
                        { value }
                        <span class="sb-field-verified" title="Signed by the site's backend">{ "verified" }</span>
                    </dd>
                </>
            }
        })
    };
    let typed = |label: &'static str, class: &'static str, value: Option<String>, beside: &Option<String>| {
        let note = (beside.is_some() && value != *beside).then(|| {
            html! { <span class="sb-field-typed" title="Typed by the visitor, not verified">{ "typed" }</span> }
        });
        value.filter(|v| Some(v) != beside.as_ref()).map(|value| {
            html! {
                <>
                    <dt>{ label }</dt>
                    <dd class={class}>{ value }{ for note }</dd>
                </>
            }
        })
    };
    let rows = [
        signed("User id", "sb-contact-user-id", contact.identity.as_ref().map(|i| i.user_id.clone())),
        signed("Name", "sb-contact-signed-name", identity.name.clone()),
        typed(
            "Name",
            "sb-contact-typed-name",
            contact.name.clone().filter(|_| identity.name.is_some()),
            &identity.name,
        ),
        signed("Email", "sb-contact-email", identity.email.clone()),
        typed("Email", "sb-contact-email", contact.email.clone(), &identity.email),
        row("Page", "sb-contact-page", contact.page_url.clone()),
        row("Referrer", "sb-contact-referrer", contact.referrer.clone()),
        row("Browser", "sb-contact-browser", contact.browser.as_deref().map(browser_name)),
        row("Language", "sb-contact-locale", contact.locale.clone()),
        row("Country", "sb-contact-country", contact.country.clone()),
    ];
    let verified_fields: Vec<&str> = [
        Some("user id"),
        identity.name.as_ref().map(|_| "name"),
        identity.email.as_ref().map(|_| "email"),
        (!identity.attributes.is_empty()).then_some("attributes"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let blocked = use_state_eq(|| None::<Result<(), String>>);
    let on_block = {
        let (blocked, conversation) = (blocked.clone(), props.conversation.clone());
        move |_: MouseEvent| {
            let asked = web_sys::window().and_then(|w| {
                w.confirm_with_message("Block this visitor and their address? Their chats close now and they cannot start new ones until unblocked (Settings).").ok()
            });
            let (Some(true), Some(conversation)) = (asked, conversation.clone()) else { return };
            let blocked = blocked.clone();
            spawn_local(async move {
                blocked.set(Some(crate::effects::blocks::block(conversation).await.map(|_| ())))
            });
        }
    };
    // What the visitor's contact record is searched by first.
    let user_id = contact.identity.as_ref().map(|i| i.user_id.clone());
    let hints: Vec<String> = [identity.email.clone(), contact.email.clone(), user_id, contact.name.clone()]
        .into_iter()
        .flatten()
        .collect();
    let name = contact.display_name().map(str::to_owned).unwrap_or_else(|| props.label.clone());
    html! {
        <aside class="sb-contact" aria-label="Contact">
            <h2 class="sb-contact-name">
                { name }
                // The badge beside a name only when the name itself was signed.
                if identity.name.is_some() {
                    <span class="sb-verified" title={format!("The site signed: {}", verified_fields.join(", "))}>
                        { "Verified" }
                    </span>
                }
            </h2>
            <dl class="sb-contact-fields">
                { for rows.into_iter().flatten() }
                { for identity.attributes.iter().map(|(key, value)| html! {
                    <>
                        <dt>{ key.clone() }</dt>
                        <dd class="sb-contact-attribute sb-signed">
                            { value.clone() }
                            <span class="sb-field-verified" title="Signed by the site's backend">{ "verified" }</span>
                        </dd>
                    </>
                }) }
                { for contact.attributes.iter().filter(|(key, _)| !identity.attributes.contains_key(*key)).map(|(key, value)| html! {
                    <>
                        <dt>{ key.clone() }</dt>
                        <dd class="sb-contact-attribute">{ value.clone() }</dd>
                    </>
                }) }
            </dl>
            if let Some(visitor) = props.visitor.clone() {
                <ContactCard {visitor} {hints} on_show={props.on_contact.clone()} />
            }
            <div class="sb-contact-actions">
                { match &*blocked {
                    Some(Ok(())) => html! { <p class="sb-hint sb-blocked" role="status">{ "Blocked. Lift it in Settings → Blocked visitors." }</p> },
                    Some(Err(message)) => html! { <p class="sb-error" role="alert">{ message.clone() }</p> },
                    None => html! { <button type="button" class="sb-block-visitor" onclick={on_block}>{ "Block visitor" }</button> },
                } }
            </div>
            if !props.past.is_empty() {
                <h3 class="sb-contact-subtitle">{ "Other conversations" }</h3>
                <ul class="sb-contact-past">
                    { for props.past.iter().map(|(id, preview, state)| {
                        let onclick = { let (id, on_open) = (id.clone(), props.on_open.clone()); move |_: MouseEvent| on_open.emit(id.clone()) };
                        html! {
                            <li key={id.to_string()}>
                                <button type="button" class="sb-contact-past-item" {onclick}>
                                    <span class={classes!("sb-state", format!("sb-state--{state}"))}>{ *state }</span>
                                    { preview.clone() }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            }
        </aside>
    }
}

/// "Chrome 131 on Linux"-style short name from a `User-Agent`, or the string itself when it
/// is not recognised (shown whole as the tooltip-free fallback).
fn browser_name(agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find_map(|(token, name)| {
        let at = agent.find(token)?;
        let version: String = agent[at + token.len()..].chars().take_while(char::is_ascii_digit).collect();
        Some(if name == "Safari" { name.to_owned() } else { format!("{name} {version}") })
    });
    let system = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find_map(|(token, name)| agent.contains(token).then_some(name));
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser,
        _ => agent.to_owned(),
    }
}
