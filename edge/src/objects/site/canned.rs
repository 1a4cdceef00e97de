//! The Site object's canned responses: a small table keyed by shortcut. The worker has
//! checked the caller (any agent reads, admins write) and the entry (`core::canned`).

use serde::Deserialize;
use switchboard_protocol::api::canned_responses::{CannedResponse, ListResponse, MAX_CANNED_RESPONSES};
use switchboard_protocol::ErrorCode;

use super::SiteObject;
use crate::error::{EdgeError, EdgeResult};

/// The table, created with the object's others.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS canned_responses (
    shortcut TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    updated_at INTEGER NOT NULL)";

impl SiteObject {
    /// Every canned response, by shortcut.
    pub(super) fn canned_list(&self) -> EdgeResult<ListResponse> {
        let canned_responses: Vec<CannedResponse> = self
            .sql()
            .exec("SELECT shortcut, text FROM canned_responses ORDER BY shortcut", None)?
            .to_array()?;
        Ok(ListResponse { canned_responses })
    }

    /// Adds `entry`, or replaces the one with its shortcut.
    pub(super) fn canned_save(&self, entry: CannedResponse, now: i64) -> EdgeResult<()> {
        #[derive(Deserialize)]
        struct Count {
            n: usize,
        }
        let count = self
            .sql()
            .exec(
                "SELECT COUNT(*) AS n FROM canned_responses WHERE shortcut != ?",
                vec![entry.shortcut.as_str().into()],
            )?
            .one::<Count>()?
            .n;
        if count >= MAX_CANNED_RESPONSES {
            return Err(EdgeError::refuse(
                ErrorCode::Conflict,
                format!("a site keeps at most {MAX_CANNED_RESPONSES} canned responses; remove one first"),
            ));
        }
        self.sql().exec(
            "INSERT OR REPLACE INTO canned_responses (shortcut, text, updated_at) VALUES (?, ?, ?)",
            vec![entry.shortcut.into(), entry.text.into(), now.into()],
        )?;
        Ok(())
    }

    /// Removes the canned response with `shortcut` (`not_found` when there is none).
    pub(super) fn canned_remove(&self, shortcut: &str) -> EdgeResult<()> {
        let removed: Vec<serde_json::Value> = self
            .sql()
            .exec(
                "DELETE FROM canned_responses WHERE shortcut = ? RETURNING shortcut",
                vec![shortcut.into()],
            )?
            .to_array()?;
        if removed.is_empty() {
            return Err(EdgeError::refuse(ErrorCode::NotFound, format!("no canned response /{shortcut}")));
        }
        Ok(())
    }
}
