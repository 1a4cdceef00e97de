//! The delivery guarantee under chaos, against real workerd and real WebSockets: 20 clients
//! (per conversation three visitor tabs and two agent tabs) write thousands of messages while
//! sockets are dropped at random, acknowledged messages are sent again, and workerd itself is
//! restarted twice. At the end every client must hold exactly its conversation's stored log,
//! in the same order, and every message must be stored exactly once.
//!
//! `cargo xtask test` runs 2,000 messages; `cargo xtask chaos` runs 10,000 (or
//! `SWITCHBOARD_CHAOS_MESSAGES`).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use switchboard_core::client_log::ClientLog;
use switchboard_protocol::api::create_session;
use switchboard_protocol::{ClientFrame, ClientMessageId, Message, Seq, ServerFrame};
use switchboard_tests::api::{chat, create_session, login, Live};
use switchboard_tests::test_edge::TestEdge;

const SHOP: &str = "https://shop.example";
const CONVERSATIONS: usize = 4;
const VISITOR_TABS: usize = 3;
const AGENT_TABS: usize = 2;
/// Messages a client keeps unacknowledged at most.
const IN_FLIGHT: usize = 4;
/// Chance, per frame received, that the client's socket is dropped (no close handshake).
const DROP_CHANCE: f64 = 1.0 / 80.0;
/// Chance, per frame received, that the client sends an already-acknowledged message again.
const RESEND_CHANCE: f64 = 1.0 / 40.0;

/// Who a chaos client is.
#[derive(Clone)]
enum Role {
    Visitor(create_session::Response),
    Agent { cookie: String, session: create_session::Response },
}

struct Outcome {
    conversation: usize,
    role: Role,
    log: ClientLog,
    sent: Vec<ClientMessageId>,
    author_id: String,
    drops: usize,
    resends: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_message_is_lost_or_duplicated_under_drops_resends_and_restarts() -> Result<()> {
    let total: usize =
        std::env::var("SWITCHBOARD_CHAOS_MESSAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let seed: u64 =
        std::env::var("SWITCHBOARD_CHAOS_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(7)
        });
    eprintln!("chaos: {total} messages, seed {seed} (SWITCHBOARD_CHAOS_SEED to repeat the schedule)");
    let mut edge = TestEdge::start_with(
        &[SHOP],
        &[("VISITOR_MESSAGES_PER_SECOND", "100000"), ("AGENT_MESSAGES_PER_SECOND", "100000")],
    )?;
    let ws_origin = edge.ws_origin();
    let origin = edge.origin();
    let cookie = login(&edge).await?;

    let clients_per_conversation = VISITOR_TABS + AGENT_TABS;
    let clients = CONVERSATIONS * clients_per_conversation;
    let quota = total.div_ceil(clients);
    let acked = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for conversation in 0..CONVERSATIONS {
        let session = create_session(&edge, SHOP).await?;
        // The visitor connects first: that creates the conversation agents may join.
        Live::visitor(&edge, &session).await?.hello(Seq(0)).await?;
        for tab in 0..clients_per_conversation {
            let role = if tab < VISITOR_TABS {
                Role::Visitor(session.clone())
            } else {
                Role::Agent { cookie: cookie.clone(), session: session.clone() }
            };
            let name = format!("c{conversation}t{tab}");
            let rng = SmallRng::seed_from_u64(seed ^ ((conversation * 31 + tab) as u64));
            let (ws_origin, origin, acked) = (ws_origin.clone(), origin.clone(), Arc::clone(&acked));
            tasks.push(tokio::spawn(async move {
                run_client(conversation, name, role, quota, rng, ws_origin, origin, acked).await
            }));
        }
    }

    // Restart workerd twice while the clients write.
    let started = Instant::now();
    for threshold in [total / 3, 2 * total / 3] {
        while acked.load(Ordering::Relaxed) < threshold {
            if tasks.iter().all(|task| task.is_finished()) {
                bail!("the clients finished after only {} acknowledgements", acked.load(Ordering::Relaxed));
            }
            if started.elapsed() > Duration::from_secs(600) {
                bail!("stalled at {} acknowledged messages", acked.load(Ordering::Relaxed));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        eprintln!("chaos: restarting workerd at {} acknowledged messages", acked.load(Ordering::Relaxed));
        tokio::task::block_in_place(|| edge.restart())?;
    }

    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(
            tokio::time::timeout(Duration::from_secs(600), task)
                .await
                .context("a client never finished")???,
        );
    }
    // Each client catches up once more, then compares with its conversation's stored log.
    let mut logs: HashMap<usize, Vec<Message>> = HashMap::new();
    let (mut lost, mut duplicated, mut differing) = (0, 0, 0);
    let mut sent_total = 0;
    for outcome in &mut outcomes {
        catch_up(&mut outcome.log, &outcome.role, &ws_origin, &origin).await?;
        let stored = match logs.get(&outcome.conversation) {
            Some(log) => log.clone(),
            None => {
                // The stored log, as a client that never held anything receives it.
                let mut fresh = ClientLog::new();
                catch_up(&mut fresh, &outcome.role, &ws_origin, &origin).await?;
                let log: Vec<Message> = fresh.messages().cloned().collect();
                logs.insert(outcome.conversation, log.clone());
                log
            }
        };
        // Routing events reach visitors as placeholders and agents whole; people's messages
        // must be identical for everyone.
        let held: Vec<Message> = outcome.log.messages().cloned().collect();
        if chat(&held) != chat(&stored) {
            differing += 1;
            eprintln!(
                "chaos: a client of conversation {} holds {} messages, the log has {}",
                outcome.conversation,
                held.len(),
                stored.len()
            );
        }
        for id in &outcome.sent {
            match stored
                .iter()
                .filter(|m| m.client_id == *id && m.author.id_str() == outcome.author_id)
                .count()
            {
                0 => lost += 1,
                1 => {}
                n => duplicated += n - 1,
            }
        }
        sent_total += outcome.sent.len();
    }
    let stored_total: usize = logs.values().map(|log| chat(log).len()).sum();
    let drops: usize = outcomes.iter().map(|o| o.drops).sum();
    let resends: usize = outcomes.iter().map(|o| o.resends).sum();
    for log in logs.values() {
        let keys: HashSet<_> = log.iter().map(|m| (m.author.id_str(), m.client_id.as_str())).collect();
        duplicated += log.len() - keys.len();
        assert!(log.iter().enumerate().all(|(i, m)| m.seq == Seq(i as u64 + 1)), "gaps in a log");
    }
    println!(
        "chaos: {sent_total} messages from {clients} clients in {CONVERSATIONS} conversations, {stored_total} stored; \
         {drops} socket drops, {resends} resends of acknowledged messages, 2 workerd restarts, {:.1} s: \
         lost {lost}, duplicated {duplicated}, clients whose log differs {differing}",
        started.elapsed().as_secs_f64()
    );
    assert_eq!((lost, duplicated, differing), (0, 0, 0));
    assert_eq!(stored_total, sent_total);
    Ok(())
}

/// One client: writes `quota` messages, keeping a few in flight, reconnecting whenever its
/// socket fails or is dropped on purpose, and resending at random.
#[allow(clippy::too_many_arguments)]
async fn run_client(
    conversation: usize,
    name: String,
    role: Role,
    quota: usize,
    mut rng: SmallRng,
    ws_origin: String,
    origin: String,
    acked: Arc<AtomicUsize>,
) -> Result<Outcome> {
    let mut log = ClientLog::new();
    let mut sent = Vec::new();
    let mut acked_frames: Vec<ClientFrame> = Vec::new();
    let mut acked_ids = HashSet::new();
    let (mut drops, mut resends) = (0, 0);
    let mut author_id = String::new();
    let deadline = Instant::now() + Duration::from_secs(600);
    'connection: loop {
        if Instant::now() > deadline {
            bail!("{name} gave up: {} of {quota} sent, {} pending", sent.len(), log.pending().len());
        }
        let Ok(mut live) = connect(&role, &ws_origin, &origin).await else {
            // workerd is restarting: try again shortly.
            tokio::time::sleep(Duration::from_millis(rng.random_range(50..250))).await;
            continue;
        };
        // Pending messages go again after the welcome (`take_due` below).
        if live.send(&log.hello()).await.is_err() {
            continue 'connection;
        }
        loop {
            while sent.len() < quota && log.pending().len() < IN_FLIGHT {
                let id = ClientMessageId::parse(format!("{name}-{}", sent.len()))?;
                sent.push(id.clone());
                for frame in log.queue(id, format!("{name} says {}", sent.len()), 0) {
                    if live.send(&frame).await.is_err() {
                        continue 'connection;
                    }
                }
            }
            if sent.len() == quota && log.pending().is_empty() {
                return Ok(Outcome { conversation, role, log, sent, author_id, drops, resends });
            }
            let frame = match live.next_within(Duration::from_secs(5)).await {
                Ok(Some(frame)) => frame,
                // Silence with messages in flight, or a failed socket: reconnect and resend.
                Ok(None) | Err(_) => continue 'connection,
            };
            if let ServerFrame::Welcome { you, .. } = &frame {
                author_id = you.id_str().to_string();
            }
            if let ServerFrame::Ack { client_id, seq } = &frame {
                if acked_ids.insert(client_id.clone()) {
                    acked.fetch_add(1, Ordering::Relaxed);
                    let text =
                        log.messages().find(|m| m.seq == *seq).map(|m| m.text.clone()).unwrap_or_default();
                    acked_frames.push(ClientFrame::Send {
                        client_id: client_id.clone(),
                        text,
                        internal: false,
                    });
                }
            }
            log.apply(frame, 0);
            // The edge's rate is far above this test's pace: the clock can stand still.
            for frame in log.take_due(0) {
                if live.send(&frame).await.is_err() {
                    continue 'connection;
                }
            }
            if rng.random_bool(RESEND_CHANCE) && !acked_frames.is_empty() {
                let again = acked_frames[rng.random_range(0..acked_frames.len())].clone();
                resends += 1;
                if live.send(&again).await.is_err() {
                    continue 'connection;
                }
            }
            if rng.random_bool(DROP_CHANCE) {
                drops += 1;
                drop(live);
                continue 'connection;
            }
        }
    }
}

async fn connect(role: &Role, ws_origin: &str, origin: &str) -> Result<Live> {
    let (session, cookie, protocols) = match role {
        Role::Visitor(session) => (
            session,
            None,
            vec![
                switchboard_protocol::SUBPROTOCOL.to_string(),
                format!("{}{}", switchboard_protocol::TOKEN_SUBPROTOCOL_PREFIX, session.token),
            ],
        ),
        Role::Agent { cookie, session } => {
            (session, Some(cookie.as_str()), vec![switchboard_protocol::SUBPROTOCOL.to_string()])
        }
    };
    let url = format!("{ws_origin}/api/v1/conversations/{}/live", session.conversation_id);
    Live::connect(&url, &protocols, Some(origin), cookie).await
}

/// Brings `log` up to date over a fresh socket: `hello` from where it is, then the replay.
async fn catch_up(log: &mut ClientLog, role: &Role, ws_origin: &str, origin: &str) -> Result<()> {
    let mut live = connect(role, ws_origin, origin).await?;
    live.send(&log.hello()).await?;
    loop {
        let frame = live.next().await?;
        let complete = matches!(frame, ServerFrame::History { complete: true, .. });
        log.apply(frame, 0);
        if complete {
            return Ok(());
        }
    }
}
