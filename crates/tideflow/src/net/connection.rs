//! One TCP connection at work, and the table of per-peer send queues.
//!
//! Every connection — accepted by a bound socket or dialled by a connecting sink — runs in its
//! own tokio task: [`run_connection`] reads frames and reports them as events while it writes the
//! frames its peer's queue holds. Each peer's queue is a bounded channel registered in
//! [`PeerQueues`], where the socket's sink finds it. One peer's slow socket fills only its own
//! queue, so sends to other peers never wait for it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use rustc_hash::FxHashMap;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_util::codec::{FramedRead, FramedWrite};
use tokio_util::sync::CancellationToken;

use super::endpoint::report;
use super::event::{DecodeError, NetError, NetEvent};
use super::format::Framing;
use super::framing::FrameCodec;

/// The send queue of one peer.
struct PeerQueue {
    /// Tells this registration from a later one for the same address.
    id: u64,
    sender: mpsc::Sender<Bytes>,
}

/// Send queues by peer address, shared by a socket's sink and its connection tasks.
#[derive(Default)]
pub(crate) struct PeerQueues {
    queues: Mutex<FxHashMap<SocketAddr, PeerQueue>>,
    next_id: AtomicU64,
}

/// Why a frame could not be queued.
pub(crate) enum QueueError {
    /// No queue for this address.
    Unknown(Bytes),
    /// The queue is full.
    Full,
    /// The queue's task has stopped.
    Closed(Bytes),
}

impl PeerQueues {
    fn lock(&self) -> MutexGuard<'_, FxHashMap<SocketAddr, PeerQueue>> {
        // A panic while holding the lock cannot leave the map inconsistent (every critical
        // section is a single map operation), so a poisoned lock is still usable.
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a new queue of `capacity` frames for `peer`, holding `first` if given,
    /// replacing any previous one, and returns its id and receiving end.
    pub(crate) fn register(
        &self,
        peer: SocketAddr,
        capacity: usize,
        first: Option<Bytes>,
    ) -> (u64, mpsc::Receiver<Bytes>) {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        if let Some(first) = first {
            // A new channel has room for one frame.
            let _ = sender.try_send(first);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.lock().insert(peer, PeerQueue { id, sender });
        (id, receiver)
    }

    /// Queues `payload` for `peer` without waiting.
    pub(crate) fn try_send(&self, peer: SocketAddr, payload: Bytes) -> Result<(), QueueError> {
        let queues = self.lock();
        let Some(queue) = queues.get(&peer) else {
            return Err(QueueError::Unknown(payload));
        };
        queue.sender.try_send(payload).map_err(|error| match error {
            mpsc::error::TrySendError::Full(_) => QueueError::Full,
            mpsc::error::TrySendError::Closed(payload) => QueueError::Closed(payload),
        })
    }

    /// Removes `peer`'s queue if it is still registration `id`.
    pub(crate) fn unregister(&self, peer: SocketAddr, id: u64) {
        let mut queues = self.lock();
        if queues.get(&peer).is_some_and(|queue| queue.id == id) {
            queues.remove(&peer);
        }
    }

    /// How many frames wait in `peer`'s queue.
    pub(crate) fn queued(&self, peer: SocketAddr) -> usize {
        self.lock().get(&peer).map_or(0, |queue| {
            queue.sender.max_capacity() - queue.sender.capacity()
        })
    }
}

/// Closes a queue that was just unregistered and counts the frames it still held: they will
/// never be sent.
pub(crate) fn discard_queue(queue: &mut mpsc::Receiver<Bytes>) -> usize {
    queue.close();
    let mut unsent = 0;
    while queue.try_recv().is_ok() {
        unsent += 1;
    }
    unsent
}

/// How a connection ended.
pub(crate) enum ConnectionEnd {
    /// The socket is shutting down (both halves were dropped).
    Stopped,
    /// Nobody can queue frames for this peer any more.
    QueueClosed,
    /// The connection broke or the peer closed it.
    Lost(NetError),
    /// The peer closed its side, which was reported as a [`NetEvent::Disconnected`]; the
    /// connection then lingered, writing what was queued for the peer, and is now closed.
    Lingered,
}

/// What a connection needs besides its socket.
pub(crate) struct ConnectionContext<'a> {
    /// The peer's address, as events report it.
    pub(crate) peer: SocketAddr,
    /// Where events go.
    pub(crate) events: &'a mpsc::Sender<NetEvent<Bytes>>,
    /// How frames are delimited.
    pub(crate) framing: Framing,
    /// The longest frame read or written.
    pub(crate) max_frame_length: usize,
    /// Cancelled when the socket shuts down.
    pub(crate) stop: &'a CancellationToken,
    /// After the peer closes its side cleanly, how long to keep writing to it (see
    /// [`super::NetConfig::linger`]). Zero: end at once.
    pub(crate) linger: Duration,
}

/// Reads and writes `stream` until it breaks, the peer closes it, its queue closes or the socket
/// stops. Messages and decode errors are reported as they are read; the caller reports the end.
pub(crate) async fn run_connection(
    stream: TcpStream,
    queue: &mut mpsc::Receiver<Bytes>,
    cx: ConnectionContext<'_>,
) -> ConnectionEnd {
    let (read, write) = stream.into_split();
    let mut reader = FramedRead::new(read, FrameCodec::new(cx.framing, cx.max_frame_length));
    let mut writer = FramedWrite::new(write, FrameCodec::new(cx.framing, cx.max_frame_length));
    let read_end = {
        let reading = read_frames(&mut reader, cx.peer, cx.events);
        let writing = write_frames(&mut writer, queue);
        tokio::select! {
            _ = cx.stop.cancelled() => return ConnectionEnd::Stopped,
            end = writing => return end,
            reason = reading => reason,
        }
    };
    if read_end != NetError::Closed || cx.linger.is_zero() {
        return ConnectionEnd::Lost(read_end);
    }
    // The peer will send nothing more, but may still read: report it gone, and keep writing
    // for a while.
    tracing::debug!(peer = %cx.peer, "the peer closed its side; lingering");
    let event = NetEvent::Disconnected {
        peer: cx.peer,
        reason: NetError::Closed,
    };
    report(cx.events, event).await;
    tokio::select! {
        _ = cx.stop.cancelled() => ConnectionEnd::Stopped,
        _ = write_frames(&mut writer, queue) => ConnectionEnd::Lingered,
        () = tokio::time::sleep(cx.linger) => ConnectionEnd::Lingered,
    }
}

/// Reports every frame read as a message until the stream ends or breaks; returns why.
async fn read_frames(
    reader: &mut FramedRead<tokio::net::tcp::OwnedReadHalf, FrameCodec>,
    peer: SocketAddr,
    events: &mpsc::Sender<NetEvent<Bytes>>,
) -> NetError {
    loop {
        match reader.next().await {
            Some(Ok(frame)) => {
                let message = frame.freeze();
                report(
                    events,
                    NetEvent::Message {
                        from: peer,
                        message,
                    },
                )
                .await;
            }
            Some(Err(error)) if error.kind() == std::io::ErrorKind::InvalidData => {
                // The framing broke (an oversized frame): the rest of the stream cannot be
                // split into frames any more.
                let error = DecodeError {
                    message: error.to_string(),
                    frame_len: reader.read_buffer().len(),
                };
                tracing::warn!(%peer, %error, "a frame did not decode; closing the connection");
                let event = NetEvent::DecodeError {
                    from: peer,
                    error: error.clone(),
                };
                report(events, event).await;
                return NetError::Decode(error);
            }
            Some(Err(error)) => return NetError::from(error),
            None => return NetError::Closed,
        }
    }
}

/// Writes the frames of `queue` as they come, flushing whenever the queue is empty.
async fn write_frames(
    writer: &mut FramedWrite<tokio::net::tcp::OwnedWriteHalf, FrameCodec>,
    queue: &mut mpsc::Receiver<Bytes>,
) -> ConnectionEnd {
    loop {
        let Some(payload) = queue.recv().await else {
            return ConnectionEnd::QueueClosed;
        };
        let mut written = writer.feed(payload).await;
        while written.is_ok() {
            match queue.try_recv() {
                Ok(payload) => written = writer.feed(payload).await,
                Err(_) => break,
            }
        }
        if let Err(error) = written.and(writer.flush().await) {
            return ConnectionEnd::Lost(NetError::from(error));
        }
    }
}
