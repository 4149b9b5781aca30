//! What a chat server knows about its clients, and what it sends whom.
//!
//! A server's socket reports [`NetEvent`]s; [`Inbound::from_net`] turns each into something the
//! server flow acts on: an [`Event`] about a client, [`Gossip`] from another cluster server, or
//! a [`Inbound::Note`] worth a warning. The flow folds the events into a [`Roster`] (who is
//! connected, under which name) and answers each event with [`Roster::deliveries`]: the
//! messages it causes and their addressees.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use tideflow::net::{NetError, NetEvent};

use crate::console::printable;
use crate::protocol::{Gossip, Message};

/// The longest name a server accepts, in characters; longer names are cut.
pub const MAX_NAME_CHARS: usize = 32;

/// Something that happened to a server's clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `peer` introduced itself as `name` (a [`Message::Hello`]).
    Join {
        /// The client's connection.
        peer: SocketAddr,
        /// Its name.
        name: String,
    },
    /// `peer`'s connection ended (it quit, or was lost).
    Leave {
        /// The client's connection.
        peer: SocketAddr,
    },
    /// `peer` said `text` (a [`Message::Say`]).
    Say {
        /// The client's connection.
        peer: SocketAddr,
        /// What it said.
        text: String,
    },
    /// A client of another cluster server said `text`: for every client here.
    Relay {
        /// Who said it.
        name: String,
        /// What they said.
        text: String,
    },
}

impl Event {
    /// Whether this is an [`Event::Say`].
    pub fn is_say(&self) -> bool {
        matches!(self, Event::Say { .. })
    }
}

/// What a server's socket reported, sorted for the server flow's `demux_enum`.
#[derive(Debug, Clone, tideflow::DemuxEnum)]
pub enum Inbound {
    /// Something about a client.
    Client(Event),
    /// Gossip from another cluster server, with the address it came from.
    Gossip(SocketAddr, Gossip),
    /// Something worth a warning: a message that did not decode, one of the wrong kind, a
    /// socket error.
    Note(String),
}

impl Inbound {
    /// Sorts a socket event; `None` for those the server does not care about (a connection
    /// opening, a reply to a client that has gone).
    pub fn from_net(event: NetEvent<Message>) -> Option<Inbound> {
        match event {
            NetEvent::Message { from, message } => Some(Inbound::from_message(message, from)),
            NetEvent::Disconnected { peer, .. } => Some(Inbound::Client(Event::Leave { peer })),
            NetEvent::DecodeError { from, error } => Some(Inbound::Note(format!(
                "ignored a message from {from} that did not decode ({error})"
            ))),
            NetEvent::SocketError { error } => {
                Some(Inbound::Note(format!("socket error: {error}")))
            }
            NetEvent::SendFailed { to, error } => match error {
                // A message to a client that has just left: nothing to report.
                NetError::NotConnected | NetError::Unsent { .. } => None,
                error => Some(Inbound::Note(format!(
                    "a message to {to} was lost: {error}"
                ))),
            },
            NetEvent::Connected { .. } | NetEvent::ConnectFailed { .. } => None,
        }
    }

    fn from_message(message: Message, peer: SocketAddr) -> Inbound {
        match message {
            Message::Hello { name } => Inbound::Client(Event::Join {
                peer,
                name: clean_name(&name),
            }),
            Message::Say { text } => Inbound::Client(Event::Say { peer, text }),
            Message::Gossip(gossip) => Inbound::Gossip(peer, gossip),
            Message::Welcome { .. }
            | Message::Chat { .. }
            | Message::Joined { .. }
            | Message::Left { .. } => Inbound::Note(format!(
                "ignored a server-to-client message from {peer}, which is not a server"
            )),
        }
    }
}

/// A name as the others see it: printable, trimmed, at most [`MAX_NAME_CHARS`] characters, and
/// never empty.
///
/// ```
/// use tideflow_example_chat::roster::clean_name;
///
/// assert_eq!(clean_name("  alice "), "alice");
/// assert_eq!(clean_name(""), "anonymous");
/// assert_eq!(clean_name("a\nb"), "a?b");
/// ```
pub fn clean_name(name: &str) -> String {
    let name: String = printable(name.trim())
        .chars()
        .take(MAX_NAME_CHARS)
        .collect();
    if name.is_empty() {
        "anonymous".to_string()
    } else {
        name
    }
}

/// The clients connected to one server that have introduced themselves.
///
/// The server flow numbers client events in arrival order and folds all of a tick's events into
/// the roster before it answers them, each with [`Roster::deliveries`]. So that every answer is
/// the one the event would get on its own, the roster remembers the number of the event each
/// member joined with (a member hears only of what happened after it joined), and who left in
/// the current tick (a line its client sent just before quitting still goes out under its
/// name).
#[derive(Debug, Clone, Default)]
pub struct Roster {
    members: BTreeMap<SocketAddr, Member>,
    departed: Vec<(SocketAddr, Member)>,
    tick: u64,
}

/// A client in the [`Roster`].
#[derive(Debug, Clone)]
struct Member {
    name: String,
    /// The number of the event it joined with.
    since: usize,
    /// The tick it joined in.
    tick: u64,
}

/// The event number of lines relayed from other servers: they go to every member.
pub const RELAYED: usize = usize::MAX;

impl Roster {
    /// Applies event number `number`, which arrived in tick `tick`.
    pub fn apply(&mut self, (number, event): (usize, Event), tick: u64) {
        if tick != self.tick {
            self.departed.clear();
            self.tick = tick;
        }
        match event {
            Event::Join { peer, name } => {
                let member = Member {
                    name,
                    since: number,
                    tick,
                };
                self.members.insert(peer, member);
            }
            Event::Leave { peer } => {
                if let Some(member) = self.members.remove(&peer) {
                    self.departed.push((peer, member));
                }
            }
            Event::Say { .. } | Event::Relay { .. } => {}
        }
    }

    /// The name of `peer`, if it introduced itself and is here (or left in this tick).
    pub fn name_of(&self, peer: SocketAddr) -> Option<&str> {
        match self.members.get(&peer) {
            Some(member) => Some(&member.name),
            None => self
                .departed_member(peer)
                .map(|member| member.name.as_str()),
        }
    }

    /// `peer`'s entry, if it left in this tick.
    fn departed_member(&self, peer: SocketAddr) -> Option<&Member> {
        self.departed
            .iter()
            .rev()
            .find(|(departed, _)| *departed == peer)
            .map(|(_, member)| member)
    }

    /// How many clients are here.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether nobody is here.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The name and line of an [`Event::Say`] from a client that introduced itself.
    pub fn said(&self, event: Event) -> Option<(String, String)> {
        match event {
            Event::Say { peer, text } => Some((self.name_of(peer)?.to_string(), text)),
            _ => None,
        }
    }

    /// The messages event number `number` causes, each with its addressee: a welcome and an
    /// arrival notice for a join, a departure notice for a leave, a chat line for everyone
    /// else for a line said here, and for everyone for a line relayed from another server
    /// (number [`RELAYED`]). "Everyone" is everyone who joined before the event.
    pub fn deliveries(&self, (number, event): (usize, Event)) -> Vec<(Message, SocketAddr)> {
        match event {
            Event::Join { peer, name } => {
                if self
                    .members
                    .get(&peer)
                    .is_none_or(|member| member.since != number)
                {
                    // Left, or introduced itself again, later in this tick.
                    return Vec::new();
                }
                let mut online: Vec<String> = self
                    .earlier(number, peer)
                    .map(|(_, member)| member.name.clone())
                    .collect();
                online.sort();
                let welcome = (Message::Welcome { online }, peer);
                let joined = Message::Joined { name };
                std::iter::once(welcome)
                    .chain(self.to_earlier(number, peer, &joined))
                    .collect()
            }
            Event::Leave { peer } => match self.departed_member(peer) {
                // Its arrival was announced in an earlier tick (one that both arrived and left
                // in this tick was never announced), and it has not come back since.
                Some(member) if member.tick != self.tick && !self.members.contains_key(&peer) => {
                    let left = Message::Left {
                        name: member.name.clone(),
                    };
                    self.to_earlier(number, peer, &left).collect()
                }
                // Never introduced itself: no notice.
                _ => Vec::new(),
            },
            Event::Say { peer, text } => match self.name_of(peer) {
                Some(name) => {
                    let chat = Message::Chat {
                        name: name.to_string(),
                        text,
                    };
                    self.to_earlier(number, peer, &chat).collect()
                }
                None => Vec::new(),
            },
            Event::Relay { name, text } => {
                let chat = Message::Chat { name, text };
                self.members
                    .iter()
                    .filter(|(_, member)| member.since < number)
                    .map(|(member, _)| (chat.clone(), *member))
                    .collect()
            }
        }
    }

    /// The members other than `peer` that joined before event `number`.
    fn earlier(
        &self,
        number: usize,
        peer: SocketAddr,
    ) -> impl Iterator<Item = (&SocketAddr, &Member)> {
        self.members
            .iter()
            .filter(move |(other, member)| **other != peer && member.since < number)
    }

    /// `message` for each of [`Roster::earlier`].
    fn to_earlier<'a>(
        &'a self,
        number: usize,
        peer: SocketAddr,
        message: &'a Message,
    ) -> impl Iterator<Item = (Message, SocketAddr)> + 'a {
        self.earlier(number, peer)
            .map(move |(other, _)| (message.clone(), *other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    fn join(port: u16, name: &str) -> Event {
        Event::Join {
            peer: addr(port),
            name: name.into(),
        }
    }

    /// A roster after the `events`, numbered from 0, all in tick 0.
    fn roster_after(events: &[Event]) -> Roster {
        let mut roster = Roster::default();
        for (number, event) in events.iter().cloned().enumerate() {
            roster.apply((number, event), 0);
        }
        roster
    }

    fn describe(deliveries: Vec<(Message, SocketAddr)>) -> Vec<String> {
        deliveries
            .into_iter()
            .map(|(message, to)| format!("{} <- {message:?}", to.port()))
            .collect()
    }

    fn say(port: u16, text: &str) -> Event {
        Event::Say {
            peer: addr(port),
            text: text.into(),
        }
    }

    #[test]
    fn a_line_goes_to_everyone_else() {
        let roster = roster_after(&[join(1, "alice"), join(2, "bob"), join(3, "carol")]);
        assert_eq!(
            describe(roster.deliveries((3, say(1, "hi")))),
            [
                "2 <- Chat { name: \"alice\", text: \"hi\" }",
                "3 <- Chat { name: \"alice\", text: \"hi\" }"
            ]
        );
    }

    #[test]
    fn events_of_one_tick_are_answered_in_arrival_order() {
        // In one tick: bob joins, bob speaks, alice joins, alice speaks.
        let events = [
            join(1, "bob"),
            say(1, "anyone?"),
            join(2, "alice"),
            say(2, "me"),
        ];
        let roster = roster_after(&events);
        let answers: Vec<Vec<String>> = events
            .into_iter()
            .enumerate()
            .map(|numbered| describe(roster.deliveries(numbered)))
            .collect();
        assert_eq!(
            answers,
            [
                vec!["1 <- Welcome { online: [] }"],
                vec![],
                vec![
                    "2 <- Welcome { online: [\"bob\"] }",
                    "1 <- Joined { name: \"alice\" }"
                ],
                vec!["1 <- Chat { name: \"alice\", text: \"me\" }"],
            ]
        );
    }

    #[test]
    fn a_line_sent_just_before_leaving_still_goes_out_under_its_name() {
        let mut roster = roster_after(&[join(1, "alice"), join(2, "bob")]);
        // In tick 1, bob says bye and disconnects; the roster takes both in before answering.
        let leave = Event::Leave { peer: addr(2) };
        roster.apply((2, say(2, "bye")), 1);
        roster.apply((3, leave.clone()), 1);
        assert_eq!(roster.len(), 1);
        assert_eq!(
            describe(roster.deliveries((2, say(2, "bye")))),
            ["1 <- Chat { name: \"bob\", text: \"bye\" }"]
        );
        assert_eq!(
            describe(roster.deliveries((3, leave))),
            ["1 <- Left { name: \"bob\" }"]
        );
        // A later tick forgets the departure.
        roster.apply((4, Event::Leave { peer: addr(9) }), 2);
        assert_eq!(roster.name_of(addr(2)), None);
    }

    #[test]
    fn a_client_that_joins_and_leaves_in_one_tick_is_never_announced() {
        let events = [
            join(1, "alice"),
            join(2, "bob"),
            Event::Leave { peer: addr(2) },
        ];
        let roster = roster_after(&events);
        let answers: Vec<Vec<String>> = events
            .into_iter()
            .enumerate()
            .map(|numbered| describe(roster.deliveries(numbered)))
            .collect();
        assert_eq!(
            answers,
            [vec!["1 <- Welcome { online: [] }"], vec![], vec![]]
        );
    }

    #[test]
    fn relayed_lines_go_to_everyone_and_strangers_are_ignored() {
        let roster = roster_after(&[join(1, "alice")]);
        let relay = Event::Relay {
            name: "zed".into(),
            text: "from afar".into(),
        };
        assert_eq!(
            describe(roster.deliveries((RELAYED, relay))),
            ["1 <- Chat { name: \"zed\", text: \"from afar\" }"]
        );
        assert!(roster.deliveries((1, say(5, "who am I"))).is_empty());
        let stranger_leaves = Event::Leave { peer: addr(5) };
        assert!(roster.deliveries((2, stranger_leaves)).is_empty());
    }
}
