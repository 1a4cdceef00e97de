//! Every call an audit object answers, with its route and its answer (see
//! [`crate::objects::call`]).

use serde::{Deserialize, Serialize};
use switchboard_protocol::api::audit_log::{Action, Actor, ListResponse};
use switchboard_protocol::SiteId;
use worker::{Env, Stub};

use crate::error::EdgeResult;
use crate::objects::call::{object_call, ObjectKind};

/// The audit objects: one per site, named by its id.
pub(crate) struct Audit;

impl ObjectKind for Audit {
    type Key = SiteId;

    fn stub(env: &Env, site: &SiteId) -> EdgeResult<Stub> {
        Ok(crate::objects::call::namespace(env, "AUDIT")?.id_from_name(site.as_str())?.get_stub()?)
    }
}

/// Adds an entry (the object gives it its id and time).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Record {
    /// Who.
    pub actor: Actor,
    /// What.
    pub action: Action,
    /// To whom or what.
    pub target: Option<String>,
    /// From where.
    pub address: Option<String>,
    /// More.
    pub detail: Option<String>,
}
object_call!(Record => Audit, "/record", ());

/// A page of entries, newest first, older than `before` when given.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct List {
    /// The cursor.
    pub before: Option<i64>,
    /// Most entries.
    pub limit: u32,
}
object_call!(List => Audit, "/list", ListResponse);
