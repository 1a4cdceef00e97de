//! Contacts: one per person. Checking what people type into one, keeping it current from
//! what a visitor's conversations learn (a typed name or email is added, never used to
//! merge), linking a visitor whose identity the site verified to the contact with that
//! identity, and merging two contacts into one without losing anything.

use std::collections::BTreeMap;

use switchboard_protocol::api::contacts::{
    AttributeDefinition, ContactRecord, CreateRequest, UpdateRequest, MAX_CONTACT_POINTS, MAX_NOTES_CHARS,
};
use switchboard_protocol::channels::Channel;
use switchboard_protocol::contact::Contact;
use switchboard_protocol::inbox::ConversationSummary;
use switchboard_protocol::{ApiError, ErrorCode, VisitorId};

use crate::contact_attributes;
use crate::fields::{normalise_email, FieldKind};

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, format!("{field}: {}", message.into())).at_field(field)
}

/// A contact id from 16 random bytes.
pub fn new_id(random: [u8; 16]) -> String {
    format!("ctc_{}", random.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// Whether `id` looks like a contact id (anything else is `not_found` without a lookup).
pub fn is_id(id: &str) -> bool {
    id.strip_prefix("ctc_").is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn name(typed: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(name) = typed.map(str::trim).filter(|name| !name.is_empty()) else { return Ok(None) };
    if name.chars().count() > 200 {
        return Err(bad("name", "at most 200 characters"));
    }
    Ok(Some(name.to_owned()))
}

fn emails(typed: &[String]) -> Result<Vec<String>, ApiError> {
    if typed.len() > MAX_CONTACT_POINTS {
        return Err(bad("emails", format!("at most {MAX_CONTACT_POINTS}")));
    }
    let mut kept: Vec<String> = Vec::new();
    for (n, email) in typed.iter().enumerate() {
        let email =
            normalise_email(email).ok_or_else(|| bad(&format!("emails[{n}]"), "not an email address"))?;
        if !kept.contains(&email) {
            kept.push(email);
        }
    }
    Ok(kept)
}

fn phones(typed: &[String]) -> Result<Vec<String>, ApiError> {
    if typed.len() > MAX_CONTACT_POINTS {
        return Err(bad("phones", format!("at most {MAX_CONTACT_POINTS}")));
    }
    let mut kept: Vec<String> = Vec::new();
    for (n, phone) in typed.iter().enumerate() {
        let phone = FieldKind::Phone
            .validate(phone)
            .map_err(|_| bad(&format!("phones[{n}]"), "not a phone number"))?;
        if !kept.iter().any(|k| digits(k) == digits(&phone)) {
            kept.push(phone);
        }
    }
    Ok(kept)
}

fn notes(typed: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(notes) = typed.map(str::trim).filter(|notes| !notes.is_empty()) else { return Ok(None) };
    if notes.chars().count() > MAX_NOTES_CHARS {
        return Err(bad("notes", format!("at most {MAX_NOTES_CHARS} characters")));
    }
    Ok(Some(notes.to_owned()))
}

/// How a phone number is looked up: its digits (`+1 (555) 123-4567` and `+15551234567` are
/// one number).
pub fn phone_key(phone: &str) -> String {
    digits(phone)
}

fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// A new contact from what someone typed.
pub fn create(
    request: &CreateRequest,
    definitions: &[AttributeDefinition],
    id: String,
    now: i64,
) -> Result<ContactRecord, ApiError> {
    Ok(ContactRecord {
        name: name(request.name.as_deref())?,
        emails: emails(&request.emails)?,
        phones: phones(&request.phones)?,
        attributes: contact_attributes::apply(definitions, BTreeMap::new(), &request.attributes)?,
        notes: notes(request.notes.as_deref())?,
        ..ContactRecord::empty(id, now)
    })
}

/// `contact` with `change` applied.
pub fn update(
    mut contact: ContactRecord,
    change: &UpdateRequest,
    definitions: &[AttributeDefinition],
    now: i64,
) -> Result<ContactRecord, ApiError> {
    if let Some(typed) = &change.name {
        contact.name = name(Some(typed))?;
    }
    if let Some(typed) = &change.emails {
        contact.emails = emails(typed)?;
    }
    if let Some(typed) = &change.phones {
        contact.phones = phones(typed)?;
    }
    if let Some(typed) = &change.notes {
        contact.notes = notes(Some(typed))?;
    }
    contact.attributes = contact_attributes::apply(definitions, contact.attributes, &change.attributes)?;
    contact.updated_at = now;
    Ok(contact)
}

/// The contact made for a visitor seen for the first time, from what their conversation knows.
pub fn for_visitor(visitor: &VisitorId, seen: Option<&Contact>, id: String, now: i64) -> ContactRecord {
    let new = ContactRecord { visitor_ids: vec![visitor.clone()], ..ContactRecord::empty(id, now) };
    match seen {
        Some(seen) => learn(new.clone(), seen, now).unwrap_or(new),
        None => new,
    }
}

/// `contact` with what a conversation learnt about the person (`None`: nothing new). A typed
/// name fills an empty one; a typed or verified email is added; a verified identity is kept
/// when the contact has none (a different one is left alone: the caller links by identity).
pub fn learn(mut contact: ContactRecord, seen: &Contact, now: i64) -> Option<ContactRecord> {
    let before = contact.clone();
    if contact.name.is_none() {
        contact.name = seen.display_name().map(|n| n.chars().take(200).collect());
    }
    let typed = [seen.identity.as_ref().and_then(|i| i.email.as_deref()), seen.email.as_deref()];
    for email in typed.into_iter().flatten().filter_map(normalise_email) {
        if !contact.emails.contains(&email) && contact.emails.len() < MAX_CONTACT_POINTS {
            contact.emails.push(email);
        }
    }
    if contact.identity.is_none() {
        contact.identity = seen.identity.clone();
    }
    (contact != before).then_some(ContactRecord { updated_at: now, ..contact })
}

/// The phone number a conversation proves its customer has: on SMS and WhatsApp, the number
/// the provider delivered their messages from (the edge wrote it into the contact; the
/// customer cannot); on any channel, a `phone` the site's backend signed into the visitor's
/// identity token, when it is an international number. A number typed into a chat or claimed
/// unsigned proves nothing.
pub fn verified_phone(summary: &ConversationSummary) -> Option<&str> {
    let contact = summary.contact.as_ref()?;
    if matches!(summary.channel, Channel::Sms | Channel::Whatsapp) {
        return contact.attributes.get("phone").map(String::as_str);
    }
    let signed = contact.identity.as_ref()?.attributes.get("phone")?;
    is_international(signed).then_some(signed.as_str())
}

/// `+`, then 7 to 15 digits (spaces, dashes, dots and brackets allowed between them).
fn is_international(phone: &str) -> bool {
    let Some(rest) = phone.trim().strip_prefix('+') else { return false };
    let written = rest.chars().all(|c| c.is_ascii_digit() || " -.()".contains(c));
    written && (7..=15).contains(&digits(rest).len())
}

/// `contact` with `phone` among its numbers (`None`: it has it, or has no room).
pub fn with_phone(mut contact: ContactRecord, phone: &str, now: i64) -> Option<ContactRecord> {
    let known = contact.phones.iter().any(|known| digits(known) == digits(phone));
    if known || contact.phones.len() >= MAX_CONTACT_POINTS {
        return None;
    }
    contact.phones.push(phone.to_owned());
    Some(ContactRecord { updated_at: now, ..contact })
}

/// The verified user id a conversation's contact carries, if the site vouched for one.
pub fn verified_user(seen: Option<&Contact>) -> Option<&str> {
    seen.and_then(|c| c.identity.as_ref()).map(|i| i.user_id.as_str())
}

/// `from` merged into `into`: every email, phone, visitor and attribute kept (`into`'s win
/// where both have one), notes joined. Refused when both are verified as different people.
pub fn merge(into: ContactRecord, from: ContactRecord, now: i64) -> Result<ContactRecord, ApiError> {
    if into.id == from.id {
        return Err(bad("from", "a contact cannot be merged into itself"));
    }
    if let (Some(a), Some(b)) = (&into.identity, &from.identity) {
        if a.user_id != b.user_id {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "both contacts are verified as different users of the site; they cannot be one person",
            ));
        }
    }
    let mut merged = into;
    merged.name = merged.name.or(from.name);
    merged.identity = merged.identity.or(from.identity);
    for email in from.emails {
        if !merged.emails.contains(&email) {
            merged.emails.push(email);
        }
    }
    for phone in from.phones {
        if !merged.phones.iter().any(|p| digits(p) == digits(&phone)) {
            merged.phones.push(phone);
        }
    }
    for visitor in from.visitor_ids {
        if !merged.visitor_ids.contains(&visitor) {
            merged.visitor_ids.push(visitor);
        }
    }
    for (key, value) in from.attributes {
        merged.attributes.entry(key).or_insert(value);
    }
    merged.notes = match (merged.notes, from.notes) {
        (Some(a), Some(b)) => Some(format!("{a}\n\n{b}")),
        (a, b) => a.or(b),
    };
    merged.created_at = merged.created_at.min(from.created_at);
    merged.updated_at = now;
    Ok(merged)
}

/// What a contact is found by (`q`): its name, emails and phones (also as bare digits),
/// lowercased.
pub fn haystack(contact: &ContactRecord) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(contact.name.iter().map(|n| n.to_lowercase()));
    parts.extend(contact.emails.iter().cloned());
    parts.extend(contact.phones.iter().flat_map(|p| [p.to_lowercase(), digits(p)]));
    parts.extend(contact.identity.iter().map(|i| i.user_id.to_lowercase()));
    parts.join(" ")
}

/// The longest needle, in bytes: the runtime's SQLite refuses `LIKE` patterns past 50 bytes,
/// and a longer search narrows little further.
pub const MAX_NEEDLE_BYTES: usize = 46;

/// What a typed search looks for in [`haystack`]s: lowercased, bare digits when it is a
/// phone number, and at most [`MAX_NEEDLE_BYTES`] (cut at a character boundary).
pub fn needle(typed: &str) -> Option<String> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() || typed.chars().count() > 200 {
        return None;
    }
    let looks_like_phone = typed.chars().all(|c| c.is_ascii_digit() || " +-.()".contains(c))
        && typed.chars().filter(char::is_ascii_digit).count() >= 4;
    let mut needle = if looks_like_phone { digits(&typed) } else { typed };
    let mut end = needle.len().min(MAX_NEEDLE_BYTES);
    while !needle.is_char_boundary(end) {
        end -= 1;
    }
    needle.truncate(end);
    Some(needle)
}

#[cfg(test)]
mod tests;
