//! The inputs of a contact's [`Draft`], shared by the Contacts screen's editor and the contact
//! panel's inline one: name, emails, phones, notes, and custom attributes by their kind (text,
//! number, a checkbox for yes or no, a date, a select for a list). Each is labelled, and an
//! error about it (the error body's `field`) is shown under it as an alert.

use switchboard_protocol::api::contacts::{AttributeDefinition, AttributeKind};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::contact_draft::{Draft, DraftField, Edit, FieldError};

/// Changes the draft.
pub type Editor = UseReducerDispatcher<Draft>;

/// What an input, textarea or select holds now (`true`/`false` for a checkbox).
fn value_of(event: &Event) -> String {
    let Some(target) = event.target() else { return String::new() };
    if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
        return if input.type_() == "checkbox" { input.checked().to_string() } else { input.value() };
    }
    target
        .dyn_ref::<HtmlTextAreaElement>()
        .map(|t| t.value())
        .or_else(|| target.dyn_ref::<HtmlSelectElement>().map(|s| s.value()))
        .unwrap_or_default()
}

/// A callback setting `field` to what its input holds.
fn edit(editor: &Editor, field: DraftField) -> Callback<Event> {
    let editor = editor.clone();
    Callback::from(move |event: Event| editor.dispatch(Edit::Set(field.clone(), value_of(&event))))
}

/// Typing (`input` events) edits the draft.
fn on_typing(editor: &Editor, field: DraftField) -> Callback<InputEvent> {
    edit(editor, field).reform(|event: InputEvent| -> Event { event.into() })
}

/// `control` labelled `label`, with the error about `key` under it.
fn labelled(label: &str, key: &str, control: Html, problem: Option<&FieldError>) -> Html {
    let error = problem.and_then(|p| p.about(key));
    html! {
        <div class={classes!("sb-contact-field", error.is_some().then_some("sb-contact-field--invalid"))}>
            <label>
                <span class="sb-contact-field-label">{ label.to_owned() }</span>
                { control }
            </label>
            if let Some(error) = error {
                <p class="sb-error sb-contact-field-error" role="alert">{ error }</p>
            }
        </div>
    }
}

/// The name, emails, phones and notes inputs.
pub fn core_fields(draft: &Draft, editor: &Editor, problem: Option<&FieldError>) -> Html {
    let invalid = |key: &str| problem.and_then(|p| p.about(key)).map(|_| "true");
    let text = |key: &'static str, kind: &'static str, value: &str, field: DraftField| {
        html! {
            <input type={kind} name={key} value={value.to_owned()} aria-invalid={invalid(key)}
                oninput={on_typing(editor, field)} />
        }
    };
    html! {
        <>
            { labelled("Name", "name", text("name", "text", &draft.name, DraftField::Name), problem) }
            { labelled("Emails (comma separated)", "emails", text("emails", "text", &draft.emails, DraftField::Emails), problem) }
            { labelled("Phones (comma separated)", "phones", text("phones", "text", &draft.phones, DraftField::Phones), problem) }
            { labelled("Notes", "notes", html! {
                <textarea name="notes" rows="4" value={draft.notes.clone()} aria-invalid={invalid("notes")}
                    oninput={on_typing(editor, DraftField::Notes)} />
            }, problem) }
        </>
    }
}

/// One custom attribute's input, by its kind.
pub fn attribute_field(
    definition: &AttributeDefinition,
    draft: &Draft,
    editor: &Editor,
    problem: Option<&FieldError>,
) -> Html {
    let key = format!("attributes.{}", definition.key);
    let invalid = problem.and_then(|p| p.about(&key)).map(|_| "true");
    let value = draft.attribute(&definition.key).to_owned();
    let field = DraftField::Attribute(definition.key.clone());
    let input = |kind: &'static str| {
        html! {
            <input type={kind} name={key.clone()} value={value.clone()} aria-invalid={invalid}
                step={(kind == "number").then_some("any")} oninput={on_typing(editor, field.clone())} />
        }
    };
    let control = match &definition.kind {
        AttributeKind::Text => input("text"),
        AttributeKind::Number => input("number"),
        AttributeKind::Date => input("date"),
        AttributeKind::Boolean => html! {
            <input type="checkbox" name={key.clone()} checked={value == "true"} aria-invalid={invalid}
                onchange={edit(editor, field)} />
        },
        AttributeKind::List { options } => html! {
            <select name={key.clone()} aria-invalid={invalid} onchange={edit(editor, field)}>
                <option value="" selected={value.is_empty()}>{ "—" }</option>
                { for options.iter().map(|option| html! {
                    <option value={option.clone()} selected={*option == value}>{ option.clone() }</option>
                }) }
            </select>
        },
    };
    labelled(&definition.label, &key, control, problem)
}

/// The error that is about no one input (or about one this form does not show), if any.
pub fn form_error(problem: Option<&FieldError>, shown: &[String]) -> Html {
    match problem {
        Some(problem) if !problem.field.as_ref().is_some_and(|f| shown.contains(f)) => html! {
            <p class="sb-error sb-contact-error" role="alert">{ problem.message.clone() }</p>
        },
        _ => Html::default(),
    }
}

/// The keys of the inputs [`core_fields`] shows.
pub fn core_keys() -> Vec<String> {
    ["name", "emails", "phones", "notes"].map(str::to_owned).to_vec()
}
