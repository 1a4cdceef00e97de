//! Reading a submitted form's fields by name: the settings forms are uncontrolled (the
//! browser keeps what was typed), and read once, on submit.

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
