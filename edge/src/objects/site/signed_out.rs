//! Visitors who signed out (the host page's `shutdown`): one row each, kept until the last
//! token they could hold expires, so the table holds only what can still matter. Their tokens
//! are refused wherever the site is asked on their behalf (history, new sessions), and a
//! conversation first stored after the sign-out learns it from its first update.

use switchboard_core::admission;
use switchboard_protocol::{ConversationId, VisitorId};

use super::calls::SignOutVisitor;
use super::SiteObject;
use crate::error::{EdgeError, EdgeResult};

/// The table, created with the object's others.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS signed_out_visitors (
    visitor TEXT PRIMARY KEY,
    until INTEGER NOT NULL)";

#[derive(serde::Deserialize)]
struct Id {
    id: ConversationId,
}

impl SiteObject {
    /// Remembers the sign-out and answers the visitor's conversations. Rows past their time
    /// go at the same moment: sign-outs are what grows this table.
    pub(super) fn sign_out_visitor(
        &self,
        call: &SignOutVisitor,
        now: i64,
    ) -> EdgeResult<Vec<ConversationId>> {
        let sql = self.sql();
        sql.exec("DELETE FROM signed_out_visitors WHERE until < ?", vec![now.into()])?;
        sql.exec(
            "INSERT OR REPLACE INTO signed_out_visitors (visitor, until) VALUES (?, ?)",
            vec![call.visitor.as_str().into(), call.until.into()],
        )?;
        let rows: Vec<Id> = sql
            .exec("SELECT id FROM conversations WHERE visitor_id = ?", vec![call.visitor.as_str().into()])?
            .to_array()?;
        Ok(rows.into_iter().map(|row| row.id).collect())
    }

    /// Whether `visitor` signed out.
    pub(super) fn signed_out(&self, visitor: &VisitorId) -> EdgeResult<bool> {
        #[derive(serde::Deserialize)]
        struct Count {
            n: i64,
        }
        let rows: Vec<Count> = self
            .sql()
            .exec(
                "SELECT COUNT(*) AS n FROM signed_out_visitors WHERE visitor = ?",
                vec![visitor.as_str().into()],
            )?
            .to_array()?;
        Ok(rows.first().is_some_and(|row| row.n > 0))
    }

    /// Refuses a request made with the token of a visitor who signed out.
    pub(super) fn refuse_signed_out(&self, visitor: &VisitorId) -> EdgeResult<()> {
        if self.signed_out(visitor)? {
            return Err(EdgeError::Refused(admission::signed_out()));
        }
        Ok(())
    }
}
