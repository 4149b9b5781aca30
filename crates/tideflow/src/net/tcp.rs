//! TCP: a bound socket that accepts connections and answers its peers, and a connecting sink
//! that dials peers on first use and keeps the connections.
//!
//! - [`bind_tcp`] listens on an address. Every accepted connection is reported as a
//!   [`NetEvent::Connected`], its frames as messages from the peer's address, its end as a
//!   [`NetEvent::Disconnected`]. The sink sends to peers that are connected; a message to any
//!   other address is reported as [`NetError::NotConnected`] (a bound socket never dials).
//!   Once the peer is disconnected, messages to it are reported as [`NetError::NotConnected`]
//!   (unless [`NetConfig::linger`] keeps writing to a peer that only closed its sending side).
//! - [`connect_tcp`] dials: the first message to an address opens a connection to it, later
//!   messages reuse it, and replies arrive as messages from that address. A connection that
//!   fails is re-established with exponential backoff ([`Backoff`](super::Backoff)), meanwhile
//!   messages wait in the peer's queue; each failed attempt is a [`NetEvent::ConnectFailed`].
//!   After too many failures the sink gives up on the peer: its queued messages are reported
//!   unsent and the next message to it dials again.
//!
//! Both come in three formats: typed (serde + bincode, length-delimited frames), `_bytes`
//! ([`Bytes`], length-delimited frames) and `_lines` (`String`, one per line), and in a `_with`
//! form taking a [`NetConfig`] and any [`WireFormat`].
//!
//! Delivery is best effort, as TCP's is across failures: messages written to a connection just
//! before it breaks may be lost; messages still queued when it breaks are sent on the next
//! connection.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;

use super::config::NetConfig;
use super::connection::{
    discard_queue, run_connection, ConnectionContext, ConnectionEnd, PeerQueues, QueueError,
    QueueReceiver,
};
use super::endpoint::{
    current_runtime, endpoint, event_channel, report, EventSender, NetEvents, NetSink, Outbox,
};
use super::event::{NetError, NetEvent};
use super::format::{Bincode, Framing, Lines, RawBytes, WireFormat};

/// How long the accept loop pauses after `accept` fails (e.g. out of file descriptors), so a
/// persistent failure does not spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// Binds a TCP socket on `addr` for typed messages (serde + bincode): a sink of
/// `(message, peer)` pairs, a stream of [`NetEvent`]s, and the bound address (pass port 0 to
/// get a free port).
///
/// Needs a tokio runtime with I/O and time enabled; outside one it returns an error. See the
/// [module documentation](self) for the behaviour.
///
/// ```
/// use futures::StreamExt;
/// use tideflow::net::{bind_tcp, connect_tcp, NetEvent};
///
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// enum Request { Ping(u32) }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (server_sink, mut server_events, server_addr) = bind_tcp::<Request>("127.0.0.1:0").await?;
/// let (client_sink, mut client_events) = connect_tcp::<Request>()?;
/// client_sink.send_to(Request::Ping(1), server_addr);
///
/// // The server sees the connection, then the message, and answers the peer.
/// let Some(NetEvent::Connected { peer }) = server_events.next().await else { panic!() };
/// let Some(NetEvent::Message { from, message }) = server_events.next().await else { panic!() };
/// assert_eq!((from, message), (peer, Request::Ping(1)));
/// server_sink.send_to(Request::Ping(2), peer);
///
/// // The client's events are tagged with the server's address.
/// assert_eq!(client_events.next().await, Some(NetEvent::Connected { peer: server_addr }));
/// assert_eq!(
///     client_events.next().await,
///     Some(NetEvent::Message { from: server_addr, message: Request::Ping(2) })
/// );
/// # Ok(())
/// # }
/// ```
pub async fn bind_tcp<T: Serialize + DeserializeOwned>(
    addr: impl ToSocketAddrs,
) -> io::Result<(NetSink<T>, NetEvents<T>, SocketAddr)> {
    bind_tcp_with::<T, Bincode>(addr, NetConfig::default()).await
}

/// [`bind_tcp`] for raw [`Bytes`] messages in length-delimited frames.
///
/// ```
/// use futures::StreamExt;
/// use tideflow::net::{bind_tcp_bytes, connect_tcp_bytes, Bytes, NetEvent};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (_server_sink, mut server_events, server_addr) = bind_tcp_bytes("127.0.0.1:0").await?;
/// let (client_sink, _client_events) = connect_tcp_bytes()?;
/// client_sink.send_to(Bytes::from_static(b"raw"), server_addr);
/// let message = loop {
///     if let Some(NetEvent::Message { message, .. }) = server_events.next().await {
///         break message;
///     }
/// };
/// assert_eq!(message, Bytes::from_static(b"raw"));
/// # Ok(())
/// # }
/// ```
pub async fn bind_tcp_bytes(
    addr: impl ToSocketAddrs,
) -> io::Result<(
    NetSink<Bytes, RawBytes>,
    NetEvents<Bytes, RawBytes>,
    SocketAddr,
)> {
    bind_tcp_with::<Bytes, RawBytes>(addr, NetConfig::default()).await
}

/// [`bind_tcp`] for lines of text (`String`s, newline framed): works with `nc` and `telnet`.
///
/// ```
/// use std::io::Write;
/// use futures::StreamExt;
/// use tideflow::net::{bind_tcp_lines, NetEvent};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (_sink, mut events, addr) = bind_tcp_lines("127.0.0.1:0").await?;
/// let mut client = std::net::TcpStream::connect(addr)?; // a plain client, like `nc`
/// client.write_all(b"hello\r\nworld\n")?;
/// let mut lines = Vec::new();
/// while lines.len() < 2 {
///     if let Some(NetEvent::Message { message, .. }) = events.next().await {
///         lines.push(message);
///     }
/// }
/// assert_eq!(lines, ["hello", "world"]);
/// # Ok(())
/// # }
/// ```
pub async fn bind_tcp_lines(
    addr: impl ToSocketAddrs,
) -> io::Result<(NetSink<String, Lines>, NetEvents<String, Lines>, SocketAddr)> {
    bind_tcp_with::<String, Lines>(addr, NetConfig::default()).await
}

/// [`bind_tcp`] with any [`WireFormat`] and a [`NetConfig`].
///
/// ```
/// use tideflow::net::{bind_tcp_with, Bincode, NetConfig};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let config = NetConfig::default().with_queue_capacity(16);
/// let (_sink, _events, addr) = bind_tcp_with::<u64, Bincode>("127.0.0.1:0", config).await?;
/// assert_ne!(addr.port(), 0);
/// # Ok(())
/// # }
/// ```
pub async fn bind_tcp_with<T, F: WireFormat<T>>(
    addr: impl ToSocketAddrs,
    config: NetConfig,
) -> io::Result<(NetSink<T, F>, NetEvents<T, F>, SocketAddr)> {
    let runtime = current_runtime("bind_tcp")?;
    let listener = TcpListener::bind(addr).await?;
    let local_addr = listener.local_addr()?;
    let (events_send, events) = event_channel(config.event_capacity);
    let stop = CancellationToken::new();
    let peers = Arc::new(PeerQueues::new(F::FRAMING));
    let acceptor = Acceptor {
        listener,
        peers: Arc::clone(&peers),
        events: events_send,
        framing: F::FRAMING,
        config: config.clone(),
        stop: stop.clone(),
    };
    runtime.spawn(acceptor.run());
    let outbox = AcceptedPeers {
        peers,
        capacity: config.queue_capacity,
        max_frame_length: config.max_frame_length,
    };
    let (sink, stream) = endpoint(outbox, events, stop);
    Ok((sink, stream, local_addr))
}

/// A connecting TCP sink for typed messages (serde + bincode): a sink of `(message, address)`
/// pairs that dials each address on first use, and a stream of [`NetEvent`]s (replies arrive
/// as messages from the dialled address).
///
/// Needs a tokio runtime with I/O and time enabled; outside one it returns an error. See
/// [`bind_tcp`] for an example and the [module documentation](self) for the behaviour.
///
/// ```
/// use futures::StreamExt;
/// use tideflow::net::{connect_tcp, NetEvent};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// // Nothing listens on this port: the connect is refused, and that is an event.
/// let closed_port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
/// let (sink, mut events) = connect_tcp::<String>()?;
/// sink.send_to("anyone there?".to_string(), closed_port);
/// let Some(NetEvent::ConnectFailed { peer, error, .. }) = events.next().await else { panic!() };
/// assert_eq!(peer, closed_port);
/// assert_eq!(error.io_kind(), Some(std::io::ErrorKind::ConnectionRefused));
/// # Ok(())
/// # }
/// ```
pub fn connect_tcp<T: Serialize + DeserializeOwned>() -> io::Result<(NetSink<T>, NetEvents<T>)> {
    connect_tcp_with::<T, Bincode>(NetConfig::default())
}

/// [`connect_tcp`] for raw [`Bytes`] messages in length-delimited frames (see
/// [`bind_tcp_bytes`] for an example).
pub fn connect_tcp_bytes() -> io::Result<(NetSink<Bytes, RawBytes>, NetEvents<Bytes, RawBytes>)> {
    connect_tcp_with::<Bytes, RawBytes>(NetConfig::default())
}

/// [`connect_tcp`] for lines of text (`String`s, newline framed).
///
/// ```
/// use futures::StreamExt;
/// use tideflow::net::{bind_tcp_lines, connect_tcp_lines, NetEvent};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (_server_sink, mut server_events, addr) = bind_tcp_lines("127.0.0.1:0").await?;
/// let (client_sink, _client_events) = connect_tcp_lines()?;
/// client_sink.send_to("one line".to_string(), addr);
/// let line = loop {
///     if let Some(NetEvent::Message { message, .. }) = server_events.next().await {
///         break message;
///     }
/// };
/// assert_eq!(line, "one line");
/// # Ok(())
/// # }
/// ```
pub fn connect_tcp_lines() -> io::Result<(NetSink<String, Lines>, NetEvents<String, Lines>)> {
    connect_tcp_with::<String, Lines>(NetConfig::default())
}

/// [`connect_tcp`] with any [`WireFormat`] and a [`NetConfig`] (queue sizes, connect timeout,
/// backoff).
///
/// ```
/// use std::time::Duration;
/// use tideflow::net::{connect_tcp_with, Backoff, Bincode, NetConfig};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let backoff = Backoff::default().with_give_up_after(None); // retry forever
/// let config = NetConfig::default()
///     .with_connect_timeout(Duration::from_secs(1))
///     .with_backoff(backoff);
/// let (_sink, _events) = connect_tcp_with::<String, Bincode>(config)?;
/// # Ok(())
/// # }
/// ```
pub fn connect_tcp_with<T, F: WireFormat<T>>(
    config: NetConfig,
) -> io::Result<(NetSink<T, F>, NetEvents<T, F>)> {
    let runtime = current_runtime("connect_tcp")?;
    let (events_send, events) = event_channel(config.event_capacity);
    let stop = CancellationToken::new();
    let dialer = Dialer {
        peers: Arc::new(PeerQueues::new(F::FRAMING)),
        events: events_send,
        framing: F::FRAMING,
        config,
        stop: stop.clone(),
        runtime,
    };
    Ok(endpoint(dialer, events, stop))
}

/// Rejects a payload that the peer's codec would refuse, before it can break a connection.
fn check_frame_length(payload: &Bytes, max: usize) -> Result<(), NetError> {
    if payload.len() > max {
        return Err(NetError::FrameTooLarge {
            len: payload.len(),
            max,
        });
    }
    Ok(())
}

/// A bound socket's outbox: the queues of accepted peers.
struct AcceptedPeers {
    peers: Arc<PeerQueues>,
    capacity: usize,
    max_frame_length: usize,
}

impl Outbox for AcceptedPeers {
    fn send(&self, payload: Bytes, to: SocketAddr) -> Result<(), NetError> {
        check_frame_length(&payload, self.max_frame_length)?;
        self.peers
            .try_send(to, payload)
            .map_err(|error| match error {
                QueueError::Unknown(_) => NetError::NotConnected,
                QueueError::Full => NetError::QueueFull {
                    capacity: self.capacity,
                },
            })
    }

    fn queued(&self, to: SocketAddr) -> usize {
        self.peers.queued(to)
    }
}

/// The task that accepts connections on a bound socket.
struct Acceptor {
    listener: TcpListener,
    peers: Arc<PeerQueues>,
    events: EventSender,
    framing: Framing,
    config: NetConfig,
    stop: CancellationToken,
}

impl Acceptor {
    async fn run(self) {
        loop {
            let accepted = tokio::select! {
                _ = self.stop.cancelled() => return,
                accepted = self.listener.accept() => accepted,
            };
            match accepted {
                Ok((stream, peer)) => self.serve(stream, peer).await,
                Err(error) => {
                    tracing::warn!(%error, "accepting a TCP connection failed");
                    let error = NetError::from(error);
                    report(&self.events, NetEvent::SocketError { error }).await;
                    tokio::select! {
                        _ = self.stop.cancelled() => return,
                        () = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => {}
                    }
                }
            }
        }
    }

    /// Registers the peer's queue, reports the connection and starts its task.
    async fn serve(&self, stream: TcpStream, peer: SocketAddr) {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%peer, %error, "could not disable Nagle's algorithm");
        }
        let mut queue = self.peers.register(peer, self.config.queue_capacity, None);
        report(&self.events, NetEvent::Connected { peer }).await;
        let events = self.events.clone();
        let stop = self.stop.clone();
        let (framing, max_frame_length) = (self.framing, self.config.max_frame_length);
        let linger = self.config.linger;
        tokio::spawn(async move {
            let cx = ConnectionContext {
                peer,
                events: &events,
                framing,
                max_frame_length,
                stop: &stop,
                linger,
            };
            let reason = match run_connection(stream, &mut queue, cx).await {
                ConnectionEnd::Stopped => return,
                ConnectionEnd::QueueClosed => Some(NetError::Closed),
                ConnectionEnd::Lost(reason) => Some(reason),
                ConnectionEnd::Lingered => None,
            };
            let unsent = discard_queue(&mut queue);
            report_disconnect(&events, peer, reason, unsent).await;
        });
    }
}

/// Reports that the connection to `peer` ended (unless that was reported already: `reason` is
/// `None`), and the messages it could not send.
async fn report_disconnect(
    events: &EventSender,
    peer: SocketAddr,
    reason: Option<NetError>,
    unsent: usize,
) {
    if let Some(reason) = reason {
        if reason == NetError::Closed {
            tracing::debug!(%peer, "the peer closed the connection");
        } else {
            tracing::warn!(%peer, %reason, "a TCP connection was lost");
        }
        report(events, NetEvent::Disconnected { peer, reason }).await;
    }
    if unsent > 0 {
        let error = NetError::Unsent { count: unsent };
        tracing::warn!(%peer, %error, "messages to a disconnected peer were dropped");
        report(events, NetEvent::SendFailed { to: peer, error }).await;
    }
}

/// A connecting sink's outbox: dials each address on first use.
struct Dialer {
    peers: Arc<PeerQueues>,
    events: EventSender,
    framing: Framing,
    config: NetConfig,
    stop: CancellationToken,
    runtime: Handle,
}

impl Outbox for Dialer {
    fn send(&self, payload: Bytes, to: SocketAddr) -> Result<(), NetError> {
        check_frame_length(&payload, self.config.max_frame_length)?;
        let payload = match self.peers.try_send(to, payload) {
            Ok(()) => return Ok(()),
            Err(QueueError::Full) => {
                return Err(NetError::QueueFull {
                    capacity: self.config.queue_capacity,
                })
            }
            // No connection yet, or its task gave up (or died): start one.
            Err(QueueError::Unknown(payload)) => payload,
        };
        let queue = self
            .peers
            .register(to, self.config.queue_capacity, Some(payload));
        let connection = Connection {
            peer: to,
            queue,
            events: self.events.clone(),
            framing: self.framing,
            config: self.config.clone(),
            stop: self.stop.clone(),
        };
        self.runtime.spawn(connection.run());
        Ok(())
    }

    fn queued(&self, to: SocketAddr) -> usize {
        self.peers.queued(to)
    }
}

/// The task of one dialled peer: connects, runs the connection, reconnects with backoff, and
/// gives up after too many failed attempts.
struct Connection {
    peer: SocketAddr,
    queue: QueueReceiver,
    events: EventSender,
    framing: Framing,
    config: NetConfig,
    stop: CancellationToken,
}

impl Connection {
    async fn run(mut self) {
        let peer = self.peer;
        let mut failures = 0u32;
        loop {
            let stream = match self.connect().await {
                Some(Ok(stream)) => stream,
                Some(Err(error)) => {
                    failures += 1;
                    if !self.wait_to_retry(error, failures).await {
                        return;
                    }
                    continue;
                }
                None => return,
            };
            failures = 0;
            report(&self.events, NetEvent::Connected { peer }).await;
            let cx = ConnectionContext {
                peer,
                events: &self.events,
                framing: self.framing,
                max_frame_length: self.config.max_frame_length,
                stop: &self.stop,
                linger: Duration::ZERO,
            };
            let reason = match run_connection(stream, &mut self.queue, cx).await {
                ConnectionEnd::Stopped | ConnectionEnd::QueueClosed => return,
                ConnectionEnd::Lost(reason) => Some(reason),
                ConnectionEnd::Lingered => None,
            };
            report_disconnect(&self.events, peer, reason, 0).await;
            // Reconnect after a pause, so a peer that accepts and hangs up at once is not
            // dialled in a tight loop.
            tokio::select! {
                _ = self.stop.cancelled() => return,
                () = tokio::time::sleep(self.config.backoff.initial) => {}
            }
        }
    }

    /// One connect attempt; `None` if the socket stopped meanwhile.
    async fn connect(&self) -> Option<Result<TcpStream, NetError>> {
        let timeout = self.config.connect_timeout;
        let attempt = tokio::select! {
            _ = self.stop.cancelled() => return None,
            attempt = tokio::time::timeout(timeout, TcpStream::connect(self.peer)) => attempt,
        };
        Some(match attempt {
            Ok(Ok(stream)) => {
                if let Err(error) = stream.set_nodelay(true) {
                    tracing::debug!(peer = %self.peer, %error, "could not disable Nagle's algorithm");
                }
                Ok(stream)
            }
            Ok(Err(error)) => Err(NetError::connect(&error)),
            Err(_elapsed) => Err(NetError::Connect {
                kind: io::ErrorKind::TimedOut,
                message: format!("no connection within {timeout:?}"),
            }),
        })
    }

    /// Reports a failed attempt and waits before the next one; `false` when the sink gives up
    /// on the peer (its queued messages are reported unsent) or the socket stopped.
    async fn wait_to_retry(&mut self, error: NetError, failures: u32) -> bool {
        let peer = self.peer;
        let backoff = &self.config.backoff;
        if backoff.gives_up_after(failures) {
            tracing::warn!(%peer, %error, failures, "giving up connecting to the peer");
            let unsent = discard_queue(&mut self.queue);
            let event = NetEvent::ConnectFailed {
                peer,
                error,
                retry_in: None,
            };
            report(&self.events, event).await;
            if unsent > 0 {
                let error = NetError::Unsent { count: unsent };
                report(&self.events, NetEvent::SendFailed { to: peer, error }).await;
            }
            return false;
        }
        let delay = backoff.delay_after(failures);
        tracing::warn!(%peer, %error, ?delay, "connecting to the peer failed; retrying");
        let event = NetEvent::ConnectFailed {
            peer,
            error,
            retry_in: Some(delay),
        };
        report(&self.events, event).await;
        tokio::select! {
            _ = self.stop.cancelled() => false,
            () = tokio::time::sleep(delay) => true,
        }
    }
}
