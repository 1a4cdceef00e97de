//! Priority in routing: a conversation's priority is the high part of its ticket, so the
//! lanes' one order (the ticket) offers urgent conversations first, then high, then the
//! rest, then low — and within one priority, the order of arrival. Changing a waiting
//! conversation's priority moves it at once, keeping its arrival within the new priority.

use switchboard_protocol::inbox::Priority;
use switchboard_protocol::ConversationId;

use super::model::{Effect, RoutingError, Stage};
use super::router::{Entered, Router};
use super::sql::Sql;

/// Bits of a ticket that count arrivals (2^48: far more than a site's lifetime of
/// conversations, and the whole ticket stays below JavaScript's 2^53).
const ARRIVAL_BITS: u32 = 48;
const ARRIVAL_MASK: u64 = (1 << ARRIVAL_BITS) - 1;

/// A ticket of `priority` for the `arrival`th conversation (or keeping a ticket's arrival).
pub(super) fn ticket(priority: Option<Priority>, arrival: u64) -> u64 {
    let rank: u64 = match priority {
        Some(Priority::Urgent) => 0,
        Some(Priority::High) => 1,
        None | Some(Priority::Medium) => 2,
        Some(Priority::Low) => 3,
    };
    (rank << ARRIVAL_BITS) | (arrival & ARRIVAL_MASK)
}

impl<S: Sql> Router<S> {
    /// The team set `conversation`'s priority: its place follows (told to its visitor when
    /// it waits), and later returns to the queue keep it. Unknown to routing: nothing.
    pub fn prioritise(
        &mut self,
        conversation: &ConversationId,
        priority: Option<Priority>,
        now: i64,
    ) -> Result<Vec<Effect>, RoutingError> {
        let Some(mut routed) = self.store.conversation(conversation)? else { return Ok(Vec::new()) };
        if routed.priority == priority {
            return Ok(Vec::new());
        }
        routed.priority = priority;
        routed.ticket = ticket(priority, routed.ticket);
        let waiting = matches!(routed.stage, Stage::Waiting { .. });
        if waiting {
            // Told its new place when things settle.
            routed.told_position = 0;
        }
        self.store.put(&routed)?;
        if waiting {
            self.entered.push(Entered::Again(conversation.clone()));
        }
        self.settle(Vec::new(), now)
    }
}

#[cfg(test)]
mod tests {
    use switchboard_protocol::QueueId;

    use super::super::tests::{agent, conversation, offers, router, skills};
    use super::*;

    fn support() -> QueueId {
        QueueId::parse("support").unwrap()
    }

    fn places(effects: &[Effect]) -> Vec<(ConversationId, u32)> {
        effects
            .iter()
            .filter_map(|effect| match effect {
                Effect::Waiting { conversation, position, .. } => Some((conversation.clone(), *position)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn urgent_then_high_go_first_and_arrival_holds_within_a_priority() {
        let mut router = router();
        for n in 1..=4 {
            router.enqueue(&conversation(n), &support(), skills(&[]), None, i64::from(n)).unwrap();
        }
        // 3 becomes urgent and is told it is next; 4 high, second; 1 low, last.
        let effects = router.prioritise(&conversation(3), Some(Priority::Urgent), 10).unwrap();
        assert!(places(&effects).contains(&(conversation(3), 1)), "{effects:?}");
        router.prioritise(&conversation(4), Some(Priority::High), 11).unwrap();
        router.prioritise(&conversation(1), Some(Priority::Low), 12).unwrap();
        assert_eq!(router.position(&conversation(2)).unwrap().map(|(place, _)| place), Some(3));
        // A newcomer of no priority waits behind the others of none, before the low one.
        let effects = router.enqueue(&conversation(5), &support(), skills(&[]), None, 13).unwrap();
        assert!(places(&effects).contains(&(conversation(5), 4)), "{effects:?}");
        // One agent with room for one at a time takes them in that order.
        let mut effects = router.agent_connected(&agent(1), 1, skills(&[]), 20).unwrap();
        let mut order = Vec::new();
        for step in 0..5 {
            let (next, _) = offers(&effects).into_iter().next().expect("an offer");
            order.push(next.clone());
            router.accept(&next, &agent(1), 30 + step).unwrap();
            effects = router.close(&next, 31 + step).unwrap();
        }
        let expected = [conversation(3), conversation(4), conversation(2), conversation(5), conversation(1)];
        assert_eq!(order, expected);
    }
}
