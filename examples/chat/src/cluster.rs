//! The chat cluster server: several servers share one chat, so clients connected to different
//! servers talk to each other, and a server that stops does not stop the others.
//!
//! Each cluster server serves its own clients exactly like the plain [`crate::server`] (same
//! protocol, same [`Roster`]), and keeps two grow-only sets, merged as lattices:
//!
//! - **the chat log**, a `SetUnion` of [`ChatEntry`]s keyed by `(origin server, sequence
//!   number)`. A line typed here becomes a new entry numbered by this server. Entries arrive
//!   from other servers in [`Gossip`]; merging them into the log lets through only those that
//!   are new here, which go to this server's clients and on to every other server. A
//!   duplicate, or an entry that took a longer path, merges as a no-op: it is neither shown
//!   twice nor forwarded again, so flooding stops by itself. (The log keeps every line for the
//!   server's lifetime: this example does not collect garbage.)
//! - **the membership**, a `SetUnion` of server addresses. A server starts knowing itself and
//!   the `--peers` it was given; it gossips the set to every server it knows when it learns a
//!   new one and once a second, so servers that started from one seed soon know each other
//!   directly and keep working when the seed stops.
//!
//! Servers dial each other with a connecting sink ([`tideflow::net::connect_tcp_with`]) that
//! retries forever with backoff; a server that stops is reported `Peer ... down` and its queue
//! is bounded, and nothing else changes. Peers send their gossip to the same port clients use.

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tideflow::net::{bind_tcp, connect_tcp_with, Backoff, Bincode, NetConfig, NetEvent};
use tideflow::Flow;
use tideflow_lattices::{Merge, SetUnionBTreeSet, SetUnionSingletonSet};

use crate::console;
use crate::protocol::{ChatEntry, Gossip, Message, ServerId};
use crate::roster::{Event, Inbound, Roster, RELAYED};

/// How often a server tells the others which servers it knows.
pub const GOSSIP_INTERVAL: Duration = Duration::from_secs(1);

/// Messages queued for one peer server while it is unreachable; more are dropped (and
/// reported). Gossip repeats, so nothing important is lost for good.
const PEER_QUEUE_CAPACITY: usize = 256;

/// A cluster server, built and ready to run.
pub struct ClusterServer {
    /// The server's flow.
    pub flow: Flow<'static>,
    /// The address its socket is bound to.
    pub bound: SocketAddr,
    /// The address it gives its peers (the bound address, with `127.0.0.1` for an unspecified
    /// IP).
    pub advertised: SocketAddr,
}

/// Binds a cluster server on `address` and builds its flow; `peers` are other cluster servers
/// to contact at start (one is enough: the rest are learned from gossip).
pub async fn build(address: &str, peers: Vec<SocketAddr>) -> io::Result<ClusterServer> {
    let (outbound, events, bound) = bind_tcp::<Message>(address).await?;
    let advertised = if bound.ip().is_unspecified() {
        SocketAddr::from((Ipv4Addr::LOCALHOST, bound.port()))
    } else {
        bound
    };
    let incarnation = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
        });
    let me = ServerId {
        addr: advertised,
        incarnation,
    };
    let backoff = Backoff::default()
        .with_initial(Duration::from_millis(100))
        .with_max(Duration::from_secs(2))
        .with_give_up_after(None);
    let peer_config = NetConfig::default()
        .with_backoff(backoff)
        .with_connect_timeout(Duration::from_secs(2))
        .with_queue_capacity(PEER_QUEUE_CAPACITY);
    let (to_peers_sink, peer_events) = connect_tcp_with::<Message, Bincode>(peer_config)?;
    let seeds: Vec<SocketAddr> = std::iter::once(advertised).chain(peers).collect();
    let mut links = PeerLinks::default();
    let mut chat_log = SetUnionBTreeSet::<ChatEntry>::default();

    let flow = tideflow::flow! {
        inbound = source_stream(events)
            -> filter_map(Inbound::from_net)
            -> demux_enum::<Inbound>();
        inbound[Note] -> for_each(|(note,): (String,)| console::warn(note));
        gossip = inbound[Gossip] -> map(|(_from, gossip): (SocketAddr, Gossip)| gossip) -> tee();

        // This server's clients: the plain server's roster and answers, plus the lines relayed
        // from other servers.
        clients = inbound[Client]
            -> map(|(event,): (Event,)| event)
            -> enumerate::<'static>()
            -> tee();
        roster = clients
            -> fold::<'static>(Roster::default, |roster: &mut Roster, event: (usize, Event)| {
                roster.apply(event, context.current_tick())
            })
            -> tee();
        clients -> to_answer;
        to_answer = union() -> [input]answer;
        roster -> [single]answer;
        answer = cross_singleton()
            -> flat_map(|(event, roster): ((usize, Event), Roster)| roster.deliveries(event))
            -> dest_sink(outbound);

        // A line typed here becomes a log entry numbered by this server.
        clients -> filter(|(_, event): &(usize, Event)| event.is_say()) -> [input]named;
        roster -> [single]named;
        named = cross_singleton()
            -> filter_map(|((_, event), roster): ((usize, Event), Roster)| roster.said(event))
            -> enumerate::<'static>()
            -> map(move |(seq, (name, text)): (usize, (String, String))| ChatEntry {
                origin: me,
                seq: seq as u64,
                name,
                text,
            })
            -> log;

        // The chat log: every entry from here and from gossip is merged in, and the entries
        // that changed it (the ones new here) pass. The closure owns the lattice rather than a
        // `state_by::<'static>()`, which would clone the whole log in every tick.
        gossip -> flat_map(|gossip: Gossip| gossip.entries.into_set()) -> log;
        log = union()
            -> filter(move |entry: &ChatEntry| chat_log.merge(entry.clone().into_delta()));
        fresh = log -> tee();
        // New lines from other servers go to this server's clients...
        fresh
            -> filter(move |entry: &ChatEntry| entry.origin != me)
            -> map(|entry: ChatEntry| {
                (RELAYED, Event::Relay { name: entry.name, text: entry.text })
            })
            -> to_answer;
        // ...and every new line, batched per tick, on to every other server.
        fresh
            -> map(ChatEntry::into_delta)
            -> lattice_fold(SetUnionBTreeSet::<ChatEntry>::default)
            -> filter(|batch: &SetUnionBTreeSet<ChatEntry>| !batch.as_set().is_empty())
            -> [input]flood;
        servers -> [single]flood;
        flood = cross_singleton()
            -> flat_map(move |(entries, servers)| gossip_to_peers(me, servers, entries))
            -> to_peers;

        // The membership: the servers this one knows of.
        source_iter(seeds) -> members;
        gossip -> flat_map(|gossip: Gossip| gossip.servers.into_set()) -> members;
        members = union()
            -> state_by::<'static>(
                SetUnionSingletonSet::singleton,
                SetUnionBTreeSet::<SocketAddr>::default,
            );
        learned = members[items] -> tee();
        learned -> for_each(|server: SocketAddr| {
            console::line(format_args!("Cluster member: {server}"))
        });
        servers = members[state] -> tee();
        // Tell everyone known whenever a server is learned, and once a second anyway.
        learned -> map(|_| ()) -> announce;
        source_interval(GOSSIP_INTERVAL) -> announce;
        announce = union() -> unique() -> [input]heartbeat;
        servers -> [single]heartbeat;
        heartbeat = cross_singleton()
            -> flat_map(move |((), servers)| {
                gossip_to_peers(me, servers, SetUnionBTreeSet::default())
            })
            -> to_peers;
        to_peers = union() -> dest_sink(to_peers_sink);

        // The links to the other servers, reported when they change.
        source_stream(peer_events)
            -> filter_map(PeerLink::from_net)
            -> filter(move |link: &PeerLink| links.changed(link))
            -> for_each(|link: PeerLink| console::line(link));
    };
    Ok(ClusterServer {
        flow,
        bound,
        advertised,
    })
}

/// One gossip message, carrying `servers` and `entries`, for every known server but `me`.
fn gossip_to_peers(
    me: ServerId,
    servers: SetUnionBTreeSet<SocketAddr>,
    entries: SetUnionBTreeSet<ChatEntry>,
) -> Vec<(Message, SocketAddr)> {
    let peers: Vec<SocketAddr> = servers
        .as_set()
        .iter()
        .copied()
        .filter(|server| *server != me.addr)
        .collect();
    let gossip = Gossip { servers, entries };
    peers
        .into_iter()
        .map(|peer| (Message::Gossip(gossip.clone()), peer))
        .collect()
}

/// The state of the link to another server, as its connecting sink reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerLink {
    /// The other server.
    pub peer: SocketAddr,
    /// Whether the link is up.
    pub up: bool,
    /// Why it is down.
    pub reason: String,
}

impl PeerLink {
    /// The link state a dialling socket's event reports, if any.
    pub fn from_net(event: NetEvent<Message>) -> Option<PeerLink> {
        let (peer, up, reason) = match event {
            NetEvent::Connected { peer } => (peer, true, String::new()),
            NetEvent::Disconnected { peer, reason } => (peer, false, reason.to_string()),
            NetEvent::ConnectFailed { peer, error, .. } => (peer, false, error.to_string()),
            _ => return None,
        };
        Some(PeerLink { peer, up, reason })
    }
}

impl std::fmt::Display for PeerLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.up {
            write!(f, "Peer {} up", self.peer)
        } else {
            write!(f, "Peer {} down: {}", self.peer, self.reason)
        }
    }
}

/// The last reported state of each link, so that only changes are printed.
#[derive(Debug, Default)]
struct PeerLinks {
    up: HashMap<SocketAddr, bool>,
}

impl PeerLinks {
    /// Records `link`; whether it changed the link's state.
    fn changed(&mut self, link: &PeerLink) -> bool {
        self.up.insert(link.peer, link.up) != Some(link.up)
    }
}
