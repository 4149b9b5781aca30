//! One TCP connection at work, and the table of per-peer send queues.
//!
//! Every connection — accepted by a bound socket or dialled by a connecting sink — runs in its
//! own tokio task: [`run_connection`] reads frames and reports them as events while it writes the
//! frames its peer's queue holds. Each peer's queue is a bounded buffer of frames registered in
//! [`PeerQueues`], where the socket's sink frames its payloads into it; the connection task
//! takes the whole buffer per wake-up and writes it at once. One peer's slow socket fills only
//! its own queue, so sends to other peers never wait for it.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Poll, Waker};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::{FutureExt, StreamExt};
use rustc_hash::FxHashMap;
use tokio::io::AsyncWriteExt;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio_util::codec::FramedRead;
use tokio_util::sync::CancellationToken;

use super::endpoint::{report, EventSender};
use super::event::{DecodeError, NetError, NetEvent};
use super::format::Framing;
use super::framing::{encode_frame, FrameCodec};

/// One peer's bounded send queue. The sink frames each payload straight into the queue's
/// buffer, and the connection task takes the whole buffer at once, so a burst of frames costs
/// one wake-up, one lock and one write on the writing side.
struct PeerQueue {
    /// Tells this registration from a later one for the same address.
    id: u64,
    /// The queued frames, already framed for the wire.
    buffer: BytesMut,
    /// How many frames `buffer` holds.
    frames: usize,
    capacity: usize,
    /// The connection task waiting for frames.
    waker: Option<Waker>,
}

impl PeerQueue {
    fn wake(&mut self) -> Option<Waker> {
        self.waker.take()
    }
}

/// Send queues by peer address, shared by a socket's sink and its connection tasks. One lock
/// guards the table and every queue in it, so queueing a frame takes one lock.
pub(crate) struct PeerQueues {
    queues: Mutex<FxHashMap<SocketAddr, PeerQueue>>,
    next_id: AtomicU64,
    framing: Framing,
}

/// Why a frame could not be queued.
pub(crate) enum QueueError {
    /// No queue for this address (none yet, or its task has stopped).
    Unknown(Bytes),
    /// The queue is full.
    Full,
}

impl PeerQueues {
    /// No queues yet; frames will be delimited with `framing`.
    pub(crate) fn new(framing: Framing) -> Self {
        Self {
            queues: Mutex::default(),
            next_id: AtomicU64::new(0),
            framing,
        }
    }

    fn lock(&self) -> MutexGuard<'_, FxHashMap<SocketAddr, PeerQueue>> {
        // A panic while holding the lock cannot leave the map inconsistent (no critical
        // section can panic half-way through an update), so a poisoned lock is still usable.
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a new queue of `capacity` frames for `peer`, holding `first` if given,
    /// replacing any previous one, and returns its receiving end.
    pub(crate) fn register(
        self: &Arc<Self>,
        peer: SocketAddr,
        capacity: usize,
        first: Option<Bytes>,
    ) -> QueueReceiver {
        let mut buffer = BytesMut::new();
        let frames = usize::from(first.is_some());
        if let Some(first) = first {
            encode_frame(self.framing, &first, &mut buffer);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let queue = PeerQueue {
            id,
            buffer,
            frames,
            capacity: capacity.max(1),
            waker: None,
        };
        let replaced = self.lock().insert(peer, queue);
        // A replaced queue's task finds its queue gone.
        if let Some(waker) = replaced.and_then(|mut queue| queue.wake()) {
            waker.wake();
        }
        QueueReceiver {
            peers: Arc::clone(self),
            peer,
            id,
        }
    }

    /// Queues `payload` for `peer` without waiting.
    pub(crate) fn try_send(&self, peer: SocketAddr, payload: Bytes) -> Result<(), QueueError> {
        let mut queues = self.lock();
        let Some(queue) = queues.get_mut(&peer) else {
            return Err(QueueError::Unknown(payload));
        };
        if queue.frames >= queue.capacity {
            return Err(QueueError::Full);
        }
        encode_frame(self.framing, &payload, &mut queue.buffer);
        queue.frames += 1;
        let waker = queue.wake();
        drop(queues);
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// How many frames wait in `peer`'s queue.
    pub(crate) fn queued(&self, peer: SocketAddr) -> usize {
        self.lock().get(&peer).map_or(0, |queue| queue.frames)
    }
}

/// The receiving end of a peer's queue, owned by its connection task. Dropping it removes the
/// queue (later frames for the peer find no queue).
pub(crate) struct QueueReceiver {
    peers: Arc<PeerQueues>,
    peer: SocketAddr,
    id: u64,
}

impl QueueReceiver {
    /// Waits for frames and swaps the buffer holding all of them with `batch` (which must be
    /// empty); `false` once the queue was removed or replaced.
    async fn recv_batch(&mut self, batch: &mut BytesMut) -> bool {
        std::future::poll_fn(|cx| {
            let mut queues = self.peers.lock();
            let Some(queue) = queues
                .get_mut(&self.peer)
                .filter(|queue| queue.id == self.id)
            else {
                return Poll::Ready(false);
            };
            if queue.frames > 0 {
                std::mem::swap(&mut queue.buffer, batch);
                queue.frames = 0;
                return Poll::Ready(true);
            }
            match &mut queue.waker {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                waker => *waker = Some(cx.waker().clone()),
            }
            Poll::Pending
        })
        .await
    }

    /// Removes the queue and counts the frames it still held: they will never be sent.
    fn remove(&self) -> usize {
        let mut queues = self.peers.lock();
        if queues
            .get(&self.peer)
            .is_none_or(|queue| queue.id != self.id)
        {
            return 0;
        }
        let removed = queues.remove(&self.peer);
        drop(queues);
        removed.map_or(0, |queue| queue.frames)
    }
}

impl Drop for QueueReceiver {
    fn drop(&mut self) {
        self.remove();
    }
}

/// Removes a queue whose connection ended and counts the frames it still held: they will
/// never be sent.
pub(crate) fn discard_queue(queue: &mut QueueReceiver) -> usize {
    queue.remove()
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
    pub(crate) events: &'a EventSender,
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

/// The writing side of a connection: framed bytes taken from the queue and not yet written.
/// The buffer outlives a cancelled [`write_frames`].
struct FrameWriter {
    write: OwnedWriteHalf,
    buffer: BytesMut,
}

/// The most frames read in one go before they are reported.
const READ_BATCH: usize = 64;

/// Reads and writes `stream` until it breaks, the peer closes it, its queue closes or the socket
/// stops. Messages and decode errors are reported as they are read; the caller reports the end.
pub(crate) async fn run_connection(
    stream: TcpStream,
    queue: &mut QueueReceiver,
    cx: ConnectionContext<'_>,
) -> ConnectionEnd {
    let (read, write) = stream.into_split();
    let mut reader = FramedRead::new(read, FrameCodec::new(cx.framing, cx.max_frame_length));
    let mut writer = FrameWriter {
        write,
        buffer: BytesMut::new(),
    };
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
    events: &EventSender,
) -> NetError {
    let mut batch = VecDeque::new();
    loop {
        let mut next = reader.next().await;
        // Take the frames already read along with this one, without waiting, and report them
        // together. `end`: `Some(None)` when the stream ended, `Some(Some(error))` when it broke.
        let end = loop {
            match next {
                Some(Ok(frame)) => {
                    batch.push_back(NetEvent::Message {
                        from: peer,
                        message: frame.freeze(),
                    });
                    if batch.len() >= READ_BATCH {
                        break None;
                    }
                    match reader.next().now_or_never() {
                        Some(more) => next = more,
                        None => break None,
                    }
                }
                Some(Err(error)) => break Some(Some(error)),
                None => break Some(None),
            }
        };
        if !batch.is_empty() {
            events.send_all(&mut batch).await;
        }
        match end {
            None => {}
            Some(None) => return NetError::Closed,
            Some(Some(error)) if error.kind() == std::io::ErrorKind::InvalidData => {
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
            Some(Some(error)) => return NetError::from(error),
        }
    }
}

/// Writes the frames of `queue` as they come: every wake-up takes all queued frames (already
/// framed by the sink) and writes them with as few system calls as the socket allows.
async fn write_frames(writer: &mut FrameWriter, queue: &mut QueueReceiver) -> ConnectionEnd {
    loop {
        if writer.buffer.is_empty() && !queue.recv_batch(&mut writer.buffer).await {
            return ConnectionEnd::QueueClosed;
        }
        if let Err(error) = writer.write.write_all_buf(&mut writer.buffer).await {
            return ConnectionEnd::Lost(NetError::from(error));
        }
    }
}
