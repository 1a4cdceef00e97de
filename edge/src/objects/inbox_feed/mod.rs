//! The inbox feed objects: a conversation's summaries reach its site through one of a few
//! feed objects per site (`core::inbox_feed`), which pass them on as `ActivityBatch`es, one at
//! a time, in the manner of a group commit: a summary that finds no batch on its way goes at
//! once, alone; those that arrive while one is on its way go together with the next. A quiet
//! site so waits for nothing, and a busy one sends its site as many requests a second as the
//! site answers, whatever the number of conversations. Each conversation's request is
//! answered only once the site answered the batch (nothing is acknowledged that the site did
//! not take), so the feed stores no summary and can lose none.
//!
//! Each shard also keeps the search index of its conversations' messages
//! (`objects::search_index`): the texts stay here and never reach the site object, and a
//! search asks every shard (`edge/src/search.rs`).

pub(crate) mod calls;

use std::cell::{Cell, RefCell};
use std::future::ready;
use std::rc::Rc;

use futures_channel::oneshot;
use switchboard_protocol::{ConversationId, ErrorCode, SiteId};
use worker::{durable_object, DurableObject, Env, Request, Response, State};

use self::calls::{Feed, ForgetTexts, MatchTexts};
use super::call::{answer, no_such_route, ObjectCall};
use super::respond;
use super::search_index::{self, SearchIndex};
use super::site::calls::{Activity, ActivityAnswer, ActivityBatch};
use super::tables::{Schema, Tables};
use crate::error::{EdgeError, EdgeResult};
use crate::objects;

/// A shard's only table: its search index.
static SCHEMA: Schema =
    Schema { marker: "message_search", create: &[search_index::SCHEMA], added_columns: &[] };

/// A summary waiting for the next batch, and where its answer goes.
type Waiting = (Activity, oneshot::Sender<Result<ActivityAnswer, String>>);

/// One shard of a site's inbox feed.
#[durable_object]
pub struct InboxFeedObject {
    state: State,
    /// The search index's table, made with the first text.
    tables: Tables,
    /// Texts on their way into the index.
    search_index: Rc<SearchIndex>,
    /// The queue of updates and the batches on their way (shared with the task that sends).
    courier: Rc<Courier>,
}

/// What the sending task shares with the requests.
struct Courier {
    env: Env,
    /// What waits for the next batch.
    waiting: RefCell<Vec<Waiting>>,
    /// Whether the sending task runs (it sends batches until nothing waits).
    sending: Cell<bool>,
    /// Requests and batches so far, logged now and then (what `cargo xtask bench` reads).
    load: super::load::Load,
}

impl DurableObject for InboxFeedObject {
    fn new(state: State, env: Env) -> Self {
        let courier = Courier {
            env,
            waiting: RefCell::default(),
            sending: Cell::new(false),
            load: super::load::Load::new("inbox-feed"),
        };
        let tables = Tables::open(state.storage().sql(), &SCHEMA);
        Self { state, tables, search_index: Rc::default(), courier: Rc::new(courier) }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        self.courier.load.event();
        respond(match req.path().as_str() {
            Feed::ROUTE => answer(&mut req, |call: Feed| self.feed(call.site, call.activity)).await,
            MatchTexts::ROUTE => answer(&mut req, |call: MatchTexts| ready(self.search(&call.query))).await,
            ForgetTexts::ROUTE => {
                answer(&mut req, |call: ForgetTexts| ready(self.forget(&call.conversations))).await
            }
            _ => Err(no_such_route()),
        })
    }
}

impl InboxFeedObject {
    /// The conversations whose messages match `query`: none while nothing was indexed here.
    fn search(&self, query: &str) -> EdgeResult<Vec<ConversationId>> {
        if !self.tables.made() {
            return Ok(Vec::new());
        }
        self.search_index.matches(&self.state.storage().sql(), query)
    }

    /// Forgets the texts of erased `conversations`.
    fn forget(&self, conversations: &[ConversationId]) -> EdgeResult<()> {
        if !self.tables.made() {
            return Ok(());
        }
        self.search_index.forget(&self.state.storage().sql(), conversations)
    }

    /// Adds `activity` to the next batch and answers once the site did. When no batch is on
    /// its way, a task starts sending — this one at once, then whatever gathered while each
    /// batch was on its way — until nothing waits; each request returns with its own answer.
    async fn feed(&self, site: SiteId, mut activity: Activity) -> EdgeResult<ActivityAnswer> {
        // The texts are indexed here; the site takes the rest.
        let texts = std::mem::take(&mut activity.texts);
        if !texts.is_empty() {
            self.tables.make();
            self.search_index.add(&self.state, &activity.summary.id, texts);
        }
        let (answer, answered) = oneshot::channel();
        self.courier.waiting.borrow_mut().push((activity, answer));
        if !self.courier.sending.replace(true) {
            // The requests waiting for their answers keep the object alive for the task.
            let courier = Rc::clone(&self.courier);
            wasm_bindgen_futures::spawn_local(async move {
                loop {
                    let batch = std::mem::take(&mut *courier.waiting.borrow_mut());
                    if batch.is_empty() {
                        break;
                    }
                    courier.pass_on(&site, batch).await;
                }
                courier.sending.set(false);
            });
        }
        match answered.await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(problem)) => Err(EdgeError::refuse(ErrorCode::Internal, problem)),
            Err(_) => Err(EdgeError::refuse(ErrorCode::Internal, "the inbox feed dropped an update")),
        }
    }
}

impl Courier {
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
