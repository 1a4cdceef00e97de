//! Reading a submitted form's fields by name: the settings forms are uncontrolled (the
//! browser keeps what was typed), and read once, on submit; and saving a settings list and
//! saying how it went.

use wasm_bindgen::JsCast;
use web_sys::{HtmlFormElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

/// The value of the form's `<input>`, `<textarea>` or `<select>` named `name` (empty when
/// there is none).
pub fn field(form: &HtmlFormElement, name: &str) -> String {
    let Some(element) = form.elements().named_item(name) else { return String::new() };
    element
        .dyn_ref::<HtmlInputElement>()
        .map(|i| i.value())
        .or_else(|| element.dyn_ref::<HtmlTextAreaElement>().map(|t| t.value()))
        .or_else(|| element.dyn_ref::<HtmlSelectElement>().map(|s| s.value()))
        .unwrap_or_default()
}

/// Whether the form's checkbox named `name` is ticked.
pub fn ticked(form: &HtmlFormElement, name: &str) -> bool {
    form.elements()
        .named_item(name)
        .and_then(|e| e.dyn_ref::<HtmlInputElement>().map(|i| i.checked()))
        .unwrap_or(false)
}

/// What a settings section's last save came to: the sentence to show, good or bad.
pub type Outcome = yew::UseStateHandle<Option<Result<String, String>>>;

/// That sentence: `p.sb-settings-done` (a status) or `p.sb-error` (an alert); nothing before
/// any change.
pub fn outcome_line(outcome: &Option<Result<String, String>>) -> yew::Html {
    match outcome {
        Some(Ok(done)) => yew::html! { <p class="sb-settings-done" role="status">{ done.clone() }</p> },
        Some(Err(why)) => yew::html! { <p class="sb-error" role="alert">{ why.clone() }</p> },
        None => yew::Html::default(),
    }
}

/// Sends a change of the site's settings (a whole list: labels, macros, rules); `outcome`
/// gets `done` or the edge's refusal, and `form` (the one it came from) is emptied once it is
/// stored — a refused one keeps what the admin typed.
pub fn save_site(
    patch: switchboard_protocol::api::site_settings::Patch,
    dispatch: crate::effects::Dispatcher,
    outcome: Outcome,
    form: Option<HtmlFormElement>,
    done: &'static str,
) {
    wasm_bindgen_futures::spawn_local(async move {
        let result = crate::effects::admin::update_site(patch, dispatch).await;
        if let (Ok(()), Some(form)) = (&result, form) {
            form.reset();
        }
        outcome.set(Some(result.map(|()| done.to_owned())));
    });
}
