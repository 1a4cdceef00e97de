//! The rating card (CSAT) under a resolved conversation: five scores, an optional comment,
//! and Send. It shows until the edge stores the rating (once per resolution).

use std::rc::Rc;

use switchboard_protocol::limits::MAX_RATING_COMMENT_CHARS;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use crate::effects::Chat;
use crate::i18n::{t, Strings};

/// `form.sb-csat`: `button.sb-csat-score[data-score]` (`aria-pressed` on the chosen one),
/// `textarea[name=comment]` and `button.sb-csat-send` (disabled until a score is chosen).
pub(crate) fn csat(chosen: Option<u8>, chat: &Rc<Chat>) -> Html {
    let t = t();
    let scores = (1..=5u8).map(|score| {
        let onclick = {
            let chat = chat.clone();
            move |_: MouseEvent| chat.choose_score(score)
        };
        let pressed = if chosen == Some(score) { "true" } else { "false" };
        html! {
            <button type="button" class="sb-csat-score" data-score={score.to_string()} aria-pressed={pressed}
                aria-label={Strings::with_number(t.rate_score, score)} {onclick}>{ score.to_string() }</button>
        }
    });
    let onsubmit = {
        let chat = chat.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: Element = event.target_unchecked_into();
            let comment = form
                .query_selector("textarea")
                .ok()
                .flatten()
                .and_then(|field| field.dyn_into::<HtmlTextAreaElement>().ok())
                .map(|field| field.value())
                .unwrap_or_default();
            chat.rate(comment);
        }
    };
    html! {
        <form class="sb-csat" aria-label={t.rate_title} {onsubmit}>
            <p class="sb-csat-title">{ t.rate_title }</p>
            <div class="sb-csat-scores" role="group" aria-label={t.rate_title}>{ for scores }</div>
            <textarea name="comment" rows="2" aria-label={t.rate_comment} placeholder={t.rate_comment}
                maxlength={MAX_RATING_COMMENT_CHARS.to_string()} />
            <button type="submit" class="sb-csat-send" disabled={chosen.is_none()}>{ t.rate_send }</button>
        </form>
    }
}
