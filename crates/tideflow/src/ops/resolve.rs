//! Futures and streams as items: `resolve_futures*`, `flat_map_stream_blocking`,
//! `flatten_stream_blocking`.
//!
//! The plain forms never hold a tick up: [`ResolveFutures`] keeps its futures across ticks and
//! emits each result in the first tick after it is ready (the flow's waker schedules that tick).
//! The *blocking* forms ([`ResolveFuturesBlocking`], [`FlattenStreams`]) make their downstream
//! see every result within the tick: their `flush` returns `false` while work is pending, and the
//! generated code then suspends the tick at that operator; `Flow::run_tick().await` continues it
//! once the flow is woken. Everything is polled with the flow's waker.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures::stream::{FuturesOrdered, FuturesUnordered};
use futures::Stream;

use crate::context::Context;
use crate::ops::Ty;

/// The set of futures a resolving operator waits on: completion order or input order.
pub trait FutureQueue<F: Future>: Stream<Item = F::Output> + Unpin {
    /// An empty queue.
    fn empty() -> Self;
    /// Adds a future.
    fn add(&mut self, future: F);
    /// How many futures are still pending.
    fn pending(&self) -> usize;
}

impl<F: Future> FutureQueue<F> for FuturesUnordered<F> {
    fn empty() -> Self {
        FuturesUnordered::new()
    }
    fn add(&mut self, future: F) {
        self.push(future);
    }
    fn pending(&self) -> usize {
        self.len()
    }
}

impl<F: Future> FutureQueue<F> for FuturesOrdered<F> {
    fn empty() -> Self {
        FuturesOrdered::new()
    }
    fn add(&mut self, future: F) {
        self.push_back(future);
    }
    fn pending(&self) -> usize {
        self.len()
    }
}

/// Emits every output `queue` has ready now; returns whether it is empty afterwards.
fn drain_ready<F: Future, Q: FutureQueue<F>>(
    queue: &mut Q,
    context: &Context,
    mut emit: impl FnMut(F::Output),
) -> bool {
    let mut cx = TaskContext::from_waker(context.waker());
    loop {
        match Pin::new(&mut *queue).poll_next(&mut cx) {
            Poll::Ready(Some(output)) => emit(output),
            Poll::Ready(None) => return true,
            Poll::Pending => return false,
        }
    }
}

/// The output witness of an operator over futures of the witnessed type.
pub fn future_output<F: Future>(_futures: Ty<F>) -> Ty<F::Output> {
    Ty::new()
}

/// `resolve_futures()` / `resolve_futures_ordered()`: emits each future's output in the first
/// run after it is ready; pending futures are kept across ticks and wake the flow.
pub struct ResolveFutures<F: Future, Q: FutureQueue<F>> {
    queue: Q,
    _future: std::marker::PhantomData<F>,
}

/// `resolve_futures()`: outputs in completion order.
pub type ResolveFuturesUnordered<F> = ResolveFutures<F, FuturesUnordered<F>>;
/// `resolve_futures_ordered()`: outputs in input order.
pub type ResolveFuturesOrdered<F> = ResolveFutures<F, FuturesOrdered<F>>;

impl<F: Future, Q: FutureQueue<F>> ResolveFutures<F, Q> {
    /// An operator with no futures yet.
    pub fn new(_futures: Ty<F>) -> Self {
        Self {
            queue: Q::empty(),
            _future: std::marker::PhantomData,
        }
    }

    /// Takes a future.
    pub fn push(&mut self, future: F) {
        self.queue.add(future);
    }

    /// Emits the outputs that are ready now.
    pub fn flush(&mut self, context: &Context, emit: impl FnMut(F::Output)) {
        drain_ready(&mut self.queue, context, emit);
    }

    /// Whether a run may emit: futures are pending and the flow was woken.
    pub fn needs_run(&self, context: &Context) -> bool {
        self.queue.pending() > 0 && context.was_woken()
    }
}

/// `resolve_futures_blocking()` / `resolve_futures_blocking_ordered()`: the tick waits until
/// every future pushed in it is done; outputs are emitted as they complete.
pub struct ResolveFuturesBlocking<F: Future, Q: FutureQueue<F>> {
    queue: Q,
    _future: std::marker::PhantomData<F>,
}

/// `resolve_futures_blocking()`: outputs in completion order.
pub type ResolveFuturesBlockingUnordered<F> = ResolveFuturesBlocking<F, FuturesUnordered<F>>;
/// `resolve_futures_blocking_ordered()`: outputs in input order.
pub type ResolveFuturesBlockingOrdered<F> = ResolveFuturesBlocking<F, FuturesOrdered<F>>;

impl<F: Future, Q: FutureQueue<F>> ResolveFuturesBlocking<F, Q> {
    /// An operator with no futures yet.
    pub fn new(_futures: Ty<F>) -> Self {
        Self {
            queue: Q::empty(),
            _future: std::marker::PhantomData,
        }
    }

    /// Takes a future.
    pub fn push(&mut self, future: F) {
        self.queue.add(future);
    }

    /// Emits the outputs that are ready; returns `true` once every future is done (`false`:
    /// the tick must wait for the flow's waker).
    pub fn flush(&mut self, context: &Context, emit: impl FnMut(F::Output)) -> bool {
        drain_ready(&mut self.queue, context, emit)
    }

    /// Whether futures are still pending (a suspended tick continues here).
    pub fn needs_run(&self) -> bool {
        self.queue.pending() > 0
    }
}

/// `flat_map_stream_blocking(f)` / `flatten_stream_blocking()`: emits every item of each input
/// stream, in input order; the tick waits until all of them have ended.
pub struct FlattenStreams<S: Stream + Unpin> {
    streams: VecDeque<S>,
}

/// The output witness of a flattening over streams of the witnessed type.
pub fn stream_item<S: Stream>(_streams: Ty<S>) -> Ty<S::Item> {
    Ty::new()
}

/// Fixes `flat_map_stream_blocking`'s closure type from its input witness.
pub fn flat_map_stream_fn<T, S: Stream + Unpin, F: FnMut(T) -> S>(
    _input: Ty<T>,
    f: F,
) -> (F, Ty<S::Item>) {
    (f, Ty::new())
}

impl<S: Stream + Unpin> Default for FlattenStreams<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Stream + Unpin> FlattenStreams<S> {
    /// An operator with no streams yet.
    pub fn new() -> Self {
        Self {
            streams: VecDeque::new(),
        }
    }

    /// Takes a stream.
    pub fn push(&mut self, stream: S) {
        self.streams.push_back(stream);
    }

    /// Emits the items that are ready, stream by stream; returns `true` once every stream has
    /// ended (`false`: the tick must wait for the flow's waker).
    pub fn flush(&mut self, context: &Context, mut emit: impl FnMut(S::Item)) -> bool {
        let mut cx = TaskContext::from_waker(context.waker());
        while let Some(stream) = self.streams.front_mut() {
            match Pin::new(stream).poll_next(&mut cx) {
                Poll::Ready(Some(item)) => emit(item),
                Poll::Ready(None) => {
                    self.streams.pop_front();
                }
                Poll::Pending => return false,
            }
        }
        true
    }

    /// Whether streams are still pending (a suspended tick continues here).
    pub fn needs_run(&self) -> bool {
        !self.streams.is_empty()
    }
}

/// Fixes `scan_async_blocking`'s function types: `init` makes the state, `f` updates it for
/// each item and returns a future of an optional output.
pub fn scan_async_fns<T, A, O, Fut, I, F>(_input: Ty<T>, init: I, f: F) -> (I, F, Ty<O>)
where
    Fut: Future<Output = Option<O>>,
    I: FnMut() -> A,
    F: FnMut(&mut A, T) -> Fut,
{
    (init, f, Ty::new())
}

/// `scan_async_blocking(init, f)`: `f(&mut state, item)` updates the state in item order and
/// returns a future; the outputs (`Some` ones; `None` drops the item) come out in item order,
/// and the tick waits (suspended) until every future of the tick is done.
pub struct ScanAsync<A, Fut: Future> {
    state: Option<A>,
    persistence: crate::ops::Persistence,
    queue: FuturesOrdered<Fut>,
}

impl<A, O, Fut: Future<Output = Option<O>>> ScanAsync<A, Fut> {
    /// A scan whose state is made by `init` on first use.
    pub fn new(persistence: crate::ops::Persistence) -> Self {
        Self {
            state: None,
            persistence,
            queue: FuturesOrdered::new(),
        }
    }

    /// Updates the state with `item` and queues the future `f` returns.
    pub fn push<T>(
        &mut self,
        item: T,
        init: &mut impl FnMut() -> A,
        f: &mut impl FnMut(&mut A, T) -> Fut,
    ) {
        let state = self.state.get_or_insert_with(init);
        self.queue.push_back(f(state, item));
    }

    /// Emits the ready outputs in order; returns `true` once every future is done.
    pub fn flush(&mut self, context: &Context, mut emit: impl FnMut(O)) -> bool {
        drain_ready(&mut self.queue, context, |output| {
            if let Some(output) = output {
                emit(output);
            }
        })
    }

    /// Whether futures are still pending (a suspended tick continues here).
    pub fn needs_run(&self) -> bool {
        !self.queue.is_empty()
    }

    /// End of tick: `'tick` state starts over.
    pub fn end_tick(&mut self) {
        if self.persistence == crate::ops::Persistence::Tick {
            self.state = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::channel::oneshot;

    fn outputs<T>(run: impl FnOnce(&mut dyn FnMut(T))) -> Vec<T> {
        let mut out = Vec::new();
        run(&mut |x| out.push(x));
        out
    }

    #[test]
    fn resolve_futures_emits_ready_outputs_and_keeps_pending_ones() {
        let context = Context::new(0, 0);
        let (send, recv) = oneshot::channel::<u32>();
        let mut op = ResolveFuturesUnordered::new(Ty::new());
        op.push(futures::future::Either::Left(std::future::ready(Ok(1))));
        op.push(futures::future::Either::Right(recv));
        let first = outputs(|emit| op.flush(&context, emit));
        assert_eq!(first.into_iter().flatten().collect::<Vec<_>>(), [1]);
        assert_eq!(send.send(2), Ok(()));
        let second = outputs(|emit| op.flush(&context, emit));
        assert_eq!(second.into_iter().flatten().collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn ordered_resolution_keeps_input_order() {
        let context = Context::new(0, 0);
        let (send_a, recv_a) = oneshot::channel::<u32>();
        let (send_b, recv_b) = oneshot::channel::<u32>();
        let mut op = ResolveFuturesBlockingOrdered::new(Ty::new());
        op.push(recv_a);
        op.push(recv_b);
        assert_eq!(send_b.send(2), Ok(()));
        let mut out = Vec::new();
        assert!(!op.flush(&context, |x| out.push(x)));
        assert!(out.is_empty(), "b is done but waits for a");
        assert!(op.needs_run());
        assert_eq!(send_a.send(1), Ok(()));
        assert!(op.flush(&context, |x| out.push(x)));
        assert_eq!(out, [Ok(1), Ok(2)]);
        assert!(!op.needs_run());
    }

    #[test]
    fn flatten_streams_waits_for_every_stream_to_end() {
        let context = Context::new(0, 0);
        let (send, recv) = futures::channel::mpsc::unbounded::<u32>();
        let mut op = FlattenStreams::new();
        op.push(futures::stream::iter(vec![1, 2]).boxed_local());
        op.push(recv.boxed_local());
        let mut out = Vec::new();
        assert!(send.unbounded_send(3).is_ok());
        assert!(!op.flush(&context, |x| out.push(x)));
        assert_eq!(out, [1, 2, 3]);
        drop(send);
        assert!(op.flush(&context, |x| out.push(x)));
        assert_eq!(out, [1, 2, 3]);
    }

    #[test]
    fn scan_async_keeps_state_in_item_order_and_drops_nones() {
        let context = Context::new(0, 0);
        let mut op = ScanAsync::new(crate::ops::Persistence::Static);
        let (mut init, mut f, _) = scan_async_fns(
            Ty::<u32>::new(),
            || 0u32,
            |sum: &mut u32, x| {
                *sum += x;
                let total = *sum;
                std::future::ready((total % 2 == 0).then_some(total))
            },
        );
        for x in [1, 1, 3, 5] {
            op.push(x, &mut init, &mut f);
        }
        let mut out = Vec::new();
        assert!(op.flush(&context, |x| out.push(x)));
        assert_eq!(out, [2, 10]);
    }

    use futures::StreamExt;
}
