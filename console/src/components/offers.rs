//! Offers: conversations routing proposes to this agent, each with Accept and Decline and the
//! seconds left, above the inbox. An offer not answered in time goes to the next agent.

use std::rc::Rc;

use switchboard_protocol::ConversationId;
use yew::prelude::*;

use crate::format;
use crate::state::Offer;

/// Offers properties.
#[derive(Properties, PartialEq)]
pub struct OffersProps {
    /// The offers, oldest first.
    pub offers: Rc<Vec<Offer>>,
    /// "Now", for the seconds left.
    pub now: i64,
    /// Accept (`true`) or decline (`false`) an offer.
    pub on_answer: Callback<(ConversationId, bool)>,
}

/// `section.sb-offers`, or nothing when there is no offer.
#[function_component(Offers)]
pub fn offers(props: &OffersProps) -> Html {
    if props.offers.is_empty() {
        return Html::default();
    }
    let items = props.offers.iter().map(|offer| {
        let id = offer.conversation.id.clone();
        let answer = |accept: bool| {
            let (id, on_answer) = (id.clone(), props.on_answer.clone());
            move |_: MouseEvent| on_answer.emit((id.clone(), accept))
        };
        let left = ((offer.expires_at - props.now) / 1_000).max(0);
        let preview = format::preview(&offer.conversation, false);
        html! {
            <li key={id.to_string()} class="sb-offer" data-conversation-id={id.to_string()}>
                <span class="sb-offer-who">{ format::visitor_label(&offer.conversation) }</span>
                <span class="sb-offer-preview">{ preview }</span>
                <span class="sb-offer-left">{ format!("{left}s") }</span>
                <button type="button" class="sb-accept" onclick={answer(true)}>{ "Accept" }</button>
                <button type="button" class="sb-decline" onclick={answer(false)}>{ "Decline" }</button>
            </li>
        }
    });
    html! {
        <section class="sb-offers" aria-label="New conversations for you" role="alert">
            <ul class="sb-offer-list">{ for items }</ul>
        </section>
    }
}
