//! Time zone offsets from the Workers runtime's `Intl` (it ships the full zone database), for
//! the core's business hours. A zone database of our own would triple the worker's size.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, Date, Object, Reflect};
use switchboard_core::flow::Zones;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Intl.DateTimeFormat`, bound with `catch`: an unknown zone throws a `RangeError`,
    /// which must come back as an error rather than unwind through Rust.
    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    #[derive(Clone)]
    type Formatter;

    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "DateTimeFormat", catch)]
    fn new(locales: &JsValue, options: &Object) -> Result<Formatter, JsValue>;

    #[wasm_bindgen(method, js_name = formatToParts, catch)]
    fn format_to_parts(this: &Formatter, date: &Date) -> Result<Array, JsValue>;
}

/// At most this many zones' formatters are kept (a site uses one).
const MAX_ZONES: usize = 64;

thread_local! {
    static FORMATTERS: RefCell<HashMap<String, Option<Formatter>>> = RefCell::new(HashMap::new());
}

/// The runtime's zone database.
pub(crate) struct RuntimeZones;

impl Zones for RuntimeZones {
    fn offset_minutes(&self, zone: &str, utc_ms: i64) -> Option<i32> {
        let formatter = FORMATTERS.with_borrow_mut(|formatters| {
            if formatters.len() >= MAX_ZONES && !formatters.contains_key(zone) {
                formatters.clear();
            }
            formatters.entry(zone.to_string()).or_insert_with(|| formatter(zone)).clone()
        })?;
        let parts = formatter.format_to_parts(&Date::new(&JsValue::from_f64(utc_ms as f64))).ok()?;
        let name = parts.iter().find_map(|part| {
            let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
            (kind == "timeZoneName").then(|| Reflect::get(&part, &"value".into()).ok()?.as_string()).flatten()
        })?;
        parse_offset(&name)
    }
}

fn formatter(zone: &str) -> Option<Formatter> {
    let options = Object::new();
    Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    Reflect::set(&options, &"timeZoneName".into(), &"longOffset".into()).ok()?;
    Formatter::new(&JsValue::from_str("en-US"), &options).ok()
}

/// `"GMT"`, `"GMT+01:00"`, `"GMT-09:30"` → minutes east of UTC.
fn parse_offset(name: &str) -> Option<i32> {
    let rest = name.strip_prefix("GMT")?;
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, rest) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
    Some(sign * (hours.parse::<i32>().ok()? * 60 + minutes.parse::<i32>().ok()?))
}
