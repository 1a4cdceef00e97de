//! Every call an idempotency object answers, with its route and its answer (see
//! [`crate::objects::call`]).

use serde::{Deserialize, Serialize};
use switchboard_core::idempotency::{Answer, Begin};
use worker::{Env, Stub};

use crate::error::EdgeResult;
use crate::objects::call::{object_call, ObjectKind};

/// The idempotency objects: one per credential and key (`core::idempotency::record_name`).
pub(crate) struct Idempotency;

impl ObjectKind for Idempotency {
    type Key = str;

    fn stub(env: &Env, name: &str) -> EdgeResult<Stub> {
        Ok(crate::objects::call::namespace(env, "IDEMPOTENCY")?.id_from_name(name)?.get_stub()?)
    }
}

/// A request with the key arrived: what should happen to it (a record is started when it runs).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Start {
    /// The request's `core::idempotency::fingerprint`.
    pub fingerprint: String,
}
object_call!(Start => Idempotency, "/start", Begin);

/// The request that was started finished with `answer` (kept for repeats) or with nothing
/// worth keeping (`None`: the record is dropped, a repeat runs afresh).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Finish {
    /// The request's fingerprint (a stale run's late finish does not overwrite a newer one's).
    pub fingerprint: String,
    /// Its answer, if kept.
    pub answer: Option<Answer>,
}
object_call!(Finish => Idempotency, "/finish", ());

/// The record's answer is about a person being erased: everything of the key goes now.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Forget;
object_call!(Forget => Idempotency, "/forget", ());
