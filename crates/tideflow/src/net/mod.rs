//! Networking: typed channels between transducers over TCP and UDP.
//!
//! A transducer talks to others through a socket's two halves: a [`NetSink`] that takes
//! `(message, address)` pairs and a [`NetEvents`] stream of [`NetEvent`]s. A flow plugs them in
//! with the operators it already has — `source_stream(events)` and `dest_sink(sink)` — so the
//! network is just another source and sink:
//!
//! ```
//! use tideflow::net::{bind_tcp_lines, connect_tcp_lines, NetEvent};
//! use tideflow::util::unbounded_channel;
//! use futures::StreamExt;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! // An upper-casing echo server...
//! let (server_sink, server_events, server_addr) = bind_tcp_lines("127.0.0.1:0").await?;
//! let mut server = tideflow::flow! {
//!     source_stream(server_events)
//!         -> filter_map(NetEvent::into_message)
//!         -> map(|(line, peer)| (line.to_uppercase(), peer))
//!         -> dest_sink(server_sink);
//! };
//! // ...and a client that sends two lines and collects the replies.
//! let (client_sink, client_events) = connect_tcp_lines()?;
//! let (replies_send, replies) = unbounded_channel::<String>();
//! let mut client = tideflow::flow! {
//!     source_iter(["hello", "world"])
//!         -> map(|line| (line.to_string(), server_addr))
//!         -> dest_sink(client_sink);
//!     source_stream(client_events)
//!         -> filter_map(NetEvent::into_message)
//!         -> for_each(|(line, _server)| replies_send.send(line).unwrap());
//! };
//! let replies: Vec<String> = tokio::select! {
//!     _ = server.run() => unreachable!(),
//!     _ = client.run() => unreachable!(),
//!     replies = replies.take(2).collect() => replies,
//! };
//! assert_eq!(replies, ["HELLO", "WORLD"]);
//! # Ok(())
//! # }
//! ```
//!
//! # Sockets
//!
//! | | typed (serde + bincode) | [`Bytes`] | lines (`String`) |
//! |---|---|---|---|
//! | TCP, listening | [`bind_tcp`] | [`bind_tcp_bytes`] | [`bind_tcp_lines`] |
//! | TCP, dialling | [`connect_tcp`] | [`connect_tcp_bytes`] | [`connect_tcp_lines`] |
//! | UDP | [`bind_udp`] | [`bind_udp_bytes`] | [`bind_udp_lines`] |
//!
//! Each also has a `_with` form taking a [`NetConfig`] and any [`WireFormat`]. Peers are named by
//! their [`SocketAddr`](std::net::SocketAddr): a bound TCP socket answers an accepted peer at the address its events
//! came from; a connecting sink dials the address it is given and tags replies with it. Over TCP,
//! frames are length-delimited (a 4-byte big-endian length) or newline-delimited; over UDP, each
//! datagram is a frame. [`serialize_to_bytes`] / [`deserialize_from_bytes`] are the bincode
//! encoding on its own, which the `source_stream_serde` / `dest_sink_serde` operators use with the
//! byte sockets.
//!
//! # Failures are data
//!
//! Nothing here panics on what the network does, and the event stream does not end while the
//! socket is open. A frame that does not decode is a [`NetEvent::DecodeError`] (the connection
//! goes on, unless the framing itself broke); a peer that goes away is a
//! [`NetEvent::Disconnected`]; a refused or timed-out connect is a [`NetEvent::ConnectFailed`]
//! (the sink retries with [`Backoff`]); a message that cannot be delivered — to a peer that is
//! gone, to a full queue, that does not serialize — is a [`NetEvent::SendFailed`]. Each is also
//! logged with `tracing::warn!`. A flow picks what it needs:
//! `filter_map(NetEvent::into_message)` for the messages, a `match` for the rest.
//!
//! # Backpressure
//!
//! Every TCP peer has its own bounded send queue ([`NetConfig::queue_capacity`]) drained by its
//! own task, and the sink never waits: a slow peer fills only its own queue, so messages to other
//! peers, and the rest of the flow, go on (`dest_sink` never stalls a tick anyway). When a peer's
//! queue is full, a message to it is dropped and reported ([`NetError::QueueFull`]);
//! [`NetSink::queued_for`] lets a flow hold back before that. In the other direction, received
//! events wait in a bounded buffer ([`NetConfig::event_capacity`]); when the flow falls behind,
//! the connections stop reading and TCP slows the senders down.
//!
//! # Runtime
//!
//! The sockets are driven by tasks spawned with `tokio::spawn` on the current tokio runtime, so
//! they work under `#[tideflow::main]` / `#[tideflow::test]` (a current-thread runtime with a
//! `LocalSet`) and under `#[tokio::main]` (either flavour). The runtime needs I/O and time
//! enabled (`enable_all()`, as those attributes do). Called outside a runtime, the socket
//! functions return an error instead of panicking. The tasks only run while the runtime does:
//! on a current-thread runtime, drive flows with `run().await` / `run_available().await`, not a
//! loop of `run_tick_sync()` that never yields. Messages need not be `Send`: encoding and
//! decoding happen in the sink and the stream, on the flow's side. Dropping both halves of a
//! socket stops its tasks and closes its connections.

mod address;
mod config;
mod connection;
mod endpoint;
mod event;
mod format;
mod framing;
pub mod tcp;
pub mod udp;

pub use address::ipv4_resolve;
pub use bytes::{Bytes, BytesMut};
pub use config::{Backoff, NetConfig};
pub use endpoint::{NetEvents, NetSink};
pub use event::{DecodeError, NetError, NetEvent};
pub use format::{
    deserialize_from_bytes, serialize_to_bytes, Bincode, Framing, Lines, RawBytes, WireFormat,
};
pub use tcp::{
    bind_tcp, bind_tcp_bytes, bind_tcp_lines, bind_tcp_with, connect_tcp, connect_tcp_bytes,
    connect_tcp_lines, connect_tcp_with,
};
pub use udp::{bind_udp, bind_udp_bytes, bind_udp_lines, bind_udp_with};
