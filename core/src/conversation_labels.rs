//! Labels and custom attributes on a conversation (`protocol::api::conversation_labels`):
//! labels as agents type them become one spelling (trimmed, lowercase, inner spaces single),
//! so `Billing ` and `billing` are one label and a filter finds both; attributes are patched
//! key by key, `null` removing one, within bounds.

use std::collections::BTreeMap;

use serde_json::Value;
use switchboard_protocol::api::conversation_labels::{
    MAX_ATTRIBUTES, MAX_ATTRIBUTE_CHARS, MAX_LABELS, MAX_LABEL_CHARS,
};
use switchboard_protocol::api::site_settings::{LabelDefinition, MAX_LABEL_DEFINITIONS};
use switchboard_protocol::ApiError;

/// One label as stored: trimmed, lowercase, inner whitespace one space; letters, digits,
/// spaces and `- _ : / .` only.
pub fn label(typed: &str) -> Option<String> {
    let label = typed.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | ':' | '/' | '.');
    let length = label.chars().count();
    ((1..=MAX_LABEL_CHARS).contains(&length) && label.chars().all(allowed)).then_some(label)
}

/// A label as [`label`] reads it, or the error naming `field`.
fn label_at(typed: &str, field: String) -> Result<String, ApiError> {
    label(typed).ok_or_else(|| {
        ApiError::bad_field(field, format!("1 to {MAX_LABEL_CHARS} letters, digits, spaces or - _ : / ."))
    })
}

/// A conversation's labels as given: each stored spelling once, in the order first given.
pub fn labels(typed: &[String]) -> Result<Vec<String>, ApiError> {
    let mut labels: Vec<String> = Vec::new();
    for (n, typed) in typed.iter().enumerate() {
        let label = label_at(typed, format!("labels[{n}]"))?;
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    if labels.len() > MAX_LABELS {
        return Err(ApiError::bad_field("labels", format!("at most {MAX_LABELS} labels")));
    }
    Ok(labels)
}

/// A site's label definitions as stored: names in a label's one spelling, unique,
/// descriptions trimmed (at most 200 characters), sorted by name.
pub fn definitions(typed: Vec<LabelDefinition>) -> Result<Vec<LabelDefinition>, ApiError> {
    if typed.len() > MAX_LABEL_DEFINITIONS {
        return Err(ApiError::bad_field("labels", format!("at most {MAX_LABEL_DEFINITIONS} labels")));
    }
    let mut stored: Vec<LabelDefinition> = Vec::with_capacity(typed.len());
    for (n, definition) in typed.into_iter().enumerate() {
        let name = label_at(&definition.name, format!("labels[{n}].name"))?;
        if stored.iter().any(|d| d.name == name) {
            return Err(ApiError::bad_field(format!("labels[{n}].name"), format!("{name} is defined twice")));
        }
        let description = definition.description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
        if description.as_ref().is_some_and(|d| d.chars().count() > 200) {
            return Err(ApiError::bad_field(format!("labels[{n}].description"), "at most 200 characters"));
        }
        stored.push(LabelDefinition { name, description, ..definition });
    }
    stored.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(stored)
}

/// `current` with `add` appended (those not there yet, in order) and `remove` taken off;
/// all in their stored spelling. More than [`MAX_LABELS`] is refused.
pub fn edit(current: &[String], add: &[String], remove: &[String]) -> Result<Vec<String>, ApiError> {
    let mut labels: Vec<String> = current.iter().filter(|label| !remove.contains(label)).cloned().collect();
    for label in add {
        if !labels.contains(label) && !remove.contains(label) {
            labels.push(label.clone());
        }
    }
    if labels.len() > MAX_LABELS {
        return Err(ApiError::bad_field("labels", format!("at most {MAX_LABELS} labels")));
    }
    Ok(labels)
}

/// `current` with `patch` applied: each key set, or removed by `null`.
pub fn patch_attributes(
    current: &BTreeMap<String, Value>,
    patch: &BTreeMap<String, Value>,
) -> Result<BTreeMap<String, Value>, ApiError> {
    let mut attributes = current.clone();
    for (key, value) in patch {
        let field = format!("attributes.{key}");
        let well_formed = (1..=40).contains(&key.len())
            && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !well_formed {
            return Err(ApiError::bad_field(field, "keys are 1 to 40 lowercase letters, digits or _"));
        }
        match value {
            Value::Null => {
                attributes.remove(key);
            }
            Value::String(text) if text.chars().count() <= MAX_ATTRIBUTE_CHARS => {
                attributes.insert(key.clone(), Value::String(text.trim().to_owned()));
            }
            Value::Number(_) | Value::Bool(_) => {
                attributes.insert(key.clone(), value.clone());
            }
            _ => {
                return Err(ApiError::bad_field(
                    field,
                    format!("text of at most {MAX_ATTRIBUTE_CHARS} characters, a number, true/false or null"),
                ))
            }
        }
    }
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(ApiError::bad_field("attributes", format!("at most {MAX_ATTRIBUTES} attributes")));
    }
    Ok(attributes)
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::api::site_settings::{LabelColor, LabelDefinition};

    #[test]
    fn a_sites_labels_are_stored_in_their_one_spelling_once_each() {
        let define =
            |name: &str, color| LabelDefinition { name: name.into(), color, description: Some(" ".into()) };
        let stored =
            definitions(vec![define(" VIP ", LabelColor::Red), define("billing", LabelColor::Green)])
                .unwrap();
        assert_eq!(stored.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["billing", "vip"]);
        assert_eq!((stored[1].color, stored[1].description.clone()), (LabelColor::Red, None));
        let twice =
            definitions(vec![define("vip", LabelColor::Red), define("VIP", LabelColor::Blue)]).unwrap_err();
        assert_eq!(twice.field.as_deref(), Some("labels[1].name"));
        assert_eq!(
            definitions(vec![define("<b>", LabelColor::Red)]).unwrap_err().field.as_deref(),
            Some("labels[0].name")
        );
    }

    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    #[test]
    fn labels_are_one_spelling_each_in_the_order_given() {
        let typed = ["  VIP ", "billing   issue", "vip", "Order:AB-1234", "Café"].map(String::from);
        assert_eq!(labels(&typed).unwrap(), ["vip", "billing issue", "order:ab-1234", "café"]);
    }

    #[test]
    fn bad_labels_name_the_one_at_fault() {
        let error = labels(&["ok".into(), "   ".into()]).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("labels[1]"));
        assert!(labels(&["<script>".into()]).is_err());
        assert!(labels(&["x".repeat(MAX_LABEL_CHARS + 1)]).is_err());
        let many: Vec<String> = (0..=MAX_LABELS).map(|n| format!("l{n}")).collect();
        assert_eq!(labels(&many).unwrap_err().field.as_deref(), Some("labels"));
        // Repeats do not count against the limit.
        let repeated: Vec<String> = (0..50).map(|_| "same".to_owned()).collect();
        assert_eq!(labels(&repeated).unwrap(), ["same"]);
    }

    #[test]
    fn attributes_are_set_kept_and_removed_key_by_key() {
        let current = BTreeMap::from([("plan".to_owned(), json!("pro")), ("seats".to_owned(), json!(3))]);
        let patch = BTreeMap::from([
            ("seats".to_owned(), Value::Null),
            ("order_id".to_owned(), json!(" AB-1234 ")),
            ("urgent".to_owned(), json!(true)),
        ]);
        let patched = patch_attributes(&current, &patch).unwrap();
        assert_eq!(
            patched,
            BTreeMap::from([
                ("order_id".to_owned(), json!("AB-1234")),
                ("plan".to_owned(), json!("pro")),
                ("urgent".to_owned(), json!(true)),
            ])
        );
    }

    #[test]
    fn bad_attributes_name_the_key_at_fault() {
        let empty = BTreeMap::new();
        for (key, value) in [("Plan", json!("x")), ("plan", json!({"a": 1})), ("plan", json!([1]))] {
            let patch = BTreeMap::from([(key.to_owned(), value)]);
            let error = patch_attributes(&empty, &patch).unwrap_err();
            assert_eq!(error.field, Some(format!("attributes.{key}")));
        }
        let long = BTreeMap::from([("note".to_owned(), json!("x".repeat(MAX_ATTRIBUTE_CHARS + 1)))]);
        assert!(patch_attributes(&empty, &long).is_err());
        let many: BTreeMap<String, Value> =
            (0..=MAX_ATTRIBUTES).map(|n| (format!("k{n}"), json!(n))).collect();
        assert_eq!(patch_attributes(&empty, &many).unwrap_err().field.as_deref(), Some("attributes"));
    }

    proptest! {
        #[test]
        fn stored_labels_read_back_as_themselves(typed in proptest::collection::vec("[ A-Za-zé0-9:_-]{0,50}", 0..30)) {
            if let Ok(stored) = labels(&typed) {
                prop_assert!(stored.len() <= MAX_LABELS);
                prop_assert_eq!(labels(&stored).unwrap(), stored.clone());
                for label in &stored {
                    prop_assert!(label.chars().count() <= MAX_LABEL_CHARS);
                }
            }
        }

        #[test]
        fn a_patch_sets_what_it_names_and_keeps_the_rest(
            current in proptest::collection::btree_map("[a-z]{1,5}", 0i64..100, 0..10),
            patch in proptest::collection::btree_map("[a-z]{1,5}", proptest::option::of(0i64..100), 0..10),
        ) {
            let current: BTreeMap<String, Value> = current.into_iter().map(|(k, v)| (k, json!(v))).collect();
            let patch: BTreeMap<String, Value> =
                patch.into_iter().map(|(k, v)| (k, v.map_or(Value::Null, |v| json!(v)))).collect();
            let patched = patch_attributes(&current, &patch).unwrap();
            for (key, value) in &patch {
                prop_assert_eq!(patched.get(key), (!value.is_null()).then_some(value));
            }
            for (key, value) in &current {
                if !patch.contains_key(key) {
                    prop_assert_eq!(patched.get(key), Some(value));
                }
            }
        }
    }
}
