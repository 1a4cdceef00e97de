//! The pre-chat form, in the message box's place until the visitor fills it in: one labelled
//! box per field the site asks for, checked on submit (the edge checks again), each problem
//! shown under its box and tied to it for screen readers.

use std::collections::BTreeMap;
use std::rc::Rc;

use switchboard_core::fields::FieldKind;
use switchboard_core::prechat::Problem;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::effects::Chat;
use crate::i18n::{t, Strings};
use crate::state::State;

/// `form.sb-prechat` with `input[name=FIELD]` per field (`aria-invalid` and a
/// `p.sb-field-error` when refused) and `button.sb-prechat-start`.
pub(crate) fn prechat(state: &State, chat: &Rc<Chat>) -> Html {
    let t = t();
    let onsubmit = {
        let chat = chat.clone();
        move |event: SubmitEvent| {
            event.prevent_default();
            let form: Element = event.target_unchecked_into();
            let mut answers = BTreeMap::new();
            if let Ok(inputs) = form.query_selector_all("input") {
                for i in 0..inputs.length() {
                    if let Some(input) = inputs.item(i).and_then(|n| n.dyn_into::<HtmlInputElement>().ok()) {
                        answers.insert(input.name(), input.value());
                    }
                }
            }
            chat.submit_prechat(answers);
        }
    };
    let fields = state.prechat.iter().map(|field| {
        let problem = state.prechat_problems.iter().find(|(name, _)| name == &field.name).map(|(_, p)| *p);
        let error_id = format!("sb-error-{}", field.name);
        let (input_type, autocomplete) = match (field.kind, field.name.as_str()) {
            (FieldKind::Email, _) => ("email", "email"),
            (FieldKind::Phone, _) => ("tel", "tel"),
            (_, "name") => ("text", "name"),
            _ => ("text", "off"),
        };
        let error = problem
            .map(|p| html! { <p class="sb-field-error" id={error_id.clone()}>{ problem_text(p, t) }</p> });
        html! {
            <label class="sb-prechat-field">
                <span>{ field.label.clone() }{ if field.required { " *" } else { "" } }</span>
                <input type={input_type} name={field.name.clone()} autocomplete={autocomplete}
                    required={field.required} aria-invalid={if problem.is_some() { "true" } else { "false" }}
                    aria-describedby={problem.map(|_| error_id.clone())} />
                { error.unwrap_or_default() }
            </label>
        }
    });
    // `novalidate`: our checks (the same as the edge's) speak the panel's language.
    html! {
        <form class="sb-prechat" aria-label={t.prechat_title} novalidate=true {onsubmit}>
            <p class="sb-prechat-title">{ t.prechat_title }</p>
            { for fields }
            <button type="submit" class="sb-prechat-start">{ t.prechat_start }</button>
        </form>
    }
}

fn problem_text(problem: Problem, t: &Strings) -> &'static str {
    match problem {
        Problem::Required => t.error_required,
        Problem::Invalid(FieldKind::Email) => t.error_email,
        Problem::Invalid(FieldKind::Phone) => t.error_phone,
        Problem::Invalid(FieldKind::Digits { .. }) => t.error_digits,
        Problem::Invalid(FieldKind::Text) => t.error_text,
    }
}
