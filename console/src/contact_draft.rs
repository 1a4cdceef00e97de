//! The contact editor's draft: every field as the agent types it (text), and the conversions
//! to and from the REST API's values — comma-separated emails and phones, custom attributes
//! by their kind, and which input an error body's `field` points at. Pure, so it is tested
//! natively.

use std::rc::Rc;

use serde_json::Value;
use switchboard_protocol::api::contacts::{
    AttributeDefinition, AttributeKind, ContactRecord, CreateRequest, UpdateRequest,
};
use yew::Reducible;

/// How a contact without a name is listed.
pub const UNNAMED: &str = "Unnamed visitor";

/// A contact's name, or [`UNNAMED`].
pub fn display_name(contact: &ContactRecord) -> String {
    match contact.name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => UNNAMED.to_owned(),
    }
}

/// The entries of a comma-separated list (commas, semicolons or line breaks), trimmed, blanks
/// and repeats dropped, in the order typed.
pub fn split_list(text: &str) -> Vec<String> {
    let mut entries: Vec<String> = Vec::new();
    for entry in text.split([',', ';', '\n']).map(str::trim).filter(|e| !e.is_empty()) {
        if !entries.iter().any(|known| known.eq_ignore_ascii_case(entry)) {
            entries.push(entry.to_owned());
        }
    }
    entries
}

/// A list as the input shows it: `a@example.com, b@example.com`.
pub fn join_list(entries: &[String]) -> String {
    entries.join(", ")
}

/// An attribute's stored value as its input holds it: text as is, numbers written out,
/// `true`/`false` for a checkbox.
pub fn attribute_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Bool(yes) => yes.to_string(),
        other => other.to_string(),
    }
}

/// The value an input's text stands for, by the attribute's kind; `null` (remove it) when the
/// input is blank. The error is a sentence for the agent.
pub fn attribute_value(kind: &AttributeKind, text: &str) -> Result<Value, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Value::Null);
    }
    match kind {
        AttributeKind::Text | AttributeKind::Date => Ok(Value::String(text.to_owned())),
        AttributeKind::Boolean => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("Must be yes or no.".to_owned()),
        },
        AttributeKind::Number => {
            let number: f64 = text.parse().map_err(|_| "Must be a number.".to_owned())?;
            // Whole numbers stay integers (`12`, not `12.0`).
            if number.fract() == 0.0 && number.abs() < 9.0e15 {
                Ok(Value::from(number as i64))
            } else {
                serde_json::Number::from_f64(number).map(Value::Number).ok_or("Must be a number.".to_owned())
            }
        }
        AttributeKind::List { options } => match options.iter().find(|o| o.as_str() == text) {
            Some(option) => Ok(Value::String(option.clone())),
            None => Err(format!("Must be one of: {}.", options.join(", "))),
        },
    }
}

/// Which input an error body's `field` is about: `emails[1]` → `emails`; `attributes.plan`
/// stays as it is (each attribute has its own input).
pub fn field_key(field: &str) -> &str {
    field.split_once('[').map_or(field, |(key, _)| key)
}

/// What is wrong with one input: its key (as [`field_key`] gives it) and the sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `name`, `emails`, `phones`, `notes`, `attributes.plan`; `None` for the whole form.
    pub field: Option<String>,
    /// What to tell the agent.
    pub message: String,
}

impl FieldError {
    /// An error about `field` (an error body's, with any index).
    pub fn new(field: Option<&str>, message: impl Into<String>) -> Self {
        FieldError { field: field.map(|f| field_key(f).to_owned()), message: message.into() }
    }

    /// The message when it is about `key`.
    pub fn about(&self, key: &str) -> Option<String> {
        (self.field.as_deref() == Some(key)).then(|| self.message.clone())
    }
}

/// One input of the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftField {
    /// The name.
    Name,
    /// The comma-separated emails.
    Emails,
    /// The comma-separated phones.
    Phones,
    /// The notes.
    Notes,
    /// A custom attribute, by key.
    Attribute(String),
}

/// The editor's inputs, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// Name.
    pub name: String,
    /// Emails, comma separated.
    pub emails: String,
    /// Phones, comma separated.
    pub phones: String,
    /// Notes.
    pub notes: String,
    /// Attributes' texts, by key (a missing key is blank).
    pub attributes: std::collections::BTreeMap<String, String>,
}

/// A change to the draft.
pub enum Edit {
    /// An input changed.
    Set(DraftField, String),
    /// Start again from a (saved) contact.
    Reset(Draft),
}

impl Reducible for Draft {
    type Action = Edit;

    fn reduce(self: Rc<Self>, action: Edit) -> Rc<Self> {
        let mut draft = (*self).clone();
        match action {
            Edit::Reset(fresh) => return Rc::new(fresh),
            Edit::Set(DraftField::Name, text) => draft.name = text,
            Edit::Set(DraftField::Emails, text) => draft.emails = text,
            Edit::Set(DraftField::Phones, text) => draft.phones = text,
            Edit::Set(DraftField::Notes, text) => draft.notes = text,
            Edit::Set(DraftField::Attribute(key), text) => {
                draft.attributes.insert(key, text);
            }
        }
        Rc::new(draft)
    }
}

impl Draft {
    /// The inputs showing `contact` as stored.
    pub fn from_record(contact: &ContactRecord) -> Self {
        Draft {
            name: contact.name.clone().unwrap_or_default(),
            emails: join_list(&contact.emails),
            phones: join_list(&contact.phones),
            notes: contact.notes.clone().unwrap_or_default(),
            attributes: contact.attributes.iter().map(|(k, v)| (k.clone(), attribute_text(v))).collect(),
        }
    }

    /// An attribute's text (blank when unset).
    pub fn attribute(&self, key: &str) -> &str {
        self.attributes.get(key).map_or("", String::as_str)
    }

    /// The `PATCH` that turns `contact` into this draft: only what changed, attributes
    /// converted by their definitions (one no longer defined is left alone).
    pub fn to_update(
        &self,
        contact: &ContactRecord,
        definitions: &[AttributeDefinition],
    ) -> Result<UpdateRequest, FieldError> {
        let mut update = UpdateRequest::default();
        let name = self.name.trim();
        if name != contact.name.as_deref().unwrap_or_default() {
            update.name = Some(name.to_owned());
        }
        let emails = split_list(&self.emails);
        if emails != contact.emails {
            update.emails = Some(emails);
        }
        let phones = split_list(&self.phones);
        if phones != contact.phones {
            update.phones = Some(phones);
        }
        if self.notes.trim() != contact.notes.as_deref().unwrap_or_default().trim() {
            update.notes = Some(self.notes.trim().to_owned());
        }
        for definition in definitions {
            let key = format!("attributes.{}", definition.key);
            let value = attribute_value(&definition.kind, self.attribute(&definition.key))
                .map_err(|message| FieldError::new(Some(&key), message))?;
            let stored = contact.attributes.get(&definition.key).unwrap_or(&Value::Null);
            if &value != stored {
                update.attributes.insert(definition.key.clone(), value);
            }
        }
        Ok(update)
    }
}

/// The "New contact" form's request: blank fields left out.
pub fn new_contact(name: &str, email: &str, phone: &str) -> CreateRequest {
    let name = name.trim();
    CreateRequest {
        name: (!name.is_empty()).then(|| name.to_owned()),
        emails: split_list(email),
        phones: split_list(phone),
        ..CreateRequest::default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record() -> ContactRecord {
        serde_json::from_value(json!({
            "id": "ctc_1", "name": "Ada", "emails": ["ada@example.com"], "phones": [],
            "attributes": { "plan": "free", "seats": 3 }, "visitor_ids": [],
            "created_at": 1, "updated_at": 2
        }))
        .unwrap()
    }

    fn definitions() -> Vec<AttributeDefinition> {
        serde_json::from_value(json!([
            { "key": "plan", "label": "Plan", "kind": { "type": "list", "options": ["free", "pro"] } },
            { "key": "seats", "label": "Seats", "kind": { "type": "number" } },
            { "key": "vip", "label": "VIP", "kind": { "type": "boolean" } },
        ]))
        .unwrap()
    }

    #[test]
    fn lists_are_split_trimmed_and_deduplicated() {
        assert_eq!(split_list(" a@x.com, b@x.com ;\nA@X.com,, "), ["a@x.com", "b@x.com"]);
        assert!(split_list(" , ").is_empty());
        assert_eq!(join_list(&split_list("a, b")), "a, b");
    }

    #[test]
    fn attribute_values_follow_their_kind() {
        let list = AttributeKind::List { options: vec!["free".into(), "pro".into()] };
        assert_eq!(attribute_value(&list, "pro"), Ok(json!("pro")));
        assert!(attribute_value(&list, "gold").is_err());
        assert_eq!(attribute_value(&AttributeKind::Number, "12"), Ok(json!(12)));
        assert_eq!(attribute_value(&AttributeKind::Number, "1.5"), Ok(json!(1.5)));
        assert!(attribute_value(&AttributeKind::Number, "twelve").is_err());
        assert_eq!(attribute_value(&AttributeKind::Boolean, "true"), Ok(json!(true)));
        assert_eq!(attribute_value(&AttributeKind::Date, "2027-03-01"), Ok(json!("2027-03-01")));
        assert_eq!(attribute_value(&AttributeKind::Text, "  "), Ok(Value::Null), "blank removes it");
        assert_eq!(attribute_text(&json!(12)), "12");
        assert_eq!(attribute_text(&json!(false)), "false");
    }

    #[test]
    fn an_update_holds_only_what_changed() {
        let contact = record();
        let mut draft = Draft::from_record(&contact);
        assert_eq!(draft.to_update(&contact, &definitions()), Ok(UpdateRequest::default()));
        draft.name = "Ada Lovelace".into();
        draft.emails = "ada@example.com, ada@work.example".into();
        draft.attributes.insert("plan".into(), "pro".into());
        draft.attributes.insert("seats".into(), String::new());
        let update = draft.to_update(&contact, &definitions()).unwrap();
        assert_eq!(update.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(update.emails, Some(vec!["ada@example.com".into(), "ada@work.example".into()]));
        assert_eq!((update.phones, update.notes), (None, None));
        assert_eq!(update.attributes.get("plan"), Some(&json!("pro")));
        assert_eq!(update.attributes.get("seats"), Some(&Value::Null), "cleared: removed");
        assert!(!update.attributes.contains_key("vip"), "never set, still unset");
        draft.attributes.insert("seats".into(), "lots".into());
        let error = draft.to_update(&contact, &definitions()).unwrap_err();
        assert_eq!(error.about("attributes.seats").as_deref(), Some("Must be a number."));
    }

    #[test]
    fn errors_point_at_their_input() {
        assert_eq!(field_key("emails[1]"), "emails");
        assert_eq!(field_key("attributes.plan"), "attributes.plan");
        assert_eq!(FieldError::new(Some("phones[0]"), "bad").about("phones").as_deref(), Some("bad"));
        assert_eq!(FieldError::new(None, "bad").about("name"), None);
    }

    #[test]
    fn new_contacts_leave_blanks_out() {
        let request = new_contact(" ", "b@x.com", "");
        assert_eq!((request.name, request.emails, request.phones), (None, vec!["b@x.com".into()], vec![]));
        assert_eq!(display_name(&record()), "Ada");
        assert_eq!(display_name(&ContactRecord { name: Some(" ".into()), ..record() }), UNNAMED);
    }
}
