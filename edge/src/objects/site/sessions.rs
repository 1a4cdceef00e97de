//! Agents' sockets across the site and ending them: which conversations each agent has a
//! socket on (told by the conversations, so the table holds only open sockets), and what
//! happens when an agent's session ends — its inbox sockets close, routing sees it offline,
//! and each of those conversations is told to close its sockets too.

use switchboard_core::routing::Presence;
use switchboard_protocol::{AgentId, ConversationId};

use super::calls::{AgentSocket, EndAgents};
use super::SiteObject;
use crate::error::EdgeResult;
use crate::objects::conversation::calls::Notice;
use crate::objects::ended;

/// The table, created with the object's others.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS agent_sockets (
    agent TEXT NOT NULL,
    conversation TEXT NOT NULL,
    PRIMARY KEY (agent, conversation))";

impl SiteObject {
    /// A conversation says an agent opened a socket on it, or closed its last one.
    pub(super) fn agent_socket(&self, call: &AgentSocket) -> EdgeResult<()> {
        let row = vec![call.agent.as_str().into(), call.conversation.as_str().into()];
        let statement = if call.open {
            "INSERT OR IGNORE INTO agent_sockets (agent, conversation) VALUES (?, ?)"
        } else {
            "DELETE FROM agent_sockets WHERE agent = ? AND conversation = ?"
        };
        self.sql().exec(statement, row)?;
        Ok(())
    }

    /// Ends these agents' sessions on every socket of the site.
    pub(super) fn end_agents(&self, call: &EndAgents, now: i64) -> EdgeResult<()> {
        let flow = self.flow();
        for agent in &call.agents {
            ended::close_tagged(&self.state, agent.as_str());
            // Offline at once, not after the grace a closed console gets: its conversations
            // go back to their queues. Unknown to routing (a key that never opened an inbox)
            // is fine.
            let _ = self.route(&flow, now, |router, now| router.set_presence(agent, Presence::Offline, now));
            #[derive(serde::Deserialize)]
            struct Row {
                conversation: ConversationId,
            }
            let rows: Vec<Row> = self
                .sql()
                .exec(
                    "DELETE FROM agent_sockets WHERE agent = ? RETURNING conversation",
                    vec![agent.as_str().into()],
                )?
                .to_array()?;
            for row in rows {
                self.tell(row.conversation, Notice::SessionEnded { agent: AgentId::clone(agent) });
            }
        }
        Ok(())
    }
}
