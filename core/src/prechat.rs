//! The pre-chat form: fields a site asks visitors to fill in before their first message
//! (name, email, an order number…). The site's admins define them; the widget shows them and
//! checks answers as the visitor types; the edge checks them again before they reach the
//! contact (a visitor's browser is never trusted).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::fields::FieldKind;

/// Most fields a form has.
pub const MAX_FIELDS: usize = 6;

/// Longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 80;

/// One field of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrechatField {
    /// Where the answer goes: `name` and `email` fill the contact's own fields, anything else
    /// becomes an attribute. Lowercase letters, digits and `_`, up to 40.
    pub name: String,
    /// What the visitor reads above the box.
    pub label: String,
    /// What an answer must look like (`{"type":"email"}`; text by default).
    #[serde(default)]
    pub kind: FieldKind,
    /// Whether it must be filled in.
    #[serde(default)]
    pub required: bool,
}

/// Why an answer is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// A required field is empty.
    Required,
    /// The answer does not fit the field's kind.
    Invalid(FieldKind),
}

/// Checks a form as an admin wrote it.
pub fn validate_config(fields: &[PrechatField]) -> Result<(), String> {
    if fields.len() > MAX_FIELDS {
        return Err(format!("a pre-chat form has at most {MAX_FIELDS} fields"));
    }
    for (i, field) in fields.iter().enumerate() {
        let good_name = !field.name.is_empty()
            && field.name.len() <= 40
            && field.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !good_name {
            return Err(format!("field names are 1 to 40 of a-z, 0-9 and _ (got {:?})", field.name));
        }
        if fields[..i].iter().any(|earlier| earlier.name == field.name) {
            return Err(format!("the field {:?} appears twice", field.name));
        }
        let label = field.label.trim();
        if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
            return Err(format!("field labels have 1 to {MAX_LABEL_CHARS} characters"));
        }
    }
    Ok(())
}

/// Checks `answers` against `fields`: every required field filled, every filled one valid
/// for its kind, nothing else. Returns the cleaned answers (blank optional ones left out), or
/// every field's problem.
pub fn check(
    fields: &[PrechatField],
    answers: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, Vec<(String, Problem)>> {
    let mut clean = BTreeMap::new();
    let mut problems = Vec::new();
    for field in fields {
        let answer = answers.get(&field.name).map(|a| a.trim()).unwrap_or_default();
        if answer.is_empty() {
            if field.required {
                problems.push((field.name.clone(), Problem::Required));
            }
            continue;
        }
        match field.kind.validate(answer) {
            Ok(value) => {
                clean.insert(field.name.clone(), value);
            }
            Err(_) => problems.push((field.name.clone(), Problem::Invalid(field.kind))),
        }
    }
    for unknown in answers.keys().filter(|name| !fields.iter().any(|f| &f.name == *name)) {
        problems.push((unknown.clone(), Problem::Invalid(FieldKind::Text)));
    }
    if problems.is_empty() {
        Ok(clean)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Vec<PrechatField> {
        let field = |name: &str, kind, required| PrechatField {
            name: name.into(),
            label: format!("Your {name}"),
            kind,
            required,
        };
        vec![
            field("name", FieldKind::Text, true),
            field("email", FieldKind::Email, true),
            field("order", FieldKind::Digits { min: 4, max: 8 }, false),
        ]
    }

    fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn required_and_kinds_are_checked_field_by_field() {
        let problems =
            check(&form(), &answers(&[("name", "  "), ("email", "ada@"), ("order", "12")])).unwrap_err();
        assert_eq!(
            problems,
            [
                ("name".to_string(), Problem::Required),
                ("email".to_string(), Problem::Invalid(FieldKind::Email)),
                ("order".to_string(), Problem::Invalid(FieldKind::Digits { min: 4, max: 8 })),
            ]
        );
        let ok = check(&form(), &answers(&[("name", " Ada "), ("email", "Ada@Example.com"), ("order", "")]))
            .unwrap();
        assert_eq!(ok, answers(&[("name", "Ada"), ("email", "ada@example.com")]));
        let sneaky = check(&form(), &answers(&[("name", "Ada"), ("email", "a@b.co"), ("role", "admin")]));
        assert_eq!(sneaky.unwrap_err(), [("role".to_string(), Problem::Invalid(FieldKind::Text))]);
    }

    #[test]
    fn forms_are_checked_when_admins_write_them() {
        assert!(validate_config(&form()).is_ok());
        let mut twice = form();
        twice.push(twice[0].clone());
        assert!(validate_config(&twice).unwrap_err().contains("twice"));
        let mut bad = form();
        bad[0].name = "Full Name".into();
        assert!(validate_config(&bad).is_err());
        bad = form();
        bad[1].label = " ".into();
        assert!(validate_config(&bad).is_err());
        assert!(validate_config(&vec![form()[0].clone(); 7]).is_err());
    }
}
