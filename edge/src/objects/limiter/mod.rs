//! The limiter objects: counting new visitor sessions per address and per site
//! (`core::session_limits`) and invite attempts per address, spread over a fixed number of
//! objects chosen by the address.
//!
//! Counts live in memory only: an evicted limiter starts with full buckets, which costs an
//! attacker nothing they could not get by waiting a minute, and spares a storage write on
//! every new chat. Nothing is stored, so these objects never hold storage.

pub(crate) mod calls;

use std::cell::RefCell;
use std::future::ready;

use switchboard_core::accounts;
use switchboard_core::keyed_buckets::KeyedBuckets;
use switchboard_core::session_limits::SessionLimiter;
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use self::calls::{AdmitInviteAttempt, AdmitSession};
use super::call::{answer, no_such_route, ObjectCall};
use super::respond;
use crate::env;

/// One shard of the session counts.
#[durable_object]
pub struct LimiterObject {
    sessions: RefCell<SessionLimiter>,
    invite_attempts: RefCell<KeyedBuckets>,
}

impl DurableObject for LimiterObject {
    fn new(_state: State, _env: Env) -> Self {
        Self { sessions: RefCell::default(), invite_attempts: RefCell::default() }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let (req, now) = (&mut req, env::now());
        respond(match req.path().as_str() {
            AdmitSession::ROUTE => {
                answer(req, |c: AdmitSession| {
                    let admitted =
                        self.sessions.borrow_mut().admit(&c.address, c.site.as_str(), &c.limits, now);
                    ready(admitted.map_err(Into::into))
                })
                .await
            }
            AdmitInviteAttempt::ROUTE => {
                answer(req, |c: AdmitInviteAttempt| {
                    let per_minute = accounts::INVITE_ATTEMPTS_PER_ADDRESS_PER_MINUTE;
                    let admitted = self.invite_attempts.borrow_mut().admit(&c.address, per_minute, now);
                    ready(admitted.map_err(|wait| accounts::too_many_invite_attempts(wait).into()))
                })
                .await
            }
            _ => Err(no_such_route()),
        })
    }
}
