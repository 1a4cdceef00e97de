//! The inbox feed objects: a conversation's summaries reach its site through one of a few
//! feed objects per site (`core::inbox_feed`), which gather what arrives within a short window
//! and pass it on as one `ActivityBatch`. Each conversation's request is answered only once
//! the site answered the batch (nothing is acknowledged that the site did not take), so the
//! feed holds nothing that could be lost: it stores nothing and keeps requests, not data.

pub(crate) mod calls;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures_channel::oneshot;
use switchboard_core::inbox_feed::BATCH_WINDOW_MS;
use switchboard_protocol::{ErrorCode, SiteId};
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use self::calls::Feed;
use super::call::{answer, no_such_route, ObjectCall};
use super::respond;
use super::site::calls::{Activity, ActivityAnswer, ActivityBatch};
use crate::error::{EdgeError, EdgeResult};
use crate::objects;

/// A summary waiting for the next batch, and where its answer goes.
type Waiting = (Activity, oneshot::Sender<Result<ActivityAnswer, String>>);

/// One shard of a site's inbox feed.
#[durable_object]
pub struct InboxFeedObject {
    env: Env,
    /// What waits for the batch being gathered.
    waiting: Rc<RefCell<Vec<Waiting>>>,
    /// Whether a request is gathering a batch now (it sends it when the window closes).
    gathering: Cell<bool>,
    /// Requests and batches so far, logged now and then (what `cargo xtask bench` reads).
    load: super::load::Load,
}

impl DurableObject for InboxFeedObject {
    fn new(_state: State, env: Env) -> Self {
        Self {
            env,
            waiting: Rc::default(),
            gathering: Cell::new(false),
            load: super::load::Load::new("inbox-feed"),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        self.load.event();
        respond(match req.path().as_str() {
            Feed::ROUTE => answer(&mut req, |call: Feed| self.feed(call.site, call.activity)).await,
            _ => Err(no_such_route()),
        })
    }
}

impl InboxFeedObject {
    /// Adds `activity` to the batch being gathered (the first request gathers it: it waits
    /// out the window, then sends everything that came) and answers once the site did.
    async fn feed(&self, site: SiteId, activity: Activity) -> EdgeResult<ActivityAnswer> {
        let (answer, answered) = oneshot::channel();
        self.waiting.borrow_mut().push((activity, answer));
        if !self.gathering.replace(true) {
            worker::Delay::from(Duration::from_millis(BATCH_WINDOW_MS)).await;
            let batch = std::mem::take(&mut *self.waiting.borrow_mut());
            self.gathering.set(false);
            self.pass_on(&site, batch).await;
        }
        match answered.await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(problem)) => Err(EdgeError::refuse(ErrorCode::Internal, problem)),
            Err(_) => Err(EdgeError::refuse(ErrorCode::Internal, "the inbox feed dropped an update")),
        }
    }

    /// Sends one batch to the site and hands each waiting request its answer.
    async fn pass_on(&self, site: &SiteId, batch: Vec<Waiting>) {
        self.load.batch();
        let (activities, answers): (Vec<Activity>, Vec<_>) = batch.into_iter().unzip();
        let count = activities.len();
        match objects::send(&self.env, site, &ActivityBatch { activities }).await {
            Ok(replies) if replies.len() == count => {
                for (answer, reply) in answers.into_iter().zip(replies) {
                    let _ = answer.send(Ok(reply));
                }
            }
            Ok(replies) => {
                let problem = format!("the site answered {} of {count} updates", replies.len());
                answers.into_iter().for_each(|answer| drop(answer.send(Err(problem.clone()))));
            }
            Err(error) => {
                let problem = format!("inbox batch to {site}: {error:?}");
                answers.into_iter().for_each(|answer| drop(answer.send(Err(problem.clone()))));
            }
        }
    }
}
