//! List requests as clients write them, and paging as a walk over a changing list.

use proptest::prelude::*;

use super::*;

#[test]
fn filters_are_read_and_anything_unknown_is_named() {
    let agent = AgentId::from_random([4; 16]);
    let agent_id = agent.to_string();
    let query = ListQuery::parse([
        ("state", "assigned"),
        ("queue", "sales"),
        ("assignee", agent_id.as_str()),
        ("updated_since", "1700000000000"),
        ("limit", "25"),
    ])
    .unwrap();
    assert_eq!(query.state, Some(ConversationState::Assigned));
    assert_eq!(query.assignee, Some(AssigneeFilter::Agent(agent)));
    assert_eq!((query.limit, query.updated_since), (25, Some(1_700_000_000_000)));
    assert_eq!(ListQuery::parse([("assignee", "none")]).unwrap().assignee, Some(AssigneeFilter::Nobody));
    let urgent = ListQuery::parse([("priority", "urgent")]).unwrap().priority;
    assert_eq!(urgent, Some(switchboard_protocol::inbox::Priority::Urgent));
    assert_eq!(ListQuery::parse([]).unwrap().limit, DEFAULT_PAGE);
    for (name, value) in [
        ("state", "lost"),
        ("limit", "0"),
        ("limit", "201"),
        ("cursor", "!!"),
        ("colour", "red"),
        ("priority", "asap"),
    ] {
        let error = ListQuery::parse([(name, value)]).unwrap_err();
        assert_eq!(error.code, ErrorCode::BadRequest);
        assert!(error.message.starts_with(name), "{name}: {}", error.message);
    }
}

#[test]
fn a_cursor_round_trips_and_forgeries_are_refused() {
    let cursor = Cursor { updated_at: 1_234, id: ConversationId::from_random([7; 16]) };
    assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
    for forged in ["", "eA", &URL_SAFE_NO_PAD.encode("12.not-an-id"), &URL_SAFE_NO_PAD.encode("x.cnv_00")] {
        assert!(Cursor::decode(forged).is_err(), "{forged}");
    }
}

fn summary(n: u16, updated_at: i64) -> ConversationSummary {
    let mut bytes = [0u8; 16];
    bytes[..2].copy_from_slice(&n.to_be_bytes());
    let empty = ConversationSummary::empty(
        ConversationId::from_random(bytes),
        VisitorId::from_random([1; 16]),
        updated_at,
    );
    ConversationSummary { last_seq: switchboard_protocol::Seq(1), state: ConversationState::Queued, ..empty }
}

/// What the site's SQL does: newest first by `(updated_at, id)`, after the cursor.
fn select(all: &[ConversationSummary], cursor: Option<&Cursor>, limit: u32) -> Vec<ConversationSummary> {
    let mut rows: Vec<ConversationSummary> = all
        .iter()
        .filter(|s| cursor.is_none_or(|c| (s.updated_at, &s.id) < (c.updated_at, &c.id)))
        .cloned()
        .collect();
    rows.sort_by(|a, b| (b.updated_at, &b.id).cmp(&(a.updated_at, &a.id)));
    rows.truncate(limit as usize + 1);
    rows
}

proptest! {
    /// Walking the pages while new conversations arrive (active after the walk began)
    /// visits every conversation that existed once, in order, with no gap or repeat.
    #[test]
    fn walking_the_cursors_visits_each_conversation_once(
        times in proptest::collection::vec(0i64..50, 0..120),
        limit in 1u32..20,
        arrivals in proptest::collection::vec(50i64..60, 0..20),
    ) {
        let mut all: Vec<ConversationSummary> =
            times.iter().enumerate().map(|(n, t)| summary(n as u16, *t)).collect();
        let existing: Vec<ConversationId> = all.iter().map(|s| s.id.clone()).collect();
        let mut seen = Vec::new();
        let mut cursor = None;
        let mut arriving = arrivals.iter().enumerate();
        loop {
            let (page, next) = page(select(&all, cursor.as_ref(), limit), limit);
            seen.extend(page.into_iter().map(|s| s.id));
            if let Some((n, at)) = arriving.next() {
                all.push(summary(1_000 + n as u16, *at));
            }
            match next {
                Some(next) => cursor = Some(Cursor::decode(&next).unwrap()),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), seen.len(), "a repeat");
        for id in existing {
            prop_assert!(seen.contains(&id), "a gap");
        }
    }
}
