//! The delivery guarantee, checked over random schedules: several clients (visitor tabs
//! sharing an author, agents) write while the network drops connections, loses frames in
//! flight, duplicates frames and replays; at the end every client holds exactly the server's
//! log, and every message typed is stored exactly once.
//!
//! The server is `conversation::handle` over a `MemoryStore` with a low rate limit; the
//! clients are `ClientLog`s; the network is a pair of queues per client. Live frames reach every connected client,
//! also one whose `hello` is still on its way (harsher than the edge, which waits for it).

use std::collections::{HashSet, VecDeque};

use proptest::prelude::*;
use switchboard_core::client_log::ClientLog;
use switchboard_core::conversation::{handle, Effect, MemoryStore, Sender};
use switchboard_core::rate::{ParticipantLimits, SendOrder};
use switchboard_protocol::{
    AgentId, Author, ClientFrame, ClientMessageId, ConversationId, ServerFrame, VisitorId,
};

/// Messages per second each client may send (bursts of four seconds' worth).
const RATE: u32 = 3;

/// One step of a schedule.
#[derive(Debug, Clone)]
enum Step {
    /// The user of client `c` writes a message.
    Type(usize),
    /// The next frame from client `c` reaches the server.
    Up(usize),
    /// The next frame from client `c` is delivered twice.
    DuplicateUp(usize),
    /// The next frame to client `c` reaches it.
    Down(usize),
    /// Client `c` loses its connection and everything in flight.
    Drop(usize),
    /// Client `c` reconnects: `hello` and every pending send.
    Reconnect(usize),
    /// Client `c` reports having read what it holds.
    Read(usize),
    /// Client `c`'s retry timer fires (after the edge asked it to slow down).
    Retry(usize),
}

fn step(clients: usize) -> impl Strategy<Value = Step> {
    let c = 0..clients;
    prop_oneof![
        3 => c.clone().prop_map(Step::Type),
        6 => c.clone().prop_map(Step::Up),
        1 => c.clone().prop_map(Step::DuplicateUp),
        6 => c.clone().prop_map(Step::Down),
        1 => c.clone().prop_map(Step::Drop),
        2 => c.clone().prop_map(Step::Reconnect),
        1 => c.clone().prop_map(Step::Read),
        2 => c.prop_map(Step::Retry),
    ]
}

struct Client {
    author: Author,
    log: ClientLog,
    connected: bool,
    up: VecDeque<ClientFrame>,
    down: VecDeque<ServerFrame>,
    typed: Vec<ClientMessageId>,
}

struct World {
    conversation: ConversationId,
    store: MemoryStore,
    clients: Vec<Client>,
    limits: Vec<ParticipantLimits>,
    /// One per client: its connection's send order (a fresh one per connection).
    orders: Vec<SendOrder>,
    now: i64,
    counter: u32,
}

impl World {
    fn new(count: usize) -> Self {
        let visitor = Author::Visitor { id: VisitorId::from_random([1; 16]), name: None };
        let clients = (0..count)
            .map(|i| Client {
                // Clients 0 and 1 are two tabs of the same visitor; the rest are agents.
                author: if i < 2 {
                    visitor.clone()
                } else {
                    Author::Agent { id: AgentId::from_random([i as u8; 16]), name: format!("agent {i}") }
                },
                log: ClientLog::new(),
                connected: false,
                up: VecDeque::new(),
                down: VecDeque::new(),
                typed: Vec::new(),
            })
            .collect();
        Self {
            conversation: ConversationId::from_random([7; 16]),
            store: MemoryStore::default(),
            clients,
            // Slow enough that a burst of typing hits the limit.
            limits: (0..count).map(|_| ParticipantLimits::new(RATE, 0)).collect(),
            orders: vec![SendOrder::default(); count],
            now: 0,
            counter: 0,
        }
    }

    fn run(&mut self, step: Step) {
        self.now += 10;
        match step {
            Step::Type(c) => {
                self.counter += 1;
                let id = ClientMessageId::parse(format!("c{c}-m{}", self.counter)).unwrap();
                let client = &mut self.clients[c];
                client.typed.push(id.clone());
                let frames = client.log.queue(id, format!("message {}", self.counter), self.now);
                if client.connected {
                    client.up.extend(frames);
                }
            }
            Step::Up(c) => {
                if let Some(frame) = self.clients[c].up.pop_front() {
                    self.serve(c, frame);
                }
            }
            Step::DuplicateUp(c) => {
                if let Some(frame) = self.clients[c].up.front().cloned() {
                    self.serve(c, frame.clone());
                    self.serve(c, frame);
                    self.clients[c].up.pop_front();
                }
            }
            Step::Down(c) => {
                let client = &mut self.clients[c];
                if let Some(frame) = client.down.pop_front() {
                    client.log.apply(frame, self.now);
                }
            }
            Step::Drop(c) => {
                let client = &mut self.clients[c];
                client.connected = false;
                client.up.clear();
                client.down.clear();
            }
            Step::Reconnect(c) => {
                let client = &mut self.clients[c];
                if !client.connected {
                    client.connected = true;
                    self.orders[c] = SendOrder::default();
                    // Pending messages follow the welcome (`Retry`).
                    client.up.push_back(client.log.hello());
                }
            }
            Step::Retry(c) => {
                let now = self.now;
                let client = &mut self.clients[c];
                let frames = client.log.take_due(now);
                if client.connected {
                    client.up.extend(frames);
                }
            }
            Step::Read(c) => {
                let client = &mut self.clients[c];
                let held = client.log.messages().next_back().map(|m| m.seq).unwrap_or_default();
                if let Some(frame) = client.log.mark_read(held) {
                    if client.connected {
                        client.up.push_back(frame);
                    }
                }
            }
        }
    }

    fn serve(&mut self, c: usize, frame: ClientFrame) {
        let author = self.clients[c].author.clone();
        let sender = Sender {
            order: &mut self.orders[c],
            conversation_id: &self.conversation,
            author: &author,
            renewal: None,
            interceptors: &[],
        };
        let outputs = match handle(&mut self.store, sender, &mut self.limits[c], frame, self.now) {
            Ok(outputs) => outputs,
            Err(never) => match never {},
        };
        for output in outputs {
            match output {
                Effect::Reply(frame) => self.clients[c].down.push_back(frame),
                Effect::Replay(replay) => {
                    let mut next = Some(replay);
                    while let Some(replay) = next {
                        let (frame, rest) = match replay.next_page(&mut self.store) {
                            Ok(page) => page,
                            Err(never) => match never {},
                        };
                        self.clients[c].down.push_back(frame);
                        next = rest;
                    }
                }
                Effect::Everyone(frame) => {
                    for client in self.clients.iter_mut().filter(|k| k.connected) {
                        client.down.push_back(frame.clone());
                    }
                }
                Effect::Relay(relay) => {
                    for client in self.clients.iter_mut().filter(|k| k.connected) {
                        let visitor = client.author.role() == switchboard_protocol::Role::Visitor;
                        let frame =
                            relay.to_visitors.as_ref().filter(|_| visitor).unwrap_or(&relay.to_agents);
                        client.down.push_back(frame.clone());
                    }
                }
                Effect::Others(frame) => {
                    for client in self.clients.iter_mut().filter(|k| k.connected && k.author != author) {
                        client.down.push_back(frame.clone());
                    }
                }
                Effect::Stored(_)
                | Effect::Action(_)
                | Effect::Context(_)
                | Effect::Identify(_)
                | Effect::Details(_)
                | Effect::Rate { .. } => {}
            }
        }
    }

    /// Everyone reconnects and the network delivers everything (retrying when told to wait),
    /// until nothing moves.
    fn settle(&mut self) {
        for c in 0..self.clients.len() {
            self.run(Step::Drop(c));
            self.run(Step::Reconnect(c));
        }
        loop {
            while self.clients.iter().any(|k| !k.up.is_empty() || !k.down.is_empty()) {
                for c in 0..self.clients.len() {
                    self.run(Step::Up(c));
                    self.run(Step::Down(c));
                }
            }
            let Some(next) = self.clients.iter().filter_map(|k| k.log.next_due_at()).min() else { break };
            self.now = self.now.max(next);
            for c in 0..self.clients.len() {
                self.run(Step::Retry(c));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_client_ends_with_exactly_the_stored_log(
        clients in 2usize..5,
        steps in proptest::collection::vec(step(4), 0..400),
    ) {
        let mut world = World::new(clients);
        for step in steps {
            let step = match step {
                Step::Type(c) | Step::Up(c) | Step::DuplicateUp(c) | Step::Down(c) | Step::Drop(c)
                | Step::Reconnect(c) | Step::Read(c) | Step::Retry(c) if c >= clients => continue,
                step => step,
            };
            world.run(step);
        }
        world.settle();

        // The log: seq 1..=n without gaps, and no (author, client id) twice.
        let log = &world.store.messages;
        for (i, message) in log.iter().enumerate() {
            prop_assert_eq!(message.seq.0, i as u64 + 1);
        }
        let keys: HashSet<_> = log.iter().map(|m| (m.author.id_str().to_string(), m.client_id.clone())).collect();
        prop_assert_eq!(keys.len(), log.len(), "a message was stored twice");

        // Every typed message stored exactly once: 0 lost, 0 duplicated.
        let typed: usize = world.clients.iter().map(|k| k.typed.len()).sum();
        prop_assert_eq!(typed, log.len());
        for client in &world.clients {
            for id in &client.typed {
                let stored = log.iter().filter(|m| m.client_id == *id && m.author.id_str() == client.author.id_str()).count();
                prop_assert_eq!(stored, 1, "{} stored {} times", id, stored);
            }
        }

        // Each client's messages are stored in the order they were written, also when the
        // edge made it wait.
        for client in &world.clients {
            let stored_order: Vec<_> = log.iter().filter(|m| client.typed.contains(&m.client_id)).map(|m| m.client_id.clone()).collect();
            prop_assert_eq!(&stored_order, &client.typed);
        }

        // Every client holds exactly that log, in order, with nothing left pending.
        for client in &world.clients {
            let held: Vec<_> = client.log.messages().cloned().collect();
            prop_assert_eq!(&held, log);
            prop_assert!(client.log.pending().is_empty());
        }
    }
}
