//! The Site object's side of reports: each conversation's facts row (`core::reports`, kept
//! with its inbox row by every update that carries them) read for a period and turned into
//! figures by core — one row a conversation, never a log.

use serde::{Deserialize, Serialize};
use switchboard_core::reports::{self, ConversationFacts, Period};
use switchboard_protocol::api::reports::Figures;

use super::SiteObject;
use crate::error::EdgeResult;
use crate::objects::call::object_call;
use crate::objects::site::calls::Site;

/// The figures of the site's conversations over a period.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Report {
    /// The period, checked (`Period::checked`).
    pub period: Period,
}
object_call!(Report => Site, "/report", Figures);

impl SiteObject {
    pub(super) fn report(&self, Report { period }: Report) -> EdgeResult<Figures> {
        if !self.tables.made() {
            return Ok(reports::figures([], period));
        }
        #[derive(Deserialize)]
        struct Row {
            facts: String,
        }
        // Opened or resolved in the period: the only rows a figure counts.
        let rows: Vec<Row> = self
            .sql()
            .exec(
                "SELECT facts FROM conversations WHERE facts IS NOT NULL
                   AND ((opened_at >= ?1 AND opened_at < ?2) OR (resolved_at >= ?1 AND resolved_at < ?2))",
                vec![period.from.into(), period.to.into()],
            )?
            .to_array()?;
        let facts: Vec<ConversationFacts> =
            rows.iter().filter_map(|row| serde_json::from_str(&row.facts).ok()).collect();
        Ok(reports::figures(&facts, period))
    }
}
