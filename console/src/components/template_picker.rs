//! "Template" beside the reply box of a WhatsApp conversation. WhatsApp lets a business write
//! freely only within 24 hours of the customer's last message; after that only one of the
//! number's pre-approved templates may go (the edge refuses a plain reply, and the timeline
//! says why right above this button). The panel lists the site's templates, asks for one
//! value per slot (`{{1}}`, `{{2}}`…), previews the text the customer will get and sends it
//! over REST (`effects::conversation::send_template`); the stored message arrives on the
//! conversation's socket like any other. The preview and the checks before sending are
//! [`crate::template_draft`]'s.
//!
//! The templates come from the site's settings, loaded at sign-in and again whenever the
//! panel opens, so that one an admin added since is there. Escape or "Cancel" closes the
//! panel, and focus goes back to the button.

use std::rc::Rc;

use switchboard_core::channels::whatsapp;
use switchboard_protocol::channels::{Template, TemplateUse};
use switchboard_protocol::ConversationId;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::effects::conversation::send_template;
use crate::effects::{admin, Dispatcher};
use crate::template_draft::{preview, problem, slot};

/// What the panel says when the site's WhatsApp numbers have no templates.
pub const NO_TEMPLATES: &str = "This number has no approved templates yet — an admin adds them in \
                                Settings → Channels";

/// Template picker properties.
#[derive(Properties, PartialEq)]
pub struct TemplatePickerProps {
    /// The open conversation (on WhatsApp).
    pub conversation: ConversationId,
    /// The site's WhatsApp templates; `None` until its settings are loaded.
    pub templates: Option<Rc<Vec<Template>>>,
    /// Where the reloaded site settings go.
    pub dispatch: Dispatcher,
}

/// `button[data-template-open]`, and while open `section[data-template-panel]` (a dialog):
/// `select[name=template]`, `input[data-slot="1"]`…, `[data-template-preview]`,
/// `button[data-template-send]`, "Cancel", and the edge's refusal in `[role=alert]`.
#[function_component(TemplatePicker)]
pub fn template_picker(props: &TemplatePickerProps) -> Html {
    let open = use_state_eq(|| false);
    // The chosen template's name (`None`: the first) and the values typed, in slot order.
    let chosen = use_state_eq(|| None::<String>);
    let values = use_state_eq(Vec::<String>::new);
    let error = use_state_eq(|| None::<String>);
    let busy = use_state_eq(|| false);
    let (button, panel, select) = (use_node_ref(), use_node_ref(), use_node_ref());

    let templates = props.templates.as_deref().map(Vec::as_slice);
    let template = templates.and_then(|list| {
        let named = chosen.as_ref().and_then(|name| list.iter().find(|t| &t.name == name));
        named.or(list.first())
    });
    let slots = template.and_then(|t| whatsapp::slots(&t.text)).unwrap_or(0);
    let filled: Vec<String> = (0..slots).map(|n| values.get(n).cloned().unwrap_or_default()).collect();
    let request = template.map(|t| TemplateUse { name: t.name.clone(), variables: filled.clone() });
    let problem = request.as_ref().and_then(|r| problem(templates.unwrap_or_default(), r));

    // Opened: the keyboard starts in the panel (on the list when there is one).
    use_effect_with(*open, {
        let (panel, select) = (panel.clone(), select.clone());
        move |&open: &bool| {
            if let Some(target) = open.then(|| select.cast::<HtmlElement>().or(panel.cast())).flatten() {
                let _ = target.focus();
            }
        }
    });
    let close = {
        let (open, error, button) = (open.clone(), error.clone(), button.clone());
        Callback::from(move |()| {
            open.set(false);
            error.set(None);
            if let Some(button) = button.cast::<HtmlElement>() {
                let _ = button.focus();
            }
        })
    };
    let toggle = {
        let (open, error, close, dispatch) =
            (open.clone(), error.clone(), close.clone(), props.dispatch.clone());
        let loaded = templates.is_some();
        move |_: MouseEvent| {
            if *open {
                return close.emit(());
            }
            open.set(true);
            let (error, dispatch) = (error.clone(), dispatch.clone());
            spawn_local(async move {
                // Templates still shown from sign-in are good enough to pick from: only their
                // absence is worth an error.
                match admin::reload_site(&dispatch).await {
                    Err(why) if !loaded => error.set(Some(format!("Could not load the templates: {why}"))),
                    _ => {}
                }
            });
        }
    };
    let onkeydown = {
        let close = close.clone();
        move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                event.prevent_default();
                close.emit(());
            }
        }
    };
    let onchange = {
        let (chosen, values, error) = (chosen.clone(), values.clone(), error.clone());
        move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            chosen.set(Some(select.value()));
            values.set(Vec::new());
            error.set(None);
        }
    };
    let onsubmit = {
        let (values, error, busy, close) = (values.clone(), error.clone(), busy.clone(), close.clone());
        let (conversation, request, problem) = (props.conversation.clone(), request.clone(), problem.clone());
        move |event: SubmitEvent| {
            event.prevent_default();
            let Some(request) = request.clone().filter(|_| !*busy) else { return };
            if problem.is_some() {
                return error.set(problem.clone());
            }
            busy.set(true);
            error.set(None);
            let (conversation, values, error, busy, close) =
                (conversation.clone(), values.clone(), error.clone(), busy.clone(), close.clone());
            spawn_local(async move {
                let sent = send_template(&conversation, request).await;
                busy.set(false);
                match sent {
                    Ok(()) => {
                        values.set(Vec::new());
                        close.emit(());
                    }
                    Err(why) => error.set(Some(why)),
                }
            });
        }
    };
    let input = |n: usize| {
        let oninput = {
            let (values, filled) = (values.clone(), filled.clone());
            move |event: InputEvent| {
                let input: HtmlInputElement = event.target_unchecked_into();
                let mut next = filled.clone();
                next[n] = input.value();
                values.set(next);
            }
        };
        html! {
            <label class="sb-field">
                <span class="sb-field-label">{ format!("Value for {}", slot(n + 1)) }</span>
                <input type="text" name={format!("slot-{}", n + 1)} data-slot={(n + 1).to_string()}
                    maxlength={whatsapp::MAX_TEMPLATE_CHARS.to_string()} value={filled[n].clone()} {oninput} />
            </label>
        }
    };
    let body = match templates {
        None => html! { <p class="sb-hint" role="status">{ "Loading the templates…" }</p> },
        Some([]) => html! { <p class="sb-hint" data-template-none="">{ NO_TEMPLATES }</p> },
        Some(list) => html! {
            <>
                <label class="sb-field">
                    <span class="sb-field-label">{ "Template" }</span>
                    <select name="template" ref={select} {onchange}>
                        { for list.iter().map(|t| html! {
                            <option value={t.name.clone()} selected={Some(t) == template}>{ t.name.clone() }</option>
                        }) }
                    </select>
                </label>
                { for (0..slots).map(input) }
                <p class="sb-field-label" id="sb-template-preview-label">{ "Preview" }</p>
                <p class="sb-template-preview" data-template-preview="" aria-labelledby="sb-template-preview-label">
                    { template.map(|t| preview(&t.text, &filled)).unwrap_or_default() }
                </p>
            </>
        },
    };
    html! {
        <>
            <button type="button" ref={button} class="sb-template-open" data-template-open=""
                aria-expanded={open.to_string()} aria-controls={(*open).then_some("sb-template-panel")} onclick={toggle}>
                { "Template" }
            </button>
            if *open {
                <section id="sb-template-panel" ref={panel} class="sb-template-panel" role="dialog"
                    aria-labelledby="sb-template-title" tabindex="-1" data-template-panel="" {onkeydown}>
                    <h3 id="sb-template-title" class="sb-template-title">{ "Send a WhatsApp template" }</h3>
                    <form class="sb-template-form" {onsubmit}>
                        { body }
                        if let Some(error) = &*error {
                            <p class="sb-error" role="alert">{ error.clone() }</p>
                        }
                        <div class="sb-template-actions">
                            if template.is_some() {
                                <button type="submit" class="sb-primary" data-template-send="" disabled={*busy}>
                                    { if *busy { "Sending…" } else { "Send template" } }
                                </button>
                            }
                            <button type="button" class="sb-secondary" onclick={close.reform(|_: MouseEvent| ())}>
                                { "Cancel" }
                            </button>
                        </div>
                    </form>
                </section>
            }
        </>
    }
}
