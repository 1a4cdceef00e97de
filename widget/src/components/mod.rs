//! The panel's view: [`app::App`], the one component, and small view functions, one file
//! each, that it composes. Views are plain functions returning `Html` rather than
//! components: each component type costs the frame's wasm its own copy of yew's lifecycle
//! code (about 1 KB compressed each, measured).
//!
//! Class names and data attributes here (`sb-…`, `data-seq`, `data-role`, `data-client-id`,
//! `data-delivery`, `data-online`, `data-conversation-id`) are what `frame.css` styles and
//! what the end-to-end tests select on: keep them stable. Text is only ever rendered as text
//! nodes.

pub(crate) mod app;
pub(crate) mod composer;
pub(crate) mod csat;
pub(crate) mod header;
pub(crate) mod history;
pub(crate) mod messages;
pub(crate) mod prechat;
pub(crate) mod status;
pub(crate) mod text;

pub(crate) use app::App;

use yew::prelude::*;

/// A 24×24 icon from one path, hidden from assistive technology (its button has a label).
fn icon(path: &'static str) -> Html {
    html! {
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d={path} /></svg>
    }
}
