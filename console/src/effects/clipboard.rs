//! Copying text to the clipboard (`navigator.clipboard.writeText`), which browsers offer only
//! on secure pages (https, or localhost) and may refuse without a recent click.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Puts `text` on the clipboard; `Err` with a sentence when the browser would not.
pub async fn copy(text: &str) -> Result<(), String> {
    const REFUSED: &str = "Could not copy: select the codes and copy them yourself.";
    let navigator = web_sys::window().ok_or(REFUSED)?.navigator();
    // Absent (undefined) on pages that are not secure: calling it would throw.
    let present = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .is_ok_and(|clipboard| !clipboard.is_undefined() && !clipboard.is_null());
    if !present {
        return Err(REFUSED.to_owned());
    }
    JsFuture::from(navigator.clipboard().write_text(text)).await.map(drop).map_err(|_| REFUSED.to_owned())
}
