//! UDP: one bound socket that sends to and receives from any address.
//!
//! [`bind_udp`] has the same shape as [`super::bind_tcp`]: a sink of `(message, address)`
//! pairs, a stream of [`NetEvent`]s and the bound address. Each message is one datagram (for
//! the `_lines` form, a datagram may hold several lines, each a message). There are no
//! connections, so no `Connected`/`Disconnected` events. A datagram the operating system
//! refuses to send (too large, no route) is a [`NetEvent::SendFailed`], and an error the socket
//! reports on receive is a [`NetEvent::SocketError`]; the socket keeps working after both. UDP
//! itself does not report what happens to a datagram after it leaves: one sent to a closed port
//! is lost without an event (an unconnected socket hears no ICMP errors on Linux), and datagrams
//! may be lost, duplicated or reordered. Protocols that need to know use acknowledgements, or
//! TCP.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::net::{ToSocketAddrs, UdpSocket};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::config::NetConfig;
use super::endpoint::{
    current_runtime, endpoint, event_channel, report, EventSender, NetEvents, NetSink, Outbox,
};
use super::event::{NetError, NetEvent};
use super::format::{Bincode, Framing, Lines, RawBytes, WireFormat};
use super::framing::{datagram_frames, datagram_of};

/// The largest UDP payload.
const MAX_DATAGRAM: usize = 65_536;

/// After this many receive errors in a row, the receiver pauses briefly so that a socket in a
/// persistent error state does not spin.
const ERRORS_BEFORE_PAUSE: u32 = 16;

/// Binds a UDP socket on `addr` for typed messages (serde + bincode, one message per datagram):
/// a sink of `(message, address)` pairs, a stream of [`NetEvent`]s, and the bound address
/// (pass port 0 to get a free port).
///
/// Needs a tokio runtime with I/O enabled; outside one it returns an error.
///
/// ```
/// use futures::StreamExt;
/// use tideflow::net::{bind_udp, NetEvent};
///
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// struct Vote { round: u32, yes: bool }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (_a_sink, mut a_events, a_addr) = bind_udp::<Vote>("127.0.0.1:0").await?;
/// let (b_sink, _b_events, b_addr) = bind_udp::<Vote>("127.0.0.1:0").await?;
/// b_sink.send_to(Vote { round: 1, yes: true }, a_addr);
/// assert_eq!(
///     a_events.next().await,
///     Some(NetEvent::Message { from: b_addr, message: Vote { round: 1, yes: true } })
/// );
/// # Ok(())
/// # }
/// ```
pub async fn bind_udp<T: Serialize + DeserializeOwned>(
    addr: impl ToSocketAddrs,
) -> io::Result<(NetSink<T>, NetEvents<T>, SocketAddr)> {
    bind_udp_with::<T, Bincode>(addr, NetConfig::default()).await
}

/// [`bind_udp`] for raw [`Bytes`] messages, one per datagram. With `source_stream_serde` and
/// `dest_sink_serde` this is the established system's `bind_udp_bytes` pattern.
///
/// ```
/// use futures::StreamExt;
/// use tideflow::net::{bind_udp_bytes, Bytes, NetEvent};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (sink, mut events, addr) = bind_udp_bytes("127.0.0.1:0").await?;
/// sink.send_to(Bytes::from_static(b"\x01\x02"), addr);
/// let Some(NetEvent::Message { message, .. }) = events.next().await else { panic!() };
/// assert_eq!(message, Bytes::from_static(b"\x01\x02"));
/// # Ok(())
/// # }
/// ```
pub async fn bind_udp_bytes(
    addr: impl ToSocketAddrs,
) -> io::Result<(
    NetSink<Bytes, RawBytes>,
    NetEvents<Bytes, RawBytes>,
    SocketAddr,
)> {
    bind_udp_with::<Bytes, RawBytes>(addr, NetConfig::default()).await
}

/// [`bind_udp`] for lines of text: each message is sent as one datagram ending in `\n`; each
/// line of a received datagram is a message (works with `nc -u`).
///
/// ```
/// use futures::StreamExt;
/// use tideflow::net::{bind_udp_lines, NetEvent};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (_sink, mut events, addr) = bind_udp_lines("127.0.0.1:0").await?;
/// let client = std::net::UdpSocket::bind("127.0.0.1:0")?;
/// client.send_to(b"first\nsecond\n", addr)?;
/// let mut lines = Vec::new();
/// while lines.len() < 2 {
///     if let Some(NetEvent::Message { message, .. }) = events.next().await {
///         lines.push(message);
///     }
/// }
/// assert_eq!(lines, ["first", "second"]);
/// # Ok(())
/// # }
/// ```
pub async fn bind_udp_lines(
    addr: impl ToSocketAddrs,
) -> io::Result<(NetSink<String, Lines>, NetEvents<String, Lines>, SocketAddr)> {
    bind_udp_with::<String, Lines>(addr, NetConfig::default()).await
}

/// [`bind_udp`] with any [`WireFormat`] and a [`NetConfig`] (of which UDP uses the queue and
/// event capacities).
///
/// ```
/// use tideflow::net::{bind_udp_with, NetConfig, RawBytes};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let config = NetConfig::default().with_queue_capacity(8);
/// let (_sink, _events, addr) =
///     bind_udp_with::<tideflow::net::Bytes, RawBytes>("127.0.0.1:0", config).await?;
/// assert!(addr.ip().is_loopback());
/// # Ok(())
/// # }
/// ```
pub async fn bind_udp_with<T, F: WireFormat<T>>(
    addr: impl ToSocketAddrs,
    config: NetConfig,
) -> io::Result<(NetSink<T, F>, NetEvents<T, F>, SocketAddr)> {
    let runtime = current_runtime("bind_udp")?;
    let socket = Arc::new(UdpSocket::bind(addr).await?);
    let local_addr = socket.local_addr()?;
    let (events_send, events) = event_channel(config.event_capacity);
    let (queue_send, queue) = mpsc::channel(config.queue_capacity.max(1));
    let stop = CancellationToken::new();
    runtime.spawn(send_datagrams(
        Arc::clone(&socket),
        queue,
        events_send.clone(),
        F::FRAMING,
        stop.clone(),
    ));
    runtime.spawn(receive_datagrams(
        socket,
        events_send,
        F::FRAMING,
        stop.clone(),
    ));
    let outbox = DatagramQueue {
        queue: queue_send,
        capacity: config.queue_capacity,
    };
    let (sink, stream) = endpoint(outbox, events, stop);
    Ok((sink, stream, local_addr))
}

/// A UDP socket's outbox: one queue for every destination (sending a datagram does not wait for
/// the peer, so one peer cannot hold up another).
struct DatagramQueue {
    queue: mpsc::Sender<(Bytes, SocketAddr)>,
    capacity: usize,
}

impl Outbox for DatagramQueue {
    fn send(&self, payload: Bytes, to: SocketAddr) -> Result<(), NetError> {
        self.queue
            .try_send((payload, to))
            .map_err(|error| match error {
                mpsc::error::TrySendError::Full(_) => NetError::QueueFull {
                    capacity: self.capacity,
                },
                mpsc::error::TrySendError::Closed(_) => NetError::Io {
                    kind: io::ErrorKind::NotConnected,
                    message: "the socket's sending task has stopped".to_owned(),
                },
            })
    }

    fn queued(&self, _to: SocketAddr) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }
}

/// Sends the queued datagrams; a failed send is reported and the next one goes on.
async fn send_datagrams(
    socket: Arc<UdpSocket>,
    mut queue: mpsc::Receiver<(Bytes, SocketAddr)>,
    events: EventSender,
    framing: Framing,
    stop: CancellationToken,
) {
    loop {
        let (payload, to) = tokio::select! {
            _ = stop.cancelled() => return,
            next = queue.recv() => match next {
                Some(next) => next,
                None => return,
            },
        };
        let datagram = datagram_of(framing, payload);
        let sent = tokio::select! {
            _ = stop.cancelled() => return,
            sent = socket.send_to(&datagram, to) => sent,
        };
        if let Err(error) = sent {
            tracing::warn!(%to, %error, "a UDP datagram could not be sent; it is dropped");
            let error = NetError::from(error);
            report(&events, NetEvent::SendFailed { to, error }).await;
        }
    }
}

/// Reports every datagram received (each frame of it a message) and every receive error.
async fn receive_datagrams(
    socket: Arc<UdpSocket>,
    events: EventSender,
    framing: Framing,
    stop: CancellationToken,
) {
    let mut buffer = vec![0u8; MAX_DATAGRAM];
    let mut errors_in_a_row = 0u32;
    loop {
        let received = tokio::select! {
            _ = stop.cancelled() => return,
            received = socket.recv_from(&mut buffer) => received,
        };
        match received {
            Ok((len, from)) => {
                errors_in_a_row = 0;
                let datagram = Bytes::copy_from_slice(&buffer[..len]);
                for message in datagram_frames(framing, datagram) {
                    report(&events, NetEvent::Message { from, message }).await;
                }
            }
            Err(error) => {
                tracing::warn!(%error, "the UDP socket reported an error; it keeps receiving");
                let error = NetError::from(error);
                report(&events, NetEvent::SocketError { error }).await;
                errors_in_a_row += 1;
                if errors_in_a_row >= ERRORS_BEFORE_PAUSE {
                    errors_in_a_row = 0;
                    tokio::select! {
                        _ = stop.cancelled() => return,
                        () = tokio::time::sleep(Duration::from_millis(10)) => {}
                    }
                }
            }
        }
    }
}
