//! The JSON the frame exchanges with the edge and its own storage, read and written through
//! the browser's `JSON` rather than `serde_json`.
//!
//! Why by hand: serde_json's deserializer, monomorphised for every protocol type, with its
//! float tables, error messages and Unicode tables, was the largest single part of the
//! frame's size-budgeted wasm. The browser already ships a JSON parser; here we only walk
//! the parsed value into the same `switchboard-protocol` types, which stay the one source of
//! truth. The walk is written over [`Json`] and [`Build`], implemented for `JsValue` in the
//! browser and for `serde_json::Value` in native tests, which check every shape against what
//! serde itself produces and accepts.
//!
//! - [`decode`]: JSON values → protocol types (`None` for anything malformed).
//! - [`encode`]: protocol types → JSON values.

pub(crate) mod decode;
pub(crate) mod encode;

#[cfg(test)]
mod tests;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;

/// Read access to a parsed JSON value.
pub(crate) trait Json: Sized {
    /// The field `key` of an object; `None` when absent or `null`, or when this is no object.
    fn field(&self, key: &str) -> Option<Self>;
    /// The value as a string.
    fn text(&self) -> Option<String>;
    /// The value as a number.
    fn number(&self) -> Option<f64>;
    /// The value as a boolean.
    fn flag(&self) -> Option<bool>;
    /// The items of an array.
    fn items(&self) -> Option<Vec<Self>>;
}

/// Building a JSON value.
pub(crate) trait Build: Sized {
    /// An object with these fields, in this order.
    fn object(fields: Vec<(&str, Self)>) -> Self;
    /// A string.
    fn text(text: &str) -> Self;
    /// A number.
    fn number(number: f64) -> Self;
    /// A boolean.
    fn flag(flag: bool) -> Self;
    /// An array.
    fn list(items: Vec<Self>) -> Self;
}

impl Json for JsValue {
    fn field(&self, key: &str) -> Option<JsValue> {
        if !self.is_object() {
            return None;
        }
        Reflect::get(self, &JsValue::from_str(key))
            .ok()
            .filter(|value| !value.is_undefined() && !value.is_null())
    }

    fn text(&self) -> Option<String> {
        self.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn flag(&self) -> Option<bool> {
        self.as_bool()
    }

    fn items(&self) -> Option<Vec<JsValue>> {
        Array::is_array(self).then(|| Array::from(self).iter().collect())
    }
}

impl Build for JsValue {
    fn object(fields: Vec<(&str, JsValue)>) -> JsValue {
        let object = JsValue::from(Object::new());
        for (key, value) in fields {
            let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
        }
        object
    }

    fn text(text: &str) -> JsValue {
        JsValue::from_str(text)
    }

    fn number(number: f64) -> JsValue {
        JsValue::from_f64(number)
    }

    fn flag(flag: bool) -> JsValue {
        JsValue::from_bool(flag)
    }

    fn list(items: Vec<JsValue>) -> JsValue {
        items.into_iter().collect::<Array>().into()
    }
}

/// Parses JSON text with the browser's parser.
pub(crate) fn parse(text: &str) -> Option<JsValue> {
    js_sys::JSON::parse(text).ok()
}

/// JSON text of `value`.
pub(crate) fn stringify(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value).ok().map(String::from)
}
