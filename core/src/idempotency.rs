//! `Idempotency-Key` on creating requests: the first request with a key runs; a repeat
//! within [`TTL_MS`] gets the first one's answer (status and body) without running again; a
//! repeat with a different request is refused (`422`, it is a client's bug); a repeat while
//! the first still runs is told to wait (`409`). Keys belong to the credential that sent them.
//!
//! What is kept: answers a repeat should see again — successes, and refusals of the request
//! itself (`400`, `404`, `413`, `415`, `422`). Refusals that depend on the moment (`401`,
//! `403`, `409`, `429`) and server errors are not kept: the repeat runs afresh, as if the
//! first had never arrived.
//!
//! A kept answer can hold a person's data; [`mentions`] names the contacts and conversations
//! it is about, so that erasing one of them erases the answer too.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use switchboard_protocol::{ApiError, ErrorCode};

/// How long a key's answer is kept: a day.
pub const TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// A first request that has not finished after this long is taken to have died: a repeat runs.
pub const STALE_RUN_MS: i64 = 60 * 1000;

/// The longest key accepted, in bytes.
pub const MAX_KEY_BYTES: usize = 255;

/// The largest answer kept, in bytes; a larger one is not kept (the repeat runs again).
pub const MAX_KEPT_BODY_BYTES: usize = 64 * 1024;

/// The header, as documented.
pub const HEADER: &str = "Idempotency-Key";

/// `typed` as a key: 1 to [`MAX_KEY_BYTES`] visible ASCII characters.
pub fn key(typed: &str) -> Result<&str, ApiError> {
    let fits = (1..=MAX_KEY_BYTES).contains(&typed.len()) && typed.bytes().all(|b| b.is_ascii_graphic());
    if !fits {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            format!("{HEADER} must be 1 to {MAX_KEY_BYTES} visible ASCII characters (a UUID is a good one)"),
        )
        .at_field(HEADER));
    }
    Ok(typed)
}

/// Where a key's record lives: one per credential and key (hex SHA-256), so one caller's keys
/// never meet another's.
pub fn record_name(credential_digest: &str, key: &str) -> String {
    hex(&Sha256::new().chain_update(credential_digest).chain_update([0]).chain_update(key).finalize())
}

/// What makes two requests the same one: method, path and query, content type and body.
pub fn fingerprint(method: &str, path_and_query: &str, content_type: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    for part in [method.as_bytes(), path_and_query.as_bytes(), content_type.as_bytes()] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.update(body);
    hex(&hash.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A first request's answer, as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Its status.
    pub status: u16,
    /// Its `Content-Type`.
    pub content_type: String,
    /// Its body.
    pub body: String,
}

/// What a key's record holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The first request's [`fingerprint`].
    pub fingerprint: String,
    /// When it started, ms since the Unix epoch.
    pub started_at: i64,
    /// Its answer, once it finished with one worth keeping.
    pub answer: Option<Answer>,
}

/// What to do with a request carrying a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Begin {
    /// Run it (a record is started).
    Run,
    /// Answer this, the first request's answer, without running.
    Replay {
        /// The answer.
        answer: Answer,
    },
    /// Refuse it: the first request with this key was different.
    Mismatch,
    /// Refuse it for now: the first request with this key is still running.
    Running,
}

/// What a request with `fingerprint` arriving at `now` meets, given the key's `record`.
pub fn begin(record: Option<&Record>, fingerprint: &str, now: i64) -> Begin {
    let Some(record) = record.filter(|record| now - record.started_at < TTL_MS) else {
        return Begin::Run;
    };
    if record.fingerprint != fingerprint {
        return Begin::Mismatch;
    }
    match &record.answer {
        Some(answer) => Begin::Replay { answer: answer.clone() },
        None if now - record.started_at >= STALE_RUN_MS => Begin::Run,
        None => Begin::Running,
    }
}

/// The refusal for [`Begin::Mismatch`] or [`Begin::Running`]; `None` for the others.
pub fn refusal(begin: &Begin) -> Option<ApiError> {
    match begin {
        Begin::Mismatch => Some(
            ApiError::new(
                ErrorCode::UnprocessableEntity,
                format!("this {HEADER} was used for a different request in the last 24 h; use a new key"),
            )
            .at_field(HEADER),
        ),
        Begin::Running => Some(
            ApiError::new(
                ErrorCode::Conflict,
                format!("the first request with this {HEADER} is still running; try again shortly"),
            )
            .retry_after(1_000),
        ),
        Begin::Run | Begin::Replay { .. } => None,
    }
}

/// Whether an answer with `status` and a body of `body_bytes` is kept for repeats.
pub fn keeps(status: u16, body_bytes: usize) -> bool {
    let kept_status = (200..300).contains(&status) || matches!(status, 400 | 404 | 413 | 415 | 422);
    kept_status && body_bytes <= MAX_KEPT_BODY_BYTES
}

/// At most this many ids are noted per kept answer (a list answer names many; erasing one of
/// them beyond these still leaves the answer for at most [`TTL_MS`]).
pub const MAX_MENTIONS: usize = 32;

/// The contacts and conversations a kept answer is about: the ids in the request's `path` and
/// in the answer's JSON strings, each once, at most [`MAX_MENTIONS`].
pub fn mentions(path: &str, body: &str) -> Vec<String> {
    fn is_subject(text: &str) -> bool {
        crate::contacts::is_id(text) || switchboard_protocol::ConversationId::parse(text).is_ok()
    }
    fn strings<'a>(value: &'a serde_json::Value, found: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::String(text) => found.push(text),
            serde_json::Value::Array(items) => items.iter().for_each(|item| strings(item, found)),
            serde_json::Value::Object(fields) => fields.values().for_each(|field| strings(field, found)),
            _ => {}
        }
    }
    let answer = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    let mut texts: Vec<&str> = path.split('/').collect();
    strings(&answer, &mut texts);
    let mut found: Vec<String> = Vec::new();
    for text in texts.into_iter().filter(|text| is_subject(text)) {
        if found.len() == MAX_MENTIONS {
            break;
        }
        if !found.iter().any(|seen| seen == text) {
            found.push(text.to_owned());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_mentions_the_contacts_and_conversations_it_is_about() {
        let conversation = switchboard_protocol::ConversationId::from_random([7; 16]).to_string();
        let contact = format!("ctc_{}", "a".repeat(32));
        let body = format!(
            r#"{{"conversation_id":"{conversation}","contact":{{"id":"{contact}","name":"Ada"}},"seq":3,"tags":["{contact}"]}}"#
        );
        let path = format!("/api/v1/conversations/{conversation}/messages");
        assert_eq!(mentions(&path, &body), vec![conversation.clone(), contact]);
        assert!(mentions("/api/v1/contacts", r#"{"name":"ctc_short"}"#).is_empty());
        assert!(mentions("/api/v1/contacts", "not json").is_empty());
        let many: Vec<String> = (0..40u8)
            .map(|n| switchboard_protocol::ConversationId::from_random([n; 16]).to_string())
            .collect();
        let list = serde_json::json!({ "ids": many }).to_string();
        assert_eq!(mentions("/api/v1/x", &list).len(), MAX_MENTIONS);
    }
    use proptest::prelude::*;

    fn answered(fingerprint: &str, started_at: i64) -> Record {
        let answer =
            Answer { status: 201, content_type: "application/json".into(), body: "{\"id\":1}".into() };
        Record { fingerprint: fingerprint.into(), started_at, answer: Some(answer) }
    }

    #[test]
    fn a_repeat_gets_the_first_answer_for_a_day() {
        let record = answered("a", 1_000);
        assert!(matches!(begin(Some(&record), "a", 1_000 + TTL_MS - 1), Begin::Replay { .. }));
        assert_eq!(begin(Some(&record), "a", 1_000 + TTL_MS), Begin::Run);
    }

    #[test]
    fn a_different_request_with_the_same_key_is_refused_with_422() {
        let record = answered("a", 0);
        let outcome = begin(Some(&record), "b", 5);
        assert_eq!(outcome, Begin::Mismatch);
        let error = refusal(&outcome).expect("refused");
        assert_eq!((error.code.http_status(), error.field.as_deref()), (422, Some(HEADER)));
    }

    #[test]
    fn a_repeat_while_the_first_runs_waits_unless_the_first_died() {
        let running = Record { fingerprint: "a".into(), started_at: 0, answer: None };
        assert_eq!(begin(Some(&running), "a", STALE_RUN_MS - 1), Begin::Running);
        assert_eq!(refusal(&Begin::Running).map(|e| e.code), Some(ErrorCode::Conflict));
        assert_eq!(begin(Some(&running), "a", STALE_RUN_MS), Begin::Run);
    }

    #[test]
    fn keys_are_visible_ascii_and_bounded() {
        assert!(key("4f1c-9a").is_ok());
        for bad in ["", "with space", "é", &"k".repeat(MAX_KEY_BYTES + 1)] {
            assert_eq!(key(bad).unwrap_err().field.as_deref(), Some(HEADER), "{bad:?}");
        }
    }

    #[test]
    fn fingerprints_tell_parts_apart() {
        assert_ne!(fingerprint("POST", "/a", "b", b""), fingerprint("POST", "/ab", "", b""));
        assert_ne!(fingerprint("POST", "/a", "", b"x"), fingerprint("POST", "/a", "", b"y"));
        assert_ne!(record_name("cred-1", "k"), record_name("cred-2", "k"));
    }

    #[test]
    fn moment_dependent_refusals_are_not_kept() {
        assert!(keeps(201, 10) && keeps(400, 10) && keeps(422, 10));
        assert!(!keeps(401, 10) && !keeps(403, 10) && !keeps(409, 10) && !keeps(429, 10) && !keeps(500, 10));
        assert!(!keeps(200, MAX_KEPT_BODY_BYTES + 1));
    }

    proptest! {
        /// Within the day, a record answers a repeat with its own answer only when the
        /// requests match, and never runs a matching request twice once answered.
        #[test]
        fn replays_only_the_same_request(same in any::<bool>(), age in 0i64..TTL_MS) {
            let record = answered("first", 0);
            let asked = if same { "first" } else { "other" };
            match begin(Some(&record), asked, age) {
                Begin::Replay { answer } => prop_assert!(same && Some(answer) == record.answer),
                Begin::Mismatch => prop_assert!(!same),
                other => prop_assert!(false, "unexpected {other:?}"),
            }
        }
    }
}
