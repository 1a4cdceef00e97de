//! Ids the browser makes itself.

use switchboard_protocol::ClientMessageId;

/// A fresh id for a message, by which the edge deduplicates resends: `crypto.randomUUID()`
/// where the browser has it (secure contexts only: https and localhost), else 128 bits from
/// `getRandomValues`, else `Math.random` (uniqueness per author is all the id needs, not
/// secrecy). Always `Some` in practice: every form is a valid id.
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
        for chunk in bytes.chunks_mut(4) {
            let random = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
            chunk.copy_from_slice(&random.to_le_bytes());
        }
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    ClientMessageId::parse(hex).ok()
}
