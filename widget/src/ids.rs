//! Identifiers the frame reads from its surroundings or makes itself.

use switchboard_protocol::{ClientMessageId, SiteId};

/// `site` from the frame's own URL (`/frame?site=ID`), if valid.
pub fn site_from_location() -> Option<SiteId> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    SiteId::parse(params.get("site")?).ok()
}

/// A fresh id for a message: `crypto.randomUUID()` where the browser has it (secure
/// contexts), 128 random bits otherwise. Always `Some` in practice (both forms are valid ids).
pub fn new_client_id() -> Option<ClientMessageId> {
    let crypto = web_sys::window().and_then(|w| w.crypto().ok());
    if let Some(crypto) = &crypto {
        let has_uuid = js_sys::Reflect::get(crypto, &"randomUUID".into()).is_ok_and(|f| f.is_function());
        if has_uuid {
            if let Ok(id) = ClientMessageId::parse(crypto.random_uuid()) {
                return Some(id);
            }
        }
    }
    let mut bytes = [0u8; 16];
    let filled = crypto.is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No Web Crypto at all: still unique enough per visitor, which is the id's scope.
        for chunk in bytes.chunks_mut(4) {
            let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
            chunk.copy_from_slice(&random.to_le_bytes());
        }
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    ClientMessageId::parse(hex).ok()
}
