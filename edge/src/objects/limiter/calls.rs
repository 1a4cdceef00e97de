//! Every call a limiter object answers, with its route and its answer (see
//! [`crate::objects::call`]).

use serde::{Deserialize, Serialize};
use switchboard_protocol::api::site_settings::SessionLimits;
use switchboard_protocol::SiteId;
use worker::{Env, Stub};

use crate::error::EdgeResult;
use crate::objects::call::{object_call, ObjectKind};

/// The limiter objects: `core::session_limits::SHARDS` of them, named by number.
pub(crate) struct Limiter;

impl ObjectKind for Limiter {
    type Key = u32;

    fn stub(env: &Env, shard: &u32) -> EdgeResult<Stub> {
        Ok(crate::objects::call::namespace(env, "LIMITS")?
            .id_from_name(&format!("sessions-{shard}"))?
            .get_stub()?)
    }
}

/// May `address` start a visitor session on `site`? Counted when answered `()`;
/// `rate_limited` (with how long to wait) when not.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AdmitSession {
    /// The client's address (`CF-Connecting-IP`).
    pub address: String,
    /// The site.
    pub site: SiteId,
    /// The limits that apply (the site's, or the deployment's).
    pub limits: SessionLimits,
}
object_call!(AdmitSession => Limiter, "/sessions/admit", ());

/// May `address` look an invite up or accept one? Counted when answered `()`; `rate_limited`
/// beyond `core::accounts::INVITE_ATTEMPTS_PER_ADDRESS_PER_MINUTE`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AdmitInviteAttempt {
    /// The client's address (`CF-Connecting-IP`).
    pub address: String,
}
object_call!(AdmitInviteAttempt => Limiter, "/invites/admit", ());
