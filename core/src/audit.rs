//! The audit log's rules: how much a page holds, how long entries live, and what an admin's
//! change to the site's settings is recorded as. Entries are only ever added (the log's
//! object has no call that edits or deletes one, beyond dropping the oldest).

use switchboard_protocol::api::audit_log::{Action, MAX_ENTRIES, RETENTION_DAYS};
use switchboard_protocol::api::site_settings::Patch;
use switchboard_protocol::{ApiError, ErrorCode};

/// Entries in a page unless asked otherwise.
pub const DEFAULT_PAGE: u32 = 50;

/// Most entries in a page.
pub const MAX_PAGE: u32 = 200;

/// The page size for `?limit=` (absent: [`DEFAULT_PAGE`]); `bad_request` outside 1 to
/// [`MAX_PAGE`] or not a number.
pub fn page_limit(asked: Option<&str>) -> Result<u32, ApiError> {
    let Some(asked) = asked else { return Ok(DEFAULT_PAGE) };
    match asked.parse::<u32>() {
        Ok(limit) if (1..=MAX_PAGE).contains(&limit) => Ok(limit),
        _ => Err(ApiError::new(ErrorCode::BadRequest, format!("limit is a number from 1 to {MAX_PAGE}"))),
    }
}

/// The `?before=` cursor (absent: the newest page); `bad_request` when not a number.
pub fn cursor(before: Option<&str>) -> Result<Option<i64>, ApiError> {
    before
        .map(|text| {
            text.parse::<i64>().map_err(|_| {
                ApiError::new(ErrorCode::BadRequest, "before is the next_before of the previous page")
            })
        })
        .transpose()
}

/// Entries older than this at `now` are dropped.
pub fn retained_since(now: i64) -> i64 {
    now - RETENTION_DAYS * 24 * 60 * 60 * 1000
}

/// Beyond this many, the oldest entries are dropped.
pub const KEPT: i64 = MAX_ENTRIES;

/// What a settings change is recorded as: the flow apart (it routes every conversation),
/// the other fields named in one entry. Secrets are named, never shown.
pub fn settings_changes(patch: &Patch) -> Vec<(Action, Option<String>)> {
    let mut changes = Vec::new();
    if patch.flow.is_some() {
        changes.push((Action::FlowChanged, None));
    }
    let named: Vec<&str> = [
        (patch.name.is_some(), "name"),
        (patch.allowed_origins.is_some(), "allowed origins"),
        (patch.appearance.is_some(), "appearance"),
        (patch.identity_secret.is_some(), "identity secret"),
        (patch.prechat.is_some(), "pre-chat form"),
        (patch.session_limits.is_some(), "session limits"),
        (patch.two_factor_policy.is_some(), "two-factor policy"),
        (patch.retention_days.is_some(), "retention"),
        (patch.interceptors.is_some(), "message filters"),
        (patch.channels.is_some(), "channels"),
        (patch.macros.is_some(), "macros"),
        (patch.automation_rules.is_some(), "automation rules"),
        (patch.labels.is_some(), "labels"),
        (patch.proactive_messages.is_some(), "proactive messages"),
    ]
    .into_iter()
    .filter_map(|(changed, name)| changed.then_some(name))
    .collect();
    if !named.is_empty() {
        changes.push((Action::SettingsChanged, Some(named.join(", "))));
    }
    changes
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_settings_change_names_what_changed_and_never_a_secret() {
        let patch = Patch {
            flow: Some(serde_json::json!({})),
            identity_secret: Some("a-very-secret-value-of-32-characters!".into()),
            name: Some("Shop".into()),
            ..Patch::default()
        };
        let changes = settings_changes(&patch);
        assert_eq!(changes[0], (Action::FlowChanged, None));
        assert_eq!(changes[1], (Action::SettingsChanged, Some("name, identity secret".into())));
        assert!(!format!("{changes:?}").contains("very-secret"));
        assert!(settings_changes(&Patch::default()).is_empty());
    }

    #[test]
    fn pages_hold_one_to_two_hundred() {
        assert_eq!(page_limit(None), Ok(DEFAULT_PAGE));
        assert_eq!(page_limit(Some("200")), Ok(200));
        for bad in ["0", "201", "-1", "ten", ""] {
            assert_eq!(page_limit(Some(bad)).unwrap_err().code, ErrorCode::BadRequest, "{bad}");
        }
        assert_eq!(cursor(Some("41")), Ok(Some(41)));
        assert_eq!(cursor(None), Ok(None));
        assert!(cursor(Some("x")).is_err());
        assert_eq!(retained_since(RETENTION_DAYS * 86_400_000), 0);
    }

    proptest! {
        #[test]
        fn any_limit_text_is_a_page_size_or_a_clear_error(text in ".{0,12}") {
            match page_limit(Some(&text)) {
                Ok(limit) => prop_assert!((1..=MAX_PAGE).contains(&limit)),
                Err(error) => prop_assert_eq!(error.code, ErrorCode::BadRequest),
            }
        }
    }
}
