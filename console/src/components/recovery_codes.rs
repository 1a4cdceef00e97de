//! A new set of recovery codes, shown once: the list, a "Copy" button, the note that each
//! works once and is shown only now, and "Done", which leaves them behind for good.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::effects::clipboard;

/// What the agent is told about the codes.
pub const KEEP_THEM_SAFE: &str = "Each code works once. Keep them somewhere safe: they are shown only now.";

/// Recovery codes properties.
#[derive(Properties, PartialEq)]
pub struct RecoveryCodesProps {
    /// The codes (`k7f3-9qxm-2p8d`).
    pub codes: Rc<Vec<String>>,
    /// "Done" was pressed.
    pub on_done: Callback<()>,
}

/// `div.sb-recovery`.
#[function_component(RecoveryCodes)]
pub fn recovery_codes(props: &RecoveryCodesProps) -> Html {
    let copied = use_state_eq(|| None::<Result<(), String>>);
    let copy = {
        let (codes, copied) = (props.codes.clone(), copied.clone());
        move |_: MouseEvent| {
            let (text, copied) = (codes.join("\n"), copied.clone());
            spawn_local(async move { copied.set(Some(clipboard::copy(&text).await)) });
        }
    };
    let done = props.on_done.reform(|_: MouseEvent| ());
    html! {
        <div class="sb-recovery">
            <h3 class="sb-recovery-title" id="sb-recovery-title">{ "Recovery codes" }</h3>
            <p class="sb-hint">
                { "If you lose your phone, sign in with one of these instead of a code from the app. " }
                { KEEP_THEM_SAFE }
            </p>
            <ol class="sb-recovery-codes" aria-labelledby="sb-recovery-title">
                { for props.codes.iter().map(|code| html! {
                    <li key={code.clone()}><code class="sb-recovery-code">{ code.clone() }</code></li>
                }) }
            </ol>
            <div class="sb-recovery-actions">
                <button type="button" class="sb-secondary sb-copy-codes" onclick={copy}>{ "Copy" }</button>
                <button type="button" class="sb-primary sb-recovery-done" onclick={done}>{ "Done" }</button>
                <span class="sb-recovery-copied" role="status">
                    { super::copied::copied_status(&copied) }
                </span>
            </div>
        </div>
    }
}
