//! Every call a usage object answers, with its route and its answer (see
//! [`crate::objects::call`]).

use serde::{Deserialize, Serialize};
use switchboard_protocol::SiteId;
use worker::{Env, Stub};

use crate::error::EdgeResult;
use crate::objects::call::{object_call, ObjectKind};

/// The usage objects: `core::storage_quota::SHARDS` per site, named by site and shard.
pub(crate) struct Usage;

/// One counter: a site and a shard (`core::storage_quota::shard_of` a conversation).
pub(crate) struct Counter {
    /// The site.
    pub site: SiteId,
    /// The shard.
    pub shard: u32,
}

impl ObjectKind for Usage {
    type Key = Counter;

    fn stub(env: &Env, counter: &Counter) -> EdgeResult<Stub> {
        let name = format!("{}/{}", counter.site, counter.shard);
        Ok(crate::objects::call::namespace(env, "USAGE")?.id_from_name(&name)?.get_stub()?)
    }
}

/// Counts `bytes` of a new attachment; `conflict` when the counter's share of the site's
/// `per_site` bytes would be passed (nothing counted then).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ReserveBytes {
    /// The upload's size.
    pub bytes: u64,
    /// What the site may store in all.
    pub per_site: u64,
}
object_call!(ReserveBytes => Usage, "/bytes/reserve", ());

/// Gives back bytes counted for an upload that was not stored after all.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ReleaseBytes {
    /// The upload's size.
    pub bytes: u64,
}
object_call!(ReleaseBytes => Usage, "/bytes/release", ());
