//! What the frame reads from its surroundings: the site id from its URL, and the site's
//! settings the edge put in its page.

use switchboard_core::fields::FieldKind;
use switchboard_core::prechat::PrechatField;
use switchboard_protocol::SiteId;

use wasm_bindgen::JsValue;

use crate::wire::{parse, Json};

/// `site` from the frame's own URL (`/frame?site=ID`), if valid.
pub(crate) fn site_from_location() -> Option<SiteId> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    SiteId::parse(params.get("site")?).ok()
}

/// What the edge put in the frame's page about the site (`<meta name="switchboard-config">`:
/// `{"prechat": […], "texts": {…}, "sound": bool}`); `None` when there is none or it cannot
/// be read (the chat then starts with the defaults).
pub(crate) fn site_config() -> Option<JsValue> {
    let content = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=switchboard-config]").ok().flatten())
        .and_then(|meta| meta.get_attribute("content"));
    content.as_deref().and_then(parse)
}

/// The site's pre-chat form (empty: none).
pub(crate) fn prechat_form(config: Option<&JsValue>) -> Vec<PrechatField> {
    let fields = config.and_then(|c| c.field("prechat")).and_then(|f| f.items()).unwrap_or_default();
    fields.iter().filter_map(prechat_field).collect()
}

fn prechat_field(value: &JsValue) -> Option<PrechatField> {
    let kind = value.field("kind");
    let kind = match kind.as_ref().and_then(|k| k.field("type")).and_then(|t| t.text()).as_deref() {
        None | Some("text") => FieldKind::Text,
        Some("email") => FieldKind::Email,
        Some("phone") => FieldKind::Phone,
        Some("digits") => {
            let bound = |key: &str| kind.as_ref()?.field(key)?.number().map(|n| n as u8);
            FieldKind::Digits { min: bound("min")?, max: bound("max")? }
        }
        Some(_) => return None,
    };
    Some(PrechatField {
        name: value.field("name")?.text()?,
        label: value.field("label")?.text()?,
        kind,
        required: value.field("required").and_then(|r| r.flag()).unwrap_or(false),
    })
}
