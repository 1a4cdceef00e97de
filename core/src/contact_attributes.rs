//! A site's typed custom attributes for contacts: checking the definitions an admin saves,
//! and each value against its definition (a number is a number, a date a real date, a list's
//! value one of its options). Values for keys no definition names are refused, so a typo
//! never becomes a new attribute nobody sees.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;
use switchboard_protocol::api::contacts::{AttributeDefinition, AttributeKind, MAX_ATTRIBUTE_DEFINITIONS};
use switchboard_protocol::contact::MAX_CONTACT_FIELD_CHARS;
use switchboard_protocol::ApiError;

/// Checks the definitions a site saves: keys unique and well-formed, labels present, lists
/// with options.
pub fn check_definitions(definitions: &[AttributeDefinition]) -> Result<(), ApiError> {
    if definitions.len() > MAX_ATTRIBUTE_DEFINITIONS {
        return Err(ApiError::bad_field("attributes", format!("at most {MAX_ATTRIBUTE_DEFINITIONS}")));
    }
    let mut keys = HashSet::new();
    for (n, definition) in definitions.iter().enumerate() {
        let key = &definition.key;
        let well_formed = (1..=40).contains(&key.len())
            && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !well_formed {
            return Err(ApiError::bad_field(
                format!("attributes[{n}].key"),
                "1 to 40 lowercase letters, digits or _",
            ));
        }
        if !keys.insert(key.as_str()) {
            return Err(ApiError::bad_field(
                format!("attributes[{n}].key"),
                format!("{key} is defined twice"),
            ));
        }
        if definition.label.trim().is_empty() || definition.label.chars().count() > 80 {
            return Err(ApiError::bad_field(format!("attributes[{n}].label"), "1 to 80 characters"));
        }
        if let AttributeKind::List { options } = &definition.kind {
            if options.is_empty() || options.len() > 50 || options.iter().any(|o| o.trim().is_empty()) {
                return Err(ApiError::bad_field(
                    format!("attributes[{n}].kind.options"),
                    "1 to 50 options, none empty",
                ));
            }
        }
    }
    Ok(())
}

/// Checks one value against its definition; answers it as stored.
pub fn check_value(definition: &AttributeDefinition, value: &Value) -> Result<Value, ApiError> {
    let field = format!("attributes.{}", definition.key);
    match (&definition.kind, value) {
        (AttributeKind::Text, Value::String(text)) if text.chars().count() <= MAX_CONTACT_FIELD_CHARS => {
            Ok(Value::String(text.trim().to_owned()))
        }
        (AttributeKind::Text, _) => {
            Err(ApiError::bad_field(field, format!("text of at most {MAX_CONTACT_FIELD_CHARS} characters")))
        }
        (AttributeKind::Number, Value::Number(_)) => Ok(value.clone()),
        (AttributeKind::Number, _) => Err(ApiError::bad_field(field, "a number")),
        (AttributeKind::Boolean, Value::Bool(_)) => Ok(value.clone()),
        (AttributeKind::Boolean, _) => Err(ApiError::bad_field(field, "true or false")),
        (AttributeKind::Date, Value::String(date)) if is_date(date) => Ok(value.clone()),
        (AttributeKind::Date, _) => Err(ApiError::bad_field(field, "a date, YYYY-MM-DD")),
        (AttributeKind::List { options }, Value::String(choice)) if options.contains(choice) => {
            Ok(value.clone())
        }
        (AttributeKind::List { options }, _) => {
            Err(ApiError::bad_field(field, format!("one of {}", options.join(", "))))
        }
    }
}

/// `changes` applied to `current` under `definitions`: each value checked, `null` removing.
pub fn apply(
    definitions: &[AttributeDefinition],
    mut current: BTreeMap<String, Value>,
    changes: &BTreeMap<String, Value>,
) -> Result<BTreeMap<String, Value>, ApiError> {
    for (key, value) in changes {
        if value.is_null() {
            current.remove(key);
            continue;
        }
        let definition = definitions.iter().find(|d| &d.key == key).ok_or_else(|| {
            ApiError::bad_field(
                format!("attributes.{key}"),
                "no such attribute; an admin defines them in Settings",
            )
        })?;
        current.insert(key.clone(), check_value(definition, value)?);
    }
    Ok(current)
}

/// Whether `text` is a real calendar date `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else { return false };
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten()
    };
    let (Some(year), Some(month), Some(day)) = (number(year, 4), number(month, 2), number(day, 2)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn definitions() -> Vec<AttributeDefinition> {
        vec![
            AttributeDefinition {
                key: "plan".into(),
                label: "Plan".into(),
                kind: AttributeKind::List { options: vec!["free".into(), "pro".into()] },
            },
            AttributeDefinition { key: "seats".into(), label: "Seats".into(), kind: AttributeKind::Number },
            AttributeDefinition { key: "renews".into(), label: "Renews".into(), kind: AttributeKind::Date },
            AttributeDefinition { key: "vip".into(), label: "VIP".into(), kind: AttributeKind::Boolean },
        ]
    }

    #[test]
    fn values_must_fit_their_definitions() {
        let changes = BTreeMap::from([
            ("plan".to_owned(), json!("pro")),
            ("seats".to_owned(), json!(12)),
            ("renews".to_owned(), json!("2024-02-29")),
            ("vip".to_owned(), json!(true)),
        ]);
        let stored = apply(&definitions(), BTreeMap::new(), &changes).expect("fits");
        assert_eq!(stored.len(), 4);
        for (key, value, field) in [
            ("plan", json!("gold"), "attributes.plan"),
            ("seats", json!("12"), "attributes.seats"),
            ("renews", json!("2023-02-29"), "attributes.renews"),
            ("vip", json!("yes"), "attributes.vip"),
            ("colour", json!("red"), "attributes.colour"),
        ] {
            let error = apply(&definitions(), BTreeMap::new(), &BTreeMap::from([(key.to_owned(), value)]))
                .unwrap_err();
            assert_eq!(error.field.as_deref(), Some(field));
        }
        let removed = apply(&definitions(), stored, &BTreeMap::from([("vip".to_owned(), Value::Null)]))
            .expect("removes");
        assert!(!removed.contains_key("vip"));
    }

    #[test]
    fn definitions_are_checked() {
        assert!(check_definitions(&definitions()).is_ok());
        let mut twice = definitions();
        twice.push(definitions()[0].clone());
        assert_eq!(check_definitions(&twice).unwrap_err().field.as_deref(), Some("attributes[4].key"));
        let bad_key = vec![AttributeDefinition {
            key: "Plan Name".into(),
            label: "x".into(),
            kind: AttributeKind::Text,
        }];
        assert!(check_definitions(&bad_key).is_err());
        let empty_list = vec![AttributeDefinition {
            key: "a".into(),
            label: "A".into(),
            kind: AttributeKind::List { options: vec![] },
        }];
        assert!(check_definitions(&empty_list).is_err());
    }
}
