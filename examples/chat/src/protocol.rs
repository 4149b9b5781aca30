//! The chat protocol: the one message type that clients and servers exchange over
//! `tideflow::net`'s typed TCP sockets (serde + bincode, length-delimited frames).
//!
//! A typed socket carries one message type in both directions, so [`Message`] has the variants
//! of every conversation: a client introduces itself ([`Message::Hello`]) and sends what its
//! user types ([`Message::Say`]); a server answers with a [`Message::Welcome`] and forwards chat
//! lines and arrivals and departures; cluster servers exchange [`Gossip`]. A side that receives
//! a variant it does not expect ignores it.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};
use tideflow_lattices::{SetUnionBTreeSet, SetUnionSingletonSet};

/// Everything that travels on a chat connection, in either direction.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Message {
    /// Client → server, first on every connection: the user's name.
    Hello {
        /// The name the others see.
        name: String,
    },
    /// Client → server: a line the user typed.
    Say {
        /// The line, without its line ending.
        text: String,
    },
    /// Server → client: the answer to [`Message::Hello`].
    Welcome {
        /// The names of the others connected to this server, sorted.
        online: Vec<String>,
    },
    /// Server → client: someone else said something.
    Chat {
        /// Who said it.
        name: String,
        /// What they said.
        text: String,
    },
    /// Server → client: someone connected to this server.
    Joined {
        /// Their name.
        name: String,
    },
    /// Server → client: someone left this server (quit, or lost their connection).
    Left {
        /// Their name.
        name: String,
    },
    /// Cluster server → cluster server: what the sender knows, as lattices.
    Gossip(Gossip),
}

/// What one cluster server tells another: two grow-only sets, merged by union on arrival, so a
/// gossip message that arrives twice, late or out of order changes nothing it should not.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Gossip {
    /// The addresses of the cluster's servers that the sender knows of (itself included).
    pub servers: SetUnionBTreeSet<SocketAddr>,
    /// Chat lines the sender learned since it last gossiped (a delta of the chat log).
    pub entries: SetUnionBTreeSet<ChatEntry>,
}

/// One run of one cluster server: its address and when it started, so a server restarted on
/// the same address numbers its lines anew without colliding with its earlier run's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ServerId {
    /// The address the server listens on, which its peers dial.
    pub addr: SocketAddr,
    /// The server's start time, in nanoseconds since the Unix epoch.
    pub incarnation: u64,
}

/// One line of a cluster's chat log. `(origin, seq)` identifies it: the server whose client
/// typed it and that server's running count of lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ChatEntry {
    /// The server the line was typed at.
    pub origin: ServerId,
    /// Its number among that server's lines.
    pub seq: u64,
    /// Who typed it.
    pub name: String,
    /// What they typed.
    pub text: String,
}

impl ChatEntry {
    /// The entry as a one-item delta of the chat log.
    pub fn into_delta(self) -> SetUnionSingletonSet<ChatEntry> {
        SetUnionSingletonSet::singleton(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tideflow::net::{deserialize_from_bytes, serialize_to_bytes};
    use tideflow_lattices::Merge;

    fn entry(seq: u64, text: &str) -> ChatEntry {
        ChatEntry {
            origin: ServerId {
                addr: "127.0.0.1:1".parse().unwrap(),
                incarnation: 7,
            },
            seq,
            name: "alice".into(),
            text: text.into(),
        }
    }

    #[test]
    fn gossip_round_trips_through_bincode() {
        let mut gossip = Gossip::default();
        gossip.servers.merge(SetUnionSingletonSet::singleton(
            "127.0.0.1:2".parse::<SocketAddr>().unwrap(),
        ));
        gossip.entries.merge(entry(0, "hi").into_delta());
        let bytes = serialize_to_bytes(&Message::Gossip(gossip)).unwrap();
        let Message::Gossip(back) = deserialize_from_bytes::<Message>(&bytes).unwrap() else {
            panic!("not gossip");
        };
        assert_eq!(back.servers.as_set().len(), 1);
        assert_eq!(back.entries.as_set().iter().next(), Some(&entry(0, "hi")));
    }

    #[test]
    fn merging_the_log_ignores_duplicates_and_order() {
        let mut one = SetUnionBTreeSet::default();
        let mut two = SetUnionBTreeSet::default();
        for e in [entry(0, "a"), entry(1, "b"), entry(0, "a")] {
            one.merge(e.into_delta());
        }
        for e in [entry(1, "b"), entry(0, "a")] {
            two.merge(e.into_delta());
        }
        assert_eq!(one.as_set(), two.as_set());
        assert!(!one.merge(entry(1, "b").into_delta()));
    }
}
