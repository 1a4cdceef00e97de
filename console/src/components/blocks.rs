//! The settings screen's "Blocked visitors" section (any agent): the blocks in force, who
//! made them and why, and lifting one. Visitors are blocked from the contact panel.

use switchboard_protocol::api::blocks::Block;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::effects::blocks;
use crate::format;

/// The blocked visitors section.
#[function_component(Blocks)]
pub fn blocks_section() -> Html {
    let list = use_state(Vec::<Block>::new);
    let error = use_state_eq(|| None::<String>);
    let reload = {
        let (list, error) = (list.clone(), error.clone());
        move || {
            let (list, error) = (list.clone(), error.clone());
            spawn_local(async move {
                match blocks::list().await {
                    Ok(found) => list.set(found),
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    use_effect_with((), {
        let reload = reload.clone();
        move |_| reload()
    });
    html! {
        <div class="sb-blocks">
            if list.is_empty() {
                <p class="sb-hint">{ "Nobody is blocked. Block a visitor from the contact panel beside their conversation." }</p>
            }
            <ul class="sb-team">
                { for list.iter().map(|block| {
                    let onclick = {
                        let (id, error, reload) = (block.id.clone(), error.clone(), reload.clone());
                        move |_: MouseEvent| {
                            let (id, error, reload) = (id.clone(), error.clone(), reload.clone());
                            spawn_local(async move {
                                match blocks::lift(id).await {
                                    Ok(()) => reload(),
                                    Err(e) => error.set(Some(e)),
                                }
                            });
                        }
                    };
                    let what = if block.address_blocked { "visitor and address" } else { "visitor" };
                    html! {
                        <li key={block.id.clone()} class="sb-team-member sb-block">
                            <span class="sb-block-who">{ format!("{} ({what})", block.visitor_id) }</span>
                            <span class="sb-hint">
                                { format!("by {}, {}", block.blocked_by, format::day(block.created_at)) }
                                { block.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default() }
                            </span>
                            <button type="button" class="sb-lift-block" {onclick}>{ "Unblock" }</button>
                        </li>
                    }
                }) }
            </ul>
            if let Some(message) = (*error).clone() {
                <p class="sb-error" role="alert">{ message }</p>
            }
        </div>
    }
}
