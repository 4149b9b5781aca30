//! The chat server: accepts clients and passes each chat line to every other connected client.
//!
//! The whole server is one small flow over a typed TCP socket ([`tideflow::net::bind_tcp`]):
//!
//! ```text
//! socket events ─▶ demux ─[Client]─▶ enumerate ─▶ tee ─▶ fold 'static: Roster ─[single]─┐
//!                    │                             └───────────────[input]─▶ cross_singleton
//!                    ├─[Gossip]─▶ warn (not a cluster server)                          │
//!                    └─[Note]───▶ warn                      flat_map(Roster::deliveries)
//!                                                                                      ▼
//!                                                                          dest_sink(socket)
//! ```
//!
//! Each tick, the roster takes in every client event of the tick (arrivals, departures) before
//! the events are answered; the events are numbered, so each is answered as of its arrival (a
//! client hears only of what happened after it joined). A line typed just before its client
//! quit still reaches the others, and a client that has gone is no longer sent anything. A
//! client that quits or is killed shows up as a [`tideflow::net::NetEvent::Disconnected`];
//! garbage on the socket as a decode error that the server reports and survives.

use std::io;
use std::net::SocketAddr;

use tideflow::net::bind_tcp;
use tideflow::Flow;

use crate::console;
use crate::protocol::Message;
use crate::roster::{Event, Inbound, Roster};

/// Binds the server's socket on `address` (port 0 picks a free port) and builds its flow.
/// Returns the flow, which serves clients while it runs, and the bound address.
pub async fn build(address: &str) -> io::Result<(Flow<'static>, SocketAddr)> {
    let (outbound, events, bound) = bind_tcp::<Message>(address).await?;
    let flow = tideflow::flow! {
        inbound = source_stream(events)
            -> filter_map(Inbound::from_net)
            -> demux_enum::<Inbound>();
        inbound[Note] -> for_each(|(note,): (String,)| console::warn(note));
        inbound[Gossip] -> for_each(|(from, _gossip)| console::warn(format_args!(
            "ignored gossip from {from}: this is a plain server (use --role cluster-server)"
        )));

        // Client events, numbered in arrival order.
        clients = inbound[Client]
            -> map(|(event,): (Event,)| event)
            -> enumerate::<'static>()
            -> tee();

        // Who is here, after this tick's arrivals and departures.
        clients
            -> fold::<'static>(Roster::default, |roster: &mut Roster, event: (usize, Event)| {
                roster.apply(event, context.current_tick())
            })
            -> [single]answer;

        // Every event, answered with the roster: welcomes, notices and chat lines.
        clients -> [input]answer;
        answer = cross_singleton()
            -> flat_map(|(event, roster): ((usize, Event), Roster)| roster.deliveries(event))
            -> dest_sink(outbound);
    };
    Ok((flow, bound))
}
