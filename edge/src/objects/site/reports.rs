//! The Site object's side of reports: each conversation's facts row (`core::reports`, kept
//! with its inbox row by every update that carries them) read for a period and turned into
//! figures by core — one row a conversation, never a log.

use serde::{Deserialize, Serialize};
use switchboard_core::reports::{self, ConversationFacts, Narrowed, Period};
use switchboard_core::routing::presence_time;
use switchboard_protocol::api::reports::Figures;

use super::routing::RoutingSql;
use super::SiteObject;
use crate::error::{EdgeError, EdgeResult};
use crate::objects::call::object_call;
use crate::objects::site::calls::Site;

/// The figures of the site's conversations over a period.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Report {
    /// The period, checked (`Period::checked`).
    pub period: Period,
    /// Which conversations (`Narrowed::checked`).
    #[serde(default)]
    pub narrowed: Narrowed,
}
object_call!(Report => Site, "/report", Figures);

impl SiteObject {
    pub(super) fn report(&self, Report { period, narrowed }: Report, now: i64) -> EdgeResult<Figures> {
        if !self.tables.made() {
            return Ok(reports::figures([], period));
        }
        #[derive(Deserialize)]
        struct Row {
            facts: String,
        }
        // Opened or resolved in the period: the only rows a figure counts; with a label, those
        // carrying it (its own indexed table).
        let in_period = "facts IS NOT NULL
            AND ((opened_at >= ?1 AND opened_at < ?2) OR (resolved_at >= ?1 AND resolved_at < ?2))";
        let rows: Vec<Row> = match &narrowed.label {
            None => self.sql().exec(
                &format!("SELECT facts FROM conversations WHERE {in_period}"),
                vec![period.from.into(), period.to.into()],
            )?,
            Some(label) => self.sql().exec(
                &format!(
                    "SELECT facts FROM conversations WHERE {in_period}
                       AND id IN (SELECT conversation_id FROM conversation_labels WHERE label = ?3)"
                ),
                vec![period.from.into(), period.to.into(), label.clone().into()],
            )?,
        }
        .to_array()?;
        let facts: Vec<ConversationFacts> = rows
            .iter()
            .filter_map(|row| serde_json::from_str(&row.facts).ok())
            .filter(|facts| narrowed.admits(facts))
            .collect();
        let mut figures = reports::figures(&facts, period);
        // Agents' time online and away is theirs, whichever conversations are asked about.
        let times = presence_time::time_in(&RoutingSql(self.sql()), &period, now)
            .map_err(|e| EdgeError::Refused(e.into()))?;
        reports::figures::add_presence(&mut figures, times);
        Ok(figures)
    }
}
