//! A key-value store: a single server, a replicated variant whose replicas gossip
//! last-writer-wins state, and a command-line client (the `kvs` binary).
//!
//! # Protocol
//!
//! Clients send [`KvsRequest`]s over TCP (serde + bincode in length-delimited frames) and get a
//! [`KvsResponse`] for each `Put` and `Get`: the key's value after the put, or its current value.
//! Replicas use the same port for their peers' [`KvsRequest::Gossip`].
//!
//! # The store
//!
//! Every server keeps a [`Store`]: a `MapUnion` from keys to a `DomPair` of a version
//! (`Max<(timestamp, replica id)>`) and the value (`Conflict<String>`). Merging keeps, per key,
//! the write with the greatest version, so replicas that have seen the same writes hold the same
//! map whatever order the writes arrived in. Versions come from each replica's [`Clock`]: the
//! wall clock in microseconds, but always past every version the replica has seen, so a write
//! made after seeing another one wins over it; the replica id breaks ties between concurrent
//! writes. (Two replicas started with the same id could still tie with different values: the
//! `Conflict` lattice then makes the key read as conflicting on every replica, instead of
//! replicas silently disagreeing.)
//!
//! A server answers the requests of one tick against the store as it stands after that tick's
//! writes (the `state` operator's `[state]` output, read through a `singleton()`), so a read
//! that arrives together with a write to its key sees the write. Requests that arrive together
//! are concurrent, so that is consistent, but a client that pipelined `get k` before `put k v`
//! would be surprised: the [`client_flow`] therefore sends one request at a time. Each tick
//! copies the store for the reads, which is fine for an example; a large store would want an
//! index.
//!
//! # Replication
//!
//! A replica merges its clients' writes and its peers' gossip into the same `state`. The
//! writes that changed it (`[items]`) are gossiped to every known peer in the same tick, and
//! the whole store is gossiped periodically (`source_interval`), which repairs anything lost
//! while a peer was down. Membership is a lattice too: each gossip message carries the sender's
//! address and the members it knows, so a replica started with `--peers A` learns about every
//! other replica through A.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tideflow::lattices::{Conflict, DomPair, MapUnionBTreeMap, Max, SetUnionHashSet};
use tideflow::net::{Bytes, NetEvent, NetEvents, NetSink, RawBytes};
use tideflow::Flow;
use tokio::sync::mpsc::UnboundedSender;

use crate::common::{say, warn, StdinLine};

/// The program name used in warnings.
const PROGRAM: &str = "kvs";

/// A write's version: a timestamp (microseconds) and the writing replica's id.
pub type Version = (u64, String);

/// One key's entry: the greatest version wins; equal versions with different values conflict.
pub type Entry = DomPair<Max<Version>, Conflict<String>>;

/// The last-writer-wins map every server keeps.
pub type Store = MapUnionBTreeMap<String, Entry>;

/// The replicas a replica knows about (its own address included).
pub type Members = SetUnionHashSet<SocketAddr>;

/// What clients (and peer replicas) send to a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum KvsRequest {
    /// Stores `value` under `key`; answered with a [`KvsResponse::Value`].
    Put {
        /// The key.
        key: String,
        /// The new value.
        value: String,
    },
    /// Reads `key`; answered with a [`KvsResponse`].
    Get {
        /// The key.
        key: String,
    },
    /// A replica's state (or the part of it that just changed), sent to its peers; not
    /// answered.
    Gossip {
        /// The sending replica's address (where it accepts connections).
        from: SocketAddr,
        /// The replicas the sender knows.
        members: Vec<SocketAddr>,
        /// The entries.
        entries: Store,
    },
}

/// A server's answer to a `Put` or a `Get`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum KvsResponse {
    /// The key's value; `None` if it was never written.
    Value {
        /// The key.
        key: String,
        /// Its value.
        value: Option<String>,
    },
    /// The key holds two different values written under the same version.
    Conflict {
        /// The key.
        key: String,
    },
}

impl KvsResponse {
    /// The line the client prints: `k = v`, `k not found` or `k has conflicting writes`.
    ///
    /// ```
    /// use tideflow_example_services::kvs::KvsResponse;
    ///
    /// let found = KvsResponse::Value { key: "a".into(), value: Some("1".into()) };
    /// assert_eq!(found.to_line(), "a = 1");
    /// let missing = KvsResponse::Value { key: "b".into(), value: None };
    /// assert_eq!(missing.to_line(), "b not found");
    /// ```
    pub fn to_line(&self) -> String {
        match self {
            KvsResponse::Value {
                key,
                value: Some(value),
            } => format!("{key} = {value}"),
            KvsResponse::Value { key, value: None } => format!("{key} not found"),
            KvsResponse::Conflict { key } => format!("{key} has conflicting writes"),
        }
    }
}

/// The one-entry store holding a write.
pub fn write(key: String, value: String, version: Version) -> Store {
    Store::new(BTreeMap::from([(
        key,
        DomPair::new(Max::new(version), Conflict::new(value)),
    )]))
}

/// The answer to a `Get` of `key` on `store`.
///
/// ```
/// use tideflow::lattices::Merge;
/// use tideflow_example_services::kvs::{lookup, write, KvsResponse, Store};
///
/// let mut store = Store::default();
/// store.merge(write("k".into(), "old".into(), (1, "a".into())));
/// store.merge(write("k".into(), "new".into(), (2, "a".into())));
/// store.merge(write("k".into(), "late".into(), (1, "b".into()))); // older: ignored
/// let answer = lookup(&store, "k".into());
/// assert_eq!(answer, KvsResponse::Value { key: "k".into(), value: Some("new".into()) });
/// ```
pub fn lookup(store: &Store, key: String) -> KvsResponse {
    match store.as_map().get(&key).map(|entry| entry.value().value()) {
        None => KvsResponse::Value { key, value: None },
        Some(Some(value)) => KvsResponse::Value {
            value: Some(value.clone()),
            key,
        },
        Some(None) => KvsResponse::Conflict { key },
    }
}

/// A replica's source of versions: microseconds since the Unix epoch, but always greater than
/// every timestamp the replica has issued or seen.
#[derive(Debug, Clone)]
pub struct Clock {
    replica: String,
    latest: u64,
}

impl Clock {
    /// A clock for the replica with id `replica`.
    pub fn new(replica: impl Into<String>) -> Self {
        Self {
            replica: replica.into(),
            latest: 0,
        }
    }

    /// Takes note of the versions in `store`, so later writes here win over them.
    pub fn observe(&mut self, store: &Store) {
        for entry in store.as_map().values() {
            self.latest = self.latest.max(entry.key().value().0);
        }
    }

    /// The version for a new write.
    ///
    /// ```
    /// use tideflow_example_services::kvs::{write, Clock, Store};
    ///
    /// let mut clock = Clock::new("a");
    /// let first = clock.next_version();
    /// assert!(clock.next_version() > first);
    /// // After seeing a write from the future, the next write is later still.
    /// clock.observe(&write("k".into(), "v".into(), (u64::MAX - 1, "b".into())));
    /// assert_eq!(clock.next_version(), (u64::MAX, "a".to_string()));
    /// ```
    pub fn next_version(&mut self) -> Version {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| {
                u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX)
            });
        self.latest = now.max(self.latest.saturating_add(1));
        (self.latest, self.replica.clone())
    }

    /// Turns a received request into the server's input: a put gets its version, gossip
    /// advances the clock.
    pub fn stamp(&mut self, request: KvsRequest, client: SocketAddr) -> Received {
        match request {
            KvsRequest::Put { key, value } => Received::Put {
                key,
                value,
                version: self.next_version(),
                client,
            },
            KvsRequest::Get { key } => Received::Get { key, client },
            KvsRequest::Gossip {
                from,
                members,
                entries,
            } => {
                self.observe(&entries);
                Received::Gossip {
                    from,
                    members,
                    entries,
                }
            }
        }
    }
}

/// A request as a server's flow routes it (with `demux_enum`): who sent it, and a put's version.
#[derive(Debug, tideflow::DemuxEnum)]
pub enum Received {
    /// A client's write.
    Put {
        /// The key.
        key: String,
        /// The value.
        value: String,
        /// The version the server gave it.
        version: Version,
        /// Who to answer.
        client: SocketAddr,
    },
    /// A client's read.
    Get {
        /// The key.
        key: String,
        /// Who to answer.
        client: SocketAddr,
    },
    /// A peer replica's state.
    Gossip {
        /// The peer's address.
        from: SocketAddr,
        /// The members it knows.
        members: Vec<SocketAddr>,
        /// Its entries.
        entries: Store,
    },
}

/// The request in a received event; other events are reported on standard error (a frame that
/// does not decode, a failed send) or ignored (connects and clean disconnects).
pub fn request_of(event: NetEvent<KvsRequest>) -> Option<(KvsRequest, SocketAddr)> {
    match event {
        NetEvent::Message { from, message } => Some((message, from)),
        event => {
            report(&event);
            None
        }
    }
}

/// Prints a failure event on standard error.
fn report<T>(event: &NetEvent<T>) {
    match event {
        NetEvent::DecodeError { from, error } => {
            warn(PROGRAM, format!("ignored a message from {from}: {error}"));
        }
        NetEvent::SendFailed { to, error } => {
            warn(PROGRAM, format!("could not send to {to}: {error}"))
        }
        NetEvent::ConnectFailed {
            peer,
            error,
            retry_in: None,
        } => warn(PROGRAM, format!("gave up connecting to {peer}: {error}")),
        NetEvent::Disconnected { peer, reason } if event.is_failure() => {
            warn(PROGRAM, format!("lost {peer}: {reason}"));
        }
        NetEvent::SocketError { error } => warn(PROGRAM, format!("socket error: {error}")),
        _ => {}
    }
}

/// The single server: answers puts and gets from its store. It also merges any gossip it
/// receives, so it can serve as a passive copy of a replica group.
///
/// `replies` and `requests` are the halves of the server's bound byte socket
/// (`bind_tcp_bytes`); `me` is its address, the id in its versions.
pub fn server_flow(
    replies: NetSink<Bytes, RawBytes>,
    requests: NetEvents<Bytes, RawBytes>,
    me: SocketAddr,
) -> Flow<'static> {
    let mut clock = Clock::new(me.to_string());
    tideflow::flow! {
        received = source_stream_serde::<KvsRequest>(requests)
            -> filter_map(request_of)
            -> map(move |(request, from)| clock.stamp(request, from))
            -> demux_enum::<Received>();

        // The store: every write merges into one last-writer-wins map.
        store = union() -> state::<'static, Store>();
        snapshot = store[state] -> singleton();

        puts = received[Put] -> tee();
        puts -> map(|(key, value, version, _client)| write(key, value, version)) -> store;
        puts -> map(|(key, value, _version, client)| (KvsResponse::Value { key, value: Some(value) }, client))
            -> replies;
        received[Gossip] -> map(|(_from, _members, entries)| entries) -> store;
        received[Get] -> map(|(key, client)| (lookup(#snapshot, key), client)) -> replies;

        replies = union() -> dest_sink_serde(replies);
    }
}

/// A replica: a server whose store is replicated to its peers by gossip.
///
/// `replies` / `requests` are the replica's bound byte socket, `me` its address (its id, and
/// where peers reach it); `to_peers` / `from_peers` a connecting byte socket
/// (`connect_tcp_bytes`) for gossip; `seeds` the peers it starts with; `gossip_every` the
/// period of full-state gossip.
pub fn replica_flow(
    replies: NetSink<Bytes, RawBytes>,
    requests: NetEvents<Bytes, RawBytes>,
    me: SocketAddr,
    to_peers: NetSink<Bytes, RawBytes>,
    from_peers: NetEvents<Bytes, RawBytes>,
    seeds: Vec<SocketAddr>,
    gossip_every: Duration,
) -> Flow<'static> {
    let mut clock = Clock::new(me.to_string());
    let initial_members: Members = seeds.into_iter().chain([me]).collect();
    tideflow::flow! {
        received = source_stream_serde::<KvsRequest>(requests)
            -> filter_map(request_of)
            -> map(move |(request, from)| clock.stamp(request, from))
            -> demux_enum::<Received>();

        // The store: clients' writes and peers' gossip merge into one last-writer-wins map.
        store = union() -> state::<'static, Store>();
        snapshot = store[state] -> singleton();

        puts = received[Put] -> tee();
        puts -> map(|(key, value, version, _client)| write(key, value, version)) -> store;
        puts -> map(|(key, value, _version, client)| (KvsResponse::Value { key, value: Some(value) }, client))
            -> replies;
        received[Get] -> map(|(key, client)| (lookup(#snapshot, key), client)) -> replies;
        replies = union() -> dest_sink_serde(replies);

        // Membership: the seeds, and every replica a peer tells us about.
        gossip = received[Gossip] -> tee();
        gossip -> map(|(_from, _members, entries)| entries) -> store;
        members = union() -> state::<'static, Members>();
        source_iter([initial_members]) -> members;
        gossip -> map(|(from, members, _entries)| members.into_iter().chain([from]).collect::<Members>())
            -> members;
        known = members[state] -> singleton();

        // Gossip: this tick's changes at once, and the whole store every period.
        store[items] -> lattice_reduce::<Store>() -> outgoing;
        source_interval(gossip_every) -> map(|()| #snapshot.clone()) -> outgoing;
        outgoing = union()
            -> flat_map(|entries: Store| gossip_messages(me, #known, entries))
            -> dest_sink_serde(to_peers);
        source_stream(from_peers) -> for_each(|event: NetEvent<Bytes>| report(&event));
    }
}

/// The gossip messages carrying `entries` from `me` to every other member.
fn gossip_messages(
    me: SocketAddr,
    known: &Members,
    entries: Store,
) -> Vec<(KvsRequest, SocketAddr)> {
    let members: Vec<SocketAddr> = known.as_set().iter().copied().collect();
    members
        .iter()
        .filter(|&&peer| peer != me)
        .map(|&peer| {
            let message = KvsRequest::Gossip {
                from: me,
                members: members.clone(),
                entries: entries.clone(),
            };
            (message, peer)
        })
        .collect()
}

/// Parses a client command: `put KEY VALUE...` (the value is the rest of the line) or
/// `get KEY`. Returns the request, `Ok(None)` for an empty line, or what is wrong.
///
/// ```
/// use tideflow_example_services::kvs::{parse_command, KvsRequest};
///
/// let put = KvsRequest::Put { key: "greeting".into(), value: "hello world".into() };
/// assert_eq!(parse_command("put greeting hello world"), Ok(Some(put)));
/// assert_eq!(parse_command("  "), Ok(None));
/// assert_eq!(parse_command("get"), Err("usage: get KEY".to_string()));
/// ```
pub fn parse_command(line: &str) -> Result<Option<KvsRequest>, String> {
    let trimmed = line.trim();
    let (verb, rest) = trimmed
        .split_once(char::is_whitespace)
        .map_or((trimmed, ""), |(verb, rest)| (verb, rest.trim()));
    match verb {
        "" => Ok(None),
        "put" => match rest.split_once(char::is_whitespace) {
            Some((key, value)) => Ok(Some(KvsRequest::Put {
                key: key.to_owned(),
                value: value.trim().to_owned(),
            })),
            None => Err("usage: put KEY VALUE".to_owned()),
        },
        "get" if !rest.is_empty() && !rest.contains(char::is_whitespace) => {
            Ok(Some(KvsRequest::Get {
                key: rest.to_owned(),
            }))
        }
        "get" => Err("usage: get KEY".to_owned()),
        other => Err(format!(
            "unknown command `{other}` (commands: put KEY VALUE, get KEY)"
        )),
    }
}

/// Something the client reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// A command was typed.
    Command(KvsRequest),
    /// The server answered.
    Response(KvsResponse),
    /// The connection to the server broke: the request in flight is not answered.
    Lost,
    /// The server cannot be reached.
    Unreachable,
    /// Standard input ended.
    InputEnded,
}

/// Something the client does, routed by its flow with `demux_enum`.
#[derive(Debug, Clone, PartialEq, Eq, tideflow::DemuxEnum)]
pub enum ClientAction {
    /// Send a request to the server.
    Send {
        /// The request.
        request: KvsRequest,
    },
    /// Print an answer.
    Print {
        /// The line.
        line: String,
    },
    /// Exit with this code.
    Exit {
        /// The exit code.
        code: i32,
    },
}

/// The client's queue: it sends one request at a time, the next when the previous one is
/// answered, so each command sees the effect of the ones typed before it (a server answers the
/// requests of one tick against the store after that tick's writes). It exits once the input
/// has ended and everything is answered (code 0), or when the server cannot be reached (1).
///
/// ```
/// use tideflow_example_services::kvs::{ClientAction, ClientEvent, ClientQueue, KvsRequest, KvsResponse};
///
/// let mut queue = ClientQueue::default();
/// let get = |key: &str| KvsRequest::Get { key: key.into() };
/// assert_eq!(queue.handle(ClientEvent::Command(get("a"))), [ClientAction::Send { request: get("a") }]);
/// assert_eq!(queue.handle(ClientEvent::Command(get("b"))), []); // waits for the answer to `a`
/// assert!(queue.handle(ClientEvent::InputEnded).is_empty());
/// let answer = |key: &str| ClientEvent::Response(KvsResponse::Value { key: key.into(), value: None });
/// assert_eq!(
///     queue.handle(answer("a")),
///     [ClientAction::Print { line: "a not found".into() }, ClientAction::Send { request: get("b") }]
/// );
/// assert_eq!(queue.handle(answer("b")).last(), Some(&ClientAction::Exit { code: 0 }));
/// ```
#[derive(Debug, Default)]
pub struct ClientQueue {
    waiting: VecDeque<KvsRequest>,
    in_flight: bool,
    input_ended: bool,
    exited: bool,
}

impl ClientQueue {
    /// Handles `event`; returns the actions to take, in order.
    pub fn handle(&mut self, event: ClientEvent) -> Vec<ClientAction> {
        let mut actions = Vec::new();
        match event {
            ClientEvent::Command(request) => self.waiting.push_back(request),
            ClientEvent::Response(response) => {
                actions.push(ClientAction::Print {
                    line: response.to_line(),
                });
                self.in_flight = false;
            }
            ClientEvent::Lost => self.in_flight = false,
            ClientEvent::Unreachable => {
                self.exited = true;
                return vec![ClientAction::Exit { code: 1 }];
            }
            ClientEvent::InputEnded => self.input_ended = true,
        }
        if self.exited {
            return Vec::new();
        }
        if !self.in_flight {
            if let Some(request) = self.waiting.pop_front() {
                self.in_flight = true;
                actions.push(ClientAction::Send { request });
            } else if self.input_ended {
                self.exited = true;
                actions.push(ClientAction::Exit { code: 0 });
            }
        }
        actions
    }
}

/// The client's view of a line of standard input: a command, the end, or nothing (a problem
/// with the line is reported on standard error).
fn client_command(line: StdinLine) -> Option<ClientEvent> {
    match line {
        StdinLine::End => Some(ClientEvent::InputEnded),
        StdinLine::Line(line) => match parse_command(&line) {
            Ok(request) => request.map(ClientEvent::Command),
            Err(problem) => {
                warn(PROGRAM, problem);
                None
            }
        },
    }
}

/// The client's view of a network event: answers, and the failures that matter to it.
fn client_event(event: NetEvent<KvsResponse>) -> Option<ClientEvent> {
    match event {
        NetEvent::Message { message, .. } => Some(ClientEvent::Response(message)),
        NetEvent::ConnectFailed {
            peer,
            error,
            retry_in: None,
        } => {
            warn(
                PROGRAM,
                format!("cannot reach the server at {peer}: {error}"),
            );
            Some(ClientEvent::Unreachable)
        }
        NetEvent::Disconnected { peer, reason } => {
            warn(
                PROGRAM,
                format!("lost the connection to the server at {peer}: {reason}"),
            );
            Some(ClientEvent::Lost)
        }
        event => {
            report(&event);
            None
        }
    }
}

/// The client: sends the commands read from `stdin` to `server`, one at a time, and prints
/// each answer; sends its exit code to `done` when it is finished (see [`ClientQueue`]).
///
/// `requests` / `responses` are a connecting byte socket (`connect_tcp_with`).
pub fn client_flow(
    requests: NetSink<Bytes, RawBytes>,
    responses: NetEvents<Bytes, RawBytes>,
    server: SocketAddr,
    stdin: impl futures::Stream<Item = StdinLine> + Unpin + 'static,
    done: UnboundedSender<i32>,
) -> Flow<'static> {
    let mut queue = ClientQueue::default();
    tideflow::flow! {
        events = union() -> flat_map(move |event| queue.handle(event)) -> demux_enum::<ClientAction>();
        source_stream(stdin) -> filter_map(client_command) -> events;
        source_stream_serde::<KvsResponse>(responses) -> filter_map(client_event) -> events;

        events[Send] -> map(move |(request,)| (request, server)) -> dest_sink_serde(requests);
        events[Print] -> for_each(|(line,): (String,)| say(line));
        events[Exit] -> for_each(move |(code,): (i32,)| {
            // The receiver is only gone when `main` is already exiting.
            let _ = done.send(code);
        });
    }
}
