//! What a receive stream yields: [`NetEvent`]s, and the errors they carry.
//!
//! Failures are data. A frame that does not decode, a peer that disconnects, a connect that is
//! refused and a message that cannot be delivered each arrive as an event in the same stream as
//! the messages, in the order they happened on each connection, so a flow observes them with the
//! operators it already has (`filter_map`, `demux_enum`, ...). Every failure is also logged
//! through `tracing` at `warn` level where it is detected.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

/// One thing that happened on a socket: a message arrived, a connection opened or closed, or
/// something failed.
///
/// ```
/// use std::net::SocketAddr;
/// use tideflow::net::{NetError, NetEvent};
///
/// let peer: SocketAddr = "127.0.0.1:4000".parse().unwrap();
/// let events = vec![
///     NetEvent::Connected { peer },
///     NetEvent::Message { from: peer, message: "hi".to_string() },
///     NetEvent::Disconnected { peer, reason: NetError::Closed },
/// ];
/// let messages: Vec<(String, SocketAddr)> =
///     events.into_iter().filter_map(NetEvent::into_message).collect();
/// assert_eq!(messages, [("hi".to_string(), peer)]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetEvent<T> {
    /// A message arrived from `from`: for TCP, the peer's address as this socket sees it (an
    /// accepted connection's remote address, or the address a connecting sink dialled).
    Message {
        /// Who sent it.
        from: SocketAddr,
        /// What was sent.
        message: T,
    },
    /// A connection to `peer` is open: accepted by a bound socket, or (re)established by a
    /// connecting sink.
    Connected {
        /// The peer.
        peer: SocketAddr,
    },
    /// The connection to `peer` ended. A connecting sink reconnects with backoff; messages
    /// addressed to an accepted peer after this are reported as [`NetEvent::SendFailed`].
    Disconnected {
        /// The peer.
        peer: SocketAddr,
        /// Why: [`NetError::Closed`] when the peer closed it, otherwise the error.
        reason: NetError,
    },
    /// A connect attempt to `peer` failed.
    ConnectFailed {
        /// The address being dialled.
        peer: SocketAddr,
        /// What went wrong (usually [`NetError::Connect`]).
        error: NetError,
        /// When the next attempt starts; `None` when the sink gave up (messages still queued
        /// for the peer are then reported as one [`NetEvent::SendFailed`] with
        /// [`NetError::Unsent`]; the next message to the peer dials again).
        retry_in: Option<Duration>,
    },
    /// A frame from `from` could not be decoded into a message. The connection keeps going
    /// unless the framing itself broke (an oversized frame), in which case a
    /// [`NetEvent::Disconnected`] follows.
    DecodeError {
        /// Who sent it.
        from: SocketAddr,
        /// Why it did not decode.
        error: DecodeError,
    },
    /// Messages to `to` could not be sent.
    SendFailed {
        /// The addressee.
        to: SocketAddr,
        /// Why ([`NetError::NotConnected`], [`NetError::QueueFull`], [`NetError::Unsent`], ...).
        error: NetError,
    },
    /// The socket itself reported an error not tied to one peer (an `accept` that failed, a UDP
    /// socket reporting that an earlier datagram was refused). The socket keeps running.
    SocketError {
        /// The error.
        error: NetError,
    },
}

impl<T> NetEvent<T> {
    /// The message and its sender, if this is a [`NetEvent::Message`]: made for
    /// `filter_map(NetEvent::into_message)`.
    pub fn into_message(self) -> Option<(T, SocketAddr)> {
        match self {
            NetEvent::Message { from, message } => Some((message, from)),
            _ => None,
        }
    }

    /// The peer the event is about, if any ([`NetEvent::SocketError`] has none).
    ///
    /// ```
    /// use tideflow::net::{NetError, NetEvent};
    ///
    /// let peer = "127.0.0.1:9".parse().unwrap();
    /// assert_eq!(NetEvent::<()>::Connected { peer }.peer(), Some(peer));
    /// assert_eq!(NetEvent::<()>::SocketError { error: NetError::Closed }.peer(), None);
    /// ```
    pub fn peer(&self) -> Option<SocketAddr> {
        match self {
            NetEvent::Message { from, .. } | NetEvent::DecodeError { from, .. } => Some(*from),
            NetEvent::Connected { peer }
            | NetEvent::Disconnected { peer, .. }
            | NetEvent::ConnectFailed { peer, .. } => Some(*peer),
            NetEvent::SendFailed { to, .. } => Some(*to),
            NetEvent::SocketError { .. } => None,
        }
    }

    /// Whether the event reports a failure (anything but a message, a connect or a clean
    /// close by the peer).
    ///
    /// ```
    /// use tideflow::net::{NetError, NetEvent};
    ///
    /// let peer = "127.0.0.1:9".parse().unwrap();
    /// assert!(!NetEvent::<()>::Disconnected { peer, reason: NetError::Closed }.is_failure());
    /// assert!(NetEvent::<()>::SendFailed { to: peer, error: NetError::NotConnected }.is_failure());
    /// ```
    pub fn is_failure(&self) -> bool {
        match self {
            NetEvent::Message { .. } | NetEvent::Connected { .. } => false,
            NetEvent::Disconnected { reason, .. } => *reason != NetError::Closed,
            NetEvent::ConnectFailed { .. }
            | NetEvent::DecodeError { .. }
            | NetEvent::SendFailed { .. }
            | NetEvent::SocketError { .. } => true,
        }
    }

    /// Applies `decode` to a message; a message that fails becomes a [`NetEvent::DecodeError`].
    /// Every other event is passed on unchanged.
    pub fn try_map<U>(self, decode: impl FnOnce(T) -> Result<U, DecodeError>) -> NetEvent<U> {
        match self {
            NetEvent::Message { from, message } => match decode(message) {
                Ok(message) => NetEvent::Message { from, message },
                Err(error) => {
                    tracing::warn!(%from, %error, "a message did not decode; it is dropped");
                    NetEvent::DecodeError { from, error }
                }
            },
            NetEvent::Connected { peer } => NetEvent::Connected { peer },
            NetEvent::Disconnected { peer, reason } => NetEvent::Disconnected { peer, reason },
            NetEvent::ConnectFailed {
                peer,
                error,
                retry_in,
            } => NetEvent::ConnectFailed {
                peer,
                error,
                retry_in,
            },
            NetEvent::DecodeError { from, error } => NetEvent::DecodeError { from, error },
            NetEvent::SendFailed { to, error } => NetEvent::SendFailed { to, error },
            NetEvent::SocketError { error } => NetEvent::SocketError { error },
        }
    }
}

/// Why a frame did not decode into a message.
///
/// ```
/// use tideflow::net::deserialize_from_bytes;
///
/// let error = deserialize_from_bytes::<(u8, u8)>(&[1]).unwrap_err();
/// assert_eq!(error.frame_len, 1);
/// assert!(error.to_string().contains("1-byte frame"), "{error}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What the decoder said.
    pub message: String,
    /// The length of the frame that failed, in bytes (for a framing error, such as an
    /// oversized length prefix, the bytes buffered when it was detected).
    pub frame_len: usize,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {}-byte frame did not decode: {}",
            self.frame_len, self.message
        )
    }
}

impl std::error::Error for DecodeError {}

/// A network failure, as carried by [`NetEvent`]s (and by the `Err` items of
/// `source_stream_serde` over a stream of `Result`s).
///
/// It is plain data (`Clone`, `Eq`): I/O errors are kept as their [`io::ErrorKind`] and message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NetError {
    /// Connecting failed: refused, unreachable, timed out.
    Connect {
        /// The error's kind, e.g. [`io::ErrorKind::ConnectionRefused`].
        kind: io::ErrorKind,
        /// The error's message.
        message: String,
    },
    /// Reading from or writing to a socket failed.
    Io {
        /// The error's kind.
        kind: io::ErrorKind,
        /// The error's message.
        message: String,
    },
    /// The peer closed the connection.
    Closed,
    /// A bound socket has no connection from this address: the peer never connected, or it has
    /// disconnected. (A bound TCP socket only answers; use a connecting sink to dial.)
    NotConnected,
    /// The peer's send queue is full: it does not read as fast as the flow sends. The message
    /// was dropped; messages to other peers are unaffected.
    QueueFull {
        /// The queue's capacity, in messages.
        capacity: usize,
    },
    /// This many messages queued for the peer were dropped unsent, because its connection ended
    /// (after a [`NetEvent::Disconnected`]) or the sink gave up connecting (after a
    /// [`NetEvent::ConnectFailed`] with `retry_in: None`).
    Unsent {
        /// How many messages.
        count: usize,
    },
    /// A message could not be serialized.
    Encode(String),
    /// A message is longer than the maximum frame length ([`super::NetConfig::max_frame_length`]);
    /// it was not sent, and the connection is unaffected.
    FrameTooLarge {
        /// The message's encoded length, in bytes.
        len: usize,
        /// The maximum frame length, in bytes.
        max: usize,
    },
    /// A frame could not be decoded.
    Decode(DecodeError),
}

impl NetError {
    /// A connect failure from an I/O error.
    pub fn connect(error: &io::Error) -> Self {
        NetError::Connect {
            kind: error.kind(),
            message: error.to_string(),
        }
    }

    /// The I/O error kind, for the variants that carry one.
    ///
    /// ```
    /// use std::io;
    /// use tideflow::net::NetError;
    ///
    /// let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
    /// assert_eq!(NetError::connect(&refused).io_kind(), Some(io::ErrorKind::ConnectionRefused));
    /// assert_eq!(NetError::Closed.io_kind(), None);
    /// ```
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            NetError::Connect { kind, .. } | NetError::Io { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

impl From<io::Error> for NetError {
    fn from(error: io::Error) -> Self {
        NetError::Io {
            kind: error.kind(),
            message: error.to_string(),
        }
    }
}

impl From<DecodeError> for NetError {
    fn from(error: DecodeError) -> Self {
        NetError::Decode(error)
    }
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Connect { message, .. } => write!(f, "connect failed: {message}"),
            NetError::Io { message, .. } => write!(f, "I/O error: {message}"),
            NetError::Closed => f.write_str("the peer closed the connection"),
            NetError::NotConnected => f.write_str("no connection from this address"),
            NetError::QueueFull { capacity } => write!(
                f,
                "the peer's send queue is full ({capacity} messages); the message was dropped"
            ),
            NetError::Unsent { count } => write!(f, "{count} queued message(s) were not sent"),
            NetError::Encode(message) => write!(f, "the message did not serialize: {message}"),
            NetError::FrameTooLarge { len, max } => write!(
                f,
                "the message is {len} bytes long, over the maximum frame length of {max} bytes"
            ),
            NetError::Decode(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for NetError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> SocketAddr {
        "127.0.0.1:7".parse().unwrap()
    }

    #[test]
    fn try_map_turns_a_failed_decode_into_a_decode_error_event() {
        let failed = NetEvent::Message {
            from: peer(),
            message: 3u8,
        }
        .try_map(|_| -> Result<u8, _> {
            Err(DecodeError {
                message: "bad".into(),
                frame_len: 1,
            })
        });
        assert!(matches!(failed, NetEvent::DecodeError { from, .. } if from == peer()));
        let passed = NetEvent::<u8>::Connected { peer: peer() }.try_map(|x| Ok(u32::from(x)));
        assert_eq!(passed, NetEvent::Connected { peer: peer() });
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(
            NetError::QueueFull { capacity: 4 }.to_string(),
            "the peer's send queue is full (4 messages); the message was dropped"
        );
        let io_error = NetError::from(io::Error::new(io::ErrorKind::BrokenPipe, "pipe"));
        assert_eq!(io_error.io_kind(), Some(io::ErrorKind::BrokenPipe));
        assert_eq!(io_error.to_string(), "I/O error: pipe");
    }
}
