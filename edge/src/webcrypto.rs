//! Password hashing with the runtime's WebCrypto: the same PBKDF2-HMAC-SHA256 as
//! `core::password` (same stored form, so either can check the other's hashes), computed
//! natively instead of in wasm — many times less CPU per sign-in, which matters because one
//! directory object serves every sign-in of the deployment.

use js_sys::{Array, Uint8Array};
use switchboard_core::password::{PasswordHash, ITERATIONS};
use switchboard_protocol::ErrorCode;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Crypto, CryptoKey, Pbkdf2Params};

use crate::error::{EdgeError, EdgeResult};

/// PBKDF2-HMAC-SHA256 of `password` with `salt`, 32 bytes.
async fn pbkdf2(password: &str, salt: &[u8], iterations: u32) -> EdgeResult<Vec<u8>> {
    let failed = |e: JsValue| EdgeError::Runtime(worker::Error::RustError(format!("WebCrypto: {e:?}")));
    let crypto: Crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    let subtle = crypto.subtle();
    let usages = Array::of1(&JsValue::from_str("deriveBits"));
    let raw = Uint8Array::from(password.as_bytes());
    let key: CryptoKey =
        JsFuture::from(subtle.import_key_with_str("raw", &raw, "PBKDF2", false, &usages).map_err(failed)?)
            .await
            .map_err(failed)?
            .unchecked_into();
    let params = Pbkdf2Params::new_with_str("PBKDF2", "SHA-256", iterations, &Uint8Array::from(salt));
    let bits = JsFuture::from(subtle.derive_bits_with_object(&params, &key, 256).map_err(failed)?)
        .await
        .map_err(failed)?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// Whether `password` is the one `hash` was made from (constant-time comparison).
pub(crate) async fn verify(hash: &PasswordHash, password: &str) -> EdgeResult<bool> {
    Ok(hash.matches(&pbkdf2(password, hash.salt(), hash.iterations()).await?))
}

/// A hash of a new password (`bad_request` when it is too short).
pub(crate) async fn create(password: &str, salt: [u8; 16]) -> EdgeResult<PasswordHash> {
    PasswordHash::check_new(password).map_err(|e| EdgeError::refuse(ErrorCode::BadRequest, e.to_string()))?;
    let derived = pbkdf2(password, &salt, ITERATIONS).await?;
    PasswordHash::from_derived(ITERATIONS, &salt, &derived)
        .map_err(|e| worker::Error::RustError(e.to_string()).into())
}
