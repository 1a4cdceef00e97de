//! Blocked visitors: who may no longer start or reopen conversations on a site.
//!
//! A site keeps at most [`MAX_BLOCKS`] blocks in its configuration, so every isolate's copy
//! of the configuration (refreshed every few seconds) answers "is this visitor or address
//! blocked?" without asking any object. A block names a visitor and, when the agent chose,
//! the network address their conversation last came from — kept for matching only, never
//! shown. Expired blocks are ignored, and dropped at the next change.

use serde::{Deserialize, Serialize};
use switchboard_protocol::api::blocks::{Block, CreateRequest, MAX_BLOCKS, MAX_REASON_CHARS};
use switchboard_protocol::{ApiError, ErrorCode, VisitorId};

/// One block, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockEntry {
    /// Its id.
    pub id: String,
    /// The visitor.
    pub visitor: VisitorId,
    /// The address blocked with them, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The agent's name.
    pub blocked_by: String,
    /// When, ms since the Unix epoch.
    pub created_at: i64,
    /// When it lapses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

impl BlockEntry {
    /// A block of `visitor` (and `address`) as `request` asks, by `agent` at `now`.
    pub fn new(
        id: String,
        visitor: VisitorId,
        address: Option<String>,
        request: &CreateRequest,
        agent: &str,
        now: i64,
    ) -> Result<Self, ApiError> {
        let bad = |message: &str| ApiError::new(ErrorCode::BadRequest, message);
        let reason = request.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
            return Err(bad("a reason has at most 500 characters"));
        }
        if request.days.is_some_and(|days| !(1..=3_650).contains(&days)) {
            return Err(bad("days must be 1 to 3650 (or left out: until lifted)"));
        }
        Ok(BlockEntry {
            id,
            visitor,
            address: address.filter(|_| request.include_address),
            reason: reason.map(str::to_owned),
            blocked_by: agent.to_owned(),
            created_at: now,
            expires_at: request.days.map(|days| now + i64::from(days) * 86_400_000),
        })
    }

    fn active(&self, now: i64) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }

    /// As agents see it.
    pub fn shown(&self) -> Block {
        Block {
            id: self.id.clone(),
            visitor_id: self.visitor.clone(),
            address_blocked: self.address.is_some(),
            reason: self.reason.clone(),
            blocked_by: self.blocked_by.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
        }
    }
}

/// A new block's id from 64 random bits.
pub fn new_id(random: [u8; 8]) -> String {
    format!("blk_{}", crate::webhook::hex(&random))
}

/// Adds `entry` (replacing an earlier block of the same visitor), dropping expired ones;
/// `conflict` when the site already has [`MAX_BLOCKS`] in force.
pub fn add(blocks: &mut Vec<BlockEntry>, entry: BlockEntry, now: i64) -> Result<(), ApiError> {
    blocks.retain(|block| block.active(now) && block.visitor != entry.visitor);
    if blocks.len() >= MAX_BLOCKS {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("a site keeps at most {MAX_BLOCKS} blocks: lift some first"),
        ));
    }
    blocks.insert(0, entry);
    Ok(())
}

/// Lifts the block `id`; `not_found` when there is none.
pub fn lift(blocks: &mut Vec<BlockEntry>, id: &str, now: i64) -> Result<(), ApiError> {
    let before = blocks.len();
    blocks.retain(|block| block.id != id);
    if blocks.len() == before {
        return Err(ApiError::new(ErrorCode::NotFound, "no such block"));
    }
    blocks.retain(|block| block.active(now));
    Ok(())
}

/// Refuses a visitor (when known) or an address that a block in force names.
pub fn check(
    blocks: &[BlockEntry],
    visitor: Option<&VisitorId>,
    address: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    let blocked = blocks.iter().filter(|block| block.active(now)).any(|block| {
        visitor.is_some_and(|v| *v == block.visitor)
            || address.is_some_and(|a| block.address.as_deref() == Some(a))
    });
    if blocked {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "you cannot start or continue a conversation on this site",
        ));
    }
    Ok(())
}

/// The blocks in force, as agents see them, newest first.
pub fn listed(blocks: &[BlockEntry], now: i64) -> Vec<Block> {
    blocks.iter().filter(|block| block.active(now)).map(BlockEntry::shown).collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use switchboard_protocol::ConversationId;

    use super::*;

    fn visitor(n: u8) -> VisitorId {
        VisitorId::from_random([n; 16])
    }

    fn request(include_address: bool, days: Option<u32>) -> CreateRequest {
        CreateRequest {
            conversation_id: ConversationId::from_random([9; 16]),
            include_address,
            reason: None,
            days,
        }
    }

    fn entry(n: u8, address: Option<&str>, days: Option<u32>, now: i64) -> BlockEntry {
        let request = request(address.is_some(), days);
        BlockEntry::new(format!("b{n}"), visitor(n), address.map(str::to_owned), &request, "Ada", now)
            .unwrap()
    }

    #[test]
    fn a_block_refuses_its_visitor_and_address_until_lifted_or_lapsed() {
        let mut blocks = Vec::new();
        add(&mut blocks, entry(1, Some("203.0.113.9"), Some(1), 0), 0).unwrap();
        add(&mut blocks, entry(2, None, None, 0), 0).unwrap();
        assert!(check(&blocks, Some(&visitor(1)), None, 10).is_err());
        assert!(
            check(&blocks, Some(&visitor(7)), Some("203.0.113.9"), 10).is_err(),
            "a new visitor, same address"
        );
        assert!(check(&blocks, None, Some("203.0.113.9"), 10).is_err());
        assert!(check(&blocks, Some(&visitor(7)), Some("198.51.100.1"), 10).is_ok());
        assert!(check(&blocks, Some(&visitor(2)), Some("198.51.100.1"), 10).is_err());
        // A day later the first lapsed; the second is lifted by hand.
        assert!(check(&blocks, Some(&visitor(1)), Some("203.0.113.9"), 86_400_000).is_ok());
        lift(&mut blocks, "b2", 0).unwrap();
        assert!(check(&blocks, Some(&visitor(2)), None, 10).is_ok());
        assert_eq!(lift(&mut blocks, "b2", 0).unwrap_err().code, ErrorCode::NotFound);
        // The address was not chosen: it is not kept.
        let only_visitor = BlockEntry::new(
            "b3".into(),
            visitor(3),
            Some("192.0.2.1".into()),
            &request(false, None),
            "Ada",
            0,
        );
        assert_eq!(only_visitor.unwrap().address, None);
    }

    #[test]
    fn requests_are_checked_and_the_list_is_bounded() {
        let long = CreateRequest { reason: Some("x".repeat(501)), ..request(false, None) };
        assert!(BlockEntry::new("b".into(), visitor(1), None, &long, "Ada", 0).is_err());
        assert!(BlockEntry::new("b".into(), visitor(1), None, &request(false, Some(0)), "Ada", 0).is_err());
        let mut blocks = Vec::new();
        for n in 0..MAX_BLOCKS {
            let mut block = entry(0, None, None, 0);
            block.visitor = VisitorId::from_random((n as u128).to_le_bytes());
            add(&mut blocks, block, 0).unwrap();
        }
        assert_eq!(add(&mut blocks, entry(1, None, None, 0), 0).unwrap_err().code, ErrorCode::Conflict);
        // Blocking the same visitor again replaces their block.
        let again = BlockEntry { id: "again".into(), ..blocks[0].clone() };
        add(&mut blocks, again, 0).unwrap();
        assert_eq!((blocks.len(), blocks[0].id.as_str()), (MAX_BLOCKS, "again"));
    }

    proptest! {
        /// Whatever is added and lifted, the list never outgrows its bound, and every visitor
        /// with a block in force is refused.
        #[test]
        fn the_list_stays_bounded_and_blocks_in_force_hold(ops in proptest::collection::vec((0u8..20, any::<bool>()), 0..200)) {
            let mut blocks = Vec::new();
            for (n, (who, lift_it)) in ops.iter().enumerate() {
                if *lift_it {
                    let _ = lift(&mut blocks, &format!("b{who}"), n as i64);
                } else {
                    let _ = add(&mut blocks, entry(*who, None, Some(1), n as i64), n as i64);
                }
                prop_assert!(blocks.len() <= MAX_BLOCKS);
                for block in &blocks {
                    prop_assert!(check(&blocks, Some(&block.visitor), None, n as i64).is_err());
                }
            }
        }
    }
}
