//! The two halves every socket function returns: a [`NetSink`] to send `(message, address)`
//! pairs with, and a [`NetEvents`] stream of what happened.
//!
//! Both halves are thin: the sockets are driven by tokio tasks that the socket functions spawn
//! ([`super::tcp`], [`super::udp`]), which exchange frame payloads ([`Bytes`]) with the halves
//! through channels. The halves do the typed part on the caller's side: the sink encodes each
//! message with its [`WireFormat`] and hands the payload to the target peer's queue; the stream
//! decodes each payload, turning one that does not decode into a [`NetEvent::DecodeError`]. So
//! the tasks never see `T`, and `T` need not be `Send`.
//!
//! The sink never waits: a message goes into its peer's bounded queue at once (each peer has its
//! own, drained by its own task, so a slow peer never holds up another), and anything that stops
//! it (a full queue, an unknown peer, an encoding error) is reported as a
//! [`NetEvent::SendFailed`] on the stream. Dropping both halves (every clone of the sink, and the
//! stream) stops the tasks and closes the socket and its connections.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context as TaskContext, Poll, Waker};

use bytes::Bytes;
use futures::{Sink, Stream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::event::{NetError, NetEvent};
use super::format::{Bincode, WireFormat};

/// Where a socket's sink puts outgoing frame payloads: implemented per transport.
pub(crate) trait Outbox: Send + Sync + 'static {
    /// Queues `payload` for `to` without waiting, or says why it cannot.
    fn send(&self, payload: Bytes, to: SocketAddr) -> Result<(), NetError>;

    /// How many payloads for `to` are queued and not yet written.
    fn queued(&self, to: SocketAddr) -> usize;
}

/// What both halves share: the transport's outbox, and the token that stops the socket's tasks
/// when the last half is dropped.
pub(crate) struct Shared {
    outbox: Box<dyn Outbox>,
    stop: CancellationToken,
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Builds the two halves of a socket. `events` is the receiving end of the channel the
/// socket's tasks report into; `stop` is cancelled when both halves are gone.
pub(crate) fn endpoint<T, F: WireFormat<T>>(
    outbox: impl Outbox,
    events: EventReceiver,
    stop: CancellationToken,
) -> (NetSink<T, F>, NetEvents<T, F>) {
    let shared = Arc::new(Shared {
        outbox: Box::new(outbox),
        stop,
    });
    let (failures_send, failures) = mpsc::unbounded_channel();
    let sink = NetSink {
        shared: Arc::clone(&shared),
        failures: failures_send,
        format: PhantomData,
    };
    let stream = NetEvents {
        _shared: shared,
        events,
        received: Vec::new(),
        failures,
        events_open: true,
        failures_open: true,
        format: PhantomData,
    };
    (sink, stream)
}

/// The sending half of a socket: a [`Sink`] of `(message, address)` pairs that never waits.
///
/// Each message is encoded with the format `F` ([`Bincode`] unless the socket was opened with
/// `_bytes` or `_lines`) and queued for its addressee; `poll_ready` is always ready. A message
/// that cannot be queued is dropped and reported on the socket's [`NetEvents`] as a
/// [`NetEvent::SendFailed`] (also logged with `tracing::warn!`), never as a sink error, so
/// `dest_sink(sink)` in a flow never stalls and never fails. Cloning gives another handle to
/// the same socket.
///
/// ```
/// use tideflow::net::{bind_udp, NetEvent};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (sink, mut events, addr) = bind_udp::<String>("127.0.0.1:0").await?;
/// sink.send_to("to myself".to_string(), addr);
/// use futures::StreamExt;
/// let event = events.next().await;
/// assert_eq!(event, Some(NetEvent::Message { from: addr, message: "to myself".to_string() }));
/// # Ok(())
/// # }
/// ```
pub struct NetSink<T, F = Bincode> {
    shared: Arc<Shared>,
    failures: mpsc::UnboundedSender<NetEvent<Bytes>>,
    format: PhantomData<fn(T) -> F>,
}

impl<T, F: WireFormat<T>> NetSink<T, F> {
    /// Encodes `message` and queues it for `to`, without waiting. A failure is reported on the
    /// socket's event stream (see the type's documentation); the return value says whether the
    /// message was queued.
    pub fn send_to(&self, message: T, to: SocketAddr) -> bool {
        let queued = F::encode(message).and_then(|payload| self.shared.outbox.send(payload, to));
        match queued {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%to, %error, "a message could not be sent; it is dropped");
                // The stream may be gone; then nobody is listening for the failure either.
                let _ = self.failures.send(NetEvent::SendFailed { to, error });
                false
            }
        }
    }

    /// How many messages for `to` are queued and not yet written to its socket: a flow can
    /// hold back messages to a peer that is falling behind.
    pub fn queued_for(&self, to: SocketAddr) -> usize {
        self.shared.outbox.queued(to)
    }
}

impl<T, F> Clone for NetSink<T, F> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            failures: self.failures.clone(),
            format: PhantomData,
        }
    }
}

impl<T, F> fmt::Debug for NetSink<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetSink").finish_non_exhaustive()
    }
}

impl<T, F: WireFormat<T>> Sink<(T, SocketAddr)> for NetSink<T, F> {
    /// Never returned: failures are reported as events.
    type Error = NetError;

    fn poll_ready(self: Pin<&mut Self>, _cx: &mut TaskContext<'_>) -> Poll<Result<(), NetError>> {
        Poll::Ready(Ok(()))
    }

    fn start_send(self: Pin<&mut Self>, (message, to): (T, SocketAddr)) -> Result<(), NetError> {
        self.send_to(message, to);
        Ok(())
    }

    /// Ready at once: queued messages are written by the socket's tasks.
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut TaskContext<'_>) -> Poll<Result<(), NetError>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut TaskContext<'_>) -> Poll<Result<(), NetError>> {
        Poll::Ready(Ok(()))
    }
}

/// How many received events [`NetEvents`] takes from its channel at once.
const RECEIVE_BATCH: usize = 32;

/// The receiving half of a socket: a [`Stream`] of [`NetEvent`]s — messages, connections,
/// disconnections and failures, in the order they happened on each connection.
///
/// Feed it to `source_stream` in a flow and pick messages out with
/// `filter_map(NetEvent::into_message)`, or handle every event. Messages are decoded here, on
/// the caller's side; one that does not decode becomes a [`NetEvent::DecodeError`] and the
/// stream goes on. The stream does not end while the socket is open.
pub struct NetEvents<T, F = Bincode> {
    _shared: Arc<Shared>,
    events: EventReceiver,
    /// Events taken from `events` in one go and not yet returned, last first.
    received: Vec<NetEvent<Bytes>>,
    failures: mpsc::UnboundedReceiver<NetEvent<Bytes>>,
    events_open: bool,
    failures_open: bool,
    format: PhantomData<fn() -> (T, F)>,
}

impl<T, F> fmt::Debug for NetEvents<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NetEvents").finish_non_exhaustive()
    }
}

impl<T, F: WireFormat<T>> Stream for NetEvents<T, F> {
    type Item = NetEvent<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<NetEvent<T>>> {
        let this = self.get_mut();
        // Events already taken from the socket's channel come first (at most a small batch).
        if let Some(event) = this.received.pop() {
            return Poll::Ready(Some(event.try_map(F::decode)));
        }
        // Then failures of the flow's own sends: they are few and already late.
        if this.failures_open {
            match this.failures.poll_recv(cx) {
                Poll::Ready(Some(event)) => return Poll::Ready(Some(event.try_map(F::decode))),
                Poll::Ready(None) => this.failures_open = false,
                Poll::Pending => {}
            }
        }
        if this.events_open {
            // Take what is there in one go (one wake-up registration instead of one per
            // event), but only a few: the socket's buffer stays the backpressure.
            match this.events.poll_take(cx, &mut this.received, RECEIVE_BATCH) {
                Poll::Ready(false) => this.events_open = false,
                Poll::Ready(true) => {
                    if let Some(event) = this.received.pop() {
                        return Poll::Ready(Some(event.try_map(F::decode)));
                    }
                }
                Poll::Pending => {}
            }
        }
        if this.events_open || this.failures_open {
            Poll::Pending
        } else {
            Poll::Ready(None)
        }
    }
}

/// The tokio runtime to spawn a socket's tasks on, or an error saying one is needed.
pub(crate) fn current_runtime(function: &str) -> std::io::Result<tokio::runtime::Handle> {
    tokio::runtime::Handle::try_current().map_err(|error| {
        std::io::Error::other(format!(
            "tideflow::net::{function} needs a tokio runtime with I/O and time enabled (run it \
             inside `#[tideflow::main]` or `#[tokio::main]`): {error}"
        ))
    })
}

/// Sends `event` to the socket's stream, waiting while the stream's buffer is full. If the
/// stream is gone nobody is listening and the event is dropped.
pub(crate) async fn report(events: &EventSender, event: NetEvent<Bytes>) {
    events.send(event).await;
}

/// The channel a socket's tasks report events into, read by its [`NetEvents`]: bounded (a task
/// waits while it is full) and taken from in batches, so a burst of events costs one lock and
/// one wake-up per batch instead of one per event.
struct EventChannel {
    state: Mutex<EventState>,
    capacity: usize,
}

struct EventState {
    events: VecDeque<NetEvent<Bytes>>,
    /// Live [`EventSender`]s; none left ends the stream once it is drained.
    senders: usize,
    /// The receiving end is gone: events are dropped.
    closed: bool,
    /// The stream waiting for events.
    receiver: Option<Waker>,
    /// Senders waiting for room.
    waiting: Vec<Waker>,
}

impl EventChannel {
    fn lock(&self) -> MutexGuard<'_, EventState> {
        // Every critical section leaves the state consistent, so a poisoned lock is usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A bounded channel of `capacity` events (at least 1).
pub(crate) fn event_channel(capacity: usize) -> (EventSender, EventReceiver) {
    let channel = Arc::new(EventChannel {
        state: Mutex::new(EventState {
            events: VecDeque::new(),
            senders: 1,
            closed: false,
            receiver: None,
            waiting: Vec::new(),
        }),
        capacity: capacity.max(1),
    });
    (
        EventSender {
            channel: Arc::clone(&channel),
        },
        EventReceiver { channel },
    )
}

/// A socket task's handle for reporting events.
pub(crate) struct EventSender {
    channel: Arc<EventChannel>,
}

impl Clone for EventSender {
    fn clone(&self) -> Self {
        self.channel.lock().senders += 1;
        Self {
            channel: Arc::clone(&self.channel),
        }
    }
}

impl Drop for EventSender {
    fn drop(&mut self) {
        let mut state = self.channel.lock();
        state.senders -= 1;
        let receiver = if state.senders == 0 {
            state.receiver.take()
        } else {
            None
        };
        drop(state);
        if let Some(waker) = receiver {
            waker.wake();
        }
    }
}

impl EventSender {
    /// Sends the events `batch` holds, in order, waiting while the channel is full; leaves
    /// `batch` empty. If the stream is gone nobody is listening and the events are dropped.
    pub(crate) async fn send_all(&self, batch: &mut VecDeque<NetEvent<Bytes>>) {
        std::future::poll_fn(|cx| {
            let mut state = self.channel.lock();
            if state.closed {
                batch.clear();
                return Poll::Ready(());
            }
            let was_empty = state.events.is_empty();
            while state.events.len() < self.channel.capacity {
                let Some(event) = batch.pop_front() else {
                    break;
                };
                state.events.push_back(event);
            }
            let receiver = if was_empty && !state.events.is_empty() {
                state.receiver.take()
            } else {
                None
            };
            let done = batch.is_empty();
            if !done
                && !state
                    .waiting
                    .iter()
                    .any(|waker| waker.will_wake(cx.waker()))
            {
                state.waiting.push(cx.waker().clone());
            }
            drop(state);
            if let Some(waker) = receiver {
                waker.wake();
            }
            if done {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }

    /// Sends `event`, waiting while the channel is full.
    pub(crate) async fn send(&self, event: NetEvent<Bytes>) {
        let mut batch = VecDeque::from([event]);
        self.send_all(&mut batch).await;
    }
}

/// The receiving end of an [`event_channel`].
pub(crate) struct EventReceiver {
    channel: Arc<EventChannel>,
}

impl Drop for EventReceiver {
    fn drop(&mut self) {
        let mut state = self.channel.lock();
        state.closed = true;
        state.events.clear();
        let waiting = std::mem::take(&mut state.waiting);
        drop(state);
        waiting.into_iter().for_each(Waker::wake);
    }
}

impl EventReceiver {
    /// Moves up to `max` events into `out`, last first (so `out.pop()` yields them in order):
    /// `Ready(false)` once every sender is gone and nothing is left.
    fn poll_take(
        &mut self,
        cx: &mut TaskContext<'_>,
        out: &mut Vec<NetEvent<Bytes>>,
        max: usize,
    ) -> Poll<bool> {
        let mut state = self.channel.lock();
        if state.events.is_empty() {
            if state.senders == 0 {
                return Poll::Ready(false);
            }
            match &mut state.receiver {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                waker => *waker = Some(cx.waker().clone()),
            }
            return Poll::Pending;
        }
        let take = state.events.len().min(max);
        out.extend(state.events.drain(..take).rev());
        let waiting = std::mem::take(&mut state.waiting);
        drop(state);
        waiting.into_iter().for_each(Waker::wake);
        Poll::Ready(true)
    }
}
