//! Taking over a router stored the way it was before routing moved to rows: one JSON
//! document holding every agent and routed conversation. A site upgraded in place keeps its
//! queue, offers and assignments.

use std::collections::BTreeMap;

use serde::Deserialize;
use switchboard_protocol::{AgentId, ConversationId, QueueId};

use super::model::{AgentState, Routed, RoutingError};
use super::sql::Sql;
use super::Router;

/// The stored document's parts that are state (queues come from config).
#[derive(Deserialize)]
struct Stored {
    #[serde(default)]
    agents: BTreeMap<AgentId, AgentState>,
    #[serde(default)]
    conversations: BTreeMap<ConversationId, Routed>,
    #[serde(default)]
    next_ticket: u64,
    #[serde(default)]
    typical_wait: BTreeMap<QueueId, i64>,
}

impl<S: Sql> Router<S> {
    /// Writes the agents, conversations and counters of a router stored as one JSON document
    /// into the routing tables.
    pub fn import_document(&mut self, json: &str) -> Result<(), RoutingError> {
        let stored: Stored = serde_json::from_str(json).map_err(|e| RoutingError::Storage(e.to_string()))?;
        for agent in stored.agents.values() {
            self.store.put_agent(agent)?;
        }
        let fallback = self.queues.keys().next().cloned();
        for mut routed in stored.conversations.into_values() {
            // A queue the configuration no longer has: its conversations go to the first one.
            if let Some(fallback) = fallback.as_ref().filter(|_| !self.queues.contains_key(&routed.queue)) {
                routed.queue = fallback.clone();
            }
            self.store.put(&routed)?;
        }
        let next = self.store.meta::<u64>("next_ticket")?.unwrap_or(1).max(stored.next_ticket);
        self.store.set_meta("next_ticket", &next)?;
        for (queue, wait) in stored.typical_wait {
            self.store.set_meta(&format!("wait:{queue}"), &wait)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::{AgentId, ConversationId};

    use super::super::sqlite::MemorySql;
    use super::super::{Policy, QueueConfig, Router};

    #[test]
    fn a_router_stored_as_one_document_is_taken_over_with_its_queue_and_offers() {
        let (ada, first, second) = (
            AgentId::from_random([1; 16]),
            ConversationId::from_random([2; 16]),
            ConversationId::from_random([3; 16]),
        );
        // As the Site object stored it before: Ada offered the first, the second waiting.
        let document = serde_json::json!({
            "queues": {}, "leave_grace_ms": 60000, "next_ticket": 3, "typical_wait": { "support": 4000 },
            "agents": { ada.as_str(): { "id": ada, "presence": "online", "capacity": 1, "skills": [] } },
            "conversations": {
                first.as_str(): { "id": first, "queue": "support", "ticket": 1, "queued_at": 0,
                    "stage": { "stage": "offered", "agent": ada, "expires_at": 30000 } },
                second.as_str(): { "id": second, "queue": "support", "ticket": 2, "queued_at": 5,
                    "stage": { "stage": "waiting" } },
            },
        });
        let queue = QueueConfig {
            id: switchboard_protocol::QueueId::parse("support").unwrap(),
            skills: Default::default(),
            policy: Policy::RoundRobin,
            offer_timeout_ms: 30_000,
            sla: Default::default(),
        };
        let (mut router, _) =
            Router::open(MemorySql::with_routing_tables().unwrap(), vec![queue], 60_000, 0).unwrap();
        router.import_document(&document.to_string()).unwrap();
        assert_eq!(router.held_by(&ada).unwrap().len(), 1);
        assert_eq!(router.position(&second).unwrap(), Some((1, 4_000)));
        assert_eq!(router.next_deadline(), Ok(Some(30_000)));
        // Tickets go on from where the document left them: a newcomer is behind the second.
        let newcomer = ConversationId::from_random([4; 16]);
        router
            .enqueue(
                &newcomer,
                &switchboard_protocol::QueueId::parse("support").unwrap(),
                Default::default(),
                None,
                9,
            )
            .unwrap();
        assert_eq!(router.position(&newcomer).unwrap().map(|(place, _)| place), Some(2));
    }
}
